#ifndef DROVER_REMOTE_MODES_H
#define DROVER_REMOTE_MODES_H

#include <sys/types.h>

#define MODE_NOT_SYMBOLIC (-1) /* not octal nor symbolic */
#define MODE_SURPRISE (-2)     /* chmod would apply it but fail: the umask got in the way */

/* 1 and *mode if spec is octal digits worth at most 07777, else 0. */
int mode_is_octal(const char *spec, mode_t *mode);
/*
 * The mode chmod SPEC gives a file of mode cur (dir: a folder) under the
 * umask umask_bits: 0 and *mode, or MODE_NOT_SYMBOLIC or MODE_SURPRISE.
 */
int mode_symbolic(const char *spec, mode_t cur, int dir, mode_t umask_bits, mode_t *mode);
/* The mode "chmod %04o" with want leaves on a file of mode cur. */
mode_t mode_after_chmod(mode_t cur, mode_t want, int dir);

#endif
