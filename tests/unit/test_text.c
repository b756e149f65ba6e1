/* Unit tests for the text layer: repair, folding, tokens, sentences. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

static void fold_is(const char *in, const char *want)
{
    vg_buf b = {0};
    vg_text_fold(in, strlen(in), &b);
    assert_string_equal(b.s ? b.s : "", want);
    vg_buf_free(&b);
}

static void test_fold(void **st)
{
    (void)st;
    fold_is("Vučić", "VUCIC");
    fold_is("Đukanović", "DUKANOVIC");
    fold_is("Priština", "PRISTINA");
    fold_is("Kosovo’s", "KOSOVO'S");
    fold_is("Straße", "STRASSE");
    fold_is("Łódź", "LODZ");
}

static void test_repair(void **st)
{
    (void)st;
    vg_buf b = {0};
    const char in[] = "ok \xff\xfe bad \xc3\x28 \xe2\x82 end\x01";
    size_t bad = vg_utf8_repair(in, sizeof in - 1, &b);
    assert_true(bad >= 5);
    for (size_t i = 0; i < b.len; i++) assert_true((unsigned char)b.s[i] >= 0x20 || b.s[i] == '\n');
    vg_buf_free(&b);
}

static const char *tok(const vg_tokens *t, size_t i) { return vg_tok_norm(t, i); }

static void test_tokens(void **st)
{
    (void)st;
    vg_tokens t = {0};
    const char *s = "The U.S.-led force, Kosovo's police and al-Assad's men paid 1,500 dollars (3.5 each).";
    vg_tokens_clear(&t);
    vg_text_tokenize(s, strlen(s), &t);
    const char *want[] = { "THE", "U.S.", "LED", "FORCE", ",", "KOSOVO'S", "POLICE", "AND",
                           "AL", "ASSAD'S", "MEN", "PAID", "1500", "DOLLARS", "(", "3.5",
                           "EACH", ")" };
    assert_int_equal(t.t.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < t.t.n; i++) assert_string_equal(tok(&t, i), want[i]);
    assert_int_equal(t.t.v[4].kind, VG_TK_COMMA);
    assert_int_equal(t.t.v[12].kind, VG_TK_NUM);
    assert_int_equal(t.t.v[14].kind, VG_TK_PUNCT);
    assert_true(t.t.v[5].flags & VG_TF_CAP);
    /* offsets point back at the text as written */
    assert_memory_equal(s + t.t.v[5].off, "Kosovo's", 8);
    vg_tokens_free(&t);
}

static void test_quotes_and_long_words(void **st)
{
    (void)st;
    vg_tokens t = {0};
    char s[200];
    memset(s, 'a', 150);
    strcpy(s + 150, " said \u201cvery sophisticated\u201d");
    vg_tokens_clear(&t);
    vg_text_tokenize(s, strlen(s), &t);
    assert_int_equal(t.t.v[0].nlen, VG_MAX_WORD);
    assert_true(t.t.v[0].flags & VG_TF_SPLIT);
    size_t q = 0;
    for (size_t i = 0; i < t.t.n; i++) q += t.t.v[i].kind == VG_TK_QUOTE;
    assert_int_equal(q, 2);
    vg_tokens_free(&t);
}

static void split_is(const char *s, size_t n)
{
    vg_spans sp = {0};
    vg_text_split_sentences(s, strlen(s), &sp);
    assert_int_equal(sp.n, n);
    vg_vec_free(&sp);
}

static void test_sentences(void **st)
{
    (void)st;
    split_is("Gen. Smith met U.S. officials on Jan. 5. They agreed.", 2);
    split_is("The rate was 3.5 percent. Prices rose.", 2);
    split_is("John F. Kennedy spoke. \"We will go,\" he said. Then he left.", 3);
    split_is("\"It doesn't look like a bunch of people just got together.\" Kirby said so.", 2);
    split_is("Headline without a stop\n\nFirst sentence of the body.", 2);
    split_is("The U.S. Secretary of State spoke.", 1);
    split_is("", 0);
    /* a headline and its sub-headline are two sentences, not one */
    split_is("Serbia raises army alert\nKosovo accuses Belgrade of backing the attack\n\n"
             "Serbia put its army on alert on Friday.", 3);
    split_is("NATO is increasing its presence in Kosovo\nUS concerned about Serbian troops\n", 2);
    /* a wrapped line is not a headline: it ends on a word that needs more,
     * starts in mid-sentence, or the next line goes on in lower case */
    split_is("The attack was condemned by\nEU officials on Monday.", 1);
    split_is("Serbia said on Friday. Its troops would leave the\nBorder area soon.", 2);
    split_is("Serbian officials said troops\nwould leave the border.", 1);
}

static void test_linear(void **st)
{
    (void)st;
    size_t n = 4 << 20;
    char *s = vg_malloc(n + 1);
    for (size_t i = 0; i < n; i++) s[i] = "ab. "[i % 4];
    s[n] = 0;
    vg_spans sp = {0};
    vg_text_split_sentences(s, n, &sp);
    vg_tokens t = {0};
    vg_tokens_clear(&t);
    vg_text_tokenize(s, n, &t);
    assert_true(t.t.n > 0);
    vg_vec_free(&sp);
    vg_tokens_free(&t);
    free(s);
}

