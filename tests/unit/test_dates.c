/* test_dates.c -- calendar helpers (date.h) and time-expression resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "post.h"

static const vg_ymd FRI = { 2023, 9, 29 };   /* a Friday */

/* Resolves sent against art; checks the formatted date ("" = nothing found). */
static void check_at(vg_ymd art, const char *sent, const char *verb, const char *want)
{
    size_t voff = SIZE_MAX;
    if (verb) {
        const char *v = strstr(sent, verb);
        assert_non_null(v);
        voff = (size_t)(v - sent);
    }
    vg_ymd d;
    size_t span[2];
    bool ok = vg_date_expr_resolve(art, sent, strlen(sent), voff, &d, span);
    char got[16] = "";
    if (ok) vg_ymd_format(d, got, sizeof got);
    if (strcmp(got, want) != 0) fail_msg("\"%s\": got \"%s\", want \"%s\"", sent, got, want);
    if (!ok) assert_int_equal(vg_ymd_cmp(d, art), 0);
}

static void check(const char *sent, const char *want) { check_at(FRI, sent, NULL, want); }

static void test_calendar(void **state)
{
    (void)state;
    assert_true(vg_date_is_leap(2024));
    assert_false(vg_date_is_leap(2023));
    assert_false(vg_date_is_leap(1900));
    assert_true(vg_date_is_leap(2000));
    assert_int_equal(vg_date_days_in_month(2024, 2), 29);
    assert_int_equal(vg_date_days_in_month(2023, 2), 28);
    assert_int_equal(vg_date_days_in_month(2023, 13), 0);
    assert_int_equal(vg_ymd_weekday(FRI), 5);
    assert_int_equal(vg_ymd_weekday((vg_ymd){ 1970, 1, 1 }), 4);
    assert_int_equal(vg_ymd_weekday((vg_ymd){ 2000, 2, 29 }), 2);
    assert_int_equal(vg_ymd_days((vg_ymd){ 1970, 1, 1 }), 0);
    assert_int_equal(vg_ymd_days((vg_ymd){ 1969, 12, 31 }), -1);
    for (long d = -700000; d < 800000; d += 997) {
        vg_ymd x = vg_ymd_from_days(d);
        assert_true(vg_ymd_valid(x));
        assert_int_equal(vg_ymd_days(x), d);
    }
    vg_ymd a = vg_ymd_add_days((vg_ymd){ 2024, 2, 28 }, 1);
    assert_int_equal(a.m * 100 + a.d, 229);
    a = vg_ymd_add_days((vg_ymd){ 2023, 12, 31 }, 1);
    assert_int_equal(a.y * 10000 + a.m * 100 + a.d, 20240101);
    a = vg_ymd_add_days((vg_ymd){ 2024, 3, 1 }, -1);
    assert_int_equal(a.m * 100 + a.d, 229);
    a = vg_ymd_add_months((vg_ymd){ 2024, 1, 31 }, 1);
    assert_int_equal(a.m * 100 + a.d, 229);
    a = vg_ymd_add_months((vg_ymd){ 2023, 1, 15 }, -1);
    assert_int_equal(a.y * 100 + a.m, 202212);
    assert_true(vg_ymd_cmp((vg_ymd){ 2023, 9, 28 }, FRI) < 0);
    assert_true(vg_ymd_cmp((vg_ymd){ 2023, 0, 0 }, FRI) < 0);
    assert_int_equal(vg_ymd_cmp(FRI, FRI), 0);
}

static void test_parse_format(void **state)
{
    (void)state;
    vg_ymd d;
    char buf[16];
    assert_true(vg_ymd_parse("2023-09-29", 10, &d));
    assert_int_equal(vg_ymd_cmp(d, FRI), 0);
    assert_true(vg_ymd_parse(" 20230929\n", 10, &d));
    assert_int_equal(vg_ymd_cmp(d, FRI), 0);
    assert_true(vg_ymd_parse("230929", 6, &d));
    assert_int_equal(d.y, 2023);
    assert_true(vg_ymd_parse("300101", 6, &d));
    assert_int_equal(d.y, 2030);
    assert_true(vg_ymd_parse("310101", 6, &d));
    assert_int_equal(d.y, 1931);
    assert_true(vg_ymd_parse("000229", 6, &d));     /* 2000 was a leap year */
    assert_false(vg_ymd_parse("2023-02-29", 10, &d));
    assert_false(vg_ymd_parse("2023-13-01", 10, &d));
    assert_false(vg_ymd_parse("2023-9-29", 9, &d));
    assert_false(vg_ymd_parse("", 0, &d));
    assert_false(vg_ymd_parse("abcdefgh", 8, &d));
    vg_ymd_format(FRI, buf, sizeof buf);
    assert_string_equal(buf, "2023-09-29");
    vg_ymd_format((vg_ymd){ 2023, 8, 0 }, buf, sizeof buf);
    assert_string_equal(buf, "2023-08");
    vg_ymd_format((vg_ymd){ 2008, 0, 0 }, buf, sizeof buf);
    assert_string_equal(buf, "2008");
}

