#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ssh.h"
#include "xalloc.h"
#include "banned.h"

struct fixture {
	struct ssh_opts o;
	struct buf warnings, err;
	char path[64];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	ssh_opts_init(&f->o);
	buf_init(&f->warnings, 0);
	buf_init(&f->err, 0);
	snprintf(f->path, sizeof(f->path), "/tmp/test_ssh_opts.XXXXXX");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ssh_opts_release(&f->o);
	buf_release(&f->warnings);
	buf_release(&f->err);
	if (strcmp(f->path + strlen(f->path) - 6, "XXXXXX"))
		unlink(f->path);
	free(f);
	return 0;
}

static void write_config(struct fixture *f, const char *text)
{
	int fd = mkstemp(f->path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int args(struct fixture *f, const char *a)
{
	return ssh_opts_apply_args(&f->o, a, &f->warnings, &f->err);
}

static int config(struct fixture *f, const char *alias)
{
	return ssh_opts_apply_config_warn(&f->o, f->path, alias, &f->warnings, &f->err);
}

static void test_args_forms(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(args(f, "-o Port=2222 -oUser=bob -o 'ConnectTimeout 7' "
				 "-o \"StrictHostKeyChecking accept-new\" -i ~/k1 -ik2"),
			 0);
	assert_int_equal(f->o.port, 2222);
	assert_string_equal(f->o.user, "bob");
	assert_int_equal(f->o.connect_timeout, 7);
	assert_int_equal(f->o.policy, HOSTKEY_ACCEPT_NEW);
	assert_int_equal(f->o.identity_files.nr, 2);
	assert_string_equal(f->o.identity_files.v[0], "~/k1");
	assert_string_equal(f->o.identity_files.v[1], "k2");
	assert_int_equal(f->warnings.len, 0);
}

static void test_args_quoting(void **state)
{
	struct fixture *f = *state;

	/* As in ssh(1), the -o value is split again: a path with blanks needs inner quotes. */
	assert_int_equal(args(f, "-o 'GlobalKnownHostsFile=/tmp/a b' "
				 "-o UserKnownHostsFile='\"/tmp/c d\"'\\ e -l it\\'s"),
			 0);
	assert_string_equal(f->o.global_known_hosts, "/tmp/a");
	assert_string_equal(f->o.known_hosts, "/tmp/c d");
	assert_string_equal(f->o.user, "it's");
	assert_int_equal(args(f, "-o 'Port=1"), -1);
	assert_non_null(strstr(f->err.buf, "unbalanced"));
}

static void test_args_first_wins(void **state)
{
	struct fixture *f = *state;

	f->o.user = xstrdup("inventory");
	f->o.set_user = 1;
	assert_int_equal(args(f, "-l cli -p 1 -o Port=2 -o user=other -o StrictHostKeyChecking=no "
				 "-o StrictHostKeyChecking=yes -o UserKnownHostsFile='/k1 /k2' "
				 "-o UserKnownHostsFile=/k3"),
			 0);
	assert_string_equal(f->o.user, "inventory");
	assert_int_equal(f->o.port, 1);
	assert_int_equal(f->o.policy, HOSTKEY_NO);
	assert_string_equal(f->o.known_hosts, "/k1");
}

static void test_args_policy_values(void **state)
{
	struct fixture *f = *state;
	enum hostkey_policy p;

	assert_int_equal(ssh_opts_parse_policy("ask", &p), 0);
	assert_int_equal(p, HOSTKEY_STRICT);
	assert_int_equal(ssh_opts_parse_policy("off", &p), 0);
	assert_int_equal(p, HOSTKEY_NO);
	assert_int_equal(ssh_opts_parse_policy("maybe", &p), -1);
	assert_int_equal(args(f, "-o StrictHostKeyChecking=maybe"), -1);
	assert_non_null(strstr(f->err.buf, "maybe"));
	assert_int_equal(args(f, "-p 99999"), -1);
	assert_int_equal(args(f, "-o ServerAliveInterval=1m -o ServerAliveCountMax=3"), 0);
	assert_int_equal(f->o.keepalive_interval, 60);
}

static void test_args_warnings(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(args(f, "-C -o ControlMaster=auto -o ControlPersist=60s "
				 "-o ProxyJump=bastion -F /dev/null -tt"),
			 0);
	assert_non_null(strstr(f->warnings.buf, "ssh option 'ProxyJump' is not supported by drover "
						"and is ignored"));
	assert_non_null(strstr(f->warnings.buf, "'-C'"));
	assert_non_null(strstr(f->warnings.buf, "'-F'"));
	assert_non_null(strstr(f->warnings.buf, "'-t'"));
	assert_null(strstr(f->warnings.buf, "Control"));
	assert_int_equal(args(f, "-o Host=x"), -1);
	assert_int_equal(args(f, "-p"), -1);
	assert_non_null(strstr(f->err.buf, "needs an argument"));
}

static void test_config_host_patterns(void **state)
{
	struct fixture *f = *state;

	write_config(f, "# comment\n"
			"Host web* !web-admin\n"
			"  User webuser\n"
			"  Port=2201\n"
			"Host db?.example.com\n"
			"  User dbuser\n"
			"Host *\n"
			"  User fallback\n"
			"  Port 22\n");
	assert_int_equal(config(f, "web1"), 0);
	assert_string_equal(f->o.user, "webuser");
	assert_int_equal(f->o.port, 2201);
	assert_string_equal(f->o.host, "web1");
	ssh_opts_release(&f->o);
	assert_int_equal(config(f, "web-admin"), 0);
	assert_string_equal(f->o.user, "fallback");
	ssh_opts_release(&f->o);
	assert_int_equal(config(f, "DB1.example.com"), 0);
	assert_string_equal(f->o.user, "dbuser");
	ssh_opts_release(&f->o);
	assert_int_equal(config(f, "db12.example.com"), 0);
	assert_string_equal(f->o.user, "fallback");
}

static void test_config_tokens(void **state)
{
	struct fixture *f = *state;
	char *want;

	write_config(f, "Host alias\n"
			"  HostName %h.example.com\n"
			"  IdentityFile ~/.ssh/%h_%r\n"
			"  IdentityFile \"/keys/%u key\"\n"
			"  User deploy\n"
			"  IdentitiesOnly yes\n"
			"  UserKnownHostsFile %d/kh\n"
			"  StrictHostKeyChecking accept-new\n"
			"  ConnectTimeout 3\n");
	assert_int_equal(config(f, "alias"), 0);
	assert_string_equal(f->o.host, "alias.example.com");
	assert_int_equal(f->o.identities_only, 1);
	assert_int_equal(f->o.connect_timeout, 3);
	assert_int_equal(f->o.policy, HOSTKEY_ACCEPT_NEW);
	setenv("HOME", "/home/t", 1);
	ssh_opts_finish(&f->o);
	assert_string_equal(f->o.identity_files.v[0], "/home/t/.ssh/alias.example.com_deploy");
	want = xasprintf("/keys/%s key", getpwuid(getuid())->pw_name);
	assert_string_equal(f->o.identity_files.v[1], want);
	free(want);
	assert_string_equal(f->o.known_hosts, "/home/t/kh");
	assert_int_equal(f->o.port, 22);
}

static void test_config_errors(void **state)
{
	struct fixture *f = *state;

	write_config(f, "Host x\n"
			"  Port 22\n"
			"  Port banana\n");
	assert_int_equal(config(f, "x"), -1);
	assert_non_null(strstr(f->err.buf, ":3: invalid port 'banana'"));
	assert_non_null(strstr(f->err.buf, f->path));
}

static void test_config_warnings(void **state)
{
	struct fixture *f = *state;

	write_config(f, "Include ~/.ssh/config.d/*\n"
			"Match host x\n"
			"  User matched\n"
			"Host other\n"
			"  ForwardAgent yes\n"
			"Host *\n"
			"  AddKeysToAgent yes\n"
			"  IdentityFile /a%z\n");
	assert_int_equal(config(f, "x"), -1);
	assert_non_null(strstr(f->err.buf, ":8: unknown token %z"));
	assert_non_null(strstr(f->warnings.buf, ":1: Include is not supported"));
	assert_non_null(strstr(f->warnings.buf, ":2: Match blocks"));
	assert_non_null(strstr(f->warnings.buf, ":7: ssh option 'AddKeysToAgent'"));
	assert_null(strstr(f->warnings.buf, "ForwardAgent"));
	assert_null(f->o.user);
}

static void test_config_missing_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ssh_opts_apply_config(&f->o, "/nonexistent/ssh_config", "h", &f->err), 0);
	assert_string_equal(f->o.host, "h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_args_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_first_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_policy_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_host_patterns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_missing_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
