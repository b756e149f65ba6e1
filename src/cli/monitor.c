/* monitor.c -- `vigil monitor`: feeds in, alerts out, continuously
 * (src/monitor.c; docs/monitor.md). */
#include "cli.h"
#include "feed.h"
#include "monitor.h"
#include "server.h"

#include "vigil.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const cli_opt options[] = {
    { "--db URL", "the store: a SQLite file (default vigil.db, created if needed) or "
                  "postgresql://..." },
    { "--feeds FILE", "the feeds: one URL a line (http://, https://, or file:// for a feed file "
                      "or a folder of them: .xml .rss .atom .rdf), # starts a comment; the file "
                      "is read again whenever it changes; required" },
    { "--every S", "seconds between two fetches of a feed (default 300)" },
    { "--webhook URL", "POST each new alert (JSON) to URL, with an Idempotency-Key header; "
                       "repeatable" },
    { "--exec CMD", "run CMD (with /bin/sh) for each new alert, the alert's JSON on its "
                    "standard input and its key in VIGIL_ALERT_KEY; exit status 0 is success" },
    { "--no-stdout", "do not write alerts to standard output" },
    { "--port P", "also serve the dashboard and the API on port P (0: a free one; the address "
                  "is logged)" },
    { "--bind ADDR", "the address the dashboard listens on (default 127.0.0.1)" },
    { "--assets DIR", "the dashboard's files (default: the web folder next to the program)" },
    { "--fetch-articles", "fetch the page each new item links to and code its main text "
                          "(found by text density; docs/monitor.md) instead of the feed's summary" },
    { "--include-unknown", "also watch dyads with \"---\", actors whose country is unknown" },
    { "--deliver-history", "on the first start on a store that already holds reports, deliver "
                           "the alerts in its history too (default: recorded, not delivered)" },
    { "--timeout S", "seconds a fetch or a delivery may take (default 30)" },
    { "--max-size MB", "the largest feed or page read, decoded (default 10)" },
    { "--max-items N", "items read per feed document (default 10000)" },
    { "--parallel N", "transfers at once (default 16)" },
    { "--max-backoff S", "the longest wait before fetching a failing feed again (default 21600); "
                         "the wait doubles from --every with each failure" },
    { "--retries N", "delivery attempts before one is given up (default 10)" },
    { "--retry-base S", "the wait before the second attempt, doubling after (default 5, at most "
                        "an hour)" },
    { "--batch N", "articles per transaction while a feed's new items are stored (default 500)" },
    { "--gazetteer FILE", "where places are looked up (as for vigil ingest)" },
    { "-j N", "code on N threads (default: the online processors)" },
    { "-q, --quiet", "no log line for a feed that brought nothing new" },
    { "--extract FILE", "print the main text found in a saved HTML page, and stop (to see what "
                        "--fetch-articles would code)" },
    { NULL, NULL }
};

const cli_help cli_help_monitor = {
    .name = "monitor",
    .summary = "watch news feeds: fetch, code, store, detect and deliver alerts, continuously",
    .synopsis = "--feeds FILE [--db URL] [--every S] [--webhook URL]... [--exec CMD] [--port P]\n"
                "[--fetch-articles] [OPTIONS] [DICTIONARIES] [DETECTOR]\n"
                "--extract PAGE.html",
    .description =
        "Runs until SIGTERM or SIGINT. Every --every seconds it fetches each feed (RSS 2.0, "
        "RSS 1.0 or Atom) with a conditional GET, a timeout and a size limit; a feed that "
        "fails is fetched again after a wait that doubles with each failure. New items (not "
        "seen before by link, nor by a digest of their text) are coded with their own date "
        "-- an item without one is logged and skipped, never dated today -- and committed "
        "to the store, SQLite or PostgreSQL. After each commit the escalation detector "
        "runs on the dyads of the new reports, and each new alert is written as one JSON "
        "line on standard output, POSTed to every --webhook and given to --exec, with "
        "retries and a delivery log in the store (payload: docs/monitor.md). One log line "
        "per feed fetched goes to standard error.\n\n"
        "After SIGKILL or a crash, a restart loses nothing and repeats nothing: what was "
        "not committed is fetched again, what was is not coded again, and each alert is "
        "delivered to each target once (one under way when the process died is tried "
        "again with the same Idempotency-Key). On the first start on a store that already "
        "holds reports, the alerts of its history are recorded but not delivered "
        "(--deliver-history delivers them).",
    .options = options,
    .dict_options = true,
    .model_options = true,
    .watch_options = true,
    .examples = "vigil monitor --db vigil.db --feeds feeds.txt --webhook http://127.0.0.1:9000/alerts\n"
                "vigil monitor --db postgresql:///events --feeds feeds.txt --port 8080 --every 600\n"
                "vigil monitor --feeds feeds.txt --exec 'mail -s \"vigil alert\" ops@example.org'",
};

