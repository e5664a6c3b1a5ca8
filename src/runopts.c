#include "runopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runguard.h"
#include "xalloc.h"
#include "banned.h"

int runopts_take(struct run_opts *ro, int c, const char *arg, struct buf *err)
{
	switch (c) {
	case RUNOPT_RECORDS: ro->records = arg; break;
	case RUNOPT_NO_RECORDS: ro->no_records = 1; break;
	case RUNOPT_OUTPUT:
		if (strcmp(arg, "json") && strcmp(arg, "text")) {
			buf_setf(err, "--output takes json or text, not '%s'", arg);
			return -1;
		}
		ro->output_json = !strcmp(arg, "json");
		break;
	case RUNOPT_JSON: ro->output_json = 1; break;
	case RUNOPT_JUNIT: ro->junit = arg; break;
	case RUNOPT_LOG: ro->log = arg; break;
	case RUNOPT_QUIET: ro->quiet = 1; break;
	case RUNOPT_LOCK: ro->lock = 1; ro->lock_file = arg; break;
	case RUNOPT_LOCK_FILE: ro->lock = 1; ro->lock_file = arg; break;
	case RUNOPT_ON_FAILURE: ro->on_failure = arg; break;
	default: return 0;
	}
	return 1;
}

int runopts_live_output(const struct run_opts *ro)
{
	return !ro->quiet && !ro->output_json;
}

static int env_true(const char *name)
{
	const char *v = getenv(name);

	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

void runopts_report(const struct run_opts *ro, struct report_opts *rep)
{
	rep->records_path = ro->records;
	rep->no_records = ro->no_records;
	rep->output_json = ro->output_json;
	rep->junit_path = ro->junit;
	rep->log_path = ro->log;
	rep->quiet = ro->quiet;
	rep->no_log = env_true("ANSIBLE_NO_LOG");
}

int runopts_lock(const struct run_opts *ro, int *lock_fd)
{
	struct buf err = BUF_INIT;
	int fd, r = 0;

	*lock_fd = -1;
	if (!ro->lock)
		return 0;
	fd = runguard_lock(ro->lock_file, &err);
	if (fd >= 0)
		*lock_fd = fd;
	else
		fprintf(stderr, "ERROR! %s\n", err.buf);
	if (fd == RUNGUARD_BUSY)
		r = RUNGUARD_EXIT_LOCKED;
	else if (fd < 0)
		r = 1;
	buf_release(&err);
	return r;
}

int runopts_end(const struct run_opts *ro, struct report *r, int exit_code)
{
	struct buf err = BUF_INIT;
	json_t *summary;

	if (report_finish(r, exit_code, &err) < 0)
		warning("%s", err.buf);
	if (ro->on_failure && report_any_failed(r)) {
		summary = report_summary(r, exit_code);
		buf_reset(&err);
		if (runguard_on_failure(ro->on_failure, summary, &err) < 0)
			warning("%s", err.buf);
		json_decref(summary);
	}
	buf_release(&err);
	return exit_code;
}
