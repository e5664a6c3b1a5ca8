/*
 * The inventory's data model: hosts, groups, their relations and variables,
 * and the two ansible-inventory views of it (--list JSON, --graph text).
 */
#include "inventory_int.h"

#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "xalloc.h"
#include "banned.h"

static struct group *group_new(const char *name)
{
	struct group *g = xcalloc(1, sizeof(*g));

	g->name = xstrdup(name);
	g->vars = json_object();
	g->priority = 1;
	return g;
}

static void group_free(struct group *g)
{
	if (!g)
		return;
	free(g->name);
	json_decref(g->vars);
	free(g->kids);
	free(g->parents);
	free(g->hosts);
	free(g);
}

static void ihost_free(struct ihost *ih)
{
	if (!ih)
		return;
	free(ih->h.name);
	json_decref(ih->h.vars);
	free(ih->source);
	free(ih->groups);
	free(ih);
}

void inventory_set_vault_secrets(struct inventory *inv, const struct vault_secrets *s)
{
	inv->vault = s;
}

struct inventory *inventory_new(void)
{
	struct inventory *inv = xcalloc(1, sizeof(*inv));

	inv->host_idx = json_object();
	inv->group_idx = json_object();
	inv->vardirs = json_array();
	inv_add_child(inv_group(inv, "all"), inv_group(inv, "ungrouped"), NULL);
	return inv;
}

void inventory_free(struct inventory *inv)
{
	size_t i;

	if (!inv)
		return;
	for (i = 0; i < inv->nr_hosts; i++)
		ihost_free(inv->hosts[i]);
	for (i = 0; i < inv->nr_groups; i++)
		group_free(inv->groups[i]);
	free(inv->hosts);
	free(inv->groups);
	json_decref(inv->host_idx);
	json_decref(inv->group_idx);
	json_decref(inv->vardirs);
	free(inv);
}

size_t inventory_host_count(const struct inventory *inv)
{
	return inv->nr_hosts;
}

struct host *inventory_host(const struct inventory *inv, size_t i)
{
	return i < inv->nr_hosts ? &inv->hosts[i]->h : NULL;
}

struct host *inventory_find_host(const struct inventory *inv, const char *name)
{
	json_t *i = json_object_get(inv->host_idx, name);

	return i ? &inv->hosts[json_integer_value(i)]->h : NULL;
}

struct group *inv_find_group(const struct inventory *inv, const char *name)
{
	json_t *i = json_object_get(inv->group_idx, name);

	return i ? inv->groups[json_integer_value(i)] : NULL;
}

struct group *inv_group(struct inventory *inv, const char *name)
{
	struct group *g = inv_find_group(inv, name);

	if (g)
		return g;
	g = group_new(name);
	ALLOC_GROW(inv->groups, inv->nr_groups + 1, inv->alloc_groups);
	json_object_set_new(inv->group_idx, name, json_integer(inv->nr_groups));
	inv->groups[inv->nr_groups++] = g;
	return g;
}

static int has_group(struct group *const *v, size_t nr, const struct group *g)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (v[i] == g)
			return 1;
	return 0;
}

static void group_add_host(struct group *g, struct host *h)
{
	struct ihost *ih = IHOST(h);

	if (has_group(ih->groups, ih->nr_groups, g))
		return;
	ALLOC_GROW(g->hosts, g->nr_hosts + 1, g->alloc_hosts);
	g->hosts[g->nr_hosts++] = h;
	ALLOC_GROW(ih->groups, ih->nr_groups + 1, ih->alloc_groups);
	ih->groups[ih->nr_groups++] = g;
}

static void group_remove_host(struct group *g, struct host *h)
{
	struct ihost *ih = IHOST(h);
	size_t i;

	for (i = 0; i < g->nr_hosts; i++)
		if (g->hosts[i] == h)
			memmove(g->hosts + i, g->hosts + i + 1, (--g->nr_hosts - i) * sizeof(h));
	for (i = 0; i < ih->nr_groups; i++)
		if (ih->groups[i] == g)
			memmove(ih->groups + i, ih->groups + i + 1,
				(--ih->nr_groups - i) * sizeof(g));
}

struct host *inv_add_host(struct inventory *inv, const char *name, struct group *g, long port)
{
	struct host *h = inventory_find_host(inv, name);
	struct ihost *ih;

	if (!h) {
		ih = xcalloc(1, sizeof(*ih));
		ih->h.name = xstrdup(name);
		ih->h.index = inv->nr_hosts;
		ih->h.vars = json_object();
		ih->source = inv->current_source ? xstrdup(inv->current_source) : NULL;
		if (port > 0)
			json_object_set_new(ih->h.vars, "ansible_port", json_integer(port));
		ALLOC_GROW(inv->hosts, inv->nr_hosts + 1, inv->alloc_hosts);
		json_object_set_new(inv->host_idx, name, json_integer(inv->nr_hosts));
		inv->hosts[inv->nr_hosts++] = ih;
		h = &ih->h;
	}
	if (g)
		group_add_host(g, h);
	return h;
}

