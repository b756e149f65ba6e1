/* validate.c -- `vigil validate FILE --project P [--events OUT.jsonl]`:
 * runs a validation suite (src/validate.c does the scoring). */
#include "cli.h"
#include "pipeline.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt options[] = {
    { "--project P", "the TABARI .project of a TABARI validation file (required for those)" },
    { "--events OUT", "also write the coded events to OUT, as JSON lines" },
    { "--all", "score a TABARI file to its end (by default scoring stops at the record "
               "FINAL-01, as TABARI's does)" },
    { "-v, --verbose", "a line for records that pass too" },
    { NULL, NULL }
};

const cli_help cli_help_validate = {
    .name = "validate",
    .summary = "run a TABARI validation file or PETRARCH unit tests",
    .synopsis = "FILE --project P [--events OUT.jsonl] [--all] [-v]\n"
                "FILE.xml [--events OUT.jsonl] [-v] [DICTIONARIES]",
    .description =
        "Codes a validation suite and scores it. A TABARI validation file keeps the "
        "expected events of each record in its comments ({SRC/TGT/CODE}, {---} for none, "
        "{###} discarded, {+++} too complex, {OPTION: ...} to change the coding options); "
        "a record passes when it codes exactly those, as in TABARI's V)alidate mode. A "
        "PETRARCH unit-test file (.xml) has <EventCoding> elements; its records are scored "
        "exactly right or not, and its events by precision and recall.\n\n"
        "Each failed record is printed with what it coded, then a summary line. The exit "
        "status is 0 when every scored record passed, 1 otherwise. VIGIL_TRACE=ID prints "
        "the sentence analysis of record ID.",
    .options = options,
    .dict_options = true,
    .model_options = true,
    .examples = "vigil validate Validate.text --project Validate.project\n"
                "vigil validate PETR.UnitTest.dev.xml --config PETR_config.ini",
};

int cli_validate(int argc, char **argv)
{
    const char *file = NULL, *project = NULL, *events = NULL;
    vg_validate_opts o = { .stop = "FINAL-01", .trace = getenv("VIGIL_TRACE") };
    vg_dict_spec sp = {0};
    cli_modelspec ms = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--project") && i + 1 < argc) project = argv[++i];
        else if (cli_dict_arg(&sp, argc, argv, &i) || cli_model_arg(&ms, argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--events") && i + 1 < argc) events = argv[++i];
        else if (!strcmp(argv[i], "--all")) o.stop = NULL;
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) o.verbose = true;
        else if (argv[i][0] != '-' && !file) file = argv[i];
        else {
            fprintf(stderr, "vigil validate: unknown argument '%s'\n", argv[i]);
            cli_usage(&cli_help_validate, stderr);
            vg_dict_spec_free(&sp);
            return 2;
        }
    }
    size_t flen = file ? strlen(file) : 0;
    bool xml = flen > 4 && !strcmp(file + flen - 4, ".xml");
    if (!file || (!project && !xml)) {
        cli_usage(&cli_help_validate, stderr);
        vg_dict_spec_free(&sp);
        return 2;
    }
    vg_diag diag = {0};
    diag.echo = stderr;
    vg_dict *d;
    if (project) {
        /* the project alone (its files name everything) */
        vg_dict_spec ps = {0};
        ps.project = project;
        ps.image = sp.image;
        ps.cache_dir = sp.cache_dir;
        d = cli_load_dicts(&ps, &diag, "validate");
    } else {
        d = cli_load_dicts(&sp, &diag, "validate");
    }
    if (!d) {
        vg_diag_free(&diag);
        vg_dict_spec_free(&sp);
        cli_modelspec_free(&ms);
        return 2;
    }
    /* hybrid with Vigil's own dictionaries, unless asked otherwise */
    vg_code_opts co = {0};
    sp.project = project;
    bool model_ok = cli_model_setup(&ms, &sp, &co, "validate");
    vg_dict_spec_free(&sp);
    if (!model_ok) {
        vg_dict_free(d);
        vg_diag_free(&diag);
        return 2;
    }
    if (co.model) o.decider = vg_decider_new(co.model, co.fallback, &co.mopts);
    d->opt = vg_code_options(&d->opt, &co);
    FILE *ev = NULL;
    size_t len;
    char *text = NULL;
    int rc = 2;
    if (events && !(ev = fopen(events, "w"))) perror(events);
    else if (!(text = vg_read_file(file, &len))) perror(file);
    else {
        o.events = ev != NULL;
        vg_validate_result r = {0};
        vg_validate(d, xml ? VG_FMT_PETRARCH : VG_FMT_TABARI, file, text, len, &o, &diag, &r);
        if (r.report.len) fwrite(r.report.s, 1, r.report.len, stdout);
        if (ev && r.events.len) fwrite(r.events.s, 1, r.events.len, ev);
        rc = r.passed == r.scored ? 0 : 1;
        vg_validate_result_free(&r);
    }
    if (ev) fclose(ev);
    free(text);
    vg_decider_free(o.decider);
    cli_modelspec_free(&ms);
    vg_dict_free(d);
    vg_diag_free(&diag);
    return rc;
}
