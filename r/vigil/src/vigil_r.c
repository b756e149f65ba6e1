/* vigil_r.c -- R's .Call entry points over libvigil (include/vigil.h).
 *
 * Objects: coders and stores are external pointers with finalizers; a
 * coder's pointer protects its dictionaries' pointer, so they outlive it.
 * Results come back as named lists of column vectors, which R/vigil.R turns
 * into data.frames (Dates, factors).  Every C resource is released before
 * an R error is raised (Rf_error does not return).  No global state: the
 * R side keeps its cache of coders in an environment. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#include <vigil.h>

/* ---------------------------------------------------------------- helpers */

static const char *str_arg(SEXP x, const char *what, int allow_null)
{
    if (allow_null && x == R_NilValue) return NULL;
    if (!Rf_isString(x) || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
        Rf_error("%s must be a single string%s", what, allow_null ? " or NULL" : "");
    return Rf_translateCharUTF8(STRING_ELT(x, 0));
}

static SEXP mkstr(const char *s)
{
    return s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING;
}

static void dicts_fin(SEXP p)
{
    vg_dicts *d = R_ExternalPtrAddr(p);
    if (d) vg_dicts_free(d);
    R_ClearExternalPtr(p);
}

static void coder_fin(SEXP p)
{
    vg_coder *c = R_ExternalPtrAddr(p);
    if (c) vg_coder_free(c);
    R_ClearExternalPtr(p);
}

static void store_fin(SEXP p)
{
    vg_store *s = R_ExternalPtrAddr(p);
    if (s) vg_store_close(s);
    R_ClearExternalPtr(p);
}

static vg_store *store_of(SEXP p)
{
    if (TYPEOF(p) != EXTPTRSXP || !Rf_inherits(p, "vigil_store"))
        Rf_error("not a vigil store (use vigil_open())");
    vg_store *s = R_ExternalPtrAddr(p);
    if (!s) Rf_error("the store is closed");
    return s;
}

/* A named list of n columns. */
static SEXP columns(int n, const char *const *names)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n)), nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++) SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

/* ---------------------------------------------------------------- versions */

SEXP vigil_r_version(void)
{
    return Rf_ScalarString(Rf_mkChar(vg_version()));
}

/* ---------------------------------------------------------------- coders */

/* vigil_r_coder(dictionaries: NULL or path, model: NULL, FALSE or path) */
SEXP vigil_r_coder(SEXP dicts, SEXP model)
{
    const char *dp = str_arg(dicts, "dictionaries", 1);
    const char *mp = NULL;
    int no_model = 0;
    if (Rf_isLogical(model) && XLENGTH(model) == 1 && LOGICAL(model)[0] == 0) no_model = 1;
    else mp = str_arg(model, "model", 1);
    vg_dicts *d = NULL;
    int rc;
    if (!dp) rc = vg_dicts_default(&d);
    else {
        size_t n = strlen(dp);
        if (n > 8 && !strcmp(dp + n - 8, ".project")) rc = vg_dicts_tabari(dp, &d);
        else if (n > 4 && !strcmp(dp + n - 4, ".ini")) rc = vg_dicts_petrarch(dp, &d);
        else Rf_error("dictionaries must be NULL (Vigil's own), a PETRARCH config (.ini) or a "
                      "TABARI project (.project)");
    }
    if (rc != VG_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", vg_dicts_errmsg(d));
        vg_dicts_free(d);
        Rf_error("%s: %s", dp ? dp : "default dictionaries", msg);
    }
    SEXP dx = PROTECT(R_MakeExternalPtr(d, Rf_install("vigil_dicts"), R_NilValue));
    R_RegisterCFinalizerEx(dx, dicts_fin, TRUE);
    vg_coder *c = NULL;
    rc = vg_coder_new(d, &c);
    if (rc == VG_OK && no_model) rc = vg_coder_set(c, VG_OPT_HYBRID, 0);
    if (rc == VG_OK && mp) rc = vg_coder_set_model(c, mp);
    if (rc != VG_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", vg_coder_errmsg(c));
        vg_coder_free(c);
        UNPROTECT(1);
        Rf_error("%s%s%s", mp ? mp : "", mp ? ": " : "", msg);
    }
    SEXP cx = PROTECT(R_MakeExternalPtr(c, Rf_install("vigil_coder"), dx));
    R_RegisterCFinalizerEx(cx, coder_fin, TRUE);
    UNPROTECT(2);
    return cx;
}

