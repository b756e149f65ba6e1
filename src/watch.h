/* watch.h -- the escalation watch: per-period time series of a dyad (a pair
 * of actor-code prefixes, "SRB-KSV") read from the event store, and
 * escalation alerts from a CUSUM on the daily conflict intensity of a dyad
 * against a trailing baseline (method and parameters: docs/watch.md).
 *
 * Everything counts deduplicated events (the events table), never mentions:
 * a story reported a thousand times is one event.  Three files:
 *   watch.c         the detector (vg_watch_detect), a pure function of an
 *                   event list, so it is tested on synthetic series; series
 *                   and alerts as data, CSV and JSON;
 *   watch_store.c   the queries (vg_watch_load, vg_watch_scan, ...), through
 *                   the store (store.h), on SQLite or PostgreSQL;
 *   watch_report.c  the terminal report.
 * No global state; a vg_store is used by one thread at a time. */
#ifndef VG_WATCH_H
#define VG_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "store.h"
#include "util.h"

#define VG_ACTOR_MAX 32          /* longest actor-code prefix accepted */

/* A dyad: two actor-code prefixes.  "SRB" selects SRB, SRBMIL, SRBGOV... */
typedef struct vg_dyad {
    char a[VG_ACTOR_MAX + 1], b[VG_ACTOR_MAX + 1];
} vg_dyad;

/* Parses "A-B": each side 1..32 letters/digits (folded to upper case), or
 * "---" (the unknown-country prefix of actors coded by their agent alone)
 * followed by 0..29 of them, so that "----BIH" is "---" with "BIH" and
 * "---REB-SRB" is "---REB" with "SRB": every dyad any command prints parses.
 * On failure returns false and sets *why (static text). */
bool vg_dyad_parse(const char *s, vg_dyad *out, const char **why);
/* Parses a single actor prefix the same way; out has VG_ACTOR_MAX+1 bytes. */
bool vg_dyad_actor_parse(const char *s, char *out, const char **why);
/* True when code starts with prefix. */
bool vg_dyad_actor_match(const char *code, const char *prefix);
/* "A-B" into buf (2 * VG_ACTOR_MAX + 2 bytes). */
void vg_dyad_format(const vg_dyad *d, char *buf, size_t bufsz);

/* The group an actor code is watched and listed under: its first three
 * characters (the country, or "---" for unknown, "NGO", ...), except for
 * international organisations and militarised groups, which are each
 * themselves: "IGOUNO..." is the UN (its agencies included), other
 * "IGO..."/"IMG..." codes their first nine characters (region and
 * organisation: IGOWSTNAT NATO, IGOEUREEC the EU, IMGMOSISI), shorter
 * ones whole.  A group is a prefix of every code in it, so a dyad of two
 * groups selects the same events in every command.  out: VG_ACTOR_MAX+1
 * bytes; "" for an empty code. */
void vg_actor_group(const char *code, char *out);
/* True for the unknown-country group "---". */
bool vg_actor_group_unknown(const char *group);
/* A readable name for a group: the country's, a known organisation's
 * ("NATO", "United Nations"), "unknown" for "---"; NULL when none. */
const char *vg_actor_group_name(const char *group);
/* The unordered dyad of two codes' groups, smaller first; false when
 * both are in the same group or one is empty. */
bool vg_dyad_of_codes(const char *src, const char *tgt, vg_dyad *out);

/* Dates are day numbers (date.h: vg_day_parse, vg_day_format). */

typedef enum vg_period { VG_BY_DAY, VG_BY_WEEK, VG_BY_MONTH } vg_period;

bool vg_period_parse(const char *s, vg_period *out);  /* day|week|month */
const char *vg_period_name(vg_period by);
long vg_period_floor(vg_period by, long day);   /* week: its Monday; month: the 1st */
long vg_period_next(vg_period by, long start);
/* "YYYY-MM-DD" (day, week = its Monday) or "YYYY-MM" (month). */
void vg_period_label(vg_period by, long start, char buf[11]);

/* An event as the watch sees it. */
typedef struct vg_wevent {
    int64_t id;
    long day;
    int quad;            /* QuadClass 1..4, 0 if unknown */
    double goldstein;    /* NAN if unknown */
    int dir;             /* bit 0: a->b, bit 1: b->a (set by the loaders) */
    bool exact;          /* date precision 'day' or 'article', not week/month/year */
    int prec;            /* VG_WPREC_*: how finely the date is known (0: to the day) */
} vg_wevent;

typedef VG_VEC(vg_wevent) vg_wevents;

/* Date precisions, coarsest last: an event counts in a series period only
 * when its date is at least as fine as the period (a month-precision event
 * in monthly series, never on the 1st of a daily one). */
enum { VG_WPREC_DAY, VG_WPREC_WEEK, VG_WPREC_MONTH, VG_WPREC_YEAR };
/* From the store's date_precision ("article", "day", "week", ...). */
int vg_wprec_parse(const char *s);

/* ------------------------------------------------------------ series */

