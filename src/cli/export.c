/* export.c -- `vigil export`: the store's events as Phoenix, GDELT, ICEWS,
 * PLOVER or CSV on standard output. */
#include "cli.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const cli_opt options[] = {
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { "--format F", "phoenix (26 columns), gdelt (GDELT 2.0 events, 61), icews (20), plover "
                    "(JSON lines) or csv (Vigil's own columns); required" },
    { "--from YYYY-MM-DD", "events on or after this day" },
    { "--to YYYY-MM-DD", "events on or before this day" },
    { "--dyad SRC-TGT", "source and target actor-code prefixes; either may be empty or * "
                        "(SRB-KSV, USA-, -RUS)" },
    { "--one-a-day", "one row per source, target, code and day, as Phoenix and ICEWS count" },
    { "--with-text", "csv and plover: add the sentence of the event's first report (csv column "
                     "sentence, PLOVER field text)" },
    { "--exact-dates", "only events dated to the day: leave out those whose date the text gives "
                       "only as a week, month or year (written as its first day otherwise)" },
    { NULL, NULL }
};

const cli_help cli_help_export = {
    .name = "export",
    .summary = "write stored events as Phoenix, GDELT, ICEWS, PLOVER or CSV",
    .synopsis = "[--db URL] --format phoenix|gdelt|icews|plover|csv [OPTIONS]",
    .description =
        "Writes the store's deduplicated events, ordered by date, to standard output in "
        "another data set's format (column mappings: docs/export.md). Each row carries its "
        "mentions' counts, sources and URLs; Phoenix's Issues column, the CSV and PLOVER "
        "also the event's issues, and the CSV and PLOVER how it was coded (method, "
        "confidence) and its date precision. Sentence numbers follow each format: from 0 "
        "in Phoenix (SentenceID), CSV and PLOVER, from 1 in ICEWS (Sentence Number).",
    .options = options,
    .examples = "vigil export --db vigil.db --format phoenix > phoenix.tsv\n"
                "vigil export --db vigil.db --format csv --dyad SRB-KSV --from 2023-09-01\n"
                "vigil export --db vigil.db --format plover --with-text > events.jsonl",
};

typedef struct export_args {
    const char *db;
    bool fmt_given;
    vg_export_opts o;
    char dyad[2][64];
} export_args;

static bool parse_dyad(const char *s, export_args *a)
{
    const char *dash = strchr(s, '-');
    if (!dash || strchr(dash + 1, '-')) return false;
    snprintf(a->dyad[0], sizeof a->dyad[0], "%.*s", (int)(dash - s), s);
    snprintf(a->dyad[1], sizeof a->dyad[1], "%s", dash + 1);
    a->o.dyad_source = a->dyad[0];
    a->o.dyad_target = a->dyad[1];
    return true;
}

static int parse_args(int argc, char **argv, export_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has = i + 1 < argc;
        bool bad = false;
        if (!strcmp(s, "--db") && has) a->db = argv[++i];
        else if (!strcmp(s, "--format") && has) {
            bad = !vg_export_fmt_parse(argv[++i], &a->o.fmt);
            a->fmt_given = true;
        } else if (!strcmp(s, "--from") && has) bad = !vg_date_parse(argv[++i], true, &a->o.from);
        else if (!strcmp(s, "--to") && has) bad = !vg_date_parse(argv[++i], true, &a->o.to);
        else if (!strcmp(s, "--dyad") && has) bad = !parse_dyad(argv[++i], a);
        else if (!strcmp(s, "--one-a-day")) a->o.one_a_day = true;
        else if (!strcmp(s, "--with-text")) a->o.with_text = true;
        else if (!strcmp(s, "--exact-dates")) a->o.exact_dates = true;
        else {
            fprintf(stderr, "vigil export: unknown argument '%s'\n", s);
            cli_usage(&cli_help_export, stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "vigil export: bad value for %s: '%s'\n", s, argv[i]);
            return 2;
        }
    }
    if (!a->fmt_given) {
        fprintf(stderr, "vigil export: --format is required\n");
        cli_usage(&cli_help_export, stderr);
        return 2;
    }
    if (a->o.with_text && a->o.fmt != VG_EXPORT_CSV && a->o.fmt != VG_EXPORT_PLOVER) {
        fprintf(stderr, "vigil export: --with-text is for csv and plover (the other formats "
                        "have no column for the sentence)\n");
        return 2;
    }
    return -1;
}

int cli_export(int argc, char **argv)
{
    export_args a = { .db = "vigil.db" };
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) return rc;
    bool pg = strstr(a.db, "://") || strstr(a.db, "dbname=");
    if (!pg && access(a.db, R_OK) != 0) {
        fprintf(stderr, "vigil export: %s: no such database (run vigil ingest first)\n", a.db);
        return 2;
    }
    vg_store *st = vg_store_new(a.db, NULL);
    if (vg_store_error(st)[0]) {
        fprintf(stderr, "vigil export: %s\n", vg_store_error(st));
        vg_store_free(st);
        return 2;
    }
    bool ok = vg_store_export(st, &a.o, stdout);
    if (!ok)
        fprintf(stderr, "vigil export: %s\n",
                vg_store_error(st)[0] ? vg_store_error(st) : "cannot write the output");
    vg_store_free(st);
    return ok ? 0 : 2;
}
