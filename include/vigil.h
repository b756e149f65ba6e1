/* vigil.h -- Vigil: political event data from news text.
 *
 * Vigil reads news reports and codes who did what to whom, when and where,
 * in the CAMEO ontology (mapped to PLOVER), stores the events deduplicated
 * with every report kept as a mention, and watches pairs of actors for
 * escalation.  This header is the whole public interface of libvigil; link
 * with `pkg-config --cflags --libs vigil`.
 *
 * Conventions.  Functions that can fail return an int status: VG_OK (0) or
 * one of the VG_E* codes below; the object's _errmsg() function then says
 * what went wrong, in English.  Objects are created by a function that
 * writes them to an out parameter and released by their _free (or _close)
 * function; that out object is set even when the creation fails (NULL only
 * on a NULL argument), so its message can be read: free it all the same.
 * Strings returned by accessors belong to the object they come from and
 * live as long as it does.  Dates are "YYYY-MM-DD" strings.  Nothing here
 * prints, exits or keeps global state (the built-in tables and default
 * dictionaries are loaded once, then shared read-only).
 *
 * Threads: a vg_dicts may be shared by any number of threads once a coder
 * has been made from it; a vg_coder, a vg_store and every result are used
 * by one thread at a time.
 *
 * The simple interface comes first: one call codes a text with the
 * default dictionaries.  The detailed interface follows: dictionaries,
 * coders and their options, coded events, the event store, series and
 * alerts. */
#ifndef VIGIL_H
#define VIGIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VG_VERSION "0.1.0"
#define VG_VERSION_MAJOR 0
#define VG_VERSION_MINOR 1
#define VG_VERSION_PATCH 0

#if defined(__GNUC__)
#define VG_EXPORT __attribute__((visibility("default")))
#else
#define VG_EXPORT
#endif

typedef struct vg_events vg_events;

/* ================================================================ simple */

/* Codes text (len bytes, UTF-8; bad bytes are repaired) as one article
 * dated yyyy_mm_dd (NULL: today, UTC) with Vigil's default dictionaries
 * and the built-in model deciding among the events they propose (hybrid
 * coding, docs/model.md), and returns its events in *out, which the caller
 * frees with vg_events_free. */
VG_EXPORT int vg_code_text(const char *text, size_t len, const char *yyyy_mm_dd,
                           vg_events **out);

/* "0.1.0": the library's version (VG_VERSION is the header's). */
VG_EXPORT const char *vg_version(void);

/* ================================================================ errors */

enum {
    VG_OK = 0,
    VG_EINVAL,      /* a bad argument (a NULL pointer, an unknown option, a bad dyad) */
    VG_EDATE,       /* a date that is not YYYY-MM-DD or does not exist */
    VG_EIO,         /* a file could not be read */
    VG_ESTORE,      /* the store could not be opened, read or written */
    VG_ERECORD      /* some records could not be coded (the others were) */
};

/* A short description of a status code ("bad argument", ...). */
VG_EXPORT const char *vg_strerror(int status);

/* ================================================================ dictionaries */

/* A set of dictionaries (actors, agents, verbs, discards, issues, options),
 * loaded and then read-only. */
typedef struct vg_dicts vg_dicts;

/* The kinds of single dictionary files (vg_dicts_add). */
typedef enum vg_dict_kind {
    VG_TABARI_ACTORS, VG_TABARI_AGENTS, VG_TABARI_VERBS, VG_TABARI_OPTIONS,
    VG_PETRARCH_ACTORS, VG_PETRARCH_AGENTS, VG_PETRARCH_VERBS, VG_PETRARCH_DISCARDS,
    VG_PETRARCH_ISSUES
} vg_dict_kind;

/* Vigil's own dictionaries (built in; $VIGIL_DICT_DIR overrides them). */
VG_EXPORT int vg_dicts_default(vg_dicts **out);
/* The dictionaries a TABARI .project names; coded the TABARI way. */
VG_EXPORT int vg_dicts_tabari(const char *project, vg_dicts **out);
/* The dictionaries a PETRARCH PETR_config.ini names. */
VG_EXPORT int vg_dicts_petrarch(const char *config, vg_dicts **out);
/* An empty set, for vg_dicts_add. */
VG_EXPORT int vg_dicts_new(vg_dicts **out);
/* Adds one file (TABARI verbs or options turn on TABARI-compatible
 * coding).  Only before the first coder is made from the set. */
VG_EXPORT int vg_dicts_add(vg_dicts *d, vg_dict_kind kind, const char *path);
/* Problems found while loading ("file:line: reason"; the entry was
 * skipped): how many, and each. */
