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
struct executor_job;
struct fiber;

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

/*
 * A task as its results will show it: its banner and the report's task.
 * In the free strategy they wait for the task's first result to show, as
 * Ansible's free strategy prints a banner again whenever the result to
 * print is another task's than the last one's.
 */
struct task_shown {
	char *kind, *name;
	char *action;        /* NULL: nothing to report (meta, include) */
	int no_log;
	const void *id;      /* which task: results of one id share a banner */
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
	struct task_shown *shown;   /* free strategy: the running host's task, else NULL */
	const void *shown_id;       /* the task whose banner was printed last */
	unsigned warned_free_fatal : 1, warned_free_pct : 1, warned_free_once : 1;
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
	/* free strategy: a host's own copy of its play, run by a fiber (play_free.c) */
	struct fiber *fiber;        /* NULL in the linear strategy */
	struct play_run *parent;    /* the play every host's copy shares */
	int start_found;            /* this host reached --start-at-task */
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
/* Which task a result belongs to, for the free strategy's banners. */
const void *task_identity(json_t *task);

/* actions.c: the outcome of an internal action, as a module result */
json_t *action_run(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
		   json_t *vars, struct buf *err);
/* The job for the template action: rendered content as a copy. NULL with err. */
json_t *action_template_args(struct play_run *pr, json_t *task, json_t *args, json_t *vars,
			     struct buf *err);

/* play_free.c */
/*
 * The free strategy: each host of batch runs walk(its own play_run, a
 * list of just itself) in a fiber of its own, up to forks at once; a
 * host's jobs go to the executor as soon as it has them, so no host waits
 * for another. Returns when every host is done (or the run interrupted).
 */
typedef void (*play_walk_fn)(struct play_run *pr, struct hostlist *one);
void free_run_batch(struct play_run *pr, struct hostlist *batch, play_walk_fn walk);
/*
 * Runs a task's jobs: executor_run() in the linear strategy; in a fiber,
 * they join the batch's executor run and the host waits for their
 * results. Returns 0, or -1 when the run was interrupted.
 */
int play_exec(struct play_run *pr, const struct executor_job *jobs, size_t nr,
	      void (*fn)(size_t job, json_t *outcome, void *data), void *data);
/* Waits ms milliseconds: in a fiber, without holding up the other hosts. */
void play_sleep_ms(struct play_run *pr, long ms);
/* A host ended the play (meta: end_play, a failure limit): every fiber ends it too. */
void free_end_play(struct fiber *f);

/* play_output.c */
void out_banner(struct run *run, const char *kind, const char *name);
/*
 * A task or handler starts: its banner and (with an action) the report's
 * task; in the free strategy both wait for its first result (out_task_due).
 */
void out_task(struct run *run, const char *kind, const char *name, const char *action, int no_log,
	      const void *id);
/* Before a result: the banner and report task the free strategy held back. */
void out_task_due(struct run *run);
void task_shown_release(struct task_shown *ts);
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
