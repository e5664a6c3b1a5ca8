/*
 * Text filters: paths (basename, dirname, expanduser, realpath, splitext),
 * shell quoting, indent and comment, URL encoding, base64, hashes and
 * password_hash (crypt(3) with passlib's defaults, as Ansible uses them).
 */
#include "jinja_filters.h"

#include <crypt.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "jinja_filters_int.h"
#include "jsonutil.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* The input as text (str() of non-strings), in a buffer the caller releases. */
static void text_of(json_t *input, struct buf *out)
{
	py_str(out, input);
}

static json_t *buf_to_json(struct buf *b)
{
	json_t *r = json_string_lossy(b->buf, b->len);

	buf_release(b);
	return r;
}

static json_t *f_basename(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT;
	const char *slash;
	json_t *r;

	(void)call;
	(void)err;
	text_of(input, &s);
	slash = strrchr(s.buf, '/');
	r = json_string(slash ? slash + 1 : s.buf);
	buf_release(&s);
	return r;
}

/* os.path.dirname: the head loses its trailing slashes unless it is only slashes. */
static json_t *f_dirname(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT;
	char *slash;

	(void)call;
	(void)err;
	text_of(input, &s);
	slash = strrchr(s.buf, '/');
	buf_setlen(&s, slash ? (size_t)(slash - s.buf) + 1 : 0);
	if (strspn(s.buf, "/") < s.len)
		while (s.len && s.buf[s.len - 1] == '/')
			s.len--;
	buf_setlen(&s, s.len);
	return buf_to_json(&s);
}

static json_t *f_expanduser(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *home = NULL, *rest;
	struct passwd *pw;
	char *user;

	(void)call;
	(void)err;
	text_of(input, &s);
	if (s.buf[0] != '~')
		return buf_to_json(&s);
	rest = strchrnul(s.buf, '/');
	if (rest == s.buf + 1) {
		home = getenv("HOME");
	} else {
		user = xstrndup(s.buf + 1, (size_t)(rest - s.buf - 1));
		pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
		free(user);
	}
	if (!home)
		return buf_to_json(&s);
	buf_addstr(&out, home);
	if (out.len > 1 && out.buf[out.len - 1] == '/' && *rest == '/')
		out.len--;
	buf_addstr(&out, rest);
	buf_release(&s);
	return buf_to_json(&out);
}

/* An absolute path with "." and ".." folded away, for paths that do not exist. */
static char *normalize_path(const char *path)
{
	struct buf out = BUF_INIT;
	const char *p, *e;
	char *cwd = NULL, *slash;

	if (path[0] != '/' && (cwd = getcwd(NULL, 0)))
		buf_addstr(&out, cwd);
	free(cwd);
	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '/');
		if (e == p || (e - p == 1 && p[0] == '.'))
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			slash = strrchr(out.buf, '/');
			buf_setlen(&out, slash ? (size_t)(slash - out.buf) : 0);
			continue;
		}
		buf_addch(&out, '/');
		buf_add(&out, p, (size_t)(e - p));
	}
	if (!out.len)
		buf_addch(&out, '/');
	return buf_detach(&out, NULL);
}

static json_t *f_realpath(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT;
	char *rp;
	json_t *r;

	(void)call;
	(void)err;
	text_of(input, &s);
	rp = realpath(s.buf, NULL);
	if (!rp)
		rp = normalize_path(s.buf);
	r = json_string(rp);
	free(rp);
	buf_release(&s);
	return r;
}

/* The components of an absolute normalized path. */
static json_t *path_components(const char *path)
{
	json_t *out = json_array();
	const char *p, *e;

	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '/');
		if (e > p)
			json_array_append_new(out, json_stringn(p, (size_t)(e - p)));
	}
	return out;
}

