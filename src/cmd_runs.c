/*
 * drover runs list|show|last|export|prune and drover drift: the run
 * records read back (records.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "records.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_OPTIONS 5

static const char usage_text[] =
	"usage: drover runs list [--limit N] [--failed]\n"
	"       drover runs show ID|last [--host H] [--task T] [--changed] [--failed]\n"
	"       drover runs last [--host H] [--task T] [--changed] [--failed]\n"
	"       drover runs export ID|last --format json|junit\n"
	"       drover runs prune --keep N | --older-than AGE (30d, 12h, 90m, 2w)\n"
	"       drover drift ID|last\n"
	"  every form takes --records PATH (default $DROVER_RECORDS or the state directory)\n";

struct runs_opts {
	const char *records;
	int limit, failed, changed;
	const char *host, *task, *format;
	long long keep, older_than;
	const char *id;
};

enum { OPT_LIMIT = 256, OPT_FAILED, OPT_CHANGED, OPT_HOST, OPT_TASK, OPT_FORMAT, OPT_KEEP,
       OPT_OLDER, OPT_RECORDS };

static const struct option long_options[] = {
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "changed", no_argument, NULL, OPT_CHANGED },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "task", required_argument, NULL, OPT_TASK },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "older-than", required_argument, NULL, OPT_OLDER },
	{ "records", required_argument, NULL, OPT_RECORDS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "ERROR! %s\n%s", msg, usage_text);
	return EXIT_OPTIONS;
}

/* "30d", "12h", "90m", "2w", "45s" or plain seconds; -1 when malformed. */
static long long parse_age(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);
	const char *units = "smhdw";
	static const long long mult[] = { 1, 60, 3600, 86400, 604800 };
	const char *u;

	if (end == s || n < 0 || (*end && end[1]))
		return -1;
	if (!*end)
		return n;
	u = strchr(units, *end);
	return u ? n * mult[u - units] : -1;
}

static long long parse_count(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	return end == s || *end || n < 0 ? -1 : n;
}

static int take_option(struct runs_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_LIMIT:
		if ((o->limit = (int)parse_count(arg)) < 0)
			return usage_error("--limit takes a number");
		break;
	case OPT_FAILED: o->failed = 1; break;
	case OPT_CHANGED: o->changed = 1; break;
	case OPT_HOST: o->host = arg; break;
	case OPT_TASK: o->task = arg; break;
	case OPT_FORMAT: o->format = arg; break;
	case OPT_KEEP:
		if ((o->keep = parse_count(arg)) < 0)
			return usage_error("--keep takes a number");
		break;
	case OPT_OLDER:
		if ((o->older_than = parse_age(arg)) < 0)
			return usage_error("--older-than takes an age such as 30d, 12h, 90m or 2w");
		break;
	case OPT_RECORDS: o->records = arg; break;
	case 'h': fputs(usage_text, stdout); return -1;
	default: return usage_error("unknown or incomplete option");
	}
	return 0;
}

/* Options anywhere; at most one positional argument (the run id). */
static int parse_options(struct runs_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1)
		if ((r = take_option(o, c, optarg)))
			return r;
	if (optind < argc)
		o->id = argv[optind++];
	if (optind < argc)
		return usage_error("too many arguments");
	return 0;
}

static struct records *open_records(const struct runs_opts *o)
{
	char *path = records_default_path(o->records);
	struct buf err = BUF_INIT;
	struct records *rec = records_open(path, &err);

	if (!rec)
		fprintf(stderr, "ERROR! %s\n", err.buf);
	buf_release(&err);
	free(path);
	return rec;
}

/* "last" or a number; 0 with a message when there is no such run. */
static long long run_id(struct records *rec, const char *id)
{
	struct buf err = BUF_INIT;
	long long n = 0;

	if (!id || !strcmp(id, "last")) {
		n = records_last(rec, &err);
		if (!n)
			fprintf(stderr, "ERROR! no runs recorded yet\n");
	} else if ((n = parse_count(id)) <= 0) {
		fprintf(stderr, "ERROR! '%s' is not a run id (a number, or last)\n", id);
		n = 0;
	}
	buf_release(&err);
	return n < 0 ? 0 : n;
}

