/*
 * One task on the hosts of a batch, Ansible's linear way: every host's
 * conditions, loops and arguments are worked out on the controller, the
 * hosts' module runs go to the executor together (one job per host per
 * round, so a host's loop items and retries run in order on its session),
 * and results are checked, registered, printed and counted as they come.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "inventory.h"
#include "jinja.h"
#include "jinja_filters.h"
#include "module.h"
#include "play_int.h"
#include "playbook.h"
#include "pytext.h"
#include "report.h"
#include "runner.h"
#include "transfer.h"
#include "xalloc.h"
#include "banned.h"

/* A host's progress through the task. */
struct hexec {
	struct hoststate *hs;
	json_t *vars;        /* its variables (owned) */
	json_t *items;       /* loop items, or NULL without a loop */
	size_t next;         /* next item */
	json_t *item;        /* the item in flight (borrowed from items) */
	json_t *results;     /* per-item results */
	json_t *job;         /* the job in flight, or NULL */
	int attempts;        /* until: runs so far of the current item */
	time_t retry_at;     /* until: not before */
	int done;
};

struct task_run {
	struct play_run *pr;
	json_t *task;
	const char *action;
	const struct module *mod;   /* NULL: an internal action */
	const char *loop_var;
	int is_template;            /* template: rendered here, sent as copy */
	struct hexec *hx;
	size_t nr;
	char *name;                 /* as shown */
	char **lookup_paths;        /* where lookups find relative files */
	int retries, delay;
};

/* ---- small helpers ---- */

static struct jinja_ctx ctx_of(struct task_run *t, json_t *vars)
{
	struct jinja_ctx c = { .vars = vars, .where = playbook_where(t->task),
			       .search_paths = (const char *const *)t->lookup_paths };

	return c;
}

static json_t *kw(struct task_run *t, const char *key)
{
	return json_object_get(t->task, key);
}

/* A keyword that may be templated, as a boolean (absent: dflt). */
static int kw_bool(struct task_run *t, json_t *vars, const char *key, int dflt)
{
	json_t *v = kw(t, key);
	struct jinja_ctx c = ctx_of(t, vars);
	struct buf err = BUF_INIT;
	int r;

	if (!v || json_is_null(v))
		return dflt;
	r = jinja_condition(&c, v, &err);
	buf_release(&err);
	return r < 0 ? dflt : r;
}

static json_t *failed_result(const char *msg)
{
	return json_pack("{s:b, s:b, s:s}", "failed", 1, "changed", 0, "msg", msg);
}

/* Ansible's result keys that never reach registered variables. */
static void clean_result(json_t *r)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(r, tmp, key, v)
		if (!strncmp(key, "_drover", 7) || !strcmp(key, "_ansible_verbose_always"))
			json_object_del(r, key);
}

/* ---- conditions ---- */

/* Every condition of a list (when, failed_when, ...): 1, 0, or -1 with err. */
static int all_true(struct task_run *t, json_t *conds, json_t *vars, struct buf *err)
{
	struct jinja_ctx c = ctx_of(t, vars);
	json_t *cond;
	size_t i;
	int r;

	if (!json_is_array(conds))
		return jinja_condition(&c, conds, err);
	json_array_foreach(conds, i, cond)
		if ((r = jinja_condition(&c, cond, err)) <= 0)
			return r;
	return 1;
}

static json_t *skipped_result(json_t *when, size_t failed_at)
{
	json_t *r = json_pack("{s:b, s:b, s:s}", "changed", 0, "skipped", 1, "skip_reason",
			      "Conditional result was False");
	json_t *cond = json_is_array(when) ? json_array_get(when, failed_at) : when;

	if (json_is_string(cond))
		json_object_set(r, "false_condition", cond);
	return r;
}

/* when: 1 (run), 0 (skip, *skip set) or -1 (error, *skip a failure). */
static int check_when(struct task_run *t, json_t *vars, json_t **skip)
{
	json_t *when = kw(t, "when"), *cond;
	struct buf err = BUF_INIT;
	struct jinja_ctx c = ctx_of(t, vars);
	size_t i;
	int r = 1;

	json_array_foreach(when, i, cond) {
		r = jinja_condition(&c, cond, &err);
		if (r == 0)
			*skip = skipped_result(when, i);
		if (r < 0)
			*skip = failed_result(err.buf);
		if (r <= 0)
			break;
	}
	buf_release(&err);
	return r;
}

/* ---- loops ---- */

static json_t *flatten_once(json_t *v)
{
	json_t *out = json_array(), *item;
	size_t i;

	json_array_foreach(v, i, item) {
		if (json_is_array(item))
			json_array_extend(out, item);
		else
			json_array_append(out, item);
	}
	return out;
}

