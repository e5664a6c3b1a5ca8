#ifndef DROVER_MODULE_EMBED_H
#define DROVER_MODULE_EMBED_H

#include <stddef.h>

/* The text of each modules/NAME.sh, compiled into the binary (build/modules_embed.c). */
struct embedded_module {
	const char *name;
	const char *text;
	size_t len;
};

extern const struct embedded_module embedded_modules[];

#endif
