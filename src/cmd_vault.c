/*
 * drover vault ACTION [options] [FILE...]: ansible-vault's actions on the
 * same files (encrypt, decrypt, view, edit, create, rekey, encrypt_string).
 * Rewritten files go through a temp file and rename, keeping their mode;
 * edit and create hand plaintext to $EDITOR in a private 0700 folder that
 * is wiped and removed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "config.h"
#include "kv.h"
#include "prompt.h"
#include "strvec.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_OPTIONS 5

struct vault_cmd {
	const struct vault_action *action;
	struct vault_secrets secrets;	  /* to decrypt, and to encrypt with */
	struct vault_secrets new_secrets; /* rekey's new password */
	const char *encrypt_id;
	const char *output;
	const char *stdin_name;
	struct strvec names; /* encrypt_string --name, one per string */
	int ask, prompt_string;
	struct buf err;
};

struct vault_action {
	const char *name;
	int (*run)(struct vault_cmd *c, int argc, char **argv);
	int encrypts;		  /* asks for a new password (with confirmation) when prompting */
	int min_files, max_files; /* -1: no limit */
};

static const char usage_text[] =
	"usage: drover vault ACTION [options] [FILE...]\n"
	"actions: create FILE, decrypt [FILE...], edit FILE, view FILE..., encrypt [FILE...],\n"
	"         encrypt_string [-n NAME]... [STRING... | --stdin-name NAME | -p], rekey FILE...\n"
	"options: --vault-password-file FILE, --vault-id [ID@]FILE|prompt, --ask-vault-pass,\n"
	"         --encrypt-vault-id ID, --output FILE|-, --new-vault-password-file FILE,\n"
	"         --new-vault-id [ID@]FILE|prompt\n"
	"Without a password option: DROVER_VAULT_PASSWORD_FILE, ANSIBLE_VAULT_PASSWORD_FILE,\n"
	"then a prompt on the terminal.\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ERROR! ..." on stderr, as Ansible prints it; returns the exit code 1. */
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ERROR! ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

/* ---- files ---- */

static int read_stdin(struct buf *out)
{
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_add(out, chunk, n);
	return ferror(stdin) ? -1 : 0;
}

