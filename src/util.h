/* util.h -- small shared building blocks: growable buffers and arrays,
 * an arena for long-lived strings, a string-keyed hash map, and the
 * diagnostics list that every loader reports "file:line: reason" into.
 *
 * Everything here is allocation-checked: on out-of-memory the process
 * aborts with a message (vg_oom), so callers never see NULL from these. */
#ifndef VG_UTIL_H
#define VG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void vg_oom(void);
void *vg_malloc(size_t n);
void *vg_calloc(size_t n, size_t size);
void *vg_realloc(void *p, size_t n);
/* Grows p (old bytes in use) to n bytes, for a buffer or vector that
 * doubles: from 256 KB on, into a 2 MB-aligned block with transparent huge
 * pages asked for, since its fresh pages are filled one after another (a
 * whole input file, the word memo) and on a virtual machine 4 KB page
 * faults cost more than the copy.  free() takes it back. */
void *vg_grow(void *p, size_t old, size_t n);
char *vg_strdup(const char *s);
char *vg_strndup(const char *s, size_t n);

/* Zeroed memory for a large table that lives as long as a model or a
 * dictionary: from 1 MB up, anonymous pages in a 2 MB-aligned region with
 * transparent huge pages asked for, which fault in many times faster than
 * 4 KB pages (on a virtual machine, touching 2 MB of fresh 4 KB pages takes
 * about 7 ms).  Free with vg_big_free and the same size. */
void *vg_big_calloc(size_t n);
void vg_big_free(void *p, size_t n);

/* Growable array of T: struct { T *v; size_t n, cap; }. */
#define VG_VEC(T) struct { T *v; size_t n, cap; }
#define vg_vec_reserve(vec, want) do { \
        if ((want) > (vec)->cap) { \
            size_t nc_ = (vec)->cap ? (vec)->cap * 2 : 8; \
            while (nc_ < (want)) nc_ *= 2; \
            (vec)->v = vg_grow((vec)->v, (vec)->cap * sizeof *(vec)->v, nc_ * sizeof *(vec)->v); \
            (vec)->cap = nc_; \
        } } while (0)
#define vg_vec_push(vec, x) do { \
        vg_vec_reserve((vec), (vec)->n + 1); \
        (vec)->v[(vec)->n++] = (x); } while (0)
/* &vec->v[i] for 0 <= i <= n.  An empty vector may have v == NULL, and
 * arithmetic on a null pointer is undefined even for i == 0: this yields
 * NULL then, never NULL + i.  Use it for every "v + offset". */
#define vg_vec_at(vec, i) ((vec)->v ? (vec)->v + (i) : (vec)->v)
#define vg_vec_free(vec) do { free((vec)->v); (vec)->v = NULL; \
        (vec)->n = (vec)->cap = 0; } while (0)

/* Growable, always NUL-terminated byte buffer. */
typedef struct vg_buf {
    char *s;
    size_t len, cap;
} vg_buf;

/* Grows b to hold need bytes (the slow path of vg_buf_reserve). */
void vg_buf_grow(vg_buf *b, size_t need);
/* Room for extra more bytes and the terminating NUL.  Inline, as is
 * vg_buf_putc: the tokeniser and the JSON writer call them per token. */
static inline void vg_buf_reserve(vg_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need > b->cap) vg_buf_grow(b, need);
}
void vg_buf_putn(vg_buf *b, const char *s, size_t n);
void vg_buf_puts(vg_buf *b, const char *s);
static inline void vg_buf_putc(vg_buf *b, char c)
{
    vg_buf_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}
