#ifndef DROVER_LOCAL_H
#define DROVER_LOCAL_H

#include <signal.h>

#include "buf.h"
#include "ssh.h"

/*
 * ansible_connection=local: runs cmd with /bin/sh -c on the controller with
 * the same contract as ssh_exec (stdin data then EOF, stdout and stderr read
 * concurrently, exit status, timeout). Returns SSH_OK, SSH_ERR_TIMEOUT (the
 * command's process group is killed), SSH_ERR_CANCELLED (*cancel was set;
 * killed likewise) or SSH_ERR_CHANNEL (could not start).
 */
int local_exec(const char *cmd, const void *in, size_t inlen, int timeout_ms,
	       const volatile sig_atomic_t *cancel, struct ssh_exec_result *res, struct buf *err);
/* The same with a gate before stdin (see struct ssh_gate); gate may be NULL. */
int local_exec_gated(const char *cmd, const void *in, size_t inlen, int timeout_ms,
		     const volatile sig_atomic_t *cancel, struct ssh_gate *gate,
		     struct ssh_exec_result *res, struct buf *err);

#endif
