#ifndef DROVER_JSONUTIL_H
#define DROVER_JSONUTIL_H

#include <jansson.h>
#include <stddef.h>

/*
 * A JSON string from bytes that may not be valid UTF-8 (command output):
 * invalid sequences become U+FFFD, as Ansible's surrogate_or_replace does.
 * Returns a new reference.
 */
json_t *json_string_lossy(const char *s, size_t len);

/* s split into lines as Python's str.splitlines() (stdout_lines). New reference. */
json_t *json_lines(const char *s, size_t len);

#endif
