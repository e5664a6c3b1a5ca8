#ifndef DROVER_RUNGUARD_H
#define DROVER_RUNGUARD_H

#include <jansson.h>

#include "buf.h"

/* Cron safety shared by adhoc and play: --lock and --on-failure. */

/* The exit code of a run refused because another holds the lock (EX_TEMPFAIL). */
#define RUNGUARD_EXIT_LOCKED 75
#define RUNGUARD_BUSY (-2)

/*
 * Takes an exclusive flock on path (NULL or "": the state directory's
 * run.lock), without waiting. The lock lives as long as the returned fd
 * (and the process), so a dead run's lock never blocks: there is no stale
 * lock file to clean up. The file holds the holder's pid for messages.
 * Returns the fd (>= 0), RUNGUARD_BUSY with err naming the holder, or -1
 * with err.
 */
int runguard_lock(const char *path, struct buf *err);
/* Releases the lock; accepts -1. */
void runguard_unlock(int fd);

/*
 * --on-failure CMD: runs CMD with /bin/sh -c, summary as JSON on its
 * stdin, and waits. Returns 0, or -1 with err saying how it failed (it
 * could not run, exited non-zero, died by a signal); the caller reports
 * that as a warning and keeps the run's own exit status.
 */
int runguard_on_failure(const char *cmd, json_t *summary, struct buf *err);

#endif
