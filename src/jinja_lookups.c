/*
 * Lookups on the controller: lookup('env', 'HOME'), lookup('file', ...),
 * lookup('pipe', ...), fileglob, vars, template and the list shapers the
 * with_* loops use (items, list, dict, indexed_items, together, nested).
 * Each returns a list; the template engine joins it with commas for
 * lookup() and keeps it for query().
 */
#include "jinja_filters.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jinja_filters_int.h"
#include "jsonutil.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* Every term must be a string; returns its text or NULL with err set. */
const char *jf_term_str(json_t *term, const char *lookup, struct buf *err)
{
	if (json_is_string(term))
		return json_string_value(term);
	buf_setf(err, "lookup('%s'): expected a string term, got %s", lookup, jf_type_name(term));
	return NULL;
}

static json_t *l_env(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *dflt = json_object_get(call->kwargs, "default");
	const char *name, *v;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!(name = jf_term_str(term, "env", err))) {
			json_decref(out);
			return NULL;
		}
		v = getenv(name);
		if (v)
			json_array_append_new(out, json_string_lossy(v, strlen(v)));
		else
			json_array_append_new(out, dflt ? json_incref(dflt) : json_string(""));
	}
	return out;
}

/*
 * A relative path found in the search folders (or the cwd) as Ansible
 * looks: DIR/SUBDIR/NAME, then DIR/NAME, folder after folder. A new
 * string, or NULL.
 */
char *jf_find_file(const struct jinja_ctx *ctx, const char *subdir, const char *name)
{
	const char *const *dir;
	struct stat st;
	char *path;
	int pass;

	if (name[0] == '/' || !ctx || !ctx->search_paths)
		return stat(name, &st) == 0 ? xstrdup(name) : NULL;
	for (dir = ctx->search_paths; *dir; dir++) {
		for (pass = 0; pass < 2; pass++) {
			path = pass ? xasprintf("%s/%s", *dir, name)
				    : xasprintf("%s/%s/%s", *dir, subdir, name);
			if (stat(path, &st) == 0)
				return path;
			free(path);
		}
	}
	return NULL;
}

/* The text of a file for file and template; NULL with err set. */
static char *read_term(const struct jinja_ctx *ctx, const char *lookup, const char *name,
		       struct buf *err)
{
	int tmpl = !strcmp(lookup, "template");
	char *path = jf_find_file(ctx, tmpl ? "templates" : "files", name);
	struct buf text = BUF_INIT;

	if (!path) {
		if (tmpl)
			buf_setf(err, "the template file %s could not be found for the lookup",
				 name);
		else
			buf_setf(err, "could not locate file in lookup: %s", name);
		return NULL;
	}
	if (buf_read_file(&text, path) < 0) {
		buf_setf(err, "The '%s' lookup had an issue accessing the file '%s': %s", lookup,
			 name, strerror(errno));
		free(path);
		buf_release(&text);
		return NULL;
	}
	free(path);
	return buf_detach(&text, NULL);
}

static void strip_text(struct buf *b, int lstrip, int rstrip)
{
	size_t n = 0;

	if (rstrip)
		buf_rtrim(b);
	while (lstrip && n < b->len && strchr(" \t\n\r\f\v", b->buf[n]))
		n++;
	memmove(b->buf, b->buf + n, b->len - n + 1);
	b->len -= n;
}

static json_t *l_file(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *jr = json_object_get(call->kwargs, "rstrip");
	int lstrip = jinja_truthy(json_object_get(call->kwargs, "lstrip"));
	struct buf b = BUF_INIT;
	const char *name;
	char *text;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!(name = jf_term_str(term, "file", err)) ||
		    !(text = read_term(call->ctx, "file", name, err))) {
			json_decref(out);
			out = NULL;
			break;
		}
		buf_reset(&b);
		buf_addstr(&b, text);
		free(text);
		strip_text(&b, lstrip, jr ? jinja_truthy(jr) : 1);
		json_array_append_new(out, json_string_lossy(b.buf, b.len));
	}
	buf_release(&b);
	return out;
}

