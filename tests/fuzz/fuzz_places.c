/* fuzz_places.c -- where an event happened: place strings in a sentence
 * looked up in the real gazetteer ($VIGIL_GAZETTEER, else
 * build/gazetteer.bin; a small built-in one when neither exists).  The
 * first byte chooses the actors' countries and an excluded span, the
 * second the verb's offset; the rest is the sentence (repaired to UTF-8).
 * Spans must lie in the sentence and every name must be valid UTF-8.
 * Calls: vg_gazetteer_open, vg_gazetteer_new, vg_utf8_repair,
 * vg_place_find_ex, vg_gazetteer_lookup, vg_gazetteer_country. */
#include "fuzz.h"
#include "post.h"

#include <math.h>

static vg_gazetteer *gaz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *env = getenv("VIGIL_GAZETTEER");
    char err[256];
    gaz = vg_gazetteer_open(env && *env ? env : "build/gazetteer.bin", err, sizeof err);
    if (gaz) return 0;
    static const vg_gaz_entry mini[] = {
        { "Serbia", NULL, "", "SRB", 44, 21, VG_GAZ_COUNTRY, 200, VG_GAZ_PRIMARY },
        { "Kosovo", NULL, "", "KSV", 42.6, 20.9, VG_GAZ_COUNTRY, 200, VG_GAZ_PRIMARY },
        { "Belgrade", NULL, "Central Serbia", "SRB", 44.8, 20.5, VG_GAZ_CITY, 250,
          VG_GAZ_PRIMARY | VG_GAZ_CAPITAL },
        { "Pristina", NULL, "Pristina", "KSV", 42.7, 21.2, VG_GAZ_CITY, 240,
          VG_GAZ_PRIMARY | VG_GAZ_CAPITAL },
        { "Prishtinë", "Pristina", "Pristina", "KSV", 42.7, 21.2, VG_GAZ_CITY, 240, 0 },
        { "Banjska", NULL, "Mitrovica", "KSV", 42.9, 20.8, VG_GAZ_CITY, 20, VG_GAZ_PRIMARY },
        { "Georgia", NULL, "", "GEO", 42, 43.5, VG_GAZ_COUNTRY, 200, VG_GAZ_PRIMARY },
        { "Georgia", NULL, "", "USA", 33, -83, VG_GAZ_REGION, 100, VG_GAZ_PRIMARY },
    };
    gaz = vg_gazetteer_new(mini, sizeof mini / sizeof *mini);
    return 0;
}

static void check_str(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    FUZZ_CHECK(n < cap);
    FUZZ_CHECK(vg_utf8_valid_len(s, n) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    vg_buf s = {0};
    vg_utf8_repair((const char *)data + 2, size - 2, &s);
    const char *sent = s.s ? s.s : "";
    static const char *const cc[] = { "SRB", "KSV", "USA", "XYZ" };
    size_t ncc = data[0] & 3;
    size_t ex[1][2] = { { (size_t)(data[0] >> 2), (size_t)(data[0] >> 2) + 8 } };
    size_t verb = data[1] == 255 ? SIZE_MAX : (size_t)data[1] * 2;
    if (verb != SIZE_MAX && verb > s.len) verb = s.len;
    vg_place p;
    if (vg_place_find_ex(gaz, sent, s.len, verb, cc, ncc, (const size_t(*)[2])ex, 1, &p)) {
        FUZZ_CHECK(p.precision >= VG_PLACE_CITY && p.precision <= VG_PLACE_UNRESOLVED);
        check_str(p.name, sizeof p.name);
        check_str(p.adm1, sizeof p.adm1);
        check_str(p.raw, sizeof p.raw);
        if (!p.from_actor) FUZZ_CHECK(p.span[0] < p.span[1] && p.span[1] <= s.len);
        FUZZ_CHECK(isnan(p.lat) || (p.lat >= -90.5 && p.lat <= 90.5));
    }
    vg_gaz_entry e[4];
    size_t n = vg_gazetteer_lookup(gaz, sent, s.len < 200 ? s.len : 200, e, 4);
    for (size_t i = 0; i < n && i < 4; i++) check_str(e[i].name, 4096);
    vg_gazetteer_country(gaz, s.len >= 3 ? sent : "SRB", e);
    vg_buf_free(&s);
    return 0;
}
