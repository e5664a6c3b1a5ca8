/* become's dialogue: prompts answered once, success markers, Ansible's failure words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "become.h"
#include "banned.h"

/*
 * b points into *v's strings: *v lives until the next init or the test's
 * end. can_pty: as over SSH (su with a password gets a terminal).
 */
static int init_on(struct become *b, json_t **v, const char *json, int can_pty)
{
	struct buf err = BUF_INIT;
	int r;

	json_decref(*v);
	*v = json_loads(json, 0, NULL);
	r = become_init(b, *v, 10, can_pty, &err);
	buf_release(&err);
	return r;
}

static int init(struct become *b, json_t **v, const char *json)
{
	return init_on(b, v, json, 0);
}

/* The command become_wrap makes for json, in cmd (reset first). */
static void wrap(struct buf *cmd, json_t **v, const char *json)
{
	struct become b;

	init(&b, v, json);
	buf_reset(cmd);
	become_wrap(&b, cmd);
}

static int step(struct become *b, struct ssh_exec_result *res, struct buf *send)
{
	return b->gate.step(&b->gate, res, send);
}

static void sudo_without_password_needs_no_gate(void **state)
{
	struct become b;
	json_t *v = NULL;

	(void)state;
	assert_int_equal(init(&b, &v, "{\"user\": \"root\"}"), 0);
	assert_int_equal(init(&b, &v, "{\"user\": \"x\", \"method\": \"doas\"}"), -1);
	assert_int_equal(init(&b, &v, "{\"user\": \"x\", \"method\": \"su\"}"), 1);
	json_decref(v);
}

static void sudo_prompt_answered_once_then_opens(void **state)
{
	struct ssh_exec_result res;
	struct buf send = BUF_INIT;
	struct become b;
	json_t *v = NULL;
	char *msg;

	(void)state;
	assert_int_equal(init(&b, &v, "{\"user\": \"root\", \"password\": \"pw1\"}"), 1);
	ssh_exec_result_init(&res);
	buf_addf(&res.errb, "4242\n%s", b.prompt);
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT);
	assert_string_equal(send.buf, "pw1\n");
	assert_string_equal(res.errb.buf, "4242\n"); /* the prompt is taken out */
	buf_addf(&res.out, "%s\nmodule output", b.success);
	assert_int_equal(step(&b, &res, &send), SSH_GATE_OPEN);
	assert_string_equal(res.out.buf, "module output");
	assert_null(become_failure(&b));
	/* a second prompt after the password: wrong password */
	assert_int_equal(init(&b, &v, "{\"user\": \"root\", \"password\": \"pw1\"}"), 1);
	buf_reset(&res.errb);
	buf_addstr(&res.errb, b.prompt);
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT);
	buf_addf(&res.errb, "Sorry, try again.\n%s", b.prompt);
	assert_int_equal(step(&b, &res, &send), SSH_GATE_SHUT);
	msg = become_failure(&b);
	assert_string_equal(msg, "Incorrect sudo password");
	free(msg);
	ssh_exec_result_release(&res);
	buf_release(&send);
	json_decref(v);
}

static void su_prompt_in_any_language(void **state)
{
	struct ssh_exec_result res;
	struct buf send = BUF_INIT;
	struct become b;
	json_t *v = NULL;
	char *msg;

	(void)state;
	init(&b, &v, "{\"user\": \"bob\", \"method\": \"su\"}");
	ssh_exec_result_init(&res);
	buf_addstr(&res.errb, "77\nsu: a warning\n");
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT);
	buf_addstr(&res.errb, "Passwort: ");
	assert_int_equal(step(&b, &res, &send), SSH_GATE_SHUT);
	msg = become_failure(&b);
	assert_string_equal(msg, "Missing su password");
	free(msg);
	assert_int_equal(send.len, 0);
	/* with a password, su giving up after it is a wrong one */
	init(&b, &v, "{\"user\": \"bob\", \"method\": \"su\", \"password\": \"x1y\"}");
	buf_reset(&res.errb);
	buf_addstr(&res.errb, "Password: ");
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT);
	assert_string_equal(send.buf, "x1y\n");
	msg = become_failure(&b);
	assert_string_equal(msg, "Incorrect su password");
	free(msg);
	ssh_exec_result_release(&res);
	buf_release(&send);
	json_decref(v);
}

