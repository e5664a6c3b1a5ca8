/* The playbook loader: normalization, inheritance, roles, and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "playbook.h"

#define FX "tests/fixtures/play/"

static json_t *load(const char *file, struct buf *err)
{
	json_t *plays = json_array();

	if (playbook_load(file, NULL, plays, err) < 0) {
		json_decref(plays);
		return NULL;
	}
	return plays;
}

static json_t *section(json_t *plays, size_t play, size_t sec)
{
	return json_array_get(json_object_get(json_array_get(plays, play), "__sections"), sec);
}

static void tasks_are_normalized(void **state)
{
	struct buf err = BUF_INIT;
	json_t *plays = load(FX "basics.yml", &err), *tasks, *t;

	(void)state;
	assert_non_null(plays);
	tasks = section(plays, 0, 1);
	assert_int_equal(json_array_size(tasks), 12);
	t = json_array_get(tasks, 1);
	assert_string_equal(json_string_value(json_object_get(t, "__action")), "shell");
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "__args"), "_raw_params")),
			    "echo {{ greeting }} > {{ out }}.txt");
	assert_string_equal(json_string_value(json_object_get(t, "__where")), FX "basics.yml:13:7");
	/* when is always a list; with_* and loop alike become loop */
	t = json_array_get(tasks, 6);
	assert_true(json_is_array(json_object_get(t, "when")));
	assert_null(json_object_get(json_object_get(t, "__args"), "__drover_pos__"));
	json_decref(plays);
	buf_release(&err);
}

static void blocks_pass_keywords_down(void **state)
{
	struct buf err = BUF_INIT;
	json_t *plays = load(FX "blocks.yml", &err), *block, *inner;

	(void)state;
	assert_non_null(plays);
	block = json_array_get(section(plays, 0, 1), 0);
	assert_non_null(json_object_get(block, "__block"));
	assert_int_equal(json_array_size(json_object_get(block, "__rescue")), 1);
	inner = json_array_get(json_object_get(block, "__always"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(inner, "notify"), 0)),
			    "note it");
	assert_int_equal(json_array_size(json_object_get(json_array_get(plays, 0), "__handlers")), 2);
	json_decref(plays);
	buf_release(&err);
}

static void roles_expand_dependencies_first(void **state)
{
	struct buf err = BUF_INIT;
	json_t *plays = load(FX "roles.yml", &err), *tasks, *play;

	(void)state;
	assert_non_null(plays);
	play = json_array_get(plays, 0);
	tasks = section(plays, 0, 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tasks, 0), "__role")), "base");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tasks, 1), "__role")), "web");
	/* role params reach the role's tasks as parameters (above set_fact) */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(tasks, 1),
									    "__params"), "http_port")), 8080);
	/* import_tasks is expanded in place */
	assert_string_equal(json_string_value(json_object_get(json_array_get(tasks, 2), "name")),
			    "imported task");
	assert_string_equal(json_string_value(json_object_get(json_object_get(play, "__role_defaults"),
								 "base_marker")), "from-base");
	assert_string_equal(json_string_value(json_object_get(json_object_get(play, "__role_vars"),
								 "config_name")), "web.conf");
	json_decref(plays);
	buf_release(&err);
}

static void errors_name_the_place(void **state)
{
	struct buf err = BUF_INIT;

	(void)state;
	assert_null(load(FX "bad-keyword.yml", &err));
	assert_non_null(strstr(err.buf, "bad-keyword.yml:4:7: 'becom' is not a valid attribute for a "
					"Task (did you mean 'become'?)"));
	assert_non_null(strstr(err.buf, "\n    - name: typo in a keyword\n      ^ here"));
	assert_null(load(FX "bad-module.yml", &err));
	assert_non_null(strstr(err.buf, "couldn't resolve module/action 'comand' (did you mean 'command'?)"));
	assert_null(load(FX "bad-yaml.yml", &err));
	assert_non_null(strstr(err.buf, "bad-yaml.yml:5:"));
	assert_null(load(FX "no-such-file.yml", &err));
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tasks_are_normalized),
		cmocka_unit_test(blocks_pass_keywords_down),
		cmocka_unit_test(roles_expand_dependencies_first),
		cmocka_unit_test(errors_name_the_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
