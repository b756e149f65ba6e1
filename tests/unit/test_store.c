/* test_store.c -- the event store on SQLite: article digests (ingest.h), date and place
 * compatibility, deduplication and exact counts, idempotency, replaced
 * articles, a locked database, export column counts, and the compressed
 * values of schema 5 (round trips, plain and packed rows mixed, damage,
 * the upgrade of a version-4 store, deterministic dictionaries). */
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

/* ---- compressed values (schema 5) ---- */

/* A varied, reproducible corpus: the sentence of article i and the
 * explanation of its mention k, shaped like the coder's. */
static unsigned next_rand(unsigned *r)
{
    *r = *r * 1103515245u + 12345u;
    return (*r >> 16) & 0x7fff;
}

static const char *const words[] = {
    "police", "said", "the", "government", "of", "Serbia", "Kosovo", "on", "Sunday", "in",
    "a", "statement", "troops", "attacked", "village", "near", "border", "minister", "met",
    "with", "officials", "talks", "were", "held", "after", "clashes", "killed", "two",
    "protesters", "demanded", "release", "prisoners", "president", "accused", "rebels",
    "ceasefire", "agreement", "signed", "capital", "forces", "fired", "at", "crowd",
    "United", "Nations", "envoy", "visited", "Belgrade", "Pristina", "and", "urged",
    "restraint", "army", "shelled", "positions", "opposition", "leaders", "rejected",
    "plan", "to", "negotiate", "aid", "convoy", "arrived"
};
#define NWORDS (sizeof words / sizeof *words)

static void gen_text(unsigned i, char *out, size_t n)
{
    unsigned r = i * 2654435761u + 7;
    size_t len = 0;
    int nw = 12 + (int)(next_rand(&r) % 14);
    for (int w = 0; w < nw && len + 16 < n; w++)
        len += (size_t)snprintf(out + len, n - len, "%s%s", w ? " " : "",
                                words[next_rand(&r) % NWORDS]);
    snprintf(out + len, n - len, " (%u).", i);
}

static void gen_matched(unsigned i, int k, char *out, size_t n)
{
    unsigned r = i * 40503u + (unsigned)k * 977u + 1;
    snprintf(out, n,
             "{\"verb\":{\"text\":\"%s\",\"entry\":\"%s\",\"file\":\"verbs-%02u.txt\",\"line\":%u},"
             "\"pattern\":null,\"source\":{\"text\":\"%s\",\"entry\":\"%s_\",\"file\":"
             "\"actors-countries.txt\",\"line\":%u},\"target\":{\"text\":\"%s\",\"entry\":"
             "\"%s_\",\"file\":\"agents.txt\",\"line\":%u},\"model\":{\"decision\":\"kept\","
             "\"p_event\":0.%03u,\"features\":[[\"w=%s\",0.%03u],[\"b=%s\",0.%03u]]}}",
             words[next_rand(&r) % NWORDS], words[next_rand(&r) % NWORDS],
             next_rand(&r) % 20, next_rand(&r) % 4000, words[next_rand(&r) % NWORDS],
             words[next_rand(&r) % NWORDS], next_rand(&r) % 4000, words[next_rand(&r) % NWORDS],
             words[next_rand(&r) % NWORDS], next_rand(&r) % 2000, next_rand(&r) % 1000,
             words[next_rand(&r) % NWORDS], next_rand(&r) % 1000, words[next_rand(&r) % NWORDS],
             next_rand(&r) % 1000);
}

/* Adds article i of the corpus (one sentence, two mentions); false when
 * the store refuses it. */
static bool add_corpus_article(vg_store *st, unsigned i)
{
    static const char *const actors[] = { "SRB", "KSV", "SRBCOP", "KSVGOV", "USA", "RUS" };
    char id[32], hash[33], text[400], mt[2][700];
    snprintf(id, sizeof id, "t-%05u", i);
    snprintf(hash, sizeof hash, "h%u", i);
    gen_text(i, text, sizeof text);
    vg_mention m[2];
    for (int k = 0; k < 2; k++) {
        m[k] = mention(actors[i % 6], actors[(i + 1 + (unsigned)k) % 6], k ? "042" : "190",
                       20230101 + (int32_t)(i % 28), VG_DATE_DAY, actor_country("SRB"));
        gen_matched(i, k, mt[k], sizeof mt[k]);
        m[k].matched = mt[k];
    }
    vg_store_sentence sent = { 0, text };
    vg_article a = article(id, "AFP", 20230129, hash, m, 2);
    a.sent = &sent;
    return vg_store_add(st, &a);
}

/* Adds articles from..to-1. */
static void add_corpus(vg_store *st, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++) assert_true(add_corpus_article(st, i));
    assert_true(vg_store_flush(st));
}

