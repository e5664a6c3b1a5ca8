/*
 * One stream of run events, fanned out to the records, the JSON document,
 * the JUnit file and the log; see report.h.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "output.h"
#include "records.h"
#include "redact.h"
#include "report_int.h"
#include "xalloc.h"
#include "banned.h"

struct report {
	struct report_opts o;      /* pointers borrowed from the caller */
	char *command;             /* "drover ..." with secrets masked */
	struct records *rec;
	struct runlog *log;
	struct json_report *json;
	struct junit *junit;
	struct strvec secrets;
	json_t *stats;             /* host -> counts */
	json_t *failures;          /* [{host, task, status, msg}] */
	char *play, *task, *action;
	int task_idx, task_no_log;
	double task_start;
};

/* "RECAP " and these make Ansible's 80-column banner. */
#define STARS_74 "**************************************************************************"

static const char *const count_keys[] = {
	"ok", "changed", "unreachable", "failures", "skipped", "rescued", "ignored",
};

/* A records write failed: say so once and go on without them (the run matters more). */
static void records_broke(struct report *r, struct buf *err)
{
	warning("%s; the rest of this run is not recorded", err->buf);
	records_close(r->rec);
	r->rec = NULL;
	buf_reset(err);
}

static int open_records(struct report *r, struct buf *err)
{
	char *path = records_default_path(r->o.records_path);

	r->rec = records_open(path, err);
	free(path);
	return r->rec ? 0 : -1;
}

/*
 * The run's row is written with its first result (or its end), not at
 * open: by then every secret the run knows of (host variables, a
 * password) is masked in the command line, and no unmasked copy ever
 * reaches the file, even in a page SQLite later frees.
 */
static void begin_run(struct report *r)
{
	struct records_run run = { r->o.kind, NULL, r->o.inventories, r->o.playbook,
				   r->o.check_mode };
	struct buf err = BUF_INIT;
	char *command;

	if (!r->rec || records_run_id(r->rec))
		return;
	command = redact_text(r->command, &r->secrets);
	free(r->command);
	r->command = command;
	run.command = command;
	if (records_run_begin(r->rec, &run, &err) < 0 ||
	    (r->task && records_task(r->rec, r->task_idx, r->play, r->task, r->action, &err) < 0))
		records_broke(r, &err);
	buf_release(&err);
}

struct report *report_open(const struct report_opts *opts, struct buf *err)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct buf cmd = BUF_INIT;

	r->o = *opts;
	strvec_init(&r->secrets);
	r->stats = json_object();
	r->failures = json_array();
	r->task_idx = -1;
	buf_addstr(&cmd, "drover ");
	redact_cmdline(opts->argc, opts->argv, &cmd, &r->secrets);
	r->command = buf_detach(&cmd, NULL);
	if ((!opts->no_records && open_records(r, err) < 0) ||
	    (opts->log_path && !(r->log = runlog_open(opts->log_path, err)))) {
		report_free(r);
		return NULL;
	}
	if (opts->output_json)
		r->json = json_report_new();
	if (opts->junit_path)
		r->junit = junit_new();
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	records_close(r->rec);
	runlog_close(r->log);
	json_report_free(r->json);
	junit_free(r->junit);
	strvec_clear(&r->secrets);
	json_decref(r->stats);
	json_decref(r->failures);
	free(r->command);
	free(r->play);
	free(r->task);
	free(r->action);
	free(r);
}

void report_add_secret(struct report *r, const char *s)
{
	if (s && strlen(s) >= 3 && !strvec_contains(&r->secrets, s))
		strvec_push(&r->secrets, s);
}

void report_add_secrets(struct report *r, json_t *vars)
{
	redact_collect(vars, &r->secrets);
}

/* "TASK [name] *****": Ansible's banner, stars up to 80 columns (at least 3). */
static void log_text_banner(struct report *r, const char *text)
{
	struct buf line = BUF_INIT;
	size_t want = strlen(text) + 4 > 80 ? strlen(text) + 4 : 80;

	buf_addf(&line, "%s ", text);
	while (line.len < want)
		buf_addch(&line, '*');
	runlog_line(r->log, line.buf);
	buf_release(&line);
}

static void log_banner(struct report *r, const char *kind, const char *name)
{
	char *text = xasprintf("%s [%s]", kind, name);

	log_text_banner(r, text);
	free(text);
}

void report_play(struct report *r, const char *name)
{
	char *when = records_time_text(records_now());

	free(r->play);
	r->play = xstrdup(name);
	if (r->json) {
		json_report_task_end(r->json, when); /* the previous play's last task */
		json_report_play(r->json, name, when);
	}
	if (r->junit)
		junit_play(r->junit, name);
	if (strcmp(r->o.kind, "adhoc"))
		log_banner(r, "PLAY", name);
	free(when);
}

