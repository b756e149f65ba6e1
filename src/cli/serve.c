/* serve.c -- `vigil serve`: the JSON API and the dashboard (src/server.c). */
#include "cli.h"
#include "server.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage_head[] =
    "usage: vigil serve [--db PATH] [--bind 127.0.0.1] [--port 8080] [--assets DIR]\n"
    "                   [--threads 2] [--max-conn 64] [--per-ip 48] [--timeout 10]\n"
    "                   [--cache-ttl 60] [detector options]\n"
    "Read-only JSON API and dashboard (docs/dashboard.md).  --port 0 picks a free\n"
    "port; the address is printed on stderr.  Assets default to the web/ folder\n"
    "next to the binary (build/web).  Detector options for /api/alerts:\n";

static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "vigil serve: %s '%s'\n%s%s", what, arg, usage_head, cli_watch_usage);
    return 2;
}

/* <directory of the running binary>/web, if it is a folder. */
static char *default_assets(void)
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
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", usage_head, cli_watch_usage);
            return 0;
        }
        if (!v) return fail("missing value or unknown option", a);
        i++;
        bool bad = false;
        int r = cli_watch_arg(&o.params, a, v, &why);
        if (r < 0) return fail(why, v);
        if (r > 0) continue;
        if (!strcmp(a, "--db")) o.db_path = v;
        else if (!strcmp(a, "--bind")) o.bind = v;
        else if (!strcmp(a, "--assets")) o.assets = v;
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
    if (!o.assets) o.assets = auto_assets = default_assets();
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
    fprintf(stderr, "vigil serve: listening on http://%s%s%s:%d/ (db %s, assets %s)\n",
            v6 ? "[" : "", o.bind, v6 ? "]" : "", vg_server_port(s), o.db_path,
            o.assets ? o.assets : "none: API only");
    if (strncmp(o.bind, "127.", 4) && strcmp(o.bind, "::1"))
        fprintf(stderr, "vigil serve: warning: listening beyond loopback; the API has no authentication\n");
    int sig;
    sigwait(&set, &sig);
    fprintf(stderr, "vigil serve: stopping\n");
    vg_server_stop(s);
    free(auto_assets);
    return 0;
}
