/* match.c -- see match.h. */
#include "match.h"
#include "date.h"
#include "ontology.h"
#include "tagger.h"

#include <stdio.h>
#include <string.h>

struct vg_matcher {
    const vg_dict *d;
    const vg_options *opt;
    vg_analysis an;
    char fwd_code[48];        /* first actor of the previous sentence */
    bool fwd_allowed;
    uint32_t budget;          /* pattern-matching steps per sentence */
};

/* snprintf(dst, cap, "%s", src), without the printf machinery. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    if (!src) src = "(null)";
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- coder ---- */

vg_matcher *vg_matcher_new(const vg_dict *d, const vg_options *opt)
{
    vg_matcher *c = vg_calloc(1, sizeof *c);
    c->d = d;
    c->opt = opt;
    c->budget = VG_MATCH_BUDGET;
    vg_analysis_init(&c->an, d, opt);
    return c;
}

void vg_matcher_set_word_memo(vg_matcher *c, size_t words)
{
    vg_wordcache_set_limit(c->an.wc, words);
}

void vg_matcher_set_budget(vg_matcher *c, uint32_t steps)
{
    c->budget = steps ? steps : VG_MATCH_BUDGET;
}

void vg_matcher_free(vg_matcher *c)
{
    if (!c) return;
    vg_analysis_free(&c->an);
    free(c);
}

void vg_matcher_new_story(vg_matcher *c)
{
    c->fwd_code[0] = '\0';
}

const vg_analysis *vg_matcher_analysis(const vg_matcher *c) { return &c->an; }
const vg_options *vg_matcher_options(const vg_matcher *c) { return c->opt; }

void vg_result_free(vg_result *r)
{
    vg_vec_free(&r->events);
    vg_vec_free(&r->issues);
    vg_buf_free(&r->expl);
}

static void copy_issues(vg_result *r, const vg_analysis *a)
{
    r->issues.n = 0;
    vg_vec_reserve(&r->issues, a->issues.n);
    if (a->issues.n) memcpy(r->issues.v, a->issues.v, a->issues.n * sizeof *a->issues.v);
    r->issues.n = a->issues.n;
    r->story_discard = a->story_discard;
}

/* ---- actor units: what a source or target can be ---- */

enum { U_NONE, U_ACTOR, U_COMP, U_CODE };

typedef struct unit {
    int kind;
    int tok;              /* U_ACTOR: actor token; U_COMP: first member */
    int comp;             /* U_COMP */
    int at;               /* where it was found (a pronoun, or the actor) */
    const char *code;     /* U_CODE */
    bool place;           /* a place taken as the participant: coded as its country */
} unit;

static const unit no_unit = { U_NONE, -1, -1, -1, NULL, false };

typedef struct mctx {
    vg_matcher *c;
    const vg_analysis *a;
    unit src, tgt, cmp;
    /* backtracking work in this sentence: one step per element tried at a
     * position; past the coder's budget every match attempt fails */
    uint32_t steps;
    bool spent;
    int32_t budget_pattern;   /* the pattern being tried when it ran out, or -1 */
    const char *as;           /* verb_code: the code the reading becomes (a refusal, an
                               * intent, a threat), or NULL */
    struct { int v, lo, r, kind; } rep;   /* report_of's last answer (v -1: none) */
    struct { int v, lo, hi; } rel;        /* relative_span's last answer (v -1: none) */
    int16_t pw[8];            /* pronouns and modifiers the matched pattern took */
    uint8_t npw;              /* as its words ("{THEIR ASSAULT}", "{JOINT MILITARY
                               * EXERCISES}"): no participants */
} mctx;

/* The context for coding sentence a with c: nothing matched, the budget
 * whole, no answer remembered. */
static mctx new_ctx(vg_matcher *c, const vg_analysis *a)
{
    mctx m = { .c = c, .a = a, .src = no_unit, .tgt = no_unit, .cmp = no_unit,
               .budget_pattern = -1, .rep = { -1, 0, 0, 0 }, .rel = { -1, -1, -1 } };
    return m;
}

static bool live(const vg_analysis *a, int i) { return !a->w.v[i].deleted; }

static int next_live(const vg_analysis *a, int i, int hi)
{
    while (i < hi && !live(a, i)) i++;
    return i;
}

static int prev_live(const vg_analysis *a, int i, int lo)
{
    while (i >= lo && !live(a, i)) i--;
    return i;
}

static int actor_end(const vg_analysis *a, int h)
{
    int j = h + 1;
    int n = (int)a->tk.t.n;
    while (j < n && a->w.v[j].type == VG_W_TAIL && a->w.v[j].head == h) j++;
    return j;
}

/* The unit of an actor token; whole compound if comp_any, or if tok heads it. */
static unit unit_of_actor(const vg_analysis *a, int tok, int at, bool comp_any)
{
    unit u = { U_ACTOR, tok, -1, at, NULL, false };
    int cp = a->w.v[tok].comp;
    if (cp >= 0) {
        const vg_compound *c = &a->comps.v[cp];
        if (comp_any || a->comp_members.v[c->members] == tok) {
            u.kind = U_COMP;
            u.comp = cp;
            u.tok = a->comp_members.v[c->members];
        }
    }
    return u;
}

/* The unit standing at token i (an actor head or a resolved pronoun). */
static unit unit_at(const mctx *m, int i, bool comp_any)
{
    const vg_analysis *a = m->a;
    const vg_aword *w = &a->w.v[i];
    if (!live(a, i)) return no_unit;
    if (w->type == VG_W_PRONOUN) {
        if (w->ref == -2 && m->c->fwd_code[0]) {
            unit u = { U_CODE, -1, -1, i, m->c->fwd_code, false };
            return u;
        }
        if (w->ref < 0) return no_unit;
        return unit_of_actor(a, w->ref, i, comp_any);
    }
    if (!vg_analysis_is_actor(a, (size_t)i)) return no_unit;
    return unit_of_actor(a, i, i, comp_any);
}

/* The code a unit is compared by when sources and targets must differ.  A
 * unit reached through a pronoun compares by its referent's dictionary
 * code, without agents (as TABARI does). */
static const char *unit_code(const mctx *m, const unit *u)
{
    const vg_analysis *a = m->a;
    if (u->kind == U_CODE) return u->code;
    if (u->kind == U_NONE) return NULL;
    if (u->at >= 0 && a->w.v[u->at].type == VG_W_PRONOUN)
        return a->codes.v[a->w.v[u->tok].base].code;
    return vg_analysis_code(a, (size_t)u->tok, 0);
}

static bool distinct(const mctx *m, const unit *u, const unit *from)
{
    const char *a = unit_code(m, u), *b = unit_code(m, from);
    return !a || !b || strcmp(a, b) != 0;
}

/* Token span [first,last] a unit occupies in the text. */
static void unit_span(const mctx *m, const unit *u, int *first, int *last)
{
    const vg_analysis *a = m->a;
    if (u->kind == U_COMP && a->w.v[u->at].type != VG_W_PRONOUN) {
        *first = a->comps.v[u->comp].first;
        *last = a->comps.v[u->comp].last;
        return;
    }
    *first = u->at;
    *last = a->w.v[u->at].type == VG_W_PRONOUN ? u->at : actor_end(a, u->at) - 1;
}

/* ---- pattern matching ---- */

typedef struct slots { unit src, tgt, cmp; uint8_t npw; } slots;

static slots save(const mctx *m) { slots s = { m->src, m->tgt, m->cmp, m->npw }; return s; }

/* No actors and no pattern words yet: before a pattern is tried. */
static void clear_slots(mctx *m)
{
    m->src = m->tgt = m->cmp = no_unit;
    m->npw = 0;
}
static void restore(mctx *m, slots s)
{
    m->src = s.src;
    m->tgt = s.tgt;
    m->cmp = s.cmp;
    m->npw = s.npw;
}

/* "May" and "Will" capitalised in mid-sentence are a month or a name ("in
 * May", "Theresa May said"), never the modal a synset such as &MAYBE or
 * &WILL means (a pattern's own words, "{MAY DAY}", still match them). */
static bool modal_name(const vg_analysis *a, int i)
{
    static const char *const names[] = { "MAY", "WILL", NULL };
    const vg_token *t = &a->tk.t.v[i];
    if (i == 0 || a->tk.allcaps || !(t->flags & VG_TF_CAP) || (t->flags & VG_TF_ALLCAPS))
        return false;
    return vg_analysis_word_in(a, (size_t)i, names);
}

static bool word_at(const vg_analysis *a, int i, const vg_elem *e)
{
    const vg_token *t = &a->tk.t.v[i];
    if (t->kind != VG_TK_WORD && t->kind != VG_TK_NUM) return false;
    return vg_elem_match(a->d, e, vg_tok_norm(&a->tk, (size_t)i), t->nlen);
}

static int seq_fwd(mctx *m, const vg_elem *e, int n, int pos, bool adj, int hi);

/* A pattern's article stands for both forms: "{A &CEASEFIRE}" matches "an
 * immediate ceasefire" (with the adjective gap below).  Not in TABARI
 * mode. */
static bool article_alt(const mctx *m, int i, const vg_elem *e)
{
    const vg_analysis *a = m->a;
    const vg_token *t = &a->tk.t.v[i];
    if (m->c->opt->tabari_compat || t->kind != VG_TK_WORD || t->nlen > 2) return false;
    const char *w = vg_tok_norm(&a->tk, (size_t)i);
    if (t->nlen == 1 && w[0] == 'A') return vg_elem_match(a->d, e, "AN", 2);
    if (t->nlen == 2 && w[0] == 'A' && w[1] == 'N') return vg_elem_match(a->d, e, "A", 1);
    return false;
}

/* Adjectives a pattern's noun phrase lets through between its determiner
 * and a synonym set: "{A &CEASEFIRE}" also matches "a weeklong ceasefire".
 * At most this many, in no dictionary and tagged as modifiers (JJ, or NN
 * and VBN: "a weeklong ceasefire" is tagged both ways); not before a plain
 * word, whose adjective may change its sense ("{A STRIKE}" is a labour
 * strike, "a powerful strike" is not); not in TABARI mode. */
#define NP_ADJ_GAP 2

static bool np_adjective_gap(const mctx *m, const vg_elem *e, int pos, int s)
{
    static const char *const dets[] = { "A", "AN", "THE", "ITS", "HIS", "HER", "THEIR", NULL };
    const vg_analysis *a = m->a;
    if (e->type != VG_EL_SYNSET || m->c->opt->tabari_compat || !a->tagged || pos < 1 ||
        s - pos >= NP_ADJ_GAP)
        return false;
    for (int k = pos; k <= s; k++) {
        int t = a->w.v[k].pos;
        if (a->w.v[k].type != VG_W_NULL || (t != VG_POS_JJ && t != VG_POS_NN && t != VG_POS_VBN))
            return false;
    }
    return vg_analysis_word_in(a, (size_t)pos - 1, dets);
}

/* Where a passive agent may start: within this many tokens after BY. */
#define BY_OBJECT_SPAN 5

/* Counts one step; false once the sentence's budget is spent. */
static bool step(mctx *m)
{
    if (m->spent) return false;
    if (m->steps < m->c->budget) { m->steps++; return true; }
    m->spent = true;
    return false;
}

/* Actor tokens: the unit starting at s (forward) or ending at q (backward). */
static bool take_unit(mctx *m, const vg_elem *e, unit u)
{
    if (u.kind == U_NONE) return false;
    switch (e->type) {
    case VG_EL_SRC: m->src = u; return true;
    case VG_EL_TGT: m->tgt = u; return true;
    case VG_EL_CMP:
        if (u.kind != U_COMP && !(u.kind == U_ACTOR && m->a->w.v[u.tok].ncodes > 1))
            return false;
        m->cmp = u;
        return true;
    default: return true;   /* ^ and @: skipped */
    }
}

/* Matches element e starting exactly at s; returns its end or -1.  *open
 * is set when the element was a synset matched by a multi-word member: the
 * connector after such a member is its last word's, not the synset's
 * (TABARI behaves so; the validation suite relies on it). */
static int el_fwd(mctx *m, const vg_elem *e, int s, int hi, bool *open)
{
    *open = false;
    const vg_analysis *a = m->a;
    if (s >= hi) return -1;
    switch (e->type) {
    case VG_EL_WORD:
        if (!word_at(a, s, e) && !article_alt(m, s, e)) return -1;
        if ((e->adj_next || a->w.v[s].type == VG_W_PRONOUN) &&
            m->npw < sizeof m->pw / sizeof *m->pw)
            m->pw[m->npw++] = (int16_t)s;
        return s + 1;
    case VG_EL_SYNSET: {
        const vg_dict *d = m->c->d;
        const vg_synset *ss = &d->synsets.v[e->synset];
        size_t nm;
        const uint32_t *mem = vg_synset_members(d, e->synset, &m->a->lits, &nm);
        bool name = !m->c->opt->tabari_compat && modal_name(a, s);
        for (size_t i = 0; i < nm; i++) {
            const vg_phrase *mb = &d->synmem.v[ss->members + mem[i]];
            if (name && mb->n == 1) continue;
            const vg_elem *mw = vg_phrase_elems(d, mb);
            slots sv = save(m);
            int end = seq_fwd(m, mw, mb->n, s, true, hi);
            if (end >= 0) {
                *open = mb->n > 1 && !mw[mb->n - 1].adj_next;
                return end;
            }
            restore(m, sv);
        }
        return -1;
    }
    default: {
        unit u = unit_at(m, s, e->type == VG_EL_CMP);
        if (u.kind == U_NONE) return -1;
        int first, last;
        unit_span(m, &u, &first, &last);
        if (last >= hi || !take_unit(m, e, u)) return -1;
        return last + 1;
    }
    }
}

