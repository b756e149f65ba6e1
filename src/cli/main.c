/* main.c -- the `vigil` command: dispatches to subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    { "code", cli_code, "code records into events (JSON lines or TSV)" },
    { "validate", cli_validate, "run a TABARI validation file" },
    { "ingest", cli_ingest, "code articles into the event store (SQLite or PostgreSQL)" },
    { "export", cli_export, "write stored events as Phoenix, GDELT, ICEWS, PLOVER or CSV" },
    { "version", cli_version, "print the version" },
    { "series", cli_series, "a dyad's event counts per day, week or month (CSV or JSON)" },
    { "alerts", cli_alerts, "escalation alerts (CUSUM on conflict intensity)" },
    { "report", cli_report, "a dyad's report for the terminal: sparklines, alerts, top events" },
    { "serve", cli_serve, "JSON API and dashboard over HTTP (read-only)" },
    { "dict", cli_dict, "check, look up and measure dictionaries; find uncoded names" },
    { "train", cli_train, "train a model head on labelled sentences (cross-validate with --cv)" },
};

static void usage(FILE *f)
{
    fputs("usage: vigil COMMAND [ARGS]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
