/* gazetteer.c -- the place-name index: a sorted array of fixed-size records
 * over a string pool, searched by binary search on a folded key.
 *
 * File layout (host byte order; the header's endian word detects a
 * mismatch):
 *   header  { "VGGAZ01\n", u32 endian = 0x01020304, u32 n, u32 poolsz, u32 0 }
 *   records n x gz_rec, sorted by (key, kind desc, rank desc, name)
 *   pool    NUL-terminated strings; offset 0 is the empty string. */
#define _GNU_SOURCE             /* dladdr */
#include "post.h"
#include "text.h"
#include "util.h"

#include <dlfcn.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#define GZ_MAGIC "VGGAZ01\n"
#define GZ_ENDIAN 0x01020304u
#define GZ_COORD 1e5

typedef struct gz_header {
    char magic[8];
    uint32_t endian, n, poolsz, reserved;
} gz_header;

typedef struct gz_rec {
    uint32_t key, name, adm1;
    int32_t lat, lon;          /* degrees * 1e5 */
    char cc[4];
    uint8_t kind, rank, flags, pad;
} gz_rec;

struct vg_gazetteer {
    char *blob;
    size_t size;
    const gz_rec *rec;
    size_t n;
    const char *pool;
    size_t poolsz;
    uint32_t *countries;       /* indices of primary country records, by cc */
    size_t ncountries;
};

static void set_err(char *err, size_t errsz, const char *fmt, const char *a)
{
    if (err && errsz) snprintf(err, errsz, fmt, a);
}

/* ---- keys ---- */

static bool key_char(int32_t cp)
{
    if (cp < 0x80) return vg_isupper(cp) || vg_isdigit(cp);
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
        return true;
    default:
        return false;
    }
}

size_t vg_gaz_key(const char *s, size_t n, char *out, size_t outsz)
{
    if (!outsz) return 0;
    vg_buf f = { 0 };
    vg_text_fold(s, n, &f);
    size_t k = 0;
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)f.s;
    for (size_t i = 0; i < f.len;) {
        int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate(u + i, (utf8proc_ssize_t)(f.len - i), &cp);
        if (l <= 0) { i++; continue; }
        if (key_char(cp)) {
            if (k + (size_t)l + 1 > outsz) { k = 0; break; }
            memcpy(out + k, u + i, (size_t)l);
            k += (size_t)l;
        }
        i += (size_t)l;
    }
    out[k] = '\0';
    vg_buf_free(&f);
    return k;
}

/* ---- building ---- */

typedef struct bent {
    char *key;
    const vg_gaz_entry *e;
} bent;

static int bent_cmp(const void *pa, const void *pb)
{
    const bent *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c) return c;
    if (a->e->kind != b->e->kind) return a->e->kind > b->e->kind ? -1 : 1;
    if (a->e->rank != b->e->rank) return a->e->rank > b->e->rank ? -1 : 1;
    return strcmp(a->e->name, b->e->name);
}

typedef struct pool_b {
    vg_buf buf;
    vg_strmap seen;
} pool_b;

static uint32_t pool_add(pool_b *p, const char *s)
{
    if (!s || !*s) return 0;
    int v = vg_strmap_get(&p->seen, s);
    if (v >= 0) return (uint32_t)v;
    uint32_t off = (uint32_t)p->buf.len;
    vg_buf_putn(&p->buf, s, strlen(s) + 1);
    vg_strmap_put(&p->seen, s, (int)off);
    return off;
}

static int32_t coord(double v) { return (int32_t)lround(v * GZ_COORD); }

static bool load_blob(vg_gazetteer *g, char *err, size_t errsz);

