/*
 * The template parser: tokens to a tree of statements and expressions, by
 * recursive descent with Jinja's precedence (lowest first): x if c else y,
 * or, and, not, comparisons and in, + -, ~, * / // %, **, unary - +, then
 * postfix .attr [index] [a:b] (call) and | filter / is test.
 */
#include "jinja_int.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct parser {
	struct jtemplate *t;
	struct jtoken *tok;
	size_t n, i;
	struct buf *err;
	int failed;
	int depth; /* nesting, bounded so that no input can exhaust the stack */
};

#define PARSE_MAX_DEPTH 200

static struct jnode *parse_expr(struct parser *p);
static struct jnode *parse_or(struct parser *p);
static struct jnode *parse_unary(struct parser *p, int with_filter);
static struct jnode *parse_body(struct parser *p, const char *const *ends, const char **which);

static struct jtoken *cur(struct parser *p)
{
	return &p->tok[p->i];
}

static void advance(struct parser *p)
{
	if (p->i + 1 < p->n)
		p->i++;
}

static int is_op(struct parser *p, const char *op)
{
	return cur(p)->type == JT_OP && !strcmp(cur(p)->op, op);
}

static int is_name(struct parser *p, const char *name)
{
	return cur(p)->type == JT_NAME && !strcmp(cur(p)->str, name);
}

static void describe(const struct jtoken *t, struct buf *out)
{
	switch (t->type) {
	case JT_VAR_END:
		buf_addstr(out, "end of print statement");
		break;
	case JT_BLOCK_END:
		buf_addstr(out, "end of statement block");
		break;
	case JT_EOF:
		buf_addstr(out, "end of template");
		break;
	case JT_NAME:
		buf_addf(out, "%s", t->str);
		break;
	case JT_OP:
		buf_addstr(out, t->op);
		break;
	case JT_STRING:
		buf_addstr(out, "string");
		break;
	case JT_INT:
		buf_addstr(out, "integer");
		break;
	case JT_FLOAT:
		buf_addstr(out, "float");
		break;
	default:
		buf_addstr(out, "text");
		break;
	}
}

/* Records the first syntax error; returns NULL so callers can bail out. */
static struct jnode *fail(struct parser *p, const char *what)
{
	struct buf d = BUF_INIT;

	if (!p->failed) {
		describe(cur(p), &d);
		if (what)
			jsyntax_error(p->err, p->t->src, cur(p)->pos, "%s, got '%s'", what, d.buf);
		else
			jsyntax_error(p->err, p->t->src, cur(p)->pos, "unexpected '%s'", d.buf);
	}
	p->failed = 1;
	buf_release(&d);
	return NULL;
}

static int expect_op(struct parser *p, const char *op)
{
	char what[32];

	if (is_op(p, op)) {
		advance(p);
		return 0;
	}
	snprintf(what, sizeof(what), "expected token '%s'", op);
	fail(p, what);
	return -1;
}

static int expect_type(struct parser *p, enum jtok type, const char *what)
{
	if (cur(p)->type == type) {
		advance(p);
		return 0;
	}
	fail(p, what);
	return -1;
}

static struct jnode *node_new(struct parser *p, enum jnode_type type)
{
	struct jnode *n = jarena_alloc(&p->t->arena, sizeof(*n));

	n->type = type;
	n->pos = cur(p)->pos;
	return n;
}

static struct jnode *node_const(struct parser *p, json_t *v)
{
	struct jnode *n = node_new(p, JN_CONST);

	json_array_append_new(p->t->consts, v);
	n->value = v;
	return n;
}

static struct jnode *node_bin(struct parser *p, enum jnode_type type, const char *op,
			      struct jnode *a, struct jnode *b)
{
	struct jnode *n;

	if (!a || !b)
		return NULL;
	n = node_new(p, type);
	n->pos = a->pos;
	snprintf(n->op, sizeof(n->op), "%s", op);
	n->a = a;
	n->b = b;
	return n;
}

