/*
 * Waiting for hosts to come back: the controller side of the reboot and
 * wait_for_connection modules (see reboot.h).
 */
#include "reboot.h"

#include <string.h>
#include <time.h>

#include "xalloc.h"
#include "banned.h"

#define DEFAULT_BOOT_ID_COMMAND "cat /proc/sys/kernel/random/boot_id"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps up to `seconds`, in small steps so Ctrl-C is noticed; -1 if cancelled. */
static int nap(double seconds, const volatile sig_atomic_t *cancel)
{
	double end = now_s() + seconds;
	struct timespec step = { 0, 100 * 1000 * 1000 };

	while (now_s() < end) {
		if (cancel && *cancel)
			return -1;
		nanosleep(&step, NULL);
	}
	return cancel && *cancel ? -1 : 0;
}

/*
 * One attempt: connect with a per-attempt timeout and run cmd; its stdout
 * (trimmed) goes to out. Returns 0 if the command exited 0, else -1 with
 * the reason in err.
 */
static int try_command(const struct ssh_opts *o, int connect_timeout, const char *cmd,
		       const volatile sig_atomic_t *cancel, struct buf *out, struct buf *err)
{
	struct ssh_opts attempt;
	struct ssh_conn *c = NULL;
	struct ssh_exec_result res;
	int r = -1;

	ssh_opts_copy(&attempt, o);
	if (connect_timeout > 0) {
		attempt.connect_timeout = connect_timeout;
		attempt.set_timeout = 1;
	}
	ssh_exec_result_init(&res);
	buf_reset(err);
	if (ssh_connect(&attempt, &c, err) != SSH_OK)
		goto out;
	ssh_set_cancel(c, cancel);
	if (ssh_exec(c, cmd, NULL, 0, (attempt.connect_timeout > 0 ? attempt.connect_timeout : 10) * 1000,
		     &res, err) != SSH_OK)
		goto out;
	if (res.exit_status != 0) {
		buf_setf(err, "'%s' exited %d: %.*s", cmd, res.exit_status, (int)res.errb.len,
			 res.errb.buf);
		buf_rtrim(err);
		goto out;
	}
	buf_reset(out);
	buf_add(out, res.out.buf, res.out.len);
	buf_rtrim(out);
	r = 0;
out:
	ssh_exec_result_release(&res);
	ssh_close(c);
	ssh_opts_release(&attempt);
	return r;
}

/* One reboot check: 0 when the boot id changed and test_command passed. */
static int rebooted(const struct ssh_opts *o, const struct reboot_wait_opts *w,
		    const volatile sig_atomic_t *cancel, struct buf *err)
{
	struct buf id = BUF_INIT;
	const char *cmd = w->boot_time_command && *w->boot_time_command ?
		w->boot_time_command : DEFAULT_BOOT_ID_COMMAND;
	int r = try_command(o, w->connect_timeout, cmd, cancel, &id, err);

	if (!r && !strcmp(id.buf, w->boot_id ? w->boot_id : "")) {
		buf_setf(err, "boot id unchanged: the host has not rebooted yet");
		r = -1;
	}
	if (!r)
		r = try_command(o, w->connect_timeout,
				w->test_command && *w->test_command ? w->test_command : "whoami",
				cancel, &id, err);
	buf_release(&id);
	return r;
}

int reboot_wait(const struct ssh_opts *o, const struct reboot_wait_opts *w,
		const volatile sig_atomic_t *cancel, int *elapsed, struct buf *err)
{
	int timeout = w->reboot_timeout > 0 ? w->reboot_timeout : 600;
	double start = now_s();
	struct buf last = BUF_INIT;
	int r = -1;

	while (now_s() - start < timeout) {
		if (!rebooted(o, w, cancel, &last)) {
			r = 0;
			break;
		}
		if (nap(1, cancel) < 0)
			break;
	}
	if (!r && w->post_reboot_delay > 0 && nap(w->post_reboot_delay, cancel) < 0)
		r = -1;
	*elapsed = (int)(now_s() - start);
	if (r && cancel && *cancel)
		buf_setf(err, "interrupted: drover was asked to stop");
	else if (r)
		buf_setf(err, "Timed out waiting for last boot time check (timeout=%d): %s", timeout,
			 last.buf);
	buf_release(&last);
	return r;
}

int wait_for_connection(const struct ssh_opts *o, const struct wait_conn_opts *w,
			const volatile sig_atomic_t *cancel, int *elapsed, struct buf *err)
{
	int timeout = w->timeout > 0 ? w->timeout : 600;
	int pause = w->sleep > 0 ? w->sleep : 1;
	double start = now_s();
	struct buf out = BUF_INIT, last = BUF_INIT;
	int r = -1;

	if (w->delay > 0 && nap(w->delay, cancel) < 0)
		goto out;
	while (now_s() - start < timeout) {
		if (!try_command(o, w->connect_timeout > 0 ? w->connect_timeout : 5, "true", cancel,
				 &out, &last)) {
			r = 0;
			break;
		}
		if (nap(pause, cancel) < 0)
			break;
	}
out:
	*elapsed = (int)(now_s() - start);
	if (r && cancel && *cancel)
		buf_setf(err, "interrupted: drover was asked to stop");
	else if (r)
		buf_setf(err, "timed out waiting for ping module test: %s", last.buf);
	buf_release(&out);
	buf_release(&last);
	return r;
}
