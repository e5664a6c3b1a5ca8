#ifndef DROVER_CLI_H
#define DROVER_CLI_H

#include "config.h"
#include "strvec.h"

/*
 * What every command that runs against an inventory shares: loading the
 * inventory sources (or ansible.cfg's, or /etc/ansible/hosts), the -v
 * notes about the configuration, and number arguments.
 */
struct inventory;

/* Loads sources (or the configured ones) into inv. Returns 0, or -1 after printing the error. */
int cli_load_inventory(struct inventory *inv, const struct strvec *sources,
		       const struct config *cfg);

/* At -v, as Ansible: which file was read, and what drover did not use. */
void cli_note_config(const struct config *cfg, int verbosity);

/* A whole number from 0 to 1000000. Returns 0, or -1. */
int cli_number(const char *s, int *out);

#endif
