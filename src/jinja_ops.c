/*
 * Python's operators on JSON values, as Jinja applies them: bools are
 * ints, ints and floats mix, / is true division, // and % floor, strings
 * and lists concatenate and repeat, comparisons refuse unorderable types.
 */
#include "jinja_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

const char *jtype_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "dict";
	case JSON_ARRAY:
		return "list";
	case JSON_STRING:
		return "str";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "NoneType";
	}
}

void jtype_object(const json_t *v, struct buf *out)
{
	if (json_is_null(v))
		buf_addstr(out, "'None'");
	else
		buf_addf(out, "'%s object'", jtype_name(v));
}

json_t *jop_real(double d, struct buf *err)
{
	if (isfinite(d))
		return json_real(d);
	buf_setf(err, "numeric result out of range");
	return NULL;
}

/* A number's value: 0 if v is not a number (bools are). */
static int num(const json_t *v, json_int_t *i, double *d, int *is_int)
{
	if (json_is_integer(v) || json_is_boolean(v)) {
		*i = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
		*d = (double)*i;
		*is_int = 1;
		return 1;
	}
	if (json_is_real(v)) {
		*d = json_real_value(v);
		*is_int = 0;
		return 1;
	}
	return 0;
}

int jop_eq(const json_t *a, const json_t *b)
{
	json_int_t ia, ib;
	double da, db;
	int xa, xb;
	const char *k;
	json_t *v;
	size_t i;

	if (num(a, &ia, &da, &xa) && num(b, &ib, &db, &xb))
		return xa && xb ? ia == ib : da == db;
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!jop_eq(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v)
		{
			json_t *w = json_object_get(b, k);

			if (!w || !jop_eq(v, w))
				return 0;
		}
		return 1;
	default:
		return 1; /* null == null */
	}
}

static json_t *type_error(const char *op, const json_t *a, const json_t *b, struct buf *err)
{
	if (!strcmp(op, "+") && (json_is_string(a) || json_is_array(a))) {
		buf_setf(err, "can only concatenate %s (not \"%s\") to %s", jtype_name(a),
			 jtype_name(b), jtype_name(a));
		return NULL;
	}
	buf_setf(err, "unsupported operand type(s) for %s: '%s' and '%s'", op, jtype_name(a),
		 jtype_name(b));
	return NULL;
}

static json_t *repeat(const json_t *seq, json_int_t times)
{
	json_t *r;
	json_int_t k;

	if (json_is_string(seq)) {
		struct buf b = BUF_INIT;

		for (k = 0; k < times; k++)
			buf_add(&b, json_string_value(seq), json_string_length(seq));
		r = json_stringn(b.buf, b.len);
		buf_release(&b);
		return r;
	}
	r = json_array();
	for (k = 0; k < times; k++)
		json_array_extend(r, (json_t *)seq);
	return r;
}

static json_t *concat(const json_t *a, const json_t *b)
{
	json_t *r;

	if (json_is_array(a)) {
		r = json_array();
		json_array_extend(r, (json_t *)a);
		json_array_extend(r, (json_t *)b);
		return r;
	}
	{
		struct buf s = BUF_INIT;

		buf_add(&s, json_string_value(a), json_string_length(a));
		buf_add(&s, json_string_value(b), json_string_length(b));
		r = json_stringn(s.buf, s.len);
		buf_release(&s);
	}
	return r;
}

/* + - * on ints, falling back to floats on overflow (Python has bignums). */
static json_t *int_arith(char op, json_int_t a, json_int_t b, struct buf *err)
{
	long long r;
	int over;

	if (op == '+')
		over = __builtin_add_overflow((long long)a, (long long)b, &r);
	else if (op == '-')
		over = __builtin_sub_overflow((long long)a, (long long)b, &r);
	else
		over = __builtin_mul_overflow((long long)a, (long long)b, &r);
	if (!over)
		return json_integer((json_int_t)r);
	return jop_real(op == '+'   ? (double)a + (double)b
			: op == '-' ? (double)a - (double)b
				    : (double)a * (double)b,
			err);
}

static json_t *int_pow(json_int_t a, json_int_t b, struct buf *err)
{
	long long r = 1, base = a;

	if (b < 0)
		return jop_real(pow((double)a, (double)b), err);
	while (b > 0) {
		if ((b & 1) && __builtin_mul_overflow(r, base, &r))
			return jop_real(pow((double)a, (double)b), err);
		b >>= 1;
		if (b && __builtin_mul_overflow(base, base, &base))
			return jop_real(pow((double)a, (double)b), err);
	}
	return json_integer((json_int_t)r);
}

static json_t *divide(const char *op, json_int_t ia, json_int_t ib, double da, double db, int ints,
		      struct buf *err)
{
	double q;

