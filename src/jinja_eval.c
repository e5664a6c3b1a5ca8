/*
 * Expression evaluation. Undefined (a missing name, key or attribute) is a
 * value here (jval.v == NULL) that becomes an error only when used, so that
 * `x is defined`, `x | default(y)` and `a.b.c` chains work as in Jinja with
 * Ansible's strict undefined. A value read from a variable is rendered
 * (its own templates) only when used: a.b.c renders c, not all of a.
 */
#include "jinja_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

void jval_release(struct jval *jv)
{
	json_decref(jv->v);
	free(jv->undef);
	jv->v = NULL;
	jv->undef = NULL;
	jv->root = NULL;
	jv->silent = 0;
	jv->is_hostvars = 0;
	jv->scope_vars = NULL;
}

void jval_set_undef(struct jval *jv, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	jval_release(jv);
	jv->undef = buf_detach(&b, NULL);
}

int jerr(struct jenv *e, const char *fmt, ...)
{
	va_list ap;

	buf_reset(e->err);
	va_start(ap, fmt);
	buf_vaddf(e->err, fmt, ap);
	va_end(ap);
	e->err_undef = 0;
	return -1;
}

int jerr_undef(struct jenv *e, const struct jval *jv)
{
	buf_setf(e->err, "%s", jv->undef ? jv->undef : "undefined value");
	e->err_undef = 1;
	return -1;
}

/* Renders jv's value with its own host's variables when it came through hostvars. */
static json_t *render_in_scope(struct jenv *e, const struct jval *jv, const char *root)
{
	const struct jinja_ctx *mine = e->ctx;
	struct jinja_ctx theirs;
	json_t *v;

	if (!jv->scope_vars || jv->scope_vars == mine->vars)
		return jrender_var(e, jv->v, root);
	theirs = *mine;
	theirs.vars = jv->scope_vars;
	e->ctx = &theirs;
	v = jrender_var(e, jv->v, root);
	e->ctx = mine;
	return v;
}

int jval_use(struct jenv *e, struct jval *jv)
{
	const char *root = jv->root;
	json_t *v;

	jv->root = NULL;
	if (!root || !jv->v || !jvalue_has_markers(jv->v))
		return 0;
	v = render_in_scope(e, jv, root);
	if (!v && !e->err_undef)
		return -1;
	if (!v) {
		/* as Ansible: a variable whose template fails on an undefined name
		 * is itself undefined (so `x is defined` is false) */
		if (json_is_string(jv->v))
			jval_set_undef(jv, "%s: %s", json_string_value(jv->v), e->err->buf);
		else
			jval_set_undef(jv, "%s", e->err->buf);
		buf_reset(e->err);
		e->err_undef = 0;
		return 0;
	}
	json_decref(jv->v);
	jv->v = v;
	return 0;
}

int jeval_value(struct jenv *e, const struct jnode *n, json_t **out)
{
	struct jval jv = JVAL_INIT;

	*out = NULL;
	if (jeval(e, n, &jv) || jval_use(e, &jv)) {
		jval_release(&jv);
		return -1;
	}
	if (!jv.v) {
		jerr_undef(e, &jv);
		jval_release(&jv);
		return -1;
	}
	*out = jv.v;
	free(jv.undef);
	return 0;
}

int jeval_args(struct jenv *e, const struct jnode *first, json_t *args, json_t *kwargs)
{
	const struct jnode *a;
	json_t *v;

	for (a = first; a; a = a->next) {
		if (jeval_value(e, a, &v))
			return -1;
		if (a->kw)
			json_object_set_new(kwargs, a->kw, v);
		else
			json_array_append_new(args, v);
	}
	return 0;
}

static json_t *loop_object(const struct jloop *l)
{
	size_t n = json_array_size(l->items), i = l->i;
	json_t *o = json_pack("{sI sI sb sb sI sI sI}", "index", (json_int_t)i + 1, "index0",
			      (json_int_t)i, "first", i == 0, "last", i + 1 == n, "length",
			      (json_int_t)n, "revindex", (json_int_t)(n - i), "revindex0",
			      (json_int_t)(n - i - 1));

	if (i > 0)
		json_object_set(o, "previtem", json_array_get(l->items, i - 1));
	if (i + 1 < n)
		json_object_set(o, "nextitem", json_array_get(l->items, i + 1));
	return o;
}

