/* fuzz_image.c -- compiled dictionary images (dict_image.c): every input
 * is opened as it is, and again sealed (its size and checksum made right),
 * so that mutations reach the checks behind the checksum.  An image that
 * opens must be usable as it is: its counts taken, phrases explained,
 * sentences coded with it (which follows every offset the checks
 * vouched for), and it must survive being thawed, compiled, written and
 * opened again.
 * Calls: vg_dict_image_open, vg_dict_image_seal, vg_dict_image_fresh,
 * vg_dict_image_replay, vg_dict_count, vg_dict_explain, vg_matcher_new,
 * vg_matcher_code, vg_dict_thaw, vg_dict_compile, vg_dict_image_write,
 * vg_dict_free. */
#include "fuzz.h"
#include "dict_check.h"
#include "match.h"

static const char *const sentences[] = {
    "Serbian police attacked Kosovo protesters near the border on Tuesday.",
    "The United Nations said it would send troops and aid to the region.",
    "They demanded that Russia withdraw, but the minister refused.",
    "ATTACK ATTACK ATTACK the the the Kosovo Serbia and Albania",
    NULL
};

static void exercise(vg_dict *d, bool again)
{
    if (!d) return;
    char why[256];
    vg_dict_image_fresh(d, why, sizeof why);
    vg_diag diag = {0};
    vg_dict_image_replay(d, &diag);
    vg_diag_free(&diag);
    vg_dict_counts c;
    vg_dict_count(d, &c);
    vg_buf out = {0};
    vg_dict_explain(d, "Serbian police attacked Kosovo", 30, 20230929, true, &out);
    vg_buf_free(&out);
    vg_options o = d->opt;
    o.min_words = 0;                 /* code every sentence, however short */
    vg_matcher *m = vg_matcher_new(d, &o);
    vg_matcher_set_budget(m, 20000);
    vg_result r = {0};
    for (int i = 0; sentences[i]; i++)
        vg_matcher_code(m, sentences[i], strlen(sentences[i]), 20230929, &r);
    vg_result_free(&r);
    vg_matcher_free(m);
    if (again) {
        /* thawed and compiled, it writes an image that opens */
        vg_dict_thaw(d);
        d->compiled = false;
        vg_dict_compile(d);
        vg_buf img = {0};
        vg_dict_image_write(d, "fuzz", &img);
        void *al = vg_malloc(img.len + 8);
        memcpy(al, img.s, img.len);
        vg_dict *d2 = vg_dict_image_open(al, img.len, why, sizeof why);
        if (!d2) fprintf(stderr, "fuzz_image: rewritten image refused: %s\n", why);
        FUZZ_CHECK(d2 != NULL);
        FUZZ_CHECK(d2->entries.n == d->entries.n && d2->patterns.n == d->patterns.n);
        exercise(d2, false);
        free(al);
        vg_buf_free(&img);
    }
    vg_dict_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    /* images are read in place: give them the alignment a mapping has */
    unsigned char *c = vg_malloc(size + 8);
    if (size) memcpy(c, data, size);
    exercise(vg_dict_image_open(c, size, err, sizeof err), true);
    vg_dict_image_seal(c, size);
    exercise(vg_dict_image_open(c, size, err, sizeof err), true);
    free(c);
    return 0;
}
