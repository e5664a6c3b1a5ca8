/*
 * Plays: which hosts, in which batches (serial), facts, the task lists
 * with their blocks, rescues and includes, handlers, failure limits and
 * the recap. One task at a time on all hosts of a batch (linear), or
 * each host on its own (free, play_free.c).
 */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "inventory.h"
#include "jinja.h"
#include "play_int.h"
#include "playbook.h"
#include "prompt.h"
#include "report.h"
#include "xalloc.h"
#include "banned.h"

static void run_list(struct play_run *pr, json_t *list, struct hostlist *l);

void hostlist_add(struct hostlist *l, struct hoststate *hs)
{
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = hs;
}

void hostlist_release(struct hostlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int host_active(const struct hoststate *hs)
{
	return !hs->failed && !hs->unreachable && !hs->ended;
}

/* The play ends for every host of it (in the free strategy, every fiber's too). */
static void play_end(struct play_run *pr)
{
	pr->end_play = 1;
	if (pr->fiber)
		free_end_play(pr->fiber);
}

/* ---- tags ---- */

static int has_tag(json_t *tags, const char *tag)
{
	json_t *t;
	size_t i;

	json_array_foreach(tags, i, t)
		if (json_is_string(t) && !strcmp(json_string_value(t), tag))
			return 1;
	return 0;
}

static int any_tag(json_t *tags, const struct strvec *want)
{
	size_t i;

	for (i = 0; i < want->nr; i++) {
		if (!strcmp(want->v[i], "all") && !has_tag(tags, "never"))
			return 1;
		if (!strcmp(want->v[i], "tagged") && json_array_size(tags))
			return 1;
		if (!strcmp(want->v[i], "untagged") && !json_array_size(tags))
			return 1;
		if (has_tag(tags, want->v[i]))
			return 1;
	}
	return 0;
}

int task_tags_match(const struct play_opts *o, json_t *task)
{
	json_t *tags = json_object_get(task, "tags");

	if (o->skip_tags.nr && any_tag(tags, &o->skip_tags))
		return 0;
	if (has_tag(tags, "always"))
		return 1;
	if (!o->tags.nr)
		return !has_tag(tags, "never");
	return any_tag(tags, &o->tags);
}

/* ---- handlers ---- */

static int handler_notified(json_t *notified, json_t *h, const char *host)
{
	const char *name = json_string_value(json_object_get(h, "name"));
	const char *role = json_string_value(json_object_get(h, "__role"));
	json_t *listen = json_object_get(h, "listen"), *l;
	size_t i;

	if (name && json_object_get(json_object_get(notified, name), host))
		return 1;
	if (name && role) {
		char *full = xasprintf("%s : %s", role, name);
		int hit = json_object_get(json_object_get(notified, full), host) != NULL;

		free(full);
		if (hit)
			return 1;
	}
	json_array_foreach(listen, i, l)
		if (json_is_string(l) && json_object_get(json_object_get(notified, json_string_value(l)), host))
			return 1;
	return 0;
}

/* A handler runs on its hosts; with --force-handlers failed ones too, and they stay failed. */
static void run_handler(struct play_run *pr, json_t *h, struct hostlist *hosts)
{
	json_t *copy = json_copy(h);
	unsigned char *was_failed = xcalloc(hosts->nr, 1);
	size_t j;

	for (j = 0; j < hosts->nr; j++) {
		was_failed[j] = hosts->v[j]->failed;
		hosts->v[j]->failed = 0;
	}
	json_object_set_new(copy, "__handler", json_true());
	task_run(pr, copy, hosts);
	for (j = 0; j < hosts->nr; j++)
		hosts->v[j]->failed |= was_failed[j];
	json_decref(copy);
	free(was_failed);
}

/*
 * The notifications of l's hosts, taken out of the play's: in the free
 * strategy a host flushes its own while the others go on notifying.
 */
static json_t *take_notified(struct play_run *pr, struct hostlist *l)
{
	json_t *mine = json_object(), *hosts, *got;
	const char *name, *host;
	void *tmp;
	size_t i;

	json_object_foreach_safe(pr->notified, tmp, name, hosts) {
		for (i = 0; i < l->nr; i++) {
			host = l->v[i]->h->name;
			if (!json_object_get(hosts, host))
				continue;
			if (!(got = json_object_get(mine, name)))
				json_object_set_new(mine, name, got = json_object());
			json_object_set_new(got, host, json_true());
			json_object_del(hosts, host);
		}
		if (!json_object_size(hosts))
			json_object_del(pr->notified, name);
	}
	return mine;
}

static void flush_handlers(struct play_run *pr, struct hostlist *l)
{
	json_t *h, *pending = take_notified(pr, l);
	size_t i, j;

	json_array_foreach(pr->handlers, i, h) {
		struct hostlist hosts = { 0 };

		for (j = 0; j < l->nr; j++) {
			struct hoststate *hs = l->v[j];

			if ((host_active(hs) || (pr->run->o->force_handlers && !hs->unreachable)) &&
			    handler_notified(pending, h, hs->h->name))
				hostlist_add(&hosts, hs);
		}
		if (hosts.nr)
			run_handler(pr, h, &hosts);
		hostlist_release(&hosts);
	}
	json_decref(pending);
}

/* ---- blocks ---- */

/* The report counts as the recap does. */
static void stats_move(struct play_run *pr, struct hoststate *hs, const char *from, const char *to)
{
	struct report *r = pr->run->o->report;

	if (!r)
		return;
	if (from)
		report_stats_add(r, hs->h->name, from, -1);
	report_stats_add(r, hs->h->name, to, 1);
}

/* The hosts of l that are failed now but were not in before[]. */
static void newly_failed(struct hostlist *l, const unsigned char *before, struct hostlist *out)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i]->failed && !before[i])
			hostlist_add(out, l->v[i]);
}

