/*
 * Python's text forms: repr()/str() and json.dumps() of JSON values, and a
 * reader for the subset of ast.literal_eval() that maps onto JSON.
 */
#include "pytext.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* float.__repr__: shortest round-tripping digits, fixed for 1e-4 <= |x| < 1e16. */
static void py_float(struct buf *out, double d)
{
	char tmp[40], digits[20];
	int p, exp, nd = 0, i;
	char *e;

	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	for (i = (tmp[0] == '-'); tmp + i < e; i++)
		if (isdigit((unsigned char)tmp[i]))
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (d < 0)
		buf_addch(out, '-');
	if (exp < -4 || exp >= 16) {
		buf_addch(out, digits[0]);
		if (nd > 1) {
			buf_addch(out, '.');
			buf_add(out, digits + 1, nd - 1);
		}
		buf_addf(out, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
		return;
	}
	if (exp < 0) {
		buf_addstr(out, "0.");
		for (i = -1; i > exp; i--)
			buf_addch(out, '0');
		buf_add(out, digits, nd);
		return;
	}
	for (i = 0; i <= exp || i < nd; i++) {
		if (i == exp + 1)
			buf_addch(out, '.');
		buf_addch(out, i < nd ? digits[i] : '0');
	}
	if (nd <= exp + 1)
		buf_addstr(out, ".0");
}

static void py_repr_string(struct buf *out, const char *s)
{
	char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';

	buf_addch(out, q);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\\' || c == (unsigned char)q)
			buf_addf(out, "\\%c", c);
		else if (c == '\n')
			buf_addstr(out, "\\n");
		else if (c == '\r')
			buf_addstr(out, "\\r");
		else if (c == '\t')
			buf_addstr(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(out, "\\x%02x", c);
		else
			buf_addch(out, c);
	}
	buf_addch(out, q);
}

static void py_repr(struct buf *out, const json_t *v);

static void py_repr_object(struct buf *out, const json_t *v)
{
	const char *k;
	json_t *x;
	int first = 1;

	buf_addch(out, '{');
	json_object_foreach((json_t *)v, k, x) {
		if (!first)
			buf_addstr(out, ", ");
		first = 0;
		py_repr_string(out, k);
		buf_addstr(out, ": ");
		py_repr(out, x);
	}
	buf_addch(out, '}');
}

static void py_repr(struct buf *out, const json_t *v)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		py_repr_object(out, v);
		break;
	case JSON_ARRAY:
		buf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_addstr(out, ", ");
			py_repr(out, json_array_get(v, i));
		}
		buf_addch(out, ']');
		break;
	case JSON_STRING:
		py_repr_string(out, json_string_value(v));
		break;
	case JSON_INTEGER:
		buf_addf(out, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		py_float(out, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_addstr(out, "True");
		break;
	case JSON_FALSE:
		buf_addstr(out, "False");
		break;
	case JSON_NULL:
		buf_addstr(out, "None");
		break;
	}
}

void py_str(struct buf *out, const json_t *v)
{
	if (json_is_string(v))
		buf_addstr(out, json_string_value(v));
	else
		py_repr(out, v);
}

static void json_string_out(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c == '\n')
			buf_addstr(out, "\\n");
		else if (c == '\r')
			buf_addstr(out, "\\r");
		else if (c == '\t')
			buf_addstr(out, "\\t");
		else if (c == '\b')
			buf_addstr(out, "\\b");
		else if (c == '\f')
			buf_addstr(out, "\\f");
		else if (c < 0x20)
			buf_addf(out, "\\u%04x", c);
		else
			buf_addch(out, c);
	}
	buf_addch(out, '"');
}

static void newline_indent(struct buf *out, int depth)
{
	buf_addch(out, '\n');
	buf_addf(out, "%*s", depth * 4, "");
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void dump(struct buf *out, const json_t *v, int depth);

static void dump_object(struct buf *out, const json_t *v, int depth)
{
	const char **keys = xcalloc(json_object_size(v) + 1, sizeof(*keys));
	const char *k;
	json_t *x;
	size_t n = 0, i;

	json_object_foreach((json_t *)v, k, x)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), key_cmp);
	buf_addch(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(out, ',');
		newline_indent(out, depth + 1);
		json_string_out(out, keys[i]);
		buf_addstr(out, ": ");
		dump(out, json_object_get(v, keys[i]), depth + 1);
	}
	if (n)
		newline_indent(out, depth);
	buf_addch(out, '}');
	free(keys);
}