static int fail(const char *what, const char *arg)
{
    return cli_usage_error(&cli_help_monitor, what, arg);
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    char now[32];
    cli_iso_now(now);
    fprintf(stderr, "%s vigil monitor: %s\n", now, line);
    fflush(stderr);
}

static bool emit(void *ctx, const char *json)
{
    (void)ctx;
    if (fputs(json, stdout) < 0 || fputc('\n', stdout) == EOF) return false;
    return fflush(stdout) == 0;
}

static int extract(const char *path)
{
    size_t len;
    char *html = vg_read_file(path, &len);
    if (!html) {
        fprintf(stderr, "vigil monitor: cannot read '%s'\n", path);
        return 2;
    }
    vg_buf out = { 0 };
    vg_html_main info;
    bool ok = vg_html_main_text(html, len, &out, &info);
    free(html);
    if (ok) puts(out.s);
    fprintf(stderr, "vigil monitor: %s: %zu characters of main text from %zu paragraphs%s\n",
            path, info.chars, info.blocks, info.fallback ? " (no container stood out: every "
                                                           "paragraph with little link text)" : "");
    vg_buf_free(&out);
    return ok ? 0 : 1;
}

typedef struct margs {
    vg_monitor_opts o;
    vg_dict_spec sp;
    cli_modelspec ms;
    VG_VEC(const char *) hooks;
    const char *gazetteer, *bind, *assets, *extract;
    int port;                 /* -1: no dashboard */
    int threads;
} margs;

static int parse(margs *a, int argc, char **argv)
{
    const char *why = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (cli_dict_arg(&a->sp, argc, argv, &i) || cli_model_arg(&a->ms, argc, argv, &i)) continue;
        if (cli_watch_flag(&a->o.params, s)) continue;
        if (!strcmp(s, "--fetch-articles")) { a->o.fetch_articles = true; continue; }
        if (!strcmp(s, "--deliver-history")) { a->o.deliver_history = true; continue; }
        if (!strcmp(s, "--no-stdout")) { a->o.stdout_alerts = false; continue; }
        if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) { a->o.quiet = true; continue; }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return fail("missing value or unknown option", s);
        i++;
        int r = cli_watch_arg(&a->o.params, s, v, &why);
        if (r < 0) return fail(why, v);
        if (r > 0) continue;
        int n;
        if (!strcmp(s, "--db")) a->o.db = v;
        else if (!strcmp(s, "--feeds")) a->o.feeds_file = v;
        else if (!strcmp(s, "--webhook")) {
            if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
                return fail("a webhook is an http:// or https:// URL", v);
            vg_vec_push(&a->hooks, v);
        } else if (!strcmp(s, "--exec")) a->o.exec_cmd = v;
        else if (!strcmp(s, "--gazetteer")) a->gazetteer = v;
        else if (!strcmp(s, "--bind")) a->bind = v;
        else if (!strcmp(s, "--assets")) a->assets = v;
        else if (!strcmp(s, "--extract")) a->extract = v;
        else if (!strcmp(s, "--every")) { if (!cli_int(v, 1, 86400 * 7, &a->o.every)) return fail("bad interval", v); }
        else if (!strcmp(s, "--port")) { if (!cli_int(v, 0, 65535, &a->port)) return fail("bad port", v); }
        else if (!strcmp(s, "--timeout")) {
            if (!cli_int(v, 1, 3600, &n)) return fail("bad timeout", v);
            a->o.timeout_ms = n * 1000L;
        } else if (!strcmp(s, "--max-size")) {
            if (!cli_int(v, 1, 4096, &n)) return fail("bad size", v);
            a->o.max_bytes = (size_t)n << 20;
        } else if (!strcmp(s, "--max-items")) {
            if (!cli_int(v, 1, 1000000, &n)) return fail("bad count", v);
            a->o.max_items = (size_t)n;
        } else if (!strcmp(s, "--parallel")) { if (!cli_int(v, 1, 256, &a->o.max_parallel)) return fail("bad count", v); }
        else if (!strcmp(s, "--max-backoff")) { if (!cli_int(v, 1, 86400 * 7, &a->o.max_backoff)) return fail("bad interval", v); }
        else if (!strcmp(s, "--retries")) { if (!cli_int(v, 1, 1000, &a->o.retries)) return fail("bad count", v); }
        else if (!strcmp(s, "--retry-base")) { if (!cli_int(v, 1, 3600, &a->o.retry_base)) return fail("bad interval", v); }
        else if (!strcmp(s, "-j")) { if (!cli_int(v, 1, 256, &a->threads)) return fail("bad count", v); }
        else if (!strcmp(s, "--batch")) {
            if (!cli_int(v, 1, 1000000, &a->o.store.batch)) return fail("bad count", v);
        }
        else return fail("unknown option", s);
    }
    if (a->extract) return -1;
    if (!a->o.feeds_file) {
        fprintf(stderr, "vigil monitor: --feeds FILE is required\n");
        cli_usage(&cli_help_monitor, stderr);
        return 2;
    }
    return -1;
}

