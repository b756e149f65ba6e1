/* tagger.c -- averaged-perceptron part-of-speech tagger; see tagger.h and
 * docs/tagger.md (features, model format). */
#include "tagger.h"
#include "util.h"
#include "embedded.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- tag names ---- */

static const char *const pos_names[VG_POS_COUNT] = {
    "NN", "NNS", "NNP", "NNPS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ",
    "MD", "JJ", "RB", "DT", "IN", "CC", "PRP", "PRP$", "CD", "TO", "WDT",
    "WP", "WRB", "POS", "RP", "EX", "UH", "SYM", ",", ".", ":", "\"",
};

const char *vg_pos_name(int tag)
{
    return tag >= 0 && tag < VG_POS_COUNT ? pos_names[tag] : "?";
}

int vg_pos_from_name(const char *name)
{
    for (int i = 0; i < VG_POS_COUNT; i++)
        if (strcmp(pos_names[i], name) == 0) return i;
    return -1;
}

/* ---- hashing ---- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_str(uint64_t seed, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h = mix64(h);
    return h ? h : 1;  /* 0 marks empty dictionary slots */
}

/* Feature key of template tpl with value v; never 0 (0 marks empty slots). */
static uint64_t feat_key(unsigned tpl, uint64_t v)
{
    uint64_t h = mix64(v + (uint64_t)tpl * 0x9e3779b97f4a7c15ULL);
    return h ? h : 1;
}

/* ---- token reduction ---- */

enum {
    SHAPE_CAP = 1,      /* first letter upper case */
    SHAPE_ALLCAPS = 2,  /* two or more letters, none lower case */
    SHAPE_DIGIT = 4,    /* contains a digit */
    SHAPE_HYPHEN = 8,   /* contains '-' */
    SHAPE_POSS = 16,    /* possessive 's or s' stripped */
    SHAPE_FIRST = 32,   /* first word of the sentence */
    SHAPE_NOALPHA = 64, /* no ASCII letter */
    SHAPE_OTHER = 128,  /* contains a byte that is not alnum, '-' or '\'' */
};

enum { CASE_ASIS, CASE_LOWER, CASE_TITLE };
#define TOK_MAX 96  /* longer tokens keep their first and last 48 bytes */

static int lower(int c) { return vg_isupper(c) ? c + 32 : c; }

/* Appends w[from..to) to buf at n with U+2019 folded to '\'', recased
 * per mode; returns the new length. */
static size_t tok_copy_range(char *buf, size_t n, const char *w, size_t from, size_t to,
                             int mode)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c == 0xe2 && i + 2 < to && (unsigned char)w[i + 1] == 0x80 &&
            (unsigned char)w[i + 2] == 0x99) {
            buf[n++] = '\'';
            i += 2;
            continue;
        }
        if (mode == CASE_LOWER || (mode == CASE_TITLE && n > 0)) c = (unsigned char)lower(c);
        else if (mode == CASE_TITLE) c = (unsigned char)vg_toupper(c);
        buf[n++] = (char)c;
    }
    return n;
}

/* Copies w into buf (TOK_MAX bytes); see tok_copy_range. */
static size_t tok_copy(char *buf, const char *w, size_t len, int mode)
{
    if (len <= TOK_MAX) return tok_copy_range(buf, 0, w, 0, len, mode);
    size_t n = tok_copy_range(buf, 0, w, 0, TOK_MAX / 2, mode);
    return tok_copy_range(buf, n, w, len - TOK_MAX / 2, len, mode);
}

/* Length of s without a possessive ending ('s or s'), or n if none. */
static size_t poss_stem(const char *s, size_t n)
{
    if (n > 2 && s[n - 2] == '\'' && lower(s[n - 1]) == 's') return n - 2;
    if (n > 2 && s[n - 1] == '\'' && lower(s[n - 2]) == 's') return n - 1;
    return n;
}

uint64_t vg_tagger_lower_hash(const char *w, size_t len)
{
    char buf[TOK_MAX];
    size_t n = tok_copy(buf, w, len, CASE_LOWER);
    return hash_str(7, buf, poss_stem(buf, n));
}

static unsigned shape_of(const char *s, size_t n, size_t stem, bool first)
{
    unsigned sh = first ? SHAPE_FIRST : 0;
    size_t letters = 0, uppers = 0;
    if (stem < n) sh |= SHAPE_POSS;
    for (size_t i = 0; i < stem; i++) {
        int c = (unsigned char)s[i];
        if (vg_isalpha(c)) {
            letters++;
            if (vg_isupper(c)) uppers++;
            if (letters == 1 && vg_isupper(c)) sh |= SHAPE_CAP;
        } else if (vg_isdigit(c)) sh |= SHAPE_DIGIT;
        else if (c == '-') sh |= SHAPE_HYPHEN;
        else if (c != '\'') sh |= SHAPE_OTHER;
    }
    if (!letters) sh |= SHAPE_NOALPHA;
    if (letters >= 2 && uppers == letters) sh |= SHAPE_ALLCAPS;
    return sh;
}

/* Normalised word hash: years and numbers collapse to one class each. */
static uint64_t word_hash(const char *s, size_t n)
{
    if (n > 0 && vg_isdigit((unsigned char)s[0])) {
        bool alld = true;
        for (size_t i = 0; i < n; i++) alld = alld && vg_isdigit((unsigned char)s[i]);
        return hash_str(1, alld && n == 4 ? "!YEAR" : "!DIGITS", alld && n == 4 ? 5 : 7);
    }
    return hash_str(1, s, n);
}

/* Recasing of a token in an all-caps sentence. */
static bool lex_has(const vg_tagger *t, uint64_t key);

