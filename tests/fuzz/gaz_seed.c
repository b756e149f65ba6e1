/* gaz_seed.c -- writes a small valid gazetteer (vg_gazetteer_save), the
 * seed of fuzz_gazetteer, so that the seed always has the current format.
 *   gaz-seed FILE */
#include "post.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    static const vg_gaz_entry e[] = {
        { "Serbia", NULL, "", "SRB", 44, 21, VG_GAZ_COUNTRY, 200, VG_GAZ_PRIMARY },
        { "Kosovo", NULL, "", "KSV", 42.6, 20.9, VG_GAZ_COUNTRY, 200, VG_GAZ_PRIMARY },
        { "Belgrade", NULL, "Central Serbia", "SRB", 44.8, 20.5, VG_GAZ_CITY, 250,
          VG_GAZ_PRIMARY | VG_GAZ_CAPITAL },
        { "Pristina", NULL, "Pristina", "KSV", 42.7, 21.2, VG_GAZ_CITY, 240,
          VG_GAZ_PRIMARY | VG_GAZ_CAPITAL },
        { "Prishtinë", "Pristina", "Pristina", "KSV", 42.7, 21.2, VG_GAZ_CITY, 240, 0 },
        { "Banjska", NULL, "Mitrovica", "KSV", 42.9, 20.8, VG_GAZ_CITY, 20, VG_GAZ_PRIMARY },
    };
    if (argc != 2) { fprintf(stderr, "usage: gaz-seed FILE\n"); return 2; }
    vg_gazetteer *g = vg_gazetteer_new(e, sizeof e / sizeof *e);
    char err[256];
    bool ok = vg_gazetteer_save(g, argv[1], err, sizeof err);
    if (!ok) fprintf(stderr, "gaz-seed: %s\n", err);
    vg_gazetteer_close(g);
    return ok ? 0 : 1;
}