static int eval_name(struct jenv *e, const struct jnode *n, struct jval *out)
{
	const struct jscope *s;
	json_t *v;

	for (s = e->scope; s; s = s->parent) {
		if (s->loop && !strcmp(n->name, "loop")) {
			out->v = loop_object(s->loop);
			return 0;
		}
		if (s->vars && (v = json_object_get(s->vars, n->name))) {
			out->v = json_incref(v);
			return 0;
		}
	}
	v = e->ctx->vars ? json_object_get(e->ctx->vars, n->name) : NULL;
	if (v) {
		out->v = json_incref(v);
		out->root = n->name;
		out->is_hostvars = !strcmp(n->name, "hostvars");
		return 0;
	}
	jval_set_undef(out, "'%s' is undefined", n->name);
	return 0;
}

static int eval_list(struct jenv *e, const struct jnode *n, struct jval *out)
{
	const struct jnode *a;
	json_t *v;

	out->v = json_array();
	for (a = n->args; a; a = a->next) {
		if (jeval_value(e, a, &v))
			return -1;
		json_array_append_new(out->v, v);
	}
	return 0;
}

static int eval_dict(struct jenv *e, const struct jnode *n, struct jval *out)
{
	const struct jnode *a;
	struct buf key = BUF_INIT;
	json_t *k, *v;
	int r = 0;

	out->v = json_object();
	for (a = n->args; a && a->next && !r; a = a->next->next) {
		r = jeval_value(e, a, &k);
		if (!r && (r = jeval_value(e, a->next, &v)))
			json_decref(k);
		if (r)
			break;
		buf_reset(&key);
		py_str(&key, k);
		json_object_set_new(out->v, key.buf, v);
		json_decref(k);
	}
	buf_release(&key);
	return r;
}

/* Strings read from variables render before they are indexed. */
static int eval_container(struct jenv *e, const struct jnode *n, struct jval *out)
{
	if (jeval(e, n, out))
		return -1;
	if (out->v && out->root && !json_is_object(out->v) && !json_is_array(out->v))
		return jval_use(e, out);
	return 0;
}

static void no_attribute(struct jval *out, const char *name)
{
	struct buf t = BUF_INIT;

	jtype_object(out->v, &t);
	jval_set_undef(out, "%s has no attribute '%s'", t.buf, name);
	buf_release(&t);
}

/* hostvars[H] or hostvars.H: what is read below renders with H's variables. */
static void enter_host_scope(struct jval *out)
{
	if (!out->is_hostvars)
		return;
	out->is_hostvars = 0;
	if (json_is_object(out->v))
		out->scope_vars = out->v; /* borrowed: hostvars lives in the context */
}

static int eval_attr(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *child;

	if (eval_container(e, n->a, out))
		return -1;
	if (!out->v)
		return 0;
	child = json_is_object(out->v) ? json_object_get(out->v, n->name) : NULL;
	if (!child) {
		no_attribute(out, n->name);
		return 0;
	}
	json_incref(child);
	json_decref(out->v);
	out->v = child;
	enter_host_scope(out);
	return 0;
}

static json_t *item_of_object(json_t *o, json_t *key)
{
	char tmp[32];

	if (json_is_string(key))
		return json_object_get(o, json_string_value(key));
	if (json_is_integer(key)) {
		/* YAML's integer keys arrive as strings */
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(key));
		return json_object_get(o, tmp);
	}
	return NULL;
}

static void no_item(struct jval *out, json_t *key)
{
	struct buf t = BUF_INIT, k = BUF_INIT;
	int seq = json_is_array(out->v) || json_is_string(out->v);

	if (seq && json_is_integer(key)) {
		jval_set_undef(out, "%s object has no element %lld", jtype_name(out->v),
			       (long long)json_integer_value(key));
		return;
	}
	jtype_object(out->v, &t);
	if (json_is_string(key))
		buf_addf(&k, "'%s'", json_string_value(key));
	else
		py_str(&k, key);
	jval_set_undef(out, "%s has no attribute %s", t.buf, k.buf);
	buf_release(&t);
	buf_release(&k);
}

