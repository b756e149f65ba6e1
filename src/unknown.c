/* unknown.c -- see unknown.h. */
#include "unknown.h"
#include "tagger.h"

#include <string.h>

#define EXAMPLE_MAX 160

typedef struct cand {
    char *name, *example;
    size_t count, subject, object;
    size_t last;              /* sentence number it was last counted in */
} cand;

struct vg_unknown {
    const vg_dict *d;
    vg_options opt;
    vg_analysis an;
    const vg_tagger *tagger;
    vg_tagger_cache *tcache;  /* the tagger's memo (made on first use) */
    VG_VEC(unsigned char) tags;
    VG_VEC(cand) c;
    vg_strmap index;          /* folded name -> index in c */
    VG_VEC(vg_unknown_name) list;
    size_t sentences;
    vg_buf key, shown;
};

vg_unknown *vg_unknown_new(const vg_dict *d)
{
    vg_unknown *u = vg_calloc(1, sizeof *u);
    u->d = d;
    u->opt = d->opt;
    u->opt.min_words = 0;          /* short sentences have names too */
    vg_analysis_init(&u->an, d, &u->opt);
    u->tagger = vg_tagger_default();
    return u;
}

void vg_unknown_free(vg_unknown *u)
{
    if (!u) return;
    for (size_t i = 0; i < u->c.n; i++) {
        free(u->c.v[i].name);
        free(u->c.v[i].example);
    }
    vg_vec_free(&u->c);
    vg_vec_free(&u->tags);
    vg_tagger_cache_free(u->tcache);
    vg_vec_free(&u->list);
    vg_strmap_free(&u->index);
    vg_analysis_free(&u->an);
    vg_buf_free(&u->key);
    vg_buf_free(&u->shown);
    free(u);
}

size_t vg_unknown_sentences(const vg_unknown *u) { return u->sentences; }

void vg_unknown_sentence(vg_unknown *u, const char *text, size_t len, int32_t date)
{
    vg_analysis_run(&u->an, text, len, date);
    vg_unknown_add(u, &u->an);
}

/* ---- words ---- */

static bool in_list(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(w, list[i])) return true;
    return false;
}

/* Capitalised words that are not names (folded). */
static const char *const common[] = {
    "THE", "A", "AN", "THIS", "THAT", "THESE", "THOSE", "HE", "SHE", "IT", "WE", "THEY", "I",
    "YOU", "HIS", "HER", "ITS", "OUR", "THEIR", "MY", "YOUR", "AND", "BUT", "OR", "NOR", "SO",
    "YET", "IF", "WHEN", "WHILE", "AFTER", "BEFORE", "SINCE", "AS", "AT", "IN", "ON", "OF",
    "FOR", "FROM", "TO", "BY", "WITH", "WITHOUT", "ABOUT", "AGAINST", "INTO", "OVER",
    "UNDER", "AMONG", "BETWEEN", "DURING", "THROUGH", "UNTIL", "UPON", "NEAR", "ALSO",
    "HOWEVER", "MEANWHILE", "THERE", "HERE", "WHAT", "WHO", "WHOM", "WHOSE", "WHICH",
    "WHERE", "WHY", "HOW", "ALL", "SOME", "MANY", "MOST", "MORE", "BOTH", "EACH", "EVERY",
    "NO", "NOT", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE",
    "TEN", "FIRST", "SECOND", "THIRD", "LAST", "NEXT", "EARLIER", "LATER", "TODAY",
    "TOMORROW", "YESTERDAY", "TONIGHT", "MR", "MRS", "MS", "DR", "SIR", "MADAM", "MISS",
    "PROF", "GEN", "LT", "COL", "CAPT", "SGT", "SEN", "REP", "GOV", "ST", "JR", "SR",
    "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY",
    "AM", "PM", "GMT", "UTC", "EST", "EDT", "CET", "OK", "YES", "PLEASE", "THANK",
    "ACCORDING", "ADDITIONALLY", "FURTHERMORE", "MOREOVER", "THEREFORE", "THUS",
    "NEVERTHELESS", "OTHERWISE", "INSTEAD", "AGAIN", "STILL", "EVEN", "ONLY", "JUST",
    "AMID", "DESPITE", "FOLLOWING", "ACROSS", "AROUND", "OUTSIDE", "INSIDE", "WITHIN",
    "UNLIKE", "LIKE", "ONCE", "THEN", "NOW", "THOUGH", "ALTHOUGH", "BECAUSE", "UNLESS",
    "WHETHER", "THAN", "OTHER", "OTHERS", "ANOTHER", "SUCH", "SEVERAL", "FEW", "ANY",
    NULL
};

