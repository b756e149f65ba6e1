/* analysis.c -- see analysis.h. */
#include "analysis.h"
#include "ontology.h"
#include "tagger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VG_MAX_TOKENS 127

/* What a word list (closed[], the matcher's lists) says of a word, by
 * its word-cache handle: asked once per distinct word and list, not once
 * per token.  Direct-mapped; a slot remembers the list, the word and the
 * cache generation it was filled in. */
#define MEMO_SLOTS 4096
typedef struct memo_slot {
    const void *list;
    uint32_t word, gen;
    int32_t val;
} memo_slot;
struct vg_wordmemo { memo_slot s[MEMO_SLOTS]; };

static memo_slot *memo_at(const vg_analysis *a, const void *list, size_t i, bool *hit)
{
    *hit = false;
    if (!a->memo || i >= a->winfo.n || a->winfo.v[i] == UINT32_MAX) return NULL;
    uint32_t w = a->winfo.v[i], gen = vg_wordcache_generation(a->wc);
    size_t h = ((uintptr_t)list >> 3) * 0x9E3779B1u + w * 0x85EBCA6Bu;
    memo_slot *m = &a->memo->s[(h >> 7) & (MEMO_SLOTS - 1)];
    *hit = m->list == list && m->word == w && m->gen == gen;
    if (!*hit) { m->list = list; m->word = w; m->gen = gen; }
    return m;
}

void vg_analysis_init(vg_analysis *a, const vg_dict *d, const vg_options *opt)
{
    memset(a, 0, sizeof *a);
    a->d = d;
    a->opt = opt;
    a->wc = vg_wordcache_new(d);
    vg_litset_init(&a->lits, d);
    a->memo = vg_calloc(1, sizeof *a->memo);
}

void vg_analysis_free(vg_analysis *a)
{
    vg_tokens_free(&a->tk);
    vg_vec_free(&a->w);
    vg_vec_free(&a->hits);
    vg_vec_free(&a->hit_of);
    vg_vec_free(&a->codes);
    vg_vec_free(&a->comps);
    vg_vec_free(&a->comp_members);
    vg_vec_free(&a->clauses);
    vg_vec_free(&a->skip);
    vg_vec_free(&a->winfo);
    vg_vec_free(&a->issues);
    vg_vec_free(&a->issue_hits);
    vg_litset_free(&a->lits);
    vg_wordcache_free(a->wc);
    free(a->memo);
    vg_tagger_cache_free(a->tcache);
}

static const char *norm(const vg_analysis *a, size_t i) { return vg_tok_norm(&a->tk, i); }

static bool is_word(const vg_analysis *a, size_t i, const char *w)
{
    const char *t = norm(a, i);
    return t[0] == w[0] && !strcmp(t, w);     /* most words differ at once */
}

static void set_status(vg_analysis *a, int st, const char *why)
{
    if (a->status == VG_AN_OK || (st == VG_AN_DISCARD && a->status != VG_AN_DISCARD)) {
        a->status = st;
        snprintf(a->why, sizeof a->why, "%s", why);
    }
}

/* ---- tokens ---- */

static void tokenize(vg_analysis *a, const char *text, size_t len)
{
    vg_tokens_clear(&a->tk);
    vg_text_tokenize(text, len, &a->tk);
    /* a dateline names where the story was filed, not an actor */
    size_t skip = a->opt->tabari_compat ? 0 : vg_text_dateline_len(text, len);
    size_t k = 0;
    for (size_t i = 0; i < a->tk.t.n; i++)
        if (a->tk.t.v[i].kind != VG_TK_PUNCT && a->tk.t.v[i].off >= skip)
            a->tk.t.v[k++] = a->tk.t.v[i];
    a->tk.t.n = k;
    if (k > VG_MAX_TOKENS) {
        a->tk.t.n = VG_MAX_TOKENS;
        a->truncated = true;
    }
}

/* ---- typing words ---- */

static const struct { const char *w; uint8_t type, pron; } closed[] = {
    { "THE", VG_W_DETERM, 0 }, { "A", VG_W_DETERM, 0 }, { "AN", VG_W_DETERM, 0 },
    { "HE", VG_W_PRONOUN, VG_PRON_FIRST }, { "SHE", VG_W_PRONOUN, VG_PRON_FIRST },
    { "IT", VG_W_PRONOUN, VG_PRON_FIRST }, { "HIM", VG_W_PRONOUN, VG_PRON_FIRST },
    { "ITS", VG_W_PRONOUN, VG_PRON_PRIOR }, { "HIS", VG_W_PRONOUN, VG_PRON_PRIOR },
    { "HER", VG_W_PRONOUN, VG_PRON_PRIOR },
    { "THEY", VG_W_PRONOUN, VG_PRON_PLURAL }, { "THEM", VG_W_PRONOUN, VG_PRON_PLURAL },
    { "THEIR", VG_W_PRONOUN, VG_PRON_PLURAL },
    { "AND", VG_W_CONJ, 0 }, { "BUT", VG_W_CONJ, 0 }, { "OR", VG_W_CONJ, 0 },
    { "NOR", VG_W_CONJ, 0 },
    { "WAS", VG_W_AUXIL, 0 }, { "WERE", VG_W_AUXIL, 0 }, { "BEEN", VG_W_AUXIL, 0 },
    { "BY", VG_W_BY, 0 },
};

static void type_closed(vg_analysis *a, size_t i)
{
    vg_aword *w = &a->w.v[i];
    switch (a->tk.t.v[i].kind) {
    case VG_TK_COMMA: w->type = VG_W_COMMA; return;
    case VG_TK_QUOTE: w->type = VG_W_QUOTE; return;
    case VG_TK_NUM: w->type = VG_W_NUMBER; return;
    default: break;
    }
    bool hit;
    memo_slot *m = memo_at(a, closed, i, &hit);
    int found = -1;
    if (hit) {
        found = m->val;
    } else {
        const char *t = norm(a, i);
        size_t tl = a->tk.t.v[i].nlen;
        for (size_t k = 0; tl && tl <= 5 && k < sizeof closed / sizeof *closed; k++)
            if (closed[k].w[0] == t[0] && !strcmp(t, closed[k].w)) { found = (int)k; break; }
        if (m) m->val = found;
    }
    if (found >= 0) {
        w->type = closed[found].type;
        w->pron = closed[found].pron;
    }
}

static void add_code(vg_analysis *a, const char *c)
{
    vg_vec_reserve(&a->codes, a->codes.n + 1);
    char *out = a->codes.v[a->codes.n++].code;
    size_t n = c ? strlen(c) : 6;
    if (n >= sizeof ((vg_acode *)0)->code) n = sizeof ((vg_acode *)0)->code - 1;
    memcpy(out, c ? c : "(null)", n);     /* as snprintf("%s") would */
    out[n] = '\0';
}

/* Types an actor head: its dated code for the sentence date. */
static void type_actor(vg_analysis *a, size_t i, const vg_entry *e)
{
    vg_aword *w = &a->w.v[i];
    const vg_dated *dc = vg_actor_code(a->d, e->ref, a->date);
    if (!dc || dc->special == VG_CODE_NULL) { w->type = VG_W_NOUN; return; }
    if (dc->special == VG_CODE_DISCARD) { set_status(a, VG_AN_DISCARD, "discard actor"); w->type = VG_W_NOUN; return; }
    if (dc->special == VG_CODE_COMPLEX) { set_status(a, VG_AN_COMPLEX, "complex actor"); w->type = VG_W_NOUN; return; }
    w->type = VG_W_ACTOR;
    w->special = dc->special;
    w->ncodes = (uint8_t)dc->ncodes;
    w->base = (uint32_t)a->codes.n;
    for (uint16_t k = 0; k < dc->ncodes; k++)
        add_code(a, vg_dict_str(a->d, a->d->codelist.v[dc->codes + k]));
    w->codes = (uint32_t)a->codes.n;
    for (uint16_t k = 0; k < dc->ncodes; k++)
        add_code(a, vg_dict_str(a->d, a->d->codelist.v[dc->codes + k]));
}