/* Every stored explanation and sentence, read through the store, is the
 * one written; counts the rows seen into *n. */
typedef struct seen {
    long n, bad;
} seen;

static bool check_row(void *ctx, int nc, const char *const *v)
{
    seen *s = ctx;
    unsigned i;
    char want[700];
    s->n++;
    if (nc != 4 || !v[0] || sscanf(v[0], "t-%u", &i) != 1 || !v[1] || !v[2] || !v[3]) {
        s->bad++;
        return true;
    }
    gen_matched(i, atoi(v[1]), want, sizeof want);
    if (strcmp(want, v[2])) s->bad++;
    gen_text(i, want, sizeof want);
    if (strcmp(want, v[3])) s->bad++;
    return true;
}

static long check_corpus(vg_store *st)
{
    seen s = { 0, 0 };
    assert_true(vg_store_query(st, "SELECT m.article_id, m.event_no, m.matched, s.text "
                                   "FROM mentions m JOIN sentences s ON s.article_id = "
                                   "m.article_id AND s.sentence_no = m.sentence_no",
                               NULL, 0, check_row, &s));
    assert_int_equal(s.bad, 0);
    return s.n;
}

/* Raw SQL on the store's file, bypassing Vigil: the first column of the
 * first row as text (static buffer), "" for none. */
static const char *raw(const char *path, const char *sql)
{
    static char out[4096];
    sqlite3 *db;
    sqlite3_stmt *s;
    out[0] = '\0';
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(s, 0));
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

static long raw_int(const char *path, const char *sql)
{
    return strtol(raw(path, sql), NULL, 10);
}

static bool count_rows(void *ctx, int nc, const char *const *v)
{
    (void)nc;
    (void)v;
    ++*(long *)ctx;
    return true;
}

/* Values are plain until a kind has 1,000; then a dictionary is trained,
 * the first values are packed with it, and so is everything after; all
 * read back as written, through the store and its readers. */
static void test_pack_round_trip(void **state)
{
    (void)state;
    vg_store *st = open_store(100);
    add_corpus(st, 0, 300);                   /* 300 sentences, 600 explanations */
    assert_int_equal(check_corpus(st), 600);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM zdict"), 0);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM mentions WHERE typeof(matched) "
                                     "!= 'text'"), 0);
    add_corpus(st, 300, 1200);
    assert_int_equal(check_corpus(st), 2400);
    assert_string_equal(raw(dbpath, "SELECT group_concat(kind, ',') FROM (SELECT kind FROM "
                                    "zdict ORDER BY kind)"), "matched,text");
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM mentions WHERE typeof(matched) = "
                                     "'blob'"), 2400);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM sentences WHERE typeof(text) = "
                                     "'blob'"), 1200);
    /* smaller: explanations of 400-500 bytes, sentences of about 100 */
    assert_true(raw_int(dbpath, "SELECT avg(length(matched)) FROM mentions") < 200);
    /* a reader in another connection, and the readers' own queries */
    vg_store_free(st);
    vg_store_opts ro = { 0, 0, true };
    st = vg_store_new(dbpath, &ro);
    assert_string_equal(vg_store_error(st), "");
    assert_int_equal(check_corpus(st), 2400);
    long rows = 0;
    assert_true(vg_store_read_mentions(st, 1, 1000, count_rows, &rows));
    assert_true(rows > 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vg_export_opts o = { .fmt = VG_EXPORT_CSV, .with_text = true };
    assert_true(vg_store_export(st, &o, f));
    fclose(f);
    char text[400];
    gen_text(0, text, sizeof text);             /* the first mention of the first event */
    assert_non_null(strstr(buf, text));
    free(buf);
    vg_store_free(st);
}

