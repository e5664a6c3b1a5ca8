/*
 * What `drover play` prints, as Ansible's default stdout callback prints
 * it: banners, one line per host result, retries, and the recap.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "inventory.h"
#include "jinja.h"
#include "module.h"
#include "play_int.h"
#include "playbook.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

/* The text width banners fill, as Ansible's display with no terminal. */
#define BANNER_COLUMNS 79

void out_banner(struct run *run, const char *kind, const char *name)
{
	struct buf line = BUF_INIT;
	size_t stars;

	run->shown_id = NULL;
	if (!run->o->live || run->o->adhoc)
		return;
	if (name)
		buf_addf(&line, "%s [%s]", kind, name);
	else
		buf_addstr(&line, kind);
	stars = line.len + 3 < BANNER_COLUMNS ? BANNER_COLUMNS - line.len : 3;
	buf_addch(&line, ' ');
	while (stars--)
		buf_addch(&line, '*');
	fputc('\n', run->out.fp);
	output_line(&run->out, COLOR_NONE, line.buf, line.len);
	buf_release(&line);
}

void task_shown_release(struct task_shown *ts)
{
	free(ts->kind);
	free(ts->name);
	free(ts->action);
	memset(ts, 0, sizeof(*ts));
}

static void show_task(struct run *run, const char *kind, const char *name, const char *action,
		      int no_log)
{
	out_banner(run, kind, name);
	if (action && run->o->report)
		report_task(run->o->report, name, action, no_log);
}

void out_task(struct run *run, const char *kind, const char *name, const char *action, int no_log,
	      const void *id)
{
	struct task_shown *ts = run->shown;

	if (!ts) {
		show_task(run, kind, name, action, no_log);
		return;
	}
	task_shown_release(ts);
	ts->kind = xstrdup(kind);
	ts->name = xstrdup(name);
	ts->action = action ? xstrdup(action) : NULL;
	ts->no_log = no_log;
	ts->id = id;
}

void out_task_due(struct run *run)
{
	struct task_shown *ts = run->shown;

	if (!ts || !ts->kind || ts->id == run->shown_id)
		return;
	show_task(run, ts->kind, ts->name, ts->action, ts->no_log);
	run->shown_id = ts->id;
}

char *task_display_name(json_t *task, json_t *vars)
{
	const char *name = json_string_value(json_object_get(task, "name"));
	const char *role = json_string_value(json_object_get(task, "__role"));
	struct jinja_ctx c = { .vars = vars };
	struct buf err = BUF_INIT, text = BUF_INIT;
	json_t *r = NULL;

	if (name && jinja_has_markers(name) && (r = jinja_render(&c, name, &err)))
		jinja_to_text(r, &text);
	else
		buf_addstr(&text, name ? name : playbook_action_label(task));
	json_decref(r);
	buf_release(&err);
	if (role) {
		char *s = xasprintf("%s : %s", role, text.buf);

		buf_release(&text);
		return s;
	}
	return buf_detach(&text, NULL);
}

/* Whether Ansible would show the result without -v (debug, assert...). */
static int verbose_always(json_t *result, json_t *task)
{
	const char *action = json_string_value(json_object_get(task, "__action"));

	return json_is_true(json_object_get(result, "_ansible_verbose_always")) ||
	       (action && !strcmp(action, "debug") && !json_is_true(json_object_get(result, "failed")));
}

/* --diff or the task's diff keyword: what changed, before the result line, as Ansible prints it. */
static void print_diff(struct run *run, const char *status, json_t *result, json_t *task)
{
	json_t *diff = json_object_get(result, "diff");
	struct buf text = BUF_INIT;

	if (!(run->o->diff || json_is_true(json_object_get(task, "diff"))) || !diff ||
	    !strcmp(status, "skipped") || !strcmp(status, "unreachable"))
		return;
	diff_render(diff, &text);
	if (text.len && text.buf[text.len - 1] != '\n')
		buf_addch(&text, '\n');
	fputs(text.buf, run->out.fp);
	buf_release(&text);
}

/* debug shows only what it was asked to: msg alone, or the variable. */
static void clean_debug(json_t *r)
{
	static const char *const with_msg[] = { "msg", "exception", "warnings", "deprecations", NULL };
	static const char *const hidden[] = { "changed", "failed", "skipped", "invocation",
					      "skip_reason", NULL };
	int has_msg = json_object_get(r, "msg") != NULL;
	const char *key;
	json_t *v;
	void *tmp;
	size_t i;

	json_object_foreach_safe(r, tmp, key, v) {
		int keep = !has_msg || key[0] == '_';

		for (i = 0; has_msg && with_msg[i]; i++)
			keep |= !strcmp(key, with_msg[i]);
		for (i = 0; !has_msg && hidden[i]; i++)
			keep &= strcmp(key, hidden[i]) != 0;
		if (!keep)
			json_object_del(r, key);
	}
}

