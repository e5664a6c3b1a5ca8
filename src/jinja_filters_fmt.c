/*
 * Formatting filters: format (Python's % operator), truncate, wordwrap,
 * escape/e, safe, filesizeformat, strftime, to_uuid, path_join.
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* One % conversion, parsed: flags, width, precision and the conversion letter. */
struct conv {
	char flags[8];
	int width, prec; /* -1: none */
	char type;
};

/*
 * snprintf with a spec built only from a parsed struct conv (flags from
 * "-+ #0", digits, one conversion letter), so the format is never the
 * user's text itself.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void conv_number(struct buf *out, const struct conv *c, double d, long long i)
{
	char spec[48], tmp[512];
	int isint = strchr("dxXo", c->type) != NULL;

	/* Width and precision travel as '*' arguments. */
	snprintf(spec, sizeof(spec), "%%%s*.*%s%c", c->flags, isint ? "ll" : "", c->type);
	if (isint)
		snprintf(tmp, sizeof(tmp), spec, c->width < 0 ? 0 : c->width,
			 c->prec < 0 ? 1 : c->prec, i);
	else
		snprintf(tmp, sizeof(tmp), spec, c->width < 0 ? 0 : c->width,
			 c->prec < 0 ? 6 : c->prec, d);
	buf_addstr(out, tmp);
}
#pragma GCC diagnostic pop

static void conv_text(struct buf *out, const struct conv *c, const char *s)
{
	size_t len = jf_utf8_len(s),
	       keep = c->prec >= 0 && (size_t)c->prec < len ? (size_t)c->prec : len;
	const char *end = s;
	size_t n;

	for (n = 0; n < keep; n++)
		for (end++; ((unsigned char)*end & 0xc0) == 0x80; end++)
			;
	for (n = keep; !strchr(c->flags, '-') && (int)n < c->width; n++)
		buf_addch(out, ' ');
	buf_add(out, s, (size_t)(end - s));
	for (n = keep; strchr(c->flags, '-') && (int)n < c->width; n++)
		buf_addch(out, ' ');
}

/* repr(v): the text py_str gives inside a list. */
static void repr_of(struct buf *out, json_t *v)
{
	json_t *wrap = json_pack("[O]", v);
	struct buf t = BUF_INIT;

	py_str(&t, wrap);
	buf_add(out, t.buf + 1, t.len - 2);
	buf_release(&t);
	json_decref(wrap);
}

static int conv_value(struct buf *out, const struct conv *c, json_t *v, struct buf *err)
{
	struct buf t = BUF_INIT;

	if (c->type == 's' || c->type == 'r' || c->type == 'a') {
		if (c->type == 's')
			py_str(&t, v);
		else
			repr_of(&t, v);
		conv_text(out, c, t.buf);
		buf_release(&t);
		return 0;
	}
	if (c->type == 'c' && json_is_string(v) && jf_utf8_len(json_string_value(v)) == 1) {
		conv_text(out, c, json_string_value(v));
		return 0;
	}
	if (!jf_is_number(v) || (strchr("xXoc", c->type) && json_is_real(v))) {
		buf_setf(err, "%%%c format: %s is required, not %s", c->type,
			 strchr("xXoc", c->type) ? "an integer" : "a real number", jf_type_name(v));
		return -1;
	}
	if (c->type == 'c') {
		buf_addch(out, (char)json_integer_value(v));
		return 0;
	}
	conv_number(out, c, jf_number(v), (long long)jf_number(v));
	return 0;
}

/* Parses "[(name)][flags][width][.prec][hlL]type" after a '%'; returns the end or NULL. */
static const char *conv_parse(const char *p, struct conv *c, char **name)
{
	const char *close;
	size_t nf = 0;

	memset(c, 0, sizeof(*c));
	c->width = c->prec = -1;
	*name = NULL;
	if (*p == '(' && (close = strchr(p, ')'))) {
		*name = xstrndup(p + 1, (size_t)(close - p - 1));
		p = close + 1;
	}
	while (*p && strchr("-+ #0", *p) && nf < sizeof(c->flags) - 1)
		c->flags[nf++] = *p++;
	if (isdigit((unsigned char)*p))
		c->width = (int)strtol(p, (char **)&p, 10);
	if (*p == '.') {
		p++;
		c->prec = (int)strtol(p, (char **)&p, 10);
	}
	while (*p && strchr("hlL", *p))
		p++;
	if (!*p || !strchr("sradiuxXoeEfFgGc", *p))
		return NULL;
	c->type = *p == 'i' || *p == 'u' ? 'd' : *p;
	return p + 1;
}

