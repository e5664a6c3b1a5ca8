#include "become.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <string.h>
#include <time.h>

#include "kv.h"
#include "xalloc.h"
#include "banned.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void random_hex(char *out, size_t outlen)
{
	unsigned char rnd[12];
	size_t i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		BUG("no randomness for the become markers");
	for (i = 0; i < sizeof(rnd) && 2 * i + 2 < outlen; i++)
		snprintf(out + 2 * i, outlen - 2 * i, "%02x", rnd[i]);
}

/* Removes b[at..at+n) from b. */
static void cut(struct buf *b, size_t at, size_t n)
{
	memmove(b->buf + at, b->buf + at + n, b->len - at - n);
	buf_setlen(b, b->len - n);
}

static void *find(const struct buf *b, const char *s)
{
	return memmem(b->buf, b->len, s, strlen(s));
}

/*
 * Where su's prompt starts in stderr, or -1: su's prompt is translated
 * ("Password: ", "Passwort: "), so any text after the last newline that
 * ends in a colon (and a space) is taken for it.
 */
static long su_prompt_at(const struct buf *errb)
{
	const char *nl = memrchr(errb->buf, '\n', errb->len);
	size_t start = nl ? (size_t)(nl - errb->buf) + 1 : 0, end = errb->len;

	while (end > start && errb->buf[end - 1] == ' ')
		end--;
	if (end == start || errb->buf[end - 1] != ':')
		return -1;
	return (long)start;
}

/* Where the host's side of the dialogue shows: the terminal, or stderr. */
static struct buf *dialogue_of(struct become *b, struct ssh_exec_result *res)
{
	return b->gate.pty ? &res->out : &res->errb;
}

/* The prompt, if the dialogue shows it: cut out. Returns 1 if one was there. */
static int take_prompt(struct become *b, struct buf *dlg)
{
	char *at;
	long start;

	if (!strcmp(b->method, "sudo")) {
		if (!(at = find(dlg, b->prompt)))
			return 0;
		cut(dlg, (size_t)(at - dlg->buf), strlen(b->prompt));
		return 1;
	}
	if ((start = su_prompt_at(dlg)) < 0)
		return 0;
	cut(dlg, (size_t)start, dlg->len - (size_t)start);
	return 1;
}

/*
 * What a terminal showed before the success line (the launcher's pid, su's
 * messages) belongs to stderr: moved there without carriage returns, empty
 * lines, or the password should an odd su have echoed it.
 */
static void move_to_stderr(struct become *b, struct ssh_exec_result *res, size_t len)
{
	const char *p = res->out.buf, *end = p + len, *nl;
	size_t n, pwlen = b->password ? strlen(b->password) : 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		while (n && p[n - 1] == '\r')
			n--;
		if (n && !(pwlen && memmem(p, n, b->password, pwlen))) {
			buf_add(&res->errb, p, n);
			buf_addch(&res->errb, '\n');
		}
		p = nl ? nl + 1 : end;
	}
}

/*
 * The success line in stdout: everything up to its end is taken out (to
 * stderr on a terminal). Returns 0 while it is not complete.
 */
static int take_success(struct become *b, struct ssh_exec_result *res)
{
	char *at = find(&res->out, b->success);
	size_t end;

	if (!at)
		return 0;
	end = (size_t)(at - res->out.buf) + strlen(b->success);
	if (end < res->out.len && res->out.buf[end] == '\r')
		end++;
	if (end >= res->out.len)
		return 0;
	if (res->out.buf[end] == '\n')
		end++;
	if (b->gate.pty)
		move_to_stderr(b, res, (size_t)(at - res->out.buf));
	cut(&res->out, 0, end);
	return 1;
}

/*
 * PAM's su prints its prompt, then turns echo off flushing what was typed:
 * an answer arriving in between would be lost. A moment's wait, on a
 * terminal only (over a pipe nothing is flushed).
 */
static void let_the_prompt_settle(const struct become *b)
{
	struct timespec ts = { 0, 50 * 1000000L };

	if (b->gate.pty)
		nanosleep(&ts, NULL);
}

static int gate_step(struct ssh_gate *g, struct ssh_exec_result *res, struct buf *send)
{
	struct become *b = (struct become *)g;

	if (take_success(b, res)) {
		b->outcome = BECOME_OK;
		return SSH_GATE_OPEN;
	}
	if (take_prompt(b, dialogue_of(b, res))) {
		if (!b->password || b->prompts) {
			b->outcome = b->password ? BECOME_INCORRECT : BECOME_MISSING;
			return SSH_GATE_SHUT;
		}
		let_the_prompt_settle(b);
		buf_addf(send, "%s\n", b->password);
		b->prompts++;
		b->deadline_ms = now_ms() + b->timeout_s * 1000LL;
		return SSH_GATE_WAIT;
	}
	if (!b->prompts && now_ms() > b->deadline_ms) {
		b->outcome = BECOME_TIMEOUT;
		return SSH_GATE_SHUT;
	}
	return SSH_GATE_WAIT;
}

