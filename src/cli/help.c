/* help.c -- the subcommands' table, and their help: `vigil help`, `vigil
 * help CMD`, `vigil CMD --help`, and the manual pages (`vigil help --man
 * [CMD]`, which the build turns into build/man/vigil-CMD.1).  Both are
 * rendered from the one cli_help of each subcommand, so they cannot
 * disagree. */
#include "cli.h"

#include <string.h>

#include "vigil.h"

static const struct command {
    const cli_help *help;
    int (*run)(int argc, char **argv);
} commands[] = {
    { &cli_help_code, cli_code },
    { &cli_help_validate, cli_validate },
    { &cli_help_ingest, cli_ingest },
    { &cli_help_export, cli_export },
    { &cli_help_series, cli_series },
    { &cli_help_alerts, cli_alerts },
    { &cli_help_report, cli_report },
    { &cli_help_serve, cli_serve },
    { &cli_help_monitor, cli_monitor },
    { &cli_help_dict, cli_dict },
    { &cli_help_train, cli_train },
    { &cli_help_version, cli_version },
    { &cli_help_help, cli_help_cmd },
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

const cli_opt cli_dict_opts[] = {
    { "--project F", "a TABARI .project: its actors, agents, verbs and options files (coded the TABARI way)" },
    { "--config F", "a PETRARCH PETR_config.ini and the dictionaries it names" },
    { "--actors F", "an actors file (repeatable); TABARI syntax when it ends in .actors, PETRARCH otherwise" },
    { "--agents F", "an agents file (repeatable); TABARI syntax when it ends in .agents" },
    { "--verbs F", "a verbs file; TABARI syntax (and TABARI coding) when it ends in .verbs" },
    { "--options F", "a TABARI .options file" },
    { "--discards F", "a PETRARCH discards file (repeatable)" },
    { "--issues F", "a PETRARCH issues file (repeatable)" },
    { "--dict-image F", "a compiled dictionary image (vigil dict compile): alone, the set to code "
                        "with (refused if corrupt or its files changed); with dictionary files, "
                        "where their image is kept (rebuilt when stale)" },
    { "--no-dict-cache", "parse the files named every time, without the image cache "
                         "($VIGIL_CACHE_DIR, else ~/.cache/vigil)" },
    { NULL, NULL }
};

const cli_opt cli_model_opts[] = {
    { "--coder dict|hybrid", "the dictionaries alone, or the dictionaries with the model deciding "
                             "(docs/model.md); default: hybrid with Vigil's own dictionaries, "
                             "dict with TABARI or PETRARCH dictionaries" },
    { "--model F", "a model file from `vigil train` instead of the built-in one (heads it lacks "
                   "come from the built-in model); implies --coder hybrid" },
    { "--min-confidence X", "drop the events the model gives a confidence below X (0 to 1)" },
    { "--one-sided yes|no", "whether an event may have one side unknown, as ---: one the model "
                            "adds when no coded phrase names the other side, or one whose PLOVER "
                            "category needs no recipient that the dictionaries code with its "
                            "source alone (default yes); no: events only with both actors "
                            "coded" },
    { NULL, NULL }
};

static const char usage_head[] = "usage: vigil ";

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].help->name, name)) return &commands[i];
    return NULL;
}

bool cli_wants_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* ---- text ---- */

/* Lines of s, each after prefix (the first) or indent (the others). */
static void lines(FILE *f, const char *s, const char *first, const char *indent)
{
    for (int n = 0; *s; n++) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(f, "%s%.*s\n", n ? indent : first, (int)len, s);
        s += len + (nl != NULL);
    }
}

static void synopsis_text(const cli_help *h, FILE *f)
{
    char first[64], indent[64];
    if (!*h->synopsis) { fprintf(f, "%s%s\n", usage_head, h->name); return; }
    snprintf(first, sizeof first, "%s%s ", usage_head, h->name);
    snprintf(indent, sizeof indent, "%*s", (int)strlen(first), "");
    lines(f, h->synopsis, first, indent);
}

void cli_usage(const cli_help *h, FILE *f)
{
    synopsis_text(h, f);
    fprintf(f, "Run 'vigil help %s' for the options.\n", h->name);
}

int cli_usage_error(const cli_help *h, const char *what, const char *arg)
{
    fprintf(stderr, "vigil %s: %s '%s'\n", h->name, what, arg);
    cli_usage(h, stderr);
    return 2;
}

