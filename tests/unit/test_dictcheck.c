/* Unit tests for dictionary checks, lookups and unknown-name collection
 * (dict_check.c, unknown.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict_check.h"
#include "unknown.h"

/* PETRARCH-format actors; line numbers matter to the tests. */
static const char actors[] =
    "SERBIA_ [SRB]\n"                         /* 1 */
    "KOSOVO_ [KSV]\n"                         /* 2 */
    "ALEKSANDAR_VUCIC_\n"                     /* 3 */
    "+VUCIC_\n"                               /* 4 */
    "\t[SRBGOV 20120727-20170530]  # PM\n"    /* 5 */
    "\t[SRBGOV >20170531]  # President\n"     /* 6 */
    "\t[SRBELI]\n"                            /* 7 */
    "SERBIA_ [SRB]\n"                         /* 8: duplicate, same code */
    "KOSOVO_ [SRB]\n"                         /* 9: duplicate, other code */
    "IVICA_DACIC_\n"                          /* 10 */
    "\t[SRBGOV 20120727-20170531]\n"          /* 11 */
    "\t[SRBGOV 20150101-]\n"                  /* 12: overlaps 11, same code */
    "\t[SRBLEG 20100101-20110101]\n"          /* 13: disjoint, fine */
    "\t[SRBOPP 20170101-20120101]\n"          /* 14: inverted */
    "\t[SRBELI]\n"                            /* 15 */
    "ANA_BRNABIC_\n"                          /* 16 */
    "\t[SRBGOV 20170629-20240402]\n"          /* 17 */
    "\t[SRBLEG 20200101-20200201]\n"          /* 18: within 17, other code */
    "POLICE_ [SRB]\n";                        /* 19: also an agent */

static const char agents[] = "POLICE_ [~COP]\nPRESIDENT_ [~GOV]\n";
static const char verbs[] =
    "--- MEET [036] ---\nMEET {MET MEETS MEETING}\n- * IN_ BELGRADE [040]\n- * IN_ BELGRADE [041]\n"
    "--- ATTACK [190] ---\nATTACK\n"
    "--- SAY [010] ---\nSAY {SAID SAYS}\n";

typedef struct fx {
    vg_dict *d;
    char path[64];
    vg_diag diag;
} fx;

static int setup(void **st)
{
    fx *f = vg_calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/vigil-dictcheck-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, actors, strlen(actors)), (ssize_t)strlen(actors));
    close(fd);
    f->d = vg_dict_new();
    vg_dict_load_file(f->d, f->path, vg_dict_load_petrarch_actors, &f->diag);
    vg_dict_load_petrarch_agents(f->d, "g", agents, strlen(agents), &f->diag);
    vg_dict_load_petrarch_verbs(f->d, "v", verbs, strlen(verbs), &f->diag);
    assert_int_equal(f->diag.errors, 0);
    vg_dict_compile(f->d);
    *st = f;
    return 0;
}

static int teardown(void **st)
{
    fx *f = *st;
    unlink(f->path);
    vg_diag_free(&f->diag);
    vg_dict_free(f->d);
    free(f);
    return 0;
}

/* The message of diag that starts with "FILE:line: " and contains what,
 * with its level; NULL if none. */
static const vg_diag_msg *find_msg(const fx *f, const char *file, int line, const char *what)
{
    char pre[128];
    snprintf(pre, sizeof pre, "%s:%d: ", file, line);
    for (size_t i = 0; i < f->diag.msgs.n; i++) {
        const vg_diag_msg *m = &f->diag.msgs.v[i];
        if (!strncmp(m->text, pre, strlen(pre)) && strstr(m->text, what)) return m;
    }
    return NULL;
}

static void run_check(fx *f, int32_t expired)
{
    vg_diag_free(&f->diag);
    vg_check_opts o = { expired };
    vg_dict_check(f->d, &o, &f->diag);
}

static void test_duplicates(void **st)
{
    fx *f = *st;
    run_check(f, 0);
    char first[96];
    snprintf(first, sizeof first, "first at %s:1", f->path);
    const vg_diag_msg *m = find_msg(f, f->path, 8, first);
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_WARNING);
    m = find_msg(f, f->path, 9, "never matches");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_ERROR);
    assert_non_null(strstr(m->text, ":2 as [KSV]"));
    /* an actor and an agent with the same words */
    m = find_msg(f, "g", 1, "both an actor");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_WARNING);
    /* the same pattern twice in a block with different codes */
    m = find_msg(f, "v", 4, "conflicting duplicate pattern");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_ERROR);
    assert_null(find_msg(f, "v", 3, "pattern"));
}

static void test_ranges(void **st)
{
    fx *f = *st;
    run_check(f, 0);
    const vg_diag_msg *m = find_msg(f, f->path, 12, "overlaps [SRBGOV 20120727-20170531] (line 11)");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_WARNING);
    m = find_msg(f, f->path, 14, "inverted date range [SRBOPP 20170101-20120101]");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_ERROR);
    m = find_msg(f, f->path, 18, "lies within [SRBGOV 20170629-20240402] (line 17)");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_ERROR);
    /* Vucic's ranges meet but do not overlap; line 13 is disjoint */
    assert_null(find_msg(f, f->path, 6, "overlaps"));
    assert_null(find_msg(f, f->path, 13, "overlaps"));
    assert_null(find_msg(f, f->path, 16, "no code valid"));
    /* with --expired: Brnabic has no undated code and nothing after 2024 */
    run_check(f, 20250101);
    m = find_msg(f, f->path, 16, "'ANA_BRNABIC_' has no code valid on 2025-01-01");
    assert_non_null(m);
    assert_int_equal(m->level, VG_DIAG_WARNING);
    assert_null(find_msg(f, f->path, 3, "no code valid"));
}

