#ifndef DROVER_YAMLLOAD_H
#define DROVER_YAMLLOAD_H

#include <jansson.h>

#include "buf.h"

/*
 * Loads a YAML document into a jansson value with YAML 1.1 scalar typing as
 * PyYAML does it for Ansible (yes/no/on/off/true/false booleans, ints incl.
 * 0o/0x/octal 0644, floats, ~/null), anchors, aliases and merge keys (<<).
 * Returns 0 with *out set (a new reference; an empty document is json_null()),
 * or -1 with "file:line:col: message" (1-based) and the offending line in err.
 */
int yaml_load_file(const char *path, json_t **out, struct buf *err);
int yaml_load_string(const char *name, const char *text, size_t len, json_t **out,
		     struct buf *err);

#endif
