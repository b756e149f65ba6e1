/* ingest.c -- `vigil ingest`: code articles into the event store. */
#include "cli.h"
#include "ingest.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const cli_opt options[] = {
    { "--db URL", "the store: a SQLite file (default vigil.db, created if needed) or "
                  "postgresql://... (or a libpq \"host=... dbname=...\" string)" },
    { "--format F", "read every input as jsonl, text, tabari or petrarch (default: by each "
                    "file's extension: .jsonl/.json, .xml, .tabari/.evt, anything else is "
                    "text)" },
    { "--date YYYY-MM-DD", "the date of records that have none; without it such records "
                           "are reported (id, \"no date\") and skipped, never dated today" },
    { "--lede N", "code only the first N sentences of each article" },
    { "-j N", "code on N threads (default: the online processors, at most 16)" },
    { "--batch N", "articles per transaction (default 500); with - and --follow, a commit as "
                   "soon as N articles wait" },
    { "--flush-ms MS", "with - and --follow: commit what waits once the oldest has waited MS "
                       "milliseconds (default 1000), so an article is stored within a second "
                       "of its arrival" },
    { "--follow DIR", "ingest the input files of DIR, then keep watching it (inotify) and "
                      "ingest each file written or moved into it, until SIGTERM or SIGINT" },
    { "--gazetteer FILE", "where places are looked up (default: $VIGIL_GAZETTEER, then "
                          "gazetteer.bin next to the program, then "
                          "../share/vigil/gazetteer.bin beside it)" },
    { "--lock-timeout S", "wait up to S seconds for another writer (default 10)" },
    { "-v, --verbose", "print the summary even when standard error is not a terminal, and "
                       "list the files skipped in directories (not an input format: "
                       "README.md, a .c file) and, with --follow, each file read" },
    { NULL, NULL }
};

const cli_help cli_help_ingest = {
    .name = "ingest",
    .summary = "code articles into the event store (SQLite or PostgreSQL)",
    .synopsis = "[--db URL] [OPTIONS] [DICTIONARIES] [INPUT...|-]",
    .description =
        "Codes every input (files, directories recursively, or - for standard input) and "
        "adds the articles to the store. In directories only the input formats are read "
        "(.jsonl .json .ndjson .xml .tabari .evt .txt .text; with --format, that format's); "
        "other files are skipped (-v lists them). Each event's date (time expressions such as "
        "\"on Sunday\" resolved against the article's date) and place (from the gazetteer, "
        "else the actors' country) are found, and its mentions are deduplicated into "
        "events across articles and sources. An article already stored unchanged is "
        "skipped; a changed one replaces its mentions.\n\n"
        "A record without a date is never dated today: it takes --date when given, else it "
        "is reported with its id and skipped, and the others go on.\n\n"
        "Standard input (-) is read as JSON lines as they arrive: each article is coded "
        "at once and committed by count (--batch) or time (--flush-ms), whichever comes "
        "first, so a producer can pipe articles in for as long as it likes. --follow DIR "
        "does the same for a drop folder: files closed after writing or renamed into it "
        "are ingested (write a file elsewhere and rename it in, or just close it).\n\n"
        "Articles are committed in batches; if the store fails, the batch in progress is "
        "rolled back and a rerun completes the work. Exit status 1 when some records "
        "could not be coded, 2 when the store failed.",
    .options = options,
    .dict_options = true,
    .model_options = true,
    .examples = "vigil ingest --db vigil.db examples/\n"
                "vigil ingest --db postgresql:///events news/\n"
                "producer | vigil ingest --db vigil.db -\n"
                "vigil ingest --db vigil.db --follow /var/spool/news",
};

typedef struct ingest_args {
    vg_dict_spec sp;
    cli_modelspec ms;
    VG_VEC(char *) inputs;
    const char *db, *gazetteer, *follow;
    vg_format fmt;
    bool fmt_given, verbose;
    int flush_ms;
    vg_code_opts co;
    int threads;
    vg_store_opts so;
} ingest_args;

