/*
 * Actions that run on the controller, never over SSH: debug, set_fact,
 * assert, fail, pause, add_host, group_by, include_vars, set_stats, and
 * the controller half of template. Each returns a result shaped like a
 * module's, so the task engine treats both alike.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "jinja.h"
#include "play_int.h"
#include "playbook.h"
#include "xalloc.h"
#include "banned.h"

typedef json_t *(*action_fn)(struct play_run *pr, struct hoststate *hs, json_t *task,
			     json_t *args, json_t *vars, struct buf *err);

static json_t *ok_result(void)
{
	return json_pack("{s:b}", "changed", 0);
}

static struct jinja_ctx ctx_for(json_t *task, json_t *vars)
{
	struct jinja_ctx c = { .vars = vars, .where = playbook_where(task) };

	return c;
}

static json_t *act_debug(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			 json_t *vars, struct buf *err)
{
	json_t *var = json_object_get(args, "var"), *res = ok_result(), *v;
	json_t *verbosity = json_object_get(args, "verbosity");
	struct jinja_ctx c = ctx_for(task, vars);
	char *expr;

	(void)hs;
	if (verbosity && pr->run->o->verbosity < (json_is_string(verbosity) ?
						     atoi(json_string_value(verbosity)) :
						     (int)json_integer_value(verbosity))) {
		json_object_set_new(res, "skipped_reason", json_string("Verbosity threshold not met."));
		json_object_set_new(res, "skipped", json_true());
		return res;
	}
	if (!json_is_string(var)) {
		v = json_object_get(args, "msg");
		json_object_set_new(res, "msg", v ? json_incref(v) : json_string("Hello world!"));
		return res;
	}
	/* var names an expression: its value, or the note Ansible prints */
	expr = xasprintf("{{ %s }}", json_string_value(var));
	v = jinja_render(&c, expr, err);
	free(expr);
	json_object_set_new(res, json_string_value(var), v ? v : json_string("VARIABLE IS NOT DEFINED!"));
	buf_reset(err);
	return res;
}

/* set_fact's key=value words: "yes"/"no"/"true"/"false" become booleans, as in Ansible. */
static json_t *fact_value(json_t *v, int from_kv)
{
	static const char *const yes[] = { "yes", "true", "on", NULL };
	static const char *const no[] = { "no", "false", "off", NULL };
	const char *s = json_string_value(v);
	size_t i;

	if (!from_kv || !s)
		return json_incref(v);
	for (i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i]))
			return json_true();
		if (!strcasecmp(s, no[i]))
			return json_false();
	}
	return json_incref(v);
}

static json_t *act_set_fact(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			    json_t *vars, struct buf *err)
{
	json_t *facts = json_object(), *res, *v;
	int kv = json_is_true(json_object_get(task, "__kv"));
	json_t *c = json_object_get(args, "cacheable");
	int cacheable = c && jinja_truthy(c);
	const char *key;

	(void)pr, (void)hs, (void)vars;
	json_object_foreach(args, key, v) {
		if (!strcmp(key, "cacheable"))
			continue;
		if (!strcmp(key, "_raw_params")) {
			buf_setf(err, "set_fact takes key=value pairs, not '%s'", json_string_value(v));
			json_decref(facts);
			return NULL;
		}
		json_object_set_new(facts, key, fact_value(v, kv));
	}
	res = json_pack("{s:b, s:o}", "changed", 0, "ansible_facts", facts);
	if (cacheable)
		json_object_set_new(res, "_drover_cacheable", json_true());
	return res;
}

static json_t *act_assert(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			  json_t *vars, struct buf *err)
{
	json_t *that = json_object_get(args, "that"), *list, *cond;
	json_t *fail_msg = json_object_get(args, "fail_msg") ?: json_object_get(args, "msg");
	json_t *success_msg = json_object_get(args, "success_msg");
	struct jinja_ctx c = ctx_for(task, vars);
	json_t *res = NULL;
	size_t i;
	int r;

	(void)pr, (void)hs;
	if (!that) {
		buf_setf(err, "conditional required in \"that\" string");
		return NULL;
	}
	list = json_is_array(that) ? json_incref(that) : json_pack("[O]", that);
	json_array_foreach(list, i, cond) {
		if ((r = jinja_condition(&c, cond, err)) < 0)
			goto out;
		if (r == 0) {
			res = json_pack("{s:b, s:b, s:O, s:b, s:o}", "failed", 1, "changed", 0,
					"assertion", cond, "evaluated_to", 0, "msg",
					fail_msg ? json_incref(fail_msg) : json_string("Assertion failed"));
			goto out;
		}
	}
	res = json_pack("{s:b, s:o}", "changed", 0, "msg",
			success_msg ? json_incref(success_msg) : json_string("All assertions passed"));
out:
	if (res && !json_is_true(json_object_get(args, "quiet")))
		json_object_set_new(res, "_ansible_verbose_always", json_true());
	json_decref(list);
	return res;
}

