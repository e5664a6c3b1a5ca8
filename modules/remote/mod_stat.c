/*
 * stat: as modules/stat.sh (same keys, order and values), from one stat(2)
 * instead of a dozen forks. Owner names come from /etc/passwd and
 * /etc/group, else from getent (see files.c's find_entry).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "remote.h"
#include "../../include/banned.h"

static void add_bool(struct out *o, const char *key, int v)
{
	out_addf(o, ", \"%s\": %s", key, v ? "true" : "false");
}

static void add_str(struct out *o, const char *key, const char *s)
{
	out_addf(o, ", \"%s\": ", key);
	out_json_str(o, s, strlen(s));
}

static void add_time(struct out *o, const char *key, const struct timespec *t)
{
	out_addf(o, ", \"%s\": %lld.%09ld", key, (long long)t->tv_sec, t->tv_nsec);
}

static int can(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
}

static void add_kind(struct out *o, const struct stat *st)
{
	mode_t t = st->st_mode & S_IFMT;

	add_bool(o, "isdir", t == S_IFDIR);
	add_bool(o, "ischr", t == S_IFCHR);
	add_bool(o, "isblk", t == S_IFBLK);
	add_bool(o, "isreg", t == S_IFREG);
	add_bool(o, "isfifo", t == S_IFIFO);
	add_bool(o, "islnk", t == S_IFLNK);
	add_bool(o, "issock", t == S_IFSOCK);
}

static void add_numbers(struct out *o, const struct stat *st)
{
	out_addf(o, ", \"uid\": %lu, \"gid\": %lu, \"size\": %lld, \"inode\": %llu",
		 (unsigned long)st->st_uid, (unsigned long)st->st_gid, (long long)st->st_size,
		 (unsigned long long)st->st_ino);
	out_addf(o, ", \"dev\": %llu, \"nlink\": %llu", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_nlink);
	add_time(o, "atime", &st->st_atim);
	add_time(o, "mtime", &st->st_mtim);
	add_time(o, "ctime", &st->st_ctim);
}

static void add_perms(struct out *o, const struct stat *st)
{
	static const struct {
		const char *key;
		mode_t bit;
	} bits[] = {
		{ "wusr", S_IWUSR }, { "rusr", S_IRUSR }, { "xusr", S_IXUSR },
		{ "wgrp", S_IWGRP }, { "rgrp", S_IRGRP }, { "xgrp", S_IXGRP },
		{ "woth", S_IWOTH }, { "roth", S_IROTH }, { "xoth", S_IXOTH },
		{ "isuid", S_ISUID }, { "isgid", S_ISGID },
	};
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		add_bool(o, bits[i].key, st->st_mode & bits[i].bit);
}

/* readlink -f: every link resolved; the last component need not exist. */
static void resolve(const char *path, struct out *dst)
{
	char target[PATH_MAX], real[PATH_MAX], *slash;
	struct out joined = { 0 };
	ssize_t n;

	if (realpath(path, real)) {
		out_adds(dst, real);
		return;
	}
	n = readlink(path, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	if (target[0] != '/' && (slash = strrchr(path, '/')))
		out_add(&joined, path, (size_t)(slash - path + 1));
	out_adds(&joined, target);
	slash = strrchr(joined.buf, '/');
	if (slash && slash != joined.buf) {
		*slash = '\0';
		if (realpath(joined.buf, real)) {
			out_addf(dst, "%s/%s", real, slash + 1);
			out_release(&joined);
			return;
		}
		*slash = '/';
	}
	out_adds(dst, joined.buf);
	out_release(&joined);
}

static void add_link(struct out *o, const char *path)
{
	char target[PATH_MAX];
	struct out source = { 0 };
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	target[n < 0 ? 0 : n] = '\0';
	out_add(&source, "", 0);
	resolve(path, &source);
	add_str(o, "lnk_source", source.buf);
	add_str(o, "lnk_target", target);
	out_release(&source);
}

/* Any other algorithm: ALGOsum on the file, as the script runs it. */
static int tool_sum(const char *algo, int fd, char *hex, size_t size)
{
	char tool[32], *sp;
	int pfd[2], status;
	ssize_t n = 0, got;
	pid_t pid;

	snprintf(tool, sizeof(tool), "%ssum", algo);
	if (pipe(pfd) < 0 || (pid = fork()) < 0)
		return -1;
	if (!pid) {
		dup2(fd, 0);
		dup2(pfd[1], 1);
		execlp(tool, tool, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((got = read(pfd[0], hex + n, size - 1 - (size_t)n)) > 0 || (got < 0 && errno == EINTR))
		n += got > 0 ? got : 0;
	close(pfd[0]);
	hex[n] = '\0';
	if ((sp = strchr(hex, ' ')))
		*sp = '\0';
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status) &&
	       hex[0] ? 0 : -1;
}

static void add_checksum(const struct args *a, struct out *o, const char *path)
{
	const char *algo = arg(a, "checksum_algorithm", "sha1");
	char hex[160], msg[PATH_MAX + 64];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		r = -1;
	else if (!strcmp(algo, "sha1"))
		r = sha1_file(fd, hex);
	else
		r = tool_sum(algo, fd, hex, sizeof(hex));
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "could not compute the %s checksum of %s", algo, path);
		remote_fail(a, msg);
	}
	add_str(o, "checksum", hex);
}

static void add_rest(const struct args *a, struct out *o, const char *path, const struct stat *st)
{
	char name[256];

	out_addf(o, ", \"blocks\": %lld, \"block_size\": 512, \"device_type\": %u",
		 (long long)st->st_blocks, major(st->st_rdev) * 256 + minor(st->st_rdev));
	add_bool(o, "readable", can(path, R_OK));
	add_bool(o, "writeable", can(path, W_OK));
	add_bool(o, "executable", can(path, X_OK));
	id_name("/etc/passwd", st->st_uid, name, sizeof(name));
	add_str(o, "pw_name", name);
	id_name("/etc/group", st->st_gid, name, sizeof(name));
	add_str(o, "gr_name", name);
	if (S_ISLNK(st->st_mode))
		add_link(o, path);
	if (S_ISREG(st->st_mode) && arg_true(a, "get_checksum") && can(path, R_OK))
		add_checksum(a, o, path);
}

void mod_stat(const struct args *a)
{
	const char *path = arg(a, "path", "");
	int follow = arg_true(a, "follow");
	struct out o = { 0 };
	struct stat st;

	if (lstat(path, &st) < 0 || (follow && stat(path, &st) < 0)) {
		out_adds(&o, "{\"changed\": false, \"stat\": {\"exists\": false}}");
		remote_exit(a, &o);
	}
	out_adds(&o, "{\"changed\": false, \"stat\": {\"exists\": true");
	add_str(&o, "path", path);
	out_addf(&o, ", \"mode\": \"%04o\"", (unsigned)(st.st_mode & 07777));
	add_kind(&o, &st);
	add_numbers(&o, &st);
	add_perms(&o, &st);
	add_rest(a, &o, path, &st);
	out_adds(&o, "}}");
	remote_exit(a, &o);
}
