#ifndef DROVER_VAULT_H
#define DROVER_VAULT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

struct config;

/*
 * Ansible Vault, byte-compatible with ansible-vault (format 1.1 and 1.2):
 *
 *   $ANSIBLE_VAULT;1.1;AES256            or   $ANSIBLE_VAULT;1.2;AES256;<vault-id>
 *   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines of 80
 *
 * PBKDF2-HMAC-SHA256 (10000 rounds, 32-byte random salt) gives 80 bytes: the
 * AES-256 key, the HMAC-SHA256 key and the initial CTR counter block. The
 * plaintext is PKCS#7-padded to 16 bytes and encrypted with AES-256-CTR; the
 * HMAC covers the ciphertext and is checked in constant time before anything
 * is decrypted, so a wrong password or a tampered file is an error, never
 * garbage.
 */

#define VAULT_DEFAULT_ID "default"
#define VAULT_SALT_LEN 32

struct vault_secret {
	char *id;       /* the vault id (label); "default" when none was given */
	char *password; /* NUL-terminated; may hold any byte but NUL */
};

/* The passwords a run knows, in the order they were given. */
struct vault_secrets {
	struct vault_secret *v;
	size_t nr, alloc;
};

#define VAULT_SECRETS_INIT { NULL, 0, 0 }

void vault_secrets_init(struct vault_secrets *s);
/* Wipes and frees every password. */
void vault_secrets_release(struct vault_secrets *s);
/* Adds a copy of (id, password); id NULL means "default". */
void vault_secrets_add_password(struct vault_secrets *s, const char *id, const char *password);

/*
 * One call per command-line option, shared by every command that reads
 * vaulted data. option is the long option's name with or without its
 * leading dashes:
 *   "vault-password-file" FILE   FILE's content, surrounding whitespace
 *                                stripped; or, when FILE is executable, what
 *                                it prints (trailing CR/LF stripped). A
 *                                script named *-client[.ext] gets
 *                                "--vault-id ID" as arguments, as in Ansible.
 *   "vault-id" [ID@]SOURCE       SOURCE is a file or script as above, or
 *                                "prompt" (ask on the terminal).
 *   "ask-vault-pass" (value NULL) ask "Vault password: " on the terminal.
 * Passwords never travel on a command line. Returns 0, or -1 with a message
 * in err (missing file, failing script, empty password, no terminal).
 */
int vault_secrets_add(struct vault_secrets *s, const char *option, const char *value,
		      struct buf *err);

/*
 * Runs the executable password source path (with "--vault-id ID" when id is
 * not NULL and the script is named *-client[.ext]); what it prints, less
 * trailing CR/LF, is appended to pw. Used for vault, become and connection
 * password files alike. Returns 0, or -1 with a message in err (the script
 * failed or printed nothing) and pw wiped.
 */
int password_script_run(const char *path, const char *id, struct buf *pw, struct buf *err);

/*
 * What ansible.cfg (config.c, which also reads the ANSIBLE_ variables) adds:
 * first every id@source of vault_identity_list, then, when s is still
 * empty, the first set of DROVER_VAULT_PASSWORD_FILE, vault_password_file
 * and ANSIBLE_VAULT_PASSWORD_FILE, as a --vault-password-file. Call it after
 * the command line is parsed. Returns 0 (also when none is set) or -1.
 */
int vault_secrets_add_config(struct vault_secrets *s, const struct config *cfg, struct buf *err);

/*
 * The secret to encrypt with: the one whose id is encrypt_id, or, when
 * encrypt_id is NULL, the only one. Returns NULL with a message in err
 * (none known, several known, no such id), worded as ansible-vault does.
 */
const struct vault_secret *vault_secrets_for_encrypt(const struct vault_secrets *s,
						     const char *encrypt_id, struct buf *err);

/* 1 when data starts with the "$ANSIBLE_VAULT;" header, else 0. */
int vault_is_encrypted(const char *data, size_t len);

/*
 * Encrypts len bytes of plain with password, appending the vault text (header
 * line, hex lines, final newline) to out. A vault_id other than NULL or
 * "default" gives format 1.2 with that id in the header. Returns 0 or -1
 * with a message in err. vault_encrypt_salted is the same with a given salt
 * (VAULT_SALT_LEN bytes); only tests should want it.
 */
int vault_encrypt(const void *plain, size_t len, const char *password, const char *vault_id,
		  struct buf *out, struct buf *err);
int vault_encrypt_salted(const void *plain, size_t len, const char *password,
			 const char *vault_id, const unsigned char *salt, struct buf *out,
			 struct buf *err);

/*
 * Decrypts vault text (as in a file, or the body of a !vault scalar),
 * appending the plaintext to out. With format 1.2 the secrets with the
 * header's id are tried first, then all the others. name (a file name, a
 * variable) goes into error messages. When used_id is not NULL it is set to
 * the id of the secret that worked (owned by s). Returns 0, or -1 with
 * "Decryption failed (no vault secrets were found that could decrypt) on
 * NAME" (or a format error) in err; out is unchanged then.
 */
int vault_decrypt(const char *data, size_t len, const struct vault_secrets *s, const char *name,
		  struct buf *out, const char **used_id, struct buf *err);

/*
 * Reads a whole file into out (appending), decrypted when it is a vault file
 * and as is otherwise: what vars_files, group_vars/host_vars, include_vars and
 * copy src= read. Returns 0 or -1 with a message naming path in err.
 */
int vault_read_file(const char *path, const struct vault_secrets *s, struct buf *out,
		    struct buf *err);

/*
 * yaml_load_file for a file that may be vault-encrypted as a whole (vars
 * files, group_vars, include_vars): *out is a new reference. Inline !vault
 * values stay {"__ansible_vault": ...} nodes (see vault_decrypt_tree).
 * Returns 0, or -1 with a message naming path in err.
 */
int vault_yaml_load_file(const char *path, const struct vault_secrets *s, json_t **out,
			 struct buf *err);

/* 1 when v is the {"__ansible_vault": "<vault text>"} node yamlload makes of "!vault". */
int vault_json_is_vaulted(const json_t *v);

/*
 * Replaces, in place, every {"__ansible_vault": "..."} node inside v (values
 * of objects and arrays, at any depth) by its plaintext as a JSON string.
 * v itself must be an object or an array (when v may itself be a vault node,
 * test it with vault_json_is_vaulted and use vault_decrypt_json). Error
 * messages name the variable path ("db.password", "users[2]"); callers add
 * the file. Returns 0, or -1 with a message in err (the tree may then be
 * partly decrypted).
 */
int vault_decrypt_tree(json_t *v, const struct vault_secrets *s, struct buf *err);
/*
 * The same, remembering plaintexts in cache (a JSON object the caller owns,
 * vault text -> string): one PBKDF2 per distinct vaulted value, however many
 * hosts or tasks share it. Release the cache with json_decref when done.
 */
int vault_decrypt_tree_cached(json_t *v, const struct vault_secrets *s, json_t *cache,
			      struct buf *err);

/*
 * The plaintext of one vault node as a new JSON string reference, or NULL
 * with a message naming name in err (also when the plaintext is not UTF-8).
 */
json_t *vault_decrypt_json(const json_t *node, const struct vault_secrets *s, const char *name,
			   struct buf *err);

/* Overwrites b's memory with zeros, then frees it (for plaintext and passwords). */
void vault_buf_wipe(struct buf *b);

#endif
