#include "local.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Child side: only async-signal-safe calls between fork and exec. */
static void start_child(int in, int out, int errfd, const char *cmd)
{
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	dup2(in, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int drain(int *fd, struct buf *into)
{
	char chunk[65536];
	ssize_t n = read(*fd, chunk, sizeof(chunk));

	if (n > 0) {
		if (into->len + (size_t)n <= BUF_SIZE_MAX)
			buf_add(into, chunk, (size_t)n);
		return 0;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	close(*fd);
	*fd = -1;
	return 0;
}

/* stdin's side: the gate's bytes first, then (once the gate is open) in, then EOF. */
struct feed_io {
	const char *in;
	size_t inlen, off;
	struct ssh_gate *gate;
	int state;       /* SSH_GATE_* */
	struct buf pre;  /* a password line: wiped after */
	size_t preoff;
};

static void feed(int *fd, struct feed_io *f)
{
	int pre = f->preoff < f->pre.len;
	const char *from = pre ? f->pre.buf + f->preoff : f->in + f->off;
	size_t left = pre ? f->pre.len - f->preoff : f->inlen - f->off;
	ssize_t n = left ? write(*fd, from, left) : 0;

	if (n > 0)
		*(pre ? &f->preoff : &f->off) += (size_t)n;
	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (f->preoff == f->pre.len && f->state != SSH_GATE_WAIT &&
	    (f->off == f->inlen || f->state == SSH_GATE_SHUT)) {
		close(*fd);
		*fd = -1;
	}
}

static int ready_to_feed(const struct feed_io *f)
{
	return f->preoff < f->pre.len || f->state != SSH_GATE_WAIT;
}

/* Moves data until both outputs close; SSH_OK, SSH_ERR_TIMEOUT or SSH_ERR_CANCELLED. */
static int pump(int fds[3], struct feed_io *f, long long deadline,
		const volatile sig_atomic_t *cancel, struct ssh_exec_result *res)
{
	if (!f->inlen && !f->gate) {
		close(fds[0]);
		fds[0] = -1;
	}
	while (fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd p[3] = { { ready_to_feed(f) ? fds[0] : -1, POLLOUT, 0 },
				       { fds[1], POLLIN, 0 }, { fds[2], POLLIN, 0 } };
		int wait = deadline ? (int)(deadline - now_ms()) : 1000;

		if (deadline && wait <= 0)
			return SSH_ERR_TIMEOUT;
		if (cancel && *cancel)
			return SSH_ERR_CANCELLED;
		if (wait > 1000)
			wait = 1000;
		if (poll(p, 3, wait) < 0 && errno != EINTR)
			return SSH_ERR_CHANNEL;
		if (fds[0] >= 0 && p[0].revents)
			feed(&fds[0], f);
		if (fds[1] >= 0 && p[1].revents)
			drain(&fds[1], &res->out);
		if (fds[2] >= 0 && p[2].revents)
			drain(&fds[2], &res->errb);
		if (f->state == SSH_GATE_WAIT)
			f->state = f->gate->step(f->gate, res, &f->pre);
	}
	return SSH_OK;
}

int local_exec(const char *cmd, const void *in, size_t inlen, int timeout_ms,
	       const volatile sig_atomic_t *cancel, struct ssh_exec_result *res, struct buf *err)
{
	return local_exec_gated(cmd, in, inlen, timeout_ms, cancel, NULL, res, err);
}

int local_exec_gated(const char *cmd, const void *in, size_t inlen, int timeout_ms,
		     const volatile sig_atomic_t *cancel, struct ssh_gate *gate,
		     struct ssh_exec_result *res, struct buf *err)
{
	struct feed_io f = { in, inlen, 0, gate, gate ? SSH_GATE_WAIT : SSH_GATE_OPEN, BUF_INIT, 0 };
	int pin[2], pout[2], perr[2], fds[3], status, i, r = SSH_OK;
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		buf_setf(err, "cannot create pipes: %s", strerror(errno));
		return SSH_ERR_CHANNEL;
	}
	pid = fork();
	if (pid == 0)
		start_child(pin[0], pout[1], perr[1], cmd);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	fds[0] = pin[1];
	fds[1] = pout[0];
	fds[2] = perr[0];
	if (pid < 0) {
		buf_setf(err, "cannot fork: %s", strerror(errno));
		r = SSH_ERR_CHANNEL;
	} else if ((r = pump(fds, &f, deadline, cancel, res)) != SSH_OK) {
		kill(-pid, SIGKILL);
		buf_setf(err, r == SSH_ERR_TIMEOUT ? "command timed out" : "command interrupted");
	}
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && r == SSH_OK) {
		res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (WIFSIGNALED(status))
			res->exit_signal = xstrdup(strsignal(WTERMSIG(status)));
	}
	if (f.pre.len)
		explicit_bzero(f.pre.buf, f.pre.len);
	buf_release(&f.pre);
	return r;
}