static bool locative(const mctx *m, const unit *u);

static bool actor_elem(const vg_elem *e)
{
    return e->type == VG_EL_SRC || e->type == VG_EL_TGT || e->type == VG_EL_CMP;
}

/* Element e[0] starts before start_hi, the rest anywhere before hi.  An
 * actor after a pattern's BY ("+ * BY $") is the agent only when it opens
 * BY's object, as the passive agent is found (BY_OBJECT_SPAN): in "would
 * free prisoners by the end of August as a gesture to Palestinian
 * president Abbas" the president freed no one.  Nor is a place after IN
 * the agent (by_object: e[0] is that actor): "captured by a group in
 * Ethiopia". */
static int seq_fwd_from(mctx *m, const vg_elem *e, int n, int pos, bool adj, int hi,
                        int start_hi, bool by_object)
{
    if (n == 0) return pos;
    const vg_analysis *a = m->a;
    for (int s = next_live(a, pos, hi); s < start_hi; s = next_live(a, s + 1, hi)) {
        if (!step(m)) return -1;
        slots sv = save(m);
        bool open;
        int end = el_fwd(m, &e[0], s, hi, &open);
        if (end >= 0 && by_object) {
            const unit *u = e[0].type == VG_EL_SRC ? &m->src
                            : e[0].type == VG_EL_TGT ? &m->tgt : &m->cmp;
            if (locative(m, u)) end = -1;
        }
        if (end >= 0) {
            bool by = n > 1 && e[0].type == VG_EL_WORD && a->w.v[s].type == VG_W_BY &&
                      actor_elem(&e[1]) && !m->c->opt->tabari_compat;
            int lim = by && end + BY_OBJECT_SPAN < hi ? end + BY_OBJECT_SPAN : hi;
            int r = seq_fwd_from(m, e + 1, n - 1, end, e[0].adj_next && !open, hi, lim, by);
            if (r >= 0) return r;
        }
        restore(m, sv);
        if (adj && !np_adjective_gap(m, &e[0], pos, s)) break;
    }
    return -1;
}

static int seq_fwd(mctx *m, const vg_elem *e, int n, int pos, bool adj, int hi)
{
    return seq_fwd_from(m, e, n, pos, adj, hi, hi, false);
}

/* Actor element ending at token q (backward matching): returns the start
 * of the unit, or -1. */
static int take_unit_ending_at(mctx *m, const vg_elem *e, int q, int lo)
{
    const vg_analysis *a = m->a;
    int h = a->w.v[q].type == VG_W_TAIL ? a->w.v[q].head : q;
    if (h < lo) return -1;
    unit u = unit_at(m, h, true);
    if (u.kind == U_NONE) return -1;
    int first, last;
    unit_span(m, &u, &first, &last);
    if (last != q || first < lo || !take_unit(m, e, u)) return -1;
    return first;
}

/* The word before i, at lo or after, outside the reduced relative that
 * match_pattern steps over. */
static int prev_outside(const mctx *m, int i, int lo)
{
    i = prev_live(m->a, i, lo);
    if (i >= m->rel.lo && i < m->rel.hi) i = prev_live(m->a, m->rel.lo - 1, lo);
    return i;
}

/* Matches e[0..n) so that e[n-1] ends just before `before`; returns the
 * start of e[0] or -1. */
static int seq_bwd(mctx *m, const vg_elem *e, int n, int before, bool adj, int lo)
{
    if (n == 0) return before;
    const vg_analysis *a = m->a;
    const vg_elem *el = &e[n - 1];
    bool prev_adj = n >= 2 && e[n - 2].adj_next;
    int nearest = prev_outside(m, before - 1, lo);
    for (int q = nearest; q >= lo; q = prev_outside(m, q - 1, lo)) {
        int lowest = el->type == VG_EL_SYNSET ? lo : q;
        for (int s = q; s >= lowest; s--) {
            if (!live(a, s)) continue;
            if (!step(m)) return -1;
            slots sv = save(m);
            int start = -1;
            bool open = false;
            if (el->type == VG_EL_WORD || el->type == VG_EL_SYNSET)
                start = el_fwd(m, el, s, q + 1, &open) == q + 1 ? s : -1;
            else
                start = take_unit_ending_at(m, el, q, lo);
            if (start >= 0 && adj && q != nearest && !open) start = -1;
            if (start >= 0) {
                int r = seq_bwd(m, e, n - 1, start, prev_adj, lo);
                if (r >= 0) return r;
            }
            restore(m, sv);
        }
        if (adj && el->type != VG_EL_SYNSET) break;
    }
    return -1;
}

/* Clause window for pattern matching: commas and clause conjunctions stop it. */
static bool boundary(const vg_analysis *a, int i)
{
    const vg_aword *w = &a->w.v[i];
    if (w->deleted || w->conj_free) return false;
    return w->type == VG_W_COMMA || w->type == VG_W_CONJ;
}

static void window(const vg_analysis *a, int v, int vl, int *lo, int *hi)
{
    int n = (int)a->tk.t.n;
    *lo = v;
    while (*lo > 0 && !boundary(a, *lo - 1)) (*lo)--;
    *hi = vl + 1;
    while (*hi < n && !boundary(a, *hi)) (*hi)++;
}

/* Does the word at v end in -ING after a stem of two letters or more? */
static bool ing_form(const vg_analysis *a, int v)
{
    const vg_token *t = &a->tk.t.v[v];
    return t->nlen > 4 && !memcmp(vg_tok_norm(&a->tk, (size_t)v) + t->nlen - 3, "ING", 3);
}

/* A pattern's BE right before its verb ("- IS_* [---]": "is considered",
 * a description) reads a passive or a state; the progressive "is sending
 * troops" is an active verb it must not stop.  Not in TABARI mode. */
static bool progressive_be(const mctx *m, const vg_pattern *p, int v)
{
    static const char *const be[] = { "IS", "ARE", "AM", "WAS", "WERE", "BE", "BEEN", NULL };
    if (m->c->opt->tabari_compat || p->verb == 0) return false;
    const vg_elem *e = m->c->d->elems.v + p->e + p->verb - 1;
    if (e->type != VG_EL_WORD || !e->adj_next) return false;
    bool is_be = false;
    for (int k = 0; be[k] && !is_be; k++) is_be = vg_elem_match(m->c->d, e, be[k], strlen(be[k]));
    if (!is_be) return false;
    const vg_analysis *a = m->a;
    if (a->tagged && a->w.v[v].pos != VG_POS_NONE) return a->w.v[v].pos == VG_POS_VBG;
    return ing_form(a, v);
}

static bool is_modal(const vg_dict *d, const vg_pattern *p, int *kind);

/* How far before its verb a modal of intent or threat may end, with
 * Vigil's own dictionaries: "would not immediately attack", "is ready to
 * withdraw", not "this will be the third aircraft that has been shot
 * down" (PETRARCH's unit tests expect its reach over the whole clause). */
#define MODAL_SPAN 5

static bool describes_phrase(const vg_analysis *a, int v);
static int verb_last(const vg_analysis *a, int v);

/* The first dictionary verb or WAS/WERE/BEEN in [i, hi), or hi. */
static int next_verb_or_be(const vg_analysis *a, int i, int hi)
{
    while (i < hi && a->w.v[i].type != VG_W_VERB && a->w.v[i].type != VG_W_AUXIL) i++;
    return i;
}

/* A reduced relative between the subject and verb v, from its participle to
 * the verb or its BE: "three policemen [detained in Serbia] were released
 * by Serbian police".  The words before v a pattern matches are outside
 * it (m->rel; lo = hi = -1 when there is none).  Not in TABARI mode. */
static void relative_span(mctx *m, int v, int lo)
{
    const vg_analysis *a = m->a;
    m->rel.v = v;
    m->rel.lo = m->rel.hi = -1;
    if (m->c->opt->tabari_compat) return;
    for (int r = lo; r < v; r++) {
        if (a->w.v[r].type != VG_W_VERB || !live(a, r)) continue;
        if (!describes_phrase(a, r)) return;
        int k = next_verb_or_be(a, verb_last(a, r) + 1, v);
        for (int j = k; j < v; j++)
            if (a->w.v[j].type == VG_W_VERB) return;
        m->rel.lo = r;
        m->rel.hi = k;
        return;
    }
}

static bool match_pattern(mctx *m, const vg_pattern *p, int v, int vl)
{
    if (progressive_be(m, p, v)) return false;
    int lo, hi, kind;
    window(m->a, v, vl, &lo, &hi);
    if (m->rel.v != v) relative_span(m, v, lo);
    if (lo < v - MODAL_SPAN && m->c->d->defaults && is_modal(m->c->d, p, &kind))
        lo = v - MODAL_SPAN;
    clear_slots(m);
    const vg_elem *e = m->c->d->elems.v + p->e;
    if (p->verb > 0 && seq_bwd(m, e, p->verb, v, e[p->verb - 1].adj_next, lo) < 0)
        return false;
    int nlow = p->n - p->verb - 1;
    if (nlow > 0 && seq_fwd(m, e + p->verb + 1, nlow, vl + 1, e[p->verb].adj_next, hi) < 0)
        return false;
    return true;
}

static int passive_aux(const vg_analysis *a, int v);
static unit first_participant(const mctx *m, int lo, int hi, const unit *not, bool tails);
static unit passive_agent(const mctx *m, int vl, int cend, const unit *not);
static unit last_unit(const mctx *m, int hi, int lo, const unit *not);
static bool mutual_code(const vg_dict *d, const vg_vcode *vc);

/* A pattern whose words follow the verb ("* &SANCTIONS ON +"), matched on
 * a passive's subject instead, before its BE at aux (the rest of the
 * pattern, if its first words are all there, after the verb), with the
 * agent after BY as the source: "sanctions on Iran were lifted by the EU"
 * is coded as "the EU lifted sanctions on Iran".  Only patterns with a
 * word after the verb, none adjacent to it, and nothing before it; only
 * when both the agent (passive_agent) and the target are found, or a list
 * after BETWEEN stands for both sides of a mutual code. */
static bool match_passive_pattern(mctx *m, const vg_pattern *p, int v, int vl, int aux)
{
    const vg_elem *e = m->c->d->elems.v + p->e;
    /* a word right after the verb ("*_OFF") is part of the verb phrase */
    if (p->verb > 0 || p->n < 2 || e[0].adj_next) return false;
    int lo, hi;
    window(m->a, v, vl, &lo, &hi);
    if (aux <= lo) return false;
    /* the first k elements on the subject, the rest after the verb
     * ("weapons were supplied to the army by Germany": * &WEAPONS (TO +)) */
    int n = (int)p->n - 1, w = 1, k = n;
    while (w <= n && e[w].type != VG_EL_WORD && e[w].type != VG_EL_SYNSET) w++;
    for (; k >= w; k--) {                   /* the subject's part holds a word */
        clear_slots(m);
        if (seq_fwd(m, e + 1, k, lo, false, aux) >= 0 &&
            (k == n || seq_fwd(m, e + 1 + k, n - k, vl + 1, false, hi) >= 0))
            break;
    }
    if (k < w) return false;
    if (m->src.kind == U_NONE) m->src = passive_agent(m, vl, hi, &m->tgt);
    /* the subject, the actor nearest before its BE and no place ("in
     * Kandahar a soldier was shot"), is the target unless the pattern
     * named one */
    for (int h = aux; m->tgt.kind == U_NONE && h > lo;) {
        unit u = last_unit(m, h, lo, &m->src);
        if (u.kind == U_NONE) break;
        if (!locative(m, &u)) m->tgt = u;
        int first, last;
        unit_span(m, &u, &first, &last);
        h = first;
    }
    /* no agent, a mutual code and a list after BETWEEN: "talks between
     * Serbia and Kosovo were held in Brussels" are between the two (not
     * "Turkish and American air raids were conducted") */
    if (m->src.kind == U_NONE && m->tgt.kind == U_ACTOR && mutual_code(m->c->d, &p->code)) {
        static const char *const between[] = { "BETWEEN", NULL };
        unit list = unit_of_actor(m->a, m->tgt.tok, m->tgt.at, true);
        int first, last;
        if (list.kind == U_COMP) {
            unit_span(m, &list, &first, &last);
            int b = prev_live(m->a, first - 1, lo);
            if (b >= lo && vg_analysis_word_in(m->a, (size_t)b, between)) m->src = m->tgt = list;
        }
    }
    return m->src.kind != U_NONE && m->tgt.kind != U_NONE;
}

