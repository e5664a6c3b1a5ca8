/*
 * The Ansible Vault format: encryption, decryption, vaulted files and the
 * {"__ansible_vault": ...} nodes of loaded YAML. Passwords come from
 * vault_secrets.c.
 */
#include "vault.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "xalloc.h"
#include "yamlload.h"
#include "banned.h"

#define VAULT_MAGIC "$ANSIBLE_VAULT"
#define VAULT_ROUNDS 10000
#define KEY_LEN 32
#define IV_LEN 16
#define MAC_LEN 32
#define LINE_WIDTH 80

/* The three parts of a parsed vault text (binary). */
struct envelope {
	char *id; /* the 1.2 header's vault id, or NULL */
	struct buf salt, mac, ct;
};

void vault_buf_wipe(struct buf *b)
{
	if (b->alloc)
		OPENSSL_cleanse(b->buf, b->alloc);
	buf_release(b);
}

int vault_is_encrypted(const char *data, size_t len)
{
	size_t n = strlen(VAULT_MAGIC ";");

	return len >= n && !memcmp(data, VAULT_MAGIC ";", n);
}

static void hex_add(struct buf *out, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	buf_grow(out, len * 2);
	for (i = 0; i < len; i++) {
		out->buf[out->len++] = digits[p[i] >> 4];
		out->buf[out->len++] = digits[p[i] & 15];
	}
	out->buf[out->len] = '\0';
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex digits, skipping whitespace (vault text is wrapped). */
static int hex_decode(const char *s, size_t len, struct buf *out)
{
	int hi = -1, v;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] && strchr(" \t\r\n", s[i]))
			continue;
		if ((v = hex_value((unsigned char)s[i])) < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		buf_addch(out, hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? 0 : -1;
}

/* PBKDF2 gives the AES key, the HMAC key and the CTR IV, in that order. */
static int derive_keys(const char *password, const unsigned char *salt, size_t salt_len,
		       unsigned char keys[KEY_LEN * 2 + IV_LEN])
{
	return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len, VAULT_ROUNDS,
				 EVP_sha256(), KEY_LEN * 2 + IV_LEN, keys) == 1
		       ? 0
		       : -1;
}

/* CTR mode is its own inverse: this both encrypts and decrypts. */
static int aes_ctr(const unsigned char *keys, const unsigned char *in, size_t len,
		   unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, fin = 0, r = -1;

	if (!ctx || len > INT_MAX - 32)
		goto out;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, keys, keys + KEY_LEN * 2) != 1 ||
	    EVP_EncryptUpdate(ctx, out, &n, in, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, out + n, &fin) != 1 || (size_t)(n + fin) != len)
		goto out;
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

static int mac_of(const unsigned char *keys, const void *data, size_t len,
		  unsigned char mac[MAC_LEN])
{
	unsigned int n = 0;

	if (!HMAC(EVP_sha256(), keys + KEY_LEN, KEY_LEN, data, len, mac, &n) || n != MAC_LEN)
		return -1;
	return 0;
}

static void header_add(struct buf *out, const char *vault_id)
{
	if (vault_id && *vault_id && strcmp(vault_id, VAULT_DEFAULT_ID))
		buf_addf(out, "%s;1.2;AES256;%s\n", VAULT_MAGIC, vault_id);
	else
		buf_addf(out, "%s;1.1;AES256\n", VAULT_MAGIC);
}

/* hex(hex(salt) \n hex(mac) \n hex(ct)) in lines of 80, after the header. */
static void envelope_add(struct buf *out, const unsigned char *salt, const unsigned char *mac,
			 const struct buf *ct)
{
	struct buf inner = BUF_INIT, outer = BUF_INIT;
	size_t i, n;

	hex_add(&inner, salt, VAULT_SALT_LEN);
	buf_addch(&inner, '\n');
	hex_add(&inner, mac, MAC_LEN);
	buf_addch(&inner, '\n');
	hex_add(&inner, (const unsigned char *)ct->buf, ct->len);
	hex_add(&outer, (const unsigned char *)inner.buf, inner.len);
	for (i = 0; i < outer.len; i += n) {
		n = outer.len - i < LINE_WIDTH ? outer.len - i : LINE_WIDTH;
		buf_add(out, outer.buf + i, n);
		buf_addch(out, '\n');
	}
	buf_release(&inner);
	buf_release(&outer);
}

