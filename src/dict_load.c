/* dict_load.c -- dictionary sets: which loader reads which file, and the
 * compiled images that stand in for parsing a set again (the image cache;
 * docs/dictionaries.md).  The loaders themselves (dict_tabari.c,
 * dict_petrarch.c) each parse one format; the image format is
 * dict_image.c's. */
#include "dict.h"
#include "loader_id.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cache directory keeps at most CACHE_MAX images and CACHE_BYTES in
 * all (the least recently used go first); a set whose image would be
 * larger than a quarter of that is not cached. */
#define CACHE_MAX 64
#define CACHE_BYTES ((int64_t)1 << 30)

static bool has_ext(const char *p, const char *ext)
{
    size_t n = strlen(p), k = strlen(ext);
    return n > k && !strcmp(p + n - k, ext);
}

bool vg_dict_spec_empty(const vg_dict_spec *sp)
{
    return !sp->project && !sp->config && !sp->actors.n && !sp->agents.n && !sp->verbs.n &&
           !sp->options && !sp->discards.n && !sp->issues.n;
}

/* A file in TABARI syntax (by extension) or PETRARCH syntax. */
static void load_each(vg_dict *d, const vg_paths *files, const char *tabari_ext,
                      vg_loader tabari, vg_loader petrarch, vg_diag *diag)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *f = files->v[i];
        vg_dict_load_file(d, f, has_ext(f, tabari_ext) || !petrarch ? tabari : petrarch, diag);
    }
}

/* Parses the files a spec names (the defaults when it names none). */
static void load_sources(vg_dict *d, const vg_dict_spec *sp, vg_diag *diag)
{
    if (vg_dict_spec_empty(sp)) {
        vg_dict_load_defaults(d, diag);
        return;
    }
    if (sp->project) {
        d->opt.tabari_compat = true;
        vg_dict_load_tabari_project(d, sp->project, diag, NULL);
    }
    if (sp->config) vg_dict_load_petrarch_config(d, sp->config, diag);
    load_each(d, &sp->actors, ".actors", vg_dict_load_tabari_actors,
              vg_dict_load_petrarch_actors, diag);
    load_each(d, &sp->agents, ".agents", vg_dict_load_tabari_agents,
              vg_dict_load_petrarch_agents, diag);
    load_each(d, &sp->verbs, ".verbs", vg_dict_load_tabari_verbs,
              vg_dict_load_petrarch_verbs, diag);
    load_each(d, &sp->discards, ".discards", vg_dict_load_petrarch_discards,
              vg_dict_load_petrarch_discards, diag);
    load_each(d, &sp->issues, ".issues", vg_dict_load_petrarch_issues,
              vg_dict_load_petrarch_issues, diag);
    if (sp->options) vg_dict_load_file(d, sp->options, vg_dict_load_tabari_options, diag);
    /* TABARI dictionaries are coded the TABARI way */
    bool tabari = sp->project || sp->options;
    for (size_t i = 0; i < sp->verbs.n; i++)
        tabari |= has_ext(sp->verbs.v[i], ".verbs");
    if (tabari) d->opt.tabari_compat = true;
}

/* ---- keys ---- */

static void key_add(vg_buf *b, const char *tag, const char *s)
{
    vg_buf_putn(b, tag, strlen(tag) + 1);
    vg_buf_putn(b, s, strlen(s) + 1);
}

static void key_paths(vg_buf *b, const char *tag, const vg_paths *p)
{
    for (size_t i = 0; i < p->n; i++) key_add(b, tag, p->v[i]);
}

static bool relative(const char *p) { return p && p[0] != '/'; }

static bool any_relative(const vg_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (relative(p->v[i])) return true;
    return false;
}

/* What an image of the set is named by: a digest of the format, of this
 * build's loaders, the files as the user named them (they name the files
 * in messages and explanations) and, when one is relative, the working
 * directory. */