static void test_required(void **state)
{
    (void)state;
    check("Gunmen opened fire on police officers on Sunday.", "2023-09-24");
    check("Gunmen opened fire on police officers Sunday.", "2023-09-24");
    check("The worst violence occurred in northern Kosovo last weekend.", "2023-09-23");
    check("Serbia said yesterday that it would not withdraw.", "2023-09-28");
}

static void test_weekdays(void **state)
{
    (void)state;
    check("Police said last Sunday that ...", "2023-09-24");
    check("Troops withdrew on Thursday.", "2023-09-28");
    check("Troops withdrew on Friday.", "2023-09-29");          /* the article's day */
    check("Troops withdrew last Friday.", "2023-09-22");
    check("Troops withdrew on Saturday.", "2023-09-23");
    check("Sunday's attack killed four.", "2023-09-24");
    check("Sunday’s attack killed four.", "2023-09-24");
    check("Sundays attack killed four.", "");       /* neither the weekday nor its possessive */
    check("ON SUNDAY GUNMEN ATTACKED A PATROL", "2023-09-24");
    check("on sunday gunmen attacked a patrol", "2023-09-24");
    check("Talks will resume on Monday.", "2023-10-02");
    check("Talks resume next Sunday.", "2023-10-01");
    check("Talks will resume on Friday.", "2023-09-29");
    check("Late Tuesday night, a bomb exploded.", "2023-09-26");
    check("Gunmen attacked on Sunday, September 24, a patrol.", "2023-09-24");
}

static void test_not_dates(void **state)
{
    (void)state;
    check("The Sunday Times reported the attack.", "");
    check("He spoke on Bloody Sunday anniversary.", "");
    check("Leaders may meet soon.", "");
    check("Troops march into the city.", "");
    check("He was killed in 2,000 attacks.", "");
    check("The 5th Armored Division attacked.", "");
    check("", "");
}

static void test_relative(void **state)
{
    (void)state;
    check("It happened today.", "2023-09-29");
    check("Protests are planned tonight.", "2023-09-29");
    check("Shots were fired last night.", "2023-09-28");
    check("Shots were fired this morning.", "2023-09-29");
    check("He will travel tomorrow.", "2023-09-30");
    check("It happened the day before yesterday.", "2023-09-27");
    check("Three days ago, troops moved in.", "2023-09-26");
    check("Two weeks ago, troops moved in.", "2023-09-15");
    check("A week ago troops moved in.", "2023-09-22");
    check("Earlier this week, troops moved in.", "2023-09-25");
    check("Troops moved in last week.", "2023-09-18");
    check("Troops will move in next week.", "2023-10-02");
    check("Troops moved in last month.", "2023-08");
    check("Troops moved in this month.", "2023-09");
    check("Troops moved in three months ago.", "2023-06");
    check("Troops moved in last year.", "2022");
    check("Troops moved in two years ago.", "2021");
    check("Troops moved in over the weekend.", "2023-09-23");
    check("Talks will be held this weekend.", "2023-09-30");
    check("Talks will be held next weekend.", "2023-09-30");
}

static void test_explicit(void **state)
{
    (void)state;
    check("The attack on September 24 killed four.", "2023-09-24");
    check("The attack on Sept. 24 killed four.", "2023-09-24");
    check("The attack on Sep 24th killed four.", "2023-09-24");
    check("The attack on 24 September 2023 killed four.", "2023-09-24");
    check("The attack on the 24th of September killed four.", "2023-09-24");
    check("The attack on September 24, 2021, killed four.", "2021-09-24");
    check("On 11 December 2007 bombs exploded.", "2007-12-11");
    check("The attack on 2023-09-24 killed four.", "2023-09-24");
    check("The attack on the 24th killed four.", "2023-09-24");
    check("The attack on December 3 killed four.", "2022-12-03");   /* latest past one */
    check("Elections will be held on December 3.", "2023-12-03");
    check("The town fell in May.", "2023-05");
    check("The town fell in mid-September.", "2023-09");
    check("The town fell in November.", "2022-11");
    check("The town fell in March 2008.", "2008-03");
    check("The town fell in 2008.", "2008");
}

