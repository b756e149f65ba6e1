/* util.c -- see util.h. */
#define _DEFAULT_SOURCE            /* MAP_ANONYMOUS, madvise */
#include "util.h"

#include <errno.h>
#include <sys/mman.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void vg_oom(void)
{
    fputs("vigil: out of memory\n", stderr);
    abort();
}

/* Below this, ordinary calloc. */
#define BIG_MIN ((size_t)1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)
/* From this size on, vg_grow asks for huge pages. */
#define GROW_MIN ((size_t)256 << 10)

void *vg_big_calloc(size_t n)
{
    if (n < BIG_MIN) return vg_calloc(1, n);
    /* a 2 MB-aligned region, so that the kernel can back it with huge pages */
    size_t len = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) vg_oom();
    size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (lead) munmap(p, lead);
    munmap(p + lead + len, HUGE_PAGE - lead);
    p += lead;
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);
#endif
    return p;
}

void vg_big_free(void *p, size_t n)
{
    if (!p) return;
    if (n < BIG_MIN) { free(p); return; }
    munmap(p, (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
}

void *vg_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) vg_oom();
    return p;
}

void *vg_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) vg_oom();
    return p;
}

void *vg_realloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) vg_oom();
    return p;
}

void *vg_grow(void *p, size_t old, size_t n)
{
    if (n < GROW_MIN) return vg_realloc(p, n);
    /* a new 2 MB-aligned block, copied into: realloc would move a large
     * block with mremap, to an address where huge pages cannot start */
    size_t len = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *q = aligned_alloc(HUGE_PAGE, len);
    if (!q) vg_oom();
#ifdef MADV_HUGEPAGE
    madvise(q, len, MADV_HUGEPAGE);
#endif
    if (old) memcpy(q, p, old < n ? old : n);
    free(p);
    return q;
}

char *vg_strndup(const char *s, size_t n)
{
    char *d = vg_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vg_strdup(const char *s) { return vg_strndup(s, strlen(s)); }

/* ---- vg_buf ---- */

void vg_buf_grow(vg_buf *b, size_t need)
{
    if (need <= b->cap) return;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < need) nc *= 2;
    b->s = vg_grow(b->s, b->cap, nc);
    b->cap = nc;
}

void vg_buf_putn(vg_buf *b, const char *s, size_t n)
{
    vg_buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void vg_buf_puts(vg_buf *b, const char *s) { vg_buf_putn(b, s, strlen(s)); }

void vg_buf_printf(vg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        vg_buf_putn(b, tmp, (size_t)n);
        return;
    }
    vg_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* u in decimal, at least min digits (zero-padded, min <= 20), written
 * right to left so that they end just before end; returns their start. */
static char *digits_before(char *end, uint64_t u, int min)
{
    int n = 0;
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
        n++;
    } while (u || n < min);
    return end;
}

static void put_digits(vg_buf *b, uint64_t u, int min)
{
    char tmp[24], *p = digits_before(tmp + sizeof tmp, u, min);
    vg_buf_putn(b, p, (size_t)(tmp + sizeof tmp - p));
}

void vg_buf_put_int(vg_buf *b, long v)
{
    if (v < 0) vg_buf_putc(b, '-');
    put_digits(b, v < 0 ? 0UL - (unsigned long)v : (unsigned long)v, 1);
}

void vg_buf_put_fixed(vg_buf *b, double x, int decimals)
{
    static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
    int d = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    double v = fabs(x) * p10[d];
    /* NaN, infinities and huge values go to printf */
    if (!(v < 1e15)) {
        vg_buf_printf(b, "%.*f", d, x);
        return;
    }
    /* 0 <= v < 1e15 < 2^53: the conversion truncates exactly, as floor */
    uint64_t u = (uint64_t)v;
    double f = v - (double)u;
    /* near-ties, where printf's exact rounding decides */
    if (fabs(f - 0.5) < 1e-9) {
        vg_buf_printf(b, "%.*f", d, x);
        return;
    }
    if (f > 0.5) u++;
    /* the digits right to left into one buffer, appended at once (the
     * explanations write five of these for each event) */
    char tmp[32], *e = tmp + sizeof tmp, *p = e;
    uint64_t scale = (uint64_t)p10[d];
    if (d) {
        p = digits_before(p, u % scale, d);
        *--p = '.';
    }
    p = digits_before(p, u / scale, 1);
    if (signbit(x)) *--p = '-';
    vg_buf_putn(b, p, (size_t)(e - p));
}