static void spec_key(const vg_dict_spec *sp, char out[33])
{
    vg_buf b = {0};
    char head[64];
    snprintf(head, sizeof head, "vigil dictionary image %u", VG_IMAGE_VERSION);
    key_add(&b, "format", head);
    /* and the parsing rules of this build: an image another build's loaders
     * compiled may read the same files differently */
    key_add(&b, "loader", VG_LOADER_ID);
    if (vg_dict_spec_empty(sp)) {
        const char *dir = getenv("VIGIL_DICT_DIR");
        key_add(&b, "defaults", dir && *dir ? dir : "built-in");
    }
    if (sp->project) key_add(&b, "project", sp->project);
    if (sp->config) key_add(&b, "config", sp->config);
    if (sp->options) key_add(&b, "options", sp->options);
    key_paths(&b, "actors", &sp->actors);
    key_paths(&b, "agents", &sp->agents);
    key_paths(&b, "verbs", &sp->verbs);
    key_paths(&b, "discards", &sp->discards);
    key_paths(&b, "issues", &sp->issues);
    if (relative(sp->project) || relative(sp->config) || relative(sp->options) ||
        any_relative(&sp->actors) || any_relative(&sp->agents) || any_relative(&sp->verbs) ||
        any_relative(&sp->discards) || any_relative(&sp->issues) ||
        (vg_dict_spec_empty(sp) && relative(getenv("VIGIL_DICT_DIR")))) {
        char cwd[4096];
        key_add(&b, "cwd", getcwd(cwd, sizeof cwd) ? cwd : "?");
    }
    uint8_t dg[16];
    vg_dict_digest(b.s, b.len, dg);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", dg[i]);
    vg_buf_free(&b);
}

/* ---- parsing a set ---- */

/* Parses and compiles the set, keeping what loading reported in d->msgs. */
static vg_dict *parse_set(const vg_dict_spec *sp, vg_diag *diag)
{
    vg_diag local = {0};
    if (!diag) diag = &local;
    size_t from = diag->msgs.n;
    vg_dict *d = vg_dict_new();
    load_sources(d, sp, diag);
    vg_dict_compile(d);
    vg_dict_thaw(d);                  /* the defaults may have come from the built-in image */
    for (size_t i = from; i < diag->msgs.n; i++) {
        vg_dmsg m = { (uint32_t)diag->msgs.v[i].level, 0 };
        m.text = vg_dict_strdup(d, diag->msgs.v[i].text, strlen(diag->msgs.v[i].text));
        vg_vec_push(&d->msgs, m);
    }
    vg_diag_free(&local);
    return d;
}

/* ---- writing images ---- */

static bool write_image(const vg_dict *d, const char *key, const char *path, size_t max,
                        char *err, size_t errsz)
{
    vg_buf b = {0};
    vg_dict_image_write(d, key, &b);
    if (max && b.len > max) {
        snprintf(err, errsz, "image of %zu bytes: too large to cache", b.len);
        vg_buf_free(&b);
        return false;
    }
    size_t plen = strlen(path);
    char *tmp = vg_malloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    if (ok) {
        size_t done = 0;
        while (ok && done < b.len) {
            ssize_t w = write(fd, b.s + done, b.len - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) ok = false;
            else done += (size_t)w;
        }
        if (close(fd) != 0) ok = false;
        if (ok) fchmodat(AT_FDCWD, tmp, 0644, 0);
        if (ok && rename(tmp, path) != 0) ok = false;
        if (!ok) { int e = errno; unlink(tmp); errno = e; }
    }
    if (!ok) snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
    free(tmp);
    vg_buf_free(&b);
    return ok;
}

/* mkdir -p */
static bool make_dirs(const char *dir)
{
    char *p = vg_strdup(dir);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) ok = false;
        *s = c;
        if (!c) break;
    }
    free(p);
    return ok;
}

typedef struct cached { char *path; struct timespec t; int64_t size; } cached;

static int by_age(const void *a, const void *b)
{
    const cached *x = a, *y = b;
    if (x->t.tv_sec != y->t.tv_sec) return x->t.tv_sec < y->t.tv_sec ? -1 : 1;
    return (x->t.tv_nsec > y->t.tv_nsec) - (x->t.tv_nsec < y->t.tv_nsec);
}

/* Keeps the CACHE_MAX most recently used images of the cache. */
static void prune_cache(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return;
    VG_VEC(cached) all = {0};
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (!has_ext(de->d_name, ".vgd")) continue;
        char *p = vg_path_join(dir, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            cached c = { p, st.st_mtim, (int64_t)st.st_size };
            vg_vec_push(&all, c);
        } else {
            free(p);
        }
    }
    closedir(dp);
    qsort(all.v, all.n, sizeof *all.v, by_age);
    int64_t total = 0;
    for (size_t i = 0; i < all.n; i++) total += all.v[i].size;
    for (size_t i = 0; i < all.n && (all.n - i > CACHE_MAX || total > CACHE_BYTES); i++) {
        unlink(all.v[i].path);
        total -= all.v[i].size;
    }
    for (size_t i = 0; i < all.n; i++) free(all.v[i].path);
    vg_vec_free(&all);
}