vg_gazetteer *vg_gazetteer_new(const vg_gaz_entry *e, size_t n)
{
    bent *b = vg_malloc((n ? n : 1) * sizeof *b);
    size_t nb = 0;
    char key[256];
    for (size_t i = 0; i < n; i++) {
        const char *nm = e[i].alias ? e[i].alias : e[i].name;
        if (!nm || !e[i].name || !vg_gaz_key(nm, strlen(nm), key, sizeof key)) continue;
        b[nb].key = vg_strdup(key);
        b[nb++].e = &e[i];
    }
    qsort(b, nb, sizeof *b, bent_cmp);
    pool_b p = { { 0 }, { 0 } };
    vg_buf_putc(&p.buf, '\0');
    gz_rec *rec = vg_calloc(nb ? nb : 1, sizeof *rec);
    for (size_t i = 0; i < nb; i++) {
        const vg_gaz_entry *x = b[i].e;
        rec[i].key = pool_add(&p, b[i].key);
        rec[i].name = pool_add(&p, x->name);
        rec[i].adm1 = pool_add(&p, x->adm1);
        rec[i].lat = coord(x->lat);
        rec[i].lon = coord(x->lon);
        for (size_t k = 0; k < 3 && x->country[k]; k++) rec[i].cc[k] = x->country[k];
        rec[i].kind = (uint8_t)x->kind;
        rec[i].rank = (uint8_t)(x->rank < 0 ? 0 : x->rank > 255 ? 255 : x->rank);
        rec[i].flags = (uint8_t)x->flags;
        free(b[i].key);
    }
    free(b);
    gz_header h = { GZ_MAGIC, GZ_ENDIAN, (uint32_t)nb, (uint32_t)p.buf.len, 0 };
    vg_gazetteer *g = vg_calloc(1, sizeof *g);
    g->size = sizeof h + nb * sizeof *rec + p.buf.len;
    g->blob = vg_malloc(g->size);
    memcpy(g->blob, &h, sizeof h);
    memcpy(g->blob + sizeof h, rec, nb * sizeof *rec);
    memcpy(g->blob + sizeof h + nb * sizeof *rec, p.buf.s, p.buf.len);
    free(rec);
    vg_buf_free(&p.buf);
    vg_strmap_free(&p.seen);
    if (!load_blob(g, NULL, 0)) vg_oom();    /* cannot happen: we wrote it */
    return g;
}

