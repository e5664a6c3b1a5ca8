#include "transfer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "jsonutil.h"
#include "strvec.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

/* A folder's entries in the order they travel: parents before children. */
struct tree {
	json_t *paths, *types, *sizes, *sums, *modes;
	struct buf data;
};

static void hex_digest(const EVP_MD *md, const void *data, size_t len, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (!EVP_Digest(data, len, d, &n, md, NULL))
		BUG("digest failed");
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static const char *arg_str(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

static void set_str(json_t *args, const char *key, const char *value)
{
	json_object_set_new(args, key, json_string(value));
}

/* The file's bytes as the module's data, with their checksum and size. */
static void set_data(json_t *args, const char *data, size_t len)
{
	struct buf b64 = BUF_INIT;
	char sha1[41];

	hex_digest(EVP_sha1(), data, len, sha1);
	base64_encode(&b64, data, len);
	set_str(args, "_drover_data_b64", b64.buf);
	set_str(args, "_drover_src_sha1", sha1);
	json_object_set_new(args, "_drover_src_size", json_integer((json_int_t)len));
	buf_release(&b64);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted, without . and .. */
static int list_dir(const char *dir, struct strvec *names, struct buf *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		buf_setf(err, "could not read folder %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strvec_push(names, de->d_name);
	closedir(d);
	if (names->nr)
		qsort(names->v, names->nr, sizeof(*names->v), cmp_names);
	return 0;
}

static int add_entry(struct tree *t, const char *local, const char *rel, struct buf *err);

static int add_dir(struct tree *t, const char *local, const char *rel, struct buf *err)
{
	struct strvec names = STRVEC_INIT;
	size_t i;
	int r = list_dir(local, &names, err);

	for (i = 0; !r && i < names.nr; i++) {
		char *l = xasprintf("%s/%s", local, names.v[i]);
		char *sub = *rel ? xasprintf("%s/%s", rel, names.v[i]) : xstrdup(names.v[i]);

		r = add_entry(t, l, sub, err);
		free(l);
		free(sub);
	}
	strvec_clear(&names);
	return r;
}

/* One file or folder (symbolic links followed, as Ansible's local_follow). */
static int add_entry(struct tree *t, const char *local, const char *rel, struct buf *err)
{
	struct buf data = BUF_INIT;
	struct stat st;
	char sha1[41] = "", mode[8];
	int r = 0, is_dir;

	if (stat(local, &st) < 0 || (!S_ISDIR(st.st_mode) && buf_read_file(&data, local) < 0)) {
		buf_setf(err, "could not read %s: %s", local, strerror(errno));
		return -1;
	}
	if (strchr(rel, '\n')) {
		buf_setf(err, "%s: file names with a newline are not supported", local);
		return -1;
	}
	is_dir = S_ISDIR(st.st_mode);
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st.st_mode & 07777));
	if (!is_dir)
		hex_digest(EVP_sha1(), data.buf, data.len, sha1);
	if (*rel) {
		json_array_append_new(t->paths, json_string(rel));
		json_array_append_new(t->types, json_string(is_dir ? "d" : "f"));
		json_array_append_new(t->sizes, json_integer((json_int_t)data.len));
		json_array_append_new(t->sums, json_string(sha1));
		json_array_append_new(t->modes, json_string(mode));
		buf_add(&t->data, data.buf, data.len);
	}
	if (is_dir)
		r = add_dir(t, local, rel, err);
	buf_release(&data);
	return r;
}

/* A folder: "dir" travels as dir/..., "dir/" as its contents. */
static int prepare_dir(json_t *args, const char *src, struct buf *err)
{
	struct tree t = { json_array(), json_array(), json_array(), json_array(), json_array(),
			  BUF_INIT };
	size_t n = strlen(src);
	char *copy = xstrdup(src), *base, abs[PATH_MAX];
	int r;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/');
	base = base ? base + 1 : copy;
	r = add_entry(&t, copy, src[strlen(src) - 1] == '/' ? "" : base, err);
	if (!r) {
		char *label = xasprintf("%s%s", realpath(copy, abs) ? abs : copy,
					src[strlen(src) - 1] == '/' && strcmp(copy, "/") ? "/" : "");

		set_str(args, "_drover_src_label", label);
		free(label);
		set_str(args, "_drover_kind", "dir");
		set_data(args, t.data.buf, t.data.len);
		json_object_set_new(args, "_drover_paths", t.paths);
		json_object_set_new(args, "_drover_types", t.types);
		json_object_set_new(args, "_drover_sizes", t.sizes);
		json_object_set_new(args, "_drover_sums", t.sums);
		json_object_set_new(args, "_drover_modes", t.modes);
	} else {
		json_decref(t.paths);
		json_decref(t.types);
		json_decref(t.sizes);
		json_decref(t.sums);
		json_decref(t.modes);
	}
	buf_release(&t.data);
	free(copy);
	return r;
}

static int prepare_file(json_t *args, const char *src, const struct stat *st, struct buf *err)
{
	struct buf data = BUF_INIT;
	char mode[8], abs[PATH_MAX];
	const char *base = strrchr(src, '/');

	if (buf_read_file(&data, src) < 0) {
		buf_setf(err, "could not read %s: %s", src, strerror(errno));
		buf_release(&data);
		return -1;
	}
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	set_str(args, "_drover_kind", "file");
	set_data(args, data.buf, data.len);
	set_str(args, "_drover_src_mode", mode);
	set_str(args, "_drover_src_name", base ? base + 1 : src);
	set_str(args, "_drover_src_label", realpath(src, abs) ? abs : src);
	buf_release(&data);
	return 0;
}

static int prepare_src(json_t *args, const char *src, struct buf *err)
{
	struct stat st;

	if (stat(src, &st) < 0) {
		buf_setf(err, "Could not find or access '%s' on the Ansible Controller.\n"
			      "If you are using a module and expect the file to exist on the remote, "
			      "see the remote_src option", src);
		return -1;
	}
	return S_ISDIR(st.st_mode) ? prepare_dir(args, src, err) : prepare_file(args, src, &st, err);
}

/* base64 of "$ANSIBLE_VAULT;": a vault file is recognized without decoding it all */
#define VAULT_B64_PREFIX "JEFOU0lCTEVfVkFVTFQ7"

/* What set_data wrote, to be cached. New reference. */
static json_t *data_fields(json_t *args)
{
	return json_pack("{s:O, s:O, s:O}", "_drover_data_b64",
			 json_object_get(args, "_drover_data_b64"), "_drover_src_sha1",
			 json_object_get(args, "_drover_src_sha1"), "_drover_src_size",
			 json_object_get(args, "_drover_src_size"));
}

int transfer_decrypt_copy(json_t *args, const struct vault_secrets *s, json_t *cache,
			  struct buf *err)
{
	const char *b64 = arg_str(args, "_drover_data_b64"), *src = arg_str(args, "src");
	const char *sum = arg_str(args, "_drover_src_sha1");
	struct buf data = BUF_INIT, plain = BUF_INIT;
	char key[48]; /* the ciphertext's checksum: set_data replaces sum's string */
	json_t *hit;
	int r = 0;

	if (!b64 || !src || !sum || strncmp(b64, VAULT_B64_PREFIX, strlen(VAULT_B64_PREFIX)) ||
	    strcmp(arg_str(args, "_drover_kind") ?: "", "file") ||
	    json_is_false(json_object_get(args, "decrypt")))
		return 0;
	snprintf(key, sizeof(key), "%s", sum);
	if (cache && (hit = json_object_get(cache, key))) {
		json_object_update(args, hit);
		return 0;
	}
	if (base64_decode(&data, b64, strlen(b64)) == 0 && vault_is_encrypted(data.buf, data.len)) {
		if (!s || vault_decrypt(data.buf, data.len, s, src, &plain, NULL, err) < 0) {
			if (!s)
				buf_setf(err, "A vault password must be given to decrypt %s", src);
			r = -1;
		} else {
			set_data(args, plain.buf, plain.len);
			if (cache)
				json_object_set_new(cache, key, data_fields(args));
		}
	}
	vault_buf_wipe(&plain);
	buf_release(&data);
	return r;
}

int transfer_prepare_copy(json_t *args, struct buf *err)
{
	const char *src = arg_str(args, "src"), *content = arg_str(args, "content");

	if (src && content) {
		buf_setf(err, "src and content are mutually exclusive");
		return -1;
	}
	if (!arg_str(args, "dest")) {
		buf_setf(err, "dest is required");
		return -1;
	}
	if (!src && !content) {
		buf_setf(err, "src (or content) is required");
		return -1;
	}
	if (json_is_true(json_object_get(args, "remote_src")))
		return content ? (buf_setf(err, "remote_src is meant to be used with src"), -1) : 0;
	if (src)
		return prepare_src(args, src, err);
	set_str(args, "_drover_kind", "file");
	set_data(args, content, strlen(content));
	set_str(args, "_drover_src_label", "(content)");
	return 0;
}

/* ---- fetch ---- */

/* The controller path a fetched file goes to, as Ansible's fetch builds it. */
static char *fetch_dest(json_t *args, const char *host, const char *src)
{
	const char *dest = arg_str(args, "dest");
	char cwd[PATH_MAX], *joined;

	if (json_is_true(json_object_get(args, "flat"))) {
		const char *base = strrchr(src, '/');
		size_t n = strlen(dest);

		joined = n && dest[n - 1] == '/' ? xasprintf("%s%s", dest, base ? base + 1 : src)
						 : xstrdup(dest);
	} else {
		joined = xasprintf("%s%s%s%s%s", dest, dest[strlen(dest) - 1] == '/' ? "" : "/",
				   host, *src == '/' ? "" : "/", src);
	}
	if (*joined != '/' && getcwd(cwd, sizeof(cwd))) {
		char *abs = xasprintf("%s/%s", cwd, joined);

		free(joined);
		joined = abs;
	}
	return joined;
}

/* mkdir -p of path's parent folders. */
static int make_parents(const char *path, struct buf *err)
{
	char *p = xstrdup(path), *s;
	int r = 0;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			buf_setf(err, "could not create folder %s: %s", p, strerror(errno));
			r = -1;
			break;
		}
		*s = '/';
	}
	free(p);
	return r;
}