/* Words of text wrapped at 78 columns after a first line that starts at
 * column at, the others at column indent. */
static void wrap(FILE *f, const char *text, int at, int indent)
{
    int col = at;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (!n) break;
        if (col > indent && col + 1 + (int)n > 78) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)n, p);
        col += (int)n;
        p += n;
    }
    fputc('\n', f);
}

static void options_text(FILE *f, const char *title, const cli_opt *o)
{
    fprintf(f, "\n%s:\n", title);
    for (; o && o->flag; o++) {
        int w = fprintf(f, "  %s", o->flag);
        if (w < 24) fprintf(f, "%*s", 24 - w, "");
        else { fprintf(f, "\n%24s", ""); }
        wrap(f, o->text, 24, 24);
    }
}

void cli_help_print(const cli_help *h, FILE *f)
{
    synopsis_text(h, f);
    fputc('\n', f);
    for (const char *p = h->description; *p;) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *para = vg_strndup(p, n);
        for (char *q = para; *q; q++) if (*q == '\n') *q = ' ';
        wrap(f, para, 0, 0);
        free(para);
        p += n;
        if (*p) { fputc('\n', f); p += 2; }
    }
    if (h->options) options_text(f, "Options", h->options);
    if (h->dict_options) options_text(f, "Dictionaries (default: Vigil's own)", cli_dict_opts);
    if (h->watch_options) options_text(f, "Detector (CUSUM on daily conflict intensity, docs/watch.md)",
                                       cli_watch_opts);
    if (h->model_options) options_text(f, "Model (docs/model.md)", cli_model_opts);
    if (h->examples) {
        fputs("\nExamples:\n", f);
        lines(f, h->examples, "  ", "  ");
    }
}

/* ---- roff ---- */

/* Text escaped for roff: backslashes, hyphens, and a leading dot or quote. */
static void roff(FILE *f, const char *s, size_t n, bool line_start)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c == '.' || c == '\'') && line_start) fputs("\\&", f);
        line_start = c == '\n';
        if (c == '\\') fputs("\\e", f);
        else if (c == '-') fputs("\\-", f);
        else fputc(c, f);
    }
}

static void roff_str(FILE *f, const char *s) { roff(f, s, strlen(s), true); }

static void man_header(FILE *f, const char *title, const char *name, const char *summary)
{
    fprintf(f, ".TH %s 1 \"\" \"vigil %s\" \"Vigil manual\"\n.SH NAME\n", title, VG_VERSION);
    roff_str(f, name);
    fputs(" \\- ", f);
    roff_str(f, summary);
    fputc('\n', f);
}

static void man_options(FILE *f, const char *title, const cli_opt *o)
{
    fprintf(f, ".SH %s\n", title);
    for (; o && o->flag; o++) {
        fputs(".TP\n.B ", f);
        roff_str(f, o->flag);
        fputc('\n', f);
        roff_str(f, o->text);
        fputc('\n', f);
    }
}

static void man_page(const cli_help *h, FILE *f)
{
    char title[64], name[64];
    snprintf(name, sizeof name, "vigil-%s", h->name);
    snprintf(title, sizeof title, "VIGIL-%s", h->name);
    for (char *p = title; *p; p++) *p = (char)vg_toupper((unsigned char)*p);
    man_header(f, title, name, h->summary);
    fputs(".SH SYNOPSIS\n.nf\n", f);
    if (!*h->synopsis) fprintf(f, "\\fBvigil %s\\fR\n", h->name);
    for (const char *s = h->synopsis; *s;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(f, "\\fBvigil %s\\fR ", h->name);
        roff(f, s, len, false);
        fputc('\n', f);
        s += len + (nl != NULL);
    }
    fputs(".fi\n.SH DESCRIPTION\n", f);
    for (const char *p = h->description; *p;) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        roff(f, p, n, true);
        fputc('\n', f);
        p += n;
        if (*p) { fputs(".PP\n", f); p += 2; }
    }
    if (h->options) man_options(f, "OPTIONS", h->options);
    if (h->dict_options) man_options(f, "DICTIONARIES", cli_dict_opts);
    if (h->watch_options) man_options(f, "DETECTOR", cli_watch_opts);
    if (h->model_options) man_options(f, "MODEL", cli_model_opts);
    if (h->examples) {
        fputs(".SH EXAMPLES\n.nf\n", f);
        roff_str(f, h->examples);
        fputs("\n.fi\n", f);
    }
    fputs(".SH SEE ALSO\n.BR vigil (1)\n", f);
}

