#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "base64.h"

static void round_trip_binary(void **state)
{
	const char data[] = { 'a', 0, '\xff', '\n', 'z' };
	struct buf enc = BUF_INIT, dec = BUF_INIT;

	(void)state;
	base64_encode(&enc, data, sizeof(data));
	assert_string_equal(enc.buf, "YQD/Cno=");
	assert_int_equal(base64_decode(&dec, enc.buf, enc.len), 0);
	assert_int_equal(dec.len, sizeof(data));
	assert_memory_equal(dec.buf, data, sizeof(data));
	buf_release(&enc);
	buf_release(&dec);
}

static void decode_ignores_whitespace_and_rejects_garbage(void **state)
{
	struct buf dec = BUF_INIT;

	(void)state;
	assert_int_equal(base64_decode(&dec, "aGVs\nbG8=\n", 10), 0);
	assert_string_equal(dec.buf, "hello");
	buf_reset(&dec);
	assert_int_equal(base64_decode(&dec, "aGVsb", 5), -1);
	assert_int_equal(base64_decode(&dec, "a*==", 4), -1);
	assert_int_equal(dec.len, 0);
	assert_int_equal(base64_decode(&dec, "", 0), 0);
	assert_int_equal(dec.len, 0);
	buf_release(&dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_binary),
		cmocka_unit_test(decode_ignores_whitespace_and_rejects_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
