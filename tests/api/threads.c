/* threads.c -- libvigil on several threads, as vigil.h promises: one
 * dictionary set shared by the coders of four threads (the first coder
 * compiles it), and vg_code_text's shared defaults.  tests/threads.sh
 * builds it under ThreadSanitizer; it prints "ok" when every thread coded
 * the same events. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <vigil.h>

static vg_dicts *shared;
static const char text[] = "Serbian troops attacked Kosovo police near the border on Sunday.  "
                           "NATO said it would send more peacekeepers to Kosovo.";

static void *run(void *arg)
{
    size_t *n = arg;
    for (int i = 0; i < 3; i++) {
        vg_events *ev;
        vg_coder *c;
        if (vg_code_text(text, sizeof text - 1, "2023-09-29", &ev) == VG_OK) *n += vg_events_count(ev);
        vg_events_free(ev);
        vg_coder_new(shared, &c);
        if (vg_coder_code(c, text, sizeof text - 1, "2023-09-29", &ev) == VG_OK)
            *n += vg_events_count(ev);
        vg_events_free(ev);
        vg_coder_free(c);
    }
    return NULL;
}

int main(void)
{
    pthread_t th[4];
    size_t n[4] = { 0 };
    if (vg_dicts_default(&shared) != VG_OK) return 1;
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, run, &n[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    vg_dicts_free(shared);
    bool same = n[0] > 0 && n[1] == n[0] && n[2] == n[0] && n[3] == n[0];
    puts(same ? "ok" : "differ");
    return same ? 0 : 1;
}
