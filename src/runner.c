#include "runner.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "agent.h"
#include "base64.h"
#include "become.h"
#include "buf.h"
#include "jsonutil.h"
#include "kv.h"
#include "local.h"
#include "module.h"
#include "module_embed.h"
#include "reboot.h"
#include "ssh.h"
#include "transfer.h"
#include "xalloc.h"
#include "banned.h"

/* Exit status of the launcher when the module is not cached on the host yet. */
#define MODULE_MISSING 213
/* ... and when the helper drover-remote is not (the host's architecture fits). */
#define HELPER_MISSING 214

/* A host agent of a connection (see agent.h), running as the login user or under become. */
struct conn_agent {
	char *become;        /* what its command starts with: become_wrap's words, or "" */
	struct agent *agent; /* NULL: it could not start or died here, jobs take channels */
};

struct cached_conn {
	char *key;             /* the job's "conn" object, serialised */
	struct ssh_conn *conn; /* NULL for connection=local */
	int no_helper;         /* the helper could not be installed: sh modules only */
	struct conn_agent *agents; /* one per become identity: see launch_in_agent */
	size_t nr_agents, alloc_agents;
};

struct cached_payload {
	const struct module *module;
	struct module_payload payload;
};

struct runner {
	const volatile sig_atomic_t *cancel; /* set when the worker must stop */
	struct cached_conn *conns;
	size_t nr_conns, alloc_conns;
	struct cached_payload *payloads;
	size_t nr_payloads, alloc_payloads;
	int no_helper; /* DROVER_REMOTE_HELPER=0: always the sh modules */
	int no_agent;  /* DROVER_AGENT=0: a channel per job */
};

/* What one attempt to run a job produced, before it becomes a result. */
struct attempt {
	struct ssh_exec_result res;
	struct timeval start, end;
	char marker[64]; /* precedes the module's JSON result on stdout */
	long pgid;       /* the module's process group on the host, 0 if unknown */
};

/* DROVER_REMOTE_HELPER=0 (or no, false, off) forces the sh modules; DROVER_AGENT=0 a channel per job. */
static int turned_off(const char *v)
{
	return v && (!strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		     !strcasecmp(v, "off"));
}

struct runner *runner_new(const volatile sig_atomic_t *cancel)
{
	struct runner *r = xcalloc(1, sizeof(struct runner));

	r->cancel = cancel;
	r->no_helper = turned_off(getenv("DROVER_REMOTE_HELPER"));
	r->no_agent = turned_off(getenv("DROVER_AGENT"));
	return r;
}

static void stop_agents(struct cached_conn *c)
{
	size_t i;

	for (i = 0; i < c->nr_agents; i++) {
		agent_stop(c->agents[i].agent);
		free(c->agents[i].become);
	}
	free(c->agents);
	c->agents = NULL;
	c->nr_agents = c->alloc_agents = 0;
}

void runner_free(struct runner *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr_conns; i++) {
		stop_agents(&r->conns[i]);
		ssh_close(r->conns[i].conn);
		free(r->conns[i].key);
	}
	for (i = 0; i < r->nr_payloads; i++)
		module_payload_release(&r->payloads[i].payload);
	free(r->conns);
	free(r->payloads);
	free(r);
}

static json_t *outcome(const char *status, json_t *result)
{
	return json_pack("{s:s, s:o}", "status", status, "result", result);
}

static json_t *unreachable(const char *msg)
{
	return outcome("unreachable", json_pack("{s:b, s:s, s:b}", "changed", 0, "msg", msg,
						"unreachable", 1));
}

static json_t *failed(const char *msg)
{
	return outcome("failed", json_pack("{s:b, s:b, s:s}", "changed", 0, "failed", 1, "msg", msg));
}

/* ---- connections ---- */

static const char *conn_str(json_t *conn, const char *key)
{
	return json_string_value(json_object_get(conn, key));
}

static void set_str(char **field, json_t *conn, const char *key)
{
	const char *v = conn_str(conn, key);

	if (v)
		*field = xstrdup(v);
}

static enum hostkey_policy policy_of(const char *s)
{
	if (s && !strcmp(s, "accept-new"))
		return HOSTKEY_ACCEPT_NEW;
	if (s && !strcmp(s, "no"))
		return HOSTKEY_NO;
	return HOSTKEY_STRICT;
}

/*
 * Options in OpenSSH's order of precedence: the inventory's connection
 * variables, then ssh args (-o), then ssh_config, then built-in defaults.
 */
