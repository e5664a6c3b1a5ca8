/*
 * Modes as the file modules take them: octal, or symbolic worked out the way
 * GNU chmod does (modules/_files.sh lets chmod itself do it on a scratch
 * file; this is the same arithmetic without the forks). No I/O here: the
 * unit tests include this file.
 */
#include <string.h>
#include <sys/stat.h>

#include "modes.h"

#define ALL_BITS 07777
#define SET_IDS (S_ISUID | S_ISGID)

/* One "OP PERMS" of a clause, compiled as chmod compiles it. */
struct mode_change {
	char op;
	int copy;    /* PERMS is u, g or o: copy those bits */
	int x_if_x;  /* X: execute only where someone has it, or on a folder */
	mode_t who;  /* 0: nobody named, the umask decides */
	mode_t value;
};

int mode_is_octal(const char *spec, mode_t *mode)
{
	unsigned long v = 0;
	size_t i, n = strlen(spec);

	if (!n || n > 12 || strspn(spec, "01234567") != n)
		return 0;
	for (i = 0; i < n; i++)
		v = v * 8 + (unsigned long)(spec[i] - '0');
	if (v > ALL_BITS)
		return 0;
	*mode = (mode_t)v;
	return 1;
}

static mode_t who_bits(char c)
{
	switch (c) {
	case 'u': return S_ISUID | S_IRWXU;
	case 'g': return S_ISGID | S_IRWXG;
	case 'o': return S_ISVTX | S_IRWXO;
	default: return ALL_BITS;
	}
}

static mode_t perm_bits(char c)
{
	switch (c) {
	case 'r': return S_IRUSR | S_IRGRP | S_IROTH;
	case 'w': return S_IWUSR | S_IWGRP | S_IWOTH;
	case 'x': return S_IXUSR | S_IXGRP | S_IXOTH;
	case 's': return SET_IDS;
	case 't': return S_ISVTX;
	default: return 0;
	}
}

/* The bits of a u, g or o copy, spread over all three classes. */
static mode_t copy_bits(char c, mode_t cur)
{
	mode_t v = cur & (c == 'u' ? S_IRWXU : c == 'g' ? S_IRWXG : S_IRWXO), r = 0;

	if (v & (S_IRUSR | S_IRGRP | S_IROTH))
		r |= S_IRUSR | S_IRGRP | S_IROTH;
	if (v & (S_IWUSR | S_IWGRP | S_IWOTH))
		r |= S_IWUSR | S_IWGRP | S_IWOTH;
	if (v & (S_IXUSR | S_IXGRP | S_IXOTH))
		r |= S_IXUSR | S_IXGRP | S_IXOTH;
	return r;
}

/*
 * Reads "OP PERMS" at *p into c; PERMS is [rwxXst]* or one of u, g, o
 * (the grammar _files.sh checks with grep). Returns 0 or -1.
 */
static int parse_change(const char **p, mode_t who, struct mode_change *c)
{
	const char *s = *p;

	memset(c, 0, sizeof(*c));
	if (!strchr("-+=", *s) || !*s)
		return -1;
	c->op = *s++;
	c->who = who;
	if (*s && strchr("ugo", *s)) {
		c->copy = *s++;
	} else {
		for (; *s && strchr("rwxXst", *s); s++) {
			if (*s == 'X')
				c->x_if_x = 1;
			c->value |= perm_bits(*s);
		}
	}
	if (*s && *s != ',' && !strchr("-+=", *s))
		return -1;
	*p = s;
	return 0;
}

/* The mode after one change, as coreutils' mode_adjust (the umask only counts without WHO). */
static mode_t apply_change(mode_t cur, int dir, mode_t umask_bits, const struct mode_change *c)
{
	mode_t value = c->copy ? copy_bits((char)c->copy, cur) : c->value;
	mode_t mentioned = c->copy ? (c->who ? c->who & (mode_t)0777 : 0777) : value;
	mode_t omit, preserved;

	if (c->who && !c->copy)
		mentioned = c->who & value;
	if (c->x_if_x && ((cur & (S_IXUSR | S_IXGRP | S_IXOTH)) || dir))
		value |= S_IXUSR | S_IXGRP | S_IXOTH;
	omit = (dir ? SET_IDS : 0) & ~mentioned;
	value &= (c->who ? c->who : ~umask_bits) & ~omit;
	switch (c->op) {
	case '=':
		preserved = (c->who ? ~c->who : 0) | omit;
		return (cur & preserved) | value;
	case '+':
		return cur | value;
	default:
		return cur & ~value;
	}
}

/* Every clause of spec applied in turn with umask_bits; 0 or -1 (not symbolic). */
static int apply_all(const char *spec, mode_t cur, int dir, mode_t umask_bits, mode_t *mode)
{
	const char *p = spec;
	struct mode_change c;
	mode_t who;

	for (;;) {
		for (who = 0; *p && strchr("ugoa", *p); p++)
			who |= who_bits(*p);
		do {
			if (parse_change(&p, who, &c) < 0)
				return -1;
			cur = apply_change(cur, dir, umask_bits, &c) & ALL_BITS;
		} while (*p && *p != ',');
		if (!*p)
			break;
		p++;
	}
	*mode = cur;
	return 0;
}

int mode_symbolic(const char *spec, mode_t cur, int dir, mode_t umask_bits, mode_t *mode)
{
	mode_t naive;

	if (apply_all(spec, cur & ALL_BITS, dir, umask_bits, mode) < 0)
		return MODE_NOT_SYMBOLIC;
	/*
	 * chmod takes a mode that starts with '-' for an option ("chmod -w f")
	 * and then fails when the umask kept it from doing what was written.
	 */
	if (spec[0] == '-' && apply_all(spec, cur & ALL_BITS, dir, 0, &naive) == 0 &&
	    (*mode & ~naive))
		return MODE_SURPRISE;
	return 0;
}

mode_t mode_after_chmod(mode_t cur, mode_t want, int dir)
{
	/* chmod with four octal digits keeps a folder's set-id bits it does not name */
	if (dir)
		return want | (cur & SET_IDS & ~want);
	return want;
}
