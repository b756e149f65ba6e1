/* ingest.c -- see ingest.h: input files to coded articles to the store. */
#include "ingest.h"
#include "ontology.h"
#include "output.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* ================================================================ digests */

/* Each field with its length, so that moving text between fields changes
 * the digest. */
static void digest_field(vg_sha256_ctx *c, const vg_buf *b)
{
    char len[24], *p = len + sizeof len;
    *--p = ':';
    size_t n = b->len;
    do *--p = (char)('0' + n % 10); while (n /= 10);    /* "%zu:", without snprintf's cost */
    vg_sha256_add(c, p, (size_t)(len + sizeof len - p));
    if (b->len) vg_sha256_add(c, b->s, b->len);
}

void vg_article_hash(const vg_record *rec, char out[33])
{
    unsigned char d[32];
    vg_sha256_ctx *c = vg_sha256_begin();
    digest_field(c, &rec->date_text);
    digest_field(c, &rec->source);
    digest_field(c, &rec->url);
    digest_field(c, &rec->title);
    digest_field(c, &rec->text);
    vg_sha256_end(c, d);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[32] = '\0';
}

/* ======================================================= coded articles */

/* The pipeline item: one record's article, filled on a worker thread and
 * added to the store on the calling thread.  Its strings point into the
 * record and the coded record (alive until the commit) or into strs:
 * sentence texts, explanations and date expressions, each NUL-terminated,
 * whose offsets are turned into pointers once strs stops growing. */
typedef struct item {
    vg_article a;
    char hash[33];
    VG_VEC(vg_store_sentence) sents;
    VG_VEC(vg_mention) ments;
    VG_VEC(size_t) sent_off, matched_off, expr_off, issues_off;   /* into strs; SIZE_MAX: none */
    vg_buf strs;
    vg_post_text pt;    /* scratch for a mention's sentence window, kept with the item */
} item;

static void item_free(void *p)
{
    item *it = p;
    vg_vec_free(&it->sents);
    vg_vec_free(&it->ments);
    vg_vec_free(&it->sent_off);
    vg_vec_free(&it->matched_off);
    vg_vec_free(&it->expr_off);
    vg_vec_free(&it->issues_off);
    vg_buf_free(&it->strs);
    vg_post_text_free(&it->pt);
}

typedef struct ingest_ctx {
    vg_store *st;
    const vg_ingest_opts *o;
    vg_ingest_progress *prog;
    const uint64_t *file_start;     /* this run's files: bytes before each */
    bool stop;
    double last_report;
} ingest_ctx;

static size_t put_str(item *it, const char *s, size_t n)
{
    size_t at = it->strs.len;
    vg_buf_putn(&it->strs, s, n);
    vg_buf_putc(&it->strs, '\0');
    return at;
}

/* The mention's date: a time expression near the verb, else the event's
 * date after a dictionary time shift, else the article's. */
static void resolve_date(const vg_coded_record *cr, const vg_post_text *pt, const char *sent,
                         size_t len, const vg_coded_event *e, item *it, vg_mention *m)
{
    vg_date_expr de;
    size_t expr = SIZE_MAX;
    if (vg_date_expr_find_in(vg_date_ymd(cr->date), pt, &de) && de.precision != VG_DATE_NONE) {
        vg_ymd d = de.date;
        if (!d.m) d.m = 1;
        if (!d.d) d.d = 1;
        m->date = vg_date_of_ymd(d);
        m->date_prec = de.precision;
        size_t a = de.span[0] < len ? de.span[0] : len, z = de.span[1] < len ? de.span[1] : len;
        if (z > a) expr = put_str(it, sent + a, z - a);
    } else {
        bool shifted = e->date && e->date != cr->date;   /* a dictionary time shift */
        m->date = shifted ? e->date : cr->date;
        m->date_prec = shifted ? VG_DATE_DAY : VG_DATE_NONE;
    }
    vg_vec_push(&it->expr_off, expr);
}