/* with_<lookup>: the lookup over the rendered terms. */
static json_t *lookup_items(struct task_run *t, const char *lookup, json_t *terms, json_t *vars,
			    struct buf *err)
{
	struct jinja_ctx c = ctx_of(t, vars);
	struct jinja_call call = { .ctx = &c };
	jinja_lookup_fn fn;
	json_t *out;

	if (!strcmp(lookup, "items"))
		return json_is_array(terms) ? flatten_once(terms) : json_pack("[O]", terms);
	if (!strcmp(lookup, "list"))
		return json_is_array(terms) ? json_incref(terms) : json_pack("[O]", terms);
	if (!(fn = jinja_lookup_find(lookup))) {
		buf_setf(err, "with_%s: drover has no lookup plugin named '%s'", lookup, lookup);
		return NULL;
	}
	call.args = json_is_array(terms) ? json_incref(terms) : json_pack("[O]", terms);
	call.kwargs = json_object();
	out = fn(&call, err);
	json_decref(call.args);
	json_decref(call.kwargs);
	return out;
}

static json_t *loop_items(struct task_run *t, json_t *vars, struct buf *err)
{
	struct jinja_ctx c = ctx_of(t, vars);
	const char *lookup = json_string_value(kw(t, "__lookup"));
	json_t *v = jinja_render_tree(&c, kw(t, "loop"), err), *items;

	if (!v)
		return NULL;
	if (lookup) {
		items = lookup_items(t, lookup, v, vars, err);
	} else if (json_is_array(v)) {
		items = json_incref(v);
	} else {
		buf_setf(err, "Invalid data passed to 'loop', it requires a list, got this instead: %s. "
			      "Hint: If you passed a list/elements of a list, please use the 'flatten' filter",
			 json_is_string(v) ? json_string_value(v) : "a non-list value");
		items = NULL;
	}
	json_decref(v);
	return items;
}

json_t *task_loop_items(struct play_run *pr, json_t *task, json_t *vars, struct buf *err)
{
	struct task_run t = { .pr = pr, .task = task };
	json_t *items;

	t.lookup_paths = playbook_lookup_paths(task, pr->dir);
	items = loop_items(&t, vars, err);
	playbook_free_paths(t.lookup_paths);
	return items;
}

/* An item's result names its loop variable (and index variable) as Ansible's does. */
static void set_item_keys(struct task_run *t, struct hexec *hx, json_t *result)
{
	const char *index_var = json_string_value(json_object_get(kw(t, "loop_control"), "index_var"));

	json_object_set(result, t->loop_var, hx->item);
	json_object_set_new(result, "ansible_loop_var", json_string(t->loop_var));
	if (index_var) {
		json_object_set(result, index_var, json_object_get(hx->vars, index_var));
		json_object_set_new(result, "ansible_index_var", json_string(index_var));
	}
}

static void set_loop_vars(struct task_run *t, struct hexec *hx, size_t i)
{
	json_t *lc = kw(t, "loop_control");
	const char *index_var = json_string_value(json_object_get(lc, "index_var"));
	size_t n = json_array_size(hx->items);

	json_object_set(hx->vars, t->loop_var, hx->item);
	json_object_set_new(hx->vars, "ansible_loop_var", json_string(t->loop_var));
	json_object_set_new(hx->vars, "ansible_loop",
			    json_pack("{s:i, s:i, s:b, s:b, s:i, s:i, s:i, s:O?, s:O?, s:O}", "index",
				      (json_int_t)i + 1, "index0", (json_int_t)i, "first", i == 0,
				      "last", i + 1 == n, "length", (json_int_t)n, "revindex",
				      (json_int_t)(n - i), "revindex0", (json_int_t)(n - i - 1),
				      "previtem", i ? json_array_get(hx->items, i - 1) : NULL,
				      "nextitem", json_array_get(hx->items, i + 1), "allitems",
				      hx->items));
	if (index_var)
		json_object_set_new(hx->vars, index_var, json_integer((json_int_t)i));
}

/* The "(item=...)" text: loop_control.label rendered, or the item as Python prints it. */
static char *item_label(struct task_run *t, struct hexec *hx)
{
	json_t *label = json_object_get(kw(t, "loop_control"), "label"), *v = NULL;
	struct jinja_ctx c = ctx_of(t, hx->vars);
	struct buf err = BUF_INIT, out = BUF_INIT;

	if (label)
		v = jinja_render_tree(&c, label, &err);
	jinja_to_text(v ? v : hx->item, &out);
	json_decref(v);
	buf_release(&err);
	return buf_detach(&out, NULL);
}

/* ---- arguments and jobs ---- */

