#ifndef DROVER_SSH_RSA_H
#define DROVER_SSH_RSA_H

#include <stddef.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "buf.h"

/*
 * RSA user keys with rsa-sha2-512 / rsa-sha2-256 signatures. libssh2 1.10
 * signs RSA keys from files only with ssh-rsa (SHA-1), which OpenSSH 8.8+
 * refuses; drover loads the key itself and hands libssh2 a public blob whose
 * type string is the signature algorithm, so libssh2 names that algorithm in
 * the USERAUTH_REQUEST, and signs with OpenSSL in the callback. OpenSSH
 * parses such a blob as a plain RSA key.
 */

/*
 * Loads the private key in the file at path (OpenSSH "openssh-key-v1",
 * clear or encrypted with passphrase by bcrypt + aes256-ctr/aes256-cbc, or
 * PEM: PKCS#1 or PKCS#8, encrypted with passphrase).
 * Returns 1 with *out set (free with EVP_PKEY_free) for an RSA key, 0 if
 * the file holds no RSA key drover should handle (other key types are left
 * to libssh2), or -1 with a message naming path in err.
 */
int ssh_rsa_load(const char *path, const char *passphrase, EVP_PKEY **out, struct buf *err);

/* The same from the file's text (path only names it in messages). */
int ssh_rsa_load_text(const char *text, size_t len, const char *path, const char *passphrase,
		      EVP_PKEY **out, struct buf *err);

/* Appends string(alg) mpint(e) mpint(n): the key's blob typed as alg. */
void ssh_rsa_blob(EVP_PKEY *key, const char *alg, struct buf *out);

/*
 * The RSASSA-PKCS1-v1_5 signature of data with alg's hash ("rsa-sha2-512"
 * or "rsa-sha2-256") into sig (replacing its contents). Returns 0 or -1.
 */
int ssh_rsa_sign(EVP_PKEY *key, const char *alg, const unsigned char *data, size_t len,
		 struct buf *sig);

/*
 * Public-key auth as user with the RSA key, trying rsa-sha2-512 then
 * rsa-sha2-256. Returns 0 when the server accepted it, else -1.
 */
int ssh_rsa_userauth(LIBSSH2_SESSION *s, const char *user, EVP_PKEY *key);

/*
 * The same for an RSA key held by ssh-agent (blob: its "ssh-rsa" public
 * blob): drover asks the agent at agent_sock itself for an rsa-sha2-*
 * signature (libssh2 1.10's agent code asks for ssh-rsa only). Returns 0
 * when the server accepted it, else -1.
 */
int ssh_rsa_agent_userauth(LIBSSH2_SESSION *s, const char *user, const char *agent_sock,
			   const unsigned char *blob, size_t len);

/* 1 if blob is an "ssh-rsa" public key blob. */
int ssh_rsa_blob_is_rsa(const unsigned char *blob, size_t len);

#endif