static void add_json(struct run *run, json_t *result, json_t *task, struct buf *line, int force)
{
	json_t *copy;
	const char *action = json_string_value(json_object_get(task, "__action"));
	int always = verbose_always(result, task);

	if (!force && !always && run->out.verbosity < 1)
		return;
	copy = json_deep_copy(result);
	if (action && !strcmp(action, "debug"))
		clean_debug(copy);
	if (json_is_true(json_object_get(task, "no_log"))) {
		json_t *censored = json_pack("{s:s, s:O?}", "censored",
					     "the output has been hidden due to the fact that "
					     "'no_log: true' was specified for this result",
					     "changed", json_object_get(result, "changed"));

		json_decref(copy);
		copy = censored;
	}
	buf_addstr(line, " => ");
	output_dump_result(&run->out, copy, always || run->out.verbosity > 2 ? 4 : -1, line);
	json_decref(copy);
}

/* An ad-hoc command's result, as `drover adhoc` prints it: one block per host. */
static void adhoc_result(struct run *run, const char *host, const char *status, json_t *result,
			 json_t *task)
{
	const char *action = json_string_value(json_object_get(task, "__action"));
	const struct module *m = action ? module_find(action) : NULL;
	json_t *copy = json_deep_copy(result);

	if (action && !strcmp(action, "debug"))
		clean_debug(copy);
	output_adhoc_result(&run->out, host, m && m->no_json, status, copy);
	fflush(run->out.fp);
	json_decref(copy);
}

void out_host_result(struct run *run, const char *host, const char *status, json_t *result,
		     json_t *task, const char *item)
{
	struct buf line = BUF_INIT;
	int changed = json_is_true(json_object_get(result, "changed"));
	enum color c;

	out_task_due(run);
	if (!run->o->live)
		return;
	/* what is shown never holds a secret */
	result = run->o->report ? report_redact(run->o->report, result) : json_incref(result);
	print_diff(run, status, result, task);
	if (run->o->adhoc) {
		adhoc_result(run, host, status, result, task);
		json_decref(result);
		return;
	}
	if (!strcmp(status, "skipped")) {
		buf_addf(&line, "skipping: [%s]", host);
		if (item)
			buf_addf(&line, " => (item=%s) ", item);
		c = COLOR_SKIP;
	} else if (!strcmp(status, "unreachable")) {
		buf_addf(&line, "fatal: [%s]: UNREACHABLE! ", host);
		if (item)
			buf_addf(&line, "(item=%s) ", item);
		buf_setlen(&line, line.len - 1);
		add_json(run, result, task, &line, 1);
		c = COLOR_UNREACHABLE;
	} else if (!strcmp(status, "failed")) {
		if (item)
			buf_addf(&line, "failed: [%s] (item=%s)", host, item);
		else
			buf_addf(&line, "fatal: [%s]: FAILED!", host);
		add_json(run, result, task, &line, 1);
		c = COLOR_ERROR;
	} else {
		buf_addf(&line, "%s: [%s]", changed ? "changed" : "ok", host);
		if (item)
			buf_addf(&line, " => (item=%s)", item);
		add_json(run, result, task, &line, 0);
		c = changed ? COLOR_CHANGED : COLOR_OK;
	}
	output_line(&run->out, c, line.buf, line.len);
	fflush(run->out.fp);
	buf_release(&line);
	json_decref(result);
}

void out_retry(struct run *run, const char *host, const char *task_name, int left)
{
	struct buf line = BUF_INIT;

	out_task_due(run);
	if (!run->o->live)
		return;
	buf_addf(&line, "FAILED - RETRYING: [%s]: %s (%d retries left).", host, task_name, left);
	output_line(&run->out, COLOR_ERROR, line.buf, line.len);
	buf_release(&line);
}

void out_ignoring(struct run *run)
{
	if (run->o->live)
		output_line(&run->out, COLOR_SKIP, "...ignoring", 11);
}

static int by_name(const void *a, const void *b)
{
	const struct hoststate *x = *(struct hoststate *const *)a, *y = *(struct hoststate *const *)b;

	return strcmp(x->h->name, y->h->name);
}

void out_recap(struct run *run)
{
	struct hoststate **v;
	size_t n = 0, i;

	if (!run->o->live || run->o->adhoc)
		return;
	v = xcalloc(run->nr_hosts + 1, sizeof(*v));
	for (i = 0; i < run->nr_hosts; i++)
		if (run->hosts[i] && run->hosts[i]->seen)
			v[n++] = run->hosts[i];
	qsort(v, n, sizeof(*v), by_name);
	out_banner(run, "PLAY RECAP", NULL);
	for (i = 0; i < n; i++) {
		struct host_stats *s = &v[i]->stats;
		char *line = xasprintf("%-26s : ok=%-4d changed=%-4d unreachable=%-4d failed=%-4d "
				       "skipped=%-4d rescued=%-4d ignored=%-4d", v[i]->h->name, s->ok,
				       s->changed, s->unreachable, s->failed, s->skipped, s->rescued,
				       s->ignored);

		output_line(&run->out, s->failed || s->unreachable ? COLOR_ERROR :
				       s->changed ? COLOR_CHANGED : COLOR_OK, line, strlen(line));
		free(line);
	}
	fputc('\n', run->out.fp);
	free(v);
}

void out_error(struct run *run, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_addstr(&msg, "ERROR! ");
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fflush(run->out.fp);
	fprintf(stderr, "%s\n", msg.buf);
	buf_release(&msg);
}

void out_warning(struct run *run, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_addstr(&msg, "[WARNING]: ");
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fflush(run->out.fp);
	fprintf(stderr, "%s\n", msg.buf);
	buf_release(&msg);
}
