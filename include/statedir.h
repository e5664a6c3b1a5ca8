#ifndef DROVER_STATEDIR_H
#define DROVER_STATEDIR_H

#include "buf.h"

/*
 * Where drover keeps state between runs (run records, the default lock):
 * $XDG_STATE_HOME/drover/NAME, else ~/.local/state/drover/NAME.
 * Returns a new string.
 */
char *statedir_path(const char *name);

/* Creates the missing directories above the file path (mode 0700). 0, or -1 with err. */
int statedir_make_parents(const char *path, struct buf *err);

#endif
