/* dict.c -- `vigil dict`: check, look up and measure dictionaries; find
 * uncoded names in a corpus.  The work is done by dict_check.c and
 * unknown.c; this file parses arguments and prints. */
#include "cli.h"
#include "dict_check.h"
#include "pipeline.h"
#include "unknown.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const cli_opt options[] = {
    { "--expired YYYY-MM-DD", "check: also warn about actors with no code valid on that day" },
    { "--date YYYY-MM-DD", "lookup: the day codes are chosen for; unknown: the date of "
                           "undated records (default: today)" },
    { "--json", "lookup, stats: one JSON object instead of text" },
    { "--format F", "unknown: how the corpus is written (jsonl, text, tabari, petrarch; "
                    "default: by extension)" },
    { "--top N", "unknown: names listed (default 50)" },
    { "-o F", "compile: write the image to F (default: the image cache, for files named)" },
    { "--min N", "unknown: sentences a name must appear in (default 2)" },
    { NULL, NULL }
};

const cli_help cli_help_dict = {
    .name = "dict",
    .summary = "check, look up and measure dictionaries; find uncoded names",
    .synopsis = "check [--expired DATE] [DICTIONARIES]\n"
                "lookup PHRASE [--date DATE] [--json] [DICTIONARIES]\n"
                "stats [--json] [DICTIONARIES]\n"
                "compile [-o F] [DICTIONARIES]\n"
                "unknown CORPUS... [--format F] [--date DATE] [--top N] [--min N] [DICTIONARIES]",
    .description =
        "check lints a dictionary set as a compiler would, \"file:line: error: ...\": "
        "phrases defined twice with different meanings, overlapping or inverted date "
        "ranges of an actor, patterns repeated with different codes, and warnings for "
        "exact duplicates and the like; exit status 1 when there are errors.\n\n"
        "lookup explains what a phrase codes on a day, and why: every entry of every kind "
        "found at each word, with its file and line, the actor's dated codes with the one "
        "valid marked, agents composed, verbs with their codes and patterns.\n\n"
        "stats counts the entries of a set, with its load time and memory.\n\n"
        "compile writes the set's compiled image: string tables, the first-word index, "
        "patterns, synsets and options in one checksummed file that code, ingest and "
        "validate map and use without parsing (--dict-image F; docs/dictionaries.md). "
        "Sets of files are compiled into the image cache on first use anyway "
        "($VIGIL_CACHE_DIR, else ~/.cache/vigil); an image whose files changed is "
        "rebuilt, or refused when given alone.\n\n"
        "unknown lists the frequent proper names of a corpus, in subject or object "
        "position, that no dictionary codes: candidates for new actors "
        "(docs/dictionaries.md).",
    .options = options,
    .dict_options = true,
    .examples = "vigil dict check\n"
                "vigil dict lookup \"Vucic\" --date 2023-09-29\n"
                "VIGIL_DICT_DIR=dict vigil dict check --expired 2025-06-30\n"
                "vigil dict compile --config PETR_config.ini -o phoenix.vgd\n"
                "vigil dict unknown corpus.jsonl --top 20",
};

typedef struct dict_args {
    vg_dict_spec sp;
    VG_VEC(char *) pos;       /* positional arguments after the subcommand */
    int32_t date, expired;
    bool json;
    int top, min;
    vg_format fmt;
    bool fmt_given;
    const char *out;          /* compile -o */
} dict_args;

static bool date_arg(const char *s, int32_t *out)
{
    if (vg_date_parse(s, true, out)) return true;
    fprintf(stderr, "vigil dict: bad date '%s'\n", s);
    return false;
}

