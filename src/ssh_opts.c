#include "ssh.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "kv.h"
#include "xalloc.h"
#include "banned.h"

/*
 * OpenSSH options from "-o" words and ssh_config files. Values are stored
 * raw; ssh_opts_finish expands ~ and %-tokens in paths once the host and
 * user are final, as ssh(1) does after reading every source.
 */

#define DEFAULT_CONNECT_TIMEOUT 10
#define DEFAULT_KEEPALIVE 15

void ssh_opts_init(struct ssh_opts *o)
{
	memset(o, 0, sizeof(*o));
	strvec_init(&o->identity_files);
	o->policy = HOSTKEY_STRICT;
}

void ssh_opts_release(struct ssh_opts *o)
{
	free(o->host);
	free(o->user);
	free(o->password);
	free(o->key_passphrase);
	free(o->known_hosts);
	free(o->global_known_hosts);
	strvec_clear(&o->identity_files);
	ssh_opts_init(o);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void ssh_opts_copy(struct ssh_opts *dst, const struct ssh_opts *src)
{
	size_t i;

	*dst = *src;
	dst->host = dup_or_null(src->host);
	dst->user = dup_or_null(src->user);
	dst->password = dup_or_null(src->password);
	dst->key_passphrase = dup_or_null(src->key_passphrase);
	dst->known_hosts = dup_or_null(src->known_hosts);
	dst->global_known_hosts = dup_or_null(src->global_known_hosts);
	strvec_init(&dst->identity_files);
	for (i = 0; i < src->identity_files.nr; i++)
		strvec_push(&dst->identity_files, src->identity_files.v[i]);
}

int ssh_opts_parse_policy(const char *s, enum hostkey_policy *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "ask") || !strcasecmp(s, "true"))
		*out = HOSTKEY_STRICT;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "off") || !strcasecmp(s, "false"))
		*out = HOSTKEY_NO;
	else if (!strcasecmp(s, "accept-new"))
		*out = HOSTKEY_ACCEPT_NEW;
	else
		return -1;
	return 0;
}

/* Path expansion ------------------------------------------------------- */

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && *h)
		return h;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

static char *local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");

	if (pw && pw->pw_name)
		return xstrdup(pw->pw_name);
	return xstrdup(u && *u ? u : "root");
}

static int valid_token(int c, const char *allowed)
{
	return c == '%' || (c && strchr(allowed, c));
}

/* Checks that every % in s starts a token from allowed; -1 names the bad one. */
static int check_tokens(const char *s, const char *allowed, struct buf *err)
{
	for (; (s = strchr(s, '%')); s += 2)
		if (!valid_token(s[1], allowed)) {
			buf_setf(err, "unknown token %%%c", s[1] ? s[1] : ' ');
			return -1;
		}
	return 0;
}

static void add_token(struct buf *out, int c, const struct ssh_opts *o)
{
	switch (c) {
	case 'd': buf_addstr(out, home_dir()); break;
	case 'u': {
		char *u = local_user();

		buf_addstr(out, u);
		free(u);
		break;
	}
	case 'h': buf_addstr(out, o->host ? o->host : ""); break;
	case 'r': buf_addstr(out, o->user ? o->user : ""); break;
	case 'p': buf_addf(out, "%d", o->port ? o->port : 22); break;
	default: buf_addch(out, c); break;
	}
}

/* ~ and %d %u %h %r %p %% expanded against o; the caller frees. */
static char *expand_path(const char *s, const struct ssh_opts *o)
{
	struct buf out = BUF_INIT;

	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		buf_addstr(&out, home_dir());
		s++;
	}
	for (; *s; s++) {
		if (*s == '%' && s[1])
			add_token(&out, *++s, o);
		else
			buf_addch(&out, *s);
	}
	return buf_detach(&out, NULL);
}

static void expand_in_place(char **p, const struct ssh_opts *o)
{
	char *e;

	if (!*p)
		return;
	e = expand_path(*p, o);
	free(*p);
	*p = e;
}

