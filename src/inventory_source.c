/*
 * Inventory sources: which parser reads a path, folders of sources,
 * "a,b," host lists, group_vars/host_vars beside a source, and host
 * patterns with ranges ("web[01:20].example.com:2222").
 */
#include "inventory_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault.h"
#include "xalloc.h"
#include "yamlload.h"
#include "banned.h"

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

static int expand_one(const char *host, struct strvec *names, struct buf *err);

static int parse_bound(const char *s, long *v, int *alpha)
{
	char *end;

	if (strlen(s) == 1 && strchr(letters, *s)) {
		*alpha = 1;
		*v = strchr(letters, *s) - letters;
		return 0;
	}
	*v = strtol(s, &end, 10);
	return (*s && !*end) ? 0 : -1;
}

static int range_values(const char *beg, const char *end, long step, const char *head,
			const char *tail, struct strvec *names, struct buf *err)
{
	long b, e, i;
	int ab = 0, ae = 0, width = (beg[0] == '0' && strlen(beg) > 1) ? (int)strlen(beg) : 0;
	char *name;
	int r = 0;

	if (width && strlen(end) != (size_t)width)
		return buf_setf(err, "host range must specify equal-length begin and end formats"), -1;
	if (parse_bound(beg, &b, &ab) < 0 || parse_bound(end, &e, &ae) < 0 || ab != ae)
		return buf_setf(err, "host range bounds must be numbers or single letters"), -1;
	if (ab && b > e)
		return buf_setf(err, "host range must have begin <= end"), -1;
	if (step <= 0)
		return buf_setf(err, "host range step must be positive"), -1;
	for (i = b; i <= e && r == 0; i += step) {
		if (ab)
			name = xasprintf("%s%c%s", head, letters[i], tail);
		else
			name = xasprintf("%s%0*ld%s", head, width, i, tail);
		r = expand_one(name, names, err);
		free(name);
	}
	return r;
}

/* expand_hostname_range(): the first [beg:end(:step)] only, then recurse. */
static int expand_range(const char *host, struct strvec *names, struct buf *err)
{
	const char *open = strchr(host, '['), *close = strchr(host, ']');
	char *head = NULL, *inner = NULL, *tail, *c1, *c2;
	long step = 1;
	int r = -1;

	if (!open || !close || close < open) {
		buf_setf(err, "host range must be begin:end or begin:end:step");
		return -1;
	}
	head = xstrndup(host, open - host);
	inner = xstrndup(open + 1, close - open - 1);
	tail = (char *)close + 1;
	c1 = strchr(inner, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || (c2 && strchr(c2 + 1, ':'))) {
		buf_setf(err, "host range must be begin:end or begin:end:step");
		goto out;
	}
	*c1 = '\0';
	if (c2) {
		*c2 = '\0';
		step = atol(c2 + 1);
	}
	if (!c1[1] || (c2 && c2 == c1 + 1)) {
		buf_setf(err, "host range must specify end value");
		goto out;
	}
	r = range_values(*inner ? inner : "0", c1 + 1, step, head, tail, names, err);
out:
	free(head);
	free(inner);
	return r;
}

static int expand_one(const char *host, struct strvec *names, struct buf *err)
{
	if (strchr(host, '['))
		return expand_range(host, names, err);
	strvec_push(names, host);
	return 0;
}

/* A label character, or a whole [range] at s; returns its length or 0. */
static size_t label_atom(const char *s)
{
	const char *close;

	if (*s == '[') {
		close = strchr(s, ']');
		return (close && memchr(s, ':', close - s)) ? (size_t)(close - s + 1) : 0;
	}
	if (*s == '-' || *s == '_' || ((unsigned char)*s >= 0x80) ||
	    (*s >= '0' && *s <= '9') || strchr(letters, *s))
		return *s ? 1 : 0;
	return 0;
}

static int is_hostname(const char *s)
{
	size_t n;
	const char *label = s;

	for (;;) {
		while ((n = label_atom(s)))
			s += n;
		if (s == label || *label == '-' || s[-1] == '-')
			return 0;
		if (!*s)
			return 1;
		if (*s != '.')
			return 0;
		label = ++s;
	}
}

static int is_ipv6(const char *s)
{
	size_t colons = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '[') {
			size_t n = label_atom(p);

			if (!n)
				return 0;
			p += n - 1;
		} else if (*p == ':') {
			colons++;
		} else if (!strchr("0123456789abcdefABCDEF.", *p)) {
			return 0;
		}
	}
	return colons >= 2 && (strstr(s, "::") || colons == 7);
}

