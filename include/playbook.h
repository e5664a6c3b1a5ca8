#ifndef DROVER_PLAYBOOK_H
#define DROVER_PLAYBOOK_H

#include <jansson.h>

#include "buf.h"

/*
 * Playbooks read and checked before anything runs: YAML plays become a
 * normalized tree of JSON values that the play engine (play.h) walks.
 *
 * A play is the play's mapping with its keywords checked, roles expanded
 * and every task list normalized; it also holds:
 *   __dir        the playbook's folder (playbook_dir)
 *   __where      "file:line:col" of the play
 *   __role_defaults, __role_vars   the roles' defaults and vars, merged
 *   __sections   [pre_tasks, roles' tasks + tasks, post_tasks]: handlers
 *                are flushed after each
 *   __handlers   every handler (the play's and its roles')
 *
 * A task list is an array of nodes. A node is a task:
 *   __action     the action's short name (copy, debug, include_tasks, ...)
 *   __args       its arguments (an object; free form in _raw_params)
 *   __where      "file:line:col"
 *   __role, __role_path   the role it came from, if any
 *   __vars       block/task variables, inner ones winning
 *   __params     role parameters (above set_fact in precedence), inner ones winning
 *   and its keywords (name, when as a list, loop, register, ...), with the
 *   keywords of enclosing blocks, roles and imports inherited;
 * or a block: { __block: [...], __rescue: [...], __always: [...], __where }.
 */

/* The actions that run on the controller or steer the play, not on hosts. */
int playbook_is_internal_action(const char *action);
/* An action's name without its collection (ansible.builtin.copy → copy). */
const char *playbook_short_action(const char *name);
/* What an unnamed normalized task is called: its action as the playbook wrote it. */
const char *playbook_action_label(json_t *task);

/*
 * Loads a playbook file (following import_playbook) and appends its plays
 * to plays. roles_path: colon-separated folders to find roles in, after
 * the playbook's roles/ folder (may be NULL). Returns 0, or -1 with "file:line:col: message" and the line
 * in err.
 */
int playbook_load(const char *path, const char *roles_path, json_t *plays, struct buf *err);

/*
 * Appends a play built in memory (the ad-hoc command's one task) to plays,
 * normalized as a loaded one, relative files looked for under dir.
 * Returns 0, or -1 with err set.
 */
int playbook_add_play(json_t *play, const char *dir, const char *roles_path, json_t *plays,
		      struct buf *err);

/*
 * Loads a task file for include_tasks/import_tasks, normalized as a task
 * list inheriting `parent`'s keywords (may be NULL). Returns a new array,
 * or NULL with err set.
 */
json_t *playbook_load_tasks(const char *path, json_t *parent, const char *role_path,
			    struct buf *err);

/*
 * Expands a role for include_role/import_role: its tasks (tasks_from),
 * handlers, defaults and vars, inheriting parent's keywords. On success
 * *tasks, *handlers, *defaults, *vars are new references. Returns 0 or -1.
 */
struct role_parts {
	json_t *tasks, *handlers, *defaults, *vars;
};
int playbook_load_role(const char *name, const char *play_dir, const char *roles_path,
		       json_t *params, json_t *parent, struct role_parts *out, struct buf *err);
void role_parts_release(struct role_parts *p);

/*
 * Where relative files of a task are looked for, as Ansible looks:
 * the role's SUBDIR (files, templates, vars, tasks) and the role folder,
 * then the playbook's SUBDIR and folder. A NULL-ended array the caller
 * frees with playbook_free_paths.
 */
char **playbook_search_paths(json_t *task, const char *play_dir, const char *subdir);
void playbook_free_paths(char **paths);
/* Where lookups (file, template, fileglob) start: the role's folder, then the playbook's. */
char **playbook_lookup_paths(json_t *task, const char *play_dir);

/* The task's place for messages, "file:line:col", or "" */
const char *playbook_where(json_t *node);

#endif
