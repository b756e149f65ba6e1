/* Unit tests for the dictionary model: phrases, codes, patterns, loaders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict.h"
#include "match.h"

/* Element i of a phrase. */
#define W(ph, i) (vg_phrase_elems_mut(d, &(ph))[i])

static vg_phrase phrase(vg_dict *d, const char *s)
{
    vg_phrase ph;
    const char *why = NULL;
    assert_true(vg_parse_phrase(d, s, strlen(s), &ph, &why));
    return ph;
}

static void test_phrase_modes(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_phrase p = phrase(d, "UNITED_ARAB EMIRATES_");
    assert_int_equal(p.n, 3);
    assert_int_equal(W(p, 0).mode, VG_WM_EXACT);
    assert_true(W(p, 0).adj_next);
    assert_int_equal(W(p, 1).mode, VG_WM_STEM);
    assert_false(W(p, 1).adj_next);
    assert_int_equal(W(p, 2).mode, VG_WM_EXACT);
    p = phrase(d, "MOUSE=");
    assert_int_equal(W(p, 0).mode, VG_WM_NOEND);
    p = phrase(d, "AL-ASSAD_");       /* a hyphen is an underscore */
    assert_int_equal(p.n, 2);
    assert_true(W(p, 0).adj_next);
    p = phrase(d, "Vučić_");
    assert_memory_equal(vg_elem_word(d, &W(p, 0)), "VUCIC", 5);
    /* longer phrases and '_' connectors weigh more */
    assert_true(phrase(d, "AL_GORE").weight > phrase(d, "AL GORE").weight);
    vg_dict_free(d);
}

static void test_word_match(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_phrase p = phrase(d, "DEPART_");
    W(p, 0).endings = VG_END_VERB;
    const char *yes[] = { "DEPART", "DEPARTS", "DEPARTED", "DEPARTING", "DEPARTEN", NULL };
    const char *no[] = { "DEPARTX", "DEPARTINK", "DEPARTMENT", NULL };
    for (int i = 0; yes[i]; i++) assert_true(vg_elem_match(d, &W(p, 0), yes[i], strlen(yes[i])));
    for (int i = 0; no[i]; i++) assert_false(vg_elem_match(d, &W(p, 0), no[i], strlen(no[i])));
    p = phrase(d, "DEPLORE_");
    W(p, 0).endings = VG_END_VERB;
    assert_true(vg_elem_match(d, &W(p, 0), "DEPLORED", 8));
    assert_true(vg_elem_match(d, &W(p, 0), "DEPLORING", 9));
    p = phrase(d, "ESTONIA_");
    W(p, 0).endings = VG_END_NOUN;
    assert_true(vg_elem_match(d, &W(p, 0), "ESTONIA'S", 9));
    assert_true(vg_elem_match(d, &W(p, 0), "ESTONIAS", 8));
    assert_false(vg_elem_match(d, &W(p, 0), "ESTONIAXS", 9));
    p = phrase(d, "SYRI");
    assert_true(vg_elem_match(d, &W(p, 0), "SYRIAN", 6));
    assert_false(vg_elem_match(d, &W(p, 0), "SYRACUSE", 8));
    vg_dict_free(d);
}

static void test_dated_codes(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_dated dt;
    const char *why;
    assert_true(vg_parse_dated(d, "SRBGOV 170531-", 14, &dt, &why));
    assert_int_equal(dt.from, 20170531);
    assert_int_equal(dt.to, 99999999);
    assert_true(vg_parse_dated(d, "HOB < 950601", 12, &dt, &why));
    assert_int_equal(dt.to, 19950601);
    assert_true(vg_parse_dated(d, "KSVGOV >20210322", 16, &dt, &why));
    assert_int_equal(dt.from, 20210322);
    assert_true(vg_parse_dated(d, "USA/GMW/FRN", 11, &dt, &why));
    assert_int_equal(dt.ncodes, 3);
    assert_true(vg_parse_dated(d, "--- <950630", 11, &dt, &why));
    assert_int_equal(dt.special, VG_CODE_NULL);
    assert_false(vg_parse_dated(d, "950601-990815", 13, &dt, &why));
    assert_false(vg_parse_dated(d, "X 990231", 8, &dt, &why));
    assert_false(vg_parse_dated(d, "", 0, &dt, &why));
    vg_vcode vc;
    assert_true(vg_parse_vcode(d, "032:033", 7, &vc, &why));
    assert_true(vc.flags & VG_VC_PAIRED);
    assert_string_equal(vg_dict_str(d, vc.pair), "033");
    assert_true(vg_parse_vcode(d, "023?", 4, &vc, &why));
    assert_true(vc.flags & VG_VC_SUBORD);
    assert_true(vg_parse_vcode(d, "- - -", 5, &vc, &why));
    assert_int_equal(vc.special, VG_CODE_NULL);
    vg_dict_free(d);
}

