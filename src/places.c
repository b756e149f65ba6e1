/* places.c -- the event location: place strings after locative cues ("in",
 * "near", "the city of", "north of"), the one nearest the verb in its clause,
 * resolved in the gazetteer (see post.h and docs/places.md). */
#include "post.h"
#include "text.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_CP 6          /* words in a place string */
#define MAX_HITS 64       /* gazetteer entries examined per name */
#define MAX_DIST 250      /* a winner further from the verb is no place of it */
#define AFTER_VERB 80     /* bonus for a place after the verb (English order) */

typedef struct pctx {
    const vg_gazetteer *g;
    const char *s;
    size_t len;
    const vg_tokens *tk;
    size_t verb;
    const char *const *cc;
    size_t ncc;
    const size_t (*ex)[2];
    size_t nex;
    size_t base;          /* offset of s in the caller's sentence */
} pctx;

/* A capitalised phrase: tokens [t0, t1). */
typedef struct phrase {
    size_t t0, t1;
    bool possessive;      /* last word ends in 's */
} phrase;

typedef struct cand {
    phrase p;
    size_t raw0, raw1;    /* byte span of the place string */
    int cue;              /* strength of the locative cue, 1-3 */
    int want;             /* kind suggested by a designator, or 0 */
    bool designated;      /* a designator or facility noun goes with it */
    phrase ctx;           /* containing place ("Mosul, Iraq"), t1 == 0 if none */
    vg_gaz_entry e;
    int gscore;           /* gazetteer score, < 0 unresolved */
} cand;

/* ---- precision names ---- */

static const char *const prec_names[] = { NULL, "city", "region", "country", "unresolved" };

const char *vg_place_prec_name(int prec)
{
    return prec > 0 && prec <= VG_PLACE_UNRESOLVED ? prec_names[prec] : NULL;
}

int vg_place_prec_parse(const char *s)
{
    for (int i = 1; s && i <= VG_PLACE_UNRESOLVED; i++)
        if (!strcmp(s, prec_names[i])) return i;
    return VG_PLACE_NONE;
}

/* ---- word lists ---- */

static bool in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (w[0] == (*list)[0] && !strcmp(w, *list)) return true;   /* most differ at once */
    return false;
}

static const char *norm(const pctx *c, size_t i) { return vg_tok_norm(c->tk, i); }

static const vg_token *tok(const pctx *c, size_t i)
{
    return i < c->tk->t.n ? &c->tk->t.v[i] : NULL;
}

static bool is_word(const pctx *c, size_t i)
{
    const vg_token *t = tok(c, i);
    return t && t->kind == VG_TK_WORD;
}

static bool is_lower(const pctx *c, size_t i)
{
    return is_word(c, i) && (tok(c, i)->flags & VG_TF_LOWER) && !c->tk->allcaps;
}

static bool word_in(const pctx *c, size_t i, const char *const *list)
{
    return is_word(c, i) && in_list(norm(c, i), list);
}

/* Locative prepositions and their strength. */
static int cue_strength(const pctx *c, size_t i)
{
    static const char *const strong[] = { "IN", "AT", "NEAR", "OUTSIDE", "INSIDE",
        "ACROSS", "THROUGHOUT", "AROUND", "WITHIN", "NEARBY", NULL };
    static const char *const mid[] = { "INTO", "OVER", "ALONG", "OFF", "THROUGH", NULL };
    static const char *const weak[] = { "ON", "FROM", "TO", "TOWARD", "TOWARDS", "VIA",
        "BETWEEN", "BEYOND", "AGAINST", NULL };
    if (!is_word(c, i) || (!is_lower(c, i) && !(tok(c, i)->flags & VG_TF_CAP) &&
                           !c->tk->allcaps))
        return 0;
    const char *w = norm(c, i);
    if (in_list(w, strong)) return 3;
    if (in_list(w, mid)) return 2;
    if (in_list(w, weak)) return 1;
    return 0;
}

/* Lower-case nouns that name a kind of place ("the city of"). */
static const char *const city_nouns[] = { "CITY", "CITIES", "TOWN", "TOWNS", "VILLAGE",
    "VILLAGES", "CAPITAL",
    "SUBURB", "SUBURBS", "OUTSKIRTS", "NEIGHBORHOOD", "NEIGHBOURHOOD", "TOWNSHIP",
    "HAMLET", "PORT", "CAMP", "SETTLEMENT", NULL };
