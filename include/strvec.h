#ifndef DROVER_STRVEC_H
#define DROVER_STRVEC_H

#include <stddef.h>

/* A NULL-terminated, growable array of owned strings (argv, env, lists). */
struct strvec {
	char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { (char **)strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes ownership of s. */
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_clear(struct strvec *sv);
int strvec_contains(const struct strvec *sv, const char *s);

#endif