static void test_patterns(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_vcode vc = { vg_dict_strdup(d, "100", 3), 0, 0, 0, 0 };
    vg_src src = { vg_dict_file(d, "t"), 1 };
    int32_t b = vg_dict_add_block(d, vg_dict_strdup(d, "V", 1), &vc, VG_VK_VERB, src);
    const char *why;
    const char *p = "SUGGESTED_+ * DEMAND_{ GENEVA_ | INTERNATIONAL }_CONVENTIONS";
    assert_true(vg_dict_add_patterns(d, p, strlen(p), &vc, b, src, &why));
    assert_int_equal(d->patterns.n, 2);          /* alternatives expand */
    const vg_pattern *pt = &d->patterns.v[0];
    const vg_elem *pe = d->elems.v + pt->e;
    assert_int_equal(pe[pt->verb].type, VG_EL_VERB);
    assert_int_equal(pe[1].type, VG_EL_TGT);
    assert_true(pe[pt->verb + 1].adj_next);     /* DEMAND_ joined to the group */
    assert_false(vg_dict_add_patterns(d, "NO STAR", 7, &vc, b, src, &why));
    assert_false(vg_dict_add_patterns(d, "* { A | B", 9, &vc, b, src, &why));
    assert_false(vg_dict_add_patterns(d, "* &NOSUCH", 9, &vc, b, src, &why));
    vg_dict_free(d);
}

static void test_loader_errors(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char *actors = "SERBIA_ [SRB]\nKOSOVO_ [KSV\n+SYN_WITHOUT\nGOLLUM\n+SMEAGOL\n\t[HOB <950601]\n\t[HOBGOV 950601-990815]\n";
    vg_dict_load_tabari_actors(d, "a.actors", actors, strlen(actors), &diag);
    assert_int_equal(diag.errors, 2);           /* missing bracket; synonym without actor */
    assert_non_null(strstr(diag.msgs.v[0].text, "a.actors:2:"));
    assert_int_equal(d->actors.n, 2);           /* SERBIA and GOLLUM still load */
    const char *verbs = "- * ORPHAN [100]\nATTACK [190]\n- * WITH ARTILLERY [195]\n- BAD [100]\n";
    vg_dict_load_tabari_verbs(d, "v.verbs", verbs, strlen(verbs), &diag);
    assert_int_equal(diag.errors, 4);
    vg_dict_compile(d);
    const vg_dated *c = vg_actor_code(d, 1, 19990101);
    assert_non_null(c);
    assert_string_equal(vg_dict_str(d, d->codelist.v[c->codes]), "HOBGOV");
    assert_null(vg_actor_code(d, 1, 20200101));   /* no default: not coded */
    vg_diag_free(&diag);
    vg_dict_free(d);
}

