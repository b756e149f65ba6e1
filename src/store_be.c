/* store_be.c -- helpers shared by the store and its back ends (see
 * store_be.h): rows read back into events and places. */
#include "store_be.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void vg_store_place_from_row(vg_place *p, const char *const *v)
{
    memset(p, 0, sizeof *p);
    p->lat = p->lon = NAN;
    p->precision = vg_place_prec_parse(v[5]);
    if (p->precision == VG_PLACE_NONE) return;
    snprintf(p->name, sizeof p->name, "%s", v[0] ? v[0] : "");
    snprintf(p->adm1, sizeof p->adm1, "%s", v[1] ? v[1] : "");
    snprintf(p->country, sizeof p->country, "%s", v[2] ? v[2] : "");
    if (v[3] && v[4]) { p->lat = strtod(v[3], NULL); p->lon = strtod(v[4], NULL); }
    p->from_actor = v[6] && v[6][0] == '1';
    snprintf(p->raw, sizeof p->raw, "%s", v[7] ? v[7] : "");
}

void vg_store_event_from_row(vg_store_event *e, const char *const *v)
{
    memset(e, 0, sizeof *e);
    e->id = strtoll(v[0] ? v[0] : "0", NULL, 10);
    snprintf(e->source, sizeof e->source, "%s", v[1] ? v[1] : "");
    snprintf(e->target, sizeof e->target, "%s", v[2] ? v[2] : "");
    snprintf(e->code, sizeof e->code, "%s", v[3] ? v[3] : "");
    snprintf(e->root, sizeof e->root, "%s", v[4] ? v[4] : "");
    if (v[5]) vg_date_parse(v[5], true, &e->date);
    e->date_prec = vg_date_prec_parse(v[6]);
    vg_store_place_from_row(&e->place, v + 7);
    e->confidence = NAN;
}

bool vg_store_be_upgrade(vg_store_be *be, const char *ver, const char *const *steps,
                         bool (*exec)(vg_store_be *be, const char *sql), char *why, size_t whysz)
{
    why[0] = '\0';
    long v = strtol(ver, NULL, 10), want = strtol(VG_STORE_SCHEMA_VERSION, NULL, 10);
    if (v == want) return true;
    if (v < 1 || v > want) {
        snprintf(why, whysz, "the store has schema version %s; this Vigil reads version %s%s",
                 ver[0] ? ver : "?", VG_STORE_SCHEMA_VERSION,
                 v > want ? " (a newer Vigil wrote it: upgrade Vigil)" : "");
        return false;
    }
    for (; v < want; v++) {
        char set[96];
        snprintf(set, sizeof set, "UPDATE meta SET value = '%ld' WHERE key = 'schema_version'", v + 1);
        if ((steps[v - 1] && !exec(be, steps[v - 1])) || !exec(be, set)) return false;
    }
    return true;
}
