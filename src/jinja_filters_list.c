/*
 * Filters over lists and dicts: first, last, min, max, sum, sort, reverse,
 * dictsort, batch, slice, flatten, zip, dict2items, items2dict, combine.
 */
#include "jinja_filters.h"

#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* The items of an iterable input, or NULL with an error naming the filter. */
static json_t *items_of(json_t *input, const char *filter, struct buf *err)
{
	json_t *r = jf_iter(input);

	if (!r)
		buf_setf(err, "%s: '%s' object is not iterable", filter, jf_type_name(input));
	return r;
}

static json_t *f_first(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *items = items_of(input, "first", err), *r = NULL;

	(void)call;
	if (items && !json_array_size(items))
		buf_setf(err, "No first item, sequence was empty.");
	else if (items)
		r = json_incref(json_array_get(items, 0));
	json_decref(items);
	return r;
}

static json_t *f_last(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *items = items_of(input, "last", err), *r = NULL;

	(void)call;
	if (items && !json_array_size(items))
		buf_setf(err, "No last item, sequence was empty.");
	else if (items)
		r = json_incref(json_array_get(items, json_array_size(items) - 1));
	json_decref(items);
	return r;
}

/* How Jinja's sort, min and max order items: an attribute path list, case folding. */
struct sort_key {
	json_t *attrs; /* array of attribute path strings, or NULL */
	int casefold;
	int reverse;
	struct buf *err;
	int failed;
};

static int key_cmp(struct sort_key *k, json_t *a, json_t *b)
{
	size_t i, n = k->attrs ? json_array_size(k->attrs) : 1;
	int c = 0;

	for (i = 0; i < n && !c && !k->failed; i++) {
		json_t *x = a, *y = b;

		if (k->attrs) {
			x = jf_attr(a, json_string_value(json_array_get(k->attrs, i)));
			y = jf_attr(b, json_string_value(json_array_get(k->attrs, i)));
		}
		if (!x || !y) {
			buf_setf(k->err, "sort: an item has no attribute '%s'",
				 json_string_value(json_array_get(k->attrs, i)));
			k->failed = 1;
		} else if (jf_compare(x, y, k->casefold, &c, k->err) < 0) {
			k->failed = 1;
		}
	}
	return k->reverse ? -c : c;
}

/* A stable merge sort that stops comparing once a comparison failed. */
static void merge_sort(json_t **v, json_t **tmp, size_t n, struct sort_key *k)
{
	size_t mid = n / 2, i = 0, j = mid, o = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, mid, k);
	merge_sort(v + mid, tmp, n - mid, k);
	while (i < mid && j < n)
		tmp[o++] = key_cmp(k, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

/* "a.b,c" → ["a.b", "c"]; NULL when there is no attribute. */
static json_t *attr_list(json_t *jattr)
{
	json_t *out;
	const char *s, *comma;

	if (!json_is_string(jattr))
		return NULL;
	out = json_array();
	for (s = json_string_value(jattr);; s = comma + 1) {
		comma = strchrnul(s, ',');
		json_array_append_new(out, json_stringn(s, (size_t)(comma - s)));
		if (!*comma)
			return out;
	}
}

/* Sorts a new array of items in place; returns 0 or -1 with err set. */
static int sort_items(json_t *items, struct sort_key *k)
{
	size_t i, n = json_array_size(items);
	json_t **v = xcalloc(n + 1, sizeof(*v)), **tmp = xcalloc(n + 1, sizeof(*tmp));

	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(items, i));
	merge_sort(v, tmp, n, k);
	json_array_clear(items);
	for (i = 0; i < n; i++)
		json_array_append_new(items, v[i]);
	free(v);
	free(tmp);
	return k->failed ? -1 : 0;
}

static json_t *f_sort(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct sort_key k = {attr_list(jf_arg(call, 2, "attribute")),
			     !jinja_truthy(jf_arg(call, 1, "case_sensitive")),
			     jinja_truthy(jf_arg(call, 0, "reverse")), err, 0};
	json_t *items = items_of(input, "sort", err);

	if (items && sort_items(items, &k) < 0) {
		json_decref(items);
		items = NULL;
	}
	json_decref(k.attrs);
	return items;
}

