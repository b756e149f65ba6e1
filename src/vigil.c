/* vigil.c -- the public interface (include/vigil.h) over the stages: the
 * one place where exported symbols are defined.  Everything here wraps the
 * internal modules; results are copied into objects the caller owns. */
#include "vigil.h"

#include "ingest.h"
#include "ontology.h"
#include "output.h"
#include "pipeline.h"
#include "watch.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *vg_version(void) { return VG_VERSION; }

const char *vg_strerror(int status)
{
    switch (status) {
    case VG_OK: return "no error";
    case VG_EINVAL: return "bad argument";
    case VG_EDATE: return "bad date";
    case VG_EIO: return "cannot read a file";
    case VG_ESTORE: return "store error";
    case VG_ERECORD: return "some records could not be coded";
    default: return "unknown status";
    }
}

static int32_t today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return vg_date_of_ymd((vg_ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday });
}

/* ================================================================ dictionaries */

struct vg_dicts {
    vg_dict *d;
    bool defaults;            /* Vigil's own: coded hybrid by default */
    vg_diag diag;             /* what loading found (errors and warnings) */
    char err[512];
    bool compiled;            /* then read-only */
    pthread_mutex_t mu;       /* guards compiled */
};

static vg_dicts *dicts_alloc(void)
{
    vg_dicts *d = vg_calloc(1, sizeof *d);
    d->d = vg_dict_new();
    pthread_mutex_init(&d->mu, NULL);
    return d;
}

/* Loading failed (a file could not be read) when the last error says so. */
static int load_status(vg_dicts *d, bool ok)
{
    if (ok) return VG_OK;
    for (size_t i = d->diag.msgs.n; i-- > 0;)
        if (d->diag.msgs.v[i].level == VG_DIAG_ERROR) {
            snprintf(d->err, sizeof d->err, "%s", d->diag.msgs.v[i].text);
            break;
        }
    if (!d->err[0]) snprintf(d->err, sizeof d->err, "cannot load the dictionaries");
    return VG_EIO;
}

int vg_dicts_new(vg_dicts **out)
{
    if (!out) return VG_EINVAL;
    *out = dicts_alloc();
    return VG_OK;
}

int vg_dicts_default(vg_dicts **out)
{
    if (!out) return VG_EINVAL;
    vg_dicts *d = *out = dicts_alloc();
    d->defaults = true;
    return load_status(d, vg_dict_load_defaults(d->d, &d->diag));
}

/* A project or a config: from its compiled image when $VIGIL_CACHE_DIR
 * names an image cache (docs/dictionaries.md), else parsed.  Loading
 * failed when a file could not be read (a config: the config itself). */
static int dicts_open(vg_dicts *d, const vg_dict_spec *sp)
{
    vg_dict_spec s = *sp;
    const char *cache = getenv("VIGIL_CACHE_DIR");
    s.cache_dir = cache && *cache && strcmp(cache, "off") ? cache : NULL;
    char err[512];
    vg_dict *nd = vg_dict_open(&s, &d->diag, err, sizeof err);
    if (!nd) {
        snprintf(d->err, sizeof d->err, "%s", err);
        return VG_EIO;
    }
    vg_dict_free(d->d);
    d->d = nd;
    bool ok = true;
    if (sp->config) ok = access(sp->config, R_OK) == 0;
    else for (size_t i = 0; i < nd->sources.n; i++) ok &= !nd->sources.v[i].missing;
    return load_status(d, ok);
}

int vg_dicts_tabari(const char *project, vg_dicts **out)
{
    if (!out) return VG_EINVAL;
    vg_dicts *d = *out = dicts_alloc();
    if (!project) { snprintf(d->err, sizeof d->err, "no project given"); return VG_EINVAL; }
    vg_dict_spec sp = {0};
    sp.project = project;
    return dicts_open(d, &sp);
}

int vg_dicts_petrarch(const char *config, vg_dicts **out)
{
    if (!out) return VG_EINVAL;
    vg_dicts *d = *out = dicts_alloc();
    if (!config) { snprintf(d->err, sizeof d->err, "no config given"); return VG_EINVAL; }
    vg_dict_spec sp = {0};
    sp.config = config;
    return dicts_open(d, &sp);
}

int vg_dicts_add(vg_dicts *d, vg_dict_kind kind, const char *path)
{
    static const vg_loader loaders[] = {
        vg_dict_load_tabari_actors, vg_dict_load_tabari_agents, vg_dict_load_tabari_verbs,
        vg_dict_load_tabari_options, vg_dict_load_petrarch_actors, vg_dict_load_petrarch_agents,
        vg_dict_load_petrarch_verbs, vg_dict_load_petrarch_discards, vg_dict_load_petrarch_issues
    };
    if (!d) return VG_EINVAL;
    if (!path || (unsigned)kind >= sizeof loaders / sizeof *loaders) {
        snprintf(d->err, sizeof d->err, "no file or an unknown kind of dictionary");
        return VG_EINVAL;
    }
    pthread_mutex_lock(&d->mu);
    bool compiled = d->compiled;
    pthread_mutex_unlock(&d->mu);
    if (compiled) {
        snprintf(d->err, sizeof d->err, "dictionaries in use by a coder cannot change");
        return VG_EINVAL;
    }
    if (kind == VG_TABARI_VERBS || kind == VG_TABARI_OPTIONS) d->d->opt.tabari_compat = true;
    return load_status(d, vg_dict_load_file(d->d, path, loaders[kind], &d->diag));
}

