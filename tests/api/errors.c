/* errors.c -- libvigil's statuses, messages and accessors, from outside:
 * prints "ok NAME" or "not ok NAME" lines.
 *   errors [STORE]    STORE: a store of the examples, read read-only */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vigil.h>

static int failed;

static void check(const char *name, int cond)
{
    printf("%s api_%s\n", cond ? "ok" : "not ok", name);
    failed |= !cond;
}

/* Reads a store of the examples read-only, with filters. */
static void read_store(const char *path)
{
    vg_store *ro;
    vg_events *ev;
    check("store_readonly", vg_store_open_readonly(path, &ro) == VG_OK);
    const char *k[] = { "dyad", "order", "limit" }, *v[] = { "SRB-KSV", "newest", "5" };
    int rc = vg_store_find_events(ro, k, v, 3, &ev);
    int ok = rc == VG_OK && vg_events_count(ev) == 5;
    for (size_t i = 1; ok && i < vg_events_count(ev); i++)
        ok = strcmp(vg_event_date(vg_events_get(ev, i - 1)), vg_event_date(vg_events_get(ev, i))) >= 0;
    check("find_events_newest", ok);
    vg_events_free(ev);
    const char *mk[] = { "method", "min_confidence" }, *mv[] = { "model", "0.5" };
    rc = vg_store_find_events(ro, mk, mv, 2, &ev);
    ok = rc == VG_OK && vg_events_count(ev) > 0;
    for (size_t i = 0; ok && i < vg_events_count(ev); i++) {
        const vg_event *e = vg_events_get(ev, i);
        ok = !strcmp(vg_event_method(e), "model") && vg_event_confidence(e) >= 0.5 &&
             strstr(vg_event_json(e), "\"method\":\"model\"") && vg_event_id(e) > 0;
    }
    check("find_events_method", ok);
    vg_events_free(ev);
    rc = vg_store_find_events(ro, NULL, NULL, 0, &ev);
    size_t issues = 0;
    for (size_t i = 0; rc == VG_OK && i < vg_events_count(ev); i++)
        issues += vg_event_issue_count(vg_events_get(ev, i));
    check("stored_issues", rc == VG_OK && vg_events_count(ev) > 50 && issues > 0);
    vg_events_free(ev);
    const char *bk[] = { "colour" }, *bv[] = { "red" };
    check("find_events_unknown_key", vg_store_find_events(ro, bk, bv, 1, &ev) == VG_EINVAL &&
                                     strstr(vg_store_errmsg(ro), "colour"));
    vg_events_free(ev);
    const char *dk[] = { "since" }, *dv[] = { "2023-02-30" };
    check("find_events_bad_date", vg_store_find_events(ro, dk, dv, 1, &ev) == VG_EDATE);
    vg_events_free(ev);
    vg_dicts *d;
    vg_coder *c;
    vg_dicts_new(&d);
    vg_coder_new(d, &c);
    const char *paths[] = { path };
    check("readonly_no_ingest", vg_store_ingest(ro, c, paths, 1) != VG_OK);
    vg_coder_free(c);
    vg_dicts_free(d);
    vg_store_close(ro);
}

int main(int argc, char **argv)
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
    check("store_readonly_missing", vg_store_open_readonly("missing-store.db", &st) == VG_ESTORE &&
                                    strstr(vg_store_errmsg(st), "no such store") &&
                                    access("missing-store.db", F_OK) != 0);
    vg_store_close(st);
    if (argc > 1) read_store(argv[1]);
    return failed;
}
