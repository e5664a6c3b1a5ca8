/*
 * Ansible's smaller builtin filters: md5, sha1, expandvars, fileglob,
 * relpath, human_to_bytes, urldecode, urlsplit and the win_* path filters.
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jinja_filters_int.h"
#include "jsonutil.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

static json_t *f_md5(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *args = json_pack("[s]", "md5"), *r;
	struct jinja_call sub = {call->ctx, args, call->kwargs, NULL};

	r = jinja_filter_find("hash")(input, &sub, err);
	json_decref(args);
	return r;
}

static json_t *f_sha1(json_t *input, const struct jinja_call *call, struct buf *err)
{
	return jinja_filter_find("checksum")(input, call, err);
}

/* os.path.expandvars: $NAME and ${NAME} from the environment; unknown ones stay. */
static json_t *f_expandvars(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *p, *name, *end, *v;
	char *key;
	json_t *r;

	(void)call;
	(void)err;
	py_str(&s, input);
	for (p = s.buf; *p; p++) {
		int braced = p[0] == '$' && p[1] == '{';

		name = p + 1 + braced;
		for (end = name; isalnum((unsigned char)*end) || *end == '_'; end++)
			;
		if (*p != '$' || end == name || (braced && *end != '}')) {
			buf_addch(&out, *p);
			continue;
		}
		key = xstrndup(name, (size_t)(end - name));
		v = getenv(key);
		free(key);
		if (v)
			buf_addstr(&out, v);
		else
			buf_add(&out, p, (size_t)(end + braced - p));
		p = end + braced - 1;
	}
	r = json_string_lossy(out.buf, out.len);
	buf_release(&s);
	buf_release(&out);
	return r;
}

