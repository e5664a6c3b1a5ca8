/*
 * lineinfile: as modules/lineinfile.sh, whose edit is an awk program: the
 * same rules line by line, the same messages, results and diffs. Patterns
 * are POSIX extended regular expressions (regcomp REG_EXTENDED, as the
 * script's awk and sed -E), with the script's translation of \d \s \w.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "remote.h"
#include "../../include/banned.h"

/* A pattern, compiled the first time it is used (awk fails only then). */
struct pattern {
	struct out ere;
	regex_t re;
	int state; /* 0 not compiled yet, 1 compiled, -1 does not compile */
};

struct edit {
	struct files f;
	const struct args *a;
	const char *path, *state, *line, *regexp, *search, *ia, *ib;
	struct pattern re, ins;
	char **lines;    /* L[i]: the lines without their newlines */
	size_t *len;     /* their lengths (a line may hold NUL bytes) */
	int *nl;         /* E[i]: 1 if the line ends in "\n" */
	size_t n, alloc;
	long idx0;
	struct out newline, msg;
	long found;
};

/* ere: \d \D \s \S \w \W in POSIX terms, as _files.sh's sed does it */
static void ere(const char *s, struct out *o)
{
	static const char *const with[] = { "d[0-9]", "D[^0-9]", "s[[:space:]]", "S[^[:space:]]",
					    "w[[:alnum:]_]", "W[^[:alnum:]_]" };
	size_t i;

	out_add(o, "", 0);
	for (; *s; s++) {
		for (i = 0; s[0] == '\\' && s[1] && i < sizeof(with) / sizeof(with[0]); i++)
			if (s[1] == with[i][0])
				break;
		if (s[0] == '\\' && s[1] && i < sizeof(with) / sizeof(with[0])) {
			out_adds(o, with[i] + 1);
			s++;
		} else {
			out_add(o, s, 1);
		}
	}
}

/*
 * Whether text matches p. A pattern that does not compile fails the module
 * as the script's edit awk does, or (fatal 0: the awk that finds the line
 * to replace, whose failure the script does not see) matches nothing.
 */
static int matches(struct edit *e, struct pattern *p, const char *text, int fatal)
{
	if (!p->state)
		p->state = regcomp(&p->re, p->ere.buf, REG_EXTENDED | REG_NOSUB) ? -1 : 1;
	if (p->state < 0 && !fatal)
		return 0;
	if (p->state < 0)
		files_failf(&e->f, "awk failed on %s", e->path);
	return regexec(&p->re, text, 0, NULL, 0) == 0;
}

static const char *opt(const struct edit *e, const char *name)
{
	return arg(e->a, name, NULL);
}

/* [ -n "$opt" ]: given and not empty */
static int filled(const char *s)
{
	return s && *s;
}

/* The options' checks, in the script's order. */
static void check_options(struct edit *e)
{
	struct out o = { 0 };
	struct stat st;

	if (filled(e->ia) && filled(e->ib))
		files_fail(&e->f, "parameters are mutually exclusive: insertbefore|insertafter");
	if (filled(e->regexp) && filled(e->search))
		files_fail(&e->f, "parameters are mutually exclusive: regexp|search_string");
	if (arg_true(e->a, "backrefs") && filled(e->search))
		files_fail(&e->f, "parameters are mutually exclusive: backrefs|search_string");
	if (stat(e->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		out_addf(&o, "Path %s is a directory !", e->path);
		e->msg.len = 0;
		out_adds(&e->msg, "{\"failed\": true, \"rc\": 256, ");
		json_member(&e->msg, "msg", o.buf);
		out_adds(&e->msg, "}");
		files_exit(&e->f, &e->msg);
	}
	if (!strcmp(e->state, "present")) {
		if (arg_true(e->a, "backrefs") && !e->regexp)
			files_fail(&e->f, "regexp is required with backrefs=true");
		if (!e->line)
			files_fail(&e->f, "line is required with state=present");
		if (!filled(e->ia) && !filled(e->ib))
			e->ia = "EOF";
	} else if (!e->line && !e->regexp && !e->search) {
		files_fail(&e->f, "one of line, search_string, or regexp is required with state=absent");
	}
	out_release(&o);
}

static void push_line(struct edit *e, const char *s, size_t len, int nl)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc * 2 + 64;
		e->lines = xrealloc_or_abort(e->lines, e->alloc * sizeof(*e->lines));
		e->nl = xrealloc_or_abort(e->nl, e->alloc * sizeof(*e->nl));
		e->len = xrealloc_or_abort(e->len, e->alloc * sizeof(*e->len));
	}
	e->lines[e->n] = xstrndup_or_abort(s, len);
	e->len[e->n] = len;
	e->nl[e->n++] = nl;
}

