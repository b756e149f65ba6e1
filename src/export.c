/* export.c -- the store's events in other data sets' formats: Phoenix
 * (26 columns), GDELT 2.0 events (61), ICEWS (20), PLOVER JSON lines, and
 * Vigil's own CSV (33, or 34 with the sentence).  Column mappings and
 * conventions (sentence numbers, dates that are not days, actor codes
 * without a country): docs/export.md.
 *
 * One query streams events joined with their mentions and articles in
 * output order; consecutive rows of one event (or, with one_a_day, of one
 * source-target-code-day) form a group that becomes one output row. */
#include "store.h"
#include "ontology.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "version.h"

/* Columns of the export query. */
enum {
    C_ID, C_DATE, C_DPREC, C_SRC, C_TGT, C_SCTRY, C_TCTRY, C_CODE, C_ROOT, C_QUAD, C_PENTA,
    C_GOLD, C_PLOVER, C_PNAME, C_PADM1, C_PCTRY, C_LAT, C_LON, C_PPREC, C_PACTOR, C_PRAW,
    C_NMENT, C_NART, C_NSRC, C_FIRST, C_ARTICLE, C_SNO, C_MATCHED, C_ASRC, C_URL, C_TITLE,
    C_INGESTED, C_METHOD, C_CONF, C_ISSUES, C_TEXT, C_NCOLS
};

static const char select_cols[] =
    "SELECT e.id, e.date, e.date_precision, e.source, e.target, e.source_country, "
    "e.target_country, e.code, e.root, e.quad, e.penta, e.goldstein, e.plover, e.place_name, "
    "e.place_adm1, e.place_country, e.lat, e.lon, e.place_precision, e.place_from_actor, "
    "e.place_raw, e.num_mentions, e.num_articles, e.num_sources, e.first_seen, m.article_id, "
    "m.sentence_no, m.matched, a.source, a.url, a.title, a.ingested_at, e.method, e.confidence, "
    "e.issues, ";
/* the sentence (--with-text), or nothing */
static const char select_text[] = "s.text FROM events e JOIN mentions m ON m.event_id = e.id "
    "JOIN articles a ON a.id = m.article_id LEFT JOIN sentences s "
    "ON s.article_id = m.article_id AND s.sentence_no = m.sentence_no";
static const char select_notext[] = "NULL FROM events e JOIN mentions m ON m.event_id = e.id "
    "JOIN articles a ON a.id = m.article_id";

static const char *const fmt_names[] = { "phoenix", "gdelt", "icews", "plover", "csv" };

bool vg_export_fmt_parse(const char *s, vg_export_fmt *out)
{
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, fmt_names[i])) { *out = (vg_export_fmt)i; return true; }
    return false;
}

/* ---- headers ---- */

static const char *const phoenix_cols[] = {
    "EventID", "Date", "Year", "Month", "Day", "SourceActorFull", "SourceActorEntity",
    "SourceActorRole", "SourceActorAttribute", "TargetActorFull", "TargetActorEntity",
    "TargetActorRole", "TargetActorAttribute", "EventCode", "EventRootCode", "QuadClass",
    "GoldsteinScore", "Issues", "Lat", "Lon", "LocationName", "StateName", "CountryCode",
    "SentenceID", "URLs", "NewsSources", NULL
};

static const char *const gdelt_cols[] = {
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL", NULL
};

static const char *const icews_cols[] = {
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude", NULL
};

static const char *const csv_cols[] = {
    "event_id", "date", "date_precision", "source", "target", "source_country",
    "target_country", "code", "root", "quad", "penta", "goldstein", "plover", "place_name",
    "place_adm1", "place_country", "lat", "lon", "place_precision", "place_from_actor",
    "place_raw", "num_mentions", "num_articles", "num_sources", "first_seen", "article_id",
    "sentence_no", "source_name", "url", "title", "method", "confidence", "issues", NULL
};

static const char *const csv_text_cols[] = {
    "event_id", "date", "date_precision", "source", "target", "source_country",
    "target_country", "code", "root", "quad", "penta", "goldstein", "plover", "place_name",
    "place_adm1", "place_country", "lat", "lon", "place_precision", "place_from_actor",
    "place_raw", "num_mentions", "num_articles", "num_sources", "first_seen", "article_id",
    "sentence_no", "source_name", "url", "title", "method", "confidence", "issues", "sentence",
    NULL
};

