#include "ssh_rsa.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "base64.h"
#include "bcrypt_pbkdf.h"
#include "xalloc.h"
#include "banned.h"

/* A cursor over SSH wire data (RFC 4251 uint32 / string / mpint). */
struct rd {
	const unsigned char *p;
	size_t left;
};

static int rd_u32(struct rd *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

static int rd_string(struct rd *r, const unsigned char **s, size_t *len)
{
	uint32_t n;

	if (rd_u32(r, &n) || n > r->left)
		return -1;
	*s = r->p;
	*len = n;
	r->p += n;
	r->left -= n;
	return 0;
}

static int rd_is(struct rd *r, const char *want)
{
	const unsigned char *s;
	size_t len;

	return !rd_string(r, &s, &len) && len == strlen(want) && !memcmp(s, want, len);
}

/* An mpint as a new BIGNUM (NULL on error; negative numbers are refused). */
static BIGNUM *rd_bn(struct rd *r)
{
	const unsigned char *s;
	size_t len;

	if (rd_string(r, &s, &len) || (len && (s[0] & 0x80)))
		return NULL;
	return BN_bin2bn(s, (int)len, NULL);
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(b, c, 4);
}

/* BN_bn2mpi writes exactly the SSH mpint encoding: length, then a sign-safe magnitude. */
static void put_bn(struct buf *b, const BIGNUM *bn)
{
	int n = BN_bn2mpi(bn, NULL);

	buf_grow(b, (size_t)n);
	BN_bn2mpi(bn, (unsigned char *)b->buf + b->len);
	buf_setlen(b, b->len + (size_t)n);
}

/* n e d iqmp p q, the order of OpenSSH's private section. */
enum { RSA_N, RSA_E, RSA_D, RSA_IQMP, RSA_P, RSA_Q, RSA_NPARTS };

static EVP_PKEY *rsa_from_parts(BIGNUM **v)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *dp = BN_new(), *dq = BN_new(), *t = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *key = NULL;

	/* CRT exponents are not stored in the file: d mod (p-1), d mod (q-1). */
	if (!ctx || !dp || !dq || !t || !bld || !BN_sub(t, v[RSA_P], BN_value_one()) ||
	    !BN_mod(dp, v[RSA_D], t, ctx) || !BN_sub(t, v[RSA_Q], BN_value_one()) ||
	    !BN_mod(dq, v[RSA_D], t, ctx))
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, v[RSA_N]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, v[RSA_E]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, v[RSA_D]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, v[RSA_P]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, v[RSA_Q]) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, v[RSA_IQMP]) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	if (!(pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) ||
	    EVP_PKEY_fromdata_init(pctx) <= 0 ||
	    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(t);
	BN_free(dp);
	BN_free(dq);
	BN_CTX_free(ctx);
	return key;
}

/* The private section: checkint twice, "ssh-rsa", n e d iqmp p q, comment, padding. */
static EVP_PKEY *openssh_rsa_private(struct rd *r)
{
	BIGNUM *v[RSA_NPARTS] = { NULL };
	EVP_PKEY *key = NULL;
	uint32_t c1, c2;
	int i;

	if (rd_u32(r, &c1) || rd_u32(r, &c2) || c1 != c2 || !rd_is(r, "ssh-rsa"))
		return NULL;
	for (i = 0; i < RSA_NPARTS; i++)
		if (!(v[i] = rd_bn(r)))
			goto out;
	key = rsa_from_parts(v);
out:
	for (i = 0; i < RSA_NPARTS; i++)
		BN_free(v[i]);
	return key;
}

/* The header fields of an "openssh-key-v1" blob that say how it is protected. */
struct openssh_hdr {
	const unsigned char *cipher, *kdf, *kdfopts;
	size_t cipher_len, kdf_len, kdfopts_len;
};

static int is_name(const unsigned char *s, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(s, name, len);
}

/* The OpenSSL cipher for a key protected by bcrypt, or NULL for others. */
static const EVP_CIPHER *openssh_cipher(const struct openssh_hdr *h)
{
	if (!is_name(h->kdf, h->kdf_len, "bcrypt"))
		return NULL;
	if (is_name(h->cipher, h->cipher_len, "aes256-ctr"))
		return EVP_aes_256_ctr();
	if (is_name(h->cipher, h->cipher_len, "aes256-cbc"))
		return EVP_aes_256_cbc();
	return NULL;
}

