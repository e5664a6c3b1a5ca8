#ifndef DROVER_CRONSCHED_H
#define DROVER_CRONSCHED_H

#include "buf.h"

/*
 * Checks a cron schedule as Debian's cron reads it: five fields (minute
 * 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week
 * 0-7 or sun-sat), each a list of *, N, N-M, with an optional /STEP; or
 * one of @reboot @yearly @annually @monthly @weekly @daily @midnight
 * @hourly. Returns 0, or -1 with err saying which field is wrong and why.
 */
int cronsched_check(const char *expr, struct buf *err);

#endif
