#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "inventory.h"
#include "banned.h"

#define FX "tests/unit/fixtures/inventory/"

/* The selected names joined by ','. */
static char *names(struct inventory *inv, const char *pattern, const char *limit)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct host **hosts = NULL;
	size_t nr = 0, i;

	if (inventory_select(inv, pattern, &hosts, &nr, &err) < 0 ||
	    (limit && inventory_limit(inv, limit, &hosts, &nr, &err) < 0))
		buf_setf(&out, "ERR %s", err.buf);
	else
		for (i = 0; i < nr; i++)
			buf_addf(&out, "%s%s", i ? "," : "", hosts[i]->name);
	free(hosts);
	buf_release(&err);
	return buf_detach(&out, NULL);
}

static void check(struct inventory *inv, const char *pattern, const char *limit, const char *want)
{
	char *got = names(inv, pattern, limit);

	if (strcmp(got, want))
		fail_msg("pattern '%s' limit '%s': got '%s', want '%s'", pattern,
			 limit ? limit : "", got, want);
	free(got);
}

static int setup(void **state)
{
	struct buf err = BUF_INIT;
	struct inventory *inv = inventory_new();

	assert_int_equal(inventory_load(inv, FX "basic/hosts", &err), 0);
	inventory_finish(inv);
	buf_release(&err);
	*state = inv;
	return 0;
}

static int teardown(void **state)
{
	inventory_free(*state);
	return 0;
}

static void test_basic(void **state)
{
	struct inventory *inv = *state;

	check(inv, "db", NULL, "db-a");
	check(inv, "web:db", NULL, "web01.example.com,web02.example.com,web03.example.com,db-a,db-b,db-c");
	check(inv, "db,top1", NULL, "db-a,top1");
	check(inv, "web:&db", NULL, "db-a");
	check(inv, "web:!db", NULL, "web01.example.com,web02.example.com,web03.example.com,db-b,db-c");
	check(inv, "!db:web", NULL, "web01.example.com,web02.example.com,web03.example.com,db-b,db-c");
	check(inv, "db-*", NULL, "db-a,db-b,db-c");
	check(inv, "~web0[12]", NULL, "web01.example.com,web02.example.com");
	check(inv, "nothere", NULL, "");
	check(inv, "odd[1:]:web:!db", NULL, "h4,h7,web01.example.com,web02.example.com,web03.example.com,db-b,db-c");
	check(inv, "od*", NULL, "h1,h4,h7");
	check(inv, "all", NULL, "top1,h1,h4,h7,web01.example.com,web02.example.com,web03.example.com,db-a,db-b,db-c");
}

static void test_subscripts(void **state)
{
	struct inventory *inv = *state;

	check(inv, "odd[0]", NULL, "h1");
	check(inv, "odd[-1]", NULL, "h7");
	check(inv, "odd[1:2]", NULL, "h4,h7");
	check(inv, "odd[1:]", NULL, "h4,h7");
	check(inv, "odd[5]", NULL, "ERR No hosts matched the subscripted pattern 'odd[5]'");
}

static void test_limit_and_errors(void **state)
{
	struct inventory *inv = *state;
	char path[] = "/tmp/drover-limit-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "h1\nh7\n", 6), 6);
	close(fd);
	check(inv, "odd", "h4", "h4");
	check(inv, "odd", "!h4", "h1,h7");
	check(inv, "all", "", "top1,h1,h4,h7,web01.example.com,web02.example.com,web03.example.com,db-a,db-b,db-c");
	{
		char *lim = malloc(strlen(path) + 2);

		lim[0] = '@';
		memcpy(lim + 1, path, strlen(path) + 1);
		check(inv, "all", lim, "h1,h7");
		free(lim);
	}
	unlink(path);
	check(inv, "all", "@/nonexistent-limit", "ERR Unable to find limit file /nonexistent-limit");
	check(inv, "~web(", NULL, "ERR Invalid host list pattern: ~web(");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_subscripts),
		cmocka_unit_test(test_limit_and_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