bool vg_gazetteer_save(const vg_gazetteer *g, const char *path, char *err, size_t errsz)
{
    char *tmp = vg_malloc(strlen(path) + 5);
    sprintf(tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(g->blob, 1, g->size, f) == g->size;
    if (f && fclose(f) != 0) ok = false;
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) {
        if (err && errsz) snprintf(err, errsz, "%s: %s", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok;
}

/* ---- loading ---- */

static const char *pstr(const vg_gazetteer *g, uint32_t off) { return g->pool + off; }

typedef struct country_ix { char cc[4]; uint32_t i; } country_ix;

static int country_cmp(const void *pa, const void *pb)
{
    const country_ix *a = pa, *b = pb;
    int c = strncmp(a->cc, b->cc, 4);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Primary country records by code (ties in file order).  qsort, not an
 * insertion sort: a corrupt file can hold a million "countries". */
static void index_countries(vg_gazetteer *g)
{
    g->countries = vg_malloc(sizeof *g->countries * (g->n ? g->n : 1));
    g->ncountries = 0;
    country_ix *ix = vg_malloc(sizeof *ix * (g->n ? g->n : 1));
    for (size_t i = 0; i < g->n; i++)
        if (g->rec[i].kind == VG_GAZ_COUNTRY && (g->rec[i].flags & VG_GAZ_PRIMARY)) {
            memcpy(ix[g->ncountries].cc, g->rec[i].cc, 4);
            ix[g->ncountries++].i = (uint32_t)i;
        }
    if (g->ncountries) qsort(ix, g->ncountries, sizeof *ix, country_cmp);
    for (size_t k = 0; k < g->ncountries; k++) g->countries[k] = ix[k].i;
    free(ix);
}

static bool load_blob(vg_gazetteer *g, char *err, size_t errsz)
{
    gz_header h;
    if (g->size < sizeof h) { set_err(err, errsz, "%s", "file too short"); return false; }
    memcpy(&h, g->blob, sizeof h);
    if (memcmp(h.magic, GZ_MAGIC, 8) != 0 || h.endian != GZ_ENDIAN) {
        set_err(err, errsz, "%s", "not a Vigil gazetteer (bad magic or byte order)");
        return false;
    }
    if ((uint64_t)h.n * sizeof(gz_rec) + h.poolsz + sizeof h != g->size || h.poolsz == 0) {
        set_err(err, errsz, "%s", "truncated or corrupt gazetteer");
        return false;
    }
    g->n = h.n;
    g->rec = (const gz_rec *)(g->blob + sizeof h);
    g->pool = g->blob + sizeof h + g->n * sizeof(gz_rec);
    g->poolsz = h.poolsz;
    if (g->pool[g->poolsz - 1] != '\0' || g->pool[0] != '\0') {
        set_err(err, errsz, "%s", "corrupt string pool");
        return false;
    }
    for (size_t i = 0; i < g->n; i++) {
        const gz_rec *r = &g->rec[i];
        if (r->key >= g->poolsz || r->name >= g->poolsz || r->adm1 >= g->poolsz ||
            r->kind < VG_GAZ_CITY || r->kind > VG_GAZ_COUNTRY || r->cc[3] != '\0' ||
            (i && strcmp(pstr(g, g->rec[i - 1].key), pstr(g, r->key)) > 0)) {
            set_err(err, errsz, "%s", "corrupt or unsorted gazetteer record");
            return false;
        }
    }
    index_countries(g);
    return true;
}

vg_gazetteer *vg_gazetteer_open(const char *path, char *err, size_t errsz)
{
    size_t size;
    char *blob = vg_read_file(path, &size);
    if (!blob) {
        if (err && errsz) snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return NULL;
    }
    vg_gazetteer *g = vg_calloc(1, sizeof *g);
    g->blob = blob;
    g->size = size;
    char why[128];
    if (!load_blob(g, why, sizeof why)) {
        if (err && errsz) snprintf(err, errsz, "%s: %s", path, why);
        vg_gazetteer_close(g);
        return NULL;
    }
    return g;
}

void vg_gazetteer_close(vg_gazetteer *g)
{
    if (!g) return;
    free(g->blob);
    free(g->countries);
    free(g);
}

size_t vg_gazetteer_count(const vg_gazetteer *g) { return g ? g->n : 0; }

/* gazetteer.bin, or ../share/vigil/gazetteer.bin, beside file's folder. */
static char *beside(const char *file)
{
    static const char *const rel[] = { "gazetteer.bin", "../share/vigil/gazetteer.bin" };
    char *dir = vg_dirname(file);
    for (size_t i = 0; i < 2; i++) {
        char *p = vg_path_join(dir, rel[i]);
        if (access(p, R_OK) == 0) { free(dir); return p; }
        free(p);
    }
    free(dir);
    return NULL;
}

char *vg_gazetteer_default_path(void)
{
    const char *env = getenv("VIGIL_GAZETTEER");
    if (env && *env) return vg_strdup(env);
    char exe[4096];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *p = NULL;
    if (l > 0) {
        exe[l] = '\0';
        p = beside(exe);
    }
    /* a program of its own that uses libvigil.so: beside the library */
    Dl_info info;
    if (!p && dladdr((void *)vg_gazetteer_default_path, &info) && info.dli_fname &&
        strchr(info.dli_fname, '/'))
        p = beside(info.dli_fname);
    return p;
}

/* ---- lookup ---- */

static void fill(const vg_gazetteer *g, size_t i, vg_gaz_entry *out)
{
    const gz_rec *r = &g->rec[i];
    out->name = pstr(g, r->name);
    out->alias = pstr(g, r->key);
    out->adm1 = pstr(g, r->adm1);
    memcpy(out->country, r->cc, 4);
    out->lat = r->lat / GZ_COORD;
    out->lon = r->lon / GZ_COORD;
    out->kind = r->kind;
    out->rank = r->rank;
    out->flags = r->flags;
}

size_t vg_gazetteer_lookup(const vg_gazetteer *g, const char *name, size_t n,
                           vg_gaz_entry *out, size_t max)
{
    char key[256];
    if (!g || !g->n || !vg_gaz_key(name, n, key, sizeof key)) return 0;
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(pstr(g, g->rec[mid].key), key) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t k = 0;
    for (size_t i = lo; i < g->n && !strcmp(pstr(g, g->rec[i].key), key); i++, k++)
        if (k < max) fill(g, i, &out[k]);
    return k;
}

bool vg_gazetteer_country(const vg_gazetteer *g, const char *iso3, vg_gaz_entry *out)
{
    if (!g || !iso3) return false;
    size_t lo = 0, hi = g->ncountries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(g->rec[g->countries[mid]].cc, iso3, 3);
        if (c == 0) { fill(g, g->countries[mid], out); return true; }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}
