#ifndef DROVER_BCRYPT_PBKDF_H
#define DROVER_BCRYPT_PBKDF_H

#include <stddef.h>

/*
 * bcrypt_pbkdf: the key derivation OpenSSH uses for passphrase-protected
 * "openssh-key-v1" private keys (kdf name "bcrypt"). Like PBKDF2 with
 * SHA-512, but each iteration is an eksblowfish-based hash giving 32 bytes,
 * and the bytes of successive blocks are interleaved in the output, so the
 * whole key depends on every block's work.
 *
 * Fills key[0..keylen) from pass and salt with rounds iterations. Returns 0,
 * or -1 for arguments out of range (empty pass or salt, salt over 1 MiB,
 * rounds < 1, keylen 0 or over 1024).
 */
int bcrypt_pbkdf(const char *pass, size_t passlen, const unsigned char *salt, size_t saltlen,
		 unsigned char *key, size_t keylen, unsigned int rounds);

#endif