size_t vg_dicts_problem_count(const vg_dicts *d) { return d ? d->diag.msgs.n : 0; }

const char *vg_dicts_problem(const vg_dicts *d, size_t i)
{
    return d && i < d->diag.msgs.n ? d->diag.msgs.v[i].text : NULL;
}

const char *vg_dicts_errmsg(const vg_dicts *d) { return d ? d->err : "no dictionaries"; }

void vg_dicts_free(vg_dicts *d)
{
    if (!d) return;
    vg_dict_free(d->d);
    vg_diag_free(&d->diag);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* The first coder compiles the set; from then on it is read-only. */
static void dicts_compile(vg_dicts *d)
{
    pthread_mutex_lock(&d->mu);
    if (!d->compiled) vg_dict_compile(d->d);
    d->compiled = true;
    pthread_mutex_unlock(&d->mu);
}

/* ================================================================ events */

struct vg_event {
    vg_coded_event ev;        /* as coded (stored events: codes and date only) */
    const char *record, *sentence, *source_name, *url, *title, *matched, *json;
    int sentence_no;
    char date[11];
    const vg_cameo *cameo;
    const vg_issue_count *issues;   /* the sentence's, in the list's strings */
    size_t nissues;
    /* stored events */
    bool stored;
    int64_t id;
    const char *date_prec, *place, *place_country, *place_adm1, *place_prec, *place_raw;
    const char *source_country, *target_country, *first_seen;
    const char *method;       /* as stored: NULL when not recorded (older stores) */
    bool issues_recorded, place_from_actor;
    int mentions, articles, sources;
    double lat, lon;
};

struct vg_events {
    VG_VEC(vg_event) v;
    vg_arena strings;         /* every string and issue list of the events */
    size_t sentences;
};

static const char *keep(vg_events *ev, const char *s)
{
    return s ? vg_arena_strdup(&ev->strings, s) : NULL;
}

static const char *keepn(vg_events *ev, const char *s, size_t n)
{
    return vg_arena_strndup(&ev->strings, s, n);
}

static vg_event *new_event(vg_events *ev)
{
    vg_vec_reserve(&ev->v, ev->v.n + 1);
    vg_event *e = &ev->v.v[ev->v.n++];
    memset(e, 0, sizeof *e);
    e->lat = e->lon = NAN;
    e->mentions = e->articles = e->sources = 1;
    e->date_prec = "article";
    return e;
}

size_t vg_events_count(const vg_events *ev) { return ev ? ev->v.n : 0; }

const vg_event *vg_events_get(const vg_events *ev, size_t i)
{
    return ev && i < ev->v.n ? &ev->v.v[i] : NULL;
}

size_t vg_events_sentences(const vg_events *ev) { return ev ? ev->sentences : 0; }

void vg_events_free(vg_events *ev)
{
    if (!ev) return;
    vg_vec_free(&ev->v);
    vg_arena_free(&ev->strings);
    free(ev);
}

const char *vg_event_record(const vg_event *e) { return e->record; }
int vg_event_sentence_no(const vg_event *e) { return e->sentence_no; }
const char *vg_event_sentence(const vg_event *e) { return e->sentence; }
const char *vg_event_date(const vg_event *e) { return e->date; }
const char *vg_event_source(const vg_event *e) { return e->ev.source; }
const char *vg_event_target(const vg_event *e) { return e->ev.target; }
const char *vg_event_code(const vg_event *e) { return e->ev.code; }
const char *vg_event_root(const vg_event *e) { return e->cameo ? e->cameo->root : NULL; }
int vg_event_quad(const vg_event *e) { return e->cameo ? e->cameo->quad : 0; }
int vg_event_penta(const vg_event *e) { return e->cameo ? e->cameo->penta : -1; }
double vg_event_goldstein(const vg_event *e) { return e->cameo ? e->cameo->goldstein : NAN; }
int vg_event_passive(const vg_event *e) { return (e->ev.flags & VG_EV_PASSIVE) != 0; }
const char *vg_event_method(const vg_event *e)
{
    return e->stored ? e->method : vg_method_name(e->ev.method);
}
double vg_event_confidence(const vg_event *e)
{
    return e->ev.confidence >= 0 ? e->ev.confidence : NAN;
}
const char *vg_event_source_name(const vg_event *e) { return e->source_name; }
const char *vg_event_url(const vg_event *e) { return e->url; }
const char *vg_event_title(const vg_event *e) { return e->title; }
const char *vg_event_matched(const vg_event *e) { return e->matched; }
const char *vg_event_json(const vg_event *e) { return e->json; }
int64_t vg_event_id(const vg_event *e) { return e->id; }
const char *vg_event_date_precision(const vg_event *e) { return e->date_prec; }
int vg_event_mentions(const vg_event *e) { return e->mentions; }
int vg_event_articles(const vg_event *e) { return e->articles; }
int vg_event_sources(const vg_event *e) { return e->sources; }
const char *vg_event_place(const vg_event *e) { return e->place; }
const char *vg_event_place_country(const vg_event *e) { return e->place_country; }
double vg_event_lat(const vg_event *e) { return e->lat; }
double vg_event_lon(const vg_event *e) { return e->lon; }

const char *vg_event_plover(const vg_event *e)
{
    return e->cameo && e->cameo->plover[0] ? e->cameo->plover : NULL;
}

size_t vg_event_issue_count(const vg_event *e) { return e->nissues; }

const char *vg_event_issue(const vg_event *e, size_t i)
{
    return i < e->nissues ? e->issues[i].code : NULL;
}

int vg_event_issue_mentions(const vg_event *e, size_t i)
{
    return i < e->nissues ? e->issues[i].count : 0;
}

/* ================================================================ coding */

struct vg_coder {
    vg_dicts *dicts;
    vg_options opt;           /* the dictionaries' options, as vg_coder_set changed them */
    vg_code_opts co;
    vg_matcher *m;            /* made on first use, again after an option changes */
    bool hybrid;              /* a model decides (VG_OPT_HYBRID) */
    vg_model *own;            /* vg_coder_set_model's, else the built-in one is used */
    vg_decider *dc;           /* made on first use, again after a model option changes */
    vg_record rec;
    vg_coded_record cr;
    char err[256];
};

int vg_coder_new(vg_dicts *d, vg_coder **out)
{
    if (!out) return VG_EINVAL;
    vg_coder *c = *out = vg_calloc(1, sizeof *c);
    if (!d) { snprintf(c->err, sizeof c->err, "no dictionaries"); return VG_EINVAL; }
    dicts_compile(d);
    c->dicts = d;
    c->opt = d->d->opt;
    vg_model_opts_default(&c->co.mopts);
    c->hybrid = d->defaults;    /* as `vigil code` does: hybrid with Vigil's dictionaries */
    return VG_OK;
}

int vg_coder_set(vg_coder *c, vg_coder_option opt, long value)
{
    if (!c) return VG_EINVAL;
    switch (opt) {
    case VG_OPT_LEDE:
        if (value < 0 || value > INT_MAX) goto bad;
        c->co.lede = (int)value;
        return VG_OK;
    case VG_OPT_TAGGER: c->opt.use_tagger = value != 0; break;
    case VG_OPT_REQUIRE_DYAD: c->opt.require_dyad = value != 0; break;
    case VG_OPT_TABARI: c->opt.tabari_compat = value != 0; break;
    case VG_OPT_MIN_WORDS:
        if (value < 0 || value > 1000) goto bad;
        c->opt.min_words = (int)value;
        break;
    case VG_OPT_HYBRID:
        c->hybrid = value != 0;
        vg_decider_free(c->dc);
        c->dc = NULL;
        return VG_OK;
    case VG_OPT_MIN_CONFIDENCE:
        if (value < 0 || value > 1000) goto bad;
        c->co.mopts.min_confidence = value / 1000.0;
        vg_decider_free(c->dc);
        c->dc = NULL;
        return VG_OK;
    default: goto bad;
    }
    vg_matcher_free(c->m);      /* the matcher copies nothing but reads opt: make it anew */
    c->m = NULL;
    return VG_OK;
bad:
    snprintf(c->err, sizeof c->err, "unknown option %d or bad value %ld", (int)opt, value);
    return VG_EINVAL;
}

long vg_coder_get(const vg_coder *c, vg_coder_option opt)
{
    if (!c) return 0;
    switch (opt) {
    case VG_OPT_LEDE: return c->co.lede;
    case VG_OPT_TAGGER: return c->opt.use_tagger;
    case VG_OPT_REQUIRE_DYAD: return c->opt.require_dyad;
    case VG_OPT_TABARI: return c->opt.tabari_compat;
    case VG_OPT_MIN_WORDS: return c->opt.min_words;
    case VG_OPT_HYBRID: return c->hybrid;
    case VG_OPT_MIN_CONFIDENCE: return lround(c->co.mopts.min_confidence * 1000);
    default: return 0;
    }
}

int vg_coder_set_model(vg_coder *c, const char *path)
{
    if (!c || !path) return VG_EINVAL;
    vg_model *m = vg_model_load_file(path, c->err, sizeof c->err);
    if (!m) {
        return access(path, R_OK) ? VG_EIO : VG_EINVAL;
    }
    vg_model_free(c->own);
    c->own = m;
    c->hybrid = true;
    vg_decider_free(c->dc);
    c->dc = NULL;
    return VG_OK;
}

const char *vg_coder_errmsg(const vg_coder *c) { return c ? c->err : "no coder"; }

void vg_coder_free(vg_coder *c)
{
    if (!c) return;
    vg_matcher_free(c->m);
    vg_decider_free(c->dc);
    vg_model_free(c->own);
    vg_record_free(&c->rec);
    vg_coded_record_free(&c->cr);
    free(c);
}

static void set_field(vg_buf *b, const char *s, size_t n)
{
    vg_buf_clear(b);
    if (s) vg_buf_putn(b, s, n);
}

/* The events of the coded record, with their explanations and JSON. */
static void collect(vg_coder *c, vg_events *ev)
{
    const vg_record *rec = &c->rec;
    const vg_coded_record *cr = &c->cr;
    const char *record = keep(ev, rec->id.s ? rec->id.s : "");
    const char *source = keep(ev, rec->source.len ? rec->source.s : NULL);
    const char *url = keep(ev, rec->url.len ? rec->url.s : NULL);
    const char *title = keep(ev, rec->title.len ? rec->title.s : NULL);
    vg_buf b = {0};
    ev->sentences = cr->ns;
    for (size_t i = 0; i < cr->ns; i++) {
        const vg_coded_sentence *s = &cr->s.v[i];
        if (!s->r.events.n) continue;
        const char *sent = keepn(ev, cr->text.s + s->off, s->len);
        vg_issue_count *is = NULL;
        if (s->r.issues.n) is = vg_arena_alloc(&ev->strings, s->r.issues.n * sizeof *is);
        for (size_t k = 0; k < s->r.issues.n; k++)
            is[k] = (vg_issue_count){ keep(ev, s->r.issues.v[k].code), s->r.issues.v[k].count };
        vg_output_ctx cx = { .d = c->dicts->d, .record = record, .sentence = sent,
                             .sentence_len = s->len, .sentence_no = (int)i,
                             .source_name = rec->source.s, .url = rec->url.s,
                             .title = rec->title.s, .issues = &s->r.issues,
                             .expl = &s->r.expl };
        for (size_t k = 0; k < s->r.events.n; k++) {
            vg_event *e = new_event(ev);
            e->ev = s->r.events.v[k];
            e->record = record;
            e->sentence = sent;
            e->sentence_no = (int)i;
            e->source_name = source;
            e->url = url;
            e->title = title;
            e->issues = is;
            e->nissues = s->r.issues.n;
            e->cameo = vg_cameo_get(e->ev.code);
            vg_date_format(e->ev.date, e->date);
            vg_buf_clear(&b);
            vg_output_matched_json(&b, &cx, &e->ev);
            e->matched = keepn(ev, b.s, b.len);
            vg_buf_clear(&b);
            vg_output_json(&b, &cx, &e->ev);
            e->json = keepn(ev, b.s, b.len);
        }
    }
    vg_buf_free(&b);
}

int vg_coder_code_record(vg_coder *c, const char *id, const char *date, const char *text,
                         size_t len, const char *source, const char *url, const char *title,
                         vg_events **out)
{
    if (!out) return VG_EINVAL;
    *out = vg_calloc(1, sizeof **out);
    if (!c || (!text && len)) {
        if (c) snprintf(c->err, sizeof c->err, "no coder or no text");
        return VG_EINVAL;
    }
    if (!c->m) c->m = vg_matcher_new(c->dicts->d, &c->opt);
    set_field(&c->rec.id, id, id ? strlen(id) : 0);
    set_field(&c->rec.date_text, date, date ? strlen(date) : 0);
    set_field(&c->rec.text, text, len);
    set_field(&c->rec.source, source, source ? strlen(source) : 0);
    set_field(&c->rec.url, url, url ? strlen(url) : 0);
    set_field(&c->rec.title, title, title ? strlen(title) : 0);
    c->co.default_date = today();
    if (c->hybrid && !c->dc) {
        const vg_model *m = c->own ? c->own : vg_model_default();
        if (m) c->dc = vg_decider_new(m, c->own ? vg_model_default() : NULL, &c->co.mopts);
    }
    vg_code_record(c->m, c->hybrid ? c->dc : NULL, &c->rec, &c->co, &c->cr);
    if (!c->cr.ok) {
        snprintf(c->err, sizeof c->err, "%s", c->cr.error);
        return VG_EDATE;
    }
    collect(c, *out);
    return VG_OK;
}

int vg_coder_code(vg_coder *c, const char *text, size_t len, const char *date, vg_events **out)
{
    return vg_coder_code_record(c, NULL, date, text, len, NULL, NULL, NULL, out);
}

/* The default dictionaries of vg_code_text: loaded once, then shared. */
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;
static vg_dicts *defaults;

static void load_defaults(void)
{
    vg_dicts_default(&defaults);
    dicts_compile(defaults);
}

int vg_code_text(const char *text, size_t len, const char *yyyy_mm_dd, vg_events **out)
{
    if (!out) return VG_EINVAL;
    pthread_once(&defaults_once, load_defaults);
    vg_coder *c;
    vg_coder_new(defaults, &c);
    int rc = vg_coder_code(c, text, len, yyyy_mm_dd, out);
    vg_coder_free(c);
    return rc;
}

/* ================================================================ the store */

int vg_store_open(const char *url, vg_store **out)
{
    if (!out) return VG_EINVAL;
    *out = vg_store_new(url, NULL);
    return vg_store_error(*out)[0] ? VG_ESTORE : VG_OK;
}

int vg_store_open_readonly(const char *url, vg_store **out)
{
    if (!out) return VG_EINVAL;
    vg_store_opts o = { .read_only = true };
    bool pg = url && (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
                      strstr(url, "dbname=") || strstr(url, "host="));
    if (url && *url && !pg && access(url, F_OK) != 0) {
        int e = errno;
        *out = vg_store_new(NULL, &o);
        vg_store_set_error(*out, "%s: %s", url, e == ENOENT ? "no such store" : strerror(e));
        return VG_ESTORE;
    }
    *out = vg_store_new(url, &o);
    return vg_store_error(*out)[0] ? VG_ESTORE : VG_OK;
}

const char *vg_store_errmsg(const vg_store *st) { return st ? vg_store_error(st) : "no store"; }

void vg_store_close(vg_store *st) { vg_store_free(st); }

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

int vg_store_ingest(vg_store *st, vg_coder *c, const char *const *paths, size_t n)
{
    if (!st) return VG_EINVAL;
    if (!c || (!paths && n)) {
        vg_store_set_error(st, "no coder or no paths");
        return VG_EINVAL;
    }
    if (vg_store_error(st)[0]) return VG_ESTORE;
    char *gpath = vg_gazetteer_default_path();
    char gerr[256];
    vg_gazetteer *g = gpath ? vg_gazetteer_open(gpath, gerr, sizeof gerr) : NULL;
    free(gpath);
    vg_code_opts co = c->co;
    co.default_date = today();
    if (c->hybrid) {               /* the pipeline makes a decider per thread */
        co.model = c->own ? c->own : vg_model_default();
        co.fallback = c->own ? vg_model_default() : NULL;
    }
    vg_ingest_opts o = { .dict = c->dicts->d, .opt = &c->opt, .code = co,
                         .threads = online_cpus(), .gaz = g };
    vg_diag diag = {0};
    vg_ingest_progress prog;
    VG_VEC(char *) in = {0};
    for (size_t i = 0; i < n; i++) vg_vec_push(&in, (char *)paths[i]);
    bool ok = n && vg_ingest_run(st, &o, in.v, in.n, &diag, &prog);
    int rc = VG_OK;
    if (vg_store_error(st)[0]) rc = VG_ESTORE;
    else if (!ok || prog.bad) {
        const char *first = "";
        for (size_t i = 0; i < diag.msgs.n && !*first; i++)
            if (diag.msgs.v[i].level == VG_DIAG_ERROR) first = diag.msgs.v[i].text;
        if (!n) vg_store_set_error(st, "no paths");
        else if (!ok) vg_store_set_error(st, "%s", first);
        else vg_store_set_error(st, "%zu records failed (first: %s)", prog.bad, first);
        rc = !n ? VG_EINVAL : !ok ? VG_EIO : VG_ERECORD;
    }
    vg_vec_free(&in);
    vg_diag_free(&diag);
    vg_gazetteer_close(g);
    return rc;
}

/* "YYYY-MM-DD" (or NULL, open) to a day number. */
static bool day_arg(vg_store *st, const char *s, long open, long *day)
{
    *day = open;
    if (!s || vg_day_parse(s, day)) return true;
    vg_store_set_error(st, "bad date '%s' (YYYY-MM-DD)", s);
    return false;
}

static bool dyad_arg(vg_store *st, const char *s, vg_dyad *d)
{
    const char *why = "no dyad";
    if (s && vg_dyad_parse(s, d, &why)) return true;
    vg_store_set_error(st, "%s", why);
    return false;
}

typedef struct reading {
    vg_events *ev;
    size_t at;                /* first_mention: the event it fills */
} reading;

/* The first mention of a stored event: its record, sentence and explanation. */
static bool first_mention(void *ctx, int nc, const char *const *v)
{
    reading *r = ctx;
    vg_event *e = &r->ev->v.v[r->at];
    if (nc != VG_MENTION_NCOLS) return false;
    e->record = keep(r->ev, v[1]);
    e->source_name = keep(r->ev, v[3]);
    e->url = keep(r->ev, v[4]);
    e->title = keep(r->ev, v[5]);
    e->sentence_no = v[6] ? atoi(v[6]) : 0;
    e->sentence = keep(r->ev, v[7]);
    e->matched = keep(r->ev, v[14]);
    return false;
}

static void json_field(vg_buf *b, const char *key, const char *v)
{
    vg_buf_printf(b, ",\"%s\":", key);
    if (v) vg_buf_json_str(b, v);
    else vg_buf_puts(b, "null");
}

static void json_num(vg_buf *b, const char *key, double v, const char *fmt)
{
    vg_buf_printf(b, ",\"%s\":", key);
    if (isnan(v)) vg_buf_puts(b, "null");
    else vg_buf_printf(b, fmt, v);
}

/* A stored event as JSON: its stored fields and its first mention. */
static const char *stored_json(vg_events *ev, const vg_event *e, vg_buf *b)
{
    vg_buf_clear(b);
    vg_buf_printf(b, "{\"id\":%lld", (long long)e->id);
    json_field(b, "record", e->record);
    vg_buf_printf(b, ",\"sentence_no\":%d", e->sentence_no);
    json_field(b, "date", e->date);
    json_field(b, "date_precision", e->date_prec);
    json_field(b, "source", e->ev.source);
    json_field(b, "target", e->ev.target);
    json_field(b, "source_country", e->source_country);
    json_field(b, "target_country", e->target_country);
    json_field(b, "code", e->ev.code);
    json_field(b, "root", vg_event_root(e));
    if (e->cameo)
        vg_buf_printf(b, ",\"quad\":%d,\"penta\":%d,\"goldstein\":%.1f", e->cameo->quad,
                      e->cameo->penta, e->cameo->goldstein);
    else
        vg_buf_puts(b, ",\"quad\":null,\"penta\":null,\"goldstein\":null");
    json_field(b, "plover", vg_event_plover(e));
    json_field(b, "method", e->method);
    json_num(b, "confidence", vg_event_confidence(e), "%.3f");
    vg_buf_puts(b, ",\"issues\":");
    if (!e->issues_recorded) vg_buf_puts(b, "null");
    else vg_output_issues_json(b, e->issues, e->nissues);
    json_field(b, "place", e->place);
    json_field(b, "place_adm1", e->place_adm1);
    json_field(b, "place_country", e->place_country);
    json_num(b, "lat", e->lat, "%.6g");
    json_num(b, "lon", e->lon, "%.6g");
    json_field(b, "place_precision", e->place_prec);
    vg_buf_printf(b, ",\"place_from_actor\":%s", e->place_from_actor ? "true" : "false");
    json_field(b, "place_raw", e->place_raw);
    vg_buf_printf(b, ",\"mentions\":%d,\"articles\":%d,\"sources\":%d", e->mentions, e->articles,
                  e->sources);
    json_field(b, "first_seen", e->first_seen);
    json_field(b, "source_name", e->source_name);
    json_field(b, "url", e->url);
    json_field(b, "title", e->title);
    json_field(b, "sentence", e->sentence);
    vg_buf_puts(b, ",\"matched\":");
    vg_buf_puts(b, e->matched && *e->matched ? e->matched : "null");
    vg_buf_putc(b, '}');
    return keepn(ev, b->s, b->len);
}

/* The stored issues (JSON, [{"code":"X","count":1}]) into the event. */
static void stored_issues(vg_events *ev, vg_event *e, const char *text)
{
    e->issues_recorded = text != NULL;
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    size_t n = json_is_array(j) ? json_array_size(j) : 0, k = 0;
    vg_issue_count *is = n ? vg_arena_alloc(&ev->strings, n * sizeof *is) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(j, i), *c = json_object_get(o, "code");
        json_t *m = json_object_get(o, "count");
        if (!json_is_string(c)) continue;
        long cnt = json_is_integer(m) ? (long)json_integer_value(m) : 1;
        is[k++] = (vg_issue_count){ keep(ev, json_string_value(c)),
                                    (uint16_t)(cnt < 0 ? 0 : cnt > 65535 ? 65535 : cnt) };
    }
    e->issues = is;
    e->nissues = k;
    json_decref(j);
}