static void type_hit(vg_analysis *a, size_t i, const vg_hit *h)
{
    const vg_entry *e = &a->d->entries.v[h->entry];
    vg_aword *w = &a->w.v[i];
    w->entry = h->entry;
    w->last = (int16_t)h->last;
    a->hit_of.v[i] = (int32_t)a->hits.n;
    vg_vec_push(&a->hits, *h);
    for (size_t k = 1; k < h->nwords; k++) {
        vg_aword *t = &a->w.v[h->pos[k]];
        t->type = VG_W_TAIL;
        t->head = (int16_t)i;
        a->skip.v[h->pos[k]] = 1;
    }
    switch (e->kind) {
    case VG_PK_ACTOR: type_actor(a, i, e); break;
    case VG_PK_AGENT: w->type = VG_W_AGENT; break;
    case VG_PK_NOUN: w->type = VG_W_NOUN; break;
    case VG_PK_ADJ: w->type = VG_W_ADJ; break;
    case VG_PK_VERB: {
        const vg_verbform *vf = &a->d->verbforms.v[e->ref];
        uint8_t bk = a->d->blocks.v[vf->block].kind;
        w->type = bk == VG_VK_TIME ? VG_W_TIME : bk == VG_VK_ATTRIB ? VG_W_ATTRIB : VG_W_VERB;
        break;
    }
    default: break;
    }
}

/* ---- discards and issues ---- */

static void count_issue(vg_analysis *a, const char *code)
{
    for (size_t i = 0; i < a->issues.n; i++)
        if (!strcmp(a->issues.v[i].code, code)) { a->issues.v[i].count++; return; }
    vg_issue_count ic = { code, 1 };
    vg_vec_push(&a->issues, ic);
}

static void on_scan(void *ctx, const vg_hit *h)
{
    vg_analysis *a = ctx;
    const vg_entry *e = &a->d->entries.v[h->entry];
    if (e->kind == VG_PK_DISCARD) {
        char why[128];
        snprintf(why, sizeof why, "%s discard '%.80s'", e->story ? "story" : "sentence",
                 vg_dict_str(a->d, e->text));
        set_status(a, VG_AN_DISCARD, why);
        a->story_discard |= e->story;
        return;
    }
    vg_vec_push(&a->issue_hits, *h);
}

static const vg_issue *issue_of(const vg_analysis *a, const vg_hit *h)
{
    return &a->d->issues.v[a->d->entries.v[h->entry].ref];
}

/* An issue phrase counts unless an ignore phrase ("~") of its category
 * overlaps it ("~european union" under LABOR_UNIONS keeps UNION from coding
 * there); a "~~" phrase cancels every issue of the sentence. */
static bool issue_masked(const vg_analysis *a, const vg_hit *h)
{
    int32_t cat = issue_of(a, h)->category;
    for (size_t k = 0; k < a->issue_hits.n; k++) {
        const vg_hit *x = &a->issue_hits.v[k];
        const vg_issue *ig = issue_of(a, x);
        if (ig->ignore == 2) return true;
        if (ig->ignore == 1 && (ig->category == cat || ig->category < 0) &&
            x->first <= h->last && h->first <= x->last)
            return true;
    }
    return false;
}

static void scan_discards_and_issues(vg_analysis *a)
{
    a->issue_hits.n = 0;
    vg_dict_scan(a->d, a->wc, a->winfo.v, &a->tk, on_scan, a);
    for (size_t k = 0; k < a->issue_hits.n; k++) {
        const vg_issue *is = issue_of(a, &a->issue_hits.v[k]);
        if (!is->ignore && !issue_masked(a, &a->issue_hits.v[k]))
            count_issue(a, vg_dict_str(a->d, is->code));
    }
}

/* Short acronyms that are also English words ("US", "IS", "IT") code only
 * when written in capitals: the pronoun "us" is not the United States.
 * Applies to one-word actor and agent phrases (not in TABARI mode). */
static bool word_lookalike(const vg_analysis *a, size_t i, const vg_hit *h)
{
    static const char *const words[] = {
        "US", "IS", "IT", "AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN",
        "ME", "MY", "NO", "OF", "ON", "OR", "SO", "TO", "UP", "WE", "ARE", "CAN", "MAY",
        "NOT", "OUR", "OUT", "WHO", "ALL", "AND", "FOR", "HIS", "HER", "ITS", "WAS", NULL
    };
    const vg_entry *e = &a->d->entries.v[h->entry];
    if (a->opt->tabari_compat || h->nwords != 1 || a->tk.allcaps ||
        (e->kind != VG_PK_ACTOR && e->kind != VG_PK_AGENT))
        return false;
    if (a->tk.t.v[i].flags & VG_TF_ALLCAPS) return false;
    return vg_analysis_word_in(a, i, words);
}

static void classify(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    vg_vec_reserve(&a->winfo, n + 1);
    a->winfo.n = n;
    vg_dict_lookup(a->d, a->wc, &a->tk, a->winfo.v);
    vg_litset_mark(&a->lits, a->d, a->wc, a->winfo.v, &a->tk);
    scan_discards_and_issues(a);
    const unsigned kinds = 1u << VG_PK_ACTOR | 1u << VG_PK_AGENT | 1u << VG_PK_VERB |
                           1u << VG_PK_NOUN | 1u << VG_PK_ADJ;
    for (size_t i = 0; i < n; i++) {
        if (a->w.v[i].type == VG_W_TAIL) continue;
        vg_hit h;
        if (vg_dict_find(a->d, a->wc, a->winfo.v, &a->lits, &a->tk, i, n, kinds, a->skip.v, &h) &&
            !word_lookalike(a, i, &h)) {
            a->skip.v[i] = 1;
            type_hit(a, i, &h);
        } else {
            type_closed(a, i);
        }
    }
}

/* ---- verbs and nouns ---- */


static bool first_word(const vg_analysis *a, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (a->tk.t.v[k].kind == VG_TK_WORD || a->tk.t.v[k].kind == VG_TK_NUM) return false;
    return true;
}

static const vg_verbform *verbform_of(const vg_analysis *a, size_t i)
{
    const vg_entry *e = &a->d->entries.v[a->w.v[i].entry];
    return &a->d->verbforms.v[e->ref];
}

/* Spans tagged without the memo first: a memo (about 9 MB, filled word by
 * word) pays for itself over many sentences, not over one text coded by
 * vg_code_text, which makes a coder per call.  The tags are the same. */
#define MEMO_AFTER_SPANS 64

/* Part-of-speech tags around each dictionary verb (only when an event is
 * possible; the whole sentence when it has actors but no dictionary verb
 * that can code).  The tagger reads two words either side and the two
 * previous tags, so a window from five words before to two after tags the
 * verb as the whole sentence would, for a fraction of the work. */
static void tag_span(const vg_tagger *tg, vg_analysis *a, size_t lo, size_t hi)
{
    const char *words[64];
    size_t lens[64];
    unsigned char tags[64];
    while (lo < hi) {
        size_t n = hi - lo < 64 ? hi - lo : 64;
        for (size_t k = 0; k < n; k++) {
            words[k] = a->text + a->tk.t.v[lo + k].off;
            lens[k] = a->tk.t.v[lo + k].len;
        }
        if (!a->tcache && ++a->spans_tagged > MEMO_AFTER_SPANS)
            a->tcache = vg_tagger_cache_new(tg);
        if (a->tcache) vg_tagger_tag_cached(tg, a->tcache, words, lens, n, tags);
        else vg_tagger_tag(tg, words, lens, n, tags);
        for (size_t k = 0; k < n; k++) a->w.v[lo + k].pos = tags[k];
        lo += n;
    }
}

/* Can the dictionary verb at i yield a code in this sentence?  Its own code
 * is not null, or one of its patterns can match. */
static bool verb_can_code(const vg_analysis *a, size_t i)
{
    const vg_verbform *vf = verbform_of(a, i);
    if (vf->code.special != VG_CODE_NULL) return true;
    const vg_vblock *b = &a->d->blocks.v[vf->block];
    for (uint32_t k = 0; k < b->npat; k++) {
        const vg_pattern *p = &a->d->patterns.v[b->pat + k];
        if (p->code.special != VG_CODE_NULL && vg_pattern_viable(a->d, p, &a->lits)) return true;
    }
    return false;
}

