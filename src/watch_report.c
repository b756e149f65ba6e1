/* watch_report.c -- `vigil report`: a dyad's plain-text report for the
 * terminal (sparklines, totals, alerts, the most reported events with their
 * sentences), read through the store. */
#include "watch.h"
#include "ontology.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void vg_watch_sparkline(const double *v, size_t n, vg_buf *out)
{
    static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    double max = 0;
    for (size_t i = 0; i < n; i++) if (v[i] > max) max = v[i];
    for (size_t i = 0; i < n; i++) {
        int lvl = 0;
        if (max > 0 && v[i] > 0) lvl = 1 + (int)ceil(6.0 * v[i] / max);
        vg_buf_puts(out, blocks[lvl > 7 ? 7 : lvl]);
    }
}

/* Sums groups of `g` consecutive periods of one direction into columns. */
static size_t report_columns(const vg_watch_series *s, size_t g, double *conf, double *mat,
                             double *coop)
{
    size_t nc = (s->n + g - 1) / g;
    for (size_t c = 0; c < nc; c++) conf[c] = mat[c] = coop[c] = 0;
    for (size_t i = 0; i < s->n; i++) {
        const vg_cell *x = &s->cell[VG_DIR_BOTH][i];
        conf[i / g] += x->quad[3] + x->quad[4];
        mat[i / g] += x->quad[4];
        coop[i / g] += x->quad[1] + x->quad[2];
    }
    return nc;
}

static void report_totals(const vg_watch_series *s, vg_buf *out)
{
    vg_cell t[VG_NDIR];
    memset(t, 0, sizeof t);
    for (int k = 0; k < VG_NDIR; k++)
        for (size_t i = 0; i < s->n; i++) {
            const vg_cell *c = &s->cell[k][i];
            t[k].events += c->events;
            for (int q = 0; q < 5; q++) t[k].quad[q] += c->quad[q];
            t[k].gold_sum += c->gold_sum;
            t[k].gold_n += c->gold_n;
        }
    const vg_cell *b = &t[VG_DIR_BOTH];
    vg_buf_printf(out, "  events        %6d   (%s>%s %d, %s>%s %d)\n", b->events, s->dyad.a,
                  s->dyad.b, t[VG_DIR_AB].events, s->dyad.b, s->dyad.a, t[VG_DIR_BA].events);
    vg_buf_printf(out, "  cooperation   %6d   (verbal %d, material %d)\n",
                  b->quad[1] + b->quad[2], b->quad[1], b->quad[2]);
    vg_buf_printf(out, "  conflict      %6d   (verbal %d, material %d)\n",
                  b->quad[3] + b->quad[4], b->quad[3], b->quad[4]);
    vg_buf_printf(out, "  Goldstein     %6.2f   mean; conflict-cooperation index %.2f\n",
                  vg_cell_gold_mean(b), vg_cell_cci(b));
    if (s->coarse)
        vg_buf_printf(out, "  (%zu more event%s dated only to a week, month or year: not in these "
                      "%s counts)\n", s->coarse, s->coarse == 1 ? "" : "s", vg_period_name(s->by));
    vg_buf_putc(out, '\n');
}

static void report_sparklines(const vg_watch_series *s, const vg_watch_alerts *al, int width, vg_buf *out)
{
    size_t g = (s->n + (size_t)width - 1) / (size_t)width;
    if (!g) g = 1;
    double *conf = vg_malloc(3 * (s->n / g + 2) * sizeof(double));
    double *mat = conf + s->n / g + 2, *coop = mat + s->n / g + 2;
    size_t nc = report_columns(s, g, conf, mat, coop);
    char a[11], b[11];
    vg_period_label(s->by, s->start[0], a);
    vg_period_label(s->by, s->start[s->n - 1], b);
    vg_buf_printf(out, "  %-12s %s .. %s, one column = %zu %s%s\n", "", a, b, g,
                  vg_period_name(s->by), g > 1 ? "s" : "");
    const char *names[3] = { "conflict", " material", "cooperation" };
    double *rows[3] = { conf, mat, coop };
    for (int r = 0; r < 3; r++) {
        double max = 0;
        for (size_t c = 0; c < nc; c++) if (rows[r][c] > max) max = rows[r][c];
        vg_buf_printf(out, "  %-12s ", names[r]);
        vg_watch_sparkline(rows[r], nc, out);
        vg_buf_printf(out, "  max %.0f\n", max);
    }
    vg_buf_printf(out, "  %-12s ", "alerts");
    for (size_t c = 0; c < nc; c++) {
        long c0 = s->start[c * g], c1 = (c + 1) * g < s->n ? s->start[(c + 1) * g] - 1 : s->to;
        const char *mark = " ";
        for (size_t i = 0; i < al->n; i++) {
            if (al->v[i].start >= c0 && al->v[i].start <= c1) { mark = "▲"; break; }
            if (al->v[i].start < c0 && al->v[i].end >= c0) mark = "─";
        }
        vg_buf_puts(out, mark);
    }
    vg_buf_puts(out, "\n\n");
    free(conf);
}

