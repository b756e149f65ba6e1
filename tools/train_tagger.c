/* train_tagger.c -- trains Vigil's part-of-speech tagger (src/tagger.h) on
 * the Brown corpus (NLTK "word/tag" files ca01..cr09) and writes the model.
 *
 *   train_tagger [-i ITERS] CORPUS_DIR OUT.bin   train, write, evaluate
 *   train_tagger -e CORPUS_DIR MODEL.bin         evaluate an existing model
 *
 * Every tenth file in sorted order (ca10, ca20, ...; index % 10 == 9) is
 * held out for evaluation; the model is trained on the other 90%.  Training
 * is deterministic (fixed file order, fixed shuffle seed), so the same
 * corpus always gives the same model, byte for byte.  See docs/tagger.md. */
#include "tagger.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#define NT VG_POS_COUNT

/* ---- corpus ---- */

typedef struct tok {
    const char *form;
    size_t len;
    unsigned char tag;
} tok;

typedef struct corpus {
    VG_VEC(tok) toks;
    VG_VEC(size_t) sent;  /* end of each sentence (the next one's start) */
    size_t skipped;       /* sentences with untagged ("nil") tokens */
} corpus;

/* A Brown token before hyphen splitting. */
typedef struct raw {
    const char *form;
    size_t len;
    int tag;        /* vg_pos, or -1 = VB or VBP (decided in context) */
    bool do_aux;    /* a form of "do" */
    bool obj;       /* object pronoun (Brown ppo) */
} raw;

enum { VB_OR_VBP = -1, DROP = -2, UNTAGGED = -3 };

/* ---- Brown tag mapping (docs/tagger.md has the table) ---- */

typedef struct tagmap { const char *brown; int pos; } tagmap;

static const tagmap base_map[] = {
    {"nn", VG_POS_NN}, {"nns", VG_POS_NNS}, {"np", VG_POS_NNP}, {"nps", VG_POS_NNPS},
    {"nr", VG_POS_NN}, {"nrs", VG_POS_NNS}, {"pn", VG_POS_NN},
    {"vb", VB_OR_VBP}, {"vbd", VG_POS_VBD}, {"vbg", VG_POS_VBG}, {"vbn", VG_POS_VBN},
    {"vbz", VG_POS_VBZ},
    {"be", VG_POS_VB}, {"bed", VG_POS_VBD}, {"bedz", VG_POS_VBD}, {"beg", VG_POS_VBG},
    {"bem", VG_POS_VBP}, {"ben", VG_POS_VBN}, {"ber", VG_POS_VBP}, {"bez", VG_POS_VBZ},
    {"hv", VB_OR_VBP}, {"hvd", VG_POS_VBD}, {"hvg", VG_POS_VBG}, {"hvn", VG_POS_VBN},
    {"hvz", VG_POS_VBZ},
    {"do", VB_OR_VBP}, {"dod", VG_POS_VBD}, {"doz", VG_POS_VBZ},
    {"md", VG_POS_MD},
    {"jj", VG_POS_JJ}, {"jjr", VG_POS_JJ}, {"jjs", VG_POS_JJ}, {"jjt", VG_POS_JJ},
    {"ap", VG_POS_JJ}, {"od", VG_POS_JJ}, {"abl", VG_POS_RB},
    {"rb", VG_POS_RB}, {"rbr", VG_POS_RB}, {"rbt", VG_POS_RB}, {"rn", VG_POS_RB},
    {"ql", VG_POS_RB}, {"qlp", VG_POS_RB}, {"*", VG_POS_RB},
    {"at", VG_POS_DT}, {"dt", VG_POS_DT}, {"dti", VG_POS_DT}, {"dts", VG_POS_DT},
    {"dtx", VG_POS_DT}, {"abn", VG_POS_DT}, {"abx", VG_POS_DT},
    {"in", VG_POS_IN}, {"cs", VG_POS_IN}, {"cc", VG_POS_CC}, {"to", VG_POS_TO},
    {"cd", VG_POS_CD},
    {"pps", VG_POS_PRP}, {"ppss", VG_POS_PRP}, {"ppo", VG_POS_PRP}, {"ppl", VG_POS_PRP},
    {"ppls", VG_POS_PRP}, {"pp$$", VG_POS_PRP}, {"pp$", VG_POS_PRPS},
    {"wdt", VG_POS_WDT}, {"wps", VG_POS_WP}, {"wpo", VG_POS_WP}, {"wp$", VG_POS_WP},
    {"wrb", VG_POS_WRB}, {"wql", VG_POS_WRB},
    {"rp", VG_POS_RP}, {"ex", VG_POS_EX}, {"uh", VG_POS_UH},
    {NULL, 0},
};

static bool is_punct_word(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vg_isalnum((unsigned char)w[i])) return false;
    return n > 0;
}

