/*
 * --junit FILE: JUnit XML for CI dashboards. A play is a <testsuite>, a
 * host x task a <testcase classname="HOST" name="TASK">; failed and
 * unreachable results are <failure>, skipped ones <skipped/>; a failure a
 * rescue caught passes, with "rescued" in its <system-out>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "xalloc.h"
#include "banned.h"

/* Kept as data, not text, until written: a rescue may turn a failed case into a passed one. */
struct jcase {
	char *host, *task, *status;
	json_t *result;
	double time;
};

struct suite {
	char *name;
	struct jcase *cases;
	size_t nr, alloc;
};

struct junit {
	struct suite *suites;
	size_t nr, alloc;
};

struct junit *junit_new(void)
{
	return xcalloc(1, sizeof(struct junit));
}

static void suite_release(struct suite *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->cases[i].host);
		free(s->cases[i].task);
		free(s->cases[i].status);
		json_decref(s->cases[i].result);
	}
	free(s->cases);
	free(s->name);
}

void junit_free(struct junit *ju)
{
	size_t i;

	if (!ju)
		return;
	for (i = 0; i < ju->nr; i++)
		suite_release(&ju->suites[i]);
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

static int is_failure(const char *status)
{
	return !strcmp(status, "failed") || !strcmp(status, "unreachable");
}

static void case_body(struct buf *out, const struct jcase *c)
{
	const char *msg = json_string_value(json_object_get(c->result, "msg"));
	char *dump = json_dumps(c->result, JSON_INDENT(4) | JSON_SORT_KEYS);

	if (is_failure(c->status)) {
		buf_addstr(out, ">\n      <failure message=\"");
		xml_text(out, msg ? msg : c->status);
		buf_addf(out, "\" type=\"%s\">", c->status);
		xml_text(out, dump ? dump : "");
		buf_addstr(out, "</failure>\n    </testcase>\n");
	} else if (!strcmp(c->status, "skipped")) {
		buf_addstr(out, ">\n      <skipped message=\"");
		xml_text(out, msg ? msg : "skipped");
		buf_addstr(out, "\"/>\n    </testcase>\n");
	} else {
		buf_addf(out, ">\n      <system-out>%s: ", c->status);
		xml_text(out, dump ? dump : "");
		buf_addstr(out, "</system-out>\n    </testcase>\n");
	}
	free(dump);
}

void junit_case(struct junit *ju, const char *host, const char *task, const char *status,
		json_t *result, double duration)
{
	struct suite *s;
	struct jcase *c;

	if (!ju->nr)
		junit_play(ju, "drover");
	s = &ju->suites[ju->nr - 1];
	ALLOC_GROW(s->cases, s->nr + 1, s->alloc);
	c = &s->cases[s->nr++];
	c->host = xstrdup(host);
	c->task = xstrdup(task);
	c->status = xstrdup(status);
	c->result = json_incref(result);
	c->time = duration > 0 ? duration : 0;
}

void junit_rescued(struct junit *ju, const char *host)
{
	size_t i = ju->nr, j;

	while (i-- > 0)
		for (j = ju->suites[i].nr; j-- > 0;) {
			struct jcase *c = &ju->suites[i].cases[j];

			if (strcmp(c->host, host) || strcmp(c->status, "failed"))
				continue;
			free(c->status);
			c->status = xstrdup("rescued");
			return;
		}
}

struct counts {
	size_t tests, failures, skipped;
	double time;
};

static void suite_counts(const struct suite *s, struct counts *n)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		n->tests++;
		n->failures += is_failure(s->cases[i].status);
		n->skipped += !strcmp(s->cases[i].status, "skipped");
		n->time += s->cases[i].time;
	}
}

static void write_suite(const struct suite *s, FILE *fp)
{
	struct counts n = { 0 };
	struct buf text = BUF_INIT;
	size_t i;

	suite_counts(s, &n);
	xml_text(&text, s->name);
	fprintf(fp, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		    "skipped=\"%zu\" time=\"%.3f\">\n", text.buf, n.tests, n.failures, n.skipped,
		n.time);
	for (i = 0; i < s->nr; i++) {
		buf_reset(&text);
		buf_addstr(&text, "    <testcase classname=\"");
		xml_text(&text, s->cases[i].host);
		buf_addstr(&text, "\" name=\"");
		xml_text(&text, s->cases[i].task);
		buf_addf(&text, "\" time=\"%.3f\"", s->cases[i].time);
		case_body(&text, &s->cases[i]);
		fputs(text.buf, fp);
	}
	fputs("  </testsuite>\n", fp);
	buf_release(&text);
}

static void write_xml(struct junit *ju, FILE *fp)
{
	struct counts n = { 0 };
	size_t i;

	for (i = 0; i < ju->nr; i++)
		suite_counts(&ju->suites[i], &n);
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"drover\" "
		    "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		n.tests, n.failures, n.skipped, n.time);
	for (i = 0; i < ju->nr; i++)
		write_suite(&ju->suites[i], fp);
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