static void wrap_keeps_the_password_out(void **state)
{
	struct buf cmd = BUF_INIT;
	struct become b;
	json_t *v = NULL;

	(void)state;
	init(&b, &v, "{\"user\": \"bob\", \"method\": \"su\", \"password\": \"s3cr3t\"}");
	become_wrap(&b, &cmd);
	assert_true(!strncmp(cmd.buf, "su 'bob' -c '", 13));
	assert_non_null(strstr(cmd.buf, "' -- "));
	assert_null(strstr(cmd.buf, "s3cr3t"));
	buf_reset(&cmd);
	init(&b, &v, "{\"user\": \"root\", \"password\": \"s3cr3t\"}");
	become_wrap(&b, &cmd);
	assert_true(!strncmp(cmd.buf, "sudo -H -S -p '[drover-become-", 30));
	assert_null(strstr(cmd.buf, "s3cr3t"));
	buf_release(&cmd);
	json_decref(v);
}

static void flags_and_exe_replace_the_defaults(void **state)
{
	struct buf cmd = BUF_INIT;
	json_t *v = NULL;

	(void)state;
	wrap(&cmd, &v, "{\"user\": \"root\"}");
	assert_string_equal(cmd.buf, "sudo -H -S -n -u 'root' -- ");
	wrap(&cmd, &v, "{\"user\": \"app\", \"flags\": \"-E -n\", \"exe\": \"/opt/sudo\"}");
	assert_string_equal(cmd.buf, "/opt/sudo -E -n -u 'app' -- ");
	wrap(&cmd, &v, "{\"user\": \"root\", \"flags\": \"\"}");
	assert_string_equal(cmd.buf, "sudo  -u 'root' -- ");
	/* with a password: -n goes, even in a cluster; -S is added if missing */
	wrap(&cmd, &v, "{\"user\": \"root\", \"password\": \"p\", \"flags\": \"-Hn -E\"}");
	assert_true(!strncmp(cmd.buf, "sudo -H -E -S -p '[drover-become-", 33));
	wrap(&cmd, &v,
	     "{\"user\": \"root\", \"password\": \"p\", \"flags\": \"-n  -iS --non-interactive\"}");
	assert_true(!strncmp(cmd.buf, "sudo -iS -p '", 13));
	wrap(&cmd, &v, "{\"user\": \"root\", \"password\": \"p\", \"flags\": \"--stdin -u x\"}");
	assert_true(!strncmp(cmd.buf, "sudo --stdin -u x -p '", 22));
	wrap(&cmd, &v,
	     "{\"user\": \"bob\", \"method\": \"su\", \"flags\": \"-l\", \"exe\": \"ksu\"}");
	assert_true(!strncmp(cmd.buf, "ksu -l 'bob' -c 'echo DROVER-BECOME-OK-", 39));
	buf_release(&cmd);
	json_decref(v);
}

/*
 * su with a password on a terminal: the dialogue shows in stdout; what came
 * before the success line goes to stderr (no CR, no empty line, never the
 * password), the input is framed by length, and sudo never gets a terminal.
 */
static void su_on_a_terminal(void **state)
{
	struct ssh_exec_result res;
	struct buf send = BUF_INIT, cmd = BUF_INIT;
	struct become b;
	json_t *v = NULL;

	(void)state;
	init_on(&b, &v, "{\"user\": \"root\", \"password\": \"p\"}", 1);
	assert_false(b.gate.pty);
	init_on(&b, &v, "{\"user\": \"bob\", \"method\": \"su\"}", 1);
	assert_false(b.gate.pty);
	init_on(&b, &v, "{\"user\": \"bob\", \"method\": \"su\", \"password\": \"pw9\"}", 1);
	assert_true(b.gate.pty);
	b.stdin_len = 123;
	become_wrap(&b, &cmd);
	assert_non_null(strstr(cmd.buf, "; head -c 123 | \"$0\" \"$@\"' -- "));
	ssh_exec_result_init(&res);
	buf_addstr(&res.out, "4242\r\nPassword: ");
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT);
	assert_string_equal(send.buf, "pw9\n");
	buf_addf(&res.out, "pw9\r\n\r\n%s\r", b.success);
	assert_int_equal(step(&b, &res, &send), SSH_GATE_WAIT); /* the line is not whole yet */
	buf_addstr(&res.out, "\n{\"ok\": 1}");
	assert_int_equal(step(&b, &res, &send), SSH_GATE_OPEN);
	assert_string_equal(res.out.buf, "{\"ok\": 1}");
	assert_string_equal(res.errb.buf, "4242\n");
	ssh_exec_result_release(&res);
	buf_release(&send);
	buf_release(&cmd);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sudo_without_password_needs_no_gate),
		cmocka_unit_test(sudo_prompt_answered_once_then_opens),
		cmocka_unit_test(su_prompt_in_any_language),
		cmocka_unit_test(wrap_keeps_the_password_out),
		cmocka_unit_test(flags_and_exe_replace_the_defaults),
		cmocka_unit_test(su_on_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