VG_EXPORT size_t vg_dicts_problem_count(const vg_dicts *d);
VG_EXPORT const char *vg_dicts_problem(const vg_dicts *d, size_t i);
VG_EXPORT const char *vg_dicts_errmsg(const vg_dicts *d);
VG_EXPORT void vg_dicts_free(vg_dicts *d);

/* ================================================================ coding */

/* One thread's coder over a set of dictionaries (which must outlive it). */
typedef struct vg_coder vg_coder;

/* Options of a coder, set with vg_coder_set; the defaults come from the
 * dictionaries (their .options file or config). */
typedef enum vg_coder_option {
    VG_OPT_LEDE = 1,        /* code only an article's first N sentences (0: all; 0) */
    VG_OPT_TAGGER,          /* 1: the part-of-speech tagger decides verb or noun */
    VG_OPT_REQUIRE_DYAD,    /* 1: an event needs both a source and a target; 0: one whose
                               PLOVER category needs no recipient may have its source
                               alone, target "---" (docs/coding.md); default 0 with Vigil's
                               own dictionaries, 1 with others (TABARI's always 1) */
    VG_OPT_MIN_WORDS,       /* shorter sentences are not coded (0: no minimum) */
    VG_OPT_TABARI,          /* 1: code exactly as TABARI 0.8.4 does */
    VG_OPT_HYBRID,          /* 1: a model decides among the dictionaries' events (docs/model.md);
                               default 1 with Vigil's own dictionaries, 0 with others */
    VG_OPT_MIN_CONFIDENCE   /* hybrid events below this confidence, in thousandths, are
                               dropped (0) */
} vg_coder_option;

VG_EXPORT int vg_coder_new(vg_dicts *d, vg_coder **out);
/* Hybrid coding with a model file from `vigil train` instead of the built-in
 * model (heads it lacks come from the built-in one); turns VG_OPT_HYBRID on.
 * VG_EIO or VG_EINVAL (a file that is not a model) leaves the coder as it was. */
VG_EXPORT int vg_coder_set_model(vg_coder *c, const char *path);
VG_EXPORT int vg_coder_set(vg_coder *c, vg_coder_option opt, long value);
VG_EXPORT long vg_coder_get(const vg_coder *c, vg_coder_option opt);
/* Codes one article (text: len bytes of UTF-8, split into sentences) dated
 * date ("YYYY-MM-DD"; NULL: today).  *out receives its events. */
VG_EXPORT int vg_coder_code(vg_coder *c, const char *text, size_t len, const char *date,
                            vg_events **out);
/* The same with the record's metadata, which the events carry: id (the
 * events' record), source (the outlet), url and title; each may be NULL. */
VG_EXPORT int vg_coder_code_record(vg_coder *c, const char *id, const char *date,
                                   const char *text, size_t len, const char *source,
                                   const char *url, const char *title, vg_events **out);
VG_EXPORT const char *vg_coder_errmsg(const vg_coder *c);
VG_EXPORT void vg_coder_free(vg_coder *c);

/* ================================================================ events */

typedef struct vg_event vg_event;

VG_EXPORT size_t vg_events_count(const vg_events *ev);
/* The i-th event (NULL past the end). */
VG_EXPORT const vg_event *vg_events_get(const vg_events *ev, size_t i);
/* Sentences coded to get these events (0 for events read from a store). */
VG_EXPORT size_t vg_events_sentences(const vg_events *ev);
VG_EXPORT void vg_events_free(vg_events *ev);

/* An event's fields, as `vigil code` writes them in JSON.  Absent text
 * fields are NULL, an unknown number is 0 (quad), -1 (penta) or NaN
 * (goldstein). */
VG_EXPORT const char *vg_event_record(const vg_event *e);     /* record (article) id */
VG_EXPORT int vg_event_sentence_no(const vg_event *e);        /* 0-based, in the record */
VG_EXPORT const char *vg_event_sentence(const vg_event *e);   /* the sentence as written */
VG_EXPORT const char *vg_event_date(const vg_event *e);
VG_EXPORT const char *vg_event_source(const vg_event *e);     /* CAMEO actor codes */
VG_EXPORT const char *vg_event_target(const vg_event *e);
VG_EXPORT const char *vg_event_code(const vg_event *e);       /* CAMEO event code */
VG_EXPORT const char *vg_event_root(const vg_event *e);       /* its root ("19") */
VG_EXPORT int vg_event_quad(const vg_event *e);               /* QuadClass 1..4 */
VG_EXPORT int vg_event_penta(const vg_event *e);              /* PentaClass 0..4 */
VG_EXPORT double vg_event_goldstein(const vg_event *e);       /* -10 .. +10 */
VG_EXPORT const char *vg_event_plover(const vg_event *e);     /* PLOVER category */
VG_EXPORT int vg_event_passive(const vg_event *e);            /* 1: passive voice swapped them */
/* How it was decided: "dictionary" (the dictionaries alone), "both" (they
 * proposed it, the model kept it) or "model" (the model added it, or changed
 * its code or direction); and the model's confidence, 0..1 (NaN for
 * "dictionary").  The model's explanation is "model" in vg_event_matched.
 * Stored events carry their first mention's (NULL and NaN in stores written
 * before Vigil recorded them). */