static json_t *act_fail(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			json_t *vars, struct buf *err)
{
	json_t *msg = json_object_get(args, "msg");

	(void)pr, (void)hs, (void)task, (void)vars, (void)err;
	return json_pack("{s:b, s:b, s:o}", "failed", 1, "changed", 0, "msg",
			 msg ? json_incref(msg) : json_string("Failed as requested from task"));
}

static json_t *act_pause(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			 json_t *vars, struct buf *err)
{
	json_t *sec = json_object_get(args, "seconds"), *min = json_object_get(args, "minutes");
	double s = 0;

	(void)hs, (void)task, (void)vars;
	if (sec)
		s = json_is_string(sec) ? atof(json_string_value(sec)) : json_number_value(sec);
	else if (min)
		s = 60 * (json_is_string(min) ? atof(json_string_value(min)) : json_number_value(min));
	else {
		buf_setf(err, "pause needs seconds or minutes: drover runs unattended and never waits "
			      "for a key press");
		return NULL;
	}
	if (s > 0)
		play_sleep_ms(pr, (long)(s * 1000));
	return json_pack("{s:b, s:f, s:s}", "changed", 0, "delta", s, "stdout", "Paused");
}

/* The host's inventory variables again, after add_host or group_by changed its groups. */
static void refresh_inventory_vars(struct play_run *pr, struct host *h, json_t *extra)
{
	struct hoststate *hs = run_hoststate(pr->run, h);

	json_decref(hs->inv_vars);
	hs->inv_vars = inventory_host_vars(pr->run->inv, h);
	if (extra) {
		json_object_update(h->vars, extra);
		json_object_update(hs->inv_vars, extra);
	}
}

static json_t *act_add_host(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			    json_t *vars, struct buf *err)
{
	json_t *name = json_object_get(args, "name") ?: json_object_get(args, "hostname") ?:
		       json_object_get(args, "host");
	json_t *groups = json_object_get(args, "groups") ?: json_object_get(args, "group") ?:
			 json_object_get(args, "groupname");
	json_t *hvars = json_object(), *glist, *g, *v;
	struct host *h = NULL;
	const char *key;
	size_t i;

	(void)hs, (void)task, (void)vars;
	if (!json_is_string(name)) {
		buf_setf(err, "add_host needs a name");
		json_decref(hvars);
		return NULL;
	}
	json_object_foreach(args, key, v)
		if (strcmp(key, "name") && strcmp(key, "hostname") && strcmp(key, "host") &&
		    strcmp(key, "groups") && strcmp(key, "group") && strcmp(key, "groupname"))
			json_object_set(hvars, key, v);
	glist = json_is_string(groups) ? json_pack("[O]", groups) :
		json_is_array(groups) ? json_incref(groups) : json_array();
	if (!json_array_size(glist))
		h = inventory_add_host(pr->run->inv, json_string_value(name), NULL);
	json_array_foreach(glist, i, g)
		if (json_is_string(g))
			h = inventory_add_host(pr->run->inv, json_string_value(name), json_string_value(g));
	if (h)
		refresh_inventory_vars(pr, h, hvars);
	v = json_pack("{s:b, s:{s:O, s:O, s:O}}", "changed", 1, "add_host", "host_name", name,
		      "groups", glist, "host_vars", hvars);
	json_decref(glist);
	json_decref(hvars);
	return v;
}

static json_t *act_group_by(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			    json_t *vars, struct buf *err)
{
	json_t *key = json_object_get(args, "key"), *parents = json_object_get(args, "parents"), *p;
	size_t i;

	(void)task, (void)vars;
	if (!json_is_string(key)) {
		buf_setf(err, "group_by needs a key");
		return NULL;
	}
	inventory_add_host(pr->run->inv, hs->h->name, json_string_value(key));
	json_array_foreach(parents, i, p)
		if (json_is_string(p))
			inventory_add_group_parent(pr->run->inv, json_string_value(key), json_string_value(p));
	refresh_inventory_vars(pr, hs->h, NULL);
	return json_pack("{s:b, s:O}", "changed", 0, "add_group", key);
}

