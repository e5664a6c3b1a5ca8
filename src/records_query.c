/* Reading the run records back: runs list/show/export/prune. */
#include "records.h"

#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "records_int.h"
#include "xalloc.h"
#include "banned.h"

/* KEY_lines from KEY, which records.c leaves out of the stored result. */
static void add_lines(json_t *result, const char *key)
{
	json_t *text = json_object_get(result, key);
	char *name;

	if (!json_is_string(text))
		return;
	name = xasprintf("%s_lines", key);
	json_object_set_new(result, name, json_lines(json_string_value(text), json_string_length(text)));
	free(name);
}

/* A column as JSON; columns named "result" or "recap" hold JSON text. */
static json_t *column_value(sqlite3_stmt *st, int i)
{
	const char *text, *name = sqlite3_column_name(st, i);
	json_t *v;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL: return json_null();
	default: break;
	}
	text = (const char *)sqlite3_column_text(st, i);
	if ((!strcmp(name, "result") || !strcmp(name, "recap")) &&
	    (v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL))) {
		add_lines(v, "stdout");
		add_lines(v, "stderr");
		return v;
	}
	return json_string_lossy(text, (size_t)sqlite3_column_bytes(st, i));
}

static json_t *row_object(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++)
		json_object_set_new(o, sqlite3_column_name(st, i), column_value(st, i));
	return o;
}

/* Every row of a prepared statement as an array of objects; NULL with err. */
static json_t *all_rows(struct records *rec, sqlite3_stmt *st, struct buf *err)
{
	json_t *rows = json_array();
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(rows, row_object(st));
	if (rc != SQLITE_DONE) {
		buf_setf(err, "records: %s", sqlite3_errmsg(rec->db));
		json_decref(rows);
		rows = NULL;
	}
	sqlite3_finalize(st);
	return rows;
}

json_t *records_list(struct records *rec, int limit, int failed_only, struct buf *err)
{
	sqlite3_stmt *st = records_prepare(rec,
		"SELECT r.id, r.kind, r.start_time, r.end_time, r.user, r.controller, r.command,"
		" r.check_mode, r.exit_code,"
		" (SELECT COUNT(DISTINCT host) FROM results WHERE run_id = r.id) AS hosts,"
		" (SELECT COUNT(DISTINCT host) FROM results WHERE run_id = r.id"
		"  AND status IN ('failed', 'unreachable')) AS failed_hosts"
		" FROM runs r WHERE (?1 = 0 OR r.exit_code IS NULL OR r.exit_code != 0)"
		" ORDER BY r.id DESC LIMIT ?2", err);

	if (!st)
		return NULL;
	sqlite3_bind_int(st, 1, failed_only);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	return all_rows(rec, st, err);
}

long long records_last(struct records *rec, struct buf *err)
{
	sqlite3_stmt *st = records_prepare(rec, "SELECT MAX(id) FROM runs", err);
	long long id = 0;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static json_t *run_rows(struct records *rec, const char *sql, long long id, struct buf *err)
{
	sqlite3_stmt *st = records_prepare(rec, sql, err);

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	return all_rows(rec, st, err);
}

/* The recap table's rows as Ansible's stats: host -> counts. */
static json_t *recap_object(json_t *rows)
{
	json_t *recap = json_object(), *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		json_t *c = json_deep_copy(row);

		json_object_del(c, "host");
		json_object_set(c, "failures", json_object_get(c, "failed"));
		json_object_del(c, "failed");
		json_object_set_new(recap, json_string_value(json_object_get(row, "host")), c);
	}
	return recap;
}

json_t *records_get(struct records *rec, long long id, struct buf *err)
{
	json_t *runs = run_rows(rec, "SELECT * FROM runs WHERE id = ?", id, err), *run = NULL;
	json_t *tasks = NULL, *results = NULL, *recap = NULL;

	if (!runs)
		return NULL;
	if (!json_array_size(runs)) {
		buf_setf(err, "no run %lld in the records", id);
		goto out;
	}
	tasks = run_rows(rec, "SELECT idx, play, name, action, start_time FROM tasks"
			      " WHERE run_id = ? ORDER BY idx", id, err);
	results = run_rows(rec, "SELECT host, task_idx, task_name, item, status, rc, duration,"
				" msg, diff, result, time FROM results WHERE run_id = ?"
				" ORDER BY task_idx, id", id, err);
	recap = run_rows(rec, "SELECT host, ok, changed, unreachable, failed, skipped, rescued,"
			      " ignored FROM recap WHERE run_id = ? ORDER BY host", id, err);
	if (!tasks || !results || !recap)
		goto out;
	run = json_deep_copy(json_array_get(runs, 0));
	json_object_set(run, "tasks", tasks);
	json_object_set(run, "results", results);
	json_object_set_new(run, "recap", recap_object(recap));
out:
	json_decref(runs);
	json_decref(tasks);
	json_decref(results);
	json_decref(recap);
	return run;
}

long long records_prune(struct records *rec, long long keep, long long older_than, struct buf *err)
{
	char *cutoff = records_time_text(records_now() - (double)older_than);
	sqlite3_stmt *st;

	if (keep >= 0) {
		st = records_prepare(rec, "DELETE FROM runs WHERE id NOT IN"
					  " (SELECT id FROM runs ORDER BY id DESC LIMIT ?)", err);
		if (st)
			sqlite3_bind_int64(st, 1, keep);
	} else {
		st = records_prepare(rec, "DELETE FROM runs WHERE start_time < ?", err);
		if (st)
			records_bind_text(st, 1, cutoff);
	}
	free(cutoff);
	if (!st || records_exec_stmt(rec, st, err) < 0)
		return -1;
	return (long long)sqlite3_changes(rec->db);
}
