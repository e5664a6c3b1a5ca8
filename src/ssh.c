#include "ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "knownhosts.h"
#include "ssh_rsa.h"
#include "xalloc.h"
#include "banned.h"

/*
 * The libssh2 session runs blocking (with a timeout) while connecting and
 * authenticating, and non-blocking afterwards: ssh_exec drives channels
 * itself with poll() so both output streams drain concurrently.
 */

struct ssh_conn {
	LIBSSH2_SESSION *s;
	int fd;
	int dead;       /* the transport failed; every later call fails fast */
	char *name;     /* "host" or "[host]:port", for messages */
	char *user;
	char *password; /* answers keyboard-interactive prompts */
	const volatile sig_atomic_t *cancel; /* or NULL */
	int quickack;        /* re-arm TCP_QUICKACK after each receive */
	long long last_recv; /* when the host last sent anything (ms) */
	int keepalive_ms;    /* 0: no keepalives, so no liveness check */
	int silent;          /* gave up: no answer to keepalives */
};

/* Keepalives a host may leave unanswered before it counts as gone (ServerAliveCountMax). */
#define KEEPALIVE_COUNT_MAX 3

/* How long ssh_exec waits for a timed-out channel to close. */
#define ABANDON_MS 250
/* How long ssh_close waits for the disconnect to go out. */
#define CLOSE_MS 2000

