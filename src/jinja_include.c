/*
 * {% include 'file' %} (found along the context's search paths, rendered
 * with the including template's variables) and {% macro %} definitions and
 * calls.
 */
#include "jinja_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

#define INCLUDE_MAX_DEPTH 32

/* name along the search paths (the cwd without any); an xmalloc'd path or NULL. */
static char *find_template(const struct jinja_ctx *ctx, const char *name)
{
	const char *const *dir;
	char *path;

	if (name[0] == '/' || !ctx->search_paths)
		return access(name, R_OK) ? NULL : xstrdup(name);
	for (dir = ctx->search_paths; *dir; dir++) {
		path = xasprintf("%s/%s", *dir, name);
		if (!access(path, R_OK))
			return path;
		free(path);
	}
	return NULL;
}

/* The first of the names (a string or a list of them) that exists. */
static char *find_any(struct jenv *e, json_t *names)
{
	json_t *x;
	size_t i;
	char *p = NULL;

	if (json_is_string(names))
		return find_template(e->ctx, json_string_value(names));
	json_array_foreach(names, i, x) if (json_is_string(x) &&
					    (p = find_template(e->ctx, json_string_value(x))) !=
						    NULL) return p;
	return NULL;
}

static int render_file(struct jenv *e, const char *path, struct buf *out)
{
	struct jscope scope = {e->scope, NULL, NULL};
	struct buf src = BUF_INIT, perr = BUF_INIT;
	size_t nmacros = e->nmacros;
	struct jtemplate t;
	int r = -1;

	if (buf_read_file(&src, path)) {
		jerr(e, "could not read the included template %s: %s", path, strerror(errno));
		goto out;
	}
	if (jtemplate_parse(&t, src.buf, src.len - (src.len && src.buf[src.len - 1] == '\n'), 0,
			    &perr)) {
		jerr(e, "%s: %s", path, perr.buf);
		jtemplate_release(&t);
		goto out;
	}
	e->scope = &scope;
	e->depth++;
	r = jrender_body(e, t.body, out);
	e->depth--;
	e->scope = scope.parent;
	e->nmacros = nmacros; /* its macros die with its tree */
	json_decref(scope.vars);
	jtemplate_release(&t);
out:
	buf_release(&src);
	buf_release(&perr);
	return r;
}

int jrender_include(struct jenv *e, const struct jnode *n, struct buf *out)
{
	json_t *names;
	char *path;
	int r;

	if (jeval_value(e, n->a, &names))
		return -1;
	path = find_any(e, names);
	if (!path && n->negate)
		r = 0;
	else if (!path)
		r = jerr(e, "template not found: %s",
			 json_is_string(names) ? json_string_value(names)
					       : "(none of the names given)");
	else if (e->depth >= INCLUDE_MAX_DEPTH)
		r = jerr(e, "templates include each other too deeply (at %s)", path);
	else
		r = render_file(e, path, out);
	free(path);
	json_decref(names);
	return r;
}

static void macro_add(struct jenv *e, const char *name, const struct jnode *n,
		      const struct jnode *module)
{
	ALLOC_GROW(e->macros, e->nmacros + 1, e->amacros);
	e->macros[e->nmacros].name = name;
	e->macros[e->nmacros].node = n;
	e->macros[e->nmacros++].module = module;
}

void jmacro_define(struct jenv *e, const struct jnode *n)
{
	macro_add(e, n->name, n, e->module);
}

/* A macro defined at the top of an imported template's body. */
static const struct jnode *module_macro(const struct jnode *body, const char *name)
{
	for (; body; body = body->next)
		if (body->type == JN_MACRO && !strcmp(body->name, name))
			return body;
	return NULL;
}

static struct jtemplate *import_load(struct jenv *e, const char *path)
{
	struct buf src = BUF_INIT, perr = BUF_INIT;
	struct jtemplate *t = xcalloc(1, sizeof(*t));
	char *text;

	if (buf_read_file(&src, path)) {
		jerr(e, "could not read the imported template %s: %s", path, strerror(errno));
		free(t);
		t = NULL;
		goto out;
	}
	/* the tree points into its source: keep the text as long as the tree */
	text = buf_detach(&src, NULL);
	if (jtemplate_parse(t, text, strlen(text), 0, &perr)) {
		jerr(e, "%s: %s", path, perr.buf);
		jtemplate_release(t);
		free(text);
		free(t);
		t = NULL;
		goto out;
	}
	ALLOC_GROW(e->imports, e->nimports + 1, e->aimports);
	e->imports[e->nimports++] = t;
out:
	buf_release(&src);
	buf_release(&perr);
	return t;
}

