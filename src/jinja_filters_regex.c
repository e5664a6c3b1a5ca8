/*
 * Python-style regular expressions on PCRE2: regex_search, regex_replace,
 * regex_findall, regex_escape and the match/search/regex tests. Python's
 * syntax differs from PCRE2's in little: (?P<name>...) is shared; \Z
 * (Python's end of string) is PCRE2's \z.
 */
#include "jinja_filters.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

static pcre2_code *re_compile(const char *pattern, int flags, struct buf *err)
{
	struct buf pat = BUF_INIT;
	const char *p;
	pcre2_code *re;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_UTF;
	int code;

	for (p = pattern; *p; p++) {
		if (p[0] == '\\' && p[1]) {
			buf_addch(&pat, '\\');
			buf_addch(&pat, *++p == 'Z' ? 'z' : *p);
		} else {
			buf_addch(&pat, *p);
		}
	}
	if (flags & JF_RE_IGNORECASE)
		opts |= PCRE2_CASELESS;
	if (flags & JF_RE_MULTILINE)
		opts |= PCRE2_MULTILINE;
	re = pcre2_compile((PCRE2_SPTR)pat.buf, pat.len, opts, &code, &off, NULL);
	if (!re) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		buf_setf(err, "invalid regular expression '%s': %s at position %zu", pattern,
			 (const char *)msg, (size_t)off);
	}
	buf_release(&pat);
	return re;
}

int jf_regex_flags(const struct jinja_call *call)
{
	return (jinja_truthy(json_object_get(call->kwargs, "ignorecase")) ? JF_RE_IGNORECASE : 0) |
	       (jinja_truthy(json_object_get(call->kwargs, "multiline")) ? JF_RE_MULTILINE : 0);
}

int jf_regex_test(const char *s, const char *pattern, int flags, const char *mode, struct buf *err)
{
	pcre2_code *re = re_compile(pattern, flags, err);
	pcre2_match_data *md;
	uint32_t opts = 0;
	int rc;

	if (!re)
		return -1;
	if (!strcmp(mode, "match"))
		opts = PCRE2_ANCHORED;
	else if (!strcmp(mode, "fullmatch"))
		opts = PCRE2_ANCHORED | PCRE2_ENDANCHORED;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, opts, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0;
}

/* Group n of the last match, or NULL (json null) when it did not take part. */
static json_t *group_value(const char *s, pcre2_match_data *md, uint32_t n, int rc)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if ((int)n >= rc || ov[2 * n] == PCRE2_UNSET)
		return NULL;
	return json_stringn(s + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
}

/* A group reference "\\1" or "\\g<name>" as a group number; -1 with err set. */
static int group_ref(pcre2_code *re, const char *ref, struct buf *err)
{
	char *name, *end;
	int n;

	if (!strncmp(ref, "\\g<", 3) && (end = strchr(ref, '>'))) {
		name = xstrndup(ref + 3, (size_t)(end - ref - 3));
		n = isdigit((unsigned char)*name)
			    ? atoi(name)
			    : pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);
		free(name);
	} else if (ref[0] == '\\' && isdigit((unsigned char)ref[1])) {
		n = atoi(ref + 1);
	} else {
		buf_setf(err, "Unknown argument");
		return -1;
	}
	if (n < 0)
		buf_setf(err, "unknown group name in '%s'", ref);
	return n;
}

static json_t *search_groups(pcre2_code *re, const char *s, pcre2_match_data *md, int rc,
			     const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *ref, *v;
	size_t i;
	int n;

	json_array_foreach(call->args, i, ref) {
		if (i == 0)
			continue;
		n = group_ref(re, json_is_string(ref) ? json_string_value(ref) : "", err);
		if (n < 0) {
			json_decref(out);
			return NULL;
		}
		v = group_value(s, md, (uint32_t)n, rc);
		json_array_append_new(out, v ? v : json_null());
	}
	return out;
}

