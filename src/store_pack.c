/* store_pack.c -- values packed with zstd and per-store dictionaries (see
 * store_pack.h): prepared dictionaries for packing (one per kind) and for
 * unpacking (every one met), one compression and one decompression context
 * per packer, training with ZDICT. */
#define ZSTD_STATIC_LINKING_ONLY       /* the magicless format, frame headers */
#define ZDICT_STATIC_LINKING_ONLY      /* fastCover's parameters */
#include "store_pack.h"

#include <stdio.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

typedef struct unpack_dict {
    int id;
    bool pending;
    ZSTD_DDict *dd;
} unpack_dict;

struct vg_packer {
    int level;
    ZSTD_CCtx *cc;
    ZSTD_DCtx *dc;
    struct {
        int id;                 /* 0: none */
        bool pending;
        ZSTD_CDict *cd;
    } pack[VG_PACK_NKINDS];
    VG_VEC(unpack_dict) unpack;
};

vg_packer *vg_packer_new(int level)
{
    vg_packer *p = vg_calloc(1, sizeof *p);
    p->level = level;
    p->cc = ZSTD_createCCtx();
    p->dc = ZSTD_createDCtx();
    if (!p->cc || !p->dc) vg_oom();
    /* the compact frame: no magic number, checksum or dictionary id (the
     * value's first byte names the dictionary); the size is kept */
    ZSTD_CCtx_setParameter(p->cc, ZSTD_c_format, ZSTD_f_zstd1_magicless);
    ZSTD_CCtx_setParameter(p->cc, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(p->cc, ZSTD_c_dictIDFlag, 0);
    ZSTD_CCtx_setParameter(p->cc, ZSTD_c_contentSizeFlag, 1);
    ZSTD_DCtx_setParameter(p->dc, ZSTD_d_format, ZSTD_f_zstd1_magicless);
    return p;
}

void vg_packer_free(vg_packer *p)
{
    if (!p) return;
    for (int k = 0; k < VG_PACK_NKINDS; k++) ZSTD_freeCDict(p->pack[k].cd);
    for (size_t i = 0; i < p->unpack.n; i++) ZSTD_freeDDict(p->unpack.v[i].dd);
    vg_vec_free(&p->unpack);
    ZSTD_freeCCtx(p->cc);
    ZSTD_freeDCtx(p->dc);
    free(p);
}

static unpack_dict *find(vg_packer *p, int id)
{
    for (size_t i = 0; i < p->unpack.n; i++)
        if (p->unpack.v[i].id == id) return &p->unpack.v[i];
    return NULL;
}

bool vg_packer_add(vg_packer *p, int id, int kind, const void *dict, size_t n, bool pending,
                   char *err, size_t errsz)
{
    if (id < 1 || id > VG_PACK_MAX_ID || !n) {
        snprintf(err, errsz, "dictionary %d: %s", id, n ? "id out of range" : "empty");
        return false;
    }
    if (!find(p, id)) {
        ZSTD_DDict *dd = ZSTD_createDDict(dict, n);
        if (!dd) {
            snprintf(err, errsz, "dictionary %d: zstd rejects it", id);
            return false;
        }
        vg_vec_push(&p->unpack, ((unpack_dict){ id, pending, dd }));
    }
    if (kind < 0 || kind >= VG_PACK_NKINDS) return true;
    ZSTD_CDict *cd = ZSTD_createCDict(dict, n, p->level);
    if (!cd) {
        snprintf(err, errsz, "dictionary %d: zstd rejects it", id);
        return false;
    }
    ZSTD_freeCDict(p->pack[kind].cd);
    p->pack[kind].id = id;
    p->pack[kind].pending = pending;
    p->pack[kind].cd = cd;
    return true;
}

int vg_packer_dict_of(const vg_packer *p, int kind)
{
    return kind >= 0 && kind < VG_PACK_NKINDS ? p->pack[kind].id : 0;
}

void vg_packer_settle(vg_packer *p, bool keep)
{
    for (int k = 0; k < VG_PACK_NKINDS; k++) {
        if (!p->pack[k].pending) continue;
        p->pack[k].pending = false;
        if (keep) continue;
        ZSTD_freeCDict(p->pack[k].cd);
        p->pack[k].cd = NULL;
        p->pack[k].id = 0;
    }
    size_t j = 0;
    for (size_t i = 0; i < p->unpack.n; i++) {
        unpack_dict d = p->unpack.v[i];
        if (d.pending && !keep) {
            ZSTD_freeDDict(d.dd);
            continue;
        }
        d.pending = false;
        p->unpack.v[j++] = d;
    }
    p->unpack.n = j;
}

bool vg_packer_pack(vg_packer *p, int kind, const char *s, size_t n, vg_buf *out)
{
    out->len = 0;
    /* a value larger than unpacking accepts stays text, or it could not be
     * read back */
    if (kind < 0 || kind >= VG_PACK_NKINDS || !p->pack[kind].cd || !n || n > VG_PACK_MAX_VALUE)
        return false;
    size_t bound = ZSTD_compressBound(n);
    vg_buf_reserve(out, bound + 1);
    if (ZSTD_isError(ZSTD_CCtx_refCDict(p->cc, p->pack[kind].cd))) return false;
    size_t r = ZSTD_compress2(p->cc, out->s + 1, bound, s, n);
    if (ZSTD_isError(r) || r + 1 >= n) return false;
    out->s[0] = (char)(unsigned char)p->pack[kind].id;
    out->len = r + 1;
    out->s[out->len] = '\0';
    return true;
}

vg_unpack_status vg_packer_unpack(vg_packer *p, const void *blob, size_t n, vg_buf *out,
                                  int *id, char *err, size_t errsz)
{
    const unsigned char *b = blob;
    out->len = 0;
    *id = n ? b[0] : 0;
    if (n < 2 || !b[0]) {
        snprintf(err, errsz, "a compressed value of %zu bytes is damaged (too short or no "
                 "dictionary named)", n);
        return VG_UNPACK_BAD;
    }
    unpack_dict *d = find(p, b[0]);
    if (!d) return VG_UNPACK_NODICT;
    ZSTD_frameHeader h;
    size_t r = ZSTD_getFrameHeader_advanced(&h, b + 1, n - 1, ZSTD_f_zstd1_magicless);
    if (r != 0 || h.frameType != ZSTD_frame || h.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN ||
        h.frameContentSize > VG_PACK_MAX_VALUE) {
        snprintf(err, errsz, "a compressed value (dictionary %d) is damaged: %s", b[0],
                 ZSTD_isError(r) ? ZSTD_getErrorName(r) : "bad frame header");
        return VG_UNPACK_BAD;
    }
    size_t size = (size_t)h.frameContentSize;
    vg_buf_reserve(out, size);
    r = ZSTD_DCtx_refDDict(p->dc, d->dd);
    if (!ZSTD_isError(r)) r = ZSTD_decompressDCtx(p->dc, out->s, size, b + 1, n - 1);
    if (ZSTD_isError(r) || r != size || memchr(out->s, '\0', size)) {
        snprintf(err, errsz, "a compressed value (dictionary %d) is damaged: %s", b[0],
                 ZSTD_isError(r) ? ZSTD_getErrorName(r)
                 : r != size ? "wrong size" : "a NUL byte in the text");
        out->len = 0;
        out->s[0] = '\0';
        return VG_UNPACK_BAD;
    }
    out->len = size;
    out->s[size] = '\0';
    return VG_UNPACK_OK;
}

size_t vg_pack_train(void *dict, size_t cap, const void *buf, const size_t *sizes, unsigned n,
                     int level)
{
    /* fastCover with fixed parameters, single-threaded: deterministic, and
     * a fraction of the time of ZDICT_trainFromBuffer's search over k, for
     * dictionaries within 1 % of its size on the store's values; f = 18
     * (a 1 MB table) packs as well as 20 (4 MB, whose zeroing was most of
     * the time) (docs/scaling.md).  The dictionary id in the header is a
     * hash of the content. */
    ZDICT_fastCover_params_t p;
    memset(&p, 0, sizeof p);
    p.k = 500;
    p.d = 8;
    p.f = 18;
    p.accel = 1;
    p.zParams.compressionLevel = level;
    size_t r = ZDICT_trainFromBuffer_fastCover(dict, cap, buf, sizes, n, p);
    return ZDICT_isError(r) ? 0 : r;
}
