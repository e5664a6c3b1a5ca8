/*
 * drover cron add NAME --schedule EXPR [--user U] [--log FILE] [--crontab] -- ARGS...
 * drover cron list | drover cron remove NAME
 *
 * As root, a job is /etc/cron.d/drover-NAME ($DROVER_CRON_DIR for tests);
 * otherwise (or with --crontab) a marked line in the user's crontab,
 * edited through `crontab -l` / `crontab -` ($DROVER_CRONTAB names the
 * program). Every job runs drover with --lock and --log, from the folder
 * it was added in.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "cronsched.h"
#include "kv.h"
#include "statedir.h"
#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_OPTIONS 5
#define MARK "# drover-cron:"

static const char usage_text[] =
	"usage: drover cron add NAME --schedule 'MIN HOUR DOM MON DOW' [--user USER]\n"
	"                       [--log FILE] [--crontab] -- COMMAND [ARGS...]\n"
	"       drover cron list [--crontab]\n"
	"       drover cron remove NAME [--crontab]\n"
	"  e.g. drover cron add patch --schedule '0 3 * * 0' -- play playbooks/patch.yml -i hosts\n";

struct cron_opts {
	const char *name, *schedule, *user, *log;
	int crontab;       /* the user's crontab even as root */
	struct strvec args;
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "ERROR! %s\n%s", msg, usage_text);
	return EXIT_OPTIONS;
}

static const char *cron_dir(void)
{
	const char *d = getenv("DROVER_CRON_DIR");

	return d && *d ? d : "/etc/cron.d";
}

/* cron.d runs only files named with letters, digits, _ and - (run-parts' rule). */
static int good_name(const char *name)
{
	return *name && name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789_-")] == '\0';
}

static int use_crontab(const struct cron_opts *o)
{
	return o->crontab || (geteuid() != 0 && !getenv("DROVER_CRON_DIR"));
}

static int parse_options(struct cron_opts *o, int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "schedule", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "log", required_argument, NULL, 'L' },
		{ "crontab", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	/* "+": options stop at a word (NAME, then the job), so the job's own options stay its own */
	for (;;) {
		while ((c = getopt_long(argc, argv, "+s:u:h", long_options, NULL)) != -1) {
			switch (c) {
			case 's': o->schedule = optarg; break;
			case 'u': o->user = optarg; break;
			case 'L': o->log = optarg; break;
			case 'C': o->crontab = 1; break;
			case 'h': fputs(usage_text, stdout); return -1;
			default: return usage_error("unknown or incomplete option");
			}
		}
		if (optind >= argc || !strcmp(argv[optind - 1], "--") || o->name)
			break;
		o->name = argv[optind++];
	}
	for (; optind < argc; optind++)
		strvec_push(&o->args, argv[optind]);
	return 0;
}

/* This drover's own path, so cron runs the same binary. */
static char *self_path(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return xstrdup("drover");
	path[n] = '\0';
	return xstrdup(path);
}

static int has_arg(const struct strvec *args, const char *opt)
{
	size_t i, n = strlen(opt);

	for (i = 0; i < args->nr; i++)
		if (!strncmp(args->v[i], opt, n) && (!args->v[i][n] || args->v[i][n] == '='))
			return 1;
	return 0;
}

/* cron's command field: cd to where the job was added, exec drover with --lock and --log. */
static char *job_command(const struct cron_opts *o)
{
	struct buf cmd = BUF_INIT, out = BUF_INIT;
	char cwd[PATH_MAX], *self = self_path(), *log = NULL, *p;
	struct buf err = BUF_INIT;
	size_t i;

	buf_addstr(&cmd, "cd ");
	sh_quote(&cmd, getcwd(cwd, sizeof(cwd)) ? cwd : "/");
	buf_addstr(&cmd, " && exec ");
	sh_quote(&cmd, self);
	for (i = 0; i < o->args.nr; i++) {
		buf_addch(&cmd, ' ');
		sh_quote(&cmd, o->args.v[i]);
	}
	if (!has_arg(&o->args, "--lock") && !has_arg(&o->args, "--lock-file"))
		buf_addstr(&cmd, " --lock");
	if (!has_arg(&o->args, "--log")) {
		char *file = xasprintf("cron-%s.log", o->name);

		log = o->log ? xstrdup(o->log) : statedir_path(file);
		free(file);
		if (!o->log && statedir_make_parents(log, &err) < 0)
			warning("%s", err.buf);
		buf_addstr(&cmd, " --log ");
		sh_quote(&cmd, log);
	}
	/* a bare % in a crontab line is a newline */
	for (p = cmd.buf; *p; p++) {
		if (*p == '%')
			buf_addch(&out, '\\');
		buf_addch(&out, *p);
	}
	buf_release(&cmd);
	buf_release(&err);
	free(self);
	free(log);
	return buf_detach(&out, NULL);
}