/* Known lower-case words are lower-cased, other words title-cased, except
 * short unknown words, which stay as acronyms ("UN", "EU"), and "US". */
static int caps_mode(const vg_tagger *t, const char *w, size_t len, bool first)
{
    if (len == 2 && w[0] == 'U' && w[1] == 'S') return CASE_ASIS;
    if (t && lex_has(t, vg_tagger_lower_hash(w, len))) return first ? CASE_TITLE : CASE_LOWER;
    return len <= 3 ? CASE_ASIS : CASE_TITLE;
}

void vg_tagger_tok_init(const vg_tagger *t, vg_tagger_tok *tk,
                        const char *w, size_t len, bool first, bool caps)
{
    char buf[TOK_MAX], lo[TOK_MAX];
    size_t n = tok_copy(buf, w, len, caps ? caps_mode(t, w, len, first) : CASE_ASIS);
    for (size_t i = 0; i < n; i++) lo[i] = (char)lower((unsigned char)buf[i]);
    size_t stem = poss_stem(lo, n);
    tk->form = hash_str(2, buf, n);
    tk->word = word_hash(lo, stem);
    tk->ctx = stem < n ? mix64(tk->word + 1) : tk->word;
    tk->shape = shape_of(buf, n, stem, first);
    size_t k1 = stem < 1 ? stem : 1, k2 = stem < 2 ? stem : 2, k3 = stem < 3 ? stem : 3;
    tk->suf3 = hash_str(3, lo + stem - k3, k3);
    tk->affix[0] = hash_str(4, lo + stem - k1, k1);
    tk->affix[1] = hash_str(5, lo + stem - k2, k2);
    tk->affix[2] = hash_str(6, lo, k1);
    tk->affix[3] = hash_str(8, lo, k2);
    tk->affix[4] = hash_str(9, lo, k3);
}

bool vg_tagger_caps_sentence(const char *const *words, const size_t *lens, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < lens[i]; j++) {
            int c = (unsigned char)words[i][j];
            if (vg_islower(c)) return false;
            if (vg_isupper(c)) letters++;
        }
    }
    return letters >= 4;
}

/* ---- features ---- */

enum {
    F_BIAS = 1, F_WORD, F_SUF1, F_SUF2, F_SUF3, F_PRE1, F_PRE2, F_PRE3, F_SHAPE,
    F_P1, F_P2, F_P1P2, F_P1W, F_P1SHAPE, F_W1, F_S1, F_W2, F_N1, F_NS1, F_N2,
    F_NSHAPE, F_PSHAPE,
};

/* Context word of a neighbour, or a boundary marker. */
static uint64_t ctx_of(const vg_tagger_tok *tk, uint64_t edge)
{
    return tk ? tk->ctx : edge;
}

size_t vg_tagger_features(const vg_tagger_tok *tk[5], int p1, int p2, uint64_t *out)
{
    const vg_tagger_tok *c = tk[2];
    uint64_t t1 = (uint64_t)(p1 + 1), t2 = (uint64_t)(p2 + 1);
    size_t n = 0;
    out[n++] = feat_key(F_BIAS, 0);
    out[n++] = feat_key(F_WORD, c->word);
    out[n++] = feat_key(F_SUF1, c->affix[0]);
    out[n++] = feat_key(F_SUF2, c->affix[1]);
    out[n++] = feat_key(F_SUF3, c->suf3);
    out[n++] = feat_key(F_PRE1, c->affix[2]);
    out[n++] = feat_key(F_PRE2, c->affix[3]);
    out[n++] = feat_key(F_PRE3, c->affix[4]);
    out[n++] = feat_key(F_SHAPE, c->shape);
    out[n++] = feat_key(F_P1, t1);
    out[n++] = feat_key(F_P2, t2);
    out[n++] = feat_key(F_P1P2, t1 * 64 + t2);
    out[n++] = feat_key(F_P1W, mix64(c->word + t1));
    out[n++] = feat_key(F_P1SHAPE, t1 * 256 + c->shape);
    out[n++] = feat_key(F_W1, ctx_of(tk[1], 11));
    out[n++] = feat_key(F_S1, tk[1] ? tk[1]->suf3 : 11);
    out[n++] = feat_key(F_W2, ctx_of(tk[0], 12));
    out[n++] = feat_key(F_N1, ctx_of(tk[3], 13));
    out[n++] = feat_key(F_NS1, tk[3] ? tk[3]->suf3 : 13);
    out[n++] = feat_key(F_N2, ctx_of(tk[4], 14));
    out[n++] = feat_key(F_NSHAPE, tk[3] ? tk[3]->shape : 512);
    out[n++] = feat_key(F_PSHAPE, tk[1] ? tk[1]->shape : 512);
    return n;
}

/* ---- model format (docs/tagger.md) ----
 *
 *   0  "VGTAGGER"        magic
 *   8  u32 version       TAGGER_VERSION
 *  12  u32 ntags         VG_POS_COUNT
 *  16  u32 featset       FEATSET: the feature extraction above
 *  20  u32 dict_cap      tag dictionary slots (power of two)
 *  24  u32 lex_cap       caps lexicon slots (power of two)
 *  28  u32 feat_cap      feature slots (power of two)
 *  32  u32 nentries      sparse weights
 *  36  u32 0
 *  40  u64 checksum      of every byte after the header
 *  48  u64 dict_keys[dict_cap]           0 = empty
 *      u32 lex_fp[lex_cap]               0 = empty
 *      {u32 fp, u32 start}[feat_cap + 1] 0 = empty; weights of slot i are
 *                                        entries[start[i] .. start[i+1])
 *      u8  dict_tags[dict_cap]
 *      {u8 tag, i8 weight}[nentries]
 *      zero padding to a multiple of 8
 * All integers little-endian.  Hash tables use linear probing from
 * key & (cap - 1); lexicon and feature slots keep the top 32 bits of the
 * 64-bit key as a fingerprint (never 0). */