static const char *const event_cols[] = {
    "record", "sentence_no", "date", "source", "target", "code", "root", "quad", "penta",
    "goldstein", "plover", "method", "confidence", "issues", "passive", "source_name", "url",
    "title", "sentence", "matched",
    /* stored events */
    "id", "date_precision", "place", "place_country", "lat", "lon", "mentions", "articles",
    "sources"
};
enum { N_CODED = 20, N_STORED = 29 };

/* "CODE,n;CODE,n" ("" when none). */
static SEXP issues_of(const vg_event *e, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < vg_event_issue_count(e); i++) {
        int k = snprintf(buf + at, cap - at, "%s%s,%d", i ? ";" : "", vg_event_issue(e, i),
                         vg_event_issue_mentions(e, i));
        if (k < 0 || (size_t)k >= cap - at) break;
        at += (size_t)k;
    }
    return Rf_mkCharCE(buf, CE_UTF8);
}

/* The events as columns (stored: with the store's fields). */
static SEXP event_columns(vg_events *ev, int stored)
{
    R_xlen_t n = (R_xlen_t)vg_events_count(ev);
    int nc = stored ? N_STORED : N_CODED;
    SEXP out = PROTECT(columns(nc, event_cols));
    static const SEXPTYPE types[] = {
        STRSXP, INTSXP, STRSXP, STRSXP, STRSXP, STRSXP, STRSXP, INTSXP, INTSXP, REALSXP,
        STRSXP, STRSXP, REALSXP, STRSXP, LGLSXP, STRSXP, STRSXP, STRSXP, STRSXP, STRSXP,
        REALSXP, STRSXP, STRSXP, STRSXP, REALSXP, REALSXP, INTSXP, INTSXP, INTSXP
    };
    for (int c = 0; c < nc; c++) SET_VECTOR_ELT(out, c, Rf_allocVector(types[c], n));
    char buf[2048];
    for (R_xlen_t i = 0; i < n; i++) {
        const vg_event *e = vg_events_get(ev, (size_t)i);
        SET_STRING_ELT(VECTOR_ELT(out, 0), i, mkstr(vg_event_record(e)));
        INTEGER(VECTOR_ELT(out, 1))[i] = vg_event_sentence_no(e);
        SET_STRING_ELT(VECTOR_ELT(out, 2), i, mkstr(vg_event_date(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 3), i, mkstr(vg_event_source(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 4), i, mkstr(vg_event_target(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 5), i, mkstr(vg_event_code(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 6), i, mkstr(vg_event_root(e)));
        INTEGER(VECTOR_ELT(out, 7))[i] = vg_event_quad(e) ? vg_event_quad(e) : NA_INTEGER;
        INTEGER(VECTOR_ELT(out, 8))[i] = vg_event_penta(e) >= 0 ? vg_event_penta(e) : NA_INTEGER;
        double g = vg_event_goldstein(e), cf = vg_event_confidence(e);
        REAL(VECTOR_ELT(out, 9))[i] = isnan(g) ? NA_REAL : g;
        SET_STRING_ELT(VECTOR_ELT(out, 10), i, mkstr(vg_event_plover(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 11), i, mkstr(vg_event_method(e)));
        REAL(VECTOR_ELT(out, 12))[i] = isnan(cf) ? NA_REAL : round(cf * 1000) / 1000;
        /* a stored event without a method comes from a store that did not
         * record issues either */
        SET_STRING_ELT(VECTOR_ELT(out, 13), i, stored && !vg_event_method(e)
                       ? NA_STRING : issues_of(e, buf, sizeof buf));
        LOGICAL(VECTOR_ELT(out, 14))[i] = vg_event_passive(e);
        SET_STRING_ELT(VECTOR_ELT(out, 15), i, mkstr(vg_event_source_name(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 16), i, mkstr(vg_event_url(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 17), i, mkstr(vg_event_title(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 18), i, mkstr(vg_event_sentence(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 19), i, mkstr(vg_event_matched(e)));
        if (!stored) continue;
        REAL(VECTOR_ELT(out, 20))[i] = (double)vg_event_id(e);
        SET_STRING_ELT(VECTOR_ELT(out, 21), i, mkstr(vg_event_date_precision(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 22), i, mkstr(vg_event_place(e)));
        SET_STRING_ELT(VECTOR_ELT(out, 23), i, mkstr(vg_event_place_country(e)));
        double la = vg_event_lat(e), lo = vg_event_lon(e);
        REAL(VECTOR_ELT(out, 24))[i] = isnan(la) ? NA_REAL : la;
        REAL(VECTOR_ELT(out, 25))[i] = isnan(lo) ? NA_REAL : lo;
        INTEGER(VECTOR_ELT(out, 26))[i] = vg_event_mentions(e);
        INTEGER(VECTOR_ELT(out, 27))[i] = vg_event_articles(e);
        INTEGER(VECTOR_ELT(out, 28))[i] = vg_event_sources(e);
    }
    UNPROTECT(1);
    return out;
}

/* vigil_r_code(coder, text, date (string or NULL), id (string or NULL)) */
SEXP vigil_r_code(SEXP coder, SEXP text, SEXP date, SEXP id)
{
    if (TYPEOF(coder) != EXTPTRSXP || !R_ExternalPtrAddr(coder)) Rf_error("not a vigil coder");
    vg_coder *c = R_ExternalPtrAddr(coder);
    if (!Rf_isString(text) || XLENGTH(text) != 1 || STRING_ELT(text, 0) == NA_STRING)
        Rf_error("text must be a single string (not NA)");
    const char *t = Rf_translateCharUTF8(STRING_ELT(text, 0));
    const char *d = str_arg(date, "date", 1), *r = str_arg(id, "id", 1);
    vg_events *ev = NULL;
    int rc = vg_coder_code_record(c, r, d, t, strlen(t), NULL, NULL, NULL, &ev);
    if (rc != VG_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", vg_coder_errmsg(c));
        vg_events_free(ev);
        Rf_error("%s", msg);
    }
    SEXP out = PROTECT(event_columns(ev, 0));
    vg_events_free(ev);
    UNPROTECT(1);
    return out;
}

/* ---------------------------------------------------------------- stores */

/* vigil_r_open(path, write: TRUE opens or creates) */
SEXP vigil_r_open(SEXP path, SEXP write)
{
    const char *p = str_arg(path, "db", 0);
    int w = Rf_asLogical(write) == 1;
    vg_store *s = NULL;
    int rc = w ? vg_store_open(p, &s) : vg_store_open_readonly(p, &s);
    if (rc != VG_OK) {
        char msg[800];
        snprintf(msg, sizeof msg, "%s", vg_store_errmsg(s));
        vg_store_close(s);
        Rf_error("%s", msg);
    }
    SEXP x = PROTECT(R_MakeExternalPtr(s, Rf_install("vigil_store"), R_NilValue));
    R_RegisterCFinalizerEx(x, store_fin, TRUE);
    Rf_setAttrib(x, R_ClassSymbol, Rf_mkString("vigil_store"));
    UNPROTECT(1);
    return x;
}

SEXP vigil_r_close(SEXP x)
{
    if (TYPEOF(x) == EXTPTRSXP) store_fin(x);
    return R_NilValue;
}

static void store_fail(vg_store *s)
{
    char msg[800];
    snprintf(msg, sizeof msg, "%s", vg_store_errmsg(s));
    Rf_error("%s", msg);
}

/* vigil_r_events(store, keys, values): vg_store_find_events */
SEXP vigil_r_events(SEXP x, SEXP keys, SEXP values)
{
    vg_store *s = store_of(x);
    if (!Rf_isString(keys) || !Rf_isString(values) || XLENGTH(keys) != XLENGTH(values))
        Rf_error("filters must be strings");
    size_t n = (size_t)XLENGTH(keys);
    const char **k = (const char **)R_alloc(n + 1, sizeof *k);
    const char **v = (const char **)R_alloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        if (STRING_ELT(keys, i) == NA_STRING || STRING_ELT(values, i) == NA_STRING)
            Rf_error("filters may not be NA");
        k[i] = Rf_translateCharUTF8(STRING_ELT(keys, i));
        v[i] = Rf_translateCharUTF8(STRING_ELT(values, i));
    }
    vg_events *ev = NULL;
    int rc = vg_store_find_events(s, k, v, n, &ev);
    if (rc != VG_OK) {
        vg_events_free(ev);
        store_fail(s);
    }
    SEXP out = PROTECT(event_columns(ev, 1));
    vg_events_free(ev);
    UNPROTECT(1);
    return out;
}

/* vigil_r_series(store, dyad, by, since, until): one row per period and
 * direction (A>B, B>A, both). */
SEXP vigil_r_series(SEXP x, SEXP dyad, SEXP by, SEXP since, SEXP until)
{
    vg_store *s = store_of(x);
    const char *d = str_arg(dyad, "dyad", 0), *b = str_arg(by, "by", 0);
    const char *f = str_arg(since, "since", 1), *t = str_arg(until, "until", 1);
    vg_series *se = NULL;
    if (vg_store_series(s, d, b, f, t, &se) != VG_OK) {
        vg_series_free(se);
        store_fail(s);
    }
    static const char *const names[] = { "period", "direction", "events", "q1", "q2", "q3",
                                         "q4", "goldstein_mean", "cci" };
    R_xlen_t np = (R_xlen_t)vg_series_count(se), n = 3 * np;
    SEXP out = PROTECT(columns(9, names));
    SET_VECTOR_ELT(out, 0, Rf_allocVector(STRSXP, n));
    SET_VECTOR_ELT(out, 1, Rf_allocVector(INTSXP, n));
    for (int c = 2; c <= 6; c++) SET_VECTOR_ELT(out, c, Rf_allocVector(INTSXP, n));
    for (int c = 7; c <= 8; c++) SET_VECTOR_ELT(out, c, Rf_allocVector(REALSXP, n));
    static const int dirs[3] = { VG_SERIES_AB, VG_SERIES_BA, VG_SERIES_BOTH };
    for (int k = 0; k < 3; k++)
        for (R_xlen_t i = 0; i < np; i++) {
            R_xlen_t r = k * np + i;
            SET_STRING_ELT(VECTOR_ELT(out, 0), r, mkstr(vg_series_period(se, (size_t)i)));
            INTEGER(VECTOR_ELT(out, 1))[r] = k + 1;
            INTEGER(VECTOR_ELT(out, 2))[r] = vg_series_events(se, dirs[k], (size_t)i);
            for (int q = 1; q <= 4; q++)
                INTEGER(VECTOR_ELT(out, 2 + q))[r] = vg_series_quad(se, dirs[k], (size_t)i, q);
            REAL(VECTOR_ELT(out, 7))[r] = vg_series_goldstein(se, dirs[k], (size_t)i);
            REAL(VECTOR_ELT(out, 8))[r] = vg_series_cci(se, dirs[k], (size_t)i);
        }
    vg_series_free(se);
    UNPROTECT(1);
    return out;
}

/* vigil_r_alerts(store, dyad, since) */
SEXP vigil_r_alerts(SEXP x, SEXP dyad, SEXP since)
{
    vg_store *s = store_of(x);
    const char *d = str_arg(dyad, "dyad", 1), *f = str_arg(since, "since", 1);
    vg_alerts *al = NULL;
    if (vg_store_alerts(s, d, f, &al) != VG_OK) {
        vg_alerts_free(al);
        store_fail(s);
    }
    static const char *const names[] = { "dyad", "start", "trigger", "end", "ongoing", "events",
                                         "peak7", "baseline7", "severity", "drivers" };
    R_xlen_t n = (R_xlen_t)vg_alerts_count(al);
    SEXP out = PROTECT(columns(10, names));
    static const SEXPTYPE types[] = { STRSXP, STRSXP, STRSXP, STRSXP, LGLSXP, INTSXP, REALSXP,
                                      REALSXP, STRSXP, VECSXP };
    for (int c = 0; c < 10; c++) SET_VECTOR_ELT(out, c, Rf_allocVector(types[c], n));
    for (R_xlen_t i = 0; i < n; i++) {
        const vg_alert *a = vg_alerts_get(al, (size_t)i);
        SET_STRING_ELT(VECTOR_ELT(out, 0), i, mkstr(vg_alert_dyad(a)));
        SET_STRING_ELT(VECTOR_ELT(out, 1), i, mkstr(vg_alert_start(a)));
        SET_STRING_ELT(VECTOR_ELT(out, 2), i, mkstr(vg_alert_trigger(a)));
        SET_STRING_ELT(VECTOR_ELT(out, 3), i, mkstr(vg_alert_end(a)));
        LOGICAL(VECTOR_ELT(out, 4))[i] = vg_alert_ongoing(a);
        INTEGER(VECTOR_ELT(out, 5))[i] = vg_alert_events(a);
        REAL(VECTOR_ELT(out, 6))[i] = vg_alert_peak7(a);
        REAL(VECTOR_ELT(out, 7))[i] = vg_alert_baseline7(a);
        SET_STRING_ELT(VECTOR_ELT(out, 8), i, mkstr(vg_alert_severity(a)));
        size_t nd = vg_alert_driver_count(a);
        SEXP dr = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nd));
        for (size_t j = 0; j < nd; j++) REAL(dr)[j] = (double)vg_alert_driver(a, j);
        SET_VECTOR_ELT(VECTOR_ELT(out, 9), i, dr);
        UNPROTECT(1);
    }
    vg_alerts_free(al);
    UNPROTECT(1);
    return out;
}

/* vigil_r_ingest(store, coder, paths) */
SEXP vigil_r_ingest(SEXP x, SEXP coder, SEXP paths)
{
    vg_store *s = store_of(x);
    if (TYPEOF(coder) != EXTPTRSXP || !R_ExternalPtrAddr(coder)) Rf_error("not a vigil coder");
    if (!Rf_isString(paths) || XLENGTH(paths) < 1) Rf_error("paths must be file names");
    size_t n = (size_t)XLENGTH(paths);
    const char **p = (const char **)R_alloc(n, sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = Rf_translateChar(STRING_ELT(paths, i));
    int rc = vg_store_ingest(s, R_ExternalPtrAddr(coder), p, n);
    if (rc == VG_ERECORD) {
        Rf_warning("%s", vg_store_errmsg(s));
        return Rf_ScalarLogical(0);
    }
    if (rc != VG_OK) store_fail(s);
    return Rf_ScalarLogical(1);
}

static const R_CallMethodDef calls[] = {
    { "vigil_r_version", (DL_FUNC)&vigil_r_version, 0 },
    { "vigil_r_coder", (DL_FUNC)&vigil_r_coder, 2 },
    { "vigil_r_code", (DL_FUNC)&vigil_r_code, 4 },
    { "vigil_r_open", (DL_FUNC)&vigil_r_open, 2 },
    { "vigil_r_close", (DL_FUNC)&vigil_r_close, 1 },
    { "vigil_r_events", (DL_FUNC)&vigil_r_events, 3 },
    { "vigil_r_series", (DL_FUNC)&vigil_r_series, 5 },
    { "vigil_r_alerts", (DL_FUNC)&vigil_r_alerts, 3 },
    { "vigil_r_ingest", (DL_FUNC)&vigil_r_ingest, 3 },
    { NULL, NULL, 0 }
};

void R_init_vigil(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