/* Damage is an error that says so, never a crash or a silent loss: a
 * truncated blob, a frame header claiming a huge size, a blob naming a
 * dictionary the store does not hold, and a store whose dictionaries are
 * gone. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void test_pack_damage(void **state)
{
    (void)state;
    char orig[96];
    snprintf(orig, sizeof orig, "%s.orig", dbpath);
    vg_store *st = open_store(200);
    add_corpus(st, 0, 1100);
    vg_store_free(st);                      /* the last connection: the log is checkpointed */
    copy_file(dbpath, orig);
    static const char *const damage[] = {
        "UPDATE mentions SET matched = substr(matched, 1, length(matched) - 4) WHERE id = 5",
        /* (|| makes text: CAST makes the blob) */
        "UPDATE mentions SET matched = CAST(substr(matched, 1, 1) || x'ff' AS BLOB) WHERE id = 5",
        "UPDATE mentions SET matched = x'01e0ffffffff0000' WHERE id = 5",
        "UPDATE mentions SET matched = CAST(x'00' || substr(matched, 2) AS BLOB) WHERE id = 5",
        "UPDATE mentions SET matched = x'' WHERE id = 5",
        "UPDATE mentions SET matched = CAST(x'09' || substr(matched, 2) AS BLOB) WHERE id = 5",
        "UPDATE mentions SET matched = substr(matched, 1, length(matched) / 2) WHERE id = 5",
        "DELETE FROM zdict",
    };
    static const char *const said[] = { "damaged", "damaged", "damaged", "damaged", "damaged",
                                         "dictionary 9", "damaged", "does not hold" };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        teardown(NULL);
        copy_file(orig, dbpath);
        sqlite3 *db;
        assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, damage[i], NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        for (int ro = 0; ro < 2; ro++) {
            vg_store_opts o = { 200, 200, ro };
            st = vg_store_new(dbpath, &o);
            assert_string_equal(vg_store_error(st), "");
            seen s = { 0, 0 };
            if (vg_store_query(st, "SELECT m.article_id, m.event_no, m.matched, s.text "
                                            "FROM mentions m JOIN sentences s ON s.article_id "
                                            "= m.article_id AND s.sentence_no = m.sentence_no "
                                            "ORDER BY m.id", NULL, 0, check_row, &s))
                fail_msg("damage %zu read without an error", i);
            assert_int_equal(s.bad, 0);
            if (!strstr(vg_store_error(st), said[i]))
                fail_msg("damage %zu: %s", i, vg_store_error(st));
            assert_non_null(strstr(vg_store_error(st), "matched"));
            /* the readers too: the export fails, saying why */
            FILE *f = fopen("/dev/null", "w");
            vg_export_opts eo = { .fmt = VG_EXPORT_CSV };
            assert_false(vg_store_export(st, &eo, f));
            fclose(f);
            assert_non_null(strstr(vg_store_error(st), said[i]));
            /* the other rows are all there */
            assert_int_equal(q1(st, "SELECT count(*) FROM mentions WHERE typeof(matched) = "
                                    "'blob'"), 2200);
            vg_store_free(st);
        }
    }
    unlink(orig);
}

/* A version-4 store (no zdict table; made here from a new one) with more
 * values than the largest sample: opened, it is upgraded without a row
 * rewritten; its rows read as before; the first batch trains on the first
 * 8,000 values of each kind and packs them, the rest stays plain, and
 * plain and packed rows read back alike. */
static void test_pack_upgrade_v4(void **state)
{
    (void)state;
    vg_store *st = open_store(10);
    vg_store_free(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE zdict; UPDATE meta SET value = '4' WHERE "
                                      "key = 'schema_version'", NULL, NULL, NULL), SQLITE_OK);
    /* version 4's rows, written as version 4 wrote them: text */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *sa, *ss, *sm;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO articles (id, date, source, text_hash, "
                                            "n_sentences, ingested_at) VALUES (?1, '2023-01-29', "
                                            "'AFP', ?2, 1, '2023-01-29T00:00:00Z')", -1, &sa,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sentences VALUES (?1, 0, ?2)", -1, &ss,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO mentions (event_id, article_id, "
                                            "sentence_no, event_no, source, target, code, date, "
                                            "date_precision, article_source, matched) VALUES "
                                            "(1, ?1, 0, ?2, 'SRB', 'KSV', '190', '2023-01-01', "
                                            "'day', 'AFP', ?3)", -1, &sm, NULL), SQLITE_OK);
    for (unsigned i = 0; i < 8200; i++) {
        char id[32], hash[33], text[400], mt[700];
        snprintf(id, sizeof id, "t-%05u", 90000 + i);
        snprintf(hash, sizeof hash, "h%u", 90000 + i);
        gen_text(90000 + i, text, sizeof text);
        sqlite3_bind_text(sa, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(sa, 2, hash, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(sa), SQLITE_DONE);
        sqlite3_reset(sa);
        sqlite3_bind_text(ss, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ss, 2, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ss), SQLITE_DONE);
        sqlite3_reset(ss);
        gen_matched(90000 + i, 0, mt, sizeof mt);
        sqlite3_bind_text(sm, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(sm, 2, 0);
        sqlite3_bind_text(sm, 3, mt, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(sm), SQLITE_DONE);
        sqlite3_reset(sm);
    }
    sqlite3_finalize(sa);
    sqlite3_finalize(ss);
    sqlite3_finalize(sm);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO events (id, date, date_precision, source, "
                                      "target, code, root, num_mentions, num_articles, "
                                      "num_sources, first_seen) VALUES (1, '2023-01-01', 'day', "
                                      "'SRB', 'KSV', '190', '19', 8200, 8200, 1, '2023-01-29'); "
                                      "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* a reader upgrades it and reads the old rows */
    vg_store_opts ro = { 0, 0, true };
    st = vg_store_new(dbpath, &ro);
    assert_string_equal(vg_store_error(st), "");
    assert_int_equal(check_corpus(st), 8200);
    vg_store_free(st);
    assert_string_equal(raw(dbpath, "SELECT value FROM meta WHERE key = 'schema_version'"), "5");
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM mentions WHERE typeof(matched) = "
                                     "'text'"), 8200);
    /* a writer's first batch trains and packs the samples */
    st = open_store(100);
    add_corpus(st, 0, 200);
    assert_int_equal(check_corpus(st), 8600);
    vg_store_free(st);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM zdict"), 2);
    /* the first 8,000 of the old rows (in key order) and the new ones packed */
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM mentions WHERE typeof(matched) = "
                                     "'blob'"), 8000 + 400);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM mentions WHERE typeof(matched) = "
                                     "'text'"), 200);
    assert_int_equal(raw_int(dbpath, "SELECT count(*) FROM sentences WHERE typeof(text) = "
                                     "'text'"), 200);
    st = vg_store_new(dbpath, &ro);
    assert_int_equal(check_corpus(st), 8600);
    vg_store_free(st);
}

