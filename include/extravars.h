#ifndef DROVER_EXTRAVARS_H
#define DROVER_EXTRAVARS_H

#include <jansson.h>

#include "buf.h"

/*
 * One -e/--extra-vars argument merged into vars: "k=v k2=v2", "@file.yml"
 * (YAML or JSON), or an inline JSON/YAML mapping. Later ones win.
 * Returns 0, or -1 with a message in err.
 */
int extravars_add(json_t *vars, const char *arg, struct buf *err);

#endif