static json_t *item_of_sequence(json_t *v, json_t *key)
{
	json_t *chars, *r;
	json_int_t i, n;

	if (!json_is_integer(key) && !json_is_boolean(key))
		return NULL;
	i = json_is_integer(key) ? json_integer_value(key) : json_is_true(key);
	if (json_is_array(v)) {
		n = (json_int_t)json_array_size(v);
		i = i < 0 ? i + n : i;
		return i >= 0 && i < n ? json_incref(json_array_get(v, (size_t)i)) : NULL;
	}
	chars = jop_chars(json_string_value(v));
	n = (json_int_t)json_array_size(chars);
	i = i < 0 ? i + n : i;
	r = i >= 0 && i < n ? json_incref(json_array_get(chars, (size_t)i)) : NULL;
	json_decref(chars);
	return r;
}

static int eval_item(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *key, *child = NULL;

	if (eval_container(e, n->a, out))
		return -1;
	if (jeval_value(e, n->b, &key))
		return -1;
	if (out->v && json_is_object(out->v))
		child = json_incref(item_of_object(out->v, key));
	else if (out->v && (json_is_array(out->v) || json_is_string(out->v)))
		child = item_of_sequence(out->v, key);
	if (child) {
		json_decref(out->v);
		out->v = child;
		enter_host_scope(out);
	} else if (out->v) {
		no_item(out, key);
	}
	json_decref(key);
	return 0;
}

static int eval_slice(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *v = NULL, *p[3] = {NULL, NULL, NULL};
	const struct jnode *a;
	int k = 0, r = -1;

	if (jeval_value(e, n->a, &v))
		return -1;
	for (a = n->args; a && k < 3; a = a->next, k++)
		if (jeval_value(e, a, &p[k]))
			goto out;
	out->v = jop_slice(v, p[0], p[1], p[2], e->err);
	r = out->v ? 0 : -1;
out:
	json_decref(v);
	for (k = 0; k < 3; k++)
		json_decref(p[k]);
	return r;
}

/* loop.cycle('odd', 'even') */
static int loop_cycle(struct jenv *e, json_t *args, json_t **out)
{
	const struct jscope *s;

	for (s = e->scope; s && !s->loop; s = s->parent)
		;
	if (!s || !json_array_size(args))
		return 0;
	*out = json_incref(json_array_get(args, s->loop->i % json_array_size(args)));
	return 1;
}

static int call_method(struct jenv *e, const struct jnode *callee, json_t *args, json_t *kwargs,
		       json_t **out)
{
	struct jval obj = JVAL_INIT;
	int r;

	if (callee->a->type == JN_NAME && !strcmp(callee->a->name, "loop") &&
	    !strcmp(callee->name, "cycle") && loop_cycle(e, args, out))
		return 0;
	if (jeval(e, callee->a, &obj) || jval_use(e, &obj)) {
		jval_release(&obj);
		return -1;
	}
	if (!obj.v)
		r = jerr_undef(e, &obj);
	else if ((r = jcall_method(e, obj.v, callee->name, args, kwargs, out)) == 0) {
		no_attribute(&obj, callee->name);
		r = jerr_undef(e, &obj);
	}
	jval_release(&obj);
	return r < 0 ? -1 : 0;
}

/* name() where name is no function: undefined, or a value that cannot be called. */
static int not_callable(struct jenv *e, const struct jnode *callee)
{
	struct jval v = JVAL_INIT;

	if (jeval(e, callee, &v))
		return -1;
	if (!v.v) {
		jerr_undef(e, &v);
	} else {
		jerr(e, "'%s' object is not callable", jtype_name(v.v));
	}
	jval_release(&v);
	return -1;
}

/* ns.macro(...) after {% import 'x' as ns %}: 1 done, 0 no such macro, -1 error. */
static int imported_call(struct jenv *e, const struct jnode *callee, json_t *args, json_t *kwargs,
			 json_t **out)
{
	char *name;
	int r;

	if (!e->nimports)
		return 0;
	name = xasprintf("%s.%s", callee->a->name, callee->name);
	r = jmacro_call(e, name, args, kwargs, out);
	free(name);
	return r;
}

