#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "inventory.h"
#include "pytext.h"
#include "banned.h"

#define FX "tests/unit/fixtures/inventory/"

static struct inventory *load_ok(const char *src)
{
	struct inventory *inv = inventory_new();
	struct buf err = BUF_INIT;

	if (inventory_load(inv, src, &err) < 0)
		fail_msg("%s", err.buf);
	inventory_finish(inv);
	buf_release(&err);
	return inv;
}

static void load_fails(const char *src, const char *msg)
{
	struct inventory *inv = inventory_new();
	struct buf err = BUF_INIT;

	assert_int_equal(inventory_load(inv, src, &err), -1);
	if (!strstr(err.buf, msg))
		fail_msg("expected '%s' in '%s'", msg, err.buf);
	buf_release(&err);
	inventory_free(inv);
}

static void test_ini(void **state)
{
	struct inventory *inv = load_ok(FX "basic/hosts");
	struct host *h;
	json_t *v;

	(void)state;
	assert_int_equal(inventory_host_count(inv), 10);
	h = inventory_find_host(inv, "top1");
	assert_non_null(h);
	assert_true(json_is_true(json_object_get(h->vars, "x")));
	assert_string_equal(json_string_value(json_object_get(h->vars, "z")), "a b");
	assert_int_equal(json_array_size(json_object_get(h->vars, "l")), 2);
	assert_true(json_is_null(json_object_get(h->vars, "n")));
	assert_string_equal(json_string_value(json_object_get(h->vars, "s")), "010");
	h = inventory_find_host(inv, "web02.example.com");
	assert_int_equal(json_integer_value(json_object_get(h->vars, "ansible_port")), 2222);
	assert_non_null(inventory_find_host(inv, "db-c"));
	assert_non_null(inventory_find_host(inv, "h4"));
	assert_null(inventory_find_host(inv, "h2"));
	v = inventory_host_vars(inv, inventory_find_host(inv, "db-a"));
	assert_string_equal(json_string_value(json_object_get(v, "env")), "fromfile");
	assert_int_equal(json_integer_value(json_object_get(v, "count")), 3);
	assert_string_equal(json_string_value(json_object_get(v, "hv2")), "x");
	assert_string_equal(json_string_value(json_object_get(v, "inventory_hostname_short")), "db-a");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "group_names"), 0)), "db");
	assert_int_equal(json_array_size(json_object_get(v, "group_names")), 3);
	json_decref(v);
	inventory_free(inv);
}

static void test_yaml_and_list(void **state)
{
	struct inventory *inv = load_ok(FX "yaml/inv.yml");
	struct buf out = BUF_INIT, err = BUF_INIT;
	json_t *list, *v;

	(void)state;
	v = inventory_host_vars(inv, inventory_find_host(inv, "db1"));
	assert_string_equal(json_string_value(json_object_get(v, "shared")), "host");
	json_decref(v);
	v = inventory_host_vars(inv, inventory_find_host(inv, "app1"));
	assert_true(json_is_true(json_object_get(v, "east")));
	assert_int_equal(json_integer_value(json_object_get(v, "top")), 1);
	json_decref(v);
	assert_non_null(inventory_find_host(inv, "fe80::1"));
	list = inventory_list_json(inv);
	py_json_dump(&out, list);
	assert_non_null(strstr(out.buf, "\"ungrouped\": {\n        \"hosts\": [\n            \"loner\",\n            \"alpha\"\n"));
	json_decref(list);
	buf_reset(&out);
	assert_int_equal(inventory_graph(inv, "app", 0, &out, &err), 0);
	assert_string_equal(out.buf, "@app:\n  |--@app_east:\n  |  |--app1\n  |--app1\n  |--app2\n  |--fe80::1\n");
	assert_int_equal(inventory_graph(inv, "nope", 0, &out, &err), -1);
	buf_release(&out);
	buf_release(&err);
	inventory_free(inv);
}

static void test_sources(void **state)
{
	struct inventory *inv = load_ok(FX "folder");
	json_t *v;

	(void)state;
	assert_int_equal(inventory_host_count(inv), 2);
	v = inventory_host_vars(inv, inventory_find_host(inv, "f1host"));
	assert_int_equal(json_integer_value(json_object_get(v, "fv")), 1);
	json_decref(v);
	inventory_free(inv);
	inv = load_ok(FX "script/inv.sh");
	assert_string_equal(json_string_value(json_object_get(inventory_find_host(inv, "sh3")->vars, "who")), "sh3");
	v = inventory_host_vars(inv, inventory_find_host(inv, "sh1"));
	assert_int_equal(json_integer_value(json_object_get(v, "gv")), 1);
	json_decref(v);
	inventory_free(inv);
	inv = load_ok("a.example.com,b:2200, ,");
	assert_int_equal(inventory_host_count(inv), 2);
	assert_int_equal(json_integer_value(json_object_get(inventory_find_host(inv, "b")->vars, "ansible_port")), 2200);
	inventory_free(inv);
}

static void test_errors(void **state)
{
	(void)state;
	load_fails(FX "bad/badline.ini", "badline.ini:3: Expected key=value host variable assignment, got: is");
	load_fails(FX "bad/badrange.ini", "badrange.ini:2: host range must specify end value");
	load_fails(FX "bad/undefined.ini", "undefined.ini:5: Section [ghost:vars] not valid for undefined group: ghost");
	load_fails(FX "bad/bad.yml", "bad.yml:4:1: ");
	load_fails(FX "does-not-exist", "Unable to parse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_yaml_and_list),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