static const char *const months[] = {
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
    "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER", "JAN", "FEB", "MAR", "APR", "JUN",
    "JUL", "AUG", "SEP", "SEPT", "OCT", "NOV", "DEC", NULL
};

/* Lower-case particles inside names; the first three may also start one. */
static const char *const particles[] = {
    "AL", "EL", "BIN", "OF", "IBN", "BINT", "DE", "DA", "DEL", "DI", "DOS", "DAS", "DU",
    "VAN", "VON", "DER", "DEN", "LA", "LE", "Y", NULL
};

static const char *const preps[] = {
    "TO", "WITH", "ON", "IN", "AT", "FROM", "AGAINST", "FOR", "BY", "INTO", "TOWARD",
    "TOWARDS", "OVER", "ABOUT", "OF", "UPON", "ONTO", NULL
};

typedef struct sent {
    vg_unknown *u;
    const vg_analysis *a;
    size_t n;
    const unsigned char *tags;     /* NULL without a tagger */
} sent;

static const char *norm(const sent *s, size_t i) { return vg_tok_norm(&s->a->tk, i); }
static const vg_token *tok(const sent *s, size_t i) { return &s->a->tk.t.v[i]; }

/* The word without a possessive ending, in buf. */
static const char *bare(const sent *s, size_t i, char *buf, size_t cap)
{
    size_t n = tok(s, i)->nlen;
    const char *w = norm(s, i);
    if (n >= 2 && w[n - 2] == '\'' && w[n - 1] == 'S') n -= 2;
    else if (n >= 1 && w[n - 1] == '\'') n -= 1;
    if (n >= cap) n = cap - 1;
    memcpy(buf, w, n);
    buf[n] = '\0';
    return buf;
}

static bool possessive(const sent *s, size_t i)
{
    char b[VG_MAX_WORD + 1];
    return strlen(bare(s, i, b, sizeof b)) != tok(s, i)->nlen;
}

/* The dictionary phrase covering token i: its kind, or -1. */
static int dict_kind(const sent *s, size_t i)
{
    const vg_aword *w = &s->a->w.v[i];
    int h = w->type == VG_W_TAIL || w->head >= 0 ? w->head : (int)i;
    if (h < 0) h = (int)i;
    int32_t e = s->a->w.v[h].entry;
    return e >= 0 ? s->a->d->entries.v[e].kind : -1;
}

static bool is_actor(const sent *s, size_t i) { return dict_kind(s, i) == VG_PK_ACTOR; }
static bool is_agent(const sent *s, size_t i) { return dict_kind(s, i) == VG_PK_AGENT; }

static bool capitalised(const sent *s, size_t i)
{
    const vg_token *t = tok(s, i);
    if (t->kind != VG_TK_WORD || !(t->flags & VG_TF_CAP)) return false;
    char b[VG_MAX_WORD + 1];
    const char *w = bare(s, i, b, sizeof b);
    return w[0] && !in_list(w, common);
}

static bool is_month(const sent *s, size_t i)
{
    char b[VG_MAX_WORD + 1];
    return in_list(bare(s, i, b, sizeof b), months);
}

static bool particle(const sent *s, size_t i)
{
    const vg_token *t = tok(s, i);
    return t->kind == VG_TK_WORD && (t->flags & VG_TF_LOWER) && in_list(norm(s, i), particles);
}

/* Only blanks, hyphens, apostrophes or an initial's period between tokens
 * i and j ("Al-'Amaq", "Al-\u2018Amaq"). */
static bool joined(const sent *s, size_t i, size_t j)
{
    const vg_token *a = tok(s, i), *b = tok(s, j);
    const char *t = s->a->text;
    for (uint32_t k = a->off + a->len; k < b->off; k++) {
        char c = t[k];
        if (vg_isspace((unsigned char)c) || c == '-' || c == '.' || c == '\'') continue;
        if (k + 2 < b->off + 1 && !memcmp(t + k, "\xE2\x80", 2) &&
            (t[k + 2] == '\x98' || t[k + 2] == '\x99')) {
            k += 2;
            continue;
        }
        return false;
    }
    return true;
}

/* "4th", "105th": an ordinal that belongs to a unit's name. */
static bool ordinal(const sent *s, size_t i)
{
    const vg_token *t = tok(s, i);
    const char *w = norm(s, i);
    if (t->kind != VG_TK_NUM || t->nlen < 3) return false;
    const char *e = w + t->nlen - 2;
    return !strcmp(e, "ST") || !strcmp(e, "ND") || !strcmp(e, "RD") || !strcmp(e, "TH");
}

/* Capitalised by position: the sentence's first word, or the first after
 * a quote or a colon. */
