/*
 * Filters that run other filters or tests over a list: map, select,
 * reject, selectattr, rejectattr. Jinja returns generators; Ansible
 * templates see lists, so lists are returned.
 */
#include "jinja_filters.h"

#include <string.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

/* A call with the arguments after the first skip ones. */
static void sub_call(struct jinja_call *sub, const struct jinja_call *call, size_t skip)
{
	size_t i;

	sub->ctx = call->ctx;
	sub->kwargs = call->kwargs;
	sub->input_name = NULL;
	sub->args = json_array();
	for (i = skip; i < json_array_size(call->args); i++)
		json_array_append(sub->args, json_array_get(call->args, i));
}

static json_t *map_attribute(json_t *items, json_t *jattr, json_t *dflt, struct buf *err)
{
	json_t *out = json_array(), *x, *v;
	size_t i;

	json_array_foreach(items, i, x) {
		v = jf_attr(x, json_string_value(jattr));
		if (!v && !dflt) {
			buf_setf(err, "'%s object' has no attribute '%s'", jf_type_name(x),
				 json_string_value(jattr));
			json_decref(out);
			return NULL;
		}
		json_array_append(out, v ? v : dflt);
	}
	return out;
}

static json_t *map_filter(json_t *items, const struct jinja_call *call, struct buf *err)
{
	json_t *jname = json_array_get(call->args, 0), *out, *x, *v;
	struct jinja_call sub;
	jinja_filter_fn fn;
	size_t i;

	if (!json_is_string(jname) || !(fn = jinja_filter_find(json_string_value(jname)))) {
		buf_setf(err, "No filter named '%s'.",
			 json_is_string(jname) ? json_string_value(jname) : "");
		return NULL;
	}
	sub_call(&sub, call, 1);
	out = json_array();
	json_array_foreach(items, i, x) {
		v = fn(x, &sub, err);
		if (!v) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, v);
	}
	json_decref(sub.args);
	return out;
}

static json_t *f_map(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jattr = json_object_get(call->kwargs, "attribute"), *items = jf_iter(input), *r;

	if (!items)
		return jf_type_error(err, "map", "a list", input);
	if (json_is_string(jattr))
		r = map_attribute(items, jattr, json_object_get(call->kwargs, "default"), err);
	else
		r = map_filter(items, call, err);
	json_decref(items);
	return r;
}

/*
 * select/reject (attr NULL) and selectattr/rejectattr: keeps the items for
 * which the test named by the argument at skip (or truthiness) is want.
 */
static json_t *select_items(json_t *input, const struct jinja_call *call, struct buf *err,
			    int by_attr, int want)
{
	json_t *items = jf_iter(input), *out = NULL, *x, *v, *jname, *jattr = NULL;
	jinja_test_fn fn = NULL;
	struct jinja_call sub;
	size_t i;
	int r;

	if (!items)
		return jf_type_error(err, want ? "select" : "reject", "a list", input);
	if (by_attr && !json_is_string(jattr = json_array_get(call->args, 0))) {
		buf_setf(err, "%s: an attribute name is required",
			 want ? "selectattr" : "rejectattr");
		goto out;
	}
	jname = json_array_get(call->args, by_attr);
	if (jname &&
	    !(fn = jinja_test_find(json_string_value(jname) ? json_string_value(jname) : ""))) {
		buf_setf(err, "No test named '%s'.",
			 json_string_value(jname) ? json_string_value(jname) : "");
		goto out;
	}
	sub_call(&sub, call, (size_t)by_attr + 1);
	out = json_array();
	json_array_foreach(items, i, x) {
		v = jattr ? jf_attr(x, json_string_value(jattr)) : x;
		r = fn ? fn(v, &sub, err) : jinja_truthy(v);
		if (r < 0 && jattr && !v)
			/* Jinja's undefined attribute fails the test with this text. */
			buf_setf(err, "'%s object' has no attribute '%s'", jf_type_name(x),
				 json_string_value(jattr));
		if (r < 0) {
			json_decref(out);
			out = NULL;
			break;
		}
		if (r == want)
			json_array_append(out, x);
	}
	json_decref(sub.args);
out:
	json_decref(items);
	return out;
}

static json_t *f_select(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return select_items(input, call, err, 0, 1);
}

static json_t *f_reject(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return select_items(input, call, err, 0, 0);
}

static json_t *f_selectattr(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return select_items(input, call, err, 1, 1);
}

static json_t *f_rejectattr(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return select_items(input, call, err, 1, 0);
}

/* Ansible's subelements filter: [item, sub] for each item of each item's list at a key path. */
static json_t *f_subelements(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jpath = jf_arg(call, 0, "subelements"), *items = jf_iter(input), *out, *item, *sub,
	       *x;
	int skip = jinja_truthy(jf_arg(call, 1, "skip_missing"));
	size_t i, j;

	if (!items || !json_is_string(jpath)) {
		json_decref(items);
		buf_setf(err, "subelements: expects a list of dicts and a key name");
		return NULL;
	}
	out = json_array();
	json_array_foreach(items, i, item) {
		sub = jf_attr(item, json_string_value(jpath));
		if (!sub && skip)
			continue;
		if (!json_is_array(sub)) {
			buf_setf(err,
				 sub ? "the key '%s' should point to a list"
				     : "could not find '%s' key in iterated item",
				 json_string_value(jpath));
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_foreach(sub, j, x)
			json_array_append_new(out, json_pack("[OO]", item, x));
	}
	json_decref(items);
	return out;
}

static const struct jf_filter seq_filters[] = {
	{"map", f_map},
	{"select", f_select},
	{"reject", f_reject},
	{"selectattr", f_selectattr},
	{"rejectattr", f_rejectattr},
	{"subelements", f_subelements},
};

const struct jf_filter_table jf_seq_filters = {seq_filters, ARRAY_SIZE(seq_filters)};
