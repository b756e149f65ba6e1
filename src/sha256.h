/* sha256.h -- SHA-256 digests (libcrypto), whole or field by field: the
 * store recognises an article it has already ingested by its digest. */
#ifndef VG_SHA256_H
#define VG_SHA256_H

#include <stddef.h>

void vg_sha256(const void *data, size_t n, unsigned char out[32]);

/* Incremental: begin, add any number of times, end (which frees ctx). */
typedef struct vg_sha256_ctx vg_sha256_ctx;
vg_sha256_ctx *vg_sha256_begin(void);
void vg_sha256_add(vg_sha256_ctx *c, const void *data, size_t n);
void vg_sha256_end(vg_sha256_ctx *c, unsigned char out[32]);

#endif
