#ifndef DROVER_JINJA_INT_H
#define DROVER_JINJA_INT_H

/*
 * The template engine's insides, shared by jinja_lex.c (text to tokens),
 * jinja_parse.c (tokens to a tree), jinja_eval.c and jinja_ops.c
 * (expressions), jinja_call.c (functions and methods) and jinja.c
 * (statements and the public entry points). Nothing outside these files
 * includes it.
 */

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "jinja.h"
#include "jinja_filters.h"

/* ---- arena: a parsed template's nodes and strings die together ---- */

struct jarena_chunk;
struct jarena {
	struct jarena_chunk *head;
};

void *jarena_alloc(struct jarena *a, size_t n);
char *jarena_strndup(struct jarena *a, const char *s, size_t n);
void jarena_release(struct jarena *a);

/* ---- tokens ---- */

enum jtok {
	JT_EOF,
	JT_DATA,	/* text between tags, whitespace control applied */
	JT_VAR_BEGIN,	/* {{ */
	JT_VAR_END,	/* }} */
	JT_BLOCK_BEGIN, /* {% */
	JT_BLOCK_END,	/* %} */
	JT_NAME,
	JT_STRING,
	JT_INT,
	JT_FLOAT,
	JT_OP, /* operators and punctuation; op holds the text */
};

struct jtoken {
	enum jtok type;
	size_t pos;	 /* byte offset in the source, for error messages */
	const char *str; /* DATA: into the source; NAME, STRING: arena copy */
	size_t len;	 /* of str */
	char op[4];
	json_int_t i;
	double d;
};

/* Lexer flags. */
#define JLEX_ESCAPE_BACKSLASHES 1 /* string literals in {{ }} keep backslashes (task args) */
#define JLEX_EXPRESSION 2	  /* the whole text is one bare expression */

/*
 * Splits the len bytes of src into tokens (a JT_EOF last). Returns 0, or -1
 * with the reason (and position) in err. *toks is xmalloc'd; strings live
 * in the arena.
 */
int jlex(const char *src, size_t len, int flags, struct jarena *arena, struct jtoken **toks,
	 size_t *ntoks, struct buf *err);

