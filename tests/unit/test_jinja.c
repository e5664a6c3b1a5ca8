/* The template engine: statements, whitespace, expressions, undefined, typing, lazy variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "jinja.h"
#include "banned.h"

static const char VARS[] =
	"{\"i\": 5, \"f\": 1.5, \"b\": true, \"n\": null, \"s\": \"hello\", \"l\": [1, 2],"
	" \"d\": {\"a\": 1, \"b\": {\"c\": \"deep\"}}, \"ns\": \"5\", \"strlist\": \"[1, 2]\","
	" \"words\": [\"a\", \"b\", \"c\"], \"empty\": [], \"t\": \"{{ i + 1 }}\","
	" \"tt\": \"{{ t }}!\", \"tl\": [\"{{ s }}\", \"{{ i }}\"], \"loop1\": \"{{ loop2 }}\","
	" \"loop2\": \"{{ loop1 }}\", \"self\": \"{{ self }}\", \"tdict\": \"{{ d }}\","
	" \"bad\": \"{{ nosuch }}\", \"users\": [{\"name\": \"ann\", \"uid\": 1},"
	" {\"name\": \"bob\", \"uid\": 2}], \"expr\": \"i > 3\", \"fstr\": \"False\","
	" \"hv\": {\"h1\": {\"x\": \"{{ s }}\", \"broken\": \"{{ nosuch }}\"}}}";

static int setup(void **state)
{
	json_t *vars = json_loads(VARS, 0, NULL);

	assert_non_null(vars);
	*state = vars;
	return 0;
}

static int teardown(void **state)
{
	json_decref(*state);
	return 0;
}

static struct jinja_ctx ctx_of(void **state)
{
	struct jinja_ctx ctx = {.vars = *state};

	return ctx;
}

static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
}

/* jinja_render(tmpl) must give the JSON want. */
static void render_is(void **state, const char *tmpl, const char *want)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;
	json_t *v = jinja_render(&ctx, tmpl, &err);
	char *got;

	if (!v)
		fail_msg("%s: error %s", tmpl, err.buf);
	got = dump(v);
	if (strcmp(got, want))
		fail_msg("%s: got %s, want %s", tmpl, got, want);
	free(got);
	json_decref(v);
	buf_release(&err);
}

/* jinja_render(tmpl) must be the string want. */
static void render_str(void **state, const char *tmpl, const char *want)
{
	json_t *w = json_string(want);
	char *d = dump(w);

	render_is(state, tmpl, d);
	free(d);
	json_decref(w);
}

static void text_is(void **state, const char *tmpl, const char *want)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT, out = BUF_INIT;

	if (jinja_render_text(&ctx, tmpl, &out, &err))
		fail_msg("%s: error %s", tmpl, err.buf);
	if (strcmp(out.buf, want))
		fail_msg("%s: got [%s], want [%s]", tmpl, out.buf, want);
	buf_release(&out);
	buf_release(&err);
}

/* jinja_render(tmpl) must fail with an error holding want. */
static void render_fails(void **state, const char *tmpl, const char *want)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;
	json_t *v = jinja_render(&ctx, tmpl, &err);

	if (v) {
		char *got = dump(v);

		fail_msg("%s: rendered %s, want error %s", tmpl, got, want);
	}
	if (!strstr(err.buf, want))
		fail_msg("%s: error [%s] lacks [%s]", tmpl, err.buf, want);
	buf_release(&err);
}