static void dump(struct buf *out, const json_t *v, int depth)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		dump_object(out, v, depth);
		return;
	case JSON_ARRAY:
		buf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_addch(out, ',');
			newline_indent(out, depth + 1);
			dump(out, json_array_get(v, i), depth + 1);
		}
		if (i)
			newline_indent(out, depth);
		buf_addch(out, ']');
		return;
	case JSON_STRING:
		json_string_out(out, json_string_value(v));
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		buf_addstr(out, json_is_true(v) ? "true" : "false");
		return;
	case JSON_NULL:
		buf_addstr(out, "null");
		return;
	default:
		py_repr(out, v);
	}
}

void py_json_dump(struct buf *out, const json_t *v)
{
	dump(out, v, 0);
}

/* ---- ast.literal_eval ---- */

struct lit {
	const char *p;
};

static json_t *lit_value(struct lit *l, int depth);

static void lit_space(struct lit *l)
{
	while (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r')
		l->p++;
}

static int lit_word(struct lit *l, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(l->p, w, n) || isalnum((unsigned char)l->p[n]) || l->p[n] == '_')
		return 0;
	l->p += n;
	return 1;
}

/* Digits with single underscores between them, from set; returns count. */
static size_t digits(const char *s, const char *set)
{
	size_t n = 0;

	while (strchr(set, s[n]) && s[n]) {
		n++;
		if (s[n] == '_' && s[n + 1] && strchr(set, s[n + 1]))
			n++;
	}
	return n;
}

static json_t *lit_number_clean(const char *s, size_t n, int base, int is_float)
{
	char *c = xmalloc(n + 1), *q = c, *end;
	json_t *v;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '_')
			*q++ = s[i];
	*q = '\0';
	if (is_float)
		v = json_real(strtod(c, &end));
	else
		v = json_integer(strtoll(c, &end, base));
	free(c);
	return v;
}

static json_t *lit_radix(struct lit *l, int base, const char *set)
{
	const char *s = l->p + 2;
	size_t n = (*s == '_') ? 1 + digits(s + 1, set) : digits(s, set);

	if (n == 0 || (*s == '_' && n == 1))
		return NULL;
	l->p = s + n;
	return lit_number_clean(s, n, base, 0);
}

static json_t *lit_number(struct lit *l)
{
	const char *s = l->p, *q;
	size_t n = digits(s, "0123456789");
	int is_float = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return lit_radix(l, 16, "0123456789abcdefABCDEF");
	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		return lit_radix(l, 8, "01234567");
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return lit_radix(l, 2, "01");
	q = s + n;
	if (*q == '.') {
		is_float = 1;
		q += 1 + digits(q + 1, "0123456789");
	}
	if (n == 0 && q == s + 1)
		return NULL;
	if (*q == 'e' || *q == 'E') {
		const char *e = q + 1 + (q[1] == '+' || q[1] == '-');
		size_t en = digits(e, "0123456789");

		if (!en)
			return NULL;
		is_float = 1;
		q = e + en;
	}
	if (!is_float && n > 1 && s[0] == '0' && strspn(s, "0_") < n)
		return NULL; /* 010: leading zeros are a SyntaxError */
	if (*q == 'j' || *q == 'J' || isalnum((unsigned char)*q) || *q == '_')
		return NULL;
	l->p = q;
	return lit_number_clean(s, q - s, 10, is_float);
}