static void tag(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    bool actor = false;
    for (size_t i = 0; i < n && !actor; i++)
        actor = a->w.v[i].type == VG_W_ACTOR || a->w.v[i].type == VG_W_AGENT;
    if (!actor) return;                     /* no event is possible: save the work */
    const vg_tagger *tg = vg_tagger_default();
    if (!tg) return;
    size_t lo = 0, hi = 0;                  /* pending window */
    bool can = false;                       /* a dictionary verb that can code */
    for (size_t i = 0; i <= n; i++) {
        bool verb = i < n && a->w.v[i].type == VG_W_VERB;
        if (verb && !verb_can_code(a, i)) {
            a->w.v[i].pos = VG_POS_VB;      /* untagged: it cannot code anyway */
            continue;
        }
        can |= verb;
        if (verb && !a->tk.allcaps && !(a->tk.t.v[i].flags & VG_TF_CAP)) {
            int t = vg_tagger_fixed(tg, a->text + a->tk.t.v[i].off, a->tk.t.v[i].len);
            if (t >= 0) { a->w.v[i].pos = (uint8_t)t; continue; }   /* no context needed */
        }
        if (!verb && i < n) continue;
        size_t wlo = i < n ? (i > 5 ? i - 5 : 0) : n, whi = i + 3 < n ? i + 3 : n;
        if (hi > lo && (i == n || wlo > hi)) {
            tag_span(tg, a, lo, hi);
            lo = hi = 0;
        }
        if (i == n) break;
        if (hi == lo) lo = wlo;
        hi = whi;
    }
    /* no dictionary verb that can code (so no window was tagged): the
     * whole sentence, so that the model finds its main verb */
    if (!can) tag_span(tg, a, 0, n);
    a->tagged = true;
}

/* A headline's present tense, which the tagger (trained on running prose)
 * reads as a plural noun: "Saudi Arabia lifts blockade of Qatar", "Trump
 * urges UN to renew sanctions".  An -S form right after an actor's phrase,
 * before a noun phrase (not a preposition or a verb: "Israeli strikes on
 * Gaza", "Israeli strikes kill 20" stay nouns), in a sentence with no
 * finite dictionary verb elsewhere. */
static bool headline_verb(const vg_analysis *a, size_t i)
{
    const vg_token *t = &a->tk.t.v[i];
    if (a->w.v[i].pos != VG_POS_NNS || i == 0 || i + 1 >= a->tk.t.n ||
        (t->flags & (VG_TF_CAP | VG_TF_ALLCAPS)) || a->text[t->off + t->len - 1] != 's')
        return false;
    const vg_aword *p = &a->w.v[i - 1];
    if (p->type == VG_W_TAIL && p->head >= 0) p = &a->w.v[p->head];
    if (p->type != VG_W_ACTOR && p->type != VG_W_AGENT) return false;
    const vg_aword *nx = &a->w.v[i + 1];
    switch (nx->type) {
    case VG_W_ACTOR: case VG_W_AGENT: case VG_W_DETERM: case VG_W_NUMBER: case VG_W_NOUN:
        break;
    case VG_W_NULL: case VG_W_ADJ: case VG_W_VERB:    /* a verb the tagger reads as a noun */
        if (nx->pos != VG_POS_NONE && (vg_pos_is_noun(nx->pos) || nx->pos == VG_POS_JJ ||
                                       nx->pos == VG_POS_DT || nx->pos == VG_POS_CD ||
                                       nx->pos == VG_POS_PRPS))
            break;
        return false;
    default:
        return false;
    }
    for (size_t k = 0; k < a->tk.t.n; k++) {
        uint8_t q = a->w.v[k].pos;
        if (k != i && a->w.v[k].type == VG_W_VERB &&
            (q == VG_POS_VBD || q == VG_POS_VBZ || q == VG_POS_VBP || q == VG_POS_MD))
            return false;
    }
    return true;
}

/* A past tense the tagger read where the clause's own verb comes later as
 * a passive: "three policemen detained in Serbia were released by Serbian
 * police".  An -ED form after a noun phrase, with no object after it, is
 * then a participle that describes the phrase (a reduced relative), when
 * WAS, WERE, IS, ARE or BEEN follows within the clause, before any
 * subordinating word or comma, followed by a participle.  Not in TABARI
 * compatibility. */
static bool past_is_participle(const vg_analysis *a, size_t i)
{
    static const char *const be[] = { "WAS", "WERE", "IS", "ARE", "BEEN", NULL };
    static const char *const stop[] = {
        "AFTER", "BEFORE", "WHEN", "WHILE", "AS", "SINCE", "BECAUSE", "IF", "THAT", "WHICH",
        "WHO", "UNTIL", "ONCE", "ALTHOUGH", "AND", "OR", "BUT", NULL
    };
    const vg_token *t = &a->tk.t.v[i];
    size_t n = a->tk.t.n;
    if (a->w.v[i].pos != VG_POS_VBD || i == 0 || i + 1 >= n || t->nlen < 4 ||
        memcmp(vg_tok_norm(&a->tk, i) + t->nlen - 2, "ED", 2))
        return false;
    const vg_aword *p = &a->w.v[i - 1];
    if (!(p->type == VG_W_ACTOR || p->type == VG_W_AGENT || p->type == VG_W_TAIL ||
          p->type == VG_W_NOUN || (p->type == VG_W_NULL && vg_pos_is_noun(p->pos))))
        return false;
    uint8_t nx = a->w.v[i + 1].type;
    if (nx == VG_W_DETERM || nx == VG_W_ACTOR || nx == VG_W_AGENT || nx == VG_W_PRONOUN ||
        nx == VG_W_NUMBER)
        return false;
    for (size_t k = i + 1; k + 1 < n && k <= i + 8; k++) {
        uint8_t ty = a->w.v[k].type;
        if (ty == VG_W_COMMA || ty == VG_W_QUOTE || vg_analysis_word_in(a, k, stop)) return false;
        if (!vg_analysis_word_in(a, k, be)) continue;
        size_t q = k + 1;
        if (q + 1 < n && a->w.v[q].pos == VG_POS_RB) q++;     /* "were later released" */
        return a->w.v[q].type == VG_W_VERB && (a->w.v[q].pos == VG_POS_VBN ||
                                               a->w.v[q].pos == VG_POS_VBD);
    }
    return false;
}

/* A base form right after a modal, or after its NOT, is a verb, whatever
 * the tagger says: "Macron will host the Crown Prince" (the tagger's
 * dictionary of unambiguous words makes HOST a noun everywhere).  Not in
 * TABARI compatibility, which has no tagger. */
static bool after_modal(const vg_analysis *a, size_t i)
{
    static const char *const modal[] = {
        "WILL", "WOULD", "SHALL", "SHOULD", "CAN", "COULD", "MAY", "MIGHT", "MUST", NULL
    };
    static const char *const neg[] = { "NOT", "NEVER", "ALSO", NULL };
    const vg_token *t = &a->tk.t.v[i];
    if (i == 0 || (t->flags & VG_TF_CAP) || a->text[t->off + t->len - 1] == 's') return false;
    size_t p = i - 1;
    if (p > 0 && vg_analysis_word_in(a, p, neg)) p--;
    /* "Theresa May host ..." is no modal */
    return vg_analysis_word_in(a, p, modal) && !(p > 0 && (a->tk.t.v[p].flags & VG_TF_CAP));
}

/* Is the dictionary verb at i used as a noun?  With the tagger, its part of
 * speech decides; TABARI's rules: a determiner before it, or a capital in
 * mid-sentence. */
static bool verb_is_noun(vg_analysis *a, size_t i)
{
    if (a->tagged && headline_verb(a, i)) {
        a->w.v[i].pos = VG_POS_VBZ;
        return false;
    }
    if (a->tagged && !vg_pos_is_verb(a->w.v[i].pos) && after_modal(a, i)) {
        a->w.v[i].pos = VG_POS_VB;
        return false;
    }
    if (a->tagged) return !vg_pos_is_verb(a->w.v[i].pos);
    if (i > 0 && a->w.v[i - 1].type == VG_W_DETERM) return true;
    return !a->tk.allcaps && (a->tk.t.v[i].flags & VG_TF_CAP) && !first_word(a, i);
}