static void add_default_identities(struct ssh_opts *o)
{
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = xasprintf("%s/.ssh/%s", home_dir(), names[i]);

		if (access(p, R_OK) == 0)
			strvec_push_nodup(&o->identity_files, p);
		else
			free(p);
	}
}

void ssh_opts_finish(struct ssh_opts *o)
{
	size_t i;

	if (o->finished)
		return;
	o->finished = 1;
	if (!o->port)
		o->port = 22;
	if (!o->user)
		o->user = local_user();
	if (!o->known_hosts)
		o->known_hosts = xstrdup("~/.ssh/known_hosts");
	if (!o->global_known_hosts)
		o->global_known_hosts = xstrdup("/etc/ssh/ssh_known_hosts");
	if (!o->connect_timeout)
		o->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	if (!o->keepalive_interval)
		o->keepalive_interval = DEFAULT_KEEPALIVE;
	expand_in_place(&o->known_hosts, o);
	expand_in_place(&o->global_known_hosts, o);
	for (i = 0; i < o->identity_files.nr; i++)
		expand_in_place(&o->identity_files.v[i], o);
	if (!o->identity_files.nr)
		add_default_identities(o);
}

/* Words ------------------------------------------------------------------ */

/* Keywords ---------------------------------------------------------------- */

struct optctx {
	struct ssh_opts *o;
	const char *alias;     /* what %h means in HostName; may be NULL */
	struct buf *warnings;  /* may be NULL */
	const char *where;     /* "-o" or "file:line" for warnings */
};

typedef int (*opt_fn)(struct optctx *c, const char *kw, const char *arg, struct buf *err);

static int parse_yesno(const char *s, int *out, struct buf *err)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true"))
		*out = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false"))
		*out = 0;
	else {
		buf_setf(err, "expected yes or no, not '%s'", s);
		return -1;
	}
	return 0;
}

/* Seconds, with an optional s/m/h suffix as in OpenSSH's convtime. */
static int parse_seconds(const char *s, int *out, struct buf *err)
{
	char *end;
	long v;
	int mult = 1;

	if (!strcasecmp(s, "none")) {
		*out = 0;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end && !end[1])
		mult = (*end == 's' || *end == 'S')   ? 1
		       : (*end == 'm' || *end == 'M') ? 60
		       : (*end == 'h' || *end == 'H') ? 3600
						      : 0;
	if (errno || end == s || (*end && (mult == 0 || end[1])) || v < 0 || v > INT_MAX / 3600) {
		buf_setf(err, "invalid time value '%s'", s);
		return -1;
	}
	*out = (int)v * mult;
	return 0;
}

static int opt_hostname(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	struct buf h = BUF_INIT;
	const char *p;

	(void)kw;
	if (c->o->set_host)
		return 0;
	for (p = arg; *p; p++) {
		if (*p == '%' && (p[1] == 'h' || p[1] == '%')) {
			buf_addstr(&h, p[1] == '%' ? "%" : c->alias ? c->alias : "");
			p++;
		} else if (*p == '%') {
			buf_setf(err, "unknown token %%%c in HostName", p[1] ? p[1] : ' ');
			buf_release(&h);
			return -1;
		} else {
			buf_addch(&h, *p);
		}
	}
	free(c->o->host);
	c->o->host = buf_detach(&h, NULL);
	c->o->set_host = 1;
	return 0;
}

static int opt_user(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	(void)kw;
	(void)err;
	if (!c->o->set_user) {
		free(c->o->user);
		c->o->user = xstrdup(arg);
		c->o->set_user = 1;
	}
	return 0;
}

static int opt_port(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	char *end;
	long v;

	(void)kw;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > 65535) {
		buf_setf(err, "invalid port '%s'", arg);
		return -1;
	}
	if (!c->o->set_port) {
		c->o->port = (int)v;
		c->o->set_port = 1;
	}
	return 0;
}

