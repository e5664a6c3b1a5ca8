/*
 * Where vault passwords come from: files, executables that print them, the
 * terminal, and the environment. A password is read into memory only; it is
 * never put on a command line or in the environment of a child.
 */
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "config.h"
#include "prompt.h"
#include "xalloc.h"
#include "banned.h"

void vault_secrets_init(struct vault_secrets *s)
{
	s->v = NULL;
	s->nr = s->alloc = 0;
}

void vault_secrets_release(struct vault_secrets *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		OPENSSL_cleanse(s->v[i].password, strlen(s->v[i].password));
		free(s->v[i].password);
		free(s->v[i].id);
	}
	free(s->v);
	vault_secrets_init(s);
}

void vault_secrets_add_password(struct vault_secrets *s, const char *id, const char *password)
{
	ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	s->v[s->nr].id = xstrdup(id && *id ? id : VAULT_DEFAULT_ID);
	s->v[s->nr].password = xstrdup(password);
	s->nr++;
}

/* Python's bytes.strip(): ASCII whitespace at both ends. */
static void strip_space(struct buf *b)
{
	size_t lead = 0;

	buf_rtrim(b);
	while (lead < b->len && strchr(" \t\n\r\v\f", b->buf[lead]))
		lead++;
	memmove(b->buf, b->buf + lead, b->len - lead);
	buf_setlen(b, b->len - lead);
}

/* Ansible passes "--vault-id ID" to scripts named like "name-client[.ext]". */
static int is_client_script(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t n;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return n >= 7 && !strncmp(base + n - 7, "-client", 7);
}

