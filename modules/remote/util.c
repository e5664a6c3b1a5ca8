/* drover-remote: buffers, the JSON writer and the argument reader. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"
#include "../../include/banned.h"

int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

void *xrealloc_or_abort(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *xstrndup_or_abort(const char *s, size_t n)
{
	char *d = xrealloc_or_abort(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void out_grow(struct out *o, size_t n)
{
	if (o->len + n + 1 <= o->alloc)
		return;
	o->alloc = (o->len + n + 1) * 3 / 2 + 64;
	o->buf = xrealloc_or_abort(o->buf, o->alloc);
}

void out_add(struct out *o, const char *s, size_t n)
{
	out_grow(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

void out_addf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	out_grow(o, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void out_b64(struct out *o, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = tab[s[i] >> 2];
		q[1] = tab[(s[i] & 3) << 4 | s[i + 1] >> 4];
		q[2] = tab[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		q[3] = tab[s[i + 2] & 63];
		out_add(o, q, 4);
	}
	if (i < n) {
		q[0] = tab[s[i] >> 2];
		q[1] = tab[(s[i] & 3) << 4 | (i + 1 < n ? s[i + 1] >> 4 : 0)];
		q[2] = i + 1 < n ? tab[(s[i + 1] & 15) << 2] : '=';
		q[3] = '=';
		out_add(o, q, 4);
	}
}

void out_release(struct out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->alloc = 0;
}

/*
 * How many continuation bytes follow the lead byte at s (0 if it is no
 * valid sequence), by the same rule as _lib.sh's awk: a lead of C2..F4
 * and that many bytes of 80..BF.
 */
static size_t utf8_tail(const unsigned char *s, size_t n)
{
	size_t m = 0, k;

	if (s[0] >= 194 && s[0] <= 223)
		m = 1;
	else if (s[0] >= 224 && s[0] <= 239)
		m = 2;
	else if (s[0] >= 240 && s[0] <= 244)
		m = 3;

	for (k = 1; k <= m; k++)
		if (k >= n || s[k] < 128 || s[k] > 191)
			return 0;
	return m;
}

void out_json_str(struct out *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, m;

	out_add(o, "\"", 1);
	for (i = 0; i < n; i++) {
		if (u[i] == '"' || u[i] == '\\') {
			out_add(o, "\\", 1);
			out_add(o, s + i, 1);
		} else if (u[i] == '\n') {
			out_add(o, "\\n", 2);
		} else if (u[i] < 32 || u[i] == 127) {
			out_addf(o, "\\u%04x", u[i]);
		} else if (u[i] < 128) {
			out_add(o, s + i, 1);
		} else if ((m = utf8_tail(u + i, n - i))) {
			out_add(o, s + i, m + 1);
			i += m;
		} else {
			out_add(o, "\\ufffd", 6);
		}
	}
	out_add(o, "\"", 1);
}

/* One 'quoted'\''word' as sh_quote_buf writes it, or a bare word; p moves past it. */
static int parse_value(const char **p, const char *end, struct out *v)
{
	const char *s = *p;

	if (s < end && *s != '\'') {
		while (s < end && *s != '\n')
			s++;
		out_add(v, *p, (size_t)(s - *p));
	}
	while (s < end && *s == '\'') {
		const char *q = memchr(s + 1, '\'', (size_t)(end - s - 1));

		if (!q)
			return -1;
		out_add(v, s + 1, (size_t)(q - s - 1));
		s = q + 1;
		if (end - s >= 3 && !memcmp(s, "\\''", 3)) {
			out_add(v, "'", 1);
			s += 2;
		}
	}
	*p = s;
	return 0;
}

static void args_push(struct args *a, char *name, char *value)
{
	if (a->nr == a->alloc) {
		a->alloc = a->alloc * 2 + 16;
		a->names = xrealloc_or_abort(a->names, a->alloc * sizeof(*a->names));
		a->values = xrealloc_or_abort(a->values, a->alloc * sizeof(*a->values));
	}
	a->names[a->nr] = name;
	a->values[a->nr++] = value;
}

int args_parse(struct args *a, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *eq;
	struct out v = { 0 };
	char *name;
	int r = -1;

	while (p < end) {
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq == p || memchr(p, '\n', (size_t)(eq - p)))
			goto out;
		name = xstrndup_or_abort(p, (size_t)(eq - p));
		v.len = 0;
		out_add(&v, "", 0);
		p = eq + 1;
		if (parse_value(&p, end, &v) < 0 || p >= end || *p != '\n') {
			free(name);
			goto out;
		}
		args_push(a, name, xstrndup_or_abort(v.buf, v.len));
		p++;
	}
	r = 0;
out:
	out_release(&v);
	return r;
}

void args_release(struct args *a)
{
	size_t i;

	for (i = 0; i < a->nr; i++) {
		free(a->names[i]);
		free(a->values[i]);
	}
	free(a->names);
	free(a->values);
	memset(a, 0, sizeof(*a));
}

const char *arg(const struct args *a, const char *name, const char *def)
{
	size_t i;

	for (i = a->nr; i-- > 0;)
		if (!strcmp(a->names[i], name))
			return a->values[i];
	return def;
}

int arg_true(const struct args *a, const char *name)
{
	return !strcmp(arg(a, name, ""), "true");
}