/* Does the pattern have words before the verb and none after it? */
static bool before_verb_only(const vg_pattern *p)
{
    return p->verb > 0 && p->verb + 1 == p->n;
}

/* A veto: words before the verb only and no event ("- &NEG * [---]", "-
 * &MAYBE * [---]"). */
static bool is_veto(const vg_pattern *p)
{
    return before_verb_only(p) && p->code.special == VG_CODE_NULL;
}

/* The CAMEO 12 code refusing a reading (vg_cameo_refusal), or NULL. */
static const char *refusal_of(const vg_dict *d, const vg_vcode *vc)
{
    if (vc->special == VG_CODE_NULL || !vc->code) return NULL;
    return vg_cameo_refusal(vg_dict_str(d, vc->code));
}

/* A modality: words before the verb only and a code of intent (03: "-
 * &WILL * [0356]", "- {AGREED TO} * [0356]") or of threat (13: "-
 * {VOWED TO} * [1384]").  *kind: its root. */
static bool is_modal(const vg_dict *d, const vg_pattern *p, int *kind)
{
    if (!before_verb_only(p) || p->code.special == VG_CODE_NULL || !p->code.code) return false;
    *kind = vg_cameo_root_number(vg_dict_str(d, p->code.code));
    return *kind == 3 || *kind == 13;
}

/* Outside TABARI's rules, what the words before the verb make of the
 * pattern k that won (*pattern; -1 for the verb's own code; m->as for a
 * code of its own).  Patterns are tried longest first, so one about what
 * follows the verb ("* (FROM +)") would win over the block's veto or
 * modality:
 * - a veto that matches takes its place: "Serbia did not withdraw its
 *   troops from Lebanon" was a withdrawal;
 * - unless a modal of will negates the verb ("would not withdraw its
 *   troops"): that is a refusal of the reading (CAMEO 12), whether a longer
 *   pattern or the veto itself won;
 * - a modality of intent or threat that matches makes the reading its
 *   intent or threat: "Turkey will launch an operation against the
 *   militants" (190 by "* (OPERATION AGAINST)") is 1384, "NATO will send
 *   peacekeepers" 0334.
 * Patterns that name the negation or modality ("- &NEG * {ENGAGE IN
 * &TALKS} [125]") stand. */
static void modality(mctx *m, const vg_vblock *b, uint32_t k, int v, int vl, int *pattern)
{
    const vg_dict *d = m->c->d;
    const vg_pattern *p = &d->patterns.v[b->pat + k];
    bool will = vg_analysis_negation(m->a, (size_t)v) == VG_NEG_WILL;
    if (is_veto(p)) {
        if (!will) return;
        /* the reading refused: the next pattern after the verb, else the verb's code */
        for (uint32_t j = k + 1; j < b->npat; j++) {
            const vg_pattern *q = &d->patterns.v[b->pat + j];
            if (q->verb != 0 || !vg_pattern_viable(d, q, &m->a->lits) || !match_pattern(m, q, v, vl))
                continue;
            if ((m->as = refusal_of(d, &q->code))) *pattern = (int)(b->pat + j);
            return;
        }
        clear_slots(m);
        const vg_verbform *vf = &d->verbforms.v[d->entries.v[m->a->w.v[v].entry].ref];
        if ((m->as = refusal_of(d, &vf->code))) *pattern = -1;
        return;
    }
    if (p->verb != 0 || p->code.special == VG_CODE_NULL || !p->code.code) return;
    slots won = save(m);
    const char *code = vg_dict_str(d, p->code.code);
    for (uint32_t j = 0; j < b->npat; j++) {
        const vg_pattern *q = &d->patterns.v[b->pat + j];
        int kind = 0;
        if (!(is_veto(q) || is_modal(d, q, &kind)) || !vg_pattern_viable(d, q, &m->a->lits) ||
            !match_pattern(m, q, v, vl))
            continue;
        restore(m, won);
        /* what will be done: an intent to cooperate, a threat of conflict;
         * what is threatened: a threat */
        const char *intent = kind == 3 ? vg_cameo_intent(code) : NULL;
        if (kind == 3) m->as = intent ? intent : vg_cameo_threat(code);
        else if (kind == 13) m->as = vg_cameo_threat(code);
        else if (!(will && (m->as = refusal_of(d, &p->code)))) *pattern = (int)(b->pat + j);
        return;
    }
    restore(m, won);
}

/* "Serbia and Albania met with Kosovo": a list pattern ("- % * [040:040]":
 * each member met the other) is for a list with no one else to act on.
 * With Vigil's own dictionaries, when a participant follows the verb as
 * its object or after WITH or AGAINST (not "met in Belgrade") the pattern
 * does not hold, and the members act on the participant. */
static bool list_has_other(const mctx *m, const vg_pattern *p, int v, int vl)
{
    static const char *const with[] = { "WITH", "AGAINST", NULL };
    const vg_analysis *a = m->a;
    const vg_elem *e = m->c->d->elems.v + p->e;
    bool cmp = false;
    for (uint32_t i = 0; i < p->n; i++) {
        if (e[i].type == VG_EL_TGT) return false;
        cmp |= e[i].type == VG_EL_CMP;
    }
    if (!cmp || m->cmp.kind == U_NONE) return false;
    int lo, hi, first, last;
    window(a, v, vl, &lo, &hi);
    unit u = first_participant(m, vl + 1, hi, &m->cmp, false);
    if (u.kind == U_NONE || u.place) return false;
    unit_span(m, &u, &first, &last);
    int q = prev_live(a, first - 1, vl);
    while (q > vl && (a->w.v[q].type == VG_W_DETERM || a->w.v[q].type == VG_W_ADJ))
        q = prev_live(a, q - 1, vl);
    return q == vl || (q > vl && vg_analysis_word_in(a, (size_t)q, with));
}

/* The code of a verb at token v: first matching pattern, else the form's
 * own, as the words before the verb make them (modality).  A passive
 * verb's patterns are also tried on its subject. */
static const vg_vcode *verb_code(mctx *m, int v, int *pattern)
{
    const vg_analysis *a = m->a;
    const vg_dict *d = m->c->d;
    const vg_entry *e = &d->entries.v[a->w.v[v].entry];
    const vg_verbform *vf = &d->verbforms.v[e->ref];
    const vg_vblock *b = &d->blocks.v[vf->block];
    const vg_hit *h = &a->hits.v[a->hit_of.v[v]];
    int vl = h->last;
    m->as = NULL;
    /* the literal bits first: most patterns need a word the sentence lacks */
    const uint64_t *pm = vg_vec_at(&d->ix.pat_mask, 2 * (size_t)b->pat);
    uint64_t miss0 = ~m->a->lits.mask[0], miss1 = ~m->a->lits.mask[1];
    int aux = -2;                       /* not yet known */
    for (uint32_t k = 0; k < b->npat && !m->spent; k++) {
        if ((pm[2 * k] & miss0) | (pm[2 * k + 1] & miss1)) continue;
        const vg_pattern *p = &d->patterns.v[b->pat + k];
        if (!vg_pattern_viable(d, p, &m->a->lits)) continue;
        bool hit = match_pattern(m, p, v, vl);
        if (!hit && !m->c->opt->tabari_compat && p->verb == 0) {
            if (aux == -2) aux = passive_aux(a, v);
            hit = aux >= 0 && match_passive_pattern(m, p, v, vl, aux);
        }
        if (hit && d->defaults && list_has_other(m, p, v, vl)) hit = false;
        if (hit) {
            *pattern = (int)(b->pat + k);
            if (!m->c->opt->tabari_compat) modality(m, b, k, v, vl, pattern);
            return *pattern >= 0 ? &d->patterns.v[*pattern].code : &vf->code;
        }
        if (m->spent && m->budget_pattern < 0) m->budget_pattern = (int32_t)(b->pat + k);
    }
    clear_slots(m);
    *pattern = -1;
    return &vf->code;
}

size_t vg_verb_readings(vg_matcher *c, int v, const char **codes, int32_t *patterns, size_t max)
{
    const vg_analysis *a = &c->an;
    if (v < 0 || (size_t)v >= a->tk.t.n || a->w.v[v].type != VG_W_VERB || a->hit_of.v[v] < 0)
        return 0;
    mctx m = new_ctx(c, a);   /* a budget of its own */
    const vg_dict *d = c->d;
    const vg_verbform *vf = &d->verbforms.v[d->entries.v[a->w.v[v].entry].ref];
    const vg_vblock *b = &d->blocks.v[vf->block];
    int vl = a->hits.v[a->hit_of.v[v]].last;
    size_t n = 0;
    for (uint32_t k = 0; k < b->npat && n < max; k++) {
        const vg_pattern *p = &d->patterns.v[b->pat + k];
        if (!p->code.code || !vg_pattern_viable(d, p, &a->lits) || !match_pattern(&m, p, v, vl))
            continue;
        codes[n] = vg_dict_str(d, p->code.code);
        patterns[n++] = (int32_t)(b->pat + k);
    }
    if (n < max && vf->code.code) {
        codes[n] = vg_dict_str(d, vf->code.code);
        patterns[n++] = -1;
    }
    return n;
}

/* ---- sources and targets ---- */

/* The unit at token i for a default search; with tails, a later word of a
 * multi-word actor stands for the actor (TABARI finds targets that way). */
static unit search_unit(const mctx *m, int i, bool tails)
{
    const vg_analysis *a = m->a;
    if (a->w.v[i].type == VG_W_TAIL) {
        int h = a->w.v[i].head;
        if (!tails || !live(a, i) || !vg_analysis_is_actor(a, (size_t)h)) return no_unit;
        unit u = { U_ACTOR, h, -1, h, NULL, false };
        return u;
    }
    return unit_at(m, i, false);
}

/* First unit in [lo,hi) (forward); skips units whose code equals `not`. */
static unit first_unit(const mctx *m, int lo, int hi, const unit *not, bool tails)
{
    for (int i = lo; i < hi; i++) {
        unit u = search_unit(m, i, tails);
        if (u.kind == U_NONE) continue;
        if (not && not->kind != U_NONE && !distinct(m, &u, not)) continue;
        return u;
    }
    return no_unit;
}

/* Is the actor at token h a place where something happened rather than a
 * participant: a country or place name with no agent (or a capital coded
 * as its government), after a locative preposition ("in Kosovo", "near
 * the northern town of Banjska", "in Yerevan")? */
static bool locative(const mctx *m, const unit *u)
{
    static const char *const preps[] = {
        "IN", "AT", "NEAR", "OUTSIDE", "INSIDE", "ACROSS", "AROUND", "THROUGHOUT", "WITHIN",
        "INTO", "NORTH", "SOUTH", "EAST", "WEST", NULL
    };
    static const char *const skip[] = {
        "THE", "NORTHERN", "SOUTHERN", "EASTERN", "WESTERN", "CENTRAL", "NORTHEASTERN",
        "NORTHWESTERN", "SOUTHEASTERN", "SOUTHWESTERN", "TOWN", "CITY", "VILLAGE", "REGION",
        "PROVINCE", "DISTRICT", "CAPITAL", "OF", "OCCUPIED", "BORDER", NULL
    };
    const vg_analysis *a = m->a;
    if (m->c->opt->tabari_compat || u->kind != U_ACTOR || u->at != u->tok) return false;
    const vg_aword *w = &a->w.v[u->tok];
    if (w->agent >= 0 || w->ncodes != 1) return false;
    const char *code = vg_analysis_code(a, (size_t)u->tok, 0);
    char cc[4];
    /* a country, or a capital that stands for its government ("Yerevan
     * said", YEREVAN_ [ARMGOV]) used as a place ("rallied in Yerevan") */
    size_t cl = strlen(code);
    if (!(cl == 3 || (cl == 6 && !strcmp(code + 3, "GOV"))) || !vg_actor_country(code, cc))
        return false;
    int p = prev_live(a, u->tok - 1, 0);
    for (int k = 0; k < 4 && p >= 0 && vg_analysis_word_in(a, (size_t)p, skip); k++)
        p = prev_live(a, p - 1, 0);
    return p >= 0 && vg_analysis_word_in(a, (size_t)p, preps);
}

/* Did the matched pattern take token i as one of its words, a pronoun or
 * a word another of its words follows directly? */
static bool pattern_word(const mctx *m, int i)
{
    for (uint8_t k = 0; k < m->npw; k++)
        if (m->pw[k] == i) return true;
    return false;
}

/* The first unit in [lo,hi) that is not a place; else the first unit, a
 * place, which CAMEO practice makes the participant as its country
 * ("protested in Beijing": CHN, not the government BEIJING_ stands for).
 * Nor is a pronoun or modifier the matched pattern took as its word. */
