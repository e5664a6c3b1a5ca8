/*
 * The free strategy: every host of a batch goes through the play on its
 * own, as fast as its tasks finish, without waiting for the others.
 *
 * The play engine (play.c, task.c) is written as one walk over the task
 * tree for a list of hosts; the free strategy reuses it unchanged by
 * walking each host in a fiber of its own: a thread that runs only while
 * it holds the baton, so the engine's data is never touched by two at
 * once and needs no locking. A fiber gives the baton back to the main
 * thread when it waits for its jobs' results (play_exec) or for time to
 * pass (play_sleep_ms). The main thread drives one executor run for the
 * whole batch: a host's jobs are added to it as the host reaches them,
 * each result goes to its host's task code, and a host whose results are
 * all in gets the baton back to go on to its next task. At most `forks`
 * hosts are under way at once; each keeps its SSH session, as the
 * executor sends a host's jobs to the worker that holds it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "executor.h"
#include "inventory.h"
#include "play_int.h"
#include "xalloc.h"
#include "banned.h"

struct sched;

/* One host's walk through the play. */
struct fiber {
	struct sched *s;
	struct play_run pr;          /* the host's own copy of the play */
	struct hostlist one;         /* just the host */
	struct task_shown shown;     /* the task it shows results of */
	pthread_t th;
	pthread_cond_t wake;
	int turn;                    /* it holds the baton */
	int started, finished;
	size_t waiting;              /* its jobs whose results are still to come */
	void (*fn)(size_t job, json_t *outcome, void *data);
	void *fn_data;
	long long wake_at;           /* play_sleep_ms: when to go on (ms), 0: not asleep */
};

/* Which fiber, and which of its jobs, an executor job number is. */
struct job_owner {
	struct fiber *f;
	size_t local;
};

