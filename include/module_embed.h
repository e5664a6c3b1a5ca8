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

/*
 * The host helper drover-remote (modules/remote/), linked static for the
 * build machine's architecture (build/helper_embed.c): its bytes, their
 * SHA-256 in hex (which names its cache folder on hosts), the `uname -m`
 * it runs on, and the modules it implements (NULL-ended).
 */
struct embedded_helper {
	const char *start, *end;
	const char *sha256;
	const char *arch;
	const char *const *modules;
};

extern const struct embedded_helper embedded_helper;

#endif
