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
 *
 * Typing follows PyYAML exactly, so a few cases surprise: 0o17 and 1e5 stay
 * strings (YAML 1.1 has neither), 017 is octal 15, 1:30 is sexagesimal 90.
 * .inf and .nan stay the strings ".inf"/".nan" (JSON cannot hold them) and
 * timestamps stay strings. Quoted scalars and !!str are always strings.
 * A "!vault" scalar becomes {"__ansible_vault": "<ciphertext>"}, the shape
 * Ansible's JSON encoder gives vaulted values. Mapping keys are strings: a
 * non-string key becomes its JSON text (1 → "1", yes → "true").
 * Only the first document of a stream is read. Aliases share the anchored
 * value (json_incref), so callers must copy before modifying a loaded tree.
 */
int yaml_load_file(const char *path, json_t **out, struct buf *err);
int yaml_load_string(const char *name, const char *text, size_t len, json_t **out,
		     struct buf *err);

/*
 * As yaml_load_file, but every mapping also holds YAML_POS_KEY: "LINE:COL"
 * (1-based) of where it starts, so a playbook's errors can name a task's
 * place. yaml_strip_marks removes them from a tree (in place).
 */
#define YAML_POS_KEY "__drover_pos__"
int yaml_load_file_marked(const char *path, json_t **out, struct buf *err);
void yaml_strip_marks(json_t *v);

#endif
