/* dict.c -- the dictionary model: phrase, code and pattern parsing shared by
 * both loaders, and the compiled lookup index.  See dict.h. */
#include "dict.h"
#include "date.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/mman.h>

typedef vg_vec_int32_t i32vec;
typedef vg_vec_uint32_t u32vec;

void vg_options_default(vg_options *o)
{
    memset(o, 0, sizeof *o);
    o->code_by = VG_CODEBY_CLAUSE;
    o->min_words = 8;
    o->comma_min = 2;
    o->comma_max = 10;
    o->comma_emin = 2;
    o->comma_emax = 10;
    o->comma_bmin = 128;
    o->comma_bmax = 0;
    o->time_shift = -1;
    o->label = true;
    o->require_dyad = true;
}

vg_dict *vg_dict_new(void)
{
    vg_dict *d = vg_calloc(1, sizeof *d);
    vg_options_default(&d->opt);
    d->dup_warning = true;
    vg_vec_push(&d->strs, '\0');      /* offset 0: no string */
    return d;
}

/* Arrays that point into an image (cap 0) are not the dictionary's own. */
#define FREE_ARRAY_(id, name, T) if (X_->name.cap) free(X_->name.v); \
    X_->name.v = NULL; X_->name.n = X_->name.cap = 0;

static void index_free(vg_dict_index *X_)
{
    VG_INDEX_ARRAYS(FREE_ARRAY_)
    X_->maxlen = X_->lit_maxlen = 0;
}

/* ================================================================
 * Sources and the image: the files a dictionary was read from (for telling
 * a stale compiled image) and the mapping it may read from. */

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* A 128-bit digest of contents (source files, set keys): two independent
 * multiply-rotate hashes.  Not cryptographic: it tells whether a file
 * changed, as a checksum does. */
void vg_dict_digest(const void *data, size_t n, uint8_t out[16])
{
    const unsigned char *p = data;
    const uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL;
    uint64_t h[2] = { 0x243F6A8885A308D3ULL ^ n, 0x13198A2E03707344ULL + n };
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h[0] = rotl64(h[0] ^ (w * P2), 31) * P1;
        h[1] = rotl64(h[1] ^ (w * P1), 27) * P2 + 0x52DCE729;
    }
    uint64_t t = 0;
    for (size_t k = 0; i < n; i++, k++) t |= (uint64_t)p[i] << (8 * k);
    h[0] = rotl64(h[0] ^ (t * P2), 31) * P1;
    h[1] = rotl64(h[1] ^ (t * P1), 27) * P2;
    for (int k = 0; k < 2; k++) {
        uint64_t x = h[k] ^ h[1 - k] >> 29;
        x ^= x >> 33;
        x *= P2;
        x ^= x >> 29;
        x *= P1;
        x ^= x >> 32;
        memcpy(out + 8 * k, &x, 8);
    }
}

/* path as an absolute one (sources are checked from any directory). */
static char *abs_path(const char *path)
{
    if (path[0] == '/') return vg_strdup(path);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return vg_strdup(path);
    return vg_path_join(cwd, path);
}

void vg_dict_note_source(vg_dict *d, const char *path, const char *text, size_t len)
{
    vg_dict_thaw(d);
    char *full = abs_path(path);
    if (!text) {
        vg_source s;
        memset(&s, 0, sizeof s);
        s.path = vg_dict_strdup(d, full, strlen(full));
        s.missing = 1;
        s.size = -1;
        struct stat st;
        if (stat(full, &st) == 0) {
            s.size = (int64_t)st.st_size;
            s.mtime_ns = vg_stat_mtime_ns(&st);
            s.ino = (uint64_t)st.st_ino;
        }
        vg_vec_push(&d->sources, s);
    } else {
        for (size_t i = d->sources.n; i-- > 0;) {
            vg_source *s = &d->sources.v[i];
            if (!s->missing || strcmp(vg_dict_str(d, s->path), full)) continue;
            vg_dict_digest(text, len, s->digest);
            s->missing = 0;
            break;
        }
    }
    free(full);
}

void vg_dict_unmap(vg_dict *d)
{
    if (!d->map) return;
    if (d->map->addr) munmap(d->map->addr, d->map->len);
    free(d->map);
    d->map = NULL;
}

void vg_dict_free(vg_dict *d)
{
    if (!d) return;
    vg_dict *X_ = d;
    VG_DICT_ARRAYS(FREE_ARRAY_)
    vg_strmap_free(&d->synset_names);
    vg_strmap_free(&d->str_ids);
    index_free(&d->ix);
    vg_dict_unmap(d);
    free(d);
}

/* Copies an array out of the image into the dictionary's own memory. */
#define THAW_ARRAY_(id, name, T) if (!X_->name.cap && X_->name.n) { \
        T *copy_ = vg_malloc(X_->name.n * sizeof(T)); \
        memcpy(copy_, X_->name.v, X_->name.n * sizeof(T)); \
        X_->name.v = copy_; X_->name.cap = X_->name.n; }

void vg_dict_thaw(vg_dict *d)
{
    if (!d->map) return;
    vg_dict *X_ = d;
    VG_DICT_ARRAYS(THAW_ARRAY_)
    vg_dict_index *ix = &d->ix;
    {
        vg_dict_index *X2_ = ix;
#define THAW_IX_(id, name, T) if (!X2_->name.cap && X2_->name.n) { \
        T *copy_ = vg_malloc(X2_->name.n * sizeof(T)); \
        memcpy(copy_, X2_->name.v, X2_->name.n * sizeof(T)); \
        X2_->name.v = copy_; X2_->name.cap = X2_->name.n; }
        VG_INDEX_ARRAYS(THAW_IX_)
#undef THAW_IX_
    }
    /* what only loading keeps */
    vg_strmap_clear(&d->synset_names);
    for (size_t i = 0; i < d->synsets.n; i++)
        if (d->synsets.v[i].name)
            vg_strmap_put(&d->synset_names, vg_dict_str(d, d->synsets.v[i].name), (int)i);
    vg_strmap_clear(&d->str_ids);
    for (size_t at = 1; at < d->strs.n; at += strlen(d->strs.v + at) + 1)
        if (vg_strmap_get(&d->str_ids, d->strs.v + at) < 0)
            vg_strmap_put(&d->str_ids, d->strs.v + at, (int)at);
    d->msgs.n = 0;
    vg_dict_unmap(d);
}

/* Strings are immutable once stored: equal ones share one copy. */
vg_str vg_dict_strdup(vg_dict *d, const char *s, size_t n)
{
    if (!d->strs.n) vg_vec_push(&d->strs, '\0');
    if (memchr(s, '\0', n)) n = strlen(s);
    int known = vg_strmap_getn(&d->str_ids, s, n);
    if (known > 0) return (vg_str)known;
    vg_str at = (vg_str)d->strs.n;
    if (d->strs.n > INT32_MAX - n - 1) vg_oom();   /* offsets are 32-bit */
    vg_strmap_putn(&d->str_ids, s, n, (int)at);
    vg_vec_reserve(&d->strs, d->strs.n + n + 1);
    if (n) memcpy(d->strs.v + d->strs.n, s, n);
    d->strs.v[d->strs.n + n] = '\0';
    d->strs.n += n + 1;
    return at;
}

int32_t vg_dict_file(vg_dict *d, const char *path)
{
    vg_dict_thaw(d);
    for (size_t i = 0; i < d->files.n; i++)
        if (!strcmp(vg_dict_str(d, d->files.v[i]), path)) return (int32_t)i;
    vg_str s = vg_dict_strdup(d, path, strlen(path));
    vg_vec_push(&d->files, s);
    return (int32_t)d->files.n - 1;
}

const char *vg_dict_file_name(const vg_dict *d, vg_src src)
{
    return src.file >= 0 && (size_t)src.file < d->files.n ? vg_dict_str(d, d->files.v[src.file])
                                                           : "?";
}

/* ---- phrases and pattern elements ---- */

static void skip_spaces(const char **p, const char *end)
{
    while (*p < end && vg_isspace((unsigned char)**p)) (*p)++;
}

static bool is_token_char(char c)
{
    return c == '$' || c == '+' || c == '%' || c == '^' || c == '@' || c == '*';
}

static uint8_t token_type(char c)
{
    switch (c) {
    case '$': return VG_EL_SRC;
    case '+': return VG_EL_TGT;
    case '%': return VG_EL_CMP;
    case '^': return VG_EL_SKIP;
    case '@': return VG_EL_ATTR;
    default: return VG_EL_VERB;
    }
}

