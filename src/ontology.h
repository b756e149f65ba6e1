/* ontology.h -- the CAMEO event ontology: every CAMEO 1.1b3 event code with
 * its name, Goldstein score (GDELT's table), QuadClass (GDELT), PentaClass
 * (Phoenix) and CAMEO->PLOVER category, mode and context; plus the country
 * table behind CAMEO actor codes (ISO 3166-1 alpha-3 and CAMEO's extras).
 *
 * The tables come from the embedded data/cameo.tsv and data/countries.tsv
 * (sources and definitions: docs/ontology.md).  They are parsed once, on
 * first use, under pthread_once, and are immutable afterwards: every
 * function here is thread-safe and returned pointers live for the process. */
#ifndef VG_ONTOLOGY_H
#define VG_ONTOLOGY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vg_cameo {
    const char *code;           /* "0231" */
    const char *name;           /* "Appeal for economic aid" */
    const char *root;           /* "02" */
    double goldstein;           /* -10 .. +10 */
    int quad;                   /* GDELT QuadClass 1..4 */
    int penta;                  /* Phoenix PentaClass 0..4 */
    const char *plover;         /* PLOVER category, "" if unmapped */
    const char *plover_mode;    /* "" if none */
    const char *plover_context; /* "" if none; several joined by ';' */
} vg_cameo;

/* Exact code, else its nearest parent ("0875" -> "087" -> "08"); NULL when
 * code is not 2-4 ASCII digits or its root is not 01..20. */
const vg_cameo *vg_cameo_get(const char *code);
/* True only when code itself is in the table. */
bool vg_cameo_valid(const char *code);
size_t vg_cameo_count(void);
/* i-th entry in code order (strcmp: "01" < "010" < ... < "20"); NULL past the end. */
const vg_cameo *vg_cameo_at(size_t i);

/* The number its first two digits make (0-99: "08" and "0841" give 8), -1
 * when code does not start with two digits; a root is 1-20. */
int vg_cameo_root_number(const char *code);

/* CAMEO's mirrors of a code, NULL when the code has none: of a cooperative
 * code (roots 03-09, some of 01-02) the refusal (root 12: "will not meet",
 * 04, is 125) and the demand (root 10: "must mediate", 045, is 105); of 04
 * to 08 the intent (root 03: "will send peacekeepers", 074, is 0334); of
 * material conflict (14, 16-20) the threat (root 13: "will attack", 190,
 * is 138; "will shell", 194, is 1384). */
const char *vg_cameo_refusal(const char *code);
const char *vg_cameo_demand(const char *code);
const char *vg_cameo_intent(const char *code);
const char *vg_cameo_threat(const char *code);

/* QuadClass and PentaClass of a root code "01".."20" (0 / -1 if invalid),
 * and human-readable names ("Verbal cooperation"; NULL if out of range). */
int vg_cameo_quad_of_root(const char *root);
int vg_cameo_penta_of_root(const char *root);
/* The same for a root's index, 0 ("01") to 19 ("20"); -1 out of range. */
int vg_cameo_penta_of_root_index(int i);
const char *vg_quad_name(int quad);
const char *vg_penta_name(int penta);

typedef struct vg_country {
    const char *alpha3;   /* "SRB" */
    const char *alpha2;   /* "RS"; "" if none */
    const char *name;     /* "Serbia" */
    bool iso;             /* false for CAMEO-only codes (KSV, USR, YUG, ...) */
} vg_country;

/* Looks up a 3-letter code (case-insensitive); NULL if unknown. */
const vg_country *vg_country_get(const char *alpha3);
size_t vg_country_count(void);
const vg_country *vg_country_at(size_t i);   /* sorted by alpha3 */

/* Leading country of a CAMEO actor code: "SRBMIL" -> "SRB", "KSV" -> "KSV",
 * "USRARM" -> "USR".  Writes the upper-case code and NUL into out and
 * returns true; returns false (out = "") for IGO/NGO/IMG/MNC codes,
 * role-only codes ("GOV", "REB"), regions ("AFR") and unknown prefixes. */
bool vg_actor_country(const char *actor_code, char out[4]);

#endif
