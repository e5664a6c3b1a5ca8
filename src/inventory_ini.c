/*
 * INI inventories, as Ansible's ini plugin reads them: [group],
 * [group:children], [group:vars], host lines split like shlex with
 * key=value variables typed by Python literal rules.
 */
#include "inventory_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pytext.h"
#include "vault.h"
#include "xalloc.h"
#include "banned.h"

struct ini {
	struct inventory *inv;
	const char *path;
	size_t lineno;
	struct group *group;
	const char *state;        /* "hosts", "children" or "vars" */
	json_t *pending;          /* group → {line, state, parents[]} */
	struct buf *err;
};

static int ini_error(struct ini *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int ini_error(struct ini *p, const char *fmt, ...)
{
	va_list ap;

	buf_setf(p->err, "%s:%zu: ", p->path, p->lineno);
	va_start(ap, fmt);
	buf_vaddf(p->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Puts "path:line: " before the message already in err. */
static int ini_wrap(struct ini *p)
{
	char *msg = buf_detach(p->err, NULL);

	ini_error(p, "%s", msg);
	free(msg);
	return -1;
}

/* shlex.split(line, comments=True), POSIX rules. */
static int shlex_split(const char *s, struct strvec *out, const char **why)
{
	struct buf tok = BUF_INIT;
	int in_tok = 0, r = -1;
	char q;

	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == '#') {
			if (in_tok)
				strvec_push(out, tok.buf);
			buf_reset(&tok);
			in_tok = 0;
			if (*s == '#')
				break;
			continue;
		}
		in_tok = 1;
		if (*s == '\\') {
			if (!*++s) {
				*why = "No escaped character";
				goto out;
			}
			buf_addch(&tok, *s);
		} else if (*s == '\'' || *s == '"') {
			for (q = *s++; *s && *s != q; s++) {
				if (q == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				buf_addch(&tok, *s);
			}
			if (!*s) {
				*why = "No closing quotation";
				goto out;
			}
		} else {
			buf_addch(&tok, *s);
		}
	}
	if (in_tok)
		strvec_push(out, tok.buf);
	r = 0;
out:
	buf_release(&tok);
	return r;
}

static json_t *ini_value(const char *v)
{
	json_t *lit = py_literal(v);

	return lit ? lit : json_string(v);
}

static int ini_host_line(struct ini *p, char *line)
{
	struct strvec tok = STRVEC_INIT, names = STRVEC_INIT;
	const char *why = NULL;
	long port = 0;
	size_t i, k;
	int r = -1;

	if (shlex_split(line, &tok, &why) < 0) {
		ini_error(p, "Error parsing host definition '%s': %s", line, why);
		goto out;
	}
	if (!tok.nr)
		return 0;
	for (i = 1; i < tok.nr; i++)
		if (!strchr(tok.v[i], '=')) {
			ini_error(p, "Expected key=value host variable assignment, got: %s", tok.v[i]);
			goto out;
		}
	if (inv_expand_hostpattern(tok.v[0], &names, &port, p->err) < 0) {
		ini_wrap(p);
		goto out;
	}
	if (tok.v[0][strlen(tok.v[0]) - 1] == ':' && !port) {
		ini_error(p, "Invalid host pattern '%s' supplied, ending in ':' is not allowed, "
			  "this character is reserved to provide a port.", tok.v[0]);
		goto out;
	}
	for (i = 0; i < names.nr; i++) {
		struct host *h = inv_add_host(p->inv, names.v[i], p->group, port);

		for (k = 1; k < tok.nr; k++) {
			char *eq = strchr(tok.v[k], '=');

			*eq = '\0';
			inv_host_set_var(h, tok.v[k], ini_value(eq + 1));
			*eq = '=';
		}
	}
	r = 0;
out:
	strvec_clear(&tok);
	strvec_clear(&names);
	return r;
}

static char *strip(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int ini_var_line(struct ini *p, char *line)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return ini_error(p, "Expected key=value, got: %s", line);
	*eq = '\0';
	inv_group_set_var(p->group, strip(line), ini_value(strip(eq + 1)));
	return 0;
}

/* A group name, then optional whitespace and #comment. */
static char *group_name(char *s)
{
	size_t n = strcspn(s, ":] \t\r\n\v\f");
	char *rest = s + n;

	if (!n)
		return NULL;
	rest += strspn(rest, " \t\r\n\v\f");
	if (*rest && *rest != '#')
		return NULL;
	s[n] = '\0';
	return s;
}

static void add_pending_children(struct ini *p, const char *name)
{
	json_t *decl = json_object_get(p->pending, name), *parent;
	size_t i;

	json_array_foreach(json_object_get(decl, "parents"), i, parent) {
		const char *pn = json_string_value(parent);
		json_t *pd = json_object_get(p->pending, pn);

		inv_add_child(inv_group(p->inv, pn), inv_group(p->inv, name), NULL);
		if (pd && !strcmp(json_string_value(json_object_get(pd, "state")), "children"))
			add_pending_children(p, pn);
	}
	json_object_del(p->pending, name);
}

static int ini_child_line(struct ini *p, char *line)
{
	char *name = group_name(line);
	json_t *decl;

	if (!name)
		return ini_error(p, "Expected group name, got: %s", line);
	if (inv_find_group(p->inv, name))
		return inv_add_child(p->group, inv_group(p->inv, name), p->err) < 0
			       ? ini_wrap(p) : 0;
	decl = json_object_get(p->pending, name);
	if (!decl) {
		decl = json_pack("{s:I,s:s,s:[]}", "line", (json_int_t)p->lineno, "state",
				 "children", "parents");
		json_object_set_new(p->pending, name, decl);
	}
	json_array_append_new(json_object_get(decl, "parents"), json_string(p->group->name));
	return 0;
}

/* "[name]" / "[name:tag]" (+ comment); returns 1 if line is one, -1 on error. */
static int ini_section(struct ini *p, char *line)
{
	char *close = strchr(line, ']'), *colon, *rest;
	const char *state = "hosts";
	json_t *decl;

	if (line[0] != '[' || !close)
		goto invalid;
	rest = close + 1 + strspn(close + 1, " \t");
	if (*rest && *rest != '#')
		goto invalid;
	*close = '\0';
	if ((colon = strchr(line + 1, ':'))) {
		*colon = '\0';
		state = colon + 1;
	}
	if (!line[1] || strcspn(line + 1, "] \t") != strlen(line + 1) || !*state ||
	    strspn(state, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    strlen(state)) {
		*close = ']';
		if (colon)
			*colon = ':';
		goto invalid;
	}
	if (strcmp(state, "hosts") && strcmp(state, "children") && strcmp(state, "vars")) {
		ini_error(p, "Section [%s:%s] has unknown type: %s", line + 1, state, state);
		return -1;
	}
	decl = json_object_get(p->pending, line + 1);
	if (!inv_find_group(p->inv, line + 1) && !strcmp(state, "vars") && !decl)
		json_object_set_new(p->pending, line + 1,
				    json_pack("{s:I,s:s}", "line", (json_int_t)p->lineno,
					      "state", "vars"));
	p->group = inv_group(p->inv, line + 1);
	p->state = !strcmp(state, "hosts") ? "hosts" : !strcmp(state, "vars") ? "vars" : "children";
	decl = json_object_get(p->pending, line + 1);
	if (decl && strcmp(state, "vars")) {
		if (!strcmp(json_string_value(json_object_get(decl, "state")), "children"))
			add_pending_children(p, line + 1);
		else
			json_object_del(p->pending, line + 1);
	}
	return 1;
invalid:
	if (line[0] == '[' && line[strlen(line) - 1] == ']')
		return ini_error(p, "Invalid section entry: '%s'. Please make sure that there are "
			"no spaces in the section entry, and that there are no other invalid "
			"characters", line);
	return 0;
}

static int ini_line(struct ini *p, char *line)
{
	int r;

	line = strip(line);
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if ((r = ini_section(p, line)) != 0)
		return r < 0 ? -1 : 0;
	if (!strcmp(p->state, "hosts"))
		return ini_host_line(p, line);
	if (!strcmp(p->state, "vars"))
		return ini_var_line(p, line);
	return ini_child_line(p, line);
}

static int ini_pending_errors(struct ini *p)
{
	const char *name;
	json_t *decl, *parents;

	json_object_foreach(p->pending, name, decl) {
		p->lineno = (size_t)json_integer_value(json_object_get(decl, "line"));
		parents = json_object_get(decl, "parents");
		if (!parents)
			ini_error(p, "Section [%s:vars] not valid for undefined group: %s", name,
				  name);
		else
			ini_error(p, "Section [%s:children] includes undefined group: %s",
				  json_string_value(json_array_get(parents,
						     json_array_size(parents) - 1)), name);
		return -1;
	}
	return 0;
}

int inventory_load_ini(struct inventory *inv, const char *path, struct buf *err)
{
	struct ini p = { .inv = inv, .path = path, .state = "hosts", .err = err };
	struct buf text = BUF_INIT;
	char *line, *next;
	int r = -1;

	if (vault_read_file(path, inv->vault, &text, err) < 0)
		return -1; /* a vault-encrypted inventory is opened like any vars file */
	p.pending = json_object();
	p.group = inv_group(inv, "ungrouped");
	for (line = text.buf; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		p.lineno++;
		if (ini_line(&p, line) < 0)
			goto out;
	}
	r = ini_pending_errors(&p);
out:
	json_decref(p.pending);
	buf_release(&text);
	return r;
}