/*
 * Decrypts the private section with the key and IV bcrypt_pbkdf derives
 * from the passphrase: aes256-ctr (ssh-keygen's default) or aes256-cbc.
 * Returns 0 with the clear text in plain, or -1 with a message in err.
 */
static int openssh_decrypt(const struct openssh_hdr *h, const struct rd *enc,
			   const char *path, const char *passphrase, struct buf *plain,
			   struct buf *err)
{
	struct rd opts = { h->kdfopts, h->kdfopts_len };
	const unsigned char *salt;
	unsigned char kiv[32 + 16];
	const EVP_CIPHER *ciph;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t salt_len;
	uint32_t rounds;
	int n = 0, fin = 0, r = -1;

	if (!(ciph = openssh_cipher(h))) {
		buf_setf(err, "%s: an RSA key in OpenSSH format encrypted with %.*s (kdf %.*s) is "
			 "not supported (only aes256-ctr and aes256-cbc with bcrypt); change it with: "
			 "ssh-keygen -p -Z aes256-ctr -f %s", path, (int)h->cipher_len, h->cipher,
			 (int)h->kdf_len, h->kdf, path);
		return -1;
	}
	if (!passphrase || !*passphrase) {
		buf_setf(err, "%s: cannot load the RSA key (no passphrase given)", path);
		return -1;
	}
	if (rd_string(&opts, &salt, &salt_len) || rd_u32(&opts, &rounds) ||
	    enc->left % 16 || enc->left > INT_MAX ||
	    bcrypt_pbkdf(passphrase, strlen(passphrase), salt, salt_len, kiv, sizeof(kiv),
			 rounds) < 0) {
		buf_setf(err, "%s: not a valid OpenSSH private key", path);
		goto out;
	}
	buf_grow(plain, enc->left + 16);
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    !EVP_DecryptInit_ex(ctx, ciph, NULL, kiv, kiv + 32) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_DecryptUpdate(ctx, (unsigned char *)plain->buf, &n, enc->p, (int)enc->left) ||
	    !EVP_DecryptFinal_ex(ctx, (unsigned char *)plain->buf + n, &fin)) {
		buf_setf(err, "%s: cannot decrypt the RSA key", path);
		goto out;
	}
	buf_setlen(plain, (size_t)n + (size_t)fin);
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	explicit_bzero(kiv, sizeof(kiv));
	return r;
}

/* The blob's header up to the public and (maybe encrypted) private sections. */
static int openssh_parse(const struct buf *blob, struct openssh_hdr *h, struct rd *pub,
			 struct rd *priv)
{
	static const char magic[] = "openssh-key-v1"; /* with its NUL */
	struct rd r = { (const unsigned char *)blob->buf, blob->len };
	uint32_t nkeys;

	if (r.left < sizeof(magic) || memcmp(r.p, magic, sizeof(magic)))
		return -1;
	r.p += sizeof(magic);
	r.left -= sizeof(magic);
	if (rd_string(&r, &h->cipher, &h->cipher_len) || rd_string(&r, &h->kdf, &h->kdf_len) ||
	    rd_string(&r, &h->kdfopts, &h->kdfopts_len) || rd_u32(&r, &nkeys) || nkeys != 1 ||
	    rd_string(&r, &pub->p, &pub->left) || rd_string(&r, &priv->p, &priv->left))
		return -1;
	return 0;
}

static int load_openssh(const struct buf *blob, const char *path, const char *passphrase,
			EVP_PKEY **out, struct buf *err)
{
	struct openssh_hdr h;
	struct rd pub, priv;
	struct buf plain = BUF_INIT;
	uint32_t c1, c2;
	int r = -1;

	if (openssh_parse(blob, &h, &pub, &priv) < 0)
		goto bad;
	if (!rd_is(&pub, "ssh-rsa"))
		return 0; /* ed25519, ecdsa: libssh2 signs those well */
	if (!is_name(h.cipher, h.cipher_len, "none")) {
		if (openssh_decrypt(&h, &priv, path, passphrase, &plain, err) < 0)
			goto out;
		priv.p = (const unsigned char *)plain.buf;
		priv.left = plain.len;
		/* Equal check words are how a right passphrase shows. */
		if (rd_u32(&priv, &c1) || rd_u32(&priv, &c2) || c1 != c2) {
			buf_setf(err, "%s: cannot load the RSA key (wrong passphrase)", path);
			goto out;
		}
		priv.p -= 8;
		priv.left += 8;
	}
	if ((*out = openssh_rsa_private(&priv))) {
		r = 1;
		goto out;
	}
bad:
	buf_setf(err, "%s: not a valid OpenSSH private key", path);
out:
	explicit_bzero(plain.buf, plain.len);
	buf_release(&plain);
	return r;
}