int report_task(struct report *r, const char *name, const char *action, int no_log)
{
	struct buf err = BUF_INIT;
	char *when;

	r->task_start = records_now();
	when = records_time_text(r->task_start);
	free(r->task);
	free(r->action);
	r->task = xstrdup(name);
	r->action = xstrdup(action ? action : name);
	r->task_no_log = no_log;
	r->task_idx++;
	if (r->json) {
		if (r->task_idx)
			json_report_task_end(r->json, when);
		json_report_task(r->json, name, when);
	}
	if (records_run_id(r->rec) &&
	    records_task(r->rec, r->task_idx, r->play, name, action, &err) < 0)
		records_broke(r, &err);
	if (strcmp(r->o.kind, "adhoc"))
		log_banner(r, "TASK", name);
	free(when);
	buf_release(&err);
	return r->task_idx;
}

void report_log(struct report *r, const char *text)
{
	runlog_line(r->log, text);
}

json_t *report_stats(struct report *r)
{
	return r->stats;
}

void report_stats_add(struct report *r, const char *host, const char *key, int n)
{
	json_t *c = json_object_get(r->stats, host);
	size_t i;

	if (!c) {
		c = json_object();
		for (i = 0; i < ARRAY_SIZE(count_keys); i++)
			json_object_set_new(c, count_keys[i], json_integer(0));
		json_object_set_new(r->stats, host, c);
	}
	json_object_set_new(c, key, json_integer(json_integer_value(json_object_get(c, key)) + n));
}

int report_any_failed(const struct report *r)
{
	return json_array_size(r->failures) > 0;
}

long long report_run_id(const struct report *r)
{
	return records_run_id(r->rec);
}

/* Ansible's stats: ok counts changed and ignored results too; a rescued failure is only rescued. */
static void count(struct report *r, const char *host, const char *status, json_t *shown)
{
	int ok = !strcmp(status, "ok") || !strcmp(status, "changed") || !strcmp(status, "ignored");

	report_stats_add(r, host, "ok", ok);
	if (!strcmp(status, "changed") ||
	    (!strcmp(status, "ignored") && json_is_true(json_object_get(shown, "changed"))))
		report_stats_add(r, host, "changed", 1);
	if (!strcmp(status, "failed"))
		report_stats_add(r, host, "failures", 1);
	else if (!ok)
		report_stats_add(r, host, !strcmp(status, "skipped") ? "skipped" : status, 1);
	if (!strcmp(status, "ignored"))
		report_stats_add(r, host, "ignored", 1);
	if (!strcmp(status, "failed") || !strcmp(status, "unreachable")) {
		json_t *msg = json_object_get(shown, "msg");

		json_array_append_new(r->failures, json_pack("{s:s, s:s, s:s, s:O?}", "host", host,
							     "task", r->task, "status", status,
							     "msg", json_is_string(msg) ? msg : NULL));
	}
}

static const char *item_status(json_t *item)
{
	if (json_is_true(json_object_get(item, "unreachable")))
		return "unreachable";
	if (json_is_true(json_object_get(item, "failed")))
		return "failed";
	if (json_is_true(json_object_get(item, "skipped")))
		return "skipped";
	return json_is_true(json_object_get(item, "changed")) ? "changed" : "ok";
}

