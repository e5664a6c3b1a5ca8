/*
 * Executable inventory scripts: "SCRIPT --list" prints JSON groups (with
 * _meta.hostvars); without _meta, "SCRIPT --host NAME" gives each host's vars.
 */
#include "inventory_int.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

extern char **environ;

/* Runs path arg [arg2] and collects its stdout. Returns 0 on exit status 0. */
static int run_script(const char *path, const char *arg, const char *arg2, struct buf *out,
		      struct buf *err)
{
	char *argv[] = { (char *)path, (char *)arg, (char *)arg2, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status = 0, r = -1;
	char chunk[8192];
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0) {
		buf_setf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	errno = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (errno) {
		buf_setf(err, "Inventory script (%s) could not run: %s", path, strerror(errno));
		close(fds[0]);
		return -1;
	}
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && out->len + n < BUF_SIZE_MAX)
			buf_add(out, chunk, n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		r = 0;
	else
		buf_setf(err, "Inventory script (%s) had an execution error", path);
	return r;
}

static int run_json(const char *path, const char *arg, const char *arg2, json_t **out,
		    struct buf *err)
{
	struct buf text = BUF_INIT;
	json_error_t je;
	int r = -1;

	if (run_script(path, arg, arg2, &text, err) < 0)
		goto out;
	*out = json_loadb(text.buf, text.len, JSON_DECODE_ANY, &je);
	if (!*out) {
		buf_setf(err, "failed to parse executable inventory script results from %s: "
			 "%s (line %d)", path, je.text, je.line);
		goto out;
	}
	r = 0;
out:
	buf_release(&text);
	return r;
}

static int script_group(struct inventory *inv, const char *path, const char *name,
			json_t *data, json_t *seen, struct buf *err)
{
	struct group *g = inv_group(inv, name);
	json_t *hosts, *vars, *kids, *v;
	const char *k;
	size_t i;

	if (!json_is_object(data))
		data = json_pack("{s:O}", "hosts", data);
	else if (!json_object_get(data, "hosts") && !json_object_get(data, "vars") &&
		 !json_object_get(data, "children"))
		data = json_pack("{s:[s],s:O}", "hosts", name, "vars", data);
	else
		json_incref(data);
	hosts = json_object_get(data, "hosts");
	vars = json_object_get(data, "vars");
	kids = json_object_get(data, "children");
	if ((hosts && !json_is_array(hosts)) || (vars && !json_is_object(vars))) {
		buf_setf(err, "%s: You defined a group '%s' with bad data", path, name);
		json_decref(data);
		return -1;
	}
	json_array_foreach(hosts, i, v)
		if (json_is_string(v)) {
			inv_add_host(inv, json_string_value(v), g, 0);
			json_object_set_new(seen, json_string_value(v), json_true());
		}
	json_object_foreach(vars, k, v)
		inv_group_set_var(g, k, json_deep_copy(v));
	json_array_foreach(kids, i, v)
		if (json_is_string(v) && inv_add_child(g, inv_group(inv, json_string_value(v)), err) < 0)
			return json_decref(data), -1;
	json_decref(data);
	return 0;
}

static int script_hostvars(struct inventory *inv, const char *path, json_t *data,
			   json_t *seen, struct buf *err)
{
	json_t *meta = json_object_get(json_object_get(data, "_meta"), "hostvars");
	json_t *vars, *v;
	const char *name, *k;

	json_object_foreach(seen, name, v) {
		if (json_object_get(data, "_meta"))
			vars = json_incref(json_object_get(meta, name));
		else if (run_json(path, "--host", name, &vars, err) < 0)
			return -1;
		if (vars && !json_is_object(vars)) {
			json_decref(vars);
			buf_setf(err, "%s: --host %s did not return a dictionary", path, name);
			return -1;
		}
		json_object_foreach(vars, k, v)
			inv_host_set_var(inventory_find_host(inv, name), k, json_deep_copy(v));
		json_decref(vars);
	}
	return 0;
}

int inventory_load_script(struct inventory *inv, const char *path, struct buf *err)
{
	json_t *data = NULL, *seen = json_object(), *v;
	const char *name;
	int r = -1;

	if (run_json(path, "--list", NULL, &data, err) < 0)
		goto out;
	if (!json_is_object(data)) {
		buf_setf(err, "%s: inventory script output is not a dictionary", path);
		goto out;
	}
	json_object_foreach(data, name, v)
		if (strcmp(name, "_meta") && script_group(inv, path, name, v, seen, err) < 0)
			goto out;
	r = script_hostvars(inv, path, data, seen, err);
out:
	json_decref(seen);
	json_decref(data);
	return r;
}