static const char *const region_nouns[] = { "PROVINCE", "PROVINCES", "REGION", "STATE",
    "GOVERNORATE", "COUNTY", "OBLAST", "PREFECTURE", "DEPARTMENT", "TERRITORY", NULL };
static const char *const area_nouns[] = { "DISTRICT", "DISTRICTS", "AREA", "AREAS",
    "NEIGHBORHOODS", "NEIGHBOURHOODS", "QUARTER", "LOCALITY", "HEART", "CENTER",
    "CENTRE", "EDGE", "STREETS", "NORTH", "SOUTH", "EAST", "WEST", "NORTHEAST",
    "NORTHWEST", "SOUTHEAST", "SOUTHWEST", "PART", "PARTS", "COAST", "ISLAND", "COUNTRYSIDE",
    "VICINITY", "OUTSKIRT", "ENTRANCE", "SOUTHERN", "NORTHERN", NULL };
/* Lower-case facility nouns kept in the place string ("Imam Ali hospital"). */
static const char *const facilities[] = { "HOSPITAL", "AIRPORT", "AIRBASE", "MOSQUE",
    "MARKET", "PRISON", "STADIUM", "CHURCH", "CATHEDRAL", "TEMPLE", "UNIVERSITY", "HOTEL",
    "SQUARE", "BRIDGE", "CHECKPOINT", NULL };

static int noun_kind(const pctx *c, size_t i)
{
    if (word_in(c, i, city_nouns)) return VG_GAZ_CITY;
    if (word_in(c, i, region_nouns)) return VG_GAZ_REGION;
    if (word_in(c, i, area_nouns)) return -1;
    return 0;
}

/* Words skipped between a cue and the place ("in the restive northern ..."). */
static bool filler(const pctx *c, size_t i)
{
    static const char *const f[] = { "THE", "A", "AN", "HIS", "HER", "THEIR", "ITS",
        "NORTHERN", "SOUTHERN", "EASTERN", "WESTERN", "CENTRAL", "NORTHEASTERN",
        "NORTHWESTERN", "SOUTHEASTERN", "SOUTHWESTERN", "UPPER", "LOWER", "DOWNTOWN",
        "RESTIVE", "MOUNTAINOUS", "VOLATILE", "TROUBLED", "DISPUTED", "REMOTE", "RURAL",
        "NEARBY", "NEIGHBORING", "NEIGHBOURING", "BESIEGED", "ANCIENT", "HOLY", "STRATEGIC",
        "EMBATTLED", "WAR", "TORN", "REBEL", "HELD", "CONTROLLED", "GOVERNMENT", "OCCUPIED",
        "BORDER", "COASTAL", "OIL", "SOUTHERNMOST", "NORTHERNMOST", "OF", "KM", "KILOMETERS",
        "KILOMETRES", "MILES", "MILE", "SOME", "ABOUT", "NEW", "OLD", "WHOLE", "MAIN", "FRONT",
        "PROVINCIAL", "SUBURBAN", "DESERT", "KEY", "SMALL", "LARGE", "BIG", "TINY", "MAJOR",
        "FORMER", "NEARBY", "CONTESTED", NULL };
    const vg_token *t = tok(c, i);
    if (!t) return false;
    if (t->kind == VG_TK_NUM) return true;
    return is_lower(c, i) && (in_list(norm(c, i), f) || noun_kind(c, i));
}

/* Words that end a place string (dates, titles). */
static bool stop_word(const pctx *c, size_t i)
{
    static const char *const w[] = { "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
        "FRIDAY", "SATURDAY", "SUNDAY", "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY",
        "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER", "JAN",
        "FEB", "AUG", "SEPT", "OCT", "NOV", "DEC", "CHRISTMAS", "RAMADAN", "EASTER", "EID",
        "MR", "MRS", "MS", "DR", "PRESIDENT", "PRIME", "MINISTER", "GEN", "GENERAL", "COL",
        "LT", "SGT", "CAPT", "MAJ", "GOV", "SEN", "REP", "KING", "QUEEN", "PRINCE",
        "POPE", "JUDGE", "SPOKESMAN", "I", NULL };
    return word_in(c, i, w);
}

