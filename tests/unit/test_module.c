/* Module descriptors, argument checking, the args stream, lossy JSON, output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"
#include "jsonutil.h"
#include "kv.h"
#include "module.h"
#include "output.h"
#include "strvec.h"
#include "banned.h"

static json_t *checked(const char *module, const char *args, struct buf *err)
{
	const struct module *m = module_find(module);
	json_t *parsed, *out;

	assert_non_null(m);
	parsed = kv_parse(args, m->free_form, err);
	assert_non_null(parsed);
	out = module_check_args(m, parsed, err);
	json_decref(parsed);
	return out;
}

static void finds_fqcn(void **state)
{
	(void)state;
	assert_ptr_equal(module_find("ansible.builtin.command"), module_find("command"));
	assert_ptr_equal(module_find("ansible.legacy.shell"), module_find("shell"));
	assert_null(module_find("nosuch"));
	assert_null(module_find("ansible.builtin."));
}

static void unsupported_option(void **state)
{
	struct buf err = BUF_INIT;

	(void)state;
	assert_null(checked("ping", "foo=1", &err));
	assert_string_equal(err.buf, "Unsupported parameters for (ping) module: foo. "
				     "Supported parameters include: data.");
	buf_release(&err);
}

static void defaults_and_types(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("command", "chdir=/tmp stdin_add_newline=no echo 'x y'", &err);

	(void)state;
	assert_non_null(a);
	assert_true(json_is_false(json_object_get(a, "stdin_add_newline")));
	assert_true(json_is_true(json_object_get(a, "strip_empty_ends")));
	assert_string_equal(json_string_value(json_object_get(a, "chdir")), "/tmp");
	assert_int_equal(json_array_size(json_object_get(a, "_drover_argv")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "_drover_argv"), 1)),
			    "x y");
	json_decref(a);
	assert_null(checked("command", "stdin_add_newline=maybe ls", &err));
	assert_non_null(strstr(err.buf, "stdin_add_newline"));
	buf_release(&err);
}

static void shell_keeps_line(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("shell", "echo $HOME | wc -c", &err);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(a, "_drover_cmd")), "echo $HOME | wc -c");
	assert_true(json_is_true(json_object_get(a, "_uses_shell")));
	json_decref(a);
	buf_release(&err);
}

static void stdin_travels_as_data(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("command", "stdin=hello cat", &err);

	(void)state;
	assert_null(json_object_get(a, "stdin"));
	assert_string_equal(json_string_value(json_object_get(a, "_drover_stdin")), "hello\n");
	json_decref(a);
	buf_release(&err);
}

static void encode_counts_lines(void **state)
{
	json_t *args = json_pack("{s:s, s:[s,s]}", "msg", "two\nlines 'q'", "l", "a", "b");
	struct buf out = BUF_INIT;

	(void)state;
	module_encode_args(args, "MARK", &out);
	assert_string_equal(out.buf, "6\nmsg='two\nlines '\\''q'\\'''\nl_0='a'\nl_1='b'\nl_n=2\n"
				     "_drover_marker='MARK'\n");
	json_decref(args);
	buf_release(&out);
}

static void payload_is_stable(void **state)
{
	struct module_payload a, b;

	(void)state;
	module_payload_build(module_find("command"), &a);
	module_payload_build(module_find("shell"), &b);
	assert_string_equal(a.sha256, b.sha256);
	assert_int_equal(strlen(a.sha256), 64);
	assert_true(!strncmp(a.text.buf, "#!/bin/sh\n", 10));
	module_payload_release(&a);
	module_payload_release(&b);
}

static void lossy_utf8(void **state)
{
	json_t *s = json_string_lossy("ok\xff\xc3\xa9\0z", 7);
	json_t *lines = json_lines("a\r\nb\n\nc", 7);

	(void)state;
	assert_int_equal(json_string_length(s), 2 + 3 + 2 + 2);
	assert_memory_equal(json_string_value(s), "ok\xef\xbf\xbd\xc3\xa9\0z", 9);
	assert_int_equal(json_array_size(lines), 4);
	assert_string_equal(json_string_value(json_array_get(lines, 2)), "");
	json_decref(s);
	json_decref(lines);
}

static char *render(json_t *result, const char *status, int no_json, int one_line)
{
	struct output o;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	output_init(&o, fp, 0, one_line);
	o.color = 0;
	output_adhoc_result(&o, "web1", no_json, status, result);
	fclose(fp);
	return text;
}

static void adhoc_lines(void **state)
{
	json_t *cmd = json_pack("{s:b, s:i, s:s, s:s, s:s}", "changed", 1, "rc", 0, "stdout", "a\nb",
				"stderr", "", "msg", "");
	json_t *ping = json_pack("{s:b, s:s, s:s}", "changed", 0, "ping", "pong", "_drover_x", "hidden");
	char *t;

	(void)state;
	t = render(cmd, "ok", 1, 0);
	assert_string_equal(t, "web1 | CHANGED | rc=0 >>\na\nb\n");
	free(t);
	t = render(cmd, "ok", 1, 1);
	assert_string_equal(t, "web1 | CHANGED | rc=0 | (stdout) a\\nb\n");
	free(t);
	t = render(ping, "ok", 0, 0);
	assert_string_equal(t, "web1 | SUCCESS => {\n    \"changed\": false,\n    \"ping\": \"pong\"\n}\n");
	free(t);
	t = render(ping, "ok", 0, 1);
	assert_string_equal(t, "web1 | SUCCESS => {\"changed\": false,\"ping\": \"pong\"}\n");
	free(t);
	json_decref(cmd);
	json_decref(ping);
}

static void list_splits_on_commas(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a = checked("setup", "gather_subset=!all,network", &err), *l;

	(void)state;
	assert_non_null(a);
	l = json_object_get(a, "gather_subset");
	assert_int_equal(json_array_size(l), 2);
	assert_string_equal(json_string_value(json_array_get(l, 0)), "!all");
	assert_string_equal(json_string_value(json_array_get(l, 1)), "network");
	json_decref(a);
	buf_release(&err);
}

/* YAML's status_code: 200 reaches a list option as a number: a list of its text, as Ansible. */
static void number_is_one_item_list(void **state)
{
	struct buf err = BUF_INIT;
	json_t *in = json_pack("{s:s, s:i}", "url", "http://x/", "status_code", 200), *a, *l;

	(void)state;
	a = module_check_args(module_find("uri"), in, &err);
	assert_non_null(a);
	l = json_object_get(a, "status_code");
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(json_string_value(json_array_get(l, 0)), "200");
	json_decref(a);
	json_decref(in);
	buf_release(&err);
}

