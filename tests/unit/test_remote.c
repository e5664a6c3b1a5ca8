/*
 * drover-remote's argument reader and JSON writer (modules/remote/util.c),
 * fed by the controller's own encoder (module_encode_args) and checked by
 * jansson, the controller's parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "module.h"
/* the helper's code itself: it is built apart from drover (static, for hosts) */
#include "../../modules/remote/util.c"

/* Encodes args as the controller does, then reads them back as the helper does. */
static void round_trip(json_t *args, struct args *a)
{
	struct buf in = BUF_INIT;
	char *nl;

	module_encode_args(args, "@@M@@", &in);
	nl = memchr(in.buf, '\n', in.len);
	assert_non_null(nl);
	memset(a, 0, sizeof(*a));
	assert_int_equal(args_parse(a, nl + 1, in.len - (size_t)(nl + 1 - in.buf)), 0);
	buf_release(&in);
}

static void args_of_every_kind(void **state)
{
	json_t *args = json_pack("{s:s, s:b, s:i, s:s, s:[s,s], s:s}", "path", "it's a 'file'\nnext",
				 "follow", 1, "n", 42, "empty", "", "list", "a", "b'c", "q", "'");
	struct args a;

	(void)state;
	round_trip(args, &a);
	assert_string_equal(arg(&a, "path", NULL), "it's a 'file'\nnext");
	assert_true(arg_true(&a, "follow"));
	assert_string_equal(arg(&a, "n", NULL), "42");
	assert_string_equal(arg(&a, "empty", "x"), "");
	assert_string_equal(arg(&a, "list_1", NULL), "b'c");
	assert_string_equal(arg(&a, "list_n", NULL), "2");
	assert_string_equal(arg(&a, "q", NULL), "'");
	assert_string_equal(arg(&a, "_drover_marker", NULL), "@@M@@");
	assert_null(arg(&a, "nothing", NULL));
	args_release(&a);
	json_decref(args);
}

static void args_broken_stream(void **state)
{
	static const char *const bad[] = { "x='open\n", "noequals\n", "=v\n", "x='a'b\n", "x='a'" };
	struct args a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0, sizeof(a));
		assert_int_equal(args_parse(&a, bad[i], strlen(bad[i])), -1);
		args_release(&a);
	}
}

/* What jansson reads back from out_json_str(s). */
static char *decoded(const char *s, size_t n)
{
	struct out o = { 0 };
	json_error_t e;
	json_t *v;
	char *r;

	out_json_str(&o, s, n);
	v = json_loadb(o.buf, o.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!v)
		fail_msg("not JSON: %s (%s)", o.buf, e.text);
	r = strdup(json_string_value(v));
	json_decref(v);
	out_release(&o);
	return r;
}

static void json_strings(void **state)
{
	struct out o = { 0 };
	char *s;

	(void)state;
	out_json_str(&o, "a\"b\\c\n\t\x7f", 8);
	assert_string_equal(o.buf, "\"a\\\"b\\\\c\\n\\u0009\\u007f\"");
	out_release(&o);
	s = decoded("caf\xc3\xa9 \xe2\x82\xac", 9);
	assert_string_equal(s, "caf\xc3\xa9 \xe2\x82\xac");
	free(s);
	/* bytes that are no UTF-8 become U+FFFD, as _lib.sh's json_str does */
	s = decoded("a\xff" "b\xc3", 4);
	assert_string_equal(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_of_every_kind),
		cmocka_unit_test(args_broken_stream),
		cmocka_unit_test(json_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
