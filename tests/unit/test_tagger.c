/* test_tagger.c -- part-of-speech tagger: model loading and rejection,
 * tags on news sentences, all-caps input, concurrent use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "embedded.h"
#include "tagger.h"
#include "util.h"

#define MAXW 64

/* Splits s at spaces and tags it with t; returns the word count. */
static size_t tag_words(const vg_tagger *t, const char *s, char words[MAXW][64],
                        unsigned char *tags)
{
    const char *w[MAXW];
    size_t lens[MAXW], n = 0;
    for (const char *p = s; *p && n < MAXW;) {
        while (*p == ' ') p++;
        size_t k = strcspn(p, " ");
        if (!k) break;
        memcpy(words[n], p, k);
        words[n][k] = '\0';
        w[n] = p;
        lens[n++] = k;
        p += k;
    }
    vg_tagger_tag(t, w, lens, n, tags);
    return n;
}

/* Tag of the word `word` in sentence s. */
static const char *tag_of(const char *s, const char *word)
{
    char words[MAXW][64];
    unsigned char tags[MAXW];
    size_t n = tag_words(vg_tagger_default(), s, words, tags);
    for (size_t i = 0; i < n; i++)
        if (strcmp(words[i], word) == 0) return vg_pos_name(tags[i]);
    return "(missing)";
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(vg_pos_name(VG_POS_NN), "NN");
    assert_string_equal(vg_pos_name(VG_POS_PRPS), "PRP$");
    assert_string_equal(vg_pos_name(VG_POS_COMMA), ",");
    assert_string_equal(vg_pos_name(VG_POS_COUNT), "?");
    assert_string_equal(vg_pos_name(-1), "?");
    for (int i = 0; i < VG_POS_COUNT; i++) assert_int_equal(vg_pos_from_name(vg_pos_name(i)), i);
    assert_int_equal(vg_pos_from_name("XX"), -1);
    assert_int_equal(VG_POS_COUNT, 32);
}

static void test_default(void **state)
{
    (void)state;
    vg_tagger *t = vg_tagger_default();
    assert_non_null(t);
    assert_ptr_equal(t, vg_tagger_default());
}

static void test_news(void **state)
{
    (void)state;
    const char *s1 = "Serbia attacked Kosovo police on Sunday .";
    assert_string_equal(tag_of(s1, "Serbia"), "NNP");
    assert_string_equal(tag_of(s1, "attacked"), "VBD");
    assert_string_equal(tag_of(s1, "Kosovo"), "NNP");
    assert_string_equal(tag_of(s1, "."), ".");
    const char *s2 = "The attack on the police patrol killed two officers";
    assert_string_equal(tag_of(s2, "attack"), "NN");
    assert_string_equal(tag_of(s2, "patrol"), "NN");
    assert_string_equal(tag_of(s2, "killed"), "VBD");
    const char *s3 = "NATO was given command of a battalion";
    assert_string_equal(tag_of(s3, "NATO"), "NNP");
    assert_string_equal(tag_of(s3, "was"), "VBD");
    assert_string_equal(tag_of(s3, "given"), "VBN");
    assert_string_equal(tag_of(s3, "command"), "NN");
    const char *s4 = "Kosovo's president met the Serbs' leaders in Pristina";
    assert_string_equal(tag_of(s4, "Kosovo's"), "NNP");
    assert_true(strncmp(tag_of(s4, "Serbs'"), "NNP", 3) == 0);  /* NNP or NNPS */
    assert_string_equal(tag_of(s4, "met"), "VBD");
    const char *s5 = "Russia has condemned the attack , officials said";
    assert_string_equal(tag_of(s5, "has"), "VBZ");
    assert_string_equal(tag_of(s5, "condemned"), "VBN");
    assert_string_equal(tag_of(s5, ","), ",");
    const char *s6 = "The government will meet rebel leaders next week";
    assert_string_equal(tag_of(s6, "will"), "MD");
    assert_string_equal(tag_of(s6, "meet"), "VB");
    /* typographic apostrophe, hyphen-split words */
    assert_string_equal(tag_of("Kosovo\xe2\x80\x99s police fired", "Kosovo\xe2\x80\x99s"), "NNP");
    assert_string_equal(tag_of("the pro Western government", "government"), "NN");
}

static void test_caps(void **state)
{
    (void)state;
    const char *s = "SERBIA ATTACKED KOSOVO POLICE ON SUNDAY";
    assert_string_equal(tag_of(s, "SERBIA"), "NNP");
    assert_string_equal(tag_of(s, "ATTACKED"), "VBD");
    assert_string_equal(tag_of(s, "ON"), "IN");
    assert_string_equal(tag_of("NATO WAS GIVEN COMMAND OF A BATTALION", "GIVEN"), "VBN");
    assert_string_equal(tag_of("THE UN CONDEMNED THE US STRIKES", "US"), "NNP");
}

