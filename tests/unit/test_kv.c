/* Module argument strings: kv_parse, shlex_split, sh_quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kv.h"
#include "banned.h"

static void expect_json(json_t *v, const char *want)
{
	char *got = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);

	if (strcmp(got, want))
		fail_msg("got %s, want %s", got, want);
	free(got);
}

static void kv_plain(void **state)
{
	struct buf err = BUF_INIT;
	json_t *v = kv_parse("path=/tmp/x mode='0644' msg=\"a b\" free word", 0, &err);

	(void)state;
	expect_json(v, "{\"_raw_params\":\"free word\",\"mode\":\"0644\",\"msg\":\"a b\",\"path\":\"/tmp/x\"}");
	json_decref(v);
	buf_release(&err);
}

static void kv_check_raw_keeps_unknown_keys(void **state)
{
	struct buf err = BUF_INIT;
	json_t *v = kv_parse("chdir=/tmp echo foo=bar 'a  b'", 1, &err);

	(void)state;
	expect_json(v, "{\"_raw_params\":\"echo foo=bar 'a  b'\",\"chdir\":\"/tmp\"}");
	json_decref(v);
	buf_release(&err);
}

/* Ansible's join_args: the script keeps its lines, spacing and last newline. */
static void kv_raw_keeps_lines(void **state)
{
	struct buf err = BUF_INIT;
	json_t *v = kv_parse("if true; then\n  echo   x  creates=/a\nfi\n", 1, &err);

	(void)state;
	expect_json(v, "{\"_raw_params\":\"if true; then\\n  echo   x\\nfi\\n\",\"creates\":\"/a\"}");
	json_decref(v);
	buf_release(&err);
}

static void kv_unbalanced_quote(void **state)
{
	struct buf err = BUF_INIT;

	(void)state;
	assert_null(kv_parse("echo 'oops", 1, &err));
	assert_non_null(strstr(err.buf, "quot"));
	buf_release(&err);
}

static void shlex_like_python(void **state)
{
	struct strvec sv = STRVEC_INIT;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(shlex_split("echo 'a b' \"c \\\"d\\\"\" e\\ f ''", &sv, &err), 0);
	assert_int_equal(sv.nr, 5);
	assert_string_equal(sv.v[0], "echo");
	assert_string_equal(sv.v[1], "a b");
	assert_string_equal(sv.v[2], "c \"d\"");
	assert_string_equal(sv.v[3], "e f");
	assert_string_equal(sv.v[4], "");
	strvec_clear(&sv);
	assert_int_equal(shlex_split("a \"b", &sv, &err), -1);
	assert_string_equal(err.buf, "No closing quotation (unbalanced \" quote)");
	strvec_clear(&sv);
	buf_release(&err);
}

static void quote_for_sh(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	sh_quote(&b, "it's $HOME");
	assert_string_equal(b.buf, "'it'\\''s $HOME'");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kv_plain),
		cmocka_unit_test(kv_check_raw_keeps_unknown_keys),
		cmocka_unit_test(kv_raw_keeps_lines),
		cmocka_unit_test(kv_unbalanced_quote),
		cmocka_unit_test(shlex_like_python),
		cmocka_unit_test(quote_for_sh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