static void split_lines(struct edit *e, const struct out *old)
{
	const char *p = old->buf, *end = old->buf + old->len, *q;

	while (p < end) {
		q = memchr(p, '\n', (size_t)(end - p));
		push_line(e, p, q ? (size_t)(q - p) : (size_t)(end - p), q != NULL);
		p = q ? q + 1 : end;
	}
}

/* The line regexp or search_string picks: the last match, or the first with firstmatch. */
static long matched_line(struct edit *e)
{
	long idx = -1;
	size_t i;

	if (!e->regexp && !e->search)
		return -1;
	for (i = 0; i < e->n; i++) {
		if (e->search ? !strstr(e->lines[i], e->search)
			      : !matches(e, &e->re, e->lines[i], 0))
			continue;
		idx = (long)i;
		if (arg_true(e->a, "firstmatch"))
			break;
	}
	return idx;
}

/* line with \1.. (and \g<1>) taken from regexp's match in text, as the script's sed */
static void expand(struct edit *e, const char *text, struct out *o)
{
	regmatch_t m[10];
	regex_t re;
	const char *s = e->line;
	int k;

	out_add(o, "", 0);
	if (regcomp(&re, e->re.ere.buf, REG_EXTENDED) || regexec(&re, text, 10, m, 0)) {
		out_adds(o, text);
		return;
	}
	for (; *s; s++) {
		k = -1;
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '9')
			k = s[1] - '0', s++;
		else if (!strncmp(s, "\\g<", 3) && s[3] >= '0' && s[3] <= '9' && s[4] == '>')
			k = s[3] - '0', s += 4;
		else if (s[0] == '\\' && s[1] == 'n')
			out_add(o, "\n", 1), s++;
		else if (s[0] == '\\' && s[1])
			out_add(o, ++s, 1);
		else
			out_add(o, s, 1);
		if (k >= 0 && (unsigned)k <= re.re_nsub && m[k].rm_so >= 0)
			out_add(o, text + m[k].rm_so, (size_t)(m[k].rm_eo - m[k].rm_so));
	}
	regfree(&re);
	while (o->len && o->buf[o->len - 1] == '\n')
		o->buf[--o->len] = '\0';
}

/* bare: a line without one trailing \r, compared to text */
static int bare_is(const struct edit *e, size_t i, const char *text)
{
	const char *l = e->lines[i];
	size_t n = e->len[i];

	if (n && l[n - 1] == '\r')
		n--;
	return strlen(text) == n && !memcmp(l, text, n);
}

static void insert(struct edit *e, size_t at, const char *text)
{
	size_t i;

	push_line(e, "", 0, 1);
	free(e->lines[e->n - 1]);
	for (i = e->n - 1; i > at; i--) {
		e->lines[i] = e->lines[i - 1];
		e->len[i] = e->len[i - 1];
		e->nl[i] = e->nl[i - 1];
	}
	e->lines[at] = xstrndup_or_abort(text, strlen(text));
	e->len[at] = strlen(text);
	e->nl[at] = 1;
	e->msg.len = 0;
	out_adds(&e->msg, "line added");
}

static void remove_lines(struct edit *e)
{
	size_t i, k = 0;
	int hit;

	for (i = 0; i < e->n; i++) {
		if (e->regexp)
			hit = matches(e, &e->re, e->lines[i], 1);
		else if (e->search)
			hit = strstr(e->lines[i], e->search) != NULL;
		else
			hit = bare_is(e, i, e->line ? e->line : "");
		if (hit) {
			e->found++;
			free(e->lines[i]);
		} else {
			e->lines[k] = e->lines[i];
			e->len[k] = e->len[i];
			e->nl[k++] = e->nl[i];
		}
	}
	e->n = k;
	if (e->found)
		out_addf(&e->msg, "%ld line(s) removed", e->found);
}

