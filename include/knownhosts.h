#ifndef DROVER_KNOWNHOSTS_H
#define DROVER_KNOWNHOSTS_H

#include <libssh2.h>

#include "buf.h"
#include "ssh.h"

/*
 * Host key checking for the SSH transport: the user and global known_hosts
 * files of one connection, loaded once before the handshake.
 */
struct knownhosts;

/*
 * Loads o->known_hosts and o->global_known_hosts (missing files are empty;
 * lines libssh2 cannot parse are skipped, as OpenSSH skips unknown key
 * types). o must be finished (ssh_opts_finish). Free with knownhosts_free.
 */
struct knownhosts *knownhosts_load(LIBSSH2_SESSION *s, const struct ssh_opts *o);
void knownhosts_free(struct knownhosts *kh);

/*
 * Puts the host key algorithms known_hosts has for this host first, as
 * OpenSSH does, so the server does not pick a type we cannot verify.
 */
void knownhosts_prefer_algs(struct knownhosts *kh, LIBSSH2_SESSION *s);

/*
 * Checks the session's host key per o->policy; with accept-new appends an
 * unknown key to the user file. Returns 0, or -1 with a message in err.
 */
int knownhosts_verify(struct knownhosts *kh, LIBSSH2_SESSION *s, struct buf *err);

/* Appends "ED25519 key SHA256:..." for the session's host key to out. */
void knownhosts_describe_key(LIBSSH2_SESSION *s, struct buf *out);

#endif
