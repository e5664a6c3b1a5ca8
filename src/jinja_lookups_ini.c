/*
 * lookup('ini', 'KEY section=S file=F default=D re=B type=ini|properties'):
 * values from INI files as Python's configparser reads them (key = value
 * or key: value, keys case-folded, indented lines continue a value) or
 * from Java-style properties files. And lookup('csvfile', 'KEY file=F
 * delimiter=D col=N default=X'): a column of the row whose first field is KEY.
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

struct ini_opts {
	char *key;
	const char *section, *file, *dflt, *type;
	int re, case_sensitive;
	json_t *owned; /* the option values parsed from the term */
};

static const char *opt(const struct ini_opts *o, const struct jinja_call *call, const char *name,
		       const char *dflt)
{
	json_t *v = json_object_get(o->owned, name);

	if (!v)
		v = json_object_get(call->kwargs, name);
	return json_is_string(v) ? json_string_value(v) : dflt;
}

static int opt_bool(const struct ini_opts *o, const struct jinja_call *call, const char *name)
{
	json_t *v = json_object_get(o->owned, name);
	const char *s;

	if (!v)
		v = json_object_get(call->kwargs, name);
	if (!json_is_string(v))
		return jinja_truthy(v);
	s = json_string_value(v);
	return !strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcmp(s, "1");
}

/* "KEY k=v k=v" into o; keyword arguments fill what the term leaves out. */
static void ini_parse_term(const char *term, const struct jinja_call *call, struct ini_opts *o)
{
	const char *p = term + strcspn(term, " "), *e, *eq;

	o->key = xstrndup(term, (size_t)(p - term));
	o->owned = json_object();
	for (; *p; p = e) {
		p += strspn(p, " ");
		e = p + strcspn(p, " ");
		if ((eq = memchr(p, '=', (size_t)(e - p)))) {
			char *k = xstrndup(p, (size_t)(eq - p));

			json_object_set_new(o->owned, k,
					    json_stringn(eq + 1, (size_t)(e - eq - 1)));
			free(k);
		}
	}
	o->section = opt(o, call, "section", "global");
	o->file = opt(o, call, "file", "ansible.ini");
	o->dflt = opt(o, call, "default", "");
	o->type = opt(o, call, "type", "ini");
	o->re = opt_bool(o, call, "re");
	o->case_sensitive = opt_bool(o, call, "case_sensitive");
}

static char *strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One "key = value" line into section; returns the value string to continue, or NULL. */
static json_t *ini_entry(json_t *section, char *line, int case_sensitive)
{
	char *sep = line + strcspn(line, "=:"), *k;
	json_t *v;

	if (!*sep)
		return NULL;
	*sep = '\0';
	k = strip(line);
	for (char *c = k; !case_sensitive && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	v = json_string(strip(sep + 1));
	json_object_set_new(section, k, v);
	return v;
}

/* The file as {section: {key: value}}; properties files are one section. */
static json_t *ini_load(char *text, int properties, int case_sensitive)
{
	json_t *all = json_object(), *sec = NULL, *last = NULL;
	char *line, *save = NULL, *s;

	if (properties)
		json_object_set_new(all, "java_properties", sec = json_object());
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		s = strip(line);
		if (!*s || *s == '#' || *s == ';') {
			continue;
		} else if (last && isspace((unsigned char)line[0])) {
			json_t *joined = json_sprintf("%s\n%s", json_string_value(last), s);

			json_string_set(last, json_string_value(joined));
			json_decref(joined);
		} else if (!properties && *s == '[' && s[strlen(s) - 1] == ']') {
			s[strlen(s) - 1] = '\0';
			sec = json_object();
			json_object_set_new(all, s + 1, sec);
			last = NULL;
		} else if (sec) {
			last = ini_entry(sec, s, case_sensitive);
		}
	}
	return all;
}