	if ((ints && ib == 0) || (!ints && db == 0.0)) {
		buf_setf(err, "division by zero");
		return NULL;
	}
	if (!strcmp(op, "/"))
		return jop_real(da / db, err);
	if (ints && !(ia == LLONG_MIN && ib == -1)) {
		json_int_t d = ia / ib, m = ia % ib;

		if (m != 0 && ((m < 0) != (ib < 0))) {
			d -= 1;
			m += ib;
		}
		return json_integer(!strcmp(op, "//") ? d : m);
	}
	if (!strcmp(op, "//"))
		return jop_real(floor(da / db), err);
	q = fmod(da, db);
	if (q != 0.0 && ((q < 0) != (db < 0)))
		q += db;
	return jop_real(q, err);
}

/*
 * One %-conversion of a value; spec is like "%-5.2f" without the type letter.
 * The format is built at run time from flags, digits and a checked type
 * letter only, so handing it to printf is safe.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int percent_one(struct buf *out, const char *spec, char type, const json_t *v,
		       struct buf *err)
{
	char fmt[40];
	json_int_t i;
	double d;
	int is_int;

	if (type == 's' || type == 'r') {
		struct buf t = BUF_INIT;

		if (type == 'r' && json_is_string(v))
			buf_addf(&t, "'%s'", json_string_value(v));
		else
			py_str(&t, v);
		snprintf(fmt, sizeof(fmt), "%ss", spec);
		buf_addf(out, fmt, t.buf);
		buf_release(&t);
		return 0;
	}
	if (!num(v, &i, &d, &is_int)) {
		buf_setf(err, "%%%c format: a real number is required, not %s", type,
			 jtype_name(v));
		return -1;
	}
	if (strchr("dixXoc", type)) {
		snprintf(fmt, sizeof(fmt), "%sll%c", spec, type == 'i' ? 'd' : type);
		buf_addf(out, fmt, is_int ? (long long)i : (long long)d);
	} else {
		snprintf(fmt, sizeof(fmt), "%s%c", spec, type);
		buf_addf(out, fmt, d);
	}
	return 0;
}
#pragma GCC diagnostic pop

/* Python's 'fmt' % args for %s %r %d %i %f %e %g %x %o %c with flags, width, precision. */
static json_t *percent_format(const char *f, json_t *args, struct buf *err)
{
	struct buf out = BUF_INIT;
	size_t k = 0, n = json_is_array(args) ? json_array_size(args) : 1, sl;
	json_t *r = NULL;

	while (*f) {
		char spec[32];

		if (*f != '%' || f[1] == '%') {
			buf_addch(&out, *f);
			f += *f == '%' ? 2 : 1;
			continue;
		}
		sl = 1 + strspn(f + 1, "-+ 0#123456789.");
		if (sl >= sizeof(spec) || !f[sl] || !strchr("sridifeEgGxXoc", f[sl])) {
			buf_setf(err, "unsupported format character at '%s'", f);
			goto out;
		}
		if (k >= n) {
			buf_setf(err, "not enough arguments for format string");
			goto out;
		}
		memcpy(spec, f, sl);
		spec[sl] = '\0';
		if (percent_one(&out, spec, f[sl],
				json_is_array(args) ? json_array_get(args, k) : args, err))
			goto out;
		k++;
		f += sl + 1;
	}
	if (k < n)
		buf_setf(err, "not all arguments converted during string formatting");
	else
		r = json_stringn(out.buf, out.len);
out:
	buf_release(&out);
	return r;
}

json_t *jop_arith(const char *op, json_t *a, json_t *b, struct buf *err)
{
	json_int_t ia, ib;
	double da, db;
	int xa, xb, na = num(a, &ia, &da, &xa), nb = num(b, &ib, &db, &xb);

	if (na && nb) {
		if (strchr("+-", op[0]) || !strcmp(op, "*"))
			return xa && xb ? int_arith(op[0], ia, ib, err)
					: jop_real(op[0] == '+'	  ? da + db
						   : op[0] == '-' ? da - db
								  : da * db,
						   err);
		if (!strcmp(op, "**"))
			return xa && xb ? int_pow(ia, ib, err) : jop_real(pow(da, db), err);
		return divide(op, ia, ib, da, db, xa && xb, err);
	}
	if (!strcmp(op, "%") && json_is_string(a))
		return percent_format(json_string_value(a), b, err);
	if (!strcmp(op, "+") &&
	    ((json_is_string(a) && json_is_string(b)) || (json_is_array(a) && json_is_array(b))))
		return concat(a, b);
	if (!strcmp(op, "*") && nb && xb && (json_is_string(a) || json_is_array(a)))
		return repeat(a, ib);
	if (!strcmp(op, "*") && na && xa && (json_is_string(b) || json_is_array(b)))
		return repeat(b, ia);
	return type_error(op, a, b, err);
}