static void doc_from_header(void **state)
{
	struct module_doc doc;
	struct strvec names = STRVEC_INIT;
	size_t i, found = 0;

	(void)state;
	assert_int_equal(module_doc_load("ansible.builtin.ping", &doc), 0);
	assert_string_equal(doc.name, "ping");
	assert_string_equal(doc.short_desc, "Check that drover can log in and run a module on the host");
	assert_int_equal(doc.nr_options, 1);
	assert_string_equal(doc.options[0].def, "pong");
	assert_non_null(strstr(doc.options[0].text, "field; the text \"crash\" makes"));
	assert_int_equal(doc.nr_examples, 1);
	module_doc_release(&doc);
	assert_int_equal(module_doc_load("uri", &doc), 0);
	for (i = 0; i < doc.nr_options; i++)
		if (!strcmp(doc.options[i].name, "url"))
			found = doc.options[i].required && doc.options[i].type == OPT_STR;
	assert_true(found);
	module_doc_release(&doc);
	assert_int_equal(module_doc_load("nosuch", &doc), -1);
	module_list(&names);
	assert_true(names.nr > 10);
	for (i = 1; i < names.nr; i++)
		assert_true(strcmp(names.v[i - 1], names.v[i]) < 0);
	strvec_clear(&names);
}

static void script_reads_controller_file(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a;

	(void)state;
	assert_null(checked("script", "/nonexistent/x.sh a b", &err));
	assert_non_null(strstr(err.buf, "Could not find or access '/nonexistent/x.sh'"));
	a = checked("script", "/dev/null 'a b' c creates=/x", &err);
	assert_null(a); /* not a regular file */
	a = checked("script", "/etc/passwd 'a b' $HOME creates=/x", &err);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(a, "_drover_script_args")), "'a b' $HOME");
	assert_string_equal(json_string_value(json_object_get(a, "creates")), "/x");
	assert_true(json_string_length(json_object_get(a, "_drover_data_b64")) > 10);
	json_decref(a);
	buf_release(&err);
}

