/*
 * The file modules' common part, as modules/_files.sh: the same checks in
 * the same order, the same messages, the same JSON. Where the script looks
 * with stat(1) (which does not follow links) this looks with lstat; where
 * it tests with [ -e ] or [ -d ] (which do) with stat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "modes.h"
#include "../../include/banned.h"

void files_init(struct files *f, const struct args *a)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->mode = arg(a, "mode", "");
	f->owner = arg(a, "owner", "");
	f->group = arg(a, "group", "");
	f->check = arg_true(a, "_ansible_check_mode");
	f->diff = arg_true(a, "_ansible_diff");
	out_add(&f->tmp, "", 0);
}

void files_exit(struct files *f, struct out *json)
{
	if (f->tmp.len)
		unlink(f->tmp.buf);
	remote_exit(f->a, json);
}

void files_fail(struct files *f, const char *msg)
{
	if (f->tmp.len)
		unlink(f->tmp.buf);
	remote_fail(f->a, msg);
}

void files_failf(struct files *f, const char *fmt, ...)
{
	struct out msg = { 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg.buf = xrealloc_or_abort(NULL, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(msg.buf, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	files_fail(f, msg.buf);
}

const char *kind_of(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return "link";
	if (stat(path, &st) < 0)
		return "absent";
	if (S_ISDIR(st.st_mode))
		return "directory";
	return S_ISREG(st.st_mode) ? "file" : "other";
}

int exists_or_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

void dir_name(const char *path, struct out *dir)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0) {
		out_adds(dir, ".");
		return;
	}
	while (n > 1 && path[n - 1] == '/')
		n--;
	out_add(dir, path, n);
}

void dir_of(const char *path, struct out *dir)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		out_adds(dir, ".");
	else if (slash == path)
		out_adds(dir, "/");
	else
		out_add(dir, path, (size_t)(slash - path));
}

const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int run_capture(char *const argv[], int stdin_fd, int with_stderr, struct out *output);

/*
 * A passwd- or group-style line: its name (the first field, *name_len
 * bytes) and id (the third). 0, or -1 for a line of another shape.
 */
static int parse_entry(const char *line, size_t *name_len, unsigned long *id)
{
	const char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *end;

	if (!c2)
		return -1;
	*id = strtoul(c2 + 1, &end, 10);
	if (end == c2 + 1 || *end != ':')
		return -1;
	*name_len = (size_t)(c1 - line);
	return 0;
}

/*
 * The entry for key (a name, or an id in digits) in file, else from the
 * host's name service (LDAP, sssd...) through getent: a static binary
 * cannot load NSS modules itself, so it forks only for names the file
 * lacks. 0 with the line in *entry, or -1.
 */
static int find_entry(const char *file, const char *key, int by_id, struct out *entry)
{
	/* the files' names are getent's databases */
	char *argv[] = { (char *)"getent", (char *)base_name(file), (char *)key, NULL };
	FILE *f = fopen(file, "re");
	char *line = NULL;
	size_t cap = 0, n, keylen = strlen(key);
	unsigned long id, want = strtoul(key, NULL, 10);
	int found = 0;

	while (!found && f && getline(&line, &cap, f) > 0)
		found = !parse_entry(line, &n, &id) &&
			(by_id ? id == want : n == keylen && !strncmp(line, key, n));
	if (found)
		out_adds(entry, line);
	free(line);
	if (f)
		fclose(f);
	if (!found && run_capture(argv, -1, 0, entry) == 0 && !parse_entry(entry->buf, &n, &id))
		found = 1;
	return found ? 0 : -1;
}

/* The id of the user (file /etc/passwd) or group (/etc/group) name. */
static int name_id(const char *file, const char *name, unsigned long *id)
{
	struct out entry = { 0 };
	size_t n;
	int r = find_entry(file, name, 0, &entry) < 0 ? -1 : parse_entry(entry.buf, &n, id);

	out_release(&entry);
	return r;
}

void id_name(const char *file, unsigned long id, char *name, size_t size)
{
	struct out entry = { 0 };
	char key[32];
	size_t n;
	unsigned long got;

	snprintf(key, sizeof(key), "%lu", id);
	if (find_entry(file, key, 1, &entry) == 0 && !parse_entry(entry.buf, &n, &got) && got == id)
		snprintf(name, size, "%.*s", (int)n, entry.buf);
	else
		snprintf(name, size, "UNKNOWN");
	out_release(&entry);
}