static unsigned char *failed_flags(struct hostlist *l)
{
	unsigned char *f = xcalloc(l->nr + 1, 1);
	size_t i;

	for (i = 0; i < l->nr; i++)
		f[i] = l->v[i]->failed;
	return f;
}

/*
 * block, then rescue for the hosts that failed in it (rescued, they go on),
 * then always for every host that entered, failed or not.
 */
/* A host going to a rescue sees its failure as Ansible shows it, for the rest of the run. */
static void set_failed_vars(struct hoststate *hs)
{
	if (!hs->failure)
		return;
	json_object_set(hs->host_vars, "ansible_failed_task", json_object_get(hs->failure, "task"));
	json_object_set(hs->host_vars, "ansible_failed_result",
			json_object_get(hs->failure, "result"));
}

static void run_block(struct play_run *pr, json_t *node, struct hostlist *l)
{
	struct hostlist entered = { 0 }, failed = { 0 };
	json_t *rescue = json_object_get(node, "__rescue");
	unsigned char *before, *after;
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (host_active(l->v[i]))
			hostlist_add(&entered, l->v[i]);
	before = failed_flags(&entered);
	pr->rescuable += json_array_size(rescue) > 0;
	run_list(pr, json_object_get(node, "__block"), &entered);
	pr->rescuable -= json_array_size(rescue) > 0;
	newly_failed(&entered, before, &failed);
	if (json_array_size(rescue) && failed.nr && !pr->end_play) {
		/* as Ansible counts it: a failure that a rescue catches is "rescued", not "failed" */
		for (i = 0; i < failed.nr; i++) {
			failed.v[i]->failed = 0;
			failed.v[i]->stats.failed--;
			failed.v[i]->stats.rescued++;
			if (pr->run->o->report)
				report_rescued(pr->run->o->report, failed.v[i]->h->name);
			set_failed_vars(failed.v[i]);
		}
		run_list(pr, rescue, &failed);
	}
	if (json_array_size(json_object_get(node, "__always"))) {
		after = failed_flags(&entered);
		for (i = 0; i < entered.nr; i++)
			entered.v[i]->failed = 0;
		pr->end_play = 0;
		run_list(pr, json_object_get(node, "__always"), &entered);
		for (i = 0; i < entered.nr; i++)
			entered.v[i]->failed |= after[i];
		free(after);
	}
	free(before);
	hostlist_release(&entered);
	hostlist_release(&failed);
}

/* ---- meta ---- */

static int host_condition(struct play_run *pr, json_t *node, struct hoststate *hs)
{
	json_t *when = json_object_get(node, "when"), *vars, *cond;
	struct jinja_ctx c = { .where = playbook_where(node) };
	struct buf err = BUF_INIT;
	size_t i;
	int r = 1;

	if (!json_array_size(when))
		return 1;
	vars = vars_for_host(pr, hs, node);
	c.vars = vars;
	json_array_foreach(when, i, cond)
		if ((r = jinja_condition(&c, cond, &err)) <= 0)
			break;
	if (r < 0)
		out_error(pr->run, "%s: %s", playbook_where(node), err.buf);
	json_decref(vars);
	buf_release(&err);
	return r > 0;
}

static void run_meta(struct play_run *pr, json_t *node, struct hostlist *l)
{
	const char *what = json_string_value(json_object_get(json_object_get(node, "__args"),
							     "_raw_params"));
	size_t i;

	if (!what)
		what = "noop";
	out_task(pr->run, "TASK", json_string_value(json_object_get(node, "name")) ?: "meta", NULL, 0,
		 task_identity(node));
	if (!strcmp(what, "flush_handlers")) {
		flush_handlers(pr, l);
		return;
	}
	for (i = 0; i < l->nr; i++) {
		struct hoststate *hs = l->v[i];

		if (!strcmp(what, "clear_host_errors")) {
			hs->failed = 0;
			continue;
		}
		if (!host_active(hs) || !host_condition(pr, node, hs))
			continue;
		if (!strcmp(what, "end_host"))
			hs->ended = 1;
		else if (!strcmp(what, "end_play") || !strcmp(what, "end_batch"))
			play_end(pr);
		else if (!strcmp(what, "clear_facts"))
			json_object_clear(hs->facts);
	}
}

/* ---- dynamic includes ---- */

/*
 * The file or role that node names for hs: a new string, with *args (a
 * new reference) the include's arguments rendered for hs. NULL with err
 * set.
 */
static char *include_name(struct play_run *pr, json_t *node, struct hoststate *hs, json_t **args,
			  struct buf *err)
{
	json_t *vars = vars_for_host(pr, hs, node);
	struct jinja_ctx c = { .vars = vars, .where = playbook_where(node) };
	const char *name;
	char *out = NULL;

	*args = jinja_render_tree(&c, json_object_get(node, "__args"), err);
	name = json_string_value(json_object_get(*args, "_raw_params") ?:
				 json_object_get(*args, "file") ?: json_object_get(*args, "name"));
	if (name)
		out = xstrdup(name);
	else if (*args)
		buf_setf(err, "%s needs a file or role name", json_string_value(json_object_get(node, "__action")));
	if (!out) {
		json_decref(*args);
		*args = NULL;
	}
	json_decref(vars);
	return out;
}

/*
 * The include's banner, as Ansible titles it: an include_role without a
 * name is "include_role : ROLE" (the role as written), and an include_role
 * never takes the prefix of the role it is in. A new string.
 */
