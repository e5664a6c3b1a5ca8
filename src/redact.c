#include "redact.h"

#include <ctype.h>
#include <string.h>

#include "extravars.h"
#include "jsonutil.h"
#include "kv.h"
#include "xalloc.h"
#include "banned.h"

static const char *const secret_words[] = {
	"pass", "secret", "token", "credential", "apikey", "api_key", "api-key",
};

int redact_secret_name(const char *name)
{
	char *low = xstrdup(name), *p;
	size_t i;
	int r = 0;

	for (p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < ARRAY_SIZE(secret_words) && !r; i++)
		r = strstr(low, secret_words[i]) != NULL;
	free(low);
	return r;
}

static int has_secret_key(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if (has_secret_key(item))
				return 1;
	}
	json_object_foreach(v, key, item)
		if (redact_secret_name(key) || has_secret_key(item))
			return 1;
	return 0;
}

/* v with the values under secret keys replaced (in place). */
static void mask_secret_keys(json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			mask_secret_keys(item);
	}
	json_object_foreach(v, key, item) {
		if (redact_secret_name(key))
			json_object_set_new(v, key, json_string(REDACT_MASK));
		else
			mask_secret_keys(item);
	}
}

/* A word as the shell would need it: bare when that is safe, else in single quotes. */
static void add_word(struct buf *out, const char *s)
{
	if (*s && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_@%+=:,./-")] == '\0')
		buf_addstr(out, s);
	else
		sh_quote(out, s);
}

/*
 * One -e value as it may be shown: @file and harmless values as given.
 * Secret values also go to secrets, to be masked wherever else they appear.
 */
static void add_extra_vars(struct buf *out, const char *arg, struct strvec *secrets)
{
	struct buf err = BUF_INIT;
	json_t *vars = json_object();
	char *text;

	if (arg[0] == '@' || extravars_add(vars, arg, &err) < 0 || !has_secret_key(vars)) {
		/* unparsable: shown only if no word in it looks secret */
		add_word(out, arg[0] != '@' && err.len && redact_secret_name(arg) ? REDACT_MASK : arg);
	} else {
		redact_collect(vars, secrets);
		mask_secret_keys(vars);
		text = json_dumps(vars, JSON_COMPACT | JSON_SORT_KEYS);
		add_word(out, text);
		free(text);
	}
	json_decref(vars);
	buf_release(&err);
}

/* A long option that takes a secret as its value (not a file naming one, not an --ask flag). */
static int secret_option(const char *opt, size_t len)
{
	char *name = xstrndup(opt, len);
	int r = redact_secret_name(name) && strncmp(name, "--ask-", 6) &&
		!(len > 5 && !strcmp(name + len - 5, "-file"));

	free(name);
	return r;
}

/* How argv[i] shows; returns how many of argv it used (1 or 2). */
static int add_arg(struct buf *out, int argc, char *const *argv, int i, struct strvec *secrets)
{
	const char *a = argv[i], *eq = strchr(a, '=');
	int has_next = i + 1 < argc;

	if (!strcmp(a, "-e") || !strcmp(a, "--extra-vars")) {
		add_word(out, a);
		if (!has_next)
			return 1;
		buf_addch(out, ' ');
		add_extra_vars(out, argv[i + 1], secrets);
		return 2;
	}
	if (!strncmp(a, "--extra-vars=", 13) || (!strncmp(a, "-e", 2) && a[2])) {
		buf_addstr(out, a[1] == 'e' ? "-e " : "--extra-vars=");
		add_extra_vars(out, a[1] == 'e' ? a + 2 : a + 13, secrets);
		return 1;
	}
	if (!strncmp(a, "--", 2) && eq && secret_option(a, (size_t)(eq - a))) {
		strvec_push(secrets, eq + 1);
		buf_add(out, a, (size_t)(eq - a + 1));
		buf_addstr(out, REDACT_MASK);
		return 1;
	}
	add_word(out, a);
	if (!strncmp(a, "--", 2) && !eq && secret_option(a, strlen(a)) && has_next) {
		strvec_push(secrets, argv[i + 1]);
		buf_addstr(out, " " REDACT_MASK);
		return 2;
	}
	return 1;
}

/* Two passes: the secrets found in -e and options are masked in the other words too. */
void redact_cmdline(int argc, char *const *argv, struct buf *out, struct strvec *found)
{
	struct strvec secrets = STRVEC_INIT;
	struct buf line = BUF_INIT;
	char *masked;
	int i = 0;

	while (i < argc) {
		if (i)
			buf_addch(&line, ' ');
		i += add_arg(&line, argc, argv, i, &secrets);
	}
	masked = redact_text(line.buf, &secrets);
	buf_addstr(out, masked);
	for (i = 0; found && i < (int)secrets.nr; i++)
		if (strlen(secrets.v[i]) >= 3 && !strvec_contains(found, secrets.v[i]))
			strvec_push(found, secrets.v[i]);
	free(masked);
	buf_release(&line);
	strvec_clear(&secrets);
}

static void collect_strings(json_t *v, struct strvec *secrets)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_string(v) && json_string_length(v) >= 3 &&
	    !strvec_contains(secrets, json_string_value(v)))
		strvec_push(secrets, json_string_value(v));
	json_array_foreach(v, i, item)
		collect_strings(item, secrets);
	json_object_foreach(v, key, item)
		collect_strings(item, secrets);
}