/* One expression for every word an expression can open with: the finder
 * only tries the matchers at such words, so a word left out of its list
 * would lose these. */
static void test_every_opening_word(void **state)
{
    (void)state;
    static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                         "Aug", "Sep", "Oct", "Nov", "Dec" };
    static const char *const month[12] = { "January", "February", "March", "April", "May",
        "June", "July", "August", "September", "October", "November", "December" };
    char sent[96], want[16];
    for (int k = 0; k < 12; k++) {
        int y = k + 1 > 9 ? 2022 : 2023;        /* the latest one not after the article */
        snprintf(sent, sizeof sent, "Troops moved in on %s 5.", mon[k]);
        snprintf(want, sizeof want, "%d-%02d-05", y, k + 1);
        check(sent, want);
        snprintf(sent, sizeof sent, "Troops moved in on %s 5.", month[k]);
        check(sent, want);
        snprintf(sent, sizeof sent, "Troops moved in %s 2008.", month[k]);
        snprintf(want, sizeof want, "2008-%02d", k + 1);
        check(sent, want);
    }
    check("Troops moved in on Sept 5.", "2023-09-05");
    static const char *const num[12] = { "One", "Two", "Three", "Four", "Five", "Six",
        "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve" };
    for (int k = 0; k < 12; k++) {
        snprintf(sent, sizeof sent, "%s days ago, troops moved in.", num[k]);
        snprintf(want, sizeof want, "2023-09-%02d", 28 - k);
        check(sent, want);
    }
    check("A day ago, troops moved in.", "2023-09-28");
    check("12 days ago, troops moved in.", "2023-09-17");
    static const char *const lead[] = { "in", "during", "since", "until", "by", "from",
        "throughout", "early", "late", "mid", "the summer of", NULL };
    for (int k = 0; lead[k]; k++) {
        snprintf(sent, sizeof sent, "Troops stayed there %s 2008.", lead[k]);
        check(sent, "2008");
    }
    check("Troops moved in the previous week.", "2023-09-18");
    check("Troops will move in the coming week.", "2023-10-02");
    check("Troops moved in the past Monday.", "2023-09-25");
    check("Troops moved in Monday.", "2023-09-25");
    check("Monday's attack killed four.", "2023-09-25");
    check("Troops will move in later this week.", "2023-09-25");
    check("It happened yesterday.", "2023-09-28");
}

static void test_boundaries(void **state)
{
    (void)state;
    vg_ymd jan1 = { 2024, 1, 1 };     /* a Monday */
    check_at(jan1, "It happened yesterday.", NULL, "2023-12-31");
    check_at(jan1, "It happened last month.", NULL, "2023-12");
    check_at(jan1, "It happened last year.", NULL, "2023");
    check_at(jan1, "It happened on Sunday.", NULL, "2023-12-31");
    check_at(jan1, "It happened on December 30.", NULL, "2023-12-30");
    check_at(jan1, "It happened on the 30th.", NULL, "2023-12-30");
    vg_ymd mar1 = { 2024, 3, 1 };
    check_at(mar1, "It happened yesterday.", NULL, "2024-02-29");
    check_at(mar1, "It happened on February 29.", NULL, "2024-02-29");
    vg_ymd mar1b = { 2023, 3, 1 };
    check_at(mar1b, "It happened yesterday.", NULL, "2023-02-28");
    check_at(mar1b, "It happened on February 29.", NULL, "");       /* no such day */
}

static void test_nearest_verb(void **state)
{
    (void)state;
    const char *s = "Police said on Monday that gunmen killed three people on Saturday.";
    check_at(FRI, s, "killed", "2023-09-23");
    check_at(FRI, s, "said", "2023-09-25");
    check_at(FRI, s, NULL, "2023-09-25");                          /* first one */
    check_at(FRI, "Troops withdrew on Sunday; talks resume on Tuesday, officials said.",
             "withdrew", "2023-09-24");
}

