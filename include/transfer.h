#ifndef DROVER_TRANSFER_H
#define DROVER_TRANSFER_H

#include <jansson.h>

#include "buf.h"

/*
 * The controller's half of the modules that move files: copy reads its
 * source here and sends the bytes with the job; fetch's bytes come back in
 * the result and are written here. Both ends check SHA-1 checksums.
 */

/*
 * copy: checks src/content/dest as Ansible's copy action does and, unless
 * remote_src, reads src (a file, or a folder: "dir" copies the folder,
 * "dir/" its contents) or content into args: _drover_data_b64 (the bytes;
 * a folder's files one after another) and a description the module reads:
 * _drover_kind (file|dir), _drover_src_sha1, _drover_src_size,
 * _drover_src_mode, _drover_src_name, _drover_src_label, and for a folder
 * the lists _drover_paths, _drover_types (d|f), _drover_sizes, _drover_sums,
 * _drover_modes. Returns 0, or -1 with err set (Ansible's wording).
 */
int transfer_prepare_copy(json_t *args, struct buf *err);

/*
 * copy src= of a vault-encrypted file: the file's plaintext is what goes
 * to the host (unless decrypt=no), as Ansible's copy does. Runs after
 * transfer_prepare_copy; s may be NULL (no vault passwords). cache (an
 * object, or NULL) keeps what was decrypted by the ciphertext's checksum,
 * so a task's hosts decrypt a file once. Returns 0, or -1 with err naming
 * the file when it cannot be decrypted.
 */
struct vault_secrets;
int transfer_decrypt_copy(json_t *args, const struct vault_secrets *s, json_t *cache,
			  struct buf *err);

/*
 * fetch: after the module ran on inventory_hostname with args (checked
 * arguments), writes the file it returned (base64 "content") to dest/HOST/SRC,
 * or to dest itself with flat=yes, atomically and only if its checksum
 * differs, unless args carry _ansible_check_mode. Rewrites result as
 * Ansible's fetch does (changed, dest, checksum, md5sum, remote_checksum).
 * Returns 0, or -1 with err set; the result then says failed too.
 */
int transfer_store_fetch(json_t *args, const char *inventory_hostname, json_t *result,
			 struct buf *err);

/*
 * Modules send the texts of a diff as before_b64/after_b64 (files may hold
 * any bytes, JSON may not): replaces them in result's diff (an object or a
 * list of them) by before/after text, invalid UTF-8 replaced.
 */
void transfer_decode_diff(json_t *result);

#endif