/* A loop item's label: _ansible_item_label, else the item itself. New string. */
static char *item_label(json_t *item)
{
	json_t *label = json_object_get(item, "_ansible_item_label");

	if (!label)
		label = json_object_get(item, "item");
	if (!label)
		return xstrdup("None");
	if (json_is_string(label))
		return xstrdup(json_string_value(label));
	return json_dumps(label, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static void record_row(struct report *r, const char *host, const char *item, const char *status,
		       json_t *result, double duration)
{
	struct records_result row = { host, r->task_idx, r->task, item, status, result, duration };
	struct buf err = BUF_INIT;

	begin_run(r);
	if (r->rec && records_result(r->rec, &row, &err) < 0)
		records_broke(r, &err);
	buf_release(&err);
}

/* Every loop item is a row of its own; a result without items is one row. */
static void record(struct report *r, const char *host, const char *status, json_t *shown,
		   double duration)
{
	json_t *items = json_object_get(shown, "results"), *item;
	char *label;
	size_t i;

	if (!json_array_size(items)) {
		record_row(r, host, NULL, status, shown, duration);
		return;
	}
	json_array_foreach(items, i, item) {
		label = item_label(item);
		record_row(r, host, label, item_status(item), item, duration);
		free(label);
	}
}

/* The adhoc line the terminal shows (without colour). */
static void adhoc_log_text(struct report *r, const char *host, const char *status, json_t *shown,
			   struct buf *out)
{
	const struct module *m = module_find(r->action);
	struct output o;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (!fp)
		return;
	output_init(&o, fp, 0, 0);
	o.color = 0;
	output_adhoc_result(&o, host, m && m->no_json, status, shown);
	fclose(fp);
	buf_add(out, text, len);
	buf_rtrim(out);
	free(text);
}

/* A playbook's line: "changed: [host]", "fatal: [host]: FAILED! => {...}", ... */
static void play_log_text(const char *host, const char *status, json_t *shown, struct buf *out)
{
	struct output o = { NULL, 0, 0, 0 };

	if (!strcmp(status, "ok") || !strcmp(status, "changed")) {
		buf_addf(out, "%s: [%s]", status, host);
		return;
	}
	if (!strcmp(status, "skipped")) {
		buf_addf(out, "skipping: [%s]", host);
		return;
	}
	buf_addf(out, "fatal: [%s]: %s! => ", host,
		 strcmp(status, "unreachable") ? "FAILED" : "UNREACHABLE");
	output_dump_result(&o, shown, 0, out);
	if (!strcmp(status, "ignored"))
		buf_addstr(out, "\n...ignoring");
	else if (!strcmp(status, "rescued"))
		buf_addstr(out, "\n...rescued");
}

static void log_result(struct report *r, const char *host, const char *status, json_t *shown)
{
	struct buf text = BUF_INIT;

	if (!r->log)
		return;
	if (!strcmp(r->o.kind, "adhoc"))
		adhoc_log_text(r, host, status, shown, &text);
	else
		play_log_text(host, status, shown, &text);
	runlog_line(r->log, text.buf);
	buf_release(&text);
}

json_t *report_result(struct report *r, const char *host, const char *status, json_t *result,
		      double duration)
{
	json_t *shown = redact_result(result, r->o.no_log || r->task_no_log, &r->secrets);

	if (!status)
		status = "failed";
	if (!strcmp(status, "ok") && json_is_true(json_object_get(shown, "changed")))
		status = "changed";
	if (duration < 0)
		duration = records_now() - r->task_start;
	count(r, host, status, shown);
	record(r, host, status, shown, duration);
	log_result(r, host, status, shown);
	if (r->json)
		json_report_result(r->json, host, r->action, shown);
	if (r->junit)
		junit_case(r->junit, host, r->task ? r->task : "", status, shown, duration);
	return shown;
}

/* The host's newest entry of the failures list, or -1. */
static long last_failure(struct report *r, const char *host)
{
	size_t i = json_array_size(r->failures);

	while (i-- > 0)
		if (!strcmp(host, json_string_value(json_object_get(json_array_get(r->failures, i),
								    "host"))))
			return (long)i;
	return -1;
}

void report_rescued(struct report *r, const char *host)
{
	struct buf err = BUF_INIT;
	long i = last_failure(r, host);

	report_stats_add(r, host, "failures", -1);
	report_stats_add(r, host, "rescued", 1);
	if (i >= 0 && !strcmp(json_string_value(json_object_get(json_array_get(r->failures,
									      (size_t)i), "status")), "failed"))
		json_array_remove(r->failures, (size_t)i);
	if (records_run_id(r->rec) && records_rescued(r->rec, host, &err) < 0)
		records_broke(r, &err);
	if (r->junit)
		junit_rescued(r->junit, host);
	buf_release(&err);
}

json_t *report_summary(struct report *r, int exit_code)
{
	json_t *failed = json_array(), *unreachable = json_array(), *c, *summary;
	char *command = redact_text(r->command, &r->secrets);
	const char *host;

	json_object_foreach(r->stats, host, c) {
		if (json_integer_value(json_object_get(c, "unreachable")))
			json_array_append_new(unreachable, json_string(host));
		else if (json_integer_value(json_object_get(c, "failures")))
			json_array_append_new(failed, json_string(host));
	}
	summary = json_pack("{s:I, s:s, s:s, s:i, s:O, s:o, s:o, s:O}", "run_id",
			    (json_int_t)records_run_id(r->rec), "kind", r->o.kind, "command", command,
			    "exit_code", exit_code, "stats", r->stats, "failed_hosts", failed,
			    "unreachable_hosts", unreachable, "failures", r->failures);
	free(command);
	return summary;
}

char *report_recap_line(const char *host, json_t *counts)
{
	struct buf line = BUF_INIT;
	static const char *const shown[] = { "ok", "changed", "unreachable", "failed", "skipped",
					     "rescued", "ignored" };
	char num[32];
	size_t i;

	buf_addf(&line, "%-26s :", host);
	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(
			counts, i == 3 ? "failures" : shown[i])));
		buf_addf(&line, " %s=%-4s", shown[i], num);
	}
	return buf_detach(&line, NULL);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The recap lines, in host order, to the log and (--quiet) to stdout. */
