/*
 * drover adhoc PATTERN -i INV [-m MODULE] [-a ARGS] ...: one module on every
 * matching host, as `ansible` runs it, with Ansible's output and exit codes.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "config.h"
#include "diff.h"
#include "connvars.h"
#include "executor.h"
#include "extravars.h"
#include "inventory.h"
#include "keypass.h"
#include "kv.h"
#include "module.h"
#include "output.h"
#include "play.h"
#include "playbook.h"
#include "prompt.h"
#include "report.h"
#include "runner.h"
#include "runguard.h"
#include "runopts.h"
#include "ssh.h"
#include "transfer.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_OK 0
#define EXIT_ERROR 1
#define EXIT_FAILED 2
#define EXIT_UNREACHABLE 4
#define EXIT_PARSE 4
#define EXIT_OPTIONS 5
#define EXIT_INTERRUPTED 99

struct adhoc_opts {
	const char *pattern;
	struct strvec inventories;
	const char *module_name;
	const char *module_args;
	const char *limit;
	int forks;
	int verbosity;
	int one_line;
	int list_hosts;
	struct cli_secrets secrets; /* -k, -K and password files */
	int task_timeout;
	int check; /* -C: modules change nothing, report what they would */
	int diff;  /* -D: modules report and drover prints what changes */
	json_t *extra_vars;
	struct conn_defaults conn;
	struct run_opts run;    /* records, reports, lock, hook */
	int argc;               /* the command line as typed, for the records */
	char **argv;
	struct strvec typed;
	struct vault_secrets vault;
	json_t *vault_cache; /* plaintexts of !vault values, decrypted once for all hosts */
};

/* What the result callback needs, and what it counts. */
struct adhoc_run {
	struct output out;
	struct host **hosts;
	const struct module *module;
	struct report *report;  /* records, JSON, JUnit, log: every result goes through it */
	int live;               /* print each host's result as it comes */
	json_t *args;           /* the checked module arguments */
	int diff;               /* print the modules' diffs */
	size_t failed, unreachable;
	struct keypass keys;    /* passphrases of encrypted key files */
};

static const char usage_text[] =
	"usage: drover adhoc PATTERN -i INVENTORY [-m MODULE] [-a ARGS] [-f FORKS]\n"
	"                    [-u USER] [--private-key FILE] [-k | --connection-password-file FILE]\n"
	"                    [-b] [--become-user USER] [--become-method sudo|su]\n"
	"                    [-K | --become-password-file FILE]\n"
	"                    [-e VARS] [-l LIMIT] [-o] [--json] [-v] [-C] [-D] [-T SECONDS]\n"
	"                    [--task-timeout SECONDS] [--known-hosts FILE]\n"
	"                    [--host-key-checking strict|accept-new|no] [-c ssh|local]\n"
	"                    [--ssh-common-args ARGS] [--ssh-extra-args ARGS] [--list-hosts]\n"
	"                    [--vault-password-file FILE] [--vault-id [ID@]SOURCE] [-J]\n"

	RUNOPTS_USAGE;

enum { OPT_TASK_TIMEOUT = 256, OPT_LIST_HOSTS };