static const char *const *columns(vg_export_fmt f, bool with_text)
{
    switch (f) {
    case VG_EXPORT_PHOENIX: return phoenix_cols;
    case VG_EXPORT_GDELT: return gdelt_cols;
    case VG_EXPORT_ICEWS: return icews_cols;
    case VG_EXPORT_CSV: return with_text ? csv_text_cols : csv_cols;
    default: return NULL;
    }
}

int vg_export_ncols(vg_export_fmt fmt)
{
    const char *const *c = columns(fmt, false);
    int n = 0;
    while (c && c[n]) n++;
    return n;
}

/* ---- a row being written ---- */

typedef struct row {
    vg_buf b;
    bool csv;
    int n;           /* fields written */
} row;

static void field(row *r, const char *s)
{
    if (r->n++) vg_buf_putc(&r->b, r->csv ? ',' : '\t');
    if (!s) return;
    if (!r->csv) {
        for (; *s; s++) vg_buf_putc(&r->b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) { vg_buf_puts(&r->b, s); return; }
    vg_buf_putc(&r->b, '"');
    for (; *s; s++) {
        if (*s == '"') vg_buf_putc(&r->b, '"');
        vg_buf_putc(&r->b, *s);
    }
    vg_buf_putc(&r->b, '"');
}

static void fieldf(row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fieldf(row *r, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    field(r, buf);
}

static void end_row(row *r, FILE *f)
{
    vg_buf_puts(&r->b, r->csv ? "\r\n" : "\n");
    fwrite(r->b.s, 1, r->b.len, f);
    vg_buf_clear(&r->b);
    r->n = 0;
}

/* ---- groups of query rows ---- */

typedef struct group {
    char *v[C_NCOLS];             /* the first row */
    char key[160];
    size_t nment;
    vg_strmap arts, srcs, urls;
    vg_buf srclist, urllist;      /* distinct, ';'-separated, in mention order */
    size_t nurls;
    char *first_url;              /* the first mention's URL with one */
    int min_sno;
    char first_seen[16], added[32];
} group;

typedef struct exporter {
    const vg_export_opts *o;
    FILE *f;
    group g;
    bool have;
    row r;
    vg_buf tmp, tmp2;
    bool werr;
} exporter;

static void group_reset(group *g)
{
    for (int i = 0; i < C_NCOLS; i++) { free(g->v[i]); g->v[i] = NULL; }
    g->nment = 0;
    g->nurls = 0;
    vg_strmap_clear(&g->arts);
    vg_strmap_clear(&g->srcs);
    vg_strmap_clear(&g->urls);
    vg_buf_clear(&g->srclist);
    vg_buf_clear(&g->urllist);
    free(g->first_url);
    g->first_url = NULL;
    g->first_seen[0] = g->added[0] = '\0';
}

static void group_free(group *g)
{
    group_reset(g);
    vg_strmap_free(&g->arts);
    vg_strmap_free(&g->srcs);
    vg_strmap_free(&g->urls);
    vg_buf_free(&g->srclist);
    vg_buf_free(&g->urllist);
}

#define MAX_URLS 100

/* Appends to a ';'-separated list (';' inside an item becomes ','). */
static void add_list(vg_buf *list, const char *s)
{
    if (!*s) return;
    if (list->len) vg_buf_putc(list, ';');
    for (; *s; s++) vg_buf_putc(list, *s == ';' ? ',' : *s);
}

static void group_add(group *g, const char *const *v, const char *article_date)
{
    if (!g->nment) {
        for (int i = 0; i < C_NCOLS; i++) g->v[i] = v[i] ? vg_strdup(v[i]) : NULL;
        g->min_sno = v[C_SNO] ? atoi(v[C_SNO]) : 0;
    }
    g->nment++;
    if (v[C_ARTICLE]) vg_strmap_put(&g->arts, v[C_ARTICLE], 1);
    const char *src = v[C_ASRC] ? v[C_ASRC] : "";   /* no source: one "unknown" source */
    if (vg_strmap_get(&g->srcs, src) < 0) {
        vg_strmap_put(&g->srcs, src, 1);
        add_list(&g->srclist, src);
    }
    const char *url = v[C_URL];
    if (!g->first_url && url && *url) g->first_url = vg_strdup(url);
    if (g->nurls < MAX_URLS && url && *url && vg_strmap_get(&g->urls, url) < 0) {
        vg_strmap_put(&g->urls, url, 1);
        add_list(&g->urllist, url);
        g->nurls++;
    }
    int sno = v[C_SNO] ? atoi(v[C_SNO]) : 0;
    if (sno < g->min_sno) g->min_sno = sno;
    if (article_date && (!g->first_seen[0] || strcmp(article_date, g->first_seen) < 0))
        snprintf(g->first_seen, sizeof g->first_seen, "%s", article_date);
    if (v[C_INGESTED] && (!g->added[0] || strcmp(v[C_INGESTED], g->added) < 0))
        snprintf(g->added, sizeof g->added, "%s", v[C_INGESTED]);
}

/* ---- values ---- */

static const char *gv(const exporter *x, int c) { return x->g.v[c]; }

static const char *nz(const char *s) { return s ? s : ""; }

/* An actor code as the other data sets write it: without the "---"
 * placeholder Vigil's dictionaries put where the country is unknown
 * ("---GOV" -> "GOV"); NULL stays NULL. */
static const char *actor_code(const char *code)
{
    while (code && !strncmp(code, "---", 3)) code += 3;
    return code;
}

/* The event's issues (stored as JSON) as Phoenix writes them: "CODE,n;CODE,n"
 * (PETRARCH2's writer); NULL when there are none or none were recorded. */
static const char *issues_text(exporter *x)
{
    vg_buf_clear(&x->tmp2);
    const char *s = gv(x, C_ISSUES);
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
        json_t *o = json_array_get(j, i), *c = json_object_get(o, "code");
        json_t *n = json_object_get(o, "count");
        if (!json_is_string(c)) continue;
        if (x->tmp2.len) vg_buf_putc(&x->tmp2, ';');
        for (const char *p = json_string_value(c); *p; p++)
            vg_buf_putc(&x->tmp2, *p == ';' || *p == ',' ? ' ' : *p);
        vg_buf_printf(&x->tmp2, ",%lld", json_is_integer(n) ? (long long)json_integer_value(n) : 1);
    }
    json_decref(j);
    return x->tmp2.len ? x->tmp2.s : NULL;
}

/* The confidence with three decimals (as `vigil code`), NULL for none. */
static const char *confidence_text(exporter *x, char buf[16])
{
    const char *c = gv(x, C_CONF);
    if (!c || !*c) return NULL;
    snprintf(buf, 16, "%.3f", strtod(c, NULL));
    return buf;
}

static void coord(row *r, const char *s)
{
    if (!s || !*s) { field(r, NULL); return; }
    fieldf(r, "%.5f", strtod(s, NULL));
}

static void goldstein(row *r, const char *s)
{
    if (!s || !*s) { field(r, NULL); return; }
    fieldf(r, "%.1f", strtod(s, NULL));
}

static long num(const exporter *x, int c)
{
    const char *s = gv(x, c);
    return s ? strtol(s, NULL, 10) : 0;
}

/* Counts: stored ones, or computed over the group for one-a-day. */
static long count_of(const exporter *x, int c)
{
    if (!x->o->one_a_day) return num(x, c);
    const group *g = &x->g;
    return c == C_NMENT ? (long)g->nment : c == C_NART ? (long)g->arts.n : (long)g->srcs.n;
}

/* yyyy, mm, dd of the event date. */
static void ymd(const exporter *x, int *y, int *m, int *d)
{
    int32_t v = 0;
    const char *s = gv(x, C_DATE);
    if (s) vg_date_parse(s, true, &v);
    vg_ymd t = vg_date_ymd(v);
    *y = t.y, *m = t.m, *d = t.d;
}

static const char *const roles[] = {
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM",
    "CVL", "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD",
    "PTY", "IGO", "NGO", "IMG", "MNC", "NGM", "SET", "UIS", "PKO", "AMN", "IRC", "GRP", NULL
};

static const char *const religions[] = {
    "ADR", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "HIN", "ITR", "JAN", "JEW",
    "JHW", "LDS", "MOS", "MRN", "NRM", "PAG", "PRO", "SFI", "SHI", "SHN", "SIK", "SUN", "TAO",
    "UDX", "ZRO", NULL
};

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strncmp(*l, s, 3)) return true;
    return false;
}