/* ---- expressions ---- */

/* Arguments up to ")" (the "(" eaten): positional, then name=value. */
static int parse_args(struct parser *p, struct jnode **first)
{
	struct jnode **tail = first, *a;

	while (!is_op(p, ")")) {
		const char *kw = NULL;

		if (cur(p)->type == JT_NAME && p->tok[p->i + 1].type == JT_OP &&
		    !strcmp(p->tok[p->i + 1].op, "=")) {
			kw = cur(p)->str;
			advance(p);
			advance(p);
		}
		a = parse_expr(p);
		if (!a)
			return -1;
		a->kw = kw;
		*tail = a;
		tail = &a->next;
		if (!is_op(p, ",") && !is_op(p, ")"))
			return expect_op(p, ")");
		if (is_op(p, ","))
			advance(p);
	}
	advance(p);
	return 0;
}

/* Items up to close (the opener eaten); dicts take key: value pairs. */
static struct jnode *parse_seq(struct parser *p, enum jnode_type type, const char *close)
{
	struct jnode *n = node_new(p, type), **tail = &n->args, *a;

	while (!is_op(p, close)) {
		a = parse_expr(p);
		if (!a)
			return NULL;
		*tail = a;
		tail = &a->next;
		if (type == JN_DICT) {
			if (expect_op(p, ":") || !(a = parse_expr(p)))
				return NULL;
			*tail = a;
			tail = &a->next;
		}
		if (!is_op(p, ","))
			break;
		advance(p);
	}
	return expect_op(p, close) ? NULL : n;
}

/* "(" eaten: a parenthesised expression, or a tuple (as a list). */
static struct jnode *parse_paren(struct parser *p)
{
	struct jnode *n, *first;

	if (is_op(p, ")")) {
		advance(p);
		return node_new(p, JN_LIST);
	}
	first = parse_expr(p);
	if (!first)
		return NULL;
	if (is_op(p, ")")) {
		advance(p);
		return first;
	}
	if (!is_op(p, ","))
		return expect_op(p, ")") ? NULL : first;
	advance(p);
	n = parse_seq(p, JN_LIST, ")");
	if (n) {
		first->next = n->args;
		n->args = first;
	}
	return n;
}

static struct jnode *parse_name(struct parser *p)
{
	const char *s = cur(p)->str;
	struct jnode *n;

	if (!strcmp(s, "true") || !strcmp(s, "True"))
		n = node_const(p, json_true());
	else if (!strcmp(s, "false") || !strcmp(s, "False"))
		n = node_const(p, json_false());
	else if (!strcmp(s, "none") || !strcmp(s, "None"))
		n = node_const(p, json_null());
	else {
		n = node_new(p, JN_NAME);
		n->name = s;
	}
	advance(p);
	return n;
}

static struct jnode *parse_strings(struct parser *p)
{
	struct buf b = BUF_INIT;
	struct jnode *n;

	/* 'a' 'b' is 'ab', as in Python */
	while (cur(p)->type == JT_STRING) {
		buf_add(&b, cur(p)->str, cur(p)->len);
		advance(p);
	}
	n = node_const(p, json_stringn(b.buf, b.len));
	buf_release(&b);
	return n;
}

static struct jnode *parse_primary(struct parser *p)
{
	struct jtoken *t = cur(p);
	struct jnode *n;

	switch (t->type) {
	case JT_NAME:
		return parse_name(p);
	case JT_STRING:
		return parse_strings(p);
	case JT_INT:
		n = node_const(p, json_integer(t->i));
		advance(p);
		return n;
	case JT_FLOAT:
		n = node_const(p, json_real(t->d));
		advance(p);
		return n;
	case JT_OP:
		advance(p);
		if (!strcmp(t->op, "("))
			return parse_paren(p);
		if (!strcmp(t->op, "["))
			return parse_seq(p, JN_LIST, "]");
		if (!strcmp(t->op, "{"))
			return parse_seq(p, JN_DICT, "}");
		p->i--;
		return fail(p, NULL);
	default:
		return fail(p, "expected an expression");
	}
}

