#include "knownhosts.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "xalloc.h"
#include "banned.h"

/* One row per host key type, in the order we prefer them by default. */
struct hk_type {
	int type;          /* LIBSSH2_HOSTKEY_TYPE_* */
	int kh_mask;       /* LIBSSH2_KNOWNHOST_KEY_* */
	const char *name;  /* key type as written in known_hosts */
	const char *label; /* as ssh-keygen -l prints it */
	const char *algs;  /* host key algorithms that produce it */
};

static const struct hk_type hk_types[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519", "ED25519",
	  "ssh-ed25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256",
	  "ECDSA", "ecdsa-sha2-nistp256" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384",
	  "ECDSA", "ecdsa-sha2-nistp384" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521",
	  "ECDSA", "ecdsa-sha2-nistp521" },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa", "RSA",
	  "rsa-sha2-512,rsa-sha2-256,ssh-rsa" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss", "DSA", "ssh-dss" },
};

#define NFILES 2 /* user file, global file */

struct knownhosts {
	LIBSSH2_KNOWNHOSTS *kh[NFILES];
	LIBSSH2_KNOWNHOSTS *revoked[NFILES]; /* "@revoked" lines of each file */
	char *path[NFILES];
	char *name; /* "host", or "[host]:port" when port != 22 */
	enum hostkey_policy policy;
};

static const struct hk_type *hk_lookup(int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hk_types); i++)
		if (hk_types[i].type == type)
			return &hk_types[i];
	return NULL;
}

static int is_devnull(const char *path)
{
	return !path || !*path || !strcmp(path, "/dev/null");
}

/*
 * Like libssh2_knownhost_readfile, but one bad line does not hide the rest,
 * and "@revoked" lines go to their own store. @cert-authority lines are
 * skipped: drover does not check host certificates.
 */
static void load_file(LIBSSH2_KNOWNHOSTS *kh, LIBSSH2_KNOWNHOSTS *revoked, const char *path)
{
	static const char mark[] = "@revoked";
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (is_devnull(path) || !(f = fopen(path, "re")))
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *p = line + strspn(line, " \t");

		if (!strncmp(p, mark, sizeof(mark) - 1) && isspace((unsigned char)p[sizeof(mark) - 1])) {
			p += sizeof(mark) - 1;
			p += strspn(p, " \t");
			if (revoked)
				libssh2_knownhost_readline(revoked, p, strlen(p),
							   LIBSSH2_KNOWNHOST_FILE_OPENSSH);
			continue;
		}
		if (*p == '#' || *p == '\n' || *p == '\0' || *p == '@')
			continue;
		libssh2_knownhost_readline(kh, line, (size_t)n, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	}
	free(line);
	fclose(f);
}

struct knownhosts *knownhosts_load(LIBSSH2_SESSION *s, const struct ssh_opts *o)
{
	struct knownhosts *kh = xcalloc(1, sizeof(*kh));
	const char *paths[NFILES] = { o->known_hosts, o->global_known_hosts };
	char *p;
	int i;