/* path NULL or "-" is stdin. */
static int read_input(const char *path, struct buf *out, struct buf *err)
{
	int from_stdin = !path || !strcmp(path, "-");

	if ((from_stdin ? read_stdin(out) : buf_read_file(out, path)) < 0) {
		buf_setf(err, "could not read %s: %s", from_stdin ? "stdin" : path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes to a fresh temp file beside path, then renames it over path. */
static int write_atomic(const char *path, const char *data, size_t len, struct buf *err)
{
	char *real = realpath(path, NULL), *dircopy, *tmp;
	const char *target = real ? real : path;
	struct stat st;
	int fd, have = !stat(target, &st), r = -1;

	dircopy = xstrdup(target);
	tmp = xasprintf("%s/.drover-vault.XXXXXX", dirname(dircopy));
	if ((fd = mkstemp(tmp)) < 0) {
		buf_setf(err, "could not create a temp file beside %s: %s", path, strerror(errno));
		goto out;
	}
	if (have && fchown(fd, st.st_uid, st.st_gid) < 0)
		(void)0; /* not ours to give away: the file becomes ours, mode kept */
	if (write_all(fd, data, len) < 0 || fchmod(fd, have ? st.st_mode & 07777 : 0600) < 0 ||
	    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, target) < 0) {
		buf_setf(err, "could not write %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	free(tmp);
	free(dircopy);
	free(real);
	return r;
}

static int write_output(const char *path, const struct buf *data, struct buf *err)
{
	if (!path || !strcmp(path, "-")) {
		if (fwrite(data->buf, 1, data->len, stdout) != data->len || fflush(stdout)) {
			buf_setf(err, "could not write to stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	return write_atomic(path, data->buf, data->len, err);
}

/* ---- the editor ---- */

/* The temp file keeps the original's extension so editors pick a syntax. */
static char *temp_name(const char *dir, const char *orig, int *suffix_len)
{
	const char *base = strrchr(orig, '/'), *dot;

	base = base ? base + 1 : orig;
	dot = strrchr(base, '.');
	if (!dot || dot == base || strlen(dot) > 10 ||
	    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
		    strlen(dot + 1))
		dot = "";
	*suffix_len = (int)strlen(dot);
	return xasprintf("%s/XXXXXX%s", dir, dot);
}

static int run_editor(const char *file, struct buf *err)
{
	const char *editor = getenv("EDITOR");
	struct strvec argv = STRVEC_INIT;
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	int status = 0, r = -1;
	pid_t pid;

	if (shlex_split(editor && *editor ? editor : "vi", &argv, err) < 0 || !argv.nr) {
		buf_setf(err, "cannot make sense of EDITOR='%s'", editor ? editor : "");
		goto out;
	}
	strvec_push(&argv, file);
	/* Ctrl-C belongs to the editor; drover must live on to wipe the temp file. */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		execvp(argv.v[0], argv.v);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (pid < 0)
		buf_setf(err, "could not start the editor: %s", strerror(errno));
	else if (WIFSIGNALED(status))
		buf_setf(err, "the editor '%s' was killed by signal %d; nothing was saved",
			 argv.v[0], WTERMSIG(status));
	else if (WEXITSTATUS(status))
		buf_setf(err, "the editor '%s' failed (exit %d); nothing was saved", argv.v[0],
			 WEXITSTATUS(status));
	else
		r = 0;
out:
	strvec_clear(&argv);
	return r;
}

/* Overwrites the plaintext before unlinking it: the folder may outlive us on disk. */
static void shred_remove(const char *file, const char *dir)
{
	static const char zeros[4096];
	struct stat st;
	int fd = open(file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && !fstat(fd, &st)) {
		off_t left = st.st_size;

		while (left > 0 && !write_all(fd, zeros, left < 4096 ? (size_t)left : 4096))
			left -= left < 4096 ? left : 4096;
		fsync(fd);
	}
	if (fd >= 0)
		close(fd);
	unlink(file);
	rmdir(dir);
}

/*
 * Lets the user edit plain (replaced by the result) in $EDITOR. The temp file
 * is made 0600 with O_EXCL inside a fresh 0700 folder. Returns 0 or -1.
 */
static int edit_in_editor(const char *orig, struct buf *plain, struct buf *err)
{
	const char *tmpdir = getenv("TMPDIR");
	char *dir = xasprintf("%s/drover-vault.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *file = NULL;
	int fd = -1, suffix, r = -1;

	if (!mkdtemp(dir)) {
		buf_setf(err, "could not make a private temp folder %s: %s", dir, strerror(errno));
		goto out;
	}
	file = temp_name(dir, orig, &suffix);
	fd = mkstemps(file, suffix);
	if (fd < 0 || fchmod(fd, 0600) < 0 || write_all(fd, plain->buf, plain->len) < 0 ||
	    fsync(fd) < 0) {
		buf_setf(err, "could not write the temp file %s: %s", file, strerror(errno));
		goto cleanup;
	}
	close(fd);
	fd = -1;
	if (run_editor(file, err) < 0)
		goto cleanup;
	vault_buf_wipe(plain);
	if (buf_read_file(plain, file) < 0) {
		buf_setf(err, "could not read back %s: %s", file, strerror(errno));
		goto cleanup;
	}
	r = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	shred_remove(file, dir);
out:
	free(file);
	free(dir);
	return r;
}

/* ---- actions ---- */

static const struct vault_secret *encrypt_secret(struct vault_cmd *c)
{
	return vault_secrets_for_encrypt(&c->secrets, c->encrypt_id, &c->err);
}

static int encrypt_one(struct vault_cmd *c, const struct vault_secret *sec, const char *in,
		       const char *out)
{
	struct buf plain = BUF_INIT, vault = BUF_INIT;
	int r = -1;

	if (read_input(in, &plain, &c->err) < 0)
		goto out;
	if (vault_is_encrypted(plain.buf, plain.len)) {
		buf_setf(&c->err, "input is already encrypted%s%s", in ? ": " : "", in ? in : "");
		goto out;
	}
	if (vault_encrypt(plain.buf, plain.len, sec->password, sec->id, &vault, &c->err) < 0 ||
	    write_output(out, &vault, &c->err) < 0)
		goto out;
	r = 0;
out:
	vault_buf_wipe(&plain);
	buf_release(&vault);
	return r;
}

/* in and out: a path, or NULL / "-" for stdin / stdout; they may be the same file. */
static int decrypt_one(struct vault_cmd *c, const char *in, const char *out)
{
	struct buf vault = BUF_INIT, plain = BUF_INIT;
	const char *name = in && strcmp(in, "-") ? in : "stdin";
	int r = -1;

	if (read_input(in, &vault, &c->err) < 0)
		goto out;
	if (!vault_is_encrypted(vault.buf, vault.len)) {
		buf_setf(&c->err,
			 "input is not vault encrypted data. %s is not a vault encrypted file",
			 name);
		goto out;
	}
	if (vault_decrypt(vault.buf, vault.len, &c->secrets, name, &plain, NULL, &c->err) < 0 ||
	    write_output(out, &plain, &c->err) < 0)
		goto out;
	r = 0;
out:
	buf_release(&vault);
	vault_buf_wipe(&plain);
	return r;
}

static void report(const char *what)
{
	if (isatty(STDOUT_FILENO))
		fprintf(stderr, "%s successful\n", what);
}

static int act_encrypt(struct vault_cmd *c, int argc, char **argv)
{
	const struct vault_secret *sec = encrypt_secret(c);
	int i;

	if (!sec)
		return -1;
	if (!argc)
		return encrypt_one(c, sec, NULL, c->output);
	for (i = 0; i < argc; i++)
		if (encrypt_one(c, sec, argv[i], c->output ? c->output : argv[i]) < 0)
			return -1;
	report("Encryption");
	return 0;
}

static int act_decrypt(struct vault_cmd *c, int argc, char **argv)
{
	int i;

	if (!argc)
		return decrypt_one(c, NULL, c->output);
	for (i = 0; i < argc; i++)
		if (decrypt_one(c, argv[i], c->output ? c->output : argv[i]) < 0)
			return -1;
	report("Decryption");
	return 0;
}

static int act_view(struct vault_cmd *c, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (decrypt_one(c, argv[i], "-") < 0)
			return -1;
	return 0;
}

/* The secret whose id string is id itself (vault_decrypt's used_id points into s). */
static const struct vault_secret *secret_by_id_ptr(const struct vault_secrets *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->v[i].id == id)
			return &s->v[i];
	BUG("vault_decrypt named a secret that is not in the list");
}

static int act_edit(struct vault_cmd *c, int argc, char **argv)
{
	struct buf vault = BUF_INIT, plain = BUF_INIT, before = BUF_INIT;
	const struct vault_secret *sec;
	const char *used = NULL;
	int r = -1;

	(void)argc;
	if (read_input(argv[0], &vault, &c->err) < 0)
		goto out;
	if (!vault_is_encrypted(vault.buf, vault.len)) {
		buf_setf(&c->err,
			 "input is not vault encrypted data. %s is not a vault encrypted file",
			 argv[0]);
		goto out;
	}
	if (vault_decrypt(vault.buf, vault.len, &c->secrets, argv[0], &plain, &used, &c->err) < 0)
		goto out;
	buf_add(&before, plain.buf, plain.len);
	if (edit_in_editor(argv[0], &plain, &c->err) < 0)
		goto out;
	r = 0;
	if (plain.len == before.len && !memcmp(plain.buf, before.buf, plain.len))
		goto out; /* unchanged: keep the file (and its ciphertext) as it was */
	/* Re-encrypt with the password that opened it, unless told otherwise. */
	sec = c->encrypt_id ? encrypt_secret(c) : secret_by_id_ptr(&c->secrets, used);
	buf_reset(&vault);
	if (!sec ||
	    vault_encrypt(plain.buf, plain.len, sec->password, sec->id, &vault, &c->err) < 0 ||
	    write_atomic(argv[0], vault.buf, vault.len, &c->err) < 0)
		r = -1;
out:
	buf_release(&vault);
	vault_buf_wipe(&plain);
	vault_buf_wipe(&before);
	return r;
}

static int act_create(struct vault_cmd *c, int argc, char **argv)
{
	struct buf plain = BUF_INIT, vault = BUF_INIT;
	const struct vault_secret *sec = encrypt_secret(c);
	struct stat st;
	int r = -1;

	(void)argc;
	if (!sec)
		return -1;
	if (!lstat(argv[0], &st)) {
		buf_setf(&c->err, "%s exists, please use 'edit' instead", argv[0]);
		return -1;
	}
	if (edit_in_editor(argv[0], &plain, &c->err) < 0 ||
	    vault_encrypt(plain.buf, plain.len, sec->password, sec->id, &vault, &c->err) < 0 ||
	    write_atomic(argv[0], vault.buf, vault.len, &c->err) < 0)
		goto out;
	r = 0;
out:
	vault_buf_wipe(&plain);
	buf_release(&vault);
	return r;
}

static int rekey_one(struct vault_cmd *c, const struct vault_secret *sec, const char *path)
{
	struct buf vault = BUF_INIT, plain = BUF_INIT;
	int r = -1;

	if (read_input(path, &vault, &c->err) < 0)
		goto out;
	if (!vault_is_encrypted(vault.buf, vault.len)) {
		buf_setf(&c->err,
			 "input is not vault encrypted data. %s is not a vault encrypted file",
			 path);
		goto out;
	}
	if (vault_decrypt(vault.buf, vault.len, &c->secrets, path, &plain, NULL, &c->err) < 0)
		goto out;
	buf_reset(&vault);
	if (vault_encrypt(plain.buf, plain.len, sec->password, sec->id, &vault, &c->err) < 0 ||
	    write_atomic(path, vault.buf, vault.len, &c->err) < 0)
		goto out;
	r = 0;
out:
	buf_release(&vault);
	vault_buf_wipe(&plain);
	return r;
}

static int ask_new_password(struct vault_secrets *s, const char *id, struct buf *err);

static int act_rekey(struct vault_cmd *c, int argc, char **argv)
{
	const struct vault_secret *sec;
	int i;

	if (!c->new_secrets.nr && ask_new_password(&c->new_secrets, NULL, &c->err) < 0)
		return -1;
	sec = vault_secrets_for_encrypt(&c->new_secrets, c->encrypt_id, &c->err);
	if (!sec)
		return -1;
	for (i = 0; i < argc; i++)
		if (rekey_one(c, sec, argv[i]) < 0)
			return -1;
	fprintf(stderr, "Rekey successful\n");
	return 0;
}

/* "NAME: !vault |" then the vault text indented by ten spaces, as ansible-vault prints it. */
static void block_add(struct buf *out, const char *name, const struct buf *vault)
{
	const char *p = vault->buf, *nl;

	if (name)
		buf_addf(out, "%s: ", name);
	buf_addstr(out, "!vault |\n");
	while (*p) {
		nl = strchr(p, '\n');
		nl = nl ? nl : p + strlen(p);
		buf_addstr(out, "          ");
		buf_add(out, p, (size_t)(nl - p) + (*nl ? 1 : 0));
		p = *nl ? nl + 1 : nl;
	}
}

static int encrypt_string_one(struct vault_cmd *c, const struct vault_secret *sec, const char *name,
			      const char *text, size_t len, struct buf *out)
{
	struct buf vault = BUF_INIT;

	if (vault_encrypt(text, len, sec->password, sec->id, &vault, &c->err) < 0)
		return -1;
	block_add(out, name, &vault);
	buf_release(&vault);
	return 0;
}

/* The one string from a prompt (-p) or stdin (--stdin-name NAME, or no arguments). */
static int encrypt_string_input(struct vault_cmd *c, const struct vault_secret *sec,
				struct buf *out)
{
	const char *name = c->stdin_name ? c->stdin_name : c->names.nr ? c->names.v[0] : NULL;
	struct buf in = BUF_INIT;
	char *typed = NULL;
	int r = -1;

	if (c->prompt_string) {
		if (!(typed = prompt_secret("String to encrypt: ")))
			buf_setf(&c->err, "no terminal to ask the string to encrypt on");
		else
			buf_addstr(&in, typed);
	} else {
		if (isatty(STDIN_FILENO))
			fprintf(stderr,
				"Reading the string to encrypt from stdin (end with Ctrl-D; "
				"twice when the last line has no newline)\n");
		if (read_input(NULL, &in, &c->err) < 0)
			goto out;
	}
	if (!c->prompt_string || typed)
		r = encrypt_string_one(c, sec, name, in.buf, in.len, out);
out:
	if (typed) {
		OPENSSL_cleanse(typed, strlen(typed));
		free(typed);
	}
	vault_buf_wipe(&in);
	return r;
}

/* Strings from the arguments, each named by the --name of the same rank; blocks on lines of their
 * own. */
static int act_encrypt_string(struct vault_cmd *c, int argc, char **argv)
{
	const struct vault_secret *sec = encrypt_secret(c);
	struct buf out = BUF_INIT;
	int i, r = 0;

	if (!sec)
		return -1;
	if (c->prompt_string || c->stdin_name || !argc)
		r = encrypt_string_input(c, sec, &out);
	for (i = 0; !r && i < argc; i++)
		r = encrypt_string_one(c, sec, (size_t)i < c->names.nr ? c->names.v[i] : NULL,
				       argv[i], strlen(argv[i]), &out);
	if (!r)
		r = write_output(c->output, &out, &c->err);
	buf_release(&out);
	return r;
}

static const struct vault_action actions[] = {
	{"create", act_create, 1, 1, 1},    {"decrypt", act_decrypt, 0, 0, -1},
	{"edit", act_edit, 0, 1, 1},	    {"view", act_view, 0, 1, -1},
	{"encrypt", act_encrypt, 1, 0, -1}, {"encrypt_string", act_encrypt_string, 1, 0, -1},
	{"rekey", act_rekey, 0, 1, -1},
};

/* ---- passwords and options ---- */

/* A password typed once could hold a typo nobody can ever undo: ask twice. */
static int ask_new_password(struct vault_secrets *s, const char *id, struct buf *err)
{
	int labelled = id && strcmp(id, VAULT_DEFAULT_ID);
	char *ask = xasprintf("New Vault password%s%s%s: ", labelled ? " (" : "",
			      labelled ? id : "", labelled ? ")" : "");
	char *confirm = xasprintf("Confirm %s", ask);
	char *pw = prompt_secret(ask), *again = NULL;
	int r = -1;

	if (!pw)
		buf_setf(err, "A vault password is required and there is no terminal to ask it on "
			      "(give --vault-password-file or set DROVER_VAULT_PASSWORD_FILE)");
	else if (!*pw)
		buf_setf(err, "Invalid vault password was provided from prompt");
	else if (!(again = prompt_secret(confirm)) || strcmp(pw, again))
		buf_setf(err, "Passwords do not match");
	else {
		vault_secrets_add_password(s, id, pw);
		r = 0;
	}
	if (pw)
		OPENSSL_cleanse(pw, strlen(pw));
	if (again)
		OPENSSL_cleanse(again, strlen(again));
	free(pw);
	free(again);
	free(ask);
	free(confirm);
	return r;
}

/* "ID@prompt" (or "prompt"): a password to type; *id gets the label (caller frees). */
static int is_prompt_source(const char *value, char **id)
{
	const char *at = strchr(value, '@'), *source = at ? at + 1 : value;

	if (strcmp(source, "prompt") && strcmp(source, "prompt_ask_vault_pass"))
		return 0;
	*id = at ? xstrndup(value, (size_t)(at - value)) : NULL;
	return 1;
}

/* --vault-id / --new-vault-id: typed passwords that will encrypt are confirmed. */
static int add_vault_id(struct vault_cmd *c, struct vault_secrets *s, const char *value,
			int encrypts)
{
	char *id = NULL;
	int r;

	if (!encrypts || !is_prompt_source(value, &id))
		return vault_secrets_add(s, "vault-id", value, &c->err);
	r = ask_new_password(s, id, &c->err);
	free(id);
	return r;
}

enum {
	OPT_PASSWORD_FILE = 256,
	OPT_VAULT_ID,
	OPT_ASK,
	OPT_ENCRYPT_ID,
	OPT_OUTPUT,
	OPT_NEW_PASSWORD_FILE,
	OPT_NEW_VAULT_ID,
	OPT_STDIN_NAME,
	OPT_SHOW_INPUT,
};

static const struct option long_options[] = {
	{"vault-password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"vault-pass-file", required_argument, NULL, OPT_PASSWORD_FILE},
	{"vault-id", required_argument, NULL, OPT_VAULT_ID},
	{"ask-vault-pass", no_argument, NULL, 'J'},
	{"ask-vault-password", no_argument, NULL, 'J'},
	{"encrypt-vault-id", required_argument, NULL, OPT_ENCRYPT_ID},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"new-vault-password-file", required_argument, NULL, OPT_NEW_PASSWORD_FILE},
	{"new-vault-id", required_argument, NULL, OPT_NEW_VAULT_ID},
	{"name", required_argument, NULL, 'n'},
	{"stdin-name", required_argument, NULL, OPT_STDIN_NAME},
	{"prompt", no_argument, NULL, 'p'},
	{"show-input", no_argument, NULL, OPT_SHOW_INPUT},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* One option; 0, or the exit code to stop with (-1: done, exit 0). */
static int take_option(struct vault_cmd *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_PASSWORD_FILE:
		return vault_secrets_add(&c->secrets, "vault-password-file", arg, &c->err) < 0;
	case OPT_VAULT_ID:
		return add_vault_id(c, &c->secrets, arg, c->action->encrypts) < 0;
	case OPT_NEW_PASSWORD_FILE:
		return vault_secrets_add(&c->new_secrets, "vault-password-file", arg, &c->err) < 0;
	case OPT_NEW_VAULT_ID:
		return add_vault_id(c, &c->new_secrets, arg, 1) < 0;
	case 'J':
		c->ask = 1;
		return 0;
	case OPT_ENCRYPT_ID:
		c->encrypt_id = arg;
		return 0;
	case OPT_OUTPUT:
		c->output = arg;
		return 0;
	case 'n':
		strvec_push(&c->names, arg);
		return 0;
	case OPT_STDIN_NAME:
		c->stdin_name = arg;
		return 0;
	case 'p':
		c->prompt_string = 1;
		return 0;
	case OPT_SHOW_INPUT:
	case 'v':
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	default:
		fputs(usage_text, stderr);
		return EXIT_OPTIONS;
	}
}

/* ansible.cfg's vault_identity_list, then (when nothing else gave a password)
 * DROVER_VAULT_PASSWORD_FILE or ansible.cfg's vault_password_file. */
static int env_and_config(struct vault_cmd *c)
{
	struct config cfg;
	int r;

	config_init(&cfg);
	r = config_load(&cfg, &c->err);
	if (r == 0)
		r = vault_secrets_add_config(&c->secrets, &cfg, &c->err);
	config_release(&cfg);
	return r;
}

/* After the options: --ask-vault-pass, the configuration, then an implicit prompt. */
static int gather_secrets(struct vault_cmd *c)
{
	if (c->ask && (c->action->encrypts ? ask_new_password(&c->secrets, NULL, &c->err)
					   : vault_secrets_add(&c->secrets, "ask-vault-pass", NULL,
							       &c->err)) < 0)
		return -1;
	if (env_and_config(c) < 0)
		return -1;
	if (c->secrets.nr)
		return 0;
	return c->action->encrypts
		       ? ask_new_password(&c->secrets, NULL, &c->err)
		       : vault_secrets_add(&c->secrets, "ask-vault-pass", NULL, &c->err);
}

static int check_arity(const struct vault_cmd *c, int nfiles)
{
	const struct vault_action *a = c->action;

	if (nfiles < a->min_files || (a->max_files >= 0 && nfiles > a->max_files)) {
		fprintf(stderr, "ERROR! drover vault %s takes %s\n", a->name,
			a->max_files == 1 ? "exactly one file name" : "at least one file name");
		return EXIT_OPTIONS;
	}
	if (c->output && nfiles > 1 && strcmp(a->name, "encrypt_string")) {
		fprintf(stderr,
			"ERROR! At most one input file may be used with the --output option\n");
		return EXIT_OPTIONS;
	}
	return 0;
}

static int parse_and_run(struct vault_cmd *c, int argc, char **argv)
{
	size_t i;
	int opt, r;

	for (i = 0; i < ARRAY_SIZE(actions) && !c->action; i++)
		if (!strcmp(argv[0], actions[i].name))
			c->action = &actions[i];
	if (!c->action) {
		fail("unknown vault action '%s'", argv[0]);
		fputs(usage_text, stderr);
		return EXIT_OPTIONS;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "Jn:pvh", long_options, NULL)) != -1)
		if ((r = take_option(c, opt, optarg)))
			return r < 0 ? EXIT_OK : c->err.len ? fail("%s", c->err.buf) : r;
	if ((r = check_arity(c, argc - optind)))
		return r;
	if (gather_secrets(c) < 0)
		return fail("%s", c->err.buf);
	if (c->action->run(c, argc - optind, argv + optind) < 0)
		return fail("%s", c->err.buf);
	return EXIT_OK;
}

int cmd_vault(int argc, char **argv)
{
	struct vault_cmd c = {0};
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_OPTIONS : EXIT_OK;
	}
	vault_secrets_init(&c.secrets);
	vault_secrets_init(&c.new_secrets);
	strvec_init(&c.names);
	buf_init(&c.err, 0);
	r = parse_and_run(&c, argc - 1, argv + 1);
	vault_secrets_release(&c.secrets);
	vault_secrets_release(&c.new_secrets);
	strvec_clear(&c.names);
	buf_release(&c.err);
	return r;
}