static unit first_participant(const mctx *m, int lo, int hi, const unit *not, bool tails)
{
    unit first = no_unit;
    for (int i = lo; i < hi; i++) {
        unit u = search_unit(m, i, tails);
        if (u.kind == U_NONE || pattern_word(m, i)) continue;
        if (not && not->kind != U_NONE && !distinct(m, &u, not)) continue;
        if (!locative(m, &u)) return u;
        if (first.kind == U_NONE) first = u;
    }
    first.place = first.kind == U_ACTOR && !m->c->opt->tabari_compat;
    return first;
}

/* Where a trailing attribution opens in [lo, hi): a comma, a short phrase
 * with no verb, a verb of saying, and no actor or verb after it ("...,
 * killing three people, Kosovo police said on Monday").  Its speaker is
 * no object of the verb before it.  hi if there is none. */
static int attribution_at(const vg_analysis *a, int lo, int hi)
{
    for (int k = lo; k < hi; k++) {
        /* (the comma may close a clause dropped as nonrestrictive) */
        if (a->w.v[k].type != VG_W_COMMA) continue;
        int s = k + 1;
        while (s < hi && s <= k + 8 && !vg_analysis_said(a, (size_t)s) &&
               a->w.v[s].type != VG_W_VERB && a->w.v[s].type != VG_W_COMMA)
            s++;
        if (s >= hi || s == k + 1 || !live(a, s) || !vg_analysis_said(a, (size_t)s)) continue;
        int t = s + 1;
        while (t < hi && (!live(a, t) || (a->w.v[t].type != VG_W_ACTOR &&
                                          a->w.v[t].type != VG_W_VERB)))
            t++;
        if (t >= hi) return k;
    }
    return hi;
}

/* Nearest unit before hi, down to lo (backward); compound only if headed. */
static unit last_unit(const mctx *m, int hi, int lo, const unit *not)
{
    for (int i = hi - 1; i >= lo; i--) {
        unit u = search_unit(m, i, true);
        if (u.kind == U_NONE) continue;
        if (not && not->kind != U_NONE && !distinct(m, &u, not)) continue;
        return u;
    }
    return no_unit;
}

static bool be_or_get(const vg_analysis *a, int i)
{
    static const char *const words[] = {
        "IS", "ARE", "AM", "BE", "BEING", "GET", "GETS", "GOT", "GOTTEN", "GETTING", NULL
    };
    return a->w.v[i].type == VG_W_AUXIL || vg_analysis_word_in(a, (size_t)i, words);
}

/* TABARI's passive: WAS/WERE/BEEN one or two words before the verb and BY
 * one or two after; source and target swap. */
static bool tabari_passive(const vg_analysis *a, int v, int vl)
{
    int n = (int)a->tk.t.n;
    int p1 = prev_live(a, v - 1, 0), p2 = p1 > 0 ? prev_live(a, p1 - 1, 0) : -1;
    bool aux = (p1 >= 0 && a->w.v[p1].type == VG_W_AUXIL) ||
               (p2 >= 0 && a->w.v[p2].type == VG_W_AUXIL);
    int n1 = next_live(a, vl + 1, n), n2 = n1 < n ? next_live(a, n1 + 1, n) : n;
    bool by = (n1 < n && a->w.v[n1].type == VG_W_BY) || (n2 < n && a->w.v[n2].type == VG_W_BY);
    return aux && by;
}

/* "were killed, including a child, and 24 (others) wounded": after a
 * conjunction or comma and a number, a verb shares the BE of the passive
 * before them, whatever its tag (the tagger reads "24 wounded" as a past
 * tense).  Returns that BE, or -1. */
static int elided_passive(const vg_analysis *a, int v)
{
    static const char *const others[] = { "OTHERS", "MORE", NULL };
    int p = prev_live(a, v - 1, 0);
    if (p > 0 && vg_analysis_word_in(a, (size_t)p, others)) p = prev_live(a, p - 1, 0);
    if (p <= 0 || a->w.v[p].type != VG_W_NUMBER) return -1;
    int c = prev_live(a, p - 1, 0);
    if (c <= 0 || (a->w.v[c].type != VG_W_CONJ && a->w.v[c].type != VG_W_COMMA)) return -1;
    int q = prev_live(a, c - 1, 0);
    if (q < 0 || a->w.v[q].type != VG_W_VERB) return -1;
    return passive_aux(a, q);
}

/* Otherwise: a past participle after a form of BE or GET at most three
 * words before it ("is being pressured", "has been repeatedly attacked").
 * Returns that BE or GET, or -1. */
static int passive_aux(const vg_analysis *a, int v)
{
    static const char *const and_or[] = { "AND", "OR", NULL };
    int e = elided_passive(a, v);
    if (e >= 0) return e;
    /* a "gerund" without -ING is a participle the tagger missed ("was slain") */
    uint8_t pos = a->w.v[v].pos;
    bool participle = pos == VG_POS_VBN || pos == VG_POS_NONE ||
                      (pos == VG_POS_VBG && !ing_form(a, v));
    if (a->tagged && pos == VG_POS_VBD) {
        /* so is a past tense right after BE, or after BE and a time, an
         * adverb or a name ("were Monday killed") */
        int p = prev_live(a, v - 1, 0);
        if (p > 0 && (a->w.v[p].type == VG_W_TIME || a->w.v[p].pos == VG_POS_RB ||
                      (a->w.v[p].type == VG_W_NULL && a->w.v[p].pos == VG_POS_NNP)))
            p = prev_live(a, p - 1, 0);
        if (p >= 0 && be_or_get(a, p)) return p;
    }
    if (a->tagged && !participle) return -1;
    for (int k = 0, p = prev_live(a, v - 1, 0); k < 3 && p >= 0;
         k++, p = p > 0 ? prev_live(a, p - 1, 0) : -1) {
        if (be_or_get(a, p)) return p;
        /* "was shot and killed by": the second participle shares the first's BE */
        if (k == 0 && p > 0 && vg_analysis_word_in(a, (size_t)p, and_or)) {
            int q = prev_live(a, p - 1, 0);
            if (q >= 0 && a->w.v[q].type == VG_W_VERB) return passive_aux(a, q);
        }
        if (a->w.v[p].type == VG_W_VERB || vg_analysis_is_actor(a, (size_t)p)) return -1;
    }
    return -1;
}

static bool passive(const vg_analysis *a, int v) { return passive_aux(a, v) >= 0; }

static bool attack_noun(const vg_analysis *a, int i)
{
    static const char *const words[] = {
        "ATTACK", "ATTACKS", "SHELLING", "AIRSTRIKE", "AIRSTRIKES", "STRIKE", "STRIKES",
        "BOMBING", "BOMBINGS", "BOMBARDMENT", "FIRE", "GUNFIRE", "RAID", "RAIDS",
        "ASSAULT", "OFFENSIVE", "AMBUSH", "SHOOTING", "BARRAGE", NULL
    };
    return live(a, i) && vg_analysis_word_in(a, (size_t)i, words);
}

/* A fight has two sides: the other is after WITH ("in clashes with the
 * army"); a word before it is a place or a kind ("the Hasakah clashes"). */
static bool fight_noun(const vg_analysis *a, int i)
{
    static const char *const words[] = {
        "CLASH", "CLASHES", "GUNFIGHT", "GUNFIGHTS", "FIREFIGHT", "FIREFIGHTS", "SHOOTOUT",
        "FIGHTING", "BATTLE", "BATTLES", "SKIRMISH", "SKIRMISHES", NULL
    };
    return live(a, i) && vg_analysis_word_in(a, (size_t)i, words);
}

/* The agent of a passive: the first unit after BY in the clause ("were
 * killed in an attack by rebels"); else the actor of an attack or fight
 * noun ("in Israeli tank shelling", "under the fire of the air force", "in
 * a gunfight with militants"); else none ("were killed in Baghdad"). */
static unit passive_agent(const mctx *m, int vl, int cend, const unit *not)
{
    const vg_analysis *a = m->a;
    for (int i = vl + 1; i < cend; i++)
        if (live(a, i) && a->w.v[i].type == VG_W_BY) {
            int hi = i + 1 + BY_OBJECT_SPAN < cend ? i + 1 + BY_OBJECT_SPAN : cend;
            /* an agent in reach brings the actor it belongs to after OF or
             * FROM ("by the Kurdish security forces of the Asayish") */
            static const char *const of_from[] = { "OF", "FROM", NULL };
            for (int g = i + 1; g < hi; g++) {
                if (a->w.v[g].type != VG_W_AGENT) continue;
                bool of = false;
                for (int j = g + 1; j < cend && j <= g + 4; j++) {
                    of = of || vg_analysis_word_in(a, (size_t)j, of_from);
                    if (of && a->w.v[j].type == VG_W_ACTOR && a->w.v[j].agent == g && j >= hi)
                        hi = j + 1;
                }
            }
            unit u = first_unit(m, i + 1, hi, not, false);
            return locative(m, &u) ? no_unit : u;
        }
    static const char *const of_word[] = { "OF", NULL };
    static const char *const with_word[] = { "WITH", NULL };
    for (int i = vl + 1; i < cend; i++) {
        bool fight = fight_noun(a, i);
        if (!fight && !attack_noun(a, i)) continue;
        if (!fight) {
            unit u = last_unit(m, i, i - 3 > vl ? i - 3 : vl + 1, not);
            if (u.kind != U_NONE) return u;
        }
        int of = next_live(a, i + 1, cend);
        if (of < cend && vg_analysis_word_in(a, (size_t)of, fight ? with_word : of_word))
            return first_unit(m, of + 1, of + 5 < cend ? of + 5 : cend, not, false);
    }
    return no_unit;
}

typedef struct clause_state {
    unit kept;            /* source carried from the previous clause */
    bool prev_event;      /* the previous clause produced an event */
    unit forced;          /* the previous clause opened with an uncoded verb and
                           * had no event: its first actor is this clause's
                           * source (TABARI, validation record DEBUG-12) */
} clause_state;

static unit code_unit(const char *code)
{
    unit u = { U_CODE, -1, -1, -1, code, false };
    return u;
}

/* Where the subject search before verb v starts: past a fronted phrase
 * that opens the clause at lo and ends in a comma, and past a
 * subordinating word that opens v's own clause, with no verb between:
 * "Serbian forces will leave once the town is liberated" (the town was
 * liberated, not the forces). */
static int subject_start(const vg_analysis *a, int lo, int v)
{
    static const char *const subord[] = {
        "ONCE", "WHEN", "WHENEVER", "WHILE", "AFTER", "BEFORE", "UNTIL", "BECAUSE", "SINCE",
        "ALTHOUGH", "THOUGH", "IF", "UNLESS", "WHEREAS", NULL
    };
    bool subject = false;        /* a phrase stands between: not "after capturing" */
    for (int i = v - 1; i > lo; i--) {
        if (!live(a, i)) continue;
        uint8_t t = a->w.v[i].type;
        if (t == VG_W_VERB || t == VG_W_COMMA) break;
        if (vg_analysis_word_in(a, (size_t)i, subord)) {
            if (subject) return i + 1;
            break;
        }
        subject |= t == VG_W_ACTOR || t == VG_W_AGENT || t == VG_W_NOUN || t == VG_W_PRONOUN ||
                   t == VG_W_DETERM || vg_pos_is_noun(a->w.v[i].pos);
    }
    int f = next_live(a, lo, v);
    if (f >= v || !vg_analysis_fronting(a, (size_t)f)) return lo;
    for (int i = v - 1; i > f; i--)
        if (live(a, i) && a->w.v[i].type == VG_W_COMMA) return i + 1;
    return lo;
}

/* Where the subject of verb v can start: after a verb of saying that opens
 * reported speech ("hospital officials said 75 Palestinians were
 * wounded"), else lo.  For the victims of one-sided events below, and
 * through reported_clause for sources. */
static int after_report(const vg_analysis *a, int lo, int v)
{
    for (int i = v - 2; i >= lo; i--)
        if (live(a, i) && vg_analysis_said(a, (size_t)i)) return i + 1;
    return lo;
}

/* What a reported clause says, for reported_code. */
enum { REPORT_PLAIN, REPORT_DEMAND, REPORT_ALLEGATION };

/* Where the clause a verb of saying reports starts, before verb v: after
 * SAID and the like (after THAT when TO names the listener: "said to the
 * BBC that"), not after TOLD (its object is the listener); lo when none.
 * *kind: REPORT_DEMAND when the clause says what its subject must or
 * should do, REPORT_ALLEGATION when the verb of saying alleges or claims. */