/* A CAMEO actor code in 3-letter parts: country (or another leading
 * entity), then roles, religions and other parts. */
typedef struct actor_parts {
    char entity[4], country[4];
    char role[3][4], relig[2][4], group[4];
    int nrole, nrelig;
} actor_parts;

static void split_actor(const char *code, actor_parts *p)
{
    memset(p, 0, sizeof *p);
    size_t n = strlen(code), i = 0;
    if (vg_actor_country(code, p->country) || (n >= 3 && !in_list(roles, code))) {
        snprintf(p->entity, 4, "%.3s", code);
        i = 3;
    }
    for (; i + 3 <= n; i += 3) {
        const char *c = code + i;
        if (in_list(roles, c) && p->nrole < 3) snprintf(p->role[p->nrole++], 4, "%.3s", c);
        else if (in_list(religions, c) && p->nrelig < 2) snprintf(p->relig[p->nrelig++], 4, "%.3s", c);
        else if (!p->group[0]) snprintf(p->group, 4, "%.3s", c);
    }
}

/* Text of the matched actor or verb from the first mention's explanation. */
static const char *matched_text(exporter *x, const char *part)
{
    vg_buf_clear(&x->tmp);
    const char *m = gv(x, C_MATCHED);
    json_t *j = m ? json_loads(m, 0, NULL) : NULL;
    json_t *t = json_object_get(json_object_get(j, part), "text");
    if (json_is_string(t)) vg_buf_puts(&x->tmp, json_string_value(t));
    json_decref(j);
    return x->tmp.len ? x->tmp.s : NULL;
}

