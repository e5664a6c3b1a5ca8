#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bcrypt_pbkdf.h"

/*
 * Published bcrypt_pbkdf vectors (OpenBSD's regression values, also used by
 * other implementations' tests); the NULs inside pass and salt count.
 */
struct vec {
	const char *pass;
	size_t passlen;
	const char *salt;
	size_t saltlen;
	unsigned int rounds;
	const char *hex;
};

static const struct vec vecs[] = {
	{ "password", 8, "salt", 4, 4,
	  "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9" },
	{ "password", 8, "\0", 1, 4, "c12b566235eee04c212598970a579a67" },
	{ "\0", 1, "salt", 4, 4, "6051be18c2f4f82cbf0efee5471b4bb9" },
	{ "password\0", 9, "salt\0", 5, 4,
	  "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050" },
};

static void hex(const unsigned char *k, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", k[i]);
}

static void known_vectors(void **state)
{
	unsigned char key[64];
	char got[129];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		n = strlen(vecs[i].hex) / 2;
		assert_int_equal(bcrypt_pbkdf(vecs[i].pass, vecs[i].passlen,
					      (const unsigned char *)vecs[i].salt, vecs[i].saltlen,
					      key, n, vecs[i].rounds), 0);
		hex(key, n, got);
		assert_string_equal(got, vecs[i].hex);
	}
}

/* Block k fills bytes k-1, k-1+stride...: a shorter key is not a prefix of a longer one. */
static void output_is_interleaved(void **state)
{
	unsigned char k48[48], k32[32];
	static const unsigned char salt[16] = "0123456789abcdef";

	(void)state;
	assert_int_equal(bcrypt_pbkdf("pw", 2, salt, sizeof(salt), k48, sizeof(k48), 2), 0);
	assert_int_equal(bcrypt_pbkdf("pw", 2, salt, sizeof(salt), k32, sizeof(k32), 2), 0);
	assert_memory_not_equal(k48, k32, sizeof(k32));
	/* A 32-byte key is block 1 whole; a 48-byte one has it in the even bytes. */
	assert_int_equal(k48[0], k32[0]);
	assert_int_equal(k48[2], k32[1]);
	assert_int_equal(k48[46], k32[23]);
}

static void bad_arguments(void **state)
{
	unsigned char key[32];
	static const unsigned char salt[4] = "salt";

	(void)state;
	assert_int_equal(bcrypt_pbkdf("", 0, salt, 4, key, 32, 4), -1);
	assert_int_equal(bcrypt_pbkdf("p", 1, salt, 0, key, 32, 4), -1);
	assert_int_equal(bcrypt_pbkdf("p", 1, salt, 4, key, 32, 0), -1);
	assert_int_equal(bcrypt_pbkdf("p", 1, salt, 4, key, 0, 4), -1);
	assert_int_equal(bcrypt_pbkdf("p", 1, salt, 4, key, 1025, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(output_is_interleaved),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
