/* model_train.c -- see model.h: training data, multinomial logistic
 * regression with AdaGrad, cross-validation and the model builder.
 *
 * Labels may be partial: an example allows a set of classes (a PLOVER
 * category allows every CAMEO root that maps to it), and the loss is
 * -log of the probability mass on that set.  Everything is deterministic:
 * features are ordered by hash, examples shuffled by a seeded xorshift. */
#include "model.h"
#include "ontology.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void vg_trainset_free(vg_trainset *ts)
{
    vg_vec_free(&ts->feats);
    vg_vec_free(&ts->ex);
}

void vg_train_opts_default(vg_train_opts *o)
{
    o->seed = 1;
    o->epochs = 12;
    o->rate = 0.2;
    o->l2 = 1e-4;
    o->min_count = 2;
    o->balance = false;
    o->perceptron = false;
}

/* ---------------------------------------------------------- u32 -> u32 */

typedef struct u32map {
    uint32_t *keys, *vals;
    uint8_t *used;
    size_t n, cap;
} u32map;

static size_t u32slot(uint32_t key, size_t cap)
{
    return (size_t)((key * 2654435761u) ^ (key >> 16)) & (cap - 1);
}

static void u32map_grow(u32map *m);

static uint32_t *u32map_ref(u32map *m, uint32_t key, bool insert)
{
    if (insert && (m->n + 1) * 2 > m->cap) u32map_grow(m);
    if (!m->cap) return NULL;
    size_t s = u32slot(key, m->cap);
    while (m->used[s]) {
        if (m->keys[s] == key) return &m->vals[s];
        s = (s + 1) & (m->cap - 1);
    }
    if (!insert) return NULL;
    m->used[s] = 1;
    m->keys[s] = key;
    m->vals[s] = 0;
    m->n++;
    return &m->vals[s];
}

static void u32map_grow(u32map *m)
{
    u32map o = *m;
    m->cap = o.cap ? o.cap * 2 : 1024;
    m->keys = vg_malloc(m->cap * sizeof *m->keys);
    m->vals = vg_malloc(m->cap * sizeof *m->vals);
    m->used = vg_calloc(m->cap, 1);
    m->n = 0;
    for (size_t i = 0; i < o.cap; i++)
        if (o.used[i]) *u32map_ref(m, o.keys[i], true) = o.vals[i];
    free(o.keys);
    free(o.vals);
    free(o.used);
}

