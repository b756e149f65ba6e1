/* ontology.c -- see ontology.h.  Both tables are parsed from the embedded
 * TSV files once (pthread_once) into sorted arrays, with a direct index from
 * a code's digits or a country's three letters into them. */
#include "ontology.h"

#include "embedded.h"
#include "util.h"

#include <pthread.h>
#include <string.h>

#define VG_CAMEO_FILE "data/cameo.tsv"
#define VG_COUNTRY_FILE "data/countries.tsv"

static const char *const root_codes[20] = {
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
};

/* The immutable tables, written only inside init_tables().  The indexes
 * hold an entry's position + 1 (0: none): cameo_at by code_slot(),
 * country_at by letter_slot(). */
enum { CAMEO_SLOTS = 100 + 1000 + 10000, COUNTRY_SLOTS = 26 * 26 * 26 };
static struct {
    VG_VEC(vg_cameo) cameo;
    VG_VEC(vg_country) country;
    uint16_t cameo_at[CAMEO_SLOTS], country_at[COUNTRY_SLOTS];
} tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* ---- parsing helpers ---- */

/* Splits line (modified in place) on tabs into at most max fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    while (n < max) {
        f[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab) break;
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

/* Locale-independent decimal: [-+]digits[.digits]. */
static bool parse_decimal(const char *s, double *out)
{
    double sign = 1, mant = 0, div = 1;
    bool any = false;
    if (*s == '-' || *s == '+') sign = *s++ == '-' ? -1 : 1;
    for (; vg_isdigit(*s); s++, any = true) mant = mant * 10 + (*s - '0');
    if (*s == '.')
        for (s++; vg_isdigit(*s); s++, any = true, div *= 10)
            mant = mant * 10 + (*s - '0');
    if (!any || *s) return false;
    *out = sign * mant / div;   /* one rounding: "3.4" gives exactly 3.4 */
    return true;
}

int vg_cameo_root_number(const char *code)
{
    if (!code || !vg_isdigit((unsigned char)code[0]) || !vg_isdigit((unsigned char)code[1]))
        return -1;
    return (code[0] - '0') * 10 + (code[1] - '0');
}

/* The first entry whose code is a prefix of code (the longest listed first
 * within each root). */
struct vg_mirror { const char *from, *to; };

static const char *mirror(const struct vg_mirror *map, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (!strncmp(code, map[i].from, strlen(map[i].from))) return map[i].to;
    return NULL;
}

/* The refusal that mirrors a cooperative code (CAMEO 12 follows 03 and
 * 08): "will not send peacekeepers" (0334) is 1224, "would not release the
 * prisoners" (084) is 1243, "will not meet" (04) is 125; NULL for the
 * other roots. */
const char *vg_cameo_refusal(const char *code)
{
    static const struct vg_mirror map[] = {
        { "0311", "1211" }, { "0312", "1212" }, { "0313", "1213" }, { "0314", "1214" },
        { "031", "121" }, { "0331", "1221" }, { "0332", "1222" }, { "0333", "1223" },
        { "0334", "1224" }, { "033", "122" }, { "0341", "1231" }, { "0342", "1232" },
        { "0343", "1233" }, { "0344", "1234" }, { "034", "123" }, { "0351", "1241" },
        { "0352", "1242" }, { "0353", "1243" }, { "0354", "1244" }, { "0355", "1245" },
        { "0356", "1246" }, { "035", "124" }, { "036", "125" }, { "037", "127" },
        { "038", "126" }, { "039", "126" }, { "03", "120" },
        { "04", "125" }, { "057", "127" }, { "05", "120" },
        { "061", "1211" }, { "062", "1212" }, { "063", "1213" }, { "064", "1214" },
        { "06", "121" },
        { "071", "1221" }, { "072", "1222" }, { "073", "1223" }, { "074", "1224" },
        { "075", "1223" }, { "07", "122" },
        { "081", "1241" }, { "082", "1242" }, { "0831", "1231" }, { "0832", "1232" },
        { "0833", "1233" }, { "0834", "1234" }, { "083", "123" }, { "084", "1243" },
        { "085", "1244" }, { "086", "1245" }, { "087", "1246" }, { "08", "124" },
    };
    return mirror(map, sizeof map / sizeof *map, code);
}