static void test_petrarch_loaders(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char *verbs =
        "&TROOPS\n+TROOPS\n+SOLDIERS\n"
        "--- SEND  [---] ---\n"
        "SEND {SENDS SENT SENDING}\n"
        "+CALL_ON {+CALLS_ON +CALLED_ON +CALLING_ON} [102]\n"
        "- * &TROOPS (TO BORDER) [154]  # a comment\n"
        "- $ * + {PEACE TALKS} [036]\n"
        "~ a (a b ATTACK) SAY = a b 138\n";
    vg_dict_load_petrarch_verbs(d, "v.txt", verbs, strlen(verbs), &diag);
    assert_int_equal(diag.errors, 0);
    assert_int_equal(diag.warnings, 1);         /* transformations not supported */
    assert_int_equal(d->blocks.n, 1);
    assert_int_equal(d->patterns.n, 2);
    assert_int_equal(d->verbforms.n, 8);
    const char *agents = "!MIN! = MINISTER, MINISTRY\nPOLICE {} [~COP]\n!MIN!_OF_DEFENCE [~GOV]\nATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]\nNOCODE\n";
    vg_dict_load_petrarch_agents(d, "ag.txt", agents, strlen(agents), &diag);
    assert_int_equal(diag.errors, 1);
    assert_int_equal(d->agents.n, 5);
    const char *actors = "THE_UNITED_NATIONS\nUN\nU.N.\n\t[IGOUNO]\nKOSOVO [KSV]\n";
    size_t before = d->actors.n;
    vg_dict_load_petrarch_actors(d, "ac.txt", actors, strlen(actors), &diag);
    assert_int_equal(d->actors.n - before, 2);  /* three names share one record */
    vg_diag_free(&diag);
    vg_dict_free(d);
}

/* Regression (issue 13): an empty vector has v == NULL, and "v + offset"
 * on it is undefined behaviour even for offset 0 (clang's UBSan reports it;
 * gcc's cannot).  These run the two places where it happened; under the
 * clang sanitizer build they abort if it comes back. */
static void test_empty_vector_at(void **st)
{
    (void)st;
    VG_VEC(int) v = {0};
    assert_null(vg_vec_at(&v, 0));
    vg_vec_push(&v, 7);
    assert_int_equal(*vg_vec_at(&v, 0), 7);
    assert_ptr_equal(vg_vec_at(&v, 1), v.v + 1);
    vg_vec_free(&v);
}

/* word_entries: the first word ever looked up ("Hello") matches nothing,
 * so the cache's entry list is still unallocated. */
static void test_word_entries_empty(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_dict_compile(d);
    vg_tokens tk = {0};
    vg_text_tokenize("Hello", 5, &tk);
    vg_wordcache *wc = vg_wordcache_new(d);
    uint32_t winfo[4];
    vg_dict_lookup(d, wc, &tk, winfo);
    vg_hit h;
    assert_false(vg_dict_find(d, wc, winfo, NULL, &tk, 0, tk.t.n, ~0u, NULL, &h));
    vg_wordcache_free(wc);
    vg_tokens_free(&tk);
    vg_dict_free(d);
}

/* A bounded word memo: past its limit it empties itself (a new
 * generation) before a sentence, and a phrase is still found after it. */
static void test_wordcache_limit(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char *actors = "SERBIA [SRB]\n";
    vg_dict_load_tabari_actors(d, "a.txt", actors, strlen(actors), &diag);
    assert_int_equal(diag.errors, 0);
    vg_dict_compile(d);
    vg_wordcache *wc = vg_wordcache_new(d);
    vg_wordcache_set_limit(wc, 50);
    uint32_t gen0 = vg_wordcache_generation(wc), winfo[16];
    char text[128];
    vg_tokens tk = {0};
    for (int i = 0; i < 20; i++) {       /* 20 sentences of 6 new words and SERBIA */
        snprintf(text, sizeof text, "w%da w%db w%dc w%dd w%de w%df Serbia", i, i, i, i, i, i);
        vg_tokens_free(&tk);
        memset(&tk, 0, sizeof tk);
        vg_text_tokenize(text, strlen(text), &tk);
        assert_true(tk.t.n <= 16);
        vg_dict_lookup(d, wc, &tk, winfo);
        vg_hit h;
        assert_true(vg_dict_find(d, wc, winfo, NULL, &tk, 6, tk.t.n, ~0u, NULL, &h));
    }
    assert_true(vg_wordcache_generation(wc) - gen0 >= 2);   /* 140 words, 50 at a time */
    vg_wordcache_free(wc);
    vg_tokens_free(&tk);
    vg_diag_free(&diag);
    vg_dict_free(d);
}

/* vg_synset_members: no member of the synset occurs in the sentence, so
 * the per-sentence member list is still unallocated. */