static int conn_opts(json_t *conn, struct ssh_opts *o, struct buf *err)
{
	struct buf warnings = BUF_INIT;
	json_t *files = json_object_get(conn, "identity_files"), *f;
	const char *args = conn_str(conn, "ssh_args"), *cfg = conn_str(conn, "ssh_config");
	size_t i;
	int r = 0;

	/* not marked as set: a HostName in ssh_config for this alias wins */
	set_str(&o->host, conn, "host");
	if ((o->port = (int)json_integer_value(json_object_get(conn, "port"))))
		o->set_port = 1;
	set_str(&o->user, conn, "user");
	o->set_user = o->user != NULL;
	set_str(&o->password, conn, "password");
	set_str(&o->key_passphrase, conn, "key_passphrase");
	json_array_foreach(files, i, f)
		strvec_push(&o->identity_files, json_string_value(f));
	if (json_is_true(json_object_get(conn, "identities_only")))
		o->identities_only = o->set_identities_only = 1;
	set_str(&o->known_hosts, conn, "known_hosts");
	o->set_known_hosts = o->known_hosts != NULL;
	if (conn_str(conn, "policy")) {
		o->policy = policy_of(conn_str(conn, "policy"));
		o->set_policy = 1;
	}
	if ((o->connect_timeout = (int)json_integer_value(json_object_get(conn, "connect_timeout"))))
		o->set_timeout = 1;
	if (args && *args)
		r = ssh_opts_apply_args(o, args, &warnings, err);
	if (!r && cfg)
		r = ssh_opts_apply_config(o, cfg, conn_str(conn, "host"), err);
	buf_release(&warnings); /* the controller already printed them, once per run */
	return r;
}

static struct cached_conn *find_conn(struct runner *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nr_conns; i++)
		if (!strcmp(r->conns[i].key, key))
			return &r->conns[i];
	return NULL;
}

static void drop_conn(struct runner *r, struct cached_conn *c)
{
	stop_agents(c);
	ssh_close(c->conn);
	free(c->key);
	*c = r->conns[--r->nr_conns];
}

/* The host's session: cached, or opened now. NULL with err set if it can't be. */
static struct cached_conn *get_conn(struct runner *r, json_t *conn, struct buf *err)
{
	char *key = json_dumps(conn, JSON_COMPACT | JSON_SORT_KEYS);
	struct cached_conn *c = find_conn(r, key);
	struct ssh_conn *sc = NULL;
	struct ssh_opts o;

	if (c) {
		free(key);
		return c;
	}
	if (!json_is_true(json_object_get(conn, "local"))) {
		ssh_opts_init(&o);
		if (conn_opts(conn, &o, err) < 0 || ssh_connect(&o, &sc, err) != SSH_OK) {
			ssh_opts_release(&o);
			free(key);
			return NULL;
		}
		ssh_opts_release(&o);
		ssh_set_cancel(sc, r->cancel);
	}
	ALLOC_GROW(r->conns, r->nr_conns + 1, r->alloc_conns);
	c = &r->conns[r->nr_conns++];
	c->key = key;
	c->conn = sc;
	c->no_helper = 0;
	c->agents = NULL;
	c->nr_agents = c->alloc_agents = 0;
	return c;
}

/* The dialogue's gate, if the job's become has one. */
static struct ssh_gate *gate_of(struct become *b)
{
	return b && b->gated ? &b->gate : NULL;
}

static int run_on(struct runner *r, struct cached_conn *c, const char *cmd, const char *in,
		  size_t len, int timeout_ms, struct ssh_gate *gate, struct ssh_exec_result *res,
		  struct buf *err)
{
	if (!c->conn)
		return local_exec_gated(cmd, in, len, timeout_ms, r->cancel, gate, res, err);
	return ssh_exec_gated(c->conn, cmd, in, len, timeout_ms, gate, res, err);
}

/*
 * The launcher's first line of stderr is its pid, which names the remote
 * process group (sshd made it a group leader). Takes it out of the output;
 * returns it, or 0 if the launcher did not get that far.
 */
static long take_pgid(struct buf *errb)
{
	char *nl = memchr(errb->buf, '\n', errb->len), *end;
	long pgid;

	if (!nl)
		return 0;
	pgid = strtol(errb->buf, &end, 10);
	if (end != nl || pgid <= 1)
		return 0;
	memmove(errb->buf, nl + 1, errb->len - (size_t)(nl + 1 - errb->buf));
	buf_setlen(errb, errb->len - (size_t)(nl + 1 - errb->buf));
	return pgid;
}

/*
 * A module past its timeout or interrupted by Ctrl-C: kill its process
 * group on the host over the same session, since closing a channel does
 * not stop a remote command.
 */
static void stop_remote(struct runner *r, struct cached_conn *c, long pgid)
{
	struct ssh_exec_result res;
	struct buf cmd = BUF_INIT, err = BUF_INIT;

	if (!c->conn || !pgid)
		return; /* local_exec killed its process group itself */
	buf_addf(&cmd, "kill -TERM -- -%ld 2>/dev/null", pgid);
	ssh_exec_result_init(&res);
	ssh_set_cancel(c->conn, NULL);
	ssh_exec(c->conn, cmd.buf, NULL, 0, 5000, &res, &err);
	ssh_set_cancel(c->conn, r->cancel);
	ssh_exec_result_release(&res);
	buf_release(&cmd);
	buf_release(&err);
}

/* ---- module launch ---- */

static int timeout_ms_of(json_t *job)
{
	return (int)json_integer_value(json_object_get(job, "timeout")) * 1000;
}

static const struct module_payload *get_payload(struct runner *r, const struct module *m)
{
	size_t i;

	for (i = 0; i < r->nr_payloads; i++)
		if (r->payloads[i].module == m)
			return &r->payloads[i].payload;
	ALLOC_GROW(r->payloads, r->nr_payloads + 1, r->alloc_payloads);
	r->payloads[r->nr_payloads].module = m;
	module_payload_build(m, &r->payloads[r->nr_payloads].payload);
	return &r->payloads[r->nr_payloads++].payload;
}