static int all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* The uid or gid an owner or group option names; 0 or -1. */
static int owner_id(const char *file, const char *who, unsigned long *id)
{
	if (!all_digits(who))
		return name_id(file, who, id);
	*id = strtoul(who, NULL, 10);
	return 0;
}

int target_mode(const char *path, const char *spec, char want[8], struct out *msg)
{
	struct stat st;
	mode_t m, cur = 0644, mask;
	int r, dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);

	if (mode_is_octal(spec, &m)) {
		snprintf(want, 8, "%04o", (unsigned)m);
		return 0;
	}
	if (lstat(path, &st) == 0)
		cur = st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	r = mode_symbolic(spec, cur, dir, mask, &m);
	if (r == MODE_NOT_SYMBOLIC) {
		out_adds(msg, "mode must be in octal or symbolic form");
		return -1;
	}
	if (r < 0) {
		out_addf(msg, "bad symbolic permission for mode: %s", spec);
		return -1;
	}
	snprintf(want, 8, "%04o", (unsigned)m);
	return 0;
}

int chmod_octal(const char *path, const char *want)
{
	struct stat st;
	mode_t m = (mode_t)strtoul(want, NULL, 8);

	if (stat(path, &st) < 0)
		return -1;
	return chmod(path, mode_after_chmod(st.st_mode & 07777, m, S_ISDIR(st.st_mode)));
}

static void note_attr(struct files *f, const char *key, const char *before, const char *after)
{
	f->attrs_changed = 1;
	out_addf(&f->attr_before, "\"%s\": ", key);
	out_json_str(&f->attr_before, before, strlen(before));
	out_adds(&f->attr_before, ", ");
	out_addf(&f->attr_after, "\"%s\": ", key);
	out_json_str(&f->attr_after, after, strlen(after));
	out_adds(&f->attr_after, ", ");
}

/* check_owner and check_group: names must exist (numbers need not). */
static void check_names(struct files *f)
{
	unsigned long id;

	if (*f->owner && !all_digits(f->owner) && name_id("/etc/passwd", f->owner, &id) < 0)
		files_failf(f, "chown failed: failed to look up user %s", f->owner);
	if (*f->group && !all_digits(f->group) && name_id("/etc/group", f->group, &id) < 0)
		files_failf(f, "chgrp failed: failed to look up group %s", f->group);
}

static void apply_mode(struct files *f, const char *path)
{
	struct out msg = { 0 };
	struct stat st;
	char cur[8], want[8];

	if (lstat(path, &st) < 0)
		return;
	snprintf(cur, sizeof(cur), "%04o", (unsigned)(st.st_mode & 07777));
	out_add(&msg, "", 0);
	if (target_mode(path, f->mode, want, &msg) < 0)
		files_fail(f, msg.buf);
	out_release(&msg);
	if (!strcmp(cur, want))
		return;
	note_attr(f, "mode", cur, want);
	if (!f->check && chmod_octal(path, want) < 0)
		files_failf(f, "chmod failed on %s", path);
}

/* owner (group: the same with the group file) as owner_differs and chown. */
static void apply_id(struct files *f, const char *path, int group, int nofollow)
{
	const char *who = group ? f->group : f->owner;
	const char *file = group ? "/etc/group" : "/etc/passwd";
	unsigned long cur, id;
	char name[256], num[32];
	struct stat st;
	int r;

	if (!*who || lstat(path, &st) < 0)
		return;
	cur = group ? st.st_gid : st.st_uid;
	id_name(file, cur, name, sizeof(name));
	snprintf(num, sizeof(num), "%lu", cur);
	if (!strcmp(all_digits(who) ? num : name, who))
		return;
	note_attr(f, group ? "group" : "owner", name, who);
	if (f->check)
		return;
	r = owner_id(file, who, &id);
	if (r == 0 && nofollow)
		r = lchown(path, group ? (uid_t)-1 : (uid_t)id, group ? (gid_t)id : (gid_t)-1);
	else if (r == 0)
		r = chown(path, group ? (uid_t)-1 : (uid_t)id, group ? (gid_t)id : (gid_t)-1);
	if (r < 0)
		files_failf(f, "%s failed: %s", group ? "chgrp" : "chown", path);
}

