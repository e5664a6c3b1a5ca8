/* Ansible Vault: fixed vectors made by ansible-vault (tests/unit/fixtures/vault/README). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vault.h"
#include "xalloc.h"
#include "yamlload.h"
#include "banned.h"

#define FX "tests/unit/fixtures/vault/"

static void slurp(const char *path, struct buf *b)
{
	buf_reset(b);
	if (buf_read_file(b, path) < 0)
		fail_msg("cannot read %s", path);
}

static void secrets_std(struct vault_secrets *s)
{
	vault_secrets_init(s);
	vault_secrets_add_password(s, "prod", "prod-pass");
	vault_secrets_add_password(s, "dev", "dev-pass");
	vault_secrets_add_password(s, NULL, "fixture-pass-1");
}

/* Decrypts fixture vault and compares with fixture plain; returns the id that worked. */
static const char *expect_decrypts(const struct vault_secrets *s, const char *vault,
				   const char *plain)
{
	struct buf in = BUF_INIT, want = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	const char *used = NULL;

	slurp(vault, &in);
	slurp(plain, &want);
	if (vault_decrypt(in.buf, in.len, s, vault, &out, &used, &err) < 0)
		fail_msg("%s: %s", vault, err.buf);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.buf, want.buf, want.len);
	buf_release(&in);
	buf_release(&want);
	buf_release(&out);
	buf_release(&err);
	return used;
}

static void decrypts_1_1(void **state)
{
	struct vault_secrets s;

	(void)state;
	secrets_std(&s);
	assert_string_equal(expect_decrypts(&s, FX "v11.vault", FX "plain.txt"), "default");
	expect_decrypts(&s, FX "empty.vault", FX "empty.txt");
	expect_decrypts(&s, FX "block16.vault", FX "block16.txt");
	expect_decrypts(&s, FX "binary.vault", FX "binary.bin");
	vault_secrets_release(&s);
}

static void decrypts_1_2_by_id(void **state)
{
	struct vault_secrets s;

	(void)state;
	secrets_std(&s);
	assert_string_equal(expect_decrypts(&s, FX "v12_dev.vault", FX "plain.txt"), "dev");
	assert_string_equal(expect_decrypts(&s, FX "v12_prod.vault", FX "plain.txt"), "prod");
	vault_secrets_release(&s);
}

/* A 1.2 file whose id no secret has is still tried with every secret. */
static void decrypts_1_2_other_label(void **state)
{
	struct vault_secrets s = VAULT_SECRETS_INIT;

	(void)state;
	vault_secrets_add_password(&s, "wrong", "nope");
	vault_secrets_add_password(&s, "renamed", "dev-pass");
	assert_string_equal(expect_decrypts(&s, FX "v12_dev.vault", FX "plain.txt"), "renamed");
	vault_secrets_release(&s);
}

static void wrong_password(void **state)
{
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf in = BUF_INIT, out = BUF_INIT, err = BUF_INIT;

	(void)state;
	vault_secrets_add_password(&s, NULL, "fixture-pass-2");
	vault_secrets_add_password(&s, "dev", "fixture-pass-1x");
	slurp(FX "v11.vault", &in);
	assert_int_equal(vault_decrypt(in.buf, in.len, &s, "site/v11.vault", &out, NULL, &err), -1);
	assert_string_equal(err.buf, "Decryption failed (no vault secrets were found that could "
				     "decrypt) on site/v11.vault");
	assert_int_equal(out.len, 0);
	vault_secrets_release(&s);
	vault_secrets_release(&s); /* released twice: must be harmless */
	assert_int_equal(vault_decrypt(in.buf, in.len, &s, "x", &out, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "no vault secrets found"));
	buf_release(&in);
	buf_release(&out);
	buf_release(&err);
}

/* Changes one hex digit of the inner text encoded by the outer pair at pos. */
static void flip_inner_digit(struct buf *b, size_t pos)
{
	char *c = &b->buf[pos + 1];

	if (b->buf[pos] == '3')
		*c = *c == '0' ? '1' : '0';
	else if (b->buf[pos] == '6')
		*c = *c == '1' ? '2' : '1';
	else
		fail_msg("unexpected outer hex at %zu", pos);
}

