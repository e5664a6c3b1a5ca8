#ifndef DROVER_BASE64_H
#define DROVER_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Appends the standard base64 (with padding) of data to out. */
void base64_encode(struct buf *out, const void *data, size_t len);

/*
 * Appends the bytes of base64 text (whitespace ignored) to out.
 * Returns 0, or -1 if text is not valid base64 (out is then unchanged).
 */
int base64_decode(struct buf *out, const char *text, size_t len);

#endif