/* "[" eaten: an index or a slice. */
static struct jnode *parse_subscript(struct parser *p, struct jnode *obj)
{
	struct jnode *parts[3] = {NULL, NULL, NULL}, *n;
	int k;

	if (!is_op(p, ":") && !(parts[0] = parse_expr(p)))
		return NULL;
	if (is_op(p, "]")) {
		advance(p);
		return node_bin(p, JN_ITEM, "", obj, parts[0]);
	}
	for (k = 1; k < 3 && is_op(p, ":"); k++) {
		advance(p);
		if (!is_op(p, ":") && !is_op(p, "]") && !(parts[k] = parse_expr(p)))
			return NULL;
	}
	if (expect_op(p, "]"))
		return NULL;
	n = node_new(p, JN_SLICE);
	n->a = obj;
	for (k = 2; k >= 0; k--) {
		if (!parts[k])
			parts[k] = node_const(p, json_null());
		parts[k]->next = n->args;
		n->args = parts[k];
	}
	return n;
}

static struct jnode *parse_call(struct parser *p, struct jnode *callee)
{
	struct jnode *n = node_new(p, JN_CALL);

	n->a = callee;
	n->pos = callee->pos;
	return parse_args(p, &n->args) ? NULL : n;
}

static struct jnode *parse_postfix(struct parser *p, struct jnode *n)
{
	while (n) {
		if (is_op(p, ".")) {
			advance(p);
			if (cur(p)->type == JT_INT) {
				struct jnode *idx = node_const(p, json_integer(cur(p)->i));

				advance(p);
				n = node_bin(p, JN_ITEM, "", n, idx);
			} else if (cur(p)->type == JT_NAME) {
				struct jnode *a = node_new(p, JN_ATTR);

				a->a = n;
				a->name = cur(p)->str;
				advance(p);
				n = a;
			} else {
				return fail(p, "expected a name or a number after '.'");
			}
		} else if (is_op(p, "[")) {
			advance(p);
			n = parse_subscript(p, n);
		} else if (is_op(p, "(")) {
			advance(p);
			n = parse_call(p, n);
		} else {
			break;
		}
	}
	return n;
}

/* A filter or test name, ansible.builtin.to_json included. */
static const char *parse_dotted(struct parser *p, struct buf *name)
{
	if (cur(p)->type != JT_NAME)
		return fail(p, "expected a name"), NULL;
	buf_addstr(name, cur(p)->str);
	advance(p);
	while (is_op(p, ".") && p->tok[p->i + 1].type == JT_NAME) {
		advance(p);
		buf_addf(name, ".%s", cur(p)->str);
		advance(p);
	}
	return jarena_strndup(&p->t->arena, name->buf, name->len);
}

static struct jnode *parse_filter(struct parser *p, struct jnode *input)
{
	struct jnode *n = node_new(p, JN_FILTER);
	struct buf name = BUF_INIT;
	size_t pos = cur(p)->pos;

	n->a = input;
	n->name = parse_dotted(p, &name);
	buf_release(&name);
	if (!n->name)
		return NULL;
	n->filter = jinja_filter_find(n->name);
	if (!n->filter) {
		p->failed = 1;
		jsyntax_error(p->err, p->t->src, pos, "no filter named '%s'", n->name);
		return NULL;
	}
	if (is_op(p, "(")) {
		advance(p);
		if (parse_args(p, &n->args))
			return NULL;
	}
	return n;
}

