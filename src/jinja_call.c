/*
 * Functions templates call: the globals range(), lookup(), query()/q(),
 * dict() and namespace(), and the Python methods Ansible templates use on
 * values ('a,b'.split(','), d.items(), xs.index(x)...).
 */
#include "jinja_int.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

#define RANGE_MAX 1000000

static json_t *arg(json_t *args, json_t *kwargs, size_t i, const char *kw)
{
	json_t *v = json_array_get(args, i);

	return v ? v : kw ? json_object_get(kwargs, kw) : NULL;
}

static int want_int(struct jenv *e, json_t *v, const char *what, json_int_t *out)
{
	if (json_is_integer(v) || json_is_boolean(v)) {
		*out = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
		return 0;
	}
	return jerr(e, "%s: '%s' object cannot be interpreted as an integer", what,
		    v ? jtype_name(v) : "NoneType");
}

static int want_str(struct jenv *e, json_t *v, const char *what)
{
	if (json_is_string(v))
		return 0;
	return jerr(e, "%s: expected a string, got '%s'", what, v ? jtype_name(v) : "nothing");
}

static int call_range(struct jenv *e, json_t *args, json_t **out)
{
	json_int_t a = 0, b = 0, s = 1, i;
	size_t n = json_array_size(args);

	if (n < 1 || n > 3)
		return jerr(e, "range expected 1 to 3 arguments, got %zu", n);
	if (want_int(e, json_array_get(args, 0), "range", n == 1 ? &b : &a) ||
	    (n > 1 && want_int(e, json_array_get(args, 1), "range", &b)) ||
	    (n > 2 && want_int(e, json_array_get(args, 2), "range", &s)))
		return -1;
	if (s == 0)
		return jerr(e, "range() arg 3 must not be zero");
	if ((s > 0 && b > a && (b - a) / s > RANGE_MAX) ||
	    (s < 0 && a > b && (a - b) / -s > RANGE_MAX))
		return jerr(e, "range too big (more than %d items)", RANGE_MAX);
	*out = json_array();
	for (i = a; s > 0 ? i < b : i > b; i += s)
		json_array_append_new(*out, json_integer(i));
	return 1;
}

/* What lookup() returns without wantlist: "a,b" for strings, one item alone. */
static json_t *lookup_unlist(json_t *r)
{
	struct buf b = BUF_INIT;
	json_t *v;
	size_t i;

	if (!json_is_array(r) || json_array_size(r) == 0)
		return json_incref(r);
	for (i = 0; i < json_array_size(r); i++) {
		v = json_array_get(r, i);
		if (!json_is_string(v))
			break;
		buf_addf(&b, "%s%s", i ? "," : "", json_string_value(v));
	}
	if (i == json_array_size(r))
		v = json_stringn(b.buf, b.len);
	else
		v = json_incref(json_array_size(r) == 1 ? json_array_get(r, 0) : r);
	buf_release(&b);
	return v;
}

static int call_lookup(struct jenv *e, json_t *args, json_t *kwargs, int wantlist, json_t **out)
{
	json_t *name = json_array_get(args, 0), *kw = json_copy(kwargs), *r = NULL;
	const char *errors = json_string_value(json_object_get(kwargs, "errors"));
	struct jinja_call call = {0};
	jinja_lookup_fn fn;
	int ret = 1;

	if (want_str(e, name, "lookup plugin name"))
		goto fail;
	fn = jinja_lookup_find(json_string_value(name));
	if (!fn) {
		jerr(e, "lookup plugin (%s) not found", json_string_value(name));
		goto fail;
	}
	wantlist = wantlist || jinja_truthy(json_object_get(kwargs, "wantlist"));
	json_object_del(kw, "wantlist");
	json_object_del(kw, "errors");
	json_object_del(kw, "allow_unsafe");
	call.ctx = e->ctx;
	call.kwargs = kw;
	call.args = json_array();
	json_array_extend(call.args, args);
	json_array_remove(call.args, 0);
	e->err_undef = 0;
	r = fn(&call, e->err);
	json_decref(call.args);
	if (!r && errors && (!strcmp(errors, "ignore") || !strcmp(errors, "warn"))) {
		if (!strcmp(errors, "warn"))
			warning("Lookup failed but the error is being ignored: %s", e->err->buf);
		buf_reset(e->err);
		r = wantlist ? json_array() : json_null();
		wantlist = 1;
	}
	if (!r)
		goto fail;
	*out = wantlist ? json_incref(r) : lookup_unlist(r);
	goto out;
fail:
	ret = -1;
out:
	json_decref(r);
	json_decref(kw);
	return ret;
}