static json_t *l_template(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	struct buf b = BUF_INIT;
	const char *name;
	char *text;
	size_t i;
	int r;

	json_array_foreach(call->args, i, term) {
		if (!(name = jf_term_str(term, "template", err)) ||
		    !(text = read_term(call->ctx, "template", name, err))) {
			json_decref(out);
			out = NULL;
			break;
		}
		buf_reset(&b);
		r = jinja_render_text(call->ctx, text, &b, err);
		free(text);
		if (r < 0) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, json_string_lossy(b.buf, b.len));
	}
	buf_release(&b);
	return out;
}

/* Runs cmd with /bin/sh; its stdout in out. Returns the exit status or -1. */
static int run_sh(const char *cmd, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");
	int status;

	if (!p)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	status = pclose(p);
	if (status < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static json_t *run_terms(const struct jinja_call *call, struct buf *err, const char *lookup,
			 int lines)
{
	json_t *out = json_array(), *term, *l;
	struct buf b = BUF_INIT;
	const char *cmd;
	size_t i;
	int rc;

	json_array_foreach(call->args, i, term) {
		if (!(cmd = jf_term_str(term, lookup, err)))
			goto fail;
		buf_reset(&b);
		if ((rc = run_sh(cmd, &b)) != 0) {
			buf_setf(err, "lookup_plugin.%s(%s) returned %d", lookup, cmd, rc);
			goto fail;
		}
		if (lines) {
			l = json_lines(b.buf, b.len);
			json_array_extend(out, l);
			json_decref(l);
		} else {
			buf_rtrim(&b);
			json_array_append_new(out, json_string_lossy(b.buf, b.len));
		}
	}
	buf_release(&b);
	return out;
fail:
	buf_release(&b);
	json_decref(out);
	return NULL;
}

static json_t *l_pipe(const struct jinja_call *call, struct buf *err)
{
	return run_terms(call, err, "pipe", 0);
}

static json_t *l_lines(const struct jinja_call *call, struct buf *err)
{
	return run_terms(call, err, "lines", 1);
}

/* Appends the regular files matching path; returns how many. */
static size_t glob_files(const char *path, json_t *out)
{
	struct stat st;
	size_t i, found = 0;
	glob_t g;

	if (glob(path, 0, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) {
			json_array_append_new(out, json_string(g.gl_pathv[i]));
			found++;
		}
	}
	globfree(&g);
	return found;
}

/* The files a pattern matches in the first search folder (DIR/files, then DIR) with any. */
static void glob_term(const struct jinja_ctx *ctx, const char *pattern, json_t *out)
{
	const char *const cwd[] = {".", NULL};
	const char *const *dir = ctx && ctx->search_paths ? ctx->search_paths : cwd;
	size_t found = 0;
	char *path;
	int pass;

	if (pattern[0] == '/') {
		glob_files(pattern, out);
		return;
	}
	for (; *dir && !found; dir++) {
		for (pass = 0; pass < 2 && !found; pass++) {
			path = pass ? xasprintf("%s/%s", *dir, pattern)
				    : xasprintf("%s/files/%s", *dir, pattern);
			found = glob_files(path, out);
			free(path);
		}
	}
}

static json_t *l_fileglob(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	const char *pattern;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!(pattern = jf_term_str(term, "fileglob", err))) {
			json_decref(out);
			return NULL;
		}
		glob_term(call->ctx, pattern, out);
	}
	return out;
}

static json_t *l_vars(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *v, *dflt = json_object_get(call->kwargs, "default");
	const char *name;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!(name = jf_term_str(term, "vars", err)))
			goto fail;
		v = call->ctx ? json_object_get(call->ctx->vars, name) : NULL;
		if (!v && !dflt) {
			buf_setf(err, "No variable found with this name: %s", name);
			goto fail;
		}
		/* A variable's value is a template too, as Ansible renders it. */
		v = v ? jinja_render_tree(call->ctx, v, err) : json_incref(dflt);
		if (!v)
			goto fail;
		json_array_append_new(out, v);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* A list from a first_found files/paths value: a list as is, a string split at seps. */