	for (i = 0; i < NFILES; i++) {
		kh->path[i] = paths[i] ? xstrdup(paths[i]) : NULL;
		kh->kh[i] = libssh2_knownhost_init(s);
		kh->revoked[i] = libssh2_knownhost_init(s);
		if (kh->kh[i])
			load_file(kh->kh[i], kh->revoked[i], paths[i]);
	}
	if (o->port == 22 || o->port == 0)
		kh->name = xstrdup(o->host);
	else
		kh->name = xasprintf("[%s]:%d", o->host, o->port);
	/* ssh(1) lowercases the host name before looking it up. */
	for (p = kh->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	kh->policy = o->policy;
	return kh;
}

void knownhosts_free(struct knownhosts *kh)
{
	int i;

	if (!kh)
		return;
	for (i = 0; i < NFILES; i++) {
		if (kh->kh[i])
			libssh2_knownhost_free(kh->kh[i]);
		if (kh->revoked[i])
			libssh2_knownhost_free(kh->revoked[i]);
		free(kh->path[i]);
	}
	free(kh->name);
	free(kh);
}

/* LIBSSH2_KNOWNHOST_CHECK_* of key against our host name in store. */
static int check_in(LIBSSH2_KNOWNHOSTS *store, struct knownhosts *kh, const char *key, size_t len,
		    int mask)
{
	if (!store)
		return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
	return libssh2_knownhost_check(store, kh->name, key, len,
				       LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
					       mask,
				       NULL);
}

/* A dummy key mismatches exactly when some entry of that type names the host. */
static int has_type(struct knownhosts *kh, int mask)
{
	int i;

	for (i = 0; i < NFILES; i++)
		if (check_in(kh->kh[i], kh, "x", 1, mask) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
			return 1;
	return 0;
}

/*
 * Appends the algorithms of the comma-separated list that this libssh2
 * supports: libssh2 1.10's method_pref drops unknown names with an
 * overlapping memcpy, so it must never see one.
 */
static void add_supported(LIBSSH2_SESSION *s, struct buf *pref, const char *list)
{
	const char **algs = NULL;
	int n = libssh2_session_supported_algs(s, LIBSSH2_METHOD_HOSTKEY, &algs);

	while (*list) {
		size_t len = strcspn(list, ",");
		int i;

		for (i = 0; i < n; i++)
			if (strlen(algs[i]) == len && !strncmp(algs[i], list, len))
				buf_addf(pref, "%s%.*s", pref->len ? "," : "", (int)len, list);
		list += len + (list[len] == ',');
	}
	if (algs)
		libssh2_free(s, algs);
}

void knownhosts_prefer_algs(struct knownhosts *kh, LIBSSH2_SESSION *s)
{
	struct buf pref = BUF_INIT;
	int known[ARRAY_SIZE(hk_types)];
	size_t i;
	int any = 0, pass;

	for (i = 0; i < ARRAY_SIZE(hk_types); i++)
		any |= known[i] = has_type(kh, hk_types[i].kh_mask);
	if (!any)
		return;
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < ARRAY_SIZE(hk_types); i++)
			if (known[i] == pass)
				add_supported(s, &pref, hk_types[i].algs);
	/* On failure libssh2 keeps its default order. */
	if (pref.len)
		libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, pref.buf);
	buf_release(&pref);
}

static void add_base64(struct buf *out, const void *data, size_t len, int pad)
{
	size_t start = out->len;
	int n;

	buf_grow(out, 4 * ((len + 2) / 3) + 1);
	n = EVP_EncodeBlock((unsigned char *)out->buf + start, data, (int)len);
	buf_setlen(out, start + (size_t)n);
	while (!pad && out->len > start && out->buf[out->len - 1] == '=')
		buf_setlen(out, out->len - 1);
}

void knownhosts_describe_key(LIBSSH2_SESSION *s, struct buf *out)
{
	const char *hash = libssh2_hostkey_hash(s, LIBSSH2_HOSTKEY_HASH_SHA256);
	const struct hk_type *t;
	size_t len;
	int type;

	libssh2_session_hostkey(s, &len, &type);
	t = hk_lookup(type);
	buf_addf(out, "%s key ", t ? t->label : "unknown");
	if (!hash) {
		buf_addstr(out, "(no fingerprint)");
		return;
	}
	buf_addstr(out, "SHA256:");
	add_base64(out, hash, 32, 0);
}

