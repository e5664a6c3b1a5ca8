#ifndef DROVER_JINJA_H
#define DROVER_JINJA_H

#include <jansson.h>

#include "buf.h"

/*
 * A Jinja2-compatible template engine over jansson values, typed as
 * ansible-core 2.14 types rendered values (not jinja2 native mode).
 *
 * Values are jansson values. Python's None is json null. Undefined (a
 * missing variable, key or attribute) is not a value: it is an error as
 * soon as it is printed or operated on ("'foo' is undefined", "'dict
 * object' has no attribute 'bar'"), except where Jinja allows it (the
 * default/d and mandatory filters, the defined/undefined tests, `is none`
 * and the other tests, `x is defined and ...` short-circuiting, attribute
 * chains `a.b.c`). As in Ansible (strict undefined), `if x` and `when: x`
 * on an undefined x are errors.
 *
 * Variable values are templates themselves, as in Ansible: a name that
 * resolves to a string (or a list/dict holding strings) containing "{{",
 * "{%" or "{#" is rendered on access with the same context, recursively
 * (a cycle is an error naming the variable, never a hang).
 *
 * Statements: if/elif/else, for (tuple targets, else, `if` filter, loop.*
 * and loop.cycle), set (also ns.attr on namespace() and block set), with,
 * filter, macro, include, import and from-import (along search_paths),
 * raw, comments, whitespace control and trim_blocks. Globals: range,
 * lookup, query/q, dict, namespace, now. Not supported: extends/block,
 * call blocks, recursive loops.
 */

struct jinja_ctx {
	json_t *vars;          /* the variables a template sees (borrowed) */
	const char *where;     /* for errors, e.g. "site.yml:12:5" or a path; may be NULL */
	/* Folders searched in order for relative paths of lookup('file'),
	 * lookup('template'), lookup('fileglob'); NULL-ended; NULL: the cwd. */
	const char *const *search_paths;
};

/*
 * Renders a template string the way Ansible templates a task argument or
 * a variable: "{{ x }}" alone, x a variable whose value is a bool, a number
 * or null, returns it unchanged; otherwise the output text is built, and if it starts with
 * '[' or '{', or is "True" / "False", it is parsed as a Python literal
 * (lists, dicts, bools come back as values; numbers stay strings).
 * A string without template markers is returned as is.
 * Returns a new reference, or NULL with the reason in err. The result may
 * share sub-values with ctx->vars: copy it (json_deep_copy) before
 * changing it in place.
 */
json_t *jinja_render(const struct jinja_ctx *ctx, const char *text, struct buf *err);

/*
 * Renders a template to text, for the template module and lookup('template'):
 * trim_blocks on (the newline after a block tag is removed), lstrip_blocks
 * off, a final newline of the source kept. Returns 0, or -1 with err set.
 */
int jinja_render_text(const struct jinja_ctx *ctx, const char *text, struct buf *out,
		      struct buf *err);

/*
 * Renders every string of a tree (mapping keys too) with jinja_render.
 * Returns a new reference, or NULL with err set.
 */
json_t *jinja_render_tree(const struct jinja_ctx *ctx, json_t *v, struct buf *err);

/*
 * Evaluates a bare expression, as when:, failed_when:, changed_when:,
 * until: and assert's that: hold them ("x is defined and x > 1").
 * Returns the value (new reference), or NULL with err set; undefined at
 * the top level is an error too.
 */
json_t *jinja_eval(const struct jinja_ctx *ctx, const char *expr, struct buf *err);

/*
 * Evaluates a condition as Ansible's when: does: a bare expression, or a
 * bool/number value; a string holding "{{ }}" is rendered first. Returns
 * 1 (true), 0 (false) or -1 with err set.
 */
int jinja_condition(const struct jinja_ctx *ctx, json_t *cond, struct buf *err);

/* Python truthiness: false, null, 0, 0.0, "", [], {} are false. */
int jinja_truthy(const json_t *v);

/* Whether s holds any template marker ("{{", "{%" or "{#"). */
int jinja_has_markers(const char *s);

/* str(v) as Python/Jinja prints a value into template output. */
void jinja_to_text(const json_t *v, struct buf *out);

#endif