static char *include_title(struct play_run *pr, json_t *node, struct hostlist *l, int role)
{
	const char *name = json_string_value(json_object_get(node, "name"));
	json_t *args = json_object_get(node, "__args"), *task, *vars = NULL;
	char *title;
	size_t i;

	if (role && !name)
		return xasprintf("%s : %s", playbook_action_label(node),
				 json_string_value(json_object_get(args, "name") ?:
						   json_object_get(args, "role")) ?: "");
	task = json_copy(node);
	if (role)
		json_object_del(task, "__role");
	for (i = 0; name && jinja_has_markers(name) && !vars && i < l->nr; i++)
		if (host_active(l->v[i]))
			vars = vars_for_host(pr, l->v[i], node);
	title = task_display_name(task, vars);
	json_decref(vars);
	json_decref(task);
	return title;
}

static char *include_path(struct play_run *pr, json_t *node, const char *name)
{
	const char *where = playbook_where(node), *role_path;
	char *file, *colon, *dir, *path;

	if (name[0] == '/')
		return xstrdup(name);
	if ((role_path = json_string_value(json_object_get(node, "__role_path")))) {
		path = xasprintf("%s/tasks/%s", role_path, name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	file = xstrdup(where);
	if ((colon = strchr(file, ':')))
		*colon = '\0';
	dir = strrchr(file, '/') ? xstrndup(file, (size_t)(strrchr(file, '/') - file)) : xstrdup(pr->dir);
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	free(file);
	return path;
}

static void include_failed(struct play_run *pr, json_t *node, struct hoststate *hs, const char *msg)
{
	json_t *res = json_pack("{s:b, s:s}", "failed", 1, "msg", msg);

	out_host_result(pr->run, hs->h->name, "failed", res, node, NULL);
	if (pr->run->o->report)
		json_decref(report_result(pr->run->o->report, hs->h->name, "failed", res, -1));
	json_decref(res);
	hs->failed = 1;
	hs->stats.failed++;
	hs->seen = 1;
}

/*
 * Adds an included role's handlers to the play's, each once: a role
 * included again (for another item or host) notifies the same handlers,
 * which run once, as in Ansible.
 */
static void add_role_handlers(struct play_run *pr, json_t *handlers)
{
	json_t *h, *known;
	size_t i, j;

	json_array_foreach(handlers, i, h) {
		json_array_foreach(pr->handlers, j, known)
			if (!strcmp(playbook_where(known), playbook_where(h)))
				break;
		if (j == json_array_size(pr->handlers))
			json_array_append(pr->handlers, h);
	}
}

/* Runs role name on hosts, its arguments (tasks_from...) those of node, already rendered. */
static void run_included_role(struct play_run *pr, json_t *node, const char *name,
			      struct hostlist *hosts)
{
	struct role_parts parts;
	struct buf err = BUF_INIT;
	json_t *params = json_deep_copy(json_object_get(node, "__args"));
	size_t i;

	json_object_del(params, "name");
	if (playbook_load_role(name, pr->dir, pr->run->o->cfg->roles_path, params, node, &parts,
			       &err) < 0) {
		for (i = 0; i < hosts->nr; i++)
			include_failed(pr, node, hosts->v[i], err.buf);
	} else {
		json_object_update_missing(pr->role_defaults, parts.defaults);
		json_object_update(pr->role_vars, parts.vars);
		add_role_handlers(pr, parts.handlers);
		run_list(pr, parts.tasks, hosts);
		role_parts_release(&parts);
	}
	json_decref(params);
	buf_release(&err);
}

/*
 * Loads an included task file and says so ("included: FILE for HOSTS",
 * and the item of a looped include). Returns the tasks, or NULL after
 * failing the hosts.
 */
static json_t *load_included(struct play_run *pr, json_t *node, const char *name,
			     struct hostlist *hosts, const char *item)
{
	char *path = include_path(pr, node, name);
	struct buf err = BUF_INIT, line = BUF_INIT;
	json_t *tasks = playbook_load_tasks(path, node,
					    json_string_value(json_object_get(node, "__role_path")), &err);
	size_t i;

	buf_addf(&line, "included: %s for ", path);
	for (i = 0; i < hosts->nr; i++)
		buf_addf(&line, "%s%s", i ? ", " : "", hosts->v[i]->h->name);
	if (item)
		buf_addf(&line, " => (item=%s)", item);
	if (tasks) {
		/* as Ansible's free strategy: an "included" line brings no banner */
		if (pr->run->o->live)
			output_line(&pr->run->out, COLOR_SKIP, line.buf, line.len);
		for (i = 0; i < hosts->nr; i++) {
			hosts->v[i]->stats.ok++;
			stats_move(pr, hosts->v[i], NULL, "ok");
		}
	} else {
		for (i = 0; i < hosts->nr; i++)
			include_failed(pr, node, hosts->v[i], err.buf);
	}
	free(path);
	buf_release(&err);
	buf_release(&line);
	return tasks;
}

/*
 * The variables a loop's item gives an include: its loop_var (item) and
 * index_var. They tell Ansible's includes apart. A new object.
 */
static json_t *item_vars(json_t *node, json_t *item, size_t index)
{
	json_t *lc = json_object_get(node, "loop_control");
	const char *index_var = json_string_value(json_object_get(lc, "index_var"));
	json_t *v = json_object();

	json_object_set(v, json_string_value(json_object_get(lc, "loop_var")) ?: "item", item);
	if (index_var)
		json_object_set_new(v, index_var, json_integer((json_int_t)index));
	return v;
}

/* The include task for one item: the item's variables reach the included tasks. */
static json_t *include_for_item(json_t *node, json_t *ivars)
{
	json_t *copy = json_deep_copy(node), *tv = json_object_get(copy, "__vars");

	if (!tv)
		json_object_set_new(copy, "__vars", tv = json_object());
	json_object_update(tv, ivars);
	json_object_del(copy, "loop");
	json_object_del(copy, "__lookup");
	return copy;
}

/* The "(item=...)" text: loop_control.label rendered with the item's variables, or the item. */
static char *include_label(json_t *node, json_t *vars, json_t *ivars, json_t *item)
{
	json_t *label = json_object_get(json_object_get(node, "loop_control"), "label"), *v = NULL;
	json_t *all = json_copy(vars);
	struct jinja_ctx c = { .vars = all, .where = playbook_where(node) };
	struct buf err = BUF_INIT, out = BUF_INIT;

	json_object_update(all, ivars);
	if (label)
		v = jinja_render_tree(&c, label, &err);
	jinja_to_text(v ? v : item, &out);
	json_decref(v);
	json_decref(all);
	buf_release(&err);
	return buf_detach(&out, NULL);
}

/*
 * One include, as Ansible counts them: a file or role with its rendered
 * arguments and (in a loop) an item, and the hosts that include it.
 */
struct include {
	json_t *node;          /* the include task, its arguments rendered, the item among its vars */
	char *name;            /* the file or role */
	char *label;           /* the item as "(item=...)" shows it; NULL without a loop */
	struct hostlist hosts;
	json_t *tasks;         /* a file's tasks, once loaded */
};

struct includes {
	struct include *v;
	size_t nr, alloc;
	json_t *index;         /* [name, args, item] as JSON -> place in v */
};

/*
 * Adds hs to the include of name with args and the item's variables
 * ivars (NULL: no loop), made from node when first met; label is the
 * item's text. Steals name and args.
 *
 * As in Ansible, an include_role's tasks_from (vars_from...) does not
 * tell includes apart: hosts that name different files of one role with
 * one item all run the file named by the first host.
 */
static void includes_add(struct includes *li, json_t *node, char *name, json_t *args,
			 json_t *ivars, const char *label, struct hoststate *hs)
{
	static const char *const from_args[] = { "tasks_from", "vars_from", "defaults_from",
						 "handlers_from" };
	json_t *id = json_array(), *shared = json_copy(args), *at;
	struct include *inc;
	size_t i;
	char *key;

	for (i = 0; i < ARRAY_SIZE(from_args); i++)
		json_object_del(shared, from_args[i]);
	json_array_append_new(id, json_string(name));
	json_array_append_new(id, shared);
	json_array_append(id, ivars ? ivars : json_null());
	key = json_dumps(id, JSON_COMPACT | JSON_SORT_KEYS);
	if (!key)
		BUG("an include's arguments do not encode as JSON");
	if (!(at = json_object_get(li->index, key))) {
		ALLOC_GROW(li->v, li->nr + 1, li->alloc);
		inc = &li->v[li->nr];
		memset(inc, 0, sizeof(*inc));
		inc->node = json_copy(node);
		json_object_set(inc->node, "__args", args);
		inc->name = xstrdup(name);
		inc->label = label ? xstrdup(label) : NULL;
		at = json_integer((json_int_t)li->nr++);
		json_object_set_new(li->index, key, at);
	}
	hostlist_add(&li->v[json_integer_value(at)].hosts, hs);
	free(key);
	json_decref(id);
	json_decref(args);
	free(name);
}

static void includes_release(struct includes *li)
{
	size_t i;

	for (i = 0; i < li->nr; i++) {
		json_decref(li->v[i].node);
		json_decref(li->v[i].tasks);
		free(li->v[i].name);
		free(li->v[i].label);
		hostlist_release(&li->v[i].hosts);
	}
	free(li->v);
	json_decref(li->index);
}

/* An item whose when is false: shown as Ansible shows a loop's skipped item. */
static void item_skipped(struct play_run *pr, json_t *node, struct hoststate *hs, const char *label)
{
	json_t *res = json_pack("{s:b, s:b, s:s}", "changed", 0, "skipped", 1, "skip_reason",
				"Conditional result was False");

	out_host_result(pr->run, hs->h->name, "skipped", res, node, label);
	json_decref(res);
}

/* Every item was skipped: the host's result is a skip. */
static void loop_skipped(struct play_run *pr, json_t *node, struct hoststate *hs)
{
	json_t *res = json_pack("{s:b, s:b, s:s}", "changed", 0, "skipped", 1, "msg",
				"All items skipped");

	out_host_result(pr->run, hs->h->name, "skipped", res, node, NULL);
	json_decref(res);
	hs->stats.skipped++;
	hs->seen = 1;
	stats_move(pr, hs, NULL, "skipped");
}

/* Every item of hs's loop: an include it joins, a skip, or its failure. */
static void loop_include_host(struct play_run *pr, json_t *node, struct hoststate *hs,
			      struct includes *li)
{
	json_t *vars = vars_for_host(pr, hs, node), *items, *item, *ivars, *copy, *args;
	struct buf err = BUF_INIT;
	size_t j, skipped = 0;
	char *name, *label;

	if (!(items = task_loop_items(pr, node, vars, &err)))
		include_failed(pr, node, hs, err.buf);
	json_array_foreach(items, j, item) {
		ivars = item_vars(node, item, j);
		copy = include_for_item(node, ivars);
		label = include_label(node, vars, ivars, item);
		if (!host_condition(pr, copy, hs)) {
			item_skipped(pr, node, hs, label);
			skipped++;
		} else if (!(name = include_name(pr, copy, hs, &args, &err))) {
			include_failed(pr, node, hs, err.buf);
		} else {
			includes_add(li, copy, name, args, ivars, label, hs);
		}
		free(label);
		json_decref(copy);
		json_decref(ivars);
	}
	if (skipped && skipped == json_array_size(items))
		loop_skipped(pr, node, hs);
	else if (skipped < json_array_size(items))
		out_task_due(pr->run); /* the include's own result: no line, but its banner (free strategy) */
	json_decref(items);
	json_decref(vars);
	buf_release(&err);
}

/* hs's include without a loop: one it joins, a skip, or its failure. */
static void include_host(struct play_run *pr, json_t *node, struct hoststate *hs,
			 struct includes *li)
{
	struct buf err = BUF_INIT;
	json_t *args, *skipped;
	char *name;

	if (!host_condition(pr, node, hs)) {
		skipped = json_pack("{s:b}", "skipped", 1);
		out_host_result(pr->run, hs->h->name, "skipped", skipped, node, NULL);
		json_decref(skipped);
		hs->stats.skipped++;
		stats_move(pr, hs, NULL, "skipped");
	} else if (!(name = include_name(pr, node, hs, &args, &err))) {
		include_failed(pr, node, hs, err.buf);
	} else {
		out_task_due(pr->run); /* the include's own result: no line, but its banner (free strategy) */
		includes_add(li, node, name, args, NULL, NULL, hs);
	}
	buf_release(&err);
}

/*
 * Runs the includes as Ansible does: every file is announced ("included:
 * FILE for HOSTS"), in the order first met (host by host, item by item),
 * then each include's tasks run on its hosts together. A role says
 * nothing; it is loaded when its turn comes, so that its vars hold while
 * its tasks run.
 */
static void run_includes(struct play_run *pr, struct includes *li, int role)
{
	struct include *inc;
	size_t i;

	for (i = 0; !role && i < li->nr; i++) {
		inc = &li->v[i];
		inc->tasks = load_included(pr, inc->node, inc->name, &inc->hosts, inc->label);
	}
	for (i = 0; i < li->nr && !pr->end_play && !pr->run->interrupted; i++) {
		inc = &li->v[i];
		if (role)
			run_included_role(pr, inc->node, inc->name, &inc->hosts);
		else if (inc->tasks)
			run_list(pr, inc->tasks, &inc->hosts);
	}
}

/*
 * include_tasks / include_role, looped or not: the hosts that include the
 * same file or role, with the same arguments and item, share one include.
 */
static void run_include(struct play_run *pr, json_t *node, struct hostlist *l)
{
	int role = !strcmp(json_string_value(json_object_get(node, "__action")), "include_role");
	int looped = json_object_get(node, "loop") != NULL;
	struct includes li = { 0 };
	char *title;
	size_t i;

	if (!task_tags_match(pr->run->o, node))
		return;
	title = include_title(pr, node, l, role);
	out_task(pr->run, "TASK", title, NULL, 0, task_identity(node));
	free(title);
	li.index = json_object();
	for (i = 0; i < l->nr; i++) {
		if (!host_active(l->v[i]))
			continue;
		if (looped)
			loop_include_host(pr, node, l->v[i], &li);
		else
			include_host(pr, node, l->v[i], &li);
	}
	run_includes(pr, &li, role);
	includes_release(&li);
}

/* ---- task lists ---- */

static int any_active(struct hostlist *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (host_active(l->v[i]))
			return 1;
	return 0;
}

/* --start-at-task: tasks are skipped until one of that name. */
static int before_start(struct play_run *pr, json_t *task)
{
	const char *want = pr->run->o->start_at_task;
	char *name;
	int skip;

	/* in the free strategy each host looks for it on its own way through the play */
	int *found = pr->fiber ? &pr->start_found : &pr->run->start_found;

	if (!want || *found)
		return 0;
	name = task_display_name(task, NULL);
	skip = strcmp(name, want) && strcmp(json_string_value(json_object_get(task, "name")) ?: "", want);
	free(name);
	*found = !skip;
	return skip;
}

static size_t count_failed(struct hostlist *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nr; i++)
		n += l->v[i]->failed || l->v[i]->unreachable;
	return n;
}

/*
 * max_fail_percentage, checked after every task as Ansible does: past it,
 * the play ends for every host. Without it, a batch whose hosts all failed
 * ends the play. A failure in a block with a rescue counts only once the
 * rescue has run (and failed too), as in Ansible: a rollback in a rescue
 * must get its chance under max_fail_percentage: 0.
 */
static int over_fail_limit(struct play_run *pr)
{
	struct hostlist batch = { pr->batch, pr->nr_batch, 0 };
	double pct;

	if (!batch.nr || pr->rescuable)
		return 0;
	pct = 100.0 * (double)count_failed(&batch) / (double)batch.nr;
	if (pr->max_fail_pct >= 0)
		return pct > pr->max_fail_pct;
	return count_failed(&batch) == batch.nr;
}

/*
 * any_errors_fatal (the play's or the task's) ends the play at a failure;
 * Ansible's free strategy ignores it, with a warning.
 */
static int errors_fatal(struct play_run *pr, json_t *node)
{
	if (!pr->any_errors_fatal && !json_is_true(json_object_get(node, "any_errors_fatal")))
		return 0;
	if (!pr->fiber)
		return 1;
	if (!pr->run->warned_free_fatal)
		out_warning(pr->run, "Using any_errors_fatal with the free strategy is not supported, "
				     "as tasks are executed independently on each host");
	pr->run->warned_free_fatal = 1;
	return 0;
}

static void run_node(struct play_run *pr, json_t *node, struct hostlist *l)
{
	const char *action = json_string_value(json_object_get(node, "__action"));

	if (json_object_get(node, "__block"))
		run_block(pr, node, l);
	else if (!strcmp(action, "meta"))
		run_meta(pr, node, l);
	else if (!strcmp(action, "include_tasks") || !strcmp(action, "include_role"))
		run_include(pr, node, l);
	else if (task_tags_match(pr->run->o, node) && !before_start(pr, node))
		task_run(pr, node, l);
}

static void run_list(struct play_run *pr, json_t *list, struct hostlist *l)
{
	json_t *node;
	size_t i, failed;

	json_array_foreach(list, i, node) {
		if (pr->end_play || pr->run->interrupted || !any_active(l))
			break;
		failed = count_failed(l);
		run_node(pr, node, l);
		if (count_failed(l) > failed && errors_fatal(pr, node))
			play_end(pr);
		if (over_fail_limit(pr))
			play_end(pr);
	}
}

/* ---- plays ---- */

/* vars_files: each a file (or a list: the first that exists), relative to the playbook. */
static int load_vars_files(struct play_run *pr, struct buf *err)
{
	json_t *files = json_object_get(pr->play, "vars_files"), *f, *data;
	struct jinja_ctx c = { .vars = pr->play_vars, .where = playbook_where(pr->play) };
	size_t i;

	if (files && !json_is_array(files))
		files = json_pack("[O]", files);
	else
		json_incref(files);
	json_array_foreach(files, i, f) {
		json_t *name = jinja_render_tree(&c, json_is_array(f) ? json_array_get(f, 0) : f, err);
		char *path;

		if (!name || !json_is_string(name)) {
			json_decref(name);
			json_decref(files);
			return -1;
		}
		path = json_string_value(name)[0] == '/' ? xstrdup(json_string_value(name)) :
			xasprintf("%s/%s", pr->dir, json_string_value(name));
		json_decref(name);
		if (!(data = vars_load_file(pr->run->o, path, err))) {
			free(path);
			json_decref(files);
			return -1;
		}
		json_object_update(pr->play_vars, data);
		json_decref(data);
		free(path);
	}
	json_decref(files);
	return 0;
}

/* One vars_prompt answer: asked (twice with confirm), or the default without a terminal. */
static char *ask_one(json_t *entry, const char *name, int *typed, struct buf *err)
{
	const char *text = json_string_value(json_object_get(entry, "prompt"));
	json_t *dflt = json_object_get(entry, "default");
	struct buf def = BUF_INIT;
	int private = !json_is_false(json_object_get(entry, "private"));
	char *msg, *answer = NULL, *again = NULL;
	int tries;

	if (dflt && !json_is_null(dflt))
		jinja_to_text(dflt, &def);
	msg = text && dflt ? xasprintf("%s [%s]: ", text, def.buf) :
	      text ? xasprintf("%s: ", text) : xasprintf("input for %s: ", name);
	for (tries = 0; tries < 3; tries++) {
		free(answer);
		answer = private ? prompt_secret(msg) : prompt_line(msg);
		if (!answer || !json_is_true(json_object_get(entry, "confirm")))
			break;
		again = xasprintf("confirm %s", msg);
		free(msg);
		msg = again;
		/* compare with a second answer */
		again = private ? prompt_secret(msg) : prompt_line(msg);
		if (again && !strcmp(again, answer))
			break;
		fprintf(stderr, "***** VALUES ENTERED DO NOT MATCH ****\n");
		free(again);
		again = NULL;
	}
	free(again);
	free(msg);
	if (answer && !*answer && dflt) {
		free(answer);
		answer = NULL;
	}
	*typed = answer != NULL;
	if (!answer && dflt)
		answer = buf_detach(&def, NULL);
	else if (!answer)
		buf_setf(err, "vars_prompt '%s' needs a terminal to ask on: pass it with -e %s=VALUE",
			 name, name);
	buf_release(&def);
	return answer;
}

/*
 * vars_prompt: each variable not given with -e is asked for on the
 * terminal before the play starts. Private answers are secrets.
 */
static int ask_prompts(struct play_run *pr, struct buf *err)
{
	json_t *list = json_object_get(pr->play, "vars_prompt"), *entry;
	size_t i;

	json_array_foreach(list, i, entry) {
		const char *name = json_string_value(json_object_get(entry, "name"));
		char *answer;
		int typed;

		if (!name || json_object_get(entry, "encrypt")) {
			buf_setf(err, "%s: vars_prompt %s", playbook_where(pr->play),
				 name ? "encrypt is not supported by drover" : "entries need a name");
			return -1;
		}
		if (json_object_get(pr->run->o->extra_vars, name))
			continue;
		if (!(answer = ask_one(entry, name, &typed, err)))
			return -1;
		/* what was typed unseen is treated as a password: masked in every output */
		if (typed && !json_is_false(json_object_get(entry, "private")) && pr->run->o->report)
			report_add_secret(pr->run->o->report, answer);
		json_object_set_new(pr->play_vars, name, json_string(answer));
		explicit_bzero(answer, strlen(answer));
		free(answer);
	}
	return 0;
}

static char *play_pattern(struct play_run *pr, struct buf *err)
{
	json_t *hosts = json_object_get(pr->play, "hosts"), *r, *h;
	struct jinja_ctx c = { .vars = pr->play_vars, .where = playbook_where(pr->play) };
	struct buf out = BUF_INIT;
	size_t i;

	if (!(r = jinja_render_tree(&c, hosts, err)))
		return NULL;
	if (json_is_array(r)) {
		json_array_foreach(r, i, h)
			buf_addf(&out, "%s%s", i ? "," : "", json_string_value(h) ?: "");
	} else {
		jinja_to_text(r, &out);
	}
	json_decref(r);
	return buf_detach(&out, NULL);
}

static int select_play_hosts(struct play_run *pr, struct buf *err)
{
	struct inventory *inv = pr->run->inv;
	char *pattern = play_pattern(pr, err);
	struct host **hosts = NULL;
	size_t nr = 0, i;
	int r = -1;

	if (!pattern)
		return -1;
	if (!strcmp(pattern, "localhost") || !strcmp(pattern, "127.0.0.1"))
		inventory_implicit_localhost(inv, pattern);
	if (inventory_select(inv, pattern, &hosts, &nr, err) < 0 ||
	    (pr->run->o->limit && inventory_limit(inv, pr->run->o->limit, &hosts, &nr, err) < 0))
		goto out;
	pr->all = xcalloc(nr + 1, sizeof(*pr->all));
	for (i = 0; i < nr; i++) {
		pr->all[i] = run_hoststate(pr->run, hosts[i]);
		pr->all[i]->ended = 0;
	}
	pr->nr_all = nr;
	r = 0;
out:
	free(hosts);
	free(pattern);
	return r;
}

/* serial: the size of batch number n (numbers, percentages, or a list of them). */
static size_t batch_size(struct play_run *pr, size_t n)
{
	json_t *serial = pr->serial, *v;
	double size;

	if (!serial)
		return pr->nr_all;
	v = json_is_array(serial) ? json_array_get(serial, n < json_array_size(serial) ? n :
							 json_array_size(serial) - 1) : serial;
	if (json_is_string(v) && strchr(json_string_value(v), '%'))
		size = pr->nr_all * atof(json_string_value(v)) / 100.0;
	else
		size = json_is_string(v) ? atof(json_string_value(v)) : json_number_value(v);
	if (size < 1)
		size = 1;
	return (size_t)size > pr->nr_all || size == 0 ? pr->nr_all : (size_t)size;
}

/*
 * Whether the play gathers facts: its gather_facts keyword, else the
 * `gathering` setting (implicit: yes, explicit: no, smart: yes).
 */
static int play_gathers(struct play_run *pr)
{
	json_t *g = json_object_get(pr->play, "gather_facts");
	const char *mode = pr->run->o->cfg ? pr->run->o->cfg->gathering : NULL;

	if (g)
		return json_is_true(g) || (json_is_string(g) && jinja_truthy(g));
	return !mode || strcmp(mode, "explicit") != 0;
}

/* gathering = smart: hosts whose facts this run already has are not asked again. */
static void hosts_to_gather(struct play_run *pr, struct hostlist *l, struct hostlist *out)
{
	const char *mode = pr->run->o->cfg ? pr->run->o->cfg->gathering : NULL;
	int smart = mode && !strcmp(mode, "smart");
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!smart || !l->v[i]->gathered)
			hostlist_add(out, l->v[i]);
}