/* Without a gazetteer: the actors' country, from the ontology. */
static void actor_place(const char *const *cs, size_t n, vg_place *p)
{
    memset(p, 0, sizeof *p);
    p->lat = p->lon = NAN;
    if (!n) return;
    const vg_country *c = vg_country_get(cs[0]);
    snprintf(p->name, sizeof p->name, "%s", c ? c->name : cs[0]);
    snprintf(p->country, sizeof p->country, "%s", cs[0]);
    p->precision = VG_PLACE_COUNTRY;
    p->from_actor = true;
}

static void resolve_place(const vg_gazetteer *g, const vg_post_text *pt, size_t len,
                          const vg_coded_event *e, vg_place *p)
{
    char c1[4], c2[4];
    const char *cs[2];
    size_t nc = 0, nex = 0, ex[2][2];
    if (vg_actor_country(e->source, c1)) cs[nc++] = c1;
    if (vg_actor_country(e->target, c2) && (!nc || strcmp(c1, c2))) cs[nc++] = c2;
    if (e->src_len && e->src_off + e->src_len <= len)
        ex[nex][0] = e->src_off, ex[nex][1] = e->src_off + e->src_len, nex++;
    if (e->tgt_len && e->tgt_off + e->tgt_len <= len)
        ex[nex][0] = e->tgt_off, ex[nex][1] = e->tgt_off + e->tgt_len, nex++;
    if (g) vg_place_find_in(g, pt, cs, nc, (const size_t(*)[2])ex, nex, p);
    else actor_place(cs, nc, p);
}

/* pt: scratch for the sentence window, reused across mentions. */
static void add_mention(const ingest_ctx *x, const vg_record *rec, const vg_coded_record *cr,
                        size_t si, size_t ei, vg_post_text *pt, item *it)
{
    const vg_coded_sentence *s = &cr->s.v[si];
    const vg_coded_event *e = &s->r.events.v[ei];
    const char *sent = cr->text.s + s->off;
    vg_post_text_init(pt, sent, s->len, e->verb_off < s->len ? e->verb_off : SIZE_MAX);
    vg_mention m;
    memset(&m, 0, sizeof m);
    m.sentence_no = (int32_t)si;
    m.event_no = (int32_t)ei;
    m.source = e->source;
    m.target = e->target;
    m.code = e->code;
    m.method = vg_method_name(e->method);
    m.confidence = e->confidence >= 0 ? round(e->confidence * 1000) / 1000 : NAN;
    resolve_date(cr, pt, sent, s->len, e, it, &m);
    resolve_place(x->o->gaz, pt, s->len, e, &m.place);
    /* the explanation, with file names without directories */
    vg_output_ctx cx = { .d = x->o->dict, .record = rec->id.s, .sentence = sent,
                         .sentence_len = s->len, .sentence_no = (int)si,
                         .source_name = rec->source.s, .url = rec->url.s, .title = rec->title.s,
                         .issues = &s->r.issues, .expl = &s->r.expl, .base_names = true };
    vg_vec_push(&it->matched_off, it->strs.len);
    vg_output_matched_json(&it->strs, &cx, e);
    vg_buf_putc(&it->strs, '\0');
    vg_vec_push(&it->issues_off, it->strs.len);
    vg_output_issues_json(&it->strs, s->r.issues.v, s->r.issues.n);
    vg_buf_putc(&it->strs, '\0');
    vg_vec_push(&it->ments, m);
}

/* A record field, NULL when empty. */
static const char *field(const vg_buf *f) { return f->len ? f->s : NULL; }