static void test_edges(void **state)
{
    (void)state;
    vg_tagger *t = vg_tagger_default();
    unsigned char tags[4] = {255, 255, 255, 255};
    vg_tagger_tag(t, NULL, NULL, 0, tags);
    assert_int_equal(tags[0], 255);
    char big[2000];
    memset(big, 'a', sizeof big);
    big[1000] = '\xff';  /* invalid UTF-8 is just bytes to the tagger */
    const char *w[3] = {big, "", "\xe2\x80"};
    size_t lens[3] = {sizeof big, 0, 2};
    vg_tagger_tag(t, w, lens, 3, tags);
    for (int i = 0; i < 3; i++) assert_true(tags[i] < VG_POS_COUNT);
    const char *one[1] = {"Kosovo"};
    size_t one_len[1] = {6};
    vg_tagger_tag(t, one, one_len, 1, tags);
    assert_int_equal(tags[0], VG_POS_NNP);
}

/* The embedded model loads from a copy and tags exactly like the default. */
static void test_roundtrip(void **state)
{
    (void)state;
    size_t len;
    const char *data = vg_embedded_get("data/tagger.bin", &len);
    assert_non_null(data);
    assert_true(len <= 4u << 20);
    char err[200] = "";
    vg_tagger *t = vg_tagger_load(data, len, err, sizeof err);
    assert_non_null(t);
    const char *s = "Israeli troops shelled Gaza and militants fired rockets at Israel";
    char words[MAXW][64];
    unsigned char a[MAXW], b[MAXW];
    size_t n = tag_words(t, s, words, a);
    tag_words(vg_tagger_default(), s, words, b);
    assert_memory_equal(a, b, n);
    tag_words(t, s, words, b);
    assert_memory_equal(a, b, n);
    vg_tagger_free(t);
    vg_tagger_free(NULL);
}

/* A small model written by vg_tagger_write: "the" -> DT from the
 * dictionary, everything else VBZ from the bias feature. */
static void small_model(vg_buf *out)
{
    vg_tagger_tok tk, lk;
    const vg_tagger_tok *win[5] = {NULL, NULL, &tk, NULL, NULL};
    uint64_t f[VG_TAGGER_MAX_FEATS], lex = vg_tagger_lower_hash("dog", 3);
    vg_tagger_tok_init(NULL, &tk, "dog", 3, true, false);
    vg_tagger_tok_init(NULL, &lk, "the", 3, false, false);
    assert_true(vg_tagger_features(win, -1, -1, f) <= VG_TAGGER_MAX_FEATS);
    int8_t w[2 * VG_POS_COUNT] = {0};
    uint64_t keys[2] = {f[0], f[1]};  /* bias, word */
    w[VG_POS_VBZ] = 5;
    w[VG_POS_COUNT + VG_POS_NN] = 3;
    unsigned char dtag = VG_POS_DT;
    vg_tagger_parts p = {&lk.form, &dtag, 1, &lex, 1, keys, w, 2};
    vg_tagger_write(&p, out);
}

static void test_small_model(void **state)
{
    (void)state;
    vg_buf b = {0};
    small_model(&b);
    char err[200];
    vg_tagger *t = vg_tagger_load(b.s, b.len, err, sizeof err);
    assert_non_null(t);
    char words[MAXW][64];
    unsigned char tags[MAXW];
    assert_int_equal(tag_words(t, "the cat dog", words, tags), 3);
    assert_int_equal(tags[0], VG_POS_DT);
    assert_int_equal(tags[1], VG_POS_VBZ);
    assert_int_equal(tags[2], VG_POS_VBZ);  /* word feature 3 < bias 5 */
    vg_tagger_free(t);
    vg_buf_free(&b);
}

static void expect_reject(const void *data, size_t len, const char *why)
{
    char err[200] = "";
    vg_tagger *t = vg_tagger_load(data, len, err, sizeof err);
    if (t) fail_msg("accepted a bad model (%s)", why);
    assert_true(strncmp(err, "tagger model: ", 14) == 0);
}

/* The documented checksum, to build models that pass it but are broken. */
static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static void reseal(unsigned char *m, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 48;
    for (; i + 8 <= len; i += 8) h = (h ^ rd64(m + i)) * 0x100000001b3ULL, h ^= h >> 29;
    for (; i < len; i++) h = (h ^ m[i]) * 0x100000001b3ULL;
    h ^= h >> 33, h *= 0xff51afd7ed558ccdULL, h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL, h ^= h >> 33;
    for (int k = 0; k < 8; k++) m[40 + k] = (unsigned char)(h >> (8 * k));
}