static int opt_identityfile(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	(void)kw;
	if (check_tokens(arg, "dhrup", err) < 0)
		return -1;
	/* IdentityFile accumulates across every source, as in OpenSSH. */
	if (!strvec_contains(&c->o->identity_files, arg))
		strvec_push(&c->o->identity_files, arg);
	return 0;
}

static int opt_identitiesonly(struct optctx *c, const char *kw, const char *arg,
			      struct buf *err)
{
	int v;

	(void)kw;
	if (parse_yesno(arg, &v, err) < 0)
		return -1;
	if (!c->o->set_identities_only) {
		c->o->identities_only = v;
		c->o->set_identities_only = 1;
	}
	return 0;
}

static int opt_connecttimeout(struct optctx *c, const char *kw, const char *arg,
			      struct buf *err)
{
	int v;

	(void)kw;
	if (parse_seconds(arg, &v, err) < 0)
		return -1;
	if (!c->o->set_timeout) {
		c->o->connect_timeout = v;
		c->o->set_timeout = 1;
	}
	return 0;
}

static int opt_serveralive(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	int v;

	(void)kw;
	if (parse_seconds(arg, &v, err) < 0)
		return -1;
	if (!c->o->set_keepalive) {
		c->o->keepalive_interval = v;
		c->o->set_keepalive = 1;
	}
	return 0;
}

static int set_path(char **dst, const char *arg, struct buf *err)
{
	if (check_tokens(arg, "dhrup", err) < 0)
		return -1;
	free(*dst);
	*dst = xstrdup(arg);
	return 0;
}

static int opt_knownhosts(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	(void)kw;
	if (c->o->set_known_hosts)
		return check_tokens(arg, "dhrup", err);
	c->o->set_known_hosts = 1;
	return set_path(&c->o->known_hosts, arg, err);
}

static int opt_globalknownhosts(struct optctx *c, const char *kw, const char *arg,
				struct buf *err)
{
	(void)kw;
	if (c->o->set_global_known_hosts)
		return check_tokens(arg, "dhrup", err);
	c->o->set_global_known_hosts = 1;
	return set_path(&c->o->global_known_hosts, arg, err);
}

static int opt_stricthostkey(struct optctx *c, const char *kw, const char *arg,
			     struct buf *err)
{
	enum hostkey_policy p;

	(void)kw;
	if (ssh_opts_parse_policy(arg, &p) < 0) {
		buf_setf(err, "invalid StrictHostKeyChecking value '%s'", arg);
		return -1;
	}
	if (!c->o->set_policy) {
		c->o->policy = p;
		c->o->set_policy = 1;
	}
	return 0;
}

/* Options with no effect on drover: it keeps one session per host anyway. */
static int opt_quiet(struct optctx *c, const char *kw, const char *arg, struct buf *err)
{
	(void)c;
	(void)kw;
	(void)arg;
	(void)err;
	return 0;
}

static const struct keyword {
	const char *name;
	opt_fn fn;
} keywords[] = {
	{ "hostname", opt_hostname },
	{ "user", opt_user },
	{ "port", opt_port },
	{ "identityfile", opt_identityfile },
	{ "identitiesonly", opt_identitiesonly },
	{ "connecttimeout", opt_connecttimeout },
	{ "serveraliveinterval", opt_serveralive },
	{ "serveralivecountmax", opt_quiet },
	{ "userknownhostsfile", opt_knownhosts },
	{ "globalknownhostsfile", opt_globalknownhosts },
	{ "stricthostkeychecking", opt_stricthostkey },
	{ "controlmaster", opt_quiet },
	{ "controlpersist", opt_quiet },
	{ "controlpath", opt_quiet },
	{ "batchmode", opt_quiet },
	{ "loglevel", opt_quiet },
};

