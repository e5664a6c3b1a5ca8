#ifndef DROVER_BUF_H
#define DROVER_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer (git's strbuf invariants): b->buf is never NULL and
 * always NUL-terminated, so it can be used as a C string even when empty.
 * Binary data is fine: len counts the bytes, embedded NULs included.
 */
struct buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char buf_empty_slot[];
#define BUF_INIT { buf_empty_slot, 0, 0 }

/* Hard cap for buffers that hold data from the network (1 GiB). */
#define BUF_SIZE_MAX (1024UL * 1024 * 1024)

void buf_init(struct buf *b, size_t hint);
void buf_release(struct buf *b);
/* Hands the bytes over; the caller frees them. b is reset to empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_grow(struct buf *b, size_t extra);
void buf_setlen(struct buf *b, size_t len);
#define buf_reset(b) buf_setlen((b), 0)

void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Replaces the content with the formatted string (handy for error messages). */
void buf_setf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_rtrim(struct buf *b);

/*
 * Reads a whole file, or what fd gives until end of file, into b
 * (appending). Returns 0, or -1 with errno set.
 */
int buf_read_file(struct buf *b, const char *path);
int buf_read_fd(struct buf *b, int fd);

#endif
