/* sha256.c -- see sha256.h. */
#include "sha256.h"
#include "util.h"

#include <openssl/evp.h>
#include <pthread.h>

/* OpenSSL 3 looks EVP_sha256() up in its providers on every
 * EVP_DigestInit_ex: about half the time of digesting a short article
 * (perf, `vigil ingest`).  The implementation is fetched once instead. */
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
    pthread_once(&sha256_once, sha256_fetch);
    return sha256_md ? sha256_md : EVP_sha256();
}
#else
static const EVP_MD *sha256(void) { return EVP_sha256(); }
#endif

void vg_sha256(const void *data, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    if (!EVP_Digest(data, n, out, &len, sha256(), NULL)) vg_oom();
}

/* The context is libcrypto's own, under our name. */
vg_sha256_ctx *vg_sha256_begin(void)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || !EVP_DigestInit_ex(c, sha256(), NULL)) vg_oom();
    return (vg_sha256_ctx *)c;
}

void vg_sha256_add(vg_sha256_ctx *c, const void *data, size_t n)
{
    if (n) EVP_DigestUpdate((EVP_MD_CTX *)c, data, n);
}

void vg_sha256_end(vg_sha256_ctx *c, unsigned char out[32])
{
    EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, NULL);
    EVP_MD_CTX_free((EVP_MD_CTX *)c);
}