/* Punctuation class decided by the characters themselves. */
static int punct_tag(const char *w, size_t n)
{
    if (n == 1 && w[0] == ',') return VG_POS_COMMA;
    if (n == 1 && (w[0] == '.' || w[0] == '!' || w[0] == '?')) return VG_POS_FINAL;
    if (strchr("`'\"", w[0])) return VG_POS_QUOTE;
    return VG_POS_PUNCT;
}

/* "NATO", "UN", "FBI": Brown tags them nn, news wants proper nouns. */
static bool acronym(const char *w, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (vg_islower((unsigned char)w[i])) return false;
        letters += vg_isupper((unsigned char)w[i]);
    }
    return letters >= 2;
}

/* Maps one Brown tag (lower case) for word w; DROP skips the token,
 * UNTAGGED (Brown "nil", or an unknown tag) the whole sentence. */
static int map_brown(const char *tag, const char *w, size_t n, bool *do_aux, bool *obj)
{
    char base[32];
    bool tl = false;
    while (strncmp(tag, "fw-", 3) == 0) tag += 3;           /* foreign words */
    size_t k = strcspn(tag[0] == '-' ? tag + 1 : tag, "-") + (tag[0] == '-');
    if (tag[0] == '-' && tag[1] == '-') k = 2;               /* "--", "---hl" */
    tl = strstr(tag + k, "tl") != NULL;                      /* -tl, -hl, -nc */
    if (k >= sizeof base) k = sizeof base - 1;
    memcpy(base, tag, k);
    base[k] = '\0';
    base[strcspn(base, "+")] = '\0';                         /* contractions */
    size_t bl = strlen(base);
    if (bl > 1 && base[bl - 1] == '*') base[--bl] = '\0';    /* negated aux */
    if (bl > 1 && base[bl - 1] == '$' && strcmp(base, "pp$") != 0 &&
        strcmp(base, "pp$$") != 0 && strcmp(base, "wp$") != 0)
        base[--bl] = '\0';                                   /* possessive */
    *do_aux = strcmp(base, "do") == 0 || strcmp(base, "dod") == 0 ||
              strcmp(base, "doz") == 0;
    *obj = strcmp(base, "ppo") == 0;
    if (strcmp(base, "nil") == 0) return UNTAGGED;
    if (n == 1 && w[0] == '-') return DROP;  /* Vigil turns hyphens into spaces */
    if (is_punct_word(w, n) && strcmp(base, "cc") != 0) return punct_tag(w, n);
    bool cap = vg_isupper((unsigned char)w[0]);
    for (const tagmap *m = base_map; m->brown; m++) {
        if (strcmp(m->brown, base) != 0) continue;
        int p = m->pos;
        if (p == VG_POS_NN && strcmp(base, "pn") != 0 && cap &&
            (tl || strcmp(base, "nr") == 0 || acronym(w, n))) return VG_POS_NNP;
        if (p == VG_POS_NNS && cap && (tl || strcmp(base, "nrs") == 0)) return VG_POS_NNPS;
        if (strcmp(base, "abl") == 0 && n == 4 && (w[0] | 32) == 's' &&
            strncmp(w + 1, "uch", 3) == 0) return VG_POS_JJ;
        return p;
    }
    return UNTAGGED;
}

/* Brown's vb/hv/do cover both VB and VBP: VB after a modal, "to", a form
 * of "do", an object pronoun or at the start (imperative); VBP after a
 * subject; after "and" the same as the verb before. */
static int vb_or_vbp(const raw *r, size_t i)
{
    size_t j = i;
    while (j > 0 && r[j - 1].tag == VG_POS_RB) j--;
    if (j == 0) return VG_POS_VB;
    const raw *p = &r[j - 1];
    if (p->tag == VG_POS_MD || p->tag == VG_POS_TO || p->do_aux || p->obj)
        return VG_POS_VB;
    if (p->tag == VG_POS_CC) {
        for (size_t k = j - 1; k-- > 0;)
            if (vg_pos_is_verb(r[k].tag) || r[k].tag == VG_POS_MD || r[k].tag == VG_POS_TO)
                return r[k].tag == VG_POS_VBP ? VG_POS_VBP : VG_POS_VB;
        return VG_POS_VB;
    }
    if (vg_pos_is_noun(p->tag) || p->tag == VG_POS_PRP || p->tag == VG_POS_WP ||
        p->tag == VG_POS_WDT || p->tag == VG_POS_EX || p->tag == VG_POS_DT ||
        p->tag == VG_POS_CD)
        return VG_POS_VBP;
    return VG_POS_VB;
}

/* ---- reading the corpus ---- */

static void push_tok(corpus *c, const char *form, size_t len, int tag)
{
    tok t = {form, len, (unsigned char)tag};
    vg_vec_push(&c->toks, t);
}