static void test_expired(void **st)
{
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char a[] = "OLD_LEADER_\n\t[SRBGOV 20000101-20050101]\nNEW_LEADER_\n\t[SRBGOV >20200101]\n";
    vg_dict_load_petrarch_actors(d, "x", a, strlen(a), &diag);
    vg_dict_load_petrarch_verbs(d, "v", verbs, strlen(verbs), &diag);
    vg_dict_compile(d);
    vg_check_opts o = { 20230101 };
    vg_dict_check(d, &o, &diag);
    assert_int_equal(diag.msgs.n, 2);            /* and the conflicting pattern */
    assert_string_equal(diag.msgs.v[0].text, "x:1: 'OLD_LEADER_' has no code valid on 2023-01-01");
    vg_diag_free(&diag);
    vg_dict_free(d);
    (void)st;
}

static void test_prefix(void **st)
{
    (void)st;
    const char *t = "dict/a.txt:12: duplicate";
    assert_int_equal(vg_diag_prefix_len(t), strlen("dict/a.txt:12: "));
    assert_int_equal(vg_diag_prefix_len("x.ini: cannot read config"), strlen("x.ini: "));
    assert_int_equal(vg_diag_prefix_len("no prefix here"), 0);
}

static void test_lookup_accented(void **st)
{
    fx *f = *st;
    vg_buf out = {0};
    const char *name = "Vu\xC4\x8D" "i\xC4\x87";          /* Vučić */
    size_t n = vg_dict_explain(f->d, name, strlen(name), 20230929, true, &out);
    assert_int_equal(n, 1);
    assert_non_null(strstr(out.s, "\"phrase\":\"VUCIC_\""));
    assert_non_null(strstr(out.s, "\"code\":\"SRBGOV\",\"alternatives\""));
    char want[160];
    snprintf(want, sizeof want,
             "{\"code\":\"SRBGOV\",\"from\":\"2017-05-31\",\"file\":\"%s\",\"line\":6,\"chosen\":true}",
             f->path);
    assert_non_null(strstr(out.s, want));
    /* on 2015-01-01 the first alternative holds, in 2010 the undated default */
    vg_buf_clear(&out);
    vg_dict_explain(f->d, name, strlen(name), 20150101, false, &out);
    assert_non_null(strstr(out.s, "=> [SRBGOV 20120727-20170530]"));
    assert_non_null(strstr(out.s, "code: SRBGOV"));
    vg_buf_clear(&out);
    vg_dict_explain(f->d, name, strlen(name), 20100101, false, &out);
    assert_non_null(strstr(out.s, "code: SRBELI"));
    assert_non_null(strstr(out.s, "=> [SRBELI]"));
    /* agents are composed as coding does */
    vg_buf_clear(&out);
    vg_dict_explain(f->d, "Kosovo president", 16, 20230929, false, &out);
    assert_non_null(strstr(out.s, "composed: KSVGOV"));
    vg_buf_clear(&out);
    assert_int_equal(vg_dict_explain(f->d, "nothing here", 12, 20230929, false, &out), 0);
    vg_buf_free(&out);
}

static const vg_unknown_name *find_name(const vg_unknown_name *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name)) return &v[i];
    return NULL;
}

static void test_unknown(void **st)
{
    fx *f = *st;
    static const char *const sents[] = {
        "Zoran Milanovic met Serbian officials in Belgrade on Monday.",
        "President Zoran Milanovic's office said Kosovo attacked nobody.",
        "The army said on Monday that it attacked Zoran Milanovic.",
        "Monday was quiet, but Vucic met the Bank of Korea and attacked al-Shabaab.",
        "Officials said the Bank of Korea met Serbia on Friday.",
        "Fighters of al-Shabaab attacked Kosovo.",
    };
    vg_unknown *u = vg_unknown_new(f->d);
    for (size_t i = 0; i < sizeof sents / sizeof *sents; i++)
        vg_unknown_sentence(u, sents[i], strlen(sents[i]), 20230929);
    const vg_unknown_name *v;
    size_t n = vg_unknown_list(u, 2, &v);
    const vg_unknown_name *z = find_name(v, n, "Zoran Milanovic");
    assert_non_null(z);
    assert_int_equal(z->count, 3);
    assert_int_equal(z->subject, 2);
    assert_int_equal(z->object, 1);
    assert_non_null(strstr(z->example, "met Serbian officials"));
    assert_non_null(find_name(v, n, "Bank of Korea"));
    assert_non_null(find_name(v, n, "al-Shabaab"));
    assert_ptr_equal(&v[0], z);                        /* most frequent first */
    const char *bad[] = { "Monday", "The", "President", "Vucic", "Kosovo", "Serbia", "Officials" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_null(find_name(v, n, bad[i]));
    assert_int_equal(vg_unknown_sentences(u), 6);
    vg_unknown_free(u);
}

static void test_counts(void **st)
{
    fx *f = *st;
    vg_dict_counts c;
    vg_dict_count(f->d, &c);
    assert_int_equal(c.actors, 8);
    assert_int_equal(c.actor_phrases, 9);
    assert_int_equal(c.agent_phrases, 2);
    assert_int_equal(c.agent_codes, 2);
    assert_int_equal(c.blocks, 3);
    assert_int_equal(c.patterns, 2);
    assert_int_equal(c.countries, 2);           /* SRB, KSV */
    assert_int_equal(c.files, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test_setup_teardown(test_lookup_accented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