static void fill_article(const ingest_ctx *x, const vg_record *rec, const vg_coded_record *cr,
                         item *it, const char *hash)
{
    it->sents.n = it->ments.n = 0;
    it->sent_off.n = it->matched_off.n = it->expr_off.n = it->issues_off.n = 0;
    vg_buf_clear(&it->strs);
    if (hash) snprintf(it->hash, sizeof it->hash, "%s", hash);
    else vg_article_hash(rec, it->hash);
    for (size_t i = 0; i < cr->ns; i++) {
        if (!cr->s.v[i].r.events.n) continue;
        vg_store_sentence st = { (int32_t)i, NULL };
        vg_vec_push(&it->sents, st);
        vg_vec_push(&it->sent_off, put_str(it, cr->text.s + cr->s.v[i].off, cr->s.v[i].len));
    }
    for (size_t i = 0; i < cr->ns; i++)
        for (size_t k = 0; k < cr->s.v[i].r.events.n; k++)
            add_mention(x, rec, cr, i, k, &it->pt, it);
    /* strs is complete: offsets become pointers */
    for (size_t i = 0; i < it->sents.n; i++) it->sents.v[i].text = it->strs.s + it->sent_off.v[i];
    for (size_t i = 0; i < it->ments.n; i++) {
        vg_mention *m = &it->ments.v[i];
        m->matched = it->strs.s + it->matched_off.v[i];
        m->issues = it->strs.s + it->issues_off.v[i];
        m->date_expr = it->expr_off.v[i] == SIZE_MAX ? NULL : it->strs.s + it->expr_off.v[i];
    }
    vg_article *a = &it->a;
    memset(a, 0, sizeof *a);
    a->n_sentences = (int32_t)cr->ns;
    a->id = rec->id.len ? rec->id.s : it->hash;
    a->date = cr->date;
    a->source = field(&rec->source);
    a->url = field(&rec->url);
    a->title = field(&rec->title);
    memcpy(a->hash, it->hash, sizeof a->hash);
    a->sent = it->sents.v;
    a->nsent = it->sents.n;
    a->ment = it->ments.v;
    a->nment = it->ments.n;
}

/* vg_emit_fn, on worker threads. */
static bool ingest_emit(void *ctx, const vg_record *rec, const vg_coded_record *cr, vg_buf *out,
                        void *p)
{
    (void)out;
    if (cr->ok) fill_article(ctx, rec, cr, p, NULL);
    return true;
}

static void report_progress(ingest_ctx *x, bool final)
{
    if (!x->o->progress) return;
    double now = vg_now();
    if (!final && now - x->last_report < 0.1) return;
    x->last_report = now;
    x->o->progress(x->o->progress_ctx, x->prog, final);
}

/* vg_commit_fn, on the calling thread in input order. */
static bool ingest_commit(void *ctx, const vg_record *rec, const vg_coded_record *cr,
                          const vg_buf *out, void *p)
{
    (void)out;
    ingest_ctx *x = ctx;
    const item *it = p;
    vg_ingest_progress *pg = x->prog;
    pg->bytes_done = x->file_start[rec->file_no] + rec->end_off;
    if (!cr->ok) { pg->bad++; return true; }
    pg->articles++;
    pg->sentences += (size_t)it->a.n_sentences;
    pg->events += it->a.nment;
    if (!vg_store_add(x->st, &it->a)) { x->stop = true; return false; }
    report_progress(x, false);
    return true;
}

/* ================================================================ inputs */

typedef struct infile {
    char *path;
    vg_format fmt;
    uint64_t size;
} infile;

typedef VG_VEC(infile) infiles;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool vg_ingest_wants_file(const char *path, bool fmt_given, vg_format fmt)
{
    static const struct { const char *ext; vg_format fmt; } exts[] = {
        { ".jsonl", VG_FMT_JSONL }, { ".json", VG_FMT_JSONL }, { ".ndjson", VG_FMT_JSONL },
        { ".xml", VG_FMT_PETRARCH }, { ".tabari", VG_FMT_TABARI }, { ".evt", VG_FMT_TABARI },
        { ".txt", VG_FMT_TEXT }, { ".text", VG_FMT_TEXT },
    };
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (base[0] == '.') return false;
    const char *dot = strrchr(base, '.');
    if (!dot) return fmt_given && fmt == VG_FMT_TEXT;
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (!strcmp(dot, exts[i].ext)) return !fmt_given || exts[i].fmt == fmt;
    return false;
}