static void gather_facts(struct play_run *pr, struct hostlist *l)
{
	struct hostlist todo = { 0 };
	json_t *task;
	size_t i;

	if (!play_gathers(pr))
		return;
	hosts_to_gather(pr, l, &todo);
	if (!todo.nr)
		goto out;
	task = json_pack("{s:s, s:s, s:{}, s:b, s:O?}", "name", "Gathering Facts", "__action",
			 "setup", "__args", "check_mode", 0, "__where",
			 json_object_get(pr->play, "__where"));
	if (json_object_get(pr->play, "gather_subset"))
		json_object_set(json_object_get(task, "__args"), "gather_subset",
				json_object_get(pr->play, "gather_subset"));
	json_object_set_new(task, "tags", json_pack("[s]", "always"));
	task_run(pr, task, &todo);
	json_decref(task);
	for (i = 0; i < todo.nr; i++)
		todo.v[i]->gathered = host_active(todo.v[i]);
out:
	hostlist_release(&todo);
}

/* Facts, then each section and its handlers: for the whole batch, or (free) for one host. */
static void run_sections(struct play_run *pr, struct hostlist *hosts)
{
	json_t *section;
	size_t i;

	gather_facts(pr, hosts);
	json_array_foreach(json_object_get(pr->play, "__sections"), i, section) {
		run_list(pr, section, hosts);
		if (pr->run->interrupted)
			return;
		flush_handlers(pr, hosts);
	}
}

