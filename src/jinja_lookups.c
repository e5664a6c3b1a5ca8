/*
 * Lookups on the controller: lookup('env', 'HOME'), lookup('file', ...),
 * lookup('pipe', ...) and the others, each returning a list.
 */
#include "jinja_filters.h"

#include <stdlib.h>
#include <string.h>

#include "jinja_filters_int.h"
#include "xalloc.h"
#include "banned.h"

static json_t *l_env(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	size_t i;
	const char *v;

	json_array_foreach(call->args, i, term) {
		if (!json_is_string(term)) {
			buf_setf(err, "lookup('env'): the variable name must be a string");
			json_decref(out);
			return NULL;
		}
		v = getenv(json_string_value(term));
		json_array_append_new(out, json_string(v ? v : ""));
	}
	return out;
}

static const struct jf_lookup lookups[] = {
	{ "env", l_env },
};

jinja_lookup_fn jinja_lookup_find(const char *name)
{
	size_t i;

	if (!strncmp(name, "ansible.builtin.", 16))
		name += 16;
	for (i = 0; i < ARRAY_SIZE(lookups); i++)
		if (!strcmp(lookups[i].name, name))
			return lookups[i].fn;
	return NULL;
}