/* Words that show a phrase names no place (organisations, languages). */
static bool nonplace_word(const char *w)
{
    static const char *const n[] = { "UNION", "NATIONS", "COUNCIL", "MINISTRY", "PARTY",
        "ARMY", "FORCE", "FORCES", "POLICE", "GOVERNMENT", "COURT", "PARLIAMENT", "CONGRESS",
        "SENATE", "COMMITTEE", "COMMISSION", "ASSEMBLY", "COMPANY", "CORP", "INC",
        "AGENCY", "ORGANIZATION", "ORGANISATION", "ASSOCIATION", "GROUP", "FRONT",
        "MOVEMENT", "BRIGADE", "BRIGADES", "DIVISION", "BATTALION", "REGIMENT", "CORPS",
        "GUARD", "GUARDS", "TIMES", "POST", "NEWS", "PRESS", "TELEVISION", "TV", "RADIO",
        "JOURNAL", "CONFERENCE", "SUMMIT", "AGREEMENT", "ACCORD", "TREATY", "ACT", "LAW",
        "RESOLUTION", "CUP", "GAMES", "OLYMPICS", "WAR", "ISLAMIC", "QAEDA", "TALIBAN",
        "HAMAS", "HEZBOLLAH", "NATO", "UN", "EU", "DEPARTMENT", "OFFICE", "COMMAND",
        "HEADQUARTERS", "AIRLINES", "AIRWAYS", "ENGLISH", "ARABIC", "FRENCH", "SPANISH",
        "RUSSIAN", "CHINESE", "GERMAN", "PERSIAN", "URDU", "HEBREW", "TURKISH", "KURDISH",
        "PASHTO", "INTERNET", "TWITTER", "FACEBOOK", "GOD", "ALLAH", "PARTNERSHIP",
        "INSTITUTE", "FOUNDATION", "SOCIETY", "NETWORK", "REUTERS", "AP", "AFP", "XINHUA",
        "BBC", "CNN", "TASS", "STATEMENT", "MINISTER", "SECRETARY", "OPERATION", "JABHAT",
        "JAYSH", "JAISH", "LIWA", "LIWAA", "HARAKAT", "FAYLAQ", "KATAIB", "ANSAR", "HIZB",
        "HARAM", "ISIS", "ISIL", "DAESH", "SHABAB", "SHABAAB", "NUSRA", "PKK", "YPG", "SDF",
        "FSA", "SAA", NULL };
    return in_list(w, n);
}

/* Lower-case words that may follow a place name (not a noun it modifies). */
static bool function_word(const pctx *c, size_t i)
{
    static const char *const f[] = { "AND", "OR", "BUT", "ON", "IN", "AT", "OF", "TO",
        "FROM", "WITH", "BY", "FOR", "WHERE", "WHEN", "WHICH", "THAT", "AFTER", "BEFORE",
        "AS", "WHILE", "SINCE", "DURING", "NEAR", "LAST", "THIS", "EARLIER", "LATER", "ON",
        "IS", "ARE", "WAS", "WERE", "HAS", "HAVE", "HAD", "WILL", "WOULD", "THE", "A", "AN",
        "EARLY", "LATE", "OVERNIGHT", "YESTERDAY", "TODAY", "TONIGHT", "AGO", "UNTIL",
        "AGAINST", "INTO", "OVER", "THROUGH", "ACROSS", "AROUND", "ALONG", "NEXT", "SO",
        "THEN", "ALSO", "AMID", "DESPITE", "ACCORDING", "SAID", "WHO", "KILLING",
        "WOUNDING", "INJURING", "LEAVING", "ITSELF", "ALONE", "NOW", "AGAIN", NULL };
    return word_in(c, i, f);
}

/* ---- phrases ---- */

static const char *const articles[] = { "AL", "EL", "AR", "AN", "AS", "AD", "ASH", "AZ", NULL };

static bool cap_word(const pctx *c, size_t i)
{
    const vg_token *t = tok(c, i);
    if (!t || t->kind != VG_TK_WORD) return false;
    if (c->tk->allcaps) return true;
    return (t->flags & VG_TF_CAP) != 0;
}