/* The demand that mirrors a cooperative code (CAMEO 10 follows 03-09, as
 * the codebook numbers it: 106 meeting, 107 settlement, 108 mediation,
 * 105x what the target yields): "Turkey must mediate" (045) is 108, "Israel
 * must end attacks" (087) and "must withdraw its troops" (0874) are 1056,
 * "must release the prisoners" (084) 1053, "must send aid" (07) 103; NULL
 * for the other roots. */
const char *vg_cameo_demand(const char *code)
{
    static const struct vg_mirror map[] = {
        { "01", "100" }, { "02", "100" },
        { "036", "106" }, { "037", "107" }, { "038", "108" }, { "039", "108" }, { "03", "100" },
        { "045", "108" }, { "04", "106" },
        { "057", "107" }, { "05", "102" },
        { "061", "1011" }, { "062", "1012" }, { "063", "1013" }, { "064", "1014" }, { "06", "101" },
        { "071", "1031" }, { "072", "1032" }, { "073", "1033" }, { "074", "1034" }, { "07", "103" },
        { "0831", "1041" }, { "0832", "1042" }, { "0833", "1043" }, { "0834", "1044" },
        { "081", "1051" }, { "082", "1052" }, { "083", "104" }, { "084", "1053" },
        { "085", "1054" }, { "086", "1055" }, { "087", "1056" }, { "08", "105" }, { "09", "100" },
    };
    return mirror(map, sizeof map / sizeof *map, code);
}

/* The intent that mirrors a cooperative code (CAMEO 03 follows 04-08):
 * "NATO will send peacekeepers" (074) is 0334, "will withdraw its troops"
 * (0874) 0356, "will meet" (04) 036; NULL for the other roots. */
const char *vg_cameo_intent(const char *code)
{
    static const struct vg_mirror map[] = {
        { "045", "039" }, { "04", "036" }, { "057", "037" }, { "05", "032" },
        { "061", "0311" }, { "062", "0312" }, { "063", "0313" }, { "064", "0314" }, { "06", "031" },
        { "071", "0331" }, { "072", "0332" }, { "073", "0333" }, { "074", "0334" },
        { "075", "0333" }, { "07", "033" },
        { "081", "0351" }, { "082", "0352" }, { "0831", "0341" }, { "0832", "0342" },
        { "0833", "0343" }, { "0834", "0344" }, { "083", "034" }, { "084", "0353" },
        { "085", "0354" }, { "086", "0355" }, { "087", "0356" }, { "08", "035" },
    };
    return mirror(map, sizeof map / sizeof *map, code);
}

/* The threat that mirrors a code of material conflict (CAMEO 13 follows
 * 14 and 16-20): "will attack Kosovo" (190, force not specified) is 138,
 * as unspecified as the force; "will shell the town" (194) 1384, "will
 * impose sanctions" (163) 1312, "will seize the town" (192) 1382; NULL for
 * the other roots (15, a show of force, has no threat of its own). */
const char *vg_cameo_threat(const char *code)
{
    static const struct vg_mirror map[] = {
        { "14", "133" },
        { "161", "1313" }, { "162", "1311" }, { "163", "1312" }, { "164", "134" },
        { "165", "135" }, { "166", "136" }, { "16", "131" },
        { "17", "137" }, { "18", "1383" },
        { "190", "138" }, { "191", "1381" }, { "192", "1382" }, { "19", "1384" },
        { "204", "1385" }, { "20", "1383" },
    };
    return mirror(map, sizeof map / sizeof *map, code);
}

/* Root index 0..19 of a 2-4 digit code, or -1. */
static int root_index(const char *code)
{
    size_t len = strlen(code);
    if (len < 2 || len > 4) return -1;
    for (size_t i = 0; i < len; i++)
        if (!vg_isdigit(code[i])) return -1;
    int r = vg_cameo_root_number(code);
    return r >= 1 && r <= 20 ? r - 1 : -1;
}

