/*
 * drover-remote's MD5 (modules/remote/md5.c), which copy reports as
 * md5sum: RFC 1321's test suite, a million bytes, and every length up
 * to 200 (the padding within one block or spread over two) against OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

/* the helper's code itself: it is built apart from drover (static, for hosts) */
#include "../../modules/remote/md5.c"

/* MD5 of data's n bytes through a scratch file, as the helper reads files. */
static void md5_of(const char *data, size_t n, char hex[33])
{
	char path[] = "/tmp/drover-md5-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	assert_int_equal(md5_file(path, hex), 0);
	unlink(path);
}

static void rfc1321_suite(void **state)
{
	static const char *const cases[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char hex[33];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		md5_of(cases[i][0], strlen(cases[i][0]), hex);
		assert_string_equal(hex, cases[i][1]);
	}
}

static void a_million_bytes(void **state)
{
	char *data = malloc(1000000), hex[33];

	(void)state;
	memset(data, 'a', 1000000);
	md5_of(data, 1000000, hex);
	assert_string_equal(hex, "7707d6ae4e027c70eea2a935c2296f21");
	free(data);
}

static void lengths_around_the_padding(void **state)
{
	unsigned char data[200], d[EVP_MAX_MD_SIZE];
	char hex[33], want[33];
	unsigned int n, i;
	size_t len;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(data); len++) {
		assert_true(EVP_Digest(data, len, d, &n, EVP_md5(), NULL));
		for (i = 0; i < n; i++)
			snprintf(want + 2 * i, 3, "%02x", d[i]);
		md5_of((const char *)data, len, hex);
		assert_string_equal(hex, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc1321_suite),
		cmocka_unit_test(a_million_bytes),
		cmocka_unit_test(lengths_around_the_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