typedef vg_elems elem_vec;

/* Parses one blank-delimited chunk ("UNITED_ARAB_", "IN_*", "&CURRENCY_EXCHANGE",
 * "REAL~_PLEASANT") into elements. */
static bool parse_chunk(vg_dict *d, const char *s, size_t n, bool tokens_ok,
                        elem_vec *out, const char **why)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '_') j++;
        /* part s[i..j) followed by '_' iff j < n */
        bool joined = j < n && j + 1 < n;      /* '_' then more in this chunk */
        bool trailing = j < n && j + 1 == n;   /* chunk ends with '_' */
        size_t plen = j - i;
        const char *p = s + i;
        if (plen == 0) {                       /* "__" or leading '_' */
            if (out->n && j < n) out->v[out->n - 1].adj_next = 1;
            i = j + 1;
            continue;
        }
        vg_elem e = {0};
        e.synset = -1;
        if (plen == 1 && is_token_char(p[0])) {
            if (!tokens_ok) { *why = "pattern token in a phrase"; return false; }
            e.type = token_type(p[0]);
        } else if (p[0] == '&') {
            if (!tokens_ok) { *why = "synset in a phrase"; return false; }
            int id = vg_strmap_getn(&d->synset_names, p + 1, plen - 1);
            if (id < 0) { *why = "undefined synset"; return false; }
            e.type = VG_EL_SYNSET;
            e.synset = id;
        } else {
            bool stem_mark = p[plen - 1] == '~';
            bool noend = p[plen - 1] == '=';
            if (stem_mark || noend) plen--;
            if (plen == 0) { *why = "empty word"; return false; }
            vg_buf f = {0};
            vg_text_fold(p, plen, &f);
            if (f.len == 0 || f.len > 255) {
                vg_buf_free(&f);
                *why = "bad word";
                return false;
            }
            e.type = VG_EL_WORD;
            e.s = vg_dict_strdup(d, f.s, f.len);
            e.len = (uint16_t)f.len;
            vg_buf_free(&f);
            if (noend) e.mode = VG_WM_NOEND;
            else if ((joined || trailing) && !stem_mark) e.mode = VG_WM_EXACT;
            else e.mode = VG_WM_STEM;
        }
        e.adj_next = joined;
        vg_vec_push(out, e);
        i = j + 1;
        if (trailing) break;
    }
    return true;
}

/* Splits s into blank-delimited chunks and parses each. */
static bool parse_elems(vg_dict *d, const char *s, size_t n, bool tokens_ok,
                        elem_vec *out, const char **why)
{
    const char *p = s, *end = s + n;
    while (1) {
        skip_spaces(&p, end);
        if (p >= end) break;
        const char *q = p;
        while (q < end && !vg_isspace((unsigned char)*q)) q++;
        /* hyphens are written as '_' in dictionaries */
        char tmp[512];
        size_t len = (size_t)(q - p);
        if (len >= sizeof tmp) { *why = "phrase too long"; return false; }
        for (size_t k = 0; k < len; k++) tmp[k] = p[k] == '-' && len > 1 ? '_' : p[k];
        if (!parse_chunk(d, tmp, len, tokens_ok, out, why)) return false;
        p = q;
    }
    return true;
}

/* Ordering weight: letters plus '_' connectors; tokens and blanks excluded. */
static uint16_t elems_weight(const vg_dict *d, const vg_elem *e, size_t n)
{
    (void)d;   /* synsets add nothing: a literal beats a synset (TABARI) */
    unsigned w = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].type == VG_EL_WORD) w += e[i].len + (e[i].mode != VG_WM_STEM);
        if (e[i].adj_next && e[i].type != VG_EL_WORD) w++;
    }
    return (uint16_t)(w > 65535 ? 65535 : w);
}

/* Appends elements to d->elems; returns the index of the first. */
static uint32_t store_elems(vg_dict *d, const vg_elem *e, size_t n)
{
    uint32_t at = (uint32_t)d->elems.n;
    vg_vec_reserve(&d->elems, d->elems.n + n);
    if (n) memcpy(d->elems.v + d->elems.n, e, n * sizeof *e);
    d->elems.n += n;
    return at;
}

bool vg_parse_elems(vg_dict *d, const char *s, size_t n, vg_elems *out,
                    const char **why)
{
    return parse_elems(d, s, n, true, out, why);
}

vg_phrase vg_phrase_from(vg_dict *d, const vg_elem *e, size_t n)
{
    vg_phrase ph = { store_elems(d, e, n), (uint16_t)n, elems_weight(d, e, n) };
    return ph;
}

bool vg_parse_phrase(vg_dict *d, const char *s, size_t n, vg_phrase *out,
                     const char **why)
{
    elem_vec ev = {0};
    bool ok = parse_elems(d, s, n, false, &ev, why);
    if (ok && ev.n == 0) { *why = "empty phrase"; ok = false; }
    if (ok && ev.n > 32) { *why = "phrase has more than 32 words"; ok = false; }
    if (ok) {
        out->w = store_elems(d, ev.v, ev.n);
        out->n = (uint16_t)ev.n;
        out->weight = elems_weight(d, ev.v, ev.n);
    }
    vg_vec_free(&ev);
    return ok;
}

/* ---- codes ---- */

static int special_code(const char *s, size_t n)
{
    char c[8];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 7; i++)
        if (!vg_isspace((unsigned char)s[i])) c[k++] = s[i];
    c[k] = '\0';
    if (!strcmp(c, "---")) return VG_CODE_NULL;
    if (!strcmp(c, "###")) return VG_CODE_DISCARD;
    if (!strcmp(c, "+++")) return VG_CODE_COMPLEX;
    return VG_CODE_NONE;
}

static bool code_chars_ok(const char *s, size_t n)
{
    if (n > 1 && (s[0] == '+' || s[0] == '-')) {   /* time shift: +7, -30 */
        for (size_t i = 1; i < n; i++)
            if (!vg_isdigit((unsigned char)s[i])) return false;
        return true;
    }
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!vg_isalnum((unsigned char)s[i]) && s[i] != '~') return false;
    return true;
}

/* Splits "A/B/C" into the code list. */
static bool add_codes(vg_dict *d, const char *s, size_t n, vg_dated *out)
{
    out->codes = (uint32_t)d->codelist.n;
    out->ncodes = 0;
    const char *p = s, *end = s + n;
    while (p <= end) {
        const char *q = p;
        while (q < end && *q != '/') q++;
        if (!code_chars_ok(p, (size_t)(q - p))) return false;
        vg_vec_push(&d->codelist, vg_dict_strdup(d, p, (size_t)(q - p)));
        out->ncodes++;
        p = q + 1;
    }
    return out->ncodes > 0;
}

/* Parses the date part: "<D", ">D", "D1-D2", "D-", "-D". */
static bool parse_restriction(const char *s, size_t n, vg_dated *out)
{
    char buf[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof buf - 1; i++)
        if (!vg_isspace((unsigned char)s[i])) buf[k++] = s[i];
    buf[k] = '\0';
    out->from = 0;
    out->to = 99999999;
    out->has_date = 1;
    if (buf[0] == '<') return vg_date_parse_digits(buf + 1, k - 1, &out->to);
    if (buf[0] == '>') return vg_date_parse_digits(buf + 1, k - 1, &out->from);
    char *dash = strchr(buf, '-');
    if (!dash) return false;
    size_t l1 = (size_t)(dash - buf), l2 = k - l1 - 1;
    if (l1 && !vg_date_parse_digits(buf, l1, &out->from)) return false;
    if (l2 && !vg_date_parse_digits(dash + 1, l2, &out->to)) return false;
    return l1 || l2;
}

