/*
 * Playbook loading: YAML plays, roles, blocks and static imports become
 * the normalized tree described in playbook.h. Every mistake a user can
 * make in the YAML is found here, before anything runs, and named by
 * file:line:col with the offending line.
 */
#include "playbook.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"
#include "module.h"
#include "strvec.h"
#include "xalloc.h"
#include "yamlload.h"
#include "banned.h"

/* What a load needs besides the file: where roles live, what was seen. */
struct pbctx {
	const char *play_dir;
	const char *roles_path;
	json_t *role_defaults, *role_vars, *handlers; /* of the play being read */
	int depth;                                    /* import nesting */
};

static const char *const play_keywords[] = {
	"hosts", "name", "vars", "vars_files", "vars_prompt", "gather_facts", "gather_subset",
	"gather_timeout", "remote_user", "become", "become_user", "become_method",
	"become_flags", "become_exe", "serial", "max_fail_percentage", "any_errors_fatal",
	"strategy", "pre_tasks", "roles", "tasks", "post_tasks", "handlers", "tags", "environment",
	"ignore_unreachable", "ignore_errors", "run_once", "connection", "collections",
	"module_defaults", "force_handlers", "check_mode", "diff", "no_log", "order", "timeout",
	"port", "throttle", "debugger", NULL,
};

static const char *const task_keywords[] = {
	"name", "when", "loop", "loop_control", "register", "until", "retries", "delay",
	"failed_when", "changed_when", "ignore_errors", "ignore_unreachable", "notify", "tags",
	"become", "become_user", "become_method", "become_flags", "become_exe", "delegate_to",
	"delegate_facts", "run_once", "environment", "no_log", "check_mode", "diff", "vars",
	"timeout", "args", "action", "local_action", "listen", "any_errors_fatal", "connection",
	"remote_user", "throttle", "collections", "module_defaults", "debugger", "port", NULL,
};

static const char *const block_keywords[] = {
	"block", "rescue", "always", "name", "when", "tags", "become", "become_user",
	"become_method", "become_flags", "become_exe", "ignore_errors", "ignore_unreachable", "vars",
	"environment", "any_errors_fatal", "delegate_to", "delegate_facts", "no_log",
	"check_mode", "diff", "run_once", "remote_user", "connection", "timeout",
	"collections", "module_defaults", "throttle", "debugger", "notify", "port", NULL,
};

/* Keywords a task takes from its blocks, roles and imports when it has none. */
static const char *const inherited_keywords[] = {
	"become", "become_user", "become_method", "become_flags", "become_exe", "ignore_errors",
	"ignore_unreachable", "no_log", "check_mode", "diff", "delegate_to", "delegate_facts",
	"run_once", "any_errors_fatal", "remote_user", "connection", "timeout",
	"module_defaults", "throttle", "port", NULL,
};

/* Actions the engine runs itself (play.c, actions.c). */
static const char *const internal_actions[] = {
	"debug", "set_fact", "assert", "fail", "pause", "add_host", "group_by", "include_vars",
	"meta", "include_tasks", "import_tasks", "include_role", "import_role",
	"import_playbook", "template", "set_stats", NULL,
};

/* Actions that take a free-form string: the rest of it is _raw_params. */
static const char *const free_form_actions[] = {
	"include_tasks", "import_tasks", "include_vars", "meta", "import_playbook", NULL,
};

static const char *const loop_prefix = "with_";

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

const char *playbook_short_action(const char *name)
{
	static const char *const prefixes[] = { "ansible.builtin.", "ansible.legacy.",
						"ansible.posix.", "community.general.", NULL };
	size_t i, n;

	for (i = 0; prefixes[i]; i++) {
		n = strlen(prefixes[i]);
		if (!strncmp(name, prefixes[i], n))
			return name + n;
	}
	return name;
}

int playbook_is_internal_action(const char *action)
{
	return in_list(action, internal_actions);
}

static int is_action(const char *name)
{
	const char *a = playbook_short_action(name);

	return in_list(a, internal_actions) || module_find(a) != NULL;
}

/* ---- messages ---- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row = xcalloc(lb + 1, sizeof(*row)), d;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j], sub = prev + (a[i - 1] != b[j - 1]);

			row[j] = sub < row[j] + 1 ? sub : row[j] + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			prev = cur;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

/* The closest word of list to w, if close enough to be a likely typo. */
static const char *closest(const char *w, const char *const *list)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, d;

	for (; *list; list++) {
		d = edit_distance(w, *list);
		if (d < best_d) {
			best_d = d;
			best = *list;
		}
	}
	return best_d <= 2 + strlen(w) / 6 ? best : NULL;
}

static const char *closest_action(const char *w)
{
	const char *best = closest(w, internal_actions);
	struct strvec names = STRVEC_INIT;
	const char *m;
	size_t i;

	module_list(&names);
	m = closest(w, (const char *const *)names.v);
	if (m && (!best || edit_distance(w, m) < edit_distance(w, best)))
		best = m;
	for (i = 0; internal_actions[i]; i++)
		if (best == internal_actions[i])
			break;
	/* best may point into names: hand back a copy that outlives it */
	best = best ? (internal_actions[i] ? best : xstrdup(best)) : NULL;
	strvec_clear(&names);
	return best;
}