/* os.path.relpath: lexical, from start (default the cwd). */
static json_t *f_relpath(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jstart = jf_arg(call, 0, "start"), *pa, *pb;
	struct buf s = BUF_INIT, out = BUF_INIT;
	char *path, *start;
	size_t common = 0, i;

	(void)err;
	text_of(input, &s);
	path = normalize_path(s.buf);
	start = normalize_path(json_is_string(jstart) ? json_string_value(jstart) : ".");
	pa = path_components(path);
	pb = path_components(start);
	while (common < json_array_size(pa) && common < json_array_size(pb) &&
	       jf_equal(json_array_get(pa, common), json_array_get(pb, common)))
		common++;
	for (i = common; i < json_array_size(pb); i++)
		buf_addstr(&out, out.len ? "/.." : "..");
	for (i = common; i < json_array_size(pa); i++) {
		if (out.len)
			buf_addch(&out, '/');
		buf_addstr(&out, json_string_value(json_array_get(pa, i)));
	}
	if (!out.len)
		buf_addch(&out, '.');
	json_decref(pa);
	json_decref(pb);
	free(path);
	free(start);
	buf_release(&s);
	return buf_to_json(&out);
}

/* os.path.splitext: the last dot of the last component, not a leading one. */
static json_t *f_splitext(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT;
	const char *base, *dot;
	json_t *r;

	(void)call;
	(void)err;
	text_of(input, &s);
	base = strrchr(s.buf, '/');
	base = base ? base + 1 : s.buf;
	base += strspn(base, ".");
	dot = strrchr(base, '.');
	if (!dot)
		dot = s.buf + s.len;
	r = json_pack("[s#s]", s.buf, (int)(dot - s.buf), dot);
	buf_release(&s);
	return r;
}

/* shlex.quote */
static json_t *f_quote(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const char safe[] = "@%+=:,./-_";
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *p;

	(void)call;
	(void)err;
	if (!json_is_null(input))
		text_of(input, &s);
	for (p = s.buf; *p && (isalnum((unsigned char)*p) || strchr(safe, *p)); p++)
		;
	if (s.len && !*p)
		return buf_to_json(&s);
	buf_addch(&out, '\'');
	for (p = s.buf; *p; p++) {
		if (*p == '\'')
			buf_addstr(&out, "'\"'\"'");
		else
			buf_addch(&out, *p);
	}
	buf_addch(&out, '\'');
	buf_release(&s);
	return buf_to_json(&out);
}

/* Jinja's indent: lines after the first (the first too with first=), empty ones with blank=. */
static json_t *f_indent(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jw = jf_arg(call, 0, "width"), *jfirst = jf_arg(call, 1, "first");
	int blank = jinja_truthy(jf_arg(call, 2, "blank"));
	struct buf s = BUF_INIT, pad = BUF_INIT, out = BUF_INIT;
	const char *p, *eol;
	long long n = json_is_integer(jw) ? json_integer_value(jw) : 4;

	(void)err;
	text_of(input, &s);
	if (json_is_string(jw))
		buf_addstr(&pad, json_string_value(jw));
	while (!json_is_string(jw) && n-- > 0)
		buf_addch(&pad, ' ');
	if (jinja_truthy(jfirst))
		buf_add(&out, pad.buf, pad.len);
	for (p = s.buf;; p = eol + 1 + (eol[0] == '\r' && eol[1] == '\n')) {
		eol = p + strcspn(p, "\r\n");
		if (p != s.buf) {
			buf_addch(&out, '\n');
			if (eol > p || blank)
				buf_add(&out, pad.buf, pad.len);
		}
		buf_add(&out, p, (size_t)(eol - p));
		if (!*eol)
			break;
	}
	buf_release(&s);
	buf_release(&pad);
	return buf_to_json(&out);
}

struct comment_style {
	const char *name, *beginning, *prefix, *decoration, *postfix, *end;
};

static json_t *f_comment(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const struct comment_style styles[] = {
		{"plain", "", "#", "# ", "#", ""},     {"erlang", "", "%", "% ", "%", ""},
		{"c", "", "//", "// ", "//", ""},      {"cblock", "/*", "", " * ", "", " */"},
		{"xml", "<!--", "", " - ", "", "-->"},
	};
	json_t *jstyle = jf_arg(call, 0, "style");
	const char *name = json_is_string(jstyle) ? json_string_value(jstyle) : "plain";
	const struct comment_style *st = NULL;
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *p, *eol;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(styles); i++)
		if (!strcmp(styles[i].name, name))
			st = &styles[i];
	if (!st) {
		buf_setf(err, "comment: unknown style '%s'", name);
		return NULL;
	}
	text_of(input, &s);
	if (*st->beginning)
		buf_addf(&out, "%s\n", st->beginning);
	if (*st->prefix)
		buf_addf(&out, "%s\n", st->prefix);
	for (p = s.buf;; p = eol + 1) {
		eol = strchrnul(p, '\n');
		buf_addstr(&out, st->decoration);
		buf_add(&out, p, (size_t)(eol - p));
		if (!*eol)
			break;
		buf_addch(&out, '\n');
	}
	if (*st->postfix)
		buf_addf(&out, "\n%s", st->postfix);
	if (*st->end)
		buf_addf(&out, "\n%s", st->end);
	buf_release(&s);
	return buf_to_json(&out);
}

