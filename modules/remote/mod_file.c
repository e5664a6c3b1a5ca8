/*
 * file: as modules/file.sh (same checks, messages, results and diffs), with
 * system calls instead of a dozen forks of stat, mkdir, ln and chmod.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "remote.h"
#include "../../include/banned.h"

struct file_run {
	struct files f;
	const char *path, *src, *state;
	const char *prev; /* the kind path had: file, hard, directory, link or absent */
	int changed;
	struct out db, da; /* the diff's members before and after, each ending ", " */
	struct out src_buf;
};

static int opt(const struct file_run *r, const char *name)
{
	return arg_true(r->f.a, name);
}

/* note_state: the kind of path changes (a diff member each side) */
static void note_state(struct file_run *r, const char *now)
{
	r->changed = 1;
	out_addf(&r->db, "\"state\": \"%s\", ", r->prev);
	out_addf(&r->da, "\"state\": \"%s\", ", now);
}

/* A failure that reports path as it is, as Ansible's. */
static void fail_at(struct file_run *r, const char *msg)
{
	struct out o = { 0 };

	out_adds(&o, "{\"failed\": true, \"changed\": false, ");
	json_member(&o, "msg", msg);
	out_adds(&o, ", ");
	json_member(&o, "path", r->path);
	out_adds(&o, ", ");
	path_info(&o, r->path);
	out_adds(&o, "}");
	files_exit(&r->f, &o);
}

/* A failure with msg and two more members, KEY1 (the path) and src. */
static void fail_with_src(struct file_run *r, const char *msg, const char *key)
{
	struct out o = { 0 };

	out_adds(&o, "{\"failed\": true, \"changed\": false, ");
	json_member(&o, "msg", msg);
	out_adds(&o, ", ");
	json_member(&o, key, r->path);
	out_adds(&o, ", ");
	json_member(&o, "src", r->src);
	out_adds(&o, "}");
	files_exit(&r->f, &o);
}

/* attrs: mode, owner and group of p; changes count and go in the diff */
static void attrs(struct file_run *r, const char *p)
{
	r->f.attrs_changed = 0;
	apply_attrs(&r->f, p);
	if (r->f.attrs_changed)
		r->changed = 1;
	out_add(&r->db, r->f.attr_before.buf, r->f.attr_before.len);
	out_add(&r->da, r->f.attr_after.buf, r->f.attr_after.len);
}

static void add_diff(struct file_run *r, struct out *o)
{
	if (!r->f.diff)
		return;
	out_addf(o, ", \"diff\": {\"before\": {%s", r->db.buf);
	json_member(o, "path", r->path);
	out_addf(o, "}, \"after\": {%s", r->da.buf);
	json_member(o, "path", r->path);
	out_adds(o, "}}");
}

/* done_with: the result, with path (or dest) under key and its facts, then extra */
static void done_with(struct file_run *r, const char *key, const char *extra)
{
	struct out o = { 0 };

	out_addf(&o, "{\"changed\": %s, ", r->changed ? "true" : "false");
	json_member(&o, key, r->path);
	out_adds(&o, ", ");
	path_info(&o, r->path);
	if (extra)
		out_addf(&o, ", %s", extra);
	add_diff(r, &o);
	out_adds(&o, "}");
	files_exit(&r->f, &o);
}

static void state_file(struct file_run *r)
{
	struct out msg = { 0 }, o = { 0 };

	if (!strcmp(r->prev, "absent")) {
		out_addf(&msg, "file (%s) is absent, cannot continue", r->path);
		out_adds(&o, "{\"failed\": true, \"changed\": false, ");
		json_member(&o, "msg", msg.buf);
		out_adds(&o, ", ");
		json_member(&o, "path", r->path);
		out_adds(&o, ", \"state\": \"absent\"}");
		files_exit(&r->f, &o);
	}
	if (!strcmp(r->prev, "directory")) {
		out_addf(&msg, "%s is a directory, cannot continue", r->path);
		fail_at(r, msg.buf);
	}
	attrs(r, r->path);
	done_with(r, "path", NULL);
}

/* dir/name as find prints it */
static void join(struct out *o, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	out_addf(o, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/*
 * Everything below dir as find -mindepth 1 lists it (readdir order, a
 * folder before its contents, links not followed), each name ending in NUL.
 */
static void list_below(const char *dir, struct out *list)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct out p = { 0 };
	struct stat st;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p.len = 0;
		join(&p, dir, e->d_name);
		out_add(list, p.buf, p.len + 1);
		if (lstat(p.buf, &st) == 0 && S_ISDIR(st.st_mode))
			list_below(p.buf, list);
	}
	if (d)
		closedir(d);
	out_release(&p);
}

