/*
 * The template lexer: text and tags with Jinja's whitespace control
 * ({%- -%} {{- -}} {#- -#}), trim_blocks (the newline after %} or #} goes),
 * {% raw %} blocks, and the tokens of expressions inside tags.
 */
#include "jinja_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct jarena_chunk {
	struct jarena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define JARENA_CHUNK 8192

void *jarena_alloc(struct jarena *a, size_t n)
{
	struct jarena_chunk *c = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (!c || c->size - c->used < n) {
		size_t size = n > JARENA_CHUNK ? n : JARENA_CHUNK;

		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *jarena_strndup(struct jarena *a, const char *s, size_t n)
{
	char *p = jarena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void jarena_release(struct jarena *a)
{
	struct jarena_chunk *c, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

int jsyntax_error(struct buf *err, const char *src, size_t pos, const char *fmt, ...)
{
	size_t i, line = 1, col = 1;
	va_list ap;

	for (i = 0; i < pos && src[i]; i++) {
		if (src[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	buf_setf(err, "template error while templating string: ");
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	buf_addf(err, " (line %zu, column %zu)", line, col);
	return -1;
}

struct lexer {
	const char *src;
	size_t len, pos;
	int flags;
	struct jarena *arena;
	struct jtoken *toks;
	size_t n, alloc;
	struct buf *err;
	int lstrip_next; /* a -}} asked to strip the next text's leading whitespace */
	int in_var;	 /* inside {{ }} (where backslashes may stay as written) */
};

static struct jtoken *lex_push(struct lexer *L, enum jtok type, size_t pos)
{
	struct jtoken *t;

	ALLOC_GROW(L->toks, L->n + 1, L->alloc);
	t = &L->toks[L->n++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->pos = pos;
	return t;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void lex_data(struct lexer *L, size_t from, size_t to, int rstrip)
{
	struct jtoken *t;

	if (L->lstrip_next)
		while (from < to && is_space(L->src[from]))
			from++;
	L->lstrip_next = 0;
	if (rstrip)
		while (to > from && is_space(L->src[to - 1]))
			to--;
	if (to == from)
		return;
	t = lex_push(L, JT_DATA, from);
	t->str = L->src + from;
	t->len = to - from;
}

/* The next "{{", "{%" or "{#" at or after from, or NULL. */
static const char *lex_find_open(const struct lexer *L, size_t from)
{
	const char *p = L->src + from, *end = L->src + L->len;

	while (p + 1 < end) {
		p = memchr(p, '{', (size_t)(end - p) - 1);
		if (!p)
			return NULL;
		if (p[1] == '{' || p[1] == '%' || p[1] == '#')
			return p;
		p++;
	}
	return NULL;
}

/* After a block or comment end: -X} strips what follows, else trim_blocks. */
static void lex_after_end(struct lexer *L, int dash, int plus)
{
	if (dash)
		L->lstrip_next = 1;
	else if (!plus && L->pos < L->len && L->src[L->pos] == '\n')
		L->pos++;
	else if (!plus && L->pos + 1 < L->len && L->src[L->pos] == '\r' &&
		 L->src[L->pos + 1] == '\n')
		L->pos += 2;
}

static int lex_comment(struct lexer *L)
{
	size_t start = L->pos;
	const char *end = NULL, *p = L->src + start + 2, *stop = L->src + L->len;

	while (p + 1 < stop && !end) {
		if (p[0] == '#' && p[1] == '}')
			end = p;
		p++;
	}
	if (!end)
		return jsyntax_error(L->err, L->src, start, "missing end of comment tag");
	L->pos = (size_t)(end - L->src) + 2;
	lex_after_end(L, end > L->src + start + 2 && end[-1] == '-', end[-1] == '+');
	return 0;
}

/* Matches "{%[-+] WORD [-+]%}" at p: returns the length, 0 if not; *dash_end for -%}. */
static size_t lex_match_tag(const char *p, const char *end, const char *word, int *dash_begin,
			    int *dash_end)
{
	const char *q = p + 2;
	size_t wl = strlen(word);

	if (end - p < 4 || p[0] != '{' || p[1] != '%')
		return 0;
	*dash_begin = (q < end && *q == '-');
	if (q < end && (*q == '-' || *q == '+'))
		q++;
	while (q < end && is_space(*q))
		q++;
	if ((size_t)(end - q) < wl || memcmp(q, word, wl))
		return 0;
	q += wl;
	if (q < end && !is_space(*q) && *q != '-' && *q != '%' && *q != '+')
		return 0;
	while (q < end && is_space(*q))
		q++;
	*dash_end = (q < end && *q == '-');
	if (q < end && (*q == '-' || *q == '+'))
		q++;
	if (end - q < 2 || q[0] != '%' || q[1] != '}')
		return 0;
	return (size_t)(q + 2 - p);
}

/* {% raw %}...{% endraw %}: the inside is text, whatever it holds. */
static int lex_raw(struct lexer *L, size_t taglen, int dash_end)
{
	const char *end = L->src + L->len;
	size_t start = L->pos, body = L->pos + taglen, m = 0;
	const char *p = L->src + body;
	int db = 0, de = 0;

	L->lstrip_next = dash_end;
	for (; (p = lex_find_open(L, (size_t)(p - L->src))) != NULL; p++) {
		m = lex_match_tag(p, end, "endraw", &db, &de);
		if (m)
			break;
	}
	if (!p)
		return jsyntax_error(L->err, L->src, start, "missing end of raw directive");
	lex_data(L, body, (size_t)(p - L->src), db);
	L->pos = (size_t)(p - L->src) + m;
	lex_after_end(L, de, p[m - 3] == '+');
	return 0;
}

static int lex_string(struct lexer *L, struct jtoken *t);
static int lex_number(struct lexer *L, struct jtoken *t);

static int lex_name_or_op(struct lexer *L, struct jtoken *t, int *depth)
{
	static const char *const ops2[] = {"//", "**", "==", "!=", "<=", ">="};
	const char *p = L->src + L->pos;
	size_t i, n = 0;

	if (isalpha((unsigned char)*p) || *p == '_') {
		while (L->pos + n < L->len && (isalnum((unsigned char)p[n]) || p[n] == '_'))
			n++;
		t->type = JT_NAME;
		t->str = jarena_strndup(L->arena, p, n);
		t->len = n;
		L->pos += n;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ops2); i++)
		if (L->pos + 1 < L->len && !memcmp(p, ops2[i], 2))
			n = 2;
	if (!n && strchr("+-*/%~()[]{},.:|=<>", *p))
		n = 1;
	if (!n)
		return jsyntax_error(L->err, L->src, L->pos, "unexpected char '%c'", *p);
	if (n == 1 && strchr("([{", *p))
		(*depth)++;
	if (n == 1 && strchr(")]}", *p) && *depth > 0)
		(*depth)--;
	t->type = JT_OP;
	memcpy(t->op, p, n);
	L->pos += n;
	return 0;
}

/* Whether the tag ends here (depth 0): pushes the end token. */
static int lex_tag_end(struct lexer *L, enum jtok begin)
{
	const char *p = L->src + L->pos;
	size_t left = L->len - L->pos;
	char c = begin == JT_VAR_BEGIN ? '}' : '%';
	int dash = 0, plus = 0;

	if (left >= 3 && (p[0] == '-' || p[0] == '+') && p[1] == c && p[2] == '}') {
		dash = p[0] == '-';
		plus = p[0] == '+';
		p++;
	} else if (!(left >= 2 && p[0] == c && p[1] == '}')) {
		return 0;
	}
	lex_push(L, begin == JT_VAR_BEGIN ? JT_VAR_END : JT_BLOCK_END, L->pos);
	L->pos = (size_t)(p - L->src) + 2;
	if (begin == JT_VAR_BEGIN)
		L->lstrip_next = dash;
	else
		lex_after_end(L, dash, plus);
	return 1;
}

static int lex_token(struct lexer *L, int *depth)
{
	struct jtoken *t = lex_push(L, JT_EOF, L->pos);
	char c = L->src[L->pos];

	if (c == '\'' || c == '"')
		return lex_string(L, t);
	if (isdigit((unsigned char)c))
		return lex_number(L, t);
	return lex_name_or_op(L, t, depth);
}

/* The tokens of one {{ }} or {% %} tag, L->pos at its "{". */
static int lex_tag(struct lexer *L, enum jtok begin)
{
	size_t start = L->pos;
	int depth = 0;

	lex_push(L, begin, start);
	L->pos += 2;
	if (L->pos < L->len && (L->src[L->pos] == '-' || L->src[L->pos] == '+'))
		L->pos++;
	L->in_var = begin == JT_VAR_BEGIN;
	for (;;) {
		while (L->pos < L->len && is_space(L->src[L->pos]))
			L->pos++;
		if (L->pos >= L->len)
			return jsyntax_error(L->err, L->src, start,
					     "unexpected end of template, "
					     "the tag opened here is not closed");
		if (depth == 0 && lex_tag_end(L, begin))
			return 0;
		if (lex_token(L, &depth))
			return -1;
	}
}

static int lex_template(struct lexer *L)
{
	const char *open;
	size_t taglen;
	int db, de;

	while (L->pos < L->len) {
		open = lex_find_open(L, L->pos);
		lex_data(L, L->pos, open ? (size_t)(open - L->src) : L->len,
			 open && open[2] == '-');
		if (!open)
			break;
		L->pos = (size_t)(open - L->src);
		if (open[1] == '#') {
			if (lex_comment(L))
				return -1;
		} else if ((taglen = lex_match_tag(open, L->src + L->len, "raw", &db, &de))) {
			if (lex_raw(L, taglen, de))
				return -1;
		} else if (lex_tag(L, open[1] == '{' ? JT_VAR_BEGIN : JT_BLOCK_BEGIN)) {
			return -1;
		}
	}
	return 0;
}

/* A bare expression (when:, jinja_eval): tokens up to the end of the text. */
static int lex_expression(struct lexer *L)
{
	int depth = 0;

	for (;;) {
		while (L->pos < L->len && is_space(L->src[L->pos]))
			L->pos++;
		if (L->pos >= L->len)
			return 0;
		if (lex_token(L, &depth))
			return -1;
	}
}

int jlex(const char *src, size_t len, int flags, struct jarena *arena, struct jtoken **toks,
	 size_t *ntoks, struct buf *err)
{
	struct lexer L = {0};
	int r;

	L.src = src;
	L.len = len;
	L.flags = flags;
	L.arena = arena;
	L.err = err;
	r = (flags & JLEX_EXPRESSION) ? lex_expression(&L) : lex_template(&L);
	lex_push(&L, JT_EOF, L.len);
	*toks = L.toks;
	*ntoks = L.n;
	return r;
}

/* ---- literals ---- */

static void put_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(b, (int)(0xc0 | (cp >> 6)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addch(b, (int)(0xe0 | (cp >> 12)));
		buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_addch(b, (int)(0xf0 | (cp >> 18)));
		buf_addch(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* One backslash escape at p (after the backslash), Python's rules; returns its length. */
static size_t unescape_one(const char *p, const char *end, struct buf *b)
{
	static const char from[] = "ntrabfv\\'\"\n", to[] = "\n\t\r\a\b\f\v\\'\"";
	const char *f = memchr(from, *p, sizeof(from) - 1);
	size_t n = 0, i;
	unsigned long cp = 0;

	if (f && *p == '\n')
		return 1;
	if (f) {
		buf_addch(b, to[f - from]);
		return 1;
	}
	n = *p == 'x' ? 2 : *p == 'u' ? 4 : *p == 'U' ? 8 : 0;
	for (i = 0; n && i < n; i++) {
		if (p + 1 + i >= end || !isxdigit((unsigned char)p[1 + i]))
			n = 0;
		else
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)p[1 + i])
							       ? p[1 + i] - '0'
							       : (tolower((unsigned char)p[1 + i]) -
								  'a' + 10));
	}
	if (!n || cp > 0x10ffff) {
		buf_addch(b, '\\');
		return 0;
	}
	put_utf8(b, cp);
	return n + 1;
}

static int lex_string(struct lexer *L, struct jtoken *t)
{
	const char *s = L->src + L->pos, *end = L->src + L->len, *p;
	char q = *s;
	struct buf b = BUF_INIT;
	int raw = (L->flags & JLEX_ESCAPE_BACKSLASHES) && L->in_var;

	for (p = s + 1; p < end && *p != q; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	if (p >= end)
		return jsyntax_error(L->err, L->src, L->pos, "unexpected end of string");
	if (raw) {
		buf_add(&b, s + 1, (size_t)(p - s - 1));
	} else {
		const char *c;

		for (c = s + 1; c < p; c++) {
			if (*c == '\\' && c + 1 < p)
				c += unescape_one(c + 1, p, &b);
			else
				buf_addch(&b, *c);
		}
	}
	t->type = JT_STRING;
	t->str = jarena_strndup(L->arena, b.buf, b.len);
	t->len = b.len;
	L->pos = (size_t)(p + 1 - L->src);
	buf_release(&b);
	return 0;
}

/* Digits with single underscores between them; the count of bytes. */
static size_t lex_digits(const char *s, const char *end, int base)
{
	size_t n = 0;

	while (s + n < end && isxdigit((unsigned char)s[n]) &&
	       (base == 16 || isdigit((unsigned char)s[n])) && (base != 2 || s[n] <= '1') &&
	       (base != 8 || s[n] <= '7')) {
		n++;
		if (s + n + 1 < end && s[n] == '_' && isxdigit((unsigned char)s[n + 1]))
			n++;
	}
	return n;
}

static int lex_number(struct lexer *L, struct jtoken *t)
{
	const char *s = L->src + L->pos, *end = L->src + L->len, *q;
	int base = 10, is_float = 0;
	/* x.0.1 is x[0][1]: after a dot, a number is an index, never a float */
	int index_only =
		L->n >= 2 && L->toks[L->n - 2].type == JT_OP && !strcmp(L->toks[L->n - 2].op, ".");
	char tmp[128];
	size_t n, i, k = 0;

	if (s[0] == '0' && s + 1 < end && strchr("xXoObB", s[1]))
		base = strchr("xX", s[1]) ? 16 : strchr("oO", s[1]) ? 8 : 2;
	q = s + (base == 10 ? 0 : 2);
	q += lex_digits(q, end, base);
	if (!index_only && base == 10 && q + 1 < end && *q == '.' && isdigit((unsigned char)q[1])) {
		is_float = 1;
		q += 1 + lex_digits(q + 1, end, 10);
	}
	if (!index_only && base == 10 && q + 1 < end && (*q == 'e' || *q == 'E')) {
		const char *e = q + 1 + (q[1] == '+' || q[1] == '-');

		if (e < end && isdigit((unsigned char)*e)) {
			is_float = 1;
			q = e + lex_digits(e, end, 10);
		}
	}
	n = (size_t)(q - s);
	if (n >= sizeof(tmp))
		return jsyntax_error(L->err, L->src, L->pos, "number too long");
	for (i = (base == 10 ? 0 : 2); i < n; i++)
		if (s[i] != '_')
			tmp[k++] = s[i];
	tmp[k] = '\0';
	t->type = is_float ? JT_FLOAT : JT_INT;
	if (is_float)
		t->d = strtod(tmp, NULL);
	else
		t->i = (json_int_t)strtoll(tmp, NULL, base);
	L->pos += n;
	return 0;
}
