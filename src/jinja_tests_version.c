/*
 * The version test (and its old name version_compare): loose versions
 * compare digit runs as numbers and letter runs as text, in order, as
 * Ansible's LooseVersion; strict versions are N.N[.N][{a|b}N].
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

/* LooseVersion's parts: numbers, runs of a-z, and any other text between them; dots dropped. */
static json_t *loose_parts(const char *s)
{
	json_t *out = json_array();
	const char *p = s, *q;

	while (*p) {
		q = p + 1;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*q))
				q++;
			json_array_append_new(out, json_integer(strtoll(p, NULL, 10)));
		} else if (*p >= 'a' && *p <= 'z') {
			while (*q >= 'a' && *q <= 'z')
				q++;
			json_array_append_new(out, json_stringn(p, (size_t)(q - p)));
		} else if (*p != '.') {
			while (*q && *q != '.' && !isdigit((unsigned char)*q) &&
			       !(*q >= 'a' && *q <= 'z'))
				q++;
			json_array_append_new(out, json_stringn(p, (size_t)(q - p)));
		}
		p = q;
	}
	return out;
}

static int loose_cmp(const char *a, const char *b, int *cmp, struct buf *err)
{
	json_t *pa = loose_parts(a), *pb = loose_parts(b);
	int r = 0;

	if (jf_equal(pa, pb))
		*cmp = 0;
	else
		r = jf_compare(pa, pb, 0, cmp, err);
	json_decref(pa);
	json_decref(pb);
	return r;
}

/* StrictVersion: major.minor[.patch][a|b N]; v[3] is the pre-release letter or 0. */
static int strict_parse(const char *s, long v[5], struct buf *err)
{
	const char *p = s;
	char *end;
	int i;

	memset(v, 0, 5 * sizeof(*v));
	for (i = 0; i < 3; i++) {
		if (i && *p != '.')
			break;
		if (i)
			p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		v[i] = strtol(p, &end, 10);
		p = end;
	}
	if (i < 2)
		goto bad;
	if (*p == 'a' || *p == 'b') {
		v[3] = *p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		v[4] = strtol(p, &end, 10);
		p = end;
	}
	if (!*p)
		return 0;
bad:
	buf_setf(err, "Version comparison failed: invalid version number '%s'", s);
	return -1;
}

static int strict_cmp(const char *a, const char *b, int *cmp, struct buf *err)
{
	long va[5], vb[5];
	int i;

	if (strict_parse(a, va, err) < 0 || strict_parse(b, vb, err) < 0)
		return -1;
	*cmp = 0;
	for (i = 0; i < 3 && !*cmp; i++)
		*cmp = (va[i] > vb[i]) - (va[i] < vb[i]);
	if (*cmp || (va[3] == vb[3] && va[4] == vb[4]))
		return 0;
	/* A pre-release sorts before the release itself. */
	if (!va[3] || !vb[3])
		*cmp = va[3] ? -1 : 1;
	else
		*cmp = va[3] != vb[3] ? (va[3] > vb[3]) - (va[3] < vb[3])
				      : (va[4] > vb[4]) - (va[4] < vb[4]);
	return 0;
}

struct version_op {
	const char *name;
	int lt, eq, gt; /* what each outcome gives */
};

static const struct version_op version_ops[] = {
	{"==", 0, 1, 0}, {"=", 0, 1, 0},  {"eq", 0, 1, 0}, {"<", 1, 0, 0},  {"lt", 1, 0, 0},
	{"<=", 1, 1, 0}, {"le", 1, 1, 0}, {">", 0, 0, 1},  {"gt", 0, 0, 1}, {">=", 0, 1, 1},
	{"ge", 0, 1, 1}, {"!=", 1, 0, 1}, {"<>", 1, 0, 1}, {"ne", 1, 0, 1},
};

static const struct version_op *version_op(const char *name, struct buf *err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(version_ops); i++)
		if (!strcmp(version_ops[i].name, name))
			return &version_ops[i];
	buf_setf(err, "Invalid operator type (%s). Must be one of ", name);
	for (i = 0; i < ARRAY_SIZE(version_ops); i++)
		buf_addf(err, "%s'%s'", i ? ", " : "", version_ops[i].name);
	return NULL;
}

/* A dot-separated run of non-empty [0-9A-Za-z-] identifiers; returns its length, 0 if none. */
static size_t semver_idents(const char *s)
{
	size_t n = 0, run = 0;

	for (; s[n] && s[n] != '+'; n++) {
		if (s[n] == '.' && run) {
			run = 0;
			continue;
		}
		if (!isalnum((unsigned char)s[n]) && s[n] != '-')
			return 0;
		run++;
	}
	return run ? n : 0;
}

