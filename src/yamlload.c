/*
 * YAML → jansson with the YAML 1.1 implicit typing PyYAML applies (and so
 * Ansible sees): see yamlload.h for the mapping of the odd cases.
 */
#include "yamlload.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "xalloc.h"
#include "banned.h"

#define YAML_MAX_DEPTH 512

struct yl {
	yaml_parser_t parser;
	const char *name;
	const char *text;
	size_t len;
	json_t *anchors;      /* anchor name → node */
	struct buf *err;
	int depth;
	int marked;           /* give each mapping its YAML_POS_KEY */
};

static int yl_node(struct yl *y, yaml_event_t *ev, json_t **out);

/* "name:line:col: msg", then the source line and a caret under col. */
static void yl_error_at(struct yl *y, size_t line0, size_t col0, const char *msg)
{
	const char *p = y->text, *end = y->text + y->len, *eol;
	size_t i;

	buf_setf(y->err, "%s:%zu:%zu: %s", y->name, line0 + 1, col0 + 1, msg);
	for (i = 0; i < line0 && p < end; p++)
		if (*p == '\n')
			i++;
	if (p >= end && line0 > 0)
		return;
	eol = memchr(p, '\n', end - p);
	if (!eol)
		eol = end;
	buf_addch(y->err, '\n');
	buf_add(y->err, p, eol - p);
	buf_addch(y->err, '\n');
	for (i = 0; i < col0 && p + i < eol; i++)
		buf_addch(y->err, p[i] == '\t' ? '\t' : ' ');
	buf_addch(y->err, '^');
}

static void yl_error_event(struct yl *y, const yaml_event_t *ev, const char *msg)
{
	yl_error_at(y, ev->start_mark.line, ev->start_mark.column, msg);
}

static int yl_next(struct yl *y, yaml_event_t *ev)
{
	const yaml_parser_t *p = &y->parser;
	char *msg;

	if (yaml_parser_parse(&y->parser, ev))
		return 0;
	if (p->context)
		msg = xasprintf("%s %s", p->context, p->problem ? p->problem : "syntax error");
	else
		msg = xstrdup(p->problem ? p->problem : "syntax error");
	if (p->problem)
		yl_error_at(y, p->problem_mark.line, p->problem_mark.column, msg);
	else
		yl_error_at(y, p->mark.line, p->mark.column, msg);
	free(msg);
	return -1;
}

static int one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return 1;
	return 0;
}

static const char *const yaml_true[] = { "yes", "Yes", "YES", "true", "True", "TRUE",
					 "on", "On", "ON", NULL };
static const char *const yaml_false[] = { "no", "No", "NO", "false", "False", "FALSE",
					  "off", "Off", "OFF", NULL };
static const char *const yaml_null[] = { "", "~", "null", "Null", "NULL", NULL };

/* Copies s without underscores; returns a new string. */
static char *strip_underscores(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *q = r;

	for (; *s; s++)
		if (*s != '_')
			*q++ = *s;
	*q = '\0';
	return r;
}

static int span_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* Sexagesimal "190:20:30" (digits already validated). */
static double base60(const char *s)
{
	double v = 0;

	while (*s) {
		v = v * 60 + strtod(s, (char **)&s);
		if (*s == ':')
			s++;
	}
	return v;
}

static int is_base60(const char *s, int want_fraction)
{
	const char *colon = strchr(s, ':');
	const char *p;

	if (!colon || *s < '1' || *s > '9')
		return 0;
	for (p = s; p < colon; p++)
		if (!isdigit((unsigned char)*p) && *p != '_')
			return 0;
	while (*p == ':') {
		size_t n = strspn(++p, "0123456789");

		if (n < 1 || n > 2 || (n == 2 && p[0] > '5'))
			return 0;
		p += n;
	}
	if (!want_fraction)
		return *p == '\0';
	return *p == '.' && strspn(p + 1, "0123456789_") == strlen(p + 1);
}

/* YAML 1.1 int; returns a new json integer or NULL. */
static json_t *resolve_int(const char *s)
{
	int neg = (*s == '-');
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	json_t *v = NULL;
	char *clean;
	long long n;

	if (!*d)
		return NULL;
	if (!strncmp(d, "0b", 2) && span_of(d + 2, "01_"))
		n = strtoll((clean = strip_underscores(d + 2)), NULL, 2);
	else if (!strncmp(d, "0x", 2) && span_of(d + 2, "0123456789abcdefABCDEF_"))
		n = strtoll((clean = strip_underscores(d + 2)), NULL, 16);
	else if (d[0] == '0' && span_of(d + 1, "01234567_"))
		n = strtoll((clean = strip_underscores(d + 1)), NULL, 8);
	else if (!strcmp(d, "0") || (d[0] >= '1' && d[0] <= '9' && span_of(d, "0123456789_")))
		n = strtoll((clean = strip_underscores(d)), NULL, 10);
	else if (is_base60(d, 0))
		return json_integer((long long)(neg ? -base60(d) : base60(d)));
	else
		return NULL;
	v = json_integer(neg ? -n : n);
	free(clean);
	return v;
}

