/*
 * Conversions (bool, int, float, string, list) and string filters (lower,
 * upper, trim, replace, split, join, ...) with Python's semantics.
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* Ansible's bool: "yes", "on", "1", "true" (any case) and 1 are true. */
static json_t *f_bool(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const char *const yes[] = {"yes", "on", "1", "true"};
	size_t i;

	(void)call;
	(void)err;
	if (json_is_null(input) || json_is_boolean(input))
		return json_incref(input);
	if (json_is_number(input))
		return json_boolean(json_number_value(input) == 1);
	if (!json_is_string(input))
		return json_false();
	for (i = 0; i < ARRAY_SIZE(yes); i++)
		if (!strcasecmp(json_string_value(input), yes[i]))
			return json_true();
	return json_false();
}

/* Python's int(s, base): blanks around, a sign, a 0x/0o/0b prefix, '_' between digits. */
static int parse_int(const char *s, int base, long long *out)
{
	struct buf digits = BUF_INIT;
	const char *p = s;
	char *end;
	int neg = 0, r = -1;

	if (base != 0 && (base < 2 || base > 36))
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && p[1]) {
		int c = tolower((unsigned char)p[1]), b = c == 'x'   ? 16
							  : c == 'o' ? 8
							  : c == 'b' ? 2
								     : 0;

		if (b && (base == b || base == 0)) {
			base = b;
			p += 2;
			if (*p == '_')
				p++;
		}
	}
	if (base == 0)
		base = 10;
	for (; *p && !isspace((unsigned char)*p); p++) {
		if (*p == '_' && isalnum((unsigned char)p[1]) && digits.len)
			continue;
		buf_addch(&digits, *p);
	}
	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	if (digits.len && !*p && isalnum((unsigned char)digits.buf[0])) {
		*out = strtoll(digits.buf, &end, base);
		if (!*end && !errno) {
			*out = neg ? -*out : *out;
			r = 0;
		}
	}
	buf_release(&digits);
	return r;
}

/* Python's float(s). */
static int parse_float(const char *s, double *out)
{
	char *end;
	const char *p;

	for (p = s; *p; p++)
		if (*p == 'x' || *p == 'X' || *p == 'p' || *p == 'P')
			return -1;
	errno = 0;
	*out = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end || errno || !isfinite(*out))
		return -1;
	return 0;
}

static json_t *f_int(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *dflt = jf_arg(call, 0, "default"), *jbase = jf_arg(call, 1, "base");
	int base = jbase ? (int)json_integer_value(jbase) : 10;
	long long i;
	double d;

	(void)err;
	if (json_is_integer(input) || json_is_boolean(input))
		return json_integer((json_int_t)jf_number(input));
	if (json_is_real(input))
		return json_integer((json_int_t)trunc(json_real_value(input)));
	if (json_is_string(input)) {
		if (!parse_int(json_string_value(input), base, &i))
			return json_integer(i);
		if (base == 10 && !parse_float(json_string_value(input), &d))
			return json_integer((json_int_t)trunc(d));
	}
	return dflt ? json_incref(dflt) : json_integer(0);
}

static json_t *f_float(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *dflt = jf_arg(call, 0, "default");
	double d;

	(void)err;
	if (jf_is_number(input))
		return json_real(jf_number(input));
	if (json_is_string(input) && !parse_float(json_string_value(input), &d))
		return json_real(d);
	return dflt ? json_incref(dflt) : json_real(0.0);
}

static json_t *f_string(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf out = BUF_INIT;
	json_t *r;

	(void)call;
	(void)err;
	py_str(&out, input);
	r = json_stringn(out.buf, out.len);
	buf_release(&out);
	return r;
}

static json_t *f_list(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *r = jf_iter(input);

	(void)call;
	if (!r)
		buf_setf(err, "list: '%s' object is not iterable", jf_type_name(input));
	return r;
}

static json_t *f_length(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	if (json_is_string(input))
		return json_integer((json_int_t)jf_utf8_len(json_string_value(input)));
	if (json_is_array(input))
		return json_integer((json_int_t)json_array_size(input));
	if (json_is_object(input))
		return json_integer((json_int_t)json_object_size(input));
	buf_setf(err, "object of type '%s' has no len()", jf_type_name(input));
	return NULL;
}

static json_t *f_abs(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	if (json_is_integer(input) || json_is_boolean(input))
		return json_integer(llabs((long long)jf_number(input)));
	if (json_is_real(input))
		return json_real(fabs(json_real_value(input)));
	buf_setf(err, "bad operand type for abs(): '%s'", jf_type_name(input));
	return NULL;
}

