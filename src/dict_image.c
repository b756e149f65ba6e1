/* dict_image.c -- compiled dictionary images: one file holding a compiled
 * dictionary, mapped read-only and used in place (see dict.h and
 * docs/dictionaries.md for the format and the staleness rules).
 *
 * Layout (all integers in the writer's byte order, which the header names):
 *
 *    0  "VIGILDCT"             magic
 *    8  u32 0x01020304         byte order mark
 *   12  u32 VG_IMAGE_VERSION
 *   16  u32 layout             digest of the records' sizes and field offsets
 *   20  u32 nsections
 *   24  u64 size               of the whole image
 *   32  u64 checksum           of bytes 48 .. size
 *   40  u32 flags              1: Vigil's default dictionaries
 *   44  u32 0
 *   48  nsections x { u32 id, u32 elemsize, u64 offset, u64 count }
 *       sections, each at an offset that is a multiple of 8
 *
 * A section holds one array of the dictionary (VG_DICT_ARRAYS and
 * VG_INDEX_ARRAYS give the ids) as it is in memory, or the options and
 * scalars (SEC_META, written field by field).  Nothing in it is a pointer. */
#define _DEFAULT_SOURCE            /* MAP_POPULATE */
#include "dict.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "VIGILDCT"
#define BOM 0x01020304u
#define HEADER 48u
#define SECTION 24u
#define SEC_META 64u
#define META_VERSION 1u

/* The records are written as they are: no padding, and sizes the layout
 * digest below pins down. */
_Static_assert(sizeof(vg_elem) == 16, "vg_elem has padding");
_Static_assert(sizeof(vg_phrase) == 8, "vg_phrase has padding");
_Static_assert(sizeof(vg_dated) == 16, "vg_dated has padding");
_Static_assert(sizeof(vg_src) == 8, "vg_src has padding");
_Static_assert(sizeof(vg_actor) == 20, "vg_actor has padding");
_Static_assert(sizeof(vg_agent) == 16, "vg_agent has padding");
_Static_assert(sizeof(vg_vcode) == 12, "vg_vcode has padding");
_Static_assert(sizeof(vg_pattern) == 48, "vg_pattern has padding");
_Static_assert(sizeof(vg_vblock) == 36, "vg_vblock has padding");
_Static_assert(sizeof(vg_verbform) == 28, "vg_verbform has padding");
_Static_assert(sizeof(vg_issue) == 20, "vg_issue has padding");
_Static_assert(sizeof(vg_issue_cat) == 12, "vg_issue_cat has padding");
_Static_assert(sizeof(vg_entry) == 32, "vg_entry has padding");
_Static_assert(sizeof(vg_synset) == 16, "vg_synset has padding");
_Static_assert(sizeof(vg_label) == 8, "vg_label has padding");
_Static_assert(sizeof(vg_source) == 48, "vg_source has padding");
_Static_assert(sizeof(vg_dmsg) == 8, "vg_dmsg has padding");
_Static_assert(sizeof(vg_wkey) == 12, "vg_wkey has padding");
_Static_assert(sizeof(vg_codeby) == sizeof(int32_t), "options are written as 32-bit fields");
_Static_assert(sizeof(int) == sizeof(int32_t), "options are written as 32-bit fields");

