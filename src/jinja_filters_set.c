/*
 * Set-like filters over lists, keeping the first occurrence's order as
 * Ansible does (unique, union, intersect, difference,
 * symmetric_difference), and combine (Ansible's merge of dicts).
 */
#include "jinja_filters.h"

#include <string.h>
#include <strings.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

static int same(const json_t *a, const json_t *b, int casefold)
{
	if (casefold && json_is_string(a) && json_is_string(b))
		return !strcasecmp(json_string_value(a), json_string_value(b));
	return jf_equal(a, b);
}

static int has(const json_t *list, const json_t *x, const char *attr, int casefold)
{
	size_t i;
	json_t *y;

	json_array_foreach(list, i, y) {
		if (attr) {
			json_t *ka = jf_attr((json_t *)x, attr), *kb = jf_attr(y, attr);

			if (ka && kb && same(ka, kb, casefold))
				return 1;
		} else if (same(x, y, casefold)) {
			return 1;
		}
	}
	return 0;
}

/* The items of list not yet in out (by attr, case folded or not), appended to out. */
static void add_unique(json_t *out, json_t *list, const char *attr, int casefold)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
		if (!has(out, x, attr, casefold))
			json_array_append(out, x);
}

static json_t *list_arg(json_t *v, const char *filter, struct buf *err)
{
	json_t *r = jf_iter(v);

	if (!r)
		buf_setf(err, "%s: expected a list, got %s", filter, jf_type_name(v));
	return r;
}

static json_t *f_unique(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jattr = jf_arg(call, 1, "attribute");
	json_t *items = list_arg(input, "unique", err), *out;

	if (!items)
		return NULL;
	out = json_array();
	add_unique(out, items, json_string_value(jattr),
		   !jinja_truthy(jf_arg(call, 0, "case_sensitive")));
	json_decref(items);
	return out;
}

/* Runs op over the input and the first argument as lists. */
static json_t *two_lists(json_t *input, const struct jinja_call *call, struct buf *err,
			 const char *name, json_t *(*op)(json_t *a, json_t *b))
{
	json_t *a = list_arg(input, name, err), *b = NULL, *r = NULL;

	if (a)
		b = list_arg(json_array_get(call->args, 0), name, err);
	if (a && b)
		r = op(a, b);
	json_decref(a);
	json_decref(b);
	return r;
}

static json_t *op_union(json_t *a, json_t *b)
{
	json_t *out = json_array();

	add_unique(out, a, NULL, 0);
	add_unique(out, b, NULL, 0);
	return out;
}

static json_t *op_intersect(json_t *a, json_t *b)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (has(b, x, NULL, 0) && !has(out, x, NULL, 0))
			json_array_append(out, x);
	return out;
}

static json_t *op_difference(json_t *a, json_t *b)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (!has(b, x, NULL, 0) && !has(out, x, NULL, 0))
			json_array_append(out, x);
	return out;
}

static json_t *op_symmetric(json_t *a, json_t *b)
{
	json_t *both = op_intersect(a, b), *all = op_union(a, b);
	json_t *out = op_difference(all, both);

	json_decref(both);
	json_decref(all);
	return out;
}

static json_t *f_union(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return two_lists(input, call, err, "union", op_union);
}

static json_t *f_intersect(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return two_lists(input, call, err, "intersect", op_intersect);
}

static json_t *f_difference(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return two_lists(input, call, err, "difference", op_difference);
}

static json_t *f_symmetric_difference(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return two_lists(input, call, err, "symmetric_difference", op_symmetric);
}

enum list_merge { LM_REPLACE, LM_KEEP, LM_APPEND, LM_PREPEND, LM_APPEND_RP, LM_PREPEND_RP };

static json_t *merge_lists(json_t *x, json_t *y, enum list_merge how)
{
	json_t *out = json_array(), *rest = op_difference(x, y);

	switch (how) {
	case LM_KEEP:
		json_array_extend(out, x);
		break;
	case LM_APPEND:
		json_array_extend(out, x);
		json_array_extend(out, y);
		break;
	case LM_PREPEND:
		json_array_extend(out, y);
		json_array_extend(out, x);
		break;
	case LM_APPEND_RP:
		json_array_extend(out, rest);
		json_array_extend(out, y);
		break;
	case LM_PREPEND_RP:
		json_array_extend(out, y);
		json_array_extend(out, rest);
		break;
	default:
		json_array_extend(out, y);
	}
	json_decref(rest);
	return out;
}

/* Ansible's merge of y into a copy of x; nested dicts merge only when recursive. */
static json_t *merge_dicts(json_t *x, json_t *y, int recursive, enum list_merge how)
{
	json_t *out = json_copy(x), *xv, *yv;
	const char *k;

	json_object_foreach(y, k, yv) {
		xv = json_object_get(out, k);
		if (json_is_object(xv) && json_is_object(yv) && recursive)
			json_object_set_new(out, k, merge_dicts(xv, yv, recursive, how));
		else if (json_is_array(xv) && json_is_array(yv))
			json_object_set_new(out, k, merge_lists(xv, yv, how));
		else
			json_object_set(out, k, yv);
	}
	return out;
}

static int list_merge_mode(json_t *v, enum list_merge *how, struct buf *err)
{
	static const char *const names[] = {"replace", "keep",	    "append",
					    "prepend", "append_rp", "prepend_rp"};
	size_t i;

	*how = LM_REPLACE;
	if (!v)
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (json_is_string(v) && !strcmp(json_string_value(v), names[i])) {
			*how = (enum list_merge)i;
			return 0;
		}
	}
	buf_setf(err, "'%s' is not a valid list_merge value",
		 json_is_string(v) ? json_string_value(v) : "?");
	return -1;
}

/* The dicts to combine, lists among them flattened. */
static void collect_dicts(json_t *out, json_t *v)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v)) {
		json_array_append(out, v);
		return;
	}
	json_array_foreach(v, i, x)
		collect_dicts(out, x);
}

static json_t *f_combine(json_t *input, const struct jinja_call *call, struct buf *err)
{
	int recursive = jinja_truthy(json_object_get(call->kwargs, "recursive"));
	json_t *dicts = json_array(), *acc = NULL, *d, *next;
	enum list_merge how;
	size_t i;

	if (list_merge_mode(json_object_get(call->kwargs, "list_merge"), &how, err) < 0)
		goto out;
	collect_dicts(dicts, input);
	collect_dicts(dicts, call->args);
	acc = json_object();
	json_array_foreach(dicts, i, d) {
		if (!json_is_object(d)) {
			buf_setf(err, "failed to combine variables, expected dicts but got a '%s'",
				 jf_type_name(d));
			json_decref(acc);
			acc = NULL;
			goto out;
		}
		next = merge_dicts(acc, d, recursive, how);
		json_decref(acc);
		acc = next;
	}
out:
	json_decref(dicts);
	return acc;
}

static const struct jf_filter set_filters[] = {
	{"unique", f_unique},
	{"union", f_union},
	{"intersect", f_intersect},
	{"difference", f_difference},
	{"symmetric_difference", f_symmetric_difference},
	{"combine", f_combine},
};

const struct jf_filter_table jf_set_filters = {set_filters, ARRAY_SIZE(set_filters)};