bool vg_parse_dated(vg_dict *d, const char *s, size_t n, vg_dated *out,
                    const char **why)
{
    memset(out, 0, sizeof *out);
    out->to = 99999999;
    const char *p = s, *end = s + n;
    skip_spaces(&p, end);
    while (end > p && vg_isspace((unsigned char)end[-1])) end--;
    if (p == end) { *why = "no code in [...]"; return false; }
    /* the code runs to the first blank or date marker */
    const char *q = p;
    if (*q == '-' || *q == '#' || *q == '+') {
        while (q < end && (*q == '-' || *q == '#' || *q == '+' || *q == ' ')) q++;
        while (q > p && q[-1] == ' ') q--;
        if (vg_isdigit((unsigned char)*q) || *q == '<' || *q == '>') {
            /* "- - - <950630" */
        }
        out->special = (uint8_t)special_code(p, (size_t)(q - p));
        if (!out->special) { *why = "bad code"; return false; }
    } else {
        while (q < end && !vg_isspace((unsigned char)*q) && *q != '<' && *q != '>') q++;
        /* a code cannot start with a digit when a date range follows */
        const char *dash = memchr(p, '-', (size_t)(q - p));
        if (dash) { *why = "no code in [...]"; return false; }
        if (!add_codes(d, p, (size_t)(q - p), out)) { *why = "bad code"; return false; }
        bool digits = true;
        for (const char *r = p; r < q; r++)
            if (!vg_isdigit((unsigned char)*r)) digits = false;
        if (digits && q < end) { *why = "no code in [...]"; return false; }
    }
    skip_spaces(&q, end);
    if (q < end && !parse_restriction(q, (size_t)(end - q), out)) {
        *why = "bad date restriction";
        return false;
    }
    return true;
}

bool vg_parse_vcode(vg_dict *d, const char *s, size_t n, vg_vcode *out,
                    const char **why)
{
    memset(out, 0, sizeof *out);
    const char *p = s, *end = s + n;
    skip_spaces(&p, end);
    while (end > p && vg_isspace((unsigned char)end[-1])) end--;
    if (p == end) { *why = "no code in [...]"; return false; }
    int sp = special_code(p, (size_t)(end - p));
    if (sp) { out->special = (uint8_t)sp; return true; }
    if (end[-1] == '?') { out->flags |= VG_VC_SUBORD; end--; }
    else if (end[-1] == '!') { out->flags |= VG_VC_DOMINANT; end--; }
    const char *colon = memchr(p, ':', (size_t)(end - p));
    const char *ce = colon ? colon : end;
    while (ce > p && vg_isspace((unsigned char)ce[-1])) ce--;
    if (colon) {
        const char *b = colon + 1;
        skip_spaces(&b, end);
        if (!code_chars_ok(b, (size_t)(end - b))) { *why = "bad paired code"; return false; }
        out->pair = vg_dict_strdup(d, b, (size_t)(end - b));
        out->flags |= VG_VC_PAIRED;
        if (ce == p) {            /* PETRARCH "[:020]": only the reverse event */
            out->code = 0;
            return true;
        }
    }
    if (!code_chars_ok(p, (size_t)(ce - p))) { *why = "bad code"; return false; }
    out->code = vg_dict_strdup(d, p, (size_t)(ce - p));
    return true;
}

/* ---- patterns ---- */

/* A parsed pattern before expansion: items are elements or alternative groups. */
typedef struct alt_group {
    VG_VEC(elem_vec) alts;
    bool adj_in, adj_out;
} alt_group;

typedef struct pitem {
    bool group;
    vg_elem e;
    alt_group *g;
} pitem;

typedef VG_VEC(pitem) pitem_vec;

static void free_items(pitem_vec *items)
{
    for (size_t i = 0; i < items->n; i++) {
        alt_group *g = items->v[i].g;
        if (!g) continue;
        for (size_t k = 0; k < g->alts.n; k++) vg_vec_free(&g->alts.v[k]);
        vg_vec_free(&g->alts);
        free(g);
    }
    vg_vec_free(items);
}

/* Reads pattern text, turning "{ a | b }" into groups. */
static bool parse_items(vg_dict *d, const char *s, size_t n, pitem_vec *items,
                        const char **why)
{
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *brace = memchr(p, '{', (size_t)(end - p));
        const char *seg_end = brace ? brace : end;
        bool adj_in = brace && brace > p && brace[-1] == '_';
        elem_vec ev = {0};
        if (!parse_elems(d, p, (size_t)(seg_end - p - (adj_in ? 1 : 0)), true, &ev, why)) {
            vg_vec_free(&ev);
            return false;
        }
        for (size_t i = 0; i < ev.n; i++) {
            pitem it = { false, ev.v[i], NULL };
            vg_vec_push(items, it);
        }
        vg_vec_free(&ev);
        if (adj_in && items->n) {
            vg_elem *last = &items->v[items->n - 1].e;
            last->adj_next = 1;
            if (last->type == VG_EL_WORD && last->mode == VG_WM_STEM) last->mode = VG_WM_EXACT;
        }
        if (!brace) break;
        const char *close = memchr(brace, '}', (size_t)(end - brace));
        if (!close) { *why = "unclosed {"; return false; }
        alt_group *g = vg_calloc(1, sizeof *g);
        pitem it = { true, {0}, g };
        vg_vec_push(items, it);
        const char *a = brace + 1;
        while (a <= close) {
            const char *bar = memchr(a, '|', (size_t)(close - a));
            const char *ae = bar ? bar : close;
            elem_vec alt = {0};
            if (!parse_elems(d, a, (size_t)(ae - a), true, &alt, why)) {
                vg_vec_free(&alt);
                return false;
            }
            if (alt.n == 0) { vg_vec_free(&alt); *why = "empty alternative"; return false; }
            vg_vec_push(&g->alts, alt);
            a = ae + 1;
        }
        p = close + 1;
        if (p < end && *p == '_') { g->adj_out = true; p++; }
    }
    return true;
}

typedef struct expand_ctx {
    vg_dict *d;
    const vg_vcode *code;
    int32_t block;
    vg_src src;
    vg_str text;
    elem_vec cur;
    size_t count;
    const char *why;
} expand_ctx;

static bool emit_pattern(expand_ctx *x)
{
    size_t nverb = 0, verb = 0;
    for (size_t i = 0; i < x->cur.n; i++)
        if (x->cur.v[i].type == VG_EL_VERB) { nverb++; verb = i; }
    if (nverb != 1) {
        x->why = nverb ? "more than one '*' in pattern" : "missing verb marker '*' in pattern";
        return false;
    }
    if (x->cur.n > 64) { x->why = "pattern too long"; return false; }
    vg_pattern pt = {0};
    pt.e = store_elems(x->d, x->cur.v, x->cur.n);
    pt.n = (uint16_t)x->cur.n;
    pt.verb = (uint16_t)verb;
    pt.weight = elems_weight(x->d, x->cur.v, x->cur.n);
    pt.code = *x->code;
    pt.block = x->block;
    pt.text = x->text;
    pt.src = x->src;
    vg_vec_push(&x->d->patterns, pt);
    x->count++;
    return true;
}

static bool expand(expand_ctx *x, const pitem *items, size_t n)
{
    if (n == 0) return emit_pattern(x);
    if (x->count > 256) { x->why = "too many alternatives"; return false; }
    size_t mark = x->cur.n;
    if (!items->group) {
        vg_vec_push(&x->cur, items->e);
        bool ok = expand(x, items + 1, n - 1);
        x->cur.n = mark;
        return ok;
    }
    alt_group *g = items->g;
    for (size_t k = 0; k < g->alts.n; k++) {
        const elem_vec *alt = &g->alts.v[k];
        for (size_t i = 0; i < alt->n; i++) vg_vec_push(&x->cur, alt->v[i]);
        x->cur.v[x->cur.n - 1].adj_next = g->adj_out;
        if (!expand(x, items + 1, n - 1)) return false;
        x->cur.n = mark;
    }
    return true;
}

bool vg_dict_add_patterns(vg_dict *d, const char *s, size_t n, const vg_vcode *code,
                     int32_t block, vg_src src, const char **why)
{
    pitem_vec items = {0};
    bool ok = parse_items(d, s, n, &items, why);
    /* every item adds at least one element: more than a pattern may hold
     * is rejected before expand() recurses once per item */
    if (ok && items.n > 64) { *why = "pattern too long"; ok = false; }
    if (ok) {
        expand_ctx x = { d, code, block, src, 0, {0}, 0, NULL };
        const char *p = s, *end = s + n;
        skip_spaces(&p, end);
        while (end > p && vg_isspace((unsigned char)end[-1])) end--;
        x.text = vg_dict_strdup(d, p, (size_t)(end - p));
        ok = expand(&x, items.v, items.n);
        if (!ok) *why = x.why;
        vg_vec_free(&x.cur);
    }
    free_items(&items);
    return ok;
}

/* ---- entries ---- */