/* A verb joined by a hyphen to an actor, an agent or a name before it is a
 * modifier: "the Rwandan-backed RCD", "the Saudi-led coalition",
 * "rebel-held towns" (not "re-elected": RE is none of them). */
static bool hyphen_modifier(const vg_analysis *a, size_t i)
{
    const vg_token *t = &a->tk.t.v[i], *p = &a->tk.t.v[i - 1];
    if (t->off == 0 || a->text[t->off - 1] != '-' || p->off + p->len + 1 != t->off) return false;
    const vg_aword *pw = &a->w.v[i - 1];
    if (pw->type == VG_W_TAIL && pw->head >= 0) pw = &a->w.v[pw->head];
    return pw->type == VG_W_ACTOR || pw->type == VG_W_AGENT || (p->flags & VG_TF_CAP);
}

/* Does a noun, or an actor or agent, start at i, after any adjectives? */
static bool noun_follows(const vg_analysis *a, size_t i)
{
    while (i < a->tk.t.n && a->w.v[i].type == VG_W_ADJ) i++;
    if (i >= a->tk.t.n) return false;
    uint8_t t = a->w.v[i].type;
    return t == VG_W_NOUN || t == VG_W_ACTOR || t == VG_W_AGENT ||
           (t == VG_W_NULL && vg_pos_is_noun(a->w.v[i].pos));
}

/* A participle that premodifies a noun: "30 armed men", "the two exiled
 * dissidents", "its wounded soldiers" (a determiner, number, adjective or
 * possessive before it; a number in words only when a noun follows, as
 * "three wounded" may be a clause of its own). */
static bool verb_is_adjective(const vg_analysis *a, size_t i)
{
    if (!a->tagged || a->w.v[i].pos != VG_POS_VBN || i == 0) return false;
    const vg_aword *p = &a->w.v[i - 1];
    return p->type == VG_W_DETERM || p->type == VG_W_NUMBER || p->type == VG_W_ADJ ||
           (p->type == VG_W_NULL && p->pos == VG_POS_CD && noun_follows(a, i + 1)) ||
           (p->type == VG_W_PRONOUN && p->pron != VG_PRON_FIRST);
}

/* "the Saudi-backed Jaish al-Islam claimed ...": the backer is no actor
 * of the phrase (a "Saudi-led coalition" keeps its leader). */
static const char *const backed[] = {
    "BACKED", "SUPPORTED", "SPONSORED", "FUNDED", "FINANCED", "ARMED", "TRAINED", NULL
};

/* The words of the actor phrase whose last word is at e become adjectives:
 * it names no participant. */
static void demote_actor(vg_analysis *a, size_t e)
{
    vg_aword *w = &a->w.v[e];
    size_t h = w->type == VG_W_TAIL && w->head >= 0 ? (size_t)w->head : e;
    if (a->w.v[h].type != VG_W_ACTOR) return;
    for (size_t k = h; k <= e; k++) a->w.v[k].type = VG_W_ADJ;
}

/* "the Astana talks", "the Minsk agreements": a capital that names a
 * meeting or what it agreed is no participant of it (outside TABARI
 * compatibility). */
static const char *const meetings[] = {
    "TALKS", "PROCESS", "AGREEMENT", "AGREEMENTS", "ACCORD", "ACCORDS", "CONFERENCE", "FORMAT",
    "PROTOCOL", "PROTOCOLS", "SUMMIT", "DECLARATION", "NEGOTIATIONS", "PEACE", "CONVENTION",
    "ROADMAP", "PACT", "TREATY", "DEAL", "MEETING", "MEETINGS", "FRAMEWORK", NULL
};

static void meeting_names(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    if (a->opt->tabari_compat) return;
    for (size_t h = 0; h < n; h++) {
        vg_aword *w = &a->w.v[h];
        if (w->type != VG_W_ACTOR || w->ncodes != 1) continue;
        size_t e = w->last >= (int16_t)h ? (size_t)w->last : h;
        if (e + 1 >= n || !vg_analysis_word_in(a, e + 1, meetings)) continue;
        const char *code = vg_analysis_code(a, h, 0);
        size_t cl = strlen(code);
        char cc[4];
        if (cl != 6 || strcmp(code + 3, "GOV") || !vg_actor_country(code, cc)) continue;
        demote_actor(a, e);
    }
}

/* A verb used as a noun becomes a noun, a premodifying participle an
 * adjective; a null-coded verb without patterns is no verb at all. */
static void mark_nouns(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    for (size_t i = 0; i < n; i++) {
        vg_aword *w = &a->w.v[i];
        if (w->type != VG_W_VERB) continue;
        if (a->tagged && i > 0 && hyphen_modifier(a, i)) {
            w->type = VG_W_ADJ;
            if (vg_analysis_word_in(a, i, backed)) demote_actor(a, i - 1);
            continue;
        }
        if (verb_is_noun(a, i)) { w->type = VG_W_NOUN; continue; }
        if (a->tagged && !a->opt->tabari_compat && past_is_participle(a, i)) w->pos = VG_POS_VBN;
        if (verb_is_adjective(a, i)) { w->type = VG_W_ADJ; continue; }
        const vg_verbform *vf = verbform_of(a, i);
        const vg_vblock *b = &a->d->blocks.v[vf->block];
        if (vf->code.special == VG_CODE_NULL && b->npat == 0) w->type = VG_W_NULL;
    }
}

/* Discard and complex codes on verb roots and time phrases. */
static void check_roots(vg_analysis *a)
{
    for (size_t i = 0; i < a->tk.t.n; i++) {
        vg_aword *w = &a->w.v[i];
        if (w->type != VG_W_VERB && w->type != VG_W_TIME) continue;
        const vg_verbform *vf = verbform_of(a, i);
        if (w->type == VG_W_TIME && !a->time_active) continue;
        if (vf->code.special == VG_CODE_DISCARD) set_status(a, VG_AN_DISCARD, "discard verb");
        if (vf->code.special == VG_CODE_COMPLEX) set_status(a, VG_AN_COMPLEX, "complex verb");
    }
}

/* ---- compounds ---- */

typedef VG_VEC(int16_t) i16vec;

bool vg_analysis_is_actor(const vg_analysis *a, size_t i)
{
    const vg_aword *w = &a->w.v[i];
    if (w->type == VG_W_ACTOR) return true;
    return w->type == VG_W_AGENT && a->opt->convert_agents && w->codes != UINT32_MAX &&
           w->ncodes > 0;
}

/* End (exclusive) of the phrase headed at i, skipping its adjacent tails. */
static size_t phrase_end(const vg_analysis *a, size_t i)
{
    size_t j = i + 1;
    while (j < a->tk.t.n && a->w.v[j].type == VG_W_TAIL && a->w.v[j].head == (int16_t)i) j++;
    return j;
}

static bool possessive(const vg_analysis *a, size_t i)
{
    size_t n = a->tk.t.v[i].nlen;
    const char *t = norm(a, i);
    return n >= 2 && (t[n - 1] == '\'' || (t[n - 2] == '\'' && t[n - 1] == 'S'));
}

/* NP = [DETERM|ADJ]* ACTOR AGENT* ([ADJ|DETERM]+ ACTOR AGENT*)*: two actors
 * side by side are two noun phrases unless a modifier or a possessive joins
 * them ("Arnor's Elrond").  Returns the end (exclusive) or 0; appends the
 * actor tokens to members. */
static size_t parse_np(const vg_analysis *a, size_t i, i16vec *members)
{
    size_t n = a->tk.t.n, j = i, end = 0;
    while (j < n) {
        size_t k = j;
        while (k < n && (a->w.v[k].type == VG_W_DETERM || a->w.v[k].type == VG_W_ADJ)) k++;
        if (k >= n || !vg_analysis_is_actor(a, k)) break;
        if (end && k == j && !possessive(a, j - 1)) break;
        vg_vec_push(members, (int16_t)k);
        j = phrase_end(a, k);
        while (j < n && a->w.v[j].type == VG_W_AGENT && !vg_analysis_is_actor(a, j)) j = phrase_end(a, j);
        end = j;
    }
    return end;
}