/* strftime with the template's format: what the template asks for is the point. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t format_time(char *buf, size_t n, const char *fmt, const struct tm *tm)
{
	return strftime(buf, n, fmt, tm);
}
#pragma GCC diagnostic pop

/* now(utc=False, fmt=None): str(datetime.now()), or the time in fmt. */
static int call_now(struct jenv *e, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *fmt = arg(args, kwargs, 1, "fmt");
	struct timespec ts;
	char text[256];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (jinja_truthy(arg(args, kwargs, 0, "utc")))
		gmtime_r(&ts.tv_sec, &tm);
	else
		localtime_r(&ts.tv_sec, &tm);
	if (fmt && !json_is_null(fmt)) {
		if (want_str(e, fmt, "now"))
			return -1;
		if (!format_time(text, sizeof(text), json_string_value(fmt), &tm))
			text[0] = '\0';
		*out = json_string(text);
		return 1;
	}
	strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
	*out = json_sprintf("%s.%06ld", text, ts.tv_nsec / 1000);
	return 1;
}

int jcall_global(struct jenv *e, const char *name, json_t *args, json_t *kwargs, json_t **out)
{
	if (!strcmp(name, "now"))
		return call_now(e, args, kwargs, out);
	if (!strcmp(name, "range"))
		return call_range(e, args, out);
	if (!strcmp(name, "lookup"))
		return call_lookup(e, args, kwargs, 0, out);
	if (!strcmp(name, "query") || !strcmp(name, "q"))
		return call_lookup(e, args, kwargs, 1, out);
	if (!strcmp(name, "dict")) {
		*out = json_copy(kwargs);
		if (json_is_object(json_array_get(args, 0)))
			json_object_update_missing(*out, json_array_get(args, 0));
		return 1;
	}
	if (!strcmp(name, "namespace")) {
		*out = json_copy(kwargs);
		if (json_is_object(json_array_get(args, 0)))
			json_object_update_missing(*out, json_array_get(args, 0));
		json_array_append(e->namespaces, *out);
		return 1;
	}
	return 0;
}

/* ---- str methods ---- */

typedef int (*method_fn)(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out);

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Python's str.split(): on runs of whitespace when sep is None. */
static json_t *split_ws(const char *s, json_int_t max)
{
	json_t *r = json_array();
	const char *w;

	for (;;) {
		while (is_ws(*s))
			s++;
		if (!*s)
			break;
		if (max >= 0 && (json_int_t)json_array_size(r) == max) {
			size_t n = strlen(s);

			while (n && is_ws(s[n - 1]))
				n--;
			json_array_append_new(r, json_stringn(s, n));
			break;
		}
		for (w = s; *s && !is_ws(*s); s++)
			;
		json_array_append_new(r, json_stringn(w, (size_t)(s - w)));
	}
	return r;
}

static int m_split(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *sep = arg(args, kwargs, 0, "sep"), *mx = arg(args, kwargs, 1, "maxsplit");
	const char *s = json_string_value(obj), *p;
	json_int_t max = -1;
	size_t sl;

	if (mx && want_int(e, mx, "split", &max))
		return -1;
	if (!sep || json_is_null(sep)) {
		*out = split_ws(s, max);
		return 1;
	}
	if (want_str(e, sep, "split"))
		return -1;
	sl = json_string_length(sep);
	if (!sl)
		return jerr(e, "empty separator");
	*out = json_array();
	while ((max < 0 || (json_int_t)json_array_size(*out) < max) &&
	       (p = strstr(s, json_string_value(sep)))) {
		json_array_append_new(*out, json_stringn(s, (size_t)(p - s)));
		s = p + sl;
	}
	json_array_append_new(*out, json_string(s));
	return 1;
}

