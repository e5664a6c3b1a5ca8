/*
 * Filters, tests and lookups called directly through their tables; the
 * expected values are what ansible-core 2.14 prints for the same input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "jinja_filters.h"
#include "xalloc.h"
#include "banned.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &e);

	if (!v)
		fail_msg("bad JSON in test: %s: %s", s, e.text);
	return v;
}

static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}

/* Runs filter name on input (JSON text, or NULL for undefined) with args and kwargs. */
static json_t *run_filter(const char *name, const char *input, const char *args, const char *kwargs,
			  const struct jinja_ctx *ctx, struct buf *err)
{
	jinja_filter_fn fn = jinja_filter_find(name);
	json_t *in = input ? parse(input) : NULL, *r;
	struct jinja_call call = {ctx, parse(args ? args : "[]"), parse(kwargs ? kwargs : "{}"),
				  "myvar"};

	if (!fn)
		fail_msg("no filter %s", name);
	r = fn(in, &call, err);
	json_decref(in);
	json_decref(call.args);
	json_decref(call.kwargs);
	return r;
}

#define EXPECT(name, input, args, kwargs, want)                                                    \
	expect_filter(__LINE__, name, input, args, kwargs, want)

static void expect_filter(int line, const char *name, const char *input, const char *args,
			  const char *kwargs, const char *want)
{
	struct buf err = BUF_INIT;
	json_t *r = run_filter(name, input, args, kwargs, NULL, &err), *w = parse(want);
	char *got = r ? dump(r) : NULL, *exp = dump(w);

	if (!got)
		fail_msg("line %d: %s failed: %s", line, name, err.buf);
	if (strcmp(got, exp))
		fail_msg("line %d: %s: got %s, want %s", line, name, got, exp);
	free(got);
	free(exp);
	json_decref(r);
	json_decref(w);
	buf_release(&err);
}

#define EXPECT_ERR(name, input, args, kwargs, want)                                                \
	expect_filter_err(__LINE__, name, input, args, kwargs, want)

static void expect_filter_err(int line, const char *name, const char *input, const char *args,
			      const char *kwargs, const char *want)
{
	struct buf err = BUF_INIT;
	json_t *r = run_filter(name, input, args, kwargs, NULL, &err);

	if (r)
		fail_msg("line %d: %s succeeded, want error %s", line, name, want);
	if (!strstr(err.buf, want))
		fail_msg("line %d: %s: error '%s', want '%s'", line, name, err.buf, want);
	buf_release(&err);
}

/* A string result compared as text (easier to read for multi-line output). */
#define EXPECT_TEXT(name, input, args, kwargs, want)                                               \
	expect_text(__LINE__, name, input, args, kwargs, want)

static void expect_text(int line, const char *name, const char *input, const char *args,
			const char *kwargs, const char *want)
{
	struct buf err = BUF_INIT;
	json_t *r = run_filter(name, input, args, kwargs, NULL, &err);

	if (!json_is_string(r))
		fail_msg("line %d: %s: no string: %s", line, name, err.buf);
	if (strcmp(json_string_value(r), want))
		fail_msg("line %d: %s: got\n%s\nwant\n%s", line, name, json_string_value(r), want);
	json_decref(r);
	buf_release(&err);
}

static int call_test(int line, const char *name, const char *input, const char *args,
		     const char *kwargs, struct buf *err)
{
	jinja_test_fn fn = jinja_test_find(name);
	json_t *in = input ? parse(input) : NULL;
	struct jinja_call call = {NULL, parse(args ? args : "[]"), parse(kwargs ? kwargs : "{}"),
				  NULL};
	int r;

	if (!fn)
		fail_msg("line %d: no test %s", line, name);
	r = fn(in, &call, err);
	json_decref(in);
	json_decref(call.args);
	json_decref(call.kwargs);
	return r;
}

#define IS(name, input, args, kwargs, want) is_test(__LINE__, name, input, args, kwargs, want)

static void is_test(int line, const char *name, const char *input, const char *args,
		    const char *kwargs, int want)
{
	struct buf err = BUF_INIT;
	int r = call_test(line, name, input, args, kwargs, &err);

	if (r != want)
		fail_msg("line %d: %s is %s: got %d, want %d (%s)", line, input ? input : "undef",
			 name, r, want, err.buf);
	buf_release(&err);
}

#define IS_ERR(name, input, args, kwargs, want)                                                    \
	is_test_err(__LINE__, name, input, args, kwargs, want)

static void is_test_err(int line, const char *name, const char *input, const char *args,
			const char *kwargs, const char *want)
{
	struct buf err = BUF_INIT;
	int r = call_test(line, name, input, args, kwargs, &err);

	if (r != -1 || strcmp(err.buf, want))
		fail_msg("line %d: %s: got %d '%s', want error '%s'", line, name, r, err.buf, want);
	buf_release(&err);
}

static json_t *run_lookup(const char *name, const char *args, const char *kwargs,
			  const struct jinja_ctx *ctx, struct buf *err)
{
	jinja_lookup_fn fn = jinja_lookup_find(name);
	struct jinja_call call = {ctx, parse(args), parse(kwargs ? kwargs : "{}"), NULL};
	json_t *r;

	if (!fn)
		fail_msg("no lookup %s", name);
	r = fn(&call, err);
	json_decref(call.args);
	json_decref(call.kwargs);
	return r;
}

#define LOOKUP(name, args, kwargs, ctx, want) expect_lookup(__LINE__, name, args, kwargs, ctx, want)

static void expect_lookup(int line, const char *name, const char *args, const char *kwargs,
			  const struct jinja_ctx *ctx, const char *want)
{
	struct buf err = BUF_INIT;
	json_t *r = run_lookup(name, args, kwargs, ctx, &err), *w = parse(want);
	char *got = r ? dump(r) : NULL, *exp = dump(w);

	if (!got)
		fail_msg("line %d: lookup %s failed: %s", line, name, err.buf);
	if (strcmp(got, exp))
		fail_msg("line %d: lookup %s: got %s, want %s", line, name, got, exp);
	free(got);
	free(exp);
	json_decref(r);
	json_decref(w);
	buf_release(&err);
}

#define LOOKUP_ERR(name, args, kwargs, ctx, want)                                                  \
	expect_lookup_err(__LINE__, name, args, kwargs, ctx, want)

static void expect_lookup_err(int line, const char *name, const char *args, const char *kwargs,
			      const struct jinja_ctx *ctx, const char *want)
{
	struct buf err = BUF_INIT;
	json_t *r = run_lookup(name, args, kwargs, ctx, &err);

	if (r || strcmp(err.buf, want))
		fail_msg("line %d: lookup %s: error '%s', want '%s'", line, name, err.buf, want);
	json_decref(r);
	buf_release(&err);
}

static void names(void **state)
{
	(void)state;
	assert_non_null(jinja_filter_find("ansible.builtin.to_json"));
	assert_non_null(jinja_test_find("ansible.builtin.version"));
	assert_non_null(jinja_lookup_find("ansible.builtin.env"));
	assert_null(jinja_filter_find("no_such_filter"));
	assert_null(jinja_test_find("no_such_test"));
	assert_null(jinja_lookup_find("no_such_lookup"));
}

static void undefined_and_types(void **state)
{
	(void)state;
	EXPECT("default", NULL, "[5]", NULL, "5");
	EXPECT("d", NULL, NULL, NULL, "\"\"");
	EXPECT("default", "\"\"", "[\"x\"]", NULL, "\"\"");
	EXPECT("default", "\"\"", "[\"x\", true]", NULL, "\"x\"");
	EXPECT("default", "0", "[\"x\"]", "{\"boolean\": true}", "\"x\"");
	EXPECT("default", "null", "[1]", NULL, "null");
	EXPECT("mandatory", "[3, 1]", NULL, NULL, "[3, 1]");
	EXPECT_ERR("mandatory", NULL, NULL, NULL, "Mandatory variable 'myvar'  not defined.");
	EXPECT_ERR("mandatory", NULL, "[\"set it\"]", NULL, "set it");
	EXPECT("type_debug", "\"a\"", NULL, NULL, "\"str\"");
	EXPECT("type_debug", "1", NULL, NULL, "\"int\"");
	EXPECT("type_debug", "1.5", NULL, NULL, "\"float\"");
	EXPECT("type_debug", "true", NULL, NULL, "\"bool\"");
	EXPECT("type_debug", "[]", NULL, NULL, "\"list\"");
	EXPECT("type_debug", "{}", NULL, NULL, "\"dict\"");
	EXPECT("type_debug", "null", NULL, NULL, "\"NoneType\"");
	EXPECT("ternary", "true", "[\"y\", \"n\"]", NULL, "\"y\"");
	EXPECT("ternary", "0", "[\"y\", \"n\"]", NULL, "\"n\"");
	EXPECT("ternary", "null", "[\"y\", \"n\", \"z\"]", NULL, "\"z\"");
	EXPECT("ternary", "null", "[\"y\", \"n\"]", NULL, "\"n\"");
}

