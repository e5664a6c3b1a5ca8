#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/pem.h>

#include "base64.h"
#include "ssh_rsa.h"
#include "xalloc.h"

/* Keys come from the real ssh-keygen, in a fresh directory per run. */
struct fx {
	char dir[64];
};

static char *keypath(struct fx *f, const char *name)
{
	return xasprintf("%s/%s", f->dir, name);
}

static void keygen(struct fx *f, const char *name, const char *args)
{
	char *cmd = xasprintf("ssh-keygen -q -C unit %s -f %s/%s </dev/null >/dev/null 2>&1", args,
			      f->dir, name);

	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	assert_int_equal(rc, 0);
	free(cmd);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/drover-rsa-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	keygen(f, "openssh", "-t rsa -b 2048 -N ''");
	keygen(f, "pem", "-t rsa -b 2048 -N '' -m PEM");
	keygen(f, "pem_enc", "-t rsa -b 2048 -N 'pass word' -m PEM");
	keygen(f, "openssh_enc", "-t rsa -b 2048 -N 'pass word'");
	keygen(f, "openssh_cbc", "-t rsa -b 2048 -N 'cbc pass' -Z aes256-cbc");
	keygen(f, "openssh_chacha", "-t rsa -b 2048 -N 'pass' -Z chacha20-poly1305@openssh.com");
	keygen(f, "ed", "-t ed25519 -N ''");
	keygen(f, "ed_enc", "-t ed25519 -N 'ed pass'");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf %s", f->dir);

	(void)!system(cmd);
	free(cmd);
	free(f);
	return 0;
}

/* The blob in NAME.pub (its second field). */
static void pub_blob(struct fx *f, const char *name, struct buf *out)
{
	char *path = xasprintf("%s/%s.pub", f->dir, name), *b64, *end;
	struct buf text = BUF_INIT;

	assert_true(buf_read_file(&text, path) >= 0);
	b64 = strchr(text.buf, ' ') + 1;
	end = strchr(b64, ' ');
	assert_int_equal(base64_decode(out, b64, (size_t)(end - b64)), 0);
	buf_release(&text);
	free(path);
}

static EVP_PKEY *load_ok(struct fx *f, const char *name, const char *pass)
{
	struct buf err = BUF_INIT;
	char *path = keypath(f, name);
	EVP_PKEY *key = NULL;

	assert_int_equal(ssh_rsa_load(path, pass, &key, &err), 1);
	assert_non_null(key);
	assert_int_equal(err.len, 0);
	buf_release(&err);
	free(path);
	return key;
}

/* Typed "ssh-rsa", the blob is exactly OpenSSH's; typed as an algorithm, only the name differs. */
static void check_blob(struct fx *f, const char *name, EVP_PKEY *key)
{
	struct buf want = BUF_INIT, got = BUF_INIT;
	static const char typed[] = "\0\0\0\x0crsa-sha2-512";

	pub_blob(f, name, &want);
	ssh_rsa_blob(key, "ssh-rsa", &got);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.buf, want.buf, want.len);
	buf_reset(&got);
	ssh_rsa_blob(key, "rsa-sha2-512", &got);
	assert_int_equal(got.len, want.len + 5);
	assert_memory_equal(got.buf, typed, sizeof(typed) - 1);
	assert_memory_equal(got.buf + 16, want.buf + 11, want.len - 11);
	assert_true(ssh_rsa_blob_is_rsa((unsigned char *)want.buf, want.len));
	buf_release(&want);
	buf_release(&got);
}

/* Verified against the public key as ssh-keygen exports it, not the loaded key. */
static void check_sign(struct fx *f, const char *name, EVP_PKEY *key, const char *alg,
		       const EVP_MD *md)
{
	char *cmd = xasprintf("ssh-keygen -e -m PKCS8 -f %s/%s.pub", f->dir, name);
	FILE *p = popen(cmd, "r");
	EVP_PKEY *pub = p ? PEM_read_PUBKEY(p, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const unsigned char data[] = "session id and userauth request";
	struct buf sig = BUF_INIT;

	assert_non_null(pub);
	assert_int_equal(ssh_rsa_sign(key, alg, data, sizeof(data), &sig), 0);
	assert_int_equal(sig.len, (size_t)EVP_PKEY_get_size(pub));
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, md, NULL, pub), 1);
	assert_int_equal(EVP_DigestVerify(ctx, (unsigned char *)sig.buf, sig.len, data,
					  sizeof(data)), 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pub);
	pclose(p);
	free(cmd);
	buf_release(&sig);
}

static void check_key(struct fx *f, const char *name, const char *pass)
{
	EVP_PKEY *key = load_ok(f, name, pass);

	check_blob(f, name, key);
	check_sign(f, name, key, "rsa-sha2-512", EVP_sha512());
	check_sign(f, name, key, "rsa-sha2-256", EVP_sha256());
	EVP_PKEY_free(key);
}