static int m_strip(struct jenv *e, json_t *obj, const char *how, json_t *args, json_t *kwargs,
		   json_t **out)
{
	json_t *chars = arg(args, kwargs, 0, "chars");
	const char *s = json_string_value(obj), *set = " \t\n\r\v\f";
	size_t a = 0, b = json_string_length(obj);

	if (chars && !json_is_null(chars)) {
		if (want_str(e, chars, how))
			return -1;
		set = json_string_value(chars);
	}
	if (strcmp(how, "rstrip"))
		while (a < b && strchr(set, s[a]))
			a++;
	if (strcmp(how, "lstrip"))
		while (b > a && strchr(set, s[b - 1]))
			b--;
	*out = json_stringn(s + a, b - a);
	return 1;
}

static int m_strip_both(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	return m_strip(e, o, "strip", a, k, out);
}

static int m_lstrip(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	return m_strip(e, o, "lstrip", a, k, out);
}

static int m_rstrip(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	return m_strip(e, o, "rstrip", a, k, out);
}

/* lower, upper, capitalize, title: ASCII case mapping. */
static int m_case(json_t *obj, int how, json_t **out)
{
	char *s = xstrdup(json_string_value(obj));
	size_t i;
	int start = 1;

	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (how == 'l' || (how == 'c' && i > 0) || (how == 't' && !start))
			s[i] = (char)tolower(c);
		else if (how == 'u' || how == 'c' || how == 't')
			s[i] = (char)toupper(c);
		start = !isalpha(c);
	}
	*out = json_string(s);
	free(s);
	return 1;
}

static int m_lower(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)e, (void)a, (void)k;
	return m_case(o, 'l', out);
}

static int m_upper(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)e, (void)a, (void)k;
	return m_case(o, 'u', out);
}

static int m_capitalize(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)e, (void)a, (void)k;
	return m_case(o, 'c', out);
}

static int m_title(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)e, (void)a, (void)k;
	return m_case(o, 't', out);
}

static int affix_match(const char *s, size_t n, const json_t *p, int end)
{
	size_t pl = json_string_length(p);

	return pl <= n && !memcmp(end ? s + n - pl : s, json_string_value(p), pl);
}

static int m_affix(struct jenv *e, json_t *obj, json_t *args, int end, json_t **out)
{
	json_t *p = json_array_get(args, 0), *x;
	size_t i;
	int hit = 0;

	if (json_is_array(p)) {
		json_array_foreach(p, i, x)
		{
			if (want_str(e, x, end ? "endswith" : "startswith"))
				return -1;
			hit = hit ||
			      affix_match(json_string_value(obj), json_string_length(obj), x, end);
		}
	} else {
		if (want_str(e, p, end ? "endswith" : "startswith"))
			return -1;
		hit = affix_match(json_string_value(obj), json_string_length(obj), p, end);
	}
	*out = json_boolean(hit);
	return 1;
}

static int m_startswith(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)k;
	return m_affix(e, o, a, 0, out);
}

static int m_endswith(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)k;
	return m_affix(e, o, a, 1, out);
}

static int m_replace(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *old = json_array_get(args, 0), *new = json_array_get(args, 1);
	json_t *cnt = arg(args, kwargs, 2, "count");
	const char *s = json_string_value(obj), *p;
	json_int_t max = -1, done = 0;
	struct buf b = BUF_INIT;
	size_t ol;

	if (want_str(e, old, "replace") || want_str(e, new, "replace") ||
	    (cnt && want_int(e, cnt, "replace", &max)))
		return -1;
	ol = json_string_length(old);
	while ((max < 0 || done < max) && (p = ol ? strstr(s, json_string_value(old)) : NULL)) {
		buf_add(&b, s, (size_t)(p - s));
		buf_addstr(&b, json_string_value(new));
		s = p + ol;
		done++;
	}
	buf_addstr(&b, s);
	*out = json_stringn(b.buf, b.len);
	buf_release(&b);
	return 1;
}