static void warn(struct optctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct optctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->warnings)
		return;
	if (c->where)
		buf_addf(c->warnings, "%s: ", c->where);
	va_start(ap, fmt);
	buf_vaddf(c->warnings, fmt, ap);
	va_end(ap);
	buf_addch(c->warnings, '\n');
}

/* Applies one keyword with its words (args->v[0] is the keyword). */
static int apply_keyword(struct optctx *c, const struct strvec *args, struct buf *err)
{
	const char *kw = args->v[0];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++) {
		if (strcasecmp(kw, keywords[i].name))
			continue;
		if (args->nr < 2) {
			buf_setf(err, "missing argument for '%s'", kw);
			return -1;
		}
		return keywords[i].fn(c, kw, args->v[1], err);
	}
	warn(c, "ssh option '%s' is not supported by drover and is ignored", kw);
	return 0;
}

/*
 * Splits a config line into keyword and words. The keyword ends at a blank
 * or a single '=' (readconf.c's strdelim). An empty line yields no words.
 */
static int split_line(const char *line, struct strvec *out, struct buf *err)
{
	const char *p = line + strspn(line, " \t\r\n");
	size_t n = strcspn(p, " \t\r\n=");

	if (!*p || *p == '#')
		return 0;
	if (!n) {
		buf_setf(err, "missing keyword");
		return -1;
	}
	strvec_push_nodup(out, xstrndup(p, n));
	p += n;
	p += strspn(p, " \t\r\n");
	if (*p == '=')
		p++;
	return shlex_split_comments(p, 1, out, err);
}

/* -o arguments ------------------------------------------------------------ */

static int apply_o(struct optctx *c, const char *optarg, struct buf *err)
{
	struct strvec words = STRVEC_INIT;
	int r;

	r = split_line(optarg, &words, err);
	if (!r && !words.nr) {
		buf_setf(err, "empty -o option");
		r = -1;
	} else if (!r && (!strcasecmp(words.v[0], "host") || !strcasecmp(words.v[0], "match") ||
			  !strcasecmp(words.v[0], "include"))) {
		buf_setf(err, "'%s' is not allowed in -o", words.v[0]);
		r = -1;
	} else if (!r) {
		r = apply_keyword(c, &words, err);
	}
	strvec_clear(&words);
	return r;
}

/* ssh(1)'s flags that take an argument (its getopt string). */
#define SSH_ARG_FLAGS "bceilmopBDEFIJLOPQRSwW"

static int apply_flag(struct optctx *c, char flag, const char *val, struct buf *err)
{
	struct strvec kw = STRVEC_INIT;
	char name[3] = { '-', flag, '\0' };
	int r = 0;

	if (flag == 'o')
		return apply_o(c, val, err);
	strvec_push(&kw, flag == 'p' ? "Port" : flag == 'l' ? "User" : "IdentityFile");
	strvec_push(&kw, val);
	if (strchr("pli", flag))
		r = apply_keyword(c, &kw, err);
	else
		warn(c, "ssh flag '%s' is not supported by drover and is ignored", name);
	strvec_clear(&kw);
	return r;
}

/* One word of flags, getopt-style ("-4v", "-oKey=V", "-p" + next word). */
static int apply_word(struct optctx *c, char **w, size_t *i, struct buf *err)
{
	const char *p = w[*i] + 1;

	if (w[*i][0] != '-' || !*p) {
		warn(c, "ssh argument '%s' is not supported by drover and is ignored", w[*i]);
		return 0;
	}
	for (; *p; p++) {
		char name[3] = { '-', *p, '\0' };

		if (!strchr(SSH_ARG_FLAGS, *p)) {
			warn(c, "ssh flag '%s' is not supported by drover and is ignored", name);
			continue;
		}
		if (p[1])
			return apply_flag(c, *p, p + 1, err);
		if (!w[*i + 1]) {
			buf_setf(err, "ssh flag '%s' needs an argument", name);
			return -1;
		}
		return apply_flag(c, *p, w[++*i], err);
	}
	return 0;
}