static int eval_call(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *args = json_array(), *kwargs = json_object();
	const struct jnode *callee = n->a;
	int r = -1;

	if (jeval_args(e, n->args, args, kwargs))
		goto out;
	if (callee->type == JN_ATTR && callee->a->type == JN_NAME &&
	    (r = imported_call(e, callee, args, kwargs, &out->v)) != 0) {
		r = r < 0 ? -1 : 0;
	} else if (callee->type == JN_ATTR) {
		r = call_method(e, callee, args, kwargs, &out->v);
	} else if (callee->type == JN_NAME) {
		r = jmacro_call(e, callee->name, args, kwargs, &out->v);
		if (r == 0)
			r = jcall_global(e, callee->name, args, kwargs, &out->v);
		if (r == 0)
			r = not_callable(e, callee);
		r = r < 0 ? -1 : 0;
	} else {
		r = jerr(e, "this expression's value cannot be called");
	}
out:
	json_decref(args);
	json_decref(kwargs);
	return r;
}

static int filter_takes_undefined(const char *name)
{
	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	return !strcmp(name, "default") || !strcmp(name, "d") || !strcmp(name, "mandatory");
}

/*
 * x | default(y) and c | ternary(a, b) pass an undefined argument through
 * untouched, as Jinja does: it travels as a stand-in object (kept in
 * stand_ins) that becomes undefined again if the filter returns it.
 */
static int filter_passes_undefined(const char *name)
{
	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	return !strcmp(name, "default") || !strcmp(name, "d") || !strcmp(name, "ternary");
}

static int eval_args_keep_undefined(struct jenv *e, const struct jnode *first, json_t *args,
				    json_t *kwargs, json_t *stand_ins)
{
	const struct jnode *a;
	struct jval jv = JVAL_INIT;
	json_t *v;

	for (a = first; a; a = a->next) {
		if (jeval(e, a, &jv) || jval_use(e, &jv)) {
			jval_release(&jv);
			return -1;
		}
		v = jv.v ? json_incref(jv.v)
			 : json_pack("{ss}", "undefined", jv.undef ? jv.undef : "");
		if (!jv.v)
			json_array_append(stand_ins, v);
		if (a->kw)
			json_object_set_new(kwargs, a->kw, v);
		else
			json_array_append_new(args, v);
		jval_release(&jv);
	}
	return 0;
}

/* Filters and tests: the input first (undefined stays NULL where allowed). */
static int eval_callable(struct jenv *e, const struct jnode *n, struct jval *in,
			 struct jinja_call *call, json_t *stand_ins)
{
	if (jeval(e, n->a, in) || jval_use(e, in))
		return -1;
	if (!in->v && n->type == JN_FILTER && !filter_takes_undefined(n->name))
		return jerr_undef(e, in);
	call->ctx = e->ctx;
	call->args = json_array();
	call->kwargs = json_object();
	call->input_name = n->a->type == JN_NAME ? n->a->name : NULL;
	if (n->type == JN_FILTER && filter_passes_undefined(n->name))
		return eval_args_keep_undefined(e, n->args, call->args, call->kwargs, stand_ins);
	return jeval_args(e, n->args, call->args, call->kwargs);
}

/* A filter's result that is an undefined argument's stand-in is undefined again. */
static void stand_in_back(struct jval *out, json_t *stand_ins)
{
	json_t *x;
	size_t i;

	json_array_foreach(stand_ins, i, x)
	{
		if (out->v == x) {
			jval_set_undef(out, "%s",
				       json_string_value(json_object_get(x, "undefined")));
			return;
		}
	}
}

static int eval_filter_or_test(struct jenv *e, const struct jnode *n, struct jval *out)
{
	struct jinja_call call = {0};
	struct jval in = JVAL_INIT;
	json_t *stand_ins = json_array();
	int r = -1, t;

	if (eval_callable(e, n, &in, &call, stand_ins))
		goto out;
	e->err_undef = 0;
	if (n->type == JN_FILTER) {
		out->v = n->filter(in.v, &call, e->err);
		r = out->v ? 0 : -1;
		stand_in_back(out, stand_ins);
	} else {
		t = n->test(in.v, &call, e->err);
		if (t >= 0)
			out->v = json_boolean(n->negate ? !t : t);
		r = t < 0 ? -1 : 0;
	}
out:
	jval_release(&in);
	json_decref(call.args);
	json_decref(call.kwargs);
	json_decref(stand_ins);
	return r;
}

