#include "module.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "module_embed.h"
#include "pushfile.h"
#include "strvec.h"
#include "transfer.h"
#include "xalloc.h"
#include "banned.h"

/* Modules whose descriptor is not the plain one of their script. */
static const struct module modules[] = {
	{ "command", MODULE_SCRIPT, "command", 1, 1, 0 },
	{ "shell", MODULE_SCRIPT, "command", 1, 1, 1 },
	{ "raw", MODULE_RAW, NULL, 1, 1, 0 },
	{ "yum", MODULE_SCRIPT, "dnf", 0, 0, 0 }, /* dnf.sh picks dnf or yum */
	{ "systemd", MODULE_SCRIPT, "service", 0, 0, 0 }, /* service.sh: systemd, else SysV */
	{ "systemd_service", MODULE_SCRIPT, "service", 0, 0, 0 },
};

/* Collection names playbooks use for the modules drover implements. */
static const char *const name_prefixes[] = {
	"ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general.",
};

const struct module *module_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(name_prefixes); i++) {
		size_t n = strlen(name_prefixes[i]);

		if (!strncmp(name, name_prefixes[i], n)) {
			name += n;
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(modules); i++)
		if (!strcmp(modules[i].name, name))
			return &modules[i];
	for (i = 0; script_modules[i].name; i++)
		if (!strcmp(script_modules[i].name, name))
			return &script_modules[i];
	return NULL;
}

static const struct embedded_module *embedded(const char *name)
{
	const struct embedded_module *e;

	for (e = embedded_modules; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/*
 * A script's "# uses: _NAME" lines name helper files (modules/_NAME.sh)
 * that go between the prelude and the script, so that only the modules
 * that need a helper carry it.
 */
static void add_helpers(struct buf *text, const struct embedded_module *e)
{
	static const char tag[] = "# uses: ";
	const struct embedded_module *h;
	const char *p, *eol;
	char *name;

	for (p = e->text; *p; p = eol + (*eol != '\0')) {
		eol = strchrnul(p, '\n');
		if (strncmp(p, tag, sizeof(tag) - 1))
			continue;
		name = xstrndup(p + sizeof(tag) - 1, (size_t)(eol - p) - (sizeof(tag) - 1));
		h = embedded(name);
		if (!h)
			BUG("module '%s' uses '%s', which is not embedded", e->name, name);
		buf_add(text, h->text, h->len);
		free(name);
	}
}

void module_payload_build(const struct module *m, struct module_payload *out)
{
	const struct embedded_module *lib = embedded("_lib"), *e = embedded(m->script);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!lib || !e)
		BUG("module script '%s' is not embedded", m->script);
	buf_init(&out->text, lib->len + e->len + 32);
	buf_addstr(&out->text, "#!/bin/sh\n");
	buf_add(&out->text, lib->text, lib->len);
	add_helpers(&out->text, e);
	buf_add(&out->text, e->text, e->len);
	if (!EVP_Digest(out->text.buf, out->text.len, md, &mdlen, EVP_sha256(), NULL))
		BUG("SHA-256 failed");
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out->sha256 + 2 * i, 3, "%02x", md[i]);
}

void module_payload_release(struct module_payload *p)
{
	buf_release(&p->text);
}

/* ---- option specs, read from the script's header comment ---- */

static const char *const type_names[] = {
	[OPT_STR] = "str", [OPT_BOOL] = "bool", [OPT_INT] = "int",
	[OPT_PATH] = "path", [OPT_LIST] = "list", [OPT_RAW] = "raw", [OPT_DICT] = "dict",
};

static void parse_option_word(struct module_option *o, const char *w, size_t n)
{
	size_t i;

	if (n > 5 && !strncmp(w, "type=", 5)) {
		for (i = 0; i < ARRAY_SIZE(type_names); i++)
			if (strlen(type_names[i]) == n - 5 && !strncmp(w + 5, type_names[i], n - 5))
				o->type = (enum option_type)i;
	} else if (n > 8 && !strncmp(w, "default=", 8)) {
		o->def = xstrndup(w + 8, n - 8);
	} else if (n > 8 && !strncmp(w, "aliases=", 8)) {
		o->aliases = xstrndup(w + 8, n - 8);
	} else if (n > 8 && !strncmp(w, "choices=", 8)) {
		o->choices = xstrndup(w + 8, n - 8);
	} else if (n == 8 && !strncmp(w, "required", 8)) {
		o->required = 1;
	}
}

/*
 * A header field's text: the rest of its line, then any continuation lines
 * ("#   more text") joined with spaces. *next is set past the last line used.
 */