static void url_quote(struct buf *out, const char *s, const char *safe, int plus)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("_.-~", c) || (c && strchr(safe, c)))
			buf_addch(out, (char)c);
		else if (c == ' ' && plus)
			buf_addch(out, '+');
		else
			buf_addf(out, "%%%02X", c);
	}
}

static void url_pair(struct buf *out, json_t *k, json_t *v)
{
	struct buf t = BUF_INIT;

	if (out->len)
		buf_addch(out, '&');
	py_str(&t, k);
	url_quote(out, t.buf, "", 1);
	buf_addch(out, '=');
	buf_reset(&t);
	py_str(&t, v);
	url_quote(out, t.buf, "", 1);
	buf_release(&t);
}

static json_t *f_urlencode(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf out = BUF_INIT, s = BUF_INIT;
	const char *k;
	json_t *v;
	size_t i;

	(void)call;
	(void)err;
	if (json_is_object(input)) {
		json_object_foreach(input, k, v) {
			json_t *jk = json_string(k);

			url_pair(&out, jk, v);
			json_decref(jk);
		}
	} else if (json_is_array(input)) {
		json_array_foreach(input, i, v) {
			if (json_array_size(v) != 2) {
				buf_setf(err, "urlencode: a list must hold (key, value) pairs");
				buf_release(&out);
				return NULL;
			}
			url_pair(&out, json_array_get(v, 0), json_array_get(v, 1));
		}
	} else {
		text_of(input, &s);
		url_quote(&out, s.buf, "/", 0);
		buf_release(&s);
	}
	return buf_to_json(&out);
}

static json_t *f_b64encode(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;

	(void)call;
	(void)err;
	text_of(input, &s);
	base64_encode(&out, s.buf, s.len);
	buf_release(&s);
	return buf_to_json(&out);
}

static json_t *f_b64decode(json_t *input, const struct jinja_call *call, struct buf *err)
{
	struct buf s = BUF_INIT, out = BUF_INIT;

	(void)call;
	text_of(input, &s);
	if (base64_decode(&out, s.buf, s.len) < 0) {
		buf_setf(err, "b64decode: invalid base64 text");
		buf_release(&s);
		buf_release(&out);
		return NULL;
	}
	buf_release(&s);
	return buf_to_json(&out);
}