static int m_join(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *items = jop_iterable(json_array_get(args, 0), e->err), *x;
	struct buf b = BUF_INIT;
	size_t i;
	int r = 1;

	(void)kwargs;
	if (!items)
		return -1;
	json_array_foreach(items, i, x)
	{
		if (!json_is_string(x)) {
			r = jerr(e, "sequence item %zu: expected str instance, %s found", i,
				 jtype_name(x));
			break;
		}
		if (i)
			buf_add(&b, json_string_value(obj), json_string_length(obj));
		buf_add(&b, json_string_value(x), json_string_length(x));
	}
	if (r > 0)
		*out = json_stringn(b.buf, b.len);
	buf_release(&b);
	json_decref(items);
	return r;
}

/* One {field} of str.format: "", a number or a keyword; the spec after ':' is ignored. */
/* The text of v for a format spec's type and precision ("d", ".2f", "s"...). */
static void format_text(struct buf *t, const json_t *v, char type, int prec)
{
	double d = json_is_number(v) ? json_number_value(v) : 0.0;

	if (json_is_number(v) && type && strchr("fFeEgG%", type)) {
		prec = prec < 0 ? 6 : prec;
		if (type == 'e' || type == 'E')
			buf_addf(t, type == 'e' ? "%.*e" : "%.*E", prec, d);
		else if (type == 'g' || type == 'G')
			buf_addf(t, type == 'g' ? "%.*g" : "%.*G", prec, d);
		else
			buf_addf(t, "%.*f", prec, type == '%' ? d * 100 : d);
		if (type == '%')
			buf_addch(t, '%');
	} else if (json_is_number(v) && type == 'd') {
		buf_addf(t, "%lld", (long long)d);
	} else {
		py_str(t, v);
		if (json_is_string(v) && prec >= 0 && (size_t)prec < t->len)
			buf_setlen(t, (size_t)prec);
	}
}

/* str.format's [[fill]align][0][width][,][.precision][type] spec on one value. */
static void format_spec(struct buf *out, const json_t *v, const char *spec, size_t n)
{
	char fill = ' ', align = json_is_number(v) ? '>' : '<', type = 0;
	const char *p = spec, *end = spec + n;
	struct buf t = BUF_INIT;
	size_t width = 0, pad, i;
	int prec = -1;

	if (n >= 2 && strchr("<>^=", p[1])) {
		fill = p[0];
		align = p[1];
		p += 2;
	} else if (n >= 1 && strchr("<>^=", p[0])) {
		align = *p++;
	}
	if (p < end && *p == '0') {
		fill = '0';
		align = '>';
	}
	for (; p < end && isdigit((unsigned char)*p); p++)
		width = width * 10 + (size_t)(*p - '0');
	if (p < end && *p == ',')
		p++;
	if (p < end && *p == '.')
		for (prec = 0, p++; p < end && isdigit((unsigned char)*p); p++)
			prec = prec * 10 + (*p - '0');
	if (p < end)
		type = *p;
	format_text(&t, v, type, prec);
	pad = width > t.len ? width - t.len : 0;
	for (i = 0; i < (align == '^' ? pad / 2 : align == '<' ? 0 : pad); i++)
		buf_addch(out, fill);
	buf_add(out, t.buf, t.len);
	for (i = 0; i < (align == '^' ? pad - pad / 2 : align == '<' ? pad : 0); i++)
		buf_addch(out, fill);
	buf_release(&t);
}