/* Returns -1 when the arguments are fine, else the exit status. */
static int parse_args(int argc, char **argv, ingest_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool has = i + 1 < argc;
        int secs;
        if (cli_dict_arg(&a->sp, argc, argv, &i) || cli_model_arg(&a->ms, argc, argv, &i))
            continue;
        if (!strcmp(s, "--db") && has) a->db = argv[++i];
        else if (!strcmp(s, "--gazetteer") && has) a->gazetteer = argv[++i];
        else if (!strcmp(s, "--format") && has) {
            if (!vg_format_parse(argv[++i], &a->fmt)) {
                fprintf(stderr, "vigil ingest: unknown format '%s'\n", argv[i]);
                return 2;
            }
            a->fmt_given = true;
        } else if (!strcmp(s, "--date") && has) {
            if (!vg_date_parse(argv[++i], true, &a->co.default_date)) {
                fprintf(stderr, "vigil ingest: bad date '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(s, "--lede") && has) {
            if (!cli_int(argv[++i], 1, 1000000, &a->co.lede)) return cli_usage(&cli_help_ingest, stderr), 2;
        } else if (!strcmp(s, "-j") && has) {
            if (!cli_int(argv[++i], 1, 256, &a->threads)) return cli_usage(&cli_help_ingest, stderr), 2;
        } else if (!strcmp(s, "--batch") && has) {
            if (!cli_int(argv[++i], 1, 1000000, &a->so.batch)) return cli_usage(&cli_help_ingest, stderr), 2;
        } else if (!strcmp(s, "--flush-ms") && has) {
            if (!cli_int(argv[++i], 1, 3600000, &a->flush_ms)) return cli_usage(&cli_help_ingest, stderr), 2;
        } else if (!strcmp(s, "--follow") && has) {
            a->follow = argv[++i];
        } else if (!strcmp(s, "--lock-timeout") && has) {
            if (!cli_int(argv[++i], 0, 86400, &secs)) return cli_usage(&cli_help_ingest, stderr), 2;
            a->so.lock_timeout_ms = secs ? secs * 1000 : 1;
        } else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
            a->verbose = true;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "vigil ingest: unknown option '%s'\n", s);
            cli_usage(&cli_help_ingest, stderr);
            return 2;
        } else {
            vg_vec_push(&a->inputs, argv[i]);
        }
    }
    if (a->follow && a->inputs.n) {
        fprintf(stderr, "vigil ingest: --follow reads its folder alone; drop '%s'\n",
                a->inputs.v[0]);
        return 2;
    }
    return cli_model_setup(&a->ms, &a->sp, &a->co, "ingest") ? -1 : 2;
}

/* ---- progress bar ---- */

static void thousands(char *out, size_t n, size_t v)
{
    char raw[32];
    int k = snprintf(raw, sizeof raw, "%zu", v), o = 0;
    for (int i = 0; i < k && (size_t)o + 2 < n; i++) {
        if (i && (k - i) % 3 == 0) out[o++] = ',';
        out[o++] = raw[i];
    }
    out[o] = '\0';
}

static void show_progress(void *ctx, const vg_ingest_progress *p, bool final)
{
    (void)ctx;
    double t = vg_now() - p->started;
    double rate = t > 0 ? p->sentences / t : 0;
    double frac = p->bytes_total ? (double)p->bytes_done / (double)p->bytes_total : 0;
    char a[32], s[32], e[32], r[32], eta[32] = "--:--";
    thousands(a, sizeof a, p->articles);
    thousands(s, sizeof s, p->sentences);
    thousands(e, sizeof e, p->events);
    thousands(r, sizeof r, (size_t)rate);
    if (frac > 0.001 && !final) {
        long left = (long)(t / frac * (1 - frac));
        snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    }
    char bar[21];
    int fill = (int)(frac * 20 + 0.5);
    if (final) fill = 20;
    for (int i = 0; i < 20; i++) bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r[%s] %3.0f%%  %s articles  %s sentences  %s events  %s sent/s  ",
            bar, final ? 100.0 : frac * 100, a, s, e, r);
    if (final) fprintf(stderr, "in %.1fs\033[K", t);
    else fprintf(stderr, "ETA %s\033[K", eta);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

/* Record and reader errors (at most 20), after the run. */
static void print_errors(const vg_diag *d)
{
    size_t shown = 0;
    for (size_t i = 0; i < d->msgs.n; i++) {
        if (d->msgs.v[i].level != VG_DIAG_ERROR) continue;
        if (shown++ < 20) fprintf(stderr, "vigil ingest: %s\n", d->msgs.v[i].text);
    }
    if (shown > 20) fprintf(stderr, "vigil ingest: ... and %zu more errors\n", shown - 20);
}

static vg_gazetteer *open_gazetteer(const char *given)
{
    char *path = given ? vg_strdup(given) : vg_gazetteer_default_path();
    char err[256] = "";
    vg_gazetteer *g = path ? vg_gazetteer_open(path, err, sizeof err) : NULL;
    if (!g)
        fprintf(stderr, "vigil ingest: %s%s: places in the text are not located; events get "
                        "their actors' country (build the gazetteer with `make`, or set "
                        "VIGIL_GAZETTEER)\n",
                path ? "cannot open the gazetteer: " : "no gazetteer found",
                path ? err : "");
    free(path);
    return g;
}

