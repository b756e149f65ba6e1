/* validate.c -- `vigil validate FILE --project P [--events OUT.jsonl]`:
 * runs a validation suite (src/validate.c does the scoring). */
#include "cli.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: vigil validate FILE --project P [--events OUT.jsonl] [--all] [-v]\n"
    "       vigil validate FILE.xml [--config PETR_config.ini | dictionary options]\n";

int cli_validate(int argc, char **argv)
{
    const char *file = NULL, *project = NULL, *events = NULL;
    vg_validate_opts o = { .stop = "FINAL-01", .trace = getenv("VIGIL_TRACE") };
    vg_dict_spec sp = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--project") && i + 1 < argc) project = argv[++i];
        else if (cli_dict_arg(&sp, argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--events") && i + 1 < argc) events = argv[++i];
        else if (!strcmp(argv[i], "--all")) o.stop = NULL;
        else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) o.verbose = true;
        else if (argv[i][0] != '-' && !file) file = argv[i];
        else { fprintf(stderr, "vigil validate: unknown argument '%s'\n", argv[i]); return 2; }
    }
    size_t flen = file ? strlen(file) : 0;
    bool xml = flen > 4 && !strcmp(file + flen - 4, ".xml");
    if (!file || (!project && !xml)) {
        fputs(usage, stderr);
        vg_dict_spec_free(&sp);
        return 2;
    }
    vg_diag diag = {0};
    diag.echo = stderr;
    vg_dict *d;
    if (project) {
        d = vg_dict_new();
        d->opt.tabari_compat = true;
        vg_load_tabari_project(d, project, &diag, NULL);
        vg_dict_compile(d);
    } else {
        d = vg_dict_load_spec(&sp, &diag);
    }
    vg_dict_spec_free(&sp);
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
    vg_dict_free(d);
    vg_diag_free(&diag);
    return rc;
}