static void test_synset_members_empty(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char *verbs = "&TROOPS\n+TROOPS\n+SOLDIERS\n"
                        "--- SEND  [---] ---\nSEND {SENDS SENT}\n- * &TROOPS [154]\n";
    vg_dict_load_petrarch_verbs(d, "v.txt", verbs, strlen(verbs), &diag);
    assert_int_equal(diag.errors, 0);
    vg_dict_compile(d);
    vg_tokens tk = {0};
    vg_text_tokenize("Hello world", 11, &tk);
    vg_wordcache *wc = vg_wordcache_new(d);
    uint32_t winfo[4];
    vg_dict_lookup(d, wc, &tk, winfo);
    vg_litset ls;
    vg_litset_init(&ls, d);
    vg_litset_mark(&ls, d, wc, winfo, &tk);
    size_t n = 99;
    vg_synset_members(d, 0, &ls, &n);
    assert_int_equal(n, 0);
    assert_false(vg_pattern_viable(d, &d->patterns.v[0], &ls));
    vg_litset_free(&ls);
    vg_wordcache_free(wc);
    vg_tokens_free(&tk);
    vg_diag_free(&diag);
    vg_dict_free(d);
}

/* Every word of a PETRARCH pattern is whole, the last of a prepositional
 * phrase too: "(AT THE UN)" matched "at the university" when UN, closed
 * by its parenthesis, was left a stem. */
static void test_petrarch_pattern_words_whole(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    const char *verbs = "--- MEET  [040] ---\nMEET {MEETS MET}\n- * (AT THE UN) [044]\n"
                        "- * (AS) [111]\n- * {THE MEDIA} [111]\n- * OIL [061]\n";
    vg_dict_load_petrarch_verbs(d, "v.txt", verbs, strlen(verbs), &diag);
    assert_int_equal(diag.errors, 0);
    assert_int_equal(d->patterns.n, 4);
    size_t words = 0;
    for (size_t i = 0; i < d->patterns.n; i++) {
        const vg_pattern *pt = &d->patterns.v[i];
        const vg_elem *e = d->elems.v + pt->e;
        for (uint16_t k = 0; k < pt->n; k++) {
            if (e[k].type != VG_EL_WORD) continue;
            words++;
            assert_int_not_equal(e[k].mode, VG_WM_STEM);
            const char *w = vg_elem_word(d, &e[k]);
            if (!strncmp(w, "UN", e[k].len) && e[k].len == 2) {
                assert_false(vg_elem_match(d, &e[k], "UNIVERSITY", 10));
                assert_true(vg_elem_match(d, &e[k], "UN", 2));
            }
        }
    }
    assert_int_equal(words, 7);
    vg_diag_free(&diag);
    vg_dict_free(d);
}

/* The two sentences of the report, coded with the default dictionaries. */
static void test_defaults_issue_sentences(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    assert_true(vg_dict_load_defaults(d, &diag));
    vg_dict_compile(d);
    vg_matcher *c = vg_matcher_new(d, &d->opt);
    vg_result r = {0};
    const char *s1 = "Hello";
    vg_matcher_code(c, s1, strlen(s1), 20230929, &r);
    assert_int_equal(r.events.n, 0);
    const char *s2 = "Serbian police attacked Kosovo protesters.";
    vg_matcher_code(c, s2, strlen(s2), 20230929, &r);
    assert_true(r.events.n >= 1);
    assert_string_equal(r.events.v[0].source, "SRBCOP");
    vg_result_free(&r);
    vg_matcher_free(c);
    vg_diag_free(&diag);
    vg_dict_free(d);
}

/* A pattern line of a megabyte is refused before its alternatives are
 * expanded (expand() recursed once per element: a stack overflow). */
static void test_huge_pattern_line(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_vcode vc = { vg_dict_strdup(d, "100", 3), 0, 0, 0, 0 };
    vg_src src = { vg_dict_file(d, "t"), 1 };
    int32_t b = vg_dict_add_block(d, vg_dict_strdup(d, "V", 1), &vc, VG_VK_VERB, src);
    vg_buf p = {0};
    vg_buf_puts(&p, "*");
    for (int i = 0; i < 200000; i++) vg_buf_puts(&p, " {A|B}");
    const char *why = NULL;
    assert_false(vg_dict_add_patterns(d, p.s, p.len, &vc, b, src, &why));
    assert_string_equal(why, "pattern too long");
    assert_int_equal(d->patterns.n, 0);
    vg_buf_free(&p);
    vg_dict_free(d);
}

