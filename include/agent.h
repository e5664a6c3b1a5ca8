#ifndef DROVER_AGENT_H
#define DROVER_AGENT_H

#include <stddef.h>

#include "buf.h"
#include "ssh.h"

/*
 * The host agent: drover-remote serve (modules/remote/serve.c) on a
 * channel of its own, started once per connection, runs module after
 * module. A task then costs a request on an open channel rather than a
 * new channel, a login shell and a /bin/sh on the host.
 */
struct agent;

/*
 * Starts the agent with cmd (the runner's launcher for it) and waits for
 * its greeting. SSH_OK with *out set; SSH_ERR_ENDED when cmd ended first,
 * with its exit status in *status; or another SSH_ERR_* with err set.
 */
int agent_start(struct ssh_conn *c, const char *cmd, int timeout_ms, struct agent **out,
		int *status, struct buf *err);

struct agent_job {
	const char *kind;  /* "helper" (a module of drover-remote) or "script" */
	const char *name;  /* the helper's module, or the cached script's sha256 */
	const char *shell; /* the script's interpreter: one word */
	const char *in;    /* the module's stdin */
	size_t inlen;
};

/*
 * Runs one module. res gets what ssh_exec would give, *pid the module's
 * process group on the host (0 until it started, for a kill). Returns as
 * ssh_stream_call; after anything but SSH_OK stop the agent.
 */
int agent_run(struct agent *ag, const struct agent_job *j, int timeout_ms,
	      struct ssh_exec_result *res, long *pid, struct buf *err);

/* Closes its channel (the agent ends at EOF) and frees ag; NULL is fine. */
void agent_stop(struct agent *ag);

#endif