static int is_ancestor(const struct group *g, const struct group *of)
{
	size_t i;

	for (i = 0; i < of->nr_parents; i++)
		if (of->parents[i] == g || is_ancestor(g, of->parents[i]))
			return 1;
	return 0;
}

static void fix_depth(struct group *g, int depth)
{
	size_t i;

	if (g->depth >= depth)
		return;
	g->depth = depth;
	for (i = 0; i < g->nr_kids; i++)
		fix_depth(g->kids[i], depth + 1);
}

int inv_add_child(struct group *parent, struct group *child, struct buf *err)
{
	if (parent == child || is_ancestor(child, parent)) {
		if (err)
			buf_setf(err, "Adding group '%s' as child to '%s' creates a recursive "
				 "dependency loop.", child->name, parent->name);
		return -1;
	}
	if (has_group(parent->kids, parent->nr_kids, child))
		return 0;
	ALLOC_GROW(parent->kids, parent->nr_kids + 1, parent->alloc_kids);
	parent->kids[parent->nr_kids++] = child;
	ALLOC_GROW(child->parents, child->nr_parents + 1, child->alloc_parents);
	child->parents[child->nr_parents++] = parent;
	fix_depth(child, parent->depth + 1);
	return 0;
}

/* Ansible's set_variable: a dict replaces a dict (hash_behaviour=replace). */
void inv_group_set_var(struct group *g, const char *key, json_t *v)
{
	if (!strcmp(key, "ansible_group_priority")) {
		if (json_is_integer(v))
			g->priority = (int)json_integer_value(v);
		else if (json_is_string(v))
			g->priority = atoi(json_string_value(v));
		json_decref(v);
		return;
	}
	json_object_set_new(g->vars, key, v);
}

void inv_host_set_var(struct host *h, const char *key, json_t *v)
{
	json_object_set_new(h->vars, key, v);
}

static int only_builtin_groups(const struct ihost *ih)
{
	size_t i;

	for (i = 0; i < ih->nr_groups; i++)
		if (strcmp(ih->groups[i]->name, "all") && strcmp(ih->groups[i]->name, "ungrouped"))
			return 0;
	return 1;
}

struct host *inventory_implicit_localhost(struct inventory *inv, const char *name)
{
	struct host *h = inventory_find_host(inv, name);

	if (h)
		return h;
	h = inv_add_host(inv, name, NULL, 0);
	IHOST(h)->implicit = 1;
	json_object_set_new(h->vars, "ansible_connection", json_string("local"));
	return h;
}

void inventory_finish(struct inventory *inv)
{
	inv_reconcile(inv);
}

void inv_reconcile(struct inventory *inv)
{
	struct group *all = inv_group(inv, "all"), *ungrouped = inv_group(inv, "ungrouped");
	size_t i;

	for (i = 0; i < inv->nr_groups; i++)
		if (inv->groups[i] != all && !inv->groups[i]->nr_parents)
			inv_add_child(all, inv->groups[i], NULL);
	for (i = 0; i < inv->nr_hosts; i++) {
		struct ihost *ih = inv->hosts[i];
		int in_ungrouped = has_group(ih->groups, ih->nr_groups, ungrouped);

		if (in_ungrouped && !only_builtin_groups(ih))
			group_remove_host(ungrouped, &ih->h);
		else if (!in_ungrouped && only_builtin_groups(ih))
			group_add_host(ungrouped, &ih->h);
	}
}

/* Breadth first from g, in child order: Group.get_descendants(include_self). */
static size_t descendants(const struct group *g, struct group ***out)
{
	struct group **v = NULL;
	size_t nr = 0, alloc = 0, i, k;

	ALLOC_GROW(v, 1, alloc);
	v[nr++] = (struct group *)g;
	for (i = 0; i < nr; i++)
		for (k = 0; k < v[i]->nr_kids; k++)
			if (!has_group(v, nr, v[i]->kids[k])) {
				ALLOC_GROW(v, nr + 1, alloc);
				v[nr++] = v[i]->kids[k];
			}
	*out = v;
	return nr;
}

void inv_group_hosts(const struct group *g, struct host ***out, size_t *nr)
{
	struct group **groups;
	size_t n = descendants(g, &groups), i, k, alloc = 0;
	json_t *seen = json_object();

	*out = NULL;
	*nr = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < groups[i]->nr_hosts; k++) {
			struct host *h = groups[i]->hosts[k];

			if (json_object_get(seen, h->name))
				continue;
			json_object_set_new(seen, h->name, json_true());
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = h;
		}
	json_decref(seen);
	free(groups);
}