static int reported_clause(const vg_analysis *a, int lo, int v, int *kind)
{
    static const char *const told[] = { "TOLD", NULL }, *const to[] = { "TO", NULL };
    static const char *const that[] = { "THAT", NULL };
    static const char *const must[] = { "MUST", "SHOULD", "OUGHT", NULL };
    static const char *const allege[] = { "ALLEGED", "CLAIMED", NULL };
    *kind = REPORT_PLAIN;
    int r = after_report(a, lo, v);
    if (r <= lo) return lo;
    if (vg_analysis_word_in(a, (size_t)r - 1, told)) {
        /* TOLD's object is the listener; the clause follows it: "told ARA
         * News American forces targeted ...", "told reporters that the
         * gunmen attacked ..." */
        int k = r;
        while (k < v && (a->w.v[k].deleted || a->w.v[k].type == VG_W_DETERM ||
                         a->w.v[k].type == VG_W_ADJ))
            k++;
        /* a coded listener is its actor's phrase ("told Serbian President
         * Vucic"); an uncoded one its nouns, so that an actor after them
         * opens the clause ("told ARA News American forces ...") */
        bool coded = k < v && (a->w.v[k].type == VG_W_ACTOR || a->w.v[k].type == VG_W_AGENT);
        while (k < v) {
            uint8_t t = a->w.v[k].type;
            bool noun = t == VG_W_NOUN || (t == VG_W_NULL && a->tagged &&
                                           vg_pos_is_noun(a->w.v[k].pos));
            if (!(a->w.v[k].deleted || noun || t == VG_W_TAIL ||
                  (coded && (t == VG_W_ACTOR || t == VG_W_AGENT))))
                break;
            k++;
        }
        if (k == r || k >= v) return lo;
        if (vg_analysis_word_in(a, (size_t)k, that)) k++;
        r = k;
    }
    /* a verb, not "the alleged mastermind": THAT follows, or the tagger says so */
    if (vg_analysis_word_in(a, (size_t)r - 1, allege) &&
        ((r < v && vg_analysis_word_in(a, (size_t)r, that)) ||
         (a->tagged && a->w.v[r - 1].pos == VG_POS_VBD)))
        *kind = REPORT_ALLEGATION;
    /* "said to the BBC that the UK must ...": the clause starts after THAT */
    if (vg_analysis_word_in(a, (size_t)r, to)) {
        int t = r + 1;
        while (t < v && !vg_analysis_word_in(a, (size_t)t, that)) t++;
        if (t >= v) return lo;
        r = t + 1;
    }
    for (int i = r; i < v; i++)
        if (vg_analysis_word_in(a, (size_t)i, must)) *kind = REPORT_DEMAND;
    return r;
}

/* reported_clause(lo, v), worked out once per verb: find_actors looks for
 * the source in the clause, reported_code for a demand or an allegation. */
static void report_of(mctx *m, int lo, int v, int *r, int *kind)
{
    if (m->rep.v != v || m->rep.lo != lo) {
        m->rep.v = v;
        m->rep.lo = lo;
        m->rep.r = reported_clause(m->a, lo, v, &m->rep.kind);
    }
    *r = m->rep.r;
    *kind = m->rep.kind;
}

/* Whether the noun phrase ending at p follows an existential "there is",
 * "there were", "there have been": THERE and a form of BE, then only the
 * phrase's own words (no verb, comma or conjunction) up to p. */
static bool existential(const vg_analysis *a, int p)
{
    static const char *const be[] = { "IS", "ARE", "WAS", "WERE", "BEEN", NULL };
    static const char *const have[] = { "HAS", "HAVE", "HAD", NULL };
    static const char *const there[] = { "THERE", NULL };
    for (int k = p, steps = 0; k > 0 && steps < 10; steps++) {
        int q = prev_live(a, k - 1, 0);
        if (q < 0) return false;
        if (vg_analysis_word_in(a, (size_t)q, be)) {
            int r = prev_live(a, q - 1, 0);
            if (r >= 0 && vg_analysis_word_in(a, (size_t)r, have)) r = prev_live(a, r - 1, 0);
            return r >= 0 && vg_analysis_word_in(a, (size_t)r, there);
        }
        uint8_t t = a->w.v[q].type;
        if (t == VG_W_VERB || t == VG_W_COMMA || t == VG_W_CONJ || t == VG_W_BY) return false;
        k = q;
    }
    return false;
}

/* The token before verb v when it ends a noun phrase the verb can describe
 * (an actor, an agent, a noun; not an auxiliary, a pronoun or an adverb),
 * else -1. */
static int noun_before(const vg_analysis *a, int v)
{
    int p = prev_live(a, v - 1, 0);
    if (p < 0) return -1;
    const vg_aword *w = &a->w.v[p];
    int h = w->type == VG_W_TAIL ? w->head : p;
    uint8_t t = a->w.v[h].type;
    bool nominal = t == VG_W_ACTOR || t == VG_W_AGENT || t == VG_W_NOUN ||
                   (t == VG_W_NULL && (vg_pos_is_noun(a->w.v[h].pos) ||
                                       a->w.v[h].pos == VG_POS_NONE));
    if (!nominal || be_or_get(a, p)) return -1;
    static const char *const not_nouns[] = {
        "HAS", "HAVE", "HAD", "HAVING", "WHO", "WHICH", "THAT", "IT", "HE", "SHE", "THEY",
        "WE", "I", "YOU", "ALSO", "REPORTEDLY", "ALLEGEDLY", "JUST", "RECENTLY", "NOT",
        "NEVER", "ALREADY", NULL
    };
    if (vg_analysis_word_in(a, (size_t)p, not_nouns) || a->tk.t.v[p].kind != VG_TK_WORD) return -1;
    return p;
}

/* Where the clause of verb v ends: the next comma or clause conjunction. */
static int clause_end_after(const vg_analysis *a, int v)
{
    int n = (int)a->tk.t.n, end = v + 1;
    while (end < n && !(a->w.v[end].type == VG_W_COMMA || (a->w.v[end].type == VG_W_CONJ &&
                                                           !a->w.v[end].conj_free)))
        end++;
    return end;
}

/* Does a finite verb follow v within its clause (up to end), before a
 * subordinating word and within a subject's short relative clause?  Then
 * v, a participle after a noun phrase, is not the main verb. */
static bool finite_verb_after(const vg_analysis *a, int v, int end)
{
    static const char *const subord[] = {
        "AFTER", "BEFORE", "WHEN", "WHILE", "AS", "SINCE", "BECAUSE", "IF", "THAT", "WHICH",
        "WHO", "UNTIL", "ONCE", "ALTHOUGH", NULL
    };
    for (int k = v + 1; k < end; k++)
        if (vg_analysis_word_in(a, (size_t)k, subord)) { end = k; break; }
    if (end > v + 8) end = v + 8;            /* a subject's relative clause is short */
    for (int k = v + 1; k < end; k++)
        if (a->w.v[k].type == VG_W_VERB && (a->w.v[k].pos == VG_POS_VBD ||
                                            a->w.v[k].pos == VG_POS_VBZ ||
                                            a->w.v[k].pos == VG_POS_VBP))
            return true;
    /* the analysis tags only around dictionary verbs: tag the stretch */
    const vg_tagger *tg = vg_tagger_default();
    int lo = v > 4 ? v - 4 : 0;
    if (!tg || end - lo > 64) return false;
    const char *words[64];
    size_t lens[64];
    unsigned char tags[64];
    for (int k = lo; k < end; k++) {
        words[k - lo] = a->text + a->tk.t.v[k].off;
        lens[k - lo] = a->tk.t.v[k].len;
    }
    if (a->tcache) vg_tagger_tag_cached(tg, a->tcache, words, lens, (size_t)(end - lo), tags);
    else vg_tagger_tag(tg, words, lens, (size_t)(end - lo), tags);
    for (int k = v + 1; k < end; k++) {
        int tg2 = tags[k - lo];
        if (tg2 == VG_POS_VBD || tg2 == VG_POS_VBZ || tg2 == VG_POS_VBP || tg2 == VG_POS_MD)
            return true;
    }
    return false;
}

/* A participle that opens a reduced relative clause after a noun phrase:
 * "soldiers captured by Russian forces", "the weapons seized in Banjska".
 * The noun phrase is what the verb was done to, not its subject. */
static bool reduced_relative(const vg_analysis *a, int v)
{
    if (!a->tagged || a->w.v[v].pos != VG_POS_VBN) return false;
    int p = noun_before(a, v);
    if (p < 0) return false;
    /* "there were ten soldiers killed in ...": after an existential
     * THERE BE the participle can only describe the phrase */
    if (existential(a, p)) return true;
    /* the participle is not the main verb: BY follows, or a finite verb
     * comes later in the clause ("... seized in Banjska came from Serbia") */
    int n = (int)a->tk.t.n, end = clause_end_after(a, v);
    for (int k = v + 1; k < end && k <= v + 3; k++)
        if (a->w.v[k].type == VG_W_BY) return true;
    /* a participle with a direct object is active ("Ethiopia broken down a treaty") */
    int vl = a->hit_of.v[v] >= 0 ? a->hits.v[a->hit_of.v[v]].last : v;
    int nx = next_live(a, vl + 1, n);
    if (nx < n && (a->w.v[nx].type == VG_W_DETERM || vg_analysis_is_actor(a, (size_t)nx) ||
                   a->w.v[nx].type == VG_W_PRONOUN))
        return false;
    return finite_verb_after(a, v, end);
}

/* An active participle after a noun phrase, with a finite verb later in the
 * clause: "the coalition fighting Houthi rebels has declared a ceasefire",
 * "protesters demanding his resignation clashed with police".  It describes
 * the phrase; the clause's event is the finite verb's, so its events are
 * subordinate. */
static bool participle_modifier(const vg_analysis *a, int v)
{
    if (!a->tagged || a->w.v[v].pos != VG_POS_VBG || noun_before(a, v) < 0) return false;
    return finite_verb_after(a, v, clause_end_after(a, v));
}

/* A participle that describes the phrase before it while a finite verb
 * later in the clause carries the clause's event: the active one above, or
 * a reduced relative ("warplanes supported by Russia pounded the
 * enclave"). */
static bool describes_phrase(const vg_analysis *a, int v)
{
    return participle_modifier(a, v) ||
           (reduced_relative(a, v) && finite_verb_after(a, v, clause_end_after(a, v)));
}

/* The number a verb code starts with (a root is 1-20), -1 without a code
 * of two digits or more. */
static int verb_root(const vg_dict *d, const vg_vcode *vc)
{
    return vc->code ? vg_cameo_root_number(vg_dict_str(d, vc->code)) : -1;
}

/* Can the members of a list act on each other by this code?  "The US,
 * Russia and Switzerland met" is a meeting of every pair, but "troops from
 * Trinidad and Antigua patrolled" is one patrol, and "Israeli and
 * Palestinian women demonstrated" one protest: consulting, cooperating,
 * yielding and fighting (roots 03-06, 08, 19) and pair codes are mutual,
 * the rest are done together.  A code that is no number pairs as before. */
static bool mutual_code(const vg_dict *d, const vg_vcode *vc)
{
    if (vc->flags & VG_VC_PAIRED) return true;
    switch (verb_root(d, vc)) {
    case -1: case 3: case 4: case 5: case 6: case 8: case 19: return true;
    default: return false;
    }
}

/* Assault, fight or mass violence (roots 18-20), and coercion not
 * specified (170: executions, the cyber attacks coded so): an event worth
 * recording when only its victims are named ("the ministry's network was
 * hit by a cyber attack").  Not damage to property (171x), which disasters
 * and accidents cause as often. */
static bool violent_code(const vg_dict *d, const vg_vcode *vc)
{
    int r = verb_root(d, vc);
    if (r == 17) return !strcmp(vg_dict_str(d, vc->code), "170");
    return r >= 18 && r <= 20;
}

/* Is the source found for verb v the one who acts, as an event with no
 * target needs it to be: a passive's BY agent after the verb ("was
 * captured by U.S. forces"), or a phrase before an active verb.  Not the
 * subject of a participle that describes it ("the 15 people killed",
 * "a teenager captured in Afghanistan"): a past participle needs HAVE
 * just before it; nor the subject of a passive verb between the two,
 * which the verb shares ("were killed and dozens more wounded"). */
static bool acting_source(const mctx *m, int v, bool passive_verb)
{
    static const char *const have[] = { "HAVE", "HAS", "HAD", "HAVING", NULL };
    const vg_analysis *a = m->a;
    const unit *u = &m->src;
    if (u->kind != U_ACTOR && u->kind != U_COMP) return false;
    /* a pronoun standing for a phrase after it ("It has killed hundreds
     * of rebels") */
    if (a->w.v[u->at].type == VG_W_PRONOUN && a->w.v[u->at].ref > u->at) return false;
    int first, last;
    unit_span(m, u, &first, &last);
    if (passive_verb) {
        /* the agent of this verb, not of another after it ("was captured
         * in the invasion to topple the Taliban") */
        if (first <= v) return false;
        for (int i = verb_last(a, v) + 1; i < first; i++)
            if (live(a, i) && a->w.v[i].type == VG_W_VERB) return false;
        return true;
    }
    if (last >= v) return false;
    for (int i = last + 1; i < v; i++)
        if (live(a, i) && a->w.v[i].type == VG_W_VERB && passive(a, i)) return false;
    if (a->w.v[v].pos != VG_POS_VBN) return true;
    int p = prev_live(a, v - 1, 0);
    if (p > last && a->w.v[p].pos == VG_POS_RB) p = prev_live(a, p - 1, 0);
    return p > last && vg_analysis_word_in(a, (size_t)p, have);
}

