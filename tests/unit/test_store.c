/* test_store.c -- the event store on SQLite: article digests (ingest.h), date and place
 * compatibility, deduplication and exact counts, idempotency, replaced
 * articles, a locked database, and export column counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "ingest.h"
#include "sha256.h"
#include "store.h"

/* ---- helpers ---- */

static char dbpath[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/vigil-test-store-%d.db", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[80];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static vg_store *open_store(int batch)
{
    vg_store_opts o = { batch, 200, false };
    vg_store *st = vg_store_new(dbpath, &o);
    if (vg_store_error(st)[0]) fail_msg("open: %s", vg_store_error(st));
    return st;
}

static vg_place city(const char *name, const char *adm1, const char *ctry)
{
    vg_place p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.adm1, sizeof p.adm1, "%s", adm1);
    snprintf(p.country, sizeof p.country, "%s", ctry);
    snprintf(p.raw, sizeof p.raw, "%s", name);
    p.lat = 42.0;
    p.lon = 21.0;
    p.precision = VG_PLACE_CITY;
    return p;
}

static vg_place actor_country(const char *ctry)
{
    vg_place p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", ctry);
    snprintf(p.country, sizeof p.country, "%s", ctry);
    p.lat = p.lon = NAN;
    p.precision = VG_PLACE_COUNTRY;
    p.from_actor = true;
    return p;
}

static vg_mention mention(const char *src, const char *tgt, const char *code, int32_t date,
                          int prec, vg_place place)
{
    vg_mention m;
    memset(&m, 0, sizeof m);
    m.source = src;
    m.target = tgt;
    m.code = code;
    m.date = date;
    m.date_prec = prec;
    m.place = place;
    m.matched = "{}";
    m.confidence = NAN;
    return m;
}

static vg_article article(const char *id, const char *source, int32_t date, const char *hash,
                          vg_mention *m, size_t nm)
{
    static vg_store_sentence s = { 0, "A sentence." };
    vg_article a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.source = source;
    a.date = date;
    snprintf(a.hash, sizeof a.hash, "%s", hash);
    a.n_sentences = 1;
    a.sent = &s;
    a.nsent = 1;
    a.ment = m;
    a.nment = nm;
    for (size_t i = 0; i < nm; i++) m[i].event_no = (int32_t)i;
    return a;
}

/* The first column of the first row, as an integer (-1 if none). */
static bool first_int(void *ctx, int nc, const char *const *v)
{
    *(long *)ctx = nc && v[0] ? strtol(v[0], NULL, 10) : -1;
    return false;
}

static long q1(vg_store *st, const char *sql)
{
    long v = -1;
    assert_true(vg_store_query(st, sql, NULL, 0, first_int, &v));
    return v;
}

/* ---- tests ---- */