static void typing_as_ansible(void **state)
{
	render_is(state, "{{ i }}", "5");
	render_is(state, "{{i}}", "5");
	render_is(state, "{{ f }}", "1.5");
	render_is(state, "{{ b }}", "true");
	render_is(state, "{{ n }}", "null");
	render_is(state, "{{ 1 + 1 }}", "\"2\"");
	render_is(state, "{{ l }}", "[1,2]");
	render_is(state, "{{ d }}", "{\"a\":1,\"b\":{\"c\":\"deep\"}}");
	render_is(state, "{{ ns }}", "\"5\"");
	render_is(state, "{{ i }} ", "\"5 \"");
	render_is(state, "x{{ b }}", "\"xTrue\"");
	render_is(state, "{{ 'True' }}", "true");
	render_is(state, "{{ '[1,2]' }}", "[1,2]");
	render_is(state, "{{ strlist }}", "[1,2]");
	render_is(state, "{{ 1.0 }}", "\"1.0\"");
	render_is(state, "{{ none }}", "\"\"");
	render_is(state, "{{ i }}{{ i }}", "\"55\"");
	render_is(state, " {{ l }}", "\" [1, 2]\"");
	render_is(state, "{{ 'None' }}", "\"None\"");
	render_is(state, "{{ '{\"a\": 1}' }}", "{\"a\":1}");
	render_is(state, "{{ i > 1 }}", "true");
	render_is(state, "{{ f * 2 }}", "\"3.0\"");
	render_is(state, "{{ n }}x", "\"x\"");
	render_is(state, "x{{ n }}y{{ [n] }}", "\"xy[None]\"");
	render_is(state, "{{ '[1, oops' }}", "\"[1, oops\"");
	render_is(state, "{{ ' [1]' }}", "\" [1]\"");
	render_is(state, "{{ '(1,2)' }}", "\"(1,2)\"");
	render_is(state, "{{ '-5' }}", "\"-5\"");
	render_is(state, "{{ [1,'a',none,true,1.0,{'k':'v'}] }}",
		  "[1,\"a\",null,true,1.0,{\"k\":\"v\"}]");
	render_is(state, "{{ l }}\n", "[1,2]");
	render_is(state, "{{ s }}\n", "\"hello\\n\"");
	render_is(state, "{{ i }}\n", "5");
	render_is(state, "plain text", "\"plain text\"");
	render_is(state, "a\n\n", "\"a\\n\\n\"");
}

static void statements(void **state)
{
	render_str(state, "{% if i > 3 %}big{% elif i > 1 %}mid{% else %}small{% endif %}", "big");
	render_str(state, "{% if i > 9 %}big{% elif i > 1 %}mid{% else %}small{% endif %}", "mid");
	render_str(state, "{% if i > 9 %}big{% elif i > 7 %}mid{% else %}small{% endif %}",
		   "small");
	render_str(state, "{% if empty %}x{% endif %}", "");
	render_str(state,
		   "{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}"
		   "{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}{% "
		   "endfor %}",
		   "10TrueFalse22121FalseTrue210");
	render_str(state, "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
		   "a=1;b={'c': 'deep'};");
	render_str(state, "{% for x in [] %}a{% else %}empty{% endfor %}", "empty");
	render_str(state, "{% for x in words if x != 'b' %}{{ x }}{{ loop.length }}{% endfor %}",
		   "a2c2");
	render_str(state, "{% for u in users %}{{ u.name }}:{{ u['uid'] }} {% endfor %}",
		   "ann:1 bob:2 ");
	render_str(state, "{% for c in 'ab' %}[{{ c }}]{% endfor %}", "[a][b]");
	render_str(state, "{% for k in d %}{{ k }}{% endfor %}", "ab");
	render_str(state,
		   "{% for x in l %}{% for y in l %}{{ x * y }}{{ loop.index }}{% endfor %}"
		   "{{ loop.index }},{% endfor %}",
		   "11221,21422,");
	render_str(state, "{% for x in words %}{{ loop.cycle('o', 'e') }}{% endfor %}", "oeo");
	render_str(state, "{% set y = i * 2 %}{{ y }}", "10");
	render_str(state, "{% set a, c = [1, 2] %}{{ a }}{{ c }}", "12");
	render_str(state, "{% set x = 1 %}{% for i in l %}{% set x = i %}{% endfor %}{{ x }}", "1");
	render_str(state,
		   "{% set ns = namespace(found=false) %}{% for x in l %}{% if x == 2 %}"
		   "{% set ns.found = true %}{% endif %}{% endfor %}x{{ ns.found }}",
		   "xTrue");
	render_str(state, "{% set blk %}a{{ i }}b{% endset %}[{{ blk }}]", "[a5b]");
	render_str(state, "{% with a = i, c = 2 %}{{ a * c }}{% endwith %}", "10");
	render_str(state, "{% filter upper | replace('L', '_') %}hello {{ s }}{% endfilter %}!",
		   "HE__O HE__O!");
	render_str(state, "a{# a comment {{ nosuch }} #}b", "ab");
	render_str(state, "{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}");
}