static json_t *min_max(json_t *input, const struct jinja_call *call, struct buf *err, int want)
{
	struct sort_key k = {attr_list(jf_arg(call, 1, "attribute")),
			     !jinja_truthy(jf_arg(call, 0, "case_sensitive")), 0, err, 0};
	json_t *items = items_of(input, want < 0 ? "min" : "max", err), *best = NULL, *x;
	size_t i;

	json_array_foreach(items, i, x) {
		if (!best || key_cmp(&k, x, best) * want > 0)
			best = x;
	}
	if (items && !best)
		buf_setf(err, "No aggregated item, sequence was empty.");
	best = k.failed ? NULL : json_incref(best);
	json_decref(items);
	json_decref(k.attrs);
	return best;
}

static json_t *f_min(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return min_max(input, call, err, -1);
}

static json_t *f_max(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return min_max(input, call, err, 1);
}

/* Python's a + b for numbers and lists; a new reference or NULL with err set. */
static json_t *py_add(json_t *a, json_t *b, struct buf *err)
{
	json_t *r;

	if (json_is_integer(a) && json_is_integer(b))
		return json_integer(json_integer_value(a) + json_integer_value(b));
	if (jf_is_number(a) && jf_is_number(b)) {
		if (!json_is_real(a) && !json_is_real(b))
			return json_integer((json_int_t)(jf_number(a) + jf_number(b)));
		return json_real(jf_number(a) + jf_number(b));
	}
	if (json_is_array(a) && json_is_array(b)) {
		r = json_copy(a);
		json_array_extend(r, b);
		return r;
	}
	buf_setf(err, "unsupported operand type(s) for +: '%s' and '%s'", jf_type_name(a),
		 jf_type_name(b));
	return NULL;
}

static json_t *f_sum(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jattr = jf_arg(call, 0, "attribute"), *start = jf_arg(call, 1, "start");
	json_t *items = items_of(input, "sum", err), *acc, *x, *next;
	size_t i;

	if (!items)
		return NULL;
	acc = start ? json_incref(start) : json_integer(0);
	json_array_foreach(items, i, x) {
		if (json_is_string(jattr))
			x = jf_attr(x, json_string_value(jattr));
		next = x ? py_add(acc, x, err) : NULL;
		if (!x)
			buf_setf(err, "sum: an item has no attribute '%s'",
				 json_string_value(jattr));
		json_decref(acc);
		acc = next;
		if (!acc)
			break;
	}
	json_decref(items);
	return acc;
}

static json_t *f_reverse(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *items = items_of(input, "reverse", err), *out;
	struct buf s = BUF_INIT;
	size_t i, n;

	(void)call;
	if (!items)
		return NULL;
	n = json_array_size(items);
	out = json_array();
	for (i = n; i-- > 0;)
		json_array_append(out, json_array_get(items, i));
	json_decref(items);
	if (!json_is_string(input))
		return out;
	json_array_foreach(out, i, items)
		buf_addstr(&s, json_string_value(items));
	json_decref(out);
	out = json_stringn(s.buf, s.len);
	buf_release(&s);
	return out;
}

/* Jinja's groupby: sorted by the attribute, then [grouper, items] for each run of equal keys. */
static json_t *f_groupby(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jattr = jf_arg(call, 0, "attribute"), *dflt = jf_arg(call, 1, "default");
	struct sort_key k = {attr_list(jattr), !jinja_truthy(jf_arg(call, 2, "case_sensitive")), 0,
			     err, 0};
	json_t *items = items_of(input, "groupby", err), *out = NULL, *group = NULL, *x,
	       *prev = NULL;
	size_t i;

	if (!k.attrs || !items || dflt) {
		if (!k.attrs && items)
			buf_setf(err, "groupby: an attribute is required");
		else if (dflt && items)
			buf_setf(err, "groupby: default= is not supported");
		goto out;
	}
	if (sort_items(items, &k) < 0)
		goto out;
	out = json_array();
	json_array_foreach(items, i, x) {
		if (!prev || key_cmp(&k, prev, x) != 0) {
			json_t *key = jf_attr(x, json_string_value(jattr));

			group = json_array();
			json_array_append_new(out,
					      json_pack("[Oo]", key ? key : json_null(), group));
		}
		json_array_append(group, x);
		prev = x;
	}
out:
	json_decref(items);
	json_decref(k.attrs);
	return out;
}

