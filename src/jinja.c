/*
 * The template engine's entry points and statements ({% if %}, {% for %},
 * {% set %}). How a rendered value gets its type, found by running
 * ansible-core 2.14 (set_fact + type_debug) and kept here:
 *
 *  - "{{ name }}" alone (spaces optional) where name is a variable whose
 *    value is a bool or a number returns that value; null returns null.
 *  - Otherwise the template renders to text (None prints as "", elsewhere
 *    str() of the value), and text starting with '[' or '{', or exactly
 *    "True" or "False", goes through Python's literal_eval: lists, dicts and
 *    bools come back typed; if that fails the text stays. Numbers computed
 *    in a template stay text: "{{ 1 + 1 }}" is "2", "{{ 1.0 }}" is "1.0",
 *    "{{ none }}" is "", "{{ i > 1 }}" is a bool, "{{ '[1,2]' }}" a list,
 *    "{{ '(1,2)' }}" and " [1]" stay text.
 *  - The source's trailing newlines are kept on text results.
 *  - In task arguments (jinja_render) backslashes in string literals inside
 *    {{ }} stay as written ('\1' is backslash-one, as Ansible's
 *    escape_backslashes makes it); in {% %}, conditions and the template
 *    module they are escapes.
 *
 * tests/unit/test_jinja.c checks each of these.
 */
#include "jinja.h"

#include <string.h>

#include "jinja_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

#define JINJA_MAX_DEPTH 64
#define JINJA_SHOW_SOURCE_MAX 200

int jinja_has_markers(const char *s)
{
	for (s = strchr(s, '{'); s; s = strchr(s + 1, '{'))
		if (s[1] == '{' || s[1] == '%' || s[1] == '#')
			return 1;
	return 0;
}

int jvalue_has_markers(const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return jinja_has_markers(json_string_value(v));
	case JSON_ARRAY:
		json_array_foreach((json_t *)v, i, x) if (jvalue_has_markers(x)) return 1;
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, k,
				    x) if (jinja_has_markers(k) || jvalue_has_markers(x)) return 1;
		return 0;
	default:
		return 0;
	}
}

int jinja_truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_TRUE:
		return 1;
	default:
		return 0;
	}
}

void jinja_to_text(const json_t *v, struct buf *out)
{
	py_str(out, v);
}

/* ---- statements ---- */

static int render_output(struct jenv *e, const struct jnode *n, struct buf *out)
{
	struct jval jv = JVAL_INIT;
	int r = 0;

	if (jeval(e, n->a, &jv) || jval_use(e, &jv))
		r = -1;
	else if (!jv.v && !jv.silent)
		r = jerr_undef(e, &jv);
	else if (jv.v && !json_is_null(jv.v)) /* Ansible prints None as nothing */
		py_str(out, jv.v);
	jval_release(&jv);
	return r;
}

static int render_if(struct jenv *e, const struct jnode *n, struct buf *out)
{
	json_t *c;
	int t;

	if (jeval_value(e, n->a, &c))
		return -1;
	t = jinja_truthy(c);
	json_decref(c);
	return jrender_body(e, t ? n->body : n->orelse, out);
}

static void scope_set(struct jenv *e, const char *name, json_t *v)
{
	if (!e->scope->vars)
		e->scope->vars = json_object();
	json_object_set(e->scope->vars, name, v);
}

/* for a, b in ...: / set a, b = ...: unpacks v into the names. */
static int assign(struct jenv *e, const struct jnode *n, json_t *v)
{
	size_t i, got;

	if (n->ntargets == 1) {
		scope_set(e, n->targets[0], v);
		return 0;
	}
	if (!json_is_array(v))
		return jerr(e, "cannot unpack non-iterable %s object", jtype_name(v));
	got = json_array_size(v);
	if (got != n->ntargets)
		return jerr(e, "%s values to unpack (expected %zu, got %zu)",
			    got > n->ntargets ? "too many" : "not enough", n->ntargets, got);
	for (i = 0; i < got; i++)
		scope_set(e, n->targets[i], json_array_get(v, i));
	return 0;
}

/* {% for x in xs if cond %}: the items that pass, loop.length counting only them. */
static json_t *loop_filter(struct jenv *e, const struct jnode *n, json_t *items)
{
	json_t *kept = json_array(), *c, *x;
	size_t i;

	json_array_foreach(items, i, x)
	{
		if (assign(e, n, x) || jeval_value(e, n->c, &c)) {
			json_decref(kept);
			return NULL;
		}
		if (jinja_truthy(c))
			json_array_append(kept, x);
		json_decref(c);
	}
	return kept;
}

