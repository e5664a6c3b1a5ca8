#include "executor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "runner.h"
#include "xalloc.h"
#include "banned.h"

/* A job waiting for its busy owner may move to an idle worker after this. */
#define STEAL_AFTER_MS 2000
/* Extra time a worker gets past its job's own timeouts before it is killed. */
#define WATCHDOG_GRACE_MS 30000
/* A message larger than this from a worker is a broken worker. */
#define MSG_MAX (BUF_SIZE_MAX + 4096)

/* Controller: SIGINT/SIGTERM arrived. Worker: the controller said stop. */
static volatile sig_atomic_t interrupted;

/* How long stopped workers get to kill their remote commands. */
#define STOP_GRACE_MS 5000

struct worker {
	pid_t pid;        /* 0: not running */
	int fd;           /* our end of the socketpair */
	long job;         /* job in flight, or -1 */
	long long since;  /* when that job started (ms) */
	long long deadline; /* kill the worker after this (ms), 0: never */
	struct buf in;    /* partial message from the worker */
};

struct executor {
	struct worker *workers;
	int nr_workers;
	long *owner;      /* key -> worker index holding its session, or -1 */
	size_t nr_owner;
	struct run *cur;  /* the executor_run in progress, for executor_add() */
};

/* State of one executor_run: its jobs grow while it runs (executor_add). */
struct run {
	struct executor_job *jobs;
	size_t nr, done, alloc;
	size_t first_pending; /* no job below it is pending */
	char *state; /* per job: 0 pending, 1 running, 2 done */
	executor_result_fn fn;
	executor_idle_fn idle;
	void *data;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- messages: 4-byte big-endian length, then JSON ---- */

/* Moves all len bytes through fd (reading or writing); -1 on error or EOF. */
static int xfer_all(int fd, char *p, size_t len, int writing)
{
	while (len) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_text(int fd, const char *text)
{
	uint32_t len = htonl((uint32_t)strlen(text));

	return xfer_all(fd, (char *)&len, 4, 1) || xfer_all(fd, (char *)text, strlen(text), 1) ? -1 : 0;
}

static int send_msg(int fd, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	int r = send_text(fd, text);

	free(text);
	return r;
}

/* Worker side: blocking read of one message. NULL at EOF or on error. */
static json_t *recv_msg(int fd)
{
	uint32_t len;
	char *text;
	json_t *msg = NULL;

	if (xfer_all(fd, (char *)&len, 4, 0) < 0)
		return NULL;
	len = ntohl(len);
	if (len > MSG_MAX)
		return NULL;
	text = xmalloc((size_t)len + 1);
	if (!xfer_all(fd, text, len, 0)) {
		text[len] = '\0';
		msg = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
	}
	free(text);
	return msg;
}

/* ---- the worker process ---- */

static void worker_loop(int fd)
{
	struct runner *r = runner_new(&interrupted);
	json_t *job, *out;

	while (!interrupted && (job = recv_msg(fd))) {
		out = runner_run(r, job);
		json_decref(job);
		if (send_msg(fd, out) < 0)
			break;
		json_decref(out);
	}
	runner_free(r);
}

/*
 * Ctrl-C reaches the whole process group: the controller decides, and
 * sends SIGTERM, on which the job in flight stops its remote command.
 */
static void worker_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A worker holds nothing of the controller's but its socket: not the
 * --lock flock (a lock belongs to the open file, and a controller killed
 * with -9 must not leave its workers holding it), not the records database
 * or a log. And it ends with the controller: SIGTERM when the controller
 * dies, so the task in flight stops its remote command as on Ctrl-C.
 */
static void worker_detach(pid_t parent, int sock)
{
	if (sock > 3)
		close_range(3, (unsigned int)sock - 1, 0);
	close_range((unsigned int)sock + 1, ~0U, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		interrupted = 1; /* it died before prctl took effect */
}

static int worker_start(struct executor *ex, int w)
{
	pid_t pid, parent = getpid();
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		for (i = 0; i < ex->nr_workers; i++)
			if (ex->workers[i].fd >= 0)
				close(ex->workers[i].fd);
		close(sv[0]);
		worker_signals();
		worker_detach(parent, sv[1]);
		worker_loop(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	ex->workers[w].pid = pid;
	ex->workers[w].fd = sv[0];
	ex->workers[w].job = -1;
	buf_reset(&ex->workers[w].in);
	return 0;
}

struct executor *executor_new(int forks)
{
	struct executor *ex = xcalloc(1, sizeof(*ex));
	int i;

	ex->nr_workers = forks > 0 ? forks : 1;
	ex->workers = xcalloc((size_t)ex->nr_workers, sizeof(struct worker));
	for (i = 0; i < ex->nr_workers; i++) {
		ex->workers[i].fd = -1;
		ex->workers[i].job = -1;
		buf_init(&ex->workers[i].in, 0);
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < ex->nr_workers; i++)
		if (worker_start(ex, i) < 0)
			break; /* the rest start on demand */
	return ex;
}

/* Kills and reaps worker w; forgets the sessions it held. */
/* Forgets a worker that has been reaped, and the sessions it held. */
static void worker_forget(struct executor *ex, int w)
{
	struct worker *wk = &ex->workers[w];
	size_t k;

	close(wk->fd);
	wk->pid = 0;
	wk->fd = -1;
	wk->job = -1;
	buf_reset(&wk->in);
	for (k = 0; k < ex->nr_owner; k++)
		if (ex->owner[k] == w)
			ex->owner[k] = -1;
}

/* Kills (sig 0: just closes on) worker w and reaps it. */
static void worker_stop(struct executor *ex, int w, int sig)
{
	struct worker *wk = &ex->workers[w];

	if (!wk->pid)
		return;
	if (sig)
		kill(wk->pid, sig);
	close(wk->fd);
	wk->fd = -1;
	waitpid(wk->pid, NULL, 0);
	worker_forget(ex, w);
}

/* ---- scheduling ---- */

static void ensure_owner(struct executor *ex, size_t key)
{
	size_t i, max = key + 1;

	if (max <= ex->nr_owner)
		return;
	ex->owner = xreallocarray(ex->owner, max, sizeof(long));
	for (i = ex->nr_owner; i < max; i++)
		ex->owner[i] = -1;
	ex->nr_owner = max;
}

/* The job an idle worker w should take next, or -1. */
static long pick_job(struct executor *ex, struct run *run, int w)
{
	long unowned = -1, stealable = -1;
	long long now = now_ms();
	size_t i;

	while (run->first_pending < run->nr && run->state[run->first_pending])
		run->first_pending++;
	for (i = run->first_pending; i < run->nr; i++) {
		long o;

		if (run->state[i])
			continue;
		o = ex->owner[run->jobs[i].key];
		if (o == w)
			return (long)i;
		if (o < 0 && unowned < 0)
			unowned = (long)i;
		else if (o >= 0 && stealable < 0 && ex->workers[o].job >= 0 &&
			 now - ex->workers[o].since > STEAL_AFTER_MS)
			stealable = (long)i;
	}
	return unowned >= 0 ? unowned : stealable;
}

static long long job_deadline(const struct executor_job *job, long long start)
{
	return job->deadline_s ? start + (long long)job->deadline_s * 1000 : 0;
}

static void report(struct run *run, size_t job, json_t *outcome)
{
	run->state[job] = 2;
	run->done++;
	run->fn(job, outcome, run->data);
}

static void report_lost(struct run *run, size_t job, const char *why)
{
	json_t *o = json_pack("{s:s, s:{s:b, s:b, s:s}}", "status", "failed", "result", "changed", 0,
			      "failed", 1, "msg", why);

	report(run, job, o);
	json_decref(o);
}

static int dispatch(struct executor *ex, struct run *run, int w)
{
	struct worker *wk = &ex->workers[w];
	long j = pick_job(ex, run, w);

	if (j < 0)
		return 0;
	if (!wk->pid && worker_start(ex, w) < 0) {
		report_lost(run, (size_t)j, "drover could not start a worker process");
		return 1;
	}
	run->state[j] = 1;
	ex->owner[run->jobs[j].key] = w;
	wk->job = j;
	wk->since = now_ms();
	wk->deadline = job_deadline(&run->jobs[j], wk->since);
	if (send_text(wk->fd, run->jobs[j].msg) < 0) {
		worker_stop(ex, w, SIGKILL);
		report_lost(run, (size_t)j, "drover's worker process went away before the task");
	}
	return 1;
}

static void dispatch_all(struct executor *ex, struct run *run)
{
	int w, progress = 1;

	while (progress) {
		progress = 0;
		for (w = 0; w < ex->nr_workers; w++)
			if (ex->workers[w].job < 0 && dispatch(ex, run, w))
				progress = 1;
	}
}

/* Parses complete messages in w's input; returns -1 if the worker broke. */
static int take_results(struct executor *ex, struct run *run, int w)
{
	struct worker *wk = &ex->workers[w];
	uint32_t len;
	json_t *o;

	while (wk->in.len >= 4) {
		memcpy(&len, wk->in.buf, 4);
		len = ntohl(len);
		if (len > MSG_MAX || wk->job < 0)
			return -1;
		if (wk->in.len < 4 + (size_t)len)
			return 0;
		o = json_loadb(wk->in.buf + 4, len, JSON_ALLOW_NUL, NULL);
		if (!o)
			return -1;
		memmove(wk->in.buf, wk->in.buf + 4 + len, wk->in.len - 4 - len);
		buf_setlen(&wk->in, wk->in.len - 4 - len);
		report(run, (size_t)wk->job, o);
		json_decref(o);
		wk->job = -1;
	}
	return 0;
}

static void worker_lost(struct executor *ex, struct run *run, int w, const char *why)
{
	long j = ex->workers[w].job;

	worker_stop(ex, w, SIGKILL);
	if (j >= 0)
		report_lost(run, (size_t)j, why);
}

static void read_worker(struct executor *ex, struct run *run, int w)
{
	struct worker *wk = &ex->workers[w];
	ssize_t n;

	buf_grow(&wk->in, 65536);
	n = read(wk->fd, wk->in.buf + wk->in.len, wk->in.alloc - wk->in.len - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		worker_lost(ex, run, w, "drover's worker process for this host died during the task");
		return;
	}
	buf_setlen(&wk->in, wk->in.len + (size_t)n);
	if (take_results(ex, run, w) < 0)
		worker_lost(ex, run, w, "drover's worker process sent a broken result");
}

static void check_deadlines(struct executor *ex, struct run *run)
{
	long long now = now_ms();
	int w;

	for (w = 0; w < ex->nr_workers; w++)
		if (ex->workers[w].job >= 0 && ex->workers[w].deadline && now > ex->workers[w].deadline)
			worker_lost(ex, run, w, "the task overran its timeout and its worker was killed");
}

/* Waits for worker output or a signal; returns -1 when interrupted. */
static int wait_and_read(struct executor *ex, struct run *run, struct pollfd *pfd,
			 const sigset_t *waitmask, int wait_ms)
{
	struct timespec tick = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000 };
	int w, n;

	for (w = 0; w < ex->nr_workers; w++) {
		pfd[w].fd = ex->workers[w].job >= 0 ? ex->workers[w].fd : -1;
		pfd[w].events = POLLIN;
		pfd[w].revents = 0;
	}
	n = ppoll(pfd, (nfds_t)ex->nr_workers, &tick, waitmask);
	if (interrupted)
		return -1;
	if (n < 0 && errno != EINTR)
		BUG("ppoll: %s", strerror(errno));
	for (w = 0; w < ex->nr_workers && n > 0; w++)
		if (pfd[w].fd >= 0 && pfd[w].revents)
			read_worker(ex, run, w);
	check_deadlines(ex, run);
	return 0;
}

/* Waits up to ms for worker w to exit; returns 1 if it did (and is reaped). */
static int reaped_within(struct worker *wk, long long ms)
{
	long long end = now_ms() + ms;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	for (;;) {
		if (waitpid(wk->pid, NULL, WNOHANG) == wk->pid)
			return 1;
		if (now_ms() > end)
			return 0;
		nanosleep(&pause, NULL);
	}
}

/*
 * Ends every worker. With sig, they are signalled first and get a grace
 * period to stop their remote commands before SIGKILL.
 */
static void stop_all(struct executor *ex, int sig)
{
	int w;

	/* all at once: each worker says goodbye to its hosts in parallel */
	for (w = 0; w < ex->nr_workers; w++) {
		if (!ex->workers[w].pid)
			continue;
		if (sig)
			kill(ex->workers[w].pid, sig);
		shutdown(ex->workers[w].fd, SHUT_RDWR);
	}
	for (w = 0; w < ex->nr_workers; w++) {
		struct worker *wk = &ex->workers[w];

		if (!wk->pid)
			continue;
		if (!sig) {
			worker_stop(ex, w, 0);
			continue;
		}
		if (!reaped_within(wk, STOP_GRACE_MS)) {
			kill(wk->pid, SIGKILL);
			waitpid(wk->pid, NULL, 0);
		}
		worker_forget(ex, w);
	}
}

/*
 * SIGINT and SIGTERM stay blocked except inside ppoll, so a signal can
 * only land where the loop checks for it.
 */
static void catch_signals(sigset_t *old, sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, old);
	*waitmask = *old;
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
}

size_t executor_add(struct executor *ex, const struct executor_job *job)
{
	struct run *run = ex->cur;
	size_t old;

	if (!run)
		BUG("executor_add outside executor_run");
	old = run->alloc;
	ALLOC_GROW(run->jobs, run->nr + 1, run->alloc);
	if (run->alloc > old) {
		run->state = xreallocarray(run->state, run->alloc, 1);
		memset(run->state + old, 0, run->alloc - old);
	}
	run->jobs[run->nr] = *job;
	ensure_owner(ex, job->key);
	return run->nr++;
}

/* How long to wait for results before asking idle again; -1: the run is over. */
static int next_wait_ms(struct run *run)
{
	long wait = run->idle ? run->idle(run->data) : -1;

	if (run->done < run->nr)
		return wait < 0 || wait > 1000 ? 1000 : (int)wait;
	return wait < 0 ? -1 : wait > 1000 ? 1000 : (int)wait;
}

int executor_run_open(struct executor *ex, executor_result_fn fn, executor_idle_fn idle,
		      void *data)
{
	struct run run = { .fn = fn, .idle = idle, .data = data };
	struct pollfd *pfd = xcalloc((size_t)ex->nr_workers, sizeof(*pfd));
	struct run *outer = ex->cur;
	sigset_t old, waitmask;
	int r = 0, wait;

	ex->cur = &run;
	catch_signals(&old, &waitmask);
	for (;;) {
		dispatch_all(ex, &run);
		if ((wait = next_wait_ms(&run)) < 0)
			break;
		dispatch_all(ex, &run);
		if (wait_and_read(ex, &run, pfd, &waitmask, wait) < 0) {
			stop_all(ex, SIGTERM);
			r = -1;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	ex->cur = outer;
	free(pfd);
	free(run.jobs);
	free(run.state);
	return r;
}

/* executor_run: its fixed jobs are added when the run first asks for more. */
struct fixed {
	struct executor *ex;
	const struct executor_job *jobs;
	size_t nr;
	int added;
	executor_result_fn fn;
	void *data;
};

static long fixed_idle(void *data)
{
	struct fixed *f = data;
	size_t i;

	for (i = 0; i < f->nr && !f->added; i++)
		executor_add(f->ex, &f->jobs[i]);
	f->added = 1;
	return -1;
}

static void fixed_result(size_t job, json_t *outcome, void *data)
{
	struct fixed *f = data;

	f->fn(job, outcome, f->data);
}

int executor_run(struct executor *ex, const struct executor_job *jobs, size_t nr,
		 executor_result_fn fn, void *data)
{
	struct fixed f = { ex, jobs, nr, 0, fn, data };

	return executor_run_open(ex, fixed_result, fixed_idle, &f);
}

void executor_free(struct executor *ex)
{
	int w;

	if (!ex)
		return;
	/* Closing the socket ends a worker's loop; it closes its sessions and exits. */
	stop_all(ex, 0);
	for (w = 0; w < ex->nr_workers; w++)
		buf_release(&ex->workers[w].in);
	free(ex->workers);
	free(ex->owner);
	free(ex);
}