void vg_buf_printf(vg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same bytes as printf's "%ld", and "%.*f" with 0 to 6 decimals,
 * without printf: the writers of events call them for every event.  A value
 * printf would round as a tie (within 1e-9 of one) goes to printf itself. */
void vg_buf_put_int(vg_buf *b, long v);
void vg_buf_put_fixed(vg_buf *b, double x, int decimals);
void vg_buf_clear(vg_buf *b);
void vg_buf_free(vg_buf *b);
/* Appends s as a JSON string literal (with quotes), escaping as needed. */
void vg_buf_json_str(vg_buf *b, const char *s);
void vg_buf_json_strn(vg_buf *b, const char *s, size_t n);

/* Bump allocator for strings and records that live as long as a dictionary. */
typedef struct vg_arena_block vg_arena_block;
typedef struct vg_arena {
    vg_arena_block *head;
    size_t used, size;
} vg_arena;

void *vg_arena_alloc(vg_arena *a, size_t n);
char *vg_arena_strndup(vg_arena *a, const char *s, size_t n);
char *vg_arena_strdup(vg_arena *a, const char *s);
void vg_arena_free(vg_arena *a);

/* Open-addressing hash map from NUL-terminated string to int.
 * Keys are copied into the map's own arena. */
typedef struct vg_strmap {
    const char **keys;
    uint32_t *lens;
    uint64_t *hashes;
    int *vals;
    size_t n, cap;
    vg_arena keystore;
} vg_strmap;

uint64_t vg_hash_bytes(const char *s, size_t n);
/* Returns the value for key, or -1. */
int vg_strmap_get(const vg_strmap *m, const char *key);
int vg_strmap_getn(const vg_strmap *m, const char *key, size_t n);
/* As vg_strmap_getn, with h = vg_hash_bytes(key, n) already computed. */
int vg_strmap_getnh(const vg_strmap *m, const char *key, size_t n, uint64_t h);
/* FNV-1a, one byte at a time: h = vg_hash_step(h, c) from VG_HASH_INIT. */
#define VG_HASH_INIT 1469598103934665603ULL
static inline uint64_t vg_hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 1099511628211ULL;
}
/* Inserts or overwrites; returns the previous value or -1. */
int vg_strmap_put(vg_strmap *m, const char *key, int val);
int vg_strmap_putn(vg_strmap *m, const char *key, size_t n, int val);
/* Removes every key (keeps the table's capacity). */
void vg_strmap_clear(vg_strmap *m);
void vg_strmap_free(vg_strmap *m);

/* Diagnostics: "file:line: reason" messages collected by loaders and coders.
 * Loading and coding never stop on a bad entry; they report and go on. */
typedef enum { VG_DIAG_WARNING, VG_DIAG_ERROR } vg_diag_level;

typedef struct vg_diag_msg {
    vg_diag_level level;
    char *text;  /* already formatted as "file:line: reason" */
} vg_diag_msg;

typedef struct vg_diag {
    VG_VEC(vg_diag_msg) msgs;
    size_t errors, warnings;
    FILE *echo;  /* when set, messages are also printed here as they arrive */
} vg_diag;

void vg_diag_add(vg_diag *d, vg_diag_level lvl, const char *file, long line,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void vg_diag_free(vg_diag *d);

/* Line iterator over a text buffer (strips a trailing CR). */
typedef struct vg_lines {
    const char *p, *end;
    long lineno;
} vg_lines;

void vg_lines_init(vg_lines *l, const char *text, size_t len);
bool vg_lines_next(vg_lines *l, const char **s, size_t *n);

/* A file's modification time in nanoseconds. */
struct stat;
int64_t vg_stat_mtime_ns(const struct stat *st);

/* Reads a whole file; returns NULL (with errno set) on failure. */
char *vg_read_file(const char *path, size_t *len);
/* Directory part of path ("." if none); caller frees. */
char *vg_dirname(const char *path);
/* Joins dir and name unless name is absolute; caller frees. */
char *vg_path_join(const char *dir, const char *name);

/* ASCII helpers that ignore the locale. */
static inline bool vg_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool vg_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool vg_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool vg_isalpha(int c) { return vg_isupper(c) || vg_islower(c); }
static inline bool vg_isalnum(int c) { return vg_isalpha(c) || vg_isdigit(c); }
static inline bool vg_isspace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static inline int vg_toupper(int c) { return vg_islower(c) ? c - 32 : c; }

/* The length of the run of printable ASCII (0x20-0x7E) that starts s[0..n),
 * ending early at a byte stop1 or stop2 (pass 0x7F for none).  Eight bytes
 * at a time: most text is such a run, and checking, escaping and copying it
 * byte by byte was a tenth of coding. */
static inline size_t vg_ascii_run(const char *s, size_t n, unsigned char stop1,
                                  unsigned char stop2)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t q1 = x ^ (ones * stop1), q2 = x ^ (ones * stop2);
        uint64_t bad = ((x - ones * 0x20) & ~x)      /* a byte below 0x20 */
                       | ((x + ones) | x)            /* 0x7F and above */
                       | ((q1 - ones) & ~q1) | ((q2 - ones) & ~q2);
        if (bad & highs) break;                      /* the byte loop finds which */
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7E || c == stop1 || c == stop2) break;
    }
    return i;
}

/* Trims ASCII whitespace in place; returns s. */
char *vg_trim(char *s);

/* Monotonic clock in seconds. */
double vg_now(void);

#endif
