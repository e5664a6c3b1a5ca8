#ifndef DROVER_JINJA_FILTERS_INT_H
#define DROVER_JINJA_FILTERS_INT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "jinja_filters.h"

/*
 * Private to the jinja_filters*.c / jinja_tests.c / jinja_lookups.c files:
 * each file keeps its own name → function table; the *_find functions in
 * jinja_filters.c walk them.
 */
struct jf_filter {
	const char *name;
	jinja_filter_fn fn;
};

struct jf_test {
	const char *name;
	jinja_test_fn fn;
};

struct jf_lookup {
	const char *name;
	jinja_lookup_fn fn;
};

struct jf_filter_table {
	const struct jf_filter *v;
	size_t n;
};

extern const struct jf_filter_table jf_core_filters;
extern const struct jf_filter_table jf_str_filters;
extern const struct jf_filter_table jf_list_filters;
extern const struct jf_filter_table jf_data_filters;
extern const struct jf_filter_table jf_regex_filters;

/* Argument i (positional) or keyword name (may be NULL); borrowed, NULL if absent. */
json_t *jf_arg(const struct jinja_call *call, size_t i, const char *name);
/* Python truthiness (as jinja_truthy; kept here so the tables stand alone). */
int jf_truthy(const json_t *v);
/* Python's type name of a value: str, int, float, bool, list, dict, NoneType. */
const char *jf_type_name(const json_t *v);
/* str(v) appended to out. */
void jf_str(struct buf *out, const json_t *v);
/* A number as a double (ints, floats, bools); 0 when v is not a number. */
double jf_number(const json_t *v);
/* Python's ordering of two values: -1, 0, 1; -1 with err set... see jf_compare_err. */
int jf_compare(const json_t *a, const json_t *b, int casefold, struct buf *err, int *failed);
/* Python's == between values (1 == 1.0 == True). */
int jf_equal(const json_t *a, const json_t *b);
/* The items of an iterable (list; dict → keys; string → characters) as a new array, or NULL. */
json_t *jf_iter(const json_t *v);
/* "a|b" filter-name check helper: the test function called by name, for select/reject. */
int jf_run_test(const char *name, json_t *input, const struct jinja_call *call, size_t skip,
		struct buf *err);

#endif