int32_t vg_dict_add_entry(vg_dict *d, vg_pkind kind, const vg_phrase *ph, int32_t ref,
                     vg_src src, vg_str text)
{
    vg_entry e = {0};
    e.ph = *ph;
    e.kind = (uint8_t)kind;
    e.ref = ref;
    e.seq = (uint32_t)d->entries.n;
    e.src = src;
    e.text = text;
    /* regular endings apply to the final word (the verb word for verbs) */
    int endings = VG_END_NOUN;
    size_t at = ph->n - 1;
    if (kind == VG_PK_VERB) {
        endings = VG_END_VERB;
        int16_t vw = d->verbforms.v[ref].verb_word;
        if (vw >= 0) at = (size_t)vw;
    } else if (kind == VG_PK_ISSUE) {
        vg_vec_push(&d->entries, e);          /* issue phrases carry their own endings */
        return (int32_t)d->entries.n - 1;
    }
    vg_elem *w = vg_phrase_elems_mut(d, &e.ph);
    for (size_t i = 0; i < ph->n; i++) w[i].endings = VG_END_NONE;
    if (w[at].mode == VG_WM_EXACT) w[at].endings = (uint8_t)endings;
    vg_vec_push(&d->entries, e);
    return (int32_t)d->entries.n - 1;
}

int32_t vg_dict_add_actor(vg_dict *d, const vg_dated *codes, size_t ncodes,
                     const int32_t *phrases, size_t nphrases, vg_src src)
{
    vg_actor a = { (uint32_t)d->dated.n, 0, nphrases ? phrases[0] : -1, src };
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < ncodes; i++)
            if (codes[i].has_date == (pass == 0)) {
                vg_vec_push(&d->dated, codes[i]);
                a.ndated++;
            }
    vg_vec_push(&d->actors, a);
    int32_t id = (int32_t)d->actors.n - 1;
    for (size_t i = 0; i < nphrases; i++) d->entries.v[phrases[i]].ref = id;
    return id;
}

/* ---- word matching ---- */

static bool ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && !memcmp(s + n - k, suf, k);
}

static bool noun_ending(const char *ws, size_t wn, const char *rest, size_t rn)
{
    if (rn == 1 && rest[0] == 'S') return true;
    if (rn == 2 && (!memcmp(rest, "'S", 2) || !memcmp(rest, "ES", 2) || !memcmp(rest, "S'", 2)))
        return true;
    if (rn == 1 && rest[0] == '\'' && ws[wn - 1] == 'S') return true;
    return false;
}

static bool verb_ending(const char *rest, size_t rn)
{
    switch (rn) {
    case 1: return rest[0] == 'S';
    case 2: return (rest[0] == 'E' && (rest[1] == 'S' || rest[1] == 'D' || rest[1] == 'N'));
    case 3: return !memcmp(rest, "ING", 3);
    default: return false;
    }
}

/* Endings that change the stem's last letter: DEPLORE -> DEPLORED, DEPLORING;
 * TRY -> TRIED; PLAN -> PLANNED. */
static bool verb_variant(const char *s, size_t n, const char *t, size_t tlen)
{
    if (n < 2) return false;
    char last = s[n - 1];
    if (last == 'E') {
        if (tlen == n + 1 && !memcmp(t, s, n) && (t[n] == 'D' || t[n] == 'N')) return true;
        if (tlen == n + 2 && !memcmp(t, s, n - 1) && !memcmp(t + n - 1, "ING", 3)) return true;
    }
    if (last == 'Y' && tlen == n + 2 && !memcmp(t, s, n - 1) &&
        (!memcmp(t + n - 1, "IED", 3) || !memcmp(t + n - 1, "IES", 3)))
        return true;
    bool consonant = vg_isalpha((unsigned char)last) && !strchr("AEIOUWXY", last);
    if (consonant && tlen > n + 1 && !memcmp(t, s, n) && t[n] == last &&
        (ends_with(t, tlen, "ED") || ends_with(t, tlen, "ING")) &&
        (tlen == n + 3 || tlen == n + 4))
        return true;
    return false;
}

static bool elem_match(const char *ws, const vg_elem *w, const char *t, size_t tlen)
{
    size_t wn = w->len;
    if (tlen < wn || memcmp(t, ws, wn) != 0) {
        if (w->mode == VG_WM_EXACT && w->endings == VG_END_VERB)
            return verb_variant(ws, wn, t, tlen);
        if (w->mode == VG_WM_EXACT && w->endings == VG_END_NOUN && wn >= 2 &&
            ws[wn - 1] == 'Y' && tlen == wn + 2 &&
            !memcmp(t, ws, wn - 1) && !memcmp(t + wn - 1, "IES", 3))
            return true;
        return false;
    }
    if (tlen == wn || w->mode == VG_WM_STEM) return true;
    if (w->mode == VG_WM_NOEND) return false;
    const char *rest = t + wn;
    size_t rn = tlen - wn;
    switch (w->endings) {
    case VG_END_NOUN: return noun_ending(ws, wn, rest, rn);
    case VG_END_VERB: return verb_ending(rest, rn) || verb_variant(ws, wn, t, tlen);
    default: return false;
    }
}

bool vg_elem_match(const vg_dict *d, const vg_elem *w, const char *t, size_t tlen)
{
    return elem_match(vg_elem_word(d, w), w, t, tlen);
}

/* ---- compile and lookup ---- */

/* Stable sort by (block, weight desc, load order). */
static void sort_patterns(vg_dict *d)
{
    size_t n = d->patterns.n;
    vg_pattern *tmp = vg_malloc((n ? n : 1) * sizeof *tmp);
    size_t *order = vg_malloc((n ? n : 1) * sizeof *order);
    /* insertion by index keeps load order for equal keys */
    for (size_t i = 0; i < n; i++) order[i] = i;
    /* merge sort on order[] */
    size_t *buf = vg_malloc((n ? n : 1) * sizeof *buf);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                const vg_pattern *a = &d->patterns.v[order[i]], *b = &d->patterns.v[order[j]];
                bool take_b = a->block > b->block ||
                              (a->block == b->block && b->weight > a->weight);
                buf[k++] = take_b ? order[j++] : order[i++];
            }
            while (i < mid) buf[k++] = order[i++];
            while (j < hi) buf[k++] = order[j++];
        }
        memcpy(order, buf, n * sizeof *order);
    }
    for (size_t i = 0; i < n; i++) tmp[i] = d->patterns.v[order[i]];
    if (n) memcpy(d->patterns.v, tmp, n * sizeof *tmp);
    free(tmp);
    free(order);
    free(buf);
    for (size_t b = 0; b < d->blocks.n; b++) d->blocks.v[b].npat = 0;
    for (size_t i = 0; i < n; i++) {
        vg_vblock *blk = &d->blocks.v[d->patterns.v[i].block];
        if (blk->npat == 0) blk->pat = (uint32_t)i;
        blk->npat++;
    }
}

static int entry_cmp_ctx_weight(const vg_dict *d, int32_t a, int32_t b)
{
    const vg_entry *x = &d->entries.v[a], *y = &d->entries.v[b];
    if (x->ph.weight != y->ph.weight) return x->ph.weight > y->ph.weight ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Sorts entry ids heavier first, then in load order.  Short lists (the
 * usual case) by insertion; long ones -- a million actors can share a
 * first word -- by a bottom-up merge sort, so the work stays n log n.  The
 * order is total (load order breaks ties): both give the same result. */
static void sort_entries(const vg_dict *d, int32_t *v, size_t n)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            int32_t x = v[i];
            size_t j = i;
            while (j > 0 && entry_cmp_ctx_weight(d, v[j - 1], x) > 0) { v[j] = v[j - 1]; j--; }
            v[j] = x;
        }
        return;
    }
    int32_t *buf = vg_malloc(n * sizeof *buf), *src = v, *dst = buf;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = entry_cmp_ctx_weight(d, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        int32_t *t = src; src = dst; dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
    free(buf);
}

/* ---- word tables ---- */

static uint32_t word_hash32(uint64_t h) { return (uint32_t)(h ^ (h >> 32)); }

/* A word table being built: keys and a temporary map from word to key. */
typedef struct wtab_build {
    vg_vec_vg_wkey *keys;
    vg_strmap map;
} wtab_build;

/* The key of word s[0..n) (appending it when new); its index. */
static uint32_t wtab_key(vg_dict *d, wtab_build *tb, const char *s, size_t n, vg_str str)
{
    int k = vg_strmap_getn(&tb->map, s, n);
    if (k >= 0) return (uint32_t)k;
    vg_wkey key = { word_hash32(vg_hash_bytes(s, n)), str, (uint32_t)n };
    (void)d;
    vg_vec_push(tb->keys, key);
    vg_strmap_putn(&tb->map, s, n, (int)tb->keys->n - 1);
    return (uint32_t)tb->keys->n - 1;
}

