/*
 * drover play PLAYBOOK... -i INV: runs Ansible playbooks, as
 * ansible-playbook does, with its options, output and exit codes.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "executor.h"
#include "extravars.h"
#include "inventory.h"
#include "play.h"
#include "play_int.h"
#include "playbook.h"
#include "prompt.h"
#include "report.h"
#include "runguard.h"
#include "runopts.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_ERROR 1
#define EXIT_PARSE 4
#define EXIT_OPTIONS 5

struct cmd_opts {
	struct play_opts play;
	struct run_opts run;       /* records, reports, lock, hook */
	int argc;                  /* the command line as typed, for the records */
	char **argv;
	struct strvec inventories;
	struct strvec playbooks;
	struct cli_secrets secrets; /* -k, -K and password files */
	int syntax_check;
	struct vault_secrets vault;
};

static const char usage_text[] =
	"usage: drover play PLAYBOOK... [-i INVENTORY] [-l LIMIT] [-t TAGS] [--skip-tags TAGS]\n"
	"                   [-C] [-D] [-f FORKS] [-e VARS] [-u USER] [-b] [--become-user USER]\n"
	"                   [--become-method sudo|su] [-K | --become-password-file FILE]\n"
	"                   [--private-key FILE] [-k | --connection-password-file FILE]\n"
	"                   [--start-at-task NAME] [--force-handlers]\n"
	"                   [--list-hosts] [--list-tasks] [--list-tags] [--syntax-check] [-v]\n"
	"                   [-T SECONDS] [--task-timeout SECONDS] [--known-hosts FILE]\n"
	"                   [--host-key-checking strict|accept-new|no] [-c ssh|local]\n"
	"                   [--ssh-common-args ARGS] [--ssh-extra-args ARGS]\n"
	"                   [--vault-password-file FILE] [--vault-id [ID@]SOURCE] [-J]\n"
	RUNOPTS_USAGE;

enum {
	OPT_SKIP_TAGS = 256, OPT_START_AT, OPT_LIST_HOSTS, OPT_LIST_TASKS, OPT_LIST_TAGS,
	OPT_SYNTAX, OPT_TASK_TIMEOUT, OPT_FORCE_HANDLERS, OPT_FLUSH_CACHE,
};

