/*
 * Lookups that shape lists for with_* loops: items, list, dict,
 * indexed_items, together, nested, subelements, sequence, random_choice.
 */
#include "jinja_filters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

/* items: the terms with lists among them opened one level. */
static json_t *l_items(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	size_t i;

	(void)err;
	json_array_foreach(call->args, i, term) {
		if (json_is_array(term))
			json_array_extend(out, term);
		else
			json_array_append(out, term);
	}
	return out;
}

static json_t *l_list(const struct jinja_call *call, struct buf *err)
{
	(void)err;
	return json_copy(call->args);
}

static json_t *l_dict(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *v;
	const char *k;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!json_is_object(term)) {
			buf_setf(err, "with_dict expects a dict");
			json_decref(out);
			return NULL;
		}
		json_object_foreach(term, k, v)
			json_array_append_new(out, json_pack("{sssO}", "key", k, "value", v));
	}
	return out;
}

/* The terms as one list: a single list term stands for its items. */
static json_t *term_list(const struct jinja_call *call)
{
	json_t *t = json_array_get(call->args, 0);

	if (json_array_size(call->args) == 1 && json_is_array(t))
		return json_incref(t);
	return json_incref(call->args);
}

static json_t *l_indexed_items(const struct jinja_call *call, struct buf *err)
{
	json_t *items = term_list(call), *out = json_array(), *x;
	size_t i;

	(void)err;
	json_array_foreach(items, i, x)
		json_array_append_new(out, json_pack("[IO]", (json_int_t)i, x));
	json_decref(items);
	return out;
}

static json_t *l_together(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *l;
	size_t i, j, n = 0;

	json_array_foreach(call->args, i, l) {
		if (!json_is_array(l)) {
			buf_setf(err, "with_together requires at least one element in each list");
			json_decref(out);
			return NULL;
		}
		if (json_array_size(l) > n)
			n = json_array_size(l);
	}
	for (j = 0; j < n; j++) {
		json_t *row = json_array();

		json_array_foreach(call->args, i, l) {
			json_t *x = json_array_get(l, j);

			json_array_append_new(row, x ? json_incref(x) : json_null());
		}
		json_array_append_new(out, row);
	}
	return out;
}

/* nested: every combination, first list outermost; list items open into the row. */
static json_t *l_nested(const struct jinja_call *call, struct buf *err)
{
	json_t *rows = json_pack("[[]]"), *l, *next, *row, *x;
	size_t i, r, j;

	json_array_foreach(call->args, i, l) {
		if (!json_is_array(l)) {
			buf_setf(err, "with_nested requires lists, got %s", jf_type_name(l));
			json_decref(rows);
			return NULL;
		}
		next = json_array();
		json_array_foreach(rows, r, row) {
			json_array_foreach(l, j, x) {
				json_t *nr = json_copy(row);

				if (json_is_array(x))
					json_array_extend(nr, x);
				else
					json_array_append(nr, x);
				json_array_append_new(next, nr);
			}
		}
		json_decref(rows);
		rows = next;
	}
	if (!json_array_size(call->args))
		json_array_clear(rows);
	return rows;
}

struct seq {
	long long start, end, stride, count;
	int has_end, has_count;
	const char *format;
};

static int seq_number(const char *s, size_t n, long long *out)
{
	char *tmp = xstrndup(s, n), *end;
	int r;

	errno = 0;
	*out = strtoll(tmp, &end, 0);
	r = *tmp && !*end && !errno ? 0 : -1;
	free(tmp);
	return r;
}

/* "[start-]end[/stride][:format]" */
static int seq_shortcut(struct seq *q, const char *s, struct buf *fmt)
{
	const char *colon = strchr(s, ':'), *slash, *dash;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (colon)
		buf_addstr(fmt, colon + 1);
	slash = memchr(s, '/', n);
	if (slash && seq_number(slash + 1, n - (size_t)(slash - s) - 1, &q->stride) < 0)
		return -1;
	if (slash)
		n = (size_t)(slash - s);
	dash = n ? memchr(s + 1, '-', n - 1) : NULL;
	if (dash && seq_number(s, (size_t)(dash - s), &q->start) < 0)
		return -1;
	q->has_end = 1;
	return dash ? seq_number(dash + 1, n - (size_t)(dash - s) - 1, &q->end)
		    : seq_number(s, n, &q->end);
}