/* Fills the slots of a table over keys: twice as many as keys, a power of
 * two, so that probing always meets an empty slot. */
static void wtab_slots(u32vec *slots, const vg_wkey *keys, size_t nkeys)
{
    size_t cap = 16;
    while (cap < 2 * nkeys + 2) cap *= 2;
    slots->v = vg_calloc(cap, sizeof *slots->v);
    slots->n = slots->cap = cap;
    for (size_t k = 0; k < nkeys; k++) {
        size_t i = keys[k].hash & (cap - 1);
        while (slots->v[i]) i = (i + 1) & (cap - 1);
        slots->v[i] = (uint32_t)k + 1;
    }
}

/* The key of word s[0..n) with FNV-1a hash h in a table; -1 if none. */
static int wtab_find(const vg_dict *d, const uint32_t *slots, size_t cap, const vg_wkey *keys,
                     const char *s, size_t n, uint64_t h)
{
    if (!cap) return -1;
    uint32_t h32 = word_hash32(h);
    size_t mask = cap - 1;
    for (size_t i = h32 & mask;; i = (i + 1) & mask) {
        uint32_t k = slots[i];
        if (!k) return -1;
        const vg_wkey *key = &keys[k - 1];
        if (key->hash == h32 && key->len == n && !memcmp(d->strs.v + key->s, s, n))
            return (int)(k - 1);
    }
}

static void build_index(vg_dict *d)
{
    vg_dict_index *ix = &d->ix;
    index_free(ix);
    wtab_build tb = { &ix->first_keys, {0} };
    u32vec bucket_of = {0}, counts = {0};
    for (size_t i = 0; i < d->entries.n; i++) {
        const vg_elem *w = vg_phrase_elems(d, &d->entries.v[i].ph);
        uint32_t b = wtab_key(d, &tb, vg_elem_word(d, w), w->len, w->s);
        if (b == counts.n) vg_vec_push(&counts, 0);
        counts.v[b]++;
        vg_vec_push(&bucket_of, b);
        if (w->len > ix->maxlen) ix->maxlen = w->len;
    }
    vg_strmap_free(&tb.map);
    wtab_slots(&ix->first_slots, ix->first_keys.v, ix->first_keys.n);
    vg_vec_reserve(&ix->bucket_at, counts.n + 1);
    uint32_t at = 0;
    for (size_t b = 0; b < counts.n; b++) {
        ix->bucket_at.v[b] = at;
        at += counts.v[b];
        counts.v[b] = ix->bucket_at.v[b];
    }
    ix->bucket_at.v[counts.n] = at;
    ix->bucket_at.n = counts.n + 1;
    vg_vec_reserve(&ix->items, at);
    ix->items.n = at;
    for (size_t i = 0; i < d->entries.n; i++)
        ix->items.v[counts.v[bucket_of.v[i]]++] = (int32_t)i;
    /* sort each bucket: heavier first, then load order */
    for (size_t b = 0; b + 1 < ix->bucket_at.n; b++)
        sort_entries(d, vg_vec_at(&ix->items, ix->bucket_at.v[b]),
                     ix->bucket_at.v[b + 1] - ix->bucket_at.v[b]);
    vg_vec_free(&bucket_of);
    vg_vec_free(&counts);
}

static int literal_id(vg_dict *d, vg_strmap *ids, const vg_elem *e)
{
    char key[300];
    snprintf(key, sizeof key, "%.*s\1%d\1%d", (int)e->len, vg_elem_word(d, e), e->mode,
             e->endings);
    int id = vg_strmap_get(ids, key);
    if (id < 0) {
        id = (int)d->ix.lits.n;
        vg_elem l = *e;
        l.adj_next = 0;
        l.synset = -1;
        vg_vec_push(&d->ix.lits, l);
        vg_strmap_put(ids, key, id);
    }
    return id;
}

static void push_unique(u32vec *v, size_t from, uint32_t x, uint16_t *count)
{
    for (size_t j = from; j < v->n; j++)
        if (v->v[j] == x) return;
    vg_vec_push(v, x);
    (*count)++;
}

/* Literal and synset ids of every pattern, first-word literals of synset
 * members, and a by-text index of the literals. */
static void build_literals(vg_dict *d)
{
    vg_dict_index *ix = &d->ix;
    vg_strmap ids = {0};
    for (size_t p = 0; p < d->patterns.n; p++) {
        vg_pattern *pt = &d->patterns.v[p];
        const vg_elem *e = d->elems.v + pt->e;
        pt->lit = (uint32_t)ix->pat_lits.n;
        pt->nlit = pt->nsyn = 0;
        uint64_t mask[2] = { 0, 0 };
        for (uint16_t k = 0; k < pt->n; k++)
            if (e[k].type == VG_EL_WORD) {
                uint32_t id = (uint32_t)literal_id(d, &ids, &e[k]);
                push_unique(&ix->pat_lits, pt->lit, id, &pt->nlit);
                mask[(id >> 6) & 1] |= (uint64_t)1 << (id & 63);
            }
        vg_vec_push(&ix->pat_mask, mask[0]);
        vg_vec_push(&ix->pat_mask, mask[1]);
        size_t syn_from = ix->pat_lits.n;
        for (uint16_t k = 0; k < pt->n; k++)
            if (e[k].type == VG_EL_SYNSET)
                push_unique(&ix->pat_lits, syn_from, (uint32_t)e[k].synset, &pt->nsyn);
    }
    for (size_t sidx = 0; sidx < d->synsets.n; sidx++) {
        const vg_synset *ss = &d->synsets.v[sidx];
        vg_vec_push(&ix->syn_at, (uint32_t)ix->syn_first.n);
        for (size_t k = 0; k < ss->nmembers; k++) {
            const vg_elem *e = vg_phrase_elems(d, &d->synmem.v[ss->members + k]);
            uint32_t id = e->type == VG_EL_WORD ? (uint32_t)literal_id(d, &ids, e) : UINT32_MAX;
            vg_vec_push(&ix->syn_first, id);
        }
    }
    vg_vec_push(&ix->syn_at, (uint32_t)ix->syn_first.n);
    for (size_t e = 0; e < d->entries.n; e++) {
        const vg_phrase *ph = &d->entries.v[e].ph;
        const vg_elem *w = vg_phrase_elems(d, ph);
        vg_vec_push(&ix->ent_at, (uint32_t)ix->ent_lits.n);
        uint64_t mask[2] = { 0, 0 };
        for (uint16_t k = 1; k < ph->n; k++)
            if (w[k].type == VG_EL_WORD) {
                uint32_t id = (uint32_t)literal_id(d, &ids, &w[k]);
                vg_vec_push(&ix->ent_lits, id);
                mask[(id >> 6) & 1] |= (uint64_t)1 << (id & 63);
            }
        vg_vec_push(&ix->ent_mask, mask[0]);
        vg_vec_push(&ix->ent_mask, mask[1]);
    }
    vg_vec_push(&ix->ent_at, (uint32_t)ix->ent_lits.n);
    vg_strmap_free(&ids);
    /* group literal ids by their text */
    wtab_build tb = { &ix->lit_keys, {0} };
    u32vec count = {0}, bucket = {0};
    for (size_t i = 0; i < ix->lits.n; i++) {
        const vg_elem *e = &ix->lits.v[i];
        uint32_t b = wtab_key(d, &tb, vg_elem_word(d, e), e->len, e->s);
        if (b == count.n) vg_vec_push(&count, 0);
        count.v[b]++;
        vg_vec_push(&bucket, b);
        if (e->len > ix->lit_maxlen) ix->lit_maxlen = e->len;
    }
    vg_strmap_free(&tb.map);
    wtab_slots(&ix->lit_slots, ix->lit_keys.v, ix->lit_keys.n);
    vg_vec_reserve(&ix->lit_at, count.n + 1);
    uint32_t at = 0;
    for (size_t b = 0; b < count.n; b++) { ix->lit_at.v[b] = at; at += count.v[b]; count.v[b] = ix->lit_at.v[b]; }
    ix->lit_at.v[count.n] = at;
    ix->lit_at.n = count.n + 1;
    vg_vec_reserve(&ix->lit_items, at);
    ix->lit_items.n = at;
    for (size_t i = 0; i < ix->lits.n; i++) ix->lit_items.v[count.v[bucket.v[i]]++] = (int32_t)i;
    vg_vec_free(&count);
    vg_vec_free(&bucket);
}

