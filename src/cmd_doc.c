/*
 * drover doc MODULE | --list: a module's documentation, read from the header
 * comment of its script (modules/NAME.sh), in the manner of ansible-doc.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "module.h"
#include "strvec.h"
#include "banned.h"

#define WIDTH 78

static const char usage_text[] = "usage: drover doc MODULE\n"
				 "       drover doc --list\n";

/* Prints text word-wrapped to WIDTH, every line indented by indent spaces. */
static void wrap(const char *text, int indent)
{
	int col = 0;

	while (*text) {
		size_t n = strcspn(text, " ");

		if (n) {
			if (col && col + 1 + (int)n > WIDTH) {
				putchar('\n');
				col = 0;
			}
			if (!col)
				col = printf("%*s", indent, "");
			else
				col += printf(" ");
			col += printf("%.*s", (int)n, text);
		}
		text += n;
		text += strspn(text, " ");
	}
	if (col)
		putchar('\n');
}

static void print_option(const struct module_option *o)
{
	printf("%c %s\n", o->required ? '=' : '-', o->name);
	if (o->text)
		wrap(o->text, 8);
	if (o->def)
		printf("        default: %s\n", o->def);
	printf("        type: %s\n\n", module_option_type_name(o->type));
}

static void print_doc(const struct module_doc *doc)
{
	char upper[64];
	size_t i;

	for (i = 0; doc->name[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)(doc->name[i] >= 'a' && doc->name[i] <= 'z' ? doc->name[i] - 32
									   : doc->name[i]);
	upper[i] = '\0';
	printf("> %s\n\n", upper);
	if (doc->short_desc)
		wrap(doc->short_desc, 2);
	if (doc->description) {
		putchar('\n');
		wrap(doc->description, 2);
	}
	if (doc->nr_options)
		printf("\nOPTIONS (= is mandatory):\n\n");
	for (i = 0; i < doc->nr_options; i++)
		if (doc->options[i].name[0] != '_' || !strcmp(doc->options[i].name, "_raw_params"))
			print_option(&doc->options[i]);
	if (doc->nr_examples)
		printf("%sEXAMPLES:\n\n", doc->nr_options ? "" : "\n");
	for (i = 0; i < doc->nr_examples; i++)
		printf("  %s\n", doc->examples[i]);
}

static int list_modules(void)
{
	struct strvec names = STRVEC_INIT;
	struct module_doc doc;
	size_t i;

	module_list(&names);
	for (i = 0; i < names.nr; i++) {
		if (module_doc_load(names.v[i], &doc) < 0)
			continue;
		printf("%-12s %s\n", names.v[i], doc.short_desc ? doc.short_desc : "");
		module_doc_release(&doc);
	}
	strvec_clear(&names);
	return 0;
}

int cmd_doc(int argc, char **argv)
{
	struct module_doc doc;

	if (argc == 2 && (!strcmp(argv[1], "--list") || !strcmp(argv[1], "-l")))
		return list_modules();
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(usage_text, stderr);
		return 5;
	}
	if (module_doc_load(argv[1], &doc) < 0) {
		fprintf(stderr, "ERROR! module %s missing documentation (or could not be found)\n",
			argv[1]);
		return 1;
	}
	print_doc(&doc);
	module_doc_release(&doc);
	return 0;
}