static json_t *f_regex_search(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jre = jf_arg(call, 0, "regex"), *r = NULL;
	struct buf text = BUF_INIT;
	pcre2_match_data *md;
	pcre2_code *re;
	const char *s;
	int rc;

	if (!json_is_string(jre))
		return jf_type_error(err, "regex_search", "a pattern", jre);
	if (!(re = re_compile(json_string_value(jre), jf_regex_flags(call), err)))
		return NULL;
	py_str(&text, input);
	s = text.buf;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	if (rc < 0)
		r = json_null();
	else if (json_array_size(call->args) > 1)
		r = search_groups(re, s, md, rc, call, err);
	else
		r = group_value(s, md, 0, rc);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	buf_release(&text);
	return r;
}

/* Python's re.sub template escapes; returns the bytes used after the backslash. */
static int template_escape(struct buf *out, pcre2_code *re, const char *s, const char *t,
			   pcre2_match_data *md, int rc, struct buf *err)
{
	static const char esc[] = "n\nt\tr\rf\fv\va\ab\b\\\\";
	const char *e, *end;
	json_t *g;
	int n, used;

	if (isdigit((unsigned char)t[0])) {
		used = isdigit((unsigned char)t[1]) ? 2 : 1;
		n = used == 2 ? (t[0] - '0') * 10 + (t[1] - '0') : t[0] - '0';
	} else if (t[0] == 'g' && t[1] == '<' && (end = strchr(t, '>'))) {
		struct buf ref = BUF_INIT;

		buf_addch(&ref, '\\');
		buf_add(&ref, t, (size_t)(end - t + 1));
		n = group_ref(re, ref.buf, err);
		buf_release(&ref);
		used = (int)(end - t + 1);
	} else if (t[0] && (e = strchr(esc, t[0])) && !((e - esc) & 1)) {
		buf_addch(out, e[1]);
		return 1;
	} else if (isalpha((unsigned char)t[0])) {
		buf_setf(err, "bad escape \\%c", t[0]);
		return -1;
	} else {
		buf_addch(out, '\\');
		return 0;
	}
	if (n < 0)
		return -1;
	if ((g = group_value(s, md, (uint32_t)n, rc))) {
		buf_addstr(out, json_string_value(g));
		json_decref(g);
	}
	return used;
}

/* Appends the replacement template t for the current match. */
static int expand_template(struct buf *out, pcre2_code *re, const char *s, const char *t,
			   pcre2_match_data *md, int rc, struct buf *err)
{
	int used;

	for (; *t; t++) {
		if (*t != '\\') {
			buf_addch(out, *t);
			continue;
		}
		used = template_escape(out, re, s, t + 1, md, rc, err);
		if (used < 0)
			return -1;
		t += used;
	}
	return 0;
}

/*
 * Calls fn for every match left to right, as Python's finditer does: an
 * empty match right after a previous match is allowed, never two at the
 * same place. from is where the previous match ended; *tail gets the end
 * of the last match. Returns 0, or -1 when fn failed.
 */
typedef int (*match_fn)(void *data, const char *s, pcre2_match_data *md, int rc, size_t from);

static int each_match(pcre2_code *re, const char *s, match_fn fn, void *data, size_t *tail)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	size_t len = strlen(s), pos = 0, from = 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	uint32_t opts = 0;
	int rc, r = 0;

	while (pos <= len) {
		rc = pcre2_match(re, (PCRE2_SPTR)s, len, pos, opts, md, NULL);
		if (rc < 0 && opts) {
			/* No non-empty match here: step one character on. */
			pos++;
			while (pos < len && ((unsigned char)s[pos] & 0xc0) == 0x80)
				pos++;
			opts = 0;
			continue;
		}
		if (rc < 0)
			break;
		if (fn(data, s, md, rc, from) < 0) {
			r = -1;
			break;
		}
		from = ov[1];
		pos = ov[1];
		opts = ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
	}
	pcre2_match_data_free(md);
	*tail = from;
	return r;
}