static void conversions(void **state)
{
	(void)state;
	EXPECT("int", "\"abc\"", NULL, NULL, "0");
	EXPECT("int", "\"abc\"", "[7]", NULL, "7");
	EXPECT("int", "\"0x1F\"", NULL, "{\"base\": 16}", "31");
	EXPECT("int", "\"1F\"", "[0, 16]", NULL, "31");
	EXPECT("int", "\"12.7\"", NULL, NULL, "12");
	EXPECT("int", "-12.7", NULL, NULL, "-12");
	EXPECT("int", "true", NULL, NULL, "1");
	EXPECT("int", "\" 42 \"", NULL, NULL, "42");
	EXPECT("int", "\"1_000\"", NULL, NULL, "1000");
	EXPECT("int", "\"0b101\"", NULL, "{\"base\": 2}", "5");
	EXPECT("int", "null", NULL, NULL, "0");
	EXPECT("float", "\"3.5\"", NULL, NULL, "3.5");
	EXPECT("float", "\"x\"", NULL, NULL, "0.0");
	EXPECT("float", "\"x\"", "[1.5]", NULL, "1.5");
	EXPECT("float", "\"1e3\"", NULL, NULL, "1000.0");
	EXPECT("float", "3", NULL, NULL, "3.0");
	EXPECT("bool", "\"yes\"", NULL, NULL, "true");
	EXPECT("bool", "\"On\"", NULL, NULL, "true");
	EXPECT("bool", "\"1\"", NULL, NULL, "true");
	EXPECT("bool", "\"TRUE\"", NULL, NULL, "true");
	EXPECT("bool", "\"no\"", NULL, NULL, "false");
	EXPECT("bool", "\"foo\"", NULL, NULL, "false");
	EXPECT("bool", "null", NULL, NULL, "null");
	EXPECT("bool", "1", NULL, NULL, "true");
	EXPECT("bool", "2", NULL, NULL, "false");
	EXPECT("bool", "0.0", NULL, NULL, "false");
	EXPECT("string", "[1, \"a\", null, true]", NULL, NULL, "\"[1, 'a', None, True]\"");
	EXPECT("string", "null", NULL, NULL, "\"None\"");
	EXPECT("string", "{\"a\": 1.5}", NULL, NULL, "\"{'a': 1.5}\"");
	EXPECT("list", "\"ab\"", NULL, NULL, "[\"a\", \"b\"]");
	EXPECT("list", "{\"a\": 1, \"b\": 2}", NULL, NULL, "[\"a\", \"b\"]");
	EXPECT_ERR("list", "1", NULL, NULL, "list: 'int' object is not iterable");
	EXPECT("length", "\"h\u00e9\"", NULL, NULL, "2");
	EXPECT("length", "{\"a\": 1, \"b\": 2}", NULL, NULL, "2");
	EXPECT("count", "[1, 2, 3]", NULL, NULL, "3");
	EXPECT_ERR("length", "5", NULL, NULL, "object of type 'int' has no len()");
	EXPECT("abs", "-3", NULL, NULL, "3");
	EXPECT("abs", "-3.5", NULL, NULL, "3.5");
	EXPECT("round", "2.567", "[2]", NULL, "2.57");
	EXPECT("round", "2.5", NULL, NULL, "2.0");
	EXPECT("round", "3.5", NULL, NULL, "4.0");
	EXPECT("round", "2.567", "[1, \"floor\"]", NULL, "2.5");
	EXPECT("round", "2.567", "[1, \"ceil\"]", NULL, "2.6");
	EXPECT("round", "7", NULL, NULL, "7");
	EXPECT_ERR("round", "\"x\"", NULL, NULL, "round: expected a number, got str");
}

static void strings(void **state)
{
	(void)state;
	EXPECT("lower", "\"aBc\"", NULL, NULL, "\"abc\"");
	EXPECT("upper", "\"aBc\"", NULL, NULL, "\"ABC\"");
	EXPECT("capitalize", "\"aBc dEF\"", NULL, NULL, "\"Abc def\"");
	EXPECT("title", "\"aBc dEF-gh's\"", NULL, NULL, "\"Abc Def-Gh's\"");
	EXPECT("trim", "\"  a b  \\n\"", NULL, NULL, "\"a b\"");
	EXPECT("trim", "\"xxabcxx\"", "[\"x\"]", NULL, "\"abc\"");
	EXPECT("replace", "\"aaa\"", "[\"a\", \"b\", 2]", NULL, "\"bba\"");
	EXPECT("replace", "\"hello world\"", "[\"world\", \"you\"]", NULL, "\"hello you\"");
	EXPECT("replace", "\"ab\"", "[\"\", \"-\"]", NULL, "\"-a-b-\"");
	EXPECT("split", "\"a,b,,c\"", "[\",\"]", NULL, "[\"a\", \"b\", \"\", \"c\"]");
	EXPECT("split", "\" a b  c \"", NULL, NULL, "[\"a\", \"b\", \"c\"]");
	EXPECT("split", "\"a b c\"", "[\" \", 1]", NULL, "[\"a\", \"b c\"]");
	EXPECT("join", "[1, 2, 3]", "[\",\"]", NULL, "\"1,2,3\"");
	EXPECT("join", "[1, null, true]", NULL, NULL, "\"1NoneTrue\"");
	EXPECT("join", "[{\"n\": \"a\"}, {\"n\": \"b\"}]", "[\"-\"]", "{\"attribute\": \"n\"}",
	       "\"a-b\"");
	EXPECT("wordcount", "\"one two  three\"", NULL, NULL, "3");
	EXPECT("center", "\"abc\"", "[9]", NULL, "\"   abc   \"");
	EXPECT("center", "\"ab\"", "[5]", NULL, "\"  ab \"");
	EXPECT("trim", "5", NULL, NULL, "\"5\"");
	EXPECT("replace", "12", "[1, 3]", NULL, "\"32\"");
	EXPECT("wordcount", "[\"a b\"]", NULL, NULL, "2");
}

