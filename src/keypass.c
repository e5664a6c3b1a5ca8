/*
 * Passphrases of encrypted key files, shared by adhoc and play runs.
 */
#include "keypass.h"

#include <stdlib.h>
#include <string.h>

#include "prompt.h"
#include "ssh.h"
#include "xalloc.h"
#include "banned.h"

/* Whether key needs a passphrase; the last key's answer is kept (most runs use one key). */
static int key_encrypted(struct keypass *kp, const char *key)
{
	if (!kp->checked_key || strcmp(kp->checked_key, key)) {
		free(kp->checked_key);
		kp->checked_key = xstrdup(key);
		kp->encrypted = ssh_key_encrypted(key);
	}
	return kp->encrypted;
}

const char *keypass_add(struct keypass *kp, json_t *conn)
{
	const char *key = json_string_value(json_array_get(json_object_get(conn, "identity_files"), 0));
	const char *env = getenv("DROVER_KEY_PASSPHRASE"), *use;
	char *prompt;

	if (!key || !key_encrypted(kp, key))
		return NULL;
	if (!env && !kp->asked) {
		kp->asked = 1;
		prompt = xasprintf("Enter passphrase for key '%s': ", key);
		kp->typed = prompt_secret(prompt);
		free(prompt);
	}
	use = env ? env : kp->typed;
	if (use)
		json_object_set_new(conn, "key_passphrase", json_string(use));
	return use;
}

void keypass_release(struct keypass *kp)
{
	free(kp->checked_key);
	if (kp->typed) {
		explicit_bzero(kp->typed, strlen(kp->typed));
		free(kp->typed);
	}
	memset(kp, 0, sizeof(*kp));
}