static void openssh_format(void **state)
{
	check_key(*state, "openssh", NULL);
}

static void pem_format(void **state)
{
	check_key(*state, "pem", NULL);
}

static void pem_encrypted(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	char *path = keypath(f, "pem_enc");
	EVP_PKEY *key = NULL;

	check_key(f, "pem_enc", "pass word");
	assert_int_equal(ssh_rsa_load(path, "wrong", &key, &err), -1);
	assert_null(key);
	assert_non_null(strstr(err.buf, "pem_enc: cannot load the RSA key (wrong passphrase?)"));
	buf_reset(&err);
	assert_int_equal(ssh_rsa_load(path, NULL, &key, &err), -1);
	assert_non_null(strstr(err.buf, "no passphrase given"));
	buf_release(&err);
	free(path);
}

static void load_fails(struct fx *f, const char *name, const char *pass, const char *want)
{
	struct buf err = BUF_INIT;
	char *path = keypath(f, name), *msg = xasprintf("%s: %s", path, want);
	EVP_PKEY *key = NULL;

	assert_int_equal(ssh_rsa_load(path, pass, &key, &err), -1);
	assert_null(key);
	assert_string_equal(err.buf, msg);
	buf_release(&err);
	free(msg);
	free(path);
}

/* ssh-keygen's default: bcrypt KDF, aes256-ctr; the .pub file is ssh-keygen's own. */
static void openssh_encrypted(void **state)
{
	struct fx *f = *state;

	check_key(f, "openssh_enc", "pass word");
	load_fails(f, "openssh_enc", "pass wore", "cannot load the RSA key (wrong passphrase)");
	load_fails(f, "openssh_enc", NULL, "cannot load the RSA key (no passphrase given)");
	load_fails(f, "openssh_enc", "", "cannot load the RSA key (no passphrase given)");
}

static void openssh_encrypted_cbc(void **state)
{
	struct fx *f = *state;

	check_key(f, "openssh_cbc", "cbc pass");
	load_fails(f, "openssh_cbc", "pass word", "cannot load the RSA key (wrong passphrase)");
}

static void openssh_other_cipher_is_named(void **state)
{
	struct fx *f = *state;
	char *path = keypath(f, "openssh_chacha"), *want;

	want = xasprintf("an RSA key in OpenSSH format encrypted with "
			 "chacha20-poly1305@openssh.com (kdf bcrypt) is not supported (only "
			 "aes256-ctr and aes256-cbc with bcrypt); change it with: ssh-keygen -p "
			 "-Z aes256-ctr -f %s", path);
	load_fails(f, "openssh_chacha", "pass", want);
	free(want);
	free(path);
}

static void other_keys_are_left_to_libssh2(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	char *path = keypath(f, "ed"), *pub = keypath(f, "ed.pub");
	EVP_PKEY *key = NULL;

	assert_int_equal(ssh_rsa_load(path, NULL, &key, &err), 0);
	assert_int_equal(ssh_rsa_load(pub, NULL, &key, &err), 0);
	free(path);
	path = keypath(f, "ed_enc"); /* no passphrase needed to see it is not RSA */
	assert_int_equal(ssh_rsa_load(path, NULL, &key, &err), 0);
	assert_int_equal(ssh_rsa_load("/nonexistent/key", NULL, &key, &err), 0);
	assert_null(key);
	assert_int_equal(err.len, 0);
	buf_release(&err);
	free(path);
	free(pub);
}

static void truncated_openssh_key_is_an_error(void **state)
{
	struct fx *f = *state;
	struct buf text = BUF_INIT, err = BUF_INIT;
	char *path = keypath(f, "openssh");
	EVP_PKEY *key = NULL;
	char *cut;

	assert_true(buf_read_file(&text, path) >= 0);
	/* Keep the first two base64 lines: header fields parse, the key sections do not. */
	cut = strchr(strchr(strchr(text.buf, '\n') + 1, '\n') + 1, '\n') + 1;
	buf_setlen(&text, (size_t)(cut - text.buf));
	buf_addstr(&text, "-----END OPENSSH PRIVATE KEY-----\n");
	assert_int_equal(ssh_rsa_load_text(text.buf, text.len, "k", NULL, &key, &err), -1);
	assert_string_equal(err.buf, "k: not a valid OpenSSH private key");
	assert_null(key);
	buf_release(&text);
	buf_release(&err);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openssh_format),
		cmocka_unit_test(pem_format),
		cmocka_unit_test(pem_encrypted),
		cmocka_unit_test(openssh_encrypted),
		cmocka_unit_test(openssh_encrypted_cbc),
		cmocka_unit_test(openssh_other_cipher_is_named),
		cmocka_unit_test(other_keys_are_left_to_libssh2),
		cmocka_unit_test(truncated_openssh_key_is_an_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
