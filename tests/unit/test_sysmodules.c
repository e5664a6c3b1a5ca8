/* The system modules: descriptors and option specs (the scripts' headers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kv.h"
#include "module.h"
#include "banned.h"

static json_t *checked(const char *module, const char *args, struct buf *err)
{
	const struct module *m = module_find(module);
	json_t *parsed, *out;

	assert_non_null(m);
	parsed = kv_parse(args, m->free_form, err);
	assert_non_null(parsed);
	out = module_check_args(m, parsed, err);
	json_decref(parsed);
	return out;
}

static void aliases_share_scripts(void **state)
{
	(void)state;
	assert_string_equal(module_find("yum")->script, "dnf");
	assert_string_equal(module_find("ansible.builtin.systemd")->script, "service");
	assert_string_equal(module_find("systemd_service")->script, "service");
	assert_ptr_equal(module_find("ansible.posix.mount"), module_find("mount"));
	assert_ptr_equal(module_find("ansible.posix.sysctl"), module_find("sysctl"));
	assert_ptr_equal(module_find("community.general.ufw"), NULL);
	assert_non_null(module_find("ansible.builtin.wait_for_connection"));
}

static void reboot_defaults(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("reboot", "", &err);

	(void)state;
	assert_non_null(a);
	assert_int_equal(json_integer_value(json_object_get(a, "reboot_timeout")), 600);
	assert_int_equal(json_integer_value(json_object_get(a, "post_reboot_delay")), 0);
	assert_string_equal(json_string_value(json_object_get(a, "test_command")), "whoami");
	json_decref(a);
	assert_null(checked("reboot", "reboot_timeout=soon", &err));
	assert_string_equal(err.buf, "argument 'reboot_timeout' is of type str and we were unable "
				     "to convert to int");
	buf_release(&err);
}

static void apt_lists_and_bools(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("apt", "name=a,b update_cache=yes", &err);

	(void)state;
	assert_non_null(a);
	assert_true(json_is_array(json_object_get(a, "name")));
	assert_true(json_is_true(json_object_get(a, "update_cache")));
	assert_string_equal(json_string_value(json_object_get(a, "state")), "present");
	json_decref(a);
	assert_null(checked("apt", "name=a cache_valid_time=soon", &err));
	buf_release(&err);
}

static void required_options(void **state)
{
	struct buf err = BUF_INIT;

	(void)state;
	assert_null(checked("user", "shell=/bin/sh", &err));
	assert_string_equal(err.buf, "missing required arguments: name");
	assert_null(checked("cron", "job=ls", &err));
	assert_string_equal(err.buf, "missing required arguments: name");
	assert_null(checked("mount", "path=/x", &err));
	assert_string_equal(err.buf, "missing required arguments: state");
	assert_null(checked("group", "name=g bogus=1", &err));
	assert_non_null(strstr(err.buf, "Unsupported parameters for (group) module: bogus"));
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aliases_share_scripts),
		cmocka_unit_test(reboot_defaults),
		cmocka_unit_test(apt_lists_and_bools),
		cmocka_unit_test(required_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