static const char *country_name(const char *iso3)
{
    const vg_country *c = iso3 && *iso3 ? vg_country_get(iso3) : NULL;
    return c ? c->name : NULL;
}

static int place_prec(const exporter *x) { return vg_place_prec_parse(gv(x, C_PPREC)); }

/* ---- Phoenix ---- */

static void phoenix_actor(row *r, const char *code)
{
    code = actor_code(code);
    actor_parts p;
    split_actor(nz(code), &p);
    field(r, code);
    field(r, p.entity);
    field(r, p.nrole ? p.role[0] : NULL);
    size_t n = strlen(nz(code)), skip = (p.entity[0] ? 3 : 0) + (p.nrole ? 3 : 0);
    field(r, n > skip ? code + skip : NULL);
}

static void write_phoenix(exporter *x)
{
    row *r = &x->r;
    int y, m, d;
    ymd(x, &y, &m, &d);
    field(r, gv(x, C_ID));
    fieldf(r, "%04d%02d%02d", y, m, d);
    fieldf(r, "%d", y);
    fieldf(r, "%d", m);
    fieldf(r, "%d", d);
    phoenix_actor(r, gv(x, C_SRC));
    phoenix_actor(r, gv(x, C_TGT));
    field(r, gv(x, C_CODE));
    field(r, gv(x, C_ROOT));
    field(r, gv(x, C_PENTA));
    goldstein(r, gv(x, C_GOLD));
    field(r, issues_text(x));
    coord(r, gv(x, C_LAT));
    coord(r, gv(x, C_LON));
    field(r, gv(x, C_PNAME));
    int pp = place_prec(x);
    field(r, pp == VG_PLACE_REGION ? gv(x, C_PNAME) : gv(x, C_PADM1));
    field(r, gv(x, C_PCTRY));
    fieldf(r, "%s_%s", nz(gv(x, C_ARTICLE)), nz(gv(x, C_SNO)));
    field(r, x->g.urllist.s);
    field(r, x->g.srclist.s);
}

/* ---- GDELT ---- */

static void gdelt_actor(exporter *x, const char *code, const char *part)
{
    row *r = &x->r;
    code = actor_code(code);
    actor_parts p;
    split_actor(nz(code), &p);
    field(r, code);
    field(r, matched_text(x, part));
    field(r, p.country[0] ? p.country : NULL);
    field(r, p.group[0] ? p.group : NULL);
    field(r, NULL);                          /* ethnic */
    field(r, p.nrelig > 0 ? p.relig[0] : NULL);
    field(r, p.nrelig > 1 ? p.relig[1] : NULL);
    for (int i = 0; i < 3; i++) field(r, i < p.nrole ? p.role[i] : NULL);
}

static void empty_fields(row *r, int n)
{
    for (int i = 0; i < n; i++) field(r, NULL);
}

