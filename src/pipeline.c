/* pipeline.c -- see pipeline.h. */
#include "pipeline.h"
#include "text.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void vg_coded_record_free(vg_coded_record *cr)
{
    for (size_t i = 0; i < cr->s.n; i++) vg_result_free(&cr->s.v[i].r);
    vg_vec_free(&cr->s);
    vg_buf_free(&cr->text);
}

static vg_coded_sentence *next_sentence(vg_coded_record *cr)
{
    if (cr->ns == cr->s.n) {
        vg_coded_sentence z = {0};
        vg_vec_push(&cr->s, z);
    }
    return &cr->s.v[cr->ns++];
}

static bool record_date(const vg_record *rec, const vg_options *opt, const vg_code_opts *o,
                        vg_coded_record *out)
{
    const char *dt = rec->date_text.s;
    if (!dt || !*dt) {
        if (!o->default_date) {
            snprintf(out->error, sizeof out->error, "no date");
            return false;
        }
        out->date = o->default_date;
        return true;
    }
    if (vg_date_parse(dt, opt->yyyy || strlen(dt) >= 8, &out->date)) return true;
    snprintf(out->error, sizeof out->error, "bad date '%.40s'", dt);
    return false;
}

/* A story discard phrase in any sentence drops every event of the record. */
static void apply_story_discard(vg_coded_record *out)
{
    const char *why = NULL;
    for (size_t i = 0; i < out->ns && !why; i++)
        if (out->s.v[i].r.story_discard) why = out->s.v[i].r.why;
    if (!why) return;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", why);
    for (size_t i = 0; i < out->ns; i++) {
        vg_result *r = &out->s.v[i].r;
        r->events.n = 0;
        r->status = VG_AN_DISCARD;
        snprintf(r->why, sizeof r->why, "%s", buf);
    }
}

void vg_code_record(vg_matcher *c, vg_decider *dc, const vg_record *rec, const vg_code_opts *o,
                    vg_coded_record *out)
{
    const vg_options *opt = vg_matcher_options(c);
    vg_buf_clear(&out->text);
    out->ns = 0;
    out->error[0] = '\0';
    out->repaired = rec->repaired +
                    vg_utf8_repair(rec->text.s ? rec->text.s : "", rec->text.len, &out->text);
    out->ok = record_date(rec, opt, o, out);
    if (!out->ok) return;
    if (!(opt->tabari_compat && opt->forward)) vg_matcher_new_story(c);
    const char *t = out->text.s ? out->text.s : "";
    if (rec->sentence_level) {
        vg_coded_sentence *s = next_sentence(out);
        s->off = 0;
        s->len = (uint32_t)out->text.len;
        vg_matcher_code(c, t, out->text.len, out->date, &s->r);
        if (dc) vg_decide(dc, c, &s->r);
        apply_story_discard(out);
        return;
    }
    vg_spans spans = {0};
    vg_text_split_sentences(t, out->text.len, &spans);
    for (size_t i = 0; i < spans.n && (!o->lede || (int)i < o->lede); i++) {
        vg_coded_sentence *s = next_sentence(out);
        s->off = spans.v[i].off;
        s->len = spans.v[i].len;
        vg_matcher_code(c, t + s->off, s->len, out->date, &s->r);
        if (dc) vg_decide(dc, c, &s->r);
    }
    vg_vec_free(&spans);
    apply_story_discard(out);
}

/* ---- batches on threads ----
 *
 * Two batches alternate: while the workers code one, the calling thread
 * reads the next records before it and commits the one before that, in
 * input order. */

typedef struct slot {
    vg_record rec;
    vg_coded_record cr;
    vg_buf out;
    void *item;             /* vg_pipeline_io.item_size bytes, or NULL */
    bool keep;              /* emit returned true */
} slot;

typedef struct batch {
    slot *slots;
    size_t n;
    atomic_size_t next;
    const vg_code_opts *co;
    const vg_pipeline_io *io;
} batch;

typedef struct worker {
    batch *b;
    vg_matcher *coder;
    vg_decider *dc;           /* NULL: dictionaries only */
    pthread_t th;
    bool running;
} worker;

