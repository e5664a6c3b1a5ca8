/*
 * ansible.cfg and ANSIBLE_* settings, found and typed as Ansible does.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

enum cfg_type { CFG_INT, CFG_BOOL, CFG_STR, CFG_PATH, CFG_PATHLIST };

struct cfg_key {
	const char *section, *key, *env;
	enum cfg_type type;
	size_t offset;
};

#define OFF(f) offsetof(struct config, f)

static const struct cfg_key cfg_keys[] = {
	{ "defaults", "inventory", "ANSIBLE_INVENTORY", CFG_PATHLIST, OFF(inventory) },
	{ "defaults", "forks", "ANSIBLE_FORKS", CFG_INT, OFF(forks) },
	{ "defaults", "remote_user", "ANSIBLE_REMOTE_USER", CFG_STR, OFF(remote_user) },
	{ "defaults", "private_key_file", "ANSIBLE_PRIVATE_KEY_FILE", CFG_PATH,
	  OFF(private_key_file) },
	{ "defaults", "host_key_checking", "ANSIBLE_HOST_KEY_CHECKING", CFG_BOOL,
	  OFF(host_key_checking) },
	{ "defaults", "timeout", "ANSIBLE_TIMEOUT", CFG_INT, OFF(timeout) },
	{ "defaults", "task_timeout", "ANSIBLE_TASK_TIMEOUT", CFG_INT, OFF(task_timeout) },
	{ "defaults", "roles_path", "ANSIBLE_ROLES_PATH", CFG_STR, OFF(roles_path) },
	{ "defaults", "gathering", "ANSIBLE_GATHERING", CFG_STR, OFF(gathering) },
	{ "defaults", "vault_password_file", "ANSIBLE_VAULT_PASSWORD_FILE", CFG_PATH,
	  OFF(vault_password_file) },
	{ "defaults", "vault_identity_list", "ANSIBLE_VAULT_IDENTITY_LIST", CFG_STR,
	  OFF(vault_identity_list) },
	{ "ssh_connection", "ssh_args", "ANSIBLE_SSH_ARGS", CFG_STR, OFF(ssh_args) },
	{ "ssh_connection", "ssh_common_args", "ANSIBLE_SSH_COMMON_ARGS", CFG_STR,
	  OFF(ssh_common_args) },
	{ "ssh_connection", "ssh_extra_args", "ANSIBLE_SSH_EXTRA_ARGS", CFG_STR,
	  OFF(ssh_extra_args) },
	{ "privilege_escalation", "become_flags", "ANSIBLE_BECOME_FLAGS", CFG_STR,
	  OFF(become_flags) },
	{ "privilege_escalation", "become_exe", "ANSIBLE_BECOME_EXE", CFG_STR, OFF(become_exe) },
};

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strvec_init(&cfg->inventory);
	strvec_init(&cfg->unknown);
	cfg->forks = 25;
	cfg->host_key_checking = 1;
	cfg->timeout = 10;
}

void config_release(struct config *cfg)
{
	free(cfg->path);
	strvec_clear(&cfg->inventory);
	free(cfg->remote_user);
	free(cfg->private_key_file);
	free(cfg->roles_path);
	free(cfg->gathering);
	free(cfg->vault_password_file);
	free(cfg->vault_identity_list);
	free(cfg->ssh_args);
	free(cfg->ssh_common_args);
	free(cfg->ssh_extra_args);
	free(cfg->known_hosts);
	free(cfg->become_flags);
	free(cfg->become_exe);
	strvec_clear(&cfg->unknown);
	config_init(cfg);
}

/* Ansible's boolean(): y, yes, on, 1, true, t (any case) are true. */
static int parse_bool(const char *v)
{
	static const char *const yes[] = { "y", "yes", "on", "1", "true", "t", "1.0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		if (!strcasecmp(v, yes[i]))
			return 1;
	return 0;
}

/* ~ and ~/x expand; a relative path from the file is taken from its folder. */
static char *expand_path(const char *v, const char *basedir)
{
	const char *home = getenv("HOME");

	if (v[0] == '~' && (v[1] == '/' || !v[1]) && home)
		return xasprintf("%s%s", home, v + 1);
	if (v[0] != '/' && basedir)
		return xasprintf("%s/%s", basedir, v);
	return xstrdup(v);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int set_value(struct config *cfg, const struct cfg_key *k, const char *v,
		     const char *basedir, struct buf *err)
{
	void *field = (char *)cfg + k->offset;
	char *copy, *tok, *save = NULL, *end;
	long n;

	switch (k->type) {
	case CFG_INT:
		n = strtol(v, &end, 10);
		if (!*v || *trim(end)) {
			buf_setf(err, "invalid integer for %s: '%s'", k->key, v);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case CFG_BOOL:
		*(int *)field = parse_bool(v);
		return 0;
	case CFG_STR:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case CFG_PATH:
		free(*(char **)field);
		*(char **)field = expand_path(v, basedir);
		return 0;
	case CFG_PATHLIST:
		strvec_clear(field);
		copy = xstrdup(v);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (*trim(tok))
				strvec_push_nodup(field, expand_path(trim(tok), basedir));
		free(copy);
		return 0;
	}
	return 0;
}

static const struct cfg_key *find_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cfg_keys); i++)
		if (!strcmp(cfg_keys[i].section, section) && !strcmp(cfg_keys[i].key, key))
			return &cfg_keys[i];
	return NULL;
}