#define TAGGER_MAGIC "VGTAGGER"
#define TAGGER_VERSION 1u
#define FEATSET 1u
#define HEADER 48u

typedef struct tslot { uint32_t fp, start; } tslot;

struct vg_tagger {
    unsigned char *mem;            /* owned copy, or NULL (tables in static data) */
    const uint64_t *dict_keys;
    const unsigned char *dict_tags;
    const uint32_t *lex;
    const tslot *slots;
    const unsigned char *entries;  /* tag, weight pairs */
    uint32_t dict_mask, lex_mask, feat_mask, nentries;
};

static uint32_t fingerprint(uint64_t key)
{
    uint32_t fp = (uint32_t)(key >> 32);
    return fp ? fp : 1;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void put32(struct vg_buf *b, uint32_t v)
{
    char x[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
    vg_buf_putn(b, x, 4);
}

static void put64(struct vg_buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

/* Word-at-a-time FNV-style checksum. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) h = (h ^ rd64(p + i)) * 0x100000001b3ULL, h ^= h >> 29;
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return mix64(h);
}

static bool host_le(void)
{
    uint16_t x = 1;
    unsigned char c;
    memcpy(&c, &x, 1);
    return c == 1;
}

static bool lex_has(const vg_tagger *t, uint64_t key)
{
    uint32_t fp = fingerprint(key);
    for (uint32_t i = (uint32_t)key & t->lex_mask;; i = (i + 1) & t->lex_mask) {
        if (t->lex[i] == fp) return true;
        if (!t->lex[i]) return false;
    }
}

static int dict_get(const vg_tagger *t, uint64_t key)
{
    for (uint32_t i = (uint32_t)key & t->dict_mask;; i = (i + 1) & t->dict_mask) {
        if (t->dict_keys[i] == key) return t->dict_tags[i];
        if (!t->dict_keys[i]) return -1;
    }
}

/* Weights of a feature: the slot, or NULL. */
static const tslot *feat_get(const vg_tagger *t, uint64_t key)
{
    uint32_t fp = fingerprint(key);
    for (uint32_t i = (uint32_t)key & t->feat_mask;; i = (i + 1) & t->feat_mask) {
        if (t->slots[i].fp == fp) return &t->slots[i];
        if (!t->slots[i].fp) return NULL;
    }
}

/* The {tag, weight} pairs of slot s, up to those of slot s + 1.  Walked
 * with a pointer: with a 32-bit entry index, 2 * e must wrap, so gcc
 * recomputes both byte offsets of every entry. */
static const unsigned char *slot_weights(const vg_tagger *t, const tslot *s)
{
    return t->entries + 2 * (size_t)s->start;
}

/* ---- loading ---- */

static vg_tagger *load_fail(vg_tagger *t, char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static vg_tagger *load_fail(vg_tagger *t, char *err, size_t errsz, const char *fmt, ...)
{
    if (err && errsz) {
        int k = snprintf(err, errsz, "tagger model: ");
        va_list ap;
        va_start(ap, fmt);
        if (k >= 0 && (size_t)k < errsz) vsnprintf(err + k, errsz - (size_t)k, fmt, ap);
        va_end(ap);
    }
    vg_tagger_free(t);
    return NULL;
}

static bool pow2(uint32_t x) { return x && !(x & (x - 1)); }

/* Byte size of a model with these table sizes. */
static uint64_t model_size(uint64_t dc, uint64_t lc, uint64_t fc, uint64_t ne)
{
    uint64_t n = HEADER + 8 * dc + 4 * lc + 8 * (fc + 1) + dc + 2 * ne;
    return (n + 7) & ~(uint64_t)7;
}

/* Converts the little-endian u32/u64 arrays in place on big-endian hosts. */
static void fix_endian(unsigned char *p, size_t n, size_t width)
{
    if (host_le()) return;
    for (size_t i = 0; i + width <= n; i += width) {
        uint64_t v = width == 8 ? rd64(p + i) : rd32(p + i);
        if (width == 8) memcpy(p + i, &v, 8);
        else { uint32_t w = (uint32_t)v; memcpy(p + i, &w, 4); }
    }
}

/* Checks what tagging relies on: tags in range, entry ranges in bounds,
 * a free slot in every table (so probing ends). */
static const char *check_tables(const vg_tagger *t)
{
    uint32_t free_d = 0, free_l = 0, free_f = 0;
    for (uint32_t i = 0; i <= t->dict_mask; i++) {
        free_d += !t->dict_keys[i];
        if (t->dict_keys[i] && t->dict_tags[i] >= VG_POS_COUNT) return "bad tag in dictionary";
    }
    for (uint32_t i = 0; i <= t->lex_mask; i++) free_l += !t->lex[i];
    /* the two big tables are checked on every start (the embedded model
     * too), so without a branch per element: flags collected, then tested */
    uint32_t prev = 0, disorder = 0;
    for (const tslot *s = t->slots, *end = s + t->feat_mask + 1; s < end; s++) {
        free_f += !s->fp;
        disorder |= s->start < prev;
        prev = s->start;
    }
    if (disorder || t->slots[t->feat_mask + 1].start < prev) return "feature offsets out of order";
    if (t->slots[t->feat_mask + 1].start != t->nentries) return "feature offsets out of range";
    if (!free_d || !free_l || !free_f) return "full hash table";
    /* the tags ORed: below VG_POS_COUNT, a power of two, iff each one is */
    _Static_assert((VG_POS_COUNT & (VG_POS_COUNT - 1)) == 0, "VG_POS_COUNT is a power of two");
    unsigned tags = 0;
    for (const unsigned char *e = t->entries, *end = e + 2 * (size_t)t->nentries; e < end; e += 2)
        tags |= e[0];
    if (tags >= VG_POS_COUNT) return "bad tag in weights";
    return NULL;
}

static vg_tagger *load(const void *data, size_t len, bool copy, char *err, size_t errsz);

vg_tagger *vg_tagger_load(const void *data, size_t len, char *err, size_t errsz)
{
    return load(data, len, true, err, errsz);
}

/* copy false: the data stays alive (the embedded model) and is used in
 * place when the byte order and alignment allow. */
static vg_tagger *load(const void *data, size_t len, bool copy, char *err, size_t errsz)
{
    const unsigned char *p = data;
    if (!p || len < HEADER) return load_fail(NULL, err, errsz, "truncated (%zu bytes)", len);
    if (memcmp(p, TAGGER_MAGIC, 8) != 0) return load_fail(NULL, err, errsz, "not a tagger model");
    if (rd32(p + 8) != TAGGER_VERSION)
        return load_fail(NULL, err, errsz, "version %u, expected %u", rd32(p + 8), TAGGER_VERSION);
    if (rd32(p + 12) != VG_POS_COUNT || rd32(p + 16) != FEATSET || rd32(p + 36) != 0)
        return load_fail(NULL, err, errsz, "made for another tagset or feature set");
    uint32_t dc = rd32(p + 20), lc = rd32(p + 24), fc = rd32(p + 28), ne = rd32(p + 32);
    if (!pow2(dc) || !pow2(lc) || !pow2(fc) || fc == UINT32_MAX)
        return load_fail(NULL, err, errsz, "bad table sizes");
    uint64_t want = model_size(dc, lc, fc, ne);
    if (want != len)
        return load_fail(NULL, err, errsz, "%zu bytes, expected %llu (truncated or corrupt)",
                         len, (unsigned long long)want);
    if (checksum(p + HEADER, len - HEADER) != rd64(p + 40))
        return load_fail(NULL, err, errsz, "checksum mismatch (corrupt)");
    vg_tagger *t = vg_calloc(1, sizeof *t);
    const unsigned char *q;
    if (copy || !host_le() || (uintptr_t)p % 8) {
        t->mem = vg_malloc(len);
        memcpy(t->mem, p, len);
        unsigned char *m = t->mem + HEADER;
        fix_endian(m, 8 * (size_t)dc, 8);
        fix_endian(m + 8 * (size_t)dc, 4 * (size_t)lc + 8 * ((size_t)fc + 1), 4);
        q = m;
    } else {
        q = p + HEADER;
    }
    t->dict_keys = (const uint64_t *)(const void *)q;
    q += 8 * (size_t)dc;
    t->lex = (const uint32_t *)(const void *)q;
    q += 4 * (size_t)lc;
    t->slots = (const tslot *)(const void *)q;
    q += 8 * ((size_t)fc + 1);
    t->dict_tags = q;
    t->entries = q + dc;
    t->dict_mask = dc - 1, t->lex_mask = lc - 1, t->feat_mask = fc - 1, t->nentries = ne;
    const char *why = check_tables(t);
    if (why) return load_fail(t, err, errsz, "%s", why);
    return t;
}

void vg_tagger_free(vg_tagger *t)
{
    if (!t) return;
    free(t->mem);
    free(t);
}

static vg_tagger *default_model;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
    size_t len;
    const char *data = vg_embedded_get("data/tagger.bin", &len);
    if (data) default_model = load(data, len, false, NULL, 0);
}

vg_tagger *vg_tagger_default(void)
{
    pthread_once(&default_once, load_default);
    return default_model;
}

/* ---- writing ---- */

static uint32_t table_cap(size_t n, double load)
{
    uint32_t cap = 16;
    while (cap * load < (double)n + 1) cap *= 2;
    return cap;
}

/* Hash tables being written: slot contents before serialisation. */
typedef struct wtables {
    uint32_t dc, lc, fc;
    uint64_t *dk;          /* dictionary keys */
    unsigned char *dt;     /* dictionary tags */
    uint32_t *lex, *fp;    /* lexicon and feature fingerprints */
    uint32_t *row;         /* feature slot -> row in parts->weights + 1 */
} wtables;

static void fill_tables(const vg_tagger_parts *p, wtables *w)
{
    w->dc = table_cap(p->ndict, 0.5), w->lc = table_cap(p->nlex, 0.5);
    w->fc = table_cap(p->nfeat, 0.6);
    w->dk = vg_calloc(w->dc, 8), w->dt = vg_calloc(w->dc, 1);
    w->lex = vg_calloc(w->lc, 4);
    w->fp = vg_calloc(w->fc, 4), w->row = vg_calloc(w->fc, 4);
    for (size_t k = 0; k < p->ndict; k++) {
        uint32_t i = (uint32_t)p->dict_keys[k] & (w->dc - 1);
        while (w->dk[i] && w->dk[i] != p->dict_keys[k]) i = (i + 1) & (w->dc - 1);
        w->dk[i] = p->dict_keys[k];
        w->dt[i] = p->dict_tags[k];
    }
    for (size_t k = 0; k < p->nlex; k++) {
        uint32_t i = (uint32_t)p->lex_keys[k] & (w->lc - 1), f = fingerprint(p->lex_keys[k]);
        while (w->lex[i] && w->lex[i] != f) i = (i + 1) & (w->lc - 1);
        w->lex[i] = f;
    }
    for (size_t k = 0; k < p->nfeat; k++) {
        uint32_t i = (uint32_t)p->feat_keys[k] & (w->fc - 1), f = fingerprint(p->feat_keys[k]);
        while (w->fp[i] && w->fp[i] != f) i = (i + 1) & (w->fc - 1);
        if (w->fp[i]) continue;  /* fingerprint clash: keep the first */
        w->fp[i] = f;
        w->row[i] = (uint32_t)k + 1;
    }
}

/* Non-zero weights of feature slot i. */
static uint32_t slot_entries(const vg_tagger_parts *p, const wtables *w, uint32_t i)
{
    uint32_t n = 0;
    for (int c = 0; w->row[i] && c < VG_POS_COUNT; c++)
        n += p->weights[(size_t)(w->row[i] - 1) * VG_POS_COUNT + c] != 0;
    return n;
}

/* Everything after the header. */
static uint32_t write_body(const vg_tagger_parts *p, const wtables *w, vg_buf *body)
{
    uint32_t start = 0;
    for (uint32_t i = 0; i < w->dc; i++) put64(body, w->dk[i]);
    for (uint32_t i = 0; i < w->lc; i++) put32(body, w->lex[i]);
    for (uint32_t i = 0; i <= w->fc; i++) {
        put32(body, i < w->fc ? w->fp[i] : 0);
        put32(body, start);
        if (i < w->fc) start += slot_entries(p, w, i);
    }
    vg_buf_putn(body, (const char *)w->dt, w->dc);
    for (uint32_t i = 0; i < w->fc; i++)
        for (int c = 0; w->row[i] && c < VG_POS_COUNT; c++) {
            int8_t x = p->weights[(size_t)(w->row[i] - 1) * VG_POS_COUNT + c];
            char e[2] = {(char)c, (char)x};
            if (x) vg_buf_putn(body, e, 2);
        }
    while ((HEADER + body->len) % 8) vg_buf_putc(body, 0);
    return start;
}

void vg_tagger_write(const vg_tagger_parts *p, struct vg_buf *out)
{
    wtables w;
    vg_buf body = {0};
    fill_tables(p, &w);
    uint32_t ne = write_body(p, &w, &body);
    vg_buf_putn(out, TAGGER_MAGIC, 8);
    put32(out, TAGGER_VERSION);
    put32(out, VG_POS_COUNT);
    put32(out, FEATSET);
    put32(out, w.dc);
    put32(out, w.lc);
    put32(out, w.fc);
    put32(out, ne);
    put32(out, 0);
    put64(out, checksum((const unsigned char *)body.s, body.len));
    vg_buf_putn(out, body.s, body.len);
    vg_buf_free(&body);
    free(w.dk), free(w.dt), free(w.lex), free(w.fp), free(w.row);
}

/* ---- tagging ---- */

/* Sums the weights of token i's features and returns the best tag.  The
 * table lookups are cache misses, so all slots are prefetched first, then
 * all weight runs, to overlap the memory accesses. */
static int score_token(const vg_tagger *t, const vg_tagger_tok *w[5], int p1, int p2)
{
    uint64_t f[VG_TAGGER_MAX_FEATS];
    const tslot *hit[VG_TAGGER_MAX_FEATS];
    int32_t score[VG_POS_COUNT] = {0};
    size_t nf = vg_tagger_features(w, p1, p2, f), nh = 0;
    for (size_t k = 0; k < nf; k++) __builtin_prefetch(&t->slots[(uint32_t)f[k] & t->feat_mask]);
    for (size_t k = 0; k < nf; k++) {
        const tslot *s = feat_get(t, f[k]);
        if (!s) continue;
        __builtin_prefetch(&t->entries[2 * (size_t)s->start]);
        hit[nh++] = s;
    }
    for (size_t k = 0; k < nh; k++) {
        const unsigned char *e = slot_weights(t, hit[k]), *end = slot_weights(t, hit[k] + 1);
        for (; e < end; e += 2) score[e[0]] += (int8_t)e[1];
    }
    int best = 0;
    for (int c = 1; c < VG_POS_COUNT; c++)
        if (score[c] > score[best]) best = c;
    return best;
}

static bool has_alnum(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vg_isalnum((unsigned char)w[i])) return true;
    return false;
}

/* ---- the memo ---- */

/* A token's score is a sum over its 22 features, and 16 of them depend on
 * one word of the window alone, 3 on the two previous tags alone, 2 on the
 * word with the previous tag, and the bias on nothing.  The per-thread memo
 * (vg_tagger_cache) keeps those partial sums, so that scoring a token adds
 * seven vectors of 32 tag scores instead of looking up 22 features.  Sums
 * are int16: at most 22 int8 weights make up a score, so every partial or
 * whole sum lies within +-2816, and integer sums in another order and
 * width are the scores score_token computes. */

/* The 32 tag scores as four 128-bit vectors (GCC's and clang's vector
 * extension: SSE2 on x86-64, plain code elsewhere), or one by one. */
typedef int16_t v8s16 __attribute__((vector_size(16)));
typedef union tagvec {
    v8s16 q[4];
    int16_t s[VG_POS_COUNT];
} tagvec;
_Static_assert(sizeof(tagvec) == VG_POS_COUNT * sizeof(int16_t), "one int16 score per tag");

/* Written out: gcc -O2 keeps a loop here, and the sum in memory. */
static void vec_add(tagvec *a, const tagvec *b)
{
    a->q[0] += b->q[0];
    a->q[1] += b->q[1];
    a->q[2] += b->q[2];
    a->q[3] += b->q[3];
}

/* The tag with the highest score, the lowest tag of a tie (as score_token). */
static int vec_best(const tagvec *v)
{
#ifdef __SSE2__
    __m128i a = _mm_load_si128((const __m128i *)&v->q[0]);
    __m128i b = _mm_load_si128((const __m128i *)&v->q[1]);
    __m128i c = _mm_load_si128((const __m128i *)&v->q[2]);
    __m128i d = _mm_load_si128((const __m128i *)&v->q[3]);
    /* the maximum, in all eight lanes */
    __m128i m = _mm_max_epi16(_mm_max_epi16(a, b), _mm_max_epi16(c, d));
    m = _mm_max_epi16(m, _mm_shuffle_epi32(m, 0x4e));
    m = _mm_max_epi16(m, _mm_shuffle_epi32(m, 0xb1));
    m = _mm_max_epi16(m, _mm_shufflehi_epi16(_mm_shufflelo_epi16(m, 0xb1), 0xb1));
    /* bit k of eq: score k is the maximum */
    unsigned lo = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(_mm_cmpeq_epi16(a, m),
                                                              _mm_cmpeq_epi16(b, m)));
    unsigned hi = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(_mm_cmpeq_epi16(c, m),
                                                              _mm_cmpeq_epi16(d, m)));
    return __builtin_ctz(lo | hi << 16);
#else
    int best = 0;
    for (int k = 1; k < VG_POS_COUNT; k++)
        if (v->s[k] > v->s[best]) best = k;
    return best;
#endif
}