static char *field_text(const char *start, const char *eol, const char **next)
{
	struct buf b = BUF_INIT;
	const char *p = eol + (*eol != '\0');

	while (start < eol && *start == ' ')
		start++;
	buf_add(&b, start, (size_t)(eol - start));
	while (!strncmp(p, "#   ", 4)) {
		const char *q = p + 4, *e = strchrnul(p, '\n');

		while (q < e && *q == ' ')
			q++;
		if (b.len)
			buf_addch(&b, ' ');
		buf_add(&b, q, (size_t)(e - q));
		p = e + (*e != '\0');
	}
	*next = p;
	return buf_detach(&b, NULL);
}

/* "# option: NAME type=T default=D required  text" → o; *next past its lines. */
static void parse_option_line(struct module_option *o, const char *line, const char *eol,
			      const char **next)
{
	const char *p = line, *w, *text = eol;
	int field = 0;

	memset(o, 0, sizeof(*o));
	while (p < eol) {
		while (p < eol && *p == ' ')
			p++;
		w = p;
		while (p < eol && *p != ' ')
			p++;
		if (p == w)
			break;
		if (field++ == 0) {
			o->name = xstrndup(w, (size_t)(p - w));
		} else if (memchr(w, '=', (size_t)(p - w)) || (p - w == 8 && !strncmp(w, "required", 8))) {
			parse_option_word(o, w, (size_t)(p - w));
		} else {
			text = w; /* the description starts */
			break;
		}
	}
	o->text = field_text(text, eol, next);
	if (!*o->text) {
		free(o->text);
		o->text = NULL;
	}
}

/* Returns the options of m's script; *nr set. Caller frees with options_free. */
static struct module_option *module_options(const struct module *m, size_t *nr)
{
	const struct embedded_module *e = m->script ? embedded(m->script) : NULL;
	struct module_option *opts = NULL;
	size_t alloc = 0;
	const char *p, *eol, *next;
	static const char tag[] = "# option: ";

	*nr = 0;
	if (!e)
		return NULL;
	for (p = e->text; *p; p = next) {
		eol = strchrnul(p, '\n');
		next = eol + (*eol != '\0');
		if (strncmp(p, tag, sizeof(tag) - 1))
			continue;
		ALLOC_GROW(opts, *nr + 1, alloc);
		parse_option_line(&opts[(*nr)++], p + sizeof(tag) - 1, eol, &next);
	}
	return opts;
}

static void options_free(struct module_option *opts, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(opts[i].name);
		free(opts[i].def);
		free(opts[i].aliases);
		free(opts[i].choices);
		free(opts[i].text);
	}
	free(opts);
}

/* Whether word is one of the comma-separated list's items. */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (!strncmp(p, word, n) && (p[n] == ',' || !p[n]))
			return 1;
	}
	return 0;
}

/* The option called name, or having it as an alias. */
static const struct module_option *find_option(const struct module_option *opts, size_t nr,
					       const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(opts[i].name, name) || (opts[i].aliases && in_list(opts[i].aliases, name)))
			return &opts[i];
	return NULL;
}

/* Ansible's boolean words. Returns 1, 0, or -1 if v is none of them. */
static int parse_bool(json_t *v)
{
	static const char *const yes[] = { "y", "yes", "on", "1", "true", "t" };
	static const char *const no[] = { "n", "no", "off", "0", "false", "f" };
	char lower[8];
	const char *s;
	size_t i;

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		return (int)json_integer_value(v);
	if (!json_is_string(v) || json_string_length(v) >= sizeof(lower))
		return -1;
	s = json_string_value(v);
	for (i = 0; s[i]; i++)
		lower[i] = (char)tolower((unsigned char)s[i]);
	lower[i] = '\0';
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(lower, yes[i]))
			return 1;
		if (!strcmp(lower, no[i]))
			return 0;
	}
	return -1;
}

/* Ansible's list type takes "a,b,c" as three items. */
static json_t *split_list(const char *s)
{
	json_t *list = json_array();
	const char *comma;

	while ((comma = strchr(s, ','))) {
		json_array_append_new(list, json_stringn(s, (size_t)(comma - s)));
		s = comma + 1;
	}
	json_array_append_new(list, json_string(s));
	return list;
}

