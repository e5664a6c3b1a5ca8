#ifndef DROVER_REBOOT_H
#define DROVER_REBOOT_H

#include <signal.h>

#include "buf.h"
#include "ssh.h"

/*
 * The controller's half of the reboot and wait_for_connection modules:
 * waiting for a host that is (or may be) down, by connecting again and
 * again with the host's own connection options. Both block the calling
 * process (a worker, when called from the runner) for up to their timeout,
 * checking *cancel (may be NULL) between attempts.
 */

struct reboot_wait_opts {
	const char *boot_id;          /* the boot id before the reboot */
	const char *boot_time_command; /* prints the boot id (default: /proc's) */
	const char *test_command;     /* must succeed once back (default whoami) */
	int reboot_timeout;           /* seconds, from the call (default 600) */
	int connect_timeout;          /* seconds per attempt (0: the options' own) */
	int post_reboot_delay;        /* seconds to sleep once it is back */
};

/*
 * Waits until the host named by o answers with a boot id other than
 * w->boot_id and test_command exits 0. Returns 0 with the seconds it took
 * in *elapsed, or -1 with Ansible's wording in err on timeout ("Timed out
 * waiting for last boot time check (timeout=600)") or if interrupted.
 */
int reboot_wait(const struct ssh_opts *o, const struct reboot_wait_opts *w,
		const volatile sig_atomic_t *cancel, int *elapsed, struct buf *err);

struct wait_conn_opts {
	int connect_timeout; /* seconds per attempt (default 5) */
	int delay;           /* seconds before the first attempt */
	int sleep;           /* seconds between attempts (default 1) */
	int timeout;         /* give up after this many seconds (default 600) */
};

/*
 * Connects and runs `true` until it works or w->timeout passes. Returns 0
 * with *elapsed, or -1 with "timed out waiting for ping module test: ..."
 * (the last error) in err.
 */
int wait_for_connection(const struct ssh_opts *o, const struct wait_conn_opts *w,
			const volatile sig_atomic_t *cancel, int *elapsed, struct buf *err);

#endif