/* Emits one Brown token, split at hyphens as Vigil's tokeniser does: the
 * last part keeps the tag; earlier parts are CD if numeric, else the
 * singular of a noun tag, else the same tag. */
static void emit(corpus *c, const char *w, size_t n, int tag)
{
    size_t parts = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && w[i] == '-') i++;
        size_t j = i;
        while (j < n && w[j] != '-') j++;
        if (i == n) break;
        size_t k = j;
        while (k < n && w[k] == '-') k++;
        int t = tag;
        if (k < n) {  /* not the last part */
            bool num = true;
            for (size_t q = i; q < j; q++) num = num && vg_isdigit((unsigned char)w[q]);
            if (num) t = VG_POS_CD;
            else if (tag == VG_POS_NNS) t = VG_POS_NN;
            else if (tag == VG_POS_NNPS) t = VG_POS_NNP;
        }
        push_tok(c, w + i, j - i, t);
        parts++;
        i = j;
    }
    if (parts == 0 && n > 0) push_tok(c, w, n, tag);  /* "--" */
}

/* Tokens that Vigil's tokeniser (src/text.c) never emits. */
static bool vigil_drops(const raw *x)
{
    return x->tag == VG_POS_FINAL || (x->len >= 2 && strspn(x->form, "-") == x->len);
}

/* One sentence (a line of "word/tag" items); strip = as Vigil tokenises
 * (no . ! ? or -- tokens). */
static void parse_line(corpus *c, char *line, long sentno, bool strip)
{
    VG_VEC(raw) r = {0};
    char *save = NULL;
    for (char *s = strtok_r(line, " \t", &save); s; s = strtok_r(NULL, " \t", &save)) {
        char *slash = strrchr(s, '/');
        if (!slash || slash == s) continue;
        *slash = '\0';
        raw x = {s, (size_t)(slash - s), 0, false, false};
        for (char *q = slash + 1; *q; q++) *q = (char)(vg_isupper(*q) ? *q + 32 : *q);
        x.tag = map_brown(slash + 1, s, x.len, &x.do_aux, &x.obj);
        if ((sentno & 1) && (strcmp(s, "``") == 0 || strcmp(s, "''") == 0)) {
            x.form = "\"";  /* half the sentences get plain ASCII quotes */
            x.len = 1;
        }
        if (x.tag == UNTAGGED) {
            r.n = 0;
            c->skipped++;
            break;
        }
        vg_vec_push(&r, x);
    }
    for (size_t i = 0; i < r.n; i++)
        if (r.v[i].tag == VB_OR_VBP) r.v[i].tag = vb_or_vbp(r.v, i);
    size_t start = c->toks.n;
    for (size_t i = 0; i < r.n; i++)
        if (r.v[i].tag != DROP && !(strip && vigil_drops(&r.v[i])))
            emit(c, r.v[i].form, r.v[i].len, r.v[i].tag);
    if (c->toks.n > start) vg_vec_push(&c->sent, c->toks.n);
    vg_vec_free(&r);
}

/* Every other pair of training sentences is tokenised as Vigil does (see
 * vigil_drops); the rest keeps Brown's tokens, so both kinds of input work. */
static bool strip_mode(long sentno) { return (sentno & 2) != 0; }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted Brown file names c[a-r]NN in dir. */
static size_t list_files(const char *dir, char ***out)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    VG_VEC(char *) v = {0};
    for (struct dirent *e; (e = readdir(d));) {
        const char *s = e->d_name;
        if (strlen(s) == 4 && s[0] == 'c' && s[1] >= 'a' && s[1] <= 'r' &&
            vg_isdigit(s[2]) && vg_isdigit(s[3]))
            vg_vec_push(&v, vg_strdup(s));
    }
    closedir(d);
    qsort(v.v, v.n, sizeof *v.v, cmp_str);
    *out = v.v;
    return v.n;
}

/* Reads the corpus: files with index % 10 == 9 are held out (test, and
 * test_v tokenised as Vigil does), the rest is train.  File contents stay
 * allocated (tokens point into them). */
static bool read_corpus(const char *dir, corpus *train, corpus *test, corpus *test_v)
{
    char **names;
    size_t nf = list_files(dir, &names);
    if (nf == 0) {
        fprintf(stderr, "train_tagger: no Brown files (ca01...) in %s\n", dir);
        return false;
    }
    long sentno = 0;
    for (size_t f = 0; f < nf; f++) {
        char *path = vg_path_join(dir, names[f]);
        size_t len;
        char *text = vg_read_file(path, &len);
        if (!text) {
            fprintf(stderr, "train_tagger: %s: %s\n", path, strerror(errno));
            return false;
        }
        bool held = f % 10 == 9;
        for (char *line = text, *nl; line; line = nl) {
            nl = strchr(line, '\n');
            if (nl) *nl++ = '\0';
            if (held) {
                char *copy = vg_strdup(line);  /* parse_line cuts its line */
                parse_line(test_v, copy, sentno, true);
            }
            parse_line(held ? test : train, line, sentno, !held && strip_mode(sentno));
            sentno++;
        }
        free(path);
        free(names[f]);
    }
    free(names);
    return true;
}