VG_EXPORT const char *vg_event_method(const vg_event *e);
VG_EXPORT double vg_event_confidence(const vg_event *e);
VG_EXPORT const char *vg_event_source_name(const vg_event *e); /* the record's outlet */
VG_EXPORT const char *vg_event_url(const vg_event *e);
VG_EXPORT const char *vg_event_title(const vg_event *e);
/* The sentence's issues: how many, each one's code and its phrases found
 * (stored events: those of their first mention's sentence). */
VG_EXPORT size_t vg_event_issue_count(const vg_event *e);
VG_EXPORT const char *vg_event_issue(const vg_event *e, size_t i);
VG_EXPORT int vg_event_issue_mentions(const vg_event *e, size_t i);
/* The explanation ("matched" in the JSON): the dictionary entries, with
 * file and line, and the pattern that produced the event, as JSON text. */
VG_EXPORT const char *vg_event_matched(const vg_event *e);
/* The whole event as one JSON object (the line `vigil code` writes; for a
 * stored event, its stored fields and its first mention). */
VG_EXPORT const char *vg_event_json(const vg_event *e);

/* Fields of events read from a store (vg_store_events,
 * vg_store_find_events); coded events have id 0, precision "article", no
 * place and one mention.  vg_event_json of a stored event has these too,
 * and the event's source_country, target_country, place_adm1,
 * place_precision, place_from_actor, place_raw and first_seen. */
VG_EXPORT int64_t vg_event_id(const vg_event *e);
VG_EXPORT const char *vg_event_date_precision(const vg_event *e); /* "day" ... "article" */
VG_EXPORT int vg_event_mentions(const vg_event *e);          /* reports of it */
VG_EXPORT int vg_event_articles(const vg_event *e);
VG_EXPORT int vg_event_sources(const vg_event *e);
VG_EXPORT const char *vg_event_place(const vg_event *e);     /* place name */
VG_EXPORT const char *vg_event_place_country(const vg_event *e);  /* ISO-3 */
VG_EXPORT double vg_event_lat(const vg_event *e);
VG_EXPORT double vg_event_lon(const vg_event *e);

/* ================================================================ the store */

/* An event store: SQLite (a file path) or PostgreSQL ("postgresql://...").
 * One connection, used by one thread at a time. */
typedef struct vg_store vg_store;
typedef struct vg_series vg_series;
typedef struct vg_alerts vg_alerts;
typedef struct vg_alert vg_alert;

/* Opens the store, creating its tables if needed.  A store written by an
 * older Vigil is upgraded to this version's schema (docs/store.md, "Schema
 * versions"). */
VG_EXPORT int vg_store_open(const char *url, vg_store **out);
/* Opens an existing store for reading only: never creates one (a missing
 * file is VG_ESTORE "no such store"), takes no write lock, and may be used
 * while another process ingests into it (each query sees the last
 * committed batch).  vg_store_ingest on it fails.  A store of an older
 * schema is upgraded once, which needs write access. */
VG_EXPORT int vg_store_open_readonly(const char *url, vg_store **out);
/* Codes the files named (directories recursively; the format by
 * extension: .jsonl, .xml, .tabari, anything else is one text article)
 * with the coder's dictionaries and options, on all processors, and adds
 * them to the store (dates and places resolved, mentions deduplicated
 * into events; an article seen before is skipped, a changed one replaced).
 * VG_ERECORD when some records failed (the others are stored). */
VG_EXPORT int vg_store_ingest(vg_store *st, vg_coder *c, const char *const *paths, size_t n);
/* Stored events, oldest first: of a dyad ("SRB-KSV": actor-code prefixes,
 * either direction; NULL: every event), from since to until (each
 * "YYYY-MM-DD" or NULL). */
VG_EXPORT int vg_store_events(vg_store *st, const char *dyad, const char *since,
                              const char *until, vg_events **out);