static int is_omit(struct task_run *t, json_t *v)
{
	return json_is_string(v) && !strcmp(json_string_value(v), t->pr->run->omit);
}

/* Drops every value that is the omit placeholder, as Ansible does. */
static void remove_omit(struct task_run *t, json_t *v)
{
	const char *key;
	json_t *item;
	void *tmp;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, key, item) {
			if (is_omit(t, item))
				json_object_del(v, key);
			else
				remove_omit(t, item);
		}
	} else if (json_is_array(v)) {
		for (i = json_array_size(v); i-- > 0;) {
			if (is_omit(t, json_array_get(v, i)))
				json_array_remove(v, i);
			else
				remove_omit(t, json_array_get(v, i));
		}
	}
}

static json_t *render_args(struct task_run *t, json_t *vars, struct buf *err)
{
	struct jinja_ctx c = ctx_of(t, vars);
	json_t *shared = jinja_render_tree(&c, kw(t, "__args"), err), *args;

	if (!shared)
		return NULL;
	/* rendered values may be the variables' own: the job gets its own copy to change */
	args = json_deep_copy(shared);
	json_decref(shared);
	remove_omit(t, args);
	return args;
}

/* copy's src, a relative local path, as Ansible finds it: files/ of the role, then the playbook's. */
static void resolve_src(struct task_run *t, json_t *args, const char *subdir)
{
	const char *src = json_string_value(json_object_get(args, "src"));
	char **paths, *path = NULL;
	size_t i;

	if (!src || src[0] == '/' || json_is_true(json_object_get(args, "remote_src")))
		return;
	paths = playbook_search_paths(t->task, t->pr->dir, subdir);
	for (i = 0; paths[i] && !path; i++) {
		path = xasprintf("%s/%s", paths[i], src);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	if (path)
		json_object_set_new(args, "src", json_string(path));
	free(path);
	playbook_free_paths(paths);
}

/* environment: keyword → K=V words the module prelude exports. */
static void add_environment(struct task_run *t, json_t *vars, json_t *args)
{
	struct jinja_ctx c = ctx_of(t, vars);
	struct buf err = BUF_INIT, text = BUF_INIT;
	json_t *env = kw(t, "environment"), *r, *v, *list;
	const char *key;

	if (!json_is_object(env) || !(r = jinja_render_tree(&c, env, &err))) {
		buf_release(&err);
		return;
	}
	list = json_array();
	json_object_foreach(r, key, v) {
		buf_reset(&text);
		jinja_to_text(v, &text);
		json_array_append_new(list, json_sprintf("%s=%s", key, text.buf));
	}
	json_object_set_new(args, "_drover_env", list);
	json_decref(r);
	buf_release(&text);
	buf_release(&err);
}

/* How to reach the host the task runs on: its own, or delegate_to's. */
static json_t *conn_for(struct task_run *t, json_t *vars, struct buf *err)
{
	struct run *run = t->pr->run;
	struct conn_defaults d = run->o->conn;
	struct jinja_ctx c = ctx_of(t, vars);
	json_t *dv = kw(t, "delegate_to"), *who = NULL, *conn_vars = vars, *fake = NULL, *conn, *v;
	struct host *dh;
	const char *name, *pass;

	if ((v = kw(t, "remote_user")) && json_is_string(v))
		d.user = json_string_value(v);
	if ((v = kw(t, "connection")) && json_is_string(v))
		d.connection = json_string_value(v);
	if (dv && !(who = jinja_render_tree(&c, dv, err)))
		return NULL;
	if ((name = json_string_value(who))) {
		if ((dh = inventory_find_host(run->inv, name))) {
			conn_vars = run_hoststate(run, dh)->inv_vars;
		} else {
			/* Ansible's implicit localhost, or a name reached as is */
			fake = json_pack("{s:s}", "inventory_hostname", name);
			if (!strcmp(name, "localhost") || !strcmp(name, "127.0.0.1"))
				json_object_set_new(fake, "ansible_connection", json_string("local"));
			conn_vars = fake;
		}
	}
	conn = connvars_build(conn_vars, &d, err);
	if (conn && (pass = keypass_add(&run->keys, conn)) && run->o->report)
		report_add_secret(run->o->report, pass);
	json_decref(fake);
	json_decref(who);
	return conn;
}

/*
 * A become password may be a template ("{{ vault_sudo_pass }}"): rendered
 * here, and what it renders to is a secret from now on.
 */
static json_t *render_become_password(struct task_run *t, json_t *vars, json_t *become)
{
	json_t *pw = json_object_get(become, "password"), *done;
	struct jinja_ctx c = ctx_of(t, vars);
	struct buf err = BUF_INIT;

	if (!pw || !strstr(json_string_value(pw), "{{"))
		return become;
	if ((done = jinja_render_tree(&c, pw, &err)) && json_is_string(done)) {
		if (t->pr->run->o->report)
			report_add_secret(t->pr->run->o->report, json_string_value(done));
		json_object_set(become, "password", done);
	}
	json_decref(done);
	buf_release(&err);
	return become;
}

static json_t *become_for(struct task_run *t, json_t *vars)
{
	struct conn_defaults d = t->pr->run->o->conn;
	json_t *v;

	if ((v = kw(t, "become")))
		d.become = kw_bool(t, vars, "become", 0);
	if ((v = kw(t, "become_user")) && json_is_string(v))
		d.become_user = json_string_value(v);
	if ((v = kw(t, "become_method")) && json_is_string(v))
		d.become_method = json_string_value(v);
	if ((v = kw(t, "become_flags")) && json_is_string(v))
		d.become_flags = json_string_value(v);
	if ((v = kw(t, "become_exe")) && json_is_string(v))
		d.become_exe = json_string_value(v);
	return render_become_password(t, vars, connvars_become(vars, &d));
}

static int check_mode_of(struct task_run *t, json_t *vars)
{
	return kw_bool(t, vars, "check_mode", t->pr->run->o->check);
}

/* The executor job for a module on hx's host, or NULL with err set. */
static json_t *build_job(struct task_run *t, struct hexec *hx, json_t *args, struct buf *err)
{
	json_t *checked, *conn, *job, *become;
	json_t *timeout = kw(t, "timeout");

	json_object_set_new(args, "_ansible_check_mode", json_boolean(check_mode_of(t, hx->vars)));
	json_object_set_new(args, "_ansible_diff", json_boolean(kw_bool(t, hx->vars, "diff",
									 t->pr->run->o->diff)));
	if (!(checked = module_check_args(t->mod, args, err)))
		return NULL;
	if (!strcmp(t->mod->script ?: "", "copy") &&
	    transfer_decrypt_copy(checked, t->pr->run->o->vault, t->pr->run->copy_plain,
				  err) < 0) {
		json_decref(checked);
		return NULL;
	}
	add_environment(t, hx->vars, checked);
	if (!(conn = conn_for(t, hx->vars, err))) {
		json_decref(checked);
		return NULL;
	}
	job = json_pack("{s:s, s:o, s:s, s:o, s:I}", "host", hx->hs->h->name, "conn", conn,
			"module", t->mod->name, "args", checked, "timeout",
			json_is_integer(timeout) ? json_integer_value(timeout) :
						   (json_int_t)t->pr->run->o->task_timeout);
	if ((become = become_for(t, hx->vars)))
		json_object_set_new(job, "become", become);
	if (json_is_string(json_object_get(hx->vars, "ansible_shell_executable")))
		json_object_set(job, "shell", json_object_get(hx->vars, "ansible_shell_executable"));
	return job;
}

/* ---- results ---- */

static void notify_handlers(struct task_run *t, struct hexec *hx)
{
	json_t *notify = kw(t, "notify"), *name;
	size_t i;

	json_array_foreach(notify, i, name) {
		json_t *hosts;

		if (!json_is_string(name))
			continue;
		hosts = json_object_get(t->pr->notified, json_string_value(name));
		if (!hosts) {
			hosts = json_object();
			json_object_set_new(t->pr->notified, json_string_value(name), hosts);
		}
		json_object_set_new(hosts, hx->hs->h->name, json_true());
	}
}

static void count(struct hoststate *hs, const char *status, int changed, int ignored)
{
	hs->seen = 1;
	if (!strcmp(status, "skipped")) {
		hs->stats.skipped++;
		return;
	}
	if (!strcmp(status, "unreachable")) {
		hs->stats.unreachable++;
		return;
	}
	if (!strcmp(status, "failed") && !ignored) {
		hs->stats.failed++;
		return;
	}
	hs->stats.ok++;
	hs->stats.changed += changed;
	hs->stats.ignored += ignored;
}

/* The result as the records and reports see it. */
static void record(struct task_run *t, struct hexec *hx, const char *status, int ignored,
		   json_t *result)
{
	struct report *r = t->pr->run->o->report;

	if (r)
		json_decref(report_result(r, hx->hs->h->name, ignored ? "ignored" : status, result, -1));
}

/*
 * What a rescue sees as ansible_failed_task and ansible_failed_result: the
 * task (its keywords, action and unrendered args) and its result.
 */
static void remember_failure(struct task_run *t, struct hoststate *hs, json_t *result)
{
	json_t *task = json_object(), *v;
	const char *k;

	json_object_foreach(t->task, k, v)
		if (strncmp(k, "__", 2))
			json_object_set(task, k, v);
	if (!json_object_get(task, "name"))
		json_object_set_new(task, "name", json_string(""));
	json_object_set_new(task, "action", json_string(t->action));
	json_object_set(task, "args", json_object_get(t->task, "__args") ?: json_object());
	json_decref(hs->failure);
	hs->failure = json_pack("{s:o, s:O}", "task", task, "result", result);
}

/* The host is done with the task: register, count, notify, fail. Steals result. */
static void finish_host(struct task_run *t, struct hexec *hx, const char *status, json_t *result)
{
	const char *reg = json_string_value(kw(t, "register"));
	int changed = json_is_true(json_object_get(result, "changed"));
	int ignored = 0;

	hx->done = 1;
	clean_result(result);
	if (!strcmp(status, "failed"))
		ignored = kw_bool(t, hx->vars, "ignore_errors", 0);
	if (!strcmp(status, "unreachable") && kw_bool(t, hx->vars, "ignore_unreachable", 0))
		status = "ok", ignored = 0;
	if (reg)
		json_object_set(hx->hs->host_vars, reg, result);
	record(t, hx, status, ignored, result);
	count(hx->hs, status, changed, ignored);
	if (ignored)
		out_ignoring(t->pr->run);
	if (!strcmp(status, "failed") && !ignored) {
		hx->hs->failed = 1;
		remember_failure(t, hx->hs, result);
	} else if (!strcmp(status, "unreachable"))
		hx->hs->unreachable = 1;
	if (changed && strcmp(status, "skipped") && (strcmp(status, "failed") || ignored))
		notify_handlers(t, hx);
	json_decref(result);
}

/* A loop's result: every item's, with Ansible's summary keys. */
static void finish_loop(struct task_run *t, struct hexec *hx)
{
	json_t *res = json_object(), *r;
	int changed = 0, failed = 0, skipped = 1, unreachable = 0;
	size_t i;

	json_array_foreach(hx->results, i, r) {
		changed |= json_is_true(json_object_get(r, "changed"));
		failed |= json_is_true(json_object_get(r, "failed"));
		skipped &= json_is_true(json_object_get(r, "skipped"));
		unreachable |= json_is_true(json_object_get(r, "unreachable"));
	}
	if (!json_array_size(hx->results)) {
		json_object_set_new(res, "skipped_reason", json_string("No items in the list"));
		skipped = 1;
	}
	json_object_set_new(res, "results", json_incref(hx->results));
	json_object_set_new(res, "changed", json_boolean(changed));
	json_object_set_new(res, "msg", json_string(failed ? "One or more items failed" :
							     "All items completed"));
	if (failed)
		json_object_set_new(res, "failed", json_true());
	if (skipped)
		json_object_set_new(res, "skipped", json_true());
	if (skipped && !failed)
		out_host_result(t->pr->run, hx->hs->h->name, "skipped", res, t->task, NULL);
	finish_host(t, hx, unreachable ? "unreachable" : failed ? "failed" : skipped ? "skipped" : "ok",
		    res);
}

/* Evaluates a result keyword (failed_when, changed_when, until) with the result registered. */
static int result_condition(struct task_run *t, struct hexec *hx, const char *key, json_t *result,
			    int *value)
{
	const char *reg = json_string_value(kw(t, "register"));
	json_t *conds = kw(t, key), *vars, *list;
	struct buf err = BUF_INIT;
	int r;

	if (!conds)
		return 0;
	vars = json_copy(hx->vars);
	if (reg)
		json_object_set(vars, reg, result);
	list = json_is_array(conds) ? json_incref(conds) : json_pack("[O]", conds);
	r = all_true(t, list, vars, &err);
	json_decref(list);
	if (r < 0) {
		json_object_set_new(result, "failed", json_true());
		json_object_set_new(result, "msg", json_sprintf("The conditional check '%s' failed. "
								"The error was: %s", key, err.buf));
	} else {
		*value = r;
	}
	json_decref(vars);
	buf_release(&err);
	return r < 0 ? -1 : 1;
}

/* until: 1 when the result must be tried again (the retry is then scheduled). */
static int retry_needed(struct task_run *t, struct hexec *hx, json_t *result)
{
	int ok = 1;

	if (!kw(t, "until"))
		return 0;
	hx->attempts++;
	json_object_set_new(result, "attempts", json_integer(hx->attempts));
	if (result_condition(t, hx, "until", result, &ok) < 0 || ok)
		return 0;
	if (hx->attempts > t->retries)
		return 0;
	out_retry(t->pr->run, hx->hs->h->name, t->name, t->retries - hx->attempts + 1);
	hx->retry_at = time(NULL) + t->delay;
	return 1;
}

/* changed_when and failed_when rewrite a result; returns its status. */
static const char *judge(struct task_run *t, struct hexec *hx, const char *status, json_t *result)
{
	int v = 0;

	if (!strcmp(status, "unreachable"))
		return status;
	if (result_condition(t, hx, "changed_when", result, &v) > 0)
		json_object_set_new(result, "changed", json_boolean(v));
	if (result_condition(t, hx, "failed_when", result, &v) > 0) {
		json_object_set_new(result, "failed_when_result", json_boolean(v));
		json_object_set_new(result, "failed", json_boolean(v));
	}
	return json_is_true(json_object_get(result, "failed")) ? "failed" : "ok";
}

/*
 * Facts a result brings: set_fact sets host variables (cacheable ones
 * also facts), include_vars a level below them; modules such as setup set
 * facts. Later items of a loop see them.
 */
static void apply_facts(struct task_run *t, struct hexec *hx, const char *status, json_t *result)
{
	json_t *facts = json_object_get(result, "ansible_facts");

	if (!json_is_object(facts) || strcmp(status, "ok"))
		return;
	if (!strcmp(t->action, "include_vars")) {
		json_object_update(hx->hs->inc_vars, facts);
	} else if (!strcmp(t->action, "set_fact")) {
		json_object_update(hx->hs->host_vars, facts);
		if (json_is_true(json_object_get(result, "_drover_cacheable")))
			json_object_update(hx->hs->facts, facts);
	} else {
		json_object_update(hx->hs->facts, facts);
	}
	json_object_update(hx->vars, facts);
}

/* One result (of the host, or of one item). Steals result. */
static void take_result(struct task_run *t, struct hexec *hx, const char *status, json_t *result)
{
	char *label = NULL;

	if (!strcmp(status, "ok") || !strcmp(status, "failed")) {
		if (retry_needed(t, hx, result)) {
			json_decref(result);
			return;
		}
		status = judge(t, hx, status, result);
	}
	hx->attempts = 0;
	apply_facts(t, hx, status, result);
	if (!hx->items) {
		out_host_result(t->pr->run, hx->hs->h->name, status, result, t->task, NULL);
		finish_host(t, hx, status, result);
		return;
	}
	label = item_label(t, hx);
	set_item_keys(t, hx, result);
	out_host_result(t->pr->run, hx->hs->h->name, status, result, t->task, label);
	if (!strcmp(status, "unreachable"))
		json_object_set_new(result, "unreachable", json_true());
	clean_result(result);
	json_array_append_new(hx->results, result);
	free(label);
	if (!strcmp(status, "unreachable"))
		finish_loop(t, hx);
}

static int check_mode_unsupported(struct task_run *t, struct hexec *hx)
{
	static const char *const no_check[] = { "command", "shell", "raw", "script", NULL };
	size_t i;

	if (!check_mode_of(t, hx->vars))
		return 0;
	for (i = 0; no_check[i]; i++)
		if (!strcmp(t->mod->name, no_check[i]))
			return 1;
	return 0;
}

/* template: the rendered text as copy's content (args replaced). */
static json_t *template_args(struct task_run *t, struct hexec *hx, json_t *args, struct buf *err)
{
	json_t *out = action_template_args(t->pr, t->task, args, hx->vars, err);

	json_decref(args);
	return out;
}

/* Runs an internal action or prepares the job of one run of the task on hx's host. */
static void start_one(struct task_run *t, struct hexec *hx)
{
	struct buf err = BUF_INIT;
	json_t *skip = NULL, *args, *res;

	if (check_when(t, hx->vars, &skip) <= 0) {
		take_result(t, hx, json_is_true(json_object_get(skip, "failed")) ? "failed" : "skipped",
			    skip);
		goto out;
	}
	if (!(args = render_args(t, hx->vars, &err))) {
		take_result(t, hx, "failed", failed_result(err.buf));
		goto out;
	}
	if (!t->mod) {
		res = action_run(t->pr, hx->hs, t->task, args, hx->vars, &err);
		take_result(t, hx, res ? (json_is_true(json_object_get(res, "failed")) ? "failed" : "ok") :
				     "failed", res ? res : failed_result(err.buf));
	} else if (check_mode_unsupported(t, hx)) {
		take_result(t, hx, "skipped", json_pack("{s:b, s:b, s:s}", "changed", 0, "skipped", 1,
							"msg", "drover: this module does not support check mode"));
	} else {
		resolve_src(t, args, "files");
		if (t->is_template && !(args = template_args(t, hx, args, &err)))
			take_result(t, hx, "failed", failed_result(err.buf));
		else if (!(hx->job = build_job(t, hx, args, &err)))
			take_result(t, hx, "failed", failed_result(err.buf));
	}
	json_decref(args);
out:
	buf_release(&err);
}

/* ---- rounds ---- */

/* Moves hx on: the next item, or its first run; sets hx->job when a module must run. */
static void advance(struct task_run *t, struct hexec *hx)
{
	json_t *pause = json_object_get(kw(t, "loop_control"), "pause");

	while (!hx->done && !hx->job) {
		if (hx->retry_at) {
			if (time(NULL) < hx->retry_at)
				return;
			hx->retry_at = 0;
			start_one(t, hx);
			continue;
		}
		if (!hx->items) {
			start_one(t, hx);
			if (!hx->job && !hx->retry_at && !hx->done)
				BUG("task step left the host undecided");
			return;
		}
		if (hx->next >= json_array_size(hx->items)) {
			finish_loop(t, hx);
			return;
		}
		if (hx->next && json_is_number(pause))
			play_sleep_ms(t->pr, (long)(json_number_value(pause) * 1000));
		hx->item = json_array_get(hx->items, hx->next);
		set_loop_vars(t, hx, hx->next++);
		start_one(t, hx);
	}
}

/* fetch's controller half: the file the module brought is written here. */
static const char *store_fetched(struct hexec *hx, json_t *result)
{
	struct buf err = BUF_INIT;
	int r;

	r = transfer_store_fetch(json_object_get(hx->job, "args"), hx->hs->h->name, result, &err);
	buf_release(&err);
	return r < 0 ? "failed" : "ok";
}

/* The executor numbers a round's jobs 0..n-1; which[] maps them to hosts. */
struct round {
	struct task_run *t;
	const size_t *which;
};

static void on_outcome(size_t job, json_t *outcome, void *data)
{
	struct round *rd = data;
	struct task_run *t = rd->t;
	struct hexec *hx = &t->hx[rd->which[job]];
	const char *status = json_string_value(json_object_get(outcome, "status"));
	json_t *result = json_object_get(outcome, "result");

	result = json_is_object(result) ? json_deep_copy(result) : failed_result("no result");
	if (!status)
		status = "failed";
	if (!strcmp(status, "ok") && !strcmp(t->mod->name, "fetch"))
		status = store_fetched(hx, result);
	json_decref(hx->job);
	hx->job = NULL;
	take_result(t, hx, status, result);
}

/* Sends the jobs of this round; returns -1 if interrupted. */
static int run_round(struct task_run *t)
{
	struct executor_job *jobs = xcalloc(t->nr, sizeof(*jobs));
	size_t *which = xcalloc(t->nr, sizeof(*which)), n = 0, i;
	struct round rd = { t, which };
	int r = 0;

	for (i = 0; i < t->nr; i++) {
		json_t *job = t->hx[i].job;

		if (!job)
			continue;
		jobs[n].msg = json_dumps(job, JSON_COMPACT | JSON_ALLOW_NUL);
		jobs[n].key = connvars_session_key(t->pr->run->session_keys,
						   json_object_get(job, "conn"));
		jobs[n].deadline_s = runner_job_deadline(job);
		which[n++] = i;
	}
	if (n)
		r = play_exec(t->pr, jobs, n, on_outcome, &rd);
	for (i = 0; i < n; i++)
		free(jobs[i].msg);
	free(jobs);
	free(which);
	return r;
}

/* ---- the task ---- */

static void init_host(struct task_run *t, struct hexec *hx, struct hoststate *hs, json_t *vars)
{
	struct buf err = BUF_INIT;
	json_t *skip = NULL;

	hx->hs = hs;
	hx->vars = json_incref(vars);
	if (!kw(t, "loop"))
		goto out;
	/* when is checked per item, but an undefined loop with a false when is a skip */
	if (!(hx->items = loop_items(t, vars, &err))) {
		if (check_when(t, vars, &skip) == 0) {
			take_result(t, hx, "skipped", skip);
		} else {
			json_decref(skip);
			take_result(t, hx, "failed", failed_result(err.buf));
		}
		goto out;
	}
	hx->results = json_array();
out:
	buf_release(&err);
}

static int task_setup(struct task_run *t, struct play_run *pr, json_t *task)
{
	json_t *lc = json_object_get(task, "loop_control");
	json_t *retries = json_object_get(task, "retries"), *delay = json_object_get(task, "delay");

	t->pr = pr;
	t->task = task;
	t->action = json_string_value(json_object_get(task, "__action"));
	t->is_template = !strcmp(t->action, "template");
	t->mod = t->is_template ? module_find("copy") :
		 playbook_is_internal_action(t->action) ? NULL : module_find(t->action);
	t->loop_var = json_string_value(json_object_get(lc, "loop_var")) ?: "item";
	t->lookup_paths = playbook_lookup_paths(task, pr->dir);
	/* Ansible: until without retries tries 3 times, 5 s apart */
	t->retries = json_is_integer(retries) ? (int)json_integer_value(retries) :
		     json_is_string(retries) ? atoi(json_string_value(retries)) : 3;
	t->delay = json_is_integer(delay) ? (int)json_integer_value(delay) :
		   json_is_string(delay) ? atoi(json_string_value(delay)) : 5;
	return 0;
}

static void task_release(struct task_run *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		json_decref(t->hx[i].vars);
		json_decref(t->hx[i].items);
		json_decref(t->hx[i].results);
		json_decref(t->hx[i].job);
	}
	free(t->hx);
	free(t->name);
	playbook_free_paths(t->lookup_paths);
}