/* Calls fn(fields, nfields) for each non-comment line of an embedded file;
 * the text is copied and kept for the life of the process. */
static void each_row(const char *file, void (*fn)(char **f, size_t n))
{
    const char *data = vg_embedded_get(file, NULL);
    if (!data) return;
    char *text = vg_strdup(data), *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[--len] = '\0';
        if (!len || line[0] == '#') continue;
        char *f[8];
        fn(f, split_tabs(line, f, 8));
    }
}

/* ---- the CAMEO table ---- */

/* Row: code, name, goldstein[, plover, mode, context]; missing trailing
 * PLOVER fields read as "".  Malformed rows are skipped (the unit test
 * checks the count). */
static void add_cameo(char **f, size_t n)
{
    int r = n >= 3 ? root_index(f[0]) : -1;
    double g;
    if (r < 0 || !parse_decimal(f[2], &g)) return;
    vg_cameo c = {
        .code = f[0], .name = f[1], .root = root_codes[r], .goldstein = g,
        .quad = vg_cameo_quad_of_root(root_codes[r]),
        .penta = vg_cameo_penta_of_root(root_codes[r]),
        .plover = n > 3 ? f[3] : "", .plover_mode = n > 4 ? f[4] : "",
        .plover_context = n > 5 ? f[5] : "",
    };
    vg_vec_push(&tables.cameo, c);
}

static int cmp_cameo(const void *a, const void *b)
{
    return strcmp(((const vg_cameo *)a)->code, ((const vg_cameo *)b)->code);
}

/* ---- the country table ---- */

static bool is_alpha3(const char *s)
{
    return vg_isupper(s[0]) && vg_isupper(s[1]) && vg_isupper(s[2]) && !s[3];
}

static void add_country(char **f, size_t n)
{
    if (n < 3 || !is_alpha3(f[0])) return;
    vg_country c = { f[0], f[1], f[2], !(n > 3 && !strcmp(f[3], "cameo")) };
    vg_vec_push(&tables.country, c);
}

static int cmp_country(const void *a, const void *b)
{
    return strcmp(((const vg_country *)a)->alpha3, ((const vg_country *)b)->alpha3);
}

/* The slot of a code of 2 to 4 digits ("08" and "008" differ), -1 if it
 * is none. */
static int code_slot(const char *code, size_t len)
{
    if (len < 2 || len > 4) return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!vg_isdigit(code[i])) return -1;
        v = v * 10 + (code[i] - '0');
    }
    return v + (len == 2 ? 0 : len == 3 ? 100 : 1100);
}

/* The slot of three letters, either case; -1 if they are not letters. */
static int letter_slot(const char *s)
{
    int v = 0;
    for (int i = 0; i < 3; i++) {
        if (!vg_isalpha(s[i])) return -1;
        v = v * 26 + (vg_toupper(s[i]) - 'A');
    }
    return v;
}

static void init_tables(void)
{
    each_row(VG_CAMEO_FILE, add_cameo);
    each_row(VG_COUNTRY_FILE, add_country);
    if (tables.cameo.n)
        qsort(tables.cameo.v, tables.cameo.n, sizeof *tables.cameo.v, cmp_cameo);
    if (tables.country.n)
        qsort(tables.country.v, tables.country.n, sizeof *tables.country.v,
              cmp_country);
    for (size_t i = 0; i < tables.cameo.n && i < UINT16_MAX; i++) {
        const char *c = tables.cameo.v[i].code;
        int k = code_slot(c, strlen(c));
        if (k >= 0) tables.cameo_at[k] = (uint16_t)(i + 1);
    }
    for (size_t i = 0; i < tables.country.n && i < UINT16_MAX; i++) {
        int k = letter_slot(tables.country.v[i].alpha3);
        if (k >= 0) tables.country_at[k] = (uint16_t)(i + 1);
    }
}

