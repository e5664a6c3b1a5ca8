/*
 * drover-remote's mode arithmetic (modules/remote/modes.c) against what GNU
 * chmod does to a scratch file, which modules/_files.sh asks it to do: the
 * expected modes were read from chmod under umask 022.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* the helper's code itself: it is built apart from drover (static, for hosts) */
#include "../../modules/remote/modes.c"

static void octal_modes(void **state)
{
	mode_t m = 0;

	(void)state;
	assert_int_equal(mode_is_octal("0644", &m), 1);
	assert_int_equal(m, 0644);
	assert_int_equal(mode_is_octal("644", &m), 1);
	assert_int_equal(mode_is_octal("07777", &m), 1);
	assert_int_equal(m, 07777);
	assert_int_equal(mode_is_octal("17777", &m), 0);
	assert_int_equal(mode_is_octal("0648", &m), 0);
	assert_int_equal(mode_is_octal("", &m), 0);
	assert_int_equal(mode_is_octal("u=rw", &m), 0);
}

static void symbolic_modes(void **state)
{
	static const struct {
		mode_t cur;
		const char *spec;
		int dir;
		mode_t want;
	} cases[] = {
		{ 0644, "u=rw,g=r,o=r", 0, 0644 }, { 0644, "+x", 0, 0755 },
		{ 0644, "a+s,o=u", 0, 06646 },     { 0644, "g+w,o-r", 0, 0660 },
		{ 0755, "u=rwX,g=rX,o=", 1, 0750 }, { 0644, "u=rwX,g=rX,o=", 0, 0640 },
		{ 0744, "go=u", 0, 0777 },          { 02755, "g=rx", 1, 02755 },
		{ 02755, "u=rwx", 1, 02755 },       { 0644, "-w", 0, 0444 },
		{ 01777, "o-t", 1, 0777 },          { 0640, "a=,u+rw", 0, 0600 },
		{ 0600, "=rw", 0, 0644 },           { 0700, "u-x+s", 0, 04600 },
		{ 0755, "o=g-x", 0, 0754 },
	};
	size_t i;
	mode_t m;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = 0;
		assert_int_equal(mode_symbolic(cases[i].spec, cases[i].cur, cases[i].dir, 022, &m), 0);
		assert_int_equal(m, cases[i].want);
	}
}

static void bad_and_surprising_modes(void **state)
{
	static const char *const bad[] = { "", "u", "u=rwz", "u=ug", "u+r,", ",u+r", "x=r", "999" };
	size_t i;
	mode_t m;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mode_symbolic(bad[i], 0644, 0, 022, &m), MODE_NOT_SYMBOLIC);
	/* "chmod -w" on a 0666 file leaves 0466 under umask 022 and fails */
	assert_int_equal(mode_symbolic("-w", 0666, 0, 022, &m), MODE_SURPRISE);
	assert_int_equal(mode_symbolic("-x,u+w", 0644, 0, 022, &m), 0);
}

static void numeric_chmod_keeps_a_folders_set_ids(void **state)
{
	(void)state;
	assert_int_equal(mode_after_chmod(02755, 0755, 1), 02755);
	assert_int_equal(mode_after_chmod(02755, 0755, 0), 0755);
	assert_int_equal(mode_after_chmod(0755, 04750, 1), 04750);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(octal_modes),
		cmocka_unit_test(symbolic_modes),
		cmocka_unit_test(bad_and_surprising_modes),
		cmocka_unit_test(numeric_chmod_keeps_a_folders_set_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
