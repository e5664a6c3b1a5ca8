#include "bcrypt_pbkdf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "banned.h"

/*
 * Blowfish's starting state is the fractional part of pi in hexadecimal;
 * scripts/gen-blowfish-pi.py computes it (with mpmath) into this table.
 */
#include "blowfish_pi.inc"

#define BHASH_WORDS 8 /* 32 bytes of output per bcrypt_hash */
#define BHASH_BYTES (BHASH_WORDS * 4)

struct blf {
	uint32_t p[18];
	uint32_t s[4][256];
};

static uint32_t blf_f(const struct blf *c, uint32_t x)
{
	return ((c->s[0][x >> 24] + c->s[1][(x >> 16) & 0xff]) ^ c->s[2][(x >> 8) & 0xff]) +
	       c->s[3][x & 0xff];
}

/* One 64-bit block through the 16-round Feistel network. */
static void blf_encipher(const struct blf *c, uint32_t *l, uint32_t *r)
{
	uint32_t xl = *l, xr = *r;
	int i;

	xl ^= c->p[0];
	for (i = 1; i <= 16; i += 2) {
		xr ^= blf_f(c, xl) ^ c->p[i];
		xl ^= blf_f(c, xr) ^ c->p[i + 1];
	}
	*l = xr ^ c->p[17];
	*r = xl;
}

/* The next 4 bytes of data, big-endian, wrapping around at its end. */
static uint32_t blf_word(const unsigned char *data, size_t len, size_t *pos)
{
	uint32_t w = 0;
	int i;

	for (i = 0; i < 4; i++) {
		w = w << 8 | data[*pos];
		*pos = (*pos + 1) % len;
	}
	return w;
}

/*
 * Eksblowfish's key schedule step: key is XORed into P, then P and the
 * S-boxes are replaced by successive encryptions of a running block that
 * absorbs data (when data is not NULL) before each encryption.
 */
static void blf_expand(struct blf *c, const unsigned char *data, size_t datalen,
		       const unsigned char *key, size_t keylen)
{
	uint32_t l = 0, r = 0, *w = c->p;
	size_t kpos = 0, dpos = 0, i, n = 18 + 4 * 256;

	for (i = 0; i < 18; i++)
		c->p[i] ^= blf_word(key, keylen, &kpos);
	for (i = 0; i < n; i += 2) {
		if (data) {
			l ^= blf_word(data, datalen, &dpos);
			r ^= blf_word(data, datalen, &dpos);
		}
		blf_encipher(c, &l, &r);
		if (i == 18)
			w = &c->s[0][0];
		w[i < 18 ? i : i - 18] = l;
		w[(i < 18 ? i : i - 18) + 1] = r;
	}
}

/* bcrypt_hash: 32 bytes from the SHA-512 digests of the password and salt. */
static void bcrypt_hash(const unsigned char pass[SHA512_DIGEST_LENGTH],
			const unsigned char salt[SHA512_DIGEST_LENGTH],
			unsigned char out[BHASH_BYTES])
{
	static const char magic[BHASH_BYTES + 1] = "OxychromaticBlowfishSwatDynamite";
	uint32_t block[BHASH_WORDS];
	struct blf c;
	size_t pos = 0;
	int i, j;

	memcpy(c.p, blf_pi_p, sizeof(c.p));
	memcpy(c.s, blf_pi_s, sizeof(c.s));
	blf_expand(&c, salt, SHA512_DIGEST_LENGTH, pass, SHA512_DIGEST_LENGTH);
	for (i = 0; i < 64; i++) {
		blf_expand(&c, NULL, 0, salt, SHA512_DIGEST_LENGTH);
		blf_expand(&c, NULL, 0, pass, SHA512_DIGEST_LENGTH);
	}
	for (i = 0; i < BHASH_WORDS; i++)
		block[i] = blf_word((const unsigned char *)magic, BHASH_BYTES, &pos);
	for (i = 0; i < 64; i++)
		for (j = 0; j < BHASH_WORDS; j += 2)
			blf_encipher(&c, &block[j], &block[j + 1]);
	/* The words leave little-endian: that is what OpenSSH's keys expect. */
	for (i = 0; i < BHASH_WORDS; i++)
		for (j = 0; j < 4; j++)
			out[4 * i + j] = (unsigned char)(block[i] >> (8 * j));
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(block, sizeof(block));
}

/* One output block: rounds chained bcrypt_hash results XORed together. */
static void pbkdf_block(const unsigned char pass[SHA512_DIGEST_LENGTH],
			const unsigned char *salt, size_t saltlen, uint32_t count,
			unsigned int rounds, unsigned char out[BHASH_BYTES])
{
	unsigned char be[4] = { count >> 24, count >> 16 & 0xff, count >> 8 & 0xff, count & 0xff };
	unsigned char h[SHA512_DIGEST_LENGTH], tmp[BHASH_BYTES];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int r;
	int i;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) ||
	    !EVP_DigestUpdate(ctx, salt, saltlen) || !EVP_DigestUpdate(ctx, be, sizeof(be)) ||
	    !EVP_DigestFinal_ex(ctx, h, NULL))
		abort(); /* only out of memory: digesting itself cannot fail */
	EVP_MD_CTX_free(ctx);
	bcrypt_hash(pass, h, tmp);
	memcpy(out, tmp, BHASH_BYTES);
	for (r = 1; r < rounds; r++) {
		SHA512(tmp, BHASH_BYTES, h);
		bcrypt_hash(pass, h, tmp);
		for (i = 0; i < BHASH_BYTES; i++)
			out[i] ^= tmp[i];
	}
	explicit_bzero(h, sizeof(h));
	explicit_bzero(tmp, sizeof(tmp));
}

int bcrypt_pbkdf(const char *pass, size_t passlen, const unsigned char *salt, size_t saltlen,
		 unsigned char *key, size_t keylen, unsigned int rounds)
{
	unsigned char hpass[SHA512_DIGEST_LENGTH], out[BHASH_BYTES];
	size_t stride, i, dest;
	uint32_t count;

	if (!passlen || !saltlen || saltlen > 1 << 20 || rounds < 1 || !keylen ||
	    keylen > BHASH_BYTES * BHASH_BYTES)
		return -1;
	/*
	 * Block k (from 1) supplies key bytes k-1, k-1+stride, k-1+2*stride...:
	 * spreading each block over the key means none of it can be had
	 * without computing every block.
	 */
	stride = (keylen + BHASH_BYTES - 1) / BHASH_BYTES;
	SHA512((const unsigned char *)pass, passlen, hpass);
	for (count = 1; count <= stride; count++) {
		pbkdf_block(hpass, salt, saltlen, count, rounds, out);
		for (i = 0; i < BHASH_BYTES; i++) {
			dest = i * stride + count - 1;
			if (dest >= keylen)
				break;
			key[dest] = out[i];
		}
	}
	explicit_bzero(hpass, sizeof(hpass));
	explicit_bzero(out, sizeof(out));
	return 0;
}