static int play_is_free(struct play_run *pr)
{
	const char *strategy = json_string_value(json_object_get(pr->play, "strategy"));

	return strategy && (!strcmp(strategy, "free") || !strcmp(strategy, "ansible.builtin.free"));
}

static void run_batch(struct play_run *pr, struct hostlist *batch)
{
	pr->batch = batch->v;
	pr->nr_batch = batch->nr;
	if (play_is_free(pr))
		free_run_batch(pr, batch, run_sections);
	else
		run_sections(pr, batch);
}

/*
 * Ansible's free strategy has no max_fail_percentage: hosts do not wait
 * for each other, so there is no point where the batch could be counted.
 * Other strategies (host_pinned, debug) run as linear.
 */
static void strategy_warnings(struct play_run *pr)
{
	const char *strategy = json_string_value(json_object_get(pr->play, "strategy"));

	if (!play_is_free(pr)) {
		if (strategy && strcmp(strategy, "linear") && strcmp(strategy, "ansible.builtin.linear"))
			out_warning(pr->run, "drover runs strategy '%s' as linear", strategy);
		return;
	}
	if (pr->max_fail_pct >= 0 && !pr->run->warned_free_pct)
		out_warning(pr->run, "Using max_fail_percentage with the free strategy is not "
				     "supported, as tasks are executed independently on each host");
	pr->run->warned_free_pct |= pr->max_fail_pct >= 0;
}