int vault_encrypt_salted(const void *plain, size_t len, const char *password, const char *vault_id,
			 const unsigned char *salt, struct buf *out, struct buf *err)
{
	unsigned char keys[KEY_LEN * 2 + IV_LEN], mac[MAC_LEN];
	size_t pad = 16 - len % 16;
	struct buf padded = BUF_INIT, ct = BUF_INIT;
	int r = -1;

	if (vault_id && strpbrk(vault_id, ";\n\r")) {
		buf_setf(err, "vault id '%s' may not contain ';' or a newline", vault_id);
		return -1;
	}
	buf_add(&padded, plain, len);
	while (padded.len < len + pad)
		buf_addch(&padded, (int)pad);
	buf_grow(&ct, padded.len);
	if (derive_keys(password, salt, VAULT_SALT_LEN, keys) < 0 ||
	    aes_ctr(keys, (unsigned char *)padded.buf, padded.len, (unsigned char *)ct.buf) < 0) {
		buf_setf(err, "vault encryption failed (OpenSSL)");
		goto out;
	}
	buf_setlen(&ct, padded.len);
	if (mac_of(keys, ct.buf, ct.len, mac) < 0) {
		buf_setf(err, "vault encryption failed (OpenSSL HMAC)");
		goto out;
	}
	header_add(out, vault_id);
	envelope_add(out, salt, mac, &ct);
	r = 0;
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	vault_buf_wipe(&padded);
	buf_release(&ct);
	return r;
}

int vault_encrypt(const void *plain, size_t len, const char *password, const char *vault_id,
		  struct buf *out, struct buf *err)
{
	unsigned char salt[VAULT_SALT_LEN];

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		buf_setf(err, "no random bytes for the vault salt (OpenSSL)");
		return -1;
	}
	return vault_encrypt_salted(plain, len, password, vault_id, salt, out, err);
}

static void envelope_release(struct envelope *e)
{
	free(e->id);
	buf_release(&e->salt);
	buf_release(&e->mac);
	buf_release(&e->ct);
}

/* "$ANSIBLE_VAULT;1.1;AES256" or "...;1.2;AES256;ID": sets e->id for 1.2. */
static int header_parse(const char *line, size_t len, struct envelope *e, struct buf *err)
{
	char *h = xstrndup(line, len), *p, *field[4] = {NULL};
	int n = 0, r = -1;

	while (len && strchr(" \t\r", h[len - 1]))
		h[--len] = '\0';
	for (p = h; p && n < 4; n++) {
		field[n] = p;
		p = n < 3 ? strchr(p, ';') : NULL;
		if (p)
			*p++ = '\0';
	}
	if (n < 3 || strcmp(field[0], VAULT_MAGIC) ||
	    (strcmp(field[1], "1.1") && strcmp(field[1], "1.2")))
		buf_setf(err, "not a supported vault header: '%.*s'", (int)len, line);
	else if (strcmp(field[2], "AES256"))
		buf_setf(err, "unsupported vault cipher '%s' (only AES256 exists)", field[2]);
	else
		r = 0;
	if (!r && n == 4 && *field[3])
		e->id = xstrdup(field[3]);
	free(h);
	return r;
}