static int pem_pass(char *out, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n;

	(void)rwflag;
	if (!pass || (n = strlen(pass)) > (size_t)size)
		return -1; /* never let OpenSSL prompt on the terminal itself */
	memcpy(out, pass, n);
	return (int)n;
}

static int load_pem(const char *text, size_t len, const char *path, const char *passphrase,
		    EVP_PKEY **out, struct buf *err)
{
	BIO *bio = BIO_new_mem_buf(text, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, pem_pass, (void *)passphrase)
			    : NULL;
	int r = 0;

	BIO_free(bio);
	ERR_clear_error();
	if (key && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
		*out = key;
		return 1;
	}
	EVP_PKEY_free(key);
	/* A PKCS#1 header says RSA: a failure is ours to report. */
	if (!key && strstr(text, "-----BEGIN RSA PRIVATE KEY-----")) {
		buf_setf(err, "%s: cannot load the RSA key (%s)", path,
			 passphrase ? "wrong passphrase?" : "no passphrase given");
		r = -1;
	}
	return r;
}

int ssh_rsa_load_text(const char *text, size_t len, const char *path, const char *passphrase,
		      EVP_PKEY **out, struct buf *err)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	struct buf blob = BUF_INIT;
	const char *p, *end;
	int r;

	*out = NULL;
	if (!(p = strstr(text, begin)))
		return load_pem(text, len, path, passphrase, out, err);
	p += sizeof(begin) - 1;
	if (!(end = strstr(p, "-----END")) || base64_decode(&blob, p, (size_t)(end - p)) < 0) {
		buf_setf(err, "%s: not a valid OpenSSH private key", path);
		r = -1;
	} else {
		r = load_openssh(&blob, path, passphrase, out, err);
	}
	explicit_bzero(blob.buf, blob.len);
	buf_release(&blob);
	return r;
}

int ssh_rsa_load(const char *path, const char *passphrase, EVP_PKEY **out, struct buf *err)
{
	struct buf text = BUF_INIT;
	int r = 0;

	*out = NULL;
	if (buf_read_file(&text, path) >= 0)
		r = ssh_rsa_load_text(text.buf, text.len, path, passphrase, out, err);
	explicit_bzero(text.buf, text.len);
	buf_release(&text);
	return r;
}

void ssh_rsa_blob(EVP_PKEY *key, const char *alg, struct buf *out)
{
	BIGNUM *n = NULL, *e = NULL;

	EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
	EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
	put_u32(out, (uint32_t)strlen(alg));
	buf_addstr(out, alg);
	put_bn(out, e);
	put_bn(out, n);
	BN_free(n);
	BN_free(e);
}

int ssh_rsa_sign(EVP_PKEY *key, const char *alg, const unsigned char *data, size_t len,
		 struct buf *sig)
{
	const EVP_MD *md = !strcmp(alg, "rsa-sha2-256") ? EVP_sha256() : EVP_sha512();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 0;
	int r = -1;

	buf_reset(sig);
	if (!ctx || EVP_DigestSignInit(ctx, NULL, md, NULL, key) <= 0 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) <= 0)
		goto out;
	buf_grow(sig, n);
	if (EVP_DigestSign(ctx, (unsigned char *)sig->buf, &n, data, len) <= 0)
		goto out;
	buf_setlen(sig, n);
	r = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return r;
}

struct sign_ctx {
	EVP_PKEY *key;
	const char *alg;
};