const char *playbook_where(json_t *node)
{
	const char *w = json_string_value(json_object_get(node, "__where"));

	return w ? w : "";
}

/* "file:L:C: message", then the line and a caret, as Ansible shows errors. */
__attribute__((format(printf, 3, 4)))
static int fail_at(struct buf *err, const char *where, const char *fmt, ...)
{
	struct buf file = BUF_INIT, msg = BUF_INIT;
	char *path = xstrdup(where), *colon2, *colon1;
	long line = 0, col = 0, n = 1;
	const char *p;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	buf_setf(err, "%s: %s", where, msg.buf);
	colon2 = strrchr(path, ':');
	if (colon2) {
		*colon2 = '\0';
		colon1 = strrchr(path, ':');
		if (colon1) {
			*colon1 = '\0';
			line = strtol(colon1 + 1, NULL, 10);
			col = strtol(colon2 + 1, NULL, 10);
		}
	}
	if (line > 0 && buf_read_file(&file, path) == 0) {
		for (p = file.buf; *p && n < line; p++)
			n += *p == '\n';
		buf_addf(err, "\n\n%.*s\n%*s^ here", (int)strcspn(p, "\n"), p, (int)(col > 0 ? col - 1 : 0), "");
	}
	buf_release(&file);
	buf_release(&msg);
	free(path);
	return -1;
}

/* Turns the loader's position marks of a mapping into __where. */
static void take_where(json_t *m, const char *file)
{
	const char *pos = json_string_value(json_object_get(m, YAML_POS_KEY));

	if (pos && !json_object_get(m, "__where"))
		json_object_set_new(m, "__where", json_sprintf("%s:%s", file, pos));
	json_object_del(m, YAML_POS_KEY);
}

static int check_keywords(json_t *m, const char *const *allowed, const char *what,
			  struct buf *err)
{
	const char *key, *close;
	json_t *v;

	json_object_foreach(m, key, v) {
		if (!strncmp(key, "__", 2) || in_list(key, allowed))
			continue;
		close = closest(key, allowed);
		return fail_at(err, playbook_where(m), "'%s' is not a valid attribute for a %s%s%s%s",
			       key, what, close ? " (did you mean '" : "", close ? close : "",
			       close ? "'?)" : "");
	}
	return 0;
}

/* ---- files ---- */

static char *dir_of(const char *path)
{
	char *copy = xstrdup(path), *d = xstrdup(dirname(copy));

	free(copy);
	return d;
}

static char *join_path(const char *dir, const char *name)
{
	if (name[0] == '/' || !dir || !*dir)
		return xstrdup(name);
	return xasprintf("%s/%s", dir, name);
}

static int load_marked(const char *path, json_t **out, struct buf *err)
{
	if (yaml_load_file_marked(path, out, err) < 0)
		return -1;
	return 0;
}

/* Reads a YAML file that must be a list (tasks) or a mapping (vars). */
static json_t *load_kind(const char *path, int want_list, struct buf *err)
{
	json_t *v;

	if (load_marked(path, &v, err) < 0)
		return NULL;
	if (json_is_null(v)) {
		json_decref(v);
		return want_list ? json_array() : json_object();
	}
	if (want_list ? !json_is_array(v) : !json_is_object(v)) {
		buf_setf(err, "%s: expected a %s, found %s", path, want_list ? "list" : "mapping",
			 json_is_array(v) ? "a list" : json_is_object(v) ? "a mapping" : "a scalar");
		json_decref(v);
		return NULL;
	}
	return v;
}

/* NAME in dir: NAME itself, NAME.yml, NAME.yaml, or NULL. */
static char *find_yaml(const char *dir, const char *name)
{
	static const char *const exts[] = { "", ".yml", ".yaml", NULL };
	char *path;
	size_t i;

	for (i = 0; exts[i]; i++) {
		path = xasprintf("%s/%s%s", dir, name, exts[i]);
		if (access(path, R_OK) == 0 && (i || strchr(name, '.')))
			return path;
		free(path);
	}
	return NULL;
}

/* ---- tasks ---- */

static int normalize_list(struct pbctx *c, json_t *list, const char *file, json_t *inherit,
			  json_t *role, json_t *out, struct buf *err);

static json_t *as_list(json_t *v)
{
	if (!v || json_is_null(v))
		return json_array();
	if (json_is_array(v))
		return json_incref(v);
	return json_pack("[O]", v);
}

static json_t *split_tags(json_t *v)
{
	json_t *out = json_array(), *item;
	size_t i;

	if (json_is_string(v)) {
		char *copy = xstrdup(json_string_value(v)), *save = NULL, *t;

		for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			t += strspn(t, " ");
			json_array_append_new(out, json_stringn(t, strcspn(t, " ")));
		}
		free(copy);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if (json_is_string(item))
				json_array_append(out, item);
			else
				json_array_append_new(out, json_sprintf("%lld", (long long)json_integer_value(item)));
	} else if (json_is_integer(v)) {
		json_array_append_new(out, json_sprintf("%lld", (long long)json_integer_value(v)));
	}
	return out;
}

