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
#include <openssl/rand.h>
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
static const char *term_str(json_t *term, const char *lookup, struct buf *err)
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

	json_array_foreach(call->args, i, term)
	{
		if (!(name = term_str(term, "env", err))) {
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
	int lstrip = jf_truthy(json_object_get(call->kwargs, "lstrip"));
	struct buf b = BUF_INIT;
	const char *name;
	char *text;
	size_t i;

	json_array_foreach(call->args, i, term)
	{
		if (!(name = term_str(term, "file", err)) ||
		    !(text = read_term(call->ctx, "file", name, err))) {
			json_decref(out);
			out = NULL;
			break;
		}
		buf_reset(&b);
		buf_addstr(&b, text);
		free(text);
		strip_text(&b, lstrip, jr ? jf_truthy(jr) : 1);
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

	json_array_foreach(call->args, i, term)
	{
		if (!(name = term_str(term, "template", err)) ||
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

	json_array_foreach(call->args, i, term)
	{
		if (!(cmd = term_str(term, lookup, err)))
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

	json_array_foreach(call->args, i, term)
	{
		if (!(pattern = term_str(term, "fileglob", err))) {
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

	json_array_foreach(call->args, i, term)
	{
		if (!(name = term_str(term, "vars", err)))
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

/* items: the terms with lists among them opened one level. */
static json_t *l_items(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	size_t i;

	(void)err;
	json_array_foreach(call->args, i, term)
	{
		if (json_is_array(term))
			json_array_extend(out, term);
		else
			json_array_append(out, term);
	}
	return out;
}

static json_t *l_list(const struct jinja_call *call, struct buf *err)
{
	(void)err;
	return json_copy(call->args);
}

static json_t *l_dict(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *v;
	const char *k;
	size_t i;

	json_array_foreach(call->args, i, term)
	{
		if (!json_is_object(term)) {
			buf_setf(err, "with_dict expects a dict");
			json_decref(out);
			return NULL;
		}
		json_object_foreach(term, k, v)
			json_array_append_new(out, json_pack("{sssO}", "key", k, "value", v));
	}
	return out;
}

/* The terms as one list: a single list term stands for its items. */
static json_t *term_list(const struct jinja_call *call)
{
	json_t *t = json_array_get(call->args, 0);

	if (json_array_size(call->args) == 1 && json_is_array(t))
		return json_incref(t);
	return json_incref(call->args);
}

static json_t *l_indexed_items(const struct jinja_call *call, struct buf *err)
{
	json_t *items = term_list(call), *out = json_array(), *x;
	size_t i;

	(void)err;
	json_array_foreach(items, i, x)
		json_array_append_new(out, json_pack("[IO]", (json_int_t)i, x));
	json_decref(items);
	return out;
}

static json_t *l_together(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *l;
	size_t i, j, n = 0;

	json_array_foreach(call->args, i, l)
	{
		if (!json_is_array(l)) {
			buf_setf(err, "with_together requires at least one element in each list");
			json_decref(out);
			return NULL;
		}
		if (json_array_size(l) > n)
			n = json_array_size(l);
	}
	for (j = 0; j < n; j++) {
		json_t *row = json_array();

		json_array_foreach(call->args, i, l)
		{
			json_t *x = json_array_get(l, j);

			json_array_append_new(row, x ? json_incref(x) : json_null());
		}
		json_array_append_new(out, row);
	}
	return out;
}

/* nested: every combination, first list outermost; list items open into the row. */
static json_t *l_nested(const struct jinja_call *call, struct buf *err)
{
	json_t *rows = json_pack("[[]]"), *l, *next, *row, *x;
	size_t i, r, j;

	json_array_foreach(call->args, i, l)
	{
		if (!json_is_array(l)) {
			buf_setf(err, "with_nested requires lists, got %s", jf_type_name(l));
			json_decref(rows);
			return NULL;
		}
		next = json_array();
		json_array_foreach(rows, r, row)
		{
			json_array_foreach(l, j, x)
			{
				json_t *nr = json_copy(row);

				if (json_is_array(x))
					json_array_extend(nr, x);
				else
					json_array_append(nr, x);
				json_array_append_new(next, nr);
			}
		}
		json_decref(rows);
		rows = next;
	}
	if (!json_array_size(call->args))
		json_array_clear(rows);
	return rows;
}

struct seq {
	long long start, end, stride, count;
	int has_end, has_count;
	const char *format;
};

static int seq_number(const char *s, size_t n, long long *out)
{
	char *tmp = xstrndup(s, n), *end;
	int r;

	errno = 0;
	*out = strtoll(tmp, &end, 0);
	r = *tmp && !*end && !errno ? 0 : -1;
	free(tmp);
	return r;
}

/* "[start-]end[/stride][:format]" */
static int seq_shortcut(struct seq *q, const char *s, struct buf *fmt)
{
	const char *colon = strchr(s, ':'), *slash, *dash;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (colon)
		buf_addstr(fmt, colon + 1);
	slash = memchr(s, '/', n);
	if (slash && seq_number(slash + 1, n - (size_t)(slash - s) - 1, &q->stride) < 0)
		return -1;
	if (slash)
		n = (size_t)(slash - s);
	dash = n ? memchr(s + 1, '-', n - 1) : NULL;
	if (dash && seq_number(s, (size_t)(dash - s), &q->start) < 0)
		return -1;
	q->has_end = 1;
	return dash ? seq_number(dash + 1, n - (size_t)(dash - s) - 1, &q->end)
		    : seq_number(s, n, &q->end);
}

static int seq_keyvals(struct seq *q, const char *s, struct buf *fmt)
{
	const char *p = s, *eq, *sp;
	long long v;

	while (*p) {
		p += strspn(p, " ");
		if (!*p)
			break;
		sp = strchrnul(p, ' ');
		eq = memchr(p, '=', (size_t)(sp - p));
		if (!eq)
			return -1;
		if (!strncmp(p, "format=", 7)) {
			buf_add(fmt, eq + 1, (size_t)(sp - eq - 1));
		} else if (seq_number(eq + 1, (size_t)(sp - eq - 1), &v) < 0) {
			return -1;
		} else if (!strncmp(p, "start=", 6)) {
			q->start = v;
		} else if (!strncmp(p, "end=", 4)) {
			q->end = v;
			q->has_end = 1;
		} else if (!strncmp(p, "stride=", 7)) {
			q->stride = v;
		} else if (!strncmp(p, "count=", 6)) {
			q->count = v;
			q->has_count = 1;
		} else {
			return -1;
		}
		p = sp;
	}
	return 0;
}

/* Python's "fmt % n" for one integer conversion: %[-0][width](d|i|o|x|X|s). */
static int seq_format(struct buf *out, const char *fmt, long long n, struct buf *err)
{
	const char *p = fmt;
	char digits[64];
	int left = 0, zero = 0, width = 0, used = 0, len;

	for (; *p; p++) {
		if (*p != '%') {
			buf_addch(out, *p);
			continue;
		}
		if (*++p == '%') {
			buf_addch(out, '%');
			continue;
		}
		for (; *p == '-' || *p == '0'; p++)
			*(*p == '-' ? &left : &zero) = 1;
		for (width = 0; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		if (used++ || !*p || !strchr("diouxXs", *p)) {
			buf_setf(err, "bad formatting string: %s", fmt);
			return -1;
		}
		if (*p == 'o' || *p == 'x' || *p == 'X')
			snprintf(digits, sizeof(digits),
				 *p == 'o'   ? "%llo"
				 : *p == 'x' ? "%llx"
					     : "%llX",
				 n < 0 ? (unsigned long long)-n : (unsigned long long)n);
		else
			snprintf(digits, sizeof(digits), "%lld", n < 0 ? -n : n);
		len = (int)strlen(digits) + (n < 0);
		for (; !left && !zero && len < width; width--)
			buf_addch(out, ' ');
		if (n < 0)
			buf_addch(out, '-');
		for (; !left && zero && len < width && *p != 's'; width--)
			buf_addch(out, '0');
		buf_addstr(out, digits);
		for (; left && len < width; width--)
			buf_addch(out, ' ');
	}
	return 0;
}

static int seq_check(struct seq *q, struct buf *err)
{
	if (q->has_count && q->has_end) {
		buf_setf(err, "can't specify both count and end in with_sequence");
		return -1;
	}
	if (q->has_count)
		q->end = q->start + q->count * q->stride - 1;
	else if (!q->has_end) {
		buf_setf(err, "must specify count or end in with_sequence");
		return -1;
	}
	if (q->stride > 0 && q->end < q->start) {
		buf_setf(err, "to count backwards make stride negative");
		return -1;
	}
	if (q->stride < 0 && q->end > q->start) {
		buf_setf(err, "to count forward don't make stride negative");
		return -1;
	}
	return 0;
}

static int seq_term(json_t *out, const char *term, struct buf *err)
{
	struct seq q = {1, 0, 1, 0, 0, 0, NULL};
	struct buf fmt = BUF_INIT, item = BUF_INIT;
	long long i;
	int r;

	r = strchr(term, '=') ? seq_keyvals(&q, term, &fmt) : seq_shortcut(&q, term, &fmt);
	if (r < 0)
		buf_setf(err, "unknown argument to with_sequence: %s", term);
	if (!fmt.len)
		buf_addstr(&fmt, "%d");
	if (!r && !(r = seq_check(&q, err)) && q.stride) {
		for (i = q.start; q.stride > 0 ? i <= q.end : i >= q.end; i += q.stride) {
			buf_reset(&item);
			if ((r = seq_format(&item, fmt.buf, i, err)) < 0)
				break;
			json_array_append_new(out, json_string(item.buf));
		}
	}
	buf_release(&fmt);
	buf_release(&item);
	return r;
}

static json_t *l_sequence(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	const char *s;
	size_t i;

	json_array_foreach(call->args, i, term)
	{
		if (!(s = term_str(term, "sequence", err)) || seq_term(out, s, err) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
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
		json_array_foreach(term, i, f) ff_candidates(f, out);
	} else if (json_is_object(term)) {
		files = ff_list(json_object_get(term, "files"), ",;");
		paths = ff_list(json_object_get(term, "paths"), ",:;");
		json_array_foreach(files, i, f)
		{
			if (!json_array_size(paths))
				json_array_append(out, f);
			json_array_foreach(paths, j, p) json_array_append_new(
				out,
				json_sprintf("%s/%s", json_string_value(p), json_string_value(f)));
		}
		json_decref(files);
		json_decref(paths);
	}
}

static int ff_skip(const struct jinja_call *call)
{
	json_t *t;
	size_t i;

	if (jf_truthy(json_object_get(call->kwargs, "skip")))
		return 1;
	json_array_foreach(call->args, i, t) if (jf_truthy(json_object_get(t, "skip"))) return 1;
	return 0;
}

static json_t *l_first_found(const struct jinja_call *call, struct buf *err)
{
	json_t *cands = json_array(), *c, *out = NULL;
	char *path, *abs;
	size_t i;

	ff_candidates(call->args, cands);
	json_array_foreach(cands, i, c)
	{
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

/* The sub-list at path ("a.b") in item, removed from item; NULL with err set, or when missing. */
static json_t *take_sublist(json_t *item, const char *path, int skip_missing, struct buf *err)
{
	const char *p = path, *dot;
	json_t *x, *list = NULL;
	char *key;

	for (;; p = dot + 1, item = x) {
		dot = strchrnul(p, '.');
		key = xstrndup(p, (size_t)(dot - p));
		x = json_object_get(item, key);
		if (!x && !skip_missing)
			buf_setf(err, "could not find '%s' key in iterated item", key);
		else if (x && *dot && !json_is_object(x))
			buf_setf(err, "the key %s should point to a dictionary", key);
		else if (x && !*dot && !json_is_array(x))
			buf_setf(err, "the key %s should point to a list", key);
		else if (x && !*dot) {
			list = json_incref(x);
			json_object_del(item, key);
		}
		free(key);
		if (!x || !*dot || err->len)
			return list;
	}
}

/* One item of subelements: a copy without the sub-list, paired with each of its items. */
static int sub_item(json_t *out, json_t *item, const char *path, int skip_missing, struct buf *err)
{
	json_t *copy = json_deep_copy(item), *list, *x;
	size_t i;

	buf_reset(err);
	list = take_sublist(copy, path, skip_missing, err);
	json_array_foreach(list, i, x) json_array_append_new(out, json_pack("[OO]", copy, x));
	json_decref(list);
	json_decref(copy);
	return err->len ? -1 : 0;
}

static json_t *l_subelements(const struct jinja_call *call, struct buf *err)
{
	json_t *items = json_array_get(call->args, 0), *path = json_array_get(call->args, 1);
	json_t *flags = json_array_get(call->args, 2), *out, *item;
	int skip = jf_truthy(json_object_get(flags, "skip_missing"));
	size_t i;

	if (json_is_object(items))
		items = json_object_get(items, "results");
	if (!json_is_array(items) || !json_is_string(path)) {
		buf_setf(err, "subelements lookup expects a list, a key name and optional flags");
		return NULL;
	}
	out = json_array();
	json_array_foreach(items, i, item)
	{
		if (json_is_true(json_object_get(item, "skipped")))
			continue;
		if (sub_item(out, item, json_string_value(path), skip, err) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* The characters a password may use: names of Python's string constants, or literal text. */
static void password_chars(struct buf *out, const char *spec, size_t len)
{
	static const char *const sets[][2] = {
		{"ascii_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"ascii_lowercase", "abcdefghijklmnopqrstuvwxyz"},
		{"ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"digits", "0123456789"},
		{"hexdigits", "0123456789abcdefABCDEF"},
		{"octdigits", "01234567"},
		{"punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
	};
	const char *p = spec, *e, *end = spec + len;
	size_t i;

	while (p < end) {
		/* ",," stands for a comma itself. */
		if (p[0] == ',' && p + 1 < end && p[1] == ',') {
			buf_addch(out, ',');
			p += 2;
			continue;
		}
		e = memchr(p, ',', (size_t)(end - p));
		e = e ? e : end;
		for (i = 0; i < ARRAY_SIZE(sets); i++)
			if (strlen(sets[i][0]) == (size_t)(e - p) &&
			    !strncmp(p, sets[i][0], (size_t)(e - p)))
				break;
		if (i < ARRAY_SIZE(sets))
			buf_addstr(out, sets[i][1]);
		else
			buf_add(out, p, (size_t)(e - p));
		p = e + (e < end);
	}
}

static void password_random(struct buf *out, const char *chars, size_t n)
{
	size_t nchars = strlen(chars), i;
	unsigned char r;

	for (i = 0; i < n && nchars; i++) {
		do {
			if (RAND_bytes(&r, 1) != 1)
				BUG("RAND_bytes failed");
		} while (r >= 256 - 256 % nchars);
		buf_addch(out, chars[r % nchars]);
	}
}

struct password_term {
	char *path;
	long length;
	struct buf chars;
};

static int password_parse(const char *term, struct password_term *pt, struct buf *err)
{
	const char *p = strchrnul(term, ' '), *e;

	pt->path = xstrndup(term, (size_t)(p - term));
	pt->length = 20;
	buf_init(&pt->chars, 0);
	for (; *p; p = e) {
		p += strspn(p, " ");
		e = strchrnul(p, ' ');
		if (!strncmp(p, "length=", 7))
			pt->length = strtol(p + 7, NULL, 10);
		else if (!strncmp(p, "chars=", 6))
			password_chars(&pt->chars, p + 6, (size_t)(e - p - 6));
		else if (e > p && strncmp(p, "seed=", 5) && strncmp(p, "encrypt=", 8)) {
			buf_setf(err, "Unrecognized value after key=value parameters given to "
				      "password lookup");
			return -1;
		}
	}
	if (!pt->chars.len)
		buf_addstr(&pt->chars,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_");
	return 0;
}

/* The stored password (first line, before " salt="), or a new one written to the file. */
static int password_file(const struct jinja_ctx *ctx, struct password_term *pt, struct buf *out,
			 struct buf *err)
{
	const char *base =
		ctx && ctx->search_paths && ctx->search_paths[0] ? ctx->search_paths[0] : ".";
	char *path = pt->path[0] == '/' ? xstrdup(pt->path) : xasprintf("%s/%s", base, pt->path);
	char *dir = NULL, *salt;
	FILE *f;
	int r = 0;

	if (buf_read_file(out, path) == 0) {
		buf_setlen(out, strcspn(out->buf, "\n"));
		if ((salt = strstr(out->buf, " salt=")))
			buf_setlen(out, (size_t)(salt - out->buf));
		free(path);
		return 0;
	}
	password_random(out, pt->chars.buf, (size_t)(pt->length > 0 ? pt->length : 0));
	if (strchr(path, '/') && (dir = xstrndup(path, (size_t)(strrchr(path, '/') - path))))
		mkdir(dir, 0700);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", out->buf) < 0 || fclose(f) != 0) {
		buf_setf(err, "password lookup: cannot write %s: %s", path, strerror(errno));
		r = -1;
	} else {
		chmod(path, 0600);
	}
	free(dir);
	free(path);
	return r;
}

static json_t *l_password(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	struct password_term pt;
	struct buf pw = BUF_INIT;
	const char *s;
	size_t i;
	int r;

	json_array_foreach(call->args, i, term)
	{
		if (!(s = term_str(term, "password", err)))
			goto fail;
		r = password_parse(s, &pt, err);
		buf_reset(&pw);
		if (!r && !strcmp(pt.path, "/dev/null"))
			password_random(&pw, pt.chars.buf, (size_t)(pt.length > 0 ? pt.length : 0));
		else if (!r)
			r = password_file(call->ctx, &pt, &pw, err);
		free(pt.path);
		buf_release(&pt.chars);
		if (r < 0)
			goto fail;
		json_array_append_new(out, json_string_lossy(pw.buf, pw.len));
	}
	buf_release(&pw);
	return out;
fail:
	buf_release(&pw);
	json_decref(out);
	return NULL;
}

static json_t *l_random_choice(const struct jinja_call *call, struct buf *err)
{
	size_t n = json_array_size(call->args);
	unsigned char r[4];

	(void)err;
	if (!n)
		return json_array();
	if (RAND_bytes(r, sizeof(r)) != 1)
		BUG("RAND_bytes failed");
	return json_pack("[O]", json_array_get(call->args, ((size_t)r[0] << 24 |
							    (size_t)r[1] << 16 | (size_t)r[2] << 8 |
							    r[3]) % n));
}

/* varnames: the names of the variables matching any of the regexes, term by term. */
static json_t *l_varnames(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term, *v;
	const char *re, *name;
	size_t i;
	int r;

	json_array_foreach(call->args, i, term)
	{
		if (!(re = term_str(term, "varnames", err)))
			goto fail;
		json_object_foreach(call->ctx ? call->ctx->vars : NULL, name, v)
		{
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
	{"items", l_items},
	{"list", l_list},
	{"dict", l_dict},
	{"indexed_items", l_indexed_items},
	{"together", l_together},
	{"nested", l_nested},
	{"sequence", l_sequence},
	{"first_found", l_first_found},
	{"subelements", l_subelements},
	{"password", l_password},
	{"random_choice", l_random_choice},
	{"varnames", l_varnames},
	{"ini", jf_lookup_ini},
};

jinja_lookup_fn jinja_lookup_find(const char *name)
{
	size_t i;

	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	for (i = 0; i < ARRAY_SIZE(lookups); i++)
		if (!strcmp(lookups[i].name, name))
			return lookups[i].fn;
	return NULL;
}
