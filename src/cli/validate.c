/* validate.c -- `vigil validate FILE --project P [--events OUT.jsonl]`:
 * runs a TABARI validation file the way TABARI's V)alidate mode does. */
#include "cli.h"
#include "pipeline.h"
#include "dict.h"
#include "input.h"
#include "match.h"
#include "output.h"
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct expect_ev {
    char src[48], tgt[48], code[16];
    int32_t date;            /* 0 if none given */
} expect_ev;

typedef struct expectation {
    VG_VEC(expect_ev) ev;
    bool none, discard, complex;   /* {---} {###} {+++} */
    bool partial;                  /* -{...}: don't check further events */
    VG_VEC(char *) options;
} expectation;

static void expectation_free(expectation *x)
{
    for (size_t i = 0; i < x->options.n; i++) free(x->options.v[i]);
    vg_vec_free(&x->options);
    vg_vec_free(&x->ev);
}

static void trim_copy(char *dst, size_t cap, const char *s, size_t n)
{
    while (n && vg_isspace((unsigned char)*s)) { s++; n--; }
    while (n && vg_isspace((unsigned char)s[n - 1])) n--;
    if (n >= cap) n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static bool is_special(const char *s, const char *code)
{
    char t[16];
    size_t k = 0;
    for (; *s && k < sizeof t - 1; s++)
        if (!vg_isspace((unsigned char)*s)) t[k++] = *s;
    t[k] = '\0';
    return !strcmp(t, code);
}

static int32_t date_after(const char *p, bool yyyy)
{
    while (*p == ' ' || *p == '\t') p++;
    int32_t d;
    return vg_isdigit((unsigned char)*p) && vg_parse_record_date(p, yyyy, &d) ? d : 0;
}

/* Reads the {...} items of a record's comments. */
static void parse_expectation(const char *c, bool yyyy, expectation *x)
{
    for (const char *p = strchr(c, '{'); p; p = strchr(p + 1, '{')) {
        bool minus = p > c && p[-1] == '-';
        const char *close = strchr(p, '}');
        const char *stop = strstr(p, "*/");
        const char *end = close ? close : (stop ? stop : p + strlen(p));
        char item[256];
        trim_copy(item, sizeof item, p + 1, (size_t)(end - p - 1));
        if (!strncmp(item, "OPTION:", 7)) {
            vg_vec_push(&x->options, vg_strdup(vg_trim(item + 7)));
            continue;
        }
        if (minus) { x->partial = true; continue; }
        if (is_special(item, "---")) { x->none = true; continue; }
        if (is_special(item, "###")) { x->discard = true; continue; }
        if (is_special(item, "+++")) { x->complex = true; continue; }
        char *s1 = strchr(item, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
        if (!s2) continue;
        expect_ev e = {0};
        trim_copy(e.src, sizeof e.src, item, (size_t)(s1 - item));
        trim_copy(e.tgt, sizeof e.tgt, s1 + 1, (size_t)(s2 - s1 - 1));
        trim_copy(e.code, sizeof e.code, s2 + 1, strlen(s2 + 1));
        e.date = close ? date_after(close + 1, yyyy) : 0;
        vg_vec_push(&x->ev, e);
    }
}

static bool scored(const expectation *x)
{
    return x->ev.n || x->none || x->discard || x->complex;
}

static bool has_event(const vg_result *r, const expect_ev *e)
{
    for (size_t i = 0; i < r->events.n; i++) {
        const vg_event *v = &r->events.v[i];
        if (!strcmp(v->source, e->src) && !strcmp(v->target, e->tgt) && !strcmp(v->code, e->code))
            return true;
    }
    return false;
}

static bool expected_has(const expectation *x, const vg_event *v)
{
    for (size_t i = 0; i < x->ev.n; i++)
        if (!strcmp(v->source, x->ev.v[i].src) && !strcmp(v->target, x->ev.v[i].tgt) &&
            !strcmp(v->code, x->ev.v[i].code))
            return true;
    return false;
}

static bool check(const expectation *x, const vg_result *r, bool dates)
{
    if (x->complex && r->status == VG_AN_COMPLEX) return true;
    if (x->discard && r->status == VG_AN_DISCARD) return true;
    if (x->none && r->events.n == 0 && r->status != VG_AN_COMPLEX &&
        r->status != VG_AN_DISCARD)
        return true;
    if (!x->ev.n) return x->partial && !x->none && !x->discard && !x->complex;
    for (size_t i = 0; i < x->ev.n; i++)
        if (!has_event(r, &x->ev.v[i])) return false;
    if (!x->partial)
        for (size_t i = 0; i < r->events.n; i++)
            if (!expected_has(x, &r->events.v[i])) return false;
    if (dates && x->ev.v[0].date && x->ev.v[0].date != r->date) return false;
    return true;
}

static void describe(vg_buf *b, const vg_result *r)
{
    static const char *st[] = { "", "too short", "###", "+++" };
    if (r->status) vg_buf_printf(b, "{%s} (%s) ", st[r->status], r->why);
    if (!r->events.n && !r->status) vg_buf_puts(b, "{---} ");
    for (size_t i = 0; i < r->events.n; i++)
        vg_buf_printf(b, "{%s/%s/%s} ", r->events.v[i].source, r->events.v[i].target,
                      r->events.v[i].code);
    if (r->shifted) vg_buf_printf(b, "date %d", r->date);
}

/* Story and sentence numbers from a record id, per a FORWARD: format
 * ("^^*****NNN*SSS"): ^ leading blanks, * any char, N story, S sentence. */
static void story_numbers(const char *fmt, const char *id, long *story, long *sent)
{
    *story = *sent = -1;
    size_t i = 0;
    while (fmt[i] == '^') i++;
    long st = 0, se = 0;
    bool has_st = false, has_se = false;
    for (size_t k = 0; fmt[i] && id[k]; i++, k++) {
        if (fmt[i] == 'N' || fmt[i] == 'S') {
            if (!vg_isdigit((unsigned char)id[k])) return;
            long *v = fmt[i] == 'N' ? &st : &se;
            *v = *v * 10 + (id[k] - '0');
            if (fmt[i] == 'N') has_st = true; else has_se = true;
        }
    }
    if (has_st) *story = st;
    if (has_se) *sent = se;
}

typedef struct vstate {
    vg_dict *d;
    vg_coder *coder;
    vg_decider *dc;           /* hybrid coding; NULL: dictionaries alone */
    vg_result res;
    long prev_story, prev_sent;
    FILE *events;
    int nscored, npass;
    bool verbose;
    vg_diag diag;
} vstate;

/* --events FILE: the record's events as JSON lines. */
static void write_events(vstate *v, const char *id, const vg_record *rec)
{
    if (!v->events) return;
    vg_event_ctx cx = { .d = v->d, .record = id, .sentence = rec->text.s ? rec->text.s : "",
                        .sentence_len = rec->text.len, .issues = &v->res.issues,
                        .expl = &v->res.expl };
    vg_buf b = {0};
    vg_events_jsonl(&b, &cx, &v->res);
    if (b.len) fwrite(b.s, 1, b.len, v->events);
    vg_buf_free(&b);
}

/* VIGIL_TRACE=ID prints the analysis of record ID (tokens, types, clauses). */
static void trace(vstate *v, const char *id)
{
    const char *want = getenv("VIGIL_TRACE");
    if (!want || strcmp(want, id)) return;
    vg_buf t = {0};
    vg_analysis_dump(vg_coder_analysis(v->coder), &t);
    fputs(t.s ? t.s : "", stdout);
    vg_buf_free(&t);
}

static void forward_control(vstate *v, const char *id)
{
    if (!v->d->opt.forward) {
        vg_coder_new_story(v->coder);
        return;
    }
    long st, se;
    story_numbers(v->d->opt.fwd_format, id, &st, &se);
    if (st < 0 || st != v->prev_story || se != v->prev_sent + 1) vg_coder_new_story(v->coder);
    v->prev_story = st;
    v->prev_sent = se;
}

static void run_record(vstate *v, const vg_record *rec, const char *file)
{
    expectation x = {0};
    parse_expectation(rec->comment.s ? rec->comment.s : "", v->d->opt.yyyy, &x);
    for (size_t i = 0; i < x.options.n; i++)
        vg_tabari_option(v->d, x.options.v[i], file, rec->line, &v->diag);
    if (x.options.n && !scored(&x)) { expectation_free(&x); return; }
    int32_t date;
    bool date_ok = vg_parse_record_date(rec->date_text.s, v->d->opt.yyyy, &date);
    const char *id = rec->id.s ? rec->id.s : "";
    if (!date_ok) {
        vg_diag_add(&v->diag, VG_DIAG_ERROR, file, rec->line, "record %s: bad date '%s'",
                    id, rec->date_text.s);
        vg_coder_new_story(v->coder);
        v->res.events.n = 0;
        v->res.status = VG_AN_OK;
    } else {
        forward_control(v, id);
        vg_code_sentence(v->coder, rec->text.s ? rec->text.s : "", rec->text.len, date, &v->res);
        vg_sentence_warnings(v->d, id, 0, &v->res, &v->diag);
        if (v->dc) vg_decide(v->dc, v->coder, &v->res);
        write_events(v, id, rec);
    }
    if (scored(&x)) {
        v->nscored++;
        bool dates = v->d->opt.time_shift == 1 || (v->d->opt.time_shift < 0 && v->d->has_time);
        bool ok = date_ok && check(&x, &v->res, dates);
        if (ok) v->npass++;
        trace(v, id);
        if (!ok || v->verbose) {
            vg_buf b = {0};
            describe(&b, &v->res);
            printf("%s %s (line %ld): got %s\n", ok ? "ok  " : "FAIL", id, rec->line, b.s ? b.s : "");
            vg_buf_free(&b);
        }
    }
    expectation_free(&x);
}

/* ---- PETRARCH XML validation records ---- */

typedef struct pscore {
    int scored, exact, gold_events, coded_events, matched_events;
} pscore;

static void parse_petrarch_expected(const char *s, expectation *x)
{
    for (const char *p = s; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char line[160];
        trim_copy(line, sizeof line, p, n);
        if (!strcmp(line, "NOEVENTS")) x->none = true;
        else if (!strcmp(line, "DISCARD")) x->discard = true;
        else if (*line) {
            expect_ev e = {0};
            if (sscanf(line, "%47s %47s %15s", e.src, e.tgt, e.code) == 3) vg_vec_push(&x->ev, e);
        }
        p = nl ? nl + 1 : NULL;
    }
}

static void petrarch_record(vstate *v, const vg_record *rec, pscore *ps)
{
    expectation x = {0};
    parse_petrarch_expected(rec->expected.s, &x);
    if (!x.ev.n && !x.none && !x.discard) { expectation_free(&x); return; }
    int32_t date;
    const char *id = rec->id.s ? rec->id.s : "";
    if (!vg_parse_record_date(rec->date_text.s ? rec->date_text.s : "", true, &date)) {
        vg_diag_add(&v->diag, VG_DIAG_ERROR, NULL, 0, "record %s: bad date", id);
        date = 20000101;
    }
    vg_coder_new_story(v->coder);
    vg_code_sentence(v->coder, rec->text.s ? rec->text.s : "", rec->text.len, date, &v->res);
    vg_sentence_warnings(v->d, id, 0, &v->res, &v->diag);
    if (v->dc) vg_decide(v->dc, v->coder, &v->res);
    write_events(v, id, rec);
    trace(v, id);
    /* a discard expects no events; so does "noevents" */
    bool ok;
    if (x.discard || x.none) ok = v->res.events.n == 0;
    else ok = check(&x, &v->res, false) && v->res.status == VG_AN_OK;
    ps->scored++;
    if (ok) ps->exact++;
    ps->gold_events += (int)x.ev.n;
    ps->coded_events += (int)v->res.events.n;
    for (size_t i = 0; i < x.ev.n; i++) ps->matched_events += has_event(&v->res, &x.ev.v[i]);
    if (!ok || v->verbose) {
        vg_buf b = {0}, want = {0};
        describe(&b, &v->res);
        for (size_t i = 0; i < x.ev.n; i++)
            vg_buf_printf(&want, "{%s/%s/%s} ", x.ev.v[i].src, x.ev.v[i].tgt, x.ev.v[i].code);
        if (x.none) vg_buf_puts(&want, "{noevents} ");
        if (x.discard) vg_buf_puts(&want, "{discard} ");
        printf("%s %s: want %s got %s\n", ok ? "ok  " : "FAIL", id, want.s ? want.s : "",
               b.s ? b.s : "");
        vg_buf_free(&b);
        vg_buf_free(&want);
    }
    expectation_free(&x);
}

static void petrarch_summary(const pscore *ps)
{
    double p = ps->coded_events ? (double)ps->matched_events / ps->coded_events : 0;
    double r = ps->gold_events ? (double)ps->matched_events / ps->gold_events : 0;
    printf("%d scored records: %d exactly right (%.1f%%); events: precision %.3f, recall %.3f "
           "(%d coded, %d gold, %d matched)\n", ps->scored, ps->exact,
           ps->scored ? 100.0 * ps->exact / ps->scored : 0, p, r, ps->coded_events,
           ps->gold_events, ps->matched_events);
    printf("%d passed, %d failed\n", ps->exact, ps->scored - ps->exact);
}

int cli_validate(int argc, char **argv)
{
    const char *file = NULL, *project = NULL, *events = NULL, *stop = "FINAL-01";
    bool verbose = false;
    cli_dictspec sp = {0};
    cli_modelspec ms = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--project") && i + 1 < argc) project = argv[++i];
        else if (cli_dict_arg(&sp, argc, argv, &i) || cli_model_arg(&ms, argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--events") && i + 1 < argc) events = argv[++i];
        else if (!strcmp(argv[i], "--all")) stop = NULL;
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) verbose = true;
        else if (argv[i][0] != '-' && !file) file = argv[i];
        else { fprintf(stderr, "vigil validate: unknown argument '%s'\n", argv[i]); return 2; }
    }
    size_t flen = file ? strlen(file) : 0;
    bool xml = flen > 4 && !strcmp(file + flen - 4, ".xml");
    if (!file || (!project && !xml)) {
        fputs("usage: vigil validate FILE --project P [--events OUT.jsonl] [--all] [-v]\n"
              "       vigil validate FILE.xml [--config PETR_config.ini | dictionary options]\n",
              stderr);
        return 2;
    }
    vstate v = {0};
    v.verbose = verbose;
    v.diag.echo = stderr;
    v.prev_story = v.prev_sent = -1;
    if (project) {
        v.d = vg_dict_new();
        v.d->opt.tabari_compat = true;
        vg_load_tabari_project(v.d, project, &v.diag, NULL);
        vg_dict_compile(v.d);
    } else {
        v.d = cli_dict_load(&sp, &v.diag);
    }
    vg_code_opts co = {0};
    sp.project = project;
    bool model_ok = cli_model_setup(&ms, &sp, &co, "validate");
    cli_dictspec_free(&sp);
    if (!model_ok) {
        vg_dict_free(v.d);
        vg_diag_free(&v.diag);
        return 2;
    }
    v.coder = vg_coder_new(v.d, &v.d->opt);
    if (co.model) v.dc = vg_decider_new(co.model, co.fallback, &co.mopts);
    if (events && !(v.events = fopen(events, "w"))) {
        perror(events);
        return 2;
    }
    size_t len;
    char *text = vg_read_file(file, &len);
    if (!text) { perror(file); return 2; }
    vg_reader *rd = vg_reader_new(xml ? VG_FMT_PETRARCH : VG_FMT_TABARI, file, text, len);
    vg_record rec = {0};
    pscore ps = {0};
    while (vg_reader_next(rd, &rec, &v.diag)) {
        if (xml) { petrarch_record(&v, &rec, &ps); continue; }
        if (stop && rec.id.s && !strcmp(rec.id.s, stop)) break;
        run_record(&v, &rec, file);
    }
    if (xml) {
        petrarch_summary(&ps);
        v.nscored = ps.scored;
        v.npass = ps.exact;
    } else {
        printf("%d scored records: %d passed, %d failed\n", v.nscored, v.npass, v.nscored - v.npass);
    }
    vg_record_free(&rec);
    vg_reader_free(rd);
    free(text);
    if (v.events) fclose(v.events);
    vg_result_free(&v.res);
    vg_coder_free(v.coder);
    vg_decider_free(v.dc);
    cli_modelspec_free(&ms);
    vg_dict_free(v.d);
    vg_diag_free(&v.diag);
    return v.npass == v.nscored ? 0 : 1;
}