/* X.Y.Z[-pre][+build]; *pre points at the pre-release ("" when none). */
static int semver_parse(const char *s, long v[3], const char **pre, struct buf *err)
{
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (i && *p++ != '.')
			goto bad;
		if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
			goto bad;
		v[i] = strtol(p, &end, 10);
		p = end;
	}
	*pre = "";
	if (*p == '-') {
		*pre = ++p;
		if (!semver_idents(p))
			goto bad;
		p += semver_idents(p);
	}
	if (*p == '+' && semver_idents(p + 1) == strlen(p + 1))
		return 0;
	if (!*p)
		return 0;
bad:
	buf_setf(err, "Version comparison failed: invalid semantic version '%s'", s);
	return -1;
}

/* Pre-release identifiers: numbers numerically and before words; fewer fields first. */
static int semver_pre_cmp(const char *a, const char *b)
{
	size_t na, nb;
	int c, da, db;

	for (;;) {
		na = strcspn(a, ".+");
		nb = strcspn(b, ".+");
		if (!na || !nb)
			return (na > 0) - (nb > 0);
		da = strspn(a, "0123456789") >= na;
		db = strspn(b, "0123456789") >= nb;
		if (da && db)
			c = na != nb ? (na > nb) - (na < nb) : strncmp(a, b, na);
		else if (da || db)
			c = da ? -1 : 1;
		else if (!(c = strncmp(a, b, na < nb ? na : nb)))
			c = (na > nb) - (na < nb);
		if (c)
			return c;
		a += na + (a[na] == '.');
		b += nb + (b[nb] == '.');
	}
}

static int semver_cmp(const char *a, const char *b, int *cmp, struct buf *err)
{
	const char *pa, *pb;
	long va[3], vb[3];
	int i;

	if (semver_parse(a, va, &pa, err) < 0 || semver_parse(b, vb, &pb, err) < 0)
		return -1;
	*cmp = 0;
	for (i = 0; i < 3 && !*cmp; i++)
		*cmp = (va[i] > vb[i]) - (va[i] < vb[i]);
	if (!*cmp && (*pa || *pb))
		*cmp = !*pa ? 1 : !*pb ? -1 : semver_pre_cmp(pa, pb);
	return 0;
}

typedef int (*version_cmp_fn)(const char *a, const char *b, int *cmp, struct buf *err);

/* version_type: loose (default), strict, semver/semantic; strict=True means strict. */
static version_cmp_fn version_kind(const struct jinja_call *call, struct buf *err)
{
	json_t *jtype = jf_arg(call, 3, "version_type");
	const char *type = json_is_string(jtype) ? json_string_value(jtype) : NULL;

	if (!type)
		return jinja_truthy(jf_arg(call, 2, "strict")) ? strict_cmp : loose_cmp;
	if (!strcmp(type, "loose"))
		return loose_cmp;
	if (!strcmp(type, "strict"))
		return strict_cmp;
	if (!strcmp(type, "semver") || !strcmp(type, "semantic"))
		return semver_cmp;
	buf_setf(err, "version_type '%s' is not supported", type);
	return NULL;
}

static int t_version(json_t *in, const struct jinja_call *call, struct buf *err)
{
	json_t *jver = jf_arg(call, 0, "version"), *jop = jf_arg(call, 1, "operator");
	const struct version_op *op =
		version_op(json_is_string(jop) ? json_string_value(jop) : "eq", err);
	struct buf a = BUF_INIT, b = BUF_INIT;
	version_cmp_fn cmp_fn = NULL;
	int cmp, r = -1;

	if (!op || !(cmp_fn = version_kind(call, err)))
		return -1;
	if (in && !json_is_null(in))
		py_str(&a, in);
	if (jver && !json_is_null(jver))
		py_str(&b, jver);
	if (!a.len)
		buf_setf(err, "Input version value cannot be empty");
	else if (!b.len)
		buf_setf(err, "Version parameter to compare against cannot be empty");
	else if (cmp_fn(a.buf, b.buf, &cmp, err) == 0)
		r = cmp < 0 ? op->lt : cmp > 0 ? op->gt : op->eq;
	else if (cmp_fn == loose_cmp) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "Version comparison failed: %s", err->buf);
		buf_setf(err, "%s", msg.buf);
		buf_release(&msg);
	}
	buf_release(&a);
	buf_release(&b);
	return r;
}

static const struct jf_test version_tests[] = {
	{"version", t_version},
	{"version_compare", t_version},
};

const struct jf_test_table jf_version_tests = {version_tests, ARRAY_SIZE(version_tests)};