/* May the event of vc (or of the reported code as) be coded with its
 * source alone, the target unknown ("---")?  Without require_dyad and
 * outside TABARI compatibility, when the event's PLOVER category does not
 * require a recipient ("Libya's rival authorities announced a ceasefire":
 * CONCEDE): all but COOPERATE, AID and SANCTION, and not a statement (01),
 * which has no category. */
static bool one_sided(const mctx *m, const vg_vcode *vc, const char *as, int v,
                      bool passive_verb)
{
    const vg_options *o = m->c->opt;
    if (o->tabari_compat || o->require_dyad) return false;
    const char *code = as ? as : vc->code ? vg_dict_str(m->c->d, vc->code) : NULL;
    const vg_cameo *c = code ? vg_cameo_get(code) : NULL;
    if (!c || !c->plover[0] || !strcmp(c->plover, "COOPERATE") || !strcmp(c->plover, "AID") ||
        !strcmp(c->plover, "SANCTION"))
        return false;
    return acting_source(m, v, passive_verb);
}

static bool unnamed_of(const mctx *m, const unit *u, const unit *whom);

/* Default source and target for verb [v,vl] in clause cl (TABARI 5.8, 7.6);
 * mutual: mutual_code of the verb's code. */
static void find_actors(mctx *m, const clause_state *cs, int cl, int v, int vl,
                        bool designated, bool mutual, uint8_t *flags)
{
    const vg_analysis *a = m->a;
    const vg_options *o = m->c->opt;
    const vg_clause *c = &a->clauses.v[cl];
    int cend = c->last + 1;
    if (m->cmp.kind != U_NONE) { m->src = m->tgt = m->cmp; return; }
    if (!o->tabari_compat && !designated && reduced_relative(a, v)) {
        /* the phrase before the participle is its object; the agent follows BY */
        unit np = no_unit;
        int p = prev_live(a, v - 1, c->first);
        while (p >= c->first && (a->w.v[p].type == VG_W_TAIL ||
                                 (a->w.v[p].type == VG_W_AGENT && !vg_analysis_is_actor(a, (size_t)p))))
            p = a->w.v[p].type == VG_W_TAIL ? a->w.v[p].head : prev_live(a, p - 1, c->first);
        if (p >= c->first) np = search_unit(m, p, true);
        m->tgt = np;
        /* its BY comes before the clause's own verb: in "the civilians
         * imprisoned for ... were released by Putin" Putin released */
        m->src = passive_agent(m, vl, next_verb_or_be(a, vl + 1, cend), &np);
        *flags |= VG_EV_PASSIVE;
        return;
    }
    if (m->src.kind == U_NONE && cs->forced.kind != U_NONE) m->src = cs->forced;
    int said = -1;                      /* where a reported clause with the source starts */
    if (m->src.kind == U_NONE) {
        int lo = cl == 0 ? 0 : c->first, r = lo, kind;
        if (!o->tabari_compat) lo = subject_start(a, lo, v);
        m->src = no_unit;
        /* with Vigil's own dictionaries the subject is in the reported
         * clause ("the minister said Serbian gunmen attacked the police":
         * the gunmen attacked).  The speaker stays the source of a demand
         * ("Assad said Turkey must mediate": reported_code), when only a
         * pronoun stands between ("Serbia said it had no role"), and with
         * PETRARCH's and TABARI's dictionaries, whose suites take the
         * speaker as the source. */
        if (m->c->d->defaults) {
            report_of(m, lo, v, &r, &kind);
            if (kind == REPORT_DEMAND) r = lo;
        }
        if (r > lo) {
            /* a pronoun there is the speaker ("Iraq said it seized ..."),
             * and so is an unnamed agent of the speaker's kind ("Taliban
             * leaders said the fighters will lay down their arms") */
            m->src = first_unit(m, r, v, &m->tgt, false);
            unit speaker = first_unit(m, lo, r, &m->tgt, false);
            if (m->src.kind != U_NONE && (a->w.v[m->src.at].type == VG_W_PRONOUN ||
                                          unnamed_of(m, &m->src, &speaker)))
                m->src = no_unit;
            if (m->src.kind != U_NONE) said = r;
        }
        if (m->src.kind == U_NONE) m->src = first_unit(m, lo, v, &m->tgt, false);
        if (m->src.kind != U_NONE && locative(m, &m->src)) m->src = no_unit;
        if (m->src.kind == U_NONE && cl > 0 && cs->prev_event) m->src = cs->kept;
        if (m->src.kind == U_NONE && o->def_prior && o->def_source[0]) {
            m->src = code_unit(o->def_source);
            *flags |= VG_EV_DEFSRC;
        }
        /* TABARI takes a source after the verb; that reverses "Gunmen
         * opened fire on the police" when the gunmen are uncoded */
        if (m->src.kind == U_NONE && o->tabari_compat)
            m->src = first_unit(m, vl + 1, cend, &m->tgt, false);
        if (m->src.kind == U_NONE && cl > 0) m->src = cs->kept;
    }
    if (m->tgt.kind == U_NONE) {
        int tend = o->tabari_compat ? cend : attribution_at(a, vl + 1, cend);
        m->tgt = first_participant(m, vl + 1, tend, &m->src, true);
        if (m->tgt.kind == U_NONE && o->def_after && o->def_target[0]) {
            m->tgt = code_unit(o->def_target);
            *flags |= VG_EV_DEFTGT;
        }
        /* before the verb, not back to the speaker: "Vucic said Serbia
         * signed the document" is no event with Vucic */
        if (m->tgt.kind == U_NONE)
            m->tgt = last_unit(m, v, said > c->first ? said : c->first, &m->src);
        if (m->tgt.kind == U_NONE && m->src.kind == U_COMP &&
            (o->tabari_compat || mutual))
            m->tgt = m->src;
        /* "The US, Russia and Switzerland met": every pair, not the last member */
        if (!o->tabari_compat && m->src.kind == U_COMP && m->tgt.kind == U_ACTOR &&
            a->w.v[m->tgt.tok].comp == m->src.comp)
            m->tgt = mutual ? m->src : no_unit;
    }
    if (m->src.kind == U_NONE && o->def_source[0]) {
        m->src = code_unit(o->def_source);
        *flags |= VG_EV_DEFSRC;
    }
    if (m->tgt.kind == U_NONE && o->def_target[0]) {
        m->tgt = code_unit(o->def_target);
        *flags |= VG_EV_DEFTGT;
    }
    if (designated || (*flags & (VG_EV_DEFSRC | VG_EV_DEFTGT))) return;
    if (o->tabari_compat ? tabari_passive(a, v, vl) : passive(a, v)) {
        unit subject = m->src;
        m->src = o->tabari_compat ? m->tgt : passive_agent(m, vl, cend, &subject);
        m->tgt = subject;
        *flags |= VG_EV_PASSIVE;
    }
}

/* ---- events ---- */

typedef struct codes_of {
    const char *c[64];
    int tok[64];
    int n;
    char country[4];      /* a place's country code, which c[0] may point to */
} codes_of;

static void unit_codes(const mctx *m, const unit *u, codes_of *out)
{
    const vg_analysis *a = m->a;
    out->n = 0;
    if (u->kind == U_CODE) {
        out->c[0] = u->code;
        out->tok[0] = -1;
        out->n = 1;
        return;
    }
    int toks[64], nt = 0;
    if (u->kind == U_ACTOR) toks[nt++] = u->tok;
    else if (u->kind == U_COMP) {
        const vg_compound *c = &a->comps.v[u->comp];
        for (uint16_t k = 0; k < c->nmembers && nt < 64; k++)
            toks[nt++] = a->comp_members.v[c->members + k];
    }
    for (int k = 0; k < nt; k++)
        for (uint8_t j = 0; j < a->w.v[toks[k]].ncodes && out->n < 64; j++) {
            out->c[out->n] = vg_analysis_code(a, (size_t)toks[k], j);
            out->tok[out->n++] = toks[k];
        }
    /* a place (one code: locative() takes no other) stands for its country */
    if (u->place && out->n == 1 && vg_actor_country(out->c[0], out->country))
        out->c[0] = out->country;
}

/* Whether u is an unnamed agent of whom's kind: "---REB" ("the fighters")
 * for Taliban leaders, AFGREBGOV.  (Not an organ of a state for the state:
 * "the Britain-based Observatory reported that security forces shot ...".) */
static bool unnamed_of(const mctx *m, const unit *u, const unit *whom)
{
    if (whom->kind == U_NONE) return false;
    codes_of cu, cw;
    unit_codes(m, u, &cu);
    unit_codes(m, whom, &cw);
    if (cu.n != 1 || strncmp(cu.c[0], "---", 3) || !cu.c[0][3]) return false;
    for (int k = 0; k < cw.n; k++)
        if (strncmp(cw.c[k], "---", 3) && strstr(cw.c[k], cu.c[0] + 3)) return true;
    return false;
}

static int32_t agent_entry(const vg_analysis *a, int tok)
{
    if (tok < 0 || a->w.v[tok].agent < 0) return -1;
    return a->w.v[a->w.v[tok].agent].entry;
}

static int phrase_last(const vg_analysis *a, int tok)
{
    int32_t h = a->hit_of.v[tok];
    return h >= 0 ? a->hits.v[h].last : tok;
}

/* Byte span of tokens [first,last] in the coded text (0,0 if none). */
static void token_span(const vg_analysis *a, int first, int last, uint32_t *off, uint32_t *len)
{
    if (first < 0 || last < first) { *off = *len = 0; return; }
    const vg_token *f = &a->tk.t.v[first], *l = &a->tk.t.v[last];
    *off = f->off;
    *len = l->off + l->len - f->off;
}

static void push_event(mctx *m, vg_coded_events *ev, const char *s, int stok, const char *t,
                       int ttok, const char *code, const vg_coded_event *tmpl)
{
    if (!strcmp(s, t)) return;
    for (size_t i = 0; i < ev->n; i++)
        if (!strcmp(ev->v[i].source, s) && !strcmp(ev->v[i].target, t) &&
            !strcmp(ev->v[i].code, code))
            return;
    const vg_analysis *a = m->a;
    vg_coded_event e = *tmpl;
    copy_str(e.source, sizeof e.source, s);
    copy_str(e.target, sizeof e.target, t);
    copy_str(e.code, sizeof e.code, code);
    e.src_tok = (int16_t)stok;
    e.tgt_tok = (int16_t)ttok;
    e.src_entry = stok >= 0 ? a->w.v[stok].entry : -1;
    e.tgt_entry = ttok >= 0 ? a->w.v[ttok].entry : -1;
    e.src_agent = agent_entry(a, stok);
    e.tgt_agent = agent_entry(a, ttok);
    token_span(a, e.verb, e.verb_last, &e.verb_off, &e.verb_len);
    token_span(a, stok, stok >= 0 ? phrase_last(a, stok) : -1, &e.src_off, &e.src_len);
    token_span(a, ttok, ttok >= 0 ? phrase_last(a, ttok) : -1, &e.tgt_off, &e.tgt_len);
    vg_vec_push(ev, e);
}

/* The events of a verb's code, every source with every target; as, when
 * set, replaces the code (and its pair: a demand, an accusation or a
 * refusal is one-way). */
static void make_events(mctx *m, const vg_vcode *code, const char *as,
                        const vg_coded_event *tmpl, vg_coded_events *ev)
{
    codes_of S, T;
    unit_codes(m, &m->src, &S);
    unit_codes(m, &m->tgt, &T);
    for (int i = 0; i < S.n; i++)
        for (int j = 0; j < T.n; j++) {
            if (code->code)
                push_event(m, ev, S.c[i], S.tok[i], T.c[j], T.tok[j],
                           as ? as : vg_dict_str(m->c->d, code->code), tmpl);
            if ((code->flags & VG_VC_PAIRED) && !as && !(tmpl->flags & VG_EV_UNKTGT)) {
                vg_coded_event t2 = *tmpl;
                t2.flags |= VG_EV_PAIRED;
                push_event(m, ev, T.c[j], T.tok[j], S.c[i], S.tok[i],
                           vg_dict_str(m->c->d, code->pair), &t2);
            }
        }
}

/* ---- the sentence ---- */

static void set_result(vg_result *r, int status, const char *why)
{
    if (r->status != VG_AN_OK) return;
    r->status = status;
    snprintf(r->why, sizeof r->why, "%s", why);
}

/* Is the target of a seizure people, who are detained (173), rather than
 * territory, which is occupied (192)?  It must be what was seized: the
 * object right after the verb (determiners, numbers and modifiers
 * between: "captured six suspected Serbian police"), or a passive's
 * subject right before it ("the man was captured"); and a phrase with an
 * agent ("Israeli soldiers", "a top lieutenant", "the men") or a personal
 * pronoun ("he was captured") not followed by a place noun ("the rebel
 * stronghold", "regime positions").  "Captured a major city from the
 * rebels" and "a small area of rebel land was captured" stay 192. */
