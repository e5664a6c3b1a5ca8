#ifndef DROVER_RUNOPTS_H
#define DROVER_RUNOPTS_H

#include <getopt.h>

#include "buf.h"
#include "report.h"

/*
 * The options every run takes (adhoc and play alike) for what it leaves
 * behind and for cron: --records PATH, --no-records, --output json (and
 * adhoc's older --json), --junit FILE, --log FILE, --quiet, --lock[=FILE],
 * --on-failure CMD. A command puts RUNOPTS_LONG_OPTIONS in its getopt
 * table, hands every option to runopts_take first, and brackets the run
 * with runopts_begin and runopts_end.
 */
struct run_opts {
	const char *records;
	int no_records;
	int output_json;
	const char *junit;
	const char *log;
	int quiet;
	int lock;               /* --lock given */
	const char *lock_file;  /* --lock=FILE; NULL: the state directory's run.lock */
	const char *on_failure;
};

enum {
	RUNOPT_RECORDS = 1000, RUNOPT_NO_RECORDS, RUNOPT_OUTPUT, RUNOPT_JSON, RUNOPT_JUNIT,
	RUNOPT_LOG, RUNOPT_QUIET, RUNOPT_LOCK, RUNOPT_LOCK_FILE, RUNOPT_ON_FAILURE,
};

#define RUNOPTS_LONG_OPTIONS                                                   \
	{ "records", required_argument, NULL, RUNOPT_RECORDS },                \
	{ "no-records", no_argument, NULL, RUNOPT_NO_RECORDS },                \
	{ "output", required_argument, NULL, RUNOPT_OUTPUT },                  \
	{ "json", no_argument, NULL, RUNOPT_JSON },                            \
	{ "junit", required_argument, NULL, RUNOPT_JUNIT },                    \
	{ "log", required_argument, NULL, RUNOPT_LOG },                        \
	{ "quiet", no_argument, NULL, RUNOPT_QUIET },                          \
	{ "lock", optional_argument, NULL, RUNOPT_LOCK },                      \
	{ "lock-file", required_argument, NULL, RUNOPT_LOCK_FILE },            \
	{ "on-failure", required_argument, NULL, RUNOPT_ON_FAILURE }

#define RUNOPTS_USAGE                                                                   \
	"                    [--output json] [--junit FILE] [--log FILE] [--quiet]\n"      \
	"                    [--records PATH | --no-records] [--lock[=FILE]]\n"            \
	"                    [--on-failure CMD]\n"

/*
 * Takes option c if it is one of these. Returns 1 (taken), 0 (not one of
 * these), or -1 with err (a bad value).
 */
int runopts_take(struct run_opts *ro, int c, const char *arg, struct buf *err);

/* Whether per-host results are shown as they come (not with --quiet or --output json). */
int runopts_live_output(const struct run_opts *ro);

/*
 * Fills the report options that come from ro (records, json, junit, log,
 * quiet; and no_log from ANSIBLE_NO_LOG).
 */
void runopts_report(const struct run_opts *ro, struct report_opts *rep);

/*
 * Before anything runs: takes the --lock. Returns 0 with *lock_fd set (-1
 * without --lock), or the exit code to stop with after printing why:
 * RUNGUARD_EXIT_LOCKED (75) when another run holds the lock, 1 on an error.
 */
int runopts_lock(const struct run_opts *ro, int *lock_fd);

/*
 * After the run: report_finish (a failure to write is a warning), then
 * --on-failure when a host failed or was unreachable (its own failure is a
 * warning too). Returns exit_code unchanged. Frees nothing.
 */
int runopts_end(const struct run_opts *ro, struct report *r, int exit_code);

#endif