static int render_loop(struct jenv *e, const struct jnode *n, json_t *items, struct buf *out)
{
	struct jloop loop = {items, 0};
	struct jscope scope = {e->scope, NULL, &loop};
	json_t *kept = items;
	int r = 0;

	e->scope = &scope;
	if (n->c && !(kept = loop_filter(e, n, items)))
		r = -1;
	loop.items = kept;
	for (loop.i = 0; !r && loop.i < json_array_size(kept); loop.i++)
		if (assign(e, n, json_array_get(kept, loop.i)) || jrender_body(e, n->body, out))
			r = -1;
	e->scope = scope.parent;
	if (!r && json_array_size(kept) == 0)
		r = jrender_body(e, n->orelse, out);
	json_decref(scope.vars);
	if (kept != items)
		json_decref(kept);
	return r;
}

static int render_for(struct jenv *e, const struct jnode *n, struct buf *out)
{
	json_t *v, *items;
	int r;

	if (jeval_value(e, n->a, &v))
		return -1;
	items = jop_iterable(v, e->err);
	json_decref(v);
	if (!items) {
		e->err_undef = 0;
		return -1;
	}
	r = render_loop(e, n, items, out);
	json_decref(items);
	return r;
}

/* {% set ns.attr = v %}: only on namespace() objects, which are this render's own. */
static int set_attribute(struct jenv *e, const struct jnode *n, json_t *v)
{
	const struct jscope *s;
	json_t *ns = NULL;
	size_t i;

	for (s = e->scope; s && !ns; s = s->parent)
		ns = s->vars ? json_object_get(s->vars, n->targets[0]) : NULL;
	for (i = 0; ns && i < json_array_size(e->namespaces); i++)
		if (json_array_get(e->namespaces, i) == ns)
			return json_object_set(ns, n->name, v), 0;
	return jerr(e, "cannot assign attribute on non-namespace object '%s'", n->targets[0]);
}

static int render_set(struct jenv *e, const struct jnode *n)
{
	json_t *v;
	int r;

	if (jeval_value(e, n->a, &v))
		return -1;
	r = n->name ? set_attribute(e, n, v) : assign(e, n, v);
	json_decref(v);
	return r;
}

static int render_setblock(struct jenv *e, const struct jnode *n)
{
	struct buf b = BUF_INIT;
	json_t *v;
	int r = jrender_body(e, n->body, &b);

	if (!r) {
		v = json_stringn(b.buf, b.len);
		scope_set(e, n->targets[0], v);
		json_decref(v);
	}
	buf_release(&b);
	return r;
}

/* {% with %} and {% filter %}: a body in a scope of its own. */
static int render_scoped(struct jenv *e, const struct jnode *n, struct buf *out)
{
	struct jscope scope = {e->scope, NULL, NULL};
	const struct jnode *a;
	struct buf b = BUF_INIT;
	json_t *v = NULL;
	size_t i;
	int r = 0;

	e->scope = &scope;
	for (a = n->args, i = 0; n->type == JN_WITH && a && !r; a = a->next, i++) {
		r = jeval_value(e, a, &v);
		if (!r)
			scope_set(e, n->targets[i], v);
		json_decref(v);
	}
	if (!r)
		r = jrender_body(e, n->body, n->type == JN_WITH ? out : &b);
	if (!r && n->type == JN_FILTERBLOCK) {
		v = json_stringn(b.buf, b.len);
		scope_set(e, JFILTER_BODY, v);
		json_decref(v);
		if (!(r = jeval_value(e, n->a, &v)))
			py_str(out, v);
		json_decref(v);
	}
	e->scope = scope.parent;
	json_decref(scope.vars);
	buf_release(&b);
	return r;
}

int jrender_body(struct jenv *e, const struct jnode *body, struct buf *out)
{
	const struct jnode *n;
	int r = 0;

	for (n = body; n && !r; n = n->next) {
		switch (n->type) {
		case JN_DATA:
			buf_add(out, n->text, n->len);
			break;
		case JN_OUTPUT:
			r = render_output(e, n, out);
			break;
		case JN_IF:
			r = render_if(e, n, out);
			break;
		case JN_FOR:
			r = render_for(e, n, out);
			break;
		case JN_SET:
			r = render_set(e, n);
			break;
		case JN_SETBLOCK:
			r = render_setblock(e, n);
			break;
		case JN_INCLUDE:
			r = jrender_include(e, n, out);
			break;
		case JN_MACRO:
			jmacro_define(e, n);
			break;
		case JN_IMPORT:
			r = jrender_import(e, n);
			break;
		case JN_WITH:
		case JN_FILTERBLOCK:
			r = render_scoped(e, n, out);
			break;
		default:
			BUG("statement node %d", (int)n->type);
		}
	}
	return r;
}

