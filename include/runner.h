#ifndef DROVER_RUNNER_H
#define DROVER_RUNNER_H

#include <jansson.h>
#include <signal.h>

/*
 * Runs jobs (one module on one host) inside an executor worker. A runner
 * keeps every SSH session it opened, so a host's later tasks reuse its
 * session, and the module scripts it has built.
 *
 * A job is a JSON object:
 *   host     inventory_hostname
 *   conn     {host, port, user, password, key_passphrase, identity_files[],
 *             identities_only, known_hosts, policy (strict|accept-new|no),
 *             connect_timeout, ssh_args, ssh_config, local}
 *   module   module name
 *   args     arguments already checked by module_check_args; two keys
 *            are data, not arguments: _drover_stdin (text) and
 *            _drover_data_b64 (bytes, base64) are decoded and sent to the
 *            module's stdin after its arguments, where it reads them with cat
 *   timeout  task timeout in seconds (0: none)
 *   become   {"user": NAME} or absent
 *   shell    the shell that runs the module (ansible_shell_executable;
 *            default /bin/sh)
 * The outcome is {"status": "ok"|"failed"|"unreachable", "result": {...}}.
 */
struct runner;

/* cancel: a flag a signal handler sets to make the job in flight stop. */
struct runner *runner_new(const volatile sig_atomic_t *cancel);
void runner_free(struct runner *r);

/*
 * How long a worker may hold job before the executor kills it: past every
 * timeout the job has (task timeout, connection, reboot or connection
 * waits). 0: no limit.
 */
int runner_job_deadline(json_t *job);

/* Runs job; returns a new reference to its outcome. Never NULL. */
json_t *runner_run(struct runner *r, json_t *job);


#endif
