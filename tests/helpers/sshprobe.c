/*
 * sshprobe: exercises drover's SSH transport against a real sshd.
 *
 *   sshprobe [-p port] [-u user] [-i key] [-k known_hosts] [-P strict|accept-new|no]
 *            [-n N] [-t timeout_ms] [-s stdin_file] [-o ssh_args] [-F ssh_config]
 *            [-w password] [-K key_passphrase] [-N] [-T] host cmd
 *
 * Connects once and runs cmd N times on that session; remote stdout and
 * stderr go to ours, the exit status is the remote one (255: transport
 * failure, 124: timeout). -T prints timings to stderr, -N turns off the
 * TCP_NODELAY/TCP_QUICKACK tweaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ssh.h"
#include "xalloc.h"
#include "banned.h"

struct probe {
	struct ssh_opts o;
	int n, timing, timeout_ms;
	const char *config, *args;
	struct buf in;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(void)
{
	die("usage: sshprobe [-p port] [-u user] [-i key] [-k known_hosts] "
	    "[-P strict|accept-new|no] [-n N] [-t ms] [-s file] [-o args] [-F config] "
	    "[-w password] [-K passphrase] [-N] [-T] host cmd");
}

static void set_policy(struct probe *p, const char *v)
{
	if (!strcmp(v, "strict"))
		v = "yes";
	if (ssh_opts_parse_policy(v, &p->o.policy) < 0)
		usage();
	p->o.set_policy = 1;
}

static void parse_flag(struct probe *p, int ch, const char *arg)
{
	switch (ch) {
	case 'p': p->o.port = atoi(arg); p->o.set_port = 1; break;
	case 'u': p->o.user = xstrdup(arg); p->o.set_user = 1; break;
	case 'i': strvec_push(&p->o.identity_files, arg); break;
	case 'k': p->o.known_hosts = xstrdup(arg); p->o.set_known_hosts = 1; break;
	case 'P': set_policy(p, arg); break;
	case 'n': p->n = atoi(arg); break;
	case 't': p->timeout_ms = atoi(arg); break;
	case 's':
		if (buf_read_file(&p->in, arg) < 0)
			die("cannot read %s", arg);
		break;
	case 'o': p->args = arg; break;
	case 'F': p->config = arg; break;
	case 'w': p->o.password = xstrdup(arg); break;
	case 'K': p->o.key_passphrase = xstrdup(arg); break;
	case 'N': p->o.no_tcp_tweaks = 1; break;
	case 'T': p->timing = 1; break;
	default: usage();
	}
}

static void apply_sources(struct probe *p, const char *alias)
{
	struct buf warnings = BUF_INIT, err = BUF_INIT;

	if (p->args && ssh_opts_apply_args(&p->o, p->args, &warnings, &err) < 0)
		die("%s", err.buf);
	if (p->config && ssh_opts_apply_config_warn(&p->o, p->config, alias, &warnings, &err) < 0)
		die("%s", err.buf);
	if (!p->o.host)
		p->o.host = xstrdup(alias);
	if (warnings.len)
		fprintf(stderr, "%s", warnings.buf);
	buf_release(&warnings);
	buf_release(&err);
}

static int run(struct probe *p, struct ssh_conn *c, const char *cmd)
{
	struct ssh_exec_result res;
	struct buf err = BUF_INIT;
	int i, status = 0;

	for (i = 0; i < p->n; i++) {
		double t0 = now_ms();
		int r;

		ssh_exec_result_init(&res);
		r = ssh_exec(c, cmd, p->in.buf, p->in.len, p->timeout_ms, &res, &err);
		if (p->timing)
			fprintf(stderr, "exec %d ms %.2f\n", i, now_ms() - t0);
		fwrite(res.out.buf, 1, res.out.len, stdout);
		fwrite(res.errb.buf, 1, res.errb.len, stderr);
		status = r == SSH_ERR_TIMEOUT ? 124 : r ? 255 : res.exit_status & 0xff;
		if (r)
			fprintf(stderr, "sshprobe: %s\n", err.buf);
		if (res.exit_signal)
			fprintf(stderr, "sshprobe: killed by signal %s\n", res.exit_signal);
		ssh_exec_result_release(&res);
		if (r == SSH_ERR_CHANNEL)
			break;
	}
	fflush(stdout);
	buf_release(&err);
	return status;
}

int main(int argc, char **argv)
{
	struct probe p = { .n = 1 };
	struct ssh_conn *c;
	struct buf err = BUF_INIT;
	double t0;
	int ch, status;

	ssh_opts_init(&p.o);
	buf_init(&p.in, 0);
	while ((ch = getopt(argc, argv, "p:u:i:k:P:n:t:s:o:F:w:K:NT")) != -1)
		parse_flag(&p, ch, optarg);
	if (argc - optind != 2)
		usage();
	apply_sources(&p, argv[optind]);
	if (ssh_global_init() < 0)
		die("libssh2_init failed");
	t0 = now_ms();
	if (ssh_connect(&p.o, &c, &err)) {
		fprintf(stderr, "sshprobe: %s\n", err.buf);
		status = 255;
		goto out;
	}
	if (p.timing)
		fprintf(stderr, "connect ms %.2f\n", now_ms() - t0);
	status = run(&p, c, argv[optind + 1]);
	ssh_close(c);
out:
	ssh_opts_release(&p.o);
	buf_release(&p.in);
	buf_release(&err);
	return status;
}
