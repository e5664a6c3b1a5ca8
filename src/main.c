#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "banned.h"

#define DROVER_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "adhoc", cmd_adhoc, "run one module on hosts matching a pattern" },
	{ "inventory", cmd_inventory, "show the inventory (--list, --graph, --host)" },
	{ "play", cmd_play, "run Ansible playbooks" },
	{ "runs", cmd_runs, "the run records: list, show, last, export, prune" },
	{ "drift", cmd_drift, "what a --check run found would change" },
	{ "cron", cmd_cron, "schedule runs with cron: add, list, remove" },
	{ "vault", cmd_vault, "encrypt, decrypt, view, edit, create, rekey Ansible Vault files" },
	{ "doc", cmd_doc, "show a module's options and examples (--list: every module)" },
};

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: drover COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(fp, "\n'drover COMMAND --help' tells more.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 5;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("drover %s\n", DROVER_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ERROR! unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 5;
}