static void summary(const vg_store *st, const vg_ingest_progress *p, const vg_diag *d,
                    size_t dict_errors)
{
    vg_store_stats s;
    vg_store_get_stats(st, &s);
    fprintf(stderr, "vigil ingest: %zu articles (%zu new, %zu replaced, %zu unchanged), "
                    "%zu sentences, %zu mentions, %zu new events",
            p->articles, s.added, s.replaced, s.unchanged, p->sentences, s.mentions,
            s.events_new);
    if (p->bad) fprintf(stderr, ", %zu records failed", p->bad);
    if (dict_errors) fprintf(stderr, ", %zu dictionary errors", dict_errors);
    if (d->warnings) fprintf(stderr, ", %zu warnings", d->warnings);
    fputc('\n', stderr);
}

static void list_skipped(void *ctx, const char *path)
{
    if (*(bool *)ctx) fprintf(stderr, "vigil ingest: skipped %s (not an input format)\n", path);
}

static void file_read(void *ctx, const char *path, size_t records)
{
    if (*(bool *)ctx) fprintf(stderr, "vigil ingest: read %s: %zu records\n", path, records);
}

/* Standard input as JSON lines as they come, or a drop folder. */
static bool run_stream(ingest_args *a, vg_store *st, vg_ingest_opts *o, vg_diag *diag,
                       vg_ingest_progress *prog)
{
    o->flush_count = a->so.batch;
    o->flush_ms = a->flush_ms;
    diag->echo = stderr;                /* as they happen, not at the end */
    cli_stop_signals();
    vg_ingest_stream *s = vg_ingest_stream_new(st, o);
    const volatile int *stop = cli_stop_flag();
    bool ok = a->follow ? vg_ingest_stream_dir(s, a->follow, stop, file_read, &a->verbose, diag)
                        : vg_ingest_stream_fd(s, 0, "<stdin>", stop, diag);
    vg_ingest_stream_progress(s, prog);
    ok &= vg_ingest_stream_free(s);
    if (cli_stopping() && a->verbose)
        fprintf(stderr, "vigil ingest: stopped (signal %d); everything read is committed\n",
                cli_stopping());
    return ok;
}

static int run(ingest_args *a)
{
    vg_store *st = vg_store_new(a->db, &a->so);
    if (vg_store_error(st)[0]) {
        fprintf(stderr, "vigil ingest: %s\n", vg_store_error(st));
        vg_store_free(st);
        return 2;
    }
    vg_diag diag = { 0 };
    vg_dict *d = cli_load_dicts(&a->sp, &diag, "ingest");
    if (!d) {
        vg_diag_free(&diag);
        vg_store_free(st);
        return 2;
    }
    size_t dict_errors = diag.errors;
    vg_gazetteer *g = open_gazetteer(a->gazetteer);
    bool tty = isatty(2);
    bool streaming = a->follow || (a->inputs.n == 1 && !strcmp(a->inputs.v[0], "-") &&
                                   (!a->fmt_given || a->fmt == VG_FMT_JSONL));
    vg_ingest_opts o = { .dict = d, .code = a->co, .threads = a->threads, .gaz = g,
                         .fmt_given = a->fmt_given, .fmt = a->fmt,
                         .progress = tty && !streaming ? show_progress : NULL,
                         .skipped = list_skipped, .skipped_ctx = &a->verbose };
    vg_ingest_progress prog;
    bool ok = streaming ? run_stream(a, st, &o, &diag, &prog)
                        : vg_ingest_run(st, &o, a->inputs.v, a->inputs.n, &diag, &prog);
    if (!streaming) print_errors(&diag);
    bool stored = !vg_store_error(st)[0];
    if (!stored)
        fprintf(stderr, "vigil ingest: %s; the batch in progress was rolled back, earlier "
                        "batches are committed (rerun to complete)\n", vg_store_error(st));
    if (tty || a->verbose) summary(st, &prog, &diag, dict_errors);
    vg_store_free(st);
    vg_gazetteer_close(g);
    vg_dict_free(d);
    vg_diag_free(&diag);
    return !stored ? 2 : ok && !prog.bad ? 0 : 1;
}

int cli_ingest(int argc, char **argv)
{
    ingest_args a = { .db = "vigil.db", .threads = cli_default_threads() };
    int rc = parse_args(argc, argv, &a);
    if (rc < 0) rc = run(&a);
    vg_vec_free(&a.inputs);
    vg_dict_spec_free(&a.sp);
    cli_modelspec_free(&a.ms);
    return rc;
}