static void u32map_free(u32map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------- training */

struct vg_head_w {
    vg_task task;
    uint32_t k, nf;
    uint32_t *keys;          /* ascending */
    float *w;                /* nf * k */
};

void vg_head_w_free(vg_head_w *h)
{
    if (!h) return;
    free(h->keys);
    free(h->w);
    free(h);
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ULL;
}

static void shuffle(uint32_t *v, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(xorshift(state) % i);
        uint32_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

static int first_bit(uint64_t x)
{
    for (int i = 0; i < 64; i++) if (x >> i & 1) return i;
    return -1;
}

static void softmax(double *s, size_t k)
{
    double mx = s[0];
    for (size_t i = 1; i < k; i++) if (s[i] > mx) mx = s[i];
    double z = 0;
    for (size_t i = 0; i < k; i++) { s[i] = exp(s[i] - mx); z += s[i]; }
    for (size_t i = 0; i < k; i++) s[i] /= z;
}

vg_head_w *vg_train_head(const vg_trainset *ts, const uint32_t *use, size_t nuse,
                         const vg_train_opts *o)
{
    uint32_t k = (uint32_t)vg_task_classes(ts->task, NULL);
    /* features seen often enough, in hash order */
    u32map count = {0};
    for (size_t u = 0; u < nuse; u++) {
        const vg_example *e = &ts->ex.v[use[u]];
        for (uint32_t j = 0; j < e->n; j++) (*u32map_ref(&count, ts->feats.v[e->off + j], true))++;
    }
    VG_VEC(uint32_t) keys = {0};
    for (size_t i = 0; i < count.cap; i++)
        if (count.used[i] && count.vals[i] >= (uint32_t)(o->min_count > 0 ? o->min_count : 1))
            vg_vec_push(&keys, count.keys[i]);
    if (keys.n) qsort(keys.v, keys.n, sizeof *keys.v, cmp_u32);
    u32map row = {0};
    for (size_t i = 0; i < keys.n; i++) *u32map_ref(&row, keys.v[i], true) = (uint32_t)i;
    u32map_free(&count);

    /* each example's rows, once */
    VG_VEC(uint32_t) rows = {0};
    uint32_t *roff = vg_malloc((nuse + 1) * sizeof *roff);
    for (size_t u = 0; u < nuse; u++) {
        const vg_example *e = &ts->ex.v[use[u]];
        roff[u] = (uint32_t)rows.n;
        for (uint32_t j = 0; j < e->n; j++) {
            uint32_t *r = u32map_ref(&row, ts->feats.v[e->off + j], false);
            if (r) vg_vec_push(&rows, *r);
        }
    }
    roff[nuse] = (uint32_t)rows.n;
    u32map_free(&row);

    /* class weights.  Balanced weights are capped at 3: the event head has
     * 59 "no event" sentences against 1,490 events, and at a cap of 5 a few
     * of them (a road accident, "were killed ... when a car jumped a curb")
     * taught it that "were killed by" is no event.  Cross-validated
     * (docs/model.md), caps 5, 3, 2, 1 gave PentaClass 0.780, 0.784, 0.786,
     * 0.787 and events on the 59 sentences 9, 9, 10, 12. */
    double cw[64];
    for (uint32_t c = 0; c < k; c++) cw[c] = 1;
    if (o->balance) {
        double cnt[64] = {0}, tot = 0;
        for (size_t u = 0; u < nuse; u++) {
            const vg_example *e = &ts->ex.v[use[u]];
            if (popcount64(e->allowed) == 1) { cnt[first_bit(e->allowed)] += e->weight; tot += e->weight; }
        }
        for (uint32_t c = 0; c < k; c++) {
            double x = cnt[c] > 0 ? tot / (k * cnt[c]) : 1;
            cw[c] = x < 0.2 ? 0.2 : x > 3 ? 3 : x;
        }
    }

    vg_head_w *h = vg_calloc(1, sizeof *h);
    h->task = ts->task;
    h->k = k;
    h->nf = (uint32_t)keys.n;
    h->keys = keys.v;
    h->w = vg_calloc((size_t)h->nf * k + 1, sizeof *h->w);
    float *g2 = vg_calloc((size_t)h->nf * k + 1, sizeof *g2);
    uint32_t *order = vg_malloc((nuse + 1) * sizeof *order);
    for (size_t u = 0; u < nuse; u++) order[u] = (uint32_t)u;
    uint64_t state = o->seed ? o->seed * 0x9E3779B97F4A7C15ULL : 0x9E3779B97F4A7C15ULL;
    double s[64], g[64];
    if (o->perceptron) {
        /* averaged perceptron (Collins 2002): on a mistake, the best allowed
         * class gains the features and the predicted one loses them; the
         * weights returned are the average over all steps.  g2 holds the
         * running sum of updates weighted by their step. */
        double step = 1;
        for (int ep = 0; ep < o->epochs; ep++) {
            shuffle(order, nuse, &state);
            for (size_t oi = 0; oi < nuse; oi++, step++) {
                uint32_t u = order[oi];
                const vg_example *e = &ts->ex.v[use[u]];
                for (uint32_t c = 0; c < k; c++) s[c] = 0;
                for (uint32_t j = roff[u]; j < roff[u + 1]; j++) {
                    const float *w = h->w + (size_t)rows.v[j] * k;
                    for (uint32_t c = 0; c < k; c++) s[c] += w[c];
                }
                uint32_t pred = 0, gold = (uint32_t)first_bit(e->allowed);
                for (uint32_t c = 1; c < k; c++) if (s[c] > s[pred]) pred = c;
                if (e->allowed >> pred & 1) continue;
                for (uint32_t c = 0; c < k; c++)
                    if (e->allowed >> c & 1 && s[c] > s[gold]) gold = c;
                float wt = e->weight;
                for (uint32_t j = roff[u]; j < roff[u + 1]; j++) {
                    float *w = h->w + (size_t)rows.v[j] * k, *acc = g2 + (size_t)rows.v[j] * k;
                    w[gold] += wt;
                    w[pred] -= wt;
                    acc[gold] += (float)(step * wt);
                    acc[pred] -= (float)(step * wt);
                }
            }
        }
        for (size_t i = 0; i < (size_t)h->nf * k; i++) h->w[i] -= (float)(g2[i] / step);
        free(order);
        free(g2);
        free(roff);
        vg_vec_free(&rows);
        return h;
    }
    for (int ep = 0; ep < o->epochs; ep++) {
        shuffle(order, nuse, &state);
        for (size_t oi = 0; oi < nuse; oi++) {
            uint32_t u = order[oi];
            const vg_example *e = &ts->ex.v[use[u]];
            for (uint32_t c = 0; c < k; c++) s[c] = 0;
            for (uint32_t j = roff[u]; j < roff[u + 1]; j++) {
                const float *w = h->w + (size_t)rows.v[j] * k;
                for (uint32_t c = 0; c < k; c++) s[c] += w[c];
            }
            /* an example's weight is how often it is seen: weight 0.2 means
             * one epoch in five on average (seeded); a class weight scales
             * the step.  Scaling the step by the example weight instead does
             * not work with AdaGrad: a feature seen only in down-weighted
             * data gets full-size steps all the same. */
            double ew = e->weight, reps = floor(ew);
            if ((double)(xorshift(&state) >> 11) * 0x1.0p-53 < ew - reps) reps += 1;
            if (reps <= 0) continue;
            softmax(s, k);
            double in = 0;
            for (uint32_t c = 0; c < k; c++) if (e->allowed >> c & 1) in += s[c];
            double wt = reps;
            if (popcount64(e->allowed) == 1) wt *= cw[first_bit(e->allowed)];
            for (uint32_t c = 0; c < k; c++) {
                double q = (e->allowed >> c & 1) && in > 0 ? s[c] / in : 0;
                g[c] = s[c] - q;
            }
            for (uint32_t j = roff[u]; j < roff[u + 1]; j++) {
                float *w = h->w + (size_t)rows.v[j] * k, *gg = g2 + (size_t)rows.v[j] * k;
                for (uint32_t c = 0; c < k; c++) {
                    gg[c] += (float)(g[c] * g[c]);
                    w[c] -= (float)(o->rate * wt * g[c] / (sqrt(gg[c]) + 1e-6));
                    w[c] *= (float)(1 - o->l2);
                }
            }
        }
    }
    free(order);
    free(g2);
    free(roff);
    vg_vec_free(&rows);
    return h;
}

static int32_t head_w_row(const vg_head_w *h, uint32_t key)
{
    size_t lo = 0, hi = h->nf;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < h->nf && h->keys[lo] == key ? (int32_t)lo : -1;
}

void vg_head_w_predict(const vg_head_w *h, const uint32_t *feats, size_t n, double *p)
{
    for (uint32_t c = 0; c < h->k; c++) p[c] = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t r = head_w_row(h, feats[i]);
        if (r < 0) continue;
        for (uint32_t c = 0; c < h->k; c++) p[c] += h->w[(size_t)r * h->k + c];
    }
    softmax(p, h->k);
}

double vg_train_cv(const vg_trainset *ts, const vg_train_opts *o, int k, size_t *conf,
                   double *dict_acc)
{
    size_t K = vg_task_classes(ts->task, NULL);
    if (conf) memset(conf, 0, K * K * sizeof *conf);
    /* folds by group: the groups in order of appearance, shuffled */
    u32map gidx = {0};
    VG_VEC(uint32_t) groups = {0};
    for (size_t i = 0; i < ts->ex.n; i++) {
        int32_t g = ts->ex.v[i].group;
        if (g < 0) continue;
        uint32_t *r = u32map_ref(&gidx, (uint32_t)g, false);
        if (!r) {
            *u32map_ref(&gidx, (uint32_t)g, true) = (uint32_t)groups.n;
            vg_vec_push(&groups, (uint32_t)g);
        }
    }
    uint32_t *perm = vg_malloc((groups.n + 1) * sizeof *perm);
    for (size_t i = 0; i < groups.n; i++) perm[i] = (uint32_t)i;
    uint64_t state = (o->seed + 7) * 0x9E3779B97F4A7C15ULL;
    shuffle(perm, groups.n, &state);
    uint32_t *fold_of = vg_malloc((groups.n + 1) * sizeof *fold_of);
    for (size_t i = 0; i < groups.n; i++) fold_of[perm[i]] = (uint32_t)(i % (size_t)k);
    size_t right = 0, total = 0, dright = 0;
    bool dict_known = false;
    uint32_t *use = vg_malloc((ts->ex.n + 1) * sizeof *use);
    for (int f = 0; f < k; f++) {
        size_t nu = 0;
        for (size_t i = 0; i < ts->ex.n; i++) {
            int32_t g = ts->ex.v[i].group;
            if (g < 0 || fold_of[*u32map_ref(&gidx, (uint32_t)g, false)] != (uint32_t)f)
                use[nu++] = (uint32_t)i;
        }
        vg_head_w *h = vg_train_head(ts, use, nu, o);
        for (size_t i = 0; i < ts->ex.n; i++) {
            const vg_example *e = &ts->ex.v[i];
            if (e->group < 0 || fold_of[*u32map_ref(&gidx, (uint32_t)e->group, false)] != (uint32_t)f)
                continue;
            double p[64];
            vg_head_w_predict(h, ts->feats.v + e->off, e->n, p);
            size_t best = 0;
            for (size_t c = 1; c < K; c++) if (p[c] > p[best]) best = c;
            total++;
            right += (e->allowed >> best & 1) != 0;
            if (e->dict_class != -2) dict_known = true;
            dright += e->dict_class >= 0 && (e->allowed >> e->dict_class & 1);
            if (conf && popcount64(e->allowed) == 1) conf[(size_t)first_bit(e->allowed) * K + best]++;
        }
        vg_head_w_free(h);
    }
    free(use);
    free(perm);
    free(fold_of);
    vg_vec_free(&groups);
    u32map_free(&gidx);
    if (dict_acc) *dict_acc = dict_known && total ? (double)dright / (double)total : -1;
    return total ? (double)right / (double)total : 0;
}

/* --------------------------------------------------------------- builder */

struct vg_model_builder {
    vg_head_out h[VG_NTASKS];
    bool have[VG_NTASKS];
    uint32_t *own_keys[VG_NTASKS];
    int16_t *own_w[VG_NTASKS];
    char *info;
};

vg_model_builder *vg_model_builder_new(const vg_model *base)
{
    vg_model_builder *b = vg_calloc(1, sizeof *b);
    for (int t = 0; t < VG_NTASKS; t++) {
        vg_head_out o;
        if (!vg_model_head(base, (vg_task)t, &o)) continue;
        b->h[t] = o;
        b->have[t] = true;
        b->own_keys[t] = (uint32_t *)o.keys;
        b->own_w[t] = (int16_t *)o.w;
    }
    return b;
}

void vg_model_builder_add(vg_model_builder *b, vg_task t, const vg_head_w *hw)
{
    free(b->own_keys[t]);
    free(b->own_w[t]);
    double mx = 0;
    for (size_t i = 0; i < (size_t)hw->nf * hw->k; i++)
        if (fabs(hw->w[i]) > mx) mx = fabs(hw->w[i]);
    float scale = mx > 0 ? (float)(mx / 32767.0) : 1.0f;
    uint32_t *keys = vg_malloc(((size_t)hw->nf + 1) * sizeof *keys);
    int16_t *w = vg_malloc(((size_t)hw->nf * hw->k + 1) * sizeof *w);
    uint32_t rows = 0;
    for (uint32_t r = 0; r < hw->nf; r++) {
        int16_t q[64];
        bool any = false;
        for (uint32_t c = 0; c < hw->k; c++) {
            long v = lrint(hw->w[(size_t)r * hw->k + c] / scale);
            if (v > 32767) v = 32767;
            if (v < -32767) v = -32767;
            q[c] = (int16_t)v;
            any |= v != 0;
        }
        if (!any) continue;
        keys[rows] = hw->keys[r];
        memcpy(w + (size_t)rows * hw->k, q, hw->k * sizeof *q);
        rows++;
    }
    b->own_keys[t] = keys;
    b->own_w[t] = w;
    vg_head_out o = { t, hw->k, rows, scale, keys, w };
    b->h[t] = o;
    b->have[t] = true;
}

void vg_model_builder_info(vg_model_builder *b, const char *text)
{
    free(b->info);
    b->info = vg_strdup(text ? text : "");
}

void vg_model_builder_write(vg_model_builder *b, vg_buf *out)
{
    vg_head_out hs[VG_NTASKS];
    size_t n = 0;
    for (int t = 0; t < VG_NTASKS; t++)
        if (b->have[t]) hs[n++] = b->h[t];
    vg_model_write(b->info, hs, n, out);
}

void vg_model_builder_free(vg_model_builder *b)
{
    if (!b) return;
    for (int t = 0; t < VG_NTASKS; t++) {
        free(b->own_keys[t]);
        free(b->own_w[t]);
    }
    free(b->info);
    free(b);
}

/* ---------------------------------------------------------- reading data */

typedef struct reader {
    vg_trainset *ts;
    vg_matcher *c;
    const char *path;
    float weight;
    int32_t date;
    vg_diag *diag;
    vg_feats f;
    vg_units units;
    size_t added;
} reader;

/* What the dictionaries alone say, at the task's granularity (-1: nothing). */
static int32_t dict_class(vg_task t, const vg_result *r)
{
    if (t == VG_TASK_EVENT) return r->events.n ? 1 : 0;
    if (!r->events.n) return -1;
    const vg_cameo *c = vg_cameo_get(r->events.v[0].code);
    if (!c) return -1;
    switch (t) {
    case VG_TASK_PENTA: return c->penta;
    case VG_TASK_ROOT: return vg_task_class(VG_TASK_ROOT, c->root);
    case VG_TASK_PLOVER: return vg_task_class(VG_TASK_PLOVER, c->plover);
    default: return -1;
    }
}

static void add_example(reader *rd, const vg_feats *f, uint64_t allowed, float weight,
                        int32_t group, long line, int32_t dclass)
{
    vg_example e = { (uint32_t)rd->ts->feats.n, (uint32_t)f->id.n, allowed, weight, group,
                     (int32_t)line, dclass };
    for (size_t i = 0; i < f->id.n; i++) vg_vec_push(&rd->ts->feats, f->id.v[i]);
    vg_vec_push(&rd->ts->ex, e);
    rd->added++;
}

static int32_t next_group(const vg_trainset *ts)
{
    int32_t g = 0;
    for (size_t i = 0; i < ts->ex.n; i++)
        if (ts->ex.v[i].group >= g) g = ts->ex.v[i].group + 1;
    return g;
}

/* Codes a text and adds it as one example. */
static void add_text(reader *rd, const char *text, size_t len, uint64_t allowed, float weight,
                     int32_t group, long line, int32_t date)
{
    vg_buf clean = {0};
    vg_utf8_repair(text, len, &clean);
    vg_result r = {0};
    vg_matcher_new_story(rd->c);
    vg_matcher_code(rd->c, clean.s ? clean.s : "", clean.len, date, &r);
    vg_feats_sentence(vg_matcher_analysis(rd->c), &r, &rd->f);
    add_example(rd, &rd->f, allowed, weight, group, line, dict_class(rd->ts->task, &r));
    vg_result_free(&r);
    vg_buf_free(&clean);
}

/* Roles: tokens with their BIO tags.  The tokens are joined into a sentence
 * (no space before closing punctuation and clitics), coded, and each coded
 * actor phrase is labelled by the spans it overlaps: S source, T target, R
 * both (reciprocal), none otherwise. */
static void add_tokens(reader *rd, char **toks, char **tags, size_t n, int32_t group, long line,
                       int32_t date)
{
    static const char *const glue[] = { ",", ".", ";", ":", "?", "!", ")", "'s", "'S", "’s",
                                        "'", "n't", "%", NULL };
    vg_buf text = {0};
    VG_VEC(uint32_t) off = {0};
    for (size_t i = 0; i < n; i++) {
        bool g = false;
        for (const char *const *p = glue; *p; p++) g |= !strcmp(toks[i], *p);
        if (i && !g && !(text.len && text.s[text.len - 1] == '(')) vg_buf_putc(&text, ' ');
        vg_vec_push(&off, (uint32_t)text.len);
        vg_buf_puts(&text, toks[i]);
    }
    vg_vec_push(&off, (uint32_t)text.len);
    vg_result r = {0};
    vg_matcher_new_story(rd->c);
    vg_matcher_code(rd->c, text.s ? text.s : "", text.len, date, &r);
    const vg_analysis *a = vg_matcher_analysis(rd->c);
    vg_units_find(a, &rd->units);
    int v = vg_main_verb(a, &r);
    for (size_t u = 0; u < rd->units.n; u++) {
        const vg_unit *un = &rd->units.v[u];
        uint32_t lo = a->tk.t.v[un->first].off, hi = a->tk.t.v[un->last].off + a->tk.t.v[un->last].len;
        uint64_t allowed = 0;
        for (size_t i = 0; i < n; i++) {
            if (off.v[i] >= hi || off.v[i] + strlen(toks[i]) <= lo) continue;
            const char *t = tags[i];
            char c = (t[0] == 'B' || t[0] == 'I') && t[1] == '-' ? t[2] : 'O';
            if (c == 'S') allowed |= 1u;
            else if (c == 'T') allowed |= 2u;
            else if (c == 'R') allowed |= 3u;
        }
        if (!allowed) allowed = 4u;
        vg_feats_role(a, un, &rd->units, v, &rd->f);
        add_example(rd, &rd->f, allowed, rd->weight, group, line, -2);
    }
    vg_result_free(&r);
    vg_vec_free(&off);
    vg_buf_free(&text);
}

static int penta_of_root_index(int r)
{
    char root[3] = { (char)('0' + (r + 1) / 10), (char)('0' + (r + 1) % 10), 0 };
    return vg_cameo_penta_of_root(root);
}

/* The allowed classes of a label for the task: a class, or a coarser or
 * finer label that maps onto several (penta <-> root <-> PLOVER). */
static uint64_t mask_of(vg_task task, vg_task given, const char *label)
{
    int k = vg_task_class(given, label);
    if (k < 0) return 0;
    if (given == task) return 1ull << k;
    uint64_t m = 0;
    switch (task) {
    case VG_TASK_EVENT:
        return given == VG_TASK_ROLES ? 0 : 2;    /* any class of an event: yes */
    case VG_TASK_PENTA:
        if (given == VG_TASK_ROOT) return 1ull << penta_of_root_index(k);
        if (given == VG_TASK_PLOVER)
            for (int r = 0; r < 20; r++)
                if (vg_model_plover_roots(k) >> r & 1) m |= 1ull << penta_of_root_index(r);
        return m;
    case VG_TASK_ROOT:
        if (given == VG_TASK_PENTA) {
            for (int r = 0; r < 20; r++)
                if (penta_of_root_index(r) == k) m |= 1ull << r;
            return m;
        }
        if (given == VG_TASK_PLOVER) return vg_model_plover_roots(k);
        return 0;
    case VG_TASK_PLOVER:
        if (given == VG_TASK_ROOT) return vg_model_root_plovers(k);
        return 0;
    default:
        return 0;
    }
}

void vg_tdata_opts_default(vg_tdata_opts *o)
{
    o->fmt = VG_TDATA_AUTO;
    o->weight = 1;
    o->date = 20180701;
    o->labels = -1;
    o->train_only = false;
}

vg_tdata_fmt vg_tdata_guess(const char *path, const char *text, size_t len)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && (!strcmp(dot, ".jsonl") || !strcmp(dot, ".json"))) return VG_TDATA_JSONL;
    if (dot && !strcmp(dot, ".tsv")) return VG_TDATA_TSV;
    if (dot && (!strcmp(dot, ".bio") || !strcmp(dot, ".conll"))) return VG_TDATA_BIO;
    size_t i = 0;
    while (i < len && vg_isspace((unsigned char)text[i])) i++;
    if (i < len && text[i] == '{') return VG_TDATA_JSONL;
    for (; i < len && text[i] != '\n'; i++)
        if (text[i] == '\t') return VG_TDATA_TSV;
    return VG_TDATA_BIO;
}