/* Registers an imported template's macros: all as "ns.name", or the named ones. */
static int import_macros(struct jenv *e, const struct jnode *n, struct jtemplate *t)
{
	struct buf qual = BUF_INIT;
	const struct jnode *m;
	size_t i;

	if (!n->ntargets) {
		for (m = t->body; m; m = m->next) {
			if (m->type != JN_MACRO)
				continue;
			buf_setf(&qual, "%s.%s", n->name, m->name);
			macro_add(e, jarena_strndup(&t->arena, qual.buf, qual.len), m, t->body);
		}
		buf_release(&qual);
		return 0;
	}
	for (i = 0; i < n->ntargets; i++) {
		if (!(m = module_macro(t->body, n->targets[i])))
			return jerr(e, "the imported template has no macro '%s'", n->targets[i]);
		macro_add(e, m->name, m, t->body);
	}
	return 0;
}

int jrender_import(struct jenv *e, const struct jnode *n)
{
	struct jtemplate *t;
	json_t *name;
	char *path;
	int r = -1;

	if (jeval_value(e, n->a, &name))
		return -1;
	path = find_any(e, name);
	if (!path)
		jerr(e, "template not found: %s",
		     json_is_string(name) ? json_string_value(name) : "(none of the names given)");
	else if ((t = import_load(e, path)) != NULL)
		r = import_macros(e, n, t);
	free(path);
	json_decref(name);
	return r;
}

void jimports_release(struct jenv *e)
{
	size_t i;

	for (i = 0; i < e->nimports; i++) {
		free((char *)e->imports[i]->src);
		jtemplate_release(e->imports[i]);
		free(e->imports[i]);
	}
	free(e->imports);
}

/* Binds a macro's parameters in its scope: positional, then keywords, then defaults. */
static int macro_bind(struct jenv *e, const struct jnode *m, json_t *args, json_t *kwargs)
{
	const struct jnode *d = m->args;
	const char *k;
	json_t *v;
	size_t i;

	if (json_array_size(args) > m->ntargets)
		return jerr(e, "macro '%s' takes not more than %zu argument(s)", m->name,
			    m->ntargets);
	json_object_foreach(kwargs, k, v)
	{
		for (i = 0; i < m->ntargets && strcmp(m->targets[i], k); i++)
			;
		if (i == m->ntargets)
			return jerr(e, "macro '%s' takes no keyword argument '%s'", m->name, k);
	}
	for (i = 0; i < m->ntargets; i++, d = d->next) {
		v = json_array_get(args, i);
		if (!v)
			v = json_object_get(kwargs, m->targets[i]);
		if (v) {
			json_object_set(e->scope->vars, m->targets[i], v);
			continue;
		}
		if (d->type == JN_CONST && !d->value)
			continue; /* no default: left undefined */
		if (jeval_value(e, d, &v))
			return -1;
		json_object_set_new(e->scope->vars, m->targets[i], v);
	}
	return 0;
}

int jmacro_call(struct jenv *e, const char *name, json_t *args, json_t *kwargs, json_t **out)
{
	const struct jnode *m = NULL, *module = NULL, *caller_module = e->module;
	struct jscope *caller = e->scope, *root = e->scope, scope = {NULL, NULL, NULL};
	struct buf b = BUF_INIT;
	size_t i;
	int r;

	for (i = e->nmacros; i > 0 && !m; i--) {
		if (!strcmp(e->macros[i - 1].name, name)) {
			m = e->macros[i - 1].node;
			module = e->macros[i - 1].module;
		}
	}
	if (!m && e->module && (m = module_macro(e->module, name)) != NULL)
		module = e->module; /* a sibling in the same imported template */
	if (!m)
		return 0;
	e->module = module;
	/* a macro sees the template's top-level names and its parameters, not the caller's locals
	 */
	while (root && root->parent)
		root = root->parent;
	scope.parent = root;
	scope.vars = json_object();
	e->scope = &scope;
	r = macro_bind(e, m, args, kwargs);
	if (!r && e->depth >= INCLUDE_MAX_DEPTH)
		r = jerr(e, "macro '%s' calls itself too deeply", name);
	e->depth++;
	if (!r)
		r = jrender_body(e, m->body, &b);
	e->depth--;
	e->scope = caller;
	e->module = caller_module;
	json_decref(scope.vars);
	if (!r)
		*out = json_stringn(b.buf, b.len);
	buf_release(&b);
	return r ? -1 : 1;
}