/* A test's argument without parentheses: "x is divisibleby 3". */
static int test_bare_arg(struct parser *p)
{
	enum jtok t = cur(p)->type;

	if (is_name(p, "else") || is_name(p, "or") || is_name(p, "and") || is_name(p, "if"))
		return 0;
	return t == JT_NAME || t == JT_STRING || t == JT_INT || t == JT_FLOAT || is_op(p, "(") ||
	       is_op(p, "[") || is_op(p, "{");
}

static struct jnode *parse_test(struct parser *p, struct jnode *input)
{
	struct jnode *n = node_new(p, JN_TEST);
	struct buf name = BUF_INIT;
	size_t pos;

	n->a = input;
	if (is_name(p, "not")) {
		n->negate = 1;
		advance(p);
	}
	pos = cur(p)->pos;
	n->name = parse_dotted(p, &name);
	buf_release(&name);
	if (!n->name)
		return NULL;
	n->test = jinja_test_find(n->name);
	if (!n->test) {
		p->failed = 1;
		jsyntax_error(p->err, p->t->src, pos, "no test named '%s'", n->name);
		return NULL;
	}
	if (is_op(p, "(")) {
		advance(p);
		if (parse_args(p, &n->args))
			return NULL;
	} else if (test_bare_arg(p)) {
		n->args = parse_postfix(p, parse_primary(p));
		if (!n->args)
			return NULL;
	}
	return n;
}

static struct jnode *parse_filter_expr(struct parser *p, struct jnode *n)
{
	while (n) {
		if (is_op(p, "|")) {
			advance(p);
			n = parse_filter(p, n);
		} else if (is_name(p, "is")) {
			advance(p);
			n = parse_test(p, n);
		} else if (is_op(p, "(")) {
			advance(p);
			n = parse_call(p, n);
		} else {
			break;
		}
	}
	return n;
}

static struct jnode *parse_unary_inner(struct parser *p, int with_filter);

static struct jnode *parse_unary(struct parser *p, int with_filter)
{
	struct jnode *n;

	if (p->depth >= PARSE_MAX_DEPTH)
		return fail(p, "expressions nest too deeply");
	p->depth++;
	n = parse_unary_inner(p, with_filter);
	p->depth--;
	return n;
}

static struct jnode *parse_unary_inner(struct parser *p, int with_filter)
{
	struct jnode *n;

	if (is_op(p, "-") || is_op(p, "+")) {
		n = node_new(p, is_op(p, "-") ? JN_NEG : JN_POS);
		advance(p);
		n->a = parse_unary(p, 0);
		if (!n->a)
			return NULL;
	} else {
		n = parse_primary(p);
	}
	n = parse_postfix(p, n);
	return with_filter ? parse_filter_expr(p, n) : n;
}

static struct jnode *parse_pow(struct parser *p)
{
	struct jnode *n = parse_unary(p, 1);

	while (n && is_op(p, "**")) {
		advance(p);
		n = node_bin(p, JN_BINOP, "**", n, parse_unary(p, 1));
	}
	return n;
}

static struct jnode *parse_math2(struct parser *p)
{
	struct jnode *n = parse_pow(p);

	while (n && (is_op(p, "*") || is_op(p, "/") || is_op(p, "//") || is_op(p, "%"))) {
		char op[4];

		snprintf(op, sizeof(op), "%s", cur(p)->op);
		advance(p);
		n = node_bin(p, JN_BINOP, op, n, parse_pow(p));
	}
	return n;
}

static struct jnode *parse_concat(struct parser *p)
{
	struct jnode *n = parse_math2(p);

	while (n && is_op(p, "~")) {
		advance(p);
		n = node_bin(p, JN_CONCAT, "~", n, parse_math2(p));
	}
	return n;
}

static struct jnode *parse_math1(struct parser *p)
{
	struct jnode *n = parse_concat(p);

	while (n && (is_op(p, "+") || is_op(p, "-"))) {
		char op[4];

		snprintf(op, sizeof(op), "%s", cur(p)->op);
		advance(p);
		n = node_bin(p, JN_BINOP, op, n, parse_concat(p));
	}
	return n;
}