static bool is_conj(const vg_analysis *a, size_t i)
{
    return i < a->tk.t.n && a->w.v[i].type == VG_W_CONJ && !is_word(a, i, "BUT");
}

/* Separator between compound members: ",", a conjunction or ", conj". */
static size_t parse_sep(const vg_analysis *a, size_t i, bool *conj)
{
    *conj = false;
    if (i < a->tk.t.n && a->w.v[i].type == VG_W_COMMA) {
        if (is_conj(a, i + 1)) { *conj = true; return i + 2; }
        return i + 1;
    }
    if (is_conj(a, i)) { *conj = true; return i + 1; }
    return 0;
}

static void add_compound(vg_analysis *a, size_t first, size_t last, const int16_t *m, size_t nm)
{
    vg_compound c = { (int16_t)first, (int16_t)last, (uint16_t)a->comp_members.n, (uint16_t)nm };
    int16_t id = (int16_t)a->comps.n;
    vg_vec_push(&a->comps, c);
    for (size_t k = 0; k < nm; k++) {
        vg_vec_push(&a->comp_members, m[k]);
        a->w.v[m[k]].comp = id;
    }
    for (size_t k = first; k <= last; k++)
        if (a->w.v[k].type == VG_W_CONJ || a->w.v[k].type == VG_W_COMMA) a->w.v[k].conj_free = 1;
}

/* Does the noun phrase [first, end) join the one before it, or does its
 * conjunction open a clause whose subject it is?  "Serbia accused Kosovo,
 * and Albania criticized Serbia": after an object (the list opened right
 * after a verb that is not one of saying) a phrase followed by a finite
 * verb is the next clause's subject.  A list that is itself a subject
 * ("Serbia and Kosovo signed", "said Serbia and Kosovo signed") stays one.
 * Not in TABARI mode. */
static bool opens_clause(const vg_analysis *a, size_t list, size_t end)
{
    if (a->opt->tabari_compat || !a->tagged || list == 0 || end >= a->tk.t.n) return false;
    const vg_aword *before = &a->w.v[list - 1];
    uint8_t b = before->pos, p = a->w.v[end].pos;
    /* a verb with a subject before it: not "Armed police and soldiers are
     * patrolling", "Suspected Taliban or al Qaeda militants set off" */
    if (list < 2 || before->type != VG_W_VERB || vg_analysis_said(a, list - 1) ||
        (b != VG_POS_VBD && b != VG_POS_VBZ && b != VG_POS_VBP && b != VG_POS_VB))
        return false;
    return p == VG_POS_VBD || p == VG_POS_VBZ || p == VG_POS_VBP || p == VG_POS_MD;
}

/* Parsed compound actors: NP (SEP NP)+ with at least one conjunction. */
static void find_compounds(vg_analysis *a)
{
    size_t n = a->tk.t.n, i = 0;
    i16vec m = {0};
    while (i < n) {
        m.n = 0;
        size_t end = parse_np(a, i, &m);
        if (!end) { i++; continue; }
        size_t keep_end = end, keep_m = m.n, pos = end;
        bool any_conj = false;
        while (1) {
            bool conj;
            size_t s = parse_sep(a, pos, &conj);
            if (!s) break;
            size_t nm = m.n, e = parse_np(a, s, &m);
            if (!e) break;
            if (conj && opens_clause(a, i, e)) { m.n = nm; break; }
            pos = e;
            if (conj) { any_conj = true; keep_end = e; keep_m = m.n; }
        }
        if (any_conj && keep_m >= 2) {
            add_compound(a, i, keep_end - 1, m.v, keep_m);
            i = keep_end;
        } else {
            i = end;
        }
    }
    vg_vec_free(&m);
}

static bool nounish(const vg_analysis *a, size_t i)
{
    return a->w.v[i].type == VG_W_NOUN;
}

static bool adjectival(const vg_analysis *a, size_t i)
{
    uint8_t pos = a->w.v[i].pos;
    return a->w.v[i].type == VG_W_ADJ ||
           (a->w.v[i].type == VG_W_NULL && (pos == VG_POS_JJ || pos == VG_POS_VBN));
}

/* Is there a verb from i up to the next comma or conjunction? */
static bool verb_before_boundary(const vg_analysis *a, size_t i)
{
    for (; i < a->tk.t.n; i++) {
        uint8_t t = a->w.v[i].type;
        if (t == VG_W_VERB) return true;
        if (t == VG_W_COMMA || t == VG_W_CONJ) return false;
    }
    return false;
}

/* Conjunctions inside "bombs and rockets", "black and white" or "armed
 * and masked" don't split clauses; outside TABARI compatibility neither
 * does one with no verb after it. */
static void noun_compounds(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    for (size_t c = 1; c + 1 < n; c++) {
        if (a->w.v[c].type != VG_W_CONJ || a->w.v[c].conj_free) continue;
        size_t p = c - 1;
        while (p > 0 && a->w.v[p].type == VG_W_TAIL) p = (size_t)a->w.v[p].head;
        size_t k = c + 1;
        if (a->w.v[p].type == VG_W_ADJ && adjectival(a, k)) {
            a->w.v[c].conj_free = 1;
            continue;
        }
        /* "a stern and personal warning": the first modifier after a
         * determiner, whatever the tagger made of it, and an adjective and
         * the noun they both modify after the conjunction */
        if (!a->opt->tabari_compat && p == c - 1 && p > 0 &&
            a->w.v[p - 1].type == VG_W_DETERM && a->w.v[p].type == VG_W_NULL &&
            adjectival(a, k)) {
            size_t h = k;
            while (h < n && adjectival(a, h)) h++;
            if (h < n && (nounish(a, h) || (a->w.v[h].type == VG_W_NULL &&
                                            vg_pos_is_noun(a->w.v[h].pos)))) {
                a->w.v[c].conj_free = 1;
                continue;
            }
        }
        if (!a->opt->tabari_compat && !verb_before_boundary(a, c + 1)) {
            a->w.v[c].conj_free = 1;      /* "de-escalation and a return to dialogue" */
            continue;
        }
        if (!nounish(a, p)) continue;
        while (k < n && a->w.v[k].type == VG_W_ADJ) k++;
        if (k < n && nounish(a, k)) a->w.v[c].conj_free = 1;
    }
}

/* ---- agents ---- */

static bool is_former(const vg_analysis *a, size_t i)
{
    return i < a->tk.t.n && is_word(a, i, "FORMER");
}

static size_t head_of(const vg_analysis *a, size_t i)
{
    return a->w.v[i].type == VG_W_TAIL ? (size_t)a->w.v[i].head : i;
}

static int agent_at(const vg_analysis *a, size_t i)
{
    if (i >= a->tk.t.n) return -1;
    size_t h = head_of(a, i);
    return a->w.v[h].type == VG_W_AGENT ? (int)h : -1;
}

static bool is_prep(const vg_analysis *a, size_t i)
{
    return is_word(a, i, "OF") || is_word(a, i, "IN") ||
           (!a->opt->tabari_compat && is_word(a, i, "FROM"));   /* "officials from Serbia" */
}

/* Finds the agent of the actor headed at i; sets *former. */
static int find_agent(const vg_analysis *a, size_t i, bool *former)
{
    size_t after = phrase_end(a, i);
    *former = false;
    if (is_former(a, after) && agent_at(a, after + 1) >= 0) {
        *former = true;
        return agent_at(a, after + 1);
    }
    /* the agent right after, or outside TABARI compatibility after one or
     * two adjectives no dictionary codes ("Libya's rival authorities",
     * "Iraqi interim officials") */
    size_t k = after;
    while (!a->opt->tabari_compat && a->tagged && k < a->tk.t.n && k < after + 2 &&
           a->w.v[k].type == VG_W_NULL &&
           (a->w.v[k].pos == VG_POS_JJ || a->w.v[k].pos == VG_POS_VBN))
        k++;
    int g = agent_at(a, k);
    if (g >= 0) {
        *former = i > 0 && is_former(a, i - 1);
        return g;
    }
    if (i >= 1 && (g = agent_at(a, i - 1)) >= 0) {
        *former = g > 0 && is_former(a, (size_t)g - 1);
        return g;
    }
    if (i >= 2 && is_prep(a, i - 1) && (g = agent_at(a, i - 2)) >= 0) {
        *former = g > 0 && is_former(a, (size_t)g - 1);
        return g;
    }
    /* "a commander from the Taliban", "the leader of the Islamic State" */
    if (!a->opt->tabari_compat && i >= 3 && a->w.v[i - 1].type == VG_W_DETERM &&
        (is_word(a, i - 2, "OF") || is_word(a, i - 2, "FROM")) &&
        (g = agent_at(a, i - 3)) >= 0) {
        *former = g > 0 && is_former(a, (size_t)g - 1);
        return g;
    }
    return -1;
}

