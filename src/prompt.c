#include "prompt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

/* Asks on /dev/tty; echo stays on only for an answer that is not secret. */
static char *ask(const char *prompt, int echo)
{
	struct termios old, quiet;
	struct buf b = BUF_INIT;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	char c;

	if (fd < 0)
		return NULL;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return NULL;
	}
	quiet = old;
	if (!echo)
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	/* echo off before the prompt shows: an answer typed (or pasted) at once is never echoed */
	if (tcsetattr(fd, TCSANOW, &quiet) < 0 || write(fd, prompt, strlen(prompt)) < 0) {
		tcsetattr(fd, TCSAFLUSH, &old);
		close(fd);
		return NULL;
	}
	while (read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
		buf_addch(&b, c);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (!echo && write(fd, "\n", 1) < 0)
		(void)0;
	close(fd);
	return buf_detach(&b, NULL);
}

char *prompt_secret(const char *prompt)
{
	return ask(prompt, 0);
}

char *prompt_line(const char *prompt)
{
	return ask(prompt, 1);
}
