#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "inventory.h"
#include "banned.h"

int cli_load_inventory(struct inventory *inv, const struct strvec *sources,
		       const struct config *cfg)
{
	const struct strvec *src = sources->nr ? sources : &cfg->inventory;
	struct buf err = BUF_INIT;
	size_t i;

	if (!src->nr && inventory_load(inv, "/etc/ansible/hosts", &err) < 0)
		buf_reset(&err); /* no inventory at all: only patterns that match nothing */
	for (i = 0; i < src->nr; i++) {
		if (inventory_load(inv, src->v[i], &err) < 0) {
			fprintf(stderr, "ERROR! %s\n", err.buf);
			buf_release(&err);
			return -1;
		}
	}
	inventory_finish(inv);
	buf_release(&err);
	return 0;
}

void cli_note_config(const struct config *cfg, int verbosity)
{
	size_t i;

	if (verbosity < 1)
		return;
	if (cfg->path)
		fprintf(stderr, "Using %s as config file\n", cfg->path);
	else
		fprintf(stderr, "No config file found; using defaults\n");
	for (i = 0; i < cfg->unknown.nr; i++)
		fprintf(stderr, "note: setting %s is not used by drover\n", cfg->unknown.v[i]);
}

int cli_number(const char *s, int *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0 || n > 1000000)
		return -1;
	*out = (int)n;
	return 0;
}