static void gdelt_geo(exporter *x)
{
    row *r = &x->r;
    int pp = place_prec(x);
    if (pp == VG_PLACE_NONE) { empty_fields(r, 8); return; }
    const char *ctry = gv(x, C_PCTRY), *name = gv(x, C_PNAME), *adm1 = gv(x, C_PADM1);
    bool usa = ctry && !strcmp(ctry, "USA");
    int type = pp == VG_PLACE_COUNTRY ? 1 : pp == VG_PLACE_REGION ? (usa ? 2 : 5)
             : pp == VG_PLACE_CITY ? (usa ? 3 : 4) : 0;
    if (type) fieldf(r, "%d", type);
    else field(r, NULL);
    vg_buf full = { 0 };
    vg_buf_puts(&full, nz(name));
    if (pp == VG_PLACE_CITY && adm1 && *adm1) vg_buf_printf(&full, ", %s", adm1);
    const char *cn = country_name(ctry);
    if (pp != VG_PLACE_COUNTRY && cn) vg_buf_printf(&full, ", %s", cn);
    field(r, full.s);
    vg_buf_free(&full);
    const vg_country *c = ctry ? vg_country_get(ctry) : NULL;
    field(r, c && c->alpha2[0] ? c->alpha2 : NULL);
    empty_fields(r, 2);                      /* ADM1, ADM2 codes */
    coord(r, gv(x, C_LAT));
    coord(r, gv(x, C_LON));
    field(r, NULL);                          /* FeatureID */
}

static void write_gdelt(exporter *x)
{
    row *r = &x->r;
    int y, m, d;
    ymd(x, &y, &m, &d);
    field(r, gv(x, C_ID));
    fieldf(r, "%04d%02d%02d", y, m, d);
    fieldf(r, "%04d%02d", y, m);
    fieldf(r, "%04d", y);
    long doy = vg_ymd_days((vg_ymd){ y, m, d }) - vg_ymd_days((vg_ymd){ y, 1, 1 }) + 1;
    fieldf(r, "%.4f", y + doy / 365.0);
    gdelt_actor(x, gv(x, C_SRC), "source");
    gdelt_actor(x, gv(x, C_TGT), "target");
    field(r, x->g.min_sno == 0 ? "1" : "0");
    const char *code = nz(gv(x, C_CODE));
    field(r, code);
    fieldf(r, "%.3s", code);
    field(r, gv(x, C_ROOT));
    field(r, gv(x, C_QUAD));
    goldstein(r, gv(x, C_GOLD));
    fieldf(r, "%ld", count_of(x, C_NMENT));
    fieldf(r, "%ld", count_of(x, C_NSRC));
    fieldf(r, "%ld", count_of(x, C_NART));
    field(r, NULL);                          /* AvgTone */
    empty_fields(r, 16);                     /* Actor1Geo_*, Actor2Geo_* */
    gdelt_geo(x);
    char added[16] = "";
    const char *a = x->g.added;
    if (strlen(a) >= 19)
        snprintf(added, sizeof added, "%.4s%.2s%.2s%.2s%.2s%.2s", a, a + 5, a + 8, a + 11,
                 a + 14, a + 17);
    field(r, added[0] ? added : NULL);
    field(r, x->g.first_url);               /* SOURCEURL: a URL or nothing */
}

/* ---- ICEWS ---- */

static void icews_actor(exporter *x, const char *code, const char *part)
{
    row *r = &x->r;
    code = actor_code(code);
    actor_parts p;
    split_actor(nz(code), &p);
    const char *name = matched_text(x, part);
    field(r, name ? name : code);
    vg_buf s = { 0 };
    for (int i = 0; i < p.nrole; i++) vg_buf_printf(&s, "%s%s", i ? "," : "", p.role[i]);
    field(r, s.s);
    vg_buf_free(&s);
    field(r, country_name(p.country));
}

static void write_icews(exporter *x)
{
    row *r = &x->r;
    const vg_cameo *c = vg_cameo_get(nz(gv(x, C_CODE)));
    field(r, gv(x, C_ID));
    field(r, gv(x, C_DATE));
    icews_actor(x, gv(x, C_SRC), "source");
    field(r, c ? c->name : NULL);
    field(r, gv(x, C_CODE));
    goldstein(r, gv(x, C_GOLD));
    icews_actor(x, gv(x, C_TGT), "target");
    field(r, gv(x, C_ARTICLE));
    fieldf(r, "%ld", num(x, C_SNO) + 1);
    field(r, gv(x, C_ASRC));
    int pp = place_prec(x);
    field(r, pp == VG_PLACE_CITY ? gv(x, C_PNAME) : NULL);
    field(r, NULL);
    field(r, pp == VG_PLACE_REGION ? gv(x, C_PNAME) : pp == VG_PLACE_CITY ? gv(x, C_PADM1) : NULL);
    field(r, country_name(gv(x, C_PCTRY)));
    coord(r, gv(x, C_LAT));
    coord(r, gv(x, C_LON));
}