/* Splits "host:port" as Ansible's 'hostport' pattern; returns 1 if it matched. */
static int split_port(const char *s, char **host, long *port)
{
	const char *p = s, *close;

	while (*p && *p != ':') {
		if (*p == ']')
			return 0;
		if (*p == '[') {
			if (!(close = strchr(p, ']')))
				return 0;
			p = close;
		}
		p++;
	}
	if (*p != ':' || !p[1] || strspn(p + 1, "0123456789") != strlen(p + 1))
		return 0;
	*host = xstrndup(s, p - s);
	*port = atol(p + 1);
	return 1;
}

int inv_is_address(const char *s, long *port, char **host)
{
	size_t n = strlen(s);
	char *addr = xstrdup(s), *tmp, *close;

	*port = 0;
	if (s[0] == '[' && (close = strrchr(addr, ']')) && close[1] == ':' && close[2] &&
	    strspn(close + 2, "0123456789") == strlen(close + 2) && n > 4) {
		*port = atol(close + 2);
		tmp = xstrndup(addr + 1, close - addr - 1);
		free(addr);
		addr = tmp;
	}
	if (split_port(addr, &tmp, port)) {
		free(addr);
		addr = tmp;
	}
	if (is_hostname(addr) || is_ipv6(addr)) {
		*host = addr;
		return 1;
	}
	free(addr);
	*port = 0;
	return 0;
}

int inv_expand_hostpattern(const char *pattern, struct strvec *names, long *port,
			   struct buf *err)
{
	char *host = NULL;
	int r;

	if (!inv_is_address(pattern, port, &host))
		host = xstrdup(pattern);
	r = expand_one(host, names, err);
	free(host);
	return r;
}

/* ---- group_vars/ and host_vars/ ---- */

/* A vars file may be vault-encrypted as a whole. */
static int merge_vars_file(const char *path, const struct vault_secrets *vs, json_t *into,
			   struct buf *err)
{
	json_t *data;

	if (vault_yaml_load_file(path, vs, &data, err) < 0)
		return -1;
	if (!json_is_null(data) && !json_is_object(data)) {
		buf_setf(err, "%s: vars file must hold a dictionary", path);
		json_decref(data);
		return -1;
	}
	if (json_is_object(data))
		json_object_update(into, data);
	json_decref(data);
	return 0;
}

static int vars_ext_rank(const char *name, size_t *stem)
{
	static const char *const exts[] = { ".yml", ".yaml", ".json" };
	size_t n = strlen(name), i, e;

	for (i = 0; i < 3; i++) {
		e = strlen(exts[i]);
		if (n > e && !strcmp(name + n - e, exts[i])) {
			*stem = n - e;
			return (int)i + 1;
		}
	}
	*stem = n;
	return strchr(name, '.') ? -1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entry names of dir, hidden ones left out; NULL if it can't be read. */
static char **list_dir(const char *dir, size_t *nr)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t alloc = 0;

	*nr = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(v, *nr + 1, alloc);
		v[(*nr)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*nr)
		qsort(v, *nr, sizeof(*v), name_cmp);
	return v;
}

static void free_list(char **v, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

/* Every vars file under a NAME/ folder, recursively and in sorted order. */
static int merge_vars_dir(const char *dir, const struct vault_secrets *vs, json_t *into,
			  struct buf *err)
{
	size_t nr, i, stem;
	char **names = list_dir(dir, &nr), *path;
	struct stat st;
	int r = 0;

	for (i = 0; i < nr && r == 0; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			r = merge_vars_dir(path, vs, into, err);
		else if (vars_ext_rank(names[i], &stem) >= 0)
			r = merge_vars_file(path, vs, into, err);
		free(path);
	}
	free_list(names, nr);
	return r;
}

static int load_vars_entry(const char *path, const struct vault_secrets *vs, json_t *into,
			   struct buf *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return merge_vars_dir(path, vs, into, err);
	return merge_vars_file(path, vs, into, err);
}

/* dir/kind: NAME, NAME.yml, NAME.yaml, NAME.json or NAME/ — the first found wins. */
static int load_vars_kind(const char *dir, const struct vault_secrets *vs, json_t *out,
			  struct buf *err)
{
	size_t nr, i, stem;
	char **names = list_dir(dir, &nr), *key, *path;
	const char *entity;
	json_t *best = json_object(), *rank;
	int r = 0, rk;

	for (i = 0; i < nr; i++) {
		if ((rk = vars_ext_rank(names[i], &stem)) < 0)
			rk = 0, stem = strlen(names[i]);
		key = xstrndup(names[i], stem);
		rank = json_object_get(best, key);
		if (!rank || json_integer_value(json_array_get(rank, 0)) > rk)
			json_object_set_new(best, key, json_pack("[is]", rk, names[i]));
		free(key);
	}
	json_object_foreach(best, entity, rank) {
		json_t *vars = json_object();

		path = xasprintf("%s/%s", dir, json_string_value(json_array_get(rank, 1)));
		r = load_vars_entry(path, vs, vars, err);
		free(path);
		json_object_set_new(out, entity, vars);
		if (r < 0)
			break;
	}
	json_decref(best);
	free_list(names, nr);
	return r;
}

int inventory_load_vardir(struct inventory *inv, const char *dir, struct buf *err)
{
	json_t *entry = json_pack("{s:o,s:o}", "group", json_object(), "host", json_object());
	char *gv = xasprintf("%s/group_vars", dir), *hv = xasprintf("%s/host_vars", dir);
	int r;

	r = load_vars_kind(gv, inv->vault, json_object_get(entry, "group"), err);
	if (r == 0)
		r = load_vars_kind(hv, inv->vault, json_object_get(entry, "host"), err);
	json_array_append_new(inv->vardirs, entry);
	free(gv);
	free(hv);
	return r;
}

/* ---- sources ---- */

static int load_path(struct inventory *inv, const char *path, struct buf *err);

static int ignored_entry(const char *name)
{
	static const char *const exts[] = { ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm",
					    ".md", ".txt", ".rst", ".orig", ".ini", ".cfg",
					    ".retry" };
	size_t n = strlen(name), i, e;

	if (name[0] == '.' || !strcmp(name, "host_vars") || !strcmp(name, "group_vars") ||
	    !strcmp(name, "vars_plugins"))
		return 1;
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		e = strlen(exts[i]);
		if (n >= e && !strcmp(name + n - e, exts[i]))
			return 1;
	}
	return 0;
}

