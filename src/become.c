#include "become.h"

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

/* The prompt, if stderr shows it: cut out of stderr. Returns 1 if one was there. */
static int take_prompt(struct become *b, struct buf *errb)
{
	char *at;
	long start;

	if (!strcmp(b->method, "sudo")) {
		if (!(at = find(errb, b->prompt)))
			return 0;
		cut(errb, (size_t)(at - errb->buf), strlen(b->prompt));
		return 1;
	}
	if ((start = su_prompt_at(errb)) < 0)
		return 0;
	cut(errb, (size_t)start, errb->len - (size_t)start);
	return 1;
}

static int gate_step(struct ssh_gate *g, struct ssh_exec_result *res, struct buf *send)
{
	struct become *b = (struct become *)g;
	char *at = find(&res->out, b->success);

	if (at) {
		cut(&res->out, 0, (size_t)(at - res->out.buf) + strlen(b->success));
		b->outcome = BECOME_OK;
		return SSH_GATE_OPEN;
	}
	if (take_prompt(b, &res->errb)) {
		if (!b->password || b->prompts) {
			b->outcome = b->password ? BECOME_INCORRECT : BECOME_MISSING;
			return SSH_GATE_SHUT;
		}
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

int become_init(struct become *b, json_t *become, int timeout_s, struct buf *err)
{
	const char *method = json_string_value(json_object_get(become, "method"));
	char hex[25];

	memset(b, 0, sizeof(*b));
	b->gate.step = gate_step;
	b->method = method ? method : "sudo";
	b->user = json_string_value(json_object_get(become, "user"));
	b->password = json_string_value(json_object_get(become, "password"));
	if (!b->user)
		b->user = "root";
	if (strcmp(b->method, "sudo") && strcmp(b->method, "su")) {
		buf_setf(err, "become method '%s' is not supported by drover (it has sudo and su)",
			 b->method);
		return -1;
	}
	if (strcmp(b->method, "su") && !b->password)
		return 0; /* plain sudo -n: no markers, no dialogue */
	b->timeout_s = timeout_s > 0 ? timeout_s : 10;
	b->deadline_ms = now_ms() + b->timeout_s * 1000LL;
	random_hex(hex, sizeof(hex));
	/* no % in it: sudo expands %u, %h and such in its prompt */
	snprintf(b->prompt, sizeof(b->prompt), "[drover-become-%s] password:", hex);
	random_hex(hex, sizeof(hex));
	snprintf(b->success, sizeof(b->success), "DROVER-BECOME-OK-%s\n", hex);
	return 1;
}

void become_wrap(const struct become *b, struct buf *cmd)
{
	struct buf script = BUF_INIT;

	/* the success line without its newline, then the words that follow */
	buf_addf(&script, "echo %.*s; exec \"$0\" \"$@\"", (int)strlen(b->success) - 1, b->success);
	if (!strcmp(b->method, "sudo")) {
		buf_addstr(cmd, "sudo -H -S -p ");
		sh_quote(cmd, b->prompt);
		buf_addstr(cmd, " -u ");
		sh_quote(cmd, b->user);
		buf_addstr(cmd, " -- /bin/sh -c ");
	} else {
		buf_addstr(cmd, "su ");
		sh_quote(cmd, b->user);
		buf_addstr(cmd, " -c ");
	}
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
