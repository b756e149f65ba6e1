/* dict_image.c -- build tool: compiles Vigil's default dictionaries (the
 * dict/ files embedded in the library) into the image the library then
 * embeds as VG_DEFAULTS_IMAGE (docs/dictionaries.md).  It links the
 * library's objects with a table of embedded files that lacks the image,
 * so the dictionaries are parsed, exactly as a build without the image
 * would.
 *
 *   dict_image OUT.vgd */
#include "dict.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dict_image OUT.vgd\n");
        return 2;
    }
    vg_dict_spec sp = {0};
    vg_diag diag = {0};
    char err[1024];
    bool ok = vg_dict_compile_file(&sp, argv[1], &diag, err, sizeof err);
    if (!ok) fprintf(stderr, "dict_image: %s\n", err);
    for (size_t i = 0; ok && i < diag.msgs.n; i++)
        fprintf(stderr, "dict_image: %s\n", diag.msgs.v[i].text);
    vg_diag_free(&diag);
    return ok ? 0 : 1;
}