/* out[key] = out[key] updated with add (inner values win), when add is a mapping. */
static void merge_object(json_t *out, const char *key, json_t *add)
{
	json_t *all = json_object_get(out, key);

	if (!json_is_object(add))
		return;
	all = json_is_object(all) ? json_copy(all) : json_object();
	json_object_update(all, add);
	json_object_set_new(out, key, all);
}

/*
 * What a node inside `from` inherits: when conditions (outer first), tags
 * (union), variables (inner win) and the inheritable keywords.
 */
static json_t *inherit_from(json_t *inherit, json_t *from)
{
	json_t *out = inherit ? json_deep_copy(inherit) : json_object();
	json_t *when = json_object_get(from, "when"), *tags = json_object_get(from, "tags");
	json_t *vars = json_object_get(from, "vars"), *env = json_object_get(from, "environment");
	size_t i;

	if (when) {
		json_t *all = as_list(json_object_get(out, "when")), *add = as_list(when);

		json_array_extend(all, add);
		json_decref(add);
		json_object_set_new(out, "when", all);
	}
	if (tags) {
		json_t *all = as_list(json_object_get(out, "tags")), *add = split_tags(tags);

		json_array_extend(all, add);
		json_decref(add);
		json_object_set_new(out, "tags", all);
	}
	if (json_is_object(vars)) {
		json_t *all = json_object_get(out, "__vars");

		all = all ? json_incref(all) : json_object();
		json_object_update(all, vars);
		json_object_set_new(out, "__vars", all);
	}
	merge_object(out, "__params", json_object_get(from, "__params"));
	if (json_is_object(env)) {
		json_t *all = json_object_get(out, "environment");

		all = json_is_object(all) ? json_incref(all) : json_object();
		json_object_update(all, env);
		json_object_set_new(out, "environment", all);
	}
	for (i = 0; inherited_keywords[i]; i++) {
		json_t *v = json_object_get(from, inherited_keywords[i]);

		if (v)
			json_object_set(out, inherited_keywords[i], v);
	}
	return out;
}

/* A task's own keywords win; inherited ones fill in (when/tags/vars merge). */
static void apply_inherit(json_t *task, json_t *inherit)
{
	json_t *own = json_object(), *merged;
	const char *key;
	json_t *v;

	json_object_update(own, task);
	merged = inherit_from(inherit, own);
	json_object_foreach(merged, key, v)
		if (!strcmp(key, "when") || !strcmp(key, "tags") || !strcmp(key, "__vars") ||
		    !strcmp(key, "__params") || !strcmp(key, "environment") ||
		    !json_object_get(task, key))
			json_object_set(task, key, v);
	json_object_del(task, "vars");
	json_decref(merged);
	json_decref(own);
}

/* The one key of m that names its action, or NULL with err set. */
static const char *find_action(json_t *m, struct buf *err)
{
	const char *key, *action = NULL, *unknown = NULL, *close;
	json_t *v;

	json_object_foreach(m, key, v) {
		if (!strncmp(key, "__", 2) || in_list(key, task_keywords))
			continue;
		if (!strncmp(key, loop_prefix, strlen(loop_prefix)))
			continue;
		if (is_action(key)) {
			if (action) {
				fail_at(err, playbook_where(m), "conflicting action statements: %s, %s",
					action, key);
				return NULL;
			}
			action = key;
		} else if (!unknown) {
			unknown = key;
		}
	}
	if (unknown && action) {
		close = closest(unknown, task_keywords);
		fail_at(err, playbook_where(m), "'%s' is not a valid attribute for a Task%s%s%s",
			unknown, close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "");
		return NULL;
	}
	if (unknown) {
		close = closest_action(unknown);
		fail_at(err, playbook_where(m), "couldn't resolve module/action '%s'%s%s%s", unknown,
			close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "");
		if (close && !in_list(close, internal_actions))
			free((char *)close);
		return NULL;
	}
	if (!action && !json_object_get(m, "action") && !json_object_get(m, "local_action"))
		fail_at(err, playbook_where(m), "no module/action detected in task");
	return action;
}

/* The arguments of an action given as a string, a mapping or nothing. */
static json_t *action_args(const char *action, json_t *v, struct buf *err)
{
	const struct module *mod = module_find(action);
	int free_form = in_list(action, free_form_actions) || (mod && mod->free_form);

	if (!v || json_is_null(v))
		return json_object();
	if (json_is_object(v))
		return json_deep_copy(v);
	if (json_is_string(v))
		return kv_parse(json_string_value(v), free_form, err);
	if (json_is_boolean(v) || json_is_number(v)) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		json_t *args = json_pack("{s:s}", "_raw_params", s);

		free(s);
		return args;
	}
	buf_setf(err, "the arguments of '%s' must be a string or a mapping", action);
	return NULL;
}