/*
 * serial and max_fail_percentage may be templates of play vars and extra
 * vars (e.g. "{{ patch_serial | default('20%') }}"), rendered once per play.
 */
static int play_limits(struct play_run *pr, struct buf *err)
{
	struct jinja_ctx c = { .vars = pr->play_vars, .where = playbook_where(pr->play) };
	json_t *max;

	pr->max_fail_pct = -1;
	if (json_object_get(pr->play, "serial") &&
	    !(pr->serial = jinja_render_tree(&c, json_object_get(pr->play, "serial"), err)))
		return -1;
	if (!json_object_get(pr->play, "max_fail_percentage"))
		return 0;
	if (!(max = jinja_render_tree(&c, json_object_get(pr->play, "max_fail_percentage"), err)))
		return -1;
	pr->max_fail_pct = json_is_string(max) ? atof(json_string_value(max)) : json_number_value(max);
	json_decref(max);
	return 0;
}

static void run_batches(struct play_run *pr)
{
	size_t at = 0, n = 0, size, i;

	while (at < pr->nr_all && !pr->end_play && !pr->run->interrupted) {
		struct hostlist batch = { 0 };

		if (n)  /* Ansible announces the play again for every batch */
			out_banner(pr->run, "PLAY", pr->banner);
		size = batch_size(pr, n++);
		for (i = at; i < pr->nr_all && i < at + size; i++)
			hostlist_add(&batch, pr->all[i]);
		at += size;
		run_batch(pr, &batch);
		hostlist_release(&batch);
	}
}