static void text(void **state)
{
	(void)state;
	EXPECT("basename", "\"/a/b/c.txt\"", NULL, NULL, "\"c.txt\"");
	EXPECT("dirname", "\"/a/b/c.txt\"", NULL, NULL, "\"/a/b\"");
	EXPECT("dirname", "\"/c.txt\"", NULL, NULL, "\"/\"");
	EXPECT("dirname", "\"c.txt\"", NULL, NULL, "\"\"");
	EXPECT("splitext", "\"/a/b.tar.gz\"", NULL, NULL, "[\"/a/b.tar\", \".gz\"]");
	EXPECT("splitext", "\"/a/.bashrc\"", NULL, NULL, "[\"/a/.bashrc\", \"\"]");
	setenv("HOME", "/home/tester", 1);
	EXPECT("expanduser", "\"~/x\"", NULL, NULL, "\"/home/tester/x\"");
	EXPECT("expanduser", "\"/x/~\"", NULL, NULL, "\"/x/~\"");
	EXPECT("realpath", "\"/\"", NULL, NULL, "\"/\"");
	EXPECT("quote", "\"a b'c\"", NULL, NULL, "\"'a b'\\\"'\\\"'c'\"");
	EXPECT("quote", "\"abc\"", NULL, NULL, "\"abc\"");
	EXPECT("quote", "\"\"", NULL, NULL, "\"''\"");
	EXPECT_TEXT("indent", "\"a\\nb\\n\\nc\"", NULL, NULL, "a\n    b\n\n    c");
	EXPECT_TEXT("indent", "\"a\\nb\\n\\nc\"", "[2, true]", NULL, "  a\n  b\n\n  c");
	EXPECT_TEXT("indent", "\"a\\nb\\n\\nc\"", "[2]", "{\"blank\": true}", "a\n  b\n  \n  c");
	EXPECT_TEXT("indent", "\"a\\nb\\n\"", NULL, "{\"first\": true}", "    a\n    b\n");
	EXPECT_TEXT("comment", "\"x\"", NULL, NULL, "#\n# x\n#");
	EXPECT_TEXT("comment", "\"a\\nb\"", "[\"c\"]", NULL, "//\n// a\n// b\n//");
	EXPECT("urlencode", "\"a b&c/d\"", NULL, NULL, "\"a%20b%26c/d\"");
	EXPECT("urlencode", "{\"a\": \"b c\", \"d\": 1}", NULL, NULL, "\"a=b+c&d=1\"");
	EXPECT("b64encode", "\"abc\"", NULL, NULL, "\"YWJj\"");
	EXPECT("b64encode", "\"\u00e9\"", NULL, NULL, "\"w6k=\"");
	EXPECT("b64decode", "\"YWJj\"", NULL, NULL, "\"abc\"");
	EXPECT_ERR("b64decode", "\"!!\"", NULL, NULL, "b64decode: invalid base64 text");
	EXPECT("hash", "\"abc\"", "[\"md5\"]", NULL, "\"900150983cd24fb0d6963f7d28e17f72\"");
	EXPECT("hash", "\"abc\"", NULL, NULL, "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
	EXPECT("hash", "\"abc\"", "[\"sha256\"]", NULL,
	       "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
	EXPECT_ERR("hash", "\"abc\"", "[\"nope\"]", NULL, "hash: unsupported hash type 'nope'");
	EXPECT("checksum", "\"abc\"", NULL, NULL, "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
	EXPECT("human_readable", "1048576", NULL, NULL, "\"1.00 MB\"");
	EXPECT("human_readable", "10", NULL, NULL, "\"10.00 Bytes\"");
	EXPECT("human_readable", "1536", "[true]", NULL, "\"1.50 Kb\"");
}

static void password_hash(void **state)
{
	(void)state;
	EXPECT("password_hash", "\"abc\"", "[\"sha512\", \"saltsalt\"]", NULL,
	       "\"$6$rounds=656000$saltsalt$A/"
	       "uJ."
	       "BautBKn5Pbeh7ydHG921ygLOxQx9dFAhMsKQLSwUnAvjf40pT8gJ5zgxiFSEhGdifh5YsEPSQIyTTebX/"
	       "\"");
	EXPECT("password_hash", "\"abc\"", "[\"sha256\", \"saltsalt\"]", NULL,
	       "\"$5$rounds=535000$saltsalt$E.iC6oTI0yaUc/idi0XfnY.ep5pFMqnfIbB2X8bXHf5\"");
	EXPECT("password_hash", "\"abc\"", "[\"md5\", \"saltsalt\"]", NULL,
	       "\"$1$saltsalt$7fq7ZEc75157blrz18yX./\"");
	EXPECT("password_hash", "\"abc\"", "[\"sha512\", \"saltsalt\"]", "{\"rounds\": 5000}",
	       "\"$6$saltsalt$mXmsbOzRhx9FdAbQCUHYMV8i33aUx8FUsjR813r/"
	       "Te3OUwcAdbwkebLKfLOfUCihpvpN7Ji1TH3bltSG02PNE1\"");
	EXPECT_ERR("password_hash", "\"abc\"", "[\"bf\"]", NULL,
		   "password_hash: unsupported hash type 'bf'");
}

static void random_salt_differs(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = run_filter("password_hash", "\"abc\"", "[\"md5\"]", NULL, NULL, &err);
	json_t *b = run_filter("password_hash", "\"abc\"", "[\"md5\"]", NULL, NULL, &err);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strncmp(json_string_value(a), "$1$", 3), 0);
	assert_int_equal(strlen(json_string_value(a)), 3 + 8 + 1 + 22);
	assert_string_not_equal(json_string_value(a), json_string_value(b));
	json_decref(a);
	json_decref(b);
	buf_release(&err);
}

#define USERS "[{\"name\": \"bob\", \"age\": 30}, {\"name\": \"Al\", \"age\": 25}]"

static void lists(void **state)
{
	(void)state;
	EXPECT("first", "\"abc\"", NULL, NULL, "\"a\"");
	EXPECT("first", "[3, 1]", NULL, NULL, "3");
	EXPECT_ERR("first", "[]", NULL, NULL, "No first item, sequence was empty.");
	EXPECT("last", "[3, 1, 2]", NULL, NULL, "2");
	EXPECT("min", "[3, 1, 2]", NULL, NULL, "1");
	EXPECT("max", "[3, 1, 2]", NULL, NULL, "3");
	EXPECT("min", "[\"b\", \"A\", \"c\"]", NULL, NULL, "\"A\"");
	EXPECT("min", USERS, NULL, "{\"attribute\": \"age\"}", "{\"name\": \"Al\", \"age\": 25}");
	EXPECT("max", USERS, NULL, "{\"attribute\": \"age\"}", "{\"name\": \"bob\", \"age\": 30}");
	EXPECT("sum", "[1, 2.5]", NULL, NULL, "3.5");
	EXPECT("sum", "[[1], [2]]", NULL, "{\"start\": []}", "[1, 2]");
	EXPECT("sum", "[3, 1, 2]", NULL, "{\"start\": 10}", "16");
	EXPECT("sum", USERS, NULL, "{\"attribute\": \"age\"}", "55");
	EXPECT_ERR("sum", "[\"a\"]", NULL, NULL,
		   "unsupported operand type(s) for +: 'int' and 'str'");
	EXPECT("sort", "[\"b\", \"A\", \"c\"]", NULL, NULL, "[\"A\", \"b\", \"c\"]");
	EXPECT("sort", "[\"b\", \"a\", \"B\"]", NULL, NULL, "[\"a\", \"b\", \"B\"]");
	EXPECT("sort", "[\"b\", \"a\", \"B\"]", NULL, "{\"case_sensitive\": true}",
	       "[\"B\", \"a\", \"b\"]");
	EXPECT("sort", "[3, 1, 2]", NULL, "{\"reverse\": true}", "[3, 2, 1]");
	EXPECT("sort", USERS, NULL, "{\"attribute\": \"name\"}",
	       "[{\"name\": \"Al\", \"age\": 25}, {\"name\": \"bob\", \"age\": 30}]");
	EXPECT("sort", "[[2, 1], [1, 5], [1, 2]]", NULL, NULL, "[[1, 2], [1, 5], [2, 1]]");
	EXPECT_ERR("sort", "[1, \"a\"]", NULL, NULL,
		   "'<' not supported between instances of 'str' and 'int'");
	EXPECT("reverse", "[3, 1, 2]", NULL, NULL, "[2, 1, 3]");
	EXPECT("reverse", "\"abc\"", NULL, NULL, "\"cba\"");
	EXPECT("dictsort", "{\"b\": 2, \"a\": 1}", NULL, NULL, "[[\"a\", 1], [\"b\", 2]]");
	EXPECT("dictsort", "{\"b\": 2, \"A\": 1, \"C\": 0}", NULL, NULL,
	       "[[\"A\", 1], [\"b\", 2], [\"C\", 0]]");
	EXPECT("dictsort", "{\"b\": 2, \"a\": 1, \"C\": 0}", NULL, "{\"by\": \"value\"}",
	       "[[\"C\", 0], [\"a\", 1], [\"b\", 2]]");
	EXPECT("batch", "[3, 1, 2]", "[2]", NULL, "[[3, 1], [2]]");
	EXPECT("batch", "[3, 1, 2]", "[2, \"z\"]", NULL, "[[3, 1], [2, \"z\"]]");
	EXPECT("slice", "[1, 2, 3, 4, 5]", "[2]", NULL, "[[1, 2, 3], [4, 5]]");
	EXPECT("slice", "[1, 2, 3, 4, 5]", "[3, 0]", NULL, "[[1, 2], [3, 4], [5, 0]]");
	EXPECT("flatten", "[1, [2, [3, [4]]]]", NULL, NULL, "[1, 2, 3, 4]");
	EXPECT("flatten", "[1, [2, [3, [4]]]]", NULL, "{\"levels\": 1}", "[1, 2, [3, [4]]]");
	EXPECT("flatten", "[1, null, [2, \"None\"]]", NULL, NULL, "[1, 2]");
	EXPECT("zip", "[1, 2]", "[[\"a\", \"b\", \"c\"]]", NULL, "[[1, \"a\"], [2, \"b\"]]");
	EXPECT("zip_longest", "[1, 2]", "[[\"a\", \"b\", \"c\"]]", "{\"fillvalue\": \"-\"}",
	       "[[1, \"a\"], [2, \"b\"], [\"-\", \"c\"]]");
	EXPECT("dict2items", "{\"a\": 1, \"b\": {\"c\": 2}}", NULL, NULL,
	       "[{\"key\": \"a\", \"value\": 1}, {\"key\": \"b\", \"value\": {\"c\": 2}}]");
	EXPECT("dict2items", "{\"a\": 1}", NULL, "{\"key_name\": \"k\", \"value_name\": \"v\"}",
	       "[{\"k\": \"a\", \"v\": 1}]");
	EXPECT_ERR("dict2items", "[1]", NULL, NULL,
		   "dict2items requires a dictionary, got <class 'list'> instead.");
	EXPECT("items2dict", "[{\"key\": \"a\", \"value\": 1}]", NULL, NULL, "{\"a\": 1}");
	EXPECT("items2dict", "[{\"k\": \"a\", \"v\": 1}]", "[\"k\", \"v\"]", NULL, "{\"a\": 1}");
}

static void sets(void **state)
{
	(void)state;
	EXPECT("unique", "[1, 2, 1, 3]", NULL, NULL, "[1, 2, 3]");
	EXPECT("unique", "[\"a\", \"A\", 1, true, 1.0]", NULL, NULL, "[\"a\", 1]");
	EXPECT("unique", "[\"a\", \"A\"]", NULL, "{\"case_sensitive\": true}", "[\"a\", \"A\"]");
	EXPECT("unique", "[{\"a\": 1}, {\"a\": 1}, {\"b\": 2}]", NULL, NULL,
	       "[{\"a\": 1}, {\"b\": 2}]");
	EXPECT("unique", USERS, NULL, "{\"attribute\": \"age\"}", USERS);
	EXPECT("union", "[1, 2]", "[[2, 3]]", NULL, "[1, 2, 3]");
	EXPECT("intersect", "[1, 2, 2]", "[[2, 3, 2]]", NULL, "[2]");
	EXPECT("difference", "[1, 2, 2, 4]", "[[2, 3]]", NULL, "[1, 4]");
	EXPECT("symmetric_difference", "[1, 2, 5]", "[[2, 3]]", NULL, "[1, 5, 3]");
	EXPECT("combine", "{\"a\": 1, \"b\": {\"c\": 2}}", "[{\"b\": {\"e\": 3}}]", NULL,
	       "{\"a\": 1, \"b\": {\"e\": 3}}");
	EXPECT("combine", "{\"a\": 1, \"b\": {\"c\": 2}}", "[{\"b\": {\"e\": 3}}]",
	       "{\"recursive\": true}", "{\"a\": 1, \"b\": {\"c\": 2, \"e\": 3}}");
	EXPECT("combine", "{\"a\": [1]}", "[{\"a\": [2]}]", "{\"list_merge\": \"append\"}",
	       "{\"a\": [1, 2]}");
	EXPECT("combine", "{\"a\": [1, 2]}", "[{\"a\": [2, 3]}]", "{\"list_merge\": \"append_rp\"}",
	       "{\"a\": [1, 2, 3]}");
	EXPECT("combine", "{\"a\": [1, 2]}", "[{\"a\": [2, 3]}]", "{\"list_merge\": \"prepend\"}",
	       "{\"a\": [2, 3, 1, 2]}");
	EXPECT("combine", "{\"a\": [1, 2]}", "[{\"a\": [2, 3]}]", "{\"list_merge\": \"keep\"}",
	       "{\"a\": [1, 2]}");
	EXPECT("combine", "{\"a\": [1, 2]}", "[{\"a\": [2, 3]}]",
	       "{\"list_merge\": \"prepend_rp\"}", "{\"a\": [2, 3, 1]}");
	EXPECT("combine", "[{\"a\": 1}, {\"b\": 2}]", NULL, NULL, "{\"a\": 1, \"b\": 2}");
	EXPECT("combine", "{\"a\": 1}", "[{\"a\": 2}, {\"c\": 3}]", NULL, "{\"a\": 2, \"c\": 3}");
	EXPECT_ERR("combine", "{\"a\": 1}", "[1]", NULL,
		   "failed to combine variables, expected dicts but got a 'int'");
	EXPECT_ERR("combine", "{}", "[{}]", "{\"list_merge\": \"x\"}",
		   "'x' is not a valid list_merge value");
}

static void map_select(void **state)
{
	(void)state;
	EXPECT("map", "[3, 1]", "[\"string\"]", NULL, "[\"3\", \"1\"]");
	EXPECT("map", USERS, NULL, "{\"attribute\": \"name\"}", "[\"bob\", \"Al\"]");
	EXPECT("map", USERS, NULL, "{\"attribute\": \"zz\", \"default\": 3}", "[3, 3]");
	EXPECT("map", "[\"a\", \"b\"]", "[\"replace\", \"a\", \"z\"]", NULL, "[\"z\", \"b\"]");
	EXPECT("map", "[\"a\"]", "[\"ansible.builtin.upper\"]", NULL, "[\"A\"]");
	EXPECT_ERR("map", "[1]", "[\"nope\"]", NULL, "No filter named 'nope'.");
	EXPECT_ERR("map", USERS, NULL, "{\"attribute\": \"zz\"}",
		   "'dict object' has no attribute 'zz'");
	EXPECT_ERR("selectattr", USERS, "[\"zz\", \"gt\", 1]", NULL,
		   "'dict object' has no attribute 'zz'");
	EXPECT("select", "[3, 1, 2]", "[\"odd\"]", NULL, "[3, 1]");
	EXPECT("reject", "[3, 1, 2]", "[\"odd\"]", NULL, "[2]");
	EXPECT("select", "[3, 1, 2]", "[\"gt\", 1]", NULL, "[3, 2]");
	EXPECT("select", "[0, 1, \"\", \"a\"]", NULL, NULL, "[1, \"a\"]");
	EXPECT_ERR("select", "[1]", "[\"nope\"]", NULL, "No test named 'nope'.");
	EXPECT("selectattr", USERS, "[\"age\", \"gt\", 26]", NULL,
	       "[{\"name\": \"bob\", \"age\": 30}]");
	EXPECT("rejectattr", USERS, "[\"age\", \"gt\", 26]", NULL,
	       "[{\"name\": \"Al\", \"age\": 25}]");
	EXPECT("selectattr", USERS, "[\"name\", \"equalto\", \"bob\"]", NULL,
	       "[{\"name\": \"bob\", \"age\": 30}]");
	EXPECT("selectattr", "[{\"a\": 1}, {\"b\": 1}]", "[\"a\", \"defined\"]", NULL,
	       "[{\"a\": 1}]");
	EXPECT("rejectattr", "[{\"a\": true}, {\"a\": false}]", "[\"a\"]", NULL,
	       "[{\"a\": false}]");
}

static void more_filters(void **state)
{
	(void)state;
	EXPECT("format", "\"%s-%d\"", "[\"a\", 3]", NULL, "\"a-3\"");
	EXPECT("format", "\"%05.1f|%-4s|%x|%r\"", "[3.14159, \"ab\", 255, \"q\"]", NULL,
	       "\"003.1|ab  |ff|'q'\"");
	EXPECT("format", "\"%(a)s\"", NULL, "{\"a\": 1}", "\"1\"");
	EXPECT("format", "\"%5.2s|%+d|% d|%c|%e|%g|%%\"", "[\"abc\", 3, 4, 65, 1.5, 0.00001]", NULL,
	       "\"   ab|+3| 4|A|1.500000e+00|1e-05|%\"");
	EXPECT("format", "\"%s\"", "[[1, \"a\"]]", NULL, "\"[1, 'a']\"");
	EXPECT_ERR("format", "\"%d\"", "[\"x\"]", NULL,
		   "%d format: a real number is required, not str");
	EXPECT_ERR("format", "\"%s %s\"", "[1]", NULL, "not enough arguments for format string");
	EXPECT("truncate", "\"hello world foo\"", "[9]", NULL, "\"hello...\"");
	EXPECT("truncate", "\"hello world foo\"", "[11, true]", NULL, "\"hello world foo\"");
	EXPECT("truncate", "\"hello world foo bar\"", "[13, false, \"..\", 0]", NULL,
	       "\"hello..\"");
	EXPECT("wordwrap", "\"a b c d e\"", "[3]", NULL, "\"a b\\nc d\\ne\"");
	EXPECT("wordwrap", "\"aaaaaa bb\"", "[4]", NULL, "\"aaaa\\naa\\nbb\"");
	EXPECT("e", "\"<a>&'\\\"\"", NULL, NULL, "\"&lt;a&gt;&amp;&#39;&#34;\"");
	EXPECT("safe", "\"<a>\"", NULL, NULL, "\"<a>\"");
	EXPECT("filesizeformat", "1000000", NULL, NULL, "\"1.0 MB\"");
	EXPECT("filesizeformat", "1024", "[true]", NULL, "\"1.0 KiB\"");
	EXPECT("filesizeformat", "1", NULL, NULL, "\"1 Byte\"");
	EXPECT("filesizeformat", "999", NULL, NULL, "\"999 Bytes\"");
	EXPECT("strftime", "\"%Y-%m-%d\"", "[0]", "{\"utc\": true}", "\"1970-01-01\"");
	EXPECT("to_uuid", "\"abc\"", NULL, NULL, "\"27dc713b-d72c-5825-88f3-9f240e739319\"");
	EXPECT("to_uuid", "\"x\"", NULL,
	       "{\"namespace\": \"6ba7b810-9dad-11d1-80b4-00c04fd430c8\"}",
	       "\"05b16a01-46c6-56dd-bd6e-c6dfb4a1427a\"");
	EXPECT("path_join", "[\"/a\", \"b\", \"/c\", \"d\"]", NULL, NULL, "\"/c/d\"");
	EXPECT("path_join", "[\"a\", \"b\"]", NULL, NULL, "\"a/b\"");
	EXPECT("realpath", "\"/a/b/../c\"", NULL, NULL, "\"/a/c\"");
	EXPECT("hash", "\"x\"", "[\"blake2b\"]", NULL,
	       "\"0909377ad35110cafb2909e185672b7f2728d1f5094f8ad68d6fac6274bf1f499485a80ea364c04ed"
	       "006d29459ea3cb7c600280e2f83e032529906f88ae30d0a\"");
	EXPECT_TEXT("tojson", "{\"b\": \"<&>\", \"a\": 1}", NULL, NULL,
		    "{\"a\": 1, \"b\": \"\\u003c\\u0026\\u003e\"}");
	EXPECT("log", "8", "[2]", NULL, "3.0");
	EXPECT("log", "100", "[10]", NULL, "2.0");
	EXPECT("pow", "2", "[3]", NULL, "8.0");
	EXPECT("root", "27", "[3]", NULL, "3.0");
	EXPECT("root", "16", NULL, NULL, "4.0");
	EXPECT("product", "[1, 2]", "[[3, 4]]", NULL, "[[1, 3], [1, 4], [2, 3], [2, 4]]");
	EXPECT("permutations", "[1, 2, 3]", "[2]", NULL,
	       "[[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]");
	EXPECT("combinations", "[1, 2, 3]", "[2]", NULL, "[[1, 2], [1, 3], [2, 3]]");
	EXPECT("extract", "\"b\"", "[{\"a\": 1, \"b\": 2}]", NULL, "2");
	EXPECT("extract", "0", "[[{\"x\": 5}], \"x\"]", NULL, "5");
	EXPECT("items", "{\"a\": 1}", NULL, NULL, "[[\"a\", 1]]");
	EXPECT("subelements", "[{\"n\": 1, \"l\": [1, 2]}, {\"n\": 2}]", "[\"l\"]",
	       "{\"skip_missing\": true}",
	       "[[{\"n\": 1, \"l\": [1, 2]}, 1], [{\"n\": 1, \"l\": [1, 2]}, 2]]");
	EXPECT_ERR("subelements", USERS, "[\"name\"]", NULL,
		   "the key 'name' should point to a list");
	EXPECT("groupby", USERS, "[\"age\"]", NULL,
	       "[[25, [{\"name\": \"Al\", \"age\": 25}]], [30, [{\"name\": \"bob\", \"age\": "
	       "30}]]]");
	EXPECT("groupby", "[{\"a\": \"X\"}, {\"a\": \"x\"}, {\"a\": \"y\"}]", "[\"a\"]", NULL,
	       "[[\"X\", [{\"a\": \"X\"}, {\"a\": \"x\"}]], [\"y\", [{\"a\": \"y\"}]]]");
	EXPECT("random", "[7]", NULL, NULL, "7");
	EXPECT("random", "1", NULL, NULL, "0");
	EXPECT("shuffle", "[1]", NULL, NULL, "[1]");
}

static void misc_filters(void **state)
{
	(void)state;
	setenv("HOME", "/home/tester", 1);
	unsetenv("JF_NOPE");
	EXPECT("md5", "\"abc\"", NULL, NULL, "\"900150983cd24fb0d6963f7d28e17f72\"");
	EXPECT("sha1", "\"abc\"", NULL, NULL, "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
	EXPECT("expandvars", "\"$HOME/x ${HOME} $JF_NOPE $\"", NULL, NULL,
	       "\"/home/tester/x /home/tester $JF_NOPE $\"");
	EXPECT("relpath", "\"/a/b/c\"", "[\"/a/d\"]", NULL, "\"../b/c\"");
	EXPECT("relpath", "\"/a/b\"", "[\"/a/b\"]", NULL, "\".\"");
	EXPECT("relpath", "\"/a\"", "[\"/a/b/c\"]", NULL, "\"../..\"");
	EXPECT("human_to_bytes", "\"1K\"", NULL, NULL, "1024");
	EXPECT("human_to_bytes", "\"1.5 MB\"", NULL, NULL, "1572864");
	EXPECT("human_to_bytes", "\"10Mb\"", NULL, "{\"isbits\": true}", "10485760");
	EXPECT("human_to_bytes", "\"10\"", NULL, "{\"default_unit\": \"K\"}", "10240");
	EXPECT_ERR("human_to_bytes", "\"10Mb\"", NULL, NULL, "Value is not a valid string");
	EXPECT("urldecode", "\"a%20b+c%2F\"", NULL, NULL, "\"a b c/\"");
	EXPECT("urlsplit", "\"https://u:p@Host.example:8080/p/a?x=1#f\"", NULL, NULL,
	       "{\"fragment\": \"f\", \"hostname\": \"host.example\", "
	       "\"netloc\": \"u:p@Host.example:8080\", \"password\": \"p\", \"path\": \"/p/a\", "
	       "\"port\": 8080, \"query\": \"x=1\", \"scheme\": \"https\", \"username\": \"u\"}");
	EXPECT("urlsplit", "\"https://host/p?x=1\"", "[\"query\"]", NULL, "\"x=1\"");
	EXPECT("win_basename", "\"C:\\\\x\\\\y.txt\"", NULL, NULL, "\"y.txt\"");
	EXPECT("win_dirname", "\"C:\\\\x\\\\y.txt\"", NULL, NULL, "\"C:\\\\x\"");
	EXPECT("win_splitdrive", "\"C:\\\\x\\\\y.txt\"", NULL, NULL,
	       "[\"C:\", \"\\\\x\\\\y.txt\"]");
	EXPECT("fileglob", "\"/nonexistent/*\"", NULL, NULL, "[]");
}

static void more_tests(void **state)
{
	(void)state;
	IS("all", "[1, true]", NULL, NULL, 1);
	IS("all", "[1, 0]", NULL, NULL, 0);
	IS("any", "[0, \"\"]", NULL, NULL, 0);
	IS("any", "[0, \"a\"]", NULL, NULL, 1);
	IS("finished", "{\"finished\": 1}", NULL, NULL, 1);
	IS("finished", "{\"finished\": 0}", NULL, NULL, 0);
	IS("started", "{\"started\": 1}", NULL, NULL, 1);
	IS("reachable", "{\"unreachable\": true}", NULL, NULL, 0);
	IS("reachable", "{}", NULL, NULL, 1);
	IS("is_dir", "\"/\"", NULL, NULL, 1);
	IS("is_abs", "\"/tmp\"", NULL, NULL, 1);
	IS("same_file", "\"/\"", "[\"/tmp/..\"]", NULL, 1);
	IS("mount", "\"/\"", NULL, NULL, 1);
	IS("nan", "1.5", NULL, NULL, 0);
	IS("vault_encrypted", "{\"__ansible_vault\": \"$ANSIBLE_VAULT;1.1;AES256\"}", NULL, NULL,
	   1);
	IS("vault_encrypted", "\"$ANSIBLE_VAULT;1.1;AES256\"", NULL, NULL, 0);
	IS("url", "\"http://x\"", NULL, NULL, 1);
	IS("url", "\"x\"", NULL, NULL, 0);
	IS("urn", "\"urn:isbn:123\"", NULL, NULL, 1);
	IS("uri", "\"http://x\"", NULL, NULL, 1);
}

static void json_yaml(void **state)
{
	(void)state;
	EXPECT_TEXT("to_json", "{\"b\": 1, \"a\": [1, \"\\u00e9\", 0.1, null, true]}", NULL, NULL,
		    "{\"b\": 1, \"a\": [1, \"\\u00e9\", 0.1, null, true]}");
	EXPECT_TEXT("to_json", "{\"b\": \"\\u00e9\"}", NULL, "{\"ensure_ascii\": false}",
		    "{\"b\": \"\xc3\xa9\"}");
	EXPECT_TEXT("to_json", "\"a\\\"b\\n\\u0001\"", NULL, NULL, "\"a\\\"b\\n\\u0001\"");
	EXPECT_TEXT("to_nice_json", "{\"b\": 1, \"a\": [1, \"\\u00e9\"], \"c\": {}, \"d\": []}",
		    NULL, NULL,
		    "{\n    \"a\": [\n        1,\n        \"\\u00e9\"\n    ],\n    \"b\": 1,\n"
		    "    \"c\": {},\n    \"d\": []\n}");
	EXPECT_TEXT("to_nice_json", "{\"b\": 1, \"a\": [1]}", "[2]", NULL,
		    "{\n  \"a\": [\n    1\n  ],\n  \"b\": 1\n}");
	EXPECT("from_json", "\"{\\\"a\\\": [1, \\\"x\\\"]}\"", NULL, NULL, "{\"a\": [1, \"x\"]}");
	EXPECT_ERR("from_json", "\"{\"", NULL, NULL, "from_json: ");
	EXPECT_TEXT("to_yaml", "{\"b\": 1, \"a\": [1, \"\\u00e9\", {\"x\": null}]}", NULL, NULL,
		    "a:\n- 1\n- \xc3\xa9\n- {x: null}\nb: 1\n");
	EXPECT_TEXT(
		"to_nice_yaml",
		"{\"b\": 1, \"a\": [1, \"\\u00e9\", {\"x\": null, \"y\": true, \"z\": \"yes\"}],"
		" \"c\": {}}",
		NULL, NULL,
		"a:\n- 1\n- \xc3\xa9\n-   x: null\n    y: true\n    z: 'yes'\nb: 1\nc: {}\n");
	EXPECT_TEXT("to_yaml", "\"x\"", NULL, NULL, "x\n");
	EXPECT_TEXT("to_yaml", "\"a\\nb c\"", NULL, NULL, "'a\n\n  b c'\n");
	EXPECT_TEXT("to_yaml", "{\"k\": \"a\\nb c\"}", NULL, NULL, "{k: 'a\n\n    b c'}\n");
	EXPECT_TEXT("to_yaml",
		    "[\"1\", \"1.5\", \"null\", \"\", \"2001-12-14\", \"0o7\", 1.5, 1e20]", NULL,
		    NULL, "['1', '1.5', 'null', '', '2001-12-14', 0o7, 1.5, 1.0e+20]\n");
	EXPECT("from_yaml", "\"a: [1, yes]\"", NULL, NULL, "{\"a\": [1, true]}");
	EXPECT("from_yaml", "[1]", NULL, NULL, "[1]");
	EXPECT_ERR("from_yaml", "\"a: [\"", NULL, NULL, "<from_yaml>:");
}

static void regex(void **state)
{
	(void)state;
	EXPECT("regex_search", "\"abcd\"", "[\"b(c)\"]", NULL, "\"bc\"");
	EXPECT("regex_search", "\"abcd\"", "[\"b(c)\", \"\\\\1\"]", NULL, "[\"c\"]");
	EXPECT("regex_search", "\"abcd\"", "[\"(?P<x>b)(c)\", \"\\\\g<x>\", \"\\\\2\"]", NULL,
	       "[\"b\", \"c\"]");
	EXPECT("regex_search", "\"ABCD\"", "[\"b\"]", "{\"ignorecase\": true}", "\"B\"");
	EXPECT("regex_search", "\"ab\\ncd\"", "[\"^c\"]", "{\"multiline\": true}", "\"c\"");
	EXPECT("regex_search", "\"ab\\ncd\"", "[\"^c\"]", NULL, "null");
	EXPECT("regex_search", "\"ab\"", "[\"b\\\\Z\"]", NULL, "\"b\"");
	EXPECT_ERR("regex_search", "\"ab\"", "[\"(\"]", NULL, "invalid regular expression '('");
	EXPECT("regex_findall", "\"a1b22\"", "[\"[0-9]+\"]", NULL, "[\"1\", \"22\"]");
	EXPECT("regex_findall", "\"a1b22\"", "[\"[a-z]([0-9]+)\"]", NULL, "[\"1\", \"22\"]");
	EXPECT("regex_findall", "\"a1b22\"", "[\"([a-z])([0-9]+)\"]", NULL,
	       "[[\"a\", \"1\"], [\"b\", \"22\"]]");
	EXPECT("regex_replace", "\"a1b22\"", "[\"([0-9]+)\", \"<\\\\1>\"]", NULL, "\"a<1>b<22>\"");
	EXPECT("regex_replace", "\"a1b22\"", "[\"(?P<n>[0-9]+)\", \"<\\\\g<n>>\"]", NULL,
	       "\"a<1>b<22>\"");
	EXPECT("regex_replace", "\"a1b22\"", "[\"^A\", \"X\"]", "{\"ignorecase\": true}",
	       "\"X1b22\"");
	EXPECT("regex_replace", "\"a1b22\"", "[\"\", \"-\"]", NULL, "\"-a-1-b-2-2-\"");
	EXPECT("regex_replace", "\"abxd\"", "[\"x*\", \"-\"]", NULL, "\"-a-b--d-\"");
	EXPECT("regex_replace", "\"a\\nb\"", "[\"^\", \"#\"]", "{\"multiline\": true}",
	       "\"#a\\n#b\"");
	EXPECT("regex_replace", "\"ab\"", "[\"b\", \"\\\\n\"]", NULL, "\"a\\n\"");
	EXPECT("regex_replace", "\"h\\u00e9llo\"", "[\"l+\", \"L\"]", NULL, "\"h\\u00e9Lo\"");
	EXPECT_ERR("regex_replace", "\"ab\"", "[\"b\", \"\\\\q\"]", NULL, "bad escape \\q");
	EXPECT("regex_escape", "\"a.b*c\"", NULL, NULL, "\"a\\\\.b\\\\*c\"");
	EXPECT("regex_escape", "\"a.b*c\"", "[\"posix_basic\"]", NULL, "\"a\\\\.b\\\\*c\"");
}

static void tests_types(void **state)
{
	(void)state;
	IS("defined", "1", NULL, NULL, 1);
	IS("defined", NULL, NULL, NULL, 0);
	IS("undefined", NULL, NULL, NULL, 1);
	IS("none", "null", NULL, NULL, 1);
	IS("none", NULL, NULL, NULL, 0);
	IS("string", "\"a\"", NULL, NULL, 1);
	IS("number", "true", NULL, NULL, 1);
	IS("number", "\"1\"", NULL, NULL, 0);
	IS("integer", "1", NULL, NULL, 1);
	IS("integer", "true", NULL, NULL, 0);
	IS("float", "1.5", NULL, NULL, 1);
	IS("boolean", "true", NULL, NULL, 1);
	IS("mapping", "{}", NULL, NULL, 1);
	IS("iterable", "\"a\"", NULL, NULL, 1);
	IS("iterable", "1", NULL, NULL, 0);
	IS("sequence", "{}", NULL, NULL, 1);
	IS("upper", "\"ABC1\"", NULL, NULL, 1);
	IS("upper", "\"123\"", NULL, NULL, 0);
	IS("lower", "\"abc\"", NULL, NULL, 1);
	IS("abs", "\"/tmp\"", NULL, NULL, 1);
	IS("abs", "\"tmp\"", NULL, NULL, 0);
	IS("directory", "\"/\"", NULL, NULL, 1);
	IS("file", "\"/\"", NULL, NULL, 0);
	IS("exists", "\"/nonexistent/x\"", NULL, NULL, 0);
}

static void tests_results(void **state)
{
	const char *ok = "{\"changed\": true, \"failed\": false}";

	(void)state;
	IS("succeeded", ok, NULL, NULL, 1);
	IS("success", "{}", NULL, NULL, 1);
	IS("failed", ok, NULL, NULL, 0);
	IS("failed", "{\"failed\": true}", NULL, NULL, 1);
	IS("changed", ok, NULL, NULL, 1);
	IS("changed", "{\"results\": [{\"changed\": false}, {\"changed\": true}]}", NULL, NULL, 1);
	IS("skipped", ok, NULL, NULL, 0);
	IS("skipped", "{\"skipped\": true}", NULL, NULL, 1);
	IS_ERR("succeeded", "\"x\"", NULL, NULL, "The 'failed' test expects a dictionary");
	IS_ERR("changed", "[]", NULL, NULL, "The 'changed' test expects a dictionary");
	IS_ERR("skipped", NULL, NULL, NULL, "The 'skipped' test expects a dictionary");
}

static void tests_values(void **state)
{
	(void)state;
	IS("match", "\"abc\"", "[\"b\"]", NULL, 0);
	IS("match", "\"abc\"", "[\"a\"]", NULL, 1);
	IS("search", "\"abc\"", "[\"b\"]", NULL, 1);
	IS("regex", "\"abc\"", "[\"B\"]", "{\"ignorecase\": true}", 1);
	IS("regex", "\"abc\"", "[\"^b\"]", "{\"match_type\": \"search\"}", 0);
	IS("regex", "\"a\\nb\"", "[\"^b\"]", "{\"multiline\": true}", 1);
	IS("regex", "\"abc\"", "[\"ab\"]", "{\"match_type\": \"fullmatch\"}", 0);
	IS("in", "1", "[[1, 2]]", NULL, 1);
	IS("in", "\"a\"", "[\"abc\"]", NULL, 1);
	IS("in", "\"b\"", "[{\"b\": 1}]", NULL, 1);
	IS("contains", "[1, 2]", "[2]", NULL, 1);
	IS("contains", "[1, 2]", "[3]", NULL, 0);
	IS("truthy", "\"\"", NULL, NULL, 0);
	IS("falsy", "\"no\"", NULL, NULL, 0);
	IS("falsy", "\"no\"", NULL, "{\"convert_bool\": true}", 1);
	IS("truthy", "\"yes\"", NULL, "{\"convert_bool\": true}", 1);
	IS("equalto", "1", "[1.0]", NULL, 1);
	IS("eq", "\"a\"", "[\"a\"]", NULL, 1);
	IS("ne", "1", "[2]", NULL, 1);
	IS("lt", "1", "[2]", NULL, 1);
	IS("le", "2", "[2]", NULL, 1);
	IS("gt", "3", "[2]", NULL, 1);
	IS("ge", "1", "[2]", NULL, 0);
	IS_ERR("lt", "\"a\"", "[1]", NULL,
	       "'<' not supported between instances of 'str' and 'int'");
	IS("odd", "3", NULL, NULL, 1);
	IS("odd", "-3", NULL, NULL, 1);
	IS("even", "4", NULL, NULL, 1);
	IS("divisibleby", "9", "[3]", NULL, 1);
	IS("divisibleby", "10", "[3]", NULL, 0);
	IS("subset", "[1, 2]", "[[1, 2, 3]]", NULL, 1);
	IS("subset", "[1, 4]", "[[1, 2, 3]]", NULL, 0);
	IS("superset", "[1, 2, 3]", "[[1, 2]]", NULL, 1);
	IS("sameas", "null", "[null]", NULL, 1);
}

static void tests_version(void **state)
{
	(void)state;
	IS("version", "\"1.2.3\"", "[\"1.2\", \">\"]", NULL, 1);
	IS("version", "\"1.2.3\"", "[\"1.2.3\", \"eq\"]", NULL, 1);
	IS("version", "\"1.2.3\"", "[\"1.2.3\"]", NULL, 1);
	IS("version", "\"1.10\"", "[\"1.9\", \"gt\"]", NULL, 1);
	IS("version", "\"1.0a\"", "[\"1.0\", \">\"]", NULL, 1);
	IS("version", "\"1.0\"", "[\"1.0.0\", \"==\"]", NULL, 0);
	IS("version", "\"1.0\"", "[\"1.0.0\", \"<\"]", NULL, 1);
	IS("version", "\"1.0\"", "[\"1.0-1\", \"<\"]", NULL, 1);
	IS("version", "\"1.0.0\"", "[\"1.0\", \"lt\"]", "{\"strict\": true}", 0);
	IS("version", "\"1.0.0\"", "[\"1.0\", \"==\"]", "{\"strict\": true}", 1);
	IS("version", "\"1.0b1\"", "[\"1.0\", \"<\"]", "{\"strict\": true}", 1);
	IS("version", "\"1.0a2\"", "[\"1.0b1\", \"<\"]", "{\"version_type\": \"strict\"}", 1);
	IS("version_compare", "\"2.14.18\"", "[\"2.14\", \">=\"]", NULL, 1);
	IS("version", "2.1", "[\"2.0\", \"ge\"]", NULL, 1);
	IS("version", "\"1.0.0-alpha\"", "[\"1.0.0\", \"<\"]", "{\"version_type\": \"semver\"}", 1);
	IS("version", "\"1.0.0-alpha.1\"", "[\"1.0.0-alpha.beta\", \"<\"]",
	   "{\"version_type\": \"semver\"}", 1);
	IS("version", "\"1.0.0-2\"", "[\"1.0.0-10\", \"<\"]", "{\"version_type\": \"semver\"}", 1);
	IS("version", "\"1.0.0+b1\"", "[\"1.0.0\", \"==\"]", "{\"version_type\": \"semver\"}", 1);
	IS("version", "\"1.0.0-rc.1\"", "[\"1.0.0-beta.11\", \">\"]",
	   "{\"version_type\": \"semantic\"}", 1);
	IS_ERR("version", "\"1.0\"", "[\"1.0.0\", \"==\"]", "{\"version_type\": \"semver\"}",
	       "Version comparison failed: invalid semantic version '1.0'");
	IS_ERR("version", "\"1.0a\"", "[\"1.0\", \"lt\"]", "{\"strict\": true}",
	       "Version comparison failed: invalid version number '1.0a'");
	IS_ERR("version", "\"1.0.x\"", "[\"1.0.1\", \"<\"]", NULL,
	       "Version comparison failed: '<' not supported between instances of 'str' and 'int'");
	IS_ERR("version", "\"1.0\"", "[\"abc\", \"<\"]", NULL,
	       "Version comparison failed: '<' not supported between instances of 'int' and 'str'");
	IS_ERR("version", "\"1.0\"", "[\"1.0\", \"foo\"]", NULL,
	       "Invalid operator type (foo). Must be one of '==', '=', 'eq', '<', 'lt', '<=', "
	       "'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'");
	IS_ERR("version", "\"\"", "[\"1.0\"]", NULL, "Input version value cannot be empty");
	IS_ERR("version", "\"1\"", "[\"\"]", NULL,
	       "Version parameter to compare against cannot be empty");
}

/* A folder with a.txt ("hello\n\n"), b.txt, c.cfg and sub/, removed by the teardown. */
static int lookup_dir_setup(void **state)
{
	char *dir = strdup("/tmp/jf-lookup.XXXXXX");
	char path[512];
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	f = fopen(path, "w");
	fputs("hello\n\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/b.txt", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/c.cfg", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/sub.txt", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/t.j2", dir);
	f = fopen(path, "w");
	fputs("{{ x }}-{% if true %}\nyes\n{% endif %}\n", f);
	fclose(f);
	*state = dir;
	return 0;
}

static int lookup_dir_teardown(void **state)
{
	char *cmd = NULL;
	int r;

	if (asprintf(&cmd, "rm -rf '%s'", (char *)*state) < 0)
		return -1;
	r = system(cmd);
	free(cmd);
	free(*state);
	return r;
}

static void lookups_files(void **state)
{
	const char *dir = *state;
	const char *const paths[] = {"/nonexistent", dir, NULL};
	struct jinja_ctx ctx = {NULL, NULL, paths};
	char want[1024];

	LOOKUP("file", "[\"a.txt\"]", NULL, &ctx, "[\"hello\"]");
	LOOKUP("file", "[\"a.txt\", \"a.txt\"]", NULL, &ctx, "[\"hello\", \"hello\"]");
	LOOKUP("file", "[\"a.txt\"]", "{\"rstrip\": false}", &ctx, "[\"hello\\n\\n\"]");
	LOOKUP_ERR("file", "[\"nope.txt\"]", NULL, &ctx,
		   "could not locate file in lookup: nope.txt");
	snprintf(want, sizeof(want), "[\"%s/a.txt\", \"%s/b.txt\"]", dir, dir);
	LOOKUP("fileglob", "[\"*.txt\"]", NULL, &ctx, want);
	{
		char pattern[600];

		snprintf(pattern, sizeof(pattern), "[\"%s/*.cfg\", \"%s/sub*\"]", dir, dir);
		snprintf(want, sizeof(want), "[\"%s/c.cfg\"]", dir);
		LOOKUP("fileglob", pattern, NULL, NULL, want);
	}
	snprintf(want, sizeof(want), "[\"%s/b.txt\"]", dir);
	LOOKUP("first_found", "[[\"nope\", \"b.txt\"]]", NULL, &ctx, want);
	snprintf(want, sizeof(want),
		 "[{\"files\": [\"x\", \"c.cfg\"], \"paths\": [\"/nonexistent\", \"%s\"]}]", dir);
	{
		char want2[1024];

		snprintf(want2, sizeof(want2), "[\"%s/c.cfg\"]", dir);
		LOOKUP("first_found", want, NULL, NULL, want2);
	}
	LOOKUP_ERR("first_found", "[\"nope\"]", NULL, &ctx,
		   "No file was found when using first_found.");
	{
		char term[700], want2[700];

		snprintf(term, sizeof(term),
			 "[{\"files\": \"x;c.cfg\", \"paths\": \"/nonexistent,%s\"}]", dir);
		snprintf(want2, sizeof(want2), "[\"%s/c.cfg\"]", dir);
		LOOKUP("first_found", term, NULL, NULL, want2);
	}
	LOOKUP("first_found", "[\"nope\"]", "{\"skip\": true}", &ctx, "[]");
	LOOKUP_ERR("template", "[\"nope.j2\"]", NULL, &ctx,
		   "the template file nope.j2 could not be found for the lookup");
}

/* DIR/files/NAME is looked at before DIR/NAME, as Ansible's file lookup does. */
static void lookups_files_subdir(void **state)
{
	const char *dir = *state;
	const char *const paths[] = {dir, NULL};
	struct jinja_ctx ctx = {NULL, NULL, paths};
	char path[600], want[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/files", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/files/a.txt", dir);
	f = fopen(path, "w");
	fputs("from files\n", f);
	fclose(f);
	LOOKUP("file", "[\"a.txt\"]", NULL, &ctx, "[\"from files\"]");
	snprintf(want, sizeof(want), "[\"%s/files/a.txt\"]", dir);
	LOOKUP("fileglob", "[\"*.txt\"]", NULL, &ctx, want);
	LOOKUP("first_found", "[\"a.txt\"]", NULL, &ctx, want);
}

static void lookups_password(void **state)
{
	const char *dir = *state;
	const char *const paths[] = {dir, NULL};
	struct jinja_ctx ctx = {NULL, NULL, paths};
	struct buf err = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	json_t *a, *b;
	const char *pw;

	a = run_lookup("password", "[\"/dev/null length=8 chars=digits\"]", NULL, &ctx, &err);
	assert_non_null(a);
	pw = json_string_value(json_array_get(a, 0));
	assert_int_equal(strlen(pw), 8);
	assert_int_equal(strspn(pw, "0123456789"), 8);
	json_decref(a);
	a = run_lookup("password", "[\"/dev/null length=30 chars=,,\"]", NULL, &ctx, &err);
	assert_string_equal(json_string_value(json_array_get(a, 0)),
			    ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,");
	json_decref(a);
	a = run_lookup("password", "[\"sub/pw length=5\"]", NULL, &ctx, &err);
	b = run_lookup("password", "[\"sub/pw length=9\"]", NULL, &ctx, &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strlen(json_string_value(json_array_get(a, 0))), 5);
	assert_string_equal(json_string_value(json_array_get(a, 0)),
			    json_string_value(json_array_get(b, 0)));
	buf_addf(&path, "%s/sub/pw", dir);
	assert_int_equal(buf_read_file(&text, path.buf), 0);
	assert_int_equal(text.len, 6);
	assert_int_equal(text.buf[5], '\n');
	LOOKUP("random_choice", "[\"only\"]", NULL, NULL, "[\"only\"]");
	json_decref(a);
	json_decref(b);
	buf_release(&err);
	buf_release(&path);
	buf_release(&text);
}

static void lookups_ini(void **state)
{
	const char *dir = *state;
	const char *const paths[] = {dir, NULL};
	struct jinja_ctx ctx = {NULL, NULL, paths};
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.ini", dir);
	f = fopen(path, "w");
	fputs("[s]\nuser = bob\nPass: x y \n# c\n; d\nmulti = a\n  b\n[t]\nuser=al\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/t.properties", dir);
	f = fopen(path, "w");
	fputs("a.b=1\nc: 2\n", f);
	fclose(f);
	LOOKUP("ini", "[\"user section=s file=t.ini\"]", NULL, &ctx, "[\"bob\"]");
	LOOKUP("ini", "[\"PASS section=s file=t.ini\"]", NULL, &ctx, "[\"x y\"]");
	LOOKUP("ini", "[\"multi section=s file=t.ini\"]", NULL, &ctx, "[\"a\\nb\"]");
	LOOKUP("ini", "[\"nope section=s file=t.ini\"]", NULL, &ctx, "[\"\"]");
	LOOKUP("ini", "[\"nope section=s file=t.ini default=dd\"]", NULL, &ctx, "[\"dd\"]");
	LOOKUP("ini", "[\"user\"]", "{\"section\": \"t\", \"file\": \"t.ini\"}", &ctx, "[\"al\"]");
	LOOKUP("ini", "[\"u.* section=s file=t.ini re=True\"]", NULL, &ctx, "[\"bob\"]");
	LOOKUP("ini", "[\"a.b type=properties file=t.properties\"]", NULL, &ctx, "[\"1\"]");
	LOOKUP_ERR("ini", "[\"user section=zz file=t.ini\"]", NULL, &ctx,
		   "No section 'zz' in t.ini");
	LOOKUP_ERR("ini", "[\"user section=s file=none.ini\"]", NULL, &ctx,
		   "could not locate file in lookup: none.ini");
	snprintf(path, sizeof(path), "%s/p.csv", dir);
	f = fopen(path, "w");
	fputs("name,age,city\nbob,30,\"New York, NY\"\nal,25,Paris\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/p.tsv", dir);
	f = fopen(path, "w");
	fputs("a\t1\nb\t2\n", f);
	fclose(f);
	LOOKUP("csvfile", "[\"bob file=p.csv delimiter=,\"]", NULL, &ctx, "[\"30\"]");
	LOOKUP("csvfile", "[\"bob file=p.csv delimiter=, col=2\"]", NULL, &ctx,
	       "[\"New York, NY\"]");
	LOOKUP("csvfile", "[\"zz file=p.csv delimiter=, default=dd\"]", NULL, &ctx, "[\"dd\"]");
	LOOKUP("csvfile", "[\"zz file=p.csv delimiter=,\"]", NULL, &ctx, "[]");
	LOOKUP("csvfile", "[\"b file=p.tsv\"]", NULL, &ctx, "[\"2\"]");
	LOOKUP("csvfile", "[\"bob\"]", "{\"file\": \"p.csv\", \"delimiter\": \",\", \"col\": 1}",
	       &ctx, "[\"30\"]");
}

static void lookups_template(void **state)
{
	const char *dir = *state;
	const char *const paths[] = {dir, NULL};
	json_t *vars = json_pack("{s[iii]}", "x", 3, 1, 2);
	struct jinja_ctx ctx = {vars, NULL, paths};
	struct buf err = BUF_INIT;
	json_t *r = run_lookup("template", "[\"t.j2\"]", NULL, &ctx, &err);

	if (!r)
		fail_msg("template lookup: %s", err.buf);
	assert_string_equal(json_string_value(json_array_get(r, 0)), "[3, 1, 2]-yes\n");
	json_decref(r);
	json_decref(vars);
	buf_release(&err);
}

static void lookups_commands(void **state)
{
	(void)state;
	setenv("JF_TEST_VAR", "v1", 1);
	unsetenv("JF_NOPE");
	LOOKUP("env", "[\"JF_TEST_VAR\", \"JF_NOPE\"]", NULL, NULL, "[\"v1\", \"\"]");
	LOOKUP("env", "[\"JF_NOPE\"]", "{\"default\": \"d\"}", NULL, "[\"d\"]");
	LOOKUP("pipe", "[\"echo hi; echo\"]", NULL, NULL, "[\"hi\"]");
	LOOKUP_ERR("pipe", "[\"exit 3\"]", NULL, NULL, "lookup_plugin.pipe(exit 3) returned 3");
	LOOKUP("lines", "[\"printf 'a\\\\nb\\\\n'\"]", NULL, NULL, "[\"a\", \"b\"]");
}

static void lookups_lists(void **state)
{
	json_t *vars = json_pack("{s[iii]}", "x", 3, 1, 2);
	struct jinja_ctx ctx = {vars, NULL, NULL};

	(void)state;
	LOOKUP("vars", "[\"x\"]", NULL, &ctx, "[[3, 1, 2]]");
	LOOKUP_ERR("vars", "[\"nope\"]", NULL, &ctx, "No variable found with this name: nope");
	LOOKUP("vars", "[\"nope\"]", "{\"default\": 1}", &ctx, "[1]");
	LOOKUP("varnames", "[\"^x\"]", NULL, &ctx, "[\"x\"]");
	LOOKUP("varnames", "[\"^nope\"]", NULL, &ctx, "[]");
	LOOKUP("items", "[[1, [2, [3]]]]", NULL, NULL, "[1, [2, [3]]]");
	LOOKUP("items", "[1, 2]", NULL, NULL, "[1, 2]");
	LOOKUP("list", "[[1, [2]]]", NULL, NULL, "[[1, [2]]]");
	LOOKUP("dict", "[{\"a\": 1}]", NULL, NULL, "[{\"key\": \"a\", \"value\": 1}]");
	LOOKUP_ERR("dict", "[[1]]", NULL, NULL, "with_dict expects a dict");
	LOOKUP("indexed_items", "[[\"a\", \"b\"]]", NULL, NULL, "[[0, \"a\"], [1, \"b\"]]");
	LOOKUP("together", "[[1, 2], [\"a\"]]", NULL, NULL, "[[1, \"a\"], [2, null]]");
	LOOKUP("nested", "[[1, 2], [\"a\", \"b\"]]", NULL, NULL,
	       "[[1, \"a\"], [1, \"b\"], [2, \"a\"], [2, \"b\"]]");
	LOOKUP("subelements",
	       "[[{\"n\": 1, \"l\": [1, 2]}, {\"n\": 2}], \"l\", {\"skip_missing\": true}]", NULL,
	       NULL, "[[{\"n\": 1}, 1], [{\"n\": 1}, 2]]");
	LOOKUP("subelements", "[[{\"n\": 1, \"l\": {\"m\": [1]}}], \"l.m\"]", NULL, NULL,
	       "[[{\"n\": 1, \"l\": {}}, 1]]");
	LOOKUP_ERR("subelements", "[[{\"n\": 2}], \"l\"]", NULL, NULL,
		   "could not find 'l' key in iterated item");
	json_decref(vars);
}

static void lookups_sequence(void **state)
{
	(void)state;
	LOOKUP("sequence", "[\"start=1 end=5\"]", NULL, NULL,
	       "[\"1\", \"2\", \"3\", \"4\", \"5\"]");
	LOOKUP("sequence", "[\"start=1 end=10 stride=3 format=host%02d\"]", NULL, NULL,
	       "[\"host01\", \"host04\", \"host07\", \"host10\"]");
	LOOKUP("sequence", "[\"count=3\"]", NULL, NULL, "[\"1\", \"2\", \"3\"]");
	LOOKUP("sequence", "[\"4\"]", NULL, NULL, "[\"1\", \"2\", \"3\", \"4\"]");
	LOOKUP("sequence", "[\"2-8/2\"]", NULL, NULL, "[\"2\", \"4\", \"6\", \"8\"]");
	LOOKUP("sequence", "[\"start=5 end=1 stride=-2\"]", NULL, NULL, "[\"5\", \"3\", \"1\"]");
	LOOKUP("sequence", "[\"0x0a-0x0c:%x\"]", NULL, NULL, "[\"a\", \"b\", \"c\"]");
	LOOKUP_ERR("sequence", "[\"start=5 end=1\"]", NULL, NULL,
		   "to count backwards make stride negative");
	LOOKUP_ERR("sequence", "[\"bogus=1\"]", NULL, NULL,
		   "unknown argument to with_sequence: bogus=1");
}

/* Every filter, test and lookup with odd inputs and arguments: errors are fine, crashes (under
 * ASan/UBSan) are not. */
static const char *const sweep_values[] = {
	NULL,
	"null",
	"true",
	"0",
	"-7",
	"2.5",
	"\"\"",
	"\"a,b\"",
	"[]",
	"[1, \"a\", null]",
	"[[1, 2], {\"a\": 1}]",
	"{}",
	"{\"a\": [1], \"b\": {\"c\": null}}",
};
static const char *const sweep_args[] = {
	"[]",
	"[null]",
	"[0]",
	"[-1]",
	"[\"a\"]",
	"[\"\\\\g<x>\"]",
	"[[1]]",
	"[{\"a\": 1}]",
	"[\"a\", \"b\"]",
	"[\"odd\", 1, 2]",
	"[2, \"x\"]",
	"[\"(\"]",
};
static const char *const sweep_kwargs[] = {
	"{}",
	"{\"attribute\": \"a\"}",
	"{\"recursive\": true, \"list_merge\": \"append\"}",
	"{\"default\": 1, \"base\": 16, \"indent\": 2, \"levels\": 0}",
};
static const char *const sweep_filters[] = {
	"default",
	"d",
	"mandatory",
	"type_debug",
	"ternary",
	"to_json",
	"to_nice_json",
	"from_json",
	"first",
	"last",
	"min",
	"max",
	"sum",
	"sort",
	"reverse",
	"dictsort",
	"batch",
	"slice",
	"flatten",
	"zip",
	"zip_longest",
	"dict2items",
	"items2dict",
	"regex_search",
	"regex_replace",
	"regex_findall",
	"regex_escape",
	"map",
	"select",
	"reject",
	"selectattr",
	"rejectattr",
	"unique",
	"union",
	"intersect",
	"difference",
	"symmetric_difference",
	"combine",
	"bool",
	"int",
	"float",
	"string",
	"list",
	"length",
	"count",
	"abs",
	"round",
	"lower",
	"upper",
	"title",
	"capitalize",
	"trim",
	"replace",
	"split",
	"join",
	"wordcount",
	"center",
	"basename",
	"dirname",
	"expanduser",
	"realpath",
	"splitext",
	"quote",
	"indent",
	"comment",
	"urlencode",
	"b64encode",
	"b64decode",
	"hash",
	"checksum",
	"human_readable",
	"to_yaml",
	"to_nice_yaml",
	"from_yaml",
	"format",
	"truncate",
	"wordwrap",
	"e",
	"safe",
	"filesizeformat",
	"strftime",
	"to_uuid",
	"path_join",
	"tojson",
	"log",
	"pow",
	"root",
	"product",
	"permutations",
	"combinations",
	"random",
	"shuffle",
	"extract",
	"items",
	"groupby",
	"subelements",
};
static const char *const sweep_tests[] = {
	"defined",     "undefined",   "none",	  "string",	 "number",    "integer",
	"float",       "boolean",     "mapping",  "iterable",	 "sequence",  "failed",
	"succeeded",   "changed",     "skipped",  "unreachable", "match",     "search",
	"regex",       "in",	      "contains", "truthy",	 "falsy",     "eq",
	"ne",	       "lt",	      "le",	  "gt",		 "ge",	      "odd",
	"even",	       "divisibleby", "subset",	  "superset",	 "upper",     "lower",
	"sameas",      "abs",	      "exists",	  "file",	 "directory", "link",
	"version",     "all",	      "any",	  "finished",	 "started",   "reachable",
	"same_file",   "mount",	      "url",	  "urn",	 "uri",	      "vault_encrypted",
	"link_exists",
};
static const char *const sweep_lookups[] = {
	"env",	       "file",	      "template",      "fileglob",	"vars",	  "items",
	"list",	       "dict",	      "indexed_items", "together",	"nested", "sequence",
	"first_found", "subelements", "varnames",      "random_choice", "ini",	  "csvfile",
};

static void sweep_one(const char *kind, const char *name, const char *input, const char *args,
		      const char *kwargs)
{
	struct buf err = BUF_INIT;
	json_t *r = NULL;
	int t = 0;

	/* Only default/d/mandatory see an undefined input; the engine stops the others. */
	if (!strcmp(kind, "filter") && !input && strcmp(name, "default") && strcmp(name, "d") &&
	    strcmp(name, "mandatory"))
		return;
	if (!strcmp(kind, "filter"))
		r = run_filter(name, input, args, kwargs, NULL, &err);
	else if (!strcmp(kind, "test"))
		t = call_test(0, name, input, args, kwargs, &err);
	else
		r = run_lookup(name, args, kwargs, NULL, &err);
	if (!r && t < 0 && !err.len)
		fail_msg("%s %s failed without a message", kind, name);
	json_decref(r);
	buf_release(&err);
}

static void sweep(void **state)
{
	size_t f, v, a, k;

	(void)state;
	for (f = 0; f < ARRAY_SIZE(sweep_filters); f++)
		for (v = 0; v < ARRAY_SIZE(sweep_values); v++)
			for (a = 0; a < ARRAY_SIZE(sweep_args); a++)
				for (k = 0; k < ARRAY_SIZE(sweep_kwargs); k++)
					sweep_one("filter", sweep_filters[f], sweep_values[v],
						  sweep_args[a], sweep_kwargs[k]);
	for (f = 0; f < ARRAY_SIZE(sweep_tests); f++)
		for (v = 0; v < ARRAY_SIZE(sweep_values); v++)
			for (a = 0; a < ARRAY_SIZE(sweep_args); a++)
				sweep_one("test", sweep_tests[f], sweep_values[v], sweep_args[a],
					  "{}");
	for (f = 0; f < ARRAY_SIZE(sweep_lookups); f++)
		for (a = 0; a < ARRAY_SIZE(sweep_args); a++)
			for (k = 0; k < ARRAY_SIZE(sweep_kwargs); k++)
				sweep_one("lookup", sweep_lookups[f], NULL, sweep_args[a],
					  sweep_kwargs[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(undefined_and_types),
		cmocka_unit_test(conversions),
		cmocka_unit_test(strings),
		cmocka_unit_test(text),
		cmocka_unit_test(password_hash),
		cmocka_unit_test(random_salt_differs),
		cmocka_unit_test(lists),
		cmocka_unit_test(sets),
		cmocka_unit_test(map_select),
		cmocka_unit_test(more_filters),
		cmocka_unit_test(misc_filters),
		cmocka_unit_test(more_tests),
		cmocka_unit_test(json_yaml),
		cmocka_unit_test(regex),
		cmocka_unit_test(tests_types),
		cmocka_unit_test(tests_results),
		cmocka_unit_test(tests_values),
		cmocka_unit_test(tests_version),
		cmocka_unit_test_setup_teardown(lookups_files, lookup_dir_setup,
						lookup_dir_teardown),
		cmocka_unit_test_setup_teardown(lookups_files_subdir, lookup_dir_setup,
						lookup_dir_teardown),
		cmocka_unit_test_setup_teardown(lookups_password, lookup_dir_setup,
						lookup_dir_teardown),
		cmocka_unit_test_setup_teardown(lookups_ini, lookup_dir_setup, lookup_dir_teardown),
		cmocka_unit_test_setup_teardown(lookups_template, lookup_dir_setup,
						lookup_dir_teardown),
		cmocka_unit_test(lookups_commands),
		cmocka_unit_test(lookups_lists),
		cmocka_unit_test(lookups_sequence),
		cmocka_unit_test(sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