void apply_attrs(struct files *f, const char *path)
{
	struct stat st;
	int nofollow;

	f->attr_before.len = f->attr_after.len = 0;
	out_add(&f->attr_before, "", 0);
	out_add(&f->attr_after, "", 0);
	if (lstat(path, &st) < 0)
		return;
	check_names(f);
	nofollow = S_ISLNK(st.st_mode) && !f->follow_links;
	if (*f->mode && !nofollow)
		apply_mode(f, path);
	apply_id(f, path, 0, nofollow);
	apply_id(f, path, 1, nofollow);
}

/* members "A, B, " as "A, B" */
static void add_members(struct out *o, const struct out *m)
{
	if (m->len >= 2)
		out_add(o, m->buf, m->len - 2);
}

void attr_diff(const struct files *f, struct out *o, const char *path)
{
	struct out h = { 0 };

	out_addf(&h, "%s (file attributes)", path);
	out_adds(o, "{\"before_header\": ");
	out_json_str(o, h.buf, h.len);
	out_adds(o, ", \"after_header\": ");
	out_json_str(o, h.buf, h.len);
	out_adds(o, ", \"before\": {");
	add_members(o, &f->attr_before);
	out_adds(o, "}, \"after\": {");
	add_members(o, &f->attr_after);
	out_adds(o, "}}");
	out_release(&h);
}

void path_info(struct out *o, const char *path)
{
	struct stat st;
	char name[256], target[4096];
	const char *kind = "file";
	ssize_t n;

	if (lstat(path, &st) < 0) {
		out_adds(o, "\"state\": \"absent\"");
		return;
	}
	if (S_ISLNK(st.st_mode))
		kind = "link";
	else if (S_ISDIR(st.st_mode))
		kind = "directory";
	else if (st.st_nlink > 1)
		kind = "hard";
	out_addf(o, "\"uid\": %lu, \"gid\": %lu, \"owner\": ", (unsigned long)st.st_uid,
		 (unsigned long)st.st_gid);
	id_name("/etc/passwd", st.st_uid, name, sizeof(name));
	out_json_str(o, name, strlen(name));
	out_adds(o, ", \"group\": ");
	id_name("/etc/group", st.st_gid, name, sizeof(name));
	out_json_str(o, name, strlen(name));
	out_addf(o, ", \"mode\": \"%04o\", \"size\": %lld, \"state\": \"%s\"",
		 (unsigned)(st.st_mode & 07777), (long long)st.st_size, kind);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		out_adds(o, ", \"src\": ");
		out_json_str(o, target, strlen(target));
	}
}

/* Reads fd to its end into output; 0 or -1. */
int drain(int fd, struct out *output)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		out_add(output, chunk, (size_t)n);
	}
	return 0;
}

int read_file(const char *path, struct out *data)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	out_add(data, "", 0);
	r = drain(fd, data);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/* cp -p: bytes, mode, owner (when allowed) and times. */
static int copy_preserving(const char *from, const char *to)
{
	struct out data = { 0 };
	struct stat st;
	struct timespec times[2];
	int fd = -1, r = -1;

	if (stat(from, &st) < 0 || read_file(from, &data) < 0)
		goto out;
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, data.buf, data.len) < 0)
		goto out;
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (fchown(fd, st.st_uid, st.st_gid) < 0)
		st.st_mode &= ~(mode_t)(S_ISUID | S_ISGID);
	r = fchmod(fd, st.st_mode & 07777) | futimens(fd, times);
out:
	if (fd >= 0 && close(fd) < 0)
		r = -1;
	out_release(&data);
	return r;
}

void backup_of(struct files *f, const char *path, struct out *backup)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(date, sizeof(date), "%Y-%m-%d@%H:%M:%S", localtime_r(&now, &tm));
	out_addf(backup, "%s.%ld.%s~", path, (long)getpid(), date);
	if (copy_preserving(path, backup->buf) < 0)
		files_failf(f, "Could not make backup of %s to %s", path, backup->buf);
}

void tmp_beside(struct files *f, const char *path)
{
	struct out dir = { 0 };
	int fd;

	dir_of(path, &dir);
	f->tmp.len = 0;
	out_addf(&f->tmp, "%s/.drover_tmp_%ld_%s", dir.buf, (long)getpid(), base_name(path));
	fd = open(f->tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		f->tmp.len = 0;
		files_failf(f, "Destination %s not writable", dir.buf);
	}
	close(fd);
	out_release(&dir);
}

