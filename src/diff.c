#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

#define CONTEXT 3
/* Past this many cells the middle of two texts is shown as one replacement. */
#define MAX_CELLS (4u << 20)

enum op_tag { OP_EQUAL, OP_REPLACE, OP_DELETE, OP_INSERT };

/* One stretch of lines: a[i1..i2) becomes b[j1..j2), as difflib's opcodes. */
struct op {
	enum op_tag tag;
	size_t i1, i2, j1, j2;
};

struct ops {
	struct op *v;
	size_t nr, alloc;
};

/* Splits text into lines that keep their newline; a last line without one is marked. */
static void split_lines(const char *s, struct strvec *lines)
{
	const char *nl;

	while (*s) {
		nl = strchr(s, '\n');
		if (!nl) {
			strvec_pushf(lines, "%s\n\\ No newline at end of file\n", s);
			break;
		}
		strvec_push_nodup(lines, xstrndup(s, (size_t)(nl + 1 - s)));
		s = nl + 1;
	}
}

static void push_op(struct ops *ops, enum op_tag tag, size_t i1, size_t i2, size_t j1, size_t j2)
{
	if (i1 == i2 && j1 == j2)
		return;
	if (tag != OP_EQUAL)
		tag = i1 == i2 ? OP_INSERT : j1 == j2 ? OP_DELETE : OP_REPLACE;
	ALLOC_GROW(ops->v, ops->nr + 1, ops->alloc);
	ops->v[ops->nr++] = (struct op){ tag, i1, i2, j1, j2 };
}

static int same(const struct strvec *a, size_t i, const struct strvec *b, size_t j)
{
	return !strcmp(a->v[i], b->v[j]);
}

/* Longest common subsequence of a[lo_a..hi_a) and b[lo_b..hi_b), as opcodes. */
static void lcs_ops(const struct strvec *a, size_t lo_a, size_t hi_a, const struct strvec *b,
		    size_t lo_b, size_t hi_b, struct ops *ops)
{
	size_t n = hi_a - lo_a, m = hi_b - lo_b, i, j, pi, pj;
	uint32_t *t;

	if (!n || !m || n + 1 > MAX_CELLS / (m + 1)) {
		push_op(ops, OP_REPLACE, lo_a, hi_a, lo_b, hi_b);
		return;
	}
	/* t[i][j]: LCS length of the suffixes from i and j */
	t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * (m + 1) + j] = same(a, lo_a + i, b, lo_b + j) ?
				t[(i + 1) * (m + 1) + j + 1] + 1 :
				(t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] ?
					 t[(i + 1) * (m + 1) + j] : t[i * (m + 1) + j + 1]);
	for (i = j = pi = pj = 0; i < n && j < m;) {
		if (same(a, lo_a + i, b, lo_b + j)) {
			push_op(ops, OP_REPLACE, lo_a + pi, lo_a + i, lo_b + pj, lo_b + j);
			push_op(ops, OP_EQUAL, lo_a + i, lo_a + i + 1, lo_b + j, lo_b + j + 1);
			pi = ++i;
			pj = ++j;
		} else if (t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
			i++;
		} else {
			j++;
		}
	}
	push_op(ops, OP_REPLACE, lo_a + pi, hi_a, lo_b + pj, hi_b);
	free(t);
}

/* Opcodes with runs of equal lines merged into one. */
static void merge_equal(struct ops *ops)
{
	size_t r, w = 0;

	for (r = 0; r < ops->nr; r++) {
		if (w && ops->v[w - 1].tag == OP_EQUAL && ops->v[r].tag == OP_EQUAL) {
			ops->v[w - 1].i2 = ops->v[r].i2;
			ops->v[w - 1].j2 = ops->v[r].j2;
		} else {
			ops->v[w++] = ops->v[r];
		}
	}
	ops->nr = w;
}

static void diff_ops(const struct strvec *a, const struct strvec *b, struct ops *ops)
{
	size_t pre = 0, suf = 0;

	while (pre < a->nr && pre < b->nr && same(a, pre, b, pre))
		pre++;
	while (suf < a->nr - pre && suf < b->nr - pre && same(a, a->nr - 1 - suf, b, b->nr - 1 - suf))
		suf++;
	push_op(ops, OP_EQUAL, 0, pre, 0, pre);
	lcs_ops(a, pre, a->nr - suf, b, pre, b->nr - suf, ops);
	push_op(ops, OP_EQUAL, a->nr - suf, a->nr, b->nr - suf, b->nr);
	merge_equal(ops);
}

/* difflib's range: "3" for one line, "3,4", and "2,0" for none after line 2. */
static void add_range(struct buf *out, size_t start, size_t stop)
{
	size_t len = stop - start;

	if (len == 1)
		buf_addf(out, "%zu", start + 1);
	else
		buf_addf(out, "%zu,%zu", len ? start + 1 : start, len);
}

static void add_lines(struct buf *out, char mark, const struct strvec *l, size_t from, size_t to)
{
	for (; from < to; from++) {
		buf_addch(out, mark);
		buf_addstr(out, l->v[from]);
	}
}

