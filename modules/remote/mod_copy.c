/*
 * copy, the host's side: as modules/copy.sh. The controller sent the bytes
 * after the arguments (one file, or a folder's files one after another with
 * _drover_paths_N etc. describing them); this writes each through a temp
 * file beside it, checks its SHA-1, and renames it into place, without the
 * script's forks (sha1sum, cat, stat, mv, md5sum: md5.c gives the result's
 * md5sum).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "remote.h"
#include "../../include/banned.h"

struct copy_run {
	struct files f;
	const struct args *a;
	const char *src, *content, *mode_opt, *src_mode, *src_name;
	struct out data;       /* what the controller sent */
	struct out dest;
	char dest_sum[41];
	int file_changed;
	struct out backup_file;
	struct out remote;     /* src's bytes, with remote_src */
	char remote_mode[8], remote_sum[41];
};

static const char *opt(const struct copy_run *r, const char *name)
{
	return arg(r->a, name, "");
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* sha1_of: the file's SHA-1, or "" if it cannot be read */
static void sha1_of(const char *path, char hex[41])
{
	struct out bytes = { 0 };

	hex[0] = '\0';
	if (read_file(path, &bytes) == 0)
		sha1_buf(bytes.buf, bytes.len, hex);
	out_release(&bytes);
}

static void validate_file(struct copy_run *r)
{
	const char *v = opt(r, "validate"), *p;
	struct out cmd = { 0 }, output = { 0 }, o = { 0 };

	if (!*v)
		return;
	if (!strstr(v, "%s"))
		files_failf(&r->f, "validate must contain %%s: %s", v);
	for (p = v; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			out_addf(&cmd, "'%s'", r->f.tmp.buf);
			p++;
		} else {
			out_add(&cmd, p, 1);
		}
	}
	if (run_shell(cmd.buf, &output) == 0) {
		out_release(&cmd);
		out_release(&output);
		return;
	}
	out_adds(&o, "{\"failed\": true, \"exit_status\": 1, \"msg\": \"failed to validate\", ");
	json_member(&o, "stdout", output.buf);
	out_adds(&o, ", \"stderr\": \"\"}");
	files_exit(&r->f, &o);
}

/* put_file: from's bytes to dest through a temp file; sets backup_file */
static void put_file(struct copy_run *r, const char *sum, const struct text *from, const char *dest)
{
	char hex[41];
	struct stat st;

	tmp_beside(&r->f, dest);
	tmp_write(&r->f, from->buf, from->len);
	sha1_buf(from->buf, from->len, hex);
	if (strcmp(hex, sum))
		files_fail(&r->f, "Copied file does not match the expected checksum. Transfer failed.");
	validate_file(r);
	if (arg_true(r->a, "backup") && stat(dest, &st) == 0 && S_ISREG(st.st_mode))
		backup_of(&r->f, dest, &r->backup_file);
	replace_with(&r->f, dest);
}

/* copy_one: copies unless dest has those bytes already (or force=no); sets file_changed */
static void copy_one(struct copy_run *r, const char *sum, const struct text *from, const char *dest)
{
	struct stat st;

	r->file_changed = 0;
	if (is_dir(dest) && !is_link(dest))
		files_failf(&r->f, "Destination %s is a directory", dest);
	if (stat(dest, &st) == 0) {
		sha1_of(dest, r->dest_sum);
		if (!strcmp(r->dest_sum, sum) || !arg_true(r->a, "force"))
			return;
	}
	r->file_changed = 1;
	if (!r->f.check)
		put_file(r, sum, from, dest);
	snprintf(r->dest_sum, sizeof(r->dest_sum), "%s", sum);
}

static void set_file_mode(struct copy_run *r)
{
	r->f.mode = strcmp(r->mode_opt, "preserve") ? r->mode_opt : r->src_mode;
}

static const char *label_or_src(const struct copy_run *r)
{
	const char *label = opt(r, "_drover_src_label");

	return *label ? label : r->src;
}