/* Many phrases sharing a first word (sorted by merging, not insertion):
 * the longest that occurs (adjacent words) wins, ties go to the earlier one. */
static void test_shared_first_word(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    vg_buf a = {0};
    for (int i = 0; i < 3000; i++)
        vg_buf_printf(&a, "UNITED_%.*s_N%d [C%d]\n", 1 + (i * 7919) % 23,
                      "XXXXXXXXXXXXXXXXXXXXXXXX", i, i);
    vg_buf_puts(&a, "UNITED_NATIONS_ [IGOUNO]\nUNITED_NATIONS_ [DUP]\nUNITED_ [UNI]\n");
    vg_dict_load_petrarch_actors(d, "a.txt", a.s, a.len, &diag);
    vg_dict_compile(d);
    vg_tokens tk = {0};
    const char *s = "United United Nations United XXXXX N17 United XXXXXXXXXXXXXXXXXXXXXXX n2957";
    vg_text_tokenize(s, strlen(s), &tk);
    vg_wordcache *wc = vg_wordcache_new(d);
    uint32_t winfo[16];
    vg_dict_lookup(d, wc, &tk, winfo);
    vg_litset ls;
    vg_litset_init(&ls, d);
    vg_litset_mark(&ls, d, wc, winfo, &tk);
    vg_hit h;
    const char *want[] = { "UNITED_", "UNITED_NATIONS_", "UNITED_XXXXX_N17",
                           "UNITED_XXXXXXXXXXXXXXXXXXXXXXX_N2957" };
    const size_t at[] = { 0, 1, 3, 6 };
    for (int k = 0; k < 4; k++) {
        assert_true(vg_dict_find(d, wc, winfo, &ls, &tk, at[k], tk.t.n, ~0u, NULL, &h));
        assert_string_equal(vg_dict_str(d, d->entries.v[h.entry].text), want[k]);
        /* the same answer without the per-sentence filter */
        assert_true(vg_dict_find(d, wc, winfo, NULL, &tk, at[k], tk.t.n, ~0u, NULL, &h));
        assert_string_equal(vg_dict_str(d, d->entries.v[h.entry].text), want[k]);
    }
    vg_litset_free(&ls);
    vg_wordcache_free(wc);
    vg_tokens_free(&tk);
    vg_buf_free(&a);
    vg_diag_free(&diag);
    vg_dict_free(d);
}


/* ---- compiled images (dict_image.c) ---- */

static const char img_actors[] = "SERBIA_ [SRB]\nKOSOVO_ [KSV]\nTHE_UNITED_NATIONS\nUN\n\t[IGOUNO]\n";
static const char img_agents[] = "POLICE {} [~COP]\nPROTESTER [~OPP]\n";
static const char img_verbs[] =
    "&TROOPS\n+TROOPS\n+SOLDIERS\n"
    "--- ATTACK  [190] ---\nATTACK {ATTACKS ATTACKED}\n"
    "- * &TROOPS (TO BORDER) [154]\n- $ * + {WITH ARTILLERY} [195]\n";

static vg_dict *small_dict(void)
{
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    vg_dict_load_text(d, "a.txt", img_actors, strlen(img_actors), vg_dict_load_petrarch_actors, &diag);
    vg_dict_load_text(d, "g.txt", img_agents, strlen(img_agents), vg_dict_load_petrarch_agents, &diag);
    vg_dict_load_text(d, "v.txt", img_verbs, strlen(img_verbs), vg_dict_load_petrarch_verbs, &diag);
    assert_int_equal(diag.errors, 0);
    vg_diag_free(&diag);
    d->opt.min_words = 0;
    vg_dict_compile(d);
    return d;
}

/* An image in memory as a mapping gives it: aligned, owned. */
static unsigned char *image_of(const vg_dict *d, size_t *len)
{
    vg_buf b = {0};
    vg_dict_image_write(d, "test", &b);
    unsigned char *m = vg_malloc(b.len);
    memcpy(m, b.s, b.len);
    *len = b.len;
    vg_buf_free(&b);
    return m;
}

static void code_one(const vg_dict *d, const char *s, char *out, size_t cap)
{
    vg_matcher *c = vg_matcher_new(d, &d->opt);
    vg_result r = {0};
    vg_matcher_code(c, s, strlen(s), 20230929, &r);
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r.events.n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s %s %s;", r.events.v[i].source,
                              r.events.v[i].target, r.events.v[i].code);
    vg_result_free(&r);
    vg_matcher_free(c);
}