/* ---- rendering with Ansible's typing ---- */

static size_t trailing_newlines(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[n - 1 - k] == '\n')
		k++;
	return k;
}

/* "{{ name }}" alone, name a variable holding a bool, number or null: that value. */
static json_t *single_var(const struct jinja_ctx *ctx, const char *s)
{
	const char *p = s + 2, *name;
	size_t n;
	char key[128];
	json_t *v;

	if (strncmp(s, "{{", 2) || !ctx->vars)
		return NULL;
	p += strspn(p, " \t\n\r\f\v");
	name = p;
	p += strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	n = (size_t)(p - name);
	p += strspn(p, " \t\n\r\f\v");
	if (strncmp(p, "}}", 2) || (p[2] && strcmp(p + 2, "\n")) || !n || n >= sizeof(key))
		return NULL;
	memcpy(key, name, n);
	key[n] = '\0';
	v = json_object_get(ctx->vars, key);
	if (v && (json_is_number(v) || json_is_boolean(v) || json_is_null(v)))
		return json_incref(v);
	return NULL;
}

/* Text to value as Ansible's concat does: literal_eval for [...], {...}, True, False. */
static json_t *typed_text(const char *s, size_t len)
{
	json_t *v;

	if (len && (s[0] == '[' || s[0] == '{' || !strcmp(s, "True") || !strcmp(s, "False")) &&
	    strlen(s) == len && (v = py_literal(s)) != NULL)
		return v;
	return json_stringn(s, len);
}

/* A template that is one {{ expr }}: its value keeps its type without a text round trip. */
static json_t *typed_single(struct jenv *e, const struct jnode *n)
{
	struct jval jv = JVAL_INIT;
	struct buf b = BUF_INIT;
	json_t *v = NULL;

	if (jeval(e, n->a, &jv) || jval_use(e, &jv))
		goto out;
	if (!jv.v && !jv.silent) {
		jerr_undef(e, &jv);
		goto out;
	}
	if (!jv.v || json_is_null(jv.v))
		v = json_string("");
	else if (json_is_boolean(jv.v) || json_is_array(jv.v) || json_is_object(jv.v))
		v = json_incref(jv.v);
	else if (json_is_string(jv.v))
		v = typed_text(json_string_value(jv.v), json_string_length(jv.v));
	else {
		py_str(&b, jv.v);
		v = json_stringn(b.buf, b.len);
	}
out:
	jval_release(&jv);
	buf_release(&b);
	return v;
}

static void show_source(struct buf *err, const char *text)
{
	if (strlen(text) <= JINJA_SHOW_SOURCE_MAX)
		buf_addf(err, ". String: %s", text);
}

struct render_opts {
	int typed;	     /* Ansible's typing of the result */
	int flags;	     /* JLEX_* */
	struct jenv *parent; /* rendering a variable's value for this render */
};

static void env_init(struct jenv *e, struct jscope *root, const struct jinja_ctx *ctx,
		     const struct render_opts *o, struct buf *err)
{
	memset(e, 0, sizeof(*e));
	memset(root, 0, sizeof(*root));
	e->ctx = ctx;
	e->err = err;
	e->scope = root;
	e->namespaces = json_array();
	if (o->parent) {
		e->rendering = o->parent->rendering;
		e->depth = o->parent->depth + 1;
	}
}

static void env_release(struct jenv *e, struct jscope *root)
{
	json_decref(root->vars);
	json_decref(e->namespaces);
	free(e->macros);
	jimports_release(e);
}