char *vg_dict_cache_dir(void)
{
    const char *v = getenv("VIGIL_CACHE_DIR");
    if (v) return *v && strcmp(v, "off") ? vg_strdup(v) : NULL;
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && x[0] == '/') return vg_path_join(x, "vigil");
    const char *h = getenv("HOME");
    if (h && h[0] == '/') return vg_path_join(h, ".cache/vigil");
    return NULL;
}

char *vg_dict_cache_path(const vg_dict_spec *sp)
{
    if (!sp->cache_dir || !*sp->cache_dir || vg_dict_spec_empty(sp)) return NULL;
    char key[33], name[48];
    spec_key(sp, key);
    snprintf(name, sizeof name, "%s.vgd", key);
    return vg_path_join(sp->cache_dir, name);
}

/* ---- opening sets ---- */

vg_dict *vg_dict_open(const vg_dict_spec *sp, vg_diag *diag, char *err, size_t errsz)
{
    char why[512];
    bool empty = vg_dict_spec_empty(sp);
    if (empty && sp->image) {
        /* an image alone: used if sound and fresh, else refused */
        vg_dict *d = vg_dict_image_map(sp->image, why, sizeof why);
        if (!d) {
            snprintf(err, errsz, "%s: %s", sp->image, why);
            return NULL;
        }
        if (!vg_dict_image_fresh(d, why, sizeof why)) {
            snprintf(err, errsz, "%s is stale: %s since it was compiled (vigil dict compile it "
                     "again, or give its dictionaries too)", sp->image, why);
            vg_dict_free(d);
            return NULL;
        }
        vg_dict_image_replay(d, diag);
        return d;
    }
    if (empty) {
        /* the defaults: the built-in image, or $VIGIL_DICT_DIR parsed */
        vg_dict *d = vg_dict_new();
        vg_dict_load_defaults(d, diag);
        vg_dict_compile(d);
        return d;
    }
    char key[33];
    spec_key(sp, key);
    char *path = sp->image ? vg_strdup(sp->image) : vg_dict_cache_path(sp);
    if (path && access(path, R_OK) == 0) {
        vg_dict *d = vg_dict_image_map(path, why, sizeof why);
        if (d && !strcmp(vg_dict_image_key(d), key) && vg_dict_image_fresh(d, why, sizeof why)) {
            vg_dict_image_replay(d, diag);
            if (!sp->image) utimensat(AT_FDCWD, path, NULL, 0);   /* recently used */
            free(path);
            return d;
        }
        vg_dict_free(d);
    }
    vg_dict *d = parse_set(sp, diag);
    if (path) {
        bool cache = !sp->image;
        if (cache) make_dirs(sp->cache_dir);
        if (write_image(d, key, path, cache ? (size_t)(CACHE_BYTES / 4) : 0, why, sizeof why)) {
            if (cache) prune_cache(sp->cache_dir);
        } else if (!cache) {
            vg_diag_add(diag, VG_DIAG_WARNING, NULL, 0, "%s", why);
        }
    }
    free(path);
    return d;
}

vg_dict *vg_dict_load_spec(const vg_dict_spec *sp, vg_diag *diag)
{
    char err[1024];
    vg_dict *d = vg_dict_open(sp, diag, err, sizeof err);
    if (!d) {
        vg_diag_add(diag, VG_DIAG_ERROR, NULL, 0, "%s", err);
        d = vg_dict_new();
        vg_dict_compile(d);
    }
    return d;
}

bool vg_dict_compile_file(const vg_dict_spec *sp, const char *path, vg_diag *diag, char *err,
                          size_t errsz)
{
    char key[33];
    spec_key(sp, key);
    vg_dict *d = parse_set(sp, diag);
    bool ok = write_image(d, key, path, 0, err, errsz);
    vg_dict_free(d);
    return ok;
}

void vg_dict_spec_free(vg_dict_spec *sp)
{
    vg_vec_free(&sp->actors);
    vg_vec_free(&sp->agents);
    vg_vec_free(&sp->verbs);
    vg_vec_free(&sp->discards);
    vg_vec_free(&sp->issues);
}
