#include "statedir.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

char *statedir_path(const char *name)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (xdg && *xdg == '/')
		return xasprintf("%s/drover/%s", xdg, name);
	if ((!home || !*home) && (pw = getpwuid(getuid())))
		home = pw->pw_dir;
	return xasprintf("%s/.local/state/drover/%s", home ? home : "/tmp", name);
}

int statedir_make_parents(const char *path, struct buf *err)
{
	char *dir = xstrdup(path), *p;
	int r = 0;

	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			buf_setf(err, "cannot create %s: %s", dir, strerror(errno));
			r = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return r;
}
