/*
 * Variables as a task sees them. Ansible's precedence, lowest first, as
 * drover implements it (README "Variable precedence"):
 *   role defaults, inventory (group vars by depth, then host vars, with
 *   group_vars/ and host_vars/), facts, play vars, vars_files, role vars,
 *   block and task vars (include params among them), include_vars,
 *   set_fact and registered results, role params, extra vars (-e).
 * Then the magic variables: hostvars, groups, play_hosts, omit, ...
 */
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "play_int.h"
#include "report.h"
#include "vault.h"
#include "yamlload.h"
#include "xalloc.h"
#include "banned.h"

struct hoststate *run_hoststate(struct run *run, struct host *h)
{
	struct hoststate *hs;

	if (h->index >= run->nr_hosts) {
		size_t n = run->nr_hosts;

		ALLOC_GROW(run->hosts, h->index + 1, run->alloc_hosts);
		memset(run->hosts + n, 0, (h->index + 1 - n) * sizeof(*run->hosts));
		run->nr_hosts = h->index + 1;
	}
	if (!(hs = run->hosts[h->index])) {
		hs = xcalloc(1, sizeof(*hs));
		hs->h = h;
		hs->inv_vars = inventory_host_vars(run->inv, h);
		hs->facts = json_object();
		hs->inc_vars = json_object();
		hs->host_vars = json_object();
		run->hosts[h->index] = hs;
	}
	return hs;
}

json_t *vars_short_facts(json_t *facts)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach(facts, key, v)
		json_object_set(out, strncmp(key, "ansible_", 8) ? key : key + 8, v);
	return out;
}

/* Everything but hostvars and the magic variables. */
static json_t *base_vars(struct play_run *pr, struct hoststate *hs, json_t *task)
{
	json_t *v = json_copy(pr->role_defaults); /* values are shared, never changed in place */
	json_t *tvars = task ? json_object_get(task, "__vars") : NULL;

	json_object_update(v, hs->inv_vars);
	json_object_update(v, hs->facts);
	json_object_set_new(v, "ansible_facts", vars_short_facts(hs->facts));
	json_object_update(v, pr->play_vars);
	json_object_update(v, pr->role_vars);
	if (tvars)
		json_object_update(v, tvars);
	json_object_update(v, hs->inc_vars);
	json_object_update(v, hs->host_vars);
	/* role parameters outrank set_fact and registered results, as in Ansible */
	if (task && json_is_object(json_object_get(task, "__params")))
		json_object_update(v, json_object_get(task, "__params"));
	json_object_update(v, pr->run->o->extra_vars);
	return v;
}

static json_t *host_names(struct hoststate **v, size_t nr, int active_only)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < nr; i++)
		if (!active_only || host_active(v[i]))
			json_array_append_new(out, json_string(v[i]->h->name));
	return out;
}

static json_t *tag_list(const struct strvec *sv)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < sv->nr; i++)
		json_array_append_new(out, json_string(sv->v[i]));
	return out;
}

static json_t *magic_vars(struct play_run *pr)
{
	const struct play_opts *o = pr->run->o;
	json_t *m = json_object();

	json_object_set_new(m, "groups", inventory_groups(pr->run->inv));
	json_object_set_new(m, "ansible_play_hosts_all", host_names(pr->all, pr->nr_all, 0));
	json_object_set_new(m, "ansible_play_hosts", host_names(pr->all, pr->nr_all, 1));
	json_object_set_new(m, "ansible_play_batch", host_names(pr->batch, pr->nr_batch, 1));
	json_object_set(m, "play_hosts", json_object_get(m, "ansible_play_batch"));
	json_object_set_new(m, "ansible_play_name", json_incref(json_object_get(pr->play, "name")) ?:
			    json_incref(json_object_get(pr->play, "hosts")));
	json_object_set_new(m, "playbook_dir", json_string(pr->dir));
	json_object_set_new(m, "ansible_check_mode", json_boolean(o->check));
	json_object_set_new(m, "ansible_diff_mode", json_boolean(o->diff));
	json_object_set_new(m, "ansible_run_tags", o->tags.nr ? tag_list(&o->tags) : json_pack("[s]", "all"));
	json_object_set_new(m, "ansible_skip_tags", tag_list(&o->skip_tags));
	json_object_set_new(m, "ansible_forks", json_integer(o->forks));
	json_object_set_new(m, "omit", json_string(pr->run->omit));
	json_object_set_new(m, "ansible_version",
			    json_pack("{s:s, s:i, s:i, s:i, s:s}", "full", "2.14.0", "major", 2, "minor",
				      14, "revision", 0, "string", "2.14.0"));
	return m;
}