/* One row of VG_EVENT_COLS. */
static bool stored_event(void *ctx, int nc, const char *const *v)
{
    reading *r = ctx;
    if (nc != VG_EVENT_NCOLS) return false;
    vg_event *e = new_event(r->ev);
    e->stored = true;
    e->id = v[0] ? strtoll(v[0], NULL, 10) : 0;
    snprintf(e->date, sizeof e->date, "%s", v[1] ? v[1] : "");
    if (v[1]) vg_date_parse(v[1], true, &e->ev.date);
    e->date_prec = keep(r->ev, v[2]);
    snprintf(e->ev.source, sizeof e->ev.source, "%s", v[3] ? v[3] : "");
    snprintf(e->ev.target, sizeof e->ev.target, "%s", v[4] ? v[4] : "");
    e->source_country = keep(r->ev, v[5]);
    e->target_country = keep(r->ev, v[6]);
    snprintf(e->ev.code, sizeof e->ev.code, "%s", v[7] ? v[7] : "");
    e->cameo = vg_cameo_get(e->ev.code);
    e->place = keep(r->ev, v[13]);
    e->place_adm1 = keep(r->ev, v[14]);
    e->place_country = keep(r->ev, v[15]);
    if (v[16] && v[17]) { e->lat = strtod(v[16], NULL); e->lon = strtod(v[17], NULL); }
    e->place_prec = keep(r->ev, v[18]);
    e->place_from_actor = v[19] && v[19][0] == '1';
    e->place_raw = keep(r->ev, v[20]);
    e->mentions = v[21] ? atoi(v[21]) : 0;
    e->articles = v[22] ? atoi(v[22]) : 0;
    e->sources = v[23] ? atoi(v[23]) : 0;
    e->first_seen = keep(r->ev, v[24]);
    e->method = keep(r->ev, v[25]);
    e->ev.confidence = v[26] ? (float)strtod(v[26], NULL) : -1;
    stored_issues(r->ev, e, v[27]);
    return true;
}