static void whitespace(void **state)
{
	render_str(state, "a  {{- i -}}  b", "a5b");
	render_str(state, "a \n {%- if true -%} \n b {%- endif %}", "ab");
	render_str(state, "a {#- c -#} b", "ab");
	text_is(state, "{% if true %}\nline\n{% endif %}\nend\n", "line\nend\n");
	text_is(state, "{% for x in l %}\n- {{ x }}\n{% endfor %}\n", "- 1\n- 2\n");
	text_is(state, "  {% if true %}x{% endif %}", "  x");
	text_is(state, "{{ i }}\n", "5\n");
	text_is(state, "{{ i }}\n\n", "5\n\n");
	text_is(state, "{{ s }}\nmore", "hello\nmore");
	text_is(state, "{# c #}\nA", "A");
	text_is(state, "{% raw %}\n{{ x }}\n{% endraw %}\nB", "\n{{ x }}\nB");
	text_is(state, "{% if true +%}\nkeep{% endif %}", "\nkeep");
	text_is(state, "{{ n }}|{{ [n] }}", "|[None]");
}

static void arithmetic(void **state)
{
	render_str(state,
		   "{{ 7 // 2 }}|{{ 7 / 2 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|"
		   "{{ 2 ** -1 }}|{{ 4 / 2 }}|{{ 1.5 + 1 }}|{{ 0.1 + 0.2 }}|{{ 1e3 }}",
		   "3|3.5|-4|2|1024|0.5|2.0|2.5|0.30000000000000004|1000.0");
	render_str(state,
		   "{{ true + 1 }}|{{ 5 // 2.0 }}|{{ 5 % 2.5 }}|{{ -l[0] }}|{{ not 0 }}|"
		   "{{ 0 or 'x' }}|{{ 1 and 'y' }}|{{ none or 0 }}",
		   "2|2.0|0.0|-1|True|x|y|0");
	render_str(state, "{{ 'a' ~ 1 ~ none ~ true }}", "a1NoneTrue");
	render_str(state, "{{ [1] + [2] }}|{{ 'ab' * 2 }}|{{ 3 * 'x' }}|{{ 'a' + 'b' }}",
		   "[1, 2]|abab|xxx|ab");
	render_str(state,
		   "{{ 1 == 1.0 }}|{{ 'a' < 'b' }}|{{ 2 >= 2 }}|{{ [1, 2] < [1, 3] }}|"
		   "{{ d == {'b': {'c': 'deep'}, 'a': 1} }}|{{ 1 != 2 }}",
		   "True|True|True|True|True|True");
	render_str(state, "{{ 'b' in 'abc' }}|{{ 1 in l }}|{{ 'a' in d }}|{{ 3 not in l }}",
		   "True|True|True|True");
	render_str(state, "{{ 'x' if i > 1 else 'y' }}|{{ 'x' if false }}|{{ (1, 2) }}",
		   "x||[1, 2]");
	render_str(state, "{{ 'it''s' }}|{{ \"dq\" }}|{{ 0x10 }}|{{ 1_000 }}", "its|dq|16|1000");
	render_is(state, "{{ 10 // 3 + 2 ** 2 * 3 - -1 }}", "\"16\"");
	render_fails(state, "{{ 1 + 's' }}", "unsupported operand type(s) for +: 'int' and 'str'");
	render_fails(state, "{{ 1 < 'a' }}",
		     "'<' not supported between instances of 'int' and 'str'");
	render_fails(state, "{{ 1 / 0 }}", "division by zero");
	render_fails(state, "{{ 1 in 5 }}", "argument of type 'int' is not iterable");
}