static int ini_term(json_t *out, const struct jinja_call *call, const char *term, struct buf *err)
{
	struct ini_opts o;
	struct buf text = BUF_INIT;
	json_t *all = NULL, *sec, *v;
	char *path = NULL;
	const char *k;
	int r = -1, props;

	ini_parse_term(term, call, &o);
	props = !strcmp(o.type, "properties");
	if (!(path = jf_find_file(call->ctx, "files", o.file)) || buf_read_file(&text, path) < 0) {
		buf_setf(err, "could not locate file in lookup: %s", o.file);
		goto out;
	}
	all = ini_load(text.buf, props, o.case_sensitive);
	sec = json_object_get(all, props ? "java_properties" : o.section);
	if (!sec) {
		buf_setf(err, "No section '%s' in %s", o.section, o.file);
		goto out;
	}
	for (char *c = o.key; !o.case_sensitive && !o.re && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	r = 0;
	if (!o.re) {
		v = json_object_get(sec, o.key);
		json_array_append_new(out, v ? json_incref(v) : json_string(o.dflt));
		goto out;
	}
	json_object_foreach(sec, k, v) {
		if ((r = jf_regex_test(k, o.key, 0, "match", err)) < 0)
			goto out;
		if (r)
			json_array_append(out, v);
	}
	r = 0;
out:
	json_decref(all);
	json_decref(o.owned);
	free(o.key);
	free(path);
	buf_release(&text);
	return r;
}

json_t *jf_lookup_ini(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!json_is_string(term) ||
		    ini_term(out, call, json_string_value(term), err) < 0) {
			if (!json_is_string(term))
				buf_setf(err, "lookup('ini'): expected a string term");
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* One CSV record of line into fields (Python's csv: "quoted, fields" with "" for a quote). */
static json_t *csv_fields(const char *line, char delim)
{
	json_t *out = json_array();
	struct buf f = BUF_INIT;
	const char *p = line;
	int quoted;

	for (;;) {
		buf_reset(&f);
		quoted = *p == '"';
		for (p += quoted; *p && (quoted || *p != delim); p++) {
			if (quoted && *p == '"' && p[1] == '"')
				buf_addch(&f, *p++);
			else if (quoted && *p == '"')
				quoted = 0;
			else
				buf_addch(&f, *p);
		}
		json_array_append_new(out, json_stringn(f.buf, f.len));
		if (*p != delim)
			break;
		p++;
	}
	buf_release(&f);
	return out;
}

static int csv_term(json_t *out, const struct jinja_call *call, const char *term, struct buf *err)
{
	struct ini_opts o;
	struct buf text = BUF_INIT;
	const char *file, *delim, *dflt;
	char *path = NULL, *line, *save = NULL;
	long col;
	json_t *row, *v, *found = NULL;

	ini_parse_term(term, call, &o);
	file = opt(&o, call, "file", "ansible.csv");
	delim = opt(&o, call, "delimiter", "TAB");
	dflt = opt(&o, call, "default", NULL);
	v = json_object_get(o.owned, "col") ? json_object_get(o.owned, "col")
					    : json_object_get(call->kwargs, "col");
	col = json_is_string(v)	   ? strtol(json_string_value(v), NULL, 10)
	      : json_is_integer(v) ? (long)json_integer_value(v)
				   : 1;
	if (!(path = jf_find_file(call->ctx, "files", file)) || buf_read_file(&text, path) < 0) {
		buf_setf(err, "csvfile: could not read %s", file);
		json_decref(o.owned);
		free(o.key);
		free(path);
		return -1;
	}
	for (line = strtok_r(text.buf, "\r\n", &save); line && !found;
	     line = strtok_r(NULL, "\r\n", &save)) {
		row = csv_fields(line,
				 !strcmp(delim, "TAB") || !strcmp(delim, "\\t") ? '\t' : delim[0]);
		if (!strcmp(json_string_value(json_array_get(row, 0)), o.key) && col >= 0)
			found = json_incref(json_array_get(row, (size_t)col));
		json_decref(row);
	}
	if (found || dflt)
		json_array_append_new(out, found ? found : json_string(dflt));
	json_decref(o.owned);
	free(o.key);
	free(path);
	buf_release(&text);
	return 0;
}

json_t *jf_lookup_csvfile(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	size_t i;

	json_array_foreach(call->args, i, term) {
		if (!json_is_string(term) ||
		    csv_term(out, call, json_string_value(term), err) < 0) {
			if (!json_is_string(term))
				buf_setf(err, "lookup('csvfile'): expected a string term");
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
