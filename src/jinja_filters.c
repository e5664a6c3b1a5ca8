/*
 * Jinja's and Ansible's filters: the name lookup over every table, the
 * helpers the filter files share (arguments, Python's truthiness, ordering
 * and equality) and the filters about undefined and types.
 */
#include "jinja_filters.h"

#include <errno.h>
#include <math.h>
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
		&jf_core_filters,
	};
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

int jf_truthy(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_TRUE:
		return 1;
	default:
		return 0;
	}
}

const char *jf_type_name(const json_t *v)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "dict", [JSON_ARRAY] = "list",   [JSON_STRING] = "str",
		[JSON_INTEGER] = "int", [JSON_REAL] = "float",   [JSON_TRUE] = "bool",
		[JSON_FALSE] = "bool",  [JSON_NULL] = "NoneType",
	};

	if (!v)
		return "AnsibleUndefined";
	return names[json_typeof(v)];
}

void jf_str(struct buf *out, const json_t *v)
{
	py_str(out, v);
}

double jf_number(const json_t *v)
{
	if (json_is_true(v))
		return 1;
	return json_number_value(v);
}

/* ---- filters about undefined and types ---- */

static json_t *f_default(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *dflt = jf_arg(call, 0, "default_value");
	json_t *boolean = jf_arg(call, 1, "boolean");

	(void)err;
	if (input && !(jf_truthy(boolean) && !jf_truthy(input)))
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
		buf_setf(err, "Mandatory variable '%s' not defined.", call->input_name);
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

static const struct jf_filter core_filters[] = {
	{ "default", f_default },
	{ "d", f_default },
	{ "mandatory", f_mandatory },
	{ "type_debug", f_type_debug },
};

const struct jf_filter_table jf_core_filters = { core_filters, ARRAY_SIZE(core_filters) };