static void tampered(void **state)
{
	struct vault_secrets s;
	struct buf in = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	size_t header = strlen("$ANSIBLE_VAULT;1.1;AES256\n");
	size_t spots[3];
	int i;

	(void)state;
	secrets_std(&s);
	slurp(FX "v11.vault", &in);
	/* Outer digit k sits at header + k + k / 80 (lines of 80). */
	spots[0] = header;		    /* the salt's first digit */
	spots[1] = header + 130 + 130 / 80; /* the HMAC's (after 64 salt digits and \n) */
	spots[2] = in.len - 3;		    /* the ciphertext's last */
	for (i = 0; i < 3; i++) {
		char saved = in.buf[spots[i] + 1];

		flip_inner_digit(&in, spots[i]);
		assert_int_equal(vault_decrypt(in.buf, in.len, &s, "t.vault", &out, NULL, &err),
				 -1);
		assert_non_null(strstr(err.buf, "Decryption failed"));
		assert_int_equal(out.len, 0);
		in.buf[spots[i] + 1] = saved;
	}
	assert_int_equal(vault_decrypt(in.buf, in.len, &s, "t.vault", &out, NULL, &err), 0);
	vault_secrets_release(&s);
	buf_release(&in);
	buf_release(&out);
	buf_release(&err);
}

static int unhex(const char *s, size_t len, unsigned char *out)
{
	size_t i;
	unsigned int v;

	for (i = 0; i < len; i += 2) {
		if (sscanf(s + i, "%2x", &v) != 1)
			return -1;
		out[i / 2] = (unsigned char)v;
	}
	return 0;
}

/* The salt of a fixture: the first 64 inner hex digits, i.e. 128 outer ones. */
static void fixture_salt(const struct buf *b, unsigned char salt[VAULT_SALT_LEN])
{
	const char *body = strchr(b->buf, '\n') + 1;
	char inner[VAULT_SALT_LEN * 2];
	unsigned char outer[VAULT_SALT_LEN * 2];
	struct buf flat = BUF_INIT;
	size_t i;

	for (i = 0; body[i] && flat.len < sizeof(outer) * 2; i++)
		if (body[i] != '\n')
			buf_addch(&flat, body[i]);
	assert_int_equal(unhex(flat.buf, sizeof(outer) * 2, outer), 0);
	memcpy(inner, outer, sizeof(inner));
	assert_int_equal(unhex(inner, sizeof(inner), salt), 0);
	buf_release(&flat);
}

/* With ansible-vault's salt, drover's output is byte for byte ansible-vault's. */
static void encrypts_like_ansible(void **state)
{
	static const struct {
		const char *vault, *plain, *id, *pw;
	} cases[] = {
		{FX "v11.vault", FX "plain.txt", NULL, "fixture-pass-1"},
		{FX "v12_dev.vault", FX "plain.txt", "dev", "dev-pass"},
		{FX "empty.vault", FX "empty.txt", "default", "fixture-pass-1"},
		{FX "block16.vault", FX "block16.txt", NULL, "fixture-pass-1"},
		{FX "binary.vault", FX "binary.bin", NULL, "fixture-pass-1"},
	};
	struct buf want = BUF_INIT, plain = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	unsigned char salt[VAULT_SALT_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		slurp(cases[i].vault, &want);
		slurp(cases[i].plain, &plain);
		fixture_salt(&want, salt);
		buf_reset(&out);
		assert_int_equal(vault_encrypt_salted(plain.buf, plain.len, cases[i].pw,
						      cases[i].id, salt, &out, &err),
				 0);
		assert_string_equal(out.buf, want.buf);
	}
	buf_release(&want);
	buf_release(&plain);
	buf_release(&out);
	buf_release(&err);
}

static void round_trip(void **state)
{
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	const char *used = NULL;
	const char *lines;

	(void)state;
	vault_secrets_add_password(&s, "ops", "pässword");
	assert_int_equal(vault_encrypt("top secret\n", 11, "pässword", "ops", &a, &err), 0);
	assert_int_equal(vault_encrypt("top secret\n", 11, "pässword", "ops", &b, &err), 0);
	assert_string_not_equal(a.buf, b.buf); /* a fresh salt each time */
	assert_true(vault_is_encrypted(a.buf, a.len));
	assert_int_equal(strncmp(a.buf, "$ANSIBLE_VAULT;1.2;AES256;ops\n", 30), 0);
	for (lines = strchr(a.buf, '\n') + 1; strchr(lines, '\n'); lines = strchr(lines, '\n') + 1)
		assert_true(strchr(lines, '\n') - lines <= 80);
	assert_int_equal(vault_decrypt(a.buf, a.len, &s, "a", &out, &used, &err), 0);
	assert_string_equal(out.buf, "top secret\n");
	assert_string_equal(used, "ops");
	assert_int_equal(vault_encrypt("x", 1, "p", "bad;id", &b, &err), -1);
	vault_secrets_release(&s);
	buf_release(&a);
	buf_release(&b);
	buf_release(&out);
	buf_release(&err);
}

