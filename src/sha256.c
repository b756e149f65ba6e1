/* sha256.c -- see sha256.h. */
#include "sha256.h"
#include "util.h"

#include <openssl/evp.h>

void vg_sha256(const void *data, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    if (!EVP_Digest(data, n, out, &len, EVP_sha256(), NULL)) vg_oom();
}

/* The context is libcrypto's own, under our name. */
vg_sha256_ctx *vg_sha256_begin(void)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) vg_oom();
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
