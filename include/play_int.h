#ifndef DROVER_PLAY_INT_H
#define DROVER_PLAY_INT_H

/*
 * The play engine's insides, shared by play.c (plays, batches, blocks,
 * handlers), task.c (one task on many hosts), actions.c (actions run on
 * the controller), vars.c (variables) and play_output.c (what is printed).
 */
#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "keypass.h"
#include "output.h"
#include "play.h"

struct inventory;
struct host;
struct executor;

struct host_stats {
	int ok, changed, unreachable, failed, skipped, rescued, ignored;
};

/* A host as the run knows it, across plays. */
struct hoststate {
	struct host *h;
	json_t *inv_vars;    /* inventory variables (cached) */
	json_t *facts;       /* ansible_* facts from setup and cacheable set_fact */
	json_t *inc_vars;    /* include_vars: this run only, below set_fact */
	json_t *host_vars;   /* set_fact, register: this run only */
	json_t *failure;     /* {task, result} of its last failure, for a rescue */
	unsigned failed : 1;      /* out of the play (failed) */
	unsigned unreachable : 1;
	unsigned ended : 1;       /* meta: end_host, or end_play for this play */
	unsigned seen : 1;        /* ran in some play: shown in the recap */
	unsigned gathered : 1;    /* facts gathered in this run (gathering = smart) */
	struct host_stats stats;
};

/* The whole run. */
struct run {
	const struct play_opts *o;
	struct inventory *inv;
	struct executor *ex;
	struct output out;
	json_t *session_keys;       /* conn → executor key */
	struct hoststate **hosts;   /* by inventory index, created as met */
	size_t nr_hosts, alloc_hosts;
	int start_found;            /* --start-at-task reached */
	int interrupted;
	int failed_setup;           /* a play could not start (bad vars_files, pattern) */
	char omit[64];              /* the omit placeholder */
	struct keypass keys;        /* passphrases of encrypted key files */
	json_t *copy_plain;         /* vaulted copy sources, decrypted once (transfer.h) */
};

/* One play. */
struct play_run {
	struct run *run;
	json_t *play;
	const char *dir;            /* playbook_dir */
	char *banner;               /* the play's name as PLAY [...] shows it */
	json_t *play_vars;          /* vars + vars_files */
	json_t *role_defaults, *role_vars;
	json_t *handlers;           /* normalized handler tasks */
	json_t *notified;           /* handler index (text) → {host: true} */
	struct hoststate **all;     /* the play's hosts */
	size_t nr_all;
	struct hoststate **batch;   /* the current serial batch */
	size_t nr_batch;
	json_t *magic;              /* groups, play_hosts, ...: set at each task */
	json_t *hostvars;           /* the current task's hostvars */
	int end_play;
	int any_errors_fatal;
	double max_fail_pct;        /* -1: not set */
	json_t *serial;             /* the rendered serial keyword, or NULL */
	int rescuable;              /* depth of blocks with a rescue being run */
};

/* A list of hosts a task or block runs on. */
struct hostlist {
	struct hoststate **v;
	size_t nr, alloc;
};
void hostlist_add(struct hostlist *l, struct hoststate *hs);
void hostlist_release(struct hostlist *l);
/* Whether hs still takes part (not failed, unreachable or ended). */
int host_active(const struct hoststate *hs);

/* vars.c */
/* The run's state of inventory host h, created when first met. */
struct hoststate *run_hoststate(struct run *run, struct host *h);
/*
 * Prepares the variables of a task on the hosts of l: pr->magic (groups,
 * play_hosts, ...) and pr->hostvars. Returns each host's variables in l's
 * order (an array, new reference), in Ansible's precedence.
 */
json_t *vars_prepare_task(struct play_run *pr, json_t *task, struct hostlist *l);
/* The variables of one host for a task, hostvars and magic included. New reference. */
json_t *vars_for_host(struct play_run *pr, struct hoststate *hs, json_t *task);
/*
 * Opens the vaulted values of v in place (nothing to do without vault
 * passwords); every plaintext becomes a secret the report masks.
 * Returns 0, or -1 with err set.
 */
int vars_unvault(const struct play_opts *o, json_t *v, struct buf *err);
/* A YAML vars file (vaulted or not, with !vault values), as a mapping. New reference or NULL. */
json_t *vars_load_file(const struct play_opts *o, const char *path, struct buf *err);
/* ansible_facts shape of hs's facts (names without ansible_). New reference. */
json_t *vars_short_facts(json_t *facts);

/* task.c */
/* Runs one task on the active hosts of l (and handlers' tasks likewise). */
void task_run(struct play_run *pr, json_t *task, struct hostlist *l);
/* A task's loop items for a host's variables (new reference), or NULL with err. */
json_t *task_loop_items(struct play_run *pr, json_t *task, json_t *vars, struct buf *err);
/* Whether a task is selected by --tags/--skip-tags. */
int task_tags_match(const struct play_opts *o, json_t *task);

/* actions.c: the outcome of an internal action, as a module result */
json_t *action_run(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
		   json_t *vars, struct buf *err);
/* The job for the template action: rendered content as a copy. NULL with err. */
json_t *action_template_args(struct play_run *pr, json_t *task, json_t *args, json_t *vars,
			     struct buf *err);

/* play_output.c */
void out_banner(struct run *run, const char *kind, const char *name);
void out_host_result(struct run *run, const char *host, const char *status, json_t *result,
		     json_t *task, const char *item_label);
void out_retry(struct run *run, const char *host, const char *task_name, int left);
void out_ignoring(struct run *run);
void out_recap(struct run *run);
void out_error(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_warning(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The name a task shows: its templated name, or its action. Caller frees. */
char *task_display_name(json_t *task, json_t *vars);

#endif