static vg_gazetteer *open_gazetteer(const char *given)
{
    char *path = given ? vg_strdup(given) : vg_gazetteer_default_path();
    char err[256] = "";
    vg_gazetteer *g = path ? vg_gazetteer_open(path, err, sizeof err) : NULL;
    if (!g)
        fprintf(stderr, "vigil monitor: %s%s: places in the text are not located; events get "
                        "their actors' country\n",
                path ? "cannot open the gazetteer: " : "no gazetteer found", path ? err : "");
    free(path);
    return g;
}

static int run(margs *a)
{
    vg_diag diag = { 0 };
    diag.echo = stderr;
    vg_code_opts co = { 0 };
    if (!cli_model_setup(&a->ms, &a->sp, &co, "monitor")) return 2;
    vg_dict *d = vg_dict_load_spec(&a->sp, &diag);
    vg_gazetteer *g = open_gazetteer(a->gazetteer);
    vg_monitor_opts *o = &a->o;
    o->ingest = (vg_ingest_opts){ .dict = d, .code = co, .threads = a->threads, .gaz = g,
                                  .flush_count = o->store.batch };
    o->webhooks = a->hooks.v;
    o->nwebhooks = a->hooks.n;
    o->log = log_line;
    o->emit = emit;
    char ua[64];
    snprintf(ua, sizeof ua, "vigil-monitor/%s", VG_VERSION);
    o->user_agent = ua;
    cli_stop_signals();
    char err[1024];
    vg_monitor *m = vg_monitor_new(o, err, sizeof err);
    int rc = 0;
    vg_server *srv = NULL;
    char *auto_assets = NULL;
    if (!m) {
        fprintf(stderr, "vigil monitor: %s\n", err);
        rc = 2;
    } else if (a->port >= 0) {
        vg_server_opts so;
        vg_server_opts_default(&so);
        so.db_path = o->db;
        so.port = a->port;
        if (a->bind) so.bind = a->bind;
        so.assets = a->assets ? a->assets : (auto_assets = cli_default_assets());
        so.params = o->params;
        so.log = log_line;
        srv = vg_server_start(&so, err, sizeof err);
        if (!srv) {
            fprintf(stderr, "vigil monitor: the dashboard: %s\n", err);
            rc = 2;
        } else {
            bool v6 = strchr(so.bind, ':') != NULL;
            char line[256];
            snprintf(line, sizeof line, "dashboard on http://%s%s%s:%d/ (assets %s)",
                     v6 ? "[" : "", so.bind, v6 ? "]" : "", vg_server_port(srv),
                     so.assets ? so.assets : "none: API only");
            log_line(NULL, line);
        }
    }
    if (!rc && !vg_monitor_run(m, cli_stop_flag(), err, sizeof err)) {
        fprintf(stderr, "vigil monitor: %s\n", err);
        rc = 2;
    }
    if (m) {
        vg_monitor_stats s;
        vg_monitor_get_stats(m, &s);
        char line[400];
        snprintf(line, sizeof line, "%s: %zu fetches (%zu not modified, %zu failed), %zu items "
                 "seen, %zu new, %zu stored, %zu undated, %zu alerts, %zu deliveries",
                 cli_stopping() ? "stopped" : "ended", s.fetches, s.not_modified, s.failures,
                 s.items_seen, s.items_new, s.items_stored, s.items_undated, s.alerts_new,
                 s.deliveries_done);
        log_line(NULL, line);
    }
    if (srv) vg_server_stop(srv);
    vg_monitor_free(m);
    free(auto_assets);
    vg_gazetteer_close(g);
    vg_dict_free(d);
    vg_diag_free(&diag);
    return rc;
}

int cli_monitor(int argc, char **argv)
{
    margs a;
    memset(&a, 0, sizeof a);
    vg_monitor_opts_default(&a.o);
    a.o.db = "vigil.db";
    a.port = -1;
    a.threads = cli_default_threads();
    int rc = parse(&a, argc, argv);
    if (rc < 0) rc = a.extract ? extract(a.extract) : run(&a);
    vg_vec_free(&a.hooks);
    vg_dict_spec_free(&a.sp);
    cli_modelspec_free(&a.ms);
    return rc;
}