static json_t *f_format(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf out = BUF_INIT;
	const char *p;
	struct conv c;
	size_t next = 0;
	char *name;
	json_t *v;

	if (!json_is_string(input))
		return jf_type_error(err, "format", "a string", input);
	for (p = json_string_value(input); *p; p++) {
		if (*p != '%' || p[1] == '%') {
			buf_addch(&out, *p);
			p += *p == '%';
			continue;
		}
		if (!(p = conv_parse(p + 1, &c, &name))) {
			buf_setf(err, "format: unsupported format character");
			goto fail;
		}
		v = name ? json_object_get(call->kwargs, name) : json_array_get(call->args, next++);
		free(name);
		if (!v) {
			buf_setf(err, "not enough arguments for format string");
			goto fail;
		}
		if (conv_value(&out, &c, v, err) < 0)
			goto fail;
		p--;
	}
	if (next && next < json_array_size(call->args)) {
		buf_setf(err, "not all arguments converted during string formatting");
		goto fail;
	}
	v = json_stringn(out.buf, out.len);
	buf_release(&out);
	return v;
fail:
	buf_release(&out);
	return NULL;
}

/* Byte offset of code point n in s (or the end). */
static size_t utf8_offset(const char *s, size_t n)
{
	const char *p = s;

	while (*p && n--)
		for (p++; ((unsigned char)*p & 0xc0) == 0x80; p++)
			;
	return (size_t)(p - s);
}

/* Jinja's truncate: leeway 5 by default, words kept whole unless killwords. */
static json_t *f_truncate(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jlen = jf_arg(call, 0, "length"), *jend = jf_arg(call, 2, "end");
	json_t *jlee = jf_arg(call, 3, "leeway");
	long long len = json_is_integer(jlen) ? json_integer_value(jlen) : 255;
	long long leeway = json_is_integer(jlee) ? json_integer_value(jlee) : 5;
	const char *end = json_is_string(jend) ? json_string_value(jend) : "...";
	long long keep = len - (long long)jf_utf8_len(end);
	struct buf out = BUF_INIT;
	const char *s;
	char *sp;

	if (!json_is_string(input))
		return jf_type_error(err, "truncate", "a string", input);
	s = json_string_value(input);
	if ((long long)jf_utf8_len(s) <= len + leeway)
		return json_incref(input);
	buf_add(&out, s, utf8_offset(s, keep > 0 ? (size_t)keep : 0));
	if (!jinja_truthy(jf_arg(call, 1, "killwords")) && (sp = strrchr(out.buf, ' ')))
		buf_setlen(&out, (size_t)(sp - out.buf));
	buf_addstr(&out, end);
	input = json_stringn(out.buf, out.len);
	buf_release(&out);
	return input;
}

/* One line of wordwrap: words greedily, long words cut at width. */
static void wrap_line(struct buf *out, const char *s, size_t len, long long width, const char *nl)
{
	const char *p = s, *e = s + len, *w;
	long long col = 0, wl;

	while (p < e) {
		while (p < e && *p == ' ')
			p++;
		for (w = p; w < e && *w != ' '; w++)
			;
		wl = (long long)(w - p);
		if (!wl)
			break;
		if (col && col + 1 + wl > width) {
			buf_addstr(out, nl);
			col = 0;
		} else if (col) {
			buf_addch(out, ' ');
			col++;
		}
		while (col + wl > width && width > 0) {
			buf_add(out, p, (size_t)(width - col));
			p += width - col;
			wl -= width - col;
			buf_addstr(out, nl);
			col = 0;
		}
		buf_add(out, p, (size_t)wl);
		col += wl;
		p = w;
	}
}

static json_t *f_wordwrap(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jw = jf_arg(call, 0, "width"), *jnl = jf_arg(call, 2, "wrapstring");
	long long width = json_is_integer(jw) ? json_integer_value(jw) : 79;
	const char *nl = json_is_string(jnl) ? json_string_value(jnl) : "\n";
	struct buf out = BUF_INIT;
	const char *s, *eol;

	if (!json_is_string(input))
		return jf_type_error(err, "wordwrap", "a string", input);
	for (s = json_string_value(input);; s = eol + 1) {
		eol = strchrnul(s, '\n');
		if (s != json_string_value(input))
			buf_addstr(&out, nl);
		wrap_line(&out, s, (size_t)(eol - s), width, nl);
		if (!*eol)
			break;
	}
	input = json_stringn(out.buf, out.len);
	buf_release(&out);
	return input;
}

static json_t *f_escape(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *p;
	json_t *r;

	(void)call;
	(void)err;
	py_str(&s, input);
	for (p = s.buf; *p; p++) {
		switch (*p) {
		case '&':
			buf_addstr(&out, "&amp;");
			break;
		case '<':
			buf_addstr(&out, "&lt;");
			break;
		case '>':
			buf_addstr(&out, "&gt;");
			break;
		case '"':
			buf_addstr(&out, "&#34;");
			break;
		case '\'':
			buf_addstr(&out, "&#39;");
			break;
		default:
			buf_addch(&out, *p);
		}
	}
	r = json_stringn(out.buf, out.len);
	buf_release(&s);
	buf_release(&out);
	return r;
}