void vg_buf_clear(vg_buf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
}

void vg_buf_free(vg_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* Length of the well-formed UTF-8 sequence at s (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
                 c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ||   /* overlong, surrogate */
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))     /* overlong, > U+10FFFF */
        return 0;
    return len;
}

void vg_buf_json_strn(vg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    vg_buf_reserve(b, n + 2);
    vg_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = vg_ascii_run(s + i, n - i, '"', '\\');   /* nothing to escape */
        run += k;
        i += k;
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[7];
        if (c >= 0x80) {
            /* JSON text is UTF-8: a byte that is not part of a well-formed
             * sequence (a Latin-1 file name, say) becomes U+FFFD */
            size_t len = utf8_len((const unsigned char *)s + i, n - i);
            if (len) { run += len; i += len - 1; continue; }
            esc = "\xEF\xBF\xBD";
        }
        if (!esc) switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < 0x20) {
                ubuf[0] = '\\'; ubuf[1] = 'u'; ubuf[2] = '0'; ubuf[3] = '0';
                ubuf[4] = hex[c >> 4]; ubuf[5] = hex[c & 15]; ubuf[6] = 0;
                esc = ubuf;
            }
        }
        if (esc) {
            vg_buf_putn(b, s + i - run, run);
            run = 0;
            vg_buf_puts(b, esc);
        } else {
            run++;
        }
    }
    vg_buf_putn(b, s + n - run, run);
    vg_buf_putc(b, '"');
}

void vg_buf_json_str(vg_buf *b, const char *s)
{
    if (!s) { vg_buf_puts(b, "null"); return; }
    vg_buf_json_strn(b, s, strlen(s));
}

/* ---- vg_arena ---- */

struct vg_arena_block {
    vg_arena_block *next;
    max_align_t data[];
};

void *vg_arena_alloc(vg_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->used + n > a->size) {
        size_t sz = n > 60000 ? n : 60000;
        vg_arena_block *blk = vg_malloc(sizeof *blk + sz);
        blk->next = a->head;
        a->head = blk;
        a->used = 0;
        a->size = sz;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += n;
    return p;
}