/* ---- CSV ---- */

static void write_csv(exporter *x)
{
    row *r = &x->r;
    for (int c = C_ID; c <= C_PRAW; c++) {
        if (c == C_LAT || c == C_LON) coord(r, gv(x, c));
        else if (c == C_GOLD) goldstein(r, gv(x, c));
        else field(r, gv(x, c));
    }
    fieldf(r, "%ld", count_of(x, C_NMENT));
    fieldf(r, "%ld", count_of(x, C_NART));
    fieldf(r, "%ld", count_of(x, C_NSRC));
    field(r, x->o->one_a_day ? x->g.first_seen : gv(x, C_FIRST));
    field(r, gv(x, C_ARTICLE));
    field(r, gv(x, C_SNO));
    field(r, gv(x, C_ASRC));
    field(r, gv(x, C_URL));
    field(r, gv(x, C_TITLE));
    char conf[16];
    field(r, gv(x, C_METHOD));
    field(r, confidence_text(x, conf));
    field(r, issues_text(x));
    if (x->o->with_text) field(r, gv(x, C_TEXT));
}

/* ---- PLOVER ---- */

static void json_kv(vg_buf *b, const char *k, const char *v)
{
    if (!v || !*v) return;
    vg_buf_printf(b, "%s\"%s\":", b->s[b->len - 1] == '{' ? "" : ",", k);
    vg_buf_json_str(b, v);
}

static void plover_actor(exporter *x, vg_buf *b, const char *key, const char *code,
                         const char *part)
{
    code = actor_code(code);
    actor_parts p;
    split_actor(nz(code), &p);
    size_t skip = p.entity[0] ? 3 : 0;
    const char *text = matched_text(x, part);
    vg_buf_printf(b, ",\"%s\":[{", key);
    vg_buf_puts(b, "\"code\":");
    vg_buf_json_str(b, p.entity[0] ? p.entity : nz(code));
    json_kv(b, "sector", strlen(nz(code)) > skip ? code + skip : NULL);
    json_kv(b, "entity_text", text);
    json_kv(b, "cameo", code);
    vg_buf_puts(b, "}]");
}

static void plover_list(vg_buf *b, const char *key, const char *items)
{
    if (!items || !*items) return;
    vg_buf_printf(b, ",\"%s\":[", key);
    const char *s = items;
    for (int i = 0; *s; i++) {
        const char *e = strchr(s, ';');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (i) vg_buf_putc(b, ',');
        vg_buf_json_strn(b, s, n);
        s += n + (e != NULL);
    }
    vg_buf_putc(b, ']');
}

static void plover_loc(exporter *x, vg_buf *b)
{
    int pp = place_prec(x);
    if (pp == VG_PLACE_NONE) return;
    vg_buf_puts(b, ",\"event_loc\":{");
    size_t at = b->len;
    json_kv(b, "extracted_place", gv(x, C_PRAW));
    if (b->len == at) vg_buf_puts(b, "\"extracted_place\":null");
    json_kv(b, "resolved_place", gv(x, C_PNAME));
    const char *lat = gv(x, C_LAT), *lon = gv(x, C_LON);
    if (lat && lon) vg_buf_printf(b, ",\"lat\":%.5f,\"lon\":%.5f", strtod(lat, NULL), strtod(lon, NULL));
    if (pp == VG_PLACE_CITY) json_kv(b, "city", gv(x, C_PNAME));
    json_kv(b, "province", pp == VG_PLACE_REGION ? gv(x, C_PNAME) : gv(x, C_PADM1));
    json_kv(b, "country", country_name(gv(x, C_PCTRY)));
    json_kv(b, "country_code", gv(x, C_PCTRY));
    int res = pp == VG_PLACE_CITY ? 4 : pp == VG_PLACE_REGION ? 2 : pp == VG_PLACE_COUNTRY ? 1 : 0;
    if (res) vg_buf_printf(b, ",\"resolution\":%d", res);
    if (gv(x, C_PACTOR) && gv(x, C_PACTOR)[0] == '1') vg_buf_puts(b, ",\"from_actor\":true");
    vg_buf_putc(b, '}');
}