int become_init(struct become *b, json_t *become, int timeout_s, int can_pty, struct buf *err)
{
	const char *method = json_string_value(json_object_get(become, "method"));

	memset(b, 0, sizeof(*b));
	b->gate.step = gate_step;
	b->method = method ? method : "sudo";
	b->user = json_string_value(json_object_get(become, "user"));
	b->password = json_string_value(json_object_get(become, "password"));
	b->flags = json_string_value(json_object_get(become, "flags"));
	b->exe = json_string_value(json_object_get(become, "exe"));
	if (!b->user)
		b->user = "root";
	if (strcmp(b->method, "sudo") && strcmp(b->method, "su")) {
		buf_setf(err, "become method '%s' is not supported by drover (it has sudo and su)",
			 b->method);
		return -1;
	}
	if (strcmp(b->method, "su") && !b->password)
		return 0; /* plain sudo -n: no markers, no dialogue */
	b->gated = 1;
	b->gate.pty = can_pty && !strcmp(b->method, "su") && b->password;
	b->timeout_s = timeout_s > 0 ? timeout_s : 10;
	become_restart(b);
	return 1;
}

void become_restart(struct become *b)
{
	char hex[25];

	b->prompts = 0;
	b->outcome = BECOME_PENDING;
	b->deadline_ms = now_ms() + b->timeout_s * 1000LL;
	random_hex(hex, sizeof(hex));
	/* no % in it: sudo expands %u, %h and such in its prompt */
	snprintf(b->prompt, sizeof(b->prompt), "[drover-become-%s] password:", hex);
	random_hex(hex, sizeof(hex));
	snprintf(b->success, sizeof(b->success), "DROVER-BECOME-OK-%s", hex);
}

/*
 * One of the user's sudo flags, with a password (as Ansible does): -n and
 * --non-interactive go, and so does the last n of a short cluster's
 * letters (-Hn is -H). Sets *has_stdin if it is -S (alone or clustered).
 */
static void add_flag_for_password(struct buf *cmd, const char *w, size_t len, int *has_stdin)
{
	size_t letters = 1, n = 0;

	if ((len == 2 && !memcmp(w, "-n", 2)) || (len == 17 && !memcmp(w, "--non-interactive", 17)))
		return;
	*has_stdin |= len == 7 && !memcmp(w, "--stdin", 7);
	if (len > 1 && w[0] == '-' && w[1] != '-') {
		while (letters < len && (isalnum((unsigned char)w[letters]) || w[letters] == '_')) {
			if (w[letters] == 'n')
				n = letters;
			*has_stdin |= w[letters++] == 'S';
		}
	}
	if (n) {
		buf_add(cmd, w, n);
		buf_add(cmd, w + n + 1, len - n - 1);
	} else {
		buf_add(cmd, w, len);
	}
	buf_addch(cmd, ' ');
}

/*
 * sudo's flags: the user's (become_flags) replace the default "-H -S -n".
 * With a password, -n goes; since drover answers on stdin, -S is added
 * when missing. Flags are shell words, split at blanks.
 */
static void add_sudo_flags(const struct become *b, struct buf *cmd)
{
	const char *p = b->flags ? b->flags : "-H -S -n";
	int has_stdin = 0;
	size_t len;

	if (!b->password) {
		buf_addf(cmd, "%s ", p);
		return;
	}
	for (; *(p += strspn(p, " \t")); p += len) {
		len = strcspn(p, " \t");
		add_flag_for_password(cmd, p, len, &has_stdin);
	}
	if (!has_stdin)
		buf_addstr(cmd, "-S ");
}

/*
 * The script the become user's shell runs first: the success line, then
 * the command. On a terminal the command reads exactly stdin_len bytes
 * through a pipe: the terminal would never tell it the input ended.
 */
static void success_script(const struct become *b, struct buf *script)
{
	buf_addf(script, "echo %s; ", b->success);
	if (!b->gate.pty)
		buf_addstr(script, "exec \"$0\" \"$@\"");
	else if (b->stdin_len)
		buf_addf(script, "head -c %zu | \"$0\" \"$@\"", b->stdin_len);
	else
		buf_addstr(script, "exec \"$0\" \"$@\" </dev/null");
}

void become_wrap(const struct become *b, struct buf *cmd)
{
	struct buf script = BUF_INIT;

	buf_addf(cmd, "%s ", b->exe ? b->exe : b->method);
	if (!strcmp(b->method, "sudo")) {
		add_sudo_flags(b, cmd);
		if (b->gated) {
			buf_addstr(cmd, "-p ");
			sh_quote(cmd, b->prompt);
			buf_addch(cmd, ' ');
		}
		buf_addstr(cmd, "-u ");
		sh_quote(cmd, b->user);
		buf_addstr(cmd, " -- ");
		if (!b->gated)
			return;
		buf_addstr(cmd, "/bin/sh -c ");
	} else {
		if (b->flags && *b->flags)
			buf_addf(cmd, "%s ", b->flags);
		sh_quote(cmd, b->user);
		buf_addstr(cmd, " -c ");
	}
	success_script(b, &script);
	sh_quote(cmd, script.buf);
	/* su's getopt would take a later -c (the shell's) as its own */
	buf_addstr(cmd, strcmp(b->method, "su") ? " " : " -- ");
	buf_release(&script);
}

char *become_failure(const struct become *b)
{
	switch (b->outcome) {
	case BECOME_OK:
		return NULL;
	case BECOME_MISSING:
		return xasprintf("Missing %s password", b->method);
	case BECOME_TIMEOUT:
		return xasprintf("Timeout (%ds) waiting for privilege escalation prompt: ", b->timeout_s);
	case BECOME_INCORRECT:
		return xasprintf("Incorrect %s password", b->method);
	case BECOME_PENDING:
		break;
	}
	/* the password went and the command ended without running: su gave up */
	return b->prompts ? xasprintf("Incorrect %s password", b->method) : xstrdup("");
}
