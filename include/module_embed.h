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

/* A descriptor for every modules/NAME.sh (NAME not starting with _), NULL-ended. */
struct module;
extern const struct module script_modules[];

#endif
