#include "extravars.h"

#include <string.h>

#include "kv.h"
#include "yamlload.h"
#include "banned.h"

int extravars_add(json_t *vars, const char *arg, struct buf *err)
{
	json_t *v = NULL;
	int r;

	if (arg[0] == '@')
		r = yaml_load_file(arg + 1, &v, err);
	else if (arg[0] == '{' || arg[0] == '[')
		r = yaml_load_string("extra vars", arg, strlen(arg), &v, err);
	else
		r = (v = kv_parse(arg, 0, err)) ? 0 : -1;
	if (r < 0)
		return -1;
	if (!json_is_object(v)) {
		buf_setf(err, "extra vars '%s' are not a mapping of names to values", arg);
		json_decref(v);
		return -1;
	}
	json_object_update(vars, v);
	json_decref(v);
	return 0;
}
