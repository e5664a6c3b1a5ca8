#ifndef DROVER_RECORDS_H
#define DROVER_RECORDS_H

#include <jansson.h>

#include "buf.h"
#include "strvec.h"

/*
 * Run records: every adhoc and play run in an embedded SQLite database
 * (default statedir "records.db"; see records_default_path). WAL mode,
 * file mode 0600, a busy timeout so that concurrent runs all get
 * recorded. Each result is its own transaction, committed when it is
 * written, so a controller killed with SIGKILL leaves every result it had
 * received. Nothing secret is stored: callers pass a redacted command line
 * and redacted results (report.c does both).
 *
 * Tables: runs (one row per run), tasks (run_id, idx, play, name, action),
 * results (one row per host x task x loop item), recap (one row per host).
 */
struct records;

/*
 * The records file to use: path if given, else $DROVER_RECORDS, else the
 * state directory's records.db. Returns a new string.
 */
char *records_default_path(const char *path);

/* Opens (creating it and its schema when missing). NULL with a message in err. */
struct records *records_open(const char *path, struct buf *err);
/* Closes; accepts NULL. */
void records_close(struct records *rec);

struct records_run {
	const char *kind;                  /* "adhoc" or "play" */
	const char *command;               /* redacted command line */
	const struct strvec *inventories;  /* inventory sources; files get a sha256 */
	const char *playbook;              /* NULL for adhoc; gets a sha256 */
	int check_mode;                    /* --check: results are drift */
};

/* Starts the run's row (time, user, controller host, pid). Returns 0 or -1 with err. */
int records_run_begin(struct records *rec, const struct records_run *run, struct buf *err);
/* The current run's id (0 before records_run_begin). */
long long records_run_id(const struct records *rec);

/* A task of the current run: idx counts from 0 over the whole run. */
int records_task(struct records *rec, int idx, const char *play, const char *name,
		 const char *action, struct buf *err);

struct records_result {
	const char *host;
	int task_idx;
	const char *task_name;
	const char *item;      /* loop item label, or NULL */
	const char *status;    /* ok changed failed skipped unreachable rescued ignored */
	json_t *result;        /* the (redacted) result; rc, msg and diff are taken from it */
	double duration;       /* seconds */
};

/* One result, committed at once. Returns 0 or -1 with err. */
int records_result(struct records *rec, const struct records_result *res, struct buf *err);

/*
 * A rescue caught host's failure: its latest failed result (every failed
 * item of that task) becomes "rescued", as the recap counts it. 0 or -1 with err.
 */
int records_rescued(struct records *rec, const char *host, struct buf *err);

/* Ends the current run: end time, exit code, recap (host -> counts, as Ansible's stats). */
int records_run_end(struct records *rec, int exit_code, json_t *recap, struct buf *err);

/* ---- queries (records_query.c) ---- */

/*
 * The newest runs first, as an array of objects (id, kind, start, end,
 * user, controller, command, exit_code, hosts, failed_hosts). limit 0: all;
 * failed_only: runs whose exit code is not 0 (or that never ended).
 */
json_t *records_list(struct records *rec, int limit, int failed_only, struct buf *err);

/* The newest run's id, 0 when there is none. */
long long records_last(struct records *rec, struct buf *err);

/*
 * One run: its row's fields, "tasks" [{idx, play, name, action}],
 * "results" [{host, task_idx, task_name, item, status, rc, duration, msg,
 * diff, result}], "recap" {host: counts}. NULL with err when there is no such run.
 */
json_t *records_get(struct records *rec, long long id, struct buf *err);

/*
 * Deletes all but the newest keep runs (keep >= 0), or (keep < 0) the
 * runs that started more than older_than seconds ago. Returns the number
 * deleted, or -1 with err.
 */
long long records_prune(struct records *rec, long long keep, long long older_than, struct buf *err);

/* "2026-11-26T12:34:56.123456Z" for a realtime clock value. New string. */
char *records_time_text(double t);
/* Seconds since the epoch, from the realtime clock. */
double records_now(void);

#endif
