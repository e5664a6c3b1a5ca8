/*
 * drover inventory: ansible-inventory's --list, --graph and --host.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "inventory.h"
#include "pytext.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

enum inv_action { INV_NONE, INV_LIST, INV_GRAPH, INV_HOST };

struct inv_opts {
	struct strvec sources;
	enum inv_action action;
	const char *host, *group, *output;
	int with_vars;
	struct vault_secrets vault; /* for vault-encrypted group_vars/host_vars files */
};

static const char inv_usage[] =
	"usage: drover inventory [-i INVENTORY]... (--list | --graph [GROUP] [--vars] |\n"
	"                        --host NAME) [--output FILE]\n"
	"                        [--vault-password-file FILE] [--vault-id [ID@]SOURCE] [-J]\n";

static int set_action(struct inv_opts *o, enum inv_action a)
{
	if (o->action != INV_NONE && o->action != a) {
		fprintf(stderr, "ERROR! Conflicting options used, only one of --host, --graph "
				"or --list can be used at the same time.\n");
		return -1;
	}
	o->action = a;
	return 0;
}

static int vault_option(struct inv_opts *o, int c, const char *arg)
{
	struct buf err = BUF_INIT;
	int r = vault_secrets_add(&o->vault, c == 'J' ? "ask-vault-pass" : c == 'P' ?
				  "vault-password-file" : "vault-id", arg, &err);

	if (r < 0)
		fprintf(stderr, "ERROR! %s\n", err.buf);
	buf_release(&err);
	return r;
}

/* Returns 0, 1 for --help, -1 for bad options, -2 for a vault password that failed. */
static int parse_opts(struct inv_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "inventory", required_argument, NULL, 'i' }, { "list", no_argument, NULL, 'L' },
		{ "graph", no_argument, NULL, 'G' },    { "host", required_argument, NULL, 'H' },
		{ "vars", no_argument, NULL, 'V' },
		{ "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
		{ "vault-password-file", required_argument, NULL, 'P' },
		{ "vault-pass-file", required_argument, NULL, 'P' },
		{ "vault-id", required_argument, NULL, 'I' },
		{ "ask-vault-pass", no_argument, NULL, 'J' },
		{ "ask-vault-password", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+i:Jh", longopts, NULL)) != -1) {
		if ((c == 'i'))
			strvec_push(&o->sources, optarg);
		else if (c == 'L' || c == 'G' || c == 'H') {
			if (set_action(o, c == 'L' ? INV_LIST : c == 'G' ? INV_GRAPH : INV_HOST) < 0)
				return -1;
			if (c == 'H')
				o->host = optarg;
		} else if (c == 'V')
			o->with_vars = 1;
		else if (c == 'o')
			o->output = optarg;
		else if (c == 'P' || c == 'I' || c == 'J') {
			if (vault_option(o, c, optarg) < 0)
				return -2;
		} else
			return c == 'h' ? 1 : -1;
	}
	if (optind < argc && o->action == INV_GRAPH)
		o->group = argv[optind++];
	if (optind < argc || o->action == INV_NONE)
		return -1;
	return 0;
}

static int load_sources(struct inventory *inv, struct inv_opts *o, struct buf *err)
{
	struct config cfg;
	size_t i;
	int r, from_cfg = !o->sources.nr;

	config_init(&cfg);
	r = config_load(&cfg, err);
	for (i = 0; r == 0 && from_cfg && i < cfg.inventory.nr; i++)
		strvec_push(&o->sources, cfg.inventory.v[i]);
	if (r == 0 && !o->sources.nr)
		strvec_push(&o->sources, "/etc/ansible/hosts");
	if (r == 0)
		r = vault_secrets_add_config(&o->vault, &cfg, err);
	config_release(&cfg);
	inventory_set_vault_secrets(inv, &o->vault);
	for (i = 0; r == 0 && i < o->sources.nr; i++)
		r = inventory_load(inv, o->sources.v[i], err);
	if (r == 0)
		inventory_finish(inv);
	return r;
}

/* --host: the one host the pattern names, as ansible-inventory requires. */
static int show_host(struct inventory *inv, const char *name, struct buf *out, struct buf *err)
{
	struct host **hosts = NULL;
	size_t nr = 0;
	json_t *vars;
	const char *drop[] = { "inventory_hostname", "inventory_hostname_short", "group_names",
			       "inventory_file", "inventory_dir" };
	size_t i;

	if (inventory_select(inv, name, &hosts, &nr, err) < 0)
		return -1;
	if (nr != 1) {
		free(hosts);
		buf_setf(err, "You must pass a single valid host to --host parameter");
		return -5; /* an options error, as ansible-inventory has it */
	}
	vars = inventory_host_vars(inv, hosts[0]);
	for (i = 0; i < ARRAY_SIZE(drop); i++)
		json_object_del(vars, drop[i]);
	py_json_dump(out, vars);
	json_decref(vars);
	free(hosts);
	return 0;
}

static int write_output(const char *path, const struct buf *out, struct buf *err)
{
	FILE *fp = path ? fopen(path, "w") : stdout;

	if (!fp) {
		buf_setf(err, "Unable to write to destination file (%s)", path);
		return -1;
	}
	fwrite(out->buf, 1, out->len, fp);
	fputc('\n', fp);
	if (path)
		fclose(fp);
	return 0;
}

static int run(struct inventory *inv, struct inv_opts *o, struct buf *out, struct buf *err)
{
	json_t *list;

	if (o->action == INV_HOST)
		return show_host(inv, o->host, out, err);
	if (o->action == INV_GRAPH) {
		if (inventory_graph(inv, o->group, o->with_vars, out, err) < 0)
			return -1;
		buf_rtrim(out);
		return 0;
	}
	list = inventory_list_json(inv);
	py_json_dump(out, list);
	json_decref(list);
	return 0;
}

int cmd_inventory(int argc, char **argv)
{
	struct inv_opts o = { .sources = STRVEC_INIT, .vault = VAULT_SECRETS_INIT };
	struct inventory *inv = inventory_new();
	struct buf out = BUF_INIT, err = BUF_INIT;
	int r = parse_opts(&o, argc, argv), code = 0;

	if (r != 0) {
		if (r != -2)
			fputs(inv_usage, r > 0 ? stdout : stderr);
		code = r > 0 ? 0 : r == -2 ? 1 : 5;
		goto out;
	}
	if (load_sources(inv, &o, &err) < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		code = 4;
		goto out;
	}
	r = run(inv, &o, &out, &err);
	if (r < 0 || write_output(o.output, &out, &err) < 0) {
		if (r == -5)
			fputs(inv_usage, stderr);
		fprintf(stderr, "ERROR! %s\n", err.buf);
		code = r == -5 ? 5 : 1;
	}
out:
	strvec_clear(&o.sources);
	vault_secrets_release(&o.vault);
	inventory_free(inv);
	buf_release(&out);
	buf_release(&err);
	return code;
}