static struct jnode *parse_compare(struct parser *p)
{
	static const char *const ops[] = {"==", "!=", "<", ">", "<=", ">="};
	struct jnode *n = parse_math1(p), *last = NULL;
	int chained = 0;
	size_t k;

	while (n) {
		const char *op = NULL;

		for (k = 0; k < ARRAY_SIZE(ops); k++)
			if (is_op(p, ops[k]))
				op = ops[k];
		if (is_name(p, "in"))
			op = "in";
		else if (is_name(p, "not") && p->tok[p->i + 1].type == JT_NAME &&
			 !strcmp(p->tok[p->i + 1].str, "in")) {
			op = "ni";
			advance(p);
		}
		if (!op)
			break;
		advance(p);
		if (chained) /* a < b < c is a < b and b < c */
			n = node_bin(p, JN_AND, "", n,
				     node_bin(p, JN_CMP, op, last, parse_math1(p)));
		else
			n = node_bin(p, JN_CMP, op, n, parse_math1(p));
		chained = 1;
		last = n ? (n->type == JN_AND ? n->b->b : n->b) : NULL;
	}
	return n;
}

static struct jnode *parse_not(struct parser *p)
{
	struct jnode *n;

	if (!is_name(p, "not"))
		return parse_compare(p);
	n = node_new(p, JN_NOT);
	advance(p);
	n->a = parse_not(p);
	return n->a ? n : NULL;
}

static struct jnode *parse_and(struct parser *p)
{
	struct jnode *n = parse_not(p);

	while (n && is_name(p, "and")) {
		advance(p);
		n = node_bin(p, JN_AND, "", n, parse_not(p));
	}
	return n;
}

static struct jnode *parse_or(struct parser *p)
{
	struct jnode *n = parse_and(p);

	while (n && is_name(p, "or")) {
		advance(p);
		n = node_bin(p, JN_OR, "", n, parse_and(p));
	}
	return n;
}

static struct jnode *parse_expr(struct parser *p)
{
	struct jnode *n = parse_or(p), *c;

	while (n && is_name(p, "if")) {
		c = node_new(p, JN_COND);
		advance(p);
		c->b = n;
		c->a = parse_or(p);
		if (!c->a)
			return NULL;
		if (is_name(p, "else")) {
			advance(p);
			c->c = parse_expr(p);
			if (!c->c)
				return NULL;
		}
		n = c;
	}
	return n;
}

/* ---- statements ---- */

static int end_tag(struct parser *p)
{
	return expect_type(p, JT_BLOCK_END, "expected the end of the statement block");
}

/* Names for for/set: a, b, c (or ns.attr for set when attr is given). */
static int parse_targets(struct parser *p, struct jnode *n)
{
	const char *names[16];
	size_t k = 0;

	do {
		if (k && is_op(p, ","))
			advance(p);
		if (cur(p)->type != JT_NAME || k == ARRAY_SIZE(names))
			return fail(p, "expected a name to assign to"), -1;
		names[k++] = cur(p)->str;
		advance(p);
	} while (is_op(p, ","));
	n->targets = jarena_alloc(&p->t->arena, k * sizeof(*n->targets));
	memcpy(n->targets, names, k * sizeof(*names));
	n->ntargets = k;
	return 0;
}

static struct jnode *parse_if(struct parser *p)
{
	static const char *const ends[] = {"elif", "else", "endif", NULL};
	static const char *const endif[] = {"endif", NULL};
	struct jnode *n = node_new(p, JN_IF);
	const char *which = NULL;

	if (!(n->a = parse_expr(p)) || end_tag(p))
		return NULL;
	n->body = parse_body(p, ends, &which);
	if (p->failed)
		return NULL;
	advance(p);
	if (!strcmp(which, "elif"))
		return (n->orelse = parse_if(p)) ? n : NULL;
	if (!strcmp(which, "else")) {
		if (end_tag(p))
			return NULL;
		n->orelse = parse_body(p, endif, &which);
		if (p->failed)
			return NULL;
		advance(p);
	}
	return end_tag(p) ? NULL : n;
}