static void play_release(struct play_run *pr)
{
	json_decref(pr->play_vars);
	json_decref(pr->role_defaults);
	json_decref(pr->role_vars);
	json_decref(pr->handlers);
	json_decref(pr->notified);
	json_decref(pr->magic);
	json_decref(pr->hostvars);
	json_decref(pr->serial);
	free(pr->all);
	free(pr->banner);
}

static void run_play(struct run *run, json_t *play)
{
	struct play_run pr = { .run = run, .play = play };
	struct buf err = BUF_INIT;
	json_t *name = json_object_get(play, "name");
	char *shown;

	pr.dir = json_string_value(json_object_get(play, "__dir"));
	pr.play_vars = json_object_get(play, "vars") ? json_deep_copy(json_object_get(play, "vars")) :
						    json_object();
	json_object_update(pr.play_vars, run->o->extra_vars);
	pr.role_defaults = json_deep_copy(json_object_get(play, "__role_defaults"));
	pr.role_vars = json_deep_copy(json_object_get(play, "__role_vars"));
	pr.handlers = json_deep_copy(json_object_get(play, "__handlers"));
	pr.notified = json_object();
	pr.any_errors_fatal = json_is_true(json_object_get(play, "any_errors_fatal"));
	if (ask_prompts(&pr, &err) < 0) {
		out_error(run, "%s", err.buf);
		run->failed_setup = 1;
		goto out;
	}
	shown = json_is_string(name) ? xstrdup(json_string_value(name)) : play_pattern(&pr, &err);
	pr.banner = shown ? shown : xstrdup("");
	out_banner(run, "PLAY", pr.banner);
	if (run->o->report)
		report_play(run->o->report, pr.banner);
	if (load_vars_files(&pr, &err) < 0 || select_play_hosts(&pr, &err) < 0 ||
	    play_limits(&pr, &err) < 0) {
		out_error(run, "%s", err.buf);
		run->failed_setup = 1;
	} else if (!pr.nr_all) {
		if (run->o->live)
			output_line(&run->out, COLOR_SKIP, "skipping: no hosts matched", 26);
	} else {
		strategy_warnings(&pr);
		run_batches(&pr);
	}
out:
	play_release(&pr);
	buf_release(&err);
}