/* Converts v to the option's type; returns a new value or NULL if it won't. */
static json_t *convert_value(const struct module_option *o, json_t *v)
{
	int b;

	switch (o->type) {
	case OPT_BOOL:
		b = parse_bool(v);
		return b < 0 ? NULL : json_boolean(b);
	case OPT_INT:
		if (json_is_integer(v))
			return json_incref(v);
		if (json_is_string(v) && *json_string_value(v)) {
			char *end;
			long long n = strtoll(json_string_value(v), &end, 10);

			return *end ? NULL : json_integer(n);
		}
		return NULL;
	case OPT_LIST:
		if (json_is_array(v))
			return json_incref(v);
		/* as Ansible: a number (YAML's status_code: 200) is a list of its text */
		if (json_is_integer(v))
			return json_pack("[o]", json_sprintf("%" JSON_INTEGER_FORMAT,
							    json_integer_value(v)));
		if (json_is_real(v))
			return json_pack("[o]", json_sprintf("%g", json_real_value(v)));
		return json_is_string(v) ? split_list(json_string_value(v)) : NULL;
	case OPT_STR:
	case OPT_PATH:
		if (json_is_string(v))
			return json_incref(v);
		if (json_is_boolean(v))
			return json_string(json_is_true(v) ? "True" : "False");
		if (json_is_integer(v))
			return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
		if (json_is_real(v))
			return json_sprintf("%g", json_real_value(v));
		return NULL;
	case OPT_RAW:
		return json_incref(v);
	case OPT_DICT:
		if (json_is_object(v))
			return json_incref(v);
		if (json_is_string(v)) {
			json_t *d = json_loads(json_string_value(v), 0, NULL);

			if (json_is_object(d))
				return d;
			json_decref(d);
		}
		return NULL;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Pushes the items of a comma-separated list. */
static void push_split(struct strvec *sv, const char *list)
{
	const char *p = list, *comma;

	for (; (comma = strchrnul(p, ',')); p = comma + 1) {
		strvec_push_nodup(sv, xstrndup(p, (size_t)(comma - p)));
		if (!*comma)
			break;
	}
}

/* Appends the words sorted, as Ansible lists parameters: "a, b, c". */
static void add_sorted(struct buf *out, struct strvec *words)
{
	size_t i;

	if (words->nr)
		qsort(words->v, words->nr, sizeof(*words->v), cmp_str);
	for (i = 0; i < words->nr; i++)
		buf_addf(out, "%s%s", i ? ", " : "", words->v[i]);
}

static void unsupported_message(const struct module *m, json_t *args, const struct module_option *opts,
				size_t nr, struct buf *err)
{
	struct strvec bad = STRVEC_INIT, names = STRVEC_INIT, aliases = STRVEC_INIT;
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(args, key, v)
		if (!find_option(opts, nr, key) && strncmp(key, "_ansible_", 9))
			strvec_push(&bad, key);
	buf_setf(err, "Unsupported parameters for (%s) module: ", m->name);
	for (i = 0; i < bad.nr; i++)
		buf_addf(err, "%s%s", i ? ", " : "", bad.v[i]);
	buf_addstr(err, ". Supported parameters include: ");
	for (i = 0; i < nr; i++)
		strvec_push(&names, opts[i].name);
	add_sorted(err, &names);
	for (i = 0; i < nr; i++)
		if (opts[i].aliases)
			push_split(&aliases, opts[i].aliases);
	if (aliases.nr) {
		buf_addstr(err, " (");
		add_sorted(err, &aliases);
		buf_addch(err, ')');
	}
	buf_addstr(err, ".");
	strvec_clear(&bad);
	strvec_clear(&names);
	strvec_clear(&aliases);
}

static void value_text(json_t *v, struct buf *out)
{
	if (json_is_string(v))
		buf_add(out, json_string_value(v), json_string_length(v));
	else if (json_is_true(v))
		buf_addstr(out, "true");
	else if (json_is_false(v))
		buf_addstr(out, "false");
	else if (json_is_integer(v))
		buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		buf_addf(out, "%.17g", json_real_value(v));
	else if (!json_is_null(v)) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		buf_addstr(out, s);
		free(s);
	}
}

/* The value given for o, under its name or an alias; NULL if none. */
static json_t *given_value(const struct module_option *o, json_t *args)
{
	json_t *v = json_object_get(args, o->name);
	const char *key;
	json_t *a;

	if (v || !o->aliases)
		return v;
	json_object_foreach(args, key, a)
		if (in_list(o->aliases, key))
			return a;
	return NULL;
}

/* "value of state must be one of: a, b, got: c" unless c is a choice. */
static int check_choice(const struct module_option *o, json_t *c, struct buf *err)
{
	struct buf text = BUF_INIT;
	struct strvec choices = STRVEC_INIT;
	int r = 0;

	if (!o->choices || json_is_null(c))
		return 0;
	value_text(c, &text);
	if (!in_list(o->choices, text.buf)) {
		push_split(&choices, o->choices);
		buf_setf(err, "value of %s must be one of: ", o->name);
		add_sorted(err, &choices);
		buf_addf(err, ", got: %s", text.buf);
		r = -1;
	}
	strvec_clear(&choices);
	buf_release(&text);
	return r;
}

/*
 * Ansible reads an integer mode (YAML's mode: 644) as the number it is,
 * not as octal digits: 644 is 0o1204. As text the module takes it as octal.
 */
static json_t *mode_text(json_t *c)
{
	json_t *t;

	if (!json_is_integer(c))
		return c;
	t = json_sprintf("%llo", (unsigned long long)json_integer_value(c));
	json_decref(c);
	return t;
}

static int check_one(const struct module_option *o, json_t *args, json_t *out, struct buf *err)
{
	json_t *v = given_value(o, args), *c;

	if (!v || json_is_null(v)) {
		if (o->required) {
			buf_setf(err, "missing required arguments: %s", o->name);
			return -1;
		}
		if (!o->def)
			return 0;
		v = json_string(o->def);
		c = convert_value(o, v);
		json_decref(v);
	} else {
		c = convert_value(o, v);
	}
	if (!c) {
		buf_setf(err, "argument '%s' is of type %s and we were unable to convert to %s",
			 o->name, json_is_array(v) ? "list" : json_is_object(v) ? "dict" : "str",
			 type_names[o->type]);
		return -1;
	}
	if (!strcmp(o->name, "mode") && o->type == OPT_RAW)
		c = mode_text(c);
	json_object_set_new(out, o->name, c);
	return check_choice(o, c, err);
}

/*
 * The command and shell modules' words: a shell line (_drover_cmd) or an
 * argv (_drover_argv) split on the controller, once per task. The stdin
 * option travels as data after the arguments (_drover_stdin), not as one.
 */
static int prepare_command(const struct module *m, json_t *args, struct buf *err)
{
	json_t *raw = json_object_get(args, "_raw_params"), *argv = json_object_get(args, "argv");
	json_t *stdin_text = json_object_get(args, "stdin");
	const char *line = json_string_value(raw ? raw : json_object_get(args, "cmd"));
	struct strvec words = STRVEC_INIT;
	size_t i;

	if (m->uses_shell) {
		if (!line || !*line)
			goto none;
		json_object_set_new(args, "_drover_cmd", json_string(line));
		json_object_set_new(args, "_uses_shell", json_true());
	} else if (line && *line) {
		if (shlex_split(line, &words, err) < 0)
			return -1;
		argv = json_array();
		for (i = 0; i < words.nr; i++)
			json_array_append_new(argv, json_string(words.v[i]));
		strvec_clear(&words);
		json_object_set_new(args, "_drover_argv", argv);
	} else if (json_array_size(argv)) {
		json_object_set(args, "_drover_argv", argv);
	} else {
		goto none;
	}
	if (stdin_text) {
		json_t *data = json_is_true(json_object_get(args, "stdin_add_newline")) ?
			json_sprintf("%s\n", json_string_value(stdin_text)) : json_incref(stdin_text);

		json_object_set_new(args, "_drover_stdin", data);
		json_object_del(args, "stdin");
	}
	return 0;
none:
	buf_setf(err, "no command given");
	return -1;
}

/* Modules that read a controller file once per task (see pushfile.h). */
static const struct {
	const char *script;
	int (*prepare)(json_t *args, struct buf *err);
} preparers[] = {
	{ "copy", transfer_prepare_copy },
	{ "unarchive", pushfile_prepare_archive },
	{ "script", pushfile_prepare_script },
};

json_t *module_check_args(const struct module *m, json_t *args, struct buf *err)
{
	struct module_option *opts;
	size_t nr, i;
	json_t *out = json_object(), *v;
	const char *key;

	if (m->kind == MODULE_RAW) {
		json_object_update(out, args);
		return out;
	}
	opts = module_options(m, &nr);
	json_object_foreach(args, key, v) {
		if (!strncmp(key, "_ansible_", 9)) {
			json_object_set(out, key, v);
			continue;
		}
		if (!find_option(opts, nr, key)) {
			unsupported_message(m, args, opts, nr, err);
			goto fail;
		}
	}
	for (i = 0; i < nr; i++)
		if (check_one(&opts[i], args, out, err) < 0)
			goto fail;
	if (!strcmp(m->script, "command") && prepare_command(m, out, err) < 0)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(preparers); i++)
		if (!strcmp(m->script, preparers[i].script) && preparers[i].prepare(out, err) < 0)
			goto fail;
	options_free(opts, nr);
	return out;
fail:
	options_free(opts, nr);
	json_decref(out);
	return NULL;
}

