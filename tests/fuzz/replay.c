/* replay.c -- runs a fuzz target's LLVMFuzzerTestOneInput on files and
 * directories of inputs, without libFuzzer: how tests/e2e/fuzz_replay.sh
 * replays the seed corpora and tests/fuzz/regressions/ in every build
 * (gcc and clang, with and without sanitizers).
 *   replay-TARGET PATH...     prints "N inputs"; a finding aborts */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t count;

static void run_file(const char *path)
{
    size_t len;
    char *data = vg_read_file(path, &len);
    if (!data) { fprintf(stderr, "replay: cannot read %s\n", path); exit(2); }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    count++;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return;             /* a corpus that does not exist */
    if (!S_ISDIR(st.st_mode)) { run_file(path); return; }
    DIR *d = opendir(path);
    if (!d) return;
    VG_VEC(char *) names = {0};
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') vg_vec_push(&names, vg_path_join(path, de->d_name));
    closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp);
    for (size_t i = 0; i < names.n; i++) {
        run_path(names.v[i]);
        free(names.v[i]);
    }
    vg_vec_free(&names);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) run_path(argv[i]);
    printf("%zu inputs\n", count);
    return 0;
}