static void aliases_choices_and_int_mode(void **state)
{
	struct buf err = BUF_INIT;
	json_t *in, *a;

	(void)state;
	a = checked("file", "dest=/tmp/x state=touch", &err);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(a, "path")), "/tmp/x");
	json_decref(a);
	assert_null(checked("file", "path=/x state=bogus", &err));
	assert_string_equal(err.buf, "value of state must be one of: absent, directory, file, "
				     "hard, link, touch, got: bogus");
	assert_null(checked("file", "pth=/x", &err));
	assert_string_equal(err.buf, "Unsupported parameters for (file) module: pth. Supported "
				     "parameters include: follow, force, group, mode, owner, path, "
				     "recurse, src, state (dest, name).");
	/* YAML's mode: 644 is the number 644, which Ansible applies as 0o1204 */
	in = json_pack("{s:s, s:i}", "path", "/x", "mode", 644);
	a = module_check_args(module_find("file"), in, &err);
	assert_string_equal(json_string_value(json_object_get(a, "mode")), "1204");
	json_decref(a);
	json_decref(in);
	buf_release(&err);
}

static void copy_reads_content(void **state)
{
	struct buf err = BUF_INIT;
	json_t *a;

	(void)state;
	a = checked("copy", "content=abc dest=/x", &err);
	assert_non_null(a);
	assert_string_equal(json_string_value(json_object_get(a, "_drover_data_b64")), "YWJj");
	assert_string_equal(json_string_value(json_object_get(a, "_drover_src_sha1")),
			    "a9993e364706816aba3e25717850c26c9cd0d89d");
	json_decref(a);
	assert_null(checked("copy", "content=abc src=x dest=/x", &err));
	assert_string_equal(err.buf, "src and content are mutually exclusive");
	buf_release(&err);
}

static void diff_as_difflib(void **state)
{
	struct buf out = BUF_INIT;
	json_t *d;

	(void)state;
	d = json_pack("{s:s, s:s, s:s, s:s}", "before", "a\nb\nc\nd\ne\nf\ng\nh\ni\n", "after",
		      "a\nB\nc\nd\ne\nf\ng\nh\nI", "before_header", "f", "after_header", "f");
	diff_render(d, &out);
	/* as Python's difflib.unified_diff: six equal lines do not split the hunk */
	assert_string_equal(out.buf, "--- before: f\n+++ after: f\n@@ -1,9 +1,9 @@\n a\n-b\n+B\n c\n"
				     " d\n e\n f\n g\n h\n-i\n+I\n"
				     "\\ No newline at end of file\n\n");
	json_decref(d);
	buf_reset(&out);
	d = json_pack("{s:{s:s}, s:{s:s}}", "before", "path", "/x", "after", "path", "/x");
	diff_render(d, &out);
	assert_string_equal(out.buf, "");
	json_decref(d);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_fqcn),
		cmocka_unit_test(aliases_choices_and_int_mode),
		cmocka_unit_test(copy_reads_content),
		cmocka_unit_test(diff_as_difflib),
		cmocka_unit_test(unsupported_option),
		cmocka_unit_test(defaults_and_types),
		cmocka_unit_test(shell_keeps_line),
		cmocka_unit_test(stdin_travels_as_data),
		cmocka_unit_test(encode_counts_lines),
		cmocka_unit_test(payload_is_stable),
		cmocka_unit_test(lossy_utf8),
		cmocka_unit_test(adhoc_lines),
		cmocka_unit_test(list_splits_on_commas),
		cmocka_unit_test(number_is_one_item_list),
		cmocka_unit_test(doc_from_header),
		cmocka_unit_test(script_reads_controller_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