static int is_decimal_float(const char *d)
{
	const char *dot = strchr(d, '.'), *e;

	if (!dot || strspn(d, "0123456789_") != (size_t)(dot - d))
		return 0;
	if (dot == d && !isdigit((unsigned char)dot[1]))
		return 0;
	if (dot > d && !isdigit((unsigned char)d[0]))
		return 0;
	e = dot + 1 + strspn(dot + 1, "0123456789_");
	if (!*e)
		return 1;
	if ((*e != 'e' && *e != 'E') || (e[1] != '-' && e[1] != '+'))
		return 0;
	return span_of(e + 2, "0123456789");
}

/* YAML 1.1 float; inf and nan cannot live in JSON, so they stay strings. */
static json_t *resolve_float(const char *s)
{
	const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
	int neg = (*s == '-');
	json_t *v;
	char *clean;
	double f;

	if (is_base60(d, 1)) {
		f = base60(d);
		return json_real(neg ? -f : f);
	}
	if (*d == '.' && d != s)
		return NULL; /* "+.5" is not a float in PyYAML's grammar */
	if (!is_decimal_float(d))
		return NULL;
	clean = strip_underscores(d);
	f = strtod(clean, NULL);
	free(clean);
	v = json_real(neg ? -f : f);
	return v;
}

static json_t *resolve_plain(const char *s)
{
	json_t *v;

	if (one_of(s, yaml_true))
		return json_true();
	if (one_of(s, yaml_false))
		return json_false();
	if (one_of(s, yaml_null))
		return json_null();
	if ((v = resolve_int(s)) || (v = resolve_float(s)))
		return v;
	return json_string(s);
}

/* Explicit tags: !vault becomes {"__ansible_vault": text}; others by their meaning. */
static json_t *tagged_scalar(const char *tag, const char *s)
{
	if (!strcmp(tag, "!vault"))
		return json_pack("{s:s}", "__ansible_vault", s);
	if (!strcmp(tag, YAML_INT_TAG) || !strcmp(tag, YAML_FLOAT_TAG) ||
	    !strcmp(tag, YAML_BOOL_TAG) || !strcmp(tag, YAML_NULL_TAG))
		return resolve_plain(s);
	return json_string(s);
}

static int yl_scalar(struct yl *y, yaml_event_t *ev, json_t **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && strcmp(tag, "!"))
		*out = tagged_scalar(tag, s);
	else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag)
		*out = resolve_plain(s);
	else
		*out = json_string(s);
	if (!*out) {
		yl_error_event(y, ev, "scalar is not valid UTF-8");
		return -1;
	}
	return 0;
}

static void yl_anchor(struct yl *y, const yaml_char_t *anchor, json_t *v)
{
	if (anchor)
		json_object_set(y->anchors, (const char *)anchor, v);
}

