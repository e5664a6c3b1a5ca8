#include "cronsched.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

struct field {
	const char *name;
	int min, max;
	const char *const *names;  /* names for min, min+1, ... (month, day of week) */
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
				      "sep", "oct", "nov", "dec", NULL };
static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

static const struct field fields[] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, months },
	{ "day of week", 0, 7, days },
};

static const char *const specials[] = { "@reboot", "@yearly", "@annually", "@monthly",
					"@weekly", "@daily", "@midnight", "@hourly" };

/* A number or a name in the field's range: its value, or -1 with err. */
static int value(const struct field *f, const char *s, size_t len, struct buf *err)
{
	char *text = xstrndup(s, len), *end;
	long n = strtol(text, &end, 10);
	size_t i;

	if (end == text || *end) {
		n = -1;
		for (i = 0; f->names && f->names[i]; i++)
			if (!strcasecmp(text, f->names[i]))
				n = f->min + (long)i;
		if (n < 0)
			buf_setf(err, "%s: '%s' is not a number%s", f->name, text,
				 f->names ? " or a name" : "");
	} else if (n < f->min || n > f->max) {
		buf_setf(err, "%s: %ld is out of range %d-%d", f->name, n, f->min, f->max);
		n = -1;
	}
	free(text);
	return (int)n;
}

/* One list element: *, N, N-M, each with an optional /STEP. */
static int element(const struct field *f, const char *s, struct buf *err)
{
	const char *slash = strchr(s, '/'), *dash;
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	int lo, hi;
	char *end;
	long step;

	if (slash) {
		step = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || step < 1 || step > f->max) {
			buf_setf(err, "%s: bad step '%s' (1-%d)", f->name, slash + 1, f->max);
			return -1;
		}
	}
	if (len == 1 && *s == '*')
		return 0;
	dash = memchr(s, '-', len);
	if (!len || (lo = value(f, s, dash ? (size_t)(dash - s) : len, err)) < 0)
		return len ? -1 : (buf_setf(err, "%s: empty element", f->name), -1);
	if (!dash)
		return slash ? (buf_setf(err, "%s: a step needs * or a range", f->name), -1) : 0;
	if ((hi = value(f, dash + 1, len - (size_t)(dash + 1 - s), err)) < 0)
		return -1;
	if (lo > hi) {
		buf_setf(err, "%s: range %.*s goes backwards", f->name, (int)len, s);
		return -1;
	}
	return 0;
}

static int check_field(const struct field *f, const char *text, struct buf *err)
{
	char *copy = xstrdup(text), *item, *save = NULL;
	int r = 0;

	if (text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,")) {
		buf_setf(err, "%s: empty element in '%s'", f->name, text);
		r = -1;
	}
	for (item = strtok_r(copy, ",", &save); item && !r; item = strtok_r(NULL, ",", &save))
		r = element(f, item, err);
	free(copy);
	return r;
}

int cronsched_check(const char *expr, struct buf *err)
{
	struct strvec words = STRVEC_INIT;
	char *copy = xstrdup(expr), *w, *save = NULL;
	size_t i;
	int r = 0;

	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		strvec_push(&words, w);
	if (words.nr == 1 && words.v[0][0] == '@') {
		r = -1;
		for (i = 0; i < ARRAY_SIZE(specials); i++)
			if (!strcmp(words.v[0], specials[i]))
				r = 0;
		if (r)
			buf_setf(err, "unknown schedule '%s' (@hourly, @daily, @weekly, @monthly, "
				      "@yearly, @reboot)", words.v[0]);
	} else if (words.nr != 5) {
		buf_setf(err, "a schedule has 5 fields (minute hour day-of-month month "
			      "day-of-week), '%s' has %zu", expr, words.nr);
		r = -1;
	}
	for (i = 0; !r && words.nr == 5 && i < 5; i++)
		r = check_field(&fields[i], words.v[i], err);
	strvec_clear(&words);
	free(copy);
	return r;
}
