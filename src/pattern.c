/*
 * Host patterns, evaluated as Ansible's InventoryManager does: split on
 * ',' (or ':' when the whole is not an address), unions first, then '&'
 * intersections, then '!' exclusions; globs and ~regex match group and host
 * names; group[i] and group[a:b] (inclusive) subscripts.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "inventory_int.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct hostlist {
	struct host **v;
	size_t nr, alloc;
};

static void hl_add(struct hostlist *l, struct host *h)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i] == h)
			return;
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = h;
}

static int hl_has(const struct hostlist *l, const struct host *h)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i] == h)
			return 1;
	return 0;
}

/* Keeps (keep=1) or drops (keep=0) the hosts of l that are in other. */
static void hl_filter(struct hostlist *l, const struct hostlist *other, int keep)
{
	size_t i, n = 0;

	for (i = 0; i < l->nr; i++)
		if (hl_has(other, l->v[i]) == keep)
			l->v[n++] = l->v[i];
	l->nr = n;
}

/* Ansible's split_host_pattern(). */
static void split_pattern(const char *pattern, struct strvec *out)
{
	char *copy = xstrdup(pattern), *p = copy, *tok, *host = NULL;
	const char *delims = strchr(pattern, ',') ? "," : NULL;
	long port;

	if (!delims && inv_is_address(pattern, &port, &host)) {
		strvec_push(out, pattern);
		free(host);
		free(copy);
		return;
	}
	while (*p) {
		size_t n = 0;

		if (delims) {
			n = strcspn(p, ",");
		} else {
			while (p[n] && !isspace((unsigned char)p[n]) && p[n] != ':' && p[n] != ']') {
				if (p[n] == '[' && strchr(p + n, ']'))
					n = strchr(p + n, ']') - p;
				else if (p[n] == '[')
					break;
				n++;
			}
		}
		tok = xstrndup(p, n);
		if (*tok)
			strvec_push(out, tok);
		free(tok);
		p += n;
		if (*p)
			p++;
	}
	free(copy);
	for (port = 0; (size_t)port < out->nr; port++) {
		char *t = out->v[port], *e;

		while (isspace((unsigned char)*t))
			memmove(t, t + 1, strlen(t));
		e = t + strlen(t);
		while (e > t && isspace((unsigned char)e[-1]))
			*--e = '\0';
	}
}

struct matcher {
	pcre2_code *re;
	const char *glob;
};

static int matcher_init(struct matcher *m, const char *pat, struct buf *err)
{
	int ec;
	PCRE2_SIZE off;

	m->re = NULL;
	m->glob = NULL;
	if (pat[0] != '~') {
		m->glob = pat;
		return 0;
	}
	m->re = pcre2_compile((PCRE2_SPTR)pat + 1, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);
	if (!m->re) {
		buf_setf(err, "Invalid host list pattern: %s", pat);
		return -1;
	}
	return 0;
}