static json_t *render_parsed(struct jenv *e, const struct jtemplate *t, const char *text,
			     const struct render_opts *o)
{
	struct buf b = BUF_INIT;
	size_t len = strlen(text), want = trailing_newlines(text, len);
	json_t *v = NULL;

	if (o->typed && t->body && !t->body->next && t->body->type == JN_OUTPUT) {
		v = typed_single(e, t->body);
	} else if (!jrender_body(e, t->body, &b)) {
		if (o->typed)
			v = typed_text(b.buf, b.len);
		else
			v = json_stringn(b.buf, b.len);
	}
	if (v && json_is_string(v) &&
	    trailing_newlines(json_string_value(v), json_string_length(v)) < want) {
		buf_reset(&b);
		buf_add(&b, json_string_value(v), json_string_length(v));
		while (trailing_newlines(b.buf, b.len) < want)
			buf_addch(&b, '\n');
		json_decref(v);
		v = json_stringn(b.buf, b.len);
	}
	buf_release(&b);
	return v;
}

static json_t *render_source(const struct jinja_ctx *ctx, const char *text,
			     const struct render_opts *o, struct buf *err, int *err_undef)
{
	struct jtemplate t;
	struct jscope root;
	struct jenv e;
	size_t len = strlen(text);
	json_t *v = NULL;

	/* Jinja drops one final newline; render_parsed puts the count back */
	if (jtemplate_parse(&t, text, len - (len && text[len - 1] == '\n'), o->flags, err)) {
		show_source(err, text);
		jtemplate_release(&t);
		return NULL;
	}
	env_init(&e, &root, ctx, o, err);
	v = render_parsed(&e, &t, text, o);
	*err_undef = e.err_undef;
	env_release(&e, &root);
	jtemplate_release(&t);
	return v;
}