typedef struct expand_ctx {
    const vg_ingest_opts *o;
    vg_diag *diag;
} expand_ctx;

static bool expand(const expand_ctx *e, const char *path, infiles *out, int depth);

static bool expand_dir(const expand_ctx *e, const char *path, infiles *out, int depth)
{
    vg_diag *diag = e->diag;
    DIR *d = opendir(path);
    if (!d) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read directory: %s", strerror(errno));
        return false;
    }
    VG_VEC(char *) names = { 0 };
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') vg_vec_push(&names, vg_path_join(path, de->d_name));
    closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < names.n; i++) {
        ok &= expand(e, names.v[i], out, depth + 1);
        free(names.v[i]);
    }
    vg_vec_free(&names);
    return ok;
}

static bool expand(const expand_ctx *e, const char *path, infiles *out, int depth)
{
    vg_diag *diag = e->diag;
    struct stat sb;
    if (!strcmp(path, "-")) {
        infile f = { vg_strdup("-"), VG_FMT_JSONL, 0 };
        vg_vec_push(out, f);
        return true;
    }
    if (stat(path, &sb) != 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    if (S_ISDIR(sb.st_mode))
        return depth < 64 ? expand_dir(e, path, out, depth) : true;
    if (!S_ISREG(sb.st_mode) && depth) return true;   /* sockets etc. inside directories */
    /* in a directory, only the input formats: not README.md, not embed.c */
    if (depth && !vg_ingest_wants_file(path, e->o->fmt_given, e->o->fmt)) {
        if (e->o->skipped) e->o->skipped(e->o->skipped_ctx, path);
        return true;
    }
    infile f = { vg_strdup(path), vg_format_by_name(path), (uint64_t)sb.st_size };
    vg_vec_push(out, f);
    return true;
}

/* One pipeline run over the files of one format. */
static bool run_group(ingest_ctx *x, vg_format fmt, const infiles *files, bool any_fmt,
                      vg_diag *diag, uint64_t *done)
{
    VG_VEC(char *) paths = { 0 };
    VG_VEC(uint64_t) start = { 0 };
    for (size_t i = 0; i < files->n; i++) {
        if (!any_fmt && files->v[i].fmt != fmt) continue;
        vg_vec_push(&paths, files->v[i].path);
        vg_vec_push(&start, *done);
        *done += files->v[i].size;
    }
    bool ok = true;
    if (paths.n && !x->stop) {
        const vg_ingest_opts *o = x->o;
        vg_pipeline_io io = { ingest_emit, ingest_commit, x, NULL, sizeof(item), item_free };
        vg_pipeline_stats ps;
        x->file_start = start.v;
        ok = vg_pipeline_run(o->dict, o->opt ? o->opt : &o->dict->opt, &o->code, fmt, paths.v,
                             paths.n, o->threads, &io, diag, &ps);
        x->prog->bytes_done = *done;
    }
    vg_vec_free(&paths);
    vg_vec_free(&start);
    return ok;
}

bool vg_ingest_run(vg_store *st, const vg_ingest_opts *o, char *const *inputs, size_t n,
                   vg_diag *diag, vg_ingest_progress *prog)
{
    infiles files = { 0 };
    bool ok = true;
    expand_ctx e = { o, diag };
    for (size_t i = 0; i < n; i++) ok &= expand(&e, inputs[i], &files, 0);
    if (!n) ok &= expand(&e, "-", &files, 0);
    memset(prog, 0, sizeof *prog);
    prog->started = vg_now();
    for (size_t i = 0; i < files.n; i++) prog->bytes_total += files.v[i].size;
    ingest_ctx x = { .st = st, .o = o, .prog = prog };
    uint64_t done = 0;
    static const vg_format order[] = { VG_FMT_JSONL, VG_FMT_TEXT, VG_FMT_TABARI, VG_FMT_PETRARCH };
    if (o->fmt_given) ok &= run_group(&x, o->fmt, &files, true, diag, &done);
    else
        for (size_t k = 0; k < sizeof order / sizeof *order; k++)
            ok &= run_group(&x, order[k], &files, false, diag, &done);
    bool stored = !x.stop && vg_store_flush(st);
    report_progress(&x, true);
    for (size_t i = 0; i < files.n; i++) free(files.v[i].path);
    vg_vec_free(&files);
    return ok && stored;
}

/* ================================================================ streams */

typedef struct coder {
    vg_matcher *m;
    vg_decider *dc;           /* NULL: dictionaries only */
} coder;

typedef struct sslot {
    const vg_record *rec;
    const char *hash;         /* NULL: vg_article_hash */
    vg_coded_record cr;
    item it;
} sslot;

struct vg_ingest_stream {
    vg_store *st;
    const vg_ingest_opts *o;
    ingest_ctx x;             /* what fill_article reads */
    vg_ingest_progress prog;
    int nthreads;
    vg_options opt;           /* the coders' */
    coder *coders;
    VG_VEC(sslot) slots;      /* reused from chunk to chunk */
    atomic_size_t next;
    size_t n;                 /* slots of this chunk */
    size_t pending;           /* articles added since the last commit */
    double oldest;            /* vg_now() when the first of them was added */
    bool failed;
};

static int flush_count(const vg_ingest_stream *s)
{
    return s->o->flush_count > 0 ? s->o->flush_count : 500;
}

static int flush_ms(const vg_ingest_stream *s)
{
    return s->o->flush_ms > 0 ? s->o->flush_ms : 1000;
}

vg_ingest_stream *vg_ingest_stream_new(vg_store *st, const vg_ingest_opts *o)
{
    vg_ingest_stream *s = vg_calloc(1, sizeof *s);
    s->st = st;
    s->o = o;
    s->x.st = st;
    s->x.o = o;
    s->x.prog = &s->prog;
    s->prog.started = vg_now();
    s->nthreads = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
    s->opt = vg_code_options(o->opt ? o->opt : &o->dict->opt, &o->code);
    if (s->opt.tabari_compat && s->opt.forward) s->nthreads = 1;   /* records depend on each other */
    s->coders = vg_calloc((size_t)s->nthreads, sizeof *s->coders);
    for (int t = 0; t < s->nthreads; t++) {
        s->coders[t].m = vg_matcher_new(o->dict, &s->opt);
        if (o->word_memo) vg_matcher_set_word_memo(s->coders[t].m, o->word_memo);
        if (o->code.model)
            s->coders[t].dc = vg_decider_new(o->code.model, o->code.fallback, &o->code.mopts);
    }
    return s;
}

bool vg_ingest_stream_flush(vg_ingest_stream *s)
{
    if (s->failed) return false;
    s->pending = 0;
    if (vg_store_flush(s->st)) return true;
    s->failed = true;
    return false;
}

bool vg_ingest_stream_free(vg_ingest_stream *s)
{
    if (!s) return true;
    bool ok = vg_ingest_stream_flush(s);
    for (int t = 0; t < s->nthreads; t++) {
        vg_matcher_free(s->coders[t].m);
        vg_decider_free(s->coders[t].dc);
    }
    free(s->coders);
    for (size_t i = 0; i < s->slots.cap && s->slots.v; i++) {
        if (i >= s->slots.n) break;
        vg_coded_record_free(&s->slots.v[i].cr);
        item_free(&s->slots.v[i].it);
    }
    vg_vec_free(&s->slots);
    free(s);
    return ok;
}

void vg_ingest_stream_progress(const vg_ingest_stream *s, vg_ingest_progress *p)
{
    *p = s->prog;
}

static void code_slots(vg_ingest_stream *s, const coder *c)
{
    size_t i;
    while ((i = atomic_fetch_add(&s->next, 1)) < s->n) {
        sslot *sl = &s->slots.v[i];
        vg_code_record(c->m, c->dc, sl->rec, &s->o->code, &sl->cr);
        if (sl->cr.ok) fill_article(&s->x, sl->rec, &sl->cr, &sl->it, sl->hash);
    }
}

typedef struct sworker {
    vg_ingest_stream *s;
    const coder *c;
    pthread_t th;
    bool running;
} sworker;

static void *sworker_main(void *arg)
{
    sworker *w = arg;
    code_slots(w->s, w->c);
    return NULL;
}

/* Codes the chunk's slots: on the calling thread for a few records, on
 * the stream's threads for more. */
static void code_chunk(vg_ingest_stream *s)
{
    atomic_store(&s->next, 0);
    int nt = s->nthreads;
    if ((size_t)nt > s->n) nt = (int)s->n;
    if (nt <= 1) { code_slots(s, &s->coders[0]); return; }
    sworker ws[64];
    for (int t = 1; t < nt; t++) {
        ws[t] = (sworker){ s, &s->coders[t], 0, false };
        ws[t].running = pthread_create(&ws[t].th, NULL, sworker_main, &ws[t]) == 0;
    }
    code_slots(s, &s->coders[0]);
    for (int t = 1; t < nt; t++)
        if (ws[t].running) pthread_join(ws[t].th, NULL);
}

int vg_ingest_stream_tick(vg_ingest_stream *s, bool *ok)
{
    *ok = !s->failed;
    if (!s->pending) return -1;
    double waited = (vg_now() - s->oldest) * 1000;
    if (waited >= flush_ms(s)) {
        *ok = vg_ingest_stream_flush(s);
        return -1;
    }
    return (int)(flush_ms(s) - waited) + 1;
}

bool vg_ingest_stream_code(vg_ingest_stream *s, const vg_record *recs, size_t n,
                           const char (*hashes)[33], vg_diag *diag, vg_ingest_result *res)
{
    if (s->failed) return false;
    for (size_t at = 0; at < n;) {
        size_t chunk = n - at, cap = (size_t)s->nthreads * 64;
        if (chunk > cap) chunk = cap;
        if (s->slots.n < chunk) {
            vg_vec_reserve(&s->slots, chunk);
            memset(s->slots.v + s->slots.n, 0, (chunk - s->slots.n) * sizeof *s->slots.v);
            s->slots.n = chunk;
        }
        for (size_t i = 0; i < chunk; i++) {
            s->slots.v[i].rec = &recs[at + i];
            s->slots.v[i].hash = hashes ? hashes[at + i] : NULL;
        }
        s->n = chunk;
        code_chunk(s);
        for (size_t i = 0; i < chunk; i++) {
            sslot *sl = &s->slots.v[i];
            const vg_record *rec = sl->rec;
            vg_ingest_result *r = res ? &res[at + i] : NULL;
            if (r) {
                r->ok = sl->cr.ok;
                snprintf(r->error, sizeof r->error, "%s", sl->cr.ok ? "" : sl->cr.error);
                r->mentions = sl->cr.ok ? sl->it.a.nment : 0;
            }
            vg_coded_record_report(s->o->dict, diag, rec, &sl->cr);
            if (!sl->cr.ok) {
                s->prog.bad++;
                continue;
            }
            s->prog.articles++;
            s->prog.sentences += (size_t)sl->it.a.n_sentences;
            s->prog.events += sl->it.a.nment;
            if (!s->pending) s->oldest = vg_now();
            s->pending++;
            if (!vg_store_add(s->st, &sl->it.a)) { s->failed = true; return false; }
        }
        at += chunk;
        if (s->pending >= (size_t)flush_count(s) && !vg_ingest_stream_flush(s)) return false;
    }
    bool ok;
    vg_ingest_stream_tick(s, &ok);
    return ok;
}

/* Messages already echoed need not be kept by a stream that runs for days
 * (the counts stay). */
static void diag_trim(vg_diag *d)
{
    if (!d || !d->echo || d->msgs.n < 256) return;
    for (size_t i = 0; i < d->msgs.n; i++) free(d->msgs.v[i].text);
    d->msgs.n = 0;
}

/* ---- standard input, pipes ---- */

/* Codes the complete lines of buf[0..len) as JSON lines; returns the bytes
 * used (up to the last newline, or all at the end of the input). */
static size_t code_lines(vg_ingest_stream *s, const char *name, const char *buf, size_t len,
                         bool at_end, long *lineno, vg_diag *diag, bool *ok)
{
    size_t used = len;
    while (used && buf[used - 1] != '\n') used--;
    if (at_end) used = len;
    if (!used) return 0;
    VG_VEC(vg_record) recs = { 0 };
    vg_reader *rd = vg_reader_new(VG_FMT_JSONL, name, buf, used);
    vg_record rec;
    memset(&rec, 0, sizeof rec);
    while (vg_reader_next(rd, &rec, diag)) {
        rec.line += *lineno;
        vg_vec_push(&recs, rec);
        memset(&rec, 0, sizeof rec);
    }
    vg_record_free(&rec);
    vg_reader_free(rd);
    for (size_t i = 0; i < used; i++) *lineno += buf[i] == '\n';
    *ok = vg_ingest_stream_code(s, recs.v, recs.n, NULL, diag, NULL);
    for (size_t i = 0; i < recs.n; i++) vg_record_free(&recs.v[i]);
    vg_vec_free(&recs);
    return used;
}

bool vg_ingest_stream_fd(vg_ingest_stream *s, int fd, const char *name,
                         const volatile int *stop, vg_diag *diag)
{
    vg_buf buf = { 0 };
    long lineno = 0;
    bool ok = true, eof = false;
    int fl = fcntl(fd, F_GETFL);
    bool was_blocking = fl >= 0 && !(fl & O_NONBLOCK);
    if (was_blocking) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (ok && !eof && !(stop && *stop)) {
        int wait = vg_ingest_stream_tick(s, &ok);
        if (!ok) break;
        struct pollfd pf = { fd, POLLIN, 0 };
        /* while articles wait, a pause of 50 ms in the input commits them:
         * at once when the producer is idle, by time or count when not */
        int pr = poll(&pf, 1, wait < 0 ? 250 : wait > 50 ? 50 : wait);
        if (pr < 0 && errno != EINTR) {
            vg_diag_add(diag, VG_DIAG_ERROR, name, 0, "cannot read: %s", strerror(errno));
            ok = false;
            break;
        }
        if (pr == 0 && s->pending) ok = vg_ingest_stream_flush(s);
        if (pr <= 0) continue;
        /* everything there is now: a chunk of lines, coded together */
        for (int k = 0; k < 64; k++) {
            char chunk[65536];
            ssize_t r = read(fd, chunk, sizeof chunk);
            if (r > 0) { vg_buf_putn(&buf, chunk, (size_t)r); continue; }
            if (r == 0) eof = true;
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                vg_diag_add(diag, VG_DIAG_ERROR, name, 0, "cannot read: %s", strerror(errno));
                ok = false;
            }
            break;
        }
        size_t used = code_lines(s, name, buf.s ? buf.s : "", buf.len, eof, &lineno, diag, &ok);
        diag_trim(diag);
        if (used) {
            memmove(buf.s, buf.s + used, buf.len - used);
            buf.len -= used;
            buf.s[buf.len] = '\0';
        }
    }
    if (was_blocking) fcntl(fd, F_SETFL, fl);
    vg_buf_free(&buf);
    return vg_ingest_stream_flush(s) && ok;
}

