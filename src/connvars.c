#include "connvars.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

/* The first of the named variables that is set, as text; NULL if none. */
static const char *var_str(json_t *vars, const char *const *names)
{
	for (; *names; names++) {
		json_t *v = json_object_get(vars, *names);

		if (json_is_string(v))
			return json_string_value(v);
	}
	return NULL;
}

static int var_bool(json_t *v)
{
	const char *s = json_string_value(v);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return s && (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on") ||
		     !strcmp(s, "1") || !strcasecmp(s, "y"));
}

static int var_port(json_t *vars)
{
	json_t *v = json_object_get(vars, "ansible_port");

	if (!v)
		v = json_object_get(vars, "ansible_ssh_port");
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	return json_is_string(v) ? atoi(json_string_value(v)) : 0;
}

static void set_if(json_t *obj, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(obj, key, json_string(v));
}

/* ssh_args (ansible.cfg), then common and extra args, as Ansible orders them. */
static void add_ssh_args(json_t *conn, json_t *vars, const struct conn_defaults *d)
{
	static const char *const common[] = { "ansible_ssh_common_args", NULL };
	static const char *const extra[] = { "ansible_ssh_extra_args", NULL };
	const char *parts[3];
	struct buf b = BUF_INIT;
	size_t i;

	parts[0] = d->cfg->ssh_args;
	parts[1] = var_str(vars, common) ?: d->ssh_common_args ?: d->cfg->ssh_common_args;
	parts[2] = var_str(vars, extra) ?: d->ssh_extra_args ?: d->cfg->ssh_extra_args;
	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i] && *parts[i])
			buf_addf(&b, "%s%s", b.len ? " " : "", parts[i]);
	set_if(conn, "ssh_args", b.buf);
	buf_release(&b);
}

/*
 * An explicit policy, or NULL: then StrictHostKeyChecking in the ssh args
 * or ssh_config decides, and strict checking is the default. As in Ansible,
 * host_key_checking=False is an explicit "no".
 */
static const char *policy_of(const struct conn_defaults *d)
{
	if (d->policy)
		return d->policy;
	return d->cfg->host_key_checking ? NULL : "no";
}

json_t *connvars_build(json_t *vars, const struct conn_defaults *d, struct buf *err)
{
	static const char *const host[] = { "ansible_host", "ansible_ssh_host", "inventory_hostname", NULL };
	static const char *const user[] = { "ansible_user", "ansible_ssh_user", NULL };
	static const char *const pass[] = { "ansible_password", "ansible_ssh_pass", NULL };
	static const char *const key[] = { "ansible_ssh_private_key_file", "ansible_private_key_file", NULL };
	static const char *const kh[] = { "ansible_ssh_known_hosts_file", NULL };
	static const char *const conn_type[] = { "ansible_connection", NULL };
	const char *type = var_str(vars, conn_type) ?: d->connection ?: "ssh";
	const char *keyfile = var_str(vars, key) ?: d->private_key ?: d->cfg->private_key_file;
	const char *home = getenv("HOME");
	json_t *conn;

	if (strcmp(type, "ssh") && strcmp(type, "smart") && strcmp(type, "paramiko") &&
	    strcmp(type, "local")) {
		buf_setf(err, "the connection plugin '%s' is not supported by drover "
			      "(it has ssh and local)", type);
		return NULL;
	}
	conn = json_object();
	if (!strcmp(type, "local")) {
		json_object_set_new(conn, "local", json_true());
		return conn;
	}
	set_if(conn, "host", var_str(vars, host));
	if (var_port(vars))
		json_object_set_new(conn, "port", json_integer(var_port(vars)));
	set_if(conn, "user", var_str(vars, user) ?: d->user ?: d->cfg->remote_user);
	set_if(conn, "password", var_str(vars, pass) ?: d->password);
	set_if(conn, "key_passphrase", d->key_passphrase);
	if (keyfile)
		json_object_set_new(conn, "identity_files", json_pack("[s]", keyfile));
	set_if(conn, "known_hosts", var_str(vars, kh) ?: d->known_hosts ?: d->cfg->known_hosts);
	set_if(conn, "policy", policy_of(d));
	json_object_set_new(conn, "connect_timeout", json_integer(d->timeout ?: d->cfg->timeout));
	add_ssh_args(conn, vars, d);
	if (home)
		json_object_set_new(conn, "ssh_config", json_sprintf("%s/.ssh/config", home));
	return conn;
}

/*
 * The become option named opt ("flags", "exe") as Ansible ranks it: the
 * method's own variable (ansible_su_flags), then ansible_become_<opt>, the
 * keyword, ansible.cfg. NULL: the method's default. "" is a value: no flags.
 */
static const char *become_opt(json_t *vars, const char *method, const char *opt,
			      const char *keyword, const char *cfg)
{
	char *own = xasprintf("ansible_%s_%s", method, opt);
	char *any = xasprintf("ansible_become_%s", opt);
	const char *names[] = { own, any, NULL }, *v = var_str(vars, names);

	free(own);
	free(any);
	return v ? v : keyword ? keyword : cfg;
}

json_t *connvars_become(json_t *vars, const struct conn_defaults *d)
{
	static const char *const user[] = { "ansible_become_user", NULL };
	static const char *const method[] = { "ansible_become_method", NULL };
	static const char *const pass[] = { "ansible_become_password", "ansible_become_pass", NULL };
	json_t *flag = json_object_get(vars, "ansible_become"), *out;
	const char *who, *how, *pw, *flags, *exe;

	if (!(flag ? var_bool(flag) : d->become))
		return NULL;
	who = var_str(vars, user) ?: d->become_user ?: "root";
	out = json_pack("{s:s}", "user", who);
	how = var_str(vars, method) ?: d->become_method;
	if (how && strcmp(how, "sudo"))
		json_object_set_new(out, "method", json_string(how));
	if ((pw = var_str(vars, pass) ?: d->become_password))
		json_object_set_new(out, "password", json_string(pw));
	how = how ? how : "sudo";
	if ((flags = become_opt(vars, how, "flags", d->become_flags, d->cfg->become_flags)))
		json_object_set_new(out, "flags", json_string(flags));
	if ((exe = become_opt(vars, how, "exe", d->become_exe, d->cfg->become_exe)) && *exe)
		json_object_set_new(out, "exe", json_string(exe));
	return out;
}

size_t connvars_session_key(json_t *seen, json_t *conn)
{
	char *text = json_dumps(conn, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *key = json_object_get(seen, text);

	if (!key) {
		key = json_integer((json_int_t)json_object_size(seen));
		json_object_set_new(seen, text, key);
	}
	free(text);
	return (size_t)json_integer_value(key);
}