static bool people_taken(const mctx *m, const unit *u, int v, int vl, bool passive_verb)
{
    static const char *const persons[] = { "HE", "SHE", "HIM", "HER", NULL };
    static const char *const places[] = {
        "BASE", "BASES", "POSITION", "POSITIONS", "HEADQUARTERS", "STRONGHOLD", "STRONGHOLDS",
        "TOWN", "TOWNS", "CITY", "CITIES", "VILLAGE", "VILLAGES", "AREA", "AREAS", "TERRITORY",
        "TERRITORIES", "OUTPOST", "OUTPOSTS", "CAMP", "CAMPS", "CHECKPOINT", "CHECKPOINTS",
        "POST", "POSTS", "HILL", "HILLS", "AIRPORT", "AIRBASE", "BORDER", "REGION", "DISTRICT",
        "ZONE", "HIDEOUT", "HIDEOUTS", "LINES", "ENCLAVE", "ENCLAVES", "PORT", "BRIDGE", "COMPOUND",
        "NEIGHBORHOOD", "NEIGHBOURHOOD", "NEIGHBORHOODS", "NEIGHBOURHOODS",
        "PROVINCE", "HEIGHTS", "BUNKER", "BUNKERS", "DEFENSES", "DEFENCES", "PALACE",
        "BUILDING", "CAPITAL", "LAND", "VESSEL", "VESSELS", "SHIP", "SHIPS", "TANKER", "BOAT",
        "BOATS", "WEAPONS", "EQUIPMENT", "STATION", "DEPOT", "DEPOTS", NULL
    };
    const vg_analysis *a = m->a;
    if (u->kind != U_ACTOR) return false;
    int first, last;
    unit_span(m, u, &first, &last);
    bool pronoun = a->w.v[u->at].type == VG_W_PRONOUN;
    if (pronoun ? !vg_analysis_word_in(a, (size_t)u->at, persons)
                : a->w.v[u->tok].type != VG_W_AGENT && a->w.v[u->tok].agent < 0)
        return false;
    /* "the rebel stronghold", "regime positions", "the police's posts"; an
     * agent that is a place itself ("the village", in dictionaries that
     * code villagers by it) */
    if (!pronoun && vg_analysis_word_in(a, (size_t)last, places)) return false;
    int k = next_live(a, last + 1, (int)a->tk.t.n);
    int ag = a->w.v[u->tok].agent;
    if (ag >= k) {                         /* "Chinese fishing vessels": FISHING_VESSEL_ */
        int ae = actor_end(a, ag);
        if (vg_analysis_word_in(a, (size_t)(ae - 1), places)) return false;
        k = next_live(a, ae, (int)a->tk.t.n);
    }
    if (k < (int)a->tk.t.n && vg_analysis_word_in(a, (size_t)k, places)) return false;
    int lo = passive_verb ? last + 1 : vl + 1, hi = passive_verb ? v : first;
    if (lo > hi) return false;
    for (k = lo; k < hi; k++) {
        if (!live(a, k)) continue;
        const vg_aword *w = &a->w.v[k];
        uint8_t t = w->type;
        bool ok = passive_verb ? t == VG_W_AUXIL || t == VG_W_TIME ||
                                     (t == VG_W_NULL && w->pos == VG_POS_RB)
                               : t == VG_W_DETERM || t == VG_W_NUMBER || t == VG_W_ADJ ||
                                     (t == VG_W_NULL && (w->pos == VG_POS_JJ ||
                                                         w->pos == VG_POS_VBN ||
                                                         w->pos == VG_POS_DT ||
                                                         w->pos == VG_POS_CD));
        if (!ok) return false;
    }
    return true;
}

static int verb_last(const vg_analysis *a, int v)
{
    return a->hits.v[a->hit_of.v[v]].last;
}

/* Applies the first non-null time-shift phrase. */
static void time_shift(mctx *m, vg_result *r)
{
    const vg_analysis *a = m->a;
    if (!a->time_active) return;
    for (int i = 0; i < (int)a->tk.t.n; i++) {
        if (a->w.v[i].type != VG_W_TIME || !live(a, i)) continue;
        int pat;
        const vg_vcode *vc = verb_code(m, i, &pat);
        if (vc->special == VG_CODE_DISCARD) { set_result(r, VG_AN_DISCARD, "discard time phrase"); return; }
        if (vc->special == VG_CODE_COMPLEX) { set_result(r, VG_AN_COMPLEX, "complex time phrase"); return; }
        if (vc->special || !vc->code) continue;
        int days = atoi(vg_dict_str(m->c->d, vc->code));
        if (days < -8192 || days > 8192) days = 0;
        r->date = vg_date_add_days(r->date, days);
        r->shifted = days != 0;
        return;
    }
}

static void complexity(const mctx *m, vg_result *r)
{
    const vg_analysis *a = m->a;
    const vg_options *o = m->c->opt;
    int verbs = 0, conj = 0, actors = 0, prons = 0, first_verb = -1;
    for (int i = 0; i < (int)a->tk.t.n; i++) {
        const vg_aword *w = &a->w.v[i];
        if (w->type == VG_W_CONJ && !w->conj_free) conj++;   /* even in dropped clauses */
        if (w->deleted) continue;
        if (w->type == VG_W_VERB) { verbs++; if (first_verb < 0) first_verb = i; }
        if (w->type == VG_W_ACTOR) actors++;
        if (w->type == VG_W_PRONOUN) prons++;
    }
    char why[96];
    if (o->cx_verbs && verbs >= o->cx_verbs) {
        snprintf(why, sizeof why, "too many verbs (%d)", verbs);
        set_result(r, VG_AN_COMPLEX, why);
    }
    if (o->cx_conj && conj >= o->cx_conj) {
        snprintf(why, sizeof why, "too many conjunctions (%d)", conj);
        set_result(r, VG_AN_COMPLEX, why);
    }
    if (o->cx_actors && actors >= o->cx_actors) set_result(r, VG_AN_COMPLEX, "too many actors");
    if (o->cx_pronouns && prons >= o->cx_pronouns) set_result(r, VG_AN_COMPLEX, "too many pronouns");
    if (o->cx_noverb && verbs == 0) set_result(r, VG_AN_COMPLEX, "no verb");
    if (o->cx_lateverb && (first_verb < 0 || first_verb >= o->cx_lateverb))
        set_result(r, VG_AN_COMPLEX, "late verb");
}

static bool actor_before(const mctx *m, int v)
{
    for (int i = 0; i < v; i++)
        if (unit_at(m, i, false).kind != U_NONE) return true;
    return false;
}

typedef struct sent_state {
    clause_state cs;
    bool coded_one;       /* NOACTPRIOR is judged at the first coded verb */
} sent_state;

/* Does a verb's code yield events (not null, a code or a pair)?  Only then
 * are its actors sought. */
static bool makes_events(const vg_vcode *vc)
{
    return vc->special != VG_CODE_NULL && (vc->code || (vc->flags & VG_VC_PAIRED));
}

/* "Serbia told Kosovo to withdraw its troops", "is pressuring Kosovo to
 * ...", "wants Kosovo to ...": the actor between a verb of telling,
 * pressing or wanting and the infinitive v is who is asked to act; its
 * unit, or no_unit.  The verb of telling is matched by its forms, as
 * these verbs code nothing themselves. */
static unit told_to(const mctx *m, int v)
{
    static const char *const to[] = { "TO", NULL };
    static const char *const tell[] = {
        "TELL", "TELLS", "TOLD", "TELLING", "WANT", "WANTS", "WANTED", "WANTING",
        "PUSH", "PUSHES", "PUSHED", "PUSHING", "PRESSURE", "PRESSURES", "PRESSURED",
        "PRESSURING", "PRESSURIZE", "PRESSURIZES", "PRESSURIZED", "PRESSURIZING",
        "PRESSURISE", "PRESSURISES", "PRESSURISED", "PRESSURISING", NULL
    };
    const vg_analysis *a = m->a;
    int t = prev_live(a, v - 1, 0);
    if (t < 1 || !vg_analysis_word_in(a, (size_t)t, to)) return no_unit;
    int q = prev_live(a, t - 1, 0);
    if (q < 0) return no_unit;
    int h = a->w.v[q].type == VG_W_TAIL ? a->w.v[q].head : q;
    unit u = unit_at(m, h, true);
    if (u.kind == U_NONE || a->w.v[u.at].type == VG_W_PRONOUN) return no_unit;
    int first, last;
    unit_span(m, &u, &first, &last);
    int w = prev_live(a, first - 1, 0);
    if (last != q || w < 0 || !vg_analysis_word_in(a, (size_t)w, tell)) return no_unit;
    return u;
}

/* With Vigil's own dictionaries, what a reported clause makes of verb v's
 * code; NULL when it stays.
 * - "Assad said Turkey must mediate": a reported demand is the speaker's
 *   demand of the clause's subject, CAMEO 10: the mirror of a cooperative
 *   code (105), else 100; the subject becomes the target.
 * - "The US claimed that the militants attacked Iraq": an alleged conflict
 *   (roots 11 to 20) is the speaker's accusation (112) of the clause's
 *   subject, which was the source and becomes the target.  Not when the
 *   subject is a pronoun ("Serbia claimed it was attacked") or unnamed. */
static const char *reported_code(mctx *m, int cl, int v, const vg_vcode *vc)
{
    const vg_analysis *a = m->a;
    if (!m->c->d->defaults || !vc->code) return NULL;
    const char *code = vg_dict_str(m->c->d, vc->code);
    int kind;
    int lo = subject_start(a, cl == 0 ? 0 : a->clauses.v[cl].first, v), r;
    report_of(m, lo, v, &r, &kind);
    if (kind == REPORT_DEMAND) {
        /* conflict has no mirror: "said Serbia must attack" is a demand
         * all the same (100), not an attack by the speaker */
        const char *dc = vg_cameo_demand(code);
        if (!dc && vg_cameo_root_number(code) > 0) dc = "100";
        unit whom = first_unit(m, r, v, &m->src, false);
        if (!dc || whom.kind == U_NONE || a->w.v[whom.at].type == VG_W_PRONOUN) return NULL;
        m->tgt = whom;
        return dc;
    }
    int root = vg_cameo_root_number(code);
    unit told = told_to(m, v);
    if (told.kind != U_NONE) {
        /* as a reported demand: "told Kosovo to withdraw its troops" is
         * Serbia's demand of Kosovo (106), not Serbia's withdrawal */
        const char *dc = vg_cameo_demand(code);
        if (!dc && root > 0) dc = "100";
        if (!dc || !distinct(m, &told, &m->src)) return NULL;
        m->tgt = told;
        return dc;
    }
    if (kind != REPORT_ALLEGATION || root < 11 || root > 20) return NULL;
    /* a claim to have used force oneself claims responsibility for it (015):
     * "the Houthis claimed that they had attacked the Saudi airport" */
    if (root >= 17 && (m->src.kind == U_ACTOR || m->src.kind == U_COMP) && m->src.at < r &&
        m->tgt.kind != U_NONE && !passive(a, v)) {
        static const char *const that[] = { "THAT", NULL };
        static const char *const we[] = { "THEY", "IT", "WE", "HE", "SHE", NULL };
        int p = r;
        while (p < v && (!live(a, p) || vg_analysis_word_in(a, (size_t)p, that))) p++;
        if (p < v && vg_analysis_word_in(a, (size_t)p, we)) return "015";
    }
    if ((m->src.kind != U_ACTOR && m->src.kind != U_COMP) || m->src.at < r ||
        a->w.v[m->src.at].type == VG_W_PRONOUN)
        return NULL;
    unit speaker = first_unit(m, lo, r - 1, &m->src, false);
    if (speaker.kind == U_NONE || a->w.v[speaker.at].type == VG_W_PRONOUN) return NULL;
    /* a claim about one's own side is no accusation ("Ankara claimed the
     * Turkish air force killed 200 fighters") */
    char c1[4], c2[4];
    codes_of cs, ct;
    unit_codes(m, &speaker, &cs);
    unit_codes(m, &m->src, &ct);
    if (cs.n && ct.n && vg_actor_country(cs.c[0], c1) && vg_actor_country(ct.c[0], c2) &&
        !strcmp(c1, c2))
        return NULL;
    m->tgt = m->src;
    m->src = speaker;
    return "112";
}

