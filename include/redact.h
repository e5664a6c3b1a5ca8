#ifndef DROVER_REDACT_H
#define DROVER_REDACT_H

#include <jansson.h>

#include "buf.h"
#include "strvec.h"

/*
 * Keeping secrets out of everything a run leaves behind: the terminal, the
 * JSON and JUnit reports, the log and the run records.
 */

#define REDACT_MASK "********"
#define REDACT_CENSORED \
	"the output has been hidden due to the fact that 'no_log: true' was specified for this result"

/* 1 if a variable or option named name holds a secret (password, secret, token, ...). */
int redact_secret_name(const char *name);

/*
 * argv as one shell-quoted line with secret values masked: values of
 * secret-looking options (--vault-password X, --become-password=X) and of
 * secret-looking keys in -e/--extra-vars (k=v or an inline mapping, which
 * is then shown as redacted JSON). Appended to out. The secret values
 * found are added to found (unless NULL), to be masked elsewhere too.
 */
void redact_cmdline(int argc, char *const *argv, struct buf *out, struct strvec *found);

/*
 * Adds to secrets every string (3 bytes or longer) held under a
 * secret-looking key anywhere in vars, so those values can be masked
 * wherever they turn up later.
 */
void redact_collect(json_t *vars, struct strvec *secrets);

/* s with every secret masked: a new string the caller frees. */
char *redact_text(const char *s, const struct strvec *secrets);

/*
 * What may be shown or stored of a result: with no_log (the task's, or
 * the result's own _ansible_no_log) only "censored" and the status keys
 * (changed, failed, ...) are left; otherwise a copy with every secret
 * masked in its strings. Loop results in "results" are treated one by
 * one. Returns a new reference.
 */
json_t *redact_result(json_t *result, int no_log, const struct strvec *secrets);

#endif
