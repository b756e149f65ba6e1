/* places_eval.c -- measures event-place extraction on a geo-gold JSONL file
 * (one object per line: "text", "verb": [string], "locations": [string]).
 *
 *   places_eval GAZETTEER.bin GOLD.jsonl [-v]
 *
 * The verb's byte offset is its first whole-word occurrence in the text.
 * Sentences whose gold list holds an empty string (or a single character, a
 * broken annotation) are annotation gaps: they
 * are counted apart and left out of precision and recall.  A prediction is
 * the raw place string (actor fallbacks are not predictions); it is correct
 * when it equals a gold location after normalisation (case, punctuation and
 * a leading "the" ignored), or, leniently, when one contains the other. */
#include "post.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_LOC 32

typedef struct gold {
    vg_buf text, verb;
    vg_buf loc[MAX_LOC];
    size_t nloc;
    bool gap;             /* an empty gold location */
} gold;

/* Parses the JSON string at *p into b; advances *p.  Returns false on error. */
static bool jstr(const char **p, vg_buf *b)
{
    const char *s = *p;
    vg_buf_clear(b);
    if (*s++ != '"') return false;
    while (*s && *s != '"') {
        if (*s != '\\') { vg_buf_putc(b, *s++); continue; }
        s++;
        if (*s == 'u') {
            unsigned cp = 0;
            for (int i = 1; i <= 4; i++) {
                char c = s[i];
                if (!c) return false;
                cp = cp * 16 + (unsigned)(vg_isdigit(c) ? c - '0' : (c | 32) - 'a' + 10);
            }
            s += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && s[0] == '\\' && s[1] == 'u') {
                unsigned lo = 0;
                for (int i = 2; i <= 5; i++) {
                    char c = s[i];
                    if (!c) return false;
                    lo = lo * 16 + (unsigned)(vg_isdigit(c) ? c - '0' : (c | 32) - 'a' + 10);
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
            char u[4];
            int n = 0;
            if (cp < 0x80) u[n++] = (char)cp;
            else if (cp < 0x800) { u[n++] = (char)(0xC0 | (cp >> 6)); u[n++] = (char)(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000) {
                u[n++] = (char)(0xE0 | (cp >> 12)); u[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                u[n++] = (char)(0xF0 | (cp >> 18)); u[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[n++] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[n++] = (char)(0x80 | (cp & 0x3F));
            }
            vg_buf_putn(b, u, (size_t)n);
            continue;
        }
        char c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
        if (!*s) return false;
        vg_buf_putc(b, c);
        s++;
    }
    if (*s != '"') return false;
    *p = s + 1;
    return true;
}

/* Finds "key": in line and returns a pointer after the colon. */
static const char *field(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    return p;
}

static bool parse_line(const char *line, gold *g)
{
    const char *p = field(line, "text");
    if (!p || !jstr(&p, &g->text)) return false;
    vg_buf_clear(&g->verb);
    g->nloc = 0;
    g->gap = false;
    if ((p = field(line, "verb")) && *p == '[') {
        p++;
        while (*p == ' ') p++;
        if (*p == '"' && !jstr(&p, &g->verb)) return false;
    }
    if (!(p = field(line, "locations")) || *p++ != '[') return false;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ']') break;
        vg_buf tmp = { 0 };
        if (!jstr(&p, &tmp)) { vg_buf_free(&tmp); return false; }
        char *t = vg_trim(tmp.s ? tmp.s : (char *)"");
        if (strlen(t) < 2) g->gap = true;     /* "" or a stray letter */
        else if (g->nloc < MAX_LOC) {
            vg_buf_clear(&g->loc[g->nloc]);
            vg_buf_puts(&g->loc[g->nloc++], t);
        }
        vg_buf_free(&tmp);
    }
    return true;
}

static size_t verb_offset(const gold *g)
{
    if (!g->verb.len) return SIZE_MAX;
    const char *t = g->text.s, *p = t;
    while ((p = strstr(p, g->verb.s))) {
        size_t o = (size_t)(p - t), e = o + g->verb.len;
        bool left = o == 0 || !vg_isalnum((unsigned char)t[o - 1]);
        bool right = !vg_isalnum((unsigned char)t[e]);
        if (left && right) return o;
        p++;
    }
    p = strstr(t, g->verb.s);
    return p ? (size_t)(p - t) : SIZE_MAX;
}

/* Lower-cased, ASCII punctuation dropped, spaces collapsed, "the " dropped. */
static void norm(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    bool space = true;
    for (; *s && k + 1 < outsz; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80 && !vg_isalnum(c)) {
            if (!space) out[k++] = ' ', space = true;
            continue;
        }
        out[k++] = (char)(vg_isupper(c) ? c + 32 : c);
        space = false;
    }
    while (k && out[k - 1] == ' ') k--;
    out[k] = '\0';
    if (!strncmp(out, "the ", 4)) memmove(out, out + 4, k - 3);
}

static int judge(const gold *g, const char *pred)
{
    char a[512], b[512];
    norm(pred, a, sizeof a);
    int best = 0;
    for (size_t i = 0; i < g->nloc; i++) {
        norm(g->loc[i].s, b, sizeof b);
        if (!strcmp(a, b)) return 2;
        if (*a && *b && (strstr(a, b) || strstr(b, a))) best = 1;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: places_eval GAZETTEER.bin GOLD.jsonl [-v]\n");
        return 2;
    }
    bool verbose = argc > 3 && !strcmp(argv[3], "-v");
    char err[512];
    vg_gazetteer *gz = vg_gazetteer_open(argv[1], err, sizeof err);
    if (!gz) { fprintf(stderr, "places_eval: %s\n", err); return 1; }
    FILE *f = fopen(argv[2], "r");
    if (!f) { perror(argv[2]); return 1; }
    gold g = { 0 };
    char *line = NULL;
    size_t cap = 0, n = 0, bad = 0, gaps = 0, gap_pred = 0, with_loc = 0, pred = 0,
           exact = 0, lenient = 0, res = 0;
    double t0 = vg_now();
    while (getline(&line, &cap, f) > 0) {
        if (!parse_line(line, &g)) { bad++; continue; }
        n++;
        vg_place p;
        bool ok = vg_place_find(gz, g.text.s, g.text.len, verb_offset(&g), NULL, 0, &p) &&
                  !p.from_actor;
        if (g.gap) { gaps++; gap_pred += ok; continue; }
        with_loc += g.nloc > 0;
        int j = ok ? judge(&g, p.raw) : 0;
        if (ok) {
            pred++;
            exact += j == 2;
            lenient += j >= 1;
            res += p.precision != VG_PLACE_UNRESOLVED;
        }
        if (verbose && (j < 2) && (ok || g.nloc)) {
            printf("%s pred=[%s]%s gold=[", j == 1 ? "LEN" : ok ? "FP " : "FN ",
                   ok ? p.raw : "", ok && p.precision == VG_PLACE_UNRESOLVED ? "?" : "");
            for (size_t i = 0; i < g.nloc; i++) printf("%s%s", i ? "|" : "", g.loc[i].s);
            printf("] verb=%s :: %.200s\n", g.verb.s ? g.verb.s : "", g.text.s);
        }
    }
    double dt = vg_now() - t0;
    printf("sentences %zu (unparsed %zu), scored %zu, with a gold location %zu\n", n, bad,
           n - gaps, with_loc);
    printf("predicted %zu (%zu resolved in the gazetteer)\n", pred, res);
    printf("exact:   precision %.3f  recall %.3f  F1 %.3f\n", pred ? (double)exact / pred : 0,
           with_loc ? (double)exact / with_loc : 0,
           exact ? 2.0 * exact / (pred + with_loc) : 0);
    printf("lenient: precision %.3f  recall %.3f  F1 %.3f\n", pred ? (double)lenient / pred : 0,
           with_loc ? (double)lenient / with_loc : 0,
           lenient ? 2.0 * lenient / (pred + with_loc) : 0);
    printf("annotation gaps (an empty gold string): %zu, a place predicted in %zu\n", gaps,
           gap_pred);
    printf("time %.1f ms (%.1f us/sentence)\n", dt * 1e3, n ? dt * 1e6 / n : 0);
    free(line);
    fclose(f);
    vg_buf_free(&g.text);
    vg_buf_free(&g.verb);
    for (size_t i = 0; i < MAX_LOC; i++) vg_buf_free(&g.loc[i]);
    vg_gazetteer_close(gz);
    return 0;
}
