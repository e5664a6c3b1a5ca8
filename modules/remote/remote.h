#ifndef DROVER_REMOTE_H
#define DROVER_REMOTE_H

/*
 * drover-remote: the host-side multi-call helper. argv[1] names a module
 * that also exists as modules/NAME.sh; it reads the same stdin stream (see
 * modules/_lib.sh) and prints the same result. Built static (no libc but
 * glibc's libc.a, no jansson): one file that runs on any host of the
 * build machine's architecture.
 */

#include <stddef.h>

/* A growable byte buffer, always NUL-terminated; aborts when memory runs out. */
struct out {
	char *buf;
	size_t len, alloc;
};

void out_add(struct out *o, const char *s, size_t n);
void out_adds(struct out *o, const char *s);
void out_addf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string literal, quotes included, as modules/_lib.sh's json_str. */
void out_json_str(struct out *o, const char *s, size_t n);
/* n bytes of s in base64, on one line. */
void out_b64(struct out *o, const unsigned char *s, size_t n);
void out_release(struct out *o);

/* The module's arguments: NAME=VALUE pairs read from the stdin stream. */
struct args {
	char **names, **values;
	size_t nr, alloc;
};

/*
 * Parses the stream's assignment block (text holds exactly the N lines that
 * follow the count). Returns 0, or -1 if it is not what the controller
 * writes. args_release frees the insides.
 */
int args_parse(struct args *a, const char *text, size_t len);
void args_release(struct args *a);
/* The value of name, or def if it was not given. */
const char *arg(const struct args *a, const char *name, const char *def);
/* Ansible's booleans arrive as true/false. */
int arg_true(const struct args *a, const char *name);

/* Prints the result after the marker and exits 0, as drover_exit does. */
void remote_exit(const struct args *a, const struct out *json) __attribute__((noreturn));
/* {"failed": true, "msg": ...}, as drover_fail does. */
void remote_fail(const struct args *a, const char *msg) __attribute__((noreturn));

void *xrealloc_or_abort(void *p, size_t n);
/* Writes all n bytes, through EINTR and short writes; 0 or -1. */
int write_all(int fd, const void *p, size_t n);
char *xstrndup_or_abort(const char *s, size_t n);

/* sha1.c: the SHA-1 of a file's bytes in hex (41 bytes); 0 or -1 (errno set). */
int sha1_file(int fd, char hex[41]);
void sha1_buf(const void *p, size_t n, char hex[41]);

/*
 * Runs the module NAME on the stream on stdin; returns only an exit status
 * for a module it lacks or a broken stream (main.c).
 */
int remote_run_module(const char *name);
/*
 * drover-remote serve [DIR]: runs modules for the controller until EOF,
 * the scripts from DIR (default ~/.cache/drover/modules) (serve.c).
 */
int remote_serve(const char *scripts);

/* One entry point per module, in mod_NAME.c. */
void mod_ping(const struct args *a) __attribute__((noreturn));
void mod_slurp(const struct args *a) __attribute__((noreturn));
void mod_stat(const struct args *a) __attribute__((noreturn));
void mod_file(const struct args *a) __attribute__((noreturn));
void mod_copy(const struct args *a) __attribute__((noreturn));
void mod_lineinfile(const struct args *a) __attribute__((noreturn));

#endif
