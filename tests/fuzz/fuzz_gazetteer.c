/* fuzz_gazetteer.c -- the gazetteer loader on corrupt files: the input is
 * written to a file and opened; a file it accepts must answer lookups with
 * names inside it.  Seeds: a small valid gazetteer that tests/fuzz/run.sh
 * writes with gaz_seed.c (vg_gazetteer_save), and hand-made broken ones.
 * Calls: vg_gazetteer_open, vg_gazetteer_count, vg_gazetteer_lookup,
 * vg_gazetteer_country, vg_place_find, vg_gazetteer_close. */
#include "fuzz.h"
#include "post.h"

#include <unistd.h>

static char path[64];

static void remove_file(void) { unlink(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/vigil-fuzz-gaz.XXXXXX", tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); exit(1); }
    close(fd);
    atexit(remove_file);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    char err[256];
    vg_gazetteer *g = vg_gazetteer_open(path, err, sizeof err);
    if (!g) return 0;
    static const char *const names[] = { "Pristina", "Belgrade", "Serbia", "", "A" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        vg_gaz_entry e[8];
        size_t n = vg_gazetteer_lookup(g, names[i], strlen(names[i]), e, 8);
        for (size_t k = 0; k < n && k < 8; k++)
            FUZZ_CHECK(strlen(e[k].name) < size && strlen(e[k].adm1) < size);
    }
    vg_gaz_entry c;
    if (vg_gazetteer_country(g, "SRB", &c)) FUZZ_CHECK(!strncmp(c.country, "SRB", 3));
    const char *cc[] = { "KSV" };
    vg_place p;
    static const char s[] = "Gunmen attacked police in Banjska, near Pristina, in northern Kosovo.";
    vg_place_find(g, s, sizeof s - 1, 7, cc, 1, &p);
    FUZZ_CHECK(vg_gazetteer_count(g) <= size);
    vg_gazetteer_close(g);
    return 0;
}