static size_t dl(const char *s) { return vg_text_dateline_len(s, strlen(s)); }

static void test_datelines(void **st)
{
    (void)st;
    assert_int_equal(dl("GAZA CITY, Palestinian Territories: Talks resumed on Monday."), 35);
    assert_int_equal(dl("KYIV, Nov 26 (Reuters) - Russia attacked."), 24);
    assert_int_equal(dl("PRISTINA (AP) \xe2\x80\x94 Police said."), 17);
    assert_int_equal(dl("NATO: Serbia must withdraw."), 0);
    assert_int_equal(dl("NATO increases in Kosovo: USA worried"), 0);
    assert_int_equal(dl("The USA, NATO said: fine."), 0);
    assert_int_equal(dl("US-Serbia talks, officials said - today"), 0);
    /* a run of spaces where a converter lost the dash */
    assert_int_equal(dl("QAMISHLI      At least 34 soldiers were killed."), 14);
    assert_int_equal(dl("Kobane, Syria     On Tuesday, militants attacked."), 18);
    /* ... and where it lost an apostrophe, or no dateline stands before it */
    assert_int_equal(dl("Syria   s war has killed thousands."), 0);
    assert_int_equal(dl("NATO   s chief said Serbia must withdraw."), 0);
    assert_int_equal(dl("Serbia, Kosovo: talks failed."), 0);
    assert_int_equal(dl("The coalition   s jets struck Raqqa."), 0);
    assert_int_equal(dl("More than 25 fighters were killed in Saturday   s attack."), 0);
}

/* Dictionary text in older encodings: valid UTF-8 is kept, every other
 * byte is read as Windows-1252. */
static void test_legacy_repair(void **st)
{
    (void)st;
    vg_buf b = {0};
    assert_int_equal(vg_utf8_from_legacy("Vu\xc4\x8di\xc4\x87", 8, &b), 0);
    assert_string_equal(b.s, "Vu\xc4\x8di\xc4\x87");
    vg_buf_clear(&b);
    /* Latin-1 letters, a stray lead byte, cp1252 quotes, a lone continuation */
    const char *in = "M\xdcLLER WERE\xc2 \x93x\x94 \x80\x81 \xbf";
    assert_int_equal(vg_utf8_from_legacy(in, strlen(in), &b), 7);
    assert_string_equal(b.s, "M\xc3\x9cLLER WERE\xc3\x82 \xe2\x80\x9cx\xe2\x80\x9d "
                             "\xe2\x82\xac\xc2\x81 \xc2\xbf");
    assert_int_equal(vg_utf8_valid_len(b.s, b.len), b.len);
    assert_int_equal(vg_utf8_valid_len(in, strlen(in)), 1);
    /* overlong forms, surrogates and truncated sequences are not UTF-8 */
    vg_buf_clear(&b);
    const char *bad = "\xc0\xaf\xed\xa0\x80\xf0\x9f";
    assert_int_equal(vg_utf8_from_legacy(bad, strlen(bad), &b), 7);
    assert_int_equal(vg_utf8_valid_len(b.s, b.len), b.len);
    vg_buf_free(&b);
    /* folding the repaired word finds the UTF-8 spelling's key */
    vg_buf f1 = {0}, f2 = {0}, r = {0};
    vg_utf8_from_legacy("M\xfcller", 6, &r);
    vg_text_fold(r.s, r.len, &f1);
    vg_text_fold("M\xc3\xbcller", 7, &f2);
    assert_string_equal(f1.s, f2.s);
    vg_buf_free(&f1);
    vg_buf_free(&f2);
    vg_buf_free(&r);
}

/* JSON strings are always UTF-8: bytes outside a well-formed sequence
 * become U+FFFD, valid sequences pass, controls are escaped. */
static void test_json_strings(void **st)
{
    (void)st;
    vg_buf b = {0};
    const char *in = "caf\xe9 \xc3\xa9 \x01\"\xed\xa0\x80";
    vg_buf_json_strn(&b, in, strlen(in));
    assert_string_equal(b.s, "\"caf\xef\xbf\xbd \xc3\xa9 \\u0001\\\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
    vg_buf_clear(&b);
    vg_buf_json_strn(&b, "a\0b", 3);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.s, "\"a\\u0000b\"", 10);
    vg_buf_free(&b);
}