/* Writes data to path through a temp file in the same folder and a rename. */
static int write_atomic(const char *path, const struct buf *data, struct buf *err)
{
	char *tmp = xasprintf("%s.drover-%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), r = -1;
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		goto out;
	while (off < data->len) {
		n = write(fd, data->buf + off, data->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (close(fd) == 0 && off == data->len && rename(tmp, path) == 0)
		r = 0;
out:
	if (r < 0) {
		buf_setf(err, "could not write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return r;
}

static void set_failed(json_t *result, const char *msg)
{
	json_object_clear(result);
	json_object_set_new(result, "changed", json_false());
	json_object_set_new(result, "failed", json_true());
	set_str(result, "msg", msg);
}

/* Checks the fetched bytes and stores them unless dest has them already. */
static int store(json_t *args, json_t *result, const char *dest, struct buf *data,
		 struct buf *err)
{
	char *remote = arg_str(result, "checksum") ? xstrdup(arg_str(result, "checksum")) : NULL;
	struct buf old = BUF_INIT;
	char sha1[41], oldsum[41] = "", md5[33];
	int r = 0, changed;

	hex_digest(EVP_sha1(), data->buf, data->len, sha1);
	hex_digest(EVP_md5(), data->buf, data->len, md5);
	if (json_is_true(json_object_get(args, "validate_checksum")) && remote &&
	    strcmp(remote, sha1)) {
		buf_setf(err, "checksum mismatch");
		free(remote);
		return -1;
	}
	if (buf_read_file(&old, dest) == 0)
		hex_digest(EVP_sha1(), old.buf, old.len, oldsum);
	buf_release(&old);
	changed = strcmp(oldsum, sha1) != 0;
	if (changed && !json_is_true(json_object_get(args, "_ansible_check_mode")))
		r = make_parents(dest, err) < 0 ? -1 : write_atomic(dest, data, err);
	if (r == 0) {
		json_object_set_new(result, "changed", json_boolean(changed));
		set_str(result, "checksum", sha1);
		set_str(result, "dest", dest);
		set_str(result, "md5sum", md5);
		if (changed) {
			json_object_del(result, "file");
			set_str(result, "remote_checksum", remote ? remote : sha1);
			json_object_set_new(result, "remote_md5sum", json_null());
		}
	}
	free(remote);
	return r;
}

int transfer_store_fetch(json_t *args, const char *inventory_hostname, json_t *result,
			 struct buf *err)
{
	const char *content = arg_str(result, "content");
	const char *src = arg_str(result, "file");
	struct buf data = BUF_INIT;
	char *dest;
	int r;

	if (json_is_true(json_object_get(result, "failed")) || !content || !src)
		return 0; /* the module's own failure, or a missing file it may ignore */
	if (base64_decode(&data, content, strlen(content)) < 0) {
		buf_setf(err, "the fetched content is not base64");
		set_failed(result, err->buf);
		return -1;
	}
	json_object_del(result, "content");
	json_object_del(result, "encoding");
	dest = fetch_dest(args, inventory_hostname, src);
	r = store(args, result, dest, &data, err);
	if (r < 0)
		set_failed(result, err->buf);
	if (r < 0 && !strcmp(err->buf, "checksum mismatch"))
		json_object_set_new(result, "file", json_string(src));
	free(dest);
	buf_release(&data);
	return r;
}

/* ---- diffs ---- */

static void decode_one(json_t *diff)
{
	static const char *const keys[] = { "before", "after" };
	struct buf text = BUF_INIT;
	const char *b64;
	char *name;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		name = xasprintf("%s_b64", keys[i]);
		b64 = arg_str(diff, name);
		if (b64 && base64_decode(&text, b64, strlen(b64)) == 0)
			json_object_set_new(diff, keys[i], json_string_lossy(text.buf, text.len));
		json_object_del(diff, name);
		buf_reset(&text);
		free(name);
	}
	buf_release(&text);
}

void transfer_decode_diff(json_t *result)
{
	json_t *diff = json_object_get(result, "diff"), *d;
	size_t i;

	if (json_is_object(diff))
		decode_one(diff);
	json_array_foreach(diff, i, d)
		if (json_is_object(d))
			decode_one(d);
}
