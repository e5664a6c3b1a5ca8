#include "agent.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* The dialogue's lines are short; see modules/remote/serve.c for all of it. */
#define LINE_MAX_LEN 64

struct agent {
	struct ssh_stream *st;
};

/* What one answer fills while it comes in. */
struct answer {
	struct ssh_exec_result *res;
	long *pid;
};

/* The first line of out, NUL-terminated in line; -1 if incomplete or too long. */
static int first_line(const struct buf *out, size_t off, char *line, size_t *len)
{
	const char *nl = memchr(out->buf + off, '\n', out->len - off);
	size_t n;

	if (!nl)
		return out->len - off < LINE_MAX_LEN ? 0 : -1;
	n = (size_t)(nl - (out->buf + off));
	if (n >= LINE_MAX_LEN)
		return -1;
	memcpy(line, out->buf + off, n);
	line[n] = '\0';
	*len = n + 1;
	return 1;
}

static void take(struct buf *out, size_t n)
{
	memmove(out->buf, out->buf + n, out->len - n);
	buf_setlen(out, out->len - n);
}

static int greeted(struct buf *out, void *arg)
{
	char line[LINE_MAX_LEN];
	size_t len;
	int r = first_line(out, 0, line, &len);

	(void)arg;
	if (r <= 0)
		return r;
	take(out, len);
	return strcmp(line, "drover-agent 1") ? -1 : 1;
}

static void set_exit(struct ssh_exec_result *res, int status, int sig)
{
	const char *name = sig ? sigabbrev_np(sig) : NULL;

	res->exit_status = sig ? -1 : status;
	if (sig)
		res->exit_signal = name ? xstrdup(name) : xasprintf("%d", sig);
}

/*
 * Takes in every complete frame of out: 1 once the exit line came, 0 for
 * more, -1 for a line the agent never writes.
 */
static int answered(struct buf *out, void *arg)
{
	struct answer *a = arg;
	char line[LINE_MAX_LEN], tag[4];
	size_t off = 0, len, n;
	int r = 0, status, sig;

	while (!r && (r = first_line(out, off, line, &len)) > 0) {
		r = 0;
		if (sscanf(line, "pid %ld", a->pid) == 1) {
			off += len;
		} else if (sscanf(line, "%3s %zu", tag, &n) == 2 &&
			   (!strcmp(tag, "out") || !strcmp(tag, "err"))) {
			if (out->len - off - len < n)
				break;
			buf_add(!strcmp(tag, "out") ? &a->res->out : &a->res->errb,
				out->buf + off + len, n);
			off += len + n;
		} else if (sscanf(line, "exit %d %d", &status, &sig) == 2) {
			set_exit(a->res, status, sig);
			off += len;
			r = 1;
		} else {
			r = -1;
		}
	}
	take(out, off);
	return r;
}

int agent_start(struct ssh_conn *c, const char *cmd, int timeout_ms, struct agent **out,
		int *status, struct buf *err)
{
	struct ssh_stream *st;
	int r;

	*out = NULL;
	*status = -1;
	if ((r = ssh_stream_open(c, cmd, timeout_ms, &st, err)))
		return r;
	if ((r = ssh_stream_call(st, "", 0, timeout_ms, greeted, NULL, err))) {
		*status = ssh_stream_exit_status(st);
		ssh_stream_close(st);
		return r;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->st = st;
	return SSH_OK;
}

int agent_run(struct agent *ag, const struct agent_job *j, int timeout_ms,
	      struct ssh_exec_result *res, long *pid, struct buf *err)
{
	struct answer a = { res, pid };
	struct buf req = BUF_INIT;
	int r;

	*pid = 0;
	buf_addf(&req, "run %s %s %s %zu\n", j->kind, j->name, j->shell, j->inlen);
	buf_add(&req, j->in, j->inlen);
	r = ssh_stream_call(ag->st, req.buf, req.len, timeout_ms, answered, &a, err);
	buf_release(&req);
	return r;
}

void agent_stop(struct agent *ag)
{
	if (!ag)
		return;
	ssh_stream_close(ag->st);
	free(ag);
}