/* Adds the weights of features keys[0..n) to acc. */
static void add_weights(const vg_tagger *t, const uint64_t *keys, size_t n, tagvec *acc)
{
    for (size_t k = 0; k < n; k++) {
        const tslot *s = feat_get(t, keys[k]);
        if (!s) continue;
        const unsigned char *e = slot_weights(t, s), *end = slot_weights(t, s + 1);
        for (; e < end; e += 2) acc->s[e[0]] += (int8_t)e[1];
    }
}

/* The roles of a word: its features as the word tagged (8), as the word
 * before it (3), after it (3), two before (1), two after (1). */
enum { ROLE_SELF, ROLE_P1, ROLE_N1, ROLE_P2, ROLE_N2, NROLES };

#define MEMO_WLEN 32
enum { MEMO_USED = 1, MEMO_FIRST = 2, MEMO_CAPS = 4 };

/* A word's bytes, zero-padded to MEMO_WLEN: hashed and compared a 64-bit
 * word at a time, with no byte loop and no memcmp call. */
typedef struct memo_key {
    uint64_t q[MEMO_WLEN / 8];
} memo_key;

static bool key_eq(const memo_key *a, const memo_key *b)
{
    return ((a->q[0] ^ b->q[0]) | (a->q[1] ^ b->q[1]) | (a->q[2] ^ b->q[2]) |
            (a->q[3] ^ b->q[3])) == 0;
}