static int by_bytes(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* One sorted list of list_tree: names of the folders (dirs 1) or of the rest (0). */
static void add_tree_list(struct out *o, const struct out *list, int dirs)
{
	const char **names = NULL, *s;
	size_t n = 0, i;
	struct stat st;

	for (s = list->buf; s && s < list->buf + list->len; s += strlen(s) + 1) {
		if ((lstat(s, &st) == 0 && S_ISDIR(st.st_mode)) != dirs)
			continue;
		names = xrealloc_or_abort(names, (n + 1) * sizeof(*names));
		names[n++] = s;
	}
	if (n)
		qsort(names, n, sizeof(*names), by_bytes);
	for (i = 0; i < n; i++) {
		out_adds(o, i ? ", \"" : "\"");
		/* list_tree's awk escapes only backslashes and quotes */
		for (s = names[i]; *s; s++)
			out_addf(o, "%s%c", *s == '\\' || *s == '"' ? "\\" : "", *s);
		out_adds(o, "\"");
	}
	free(names);
}

/* list_tree: a folder's contents for the diff of its removal */
static void list_tree(struct out *o, const char *path)
{
	struct out list = { 0 };

	list_below(path, &list);
	out_adds(o, "\"path_content\": {\"directories\": [");
	add_tree_list(o, &list, 1);
	out_adds(o, "], \"files\": [");
	add_tree_list(o, &list, 0);
	out_adds(o, "]}, ");
	out_release(&list);
}

/* rm -rf; 0 or -1 */
static int remove_tree(const char *path)
{
	struct out list = { 0 };
	struct stat st;
	const char *s, **names = NULL;
	size_t n = 0;
	int r = 0;

	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	list_below(path, &list);
	for (s = list.buf; s && s < list.buf + list.len; s += strlen(s) + 1) {
		names = xrealloc_or_abort(names, (n + 1) * sizeof(*names));
		names[n++] = s;
	}
	/* a folder comes before its contents: remove from the end */
	while (n-- > 0)
		if (lstat(names[n], &st) == 0 &&
		    (S_ISDIR(st.st_mode) ? rmdir(names[n]) : unlink(names[n])) < 0)
			r = -1;
	free(names);
	out_release(&list);
	return rmdir(path) < 0 ? -1 : r;
}

static void state_absent(struct file_run *r)
{
	struct out o = { 0 };

	if (strcmp(r->prev, "absent")) {
		if (!strcmp(r->prev, "directory") && r->f.diff)
			list_tree(&r->db, r->path);
		note_state(r, "absent");
		if (!r->f.check && remove_tree(r->path) < 0)
			files_failf(&r->f, "rmtree failed: %s", r->path);
	}
	out_addf(&o, "{\"changed\": %s, ", r->changed ? "true" : "false");
	json_member(&o, "path", r->path);
	out_adds(&o, ", \"state\": \"absent\"");
	add_diff(r, &o);
	out_adds(&o, "}");
	files_exit(&r->f, &o);
}

/* Creates path with its parents; each folder it creates gets the attributes. */
static void make_directory(struct file_run *r)
{
	struct out todo = { 0 }, p = { 0 }, up = { 0 };
	struct stat st;
	const char *s;

	out_adds(&p, r->path);
	while (stat(p.buf, &st) < 0 && strcmp(p.buf, "/") && strcmp(p.buf, ".")) {
		out_add(&todo, p.buf, p.len + 1);
		up.len = 0;
		dir_name(p.buf, &up);
		p.len = 0;
		out_add(&p, up.buf, up.len);
	}
	if (mkdir_p(r->path) < 0)
		files_failf(&r->f, "There was an issue creating %s as requested", r->path);
	for (s = todo.buf; s && s < todo.buf + todo.len; s += strlen(s) + 1)
		if (strcmp(s, r->path))
			apply_attrs(&r->f, s);
	out_release(&todo);
	out_release(&p);
	out_release(&up);
}

static void state_directory(struct file_run *r)
{
	struct out msg = { 0 }, list = { 0 };
	struct stat st;
	const char *s;

	if (!strcmp(r->prev, "absent")) {
		note_state(r, "directory");
		if (r->f.check)
			done_with(r, "path", NULL);
		make_directory(r);
	} else if (strcmp(r->prev, "directory")) {
		if (strcmp(r->prev, "link") || stat(r->path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    !opt(r, "follow")) {
			out_addf(&msg, "%s already exists as a %s", r->path, r->prev);
			fail_at(r, msg.buf);
		}
	}
	attrs(r, r->path);
	if (opt(r, "recurse")) {
		/* the whole list first, as find writes it before the loop reads it */
		if (lstat(r->path, &st) == 0 && S_ISDIR(st.st_mode))
			list_below(r->path, &list);
		for (s = list.buf; s && s < list.buf + list.len; s += strlen(s) + 1)
			attrs(r, s);
	}
	out_release(&list);
	done_with(r, "path", NULL);
}

/* touch(1): the times now; a dangling link's target is created */
static int touch(const char *path)
{
	int fd;

	if (utimensat(AT_FDCWD, path, NULL, 0) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	return close(fd);
}

static void state_touch(struct file_run *r)
{
	int fd;

	if (!strcmp(r->prev, "absent")) {
		note_state(r, "touch");
		if (!r->f.check) {
			fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
			if (fd < 0)
				files_failf(&r->f, "Error, could not touch target: %s", r->path);
			close(fd);
		}
	} else {
		note_state(r, "touch");
		if (!r->f.check && touch(r->path) < 0)
			files_failf(&r->f, "Error, could not touch target: %s", r->path);
	}
	attrs(r, r->path);
	done_with(r, "dest", NULL);
}

static void read_link(const char *path, struct out *target)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	target->len = 0;
	out_add(target, buf, n < 0 ? 0 : (size_t)n);
}

/* ln -sfn src path: a new link under a temp name, renamed over path */
static int make_symlink(struct file_run *r)
{
	struct out t = { 0 }, dir = { 0 };
	int rc;

	if (symlink(r->src, r->path) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	dir_name(r->path, &dir);
	out_addf(&t, "%s/.drover_tmp_%ld_%s", dir.buf, (long)getpid(), base_name(r->path));
	unlink(t.buf);
	rc = symlink(r->src, t.buf) == 0 && rename(t.buf, r->path) == 0 ? 0 : -1;
	if (rc < 0)
		unlink(t.buf);
	out_release(&t);
	out_release(&dir);
	return rc;
}

/* The link's src: a relative one is relative to the link's folder. */
static void check_link_src(struct file_run *r)
{
	struct out abs = { 0 }, msg = { 0 };
	struct stat st;

	if (r->src[0] != '/') {
		dir_name(r->path, &abs);
		out_adds(&abs, "/");
	}
	out_adds(&abs, r->src);
	if (!opt(r, "force") && stat(abs.buf, &st) < 0) {
		out_addf(&msg, "src file does not exist, use \"force=yes\" if you really want "
			       "to create the link: %s", abs.buf);
		fail_with_src(r, msg.buf, "path");
	}
	out_release(&abs);
}

/* Whether the link must change, as state_link's case on prev. */
static void link_changes(struct file_run *r)
{
	struct out msg = { 0 }, old = { 0 };
	DIR *d;
	struct dirent *e;
	int empty = 1;

	if (!strcmp(r->prev, "absent")) {
		note_state(r, "link");
	} else if (!strcmp(r->prev, "link")) {
		read_link(r->path, &old);
		if (strcmp(old.buf, r->src)) {
			r->changed = 1;
			json_member(&r->db, "src", old.buf);
			out_adds(&r->db, ", ");
			json_member(&r->da, "src", r->src);
			out_adds(&r->da, ", ");
		}
	} else if (!strcmp(r->prev, "directory")) {
		out_addf(&msg, "refusing to convert from directory to symlink for %s", r->path);
		if (!opt(r, "force"))
			fail_at(r, msg.buf);
		for (d = opendir(r->path); d && (e = readdir(d));)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = 0;
		if (d)
			closedir(d);
		msg.len = 0;
		out_addf(&msg, "the directory %s is not empty, refusing to convert it", r->path);
		if (!empty)
			fail_at(r, msg.buf);
		note_state(r, "link");
	} else {
		out_addf(&msg, "refusing to convert from %s to symlink for %s", r->prev, r->path);
		if (!opt(r, "force"))
			fail_at(r, msg.buf);
		note_state(r, "link");
	}
	out_release(&msg);
	out_release(&old);
}

static void state_link(struct file_run *r)
{
	struct out extra = { 0 };

	if (!*r->src) {
		if (strcmp(r->prev, "link"))
			files_fail(&r->f, "src is required for creating new symlinks");
		read_link(r->path, &r->src_buf);
		r->src = r->src_buf.buf;
	}
	check_link_src(r);
	link_changes(r);
	if (r->changed && !r->f.check) {
		if (!strcmp(r->prev, "directory"))
			rmdir(r->path);
		if (!strcmp(r->prev, "file") || !strcmp(r->prev, "hard"))
			unlink(r->path);
		if (make_symlink(r) < 0)
			files_failf(&r->f, "Error while linking: %s", r->path);
	}
	r->f.follow_links = 0;
	attrs(r, r->path);
	json_member(&extra, "src", r->src);
	done_with(r, "dest", extra.buf);
}

static int same_file(const char *x, const char *y)
{
	struct stat a, b;

	return stat(x, &a) == 0 && stat(y, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* ln src TMP && mv -f TMP path */
static void make_hardlink(struct file_run *r)
{
	struct out t = { 0 };

	dir_name(r->path, &t);
	out_addf(&t, "/.drover_tmp_%ld_%s", (long)getpid(), base_name(r->path));
	if (linkat(AT_FDCWD, r->src, AT_FDCWD, t.buf, 0) < 0 || rename(t.buf, r->path) < 0) {
		unlink(t.buf);
		files_failf(&r->f, "Error while linking: %s", r->path);
	}
	out_release(&t);
}

static void state_hard(struct file_run *r)
{
	struct out msg = { 0 }, extra = { 0 };
	struct stat st;

	if (!*r->src && !strcmp(r->prev, "hard")) {
		attrs(r, r->path);
		done_with(r, "dest", "\"src\": null");
	}
	if (!*r->src)
		files_fail(&r->f, "src is required for creating new hard links");
	if (stat(r->src, &st) < 0)
		fail_with_src(r, "src does not exist", "dest");
	if (!strcmp(r->prev, "absent")) {
		note_state(r, "hard");
	} else if (!same_file(r->path, r->src)) {
		if (!strcmp(r->prev, "directory"))
			fail_at(r, "Cannot link, directory exists at destination");
		out_addf(&msg, "Cannot link, %s exists at destination", r->prev);
		if (!opt(r, "force"))
			fail_with_src(r, msg.buf, "dest");
		note_state(r, "hard");
	}
	if (r->changed && !r->f.check)
		make_hardlink(r);
	attrs(r, r->path);
	json_member(&extra, "src", r->src);
	out_release(&msg);
	done_with(r, "dest", extra.buf);
}

static const struct {
	const char *name;
	void (*run)(struct file_run *r);
} states[] = {
	{ "absent", state_absent }, { "directory", state_directory }, { "file", state_file },
	{ "hard", state_hard },     { "link", state_link },           { "touch", state_touch },
};

/* prev: file.sh's kind_of, with a file of several links "hard" and anything else "file" */
static const char *previous_kind(const char *path)
{
	const char *k = kind_of(path);
	struct stat st;

	if (!strcmp(k, "file") && lstat(path, &st) == 0 && st.st_nlink > 1)
		return "hard";
	return strcmp(k, "other") ? k : "file";
}

static void check_options(struct file_run *r)
{
	struct out o = { 0 };

	if (*r->src && strcmp(r->state, "link") && strcmp(r->state, "hard")) {
		out_adds(&o, "{\"failed\": true, \"msg\": \"src option requires state to be "
			     "'link' or 'hard'\", ");
		json_member(&o, "path", r->path);
		out_adds(&o, "}");
		files_exit(&r->f, &o);
	}
	if (opt(r, "recurse") && strcmp(r->state, "directory"))
		files_fail(&r->f, "recurse option requires state to be 'directory'");
}

void mod_file(const struct args *a)
{
	struct file_run r = { 0 };
	size_t i;

	files_init(&r.f, a);
	r.f.follow_links = arg_true(a, "follow");
	r.path = arg(a, "path", "");
	r.src = arg(a, "src", "");
	r.state = arg(a, "state", "");
	r.prev = previous_kind(r.path);
	out_add(&r.db, "", 0);
	out_add(&r.da, "", 0);
	if (!*r.state)
		r.state = strcmp(r.prev, "absent") ? r.prev : opt(&r, "recurse") ? "directory" : "file";
	check_options(&r);
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(states[i].name, r.state))
			states[i].run(&r);
	files_failf(&r.f, "unknown state %s", r.state);
}