/* run_once: the other hosts get the first one's registered result and facts. */
static void share_run_once(struct task_run *t, struct hostlist *l)
{
	struct hoststate *first = t->hx[0].hs;
	const char *reg = json_string_value(kw(t, "register"));
	size_t i;

	for (i = 0; i < l->nr; i++) {
		struct hoststate *hs = l->v[i];

		if (hs == first || !host_active(hs))
			continue;
		if (reg && json_object_get(first->host_vars, reg))
			json_object_set(hs->host_vars, reg, json_object_get(first->host_vars, reg));
		if (!strcmp(t->action, "set_fact"))
			json_object_update(hs->host_vars, first->host_vars);
		if (!strcmp(t->action, "include_vars"))
			json_object_update(hs->inc_vars, first->inc_vars);
	}
}

static int any_busy(struct task_run *t, time_t *wake)
{
	size_t i;
	int busy = 0;

	*wake = 0;
	for (i = 0; i < t->nr; i++) {
		if (t->hx[i].done)
			continue;
		busy = 1;
		if (t->hx[i].retry_at && (!*wake || t->hx[i].retry_at < *wake))
			*wake = t->hx[i].retry_at;
	}
	return busy;
}

static void run_hosts(struct task_run *t)
{
	time_t wake;
	size_t i;
	int jobs;

	while (any_busy(t, &wake)) {
		for (i = 0, jobs = 0; i < t->nr; i++) {
			if (!t->hx[i].done)
				advance(t, &t->hx[i]);
			jobs += t->hx[i].job != NULL;
		}
		if (jobs && run_round(t) < 0) {
			t->pr->run->interrupted = 1;
			return;
		}
		if (!jobs && wake && time(NULL) < wake)
			play_sleep_ms(t->pr, 1000L * (long)(wake - time(NULL)));
	}
}

