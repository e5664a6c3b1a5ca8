#include "pushfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base64.h"
#include "kv.h"
#include "strvec.h"
#include "xalloc.h"
#include "banned.h"

/* Reads path into args' _drover_data_b64. Returns 0, or -1 with errno set. */
static int attach_file(json_t *args, const char *path)
{
	struct buf data = BUF_INIT, b64 = BUF_INIT;
	struct stat st;
	int r = -1;

	if (stat(path, &st) < 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto out;
	}
	if (buf_read_file(&data, path) < 0)
		goto out;
	base64_encode(&b64, data.buf, data.len);
	json_object_set_new(args, "_drover_data_b64", json_stringn(b64.buf, b64.len));
	r = 0;
out:
	buf_release(&data);
	buf_release(&b64);
	return r;
}

int pushfile_prepare_archive(json_t *args, struct buf *err)
{
	const char *src = json_string_value(json_object_get(args, "src"));

	if (json_is_true(json_object_get(args, "remote_src")))
		return 0;
	if (!src || !*src) {
		buf_setf(err, "missing required arguments: src");
		return -1;
	}
	if (attach_file(args, src) < 0) {
		buf_setf(err, "Could not find or access '%s' on the Ansible Controller: %s", src,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* The first shell word of line: its end, after any quoting. */
static const char *first_word_end(const char *line)
{
	char quote = 0;

	for (; *line; line++) {
		if (!quote && (*line == ' ' || *line == '\t'))
			break;
		if (*line == '\\' && line[1])
			line++;
		else if (quote && *line == quote)
			quote = 0;
		else if (!quote && (*line == '\'' || *line == '"'))
			quote = *line;
	}
	return line;
}

int pushfile_prepare_script(json_t *args, struct buf *err)
{
	json_t *raw = json_object_get(args, "_raw_params");
	const char *line = json_string_value(raw ? raw : json_object_get(args, "cmd")), *end;
	struct strvec words = STRVEC_INIT;
	char *first;
	int r = -1;

	while (line && (*line == ' ' || *line == '\t'))
		line++;
	if (!line || !*line) {
		buf_setf(err, "No argument passed to script module");
		return -1;
	}
	end = first_word_end(line);
	first = xstrndup(line, (size_t)(end - line));
	if (shlex_split(first, &words, err) < 0)
		goto out;
	if (words.nr != 1) {
		buf_setf(err, "could not read the script's name in '%s'", line);
		goto out;
	}
	if (attach_file(args, words.v[0]) < 0) {
		buf_setf(err, "Could not find or access '%s' on the Ansible Controller: %s", words.v[0],
			 strerror(errno));
		goto out;
	}
	while (*end == ' ' || *end == '\t')
		end++;
	json_object_set_new(args, "_drover_script", json_string(words.v[0]));
	json_object_set_new(args, "_drover_script_args", json_string(end));
	r = 0;
out:
	strvec_clear(&words);
	free(first);
	return r;
}
