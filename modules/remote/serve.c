/*
 * drover-remote serve: the host agent. Started once per SSH connection on
 * a channel of its own, it runs every module of the run that would
 * otherwise cost a channel, a login shell and a /bin/sh each: sshd's fork
 * and the two shells' start-up were three quarters of the CPU a task took.
 *
 * The dialogue, on the channel's stdin and stdout (src/agent.c is the other
 * end):
 *
 *   agent:      "drover-agent 1\n" once, when ready
 *   controller: "run helper NAME - LEN\n"    then LEN bytes of stdin
 *           or: "run script SHA256 SHELL LEN\n" (SHELL: the interpreter)
 *   agent:      "pid PID\n"        the module's process group, for a kill
 *               "out LEN\n" BYTES / "err LEN\n" BYTES  as the module writes
 *               "exit STATUS SIGNAL\n"  last; SIGNAL 0 unless it was killed
 *
 * A script not in the cache answers "exit 213 0" at once, as the launcher
 * does, so that the controller uploads it. Each module runs in a child of
 * its own session, as sshd would start it: the same environment, folder
 * and umask as the agent's, which are those a launcher would get. The
 * agent ends at EOF on stdin, when the channel closes; EOF while a module
 * runs (the controller gave up on it: a timeout, Ctrl-C) kills the
 * module's process group first, whoever the agent runs as.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remote.h"
#include "../../include/banned.h"

/* The launcher's answer for a module not cached on the host yet. */
#define EXIT_MODULE_MISSING 213
/* Longest request line the controller writes (a path-long shell at most). */
#define LINE_MAX_LEN 4096

struct request {
	char kind[16];
	char name[128];
	char shell[LINE_MAX_LEN];
	struct out in; /* the module's stdin */
};

/* The last line of an answer: how the module ended. */
static int say_exit(int status, int sig)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "exit %d %d\n", status, sig);

	return write_all(1, line, (size_t)n);
}