static void detects_vault_text(void **state)
{
	(void)state;
	assert_true(vault_is_encrypted("$ANSIBLE_VAULT;1.1;AES256\n3132", 30));
	assert_false(vault_is_encrypted("$ANSIBLE_VAULT", 14));
	assert_false(vault_is_encrypted(" $ANSIBLE_VAULT;1.1", 19));
	assert_false(vault_is_encrypted("---\nkey: v\n", 11));
	assert_false(vault_is_encrypted("", 0));
}

static void malformed(void **state)
{
	static const char *const texts[] = {
		"$ANSIBLE_VAULT;1.1;AES\n3132\n",  "$ANSIBLE_VAULT;9.9;AES256\n3132\n",
		"$ANSIBLE_VAULT;1.1;AES256\nzz\n", "$ANSIBLE_VAULT;1.1;AES256\n3132\n",
		"$ANSIBLE_VAULT;1.1;AES256",
	};
	struct vault_secrets s;
	struct buf out = BUF_INIT, err = BUF_INIT;
	size_t i;

	(void)state;
	secrets_std(&s);
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		buf_reset(&err);
		assert_int_equal(
			vault_decrypt(texts[i], strlen(texts[i]), &s, "m.yml", &out, NULL, &err),
			-1);
		assert_non_null(strstr(err.buf, "m.yml"));
	}
	vault_secrets_release(&s);
	buf_release(&out);
	buf_release(&err);
}

static void tree_inline_values(void **state)
{
	struct vault_secrets s;
	struct buf err = BUF_INIT;
	json_t *doc = NULL;

	(void)state;
	secrets_std(&s);
	assert_int_equal(yaml_load_file(FX "inline.yml", &doc, &err), 0);
	assert_true(vault_json_is_vaulted(json_object_get(doc, "api_key")));
	assert_int_equal(vault_decrypt_tree(doc, &s, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "api_key")), "k-12345");
	assert_string_equal(json_string_value(json_object_get(doc, "plain")), "visible");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_object_get(doc, "nested"), "list"), 1)),
			    "два");
	json_decref(doc);
	vault_secrets_release(&s);
	buf_release(&err);
}

/* A value seen once is not decrypted again: the second tree needs no password. */
static void tree_cache(void **state)
{
	struct vault_secrets s, none = VAULT_SECRETS_INIT;
	struct buf err = BUF_INIT;
	json_t *a = NULL, *b = NULL, *cache = json_object();

	(void)state;
	secrets_std(&s);
	assert_int_equal(yaml_load_file(FX "inline.yml", &a, &err), 0);
	assert_int_equal(yaml_load_file(FX "inline.yml", &b, &err), 0);
	assert_int_equal(vault_decrypt_tree_cached(a, &s, cache, &err), 0);
	assert_int_equal(json_object_size(cache), 2);
	assert_int_equal(vault_decrypt_tree_cached(b, &none, cache, &err), 0);
	assert_true(json_equal(a, b));
	assert_string_equal(json_string_value(json_object_get(b, "api_key")), "k-12345");
	json_decref(a);
	json_decref(b);
	json_decref(cache);
	vault_secrets_release(&s);
	buf_release(&err);
}

static void tree_wrong_secret_names_path(void **state)
{
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf err = BUF_INIT;
	json_t *doc = NULL;

	(void)state;
	vault_secrets_add_password(&s, NULL, "fixture-pass-1");
	assert_int_equal(yaml_load_file(FX "inline.yml", &doc, &err), 0);
	assert_int_equal(vault_decrypt_tree(doc, &s, &err), -1);
	assert_string_equal(err.buf, "Decryption failed (no vault secrets were found that could "
				     "decrypt) on nested.list[1]");
	json_decref(doc);
	vault_secrets_release(&s);
	buf_release(&err);
}

static void read_file_either_way(void **state)
{
	struct vault_secrets s;
	struct buf out = BUF_INIT, want = BUF_INIT, err = BUF_INIT;
	json_t *doc = NULL;

	(void)state;
	secrets_std(&s);
	slurp(FX "plain.txt", &want);
	assert_int_equal(vault_read_file(FX "v12_prod.vault", &s, &out, &err), 0);
	assert_string_equal(out.buf, want.buf);
	buf_reset(&out);
	assert_int_equal(vault_read_file(FX "plain.txt", &s, &out, &err), 0);
	assert_string_equal(out.buf, want.buf);
	assert_int_equal(vault_read_file(FX "missing.yml", &s, &out, &err), -1);
	assert_non_null(strstr(err.buf, FX "missing.yml"));
	assert_int_equal(vault_yaml_load_file(FX "v12_dev.vault", &s, &doc, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "db_password")), "s3cr3t");
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "users"), 1)),
			    "bob");
	json_decref(doc);
	vault_secrets_release(&s);
	buf_release(&out);
	buf_release(&want);
	buf_release(&err);
}