/* The host's groups and all their ancestors, without 'all'. */
static size_t host_groups(const struct ihost *ih, struct group ***out)
{
	struct group **v = NULL;
	size_t nr = 0, alloc = 0, i, k;

	for (i = 0; i < ih->nr_groups; i++) {
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = ih->groups[i];
	}
	for (i = 0; i < nr; i++)
		for (k = 0; k < v[i]->nr_parents; k++)
			if (!has_group(v, nr, v[i]->parents[k])) {
				ALLOC_GROW(v, nr + 1, alloc);
				v[nr++] = v[i]->parents[k];
			}
	for (i = 0; i < nr; i++)
		if (!strcmp(v[i]->name, "all"))
			memmove(v + i, v + i + 1, (--nr - i) * sizeof(*v));
	*out = v;
	return nr;
}

/* sort_groups(): depth, then ansible_group_priority, then name. */
static int group_cmp(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a, *y = *(struct group *const *)b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* vars from every source's group_vars/NAME (kind "group") or host_vars/NAME. */
static void merge_file_vars(const struct inventory *inv, json_t *into, const char *kind,
			    const char *name)
{
	size_t i;
	json_t *dir, *v;

	json_array_foreach(inv->vardirs, i, dir) {
		v = json_object_get(json_object_get(dir, kind), name);
		if (v)
			json_object_update(into, v);
	}
}

static json_t *group_names_of(struct group **groups, size_t nr)
{
	json_t *names = json_array();
	size_t i;

	if (nr) /* an implicit host has no groups, and qsort(NULL) is undefined */
		qsort(groups, nr, sizeof(*groups), group_cmp);
	for (i = 0; i < nr; i++)
		json_array_append_new(names, json_string(groups[i]->name));
	return names;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *sorted_strings(json_t *arr)
{
	json_t **v = xcalloc(json_array_size(arr) + 1, sizeof(*v)), *out = json_array();
	size_t i, n = json_array_size(arr);

	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), name_cmp);
	for (i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static void add_magic_vars(const struct ihost *ih, json_t *vars, json_t *names)
{
	const char *name = ih->h.name, *dot = strchr(name, '.');
	int literal_ip = strspn(name, "0123456789.") == strlen(name) || strchr(name, ':');

	json_object_set_new(vars, "inventory_hostname", json_string(name));
	if (dot && !literal_ip)
		json_object_set_new(vars, "inventory_hostname_short",
				    json_stringn(name, dot - name));
	else
		json_object_set_new(vars, "inventory_hostname_short", json_string(name));
	json_object_set_new(vars, "group_names", sorted_strings(names));
	json_object_set_new(vars, "inventory_file",
			    ih->source ? json_string(ih->source) : json_null());
}

json_t *inventory_host_vars(const struct inventory *inv, const struct host *h)
{
	const struct ihost *ih = (const struct ihost *)h;
	json_t *vars = json_object(), *names;
	struct group **groups;
	size_t nr = host_groups(ih, &groups), i;

	json_object_update(vars, inv_find_group(inv, "all")->vars);
	names = group_names_of(groups, nr);
	for (i = 0; i < nr; i++)
		json_object_update(vars, groups[i]->vars);
	merge_file_vars(inv, vars, "group", "all");
	for (i = 0; i < nr; i++)
		merge_file_vars(inv, vars, "group", groups[i]->name);
	json_object_update(vars, h->vars);
	merge_file_vars(inv, vars, "host", h->name);
	add_magic_vars(ih, vars, names);
	json_decref(names);
	free(groups);
	names = json_deep_copy(vars); /* nothing shared with the inventory */
	json_decref(vars);
	return names;
}

/* Names inventory_host_vars adds that ansible-inventory leaves out. */
static const char *const magic_vars[] = { "inventory_hostname", "inventory_hostname_short",
					  "group_names", "inventory_file", "inventory_dir", NULL };

static json_t *host_list_vars(const struct inventory *inv, const struct host *h)
{
	json_t *vars = inventory_host_vars(inv, h);
	size_t i;

	for (i = 0; magic_vars[i]; i++)
		json_object_del(vars, magic_vars[i]);
	return vars;
}

static void list_group(const struct group *g, json_t *out)
{
	json_t *entry = json_object();
	size_t i;

	if (strcmp(g->name, "all") && g->nr_hosts) {
		json_t *hosts = json_array();

		for (i = 0; i < g->nr_hosts; i++)
			json_array_append_new(hosts, json_string(g->hosts[i]->name));
		json_object_set_new(entry, "hosts", hosts);
	}
	if (g->nr_kids) {
		json_t *kids = json_array();

		for (i = 0; i < g->nr_kids; i++)
			json_array_append_new(kids, json_string(g->kids[i]->name));
		json_object_set_new(entry, "children", kids);
	}
	if (json_object_size(entry))
		json_object_set(out, g->name, entry);
	json_decref(entry);
	for (i = 0; i < g->nr_kids; i++)
		list_group(g->kids[i], out);
}

json_t *inventory_list_json(const struct inventory *inv)
{
	json_t *out = json_object(), *hostvars = json_object(), *v;
	size_t i;

	list_group(inv_find_group(inv, "all"), out);
	for (i = 0; i < inv->nr_hosts; i++) {
		v = host_list_vars(inv, &inv->hosts[i]->h);
		if (json_object_size(v))
			json_object_set(hostvars, inv->hosts[i]->h.name, v);
		json_decref(v);
	}
	json_object_set_new(out, "_meta", json_pack("{s:o}", "hostvars", hostvars));
	return out;
}

static void graph_line(struct buf *out, int depth, const char *text)
{
	int i;

	for (i = 0; i < depth; i++)
		buf_addstr(out, "  |");
	if (depth)
		buf_addstr(out, "--");
	buf_addstr(out, text);
	buf_addch(out, '\n');
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void graph_vars(struct buf *out, int depth, json_t *vars)
{
	struct buf line = BUF_INIT;
	const char **keys = xcalloc(json_object_size(vars) + 1, sizeof(*keys));
	const char *k;
	json_t *v;
	size_t n = 0, i;

	json_object_foreach(vars, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), str_cmp);
	for (i = 0; i < n; i++) {
		buf_reset(&line);
		buf_addf(&line, "{%s = ", keys[i]);
		py_str(&line, json_object_get(vars, keys[i]));
		buf_addch(&line, '}');
		graph_line(out, depth, line.buf);
	}
	free(keys);
	buf_release(&line);
}

static json_t *group_graph_vars(const struct inventory *inv, const struct group *g)
{
	json_t *vars = json_deep_copy(g->vars);

	merge_file_vars(inv, vars, "group", g->name);
	if (g->priority != 1)
		json_object_set_new(vars, "ansible_group_priority", json_integer(g->priority));
	return vars;
}

static void graph_group(const struct inventory *inv, const struct group *g, int depth,
			int with_vars, struct buf *out)
{
	struct buf line = BUF_INIT;
	size_t i;
	json_t *v;

	buf_addf(&line, "@%s:", g->name);
	graph_line(out, depth, line.buf);
	buf_release(&line);
	for (i = 0; i < g->nr_kids; i++)
		graph_group(inv, g->kids[i], depth + 1, with_vars, out);
	for (i = 0; strcmp(g->name, "all") && i < g->nr_hosts; i++) {
		graph_line(out, depth + 1, g->hosts[i]->name);
		if (with_vars) {
			v = host_list_vars(inv, g->hosts[i]);
			graph_vars(out, depth + 2, v);
			json_decref(v);
		}
	}
	if (with_vars) {
		v = group_graph_vars(inv, g);
		graph_vars(out, depth + 1, v);
		json_decref(v);
	}
}

int inventory_graph(const struct inventory *inv, const char *group, int with_vars,
		    struct buf *out, struct buf *err)
{
	const struct group *g = inv_find_group(inv, group ? group : "all");

	if (!g) {
		buf_setf(err, "Pattern must be valid group name when using --graph");
		return -1;
	}
	graph_group(inv, g, 0, with_vars, out);
	return 0;
}

json_t *inventory_groups(const struct inventory *inv)
{
	json_t *out = json_object();
	size_t i, j, nr;
	struct host **hosts;

	for (i = 0; i < inv->nr_groups; i++) {
		json_t *names = json_array();

		inv_group_hosts(inv->groups[i], &hosts, &nr);
		for (j = 0; j < nr; j++)
			if (!IHOST(hosts[j])->implicit)
				json_array_append_new(names, json_string(hosts[j]->name));
		free(hosts);
		json_object_set_new(out, inv->groups[i]->name, names);
	}
	return out;
}

struct host *inventory_add_host(struct inventory *inv, const char *name, const char *group)
{
	struct host *h = inv_add_host(inv, name, group ? inv_group(inv, group) : NULL, 0);

	inv_reconcile(inv); /* a new group goes under all, a grouped host leaves ungrouped */
	return h;
}

void inventory_add_group_parent(struct inventory *inv, const char *child, const char *parent)
{
	struct group *p = inv_group(inv, parent);

	inv_add_child(p, inv_group(inv, child), NULL);
	inv_reconcile(inv);
}
