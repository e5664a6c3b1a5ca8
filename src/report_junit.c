/*
 * --junit FILE: JUnit XML for CI dashboards. A play is a <testsuite>, a
 * host x task a <testcase classname="HOST" name="TASK">; failed and
 * unreachable results are <failure>, skipped ones <skipped/>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "xalloc.h"
#include "banned.h"

struct suite {
	char *name;
	struct buf cases;
	size_t tests, failures, skipped;
	double time;
};

struct junit {
	struct suite *suites;
	size_t nr, alloc;
};

struct junit *junit_new(void)
{
	return xcalloc(1, sizeof(struct junit));
}

void junit_free(struct junit *ju)
{
	size_t i;

	if (!ju)
		return;
	for (i = 0; i < ju->nr; i++) {
		free(ju->suites[i].name);
		buf_release(&ju->suites[i].cases);
	}
	free(ju->suites);
	free(ju);
}

void junit_play(struct junit *ju, const char *name)
{
	struct suite *s;

	ALLOC_GROW(ju->suites, ju->nr + 1, ju->alloc);
	s = &ju->suites[ju->nr++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	buf_init(&s->cases, 0);
}

/* Text for an attribute or element: markup escaped, characters XML 1.0 forbids dropped. */
static void xml_text(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': buf_addstr(out, "&amp;"); break;
		case '<': buf_addstr(out, "&lt;"); break;
		case '>': buf_addstr(out, "&gt;"); break;
		case '"': buf_addstr(out, "&quot;"); break;
		case '\'': buf_addstr(out, "&apos;"); break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				buf_addch(out, (char)c);
		}
	}
}

static void case_body(struct suite *s, const char *status, json_t *result)
{
	const char *msg = json_string_value(json_object_get(result, "msg"));
	char *dump = json_dumps(result, JSON_INDENT(4) | JSON_SORT_KEYS);

	if (!strcmp(status, "failed") || !strcmp(status, "unreachable")) {
		s->failures++;
		buf_addstr(&s->cases, ">\n      <failure message=\"");
		xml_text(&s->cases, msg ? msg : status);
		buf_addf(&s->cases, "\" type=\"%s\">", status);
		xml_text(&s->cases, dump ? dump : "");
		buf_addstr(&s->cases, "</failure>\n    </testcase>\n");
	} else if (!strcmp(status, "skipped")) {
		s->skipped++;
		buf_addstr(&s->cases, ">\n      <skipped message=\"");
		xml_text(&s->cases, msg ? msg : "skipped");
		buf_addstr(&s->cases, "\"/>\n    </testcase>\n");
	} else {
		buf_addf(&s->cases, ">\n      <system-out>%s: ", status);
		xml_text(&s->cases, dump ? dump : "");
		buf_addstr(&s->cases, "</system-out>\n    </testcase>\n");
	}
	free(dump);
}

void junit_case(struct junit *ju, const char *host, const char *task, const char *status,
		json_t *result, double duration)
{
	struct suite *s;

	if (!ju->nr)
		junit_play(ju, "drover");
	s = &ju->suites[ju->nr - 1];
	s->tests++;
	s->time += duration > 0 ? duration : 0;
	buf_addstr(&s->cases, "    <testcase classname=\"");
	xml_text(&s->cases, host);
	buf_addstr(&s->cases, "\" name=\"");
	xml_text(&s->cases, task);
	buf_addf(&s->cases, "\" time=\"%.3f\"", duration > 0 ? duration : 0);
	case_body(s, status, result);
}

static void write_xml(struct junit *ju, FILE *fp)
{
	size_t i, tests = 0, failures = 0, skipped = 0;
	double time = 0;

	for (i = 0; i < ju->nr; i++) {
		tests += ju->suites[i].tests;
		failures += ju->suites[i].failures;
		skipped += ju->suites[i].skipped;
		time += ju->suites[i].time;
	}
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"drover\" "
		    "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		tests, failures, skipped, time);
	for (i = 0; i < ju->nr; i++) {
		struct suite *s = &ju->suites[i];
		struct buf name = BUF_INIT;

		xml_text(&name, s->name);
		fprintf(fp, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
			    "skipped=\"%zu\" time=\"%.3f\">\n%s  </testsuite>\n",
			name.buf, s->tests, s->failures, s->skipped, s->time, s->cases.buf);
		buf_release(&name);
	}
	fputs("</testsuites>\n", fp);
}

int junit_write(struct junit *ju, const char *path, struct buf *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!fp) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	write_xml(ju, fp);
	if (fp == stdout ? fflush(fp) : fclose(fp)) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