/* "YYYY-MM-DD" or "YYYYMMDD" -> yyyymmdd (a plausible date, not checked
 * against the calendar beyond month and day ranges). */
static bool parse_date(const char *s, int32_t *out)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
        sscanf(s, "%4d%2d%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31) return false;
    *out = y * 10000 + m * 100 + d;
    return true;
}

/* A JSON label (string, number, boolean or a list of them) -> classes. */
static uint64_t json_mask(vg_task task, vg_task given, json_t *v, const char **bad)
{
    char buf[64];
    if (json_is_array(v)) {
        uint64_t m = 0;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            uint64_t k = json_mask(task, given, x, bad);
            if (!k) return 0;
            m |= k;
        }
        if (!m && !*bad) *bad = "empty label list";
        return m;
    }
    if (json_is_string(v)) snprintf(buf, sizeof buf, "%s", json_string_value(v));
    else if (json_is_integer(v)) snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    else if (json_is_boolean(v)) snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
    else { *bad = "a label must be a string, number, boolean or list"; return 0; }
    if (given == VG_TASK_ROOT && json_is_integer(v) && strlen(buf) == 1) {
        buf[1] = buf[0];
        buf[0] = '0';
        buf[2] = '\0';
    }
    uint64_t m = mask_of(task, given, buf);
    if (!m && !*bad) *bad = "unknown label";
    return m;
}