static int envelope_parse(const char *data, size_t len, struct envelope *e, struct buf *err)
{
	const char *nl = memchr(data, '\n', len), *part, *end;
	struct buf inner = BUF_INIT;
	struct buf *dest[3] = {&e->salt, &e->mac, &e->ct};
	int i, r = -1;

	if (!vault_is_encrypted(data, len) || !nl) {
		buf_setf(err, "input is not vault encrypted data");
		return -1;
	}
	if (header_parse(data, (size_t)(nl - data), e, err) < 0)
		return -1;
	if (hex_decode(nl + 1, len - (size_t)(nl + 1 - data), &inner) < 0)
		goto bad;
	part = inner.buf;
	for (i = 0; i < 3; i++) {
		end = i < 2 ? memchr(part, '\n', inner.len - (size_t)(part - inner.buf))
			    : inner.buf + inner.len;
		if (!end || hex_decode(part, (size_t)(end - part), dest[i]) < 0)
			goto bad;
		part = end + 1;
	}
	if (e->mac.len != MAC_LEN || !e->salt.len || !e->ct.len || e->ct.len % 16)
		goto bad;
	r = 0;
bad:
	if (r < 0)
		buf_setf(err,
			 "malformed vault data: the envelope is not hex(salt, hmac, ciphertext)");
	buf_release(&inner);
	return r;
}

/* 0 with the unpadded plaintext in out when password is right, else -1. */
static int try_secret(const struct envelope *e, const char *password, struct buf *out)
{
	unsigned char keys[KEY_LEN * 2 + IV_LEN], mac[MAC_LEN];
	struct buf plain = BUF_INIT;
	size_t pad, i;
	int r = -1;

	if (derive_keys(password, (unsigned char *)e->salt.buf, e->salt.len, keys) < 0 ||
	    mac_of(keys, e->ct.buf, e->ct.len, mac) < 0 || CRYPTO_memcmp(mac, e->mac.buf, MAC_LEN))
		goto out;
	buf_grow(&plain, e->ct.len);
	if (aes_ctr(keys, (unsigned char *)e->ct.buf, e->ct.len, (unsigned char *)plain.buf) < 0)
		goto out;
	buf_setlen(&plain, e->ct.len);
	pad = (unsigned char)plain.buf[plain.len - 1];
	if (pad < 1 || pad > 16)
		goto out;
	for (i = plain.len - pad; i < plain.len; i++)
		if ((unsigned char)plain.buf[i] != pad)
			goto out;
	buf_add(out, plain.buf, plain.len - pad);
	r = 0;
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	vault_buf_wipe(&plain);
	return r;
}

/* pass 0: secrets whose id matches the header's; pass 1: all the others. */
static int try_secrets(const struct envelope *e, const struct vault_secrets *s, struct buf *out,
		       const char **used_id)
{
	int pass;
	size_t i;

	for (pass = e->id ? 0 : 1; pass < 2; pass++)
		for (i = 0; i < s->nr; i++) {
			int match = e->id && !strcmp(e->id, s->v[i].id);

			if ((pass == 0) != match)
				continue;
			if (!try_secret(e, s->v[i].password, out)) {
				if (used_id)
					*used_id = s->v[i].id;
				return 0;
			}
		}
	return -1;
}

int vault_decrypt(const char *data, size_t len, const struct vault_secrets *s, const char *name,
		  struct buf *out, const char **used_id, struct buf *err)
{
	struct envelope e = {NULL, BUF_INIT, BUF_INIT, BUF_INIT};
	int r = -1;

	if (envelope_parse(data, len, &e, err) < 0) {
		buf_addf(err, " in %s", name);
		goto out;
	}
	if (!s || !s->nr) {
		buf_setf(err,
			 "Attempting to decrypt but no vault secrets found (%s is vault encrypted;"
			 " give --vault-password-file, --vault-id or --ask-vault-pass)",
			 name);
		goto out;
	}
	if (try_secrets(&e, s, out, used_id) < 0) {
		buf_setf(err,
			 "Decryption failed (no vault secrets were found that could decrypt) on %s",
			 name);
		goto out;
	}
	r = 0;
out:
	envelope_release(&e);
	return r;
}

int vault_read_file(const char *path, const struct vault_secrets *s, struct buf *out,
		    struct buf *err)
{
	struct buf raw = BUF_INIT;
	int r = -1;