/* Strips a "  ; comment" (configparser's inline_comment_prefixes=(';',)). */
static void strip_inline_comment(char *v)
{
	char *p;

	for (p = v; (p = strchr(p, ';')); p++)
		if (p > v && isspace((unsigned char)p[-1])) {
			*p = '\0';
			return;
		}
}

static int config_line(struct config *cfg, char *line, char **section, const char *basedir,
		       struct buf *err)
{
	char *t = trim(line), *sep, *key, *val;
	const struct cfg_key *k;

	if (!*t || *t == '#' || *t == ';')
		return 0;
	if (*t == '[') {
		if (t[strlen(t) - 1] != ']')
			return -1;
		free(*section);
		*section = xstrndup(t + 1, strlen(t) - 2);
		return 0;
	}
	sep = t + strcspn(t, "=:");
	if (!*sep || !*section)
		return -1;
	*sep = '\0';
	key = trim(t);
	val = sep + 1;
	strip_inline_comment(val);
	val = trim(val);
	if (!(k = find_key(*section, key))) {
		strvec_pushf(&cfg->unknown, "%s.%s", *section, key);
		return 0;
	}
	return set_value(cfg, k, val, basedir, err) < 0 ? -2 : 0;
}

static int config_read(struct config *cfg, const char *path, struct buf *err)
{
	struct buf text = BUF_INIT;
	char *line, *next, *section = NULL, *basedir, *slash;
	size_t lineno = 0;
	int r = 0;

	if (buf_read_file(&text, path) < 0) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	basedir = xstrdup(path);
	slash = strrchr(basedir, '/');
	if (slash)
		*slash = '\0';
	for (line = text.buf; line && r == 0; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		lineno++;
		if (*line == ' ' || *line == '\t')
			continue; /* continuation lines: not used by any setting we read */
		r = config_line(cfg, line, &section, slash ? basedir : NULL, err);
		if (r == -1)
			buf_setf(err, "%s:%zu: malformed line '%s'", path, lineno, trim(line));
		else if (r == -2) {
			char *msg = buf_detach(err, NULL);

			buf_setf(err, "%s:%zu: %s", path, lineno, msg);
			free(msg);
		}
	}
	free(section);
	free(basedir);
	buf_release(&text);
	return r < 0 ? -1 : 0;
}

static int readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* $ANSIBLE_CONFIG (a file or folder), ./ansible.cfg unless cwd is world-writable, ~/, /etc. */
static char *config_find(void)
{
	const char *env = getenv("ANSIBLE_CONFIG"), *home = getenv("HOME");
	struct stat st;
	char *p, cwd[4096];

	if (env && *env) {
		p = (stat(env, &st) == 0 && S_ISDIR(st.st_mode)) ? xasprintf("%s/ansible.cfg", env)
								   : xstrdup(env);
		if (readable(p))
			return p;
		free(p);
	}
	if (getcwd(cwd, sizeof(cwd)) && stat(cwd, &st) == 0 && !(st.st_mode & S_IWOTH)) {
		p = xasprintf("%s/ansible.cfg", cwd);
		if (readable(p))
			return p;
		free(p);
	}
	if (home) {
		p = xasprintf("%s/.ansible.cfg", home);
		if (readable(p))
			return p;
		free(p);
	}
	return readable("/etc/ansible/ansible.cfg") ? xstrdup("/etc/ansible/ansible.cfg") : NULL;
}

static int config_env(struct config *cfg, struct buf *err)
{
	const char *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cfg_keys); i++)
		if ((v = getenv(cfg_keys[i].env)) && set_value(cfg, &cfg_keys[i], v, NULL, err) < 0)
			return -1;
	return 0;
}

int config_load(struct config *cfg, struct buf *err)
{
	free(cfg->path);
	cfg->path = config_find();
	if (cfg->path && config_read(cfg, cfg->path, err) < 0)
		return -1;
	return config_env(cfg, err);
}