enum { VG_DIR_AB, VG_DIR_BA, VG_DIR_BOTH, VG_NDIR };

typedef struct vg_cell {
    int events;
    int quad[5];          /* [1..4] by QuadClass, [0] unknown */
    double gold_sum;
    int gold_n;           /* events with a Goldstein score */
} vg_cell;

double vg_cell_gold_mean(const vg_cell *c);   /* 0 when no score */
/* Conflict-cooperation index: (conflict - cooperation) / events, in [-1, 1];
 * conflict = QuadClass 3 + 4, cooperation = 1 + 2; 0 for an empty period. */
double vg_cell_cci(const vg_cell *c);

typedef struct vg_watch_series {
    vg_dyad dyad;
    vg_period by;
    long from, to;        /* first period's start; last day covered */
    size_t n;             /* periods */
    long *start;          /* n period starts */
    vg_cell *cell[VG_NDIR];
    size_t coarse;        /* events in the range left out: dated more coarsely
                             than a period (a month or a year in daily series) */
} vg_watch_series;

#define VG_WATCH_MAX_PERIODS 100000

/* Buckets events into periods from floor(from) to to (every period present,
 * empty ones as zeros).  Returns false when to < from or the range has more
 * than max_periods periods. */
bool vg_watch_series_build(vg_watch_series *s, const vg_dyad *d, vg_period by, long from, long to,
                     const vg_wevent *ev, size_t n, size_t max_periods);
void vg_watch_series_free(vg_watch_series *s);
/* Long CSV: period,direction,events,q1,q2,q3,q4,material_conflict,
 * goldstein_sum,goldstein_mean,cci; direction is "A>B", "B>A" or "both". */
void vg_watch_series_csv(const vg_watch_series *s, vg_buf *out);
/* Columnar JSON (docs/dashboard.md). */
void vg_watch_series_json(const vg_watch_series *s, vg_buf *out);

/* --------------------------------------------------------- detection */

typedef struct vg_watch_params {
    int baseline_days;       /* trailing baseline window (90) */
    int guard_days;          /* gap between baseline and today (7) */
    int min_history;         /* days of baseline needed before watching (30) */
    double k;                /* CUSUM reference value, in baseline sd (1) */
    double h;                /* CUSUM decision threshold, in baseline sd (8) */
    double sigma_min;        /* floor of the baseline sd, in events/day (1) */
    double material_weight;  /* intensity weight of QuadClass 4 (2); 3 weighs 1 */
    int min_events;          /* distinct conflict events needed for an alert (3) */
    int max_drivers;         /* event ids kept per alert (20) */
    bool include_unknown;    /* scan dyads with the unknown group "---" too (false) */
} vg_watch_params;

void vg_watch_params_default(vg_watch_params *p);
bool vg_watch_params_check(const vg_watch_params *p, const char **why);

typedef VG_VEC(int64_t) vg_watch_ids;

typedef struct vg_watch_alert {
    vg_dyad dyad;
    long start;          /* estimated change point: the day the CUSUM left 0 */
    long trigger;        /* the day it crossed h */
    long end;            /* last day with CUSUM > 0 (or the last day watched) */
    bool ongoing;        /* still above 0 on the last day watched */
    double peak_cusum;   /* highest CUSUM value (uncapped) */
    double baseline;     /* conflict events per day in the baseline at the trigger */
    double peak7;        /* most conflict events in 7 days within the episode */
    long peak_day;
    int months;          /* peak7 is the highest in `months` months; -1: on record */
    long record_since;   /* first day of the data watched (for "on record") */
    int n_events;        /* conflict events in [start, end] */
    vg_watch_ids drivers;      /* the heaviest of them (material first, then Goldstein) */
} vg_watch_alert;

typedef VG_VEC(vg_watch_alert) vg_watch_alerts;

/* Daily conflict intensity of ev over days [day0, day0 + ndays): QuadClass 3
 * weighs 1, 4 weighs material_weight, other events and events whose date is
 * not exact weigh 0.  x must hold ndays doubles. */
void vg_watch_intensity(const vg_watch_params *p, const vg_wevent *ev, size_t n,
                        long day0, long ndays, double *x);
/* Runs the detector over [first, last] on ev (sorted or not, any range;
 * events outside the range only serve as history) and appends to out the
 * alerts whose start is >= report_from. */
void vg_watch_detect(const vg_watch_params *p, const vg_dyad *d, const vg_wevent *ev,
                     size_t n, long first, long last, long report_from, vg_watch_alerts *out);
void vg_watch_alerts_free(vg_watch_alerts *a);
/* "highest in 11 months" / "highest on record (since 2023-01-01)". */
void vg_watch_alert_severity(const vg_watch_alert *al, char *buf, size_t bufsz);
void vg_watch_alerts_json(const vg_watch_alerts *a, vg_buf *out);
/* One alert as a JSON object (the members of vg_watch_alerts_json's). */
void vg_watch_alert_json(const vg_watch_alert *al, vg_buf *out);
/* Sorts by start date, newest first. */
void vg_watch_alerts_sort(vg_watch_alerts *a);
/* The alert's stable identity, its idempotency key: "DYAD/START"
 * ("KSV-SRB/2023-09-24"); an episode keeps it while it goes on. */
