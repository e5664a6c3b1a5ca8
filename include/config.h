#ifndef DROVER_CONFIG_H
#define DROVER_CONFIG_H

#include "buf.h"
#include "strvec.h"

/*
 * Settings from ansible.cfg ([defaults], [ssh_connection] and
 * [privilege_escalation]) and the
 * matching ANSIBLE_* environment variables. Command-line flags are applied
 * on top by each command. The file is found as Ansible finds it:
 * $ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg (first found).
 */
struct config {
	char *path;                 /* the file read, or NULL */
	struct strvec inventory;    /* [defaults] inventory, comma separated */
	int forks;                  /* default 25 (Ansible: 5) */
	char *remote_user;          /* NULL: ssh_config / login name */
	char *private_key_file;
	int host_key_checking;      /* 1 (default) or 0 */
	int timeout;                /* connect timeout, seconds (default 10) */
	int task_timeout;           /* seconds, 0 = none */
	char *roles_path;
	char *gathering;            /* implicit (NULL), explicit or smart */
	char *vault_password_file;
	char *vault_identity_list; /* "id@source, ..." */
	char *ssh_args;             /* [ssh_connection] ssh_args / ANSIBLE_SSH_ARGS */
	char *ssh_common_args;
	char *ssh_extra_args;
	char *become_flags;         /* [privilege_escalation]: NULL for the method's */
	char *become_exe;           /* NULL: the method's name */
	char *known_hosts;          /* drover extension: --known-hosts default */
	int verbosity_notes;        /* unused settings noted at -v */
	struct strvec unknown;      /* settings read but not implemented, "section.key" */
};

void config_init(struct config *cfg);
void config_release(struct config *cfg);
/*
 * Finds and reads ansible.cfg, then the environment. Returns 0, or -1 with
 * a "file:line: message" in err for a malformed file.
 */
int config_load(struct config *cfg, struct buf *err);

#endif
