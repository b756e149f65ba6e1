/* model.c -- see model.h: tasks and classes, features, the model file,
 * prediction and the decider.  Training is in model_train.c. */
#include "model.h"
#include "embedded.h"
#include "ontology.h"
#include "tagger.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ tasks */

static const char *const event_classes[] = { "none", "event" };
static const char *const penta_classes[] = { "0", "1", "2", "3", "4" };
static const char *const root_classes[] = {
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"
};
static const char *const plover_classes[] = {
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "ACCUSE",
    "REQUEST", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT"
};
static const char *const role_classes[] = { "source", "target", "none" };

static const struct {
    const char *name;
    const char *const *classes;
    size_t n;
} tasks[VG_NTASKS] = {
    { "event", event_classes, 2 },
    { "penta", penta_classes, 5 },
    { "root", root_classes, 20 },
    { "plover", plover_classes, 16 },
    { "roles", role_classes, 3 },
};

const char *vg_task_name(vg_task t)
{
    return (unsigned)t < VG_NTASKS ? tasks[t].name : "?";
}

bool vg_task_parse(const char *s, vg_task *out)
{
    for (int t = 0; t < VG_NTASKS; t++)
        if (s && !strcmp(s, tasks[t].name)) { *out = (vg_task)t; return true; }
    if (s && !strcmp(s, "role")) { *out = VG_TASK_ROLES; return true; }
    return false;
}

size_t vg_task_classes(vg_task t, const char *const **names)
{
    if ((unsigned)t >= VG_NTASKS) return 0;
    if (names) *names = tasks[t].classes;
    return tasks[t].n;
}

static bool eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (vg_toupper((unsigned char)*a) != vg_toupper((unsigned char)*b)) return false;
    return *a == *b;
}

int vg_task_class(vg_task t, const char *label)
{
    if (!label || (unsigned)t >= VG_NTASKS) return -1;
    while (vg_isspace((unsigned char)*label)) label++;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", label);
    vg_trim(buf);
    for (size_t k = 0; k < tasks[t].n; k++)
        if (eq_nocase(buf, tasks[t].classes[k])) return (int)k;
    size_t n = strlen(buf);
    bool digits = n > 0;
    for (size_t i = 0; i < n; i++) digits &= vg_isdigit((unsigned char)buf[i]);
    switch (t) {
    case VG_TASK_EVENT:
        if (eq_nocase(buf, "yes") || eq_nocase(buf, "true") || !strcmp(buf, "1")) return 1;
        if (eq_nocase(buf, "no") || eq_nocase(buf, "false") || !strcmp(buf, "0")) return 0;
        return -1;
    case VG_TASK_PENTA:
        for (int k = 0; k < 5; k++)
            if (eq_nocase(buf, vg_penta_name(k))) return k;
        if (eq_nocase(buf, "statement")) return 0;
        return -1;
    case VG_TASK_ROOT:
        /* "1".."20", or a CAMEO code whose root it is */
        if (digits && n == 1) return buf[0] >= '1' ? buf[0] - '1' : -1;
        if (digits && n >= 2 && n <= 4) {
            int r = vg_cameo_root_number(buf);
            return r >= 1 && r <= 20 && (n == 2 || vg_cameo_valid(buf)) ? r - 1 : -1;
        }
        return -1;
    default:
        return -1;
    }
}

/* Roots (bit r-1) whose codes map to PLOVER category k, and the PLOVER
 * categories of each root; from the ontology, once. */
static uint32_t plover_roots[16];
static uint32_t root_plovers[20];
static pthread_once_t plover_once = PTHREAD_ONCE_INIT;

static void plover_init(void)
{
    for (size_t i = 0; i < vg_cameo_count(); i++) {
        const vg_cameo *c = vg_cameo_at(i);
        int r = vg_cameo_root_number(c->root) - 1;
        int k = vg_task_class(VG_TASK_PLOVER, c->plover);
        if (k < 0 || r < 0 || r >= 20) continue;
        plover_roots[k] |= 1u << r;
        root_plovers[r] |= 1u << k;
    }
}

uint32_t vg_model_plover_roots(int k)
{
    pthread_once(&plover_once, plover_init);
    return k >= 0 && k < 16 ? plover_roots[k] : 0;
}

uint32_t vg_model_root_plovers(int r)
{
    pthread_once(&plover_once, plover_init);
    return r >= 0 && r < 20 ? root_plovers[r] : 0;
}

static int root_index_of(const char *code)
{
    int r = vg_cameo_root_number(code);
    return r >= 1 && r <= 20 ? r - 1 : -1;
}

static int penta_of(int root)
{
    return vg_cameo_penta_of_root_index(root);
}

const char *vg_method_name(int method)
{
    switch (method) {
    case VG_METHOD_MODEL: return "model";
    case VG_METHOD_BOTH: return "both";
    default: return "dictionary";
    }
}

/* ============================================================= features */

void vg_feats_clear(vg_feats *f)
{
    f->id.n = 0;
    f->name.n = 0;
    f->nscratch = 0;
}

void vg_feats_free(vg_feats *f)
{
    vg_vec_free(&f->id);
    vg_vec_free(&f->name);
}

static uint32_t fold(uint64_t h) { return (uint32_t)(h ^ (h >> 32)); }

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++) h = vg_hash_step(h, (unsigned char)*s);
    return h;
}

uint32_t vg_feat_hash(const char *s, size_t n)
{
    uint64_t h = VG_HASH_INIT;
    for (size_t i = 0; i < n; i++) h = vg_hash_step(h, (unsigned char)s[i]);
    return fold(h);
}

void vg_feat_name(const vg_feats *f, size_t i, vg_buf *out)
{
    if (!f->names || i >= f->name.n) return;
    const vg_fname *n = &f->name.v[i];
    vg_buf_puts(out, n->prefix);
    if (n->a) vg_buf_puts(out, n->a);
    if (n->b) {
        vg_buf_putc(out, n->sep);
        vg_buf_puts(out, n->b);
    }
}

/* A copy of s that lives as long as the features (for names built on the
 * stack); "?" when the scratch space is full. */
static const char *keep(vg_feats *f, const char *s)
{
    if (!f->names) return s;
    size_t n = strlen(s) + 1;
    if (f->nscratch + n > sizeof f->scratch) return "?";
    char *p = f->scratch + f->nscratch;
    memcpy(p, s, n);
    f->nscratch += n;
    return p;
}

/* Inlined: it is called for every feature, and a call with six arguments
 * cost more than the two pushes it makes. */
