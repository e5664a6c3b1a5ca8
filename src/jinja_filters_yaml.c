/*
 * to_yaml, to_nice_yaml (libyaml's emitter, with PyYAML's choices: sorted
 * keys, YAML 1.1 implicit types quoted, flow style for collections of
 * scalars in to_yaml) and from_yaml.
 */
#include "jinja_filters.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "yamlload.h"
#include "banned.h"

/* Plain scalars that YAML 1.1 (PyYAML's resolver) would read as something else than a string. */
static const char implicit_re[] =
	"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
	"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
	"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
	"|[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
	"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
	"|~|null|Null|NULL|<<|="
	"|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
	"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?"
	":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"
	")$";

struct yaml_out {
	yaml_emitter_t em;
	pcre2_code *implicit;
	pcre2_match_data *md;
	int flow; /* PyYAML's default_flow_style: -1 None, 0 False, 1 True */
	int failed;
};

static int write_buf(void *data, unsigned char *bytes, size_t size)
{
	buf_add(data, bytes, size);
	return 1;
}

/* libyaml frees an event it was given, even on failure; after one, drop the rest. */
static void emit(struct yaml_out *y, yaml_event_t *ev)
{
	if (y->failed)
		yaml_event_delete(ev);
	else if (!yaml_emitter_emit(&y->em, ev))
		y->failed = 1;
}

static void emit_scalar(struct yaml_out *y, const char *s, int plain_ok)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)"tag:yaml.org,2002:str",
				     (yaml_char_t *)s, (int)strlen(s), plain_ok, 1,
				     YAML_ANY_SCALAR_STYLE);
	emit(y, &ev);
}

static void emit_string(struct yaml_out *y, const char *s)
{
	int implicit = *s == '\0' || pcre2_match(y->implicit, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
						 0, 0, y->md, NULL) >= 0;

	emit_scalar(y, s, !implicit);
}

/* PyYAML writes floats as repr(), lowercased, with ".0" before a bare exponent. */
static void emit_number(struct yaml_out *y, const json_t *v)
{
	struct buf s = BUF_INIT;
	char *e;

	py_str(&s, v);
	if (json_is_real(v) && !strchr(s.buf, '.') && (e = strchr(s.buf, 'e'))) {
		struct buf t = BUF_INIT;

		buf_add(&t, s.buf, (size_t)(e - s.buf));
		buf_addf(&t, ".0%s", e);
		buf_release(&s);
		s = t;
	}
	emit_scalar(y, s.buf, 1);
	buf_release(&s);
}

static int is_collection(const json_t *v)
{
	return json_is_object(v) || json_is_array(v);
}

/* to_yaml's flow style: a collection whose items are all scalars. */
static int flow_style(struct yaml_out *y, json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (y->flow >= 0)
		return y->flow;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (is_collection(x))
				return 0;
		return 1;
	}
	json_object_foreach(v, k, x)
		if (is_collection(x))
			return 0;
	return 1;
}

static void emit_value(struct yaml_out *y, json_t *v);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void emit_mapping(struct yaml_out *y, json_t *v)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *k;
	yaml_event_t ev;
	json_t *x;

	json_object_foreach(v, k, x)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_keys);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
					    flow_style(y, v) ? YAML_FLOW_MAPPING_STYLE
							     : YAML_BLOCK_MAPPING_STYLE);
	emit(y, &ev);
	for (i = 0; i < n; i++) {
		emit_string(y, keys[i]);
		emit_value(y, json_object_get(v, keys[i]));
	}
	yaml_mapping_end_event_initialize(&ev);
	emit(y, &ev);
	free(keys);
}

static void emit_value(struct yaml_out *y, json_t *v)
{
	yaml_event_t ev;
	size_t i;
	json_t *x;

	if (json_is_object(v)) {
		emit_mapping(y, v);
	} else if (json_is_array(v)) {
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     flow_style(y, v) ? YAML_FLOW_SEQUENCE_STYLE
								      : YAML_BLOCK_SEQUENCE_STYLE);
		emit(y, &ev);
		json_array_foreach(v, i, x)
			emit_value(y, x);
		yaml_sequence_end_event_initialize(&ev);
		emit(y, &ev);
	} else if (json_is_string(v)) {
		emit_string(y, json_string_value(v));
	} else if (json_is_boolean(v)) {
		emit_scalar(y, json_is_true(v) ? "true" : "false", 1);
	} else if (json_is_null(v)) {
		emit_scalar(y, "null", 1);
	} else {
		emit_number(y, v);
	}
}

static void emit_document(struct yaml_out *y, json_t *v)
{
	yaml_event_t ev;

	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(y, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(y, &ev);
	emit_value(y, v);
	yaml_document_end_event_initialize(&ev, 1);
	emit(y, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(y, &ev);
}

static json_t *dump_yaml(json_t *input, const struct jinja_call *call, int indent, int flow,
			 struct buf *err)
{
	json_t *ji = json_object_get(call->kwargs, "indent");
	json_t *jw = json_object_get(call->kwargs, "width");
	json_t *jf = json_object_get(call->kwargs, "default_flow_style");
	struct yaml_out y = {.flow = jf ? (json_is_null(jf) ? -1 : jinja_truthy(jf)) : flow};
	struct buf out = BUF_INIT;
	size_t off;
	int ecode;
	json_t *r = NULL;

	y.implicit = pcre2_compile((PCRE2_SPTR)implicit_re, PCRE2_ZERO_TERMINATED, 0, &ecode, &off,
				   NULL);
	if (!y.implicit)
		BUG("to_yaml: bad resolver pattern at %zu", off);
	y.md = pcre2_match_data_create_from_pattern(y.implicit, NULL);
	yaml_emitter_initialize(&y.em);
	yaml_emitter_set_output(&y.em, write_buf, &out);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_indent(&y.em, json_is_integer(ji) ? (int)json_integer_value(ji) : indent);
	if (json_is_integer(jw))
		yaml_emitter_set_width(&y.em, (int)json_integer_value(jw));
	emit_document(&y, input);
	if (y.failed)
		buf_setf(err, "to_yaml: %s", y.em.problem ? y.em.problem : "cannot write YAML");
	else if (out.len >= 5 && !strcmp(out.buf + out.len - 5, "\n...\n"))
		buf_setlen(&out, out.len - 4);
	if (!y.failed)
		r = json_stringn(out.buf, out.len);
	yaml_emitter_delete(&y.em);
	pcre2_match_data_free(y.md);
	pcre2_code_free(y.implicit);
	buf_release(&out);
	return r;
}

static json_t *f_to_yaml(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return dump_yaml(input, call, 2, -1, err);
}

static json_t *f_to_nice_yaml(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *ji = jf_arg(call, 0, "indent");

	return dump_yaml(input, call, json_is_integer(ji) ? (int)json_integer_value(ji) : 4, 0,
			 err);
}

static json_t *f_from_yaml(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *r = NULL;

	(void)call;
	if (!json_is_string(input))
		return json_incref(input);
	if (yaml_load_string("<from_yaml>", json_string_value(input), json_string_length(input), &r,
			     err) < 0)
		return NULL;
	return r;
}

static const struct jf_filter yaml_filters[] = {
	{"to_yaml", f_to_yaml},
	{"to_nice_yaml", f_to_nice_yaml},
	{"from_yaml", f_from_yaml},
};

const struct jf_filter_table jf_yaml_filters = {yaml_filters, ARRAY_SIZE(yaml_filters)};
