/* dictload.c -- how long opening a dictionary set takes in a fresh
 * process: wall and CPU time of vg_dict_open (the built-in image, an
 * image from the cache, or parsing with --no-dict-cache), and the minor
 * page faults it caused.  bench/dictload.sh runs it many times and prints
 * medians; it is a benchmark, not a test.
 *
 *   dictload [--no-dict-cache] [--dict-image F] [--config F | --verbs F ...] */
#define _DEFAULT_SOURCE
#include "dict.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double secs(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long minflt(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

int main(int argc, char **argv)
{
    vg_dict_spec sp = {0};
    bool cache = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-dict-cache")) { cache = false; continue; }
        if (!v) { fprintf(stderr, "dictload: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--config")) sp.config = v;
        else if (!strcmp(a, "--project")) sp.project = v;
        else if (!strcmp(a, "--options")) sp.options = v;
        else if (!strcmp(a, "--verbs")) vg_vec_push(&sp.verbs, v);
        else if (!strcmp(a, "--actors")) vg_vec_push(&sp.actors, v);
        else if (!strcmp(a, "--agents")) vg_vec_push(&sp.agents, v);
        else if (!strcmp(a, "--dict-image")) sp.image = v;
        else { fprintf(stderr, "dictload: unknown option %s\n", a); return 2; }
        i++;
    }
    char *dir = cache ? vg_dict_cache_dir() : NULL;
    sp.cache_dir = dir;
    vg_diag diag = {0};
    char err[1024];
    long f0 = minflt();
    double w0 = secs(CLOCK_MONOTONIC), c0 = secs(CLOCK_PROCESS_CPUTIME_ID);
    vg_dict *d = vg_dict_open(&sp, &diag, err, sizeof err);
    double w1 = secs(CLOCK_MONOTONIC), c1 = secs(CLOCK_PROCESS_CPUTIME_ID);
    long f1 = minflt();
    if (!d) { fprintf(stderr, "dictload: %s\n", err); return 1; }
    printf("wall_ms %.3f cpu_ms %.3f minflt %ld entries %zu patterns %zu mapped %d\n",
           (w1 - w0) * 1e3, (c1 - c0) * 1e3, f1 - f0, d->entries.n, d->patterns.n,
           d->map != NULL);
    vg_dict_free(d);
    vg_diag_free(&diag);
    vg_dict_spec_free(&sp);
    free(dir);
    return 0;
}
