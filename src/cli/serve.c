/* serve.c -- `vigil serve`: the JSON API and the dashboard (src/server.c). */
#include "cli.h"
#include "server.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static const cli_opt options[] = {
    { "--db URL", "the store: a SQLite file (default vigil.db) or postgresql://..." },
    { "--bind ADDR", "an IPv4 or IPv6 address to listen on (default 127.0.0.1); beyond "
                     "loopback the API has no authentication" },
    { "--port N", "the port (default 8080; 0 picks a free one)" },
    { "--assets DIR", "the dashboard's files (default: the web folder next to the program)" },
    { "--threads N", "request threads, and store connections (default 2)" },
    { "--max-conn N", "concurrent connections (default 1024; lowered to fit the open-file "
                      "limit, ulimit -n, when it cannot be raised)" },
    { "--per-ip N", "connections per client address (default 48)" },
    { "--timeout S", "idle seconds before a connection is closed (default 10)" },
    { "--cache-ttl S", "seconds an answer is cached at most (default 60; 0: no cache); a "
                       "commit to the store empties the cache at once" },
    { "--cors ORIGIN", "let pages of these origins read the API from the browser: * (any) or "
                       "https://a.example,http://localhost:3000 (default: none, same origin "
                       "only)" },
    { NULL, NULL }
};

const cli_help cli_help_serve = {
    .name = "serve",
    .summary = "JSON API and dashboard over HTTP (read-only)",
    .synopsis = "[--db URL] [--bind ADDR] [--port N] [--assets DIR] [OPTIONS] [DETECTOR]",
    .description =
        "Serves the store read-only over HTTP: the JSON API (/api/events, also as CSV with "
        "format=csv, /api/events/ID, /api/series, /api/alerts, /api/dyads, /api/places, "
        "/api/meta; reference: docs/dashboard.md) and the dashboard's static files. GET and "
        "HEAD only; every query parameter is checked, with bounded sizes. The API answers "
        "pages of other origins only with --cors. The address is printed on "
        "standard error; SIGINT or SIGTERM stops the server. The detector options apply "
        "to /api/alerts.",
    .options = options,
    .watch_options = true,
    .examples = "vigil serve --db vigil.db\n"
                "vigil serve --db postgresql:///events --port 0 --assets build/web\n"
                "vigil serve --db vigil.db --cors http://localhost:3000",
};

static int fail(const char *what, const char *arg)
{
    return cli_usage_error(&cli_help_serve, what, arg);
}

char *cli_default_assets(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *dir = vg_dirname(exe), *web = vg_path_join(dir, "web");
    free(dir);
    if (access(web, R_OK | X_OK) == 0) return web;
    free(web);
    return NULL;
}

static void log_stderr(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "vigil serve: %s\n", msg);
}

/* Room for --max-conn connections: the soft limit on open files is often
 * 1024; raise it towards the hard one, else lower --max-conn to fit. */
static void fit_open_files(vg_server_opts *o)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)o->max_conn + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want) return;
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur >= want) return;
    int fit = rl.rlim_cur > 128 ? (int)(rl.rlim_cur - 64) : 64;
    fprintf(stderr, "vigil serve: warning: %llu open files allowed (ulimit -n): --max-conn "
                    "lowered from %d to %d\n", (unsigned long long)rl.rlim_cur, o->max_conn, fit);
    o->max_conn = fit;
}

static bool int_opt(const char *a, const char *v, const char *name, int lo, int hi, int *out,
                    bool *bad)
{
    if (strcmp(a, name)) return false;
    if (!cli_int(v, lo, hi, out)) *bad = true;
    return true;
}

int cli_serve(int argc, char **argv)
{
    vg_server_opts o;
    vg_server_opts_default(&o);
    o.log = log_stderr;
    const char *why = NULL;
    char *auto_assets = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return fail("missing value or unknown option", a);
        i++;
        bool bad = false;
        int r = cli_watch_arg(&o.params, a, v, &why);
        if (r < 0) return fail(why, v);
        if (r > 0) continue;
        if (!strcmp(a, "--db")) o.db_path = v;
        else if (!strcmp(a, "--bind")) o.bind = v;
        else if (!strcmp(a, "--assets")) o.assets = v;
        else if (!strcmp(a, "--cors")) {
            if (!vg_server_cors_ok(v, &why)) return fail(why, v);
            o.cors = v;
        }
        else if (int_opt(a, v, "--port", 0, 65535, &o.port, &bad) ||
                 int_opt(a, v, "--threads", 1, 64, &o.threads, &bad) ||
                 int_opt(a, v, "--max-conn", 1, 10000, &o.max_conn, &bad) ||
                 int_opt(a, v, "--per-ip", 1, 10000, &o.per_ip, &bad) ||
                 int_opt(a, v, "--timeout", 1, 3600, &o.timeout, &bad) ||
                 int_opt(a, v, "--cache-ttl", 0, 86400, &o.cache_ttl, &bad)) {
            if (bad) return fail("bad value", v);
        } else {
            return fail("unknown option", a);
        }
    }
    if (!o.assets) o.assets = auto_assets = cli_default_assets();
    fit_open_files(&o);
    /* Block the stop signals in every thread; this one waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    char err[512];
    vg_server *s = vg_server_start(&o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vigil serve: %s\n", err);
        free(auto_assets);
        return 2;
    }
    bool v6 = strchr(o.bind, ':') != NULL;
    fprintf(stderr, "vigil serve: listening on http://%s%s%s:%d/ (db %s, assets %s%s%s)\n",
            v6 ? "[" : "", o.bind, v6 ? "]" : "", vg_server_port(s), o.db_path,
            o.assets ? o.assets : "none: API only", o.cors ? ", CORS for " : "",
            o.cors ? o.cors : "");
    if (strncmp(o.bind, "127.", 4) && strcmp(o.bind, "::1"))
        fprintf(stderr, "vigil serve: warning: listening beyond loopback; the API has no authentication\n");
    int sig;
    sigwait(&set, &sig);
    fprintf(stderr, "vigil serve: stopping\n");
    vg_server_stop(s);
    free(auto_assets);
    return 0;
}