int ssh_opts_apply_args(struct ssh_opts *o, const char *args, struct buf *warnings,
			struct buf *err)
{
	struct strvec words = STRVEC_INIT;
	struct optctx c = { o, o->host, warnings, NULL };
	size_t i;
	int r;

	r = shlex_split(args ? args : "", &words, err);
	for (i = 0; !r && i < words.nr; i++)
		r = apply_word(&c, words.v, &i, err);
	if (r < 0) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "ssh arguments '%s': %s", args, err->buf);
		buf_setf(err, "%s", msg.buf);
		buf_release(&msg);
	}
	strvec_clear(&words);
	return r;
}

/* ssh_config ------------------------------------------------------------- */

/* OpenSSH's match_pattern: '*' and '?' only, host names compared lowercase. */
static int glob_match(const char *s, const char *pat)
{
	for (; *pat; pat++, s++) {
		if (*pat == '*') {
			for (;; s++) {
				if (glob_match(s, pat + 1))
					return 1;
				if (!*s)
					return 0;
			}
		}
		if (!*s || (*pat != '?' && tolower((unsigned char)*pat) != tolower((unsigned char)*s)))
			return 0;
	}
	return !*s;
}

/* A Host line applies when some pattern matches and no negated one does. */
static int host_matches(const char *alias, const struct strvec *args)
{
	int hit = 0;
	size_t i;

	for (i = 1; i < args->nr; i++) {
		const char *p = args->v[i];

		if (*p == '!') {
			if (glob_match(alias, p + 1))
				return 0;
		} else if (glob_match(alias, p)) {
			hit = 1;
		}
	}
	return hit;
}

/* Returns 0/-1 for a line; updates *active on Host and Match. */
static int config_line(struct optctx *c, const char *alias, const char *line, int *active,
		       struct buf *err)
{
	struct strvec w = STRVEC_INIT;
	int r = split_line(line, &w, err);

	if (r < 0 || !w.nr)
		goto out;
	if (!strcasecmp(w.v[0], "host")) {
		if (w.nr < 2) {
			buf_setf(err, "Host needs at least one pattern");
			r = -1;
		}
		*active = host_matches(alias, &w);
	} else if (!strcasecmp(w.v[0], "match")) {
		*active = w.nr == 2 && !strcasecmp(w.v[1], "all");
		if (!*active)
			warn(c, "%s blocks are not supported by drover and are skipped", "Match");
	} else if (!*active) {
		r = 0;
	} else if (!strcasecmp(w.v[0], "include")) {
		warn(c, "%s is not supported by drover and is ignored", "Include");
	} else {
		r = apply_keyword(c, &w, err);
	}
out:
	strvec_clear(&w);
	return r;
}

int ssh_opts_apply_config_warn(struct ssh_opts *o, const char *path, const char *alias,
			       struct buf *warnings, struct buf *err)
{
	struct optctx c = { o, alias, warnings, NULL };
	struct buf where = BUF_INIT;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int r = 0, active = 1;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (errno == ENOENT)
			goto done;
		buf_setf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (!r && getline(&line, &cap, f) > 0) {
		buf_setf(&where, "%s:%zu", path, ++lineno);
		c.where = where.buf;
		r = config_line(&c, alias, line, &active, err);
	}
	if (r < 0) {
		struct buf msg = BUF_INIT;

		line[strcspn(line, "\r\n")] = '\0';
		buf_addf(&msg, "%s: %s in '%s'", where.buf, err->buf, line);
		buf_setf(err, "%s", msg.buf);
		buf_release(&msg);
	}
	free(line);
	fclose(f);
	buf_release(&where);
done:
	if (!r && !o->host && alias)
		o->host = xstrdup(alias);
	return r;
}

int ssh_opts_apply_config(struct ssh_opts *o, const char *path, const char *alias,
			  struct buf *err)
{
	return ssh_opts_apply_config_warn(o, path, alias, NULL, err);
}