/* Stored events matching n filters, each a key and its value (both text):
 *   dyad "SRB-KSV"   actor-code prefixes, either direction
 *   actor "SRBMIL"   source or target starts with it
 *   code "190", root "19", quad "1".."4", country "KSV" (the place's ISO-3),
 *   place (its name, ASCII case ignored)
 *   since, until     "YYYY-MM-DD", inclusive (also: from, to)
 *   method           "dictionary", "model" or "both" (events of stores
 *                    written before Vigil recorded it match none)
 *   min_confidence   "0.5": the model's confidence at least this
 *   conflict "1"     QuadClass 3 and 4 only
 *   limit "100"      at most this many events
 *   order            "oldest" (default: date, then id) or "newest"
 * An unknown key or a bad value is VG_EINVAL (VG_EDATE for dates) with the
 * key named in vg_store_errmsg. */
VG_EXPORT int vg_store_find_events(vg_store *st, const char *const *keys,
                                   const char *const *values, size_t n, vg_events **out);
/* A dyad's deduplicated events per period: by "day", "week" or "month";
 * from/to default to its first/last event. */
VG_EXPORT int vg_store_series(vg_store *st, const char *dyad, const char *by, const char *from,
                              const char *to, vg_series **out);
/* Escalation alerts (CUSUM on daily conflict intensity, the default
 * detector of docs/watch.md) of a dyad, or of every pair of countries when
 * dyad is NULL, that start on or after since (NULL: all); newest first. */
VG_EXPORT int vg_store_alerts(vg_store *st, const char *dyad, const char *since,
                              vg_alerts **out);
VG_EXPORT const char *vg_store_errmsg(const vg_store *st);
VG_EXPORT void vg_store_close(vg_store *st);

/* ---- series ---- */

/* Directions of a series. */
#define VG_SERIES_AB 0      /* A -> B */
#define VG_SERIES_BA 1      /* B -> A */
#define VG_SERIES_BOTH 2

VG_EXPORT size_t vg_series_count(const vg_series *s);                 /* periods */
/* A period's first day ("YYYY-MM-DD"; months "YYYY-MM"). */
VG_EXPORT const char *vg_series_period(const vg_series *s, size_t i);
VG_EXPORT int vg_series_events(const vg_series *s, int dir, size_t i);
/* Events of QuadClass quad (1..4) in the period. */
VG_EXPORT int vg_series_quad(const vg_series *s, int dir, size_t i, int quad);
VG_EXPORT double vg_series_goldstein(const vg_series *s, int dir, size_t i);  /* mean */
/* Conflict-cooperation index in [-1, 1]. */
VG_EXPORT double vg_series_cci(const vg_series *s, int dir, size_t i);
/* The series as `vigil series` writes it: CSV, and JSON. */
VG_EXPORT const char *vg_series_csv(const vg_series *s);
VG_EXPORT const char *vg_series_json(const vg_series *s);
VG_EXPORT void vg_series_free(vg_series *s);

/* ---- alerts ---- */

VG_EXPORT size_t vg_alerts_count(const vg_alerts *a);
VG_EXPORT const vg_alert *vg_alerts_get(const vg_alerts *a, size_t i);
/* All of them as `vigil alerts --format json` writes them. */
VG_EXPORT const char *vg_alerts_json(const vg_alerts *a);
VG_EXPORT void vg_alerts_free(vg_alerts *a);

VG_EXPORT const char *vg_alert_dyad(const vg_alert *al);      /* "KSV-SRB" */
VG_EXPORT const char *vg_alert_start(const vg_alert *al);     /* the change point */
VG_EXPORT const char *vg_alert_trigger(const vg_alert *al);   /* when it was raised */
VG_EXPORT const char *vg_alert_end(const vg_alert *al);
VG_EXPORT int vg_alert_ongoing(const vg_alert *al);
VG_EXPORT int vg_alert_events(const vg_alert *al);            /* conflict events in it */
VG_EXPORT double vg_alert_peak7(const vg_alert *al);          /* most in 7 days */
VG_EXPORT double vg_alert_baseline7(const vg_alert *al);      /* usual per 7 days */
VG_EXPORT const char *vg_alert_severity(const vg_alert *al);  /* "highest in 11 months" */
/* The events that drove it (ids in the store), heaviest first. */
VG_EXPORT size_t vg_alert_driver_count(const vg_alert *al);
VG_EXPORT int64_t vg_alert_driver(const vg_alert *al, size_t i);

#ifdef __cplusplus
}
#endif

#endif