/* One word as written, with the two flags vg_tagger_tok_init takes: its
 * reduction, its tag-dictionary tag and the sums of its five roles, each
 * summed when first needed.  The first 64 bytes hold what a token whose
 * roles are known reads; word and shape repeat tk's for that reason. */
typedef struct word_memo {
    memo_key key;           /* the key: the bytes (compared exactly) ... */
    uint8_t len;
    uint8_t flags;          /* ... and MEMO_* (0: an empty slot) */
    uint8_t have;           /* bit r: v[r] is summed */
    int8_t dtag;            /* tag-dictionary tag, or -1: scored */
    uint32_t shape;
    uint64_t word;
    vg_tagger_tok tk;
    tagvec v[NROLES];
} word_memo;
/* whole cache lines: in the line-aligned array, every v[r] is one line */
_Static_assert(sizeof(word_memo) % 64 == 0, "word_memo is whole cache lines");

/* News text has more distinct words than 4096 slots hold: on the news
 * corpus (11,900 distinct forms in the windows tagged) 16384 slots save 2.6%
 * of all of vigil's instructions over 4096, twice that on the corpus read
 * six times; 32768 little more.  7.3 MB a thread, touched as used.  Two
 * ways a set: a word is placed in the one used less recently, so a rare
 * word does not push out a frequent one that shares its slot. */
