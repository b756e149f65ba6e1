/* code.c -- `vigil code`: records in, events out (JSON lines or TSV). */
#include "cli.h"
#include "output.h"
#include "pipeline.h"

#include <stdio.h>
#include <string.h>

static const cli_opt options[] = {
    { "--format F", "how the input is written: jsonl (one article per line: id, date, text, "
                    "optional source, url, title), text (one article per file), tabari "
                    "(TABARI records) or petrarch (PETRARCH XML); default: by the first "
                    "file's extension, jsonl for standard input" },
    { "--output F", "jsonl (one event per line, with its explanation; default) or tsv (a "
                    "header row, then one row per event)" },
    { "--date YYYY-MM-DD", "the date of records that have none (default: today, UTC, with a "
                           "warning naming the first such record)" },
    { "--lede N", "code only the first N sentences of each article" },
    { "-j N", "code on N threads (default: the online processors, at most 16); the output "
              "is the same for any N" },
    { NULL, NULL }
};

const cli_help cli_help_code = {
    .name = "code",
    .summary = "code records into events (JSON lines or TSV)",
    .synopsis = "[OPTIONS] [DICTIONARIES] [FILE...|-]",
    .description =
        "Reads records (articles, TABARI records or PETRARCH sentences) from the files or "
        "from standard input, splits articles into sentences and codes each sentence into "
        "CAMEO events: source and target actor codes, the event code with its root, "
        "QuadClass, PentaClass, Goldstein score and PLOVER category, the issues of the "
        "sentence, and what matched: the dictionary entries, with file and line, and the "
        "pattern that produced the event.\n\n"
        "With Vigil's own dictionaries a learned model then decides: it keeps, relabels "
        "or drops the events the dictionaries propose and may add one they "
        "missed; every event says how it was decided (method: dictionary, model or both), "
        "with a confidence and, in matched.model, the features that weighed most "
        "(docs/model.md).\n\n"
        "Errors go to standard error with the record's id; a bad record never stops the "
        "others (bad UTF-8 is repaired, an overlong sentence is coded from its start) and "
        "the exit status is then 1. A summary line ends the run on standard error.",
    .options = options,
    .dict_options = true,
    .model_options = true,
    .examples = "vigil code --format text --date 2023-09-29 article.txt\n"
                "vigil code --output tsv articles.jsonl > events.tsv\n"
                "vigil code --project my.project --format tabari texts.txt",
};

typedef struct code_ctx {
    const vg_dict *d;
    bool tsv;
    bool date_given, warned;    /* --date given; the fallback to today reported */
    int32_t today;
} code_ctx;

/* On the calling thread, in input order: the first record dated today
 * because it had no date is reported, once. */
static bool commit(void *ctx, const vg_record *rec, const vg_coded_record *cr, const vg_buf *out,
                   void *item)
{
    (void)out;
    (void)item;
    code_ctx *cc = ctx;
    if (cc->date_given || cc->warned || !cr->ok || rec->date_text.len) return true;
    char d[11];
    vg_date_format(cc->today, d);
    fprintf(stderr, "vigil code: warning: record %s has no date: coded as of today, %s (give "
                    "--date to choose; later undated records are not reported)\n",
            rec->id.len ? rec->id.s : "?", d);
    cc->warned = true;
    return true;
}

static bool emit(void *ctx, const vg_record *rec, const vg_coded_record *cr, vg_buf *out,
                 void *item)
{
    (void)item;
    const code_ctx *cc = ctx;
    if (!cr->ok) return true;
    for (size_t i = 0; i < cr->ns; i++) {
        const vg_coded_sentence *s = &cr->s.v[i];
        vg_output_ctx cx = { .d = cc->d, .record = rec->id.s ? rec->id.s : "",
                            .sentence = cr->text.s + s->off, .sentence_len = s->len,
                            .sentence_no = (int)i, .source_name = rec->source.s,
                            .url = rec->url.s, .title = rec->title.s, .issues = &s->r.issues,
                            .expl = &s->r.expl };
        for (size_t k = 0; k < s->r.events.n; k++) {
            if (cc->tsv) vg_output_tsv(out, &cx, &s->r.events.v[k]);
            else {
                vg_output_json(out, &cx, &s->r.events.v[k]);
                vg_buf_putc(out, '\n');
            }
        }
    }
    return true;
}

