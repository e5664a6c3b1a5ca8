/*
 * drover-remote MODULE: runs one module on the host (drover-remote serve:
 * runs many, see serve.c). The controller sends
 * this binary once per host and version (cached under
 * ~/.cache/drover/<sha256>/) and only for the modules listed here, each of
 * which also exists as modules/MODULE.sh: that script's header stays the
 * option spec, checked by the controller before anything is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remote.h"
#include "../../include/banned.h"

/* Same codes as modules/_lib.sh: 211 a broken stream, 212 an unknown module. */
#define EXIT_BAD_STREAM 211
#define EXIT_NO_MODULE 212

/* One entry per mod_NAME.c: scripts/embed-helper.sh tells drover that list. */
static const struct {
	const char *name;
	void (*run)(const struct args *a) __attribute__((noreturn));
} remote_modules[] = {
	{ "copy", mod_copy },
	{ "file", mod_file },
	{ "lineinfile", mod_lineinfile },
	{ "ping", mod_ping },
	{ "slurp", mod_slurp },
	{ "stat", mod_stat },
};

void remote_exit(const struct args *a, const struct out *json)
{
	printf("\n%s%s\n", arg(a, "_drover_marker", ""), json->buf);
	fflush(stdout);
	exit(ferror(stdout) ? 1 : 0);
}

void remote_fail(const struct args *a, const char *msg)
{
	struct out o = { 0 };

	out_adds(&o, "{\"failed\": true, \"msg\": ");
	out_json_str(&o, msg, strlen(msg));
	out_adds(&o, "}");
	remote_exit(a, &o);
}

/* The count line and the N lines after it; the rest of stdin is data. */
static int read_args(struct args *a)
{
	char *line = NULL, *end;
	size_t cap = 0;
	struct out block = { 0 };
	long n;
	ssize_t got;
	int r = -1;

	if (getline(&line, &cap, stdin) <= 0)
		goto out;
	n = strtol(line, &end, 10);
	if (end == line || *end != '\n' || n < 0)
		goto out;
	out_add(&block, "", 0);
	for (; n > 0; n--) {
		if ((got = getline(&line, &cap, stdin)) <= 0 || line[got - 1] != '\n')
			goto out;
		out_add(&block, line, (size_t)got);
	}
	r = args_parse(a, block.buf, block.len);
out:
	free(line);
	out_release(&block);
	return r;
}

/* A task's environment: _drover_env_0.._drover_env_{n-1}, each "K=V". */
static void export_env(const struct args *a)
{
	long i, n = strtol(arg(a, "_drover_env_n", "0"), NULL, 10);
	char name[64];
	const char *kv;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "_drover_env_%ld", i);
		kv = arg(a, name, NULL);
		if (kv && strchr(kv, '='))
			putenv(xstrndup_or_abort(kv, strlen(kv)));
	}
}

int remote_run_module(const char *name)
{
	struct args a = { 0 };
	size_t i;

	for (i = 0; i < sizeof(remote_modules) / sizeof(remote_modules[0]); i++)
		if (!strcmp(name, remote_modules[i].name))
			break;
	if (i == sizeof(remote_modules) / sizeof(remote_modules[0])) {
		fprintf(stderr, "usage: drover-remote MODULE < stream (drover runs it)\n");
		return EXIT_NO_MODULE;
	}
	if (read_args(&a) < 0) {
		fprintf(stderr, "drover-remote: the argument stream is broken\n");
		return EXIT_BAD_STREAM;
	}
	export_env(&a);
	remote_modules[i].run(&a);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < sizeof(remote_modules) / sizeof(remote_modules[0]); i++)
			puts(remote_modules[i].name);
		return 0;
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "serve"))
		return remote_serve(argv[2]);
	return remote_run_module(argc == 2 ? argv[1] : "");
}