/* One line from the controller, byte by byte: stdin must stay unbuffered. */
static int read_line(char *line, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap) {
		r = read(0, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

static int read_full(struct out *o, size_t n)
{
	char tmp[65536];
	ssize_t r;

	while (n) {
		r = read(0, tmp, n < sizeof(tmp) ? n : sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		out_add(o, tmp, (size_t)r);
		n -= (size_t)r;
	}
	return 0;
}

/* The next request; -1 at EOF or on a line the controller never writes. */
static int read_request(struct request *q)
{
	char line[LINE_MAX_LEN + 256], *end;
	unsigned long len;

	if (read_line(line, sizeof(line)) < 0)
		return -1;
	q->in.len = 0;
	if (sscanf(line, "run %15s %127s %4095s %lu", q->kind, q->name, q->shell, &len) != 4)
		return -1;
	end = strrchr(line, ' ');
	if (!end || strtoul(end + 1, NULL, 10) != len)
		return -1;
	return read_full(&q->in, len);
}

/* The module's process: its own session, the pipes as 0, 1 and 2. */
static void child(const struct request *q, const char *script, int fds[3][2])
{
	int i;

	setsid();
	signal(SIGPIPE, SIG_DFL);
	dup2(fds[0][0], 0);
	dup2(fds[1][1], 1);
	dup2(fds[2][1], 2);
	for (i = 0; i < 3; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	if (!strcmp(q->kind, "helper"))
		exit(remote_run_module(q->name));
	execl(q->shell, q->shell, script, (char *)NULL);
	fprintf(stderr, "drover-remote: cannot run %s: %s\n", q->shell, strerror(errno));
	_exit(127);
}

/* The scripts' folder: serve's argument, else the login user's cache. */
static const char *scripts_dir;

/* Sends what came on fd as a frame; 0 at EOF, 1 if more may come, -1 if the controller is gone. */
static int forward(int fd, const char *tag)
{
	char tmp[65536], head[32];
	ssize_t r = read(fd, tmp, sizeof(tmp));

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0)
		return 0;
	snprintf(head, sizeof(head), "%s %ld\n", tag, (long)r);
	if (write_all(1, head, strlen(head)) < 0 || write_all(1, tmp, (size_t)r) < 0)
		return -1;
	return 1;
}

/*
 * The controller sends nothing while a module runs, so stdin readable
 * means it closed the channel: the module is stopped, the agent goes on
 * only to reap it.
 */
static void watch_controller(struct pollfd *p, pid_t pid)
{
	char c;

	if (p->fd < 0 || !p->revents || (read(0, &c, 1) < 0 && errno == EINTR))
		return;
	kill(-pid, SIGTERM);
	p->fd = -1;
}

/*
 * Feeds the module its stdin while its output goes to the controller as
 * it comes, until both its streams are closed. -1 if the controller is gone.
 */
static int pump(const struct out *in, pid_t pid, int to, int from_out, int from_err)
{
	struct pollfd p[4] = { { to, POLLOUT, 0 }, { from_out, POLLIN, 0 }, { from_err, POLLIN, 0 },
			       { 0, POLLIN, 0 } };
	size_t off = 0;
	ssize_t w;
	int i, r;

	if (!in->len) {
		close(to);
		p[0].fd = -1;
	}
	while (p[1].fd >= 0 || p[2].fd >= 0) {
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			return -1;
		watch_controller(&p[3], pid);
		if (p[0].fd >= 0 && p[0].revents) {
			w = write(to, in->buf + off, in->len - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EINTR && errno != EAGAIN) || off == in->len) {
				close(to); /* done, or the module stopped reading: the rest is dropped */
				p[0].fd = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if ((r = forward(p[i].fd, i == 1 ? "out" : "err")) < 0)
				return -1;
			if (!r) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
	if (p[0].fd >= 0)
		close(to);
	return p[3].fd < 0 ? -1 : 0;
}

/*
 * Forks the module with pipes for its 0, 1 and 2, of which we keep the
 * write end of its stdin (non-blocking: a module that writes before it has
 * read all its stdin must not wedge us both) and the read ends of its
 * output. Its pid, or -1 with no pipe left open.
 */
static pid_t start_module(const struct request *q, const char *script, int fds[3][2])
{
	pid_t pid = -1;
	int made, i;

	for (made = 0; made < 3 && pipe(fds[made]) == 0; made++)
		;
	if (made == 3 && (pid = fork()) == 0)
		child(q, script, fds);
	for (i = 0; i < made; i++) {
		if (pid < 0 || i > 0)
			close(fds[i][1]);
		if (pid < 0 || i == 0)
			close(fds[i][0]);
	}
	if (pid > 0)
		fcntl(fds[0][1], F_SETFL, O_NONBLOCK);
	return pid;
}

/* Runs one request to its end; -1 if the controller is gone. */
static int serve_one(const struct request *q)
{
	char script[LINE_MAX_LEN + 64], line[32];
	int fds[3][2], status, n;
	pid_t pid;

	if (strcmp(q->kind, "helper")) {
		snprintf(script, sizeof(script), "%s/%s.sh", scripts_dir, q->name);
		if (access(script, R_OK))
			return say_exit(EXIT_MODULE_MISSING, 0);
	}
	if ((pid = start_module(q, script, fds)) < 0)
		return say_exit(127, 0);
	n = snprintf(line, sizeof(line), "pid %ld\n", (long)pid);
	if (write_all(1, line, (size_t)n) < 0 || pump(&q->in, pid, fds[0][1], fds[1][0], fds[2][0]) < 0) {
		waitpid(pid, &status, 0);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return say_exit(127, 0);
	if (WIFSIGNALED(status))
		return say_exit(-1, WTERMSIG(status));
	return say_exit(WEXITSTATUS(status), 0);
}

int remote_serve(const char *scripts)
{
	static struct out dflt;
	const char *home = getenv("HOME");
	struct request q;

	if (!scripts) {
		out_addf(&dflt, "%s/.cache/drover/modules", home ? home : "");
		scripts = dflt.buf;
	}
	scripts_dir = scripts;
	memset(&q, 0, sizeof(q));
	/* a controller gone shows as a failed write, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	if (write_all(1, "drover-agent 1\n", 15) < 0)
		return 1;
	while (read_request(&q) == 0)
		if (serve_one(&q) < 0)
			break;
	out_release(&q.in);
	return 0;
}