static void test_sha256(void **state)
{
    (void)state;
    unsigned char d[32];
    char hex[65];
    vg_sha256("abc", 3, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    vg_sha256("", 0, d);
    assert_int_equal(d[0], 0xe3);
    assert_int_equal(d[31], 0x55);
    char big[200];
    memset(big, 'a', sizeof big);
    vg_sha256(big, sizeof big, d);   /* crosses block boundaries */
    vg_record r;
    memset(&r, 0, sizeof r);
    char h1[33], h2[33];
    vg_buf_puts(&r.text, "Serbia accused Kosovo.");
    vg_article_hash(&r, h1);
    assert_int_equal(strlen(h1), 32);
    vg_buf_puts(&r.date_text, "2023-09-29");
    vg_article_hash(&r, h2);
    assert_string_not_equal(h1, h2);
    vg_record_free(&r);
}

static void test_dates(void **state)
{
    (void)state;
    enum { D = VG_DATE_DAY, A = VG_DATE_NONE, W = VG_DATE_WEEK, M = VG_DATE_MONTH };
    assert_true(vg_store_dates_compatible(20230924, D, 20230924, D));
    assert_false(vg_store_dates_compatible(20230924, D, 20230925, D));
    assert_true(vg_store_dates_compatible(20230924, D, 20230925, A));     /* inexact: a day apart */
    assert_false(vg_store_dates_compatible(20230924, D, 20230926, A));
    assert_true(vg_store_dates_compatible(20230930, A, 20231001, A));     /* across a month end */
    assert_true(vg_store_dates_compatible(20230925, W, 20231001, D));     /* in the week */
    assert_true(vg_store_dates_compatible(20230925, W, 20231002, D));     /* a day after it */
    assert_false(vg_store_dates_compatible(20230925, W, 20231003, D));
    assert_true(vg_store_dates_compatible(20230901, M, 20230901, M));
    assert_false(vg_store_dates_compatible(20230901, M, 20230901, D));    /* vague vs exact */
    assert_string_equal(vg_date_prec_name(A), "article");
    assert_int_equal(vg_date_prec_parse("week"), W);
}

static void test_places(void **state)
{
    (void)state;
    vg_place none;
    memset(&none, 0, sizeof none);
    vg_place mit = city("Mitrovicë", "Mitrovica", "KSV"), prist = city("Pristina", "Pristina", "KSV");
    vg_place srb = actor_country("SRB"), ksv = mit;
    ksv.precision = VG_PLACE_COUNTRY;
    snprintf(ksv.name, sizeof ksv.name, "Kosovo");
    vg_place region = mit;
    region.precision = VG_PLACE_REGION;
    snprintf(region.name, sizeof region.name, "Mitrovica");
    vg_place raw = none;
    raw.precision = VG_PLACE_UNRESOLVED;
    snprintf(raw.name, sizeof raw.name, "Banjska");
    vg_place bel = city("Brussels", "Brussels Capital", "BEL");
    assert_true(vg_store_places_compatible(&mit, &mit));
    assert_false(vg_store_places_compatible(&mit, &prist));
    assert_true(vg_store_places_compatible(&mit, &none));
    assert_true(vg_store_places_compatible(&mit, &srb));     /* actor country: not from the text */
    assert_true(vg_store_places_compatible(&mit, &ksv));     /* the city is in the country */
    assert_true(vg_store_places_compatible(&region, &mit));  /* and in the region */
    assert_false(vg_store_places_compatible(&region, &prist));
    assert_true(vg_store_places_compatible(&raw, &mit));     /* unresolved: cannot tell */
    assert_false(vg_store_places_compatible(&mit, &bel));
    assert_false(vg_store_place_in_text(&srb));
    assert_true(vg_store_place_in_text(&raw));
}

/* Two outlets report the same attack, a third a different one, and a
 * follow-up repeats the first: one event with exact counts. */
static void test_dedup_counts(void **state)
{
    (void)state;
    vg_store *st = open_store(2);       /* small batches: dedup across transactions */
    vg_place mit = city("Mitrovicë", "Mitrovica", "KSV");
    vg_place prist = city("Pristina", "Pristina", "KSV");
    vg_mention m1[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, mit),
                        mention("KSV", "SRB", "112", 20230929, VG_DATE_NONE, actor_country("KSV")) };
    vg_mention m2[] = { mention("SRBCOP", "KSVCOP", "193", 20230924, VG_DATE_DAY, actor_country("SRB")) };
    vg_mention m3[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, prist) };
    vg_mention m4[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, mit),
                        mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, mit) };
    vg_article a[] = { article("afp-1", "AFP", 20230929, "h1", m1, 2),
                       article("rtr-1", "Reuters", 20230929, "h2", m2, 1),
                       article("ap-1", "AP", 20230930, "h3", m3, 1),
                       article("afp-2", "AFP", 20231001, "h4", m4, 2) };
    for (size_t i = 0; i < 4; i++) assert_true(vg_store_add(st, &a[i]));
    assert_true(vg_store_flush(st));
    assert_int_equal(q1(st, "SELECT count(*) FROM events"), 3);
    assert_int_equal(q1(st, "SELECT count(*) FROM mentions"), 6);
    /* afp-1, rtr-1 and afp-2 (twice): 4 mentions, 3 articles, 2 sources */
    assert_int_equal(q1(st, "SELECT num_mentions * 100 + num_articles * 10 + num_sources "
                            "FROM events WHERE code = '190' AND place_name = 'Mitrovicë'"), 432);
    assert_int_equal(q1(st, "SELECT count(*) FROM events WHERE place_name = 'Pristina'"), 1);
    assert_int_equal(q1(st, "SELECT count(*) FROM events WHERE first_seen = '2023-09-29' "
                            "AND root = '19' AND place_name = 'Mitrovicë'"), 1);
    /* nothing changes when the same articles come again */
    vg_store_stats s;
    for (size_t i = 0; i < 4; i++) assert_true(vg_store_add(st, &a[i]));
    assert_true(vg_store_flush(st));
    vg_store_get_stats(st, &s);
    assert_int_equal(s.unchanged, 4);
    assert_int_equal(q1(st, "SELECT sum(num_mentions) FROM events"), 6);
    vg_store_free(st);
}

/* A changed article replaces its mentions; events are recomputed or
 * removed. */
