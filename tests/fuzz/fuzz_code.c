/* fuzz_code.c -- one record coded end to end, as `vigil code` does it:
 * UTF-8 repair, sentence splitting, analysis, matching, then every event
 * written as JSON (which must be valid UTF-8 and parse) and as TSV, and its
 * date found (places: fuzz_places.c).  Built twice: with Vigil's default dictionaries,
 * and with -DFUZZ_PHOENIX=1 with the Phoenix set of ../shared
 * (PETR_config.vigil.ini), loaded once.  With the defaults the record is
 * coded as `vigil code` codes it by default: hybrid, with the built-in model
 * deciding (model.h), whose explanations go into the JSON too.
 * Calls: vg_dict_new, vg_dict_load_defaults / vg_dict_load_petrarch_config,
 * vg_dict_compile, vg_matcher_new, vg_model_default, vg_decider_new,
 * vg_code_record (vg_decide), vg_coded_record_free,
 * vg_output_json, vg_output_tsv, vg_post_text_init, vg_date_expr_find_in,
 * vg_post_text_free, vg_sentence_warnings. */
#include "fuzz.h"
#include "output.h"
#include "pipeline.h"
#include "post.h"

static vg_dict *dict;
static vg_matcher *coder;
static vg_decider *decider;     /* NULL with the Phoenix set: dictionaries alone */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vg_diag diag = {0};
    dict = vg_dict_new();
#if FUZZ_PHOENIX
    char *ini = vg_path_join(fuzz_shared(), "dictionaries/phoenix/PETR_config.vigil.ini");
    if (!vg_dict_load_petrarch_config(dict, ini, &diag)) {
        fprintf(stderr, "fuzz_code: cannot load %s\n", ini);
        exit(1);
    }
    free(ini);
#else
    vg_dict_load_defaults(dict, &diag);
    if (vg_model_default()) decider = vg_decider_new(vg_model_default(), NULL, NULL);
#endif
    vg_diag_free(&diag);
    vg_dict_compile(dict);
    coder = vg_matcher_new(dict, &dict->opt);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vg_record rec = {0};
    vg_buf_puts(&rec.id, "fuzz");
    vg_buf_puts(&rec.date_text, "2023-09-29");
    vg_buf_putn(&rec.text, (const char *)data, size);
    rec.sentence_level = size && data[0] == '\t';   /* TABARI/PETRARCH: one sentence */
    vg_code_opts co = { .default_date = 20230929 };
    vg_coded_record cr = {0};
    vg_code_record(coder, decider, &rec, &co, &cr);
    FUZZ_CHECK(cr.ok);
    vg_buf out = {0};
    vg_diag diag = {0};
    vg_post_text pt = {0};
    for (size_t i = 0; i < cr.ns; i++) {
        const vg_coded_sentence *s = &cr.s.v[i];
        FUZZ_CHECK(s->off + s->len <= cr.text.len);
        vg_output_ctx cx = { .d = dict, .record = "fuzz", .sentence = cr.text.s + s->off,
                            .sentence_len = s->len, .sentence_no = (int)i,
                            .issues = &s->r.issues, .expl = &s->r.expl };
        for (size_t k = 0; k < s->r.events.n; k++) {
            const vg_coded_event *e = &s->r.events.v[k];
            FUZZ_CHECK(e->verb_off + e->verb_len <= s->len);
            FUZZ_CHECK(e->confidence <= 1 && (e->method == VG_METHOD_DICT) == (e->confidence < 0));
            FUZZ_CHECK(e->expl_off + e->expl_len <= s->r.expl.len);
            vg_output_json(&out, &cx, e);
            vg_buf_putc(&out, '\n');
            vg_buf tsv = {0};
            vg_output_tsv(&tsv, &cx, e);
            vg_buf_free(&tsv);
            vg_post_text_init(&pt, cx.sentence, s->len, e->verb_off);
            vg_date_expr de;
            if (vg_date_expr_find_in((vg_ymd){ 2023, 9, 29 }, &pt, &de))
                FUZZ_CHECK(de.span[0] <= de.span[1] && de.span[1] <= s->len);
        }
        vg_sentence_warnings(dict, "fuzz", i, &s->r, &diag);
    }
    fuzz_check_jsonl(&out);
    vg_post_text_free(&pt);
    vg_buf_free(&out);
    vg_diag_free(&diag);
    vg_coded_record_free(&cr);
    vg_record_free(&rec);
    return 0;
}