static bool has_chunk(const char *code, const char *chunk)
{
    size_t n = strlen(code);
    for (size_t k = 0; k + 3 <= n; k += 3)
        if (!strncmp(code + k, chunk, 3)) return true;
    return false;
}

/* Combines an actor code with an agent code (CAMEO 3-letter alignment). */
static void combine(const vg_dict *d, char *out, size_t cap, const char *actor,
                    const vg_agent *ag, bool former)
{
    const char *c = former ? "ELI" : vg_dict_str(d, ag->code);
    if (ag->prefix && !former) {
        if (strlen(c) >= 3 && has_chunk(actor, c)) snprintf(out, cap, "%s", actor);
        else snprintf(out, cap, "%s%s", c, actor);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%s", actor);
    size_t cl = strlen(c);
    for (size_t k = 0; k < cl; k += 3) {
        char chunk[4] = { 0 };
        strncpy(chunk, c + k, 3);
        if (strlen(chunk) == 3 && has_chunk(buf, chunk)) continue;
        size_t bl = strlen(buf);
        snprintf(buf + bl, sizeof buf - bl, "%s", chunk);
    }
    size_t n = strlen(buf);
    if (n >= cap) n = cap - 1;      /* codes longer than the slot are cut */
    memcpy(out, buf, n);
    out[n] = '\0';
}

static const vg_agent *agent_rec(const vg_analysis *a, size_t g)
{
    return &a->d->agents.v[a->d->entries.v[a->w.v[g].entry].ref];
}

static void attach_agents(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    VG_VEC(uint8_t) used = {0};
    vg_vec_reserve(&used, n + 1);
    memset(used.v, 0, n + 1);
    for (size_t i = 0; i < n; i++) {
        vg_aword *w = &a->w.v[i];
        if (w->type != VG_W_ACTOR) continue;
        bool former;
        int g = find_agent(a, i, &former);
        if (g < 0) continue;
        used.v[g] = 1;
        w->agent = (int16_t)g;
        w->former = former;
        const vg_agent *ag = agent_rec(a, (size_t)g);
        for (size_t k = 0; k < w->ncodes; k++) {
            vg_acode *ac = &a->codes.v[w->codes + k];
            char tmp[48];
            combine(a->d, tmp, sizeof tmp, ac->code, ag, former);
            snprintf(ac->code, sizeof ac->code, "%s", tmp);
        }
    }
    /* "officials from the Serbian government": the agent before is part of
     * the actor phrase after, which has its own agent */
    for (size_t g = 0; !a->opt->tabari_compat && g + 2 < n; g++) {
        if (a->w.v[g].type != VG_W_AGENT || used.v[g]) continue;
        size_t p = phrase_end(a, g);
        if (p >= n || !(is_word(a, p, "OF") || is_word(a, p, "FROM"))) continue;
        size_t i = p + 1;
        if (i < n && a->w.v[i].type == VG_W_DETERM) i++;
        if (i < n && a->w.v[i].type == VG_W_ACTOR && a->w.v[i].agent >= 0) used.v[g] = 1;
    }
    for (size_t i = 0; a->opt->convert_agents && i < n; i++) {
        vg_aword *w = &a->w.v[i];
        if (w->type != VG_W_AGENT || used.v[i]) continue;
        const vg_agent *ag = agent_rec(a, i);
        char c[48];
        const char *gc = vg_dict_str(a->d, ag->code);
        if (a->opt->agent_dashes) snprintf(c, sizeof c, "---%s", gc);
        else snprintf(c, sizeof c, ag->prefix ? "%s~" : "~%s", gc);
        w->codes = w->base = (uint32_t)a->codes.n;
        w->ncodes = 1;
        add_code(a, c);
    }
    vg_vec_free(&used);
}

/* "Serbian and Albanian troops": an agent after the last member of a
 * compound belongs to every member that has none. */
static void distribute_agents(vg_analysis *a)
{
    if (a->opt->tabari_compat) return;
    for (size_t c = 0; c < a->comps.n; c++) {
        const vg_compound *cp = &a->comps.v[c];
        int16_t last = a->comp_members.v[cp->members + cp->nmembers - 1];
        int16_t g = a->w.v[last].agent;
        if (g <= last || a->w.v[last].former) continue;
        bool bare = true;
        for (uint16_t k = 0; k + 1 < cp->nmembers; k++)
            bare &= a->w.v[a->comp_members.v[cp->members + k]].agent < 0;
        if (!bare) continue;
        const vg_agent *ag = agent_rec(a, (size_t)g);
        for (uint16_t k = 0; k + 1 < cp->nmembers; k++) {
            vg_aword *w = &a->w.v[a->comp_members.v[cp->members + k]];
            if (w->type != VG_W_ACTOR) continue;
            w->agent = g;
            for (size_t j = 0; j < w->ncodes; j++) {
                vg_acode *ac = &a->codes.v[w->codes + j];
                char tmp[48];
                combine(a->d, tmp, sizeof tmp, ac->code, ag, false);
                snprintf(ac->code, sizeof ac->code, "%s", tmp);
            }
        }
    }
}

/* ---- pronouns ---- */

static int first_actor(const vg_analysis *a, size_t lo, size_t hi)
{
    for (size_t k = lo; k < hi; k++)
        if (!a->w.v[k].deleted && vg_analysis_is_actor(a, k)) return (int)k;
    return -1;
}

/* Is the pronoun at p a possessive whose noun phrase names an actor of its
 * own: an actor right after it, or after one adjective or uncoded word? */
static bool possessive_of_actor(const vg_analysis *a, size_t p)
{
    size_t n = a->tk.t.n;
    if (!vg_analysis_word_in(a, p, (const char *const[]){ "HIS", "ITS", "THEIR", NULL }) &&
        !(vg_analysis_word_in(a, p, (const char *const[]){ "HER", NULL }) && a->tagged &&
          a->w.v[p].pos == VG_POS_PRPS))
        return false;
    for (size_t k = p + 1; k < n && k <= p + 2; k++) {
        const vg_aword *w = &a->w.v[k];
        if (w->type == VG_W_ACTOR) return true;
        if (w->type != VG_W_ADJ && w->type != VG_W_NULL) return false;
    }
    return false;
}

static void resolve_pronouns(vg_analysis *a)
{
    size_t n = a->tk.t.n;
    for (size_t p = 0; p < n; p++) {
        vg_aword *w = &a->w.v[p];
        if (w->type != VG_W_PRONOUN) continue;
        int ref = -1;
        if (a->fwd && first_actor(a, 0, p) < 0) {
            w->ref = -2;                      /* the previous sentence's first actor */
            continue;
        }
        /* a possessive before a named actor ("his Thai counterpart",
         * "their Serbian allies") only determines it */
        if (w->pron != VG_PRON_FIRST && possessive_of_actor(a, p)) {
            w->type = VG_W_DETERM;
            continue;
        }
        switch (w->pron) {
        case VG_PRON_FIRST: ref = first_actor(a, 0, n); break;
        case VG_PRON_PRIOR: ref = first_actor(a, 0, p); break;
        case VG_PRON_PLURAL:
            for (size_t c = 0; c < a->comps.n && ref < 0; c++)
                if ((size_t)a->comps.v[c].first < p && a->comps.v[c].nmembers >= 2)
                    ref = a->comp_members.v[a->comps.v[c].members];
            if (ref < 0) ref = first_actor(a, 0, p);
            break;
        default: break;
        }
        w->ref = (int16_t)ref;
    }
}

int vg_analysis_resolve(const vg_analysis *a, size_t i)
{
    const vg_aword *w = &a->w.v[i];
    if (w->type == VG_W_PRONOUN) return w->ref;
    return (int)i;
}

const char *vg_analysis_code(const vg_analysis *a, size_t actor_tok, size_t k)
{
    const vg_aword *w = &a->w.v[actor_tok];
    return a->codes.v[w->codes + k].code;
}

/* ---- comma clauses ---- */

static bool in_compound(const vg_analysis *a, size_t i)
{
    for (size_t c = 0; c < a->comps.n; c++)
        if ((size_t)a->comps.v[c].first <= i && i <= (size_t)a->comps.v[c].last) return true;
    return false;
}

static void delete_span(vg_analysis *a, size_t lo, size_t hi)
{
    for (size_t k = lo; k < hi && k < a->tk.t.n; k++) a->w.v[k].deleted = 1;
}

/* Words that open a fronted phrase: "After the attack on a Kosovo police
 * patrol, the USA expressed concern" has its subject after the comma. */
bool vg_analysis_word_in(const vg_analysis *a, size_t i, const char *const *words)
{
    if (a->tk.t.v[i].kind != VG_TK_WORD) return false;
    bool hit;
    memo_slot *m = memo_at(a, words, i, &hit);
    if (hit) return m->val;
    bool in = false;
    for (const char *const *w = words; *w && !in; w++) in = is_word(a, i, *w);
    if (m) m->val = in;
    return in;
}

bool vg_analysis_said(const vg_analysis *a, size_t i)
{
    static const char *const say[] = {
        "SAID", "SAYS", "SAY", "TOLD", "REPORTED", "ANNOUNCED", "CLAIMED", "CONFIRMED",
        "ADDED", "STATED", "INSISTED", "ALLEGED", "ACKNOWLEDGED", "ADMITTED", "DECLARED",
        "NOTED", NULL
    };
    return vg_analysis_word_in(a, i, say);
}

bool vg_analysis_fronting(const vg_analysis *a, size_t i)
{
    static const char *const words[] = {
        "AFTER", "BEFORE", "FOLLOWING", "ACCORDING", "DURING", "DESPITE", "AMID", "AMIDST",
        "IN", "ON", "AT", "SINCE", "WHILE", "WHEN", "AS", "ALTHOUGH", "THOUGH", "IF",
        "UNLIKE", "UNDER", "WITHIN", "WITH", "WITHOUT", "AGAINST", "FOR", "OVER",
        "EARLIER", "LATER", "MEANWHILE", "HOWEVER", "THROUGH", "BY", "AHEAD", "UPON",
        "WHEREAS", "ONCE", "UNTIL", "NEAR", "OUTSIDE", "INSIDE", "ACROSS", "ALONG", NULL
    };
    return vg_analysis_word_in(a, i, words);
}

int vg_analysis_negation(const vg_analysis *a, size_t v)
{
    static const char *const aux[] = {
        "IS", "ARE", "AM", "WAS", "WERE", "BE", "BEEN", "BEING", "HAS", "HAVE", "HAD", "HAVING",
        "DO", "DOES", "DID", "WILL", "WOULD", "SHALL", "SHOULD", "CAN", "COULD", "MAY", "MIGHT",
        "MUST", "GET", "GETS", "GOT", "GOTTEN", "YET", "EVER", "STILL", "ALSO", "EVEN", NULL
    };
    static const char *const neg[] = { "NOT", "NEVER", "CANNOT", NULL };
    static const char *const to[] = { "TO", NULL }, *const only[] = { "ONLY", NULL };
    static const char *const fail[] = { "FAIL", "FAILS", "FAILED", "FAILING", NULL };
    static const char *const will[] = { "WILL", "WOULD", "SHALL", NULL };
    static const char *const wont[] = { "WON'T", "WOULDN'T", "SHAN'T", NULL };
    static const char *const cannot[] = { "CANNOT", NULL };
    size_t n = a->tk.t.n;
    /* "failed to reach agreement" */
    if (v >= 2 && vg_analysis_word_in(a, v - 1, to) && vg_analysis_word_in(a, v - 2, fail))
        return VG_NEG_PLAIN;
    for (size_t k = 1; k <= 4 && k <= v; k++) {
        size_t p = v - k;
        const vg_token *t = &a->tk.t.v[p];
        const char *w = vg_tok_norm(&a->tk, p);
        if (vg_analysis_word_in(a, p, neg) ||
            (t->kind == VG_TK_WORD && t->nlen > 3 && !memcmp(w + t->nlen - 3, "N'T", 3))) {
            if (p + 1 < n && vg_analysis_word_in(a, p + 1, only)) return VG_NEG_NONE;
            bool by_will = vg_analysis_word_in(a, p, wont) ||
                           (p > 0 && !vg_analysis_word_in(a, p, cannot) &&
                            vg_analysis_word_in(a, p - 1, will));
            return by_will ? VG_NEG_WILL : VG_NEG_PLAIN;
        }
        if (!vg_analysis_word_in(a, p, aux)) return VG_NEG_NONE;
    }
    return VG_NEG_NONE;
}

/* Is a verb left before `end`?  When none is, the clause after the last
 * comma is the main one: "Yesterday, Germany attacked France", "Three days
 * later, the army withdrew". */
static bool verb_kept_before(const vg_analysis *a, size_t end)
{
    for (size_t i = 0; i < end; i++)
        if (!a->w.v[i].deleted && a->w.v[i].type == VG_W_VERB) return true;
    return false;
}

/* Does the segment after the comma at c open with AND, BUT, OR or NOR?
 * Then it is a coordinated predicate or clause, not an aside: "Maduro
 * closed the borders, and severed diplomatic ties with Colombia". */
static bool conjunct_after(const vg_analysis *a, size_t c)
{
    return c + 1 < a->tk.t.n && a->w.v[c + 1].type == VG_W_CONJ;
}

/* Is a verb kept outside the tokens lo..hi?  A clause between commas that
 * holds the sentence's only verb is its main clause: "Last week, Myanmar's
 * government rejected any cooperation with the court, to which it is not a
 * party". */
static bool verb_kept_outside(const vg_analysis *a, size_t lo, size_t hi)
{
    if (verb_kept_before(a, lo)) return true;
    for (size_t i = hi + 1; i < a->tk.t.n; i++)
        if (!a->w.v[i].deleted && a->w.v[i].type == VG_W_VERB) return true;
    return false;
}

static void drop_comma_clauses(vg_analysis *a)
{
    const vg_options *o = a->opt;
    if (o->comma_off) return;
    size_t n = a->tk.t.n;
    VG_VEC(size_t) c = {0};
    for (size_t i = 0; i < n; i++)
        if (a->w.v[i].type == VG_W_COMMA && !in_compound(a, i)) vg_vec_push(&c, i);
    /* a comma that closes an eliminated clause cannot open the next one;
     * after a fronted phrase ("After the attack, Serbia said") the next
     * segment is the main clause and stays */
    bool used = !o->tabari_compat && n && vg_analysis_fronting(a, 0);
    if (c.n) {
        size_t len = c.v[0];
        if ((int)len > o->comma_bmin && (int)len <= o->comma_bmax) {
            delete_span(a, 0, c.v[0] + 1);
            used = true;
        }
        for (size_t j = 0; j + 1 < c.n; j++) {
            len = c.v[j + 1] - c.v[j] - 1;
            bool del = !used && (int)len > o->comma_min && (int)len <= o->comma_max &&
                       (o->tabari_compat || (verb_kept_outside(a, c.v[j], c.v[j + 1]) &&
                                             !conjunct_after(a, c.v[j])));
            if (del) delete_span(a, c.v[j], c.v[j + 1] + 1);
            used = del;
        }
        len = n - c.v[c.n - 1] - 1;
        if (!used && (int)len > o->comma_emin && (int)len <= o->comma_emax &&
            (o->tabari_compat ||
             (verb_kept_before(a, c.v[c.n - 1]) && !conjunct_after(a, c.v[c.n - 1]))))
            delete_span(a, c.v[c.n - 1], n);
    }
    vg_vec_free(&c);
}

/* A phrase with any deleted word is cancelled as a whole. */
static void cancel_cut_phrases(vg_analysis *a)
{
    for (size_t i = 0; i < a->tk.t.n; i++) {
        vg_aword *w = &a->w.v[i];
        int32_t hx = a->hit_of.v[i];
        if (hx < 0) continue;
        const vg_hit *h = &a->hits.v[hx];
        bool cut = false;
        for (size_t k = 0; k < h->nwords; k++) cut |= a->w.v[h->pos[k]].deleted;
        if (!cut) continue;
        for (size_t k = 0; k < h->nwords; k++) {
            a->w.v[h->pos[k]].type = VG_W_NULL;
            a->w.v[h->pos[k]].comp = -1;
        }
        a->hit_of.v[i] = -1;
        w->type = VG_W_NULL;
    }
    /* compounds lose deleted members */
    for (size_t c = 0; c < a->comps.n; c++) {
        vg_compound *cp = &a->comps.v[c];
        size_t live = 0;
        for (size_t k = 0; k < cp->nmembers; k++) {
            int16_t m = a->comp_members.v[cp->members + k];
            if (!a->w.v[m].deleted && a->w.v[m].type != VG_W_NULL)
                a->comp_members.v[cp->members + live++] = m;
            else
                a->w.v[m].comp = -1;
        }
        cp->nmembers = (uint16_t)live;
        if (live < 2)
            for (size_t k = 0; k < live; k++) a->w.v[a->comp_members.v[cp->members + k]].comp = -1;
    }
}

/* ---- clauses ---- */

static void find_clauses(vg_analysis *a)
{
    size_t n = a->tk.t.n, start = 0;
    for (size_t i = 0; i <= n; i++) {
        bool split = i == n || (a->w.v[i].type == VG_W_CONJ && !a->w.v[i].conj_free &&
                                !a->w.v[i].deleted);
        if (!split) continue;
        vg_clause cl = { (int16_t)start, (int16_t)(i - 1) };
        int16_t id = (int16_t)a->clauses.n;
        vg_vec_push(&a->clauses, cl);
        for (size_t k = start; k < i; k++) a->w.v[k].clause = id;
        if (i < n) a->w.v[i].clause = -1;
        start = i + 1;
    }
}

/* ---- driver ---- */

static bool has_control_chars(const char *s, size_t n)
{
    /* eight bytes at a time: none below 0x20 and none 0x7F, most often */
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, s + i, 8);
        y = x ^ (ones * 0x7F);
        if (((x - ones * 0x20) & ~x & highs) | ((y - ones) & ~y & highs)) break;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
    }
    return false;
}