/* Wraps cmd for become (b NULL: the job does not become). */
static void add_become(struct buf *cmd, const struct become *b)
{
	if (b)
		become_wrap(b, cmd);
}

/*
 * Whether m runs as the helper drover-remote on this connection: it has a
 * C twin, nobody turned the helper off, and the become user (if any) is
 * root, who can run the login user's cached copy; another user may not
 * even be able to read it, so gets the sh module.
 */
static int use_helper(const struct runner *r, const struct cached_conn *c, const struct module *m,
		      json_t *job)
{
	json_t *become = json_object_get(job, "become");
	const char *user = json_string_value(json_object_get(become, "user"));
	size_t i;

	if (r->no_helper || c->no_helper || (become && user && strcmp(user, "root")))
		return 0;
	for (i = 0; embedded_helper.modules[i]; i++)
		if (!strcmp(embedded_helper.modules[i], m->script))
			return 1;
	return 0;
}

/*
 * The helper's part of the launcher: runs the cached helper, or exits
 * HELPER_MISSING if there is none yet. A helper present but not executable
 * (a marker left by upload_helper_command: a noexec home, another
 * architecture) falls through to the sh module. No architecture test here:
 * that costs a fork and an exec per task, so the upload makes it once.
 */
static void helper_branch(struct buf *inner, const char *name, const struct become *b)
{
	buf_addf(inner, "h=\"$HOME/.cache/drover/%s/drover-remote\"; "
			"if [ -x \"$h\" ]; then echo $$ >&2; exec ",
		 embedded_helper.sha256);
	add_become(inner, b);
	buf_addf(inner, "\"$h\" %s; fi; [ -e \"$h\" ] || exit %d; ", name, HELPER_MISSING);
}

/*
 * The launcher: runs the helper or the cached module if the host has it,
 * else exits HELPER_MISSING or MODULE_MISSING so that the runner uploads
 * what lacks once and tries again. Its first line on stderr is its pid
 * (see take_pgid). helper names the helper's module, or is NULL.
 */
static void launch_command(struct buf *cmd, const struct module_payload *p, json_t *job,
			   const char *helper, const struct become *b)
{
	const char *shell = json_string_value(json_object_get(job, "shell"));
	struct buf inner = BUF_INIT, sh = BUF_INIT;

	sh_quote(&sh, shell && *shell ? shell : "/bin/sh");
	if (helper)
		helper_branch(&inner, helper, b);
	buf_addf(&inner, "m=\"$HOME/.cache/drover/modules/%s.sh\"; [ -r \"$m\" ] || exit %d; "
			 "echo $$ >&2; exec ",
		 p->sha256, MODULE_MISSING);
	add_become(&inner, b);
	/*
	 * The become user may not be able to read the login user's cache, so
	 * the script goes as an argument (it holds code, never secrets: the
	 * arguments still travel on stdin).
	 */
	buf_addf(&inner, b ? "%s -c \"$(cat \"$m\")\" drover-module" : "%s \"$m\"", sh.buf);
	buf_addstr(cmd, "/bin/sh -c ");
	sh_quote(cmd, inner.buf);
	buf_release(&inner);
	buf_release(&sh);
}

static void upload_command(struct buf *cmd, const struct module_payload *p)
{
	buf_addf(cmd, "umask 077 && d=\"$HOME/.cache/drover/modules\" && "
		      "mkdir -p \"$d\" && "
		      "cat > \"$d/.%s.$$\" && mv -f \"$d/.%s.$$\" \"$d/%s.sh\"",
		 p->sha256, p->sha256, p->sha256);
}

/*
 * The helper lands under a temporary name, then is renamed: never half a
 * binary. One that cannot run there (a host of another architecture, a
 * noexec home, a host lying about its architecture) is replaced by a mode
 * 0600 marker: the launcher then goes straight to the sh module, and
 * nothing is sent again.
 */
static void upload_helper_command(struct buf *cmd)
{
	buf_addf(cmd, "umask 077 && d=\"$HOME/.cache/drover/%s\" && mkdir -p \"$d\" && "
		      "t=\"$d/.drover-remote.$$\" && h=\"$d/drover-remote\" && "
		      "if [ \"$(uname -m 2>/dev/null)\" != '%s' ]; then "
		      "cat >/dev/null; : >\"$h\"; exit 1; fi && "
		      "{ cat > \"$t\" && chmod 700 \"$t\" && mv -f \"$t\" \"$h\" || "
		      "{ rm -f \"$t\"; exit 1; }; } && "
		      "{ \"$h\" --list >/dev/null 2>&1 || { chmod 600 \"$h\"; exit 1; }; }",
		 embedded_helper.sha256, embedded_helper.arch);
}

/*
 * Sends what the launcher found missing: the helper, or p's script (p
 * may be NULL for the helper). A helper that cannot be installed (a full
 * or read-only home) is not tried again on this connection.
 */
