/*
 * Jinja's and Ansible's tests ("x is defined", "r is failed", "s is
 * match('^a')"). An undefined input is NULL: only defined/undefined look
 * at it; type tests say no, result tests fail as on a non-dict.
 */
#include "jinja_filters.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "jinja_filters_int.h"
#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

#define TEST(name) static int name(json_t *in, const struct jinja_call *call, struct buf *err)
#define UNUSED_ARGS ((void)call, (void)err)

TEST(t_defined)
{
	UNUSED_ARGS;
	return in != NULL;
}
TEST(t_undefined)
{
	UNUSED_ARGS;
	return in == NULL;
}
TEST(t_none)
{
	UNUSED_ARGS;
	return json_is_null(in);
}
TEST(t_string)
{
	UNUSED_ARGS;
	return json_is_string(in);
}
TEST(t_number)
{
	UNUSED_ARGS;
	return jf_is_number(in);
}
TEST(t_integer)
{
	UNUSED_ARGS;
	return json_is_integer(in);
}
TEST(t_float)
{
	UNUSED_ARGS;
	return json_is_real(in);
}
TEST(t_boolean)
{
	UNUSED_ARGS;
	return json_is_boolean(in);
}
TEST(t_mapping)
{
	UNUSED_ARGS;
	return json_is_object(in);
}
TEST(t_false)
{
	UNUSED_ARGS;
	(void)in;
	return 0;
}

TEST(t_iterable)
{
	UNUSED_ARGS;
	return json_is_string(in) || json_is_array(in) || json_is_object(in);
}

/* A registered result's flag: the dict's key, true when truthy. */
static int result_flag(json_t *in, const char *test, const char *key, struct buf *err)
{
	if (!json_is_object(in)) {
		buf_setf(err, "The '%s' test expects a dictionary", test);
		return -1;
	}
	return jinja_truthy(json_object_get(in, key));
}

TEST(t_failed)
{
	(void)call;
	return result_flag(in, "failed", "failed", err);
}
TEST(t_skipped)
{
	(void)call;
	return result_flag(in, "skipped", "skipped", err);
}
TEST(t_unreachable)
{
	(void)call;
	return result_flag(in, "unreachable", "unreachable", err);
}

TEST(t_succeeded)
{
	int r = result_flag(in, "failed", "failed", err);

	(void)call;
	return r < 0 ? r : !r;
}

/* changed: the result's own flag, else any loop item's. */
TEST(t_changed)
{
	json_t *results, *x;
	size_t i;
	int r = result_flag(in, "changed", "changed", err);

	(void)call;
	if (r != 0 || json_object_get(in, "changed"))
		return r;
	results = json_object_get(in, "results");
	json_array_foreach(results, i, x)
		if (jinja_truthy(json_object_get(x, "changed")))
			return 1;
	return 0;
}

static int regex_test(json_t *in, const struct jinja_call *call, struct buf *err, const char *mode)
{
	json_t *pat = jf_arg(call, 0, "pattern"),
	       *jmode = json_object_get(call->kwargs, "match_type");
	struct buf s = BUF_INIT;
	int r;

	if (!json_is_string(pat)) {
		buf_setf(err, "the regex test needs a pattern string");
		return -1;
	}
	if (!in)
		return 0;
	if (!mode)
		mode = json_is_string(jmode) ? json_string_value(jmode) : "search";
	py_str(&s, in);
	r = jf_regex_test(s.buf, json_string_value(pat), jf_regex_flags(call), mode, err);
	buf_release(&s);
	return r;
}

TEST(t_match)
{
	return regex_test(in, call, err, "match");
}
TEST(t_search)
{
	return regex_test(in, call, err, "search");
}
TEST(t_regex)
{
	return regex_test(in, call, err, NULL);
}

TEST(t_in)
{
	UNUSED_ARGS;
	return jf_contains(jf_arg(call, 0, "seq"), in);
}

TEST(t_contains)
{
	UNUSED_ARGS;
	return jf_contains(in, jf_arg(call, 0, "seq"));
}

/* convert_bool=True reads strings as Ansible's boolean() does, loosely. */
TEST(t_truthy)
{
	static const char *const yes[] = {"y", "yes", "on", "1", "true", "t"};
	size_t i;

	(void)err;
	if (!jinja_truthy(jf_arg(call, 0, "convert_bool")) || json_is_boolean(in))
		return jinja_truthy(in);
	if (jf_is_number(in))
		return jf_number(in) == 1;
	for (i = 0; json_is_string(in) && i < ARRAY_SIZE(yes); i++)
		if (!strcasecmp(json_string_value(in), yes[i]))
			return 1;
	return 0;
}

TEST(t_falsy)
{
	return !t_truthy(in, call, err);
}

TEST(t_eq)
{
	(void)err;
	return jf_equal(in, jf_arg(call, 0, "other"));
}
TEST(t_ne)
{
	(void)err;
	return !jf_equal(in, jf_arg(call, 0, "other"));
}

