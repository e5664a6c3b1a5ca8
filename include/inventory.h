#ifndef DROVER_INVENTORY_H
#define DROVER_INVENTORY_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

/*
 * The inventory: hosts, groups and their variables, loaded from INI or YAML
 * files, folders of them, executable inventory scripts, or "a,b," host lists,
 * plus group_vars/ and host_vars/ beside each source. Semantics follow
 * ansible-inventory: 'all' and 'ungrouped' always exist; group variables
 * merge by depth (parents before children), then group priority, then name;
 * host variables win over group variables.
 */
struct inventory;

struct host {
	char *name;          /* inventory_hostname */
	size_t index;        /* position in inventory order */
	json_t *vars;        /* the host's own vars (host line, host_vars/); owned */
};

struct inventory *inventory_new(void);
void inventory_free(struct inventory *inv);

/*
 * The vault passwords for vaulted group_vars/host_vars files (borrowed: s
 * must outlive the loading). Without them such a file is an error; inline
 * !vault values stay {"__ansible_vault": ...} nodes either way, as in
 * ansible-inventory, for whoever uses them to decrypt (vault_decrypt_tree).
 */
struct vault_secrets;
void inventory_set_vault_secrets(struct inventory *inv, const struct vault_secrets *s);

/*
 * Adds one source (file, folder, executable script, or comma list).
 * Returns 0, or -1 with a message in err ("file:line: ..." for parse errors).
 */
int inventory_load(struct inventory *inv, const char *source, struct buf *err);

/*
 * After the last source: groups with no parent go under 'all' and hosts in
 * no group under 'ungrouped', once, as Ansible does after all its sources
 * (so group order matches ansible-inventory with several -i).
 */
void inventory_finish(struct inventory *inv);

/*
 * Ansible's implicit localhost: when a pattern names localhost or 127.0.0.1
 * and the inventory has no such host, it still matches one, reached with
 * ansible_connection=local, in no group and matched by no glob. Returns the
 * host (the inventory's own when it has one).
 */
struct host *inventory_implicit_localhost(struct inventory *inv, const char *name);

size_t inventory_host_count(const struct inventory *inv);
struct host *inventory_host(const struct inventory *inv, size_t i);
struct host *inventory_find_host(const struct inventory *inv, const char *name);

/*
 * All variables of a host as Ansible sees them from the inventory: group vars
 * merged in precedence order, then the host's own, plus inventory_hostname,
 * inventory_hostname_short and group_names. Returns a new reference.
 */
json_t *inventory_host_vars(const struct inventory *inv, const struct host *h);

/*
 * Resolves an Ansible host pattern (all, *, globs, ~regex, a:b, a,b, a:&b,
 * a:!b, group[0], group[1:3]) to hosts in inventory order.
 * *hosts is a new array the caller frees (not the hosts). Returns 0, or -1
 * with a message in err (e.g. a bad regex). No match is not an error.
 */
int inventory_select(const struct inventory *inv, const char *pattern,
		     struct host ***hosts, size_t *nr, struct buf *err);
/*
 * Narrows a selection by --limit (a pattern, or @file with one per line).
 */
int inventory_limit(const struct inventory *inv, const char *limit,
		    struct host ***hosts, size_t *nr, struct buf *err);

/* The `groups` variable: group name → names of all its hosts. New reference. */
json_t *inventory_groups(const struct inventory *inv);

/*
 * add_host / group_by: adds a host (if new) and puts it in group (created
 * under all if new; NULL: none). Returns the host.
 */
struct host *inventory_add_host(struct inventory *inv, const char *name, const char *group);
/* group_by's parents: makes child a child of parent (both created if new). */
void inventory_add_group_parent(struct inventory *inv, const char *child, const char *parent);

/* ansible-inventory --list shape. Returns a new reference. */
json_t *inventory_list_json(const struct inventory *inv);
/* ansible-inventory --graph [GROUP] text, appended to out. Returns 0 or -1 (unknown group). */
int inventory_graph(const struct inventory *inv, const char *group, int with_vars,
		    struct buf *out, struct buf *err);

#endif