/* vigil(1): the commands, the environment, the files. */
static void man_main(FILE *f)
{
    man_header(f, "VIGIL", "vigil", "political event data from news text");
    fputs(".SH SYNOPSIS\n.B vigil\n.I COMMAND\n[\\fIARGS\\fR]\n.SH DESCRIPTION\n", f);
    roff_str(f, "Vigil reads news reports and codes who did what to whom, when and where, in the "
                "CAMEO event ontology (mapped to PLOVER). It stores the events deduplicated, with "
                "every report kept as a mention, in SQLite or PostgreSQL, and watches pairs of "
                "actors for escalation, in the terminal and on a dashboard.");
    fputs("\n.PP\n", f);
    roff_str(f, "Each command has its own page, vigil-COMMAND(1), and prints its options with "
                "--help. Exit status: 0 on success, 1 when some records or entries failed, 2 on "
                "a usage or fatal error.");
    fputs("\n.SH COMMANDS\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(f, ".TP\n.BR vigil\\-%s (1)\n", commands[i].help->name);
        roff_str(f, commands[i].help->summary);
        fputc('\n', f);
    }
    fputs(".SH ENVIRONMENT\n.TP\n.B VIGIL_DICT_DIR\n", f);
    roff_str(f, "a folder with edited copies of Vigil's dictionaries, used instead of the "
                "built-in ones");
    fputs("\n.TP\n.B VIGIL_GAZETTEER\n", f);
    roff_str(f, "the gazetteer file used to locate places (default: gazetteer.bin next to the "
                "program, then ../share/vigil/gazetteer.bin beside it)");
    fputs("\n.TP\n.B VIGIL_TRACE\n", f);
    roff_str(f, "a record id whose sentence analysis vigil validate prints");
    fputs("\n.SH SEE ALSO\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, ".BR vigil\\-%s (1)%s\n", commands[i].help->name, i + 1 < NCOMMANDS ? "," : "");
}

/* ---- the commands ---- */

static void list(FILE *f)
{
    fputs("usage: vigil COMMAND [ARGS]\n\ncommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].help->name, commands[i].help->summary);
    fputs("\nRun 'vigil help COMMAND' (or 'vigil COMMAND --help') for its options.\n", f);
}

const cli_help cli_help_help = {
    .name = "help",
    .summary = "list the commands, or show one's options or manual page",
    .synopsis = "[COMMAND]\n--man [COMMAND]",
    .description =
        "Without a command, lists the commands. With one, prints its usage, what it does "
        "and its options, as 'vigil COMMAND --help' does.\n\n"
        "--man prints the manual page (roff) of the command, or of vigil itself; the build "
        "writes them to build/man and 'make install' installs them.",
    .examples = "vigil help ingest\nvigil help --man report | man -l -",
};

int cli_help_cmd(int argc, char **argv)
{
    bool man = argc > 1 && !strcmp(argv[1], "--man");
    int at = man ? 2 : 1;
    if (argc > at + 1 || (argc > at && cli_wants_help(argv[at]))) {
        if (argc > at && cli_wants_help(argv[at])) { cli_help_print(&cli_help_help, stdout); return 0; }
        cli_usage(&cli_help_help, stderr);
        return 2;
    }
    if (argc == at) {
        if (man) man_main(stdout);
        else list(stdout);
        return 0;
    }
    const struct command *c = find(argv[at]);
    if (!c) {
        fprintf(stderr, "vigil help: unknown command '%s'\n", argv[at]);
        list(stderr);
        return 2;
    }
    if (man) man_page(c->help, stdout);
    else cli_help_print(c->help, stdout);
    return 0;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argv[1])) {
        list(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const struct command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
        list(stderr);
        return 2;
    }
    /* every command but help answers --help the same way */
    if (c->run != cli_help_cmd)
        for (int i = 2; i < argc; i++)
            if (cli_wants_help(argv[i])) { cli_help_print(c->help, stdout); return 0; }
    return c->run(argc - 1, argv + 1);
}