/* ---- documentation (drover doc) ---- */

const char *module_option_type_name(enum option_type t)
{
	return (size_t)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

/* One "# short:", "# description:" or "# example:" line of the header. */
static void doc_field(struct module_doc *doc, const char *p, const char *eol, const char **next,
		      size_t *alloc)
{
	static const char sh[] = "# short:", de[] = "# description:", ex[] = "# example:";

	if (!strncmp(p, sh, sizeof(sh) - 1)) {
		free(doc->short_desc);
		doc->short_desc = field_text(p + sizeof(sh) - 1, eol, next);
	} else if (!strncmp(p, de, sizeof(de) - 1)) {
		free(doc->description);
		doc->description = field_text(p + sizeof(de) - 1, eol, next);
	} else if (!strncmp(p, ex, sizeof(ex) - 1)) {
		ALLOC_GROW(doc->examples, doc->nr_examples + 1, *alloc);
		doc->examples[doc->nr_examples++] = field_text(p + sizeof(ex) - 1, eol, next);
	}
}

int module_doc_load(const char *name, struct module_doc *doc)
{
	const struct module *m = module_find(name);
	const struct embedded_module *e;
	const char *p, *eol, *next;
	size_t alloc = 0;

	memset(doc, 0, sizeof(*doc));
	if (!m)
		return -1;
	doc->name = m->name;
	if (m->kind == MODULE_RAW) {
		doc->short_desc = xstrdup("Run a command line as is over SSH, without a module");
		doc->description = xstrdup("The line runs in the login shell of the host (under "
					   "sudo with become); nothing is sent but the line. Use it "
					   "where even sh modules cannot run.");
		return 0;
	}
	e = embedded(m->script);
	/* the header: the comment lines before the code */
	for (p = e ? e->text : ""; *p == '#'; p = next) {
		eol = strchrnul(p, '\n');
		next = eol + (*eol != '\0');
		doc_field(doc, p, eol, &next, &alloc);
	}
	doc->options = module_options(m, &doc->nr_options);
	return 0;
}

void module_doc_release(struct module_doc *doc)
{
	size_t i;

	free(doc->short_desc);
	free(doc->description);
	options_free(doc->options, doc->nr_options);
	for (i = 0; i < doc->nr_examples; i++)
		free(doc->examples[i]);
	free(doc->examples);
	memset(doc, 0, sizeof(*doc));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void module_list(struct strvec *names)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modules); i++)
		strvec_push(names, modules[i].name);
	for (i = 0; script_modules[i].name; i++)
		if (!module_find(script_modules[i].name) ||
		    module_find(script_modules[i].name) == &script_modules[i])
			strvec_push(names, script_modules[i].name);
	if (names->nr > 1)
		qsort(names->v, names->nr, sizeof(*names->v), cmp_names);
}