static int upload(struct runner *r, struct cached_conn *c, const struct module_payload *p,
		  int helper, struct buf *err)
{
	struct ssh_exec_result res;
	struct buf cmd = BUF_INIT;
	int rc;

	ssh_exec_result_init(&res);
	if (helper) {
		upload_helper_command(&cmd);
		rc = run_on(r, c, cmd.buf, embedded_helper.start,
			    (size_t)(embedded_helper.end - embedded_helper.start), 60000, NULL, &res,
			    err);
		if (rc == SSH_OK && res.exit_status != 0)
			c->no_helper = 1;
	} else {
		upload_command(&cmd, p);
		rc = run_on(r, c, cmd.buf, p->text.buf, p->text.len, 30000, NULL, &res, err);
	}
	ssh_exec_result_release(&res);
	buf_release(&cmd);
	return rc;
}

/* ---- the host agent ---- */

/* launch_in_agent's answer when the agent cannot run here: the job takes a channel. */
#define AGENT_ABSENT 1

/* The job's interpreter for its sh module: one word, as the agent reads it. */
static const char *job_shell(json_t *job)
{
	const char *shell = json_string_value(json_object_get(job, "shell"));

	return shell && *shell ? shell : "/bin/sh";
}

/*
 * Whether the job may run in a host agent: over SSH, the helper usable
 * here, an interpreter the agent can name, and no become or one without a
 * dialogue to root, who can read the login user's cache (what use_helper
 * asks too).
 */
static int agent_fits(const struct runner *r, const struct cached_conn *c, json_t *job,
		      const struct become *b)
{
	return c->conn && !r->no_agent && !r->no_helper && !c->no_helper &&
	       (!b || (!b->gated && !strcmp(b->user, "root"))) &&
	       !strpbrk(job_shell(job), " \t\n");
}

/*
 * The agent's launcher: the cached helper's serve (under become's words),
 * or exit HELPER_MISSING when there is none yet, 1 for the marker of a
 * helper that cannot run here. The login user's cache holds the scripts.
 */
static void agent_command(struct buf *cmd, const char *become)
{
	struct buf inner = BUF_INIT;

	buf_addf(&inner, "h=\"$HOME/.cache/drover/%s/drover-remote\"; "
			 "[ -x \"$h\" ] || { [ -e \"$h\" ] && exit 1; exit %d; }; "
			 "exec %s\"$h\" serve \"$HOME/.cache/drover/modules\"",
		 embedded_helper.sha256, HELPER_MISSING, become);
	buf_addstr(cmd, "/bin/sh -c ");
	sh_quote(cmd, inner.buf);
	buf_release(&inner);
}

/*
 * Starts an agent, sending the helper first if the host lacks it. SSH_OK
 * with ca->agent set, AGENT_ABSENT when it cannot run here (sudo wants a
 * password, say), or the connection's failure.
 */
static int start_agent(struct runner *r, struct cached_conn *c, struct conn_agent *ca,
		       struct buf *err)
{
	struct buf cmd = BUF_INIT;
	int rc, status;

	agent_command(&cmd, ca->become);
	rc = agent_start(c->conn, cmd.buf, 30000, &ca->agent, &status, err);
	if (rc == SSH_ERR_ENDED && status == HELPER_MISSING &&
	    (rc = upload(r, c, NULL, 1, err)) == SSH_OK)
		rc = c->no_helper ? SSH_ERR_ENDED
				  : agent_start(c->conn, cmd.buf, 30000, &ca->agent, &status, err);
	if (rc == SSH_ERR_ENDED) {
		buf_reset(err);
		rc = AGENT_ABSENT;
	}
	buf_release(&cmd);
	return rc;
}

/*
 * The connection's agent for become b (NULL: none), started now if it is
 * the first job to need it. SSH_OK with *out set, or as start_agent.
 */
static int get_agent(struct runner *r, struct cached_conn *c, const struct become *b,
		     struct conn_agent **out, struct buf *err)
{
	struct buf key = BUF_INIT;
	struct conn_agent *ca = NULL;
	size_t i;
	int rc = SSH_OK;

	if (b)
		become_wrap(b, &key);
	for (i = 0; i < c->nr_agents && !ca; i++)
		if (!strcmp(c->agents[i].become, key.buf))
			ca = &c->agents[i];
	if (!ca) {
		ALLOC_GROW(c->agents, c->nr_agents + 1, c->alloc_agents);
		ca = &c->agents[c->nr_agents++];
		ca->become = buf_detach(&key, NULL);
		rc = start_agent(r, c, ca, err);
	} else if (!ca->agent) {
		rc = AGENT_ABSENT;
	}
	buf_release(&key);
	*out = ca;
	return rc;
}

/* Forgets a connection's agent that timed out, so that the next job starts a fresh one. */
static void forget_agent(struct cached_conn *c, struct conn_agent *ca)
{
	agent_stop(ca->agent);
	free(ca->become);
	*ca = c->agents[--c->nr_agents];
}

/*
 * Runs the job in a host agent, uploading its sh module once if the host
 * lacks it. AGENT_ABSENT: the job needs a channel of its own.
 * SSH_ERR_ENDED: the agent died under the job (err says how); later jobs
 * of its kind take channels.
 */