static void test_replace(void **state)
{
    (void)state;
    vg_store *st = open_store(10);
    vg_place mit = city("Mitrovicë", "Mitrovica", "KSV");
    vg_mention m1[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, actor_country("SRB")) };
    vg_mention m2[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, mit) };
    vg_mention m1b[] = { mention("RUS", "UKR", "042", 20231001, VG_DATE_DAY, actor_country("RUS")) };
    vg_article a1 = article("a1", "AFP", 20230929, "v1", m1, 1);
    vg_article a2 = article("a2", NULL, 20230929, "v1", m2, 1);
    assert_true(vg_store_add(st, &a1));
    assert_true(vg_store_add(st, &a2));
    assert_true(vg_store_flush(st));
    assert_int_equal(q1(st, "SELECT count(*) FROM events"), 1);
    assert_int_equal(q1(st, "SELECT num_sources FROM events"), 2);   /* AFP and unknown */
    /* the event's place is the first place from the text */
    assert_int_equal(q1(st, "SELECT count(*) FROM events WHERE place_name = 'Mitrovicë'"), 1);
    vg_article a1b = article("a1", "AFP", 20230929, "v2", m1b, 1);
    assert_true(vg_store_add(st, &a1b));
    assert_true(vg_store_flush(st));
    assert_int_equal(q1(st, "SELECT count(*) FROM events"), 2);
    assert_int_equal(q1(st, "SELECT num_mentions * 10 + num_sources FROM events "
                            "WHERE source = 'SRBCOP'"), 11);
    assert_int_equal(q1(st, "SELECT count(*) FROM mentions WHERE article_id = 'a1'"), 1);
    vg_mention none[1];
    vg_article a2b = article("a2", NULL, 20230929, "v3", none, 0);
    assert_true(vg_store_add(st, &a2b));
    assert_true(vg_store_flush(st));
    assert_int_equal(q1(st, "SELECT count(*) FROM events WHERE source = 'SRBCOP'"), 0);
    vg_store_free(st);
}

/* Another connection holds the write lock: the batch fails cleanly, the
 * store keeps its committed state. */
static void test_locked(void **state)
{
    (void)state;
    vg_store *st = open_store(10);
    vg_mention m[] = { mention("SRB", "KSV", "112", 20230929, VG_DATE_NONE, actor_country("SRB")) };
    vg_article a = article("x1", "AFP", 20230929, "h", m, 1);
    assert_true(vg_store_add(st, &a));
    assert_true(vg_store_flush(st));
    sqlite3 *other;
    assert_int_equal(sqlite3_open(dbpath, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    vg_article b = article("x2", "AFP", 20230929, "h", m, 1);
    assert_true(vg_store_add(st, &b));
    assert_false(vg_store_flush(st));
    assert_non_null(strstr(vg_store_error(st), "lock"));
    assert_false(vg_store_add(st, &b));             /* a failed store stays failed */
    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(other);
    vg_store_free(st);
    st = open_store(10);
    assert_int_equal(q1(st, "SELECT count(*) FROM articles"), 1);
    assert_int_equal(q1(st, "SELECT num_mentions FROM events"), 1);
    vg_store_free(st);
}

static void test_export(void **state)
{
    (void)state;
    vg_store *st = open_store(10);
    vg_place mit = city("Mitrovicë", "Mitrovica", "KSV");
    vg_mention m[] = { mention("SRBCOP", "KSVCOP", "190", 20230924, VG_DATE_DAY, mit),
                       mention("IGOWSTNAT", "SRB", "112", 20230924, VG_DATE_DAY, actor_country("SRB")) };
    m[0].method = "both";
    m[0].confidence = 0.75;
    m[0].issues = "[{\"code\":\"CEASEFIRE\",\"count\":2},{\"code\":\"HOSTAGES\",\"count\":1}]";
    m[1].method = "dictionary";
    m[1].issues = "[]";
    vg_article a = article("a,1", "AFP", 20230929, "h", m, 2);
    a.title = "Title with \"quotes\", commas\tand tabs";
    assert_true(vg_store_add(st, &a));
    assert_true(vg_store_flush(st));
    assert_int_equal(vg_export_ncols(VG_EXPORT_PHOENIX), 26);
    assert_int_equal(vg_export_ncols(VG_EXPORT_GDELT), 61);
    assert_int_equal(vg_export_ncols(VG_EXPORT_ICEWS), 20);
    static const vg_export_fmt fmts[] = { VG_EXPORT_PHOENIX, VG_EXPORT_GDELT, VG_EXPORT_ICEWS };
    for (size_t k = 0; k < 3; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        vg_export_opts o = { .fmt = fmts[k] };
        assert_true(vg_store_export(st, &o, f));
        fclose(f);
        int tabs = 0, lines = 0;
        for (size_t i = 0; i < len; i++) {
            if (buf[i] == '\t') tabs++;
            if (buf[i] == '\n') {
                assert_int_equal(tabs, vg_export_ncols(fmts[k]) - 1);
                tabs = 0;
                lines++;
            }
        }
        assert_int_equal(lines, 3);
        if (fmts[k] == VG_EXPORT_PHOENIX) assert_non_null(strstr(buf, "\tCEASEFIRE,2;HOSTAGES,1\t"));
        free(buf);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vg_export_opts o = { .fmt = VG_EXPORT_CSV, .dyad_source = "SRB", .dyad_target = "KSV" };
    assert_true(vg_store_export(st, &o, f));
    fclose(f);
    assert_non_null(strstr(buf, "\"a,1\""));
    assert_non_null(strstr(buf, "\"Title with \"\"quotes\"\", commas\tand tabs\",both,0.750,"
                                "\"CEASEFIRE,2;HOSTAGES,1\"\r\n"));
    assert_null(strstr(buf, "IGOWSTNAT"));
    free(buf);
    vg_store_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_places),
        cmocka_unit_test_setup_teardown(test_dedup_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