static const struct option long_options[] = {
	{ "inventory", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 'l' },
	{ "tags", required_argument, NULL, 't' },
	{ "skip-tags", required_argument, NULL, OPT_SKIP_TAGS },
	{ "check", no_argument, NULL, 'C' },
	{ "diff", no_argument, NULL, 'D' },
	{ "forks", required_argument, NULL, 'f' },
	{ "extra-vars", required_argument, NULL, 'e' },
	{ "start-at-task", required_argument, NULL, OPT_START_AT },
	{ "force-handlers", no_argument, NULL, OPT_FORCE_HANDLERS },
	{ "flush-cache", no_argument, NULL, OPT_FLUSH_CACHE },
	{ "list-hosts", no_argument, NULL, OPT_LIST_HOSTS },
	{ "list-tasks", no_argument, NULL, OPT_LIST_TASKS },
	{ "list-tags", no_argument, NULL, OPT_LIST_TAGS },
	{ "syntax-check", no_argument, NULL, OPT_SYNTAX },
	{ "verbose", no_argument, NULL, 'v' },
	{ "task-timeout", required_argument, NULL, OPT_TASK_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	CLI_CONN_LONG_OPTIONS,
	RUNOPTS_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

#define bad_option(...) cli_bad_option(usage_text, __VA_ARGS__)

static void split_tags(struct strvec *into, const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL, *t;

	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		strvec_push(into, t + strspn(t, " "));
	free(copy);
}

static int number_option(const char *arg, int *out, const char *what)
{
	return cli_number(arg, out) < 0 ? bad_option("invalid %s '%s'", what, arg) : 0;
}

/* One option; returns 0, or the exit code to stop with (-1: stop, success). */
static int take_option(struct cmd_opts *o, int c, const char *arg)
{
	struct play_opts *p = &o->play;
	struct cli_conn cc = { &p->conn, &o->vault, &o->secrets };
	struct buf err = BUF_INIT;
	int r = cli_shared_option(&o->run, &cc, usage_text, c, arg);

	if (r >= 0)
		return r;
	r = 0;
	switch (c) {
	case 'i': strvec_push(&o->inventories, arg); break;
	case 'l': p->limit = arg; break;
	case 't': split_tags(&p->tags, arg); break;
	case OPT_SKIP_TAGS: split_tags(&p->skip_tags, arg); break;
	case 'C': p->check = 1; break;
	case 'D': p->diff = 1; break;
	case 'f':
		if ((r = number_option(arg, &p->forks, "forks value")) == 0 && !p->forks)
			r = bad_option("invalid forks value '%s'", arg);
		break;
	case 'e':
		if (extravars_add(p->extra_vars, arg, &err) < 0)
			r = bad_option("%s", err.buf);
		break;
	case OPT_START_AT: p->start_at_task = arg; break;
	case OPT_FORCE_HANDLERS: p->force_handlers = 1; break;
	case OPT_FLUSH_CACHE: break; /* drover keeps no fact cache between runs */
	case OPT_LIST_HOSTS: p->list_hosts = 1; break;
	case OPT_LIST_TASKS: p->list_tasks = 1; break;
	case OPT_LIST_TAGS: p->list_tags = 1; break;
	case OPT_SYNTAX: o->syntax_check = 1; break;
	case 'v': p->verbosity++; break;
	case OPT_TASK_TIMEOUT: r = number_option(arg, &p->task_timeout, "task timeout"); break;
	case 'h': fputs(usage_text, stdout); r = -1; break;
	default: r = bad_option("%s", "unknown or incomplete option");
	}
	buf_release(&err);
	return r;
}

static int parse_options(struct cmd_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:l:t:CDf:e:u:bkKvT:c:Jh", long_options, NULL)) != -1)
		if ((r = take_option(o, c, optarg)))
			return r;
	if (optind >= argc)
		return bad_option("%s", "no playbook given");
	for (; optind < argc; optind++)
		strvec_push(&o->playbooks, argv[optind]);
	return 0;
}

static int load_playbooks(struct cmd_opts *o, const struct config *cfg, json_t *plays)
{
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < o->playbooks.nr; i++) {
		if (playbook_load(o->playbooks.v[i], cfg->roles_path, plays, &err) < 0) {
			fprintf(stderr, "ERROR! %s\n", err.buf);
			buf_release(&err);
			return -1;
		}
	}
	buf_release(&err);
	return 0;
}

static void list_tags_of(json_t *tags, struct buf *out)
{
	json_t *t;
	size_t i;

	buf_addstr(out, "TAGS: [");
	json_array_foreach(tags, i, t)
		buf_addf(out, "%s%s", i ? ", " : "", json_string_value(t) ?: "");
	buf_addch(out, ']');
}

static void list_task_names(json_t *list, struct buf *out)
{
	json_t *node;
	size_t i;

	json_array_foreach(list, i, node) {
		const char *name = json_string_value(json_object_get(node, "name"));
		const char *role = json_string_value(json_object_get(node, "__role"));

		if (json_object_get(node, "__block")) {
			list_task_names(json_object_get(node, "__block"), out);
			list_task_names(json_object_get(node, "__rescue"), out);
			list_task_names(json_object_get(node, "__always"), out);
			continue;
		}
		buf_addstr(out, "      ");
		if (role)
			buf_addf(out, "%s : ", role);
		buf_addf(out, "%s\t", name ? name : playbook_action_label(node));
		list_tags_of(json_object_get(node, "tags"), out);
		buf_addch(out, '\n');
	}
}

/* --list-hosts / --list-tasks, as ansible-playbook prints them. */
static int list_plays(struct cmd_opts *o, json_t *plays, struct inventory *inv)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	json_t *play, *section;
	size_t i, j, nr;
	struct host **hosts;

	buf_addf(&out, "\nplaybook: %s\n", o->playbooks.v[0]);
	json_array_foreach(plays, i, play) {
		const char *pattern = json_string_value(json_object_get(play, "hosts")) ?: "all";
		const char *name = json_string_value(json_object_get(play, "name")) ?: pattern;

		buf_addf(&out, "\n  play #%zu (%s): %s\t", i + 1, pattern, name);
		list_tags_of(json_object_get(play, "tags"), &out);
		buf_addch(&out, '\n');
		if (o->play.list_hosts && inventory_select(inv, pattern, &hosts, &nr, &err) == 0) {
			if (o->play.limit)
				inventory_limit(inv, o->play.limit, &hosts, &nr, &err);
			buf_addf(&out, "    pattern: ['%s']\n    hosts (%zu):\n", pattern, nr);
			for (j = 0; j < nr; j++)
				buf_addf(&out, "      %s\n", hosts[j]->name);
			free(hosts);
		}
		if (o->play.list_tasks) {
			buf_addstr(&out, "    tasks:\n");
			json_array_foreach(json_object_get(play, "__sections"), j, section)
				list_task_names(section, &out);
		}
	}
	fputs(out.buf, stdout);
	buf_release(&out);
	buf_release(&err);
	return 0;
}

static int setup(struct cmd_opts *o, struct config *cfg)
{
	struct buf err = BUF_INIT;

	if (config_load(cfg, &err) < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		buf_release(&err);
		return EXIT_ERROR;
	}
	if (vault_secrets_add_config(&o->vault, cfg, &err) < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		buf_release(&err);
		return EXIT_ERROR;
	}
	buf_release(&err);
	o->play.vault = &o->vault;
	cli_note_config(cfg, o->play.verbosity);
	o->play.cfg = cfg;
	o->play.conn.cfg = cfg;
	/* No prompt here (yet): a play's encrypted key needs the variable. */
	o->play.conn.key_passphrase = getenv("DROVER_KEY_PASSPHRASE");
	if (!o->play.forks)
		o->play.forks = cfg->forks > 0 ? cfg->forks : 25;
	if (!o->play.task_timeout)
		o->play.task_timeout = cfg->task_timeout;
	return cli_secrets_load(&o->secrets, &o->play.conn);
}