/* Returns 0 to go on, or an exit status. */
static int parse_one(dict_args *a, int argc, char **argv, int *i)
{
    const char *s = argv[*i];
    bool has = *i + 1 < argc;
    if (cli_dict_arg(&a->sp, argc, argv, i)) return 0;
    if (!strcmp(s, "--json")) a->json = true;
    else if (!strcmp(s, "--date") && has) { if (!date_arg(argv[++*i], &a->date)) return 2; }
    else if (!strcmp(s, "--expired") && has) { if (!date_arg(argv[++*i], &a->expired)) return 2; }
    else if (!strcmp(s, "--top") && has) { if (!cli_int(argv[++*i], 1, 1000000, &a->top)) return 2; }
    else if (!strcmp(s, "--min") && has) { if (!cli_int(argv[++*i], 1, 1000000, &a->min)) return 2; }
    else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && has) a->out = argv[++*i];
    else if (!strcmp(s, "--format") && has) {
        if (!vg_format_parse(argv[++*i], &a->fmt)) return 2;
        a->fmt_given = true;
    } else if (s[0] == '-' && s[1] && strcmp(s, "-")) {
        fprintf(stderr, "vigil dict: unknown option '%s'\n", s);
        return 2;
    } else {
        vg_vec_push(&a->pos, argv[*i]);
    }
    return 0;
}

static void free_args(dict_args *a)
{
    vg_dict_spec_free(&a->sp);
    vg_vec_free(&a->pos);
}

/* Loads the dictionaries; load problems are summarised on stderr. */
static vg_dict *load(dict_args *a, const char *cmd)
{
    vg_diag diag = {0};
    char what[32];
    snprintf(what, sizeof what, "dict %s", cmd);
    vg_dict *d = cli_load_dicts(&a->sp, &diag, what);
    if (!d) {
        vg_diag_free(&diag);
        return NULL;
    }
    if (diag.errors)
        fprintf(stderr, "vigil dict %s: %zu dictionary errors (see `vigil dict check`)\n", cmd,
                diag.errors);
    vg_diag_free(&diag);
    return d;
}

/* ---- check ---- */

static void print_gcc(const vg_diag *diag)
{
    for (size_t i = 0; i < diag->msgs.n; i++) {
        const vg_diag_msg *m = &diag->msgs.v[i];
        size_t k = vg_diag_prefix_len(m->text);
        printf("%.*s%s: %s\n", (int)k, m->text, m->level == VG_DIAG_ERROR ? "error" : "warning",
               m->text + k);
    }
}

static int cmd_check(dict_args *a)
{
    vg_diag diag = {0};
    vg_dict *d = cli_load_dicts(&a->sp, &diag, "dict check");
    if (!d) {
        vg_diag_free(&diag);
        return 2;
    }
    vg_check_opts o = { a->expired };
    vg_dict_check(d, &o, &diag);
    print_gcc(&diag);
    printf("vigil dict check: %zu error%s, %zu warning%s in %zu file%s\n", diag.errors,
           diag.errors == 1 ? "" : "s", diag.warnings, diag.warnings == 1 ? "" : "s", d->files.n,
           d->files.n == 1 ? "" : "s");
    int rc = diag.errors ? 1 : 0;
    vg_diag_free(&diag);
    vg_dict_free(d);
    return rc;
}

/* ---- lookup ---- */

static int cmd_lookup(dict_args *a)
{
    if (!a->pos.n) { cli_usage(&cli_help_dict, stderr); return 2; }
    vg_buf phrase = {0};
    for (size_t i = 0; i < a->pos.n; i++) {
        if (i) vg_buf_putc(&phrase, ' ');
        vg_buf_puts(&phrase, a->pos.v[i]);
    }
    vg_dict *d = load(a, "lookup");
    if (!d) {
        vg_buf_free(&phrase);
        return 2;
    }
    vg_buf out = {0};
    size_t n = vg_dict_explain(d, phrase.s, phrase.len, a->date ? a->date : cli_today(), a->json, &out);
    fwrite(out.s, 1, out.len, stdout);
    vg_buf_free(&out);
    vg_buf_free(&phrase);
    vg_dict_free(d);
    return n ? 0 : 1;
}