static const char *const label_fields[VG_NTASKS][4] = {
    [VG_TASK_EVENT] = { "event", "penta", "root", "plover" },
    [VG_TASK_PENTA] = { "penta", "root", "plover", NULL },
    [VG_TASK_ROOT] = { "root", "plover", "penta", NULL },
    [VG_TASK_PLOVER] = { "plover", "root", NULL, NULL },
    [VG_TASK_ROLES] = { NULL, NULL, NULL, NULL },
};

static const char *const tasks_fields[VG_NTASKS] = { "event", "penta", "root", "plover", "tags" };

static void jsonl_line(reader *rd, const vg_tdata_opts *o, const char *s, size_t n, long line,
                       int32_t group)
{
    vg_task task = rd->ts->task;
    json_error_t je;
    json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line, "not a JSON object%s%s",
                    j ? "" : ": ", j ? "" : je.text);
        json_decref(j);
        return;
    }
    int32_t date = o->date;
    json_t *d = json_object_get(j, "date");
    if (json_is_string(d) && !parse_date(json_string_value(d), &date)) {
        vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line, "bad date '%.40s'",
                    json_string_value(d));
        json_decref(j);
        return;
    }
    if (task == VG_TASK_ROLES) {
        json_t *tk = json_object_get(j, "tokens"), *tg = json_object_get(j, "tags");
        if (!json_is_array(tk) || !json_is_array(tg) || json_array_size(tk) != json_array_size(tg) ||
            !json_array_size(tk)) {
            vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line,
                        "roles need \"tokens\" and \"tags\" lists of the same, non-zero length");
            json_decref(j);
            return;
        }
        size_t nt = json_array_size(tk);
        char **toks = vg_calloc(nt, sizeof *toks), **tags = vg_calloc(nt, sizeof *tags);
        bool ok = true;
        for (size_t i = 0; i < nt && ok; i++) {
            json_t *a = json_array_get(tk, i), *b = json_array_get(tg, i);
            const char *t = json_string_value(b);
            ok = json_is_string(a) && t && (!strcmp(t, "O") || ((t[0] == 'B' || t[0] == 'I') &&
                 t[1] == '-' && strchr("STR", t[2]) && t[2] && !t[3]));
            if (ok) { toks[i] = (char *)json_string_value(a); tags[i] = (char *)t; }
        }
        if (ok) add_tokens(rd, toks, tags, nt, group, line, date);
        else vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line,
                         "a tag must be O, B-S, I-S, B-T, I-T, B-R or I-R");
        free(toks);
        free(tags);
        json_decref(j);
        return;
    }
    json_t *t = json_object_get(j, "text");
    const char *text = json_string_value(t);
    if (!text || !*text) {
        vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line, "empty or missing \"text\"");
        json_decref(j);
        return;
    }
    uint64_t m = 0;
    const char *bad = NULL, *field = NULL;
    json_t *l = json_object_get(j, "label");
    if (l) {
        field = "label";
        m = json_mask(task, o->labels >= 0 ? (vg_task)o->labels : task, l, &bad);
    }
    for (int k = 0; !l && k < 4 && label_fields[task][k]; k++) {
        json_t *x = json_object_get(j, label_fields[task][k]);
        if (!x) continue;
        vg_task given;
        vg_task_parse(label_fields[task][k], &given);
        field = label_fields[task][k];
        m = json_mask(task, given, x, &bad);
        break;
    }
    bool other = false;
    for (int k = 0; k < VG_NTASKS; k++) other |= json_object_get(j, tasks_fields[k]) != NULL;
    if (!field && other) {
        /* a line of a file with several tasks' labels, none of them this task's */
    } else if (!field) {
        vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line, "no \"label\" (or \"%s\")",
                    vg_task_name(task));
    } else if (!m) {
        vg_diag_add(rd->diag, VG_DIAG_ERROR, rd->path, line, "%s in \"%s\" for task %s",
                    bad ? bad : "unknown label", field, vg_task_name(task));
    } else {
        add_text(rd, text, strlen(text), m, rd->weight, group, line, date);
    }
    json_decref(j);
}