/* Results go through the report: records, --output json, --junit, --log. */
static struct report *open_report(struct cmd_opts *o, const struct config *cfg)
{
	struct report_opts rep;
	struct buf err = BUF_INIT;
	struct report *r;

	memset(&rep, 0, sizeof(rep));
	rep.kind = "play";
	rep.argc = o->argc;
	rep.argv = o->argv;
	rep.inventories = o->inventories.nr ? &o->inventories : &cfg->inventory;
	rep.playbook = o->playbooks.v[0];
	rep.check_mode = o->play.check;
	runopts_report(&o->run, &rep);
	if (!(r = report_open(&rep, &err))) {
		fprintf(stderr, "ERROR! %s (--no-records runs without them)\n", err.buf);
	} else {
		report_add_secrets(r, o->play.extra_vars);
		report_add_secret(r, o->play.conn.password);
		report_add_secret(r, o->play.conn.become_password);
		report_add_secret(r, getenv("DROVER_KEY_PASSPHRASE"));
	}
	buf_release(&err);
	return r;
}

static int run_plays(struct cmd_opts *o, const struct config *cfg, json_t *plays,
		     struct inventory *inv, struct executor *ex)
{
	int r;

	struct buf err = BUF_INIT;

	if (!(o->play.report = open_report(o, cfg)))
		return EXIT_ERROR;
	/* !vault values anywhere in the plays, opened once; their plaintexts stay out of every output */
	if (vars_unvault(&o->play, plays, &err) < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		buf_release(&err);
		report_free(o->play.report);
		return EXIT_ERROR;
	}
	buf_release(&err);
	o->play.playbook = o->playbooks.v[0];
	o->play.live = runopts_live_output(&o->run);
	r = play_run_all(plays, inv, ex, &o->play);
	r = runopts_end(&o->run, o->play.report, r);
	report_free(o->play.report);
	o->play.report = NULL;
	return r;
}

static int play(struct cmd_opts *o, const struct config *cfg)
{
	int listing = o->play.list_hosts || o->play.list_tasks || o->play.list_tags;
	int lock_fd = -1, r;
	struct executor *ex = NULL;
	struct inventory *inv;
	json_t *plays;

	if (!o->syntax_check && !listing && (r = runopts_lock(&o->run, &lock_fd)))
		return r;
	/* workers first, while this process is small: they stay small */
	if (!o->syntax_check && !listing)
		ex = executor_new(o->play.forks);
	inv = inventory_new();
	inventory_set_vault_secrets(inv, &o->vault);
	plays = json_array();
	if (load_playbooks(o, cfg, plays) < 0) {
		r = EXIT_PARSE;
	} else if (o->syntax_check) {
		printf("\nplaybook: %s\n", o->playbooks.v[0]);
		r = 0;
	} else if (cli_load_inventory(inv, &o->inventories, cfg) < 0) {
		r = EXIT_ERROR;
	} else if (listing) {
		r = list_plays(o, plays, inv);
	} else {
		r = run_plays(o, cfg, plays, inv, ex);
	}
	json_decref(plays);
	inventory_free(inv);
	executor_free(ex);
	runguard_unlock(lock_fd);
	return r;
}

int cmd_play(int argc, char **argv)
{
	struct cmd_opts o;
	struct strvec typed = STRVEC_INIT;
	struct config cfg;
	int r, i;

	memset(&o, 0, sizeof(o));
	/* getopt reorders argv: the records get the command line as it was typed */
	for (i = 0; i < argc; i++)
		strvec_push(&typed, argv[i]);
	o.argc = argc;
	o.argv = typed.v;
	strvec_init(&o.inventories);
	strvec_init(&o.playbooks);
	strvec_init(&o.play.tags);
	strvec_init(&o.play.skip_tags);
	o.play.extra_vars = json_object();
	o.play.vault_cache = json_object();
	vault_secrets_init(&o.vault);
	config_init(&cfg);
	r = parse_options(&o, argc, argv);
	if (!r)
		r = setup(&o, &cfg);
	if (!r)
		r = play(&o, &cfg);
	cli_secrets_release(&o.secrets);
	strvec_clear(&typed);
	strvec_clear(&o.inventories);
	strvec_clear(&o.playbooks);
	strvec_clear(&o.play.tags);
	strvec_clear(&o.play.skip_tags);
	json_decref(o.play.extra_vars);
	json_decref(o.play.vault_cache);
	vault_secrets_release(&o.vault);
	config_release(&cfg);
	return r < 0 ? 0 : r;
}