/* Lower-case particles inside names: "Dar es Salaam", "Gulf of Aden". */
static bool connector(const pctx *c, size_t i)
{
    static const char *const w[] = { "AL", "EL", "AD", "AR", "AS", "AN", "ASH", "AZ",
        "DE", "DEL", "DELLA", "DI", "DA", "DO", "DOS", "DAS", "DU", "LA", "LE", "LES",
        "LOS", "BIN", "IBN", "EZ", "ES", "UPON", "SUR", "EN", "VAN", "VON", "Y", NULL };
    return is_lower(c, i) && word_in(c, i, w);
}

static bool ends_possessive(const pctx *c, size_t i)
{
    const char *w = norm(c, i);
    size_t n = strlen(w);
    return n > 2 && !strcmp(w + n - 2, "'S");
}

/* Adjacent tokens: only spaces or hyphens between them. */
static bool adjacent(const pctx *c, size_t i)
{
    const vg_token *a = tok(c, i), *b = tok(c, i + 1);
    for (size_t k = a->off + a->len; k < b->off; k++)
        if (c->s[k] != ' ' && c->s[k] != '-') return false;
    return true;
}

/* The capitalised phrase starting at token i (t1 == t0 if none). */
static phrase cap_phrase(const pctx *c, size_t i)
{
    phrase p = { i, i, false };
    if (is_word(c, i) && !strcmp(norm(c, i), "THE") && cap_word(c, i + 1)) i++, p.t0 = i;
    bool art = word_in(c, i, articles) && is_lower(c, i) && cap_word(c, i + 1) &&
               c->s[tok(c, i)->off + tok(c, i)->len] == '-';
    if (art) p.t1++;
    while (p.t1 - p.t0 < MAX_CP && cap_word(c, p.t1) && !stop_word(c, p.t1)) {
        size_t k = p.t1++;
        if (ends_possessive(c, k)) { p.possessive = true; break; }
        if (!tok(c, p.t1) || !adjacent(c, k)) break;
        if (connector(c, p.t1) && cap_word(c, p.t1 + 1) && adjacent(c, p.t1)) p.t1++;
    }
    return p;
}

static size_t ph_start(const pctx *c, phrase p) { return tok(c, p.t0)->off; }

static size_t ph_end(const pctx *c, phrase p)
{
    const vg_token *t = tok(c, p.t1 - 1);
    size_t e = t->off + t->len;
    if (p.possessive) {   /* drop 's: two characters, either of which may be
                             more than one byte (U+2019, a full-width s) */
        for (int k = 0; k < 2 && e > t->off; k++) e = vg_utf8_floor(c->s, t->off, e - 1);
    }
    return e;
}

static bool phrase_is_place(const pctx *c, phrase p)
{
    for (size_t i = p.t0; i < p.t1; i++) {
        char w[72];
        snprintf(w, sizeof w, "%s", norm(c, i));
        size_t n = strlen(w);
        if (n > 2 && !strcmp(w + n - 2, "'S")) w[n - 2] = '\0';
        if (nonplace_word(w)) return false;
    }
    return true;
}

/* ---- gazetteer scoring ---- */

static bool actor_country(const pctx *c, const char *iso3)
{
    for (size_t i = 0; i < c->ncc; i++)
        if (c->cc[i] && !strncmp(c->cc[i], iso3, 3)) return true;
    return false;
}

typedef struct context {
    char region[96];      /* key of a containing region, or "" */
    char country[4];      /* containing country, or "" */
} context;

static int entry_score(const pctx *c, const vg_gaz_entry *e, int want, const context *x)
{
    /* a region scores below its namesake city ("in Aleppo" is the city) */
    int s = e->kind == VG_GAZ_COUNTRY ? 60 : e->kind == VG_GAZ_REGION ? 35 : 10 + e->rank / 4;
    if (!(e->flags & VG_GAZ_PRIMARY)) s -= 5;
    if (actor_country(c, e->country)) s += 30;
    if (want > 0) s += want == e->kind ? 25 : -15;
    if (x->country[0] && !strcmp(x->country, e->country)) s += 60;
    if (x->region[0] && e->adm1[0]) {
        char k[96];
        if (vg_gaz_key(e->adm1, strlen(e->adm1), k, sizeof k) && !strncmp(k, x->region, strlen(x->region)))
            s += 60;
    }
    return s;
}