#define VG_ALERT_KEY_MAX (2 * VG_ACTOR_MAX + 16)
void vg_watch_alert_key(const vg_watch_alert *al, char *buf, size_t bufsz);
/* True when two alerts of the same dyad are one episode: their day ranges
 * overlap (a late report can move an episode's start). */
bool vg_watch_alert_same_episode(const vg_watch_alert *a, const vg_watch_alert *b);

/* ------------------------------------------- the store (watch_store.c) */

/* The store is opened read-only by the callers (vg_store_opts.read_only).
 * On failure these return false with a reason in err. */

/* Events of the dyad (both directions, dir set) with from <= day <= to
 * (LONG_MIN/LONG_MAX for no bound); conflict_only keeps QuadClass 3-4. */
bool vg_watch_load(vg_store *st, const vg_dyad *d, long from, long to, bool conflict_only,
                   vg_wevents *out, char *err, size_t errsz);
/* Alerts of every pair of actor groups (vg_actor_group; unordered, A != B;
 * without "---" unless p->include_unknown) that start on or after since. */
bool vg_watch_scan(vg_store *st, const vg_watch_params *p, long since, vg_watch_alerts *out,
                   char *err, size_t errsz);
/* The same, for the given dyads of groups only (the dyads that changed):
 * what vg_watch_scan would report for them. */
bool vg_watch_scan_dyads(vg_store *st, const vg_watch_params *p, const vg_dyad *d, size_t n,
                         long since, vg_watch_alerts *out, char *err, size_t errsz);
/* The dyads of groups (vg_dyad_of_codes) of the mentions stored after
 * mention id `after` (without "---" unless include_unknown), deduplicated,
 * and the highest mention id seen (after, when none). */
typedef VG_VEC(vg_dyad) vg_dyads;
bool vg_watch_changed_dyads(vg_store *st, int64_t after, bool include_unknown, vg_dyads *out,
                            int64_t *last, char *err, size_t errsz);
/* The alert as delivered (docs/monitor.md): the members of
 * vg_watch_alert_json, its key (NULL: vg_watch_alert_key's), detected_at
 * (given, ISO 8601) and
 * "driver_events": each driving event with its date, actors, code and
 * name, QuadClass, Goldstein, place, counts and its first report
 * (article, source, url, title, sentence). */
bool vg_watch_alert_payload(vg_store *st, const vg_watch_alert *al, const char *key,
                            const char *detected_at, vg_buf *out, char *err, size_t errsz);

/* Dyads of groups with their counts over [from, to] (yyyymmdd, 0 = open),
 * as /api/dyads lists them (without "---" unless include_unknown). */
typedef struct vg_dyad_count {
    vg_dyad d;
    long events, conflict, material, coop, gold_n;
    double gold_sum;
} vg_dyad_count;
typedef VG_VEC(vg_dyad_count) vg_dyad_counts;
bool vg_watch_dyad_counts(vg_store *st, int32_t from, int32_t to, bool include_unknown,
                          vg_dyad_counts *out, char *err, size_t errsz);
/* Alerts of one dyad starting on or after since. */
bool vg_watch_dyad_alerts(vg_store *st, const vg_watch_params *p, const vg_dyad *d,
                          long since, vg_watch_alerts *out, char *err, size_t errsz);
/* Series of a dyad; from/to default (LONG_MIN/LONG_MAX) to its first/last
 * event.  An empty series (n == 0) when it has no events and no range. */
bool vg_watch_load_series(vg_store *st, const vg_dyad *d, vg_period by, long from, long to,
                          size_t max_periods, vg_watch_series *s, char *err, size_t errsz);
/* Ids of the n most reported events of the dyad in [from, to]: by distinct
 * sources, then mentions, then the lowest Goldstein. */
bool vg_watch_top_events(vg_store *st, const vg_dyad *d, long from, long to, int n,
                         vg_watch_ids *out, char *err, size_t errsz);

/* ------------------------------------------ the report (watch_report.c) */

typedef struct vg_watch_report_opts {
    vg_dyad dyad;
    long from, to;          /* LONG_MIN / LONG_MAX: the dyad's first / last event */
    bool by_given;          /* else day, week or month: whichever fits width */
    vg_period by;
    int width;              /* sparkline columns (72) */
    int top;                /* top events listed (10) */
    int sentences;          /* source sentences per top event (2) */
    vg_watch_params params;
} vg_watch_report_opts;

/* "▁▂▃▄▅▆▇█" sparkline of v[0..n) (zero -> ▁, max -> █) appended to out. */
void vg_watch_sparkline(const double *v, size_t n, vg_buf *out);
/* The plain-text report of `vigil report` (UTF-8). */
bool vg_watch_report(vg_store *st, const vg_watch_report_opts *o, vg_buf *out, char *err, size_t errsz);

#endif