static json_t *f_fileglob(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array();
	struct stat st;
	glob_t g;
	size_t i;

	(void)call;
	if (!json_is_string(input)) {
		json_decref(out);
		return jf_type_error(err, "fileglob", "a pattern", input);
	}
	if (glob(json_string_value(input), 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
				json_array_append_new(out, json_string(g.gl_pathv[i]));
		globfree(&g);
	}
	return out;
}

/* Python's human_to_bytes: "1.5 MB" → 1572864; bits with isbits=True ("10Mb"). */
static json_t *f_human_to_bytes(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const char units[] = "BKMGTPEZY";
	json_t *jdef = jf_arg(call, 0, "default_unit");
	int isbits = jinja_truthy(jf_arg(call, 1, "isbits"));
	struct buf s = BUF_INIT;
	const char *p, *unit, *u;
	char *end;
	double num;
	json_t *r = NULL;

	py_str(&s, input);
	for (p = s.buf; isspace((unsigned char)*p); p++)
		;
	num = strtod(p, &end);
	for (unit = end; isspace((unsigned char)*unit); unit++)
		;
	if (end == p || (*unit && !isalpha((unsigned char)*unit))) {
		buf_setf(err, "human_to_bytes() can't interpret following string: %s", s.buf);
		goto out;
	}
	if (!*unit && json_is_string(jdef))
		unit = json_string_value(jdef);
	u = *unit ? strchr(units, toupper((unsigned char)*unit)) : NULL;
	if (*unit && !u) {
		buf_setf(err, "human_to_bytes() failed to convert %s (unit = %s)", s.buf, unit);
		goto out;
	}
	if (*unit && unit[1] && !strcasestr(unit, isbits ? "bit" : "byte") &&
	    unit[1] != (isbits ? 'b' : 'B')) {
		buf_setf(err, "human_to_bytes() failed to convert %s. Value is not a valid string",
			 s.buf);
		goto out;
	}
	r = json_integer((json_int_t)round(num * (u ? ldexp(1, 10 * (int)(u - units)) : 1)));
out:
	buf_release(&s);
	return r;
}

static int hex_digit(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* unquote_plus: '+' is a space, %XX a byte. */
static json_t *f_urldecode(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *p;
	json_t *r;

	(void)call;
	(void)err;
	py_str(&s, input);
	for (p = s.buf; *p; p++) {
		if (*p == '+') {
			buf_addch(&out, ' ');
		} else if (*p == '%' && isxdigit((unsigned char)p[1]) &&
			   isxdigit((unsigned char)p[2])) {
			buf_addch(&out, (char)(hex_digit((unsigned char)p[1]) * 16 +
					       hex_digit((unsigned char)p[2])));
			p += 2;
		} else {
			buf_addch(&out, *p);
		}
	}
	r = json_string_lossy(out.buf, out.len);
	buf_release(&s);
	buf_release(&out);
	return r;
}

/* username, password, hostname (lower case) and port of a netloc into parts. */
static void split_netloc(json_t *parts, const char *netloc)
{
	const char *at = strrchr(netloc, '@'), *host = at ? at + 1 : netloc, *colon;
	char *h;

	if (at) {
		colon = memchr(netloc, ':', (size_t)(at - netloc));
		json_object_set_new(parts, "username",
				    json_stringn(netloc, (size_t)((colon ? colon : at) - netloc)));
		json_object_set_new(parts, "password",
				    colon ? json_stringn(colon + 1, (size_t)(at - colon - 1))
					  : json_null());
	}
	colon = strrchr(host, ':');
	h = xstrndup(host, colon ? (size_t)(colon - host) : strlen(host));
	for (char *c = h; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	json_object_set_new(parts, "hostname", *h ? json_string(h) : json_null());
	json_object_set_new(parts, "port",
			    colon && colon[1] ? json_integer(atoll(colon + 1)) : json_null());
	free(h);
}

/* The fields in Ansible's (alphabetical) order; takes parts over. */
static json_t *sorted_parts(json_t *parts)
{
	static const char *const keys[] = {"fragment", "hostname", "netloc", "password", "path",
					   "port",     "query",	   "scheme", "username"};
	json_t *out = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		json_object_set(out, keys[i], json_object_get(parts, keys[i]));
	json_decref(parts);
	return out;
}

/* urllib.parse.urlsplit as a dict (or one of its fields). */
static json_t *f_urlsplit(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jq = jf_arg(call, 0, "query"),
	       *parts = json_pack("{snsnsnsn}", "username", "password", "hostname", "port");
	const char *s = json_string_value(input), *p, *e, *colon;
	char *netloc;

	if (!s) {
		json_decref(parts);
		return jf_type_error(err, "urlsplit", "a URL string", input);
	}
	colon = s + strcspn(s, ":/?#");
	p = *colon == ':' ? colon + 1 : s;
	json_object_set_new(parts, "scheme",
			    json_stringn(s, *colon == ':' ? (size_t)(colon - s) : 0));
	e = p;
	if (p[0] == '/' && p[1] == '/') {
		e = p + 2 + strcspn(p + 2, "/?#");
		netloc = xstrndup(p + 2, (size_t)(e - p - 2));
		json_object_set_new(parts, "netloc", json_string(netloc));
		split_netloc(parts, netloc);
		free(netloc);
	} else {
		json_object_set_new(parts, "netloc", json_string(""));
	}
	p = e + strcspn(e, "?#");
	json_object_set_new(parts, "path", json_stringn(e, (size_t)(p - e)));
	e = *p == '?' ? p + 1 + strcspn(p + 1, "#") : p;
	json_object_set_new(parts, "query",
			    json_stringn(p + (*p == '?'), (size_t)(e - p - (*p == '?'))));
	json_object_set_new(parts, "fragment", json_string(*e == '#' ? e + 1 : ""));
	if (!json_is_string(jq))
		return sorted_parts(parts);
	input = json_object_get(parts, json_string_value(jq));
	if (!input)
		buf_setf(err, "urlsplit: unknown URL component: %s", json_string_value(jq));
	input = json_incref(input);
	json_decref(parts);
	return input;
}

/* ntpath: a drive "C:" or "\\\\host\\share" ahead of the path, both separators. */
static size_t win_drive(const char *s)
{
	size_t n;

	if (isalpha((unsigned char)s[0]) && s[1] == ':')
		return 2;
	if ((s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/')) {
		n = 2 + strcspn(s + 2, "\\/");
		if (s[n])
			n += 1 + strcspn(s + n + 1, "\\/");
		return n;
	}
	return 0;
}

static const char *win_last_sep(const char *s)
{
	const char *a = strrchr(s, '\\'), *b = strrchr(s, '/');

	return a > b ? a : b;
}

static json_t *f_win_basename(json_t *input, const struct jinja_call *call, struct buf *err)
{
	const char *s = json_string_value(input), *sep;

	(void)call;
	if (!s)
		return jf_type_error(err, "win_basename", "a path", input);
	s += win_drive(s);
	sep = win_last_sep(s);
	return json_string(sep ? sep + 1 : s);
}

static json_t *f_win_dirname(json_t *input, const struct jinja_call *call, struct buf *err)
{
	const char *s = json_string_value(input), *sep, *rest;
	size_t n;

	(void)call;
	if (!s)
		return jf_type_error(err, "win_dirname", "a path", input);
	rest = s + win_drive(s);
	sep = win_last_sep(rest);
	n = sep ? (size_t)(sep - s) + 1 : (size_t)(rest - s);
	while (n > (size_t)(rest - s) && strspn(rest, "\\/") < n - (size_t)(rest - s) &&
	       (s[n - 1] == '\\' || s[n - 1] == '/'))
		n--;
	return json_stringn(s, n);
}

static json_t *f_win_splitdrive(json_t *input, const struct jinja_call *call, struct buf *err)
{
	const char *s = json_string_value(input);
	size_t n;

	(void)call;
	if (!s)
		return jf_type_error(err, "win_splitdrive", "a path", input);
	n = win_drive(s);
	return json_pack("[s#s]", s, (int)n, s + n);
}

static const struct jf_filter misc_filters[] = {
	{"md5", f_md5},
	{"sha1", f_sha1},
	{"expandvars", f_expandvars},
	{"fileglob", f_fileglob},
	{"human_to_bytes", f_human_to_bytes},
	{"urldecode", f_urldecode},
	{"urlsplit", f_urlsplit},
	{"win_basename", f_win_basename},
	{"win_dirname", f_win_dirname},
	{"win_splitdrive", f_win_splitdrive},
};

const struct jf_filter_table jf_misc_filters = {misc_filters, ARRAY_SIZE(misc_filters)};