#define MEMO_WORDS 16384
#define MEMO_SETS (MEMO_WORDS / 2)

/* The two features of the word tagged with the previous tag (F_P1W,
 * F_P1SHAPE), named by what they depend on: the word hash, and the shape
 * and previous tag packed as PAIR_ST. */
typedef struct pair_key {
    uint64_t word;          /* 0: an empty slot (word hashes are never 0) */
    uint32_t st;
    uint32_t pad;
} pair_key;
#define PAIR_ST(shape, t1) ((uint32_t)(shape) << 6 | (uint32_t)(t1))  /* t1 <= 32 */
#define MEMO_PAIRS_BITS 14   /* 17,500 distinct in the news corpus */
#define MEMO_PAIRS (1u << MEMO_PAIRS_BITS)

struct vg_tagger_cache {
    word_memo words[MEMO_WORDS];    /* first: aligned as the allocation */
    word_memo spare[5];             /* see memo_word */
    uint8_t recent[MEMO_SETS];      /* the way of each set used last */
    tagvec pairs[MEMO_PAIRS];
    pair_key pair_keys[MEMO_PAIRS];
    tagvec edge[NROLES];            /* a missing neighbour */
    /* F_SHAPE, F_PSHAPE, F_NSHAPE by shape (a few dozen values, each
     * feature with weights for most tags): not summed again in every word */
    tagvec shapes[3][256];
    tagvec tags[VG_POS_COUNT + 1][VG_POS_COUNT + 1];  /* BIAS, P1, P2, P1P2 */
    uint8_t tags_done[VG_POS_COUNT + 1][VG_POS_COUNT + 1];
    const vg_tagger *t;
};