/*
 * Which task a result belongs to, for the free strategy's banners: a
 * handler is copied for each run, but its place in the playbook is one.
 */
const void *task_identity(json_t *task)
{
	json_t *where = json_object_get(task, "__where");

	return where ? (const void *)where : (const void *)task;
}

/* Ansible's free strategy runs a run_once task on every host, and says so once. */
static void warn_free_run_once(struct run *run)
{
	if (run->warned_free_once)
		return;
	run->warned_free_once = 1;
	out_warning(run, "Using run_once with the free strategy is not currently supported. This "
			 "task will still be executed for every host in the inventory list.");
}

void task_run(struct play_run *pr, json_t *task, struct hostlist *l)
{
	struct task_run t = { 0 };
	struct hostlist active = { 0 };
	json_t *vars;
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (host_active(l->v[i]))
			hostlist_add(&active, l->v[i]);
	if (!active.nr || task_setup(&t, pr, task) < 0)
		goto out;
	vars = vars_prepare_task(pr, task, &active);
	t.name = task_display_name(task, json_array_get(vars, 0));
	out_task(pr->run, json_object_get(task, "__handler") ? "RUNNING HANDLER" : "TASK", t.name,
		 t.action, json_is_true(json_object_get(task, "no_log")), task_identity(task));
	if (pr->fiber && json_is_true(json_object_get(task, "run_once")))
		warn_free_run_once(pr->run);
	/* pause, like run_once tasks, runs once for the whole batch */
	t.nr = json_is_true(json_object_get(task, "run_once")) || !strcmp(t.action, "pause") ?
		1 : active.nr;
	t.hx = xcalloc(t.nr, sizeof(*t.hx));
	for (i = 0; i < t.nr; i++)
		init_host(&t, &t.hx[i], active.v[i], json_array_get(vars, i));
	json_decref(vars);
	run_hosts(&t);
	if (t.nr == 1 && active.nr > 1)
		share_run_once(&t, &active);
	task_release(&t);
out:
	hostlist_release(&active);
}
