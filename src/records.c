#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "records_int.h"
#include "statedir.h"
#include "xalloc.h"
#include "banned.h"

/* A writer waits this long for another run's transaction. */
#define RECORDS_BUSY_MS 30000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
	" start_time TEXT NOT NULL, end_time TEXT, user TEXT, controller TEXT, pid INTEGER,"
	" command TEXT, inventory TEXT, inventory_sha256 TEXT, playbook TEXT,"
	" playbook_sha256 TEXT, check_mode INTEGER NOT NULL DEFAULT 0, exit_code INTEGER,"
	" recap TEXT);"
	"CREATE TABLE IF NOT EXISTS tasks ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL, play TEXT, name TEXT, action TEXT, start_time TEXT,"
	" PRIMARY KEY (run_id, idx));"
	"CREATE TABLE IF NOT EXISTS results ("
	" id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" host TEXT NOT NULL, task_idx INTEGER NOT NULL, task_name TEXT, item TEXT,"
	" status TEXT NOT NULL, rc INTEGER, duration REAL, msg TEXT, diff TEXT, result TEXT,"
	" time TEXT);"
	"CREATE INDEX IF NOT EXISTS results_by_run ON results (run_id, task_idx, host);"
	"CREATE TABLE IF NOT EXISTS recap ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, host TEXT NOT NULL,"
	" ok INTEGER, changed INTEGER, unreachable INTEGER, failed INTEGER, skipped INTEGER,"
	" rescued INTEGER, ignored INTEGER, PRIMARY KEY (run_id, host));";

char *records_default_path(const char *path)
{
	const char *env = getenv("DROVER_RECORDS");

	if (path && *path)
		return xstrdup(path);
	if (env && *env)
		return xstrdup(env);
	return statedir_path("records.db");
}

double records_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *records_time_text(double t)
{
	time_t secs = (time_t)t;
	struct tm tm;
	char when[32];

	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%06dZ", when, (int)((t - (double)secs) * 1e6));
}