static void ensure_tables(void) { pthread_once(&tables_once, init_tables); }

/* ---- CAMEO API ---- */

static const vg_cameo *find_exact(const char *code)
{
    int k = code_slot(code, strlen(code));
    return k >= 0 && tables.cameo_at[k] ? &tables.cameo.v[tables.cameo_at[k] - 1] : NULL;
}

const vg_cameo *vg_cameo_get(const char *code)
{
    if (!code || root_index(code) < 0) return NULL;
    ensure_tables();
    char buf[5];
    size_t len = strlen(code);
    memcpy(buf, code, len + 1);
    for (; len >= 2; buf[--len] = '\0') {
        const vg_cameo *c = find_exact(buf);
        if (c) return c;
    }
    return NULL;
}

bool vg_cameo_valid(const char *code)
{
    if (!code || root_index(code) < 0) return false;
    ensure_tables();
    return find_exact(code) != NULL;
}

size_t vg_cameo_count(void)
{
    ensure_tables();
    return tables.cameo.n;
}

const vg_cameo *vg_cameo_at(size_t i)
{
    ensure_tables();
    return i < tables.cameo.n ? &tables.cameo.v[i] : NULL;
}

/* GDELT QuadClass: 01-05 verbal cooperation, 06-09 material cooperation,
 * 10-14 verbal conflict, 15-20 material conflict. */
int vg_cameo_quad_of_root(const char *root)
{
    int r = root && strlen(root) == 2 ? root_index(root) + 1 : 0;
    if (r <= 0) return 0;
    return r <= 5 ? 1 : r <= 9 ? 2 : r <= 14 ? 3 : 4;
}

/* Phoenix PentaClass: 0 statements and appeals (01-02), 1 verbal
 * cooperation (03-05), 2 material cooperation (06-08), 3 verbal conflict
 * (09-13 and 16), 4 material conflict (14-15, 17-20); docs/ontology.md. */
int vg_cameo_penta_of_root_index(int i)
{
    static const signed char penta[20] = {
        0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 3, 4, 4, 4, 4
    };
    return i >= 0 && i < 20 ? penta[i] : -1;
}

int vg_cameo_penta_of_root(const char *root)
{
    return root && strlen(root) == 2 ? vg_cameo_penta_of_root_index(root_index(root)) : -1;
}

static const char *const class_names[5] = {
    "Neutral", "Verbal cooperation", "Material cooperation",
    "Verbal conflict", "Material conflict",
};

const char *vg_quad_name(int quad)
{
    return quad >= 1 && quad <= 4 ? class_names[quad] : NULL;
}

const char *vg_penta_name(int penta)
{
    return penta >= 0 && penta <= 4 ? class_names[penta] : NULL;
}

/* ---- countries ---- */

const vg_country *vg_country_get(const char *alpha3)
{
    if (!alpha3) return NULL;
    int k = letter_slot(alpha3);
    if (k < 0 || alpha3[3]) return NULL;
    ensure_tables();
    return tables.country_at[k] ? &tables.country.v[tables.country_at[k] - 1] : NULL;
}

size_t vg_country_count(void)
{
    ensure_tables();
    return tables.country.n;
}

const vg_country *vg_country_at(size_t i)
{
    ensure_tables();
    return i < tables.country.n ? &tables.country.v[i] : NULL;
}

bool vg_actor_country(const char *actor_code, char out[4])
{
    out[0] = '\0';
    if (!actor_code || strnlen(actor_code, 3) < 3) return false;
    char lead[4];
    memcpy(lead, actor_code, 3);
    lead[3] = '\0';
    for (int i = 0; i < 3; i++) lead[i] = (char)vg_toupper(lead[i]);
    static const char *const non_state[] = { "IGO", "NGO", "IMG", "MNC" };
    for (size_t i = 0; i < sizeof non_state / sizeof *non_state; i++)
        if (!strcmp(lead, non_state[i])) return false;
    const vg_country *c = vg_country_get(lead);
    if (!c) return false;
    memcpy(out, c->alpha3, 4);
    return true;
}
