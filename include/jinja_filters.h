#ifndef DROVER_JINJA_FILTERS_H
#define DROVER_JINJA_FILTERS_H

#include <jansson.h>

#include "buf.h"
#include "jinja.h"

/*
 * Jinja's and Ansible's filters, tests and lookups, as tables the template
 * engine (jinja.c) consults by name. Values are jansson values; an
 * undefined input is NULL (only the filters default/d/mandatory and the
 * tests receive it; for other filters the engine reports the undefined
 * name before calling).
 */
struct jinja_call {
	const struct jinja_ctx *ctx;
	json_t *args;            /* positional arguments after the input: an array, never NULL */
	json_t *kwargs;          /* keyword arguments: an object, never NULL */
	const char *input_name;  /* the input's expression text when it is a name, else NULL */
};

/* Returns a new reference, or NULL with the reason in err. */
typedef json_t *(*jinja_filter_fn)(json_t *input, const struct jinja_call *call, struct buf *err);
/* Returns 1 or 0, or -1 with err set. */
typedef int (*jinja_test_fn)(json_t *input, const struct jinja_call *call, struct buf *err);
/* lookup('NAME', terms...): args are the terms. Returns a list (new reference) or NULL. */
typedef json_t *(*jinja_lookup_fn)(const struct jinja_call *call, struct buf *err);

/* Names as templates write them; also ansible.builtin.NAME. NULL when unknown. */
jinja_filter_fn jinja_filter_find(const char *name);
jinja_test_fn jinja_test_find(const char *name);
jinja_lookup_fn jinja_lookup_find(const char *name);

#endif