vg_tagger_cache *vg_tagger_cache_new(const vg_tagger *t)
{
    /* over 1 MB: 2 MB-aligned (a cache line per role) and huge pages */
    vg_tagger_cache *c = vg_big_calloc(sizeof *c);
    c->t = t;
    /* a missing neighbour: the boundary keys vg_tagger_features uses */
    const uint64_t p1[] = { feat_key(F_W1, 11), feat_key(F_S1, 11), feat_key(F_PSHAPE, 512) };
    const uint64_t p2[] = { feat_key(F_W2, 12) };
    const uint64_t n1[] = { feat_key(F_N1, 13), feat_key(F_NS1, 13), feat_key(F_NSHAPE, 512) };
    const uint64_t n2[] = { feat_key(F_N2, 14) };
    add_weights(t, p1, 3, &c->edge[ROLE_P1]);
    add_weights(t, p2, 1, &c->edge[ROLE_P2]);
    add_weights(t, n1, 3, &c->edge[ROLE_N1]);
    add_weights(t, n2, 1, &c->edge[ROLE_N2]);
    static const unsigned shape_tpl[3] = { F_SHAPE, F_PSHAPE, F_NSHAPE };
    for (int k = 0; k < 3; k++)
        for (uint64_t sh = 0; sh < 256; sh++) {
            const uint64_t key = feat_key(shape_tpl[k], sh);
            add_weights(t, &key, 1, &c->shapes[k][sh]);
        }
    return c;
}

void vg_tagger_cache_free(vg_tagger_cache *c) { vg_big_free(c, sizeof *c); }

/* The feature keys of the word of tk in role r, but for its shape (in
 * c->shapes) and the bias (in c->tags); their number. */
static size_t role_keys(const vg_tagger_tok *tk, int r, uint64_t *keys)
{
    size_t n = 0;
    switch (r) {
    case ROLE_SELF:
        keys[n++] = feat_key(F_WORD, tk->word);
        keys[n++] = feat_key(F_SUF1, tk->affix[0]);
        keys[n++] = feat_key(F_SUF2, tk->affix[1]);
        keys[n++] = feat_key(F_SUF3, tk->suf3);
        keys[n++] = feat_key(F_PRE1, tk->affix[2]);
        keys[n++] = feat_key(F_PRE2, tk->affix[3]);
        keys[n++] = feat_key(F_PRE3, tk->affix[4]);
        break;
    case ROLE_P1:
        keys[n++] = feat_key(F_W1, tk->ctx);
        keys[n++] = feat_key(F_S1, tk->suf3);
        break;
    case ROLE_N1:
        keys[n++] = feat_key(F_N1, tk->ctx);
        keys[n++] = feat_key(F_NS1, tk->suf3);
        break;
    case ROLE_P2:
        keys[n++] = feat_key(F_W2, tk->ctx);
        break;
    default:
        keys[n++] = feat_key(F_N2, tk->ctx);
        break;
    }
    return n;
}

/* What the word of m contributes in role r. */
static const tagvec *memo_role(const vg_tagger_cache *c, word_memo *m, int r)
{
    if (!(m->have & (1u << r))) {
        uint64_t keys[9];
        _Static_assert(ROLE_SELF == 0 && ROLE_P1 == 1 && ROLE_N1 == 2, "c->shapes' order");
        _Static_assert(SHAPE_OTHER * 2 == 256, "a shape is below 256");
        if (r <= ROLE_N1) m->v[r] = c->shapes[r][m->tk.shape];
        else memset(&m->v[r], 0, sizeof m->v[r]);
        add_weights(c->t, keys, role_keys(&m->tk, r, keys), &m->v[r]);
        m->have |= 1u << r;
    }
    return &m->v[r];
}

static bool is_live(const word_memo *m, word_memo *const live[4])
{
    return m == live[0] || m == live[1] || m == live[2] || m == live[3];
}

/* The entry of token k, the word w of len bytes, of a sentence being
 * tagged; live[0..4) are the entries of the four tokens before it, still
 * to be read, so they are not taken over: a word whose set they both hold,
 * or too long for a slot, gets the spare entry of its position (token
 * k + 5, the next to use it, comes after token k has been read). */
static word_memo *memo_word(vg_tagger_cache *c, size_t k, const char *w, size_t len,
                            bool first, bool caps, word_memo *const live[4])
{
    uint8_t flags = (uint8_t)(MEMO_USED | (first ? MEMO_FIRST : 0) | (caps ? MEMO_CAPS : 0));
    word_memo *m = NULL;
    memo_key key = { { 0 } };
    if (len <= MEMO_WLEN) {
        memcpy(key.q, w, len);
        uint64_t h = mix64(key.q[0] ^ key.q[1] * 0x9e3779b97f4a7c15ULL ^
                           key.q[2] * 0xc2b2ae3d27d4eb4fULL ^ key.q[3] * 0x165667b19e3779f9ULL ^
                           ((uint64_t)len << 8 | flags));
        size_t set = h & (MEMO_SETS - 1);
        word_memo *way = &c->words[2 * set];
        for (int i = 0; i < 2; i++) {
            if (way[i].flags == flags && way[i].len == len && key_eq(&way[i].key, &key)) {
                c->recent[set] = (uint8_t)i;
                return &way[i];
            }
        }
        int i = !c->recent[set];
        if (is_live(&way[i], live)) i = !i;
        if (!is_live(&way[i], live)) {
            m = &way[i];
            c->recent[set] = (uint8_t)i;
        }
    }
    if (!m) m = &c->spare[k % 5];
    vg_tagger_tok_init(c->t, &m->tk, w, len, first, caps);
    m->dtag = (int8_t)dict_get(c->t, m->tk.form);
    m->shape = m->tk.shape;
    m->word = m->tk.word;
    m->have = 0;
    /* a spare is never looked up: it keeps an empty key */
    if (m >= c->words && m < c->words + MEMO_WORDS) {
        m->key = key;
        m->len = (uint8_t)len;
        m->flags = flags;
    }
    return m;
}