static int ordered(json_t *in, const struct jinja_call *call, struct buf *err, int want_lt,
		   int or_eq)
{
	int c;

	if (jf_compare(in, jf_arg(call, 0, "other"), 0, &c, err) < 0)
		return -1;
	return (want_lt ? c < 0 : c > 0) || (or_eq &&c == 0);
}

TEST(t_lt)
{
	return ordered(in, call, err, 1, 0);
}
TEST(t_le)
{
	return ordered(in, call, err, 1, 1);
}
TEST(t_gt)
{
	return ordered(in, call, err, 0, 0);
}
TEST(t_ge)
{
	return ordered(in, call, err, 0, 1);
}

static int modulo(json_t *in, double by, struct buf *err, double *rem)
{
	double x = jf_number(in);

	if (!jf_is_number(in) || by == 0) {
		buf_setf(err,
			 by == 0 ? "integer division or modulo by zero"
				 : "unsupported operand type(s) for %%: '%s' and 'int'",
			 jf_type_name(in));
		return -1;
	}
	*rem = x - by * floor(x / by);
	return 0;
}

TEST(t_odd)
{
	double r;

	(void)call;
	return modulo(in, 2, err, &r) < 0 ? -1 : r == 1;
}

TEST(t_even)
{
	double r;

	(void)call;
	return modulo(in, 2, err, &r) < 0 ? -1 : r == 0;
}

TEST(t_divisibleby)
{
	double r;

	return modulo(in, jf_number(jf_arg(call, 0, "num")), err, &r) < 0 ? -1 : r == 0;
}

/* Every item of a is in b (Python's set.issubset). */
static int all_in(json_t *a, json_t *b, struct buf *err)
{
	json_t *la = jf_iter(a), *lb = jf_iter(b), *x;
	size_t i;
	int r = 1;

	if (!la || !lb) {
		buf_setf(err, "subset/superset: expected lists, got %s and %s", jf_type_name(a),
			 jf_type_name(b));
		r = -1;
	}
	json_array_foreach(la, i, x)
		if (r == 1 && !jf_contains(lb, x))
			r = 0;
	json_decref(la);
	json_decref(lb);
	return r;
}

TEST(t_subset)
{
	return all_in(in, jf_arg(call, 0, "b"), err);
}
TEST(t_superset)
{
	return all_in(jf_arg(call, 0, "b"), in, err);
}

/* str.isupper()/islower(): some cased letter, none of the other case. */
static int cased(json_t *in, int (*want)(int), int (*other)(int))
{
	struct buf s = BUF_INIT;
	const char *p;
	int seen = 0, bad = 0;

	py_str(&s, in);
	for (p = s.buf; *p; p++) {
		seen |= want((unsigned char)*p) != 0;
		bad |= other((unsigned char)*p) != 0;
	}
	buf_release(&s);
	return seen && !bad;
}

TEST(t_upper)
{
	UNUSED_ARGS;
	return in && cased(in, isupper, islower);
}
TEST(t_lower)
{
	UNUSED_ARGS;
	return in && cased(in, islower, isupper);
}

TEST(t_sameas)
{
	json_t *other = jf_arg(call, 0, "other");

	(void)err;
	if (!in || !other || json_typeof(in) != json_typeof(other))
		return 0;
	return jf_equal(in, other);
}

/* Path tests on the controller (Ansible's abs, exists, file, directory, link). */
static int path_test(json_t *in, int kind)
{
	struct stat st;
	const char *p = json_string_value(in);

	if (!p)
		return 0;
	if (kind == 'a')
		return p[0] == '/';
	if (kind == 'l')
		return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
	if (stat(p, &st) < 0)
		return 0;
	return kind == 'e' || (kind == 'f' && S_ISREG(st.st_mode)) ||
	       (kind == 'd' && S_ISDIR(st.st_mode));
}

TEST(t_abs)
{
	UNUSED_ARGS;
	return path_test(in, 'a');
}
TEST(t_exists)
{
	UNUSED_ARGS;
	return path_test(in, 'e');
}
TEST(t_file)
{
	UNUSED_ARGS;
	return path_test(in, 'f');
}
TEST(t_directory)
{
	UNUSED_ARGS;
	return path_test(in, 'd');
}
TEST(t_link)
{
	UNUSED_ARGS;
	return path_test(in, 'l');
}

/* all/any over an iterable's truthiness. */
static int all_any(json_t *in, int want_all, struct buf *err)
{
	json_t *items = jf_iter(in), *x;
	size_t i;
	int r = want_all;

	if (!items) {
		buf_setf(err, "'%s' object is not iterable", jf_type_name(in));
		return -1;
	}
	json_array_foreach(items, i, x)
		if (jinja_truthy(x) != want_all)
			r = !want_all;
	json_decref(items);
	return r;
}

static int t_all(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return all_any(in, 1, err);
}

static int t_any(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return all_any(in, 0, err);
}

/* Async results: finished/started are 1 when done; a result without them counts as done. */
static int async_flag(json_t *in, const char *test, const char *key, struct buf *err)
{
	json_t *v;

	if (!json_is_object(in)) {
		buf_setf(err, "The '%s' test expects a dictionary", test);
		return -1;
	}
	v = json_object_get(in, key);
	return !v || jf_number(v) == 1;
}

