#ifndef DROVER_SSH_H
#define DROVER_SSH_H

#include <jansson.h>
#include <signal.h>
#include <stddef.h>

#include "buf.h"
#include "strvec.h"

/*
 * The SSH transport (libssh2): one session per host, kept open for the whole
 * run; every remote command is a new channel on it.
 */

enum hostkey_policy {
	HOSTKEY_STRICT,     /* unknown and changed keys fail the host (default) */
	HOSTKEY_ACCEPT_NEW, /* unknown keys are added to known_hosts; changed fail */
	HOSTKEY_NO,         /* unknown keys accepted, not added; changed still fail */
};

struct ssh_opts {
	char *host;                   /* address or name to connect to */
	int port;                     /* 0: from ssh_config, else 22 */
	char *user;                   /* NULL: from ssh_config, else login name */
	char *password;               /* for password / keyboard-interactive auth */
	char *key_passphrase;         /* for encrypted keys */
	struct strvec identity_files; /* tried in order after the agent */
	int identities_only;
	char *known_hosts;            /* user file; default ~/.ssh/known_hosts */
	char *global_known_hosts;     /* default /etc/ssh/ssh_known_hosts */
	enum hostkey_policy policy;
	int connect_timeout;          /* seconds; 0: default 10 */
	int keepalive_interval;       /* seconds; 0: default 15 */
	/* set flags so later sources don't override earlier ones (OpenSSH rule) */
	unsigned set_port : 1, set_user : 1, set_known_hosts : 1, set_policy : 1,
		set_timeout : 1, set_identities_only : 1, set_global_known_hosts : 1,
		set_host : 1;
	unsigned set_keepalive : 1, finished : 1;
	int no_tcp_tweaks;            /* 1: skip TCP_NODELAY/TCP_QUICKACK (benchmarks) */
};

void ssh_opts_init(struct ssh_opts *o);
void ssh_opts_release(struct ssh_opts *o);
/* Deep copy of src into dst (dst is initialised here). */
void ssh_opts_copy(struct ssh_opts *dst, const struct ssh_opts *src);
/*
 * Fills what no source set: port 22, the local login name, ~/.ssh/known_hosts,
 * /etc/ssh/ssh_known_hosts, timeouts, and the default identity files
 * (~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist) when none was given.
 * ssh_connect does this on its own copy; call it to show effective values.
 */
void ssh_opts_finish(struct ssh_opts *o);
/* Parses yes|no|accept-new|ask|off|true|false; returns 0 or -1. */
int ssh_opts_parse_policy(const char *s, enum hostkey_policy *out);

/*
 * Applies OpenSSH options given as "-o Key=Value" / "-oKey value" words in an
 * ansible_ssh_common_args-style string. First value wins, as in OpenSSH.
 * Options drover does not implement produce one line each in warnings.
 * Returns 0, or -1 with a message in err (unbalanced quotes, bad value).
 */
int ssh_opts_apply_args(struct ssh_opts *o, const char *args, struct buf *warnings,
			struct buf *err);
/*
 * Applies ~/.ssh/config-style file for the given host alias: Host patterns
 * (globs, !negation), HostName (%h), User, Port, IdentityFile (~, %d, %u, %h,
 * %r), IdentitiesOnly, ConnectTimeout, UserKnownHostsFile,
 * GlobalKnownHostsFile, StrictHostKeyChecking. First value wins. A missing
 * file is not an error. Returns 0 or -1 with "file:line: message".
 */
int ssh_opts_apply_config(struct ssh_opts *o, const char *path, const char *alias,
			  struct buf *err);
/* The same, appending one line per ignored keyword/Include/Match to warnings. */
int ssh_opts_apply_config_warn(struct ssh_opts *o, const char *path, const char *alias,
			       struct buf *warnings, struct buf *err);

/* Result codes. */
#define SSH_OK 0
#define SSH_ERR_UNREACHABLE -1 /* connect, handshake, host key, auth: host UNREACHABLE */
#define SSH_ERR_TIMEOUT -2     /* the command ran past its timeout */
#define SSH_ERR_CHANNEL -3     /* the session broke mid-command: host UNREACHABLE */
#define SSH_ERR_CANCELLED -4   /* *cancel was set (Ctrl-C): the session stays usable */
#define SSH_ERR_ENDED -5       /* an ssh_stream's command ended or spoke out of turn */

struct ssh_conn;

/*
 * Connects, verifies the host key against known_hosts per o->policy, and
 * authenticates (agent, identity files, password). Returns SSH_OK with *out
 * set, or SSH_ERR_UNREACHABLE with a message naming the host in err (for an
 * unknown key, its SHA256 fingerprint as OpenSSH prints it).
 */