static json_t *f_safe(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	(void)err;
	return json_incref(input);
}

static json_t *f_filesizeformat(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
	static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
	int binary = jinja_truthy(jf_arg(call, 0, "binary"));
	double bytes = json_is_string(input) ? atof(json_string_value(input)) : jf_number(input);
	double base = binary ? 1024 : 1000, unit = base;
	struct buf out = BUF_INIT;
	int i;

	(void)err;
	if (bytes == 1)
		buf_addstr(&out, "1 Byte");
	else if (bytes < base)
		buf_addf(&out, "%lld Bytes", (long long)bytes);
	for (i = 0; i < 8 && bytes >= base; i++) {
		unit *= base;
		if (bytes < unit || i == 7) {
			buf_addf(&out, "%.1f %s", base * bytes / unit, (binary ? bin : dec)[i]);
			break;
		}
	}
	input = json_stringn(out.buf, out.len);
	buf_release(&out);
	return input;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static json_t *f_strftime(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jsec = jf_arg(call, 0, "second"), *jutc = jf_arg(call, 1, "utc");
	time_t t = jsec && !json_is_null(jsec) ? (time_t)jf_number(jsec) : time(NULL);
	char tmp[1024];
	struct tm tm;
	size_t n;

	if (json_is_string(jsec))
		t = (time_t)atof(json_string_value(jsec));
	if (!json_is_string(input))
		return jf_type_error(err, "strftime", "a format string", input);
	if (jinja_truthy(jutc))
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	/* The format is the user's, as Python's time.strftime takes it. */
	n = strftime(tmp, sizeof(tmp), json_string_value(input), &tm);
	return json_stringn(tmp, n);
}
#pragma GCC diagnostic pop

static int hex_value(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* A UUID's 16 bytes from its text form; -1 when malformed. */
static int uuid_parse(const char *s, unsigned char out[16])
{
	int n = 0;

	memset(out, 0, 16);
	for (; *s && n < 32; s++) {
		if (*s == '-')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		out[n / 2] = (unsigned char)(out[n / 2] | hex_value((unsigned char)*s)
								  << ((n & 1) ? 0 : 4));
		n++;
	}
	return n == 32 && !*s ? 0 : -1;
}

/* uuid.uuid5: SHA-1 of the namespace and the name, version 5. */
static json_t *f_to_uuid(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jns = jf_arg(call, 0, "namespace");
	const char *ns = json_is_string(jns) ? json_string_value(jns)
					     : "361E6D51-FAEC-444A-9079-341386DA8E2E";
	unsigned char nsb[16], dig[EVP_MAX_MD_SIZE];
	unsigned int dn = 0;
	struct buf s = BUF_INIT, in = BUF_INIT;
	int i;

	if (uuid_parse(ns, nsb) < 0) {
		buf_setf(err, "to_uuid: badly formed namespace '%s'", ns);
		return NULL;
	}
	py_str(&s, input);
	buf_add(&in, nsb, 16);
	buf_add(&in, s.buf, s.len);
	EVP_Digest(in.buf, in.len, dig, &dn, EVP_sha1(), NULL);
	dig[6] = (unsigned char)((dig[6] & 0x0f) | 0x50);
	dig[8] = (unsigned char)((dig[8] & 0x3f) | 0x80);
	buf_reset(&s);
	for (i = 0; i < 16; i++)
		buf_addf(&s, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", dig[i]);
	input = json_string(s.buf);
	buf_release(&s);
	buf_release(&in);
	return input;
}

/* os.path.join: an absolute part starts over. */
static json_t *f_path_join(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf out = BUF_INIT;
	json_t *part;
	size_t i;

	(void)call;
	if (json_is_string(input))
		return json_incref(input);
	if (!json_is_array(input))
		return jf_type_error(err, "path_join", "a list of paths", input);
	json_array_foreach(input, i, part) {
		const char *p = json_string_value(part) ? json_string_value(part) : "";

		if (p[0] == '/')
			buf_reset(&out);
		else if (out.len && out.buf[out.len - 1] != '/')
			buf_addch(&out, '/');
		buf_addstr(&out, p);
	}
	input = json_stringn(out.buf, out.len);
	buf_release(&out);
	return input;
}

static const struct jf_filter fmt_filters[] = {
	{"format", f_format},
	{"truncate", f_truncate},
	{"wordwrap", f_wordwrap},
	{"escape", f_escape},
	{"e", f_escape},
	{"forceescape", f_escape},
	{"safe", f_safe},
	{"filesizeformat", f_filesizeformat},
	{"strftime", f_strftime},
	{"to_uuid", f_to_uuid},
	{"path_join", f_path_join},
};

const struct jf_filter_table jf_fmt_filters = {fmt_filters, ARRAY_SIZE(fmt_filters)};