static vg_format guess_format(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || !strcmp(path, "-")) return VG_FMT_JSONL;
    if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".json")) return VG_FMT_JSONL;
    if (!strcmp(dot, ".xml")) return VG_FMT_PETRARCH;
    return VG_FMT_TEXT;
}

int cli_code(int argc, char **argv)
{
    vg_dict_spec sp = {0};
    cli_modelspec ms = {0};
    VG_VEC(char *) files = {0};
    vg_format fmt = VG_FMT_JSONL;
    bool fmt_given = false, tsv = false, date_given = false;
    vg_code_opts co = { .default_date = cli_today() };
    int threads = cli_default_threads();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (cli_dict_arg(&sp, argc, argv, &i) || cli_model_arg(&ms, argc, argv, &i)) continue;
        if (!strcmp(a, "--format") && has) {
            if (!vg_format_parse(argv[++i], &fmt)) { fprintf(stderr, "vigil code: unknown format '%s'\n", argv[i]); goto fail; }
            fmt_given = true;
        } else if (!strcmp(a, "--output") && has) {
            const char *o = argv[++i];
            if (!strcmp(o, "tsv")) tsv = true;
            else if (strcmp(o, "jsonl")) { fprintf(stderr, "vigil code: unknown output '%s'\n", o); goto fail; }
        } else if (!strcmp(a, "--date") && has) {
            if (!vg_date_parse(argv[++i], true, &co.default_date)) {
                fprintf(stderr, "vigil code: bad date '%s'\n", argv[i]);
                goto fail;
            }
            date_given = true;
        } else if (!strcmp(a, "--lede") && has) {
            if (!cli_int(argv[++i], 1, 1000000, &co.lede)) { cli_usage(&cli_help_code, stderr); goto fail; }
        } else if (!strcmp(a, "-j") && has) {
            if (!cli_int(argv[++i], 1, 256, &threads)) { cli_usage(&cli_help_code, stderr); goto fail; }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "vigil code: unknown option '%s'\n", a);
            cli_usage(&cli_help_code, stderr);
            goto fail;
        } else {
            vg_vec_push(&files, argv[i]);
        }
    }
    if (!cli_model_setup(&ms, &sp, &co, "code")) goto fail;
    if (!files.n) vg_vec_push(&files, "-");
    if (!fmt_given) fmt = guess_format(files.v[0]);
    vg_diag diag = {0};
    diag.echo = stderr;
    vg_dict *d = cli_load_dicts(&sp, &diag, "code");
    if (!d) {
        vg_diag_free(&diag);
        vg_vec_free(&files);
        vg_dict_spec_free(&sp);
        cli_modelspec_free(&ms);
        return 2;
    }
    size_t dict_errors = diag.errors;
    code_ctx cc = { d, tsv, date_given, false, co.default_date };
    if (tsv) vg_output_tsv_header(stdout);
    vg_pipeline_stats st;
    vg_pipeline_io io = { emit, commit, &cc, stdout, 0, NULL };
    bool ok = vg_pipeline_run(d, &d->opt, &co, fmt, files.v, files.n, threads, &io, &diag, &st);
    fflush(stdout);
    fprintf(stderr, "vigil code: %zu records, %zu sentences, %zu events", st.records,
            st.sentences, st.events);
    if (st.bad_records) fprintf(stderr, ", %zu records failed", st.bad_records);
    if (dict_errors) fprintf(stderr, ", %zu dictionary errors", dict_errors);
    fputc('\n', stderr);
    vg_dict_free(d);
    vg_diag_free(&diag);
    vg_vec_free(&files);
    vg_dict_spec_free(&sp);
    cli_modelspec_free(&ms);
    return ok && !st.bad_records ? 0 : 1;
fail:
    vg_vec_free(&files);
    vg_dict_spec_free(&sp);
    cli_modelspec_free(&ms);
    return 2;
}