static size_t sent_start(const corpus *c, size_t s) { return s ? c->sent.v[s - 1] : 0; }

/* ---- u64-keyed hash table (feature and word statistics) ---- */

typedef struct u64map {
    uint64_t *keys;   /* 0 = empty */
    uint32_t *vals;
    size_t n, cap;
} u64map;

static uint32_t *u64map_find(const u64map *m, uint64_t key)
{
    if (!m->cap) return NULL;
    for (size_t i = key & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) return &m->vals[i];
        if (!m->keys[i]) return NULL;
    }
}

static void u64map_put(u64map *m, uint64_t key, uint32_t val);

static void u64map_grow(u64map *m)
{
    u64map g = {vg_calloc(m->cap ? m->cap * 2 : 1024, 8), NULL, 0,
                m->cap ? m->cap * 2 : 1024};
    g.vals = vg_calloc(g.cap, 4);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) u64map_put(&g, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = g;
}

static void u64map_put(u64map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) u64map_grow(m);
    size_t i = key & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

static void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- tag dictionary and caps lexicon ---- */

#define DICT_MIN 20        /* occurrences */
#define DICT_SHARE 0.97    /* share of the most frequent tag */

typedef VG_VEC(uint64_t) u64vec;

typedef struct dict {
    u64vec keys;
    VG_VEC(unsigned char) tags;
} dict;

/* Tokens that Brown does not have (split clitics, symbols, typographic
 * quotes) but news text might. */
static const struct { const char *form; int tag; } extra_dict[] = {
    {"n't", VG_POS_RB}, {"'ll", VG_POS_MD}, {"'d", VG_POS_MD}, {"'re", VG_POS_VBP},
    {"'m", VG_POS_VBP}, {"'ve", VG_POS_VBP}, {"'s", VG_POS_POS},
    {"\"", VG_POS_QUOTE}, {"\xe2\x80\x9c", VG_POS_QUOTE}, {"\xe2\x80\x9d", VG_POS_QUOTE},
    {"\xe2\x80\x98", VG_POS_QUOTE}, {"\xc2\xab", VG_POS_QUOTE}, {"\xc2\xbb", VG_POS_QUOTE},
    {"...", VG_POS_PUNCT}, {"\xe2\x80\xa6", VG_POS_PUNCT}, {"\xe2\x80\x94", VG_POS_PUNCT},
    {"\xe2\x80\x93", VG_POS_PUNCT}, {"[", VG_POS_PUNCT}, {"]", VG_POS_PUNCT},
    {"$", VG_POS_SYM}, {"\xe2\x82\xac", VG_POS_SYM}, {"\xc2\xa3", VG_POS_SYM},
    {"#", VG_POS_SYM}, {"@", VG_POS_SYM}, {"+", VG_POS_SYM}, {"=", VG_POS_SYM},
    {"<", VG_POS_SYM}, {">", VG_POS_SYM}, {"%", VG_POS_NN}, {"&", VG_POS_CC},
    {NULL, 0},
};

static uint64_t form_hash(const char *w, size_t n)
{
    vg_tagger_tok tk;
    vg_tagger_tok_init(NULL, &tk, w, n, false, false);
    return tk.form;
}

static void build_dict(const corpus *c, dict *d)
{
    u64map idx = {0};
    VG_VEC(uint32_t) counts = {0};  /* NT per form */
    VG_VEC(uint64_t) order = {0};
    for (size_t i = 0; i < c->toks.n; i++) {
        uint64_t h = form_hash(c->toks.v[i].form, c->toks.v[i].len);
        uint32_t *v = u64map_find(&idx, h);
        if (!v) {
            u64map_put(&idx, h, (uint32_t)(counts.n / NT));
            vg_vec_reserve(&counts, counts.n + NT);
            memset(counts.v + counts.n, 0, NT * sizeof *counts.v);
            counts.n += NT;
            vg_vec_push(&order, h);
            v = u64map_find(&idx, h);
        }
        counts.v[(size_t)*v * NT + c->toks.v[i].tag]++;
    }
    for (int e = 0; extra_dict[e].form; e++) {
        uint64_t h = form_hash(extra_dict[e].form, strlen(extra_dict[e].form));
        if (!u64map_find(&idx, h)) {
            vg_vec_push(&d->keys, h);
            vg_vec_push(&d->tags, (unsigned char)extra_dict[e].tag);
        }
    }
    qsort(order.v, order.n, sizeof *order.v, cmp_u64);
    for (size_t k = 0; k < order.n; k++) {
        const uint32_t *cnt = counts.v + (size_t)*u64map_find(&idx, order.v[k]) * NT;
        uint32_t tot = 0, best = 0;
        int bt = 0;
        for (int t = 0; t < NT; t++) {
            tot += cnt[t];
            if (cnt[t] > best) best = cnt[t], bt = t;
        }
        if (tot >= DICT_MIN && best >= DICT_SHARE * tot) {
            vg_vec_push(&d->keys, order.v[k]);
            vg_vec_push(&d->tags, (unsigned char)bt);
        }
    }
    u64map_free(&idx);
    vg_vec_free(&counts);
    vg_vec_free(&order);
}

