/*
 * lookup('password', 'PATH length=N chars=SETS'): a random password, kept
 * in PATH (created 0600) so later runs read the same one; /dev/null keeps
 * nothing.
 */
#include "jinja_filters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/rand.h>

#include "jinja_filters_int.h"
#include "jsonutil.h"
#include "xalloc.h"
#include "banned.h"

/* The characters a password may use: names of Python's string constants, or literal text. */
static void password_chars(struct buf *out, const char *spec, size_t len)
{
	static const char *const sets[][2] = {
		{"ascii_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"ascii_lowercase", "abcdefghijklmnopqrstuvwxyz"},
		{"ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"digits", "0123456789"},
		{"hexdigits", "0123456789abcdefABCDEF"},
		{"octdigits", "01234567"},
		{"punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"},
	};
	const char *p = spec, *e, *end = spec + len;
	size_t i;

	while (p < end) {
		/* ",," stands for a comma itself. */
		if (p[0] == ',' && p + 1 < end && p[1] == ',') {
			buf_addch(out, ',');
			p += 2;
			continue;
		}
		e = memchr(p, ',', (size_t)(end - p));
		e = e ? e : end;
		for (i = 0; i < ARRAY_SIZE(sets); i++)
			if (strlen(sets[i][0]) == (size_t)(e - p) &&
			    !strncmp(p, sets[i][0], (size_t)(e - p)))
				break;
		if (i < ARRAY_SIZE(sets))
			buf_addstr(out, sets[i][1]);
		else
			buf_add(out, p, (size_t)(e - p));
		p = e + (e < end);
	}
}

static void password_random(struct buf *out, const char *chars, size_t n)
{
	size_t nchars = strlen(chars), i;
	unsigned char r;

	for (i = 0; i < n && nchars; i++) {
		do {
			if (RAND_bytes(&r, 1) != 1)
				BUG("RAND_bytes failed");
		} while (r >= 256 - 256 % nchars);
		buf_addch(out, chars[r % nchars]);
	}
}

struct password_term {
	char *path;
	long length;
	struct buf chars;
};

static int password_parse(const char *term, struct password_term *pt, struct buf *err)
{
	const char *p = strchrnul(term, ' '), *e;

	pt->path = xstrndup(term, (size_t)(p - term));
	pt->length = 20;
	buf_init(&pt->chars, 0);
	for (; *p; p = e) {
		p += strspn(p, " ");
		e = strchrnul(p, ' ');
		if (!strncmp(p, "length=", 7))
			pt->length = strtol(p + 7, NULL, 10);
		else if (!strncmp(p, "chars=", 6))
			password_chars(&pt->chars, p + 6, (size_t)(e - p - 6));
		else if (e > p && strncmp(p, "seed=", 5) && strncmp(p, "encrypt=", 8)) {
			buf_setf(err, "Unrecognized value after key=value parameters given to "
				      "password lookup");
			return -1;
		}
	}
	if (!pt->chars.len)
		buf_addstr(&pt->chars,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_");
	return 0;
}

/* The stored password (first line, before " salt="), or a new one written to the file. */
static int password_file(const struct jinja_ctx *ctx, struct password_term *pt, struct buf *out,
			 struct buf *err)
{
	const char *base =
		ctx && ctx->search_paths && ctx->search_paths[0] ? ctx->search_paths[0] : ".";
	char *path = pt->path[0] == '/' ? xstrdup(pt->path) : xasprintf("%s/%s", base, pt->path);
	char *dir = NULL, *salt;
	FILE *f;
	int r = 0;

	if (buf_read_file(out, path) == 0) {
		buf_setlen(out, strcspn(out->buf, "\n"));
		if ((salt = strstr(out->buf, " salt=")))
			buf_setlen(out, (size_t)(salt - out->buf));
		free(path);
		return 0;
	}
	password_random(out, pt->chars.buf, (size_t)(pt->length > 0 ? pt->length : 0));
	if (strchr(path, '/') && (dir = xstrndup(path, (size_t)(strrchr(path, '/') - path))))
		mkdir(dir, 0700);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", out->buf) < 0 || fclose(f) != 0) {
		buf_setf(err, "password lookup: cannot write %s: %s", path, strerror(errno));
		r = -1;
	} else {
		chmod(path, 0600);
	}
	free(dir);
	free(path);
	return r;
}

static json_t *l_password(const struct jinja_call *call, struct buf *err)
{
	json_t *out = json_array(), *term;
	struct password_term pt;
	struct buf pw = BUF_INIT;
	const char *s;
	size_t i;
	int r;

	json_array_foreach(call->args, i, term) {
		if (!(s = jf_term_str(term, "password", err)))
			goto fail;
		r = password_parse(s, &pt, err);
		buf_reset(&pw);
		if (!r && !strcmp(pt.path, "/dev/null"))
			password_random(&pw, pt.chars.buf, (size_t)(pt.length > 0 ? pt.length : 0));
		else if (!r)
			r = password_file(call->ctx, &pt, &pw, err);
		free(pt.path);
		buf_release(&pt.chars);
		if (r < 0)
			goto fail;
		json_array_append_new(out, json_string_lossy(pw.buf, pw.len));
	}
	buf_release(&pw);
	return out;
fail:
	buf_release(&pw);
	json_decref(out);
	return NULL;
}

static const struct jf_lookup password_lookups[] = {
	{"password", l_password},
};

const struct jf_lookup_table jf_password_lookups = {password_lookups, ARRAY_SIZE(password_lookups)};
