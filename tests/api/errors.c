/* errors.c -- libvigil's statuses, messages and accessors, from outside:
 * prints "ok NAME" or "not ok NAME" lines. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <vigil.h>

static int failed;

static void check(const char *name, int cond)
{
    printf("%s api_%s\n", cond ? "ok" : "not ok", name);
    failed |= !cond;
}

int main(void)
{
    check("version", !strcmp(vg_version(), VG_VERSION));
    check("strerror", strlen(vg_strerror(VG_EDATE)) > 0);

    static const char text[] = "Serbian troops attacked Kosovo police near the border on "
                               "Sunday.  NATO said it would send more peacekeepers to Kosovo.";
    vg_events *ev;
    check("code_text", vg_code_text(text, sizeof text - 1, "2023-09-29", &ev) == VG_OK);
    check("code_text_events", vg_events_count(ev) >= 2 && vg_events_sentences(ev) == 2);
    const vg_event *e = vg_events_get(ev, 0);
    check("event_fields", e && !strcmp(vg_event_source(e), "SRBMIL") &&
                          !strcmp(vg_event_target(e), "KSVCOP") &&
                          !strncmp(vg_event_code(e), "19", 2) && vg_event_quad(e) == 4 &&
                          !strcmp(vg_event_root(e), "19") && vg_event_goldstein(e) < 0 &&
                          vg_event_sentence_no(e) == 0 && vg_event_date(e) &&
                          !strcmp(vg_event_date(e), "2023-09-29"));
    check("event_matched", e && strstr(vg_event_matched(e), "\"verb\"") &&
                           strstr(vg_event_json(e), "\"matched\":"));
    check("event_unstored", e && vg_event_id(e) == 0 && vg_event_mentions(e) == 1 &&
                            isnan(vg_event_lat(e)) && !vg_event_place(e));
    check("events_past_end", !vg_events_get(ev, 1000));
    vg_events_free(ev);
    check("bad_date", vg_code_text(text, 10, "2023-02-30", &ev) == VG_EDATE);
    vg_events_free(ev);

    vg_dicts *d;
    check("dicts_missing", vg_dicts_tabari("/nonexistent/x.project", &d) == VG_EIO &&
                           strstr(vg_dicts_errmsg(d), "nonexistent") &&
                           vg_dicts_problem_count(d) >= 1);
    vg_dicts_free(d);
    vg_dicts_new(&d);
    check("dicts_add_missing", vg_dicts_add(d, VG_PETRARCH_ACTORS, "/nonexistent/a.txt") == VG_EIO);
    vg_coder *c;
    check("coder", vg_coder_new(d, &c) == VG_OK);
    check("dicts_frozen", vg_dicts_add(d, VG_PETRARCH_ACTORS, "x") == VG_EINVAL);
    check("coder_option", vg_coder_set(c, VG_OPT_LEDE, 1) == VG_OK &&
                          vg_coder_get(c, VG_OPT_LEDE) == 1 &&
                          vg_coder_set(c, (vg_coder_option)99, 1) == VG_EINVAL);
    check("coder_record", vg_coder_code_record(c, "r1", "2023-09-29", text, sizeof text - 1,
                                               "Wire", NULL, NULL, &ev) == VG_OK &&
                          vg_events_count(ev) == 0 && vg_events_sentences(ev) == 1);
    vg_events_free(ev);
    vg_coder_free(c);
    vg_dicts_free(d);

    vg_store *st;
    check("store_missing", vg_store_open("/nonexistent/dir/x.db", &st) == VG_ESTORE &&
                           strlen(vg_store_errmsg(st)) > 0);
    vg_store_close(st);
    return failed;
}
