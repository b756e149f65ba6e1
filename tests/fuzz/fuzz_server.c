/* fuzz_server.c -- what the server does with a request target, without the
 * network.  The input's first line is the target a client sends,
 * "PATH[?QUERY]".  The path is decoded with the server's own
 * vg_http_unescape; a non-API path goes through vg_http_static_path_ok,
 * which must never let "..", a hidden file or a control character through;
 * an /api/ path has its query split at '&' and '=' and decoded as
 * libmicrohttpd does with that callback ('+' a space), each parameter added
 * with vg_api_args_add, and is answered by vg_api_request against a fixture
 * store (examples/ ingested once, without the gazetteer).  The answer must
 * be one of the statuses the API documents, and valid UTF-8: JSON that
 * parses, or CSV when it says so.
 * Calls: vg_http_unescape, vg_http_static_path_ok, vg_api_args_add,
 * vg_api_new, vg_api_request, vg_api_free (and the public store API for the
 * fixture, tests/fixtures/example_store.h). */
#include "fuzz.h"
#include "server.h"
#include "../fixtures/example_store.h"

#include <unistd.h>

static char dir[64], db[96];
static vg_api *api;

static void cleanup(void)
{
    vg_api_free(api);
    unlink(db);
    char side[128];
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/vigil-fuzz-srv.XXXXXX",
             tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(db, sizeof db, "%s/fixture.db", dir);
    char err[256];
    if (example_store_ingest(db, "examples/border-crisis-2023.jsonl", err, sizeof err)) {
        fprintf(stderr, "fuzz_server: cannot build the fixture store (run from the "
                "repository): %s\n", err);
        exit(1);
    }
    vg_server_opts o;
    vg_server_opts_default(&o);
    o.db_path = db;
    o.threads = 1;
    api = vg_api_new(&o, false, err, sizeof err);
    if (!api) { fprintf(stderr, "fuzz_server: %s\n", err); exit(1); }
    atexit(cleanup);
    return 0;
}

/* libmicrohttpd's query parsing, with the server's decoder. */
static void add_args(vg_api_args *q, char *query)
{
    for (char *p = query; p && *p;) {
        char *amp = strchr(p, '&');
        if (amp) *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq) *eq = '\0';
        for (char *k = p; *k; k++) if (*k == '+') *k = ' ';
        size_t kn = vg_http_unescape(p);
        if (eq) {
            for (char *v = eq + 1; *v; v++) if (*v == '+') *v = ' ';
            size_t vn = vg_http_unescape(eq + 1);
            vg_api_args_add(q, p, kn, eq + 1, vn);
        } else {
            vg_api_args_add(q, p, kn, NULL, 0);
        }
        p = amp ? amp + 1 : NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *t = fuzz_text(data, size);
    t[strcspn(t, "\r\n")] = '\0';
    char *query = strchr(t, '?');
    if (query) *query++ = '\0';
    size_t n = vg_http_unescape(t);
    FUZZ_CHECK(n == strlen(t));
    if (strncmp(t, "/api/", 5)) {
        if (vg_http_static_path_ok(t)) {
            FUZZ_CHECK(t[0] == '/' && !strstr(t, "/.") && !strstr(t, "//"));
            for (const char *p = t; *p; p++) FUZZ_CHECK((unsigned char)*p > 0x20 && *p != '\\');
        }
        free(t);
        return 0;
    }
    if (strlen(t) > 256) { free(t); return 0; }     /* the server answers 414 first */
    vg_api_args q = {0};
    add_args(&q, query);
    vg_buf out = {0};
    vg_api_reply r;
    int status = vg_api_request(api, t, &q, &out, &r);
    FUZZ_CHECK(status == 200 || status == 400 || status == 404);
    FUZZ_CHECK(vg_utf8_valid_len(out.s ? out.s : "", out.len) == out.len);
    if (!strstr(r.type, "csv")) {
        json_error_t e;
        json_t *j = json_loadb(out.s ? out.s : "", out.len, 0, &e);
        FUZZ_CHECK(j != NULL);
        json_decref(j);
    }
    vg_buf_free(&out);
    free(t);
    return 0;
}