/* Best entry for s[a, b); returns its score or -1. */
static int resolve_span(const pctx *c, size_t a, size_t b, int want, const context *x,
                        vg_gaz_entry *best)
{
    vg_gaz_entry hits[MAX_HITS];
    size_t n = vg_gazetteer_lookup(c->g, c->s + a, b - a, hits, MAX_HITS);
    if (n > MAX_HITS) n = MAX_HITS;
    int bs = -1;
    for (size_t i = 0; i < n; i++) {
        int s = entry_score(c, &hits[i], want, x);
        if (s > bs) { bs = s; *best = hits[i]; }
    }
    return bs;
}

static bool designator_word(const pctx *c, size_t i)
{
    static const char *const d[] = { "CITY", "PROVINCE", "DISTRICT", "GOVERNORATE",
        "REGION", "STATE", "OBLAST", "COUNTY", "VILLAGE", "TOWN", "MUNICIPALITY",
        "PREFECTURE", "AREA", "CAMP", NULL };
    return word_in(c, i, d);
}


/* Resolves a phrase: as written, without a designator word, without an
 * Arabic article. */
static int resolve_phrase(const pctx *c, phrase p, int want, const context *x,
                          vg_gaz_entry *e)
{
    size_t a = ph_start(c, p), b = ph_end(c, p);
    int s = resolve_span(c, a, b, want, x, e);
    if (s >= 0) return s;
    phrase q = p;
    if (q.t1 - q.t0 > 1 && designator_word(c, q.t1 - 1)) {
        q.t1--, q.possessive = false;
        if (designator_word(c, p.t1 - 1) && !want)
            want = word_in(c, p.t1 - 1, city_nouns) || !strcmp(norm(c, p.t1 - 1), "CITY")
                   ? VG_GAZ_CITY : VG_GAZ_REGION;
        s = resolve_span(c, ph_start(c, q), ph_end(c, q), want, x, e);
        if (s >= 0) return s;
    }
    if (q.t1 - q.t0 > 1 && word_in(c, q.t0, articles)) {
        q.t0++;
        s = resolve_span(c, ph_start(c, q), ph_end(c, q), want, x, e);
    }
    return s;
}

static void set_context(const pctx *c, phrase p, context *x)
{
    memset(x, 0, sizeof *x);
    if (p.t1 <= p.t0) return;
    vg_gaz_entry e;
    context none = { "", "" };
    if (resolve_phrase(c, p, 0, &none, &e) < 0 || e.kind == VG_GAZ_CITY) return;
    memcpy(x->country, e.country, 4);
    if (e.kind == VG_GAZ_REGION) vg_gaz_key(e.name, strlen(e.name), x->region, sizeof x->region);
}

/* ---- candidates ---- */

/* Capitalised words that end the name of a place or feature. */
static bool feature_word(const pctx *c, size_t i)
{
    static const char *const f[] = { "MOUNTAINS", "MOUNTAIN", "VALLEY", "RIVER", "STREET",
        "ROAD", "HIGHWAY", "BASE", "AIRBASE", "AIRPORT", "HOSPITAL", "DAM", "LAKE", "ISLAND",
        "ISLANDS", "BRIDGE", "SQUARE", "CROSSING", "HILL", "HILLS", "PLAIN", "PLAINS",
        "DESERT", "FOREST", "FORESTS", "GATE", "PALACE", "HOTEL", "STADIUM", "MARKET",
        "MOSQUE", "PRISON", "UNIVERSITY", "CHECKPOINT", "QUARTER", "NEIGHBORHOOD",
        "NEIGHBOURHOOD", "LGA", "HEIGHTS", "STRIP", "BANK", "COAST", "PORT", "HARBOR",
        "HARBOUR", "CANAL", "BAY", "GULF", "SEA", "PASS", "FIELD", "FIELDS", "AREA", NULL };
    return word_in(c, i, f);
}

static const char *const feature_heads[] = { "MOUNT", "LAKE", "CAMP", "JABAL", "JEBEL",
    "WADI", "FORT", NULL };

