/* slurp: as modules/slurp.sh, without forking base64 and tr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remote.h"
#include "../../include/banned.h"

/* The file's bytes; 0, or -1 with errno set. */
static int read_all(const char *path, struct out *data)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	out_add(data, "", 0);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		out_add(data, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

void mod_slurp(const struct args *a)
{
	const char *src = arg(a, "src", "");
	struct out o = { 0 }, data = { 0 };
	struct stat st;
	char msg[4200];

	if (!stat(src, &st) && S_ISDIR(st.st_mode))
		snprintf(msg, sizeof(msg), "source is a directory and must be a file: %s", src);
	else if (stat(src, &st) < 0)
		snprintf(msg, sizeof(msg), "file not found: %s", src);
	else if (access(src, R_OK) < 0 || read_all(src, &data) < 0)
		snprintf(msg, sizeof(msg), "file is not readable: %s", src);
	else
		msg[0] = '\0';
	if (msg[0])
		remote_fail(a, msg);
	out_adds(&o, "{\"changed\": false, \"content\": \"");
	out_b64(&o, (const unsigned char *)data.buf, data.len);
	out_adds(&o, "\", \"encoding\": \"base64\", \"source\": ");
	out_json_str(&o, src, strlen(src));
	out_adds(&o, "}");
	remote_exit(a, &o);
}