static void remove_store(const char *path)
{
    char p[128];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* The rows of sql in stores a and b are the same, byte for byte (raw
 * SQL); their count. */
static long same_rows(const char *a, const char *b, const char *sql)
{
    sqlite3 *da, *db;
    sqlite3_stmt *sa, *sb;
    assert_int_equal(sqlite3_open(a, &da), SQLITE_OK);
    assert_int_equal(sqlite3_open(b, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(da, sql, -1, &sa, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &sb, NULL), SQLITE_OK);
    long n = 0;
    int ra, rb;
    while ((ra = sqlite3_step(sa)) == SQLITE_ROW && (rb = sqlite3_step(sb)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(sa); c++) {
            assert_int_equal(sqlite3_column_type(sa, c), sqlite3_column_type(sb, c));
            int n1 = sqlite3_column_bytes(sa, c), n2 = sqlite3_column_bytes(sb, c);
            assert_int_equal(n1, n2);
            if (n1) assert_memory_equal(sqlite3_column_blob(sa, c), sqlite3_column_blob(sb, c), n1);
        }
        n++;
    }
    assert_int_equal(ra, SQLITE_DONE);
    assert_int_equal(sqlite3_step(sb), SQLITE_DONE);
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    sqlite3_close(da);
    sqlite3_close(db);
    return n;
}

/* The same input makes the same dictionaries and the same packed values,
 * whatever the batches: two stores compared byte for byte.  A batch that
 * trained a dictionary and then failed leaves none behind. */
static void test_pack_deterministic(void **state)
{
    (void)state;
    char other[96];
    snprintf(other, sizeof other, "%s.b", dbpath);
    remove_store(other);
    vg_store *st = open_store(50);
    add_corpus(st, 0, 2100);
    vg_store_free(st);
    /* the other store: batches of 700 articles (1,400 mentions), the
     * first of which trains the explanations' dictionary at 1,000 and
     * then fails */
    vg_store_opts o = { 700, 200, false };
    st = vg_store_new(other, &o);
    vg_store_free(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON mentions WHEN "
                                      "(SELECT count(*) FROM mentions) >= 1300 BEGIN SELECT "
                                      "RAISE(ABORT, 'injected'); END", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    st = vg_store_new(other, &o);
    for (unsigned i = 0; i < 700; i++)
        if (!add_corpus_article(st, i)) break;
    assert_false(vg_store_flush(st));
    assert_non_null(strstr(vg_store_error(st), "injected"));
    vg_store_free(st);
    assert_int_equal(raw_int(other, "SELECT count(*) FROM zdict"), 0);
    assert_int_equal(raw_int(other, "SELECT count(*) FROM mentions"), 0);
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = vg_store_new(other, &o);
    add_corpus(st, 0, 2100);
    assert_int_equal(check_corpus(st), 4200);
    vg_store_free(st);
    assert_int_equal(same_rows(dbpath, other, "SELECT id, kind, dict FROM zdict ORDER BY id"), 2);
    assert_int_equal(same_rows(dbpath, other, "SELECT article_id, sentence_no, event_no, matched "
                                              "FROM mentions ORDER BY 1, 2, 3"), 4200);
    assert_int_equal(same_rows(dbpath, other, "SELECT article_id, sentence_no, text FROM "
                                              "sentences ORDER BY 1, 2"), 2100);
    remove_store(other);
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
        cmocka_unit_test_setup_teardown(test_pack_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_upgrade_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pack_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