static bool excluded(const pctx *c, size_t a, size_t b)
{
    for (size_t i = 0; i < c->nex; i++)
        if (a + c->base < c->ex[i][1] && c->ex[i][0] < b + c->base) return true;
    return false;
}

/* After the place: ", Iraq", "in Anbar province", "of Logar province". */
static phrase context_after(const pctx *c, size_t j)
{
    phrase none = { 0, 0, false };
    const vg_token *t = tok(c, j);
    if (!t) return none;
    if (t->kind == VG_TK_COMMA && c->s[t->off] == ',') j++;
    else if (word_in(c, j, (const char *const[]){ "IN", "OF", NULL })) j++;
    else return none;
    while (filler(c, j) && j < c->tk->t.n) j++;
    phrase p = cap_phrase(c, j);
    return p.t1 > p.t0 && phrase_is_place(c, p) ? p : none;
}

/* Builds the candidate for phrase p found after a cue of strength cue. */
static bool make_cand(const pctx *c, phrase p, int cue, int want, cand *out)
{
    if (p.t1 <= p.t0 || !phrase_is_place(c, p)) return false;
    memset(out, 0, sizeof *out);
    out->p = p;
    out->cue = cue;
    out->want = want;
    out->raw0 = ph_start(c, p);
    out->raw1 = ph_end(c, p);
    if (excluded(c, out->raw0, out->raw1)) return false;
    size_t j = p.t1;
    if (!p.possessive) {
        int k = noun_kind(c, j);
        if (k) {
            out->designated = true;
            if (k > 0 && !out->want) out->want = k;
            j++;
        } else if (word_in(c, j, facilities) && is_lower(c, j)) {
            out->designated = true;
            out->raw1 = tok(c, j)->off + tok(c, j)->len;
            j++;
        }
        out->ctx = context_after(c, j);
    }
    if (p.t1 - p.t0 > 1 && (designator_word(c, p.t1 - 1) || feature_word(c, p.t1 - 1) ||
                            word_in(c, p.t0, feature_heads)))
        out->designated = true;
    return true;
}

/* "Syrian", "Pakistani", "Kurdish": a demonym, not a place. */
static bool demonym(const pctx *c, phrase p)
{
    static const char *const suf[] = { "IAN", "ESE", "ISH", "I", "AN", "CH", NULL };
    if (p.t1 - p.t0 != 1) return false;
    const char *w = norm(c, p.t0);
    size_t n = strlen(w);
    for (int i = 0; suf[i]; i++) {
        size_t l = strlen(suf[i]);
        if (n > l + 2 && !strcmp(w + n - l, suf[i])) return true;
    }
    return false;
}

/* Followed by a lower-case noun it modifies ("U.S. forces", "Pakistani custody")? */
static bool adjectival(const pctx *c, const cand *k)
{
    size_t j = k->p.t1;
    if (k->p.possessive || k->designated || !is_lower(c, j) || function_word(c, j))
        return false;
    const char *w = norm(c, j);
    size_t n = strlen(w);
    static const char *const verbal[] = { "ING", "ED", "LY", NULL };
    for (int i = 0; verbal[i]; i++) {
        size_t l = strlen(verbal[i]);
        if (n > l + 1 && !strcmp(w + n - l, verbal[i])) return false;
    }
    return true;
}

/* Is an unresolved phrase still plausibly a place? */
static bool unresolved_ok(const pctx *c, const cand *k)
{
    if (k->cue < 2 && !k->designated) return false;
    size_t n = k->p.t1 - k->p.t0;
    const vg_token *t = tok(c, k->p.t0);
    if (n == 1 && (t->flags & VG_TF_ALLCAPS) && !c->tk->allcaps) return false;
    if (demonym(c, k->p)) return false;
    if (k->designated) return true;
    return !c->tk->allcaps;
}