static void reset(vg_analysis *a, size_t n)
{
    a->w.n = a->hits.n = a->hit_of.n = a->codes.n = 0;
    a->comps.n = a->comp_members.n = a->clauses.n = 0;
    vg_vec_reserve(&a->w, n + 1);
    vg_vec_reserve(&a->hit_of, n + 1);
    vg_vec_reserve(&a->skip, n + 1);
    a->w.n = a->hit_of.n = a->skip.n = n;
    for (size_t i = 0; i < n; i++) {
        vg_aword z = {0};
        z.head = z.last = z.ref = z.comp = z.clause = z.agent = -1;
        z.entry = -1;
        z.pos = VG_POS_NONE;
        a->w.v[i] = z;
        a->hit_of.v[i] = -1;
        a->skip.v[i] = 0;
    }
}

/* An item of a history list, which reports the past as if it were news:
 * "1813 - A Prussian force captured the town", "On this day in 1914, ...".
 * The year must be before the article's. */
static bool history_item(const vg_analysis *a, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && vg_isspace((unsigned char)text[i])) i++;
    int year = 0;
    size_t d = 0;
    while (i + d < len && d < 5 && vg_isdigit((unsigned char)text[i + d]))
        year = year * 10 + (text[i + d++] - '0');
    if (d == 4) {
        size_t k = i + d;
        while (k < len && (text[k] == ' ' || text[k] == '\t')) k++;
        const unsigned char *u = (const unsigned char *)text + k;
        bool dash = k < len && (text[k] == '-' || text[k] == ':' ||
                                (k + 2 < len && u[0] == 0xE2 && u[1] == 0x80 &&
                                 (u[2] == 0x93 || u[2] == 0x94)));
        if (dash && year >= 1000 && year < a->date / 10000) return true;
    }
    /* "On this day in 1914" */
    const vg_tokens *tk = &a->tk;
    if (tk->t.n >= 5 && is_word(a, 0, "ON") && is_word(a, 1, "THIS") && is_word(a, 2, "DAY"))
        for (size_t k = 3; k < 6 && k < tk->t.n; k++)
            if (tk->t.v[k].kind == VG_TK_NUM && tk->t.v[k].nlen == 4) {
                int y = atoi(vg_tok_norm(tk, k));
                return y >= 1000 && y < a->date / 10000;
            }
    return false;
}