sqlite3_stmt *records_prepare(struct records *rec, const char *sql, struct buf *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(rec->db, sql, -1, &st, NULL) != SQLITE_OK) {
		buf_setf(err, "records: %s", sqlite3_errmsg(rec->db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int records_exec_stmt(struct records *rec, sqlite3_stmt *st, struct buf *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	buf_setf(err, "records: %s", sqlite3_errmsg(rec->db));
	return -1;
}

void records_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int exec_sql(struct records *rec, const char *sql, struct buf *err)
{
	char *msg = NULL;

	if (sqlite3_exec(rec->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	if (err)
		buf_setf(err, "records: %s", msg ? msg : sqlite3_errmsg(rec->db));
	sqlite3_free(msg);
	return -1;
}

/* The file exists with mode 0600 before SQLite sees it: its -wal and -shm copy that mode. */
static int create_file(const char *path, struct buf *err)
{
	int fd;

	if (statedir_make_parents(path, err) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_setf(err, "cannot open records %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int setup_db(struct records *rec, struct buf *err)
{
	sqlite3_busy_timeout(rec->db, RECORDS_BUSY_MS);
	if (exec_sql(rec, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			  " PRAGMA foreign_keys=ON;", err) < 0)
		return -1;
	if (exec_sql(rec, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (exec_sql(rec, schema, err) < 0 || exec_sql(rec, "COMMIT", err) < 0) {
		exec_sql(rec, "ROLLBACK", NULL);
		return -1;
	}
	rec->insert_result = records_prepare(rec,
		"INSERT INTO results (run_id, host, task_idx, task_name, item, status, rc,"
		" duration, msg, diff, result, time) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", err);
	return rec->insert_result ? 0 : -1;
}

struct records *records_open(const char *path, struct buf *err)
{
	struct records *rec;

	if (create_file(path, err) < 0)
		return NULL;
	rec = xcalloc(1, sizeof(*rec));
	if (sqlite3_open_v2(path, &rec->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		buf_setf(err, "cannot open records %s: %s", path, sqlite3_errmsg(rec->db));
		records_close(rec);
		return NULL;
	}
	if (setup_db(rec, err) < 0) {
		buf_addf(err, " (%s)", path);
		records_close(rec);
		return NULL;
	}
	return rec;
}

void records_close(struct records *rec)
{
	if (!rec)
		return;
	sqlite3_finalize(rec->insert_result);
	sqlite3_close(rec->db);
	free(rec);
}

long long records_run_id(const struct records *rec)
{
	return rec ? rec->run_id : 0;
}

/* sha256 of a regular file as hex, or NULL (a folder, a script's output, a comma list). */
static char *file_sha256(const char *path)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	struct buf data = BUF_INIT, hex = BUF_INIT;
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || buf_read_file(&data, path) < 0 ||
	    !EVP_Digest(data.buf, data.len, md, &mdlen, EVP_sha256(), NULL)) {
		buf_release(&data);
		return NULL;
	}
	for (i = 0; i < mdlen; i++)
		buf_addf(&hex, "%02x", md[i]);
	buf_release(&data);
	return buf_detach(&hex, NULL);
}

/* Inventory sources one per line, and their checksums line for line ("-" for none). */
static void inventory_lines(const struct strvec *inv, struct buf *paths, struct buf *sums)
{
	char *sum;
	size_t i;

	for (i = 0; inv && i < inv->nr; i++) {
		sum = file_sha256(inv->v[i]);
		buf_addf(paths, "%s%s", i ? "\n" : "", inv->v[i]);
		buf_addf(sums, "%s%s", i ? "\n" : "", sum ? sum : "-");
		free(sum);
	}
}

static void who_and_where(char *user, size_t ulen, char *host, size_t hlen)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(user, ulen, "%s", pw ? pw->pw_name : "?");
	if (gethostname(host, hlen) < 0)
		snprintf(host, hlen, "?");
	host[hlen - 1] = '\0';
}

int records_run_begin(struct records *rec, const struct records_run *run, struct buf *err)
{
	struct buf paths = BUF_INIT, sums = BUF_INIT;
	char user[256], host[256], *start = records_time_text(records_now());
	char *pb_sum = run->playbook ? file_sha256(run->playbook) : NULL;
	sqlite3_stmt *st = records_prepare(rec,
		"INSERT INTO runs (kind, start_time, user, controller, pid, command, inventory,"
		" inventory_sha256, playbook, playbook_sha256, check_mode)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?)", err);
	int r = -1;

	if (!st)
		goto out;
	who_and_where(user, sizeof(user), host, sizeof(host));
	inventory_lines(run->inventories, &paths, &sums);
	records_bind_text(st, 1, run->kind);
	records_bind_text(st, 2, start);
	records_bind_text(st, 3, user);
	records_bind_text(st, 4, host);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)getpid());
	records_bind_text(st, 6, run->command);
	records_bind_text(st, 7, paths.len ? paths.buf : NULL);
	records_bind_text(st, 8, sums.len ? sums.buf : NULL);
	records_bind_text(st, 9, run->playbook);
	records_bind_text(st, 10, pb_sum);
	sqlite3_bind_int(st, 11, run->check_mode);
	r = records_exec_stmt(rec, st, err);
	if (!r)
		rec->run_id = (long long)sqlite3_last_insert_rowid(rec->db);
out:
	buf_release(&paths);
	buf_release(&sums);
	free(start);
	free(pb_sum);
	return r;
}

int records_task(struct records *rec, int idx, const char *play, const char *name,
		 const char *action, struct buf *err)
{
	char *start = records_time_text(records_now());
	sqlite3_stmt *st = records_prepare(rec,
		"INSERT OR REPLACE INTO tasks (run_id, idx, play, name, action, start_time)"
		" VALUES (?,?,?,?,?,?)", err);
	int r = -1;

	if (st) {
		sqlite3_bind_int64(st, 1, rec->run_id);
		sqlite3_bind_int(st, 2, idx);
		records_bind_text(st, 3, play);
		records_bind_text(st, 4, name);
		records_bind_text(st, 5, action);
		records_bind_text(st, 6, start);
		r = records_exec_stmt(rec, st, err);
	}
	free(start);
	return r;
}

/* Lines of text not found in other (a rough count, enough for a summary). */
static size_t lines_not_in(const char *text, const char *other)
{
	const char *p = text, *nl;
	size_t n = 0, len;
	char *line;

	for (; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		line = xstrndup(p, len);
		if (!strstr(other, line))
			n++;
		free(line);
	}
	return n;
}

static void diff_one(json_t *d, struct buf *out)
{
	const char *before = json_string_value(json_object_get(d, "before"));
	const char *after = json_string_value(json_object_get(d, "after"));
	const char *name = json_string_value(json_object_get(d, "after_header"));

	if (!name)
		name = json_string_value(json_object_get(d, "before_header"));
	if (out->len)
		buf_addstr(out, "; ");
	buf_addstr(out, name ? name : "(unnamed)");
	if (before && after)
		buf_addf(out, ": +%zu -%zu lines", lines_not_in(after, before),
			 lines_not_in(before, after));
	else if (json_object_get(d, "before") || json_object_get(d, "after"))
		buf_addstr(out, ": changed");
}

/* "file: +3 -1 lines; ..." from a result's diff (one object, or a list of them). */
static char *diff_summary(json_t *result)
{
	json_t *diff = json_object_get(result, "diff"), *d;
	struct buf out = BUF_INIT;
	size_t i;

	if (json_is_object(diff))
		diff_one(diff, &out);
	json_array_foreach(diff, i, d)
		diff_one(d, &out);
	return out.len ? buf_detach(&out, NULL) : (buf_release(&out), NULL);
}

static void bind_result(struct records *rec, sqlite3_stmt *st, const struct records_result *res,
			char *diff, char *text, char *when)
{
	json_t *rc = json_object_get(res->result, "rc");
	json_t *msg = json_object_get(res->result, "msg");

	sqlite3_bind_int64(st, 1, rec->run_id);
	records_bind_text(st, 2, res->host);
	sqlite3_bind_int(st, 3, res->task_idx);
	records_bind_text(st, 4, res->task_name);
	records_bind_text(st, 5, res->item);
	records_bind_text(st, 6, res->status);
	if (json_is_integer(rc))
		sqlite3_bind_int64(st, 7, json_integer_value(rc));
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_double(st, 8, res->duration);
	records_bind_text(st, 9, json_is_string(msg) ? json_string_value(msg) : NULL);
	records_bind_text(st, 10, diff);
	records_bind_text(st, 11, text);
	records_bind_text(st, 12, when);
}

/* The result as stored: stdout_lines and stderr_lines are left out (records_get puts them back). */
static char *result_text(json_t *result)
{
	json_t *copy;
	char *text;

	if (!result)
		return NULL;
	copy = json_copy(result);
	json_object_del(copy, "stdout_lines");
	json_object_del(copy, "stderr_lines");
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return text;
}

int records_result(struct records *rec, const struct records_result *res, struct buf *err)
{
	sqlite3_stmt *st = rec->insert_result;
	char *diff = diff_summary(res->result);
	char *text = result_text(res->result);
	char *when = records_time_text(records_now());
	int rc, r = 0;

	bind_result(rec, st, res, diff, text, when);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		buf_setf(err, "records: %s", sqlite3_errmsg(rec->db));
		r = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(diff);
	free(text);
	free(when);
	return r;
}

int records_rescued(struct records *rec, const char *host, struct buf *err)
{
	sqlite3_stmt *st = records_prepare(rec,
		"UPDATE results SET status = 'rescued' WHERE run_id = ?1 AND host = ?2"
		" AND status = 'failed' AND task_idx = (SELECT MAX(task_idx) FROM results"
		" WHERE run_id = ?1 AND host = ?2 AND status = 'failed')", err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rec->run_id);
	records_bind_text(st, 2, host);
	return records_exec_stmt(rec, st, err);
}

static int insert_recap(struct records *rec, const char *host, json_t *c, struct buf *err)
{
	static const char *const keys[] = { "ok", "changed", "unreachable", "failures", "skipped",
					    "rescued", "ignored" };
	sqlite3_stmt *st = records_prepare(rec,
		"INSERT OR REPLACE INTO recap (run_id, host, ok, changed, unreachable, failed,"
		" skipped, rescued, ignored) VALUES (?,?,?,?,?,?,?,?,?)", err);
	size_t i;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rec->run_id);
	records_bind_text(st, 2, host);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		sqlite3_bind_int64(st, (int)i + 3, json_integer_value(json_object_get(c, keys[i])));
	return records_exec_stmt(rec, st, err);
}

static int update_run(struct records *rec, int exit_code, json_t *recap, struct buf *err)
{
	char *end = records_time_text(records_now());
	char *text = json_dumps(recap, JSON_COMPACT | JSON_SORT_KEYS);
	sqlite3_stmt *st = records_prepare(rec,
		"UPDATE runs SET end_time = ?, exit_code = ?, recap = ? WHERE id = ?", err);
	int r = -1;

	if (st) {
		records_bind_text(st, 1, end);
		sqlite3_bind_int(st, 2, exit_code);
		records_bind_text(st, 3, text);
		sqlite3_bind_int64(st, 4, rec->run_id);
		r = records_exec_stmt(rec, st, err);
	}
	free(end);
	free(text);
	return r;
}

/* The recap and the run's end in one transaction: a run is complete or it is not. */
int records_run_end(struct records *rec, int exit_code, json_t *recap, struct buf *err)
{
	const char *host;
	json_t *c;

	if (exec_sql(rec, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	json_object_foreach(recap, host, c)
		if (insert_recap(rec, host, c, err) < 0)
			goto fail;
	if (update_run(rec, exit_code, recap, err) < 0 || exec_sql(rec, "COMMIT", err) < 0)
		goto fail;
	return 0;
fail:
	exec_sql(rec, "ROLLBACK", NULL);
	return -1;
}