static void work(batch *b, vg_matcher *coder, vg_decider *dc)
{
    size_t i;
    while ((i = atomic_fetch_add(&b->next, 1)) < b->n) {
        slot *s = &b->slots[i];
        vg_buf_clear(&s->out);
        vg_code_record(coder, dc, &s->rec, b->co, &s->cr);
        s->keep = b->io->emit ? b->io->emit(b->io->ctx, &s->rec, &s->cr, &s->out, s->item) : true;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    work(w->b, w->coder, w->dc);
    return NULL;
}

/* Starts coding b on the workers.  With one thread (-j 1) everything runs
 * on the calling thread; so it does if no worker can start. */
static void start_batch(batch *b, worker *ws, int nthreads)
{
    atomic_store(&b->next, 0);
    if (nthreads == 1) {
        work(b, ws[0].coder, ws[0].dc);
        return;
    }
    for (int t = 0; t < nthreads; t++) {
        ws[t].b = b;
        ws[t].running = pthread_create(&ws[t].th, NULL, worker_main, &ws[t]) == 0;
    }
    if (!ws[0].running) work(b, ws[0].coder, ws[0].dc);   /* the others finish what is left */
}

static void finish_batch(worker *ws, int nthreads)
{
    for (int t = 0; t < nthreads; t++)
        if (ws[t].running) pthread_join(ws[t].th, NULL);
    for (int t = 0; t < nthreads; t++) ws[t].running = false;
}

/* Reads a file (or stdin for "-") whole. */
static char *slurp(const char *path, size_t *len)
{
    if (strcmp(path, "-") != 0) return vg_read_file(path, len);
    vg_buf b = {0};
    char chunk[65536];
    ssize_t n;
    while ((n = read(0, chunk, sizeof chunk)) > 0) vg_buf_putn(&b, chunk, (size_t)n);
    if (!b.s) b.s = vg_strdup("");
    *len = b.len;
    return b.s;
}

typedef struct source {
    char *const *files;
    size_t nfiles, at;
    char *text;
    vg_reader *rd;
    vg_format fmt;
    bool ok;
} source;

static bool source_next(source *src, vg_record *rec, vg_diag *diag)
{
    while (1) {
        if (src->rd && vg_reader_next(src->rd, rec, diag)) {
            rec->file_no = src->at - 1;
            rec->end_off = vg_reader_offset(src->rd);
            return true;
        }
        vg_reader_free(src->rd);
        free(src->text);
        src->rd = NULL;
        src->text = NULL;
        if (src->at >= src->nfiles) return false;
        const char *path = src->files[src->at++];
        size_t len;
        src->text = slurp(path, &len);
        if (!src->text) {
            vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
            src->ok = false;
            continue;
        }
        src->rd = vg_reader_new(src->fmt, strcmp(path, "-") ? path : "<stdin>", src->text, len);
    }
}

/* At most max bytes of s[0..n), not cutting a UTF-8 sequence. */
static int utf8_cut(const char *s, size_t n, int max)
{
    return n <= (size_t)max ? (int)n : (int)vg_utf8_floor(s, 0, (size_t)max);
}

void vg_sentence_warnings(const vg_dict *d, const char *record, size_t sentence,
                          const vg_result *r, vg_diag *diag)
{
    if (r->budget_pattern < 0 || (size_t)r->budget_pattern >= d->patterns.n) return;
    const vg_pattern *p = &d->patterns.v[r->budget_pattern];
    const char *text = p->text ? vg_dict_str(d, p->text) : "";
    size_t len = strlen(text);
    while (len && vg_isspace((unsigned char)text[len - 1])) len--;
    int cut = utf8_cut(text, len, 100);
    const vg_vblock *b = p->block >= 0 && (size_t)p->block < d->blocks.n ? &d->blocks.v[p->block] : NULL;
    vg_diag_add(diag, VG_DIAG_WARNING, NULL, 0,
                "record %s: sentence %zu: pattern matching gave up after %u steps at "
                "pattern '%.*s%s' of verb %s (%s:%ld); later patterns were not tried",
                record, sentence, r->match_steps, cut, text, (size_t)cut < len ? "..." : "",
                b && b->name ? vg_dict_str(d, b->name) : "?", vg_dict_file_name(d, p->src),
                (long)p->src.line);
}

void vg_coded_record_report(const vg_dict *d, vg_diag *diag, const vg_record *rec,
                            const vg_coded_record *cr)
{
    const char *id = rec->id.len ? rec->id.s : "?";
    if (!cr->ok) {
        const char *hint = strcmp(cr->error, "no date") ? "" : " (give --date)";
        if (rec->line)
            vg_diag_add(diag, VG_DIAG_ERROR, NULL, 0, "record %s (line %ld): %s%s, skipped",
                        id, rec->line, cr->error, hint);
        else
            vg_diag_add(diag, VG_DIAG_ERROR, NULL, 0, "record %s: %s%s, skipped", id, cr->error,
                        hint);
    }
    else if (cr->repaired)
        vg_diag_add(diag, VG_DIAG_WARNING, NULL, 0,
                    "record %s: %zu invalid UTF-8 or control bytes replaced", id, cr->repaired);
    for (size_t i = 0; i < cr->ns; i++)
        if (cr->s.v[i].r.truncated)
            vg_diag_add(diag, VG_DIAG_WARNING, NULL, 0,
                        "record %s: sentence %zu is longer than %d words; coded its start",
                        id, i, 127);
    for (size_t i = 0; i < cr->ns; i++) vg_sentence_warnings(d, id, i, &cr->s.v[i].r, diag);
}

static void count(vg_pipeline_stats *st, const vg_coded_record *cr)
{
    st->records++;
    if (!cr->ok) { st->bad_records++; return; }
    st->sentences += cr->ns;
    for (size_t i = 0; i < cr->ns; i++) st->events += cr->s.v[i].r.events.n;
}

/* Fills b with the next records; false when there are none. */
static bool fill(batch *b, size_t cap, source *src, vg_diag *diag)
{
    b->n = 0;
    while (b->n < cap && source_next(src, &b->slots[b->n].rec, diag)) b->n++;
    return b->n > 0;
}

/* Writes, counts and commits a coded batch in order; false to stop. */
static bool commit_batch(const vg_dict *d, batch *b, const vg_pipeline_io *io, vg_diag *diag,
                         vg_pipeline_stats *stats)
{
    for (size_t i = 0; i < b->n; i++) {
        slot *s = &b->slots[i];
        count(stats, &s->cr);
        vg_coded_record_report(d, diag, &s->rec, &s->cr);
        if (s->out.len && io->out) fwrite(s->out.s, 1, s->out.len, io->out);
        if (!s->keep) return false;
        if (io->commit && !io->commit(io->ctx, &s->rec, &s->cr, &s->out, s->item)) return false;
    }
    return true;
}

static void free_batch(batch *b, size_t cap)
{
    for (size_t i = 0; i < cap; i++) {
        vg_record_free(&b->slots[i].rec);
        vg_coded_record_free(&b->slots[i].cr);
        vg_buf_free(&b->slots[i].out);
        if (b->slots[i].item && b->io->item_free) b->io->item_free(b->slots[i].item);
        free(b->slots[i].item);
    }
    free(b->slots);
}

vg_options vg_code_options(const vg_options *opt, const vg_code_opts *o)
{
    vg_options r = *opt;
    if (o->require_dyad) r.require_dyad = true;
    return r;
}

bool vg_pipeline_run(const vg_dict *d, const vg_options *opt, const vg_code_opts *co,
                     vg_format fmt, char *const *files, size_t nfiles, int nthreads,
                     const vg_pipeline_io *io, vg_diag *diag, vg_pipeline_stats *stats)
{
    if (nthreads < 1) nthreads = 1;
    if (opt->tabari_compat && opt->forward) nthreads = 1;   /* records depend on each other */
    size_t cap = (size_t)nthreads * 256;
    batch bs[2];
    for (int k = 0; k < 2; k++) {
        bs[k].slots = vg_calloc(cap, sizeof(slot));
        for (size_t i = 0; io->item_size && i < cap; i++)
            bs[k].slots[i].item = vg_calloc(1, io->item_size);
        bs[k].n = 0;
        bs[k].co = co;
        bs[k].io = io;
    }
    worker *ws = vg_calloc((size_t)nthreads, sizeof *ws);
    vg_options copt = vg_code_options(opt, co);     /* outlives the coders */
    for (int t = 0; t < nthreads; t++) {
        ws[t].coder = vg_matcher_new(d, &copt);
        if (co->model) ws[t].dc = vg_decider_new(co->model, co->fallback, &co->mopts);
    }
    source src = { files, nfiles, 0, NULL, NULL, fmt, true };
    memset(stats, 0, sizeof *stats);
    int cur = 0;
    bool coding = fill(&bs[cur], cap, &src, diag);
    if (coding) start_batch(&bs[cur], ws, nthreads);
    while (coding) {
        finish_batch(ws, nthreads);
        batch *done = &bs[cur];
        cur ^= 1;
        coding = fill(&bs[cur], cap, &src, diag);
        if (coding) start_batch(&bs[cur], ws, nthreads);
        if (!commit_batch(d, done, io, diag, stats)) break;
    }
    finish_batch(ws, nthreads);
    for (int k = 0; k < 2; k++) free_batch(&bs[k], cap);
    for (int t = 0; t < nthreads; t++) {
        vg_matcher_free(ws[t].coder);
        vg_decider_free(ws[t].dc);
    }
    free(ws);
    vg_reader_free(src.rd);
    free(src.text);
    return src.ok;
}
