/* fuzz_verbs.c -- a fuzzed verbs file (first byte odd: TABARI .verbs, coded
 * the TABARI way; even: PETRARCH verbs) loaded with fixed actors and agents
 * and matched against fixed sentences, so that fuzzed patterns, synsets
 * and time shifts really run through the matcher.  Events must write as
 * valid JSON.  The seeds use the sentences' words.
 * Calls: vg_dict_new, vg_dict_load_petrarch_actors, vg_dict_load_petrarch_agents,
 * vg_dict_load_text (-> vg_dict_load_tabari_verbs / vg_dict_load_petrarch_verbs),
 * vg_dict_compile, vg_matcher_new, vg_matcher_code, vg_output_json,
 * vg_sentence_warnings. */
#include "fuzz.h"
#include "output.h"
#include "pipeline.h"

static const char actors[] =
    "SERBIA_ [SRB]\nSERBIAN_ [SRB]\nKOSOVO_ [KSV]\nALBANIA_ [ALB]\nRUSSIA_ [RUS]\n"
    "NATO_ [IGOWSTNAT]\nUNITED_STATES_ [USA]\nEU_ [IGOEEU]\nREBELS_ [REB]\n"
    "VUCIC_\n\t[SRBGOV >20170531]\n\t[SRBELI]\nLAJCAK_ [IGOEEU]\n";
static const char agents[] =
    "POLICE [~COP]\nTROOPS [~MIL]\nPRESIDENT [~GOV]\nPROTESTERS [~OPP]\nGOVERNMENT [~GOV]\n"
    "PEACEKEEPERS [~MIL]\nOFFICIALS [~GOV]\nENVOY [~GOV]\n";

static const char *const sentences[] = {
    "Serbian police attacked Kosovo protesters with tear gas on Sunday.",
    "Kosovo accused Serbia of sending troops to the border.",
    "The United States urged Serbia and Kosovo to resume talks in Brussels.",
    "NATO said it would deploy more peacekeepers after the attack on police.",
    "Serbian President Vucic met EU envoy Lajcak and called for calm.",
    "Rebels were killed by government troops near the town, officials said.",
    "Kosovo police arrested three armed men who attacked a monastery yesterday.",
    "Albania and Kosovo signed an agreement to cooperate on security.",
    "They rejected the proposal, saying it would not bring peace to Serbia.",
    "Russia warned that sanctions against Serbia would backfire next week.",
    "Serbia did not attack Kosovo, but it will send troops and tanks to the border tomorrow.",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    bool tabari = data[0] & 1;
    char *text = fuzz_text(data + 1, size - 1);
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    if (tabari) {
        d->opt.tabari_compat = true;
        d->opt.min_words = 3;
    } else {
        d->opt.use_tagger = true;
        d->opt.min_words = 0;
        d->opt.convert_agents = d->opt.agent_dashes = true;
    }
    vg_dict_load_petrarch_actors(d, "a.txt", actors, sizeof actors - 1, &diag);
    vg_dict_load_petrarch_agents(d, "g.txt", agents, sizeof agents - 1, &diag);
    vg_dict_load_text(d, "fuzz.verbs", text, size - 1,
                 tabari ? vg_dict_load_tabari_verbs : vg_dict_load_petrarch_verbs, &diag);
    vg_dict_compile(d);
    vg_matcher *c = vg_matcher_new(d, &d->opt);
    vg_result r = {0};
    vg_buf out = {0};
    for (size_t i = 0; i < sizeof sentences / sizeof *sentences; i++) {
        const char *s = sentences[i];
        vg_matcher_code(c, s, strlen(s), 20230929, &r);
        vg_output_ctx cx = { .d = d, .record = "fuzz", .sentence = s, .sentence_len = strlen(s),
                            .sentence_no = (int)i, .issues = &r.issues };
        for (size_t k = 0; k < r.events.n; k++) {
            vg_output_json(&out, &cx, &r.events.v[k]);
            vg_buf_putc(&out, '\n');
        }
        vg_sentence_warnings(d, "fuzz", i, &r, &diag);
    }
    fuzz_check_jsonl(&out);
    vg_buf_free(&out);
    vg_result_free(&r);
    vg_matcher_free(c);
    vg_diag_free(&diag);
    vg_dict_free(d);
    free(text);
    return 0;
}
