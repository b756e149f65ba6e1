/* ingest.c -- see ingest.h: input files to coded articles to the store. */
#include "ingest.h"
#include "ontology.h"
#include "output.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

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
                         item *it)
{
    it->sents.n = it->ments.n = 0;
    it->sent_off.n = it->matched_off.n = it->expr_off.n = it->issues_off.n = 0;
    vg_buf_clear(&it->strs);
    vg_article_hash(rec, it->hash);
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
    if (cr->ok) fill_article(ctx, rec, cr, p);
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

static bool expand(const char *path, infiles *out, vg_diag *diag, int depth);

static bool expand_dir(const char *path, infiles *out, vg_diag *diag, int depth)
{
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
        ok &= expand(names.v[i], out, diag, depth + 1);
        free(names.v[i]);
    }
    vg_vec_free(&names);
    return ok;
}

static bool expand(const char *path, infiles *out, vg_diag *diag, int depth)
{
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
        return depth < 64 ? expand_dir(path, out, diag, depth) : true;
    if (!S_ISREG(sb.st_mode) && depth) return true;   /* sockets etc. inside directories */
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
    for (size_t i = 0; i < n; i++) ok &= expand(inputs[i], &files, diag, 0);
    if (!n) ok &= expand("-", &files, diag, 0);
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