void vg_dict_compile(vg_dict *d)
{
    if (d->map) return;                   /* a mapped image is compiled */
    sort_patterns(d);
    build_index(d);
    build_literals(d);
    d->compiled = true;
}

static void vg_dict_mark_literals(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                                  const vg_tokens *tk, vg_litset *ls);


#define VMEMO 512             /* slots: a sentence has at most 127 words */

struct vg_synmemo {
    uint32_t *stamp;          /* per synset: members listed for this stamp */
    uint32_t *at, *n;         /* per synset: its list in members */
    u32vec members;
    /* per word of the sentence (by word cache id, in a small table that
     * stays in the cache): its entries whose later words all occur in the
     * sentence, listed once per sentence (vg_dict_find) */
    struct vmemo { uint32_t stamp, w, at, n; } vm[VMEMO];
    uint32_t vm_used;
    i32vec viable;
};

void vg_litset_init(vg_litset *ls, const vg_dict *d)
{
    size_t nl = d->ix.lits.n + 1, ns = d->synsets.n + 1;
    ls->lit = vg_calloc(nl, sizeof *ls->lit);
    ls->syn = vg_calloc(1, sizeof *ls->syn);
    ls->syn->stamp = vg_calloc(ns, sizeof *ls->syn->stamp);
    ls->syn->at = vg_calloc(ns, sizeof *ls->syn->at);
    ls->syn->n = vg_calloc(ns, sizeof *ls->syn->n);
    ls->stamp = 0;
    ls->mask[0] = ls->mask[1] = 0;
}

void vg_litset_free(vg_litset *ls)
{
    free(ls->lit);
    if (ls->syn) {
        free(ls->syn->stamp);
        free(ls->syn->at);
        free(ls->syn->n);
        vg_vec_free(&ls->syn->members);
        vg_vec_free(&ls->syn->viable);
        free(ls->syn);
    }
}

void vg_litset_mark(vg_litset *ls, const vg_dict *d, vg_wordcache *wc,
                    const uint32_t *winfo, const vg_tokens *tk)
{
    if (++ls->stamp == 0) {
        memset(ls->lit, 0, (d->ix.lits.n + 1) * sizeof *ls->lit);
        memset(ls->syn->stamp, 0, (d->synsets.n + 1) * sizeof *ls->syn->stamp);
        memset(ls->syn->vm, 0, sizeof ls->syn->vm);
        ls->stamp = 1;
    }
    ls->syn->members.n = 0;
    ls->syn->viable.n = 0;
    ls->syn->vm_used = 0;
    ls->mask[0] = ls->mask[1] = 0;
    vg_dict_mark_literals(d, wc, winfo, tk, ls);
}

const uint32_t *vg_synset_members(const vg_dict *d, int32_t s, const vg_litset *ls, size_t *n)
{
    struct vg_synmemo *sm = ls->syn;
    if (sm->stamp[s] != ls->stamp) {
        const vg_dict_index *ix = &d->ix;
        sm->stamp[s] = ls->stamp;
        sm->at[s] = (uint32_t)sm->members.n;
        size_t count = d->synsets.v[s].nmembers;
        const uint32_t *first = vg_vec_at(&ix->syn_first, ix->syn_at.v[s]);
        for (size_t k = 0; k < count; k++)
            if (first[k] == UINT32_MAX || ls->lit[first[k]] == ls->stamp)
                vg_vec_push(&sm->members, (uint32_t)k);
        sm->n[s] = (uint32_t)(sm->members.n - sm->at[s]);
    }
    *n = sm->n[s];
    return vg_vec_at(&sm->members, sm->at[s]);
}

bool vg_pattern_viable(const vg_dict *d, const vg_pattern *p, const vg_litset *ls)
{
    if (!vg_pattern_may_match(d, (size_t)(p - d->patterns.v), ls)) return false;
    const uint32_t *ids = vg_vec_at(&d->ix.pat_lits, p->lit);
    for (uint16_t k = 0; k < p->nlit; k++)
        if (ls->lit[ids[k]] != ls->stamp) return false;
    for (uint16_t k = 0; k < p->nsyn; k++) {
        size_t n;
        vg_synset_members(d, (int32_t)ids[p->nlit + k], ls, &n);
        if (!n) return false;
    }
    return true;
}

static bool token_matchable(const vg_tokens *tk, size_t i)
{
    uint8_t k = tk->t.v[i].kind;
    return k == VG_TK_WORD || k == VG_TK_NUM;
}

/* Matches words 1..n-1 of a phrase after its first word at token i. */
static bool match_rest(const vg_dict *d, const vg_phrase *ph, const vg_tokens *tk, size_t i,
                       size_t lim, const uint8_t *skip, vg_hit *h)
{
    size_t at = i;
    const vg_elem *pw = vg_phrase_elems(d, ph);
    h->pos[0] = (uint16_t)i;
    for (size_t k = 1; k < ph->n; k++) {
        const vg_elem *w = &pw[k];
        bool adj = pw[k - 1].adj_next;
        size_t j = at + 1;
        bool found = false;
        for (; j < lim; j++) {
            if (skip && skip[j]) { if (adj) break; continue; }
            if (token_matchable(tk, j) &&
                vg_elem_match(d, w, vg_tok_norm(tk, j), tk->t.v[j].nlen)) {
                found = true;
                break;
            }
            if (adj) break;
        }
        if (!found) return false;
        at = j;
        h->pos[k] = (uint16_t)j;
    }
    h->first = (uint16_t)i;
    h->last = (uint16_t)at;
    h->nwords = ph->n;
    return true;
}

/* ---- word cache ---- */

typedef struct wc_info {
    uint32_t ent, lit, scan;
    uint32_t nent, nlit, nscan;
} wc_info;

/* A slot of the cache's table: four to a cache line. */
typedef struct wc_slot {
    uint32_t hash, info;      /* info: index into infos plus one; 0: empty */
    uint32_t key, len;        /* the word: keys.v[key .. key + len) */
} wc_slot;

/* What viable_entries needs of an entry, beside its id in the cache's list
 * (read in order, not from the dictionary's arrays at random). */
typedef struct wc_emask {
    uint64_t m[2];            /* ent_mask */
    uint32_t at, n;           /* its literals: ent_lits[at .. at + n) */
} wc_emask;

enum { WORDCACHE_WORDS = 200000 };

struct vg_wordcache {
    const vg_dict *d;
    uint32_t generation;      /* emptied this many times */
    size_t limit;             /* distinct words before it empties itself */
    VG_VEC(wc_slot) slots;    /* open addressing; a power of two, at most half full */
    vg_vec_char keys;
    VG_VEC(wc_info) infos;
    i32vec ents;              /* actors, agents, verbs, nouns, adjectives */
    VG_VEC(wc_emask) emask;   /* beside ents */
    i32vec scans;             /* discards and issues (vg_dict_scan) */
    u32vec lits;
};

vg_wordcache *vg_wordcache_new(const vg_dict *d)
{
    vg_wordcache *wc = vg_calloc(1, sizeof *wc);
    wc->d = d;
    wc->limit = WORDCACHE_WORDS;
    return wc;
}

void vg_wordcache_set_limit(vg_wordcache *wc, size_t words)
{
    wc->limit = words ? words : WORDCACHE_WORDS;
}

uint32_t vg_wordcache_generation(const vg_wordcache *wc) { return wc->generation; }

void vg_wordcache_free(vg_wordcache *wc)
{
    if (!wc) return;
    vg_vec_free(&wc->slots);
    vg_vec_free(&wc->keys);
    vg_vec_free(&wc->infos);
    vg_vec_free(&wc->ents);
    vg_vec_free(&wc->emask);
    vg_vec_free(&wc->scans);
    vg_vec_free(&wc->lits);
    free(wc);
}

/* Dictionary words a token can match are its prefixes, plus the bases of
 * endings that change the last letter: FACILITIES <- FACILITY, TRIED <- TRY,
 * DEPLORING <- DEPLORE.  Calls fn(key, len, hash) for each candidate. */
typedef void (*key_fn)(const vg_dict *d, const char *k, size_t n, uint64_t h,
                       const char *t, size_t tlen, void *out);

