#ifndef DROVER_JINJA_FILTERS_INT_H
#define DROVER_JINJA_FILTERS_INT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "jinja_filters.h"

/*
 * Private to jinja_filters*.c, jinja_tests*.c and jinja_lookups.c: each
 * file keeps its own name → function table; the *_find functions walk them.
 */
struct jf_filter {
	const char *name;
	jinja_filter_fn fn;
};

struct jf_lookup {
	const char *name;
	jinja_lookup_fn fn;
};

struct jf_lookup_table {
	const struct jf_lookup *v;
	size_t n;
};

extern const struct jf_lookup_table jf_file_lookups;
extern const struct jf_lookup_table jf_list_lookups;
extern const struct jf_lookup_table jf_password_lookups;

/* A lookup term that must be a string: its text, or NULL with err set. */
const char *jf_term_str(json_t *term, const char *lookup, struct buf *err);

struct jf_filter_table {
	const struct jf_filter *v;
	size_t n;
};

struct jf_test {
	const char *name;
	jinja_test_fn fn;
};

struct jf_test_table {
	const struct jf_test *v;
	size_t n;
};

extern const struct jf_filter_table jf_core_filters;
extern const struct jf_filter_table jf_str_filters;
extern const struct jf_filter_table jf_text_filters;
extern const struct jf_filter_table jf_list_filters;
extern const struct jf_filter_table jf_set_filters;
extern const struct jf_filter_table jf_seq_filters;
extern const struct jf_filter_table jf_json_filters;
extern const struct jf_filter_table jf_yaml_filters;
extern const struct jf_filter_table jf_regex_filters;
extern const struct jf_filter_table jf_fmt_filters;
extern const struct jf_filter_table jf_math_filters;
extern const struct jf_filter_table jf_misc_filters;
extern const struct jf_test_table jf_core_tests;
extern const struct jf_test_table jf_version_tests;

/* Positional argument i, or the keyword name (may be NULL); borrowed, NULL if absent. */
json_t *jf_arg(const struct jinja_call *call, size_t i, const char *name);
/* Python's type name: str, int, float, bool, list, dict, NoneType. */
const char *jf_type_name(const json_t *v);
/* A number (int, float or bool) as a double. */
double jf_number(const json_t *v);
/* Whether v is an int, float or bool (Python's numbers). */
int jf_is_number(const json_t *v);
/*
 * Python's ordering (numbers, strings, lists): sets *cmp to <0, 0, >0 and
 * returns 0, or -1 with Python's TypeError text in err. casefold compares
 * strings lowercased, as Jinja's sort and min do by default.
 */
int jf_compare(const json_t *a, const json_t *b, int casefold, int *cmp, struct buf *err);
/* Python's == (1 == 1.0 == True). */
int jf_equal(const json_t *a, const json_t *b);
/* Python's `x in seq` over a list, a dict's keys or a substring. */
int jf_contains(const json_t *seq, const json_t *x);
/* list(v): a list's items, a dict's keys, a string's characters; new array or NULL. */
json_t *jf_iter(const json_t *v);
/* Jinja's attribute path "a.b.0" of v; borrowed, NULL when missing. */
json_t *jf_attr(json_t *v, const char *path);
/* The error "NAME: expected a list, got int" style, naming the filter. */
json_t *jf_type_error(struct buf *err, const char *filter, const char *want, const json_t *got);
/* Regex flags of the filters and tests, as Python's re flags. */
#define JF_RE_IGNORECASE 1
#define JF_RE_MULTILINE 2
/*
 * Whether a Python regex matches s: mode "match" (anchored at the start),
 * "search" or "fullmatch". Returns 1 or 0, or -1 with err set.
 */
int jf_regex_test(const char *s, const char *pattern, int flags, const char *mode, struct buf *err);
/* The flags named by the keyword arguments ignorecase= and multiline=. */
int jf_regex_flags(const struct jinja_call *call);
/*
 * A lookup's file: NAME when absolute, else SEARCH/SUBDIR/NAME then
 * SEARCH/NAME for each search folder (the cwd when there are none).
 * A new string, or NULL when not found.
 */
char *jf_find_file(const struct jinja_ctx *ctx, const char *subdir, const char *name);
/* lookup('ini', ...) */
json_t *jf_lookup_ini(const struct jinja_call *call, struct buf *err);
/* lookup('csvfile', ...) */
json_t *jf_lookup_csvfile(const struct jinja_call *call, struct buf *err);
/* Number of Unicode code points in UTF-8 s. */
size_t jf_utf8_len(const char *s);

#endif
