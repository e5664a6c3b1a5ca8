#ifndef DROVER_INVENTORY_INT_H
#define DROVER_INVENTORY_INT_H

/*
 * The inventory's insides, shared by src/inventory*.c and src/pattern.c only.
 */
#include "inventory.h"
#include "strvec.h"

struct group {
	char *name;
	json_t *vars;                 /* inventory vars; owned */
	int priority;                 /* ansible_group_priority, default 1 */
	int depth;                    /* 0 for all, parents + 1 otherwise */
	struct group **kids;
	size_t nr_kids, alloc_kids;
	struct group **parents;
	size_t nr_parents, alloc_parents;
	struct host **hosts;          /* direct members, in order added */
	size_t nr_hosts, alloc_hosts;
};

struct ihost {
	struct host h;
	char *source;                 /* inventory_file: first source naming it */
	struct group **groups;        /* direct groups */
	size_t nr_groups, alloc_groups;
	int implicit;                 /* the implicit localhost: in no group, no glob */
};

struct inventory {
	struct ihost **hosts;
	size_t nr_hosts, alloc_hosts;
	struct group **groups;        /* in creation order; all, ungrouped first */
	size_t nr_groups, alloc_groups;
	json_t *host_idx, *group_idx; /* name → index */
	json_t *vardirs;              /* per source: {"group": {...}, "host": {...}} */
	const char *current_source;
	const struct vault_secrets *vault; /* borrowed: opens vaulted vars files */
};

#define IHOST(hp) ((struct ihost *)(hp))

struct group *inv_find_group(const struct inventory *inv, const char *name);
/* Returns the group, creating it (under nothing yet) when missing. */
struct group *inv_group(struct inventory *inv, const char *name);
/* Returns the host, creating it with ansible_port = port (if > 0) when new. */
struct host *inv_add_host(struct inventory *inv, const char *name, struct group *g, long port);
int inv_add_child(struct group *parent, struct group *child, struct buf *err);
/* Both steal v. */
void inv_group_set_var(struct group *g, const char *key, json_t *v);
void inv_host_set_var(struct host *h, const char *key, json_t *v);
/* Puts every group under all and homeless hosts in ungrouped. */
void inv_reconcile(struct inventory *inv);

/*
 * Expands "web[01:03].example.com:2222" into names (appended) and *port
 * (0 if none). Returns 0, or -1 with a message for a bad range.
 */
int inv_expand_hostpattern(const char *pattern, struct strvec *names, long *port,
			   struct buf *err);
/* Ansible's parse_address() test: a host name, IPv4 or IPv6, ranges allowed. */
int inv_is_address(const char *s, long *port, char **host);

/*
 * All hosts of g and its descendants (Group.get_hosts order). *out is new,
 * the hosts are not.
 */
void inv_group_hosts(const struct group *g, struct host ***out, size_t *nr);

int inventory_load_ini(struct inventory *inv, const char *path, struct buf *err);
/* data is the loaded YAML/JSON document of path. */
int inventory_load_yaml(struct inventory *inv, const char *path, json_t *data,
			struct buf *err);
int inventory_load_script(struct inventory *inv, const char *path, struct buf *err);
/* Reads dir/group_vars and dir/host_vars for the source just loaded. */
int inventory_load_vardir(struct inventory *inv, const char *dir, struct buf *err);

#endif