static void write_plover(exporter *x)
{
    const vg_cameo *c = vg_cameo_get(nz(gv(x, C_CODE)));
    if (!c || !c->plover[0]) return;             /* PLOVER drops the category */
    vg_buf *b = &x->r.b;
    vg_buf_printf(b, "{\"id\":\"vigil-%s\",\"date\":", nz(gv(x, C_ID)));
    vg_buf_json_str(b, nz(gv(x, C_DATE)));
    plover_actor(x, b, "actor", gv(x, C_SRC), "source");
    plover_actor(x, b, "recipient", gv(x, C_TGT), "target");
    vg_buf_puts(b, ",\"event\":[");
    vg_buf_json_str(b, c->plover);
    vg_buf_putc(b, ']');
    plover_list(b, "mode", c->plover_mode);
    plover_list(b, "context", c->plover_context);
    plover_loc(x, b);
    const char *verb = matched_text(x, "verb");
    if (verb) {
        vg_buf_puts(b, ",\"event_text\":[");
        vg_buf_json_str(b, verb);
        vg_buf_putc(b, ']');
    }
    vg_buf_printf(b, ",\"quad_code\":%d,\"event_scale\":%.1f", c->quad, c->goldstein);
    vg_buf_printf(b, ",\"text_info\":{\"sequence\":%ld}", num(x, C_SNO));
    if (x->o->with_text) {
        vg_buf_puts(b, ",\"text\":");
        if (gv(x, C_TEXT)) vg_buf_json_str(b, gv(x, C_TEXT));
        else vg_buf_puts(b, "null");
    }
    vg_buf_puts(b, ",\"cite_info\":{\"corpus\":\"vigil\"");
    json_kv(b, "citation", gv(x, C_ARTICLE));
    json_kv(b, "url", gv(x, C_URL));
    json_kv(b, "title", gv(x, C_TITLE));
    json_kv(b, "publication", gv(x, C_ASRC));
    vg_buf_puts(b, ",\"coder\":\"Vigil " VG_LIB_VERSION "\",\"codebook\":\"CAMEO 1.1b3 to PLOVER\"}");
    vg_buf_puts(b, ",\"coder\":\"Vigil " VG_LIB_VERSION "\"");
    if (strlen(x->g.added) >= 10) vg_buf_printf(b, ",\"coded_date\":\"%.10s\"", x->g.added);
    vg_buf_puts(b, ",\"cameo\":");
    vg_buf_json_str(b, c->code);
    vg_buf_printf(b, ",\"date_precision\":\"%s\",\"num_mentions\":%ld,\"num_articles\":%ld,"
                     "\"num_sources\":%ld", nz(gv(x, C_DPREC)), count_of(x, C_NMENT),
                  count_of(x, C_NART), count_of(x, C_NSRC));
    char conf[16];
    const char *cf = confidence_text(x, conf);
    vg_buf_puts(b, ",\"method\":");
    if (gv(x, C_METHOD)) vg_buf_json_str(b, gv(x, C_METHOD));
    else vg_buf_puts(b, "null");
    vg_buf_printf(b, ",\"confidence\":%s,\"issues\":", cf ? cf : "null");
    const char *is = gv(x, C_ISSUES);
    json_t *j = is ? json_loads(is, 0, NULL) : NULL;
    char *dump = json_is_array(j) ? json_dumps(j, JSON_COMPACT) : NULL;
    vg_buf_puts(b, dump ? dump : "null");
    free(dump);
    json_decref(j);
    vg_buf_puts(b, "}\n");
    fwrite(b->s, 1, b->len, x->f);
    vg_buf_clear(b);
}

/* ---- driver ---- */

static void write_group(exporter *x)
{
    switch (x->o->fmt) {
    case VG_EXPORT_PHOENIX: write_phoenix(x); break;
    case VG_EXPORT_GDELT: write_gdelt(x); break;
    case VG_EXPORT_ICEWS: write_icews(x); break;
    case VG_EXPORT_CSV: write_csv(x); break;
    case VG_EXPORT_PLOVER: write_plover(x); return;
    }
    end_row(&x->r, x->f);
}