/* ---- the stdin stream ---- */

static int valid_sh_name(const char *k)
{
	if (!isalpha((unsigned char)*k) && *k != '_')
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

static void assign(struct buf *block, const char *name, json_t *v)
{
	struct buf text = BUF_INIT;

	value_text(v, &text);
	buf_addf(block, "%s=", name);
	sh_quote_buf(block, text.buf, text.len);
	buf_addch(block, '\n');
	buf_release(&text);
}

void module_encode_args(json_t *args, const char *marker, struct buf *out)
{
	struct buf block = BUF_INIT;
	const char *key;
	json_t *v, *item;
	size_t i, lines = 0;

	json_object_foreach(args, key, v) {
		if (!valid_sh_name(key))
			continue;
		if (json_is_array(v)) {
			json_array_foreach(v, i, item) {
				char *name = xasprintf("%s_%zu", key, i);

				assign(&block, name, item);
				free(name);
			}
			buf_addf(&block, "%s_n=%zu\n", key, json_array_size(v));
		} else {
			assign(&block, key, v);
		}
	}
	buf_addf(&block, "_drover_marker='%s'\n", marker);
	for (i = 0; i < block.len; i++)
		lines += block.buf[i] == '\n';
	buf_addf(out, "%zu\n", lines);
	buf_add(out, block.buf, block.len);
	buf_release(&block);
}
