#ifndef DROVER_EXECUTOR_H
#define DROVER_EXECUTOR_H

#include <jansson.h>
#include <stddef.h>

/*
 * The fork-based executor: up to `forks` worker processes, each running
 * jobs (see runner.h) one at a time and keeping the SSH sessions it opened.
 * Jobs carry a key (the host's index): a key's jobs go back to the worker
 * that holds its session, so a host keeps one session for the whole run.
 * A job waiting behind a worker stuck for more than a few seconds may be
 * taken by an idle one (which then opens its own session), so a hung host
 * never holds up the others. A worker that dies or outlives its job's
 * deadline costs only its job: that host fails, the rest go on.
 */
struct executor;

/*
 * Starts `forks` worker processes now. Call it early, before the inventory
 * is loaded: workers are forked from a small process, so each stays small.
 * A worker that dies is replaced later from the grown controller.
 */
struct executor *executor_new(int forks);

/* One job as the executor sees it: an opaque message for the runner. */
struct executor_job {
	char *msg;       /* the job's JSON text (see runner.h); owned by the caller */
	size_t key;      /* jobs with one key share a worker, and so a session */
	int deadline_s;  /* kill the worker after this many seconds; 0: never */
};

typedef void (*executor_result_fn)(size_t job, json_t *outcome, void *data);

/*
 * Runs jobs[0..nr); calls fn(i, outcome, data) as each finishes (outcome
 * is borrowed for the call). Returns 0, or -1 if SIGINT/SIGTERM arrived:
 * every worker has then been stopped and reaped, and the jobs not reported
 * never will be.
 */
int executor_run(struct executor *ex, const struct executor_job *jobs, size_t nr,
		 executor_result_fn fn, void *data);

/*
 * idle(data) is called between results (at least every second): it may
 * add jobs with executor_add(), and returns how many milliseconds to wait
 * for results before it is called again, or -1 when no job will come
 * any more.
 */
typedef long (*executor_idle_fn)(void *data);

/*
 * Runs jobs as they are added, from idle or from fn (a result may lead to
 * the next job): ends when every job added has been reported and idle
 * returns -1. Job numbers passed to fn are executor_add()'s. Returns as
 * executor_run does.
 */
int executor_run_open(struct executor *ex, executor_result_fn fn, executor_idle_fn idle,
		      void *data);

/*
 * Adds a job to the executor_run_open() in progress; job->msg stays the
 * caller's until its result is reported. Returns the job's number.
 */
size_t executor_add(struct executor *ex, const struct executor_job *job);

/* Ends the workers (closing their sessions) and frees ex. Accepts NULL. */
void executor_free(struct executor *ex);

#endif