static struct jnode *parse_for(struct parser *p)
{
	static const char *const ends[] = {"else", "endfor", NULL};
	static const char *const endfor[] = {"endfor", NULL};
	struct jnode *n = node_new(p, JN_FOR);
	const char *which = NULL;

	if (parse_targets(p, n))
		return NULL;
	if (!is_name(p, "in"))
		return fail(p, "expected 'in'");
	advance(p);
	if (!(n->a = parse_or(p)))
		return NULL;
	if (is_name(p, "if")) {
		advance(p);
		if (!(n->c = parse_expr(p)))
			return NULL;
	}
	if (is_name(p, "recursive"))
		return fail(p, "recursive loops are not supported");
	if (end_tag(p))
		return NULL;
	n->body = parse_body(p, ends, &which);
	if (p->failed)
		return NULL;
	advance(p);
	if (!strcmp(which, "else")) {
		if (end_tag(p))
			return NULL;
		n->orelse = parse_body(p, endfor, &which);
		if (p->failed)
			return NULL;
		advance(p);
	}
	return end_tag(p) ? NULL : n;
}

static struct jnode *parse_set(struct parser *p)
{
	static const char *const endset[] = {"endset", NULL};
	struct jnode *n = node_new(p, JN_SET);
	const char *which;

	if (parse_targets(p, n))
		return NULL;
	if (n->ntargets == 1 && is_op(p, ".") && p->tok[p->i + 1].type == JT_NAME) {
		advance(p);
		n->name = cur(p)->str;
		advance(p);
	}
	if (is_op(p, "=")) {
		advance(p);
		n->a = parse_expr(p);
		return n->a && !end_tag(p) ? n : NULL;
	}
	if (n->ntargets != 1 || n->name || end_tag(p))
		return n->name ? fail(p, "expected token '='") : NULL;
	n->type = JN_SETBLOCK;
	n->body = parse_body(p, endset, &which);
	if (p->failed)
		return NULL;
	advance(p);
	return end_tag(p) ? NULL : n;
}

/* "with context" / "without context": templates here always see the variables. */
static void skip_context(struct parser *p)
{
	if ((is_name(p, "with") || is_name(p, "without")) && p->tok[p->i + 1].type == JT_NAME &&
	    !strcmp(p->tok[p->i + 1].str, "context")) {
		advance(p);
		advance(p);
	}
}

static struct jnode *parse_include(struct parser *p)
{
	struct jnode *n = node_new(p, JN_INCLUDE);

	if (!(n->a = parse_expr(p)))
		return NULL;
	if (is_name(p, "ignore") && p->tok[p->i + 1].type == JT_NAME &&
	    !strcmp(p->tok[p->i + 1].str, "missing")) {
		n->negate = 1;
		advance(p);
		advance(p);
	}
	skip_context(p);
	return end_tag(p) ? NULL : n;
}

/* (a, b=1): the names into targets, the defaults into args. */
static int parse_params(struct parser *p, struct jnode *n)
{
	const char *names[32];
	struct jnode **tail = &n->args, *d;
	size_t k = 0;

	if (expect_op(p, "("))
		return -1;
	while (!is_op(p, ")")) {
		if (cur(p)->type != JT_NAME || k == ARRAY_SIZE(names))
			return fail(p, "expected a parameter name"), -1;
		names[k++] = cur(p)->str;
		advance(p);
		if (is_op(p, "=")) {
			advance(p);
			d = parse_expr(p);
		} else {
			d = node_new(p, JN_CONST); /* no default: value stays NULL */
		}
		if (!d)
			return -1;
		*tail = d;
		tail = &d->next;
		if (!is_op(p, ","))
			break;
		advance(p);
	}
	if (expect_op(p, ")"))
		return -1;
	n->targets = jarena_alloc(&p->t->arena, (k + 1) * sizeof(*n->targets));
	memcpy(n->targets, names, k * sizeof(*names));
	n->ntargets = k;
	return 0;
}