size_t vg_trainset_read(vg_trainset *ts, vg_matcher *c, const char *path, const char *text,
                        size_t len, const vg_tdata_opts *o, vg_diag *diag)
{
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.ts = ts;
    rd.c = c;
    rd.path = path;
    rd.weight = o->weight;
    rd.date = o->date;
    rd.diag = diag;
    vg_tdata_fmt fmt = o->fmt == VG_TDATA_AUTO ? vg_tdata_guess(path, text, len) : o->fmt;
    vg_task given = o->labels >= 0 ? (vg_task)o->labels : ts->task;
    int32_t group = next_group(ts);
    vg_lines ln;
    vg_lines_init(&ln, text, len);
    const char *s;
    size_t n;
    if (fmt == VG_TDATA_BIO && ts->task != VG_TASK_ROLES) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "token/tag files train the roles task only");
        return 0;
    }
    if (fmt == VG_TDATA_BIO) {
        VG_VEC(char *) toks = {0};
        VG_VEC(char *) tags = {0};
        long start = 1;
        bool bad = false;
        for (bool more = true; more;) {
            more = vg_lines_next(&ln, &s, &n);
            while (more && n && vg_isspace((unsigned char)s[n - 1])) n--;
            if (!more || n == 0) {
                if (toks.n && !bad)
                    add_tokens(&rd, toks.v, tags.v, toks.n, o->train_only ? -1 : group++, start,
                               o->date);
                for (size_t i = 0; i < toks.n; i++) { free(toks.v[i]); free(tags.v[i]); }
                toks.n = tags.n = 0;
                bad = false;
                start = ln.lineno + 1;
                continue;
            }
            const char *sp = s + n;
            while (sp > s && sp[-1] != ' ' && sp[-1] != '\t') sp--;
            size_t tl = (size_t)(s + n - sp);
            bool ok = sp > s && (tl == 1 ? *sp == 'O' : tl == 3 && (sp[0] == 'B' || sp[0] == 'I') &&
                                 sp[1] == '-' && strchr("STR", sp[2]));
            if (!ok) {
                if (!bad) vg_diag_add(diag, VG_DIAG_ERROR, path, ln.lineno,
                                      "expected \"TOKEN TAG\" with TAG O, B-S, I-S, B-T, I-T, "
                                      "B-R or I-R; sentence skipped");
                bad = true;
                continue;
            }
            size_t wl = (size_t)(sp - s);
            while (wl && (s[wl - 1] == ' ' || s[wl - 1] == '\t')) wl--;
            vg_vec_push(&toks, vg_strndup(s, wl));
            vg_vec_push(&tags, vg_strndup(sp, tl));
        }
        vg_vec_free(&toks);
        vg_vec_free(&tags);
    } else {
        while (vg_lines_next(&ln, &s, &n)) {
            while (n && vg_isspace((unsigned char)s[n - 1])) n--;
            size_t i = 0;
            while (i < n && vg_isspace((unsigned char)s[i])) i++;
            if (i == n) continue;
            int32_t g = o->train_only ? -1 : group++;
            if (fmt == VG_TDATA_JSONL) {
                jsonl_line(&rd, o, s + i, n - i, ln.lineno, g);
                continue;
            }
            if (ts->task == VG_TASK_ROLES) {
                vg_diag_add(diag, VG_DIAG_ERROR, path, ln.lineno,
                            "the roles task needs token/tag data, not sentence<TAB>label");
                break;
            }
            const char *tab = memchr(s + i, '\t', n - i);
            const char *last = tab;
            while (last && memchr(last + 1, '\t', (size_t)(s + n - last - 1)))
                last = memchr(last + 1, '\t', (size_t)(s + n - last - 1));
            if (!tab) {
                vg_diag_add(diag, VG_DIAG_ERROR, path, ln.lineno, "expected sentence<TAB>label");
                continue;
            }
            char label[64];
            size_t ll = (size_t)(s + n - last - 1);
            snprintf(label, sizeof label, "%.*s", (int)(ll < 63 ? ll : 63), last + 1);
            uint64_t m = mask_of(ts->task, given, label);
            size_t tlen = (size_t)(last - (s + i));
            if (!tlen) {
                vg_diag_add(diag, VG_DIAG_ERROR, path, ln.lineno, "empty sentence");
                continue;
            }
            if (!m) {
                vg_diag_add(diag, VG_DIAG_ERROR, path, ln.lineno,
                            "unknown label '%s' for task %s", label, vg_task_name(ts->task));
                continue;
            }
            add_text(&rd, s + i, tlen, m, rd.weight, g, ln.lineno, o->date);
        }
    }
    vg_feats_free(&rd.f);
    vg_vec_free(&rd.units);
    return rd.added;
}