static void indexing(void **state)
{
	render_str(state,
		   "{{ l[-1] }}|{{ l[0:1] }}|{{ 'hello'[1:3] }}|{{ 'hello'[::-1] }}|"
		   "{{ l.0 }}|{{ d.a }}|{{ d['b']['c'] }}|{{ d.b.c }}|{{ words[1:] }}|{{ s[0] }}",
		   "2|[1]|el|olleh|1|1|deep|deep|['b', 'c']|h");
	render_str(state, "{{ [[1, 2]].0.1 }}|{{ users.1.name }}|{{ 1.5e1 }}", "2|bob|15.0");
	render_str(state,
		   "{{ 'a,b'.split(',') }}|{{ ' x '.strip() }}|{{ '{} {}'.format(1, 'a') }}|"
		   "{{ '-'.join(['a', 'b']) }}|{{ d.get('z', 3) }}|{{ d.keys() | list }}|"
		   "{{ 'Ab'.lower() }}{{ 'Ab'.upper() }}|{{ s.startswith('he') }}{{ "
		   "s.endswith('x') }}|"
		   "{{ s.replace('l', 'L') }}|{{ words.index('b') }}|{{ l.count(2) }}|{{ ' a  b "
		   "'.split() }}",
		   "['a', 'b']|x|1 a|a-b|3|['a', 'b']|abAB|TrueFalse|heLLo|1|1|['a', 'b']");
	render_str(state, "{{ range(3) }}|{{ range(1, 10, 3) }}|{{ dict(a=1) }}|{{ d.items() }}",
		   "[0, 1, 2]|[1, 4, 7]|{'a': 1}|[['a', 1], ['b', {'c': 'deep'}]]");
	render_str(state,
		   "{{ 'abc' is string }}|{{ foo is defined }}|{{ d.zz is defined }}|"
		   "{{ foo.bar is defined }}|{{ i is not defined }}|{{ 6 is divisibleby 3 }}|"
		   "{{ 3 is divisibleby(2) }}|{{ foo is undefined and i is defined }}",
		   "True|False|False|False|False|True|False|True");
}

static void str_format(void **state)
{
	render_str(
		state,
		"{{ '[{:>8}][{:<4}][{:^7}][{:*^7}][{:05d}][{:.2f}][{:8.3f}][{name}][{:.1%}][{{}}]'"
		".format('x', 'ab', 'mid', 'c', 42, 3.14159, 2.5, 0.25, name='n') }}",
		"[       x][ab  ][  mid  ][***c***][00042][3.14][   2.500][n][25.0%][{}]");
}

static void dates(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;
	json_t *v = jinja_render(&ctx, "{{ now() }}|{{ now(fmt='%Y') }}|{{ now().strftime('%Y') }}",
				 &err);
	const char *s;

	assert_non_null(v);
	s = json_string_value(v);
	/* "2026-11-26 13:40:00.123456|2026|2026" */
	assert_int_equal(strlen(s), 26 + 1 + 4 + 1 + 4);
	assert_int_equal(strncmp(s, s + 27, 4), 0);
	assert_int_equal(strncmp(s, s + 32, 4), 0);
	json_decref(v);
	render_str(state, "{{ '2024-05-01 12:30:00'.strftime('%d/%m/%Y %H:%M %a') }}",
		   "01/05/2024 12:30 Wed");
	render_fails(state, "{{ 'soon'.strftime('%Y') }}", "is not a date and time");
	buf_release(&err);
}

static void undefined_errors(void **state)
{
	render_fails(state, "{{ foo }}", "'foo' is undefined");
	render_fails(state, "{{ d.bar }}", "'dict object' has no attribute 'bar'");
	render_fails(state, "{{ d['bar'] }}", "'dict object' has no attribute 'bar'");
	render_fails(state, "{{ d.bar.baz }}", "'dict object' has no attribute 'bar'");
	render_fails(state, "{{ l[5] }}", "list object has no element 5");
	render_fails(state, "{{ l['x'] }}", "'list object' has no attribute 'x'");
	render_fails(state, "{{ foo.bar }}", "'foo' is undefined");
	render_fails(state, "{{ s.bar }}", "'str object' has no attribute 'bar'");
	render_fails(state, "{{ i.bar }}", "'int object' has no attribute 'bar'");
	render_fails(state, "{{ n.bar }}", "'None' has no attribute 'bar'");
	render_fails(state, "{{ foo + 1 }}", "'foo' is undefined");
	render_fails(state, "{% if foo %}x{% endif %}", "'foo' is undefined");
	render_fails(state, "{% for x in foo %}{% endfor %}", "'foo' is undefined");
	render_fails(state, "{{ nofunc() }}", "'nofunc' is undefined");
	render_fails(state, "{{ s.nomethod() }}", "'str object' has no attribute 'nomethod'");
	render_is(state, "{{ (foo is defined) and foo > 1 }}", "false");
	render_str(state, "{{ foo if foo is defined }}", "");
}

