/* cron schedule expressions: what cron accepts, and what it would not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cronsched.h"
#include "banned.h"

static void accept(const char *expr)
{
	struct buf err = BUF_INIT;

	if (cronsched_check(expr, &err) < 0)
		fail_msg("'%s' refused: %s", expr, err.buf);
	buf_release(&err);
}

static void refuse(const char *expr, const char *why)
{
	struct buf err = BUF_INIT;

	if (cronsched_check(expr, &err) == 0)
		fail_msg("'%s' accepted", expr);
	if (!strstr(err.buf, why))
		fail_msg("'%s': message '%s' lacks '%s'", expr, err.buf, why);
	buf_release(&err);
}

static void good_schedules(void **state)
{
	(void)state;
	accept("0 3 * * 0");
	accept("*/5 * * * *");
	accept("0-59/15 0,12 1-31 * *");
	accept("30 2 1 jan-jun,dec mon-fri");
	accept("0 0 * FEB Sun");
	accept("5 4 * * 7");
	accept("  0   3 *\t* 0 ");
	accept("1,2,3-5/2 23 15 12 6");
	accept("@daily");
	accept("@reboot");
	accept("@annually");
}

static void bad_schedules(void **state)
{
	(void)state;
	refuse("0 3 * *", "5 fields");
	refuse("0 3 * * * *", "5 fields");
	refuse("", "5 fields");
	refuse("60 * * * *", "minute: 60 is out of range 0-59");
	refuse("0 24 * * *", "hour: 24 is out of range 0-23");
	refuse("0 0 0 * *", "day of month: 0 is out of range 1-31");
	refuse("0 0 * 13 *", "month: 13 is out of range 1-12");
	refuse("0 0 * * 8", "day of week: 8 is out of range 0-7");
	refuse("0 0 * foo *", "month: 'foo' is not a number or a name");
	refuse("x * * * *", "minute: 'x' is not a number");
	refuse("5-1 * * * *", "goes backwards");
	refuse("*/0 * * * *", "bad step");
	refuse("*/ * * * *", "bad step");
	refuse("1,,2 * * * *", "empty element");
	refuse("1, * * * *", "empty element");
	refuse("@sometimes", "unknown schedule");
	refuse("0 3 * * mon-", "day of week");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_schedules),
		cmocka_unit_test(bad_schedules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
