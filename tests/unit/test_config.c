#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "banned.h"

#define FX "tests/unit/fixtures/config/"

static const char *const env_names[] = { "ANSIBLE_CONFIG", "ANSIBLE_FORKS", "ANSIBLE_INVENTORY",
					 "ANSIBLE_HOST_KEY_CHECKING", "ANSIBLE_TIMEOUT",
					 "ANSIBLE_REMOTE_USER", NULL };

static int clean_env(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; env_names[i]; i++)
		unsetenv(env_names[i]);
	setenv("HOME", "/nonexistent-home", 1);
	return 0;
}

static void test_defaults(void **state)
{
	struct config cfg;
	struct buf err = BUF_INIT;

	(void)state;
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, &err), 0);
	assert_int_equal(cfg.forks, 25);
	assert_int_equal(cfg.host_key_checking, 1);
	assert_int_equal(cfg.timeout, 10);
	config_release(&cfg);
	buf_release(&err);
}

static void test_file_and_env(void **state)
{
	struct config cfg;
	struct buf err = BUF_INIT;

	(void)state;
	setenv("ANSIBLE_CONFIG", FX "ansible.cfg", 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, &err), 0);
	assert_string_equal(cfg.path, FX "ansible.cfg");
	assert_int_equal(cfg.forks, 7);
	assert_string_equal(cfg.remote_user, "deploy");
	assert_int_equal(cfg.host_key_checking, 0);
	assert_int_equal(cfg.timeout, 33);
	assert_int_equal(cfg.inventory.nr, 2);
	assert_string_equal(cfg.inventory.v[0], "tests/unit/fixtures/config/hosts");
	assert_string_equal(cfg.inventory.v[1], "/nonexistent-home/other");
	assert_string_equal(cfg.ssh_args, "-o ControlMaster=auto");
	assert_true(strvec_contains(&cfg.unknown, "defaults.bogus"));
	config_release(&cfg);

	setenv("ANSIBLE_FORKS", "3", 1);
	setenv("ANSIBLE_HOST_KEY_CHECKING", "yes", 1);
	setenv("ANSIBLE_INVENTORY", "a,b", 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, &err), 0);
	assert_int_equal(cfg.forks, 3);
	assert_int_equal(cfg.host_key_checking, 1);
	assert_int_equal(cfg.inventory.nr, 2);
	assert_string_equal(cfg.inventory.v[1], "b");
	config_release(&cfg);
	buf_release(&err);
	clean_env(NULL);
}

static void test_bad(void **state)
{
	struct config cfg;
	struct buf err = BUF_INIT;

	(void)state;
	setenv("ANSIBLE_CONFIG", FX "bad.cfg", 1);
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, &err), -1);
	assert_non_null(strstr(err.buf, "bad.cfg:2: invalid integer for forks: 'many'"));
	config_release(&cfg);
	buf_release(&err);
	clean_env(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_and_env),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, clean_env, NULL);
}