/* Where the line goes without a match of regexp: after or before the last (first) ins match. */
static long insert_point(struct edit *e)
{
	const char *line = e->line ? e->line : "";
	long idx1 = -1;
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (bare_is(e, i, line)) {
			e->idx0 = (long)i;
		} else if (e->ins.ere.len && matches(e, &e->ins, e->lines[i], 1)) {
			idx1 = filled(e->ia) ? (long)i + 1 : (long)i;
			if (arg_true(e->a, "firstmatch"))
				break;
		}
	}
	return idx1;
}

static void replace_line(struct edit *e)
{
	size_t i = (size_t)e->idx0;

	if (e->nl[i] && e->len[i] == e->newline.len &&
	    !memcmp(e->lines[i], e->newline.buf, e->len[i]))
		return;
	free(e->lines[i]);
	e->lines[i] = xstrndup_or_abort(e->newline.buf, e->newline.len);
	e->len[i] = e->newline.len;
	e->nl[i] = 1;
	out_adds(&e->msg, "line replaced");
}

/* The edit of state=present, as the script's awk END block. */
static void add_line(struct edit *e)
{
	const char *line = e->line ? e->line : "", *ia = e->ia ? e->ia : "";
	const char *ib = e->ib ? e->ib : "";
	long idx1 = -1;
	size_t last;

	if (e->idx0 < 0)
		idx1 = insert_point(e);
	if (e->idx0 >= 0) {
		replace_line(e);
	} else if (arg_true(e->a, "backrefs")) {
		return;
	} else if (!strcmp(ib, "BOF") || !strcmp(ia, "BOF")) {
		insert(e, 0, line);
	} else if (!strcmp(ia, "EOF") || idx1 < 0) {
		last = e->n - 1;
		if (e->n && !e->nl[last] && !(e->len[last] && e->lines[last][e->len[last] - 1] == '\r'))
			e->nl[last] = 1;
		insert(e, e->n, line);
	} else if (*ia) {
		if ((size_t)idx1 == e->n) {
			if (!bare_is(e, (size_t)idx1 - 1, line))
				insert(e, e->n, line);
		} else if (!bare_is(e, (size_t)idx1, line)) {
			insert(e, (size_t)idx1, line);
		}
	} else {
		insert(e, (size_t)idx1, line);
	}
}

static void joined(const struct edit *e, struct out *o)
{
	size_t i;

	out_add(o, "", 0);
	for (i = 0; i < e->n; i++) {
		out_add(o, e->lines[i], e->len[i]);
		if (e->nl[i])
			out_add(o, "\n", 1);
	}
}

/* Puts the new text in place (through a temp file); sets backup. */
static void write_back(struct edit *e, int exists, const struct out *text, struct out *backup)
{
	const char *validate = arg(e->a, "validate", ""), *p;
	struct out dir = { 0 }, cmd = { 0 }, output = { 0 };

	if (!exists) {
		dir_name(e->path, &dir);
		if (mkdir_p(dir.buf) < 0)
			files_failf(&e->f, "Error creating %s", dir.buf);
	}
	tmp_beside(&e->f, e->path);
	tmp_write(&e->f, text->buf, text->len);
	if (*validate) {
		for (p = validate; *p; p++) {
			if (p[0] == '%' && p[1] == 's')
				out_addf(&cmd, "'%s'", e->f.tmp.buf), p++;
			else
				out_add(&cmd, p, 1);
		}
		if (run_shell(cmd.buf, &output))
			files_failf(&e->f, "failed to validate: rc:1 error:%s", output.buf);
	}
	if (exists && arg_true(e->a, "backup"))
		backup_of(&e->f, e->path, backup);
	replace_with(&e->f, e->path);
	out_release(&dir);
	out_release(&cmd);
	out_release(&output);
}

