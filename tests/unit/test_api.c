/* test_api.c -- the API's response cache (server.h): an answer is cached
 * until the store changes, whichever pool connection serves the request,
 * and another process's commit empties it.  The store is examples/
 * ingested through the public API (tests/fixtures/example_store.h; run from
 * the repository). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include "server.h"
#include "../fixtures/example_store.h"

static char dir[64], db[96];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/vigil-test-api.XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(db, sizeof db, "%s/events.db", dir);
    char err[256];
    if (!example_store_ingest(db, "examples/border-crisis-2023.jsonl", err, sizeof err)) return 0;
    fprintf(stderr, "test_api: cannot build the store (run from the repository): %s\n", err);
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const side[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s%s", db, side[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static vg_api *api_open(int threads)
{
    vg_server_opts o;
    vg_server_opts_default(&o);
    o.db_path = db;
    o.threads = threads;
    o.cache_ttl = 60;
    char err[256];
    vg_api *a = vg_api_new(&o, false, err, sizeof err);
    if (!a) fail_msg("vg_api_new: %s", err);
    return a;
}

/* One request for /api/series?dyad=SRB-KSV; returns whether it was a hit. */
static bool series(vg_api *a)
{
    vg_api_args q = {0};
    vg_api_args_add(&q, "dyad", 4, "SRB-KSV", 7);
    vg_buf out = {0};
    vg_api_reply r;
    int status = vg_api_request(a, "/api/series", &q, &out, &r);
    assert_int_equal(status, 200);
    assert_non_null(strstr(out.s, "\"periods\""));
    vg_buf_free(&out);
    return r.cached;
}

typedef struct { vg_api *a; int misses; } burst;

static void *burst_run(void *p)
{
    burst *b = p;
    for (int i = 0; i < 300; i++) b->misses += !series(b->a);
    return NULL;
}

/* The first answer is computed; after it, requests from four threads over
 * two connections are all hits.  (A connection's first request used to
 * count as a change of the store and empty the cache.) */
static void test_cache_across_connections(void **state)
{
    (void)state;
    vg_api *a = api_open(2);
    assert_false(series(a));
    assert_true(series(a));
    burst b[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        b[i] = (burst){ a, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, burst_run, &b[i]), 0);
    }
    int misses = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        misses += b[i].misses;
    }
    assert_int_equal(misses, 0);
    vg_api_free(a);
}

/* Another process's commit (here another connection's) is seen: the next
 * answer is computed again, then cached again. */
static void test_cache_dropped_on_commit(void **state)
{
    (void)state;
    vg_api *a = api_open(1);
    assert_false(series(a));
    assert_true(series(a));
    char err[256];
    if (example_store_ingest(db, "examples/border-crisis-2023-wires.jsonl", err, sizeof err))
        fail_msg("ingest: %s", err);
    assert_false(series(a));
    assert_true(series(a));
    vg_api_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_across_connections),
        cmocka_unit_test(test_cache_dropped_on_commit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
