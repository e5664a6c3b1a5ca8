#ifndef DROVER_RECORDS_INT_H
#define DROVER_RECORDS_INT_H

/* Shared by records.c (writing) and records_query.c (reading) only. */
#include <sqlite3.h>

#include "records.h"

struct records {
	sqlite3 *db;
	long long run_id;
	sqlite3_stmt *insert_result; /* prepared once: a play writes thousands */
};

/* Prepares sql; NULL with "records: <sqlite message>" in err. */
sqlite3_stmt *records_prepare(struct records *rec, const char *sql, struct buf *err);
/* Steps a statement that returns no rows, then finalizes it. 0 or -1 with err. */
int records_exec_stmt(struct records *rec, sqlite3_stmt *st, struct buf *err);
void records_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif
