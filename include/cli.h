#ifndef DROVER_CLI_H
#define DROVER_CLI_H

#include "config.h"
#include "strvec.h"

/*
 * What every command that runs against an inventory shares: loading the
 * inventory sources (or ansible.cfg's, or /etc/ansible/hosts), the -v
 * notes about the configuration, and number arguments.
 */
struct inventory;
struct conn_defaults;
struct vault_secrets;
struct buf;

/* The options of every command that reaches hosts: how to connect and become, vault passwords. */
enum {
	CLI_OPT_PRIVATE_KEY = 800, CLI_OPT_BECOME_USER, CLI_OPT_BECOME_METHOD, CLI_OPT_KNOWN_HOSTS,
	CLI_OPT_HOST_KEY_CHECKING, CLI_OPT_SSH_COMMON, CLI_OPT_SSH_EXTRA, CLI_OPT_VAULT_PASSWORD_FILE,
	CLI_OPT_VAULT_ID, CLI_OPT_BECOME_PASS_FILE, CLI_OPT_CONN_PASS_FILE,
};
#define CLI_CONN_SHORT_OPTIONS "u:kKbT:c:J"
#define CLI_CONN_LONG_OPTIONS                                                          \
	{ "user", required_argument, NULL, 'u' },                                      \
	{ "private-key", required_argument, NULL, CLI_OPT_PRIVATE_KEY },               \
	{ "key-file", required_argument, NULL, CLI_OPT_PRIVATE_KEY },                  \
	{ "ask-pass", no_argument, NULL, 'k' },                                        \
	{ "ask-become-pass", no_argument, NULL, 'K' },                                 \
	{ "become-password-file", required_argument, NULL, CLI_OPT_BECOME_PASS_FILE }, \
	{ "become-pass-file", required_argument, NULL, CLI_OPT_BECOME_PASS_FILE },     \
	{ "connection-password-file", required_argument, NULL, CLI_OPT_CONN_PASS_FILE }, \
	{ "conn-pass-file", required_argument, NULL, CLI_OPT_CONN_PASS_FILE },         \
	{ "become", no_argument, NULL, 'b' },                                          \
	{ "become-user", required_argument, NULL, CLI_OPT_BECOME_USER },               \
	{ "become-method", required_argument, NULL, CLI_OPT_BECOME_METHOD },           \
	{ "timeout", required_argument, NULL, 'T' },                                   \
	{ "known-hosts", required_argument, NULL, CLI_OPT_KNOWN_HOSTS },               \
	{ "host-key-checking", required_argument, NULL, CLI_OPT_HOST_KEY_CHECKING },   \
	{ "connection", required_argument, NULL, 'c' },                                \
	{ "ssh-common-args", required_argument, NULL, CLI_OPT_SSH_COMMON },            \
	{ "ssh-extra-args", required_argument, NULL, CLI_OPT_SSH_EXTRA },              \
	{ "vault-password-file", required_argument, NULL, CLI_OPT_VAULT_PASSWORD_FILE }, \
	{ "vault-pass-file", required_argument, NULL, CLI_OPT_VAULT_PASSWORD_FILE },   \
	{ "vault-id", required_argument, NULL, CLI_OPT_VAULT_ID },                     \
	{ "ask-vault-pass", no_argument, NULL, 'J' },                                  \
	{ "ask-vault-password", no_argument, NULL, 'J' }

/*
 * The connection and become passwords: asked for on the terminal (-k, -K)
 * or read from files (--connection-password-file, --become-password-file).
 * They go to the jobs, never to a command line or a host file.
 */
struct cli_secrets {
	int ask_pass, ask_become_pass;
	const char *conn_pass_file, *become_pass_file;
	char *conn_password, *become_password; /* owned; wiped by cli_secrets_release */
};

/*
 * Asks or reads what the options asked for and sets d->password and
 * d->become_password. Returns 0, or the exit code after printing why (no
 * terminal to ask on, an unreadable file).
 */
int cli_secrets_load(struct cli_secrets *s, struct conn_defaults *d);
void cli_secrets_release(struct cli_secrets *s);

struct cli_conn {
	struct conn_defaults *conn;
	struct vault_secrets *vault;
	struct cli_secrets *secrets;
};

/*
 * Takes option c if it is one of CLI_CONN_LONG_OPTIONS. Returns 1 (taken),
 * 0 (not one of them), -1 with err (a bad value: exit 5) or -2 with err
 * (a vault password that could not be read: exit 1).
 */
int cli_conn_option(const struct cli_conn *cc, int c, const char *arg, struct buf *err);

/* "ERROR! MESSAGE" and usage on stderr; returns 5, the exit code for bad options. */
int cli_bad_option(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The options adhoc and play share: the run options (runopts.h) and the
 * connection options. Returns -1 when c is neither, 0 when taken, or the
 * exit code to stop with after printing why.
 */
struct run_opts;
int cli_shared_option(struct run_opts *ro, const struct cli_conn *cc, const char *usage, int c,
		      const char *arg);

/* Loads sources (or the configured ones) into inv. Returns 0, or -1 after printing the error. */
int cli_load_inventory(struct inventory *inv, const struct strvec *sources,
		       const struct config *cfg);

/* At -v, as Ansible: which file was read, and what drover did not use. */
void cli_note_config(const struct config *cfg, int verbosity);

/* A whole number from 0 to 1000000. Returns 0, or -1. */
int cli_number(const char *s, int *out);

#endif