/* include_vars FILE (searched in vars/ of the role, then the playbook's) → its variables. */
static json_t *act_include_vars(struct play_run *pr, struct hoststate *hs, json_t *task,
				json_t *args, json_t *vars, struct buf *err)
{
	const char *file = json_string_value(json_object_get(args, "_raw_params") ?:
					     json_object_get(args, "file"));
	const char *name = json_string_value(json_object_get(args, "name"));
	char **paths, *path = NULL;
	json_t *data = NULL, *facts;
	size_t i;

	(void)hs, (void)vars;
	if (!file) {
		buf_setf(err, "include_vars needs a file (dir= is not supported by drover yet)");
		return NULL;
	}
	paths = playbook_search_paths(task, pr->dir, "vars");
	for (i = 0; paths[i] && !path && file[0] != '/'; i++) {
		path = xasprintf("%s/%s", paths[i], file);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	playbook_free_paths(paths);
	if (!path)
		path = xstrdup(file);
	if (!(data = vars_load_file(pr->run->o, path, err))) {
		free(path);
		return NULL;
	}
	facts = name ? json_pack("{s:o}", name, data) : data;
	data = json_pack("{s:b, s:o, s:[s]}", "changed", 0, "ansible_facts", facts,
			 "ansible_included_var_files", path);
	free(path);
	return data;
}

static json_t *act_set_stats(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
			     json_t *vars, struct buf *err)
{
	(void)pr, (void)hs, (void)task, (void)vars, (void)err;
	return json_pack("{s:b, s:{s:O?}}", "changed", 0, "ansible_stats", "data",
			 json_object_get(args, "data"));
}

static const struct {
	const char *name;
	action_fn fn;
} actions[] = {
	{ "debug", act_debug },
	{ "set_fact", act_set_fact },
	{ "assert", act_assert },
	{ "fail", act_fail },
	{ "pause", act_pause },
	{ "add_host", act_add_host },
	{ "group_by", act_group_by },
	{ "include_vars", act_include_vars },
	{ "set_stats", act_set_stats },
};

json_t *action_run(struct play_run *pr, struct hoststate *hs, json_t *task, json_t *args,
		   json_t *vars, struct buf *err)
{
	const char *name = json_string_value(json_object_get(task, "__action"));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(actions[i].name, name))
			return actions[i].fn(pr, hs, task, args, vars, err);
	buf_setf(err, "drover cannot run the action '%s' yet", name);
	return NULL;
}

/* ---- template ---- */

static char *find_template(struct play_run *pr, json_t *task, const char *src)
{
	char **paths, *path = NULL;
	size_t i;

	if (src[0] == '/')
		return xstrdup(src);
	paths = playbook_search_paths(task, pr->dir, "templates");
	for (i = 0; paths[i] && !path; i++) {
		path = xasprintf("%s/%s", paths[i], src);
		if (access(path, R_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	playbook_free_paths(paths);
	return path;
}

/* Template's own options; the rest are copy's (dest, mode, owner, backup...). */
static const char *const template_only[] = {
	"src", "newline_sequence", "trim_blocks", "lstrip_blocks", "variable_start_string",
	"variable_end_string", "block_start_string", "block_end_string", "output_encoding", NULL,
};

json_t *action_template_args(struct play_run *pr, json_t *task, json_t *args, json_t *vars,
			     struct buf *err)
{
	const char *src = json_string_value(json_object_get(args, "src"));
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct jinja_ctx c = ctx_for(task, vars);
	json_t *copy = NULL, *tvars, *v;
	const char *key;
	char *path = NULL;
	size_t i;

	if (!src || !json_is_string(json_object_get(args, "dest"))) {
		buf_setf(err, "template needs src and dest");
		return NULL;
	}
	if (!(path = find_template(pr, task, src))) {
		buf_setf(err, "Could not find or access '%s' (searched the role's and the playbook's "
			      "templates/ folders)", src);
		return NULL;
	}
	if (buf_read_file(&text, path) < 0) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	tvars = json_copy(vars);
	json_object_set_new(tvars, "template_path", json_string(path));
	json_object_set_new(tvars, "template_fullpath", json_string(path));
	json_object_set_new(tvars, "template_host", json_string("drover"));
	json_object_set_new(tvars, "ansible_managed", json_string("Ansible managed"));
	c.vars = tvars;
	c.where = path;
	if (jinja_render_text(&c, text.buf, &out, err) == 0) {
		copy = json_object();
		json_object_foreach(args, key, v) {
			for (i = 0; template_only[i] && strcmp(template_only[i], key); i++)
				;
			if (!template_only[i])
				json_object_set(copy, key, v);
		}
		json_object_set_new(copy, "content", json_stringn(out.buf, out.len));
	}
	json_decref(tvars);
out:
	free(path);
	buf_release(&text);
	buf_release(&out);
	return copy;
}