static void test_span_and_find(void **state)
{
    (void)state;
    const char *s = "Gunmen attacked a patrol last Sunday night.";
    vg_date_expr e;
    assert_true(vg_date_expr_find(FRI, s, strlen(s), SIZE_MAX, &e));
    assert_int_equal(e.precision, VG_DATE_DAY);
    assert_true(e.relative);
    assert_false(e.future);
    assert_int_equal(e.span[0], strstr(s, "last") - s);
    assert_int_equal(e.span[1], strstr(s, ".") - s);
    s = "Talks resume next week.";
    assert_true(vg_date_expr_find(FRI, s, strlen(s), SIZE_MAX, &e));
    assert_int_equal(e.precision, VG_DATE_WEEK);
    assert_true(e.future);
    s = "The town fell in 2008.";
    assert_true(vg_date_expr_find(FRI, s, strlen(s), SIZE_MAX, &e));
    assert_int_equal(e.precision, VG_DATE_YEAR);
    assert_false(e.relative);
    assert_false(vg_date_expr_find((vg_ymd){ 2023, 2, 30 }, s, strlen(s), SIZE_MAX, &e));
}

static void test_bad_input(void **state)
{
    (void)state;
    vg_ymd d;
    assert_false(vg_date_expr_resolve(FRI, NULL, 0, SIZE_MAX, &d, NULL));
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)((i * 131 + 7) % 256);
    vg_date_expr_resolve(FRI, junk, sizeof junk, 100, &d, NULL);
    vg_date_expr_resolve(FRI, junk, sizeof junk, SIZE_MAX - 1, &d, NULL);
    /* 10 MB of words with a date near the end: linear time */
    size_t n = 10u << 20;
    char *big = malloc(n + 64);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++) big[i] = "on Sunday, last "[i % 16];
    strcpy(big + n, " yesterday.");
    vg_date_expr e;
    assert_true(vg_date_expr_find(FRI, big, strlen(big), strlen(big) - 3, &e));
    char got[16];
    vg_ymd_format(e.date, got, sizeof got);
    assert_string_equal(got, "2023-09-28");
    free(big);
}

/* The three forms of a date agree, and one validity rule holds for all. */
static void test_date_forms(void **state)
{
    (void)state;
    int32_t v = 0;
    char buf[11];
    assert_true(vg_date_parse("2023-09-29T10:00", true, &v));
    assert_int_equal(v, 20230929);
    assert_true(vg_date_parse("  230929", false, &v));
    assert_int_equal(v, 20230929);
    assert_true(vg_date_parse("20240229 more", true, &v));
    assert_false(vg_date_parse("20230229", true, &v));     /* not a leap year */
    assert_false(vg_date_parse("230229", false, &v));
    assert_false(vg_date_parse("2023092", true, &v));
    assert_true(vg_date_parse_digits("000229", 6, &v));
    assert_int_equal(v, 20000229);
    assert_false(vg_date_parse_digits("20231301", 8, &v));
    assert_false(vg_date_parse_digits("2023091", 7, &v));
    assert_int_equal(vg_date_add_days(20230929, -5), 20230924);
    assert_int_equal(vg_date_add_days(20240301, -1), 20240229);
    assert_int_equal(vg_date_of_days(vg_date_days(20231231) + 1), 20240101);
    assert_int_equal(vg_date_of_ymd(vg_date_ymd(20230929)), 20230929);
    vg_date_format(20230929, buf);
    assert_string_equal(buf, "2023-09-29");
    vg_date_format(990105, buf);            /* leading zeros, as "%04u-%02u-%02u" */
    assert_string_equal(buf, "0099-01-05");
    vg_date_format(99991231, buf);
    assert_string_equal(buf, "9999-12-31");
    long day;
    assert_true(vg_day_parse("2023-09-29", &day));
    assert_int_equal(day, vg_date_days(20230929));
    vg_day_format(day + 3, buf);
    assert_string_equal(buf, "2023-10-02");
    assert_string_equal(vg_date_prec_name(VG_DATE_WEEK), "week");
    assert_int_equal(vg_date_prec_parse("month"), VG_DATE_MONTH);
    assert_int_equal(vg_date_prec_parse("article"), VG_DATE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_required),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_every_opening_word),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_nearest_verb),
        cmocka_unit_test(test_span_and_find),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