static int launch_in_agent(struct runner *r, struct cached_conn *c, const struct module *m,
			   json_t *job, const struct buf *in, const struct become *b,
			   struct attempt *a, struct buf *err)
{
	const struct module_payload *p = get_payload(r, m);
	int helper = use_helper(r, c, m, job), rc, tries;
	struct agent_job j = { helper ? "helper" : "script", helper ? m->script : p->sha256,
			       job_shell(job), in->buf, in->len };
	struct conn_agent *ca;

	if ((rc = get_agent(r, c, b, &ca, err)) != SSH_OK)
		return rc;
	for (tries = 0; tries < 2; tries++) {
		ssh_exec_result_release(&a->res);
		ssh_exec_result_init(&a->res);
		gettimeofday(&a->start, NULL);
		rc = agent_run(ca->agent, &j, timeout_ms_of(job), &a->res, &a->pgid, err);
		gettimeofday(&a->end, NULL);
		if (rc == SSH_ERR_ENDED) {
			agent_stop(ca->agent);
			ca->agent = NULL;
		} else if (rc != SSH_OK) {
			forget_agent(c, ca);
		}
		if (rc != SSH_OK)
			return rc;
		if (helper || a->res.exit_status != MODULE_MISSING || a->res.out.len)
			break;
		if ((rc = upload(r, c, p, 0, err)) != SSH_OK)
			return rc;
	}
	return SSH_OK;
}

/*
 * Runs the launcher, uploading the helper or the script once if the host
 * lacks it; in the host agent when the job fits. b: the job's become, or NULL.
 */
static int launch(struct runner *r, struct cached_conn *c, const struct module *m, json_t *job,
		  const struct buf *in, struct become *b, struct attempt *a, struct buf *err)
{
	const struct module_payload *p = get_payload(r, m);
	struct buf cmd = BUF_INIT;
	int rc = SSH_OK, tries, st;

	if (agent_fits(r, c, job, b) &&
	    (rc = launch_in_agent(r, c, m, job, in, b, a, err)) != AGENT_ABSENT)
		return rc;
	for (tries = 0; tries < 3; tries++) {
		buf_reset(&cmd);
		if (b && b->gated && tries) /* a fresh dialogue for the retry */
			become_restart(b);
		if (b)
			b->stdin_len = in->len;
		launch_command(&cmd, p, job, use_helper(r, c, m, job) ? m->script : NULL, b);
		ssh_exec_result_release(&a->res);
		ssh_exec_result_init(&a->res);
		gettimeofday(&a->start, NULL);
		rc = run_on(r, c, cmd.buf, in->buf, in->len, timeout_ms_of(job),
			    gate_of(b), &a->res, err);
		gettimeofday(&a->end, NULL);
		a->pgid = take_pgid(&a->res.errb);
		st = a->res.exit_status;
		if (rc != SSH_OK || a->res.out.len || (st != MODULE_MISSING && st != HELPER_MISSING))
			break;
		if ((rc = upload(r, c, p, st == HELPER_MISSING, err)) != SSH_OK)
			break;
	}
	buf_release(&cmd);
	return rc;
}

/* A fresh random marker for one module run's result. */
static void new_marker(struct attempt *a)
{
	unsigned char rnd[16];
	char hex[33];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		BUG("no randomness for the result marker");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", rnd[i]);
	snprintf(a->marker, sizeof(a->marker), "@@DROVER-RESULT-%s@@", hex);
}

/* Finds the last "\n<marker>" in out; returns its offset or -1. */
static long find_marker(const struct buf *out, const char *marker)
{
	size_t mlen = strlen(marker), i;

	for (i = out->len; i-- > 0;)
		if (out->buf[i] == '\n' && out->len - i - 1 >= mlen &&
		    !memcmp(out->buf + i + 1, marker, mlen))
			return (long)i;
	return -1;
}

/*
 * The job's become: b ready, or NULL when the job does not become or with
 * err set (a method drover lacks). Prompts are waited for as long as a
 * connection may take; su gets a terminal over SSH only.
 */
static struct become *become_of(json_t *job, struct become *b, struct buf *err)
{
	json_t *become = json_object_get(job, "become"), *conn = json_object_get(job, "conn");
	int t = (int)json_integer_value(json_object_get(conn, "connect_timeout"));

	if (!become)
		return NULL;
	if (become_init(b, become, t, !json_is_true(json_object_get(conn, "local")), err) < 0)
		return NULL;
	return b;
}

/* A failure of privilege escalation: only msg, as Ansible reports it. */
static json_t *become_failed(const char *msg)
{
	return outcome("failed", json_pack("{s:b, s:s}", "failed", 1, "msg", msg));
}

/*
 * What privilege escalation left of a run that never got to be the user:
 * Ansible's words for a wrong or missing password, or NULL (the command
 * itself failed). sudo -n asking for a password is a missing one too.
 */
static json_t *become_result(const struct become *b, const struct ssh_exec_result *res)
{
	static const char ask[] = "sudo: a password is required";
	char *msg;
	json_t *out;

	if (!b)
		return NULL;
	if (!b->gated) {
		if (res->exit_status == 1 &&
		    memmem(res->errb.buf, res->errb.len, ask, strlen(ask)))
			return become_failed("Missing sudo password");
		return NULL;
	}
	if (!(msg = become_failure(b)))
		return NULL;
	out = *msg ? become_failed(msg) : NULL;
	free(msg);
	return out;
}