static json_t *f_dictsort(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *by = jf_arg(call, 1, "by"), *pairs, *attrs;
	int by_value = json_is_string(by) && !strcmp(json_string_value(by), "value");
	struct sort_key k = {NULL, !jinja_truthy(jf_arg(call, 0, "case_sensitive")),
			     jinja_truthy(jf_arg(call, 2, "reverse")), err, 0};
	const char *key;
	json_t *v;

	if (!json_is_object(input))
		return jf_type_error(err, "dictsort", "a dict", input);
	pairs = json_array();
	json_object_foreach(input, key, v)
		json_array_append_new(pairs, json_pack("[sO]", key, v));
	attrs = json_pack("[s]", by_value ? "1" : "0");
	k.attrs = attrs;
	if (sort_items(pairs, &k) < 0) {
		json_decref(pairs);
		pairs = NULL;
	}
	json_decref(attrs);
	return pairs;
}

static json_t *f_batch(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jn = jf_arg(call, 0, "linecount"), *fill = jf_arg(call, 1, "fill_with");
	json_t *items = items_of(input, "batch", err), *out, *cur = NULL, *x;
	long long n = json_integer_value(jn);
	size_t i;

	if (!items)
		return NULL;
	if (n < 1) {
		json_decref(items);
		buf_setf(err, "batch: the line count must be a positive number");
		return NULL;
	}
	out = json_array();
	json_array_foreach(items, i, x) {
		if (!cur || (long long)json_array_size(cur) == n)
			json_array_append_new(out, cur = json_array());
		json_array_append(cur, x);
	}
	while (cur && fill && !json_is_null(fill) && (long long)json_array_size(cur) < n)
		json_array_append(cur, fill);
	json_decref(items);
	return out;
}

static json_t *f_slice(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *js = jf_arg(call, 0, "slices"), *fill = jf_arg(call, 1, "fill_with");
	json_t *items = items_of(input, "slice", err), *out, *part;
	long long slices = json_integer_value(js), per, extra, off = 0, s, i;

	if (!items)
		return NULL;
	if (slices < 1) {
		json_decref(items);
		buf_setf(err, "slice: the number of slices must be positive");
		return NULL;
	}
	per = (long long)json_array_size(items) / slices;
	extra = (long long)json_array_size(items) % slices;
	out = json_array();
	for (s = 0; s < slices; s++) {
		long long start = off + s * per;

		off += s < extra;
		part = json_array();
		for (i = start; i < off + (s + 1) * per; i++)
			json_array_append(part, json_array_get(items, (size_t)i));
		if (fill && !json_is_null(fill) && s >= extra)
			json_array_append(part, fill);
		json_array_append_new(out, part);
	}
	json_decref(items);
	return out;
}

static int skip_null(json_t *x)
{
	return json_is_null(x) || (json_is_string(x) && (!strcmp(json_string_value(x), "None") ||
							 !strcmp(json_string_value(x), "null")));
}

/* Ansible's flatten: levels < 0 means all the way down. */
static void flatten_into(json_t *out, json_t *list, long long levels, int skip_nulls)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x) {
		if (skip_nulls && skip_null(x))
			continue;
		if (json_is_array(x) && levels != 0)
			flatten_into(out, x, levels < 0 ? levels : levels - 1, skip_nulls);
		else
			json_array_append(out, x);
	}
}

static json_t *f_flatten(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jl = jf_arg(call, 0, "levels"), *jskip = jf_arg(call, 1, "skip_nulls");
	json_t *out;

	if (!json_is_array(input))
		return jf_type_error(err, "flatten", "a list", input);
	out = json_array();
	flatten_into(out, input, json_is_integer(jl) ? json_integer_value(jl) : -1,
		     jskip ? jinja_truthy(jskip) : 1);
	return out;
}