int ssh_connect(const struct ssh_opts *o, struct ssh_conn **out, struct buf *err);

struct ssh_exec_result {
	struct buf out;   /* remote stdout, binary-safe */
	struct buf errb;  /* remote stderr, binary-safe */
	int exit_status;  /* -1 if the remote side gave none */
	char *exit_signal; /* e.g. "KILL", or NULL; owned */
};
void ssh_exec_result_init(struct ssh_exec_result *r);
void ssh_exec_result_release(struct ssh_exec_result *r);

/*
 * Runs cmd on a new channel; writes in[0..inlen) to its stdin, then EOF;
 * reads stdout and stderr concurrently (no deadlock on big outputs).
 * timeout_ms 0 = none. Returns SSH_OK, SSH_ERR_TIMEOUT (channel closed,
 * the session stays usable) or SSH_ERR_CHANNEL with err set.
 */
int ssh_exec(struct ssh_conn *c, const char *cmd, const void *in, size_t inlen, int timeout_ms,
	     struct ssh_exec_result *res, struct buf *err);

/*
 * A dialogue before stdin flows (become's password prompt): while the gate
 * is closed nothing of in is written; step is called whenever output came
 * (and about once a second meanwhile) and may put bytes to write at once in
 * send (a password line: never logged). It returns SSH_GATE_WAIT, SSH_GATE_OPEN
 * (stdin may flow now) or SSH_GATE_SHUT (stdin is dropped: only EOF is sent).
 */
#define SSH_GATE_WAIT 0
#define SSH_GATE_OPEN 1
#define SSH_GATE_SHUT 2
struct ssh_gate {
	int (*step)(struct ssh_gate *g, struct ssh_exec_result *res, struct buf *send);
	/*
	 * Run the command on a raw pseudo-terminal (no echo, no line editing,
	 * no CR added): stderr then arrives in stdout, and no EOF is sent
	 * after in, since a terminal has none.
	 */
	int pty;
};

/* ssh_exec with a gate (NULL: none, the same as ssh_exec). */
int ssh_exec_gated(struct ssh_conn *c, const char *cmd, const void *in, size_t inlen,
		   int timeout_ms, struct ssh_gate *gate, struct ssh_exec_result *res,
		   struct buf *err);

/*
 * A command that keeps running on a channel of its own and answers
 * request after request (the host agent): stdin is never closed until
 * ssh_stream_close, and stdout is read as it comes.
 */
struct ssh_stream;

/* Starts cmd on a new channel; SSH_OK with *out set, or an SSH_ERR_* with err. */
int ssh_stream_open(struct ssh_conn *c, const char *cmd, int timeout_ms, struct ssh_stream **out,
		    struct buf *err);
/*
 * Writes in[0..inlen) to the command, then reads its stdout into a buffer
 * that enough(buf, arg) looks at after each read, taking out what it used:
 * it returns 0 for more, 1 when the answer is complete, -1 if the answer
 * makes no sense. Returns SSH_OK; SSH_ERR_TIMEOUT or SSH_ERR_CANCELLED (the
 * stream is then out of step: close it); SSH_ERR_ENDED (the command ended
 * or answered out of turn: close it; err says why, with its stderr); or
 * SSH_ERR_CHANNEL (the connection is lost).
 */
int ssh_stream_call(struct ssh_stream *st, const void *in, size_t inlen, int timeout_ms,
		    int (*enough)(struct buf *out, void *arg), void *arg, struct buf *err);
/* After SSH_ERR_ENDED: the command's exit status (-1: none, or killed). */
int ssh_stream_exit_status(const struct ssh_stream *st);
/* Closes the channel (the command sees EOF) and frees st; NULL is fine. */
void ssh_stream_close(struct ssh_stream *st);

/*
 * From now on ssh_exec checks *cancel (set by a signal handler) while it
 * waits, and returns SSH_ERR_CANCELLED once it is set.
 */
void ssh_set_cancel(struct ssh_conn *c, const volatile sig_atomic_t *cancel);

/*
 * 1 if the private key file at path needs a passphrase (OpenSSH format with
 * a cipher, or an encrypted PEM), 0 if not or if it cannot be read.
 */
int ssh_key_encrypted(const char *path);

/* Sends a keepalive if one is due; returns SSH_OK or SSH_ERR_CHANNEL. */
int ssh_keepalive(struct ssh_conn *c);
void ssh_close(struct ssh_conn *c);

/* Process-wide libssh2 setup; call once before forking workers. */
int ssh_global_init(void);

#endif
