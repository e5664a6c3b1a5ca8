#ifndef DROVER_REMOTE_FILES_H
#define DROVER_REMOTE_FILES_H

/*
 * The file modules' common part (file, copy, lineinfile), as
 * modules/_files.sh: kinds, attributes, backups, atomic writes, diffs. Every
 * answer is what the script prints for the same host state.
 */
#include <sys/types.h>

#include "remote.h"

/* Ansible refuses diffs of files larger than this (max_file_size_for_diff). */
#define DIFF_MAX 104448

/* What a module run holds: its arguments and what it must clean up. */
struct files {
	const struct args *a;
	const char *mode, *owner, *group;
	int check, diff;
	int follow_links;      /* apply_attrs follows a link (chmod, chown) */
	struct out tmp;        /* a temp file to remove when the module ends */
	int attrs_changed;     /* set by apply_attrs, never cleared by it */
	struct out attr_before, attr_after; /* the members apply_attrs found differing */
};

void files_init(struct files *f, const struct args *a);
/* Ends the module with json (or a failure with msg), removing f->tmp first. */
void files_exit(struct files *f, struct out *json) __attribute__((noreturn));
void files_fail(struct files *f, const char *msg) __attribute__((noreturn));
void files_failf(struct files *f, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

/* kind_of: "file", "directory", "link", "other" or "absent". */
const char *kind_of(const char *path);
int exists_or_link(const char *path);
/* dirname's answer, and _files.sh's dir_of (no trailing-slash rule). */
void dir_name(const char *path, struct out *dir);
void dir_of(const char *path, struct out *dir);
const char *base_name(const char *path);

/* The name of id in a passwd- or group-style file, or "UNKNOWN" as stat -c %U says. */
void id_name(const char *file, unsigned long id, char *name, size_t size);

/*
 * The octal mode "%04o" path would have after chmod spec (octal, or
 * symbolic applied to its current mode): 0, or -1 with Ansible's message
 * in msg.
 */
int target_mode(const char *path, const char *spec, char want[8], struct out *msg);
/* chmod spec path, octal or symbolic, failures ignored. */
void chmod_spec(const char *path, const char *spec);
/* chmod path to the octal want, as chmod does it; 0 or -1. */
int chmod_octal(const char *path, const char *want);

/*
 * Mode, owner and group from the options, as apply_attrs: sets
 * attrs_changed and attr_before/attr_after; in check mode changes nothing.
 */
void apply_attrs(struct files *f, const char *path);
/* The attribute diff of the last apply_attrs on path. */
void attr_diff(const struct files *f, struct out *o, const char *path);
/* The JSON members Ansible adds about a path (no braces), as path_info. */
void path_info(struct out *o, const char *path);

/* Copies path as NAME.PID.DATE~ beside it (cp -p) into backup, or fails. */
void backup_of(struct files *f, const char *path, struct out *backup);
/* A new empty temp file beside path, in f->tmp, or fails. */
void tmp_beside(struct files *f, const char *path);
/* Writes data to f->tmp, or fails. */
void tmp_write(struct files *f, const char *data, size_t n);
/* Renames f->tmp over dest keeping dest's mode and owner, or fails. */
void replace_with(struct files *f, const char *dest);

/* A text being diffed: its bytes, or none (a file that is not there). */
struct text {
	const char *buf;
	size_t len;
	int present;
};
/* A diff object of two texts, as text_diff (after_header NULL: header). */
void text_diff(struct out *o, const struct text *before, const struct text *after,
	       const char *header, const char *after_header);

/* mkdir -p; 0 or -1. */
int mkdir_p(const char *path);
/* "key": s, s as a JSON string. */
void json_member(struct out *o, const char *key, const char *s);

/* sh -c cmd, its output (2>&1) without trailing newlines in output; its status. */
int run_shell(const char *cmd, struct out *output);
/* The whole of a file; 0 or -1. */
int read_file(const char *path, struct out *data);
/* Reads fd to its end into output; 0, or -1 with errno set. */
int drain(int fd, struct out *output);
/* HEX (33 bytes) of md5sum's answer on path; 0 or -1 (the one fork left: md5sum). */
int md5_file(const char *path, char hex[33]);

#endif