/* action: "copy src=a dest=b" / local_action: → the action's name and args. */
static int split_action_keyword(json_t *m, json_t **args, struct buf *err)
{
	json_t *v = json_object_get(m, "action"), *rest;
	const char *text;

	if (!v && (v = json_object_get(m, "local_action")))
		json_object_set_new(m, "delegate_to", json_string("localhost"));
	if (json_is_object(v)) {
		if (!json_is_string(json_object_get(v, "module")))
			return fail_at(err, playbook_where(m), "no module given in 'action'");
		json_object_set(m, "__action", json_object_get(v, "module"));
		*args = json_deep_copy(v);
		json_object_del(*args, "module");
		return 0;
	}
	if (!(text = json_string_value(v)))
		return fail_at(err, playbook_where(m), "'action' must be a string or a mapping");
	text += strspn(text, " ");
	json_object_set_new(m, "__action", json_stringn(text, strcspn(text, " ")));
	rest = json_string(text + strcspn(text, " ") + strspn(text + strcspn(text, " "), " "));
	*args = action_args(playbook_short_action(json_string_value(json_object_get(m, "__action"))),
			    rest, err);
	json_decref(rest);
	return *args ? 0 : fail_at(err, playbook_where(m), "%s", err->buf);
}

/* with_items: x → loop: x plus __lookup: items (how the loop is expanded). */
static int take_with_loop(json_t *t, struct buf *err)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(t, tmp, key, v) {
		if (strncmp(key, loop_prefix, strlen(loop_prefix)))
			continue;
		if (json_object_get(t, "loop") || json_object_get(t, "__lookup"))
			return fail_at(err, playbook_where(t), "a task may have only one loop ('%s')", key);
		json_object_set_new(t, "__lookup", json_string(key + strlen(loop_prefix)));
		json_object_set(t, "loop", v);
		json_object_del(t, key);
	}
	return 0;
}

/* Keywords with a fixed shape: when is a list, tags a list of strings. */
static void normalize_keywords(json_t *t)
{
	json_t *v;

	if ((v = json_object_get(t, "when")))
		json_object_set_new(t, "when", as_list(v));
	if ((v = json_object_get(t, "tags")))
		json_object_set_new(t, "tags", split_tags(v));
	if ((v = json_object_get(t, "notify")) && json_is_string(v))
		json_object_set_new(t, "notify", json_pack("[O]", v));
	if ((v = json_object_get(t, "listen")) && json_is_string(v))
		json_object_set_new(t, "listen", json_pack("[O]", v));
}

static int expand_import(struct pbctx *c, json_t *t, const char *file, json_t *role,
			 json_t *out, struct buf *err);

/*
 * __action is the short name drover dispatches on; an unnamed task shows
 * the name as written (TASK [ansible.builtin.copy]), as Ansible does.
 */
static void set_action(json_t *t, const char *written)
{
	const char *name = playbook_short_action(written);

	if (strcmp(name, written))
		json_object_set_new(t, "__action_written", json_string(written));
	json_object_set_new(t, "__action", json_string(name));
}

const char *playbook_action_label(json_t *task)
{
	json_t *written = json_object_get(task, "__action_written");

	return json_string_value(written ? written : json_object_get(task, "__action"));
}

/* One task mapping → a normalized task appended to out (imports: their tasks). */
static int normalize_task(struct pbctx *c, json_t *m, const char *file, json_t *inherit,
			  json_t *role, json_t *out, struct buf *err)
{
	json_t *t = json_deep_copy(m), *args = NULL, *extra;
	const char *action;
	int r = -1;

	buf_reset(err);
	action = find_action(t, err);
	if (!action && err->len)
		goto out;
	if (action) {
		set_action(t, action);
		if (json_is_string(json_object_get(t, action)))
			json_object_set_new(t, "__kv", json_true()); /* key=value words: set_fact types them */
		args = action_args(playbook_short_action(action), json_object_get(t, action), err);
		json_object_del(t, action);
	} else if (split_action_keyword(t, &args, err) < 0) {
		goto out;
	} else {
		set_action(t, json_string_value(json_object_get(t, "__action")));
	}
	if (!args) {
		fail_at(err, playbook_where(t), "%s", err->buf);
		goto out;
	}
	if (json_is_object(extra = json_object_get(t, "args")))
		json_object_update(args, extra);
	json_object_del(t, "args");
	json_object_del(t, "action");
	json_object_del(t, "local_action");
	yaml_strip_marks(args);
	json_object_set_new(t, "__args", args);
	if (take_with_loop(t, err) < 0)
		goto out;
	normalize_keywords(t);
	if (role) {
		json_object_set(t, "__role", json_object_get(role, "name"));
		json_object_set(t, "__role_path", json_object_get(role, "path"));
	}
	apply_inherit(t, inherit);
	yaml_strip_marks(t);
	action = json_string_value(json_object_get(t, "__action"));
	if (!strcmp(action, "import_tasks") || !strcmp(action, "import_role"))
		r = expand_import(c, t, file, role, out, err);
	else if (!strcmp(action, "import_playbook"))
		r = fail_at(err, playbook_where(t), "import_playbook is a play, not a task");
	else
		r = json_array_append(out, t);
out:
	json_decref(t);
	return r;
}

