#ifndef DROVER_DIFF_H
#define DROVER_DIFF_H

#include <jansson.h>

#include "buf.h"

/*
 * A module's "diff" result (an object or a list of them: before/after with
 * optional before_header/after_header, texts or objects) as Ansible's
 * --diff shows it: a unified diff with 3 lines of context, objects as
 * indented JSON, notes for binary or large files. Appended to out; nothing
 * when there is no difference.
 */
void diff_render(json_t *diff, struct buf *out);

/*
 * The unified diff of two texts (difflib's format: "--- a", "+++ b",
 * "@@ -1,2 +1,3 @@", "\ No newline at end of file"), appended to out.
 * Returns whether there was a difference.
 */
int diff_unified(const char *a, const char *b, const char *a_label, const char *b_label,
		 struct buf *out);

#endif