static bool has_upper(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (vg_isupper((unsigned char)w[i])) return true;
    return false;
}

static bool has_alnum(const char *w, size_t n)
{
    return !is_punct_word(w, n) && n > 0;
}

/* Words that are written in lower case more often than capitalised
 * (outside sentence starts): in all-caps text these are lower-cased. */
static void build_lexicon(const corpus *c, u64vec *lex)
{
    u64map idx = {0};
    VG_VEC(int32_t) bal = {0};  /* lower - capitalised */
    VG_VEC(uint64_t) order = {0};
    for (size_t s = 0; s < c->sent.n; s++) {
        bool first = true;
        for (size_t i = sent_start(c, s); i < c->sent.v[s]; i++) {
            const tok *t = &c->toks.v[i];
            bool alpha = false;
            for (size_t q = 0; q < t->len; q++) alpha = alpha || vg_isalpha((unsigned char)t->form[q]);
            bool up = has_upper(t->form, t->len);
            if (alpha && !(first && up)) {
                uint64_t h = vg_tagger_lower_hash(t->form, t->len);
                uint32_t *v = u64map_find(&idx, h);
                if (!v) {
                    u64map_put(&idx, h, (uint32_t)bal.n);
                    vg_vec_push(&bal, 0);
                    vg_vec_push(&order, h);
                    v = u64map_find(&idx, h);
                }
                bal.v[*v] += up ? -1 : 1;
            }
            if (has_alnum(t->form, t->len)) first = false;
        }
    }
    qsort(order.v, order.n, sizeof *order.v, cmp_u64);
    for (size_t k = 0; k < order.n; k++)
        if (bal.v[*u64map_find(&idx, order.v[k])] > 0) vg_vec_push(lex, order.v[k]);
    u64map_free(&idx);
    vg_vec_free(&bal);
    vg_vec_free(&order);
}

/* ---- the averaged perceptron ---- */

typedef struct fweights {
    int32_t w[NT];
    int32_t stamp[NT];
    double total[NT];
} fweights;

typedef struct perceptron {
    u64map index;             /* feature key -> row */
    VG_VEC(fweights) rows;
    VG_VEC(uint64_t) keys;    /* row -> feature key */
    int32_t step;
} perceptron;

static int predict(const perceptron *p, const uint64_t *f, size_t nf)
{
    int64_t score[NT] = {0};
    for (size_t k = 0; k < nf; k++) {
        const uint32_t *r = u64map_find(&p->index, f[k]);
        if (!r) continue;
        const int32_t *w = p->rows.v[*r].w;
        for (int t = 0; t < NT; t++) score[t] += w[t];
    }
    int best = 0;
    for (int t = 1; t < NT; t++)
        if (score[t] > score[best]) best = t;
    return best;
}

static void bump(perceptron *p, fweights *r, int t, int d)
{
    r->total[t] += (double)(p->step - r->stamp[t]) * r->w[t];
    r->stamp[t] = p->step;
    r->w[t] += d;
}

static void update(perceptron *p, int gold, int guess, const uint64_t *f, size_t nf)
{
    p->step++;
    if (gold == guess) return;
    for (size_t k = 0; k < nf; k++) {
        uint32_t *r = u64map_find(&p->index, f[k]);
        if (!r) {
            fweights z;
            memset(&z, 0, sizeof z);
            u64map_put(&p->index, f[k], (uint32_t)p->rows.n);
            vg_vec_push(&p->rows, z);
            vg_vec_push(&p->keys, f[k]);
            r = u64map_find(&p->index, f[k]);
        }
        bump(p, &p->rows.v[*r], gold, 1);
        bump(p, &p->rows.v[*r], guess, -1);
    }
}