static int format_field(struct jenv *e, const char *f, size_t n, size_t *autoidx, json_t *args,
			json_t *kwargs, struct buf *out)
{
	const char *colon = memchr(f, ':', n);
	char *name = xstrndup(f, strcspn(f, ":!") < n ? strcspn(f, ":!") : n);
	json_t *v;
	int r = 0;

	if (!*name)
		v = json_array_get(args, (*autoidx)++);
	else if (isdigit((unsigned char)name[0]))
		v = json_array_get(args, (size_t)strtoul(name, NULL, 10));
	else
		v = json_object_get(kwargs, name);
	if (v && colon)
		format_spec(out, v, colon + 1, (size_t)(f + n - colon - 1));
	else if (v)
		py_str(out, v);
	else
		r = jerr(e, "format: no value for the field '{%s}'", name);
	free(name);
	return r;
}

static int m_format(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	const char *s = json_string_value(obj), *close;
	struct buf b = BUF_INIT;
	size_t autoidx = 0;
	int r = 1;

	while (*s && r > 0) {
		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
			buf_addch(&b, *s);
			s += 2;
		} else if (*s == '{' && (close = strchr(s, '}')) != NULL) {
			r = format_field(e, s + 1, (size_t)(close - s - 1), &autoidx, args, kwargs,
					 &b)
				    ? -1
				    : 1;
			s = close + 1;
		} else {
			buf_addch(&b, *s++);
		}
	}
	if (r > 0)
		*out = json_stringn(b.buf, b.len);
	buf_release(&b);
	return r;
}

static int m_find(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *sub = json_array_get(args, 0);
	const char *p;

	(void)kwargs;
	if (want_str(e, sub, "find"))
		return -1;
	p = strstr(json_string_value(obj), json_string_value(sub));
	*out = json_integer(p ? (json_int_t)(p - json_string_value(obj)) : -1);
	return 1;
}

static int m_count(struct jenv *e, json_t *obj, json_t *args, json_t *kwargs, json_t **out)
{
	json_t *x = json_array_get(args, 0), *y;
	json_int_t n = 0;
	const char *p;
	size_t i;

	(void)kwargs;
	if (json_is_array(obj)) {
		json_array_foreach(obj, i, y) n += jop_eq(x, y);
	} else {
		if (want_str(e, x, "count"))
			return -1;
		for (p = json_string_value(obj);
		     json_string_length(x) && (p = strstr(p, json_string_value(x))) != NULL;
		     p += json_string_length(x))
			n++;
		if (!json_string_length(x))
			n = (json_int_t)json_string_length(obj) + 1;
	}
	*out = json_integer(n);
	return 1;
}

/* isdigit, isalpha...: every byte in the class, and at least one. */
static int m_isclass(json_t *obj, int (*cls)(int), json_t **out)
{
	const char *s = json_string_value(obj);
	int ok = *s != '\0';

	for (; *s && ok; s++)
		ok = cls((unsigned char)*s) != 0;
	*out = json_boolean(ok);
	return 1;
}

#define ISCLASS(NAME, CLS)                                                                         \
	static int m_##NAME(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)         \
	{                                                                                          \
		(void)e, (void)a, (void)k;                                                         \
		return m_isclass(o, CLS, out);                                                     \
	}
ISCLASS(isdigit, isdigit)
ISCLASS(isalpha, isalpha)
ISCLASS(isalnum, isalnum)
ISCLASS(isspace, isspace)

static int m_splitlines(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	const char *s = json_string_value(o), *nl;

	(void)e, (void)a, (void)k;
	*out = json_array();
	while (*s) {
		nl = s + strcspn(s, "\r\n");
		json_array_append_new(*out, json_stringn(s, (size_t)(nl - s)));
		if (!*nl)
			break;
		s = nl + (nl[0] == '\r' && nl[1] == '\n' ? 2 : 1);
	}
	return 1;
}

/*
 * now().strftime('%Y'): datetimes travel as their text ("2024-05-01
 * 12:30:00.123456", as str(datetime) and ansible_date_time write them), so
 * strftime on such a string formats the time it names.
 */
