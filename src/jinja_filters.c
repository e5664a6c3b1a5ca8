/*
 * Jinja's and Ansible's filters: the name lookup over every table, the
 * helpers the filter files share (arguments, Python's truthiness, ordering
 * and equality) and the filters about undefined values and types.
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

/* "ansible.builtin.NAME" and "NAME" name the same thing. */
static const char *short_name(const char *name)
{
	static const char prefix[] = "ansible.builtin.";

	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		return name + sizeof(prefix) - 1;
	return name;
}

jinja_filter_fn jinja_filter_find(const char *name)
{
	const struct jf_filter_table *tables[] = {
		&jf_core_filters,  &jf_str_filters, &jf_text_filters, &jf_list_filters,
		&jf_set_filters,   &jf_seq_filters, &jf_json_filters, &jf_yaml_filters,
		&jf_regex_filters, &jf_fmt_filters, &jf_math_filters, &jf_misc_filters,
	};
	size_t t, i;

	name = short_name(name);
	for (t = 0; t < ARRAY_SIZE(tables); t++)
		for (i = 0; i < tables[t]->n; i++)
			if (!strcmp(tables[t]->v[i].name, name))
				return tables[t]->v[i].fn;
	return NULL;
}

jinja_test_fn jinja_test_find(const char *name)
{
	const struct jf_test_table *tables[] = {&jf_core_tests, &jf_version_tests};
	size_t t, i;

	name = short_name(name);
	for (t = 0; t < ARRAY_SIZE(tables); t++)
		for (i = 0; i < tables[t]->n; i++)
			if (!strcmp(tables[t]->v[i].name, name))
				return tables[t]->v[i].fn;
	return NULL;
}

json_t *jf_arg(const struct jinja_call *call, size_t i, const char *name)
{
	json_t *v = NULL;

	if (name)
		v = json_object_get(call->kwargs, name);
	if (!v)
		v = json_array_get(call->args, i);
	return v;
}

const char *jf_type_name(const json_t *v)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "dict", [JSON_ARRAY] = "list",	  [JSON_STRING] = "str",
		[JSON_INTEGER] = "int", [JSON_REAL] = "float",	  [JSON_TRUE] = "bool",
		[JSON_FALSE] = "bool",	[JSON_NULL] = "NoneType",
	};

	if (!v)
		return "AnsibleUndefined";
	return names[json_typeof(v)];
}

int jf_is_number(const json_t *v)
{
	return json_is_number(v) || json_is_boolean(v);
}

double jf_number(const json_t *v)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	return json_number_value(v);
}

size_t jf_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

json_t *jf_type_error(struct buf *err, const char *filter, const char *want, const json_t *got)
{
	buf_setf(err, "%s: expected %s, got %s", filter, want, jf_type_name(got));
	return NULL;
}

static int cmp_strings(const char *a, const char *b, int casefold)
{
	int d;

	if (!casefold)
		return strcmp(a, b);
	for (;; a++, b++) {
		d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
}

static int cmp_lists(const json_t *a, const json_t *b, int casefold, int *cmp, struct buf *err)
{
	size_t i, na = json_array_size(a), nb = json_array_size(b);

	for (i = 0; i < na && i < nb; i++) {
		if (jf_equal(json_array_get(a, i), json_array_get(b, i)))
			continue;
		return jf_compare(json_array_get(a, i), json_array_get(b, i), casefold, cmp, err);
	}
	*cmp = (na > nb) - (na < nb);
	return 0;
}

int jf_compare(const json_t *a, const json_t *b, int casefold, int *cmp, struct buf *err)
{
	double x, y;

	if (jf_is_number(a) && jf_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b)) {
			*cmp = (json_integer_value(a) > json_integer_value(b)) -
			       (json_integer_value(a) < json_integer_value(b));
			return 0;
		}
		x = jf_number(a);
		y = jf_number(b);
		*cmp = (x > y) - (x < y);
		return 0;
	}
	if (json_is_string(a) && json_is_string(b)) {
		*cmp = cmp_strings(json_string_value(a), json_string_value(b), casefold);
		return 0;
	}
	if (json_is_array(a) && json_is_array(b))
		return cmp_lists(a, b, casefold, cmp, err);
	buf_setf(err, "'<' not supported between instances of '%s' and '%s'", jf_type_name(a),
		 jf_type_name(b));
	return -1;
}

