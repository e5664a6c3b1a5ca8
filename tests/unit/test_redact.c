/* Secrets out of command lines and results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "redact.h"
#include "banned.h"

static void expect_cmdline(int argc, const char **argv, const char *want)
{
	struct buf out = BUF_INIT;

	redact_cmdline(argc, (char *const *)argv, &out, NULL);
	if (strcmp(out.buf, want))
		fail_msg("got  %s\nwant %s", out.buf, want);
	buf_release(&out);
}

static void secret_names(void **state)
{
	(void)state;
	assert_true(redact_secret_name("password"));
	assert_true(redact_secret_name("ansible_become_pass"));
	assert_true(redact_secret_name("DB_PASSWD"));
	assert_true(redact_secret_name("api_token"));
	assert_true(redact_secret_name("client_secret"));
	assert_true(redact_secret_name("--vault-password"));
	assert_false(redact_secret_name("user"));
	assert_false(redact_secret_name("ansible_host"));
}

static void cmdline_extra_vars(void **state)
{
	const char *a1[] = { "adhoc", "all", "-e", "password=hunter22 user=bob", "-a", "echo hunter22" };
	const char *a2[] = { "play", "-e", "{\"db\": {\"token\": \"t0k3n\"}, \"x\": 1}", "-ehost=a" };
	const char *a3[] = { "play", "--extra-vars=api_key=abc123", "--extra-vars", "@vars.yml" };

	(void)state;
	expect_cmdline(6, a1, "adhoc all -e '{\"password\":\"********\",\"user\":\"bob\"}' -a "
			      "'echo ********'");
	expect_cmdline(4, a2, "play -e '{\"db\":{\"token\":\"********\"},\"x\":1}' -e host=a");
	expect_cmdline(4, a3, "play --extra-vars='{\"api_key\":\"********\"}' --extra-vars @vars.yml");
}

static void cmdline_options(void **state)
{
	const char *a1[] = { "play", "--vault-password", "s3cr3t!", "--become-password=pw99", "-k",
			     "--vault-password-file", "/etc/vp", "--ask-vault-pass", "site.yml" };

	(void)state;
	expect_cmdline(9, a1, "play --vault-password ******** --become-password=******** -k "
			      "--vault-password-file /etc/vp --ask-vault-pass site.yml");
}

static void results(void **state)
{
	struct strvec secrets = STRVEC_INIT;
	json_t *vars = json_pack("{s:s, s:{s:s}, s:s}", "ansible_password", "pw-1234", "app",
				 "db_secret", "dbsecret9", "user", "bob");
	json_t *res = json_pack("{s:s, s:b, s:[s]}", "stdout", "pw-1234 and dbsecret9 and bob",
				"changed", 1, "stdout_lines", "pw-1234");
	json_t *shown, *hidden;
	char *text;

	(void)state;
	redact_collect(vars, &secrets);
	assert_int_equal(secrets.nr, 2);
	shown = redact_result(res, 0, &secrets);
	text = json_dumps(shown, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"changed\":true,\"stdout\":\"******** and ******** and bob\","
				  "\"stdout_lines\":[\"********\"]}");
	free(text);
	hidden = redact_result(res, 1, &secrets);
	text = json_dumps(hidden, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"censored\":\"" REDACT_CENSORED "\",\"changed\":true}");
	free(text);
	json_decref(shown);
	json_decref(hidden);
	json_decref(vars);
	json_decref(res);
	strvec_clear(&secrets);
}

static void no_log_items(void **state)
{
	struct strvec secrets = STRVEC_INIT;
	json_t *res = json_pack("{s:b, s:[{s:s, s:b, s:s}, {s:s, s:b}]}", "changed", 0, "results",
				"item", "a", "_ansible_no_log", 1, "msg", "hidden",
				"item", "b", "changed", 1);
	json_t *shown = redact_result(res, 0, &secrets);
	char *text = json_dumps(shown, JSON_COMPACT | JSON_SORT_KEYS);

	(void)state;
	assert_string_equal(text, "{\"changed\":false,\"results\":[{\"censored\":\"" REDACT_CENSORED
				  "\"},{\"changed\":true,\"item\":\"b\"}]}");
	free(text);
	json_decref(shown);
	json_decref(res);
}

static void text(void **state)
{
	struct strvec secrets = STRVEC_INIT;
	char *out;

	(void)state;
	strvec_push(&secrets, "abc");
	strvec_push(&secrets, "xyz1");
	out = redact_text("abcabc-xyz1-ab", &secrets);
	assert_string_equal(out, "****************-********-ab");
	free(out);
	strvec_clear(&secrets);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secret_names),
		cmocka_unit_test(cmdline_extra_vars),
		cmocka_unit_test(cmdline_options),
		cmocka_unit_test(results),
		cmocka_unit_test(no_log_items),
		cmocka_unit_test(text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