/* The last byte of the file, '\n' for an empty or unreadable one. */
static char last_byte(const char *path, off_t size)
{
	char last = '\n';
	int fd;

	if (size <= 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return '\n';
	if (pread(fd, &last, 1, size - 1) != 1)
		last = '\n';
	close(fd);
	return last;
}

static int open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	char *dir, *slash;

	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* OpenSSH creates ~/.ssh when it is missing; one level is enough. */
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/*
 * One O_APPEND write under flock: concurrent workers adding keys never
 * interleave, and other entries are never rewritten.
 */
static int append_line(const char *path, const struct buf *line, struct buf *err)
{
	struct stat st;
	int fd, r = -1;

	if ((fd = open_append(path)) < 0)
		goto out;
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0)
		goto out;
	if (last_byte(path, st.st_size) != '\n' && write(fd, "\n", 1) != 1)
		goto out;
	if (write(fd, line->buf, line->len) != (ssize_t)line->len)
		goto out;
	r = 0;
out:
	if (r < 0)
		buf_setf(err, "cannot add the host key to %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

static int accept_new(struct knownhosts *kh, LIBSSH2_SESSION *s, const struct hk_type *t,
		      struct buf *err)
{
	struct buf line = BUF_INIT;
	const char *key;
	size_t len;
	int type, r = 0;

	if (is_devnull(kh->path[0]))
		return 0;
	key = libssh2_session_hostkey(s, &len, &type);
	buf_addf(&line, "%s %s ", kh->name, t->name);
	add_base64(&line, key, len, 1);
	buf_addch(&line, '\n');
	r = append_line(kh->path[0], &line, err);
	buf_release(&line);
	return r;
}

/* Names a key type known_hosts has for the host though it was not offered. */
static void other_types_hint(struct knownhosts *kh, struct buf *err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hk_types); i++)
		if (has_type(kh, hk_types[i].kh_mask)) {
			buf_addf(err, " (known_hosts has a %s key for it, but the server and "
				      "libssh2 did not agree on that type)",
				 hk_types[i].label);
			return;
		}
}

static void unknown_key_msg(struct knownhosts *kh, LIBSSH2_SESSION *s, struct buf *err)
{
	buf_setf(err, "host key for %s is not known (", kh->name);
	knownhosts_describe_key(s, err);
	buf_addstr(err, "); add it to known_hosts, or use --host-key-checking=accept-new");
	other_types_hint(kh, err);
}

static void changed_key_msg(struct knownhosts *kh, LIBSSH2_SESSION *s, int file,
			    struct buf *err)
{
	buf_setf(err, "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for %s: offered ", kh->name);
	knownhosts_describe_key(s, err);
	buf_addf(err, ", known_hosts %s has a different key; refusing to connect",
		 kh->path[file]);
}

int knownhosts_verify(struct knownhosts *kh, LIBSSH2_SESSION *s, struct buf *err)
{
	const struct hk_type *t;
	const char *key;
	size_t len;
	int type, i, changed = -1;

	key = libssh2_session_hostkey(s, &len, &type);
	t = key ? hk_lookup(type) : NULL;
	if (!t) {
		buf_setf(err, "%s offered a host key of a type drover cannot check", kh->name);
		return -1;
	}
	for (i = 0; i < NFILES; i++) {
		if (check_in(kh->revoked[i], kh, key, len, t->kh_mask) == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
			buf_setf(err, "host key for %s is marked @revoked in %s: ", kh->name,
				 kh->path[i]);
			knownhosts_describe_key(s, err);
			buf_addstr(err, "; refusing to connect");
			return -1;
		}
	}
	for (i = 0; i < NFILES; i++) {
		int st = check_in(kh->kh[i], kh, key, len, t->kh_mask);

		if (st == LIBSSH2_KNOWNHOST_CHECK_MATCH)
			return 0;
		if (st == LIBSSH2_KNOWNHOST_CHECK_MISMATCH && changed < 0)
			changed = i;
	}
	if (changed >= 0) {
		changed_key_msg(kh, s, changed, err);
		return -1;
	}
	if (kh->policy == HOSTKEY_NO)
		return 0;
	if (kh->policy == HOSTKEY_ACCEPT_NEW)
		return accept_new(kh, s, t, err);
	unknown_key_msg(kh, s, err);
	return -1;
}
