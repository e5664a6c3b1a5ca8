#ifndef DROVER_KEYPASS_H
#define DROVER_KEYPASS_H

#include <jansson.h>

/*
 * Passphrases of encrypted key files, for a whole run: taken from
 * DROVER_KEY_PASSPHRASE, or asked once on the terminal. They reach
 * libssh2 inside the job's connection, never an argv or a host.
 */
struct keypass {
	char *checked_key; /* the key file last looked at */
	int encrypted;     /* ... and whether it needs a passphrase */
	int asked;         /* the terminal was asked (once per run) */
	char *typed;       /* what was typed there, or NULL */
};

#define KEYPASS_INIT { NULL, 0, 0, NULL }

/*
 * Adds "key_passphrase" to a job's connection when its first identity
 * file is encrypted. Returns the passphrase set (borrowed), or NULL.
 */
const char *keypass_add(struct keypass *kp, json_t *conn);
/* Wipes and frees what kp holds. */
void keypass_release(struct keypass *kp);

#endif