static void syntax_errors(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;

	render_fails(state, "{{ 1 + }}", "got 'end of print statement' (line 1, column 8)");
	render_fails(state, "{{ 1 + }}", "String: {{ 1 + }}");
	render_fails(state, "{% if %}", "got 'end of statement block'");
	render_fails(state, "{% for x in l %}", "looking for the tag 'else' or 'endfor'");
	render_fails(state, "{% endif %}", "unknown tag 'endif'");
	render_fails(state, "a\nb {{ x | nofilter }}",
		     "no filter named 'nofilter' (line 2, column 10)");
	render_fails(state, "{{ l is nottest }}", "no test named 'nottest'");
	render_fails(state, "{{ 'abc }}", "unexpected end of string");
	render_fails(state, "{{ x", "not closed");
	render_fails(state, "{# x", "missing end of comment tag");
	render_fails(state, "{% raw %}x", "missing end of raw directive");
	render_fails(state, "{{ lookup('nolookup') }}", "lookup plugin (nolookup) not found");
	{
		char deep[4000];

		memset(deep, '-', sizeof(deep) - 1);
		deep[sizeof(deep) - 1] = '\0';
		memcpy(deep, "{{ ", 3);
		memcpy(deep + sizeof(deep) - 6, " 1}}", 5);
		render_fails(state, deep, "nest too deeply");
		memset(deep, 'x', sizeof(deep) - 1);
		for (size_t k = 0; k + 11 < sizeof(deep); k += 11)
			memcpy(deep + k, "{% if 1 %}", 10);
		render_fails(state, deep, "nest too deeply");
	}
	render_fails(state, "{{ s() }}", "'str' object is not callable");
	render_str(state, "{{ '%s-%05.1f|%-3d|%x|%r' % (1, 3.14159, 7, 255, 'q') }}",
		   "1-003.1|7  |ff|'q'");
	render_fails(state, "{{ '%s %s' % (1,) }}", "not enough arguments for format string");
	ctx.where = "site.yml:3:7";
	assert_null(jinja_render(&ctx, "{{ foo }}", &err));
	assert_string_equal(err.buf, "site.yml:3:7: 'foo' is undefined");
	buf_release(&err);
}

static void lazy_variables(void **state)
{
	render_is(state, "{{ t }}", "\"6\"");
	render_is(state, "{{ tt }}", "\"6!\"");
	render_is(state, "{{ tl }}", "[\"hello\",5]"); /* "{{ i }}" alone keeps i's type */
	render_is(state, "{{ tl[1] }}", "\"5\"");
	render_is(state, "{{ tdict.b.c }}", "\"deep\"");
	render_is(state, "{{ hv.h1.x }}", "\"hello\"");
	render_str(state,
		   "{{ bad is defined }}|{{ hv.h1.broken is defined }}|{{ bad | default('d') }}",
		   "False|False|d");
	render_fails(state, "{{ bad }}", "'nosuch' is undefined");
	render_fails(state, "{{ loop1 }}", "recursive loop detected");
	render_fails(state, "{{ self }}", "variable 'self'");
}

static void backslashes(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;
	json_t *v;

	/* task arguments: backslashes inside {{ }} strings stay as written */
	render_str(state, "{{ 'a\\nb' }}", "a\\nb");
	render_str(state, "{% set x = 'a\\tb' %}{{ x }}", "a\tb");
	text_is(state, "{{ 'a\\nb' }}", "a\nb");
	v = jinja_eval(&ctx, "'a\\tb' == 'a' ~ '\\t' ~ 'b'", &err);
	assert_true(json_is_true(v));
	json_decref(v);
	buf_release(&err);
}