/* Hashed tokens of the whole corpus (as the tagger computes them). */
static vg_tagger_tok *reduce_corpus(const corpus *c)
{
    vg_tagger_tok *tk = vg_malloc(c->toks.n * sizeof *tk);
    for (size_t s = 0; s < c->sent.n; s++) {
        bool first = true;
        for (size_t i = sent_start(c, s); i < c->sent.v[s]; i++) {
            vg_tagger_tok_init(NULL, &tk[i], c->toks.v[i].form, c->toks.v[i].len, first, false);
            if (has_alnum(c->toks.v[i].form, c->toks.v[i].len)) first = false;
        }
    }
    return tk;
}

/* Neighbourhood i-2..i+2 of token i in [lo, hi). */
static void window(const vg_tagger_tok *tk, size_t lo, size_t hi, size_t i,
                   const vg_tagger_tok *w[5])
{
    for (int d = -2; d <= 2; d++) {
        size_t j = i + (size_t)(ptrdiff_t)d;
        w[d + 2] = (d < 0 && i < lo + (size_t)-d) || j >= hi ? NULL : &tk[j];
    }
}

static uint64_t rng(uint64_t *s)  /* xorshift64 */
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void train(perceptron *p, const corpus *c, const dict *d, int iters)
{
    vg_tagger_tok *tk = reduce_corpus(c);
    u64map dmap = {0};
    for (size_t k = 0; k < d->keys.n; k++) u64map_put(&dmap, d->keys.v[k], d->tags.v[k]);
    size_t *order = vg_malloc(c->sent.n * sizeof *order);
    for (size_t s = 0; s < c->sent.n; s++) order[s] = s;
    uint64_t f[VG_TAGGER_MAX_FEATS], seed = 0x2545f4914f6cdd1dULL;
    for (int it = 0; it < iters; it++) {
        size_t right = 0, total = 0;
        for (size_t s = 0; s < c->sent.n; s++) {
            size_t lo = sent_start(c, order[s]), hi = c->sent.v[order[s]];
            int p1 = -1, p2 = -1;
            for (size_t i = lo; i < hi; i++) {
                const uint32_t *dt = u64map_find(&dmap, tk[i].form);
                int guess, gold = c->toks.v[i].tag;
                if (dt) guess = (int)*dt;
                else {
                    const vg_tagger_tok *w[5];
                    window(tk, lo, hi, i, w);
                    size_t nf = vg_tagger_features(w, p1, p2, f);
                    guess = predict(p, f, nf);
                    update(p, gold, guess, f, nf);
                }
                right += guess == gold;
                total++;
                p2 = p1;
                p1 = guess;
            }
        }
        fprintf(stderr, "iteration %d: %.2f%% on training data, %zu features\n",
                it + 1, 100.0 * (double)right / (double)total, p->rows.n);
        for (size_t s = c->sent.n; s > 1; s--) {  /* Fisher-Yates, fixed seed */
            size_t j = (size_t)(rng(&seed) % s), x = order[s - 1];
            order[s - 1] = order[j];
            order[j] = x;
        }
    }
    free(order);
    free(tk);
    u64map_free(&dmap);
}

/* Averaged weights, NT floats per row. */
static float *average(const perceptron *p)
{
    float *avg = vg_malloc(p->rows.n * NT * sizeof *avg);
    for (size_t r = 0; r < p->rows.n; r++) {
        const fweights *x = &p->rows.v[r];
        for (int t = 0; t < NT; t++) {
            double tot = x->total[t] + (double)(p->step - x->stamp[t]) * x->w[t];
            avg[r * NT + t] = (float)(tot / p->step);
        }
    }
    return avg;
}

/* ---- evaluation ---- */

typedef struct stats {
    size_t n, right, unk, unk_right;
    size_t conf[NT][NT];  /* [gold][guess] */
} stats;