struct replace_state {
	pcre2_code *re;
	const char *tmpl;
	struct buf out;
	struct buf *err;
};

static int replace_one(void *data, const char *s, pcre2_match_data *md, int rc, size_t from)
{
	struct replace_state *st = data;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	buf_add(&st->out, s + from, ov[0] - from);
	return expand_template(&st->out, st->re, s, st->tmpl, md, rc, st->err);
}

static json_t *f_regex_replace(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jre = jf_arg(call, 0, "pattern"), *jrep = jf_arg(call, 1, "replacement");
	struct replace_state st = {NULL, json_is_string(jrep) ? json_string_value(jrep) : "",
				   BUF_INIT, err};
	struct buf text = BUF_INIT;
	json_t *r = NULL;
	size_t tail;

	if (!json_is_string(jre))
		return jf_type_error(err, "regex_replace", "a pattern", jre);
	if (!(st.re = re_compile(json_string_value(jre), jf_regex_flags(call), err)))
		return NULL;
	py_str(&text, input);
	if (each_match(st.re, text.buf, replace_one, &st, &tail) == 0) {
		buf_addstr(&st.out, text.buf + tail);
		r = json_stringn(st.out.buf, st.out.len);
	}
	pcre2_code_free(st.re);
	buf_release(&st.out);
	buf_release(&text);
	return r;
}

struct findall_state {
	json_t *out;
	uint32_t groups;
};

/* re.findall: whole matches, group 1's text, or lists of every group's text. */
static int findall_one(void *data, const char *s, pcre2_match_data *md, int rc, size_t from)
{
	struct findall_state *st = data;
	json_t *g, *tuple;
	uint32_t i;

	(void)from;
	if (st->groups <= 1) {
		g = group_value(s, md, st->groups, rc);
		json_array_append_new(st->out, g ? g : json_string(""));
		return 0;
	}
	tuple = json_array();
	for (i = 1; i <= st->groups; i++) {
		g = group_value(s, md, i, rc);
		json_array_append_new(tuple, g ? g : json_string(""));
	}
	json_array_append_new(st->out, tuple);
	return 0;
}

static json_t *f_regex_findall(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jre = jf_arg(call, 0, "regex");
	struct findall_state st = {NULL, 0};
	struct buf text = BUF_INIT;
	pcre2_code *re;
	size_t tail;

	if (!json_is_string(jre))
		return jf_type_error(err, "regex_findall", "a pattern", jre);
	if (!(re = re_compile(json_string_value(jre), jf_regex_flags(call), err)))
		return NULL;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &st.groups);
	py_str(&text, input);
	st.out = json_array();
	each_match(re, text.buf, findall_one, &st, &tail);
	pcre2_code_free(re);
	buf_release(&text);
	return st.out;
}

static json_t *f_regex_escape(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jtype = jf_arg(call, 0, "re_type");
	const char *type = json_is_string(jtype) ? json_string_value(jtype) : "python";
	const char *special, *p;
	struct buf out = BUF_INIT;
	json_t *r;

	if (!strcmp(type, "python"))
		special = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
	else if (!strcmp(type, "posix_basic"))
		special = "].[^$*\\";
	else {
		buf_setf(err, "Regex type (%s) not yet implemented", type);
		return NULL;
	}
	py_str(&out, input);
	p = xstrdup(out.buf);
	buf_reset(&out);
	for (const char *q = p; *q; q++) {
		if (strchr(special, *q))
			buf_addch(&out, '\\');
		buf_addch(&out, *q);
	}
	free((char *)p);
	r = json_stringn(out.buf, out.len);
	buf_release(&out);
	return r;
}

static const struct jf_filter regex_filters[] = {
	{"regex_search", f_regex_search},
	{"regex_replace", f_regex_replace},
	{"regex_findall", f_regex_findall},
	{"regex_escape", f_regex_escape},
};

const struct jf_filter_table jf_regex_filters = {regex_filters, ARRAY_SIZE(regex_filters)};