/* One hunk: ops g[0..n), the first and last trimmed to CONTEXT lines by the caller. */
static void add_hunk(struct buf *out, const struct op *g, size_t n, const struct strvec *a,
		     const struct strvec *b)
{
	size_t k;

	buf_addstr(out, "@@ -");
	add_range(out, g[0].i1, g[n - 1].i2);
	buf_addstr(out, " +");
	add_range(out, g[0].j1, g[n - 1].j2);
	buf_addstr(out, " @@\n");
	for (k = 0; k < n; k++) {
		if (g[k].tag == OP_EQUAL)
			add_lines(out, ' ', a, g[k].i1, g[k].i2);
		if (g[k].tag == OP_REPLACE || g[k].tag == OP_DELETE)
			add_lines(out, '-', a, g[k].i1, g[k].i2);
		if (g[k].tag == OP_REPLACE || g[k].tag == OP_INSERT)
			add_lines(out, '+', b, g[k].j1, g[k].j2);
	}
}

static size_t min_sz(size_t x, size_t y)
{
	return x < y ? x : y;
}

/* Groups opcodes into hunks as difflib's get_grouped_opcodes(3) does. */
static void add_hunks(struct buf *out, struct ops *ops, const struct strvec *a,
		      const struct strvec *b)
{
	struct op *v = ops->v, *g = xcalloc(ops->nr * 2 + 1, sizeof(*g));
	size_t k, ng = 0;

	if (v[0].tag == OP_EQUAL) {
		v[0].i1 = v[0].i2 - min_sz(CONTEXT, v[0].i2 - v[0].i1);
		v[0].j1 = v[0].j2 - min_sz(CONTEXT, v[0].j2 - v[0].j1);
	}
	if (v[ops->nr - 1].tag == OP_EQUAL) {
		v[ops->nr - 1].i2 = min_sz(v[ops->nr - 1].i2, v[ops->nr - 1].i1 + CONTEXT);
		v[ops->nr - 1].j2 = min_sz(v[ops->nr - 1].j2, v[ops->nr - 1].j1 + CONTEXT);
	}
	for (k = 0; k < ops->nr; k++) {
		struct op o = v[k];

		if (o.tag == OP_EQUAL && o.i2 - o.i1 > 2 * CONTEXT) {
			g[ng++] = (struct op){ OP_EQUAL, o.i1, o.i1 + CONTEXT, o.j1, o.j1 + CONTEXT };
			add_hunk(out, g, ng, a, b);
			ng = 0;
			o.i1 = o.i2 - CONTEXT;
			o.j1 = o.j2 - CONTEXT;
		}
		g[ng++] = o;
	}
	if (ng && !(ng == 1 && g[0].tag == OP_EQUAL))
		add_hunk(out, g, ng, a, b);
	free(g);
}

int diff_unified(const char *a, const char *b, const char *a_label, const char *b_label,
		 struct buf *out)
{
	struct strvec la = STRVEC_INIT, lb = STRVEC_INIT;
	struct ops ops = { NULL, 0, 0 };
	struct buf hunks = BUF_INIT;
	int changed;

	split_lines(a, &la);
	split_lines(b, &lb);
	diff_ops(&la, &lb, &ops);
	if (ops.nr)
		add_hunks(&hunks, &ops, &la, &lb);
	changed = hunks.len > 0;
	if (changed)
		buf_addf(out, "--- %s\n+++ %s\n%s", a_label, b_label, hunks.buf);
	free(ops.v);
	buf_release(&hunks);
	strvec_clear(&la);
	strvec_clear(&lb);
	return changed;
}

/* A side of a diff as text: objects as Python's json.dumps(indent=4, sort_keys). */
static char *side_text(json_t *v)
{
	char *s, *t;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (!json_is_object(v) && !json_is_array(v))
		return xstrdup("");
	s = json_dumps(v, JSON_INDENT(4) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	t = xasprintf("%s\n", s ? s : "");
	free(s);
	return t;
}

static void render_one(json_t *d, struct buf *out)
{
	const char *bh = json_string_value(json_object_get(d, "before_header"));
	const char *ah = json_string_value(json_object_get(d, "after_header"));
	char *before, *after, *bl, *al;

	if (json_object_get(d, "dst_binary"))
		buf_addstr(out, "diff skipped: destination file appears to be binary\n");
	if (json_object_get(d, "src_binary"))
		buf_addstr(out, "diff skipped: source file appears to be binary\n");
	if (json_object_get(d, "dst_larger"))
		buf_addf(out, "diff skipped: destination file size is greater than %" JSON_INTEGER_FORMAT "\n",
			 json_integer_value(json_object_get(d, "dst_larger")));
	if (json_object_get(d, "src_larger"))
		buf_addf(out, "diff skipped: source file size is greater than %" JSON_INTEGER_FORMAT "\n",
			 json_integer_value(json_object_get(d, "src_larger")));
	if (json_object_get(d, "before") && json_object_get(d, "after")) {
		before = side_text(json_object_get(d, "before"));
		after = side_text(json_object_get(d, "after"));
		bl = bh ? xasprintf("before: %s", bh) : xstrdup("before");
		al = ah ? xasprintf("after: %s", ah) : xstrdup("after");
		if (diff_unified(before, after, bl, al, out))
			buf_addch(out, '\n');
		free(before);
		free(after);
		free(bl);
		free(al);
	}
	if (json_is_string(json_object_get(d, "prepared")))
		buf_addstr(out, json_string_value(json_object_get(d, "prepared")));
}

void diff_render(json_t *diff, struct buf *out)
{
	json_t *d;
	size_t i;

	if (json_is_object(diff))
		render_one(diff, out);
	json_array_foreach(diff, i, d)
		if (json_is_object(d))
			render_one(d, out);
}
