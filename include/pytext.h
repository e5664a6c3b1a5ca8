#ifndef DROVER_PYTEXT_H
#define DROVER_PYTEXT_H

#include <jansson.h>

#include "buf.h"

/*
 * Python's text forms of values, for output that must match Ansible's
 * byte for byte, and Python literal parsing for INI inventory values.
 */

/* str(v) as Python prints it (strings bare, inside containers repr'd). */
void py_str(struct buf *out, const json_t *v);
/* json.dumps(v, sort_keys=True, indent=4, ensure_ascii=False). */
void py_json_dump(struct buf *out, const json_t *v);
/*
 * ast.literal_eval(s) for the literals JSON can hold: numbers, strings,
 * True/False/None, lists, tuples, sets (as arrays) and dicts. Returns a new
 * value, or NULL when s is not such a literal (the caller keeps the text).
 */
json_t *py_literal(const char *s);

#endif
