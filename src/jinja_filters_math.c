/*
 * Math and combinatorics: log, pow, root, product, permutations,
 * combinations, random, shuffle; and the lookups by key extract, items,
 * groupby.
 */
#include "jinja_filters.h"

#include <math.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

static json_t *want_number(json_t *v, const char *filter, struct buf *err)
{
	if (jf_is_number(v))
		return v;
	buf_setf(err, "%s() can only be used on numbers: must be real number, not %s", filter,
		 jf_type_name(v));
	return NULL;
}

static json_t *f_log(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jb = jf_arg(call, 0, "base");
	double x = jf_number(input);

	if (!want_number(input, "log", err))
		return NULL;
	if (x <= 0) {
		buf_setf(err, "log() can only be used on numbers: math domain error");
		return NULL;
	}
	if (!jb || json_is_string(jb))
		return json_real(log(x));
	if (jf_number(jb) == 10)
		return json_real(log10(x));
	return json_real(log(x) / log(jf_number(jb)));
}

static json_t *f_pow(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jx = jf_arg(call, 0, "x");

	if (!want_number(input, "pow", err) || !want_number(jx, "pow", err))
		return NULL;
	return json_real(pow(jf_number(input), jf_number(jx)));
}

static json_t *f_root(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jb = jf_arg(call, 0, "base");
	double base = jb ? jf_number(jb) : 2;

	if (!want_number(input, "root", err))
		return NULL;
	if (base == 2)
		return json_real(sqrt(jf_number(input)));
	return json_real(pow(jf_number(input), 1.0 / base));
}

/* itertools.product over the input and the arguments. */
static json_t *f_product(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *rows = json_pack("[[]]"), *l, *next, *row, *x, *items;
	size_t i, r, j;

	for (i = 0, l = input; l; l = json_array_get(call->args, i++)) {
		if (!(items = jf_iter(l))) {
			json_decref(rows);
			return jf_type_error(err, "product", "lists", l);
		}
		next = json_array();
		json_array_foreach(rows, r, row) {
			json_array_foreach(items, j, x) {
				json_t *nr = json_copy(row);

				json_array_append(nr, x);
				json_array_append_new(next, nr);
			}
		}
		json_decref(items);
		json_decref(rows);
		rows = next;
	}
	return rows;
}

/* Appends every r-length arrangement (ordered) or selection of items to out. */
static void arrange(json_t *out, json_t *items, json_t *cur, char *used, size_t start, size_t r,
		    int ordered)
{
	size_t i, n = json_array_size(items);

	if (json_array_size(cur) == r) {
		json_array_append_new(out, json_copy(cur));
		return;
	}
	for (i = ordered ? 0 : start; i < n; i++) {
		if (ordered && used[i])
			continue;
		used[i] = 1;
		json_array_append(cur, json_array_get(items, i));
		arrange(out, items, cur, used, i + 1, r, ordered);
		json_array_remove(cur, json_array_size(cur) - 1);
		used[i] = 0;
	}
}

static json_t *arrangements(json_t *input, const struct jinja_call *call, struct buf *err,
			    int ordered)
{
	json_t *items = jf_iter(input), *jr = jf_arg(call, 0, "r"), *out, *cur;
	size_t r;
	char *used;

	if (!items)
		return jf_type_error(err, ordered ? "permutations" : "combinations", "a list",
				     input);
	r = json_is_integer(jr) ? (size_t)json_integer_value(jr) : json_array_size(items);
	out = json_array();
	cur = json_array();
	used = xcalloc(json_array_size(items) + 1, 1);
	if (r <= json_array_size(items))
		arrange(out, items, cur, used, 0, r, ordered);
	free(used);
	json_decref(cur);
	json_decref(items);
	return out;
}

static json_t *f_permutations(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return arrangements(input, call, err, 1);
}

static json_t *f_combinations(json_t *input, const struct jinja_call *call, struct buf *err)
{
	if (!json_is_integer(jf_arg(call, 0, "r"))) {
		buf_setf(err, "combinations: the length r is required");
		return NULL;
	}
	return arrangements(input, call, err, 0);
}

/* A uniform random number below n (n > 0). Seeds are not honoured. */
static uint64_t random_below(uint64_t n)
{
	uint64_t x, limit = UINT64_MAX - UINT64_MAX % n;

	do {
		if (RAND_bytes((unsigned char *)&x, sizeof(x)) != 1)
			BUG("RAND_bytes failed");
	} while (x >= limit);
	return x % n;
}

static json_t *f_random(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *js = jf_arg(call, 0, "start"), *jstep = jf_arg(call, 1, "step"), *items, *r;
	long long start = json_is_integer(js) ? json_integer_value(js) : 0;
	long long step = json_is_integer(jstep) ? json_integer_value(jstep) : 1;
	long long end = json_integer_value(input);

	if (json_is_integer(input)) {
		if (step < 1 || end <= start) {
			buf_setf(err, "random: empty range for randrange(%lld, %lld, %lld)", start,
				 end, step);
			return NULL;
		}
		return json_integer(start +
				    step * (long long)random_below(
						   (uint64_t)((end - start + step - 1) / step)));
	}
	if (!(items = jf_iter(input)) || !json_array_size(items)) {
		json_decref(items);
		buf_setf(err, "random: cannot choose from an empty or non-list value");
		return NULL;
	}
	r = json_incref(json_array_get(items, random_below(json_array_size(items))));
	json_decref(items);
	return r;
}

static json_t *f_shuffle(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *items = jf_iter(input), *a, *b;
	size_t i, j;

	(void)call;
	if (!items || json_is_string(input)) {
		json_decref(items);
		return json_incref(input);
	}
	(void)err;
	for (i = json_array_size(items); i > 1; i--) {
		j = random_below(i);
		a = json_incref(json_array_get(items, i - 1));
		b = json_incref(json_array_get(items, j));
		json_array_set_new(items, i - 1, b);
		json_array_set_new(items, j, a);
	}
	return items;
}

/* container[item], then [morekey]... */
static json_t *f_extract(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *v = jf_arg(call, 0, "container"), *more = jf_arg(call, 1, "morekeys"), *k;
	json_t *keys = json_array();
	size_t i;

	json_array_append(keys, input);
	if (json_is_array(more))
		json_array_extend(keys, more);
	else if (more)
		json_array_append(keys, more);
	json_array_foreach(keys, i, k) {
		json_t *next = NULL;

		if (json_is_object(v) && json_is_string(k))
			next = json_object_get(v, json_string_value(k));
		else if (json_is_array(v) && json_is_integer(k))
			next = json_array_get(v, (size_t)json_integer_value(k));
		if (!next) {
			buf_setf(err, "extract: '%s object' has no element", jf_type_name(v));
			json_decref(keys);
			return NULL;
		}
		v = next;
	}
	json_decref(keys);
	return json_incref(v);
}

static json_t *f_items(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *out, *v;
	const char *k;

	(void)call;
	if (json_is_null(input))
		return json_array();
	if (!json_is_object(input))
		return jf_type_error(err, "items", "a mapping", input);
	out = json_array();
	json_object_foreach(input, k, v)
		json_array_append_new(out, json_pack("[sO]", k, v));
	return out;
}

static const struct jf_filter math_filters[] = {
	{"log", f_log},
	{"pow", f_pow},
	{"root", f_root},
	{"product", f_product},
	{"permutations", f_permutations},
	{"combinations", f_combinations},
	{"random", f_random},
	{"shuffle", f_shuffle},
	{"extract", f_extract},
	{"items", f_items},
};

const struct jf_filter_table jf_math_filters = {math_filters, ARRAY_SIZE(math_filters)};