static bool first_word(const sent *s, size_t i)
{
    if (i == 0 || tok(s, i - 1)->kind == VG_TK_QUOTE) return true;
    const char *t = s->a->text;
    for (uint32_t k = tok(s, i)->off; k > tok(s, i - 1)->off + tok(s, i - 1)->len; k--)
        if (t[k - 1] == ':') return true;
    return false;
}

static bool is_verb(const sent *s, size_t i)
{
    uint8_t t = s->a->w.v[i].type;
    if (t == VG_W_VERB || t == VG_W_ATTRIB || t == VG_W_AUXIL) return true;
    if (!s->tags || (tok(s, i)->flags & VG_TF_CAP)) return false;
    return vg_pos_is_verb(s->tags[i]) || s->tags[i] == VG_POS_MD;
}

static bool is_prep(const sent *s, size_t i)
{
    if (tok(s, i)->kind != VG_TK_WORD) return false;
    if (s->tags) return s->tags[i] == VG_POS_IN || s->tags[i] == VG_POS_TO;
    return in_list(norm(s, i), preps);
}

/* Determiners and adjectives between a verb and its object. */
static bool modifier(const sent *s, size_t i)
{
    uint8_t t = s->a->w.v[i].type;
    if (t == VG_W_DETERM || t == VG_W_ADJ) return true;
    if (!s->tags) return false;
    unsigned char p = s->tags[i];
    return p == VG_POS_DT || p == VG_POS_JJ || p == VG_POS_PRPS || p == VG_POS_CD;
}

/* ---- runs and positions ---- */

/* Extends a name run from token i; returns its last token. */
static size_t run_end(const sent *s, size_t i)
{
    size_t end = i;
    while (!possessive(s, end)) {
        size_t k = end + 1;
        if (k < s->n && joined(s, end, k) && capitalised(s, k)) { end = k; continue; }
        if (k + 1 < s->n && particle(s, k) && joined(s, end, k) && joined(s, k, k + 1) &&
            capitalised(s, k + 1)) {
            end = k + 1;
            continue;
        }
        break;
    }
    return end;
}

static int clause_of(const sent *s, size_t i)
{
    return s->a->w.v[i].clause;
}

static bool subject_position(const sent *s, size_t first, size_t last)
{
    int cl = clause_of(s, first);
    for (size_t k = first; k-- > 0 && clause_of(s, k) == cl;)
        if (is_verb(s, k)) return false;
    for (size_t k = last + 1; k < s->n && clause_of(s, k) == cl; k++)
        if (is_verb(s, k)) return true;
    return false;
}

static bool object_position(const sent *s, size_t first)
{
    size_t k = first;
    while (k > 0 && modifier(s, k - 1)) k--;
    if (k == 0) return false;
    if (is_verb(s, k - 1)) return true;
    return k >= 2 && is_prep(s, k - 1) && is_verb(s, k - 2);
}

/* Trims what is not part of the name from the run [*first, *last]; false
 * if nothing is left or the run is coded already. */
static bool trim_run(const sent *s, size_t *first, size_t *last)
{
    size_t f = *first, l = *last;
    for (size_t k = f; k <= l; k++)
        if (is_actor(s, k)) return false;
    for (size_t k = l + 1; k-- > f;)           /* titles and agents: the name follows */
        if (is_agent(s, k)) { f = k + 1; break; }
    if (f > *first && f <= l && !strcmp(norm(s, f), "OF")) return false;   /* "Minister of ..." */
    if (f <= l && first_word(s, f) && !particle(s, f)) {
        bool proper = s->tags && (s->tags[f] == VG_POS_NNP || s->tags[f] == VG_POS_NNPS);
        if (!proper) f++;
    }
    while (f <= l && particle(s, f) && strcmp(norm(s, f), "AL") && strcmp(norm(s, f), "EL")) f++;
    while (l >= f && l > 0 && particle(s, l)) l--;
    if (f > l) return false;
    if (f == l && (is_month(s, f) || particle(s, f) || !strcmp(norm(s, f), "AL") ||
                   (s->tags && s->tags[f] == VG_POS_JJ)))
        return false;                          /* "May", "Al", "Kurdish" */
    if (f > 0 && f == *first && ordinal(s, f - 1) && joined(s, f - 1, f)) f--;
    *first = f;
    *last = l;
    return true;
}

/* ---- collecting ---- */

/* The text of tokens first..last, blanks collapsed, possessive dropped. */
static void shown_name(const sent *s, size_t first, size_t last, vg_buf *b)
{
    vg_buf_clear(b);
    const char *t = s->a->text;
    uint32_t from = tok(s, first)->off, to = tok(s, last)->off + tok(s, last)->len;
    for (uint32_t k = from; k < to; k++) {
        bool sp = vg_isspace((unsigned char)t[k]);
        if (sp && b->len && b->s[b->len - 1] == ' ') continue;
        vg_buf_putc(b, sp ? ' ' : t[k]);
    }
    const char *ends[] = { "\xE2\x80\x99s", "'s", "\xE2\x80\x99", "'", NULL };
    for (size_t i = 0; ends[i]; i++) {
        size_t n = strlen(ends[i]);
        if (b->len > n && !memcmp(b->s + b->len - n, ends[i], n)) {
            b->len -= n;
            b->s[b->len] = '\0';
            break;
        }
    }
}