/* ---- stats ---- */

/* Resident memory in kB (Linux), 0 if unknown. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    long kb = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
    fclose(f);
    return kb;
}

static void print_stats(const vg_dict_counts *c, double ms, long kb, bool json)
{
    const struct { const char *k; size_t v; } rows[] = {
        { "files", c->files }, { "actors", c->actors }, { "actor_phrases", c->actor_phrases },
        { "dated_codes", c->dated }, { "undated_codes", c->undated },
        { "actors_with_dates", c->dated_actors }, { "agent_phrases", c->agent_phrases },
        { "agent_codes", c->agent_codes }, { "verb_blocks", c->blocks },
        { "verb_forms", c->verb_forms }, { "patterns", c->patterns }, { "synsets", c->synsets },
        { "synset_members", c->synset_members }, { "nouns", c->nouns },
        { "adjectives", c->adjectives }, { "discards", c->discards },
        { "story_discards", c->story_discards }, { "issues", c->issues },
        { "issue_categories", c->issue_categories }, { "countries", c->countries },
        { "code_prefixes", c->prefixes },
    };
    size_t n = sizeof rows / sizeof *rows;
    if (json) putchar('{');
    for (size_t i = 0; i < n; i++) {
        if (json) printf("%s\"%s\":%zu", i ? "," : "", rows[i].k, rows[i].v);
        else printf("%-18s %zu\n", rows[i].k, rows[i].v);
    }
    if (json) printf(",\"load_ms\":%.1f,\"memory_kb\":%ld}\n", ms, kb);
    else printf("%-18s %.1f ms (load and compile)\n%-18s %.1f MB (resident memory added by loading)\n",
                "load_time", ms, "memory", kb / 1024.0);
}

static int cmd_stats(dict_args *a)
{
    long kb0 = rss_kb();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vg_dict *d = load(a, "stats");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!d) return 2;
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    long kb = rss_kb() - kb0;
    vg_dict_counts c;
    vg_dict_count(d, &c);
    print_stats(&c, ms, kb > 0 ? kb : 0, a->json);
    vg_dict_free(d);
    return 0;
}

/* ---- compile ---- */

