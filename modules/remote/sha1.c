/* A small SHA-1 (FIPS 180-4) for stat's default checksum: no fork of sha1sum. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"
#include "../../include/banned.h"

struct sha1 {
	uint32_t h[5];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
};

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static uint32_t round_f(int t, uint32_t b, uint32_t c, uint32_t d)
{
	if (t < 20)
		return ((b & c) | (~b & d)) + 0x5a827999;
	if (t < 40)
		return (b ^ c ^ d) + 0x6ed9eba1;
	if (t < 60)
		return ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc;
	return (b ^ c ^ d) + 0xca62c1d6;
}

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], v[5], tmp;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (; t < 80; t++)
		w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	memcpy(v, s->h, sizeof(v));
	for (t = 0; t < 80; t++) {
		tmp = rol(v[0], 5) + round_f(t, v[1], v[2], v[3]) + v[4] + w[t];
		v[4] = v[3];
		v[3] = v[2];
		v[2] = rol(v[1], 30);
		v[1] = v[0];
		v[0] = tmp;
	}
	for (t = 0; t < 5; t++)
		s->h[t] += v[t];
}

static void sha1_update(struct sha1 *s, const unsigned char *p, size_t n)
{
	size_t take;

	s->bytes += n;
	while (n) {
		take = 64 - s->fill < n ? 64 - s->fill : n;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == 64) {
			sha1_block(s, s->block);
			s->fill = 0;
		}
	}
}

static void sha1_final(struct sha1 *s, char hex[41])
{
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padlen + 8);
	for (i = 0; i < 5; i++)
		snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

int sha1_file(int fd, char hex[41])
{
	struct sha1 s = { { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 }, 0, { 0 }, 0 };
	unsigned char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		sha1_update(&s, chunk, (size_t)n);
	}
	sha1_final(&s, hex);
	return 0;
}

void sha1_buf(const void *p, size_t n, char hex[41])
{
	struct sha1 s = { { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 }, 0, { 0 }, 0 };

	sha1_update(&s, p, n);
	sha1_final(&s, hex);
}