static json_t *exec_failure(int rc, const char *msg, json_t *job)
{
	if (rc == SSH_ERR_CANCELLED)
		return failed("interrupted: drover was asked to stop");
	if (rc == SSH_ERR_ENDED) {
		char *m = xasprintf("drover's agent on the host ended during the task: %s", msg);
		json_t *o = failed(m);

		free(m);
		return o;
	}
	if (rc == SSH_ERR_TIMEOUT) {
		char *m = xasprintf("The %s action failed to execute in the expected time "
				    "frame (%d) and was terminated",
				    json_string_value(json_object_get(job, "module")),
				    timeout_ms_of(job) / 1000);
		json_t *o = failed(m);

		free(m);
		return o;
	}
	return unreachable(msg);
}

/* ---- results ---- */

static void add_time(json_t *res, const char *key, const struct timeval *tv)
{
	struct tm tm;
	char when[32];

	localtime_r(&tv->tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	json_object_set_new(res, key, json_sprintf("%s.%06ld", when, (long)tv->tv_usec));
}

static void add_timings(json_t *res, const struct attempt *a)
{
	long long us = (long long)(a->end.tv_sec - a->start.tv_sec) * 1000000 +
		       (a->end.tv_usec - a->start.tv_usec);

	add_time(res, "start", &a->start);
	add_time(res, "end", &a->end);
	json_object_set_new(res, "delta", json_sprintf("%lld:%02lld:%02lld.%06lld", us / 3600000000LL,
						       us / 60000000LL % 60, us / 1000000LL % 60,
						       us % 1000000LL));
}

/* Ansible strips trailing newlines from command output (strip_empty_ends). */
static void add_output(json_t *res, const char *key, const char *s, size_t len, int strip)
{
	char *lines_key = xasprintf("%s_lines", key);

	while (strip && len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	json_object_set_new(res, key, json_string_lossy(s, len));
	json_object_set_new(res, lines_key, json_lines(s, len));
	free(lines_key);
}

static json_t *finish(json_t *res)
{
	int rc_failed = json_integer_value(json_object_get(res, "rc")) != 0;

	if (!json_object_get(res, "failed") && rc_failed) {
		json_object_set_new(res, "failed", json_true());
		json_object_set_new(res, "msg", json_string("non-zero return code"));
	}
	return outcome(json_is_true(json_object_get(res, "failed")) ? "failed" : "ok", res);
}

/* The command modules' result: the module's JSON plus the channel's output. */
static json_t *command_result(json_t *res, json_t *job, const struct attempt *a, size_t payload_len)
{
	json_t *args = json_object_get(job, "args");
	int strip = !json_is_false(json_object_get(args, "strip_empty_ends"));
	int skipped = json_is_true(json_object_get(res, "_drover_skipped_run"));
	json_t *cmd = json_object_get(args, "_drover_argv");

	json_object_del(res, "_drover_skipped_run");
	json_object_set(res, "cmd", cmd ? cmd : json_object_get(args, "_drover_cmd"));
	if (!json_object_get(res, "stdout"))
		add_output(res, "stdout", a->res.out.buf, payload_len, strip);
	else
		json_object_set_new(res, "stdout_lines", json_pack("[O]", json_object_get(res, "stdout")));
	add_output(res, "stderr", a->res.errb.buf, a->res.errb.len, strip);
	if (!skipped) {
		add_timings(res, a);
		json_object_set_new(res, "changed", json_true());
		if (!json_object_get(res, "msg"))
			json_object_set_new(res, "msg", json_string(""));
	}
	return finish(res);
}

static json_t *module_failure(const struct attempt *a)
{
	json_t *res = json_pack("{s:b, s:b, s:s, s:i}", "changed", 0, "failed", 1, "msg",
				"MODULE FAILURE\nSee stdout/stderr for the exact error", "rc",
				a->res.exit_status);

	json_object_set_new(res, "module_stdout", json_string_lossy(a->res.out.buf, a->res.out.len));
	json_object_set_new(res, "module_stderr", json_string_lossy(a->res.errb.buf, a->res.errb.len));
	return outcome("failed", res);
}

static json_t *script_result(const struct module *m, json_t *job, const struct attempt *a)
{
	long at = find_marker(&a->res.out, a->marker);
	json_t *res;

	if (at < 0)
		return module_failure(a);
	res = json_loads(a->res.out.buf + at + 1 + strlen(a->marker), JSON_DISABLE_EOF_CHECK, NULL);
	if (!json_is_object(res)) {
		json_decref(res);
		return module_failure(a);
	}
	if (m->no_json)
		return command_result(res, job, a, (size_t)at);
	if (!json_object_get(res, "changed"))
		json_object_set_new(res, "changed", json_false());
	transfer_decode_diff(res);
	return finish(res);
}

static json_t *run_script(struct runner *r, struct cached_conn *c, const struct module *m,
			  json_t *job, struct attempt *a, struct buf *err)
{
	json_t *args = json_deep_copy(json_object_get(job, "args"));
	json_t *data = json_object_get(args, "_drover_stdin");
	json_t *data64 = json_object_get(args, "_drover_data_b64");
	struct buf in = BUF_INIT;
	struct become storage, *b = become_of(job, &storage, err);
	json_t *out = NULL;
	int rc;

	if (!b && json_object_get(job, "become"))
		return failed(err->buf);
	json_incref(data);
	json_incref(data64);
	json_object_del(args, "_drover_stdin");
	json_object_del(args, "_drover_data_b64");
	new_marker(a);
	module_encode_args(args, a->marker, &in);
	if (data)
		buf_add(&in, json_string_value(data), json_string_length(data));
	if (data64 && base64_decode(&in, json_string_value(data64), json_string_length(data64)) < 0)
		BUG("job data is not base64");
	rc = launch(r, c, m, job, &in, b, a, err);
	if (rc == SSH_ERR_TIMEOUT || rc == SSH_ERR_CANCELLED || rc == SSH_ERR_ENDED)
		stop_remote(r, c, a->pgid);
	buf_release(&in);
	json_decref(args);
	json_decref(data);
	json_decref(data64);
	if (rc != SSH_OK)
		return exec_failure(rc, err->buf, job);
	if ((out = become_result(b, &a->res)))
		return out;
	if (b && b->gated && b->outcome != BECOME_OK)
		return module_failure(a);
	return script_result(m, job, a);
}

/*
 * raw: the line runs as is in the login shell (under sudo when becoming).
 * The shell's pid is printed first, as the launcher does, so that a timeout
 * or Ctrl-C can stop what the line started (see take_pgid).
 */
static json_t *run_raw(struct runner *r, struct cached_conn *c, json_t *job, struct attempt *a,
		       struct buf *err)
{
	json_t *args = json_object_get(job, "args");
	const char *line = json_string_value(json_object_get(args, "_raw_params"));
	struct become storage, *b = become_of(job, &storage, err);
	struct buf cmd = BUF_INIT;
	json_t *res;
	int rc;
	long pgid;

	if (!line)
		line = "";
	if (!b && json_object_get(job, "become"))
		return failed(err->buf);
	/*
	 * Not "echo $$": the login shell may be csh or fish. A child sh names
	 * its parent, the login shell, which sshd made a process group leader.
	 */
	buf_addstr(&cmd, "/bin/sh -c 'echo $PPID >&2'; ");
	if (b) {
		add_become(&cmd, b);
		buf_addstr(&cmd, "/bin/sh -c ");
		sh_quote(&cmd, line);
	} else {
		buf_addstr(&cmd, line);
	}
	gettimeofday(&a->start, NULL);
	rc = run_on(r, c, cmd.buf, NULL, 0, timeout_ms_of(job), gate_of(b), &a->res, err);
	gettimeofday(&a->end, NULL);
	buf_release(&cmd);
	if ((pgid = take_pgid(&a->res.errb)) && (rc == SSH_ERR_TIMEOUT || rc == SSH_ERR_CANCELLED))
		stop_remote(r, c, pgid);
	if (rc != SSH_OK)
		return exec_failure(rc, err->buf, job);
	if ((res = become_result(b, &a->res)))
		return res;
	res = json_pack("{s:b, s:i}", "changed", 1, "rc", a->res.exit_status);
	add_output(res, "stdout", a->res.out.buf, a->res.out.len, 0);
	add_output(res, "stderr", a->res.errb.buf, a->res.errb.len, 0);
	return finish(res);
}

/* ---- modules with a controller side: package, reboot, wait_for_connection ---- */

static int int_arg(json_t *args, const char *key)
{
	return (int)json_integer_value(json_object_get(args, key));
}

/* The job's connection as ssh options, to connect again; -1 for local. */
static int job_ssh_opts(json_t *job, struct ssh_opts *o, struct buf *err)
{
	json_t *conn = json_object_get(job, "conn");

	ssh_opts_init(o);
	if (json_is_true(json_object_get(conn, "local"))) {
		buf_setf(err, "%s is not supported with connection=local",
			 json_string_value(json_object_get(job, "module")));
		return -1;
	}
	return conn_opts(conn, o, err);
}

/*
 * wait_for_connection runs here only: the host may not answer yet. A
 * session cached from before (the host rebooted since?) may be dead: the
 * next task opens a new one.
 */
static json_t *run_wait_for_connection(struct runner *r, json_t *job)
{
	json_t *args = json_object_get(job, "args"), *res;
	struct wait_conn_opts w = {
		int_arg(args, "connect_timeout"), int_arg(args, "delay"), int_arg(args, "sleep"),
		int_arg(args, "timeout"),
	};
	char *key = json_dumps(json_object_get(job, "conn"), JSON_COMPACT | JSON_SORT_KEYS);
	struct cached_conn *old = find_conn(r, key);
	struct buf err = BUF_INIT;
	struct ssh_opts o;
	int elapsed = 0;

	free(key);
	if (old)
		drop_conn(r, old);
	if (job_ssh_opts(job, &o, &err) < 0) {
		res = failed(err.buf);
		goto out;
	}
	if (wait_for_connection(&o, &w, r->cancel, &elapsed, &err) < 0)
		res = outcome("failed", json_pack("{s:b, s:i, s:b, s:s}", "changed", 0, "elapsed",
						  elapsed, "failed", 1, "msg", err.buf));
	else
		res = outcome("ok", json_pack("{s:b, s:i}", "changed", 0, "elapsed", elapsed));
out:
	ssh_opts_release(&o);
	buf_release(&err);
	return res;
}

/*
 * The reboot module answered with the boot id it saw and then rebooted the
 * host: the cached session is dead, so drop it and wait for a new boot.
 */
static json_t *finish_reboot(struct runner *r, struct cached_conn *c, json_t *job, json_t *out)
{
	json_t *res = json_object_get(out, "result"), *wait = json_object_get(res, "_drover_wait");
	const char *id = json_string_value(json_object_get(res, "_drover_boot_id"));
	struct reboot_wait_opts w = {
		id, json_string_value(json_object_get(wait, "boot_time_command")),
		json_string_value(json_object_get(wait, "test_command")),
		int_arg(wait, "reboot_timeout"), int_arg(wait, "connect_timeout"),
		int_arg(wait, "post_reboot_delay"),
	};
	struct buf err = BUF_INIT;
	struct ssh_opts o;
	json_t *done;
	int elapsed = 0;

	if (!id || !wait)
		return out; /* failed, or check mode */
	drop_conn(r, c);
	if (job_ssh_opts(job, &o, &err) < 0 || reboot_wait(&o, &w, r->cancel, &elapsed, &err) < 0)
		done = outcome("failed", json_pack("{s:b, s:i, s:b, s:s, s:b}", "changed", 0, "elapsed",
						   elapsed, "failed", 1, "msg", err.buf, "rebooted", 1));
	else
		done = outcome("ok", json_pack("{s:b, s:i, s:b}", "changed", 1, "elapsed", elapsed,
					       "rebooted", 1));
	ssh_opts_release(&o);
	buf_release(&err);
	json_decref(out);
	return done;
}

/*
 * package: its script names the host's package manager; the job then runs
 * again as that module (apt, dnf or yum) with the same arguments but use.
 */
static json_t *run_package(struct runner *r, struct cached_conn *c, const struct module *m,
			   json_t *job, struct attempt *a, struct buf *err)
{
	json_t *probe = run_script(r, c, m, job, a, err), *args, *checked, *again, *out;
	const char *backend = json_string_value(
		json_object_get(json_object_get(probe, "result"), "_drover_backend"));
	const struct module *bm = backend ? module_find(!strcmp(backend, "apt") ? "apt" : "dnf") : NULL;

	if (!bm)
		return probe;
	args = json_deep_copy(json_object_get(job, "args"));
	json_object_del(args, "use");
	if (!strcmp(backend, "yum"))
		json_object_set_new(args, "use_backend", json_string("yum"));
	checked = module_check_args(bm, args, err);
	json_decref(args);
	json_decref(probe);
	if (!checked)
		return failed(err->buf);
	again = json_deep_copy(job);
	json_object_set_new(again, "module", json_string(bm->name));
	json_object_set_new(again, "args", checked);
	ssh_exec_result_release(&a->res);
	ssh_exec_result_init(&a->res);
	out = run_script(r, c, bm, again, a, err);
	json_decref(again);
	return out;
}

json_t *runner_run(struct runner *r, json_t *job)
{
	const struct module *m = module_find(json_string_value(json_object_get(job, "module")) ?: "");
	struct buf err = BUF_INIT;
	struct cached_conn *c;
	struct attempt a;
	json_t *out;

	if (!m)
		return failed("unknown module");
	if (!strcmp(m->name, "wait_for_connection"))
		return run_wait_for_connection(r, job);
	c = get_conn(r, json_object_get(job, "conn"), &err);
	if (!c) {
		out = unreachable(err.buf);
		buf_release(&err);
		return out;
	}
	memset(&a, 0, sizeof(a));
	ssh_exec_result_init(&a.res);
	if (m->kind == MODULE_RAW)
		out = run_raw(r, c, job, &a, &err);
	else if (!strcmp(m->name, "package"))
		out = run_package(r, c, m, job, &a, &err);
	else
		out = run_script(r, c, m, job, &a, &err);
	if (json_is_true(json_object_get(json_object_get(out, "result"), "unreachable")))
		drop_conn(r, c);
	else if (!strcmp(m->name, "reboot"))
		out = finish_reboot(r, c, job, out);
	ssh_exec_result_release(&a.res);
	buf_release(&err);
	return out;
}

int runner_job_deadline(json_t *job)
{
	json_t *args = json_object_get(job, "args");
	json_int_t t = json_integer_value(json_object_get(job, "timeout"));
	json_int_t c = json_integer_value(json_object_get(json_object_get(job, "conn"),
							  "connect_timeout"));
	/* reboot and wait_for_connection wait on the host by design: never cut them short */
	json_int_t wait = json_integer_value(json_object_get(args, "reboot_timeout")) +
			  json_integer_value(json_object_get(args, "timeout"));

	if (!t)
		return 0;
	if (wait > t)
		t = wait;
	return (int)(t + 2 * (c ? c : 10) + 30);
}