struct sched {
	struct play_run *pr;         /* the play the fibers copy */
	play_walk_fn walk;
	pthread_mutex_t mu;
	pthread_cond_t main_wake;
	int main_turn;               /* the main thread holds the baton */
	struct fiber *f;
	size_t nr, next, running, forks;
	struct job_owner *jobs;
	size_t alloc_jobs;
	int interrupted;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the baton ---- */

/* Main thread: lets f run until it waits or ends. */
static void switch_to(struct sched *s, struct fiber *f)
{
	pthread_mutex_lock(&s->mu);
	s->main_turn = 0;
	f->turn = 1;
	pthread_cond_signal(&f->wake);
	while (!s->main_turn)
		pthread_cond_wait(&s->main_wake, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

/* Fiber: hands the baton back; with wait, until the main thread passes it again. */
static void give_back(struct fiber *f, int wait)
{
	struct sched *s = f->s;

	pthread_mutex_lock(&s->mu);
	f->turn = 0;
	s->main_turn = 1;
	pthread_cond_signal(&s->main_wake);
	while (wait && !f->turn)
		pthread_cond_wait(&f->wake, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

static void *fiber_main(void *arg)
{
	struct fiber *f = arg;
	struct sched *s = f->s;

	pthread_mutex_lock(&s->mu);
	while (!f->turn)
		pthread_cond_wait(&f->wake, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (!s->interrupted && !f->pr.end_play)
		s->walk(&f->pr, &f->one);
	f->finished = 1;
	give_back(f, 0);
	return NULL;
}

/* ---- fibers ---- */

static void fiber_init(struct sched *s, struct fiber *f, struct hoststate *hs)
{
	f->s = s;
	f->pr = *s->pr;
	f->pr.fiber = f;
	f->pr.parent = s->pr;
	f->pr.magic = NULL;
	f->pr.hostvars = NULL;
	f->pr.rescuable = 0;
	f->pr.start_found = s->pr->run->start_found;
	/* Ansible's free strategy has no max_fail_percentage (play_free_warnings) */
	f->pr.max_fail_pct = -1;
	hostlist_add(&f->one, hs);
	pthread_cond_init(&f->wake, NULL);
}

/* The thread starts with every signal blocked: they are the main thread's to take. */
static void fiber_start(struct fiber *f)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&f->th, NULL, fiber_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		die("cannot start a thread for host %s: %s", f->one.v[0]->h->name, strerror(r));
	f->started = 1;
	f->s->running++;
}

static void fiber_release(struct fiber *f)
{
	json_decref(f->pr.magic);
	json_decref(f->pr.hostvars);
	f->pr.magic = f->pr.hostvars = NULL;
	task_shown_release(&f->shown);
	hostlist_release(&f->one);
	pthread_cond_destroy(&f->wake);
}

/* Main thread: f runs until it waits again or ends; an ended fiber is joined. */
static void resume(struct sched *s, struct fiber *f)
{
	struct run *run = s->pr->run;

	run->shown = &f->shown;
	switch_to(s, f);
	run->shown = NULL;
	if (!f->finished)
		return;
	pthread_join(f->th, NULL);
	s->running--;
}

/* Starts hosts while fewer than forks are under way. */
static void start_more(struct sched *s)
{
	while (!s->interrupted && s->running < s->forks && s->next < s->nr) {
		struct fiber *f = &s->f[s->next++];

		fiber_start(f);
		resume(s, f);
	}
}

/* ---- the executor's callbacks ---- */

static void on_result(size_t job, json_t *outcome, void *data)
{
	struct sched *s = data;
	struct job_owner *o = &s->jobs[job];
	struct fiber *f = o->f;
	struct run *run = s->pr->run;

	run->shown = &f->shown;
	f->fn(o->local, outcome, f->fn_data);
	run->shown = NULL;
	if (--f->waiting == 0)
		resume(s, f);
	start_more(s);
}

/* Wakes the hosts whose sleep is over; returns the ms until the next wakes, or -1: all done. */
static long on_idle(void *data)
{
	struct sched *s = data;
	long long now = now_ms(), next = 0;
	size_t i;

	start_more(s);
	for (i = 0; i < s->next; i++) {
		struct fiber *f = &s->f[i];

		if (f->finished || !f->wake_at)
			continue;
		if (f->wake_at <= now) {
			f->wake_at = 0;
			resume(s, f);
		} else if (!next || f->wake_at < next) {
			next = f->wake_at;
		}
	}
	start_more(s);
	if (!s->running && s->next == s->nr)
		return -1;
	return next ? (next - now > 1 ? (long)(next - now) : 1) : 1000;
}

/* ---- what the engine calls ---- */

int play_exec(struct play_run *pr, const struct executor_job *jobs, size_t nr,
	      void (*fn)(size_t job, json_t *outcome, void *data), void *data)
{
	struct fiber *f = pr->fiber;
	struct sched *s;
	size_t i, id;

	if (!f)
		return executor_run(pr->run->ex, jobs, nr, fn, data);
	s = f->s;
	if (s->interrupted)
		return -1;
	for (i = 0; i < nr; i++) {
		id = executor_add(pr->run->ex, &jobs[i]);
		ALLOC_GROW(s->jobs, id + 1, s->alloc_jobs);
		s->jobs[id].f = f;
		s->jobs[id].local = i;
	}
	f->fn = fn;
	f->fn_data = data;
	f->waiting = nr;
	if (nr)
		give_back(f, 1);
	return s->interrupted ? -1 : 0;
}

void play_sleep_ms(struct play_run *pr, long ms)
{
	struct fiber *f = pr->fiber;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	if (ms <= 0)
		return;
	if (!f) {
		nanosleep(&ts, NULL);
		return;
	}
	if (f->s->interrupted)
		return;
	f->wake_at = now_ms() + ms;
	give_back(f, 1);
}

/* meta: end_play in one host ends the play for every host, as in the linear strategy. */
void free_end_play(struct fiber *f)
{
	struct sched *s = f->s;
	size_t i;

	s->pr->end_play = 1;
	for (i = 0; i < s->nr; i++)
		s->f[i].pr.end_play = 1;
}

/* After Ctrl-C: every host under way is let run to its end (its waits now return at once). */
static void finish_interrupted(struct sched *s)
{
	size_t i;

	s->interrupted = 1;
	s->pr->run->interrupted = 1;
	for (i = 0; i < s->next; i++)
		while (!s->f[i].finished)
			resume(s, &s->f[i]);
}

void free_run_batch(struct play_run *pr, struct hostlist *batch, play_walk_fn walk)
{
	struct sched s = { .pr = pr, .walk = walk, .nr = batch->nr };
	size_t i;

	s.forks = pr->run->o->forks > 0 ? (size_t)pr->run->o->forks : 1;
	s.f = xcalloc(batch->nr + 1, sizeof(*s.f));
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.main_wake, NULL);
	for (i = 0; i < batch->nr; i++)
		fiber_init(&s, &s.f[i], batch->v[i]);
	pr->run->shown_id = NULL;
	if (executor_run_open(pr->run->ex, on_result, on_idle, &s) < 0)
		finish_interrupted(&s);
	for (i = 0; i < batch->nr; i++) {
		pr->run->start_found |= s.f[i].pr.start_found;
		fiber_release(&s.f[i]);
	}
	pthread_cond_destroy(&s.main_wake);
	pthread_mutex_destroy(&s.mu);
	free(s.jobs);
	free(s.f);
}