static void recap(struct report *r)
{
	const char **hosts = xcalloc(json_object_size(r->stats) + 1, sizeof(*hosts));
	const char *host;
	json_t *c;
	size_t i, n = 0;
	char *line;

	json_object_foreach(r->stats, host, c)
		hosts[n++] = host;
	qsort(hosts, n, sizeof(*hosts), compare_names);
	if (r->log)
		log_text_banner(r, "PLAY RECAP");
	fflush(stdout);
	if (r->o.recap && !r->o.quiet && !r->o.output_json)
		fprintf(stderr, "\nRECAP %s\n", STARS_74);
	for (i = 0; i < n; i++) {
		line = report_recap_line(hosts[i], json_object_get(r->stats, hosts[i]));
		runlog_line(r->log, line);
		if (r->o.quiet)
			printf("%s\n", line);
		else if (r->o.recap && !r->o.output_json)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	fflush(stdout);
	free(hosts);
}

static void print_json(struct report *r)
{
	json_t *doc = json_report_doc(r->json, r->stats);

	json_dumpf(doc, stdout, JSON_INDENT(4) | JSON_SORT_KEYS);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(doc);
}

int report_finish(struct report *r, int exit_code, struct buf *err)
{
	char *when = records_time_text(records_now());
	struct buf scratch = BUF_INIT;
	int ret = 0;

	if (r->json)
		json_report_task_end(r->json, when);
	free(when);
	begin_run(r);
	if (r->rec && records_run_end(r->rec, exit_code, r->stats, err) < 0)
		ret = -1;
	recap(r);
	if (r->json)
		print_json(r);
	if (r->junit && junit_write(r->junit, r->o.junit_path, ret ? &scratch : err) < 0)
		ret = -1;
	buf_release(&scratch);
	return ret;
}

/* A loop's rows (one per item) back into one result with "results", as the run had it. */
static json_t *loop_result(json_t *rows, size_t from, size_t to, const char **status)
{
	json_t *items = json_array(), *row;
	int changed = 0, failed = 0, unreachable = 0, skipped = 1;
	size_t i;

	for (i = from; i < to; i++) {
		const char *s = json_string_value(json_object_get(row = json_array_get(rows, i),
								  "status"));

		json_array_append(items, json_object_get(row, "result"));
		changed |= !strcmp(s, "changed");
		failed |= !strcmp(s, "failed");
		unreachable |= !strcmp(s, "unreachable");
		skipped &= !strcmp(s, "skipped");
	}
	*status = unreachable ? "unreachable" : failed ? "failed" : skipped ? "skipped"
		  : changed ? "changed" : "ok";
	return json_pack("{s:b, s:s, s:o}", "changed", changed, "msg",
			 failed ? "One or more items failed" : "All items completed", "results", items);
}

/* One task's rows: consecutive rows of a host with item labels are one loop result. */
static void replay_task(struct report *r, json_t *rows, json_int_t idx)
{
	size_t i = 0, j, n = json_array_size(rows);
	const char *host, *status;
	json_t *row, *res;

	while (i < n) {
		row = json_array_get(rows, i);
		if (json_integer_value(json_object_get(row, "task_idx")) != idx) {
			i++;
			continue;
		}
		host = json_string_value(json_object_get(row, "host"));
		for (j = i + 1; j < n && json_is_string(json_object_get(row, "item")); j++)
			if (strcmp(host, json_string_value(json_object_get(json_array_get(rows, j), "host"))) ||
			    !json_is_string(json_object_get(json_array_get(rows, j), "item")))
				break;
		if (json_is_string(json_object_get(row, "item"))) {
			res = loop_result(rows, i, j, &status);
		} else {
			res = json_incref(json_object_get(row, "result"));
			status = json_string_value(json_object_get(row, "status"));
			j = i + 1;
		}
		json_decref(report_result(r, host, status, res,
					  json_real_value(json_object_get(row, "duration"))));
		json_decref(res);
		i = j;
	}
}

void report_replay(struct report *r, json_t *run)
{
	json_t *tasks = json_object_get(run, "tasks"), *rows = json_object_get(run, "results"), *t;
	const char *play, *last = NULL;
	size_t i;

	json_array_foreach(tasks, i, t) {
		play = json_string_value(json_object_get(t, "play"));
		if (!play)
			play = "";
		if (!last || strcmp(last, play))
			report_play(r, play);
		last = play;
		report_task(r, json_string_value(json_object_get(t, "name")),
			    json_string_value(json_object_get(t, "action")), 0);
		replay_task(r, rows, json_integer_value(json_object_get(t, "idx")));
	}
	json_object_clear(r->stats);
	json_object_update(r->stats, json_object_get(run, "recap"));
}

json_t *report_redact(struct report *r, json_t *result)
{
	return redact_result(result, r->o.no_log || r->task_no_log, &r->secrets);
}