static const struct option long_options[] = {
	{ "inventory", required_argument, NULL, 'i' },
	{ "module-name", required_argument, NULL, 'm' },
	{ "args", required_argument, NULL, 'a' },
	{ "forks", required_argument, NULL, 'f' },
	{ "extra-vars", required_argument, NULL, 'e' },
	{ "limit", required_argument, NULL, 'l' },
	{ "one-line", no_argument, NULL, 'o' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "task-timeout", required_argument, NULL, OPT_TASK_TIMEOUT },
	{ "list-hosts", no_argument, NULL, OPT_LIST_HOSTS },
	{ "check", no_argument, NULL, 'C' },
	{ "diff", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	CLI_CONN_LONG_OPTIONS,
	RUNOPTS_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

#define bad_option(...) cli_bad_option(usage_text, __VA_ARGS__)

/* One option; returns 0, or the exit code to stop with. */
static int take_option(struct adhoc_opts *o, int c, const char *arg)
{
	struct buf err = BUF_INIT;
	struct cli_conn cc = { &o->conn, &o->vault, &o->secrets };
	int r = cli_shared_option(&o->run, &cc, usage_text, c, arg);

	if (r >= 0)
		return r;
	r = 0;
	switch (c) {
	case 'i': strvec_push(&o->inventories, arg); break;
	case 'm': o->module_name = arg; break;
	case 'a': o->module_args = arg; break;
	case 'f':
		if (cli_number(arg, &o->forks) < 0 || !o->forks)
			r = bad_option("invalid forks value '%s'", arg);
		break;
	case 'e':
		if (extravars_add(o->extra_vars, arg, &err) < 0)
			r = bad_option("%s", err.buf);
		break;
	case 'l': o->limit = arg; break;
	case 'o': o->one_line = 1; break;
	case 'v': o->verbosity++; break;
	case OPT_TASK_TIMEOUT:
		if (cli_number(arg, &o->task_timeout) < 0)
			r = bad_option("invalid task timeout '%s'", arg);
		break;
	case OPT_LIST_HOSTS: o->list_hosts = 1; break;
	case 'C': o->check = 1; break;
	case 'D': o->diff = 1; break;
	case 'h': fputs(usage_text, stdout); r = -1; break;
	default: r = bad_option("%s", "unknown or incomplete option");
	}
	buf_release(&err);
	return r;
}

static int parse_options(struct adhoc_opts *o, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:m:a:f:u:kKbe:l:ovT:c:JhCD", long_options, NULL)) != -1)
		if ((r = take_option(o, c, optarg)))
			return r;
	if (optind != argc - 1)
		return bad_option("%s", optind >= argc ? "missing host pattern" :
						      "one host pattern only (options go before or after it)");
	o->pattern = argv[optind];
	return 0;
}

/* ---- hosts ---- */

/* localhost or 127.0.0.1 named in the pattern but not in the inventory. */
static void add_implicit_localhost(struct inventory *inv, const char *pattern)
{
	char *copy = xstrdup(pattern), *term, *save = NULL;

	for (term = strtok_r(copy, ",:", &save); term; term = strtok_r(NULL, ",:", &save)) {
		term += strspn(term, "&! \t");
		if (!strcmp(term, "localhost") || !strcmp(term, "127.0.0.1"))
			inventory_implicit_localhost(inv, term);
	}
	free(copy);
}

static int select_hosts(struct inventory *inv, const struct adhoc_opts *o,
			struct host ***hosts, size_t *nr)
{
	struct buf err = BUF_INIT;
	int r;

	add_implicit_localhost(inv, o->pattern);
	r = inventory_select(inv, o->pattern, hosts, nr, &err);

	if (!r && o->limit)
		r = inventory_limit(inv, o->limit, hosts, nr, &err);
	if (r < 0)
		fprintf(stderr, "ERROR! %s\n", err.buf);
	buf_release(&err);
	return r;
}

static void list_hosts(struct host **hosts, size_t nr)
{
	size_t i;

	printf("  hosts (%zu):\n", nr);
	for (i = 0; i < nr; i++)
		printf("    %s\n", hosts[i]->name);
}

/* ---- jobs ---- */

/* OpenSSH options drover ignores: warned about once per run, not per host. */
static void warn_ssh_args(json_t *job, struct strvec *seen)
{
	const char *args = json_string_value(json_object_get(json_object_get(job, "conn"), "ssh_args"));
	struct buf warnings = BUF_INIT, err = BUF_INIT;
	struct ssh_opts scratch;

	if (!args || strvec_contains(seen, args))
		return;
	strvec_push(seen, args);
	ssh_opts_init(&scratch);
	ssh_opts_apply_args(&scratch, args, &warnings, &err);
	if (warnings.len)
		fprintf(stderr, "[WARNING]: %s%s", warnings.buf,
			warnings.buf[warnings.len - 1] == '\n' ? "" : "\n");
	ssh_opts_release(&scratch);
	buf_release(&warnings);
	buf_release(&err);
}

/* How long a worker may hold a job before it is killed: past every timeout it has. */
static json_t *build_job(struct adhoc_run *run, const struct inventory *inv, struct host *h,
			 const struct adhoc_opts *o, json_t *args, struct buf *err)
{
	json_t *vars = inventory_host_vars(inv, h), *conn, *become, *job = NULL;

	json_object_update(vars, o->extra_vars);
	/* Inline !vault values (e.g. ansible_password) are opened when a password was given. */
	if (o->vault.nr && vault_decrypt_tree_cached(vars, &o->vault, o->vault_cache, err) < 0) {
		json_decref(vars);
		return NULL;
	}
	report_add_secrets(run->report, vars);
	{
		/* what a vault opened must never be shown or recorded */
		const char *k;
		json_t *plain;

		json_object_foreach(o->vault_cache, k, plain)
			report_add_secret(run->report, json_string_value(plain));
	}
	conn = connvars_build(vars, &o->conn, err);
	if (conn) {
		job = json_pack("{s:s, s:o, s:s, s:O, s:i}", "host", h->name, "conn", conn, "module",
				o->module_name, "args", args, "timeout", o->task_timeout);
		become = connvars_become(vars, &o->conn);
		if (become)
			json_object_set_new(job, "become", become);
		if (json_is_string(json_object_get(vars, "ansible_shell_executable")))
			json_object_set(job, "shell", json_object_get(vars, "ansible_shell_executable"));
	}
	json_decref(vars);
	return job;
}

/* ---- results ---- */

/*
 * The controller's half of a module, once its result is back: fetch
 * stores the file it brought.
 */
static void finish_result(struct adhoc_run *run, const char *host, json_t *outcome)
{
	json_t *result = json_object_get(outcome, "result");
	struct buf err = BUF_INIT;

	if (run->module && run->module->script && !strcmp(run->module->script, "fetch") &&
	    !strcmp(json_string_value(json_object_get(outcome, "status")) ?: "", "ok") &&
	    transfer_store_fetch(run->args, host, result, &err) < 0)
		json_object_set_new(outcome, "status", json_string("failed"));
	buf_release(&err);
}

/* --diff: what changed, before the result line, as ansible prints it. */
static void print_diff(struct adhoc_run *run, const char *status, json_t *result)
{
	json_t *diff = json_object_get(result, "diff");
	struct buf text = BUF_INIT;

	/* the oneline callback shows no diffs */
	if (!run->diff || run->out.one_line || strcmp(status, "ok") || !diff ||
	    (json_is_object(diff) && !json_object_size(diff)) ||
	    (json_is_array(diff) && !json_array_size(diff)))
		return;
	diff_render(diff, &text);
	if (!text.len || text.buf[text.len - 1] != '\n')
		buf_addch(&text, '\n');
	fputs(text.buf, run->out.fp);
	buf_release(&text);
}

static void on_result(size_t job, json_t *outcome, void *data)
{
	struct adhoc_run *run = data;
	const char *status, *host = run->hosts[job]->name;
	json_t *shown;

	finish_result(run, host, outcome);
	status = json_string_value(json_object_get(outcome, "status"));
	if (!status)
		status = "failed";
	if (!strcmp(status, "failed"))
		run->failed++;
	else if (!strcmp(status, "unreachable"))
		run->unreachable++;
	shown = report_result(run->report, host, status, json_object_get(outcome, "result"), -1);
	if (run->live) {
		print_diff(run, status, shown);
		output_adhoc_result(&run->out, host, run->module && run->module->no_json, status,
				    shown);
		fflush(run->out.fp);
	}
	json_decref(shown);
}

/* A module or argument error: every host fails the same way, nothing runs. */
static void fail_everywhere(struct adhoc_run *run, size_t nr, const char *msg)
{
	json_t *o = json_pack("{s:s, s:{s:b, s:b, s:s}}", "status", "failed", "result", "changed", 0,
			      "failed", 1, "msg", msg);
	size_t i;

	for (i = 0; i < nr; i++)
		on_result(i, o, run);
	json_decref(o);
}

/* raw in check mode: it cannot tell what it would do, so it does not run. */
static void skip_everywhere(struct adhoc_run *run, size_t nr)
{
	json_t *o = json_pack("{s:s, s:{s:b, s:b, s:s}}", "status", "ok", "result", "changed", 0,
			      "skipped", 1, "msg", "check mode not supported for raw");
	size_t i;

	for (i = 0; i < nr; i++)
		on_result(i, o, run);
	json_decref(o);
}

static json_t *module_args(const struct module *m, const struct adhoc_opts *o, struct buf *err)
{
	json_t *parsed = kv_parse(o->module_args, m->free_form, err), *args;

	if (!parsed)
		return NULL;
	args = module_check_args(m, parsed, err);
	json_decref(parsed);
	if (args && !strcmp(m->script ?: "", "copy") &&
	    transfer_decrypt_copy(args, &o->vault, NULL, err) < 0) {
		json_decref(args);
		args = NULL;
	}
	return args;
}

/*
 * Jobs are kept as JSON text: a thousand hosts' jobs then cost a fraction
 * of what as many jansson objects would.
 */
static int make_jobs(struct adhoc_run *run, const struct inventory *inv, const struct adhoc_opts *o,
		     json_t *args, struct executor_job *jobs, size_t nr)
{
	json_t *seen_conns = json_object(), *job;
	struct strvec seen_args = STRVEC_INIT;
	struct buf err = BUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < nr; i++) {
		job = build_job(run, inv, run->hosts[i], o, args, &err);
		if (!job) {
			fprintf(stderr, "ERROR! %s: %s\n", run->hosts[i]->name, err.buf);
			r = EXIT_ERROR;
			break;
		}
		keypass_add(&run->keys, json_object_get(job, "conn"));
		report_add_secret(run->report, json_string_value(json_object_get(
			json_object_get(job, "conn"), "password")));
		report_add_secret(run->report, json_string_value(json_object_get(
			json_object_get(job, "conn"), "key_passphrase")));
		report_add_secret(run->report, json_string_value(json_object_get(
			json_object_get(job, "become"), "password")));
		jobs[i].key = connvars_session_key(seen_conns, json_object_get(job, "conn"));
		jobs[i].deadline_s = runner_job_deadline(job);
		jobs[i].msg = json_dumps(job, JSON_COMPACT);
		warn_ssh_args(job, &seen_args);
		json_decref(job);
	}
	json_decref(seen_conns);
	strvec_clear(&seen_args);
	buf_release(&err);
	return r;
}

/* Returns 0 or the exit code to stop with. */
static int run_jobs(struct adhoc_run *run, struct executor *ex, const struct inventory *inv,
		    const struct adhoc_opts *o, size_t nr)
{
	struct executor_job *jobs = xcalloc(nr, sizeof(*jobs));
	struct buf err = BUF_INIT;
	json_t *args;
	size_t i;
	int r = 0;

	args = module_args(run->module, o, &err);
	if (!args) {
		fail_everywhere(run, nr, err.buf);
		goto out;
	}
	if (o->check && run->module->kind == MODULE_RAW) {
		skip_everywhere(run, nr);
		goto out;
	}
	if (o->check)
		json_object_set_new(args, "_ansible_check_mode", json_true());
	if (o->diff)
		json_object_set_new(args, "_ansible_diff", json_true());
	run->args = args;
	run->diff = o->diff;
	r = make_jobs(run, inv, o, args, jobs, nr);
	if (!r && executor_run(ex, jobs, nr, on_result, run) < 0) {
		fprintf(stderr, "ERROR! User interrupted execution\n");
		r = EXIT_INTERRUPTED;
	}
out:
	for (i = 0; i < nr; i++)
		free(jobs[i].msg);
	run->args = NULL;
	json_decref(args);
	free(jobs);
	buf_release(&err);
	return r;
}

static int exit_code(const struct adhoc_run *run)
{
	if (run->unreachable)
		return EXIT_UNREACHABLE;
	return run->failed ? EXIT_FAILED : EXIT_OK;
}

/* Results go through the report: records, --output json, --junit, --log. */
static int open_report(struct adhoc_run *run, const struct adhoc_opts *o, const struct config *cfg,
		       int engine)
{
	struct report_opts rep;
	struct buf err = BUF_INIT;

	memset(&rep, 0, sizeof(rep));
	rep.kind = "adhoc";
	rep.argc = o->argc;
	rep.argv = o->argv;
	rep.inventories = o->inventories.nr ? &o->inventories : &cfg->inventory;
	runopts_report(&o->run, &rep);
	/* cron mails and logs get one line per host at the end, as a playbook's recap */
	rep.recap = run->live && !isatty(STDOUT_FILENO);
	run->report = report_open(&rep, &err);
	if (!run->report) {
		fprintf(stderr, "ERROR! %s (--no-records runs without them)\n", err.buf);
		buf_release(&err);
		return -1;
	}
	report_add_secrets(run->report, o->extra_vars);
	report_add_secret(run->report, o->conn.password);
	report_add_secret(run->report, o->conn.become_password);
	report_add_secret(run->report, getenv("DROVER_KEY_PASSPHRASE"));
	if (rep.no_log) /* a no_log task's arguments are as private as its result */
		report_add_secret(run->report, o->module_args);
	if (!engine) { /* the play engine records its own play and task */
		report_play(run->report, "drover adhoc");
		report_task(run->report, o->module_name, o->module_name, 0);
	}
	buf_release(&err);
	return 0;
}

/* ---- through the play engine ---- */

/*
 * Controller actions (debug, set_fact...) and arguments with Jinja in them
 * need the play engine; everything else takes the direct path, which keeps
 * a thousand hosts' jobs small.
 */
static int needs_engine(const struct adhoc_opts *o)
{
	const char *a = o->module_args;

	return playbook_is_internal_action(playbook_short_action(o->module_name)) ||
	       (a && (strstr(a, "{{") || strstr(a, "{%") || strstr(a, "{#")));
}

/* Actions that only make sense inside a playbook. */
static int playbook_only(const char *module)
{
	static const char *const only[] = { "import_playbook", "import_tasks", "import_role",
					    "include_tasks", "include_role", "meta", NULL };
	const char *const *p;

	for (p = only; *p; p++)
		if (!strcmp(playbook_short_action(module), *p))
			return 1;
	return 0;
}

/* The one-task play Ansible builds for an ad-hoc command. New reference. */
static json_t *adhoc_play(const struct adhoc_opts *o)
{
	json_t *args = NULL, *task = json_object();
	const char *a = o->module_args;

	/* -a '{"k": "v"}' is a mapping of arguments, as in Ansible */
	if (a && *a == '{' && a[strlen(a) - 1] == '}')
		args = json_loads(a, 0, NULL);
	if (!args)
		args = a && *a ? json_string(a) : json_object();
	json_object_set_new(task, o->module_name, args);
	return json_pack("{s:s, s:s, s:b, s:[o]}", "name", "Ansible Ad-Hoc", "hosts", o->pattern,
			 "gather_facts", 0, "tasks", task);
}

static void engine_opts(const struct adhoc_opts *o, const struct config *cfg,
			struct adhoc_run *run, struct play_opts *po)
{
	memset(po, 0, sizeof(*po));
	po->cfg = cfg;
	po->conn = o->conn;
	po->extra_vars = o->extra_vars;
	po->limit = o->limit;
	strvec_init(&po->tags);
	strvec_init(&po->skip_tags);
	po->check = o->check;
	po->diff = o->diff;
	po->forks = o->forks;
	po->verbosity = o->verbosity;
	po->task_timeout = o->task_timeout;
	po->playbook = "<command line>";
	po->report = run->report;
	po->vault = &o->vault;
	po->vault_cache = o->vault_cache;
	po->live = run->live;
	po->adhoc = 1;
	po->one_line = o->one_line;
}

/* Runs the command as a one-task play. Returns the exit code. */
static int run_engine(struct adhoc_run *run, struct executor *ex, struct inventory *inv,
		      const struct adhoc_opts *o, const struct config *cfg)
{
	json_t *plays = json_array(), *play = adhoc_play(o);
	struct play_opts po;
	struct buf err = BUF_INIT;
	char *dir = getcwd(NULL, 0);
	int r;

	engine_opts(o, cfg, run, &po);
	if (playbook_add_play(play, dir ? dir : ".", cfg->roles_path, plays, &err) < 0) {
		fprintf(stderr, "ERROR! %s\n", err.buf);
		r = EXIT_OPTIONS;
	} else {
		r = play_run_all(plays, inv, ex, &po);
	}
	free(dir);
	buf_release(&err);
	json_decref(play);
	json_decref(plays);
	return r;
}

/* Everything after the options: inventory, hosts, the run. */
static int adhoc(struct adhoc_opts *o, const struct config *cfg, struct executor *ex)
{
	struct inventory *inv = inventory_new();
	struct adhoc_run run;
	size_t nr = 0;
	int r;

	memset(&run, 0, sizeof(run));
	inventory_set_vault_secrets(inv, &o->vault);
	if (cli_load_inventory(inv, &o->inventories, cfg) < 0 ||
	    select_hosts(inv, o, &run.hosts, &nr) < 0) {
		r = EXIT_PARSE;
		goto out;
	}
	if (!nr)
		warning("No hosts matched, nothing to do");
	if (!nr || o->list_hosts) {
		if (o->list_hosts)
			list_hosts(run.hosts, nr);
		r = EXIT_OK;
		goto out;
	}
	output_init(&run.out, stdout, o->verbosity, o->one_line);
	run.module = module_find(o->module_name);
	run.live = runopts_live_output(&o->run);
	if (open_report(&run, o, cfg, needs_engine(o)) < 0) {
		r = EXIT_ERROR;
		goto out;
	}
	if (needs_engine(o)) {
		r = run_engine(&run, ex, inv, o, cfg);
		goto finish;
	}
	if (!run.module) {
		char *msg = xasprintf("The module %s was not found in configured module paths",
				      o->module_name);

		fail_everywhere(&run, nr, msg);
		free(msg);
	} else if ((r = run_jobs(&run, ex, inv, o, nr))) {
		goto finish;
	}
	r = exit_code(&run);
finish:
	r = runopts_end(&o->run, run.report, r);
out:
	report_free(run.report);
	keypass_release(&run.keys);
	free(run.hosts);
	inventory_free(inv);
	return r;
}

static int setup(struct adhoc_opts *o, struct config *cfg)
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
	cli_note_config(cfg, o->verbosity);
	o->conn.cfg = cfg;
	if (!o->forks)
		o->forks = cfg->forks > 0 ? cfg->forks : 25;
	if (!o->task_timeout)
		o->task_timeout = cfg->task_timeout;
	if (!o->module_name)
		o->module_name = "command";
	if (playbook_only(o->module_name))
		return bad_option("'%s' is not a valid action for ad-hoc commands", o->module_name);
	if (!o->list_hosts && module_find(o->module_name) && module_find(o->module_name)->free_form &&
	    (!o->module_args || !*o->module_args))
		return bad_option("No argument passed to %s module", o->module_name);
	return cli_secrets_load(&o->secrets, &o->conn);
}

