#ifndef DROVER_KV_H
#define DROVER_KV_H

#include <jansson.h>

#include "buf.h"
#include "strvec.h"

/*
 * Module argument strings as Ansible reads them.
 *
 * kv_parse: "k=v k2='v 2' free words" → {"k": "v", "k2": "v 2",
 * "_raw_params": "free words"}. With check_raw (command, shell, script, raw)
 * only the command modules' own keys (creates, removes, chdir, executable,
 * warn, stdin, stdin_add_newline, strip_empty_ends) are taken as options and
 * every other word stays in _raw_params. Returns a new object, or NULL with
 * a message in err (unbalanced quotes).
 */
json_t *kv_parse(const char *args, int check_raw, struct buf *err);

/*
 * Splits a command line as Python's shlex.split (POSIX mode) does, which is
 * how Ansible's command module turns its free-form string into argv.
 * Returns 0, or -1 with a message in err (no closing quotation).
 */
int shlex_split(const char *s, struct strvec *out, struct buf *err);
/* The same; with comments, a word starting with '#' ends the line (ssh_config). */
int shlex_split_comments(const char *s, int comments, struct strvec *out, struct buf *err);

/* Appends s to out quoted for POSIX sh: 'it'\''s'. */
void sh_quote(struct buf *out, const char *s);
void sh_quote_buf(struct buf *out, const char *s, size_t len);

#endif