/* Codes verb v; appends its events to ev.  Returns false to stop the sentence. */
static bool code_verb(mctx *m, sent_state *st, int cl, int v, vg_result *r, vg_coded_events *ev,
                      const vg_vcode **vcout)
{
    const vg_analysis *a = m->a;
    int pat;
    const vg_vcode *vc = verb_code(m, v, &pat);
    *vcout = vc;
    if (!makes_events(vc)) return true;
    if (vc->special == VG_CODE_DISCARD) { set_result(r, VG_AN_DISCARD, "discard pattern"); return false; }
    if (vc->special == VG_CODE_COMPLEX) { set_result(r, VG_AN_COMPLEX, "complex pattern"); return false; }
    if (!st->coded_one) {
        st->coded_one = true;
        if (m->c->opt->cx_noactprior && !actor_before(m, v)) {
            set_result(r, VG_AN_COMPLEX, "no actor before the verb");
            return false;
        }
    }
    int vl = verb_last(a, v);
    bool designated = m->src.kind != U_NONE || m->tgt.kind != U_NONE || m->cmp.kind != U_NONE;
    vg_coded_event t = {0};
    t.confidence = -1;
    t.date = r->date;
    t.verb = (int16_t)v;
    t.verb_last = (int16_t)vl;
    t.verb_entry = a->w.v[v].entry;
    t.pattern = pat;
    t.clause = (int16_t)cl;
    if ((vc->flags & VG_VC_SUBORD) || (!m->c->opt->tabari_compat && describes_phrase(a, v)))
        t.flags |= VG_EV_SUBORD;
    if (vc->flags & VG_VC_DOMINANT) t.flags |= VG_EV_DOMINANT;
    /* a pattern's target before the verb is its victim ("their vehicle hit a
     * landmine": + * {A LANDMINE}) */
    bool victim_first = designated && m->tgt.kind != U_NONE && m->tgt.kind != U_CODE &&
                        (m->tgt.kind == U_COMP ? m->tgt.tok : m->tgt.at) < v;
    find_actors(m, &st->cs, cl, v, vl, designated, mutual_code(m->c->d, vc), &t.flags);
    if (!m->c->opt->tabari_compat && m->src.kind == U_NONE && m->tgt.kind != U_NONE &&
        ((t.flags & VG_EV_PASSIVE) || victim_first) && violent_code(m->c->d, vc)) {
        /* "two Kosovo police officers were killed": the victims are known,
         * the killer is not ("---", as the model adds such events); not the
         * speaker of "officials said ... were killed" */
        if (m->tgt.kind != U_CODE) {
            int at = m->tgt.kind == U_COMP ? m->tgt.tok : m->tgt.at;
            int lo = after_report(a, at, v);
            if (lo > at) m->tgt = first_unit(m, lo, v, NULL, false);
        }
        if (m->tgt.kind != U_NONE) {
            m->src = code_unit("---");
            t.flags |= VG_EV_UNKSRC;
        }
    }
    /* a reported demand or allegation names its target itself ("Albania said
     * Serbia must withdraw": Serbia), and comes before what the words before
     * the verb made of it ("said the UK must be willing to shoot down") */
    const char *as = m->src.kind != U_NONE ? reported_code(m, cl, v, vc) : NULL;
    if (!as) as = m->as;
    if (m->src.kind == U_NONE) return true;
    if (m->tgt.kind == U_NONE) {
        if (!one_sided(m, vc, as, v, t.flags & VG_EV_PASSIVE)) return true;
        m->tgt = code_unit("---");
        t.flags |= VG_EV_UNKTGT;
    }
    /* people seized are detained, not territory occupied */
    if (!as && !m->c->opt->tabari_compat && vc->code &&
        !strcmp(vg_dict_str(m->c->d, vc->code), "192") &&
        people_taken(m, &m->tgt, v, vl, t.flags & VG_EV_PASSIVE))
        as = "173";
    make_events(m, vc, as, &t, ev);
    return true;
}

/* "Jordan agreed to remove the curfew": an intent verb that found no
 * topic among its patterns (its own code, root 03) takes the infinitive
 * after it as its topic, when that verb's pattern codes a cooperative act:
 * the intent of that act (0351), with that verb's actors.  ev holds verb
 * v's events; returns false to stop the sentence, as code_verb does. */
static bool intent_of_infinitive(mctx *m, sent_state *st, int cl, int v, vg_result *r,
                                 vg_coded_events *ev)
{
    static const char *const to[] = { "TO", NULL };
    const vg_analysis *a = m->a;
    if (!ev->n || ev->v[0].pattern >= 0 || strncmp(ev->v[0].code, "03", 2)) return true;
    int last = a->clauses.v[cl].last;
    int t = next_live(a, verb_last(a, v) + 1, last);
    if (t > last || !vg_analysis_word_in(a, (size_t)t, to)) return true;
    int v2 = next_live(a, t + 1, last);
    if (v2 > last || !live(a, v2) || a->w.v[v2].type != VG_W_VERB) return true;
    slots saved = save(m);
    vg_coded_events ev2 = {0};
    const vg_vcode *vc;
    bool go = code_verb(m, st, cl, v2, r, &ev2, &vc);
    const char *intent = go && ev2.n && ev2.v[0].pattern >= 0 && !(ev2.v[0].flags & VG_EV_UNKSRC)
                             ? vg_cameo_intent(ev2.v[0].code) : NULL;
    if (intent) {
        ev->n = 0;
        for (size_t i = 0; i < ev2.n; i++) {
            if (ev2.v[i].flags & VG_EV_PAIRED) continue;
            vg_coded_event e = ev2.v[i];
            copy_str(e.code, sizeof e.code, intent);
            vg_vec_push(ev, e);
        }
    } else {
        restore(m, saved);
    }
    vg_vec_free(&ev2);
    return go;
}

static void append(vg_coded_events *dst, const vg_coded_events *src, size_t from)
{
    for (size_t i = from; i < src->n; i++) vg_vec_push(dst, src->v[i]);
}

static void code_clauses(mctx *m, vg_result *r)
{
    const vg_analysis *a = m->a;
    const vg_options *o = m->c->opt;
    sent_state st = { { no_unit, false, no_unit }, false };
    vg_coded_events tmp = {0};
    for (int cl = 0; cl < (int)a->clauses.n; cl++) {
        const vg_clause *c = &a->clauses.v[cl];
        size_t clause_start = r->events.n;
        bool got = false;
        vg_coded_events sub = {0}, one = {0};
        unit first_src = no_unit, sub_src = no_unit, lone_src = no_unit, one_src = no_unit;
        int nverbs = 0;
        bool opened_uncoded = false;
        for (int v = c->first; v <= c->last; v++) {
            if (a->w.v[v].type != VG_W_VERB || !live(a, v)) continue;
            tmp.n = 0;
            const vg_vcode *vc;
            if (!code_verb(m, &st, cl, v, r, &tmp, &vc)) { vg_vec_free(&sub); vg_vec_free(&tmp); return; }
            if (!o->tabari_compat && !intent_of_infinitive(m, &st, cl, v, r, &tmp)) {
                vg_vec_free(&sub);
                vg_vec_free(&tmp);
                return;
            }
            if (nverbs++ == 0) opened_uncoded = vc->special == VG_CODE_NULL;
            if (!tmp.n) {
                /* a coded verb whose source acted on no one found here */
                if (lone_src.kind == U_NONE && m->src.kind != U_NONE && makes_events(vc))
                    lone_src = m->src;
                continue;
            }
            /* an event with its source alone is the clause's only when no
             * verb of it finds a target */
            if (tmp.v[0].flags & VG_EV_UNKTGT) {
                if (!one.n) { append(&one, &tmp, 0); one_src = m->src; }
                if (lone_src.kind == U_NONE) lone_src = m->src;
                continue;
            }
            if ((tmp.v[0].flags & VG_EV_SUBORD) && o->code_by != VG_CODEBY_ALL) {
                if (!sub.n) { append(&sub, &tmp, 0); sub_src = m->src; }
                continue;
            }
            /* after "X was shot" the subject X goes on: "and killed by Y" */
            if (!got) first_src = tmp.v[0].flags & VG_EV_UNKSRC ? m->tgt : m->src;
            got = true;
            append(&r->events, &tmp, 0);
            if (o->code_by != VG_CODEBY_ALL) break;   /* the first event of the clause */
        }
        if (!got && sub.n) {
            append(&r->events, &sub, 0);
            got = true;
            first_src = sub_src;
        }
        if (!got && one.n) {
            append(&r->events, &one, 0);
            got = true;
            first_src = one_src;
        }
        vg_vec_free(&sub);
        vg_vec_free(&one);
        st.cs.forced = !got && opened_uncoded ? first_unit(m, c->first, c->last + 1, NULL, false)
                                               : no_unit;
        st.cs.prev_event = got;
        if (got && first_src.kind != U_NONE) st.cs.kept = first_src;
        else if (got && r->events.n > clause_start) st.cs.kept = no_unit;
        /* "Taliban militants set off a bomb and killed 17 people": the
         * subject of a clause without an event is the next one's too */
        else if (!got && lone_src.kind != U_NONE && !o->tabari_compat) st.cs.kept = lone_src;
        if (o->code_by == VG_CODEBY_SENTENCE && r->events.n) break;
    }
    vg_vec_free(&tmp);
}

/* Does another event name the side e leaves unknown, for the same other
 * side and an act of the same root?  "was shot and killed by Haitian
 * gunmen": the shooting, with no source, and the killing are one attack;
 * "Serbian gunmen attacked on Sunday and fired on Kosovo police": the
 * attack, with no target, is the firing. */
static bool unknown_named_elsewhere(const vg_coded_events *ev, const vg_coded_event *e)
{
    unsigned unk = e->flags & VG_EV_UNKSRC ? VG_EV_UNKSRC : e->flags & VG_EV_UNKTGT;
    if (!unk) return false;
    for (size_t i = 0; i < ev->n; i++) {
        const vg_coded_event *o = &ev->v[i];
        bool same = unk == VG_EV_UNKSRC ? !strcmp(o->target, e->target)
                                        : !strcmp(o->source, e->source);
        if (o != e && !(o->flags & unk) && same && !strncmp(o->code, e->code, 2)) return true;
    }
    return false;
}

/* A single non-subordinate event removes the subordinate ones; dominant
 * events remove all others; an event with no source goes when another
 * names it; with dedup, an event that repeats another is kept once. */
static void filter_events(vg_coded_events *ev, bool dedup)
{
    bool real = false, dom = false;
    for (size_t i = 0; i < ev->n; i++) {
        if (!(ev->v[i].flags & VG_EV_SUBORD)) real = true;
        if (ev->v[i].flags & VG_EV_DOMINANT) dom = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const vg_coded_event *e = &ev->v[i];
        if (real && (e->flags & VG_EV_SUBORD)) continue;
        if (dom && !(e->flags & VG_EV_DOMINANT)) continue;
        ev->v[k++] = *e;
    }
    ev->n = k;
    /* events with a source are all kept, so each test below sees them */
    k = 0;
    for (size_t i = 0; i < ev->n; i++)
        if (!unknown_named_elsewhere(ev, &ev->v[i])) ev->v[k++] = ev->v[i];
    ev->n = k;
    if (!dedup) return;
    /* one event, told by two verbs ("were shot and killed", "were killed
     * and 24 wounded"), is one event: the first verb's is kept (TABARI
     * compatibility keeps both, as TABARI does) */
    k = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const vg_coded_event *e = &ev->v[i];
        bool dup = false;
        for (size_t j = 0; j < k && !dup; j++)
            dup = !strcmp(ev->v[j].source, e->source) && !strcmp(ev->v[j].target, e->target) &&
                  !strcmp(ev->v[j].code, e->code);
        if (!dup) ev->v[k++] = *e;
    }
    ev->n = k;
}

/* What a pronoun opening the next sentence refers to.  TABARI: the first
 * actor.  Otherwise the subject: the source of the first event, or else an
 * actor standing before the first verb ("They" after "Gunmen opened fire
 * on the police" is not the police). */
static void remember_antecedent(vg_matcher *c, const vg_result *r)
{
    const vg_analysis *a = &c->an;
    c->fwd_code[0] = '\0';
    bool compat = c->opt->tabari_compat;
    if (!compat && r->events.n && !(r->events.v[0].flags & VG_EV_DEFSRC)) {
        copy_str(c->fwd_code, sizeof c->fwd_code, r->events.v[0].source);
        return;
    }
    for (size_t i = 0; i < a->tk.t.n; i++) {
        if (!compat && a->w.v[i].type == VG_W_VERB) return;
        if (a->w.v[i].type == VG_W_ACTOR) {
            copy_str(c->fwd_code, sizeof c->fwd_code, a->codes.v[a->w.v[i].base].code);
            return;
        }
    }
}

void vg_matcher_code(vg_matcher *c, const char *text, size_t len, int32_t date,
                      vg_result *out)
{
    out->events.n = 0;
    out->match_steps = 0;
    out->budget_pattern = -1;
    vg_buf_clear(&out->expl);
    out->status = VG_AN_OK;
    out->why[0] = '\0';
    out->date = date;
    out->shifted = false;
    vg_analysis *a = &c->an;
    a->fwd = c->fwd_code[0] != '\0';
    vg_analysis_run(a, text, len, date);
    out->truncated = a->truncated;
    copy_issues(out, a);
    mctx m = new_ctx(c, a);
    if (a->status != VG_AN_OK) {
        set_result(out, a->status, a->why);
    } else {
        time_shift(&m, out);
        complexity(&m, out);
        if (out->status == VG_AN_OK) code_clauses(&m, out);
        if (out->status == VG_AN_OK) filter_events(&out->events, !c->opt->tabari_compat);
        else out->events.n = 0;
    }
    out->match_steps = m.steps;
    out->budget_pattern = m.budget_pattern;
    if (a->status != VG_AN_SHORT) remember_antecedent(c, out);
}