static double cand_score(const pctx *c, const cand *k)
{
    double d = (double)vg_post_distance(c->s, c->len, k->raw0, k->raw1, c->verb);
    if (c->verb == SIZE_MAX) d = 0;
    double bonus = k->cue * 12.0;
    if (k->gscore >= 0) bonus += k->e.kind == VG_GAZ_CITY ? 20 : k->e.kind == VG_GAZ_REGION ? 12 : 0;
    if (k->designated) bonus += 8;
    if (c->verb != SIZE_MAX && k->raw0 > c->verb) bonus += AFTER_VERB;   /* English: verb, then place */
    return d - bonus;
}

static bool resolve_cand(const pctx *c, cand *k)
{
    context x;
    set_context(c, k->ctx, &x);
    k->gscore = resolve_phrase(c, k->p, k->want, &x, &k->e);
    /* "a Mogadishu cafe" is a place, "U.S. forces" an actor */
    if (adjectival(c, k) && (k->gscore < 0 || k->e.kind == VG_GAZ_COUNTRY)) return false;
    bool known = k->gscore >= 0 && (actor_country(c, k->e.country) || x.country[0]);
    if (k->gscore >= 0 && k->cue < 2 && !k->designated && !known &&
        (k->e.kind == VG_GAZ_COUNTRY || (k->e.kind == VG_GAZ_CITY && k->e.rank < 60)))
        k->gscore = -1;          /* a weak cue: only well-known cities and regions */
    if (k->gscore < 0 && !unresolved_ok(c, k)) return false;
    if (k->gscore < 0) {
        memset(&k->e, 0, sizeof k->e);
        if (x.country[0]) memcpy(k->e.country, x.country, 4);
    }
    return true;
}

/* Skips fillers from token j; *want gets the kind named by a place noun. */
static size_t skip_fillers(const pctx *c, size_t j, int *want)
{
    for (size_t n = 0; n < 6 && filler(c, j); n++, j++) {
        int k = noun_kind(c, j);
        if (k > 0) *want = k;
    }
    return j;
}

/* The place phrase at token j (after a cue and fillers). */
static bool phrase_cand(const pctx *c, size_t j, int cue, int want, cand *out)
{
    phrase p = cap_phrase(c, j);
    if (p.t1 <= p.t0) return false;
    size_t after = p.t1;
    /* "in Iraq's Anbar province" */
    if (p.possessive && cap_word(c, after)) {
        phrase q = cap_phrase(c, after);
        if (q.t1 > q.t0 && make_cand(c, q, cue, want, out)) {
            if (!out->ctx.t1) out->ctx = p;
            return true;
        }
    }
    /* "the Kurdish city of Erbil" (the place follows) but "the Mohammad Agha
     * district of Logar province" (the place comes first) */
    int k = noun_kind(c, after);
    if (k == VG_GAZ_CITY && is_lower(c, after) && word_in(c, after + 1, (const char *const[]){ "OF", NULL })) {
        int w2 = want;
        size_t m = skip_fillers(c, after + 2, &w2);
        if (make_cand(c, cap_phrase(c, m), 3, VG_GAZ_CITY, out)) return true;
    }
    return make_cand(c, p, cue, want, out);
}

/* Candidate after the cue at token i ("in", "near", "the town of"). */
static bool cand_at(const pctx *c, size_t i, cand *out)
{
    int cue = cue_strength(c, i), want = 0;
    if (!cue && word_in(c, i, (const char *const[]){ "OF", NULL }) && i > 0 &&
        is_lower(c, i - 1) && noun_kind(c, i - 1)) {
        cue = 3;
        want = noun_kind(c, i - 1) > 0 ? noun_kind(c, i - 1) : 0;
    }
    if (!cue) return false;
    size_t j = skip_fillers(c, i + 1, &want);
    if (want && j > i + 1) cue = 3;
    if (!phrase_cand(c, j, cue, want, out)) return false;
    if (want) out->designated = true;
    return true;
}

/* A phrase with its own designator and no cue ("stormed the Heart Hospital",
 * "attacked Bama Town"), or the verb's object ("entered Jarabulus"). */
static bool cand_bare(const pctx *c, size_t i, cand *out)
{
    if (!cap_word(c, i) || (i > 0 && (cap_word(c, i - 1) || connector(c, i - 1))))
        return false;
    bool object = false;
    if (c->verb != SIZE_MAX && i > 0) {
        size_t v = i - 1;
        if (word_in(c, v, (const char *const[]){ "THE", "A", NULL }) && v > 0) v--;
        const vg_token *t = tok(c, v);
        object = t->off <= c->verb && c->verb < t->off + t->len;
    }
    if (!phrase_cand(c, i, 2, 0, out)) return false;
    return out->designated || object;
}

