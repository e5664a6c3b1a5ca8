#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "yamlload.h"
#include "banned.h"

static json_t *load(const char *text)
{
	struct buf err = BUF_INIT;
	json_t *v = NULL;

	assert_int_equal(yaml_load_string("t.yml", text, strlen(text), &v, &err), 0);
	buf_release(&err);
	return v;
}

static void test_scalars(void **state)
{
	json_t *v = load("a: yes\nb: Off\nc: ~\nd:\ne: 0x1F\nf: 017\ng: 1_000\nh: 1.5\n"
			 "i: '1'\nj: y\nk: 0o17\nl: 1e5\nm: .inf\nn: -12\no: 190:20:30\n"
			 "p: TRUE\nq: \"yes\"\nr: 0b101\ns: 08\n");

	(void)state;
	assert_true(json_is_true(json_object_get(v, "a")));
	assert_true(json_is_false(json_object_get(v, "b")));
	assert_true(json_is_null(json_object_get(v, "c")));
	assert_true(json_is_null(json_object_get(v, "d")));
	assert_int_equal(json_integer_value(json_object_get(v, "e")), 31);
	assert_int_equal(json_integer_value(json_object_get(v, "f")), 15);
	assert_int_equal(json_integer_value(json_object_get(v, "g")), 1000);
	assert_true(json_real_value(json_object_get(v, "h")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(v, "i")), "1");
	assert_string_equal(json_string_value(json_object_get(v, "j")), "y");
	assert_string_equal(json_string_value(json_object_get(v, "k")), "0o17");
	assert_string_equal(json_string_value(json_object_get(v, "l")), "1e5");
	assert_string_equal(json_string_value(json_object_get(v, "m")), ".inf");
	assert_int_equal(json_integer_value(json_object_get(v, "n")), -12);
	assert_int_equal(json_integer_value(json_object_get(v, "o")), 685230);
	assert_true(json_is_true(json_object_get(v, "p")));
	assert_string_equal(json_string_value(json_object_get(v, "q")), "yes");
	assert_int_equal(json_integer_value(json_object_get(v, "r")), 5);
	assert_string_equal(json_string_value(json_object_get(v, "s")), "08");
	json_decref(v);
}

static void test_anchors_merge(void **state)
{
	json_t *v = load("base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\n"
			 "one:\n  <<: *b\n  y: 5\nlist:\n  <<: [*b, *o]\nref: *b\n");

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "one"), "x")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "one"), "y")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "list"), "y")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "list"), "z")), 3);
	assert_true(json_equal(json_object_get(v, "ref"), json_object_get(v, "base")));
	assert_null(json_object_get(json_object_get(v, "one"), "<<"));
	json_decref(v);
}

static void test_vault_and_docs(void **state)
{
	json_t *v = load("pw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n---\nsecond: 1\n");
	json_t *e;

	(void)state;
	e = json_object_get(json_object_get(v, "pw"), "__ansible_vault");
	assert_non_null(e);
	assert_string_equal(json_string_value(e), "$ANSIBLE_VAULT;1.1;AES256\n6162\n");
	assert_null(json_object_get(v, "second"));
	json_decref(v);
	v = load("");
	assert_true(json_is_null(v));
	json_decref(v);
}

static void test_errors(void **state)
{
	struct buf err = BUF_INIT;
	const char *bad = "a: 1\nb: [1, 2\nc: 3\n";
	json_t *v = NULL;

	(void)state;
	assert_int_equal(yaml_load_string("bad.yml", bad, strlen(bad), &v, &err), -1);
	assert_null(v);
	assert_true(!strncmp(err.buf, "bad.yml:", 8));
	assert_non_null(strstr(err.buf, "\n"));
	buf_reset(&err);
	bad = "a: *nope\n";
	assert_int_equal(yaml_load_string("x.yml", bad, strlen(bad), &v, &err), -1);
	assert_non_null(strstr(err.buf, "x.yml:1:4: found undefined alias 'nope'\na: *nope\n   ^"));
	buf_reset(&err);
	bad = "a: 1\n  b: 2\n";
	assert_int_equal(yaml_load_string("y.yml", bad, strlen(bad), &v, &err), -1);
	assert_true(!strncmp(err.buf, "y.yml:2:4: ", 11));
	assert_int_equal(yaml_load_file("/nonexistent.yml", &v, &err), -1);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_anchors_merge),
		cmocka_unit_test(test_vault_and_docs),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
