#ifndef DROVER_MODULE_H
#define DROVER_MODULE_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

/*
 * Modules as the controller sees them: a table of descriptors, each backed
 * by a POSIX sh script under modules/ (embedded in the binary) or run raw.
 * A script's header comment is its documentation and its option spec:
 *   # option: NAME type=str|bool|int|path|list|dict|raw [default=V] [required]
 *             [aliases=A,B] [choices=X,Y]  text
 * A dict reaches the script as its JSON text. Arguments named _ansible_*
 * (check mode, diff) pass through to every script unchecked.
 */

enum module_kind {
	MODULE_SCRIPT, /* modules/<script>.sh, result protocol of modules/_lib.sh */
	MODULE_RAW,    /* the argument string runs as is; no module is sent */
};

struct module {
	const char *name;      /* canonical short name: command, shell, ... */
	enum module_kind kind;
	const char *script;    /* modules/<script>.sh */
	unsigned free_form : 1;  /* takes a free-form string (-a 'uptime') */
	unsigned no_json : 1;    /* results print as command output (Ansible's MODULE_NO_JSON) */
	unsigned uses_shell : 1; /* command run through /bin/sh */
};

enum option_type { OPT_STR, OPT_BOOL, OPT_INT, OPT_PATH, OPT_LIST, OPT_RAW, OPT_DICT };

struct module_option {
	char *name;
	enum option_type type;
	char *def;    /* default as text, or NULL */
	char *aliases; /* other names, comma-separated, or NULL */
	char *choices; /* allowed values, comma-separated, or NULL */
	int required;
	char *text;   /* its description (continuation lines joined), or NULL */
};

/* A module's documentation, from its script's header comment. */
struct module_doc {
	const char *name;
	char *short_desc;      /* "# short:" */
	char *description;     /* "# description:", lines joined with spaces */
	struct module_option *options;
	size_t nr_options;
	char **examples;       /* "# example:" lines */
	size_t nr_examples;
};

/* The name of an option type ("str", "list", ...). */
const char *module_option_type_name(enum option_type t);

/*
 * Fills doc for the module called name (shell shares command's text; raw
 * has a short description only). Returns 0, or -1 if there is no such
 * module. module_doc_release frees the insides.
 */
int module_doc_load(const char *name, struct module_doc *doc);
void module_doc_release(struct module_doc *doc);

/* Every module's name, sorted, into names (a strvec the caller clears). */
struct strvec;
void module_list(struct strvec *names);

/* Finds a module by name, also as ansible.builtin.NAME / ansible.legacy.NAME. */
const struct module *module_find(const char *name);


/*
 * The script sent to hosts for m: prelude + module text, and its SHA-256 in
 * hex, which names the copy cached on each host. Callers build it once and
 * keep it; module_payload_release frees the insides.
 */
struct module_payload {
	struct buf text;
	char sha256[65];
};
void module_payload_build(const struct module *m, struct module_payload *out);
void module_payload_release(struct module_payload *p);

/*
 * Checks args (an object, as from kv_parse or a playbook) against the
 * module's options: unknown options, missing required ones and values of
 * the wrong type or outside the option's choices fail with Ansible's
 * wording. Aliases become the option's name; applies defaults, converts
 * booleans to true/false, an integer mode (YAML's 644) to its octal text as
 * Ansible reads it. Runs the controller-side preparation of modules that
 * have one (command's words, copy's source: transfer_prepare_copy).
 * Returns a new object, or NULL with err set.
 */
json_t *module_check_args(const struct module *m, json_t *args, struct buf *err);

/*
 * Writes the module's stdin stream: "N\n", N lines of sh assignments for
 * every argument (lists as NAME_0.., NAME_n), the marker, then data.
 */
void module_encode_args(json_t *args, const char *marker, struct buf *out);

#endif