static int normalize_block(struct pbctx *c, json_t *m, const char *file, json_t *inherit,
			   json_t *role, json_t *out, struct buf *err)
{
	static const char *const parts[] = { "block", "rescue", "always", NULL };
	json_t *node = json_object(), *own = json_deep_copy(m), *inner;
	size_t i;
	int r = 0;

	if (check_keywords(m, block_keywords, "Block", err) < 0) {
		json_decref(node);
		json_decref(own);
		return -1;
	}
	normalize_keywords(own);
	inner = inherit_from(inherit, own);
	json_object_set(node, "__where", json_object_get(m, "__where"));
	for (i = 0; parts[i] && r == 0; i++) {
		json_t *list = json_array(), *src = json_object_get(m, parts[i]);
		char *key = xasprintf("__%s", parts[i]);

		if (src && !json_is_array(src) && !json_is_null(src))
			r = fail_at(err, playbook_where(m), "'%s' must be a list of tasks", parts[i]);
		else if (src)
			r = normalize_list(c, src, file, inner, role, list, err);
		json_object_set_new(node, key, list);
		free(key);
	}
	if (r == 0)
		json_array_append(out, node);
	json_decref(node);
	json_decref(own);
	json_decref(inner);
	return r;
}

static int normalize_list(struct pbctx *c, json_t *list, const char *file, json_t *inherit,
			  json_t *role, json_t *out, struct buf *err)
{
	json_t *m;
	size_t i;

	if (json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return fail_at(err, file, "a task list must be a YAML list");
	json_array_foreach(list, i, m) {
		int r;

		if (!json_is_object(m))
			return fail_at(err, file, "a task must be a mapping, not '%s'",
				       json_is_string(m) ? json_string_value(m) : "a list or scalar");
		take_where(m, file);
		if (json_object_get(m, "block"))
			r = normalize_block(c, m, file, inherit, role, out, err);
		else
			r = normalize_task(c, m, file, inherit, role, out, err);
		if (r < 0)
			return -1;
	}
	return 0;
}

static json_t *load_task_file(struct pbctx *c, const char *path, json_t *inherit, json_t *role,
			      struct buf *err)
{
	json_t *raw = load_kind(path, 1, err), *out;

	if (!raw)
		return NULL;
	out = json_array();
	if (++c->depth > 32) {
		buf_setf(err, "%s: imports nested too deeply (a loop?)", path);
		json_decref(out);
		out = NULL;
	} else if (normalize_list(c, raw, path, inherit, role, out, err) < 0) {
		json_decref(out);
		out = NULL;
	}
	c->depth--;
	json_decref(raw);
	return out;
}

/* ---- imports and roles ---- */

/* The keywords a task passes on to the tasks it imports or includes. */
static json_t *inherit_of(json_t *t)
{
	static const char *const merged[] = { "when", "tags", "__vars", "__params", "environment",
					      NULL };
	json_t *out = json_object(), *v;
	size_t i;

	for (i = 0; merged[i]; i++)
		if ((v = json_object_get(t, merged[i])))
			json_object_set(out, merged[i], v);
	for (i = 0; inherited_keywords[i]; i++)
		if ((v = json_object_get(t, inherited_keywords[i])))
			json_object_set(out, inherited_keywords[i], v);
	return out;
}

static const char *file_arg(json_t *t)
{
	json_t *args = json_object_get(t, "__args");

	return json_string_value(json_object_get(args, "_raw_params") ?:
				 json_object_get(args, "file") ?: json_object_get(args, "name"));
}

/* A task file named by an import or include: beside the including file, or in the role's tasks/. */
static char *task_file_path(json_t *t, const char *file, const char *name)
{
	const char *role_path = json_string_value(json_object_get(t, "__role_path"));
	char *dir, *path;

	if (name[0] == '/')
		return xstrdup(name);
	if (role_path) {
		path = xasprintf("%s/tasks/%s", role_path, name);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	dir = dir_of(file);
	path = join_path(dir, name);
	free(dir);
	return path;
}

static int expand_role(struct pbctx *c, json_t *entry, json_t *inherit, json_t *out,
		       struct buf *err);

static int expand_import(struct pbctx *c, json_t *t, const char *file, json_t *role,
			 json_t *out, struct buf *err)
{
	const char *action = json_string_value(json_object_get(t, "__action"));
	const char *name = file_arg(t);
	json_t *inner = inherit_of(t), *tasks;
	char *path;
	int r = -1;

	if (!name) {
		r = fail_at(err, playbook_where(t), "%s needs a file or role name", action);
	} else if (strstr(name, "{{")) {
		r = fail_at(err, playbook_where(t), "%s takes no templated name ('%s'): use %s",
			    action, name, !strcmp(action, "import_role") ? "include_role" : "include_tasks");
	} else if (!strcmp(action, "import_role")) {
		json_t *entry = json_deep_copy(json_object_get(t, "__args"));

		json_object_set_new(entry, "role", json_string(name));
		json_object_del(entry, "name");
		r = expand_role(c, entry, inner, out, err);
		json_decref(entry);
	} else {
		path = task_file_path(t, file, name);
		tasks = load_task_file(c, path, inner, role, err);
		if (tasks) {
			r = json_array_extend(out, tasks);
			json_decref(tasks);
		} else {
			fail_at(err, playbook_where(t), "%s", err->buf);
		}
		free(path);
	}
	json_decref(inner);
	return r;
}

static char *find_role(struct pbctx *c, const char *name)
{
	struct strvec dirs = STRVEC_INIT;
	const char *env = getenv("DROVER_ROLES_PATH");
	char *path = NULL, *copy, *d, *save = NULL;
	size_t i;

	strvec_pushf(&dirs, "%s/roles", c->play_dir);
	copy = xasprintf("%s:%s:%s/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles",
			 env ? env : "", c->roles_path ? c->roles_path : "", getenv("HOME") ?: "");
	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		strvec_push(&dirs, d);
	strvec_push(&dirs, c->play_dir);
	free(copy);
	for (i = 0; i < dirs.nr && !path; i++) {
		path = join_path(dirs.v[i], name);
		if (access(path, X_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	strvec_clear(&dirs);
	return path;
}

/*
 * dir/sub/BASE.yml (or .yaml), if present, into *out (and its path into
 * *path, which the caller frees); an absent file is fine: *out stays NULL.
 */
static int role_file(const char *dir, const char *sub, const char *base, int want_list,
		     json_t **out, char **path, struct buf *err)
{
	char *subdir = xasprintf("%s/%s", dir, sub), *found = find_yaml(subdir, base);

	*out = NULL;
	free(subdir);
	if (!found)
		return 0;
	*out = load_kind(found, want_list, err);
	if (*out && !want_list)
		yaml_strip_marks(*out);
	if (path)
		*path = found;
	else
		free(found);
	return *out ? 0 : -1;
}

static const char *const role_entry_words[] = { "role", "name", "tasks_from", "handlers_from",
						"defaults_from", "vars_from", NULL };

/*
 * Role parameters: the entry's keys that are neither keywords nor role
 * words. They outrank set_fact (the entry's vars: do not, they are block vars).
 */
static json_t *role_params(json_t *entry)
{
	json_t *params = json_object(), *v;
	const char *key;

	json_object_foreach(entry, key, v)
		if (strncmp(key, "__", 2) && !in_list(key, role_entry_words) &&
		    !in_list(key, block_keywords))
			json_object_set(params, key, v);
	return params;
}

static int role_dependencies(struct pbctx *c, const char *dir, json_t *inherit, json_t *out,
			     struct buf *err)
{
	json_t *meta, *deps, *dep;
	size_t i;
	int r = 0;

	if (role_file(dir, "meta", "main", 0, &meta, NULL, err) < 0)
		return -1;
	deps = json_object_get(meta, "dependencies");
	json_array_foreach(deps, i, dep) {
		json_t *entry = json_is_string(dep) ? json_pack("{s:O}", "role", dep) : json_deep_copy(dep);

		r = expand_role(c, entry, inherit, out, err);
		json_decref(entry);
		if (r < 0)
			break;
	}
	json_decref(meta);
	return r;
}

static void merge_into(json_t **dst, json_t *src)
{
	if (!src)
		return;
	if (!*dst)
		*dst = json_object();
	json_object_update(*dst, src);
}

static int role_tasks(struct pbctx *c, json_t *entry, json_t *role, json_t *inherit, json_t *out,
		      struct buf *err)
{
	const char *dir = json_string_value(json_object_get(role, "path"));
	const char *from = json_string_value(json_object_get(entry, "tasks_from")) ?: "main";
	const char *hfrom = json_string_value(json_object_get(entry, "handlers_from")) ?: "main";
	json_t *raw = NULL, *handlers = NULL;
	char *tpath = NULL, *hpath = NULL;
	int r = -1;

	if (role_file(dir, "tasks", from, 1, &raw, &tpath, err) < 0 ||
	    role_file(dir, "handlers", hfrom, 1, &handlers, &hpath, err) < 0)
		goto out;
	if (raw && normalize_list(c, raw, tpath, inherit, role, out, err) < 0)
		goto out;
	if (handlers && normalize_list(c, handlers, hpath, inherit, role, c->handlers, err) < 0)
		goto out;
	r = 0;
out:
	free(tpath);
	free(hpath);
	json_decref(raw);
	json_decref(handlers);
	return r;
}

static int expand_role(struct pbctx *c, json_t *entry, json_t *inherit, json_t *out,
		       struct buf *err)
{
	const char *name = json_string_value(json_object_get(entry, "role") ?:
					     json_object_get(entry, "name"));
	json_t *own, *inner, *params, *role, *defaults = NULL, *vars = NULL;
	char *dir;
	int r = -1;

	if (!name)
		return fail_at(err, playbook_where(entry), "a role entry needs 'role: NAME'");
	if (!(dir = find_role(c, name)))
		return fail_at(err, playbook_where(entry), "the role '%s' was not found in %s/roles, "
			       "the roles path or %s", name, c->play_dir, c->play_dir);
	if (++c->depth > 32) {
		free(dir);
		return fail_at(err, playbook_where(entry), "role dependencies nested too deeply");
	}
	params = role_params(entry);
	own = json_deep_copy(entry);
	json_object_set_new(own, "__params", params);
	normalize_keywords(own);
	inner = inherit_from(inherit, own);
	role = json_pack("{s:s, s:s}", "name", name, "path", dir);
	if (role_dependencies(c, dir, inherit, out, err) < 0 ||
	    role_file(dir, "defaults", json_string_value(json_object_get(entry, "defaults_from")) ?: "main",
		      0, &defaults, NULL, err) < 0 ||
	    role_file(dir, "vars", json_string_value(json_object_get(entry, "vars_from")) ?: "main",
		      0, &vars, NULL, err) < 0)
		goto out;
	merge_into(&c->role_defaults, defaults);
	merge_into(&c->role_vars, vars);
	r = role_tasks(c, entry, role, inner, out, err);
out:
	c->depth--;
	json_decref(defaults);
	json_decref(vars);
	json_decref(role);
	json_decref(inner);
	json_decref(own);
	free(dir);
	return r;
}

/* ---- plays ---- */

/* What every task of a play inherits from the play itself (not its vars). */
static json_t *play_inherit(json_t *play)
{
	json_t *own = json_object(), *out;
	const char *key;
	json_t *v;

	json_object_foreach(play, key, v)
		if (strcmp(key, "vars") && strcmp(key, "when"))
			json_object_set(own, key, v);
	normalize_keywords(own);
	out = inherit_from(NULL, own);
	json_decref(own);
	return out;
}

static int play_roles(struct pbctx *c, json_t *play, const char *file, json_t *inherit, json_t *out,
		      struct buf *err)
{
	json_t *roles = json_object_get(play, "roles"), *entry;
	size_t i;

	if (roles && !json_is_array(roles))
		return fail_at(err, playbook_where(play), "'roles' must be a list");
	json_array_foreach(roles, i, entry) {
		json_t *e = json_is_string(entry) ? json_pack("{s:O}", "role", entry) : json_incref(entry);
		int r;

		if (json_is_object(e))
			take_where(e, file);
		r = json_is_object(e) ? expand_role(c, e, inherit, out, err) :
			fail_at(err, playbook_where(play), "a role entry must be a name or a mapping");
		json_decref(e);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int play_sections(struct pbctx *c, json_t *play, const char *file, struct buf *err)
{
	json_t *inherit = play_inherit(play), *sections = json_array();
	json_t *pre = json_array(), *main_tasks = json_array(), *post = json_array();
	json_t *handlers = json_array();
	int r = -1;

	if (normalize_list(c, json_object_get(play, "pre_tasks") ?: json_null(), file, inherit,
			   NULL, pre, err) < 0 ||
	    play_roles(c, play, file, inherit, main_tasks, err) < 0 ||
	    normalize_list(c, json_object_get(play, "tasks") ?: json_null(), file, inherit, NULL,
			   main_tasks, err) < 0 ||
	    normalize_list(c, json_object_get(play, "post_tasks") ?: json_null(), file, inherit,
			   NULL, post, err) < 0 ||
	    normalize_list(c, json_object_get(play, "handlers") ?: json_null(), file, inherit,
			   NULL, handlers, err) < 0)
		goto out;
	json_array_extend(c->handlers, handlers); /* role handlers first, as Ansible orders them */
	json_array_append(sections, pre);
	json_array_append(sections, main_tasks);
	json_array_append(sections, post);
	json_object_set(play, "__sections", sections);
	json_object_set(play, "__handlers", c->handlers);
	r = 0;
out:
	json_decref(inherit);
	json_decref(sections);
	json_decref(pre);
	json_decref(main_tasks);
	json_decref(post);
	json_decref(handlers);
	return r;
}

static int normalize_play(struct pbctx *c, json_t *play, const char *file, json_t *plays,
			  struct buf *err)
{
	json_t *p = json_deep_copy(play);
	int r = -1;

	take_where(p, file);
	if (check_keywords(p, play_keywords, "Play", err) < 0)
		goto out;
	if (!json_object_get(p, "hosts")) {
		fail_at(err, playbook_where(p), "the field 'hosts' is required but was not set");
		goto out;
	}
	c->handlers = json_array();
	c->role_defaults = c->role_vars = NULL;
	if (play_sections(c, p, file, err) < 0)
		goto out;
	yaml_strip_marks(json_object_get(p, "vars"));
	json_object_set_new(p, "__dir", json_string(c->play_dir));
	json_object_set_new(p, "__role_defaults", c->role_defaults ?: json_object());
	json_object_set_new(p, "__role_vars", c->role_vars ?: json_object());
	c->role_defaults = c->role_vars = NULL;
	r = json_array_append(plays, p);
out:
	json_decref(c->handlers);
	json_decref(c->role_defaults);
	json_decref(c->role_vars);
	c->handlers = c->role_defaults = c->role_vars = NULL;
	json_decref(p);
	return r;
}

static int load_plays(const char *path, const char *roles_path, json_t *plays, int depth,
		      struct buf *err);

static int import_playbook(json_t *entry, const char *file, const char *roles_path, json_t *plays,
			   int depth, struct buf *err)
{
	json_t *v = json_object_get(entry, "import_playbook") ?:
		    json_object_get(entry, "ansible.builtin.import_playbook");
	char *dir = dir_of(file), *path;
	int r;

	if (!json_is_string(v)) {
		free(dir);
		return fail_at(err, playbook_where(entry), "import_playbook needs a file name");
	}
	path = join_path(dir, json_string_value(v));
	r = load_plays(path, roles_path, plays, depth + 1, err);
	free(path);
	free(dir);
	return r;
}

static int load_plays(const char *path, const char *roles_path, json_t *plays, int depth,
		      struct buf *err)
{
	char *real = realpath(path, NULL), *dir;
	struct pbctx c = { 0 };
	json_t *doc, *play;
	size_t i;
	int r = 0;

	if (depth > 16)
		return fail_at(err, path, "import_playbook nested too deeply (a loop?)");
	if (!(doc = load_kind(path, 1, err))) {
		free(real);
		return -1;
	}
	dir = dir_of(real ? real : path);
	c.play_dir = dir;
	c.roles_path = roles_path;
	json_array_foreach(doc, i, play) {
		if (!json_is_object(play)) {
			r = fail_at(err, path, "a play must be a mapping");
			break;
		}
		take_where(play, path);
		if (json_object_get(play, "import_playbook") ||
		    json_object_get(play, "ansible.builtin.import_playbook"))
			r = import_playbook(play, path, roles_path, plays, depth, err);
		else
			r = normalize_play(&c, play, path, plays, err);
		if (r < 0)
			break;
	}
	json_decref(doc);
	free(dir);
	free(real);
	return r;
}

int playbook_load(const char *path, const char *roles_path, json_t *plays, struct buf *err)
{
	return load_plays(path, roles_path, plays, 0, err);
}

int playbook_add_play(json_t *play, const char *dir, const char *roles_path, json_t *plays,
		      struct buf *err)
{
	struct pbctx c = { 0 };

	c.play_dir = dir;
	c.roles_path = roles_path;
	return normalize_play(&c, play, "<command line>", plays, err);
}

json_t *playbook_load_tasks(const char *path, json_t *parent, const char *role_path,
			    struct buf *err)
{
	struct pbctx c = { 0 };
	json_t *inherit = parent ? inherit_of(parent) : json_object(), *role = NULL, *out;
	char *dir = dir_of(path);

	c.play_dir = dir;
	if (role_path)
		role = json_pack("{s:o, s:s}", "name", json_incref(json_object_get(parent, "__role")) ?: json_null(),
				 "path", role_path);
	c.handlers = json_array();
	out = load_task_file(&c, path, inherit, role, err);
	json_decref(c.handlers);
	json_decref(c.role_defaults);
	json_decref(c.role_vars);
	json_decref(inherit);
	json_decref(role);
	free(dir);
	return out;
}

int playbook_load_role(const char *name, const char *play_dir, const char *roles_path,
		       json_t *params, json_t *parent, struct role_parts *out, struct buf *err)
{
	struct pbctx c = { .play_dir = play_dir, .roles_path = roles_path };
	json_t *entry = params ? json_deep_copy(params) : json_object();
	json_t *inherit = parent ? inherit_of(parent) : json_object();
	int r;

	memset(out, 0, sizeof(*out));
	json_object_set_new(entry, "role", json_string(name));
	if (parent)
		json_object_set(entry, "__where", json_object_get(parent, "__where"));
	c.handlers = json_array();
	out->tasks = json_array();
	r = expand_role(&c, entry, inherit, out->tasks, err);
	out->handlers = c.handlers;
	out->defaults = c.role_defaults ?: json_object();
	out->vars = c.role_vars ?: json_object();
	json_decref(entry);
	json_decref(inherit);
	if (r < 0)
		role_parts_release(out);
	return r;
}

void role_parts_release(struct role_parts *p)
{
	json_decref(p->tasks);
	json_decref(p->handlers);
	json_decref(p->defaults);
	json_decref(p->vars);
	memset(p, 0, sizeof(*p));
}

char **playbook_search_paths(json_t *task, const char *play_dir, const char *subdir)
{
	const char *role_path = json_string_value(json_object_get(task, "__role_path"));
	char **paths = xcalloc(5, sizeof(*paths));
	size_t n = 0;

	if (role_path) {
		paths[n++] = xasprintf("%s/%s", role_path, subdir);
		paths[n++] = xstrdup(role_path);
	}
	paths[n++] = xasprintf("%s/%s", play_dir, subdir);
	paths[n++] = xstrdup(play_dir);
	return paths;
}

char **playbook_lookup_paths(json_t *task, const char *play_dir)
{
	const char *role_path = json_string_value(json_object_get(task, "__role_path"));
	char **paths = xcalloc(3, sizeof(*paths));
	size_t n = 0;

	if (role_path)
		paths[n++] = xstrdup(role_path);
	paths[n++] = xstrdup(play_dir);
	return paths;
}

void playbook_free_paths(char **paths)
{
	size_t i;

	for (i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}