static int t_finished(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return async_flag(in, "finished", "finished", err);
}

static int t_started(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return async_flag(in, "started", "started", err);
}

static int t_reachable(json_t *in, const struct jinja_call *call, struct buf *err)
{
	int r = result_flag(in, "unreachable", "unreachable", err);

	(void)call;
	return r < 0 ? r : !r;
}

/* JSON holds no NaN, so nothing is one. */
static int t_nan(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)in;
	(void)call;
	(void)err;
	return 0;
}

static int t_vault_encrypted(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	(void)err;
	return json_is_object(in) && json_object_get(in, "__ansible_vault") != NULL;
}

static int t_link_exists(json_t *in, const struct jinja_call *call, struct buf *err)
{
	struct stat st;

	(void)call;
	(void)err;
	return json_is_string(in) && lstat(json_string_value(in), &st) == 0;
}

static int t_same_file(json_t *in, const struct jinja_call *call, struct buf *err)
{
	json_t *other = jf_arg(call, 0, "b");
	struct stat a, b;

	(void)err;
	return json_is_string(in) && json_is_string(other) &&
	       stat(json_string_value(in), &a) == 0 && stat(json_string_value(other), &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* A mount point: a folder on another device than its parent, or the root. */
static int t_mount(json_t *in, const struct jinja_call *call, struct buf *err)
{
	struct stat a, b;
	char *parent;
	int r;

	(void)call;
	(void)err;
	if (!json_is_string(in) || lstat(json_string_value(in), &a) < 0 || !S_ISDIR(a.st_mode))
		return 0;
	parent = xasprintf("%s/..", json_string_value(in));
	r = lstat(parent, &b) == 0 && (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
	free(parent);
	return r;
}

/* url: scheme://...; urn: urn:NID:...; uri: either. */
static int t_url(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return json_is_string(in) &&
	       jf_regex_test(json_string_value(in), "^[a-zA-Z][a-zA-Z0-9+.-]*://", 0, "match",
			     err) == 1;
}

static int t_urn(json_t *in, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	return json_is_string(in) &&
	       jf_regex_test(json_string_value(in), "^urn:[a-zA-Z0-9][a-zA-Z0-9-]{0,31}:\\S+", 0,
			     "match", err) == 1;
}

static int t_uri(json_t *in, const struct jinja_call *call, struct buf *err)
{
	return t_url(in, call, err) || t_urn(in, call, err);
}

static const struct jf_test core_tests[] = {
	{"defined", t_defined},
	{"undefined", t_undefined},
	{"none", t_none},
	{"string", t_string},
	{"number", t_number},
	{"integer", t_integer},
	{"float", t_float},
	{"boolean", t_boolean},
	{"mapping", t_mapping},
	{"iterable", t_iterable},
	{"sequence", t_iterable},
	{"callable", t_false},
	{"escaped", t_false},
	{"failed", t_failed},
	{"failure", t_failed},
	{"succeeded", t_succeeded},
	{"success", t_succeeded},
	{"successful", t_succeeded},
	{"changed", t_changed},
	{"change", t_changed},
	{"skipped", t_skipped},
	{"skip", t_skipped},
	{"unreachable", t_unreachable},
	{"match", t_match},
	{"search", t_search},
	{"regex", t_regex},
	{"in", t_in},
	{"contains", t_contains},
	{"truthy", t_truthy},
	{"falsy", t_falsy},
	{"eq", t_eq},
	{"equalto", t_eq},
	{"==", t_eq},
	{"ne", t_ne},
	{"!=", t_ne},
	{"lt", t_lt},
	{"lessthan", t_lt},
	{"<", t_lt},
	{"le", t_le},
	{"<=", t_le},
	{"gt", t_gt},
	{"greaterthan", t_gt},
	{">", t_gt},
	{"ge", t_ge},
	{">=", t_ge},
	{"odd", t_odd},
	{"even", t_even},
	{"divisibleby", t_divisibleby},
	{"subset", t_subset},
	{"issubset", t_subset},
	{"superset", t_superset},
	{"issuperset", t_superset},
	{"upper", t_upper},
	{"lower", t_lower},
	{"sameas", t_sameas},
	{"abs", t_abs},
	{"exists", t_exists},
	{"file", t_file},
	{"directory", t_directory},
	{"link", t_link},
	{"is_abs", t_abs},
	{"is_dir", t_directory},
	{"is_file", t_file},
	{"is_link", t_link},
	{"link_exists", t_link_exists},
	{"same_file", t_same_file},
	{"is_same_file", t_same_file},
	{"mount", t_mount},
	{"is_mount", t_mount},
	{"all", t_all},
	{"any", t_any},
	{"finished", t_finished},
	{"started", t_started},
	{"reachable", t_reachable},
	{"nan", t_nan},
	{"isnan", t_nan},
	{"vault_encrypted", t_vault_encrypted},
	{"url", t_url},
	{"urn", t_urn},
	{"uri", t_uri},
};

const struct jf_test_table jf_core_tests = {core_tests, ARRAY_SIZE(core_tests)};
