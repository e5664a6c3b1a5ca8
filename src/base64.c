/*
 * Base64 over OpenSSL's EVP block coder: for file contents carried inside
 * JSON jobs (which cannot hold arbitrary bytes) and for the b64 filters.
 */
#include "base64.h"

#include <ctype.h>
#include <openssl/evp.h>

#include "banned.h"

void base64_encode(struct buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		/* EVP_EncodeBlock takes an int: go in chunks of whole triples */
		size_t n = len > 3 * 1024 * 1024 ? 3 * 1024 * 1024 : len;
		size_t at = out->len;

		buf_grow(out, 4 * ((n + 2) / 3) + 1);
		buf_setlen(out, at + (size_t)EVP_EncodeBlock((unsigned char *)out->buf + at, p, (int)n));
		p += n;
		len -= n;
	}
}

int base64_decode(struct buf *out, const char *text, size_t len)
{
	struct buf clean = BUF_INIT;
	size_t i, at = out->len, pad = 0;
	int n, r = -1;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)text[i]))
			buf_addch(&clean, text[i]);
	if (clean.len % 4)
		goto out;
	while (pad < 2 && clean.len > pad && clean.buf[clean.len - 1 - pad] == '=')
		pad++;
	buf_grow(out, clean.len / 4 * 3 + 1);
	n = EVP_DecodeBlock((unsigned char *)out->buf + at, (unsigned char *)clean.buf,
			    (int)clean.len);
	if (n < 0 || (size_t)n < pad)
		goto out;
	buf_setlen(out, at + (size_t)n - pad);
	r = 0;
out:
	buf_release(&clean);
	return r;
}