static int yl_seq(struct yl *y, yaml_event_t *start, json_t **out)
{
	json_t *arr = json_array(), *item;
	yaml_event_t ev;
	int r = -1;

	yl_anchor(y, start->data.sequence_start.anchor, arr);
	for (;;) {
		if ((r = yl_next(y, &ev)) < 0)
			goto out;
		if (ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		r = yl_node(y, &ev, &item);
		yaml_event_delete(&ev);
		if (r < 0)
			goto out;
		json_array_append_new(arr, item);
	}
	yaml_event_delete(&ev);
	r = 0;
out:
	if (r < 0)
		json_decref(arr);
	else
		*out = arr;
	return r;
}

/* A mapping key as the string Python's json.dumps would write for it. */
static char *key_string(json_t *k)
{
	if (json_is_string(k))
		return xstrdup(json_string_value(k));
	if (json_is_integer(k))
		return xasprintf("%lld", (long long)json_integer_value(k));
	if (json_is_real(k))
		return xasprintf("%.17g", json_real_value(k));
	if (json_is_true(k) || json_is_false(k))
		return xstrdup(json_is_true(k) ? "true" : "false");
	if (json_is_null(k))
		return xstrdup("null");
	return NULL;
}

/* Adds the keys of src that dst lacks (merge-key semantics). */
static void merge_missing(json_t *dst, json_t *src)
{
	const char *k;
	json_t *v;

	json_object_foreach(src, k, v)
		if (!json_object_get(dst, k))
			json_object_set(dst, k, v);
}

/* << takes a mapping or a list of mappings; earlier ones win. */
static int yl_merge(struct yl *y, yaml_event_t *ev, json_t *merged, json_t *val)
{
	size_t i;
	json_t *m;

	if (json_is_object(val)) {
		merge_missing(merged, val);
		return 0;
	}
	if (json_is_array(val)) {
		json_array_foreach(val, i, m) {
			if (!json_is_object(m))
				goto bad;
			merge_missing(merged, m);
		}
		return 0;
	}
bad:
	yl_error_event(y, ev, "expected a mapping or list of mappings for merging");
	return -1;
}

static int yl_map_pair(struct yl *y, yaml_event_t *kev, json_t *obj, json_t *merged)
{
	json_t *k = NULL, *v = NULL;
	yaml_event_t vev;
	char *ks = NULL;
	int is_merge, r = -1;

	is_merge = kev->type == YAML_SCALAR_EVENT &&
		   kev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		   !strcmp((const char *)kev->data.scalar.value, "<<");
	if (yl_node(y, kev, &k) < 0)
		goto out;
	if (!(ks = key_string(k))) {
		yl_error_event(y, kev, "mapping keys must be scalars");
		goto out;
	}
	if ((r = yl_next(y, &vev)) < 0)
		goto out;
	r = yl_node(y, &vev, &v);
	if (r == 0 && is_merge)
		r = yl_merge(y, &vev, merged, v);
	else if (r == 0)
		json_object_set(obj, ks, v);
	yaml_event_delete(&vev);
out:
	free(ks);
	json_decref(k);
	json_decref(v);
	return r;
}

static int yl_map(struct yl *y, yaml_event_t *start, json_t **out)
{
	json_t *obj = json_object(), *merged = json_object();
	yaml_event_t ev;
	int r = -1;

	yl_anchor(y, start->data.mapping_start.anchor, obj);
	for (;;) {
		if ((r = yl_next(y, &ev)) < 0)
			goto out;
		if (ev.type == YAML_MAPPING_END_EVENT)
			break;
		r = yl_map_pair(y, &ev, obj, merged);
		yaml_event_delete(&ev);
		if (r < 0)
			goto out;
	}
	yaml_event_delete(&ev);
	if (json_object_size(merged)) {
		/* PyYAML puts merged keys first; explicit ones override them */
		json_object_update(merged, obj);
		json_object_clear(obj);
		json_object_update(obj, merged);
	}
	if (y->marked)
		json_object_set_new(obj, YAML_POS_KEY,
				    json_sprintf("%zu:%zu", start->start_mark.line + 1,
						 start->start_mark.column + 1));
	r = 0;
out:
	json_decref(merged);
	if (r < 0)
		json_decref(obj);
	else
		*out = obj;
	return r;
}

static int yl_alias(struct yl *y, yaml_event_t *ev, json_t **out)
{
	json_t *v = json_object_get(y->anchors, (const char *)ev->data.alias.anchor);
	char *msg;

	if (!v) {
		msg = xasprintf("found undefined alias '%s'", ev->data.alias.anchor);
		yl_error_event(y, ev, msg);
		free(msg);
		return -1;
	}
	*out = json_incref(v);
	return 0;
}

static int yl_node(struct yl *y, yaml_event_t *ev, json_t **out)
{
	int r;

	if (++y->depth > YAML_MAX_DEPTH) {
		yl_error_event(y, ev, "document nested too deeply");
		return -1;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		r = yl_scalar(y, ev, out);
		if (r == 0)
			yl_anchor(y, ev->data.scalar.anchor, *out);
		break;
	case YAML_SEQUENCE_START_EVENT:
		r = yl_seq(y, ev, out);
		break;
	case YAML_MAPPING_START_EVENT:
		r = yl_map(y, ev, out);
		break;
	case YAML_ALIAS_EVENT:
		r = yl_alias(y, ev, out);
		break;
	default:
		yl_error_event(y, ev, "unexpected YAML event");
		r = -1;
	}
	y->depth--;
	return r;
}

/* Skips to the first document's root node; an empty stream gives null. */
static int yl_document(struct yl *y, json_t **out)
{
	yaml_event_t ev;
	int r;

	for (;;) {
		if (yl_next(y, &ev) < 0)
			return -1;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			*out = json_null();
			return 0;
		}
		if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT)
			break;
		yaml_event_delete(&ev);
	}
	r = yl_node(y, &ev, out);
	yaml_event_delete(&ev);
	return r;
}

static int load_string(const char *name, const char *text, size_t len, int marked,
		       json_t **out, struct buf *err)
{
	struct yl y = { .name = name, .text = text, .len = len, .err = err, .marked = marked };
	int r;

	*out = NULL;
	if (!yaml_parser_initialize(&y.parser)) {
		buf_setf(err, "%s: cannot initialise the YAML parser", name);
		return -1;
	}
	y.anchors = json_object();
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)text, len);
	r = yl_document(&y, out);
	json_decref(y.anchors);
	yaml_parser_delete(&y.parser);
	return r;
}

int yaml_load_string(const char *name, const char *text, size_t len, json_t **out,
		     struct buf *err)
{
	return load_string(name, text, len, 0, out, err);
}

static int load_file(const char *path, int marked, json_t **out, struct buf *err)
{
	struct buf text = BUF_INIT;
	int r = -1;

	*out = NULL;
	if (buf_read_file(&text, path) < 0) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = load_string(path, text.buf, text.len, marked, out, err);
out:
	buf_release(&text);
	return r;
}

int yaml_load_file(const char *path, json_t **out, struct buf *err)
{
	return load_file(path, 0, out, err);
}

int yaml_load_file_marked(const char *path, json_t **out, struct buf *err)
{
	return load_file(path, 1, out, err);
}

void yaml_strip_marks(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_object(v)) {
		json_object_del(v, YAML_POS_KEY);
		json_object_foreach(v, key, item)
			yaml_strip_marks(item);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			yaml_strip_marks(item);
	}
}