static void report_alerts(const vg_watch_report_opts *o, const vg_watch_alerts *al, vg_buf *out)
{
    const vg_watch_params *p = &o->params;
    vg_buf_printf(out, "Alerts (CUSUM on daily conflict intensity: k=%.2g, h=%.2g, baseline %d days)\n",
                  p->k, p->h, p->baseline_days);
    if (!al->n) vg_buf_puts(out, "  none\n");
    for (size_t i = 0; i < al->n; i++) {
        const vg_watch_alert *x = &al->v[i];
        char s[11], e[11], sev[96];
        vg_day_format(x->start, s);
        vg_day_format(x->end, e);
        vg_watch_alert_severity(x, sev, sizeof sev);
        vg_buf_printf(out, "  %s .. %s%s  %s: %d conflict events, peak %.1f per 7 days"
                      " (baseline %.1f)\n    driven by:", s, e, x->ongoing ? " (ongoing)" : "",
                      sev, x->n_events, x->peak7, 7 * x->baseline);
        for (size_t k = 0; k < x->drivers.n && k < 10; k++)
            vg_buf_printf(out, " #%lld", (long long)x->drivers.v[k]);
        vg_buf_puts(out, x->drivers.n > 10 ? " ...\n" : "\n");
    }
    vg_buf_putc(out, '\n');
}

static const char *nz(const char *s) { return s ? s : ""; }

/* The columns of VG_MENTION_COLS used here. */
enum { M_ARTICLE_DATE = 2, M_ARTICLE_SOURCE = 3, M_URL = 4, M_SENTENCE = 7 };

static bool sentence_row(void *ctx, int nc, const char *const *v)
{
    if (nc < 15) return false;
    const char *src = nz(v[M_ARTICLE_SOURCE]), *url = nz(v[M_URL]);
    vg_buf_printf(ctx, "     \"%s\"\n        -- %s, %s%s%s\n", nz(v[M_SENTENCE]),
                  *src ? src : "unknown source", nz(v[M_ARTICLE_DATE]), *url ? " " : "", url);
    return true;
}

/* The columns of VG_EVENT_COLS used here. */
enum { E_DATE = 1, E_SOURCE = 3, E_TARGET = 4, E_CODE = 7, E_QUAD = 9, E_GOLDSTEIN = 11,
       E_PLACE = 13, E_COUNTRY = 15, E_MENTIONS = 21, E_ARTICLES = 22, E_SOURCES = 23 };

typedef struct event_line {
    int rank;
    vg_buf *out;
} event_line;

static bool event_row(void *ctx, int nc, const char *const *v)
{
    event_line *x = ctx;
    if (nc < 25) return false;
    const vg_cameo *c = vg_cameo_get(nz(v[E_CODE]));
    vg_buf_printf(x->out, "  %2d. %s  #%s  %s > %s  %s %s (Goldstein %.1f, QuadClass %d)\n",
                  x->rank, nz(v[E_DATE]), nz(v[0]), nz(v[E_SOURCE]), nz(v[E_TARGET]),
                  nz(v[E_CODE]), c ? c->name : "?", v[E_GOLDSTEIN] ? strtod(v[E_GOLDSTEIN], NULL) : 0.0,
                  atoi(nz(v[E_QUAD])));
    vg_buf_printf(x->out, "      %s%s%s  %d mentions, %d articles, %d sources\n",
                  *nz(v[E_PLACE]) ? v[E_PLACE] : "place unknown", *nz(v[E_COUNTRY]) ? ", " : "",
                  nz(v[E_COUNTRY]), atoi(nz(v[E_MENTIONS])), atoi(nz(v[E_ARTICLES])),
                  atoi(nz(v[E_SOURCES])));
    return false;
}

static void report_event(vg_store *st, int rank, int64_t id, int nsent, vg_buf *out)
{
    vg_event_query q = { .cols = VG_COLS_EVENT };
    q.f.ids = &id;
    q.f.nids = 1;
    event_line x = { rank, out };
    vg_store_read_events(st, &q, event_row, &x);
    if (nsent > 0) vg_store_read_mentions(st, id, nsent, sentence_row, out);
}

static vg_period report_period(const vg_watch_report_opts *o)
{
    return o->by_given ? o->by : VG_BY_DAY;
}

bool vg_watch_report(vg_store *st, const vg_watch_report_opts *o, vg_buf *out, char *err, size_t errsz)
{
    vg_watch_series s;
    long from = o->from, to = o->to;
    if (!vg_watch_load_series(st, &o->dyad, VG_BY_DAY, from, to, VG_WATCH_MAX_PERIODS, &s, err, errsz))
        return false;
    vg_buf_printf(out, "Vigil report: %s-%s (%s <-> %s)\n", o->dyad.a, o->dyad.b, o->dyad.a, o->dyad.b);
    if (!s.n) {
        vg_buf_puts(out, "  no events\n");
        vg_watch_series_free(&s);
        return true;
    }
    from = s.from;
    to = s.to;
    vg_watch_series_free(&s);
    if (!vg_watch_load_series(st, &o->dyad, report_period(o), from, to,
                         VG_WATCH_MAX_PERIODS, &s, err, errsz))
        return false;
    vg_watch_alerts al = {0};
    bool ok = vg_watch_dyad_alerts(st, &o->params, &o->dyad, from, &al, err, errsz);
    for (size_t i = al.n; ok && i-- > 0;)
        if (al.v[i].start > to) { vg_vec_free(&al.v[i].drivers); al.v[i] = al.v[--al.n]; }
    vg_watch_alerts_sort(&al);
    vg_watch_ids top = {0};
    if (ok) ok = vg_watch_top_events(st, &o->dyad, from, to, o->top, &top, err, errsz);
    if (ok) {
        report_totals(&s, out);
        report_sparklines(&s, &al, o->width, out);
        report_alerts(o, &al, out);
        vg_buf_puts(out, "Top events (by sources, then mentions)\n");
        for (size_t i = 0; i < top.n; i++) report_event(st, (int)i + 1, top.v[i], o->sentences, out);
    }
    vg_vec_free(&top);
    vg_watch_alerts_free(&al);
    vg_watch_series_free(&s);
    return ok;
}