static void add_diff(struct copy_run *r, struct out *o, const struct text *before,
		     const struct text *from)
{
	if (!r->f.diff)
		return;
	if (r->file_changed) {
		out_adds(o, ", \"diff\": [");
		text_diff(o, before, from, r->dest.buf, label_or_src(r));
		out_adds(o, "]");
		return;
	}
	out_adds(o, ", \"diff\": {\"before\": {");
	json_member(o, "path", r->dest.buf);
	out_adds(o, "}, \"after\": {");
	json_member(o, "path", r->dest.buf);
	out_adds(o, "}}");
}

static void __attribute__((noreturn)) finish_file(struct copy_run *r, const struct text *before, const struct text *from)
{
	struct out o = { 0 }, diff = { 0 };
	char md5[33];

	out_add(&diff, "", 0);
	add_diff(r, &diff, before, from);
	if (r->f.check && r->file_changed) {
		out_addf(&o, "{\"changed\": true%s}", diff.buf);
		files_exit(&r->f, &o);
	}
	out_addf(&o, "{\"changed\": %s, ",
		 r->file_changed || r->f.attrs_changed ? "true" : "false");
	json_member(&o, "dest", r->dest.buf);
	out_addf(&o, ", \"checksum\": \"%s\", ", r->dest_sum);
	path_info(&o, r->dest.buf);
	if (r->file_changed) {
		if (md5_file(r->dest.buf, md5) < 0)
			md5[0] = '\0';
		out_addf(&o, ", \"md5sum\": \"%s\", ", md5);
		json_member(&o, "src", label_or_src(r));
		if (r->backup_file.len) {
			out_adds(&o, ", ");
			json_member(&o, "backup_file", r->backup_file.buf);
		}
	} else {
		out_adds(&o, ", ");
		json_member(&o, "path", r->dest.buf);
	}
	out_addf(&o, "%s}", diff.buf);
	files_exit(&r->f, &o);
}

/* remote_src: src is a file on the host */
static void read_remote_src(struct copy_run *r, const char **sum, struct text *from)
{
	char *hex = r->remote_sum;
	struct stat st;

	if (stat(r->src, &st) < 0)
		files_failf(&r->f, "Source %s not found", r->src);
	if (S_ISDIR(st.st_mode))
		files_fail(&r->f, "drover's copy does not copy folders on the host (remote_src) yet");
	hex[0] = '\0';
	out_add(&r->remote, "", 0);
	if (read_file(r->src, &r->remote) == 0)
		sha1_buf(r->remote.buf, r->remote.len, hex);
	*sum = hex;
	from->buf = r->remote.buf;
	from->len = r->remote.len;
	r->src_name = base_name(r->src);
	if (lstat(r->src, &st) == 0)
		snprintf(r->remote_mode, sizeof(r->remote_mode), "%04o", (unsigned)(st.st_mode & 07777));
	r->src_mode = r->remote_mode;
}

/* Where the file goes: into dest if it is (or ends as) a folder. */
static void resolve_dest(struct copy_run *r)
{
	const char *dest = opt(r, "dest");
	size_t n = strlen(dest);
	struct out dir = { 0 };

	out_adds(&r->dest, dest);
	if (n && dest[n - 1] == '/') {
		if (*r->content && is_dir(dest))
			files_fail(&r->f, "can not use content with a dir as dest");
		if (!r->f.check && mkdir_p(dest) < 0)
			files_failf(&r->f, "could not create %s", dest);
		out_adds(&r->dest, r->src_name);
	} else if (is_dir(dest) && (!is_link(dest) || arg_true(r->a, "follow"))) {
		if (*r->content)
			files_fail(&r->f, "can not use content with a dir as dest");
		out_addf(&r->dest, "/%s", r->src_name);
	}
	dir_of(r->dest.buf, &dir);
	if (!is_dir(dir.buf) && !r->f.check)
		files_failf(&r->f, "Destination directory %s does not exist", dir.buf);
	out_release(&dir);
}