static void test_corrupt(void **state)
{
    (void)state;
    vg_buf b = {0};
    small_model(&b);
    unsigned char *m = (unsigned char *)b.s;
    size_t len = b.len;
    vg_tagger *ok = vg_tagger_load(m, len, NULL, 0);
    assert_non_null(ok);
    vg_tagger_free(ok);
    reseal(m, len);  /* the test's checksum agrees with the library's */
    ok = vg_tagger_load(m, len, NULL, 0);
    assert_non_null(ok);
    vg_tagger_free(ok);

    expect_reject(NULL, 0, "null");
    expect_reject(m, 0, "empty");
    expect_reject(m, 47, "short header");
    for (size_t cut = 48; cut < len; cut += 1 + cut / 7) expect_reject(m, cut, "truncated");
    unsigned char *c = vg_malloc(len + 8);
    memcpy(c, m, len);
    memset(c + len, 0, 8);
    expect_reject(c, len + 8, "trailing bytes");
    for (size_t pos = 0; pos < len; pos += 1 + pos / 5) {  /* every flipped byte is caught */
        memcpy(c, m, len);
        c[pos] ^= 0x5a;
        expect_reject(c, len, "flipped byte");
    }
    /* broken tables behind a valid checksum; the small model has 16-slot
     * tables and 2 entries: header 48, dict keys 128, lexicon 64, slots
     * 17 * 8, dict tags 16, entries 4, padding 4 */
    enum { LEX = 48 + 128, SLOTS = LEX + 64, ENTRIES = SLOTS + 136 + 16 };
    assert_int_equal(len, ENTRIES + 4 + 4);
    memcpy(c, m, len);
    c[8] = 9;
    expect_reject(c, len, "version");
    memcpy(c, m, len);
    c[20] = 3;  /* dict_cap not a power of two */
    reseal(c, len);
    expect_reject(c, len, "table size");
    memcpy(c, m, len);
    c[ENTRIES + 2] = 200;  /* tag of the second entry */
    reseal(c, len);
    expect_reject(c, len, "entry tag");
    memcpy(c, m, len);
    c[SLOTS + 8 * 16 + 4] = 99;  /* end offset past the entries */
    reseal(c, len);
    expect_reject(c, len, "offset");
    memcpy(c, m, len);
    memset(c + LEX, 0xee, 64);  /* lexicon without a free slot */
    reseal(c, len);
    expect_reject(c, len, "full table");
    char tiny[4];
    vg_tagger *t = vg_tagger_load(m, 10, tiny, sizeof tiny);  /* short err buffer */
    assert_null(t);
    assert_int_equal(strlen(tiny), 3);
    free(c);
    vg_buf_free(&b);
}

/* The memo gives the tags the model gives: on news, all-capital text,
 * words longer than the memo holds, and after many words have pushed
 * earlier ones out. */
static void test_cached_same(void **state)
{
    (void)state;
    const vg_tagger *t = vg_tagger_default();
    assert_non_null(t);
    vg_tagger_cache *c = vg_tagger_cache_new(t);
    static const char *const sents[] = {
        "Serbian police attacked Kosovo protesters near the border on Sunday .",
        "SERBIAN POLICE ATTACKED KOSOVO PROTESTERS NEAR THE BORDER ON SUNDAY .",
        "The Antidisestablishmentarianism-supporting parliamentarians voted , reports said .",
        "They demanded that Russia withdraw its troops , but the minister refused .",
        "Kosovo 's prime minister Albin Kurti met U.S. envoy Gabriel Escobar in Pristina .",
    };
    for (int round = 0; round < 3; round++) {
        for (size_t k = 0; k < sizeof sents / sizeof *sents; k++) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", sents[k]);
            const char *w[64];
            size_t l[64], n = 0;
            for (char *sv = NULL, *p = strtok_r(buf, " ", &sv); p && n < 64; p = strtok_r(NULL, " ", &sv)) {
                w[n] = p;
                l[n++] = strlen(p);
            }
            unsigned char a[64], b[64];
            vg_tagger_tag(t, w, l, n, a);
            vg_tagger_tag_cached(t, c, w, l, n, b);
            assert_memory_equal(a, b, n);
        }
        /* many other words, more than the memo holds (16384 words):
         * its entries are evicted and reused */
        for (int i = 0; i < 40000; i++) {
            char word[16];
            snprintf(word, sizeof word, "w%dx", i * 7919);
            const char *w[3] = { "the", word, "said" };
            size_t l[3] = { 3, strlen(word), 4 };
            unsigned char a[3], b[3];
            vg_tagger_tag(t, w, l, 3, a);
            vg_tagger_tag_cached(t, c, w, l, 3, b);
            assert_memory_equal(a, b, 3);
        }
    }
    vg_tagger_cache_free(c);
}

static const char *const thread_sents[] = {
    "Serbia attacked Kosovo police on Sunday",
    "NATO was given command of a battalion",
    "The attack on the police patrol killed two officers",
    "ISRAELI TROOPS SHELLED GAZA ON MONDAY",
};

static void *tag_loop(void *arg)
{
    unsigned char *out = arg;
    char words[MAXW][64];
    for (int rep = 0; rep < 200; rep++)
        for (size_t s = 0; s < 4; s++) {
            unsigned char tags[MAXW];
            size_t n = tag_words(vg_tagger_default(), thread_sents[s], words, tags);
            if (rep == 0) memcpy(out + s * MAXW, tags, n);
            else if (memcmp(out + s * MAXW, tags, n) != 0) out[4 * MAXW] = 1;
        }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    unsigned char r[2][4 * MAXW + 1];
    memset(r, 0, sizeof r);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, tag_loop, r[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    assert_int_equal(r[0][4 * MAXW], 0);
    assert_int_equal(r[1][4 * MAXW], 0);
    assert_memory_equal(r[0], r[1], sizeof r[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_news),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_small_model),
        cmocka_unit_test(test_cached_same),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