/* -1, 0, 1; or -2 when a and b cannot be ordered (*bad: the pair that cannot). */
static int order(const json_t *a, const json_t *b, const json_t **bad)
{
	json_int_t ia, ib;
	double da, db;
	int xa, xb, c;
	size_t i, na, nb;

	if (num(a, &ia, &da, &xa) && num(b, &ib, &db, &xb)) {
		if (xa && xb)
			return ia < ib ? -1 : ia > ib;
		return da < db ? -1 : da > db;
	}
	if (json_is_string(a) && json_is_string(b)) {
		c = strcmp(json_string_value(a), json_string_value(b));
		return c < 0 ? -1 : c > 0;
	}
	if (!json_is_array(a) || !json_is_array(b)) {
		bad[0] = a;
		bad[1] = b;
		return -2;
	}
	na = json_array_size(a);
	nb = json_array_size(b);
	for (i = 0; i < na && i < nb; i++)
		if (!jop_eq(json_array_get(a, i), json_array_get(b, i)))
			return order(json_array_get(a, i), json_array_get(b, i), bad);
	return na < nb ? -1 : na > nb;
}

int jop_order(const char *op, const json_t *a, const json_t *b, struct buf *err)
{
	const json_t *bad[2] = {a, b};
	int c = order(a, b, bad);

	if (c == -2) {
		buf_setf(err, "'%s' not supported between instances of '%s' and '%s'", op,
			 jtype_name(bad[0]), jtype_name(bad[1]));
		return -1;
	}
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	return c >= 0;
}

int jop_in(const json_t *item, const json_t *container, struct buf *err)
{
	size_t i;

	if (json_is_string(container)) {
		if (!json_is_string(item)) {
			buf_setf(err, "'in <string>' requires string as left operand, not %s",
				 jtype_name(item));
			return -1;
		}
		return memmem(json_string_value(container), json_string_length(container),
			      json_string_value(item), json_string_length(item)) != NULL;
	}
	if (json_is_array(container)) {
		for (i = 0; i < json_array_size(container); i++)
			if (jop_eq(item, json_array_get(container, i)))
				return 1;
		return 0;
	}
	if (json_is_object(container))
		return json_is_string(item) &&
		       json_object_get(container, json_string_value(item)) != NULL;
	buf_setf(err, "argument of type '%s' is not iterable", jtype_name(container));
	return -1;
}

json_t *jop_chars(const char *s)
{
	json_t *r = json_array();
	size_t n;

	while (*s) {
		unsigned char c = (unsigned char)*s;

		n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (strnlen(s, n) < n)
			n = 1;
		json_array_append_new(r, json_stringn(s, n));
		s += n;
	}
	return r;
}

json_t *jop_iterable(json_t *v, struct buf *err)
{
	const char *k;
	json_t *x, *r;

	if (json_is_array(v))
		return json_incref(v);
	if (json_is_string(v))
		return jop_chars(json_string_value(v));
	if (json_is_object(v)) {
		r = json_array();
		json_object_foreach(v, k, x) json_array_append_new(r, json_string(k));
		return r;
	}
	buf_setf(err, "'%s' object is not iterable", jtype_name(v));
	return NULL;
}

static int slice_index(const json_t *v, json_int_t *out, struct buf *err)
{
	if (json_is_integer(v) || json_is_boolean(v)) {
		*out = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
		return 1;
	}
	if (json_is_null(v) || !v)
		return 0;
	buf_setf(err, "slice indices must be integers or None");
	return -1;
}

/* Python's slice.indices(): clamps start and stop to the sequence. */
static json_int_t slice_clamp(json_int_t i, json_int_t n, json_int_t step)
{
	if (i < 0) {
		i += n;
		if (i < 0)
			i = step < 0 ? -1 : 0;
	} else if (i >= n) {
		i = step < 0 ? n - 1 : n;
	}
	return i;
}

json_t *jop_slice(json_t *v, json_t *start, json_t *stop, json_t *step, struct buf *err)
{
	json_int_t n, a, b, s = 1, i;
	json_t *seq, *r;
	int ha, hb, hs;

	if (!json_is_array(v) && !json_is_string(v)) {
		buf_setf(err, "'%s' object is not subscriptable", jtype_name(v));
		return NULL;
	}
	if ((ha = slice_index(start, &a, err)) < 0 || (hb = slice_index(stop, &b, err)) < 0 ||
	    (hs = slice_index(step, &s, err)) < 0)
		return NULL;
	if (hs && s == 0) {
		buf_setf(err, "slice step cannot be zero");
		return NULL;
	}
	seq = json_is_array(v) ? json_incref(v) : jop_chars(json_string_value(v));
	n = (json_int_t)json_array_size(seq);
	a = ha ? slice_clamp(a, n, s) : (s < 0 ? n - 1 : 0);
	b = hb ? slice_clamp(b, n, s) : (s < 0 ? -1 : n);
	r = json_array();
	for (i = a; s > 0 ? i < b : i > b; i += s)
		json_array_append(r, json_array_get(seq, (size_t)i));
	json_decref(seq);
	if (json_is_string(v)) {
		struct buf t = BUF_INIT;
		size_t k;

		for (k = 0; k < json_array_size(r); k++)
			buf_addstr(&t, json_string_value(json_array_get(r, k)));
		json_decref(r);
		r = json_stringn(t.buf, t.len);
		buf_release(&t);
	}
	return r;
}