static json_t *load_run(struct records *rec, const char *id)
{
	struct buf err = BUF_INIT;
	long long n = run_id(rec, id);
	json_t *run = n ? records_get(rec, n, &err) : NULL;

	if (n && !run)
		fprintf(stderr, "ERROR! %s\n", err.buf);
	buf_release(&err);
	return run;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* "2026-11-26T03:00:01.123456Z" as "2026-11-26 03:00:01". */
static void short_time(char *out, size_t len, const char *iso)
{
	snprintf(out, len, "%.19s", *iso ? iso : "-");
	if (strlen(out) > 10)
		out[10] = ' ';
}

static void print_run_line(json_t *run)
{
	char when[32], exit_text[16] = "-";
	json_t *exit_code = json_object_get(run, "exit_code");

	short_time(when, sizeof(when), str(run, "start_time"));
	if (json_is_integer(exit_code))
		snprintf(exit_text, sizeof(exit_text), "%lld", (long long)json_integer_value(exit_code));
	printf("%5lld  %-19s  %-5s%s  %4s  %5lld  %6lld  %s\n",
	       (long long)json_integer_value(json_object_get(run, "id")), when, str(run, "kind"),
	       json_integer_value(json_object_get(run, "check_mode")) ? "*" : " ", exit_text,
	       (long long)json_integer_value(json_object_get(run, "hosts")),
	       (long long)json_integer_value(json_object_get(run, "failed_hosts")),
	       str(run, "command"));
}

static int runs_list(struct records *rec, const struct runs_opts *o)
{
	struct buf err = BUF_INIT;
	json_t *runs = records_list(rec, o->limit ? o->limit : 20, o->failed, &err), *run;
	size_t i;

	if (!runs) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		buf_release(&err);
		return EXIT_ERROR;
	}
	printf("%5s  %-19s  %-6s  %4s  %5s  %6s  %s\n", "ID", "STARTED (UTC)", "KIND", "EXIT",
	       "HOSTS", "FAILED", "COMMAND");
	json_array_foreach(runs, i, run)
		print_run_line(run);
	json_decref(runs);
	buf_release(&err);
	return EXIT_OK;
}

static int wanted(const struct runs_opts *o, json_t *row)
{
	const char *status = str(row, "status");
	char idx[32];

	snprintf(idx, sizeof(idx), "%lld", (long long)json_integer_value(json_object_get(row, "task_idx")));
	if (o->host && strcmp(o->host, str(row, "host")))
		return 0;
	if (o->task && strcmp(o->task, str(row, "task_name")) && strcmp(o->task, idx))
		return 0;
	if (o->changed && strcmp(status, "changed"))
		return 0;
	return !o->failed || !strcmp(status, "failed") || !strcmp(status, "unreachable");
}

static void print_header(json_t *run)
{
	json_t *exit_code = json_object_get(run, "exit_code");

	printf("run %lld: %s%s, started %s, ", (long long)json_integer_value(json_object_get(run, "id")),
	       str(run, "kind"), json_integer_value(json_object_get(run, "check_mode")) ? " --check" : "",
	       str(run, "start_time"));
	if (json_is_integer(exit_code))
		printf("ended %s, exit %lld\n", str(run, "end_time"), (long long)json_integer_value(exit_code));
	else
		printf("never ended (still running, or the controller was killed)\n");
	printf("  by %s@%s (pid %lld)\n  command: %s\n", str(run, "user"), str(run, "controller"),
	       (long long)json_integer_value(json_object_get(run, "pid")), str(run, "command"));
	if (*str(run, "inventory"))
		printf("  inventory: %s (sha256 %s)\n", str(run, "inventory"), str(run, "inventory_sha256"));
	if (*str(run, "playbook"))
		printf("  playbook: %s (sha256 %s)\n", str(run, "playbook"), str(run, "playbook_sha256"));
}

static void print_row(json_t *row)
{
	json_t *rc = json_object_get(row, "rc");
	struct buf line = BUF_INIT;

	buf_addf(&line, "  %-24s %-11s", str(row, "host"), str(row, "status"));
	if (json_is_integer(rc))
		buf_addf(&line, " rc=%lld", (long long)json_integer_value(rc));
	buf_addf(&line, " %.2fs", json_number_value(json_object_get(row, "duration")));
	if (*str(row, "item"))
		buf_addf(&line, " (item=%s)", str(row, "item"));
	if (*str(row, "msg"))
		buf_addf(&line, " %s", str(row, "msg"));
	if (*str(row, "diff"))
		buf_addf(&line, " [diff: %s]", str(row, "diff"));
	printf("%s\n", line.buf);
	buf_release(&line);
}

static void print_recap(json_t *recap)
{
	const char *host;
	json_t *c;
	char *line;

	if (!json_object_size(recap))
		return;
	printf("RECAP\n");
	json_object_foreach(recap, host, c) {
		line = report_recap_line(host, c);
		printf("  %s\n", line);
		free(line);
	}
}

static int runs_show(struct records *rec, const struct runs_opts *o)
{
	json_t *run = load_run(rec, o->id), *task, *row;
	json_int_t idx;
	size_t i, j, shown;

	if (!run)
		return EXIT_ERROR;
	print_header(run);
	json_array_foreach(json_object_get(run, "tasks"), i, task) {
		idx = json_integer_value(json_object_get(task, "idx"));
		shown = 0;
		json_array_foreach(json_object_get(run, "results"), j, row) {
			if (json_integer_value(json_object_get(row, "task_idx")) != idx || !wanted(o, row))
				continue;
			if (!shown++)
				printf("TASK %lld [%s]%s%s\n", (long long)idx, str(task, "name"),
				       *str(task, "play") ? " in play " : "", str(task, "play"));
			print_row(row);
		}
	}
	if (!o->host && !o->task && !o->changed && !o->failed)
		print_recap(json_object_get(run, "recap"));
	json_decref(run);
	return EXIT_OK;
}