json_t *vars_prepare_task(struct play_run *pr, json_t *task, struct hostlist *l)
{
	json_t *all = json_array(), *hostvars = json_object();
	/* slot[h] = 1 + h's place in l: its variables are built once, with the task's */
	size_t *slot = xcalloc(pr->run->nr_hosts + 1, sizeof(*slot)), i;

	json_decref(pr->magic);
	pr->magic = magic_vars(pr);
	for (i = 0; i < l->nr; i++) {
		slot[l->v[i]->h->index] = i + 1;
		json_array_append_new(all, base_vars(pr, l->v[i], task));
	}
	for (i = 0; i < pr->run->nr_hosts; i++) {
		struct hoststate *hs = pr->run->hosts[i];

		if (slot[i])
			json_object_set(hostvars, hs->h->name, json_array_get(all, slot[i] - 1));
		else if (hs)
			json_object_set_new(hostvars, hs->h->name, base_vars(pr, hs, NULL));
	}
	free(slot);
	json_decref(pr->hostvars);
	pr->hostvars = hostvars;
	for (i = 0; i < l->nr; i++) {
		json_t *v = json_copy(json_array_get(all, i));

		json_object_update(v, pr->magic);
		json_object_set(v, "hostvars", hostvars);
		if (json_object_get(task, "__role")) {
			json_object_set(v, "role_name", json_object_get(task, "__role"));
			json_object_set(v, "role_path", json_object_get(task, "__role_path"));
		}
		json_array_set_new(all, i, v);
	}
	return all;
}

json_t *vars_for_host(struct play_run *pr, struct hoststate *hs, json_t *task)
{
	struct hostlist l = { 0 };
	json_t *all, *v;

	hostlist_add(&l, hs);
	all = vars_prepare_task(pr, task, &l);
	v = json_incref(json_array_get(all, 0));
	json_decref(all);
	hostlist_release(&l);
	return v;
}

int vars_unvault(const struct play_opts *o, json_t *v, struct buf *err)
{
	const char *key;
	json_t *plain;

	if (!o->vault || !o->vault->nr || !(json_is_object(v) || json_is_array(v)))
		return 0;
	if (vault_decrypt_tree_cached(v, o->vault, o->vault_cache, err) < 0)
		return -1;
	if (o->report)
		json_object_foreach(o->vault_cache, key, plain)
			report_add_secret(o->report, json_string_value(plain));
	return 0;
}

json_t *vars_load_file(const struct play_opts *o, const char *path, struct buf *err)
{
	json_t *data = NULL;
	int r = o->vault ? vault_yaml_load_file(path, o->vault, &data, err) :
			   yaml_load_file(path, &data, err);

	if (r < 0)
		return NULL;
	if (json_is_null(data)) {
		json_decref(data);
		return json_object();
	}
	if (!json_is_object(data)) {
		buf_setf(err, "%s: a vars file must hold a mapping", path);
		json_decref(data);
		return NULL;
	}
	if (vars_unvault(o, data, err) < 0) {
		buf_addf(err, " (in %s)", path);
		json_decref(data);
		return NULL;
	}
	return data;
}