/* Copies src[0..n) into dst (size dsz), cut at a UTF-8 character boundary. */
static void copy_trunc(char *dst, size_t dsz, const char *src, size_t n)
{
    if (n >= dsz) n = vg_utf8_floor(src, 0, dsz - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void fill_place(const pctx *c, const cand *k, vg_place *out)
{
    copy_trunc(out->raw, sizeof out->raw, c->s + k->raw0, k->raw1 - k->raw0);
    out->span[0] = k->raw0 + c->base;
    out->span[1] = k->raw1 + c->base;
    memcpy(out->country, k->e.country, 4);
    if (k->gscore < 0) {
        copy_trunc(out->name, sizeof out->name, out->raw, strlen(out->raw));
        out->precision = VG_PLACE_UNRESOLVED;
        return;
    }
    copy_trunc(out->name, sizeof out->name, k->e.name, strlen(k->e.name));
    copy_trunc(out->adm1, sizeof out->adm1, k->e.adm1, strlen(k->e.adm1));
    out->lat = k->e.lat;
    out->lon = k->e.lon;
    out->precision = k->e.kind == VG_GAZ_CITY ? VG_PLACE_CITY
                   : k->e.kind == VG_GAZ_REGION ? VG_PLACE_REGION : VG_PLACE_COUNTRY;
}

static bool actor_fallback(const pctx *c, vg_place *out)
{
    for (size_t i = 0; i < c->ncc; i++) {
        vg_gaz_entry e;
        if (!c->cc[i] || !vg_gazetteer_country(c->g, c->cc[i], &e)) continue;
        copy_trunc(out->name, sizeof out->name, e.name, strlen(e.name));
        memcpy(out->country, e.country, 4);
        out->lat = e.lat;
        out->lon = e.lon;
        out->precision = VG_PLACE_COUNTRY;
        out->from_actor = true;
        return true;
    }
    return false;
}

bool vg_place_find_in(const vg_gazetteer *g, const vg_post_text *pt,
                      const char *const *countries, size_t ncountries,
                      const size_t (*exclude)[2], size_t nexclude, vg_place *out)
{
    memset(out, 0, sizeof *out);
    out->lat = out->lon = NAN;
    if (!g) return false;
    pctx c = { g, pt->s, pt->len, &pt->tk, pt->verb_off, countries, countries ? ncountries : 0,
               exclude, exclude ? nexclude : 0, pt->base };
    cand best;
    memset(&best, 0, sizeof best);
    double bs = 0;
    bool found = false;
    for (size_t i = 0; i < pt->tk.t.n; i++) {
        cand k;
        if (!(cand_at(&c, i, &k) || cand_bare(&c, i, &k)) || !resolve_cand(&c, &k)) continue;
        double s = cand_score(&c, &k);
        if (!found || s < bs) { best = k; bs = s; found = true; }
    }
    if (found && pt->verb_off != SIZE_MAX &&
        vg_post_distance(c.s, pt->len, best.raw0, best.raw1, pt->verb_off) > MAX_DIST)
        found = false;           /* too far from the verb to be its place */
    if (found) fill_place(&c, &best, out);
    else found = actor_fallback(&c, out);
    return found;
}

bool vg_place_find_ex(const vg_gazetteer *g, const char *sent, size_t len, size_t verb_off,
                      const char *const *countries, size_t ncountries,
                      const size_t (*exclude)[2], size_t nexclude, vg_place *out)
{
    vg_post_text pt = { 0 };
    vg_post_text_init(&pt, sent, len, verb_off);
    bool found = vg_place_find_in(g, &pt, countries, ncountries, exclude, nexclude, out);
    vg_post_text_free(&pt);
    return found;
}

bool vg_place_find(const vg_gazetteer *g, const char *sent, size_t len, size_t verb_off,
                   const char *const *countries, size_t ncountries, vg_place *out)
{
    return vg_place_find_ex(g, sent, len, verb_off, countries, ncountries, NULL, 0, out);
}