/* The events of q with their first mentions. */
static int read_stored(vg_store *st, const vg_event_query *q, vg_events *out)
{
    reading r = { out, 0 };
    if (!vg_store_read_events(st, q, stored_event, &r)) return VG_ESTORE;
    vg_buf json = {0};
    bool ok = true;
    for (r.at = 0; ok && r.at < r.ev->v.n; r.at++) {
        vg_event *e = &r.ev->v.v[r.at];
        ok = vg_store_read_mentions(st, e->id, 1, first_mention, &r);
        e->json = stored_json(r.ev, e, &json);
    }
    vg_buf_free(&json);
    return ok ? VG_OK : VG_ESTORE;
}

int vg_store_events(vg_store *st, const char *dyad, const char *since, const char *until,
                    vg_events **out)
{
    if (!out) return VG_EINVAL;
    *out = vg_calloc(1, sizeof **out);
    if (!st) return VG_EINVAL;
    vg_dyad d;
    long from, to;
    if (dyad && !dyad_arg(st, dyad, &d)) return VG_EINVAL;
    if (!day_arg(st, since, LONG_MIN, &from) || !day_arg(st, until, LONG_MAX, &to)) return VG_EDATE;
    vg_event_query q = { .cols = VG_COLS_EVENT, .order = VG_ORDER_OLDEST };
    if (dyad) { q.f.a = d.a; q.f.b = d.b; }
    if (from != LONG_MIN) q.f.from = vg_date_of_days(from);
    if (to != LONG_MAX) q.f.to = vg_date_of_days(to);
    return read_stored(st, &q, *out);
}