static struct jnode *parse_macro(struct parser *p)
{
	static const char *const endmacro[] = {"endmacro", NULL};
	struct jnode *n = node_new(p, JN_MACRO);
	const char *which;

	if (cur(p)->type != JT_NAME)
		return fail(p, "expected a macro name");
	n->name = cur(p)->str;
	advance(p);
	if (parse_params(p, n) || end_tag(p))
		return NULL;
	n->body = parse_body(p, endmacro, &which);
	if (p->failed)
		return NULL;
	advance(p);
	return end_tag(p) ? NULL : n;
}

/* {% with a = 1, b = x %}body{% endwith %} */
static struct jnode *parse_with(struct parser *p)
{
	static const char *const endwith[] = {"endwith", NULL};
	struct jnode *n = node_new(p, JN_WITH), **tail = &n->args;
	const char *names[16], *which;
	size_t k = 0;

	while (cur(p)->type == JT_NAME && k < ARRAY_SIZE(names)) {
		names[k++] = cur(p)->str;
		advance(p);
		if (expect_op(p, "=") || !(*tail = parse_expr(p)))
			return NULL;
		tail = &(*tail)->next;
		if (!is_op(p, ","))
			break;
		advance(p);
	}
	n->targets = jarena_alloc(&p->t->arena, (k + 1) * sizeof(*n->targets));
	memcpy(n->targets, names, k * sizeof(*names));
	n->ntargets = k;
	if (end_tag(p))
		return NULL;
	n->body = parse_body(p, endwith, &which);
	if (p->failed)
		return NULL;
	advance(p);
	return end_tag(p) ? NULL : n;
}

/* {% filter upper | replace('A', 'B') %}body{% endfilter %} */
static struct jnode *parse_filter_block(struct parser *p)
{
	static const char *const endfilter[] = {"endfilter", NULL};
	struct jnode *n = node_new(p, JN_FILTERBLOCK), *body = node_new(p, JN_NAME);
	const char *which;

	body->name = JFILTER_BODY;
	n->a = parse_filter(p, body);
	while (n->a && is_op(p, "|")) {
		advance(p);
		n->a = parse_filter(p, n->a);
	}
	if (!n->a || end_tag(p))
		return NULL;
	n->body = parse_body(p, endfilter, &which);
	if (p->failed)
		return NULL;
	advance(p);
	return end_tag(p) ? NULL : n;
}

/* {% import 'x' as m %} */
static struct jnode *parse_import(struct parser *p)
{
	struct jnode *n = node_new(p, JN_IMPORT);

	if (!(n->a = parse_primary(p)))
		return NULL;
	if (!is_name(p, "as"))
		return fail(p, "expected 'as'");
	advance(p);
	if (cur(p)->type != JT_NAME)
		return fail(p, "expected a name");
	n->name = cur(p)->str;
	advance(p);
	skip_context(p);
	return end_tag(p) ? NULL : n;
}

/* {% from 'x' import a, b %} */
static struct jnode *parse_from(struct parser *p)
{
	struct jnode *n = node_new(p, JN_IMPORT);

	if (!(n->a = parse_primary(p)))
		return NULL;
	if (!is_name(p, "import"))
		return fail(p, "expected 'import'");
	advance(p);
	if (parse_targets(p, n))
		return NULL;
	skip_context(p);
	return end_tag(p) ? NULL : n;
}

static const struct {
	const char *name;
	struct jnode *(*parse)(struct parser *p);
} tags[] = {
	{"if", parse_if},
	{"for", parse_for},
	{"set", parse_set},
	{"include", parse_include},
	{"macro", parse_macro},
	{"with", parse_with},
	{"filter", parse_filter_block},
	{"import", parse_import},
	{"from", parse_from},
};