static void test_image_roundtrip(void **st)
{
    (void)st;
    vg_dict *d = small_dict();
    size_t len;
    unsigned char *m = image_of(d, &len);
    char err[200];
    vg_dict *g = vg_dict_image_open(m, len, err, sizeof err);
    assert_non_null(g);
    assert_true(g->map != NULL && g->compiled);
    assert_string_equal(vg_dict_image_key(g), "test");
    assert_int_equal(g->entries.n, d->entries.n);
    assert_int_equal(g->patterns.n, d->patterns.n);
    for (size_t i = 0; i < d->entries.n; i++)
        assert_string_equal(vg_dict_str(g, g->entries.v[i].text), vg_dict_str(d, d->entries.v[i].text));
    assert_memory_equal(&g->opt, &d->opt, sizeof d->opt);
    /* the same events, from the image as from the parsed set */
    const char *s[] = { "Serbia attacked Kosovo with artillery.",
                        "The UN said Kosovo police attacked protesters.", NULL };
    const char *want[] = { "SRB KSV 195;", "IGOUNO KSVCOP 190;" };
    for (int i = 0; s[i]; i++) {
        char a[512], b[512];
        code_one(d, s[i], a, sizeof a);
        code_one(g, s[i], b, sizeof b);
        assert_string_equal(a, want[i]);
        assert_string_equal(b, want[i]);
    }
    vg_dict_free(g);
    free(m);
    vg_dict_free(d);
}

static void refused(unsigned char *m, size_t len, const char *why)
{
    char err[200] = "";
    vg_dict *g = vg_dict_image_open(m, len, err, sizeof err);
    if (g) fail_msg("accepted an image that is %s", why);
    if (!strstr(err, why)) fail_msg("refused with '%s', not '%s'", err, why);
}

static void test_image_refused(void **st)
{
    (void)st;
    vg_dict *d = small_dict();
    size_t len;
    unsigned char *m = image_of(d, &len);
    unsigned char *c = vg_malloc(len);
    /* one byte changed anywhere after the header */
    memcpy(c, m, len);
    c[len / 2] ^= 0x20;
    refused(c, len, "checksum");
    /* truncated, or longer than its header says */
    refused(m, len - 100, "truncated");
    refused(m, 20, "truncated");
    /* another format version, byte order, record layout */
    uint32_t v;
    memcpy(c, m, len);
    v = VG_IMAGE_VERSION + 1;
    memcpy(c + 12, &v, 4);
    refused(c, len, "format version");
    memcpy(c, m, len);
    v = 0x04030201u;
    memcpy(c + 8, &v, 4);
    refused(c, len, "other byte order");
    memcpy(c, m, len);
    c[16] ^= 1;
    refused(c, len, "record layout");
    memcpy(c, m, len);
    c[0] = 'X';
    refused(c, len, "not a dictionary image");
    /* a bad index behind a right checksum: caught by the checks */
    memcpy(c, m, len);
    vg_dict *g = vg_dict_image_open(c, len, NULL, 0);
    assert_non_null(g);
    size_t at = (size_t)((const unsigned char *)&g->entries.v[0].ref - c);
    vg_dict_free(g);
    v = 1000000;
    memcpy(c + at, &v, 4);
    refused(c, len, "checksum");
    vg_dict_image_seal(c, len);
    refused(c, len, "bad entry");
    free(c);
    free(m);
    vg_dict_free(d);
}

