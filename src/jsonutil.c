#include "jsonutil.h"

#include "buf.h"
#include "banned.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		need = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		need = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (need > n)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

json_t *json_string_lossy(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = BUF_INIT;
	size_t i = 0, n;
	json_t *v;

	v = json_stringn(s, len);
	if (v)
		return v;
	buf_grow(&b, len + 16);
	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n) {
			buf_add(&b, s + i, n);
			i += n;
		} else {
			buf_addstr(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	v = json_stringn(b.buf, b.len);
	buf_release(&b);
	return v ? v : json_string("");
}

json_t *json_lines(const char *s, size_t len)
{
	json_t *arr = json_array();
	size_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		json_array_append_new(arr, json_string_lossy(s + start, i - start));
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	if (start < len)
		json_array_append_new(arr, json_string_lossy(s + start, len - start));
	return arr;
}