static int seq_keyvals(struct seq *q, const char *s, struct buf *fmt)
{
	const char *p = s, *eq, *sp;
	long long v;

	while (*p) {
		p += strspn(p, " ");
		if (!*p)
			break;
		sp = strchrnul(p, ' ');
		eq = memchr(p, '=', (size_t)(sp - p));
		if (!eq)
			return -1;
		if (!strncmp(p, "format=", 7)) {
			buf_add(fmt, eq + 1, (size_t)(sp - eq - 1));
		} else if (seq_number(eq + 1, (size_t)(sp - eq - 1), &v) < 0) {
			return -1;
		} else if (!strncmp(p, "start=", 6)) {
			q->start = v;
		} else if (!strncmp(p, "end=", 4)) {
			q->end = v;
			q->has_end = 1;
		} else if (!strncmp(p, "stride=", 7)) {
			q->stride = v;
		} else if (!strncmp(p, "count=", 6)) {
			q->count = v;
			q->has_count = 1;
		} else {
			return -1;
		}
		p = sp;
	}
	return 0;
}

/* Python's "fmt % n" for one integer conversion: %[-0][width](d|i|o|x|X|s). */
static int seq_format(struct buf *out, const char *fmt, long long n, struct buf *err)
{
	const char *p = fmt;
	char digits[64];
	int left = 0, zero = 0, width = 0, used = 0, len;

	for (; *p; p++) {
		if (*p != '%') {
			buf_addch(out, *p);
			continue;
		}
		if (*++p == '%') {
			buf_addch(out, '%');
			continue;
		}
		for (; *p == '-' || *p == '0'; p++)
			*(*p == '-' ? &left : &zero) = 1;
		for (width = 0; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		if (used++ || !*p || !strchr("diouxXs", *p)) {
			buf_setf(err, "bad formatting string: %s", fmt);
			return -1;
		}
		if (*p == 'o' || *p == 'x' || *p == 'X')
			snprintf(digits, sizeof(digits),
				 *p == 'o'   ? "%llo"
				 : *p == 'x' ? "%llx"
					     : "%llX",
				 n < 0 ? (unsigned long long)-n : (unsigned long long)n);
		else
			snprintf(digits, sizeof(digits), "%lld", n < 0 ? -n : n);
		len = (int)strlen(digits) + (n < 0);
		for (; !left && !zero && len < width; width--)
			buf_addch(out, ' ');
		if (n < 0)
			buf_addch(out, '-');
		for (; !left && zero && len < width && *p != 's'; width--)
			buf_addch(out, '0');
		buf_addstr(out, digits);
		for (; left && len < width; width--)
			buf_addch(out, ' ');
	}
	return 0;
}

static int seq_check(struct seq *q, struct buf *err)
{
	if (q->has_count && q->has_end) {
		buf_setf(err, "can't specify both count and end in with_sequence");
		return -1;
	}
	if (q->has_count)
		q->end = q->start + q->count * q->stride - 1;
	else if (!q->has_end) {
		buf_setf(err, "must specify count or end in with_sequence");
		return -1;
	}
	if (q->stride > 0 && q->end < q->start) {
		buf_setf(err, "to count backwards make stride negative");
		return -1;
	}
	if (q->stride < 0 && q->end > q->start) {
		buf_setf(err, "to count forward don't make stride negative");
		return -1;
	}
	return 0;
}

static int seq_term(json_t *out, const char *term, struct buf *err)
{
	struct seq q = {1, 0, 1, 0, 0, 0, NULL};
	struct buf fmt = BUF_INIT, item = BUF_INIT;
	long long i;
	int r;

	r = strchr(term, '=') ? seq_keyvals(&q, term, &fmt) : seq_shortcut(&q, term, &fmt);
	if (r < 0)
		buf_setf(err, "unknown argument to with_sequence: %s", term);
	if (!fmt.len)
		buf_addstr(&fmt, "%d");
	if (!r && !(r = seq_check(&q, err)) && q.stride) {
		for (i = q.start; q.stride > 0 ? i <= q.end : i >= q.end; i += q.stride) {
			buf_reset(&item);
			if ((r = seq_format(&item, fmt.buf, i, err)) < 0)
				break;
			json_array_append_new(out, json_string(item.buf));
		}
	}
	buf_release(&fmt);
	buf_release(&item);
	return r;
}

static json_t *l_sequence(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	const char *s;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!(s = jf_term_str(term, "sequence", err)) || seq_term(out, s, err) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The sub-list at path ("a.b") in item, removed from item; NULL with err set, or when missing. */
static json_t *take_sublist(json_t *item, const char *path, int skip_missing, struct buf *err)
{
	const char *p = path, *dot;
	json_t *x, *list = NULL;
	char *key;

	for (;; p = dot + 1, item = x) {
		dot = strchrnul(p, '.');
		key = xstrndup(p, (size_t)(dot - p));
		x = json_object_get(item, key);
		if (!x && !skip_missing)
			buf_setf(err, "could not find '%s' key in iterated item", key);
		else if (x && *dot && !json_is_object(x))
			buf_setf(err, "the key %s should point to a dictionary", key);
		else if (x && !*dot && !json_is_array(x))
			buf_setf(err, "the key %s should point to a list", key);
		else if (x && !*dot) {
			list = json_incref(x);
			json_object_del(item, key);
		}
		free(key);
		if (!x || !*dot || err->len)
			return list;
	}
}

/* One item of subelements: a copy without the sub-list, paired with each of its items. */
static int sub_item(json_t *out, json_t *item, const char *path, int skip_missing, struct buf *err)
{
	json_t *copy = json_deep_copy(item), *list, *x;
	size_t i;

	buf_reset(err);
	list = take_sublist(copy, path, skip_missing, err);
	json_array_foreach(list, i, x)
		json_array_append_new(out, json_pack("[OO]", copy, x));
	json_decref(list);
	json_decref(copy);
	return err->len ? -1 : 0;
}

static json_t *l_subelements(const struct jinja_call *call, struct buf *err)
{
	json_t *items = json_array_get(call->args, 0), *path = json_array_get(call->args, 1);
	json_t *flags = json_array_get(call->args, 2), *out, *item;
	int skip = jinja_truthy(json_object_get(flags, "skip_missing"));
	size_t i;

	if (json_is_object(items))
		items = json_object_get(items, "results");
	if (!json_is_array(items) || !json_is_string(path)) {
		buf_setf(err, "subelements lookup expects a list, a key name and optional flags");
		return NULL;
	}
	out = json_array();
	json_array_foreach(items, i, item) {
		if (json_is_true(json_object_get(item, "skipped")))
			continue;
		if (sub_item(out, item, json_string_value(path), skip, err) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static json_t *l_random_choice(const struct jinja_call *call, struct buf *err)
{
	size_t n = json_array_size(call->args);
	unsigned char r[4];

	(void)err;
	if (!n)
		return json_array();
	if (RAND_bytes(r, sizeof(r)) != 1)
		BUG("RAND_bytes failed");
	return json_pack("[O]", json_array_get(call->args, ((size_t)r[0] << 24 |
							    (size_t)r[1] << 16 | (size_t)r[2] << 8 |
							    r[3]) % n));
}

static const struct jf_lookup list_lookups[] = {
	{"items", l_items},
	{"list", l_list},
	{"dict", l_dict},
	{"indexed_items", l_indexed_items},
	{"together", l_together},
	{"nested", l_nested},
	{"sequence", l_sequence},
	{"subelements", l_subelements},
	{"random_choice", l_random_choice},
};

const struct jf_lookup_table jf_list_lookups = {list_lookups, ARRAY_SIZE(list_lookups)};
