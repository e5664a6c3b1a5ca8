/*
 * The report as the play engine will drive it: plays, tasks, loop items,
 * every status, no_log; then the records read back and replayed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "records.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

struct paths {
	char dir[64];
	char *db, *junit, *junit2, *log;
};

static int setup(void **state)
{
	struct paths *p = xcalloc(1, sizeof(*p));

	snprintf(p->dir, sizeof(p->dir), "/tmp/drover-test-report.XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	p->db = xasprintf("%s/records.db", p->dir);
	p->junit = xasprintf("%s/a.xml", p->dir);
	p->junit2 = xasprintf("%s/b.xml", p->dir);
	p->log = xasprintf("%s/run.log", p->dir);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct paths *p = *state;
	char *cmd = xasprintf("rm -rf '%s'", p->dir);

	if (system(cmd))
		(void)0;
	free(cmd);
	free(p->db);
	free(p->junit);
	free(p->junit2);
	free(p->log);
	free(p);
	return 0;
}

static void result(struct report *r, const char *host, const char *status, const char *json)
{
	json_t *v = json_loads(json, 0, NULL), *shown;

	assert_non_null(v);
	shown = report_result(r, host, status, v, 0.5);
	json_decref(shown);
	json_decref(v);
}

/* A play of four tasks on hosts a and b. */
static void play(struct report *r)
{
	report_play(r, "web");
	assert_int_equal(report_task(r, "install", "apt", 0), 0);
	result(r, "a", "ok", "{\"changed\": true, \"diff\": {\"after_header\": \"/etc/x\","
			     " \"before\": \"1\\n2\\n\", \"after\": \"1\\n3\\n4\\n\"}}");
	result(r, "b", "failed", "{\"failed\": true, \"rc\": 1, \"msg\": \"boom abc123xyz\"}");
	assert_int_equal(report_task(r, "loop", "debug", 0), 1);
	result(r, "a", "ok", "{\"changed\": true, \"results\": [{\"item\": \"x\", \"changed\": false},"
			     " {\"item\": 2, \"_ansible_item_label\": \"Y\", \"changed\": true}]}");
	result(r, "b", "skipped", "{\"skipped\": true, \"msg\": \"cond\"}");
	assert_int_equal(report_task(r, "secret", "command", 1), 2);
	result(r, "a", "ok", "{\"changed\": false, \"stdout\": \"hidden-value\"}");
	report_play(r, "db");
	report_task(r, "risky", "command", 0);
	result(r, "a", "ignored", "{\"changed\": true, \"failed\": true, \"msg\": \"meh\"}");
	result(r, "b", "rescued", "{\"failed\": true, \"msg\": \"saved\"}");
}

static void expect_counts(json_t *stats, const char *host, const char *want)
{
	char *got = json_dumps(json_object_get(stats, host), JSON_COMPACT | JSON_SORT_KEYS);

	if (strcmp(got, want))
		fail_msg("%s: got %s, want %s", host, got, want);
	free(got);
}

static int count_in(const char *path, const char *what)
{
	struct buf text = BUF_INIT;
	const char *p;
	int n = 0;

	assert_int_equal(buf_read_file(&text, path), 0);
	for (p = text.buf; (p = memmem(p, text.len - (size_t)(p - text.buf), what, strlen(what))); p++)
		n++;
	buf_release(&text);
	return n;
}

static void live_run(void **state)
{
	struct paths *p = *state;
	char a0[] = "play", a1[] = "site.yml", a2[] = "-e", a3[] = "token=abc123xyz";
	char *argv[] = { a0, a1, a2, a3 };
	struct report_opts o = { .kind = "play", .argc = 4, .argv = argv, .playbook = "site.yml",
				 .check_mode = 1, .records_path = p->db, .junit_path = p->junit,
				 .log_path = p->log };
	struct buf err = BUF_INIT;
	struct report *r = report_open(&o, &err);

	assert_non_null(r);
	play(r);
	expect_counts(report_stats(r), "a", "{\"changed\":3,\"failures\":0,\"ignored\":1,\"ok\":4,"
					    "\"rescued\":0,\"skipped\":0,\"unreachable\":0}");
	expect_counts(report_stats(r), "b", "{\"changed\":0,\"failures\":1,\"ignored\":0,\"ok\":0,"
					    "\"rescued\":1,\"skipped\":1,\"unreachable\":0}");
	assert_true(report_any_failed(r));
	assert_int_equal(report_finish(r, 2, &err), 0);
	report_free(r);
	assert_int_equal(count_in(p->db, "abc123xyz"), 0);
	assert_int_equal(count_in(p->db, "hidden-value"), 0);
	assert_int_equal(count_in(p->log, "hidden-value"), 0);
	assert_int_equal(count_in(p->log, "TASK [loop] ***"), 1);
	assert_int_equal(count_in(p->log, "fatal: [b]: FAILED! => {\"msg\": \"boom ********\""), 1);
	assert_int_equal(count_in(p->log, "...ignoring"), 1);
	assert_int_equal(count_in(p->junit, "<testsuite "), 2);
	assert_int_equal(count_in(p->junit, "<testcase "), 7);
	assert_int_equal(count_in(p->junit, "<failure "), 1);
	assert_int_equal(count_in(p->junit, "<skipped "), 1);
	buf_release(&err);
}