static void each_key(const vg_dict *d, const char *t, size_t tlen, size_t maxlen,
                     key_fn fn, void *out)
{
    size_t maxk = tlen < maxlen ? tlen : maxlen;
    uint64_t hv = VG_HASH_INIT;
    for (size_t k = 1; k <= maxk; k++) {
        hv = vg_hash_step(hv, (unsigned char)t[k - 1]);
        fn(d, t, k, hv, t, tlen, out);
    }
    if (tlen < 5 || tlen > 200) return;
    char base[208];
    const char *end = t + tlen - 3;
    if (!memcmp(end, "IES", 3) || !memcmp(end, "IED", 3) || !memcmp(end, "ING", 3)) {
        memcpy(base, t, tlen - 3);
        base[tlen - 3] = end[1] == 'N' ? 'E' : 'Y';
        size_t bn = tlen - 2;
        if (bn <= maxlen) fn(d, base, bn, vg_hash_bytes(base, bn), t, tlen, out);
    }
}

typedef struct entry_lists { i32vec *ents, *scans; } entry_lists;

static void entry_key(const vg_dict *d, const char *k, size_t n, uint64_t h,
                      const char *t, size_t tlen, void *out)
{
    const vg_dict_index *ix = &d->ix;
    entry_lists *el = out;
    int b = wtab_find(d, ix->first_slots.v, ix->first_slots.n, ix->first_keys.v, k, n, h);
    if (b < 0) return;
    for (uint32_t q = ix->bucket_at.v[b]; q < ix->bucket_at.v[b + 1]; q++) {
        int32_t id = ix->items.v[q];
        const vg_entry *e = &d->entries.v[id];
        if (!vg_elem_match(d, vg_phrase_elems(d, &e->ph), t, tlen)) continue;
        bool scan = e->kind == VG_PK_DISCARD || e->kind == VG_PK_ISSUE;
        vg_vec_push(scan ? el->scans : el->ents, id);
    }
}

static void literal_key(const vg_dict *d, const char *k, size_t n, uint64_t h,
                        const char *t, size_t tlen, void *out)
{
    const vg_dict_index *ix = &d->ix;
    int b = wtab_find(d, ix->lit_slots.v, ix->lit_slots.n, ix->lit_keys.v, k, n, h);
    if (b < 0) return;
    for (uint32_t q = ix->lit_at.v[b]; q < ix->lit_at.v[b + 1]; q++) {
        int32_t id = ix->lit_items.v[q];
        if (vg_elem_match(d, &ix->lits.v[id], t, tlen)) vg_vec_push((u32vec *)out, (uint32_t)id);
    }
}

/* Entries whose first word matches t: phrases best first, then discards
 * and issues. */
static void word_entries(const vg_dict *d, const char *t, size_t tlen, i32vec *ents,
                         i32vec *scans)
{
    size_t start = ents->n;
    entry_lists el = { ents, scans };
    each_key(d, t, tlen, d->ix.maxlen, entry_key, &el);
    sort_entries(d, vg_vec_at(ents, start), ents->n - start);
}

static void word_literals(const vg_dict *d, const char *t, size_t tlen, u32vec *out)
{
    each_key(d, t, tlen, d->ix.lit_maxlen, literal_key, out);
}

static void wc_grow(vg_wordcache *wc)
{
    size_t cap = wc->slots.n ? 2 * wc->slots.n : 1024;
    wc_slot *old = wc->slots.v;
    size_t oldn = wc->slots.n;
    wc->slots.v = vg_grow(NULL, 0, cap * sizeof *wc->slots.v);   /* huge pages when large */
    memset(wc->slots.v, 0, cap * sizeof *wc->slots.v);
    wc->slots.n = wc->slots.cap = cap;
    for (size_t i = 0; i < oldn; i++) {
        if (!old[i].info) continue;
        size_t j = old[i].hash & (cap - 1);
        while (wc->slots.v[j].info) j = (j + 1) & (cap - 1);
        wc->slots.v[j] = old[i];
    }
    free(old);
}

static uint32_t word_info(vg_wordcache *wc, const char *t, size_t tlen)
{
    uint32_t h = 2166136261u;                 /* FNV-1a */
    for (size_t i = 0; i < tlen; i++) h = (h ^ (unsigned char)t[i]) * 16777619u;
    if ((wc->infos.n + 1) * 2 > wc->slots.n) wc_grow(wc);
    size_t mask = wc->slots.n - 1, at = h & mask;
    for (;; at = (at + 1) & mask) {
        const wc_slot *sl = &wc->slots.v[at];
        if (!sl->info) break;
        /* an empty word has no key bytes (keys.v may still be NULL) */
        if (sl->hash == h && sl->len == tlen && (!tlen || !memcmp(wc->keys.v + sl->key, t, tlen)))
            return sl->info - 1;
    }
    wc_slot *sl = &wc->slots.v[at];
    sl->hash = h;
    sl->info = (uint32_t)wc->infos.n + 1;
    sl->key = (uint32_t)wc->keys.n;
    sl->len = (uint32_t)tlen;
    vg_vec_reserve(&wc->keys, wc->keys.n + tlen);
    if (tlen) memcpy(wc->keys.v + wc->keys.n, t, tlen);
    wc->keys.n += tlen;
    wc_info in = { (uint32_t)wc->ents.n, (uint32_t)wc->lits.n, (uint32_t)wc->scans.n, 0, 0, 0 };
    word_entries(wc->d, t, tlen, &wc->ents, &wc->scans);
    word_literals(wc->d, t, tlen, &wc->lits);
    /* a pattern's article stands for both forms outside TABARI mode (the
     * matcher's article_alt): "AN" makes the patterns with "A" viable */
    if (!wc->d->opt.tabari_compat && tlen && tlen <= 2 && t[0] == 'A') {
        if (tlen == 1) word_literals(wc->d, "AN", 2, &wc->lits);
        else if (t[1] == 'N') word_literals(wc->d, "A", 1, &wc->lits);
    }
    in.nent = (uint32_t)wc->ents.n - in.ent;
    const vg_dict_index *ix = &wc->d->ix;
    vg_vec_reserve(&wc->emask, wc->ents.n);
    for (size_t k = wc->emask.n; k < wc->ents.n; k++) {
        size_t e = (size_t)wc->ents.v[k];
        wc_emask em = { { ix->ent_mask.v[2 * e], ix->ent_mask.v[2 * e + 1] }, ix->ent_at.v[e],
                        ix->ent_at.v[e + 1] - ix->ent_at.v[e] };
        wc->emask.v[k] = em;
    }
    wc->emask.n = wc->ents.n;
    in.nlit = (uint32_t)wc->lits.n - in.lit;
    in.nscan = (uint32_t)wc->scans.n - in.scan;
    vg_vec_push(&wc->infos, in);
    return (uint32_t)wc->infos.n - 1;
}

void vg_dict_lookup(const vg_dict *d, vg_wordcache *wc, const vg_tokens *tk, uint32_t *winfo)
{
    /* one sentence must not be split by a cache reset: make room first */
    if (wc->infos.n + tk->t.n > wc->limit || wc->ents.n > 4000000 || wc->lits.n > 4000000 ||
        wc->scans.n > 4000000 || wc->keys.n > 64000000) {
        if (wc->slots.n) memset(wc->slots.v, 0, wc->slots.n * sizeof *wc->slots.v);
        wc->infos.n = wc->ents.n = wc->lits.n = wc->scans.n = wc->keys.n = wc->emask.n = 0;
        wc->generation++;
    }
    for (size_t i = 0; i < tk->t.n; i++)
        winfo[i] = d->compiled && token_matchable(tk, i)
                       ? word_info(wc, vg_tok_norm(tk, i), tk->t.v[i].nlen) : UINT32_MAX;
}

/* The entries of word w that can occur in the sentence (best first): those
 * whose later words all occur in it (the literal bits first, then the
 * literals), filtered once per sentence: a word repeated in a sentence, or
 * sharing its first word with a million phrases, costs the list's length
 * once. */