/* The input and every argument as lists, or NULL with err set. */
static json_t *zip_inputs(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *lists = json_array(), *l, *items;
	size_t i;

	for (i = 0, l = input; l; l = json_array_get(call->args, i++)) {
		if (!(items = items_of(l, "zip", err))) {
			json_decref(lists);
			return NULL;
		}
		json_array_append_new(lists, items);
	}
	return lists;
}

static json_t *zip_lists(json_t *input, const struct jinja_call *call, struct buf *err, int longest)
{
	json_t *lists = zip_inputs(input, call, err), *l, *out, *tuple, *x;
	json_t *fill = json_object_get(call->kwargs, "fillvalue");
	size_t i, j, n = longest ? 0 : (size_t)-1;

	if (!lists)
		return NULL;
	json_array_foreach(lists, i, l) {
		if (longest ? json_array_size(l) > n : json_array_size(l) < n)
			n = json_array_size(l);
	}
	out = json_array();
	for (j = 0; j < n; j++) {
		tuple = json_array();
		json_array_foreach(lists, i, l) {
			x = json_array_get(l, j);
			json_array_append_new(tuple, json_incref(x	? x
								 : fill ? fill
									: json_null()));
		}
		json_array_append_new(out, tuple);
	}
	json_decref(lists);
	return out;
}

static json_t *f_zip(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return zip_lists(input, call, err, 0);
}

static json_t *f_zip_longest(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return zip_lists(input, call, err, 1);
}

static json_t *f_dict2items(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *kn = jf_arg(call, 0, "key_name"), *vn = jf_arg(call, 1, "value_name");
	const char *kname = json_is_string(kn) ? json_string_value(kn) : "key";
	const char *vname = json_is_string(vn) ? json_string_value(vn) : "value";
	const char *key;
	json_t *out, *v;

	if (!json_is_object(input)) {
		buf_setf(err, "dict2items requires a dictionary, got <class '%s'> instead.",
			 jf_type_name(input));
		return NULL;
	}
	out = json_array();
	json_object_foreach(input, key, v)
		json_array_append_new(out, json_pack("{sssO}", kname, key, vname, v));
	return out;
}

static json_t *f_items2dict(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *kn = jf_arg(call, 0, "key_name"), *vn = jf_arg(call, 1, "value_name");
	const char *kname = json_is_string(kn) ? json_string_value(kn) : "key";
	const char *vname = json_is_string(vn) ? json_string_value(vn) : "value";
	struct buf key = BUF_INIT;
	json_t *out, *x, *k, *v;
	size_t i;

	if (!json_is_array(input)) {
		buf_setf(err, "items2dict requires a list, got <class '%s'> instead.",
			 jf_type_name(input));
		return NULL;
	}
	out = json_object();
	json_array_foreach(input, i, x) {
		k = json_object_get(x, kname);
		v = json_object_get(x, vname);
		if (!k || !v) {
			buf_setf(err, "items2dict: an item lacks the '%s' or '%s' key", kname,
				 vname);
			json_decref(out);
			out = NULL;
			break;
		}
		buf_reset(&key);
		py_str(&key, k);
		json_object_set(out, key.buf, v);
	}
	buf_release(&key);
	return out;
}

static const struct jf_filter list_filters[] = {
	{"first", f_first},
	{"last", f_last},
	{"min", f_min},
	{"max", f_max},
	{"sum", f_sum},
	{"sort", f_sort},
	{"reverse", f_reverse},
	{"groupby", f_groupby},
	{"dictsort", f_dictsort},
	{"batch", f_batch},
	{"slice", f_slice},
	{"flatten", f_flatten},
	{"zip", f_zip},
	{"zip_longest", f_zip_longest},
	{"dict2items", f_dict2items},
	{"items2dict", f_items2dict},
};

const struct jf_filter_table jf_list_filters = {list_filters, ARRAY_SIZE(list_filters)};