static void name_key(const sent *s, size_t first, size_t last, vg_buf *b)
{
    vg_buf_clear(b);
    for (size_t k = first; k <= last; k++) {
        char w[VG_MAX_WORD + 1];
        if (b->len) vg_buf_putc(b, ' ');
        vg_buf_puts(b, bare(s, k, w, sizeof w));
    }
}

static char *example_of(const char *text)
{
    vg_buf b = {0};
    for (const char *p = text; *p && b.len < EXAMPLE_MAX; p++) {
        bool sp = vg_isspace((unsigned char)*p);
        if (sp && (!b.len || b.s[b.len - 1] == ' ')) continue;
        vg_buf_putc(&b, sp ? ' ' : *p);
    }
    if (b.len >= EXAMPLE_MAX) {
        if (b.len) b.len = vg_utf8_floor(b.s, 0, b.len - 1);     /* the last whole character */
        b.s[b.len] = '\0';
        vg_buf_puts(&b, "...");
    }
    return b.s ? b.s : vg_strdup("");
}

static void count_name(sent *s, size_t first, size_t last, bool subj)
{
    vg_unknown *u = s->u;
    name_key(s, first, last, &u->key);
    if (u->key.len < 2) return;
    int at = vg_strmap_get(&u->index, u->key.s);
    if (at < 0) {
        shown_name(s, first, last, &u->shown);
        char *sentence = vg_strndup(s->a->text, tok(s, s->n - 1)->off + tok(s, s->n - 1)->len);
        cand c = { vg_strdup(u->shown.s), example_of(sentence), 0, 0, 0, 0 };
        free(sentence);
        at = (int)u->c.n;
        vg_vec_push(&u->c, c);
        vg_strmap_put(&u->index, u->key.s, at);
    }
    cand *c = &u->c.v[at];
    if (c->count && c->last == u->sentences) return;
    c->last = u->sentences;
    c->count++;
    if (subj) c->subject++;
    else c->object++;
}

static void tag_sentence(sent *s)
{
    vg_unknown *u = s->u;
    s->tags = NULL;
    if (!u->tagger || !s->n) return;
    const char **words = vg_malloc(s->n * sizeof *words);
    size_t *lens = vg_malloc(s->n * sizeof *lens);
    for (size_t i = 0; i < s->n; i++) {
        words[i] = s->a->text + tok(s, i)->off;
        lens[i] = tok(s, i)->len;
    }
    vg_vec_reserve(&u->tags, s->n);
    if (!u->tcache) u->tcache = vg_tagger_cache_new(u->tagger);
    vg_tagger_tag_cached(u->tagger, u->tcache, words, lens, s->n, u->tags.v);
    s->tags = u->tags.v;
    free(words);
    free(lens);
}

void vg_unknown_add(vg_unknown *u, const vg_analysis *a)
{
    u->sentences++;
    sent s = { u, a, a->tk.t.n, NULL };
    if (!s.n || a->tk.allcaps || a->w.n < s.n) return;
    tag_sentence(&s);
    for (size_t i = 0; i < s.n;) {
        bool lead = particle(&s, i) && i + 1 < s.n && joined(&s, i, i + 1) && capitalised(&s, i + 1);
        if (!lead && (!capitalised(&s, i) || is_month(&s, i))) { i++; continue; }
        size_t first = i, last = run_end(&s, lead ? i + 1 : i);
        i = last + 1;
        if (!trim_run(&s, &first, &last)) continue;
        bool subj = subject_position(&s, first, last);
        if (subj || object_position(&s, first)) count_name(&s, first, last, subj);
    }
}

/* ---- results ---- */

static int name_cmp(const void *pa, const void *pb)
{
    const vg_unknown_name *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->name, b->name);
}

size_t vg_unknown_list(vg_unknown *u, size_t min, const vg_unknown_name **out)
{
    u->list.n = 0;
    for (size_t i = 0; i < u->c.n; i++) {
        const cand *c = &u->c.v[i];
        if (c->count < min) continue;
        vg_unknown_name n = { c->name, c->example, c->count, c->subject, c->object };
        vg_vec_push(&u->list, n);
    }
    if (u->list.n) qsort(u->list.v, u->list.n, sizeof *u->list.v, name_cmp);
    *out = u->list.v;
    return u->list.n;
}