	if (buf_read_file(&raw, path) < 0) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!vault_is_encrypted(raw.buf, raw.len)) {
		buf_add(out, raw.buf, raw.len);
		r = 0;
		goto out;
	}
	r = vault_decrypt(raw.buf, raw.len, s, path, out, NULL, err);
out:
	buf_release(&raw);
	return r;
}

int vault_yaml_load_file(const char *path, const struct vault_secrets *s, json_t **out,
			 struct buf *err)
{
	struct buf text = BUF_INIT;
	int r = vault_read_file(path, s, &text, err);

	*out = NULL;
	if (r == 0)
		r = yaml_load_string(path, text.buf, text.len, out, err);
	vault_buf_wipe(&text);
	return r;
}

int vault_json_is_vaulted(const json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 1 &&
	       json_is_string(json_object_get(v, "__ansible_vault"));
}

json_t *vault_decrypt_json(const json_t *node, const struct vault_secrets *s, const char *name,
			   struct buf *err)
{
	json_t *text = json_object_get(node, "__ansible_vault");
	struct buf plain = BUF_INIT;
	json_t *str = NULL;

	if (!json_is_string(text)) {
		buf_setf(err, "%s is not a vaulted value", name);
		return NULL;
	}
	if (vault_decrypt(json_string_value(text), json_string_length(text), s, name, &plain, NULL,
			  err) < 0)
		goto out;
	str = json_stringn(plain.buf, plain.len);
	if (!str)
		buf_setf(err, "the vaulted value %s is not UTF-8 text", name);
out:
	vault_buf_wipe(&plain);
	return str;
}

/* What a walk over a tree carries. */
struct walk {
	const struct vault_secrets *s;
	json_t *cache; /* vault text -> plaintext string, or NULL */
	struct buf path;
	struct buf *err;
};

static int decrypt_walk(json_t *v, struct walk *w);

/* The plaintext of a vault node, from the cache when the same text was seen. */
static json_t *decrypt_node(const json_t *node, struct walk *w)
{
	const char *text = json_string_value(json_object_get(node, "__ansible_vault"));
	json_t *plain = w->cache ? json_object_get(w->cache, text) : NULL;

	if (plain)
		return json_incref(plain);
	plain = vault_decrypt_json(node, w->s, w->path.buf, w->err);
	if (plain && w->cache)
		json_object_set(w->cache, text, plain);
	return plain;
}

/* Decrypts child or walks into it; *repl is set when child is to be replaced. */
static int decrypt_child(json_t *child, struct walk *w, json_t **repl)
{
	*repl = NULL;
	if (!vault_json_is_vaulted(child))
		return decrypt_walk(child, w);
	*repl = decrypt_node(child, w);
	return *repl ? 0 : -1;
}

static int decrypt_walk(json_t *v, struct walk *w)
{
	size_t mark = w->path.len, i;
	const char *key;
	json_t *child, *repl;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
		{
			buf_addf(&w->path, "%s%s", mark ? "." : "", key);
			if (decrypt_child(child, w, &repl) < 0)
				return -1;
			if (repl)
				json_object_set_new(v, key, repl);
			buf_setlen(&w->path, mark);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			buf_addf(&w->path, "[%zu]", i);
			if (decrypt_child(child, w, &repl) < 0)
				return -1;
			if (repl)
				json_array_set_new(v, i, repl);
			buf_setlen(&w->path, mark);
		}
	}
	return 0;
}

int vault_decrypt_tree_cached(json_t *v, const struct vault_secrets *s, json_t *cache,
			      struct buf *err)
{
	struct walk w = {s, cache, BUF_INIT, err};
	int r;

	if (vault_json_is_vaulted(v)) {
		buf_setf(err, "vault_decrypt_tree: the root is itself a vaulted value");
		return -1;
	}
	r = decrypt_walk(v, &w);
	buf_release(&w.path);
	return r;
}

int vault_decrypt_tree(json_t *v, const struct vault_secrets *s, struct buf *err)
{
	return vault_decrypt_tree_cached(v, s, NULL, err);
}