static void __attribute__((noreturn)) copy_file(struct copy_run *r)
{
	const char *sum = opt(r, "_drover_src_sha1"), *checksum = opt(r, "checksum");
	struct text from = { r->data.buf, r->data.len, 1 }, before = { "", 0, 1 };
	struct out old = { 0 };
	struct stat st;

	if (arg_true(r->a, "remote_src"))
		read_remote_src(r, &sum, &from);
	if (*checksum && strcmp(checksum, sum))
		files_fail(&r->f, "Copied file does not match the expected checksum. Transfer failed.");
	resolve_dest(r);
	/* what dest held, only for --diff */
	if (r->f.diff && stat(r->dest.buf, &st) == 0 && S_ISREG(st.st_mode) &&
	    read_file(r->dest.buf, &old) == 0) {
		before.buf = old.buf;
		before.len = old.len;
	}
	copy_one(r, sum, &from, r->dest.buf);
	set_file_mode(r);
	r->f.attrs_changed = 0;
	apply_attrs(&r->f, r->dest.buf);
	finish_file(r, &before, &from);
}

static void copy_dir_entry(struct copy_run *r, const char *dir, int *any)
{
	struct stat st;
	const char *dmode = opt(r, "directory_mode");

	if (is_dir(dir))
		return;
	*any = 1;
	if (stat(dir, &st) == 0)
		files_failf(&r->f, "Destination %s exists and is not a directory", dir);
	if (r->f.check)
		return;
	if (mkdir_p(dir) < 0)
		files_failf(&r->f, "could not create %s", dir);
	if (*dmode)
		chmod_spec(dir, dmode);
}

/* The i-th entry's _drover_NAME_i */
static const char *entry(const struct copy_run *r, const char *name, long i)
{
	char key[64];

	snprintf(key, sizeof(key), "_drover_%s_%ld", name, i);
	return arg(r->a, key, "");
}

/* copy_tree: a folder, its entries described by _drover_paths_N etc., the files' bytes in a row */
static void __attribute__((noreturn)) copy_tree(struct copy_run *r)
{
	long i, n = strtol(opt(r, "_drover_paths_n"), NULL, 10);
	size_t off = 0, size;
	struct out path = { 0 }, o = { 0 };
	struct text part;
	int any = 0;

	if (!r->dest.len || r->dest.buf[r->dest.len - 1] != '/')
		out_adds(&r->dest, "/");
	if (!is_dir(r->dest.buf)) {
		any = 1;
		if (!r->f.check && mkdir_p(r->dest.buf) < 0)
			files_failf(&r->f, "could not create %s", r->dest.buf);
	}
	for (i = 0; i < n; i++) {
		path.len = 0;
		out_addf(&path, "%s%s", r->dest.buf, entry(r, "paths", i));
		r->src_mode = entry(r, "modes", i);
		if (!strcmp(entry(r, "types", i), "d")) {
			copy_dir_entry(r, path.buf, &any);
			continue;
		}
		size = (size_t)strtoull(entry(r, "sizes", i), NULL, 10);
		part.buf = r->data.buf + (off < r->data.len ? off : r->data.len);
		part.len = off < r->data.len ? (size < r->data.len - off ? size : r->data.len - off) : 0;
		part.present = 1;
		copy_one(r, entry(r, "sums", i), &part, path.buf);
		set_file_mode(r);
		r->f.attrs_changed = 0;
		apply_attrs(&r->f, path.buf);
		any |= r->file_changed || r->f.attrs_changed;
		off += size;
	}
	out_addf(&o, "{\"changed\": %s, ", any ? "true" : "false");
	json_member(&o, "dest", r->dest.buf);
	out_adds(&o, ", ");
	json_member(&o, "src", opt(r, "_drover_src_label"));
	out_adds(&o, "}");
	files_exit(&r->f, &o);
}

static void read_stdin(struct out *data)
{
	char chunk[65536];
	size_t n;

	out_add(data, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		out_add(data, chunk, n);
}

void mod_copy(const struct args *a)
{
	struct copy_run r = { 0 };

	files_init(&r.f, a);
	r.a = a;
	r.f.follow_links = arg_true(a, "follow");
	r.src = arg(a, "src", "");
	r.content = arg(a, "content", "");
	r.mode_opt = arg(a, "mode", "");
	r.src_mode = arg(a, "_drover_src_mode", "");
	r.src_name = arg(a, "_drover_src_name", "");
	out_add(&r.dest, "", 0);
	out_add(&r.backup_file, "", 0);
	read_stdin(&r.data);
	if (!strcmp(opt(&r, "_drover_kind"), "dir")) {
		out_adds(&r.dest, opt(&r, "dest"));
		copy_tree(&r);
	}
	copy_file(&r);
}