static void count(stats *st, const corpus *c, const unsigned char *guess, const u64map *seen)
{
    for (size_t i = 0; i < c->toks.n; i++) {
        int g = c->toks.v[i].tag, p = guess[i];
        bool unk = !u64map_find(seen, vg_tagger_lower_hash(c->toks.v[i].form, c->toks.v[i].len));
        st->n++;
        st->right += g == p;
        st->unk += unk;
        st->unk_right += unk && g == p;
        st->conf[g][p]++;
    }
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

/* Share of gold tags in [g0, g1] guessed in [p0, p1]. */
static double group(const stats *st, int g0, int g1, int p0, int p1)
{
    size_t a = 0, b = 0;
    for (int g = g0; g <= g1; g++)
        for (int p = 0; p < NT; p++) {
            b += st->conf[g][p];
            if (p >= p0 && p <= p1) a += st->conf[g][p];
        }
    return pct(a, b);
}

static void report(const char *what, const stats *st)
{
    static const int shown[] = {VG_POS_NN, VG_POS_NNS, VG_POS_NNP, VG_POS_VB, VG_POS_VBD,
                                VG_POS_VBG, VG_POS_VBN, VG_POS_VBP, VG_POS_VBZ, VG_POS_MD,
                                VG_POS_JJ, VG_POS_IN, VG_POS_RB};
    printf("%s: %zu tokens, accuracy %.2f%% (known words %.2f%%, unknown %.2f%% of %zu)\n",
           what, st->n, pct(st->right, st->n), pct(st->right - st->unk_right, st->n - st->unk),
           pct(st->unk_right, st->unk), st->unk);
    size_t vright = 0, vall = 0;
    for (int g = VG_POS_VB; g <= VG_POS_VBZ; g++)
        for (int p = 0; p < NT; p++) vall += st->conf[g][p], vright += g == p ? st->conf[g][p] : 0;
    printf("  gold VB*: %.2f%% exact, %.2f%% tagged VB*, %.2f%% NN*; "
           "gold NN*: %.2f%% tagged NN*, %.2f%% VB*\n", pct(vright, vall),
           group(st, VG_POS_VB, VG_POS_VBZ, VG_POS_VB, VG_POS_VBZ),
           group(st, VG_POS_VB, VG_POS_VBZ, VG_POS_NN, VG_POS_NNPS),
           group(st, VG_POS_NN, VG_POS_NNPS, VG_POS_NN, VG_POS_NNPS),
           group(st, VG_POS_NN, VG_POS_NNPS, VG_POS_VB, VG_POS_VBZ));
    printf("  recall/precision:");
    for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) {
        int t = shown[k];
        size_t col = 0;
        for (int g = 0; g < NT; g++) col += st->conf[g][t];
        printf(" %s %.1f/%.1f", vg_pos_name(t), group(st, t, t, t, t), pct(st->conf[t][t], col));
    }
    size_t conf[NT][NT];
    memcpy(conf, st->conf, sizeof conf);
    printf("\n  top confusions (gold>guess):");
    for (int k = 0; k < 12; k++) {
        int bg = 0, bp = 0;
        size_t best = 0;
        for (int g = 0; g < NT; g++)
            for (int p = 0; p < NT; p++)
                if (g != p && conf[g][p] > best) best = conf[g][p], bg = g, bp = p;
        if (!best) break;
        printf(" %s>%s %zu", vg_pos_name(bg), vg_pos_name(bp), conf[bg][bp]);
        conf[bg][bp] = 0;
    }
    printf("\n");
}

static void seen_words(const corpus *c, u64map *seen)
{
    for (size_t i = 0; i < c->toks.n; i++)
        u64map_put(seen, vg_tagger_lower_hash(c->toks.v[i].form, c->toks.v[i].len), 1);
}

/* Quantises the averaged weights to int8 (largest |w| -> 127); drops
 * features left with no weight; sorted by key for a stable layout. */
static size_t quantise(const perceptron *p, const float *avg, uint64_t **keys, int8_t **w)
{
    float mx = 0;
    for (size_t k = 0; k < p->rows.n * NT; k++) mx = fmaxf(mx, fabsf(avg[k]));
    size_t n = 0;
    *keys = vg_malloc(p->rows.n * sizeof **keys);
    *w = vg_malloc(p->rows.n * NT);
    u64vec sorted = {0};
    for (size_t r = 0; r < p->rows.n; r++) vg_vec_push(&sorted, p->keys.v[r]);
    qsort(sorted.v, sorted.n, sizeof *sorted.v, cmp_u64);
    for (size_t k = 0; k < sorted.n; k++) {
        size_t r = *u64map_find(&p->index, sorted.v[k]);
        bool any = false;
        for (int t = 0; t < NT; t++) {
            long q = lroundf(avg[r * NT + t] * 127.0f / mx);
            (*w)[n * NT + t] = (int8_t)q;
            any = any || q;
        }
        if (any) (*keys)[n++] = sorted.v[k];
    }
    vg_vec_free(&sorted);
    return n;
}

