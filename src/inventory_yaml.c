/*
 * YAML (and JSON) inventories as Ansible's yaml plugin reads them:
 * top-level groups, each with optional hosts, children and vars.
 */
#include "inventory_int.h"

#include <string.h>

#include "xalloc.h"
#include "banned.h"

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "dict";
	case JSON_ARRAY: return "list";
	case JSON_STRING: return "str";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float";
	case JSON_TRUE: case JSON_FALSE: return "bool";
	default: return "NoneType";
	}
}

static int yaml_group(struct inventory *inv, const char *path, const char *name,
		      json_t *data, struct group **out, struct buf *err);

static int yaml_hosts(struct inventory *inv, const char *path, struct group *g,
		      json_t *hosts, struct buf *err)
{
	struct strvec names = STRVEC_INIT;
	const char *pat, *k;
	json_t *vars, *v;
	long port;
	size_t i;

	json_object_foreach(hosts, pat, vars) {
		if (!json_is_object(vars) && !json_is_null(vars)) {
			buf_setf(err, "%s: host '%s' in group '%s' needs a dictionary of vars, "
				 "found a %s", path, pat, g->name, type_name(vars));
			return -1;
		}
		if (inv_expand_hostpattern(pat, &names, &port, err) < 0) {
			char *msg = buf_detach(err, NULL);

			buf_setf(err, "%s: %s", path, msg);
			free(msg);
			return -1;
		}
		for (i = 0; i < names.nr; i++) {
			struct host *h = inv_add_host(inv, names.v[i], g, port);

			json_object_foreach(vars, k, v)
				inv_host_set_var(h, k, json_deep_copy(v));
		}
		strvec_clear(&names);
	}
	return 0;
}

static int yaml_section(struct inventory *inv, const char *path, struct group *g,
			const char *key, json_t *val, struct buf *err)
{
	struct group *kid;
	const char *k;
	json_t *v;

	if (!strcmp(key, "vars")) {
		json_object_foreach(val, k, v)
			inv_group_set_var(g, k, json_deep_copy(v));
		return 0;
	}
	if (!strcmp(key, "hosts"))
		return yaml_hosts(inv, path, g, val, err);
	json_object_foreach(val, k, v) {
		if (yaml_group(inv, path, k, v, &kid, err) < 0)
			return -1;
		if (kid && inv_add_child(g, kid, err) < 0)
			return -1;
	}
	return 0;
}

/* A bare string in hosts/children/vars means {string: null}. */
static json_t *section_value(json_t *v)
{
	if (json_is_string(v))
		return json_pack("{s:n}", json_string_value(v));
	return json_incref(v);
}

static int yaml_group_body(struct inventory *inv, const char *path, struct group *g,
			   json_t *data, struct buf *err)
{
	const char *key;
	json_t *raw, *val;
	int r = 0;

	json_object_foreach(data, key, raw) {
		int known = !strcmp(key, "vars") || !strcmp(key, "children") || !strcmp(key, "hosts");

		val = known ? section_value(raw) : json_incref(raw);
		if (known && !json_is_object(val) && !json_is_null(val)) {
			buf_setf(err, "%s: Invalid \"%s\" entry for \"%s\" group, requires a "
				 "dictionary, found \"%s\" instead.", path, key, g->name,
				 type_name(val));
			r = -1;
		} else if (!json_is_object(val) && !json_is_null(val)) {
			warning("Skipping key (%s) in group (%s) as it is not a mapping, it is a %s",
				key, g->name, type_name(val));
		} else if (!known && !json_is_null(val)) {
			warning("Skipping unexpected key (%s) in group (%s), only \"vars\", "
				"\"children\" and \"hosts\" are valid", key, g->name);
		} else if (json_is_object(val)) {
			r = yaml_section(inv, path, g, key, val, err);
		}
		json_decref(val);
		if (r < 0)
			return r;
	}
	return 0;
}

static int yaml_group(struct inventory *inv, const char *path, const char *name,
		      json_t *data, struct group **out, struct buf *err)
{
	*out = NULL;
	if (!json_is_object(data) && !json_is_null(data)) {
		warning("Skipping '%s' as this is not a valid group definition", name);
		return 0;
	}
	*out = inv_group(inv, name);
	return json_is_object(data) ? yaml_group_body(inv, path, *out, data, err) : 0;
}

int inventory_load_yaml(struct inventory *inv, const char *path, json_t *data,
			struct buf *err)
{
	struct group *g;
	const char *name;
	json_t *v;

	if (json_is_null(data) || (json_is_object(data) && !json_object_size(data))) {
		buf_setf(err, "%s: Parsed empty YAML file", path);
		return -1;
	}
	if (!json_is_object(data)) {
		buf_setf(err, "%s: YAML inventory has invalid structure, it should be a "
			 "dictionary, got: %s", path, type_name(data));
		return -1;
	}
	if (json_is_true(json_object_get(data, "plugin")) ||
	    json_is_string(json_object_get(data, "plugin"))) {
		buf_setf(err, "%s: Plugin configuration YAML file, not YAML inventory", path);
		return -1;
	}
	json_object_foreach(data, name, v)
		if (yaml_group(inv, path, name, v, &g, err) < 0)
			return -1;
	return 0;
}
