/*
 * to_json, to_nice_json and from_json as Python's json module writes and
 * reads them (", " and ": " separators, \uXXXX escapes, float repr).
 */
#include "jinja_filters.h"

#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

struct json_style {
	int indent; /* < 0: one line */
	int sort_keys;
	int ensure_ascii;
};

/* One UTF-8 sequence at s as a code point; *n gets its length. */
static unsigned utf8_next(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80 || !s[1]) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
	}
	if (s[0] < 0xf0 || !s[2]) {
		*n = 3;
		return ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
	}
	*n = 4;
	return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
	       (s[3] & 0x3fu);
}

static void dump_string(struct buf *out, const char *s, int ensure_ascii)
{
	static const char esc[] = "\"\"\\\\\bb\ff\nn\rr\tt";
	const unsigned char *p = (const unsigned char *)s;
	const char *e;
	unsigned c;
	size_t n;

	buf_addch(out, '"');
	while (*p) {
		if (*p < 0x80 && (e = strchr(esc, *p)) && !((e - esc) & 1)) {
			buf_addch(out, '\\');
			buf_addch(out, e[1]);
			p++;
		} else if (*p < 0x20 || (*p == 0x7f && ensure_ascii)) {
			buf_addf(out, "\\u%04x", *p++);
		} else if (*p < 0x80 || !ensure_ascii) {
			buf_addch(out, (char)*p++);
		} else {
			c = utf8_next(p, &n);
			p += n;
			if (c >= 0x10000)
				buf_addf(out, "\\u%04x\\u%04x", 0xd800 + ((c - 0x10000) >> 10),
					 0xdc00 + ((c - 0x10000) & 0x3ff));
			else
				buf_addf(out, "\\u%04x", c);
		}
	}
	buf_addch(out, '"');
}

static void dump_value(struct buf *out, const json_t *v, const struct json_style *st, int depth);

static void dump_sep(struct buf *out, const struct json_style *st, int depth, int first)
{
	if (!first)
		buf_addstr(out, st->indent < 0 ? ", " : ",");
	if (st->indent >= 0) {
		buf_addch(out, '\n');
		for (int i = 0; i < st->indent * depth; i++)
			buf_addch(out, ' ');
	}
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void dump_object(struct buf *out, const json_t *v, const struct json_style *st, int depth)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)v, k, x)
		keys[i++] = k;
	if (st->sort_keys)
		qsort(keys, n, sizeof(*keys), cmp_keys);
	buf_addch(out, '{');
	for (i = 0; i < n; i++) {
		dump_sep(out, st, depth + 1, !i);
		dump_string(out, keys[i], st->ensure_ascii);
		buf_addstr(out, ": ");
		dump_value(out, json_object_get(v, keys[i]), st, depth + 1);
	}
	if (n)
		dump_sep(out, st, depth, 1);
	buf_addch(out, '}');
	free(keys);
}

static void dump_value(struct buf *out, const json_t *v, const struct json_style *st, int depth)
{
	size_t i;

	if (json_is_object(v)) {
		dump_object(out, v, st, depth);
	} else if (json_is_array(v)) {
		buf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			dump_sep(out, st, depth + 1, !i);
			dump_value(out, json_array_get(v, i), st, depth + 1);
		}
		if (json_array_size(v))
			dump_sep(out, st, depth, 1);
		buf_addch(out, ']');
	} else if (json_is_string(v)) {
		dump_string(out, json_string_value(v), st->ensure_ascii);
	} else if (json_is_boolean(v)) {
		buf_addstr(out, json_is_true(v) ? "true" : "false");
	} else if (json_is_null(v)) {
		buf_addstr(out, "null");
	} else {
		py_str(out, v);
	}
}

static json_t *dump(json_t *input, const struct jinja_call *call, struct json_style st)
{
	json_t *ji = json_object_get(call->kwargs, "indent");
	json_t *js = json_object_get(call->kwargs, "sort_keys");
	json_t *ja = json_object_get(call->kwargs, "ensure_ascii");
	struct buf out = BUF_INIT;
	json_t *r;

	if (json_is_integer(ji))
		st.indent = (int)json_integer_value(ji);
	if (js)
		st.sort_keys = jinja_truthy(js);
	if (ja)
		st.ensure_ascii = jinja_truthy(ja);
	dump_value(&out, input, &st, 0);
	r = json_stringn(out.buf, out.len);
	buf_release(&out);
	return r;
}

static json_t *f_to_json(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct json_style st = {-1, 0, 1};

	(void)err;
	return dump(input, call, st);
}

static json_t *f_to_nice_json(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct json_style st = {4, 1, 1};
	json_t *ji = jf_arg(call, 0, "indent");

	(void)err;
	if (json_is_integer(ji))
		st.indent = (int)json_integer_value(ji);
	return dump(input, call, st);
}

/* Jinja's tojson: sorted keys, and <, >, &, ' escaped so the text is safe in HTML. */
static json_t *f_tojson(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct json_style st = {-1, 1, 1};
	json_t *ji = jf_arg(call, 0, "indent");
	struct buf out = BUF_INIT, text = BUF_INIT;
	const char *p;

	(void)err;
	if (json_is_integer(ji))
		st.indent = (int)json_integer_value(ji);
	dump_value(&text, input, &st, 0);
	for (p = text.buf; *p; p++) {
		if (strchr("<>&'", *p))
			buf_addf(&out, "\\u%04x", (unsigned)*p);
		else
			buf_addch(&out, *p);
	}
	buf_release(&text);
	input = json_stringn(out.buf, out.len);
	buf_release(&out);
	return input;
}

static json_t *f_from_json(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_error_t jerr;
	json_t *r;

	(void)call;
	if (!json_is_string(input))
		return jf_type_error(err, "from_json", "a string", input);
	r = json_loads(json_string_value(input), JSON_DECODE_ANY, &jerr);
	if (!r)
		buf_setf(err, "from_json: %s: line %d column %d", jerr.text, jerr.line,
			 jerr.column);
	return r;
}

static const struct jf_filter json_filters[] = {
	{"to_json", f_to_json},
	{"to_nice_json", f_to_nice_json},
	{"from_json", f_from_json},
	{"tojson", f_tojson},
};

const struct jf_filter_table jf_json_filters = {json_filters, ARRAY_SIZE(json_filters)};