static pid_t spawn_script(const char *path, const char *id, int out_fd)
{
	const char *argv[] = {path, "--vault-id", id, NULL};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	pid_t pid;

	if (!id || !is_client_script(path))
		argv[1] = NULL;
	pid = fork();
	if (pid == 0) {
		sigaction(SIGPIPE, &dfl, NULL);
		if (dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int password_script_run(const char *path, const char *id, struct buf *pw, struct buf *err)
{
	int fds[2], status = 0, r = -1;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		buf_setf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = spawn_script(path, id, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		buf_setf(err, "Password script %s: fork: %s", path, strerror(errno));
		close(fds[0]);
		return -1;
	}
	buf_read_fd(pw, fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		buf_setf(err, "Password script %s returned non-zero (%d)", path,
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		goto out;
	}
	while (pw->len && strchr("\r\n", pw->buf[pw->len - 1]))
		buf_setlen(pw, pw->len - 1);
	if (!pw->len || memchr(pw->buf, '\0', pw->len)) {
		buf_setf(err, "Empty or invalid password was provided from script (%s)", path);
		goto out;
	}
	r = 0;
out:
	if (r < 0)
		vault_buf_wipe(pw);
	return r;
}

static int read_password_file(const char *path, struct buf *pw, struct buf *err)
{
	if (buf_read_file(pw, path) < 0) {
		buf_setf(err, "Could not read vault password file %s: %s", path, strerror(errno));
		vault_buf_wipe(pw);
		return -1;
	}
	strip_space(pw);
	if (!pw->len || memchr(pw->buf, '\0', pw->len)) {
		buf_setf(err, "Invalid vault password was provided from file (%s)", path);
		vault_buf_wipe(pw);
		return -1;
	}
	return 0;
}

static int add_from_prompt(struct vault_secrets *s, const char *id, struct buf *err)
{
	char *text = strcmp(id, VAULT_DEFAULT_ID) ? xasprintf("Vault password (%s): ", id)
						  : xstrdup("Vault password: ");
	char *pw = prompt_secret(text);
	int r = -1;

	if (!pw)
		buf_setf(err,
			 "no terminal to ask the vault password (%s) on; use "
			 "--vault-password-file or --vault-id ID@FILE",
			 id);
	else if (!*pw)
		buf_setf(err, "Invalid vault password was provided from prompt (%s)", id);
	else {
		vault_secrets_add_password(s, id, pw);
		r = 0;
	}
	if (pw) {
		OPENSSL_cleanse(pw, strlen(pw));
		free(pw);
	}
	free(text);
	return r;
}

/* A source is "prompt", an executable, or a file holding the password. */
static int add_from_source(struct vault_secrets *s, const char *id, const char *source,
			   struct buf *err)
{
	struct buf pw = BUF_INIT;
	struct stat st;
	int r;

	if (!strcmp(source, "prompt") || !strcmp(source, "prompt_ask_vault_pass"))
		return add_from_prompt(s, id, err);
	if (stat(source, &st) < 0) {
		buf_setf(err, "The vault password file %s was not found", source);
		return -1;
	}
	if (S_ISREG(st.st_mode) && !access(source, X_OK))
		r = password_script_run(source, id, &pw, err);
	else
		r = read_password_file(source, &pw, err);
	if (!r)
		vault_secrets_add_password(s, id, pw.buf);
	vault_buf_wipe(&pw);
	return r;
}

int vault_secrets_add(struct vault_secrets *s, const char *option, const char *value,
		      struct buf *err)
{
	const char *at;
	char *id;
	int r;

	while (*option == '-')
		option++;
	if (!strcmp(option, "ask-vault-pass") || !strcmp(option, "ask-vault-password"))
		return add_from_prompt(s, VAULT_DEFAULT_ID, err);
	if (!value || !*value) {
		buf_setf(err, "--%s needs a value", option);
		return -1;
	}
	if (!strcmp(option, "vault-password-file") || !strcmp(option, "vault-pass-file"))
		return add_from_source(s, VAULT_DEFAULT_ID, value, err);
	if (strcmp(option, "vault-id"))
		BUG("vault_secrets_add: unknown option '%s'", option);
	at = strchr(value, '@');
	if (!at)
		return add_from_source(s, VAULT_DEFAULT_ID, value, err);
	id = xstrndup(value, (size_t)(at - value));
	if (strpbrk(id, ";\n\r")) {
		buf_setf(err, "vault id '%s' may not contain ';' or a newline", id);
		r = -1;
	} else {
		r = add_from_source(s, *id ? id : VAULT_DEFAULT_ID, at + 1, err);
	}
	free(id);
	return r;
}

/* ansible.cfg's vault_identity_list: "id@source" items, commas between. */
static int add_identity_list(struct vault_secrets *s, const char *list, struct buf *err)
{
	const char *p = list;
	int r = 0;

	while (*p && !r) {
		size_t n = strcspn(p, ",");
		char *item = xstrndup(p, n);
		char *start = item, *end = item + n;

		while (*start == ' ' || *start == '\t')
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*start)
			r = vault_secrets_add(s, "vault-id", start, err);
		free(item);
		p += n + (p[n] == ',');
	}
	return r;
}

int vault_secrets_add_config(struct vault_secrets *s, const struct config *cfg, struct buf *err)
{
	const char *file = getenv("DROVER_VAULT_PASSWORD_FILE");

	if (cfg->vault_identity_list && add_identity_list(s, cfg->vault_identity_list, err) < 0)
		return -1;
	if (s->nr)
		return 0;
	if (!file || !*file)
		file = cfg->vault_password_file;
	if (!file || !*file)
		file = getenv("ANSIBLE_VAULT_PASSWORD_FILE");
	if (!file || !*file)
		return 0;
	return add_from_source(s, VAULT_DEFAULT_ID, file, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a,b": the distinct ids, sorted, as ansible-vault lists them. */
static char *distinct_ids(const struct vault_secrets *s, size_t *count)
{
	const char **ids = xcalloc(s->nr, sizeof(*ids));
	struct buf out = BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < s->nr; i++)
		ids[n++] = s->v[i].id;
	qsort(ids, n, sizeof(*ids), cmp_str);
	*count = 0;
	for (i = 0; i < n; i++) {
		if (i && !strcmp(ids[i], ids[i - 1]))
			continue;
		buf_addf(&out, "%s%s", *count ? "," : "", ids[i]);
		(*count)++;
	}
	free(ids);
	return buf_detach(&out, NULL);
}

const struct vault_secret *vault_secrets_for_encrypt(const struct vault_secrets *s,
						     const char *encrypt_id, struct buf *err)
{
	const struct vault_secret *found = NULL;
	size_t i, count;
	char *ids;

	for (i = 0; i < s->nr && !found; i++)
		if (!encrypt_id || !strcmp(encrypt_id, s->v[i].id))
			found = &s->v[i];
	if (!s->nr) {
		buf_setf(err, "A vault password is required to use Ansible's Vault");
		return NULL;
	}
	ids = distinct_ids(s, &count);
	if (!found)
		buf_setf(err,
			 "Did not find a match for --encrypt-vault-id=%s in the known vault-ids "
			 "[%s]",
			 encrypt_id, ids);
	else if (!encrypt_id && count > 1) {
		buf_setf(err,
			 "The vault-ids %s are available to encrypt. Specify the vault-id to "
			 "encrypt with --encrypt-vault-id",
			 ids);
		found = NULL;
	}
	free(ids);
	return found;
}