static const int32_t *viable_entries(const vg_dict *d, const vg_wordcache *wc, uint32_t w,
                                     const vg_litset *ls, size_t *n)
{
    struct vg_synmemo *sm = ls->syn;
    struct vmemo *m = NULL;
    if (sm->vm_used < VMEMO / 2) {
        for (uint32_t i = (w * 2654435761u) >> 23;; i = (i + 1) & (VMEMO - 1)) {
            m = &sm->vm[i];
            if (m->stamp != ls->stamp) break;
            if (m->w == w) {
                *n = m->n;
                return vg_vec_at(&sm->viable, m->at);
            }
        }
        sm->vm_used++;
    }
    const wc_info *in = &wc->infos.v[w];
    uint32_t at = (uint32_t)sm->viable.n;
    const int32_t *ids = vg_vec_at(&wc->ents, in->ent);
    const wc_emask *em = vg_vec_at(&wc->emask, in->ent);
    uint64_t miss0 = ~ls->mask[0], miss1 = ~ls->mask[1];
    const uint32_t *lits = d->ix.ent_lits.v;
    for (uint32_t k = 0; k < in->nent; k++) {
        if ((em[k].m[0] & miss0) | (em[k].m[1] & miss1)) continue;
        bool ok = true;
        for (uint32_t j = 0; j < em[k].n && ok; j++) ok = ls->lit[lits[em[k].at + j]] == ls->stamp;
        if (ok) vg_vec_push(&sm->viable, ids[k]);
    }
    *n = sm->viable.n - at;
    if (m) *m = (struct vmemo){ ls->stamp, w, at, (uint32_t)*n };
    return vg_vec_at(&sm->viable, at);
}

bool vg_dict_find(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                  const vg_litset *ls, const vg_tokens *tk, size_t i, size_t lim,
                  unsigned kinds, const uint8_t *skip, vg_hit *out)
{
    if (i >= tk->t.n || winfo[i] == UINT32_MAX) return false;
    const wc_info *in = &wc->infos.v[winfo[i]];
    size_t n = in->nent;
    const int32_t *ids = vg_vec_at(&wc->ents, in->ent);
    if (ls) ids = viable_entries(d, wc, winfo[i], ls, &n);
    for (size_t k = 0; k < n; k++) {
        int32_t id = ids[k];
        const vg_entry *e = &d->entries.v[id];
        if (!(kinds & (1u << e->kind))) continue;
        if (!match_rest(d, &e->ph, tk, i, lim, skip, out)) continue;
        out->entry = id;
        return true;
    }
    return false;
}

size_t vg_dict_scan(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                    const vg_tokens *tk, vg_scan_fn fn, void *ctx)
{
    size_t found = 0;
    for (size_t i = 0; i < tk->t.n; i++) {
        if (winfo[i] == UINT32_MAX) continue;
        const wc_info *in = &wc->infos.v[winfo[i]];
        for (uint32_t k = 0; k < in->nscan; k++) {
            vg_hit h;
            int32_t id = wc->scans.v[in->scan + k];
            if (!match_rest(d, &d->entries.v[id].ph, tk, i, tk->t.n, NULL, &h)) continue;
            h.entry = id;
            fn(ctx, &h);
            found++;
        }
    }
    return found;
}

static void vg_dict_mark_literals(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                                  const vg_tokens *tk, vg_litset *ls)
{
    (void)d;
    uint32_t *present = ls->lit, stamp = ls->stamp;
    for (size_t i = 0; i < tk->t.n; i++) {
        if (winfo[i] == UINT32_MAX) continue;
        const wc_info *in = &wc->infos.v[winfo[i]];
        for (uint32_t k = 0; k < in->nlit; k++) {
            uint32_t id = wc->lits.v[in->lit + k];
            present[id] = stamp;
            ls->mask[(id >> 6) & 1] |= (uint64_t)1 << (id & 63);
        }
    }
}

const vg_dated *vg_actor_code(const vg_dict *d, int32_t actor, int32_t date)
{
    const vg_actor *a = &d->actors.v[actor];
    const vg_dated *deflt = NULL;
    for (uint32_t i = 0; i < a->ndated; i++) {
        const vg_dated *c = &d->dated.v[a->dated + i];
        if (!c->has_date) { if (!deflt) deflt = c; continue; }
        if (date >= c->from && date <= c->to) return c;
    }
    return deflt;
}

/* ---- builders shared by the loaders ---- */

bool vg_dict_add_agent(vg_dict *d, const char *code_text, size_t n, vg_src src,
                  const char **why)
{
    char buf[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof buf - 1; i++)
        if (!vg_isspace((unsigned char)code_text[i])) buf[k++] = code_text[i];
    buf[k] = '\0';
    char *tilde = strchr(buf, '~');
    if (!tilde) { *why = "missing ~ connector in agent code"; return false; }
    vg_agent a = {0};
    a.prefix = tilde != buf;
    if (a.prefix) *tilde = '\0';
    const char *code = a.prefix ? buf : tilde + 1;
    if (!*code) { *why = "empty agent code"; return false; }
    for (const char *q = code; *q; q++)
        if (!vg_isalnum((unsigned char)*q)) { *why = "bad agent code"; return false; }
    a.code = vg_dict_strdup(d, code, strlen(code));
    a.src = src;
    vg_vec_push(&d->agents, a);
    return true;
}

int32_t vg_dict_add_block(vg_dict *d, vg_str name, const vg_vcode *code,
                     vg_vkind kind, vg_src src)
{
    vg_vblock b = {0};
    b.name = name;
    b.code = *code;
    b.kind = (uint32_t)kind;
    b.src = src;
    vg_vec_push(&d->blocks, b);
    return (int32_t)d->blocks.n - 1;
}

int32_t vg_dict_add_verbform(vg_dict *d, const vg_phrase *ph, int32_t block,
                        const vg_vcode *code, int16_t verb_word, vg_src src,
                        vg_str text)
{
    vg_verbform vf = { block, *code, verb_word, src };
    vg_vec_push(&d->verbforms, vf);
    return vg_dict_add_entry(d, VG_PK_VERB, ph, (int32_t)d->verbforms.n - 1, src, text);
}

/* Adds a synset member line ("+DOLLAR", "+&TIETYPES_MEMOS"). */
bool vg_dict_add_synset_member(vg_dict *d, int32_t set, const char *s, size_t n,
                          const char **why)
{
    vg_elems ev = {0};
    bool ok = vg_parse_elems(d, s, n, &ev, why);
    if (ok && ev.n == 0) { *why = "empty synset member"; ok = false; }
    for (size_t i = 0; ok && i < ev.n; i++)
        if (ev.v[i].type == VG_EL_SYNSET && ev.v[i].synset == set) {
            *why = "synset refers to itself";
            ok = false;
        }
    if (ok) {
        vg_phrase ph = vg_phrase_from(d, ev.v, ev.n);
        vg_synset *ss = &d->synsets.v[set];
        /* a synset's members are consecutive in synmem: one that grows
         * after another's moves to the end first */
        if (ss->nmembers && ss->members + ss->nmembers != d->synmem.n) {
            uint32_t at = (uint32_t)d->synmem.n;
            for (uint32_t k = 0; k < ss->nmembers; k++) vg_vec_push(&d->synmem, d->synmem.v[ss->members + k]);
            ss->members = at;
        }
        if (!ss->nmembers) ss->members = (uint32_t)d->synmem.n;
        vg_vec_push(&d->synmem, ph);
        ss->nmembers++;
        if (ph.weight > ss->weight) ss->weight = ph.weight;
    }
    vg_vec_free(&ev);
    return ok;
}

int32_t vg_dict_add_synset(vg_dict *d, const char *name, size_t n)
{
    vg_synset ss = {0};
    ss.name = vg_dict_strdup(d, name, n);
    vg_vec_push(&d->synsets, ss);
    int32_t id = (int32_t)d->synsets.n - 1;
    vg_strmap_putn(&d->synset_names, name, n, id);
    return id;
}

/* ---- files ---- */

bool vg_dict_load_text(vg_dict *d, const char *name, const char *text, size_t len, vg_loader fn,
                  vg_diag *diag)
{
    vg_dict_thaw(d);
    d->compiled = false;
    size_t valid = vg_utf8_valid_len(text, len);
    if (valid == len) return fn(d, name, text, len, diag);
    vg_buf fixed = {0};
    size_t bad = vg_utf8_from_legacy(text, len, &fixed);
    long line = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + valid - p))); p++) line++;
    vg_diag_add(diag, VG_DIAG_WARNING, name, line,
                "%zu byte%s of invalid UTF-8 in this file, read as Windows-1252 (Latin-1); "
                "the first is here", bad, bad == 1 ? "" : "s");
    bool ok = fn(d, name, fixed.s, fixed.len, diag);
    vg_buf_free(&fixed);
    return ok;
}

bool vg_dict_load_file(vg_dict *d, const char *path, vg_loader fn, vg_diag *diag)
{
    size_t len;
    vg_dict_thaw(d);
    vg_dict_note_source(d, path, NULL, 0);
    char *text = vg_read_file(path, &len);
    if (!text) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    vg_dict_note_source(d, path, text, len);
    bool ok = vg_dict_load_text(d, path, text, len, fn, diag);
    free(text);
    return ok;
}