static int load_folder(struct inventory *inv, const char *dir, struct buf *err)
{
	size_t nr, i;
	char **names = list_dir(dir, &nr), *path;
	int r = 0;

	for (i = 0; i < nr && r == 0; i++) {
		if (ignored_entry(names[i]))
			continue;
		path = xasprintf("%s/%s", dir, names[i]);
		r = load_path(inv, path, err);
		free(path);
	}
	free_list(names, nr);
	return r;
}

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);

	return n > e && !strcmp(path + n - e, ext);
}

/* No extension, .yml/.yaml/.json: YAML if it reads as a mapping, else INI. */
static int load_file(struct inventory *inv, const char *path, struct buf *err)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int yaml_ext = has_ext(path, ".yml") || has_ext(path, ".yaml") || has_ext(path, ".json");
	json_t *data = NULL;
	int r;

	if (access(path, X_OK) == 0)
		return inventory_load_script(inv, path, err);
	if (!yaml_ext && strchr(base, '.'))
		return inventory_load_ini(inv, path, err);
	r = vault_yaml_load_file(path, inv->vault, &data, err);
	if (r == 0 && json_is_object(data))
		r = inventory_load_yaml(inv, path, data, err);
	else if (yaml_ext && r == 0)
		r = inventory_load_yaml(inv, path, data, err);
	else if (!yaml_ext)
		r = inventory_load_ini(inv, path, err);
	json_decref(data);
	return r;
}

static int load_path(struct inventory *inv, const char *path, struct buf *err)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0) {
		buf_setf(err, "Unable to parse %s as an inventory source: %s", path,
			 strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_folder(inv, path, err);
	inv->current_source = path;
	r = load_file(inv, path, err);
	inv->current_source = NULL;
	return r;
}

/* "a,b," and "a:22, b": each name, with Ansible's host[:port] parsing. */
static int load_host_list(struct inventory *inv, const char *source, struct buf *err)
{
	char *copy = xstrdup(source), *tok, *save = NULL, *host;
	struct strvec names = STRVEC_INIT;
	long port;
	int r = 0;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok && r == 0; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		while (*tok && strchr(" \t", tok[strlen(tok) - 1]))
			tok[strlen(tok) - 1] = '\0';
		if (!*tok)
			continue;
		host = NULL;
		if (inv_is_address(tok, &port, &host)) {
			strvec_push_nodup(&names, host);
		} else {
			port = 0;
			strvec_push(&names, tok);
		}
		for (i = 0; i < names.nr; i++)
			inv_add_host(inv, names.v[i], inv_group(inv, "ungrouped"), port);
		strvec_clear(&names);
	}
	free(copy);
	return inventory_load_vardir(inv, ".", err);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, slash - path);
}

int inventory_load(struct inventory *inv, const char *source, struct buf *err)
{
	struct stat st;
	char *dir;
	int r;

	if (stat(source, &st) < 0 && strchr(source, ','))
		return load_host_list(inv, source, err);
	r = load_path(inv, source, err);
	if (r < 0)
		return r;
	dir = S_ISDIR(st.st_mode) ? xstrdup(source) : dir_of(source);
	r = inventory_load_vardir(inv, dir, err);
	free(dir);
	return r;
}