static void macros_and_includes(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	const char *dirs[] = {"/nonexistent", NULL, NULL};
	char dir[] = "/tmp/test_jinja.XXXXXX", path[64];
	struct buf err = BUF_INIT, out = BUF_INIT;
	FILE *fp;

	render_str(state,
		   "{% macro greet(who, punct='!') %}hi {{ who }}{{ punct }}{% endmacro %}"
		   "{{ greet('ann') }} {{ greet(who='bob', punct='?') }} {{ greet(s) }}",
		   "hi ann! hi bob? hi hello!");
	render_str(state,
		   "{% macro row(x) %}[{{ x }}]{% endmacro %}{% for u in users %}"
		   "{{ row(u.name) }}{% endfor %}",
		   "[ann][bob]");
	render_fails(state, "{% macro m() %}{% endmacro %}{{ m(1) }}", "takes not more than 0");
	render_is(state, "{{ 1 < i < 9 }}|{{ 1 < i < 3 }}|{{ 1 < 2 < 3 < 4 }}",
		  "\"True|False|True\"");

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/part.j2", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("part {{ s }} {{ x }}\n", fp);
	fclose(fp);
	dirs[1] = dir;
	ctx.search_paths = dirs;
	assert_int_equal(jinja_render_text(&ctx,
					   "{% for x in l %}<{% include 'part.j2' %}>{% endfor %}\n"
					   "{% include 'missing.j2' ignore missing %}end\n",
					   &out, &err),
			 0);
	assert_string_equal(out.buf, "<part hello 1><part hello 2>end\n"); /* trim_blocks */
	snprintf(path, sizeof(path), "%s/lib.j2", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{% macro bold(x) %}*{{ x }}*{% endmacro %}\n"
	      "{% macro greet(who) %}hi {{ bold(who) }}{% endmacro %}\n",
	      fp);
	fclose(fp);
	buf_reset(&out);
	assert_int_equal(jinja_render_text(&ctx,
					   "{% import 'lib.j2' as lib %}{{ lib.greet(s) }}|"
					   "{% from 'lib.j2' import bold %}{{ bold(1) }}",
					   &out, &err),
			 0);
	assert_string_equal(out.buf, "hi *hello*|*1*");
	unlink(path);
	snprintf(path, sizeof(path), "%s/part.j2", dir);
	buf_reset(&out);
	assert_int_equal(jinja_render_text(&ctx, "{% include 'missing.j2' %}", &out, &err), -1);
	assert_string_equal(err.buf, "template not found: missing.j2");
	unlink(path);
	rmdir(dir);
	buf_release(&out);
	buf_release(&err);
}

static void filters_chain(void **state)
{
	render_str(state, "{{ words | map('upper') | join(',') }}", "A,B,C");
	render_str(state,
		   "{{ foo | default('d') }}|{{ d.bar | default('x') }}|{{ foo.bar | d('y') }}",
		   "d|x|y");
	render_is(state, "{{ users | map(attribute='name') | list }}", "[\"ann\",\"bob\"]");
	render_str(state, "{{ s | upper }}|{{ l | length }}|{{ -3 | abs }}", "HELLO|2|3");
	render_is(state, "{{ l | length }}", "\"2\"");
	/* an undefined argument matters only if the filter returns it */
	render_str(state, "{{ s | default(nosuch) }}|{{ true | ternary('y', nosuch) }}", "hello|y");
	render_fails(state, "{{ false | ternary('y', nosuch) }}", "'nosuch' is undefined");
	render_fails(state, "{{ foo | default(nosuch) }}", "'nosuch' is undefined");
	render_str(state, "{{ foo | default(nosuch) | default('z') }}", "z");
	render_is(state, "{{ lookup('items', ['a', 'b']) }}|{{ lookup('items', [1, 2]) }}",
		  "\"a,b|[1, 2]\"");
	render_is(state, "{{ lookup('items', [3]) }}", "\"3\"");
	render_is(state, "{{ query('items', 'a') }}", "[\"a\"]");
	render_is(state, "{{ lookup('items', 'a', wantlist=true) }}", "[\"a\"]");
	render_is(state,
		  "{{ users | selectattr('uid', 'equalto', 2) | map(attribute='name') | first }}",
		  "\"bob\"");
}