/* Files loaded into a mapped dictionary go into a copy of it. */
static void test_image_thaw(void **st)
{
    (void)st;
    vg_dict *d = small_dict();
    size_t len;
    unsigned char *m = image_of(d, &len);
    vg_dict *g = vg_dict_image_open(m, len, NULL, 0);
    assert_non_null(g);
    vg_diag diag = {0};
    const char *more = "ALBANIA_ [ALB]\n";
    vg_dict_load_text(g, "b.txt", more, strlen(more), vg_dict_load_petrarch_actors, &diag);
    assert_null(g->map);
    vg_dict_compile(g);
    char a[512];
    code_one(g, "Albania attacked Kosovo.", a, sizeof a);
    assert_string_equal(a, "ALB KSV 190;");
    vg_diag_free(&diag);
    vg_dict_free(g);
    free(m);
    vg_dict_free(d);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* An image knows its sources: changed, it is stale; given with its files it
 * is rebuilt, given alone refused. */
static void test_image_stale(void **st)
{
    (void)st;
    char dir[] = "/tmp/vg_test_image.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char actors[128], verbs[128], img[128];
    snprintf(actors, sizeof actors, "%s/actors.txt", dir);
    snprintf(verbs, sizeof verbs, "%s/verbs.txt", dir);
    snprintf(img, sizeof img, "%s/set.vgd", dir);
    write_file(actors, "SERBIA_ [SRB]\nKOSOVO_ [KSV]\n");
    write_file(verbs, img_verbs);
    vg_dict_spec sp = {0};
    vg_vec_push(&sp.actors, actors);
    vg_vec_push(&sp.verbs, verbs);
    vg_diag diag = {0};
    char err[600];
    assert_true(vg_dict_compile_file(&sp, img, &diag, err, sizeof err));
    vg_dict *g = vg_dict_image_map(img, err, sizeof err);
    assert_non_null(g);
    assert_true(vg_dict_image_fresh(g, err, sizeof err));
    assert_int_equal(g->sources.n, 2);
    vg_dict_free(g);
    /* the same size, another content, at once: the digest tells */
    write_file(actors, "SERBIA_ [SRB]\nKOSOVO_ [KSX]\n");
    g = vg_dict_image_map(img, err, sizeof err);
    assert_non_null(g);
    assert_false(vg_dict_image_fresh(g, err, sizeof err));
    assert_non_null(strstr(err, "actors.txt changed"));
    vg_dict_free(g);
    /* alone: refused */
    vg_dict_spec alone = {0};
    alone.image = img;
    assert_null(vg_dict_open(&alone, &diag, err, sizeof err));
    assert_non_null(strstr(err, "stale"));
    /* with its files: rebuilt, and fresh again */
    sp.image = img;
    vg_dict *d = vg_dict_open(&sp, &diag, err, sizeof err);
    assert_non_null(d);
    char a[512];
    d->opt.min_words = 0;
    code_one(d, "Serbia attacked Kosovo.", a, sizeof a);
    assert_string_equal(a, "SRB KSX 190;");
    vg_dict_free(d);
    d = vg_dict_open(&alone, &diag, err, sizeof err);
    assert_non_null(d);
    assert_non_null(d->map);
    vg_dict_free(d);
    /* a source gone */
    unlink(actors);
    assert_null(vg_dict_open(&alone, &diag, err, sizeof err));
    assert_non_null(strstr(err, "is gone"));
    unlink(verbs);
    unlink(img);
    rmdir(dir);
    vg_dict_spec_free(&sp);
    vg_diag_free(&diag);
}

/* The built-in defaults are an image, used in place. */
static void test_defaults_image(void **st)
{
    (void)st;
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    assert_true(vg_dict_load_defaults(d, &diag));
    assert_true(d->defaults);
    if (!getenv("VIGIL_DICT_DIR")) {
        assert_non_null(d->map);
        assert_true(d->entries.n > 10000);
        assert_int_equal(d->entries.v[0].ph.w, 0);
    }
    vg_diag_free(&diag);
    vg_dict_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phrase_modes),
        cmocka_unit_test(test_word_match),
        cmocka_unit_test(test_dated_codes),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_petrarch_loaders),
        cmocka_unit_test(test_empty_vector_at),
        cmocka_unit_test(test_word_entries_empty),
        cmocka_unit_test(test_wordcache_limit),
        cmocka_unit_test(test_synset_members_empty),
        cmocka_unit_test(test_petrarch_pattern_words_whole),
        cmocka_unit_test(test_defaults_issue_sentences),
        cmocka_unit_test(test_huge_pattern_line),
        cmocka_unit_test(test_shared_first_word),
        cmocka_unit_test(test_image_roundtrip),
        cmocka_unit_test(test_image_refused),
        cmocka_unit_test(test_image_thaw),
        cmocka_unit_test(test_image_stale),
        cmocka_unit_test(test_defaults_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