/* ---- drop folders ---- */

static vg_format format_of(const vg_ingest_stream *s, const char *path)
{
    return s->o->fmt_given ? s->o->fmt : vg_format_by_name(path);
}

/* Reads and codes one file of the folder. */
static bool stream_file(vg_ingest_stream *s, const char *path,
                        void (*on_file)(void *ctx, const char *path, size_t records), void *ctx,
                        vg_diag *diag)
{
    size_t len;
    char *text = vg_read_file(path, &len);
    if (!text) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return true;
    }
    VG_VEC(vg_record) recs = { 0 };
    size_t before = s->prog.articles + s->prog.bad;
    vg_reader *rd = vg_reader_new(format_of(s, path), path, text, len);
    vg_record rec;
    memset(&rec, 0, sizeof rec);
    bool ok = true;
    while (ok && vg_reader_next(rd, &rec, diag)) {
        vg_vec_push(&recs, rec);
        memset(&rec, 0, sizeof rec);
        if (recs.n == 256) {
            ok = vg_ingest_stream_code(s, recs.v, recs.n, NULL, diag, NULL);
            for (size_t i = 0; i < recs.n; i++) vg_record_free(&recs.v[i]);
            recs.n = 0;
        }
    }
    if (ok) ok = vg_ingest_stream_code(s, recs.v, recs.n, NULL, diag, NULL);
    size_t nrec = s->prog.articles + s->prog.bad - before;
    for (size_t i = 0; i < recs.n; i++) vg_record_free(&recs.v[i]);
    vg_vec_free(&recs);
    vg_record_free(&rec);
    vg_reader_free(rd);
    free(text);
    if (on_file) on_file(ctx, path, nrec);
    return ok;
}