/* ---- helpers ---- */

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* A fast 64-bit checksum: position-weighted sums of 64-bit words
 * (Fletcher's scheme, modulo 2^64) in four lanes, which the compiler can
 * vectorise, then mixed.  It catches truncation, changed, swapped and
 * shifted words; it is no defence against a forger (the reader checks
 * every index anyway). */

typedef uint64_t vu64 __attribute__((vector_size(16)));

static uint64_t checksum(const unsigned char *p, size_t n)
{
    vu64 a0 = { 1, 2 }, a1 = { 3, 4 }, b0 = { 0, 0 }, b1 = { 0, 0 };
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        vu64 w0, w1;
        memcpy(&w0, p + i, 16);
        memcpy(&w1, p + i + 16, 16);
        a0 += w0;
        a1 += w1;
        b0 += a0;
        b1 += a1;
    }
    uint64_t lanes[8] = { a0[0], a0[1], a1[0], a1[1], b0[0], b0[1], b1[0], b1[1] };
    uint64_t h = (uint64_t)n * 0x9E3779B185EBCA87ULL;
    for (int k = 0; k < 8; k++) {
        h = (h ^ lanes[k]) * 0xC2B2AE3D27D4EB4FULL;
        h = rotl(h, 29) * 0x9E3779B185EBCA87ULL;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001B3ULL;
    h ^= h >> 33;
    h *= 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    return h;
}


/* The records' layout: sizes and field offsets, and the options. */
static uint32_t layout_digest(void)
{
    static const size_t v[] = {
        sizeof(vg_elem), offsetof(vg_elem, synset), offsetof(vg_elem, len),
        offsetof(vg_elem, type), offsetof(vg_elem, endings),
        sizeof(vg_phrase), offsetof(vg_phrase, n), sizeof(vg_dated),
        offsetof(vg_dated, codes), offsetof(vg_dated, special), sizeof(vg_actor),
        offsetof(vg_actor, parent), sizeof(vg_agent), offsetof(vg_agent, src),
        sizeof(vg_vcode), offsetof(vg_vcode, special), sizeof(vg_pattern),
        offsetof(vg_pattern, lit), offsetof(vg_pattern, code), offsetof(vg_pattern, block),
        offsetof(vg_pattern, src), sizeof(vg_vblock), offsetof(vg_vblock, pat),
        offsetof(vg_vblock, kind), sizeof(vg_verbform), offsetof(vg_verbform, verb_word),
        sizeof(vg_issue), offsetof(vg_issue, ignore), sizeof(vg_issue_cat),
        sizeof(vg_entry), offsetof(vg_entry, kind), offsetof(vg_entry, ref),
        offsetof(vg_entry, seq), offsetof(vg_entry, text), sizeof(vg_synset),
        offsetof(vg_synset, weight), sizeof(vg_label), sizeof(vg_source),
        offsetof(vg_source, size), offsetof(vg_source, digest), sizeof(vg_dmsg),
        sizeof(vg_wkey), offsetof(vg_wkey, len), VG_IMAGE_VERSION, META_VERSION,
    };
    uint64_t h = VG_HASH_INIT;
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        for (int k = 0; k < 4; k++) h = vg_hash_step(h, (unsigned char)(v[i] >> (8 * k)));
    return (uint32_t)(h ^ (h >> 32));
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}



bool vg_dict_adopt(vg_dict *d, vg_dict *img)
{
    if (d->entries.n || d->files.n || d->patterns.n || d->synsets.n || d->map ||
        d->strs.n > 1) {
        vg_dict_free(img);
        return false;
    }
    free(d->strs.v);
    vg_strmap_free(&d->synset_names);
    vg_strmap_free(&d->str_ids);
    *d = *img;
    free(img);
    return true;
}

/* ---- the options, field by field ---- */

enum { F_INT, F_BOOL, F_STR };
typedef struct opt_field { size_t off, size; int kind; } opt_field;
#define OI(f) { offsetof(vg_options, f), sizeof(((vg_options *)0)->f), F_INT }
#define OB(f) { offsetof(vg_options, f), sizeof(((vg_options *)0)->f), F_BOOL }
#define OS(f) { offsetof(vg_options, f), sizeof(((vg_options *)0)->f), F_STR }
static const opt_field opt_fields[] = {
    OI(code_by), OI(min_words), OB(comma_off), OI(comma_min), OI(comma_max), OI(comma_emin),
    OI(comma_emax), OI(comma_bmin), OI(comma_bmax), OI(cx_verbs), OI(cx_actors),
    OI(cx_pronouns), OI(cx_conj), OI(cx_comma), OI(cx_lateverb), OB(cx_noactprior),
    OB(cx_noactafter), OB(cx_noverb), OB(cx_nosource), OB(cx_notarget), OB(cx_noevent),
    OB(cx_explain), OS(def_source), OS(def_target), OB(def_prior), OB(def_after),
    OB(convert_agents), OB(agent_dashes), OI(time_shift), OB(yyyy), OB(fbis), OB(forward),
    OS(fwd_format), OI(nonevents), OB(label), OB(tabari_compat), OB(use_tagger),
    OB(require_dyad),
};
#define NOPT (sizeof opt_fields / sizeof *opt_fields)

/* The meta section: u32 META_VERSION, u32 NOPT, then per field an i32 or a
 * string in its array's size (padded to 4), then u32 has_time,
 * dup_warning, maxlen, lit_maxlen, key, u32 0, i64 created_ns. */
static void put_u32(vg_buf *b, uint32_t v) { vg_buf_putn(b, (const char *)&v, 4); }

static void write_meta(const vg_dict *d, const char *key_unused, vg_str key, vg_buf *b)
{
    (void)key_unused;
    put_u32(b, META_VERSION);
    put_u32(b, (uint32_t)NOPT);
    const char *o = (const char *)&d->opt;
    for (size_t i = 0; i < NOPT; i++) {
        const opt_field *f = &opt_fields[i];
        if (f->kind == F_STR) {
            size_t pad = (f->size + 3) / 4 * 4;
            size_t at = b->len;
            vg_buf_putn(b, o + f->off, f->size);
            while (b->len < at + pad) vg_buf_putc(b, 0);
            continue;
        }
        int32_t v = 0;
        if (f->kind == F_BOOL) v = *(const bool *)(const void *)(o + f->off);
        else memcpy(&v, o + f->off, sizeof v);    /* int and enum fields */
        put_u32(b, (uint32_t)v);
    }
    put_u32(b, d->has_time);
    put_u32(b, d->dup_warning);
    put_u32(b, d->ix.maxlen);
    put_u32(b, d->ix.lit_maxlen);
    put_u32(b, key);
    put_u32(b, 0);
    int64_t t = d->sources.n ? now_ns() : 0;   /* images without sources are reproducible */
    vg_buf_putn(b, (const char *)&t, 8);
}

static size_t meta_size(void)
{
    size_t n = 8;
    for (size_t i = 0; i < NOPT; i++)
        n += opt_fields[i].kind == F_STR ? (opt_fields[i].size + 3) / 4 * 4 : 4;
    return n + 24 + 8;
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Reads the meta section into d; NULL or why it is bad. */
static const char *read_meta(vg_dict *d, const unsigned char *p, size_t n, vg_str *key,
                             int64_t *created)
{
    if (n != meta_size() || get_u32(p) != META_VERSION || get_u32(p + 4) != NOPT)
        return "bad options section";
    vg_options_default(&d->opt);
    char *o = (char *)&d->opt;
    size_t at = 8;
    for (size_t i = 0; i < NOPT; i++) {
        const opt_field *f = &opt_fields[i];
        if (f->kind == F_STR) {
            if (!memchr(p + at, '\0', f->size)) return "unterminated string in options";
            memcpy(o + f->off, p + at, f->size);
            at += (f->size + 3) / 4 * 4;
            continue;
        }
        int32_t v = (int32_t)get_u32(p + at);
        at += 4;
        if (f->kind == F_BOOL) {
            if (v != 0 && v != 1) return "bad flag in options";
            *(bool *)(void *)(o + f->off) = v != 0;
        } else if (f->off == offsetof(vg_options, code_by)) {
            if (v < 0 || v > VG_CODEBY_ALL) return "bad code_by in options";
            d->opt.code_by = (vg_codeby)v;
        } else {
            memcpy(o + f->off, &v, sizeof v);
        }
    }
    uint32_t ht = get_u32(p + at), dw = get_u32(p + at + 4);
    if (ht > 1 || dw > 1) return "bad flag in options";
    d->has_time = ht;
    d->dup_warning = dw;
    d->ix.maxlen = get_u32(p + at + 8);
    d->ix.lit_maxlen = get_u32(p + at + 12);
    *key = get_u32(p + at + 16);
    memcpy(created, p + at + 24, 8);
    return NULL;
}

/* ---- writing ---- */

void vg_dict_image_seal(void *data, size_t len)
{
    unsigned char *h = data;
    if (len < HEADER) return;
    uint64_t size = len, sum = checksum(h + HEADER, len - HEADER);
    memcpy(h + 24, &size, 8);
    memcpy(h + 32, &sum, 8);
}

typedef struct wsec { uint32_t id, elemsize; const void *data; uint64_t count; } wsec;

#define WSEC_D_(id, name, T) { id, sizeof(T), tmp.name.v, tmp.name.n },
#define WSEC_I_(id, name, T) { id, sizeof(T), ix->name.v, ix->name.n },

void vg_dict_image_write(const vg_dict *d, const char *key, vg_buf *out)
{
    /* the key goes into the string table: a copy with one more string */
    vg_dict tmp = *d;
    vg_vec_char strs = {0};
    vg_vec_reserve(&strs, d->strs.n + (key ? strlen(key) : 0) + 2);
    if (d->strs.n) memcpy(strs.v, d->strs.v, d->strs.n);
    strs.n = d->strs.n;
    if (!strs.n) strs.v[strs.n++] = '\0';
    vg_str kstr = 0;
    if (key && *key) {
        kstr = (vg_str)strs.n;
        memcpy(strs.v + strs.n, key, strlen(key) + 1);
        strs.n += strlen(key) + 1;
    }
    tmp.strs = strs;
    const vg_dict_index *ix = &d->ix;
    wsec secs[] = { VG_DICT_ARRAYS(WSEC_D_) VG_INDEX_ARRAYS(WSEC_I_) };
    size_t ns = sizeof secs / sizeof *secs;
    vg_buf meta = {0};
    write_meta(d, key, kstr, &meta);
    size_t at = HEADER + (ns + 1) * SECTION;
    at = (at + 7) & ~(size_t)7;
    size_t start = out->len;
    vg_buf_reserve(out, at);
    /* header and table, filled in below */
    vg_buf_putn(out, MAGIC, 8);
    while (out->len < start + at) vg_buf_putc(out, 0);
    uint64_t offs[sizeof secs / sizeof *secs + 1];
    for (size_t i = 0; i <= ns; i++) {
        const void *data = i < ns ? secs[i].data : meta.s;
        size_t bytes = i < ns ? secs[i].elemsize * secs[i].count : meta.len;
        offs[i] = out->len - start;
        if (bytes) vg_buf_putn(out, data, bytes);
        while ((out->len - start) % 8) vg_buf_putc(out, 0);
    }
    unsigned char *h = (unsigned char *)out->s + start;
    uint32_t v32 = BOM;
    memcpy(h + 8, &v32, 4);
    v32 = VG_IMAGE_VERSION;
    memcpy(h + 12, &v32, 4);
    v32 = layout_digest();
    memcpy(h + 16, &v32, 4);
    v32 = (uint32_t)(ns + 1);
    memcpy(h + 20, &v32, 4);
    v32 = d->defaults ? 1 : 0;
    memcpy(h + 40, &v32, 4);
    uint64_t size = out->len - start;
    memcpy(h + 24, &size, 8);
    for (size_t i = 0; i <= ns; i++) {
        unsigned char *e = h + HEADER + i * SECTION;
        uint32_t id = i < ns ? secs[i].id : SEC_META, es = i < ns ? secs[i].elemsize : 1;
        uint64_t count = i < ns ? secs[i].count : meta.len;
        memcpy(e, &id, 4);
        memcpy(e + 4, &es, 4);
        memcpy(e + 8, &offs[i], 8);
        memcpy(e + 16, &count, 8);
    }
    vg_dict_image_seal(h, size);
    vg_buf_free(&meta);
    free(strs.v);
}

/* ---- checking ---- */

#define BAD(...) do { snprintf(why, whysz, __VA_ARGS__); return false; } while (0)

/* The checks below accumulate a loop's failures in one flag and test it
 * after the loop (no branch per record): an image is read at load, so
 * this is most of the load time that is not touching its pages. */

static bool str_ok(const vg_dict *d, vg_str s) { return s < d->strs.n; }

/* A word is read as len bytes at s (never as a C string). */
static unsigned word_bad(size_t nstrs, const vg_elem *e)
{
    return (e->s == 0) | ((size_t)e->s + e->len >= nstrs) | (e->len == 0);
}

static unsigned elem_bad(const vg_dict *d, const vg_elem *e)
{
    unsigned word = e->type == VG_EL_WORD, syn = e->type == VG_EL_SYNSET;
    return (e->type > VG_EL_VERB) | (e->mode > VG_WM_NOEND) | (e->endings > VG_END_VERB) |
           (word & word_bad(d->strs.n, e)) |
           (syn & ((e->synset < 0) | ((size_t)(uint32_t)e->synset >= d->synsets.n)));
}

static unsigned phrase_bad(const vg_dict *d, const vg_phrase *ph, size_t maxn)
{
    return (ph->n < 1) | (ph->n > maxn) | ((size_t)ph->w + ph->n > d->elems.n);
}

static unsigned src_bad(const vg_dict *d, vg_src s)
{
    return (s.file < -1) | ((s.file >= 0) & ((size_t)(uint32_t)s.file >= d->files.n));
}

static unsigned vcode_bad(const vg_dict *d, const vg_vcode *c)
{
    return (c->code >= d->strs.n) | (c->pair >= d->strs.n) | (c->special > VG_CODE_COMPLEX) |
           (c->flags > 7);
}

/* An index in [0, n) (or -1 when allowed). */
static unsigned ix_bad(int32_t i, size_t n) { return (size_t)(uint32_t)i >= n; }
static unsigned ix1_bad(int32_t i, size_t n) { return (i < -1) | ((i >= 0) & ((size_t)(uint32_t)i >= n)); }

/* Ranges at[0..nkeys] start at 0, never decrease and end at nitems. */
static unsigned ranges_bad(const vg_vec_uint32_t *at, size_t nkeys, size_t nitems)
{
    if (at->n != nkeys + 1) return 1;
    unsigned bad = (at->v[0] != 0) | (at->v[nkeys] != nitems);
    for (size_t k = 0; k < nkeys; k++) bad |= at->v[k] > at->v[k + 1];
    return bad;
}

/* A word table: its slots, keys and bucket ranges over n items. */
static bool wtab_ok(const vg_dict *d, const vg_vec_uint32_t *slots, const vg_vec_vg_wkey *keys,
                    const vg_vec_uint32_t *at, size_t nitems, size_t maxlen)
{
    size_t cap = slots->n, empty = 0;
    if (keys->n && (cap < 2 || (cap & (cap - 1)))) return false;
    unsigned bad = 0;
    for (size_t i = 0; i < cap; i++) {
        empty += slots->v[i] == 0;
        bad |= slots->v[i] > keys->n;
    }
    if (cap && !empty) return false;
    for (size_t k = 0; k < keys->n; k++) {
        const vg_wkey *w = &keys->v[k];
        bad |= (w->s == 0) | ((size_t)w->s + w->len >= d->strs.n) | (w->len > maxlen);
    }
    return !bad && !ranges_bad(at, keys->n, nitems);
}

/* Every offset and index a coder follows stays inside the image. */
static bool check_dict(const vg_dict *d, char *why, size_t whysz)
{
    const vg_dict_index *ix = &d->ix;
    size_t nstrs = d->strs.n;
    unsigned bad = 0;
    if (!nstrs || d->strs.v[0] != '\0' || d->strs.v[nstrs - 1] != '\0') BAD("bad string table");
    for (size_t i = 0; i < d->elems.n; i++) bad |= elem_bad(d, &d->elems.v[i]);
    if (bad) BAD("bad phrase element");
    for (size_t i = 0; i < d->files.n; i++) bad |= (d->files.v[i] == 0) | (d->files.v[i] >= nstrs);
    for (size_t i = 0; i < d->codelist.n; i++)
        bad |= (d->codelist.v[i] == 0) | (d->codelist.v[i] >= nstrs);
    if (bad) BAD("bad file name or code");
    for (size_t i = 0; i < d->dated.n; i++) {
        const vg_dated *x = &d->dated.v[i];
        bad |= ((size_t)x->codes + x->ncodes > d->codelist.n) | (x->special > VG_CODE_COMPLEX) |
               (x->has_date > 1) | ((x->special == 0) & (x->ncodes == 0));
    }
    if (bad) BAD("bad actor code");
    for (size_t i = 0; i < d->actors.n; i++) {
        const vg_actor *a = &d->actors.v[i];
        bad |= ((size_t)a->dated + a->ndated > d->dated.n) | ix1_bad(a->parent, d->entries.n) |
               src_bad(d, a->src);
    }
    if (bad) BAD("bad actor");
    for (size_t i = 0; i < d->agents.n; i++) {
        const vg_agent *g = &d->agents.v[i];
        bad |= (g->code == 0) | (g->code >= nstrs) | (g->prefix > 1) | src_bad(d, g->src);
    }
    if (bad) BAD("bad agent");
    for (size_t i = 0; i < d->patterns.n; i++) {
        const vg_pattern *p = &d->patterns.v[i];
        if ((p->n < 1) | (p->n > 64) | ((size_t)p->e + p->n > d->elems.n) | (p->verb >= p->n) |
            ((size_t)p->lit + p->nlit + p->nsyn > ix->pat_lits.n))
            BAD("bad pattern %zu", i);
        const vg_elem *e = d->elems.v + p->e;
        bad |= vcode_bad(d, &p->code) | ix_bad(p->block, d->blocks.n) | (p->text == 0) |
               (p->text >= nstrs) | src_bad(d, p->src) | (e[p->verb].type != VG_EL_VERB);
        unsigned verbs = 0;
        for (uint16_t k = 0; k < p->n; k++) verbs += e[k].type == VG_EL_VERB;
        bad |= verbs != 1;
        const uint32_t *l = ix->pat_lits.v + p->lit;
        for (uint16_t k = 0; k < p->nlit; k++) bad |= l[k] >= ix->lits.n;
        for (uint16_t k = p->nlit; k < p->nlit + p->nsyn; k++) bad |= l[k] >= d->synsets.n;
    }
    if (bad) BAD("bad pattern");
    for (size_t i = 0; i < d->blocks.n; i++) {
        const vg_vblock *b = &d->blocks.v[i];
        bad |= ((size_t)b->pat + b->npat > d->patterns.n) | vcode_bad(d, &b->code) |
               (b->kind > VG_VK_NOUN_EVENT) | (b->name >= nstrs) | src_bad(d, b->src);
    }
    if (bad) BAD("bad verb block");
    for (size_t i = 0; i < d->verbforms.n; i++) {
        const vg_verbform *v = &d->verbforms.v[i];
        bad |= ix_bad(v->block, d->blocks.n) | vcode_bad(d, &v->code) | (v->verb_word < -1) |
               (v->verb_word > 32) | src_bad(d, v->src);
    }
    if (bad) BAD("bad verb form");
    for (size_t i = 0; i < d->synsets.n; i++) {
        const vg_synset *y = &d->synsets.v[i];
        bad |= ((size_t)y->members + y->nmembers > d->synmem.n) | (y->name == 0) |
               (y->name >= nstrs) |
               (y->plurals > 1);
    }
    for (size_t i = 0; i < d->synmem.n; i++) bad |= phrase_bad(d, &d->synmem.v[i], 256);
    if (bad) BAD("bad synset");
    for (size_t i = 0; i < d->issue_cats.n; i++) {
        const vg_issue_cat *c = &d->issue_cats.v[i];
        bad |= (c->name >= nstrs) | (c->deflt >= nstrs) | (c->all > 1) | (c->numeric > 1);
    }
    for (size_t i = 0; i < d->issues.n; i++) {
        const vg_issue *y = &d->issues.v[i];
        bad |= (y->code >= nstrs) | ix1_bad(y->category, d->issue_cats.n) | (y->ignore > 2) |
               ((y->code == 0) & (y->ignore == 0)) | src_bad(d, y->src);
    }
    if (bad) BAD("bad issue");
    for (size_t i = 0; i < d->entries.n; i++) {
        const vg_entry *e = &d->entries.v[i];
        if (phrase_bad(d, &e->ph, 32)) BAD("bad entry %zu", i);
        const vg_elem *w = vg_phrase_elems(d, &e->ph);
        for (uint16_t k = 0; k < e->ph.n; k++) bad |= w[k].type != VG_EL_WORD;
        size_t lim = e->kind == VG_PK_ACTOR ? d->actors.n : e->kind == VG_PK_AGENT ? d->agents.n :
                     e->kind == VG_PK_VERB ? d->verbforms.n : e->kind == VG_PK_ISSUE ? d->issues.n
                                                                              : SIZE_MAX;
        bad |= (e->kind > VG_PK_ISSUE) | (e->story > 1) | (e->text == 0) | (e->text >= nstrs) |
               src_bad(d, e->src) | ((lim != SIZE_MAX) & ix_bad(e->ref, lim));
    }
    if (bad) BAD("bad entry");
    for (size_t i = 0; i < d->labels.n; i++)
        bad |= (d->labels.v[i].code >= nstrs) | (d->labels.v[i].text >= nstrs);
    for (size_t i = 0; i < d->sources.n; i++)
        bad |= (d->sources.v[i].path == 0) | (d->sources.v[i].path >= nstrs) |
               (d->sources.v[i].missing > 1);
    for (size_t i = 0; i < d->msgs.n; i++)
        bad |= (d->msgs.v[i].text == 0) | (d->msgs.v[i].text >= nstrs) |
               (d->msgs.v[i].level > VG_DIAG_ERROR);
    if (bad) BAD("bad label, source or message");
    /* the index */
    if (!wtab_ok(d, &ix->first_slots, &ix->first_keys, &ix->bucket_at, ix->items.n, ix->maxlen))
        BAD("bad first-word index");
    for (size_t i = 0; i < ix->items.n; i++) bad |= ix_bad(ix->items.v[i], d->entries.n);
    if (bad) BAD("bad first-word index");
    for (size_t i = 0; i < ix->lits.n; i++)
        bad |= (ix->lits.v[i].type != VG_EL_WORD) | elem_bad(d, &ix->lits.v[i]) |
               (ix->lits.v[i].len > ix->lit_maxlen);
    if (bad) BAD("bad literal");
    if (!wtab_ok(d, &ix->lit_slots, &ix->lit_keys, &ix->lit_at, ix->lit_items.n, ix->lit_maxlen))
        BAD("bad literal index");
    for (size_t i = 0; i < ix->lit_items.n; i++) bad |= ix_bad(ix->lit_items.v[i], ix->lits.n);
    if (bad) BAD("bad literal index");
    if (ix->pat_mask.n != 2 * d->patterns.n || ix->ent_mask.n != 2 * d->entries.n)
        BAD("bad literal masks");
    if (ranges_bad(&ix->syn_at, d->synsets.n, ix->syn_first.n)) BAD("bad synset index");
    for (size_t y = 0; y < d->synsets.n; y++)
        bad |= ix->syn_at.v[y + 1] - ix->syn_at.v[y] != d->synsets.v[y].nmembers;
    for (size_t i = 0; i < ix->syn_first.n; i++)
        bad |= (ix->syn_first.v[i] != UINT32_MAX) & (ix->syn_first.v[i] >= ix->lits.n);
    if (bad) BAD("bad synset index");
    if (ranges_bad(&ix->ent_at, d->entries.n, ix->ent_lits.n)) BAD("bad entry index");
    for (size_t i = 0; i < ix->ent_lits.n; i++) bad |= ix->ent_lits.v[i] >= ix->lits.n;
    if (bad) BAD("bad entry index");
    return true;
}

/* ---- opening ---- */

/* The section table, by id. */
typedef struct rsec { uint64_t off, count; uint32_t elemsize; bool seen, used; } rsec;
#define MAXID 128

/* Points array field name of d at its section. */
#define TAKE_(id, name, T) \
    if (!tab[id].seen) { snprintf(why, whysz, "section %u missing", (unsigned)id); goto fail; } \
    if (tab[id].elemsize != sizeof(T)) { \
        snprintf(why, whysz, "section %u: bad record size", (unsigned)id); goto fail; } \
    tab[id].used = true; \
    DST_->name.v = tab[id].count ? (T *)(uintptr_t)(p + tab[id].off) : NULL; \
    DST_->name.n = (size_t)tab[id].count; \
    DST_->name.cap = 0;

vg_dict *vg_dict_image_open(const void *data, size_t len, char *err, size_t errsz)
{
    const unsigned char *p = data;
    char why[160] = "";
    size_t whysz = sizeof why;
    vg_dict *d = NULL;
    if (!p || len < HEADER) { snprintf(why, whysz, "truncated (%zu bytes)", len); goto fail; }
    if (memcmp(p, MAGIC, 8) != 0) { snprintf(why, whysz, "not a dictionary image"); goto fail; }
    uint32_t bom = get_u32(p + 8);
    if (bom != BOM) {
        snprintf(why, whysz, bom == 0x04030201u ? "written on a machine of the other byte order"
                                                : "bad byte order mark");
        goto fail;
    }
    if (get_u32(p + 12) != VG_IMAGE_VERSION) {
        snprintf(why, whysz, "format version %u, this Vigil reads %u", get_u32(p + 12),
                 VG_IMAGE_VERSION);
        goto fail;
    }
    if (get_u32(p + 16) != layout_digest()) {
        snprintf(why, whysz, "written by a build with another record layout");
        goto fail;
    }
    if ((uintptr_t)p % 8) { snprintf(why, whysz, "misaligned in memory"); goto fail; }
    uint64_t size, sum;
    memcpy(&size, p + 24, 8);
    memcpy(&sum, p + 32, 8);
    if (size != len) {
        snprintf(why, whysz, "%zu bytes, its header says %llu (truncated?)", len,
                 (unsigned long long)size);
        goto fail;
    }
    uint32_t ns = get_u32(p + 20);
    if (ns > 256 || HEADER + (size_t)ns * SECTION > len) {
        snprintf(why, whysz, "bad section table");
        goto fail;
    }
    if (checksum(p + HEADER, len - HEADER) != sum) {
        snprintf(why, whysz, "checksum mismatch (corrupt)");
        goto fail;
    }
    rsec tab[MAXID + 1];
    memset(tab, 0, sizeof tab);
    for (uint32_t i = 0; i < ns; i++) {
        const unsigned char *e = p + HEADER + (size_t)i * SECTION;
        uint32_t id = get_u32(e), es = get_u32(e + 4);
        uint64_t off, count;
        memcpy(&off, e + 8, 8);
        memcpy(&count, e + 16, 8);
        if (id > MAXID) { snprintf(why, whysz, "unknown section %u", id); goto fail; }
        if (off % 8 || off < HEADER + (uint64_t)ns * SECTION || off > len || es == 0 ||
            count > (len - off) / es) {
            snprintf(why, whysz, "section %u out of bounds", id);
            goto fail;
        }
        if (tab[id].seen) { snprintf(why, whysz, "section %u twice", id); goto fail; }
        tab[id] = (rsec){ off, count, es, true, false };
    }
    d = vg_calloc(1, sizeof *d);
#define DST_ d
    VG_DICT_ARRAYS(TAKE_)
#undef DST_
#define DST_ (&d->ix)
    VG_INDEX_ARRAYS(TAKE_)
#undef DST_
    if (!tab[SEC_META].seen || tab[SEC_META].elemsize != 1) {
        snprintf(why, whysz, "options section missing");
        goto fail;
    }
    tab[SEC_META].used = true;
    for (uint32_t id = 0; id <= MAXID; id++)
        if (tab[id].seen && !tab[id].used) { snprintf(why, whysz, "unknown section %u", id); goto fail; }
    const unsigned char *meta = p + tab[SEC_META].off;
    size_t meta_len = (size_t)tab[SEC_META].count;
    vg_str key;
    int64_t created;
    const char *mw = read_meta(d, meta, meta_len, &key, &created);
    if (mw) { snprintf(why, whysz, "%s", mw); goto fail; }
    if (!check_dict(d, why, whysz)) goto fail;
    if (!str_ok(d, key)) { snprintf(why, whysz, "bad key"); goto fail; }
    d->compiled = true;
    d->defaults = get_u32(p + 40) & 1;
    d->map = vg_calloc(1, sizeof *d->map);
    d->map->key = key;
    d->map->created_ns = created;
    return d;
fail:
    if (d) {
        /* nothing is owned yet: the arrays point into the data */
        free(d);
    }
    if (err && errsz) snprintf(err, errsz, "%s", why);
    return NULL;
}

void vg_dict_image_prefault(const void *data, size_t len)
{
#ifdef MADV_POPULATE_READ
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || !data || !len) return;
    uintptr_t lo = (uintptr_t)data & ~((uintptr_t)page - 1);
    uintptr_t hi = ((uintptr_t)data + len + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    madvise((void *)lo, hi - lo, MADV_POPULATE_READ);   /* a hint: failure is harmless */
#else
    (void)data;
    (void)len;
#endif
}

vg_dict *vg_dict_image_map(const char *path, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsz, "not a regular file");
        close(fd);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    if (len < HEADER) {
        close(fd);
        snprintf(err, errsz, "truncated (%zu bytes)", len);
        return NULL;
    }
    void *addr = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (addr == MAP_FAILED) {
        snprintf(err, errsz, "cannot map: %s", strerror(errno));
        return NULL;
    }
    vg_dict *d = vg_dict_image_open(addr, len, err, errsz);
    if (!d) {
        munmap(addr, len);
        return NULL;
    }
    d->map->addr = addr;
    d->map->len = len;
    return d;
}

bool vg_dict_image_is_defaults(const char *path)
{
    unsigned char h[HEADER];
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool ok = fread(h, 1, HEADER, f) == HEADER && !memcmp(h, MAGIC, 8) && get_u32(h + 8) == BOM &&
              (get_u32(h + 40) & 1);
    fclose(f);
    return ok;
}


const char *vg_dict_image_key(const vg_dict *d)
{
    const char *k = d->map ? vg_dict_str(d, d->map->key) : NULL;
    return k ? k : "";
}

/* ---- staleness ---- */

bool vg_dict_image_fresh(const vg_dict *d, char *why, size_t whysz)
{
    int64_t created = d->map ? d->map->created_ns : 0;
    for (size_t i = 0; i < d->sources.n; i++) {
        const vg_source *s = &d->sources.v[i];
        const char *path = vg_dict_str(d, s->path);
        struct stat st;
        bool there = stat(path, &st) == 0;
        if (s->missing) {
            if (there) BAD("%s now exists", path);
            continue;
        }
        if (!there) BAD("%s is gone", path);
        if ((int64_t)st.st_size != s->size) BAD("%s changed", path);
        /* same size, time and file, and older than the image by more than
         * a file system's time granularity: unchanged; otherwise compare
         * the contents */
        if (vg_stat_mtime_ns(&st) == s->mtime_ns && (uint64_t)st.st_ino == s->ino &&
            s->mtime_ns < created - 2000000000LL)
            continue;
        size_t len;
        char *text = vg_read_file(path, &len);
        if (!text) BAD("%s cannot be read", path);
        uint8_t dg[16];
        vg_dict_digest(text, len, dg);
        free(text);
        if (memcmp(dg, s->digest, 16)) BAD("%s changed", path);
    }
    return true;
}

void vg_dict_image_replay(const vg_dict *d, vg_diag *diag)
{
    if (!diag) return;
    for (size_t i = 0; i < d->msgs.n; i++) {
        vg_diag_msg m = { (vg_diag_level)d->msgs.v[i].level,
                          vg_strdup(vg_dict_str(d, d->msgs.v[i].text)) };
        vg_vec_push(&diag->msgs, m);
        if (m.level == VG_DIAG_ERROR) diag->errors++;
        else diag->warnings++;
        if (diag->echo)
            fprintf(diag->echo, "%s: %s\n", m.level == VG_DIAG_ERROR ? "error" : "warning", m.text);
    }
}
