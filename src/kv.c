#include "kv.h"

#include <ctype.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

static const char *const command_keys[] = {
	"creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline",
	"strip_empty_ends",
};

/*
 * Splits on white space outside quotes and Jinja blocks ({{ }}, {% %},
 * {# #}), keeping quotes inside the words, as Ansible's split_args does.
 */
static int split_words(const char *s, struct strvec *words, struct buf *err)
{
	struct buf w = BUF_INIT;
	char quote = 0;
	int r = 0, jinja = 0;

	for (; *s; s++) {
		if (!quote && *s == '{' && (s[1] == '{' || s[1] == '%' || s[1] == '#'))
			jinja++;
		else if (!quote && jinja && (*s == '}' || *s == '%' || *s == '#') && s[1] == '}')
			jinja--;
		if (!quote && !jinja && isspace((unsigned char)*s)) {
			if (w.len)
				strvec_push_nodup(words, buf_detach(&w, NULL));
			continue;
		}
		if (*s == '\\' && s[1]) {
			buf_add(&w, s, 2);
			s++;
			continue;
		}
		if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '"' || *s == '\''))
			quote = *s;
		buf_addch(&w, *s);
	}
	if (quote) {
		buf_setf(err, "error parsing argument string, try quoting the entire line "
			      "(no closing quotation)");
		r = -1;
	} else if (w.len) {
		strvec_push_nodup(words, buf_detach(&w, NULL));
	}
	buf_release(&w);
	return r;
}

static char *unquote(const char *v)
{
	size_t n = strlen(v);

	if (n > 1 && v[0] == v[n - 1] && (v[0] == '"' || v[0] == '\'') && v[n - 2] != '\\')
		return xstrndup(v + 1, n - 2);
	return xstrdup(v);
}

static int is_command_key(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(command_keys); i++)
		if (strlen(command_keys[i]) == n && !strncmp(command_keys[i], k, n))
			return 1;
	return 0;
}

/* Position of the first '=' not preceded by a backslash (never at 0), or NULL. */
static const char *find_assign(const char *w)
{
	const char *p = w;

	while ((p = strchr(p + 1, '=')))
		if (p[-1] != '\\')
			return p;
	return NULL;
}

/* Python's escape sequences in a k=v value, decoded as Ansible's parse_kv does. */
static char *decode_escapes(const char *s)
{
	static const char from[] = "ntr\\\"'abfv", to[] = "\n\t\r\\\"'\a\b\f\v";
	struct buf out = BUF_INIT;
	const char *hit;

	for (; *s; s++) {
		if (*s == '\\' && s[1] && (hit = strchr(from, s[1]))) {
			buf_addch(&out, to[hit - from]);
			s++;
		} else {
			buf_addch(&out, *s);
		}
	}
	return buf_detach(&out, NULL);
}

static void add_option(json_t *obj, const char *w, const char *eq)
{
	char *key = xstrndup(w, (size_t)(eq - w));
	char *quoted = unquote(eq + 1), *val = decode_escapes(quoted);

	free(quoted);
	json_object_set_new(obj, key, json_string(val));
	free(key);
	free(val);
}

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * The free-form words are joined with the white space that separated them
 * in args, trailing white space kept, as Ansible's join_args does: a
 * multi-line shell script keeps its lines and its spacing.
 */
json_t *kv_parse(const char *args, int check_raw, struct buf *err)
{
	struct strvec words = STRVEC_INIT;
	struct buf raw = BUF_INIT;
	const char *at = args ? args : "", *sep;
	int last_raw = 0;
	json_t *obj;
	size_t i;

	if (split_words(at, &words, err) < 0) {
		strvec_clear(&words);
		return NULL;
	}
	obj = json_object();
	for (i = 0; i < words.nr; i++) {
		const char *w = words.v[i];
		const char *eq = w[0] ? find_assign(w) : NULL;

		sep = at;
		at = skip_space(at) + strlen(w);  /* words are verbatim pieces of args */
		last_raw = !(eq && (!check_raw || is_command_key(w, (size_t)(eq - w))));
		if (!last_raw) {
			add_option(obj, w, eq);
			continue;
		}
		if (raw.len)
			buf_add(&raw, sep, (size_t)(skip_space(sep) - sep));
		buf_addstr(&raw, w);
	}
	if (raw.len && last_raw)
		buf_addstr(&raw, at);
	if (raw.len)
		json_object_set_new(obj, "_raw_params", json_string(raw.buf));
	buf_release(&raw);
	strvec_clear(&words);
	return obj;
}

int shlex_split(const char *s, struct strvec *out, struct buf *err)
{
	return shlex_split_comments(s, 0, out, err);
}

int shlex_split_comments(const char *s, int comments, struct strvec *out, struct buf *err)
{
	struct buf w = BUF_INIT;
	int in_word = 0;
	char quote = 0;

	for (; *s; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				buf_addch(&w, *s);
		} else if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				buf_addch(&w, *++s);
			else
				buf_addch(&w, *s);
		} else if (isspace((unsigned char)*s)) {
			if (in_word)
				strvec_push_nodup(out, buf_detach(&w, NULL));
			in_word = 0;
		} else if (*s == '#' && comments && !in_word) {
			break;
		} else {
			in_word = 1;
			if (*s == '\'' || *s == '"')
				quote = *s;
			else if (*s == '\\' && s[1])
				buf_addch(&w, *++s);
			else
				buf_addch(&w, *s);
		}
	}
	if (quote) {
		buf_release(&w);
		buf_setf(err, "No closing quotation (unbalanced %c quote)", quote);
		return -1;
	}
	if (in_word)
		strvec_push_nodup(out, buf_detach(&w, NULL));
	buf_release(&w);
	return 0;
}

void sh_quote_buf(struct buf *out, const char *s, size_t len)
{
	size_t i;

	buf_addch(out, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			buf_addstr(out, "'\\''");
		else
			buf_addch(out, s[i]);
	}
	buf_addch(out, '\'');
}

void sh_quote(struct buf *out, const char *s)
{
	sh_quote_buf(out, s, strlen(s));
}