void vg_analysis_run(vg_analysis *a, const char *text, size_t len, int32_t date)
{
    a->status = VG_AN_OK;
    a->why[0] = '\0';
    a->truncated = false;
    a->issues.n = 0;
    a->story_discard = false;
    a->date = date;
    a->text = text;
    a->time_active = a->opt->time_shift == 1 || (a->opt->time_shift < 0 && a->d->has_time);
    tokenize(a, text, len);
    size_t n = a->tk.t.n;
    reset(a, n);
    if (a->opt->min_words > 0 && (int)n < a->opt->min_words) {
        set_status(a, VG_AN_SHORT, "fewer words than the minimum");
        return;
    }
    if (a->opt->tabari_compat && has_control_chars(text, len))
        set_status(a, VG_AN_COMPLEX, "non-printing characters");
    if (!a->opt->tabari_compat && history_item(a, text, len))
        set_status(a, VG_AN_DISCARD, "history item: a past year opens the sentence");
    classify(a);
    a->tagged = false;
    if (a->opt->use_tagger) tag(a);
    mark_nouns(a);
    meeting_names(a);
    check_roots(a);
    attach_agents(a);
    find_compounds(a);
    distribute_agents(a);
    noun_compounds(a);
    drop_comma_clauses(a);
    cancel_cut_phrases(a);
    resolve_pronouns(a);
    find_clauses(a);
}

/* ---- debugging ---- */

static const char *const type_names[] = {
    "null", "actor", "agent", "verb", "time", "attrib", "determ", "noun", "adj",
    "auxil", "by", "comma", "pronoun", "conj", "number", "quote", "tail"
};

void vg_analysis_dump(const vg_analysis *a, vg_buf *b)
{
    for (size_t i = 0; i < a->tk.t.n; i++) {
        const vg_aword *w = &a->w.v[i];
        vg_buf_printf(b, "%2zu %-14s %-7s cl=%d", i, vg_tok_norm(&a->tk, i),
                      type_names[w->type], w->clause);
        if (a->tagged && (w->type == VG_W_VERB || w->type == VG_W_NOUN))
            vg_buf_printf(b, " %s", vg_pos_name(w->pos));
        if (w->deleted) vg_buf_puts(b, " DELETED");
        if (w->conj_free) vg_buf_puts(b, " free");
        if (w->type == VG_W_TAIL) vg_buf_printf(b, " head=%d", w->head);
        if (w->type == VG_W_PRONOUN) vg_buf_printf(b, " ref=%d", w->ref);
        if (w->comp >= 0) vg_buf_printf(b, " comp=%d", w->comp);
        if (w->type == VG_W_ACTOR || (w->type == VG_W_AGENT && w->ncodes))
            for (size_t k = 0; k < w->ncodes; k++)
                vg_buf_printf(b, " %s", a->codes.v[w->codes + k].code);
        if (w->entry >= 0 && w->type != VG_W_TAIL)
            vg_buf_printf(b, " <%s>", vg_dict_str(a->d, a->d->entries.v[w->entry].text));
        vg_buf_putc(b, '\n');
    }
    if (a->status) vg_buf_printf(b, "status %d: %s\n", a->status, a->why);
}