/* Jinja reads "\r\n" and "\r" as "\n", in text and in string literals alike. */
static char *normalize_newlines(const char *text)
{
	struct buf b = BUF_INIT;

	for (; *text; text++) {
		if (*text != '\r')
			buf_addch(&b, *text);
		else if (text[1] != '\n')
			buf_addch(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

static json_t *render(const struct jinja_ctx *ctx, const char *text, const struct render_opts *o,
		      struct buf *err, int *err_undef)
{
	char *copy = NULL;
	json_t *v;

	*err_undef = 0;
	if (!jinja_has_markers(text))
		return json_string(text);
	if (o->typed && (v = single_var(ctx, text)) != NULL)
		return v;
	if (strchr(text, '\r'))
		text = copy = normalize_newlines(text);
	v = render_source(ctx, text, o, err, err_undef);
	free(copy);
	return v;
}

static json_t *render_var_string(struct jenv *e, json_t *s, const char *name)
{
	struct render_opts o = {1, JLEX_ESCAPE_BACKSLASHES, e};
	struct jrendering here = {s, name, e->rendering};
	const struct jrendering *r;
	json_t *v;

	for (r = e->rendering; r; r = r->up)
		if (r->s == s)
			return jerr(e,
				    "recursive loop detected in template string: %s (variable "
				    "'%s')",
				    json_string_value(s), name),
			       NULL;
	if (e->depth >= JINJA_MAX_DEPTH)
		return jerr(e, "variables nest too deeply while rendering '%s'", name), NULL;
	e->rendering = &here;
	v = render(e->ctx, json_string_value(s), &o, e->err, &e->err_undef);
	e->rendering = here.up;
	return v;
}

json_t *jrender_var(struct jenv *e, json_t *v, const char *name)
{
	const char *k;
	json_t *x, *r, *y;
	size_t i;

	if (!jvalue_has_markers(v))
		return json_incref(v);
	if (json_is_string(v))
		return render_var_string(e, v, name);
	r = json_is_array(v) ? json_array() : json_object();
	json_array_foreach(json_is_array(v) ? v : NULL, i, x)
	{
		if (!(y = jrender_var(e, x, name)))
			goto fail;
		json_array_append_new(r, y);
	}
	json_object_foreach(json_is_object(v) ? v : NULL, k, x)
	{
		json_t *key = json_string(k), *rk;
		struct buf kb = BUF_INIT;

		rk = jrender_var(e, key, name);
		json_decref(key);
		if (!rk || !(y = jrender_var(e, x, name))) {
			json_decref(rk);
			goto fail;
		}
		py_str(&kb, rk);
		json_object_set_new(r, kb.buf, y);
		json_decref(rk);
		buf_release(&kb);
	}
	return r;
fail:
	json_decref(r);
	return NULL;
}

/* ---- entry points ---- */

static void prefix_where(const struct jinja_ctx *ctx, struct buf *err)
{
	char *msg;

	if (!ctx->where || !*ctx->where)
		return;
	msg = xstrdup(err->buf);
	buf_setf(err, "%s: %s", ctx->where, msg);
	free(msg);
}

json_t *jinja_render(const struct jinja_ctx *ctx, const char *text, struct buf *err)
{
	struct render_opts o = {1, JLEX_ESCAPE_BACKSLASHES, NULL};
	int undef;
	json_t *v = render(ctx, text, &o, err, &undef);

	if (!v)
		prefix_where(ctx, err);
	return v;
}

int jinja_render_text(const struct jinja_ctx *ctx, const char *text, struct buf *out,
		      struct buf *err)
{
	struct render_opts o = {0, 0, NULL};
	int undef;
	json_t *v = render(ctx, text, &o, err, &undef);

	if (!v) {
		prefix_where(ctx, err);
		return -1;
	}
	buf_add(out, json_string_value(v), json_string_length(v));
	json_decref(v);
	return 0;
}

static json_t *render_tree(const struct jinja_ctx *ctx, json_t *v, struct buf *err)
{
	const char *k;
	json_t *x, *r, *y;
	size_t i;

	if (!jvalue_has_markers(v))
		return json_incref(v);
	if (json_is_string(v))
		return jinja_render(ctx, json_string_value(v), err);
	r = json_is_array(v) ? json_array() : json_object();
	json_array_foreach(json_is_array(v) ? v : NULL, i, x)
	{
		if (!(y = render_tree(ctx, x, err)))
			goto fail;
		json_array_append_new(r, y);
	}
	json_object_foreach(json_is_object(v) ? v : NULL, k, x)
	{
		struct buf kb = BUF_INIT;
		json_t *rk = jinja_has_markers(k) ? jinja_render(ctx, k, err) : json_string(k);

		if (!rk || !(y = render_tree(ctx, x, err))) {
			json_decref(rk);
			goto fail;
		}
		py_str(&kb, rk);
		json_object_set_new(r, kb.buf, y);
		json_decref(rk);
		buf_release(&kb);
	}
	return r;
fail:
	json_decref(r);
	return NULL;
}

json_t *jinja_render_tree(const struct jinja_ctx *ctx, json_t *v, struct buf *err)
{
	return render_tree(ctx, v, err);
}

static json_t *eval_expr(const struct jinja_ctx *ctx, const char *expr, struct buf *err)
{
	struct render_opts o = {0, JLEX_EXPRESSION, NULL};
	struct jtemplate t;
	struct jscope root;
	struct jenv e;
	json_t *v = NULL;

	if (jtemplate_parse(&t, expr, strlen(expr), JLEX_EXPRESSION, err)) {
		show_source(err, expr);
		goto out;
	}
	env_init(&e, &root, ctx, &o, err);
	if (!t.body)
		jerr(&e, "template error while templating string: empty expression");
	else
		jeval_value(&e, t.body, &v);
	env_release(&e, &root);
out:
	jtemplate_release(&t);
	return v;
}

json_t *jinja_eval(const struct jinja_ctx *ctx, const char *expr, struct buf *err)
{
	json_t *v = eval_expr(ctx, expr, err);

	if (!v)
		prefix_where(ctx, err);
	return v;
}

/* A string condition: rendered if it holds {{ }}, then evaluated as an expression. */
static int condition_string(const struct jinja_ctx *ctx, const char *s, struct buf *err)
{
	json_t *v = NULL, *r = NULL;
	int t = -1;

	if (!*s)
		return 1;
	v = jinja_has_markers(s) ? jinja_render(ctx, s, err) : json_string(s);
	if (!v)
		goto out;
	if (!json_is_string(v) || !json_string_length(v)) {
		t = jinja_truthy(v);
		goto out;
	}
	r = eval_expr(ctx, json_string_value(v), err);
	if (r)
		t = jinja_truthy(r);
out:
	json_decref(v);
	json_decref(r);
	return t;
}

int jinja_condition(const struct jinja_ctx *ctx, json_t *cond, struct buf *err)
{
	struct jinja_ctx plain = *ctx;
	char *msg;
	int t;

	if (!cond || json_is_null(cond))
		return 1;
	if (!json_is_string(cond))
		return jinja_truthy(cond);
	plain.where = NULL;
	t = condition_string(&plain, json_string_value(cond), err);
	if (t < 0) {
		msg = xstrdup(err->buf);
		buf_setf(err, "error while evaluating conditional (%s): %s",
			 json_string_value(cond), msg);
		free(msg);
		prefix_where(ctx, err);
	}
	return t;
}
