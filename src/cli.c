#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connvars.h"
#include "inventory.h"
#include "prompt.h"
#include "xalloc.h"
#include "runopts.h"
#include "vault.h"
#include "banned.h"

int cli_load_inventory(struct inventory *inv, const struct strvec *sources,
		       const struct config *cfg)
{
	const struct strvec *src = sources->nr ? sources : &cfg->inventory;
	struct buf err = BUF_INIT;
	size_t i;

	if (!src->nr && inventory_load(inv, "/etc/ansible/hosts", &err) < 0)
		buf_reset(&err); /* no inventory at all: only patterns that match nothing */
	for (i = 0; i < src->nr; i++) {
		if (inventory_load(inv, src->v[i], &err) < 0) {
			fprintf(stderr, "ERROR! %s\n", err.buf);
			buf_release(&err);
			return -1;
		}
	}
	inventory_finish(inv);
	buf_release(&err);
	return 0;
}

void cli_note_config(const struct config *cfg, int verbosity)
{
	size_t i;

	if (verbosity < 1)
		return;
	if (cfg->path)
		fprintf(stderr, "Using %s as config file\n", cfg->path);
	else
		fprintf(stderr, "No config file found; using defaults\n");
	for (i = 0; i < cfg->unknown.nr; i++)
		fprintf(stderr, "note: setting %s is not used by drover\n", cfg->unknown.v[i]);
}

int cli_number(const char *s, int *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0 || n > 1000000)
		return -1;
	*out = (int)n;
	return 0;
}

static int bad_policy(const char *p)
{
	return strcmp(p, "strict") && strcmp(p, "accept-new") && strcmp(p, "no");
}

/* The options that only set a field. */
static int conn_field(struct conn_defaults *d, int c, const char *arg)
{
	switch (c) {
	case 'u': d->user = arg; return 1;
	case CLI_OPT_PRIVATE_KEY: d->private_key = arg; return 1;
	case 'b': d->become = 1; return 1;
	case CLI_OPT_BECOME_USER: d->become_user = arg; return 1;
	case CLI_OPT_KNOWN_HOSTS: d->known_hosts = arg; return 1;
	case 'c': d->connection = arg; return 1;
	case CLI_OPT_SSH_COMMON: d->ssh_common_args = arg; return 1;
	case CLI_OPT_SSH_EXTRA: d->ssh_extra_args = arg; return 1;
	}
	return 0;
}

int cli_conn_option(const struct cli_conn *cc, int c, const char *arg, struct buf *err)
{
	if (conn_field(cc->conn, c, arg))
		return 1;
	switch (c) {
	case 'k': cc->secrets->ask_pass = 1; return 1;
	case 'K': cc->secrets->ask_become_pass = 1; return 1;
	case CLI_OPT_CONN_PASS_FILE: cc->secrets->conn_pass_file = arg; return 1;
	case CLI_OPT_BECOME_PASS_FILE: cc->secrets->become_pass_file = arg; return 1;
	case CLI_OPT_BECOME_METHOD:
		cc->conn->become_method = arg;
		if (!strcmp(arg, "sudo") || !strcmp(arg, "su"))
			return 1;
		buf_setf(err, "become method '%s' is not supported by drover (it has sudo and su)", arg);
		return -1;
	case 'T':
		if (cli_number(arg, &cc->conn->timeout) == 0)
			return 1;
		buf_setf(err, "invalid timeout '%s'", arg);
		return -1;
	case CLI_OPT_HOST_KEY_CHECKING:
		cc->conn->policy = arg;
		if (!bad_policy(arg))
			return 1;
		buf_setf(err, "--host-key-checking takes strict, accept-new or no, not '%s'", arg);
		return -1;
	case CLI_OPT_VAULT_PASSWORD_FILE: case CLI_OPT_VAULT_ID: case 'J':
		return vault_secrets_add(cc->vault, c == 'J' ? "ask-vault-pass" :
				 c == CLI_OPT_VAULT_ID ? "vault-id" : "vault-password-file", arg, err) < 0 ?
			-2 : 1;
	}
	return 0;
}

/*
 * A password file as Ansible reads one: "-" is stdin, an executable file is
 * run and its output taken, any other file is read; CR/LF at either end are
 * dropped and an empty password is an error.
 */
static char *read_pass_file(const char *path)
{
	struct buf b = BUF_INIT, err = BUF_INIT;
	struct stat st;
	size_t start = 0;
	char *pw = NULL;
	int r;

	if (!strcmp(path, "-"))
		r = buf_read_fd(&b, STDIN_FILENO);
	else if (access(path, F_OK) < 0)
		r = -1, buf_setf(&err, "The password file %s was not found", path);
	else if (!access(path, X_OK) && !stat(path, &st) && S_ISREG(st.st_mode))
		r = password_script_run(path, NULL, &b, &err);
	else if ((r = buf_read_file(&b, path)) < 0)
		buf_setf(&err, "Could not read password file %s: %s", path, strerror(errno));
	while (b.len && strchr("\r\n", b.buf[b.len - 1]))
		b.len--;
	while (start < b.len && strchr("\r\n", b.buf[start]))
		start++;
	if (!r && start == b.len)
		r = -1, buf_setf(&err, "Empty password was provided from file (%s)", path);
	if (r < 0)
		fprintf(stderr, "ERROR! %s\n", err.len ? err.buf : "could not read the password");
	else
		pw = xstrndup(b.buf + start, b.len - start);
	if (b.buf)
		explicit_bzero(b.buf, b.alloc);
	buf_release(&b);
	buf_release(&err);
	return pw;
}

/* One password: from its file, or asked once on the terminal. Returns 0 or the exit code. */
static int load_secret(int ask, const char *file, const char *prompt, const char *option,
		       char **out)
{
	if (file)
		*out = read_pass_file(file);
	else if (ask && !(*out = prompt_secret(prompt)))
		fprintf(stderr, "ERROR! %s needs a terminal to ask on\n", option);
	return (file || ask) && !*out ? 1 : 0;
}

int cli_secrets_load(struct cli_secrets *s, struct conn_defaults *d)
{
	int r = load_secret(s->ask_pass, s->conn_pass_file, "SSH password: ", "-k/--ask-pass",
			    &s->conn_password);

	if (!r)
		r = load_secret(s->ask_become_pass, s->become_pass_file, "BECOME password: ",
				"-K/--ask-become-pass", &s->become_password);
	if (s->conn_password)
		d->password = s->conn_password;
	if (s->become_password)
		d->become_password = s->become_password;
	return r;
}

static void wipe(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void cli_secrets_release(struct cli_secrets *s)
{
	wipe(s->conn_password);
	wipe(s->become_password);
	s->conn_password = s->become_password = NULL;
}

int cli_bad_option(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("ERROR! ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return 5;
}

int cli_shared_option(struct run_opts *ro, const struct cli_conn *cc, const char *usage, int c,
		      const char *arg)
{
	struct buf err = BUF_INIT;
	int r = runopts_take(ro, c, arg, &err);

	if (!r)
		r = cli_conn_option(cc, c, arg, &err);
	if (r == -1)
		r = cli_bad_option(usage, "%s", err.buf);
	else if (r == -2)
		fprintf(stderr, "ERROR! %s\n", err.buf);
	buf_release(&err);
	return r == 0 ? -1 : r == 1 ? 0 : r == -2 ? 1 : r;
}