/* ---- /etc/cron.d ---- */

static char *job_file(const char *name)
{
	return xasprintf("%s/drover-%s", cron_dir(), name);
}

static int write_cron_file(const struct cron_opts *o, const char *command)
{
	char *path = job_file(o->name), *tmp = xasprintf("%s.tmp", path);
	FILE *fp = fopen(tmp, "w");
	int r = EXIT_OK, existed = access(path, F_OK) == 0;

	if (!fp) {
		fprintf(stderr, "ERROR! cannot write %s: %s\n", tmp, strerror(errno));
		r = EXIT_ERROR;
		goto out;
	}
	fprintf(fp, "# drover job '%s', managed by drover cron (add/remove)\n"
		    "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
		    "%s %s %s\n", o->name, o->schedule, o->user ? o->user : "root", command);
	if (fchmod(fileno(fp), 0644) < 0 || fclose(fp) || rename(tmp, path) < 0) {
		fprintf(stderr, "ERROR! cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		r = EXIT_ERROR;
		goto out;
	}
	printf("%s %s\n", existed ? "updated" : "added", path);
out:
	free(path);
	free(tmp);
	return r;
}

/* NAME=value lines set cron's environment; they are not jobs. */
static int is_env_line(const char *line)
{
	size_t n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	return n && line[n] == '=';
}

/* A job file's schedule, user and command, from its job line. */
static void print_job_file(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	struct buf text = BUF_INIT;
	char *line, *save = NULL;

	if (buf_read_file(&text, path) == 0) {
		for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (*line != '#' && !is_env_line(line))
				printf("%-20s %s\n", file + strlen("drover-"), line);
	}
	buf_release(&text);
	free(path);
}

static int list_cron_dir(void)
{
	DIR *d = opendir(cron_dir());
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "ERROR! cannot read %s: %s\n", cron_dir(), strerror(errno));
		return EXIT_ERROR;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "drover-", 7) && good_name(e->d_name))
			print_job_file(cron_dir(), e->d_name);
	closedir(d);
	return EXIT_OK;
}

static int remove_cron_file(const char *name)
{
	char *path = job_file(name);
	int r = EXIT_OK;

	if (unlink(path) < 0) {
		fprintf(stderr, "ERROR! no drover cron job '%s' (%s: %s)\n", name, path, strerror(errno));
		r = EXIT_ERROR;
	} else {
		printf("removed %s\n", path);
	}
	free(path);
	return r;
}

/* ---- the user's crontab ---- */

static char *crontab_cmd(const char *args)
{
	const char *prog = getenv("DROVER_CRONTAB");
	struct buf cmd = BUF_INIT;

	sh_quote(&cmd, prog && *prog ? prog : "crontab");
	buf_addf(&cmd, " %s", args);
	return buf_detach(&cmd, NULL);
}

/* The crontab's text without NAME's job (every drover job when name is NULL: for listing). */
static int read_crontab(const char *name, struct buf *keep, struct buf *jobs)
{
	char *cmd = crontab_cmd("-l 2>/dev/null"), line[8192], *mark = name ? xasprintf(MARK "%s\n", name) : NULL;
	FILE *fp = popen(cmd, "r");
	int skip = 0, found = 0;

	free(cmd);
	if (!fp) {
		free(mark);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		if (skip) {
			skip = 0;
			if (jobs)
				buf_addstr(jobs, line);
			continue;
		}
		if (!strncmp(line, MARK, strlen(MARK)) && (!mark || !strcmp(line, mark))) {
			skip = 1;
			found = 1;
			if (jobs)
				buf_addf(jobs, "%-20.*s ", (int)strcspn(line + strlen(MARK), "\n"), line + strlen(MARK));
			continue;
		}
		buf_addstr(keep, line);
	}
	pclose(fp);
	free(mark);
	return found;
}

