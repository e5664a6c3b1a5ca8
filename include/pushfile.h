#ifndef DROVER_PUSHFILE_H
#define DROVER_PUSHFILE_H

#include <jansson.h>

#include "buf.h"

/*
 * Modules whose input is a file on the controller: the file is read once
 * per task, when the arguments are checked (module_check_args), and rides
 * in the job as _drover_data_b64, which the runner streams to the module's
 * stdin after its arguments. Relative paths are taken from the current
 * folder; a playbook engine resolves its search paths (files/, roles)
 * before and passes an absolute src.
 */

/*
 * unarchive: unless remote_src is true, reads the archive named by src.
 * Returns 0, or -1 with Ansible's message in err.
 */
int pushfile_prepare_archive(json_t *args, struct buf *err);

/*
 * script: splits the free-form line (or cmd) into the script's path on the
 * controller and the rest, its arguments (left for the host's shell, as
 * Ansible does), reads the script, and sets _drover_script_args.
 * Returns 0, or -1 with err set.
 */
int pushfile_prepare_script(json_t *args, struct buf *err);

#endif
