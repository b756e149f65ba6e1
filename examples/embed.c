/* embed.c -- codes a news article with libvigil, the way `vigil code` does:
 *   cc embed.c $(pkg-config --cflags --libs vigil) -o embed
 *   ./embed kosovo-nato-2023.txt 2023-09-29 */
#include <stdio.h>
#include <vigil.h>

int main(int argc, char **argv)
{
    static char text[1 << 20];
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
    if (!f) { fprintf(stderr, "usage: embed ARTICLE.txt [YYYY-MM-DD]\n"); return 2; }
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    vg_events *ev;
    int rc = vg_code_text(text, len, argc > 2 ? argv[2] : NULL, &ev);
    for (size_t i = 0; i < vg_events_count(ev); i++) {
        const vg_event *e = vg_events_get(ev, i);
        printf("%s\t%s\t%s\t%s\t%s\n", vg_event_date(e), vg_event_source(e), vg_event_code(e),
               vg_event_target(e), vg_event_sentence(e));
    }
    vg_events_free(ev);
    if (rc != VG_OK) fprintf(stderr, "embed: %s\n", vg_strerror(rc));
    return rc == VG_OK ? 0 : 1;
}