static char *write_temp(const char *text, mode_t mode)
{
	char *path = xstrdup("/tmp/drover-test-vault.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
	return path;
}

static void secret_sources(void **state)
{
	char *file = write_temp("  fixture-pass-1 \n\n", 0600);
	char *script =
		write_temp("#!/bin/sh\n[ $# = 0 ] || exit 3\nprintf 'dev-pass\\r\\n'\n", 0700);
	char *failing = write_temp("#!/bin/sh\nexit 4\n", 0700);
	char *empty = write_temp("\n", 0600);
	char *by_id = xasprintf("dev@%s", script);
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(vault_secrets_add(&s, "--vault-password-file", file, &err), 0);
	assert_int_equal(vault_secrets_add(&s, "vault-id", by_id, &err), 0);
	assert_int_equal(s.nr, 2);
	assert_string_equal(s.v[0].id, "default");
	assert_string_equal(s.v[0].password, "fixture-pass-1");
	assert_string_equal(s.v[1].id, "dev");
	assert_string_equal(s.v[1].password, "dev-pass");
	assert_int_equal(vault_secrets_add(&s, "vault-id", failing, &err), -1);
	assert_non_null(strstr(err.buf, "returned non-zero (4)"));
	assert_int_equal(vault_secrets_add(&s, "vault-password-file", empty, &err), -1);
	assert_non_null(strstr(err.buf, "Invalid vault password was provided from file"));
	assert_int_equal(vault_secrets_add(&s, "vault-password-file", "/nonexistent/pw", &err), -1);
	assert_string_equal(err.buf, "The vault password file /nonexistent/pw was not found");
	assert_int_equal(s.nr, 2);
	unlink(file);
	unlink(script);
	unlink(failing);
	unlink(empty);
	free(file);
	free(script);
	free(failing);
	free(empty);
	free(by_id);
	vault_secrets_release(&s);
	buf_release(&err);
}

/* A script named *-client is told which id is wanted. */
static void client_script_gets_id(void **state)
{
	char *path = xstrdup("/tmp/drover-test-vault.XXXXXX");
	char *script, *spec;
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf err = BUF_INIT;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(path));
	script = xasprintf("%s/pass-client.sh", path);
	fp = fopen(script, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\n[ \"$1 $2\" = '--vault-id prod' ] || exit 9\necho prod-pass\n", fp);
	fclose(fp);
	chmod(script, 0700);
	spec = xasprintf("prod@%s", script);
	assert_int_equal(vault_secrets_add(&s, "vault-id", spec, &err), 0);
	assert_string_equal(s.v[0].password, "prod-pass");
	unlink(script);
	rmdir(path);
	free(script);
	free(spec);
	free(path);
	vault_secrets_release(&s);
	buf_release(&err);
}

static void secret_for_encrypt(void **state)
{
	struct vault_secrets s = VAULT_SECRETS_INIT;
	struct buf err = BUF_INIT;

	(void)state;
	assert_null(vault_secrets_for_encrypt(&s, NULL, &err));
	vault_secrets_add_password(&s, "b", "pb");
	assert_string_equal(vault_secrets_for_encrypt(&s, NULL, &err)->id, "b");
	vault_secrets_add_password(&s, "a", "pa");
	assert_null(vault_secrets_for_encrypt(&s, NULL, &err));
	assert_string_equal(err.buf, "The vault-ids a,b are available to encrypt. Specify the "
				     "vault-id to encrypt with --encrypt-vault-id");
	assert_string_equal(vault_secrets_for_encrypt(&s, "a", &err)->password, "pa");
	assert_null(vault_secrets_for_encrypt(&s, "zz", &err));
	assert_string_equal(err.buf, "Did not find a match for --encrypt-vault-id=zz in the known "
				     "vault-ids [a,b]");
	vault_secrets_release(&s);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decrypts_1_1),
		cmocka_unit_test(decrypts_1_2_by_id),
		cmocka_unit_test(decrypts_1_2_other_label),
		cmocka_unit_test(wrong_password),
		cmocka_unit_test(tampered),
		cmocka_unit_test(encrypts_like_ansible),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(detects_vault_text),
		cmocka_unit_test(malformed),
		cmocka_unit_test(tree_inline_values),
		cmocka_unit_test(tree_cache),
		cmocka_unit_test(tree_wrong_secret_names_path),
		cmocka_unit_test(read_file_either_way),
		cmocka_unit_test(secret_sources),
		cmocka_unit_test(client_script_gets_id),
		cmocka_unit_test(secret_for_encrypt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