void redact_collect(json_t *vars, struct strvec *secrets)
{
	const char *key;
	json_t *item;
	size_t i;

	json_array_foreach(vars, i, item)
		redact_collect(item, secrets);
	json_object_foreach(vars, key, item) {
		if (redact_secret_name(key))
			collect_strings(item, secrets);
		else
			redact_collect(item, secrets);
	}
}

char *redact_text(const char *s, const struct strvec *secrets)
{
	struct buf out = BUF_INIT;
	const char *hit;
	size_t i;

	buf_addstr(&out, s);
	for (i = 0; i < secrets->nr; i++) {
		const char *sec = secrets->v[i], *p = out.buf;
		struct buf next = BUF_INIT;

		if (!*sec || !strstr(p, sec))
			continue;
		while ((hit = strstr(p, sec))) {
			buf_add(&next, p, (size_t)(hit - p));
			buf_addstr(&next, REDACT_MASK);
			p = hit + strlen(sec);
		}
		buf_addstr(&next, p);
		buf_release(&out);
		out = next;
	}
	return buf_detach(&out, NULL);
}

static const char *const kept_when_censored[] = {
	"changed", "failed", "unreachable", "skipped", "attempts", "retries",
};

static json_t *censored(json_t *result)
{
	json_t *c = json_pack("{s:s}", "censored", REDACT_CENSORED), *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kept_when_censored); i++)
		if ((v = json_object_get(result, kept_when_censored[i])))
			json_object_set(c, kept_when_censored[i], v);
	return c;
}

/* A string with secrets masked; NUL bytes in it (binary output) are kept. */
static json_t *mask_string(json_t *v, const struct strvec *secrets)
{
	const char *s = json_string_value(v), *end = s + json_string_length(v);
	struct buf out = BUF_INIT;
	char *piece;
	json_t *copy;

	if (!secrets->nr)
		return json_incref(v);
	for (;;) {
		piece = redact_text(s, secrets);
		buf_addstr(&out, piece);
		free(piece);
		s += strlen(s);
		if (s >= end)
			break;
		buf_addch(&out, '\0');
		s++;
	}
	copy = json_stringn(out.buf, out.len);
	buf_release(&out);
	return copy ? copy : json_string_lossy("", 0);
}

/* A deep copy with secrets masked in every string (keys stay). */
static json_t *mask_strings(json_t *v, const struct strvec *secrets)
{
	json_t *copy, *item;
	const char *key;
	size_t i;

	if (json_is_string(v))
		return mask_string(v, secrets);
	if (json_is_array(v)) {
		copy = json_array();
		json_array_foreach(v, i, item)
			json_array_append_new(copy, mask_strings(item, secrets));
		return copy;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	copy = json_object();
	json_object_foreach(v, key, item)
		json_object_set_new(copy, key, mask_strings(item, secrets));
	return copy;
}

json_t *redact_result(json_t *result, int no_log, const struct strvec *secrets)
{
	json_t *items = json_object_get(result, "results"), *copy, *list, *item;
	size_t i;

	if (!result)
		return json_object();
	if (no_log || json_is_true(json_object_get(result, "_ansible_no_log"))) {
		copy = censored(result);
		if (json_is_array(items)) {
			list = json_array();
			json_array_foreach(items, i, item)
				json_array_append_new(list, censored(item));
			json_object_set_new(copy, "results", list);
		}
		return copy;
	}
	copy = mask_strings(result, secrets);
	if (json_is_array(items)) {
		list = json_array();
		json_array_foreach(items, i, item)
			json_array_append_new(list, redact_result(item, 0, secrets));
		json_object_set_new(copy, "results", list);
	}
	return copy;
}
