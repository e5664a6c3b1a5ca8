#include "runguard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "statedir.h"
#include "xalloc.h"
#include "banned.h"

static void say_holder(int fd, const char *path, struct buf *err)
{
	char pid[32] = "";
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	pid[n > 0 ? n : 0] = '\0';
	pid[strcspn(pid, "\n")] = '\0';
	buf_setf(err, "another drover run holds the lock %s%s%s%s; not starting", path,
		 *pid ? " (pid " : "", pid, *pid ? ")" : "");
}

int runguard_lock(const char *path, struct buf *err)
{
	char *file = path && *path ? xstrdup(path) : statedir_path("run.lock");
	char pid[32];
	int fd = -1;

	/* only the default lock's folder is made: a lock path given is taken as it is */
	if (!(path && *path) && statedir_make_parents(file, err) < 0)
		goto out;
	fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_setf(err, "cannot open lock %s: %s", file, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int busy = errno == EWOULDBLOCK;

		if (busy)
			say_holder(fd, file, err);
		else
			buf_setf(err, "cannot lock %s: %s", file, strerror(errno));
		close(fd);
		fd = busy ? RUNGUARD_BUSY : -1;
		goto out;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		(void)0; /* the pid is only for messages */
out:
	free(file);
	return fd;
}

void runguard_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void child(int in, const char *cmd)
{
	dup2(in, 0);
	if (in != 0)
		close(in);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* The summary goes in whole or as far as CMD reads it; a hook that ignores stdin is fine. */
static void feed(int fd, json_t *summary)
{
	char *text = json_dumps(summary, JSON_INDENT(2) | JSON_SORT_KEYS);
	struct sigaction ign, old;
	size_t off = 0, len = strlen(text);
	ssize_t n;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	while (off < len && ((n = write(fd, text + off, len - off)) > 0 || errno == EINTR))
		off += n > 0 ? (size_t)n : 0;
	if (off == len && write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	sigaction(SIGPIPE, &old, NULL);
	free(text);
}

int runguard_on_failure(const char *cmd, json_t *summary, struct buf *err)
{
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		buf_setf(err, "--on-failure: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(fds[0], cmd);
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		buf_setf(err, "--on-failure: fork: %s", strerror(errno));
		return -1;
	}
	feed(fds[1], summary);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFSIGNALED(status))
		buf_setf(err, "--on-failure command '%s' died of signal %d", cmd, WTERMSIG(status));
	else
		buf_setf(err, "--on-failure command '%s' exited with %d%s", cmd, WEXITSTATUS(status),
			 WEXITSTATUS(status) == 127 ? " (not found?)" : "");
	return -1;
}