static void expect_row(json_t *rows, size_t i, const char *want)
{
	json_t *row = json_deep_copy(json_array_get(rows, i));
	char *got;

	json_object_del(row, "result");
	json_object_del(row, "time");
	json_object_del(row, "duration");
	got = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
	if (strcmp(got, want))
		fail_msg("row %zu: got %s\nwant %s", i, got, want);
	free(got);
	json_decref(row);
}

static void read_back(void **state)
{
	struct paths *p = *state;
	struct buf err = BUF_INIT;
	struct records *rec = records_open(p->db, &err);
	json_t *run, *rows;

	assert_non_null(rec);
	run = records_get(rec, 1, &err);
	assert_non_null(run);
	assert_string_equal(json_string_value(json_object_get(run, "command")),
			    "drover play site.yml -e '{\"token\":\"********\"}'");
	assert_int_equal(json_integer_value(json_object_get(run, "check_mode")), 1);
	assert_int_equal(json_integer_value(json_object_get(run, "exit_code")), 2);
	assert_int_equal(json_array_size(json_object_get(run, "tasks")), 4);
	rows = json_object_get(run, "results");
	assert_int_equal(json_array_size(rows), 8);
	expect_row(rows, 0, "{\"diff\":\"/etc/x: +2 -1 lines\",\"host\":\"a\",\"item\":null,\"msg\":null,"
			    "\"rc\":null,\"status\":\"changed\",\"task_idx\":0,\"task_name\":\"install\"}");
	expect_row(rows, 1, "{\"diff\":null,\"host\":\"b\",\"item\":null,\"msg\":\"boom ********\","
			    "\"rc\":1,\"status\":\"failed\",\"task_idx\":0,\"task_name\":\"install\"}");
	expect_row(rows, 2, "{\"diff\":null,\"host\":\"a\",\"item\":\"x\",\"msg\":null,\"rc\":null,"
			    "\"status\":\"ok\",\"task_idx\":1,\"task_name\":\"loop\"}");
	expect_row(rows, 3, "{\"diff\":null,\"host\":\"a\",\"item\":\"Y\",\"msg\":null,\"rc\":null,"
			    "\"status\":\"changed\",\"task_idx\":1,\"task_name\":\"loop\"}");
	expect_row(rows, 4, "{\"diff\":null,\"host\":\"b\",\"item\":null,\"msg\":\"cond\",\"rc\":null,"
			    "\"status\":\"skipped\",\"task_idx\":1,\"task_name\":\"loop\"}");
	assert_non_null(json_object_get(json_object_get(json_array_get(rows, 5), "result"), "censored"));
	expect_row(rows, 7, "{\"diff\":null,\"host\":\"b\",\"item\":null,\"msg\":\"saved\",\"rc\":null,"
			    "\"status\":\"rescued\",\"task_idx\":3,\"task_name\":\"risky\"}");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(run,
		"recap"), "b"), "rescued")), 1);
	json_decref(run);
	records_close(rec);
	buf_release(&err);
}

/* runs export: the records replayed give the same JUnit report. */
static void replay(void **state)
{
	struct paths *p = *state;
	struct buf err = BUF_INIT;
	struct records *rec = records_open(p->db, &err);
	json_t *run = records_get(rec, 1, &err);
	struct report_opts o = { .kind = "play", .no_records = 1, .junit_path = p->junit2 };
	struct report *r = report_open(&o, &err);

	assert_non_null(r);
	report_replay(r, run);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(report_stats(r), "a"),
							    "ok")), 4);
	assert_int_equal(report_finish(r, 2, &err), 0);
	assert_int_equal(count_in(p->junit2, "<testsuite "), 2);
	assert_int_equal(count_in(p->junit2, "<testcase "), 7);
	assert_int_equal(count_in(p->junit2, "<failure "), 1);
	assert_int_equal(count_in(p->junit2, "<skipped "), 1);
	assert_int_equal(count_in(p->junit2, "classname=\"a\" name=\"loop\""), 1);
	report_free(r);
	json_decref(run);
	records_close(rec);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_run),
		cmocka_unit_test(read_back),
		cmocka_unit_test(replay),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
