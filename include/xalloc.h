#ifndef DROVER_XALLOC_H
#define DROVER_XALLOC_H

#include <stddef.h>

/*
 * Allocation wrappers that never return NULL: on failure they die naming
 * the size, so callers never check malloc's result by hand.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (of *alloc elements of size elsize) so that it holds at least need elements. */
#define ALLOC_GROW(arr, need, alloc)                                                         \
	do {                                                                                 \
		if ((need) > (alloc)) {                                                      \
			size_t alloc_new_ = (alloc) < 8 ? 8 : (alloc) * 2;                   \
			while (alloc_new_ < (need))                                          \
				alloc_new_ *= 2;                                             \
			(arr) = xreallocarray((arr), alloc_new_, sizeof(*(arr)));           \
			(alloc) = alloc_new_;                                                \
		}                                                                            \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fatal errors: only from main and command entry points. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* A broken invariant: a bug in drover, never a user error. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
void bug_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* "[WARNING]: ..." on stderr, as Ansible prints warnings. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