static int eval_binary(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *a = NULL, *b = NULL;
	struct buf s = BUF_INIT;
	int r = -1, t = 0;

	if (jeval_value(e, n->a, &a) || jeval_value(e, n->b, &b))
		goto out;
	if (n->type == JN_CONCAT) {
		py_str(&s, a);
		py_str(&s, b);
		out->v = json_stringn(s.buf, s.len);
	} else if (n->type == JN_BINOP) {
		out->v = jop_arith(n->op, a, b, e->err);
	} else {
		if (!strcmp(n->op, "==") || !strcmp(n->op, "!="))
			t = jop_eq(a, b) == (n->op[0] == '=');
		else if (!strcmp(n->op, "in") || !strcmp(n->op, "ni"))
			t = (t = jop_in(a, b, e->err)) < 0 ? t : (n->op[0] == 'i' ? t : !t);
		else
			t = jop_order(n->op, a, b, e->err);
		out->v = t < 0 ? NULL : json_boolean(t);
	}
	r = out->v ? 0 : -1;
	e->err_undef = 0;
out:
	json_decref(a);
	json_decref(b);
	buf_release(&s);
	return r;
}

static int eval_unary(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *a;

	if (jeval_value(e, n->a, &a))
		return -1;
	if (n->type == JN_NOT) {
		out->v = json_boolean(!jinja_truthy(a));
	} else if (json_is_real(a)) {
		out->v = json_real(n->type == JN_NEG ? -json_real_value(a) : json_real_value(a));
	} else if (json_is_integer(a) || json_is_boolean(a)) {
		json_int_t i = json_is_integer(a) ? json_integer_value(a) : json_is_true(a);

		out->v = json_integer(n->type == JN_NEG ? -i : i);
	} else {
		jerr(e, "bad operand type for unary %s: '%s'", n->type == JN_NEG ? "-" : "+",
		     jtype_name(a));
	}
	json_decref(a);
	return out->v ? 0 : -1;
}

static int eval_logic(struct jenv *e, const struct jnode *n, struct jval *out)
{
	json_t *a;
	int t;

	if (jeval_value(e, n->a, &a))
		return -1;
	t = jinja_truthy(a);
	if (n->type == JN_COND) {
		json_decref(a);
		if (t)
			return jeval(e, n->b, out);
		if (n->c)
			return jeval(e, n->c, out);
		jval_set_undef(out, "the inline if-expression evaluated to false and has no else");
		out->silent = 1;
		return 0;
	}
	if ((n->type == JN_AND && !t) || (n->type == JN_OR && t)) {
		out->v = a;
		return 0;
	}
	json_decref(a);
	return jeval(e, n->b, out);
}

int jeval(struct jenv *e, const struct jnode *n, struct jval *out)
{
	switch (n->type) {
	case JN_CONST:
		out->v = json_incref(n->value);
		return 0;
	case JN_NAME:
		return eval_name(e, n, out);
	case JN_LIST:
		return eval_list(e, n, out);
	case JN_DICT:
		return eval_dict(e, n, out);
	case JN_ATTR:
		return eval_attr(e, n, out);
	case JN_ITEM:
		return eval_item(e, n, out);
	case JN_SLICE:
		return eval_slice(e, n, out);
	case JN_CALL:
		return eval_call(e, n, out);
	case JN_FILTER:
	case JN_TEST:
		return eval_filter_or_test(e, n, out);
	case JN_BINOP:
	case JN_CONCAT:
	case JN_CMP:
		return eval_binary(e, n, out);
	case JN_NEG:
	case JN_POS:
	case JN_NOT:
		return eval_unary(e, n, out);
	case JN_AND:
	case JN_OR:
	case JN_COND:
		return eval_logic(e, n, out);
	default:
		BUG("jeval on statement node %d", (int)n->type);
	}
}