static int lit_escape(const char **pp, struct buf *out, int raw)
{
	const char *p = *pp;
	unsigned long cp;
	int n = 0, len;

	if (raw) {
		buf_addch(out, '\\');
		buf_addch(out, *p);
		*pp = p + 1;
		return 0;
	}
	switch (*p) {
	case 'n': buf_addch(out, '\n'); break;
	case 't': buf_addch(out, '\t'); break;
	case 'r': buf_addch(out, '\r'); break;
	case 'a': buf_addch(out, '\a'); break;
	case 'b': buf_addch(out, '\b'); break;
	case 'f': buf_addch(out, '\f'); break;
	case 'v': buf_addch(out, '\v'); break;
	case '\n': break;
	case '\\': case '\'': case '"': buf_addch(out, *p); break;
	case 'x': n = 2; break;
	case 'u': n = 4; break;
	case 'U': n = 8; break;
	case 'N': return -1;
	default:
		if (*p >= '0' && *p <= '7') {
			for (cp = 0, len = 0; len < 3 && p[len] >= '0' && p[len] <= '7'; len++)
				cp = cp * 8 + (unsigned long)(p[len] - '0');
			buf_addch(out, (int)cp);
			*pp = p + len;
			return 0;
		}
		buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	if (n) {
		char hex[9] = "";

		for (len = 0; len < n; len++) {
			if (!isxdigit((unsigned char)p[1 + len]))
				return -1;
			hex[len] = p[1 + len];
		}
		cp = strtoul(hex, NULL, 16);
		if (cp < 0x80) {
			buf_addch(out, (int)cp);
		} else if (cp < 0x800) {
			buf_addch(out, 0xc0 | (cp >> 6));
			buf_addch(out, 0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			buf_addch(out, 0xe0 | (cp >> 12));
			buf_addch(out, 0x80 | ((cp >> 6) & 0x3f));
			buf_addch(out, 0x80 | (cp & 0x3f));
		} else if (cp < 0x110000) {
			buf_addch(out, 0xf0 | (cp >> 18));
			buf_addch(out, 0x80 | ((cp >> 12) & 0x3f));
			buf_addch(out, 0x80 | ((cp >> 6) & 0x3f));
			buf_addch(out, 0x80 | (cp & 0x3f));
		} else {
			return -1;
		}
		p += n;
	}
	*pp = p + 1;
	return 0;
}

/* One quoted piece, after any prefix; appended to out. */
static int lit_quoted(struct lit *l, struct buf *out, int raw)
{
	const char *p = l->p;
	char q = *p;
	int triple = (p[1] == q && p[2] == q);

	p += triple ? 3 : 1;
	for (;;) {
		if (!*p || (!triple && *p == '\n'))
			return -1;
		if (*p == q && (!triple || (p[1] == q && p[2] == q)))
			break;
		if (*p == '\\' && p[1]) {
			p++;
			if (lit_escape(&p, out, raw) < 0)
				return -1;
			continue;
		}
		buf_addch(out, *p++);
	}
	l->p = p + (triple ? 3 : 1);
	return 0;
}

static int lit_prefix(struct lit *l, int *raw)
{
	const char *p = l->p;
	size_t n = strspn(p, "rRbBuU");

	if (n > 2 || (p[n] != '\'' && p[n] != '"'))
		return -1;
	*raw = memchr(p, 'r', n) || memchr(p, 'R', n);
	l->p = p + n;
	return 0;
}

static json_t *lit_string(struct lit *l)
{
	struct buf s = BUF_INIT;
	json_t *v = NULL;
	int raw;

	do {
		if (lit_prefix(l, &raw) < 0 || lit_quoted(l, &s, raw) < 0)
			goto out;
		lit_space(l);
	} while (*l->p == '\'' || *l->p == '"' || strspn(l->p, "rRbBuU"));
	v = json_stringn(s.buf, s.len);
out:
	buf_release(&s);
	return v;
}

/* Elements up to close; *is_tuple says a comma was seen. */
static json_t *lit_seq(struct lit *l, char close, int depth, int *saw_comma)
{
	json_t *arr = json_array(), *v;

	*saw_comma = 0;
	for (;;) {
		lit_space(l);
		if (*l->p == close)
			break;
		if (!(v = lit_value(l, depth + 1)))
			goto bad;
		json_array_append_new(arr, v);
		lit_space(l);
		if (*l->p == ',') {
			*saw_comma = 1;
			l->p++;
		} else if (*l->p != close) {
			goto bad;
		}
	}
	l->p++;
	return arr;
bad:
	json_decref(arr);
	return NULL;
}

static char *lit_key(json_t *k)
{
	struct buf b = BUF_INIT;

	if (json_is_string(k))
		return xstrdup(json_string_value(k));
	if (json_is_object(k) || json_is_array(k))
		return NULL;
	if (json_is_boolean(k) || json_is_null(k))
		return xstrdup(json_is_null(k) ? "null" : json_is_true(k) ? "true" : "false");
	py_repr(&b, k);
	return buf_detach(&b, NULL);
}

static int lit_dict_rest(struct lit *l, json_t *obj, json_t *key, int depth)
{
	json_t *v;
	char *ks;

	for (;;) {
		l->p++; /* the ':' */
		if (!(v = lit_value(l, depth + 1)) || !(ks = lit_key(key))) {
			json_decref(v);
			json_decref(key);
			return -1;
		}
		json_object_set_new(obj, ks, v);
		free(ks);
		json_decref(key);
		lit_space(l);
		if (*l->p == ',')
			l->p++;
		lit_space(l);
		if (*l->p == '}') {
			l->p++;
			return 0;
		}
		if (!(key = lit_value(l, depth + 1)))
			return -1;
		lit_space(l);
		if (*l->p != ':') {
			json_decref(key);
			return -1;
		}
	}
}

/* {} dict, {a: b} dict, {a, b} set (an array here). */
static json_t *lit_brace(struct lit *l, int depth)
{
	json_t *obj, *first, *rest;
	int comma;

	l->p++;
	lit_space(l);
	if (*l->p == '}') {
		l->p++;
		return json_object();
	}
	if (!(first = lit_value(l, depth + 1)))
		return NULL;
	lit_space(l);
	if (*l->p == ':') {
		obj = json_object();
		if (lit_dict_rest(l, obj, first, depth) == 0)
			return obj;
		json_decref(obj);
		return NULL;
	}
	if (*l->p == ',')
		l->p++;
	else if (*l->p != '}')
		return json_decref(first), NULL;
	if (!(rest = lit_seq(l, '}', depth, &comma)))
		return json_decref(first), NULL;
	json_array_insert_new(rest, 0, first);
	return rest;
}

static json_t *lit_paren(struct lit *l, int depth)
{
	json_t *arr;
	int comma;

	l->p++;
	if (!(arr = lit_seq(l, ')', depth, &comma)))
		return NULL;
	if (json_array_size(arr) == 1 && !comma) {
		json_t *v = json_incref(json_array_get(arr, 0));

		json_decref(arr);
		return v;
	}
	return arr;
}

static json_t *lit_value(struct lit *l, int depth)
{
	char c;
	int comma;

	lit_space(l);
	c = *l->p;
	if (depth > 100)
		return NULL;
	if (c == '[')
		return l->p++, lit_seq(l, ']', depth, &comma);
	if (c == '(')
		return lit_paren(l, depth);
	if (c == '{')
		return lit_brace(l, depth);
	if (c == '-' || c == '+') {
		json_t *v;

		l->p++;
		lit_space(l);
		if (!isdigit((unsigned char)*l->p) && *l->p != '.')
			return NULL;
		if (!(v = lit_number(l)) || c == '+')
			return v;
		if (json_is_integer(v))
			json_integer_set(v, -json_integer_value(v));
		else
			json_real_set(v, -json_real_value(v));
		return v;
	}
	if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)l->p[1])))
		return lit_number(l);
	if (lit_word(l, "True"))
		return json_true();
	if (lit_word(l, "False"))
		return json_false();
	if (lit_word(l, "None"))
		return json_null();
	return lit_string(l);
}

json_t *py_literal(const char *s)
{
	struct lit l = { s };
	json_t *v;

	while (*l.p == ' ' || *l.p == '\t')
		l.p++;
	if (!(v = lit_value(&l, 0)))
		return NULL;
	lit_space(&l);
	if (*l.p) {
		json_decref(v);
		return NULL;
	}
	return v;
}