static void run_init(struct run *run, struct inventory *inv, struct executor *ex,
		     const struct play_opts *o)
{
	unsigned char rnd[16];
	size_t i;

	memset(run, 0, sizeof(*run));
	run->o = o;
	run->inv = inv;
	run->ex = ex;
	run->session_keys = json_object();
	run->copy_plain = json_object();
	output_init(&run->out, stdout, o->verbosity, o->one_line);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		BUG("no random bytes");
	memcpy(run->omit, "__omit_place_holder__", 21);
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(run->omit + 21 + 2 * i, 3, "%02x", rnd[i]);
	/* every inventory host is in hostvars, so each gets its state now */
	for (i = 0; i < inventory_host_count(inv); i++) {
		struct hoststate *hs = run_hoststate(run, inventory_host(inv, i));
		struct buf err = BUF_INIT;

		if (vars_unvault(o, hs->inv_vars, &err) < 0)
			out_warning(run, "%s: %s", hs->h->name, err.buf);
		if (o->report)
			report_add_secrets(o->report, hs->inv_vars);
		buf_release(&err);
	}
}

static int exit_code(struct run *run)
{
	size_t i;
	int unreachable = 0;

	if (run->interrupted)
		return 99;
	for (i = 0; i < run->nr_hosts; i++) {
		struct hoststate *hs = run->hosts[i];

		if (hs && hs->stats.failed)
			return 2;
		if (hs && hs->stats.unreachable)
			unreachable = 1;
	}
	if (run->failed_setup)
		return 1;
	return unreachable ? 4 : 0;
}

static void run_release(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nr_hosts; i++) {
		struct hoststate *hs = run->hosts[i];

		if (!hs)
			continue;
		json_decref(hs->inv_vars);
		json_decref(hs->facts);
		json_decref(hs->inc_vars);
		json_decref(hs->host_vars);
		json_decref(hs->failure);
		free(hs);
	}
	free(run->hosts);
	keypass_release(&run->keys);
	json_decref(run->copy_plain);
	json_decref(run->session_keys);
}

int play_run_all(json_t *plays, struct inventory *inv, struct executor *ex,
		 const struct play_opts *o)
{
	struct run run;
	json_t *play;
	size_t i;
	int code;

	run_init(&run, inv, ex, o);
	json_array_foreach(plays, i, play) {
		if (run.interrupted)
			break;
		run_play(&run, play);
	}
	if (!run.interrupted)
		out_recap(&run);
	code = exit_code(&run);
	run_release(&run);
	return code;
}