/* Jinja's round: 'common' is Python's round() (ties to even on the exact binary value). */
static json_t *f_round(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jp = jf_arg(call, 0, "precision"), *jm = jf_arg(call, 1, "method");
	const char *method = jm ? json_string_value(jm) : "common";
	int prec = jp ? (int)json_integer_value(jp) : 0;
	double x = jf_number(input), scale = pow(10, prec);
	char tmp[400];

	if (!jf_is_number(input))
		return jf_type_error(err, "round", "a number", input);
	if (!method ||
	    (strcmp(method, "common") && strcmp(method, "floor") && strcmp(method, "ceil"))) {
		buf_setf(err, "method must be common, ceil or floor");
		return NULL;
	}
	if (!strcmp(method, "floor"))
		return json_real(floor(x * scale) / scale);
	if (!strcmp(method, "ceil"))
		return json_real(ceil(x * scale) / scale);
	if (json_is_integer(input))
		return json_incref(input);
	if (prec < 0 || prec > 300)
		return json_real(round(x * scale) / scale);
	snprintf(tmp, sizeof(tmp), "%.*f", prec, x);
	return json_real(strtod(tmp, NULL));
}

/* ---- strings ---- */

static json_t *want_str(json_t *input, const char *filter, struct buf *err)
{
	if (json_is_string(input))
		return input;
	buf_setf(err, "%s: expected a string, got %s", filter, jf_type_name(input));
	return NULL;
}

/* Applies a byte mapping to an (ASCII-cased) copy of the string. */
static json_t *map_chars(json_t *input, int (*fn)(int c, int first))
{
	char *s = xstrdup(json_string_value(input));
	int first = 1;
	size_t i;
	json_t *r;

	for (i = 0; s[i]; i++) {
		s[i] = (char)fn((unsigned char)s[i], first);
		/* Jinja's title starts words after blanks, '-' and brackets only. */
		first = s[i] && strchr(" \t\n\r\f\v-[](){}<>", s[i]) != NULL;
	}
	r = json_string(s);
	free(s);
	return r;
}

static int ch_lower(int c, int first)
{
	(void)first;
	return tolower(c);
}

static int ch_upper(int c, int first)
{
	(void)first;
	return toupper(c);
}

static int ch_title(int c, int first)
{
	return first ? toupper(c) : tolower(c);
}

static json_t *f_lower(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *s = json_is_string(input) ? input : NULL;
	json_t *r;

	(void)call;
	(void)err;
	if (s)
		return map_chars(s, ch_lower);
	s = f_string(input, call, err);
	r = map_chars(s, ch_lower);
	json_decref(s);
	return r;
}

static json_t *f_upper(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *s = f_string(input, call, err), *r = map_chars(s, ch_upper);

	json_decref(s);
	return r;
}

static json_t *f_title(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *s = f_string(input, call, err), *r = map_chars(s, ch_title);

	json_decref(s);
	return r;
}

static json_t *f_capitalize(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *s = f_string(input, call, err), *r = map_chars(s, ch_lower);
	char *t = xstrdup(json_string_value(r));

	t[0] = (char)toupper((unsigned char)t[0]);
	json_decref(s);
	json_decref(r);
	r = json_string(t);
	free(t);
	return r;
}

static json_t *trim_text(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jchars = jf_arg(call, 0, "chars");
	const char *chars = json_is_string(jchars) ? json_string_value(jchars) : " \t\n\r\f\v";
	const char *s, *e;

	(void)err;
	s = json_string_value(input);
	e = s + strlen(s);
	while (*s && strchr(chars, *s))
		s++;
	while (e > s && strchr(chars, e[-1]))
		e--;
	return json_stringn(s, (size_t)(e - s));
}

/* Python's str.replace with an empty old string: new before every character and at the end. */
static void replace_empty(struct buf *out, const char *s, const char *new, long long count)
{
	size_t n;

	for (; *s; s += n) {
		if (count-- != 0)
			buf_addstr(out, new);
		for (n = 1; ((unsigned char)s[n] & 0xc0) == 0x80; n++)
			;
		buf_add(out, s, n);
	}
	if (count != 0)
		buf_addstr(out, new);
}

static json_t *f_replace(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jold = jf_arg(call, 0, "old"), *jnew = jf_arg(call, 1, "new");
	json_t *jcount = jf_arg(call, 2, "count");
	long long count = jcount ? json_integer_value(jcount) : -1;
	struct buf out = BUF_INIT, tmp = BUF_INIT, told = BUF_INIT, tnew = BUF_INIT;
	const char *s, *old, *hit;
	json_t *r;

	if (!jold || !jnew) {
		buf_setf(err, "replace: expects the old and the new text");
		return NULL;
	}
	py_str(&tmp, input);
	py_str(&told, jold);
	py_str(&tnew, jnew);
	s = tmp.buf;
	old = told.buf;
	if (!*old) {
		replace_empty(&out, s, tnew.buf, count);
	} else {
		while (count-- != 0 && (hit = strstr(s, old))) {
			buf_add(&out, s, (size_t)(hit - s));
			buf_addstr(&out, tnew.buf);
			s = hit + strlen(old);
		}
		buf_addstr(&out, s);
	}
	r = json_stringn(out.buf, out.len);
	buf_release(&out);
	buf_release(&tmp);
	buf_release(&told);
	buf_release(&tnew);
	return r;
}

/* str.split() without a separator: runs of blanks separate, none at the ends. */
static void split_blank(json_t *out, const char *s, long long max)
{
	const char *e;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return;
		if (max-- == 0) {
			e = s + strlen(s);
			while (isspace((unsigned char)e[-1]))
				e--;
			json_array_append_new(out, json_stringn(s, (size_t)(e - s)));
			return;
		}
		for (e = s; *e && !isspace((unsigned char)*e); e++)
			;
		json_array_append_new(out, json_stringn(s, (size_t)(e - s)));
		s = e;
	}
}

static json_t *f_split(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jsep = jf_arg(call, 0, "sep"), *jmax = jf_arg(call, 1, "maxsplit");
	long long max = json_is_integer(jmax) ? json_integer_value(jmax) : -1;
	const char *s, *sep, *hit;
	json_t *out;

	if (!want_str(input, "split", err))
		return NULL;
	out = json_array();
	s = json_string_value(input);
	if (!json_is_string(jsep)) {
		split_blank(out, s, max);
		return out;
	}
	sep = json_string_value(jsep);
	if (!*sep) {
		json_decref(out);
		buf_setf(err, "split: empty separator");
		return NULL;
	}
	while (max-- != 0 && (hit = strstr(s, sep))) {
		json_array_append_new(out, json_stringn(s, (size_t)(hit - s)));
		s = hit + strlen(sep);
	}
	json_array_append_new(out, json_string(s));
	return out;
}

static json_t *f_join(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jsep = jf_arg(call, 0, "d"), *jattr = jf_arg(call, 1, "attribute");
	json_t *items = jf_iter(input), *x;
	struct buf out = BUF_INIT;
	size_t i;

	if (!items)
		return jf_type_error(err, "join", "a list", input);
	json_array_foreach(items, i, x) {
		if (i && json_is_string(jsep))
			buf_addstr(&out, json_string_value(jsep));
		if (json_is_string(jattr))
			x = jf_attr(x, json_string_value(jattr));
		if (x)
			py_str(&out, x);
	}
	json_decref(items);
	x = json_stringn(out.buf, out.len);
	buf_release(&out);
	return x;
}

static json_t *wordcount_text(json_t *input, const struct jinja_call *call, struct buf *err)
{
	const char *s;
	int n = 0;

	(void)err;
	(void)call;
	for (s = json_string_value(input); *s;) {
		while (*s && !isalnum((unsigned char)*s) && *s != '_' &&
		       !((unsigned char)*s & 0x80))
			s++;
		if (!*s)
			break;
		n++;
		while (*s &&
		       (isalnum((unsigned char)*s) || *s == '_' || ((unsigned char)*s & 0x80)))
			s++;
	}
	return json_integer(n);
}

static json_t *center_text(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jw = jf_arg(call, 0, "width");
	long long width = jw ? json_integer_value(jw) : 80;
	struct buf out = BUF_INIT;
	size_t len;
	long long pad, left;
	json_t *r;

	(void)err;
	len = jf_utf8_len(json_string_value(input));
	pad = width > (long long)len ? width - (long long)len : 0;
	/* Python puts the odd space on the left when the width is odd. */
	left = pad / 2 + (pad & width & 1);
	for (long long i = 0; i < left; i++)
		buf_addch(&out, ' ');
	buf_addstr(&out, json_string_value(input));
	for (long long i = left; i < pad; i++)
		buf_addch(&out, ' ');
	r = json_string(out.buf);
	buf_release(&out);
	return r;
}

/* Jinja's string filters take str() of any value. */
static json_t *with_text(json_t *input, const struct jinja_call *call, struct buf *err,
			 jinja_filter_fn fn)
{
	json_t *text = json_is_string(input) ? json_incref(input) : f_string(input, call, err);
	json_t *r = fn(text, call, err);

	json_decref(text);
	return r;
}

static json_t *f_trim(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return with_text(input, call, err, trim_text);
}

static json_t *f_wordcount(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return with_text(input, call, err, wordcount_text);
}

static json_t *f_center(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return with_text(input, call, err, center_text);
}

static const struct jf_filter str_filters[] = {
	{"bool", f_bool},
	{"int", f_int},
	{"float", f_float},
	{"string", f_string},
	{"list", f_list},
	{"length", f_length},
	{"count", f_length},
	{"abs", f_abs},
	{"round", f_round},
	{"lower", f_lower},
	{"upper", f_upper},
	{"title", f_title},
	{"capitalize", f_capitalize},
	{"trim", f_trim},
	{"replace", f_replace},
	{"split", f_split},
	{"join", f_join},
	{"wordcount", f_wordcount},
	{"center", f_center},
};

const struct jf_filter_table jf_str_filters = {str_filters, ARRAY_SIZE(str_filters)};
