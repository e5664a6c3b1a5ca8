#ifndef DROVER_REPORT_INT_H
#define DROVER_REPORT_INT_H

/* The writers behind report.c: only report.c calls these. */
#include <jansson.h>
#include <stdio.h>

#include "buf.h"

/* --output json: Ansible's json callback document, built as the run goes. */
struct json_report;
struct json_report *json_report_new(void);
void json_report_play(struct json_report *j, const char *name, const char *when);
void json_report_task(struct json_report *j, const char *name, const char *when);
/* Ends the current task's duration at when. */
void json_report_task_end(struct json_report *j, const char *when);
void json_report_result(struct json_report *j, const char *host, const char *action, json_t *result);
/* The document (new reference) with stats (borrowed). */
json_t *json_report_doc(struct json_report *j, json_t *stats);
void json_report_free(struct json_report *j);

/* --junit FILE: one <testsuite> per play, one <testcase> per host x task. */
struct junit;
struct junit *junit_new(void);
void junit_play(struct junit *ju, const char *name);
void junit_case(struct junit *ju, const char *host, const char *task, const char *status,
		json_t *result, double duration);
/* host's newest failed case becomes "rescued" (a passed case, as the recap counts it). */
void junit_rescued(struct junit *ju, const char *host);
/* Writes the XML to path ("-": stdout). 0, or -1 with err. */
int junit_write(struct junit *ju, const char *path, struct buf *err);
void junit_free(struct junit *ju);

/* --log FILE: "2026-11-26 03:00:01,123 p=PID u=USER n=drover | text" lines, appended. */
struct runlog;
struct runlog *runlog_open(const char *path, struct buf *err);
void runlog_line(struct runlog *log, const char *text);
void runlog_close(struct runlog *log);

#endif