/* Sets err to "template error while templating string: MSG (line L, column C)"; returns -1. */
int jsyntax_error(struct buf *err, const char *src, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- tree ---- */

enum jnode_type {
	/* statements */
	JN_DATA,
	JN_OUTPUT,   /* {{ a }} */
	JN_IF,	     /* a: condition, body, orelse (an elif is an IF alone in orelse) */
	JN_FOR,	     /* targets in a FOR: a: iterable, c: filter, body, orelse */
	JN_SET,	     /* targets = a; name set: ns.name = a */
	JN_SETBLOCK, /* {% set x %}body{% endset %} */
	JN_INCLUDE,  /* {% include a [ignore missing] %}: negate is "ignore missing" */
	JN_MACRO, /* {% macro name(targets) %}body: args: defaults (CONSTs without value: none) */
	JN_WITH,  /* {% with targets = args %}body{% endwith %} */
	JN_FILTERBLOCK, /* {% filter a %}body{% endfilter %}: a reads the body as JFILTER_BODY */
	JN_IMPORT,	/* {% import a as name %}, or with targets {% from a import targets %} */
	/* expressions */
	JN_CONST,  /* value */
	JN_NAME,   /* name */
	JN_LIST,   /* args: the items */
	JN_DICT,   /* args: key, value, key, value... */
	JN_ATTR,   /* a.name */
	JN_ITEM,   /* a[b] */
	JN_SLICE,  /* a[args: start, stop, step] (NULL-valued CONSTs when left out) */
	JN_CALL,   /* a(args) */
	JN_FILTER, /* a | name(args) */
	JN_TEST,   /* a is [not] name(args) */
	JN_BINOP,  /* a op b: + - * / // % ** */
	JN_CONCAT, /* a ~ b */
	JN_CMP,	   /* a op b: == != < > <= >= in, "not in" as op "ni" */
	JN_NEG,
	JN_POS,
	JN_NOT,
	JN_AND,
	JN_OR,
	JN_COND, /* b if a else c (c may be NULL) */
};

struct jnode {
	enum jnode_type type;
	char op[4];
	int negate; /* TEST: "is not" */
	size_t pos;
	const char *name;
	const char *kw;	  /* an argument given as kw=value */
	json_t *value;	  /* CONST: borrowed from the template's consts */
	const char *text; /* DATA: into the source */
	size_t len;
	struct jnode *a, *b, *c;
	struct jnode *args; /* a list linked by next */
	struct jnode *body, *orelse;
	struct jnode *next;
	const char **targets; /* FOR, SET: the names assigned */
	size_t ntargets;
	jinja_filter_fn filter;
	jinja_test_fn test;
};

/* The name a filter block's body is bound to (no template can spell it). */
#define JFILTER_BODY " filter body"

struct jtemplate {
	struct jarena arena;
	struct jnode *body; /* statements; for an expression: one node */
	json_t *consts;	    /* keeps CONST values alive */
	const char *src;
};

/*
 * Parses src (a template, or with JLEX_EXPRESSION a bare expression).
 * Returns 0, or -1 with "template error while templating string: ..." in err.
 * jtemplate_release frees t's insides in both cases.
 */
int jtemplate_parse(struct jtemplate *t, const char *src, size_t len, int flags, struct buf *err);
void jtemplate_release(struct jtemplate *t);

/* ---- evaluation ---- */

struct jloop {
	json_t *items;
	size_t i;
};

struct jscope {
	struct jscope *parent;
	json_t *vars; /* set here; NULL until the first set */
	struct jloop *loop;
};

/* A variable's string being rendered: a repeat is a cycle. */
struct jrendering {
	const json_t *s;
	const char *name;
	struct jrendering *up;
};

struct jenv {
	const struct jinja_ctx *ctx;
	struct buf *err;
	int err_undef; /* the error in err is an undefined value's */
	struct jscope *scope;
	struct jrendering *rendering;
	int depth;	       /* nested renders of variables */
	json_t *namespaces;    /* namespace() objects, the only ones set may change */
	struct jmacro *macros; /* {% macro %}s defined or imported so far, latest last */
	size_t nmacros, amacros;
	const struct jnode *module; /* the imported template whose macro runs (for its siblings) */
	struct jtemplate **imports; /* imported templates, alive as long as the render */
	size_t nimports, aimports;
};

struct jmacro {
	const char *name; /* as called: "m" or, imported as ns, "ns.m" */
	const struct jnode *node;
	const struct jnode *module; /* the body of the template it comes from, or NULL */
};

/*
 * An expression's value. v is a new reference, or NULL when undefined (undef
 * then says why; NULL undef is a silent undefined that prints as nothing).
 * A value read from a variable keeps root (the variable's name) until its
 * templates are rendered by jval_use: a.b.c renders only c. A value
 * reached through hostvars[H] renders with H's variables (scope_vars),
 * as Ansible renders another host's variables in that host's context.
 */
struct jval {
	json_t *v;
	char *undef;
	const char *root;
	int silent;         /* x if false (no else): prints as nothing */
	int is_hostvars;    /* v is the hostvars mapping itself */
	json_t *scope_vars; /* borrowed: the variables v's templates render with, or NULL */
};

#define JVAL_INIT                                                                                  \
	{                                                                                          \
		NULL, NULL, NULL, 0, 0, NULL                                                       \
	}

void jval_release(struct jval *jv);
void jval_set_undef(struct jval *jv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets err (not an undefined error); returns -1. */
int jerr(struct jenv *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports jv's undefinedness as the error; returns -1. */
int jerr_undef(struct jenv *e, const struct jval *jv);

int jeval(struct jenv *e, const struct jnode *n, struct jval *out);
/* Renders the templates a variable's value holds. Returns 0 or -1. */
int jval_use(struct jenv *e, struct jval *jv);
/* jeval + jval_use; undefined is an error. *out is a new reference. */
int jeval_value(struct jenv *e, const struct jnode *n, json_t **out);
/* Evaluates an argument list into args (array) and kwargs (object). */
int jeval_args(struct jenv *e, const struct jnode *first, json_t *args, json_t *kwargs);

/* Whether a string anywhere in v (keys too) holds a template marker. */
int jvalue_has_markers(const json_t *v);
/* Renders a variable's value (strings through jinja_render rules), borrowed v. */
json_t *jrender_var(struct jenv *e, json_t *v, const char *name);
/* Renders statements into out. */
int jrender_body(struct jenv *e, const struct jnode *body, struct buf *out);

/* ---- include and macros (jinja_include.c) ---- */

int jrender_include(struct jenv *e, const struct jnode *n, struct buf *out);
int jrender_import(struct jenv *e, const struct jnode *n);
void jmacro_define(struct jenv *e, const struct jnode *n);
void jimports_release(struct jenv *e);
/* name(args) for a macro: 1 with *out set, 0 when there is no such macro, -1 on error. */
int jmacro_call(struct jenv *e, const char *name, json_t *args, json_t *kwargs, json_t **out);

/* ---- operators (jinja_ops.c) ---- */

/* Python's type name of a value: "int", "str", "dict", "NoneType"... */
const char *jtype_name(const json_t *v);
/* Jinja's "'dict object'" / "'None'" words for attribute errors. */
void jtype_object(const json_t *v, struct buf *out);
/* Python ==, 1 == 1.0 == True included. */
int jop_eq(const json_t *a, const json_t *b);
/* a OP b for + - * / // % **; new reference or NULL with err. */
json_t *jop_arith(const char *op, json_t *a, json_t *b, struct buf *err);
/* < > <= >=: 1 or 0, or -1 with err (unorderable types). */
int jop_order(const char *op, const json_t *a, const json_t *b, struct buf *err);
/* item in container: 1 or 0, or -1 with err. */
int jop_in(const json_t *item, const json_t *container, struct buf *err);
/* A container's items for a for loop or a join: a new array, or NULL with err. */
json_t *jop_iterable(json_t *v, struct buf *err);
/* The number of code points of a UTF-8 string, and its characters as an array. */
json_t *jop_chars(const char *s);
/* a[start:stop:step] on a list or str; new reference or NULL with err. */
json_t *jop_slice(json_t *v, json_t *start, json_t *stop, json_t *step, struct buf *err);
/* A json real or NULL with err when it is not finite. */
json_t *jop_real(double d, struct buf *err);

/* ---- functions and methods (jinja_call.c) ---- */

/* name(args): range, lookup, query/q, dict, namespace. 1: handled, 0: unknown, -1: error. */
int jcall_global(struct jenv *e, const char *name, json_t *args, json_t *kwargs, json_t **out);
/* obj.name(args): str, dict and list methods. 1: handled, 0: no such method, -1: error. */
int jcall_method(struct jenv *e, json_t *obj, const char *name, json_t *args, json_t *kwargs,
		 json_t **out);

#endif