static int m_strftime(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	json_t *fmt = arg(a, k, 0, "format");
	struct tm tm = {0};
	char text[256];
	const char *end;

	if (want_str(e, fmt, "strftime"))
		return -1;
	end = strptime(json_string_value(o), "%Y-%m-%d %H:%M:%S", &tm);
	if (!end)
		end = strptime(json_string_value(o), "%Y-%m-%d", &tm);
	if (!end)
		return jerr(e, "strftime: '%s' is not a date and time", json_string_value(o));
	tm.tm_isdst = -1;
	mktime(&tm); /* fills in the weekday and day of the year */
	if (!format_time(text, sizeof(text), json_string_value(fmt), &tm))
		text[0] = '\0';
	*out = json_string(text);
	return 1;
}

/* ---- dict and list methods ---- */

static int m_items(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	const char *key;
	json_t *v;

	(void)e, (void)a, (void)k;
	*out = json_array();
	json_object_foreach(o, key, v) json_array_append_new(*out, json_pack("[sO]", key, v));
	return 1;
}

static int m_keys(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	(void)a, (void)k;
	*out = jop_iterable(o, e->err);
	return 1;
}

static int m_values(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	const char *key;
	json_t *v;

	(void)e, (void)a, (void)k;
	*out = json_array();
	json_object_foreach(o, key, v) json_array_append(*out, v);
	return 1;
}

static int m_get(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	json_t *key = json_array_get(a, 0), *v = NULL, *dflt = arg(a, k, 1, "default");

	(void)e;
	if (json_is_string(key))
		v = json_object_get(o, json_string_value(key));
	*out = json_incref(v ? v : dflt ? dflt : json_null());
	return 1;
}

static int m_index(struct jenv *e, json_t *o, json_t *a, json_t *k, json_t **out)
{
	json_t *x = json_array_get(a, 0), *y;
	struct buf b = BUF_INIT;
	size_t i;

	(void)k;
	json_array_foreach(o, i, y)
	{
		if (jop_eq(x, y)) {
			*out = json_integer((json_int_t)i);
			return 1;
		}
	}
	if (x)
		py_str(&b, x);
	jerr(e, "%s is not in list", b.buf);
	buf_release(&b);
	return -1;
}

struct method {
	json_type type;
	const char *name;
	method_fn fn;
};

static const struct method methods[] = {
	{JSON_STRING, "split", m_split},
	{JSON_STRING, "strip", m_strip_both},
	{JSON_STRING, "lstrip", m_lstrip},
	{JSON_STRING, "rstrip", m_rstrip},
	{JSON_STRING, "lower", m_lower},
	{JSON_STRING, "upper", m_upper},
	{JSON_STRING, "capitalize", m_capitalize},
	{JSON_STRING, "title", m_title},
	{JSON_STRING, "startswith", m_startswith},
	{JSON_STRING, "endswith", m_endswith},
	{JSON_STRING, "replace", m_replace},
	{JSON_STRING, "join", m_join},
	{JSON_STRING, "format", m_format},
	{JSON_STRING, "find", m_find},
	{JSON_STRING, "count", m_count},
	{JSON_STRING, "isdigit", m_isdigit},
	{JSON_STRING, "isalpha", m_isalpha},
	{JSON_STRING, "isalnum", m_isalnum},
	{JSON_STRING, "isspace", m_isspace},
	{JSON_STRING, "splitlines", m_splitlines},
	{JSON_STRING, "strftime", m_strftime},
	{JSON_OBJECT, "items", m_items},
	{JSON_OBJECT, "keys", m_keys},
	{JSON_OBJECT, "values", m_values},
	{JSON_OBJECT, "get", m_get},
	{JSON_ARRAY, "index", m_index},
	{JSON_ARRAY, "count", m_count},
};

int jcall_method(struct jenv *e, json_t *obj, const char *name, json_t *args, json_t *kwargs,
		 json_t **out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(methods); i++)
		if (methods[i].type == json_typeof(obj) && !strcmp(methods[i].name, name))
			return methods[i].fn(e, obj, args, kwargs, out);
	return 0;
}