bool vg_ingest_stream_dir(vg_ingest_stream *s, const char *dir, const volatile int *stop,
                          void (*on_file)(void *ctx, const char *path, size_t records),
                          void *ctx, vg_diag *diag)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0 || inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF |
                                                 IN_MOVE_SELF) < 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, dir, 0, "cannot watch: %s", strerror(errno));
        if (fd >= 0) close(fd);
        return false;
    }
    /* what is there already (watched first, so nothing falls between) */
    infiles files = { 0 };
    vg_ingest_opts o = *s->o;
    expand_ctx e = { &o, diag };
    bool ok = expand(&e, dir, &files, 0);
    for (size_t i = 0; ok && i < files.n && !(stop && *stop); i++)
        ok = stream_file(s, files.v[i].path, on_file, ctx, diag);
    for (size_t i = 0; i < files.n; i++) free(files.v[i].path);
    vg_vec_free(&files);
    if (ok) ok = vg_ingest_stream_flush(s);
    bool gone = false;
    while (ok && !gone && !(stop && *stop)) {
        int wait = vg_ingest_stream_tick(s, &ok);
        if (!ok) break;
        struct pollfd pf = { fd, POLLIN, 0 };
        int pr = poll(&pf, 1, wait < 0 ? 250 : wait > 50 ? 50 : wait);
        if (pr == 0 && s->pending) ok = vg_ingest_stream_flush(s);
        if (pr <= 0) continue;
        char ev[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t r = read(fd, ev, sizeof ev);
        for (char *p = ev; r > 0 && p < ev + r;) {
            const struct inotify_event *ie = (const struct inotify_event *)(void *)p;
            p += sizeof *ie + ie->len;
            if (ie->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                vg_diag_add(diag, VG_DIAG_ERROR, dir, 0, "the folder was removed or moved");
                gone = true;
                break;
            }
            if (!ie->len || (ie->mask & IN_ISDIR) || ie->name[0] == '.') continue;
            char *path = vg_path_join(dir, ie->name);
            if (vg_ingest_wants_file(path, s->o->fmt_given, s->o->fmt))
                ok = ok && stream_file(s, path, on_file, ctx, diag);
            else if (s->o->skipped)
                s->o->skipped(s->o->skipped_ctx, path);
            diag_trim(diag);
            free(path);
        }
    }
    close(fd);
    return vg_ingest_stream_flush(s) && ok && !gone;
}
