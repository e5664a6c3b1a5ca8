/* slurp: as modules/slurp.sh, without forking base64 and tr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "remote.h"
#include "../../include/banned.h"

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
	else if (access(src, R_OK) < 0 || read_file(src, &data) < 0)
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