static struct jnode *parse_tag(struct parser *p)
{
	struct jtoken *t = cur(p);
	size_t i;

	if (t->type != JT_NAME)
		return fail(p, "expected a tag name");
	advance(p);
	for (i = 0; i < ARRAY_SIZE(tags); i++)
		if (!strcmp(t->str, tags[i].name))
			return tags[i].parse(p);
	p->failed = 1;
	jsyntax_error(p->err, p->t->src, t->pos, "encountered unknown tag '%s'", t->str);
	return NULL;
}

static int tag_in(const char *name, const char *const *ends)
{
	for (; ends && *ends; ends++)
		if (!strcmp(name, *ends))
			return 1;
	return 0;
}

static void fail_unclosed(struct parser *p, const char *const *ends)
{
	struct buf want = BUF_INIT;

	for (; *ends; ends++)
		buf_addf(&want, "%s'%s'", want.len ? " or " : "", *ends);
	p->failed = 1;
	jsyntax_error(p->err, p->t->src, cur(p)->pos,
		      "unexpected end of template, looking for the tag %s", want.buf);
	buf_release(&want);
}

static struct jnode *parse_statement(struct parser *p, const char *const *ends, int *stop)
{
	struct jtoken *t = cur(p);
	struct jnode *n;

	if (p->depth >= PARSE_MAX_DEPTH)
		return fail(p, "blocks nest too deeply");

	if (t->type == JT_DATA) {
		n = node_new(p, JN_DATA);
		n->text = t->str;
		n->len = t->len;
		advance(p);
		return n;
	}
	if (t->type == JT_VAR_BEGIN) {
		advance(p);
		n = node_new(p, JN_OUTPUT);
		n->a = parse_expr(p);
		return n->a && !expect_type(p, JT_VAR_END,
					    "expected the end of the print statement")
			       ? n
			       : NULL;
	}
	advance(p);
	if (cur(p)->type == JT_NAME && tag_in(cur(p)->str, ends)) {
		*stop = 1;
		return NULL;
	}
	p->depth++;
	n = parse_tag(p);
	p->depth--;
	return n;
}

/* Statements up to EOF or to a tag named in ends (left as the current token). */
static struct jnode *parse_body(struct parser *p, const char *const *ends, const char **which)
{
	struct jnode *first = NULL, **tail = &first, *n;
	int stop = 0;

	while (!p->failed && cur(p)->type != JT_EOF) {
		n = parse_statement(p, ends, &stop);
		if (stop) {
			*which = cur(p)->str;
			return first;
		}
		if (!n) {
			if (!p->failed)
				fail(p, NULL);
			return NULL;
		}
		*tail = n;
		tail = &n->next;
	}
	if (ends && !p->failed)
		fail_unclosed(p, ends);
	return first;
}

int jtemplate_parse(struct jtemplate *t, const char *src, size_t len, int flags, struct buf *err)
{
	struct parser p = {0};
	const char *which = NULL;
	int r = -1;

	memset(t, 0, sizeof(*t));
	t->src = src;
	t->consts = json_array();
	p.t = t;
	p.err = err;
	if (jlex(src, len, flags, &t->arena, &p.tok, &p.n, err))
		goto out;
	if (flags & JLEX_EXPRESSION) {
		t->body = parse_expr(&p);
		if (t->body && cur(&p)->type != JT_EOF)
			fail(&p, NULL);
	} else {
		t->body = parse_body(&p, NULL, &which);
	}
	r = p.failed ? -1 : 0;
out:
	free(p.tok);
	return r;
}

void jtemplate_release(struct jtemplate *t)
{
	jarena_release(&t->arena);
	json_decref(t->consts);
	t->consts = NULL;
	t->body = NULL;
}