static int cmd_compile(dict_args *a)
{
    bool files = !vg_dict_spec_empty(&a->sp);
    if (a->sp.image) {
        fprintf(stderr, "vigil dict compile: --dict-image names an image to read; write with -o F\n");
        return 2;
    }
    char *cache = NULL, *path = NULL;
    const char *out = a->out;
    if (!out) {
        if (!files) {
            fprintf(stderr, "vigil dict compile: the default dictionaries are compiled into "
                    "vigil already; give -o F to write their image\n");
            return 2;
        }
        const char *given = a->sp.cache_dir;
        cache = given ? (*given ? vg_strdup(given) : NULL) : vg_dict_cache_dir();
        if (!cache) {
            fprintf(stderr, "vigil dict compile: no image cache ($VIGIL_CACHE_DIR is off): "
                    "give -o F\n");
            return 2;
        }
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vg_diag diag = {0};
    char err[1024];
    bool ok;
    if (out) {
        ok = vg_dict_compile_file(&a->sp, out, &diag, err, sizeof err);
    } else {
        /* through the cache: rebuilt unless sound and fresh */
        a->sp.cache_dir = cache;
        vg_dict *d = vg_dict_open(&a->sp, &diag, err, sizeof err);
        ok = d != NULL;
        vg_dict_free(d);
        path = vg_dict_cache_path(&a->sp);
        out = path;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    struct stat st;
    if (ok && (!out || stat(out, &st) != 0)) {
        snprintf(err, sizeof err, "%s was not written", out ? out : "the image");
        ok = false;
    }
    if (ok)
        printf("vigil dict compile: %s: %lld bytes, %zu dictionary errors, %.1f ms\n", out,
               (long long)st.st_size, diag.errors, ms);
    else
        fprintf(stderr, "vigil dict compile: %s\n", err);
    vg_diag_free(&diag);
    free(cache);
    free(path);
    return ok ? 0 : 1;
}

/* ---- unknown ---- */

/* Runs on the pipeline's (single) thread: re-analyses each coded sentence. */
static bool collect(void *ctx, const vg_record *rec, const vg_coded_record *cr, vg_buf *out,
                    void *item)
{
    (void)rec;
    (void)out;
    (void)item;
    if (!cr->ok) return true;
    for (size_t i = 0; i < cr->ns; i++)
        vg_unknown_sentence(ctx, cr->text.s + cr->s.v[i].off, cr->s.v[i].len, cr->date);
    return true;
}

static vg_format guess_format(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || !strcmp(path, "-") || !strcmp(dot, ".jsonl") || !strcmp(dot, ".json"))
        return VG_FMT_JSONL;
    return !strcmp(dot, ".xml") ? VG_FMT_PETRARCH : VG_FMT_TEXT;
}

static void print_unknown(vg_unknown *u, const dict_args *a)
{
    const vg_unknown_name *v;
    size_t n = vg_unknown_list(u, (size_t)(a->min ? a->min : 2), &v);
    size_t top = (size_t)(a->top ? a->top : 50);
    for (size_t i = 0; i < n && i < top; i++)
        printf("%zu\t%s\t%s\n", v[i].count, v[i].name, v[i].example);
    fprintf(stderr, "vigil dict unknown: %zu sentences, %zu candidates (showing %zu)\n",
            vg_unknown_sentences(u), n, n < top ? n : top);
}

static int cmd_unknown(dict_args *a)
{
    if (!a->pos.n) { cli_usage(&cli_help_dict, stderr); return 2; }
    vg_dict *d = load(a, "unknown");
    if (!d) return 2;
    vg_unknown *u = vg_unknown_new(d);
    vg_code_opts co = { .default_date = a->date ? a->date : cli_today() };
    vg_diag diag = {0};
    diag.echo = stderr;
    vg_pipeline_stats st;
    vg_pipeline_io io = { collect, NULL, u, NULL, 0, NULL };   /* one worker: collect may write u */
    bool ok = vg_pipeline_run(d, &d->opt, &co, a->fmt_given ? a->fmt : guess_format(a->pos.v[0]),
                              a->pos.v, a->pos.n, 1, &io, &diag, &st);
    print_unknown(u, a);
    vg_unknown_free(u);
    vg_diag_free(&diag);
    vg_dict_free(d);
    return ok ? 0 : 1;
}

int cli_dict(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage(&cli_help_dict, stderr);
        return 2;
    }
    dict_args a = {0};
    for (int i = 2; i < argc; i++) {
        int rc = parse_one(&a, argc, argv, &i);
        if (rc) { cli_usage(&cli_help_dict, stderr); free_args(&a); return rc; }
    }
    const char *cmd = argv[1];
    bool no_pos = !strcmp(cmd, "check") || !strcmp(cmd, "stats") || !strcmp(cmd, "compile");
    int rc;
    if (no_pos && a.pos.n) {
        fprintf(stderr, "vigil dict %s: unexpected '%s'\n", cmd, a.pos.v[0]);
        cli_usage(&cli_help_dict, stderr);
        rc = 2;
    } else if (!strcmp(cmd, "check")) rc = cmd_check(&a);
    else if (!strcmp(cmd, "lookup")) rc = cmd_lookup(&a);
    else if (!strcmp(cmd, "stats")) rc = cmd_stats(&a);
    else if (!strcmp(cmd, "unknown")) rc = cmd_unknown(&a);
    else if (!strcmp(cmd, "compile")) rc = cmd_compile(&a);
    else {
        fprintf(stderr, "vigil dict: unknown subcommand '%s'\n", cmd);
        cli_usage(&cli_help_dict, stderr);
        rc = 2;
    }
    free_args(&a);
    return rc;
}