int cmd_adhoc(int argc, char **argv)
{
	struct adhoc_opts o;
	struct config cfg;
	int r, lock_fd = -1;

	memset(&o, 0, sizeof(o));
	strvec_init(&o.inventories);
	strvec_init(&o.typed);
	o.extra_vars = json_object();
	o.vault_cache = json_object();
	config_init(&cfg);
	/* getopt reorders argv: the records get the command line as it was typed */
	for (r = 0; r < argc; r++)
		strvec_push(&o.typed, argv[r]);
	o.argc = argc;
	o.argv = o.typed.v;
	r = parse_options(&o, argc, argv);
	if (!r)
		r = setup(&o, &cfg);
	if (!r && !o.list_hosts)
		r = runopts_lock(&o.run, &lock_fd);
	if (!r) {
		/* workers first, while this process is small: they stay small */
		struct executor *ex = o.list_hosts ? NULL : executor_new(o.forks);

		r = adhoc(&o, &cfg, ex);
		executor_free(ex);
	}
	runguard_unlock(lock_fd);
	cli_secrets_release(&o.secrets);
	strvec_clear(&o.inventories);
	strvec_clear(&o.typed);
	json_decref(o.extra_vars);
	vault_secrets_release(&o.vault);
	json_decref(o.vault_cache);
	config_release(&cfg);
	return r < 0 ? EXIT_OK : r;
}