static bool write_model(const char *path, const vg_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->s, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "train_tagger: %s: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

/* Tags every sentence of c with the library tagger; returns seconds. */
static double tag_corpus(const vg_tagger *t, const corpus *c, const char **words,
                         unsigned char *out)
{
    size_t *lens = vg_malloc(c->toks.n * sizeof *lens);
    for (size_t i = 0; i < c->toks.n; i++) lens[i] = c->toks.v[i].len;
    double t0 = vg_now();
    for (size_t s = 0; s < c->sent.n; s++) {
        size_t lo = sent_start(c, s);
        vg_tagger_tag(t, words + lo, lens + lo, c->sent.v[s] - lo, out + lo);
    }
    double dt = vg_now() - t0;
    free(lens);
    return dt;
}

/* Tags c (optionally upper-cased) and adds the result to a report. */
static void eval_corpus(const vg_tagger *t, const corpus *c, const u64map *seen,
                        bool upper, const char *what)
{
    size_t n = c->toks.n;
    const char **words = vg_malloc(n * sizeof *words);
    for (size_t i = 0; i < n; i++) {
        char *w = vg_strndup(c->toks.v[i].form, c->toks.v[i].len);
        for (char *q = w; upper && *q; q++) *q = (char)vg_toupper(*q);
        words[i] = w;
    }
    unsigned char *guess = vg_malloc(n);
    stats st = {0};
    tag_corpus(t, c, words, guess);
    count(&st, c, guess, seen);
    report(what, &st);
    for (size_t i = 0; i < n; i++) free((char *)words[i]);
    free(words);
    free(guess);
}

/* Tokens per second over several passes of c. */
static double speed(const vg_tagger *t, const corpus *c, int reps)
{
    const char **words = vg_malloc(c->toks.n * sizeof *words);
    unsigned char *guess = vg_malloc(c->toks.n);
    for (size_t i = 0; i < c->toks.n; i++) words[i] = c->toks.v[i].form;
    double secs = 0;
    for (int r = 0; r < reps; r++) secs += tag_corpus(t, c, words, guess);
    free(words);
    free(guess);
    return (double)c->toks.n * reps / secs;
}

/* Accuracy (Brown and Vigil tokenisation, upper-cased), speed and load
 * time of a model file. */
static int evaluate(const char *path, const corpus *train_c, const corpus *test_c,
                    const corpus *test_v)
{
    size_t len;
    char *data = vg_read_file(path, &len), err[200];
    if (!data) {
        fprintf(stderr, "train_tagger: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int loads = 20;
    double t0 = vg_now();
    for (int k = 0; k < loads - 1; k++) vg_tagger_free(vg_tagger_load(data, len, NULL, 0));
    vg_tagger *t = vg_tagger_load(data, len, err, sizeof err);
    double load_ms = (vg_now() - t0) * 1000 / loads;
    free(data);
    if (!t) {
        fprintf(stderr, "train_tagger: %s: %s\n", path, err);
        return 1;
    }
    u64map seen = {0};
    seen_words(train_c, &seen);
    eval_corpus(t, test_c, &seen, false, "held-out, Brown tokens");
    eval_corpus(t, test_v, &seen, false, "held-out, Vigil tokens (no . ! ? --)");
    eval_corpus(t, test_v, &seen, true, "held-out, Vigil tokens, upper-cased");
    printf("model %s: %zu bytes, load %.2f ms; tagging %.2f M tokens/s\n", path, len,
           load_ms, speed(t, test_v, 10) / 1e6);
    u64map_free(&seen);
    vg_tagger_free(t);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: train_tagger [-i ITERS] CORPUS_DIR OUT.bin\n"
                    "       train_tagger -e CORPUS_DIR MODEL.bin\n");
    return 2;
}

int main(int argc, char **argv)
{
    int iters = 10, a = 1;
    bool eval_only = false;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (strcmp(argv[a], "-e") == 0) eval_only = true;
        else if (strcmp(argv[a], "-i") == 0 && a + 1 < argc) iters = atoi(argv[++a]);
        else return usage();
    }
    if (argc - a != 2 || iters < 1) return usage();
    corpus train_c = {0}, test_c = {0}, test_v = {0};
    if (!read_corpus(argv[a], &train_c, &test_c, &test_v)) return 1;
    fprintf(stderr, "train: %zu sentences, %zu tokens; held out: %zu sentences, %zu tokens; "
            "%zu sentences with untagged words skipped\n", train_c.sent.n, train_c.toks.n,
            test_c.sent.n, test_c.toks.n, train_c.skipped + test_c.skipped);
    if (eval_only) return evaluate(argv[a + 1], &train_c, &test_c, &test_v);
    dict d = {0};
    u64vec lex = {0};
    build_dict(&train_c, &d);
    build_lexicon(&train_c, &lex);
    fprintf(stderr, "tag dictionary %zu forms, caps lexicon %zu words\n", d.keys.n, lex.n);
    perceptron p = {0};
    train(&p, &train_c, &d, iters);
    float *avg = average(&p);
    uint64_t *keys;
    int8_t *w;
    size_t nf = quantise(&p, avg, &keys, &w);
    vg_tagger_parts parts = {d.keys.v, d.tags.v, d.keys.n, lex.v, lex.n, keys, w, nf};
    vg_buf out = {0};
    vg_tagger_write(&parts, &out);
    fprintf(stderr, "%zu features kept of %zu\n", nf, p.rows.n);
    if (!write_model(argv[a + 1], &out)) return 1;
    vg_buf_free(&out);
    return evaluate(argv[a + 1], &train_c, &test_c, &test_v);
}