static void __attribute__((noreturn)) result(struct edit *e, int changed, const struct out *backup,
					     const struct out *content_diff)
{
	struct out o = { 0 };
	struct stat st;

	if (e->f.check && stat(e->path, &st) < 0) {
		out_addf(&o, "{\"changed\": %s, ", changed ? "true" : "false");
		json_member(&o, "msg", e->msg.buf);
		out_adds(&o, ", \"backup\": \"\"");
		if (e->f.diff)
			out_addf(&o, ", \"diff\": %s", content_diff->buf);
		out_adds(&o, "}");
		files_exit(&e->f, &o);
	}
	e->f.attrs_changed = 0;
	apply_attrs(&e->f, e->path);
	if (e->f.attrs_changed) {
		if (e->msg.len)
			out_adds(&e->msg, " and ");
		out_adds(&e->msg, "ownership, perms or SE linux context changed");
		changed = 1;
	}
	out_addf(&o, "{\"changed\": %s, ", changed ? "true" : "false");
	json_member(&o, "msg", e->msg.buf);
	out_adds(&o, ", ");
	json_member(&o, "backup", backup->buf);
	if (!strcmp(e->state, "absent"))
		out_addf(&o, ", \"found\": %ld", e->found);
	if (e->f.diff) {
		out_addf(&o, ", \"diff\": [%s, ", content_diff->buf);
		attr_diff(&e->f, &o, e->path);
		out_adds(&o, "]");
	}
	out_adds(&o, "}");
	files_exit(&e->f, &o);
}

/* The file's text, or the early ends when it is not there. */
static int read_old(struct edit *e, struct out *old)
{
	struct out o = { 0 }, msg = { 0 };
	struct stat st;

	out_add(old, "", 0);
	if (stat(e->path, &st) == 0) {
		if (read_file(e->path, old) < 0)
			old->len = 0;
		return 1;
	}
	if (!strcmp(e->state, "absent")) {
		out_adds(&o, "{\"changed\": false, \"msg\": \"file not present\"}");
		files_exit(&e->f, &o);
	}
	if (!arg_true(e->a, "create")) {
		out_addf(&msg, "Destination %s does not exist !", e->path);
		out_adds(&o, "{\"failed\": true, \"rc\": 257, ");
		json_member(&o, "msg", msg.buf);
		out_adds(&o, "}");
		files_exit(&e->f, &o);
	}
	return 0;
}

static void set_patterns(struct edit *e)
{
	const char *ia = e->ia ? e->ia : "", *ib = e->ib ? e->ib : "";

	ere(e->regexp ? e->regexp : "", &e->re.ere);
	out_add(&e->ins.ere, "", 0);
	if (*ia && strcmp(ia, "EOF") && strcmp(ia, "BOF"))
		ere(ia, &e->ins.ere);
	if (*ib && strcmp(ib, "BOF")) {
		e->ins.ere.len = 0;
		ere(ib, &e->ins.ere);
	}
}

void mod_lineinfile(const struct args *a)
{
	struct edit e = { 0 };
	struct out old = { 0 }, text = { 0 }, backup = { 0 }, diff = { 0 }, header = { 0 };
	struct text before, after;
	int exists, changed;

	files_init(&e.f, a);
	e.a = a;
	e.path = arg(a, "path", "");
	e.state = arg(a, "state", "");
	e.line = opt(&e, "line");
	e.regexp = opt(&e, "regexp");
	e.search = opt(&e, "search_string");
	e.ia = opt(&e, "insertafter");
	e.ib = opt(&e, "insertbefore");
	out_add(&e.msg, "", 0);
	out_add(&backup, "", 0);
	out_add(&diff, "", 0);
	check_options(&e);
	set_patterns(&e);
	exists = read_old(&e, &old);
	split_lines(&e, &old);
	e.idx0 = -1;
	if (!strcmp(e.state, "absent")) {
		remove_lines(&e);
	} else {
		e.idx0 = matched_line(&e);
		out_adds(&e.newline, e.line ? e.line : "");
		if (e.idx0 >= 0 && arg_true(a, "backrefs")) {
			e.newline.len = 0;
			expand(&e, e.lines[e.idx0], &e.newline);
		}
		add_line(&e);
	}
	joined(&e, &text);
	changed = e.msg.len > 0;
	if (changed && !e.f.check)
		write_back(&e, exists, &text, &backup);
	if (e.f.diff) {
		before = (struct text){ old.buf, old.len, 1 };
		after = (struct text){ text.buf, text.len, 1 };
		out_addf(&header, "%s (content)", e.path);
		text_diff(&diff, &before, &after, header.buf, NULL);
	}
	result(&e, changed, &backup, &diff);
}