static void group_key(const exporter *x, const char *const *v, char *key, size_t n)
{
    if (x->o->one_a_day)
        snprintf(key, n, "%s\t%s\t%s\t%s", nz(v[C_DATE]), nz(v[C_SRC]), nz(v[C_TGT]), nz(v[C_CODE]));
    else
        snprintf(key, n, "%s", nz(v[C_ID]));
}

/* first_seen of a one-a-day group: the earliest first_seen of its events. */
static bool on_row(void *ctx, int nc, const char *const *v)
{
    exporter *x = ctx;
    if (nc != C_NCOLS) return false;
    char key[160];
    group_key(x, v, key, sizeof key);
    if (x->have && strcmp(key, x->g.key)) {
        write_group(x);
        group_reset(&x->g);
        x->have = false;
    }
    if (!x->have) snprintf(x->g.key, sizeof x->g.key, "%s", key);
    x->have = true;
    group_add(&x->g, v, v[C_FIRST]);
    return !ferror(x->f);
}

/* The exclusive upper bound of a prefix range ("SRB" -> "SRC"). */
static void prefix_end(const char *p, char *out, size_t n)
{
    snprintf(out, n, "%s", p);
    size_t k = strlen(out);
    while (k && (unsigned char)out[k - 1] == 0xff) out[--k] = '\0';
    if (k) out[k - 1]++;
}

typedef struct query {
    vg_buf sql;
    const char *p[8];
    char buf[8][64];
    int np;           /* parameters; each has its own buf */
} query;

/* col starts with prefix: a range the indexes serve, checked exactly. */
static void where_prefix(query *q, const char *col, const char *prefix)
{
    if (!prefix || !*prefix || !strcmp(prefix, "*")) return;
    char *lo = q->buf[q->np], *hi = q->buf[q->np + 1];   /* hi unused if empty */
    snprintf(lo, 64, "%s", prefix);
    prefix_end(prefix, hi, 64);
    q->p[q->np++] = lo;
    vg_buf_printf(&q->sql, " AND %s >= ?", col);
    if (hi[0]) {
        q->p[q->np++] = hi;
        vg_buf_printf(&q->sql, " AND %s < ?", col);
    }
}

static void build_query(const vg_export_opts *o, query *q)
{
    memset(q, 0, sizeof *q);
    vg_buf_puts(&q->sql, select_cols);
    vg_buf_puts(&q->sql, o->with_text ? select_text : select_notext);
    vg_buf_puts(&q->sql, " WHERE 1 = 1");
    if (o->exact_dates) vg_buf_puts(&q->sql, " AND e.date_precision IN ('day', 'article')");
    if (o->from) {
        vg_date_format(o->from, q->buf[q->np]);
        q->p[q->np] = q->buf[q->np];
        q->np++;
        vg_buf_puts(&q->sql, " AND e.date >= ?");
    }
    if (o->to) {
        vg_date_format(o->to, q->buf[q->np]);
        q->p[q->np] = q->buf[q->np];
        q->np++;
        vg_buf_puts(&q->sql, " AND e.date <= ?");
    }
    where_prefix(q, "e.source", o->dyad_source);
    where_prefix(q, "e.target", o->dyad_target);
    vg_buf_puts(&q->sql, o->one_a_day ? " ORDER BY e.date, e.source, e.target, e.code, e.id, m.id"
                                      : " ORDER BY e.date, e.id, m.id");
}

bool vg_store_export(vg_store *st, const vg_export_opts *o, FILE *f)
{
    exporter x;
    memset(&x, 0, sizeof x);
    x.o = o;
    x.f = f;
    x.r.csv = o->fmt == VG_EXPORT_CSV;
    const char *const *cols = columns(o->fmt, o->with_text);
    for (int i = 0; cols && cols[i]; i++) field(&x.r, cols[i]);
    if (cols) end_row(&x.r, f);
    query q;
    build_query(o, &q);
    bool ok = vg_store_query(st, q.sql.s, q.p, q.np, on_row, &x);
    if (ok && x.have) write_group(&x);
    group_free(&x.g);
    vg_buf_free(&x.r.b);
    vg_buf_free(&x.tmp);
    vg_buf_free(&x.tmp2);
    vg_buf_free(&q.sql);
    return ok && fflush(f) == 0 && !ferror(f);
}