static inline __attribute__((always_inline)) void
add_key(vg_feats *f, uint64_t h, const char *prefix, const char *a, char sep, const char *b)
{
    vg_vec_push(&f->id, fold(h));
    if (f->names) {
        vg_fname n = { prefix, a, b, sep };
        vg_vec_push(&f->name, n);
    }
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* A feature whose key is already hashed; its name is prefix, a [and "_" b]
 * (a and b must outlive the features: token forms, dictionary strings). */
static inline __attribute__((always_inline)) void
add_hashed(vg_feats *f, uint64_t h, const char *prefix, const char *a, const char *b)
{
    add_key(f, h, prefix, a, '_', b);
}

/* fnv(VG_HASH_INIT, lit) of a string literal: with its length known, the
 * loop unrolls and folds to a constant, so that a feature's prefix is not
 * hashed again at every call. */
static inline __attribute__((always_inline)) uint64_t prefix_hash(const char *lit, size_t n)
{
    uint64_t h = VG_HASH_INIT;
#pragma GCC unroll 16
    for (size_t i = 0; i < n; i++) h = vg_hash_step(h, (unsigned char)lit[i]);
    return h;
}
#define PREFIX_HASH(lit) prefix_hash("" lit, sizeof lit - 1)

/* prefix and value (value may be NULL, and must outlive the features);
 * ph = fnv(VG_HASH_INIT, prefix). */
static void feat_h(vg_feats *f, uint64_t ph, const char *prefix, const char *value)
{
    add_key(f, value ? fnv(ph, value) : ph, prefix, value, 0, NULL);
}
#define feat(f, prefix, value) feat_h((f), PREFIX_HASH(prefix), prefix, (value))

/* prefix, a, "|", b. */
static void feat2_h(vg_feats *f, uint64_t ph, const char *prefix, const char *a, const char *b)
{
    uint64_t h = fnv(fnv(vg_hash_step(ph, 0), a), "|");
    add_key(f, fnv(h, b), prefix, a, '|', b);
}
#define feat2(f, prefix, a, b) feat2_h((f), PREFIX_HASH(prefix), prefix, (a), (b))

static const char *tok(const vg_analysis *a, int i) { return vg_tok_norm(&a->tk, (size_t)i); }
static int ntok(const vg_analysis *a) { return (int)a->tk.t.n; }

static bool is_wordtok(const vg_analysis *a, int i)
{
    uint8_t k = a->tk.t.v[i].kind;
    return k == VG_TK_WORD || k == VG_TK_NUM;
}


static const char *const preps[] = {
    "ON", "AT", "TO", "WITH", "FROM", "AGAINST", "INTO", "FOR", "OF", "IN", "OVER", "UP",
    "OUT", "OFF", "DOWN", "BACK", "AWAY", "BY", "ABOUT", "UPON", "TOWARD", "TOWARDS", "ONTO",
    "WITHIN", "AMONG", "BETWEEN", "ACROSS", "NEAR", "OUTSIDE", "INSIDE", "UNDER", "AFTER",
    "BEFORE", "DURING", "THROUGH", "VIA", "BEHIND", "AROUND", NULL
};
static const char *const aux_words[] = {
    "IS", "ARE", "AM", "WAS", "WERE", "BE", "BEEN", "BEING", "HAS", "HAVE", "HAD", "HAVING",
    "DO", "DOES", "DID", "WILL", "WOULD", "SHALL", "SHOULD", "CAN", "COULD", "MAY", "MIGHT",
    "MUST", "GET", "GETS", "GOT", NULL
};
static const char *const be_words[] = {
    "IS", "ARE", "AM", "WAS", "WERE", "BE", "BEEN", "BEING", "GET", "GETS", "GOT", "GOTTEN", NULL
};
static const char *const neg_words[] = {
    "NOT", "NEVER", "NO", "CANNOT", "NEITHER", "NOR", "DENIED", "DENIES", "DENY", NULL
};
static const char *const say_words[] = {
    "SAID", "SAYS", "SAY", "TOLD", "STATED", "ADDED", "ACCORDING", "REPORTED", "ANNOUNCED",
    "CLAIMED", "QUOTED", NULL
};
static const char *const modal_words[] = {
    "WILL", "WOULD", "MAY", "MIGHT", "COULD", "SHOULD", "PLANS", "PLANNED", "PLAN", "INTENDS",
    "EXPECTED", "LIKELY", "WANTS", "SEEKS", "THREATENED", NULL
};


/* The closed word classes above, as one map from word to a bit per class. */
enum { WC_PREP = 1, WC_AUX = 2, WC_BE = 4, WC_NEG = 8, WC_SAY = 16, WC_MODAL = 32 };
static vg_strmap word_classes;
/* A filter before the map: bit c of class_first[n] is set when some class
 * word has n bytes and starts with 'A' + c, so most words skip the map. */
static uint32_t class_first[32];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void classes_init(void)
{
    static const struct { const char *const *words; int bit; } lists[] = {
        { preps, WC_PREP }, { aux_words, WC_AUX }, { be_words, WC_BE }, { neg_words, WC_NEG },
        { say_words, WC_SAY }, { modal_words, WC_MODAL },
    };
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (const char *const *w = lists[l].words; *w; w++) {
            int old = vg_strmap_get(&word_classes, *w);
            vg_strmap_put(&word_classes, *w, (old < 0 ? 0 : old) | lists[l].bit);
            size_t n = strlen(*w);
            if (n < 32 && **w >= 'A' && **w <= 'Z') class_first[n] |= 1u << (**w - 'A');
        }
}

/* The classes of word w of n bytes (0 for none); h is vg_hash_bytes(w, n),
 * the map's own hash, for a caller that has it already.  The classes must
 * be built (classes_once). */
static int classes_of(const char *w, size_t n, const uint64_t *h)
{
    if (n < 32 && w[0] >= 'A' && w[0] <= 'Z' && !(class_first[n] >> (w[0] - 'A') & 1)) return 0;
    int c = h ? vg_strmap_getnh(&word_classes, w, n, *h) : vg_strmap_getn(&word_classes, w, n);
    return c < 0 ? 0 : c;
}

/* The classes of token i (0 for none, or not a word). */
static int word_class(const vg_analysis *a, int i)
{
    if (i < 0 || i >= ntok(a) || a->tk.t.v[i].kind != VG_TK_WORD) return 0;
    pthread_once(&classes_once, classes_init);
    return classes_of(tok(a, i), a->tk.t.v[i].nlen, NULL);
}

static bool word_is(const vg_analysis *a, int i, int cls) { return (word_class(a, i) & cls) != 0; }

/* A crude stem: enough to make ATTACKED, ATTACKS and ATTACKING one feature. */
static size_t stem(const char *w, char *out, size_t cap)
{
    size_t n = strlen(w);
    if (n >= cap) n = cap - 1;
    memcpy(out, w, n);
    out[n] = '\0';
    if (n > 5 && !strcmp(out + n - 3, "IES")) { strcpy(out + n - 3, "Y"); return n - 2; }
    if (n > 5 && !strcmp(out + n - 3, "ING")) { out[n - 3] = '\0'; return n - 3; }
    if (n > 4 && !strcmp(out + n - 2, "ED")) { out[n - 2] = '\0'; return n - 2; }
    if (n > 4 && !strcmp(out + n - 2, "ES") && strchr("SXZH", out[n - 3])) {
        out[n - 2] = '\0';
        return n - 2;
    }
    if (n > 3 && out[n - 1] == 'S' && out[n - 2] != 'S') { out[n - 1] = '\0'; return n - 1; }
    return n;
}

static bool live_tok(const vg_analysis *a, int i) { return !a->w.v[i].deleted; }

static bool verb_pos(int p) { return p != VG_POS_NONE && vg_pos_is_verb(p); }

static bool be_before(const vg_analysis *a, int v)
{
    for (int k = 1; k <= 3 && v - k >= 0; k++) {
        int p = v - k;
        if (word_is(a, p, WC_BE)) return true;
        if (a->w.v[p].type == VG_W_VERB || vg_analysis_is_actor(a, (size_t)p)) return false;
    }
    return false;
}

/* Passive voice at verb v: a form of BE or GET shortly before a participle. */
static bool passive_at(const vg_analysis *a, int v)
{
    if (v < 0) return false;
    uint8_t p = a->w.v[v].pos;
    if (p != VG_POS_NONE && p != VG_POS_VBN && p != VG_POS_VBD) return false;
    return be_before(a, v);
}

int vg_main_verb(const vg_analysis *a, const vg_result *r)
{
    if (r && r->events.n) return r->events.v[0].verb;
    int n = ntok(a);
    for (int i = 0; i < n; i++)
        if (a->w.v[i].type == VG_W_VERB && live_tok(a, i) && !word_is(a, i, WC_AUX)) return i;
    for (int i = 0; i < n; i++)
        if (verb_pos(a->w.v[i].pos) && !word_is(a, i, WC_AUX) && live_tok(a, i)) return i;
    return -1;
}

/* The end (inclusive) of the phrase headed at token i. */
static int phrase_last(const vg_analysis *a, int i)
{
    int32_t h = a->hit_of.v[i];
    return h >= 0 ? a->hits.v[h].last : i;
}

void vg_units_find(const vg_analysis *a, vg_units *out)
{
    out->n = 0;
    int n = ntok(a);
    for (int i = 0; i < n; i++) {
        const vg_aword *w = &a->w.v[i];
        if (w->type == VG_W_TAIL || w->deleted || !vg_analysis_is_actor(a, (size_t)i)) continue;
        vg_unit u = { (int16_t)i, (int16_t)i, (int16_t)phrase_last(a, i) };
        if (w->agent >= 0) {
            int g = w->agent, gl = phrase_last(a, g);
            if (g < u.first) u.first = (int16_t)g;
            if (gl > u.last) u.last = (int16_t)gl;
        }
        vg_vec_push(out, u);
    }
}

static const char *unit_code(const vg_analysis *a, const vg_unit *u)
{
    const vg_aword *w = &a->w.v[u->head];
    return w->ncodes ? vg_analysis_code(a, (size_t)u->head, 0) : "";
}

/* The kind of an actor code, as an index into kind_names. */
enum { KIND_STATE, KIND_IGO, KIND_AGENT, KIND_NONSTATE, KIND_OTHER, KIND_NONE };
static const char *const kind_names[] = { "state", "igo", "agent", "nonstate", "other", "none" };

static int code_kind_of(const char *code)
{
    if (!code || !*code) return KIND_NONE;
    if (!strncmp(code, "IGO", 3)) return KIND_IGO;
    if (!strncmp(code, "---", 3) || code[0] == '~') return KIND_AGENT;
    if (!strncmp(code, "NGO", 3) || !strncmp(code, "IMG", 3) || !strncmp(code, "MNC", 3) ||
        !strncmp(code, "UAF", 3) || !strncmp(code, "REB", 3))
        return KIND_NONSTATE;
    char cc[4];
    if (vg_actor_country(code, cc)) return KIND_STATE;
    return KIND_OTHER;
}

static const char *code_kind(const char *code) { return kind_names[code_kind_of(code)]; }

/* The role part of an actor code: SRBMIL -> MIL, ---CVL -> CVL. */
static void code_role(const char *code, char out[4])
{
    out[0] = '\0';
    size_t n = strlen(code);
    if (n >= 6) { memcpy(out, code + 3, 3); out[3] = '\0'; }
}

static const char *verb_block(const vg_analysis *a, int v)
{
    if (v < 0 || a->w.v[v].entry < 0) return NULL;
    const vg_entry *e = &a->d->entries.v[a->w.v[v].entry];
    if (e->kind != VG_PK_VERB) return NULL;
    const vg_verbform *vf = &a->d->verbforms.v[e->ref];
    return vg_dict_str(a->d, a->d->blocks.v[vf->block].name);
}

static const char *pos_name(const vg_analysis *a, int i)
{
    uint8_t p = a->w.v[i].pos;
    return p == VG_POS_NONE ? "-" : vg_pos_name(p);
}

static void verb_features(const vg_analysis *a, int v, vg_feats *f)
{
    int n = ntok(a);
    if (v < 0) { feat(f, "nov", NULL); return; }
    char st[64];
    stem(tok(a, v), st, sizeof st);
    feat(f, "vl=", keep(f, st));
    feat(f, "vt=", pos_name(a, v));
    const char *blk = verb_block(a, v);
    feat(f, "vb=", blk ? blk : "-");
    int vl = a->w.v[v].type == VG_W_VERB ? phrase_last(a, v) : v;
    if (v > 0) feat(f, "v-1=", tok(a, v - 1));
    if (vl + 1 < n) feat(f, "v+1=", tok(a, vl + 1));
    if (vl + 2 < n) feat(f, "v+2=", tok(a, vl + 2));
    for (int k = vl + 1; k < n && k <= vl + 3; k++)
        if (word_is(a, k, WC_PREP)) {
            feat(f, "vp=", tok(a, k));
            feat2(f, "vlp=", keep(f, st), tok(a, k));
            break;
        }
    if (passive_at(a, v)) feat2(f, "vpass=", keep(f, st), "");
}

/* vg_feats_sentence, with the sentence's coded actor phrases (vg_units_find)
 * already found: the decider has them. */
static void feats_sentence(const vg_analysis *a, const vg_result *r, const vg_units *units,
                           vg_feats *f)
{
    vg_feats_clear(f);
    pthread_once(&classes_once, classes_init);
    int n = ntok(a);
    feat(f, "bias", NULL);
    /* words and bigrams: each word hashed once, a bigram from its words' hashes */
    int prev = -1;
    uint64_t prev_h = 0;
    bool quote = false, neg = false, say = false, modal = false;
    for (int i = 0; i < n; i++) {
        uint8_t k = a->tk.t.v[i].kind;
        if (k == VG_TK_QUOTE) quote = true;
        if (!is_wordtok(a, i)) { prev = -1; continue; }
        const char *w = k == VG_TK_NUM ? "#" : tok(a, i);
        size_t wl = k == VG_TK_NUM ? 1 : a->tk.t.v[i].nlen;
        uint64_t h = vg_hash_bytes(w, wl);
        add_hashed(f, mix64(h ^ 0x5741524453ULL), "w=", w, NULL);
        if (prev >= 0)
            add_hashed(f, mix64(prev_h * 0x9E3779B97F4A7C15ULL ^ h ^ 0x424947524dULL), "b=",
                       a->tk.t.v[prev].kind == VG_TK_NUM ? "#" : tok(a, prev), w);
        prev = i;
        prev_h = h;
        /* a word's classes from the hash just taken (a number has none) */
        int wc = k == VG_TK_WORD ? classes_of(w, wl, &h) : 0;
        size_t tl = a->tk.t.v[i].nlen;
        const char *t = tok(a, i);
        if ((wc & WC_NEG) || (tl > 3 && t[tl - 3] == 'N' && t[tl - 2] == '\'' && t[tl - 1] == 'T'))
            neg = true;
        if (wc & WC_SAY) say = true;
        if (wc & WC_MODAL) modal = true;
    }
    /* the main verb */
    int v = vg_main_verb(a, r);
    verb_features(a, v, f);
    /* what the dictionaries propose */
    size_t ne = r ? r->events.n : 0;
    feat(f, "dn=", ne == 0 ? "0" : ne == 1 ? "1" : ne == 2 ? "2" : "3+");
    for (size_t i = 0; i < ne; i++) {
        const vg_coded_event *e = &r->events.v[i];
        const vg_cameo *c = vg_cameo_get(e->code);
        if (!c) continue;
        char p[2] = { (char)('0' + c->penta), 0 };
        feat(f, "dc=", e->code);
        feat(f, "dr=", c->root);
        feat(f, "dp=", keep(f, p));
        if (c->plover[0]) feat(f, "dv=", c->plover);
        feat2(f, "dk=", e->pattern >= 0 ? "pattern" : "verb", c->root);
        if (e->flags & VG_EV_PASSIVE) feat(f, "dpass", NULL);
        if (e->flags & VG_EV_PAIRED) feat(f, "dpair", NULL);
        if (e->flags & VG_EV_SUBORD) feat(f, "dsub", NULL);
        if (i == 0) {
            feat(f, "d1r=", c->root);
            feat(f, "d1p=", keep(f, p));
            feat2(f, "d1s=", code_kind(e->source), code_kind(e->target));
        }
    }
    /* dictionary verbs that proposed nothing, and their own codes */
    for (int i = 0; i < n; i++) {
        if (a->w.v[i].type != VG_W_VERB || a->w.v[i].deleted || i == v) continue;
        const char *blk = verb_block(a, i);
        if (blk) feat(f, "ovb=", blk);
        const vg_entry *e = &a->d->entries.v[a->w.v[i].entry];
        const vg_verbform *vf = &a->d->verbforms.v[e->ref];
        const vg_cameo *c = vf->code.code ? vg_cameo_get(vg_dict_str(a->d, vf->code.code)) : NULL;
        if (c) feat(f, "ovr=", c->root);
    }
    /* actors */
    unsigned kinds = 0;
    for (size_t u = 0; u < units->n; u++) {
        int i = units->v[u].head;
        const char *code = a->w.v[i].ncodes ? vg_analysis_code(a, (size_t)i, 0) : "";
        int kd = code_kind_of(code);       /* each kind once; "none" never */
        if (kd != KIND_NONE && !(kinds >> kd & 1)) {
            kinds |= 1u << kd;
            feat(f, "ak=", kind_names[kd]);
        }
        char role[4];
        code_role(code, role);
        if (role[0]) feat(f, "ar=", keep(f, role));
    }
    size_t nact = units->n;
    feat(f, "na=", nact == 0 ? "0" : nact == 1 ? "1" : nact == 2 ? "2" : "3+");
    /* shape */
    if (quote) feat(f, "quote", NULL);
    if (neg) feat(f, "neg", NULL);
    if (say) feat(f, "say", NULL);
    if (modal) feat(f, "modal", NULL);
    if (vg_text_dateline_len(a->text, a->tk.t.n ? a->tk.t.v[n - 1].off + a->tk.t.v[n - 1].len : 0))
        feat(f, "dateline", NULL);
    if (v >= 0 && passive_at(a, v)) feat(f, "passive", NULL);
}

void vg_feats_sentence(const vg_analysis *a, const vg_result *r, vg_feats *f)
{
    vg_units units = { 0 };
    vg_units_find(a, &units);
    feats_sentence(a, r, &units, f);
    vg_vec_free(&units);
}

void vg_feats_role(const vg_analysis *a, const vg_unit *u, const vg_units *all, int v,
                   vg_feats *f)
{
    vg_feats_clear(f);
    int n = ntok(a);
    const char *code = unit_code(a, u);
    const char *kd = code_kind(code);
    char role[4];
    code_role(code, role);
    feat(f, "rbias", NULL);
    feat(f, "rk=", kd);
    if (role[0]) feat(f, "ra=", keep(f, role));
    /* position among the units */
    size_t idx = 0;
    while (idx < all->n && all->v[idx].head != u->head) idx++;
    feat(f, "ri=", idx == 0 ? "0" : idx == 1 ? "1" : "2+");
    if (idx + 1 == all->n) feat(f, "rlast", NULL);
    feat(f, "rn=", all->n <= 1 ? "1" : all->n == 2 ? "2" : "3+");
    /* neighbours */
    const char *p1 = u->first > 0 ? tok(a, u->first - 1) : "^";
    const char *p2 = u->first > 1 ? tok(a, u->first - 2) : "^";
    const char *n1 = u->last + 1 < n ? tok(a, u->last + 1) : "$";
    feat(f, "rw-1=", p1);
    feat(f, "rw-2=", p2);
    feat(f, "rw+1=", n1);
    int p = u->first - 1;
    for (int k = 0; k < 3 && p >= 0; k++, p--) {
        uint8_t t = a->w.v[p].type;
        if (t != VG_W_DETERM && t != VG_W_ADJ && t != VG_W_NUMBER && t != VG_W_NULL) break;
        if (t == VG_W_NULL && !word_is(a, p, WC_PREP)) continue;
        if (word_is(a, p, WC_PREP)) break;
    }
    const char *prep = p >= 0 && word_is(a, p, WC_PREP) ? tok(a, p) : NULL;
    if (prep) feat(f, "rprep=", prep);
    size_t ll = a->tk.t.v[u->last].nlen;
    const char *lt = tok(a, u->last);
    if (ll >= 2 && (lt[ll - 1] == '\'' || (lt[ll - 2] == '\'' && lt[ll - 1] == 'S')))
        feat(f, "rposs", NULL);
    if (a->w.v[u->head].comp >= 0) feat(f, "rcomp", NULL);
    int quotes = 0;
    for (int i = 0; i < u->first; i++) quotes += a->tk.t.v[i].kind == VG_TK_QUOTE;
    if (quotes % 2) feat(f, "rquote", NULL);
    if (u->last + 1 < n && a->w.v[u->last + 1].pos == VG_POS_VBN && !be_before(a, u->last + 1))
        feat(f, "rnpvbn", NULL);
    if (v < 0) { feat(f, "rnov", NULL); return; }
    /* relative to the verb */
    const char *rel = u->last < v ? "B" : u->first > v ? "A" : "O";
    int vl = a->w.v[v].type == VG_W_VERB ? phrase_last(a, v) : v;
    int dist = *rel == 'B' ? v - u->last : *rel == 'A' ? u->first - vl : 0;
    const char *db = dist <= 1 ? "1" : dist == 2 ? "2" : dist <= 4 ? "3" : dist <= 8 ? "5" : "9";
    feat(f, "rr=", rel);
    feat2(f, "rd=", rel, db);
    feat2(f, "rrk=", rel, kd);
    char st[64];
    stem(tok(a, v), st, sizeof st);
    feat2(f, "rvl=", keep(f, st), rel);
    bool pass = passive_at(a, v);
    if (pass) feat2(f, "rpass=", rel, prep ? prep : "-");
    if (prep) feat2(f, "rprel=", rel, prep);
    /* anything between it and the verb */
    int lo = *rel == 'B' ? u->last + 1 : vl + 1, hi = *rel == 'B' ? v : u->first;
    bool other_unit = false, other_verb = false, comma = false;
    for (int i = lo; i < hi; i++) {
        if (vg_analysis_is_actor(a, (size_t)i) && a->w.v[i].type != VG_W_TAIL) other_unit = true;
        if (a->w.v[i].type == VG_W_VERB || verb_pos(a->w.v[i].pos)) other_verb = true;
        if (a->w.v[i].type == VG_W_COMMA) comma = true;
    }
    if (other_unit) feat2(f, "rbetw=", rel, "unit");
    if (other_verb) feat2(f, "rbetw=", rel, "verb");
    if (comma) feat2(f, "rbetw=", rel, "comma");
    if (!other_unit && !other_verb && !comma) feat2(f, "rnear=", rel, db);
    if (a->w.v[u->head].clause == a->w.v[v].clause) feat(f, "rsamecl", NULL);
}

/* ============================================================ the file
 *
 *   "VIGILMDL"  magic
 *   u32 version, u32 heads, u32 info length, info bytes (UTF-8)
 *   per head: u8 task, u8 classes, u16 0, u32 rows, f32 scale,
 *             u32 keys[rows] (ascending), i16 weights[rows * classes],
 *             padding to 4 bytes
 *   u32 checksum (FNV-1a 32 of everything before it)
 * All integers little-endian. */

#define MODEL_MAGIC "VIGILMDL"
#define MODEL_VERSION 2u

typedef struct head {
    bool present;
    uint32_t k;              /* classes */
    uint32_t rows;
    float scale;
    const uint32_t *keys;    /* while loading: in the file's bytes */
    const int16_t *w;
} head;

/* A lookup table over the heads that score the same features: a key's
 * weights for all of them side by side in one row (zeros where a head lacks
 * the key), so that scoring a feature touches one slot and one row.  The
 * sentence heads share one table, the roles head has its own. */
/* A row's weights are summed LANES at a time as vectors (GCC's and clang's
 * vector extension; on x86-64 SSE2, or AVX2 where the processor has it, see
 * add_rows): rows are rounded up to whole lanes with zero columns. */
enum { LANES = 8, MAX_WIDTH = 64 };
typedef int16_t lane_w __attribute__((vector_size(LANES * sizeof(int16_t))));
typedef int32_t lane_acc __attribute__((vector_size(LANES * sizeof(int32_t))));

/* A slot of the open-addressing index: the key and its row + 1 (0: empty),
 * side by side, so that a probe touches one cache line. */
typedef struct slot { uint32_t key, row; } slot;

typedef struct table {
    uint32_t mask;           /* slots - 1 */
    slot *slots;
    uint32_t width;          /* classes in a row */
    int off[VG_NTASKS];      /* where each head's classes start (-1: not here) */
    int16_t *w;              /* rows * width */
    size_t bytes;            /* of the block keys, rows and w share */
} table;

struct vg_model {
    char *info;
    head h[VG_NTASKS];
    table sent, roles;
};

typedef struct rd {
    const unsigned char *p, *end;
    bool bad;
} rd;

static uint32_t rd_u32(rd *r)
{
    if (r->end - r->p < 4) { r->bad = true; return 0; }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                 (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

/* The file's checksum: eight bytes at a time (a byte-wise hash of the
 * default model took 1.5 ms of its loading). */
uint32_t vg_model_checksum(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

static void set_err(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errsz, const char *fmt, ...)
{
    if (!err || !errsz) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

static uint32_t key_slot(uint32_t key, uint32_t mask)
{
    return (uint32_t)((key * 2654435761u) >> 7) & mask;
}

/* The row of key in t, or -1, probing from slot s = key_slot(key, t->mask)
 * (t has slots). */
static int32_t table_row_from(const table *t, uint32_t key, uint32_t s)
{
    for (;;) {
        uint32_t r = t->slots[s].row;
        if (!r) return -1;
        if (t->slots[s].key == key) return (int32_t)(r - 1);
        s = (s + 1) & t->mask;
    }
}

/* The row of key in t, or -1. */
static int32_t table_row(const table *t, uint32_t key)
{
    return t->mask ? table_row_from(t, key, key_slot(key, t->mask)) : -1;
}

static void build_table(vg_model *m, table *t, unsigned heads)
{
    size_t total = 0;
    t->width = 0;
    for (int k = 0; k < VG_NTASKS; k++) {
        t->off[k] = -1;
        if (!(heads >> k & 1) || !m->h[k].present) continue;
        t->off[k] = (int)t->width;
        t->width += m->h[k].k;
        total += m->h[k].rows;
    }
    if (!t->width) return;
    t->width = (t->width + LANES - 1) / LANES * LANES;   /* zero columns: whole lanes */
    uint32_t cap = 16;
    while (cap < total + total / 2 + 2) cap *= 2;    /* keys shared by heads make it sparser */
    t->mask = cap - 1;
    /* one block: the slots, then the weight rows, which start on a 64-byte
     * line (the block is page-aligned and the slots take cap * 8 bytes) */
    t->bytes = (size_t)cap * sizeof *t->slots + ((size_t)total * t->width + 1) * sizeof *t->w;
    t->slots = vg_big_calloc(t->bytes);
    /* the keys first, so that the rows are allocated for the distinct ones only */
    uint32_t nrows = 0;
    for (int k = 0; k < VG_NTASKS; k++) {
        if (t->off[k] < 0) continue;
        for (uint32_t r = 0; r < m->h[k].rows; r++) {
            uint32_t key = m->h[k].keys[r], s = key_slot(key, t->mask);
            while (t->slots[s].row && t->slots[s].key != key) s = (s + 1) & t->mask;
            if (!t->slots[s].row) {
                t->slots[s].key = key;
                t->slots[s].row = ++nrows;
            }
        }
    }
    t->w = (int16_t *)(t->slots + cap);
    for (int k = 0; k < VG_NTASKS; k++) {
        if (t->off[k] < 0) continue;
        const head *h = &m->h[k];
        for (uint32_t r = 0; r < h->rows; r++) {
            int32_t row = table_row(t, h->keys[r]);
            memcpy(t->w + (size_t)row * t->width + t->off[k], h->w + (size_t)r * h->k,
                   h->k * sizeof *h->w);
        }
    }
}

static void free_table(table *t)
{
    vg_big_free(t->slots, t->bytes);
}

static const table *table_of(const vg_model *m, vg_task t)
{
    return t == VG_TASK_ROLES ? &m->roles : &m->sent;
}

vg_model *vg_model_load(const void *data, size_t len, char *err, size_t errsz)
{
    const unsigned char *b = data;
    if (!data || len < 8 + 12 + 4 || memcmp(b, MODEL_MAGIC, 8)) {
        set_err(err, errsz, "not a Vigil model file");
        return NULL;
    }
    uint32_t sum = (uint32_t)b[len - 4] | (uint32_t)b[len - 3] << 8 |
                   (uint32_t)b[len - 2] << 16 | (uint32_t)b[len - 1] << 24;
    if (sum != vg_model_checksum(b, len - 4)) {
        set_err(err, errsz, "corrupt model file (bad checksum)");
        return NULL;
    }
    rd r = { b + 8, b + len - 4, false };
    uint32_t version = rd_u32(&r), nheads = rd_u32(&r), ilen = rd_u32(&r);
    if (version != MODEL_VERSION) {
        set_err(err, errsz, "model file version %u, this Vigil reads version %u (retrain with "
                "`vigil train`)", version, MODEL_VERSION);
        return NULL;
    }
    if (r.bad || nheads > VG_NTASKS || ilen > (size_t)(r.end - r.p)) {
        set_err(err, errsz, "truncated model file");
        return NULL;
    }
    vg_model *m = vg_calloc(1, sizeof *m);
    /* keys and weights are read in place, from an aligned copy if need be;
     * the lookup tables built from them are all that is kept */
    const unsigned char *base = b;
    unsigned char *copy = NULL;
    if ((uintptr_t)b % 4) {
        copy = vg_malloc(len);
        memcpy(copy, b, len);
        base = copy;
        r.p = copy + (r.p - b);
        r.end = copy + len - 4;
    }
    m->info = vg_strndup((const char *)r.p, ilen);
    r.p += ilen;
    for (uint32_t i = 0; i < nheads; i++) {
        while ((size_t)(r.p - base) % 4 && r.p < r.end) r.p++;
        uint32_t hdr = rd_u32(&r), rows = rd_u32(&r), scale_bits = rd_u32(&r);
        unsigned task = hdr & 0xFF, k = (hdr >> 8) & 0xFF;
        if (r.bad || task >= VG_NTASKS || k != tasks[task].n || m->h[task].present) {
            set_err(err, errsz, "bad head %u in model file", i);
            goto bad;
        }
        size_t need = (size_t)rows * 4 + (size_t)rows * k * 2;
        if ((size_t)(r.end - r.p) < need) {
            set_err(err, errsz, "truncated model file");
            goto bad;
        }
        head *h = &m->h[task];
        h->present = true;
        h->k = k;
        h->rows = rows;
        memcpy(&h->scale, &scale_bits, 4);
        if (!(h->scale >= 0) || !isfinite(h->scale)) {
            set_err(err, errsz, "bad weight scale in model file");
            goto bad;
        }
        h->keys = (const uint32_t *)(const void *)r.p;
        r.p += (size_t)rows * 4;
        h->w = (const int16_t *)(const void *)r.p;
        r.p += (size_t)rows * k * 2;
        for (uint32_t j = 1; j < rows; j++)
            if (h->keys[j] <= h->keys[j - 1]) {
                set_err(err, errsz, "corrupt model file (unsorted keys)");
                goto bad;
            }
    }
    while ((size_t)(r.p - base) % 4 && r.p < r.end) r.p++;
    if (r.p != r.end) {
        set_err(err, errsz, "trailing bytes in model file");
        goto bad;
    }
    build_table(m, &m->sent, ~(1u << VG_TASK_ROLES));
    build_table(m, &m->roles, 1u << VG_TASK_ROLES);
    for (int t = 0; t < VG_NTASKS; t++) {
        m->h[t].keys = NULL;            /* they pointed into the file's bytes */
        m->h[t].w = NULL;
    }
    free(copy);
    return m;
bad:
    free(copy);
    vg_model_free(m);
    return NULL;
}

vg_model *vg_model_load_file(const char *path, char *err, size_t errsz)
{
    size_t len;
    char *data = vg_read_file(path, &len);
    if (!data) {
        set_err(err, errsz, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char e[200] = "";
    vg_model *m = vg_model_load(data, len, e, sizeof e);
    free(data);
    if (!m) set_err(err, errsz, "%s: %s", path, e);
    return m;
}

void vg_model_free(vg_model *m)
{
    if (!m) return;
    free_table(&m->sent);
    free_table(&m->roles);
    free(m->info);
    free(m);
}

static vg_model *default_model;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
    size_t len;
    const char *data = vg_embedded_get("data/model.bin", &len);
    if (data) default_model = vg_model_load(data, len, NULL, 0);
}

const vg_model *vg_model_default(void)
{
    pthread_once(&default_once, load_default);
    return default_model;
}

bool vg_model_has(const vg_model *m, vg_task t)
{
    return m && (unsigned)t < VG_NTASKS && m->h[t].present;
}

const char *vg_model_info(const vg_model *m) { return m && m->info ? m->info : ""; }

/* ---- writing (used by the builder in model_train.c) ---- */

static void put_u32(vg_buf *b, uint32_t v)
{
    unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    vg_buf_putn(b, (const char *)c, 4);
}

static void pad4(vg_buf *b)
{
    while (b->len % 4) vg_buf_putc(b, '\0');
}

void vg_model_write(const char *info, const vg_head_out *heads, size_t n, vg_buf *out)
{
    size_t start = out->len;
    vg_buf_putn(out, MODEL_MAGIC, 8);
    put_u32(out, MODEL_VERSION);
    put_u32(out, (uint32_t)n);
    size_t ilen = info ? strlen(info) : 0;
    put_u32(out, (uint32_t)ilen);
    vg_buf_putn(out, info ? info : "", ilen);
    for (size_t i = 0; i < n; i++) {
        const vg_head_out *h = &heads[i];
        pad4(out);
        put_u32(out, (uint32_t)h->task | h->k << 8);
        put_u32(out, h->rows);
        uint32_t bits;
        memcpy(&bits, &h->scale, 4);
        put_u32(out, bits);
        for (uint32_t r = 0; r < h->rows; r++) put_u32(out, h->keys[r]);
        for (size_t j = 0; j < (size_t)h->rows * h->k; j++) {
            uint16_t v = (uint16_t)h->w[j];
            unsigned char c[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
            vg_buf_putn(out, (const char *)c, 2);
        }
    }
    pad4(out);
    put_u32(out, vg_model_checksum(out->s + start, out->len - start));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

bool vg_model_head(const vg_model *m, vg_task t, vg_head_out *out)
{
    if (!vg_model_has(m, t)) return false;
    const table *tb = table_of(m, t);
    const head *h = &m->h[t];
    uint32_t *keys = vg_malloc(((size_t)h->rows + 1) * sizeof *keys), n = 0;
    for (uint32_t s = 0; s <= tb->mask && n < h->rows; s++) {
        if (!tb->slots[s].row) continue;
        const int16_t *w = tb->w + (size_t)(tb->slots[s].row - 1) * tb->width + tb->off[t];
        bool any = false;
        for (uint32_t c = 0; c < h->k; c++) any |= w[c] != 0;
        if (any) keys[n++] = tb->slots[s].key;
    }
    qsort(keys, n, sizeof *keys, cmp_u32);
    int16_t *w = vg_malloc(((size_t)n * h->k + 1) * sizeof *w);
    for (uint32_t i = 0; i < n; i++)
        memcpy(w + (size_t)i * h->k,
               tb->w + (size_t)table_row(tb, keys[i]) * tb->width + tb->off[t],
               h->k * sizeof *w);
    vg_head_out o = { t, h->k, n, h->scale, keys, w };
    *out = o;
    return true;
}

/* ========================================================== prediction */

static void softmax(double *s, size_t k)
{
    double mx = s[0];
    for (size_t i = 1; i < k; i++) if (s[i] > mx) mx = s[i];
    double z = 0;
    for (size_t i = 0; i < k; i++) { s[i] = exp(s[i] - mx); z += s[i]; }
    for (size_t i = 0; i < k; i++) s[i] /= z;
}

/* Adds rows[0, n) of t (-1: none) to sum, nl lanes a row.  Inlined with nl
 * a constant, the sums stay in registers across the rows instead of going
 * through memory for every lane of every row. */
static inline __attribute__((always_inline)) void
add_rows_n(const table *t, const int32_t *rows, size_t n, lane_acc *sum, uint32_t nl)
{
    lane_acc s[MAX_WIDTH / LANES];
    for (uint32_t l = 0; l < nl; l++) s[l] = sum[l];
    for (size_t i = 0; i < n; i++) {
        if (rows[i] < 0) continue;
        const int16_t *w = t->w + (size_t)rows[i] * t->width;
#pragma GCC unroll 8
        for (uint32_t l = 0; l < nl; l++) {
            lane_w x;
            memcpy(&x, w + l * LANES, sizeof x);
            s[l] += __builtin_convertvector(x, lane_acc);
        }
    }
    for (uint32_t l = 0; l < nl; l++) sum[l] = s[l];
}

/* add_rows_n for t's width.  The usual widths get their own copies: the
 * roles head (3 classes: one lane), the sentence heads without PLOVER (27:
 * four) and with it (43: six). */
static inline __attribute__((always_inline)) void
add_rows_any(const table *t, const int32_t *rows, size_t n, lane_acc *sum)
{
    switch (t->width / LANES) {
    case 1: add_rows_n(t, rows, n, sum, 1); break;
    case 4: add_rows_n(t, rows, n, sum, 4); break;
    case 6: add_rows_n(t, rows, n, sum, 6); break;
    default: add_rows_n(t, rows, n, sum, t->width / LANES); break;
    }
}

/* On x86-64 the rows are added with AVX2 when the processor has it: a lane
 * takes half the instructions of plain SSE2's.  The sums are integers, so
 * both give the same.  (Chosen at each call rather than by an ifunc, whose
 * resolver runs before a sanitizer's runtime is ready.) */
#if defined(__x86_64__) && defined(__GNUC__)
#define ROWS_AVX2 1
__attribute__((target("avx2")))
static void add_rows_avx2(const table *t, const int32_t *rows, size_t n, lane_acc *sum)
{
    add_rows_any(t, rows, n, sum);
}
#endif

static void add_rows(const table *t, const int32_t *rows, size_t n, lane_acc *sum)
{
#ifdef ROWS_AVX2
    if (__builtin_cpu_supports("avx2")) {
        add_rows_avx2(t, rows, n, sum);
        return;
    }
#endif
    add_rows_any(t, rows, n, sum);
}

/* Scores several heads of one model in one pass over the features: for
 * each task whose bit is set in want (all from one table), out[task]
 * receives its class probabilities.  With rows_out (f->id.n entries), each
 * feature's row in the table is kept there (-1: none), for explanations.
 * Returns the tasks the model has. */
static unsigned predict_heads(const vg_model *m, unsigned want, const vg_feats *f,
                              double *const out[VG_NTASKS], int32_t *rows_out)
{
    if (!m) return 0;
    const table *t = (want >> VG_TASK_ROLES & 1) ? &m->roles : &m->sent;
    unsigned have = 0;
    for (int k = 0; k < VG_NTASKS; k++)
        if (want >> k & 1 && t->off[k] >= 0) have |= 1u << k;
    if (!have) return 0;
    uint32_t width = t->width;
    lane_acc sum[MAX_WIDTH / LANES] = { 0 };
    /* In batches: the slots of all the batch's keys are requested first,
     * then the rows found, so that the table's cache misses overlap
     * instead of following one another. */
    /* (t has slots: a table with a head has.) */
    enum { BATCH = 32 };
    int32_t rows[BATCH];
    uint32_t slots[BATCH];
    for (size_t b = 0; b < f->id.n; b += BATCH) {
        size_t nb = f->id.n - b < BATCH ? f->id.n - b : BATCH;
        const uint32_t *keys = f->id.v + b;
        for (size_t i = 0; i < nb; i++) {
            slots[i] = key_slot(keys[i], t->mask);
            __builtin_prefetch(&t->slots[slots[i]]);
        }
        for (size_t i = 0; i < nb; i++) {
            rows[i] = table_row_from(t, keys[i], slots[i]);
            if (rows[i] >= 0) __builtin_prefetch(t->w + (size_t)rows[i] * width);
        }
        if (rows_out) memcpy(rows_out + b, rows, nb * sizeof *rows);
        add_rows(t, rows, nb, sum);
    }
    int32_t acc[MAX_WIDTH];
    memcpy(acc, sum, width * sizeof *acc);
    for (int k = 0; k < VG_NTASKS; k++) {
        if (!(have >> k & 1)) continue;
        const head *h = &m->h[k];
        for (uint32_t c = 0; c < h->k; c++) out[k][c] = acc[t->off[k] + (int)c] * (double)h->scale;
        softmax(out[k], h->k);
    }
    return have;
}

size_t vg_model_predict(const vg_model *m, vg_task t, const vg_feats *f, double *p)
{
    if (!vg_model_has(m, t)) return 0;
    double *out[VG_NTASKS] = { 0 };
    out[t] = p;
    predict_heads(m, 1u << t, f, out, NULL);
    return m->h[t].k;
}

/* ============================================================ deciding */

void vg_model_opts_default(vg_model_opts *o)
{
    o->min_confidence = 0;
    o->drop_event = 0;          /* off: see docs/model.md, step 3 */
    o->add_event = 0.8;
    o->add_root = 0.3;
    o->relabel_min = 0.8;
    o->relabel_ratio = 10;
    o->relabel_pattern_min = 0.9;
    o->relabel_pattern_ratio = 30;
    o->keep_secondary = 0.1;
    o->add_source = 0.5;
    o->add_target = 0.25;
    o->add_unsupported = 0.8;
    o->add_partial = 0.8;
    o->add_partial_class = 0.5;
}

enum { TOP_FEATURES = 5 };      /* an explanation's features */

struct vg_decider {
    const vg_model *m[VG_NTASKS];
    vg_model_opts o;
    vg_feats f, rf;
    vg_buf name;              /* scratch for a feature's name */
    vg_units units;
    VG_VEC(double) role_p;    /* units.n * 3; role_p[3i] < 0: not computed yet */
    int role_verb;            /* the verb role_p is for */
    int top_class;            /* the class top[] was computed for (-1: none) */
    size_t ntop, top[TOP_FEATURES];   /* features that weighed most for it */
    double top_w[TOP_FEATURES];
    VG_VEC(int32_t) rows;     /* each feature's row in the sentence table of rows_m */
    const vg_model *rows_m;
    vg_coded_events out;
};

vg_decider *vg_decider_new(const vg_model *m, const vg_model *fallback, const vg_model_opts *o)
{
    vg_decider *dc = vg_calloc(1, sizeof *dc);
    for (int t = 0; t < VG_NTASKS; t++)
        dc->m[t] = vg_model_has(m, (vg_task)t) ? m : vg_model_has(fallback, (vg_task)t)
                                                           ? fallback : NULL;
    if (o) dc->o = *o;
    else vg_model_opts_default(&dc->o);
    dc->f.names = true;
    return dc;
}

void vg_decider_free(vg_decider *dc)
{
    if (!dc) return;
    vg_feats_free(&dc->f);
    vg_feats_free(&dc->rf);
    vg_buf_free(&dc->name);
    vg_vec_free(&dc->units);
    vg_vec_free(&dc->role_p);
    vg_vec_free(&dc->rows);
    vg_vec_free(&dc->out);
    free(dc);
}

/* Role probabilities of unit u relative to verb v (cached per verb). */
static const double *role_of(vg_decider *dc, const vg_analysis *a, int v, size_t u)
{
    if (dc->role_verb != v || dc->role_p.n != dc->units.n * 3) {
        dc->role_verb = v;
        dc->role_p.n = 0;
        vg_vec_reserve(&dc->role_p, dc->units.n * 3 + 1);
        for (size_t i = 0; i < dc->units.n * 3; i++) dc->role_p.v[dc->role_p.n++] = -1;
    }
    double *p = &dc->role_p.v[u * 3];
    if (p[0] < 0) {
        p[0] = p[1] = p[2] = 1.0 / 3;
        vg_feats_role(a, &dc->units.v[u], &dc->units, v, &dc->rf);
        vg_model_predict(dc->m[VG_TASK_ROLES], VG_TASK_ROLES, &dc->rf, p);
    }
    return p;
}

typedef struct scores {
    double pe;               /* P(event) */
    double pp[5];            /* PentaClass */
    double q[20];            /* root, with the PentaClass and PLOVER heads folded in */
    bool have_penta, have_root;
} scores;

static void score_sentence(vg_decider *dc, scores *s)
{
    double pe[2] = { 0, 1 }, pr[20], pl[16];
    for (int i = 0; i < 5; i++) s->pp[i] = 0.2;
    for (int i = 0; i < 20; i++) pr[i] = 0.05;
    double *const out[VG_NTASKS] = { pe, s->pp, pr, pl, NULL };
    unsigned have = 0;
    /* one pass per model (heads may come from a user's model and the
     * default); the pass of the PentaClass head's model keeps the rows for
     * the explanation */
    dc->rows_m = NULL;
    for (int t = 0; t < VG_TASK_ROLES; t++) {
        const vg_model *m = dc->m[t];
        if (!m || have >> t & 1) continue;
        unsigned want = 0;
        for (int u = t; u < VG_TASK_ROLES; u++)
            if (dc->m[u] == m) want |= 1u << u;
        int32_t *rows = NULL;
        if (m == dc->m[VG_TASK_PENTA]) {
            vg_vec_reserve(&dc->rows, dc->f.id.n + 1);
            rows = dc->rows.v;
            dc->rows_m = m;
        }
        have |= predict_heads(m, want, &dc->f, out, rows);
    }
    s->pe = pe[1];
    s->have_penta = have >> VG_TASK_PENTA & 1;
    s->have_root = have >> VG_TASK_ROOT & 1;
    bool plover = have >> VG_TASK_PLOVER & 1;
    double z = 0;
    for (int r = 0; r < 20; r++) {
        double q = pr[r] * s->pp[penta_of(r)];
        if (plover) {
            double best = 0;
            uint32_t ks = vg_model_root_plovers(r);
            for (int k = 0; k < 16; k++)
                if (ks & (1u << k) && pl[k] > best) best = pl[k];
            q *= ks ? best : 1.0 / 16;
        }
        s->q[r] = q;
        z += q;
    }
    for (int r = 0; r < 20; r++) s->q[r] = z > 0 ? s->q[r] / z : 0.05;
}

static int best_root(const scores *s)
{
    int b = 0;
    for (int r = 1; r < 20; r++) if (s->q[r] > s->q[b]) b = r;
    return b;
}

static double confidence(const scores *s, int root)
{
    if (root < 0) return 0;
    double c = s->have_penta ? s->pp[penta_of(root)] : s->q[root];
    return s->pe * c;
}

static void token_span(const vg_analysis *a, int first, int last, uint32_t *off, uint32_t *len)
{
    if (first < 0 || last < first) { *off = *len = 0; return; }
    const vg_token *f = &a->tk.t.v[first], *l = &a->tk.t.v[last];
    *off = f->off;
    *len = l->off + l->len - f->off;
}

/* The explanation of one decision, appended to r->expl. */
/* x with three decimals ("0.875", "-1.250"), as printf writes them. */
static void put_fixed3(vg_buf *b, double x)
{
    if (!(x == x)) x = 0;             /* never "nan" in JSON */
    vg_buf_put_fixed(b, x > 1e9 ? 1e9 : x < -1e9 ? -1e9 : x, 3);
}

/* The features that weighed most for class c of head t of m (at most
 * TOP_FEATURES with a positive weight, heaviest first, the earlier first
 * among equals) into dc->top, their weights into dc->top_w.
 * They are compared as the stored integers: a weight is w * scale with
 * scale > 0 (none is positive when it is 0), and that product is exact in
 * a double, so the integers order the features as their weights do, ties
 * included.  The search runs on locals, which the compiler keeps in
 * registers (stores into dc could alias everything it reads). */
static void top_features(vg_decider *dc, const vg_model *m, vg_task t, int c)
{
    const table *tb = table_of(m, t);
    const int16_t *col = tb->w + tb->off[t] + c;
    size_t width = tb->width;
    float scale = m->h[t].scale;
    const int32_t *rows = m == dc->rows_m ? dc->rows.v : NULL;
    const uint32_t *keys = dc->f.id.v;
    size_t n = scale > 0 ? dc->f.id.n : 0, ntop = 0, bi[TOP_FEATURES];
    int bq[TOP_FEATURES];
    for (size_t i = 0; i < n; i++) {
        int32_t row = rows ? rows[i] : table_row(tb, keys[i]);
        if (row < 0) continue;
        int q = col[(size_t)row * width];
        if (q <= 0) continue;
        size_t k = ntop < TOP_FEATURES ? ntop++ : TOP_FEATURES;
        if (k == TOP_FEATURES && q <= bq[TOP_FEATURES - 1]) continue;
        if (k == TOP_FEATURES) k = TOP_FEATURES - 1;
        while (k > 0 && bq[k - 1] < q) { bq[k] = bq[k - 1]; bi[k] = bi[k - 1]; k--; }
        bq[k] = q;
        bi[k] = i;
    }
    dc->ntop = ntop;
    for (size_t k = 0; k < ntop; k++) {
        dc->top[k] = bi[k];
        dc->top_w[k] = bq[k] * (double)scale;
    }
}

/* A string literal, without its strlen. */
#define PUT_LIT(b, lit) vg_buf_putn((b), "" lit, sizeof lit - 1)

static void explain(vg_decider *dc, const scores *s, vg_result *r, vg_coded_event *e,
                    const char *decision, const char *from)
{
    vg_buf *b = &r->expl;
    e->expl_off = (uint32_t)b->len;
    PUT_LIT(b, "{\"decision\":");
    vg_buf_json_str(b, decision);
    if (from) {
        PUT_LIT(b, ",\"from\":");
        vg_buf_json_str(b, from);
    }
    int root = root_index_of(e->code);
    PUT_LIT(b, ",\"p_event\":");
    put_fixed3(b, s->pe);
    if (root >= 0) {
        PUT_LIT(b, ",\"p_root\":");
        put_fixed3(b, s->q[root]);
    }
    if (root >= 0 && s->have_penta) {
        PUT_LIT(b, ",\"p_penta\":");
        put_fixed3(b, s->pp[penta_of(root)]);
    }
    /* the features that weighed most for the class decided */
    vg_task t = s->have_penta ? VG_TASK_PENTA : VG_TASK_ROOT;
    const vg_model *m = dc->m[t];
    if (m && root >= 0 && dc->f.names) {
        int c = t == VG_TASK_PENTA ? penta_of(root) : root;
        if (dc->top_class != c) {      /* the events of a sentence share their class */
            dc->top_class = c;
            top_features(dc, m, t, c);
        }
        PUT_LIT(b, ",\"features\":[");
        for (size_t k = 0; k < dc->ntop; k++) {
            if (k) vg_buf_putc(b, ',');
            vg_buf_putc(b, '[');
            dc->name.len = 0;
            vg_feat_name(&dc->f, dc->top[k], &dc->name);
            vg_buf_json_strn(b, dc->name.s ? dc->name.s : "", dc->name.len);
            vg_buf_putc(b, ',');
            put_fixed3(b, dc->top_w[k]);
            vg_buf_putc(b, ']');
        }
        vg_buf_putc(b, ']');
    }
    vg_buf_putc(b, '}');
    e->expl_len = (uint32_t)(b->len - e->expl_off);
}

static const char *base_code(int root)
{
    static const char *const codes[20] = {
        "010", "020", "030", "040", "050", "060", "070", "080", "090", "100",
        "110", "120", "130", "140", "150", "160", "170", "180", "190", "200"
    };
    return codes[root];
}

static bool negated_at(const vg_analysis *a, int v)
{
    return vg_analysis_negation(a, (size_t)v) != VG_NEG_NONE;
}

/* What a dictionary candidate on a negated verb becomes ("did not reach
 * agreement", "failed to attack"): it did not happen and is dropped, as
 * add_event adds none; but a refusal when a modal of will negates a
 * cooperative code (*refusal set).  It stays as it is when its pattern
 * reads the negation itself ("&NEG * WITHDRAW": not ruling out a withdrawal
 * is an intent) or it is a verbal conflict ("did not allow" is a
 * refusal). */
static bool negated_candidate(const vg_analysis *a, const vg_coded_event *e, int root,
                              const char **refusal)
{
    *refusal = NULL;
    if (e->verb < 0 || root < 0 || penta_of(root) == 3) return false;
    int neg = vg_analysis_negation(a, (size_t)e->verb);
    if (neg == VG_NEG_NONE) return false;
    if (e->pattern >= 0) {
        const char *text = vg_dict_str(a->d, a->d->patterns.v[e->pattern].text);
        if (text && strstr(text, "&NEG")) return false;
    }
    if (neg == VG_NEG_WILL) *refusal = vg_cameo_refusal(e->code);
    return true;
}

/* A year before the article's that dates something in the sentence ("in
 * 2008", "on 17 July 2017"): what it says may be history, which the model
 * does not add as news.  Four digits after a verb or before a noun are a
 * quantity ("sent 1500 troops") or a modifier ("the 2016 election"). */
static bool past_year(const vg_analysis *a, int32_t date)
{
    static const char *const before[] = {
        "IN", "SINCE", "ON", "OF", "FROM", "UNTIL", "TILL", "BY", "BEFORE", "AFTER", "DURING",
        "EARLY", "LATE", "MID", "BETWEEN", "AND", "TO", "THROUGH", "JANUARY", "FEBRUARY",
        "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER",
        "DECEMBER", "JAN", "FEB", "MAR", "APR", "JUN", "JUL", "AUG", "SEP", "SEPT", "OCT",
        "NOV", "DEC", NULL
    };
    for (int i = 0; i < ntok(a); i++) {
        const vg_token *t = &a->tk.t.v[i];
        if (t->kind != VG_TK_NUM || t->nlen != 4) continue;
        int y = atoi(tok(a, i));
        if (y < 1000 || y >= date / 10000) continue;
        /* after a time word, a month or a day ("April 7, 2010"), or first */
        int p = i - 1;
        if (p >= 0 && a->tk.t.v[p].kind == VG_TK_COMMA) p--;
        if (p < 0 || a->tk.t.v[p].kind == VG_TK_NUM ||
            vg_analysis_word_in(a, (size_t)p, before))
            return true;
    }
    return false;
}

/* The code for a relabelled or added event: the dictionaries' reading of
 * verb v that the model believes most among those in the class decided
 * (penta >= 0: that PentaClass; else root r itself); else another
 * dictionary verb's own code there (*verb receives the verb); else the
 * general code of root r ("190").  *pattern receives the reading's pattern. */
static const char *code_in_class(vg_matcher *c, const vg_analysis *a, const scores *s, int v,
                                 int penta, int r, int32_t *pattern, int *verb)
{
    const char *codes[32];
    int32_t pats[32];
    size_t n = vg_verb_readings(c, v, codes, pats, 32);
    *pattern = -1;
    *verb = v;
    const char *best = NULL;
    double bq = -1;
    for (size_t i = 0; i < n; i++) {
        int ri = root_index_of(codes[i]);
        if (ri < 0 || (penta >= 0 ? penta_of(ri) != penta : ri != r) || s->q[ri] <= bq) continue;
        bq = s->q[ri];
        best = codes[i];
        *pattern = pats[i];
    }
    if (best) return best;
    for (int t = 0; t < ntok(a); t++) {
        if (a->w.v[t].type != VG_W_VERB || a->w.v[t].deleted || t == v) continue;
        const vg_entry *en = &a->d->entries.v[a->w.v[t].entry];
        const vg_vcode *vc = &a->d->verbforms.v[en->ref].code;
        const char *code = vg_dict_str(a->d, vc->code);
        int ri = code ? root_index_of(code) : -1;
        if (ri >= 0 && (penta >= 0 ? penta_of(ri) == penta : ri == r)) {
            *verb = t;
            return code;
        }
    }
    return base_code(r);
}

static void set_verb(const vg_analysis *a, vg_coded_event *e, int v)
{
    e->verb = (int16_t)v;
    e->verb_last = (int16_t)(a->w.v[v].type == VG_W_VERB ? phrase_last(a, v) : v);
    e->verb_entry = a->w.v[v].type == VG_W_VERB ? a->w.v[v].entry : -1;
    token_span(a, e->verb, e->verb_last, &e->verb_off, &e->verb_len);
}

/* Are units x and y members of one list ("Russia and the Assad regime",
 * "Australia, New Zealand and Fiji")?  Only commas, AND, OR and THE stand
 * between them, and no BETWEEN before the list, whose members are the two
 * sides of a reciprocal event ("clashes between ISIS and the opposition").
 * Members of a list act together: neither is the other's target. */
static bool coordinated(const vg_analysis *a, const vg_unit *x, const vg_unit *y)
{
    static const char *const joins[] = { "AND", "OR", "THE", NULL };
    static const char *const the[] = { "THE", NULL };
    static const char *const between[] = { "BETWEEN", NULL };
    if (x->first > y->first) {
        const vg_unit *t = x;
        x = y;
        y = t;
    }
    if (y->first <= x->last + 1) return false;
    for (int i = x->last + 1; i < y->first; i++)
        if (a->w.v[i].type != VG_W_COMMA && !vg_analysis_word_in(a, (size_t)i, joins))
            return false;
    int p = x->first - 1;
    if (p >= 0 && vg_analysis_word_in(a, (size_t)p, the)) p--;
    return !(p >= 0 && vg_analysis_word_in(a, (size_t)p, between));
}

/* The verb an added event would have (the sentence's main verb), or -1
 * when add_event can add nothing whatever the scores: no coded phrase, no
 * roles head, a past year in the sentence, no main verb. */
static int add_verb(const vg_decider *dc, const vg_analysis *a, const vg_result *r)
{
    if (!dc->units.n || !dc->m[VG_TASK_ROLES] || past_year(a, r->date)) return -1;
    return vg_main_verb(a, r);
}

/* Adds an event the patterns missed: the main verb v (add_verb: a
 * dictionary verb that found no pattern, else the first verb the tagger
 * finds; -1, none), and the most
 * likely source and target among the coded phrases, when the model is
 * confident of the event, its class and both actors.
 * When only one side is found among the coded phrases ("a car bomb killed
 * a Chechen fighter", "Iraqi troops launched an offensive"), the event is
 * added with the other side unknown ("---", as PETRARCH codes an actor it
 * cannot name), if the model gives the event add_partial and its class
 * add_partial_class; the phrase found takes the role the roles head
 * believes more.  A class that is none of the verb's dictionary readings
 * (any class, for a verb the dictionaries lack) needs add_unsupported. */
static void add_event(vg_decider *dc, vg_matcher *c, const vg_analysis *a, const scores *s,
                      vg_result *r, int v)
{
    int root = best_root(s);
    if (v < 0 || s->pe < dc->o.add_event || s->q[root] < dc->o.add_root) return;
    /* what did not happen is no event, as in the dictionaries (&NEG),
     * unless it is a refusal ("would not allow", a verbal conflict) */
    if (negated_at(a, v) && penta_of(root) != 3) return;
    for (size_t i = 0; i < dc->units.n; i++) role_of(dc, a, v, i);
    int bs = -1, bt = -1;
    for (size_t i = 0; i < dc->units.n; i++)
        if (dc->role_p.v[i * 3] >= dc->o.add_source &&
            (bs < 0 || dc->role_p.v[i * 3] > dc->role_p.v[bs * 3]))
            bs = (int)i;
    const char *sc = bs >= 0 ? unit_code(a, &dc->units.v[bs]) : NULL;
    for (size_t i = 0; i < dc->units.n; i++) {
        if ((int)i == bs || (sc && !strcmp(unit_code(a, &dc->units.v[i]), sc)) ||
            (bs >= 0 && coordinated(a, &dc->units.v[bs], &dc->units.v[i])))
            continue;
        if (dc->role_p.v[i * 3 + 1] >= dc->o.add_target &&
            (bt < 0 || dc->role_p.v[i * 3 + 1] > dc->role_p.v[bt * 3 + 1]))
            bt = (int)i;
    }
    if (bs < 0 && bt < 0) return;
    /* one side only: the phrase takes the role the model gives it more
     * probability of, whichever threshold it passed */
    if (bs < 0 && dc->role_p.v[bt * 3] > dc->role_p.v[bt * 3 + 1]) bs = bt, bt = -1;
    else if (bt < 0 && dc->role_p.v[bs * 3 + 1] > dc->role_p.v[bs * 3]) bt = bs, bs = -1;
    if (bs >= 0) sc = unit_code(a, &dc->units.v[bs]);
    int cls = penta_of(root);
    double pcls = s->have_penta ? s->pp[cls] : s->q[root];
    bool partial = bs < 0 || bt < 0;
    if (partial && (s->pe < dc->o.add_partial || pcls < dc->o.add_partial_class)) return;
    /* the class must be one the verb can have in the dictionaries, unless
     * the model is all but sure of it */
    const char *codes[32];
    int32_t pats[32];
    size_t nr = a->w.v[v].type == VG_W_VERB ? vg_verb_readings(c, v, codes, pats, 32) : 0;
    bool supported = false;
    for (size_t i = 0; i < nr; i++) supported |= penta_of(root_index_of(codes[i])) == cls;
    if (!supported && pcls < dc->o.add_unsupported) return;
    const vg_unit *us = bs >= 0 ? &dc->units.v[bs] : NULL;
    const vg_unit *ut = bt >= 0 ? &dc->units.v[bt] : NULL;
    vg_coded_event e;
    memset(&e, 0, sizeof e);
    int verb;
    snprintf(e.source, sizeof e.source, "%s", us ? sc : "---");
    snprintf(e.target, sizeof e.target, "%s", ut ? unit_code(a, ut) : "---");
    snprintf(e.code, sizeof e.code, "%s",
             code_in_class(c, a, s, v, supported ? cls : -1, root, &e.pattern, &verb));
    e.date = r->date;
    set_verb(a, &e, verb);
    e.src_tok = e.tgt_tok = -1;
    e.src_entry = e.tgt_entry = e.src_agent = e.tgt_agent = -1;
    if (us) {
        e.src_tok = us->head;
        e.src_entry = a->w.v[us->head].entry;
        e.src_agent = a->w.v[us->head].agent >= 0 ? a->w.v[a->w.v[us->head].agent].entry : -1;
        token_span(a, us->head, phrase_last(a, us->head), &e.src_off, &e.src_len);
    }
    if (ut) {
        e.tgt_tok = ut->head;
        e.tgt_entry = a->w.v[ut->head].entry;
        e.tgt_agent = a->w.v[ut->head].agent >= 0 ? a->w.v[a->w.v[ut->head].agent].entry : -1;
        token_span(a, ut->head, phrase_last(a, ut->head), &e.tgt_off, &e.tgt_len);
    }
    if (!us) e.flags |= VG_EV_UNKSRC;
    if (!ut) e.flags |= VG_EV_UNKTGT;
    e.clause = a->w.v[v].clause;
    e.method = VG_METHOD_MODEL;
    e.confidence = (float)(confidence(s, root) * (us ? dc->role_p.v[bs * 3] : 1) *
                           (ut ? dc->role_p.v[bt * 3 + 1] : 1));
    explain(dc, s, r, &e, "added", NULL);
    vg_vec_push(&r->events, e);
}

/* The class a group of events (one verb's) is judged by: its first event
 * that is not the reverse half of a pair. */
static int group_root(const vg_result *r, int verb)
{
    for (size_t i = 0; i < r->events.n; i++)
        if (r->events.v[i].verb == verb && !(r->events.v[i].flags & VG_EV_PAIRED))
            return root_index_of(r->events.v[i].code);
    for (size_t i = 0; i < r->events.n; i++)
        if (r->events.v[i].verb == verb) return root_index_of(r->events.v[i].code);
    return -1;
}

static double belief(const scores *s, int root)
{
    if (root < 0) return 0;
    return s->have_penta ? s->pp[penta_of(root)] : s->q[root];
}

void vg_decide(vg_decider *dc, vg_matcher *c, vg_result *r)
{
    const vg_analysis *a = vg_matcher_analysis(c);
    if (r->status != VG_AN_OK) return;
    if (!dc->m[VG_TASK_PENTA] && !dc->m[VG_TASK_ROOT] && !dc->m[VG_TASK_EVENT] &&
        !dc->m[VG_TASK_ROLES])
        return;
    vg_units_find(a, &dc->units);
    if (!r->events.n && !dc->units.n) return;     /* nothing to decide */
    /* Without candidates the model can only add an event: when what that
     * requires regardless of the scores is missing, scoring changes nothing
     * (329 of 2,713 such sentences in news-sentences.jsonl). */
    int av = r->events.n ? -1 : add_verb(dc, a, r);
    if (!r->events.n && av < 0) return;
    dc->role_verb = -2;
    dc->role_p.n = 0;
    dc->top_class = -1;
    feats_sentence(a, r, &dc->units, &dc->f);
    scores s;
    score_sentence(dc, &s);
    if (!r->events.n) {
        add_event(dc, c, a, &s, r, av);
        goto threshold;
    }
    if (s.pe < dc->o.drop_event) {
        r->events.n = 0;
        return;
    }
    /* Events come in groups, one per verb; the group whose class the model
     * believes most is primary.  It is relabelled only when the model is
     * confident of another class and finds the dictionaries' class much
     * less likely. */
    int primary = -1, proot = -1;
    double pb = -1;
    for (size_t i = 0; i < r->events.n; i++) {
        int v = r->events.v[i].verb, root = group_root(r, v);
        double b = belief(&s, root) + (root >= 0 ? s.q[root] * 1e-3 : 0);
        if (b > pb) { pb = b; primary = v; proot = root; }
    }
    int best = best_root(&s), class = -1;
    bool relabel = false;
    /* a pattern that matched is stronger evidence than a verb's own code:
     * the model must be surer to overrule it */
    bool by_pattern = false;
    for (size_t i = 0; i < r->events.n; i++)
        by_pattern |= r->events.v[i].verb == primary && r->events.v[i].pattern >= 0;
    double rmin = by_pattern ? dc->o.relabel_pattern_min : dc->o.relabel_min;
    double ratio = by_pattern ? dc->o.relabel_pattern_ratio : dc->o.relabel_ratio;
    if (proot >= 0 && s.have_penta) {
        int ppen = penta_of(proot), bpen = 0;
        for (int k = 1; k < 5; k++) if (s.pp[k] > s.pp[bpen]) bpen = k;
        if (bpen != ppen) {
            relabel = s.pp[bpen] >= rmin && s.pp[bpen] >= ratio * s.pp[ppen];
            class = bpen;
            best = -1;
            for (int k = 0; k < 20; k++)
                if (penta_of(k) == bpen && (best < 0 || s.q[k] > s.q[best])) best = k;
        }
    } else if (proot >= 0 && s.have_root && best != proot) {
        relabel = s.q[best] >= rmin && s.q[best] >= ratio * s.q[proot];
    }
    int32_t new_pattern = -1;
    int new_verb = primary;
    const char *new_code = relabel ? code_in_class(c, a, &s, primary, class, best, &new_pattern,
                                                   &new_verb)
                                   : NULL;
    dc->out.n = 0;
    for (size_t i = 0; i < r->events.n; i++) {
        vg_coded_event e = r->events.v[i];
        int root = group_root(r, e.verb);
        bool is_primary = e.verb == primary;
        if (!is_primary && belief(&s, root) < dc->o.keep_secondary) continue;
        const char *refusal;
        if (negated_candidate(a, &e, relabel && is_primary ? best : root, &refusal) &&
            !refusal)
            continue;
        const char *decision = "kept";
        char from[12] = "";
        e.method = VG_METHOD_BOTH;
        if (refusal) {                     /* "would not send troops" */
            if (e.flags & VG_EV_PAIRED) continue;      /* the other side refused nothing */
            snprintf(from, sizeof from, "%s", e.code);
            snprintf(e.code, sizeof e.code, "%s", refusal);
            root = root_index_of(refusal);
            e.pattern = -1;
            decision = "relabelled";
            e.method = VG_METHOD_MODEL;
        } else if (is_primary && relabel) {
            if (e.flags & VG_EV_PAIRED) continue;      /* the reverse half of a pair */
            snprintf(from, sizeof from, "%s", e.code);
            snprintf(e.code, sizeof e.code, "%s", new_code);
            root = root_index_of(new_code);
            e.pattern = new_pattern;
            if (new_verb != e.verb) set_verb(a, &e, new_verb);
            decision = "relabelled";
            e.method = VG_METHOD_MODEL;
        }
        e.confidence = (float)confidence(&s, root);
        explain(dc, &s, r, &e, decision, from[0] ? from : NULL);
        /* a relabelled event may now repeat another */
        bool dup = false;
        for (size_t k = 0; k < dc->out.n && !dup; k++)
            dup = !strcmp(dc->out.v[k].source, e.source) &&
                  !strcmp(dc->out.v[k].target, e.target) && !strcmp(dc->out.v[k].code, e.code);
        if (!dup) vg_vec_push(&dc->out, e);
    }
    /* the primary group first: the sentence's decision leads */
    r->events.n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < dc->out.n; i++)
            if ((dc->out.v[i].verb == (relabel ? new_verb : primary)) == (pass == 0))
                vg_vec_push(&r->events, dc->out.v[i]);
threshold:
    if (dc->o.min_confidence > 0) {
        size_t k = 0;
        for (size_t i = 0; i < r->events.n; i++)
            if (r->events.v[i].confidence >= dc->o.min_confidence)
                r->events.v[k++] = r->events.v[i];
        r->events.n = k;
    }
}
