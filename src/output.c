#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

static const char *const color_codes[] = {
	[COLOR_NONE] = NULL,
	[COLOR_OK] = "0;32",
	[COLOR_CHANGED] = "0;33",
	[COLOR_ERROR] = "0;31",
	[COLOR_UNREACHABLE] = "1;31",
	[COLOR_SKIP] = "0;36",
};

static int env_true(const char *name)
{
	const char *v = getenv(name);

	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

void output_init(struct output *o, FILE *fp, int verbosity, int one_line)
{
	const char *no_color = getenv("NO_COLOR");

	o->fp = fp;
	o->verbosity = verbosity;
	o->one_line = one_line;
	o->color = isatty(fileno(fp));
	if (env_true("ANSIBLE_FORCE_COLOR"))
		o->color = 1;
	if ((no_color && *no_color) || env_true("ANSIBLE_NOCOLOR"))
		o->color = 0;
}

void output_line(const struct output *o, enum color c, const char *text, size_t len)
{
	const char *code = color_codes[c], *p = text, *end = text + len, *nl;

	if (!o->color || !code) {
		fwrite(text, 1, len, o->fp);
		fputc('\n', o->fp);
		return;
	}
	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		fprintf(o->fp, "\033[%sm", code);
		fwrite(p, 1, (size_t)((nl ? nl : end) - p), o->fp);
		fputs("\033[0m", o->fp);
		if (!nl)
			break;
		fputc('\n', o->fp);
		p = nl + 1;
	}
	fputc('\n', o->fp);
}

/*
 * Python's json.dumps(indent=0) with newlines removed, as the oneline
 * callback prints: {"changed": false,"ping": "pong"}. Strings never hold a
 * raw newline, so dropping each newline and the indent after it is exact.
 */
static void collapse_lines(const char *text, struct buf *out)
{
	for (; *text; text++) {
		if (*text != '\n') {
			buf_addch(out, *text);
			continue;
		}
		while (text[1] == ' ')
			text++;
	}
}

void output_dump_result(const struct output *o, json_t *result, int indent, struct buf *out)
{
	json_t *copy = json_deep_copy(result);
	const char *key;
	json_t *v;
	void *tmp;
	char *text;

	json_object_foreach_safe(copy, tmp, key, v) {
		/* "failed" is said by the status word, as in Ansible's callbacks */
		if (!strncmp(key, "_ansible_", 9) || !strncmp(key, "_drover", 7) ||
		    !strcmp(key, "exception") || !strcmp(key, "failed") ||
		    (o->verbosity < 3 && (!strcmp(key, "invocation") || !strcmp(key, "diff"))))
			json_object_del(copy, key);
	}
	text = json_dumps(copy, JSON_SORT_KEYS | (indent < 0 ? 0 : JSON_INDENT(indent ? indent : 1)));
	if (indent)
		buf_addstr(out, text);
	else
		collapse_lines(text, out);
	free(text);
	json_decref(copy);
}

static const char *str_of(json_t *result, const char *key)
{
	const char *s = json_string_value(json_object_get(result, key));

	return s ? s : "";
}

/* A string of the result, NUL bytes and all. */
static void add_text(struct buf *out, json_t *result, const char *key)
{
	json_t *v = json_object_get(result, key);

	if (json_is_string(v))
		buf_add(out, json_string_value(v), json_string_length(v));
}

static void escape_newlines(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			buf_addstr(out, "\\n");
		else if (*s == '\r')
			buf_addstr(out, "\\r");
		else
			buf_addch(out, *s);
	}
}

/* command, shell and raw results: the output itself rather than JSON. */
static void command_text(const struct output *o, const char *host, const char *caption,
			 json_t *result, struct buf *out)
{
	json_t *rc = json_object_get(result, "rc");
	long long rcv = rc ? (long long)json_integer_value(rc) : -1;

	if (!o->one_line) {
		buf_addf(out, "%s | %s | rc=%lld >>\n", host, caption, rcv);
		add_text(out, result, "stdout");
		add_text(out, result, "stderr");
		add_text(out, result, "msg");
		return;
	}
	buf_addf(out, "%s | %s | rc=%lld | (stdout) ", host, caption, rcv);
	escape_newlines(out, str_of(result, "stdout"));
	if (*str_of(result, "stderr")) {
		buf_addstr(out, " (stderr) ");
		escape_newlines(out, str_of(result, "stderr"));
	}
}

void output_adhoc_result(const struct output *o, const char *host, int no_json,
			 const char *status, json_t *result)
{
	int changed = json_is_true(json_object_get(result, "changed"));
	int indent = o->one_line ? 0 : 4;
	struct buf text = BUF_INIT;
	enum color c;

	if (!strcmp(status, "unreachable")) {
		c = COLOR_UNREACHABLE;
		if (o->one_line) {
			buf_addf(&text, "%s | UNREACHABLE!: %s", host, str_of(result, "msg"));
		} else {
			buf_addf(&text, "%s | UNREACHABLE! => ", host);
			output_dump_result(o, result, indent, &text);
		}
	} else if (!strcmp(status, "failed")) {
		c = COLOR_ERROR;
		if (no_json && !o->one_line && !json_object_get(result, "module_stderr")) {
			command_text(o, host, "FAILED", result, &text);
		} else {
			buf_addf(&text, "%s | FAILED! => ", host);
			output_dump_result(o, result, indent, &text);
		}
	} else if (json_is_true(json_object_get(result, "skipped"))) {
		c = COLOR_SKIP;
		buf_addf(&text, "%s | SKIPPED", host);
	} else {
		c = changed ? COLOR_CHANGED : COLOR_OK;
		if (no_json) {
			command_text(o, host, changed ? "CHANGED" : "SUCCESS", result, &text);
		} else {
			buf_addf(&text, "%s | %s => ", host, changed ? "CHANGED" : "SUCCESS");
			output_dump_result(o, result, indent, &text);
		}
	}
	output_line(o, c, text.buf, text.len);
	buf_release(&text);
}