/* The features of the two previous tags alone (P1, P2, P1P2), and the
 * bias, which every token has. */
static const tagvec *memo_tags(vg_tagger_cache *c, int p1, int p2)
{
    tagvec *v = &c->tags[p1 + 1][p2 + 1];
    if (!c->tags_done[p1 + 1][p2 + 1]) {
        uint64_t t1 = (uint64_t)(p1 + 1), t2 = (uint64_t)(p2 + 1);
        const uint64_t keys[] = { feat_key(F_BIAS, 0), feat_key(F_P1, t1), feat_key(F_P2, t2),
                                  feat_key(F_P1P2, t1 * 64 + t2) };
        add_weights(c->t, keys, 4, v);
        c->tags_done[p1 + 1][p2 + 1] = 1;
    }
    return v;
}

/* What the word of m contributes after the tag p1. */
static const tagvec *memo_pair(vg_tagger_cache *c, const word_memo *m, int p1)
{
    uint64_t t1 = (uint64_t)(p1 + 1);
    uint32_t st = PAIR_ST(m->shape, t1);
    size_t i = (size_t)(((m->word ^ st) * 0x9e3779b97f4a7c15ULL) >> (64 - MEMO_PAIRS_BITS));
    pair_key *k = &c->pair_keys[i];
    if (k->word != m->word || k->st != st) {
        const uint64_t keys[] = { feat_key(F_P1W, mix64(m->word + t1)),
                                  feat_key(F_P1SHAPE, t1 * 256 + m->shape) };
        memset(&c->pairs[i], 0, sizeof c->pairs[i]);
        add_weights(c->t, keys, 2, &c->pairs[i]);
        k->word = m->word;
        k->st = st;
    }
    return &c->pairs[i];
}

/* score_token's answer for the token of win[2], from the memo; win[d] is
 * token i + d - 2, NULL outside the sentence. */
static int score_cached(vg_tagger_cache *c, word_memo *const win[5], int p1, int p2)
{
    static const int role[5] = { ROLE_P2, ROLE_P1, ROLE_SELF, ROLE_N1, ROLE_N2 };
    tagvec score = *memo_tags(c, p1, p2);
    for (int d = 0; d < 5; d++)
        vec_add(&score, win[d] ? memo_role(c, win[d], role[d]) : &c->edge[role[d]]);
    vec_add(&score, memo_pair(c, win[2], p1));
    return vec_best(&score);
}

/* vg_tagger_tag_cached with a memo made for its model. */
static void tag_memo(vg_tagger_cache *c, const char *const *words, const size_t *lens, size_t n,
                     unsigned char *tags)
{
    bool caps = vg_tagger_caps_sentence(words, lens, n), first = true;
    word_memo *win[5] = { NULL, NULL, NULL, NULL, NULL };
    int p1 = -1, p2 = -1;
    /* step k reduces token k and tags token k - 2 */
    for (size_t k = 0; k < n + 2; k++) {
        win[0] = win[1], win[1] = win[2], win[2] = win[3], win[3] = win[4], win[4] = NULL;
        if (k < n) {
            win[4] = memo_word(c, k, words[k], lens[k], first, caps, win);
            first = first && !has_alnum(words[k], lens[k]);
        }
        if (k < 2) continue;
        int tag = win[2]->dtag;
        if (tag < 0) tag = score_cached(c, win, p1, p2);
        tags[k - 2] = (unsigned char)tag;
        p2 = p1;
        p1 = tag;
    }
}

void vg_tagger_tag(const vg_tagger *t, const char *const *words,
                   const size_t *lens, size_t n, unsigned char *tags)
{
    vg_tagger_tag_cached(t, NULL, words, lens, n, tags);
}

void vg_tagger_tag_cached(const vg_tagger *t, vg_tagger_cache *cache, const char *const *words,
                          const size_t *lens, size_t n, unsigned char *tags)
{
    if (cache && cache->t == t) {
        tag_memo(cache, words, lens, n, tags);
        return;
    }
    bool caps = vg_tagger_caps_sentence(words, lens, n), first = true;
    vg_tagger_tok ring[5];
    int p1 = -1, p2 = -1;
    for (size_t j = 0; j < n && j < 2; j++) {
        vg_tagger_tok_init(t, &ring[j], words[j], lens[j], first, caps);
        first = first && !has_alnum(words[j], lens[j]);
    }
    for (size_t i = 0; i < n; i++) {
        if (i + 2 < n) {
            vg_tagger_tok_init(t, &ring[(i + 2) % 5], words[i + 2], lens[i + 2], first, caps);
            first = first && !has_alnum(words[i + 2], lens[i + 2]);
        }
        const vg_tagger_tok *w[5];
        for (int d = 0; d < 5; d++) {
            size_t j = i + (size_t)d - 2;
            w[d] = (d < 2 && i < (size_t)(2 - d)) || j >= n ? NULL : &ring[j % 5];
        }
        int tag = dict_get(t, w[2]->form);
        if (tag < 0) tag = score_token(t, w, p1, p2);
        tags[i] = (unsigned char)tag;
        p2 = p1;
        p1 = tag;
    }
}

/* Only the form is needed: vg_tagger_tok_init's tk->form of a word that
 * is neither first nor in an all-caps sentence (the rest of the reduction
 * cost ten times as much). */
int vg_tagger_fixed(const vg_tagger *t, const char *word, size_t len)
{
    char buf[TOK_MAX];
    size_t n = tok_copy(buf, word, len, CASE_ASIS);
    return dict_get(t, hash_str(2, buf, n));
}