char *vg_arena_strndup(vg_arena *a, const char *s, size_t n)
{
    char *d = vg_arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *vg_arena_strdup(vg_arena *a, const char *s)
{
    return vg_arena_strndup(a, s, strlen(s));
}

void vg_arena_free(vg_arena *a)
{
    vg_arena_block *b = a->head;
    while (b) {
        vg_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used = a->size = 0;
}

/* ---- vg_strmap ---- */

uint64_t vg_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t strmap_slot_h(const vg_strmap *m, const char *key, size_t n, uint64_t h)
{
    size_t mask = m->cap - 1;
    size_t i = h & mask;
    while (m->keys[i]) {
        if (m->hashes[i] == h && m->lens[i] == n && memcmp(m->keys[i], key, n) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

int vg_strmap_getnh(const vg_strmap *m, const char *key, size_t n, uint64_t h)
{
    if (!m->cap) return -1;
    size_t i = strmap_slot_h(m, key, n, h);
    return m->keys[i] ? m->vals[i] : -1;
}

int vg_strmap_getn(const vg_strmap *m, const char *key, size_t n)
{
    return vg_strmap_getnh(m, key, n, vg_hash_bytes(key, n));
}

int vg_strmap_get(const vg_strmap *m, const char *key)
{
    return vg_strmap_getn(m, key, strlen(key));
}

static void strmap_grow(vg_strmap *m)
{
    size_t oc = m->cap;
    const char **ok = m->keys;
    uint32_t *ol = m->lens;
    uint64_t *oh = m->hashes;
    int *ov = m->vals;
    m->cap = oc ? oc * 2 : 64;
    m->keys = vg_calloc(m->cap, sizeof *m->keys);
    m->lens = vg_calloc(m->cap, sizeof *m->lens);
    m->hashes = vg_calloc(m->cap, sizeof *m->hashes);
    m->vals = vg_calloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < oc; i++) {
        if (!ok[i]) continue;
        size_t j = strmap_slot_h(m, ok[i], ol[i], oh[i]);
        m->keys[j] = ok[i];
        m->lens[j] = ol[i];
        m->hashes[j] = oh[i];
        m->vals[j] = ov[i];
    }
    free(ok);
    free(ol);
    free(oh);
    free(ov);
}

int vg_strmap_putn(vg_strmap *m, const char *key, size_t n, int val)
{
    if ((m->n + 1) * 2 >= m->cap) strmap_grow(m);
    uint64_t h = vg_hash_bytes(key, n);
    size_t i = strmap_slot_h(m, key, n, h);
    if (m->keys[i]) {
        int old = m->vals[i];
        m->vals[i] = val;
        return old;
    }
    m->keys[i] = vg_arena_strndup(&m->keystore, key, n);
    m->lens[i] = (uint32_t)n;
    m->hashes[i] = h;
    m->vals[i] = val;
    m->n++;
    return -1;
}

int vg_strmap_put(vg_strmap *m, const char *key, int val)
{
    return vg_strmap_putn(m, key, strlen(key), val);
}

void vg_strmap_clear(vg_strmap *m)
{
    if (m->cap) {
        memset(m->keys, 0, m->cap * sizeof *m->keys);
    }
    m->n = 0;
    vg_arena_free(&m->keystore);
}

void vg_strmap_free(vg_strmap *m)
{
    free(m->keys);
    free(m->lens);
    free(m->hashes);
    free(m->vals);
    vg_arena_free(&m->keystore);
    m->keys = NULL;
    m->lens = NULL;
    m->hashes = NULL;
    m->vals = NULL;
    m->n = m->cap = 0;
}

/* ---- diagnostics ---- */

void vg_diag_add(vg_diag *d, vg_diag_level lvl, const char *file, long line,
                 const char *fmt, ...)
{
    if (!d) return;
    vg_buf b = {0};
    if (file && line > 0) vg_buf_printf(&b, "%s:%ld: ", file, line);
    else if (file) vg_buf_printf(&b, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    vg_buf_puts(&b, tmp);
    vg_diag_msg m = { lvl, b.s ? b.s : vg_strdup("") };
    vg_vec_push(&d->msgs, m);
    if (lvl == VG_DIAG_ERROR) d->errors++;
    else d->warnings++;
    if (d->echo)
        fprintf(d->echo, "%s: %s\n", lvl == VG_DIAG_ERROR ? "error" : "warning", m.text);
}

void vg_diag_free(vg_diag *d)
{
    for (size_t i = 0; i < d->msgs.n; i++) free(d->msgs.v[i].text);
    vg_vec_free(&d->msgs);
    d->errors = d->warnings = 0;
}

/* ---- files ---- */

int64_t vg_stat_mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

char *vg_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    /* a regular file is read straight into a buffer one byte larger than
     * it and its NUL, so that no regrowth copies it (the spare byte lets
     * fread see the end); a pipe, or a file that grows meanwhile, grows
     * the buffer */
    vg_buf b = {0};
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) vg_buf_reserve(&b, (size_t)st.st_size + 1);
    for (;;) {
        if (b.cap - b.len < 2) vg_buf_reserve(&b, 65536);
        size_t n = fread(b.s + b.len, 1, b.cap - b.len - 1, f);
        if (n == 0) break;
        b.len += n;
    }
    b.s[b.len] = '\0';
    int err = ferror(f);
    fclose(f);
    if (err) {
        vg_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (len) *len = b.len;
    return b.s;
}

char *vg_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return vg_strdup(".");
    if (slash == path) return vg_strdup("/");
    return vg_strndup(path, (size_t)(slash - path));
}

char *vg_path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !dir[0]) return vg_strdup(name);
    vg_buf b = {0};
    vg_buf_printf(&b, "%s/%s", dir, name);
    return b.s;
}

char *vg_trim(char *s)
{
    while (vg_isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && vg_isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

double vg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- lines ---- */

void vg_lines_init(vg_lines *l, const char *text, size_t len)
{
    l->p = text;
    l->end = text + len;
    l->lineno = 0;
}

bool vg_lines_next(vg_lines *l, const char **s, size_t *n)
{
    if (l->p >= l->end) return false;
    const char *q = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *e = q ? q : l->end;
    *s = l->p;
    *n = (size_t)(e - l->p);
    if (*n && (*s)[*n - 1] == '\r') (*n)--;
    l->p = q ? q + 1 : l->end;
    l->lineno++;
    return true;
}