/* libssh2 wraps what this returns as string(alg) string(sig) and frees it with free(). */
static LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC(sign_cb)
{
	struct sign_ctx *sc = *abstract;
	struct buf b = BUF_INIT;

	(void)session;
	if (ssh_rsa_sign(sc->key, sc->alg, data, data_len, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	*sig = (unsigned char *)buf_detach(&b, sig_len);
	return 0;
}

int ssh_rsa_userauth(LIBSSH2_SESSION *s, const char *user, EVP_PKEY *key)
{
	static const char *const algs[] = { "rsa-sha2-512", "rsa-sha2-256" };
	size_t i;
	int r = -1;

	for (i = 0; r && i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct sign_ctx sc = { key, algs[i] };
		void *abstract = &sc;
		struct buf blob = BUF_INIT;

		ssh_rsa_blob(key, algs[i], &blob);
		r = libssh2_userauth_publickey(s, user, (const unsigned char *)blob.buf, blob.len,
					       sign_cb, &abstract) ? -1 : 0;
		buf_release(&blob);
	}
	return r;
}

/* ---- ssh-agent ---- */

#define AGENT_SIGN_REQUEST 13
#define AGENT_SIGN_RESPONSE 14
#define AGENT_RSA_SHA2_256 2
#define AGENT_RSA_SHA2_512 4
#define AGENT_REPLY_MAX (256 * 1024)

struct agent_sign {
	const char *sock;
	const unsigned char *blob; /* the agent's own "ssh-rsa" blob */
	size_t blob_len;
	const char *alg;
};

int ssh_rsa_blob_is_rsa(const unsigned char *blob, size_t len)
{
	struct rd r = { blob, len };

	return rd_is(&r, "ssh-rsa");
}

static int agent_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int io_full(int fd, void *p, size_t n, int wr)
{
	unsigned char *c = p;

	while (n) {
		ssize_t k = wr ? send(fd, c, n, MSG_NOSIGNAL) : read(fd, c, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* One request/reply exchange with the agent; the reply (type byte first) into reply. */
static int agent_call(const char *sock, const struct buf *req, struct buf *reply)
{
	unsigned char hdr[4];
	uint32_t n;
	int fd = agent_connect(sock), r = -1;

	if (fd < 0 || io_full(fd, req->buf, req->len, 1) || io_full(fd, hdr, 4, 0))
		goto out;
	n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (n == 0 || n > AGENT_REPLY_MAX)
		goto out;
	buf_reset(reply);
	buf_grow(reply, n);
	if (io_full(fd, reply->buf, n, 0))
		goto out;
	buf_setlen(reply, n);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* The agent's signature blob is string(alg) string(sig): only sig goes back to libssh2. */
static int agent_sig(const struct buf *reply, const char *alg, struct buf *sig)
{
	struct rd r = { (const unsigned char *)reply->buf, reply->len }, s;
	const unsigned char *raw;
	size_t raw_len;

	if (!r.left || r.p[0] != AGENT_SIGN_RESPONSE)
		return -1;
	r.p++;
	r.left--;
	if (rd_string(&r, &s.p, &s.left) || !rd_is(&s, alg) || rd_string(&s, &raw, &raw_len))
		return -1;
	buf_reset(sig);
	buf_add(sig, raw, raw_len);
	return 0;
}

static LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC(agent_sign_cb)
{
	struct agent_sign *as = *abstract;
	struct buf req = BUF_INIT, reply = BUF_INIT, out = BUF_INIT;
	int r = -1;

	(void)session;
	put_u32(&req, (uint32_t)(1 + 4 + as->blob_len + 4 + data_len + 4));
	buf_addch(&req, AGENT_SIGN_REQUEST);
	put_u32(&req, (uint32_t)as->blob_len);
	buf_add(&req, as->blob, as->blob_len);
	put_u32(&req, (uint32_t)data_len);
	buf_add(&req, data, data_len);
	put_u32(&req, !strcmp(as->alg, "rsa-sha2-256") ? AGENT_RSA_SHA2_256 : AGENT_RSA_SHA2_512);
	if (!agent_call(as->sock, &req, &reply) && !agent_sig(&reply, as->alg, &out)) {
		*sig = (unsigned char *)buf_detach(&out, sig_len);
		r = 0;
	}
	buf_release(&req);
	buf_release(&reply);
	buf_release(&out);
	return r;
}

int ssh_rsa_agent_userauth(LIBSSH2_SESSION *s, const char *user, const char *agent_sock,
			   const unsigned char *blob, size_t len)
{
	static const char *const algs[] = { "rsa-sha2-512", "rsa-sha2-256" };
	struct rd r = { blob, len };
	size_t i;
	int rc = -1;

	if (!rd_is(&r, "ssh-rsa"))
		return -1;
	for (i = 0; rc && i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct agent_sign as = { agent_sock, blob, len, algs[i] };
		void *abstract = &as;
		struct buf typed = BUF_INIT;

		/* The same key material, typed as the algorithm (see ssh_rsa_blob). */
		put_u32(&typed, (uint32_t)strlen(algs[i]));
		buf_addstr(&typed, algs[i]);
		buf_add(&typed, r.p, r.left);
		rc = libssh2_userauth_publickey(s, user, (const unsigned char *)typed.buf, typed.len,
						agent_sign_cb, &abstract) ? -1 : 0;
		buf_release(&typed);
	}
	return rc;
}
