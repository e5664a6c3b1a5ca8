#ifndef DROVER_PLAY_H
#define DROVER_PLAY_H

#include <jansson.h>

#include "connvars.h"
#include "strvec.h"

/*
 * The play engine: runs normalized plays (playbook.h) on the executor's
 * workers, with Ansible's linear strategy, variables, conditions, loops,
 * blocks, handlers and output.
 */
struct play_opts {
	const struct config *cfg;
	struct conn_defaults conn;
	json_t *extra_vars;        /* -e, highest precedence */
	const char *limit;         /* -l */
	struct strvec tags, skip_tags;
	const char *start_at_task;
	int check, diff;           /* -C, -D */
	int forks;
	int verbosity;
	int force_handlers;
	int task_timeout;          /* --task-timeout, seconds */
	int list_hosts, list_tasks, list_tags;
	const char *playbook;      /* for messages */
	struct report *report;     /* every result goes through it: records, JSON, JUnit, log */
	const struct vault_secrets *vault; /* opens !vault values and vaulted files */
	json_t *vault_cache;       /* vault text → plaintext, shared by the whole run */
	int live;                  /* print results as they come (not --quiet, --output json) */
	int adhoc;                 /* print as `drover adhoc` does: no banners, no recap */
	int one_line;              /* with adhoc: -o */
};

struct inventory;
struct executor;
struct vault_secrets;

/*
 * Runs plays against inv with workers from ex. Returns Ansible's exit code:
 * 0, 2 (a host failed), 4 (a host unreachable, none failed), 99 (interrupted).
 */
int play_run_all(json_t *plays, struct inventory *inv, struct executor *ex,
		 const struct play_opts *o);

#endif
