/* fuzz_dict.c -- one dictionary loader on arbitrary text, after a small
 * fixed dictionary, then everything `vigil dict` does with the result:
 * compile, check (lint), statistics, and lookup of a fixed phrase and of
 * the fuzzed file's own first phrases, as text and as JSON (which must be
 * valid UTF-8 and parse).  Built once per loader: -DFUZZ_LOADER=
 * vg_dict_load_tabari_actors, _agents, _verbs, _options, vg_dict_load_petrarch_actors,
 * _agents, _verbs, _discards, _issues.
 * Calls: vg_dict_new, vg_dict_load_petrarch_actors, vg_dict_load_petrarch_verbs,
 * vg_dict_load_text (-> the loader), vg_dict_compile, vg_dict_check,
 * vg_dict_count, vg_dict_explain, vg_dict_free. */
#include "fuzz.h"
#include "dict_check.h"
#include "dict.h"

#ifndef FUZZ_LOADER
#define FUZZ_LOADER vg_dict_load_petrarch_actors
#endif

static const char base_actors[] =
    "SERBIA_ [SRB]\nKOSOVO_ [KSV]\nVUCIC_\n\t[SRBGOV >20170531]\n\t[SRBELI]\n";
static const char base_verbs[] =
    "&TROOPS\n+TROOPS\n+SOLDIERS\n--- ATTACK [190] ---\nATTACK\n- * &TROOPS [193]\n";

static void explain(const vg_dict *d, const char *s, size_t n)
{
    vg_buf out = {0};
    vg_dict_explain(d, s, n, 20230929, false, &out);
    vg_buf_clear(&out);
    vg_dict_explain(d, s, n, 20230929, true, &out);   /* one line, newline included */
    fuzz_check_jsonl(&out);
    vg_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    vg_dict *d = vg_dict_new();
    vg_diag diag = {0};
    vg_dict_load_petrarch_actors(d, "base.actors", base_actors, sizeof base_actors - 1, &diag);
    vg_dict_load_petrarch_verbs(d, "base.verbs", base_verbs, sizeof base_verbs - 1, &diag);
    size_t before = d->entries.n;
    vg_dict_load_text(d, "fuzz", text, size, FUZZ_LOADER, &diag);
    vg_dict_compile(d);
    vg_check_opts o = { 20230929 };
    vg_dict_check(d, &o, &diag);
    vg_dict_counts c;
    vg_dict_count(d, &c);
    static const char phrase[] = "Serbian troops attacked Kosovo police in Vucic's name";
    explain(d, phrase, sizeof phrase - 1);
    for (size_t i = before; i < d->entries.n && i < before + 3; i++)
        if (d->entries.v[i].text) {
            const char *t = vg_dict_str(d, d->entries.v[i].text);
            explain(d, t, strlen(t));
        }
    vg_diag_free(&diag);
    vg_dict_free(d);
    free(text);
    return 0;
}
