#ifndef DROVER_REPORT_H
#define DROVER_REPORT_H

#include <jansson.h>

#include "buf.h"
#include "strvec.h"

/*
 * What a run leaves behind, fed by one stream of events: the run records
 * (records.h), --output json (Ansible's json callback document), --junit
 * FILE (one testcase per host x task), --log FILE (Ansible's log_path
 * lines) and --quiet's summary. Every result is redacted once here
 * (no_log, _ansible_no_log, known secret values) before any of them sees
 * it, and the caller displays the redacted copy too.
 *
 * A run:
 *	r = report_open(&opts, err);
 *	report_play(r, "webservers");                    (adhoc: once)
 *	report_task(r, "install nginx", "apt", no_log);  (each task)
 *	shown = report_result(r, host, "ok", result, -1); (each host's result)
 *	...
 *	report_finish(r, exit_code, err);
 *	report_free(r);
 */
struct report;

struct report_opts {
	const char *kind;                  /* "adhoc" or "play" */
	int argc;                          /* the command line, recorded redacted */
	char *const *argv;
	const struct strvec *inventories;  /* inventory sources (recorded with checksums) */
	const char *playbook;              /* NULL for adhoc */
	int check_mode;
	const char *records_path;          /* --records; NULL: records_default_path() */
	int no_records;                    /* --no-records */
	int output_json;                   /* --output json: the document on stdout at the end */
	const char *junit_path;            /* --junit FILE ("-": stdout) */
	const char *log_path;              /* --log FILE */
	int quiet;                         /* --quiet: one recap line per host at the end */
	int recap;                         /* the same lines on stderr under a "RECAP"
					      banner (adhoc without a terminal: stdout
					      stays as Ansible's) */
	int no_log;                        /* every result hidden (ANSIBLE_NO_LOG) */
};

/*
 * Opens the records file, the log and the writers; NULL with a message in
 * err (the caller stops before anything runs). The run's row is written
 * with its first result, when every secret added by then is masked in the
 * recorded command line: add secrets right after opening.
 */
struct report *report_open(const struct report_opts *opts, struct buf *err);
/* Frees r (without finishing it: a run cut short stays unfinished in the records). */
void report_free(struct report *r);

/* Masks s wherever it appears from now on (a password, a passphrase). Ignored when short. */
void report_add_secret(struct report *r, const char *s);
/* Masks every value held under a secret-looking key in vars (-e, host vars). */
void report_add_secrets(struct report *r, json_t *vars);

/* A play starts. */
void report_play(struct report *r, const char *name);
/* A task starts; no_log hides all its results. Returns the task's index in the run. */
int report_task(struct report *r, const char *name, const char *action, int no_log);

/*
 * One host's result for the current task. status: ok, changed, failed,
 * skipped, unreachable, rescued or ignored ("ok" with changed true in the
 * result counts as "changed"). A loop's result carries its items in
 * "results" (each with _ansible_item_label or item): each item is recorded
 * as its own row. duration in seconds, < 0 for "since the task started".
 * Returns the redacted result for display (new reference).
 */
json_t *report_result(struct report *r, const char *host, const char *status, json_t *result,
		      double duration);

/* result as it may be shown (secrets masked, no_log honoured), not recorded. New reference. */
json_t *report_redact(struct report *r, json_t *result);

/* Adds a line of text to the log only (warnings, the play's own display). */
void report_log(struct report *r, const char *text);

/* Host -> counts (ok, changed, unreachable, failures, skipped, rescued, ignored). Borrowed. */
json_t *report_stats(struct report *r);
/* Adds n to one count of a host (e.g. a play moving a failure to "rescued"). */
void report_stats_add(struct report *r, const char *host, const char *key, int n);
/*
 * A rescue caught host's failure (play.c, as its block ends): the recap
 * counts it rescued, not failed, and so do the records (that result's
 * status becomes "rescued"), the JUnit case and the --on-failure summary.
 */
void report_rescued(struct report *r, const char *host);
/* 1 when any host failed or was unreachable. */
int report_any_failed(const struct report *r);
/* The record's id (0 without records). */
long long report_run_id(const struct report *r);

/*
 * The run's summary (for --on-failure): run id, kind, command, exit code,
 * stats, failed and unreachable hosts, each failure's task and msg. New reference.
 */
json_t *report_summary(struct report *r, int exit_code);

/*
 * Ends the run: the records' recap and exit code, the JSON document on
 * stdout, the JUnit file, the log's recap, --quiet's summary lines.
 * Returns 0, or -1 with err (the first thing that could not be written).
 */
int report_finish(struct report *r, int exit_code, struct buf *err);

/*
 * Replays a run read back with records_get() into r (a report opened with
 * no_records): how `drover runs export` writes JSON and JUnit.
 */
void report_replay(struct report *r, json_t *run);

/* "host : ok=1 changed=0 ..." as Ansible's recap line (no colour). New string. */
char *report_recap_line(const char *host, json_t *counts);

#endif