static int equal_objects(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *v;

	if (json_object_size(a) != json_object_size(b))
		return 0;
	json_object_foreach((json_t *)a, k, v) {
		json_t *w = json_object_get(b, k);

		if (!w || !jf_equal(v, w))
			return 0;
	}
	return 1;
}

int jf_equal(const json_t *a, const json_t *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (jf_is_number(a) && jf_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return jf_number(a) == jf_number(b);
	}
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
			if (!jf_equal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		return equal_objects(a, b);
	default:
		return 1; /* null == null */
	}
}

int jf_contains(const json_t *seq, const json_t *x)
{
	size_t i;

	if (!x)
		return 0;
	if (json_is_string(seq))
		return json_is_string(x) && strstr(json_string_value(seq), json_string_value(x));
	if (json_is_object(seq))
		return json_is_string(x) && json_object_get(seq, json_string_value(x));
	for (i = 0; i < json_array_size(seq); i++)
		if (jf_equal(json_array_get(seq, i), x))
			return 1;
	return 0;
}

static json_t *string_chars(const char *s)
{
	json_t *out = json_array();
	size_t n;

	while (*s) {
		for (n = 1; ((unsigned char)s[n] & 0xc0) == 0x80; n++)
			;
		json_array_append_new(out, json_stringn(s, n));
		s += n;
	}
	return out;
}

json_t *jf_iter(const json_t *v)
{
	json_t *out;
	const char *k;
	json_t *x;

	if (json_is_array(v))
		return json_copy((json_t *)v);
	if (json_is_string(v))
		return string_chars(json_string_value(v));
	if (!json_is_object(v))
		return NULL;
	out = json_array();
	json_object_foreach((json_t *)v, k, x)
		json_array_append_new(out, json_string(k));
	return out;
}

/* One step of an attribute path: a key of a dict, an index of a list. */
static json_t *attr_step(json_t *v, const char *name, size_t len)
{
	char *key = xstrndup(name, len), *end;
	json_t *r = NULL;
	long i;

	if (json_is_object(v)) {
		r = json_object_get(v, key);
	} else if (json_is_array(v)) {
		errno = 0;
		i = strtol(key, &end, 10);
		if (!errno && *key && !*end && i >= 0)
			r = json_array_get(v, (size_t)i);
	}
	free(key);
	return r;
}

json_t *jf_attr(json_t *v, const char *path)
{
	const char *dot;

	while (v && (dot = strchr(path, '.'))) {
		v = attr_step(v, path, (size_t)(dot - path));
		path = dot + 1;
	}
	return v ? attr_step(v, path, strlen(path)) : NULL;
}

/* ---- filters about undefined values ---- */

static json_t *f_default(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *dflt = jf_arg(call, 0, "default_value");
	json_t *boolean = jf_arg(call, 1, "boolean");

	(void)err;
	if (input && !(jinja_truthy(boolean) && !jinja_truthy(input)))
		return json_incref(input);
	return dflt ? json_incref(dflt) : json_string("");
}

static json_t *f_mandatory(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *msg = jf_arg(call, 0, "msg");

	if (input)
		return json_incref(input);
	if (json_is_string(msg))
		buf_setf(err, "%s", json_string_value(msg));
	else if (call->input_name)
		/* Ansible 2.14 prints two spaces here; keep its text byte for byte. */
		buf_setf(err, "Mandatory variable '%s'  not defined.", call->input_name);
	else
		buf_setf(err, "Mandatory variable not defined.");
	return NULL;
}

static json_t *f_type_debug(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	(void)err;
	return json_string(jf_type_name(input));
}

static json_t *f_ternary(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *yes = jf_arg(call, 0, "true_val"), *no = jf_arg(call, 1, "false_val");
	json_t *none = jf_arg(call, 2, "none_val"), *r;

	(void)err;
	if (json_is_null(input) && none && !json_is_null(none))
		r = none;
	else
		r = jinja_truthy(input) ? yes : no;
	return r ? json_incref(r) : json_null();
}

static const struct jf_filter core_filters[] = {
	{"default", f_default},	      {"d", f_default},	      {"mandatory", f_mandatory},
	{"type_debug", f_type_debug}, {"ternary", f_ternary},
};

const struct jf_filter_table jf_core_filters = {core_filters, ARRAY_SIZE(core_filters)};