/* A whole number in [lo, hi], all of s. */
static bool int_arg(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = s && *s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool digits(const char *s, size_t lo, size_t hi)
{
    size_t n = strlen(s);
    if (n < lo || n > hi) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

int vg_store_find_events(vg_store *st, const char *const *keys, const char *const *values,
                         size_t n, vg_events **out)
{
    if (!out) return VG_EINVAL;
    *out = vg_calloc(1, sizeof **out);
    if (!st) return VG_EINVAL;
    if (n && (!keys || !values)) {
        vg_store_set_error(st, "no filter keys or values");
        return VG_EINVAL;
    }
    vg_event_query q = { .cols = VG_COLS_EVENT, .order = VG_ORDER_OLDEST };
    vg_dyad d;
    char actor[VG_ACTOR_MAX + 1];
    long from = LONG_MIN, to = LONG_MAX, num;
    const char *why = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *k = keys[i], *v = values[i];
        if (!k || !v) { vg_store_set_error(st, "filter %zu: no key or value", i); return VG_EINVAL; }
        bool bad = false;
        if (!strcmp(k, "dyad")) {
            if (!vg_dyad_parse(v, &d, &why)) bad = true;
            else { q.f.a = d.a; q.f.b = d.b; }
        } else if (!strcmp(k, "actor")) {
            if (!vg_dyad_actor_parse(v, actor, &why)) bad = true;
            else q.f.actor = actor;
        } else if (!strcmp(k, "code")) {
            bad = !digits(v, 2, 4);
            why = "code must be 2-4 digits";
            q.f.code = v;
        } else if (!strcmp(k, "root")) {
            bad = !digits(v, 2, 2) || !int_arg(v, 1, 20, &num);
            why = "root must be 01-20";
            q.f.root = v;
        } else if (!strcmp(k, "quad")) {
            bad = !int_arg(v, 1, 4, &num);
            why = "quad must be 1-4";
            q.f.quad = (int)num;
        } else if (!strcmp(k, "country")) {
            q.f.country = v;
        } else if (!strcmp(k, "place")) {
            q.f.place = v;
        } else if (!strcmp(k, "since") || !strcmp(k, "from")) {
            if (!day_arg(st, v, LONG_MIN, &from)) return VG_EDATE;
        } else if (!strcmp(k, "until") || !strcmp(k, "to")) {
            if (!day_arg(st, v, LONG_MAX, &to)) return VG_EDATE;
        } else if (!strcmp(k, "method")) {
            bad = strcmp(v, "dictionary") && strcmp(v, "model") && strcmp(v, "both");
            why = "method must be dictionary, model or both";
            q.f.method = v;
        } else if (!strcmp(k, "min_confidence")) {
            char *end;
            double c = strtod(v, &end);
            bad = !*v || *end || !(c >= 0 && c <= 1);
            why = "min_confidence must be a number from 0 to 1";
            q.f.min_confidence = c;
        } else if (!strcmp(k, "conflict")) {
            bad = strcmp(v, "0") && strcmp(v, "1");
            why = "conflict must be 0 or 1";
            q.f.conflict_only = !strcmp(v, "1");
        } else if (!strcmp(k, "limit")) {
            bad = !int_arg(v, 1, LONG_MAX, &num);
            why = "limit must be a positive number";
            q.limit = num;
        } else if (!strcmp(k, "order")) {
            bad = strcmp(v, "oldest") && strcmp(v, "newest");
            why = "order must be oldest or newest";
            q.order = !strcmp(v, "newest") ? VG_ORDER_NEWEST : VG_ORDER_OLDEST;
        } else {
            vg_store_set_error(st, "unknown filter '%s' (dyad, actor, code, root, quad, country, "
                               "place, since, until, method, min_confidence, conflict, limit, "
                               "order)", k);
            return VG_EINVAL;
        }
        if (bad) {
            vg_store_set_error(st, "%s: %s ('%s')", k, why ? why : "bad value", v);
            return VG_EINVAL;
        }
    }
    if (from != LONG_MIN) q.f.from = vg_date_of_days(from);
    if (to != LONG_MAX) q.f.to = vg_date_of_days(to);
    return read_stored(st, &q, *out);
}

/* ================================================================ series */

struct vg_series {
    vg_watch_series s;
    char (*labels)[11];
    vg_buf csv, json;
};

int vg_store_series(vg_store *st, const char *dyad, const char *by, const char *from,
                    const char *to, vg_series **out)
{
    if (!out) return VG_EINVAL;
    vg_series *s = *out = vg_calloc(1, sizeof *s);
    if (!st) return VG_EINVAL;
    vg_dyad d;
    vg_period p = VG_BY_WEEK;
    long f, t;
    if (!dyad_arg(st, dyad, &d)) return VG_EINVAL;
    if (by && !vg_period_parse(by, &p)) {
        vg_store_set_error(st, "by must be day, week or month");
        return VG_EINVAL;
    }
    if (!day_arg(st, from, LONG_MIN, &f) || !day_arg(st, to, LONG_MAX, &t)) return VG_EDATE;
    char err[256];
    if (!vg_watch_load_series(st, &d, p, f, t, VG_WATCH_MAX_PERIODS, &s->s, err, sizeof err)) {
        vg_store_set_error(st, "%s", err);
        return strstr(err, "query") ? VG_ESTORE : VG_EINVAL;
    }
    s->labels = vg_calloc(s->s.n ? s->s.n : 1, sizeof *s->labels);
    for (size_t i = 0; i < s->s.n; i++) vg_period_label(s->s.by, s->s.start[i], s->labels[i]);
    vg_watch_series_csv(&s->s, &s->csv);
    vg_watch_series_json(&s->s, &s->json);
    return VG_OK;
}

static const vg_cell *cell(const vg_series *s, int dir, size_t i)
{
    return s && dir >= 0 && dir < VG_NDIR && i < s->s.n ? &s->s.cell[dir][i] : NULL;
}

size_t vg_series_count(const vg_series *s) { return s ? s->s.n : 0; }

const char *vg_series_period(const vg_series *s, size_t i)
{
    return s && i < s->s.n ? s->labels[i] : NULL;
}

int vg_series_events(const vg_series *s, int dir, size_t i)
{
    const vg_cell *c = cell(s, dir, i);
    return c ? c->events : 0;
}

int vg_series_quad(const vg_series *s, int dir, size_t i, int quad)
{
    const vg_cell *c = cell(s, dir, i);
    return c && quad >= 1 && quad <= 4 ? c->quad[quad] : 0;
}

double vg_series_goldstein(const vg_series *s, int dir, size_t i)
{
    const vg_cell *c = cell(s, dir, i);
    return c ? vg_cell_gold_mean(c) : 0;
}

double vg_series_cci(const vg_series *s, int dir, size_t i)
{
    const vg_cell *c = cell(s, dir, i);
    return c ? vg_cell_cci(c) : 0;
}

const char *vg_series_csv(const vg_series *s) { return s && s->csv.s ? s->csv.s : ""; }
const char *vg_series_json(const vg_series *s) { return s && s->json.s ? s->json.s : ""; }

void vg_series_free(vg_series *s)
{
    if (!s) return;
    vg_watch_series_free(&s->s);
    free(s->labels);
    vg_buf_free(&s->csv);
    vg_buf_free(&s->json);
    free(s);
}

/* ================================================================ alerts */

struct vg_alert {
    const vg_watch_alert *a;
    char dyad[2 * VG_ACTOR_MAX + 2], start[11], trigger[11], end[11], severity[96];
};

struct vg_alerts {
    vg_watch_alerts al;
    vg_alert *v;
    vg_buf json;
};

int vg_store_alerts(vg_store *st, const char *dyad, const char *since, vg_alerts **out)
{
    if (!out) return VG_EINVAL;
    vg_alerts *a = *out = vg_calloc(1, sizeof *a);
    if (!st) return VG_EINVAL;
    vg_dyad d;
    long from;
    if (dyad && !dyad_arg(st, dyad, &d)) return VG_EINVAL;
    if (!day_arg(st, since, LONG_MIN, &from)) return VG_EDATE;
    vg_watch_params p;
    vg_watch_params_default(&p);
    char err[256];
    bool ok = dyad ? vg_watch_dyad_alerts(st, &p, &d, from, &a->al, err, sizeof err)
                   : vg_watch_scan(st, &p, from, &a->al, err, sizeof err);
    if (!ok) {
        vg_store_set_error(st, "%s", err);
        return VG_ESTORE;
    }
    vg_watch_alerts_sort(&a->al);
    a->v = vg_calloc(a->al.n ? a->al.n : 1, sizeof *a->v);
    for (size_t i = 0; i < a->al.n; i++) {
        vg_alert *x = &a->v[i];
        x->a = &a->al.v[i];
        snprintf(x->dyad, sizeof x->dyad, "%s-%s", x->a->dyad.a, x->a->dyad.b);
        vg_day_format(x->a->start, x->start);
        vg_day_format(x->a->trigger, x->trigger);
        vg_day_format(x->a->end, x->end);
        vg_watch_alert_severity(x->a, x->severity, sizeof x->severity);
    }
    vg_watch_alerts_json(&a->al, &a->json);
    return VG_OK;
}

size_t vg_alerts_count(const vg_alerts *a) { return a ? a->al.n : 0; }

const vg_alert *vg_alerts_get(const vg_alerts *a, size_t i)
{
    return a && i < a->al.n ? &a->v[i] : NULL;
}

const char *vg_alerts_json(const vg_alerts *a) { return a && a->json.s ? a->json.s : "[]"; }

void vg_alerts_free(vg_alerts *a)
{
    if (!a) return;
    vg_watch_alerts_free(&a->al);
    free(a->v);
    vg_buf_free(&a->json);
    free(a);
}

const char *vg_alert_dyad(const vg_alert *al) { return al->dyad; }
const char *vg_alert_start(const vg_alert *al) { return al->start; }
const char *vg_alert_trigger(const vg_alert *al) { return al->trigger; }
const char *vg_alert_end(const vg_alert *al) { return al->end; }
int vg_alert_ongoing(const vg_alert *al) { return al->a->ongoing; }
int vg_alert_events(const vg_alert *al) { return al->a->n_events; }
double vg_alert_peak7(const vg_alert *al) { return al->a->peak7; }
double vg_alert_baseline7(const vg_alert *al) { return 7 * al->a->baseline; }
const char *vg_alert_severity(const vg_alert *al) { return al->severity; }
size_t vg_alert_driver_count(const vg_alert *al) { return al->a->drivers.n; }

int64_t vg_alert_driver(const vg_alert *al, size_t i)
{
    return i < al->a->drivers.n ? al->a->drivers.v[i] : 0;
}