/* The JSON document or JUnit XML of a recorded run, written by the same code as a live run's. */
static int runs_export(struct records *rec, const struct runs_opts *o)
{
	struct report_opts ro;
	struct buf err = BUF_INIT;
	struct report *r;
	json_t *run;
	int ret = EXIT_OK;

	if (!o->format || (strcmp(o->format, "json") && strcmp(o->format, "junit")))
		return usage_error("export needs --format json or --format junit");
	if (!(run = load_run(rec, o->id)))
		return EXIT_ERROR;
	memset(&ro, 0, sizeof(ro));
	ro.kind = str(run, "kind");
	ro.no_records = 1;
	ro.output_json = !strcmp(o->format, "json");
	ro.junit_path = ro.output_json ? NULL : "-";
	r = report_open(&ro, &err);
	if (r) {
		report_replay(r, run);
		if (report_finish(r, (int)json_integer_value(json_object_get(run, "exit_code")), &err) < 0)
			r = (report_free(r), NULL);
	}
	if (!r) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		ret = EXIT_ERROR;
	}
	report_free(r);
	json_decref(run);
	buf_release(&err);
	return ret;
}

static int runs_prune(struct records *rec, const struct runs_opts *o)
{
	struct buf err = BUF_INIT;
	long long n;

	if ((o->keep >= 0) == (o->older_than >= 0))
		return usage_error("prune needs one of --keep N or --older-than AGE");
	n = records_prune(rec, o->keep, o->older_than, &err);
	if (n < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		buf_release(&err);
		return EXIT_ERROR;
	}
	printf("pruned %lld run%s\n", n, n == 1 ? "" : "s");
	buf_release(&err);
	return EXIT_OK;
}

/* What a --check run would change: its changed host x task results. */
static int drift(struct records *rec, const struct runs_opts *o)
{
	json_t *run = load_run(rec, o->id), *row;
	size_t i, n = 0;

	if (!run)
		return EXIT_ERROR;
	if (!json_integer_value(json_object_get(run, "check_mode")))
		printf("note: run %lld was not a --check run: these changes were made, not predicted\n",
		       (long long)json_integer_value(json_object_get(run, "id")));
	json_array_foreach(json_object_get(run, "results"), i, row) {
		if (strcmp(str(row, "status"), "changed"))
			continue;
		printf("%-24s TASK %lld [%s]%s%s%s%s%s\n", str(row, "host"),
		       (long long)json_integer_value(json_object_get(row, "task_idx")),
		       str(row, "task_name"), *str(row, "item") ? " (item=" : "", str(row, "item"),
		       *str(row, "item") ? ")" : "", *str(row, "diff") ? " " : "", str(row, "diff"));
		n++;
	}
	printf("%zu change%s\n", n, n == 1 ? "" : "s");
	json_decref(run);
	return EXIT_OK;
}

struct runs_verb {
	const char *name;
	int (*fn)(struct records *rec, const struct runs_opts *o);
};

static const struct runs_verb verbs[] = {
	{ "list", runs_list }, { "show", runs_show }, { "last", runs_show },
	{ "export", runs_export }, { "prune", runs_prune }, { "drift", drift },
};

static int run_verb(const struct runs_verb *v, int argc, char **argv)
{
	struct runs_opts o;
	struct records *rec;
	int r;

	memset(&o, 0, sizeof(o));
	o.keep = o.older_than = -1;
	r = parse_options(&o, argc, argv);
	if (r)
		return r < 0 ? EXIT_OK : r;
	if (!strcmp(v->name, "last") && o.id)
		return usage_error("runs last takes no id");
	if (!o.id && (!strcmp(v->name, "show") || !strcmp(v->name, "export") ||
		      !strcmp(v->name, "drift")))
		return usage_error("which run? give its id, or last");
	if (o.id && (!strcmp(v->name, "list") || !strcmp(v->name, "prune")))
		return usage_error("too many arguments");
	if (!(rec = open_records(&o)))
		return EXIT_ERROR;
	r = v->fn(rec, &o);
	records_close(rec);
	return r;
}

int cmd_runs(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_OPTIONS : EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(verbs[i].name, "drift") && !strcmp(argv[1], verbs[i].name))
			return run_verb(&verbs[i], argc - 1, argv + 1);
	fprintf(stderr, "ERROR! unknown runs command '%s'\n%s", argv[1], usage_text);
	return EXIT_OPTIONS;
}

int cmd_drift(int argc, char **argv)
{
	return run_verb(&verbs[ARRAY_SIZE(verbs) - 1], argc, argv);
}