void tmp_write(struct files *f, const char *data, size_t n)
{
	int fd = open(f->tmp.buf, O_WRONLY | O_TRUNC | O_CLOEXEC);

	/* fsync before the rename: after a crash, dest is the old file or the new one */
	if (fd < 0 || write_all(fd, data, n) < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		files_failf(f, "Could not write %s", f->tmp.buf);
	}
	close(fd);
}

void replace_with(struct files *f, const char *dest)
{
	struct stat st;

	int r;

	/* as the script: dest's mode and owner as stat(1) shows them; failures do not count */
	if (stat(dest, &st) == 0 && lstat(dest, &st) == 0) {
		r = chmod(f->tmp.buf, st.st_mode & 07777);
		r |= chown(f->tmp.buf, st.st_uid, st.st_gid);
		(void)r;
	}
	if (rename(f->tmp.buf, dest) < 0)
		files_failf(f, "Could not replace file: %s to %s", f->tmp.buf, dest);
	f->tmp.len = 0;
}

static void add_b64_text(struct out *o, const struct text *t)
{
	if (t->present)
		out_b64(o, (const unsigned char *)t->buf, t->len);
}

void text_diff(struct out *o, const struct text *before, const struct text *after,
	       const char *header, const char *after_header)
{
	out_adds(o, "{\"before_header\": ");
	out_json_str(o, header, strlen(header));
	out_adds(o, ", \"after_header\": ");
	after_header = after_header ? after_header : header;
	out_json_str(o, after_header, strlen(after_header));
	if (before->present && before->len > DIFF_MAX)
		out_addf(o, ", \"dst_larger\": %d}", DIFF_MAX);
	else if (after->present && after->len > DIFF_MAX)
		out_addf(o, ", \"src_larger\": %d}", DIFF_MAX);
	else if (before->present && memchr(before->buf, '\0', before->len))
		out_adds(o, ", \"dst_binary\": 1}");
	else if (after->present && memchr(after->buf, '\0', after->len))
		out_adds(o, ", \"src_binary\": 1}");
	else {
		out_adds(o, ", \"before_b64\": \"");
		add_b64_text(o, before);
		out_adds(o, "\", \"after_b64\": \"");
		add_b64_text(o, after);
		out_adds(o, "\"}");
	}
}

/* argv run with stdin_fd (or ours, if -1) and stdout (and stderr) into output; its status. */
static int run_capture(char *const argv[], int stdin_fd, int with_stderr, struct out *output)
{
	int pfd[2], status;
	pid_t pid;

	out_add(output, "", 0);
	fflush(stdout);
	if (pipe(pfd) < 0 || (pid = fork()) < 0)
		return -1;
	if (!pid) {
		if (stdin_fd >= 0)
			dup2(stdin_fd, 0);
		dup2(pfd[1], 1);
		if (with_stderr)
			dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	drain(pfd[0], output);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_shell(const char *cmd, struct out *output)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	int r = run_capture(argv, -1, 1, output);

	while (output->len && output->buf[output->len - 1] == '\n')
		output->buf[--output->len] = '\0';
	return r;
}

int mkdir_p(const char *path)
{
	struct out p = { 0 };
	struct stat st;
	size_t i, n = strlen(path);
	int r = 0;

	out_add(&p, path, n);
	for (i = 1; i <= n && r == 0; i++) {
		if (i < n && p.buf[i] != '/')
			continue;
		if (p.buf[i - 1] == '/')
			continue;
		p.buf[i] = '\0';
		if (mkdir(p.buf, 0777) < 0 && (errno != EEXIST || stat(p.buf, &st) < 0 ||
					      !S_ISDIR(st.st_mode)))
			r = -1;
		if (i < n)
			p.buf[i] = '/';
	}
	out_release(&p);
	return r;
}

void json_member(struct out *o, const char *key, const char *s)
{
	out_addf(o, "\"%s\": ", key);
	out_json_str(o, s, strlen(s));
}

void chmod_spec(const char *path, const char *spec)
{
	struct stat st;
	mode_t m, mask;
	int dir;

	if (stat(path, &st) < 0)
		return;
	dir = S_ISDIR(st.st_mode);
	if (mode_is_octal(spec, &m)) {
		m = mode_after_chmod(st.st_mode & 07777, m, dir);
	} else {
		mask = umask(0);
		umask(mask);
		if (mode_symbolic(spec, st.st_mode & 07777, dir, mask, &m) == MODE_NOT_SYMBOLIC)
			return;
	}
	if (chmod(path, m) < 0)
		return; /* as the script, which does not look at chmod's status */
}