static int matcher_match(const struct matcher *m, const char *name)
{
	pcre2_match_data *md;
	int rc;

	if (m->glob)
		return fnmatch(m->glob, name, FNM_NOESCAPE) == 0;
	md = pcre2_match_data_create_from_pattern(m->re, NULL);
	rc = pcre2_match(m->re, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, PCRE2_ANCHORED, md,
			 NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* _enumerate_matches(): matching groups' hosts, then matching host names. */
static int enumerate(const struct inventory *inv, const char *pat, struct hostlist *out,
		     struct buf *err)
{
	struct matcher m;
	struct host **hosts;
	size_t i, k, nr;
	int groups = 0;

	if (matcher_init(&m, pat, err) < 0)
		return -1;
	for (i = 0; i < inv->nr_groups; i++) {
		if (!matcher_match(&m, inv->groups[i]->name))
			continue;
		groups++;
		inv_group_hosts(inv->groups[i], &hosts, &nr);
		for (k = 0; k < nr; k++)
			hl_add(out, hosts[k]);
		free(hosts);
	}
	if (!groups || pat[0] == '~' || strpbrk(pat, ".?*["))
		for (i = 0; i < inv->nr_hosts; i++)
			if (!inv->hosts[i]->implicit && matcher_match(&m, inv->hosts[i]->h.name))
				hl_add(out, &inv->hosts[i]->h);
	pcre2_code_free(m.re);
	return 0;
}

/* "name[3]", "name[-1]", "name[1:3]", "name[2:]"; returns 1 with the parts. */
static int split_subscript(char *pat, long *start, long *end, int *is_range)
{
	size_t n = strlen(pat);
	char *open, *colon, *e;

	if (pat[0] == '~' || n < 4 || pat[n - 1] != ']' || !(open = strrchr(pat, '[')) ||
	    open == pat)
		return 0;
	*start = strtol(open + 1, &e, 10);
	if (e == open + 1 || (*e != ']' && *e != ':' && *e != '-'))
		return 0;
	*is_range = (*e != ']');
	if (*is_range && open[1] == '-')
		return 0;
	colon = e;
	if (!*is_range)
		return e[1] == '\0' ? (*open = '\0', 1) : 0;
	if (colon[1] == ']') {
		*end = -1;
		e = colon + 1;
	} else if (isdigit((unsigned char)colon[1])) {
		*end = strtol(colon + 1, &e, 10);
	} else {
		return 0;
	}
	if (*e != ']' || e[1])
		return 0;
	*open = '\0';
	return 1;
}

static int match_one(const struct inventory *inv, const char *pattern, struct hostlist *out,
		     struct buf *err)
{
	char *expr = xstrdup(pattern[0] == '&' || pattern[0] == '!' ? pattern + 1 : pattern);
	struct hostlist all = { 0 };
	long start = 0, end = 0, n;
	int is_range = 0, sub, r = -1;

	sub = split_subscript(expr, &start, &end, &is_range);
	if (enumerate(inv, expr, &all, err) < 0)
		goto out;
	n = (long)all.nr;
	if (sub && n) {
		if (start < 0)
			start += n;
		if (!is_range || end == 0) {
			if (start < 0 || start >= n) {
				buf_setf(err, "No hosts matched the subscripted pattern '%s'", pattern);
				goto out;
			}
			end = start;
		} else if (end < 0 || end >= n) {
			end = n - 1;
		}
		for (; start <= end && start < n; start++)
			hl_add(out, all.v[start]);
	} else {
		for (n = 0; (size_t)n < all.nr; n++)
			hl_add(out, all.v[n]);
	}
	r = 0;
out:
	free(all.v);
	free(expr);
	return r;
}

/* Ansible's order_patterns() + _evaluate_patterns(). */
static int evaluate(const struct inventory *inv, const struct strvec *pats, struct hostlist *hl,
		    struct buf *err)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < pats->nr; i++) {
			const char *p = pats->v[i];
			int kind = p[0] == '&' ? 1 : p[0] == '!' ? 2 : 0;
			struct hostlist that = { 0 };
			struct host *h;

			if (!*p || kind != pass)
				continue;
			if (kind == 0 && (h = inventory_find_host(inv, p))) {
				hl_add(hl, h);
				continue;
			}
			if (match_one(inv, p, &that, err) < 0)
				return free(that.v), -1;
			if (kind == 0)
				for (size_t k = 0; k < that.nr; k++)
					hl_add(hl, that.v[k]);
			else
				hl_filter(hl, &that, kind == 1);
			free(that.v);
		}
	return 0;
}

static int evaluate_all(const struct inventory *inv, struct strvec *pats, struct hostlist *hl,
			struct buf *err)
{
	size_t i;
	int regular = 0;

	for (i = 0; i < pats->nr; i++)
		if (pats->v[i][0] && pats->v[i][0] != '&' && pats->v[i][0] != '!')
			regular = 1;
	if (!regular)
		strvec_push(pats, "all");
	return evaluate(inv, pats, hl, err);
}

int inventory_select(const struct inventory *inv, const char *pattern, struct host ***hosts,
		     size_t *nr, struct buf *err)
{
	struct strvec pats = STRVEC_INIT;
	struct hostlist hl = { 0 };
	int r;

	split_pattern(pattern, &pats);
	r = evaluate_all(inv, &pats, &hl, err);
	strvec_clear(&pats);
	if (r < 0) {
		free(hl.v);
		return -1;
	}
	*hosts = hl.v;
	*nr = hl.nr;
	return 0;
}

static int read_limit_file(const char *path, struct strvec *out, struct buf *err)
{
	struct buf text = BUF_INIT;
	char *line, *next;

	if (buf_read_file(&text, path) < 0) {
		buf_setf(err, "Unable to find limit file %s", path);
		return -1;
	}
	for (line = text.buf; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		strvec_push(out, line);
	}
	buf_release(&text);
	split_pattern("", out); /* trims the lines */
	return 0;
}

int inventory_limit(const struct inventory *inv, const char *limit, struct host ***hosts,
		    size_t *nr, struct buf *err)
{
	struct strvec parts = STRVEC_INIT, pats = STRVEC_INIT;
	struct hostlist subset = { 0 }, cur = { *hosts, *nr, *nr };
	size_t i;
	int r = -1;

	split_pattern(limit, &parts);
	for (i = 0; i < parts.nr; i++) {
		if (parts.v[i][0] != '@')
			strvec_push(&pats, parts.v[i]);
		else if (read_limit_file(parts.v[i] + 1, &pats, err) < 0)
			goto out;
	}
	if (evaluate_all(inv, &pats, &subset, err) < 0)
		goto out;
	hl_filter(&cur, &subset, 1);
	*nr = cur.nr;
	r = 0;
out:
	free(subset.v);
	strvec_clear(&parts);
	strvec_clear(&pats);
	return r;
}
