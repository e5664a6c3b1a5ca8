#ifndef DROVER_CONNVARS_H
#define DROVER_CONNVARS_H

#include <jansson.h>

#include "buf.h"
#include "config.h"

/*
 * How to reach a host, from its variables (ansible_host, ansible_port,
 * ansible_user, ansible_password, ansible_ssh_private_key_file,
 * ansible_connection, ansible_ssh_common_args, ansible_ssh_extra_args,
 * ansible_ssh_known_hosts_file, ansible_become*), the command line and the
 * configuration. Precedence, highest first: host variables (extra vars
 * included), command-line flags, ansible.cfg / ANSIBLE_*, ~/.ssh/config.
 */
struct conn_defaults {
	const struct config *cfg;
	const char *user;          /* -u */
	const char *private_key;   /* --private-key */
	const char *password;      /* -k */
	const char *known_hosts;   /* --known-hosts */
	const char *policy;        /* --host-key-checking: strict|accept-new|no */
	const char *connection;    /* -c */
	const char *ssh_common_args, *ssh_extra_args;
	int timeout;               /* -T, 0: from config */
	int become;                /* -b */
	const char *become_user;   /* --become-user */
	const char *become_method; /* --become-method: sudo (NULL) or su */
	const char *become_password; /* -K, --become-password-file */
	const char *become_flags;  /* the become_flags keyword (NULL: ansible.cfg's) */
	const char *become_exe;    /* the become_exe keyword */
	const char *key_passphrase;  /* DROVER_KEY_PASSPHRASE, for encrypted key files */
};

/*
 * The "conn" object of a job (see runner.h) for a host with vars.
 * Returns a new reference, or NULL with err set (unsupported connection).
 */
json_t *connvars_build(json_t *vars, const struct conn_defaults *d, struct buf *err);

/*
 * The job's "become" object, or NULL when the host does not become:
 * {"user": NAME} plus "method" when it is not sudo and "password" when one
 * is known (ansible_become_password / ansible_become_pass, then -K or the
 * password file), "flags" and "exe" when set (ansible_become_flags, the
 * become_flags keyword, ansible.cfg; the same for exe). New reference.
 */
json_t *connvars_become(json_t *vars, const struct conn_defaults *d);

/*
 * The executor key for a job with this "conn": identical connections
 * (several inventory names for one address, port, user and key) get the
 * same key, so they share one SSH session as Ansible's ControlPersist
 * would. seen maps the connections met so far to their keys.
 */
size_t connvars_session_key(json_t *seen, json_t *conn);

#endif
