/* --log FILE: a plain text log with Ansible's log_path prefix on each entry. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "report_int.h"
#include "xalloc.h"
#include "banned.h"

struct runlog {
	int fd;
	char *prefix;   /* " p=PID u=USER n=drover | " */
};

struct runlog *runlog_open(const char *path, struct buf *err)
{
	struct passwd *pw = getpwuid(getuid());
	struct runlog *log;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		buf_setf(err, "cannot open log %s: %s", path, strerror(errno));
		return NULL;
	}
	log = xcalloc(1, sizeof(*log));
	log->fd = fd;
	log->prefix = xasprintf(" p=%ld u=%s n=drover | ", (long)getpid(), pw ? pw->pw_name : "?");
	return log;
}

/* One write per entry (O_APPEND), so two runs sharing a log never interleave within one. */
void runlog_line(struct runlog *log, const char *text)
{
	struct buf line = BUF_INIT;
	struct timeval tv;
	struct tm tm;
	char when[32];

	if (!log)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	buf_addf(&line, "%s,%03d%s%s\n", when, (int)(tv.tv_usec / 1000), log->prefix, text);
	if (write(log->fd, line.buf, line.len) < 0)
		(void)0; /* a full disk must not stop the run */
	buf_release(&line);
}

void runlog_close(struct runlog *log)
{
	if (!log)
		return;
	close(log->fd);
	free(log->prefix);
	free(log);
}
