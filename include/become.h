#ifndef DROVER_BECOME_H
#define DROVER_BECOME_H

#include <jansson.h>

#include "buf.h"
#include "ssh.h"

/*
 * Privilege escalation: the command line that runs a command as another
 * user (sudo or su, with the user's become_flags and become_exe), and the
 * dialogue when a password is involved (sudo -S with a random prompt, or
 * su). The password goes to the command's stdin when its prompt shows,
 * before the module's own stdin; the command first prints a random line
 * once it runs as the new user, which opens the gate. Passwordless sudo
 * (`sudo -n`) needs no dialogue: the command is just wrapped.
 *
 * su with a password over SSH gets a pseudo-terminal (a su may refuse to
 * read a password from anything else): raw, without echo, so that the
 * module's input and output pass unchanged; the module's input is framed
 * by length (the terminal has no end of file) and its stderr shares the
 * terminal with its stdout.
 */

enum become_outcome {
	BECOME_PENDING,   /* neither prompt nor success seen */
	BECOME_OK,        /* the command runs as the new user */
	BECOME_MISSING,   /* a password was asked for and there is none */
	BECOME_INCORRECT, /* asked again after the password (or su gave up) */
	BECOME_TIMEOUT,   /* no prompt and no success within the timeout */
};

struct become {
	struct ssh_gate gate; /* first member: the transport calls back through it */
	const char *method;   /* "sudo" or "su" */
	const char *user;
	const char *password; /* NULL: none given */
	const char *flags;    /* become_flags; NULL: the method's default */
	const char *exe;      /* become_exe; NULL: the method's name */
	int gated;            /* the dialogue is needed (a password, or su) */
	size_t stdin_len;     /* on a terminal: how much input the command reads */
	char prompt[64];      /* sudo's -p prompt */
	char success[64];     /* what the command prints first as the new user */
	int prompts;          /* prompts answered with the password */
	int timeout_s;
	long long deadline_ms;
	enum become_outcome outcome;
};

/*
 * Reads the job's "become" object ({"user", "method", "password", "flags",
 * "exe"}); b points into it. can_pty: the transport can give su a terminal
 * (SSH; not the local connection). Returns 1 when the run needs the gate (a
 * password, or su), 0 for plain `sudo -n`, -1 with err set for a method
 * drover does not have.
 */
int become_init(struct become *b, json_t *become, int timeout_s, int can_pty, struct buf *err);

/* A fresh dialogue (new markers, nothing answered yet) for another try. */
void become_restart(struct become *b);

/*
 * Appends the words that run the words after them as the become user:
 * "sudo -H -S -n -u U -- ", or with the dialogue (printing the success line
 * first) "sudo -H -S -p P -u U -- /bin/sh -c '...' " or "su U -c '...' -- ".
 * The words after must be a command and its arguments. Set stdin_len first
 * when the gate asks for a terminal.
 */
void become_wrap(const struct become *b, struct buf *cmd);

/*
 * After the command ran: NULL if it became the user, else the message of
 * the failure as Ansible words it ("Incorrect sudo password"), or an empty
 * string when the gate never saw either (the command failed before). The
 * caller frees it.
 */
char *become_failure(const struct become *b);

#endif