/* hashlib's names that OpenSSL spells differently. */
static const char *digest_name(const char *algo)
{
	static const char *const names[][2] = {
		{"blake2b", "BLAKE2b512"}, {"blake2s", "BLAKE2s256"}, {"sha3_224", "SHA3-224"},
		{"sha3_256", "SHA3-256"},  {"sha3_384", "SHA3-384"},  {"sha3_512", "SHA3-512"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(algo, names[i][0]))
			return names[i][1];
	return algo;
}

static json_t *hex_digest(json_t *input, const char *algo, struct buf *err)
{
	const EVP_MD *md = EVP_get_digestbyname(digest_name(algo));
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	struct buf s = BUF_INIT, out = BUF_INIT;

	if (!md) {
		buf_setf(err, "hash: unsupported hash type '%s'", algo);
		return NULL;
	}
	text_of(input, &s);
	EVP_Digest(s.buf, s.len, dig, &n, md, NULL);
	for (i = 0; i < n; i++)
		buf_addf(&out, "%02x", dig[i]);
	buf_release(&s);
	return buf_to_json(&out);
}

static json_t *f_hash(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *algo = jf_arg(call, 0, "hashtype");

	return hex_digest(input, json_is_string(algo) ? json_string_value(algo) : "sha1", err);
}

static json_t *f_checksum(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return hex_digest(input, "sha1", err);
}

struct crypt_algo {
	const char *name, *id;
	int rounds;	  /* passlib's default, 0: no rounds= field */
	size_t salt_size; /* passlib's default salt length */
};

static const struct crypt_algo crypt_algos[] = {
	{"sha512", "6", 656000, 16},
	{"sha256", "5", 535000, 16},
	{"md5", "1", 0, 8},
	{"md5_crypt", "1", 0, 8},
};

static void random_salt(struct buf *out, size_t n)
{
	static const char chars[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[64];
	size_t i;

	if (n > sizeof(rnd))
		n = sizeof(rnd);
	if (RAND_bytes(rnd, (int)n) != 1)
		BUG("RAND_bytes failed");
	for (i = 0; i < n; i++)
		buf_addch(out, chars[rnd[i] % 64]);
}

static json_t *f_password_hash(json_t *input, const struct jinja_call *call, struct buf *err)
{
	json_t *jalgo = jf_arg(call, 0, "hashtype"), *jsalt = jf_arg(call, 1, "salt");
	json_t *jrounds = jf_arg(call, 3, "rounds");
	const char *name = json_is_string(jalgo) ? json_string_value(jalgo) : "sha512";
	const struct crypt_algo *a = NULL;
	struct buf setting = BUF_INIT, s = BUF_INIT;
	struct crypt_data *cd;
	const char *h;
	json_t *r = NULL;
	long long rounds;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(crypt_algos); i++)
		if (!strcmp(crypt_algos[i].name, name))
			a = &crypt_algos[i];
	if (!a) {
		buf_setf(err, "password_hash: unsupported hash type '%s'", name);
		return NULL;
	}
	rounds = json_is_integer(jrounds) ? json_integer_value(jrounds) : a->rounds;
	buf_addf(&setting, "$%s$", a->id);
	/* 5000 is crypt's own default, which passlib leaves out of the hash. */
	if (a->rounds && rounds && rounds != 5000)
		buf_addf(&setting, "rounds=%lld$", rounds);
	if (json_is_string(jsalt))
		buf_addstr(&setting, json_string_value(jsalt));
	else
		random_salt(&setting, a->salt_size);
	text_of(input, &s);
	cd = xcalloc(1, sizeof(*cd));
	h = crypt_r(s.buf, setting.buf, cd);
	if (!h || h[0] == '*')
		buf_setf(err, "password_hash: crypt failed for '%s'", setting.buf);
	else
		r = json_string(h);
	free(cd);
	buf_release(&s);
	buf_release(&setting);
	return r;
}

static json_t *f_human_readable(json_t *input, const struct jinja_call *call, struct buf *err)
{
	static const char units[] = "YZEPTGMK";
	json_t *jbits = jf_arg(call, 0, "isbits"), *junit = jf_arg(call, 1, "unit");
	const char *unit = json_is_string(junit) ? json_string_value(junit) : NULL;
	const char *base = jinja_truthy(jbits) ? "bits" : "Bytes";
	double size = jf_number(input), limit = 1;
	struct buf out = BUF_INIT;
	int i;

	if (json_is_string(input))
		size = atof(json_string_value(input));
	else if (!jf_is_number(input))
		return jf_type_error(err, "human_readable", "a number", input);
	for (i = 0; units[i]; i++) {
		limit = ldexp(1, 10 * (8 - i));
		if (unit ? toupper((unsigned char)unit[0]) == units[i] : size >= limit)
			break;
	}
	if (units[i])
		buf_addf(&out, "%.2f %c%c", size / limit, units[i], base[0]);
	else
		buf_addf(&out, "%.2f %s", size, base);
	return buf_to_json(&out);
}

static const struct jf_filter text_filters[] = {
	{"basename", f_basename},
	{"dirname", f_dirname},
	{"expanduser", f_expanduser},
	{"realpath", f_realpath},
	{"relpath", f_relpath},
	{"splitext", f_splitext},
	{"quote", f_quote},
	{"indent", f_indent},
	{"comment", f_comment},
	{"urlencode", f_urlencode},
	{"b64encode", f_b64encode},
	{"b64decode", f_b64decode},
	{"hash", f_hash},
	{"checksum", f_checksum},
	{"password_hash", f_password_hash},
	{"human_readable", f_human_readable},
};

const struct jf_filter_table jf_text_filters = {text_filters, ARRAY_SIZE(text_filters)};
