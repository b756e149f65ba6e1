/* store_pack.h -- private to the SQLite back end: stored values compressed
 * with zstd and a dictionary trained on the store's own values
 * (docs/store.md, "Compressed values").
 *
 * A packed value is one byte naming its dictionary (1-255: the id of its
 * row in the store's zdict table), then one zstd frame in the magicless
 * format, without checksum and without dictionary id, which holds the
 * value's size.  A packer keeps the prepared dictionaries of one
 * connection: per kind of value (VG_PACK_*) the one it packs with, and
 * every one it has met for unpacking.  Nothing here knows SQLite: the back
 * end reads and writes the dictionaries' rows and hands them over. */
#ifndef VG_STORE_PACK_H
#define VG_STORE_PACK_H

#include "util.h"

/* The kinds of values packed, each with a dictionary of its own. */
enum { VG_PACK_MATCHED, VG_PACK_TEXT, VG_PACK_NKINDS };

/* Dictionary ids fit the value's first byte. */
#define VG_PACK_MAX_ID 255
/* Values unpack to at most this many bytes: a larger size in a frame
 * header is damage, not a value. */
#define VG_PACK_MAX_VALUE (64u << 20)

typedef struct vg_packer vg_packer;

/* A packer that packs at zstd level `level`. */
vg_packer *vg_packer_new(int level);
void vg_packer_free(vg_packer *p);

/* Adds dictionary `id` (1-255; its bytes are copied) for unpacking and,
 * when kind >= 0, as the one kind packs with from now on.  pending: made
 * by the transaction in progress, dropped by vg_packer_settle(p, false).
 * False, with the reason in err, when zstd rejects the dictionary. */
bool vg_packer_add(vg_packer *p, int id, int kind, const void *dict, size_t n, bool pending,
                   char *err, size_t errsz);
/* The id of the dictionary kind packs with, 0 for none. */
int vg_packer_dict_of(const vg_packer *p, int kind);
/* After a commit (keep) or a rollback (drop): the pending dictionaries
 * become permanent, or are forgotten. */
void vg_packer_settle(vg_packer *p, bool keep);

/* Packs the n bytes at s with kind's dictionary into out (cleared first).
 * False when there is no dictionary for kind, the value is larger than
 * VG_PACK_MAX_VALUE, or packing would not make it smaller: it is stored
 * as it is. */
bool vg_packer_pack(vg_packer *p, int kind, const char *s, size_t n, vg_buf *out);

typedef enum {
    VG_UNPACK_OK,
    VG_UNPACK_NODICT,           /* its dictionary is not in the packer (*id says which) */
    VG_UNPACK_BAD               /* damaged (err says how) */
} vg_unpack_status;

/* Unpacks the n bytes at blob into out (cleared first, NUL-terminated).
 * A value that unpacks to a NUL byte is damaged too: stored values are
 * text. */
vg_unpack_status vg_packer_unpack(vg_packer *p, const void *blob, size_t n, vg_buf *out,
                                  int *id, char *err, size_t errsz);

/* Trains a dictionary of at most cap bytes into dict on n samples (their
 * bytes one after another in buf, their sizes in sizes) for packing at
 * zstd level `level`; the same samples give the same dictionary.  Its
 * size, or 0 when zstd could make none (too few or too uniform samples). */
size_t vg_pack_train(void *dict, size_t cap, const void *buf, const size_t *sizes, unsigned n,
                     int level);

#endif