static json_t *ff_list(json_t *v, const char *seps)
{
	json_t *out;
	const char *p, *e;

	if (!json_is_string(v))
		return json_incref(json_is_array(v) ? v : NULL);
	out = json_array();
	for (p = json_string_value(v);; p = e + 1) {
		e = p + strcspn(p, seps);
		if (e > p)
			json_array_append_new(out, json_stringn(p, (size_t)(e - p)));
		if (!*e)
			return out;
	}
}

/* Candidate paths of first_found: strings, lists, or {files: [...], paths: [...]}. */
static void ff_candidates(json_t *term, json_t *out)
{
	json_t *files, *paths, *f, *p;
	size_t i, j;

	if (json_is_string(term)) {
		json_array_append(out, term);
	} else if (json_is_array(term)) {
		json_array_foreach(term, i, f)
			ff_candidates(f, out);
	} else if (json_is_object(term)) {
		files = ff_list(json_object_get(term, "files"), ",;");
		paths = ff_list(json_object_get(term, "paths"), ",:;");
		json_array_foreach(files, i, f) {
			if (!json_array_size(paths))
				json_array_append(out, f);
			json_array_foreach(paths, j, p)
				json_array_append_new(out,
						      json_sprintf("%s/%s", json_string_value(p),
								   json_string_value(f)));
		}
		json_decref(files);
		json_decref(paths);
	}
}

static int ff_skip(const struct jinja_call *call)
{
	json_t *t;
	size_t i;

	if (jinja_truthy(json_object_get(call->kwargs, "skip")))
		return 1;
	json_array_foreach(call->args, i, t)
		if (jinja_truthy(json_object_get(t, "skip")))
			return 1;
	return 0;
}

static json_t *l_first_found(const struct jinja_call *call, struct buf *err)
{
	json_t *cands = json_array(), *c, *out = NULL;
	char *path, *abs;
	size_t i;

	ff_candidates(call->args, cands);
	json_array_foreach(cands, i, c) {
		if (!json_is_string(c) ||
		    !(path = jf_find_file(call->ctx, "files", json_string_value(c))))
			continue;
		/* Ansible returns the joined path, made absolute but not resolved. */
		abs = getcwd(NULL, 0);
		if (path[0] == '/' || !abs)
			out = json_pack("[s]", path);
		else
			out = json_pack("[s++]", abs, "/", path);
		free(abs);
		free(path);
		break;
	}
	json_decref(cands);
	if (!out && ff_skip(call))
		return json_array();
	if (!out)
		buf_setf(err, "No file was found when using first_found.");
	return out;
}

/* varnames: the names of the variables matching any of the regexes, term by term. */
static json_t *l_varnames(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *v;
	const char *re, *name;
	size_t i;
	int r;

	json_array_foreach(call->args, i, term) {
		if (!(re = jf_term_str(term, "varnames", err)))
			goto fail;
		json_object_foreach(call->ctx ? call->ctx->vars : NULL, name, v) {
			if ((r = jf_regex_test(name, re, 0, "search", err)) < 0)
				goto fail;
			if (r)
				json_array_append_new(out, json_string(name));
		}
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static const struct jf_lookup lookups[] = {
	{"env", l_env},
	{"file", l_file},
	{"template", l_template},
	{"pipe", l_pipe},
	{"lines", l_lines},
	{"fileglob", l_fileglob},
	{"vars", l_vars},
	{"first_found", l_first_found},
	{"varnames", l_varnames},
	{"ini", jf_lookup_ini},
	{"csvfile", jf_lookup_csvfile},
};

const struct jf_lookup_table jf_file_lookups = {lookups, ARRAY_SIZE(lookups)};

jinja_lookup_fn jinja_lookup_find(const char *name)
{
	const struct jf_lookup_table *tables[] = {&jf_file_lookups, &jf_list_lookups,
						  &jf_password_lookups};
	size_t t, i;

	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	for (t = 0; t < ARRAY_SIZE(tables); t++)
		for (i = 0; i < tables[t]->n; i++)
			if (!strcmp(tables[t]->v[i].name, name))
				return tables[t]->v[i].fn;
	return NULL;
}