int ssh_global_init(void)
{
	return libssh2_init(0) ? -1 : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *session_error(LIBSSH2_SESSION *s)
{
	char *msg = NULL;

	libssh2_session_last_error(s, &msg, NULL, 0);
	return msg && *msg ? msg : "unknown error";
}

/* TCP ---------------------------------------------------------------------- */

/*
 * Every receive notes that the host is alive. And delayed ACKs cost a
 * round trip per request/response on a fresh connection (measured: 116 ms
 * vs 29 ms per connect+exec); Linux clears TCP_QUICKACK after a while, so
 * it is re-armed after every receive.
 */
static LIBSSH2_RECV_FUNC(recv_quickack)
{
	struct ssh_conn *c = *abstract;
	ssize_t n = recv(socket, buffer, length, flags);
	int one = 1;

	if (n < 0)
		return errno == ENOENT ? -EAGAIN : -errno;
	if (n > 0)
		c->last_recv = now_ms();
	if (c->quickack)
		setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	return n;
}

/* Waits for a non-blocking connect; returns 0 or an errno value. */
static int connect_wait(int fd, long long deadline)
{
	struct pollfd p = { fd, POLLOUT, 0 };
	socklen_t len = sizeof(int);
	int rc, soerr = 0;

	do {
		long long left = deadline - now_ms();

		if (left <= 0)
			return ETIMEDOUT;
		rc = poll(&p, 1, (int)left);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return errno;
	if (rc == 0)
		return ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return errno;
	return soerr;
}

static int connect_addr(const struct addrinfo *ai, long long deadline, int *fdp)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	int e = 0;

	if (fd < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		e = errno == EINPROGRESS ? connect_wait(fd, deadline) : errno;
	if (e) {
		close(fd);
		return e;
	}
	*fdp = fd;
	return 0;
}

static int tcp_connect(const struct ssh_opts *o, int *fdp, struct buf *err)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	long long deadline = now_ms() + (long long)o->connect_timeout * 1000;
	char port[16];
	int rc, e = 0, one = 1;

	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", o->port);
	rc = getaddrinfo(o->host, port, &hints, &res);
	if (rc) {
		buf_setf(err, "cannot resolve %s: %s", o->host, gai_strerror(rc));
		return SSH_ERR_UNREACHABLE;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if (!(e = connect_addr(ai, deadline, fdp)))
			break;
	freeaddrinfo(res);
	if (e) {
		buf_setf(err, "cannot connect to %s port %d: %s", o->host, o->port,
			 e == ETIMEDOUT ? "connection timed out" : strerror(e));
		return SSH_ERR_UNREACHABLE;
	}
	if (!o->no_tcp_tweaks)
		setsockopt(*fdp, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return SSH_OK;
}

/* Session ------------------------------------------------------------------ */

static int handshake(struct ssh_conn *c, const struct ssh_opts *o, struct buf *err)
{
	struct knownhosts *kh = knownhosts_load(c->s, o);
	int r = SSH_OK;

	knownhosts_prefer_algs(kh, c->s);
	if (libssh2_session_handshake(c->s, c->fd)) {
		buf_setf(err, "SSH handshake with %s failed: %s", c->name, session_error(c->s));
		r = SSH_ERR_UNREACHABLE;
	} else if (knownhosts_verify(kh, c->s, err) < 0) {
		r = SSH_ERR_UNREACHABLE;
	}
	knownhosts_free(kh);
	return r;
}

static struct ssh_conn *conn_new(const struct ssh_opts *o)
{
	struct ssh_conn *c = xcalloc(1, sizeof(*c));

	c->fd = -1;
	c->name = o->port == 22 ? xstrdup(o->host) : xasprintf("[%s]:%d", o->host, o->port);
	c->user = xstrdup(o->user);
	c->password = o->password ? xstrdup(o->password) : NULL;
	return c;
}

/* Auth --------------------------------------------------------------------- */

static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(kbdint_answer)
{
	struct ssh_conn *c = *abstract;
	int i;

	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	(void)prompts;
	for (i = 0; i < num_prompts; i++) {
		/* libssh2 frees the answers with its allocator, the default free(). */
		responses[i].text = xstrdup(c->password ? c->password : "");
		responses[i].length = (unsigned int)strlen(responses[i].text);
	}
}

/* The key blob of "<path>.pub" (base64 of its second field) into out. */
static int load_pub_blob(const char *path, struct buf *out)
{
	struct buf file = BUF_INIT;
	char *pubpath = xasprintf("%s.pub", path), *b64, *end;
	int n, r = -1;

	if (buf_read_file(&file, pubpath) < 0 || !(b64 = strchr(file.buf, ' ')))
		goto out;
	b64 += strspn(b64, " ");
	end = b64 + strcspn(b64, " \t\r\n");
	buf_grow(out, (size_t)(end - b64));
	n = EVP_DecodeBlock((unsigned char *)out->buf, (unsigned char *)b64, (int)(end - b64));
	if (n < 0)
		goto out;
	while (end > b64 && end[-1] == '=')
		end--, n--;
	buf_setlen(out, (size_t)n);
	r = 0;
out:
	free(pubpath);
	buf_release(&file);
	return r;
}

/* With IdentitiesOnly, the agent may only offer keys named by identity files. */
static int agent_key_allowed(const struct ssh_opts *o, struct libssh2_agent_publickey *id)
{
	size_t i;
	int ok = 0;

	if (!o->identities_only)
		return 1;
	for (i = 0; !ok && i < o->identity_files.nr; i++) {
		struct buf blob = BUF_INIT;

		ok = !load_pub_blob(o->identity_files.v[i], &blob) && blob.len == id->blob_len &&
		     !memcmp(blob.buf, id->blob, blob.len);
		buf_release(&blob);
	}
	return ok;
}

static int auth_agent(struct ssh_conn *c, const struct ssh_opts *o, struct buf *tried)
{
	LIBSSH2_AGENT *agent;
	struct libssh2_agent_publickey *id = NULL;
	int r = -1, offered = 0;

	if (!getenv("SSH_AUTH_SOCK") || !(agent = libssh2_agent_init(c->s)))
		return -1;
	if (libssh2_agent_connect(agent) || libssh2_agent_list_identities(agent))
		goto out;
	while (r && libssh2_agent_get_identity(agent, &id, id) == 0) {
		if (!agent_key_allowed(o, id))
			continue;
		offered++;
		if (ssh_rsa_blob_is_rsa(id->blob, id->blob_len))
			r = ssh_rsa_agent_userauth(c->s, c->user, getenv("SSH_AUTH_SOCK"), id->blob,
						   id->blob_len);
		else
			r = libssh2_agent_userauth(agent, c->user, id) ? -1 : 0;
	}
	buf_addf(tried, "%sagent (%d keys)", tried->len ? ", " : "", offered);
out:
	libssh2_agent_disconnect(agent);
	libssh2_agent_free(agent);
	return r;
}

/*
 * RSA keys are signed here with rsa-sha2-* (libssh2 1.10 would use ssh-rsa).
 * Returns 0 (accepted), 1 (an RSA key the server refused or that failed to
 * load: noted in tried) or -1 (not an RSA key: libssh2's turn).
 */
static int auth_rsa_file(struct ssh_conn *c, const char *path, const char *passphrase,
			 struct buf *tried)
{
	struct buf err = BUF_INIT;
	EVP_PKEY *key = NULL;
	int r = ssh_rsa_load(path, passphrase, &key, &err);

	if (r < 0) {
		buf_addf(tried, " (cannot load: %s)", err.buf);
		r = 1;
	} else if (r > 0) {
		r = ssh_rsa_userauth(c->s, c->user, key) ? 1 : 0;
	} else {
		r = -1;
	}
	EVP_PKEY_free(key);
	buf_release(&err);
	return r;
}

static int auth_files(struct ssh_conn *c, const struct ssh_opts *o, struct buf *tried)
{
	size_t i;
	int r;

	for (i = 0; i < o->identity_files.nr; i++) {
		const char *path = o->identity_files.v[i];

		if (access(path, R_OK) < 0)
			continue;
		buf_addf(tried, "%skey %s", tried->len ? ", " : "", path);
		if ((r = auth_rsa_file(c, path, o->key_passphrase, tried)) >= 0) {
			if (!r)
				return 0;
			continue;
		}
		if (!libssh2_userauth_publickey_fromfile_ex(c->s, c->user,
							    (unsigned int)strlen(c->user), NULL,
							    path, o->key_passphrase))
			return 0;
		if (libssh2_session_last_errno(c->s) == LIBSSH2_ERROR_FILE)
			buf_addf(tried, " (cannot load: %s)", session_error(c->s));
	}
	return -1;
}

static int auth_password(struct ssh_conn *c, const char *methods, struct buf *tried)
{
	unsigned int ulen = (unsigned int)strlen(c->user);

	if (!c->password)
		return -1;
	if (strstr(methods, "password")) {
		buf_addf(tried, "%spassword", tried->len ? ", " : "");
		if (!libssh2_userauth_password_ex(c->s, c->user, ulen, c->password,
						  (unsigned int)strlen(c->password), NULL))
			return 0;
	}
	if (strstr(methods, "keyboard-interactive")) {
		buf_addf(tried, "%skeyboard-interactive", tried->len ? ", " : "");
		if (!libssh2_userauth_keyboard_interactive_ex(c->s, c->user, ulen, kbdint_answer))
			return 0;
	}
	return -1;
}

static int authenticate(struct ssh_conn *c, const struct ssh_opts *o, struct buf *err)
{
	struct buf tried = BUF_INIT;
	char *methods;
	int r = SSH_OK;

	methods = libssh2_userauth_list(c->s, c->user, (unsigned int)strlen(c->user));
	if (!methods) {
		if (libssh2_userauth_authenticated(c->s))
			return SSH_OK;
		buf_setf(err, "authentication with %s failed: %s", c->name, session_error(c->s));
		return SSH_ERR_UNREACHABLE;
	}
	methods = xstrdup(methods);
	if (strstr(methods, "publickey") &&
	    (!auth_agent(c, o, &tried) || !auth_files(c, o, &tried)))
		goto out;
	if (!auth_password(c, methods, &tried))
		goto out;
	buf_setf(err, "authentication failed for %s@%s (tried: %s; server allows: %s)", c->user,
		 c->name, tried.len ? tried.buf : "nothing", methods);
	r = SSH_ERR_UNREACHABLE;
out:
	free(methods);
	buf_release(&tried);
	return r;
}

static int session_start(struct ssh_conn *c, const struct ssh_opts *o, struct buf *err)
{
	int r;

	c->s = libssh2_session_init_ex(NULL, NULL, NULL, c);
	if (!c->s) {
		buf_setf(err, "%s: cannot create an SSH session", c->name);
		return SSH_ERR_UNREACHABLE;
	}
	c->quickack = !o->no_tcp_tweaks;
	c->last_recv = now_ms();
	libssh2_session_callback_set(c->s, LIBSSH2_CALLBACK_RECV, (void *)recv_quickack);
	libssh2_session_set_blocking(c->s, 1);
	libssh2_session_set_timeout(c->s, (long)o->connect_timeout * 1000);
	if ((r = handshake(c, o, err)) || (r = authenticate(c, o, err)))
		return r;
	libssh2_keepalive_config(c->s, 1, (unsigned)o->keepalive_interval);
	c->keepalive_ms = o->keepalive_interval * 1000;
	libssh2_session_set_timeout(c->s, 0);
	libssh2_session_set_blocking(c->s, 0);
	return SSH_OK;
}

int ssh_connect(const struct ssh_opts *opts, struct ssh_conn **out, struct buf *err)
{
	struct ssh_opts o;
	struct ssh_conn *c = NULL;
	int r;

	*out = NULL;
	ssh_opts_copy(&o, opts);
	ssh_opts_finish(&o);
	if (!o.host || !*o.host) {
		buf_setf(err, "no host to connect to");
		r = SSH_ERR_UNREACHABLE;
		goto out;
	}
	c = conn_new(&o);
	if ((r = tcp_connect(&o, &c->fd, err)) || (r = session_start(c, &o, err)))
		goto out;
	*out = c;
	c = NULL;
out:
	ssh_close(c);
	ssh_opts_release(&o);
	return r;
}

void ssh_close(struct ssh_conn *c)
{
	if (!c)
		return;
	if (c->s) {
		libssh2_session_set_blocking(c->s, 1);
		libssh2_session_set_timeout(c->s, CLOSE_MS);
		if (!c->dead)
			libssh2_session_disconnect(c->s, "drover done");
		/* A dead socket makes libssh2 free channels without waiting on them. */
		if (c->fd >= 0)
			shutdown(c->fd, SHUT_RDWR);
		libssh2_session_free(c->s);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->name);
	free(c->user);
	free(c->password);
	free(c);
}

int ssh_keepalive(struct ssh_conn *c)
{
	int next, rc;

	if (c->dead)
		return SSH_ERR_CHANNEL;
	rc = libssh2_keepalive_send(c->s, &next);
	if (rc && rc != LIBSSH2_ERROR_EAGAIN) {
		c->dead = 1;
		return SSH_ERR_CHANNEL;
	}
	return SSH_OK;
}

/* Exec --------------------------------------------------------------------- */

struct exec_io {
	struct ssh_conn *c;
	LIBSSH2_CHANNEL *ch;
	const char *in;
	size_t inlen, inoff;
	int eof_sent;
	long long deadline; /* 0: none */
	struct ssh_exec_result *res;
	struct ssh_gate *gate; /* NULL: stdin flows at once */
	int gate_state;        /* SSH_GATE_* */
	struct buf pre;        /* what the gate asked to send (a password): wiped after */
	size_t preoff;
	int keep_open;         /* no EOF after in: the command serves more (ssh_stream) */
};

void ssh_exec_result_init(struct ssh_exec_result *r)
{
	buf_init(&r->out, 0);
	buf_init(&r->errb, 0);
	r->exit_status = -1;
	r->exit_signal = NULL;
}

void ssh_exec_result_release(struct ssh_exec_result *r)
{
	buf_release(&r->out);
	buf_release(&r->errb);
	free(r->exit_signal);
	ssh_exec_result_init(r);
}

/*
 * Waits until the socket is ready in the directions libssh2 is blocked on,
 * sending keepalives meanwhile. Returns 0, SSH_ERR_TIMEOUT past the
 * deadline, or SSH_ERR_CHANNEL.
 */
static int wait_socket(struct ssh_conn *c, long long deadline)
{
	int dirs = libssh2_session_block_directions(c->s);
	struct pollfd p = { c->fd, POLLIN, 0 };
	int next = 0, wait = 1000, rc;

	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		p.events |= POLLOUT;
	rc = libssh2_keepalive_send(c->s, &next);
	if (rc && rc != LIBSSH2_ERROR_EAGAIN)
		return SSH_ERR_CHANNEL;
	/* a stopped or vanished host answers nothing, keepalives included */
	if (c->keepalive_ms && now_ms() - c->last_recv > (KEEPALIVE_COUNT_MAX + 1) * c->keepalive_ms) {
		c->silent = 1;
		return SSH_ERR_CHANNEL;
	}
	if (next > 0 && next * 1000 < wait)
		wait = next * 1000;
	if (deadline) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return SSH_ERR_TIMEOUT;
		if (left < wait)
			wait = (int)left;
	}
	if (c->cancel && *c->cancel)
		return SSH_ERR_CANCELLED;
	if (poll(&p, 1, wait) < 0 && errno != EINTR)
		return SSH_ERR_CHANNEL;
	return c->cancel && *c->cancel ? SSH_ERR_CANCELLED : 0;
}

void ssh_set_cancel(struct ssh_conn *c, const volatile sig_atomic_t *cancel)
{
	c->cancel = cancel;
}

static void add_capped(struct buf *b, const char *data, size_t n)
{
	if (b->len + n > BUF_SIZE_MAX)
		n = BUF_SIZE_MAX - b->len;
	buf_add(b, data, n);
}

/* Drains one stream; returns 0 or a libssh2 error, *progress if data came. */
static int read_stream(LIBSSH2_CHANNEL *ch, int stream, struct buf *b, int *progress)
{
	char tmp[32768];
	ssize_t n;

	while ((n = libssh2_channel_read_ex(ch, stream, tmp, sizeof(tmp))) > 0) {
		add_capped(b, tmp, (size_t)n);
		*progress = 1;
	}
	return n == LIBSSH2_ERROR_EAGAIN ? 0 : (int)n;
}

/*
 * Whether libssh2 holds data of ch's streams that no read took yet: reading
 * one stream drains the socket, queueing what came for the other, and a
 * poll on the socket would then sleep through it.
 */
static int data_pending(LIBSSH2_CHANNEL *ch)
{
	unsigned long queued = 0;

	/* (libssh2_poll_channel_read fails on the 1-byte keepalive replies it queues) */
	libssh2_channel_window_read_ex(ch, &queued, NULL);
	return queued > 0;
}

/* The gate's bytes (a password line) go out before anything else. */
static int write_pre(struct exec_io *x, int *progress)
{
	ssize_t n;

	while (x->preoff < x->pre.len) {
		n = libssh2_channel_write(x->ch, x->pre.buf + x->preoff, x->pre.len - x->preoff);
		if (n == LIBSSH2_ERROR_EAGAIN)
			return 0;
		if (n == LIBSSH2_ERROR_CHANNEL_CLOSED || n == LIBSSH2_ERROR_CHANNEL_EOF_SENT) {
			x->preoff = x->pre.len;
			break;
		}
		if (n < 0)
			return (int)n;
		x->preoff += (size_t)n;
		*progress = 1;
	}
	return 0;
}

static int write_stdin(struct exec_io *x, int *progress)
{
	ssize_t n;
	int rc;

	if ((rc = write_pre(x, progress)) || x->preoff < x->pre.len ||
	    x->gate_state == SSH_GATE_WAIT)
		return rc;
	if (x->gate_state == SSH_GATE_SHUT)
		x->inoff = x->inlen;
	while (x->inoff < x->inlen) {
		n = libssh2_channel_write(x->ch, x->in + x->inoff, x->inlen - x->inoff);
		if (n == LIBSSH2_ERROR_EAGAIN)
			return 0;
		if (n == LIBSSH2_ERROR_CHANNEL_CLOSED || n == LIBSSH2_ERROR_CHANNEL_EOF_SENT)
			break; /* the command stopped reading: drop the rest */
		if (n < 0)
			return (int)n;
		x->inoff += (size_t)n;
		*progress = 1;
	}
	if (x->eof_sent || x->keep_open || (x->gate && x->gate->pty))
		return 0;
	x->inoff = x->inlen;
	rc = libssh2_channel_send_eof(x->ch);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		return 0;
	x->eof_sent = 1;
	*progress = 1;
	return rc == LIBSSH2_ERROR_CHANNEL_CLOSED || rc == LIBSSH2_ERROR_CHANNEL_EOF_SENT ? 0 : rc;
}

/* One turn of moving data: stdin out, both streams in. 0, or SSH_ERR_CHANNEL. */
static int move_data(struct exec_io *x, int *progress)
{
	*progress = 0;
	if (write_stdin(x, progress) || read_stream(x->ch, 0, &x->res->out, progress) ||
	    read_stream(x->ch, SSH_EXTENDED_DATA_STDERR, &x->res->errb, progress))
		return SSH_ERR_CHANNEL;
	return 0;
}

/* After a turn that moved nothing: waits for the socket, unless libssh2 already holds data. */
static int wait_for_data(struct exec_io *x)
{
	return data_pending(x->ch) ? 0 : wait_socket(x->c, x->deadline);
}

/* Moves data until the remote side sent EOF and both streams are drained. */
static int pump(struct exec_io *x)
{
	int progress, rc;

	for (;;) {
		if ((rc = move_data(x, &progress)))
			return rc;
		if (x->gate_state == SSH_GATE_WAIT &&
		    (x->gate_state = x->gate->step(x->gate, x->res, &x->pre)) != SSH_GATE_WAIT)
			progress = 1;
		if (x->preoff < x->pre.len)
			progress = 1;
		if (libssh2_channel_eof(x->ch))
			return 0;
		if (!progress && (rc = wait_for_data(x)))
			return rc;
	}
}

/*
 * Repeats a non-blocking libssh2 call until it is done: rc gets its libssh2
 * result, w the wait_socket failure (SSH_ERR_*) that ended it early.
 */
#define RETRY(x, call, rc, w)                                                                \
	while (((rc) = (call)) == LIBSSH2_ERROR_EAGAIN)                                    \
		if (((w) = wait_socket((x)->c, (x)->deadline)))                            \
			break

/*
 * A raw terminal, in RFC 4254's encoding (opcode, then a 32-bit value):
 * no echo, no line editing or signal keys, no CR/NL translation either
 * way, no flow control; so bytes pass through unchanged.
 */
static const unsigned char raw_tty_modes[] = {
#define TTY_MODE_OFF(op) (op), 0, 0, 0, 0
	TTY_MODE_OFF(50), /* ISIG */   TTY_MODE_OFF(51), /* ICANON */
	TTY_MODE_OFF(53), /* ECHO */   TTY_MODE_OFF(54), /* ECHOE */
	TTY_MODE_OFF(55), /* ECHOK */  TTY_MODE_OFF(56), /* ECHONL */
	TTY_MODE_OFF(59), /* IEXTEN */ TTY_MODE_OFF(33), /* ISTRIP */
	TTY_MODE_OFF(34), /* INLCR */  TTY_MODE_OFF(35), /* IGNCR */
	TTY_MODE_OFF(36), /* ICRNL */  TTY_MODE_OFF(38), /* IXON */
	TTY_MODE_OFF(40), /* IXOFF */  TTY_MODE_OFF(70), /* OPOST */
	TTY_MODE_OFF(72), /* ONLCR */
#undef TTY_MODE_OFF
	0, /* TTY_OP_END */
};

static int request_pty(struct exec_io *x)
{
	int rc, w = 0;

	RETRY(x, libssh2_channel_request_pty_ex(x->ch, "dumb", 4, (const char *)raw_tty_modes,
						sizeof(raw_tty_modes), 80, 24, 0, 0),
	      rc, w);
	return w ? w : rc ? SSH_ERR_CHANNEL : 0;
}

static int open_channel(struct exec_io *x, const char *cmd)
{
	int rc, w = 0;

	while (!(x->ch = libssh2_channel_open_session(x->c->s))) {
		if (libssh2_session_last_errno(x->c->s) != LIBSSH2_ERROR_EAGAIN)
			return SSH_ERR_CHANNEL;
		if ((w = wait_socket(x->c, x->deadline)))
			return w;
	}
	if (x->gate && x->gate->pty && (rc = request_pty(x)))
		return rc;
	RETRY(x, libssh2_channel_exec(x->ch, cmd), rc, w);
	return w ? w : rc ? SSH_ERR_CHANNEL : 0;
}

/* Waits for the remote close, then collects exit status and signal. */
static int finish_channel(struct exec_io *x)
{
	char *sig = NULL;
	size_t siglen = 0;
	int rc, w = 0;

	RETRY(x, libssh2_channel_close(x->ch), rc, w);
	if (w || rc)
		return w ? w : SSH_ERR_CHANNEL;
	x->res->exit_status = libssh2_channel_get_exit_status(x->ch);
	libssh2_channel_get_exit_signal(x->ch, &sig, &siglen, NULL, NULL, NULL, NULL);
	if (sig) {
		x->res->exit_signal = xstrndup(sig, siglen);
		x->res->exit_status = -1;
		libssh2_free(x->c->s, sig);
	}
	return 0;
}

/*
 * Gives a channel up: closes it if the server answers soon, else leaves it
 * to libssh2_session_free. libssh2 1.10 cannot send a signal, so a remote
 * command past its timeout keeps running until it ends on its own.
 */
static void abandon_channel(struct exec_io *x)
{
	long long deadline = now_ms() + ABANDON_MS;
	int rc;

	if (!x->ch)
		return;
	while ((rc = libssh2_channel_close(x->ch)) == LIBSSH2_ERROR_EAGAIN)
		if (wait_socket(x->c, deadline))
			return;
	while (libssh2_channel_free(x->ch) == LIBSSH2_ERROR_EAGAIN)
		if (wait_socket(x->c, deadline))
			return;
	x->ch = NULL;
}

static void exec_error(struct exec_io *x, int r, const char *cmd, int timeout_ms,
		       struct buf *err)
{
	if (r == SSH_ERR_TIMEOUT) {
		buf_setf(err, "command timed out after %d ms on %s", timeout_ms, x->c->name);
		return;
	}
	if (r == SSH_ERR_CANCELLED) {
		buf_setf(err, "interrupted while running a command on %s", x->c->name);
		return;
	}
	if (x->c->silent) {
		buf_setf(err, "%s stopped answering: no reply to %d keepalives, %d s apart",
			 x->c->name, KEEPALIVE_COUNT_MAX, x->c->keepalive_ms / 1000);
		return;
	}
	buf_setf(err, "SSH channel to %s failed while running '%.60s': %s", x->c->name, cmd,
		 x->c->dead ? "connection lost" : session_error(x->c->s));
}

/* A call on a connection that failed before: fails fast. */
static int lost_earlier(struct ssh_conn *c, struct buf *err)
{
	buf_setf(err, "SSH connection to %s was lost earlier", c->name);
	return SSH_ERR_CHANNEL;
}

int ssh_exec(struct ssh_conn *c, const char *cmd, const void *in, size_t inlen, int timeout_ms,
	     struct ssh_exec_result *res, struct buf *err)
{
	return ssh_exec_gated(c, cmd, in, inlen, timeout_ms, NULL, res, err);
}

static int exec_run(struct exec_io *x, const char *cmd, int timeout_ms, struct buf *err)
{
	struct ssh_conn *c = x->c;
	int r;

	if (timeout_ms > 0)
		x->deadline = now_ms() + timeout_ms;
	c->last_recv = now_ms(); /* idle time between tasks is not silence */
	if (!(r = open_channel(x, cmd)) && !(r = pump(x)) && !(r = finish_channel(x)))
		while (libssh2_channel_free(x->ch) == LIBSSH2_ERROR_EAGAIN)
			if ((r = wait_socket(c, x->deadline)))
				break;
	if (r == SSH_OK)
		return SSH_OK;
	if (r != SSH_ERR_TIMEOUT && r != SSH_ERR_CANCELLED)
		c->dead = 1;
	exec_error(x, r, cmd, timeout_ms, err);
	if (r == SSH_ERR_TIMEOUT || r == SSH_ERR_CANCELLED)
		abandon_channel(x);
	return r;
}

int ssh_exec_gated(struct ssh_conn *c, const char *cmd, const void *in, size_t inlen,
		   int timeout_ms, struct ssh_gate *gate, struct ssh_exec_result *res,
		   struct buf *err)
{
	struct exec_io x = { c, NULL, in, inlen, 0, 0, 0, res, gate,
			     gate ? SSH_GATE_WAIT : SSH_GATE_OPEN, BUF_INIT, 0, 0 };
	int r;

	if (c->dead)
		return lost_earlier(c, err);
	r = exec_run(&x, cmd, timeout_ms, err);
	if (x.pre.len)
		explicit_bzero(x.pre.buf, x.pre.len);
	buf_release(&x.pre);
	return r;
}

/* ---- a command that serves many requests: ssh_stream ---- */

struct ssh_stream {
	struct exec_io x;
	struct ssh_exec_result res; /* out: what the reader left; errb: the command's stderr */
	char *cmd;                  /* for messages */
};

/* Why a stream stopped: as exec_error says it, and the connection is dead unless it timed out. */
static int stream_error(struct ssh_stream *st, int r, const char *what, int timeout_ms,
			struct buf *err)
{
	if (r != SSH_ERR_TIMEOUT && r != SSH_ERR_CANCELLED)
		st->x.c->dead = 1;
	exec_error(&st->x, r, what, timeout_ms, err);
	return r;
}

int ssh_stream_open(struct ssh_conn *c, const char *cmd, int timeout_ms, struct ssh_stream **out,
		    struct buf *err)
{
	struct ssh_stream *st;
	int r;

	*out = NULL;
	if (c->dead)
		return lost_earlier(c, err);
	st = xcalloc(1, sizeof(*st));
	ssh_exec_result_init(&st->res);
	st->cmd = xstrdup(cmd);
	st->x.c = c;
	st->x.res = &st->res;
	st->x.gate_state = SSH_GATE_OPEN;
	st->x.keep_open = 1;
	buf_init(&st->x.pre, 0);
	st->x.deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	c->last_recv = now_ms();
	if ((r = open_channel(&st->x, cmd))) {
		stream_error(st, r, cmd, timeout_ms, err);
		ssh_stream_close(st);
		return r;
	}
	*out = st;
	return SSH_OK;
}

/*
 * The command ended: its exit status and what it said on stderr, in err.
 * The channel is closed here; the stream only waits to be freed.
 */
static int stream_ended(struct ssh_stream *st, struct buf *err)
{
	struct ssh_exec_result *res = &st->res;
	int r = finish_channel(&st->x);

	if (r)
		return stream_error(st, r, st->cmd, 0, err);
	while (res->errb.len && res->errb.buf[res->errb.len - 1] == '\n')
		buf_setlen(&res->errb, res->errb.len - 1);
	buf_setf(err, "the command ended on %s (exit status %d%s%s)%s%.200s", st->x.c->name,
		 res->exit_status, res->exit_signal ? ", signal " : "",
		 res->exit_signal ? res->exit_signal : "", res->errb.len ? ": " : "",
		 res->errb.len ? res->errb.buf : "");
	return SSH_ERR_ENDED;
}

int ssh_stream_call(struct ssh_stream *st, const void *in, size_t inlen, int timeout_ms,
		    int (*enough)(struct buf *out, void *arg), void *arg, struct buf *err)
{
	struct exec_io *x = &st->x;
	int progress, rc, done;

	if (x->c->dead)
		return lost_earlier(x->c, err);
	x->in = in;
	x->inlen = inlen;
	x->inoff = 0;
	x->deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	x->c->last_recv = now_ms();
	for (;;) {
		if ((rc = move_data(x, &progress)))
			return stream_error(st, rc, st->cmd, timeout_ms, err);
		if (progress && st->res.out.len && (done = enough(&st->res.out, arg))) {
			if (done < 0) {
				buf_setf(err, "the command on %s answered out of turn", x->c->name);
				return SSH_ERR_ENDED;
			}
			return SSH_OK;
		}
		if (libssh2_channel_eof(x->ch))
			return stream_ended(st, err);
		if (!progress && (rc = wait_for_data(x)))
			return stream_error(st, rc, st->cmd, timeout_ms, err);
	}
}

int ssh_stream_exit_status(const struct ssh_stream *st)
{
	return st->res.exit_status;
}

void ssh_stream_close(struct ssh_stream *st)
{
	if (!st)
		return;
	if (!st->x.c->dead)
		abandon_channel(&st->x);
	ssh_exec_result_release(&st->res);
	buf_release(&st->x.pre);
	free(st->cmd);
	free(st);
}

/* The cipher name of an "openssh-key-v1" blob is "none" for a clear key. */
static int openssh_blob_encrypted(const unsigned char *blob, int len)
{
	static const char magic[] = "openssh-key-v1";
	uint32_t n;

	if (len < (int)sizeof(magic) + 4 || memcmp(blob, magic, sizeof(magic)))
		return 0;
	n = (uint32_t)blob[sizeof(magic)] << 24 | (uint32_t)blob[sizeof(magic) + 1] << 16 |
	    (uint32_t)blob[sizeof(magic) + 2] << 8 | blob[sizeof(magic) + 3];
	return !(n == 4 && len >= (int)sizeof(magic) + 8 &&
		 !memcmp(blob + sizeof(magic) + 4, "none", 4));
}

int ssh_key_encrypted(const char *path)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	struct buf text = BUF_INIT, b64 = BUF_INIT;
	unsigned char *blob;
	const char *p, *end;
	int r = 0, len;

	if (buf_read_file(&text, path) < 0)
		goto out;
	if (strstr(text.buf, "ENCRYPTED")) { /* PEM: Proc-Type or PKCS#8 header */
		r = 1;
		goto out;
	}
	p = strstr(text.buf, begin);
	end = p ? strstr(p, "-----END") : NULL;
	if (!end)
		goto out;
	for (p += sizeof(begin) - 1; p < end; p++)
		if (!isspace((unsigned char)*p))
			buf_addch(&b64, *p);
	blob = xmalloc(b64.len + 1);
	len = EVP_DecodeBlock(blob, (const unsigned char *)b64.buf, (int)b64.len);
	r = len > 0 && openssh_blob_encrypted(blob, len);
	free(blob);
out:
	buf_release(&text);
	buf_release(&b64);
	return r;
}