static int write_crontab(const struct buf *text)
{
	char *cmd = crontab_cmd("-");
	FILE *fp = popen(cmd, "w");
	int st;

	free(cmd);
	if (!fp) {
		fprintf(stderr, "ERROR! cannot run crontab: %s\n", strerror(errno));
		return EXIT_ERROR;
	}
	fwrite(text->buf, 1, text->len, fp);
	st = pclose(fp);
	if (st) {
		fprintf(stderr, "ERROR! crontab - failed (status %d)\n", st);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int crontab_add(const struct cron_opts *o, const char *command)
{
	struct buf text = BUF_INIT;
	int found = read_crontab(o->name, &text, NULL), r;

	if (found < 0) {
		fprintf(stderr, "ERROR! cannot run crontab -l\n");
		return EXIT_ERROR;
	}
	buf_addf(&text, MARK "%s\n%s %s\n", o->name, o->schedule, command);
	r = write_crontab(&text);
	if (!r)
		printf("%s crontab job %s\n", found ? "updated" : "added", o->name);
	buf_release(&text);
	return r;
}

static int crontab_remove(const char *name)
{
	struct buf text = BUF_INIT;
	int found = read_crontab(name, &text, NULL), r = EXIT_ERROR;

	if (found <= 0)
		fprintf(stderr, "ERROR! no drover cron job '%s' in the crontab\n", name);
	else if (!(r = write_crontab(&text)))
		printf("removed crontab job %s\n", name);
	buf_release(&text);
	return r;
}

static int crontab_list(void)
{
	struct buf text = BUF_INIT, jobs = BUF_INIT;

	if (read_crontab(NULL, &text, &jobs) >= 0)
		fputs(jobs.buf, stdout);
	buf_release(&text);
	buf_release(&jobs);
	return EXIT_OK;
}

/* ---- the verbs ---- */

static int cron_add(const struct cron_opts *o)
{
	struct buf err = BUF_INIT;
	char *command;
	int r;

	if (!o->name || !good_name(o->name))
		return usage_error("cron add needs a NAME of letters, digits, _ and -");
	if (!o->schedule)
		return usage_error("cron add needs --schedule 'MIN HOUR DOM MON DOW'");
	if (!o->args.nr)
		return usage_error("cron add needs the drover command after --, e.g. -- play site.yml");
	if (cronsched_check(o->schedule, &err) < 0) {
		fprintf(stderr, "ERROR! bad schedule '%s': %s\n", o->schedule, err.buf);
		buf_release(&err);
		return EXIT_OPTIONS;
	}
	if (o->user && use_crontab(o))
		return usage_error("--user needs root (it writes /etc/cron.d)");
	command = job_command(o);
	r = use_crontab(o) ? crontab_add(o, command) : write_cron_file(o, command);
	free(command);
	return r;
}

int cmd_cron(int argc, char **argv)
{
	struct cron_opts o;
	const char *verb = argc > 1 ? argv[1] : "";
	int r;

	memset(&o, 0, sizeof(o));
	strvec_init(&o.args);
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !*verb) {
		fputs(usage_text, *verb ? stdout : stderr);
		return *verb ? EXIT_OK : EXIT_OPTIONS;
	}
	r = parse_options(&o, argc - 1, argv + 1);
	if (r) {
		r = r < 0 ? EXIT_OK : r;
	} else if (!strcmp(verb, "add")) {
		r = cron_add(&o);
	} else if (!strcmp(verb, "list")) {
		r = o.name ? usage_error("cron list takes no name")
			   : use_crontab(&o) ? crontab_list() : list_cron_dir();
	} else if (!strcmp(verb, "remove")) {
		r = !o.name || !good_name(o.name) ? usage_error("cron remove needs the job's NAME")
		    : use_crontab(&o) ? crontab_remove(o.name) : remove_cron_file(o.name);
	} else {
		r = usage_error("cron takes add, list or remove");
	}
	strvec_clear(&o.args);
	return r;
}