static void eval_and_condition(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT;
	json_t *v, *c;

	v = jinja_eval(&ctx, "d.b.c ~ '!'", &err);
	assert_string_equal(json_string_value(v), "deep!");
	json_decref(v);
	assert_null(jinja_eval(&ctx, "foo", &err));
	assert_string_equal(err.buf, "'foo' is undefined");
	v = jinja_eval(&ctx, "l", &err);
	assert_int_equal(json_array_size(v), 2);
	json_decref(v);

	c = json_string("i > 3 and s == 'hello'");
	assert_int_equal(jinja_condition(&ctx, c, &err), 1);
	json_decref(c);
	c = json_string("foo is defined");
	assert_int_equal(jinja_condition(&ctx, c, &err), 0);
	json_decref(c);
	c = json_string("{{ expr }}"); /* rendered, then evaluated */
	assert_int_equal(jinja_condition(&ctx, c, &err), 1);
	json_decref(c);
	c = json_string("fstr"); /* a non-empty string is true */
	assert_int_equal(jinja_condition(&ctx, c, &err), 1);
	json_decref(c);
	c = json_string("{{ 0 }}");
	assert_int_equal(jinja_condition(&ctx, c, &err), 0);
	json_decref(c);
	assert_int_equal(jinja_condition(&ctx, json_false(), &err), 0);
	assert_int_equal(jinja_condition(&ctx, json_true(), &err), 1);
	c = json_integer(0);
	assert_int_equal(jinja_condition(&ctx, c, &err), 0);
	json_decref(c);
	c = json_string("foo > 1");
	assert_int_equal(jinja_condition(&ctx, c, &err), -1);
	assert_string_equal(err.buf,
			    "error while evaluating conditional (foo > 1): 'foo' is undefined");
	json_decref(c);
	buf_release(&err);
}

static void render_tree_and_helpers(void **state)
{
	struct jinja_ctx ctx = ctx_of(state);
	struct buf err = BUF_INIT, out = BUF_INIT;
	json_t *tree = json_loads(
		"{\"k{{ i }}\": [\"{{ i }}\", \"x\", {\"y\": \"{{ l }}\"}], \"z\": 1}", 0, NULL);
	json_t *v = jinja_render_tree(&ctx, tree, &err);
	char *got = dump(v);

	assert_string_equal(got, "{\"k5\":[5,\"x\",{\"y\":[1,2]}],\"z\":1}");
	free(got);
	json_decref(v);
	json_decref(tree);
	assert_true(jinja_has_markers("a {# b"));
	assert_false(jinja_has_markers("a { b } %}"));
	v = json_loads("[1.0, 0.1, \"a'b\", null, true, {\"k\": [false]}]", 0, NULL);
	jinja_to_text(v, &out);
	assert_string_equal(out.buf, "[1.0, 0.1, \"a'b\", None, True, {'k': [False]}]");
	json_decref(v);
	buf_release(&out);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(typing_as_ansible, setup, teardown),
		cmocka_unit_test_setup_teardown(statements, setup, teardown),
		cmocka_unit_test_setup_teardown(whitespace, setup, teardown),
		cmocka_unit_test_setup_teardown(arithmetic, setup, teardown),
		cmocka_unit_test_setup_teardown(indexing, setup, teardown),
		cmocka_unit_test_setup_teardown(str_format, setup, teardown),
		cmocka_unit_test_setup_teardown(dates, setup, teardown),
		cmocka_unit_test_setup_teardown(undefined_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(syntax_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(lazy_variables, setup, teardown),
		cmocka_unit_test_setup_teardown(backslashes, setup, teardown),
		cmocka_unit_test_setup_teardown(macros_and_includes, setup, teardown),
		cmocka_unit_test_setup_teardown(filters_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(eval_and_condition, setup, teardown),
		cmocka_unit_test_setup_teardown(render_tree_and_helpers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