/* The eight-bytes-at-a-time run finds each stop byte at every position. */
static void test_ascii_run(void **st)
{
    (void)st;
    static const unsigned char stops[] = { 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, '"', '\\' };
    char s[24];
    for (size_t k = 0; k < sizeof stops; k++)
        for (size_t p = 0; p < sizeof s; p++) {
            for (size_t i = 0; i < sizeof s; i++) s[i] = (char)(i % 2 ? 0x20 : 0x7E);
            s[p] = (char)stops[k];
            bool json_stop = stops[k] == '"' || stops[k] == '\\';
            assert_int_equal(vg_ascii_run(s, sizeof s, '"', '\\'), p);
            assert_int_equal(vg_ascii_run(s, sizeof s, 0x7F, 0x7F), json_stop ? sizeof s : p);
            assert_int_equal(vg_ascii_run(s, p, 0x7F, 0x7F), p);
        }
    vg_buf b = {0};
    vg_buf_json_strn(&b, "a long run of plain text, \"quoted\", then a tab\there", 51);
    assert_string_equal(b.s, "\"a long run of plain text, \\\"quoted\\\", then a tab\\there\"");
    vg_buf_free(&b);
}

/* vg_buf_put_int and vg_buf_put_fixed write what printf writes: random
 * values (seeded, so a failure replays) and the edge cases. */
static void check_fixed(vg_buf *b, double x, int d)
{
    char want[512];
    snprintf(want, sizeof want, "%.*f", d, x);
    vg_buf_clear(b);
    vg_buf_put_fixed(b, x, d);
    if (strcmp(b->s, want)) fail_msg("%.17g with %d decimals: %s, printf %s", x, d, b->s, want);
}

static void test_number_writers(void **st)
{
    (void)st;
    vg_buf b = {0};
    const long ints[] = { 0, 7, -7, 10, 1999, -2147483648L, LONG_MAX, LONG_MIN };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        char want[32];
        snprintf(want, sizeof want, "%ld", ints[i]);
        vg_buf_clear(&b);
        vg_buf_put_int(&b, ints[i]);
        assert_string_equal(b.s, want);
    }
    /* exact ties (printf rounds them to even), signs, zeros, the limits */
    const double edge[] = { 0.0625, 0.1875, 0.5, 1.5, 2.5, 0.125, -0.04, -0.0, 0, 1, -10,
                            3.4, 0.9995, 0.0005, 999999.9999, 1e15, 1e20, -1e300 };
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        for (int d = 0; d <= 6; d++) check_fixed(&b, edge[i], d);
    check_fixed(&b, NAN, 3);
    check_fixed(&b, -INFINITY, 1);
    uint64_t seed = 20261206;
    for (int i = 0; i < 200000; i++) {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
        double u = (double)(seed >> 11) * 0x1.0p-53;
        check_fixed(&b, (float)u, 3);                   /* a confidence */
        check_fixed(&b, (u - 0.5) * 40, 1);             /* a Goldstein score */
        check_fixed(&b, (u - 0.5) * 2e6, (int)(seed % 7));
    }
    vg_buf_free(&b);
}

/* vg_buf and vg_vec keep their contents when they grow past the size from
 * which vg_grow moves them into huge-page blocks, and vg_read_file reads a
 * file of any size, an empty one, and a pipe exactly. */
static void test_growth_and_read_file(void **st)
{
    (void)st;
    vg_buf b = {0};
    for (uint32_t i = 0; i < 1000000; i++) vg_buf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1000000);
    for (uint32_t i = 0; i < 1000000; i += 4099) assert_int_equal(b.s[i], 'a' + i % 26);
    assert_int_equal(b.s[b.len], '\0');
    VG_VEC(uint32_t) v = {0};
    for (uint32_t i = 0; i < 300000; i++) vg_vec_push(&v, i * 7u);
    for (uint32_t i = 0; i < 300000; i++) assert_int_equal(v.v[i], i * 7u);
    vg_vec_free(&v);

    char path[] = "/tmp/vigil-test-readXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t sizes[] = { 0, 1, 65535, 65536, 65537, 3u << 20 };
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(b.s, 1, sizes[k] < b.len ? sizes[k] : b.len, f),
                         sizes[k] < b.len ? sizes[k] : b.len);
        for (size_t n = b.len; n < sizes[k]; n++) fputc('z', f);
        fclose(f);
        size_t len = 99;
        char *got = vg_read_file(path, &len);
        assert_non_null(got);
        assert_int_equal(len, sizes[k]);
        assert_int_equal(got[len], '\0');
        assert_memory_equal(got, b.s, len < b.len ? len : b.len);
        if (len > b.len) assert_int_equal(got[len - 1], 'z');
        free(got);
    }
    unlink(path);
    char cmd[64];
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "through a pipe", 14), 14);
    close(fds[1]);
    snprintf(cmd, sizeof cmd, "/proc/self/fd/%d", fds[0]);
    size_t len = 0;
    char *got = vg_read_file(cmd, &len);
    close(fds[0]);
    assert_non_null(got);
    assert_int_equal(len, 14);
    assert_string_equal(got, "through a pipe");
    free(got);
    vg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_run),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_repair),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_quotes_and_long_words),
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_linear),
        cmocka_unit_test(test_datelines),
        cmocka_unit_test(test_legacy_repair),
        cmocka_unit_test(test_json_strings),
        cmocka_unit_test(test_number_writers),
        cmocka_unit_test(test_growth_and_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
