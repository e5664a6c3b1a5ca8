#ifndef DROVER_OUTPUT_H
#define DROVER_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/*
 * What the user sees, as Ansible's callbacks print it: colour only on a
 * terminal and never with NO_COLOR (ANSIBLE_FORCE_COLOR forces it).
 */
struct output {
	FILE *fp;
	int color;
	int verbosity;
	int one_line;
};

void output_init(struct output *o, FILE *fp, int verbosity, int one_line);

enum color { COLOR_NONE, COLOR_OK, COLOR_CHANGED, COLOR_ERROR, COLOR_UNREACHABLE, COLOR_SKIP };

/* Writes len bytes of text in colour (each line wrapped, as Ansible does) and a newline. */
void output_line(const struct output *o, enum color c, const char *text, size_t len);

/*
 * Ad-hoc result lines (Ansible's minimal and oneline callbacks):
 *   host | CHANGED | rc=0 >>       (command, shell, raw: no_json)
 *   host | SUCCESS => {...}        (other modules)
 *   host | FAILED! => {...}, host | UNREACHABLE! => {...}
 */
void output_adhoc_result(const struct output *o, const char *host, int no_json,
			 const char *status, json_t *result);

/*
 * result as Ansible's _dump_results shows it: internal keys (_ansible_*,
 * _drover_*) removed, invocation and diff only at -vvv; sorted keys,
 * indent (0: one line as the oneline callback, -1: one line as the default
 * callback, with ", " between items). Appended to out.
 */
void output_dump_result(const struct output *o, json_t *result, int indent, struct buf *out);

#endif
