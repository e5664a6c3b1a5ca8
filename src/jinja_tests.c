/*
 * Jinja's and Ansible's tests ("x is defined", "r is failed", "v is
 * version('1.2', '>=')"), by name.
 */
#include "jinja_filters.h"

#include <string.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

static int t_defined(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	(void)err;
	return input != NULL;
}

static int t_undefined(json_t *input, const struct jinja_call *call, struct buf *err)
{
	(void)call;
	(void)err;
	return input == NULL;
}

static const struct jf_test tests[] = {
	{ "defined", t_defined },
	{ "undefined", t_undefined },
};

jinja_test_fn jinja_test_find(const char *name)
{
	size_t i;

	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if (!strcmp(tests[i].name, name))
			return tests[i].fn;
	return NULL;
}
