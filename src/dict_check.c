/* dict_check.c -- lint, counts and explanations over a compiled dictionary
 * (see dict_check.h; used by `vigil dict`). */
#include "dict_check.h"
#include "date.h"
#include "analysis.h"
#include "embedded.h"
#include "ontology.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- source lines of dated alternatives ---- */

typedef VG_VEC(uint32_t) u32s;

typedef struct srcfile {
    char *text;               /* NULL: unavailable */
    size_t len;
    u32s lines;               /* offset of each line */
    bool tried;
} srcfile;

struct vg_dict_sources {
    const vg_dict *d;
    srcfile *files;
    vg_dict *scratch;         /* vg_parse_dated stores codes in a dictionary */
};

vg_dict_sources *vg_dict_sources_new(const vg_dict *d)
{
    vg_dict_sources *s = vg_calloc(1, sizeof *s);
    s->d = d;
    s->files = vg_calloc(d->files.n + 1, sizeof *s->files);
    s->scratch = vg_dict_new();
    return s;
}

void vg_dict_sources_free(vg_dict_sources *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->d->files.n; i++) {
        free(s->files[i].text);
        vg_vec_free(&s->files[i].lines);
    }
    free(s->files);
    vg_dict_free(s->scratch);
    free(s);
}

static void index_lines(srcfile *f)
{
    f->lines.n = 0;
    vg_vec_push(&f->lines, 0);
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n') vg_vec_push(&f->lines, (uint32_t)(i + 1));
}

/* Line ln (1-based) of f, without its newline. */
static bool get_line(const srcfile *f, long ln, const char **s, size_t *n)
{
    if (!f->text || ln < 1 || (size_t)ln > f->lines.n) return false;
    size_t at = f->lines.v[ln - 1];
    size_t end = (size_t)ln < f->lines.n ? f->lines.v[ln] - 1 : f->len;
    *s = f->text + at;
    *n = end - at;
    return true;
}

/* Does line ln of f contain the entry's text (is this the text it was loaded from)? */
static bool text_matches(const vg_dict *d, const srcfile *f, const vg_entry *e)
{
    const char *s, *et = vg_dict_str(d, e->text);
    size_t n, tn = et ? strlen(et) : 0;
    if (!get_line(f, e->src.line, &s, &n) || tn == 0) return false;
    for (size_t i = 0; i + tn <= n; i++)
        if (!memcmp(s + i, et, tn)) return true;
    return false;
}

/* Loads the text of e's file: from disk, else the embedded copy, keeping
 * whichever has e's text on e's line. */
static srcfile *source_of(vg_dict_sources *s, const vg_entry *e)
{
    if (e->src.file < 0 || (size_t)e->src.file >= s->d->files.n) return NULL;
    srcfile *f = &s->files[e->src.file];
    if (f->tried) return f->text ? f : NULL;
    f->tried = true;
    const char *name = vg_dict_str(s->d, s->d->files.v[e->src.file]);
    if (!name) return NULL;
    for (int pass = 0; pass < 2 && !f->text; pass++) {
        size_t len = 0;
        const char *emb = pass ? vg_embedded_get(name, &len) : NULL;
        f->text = pass ? (emb ? vg_strndup(emb, len) : NULL) : vg_read_file(name, &len);
        f->len = len;
        if (!f->text) continue;
        index_lines(f);
        if (text_matches(s->d, f, e)) break;
        free(f->text);
        f->text = NULL;
    }
    return f->text ? f : NULL;
}

typedef struct located {
    vg_dated dt;
    long line;
} located;

typedef VG_VEC(located) located_vec;

/* Cuts a comment ('#' or ';' outside brackets) off a line copy. */
static void cut_comment(char *ln)
{
    int depth = 0;
    for (char *c = ln; *c; c++) {
        if (*c == '[') depth++;
        else if (*c == ']') depth--;
        else if ((*c == '#' || *c == ';') && depth <= 0) { *c = '\0'; return; }
    }
}

/* Every "[...]" that parses as a dated code, from line ln on, until want. */
static void scan_codes(vg_dict_sources *s, const srcfile *f, long ln, size_t want,
                       located_vec *out)
{
    const char *text;
    size_t n;
    for (long end = ln + 400; out->n < want && ln < end && get_line(f, ln, &text, &n); ln++) {
        char *buf = vg_strndup(text, n);
        cut_comment(buf);
        for (char *lb = strchr(buf, '['); lb && out->n < want; lb = strchr(lb + 1, '[')) {
            char *rb = strchr(lb, ']');
            if (!rb) break;
            located l = { .line = ln };
            const char *why;
            if (vg_parse_dated(s->scratch, lb + 1, (size_t)(rb - lb - 1), &l.dt, &why))
                vg_vec_push(out, l);
        }
        free(buf);
    }
}

static bool same_codes(const vg_dict *da, const vg_dated *a, const vg_dict *db, const vg_dated *b)
{
    if (a->special != b->special || a->ncodes != b->ncodes) return false;
    for (uint16_t k = 0; k < a->ncodes; k++)
        if (strcmp(vg_dict_str(da, da->codelist.v[a->codes + k]),
                   vg_dict_str(db, db->codelist.v[b->codes + k])))
            return false;
    return true;
}

static bool same_dated(const vg_dict *da, const vg_dated *a, const vg_dict *db, const vg_dated *b)
{
    return a->has_date == b->has_date && a->from == b->from && a->to == b->to &&
           same_codes(da, a, db, b);
}

vg_src vg_dated_src(vg_dict_sources *s, int32_t actor, uint32_t k)
{
    const vg_dict *d = s->d;
    const vg_actor *a = &d->actors.v[actor];
    vg_src at = a->src;
    const vg_entry *e = a->parent >= 0 ? &d->entries.v[a->parent] : NULL;
    srcfile *f = e ? source_of(s, e) : NULL;
    if (!f || k >= a->ndated) return at;
    located_vec found = {0};
    scan_codes(s, f, a->src.line, a->ndated, &found);
    /* the loaders store dated alternatives first, then undated ones */
    size_t seen = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < found.n; i++) {
            if (found.v[i].dt.has_date != (pass == 0)) continue;
            if (seen++ != k) continue;
            if (same_dated(s->scratch, &found.v[i].dt, d, &d->dated.v[a->dated + k]))
                at.line = (int32_t)found.v[i].line;
        }
    vg_vec_free(&found);
    return at;
}

/* ---- writing codes ---- */

static const char *special_text(int sp)
{
    switch (sp) {
    case VG_CODE_NULL: return "---";
    case VG_CODE_DISCARD: return "###";
    case VG_CODE_COMPLEX: return "+++";
    default: return "";
    }
}

static void codes_text(const vg_dict *d, const vg_dated *dt, vg_buf *out)
{
    if (dt->special) { vg_buf_puts(out, special_text(dt->special)); return; }
    for (uint16_t k = 0; k < dt->ncodes; k++) {
        if (k) vg_buf_putc(out, '/');
        vg_buf_puts(out, vg_dict_str(d, d->codelist.v[dt->codes + k]));
    }
}

void vg_dated_text(const vg_dict *d, const vg_dated *dt, vg_buf *out)
{
    codes_text(d, dt, out);
    if (!dt->has_date) return;
    if (dt->from == 0) vg_buf_printf(out, " <%08d", (int)dt->to);
    else if (dt->to == 99999999) vg_buf_printf(out, " >%08d", (int)dt->from);
    else vg_buf_printf(out, " %08d-%08d", (int)dt->from, (int)dt->to);
}

static const char *str_or_empty(const vg_dict *d, vg_str s)
{
    return s ? vg_dict_str(d, s) : "";
}

static void vcode_text(const vg_dict *d, const vg_vcode *c, vg_buf *out)
{
    if (c->special) { vg_buf_puts(out, special_text(c->special)); return; }
    if (c->code) vg_buf_puts(out, vg_dict_str(d, c->code));
    if (c->flags & VG_VC_PAIRED) vg_buf_printf(out, ":%s", str_or_empty(d, c->pair));
    if (c->flags & VG_VC_SUBORD) vg_buf_putc(out, '?');
    if (c->flags & VG_VC_DOMINANT) vg_buf_putc(out, '!');
}

static bool same_vcode(const vg_dict *d, const vg_vcode *a, const vg_vcode *b)
{
    return a->special == b->special && a->flags == b->flags &&
           !strcmp(str_or_empty(d, a->code), str_or_empty(d, b->code)) &&
           !strcmp(str_or_empty(d, a->pair), str_or_empty(d, b->pair));
}

/* ---- lint ---- */

typedef struct finding {
    int32_t file, line;
    uint32_t seq;
    vg_diag_level lvl;
    char *msg;
} finding;

typedef struct checker {
    const vg_dict *d;
    vg_dict_sources *src;
    VG_VEC(finding) f;
    vg_buf tmp, tmp2;
} checker;

static void report(checker *c, vg_diag_level lvl, vg_src at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(checker *c, vg_diag_level lvl, vg_src at, const char *fmt, ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    finding f = { at.file, at.line, (uint32_t)c->f.n, lvl, vg_strdup(msg) };
    vg_vec_push(&c->f, f);
}

static const char *where(const checker *c, vg_src s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s:%d", vg_dict_file_name(c->d, s), (int)s.line);
    return buf;
}

/* s without trailing blanks (TABARI verb roots keep them), in buf. */
static const char *trimmed(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s ? s : "");
    while (n && vg_isspace((unsigned char)s[n - 1])) n--;
    snprintf(buf, cap, "%.*s", (int)n, s ? s : "");
    return buf;
}

typedef struct name_buf { char s[160]; } name_buf;

/* An entry's phrase as written, trimmed. */
static name_buf phrase_of(const vg_dict *d, const vg_entry *e)
{
    name_buf b;
    trimmed(vg_dict_str(d, e->text), b.s, sizeof b.s);
    return b;
}

static const char *const kind_names[] = {
    "actor", "agent", "verb", "noun", "adjective", "discard", "issue"
};

/* A phrase as a map key: the words, whole or stem, and their joins. */
static void phrase_key(const vg_dict *d, const vg_phrase *ph, int kind, vg_buf *b)
{
    vg_buf_clear(b);
    if (kind >= 0) vg_buf_printf(b, "%d:", kind);
    for (uint16_t i = 0; i < ph->n; i++) {
        const vg_elem *w = &vg_phrase_elems(d, ph)[i];
        vg_buf_printf(b, "%d%c%c", w->type, w->mode == VG_WM_STEM ? 's' : 'w',
                      w->adj_next ? '_' : ' ');
        if (w->type == VG_EL_WORD) vg_buf_putn(b, vg_elem_word(d, w), w->len);
        else if (w->type == VG_EL_SYNSET) vg_buf_printf(b, "&%d", (int)w->synset);
        vg_buf_putc(b, '|');
    }
}

static bool same_actor_codes(const vg_dict *d, int32_t x, int32_t y)
{
    const vg_actor *a = &d->actors.v[x], *b = &d->actors.v[y];
    if (a->ndated != b->ndated) return false;
    for (uint32_t k = 0; k < a->ndated; k++)
        if (!same_dated(d, &d->dated.v[a->dated + k], d, &d->dated.v[b->dated + k])) return false;
    return true;
}

/* 1: same meaning (harmless duplicate), 0: different (the second is dead),
 * -1: not a problem at all. */
static int same_meaning(const vg_dict *d, const vg_entry *a, const vg_entry *b)
{
    switch (a->kind) {
    case VG_PK_ACTOR:
        return a->ref == b->ref || same_actor_codes(d, a->ref, b->ref);
    case VG_PK_AGENT: {
        const vg_agent *x = &d->agents.v[a->ref], *y = &d->agents.v[b->ref];
        return x->prefix == y->prefix && !strcmp(vg_dict_str(d, x->code), vg_dict_str(d, y->code));
    }
    case VG_PK_VERB: {
        const vg_verbform *x = &d->verbforms.v[a->ref], *y = &d->verbforms.v[b->ref];
        return x->block == y->block && same_vcode(d, &x->code, &y->code);
    }
    case VG_PK_ISSUE: {          /* every issue phrase counts: only same codes double up */
        const vg_issue *x = &d->issues.v[a->ref], *y = &d->issues.v[b->ref];
        return x->ignore == y->ignore && x->category == y->category &&
               !strcmp(str_or_empty(d, x->code), str_or_empty(d, y->code)) ? 1 : -1;
    }
    default:
        return 1;
    }
}

static void entry_meaning(const checker *c, const vg_entry *e, vg_buf *b)
{
    const vg_dict *d = c->d;
    vg_buf_clear(b);
    switch (e->kind) {
    case VG_PK_ACTOR: {
        const vg_actor *a = &d->actors.v[e->ref];
        for (uint32_t k = 0; k < a->ndated; k++) {
            vg_buf_puts(b, k ? " [" : "[");
            vg_dated_text(d, &d->dated.v[a->dated + k], b);
            vg_buf_putc(b, ']');
        }
        break;
    }
    case VG_PK_AGENT: {
        const vg_agent *g = &d->agents.v[e->ref];
        vg_buf_printf(b, g->prefix ? "[%s~]" : "[~%s]", vg_dict_str(d, g->code));
        break;
    }
    case VG_PK_VERB: {
        const vg_verbform *v = &d->verbforms.v[e->ref];
        char nm[128];
        vg_buf_printf(b, "block '%s' [", trimmed(vg_dict_str(d, d->blocks.v[v->block].name), nm,
                                                 sizeof nm));
        vcode_text(d, &v->code, b);
        vg_buf_putc(b, ']');
        break;
    }
    default: break;
    }
}

static void dup_entry(checker *c, const vg_entry *first, const vg_entry *e)
{
    int same = same_meaning(c->d, first, e);
    if (same < 0) return;
    char w[300];
    where(c, first->src, w, sizeof w);
    const char *kind = kind_names[e->kind];
    if (same) {
        report(c, VG_DIAG_WARNING, e->src, "duplicate %s '%s' (first at %s)", kind,
               phrase_of(c->d, e).s, w);
        return;
    }
    entry_meaning(c, first, &c->tmp);
    entry_meaning(c, e, &c->tmp2);
    report(c, VG_DIAG_ERROR, e->src,
           "%s '%s' %s is already defined at %s as %s: this definition never matches",
           kind, phrase_of(c->d, e).s, c->tmp2.s ? c->tmp2.s : "", w, c->tmp.s ? c->tmp.s : "");
}

/* Same words and kind twice; the same words as both an actor and an agent. */
static void check_entries(checker *c)
{
    const vg_dict *d = c->d;
    vg_strmap by_kind = {0}, by_words = {0};
    vg_buf key = {0};
    for (size_t i = 0; i < d->entries.n; i++) {
        const vg_entry *e = &d->entries.v[i];
        phrase_key(d, &e->ph, e->kind, &key);
        int first = vg_strmap_get(&by_kind, key.s);
        if (first >= 0) dup_entry(c, &d->entries.v[first], e);
        else vg_strmap_put(&by_kind, key.s, (int)i);
        if (e->kind != VG_PK_ACTOR && e->kind != VG_PK_AGENT) continue;
        phrase_key(d, &e->ph, -1, &key);
        int other = vg_strmap_get(&by_words, key.s);
        if (other < 0) { vg_strmap_put(&by_words, key.s, (int)i); continue; }
        const vg_entry *o = &d->entries.v[other];
        if (o->kind == e->kind) continue;
        char w[300];
        report(c, VG_DIAG_WARNING, e->src, "'%s' is both an %s (%s) and an %s; the first loaded wins",
               phrase_of(d, e).s, kind_names[o->kind], where(c, o->src, w, sizeof w), kind_names[e->kind]);
    }
    vg_buf_free(&key);
    vg_strmap_free(&by_kind);
    vg_strmap_free(&by_words);
}

static name_buf actor_name(const vg_dict *d, const vg_actor *a)
{
    name_buf b = { "?" };
    return a->parent >= 0 ? phrase_of(d, &d->entries.v[a->parent]) : b;
}

static const char *dated_str(const vg_dict *d, const vg_dated *dt, vg_buf *b)
{
    vg_buf_clear(b);
    vg_dated_text(d, dt, b);
    return b->s;
}

/* Two dated alternatives i < j of one actor whose ranges overlap: the
 * first wins, so j is dead where they do.  One range ending on the day the
 * next starts is the usual way of writing a handover and is not reported. */
static void check_pair(checker *c, int32_t ai, uint32_t i, uint32_t j)
{
    const vg_dict *d = c->d;
    const vg_actor *a = &d->actors.v[ai];
    const vg_dated *x = &d->dated.v[a->dated + i], *y = &d->dated.v[a->dated + j];
    if (x->from > x->to || y->from > y->to) return;
    if (x->from > y->to || y->from > x->to) return;
    int32_t lo = x->from > y->from ? x->from : y->from, hi = x->to < y->to ? x->to : y->to;
    if (lo == hi && (x->to == y->from || y->to == x->from)) return;   /* handover day */
    int xl = (int)vg_dated_src(c->src, ai, i).line;
    vg_src at = vg_dated_src(c->src, ai, j);
    const char *ys = dated_str(d, y, &c->tmp), *xs = dated_str(d, x, &c->tmp2);
    name_buf nm = actor_name(d, a);
    if (same_codes(d, x, d, y))
        report(c, VG_DIAG_WARNING, at, "date range [%s] of '%s' overlaps [%s] (line %d) with the same code",
               ys, nm.s, xs, xl);
    else if (x->from <= y->from && y->to <= x->to)
        report(c, VG_DIAG_ERROR, at, "date range [%s] of '%s' lies within [%s] (line %d), which comes "
               "first and wins: it never applies", ys, nm.s, xs, xl);
    else
        report(c, VG_DIAG_WARNING, at, "date range [%s] of '%s' overlaps [%s] (line %d), which wins "
               "on %08d-%08d", ys, nm.s, xs, xl, (int)lo, (int)hi);
}

static void check_actor(checker *c, int32_t ai, int32_t expired)
{
    const vg_dict *d = c->d;
    const vg_actor *a = &d->actors.v[ai];
    uint32_t undated = 0, ndated = 0;
    for (uint32_t i = 0; i < a->ndated; i++) {
        const vg_dated *x = &d->dated.v[a->dated + i];
        if (!x->has_date) {
            if (undated++)
                report(c, VG_DIAG_WARNING, vg_dated_src(c->src, ai, i),
                       "'%s' has more than one undated code: [%s] is never used",
                       actor_name(d, a).s, dated_str(d, x, &c->tmp));
            continue;
        }
        ndated++;
        if (x->from > x->to)
            report(c, VG_DIAG_ERROR, vg_dated_src(c->src, ai, i),
                   "inverted date range [%s] of '%s': it ends before it starts",
                   dated_str(d, x, &c->tmp), actor_name(d, a).s);
        for (uint32_t j = 0; j < i; j++) check_pair(c, ai, j, i);
    }
    if (expired && ndated && !vg_actor_code(d, ai, expired)) {
        char day[11];
        vg_date_format(expired, day);
        report(c, VG_DIAG_WARNING, a->src, "'%s' has no code valid on %s", actor_name(d, a).s, day);
    }
}

static void pattern_key(const vg_dict *d, const vg_pattern *p, vg_buf *b)
{
    vg_phrase ph = { p->e, p->n, 0 };
    phrase_key(d, &ph, -1, b);
    vg_buf_printf(b, "#%d", (int)p->block);
}

/* A pattern repeated in its block: the later copy never matches. */
static void check_patterns(checker *c)
{
    const vg_dict *d = c->d;
    vg_strmap seen = {0};
    vg_buf key = {0};
    for (size_t i = 0; i < d->patterns.n; i++) {
        const vg_pattern *p = &d->patterns.v[i];
        pattern_key(d, p, &key);
        int first = vg_strmap_get(&seen, key.s);
        if (first < 0) { vg_strmap_put(&seen, key.s, (int)i); continue; }
        const vg_pattern *q = &d->patterns.v[first];
        if (q->src.file == p->src.file && q->src.line == p->src.line) continue;
        char w[300], pt[200], blk[128];
        where(c, q->src, w, sizeof w);
        trimmed(vg_dict_str(d, p->text), pt, sizeof pt);
        trimmed(vg_dict_str(d, d->blocks.v[p->block].name), blk, sizeof blk);
        if (same_vcode(d, &q->code, &p->code)) {
            report(c, VG_DIAG_WARNING, p->src, "duplicate pattern '%s' in '%s' (first at %s)",
                   pt, blk, w);
            continue;
        }
        vg_buf_clear(&c->tmp);
        vcode_text(d, &q->code, &c->tmp);
        vg_buf_clear(&c->tmp2);
        vcode_text(d, &p->code, &c->tmp2);
        report(c, VG_DIAG_ERROR, p->src,
               "conflicting duplicate pattern '%s' [%s] in '%s': the same pattern at %s codes [%s], "
               "so this one never matches", pt, c->tmp2.s, blk, w, c->tmp.s);
    }
    vg_buf_free(&key);
    vg_strmap_free(&seen);
}

static int finding_cmp(const void *pa, const void *pb)
{
    const finding *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

size_t vg_dict_check(const vg_dict *d, const vg_check_opts *o, vg_diag *diag)
{
    checker c = { d, vg_dict_sources_new(d), {0}, {0}, {0} };
    check_entries(&c);
    for (size_t i = 0; i < d->actors.n; i++) check_actor(&c, (int32_t)i, o ? o->expired : 0);
    check_patterns(&c);
    if (c.f.n) qsort(c.f.v, c.f.n, sizeof *c.f.v, finding_cmp);
    size_t errors = 0;
    for (size_t i = 0; i < c.f.n; i++) {
        const finding *f = &c.f.v[i], *prev = i ? &c.f.v[i - 1] : NULL;
        if (prev && prev->file == f->file && prev->line == f->line && !strcmp(prev->msg, f->msg))
            continue;                     /* alternatives "{a | b}" of one line */
        vg_diag_add(diag, f->lvl, vg_dict_file_name(d, (vg_src){ f->file, f->line }), f->line,
                    "%s", f->msg);
        errors += f->lvl == VG_DIAG_ERROR;
    }
    for (size_t i = 0; i < c.f.n; i++) free(c.f.v[i].msg);
    vg_vec_free(&c.f);
    vg_buf_free(&c.tmp);
    vg_buf_free(&c.tmp2);
    vg_dict_sources_free(c.src);
    return errors;
}

size_t vg_diag_prefix_len(const char *t)
{
    /* "file:123: " -- the first ':' followed by digits and ": " */
    for (const char *p = strchr(t, ':'); p; p = strchr(p + 1, ':')) {
        const char *q = p + 1;
        while (vg_isdigit((unsigned char)*q)) q++;
        if (q > p + 1 && q[0] == ':' && q[1] == ' ') return (size_t)(q + 2 - t);
    }
    const char *p = strstr(t, ": ");
    return p ? (size_t)(p + 2 - t) : 0;
}

/* ---- counts ---- */

static void count_codes(const vg_dict *d, vg_dict_counts *c)
{
    vg_strmap countries = {0}, prefixes = {0};
    for (size_t i = 0; i < d->dated.n; i++) {
        const vg_dated *dt = &d->dated.v[i];
        for (uint16_t k = 0; !dt->special && k < dt->ncodes; k++) {
            const char *code = vg_dict_str(d, d->codelist.v[dt->codes + k]);
            char cc[4];
            if (strlen(code) >= 3 && vg_isalpha((unsigned char)code[0]))
                vg_strmap_putn(&prefixes, code, 3, 1);
            if (vg_actor_country(code, cc)) vg_strmap_put(&countries, cc, 1);
        }
    }
    c->countries = countries.n;
    c->prefixes = prefixes.n;
    vg_strmap_free(&countries);
    vg_strmap_free(&prefixes);
}

void vg_dict_count(const vg_dict *d, vg_dict_counts *c)
{
    memset(c, 0, sizeof *c);
    c->files = d->files.n;
    c->actors = d->actors.n;
    for (size_t i = 0; i < d->actors.n; i++) {
        const vg_actor *a = &d->actors.v[i];
        size_t nd = 0;
        for (uint32_t k = 0; k < a->ndated; k++) nd += d->dated.v[a->dated + k].has_date;
        c->dated += nd;
        c->undated += a->ndated - nd;
        c->dated_actors += nd > 0;
    }
    vg_strmap codes = {0};
    for (size_t i = 0; i < d->agents.n; i++) {
        char k[80];
        snprintf(k, sizeof k, d->agents.v[i].prefix ? "%s~" : "~%s",
                 vg_dict_str(d, d->agents.v[i].code));
        vg_strmap_put(&codes, k, 1);
    }
    c->agent_codes = codes.n;
    vg_strmap_free(&codes);
    for (size_t i = 0; i < d->entries.n; i++) {
        const vg_entry *e = &d->entries.v[i];
        switch (e->kind) {
        case VG_PK_ACTOR: c->actor_phrases++; break;
        case VG_PK_AGENT: c->agent_phrases++; break;
        case VG_PK_NOUN: c->nouns++; break;
        case VG_PK_ADJ: c->adjectives++; break;
        case VG_PK_DISCARD: c->discards++; c->story_discards += e->story; break;
        case VG_PK_ISSUE: c->issues++; break;
        default: break;
        }
    }
    c->blocks = d->blocks.n;
    c->verb_forms = d->verbforms.n;
    c->patterns = d->patterns.n;
    c->synsets = d->synsets.n;
    for (size_t i = 0; i < d->synsets.n; i++) c->synset_members += d->synsets.v[i].nmembers;
    c->issue_categories = d->issue_cats.n;
    count_codes(d, c);
}

/* ---- explanations ---- */

typedef struct xmatch {
    vg_hit h;
    bool used;                /* the match coding would use at this word */
} xmatch;

typedef struct explainer {
    const vg_dict *d;
    int32_t date;
    const char *text;
    vg_analysis an;           /* tokens, and agents composed as coding does */
    vg_options opt;
    VG_VEC(xmatch) m;
    vg_dict_sources *src;
    vg_buf *out;
    bool json;
} explainer;

static void on_scan_hit(void *ctx, const vg_hit *h)
{
    explainer *x = ctx;
    xmatch m = { *h, true };
    vg_vec_push(&x->m, m);
}

static const unsigned word_kinds = 1u << VG_PK_ACTOR | 1u << VG_PK_AGENT | 1u << VG_PK_VERB |
                                   1u << VG_PK_NOUN | 1u << VG_PK_ADJ;

/* The best phrase of each kind at each word, plus discards and issues;
 * marks the phrases that coding itself would pick (longest first, left to
 * right, as the analysis does). */
static void find_matches(explainer *x)
{
    const vg_tokens *tk = &x->an.tk;
    size_t n = tk->t.n;
    uint32_t *winfo = vg_calloc(n + 1, sizeof *winfo);
    uint8_t *skip = vg_calloc(n + 1, 1);
    vg_wordcache *wc = vg_wordcache_new(x->d);
    vg_dict_lookup(x->d, wc, tk, winfo);
    for (size_t i = 0; i < n; i++) {
        vg_hit best;
        bool have = !skip[i] && vg_dict_find(x->d, wc, winfo, NULL, tk, i, n, word_kinds, skip, &best);
        if (have)
            for (size_t k = 0; k < best.nwords; k++) skip[best.pos[k]] = 1;
        for (int kind = VG_PK_ACTOR; kind <= VG_PK_ADJ; kind++) {
            xmatch m = {0};
            if (!vg_dict_find(x->d, wc, winfo, NULL, tk, i, n, 1u << kind, NULL, &m.h)) continue;
            m.used = have && m.h.entry == best.entry && m.h.first == best.first;
            vg_vec_push(&x->m, m);
        }
    }
    vg_dict_scan(x->d, wc, winfo, tk, on_scan_hit, x);
    vg_wordcache_free(wc);
    free(winfo);
    free(skip);
}

static void put_date(vg_buf *b, int32_t ymd)
{
    char day[11];
    vg_date_format(ymd, day);
    vg_buf_puts(b, day);
}

/* The words of a match as written. */
static void match_words(const explainer *x, const vg_hit *h, vg_buf *b)
{
    for (size_t k = 0; k < h->nwords; k++) {
        const vg_token *t = &x->an.tk.t.v[h->pos[k]];
        if (k) vg_buf_puts(b, h->pos[k] == h->pos[k - 1] + 1 ? " " : " ... ");
        vg_buf_putn(b, x->text + t->off, t->len);
    }
}

/* Key/value helpers: text mode prints "  key: value", JSON ',"key":value'. */
static void kv_str(explainer *x, const char *k, const char *v)
{
    if (x->json) { vg_buf_printf(x->out, ",\"%s\":", k); vg_buf_json_str(x->out, v ? v : ""); }
    else vg_buf_printf(x->out, "  %s: %s\n", k, v ? v : "");
}

static void kv_src(explainer *x, const char *k, vg_src s)
{
    const char *f = vg_dict_file_name(x->d, s);
    if (x->json) {
        vg_buf_printf(x->out, ",\"%s\":{\"file\":", k);
        vg_buf_json_str(x->out, f);
        vg_buf_printf(x->out, ",\"line\":%d}", (int)s.line);
    } else {
        vg_buf_printf(x->out, "  %s: %s:%d\n", k, f, (int)s.line);
    }
}

static void json_date(vg_buf *o, const char *key, int32_t ymd)
{
    vg_buf_printf(o, ",\"%s\":\"", key);
    put_date(o, ymd);
    vg_buf_putc(o, '"');
}

static void alt_json(explainer *x, const vg_dated *dt, vg_src s, bool chosen)
{
    vg_buf *o = x->out;
    vg_buf code = {0};
    codes_text(x->d, dt, &code);
    vg_buf_puts(o, "{\"code\":");
    vg_buf_json_str(o, code.s ? code.s : "");
    if (dt->has_date && dt->from) json_date(o, "from", dt->from);
    if (dt->has_date && dt->to != 99999999) json_date(o, "to", dt->to);
    vg_buf_puts(o, ",\"file\":");
    vg_buf_json_str(o, vg_dict_file_name(x->d, s));
    vg_buf_printf(o, ",\"line\":%d,\"chosen\":%s}", (int)s.line, chosen ? "true" : "false");
    vg_buf_free(&code);
}

static void alt_text(explainer *x, const vg_dated *dt, vg_src s, bool chosen)
{
    vg_buf t = {0};
    vg_buf_putc(&t, '[');
    vg_dated_text(x->d, dt, &t);
    vg_buf_putc(&t, ']');
    vg_buf_printf(x->out, "   %s %-32s %s:%d%s\n", chosen ? "=>" : "  ", t.s,
                  vg_dict_file_name(x->d, s), (int)s.line,
                  dt->has_date ? "" : "  (undated default)");
    vg_buf_free(&t);
}

static void explain_actor(explainer *x, const vg_entry *e)
{
    const vg_dict *d = x->d;
    const vg_actor *a = &d->actors.v[e->ref];
    const vg_dated *chosen = vg_actor_code(d, e->ref, x->date);
    vg_buf code = {0};
    if (chosen) codes_text(d, chosen, &code);
    kv_str(x, "actor", actor_name(d, a).s);
    kv_src(x, "actor_source", a->src);
    kv_str(x, "code", chosen ? code.s : NULL);
    if (!chosen && !x->json)
        vg_buf_puts(x->out, "  (no code is valid on this date: the actor is not coded)\n");
    if (x->json) vg_buf_puts(x->out, ",\"alternatives\":[");
    else vg_buf_puts(x->out, "  alternatives (the first that holds wins; => valid on the date):\n");
    for (uint32_t k = 0; k < a->ndated; k++) {
        const vg_dated *dt = &d->dated.v[a->dated + k];
        vg_src s = vg_dated_src(x->src, e->ref, k);
        if (x->json) { if (k) vg_buf_putc(x->out, ','); alt_json(x, dt, s, dt == chosen); }
        else alt_text(x, dt, s, dt == chosen);
    }
    if (x->json) vg_buf_putc(x->out, ']');
    vg_buf_free(&code);
}

/* Codes an agent takes in this phrase: with the actor it attaches to, or alone. */
static void agent_codes(const explainer *x, size_t g, const vg_agent *ag, vg_buf *b)
{
    const vg_analysis *an = &x->an;
    for (size_t i = 0; i < an->w.n; i++) {
        const vg_aword *w = &an->w.v[i];
        if (w->type != VG_W_ACTOR || w->agent != (int16_t)g) continue;
        for (size_t k = 0; k < w->ncodes; k++) {
            if (b->len) vg_buf_putc(b, ' ');
            vg_buf_puts(b, vg_analysis_code(an, i, k));
        }
    }
    if (b->len) return;
    const vg_aword *w = g < an->w.n ? &an->w.v[g] : NULL;
    if (w && w->type == VG_W_AGENT && w->ncodes) vg_buf_puts(b, an->codes.v[w->codes].code);
    else vg_buf_printf(b, ag->prefix ? "%s~" : "~%s", vg_dict_str(x->d, ag->code));
}

static void explain_agent(explainer *x, const vg_entry *e, const vg_hit *h)
{
    const vg_agent *ag = &x->d->agents.v[e->ref];
    vg_buf t = {0};
    vg_buf_printf(&t, ag->prefix ? "%s~" : "~%s", vg_dict_str(x->d, ag->code));
    kv_str(x, "agent", t.s);
    vg_buf_clear(&t);
    agent_codes(x, h->first, ag, &t);
    kv_str(x, "composed", t.s);
    vg_buf_free(&t);
}

static void explain_verb(explainer *x, const vg_entry *e)
{
    const vg_verbform *vf = &x->d->verbforms.v[e->ref];
    const vg_vblock *b = &x->d->blocks.v[vf->block];
    vg_buf t = {0};
    vcode_text(x->d, &vf->code, &t);
    char nm[128];
    kv_str(x, "block", trimmed(vg_dict_str(x->d, b->name), nm, sizeof nm));
    kv_src(x, "block_source", b->src);
    kv_str(x, "code", t.s);
    vg_buf_clear(&t);
    vcode_text(x->d, &b->code, &t);
    kv_str(x, "block_code", t.s);
    if (x->json) vg_buf_printf(x->out, ",\"patterns\":%u", (unsigned)b->npat);
    else vg_buf_printf(x->out, "  patterns: %u\n", (unsigned)b->npat);
    vg_buf_free(&t);
}

static void explain_other(explainer *x, const vg_entry *e)
{
    if (e->kind == VG_PK_DISCARD) {
        kv_str(x, "discards", e->story ? "the whole story" : "the sentence");
    } else if (e->kind == VG_PK_ISSUE) {
        const vg_issue *is = &x->d->issues.v[e->ref];
        kv_str(x, "issue", vg_dict_str(x->d, is->code));
        if (is->category >= 0)
            kv_str(x, "category", vg_dict_str(x->d, x->d->issue_cats.v[is->category].name));
        if (is->ignore)
            kv_str(x, "ignore", is->ignore == 2 ? "every issue of the sentence" : "overlapped issues");
    }
}

static void explain_one(explainer *x, const xmatch *m)
{
    const vg_entry *e = &x->d->entries.v[m->h.entry];
    vg_buf w = {0};
    match_words(x, &m->h, &w);
    if (x->json) {
        vg_buf_puts(x->out, "{\"words\":");
        vg_buf_json_str(x->out, w.s ? w.s : "");
        vg_buf_printf(x->out, ",\"first\":%u,\"last\":%u,\"kind\":\"%s\",\"phrase\":",
                      (unsigned)m->h.first, (unsigned)m->h.last, kind_names[e->kind]);
        vg_buf_json_str(x->out, phrase_of(x->d, e).s);
        vg_buf_printf(x->out, ",\"used\":%s", m->used ? "true" : "false");
        kv_src(x, "source", e->src);
    } else {
        bool shadowed = !m->used && e->kind < VG_PK_DISCARD;
        vg_buf_printf(x->out, "%s  %s %s  %s:%d%s\n", w.s ? w.s : "", kind_names[e->kind],
                      phrase_of(x->d, e).s, vg_dict_file_name(x->d, e->src), (int)e->src.line,
                      shadowed ? "  (not used: a longer or earlier match wins)" : "");
    }
    vg_buf_free(&w);
    switch (e->kind) {
    case VG_PK_ACTOR: explain_actor(x, e); break;
    case VG_PK_AGENT: explain_agent(x, e, &m->h); break;
    case VG_PK_VERB: explain_verb(x, e); break;
    default: explain_other(x, e); break;
    }
    if (x->json) vg_buf_putc(x->out, '}');
}

static int xmatch_cmp(const void *pa, const void *pb)
{
    const xmatch *a = pa, *b = pb;
    if (a->h.first != b->h.first) return a->h.first < b->h.first ? -1 : 1;
    return a->h.entry < b->h.entry ? -1 : (a->h.entry > b->h.entry);
}

size_t vg_dict_explain(const vg_dict *d, const char *text, size_t len, int32_t date,
                       bool json, vg_buf *out)
{
    explainer x = { .d = d, .date = date, .text = text, .out = out, .json = json };
    x.opt = d->opt;
    x.opt.min_words = 0;
    vg_analysis_init(&x.an, d, &x.opt);
    vg_analysis_run(&x.an, text, len, date);
    x.src = vg_dict_sources_new(d);
    find_matches(&x);
    if (x.m.n) qsort(x.m.v, x.m.n, sizeof *x.m.v, xmatch_cmp);
    if (json) {
        vg_buf_puts(out, "{\"text\":");
        vg_buf_json_strn(out, text, len);
        vg_buf_puts(out, ",\"date\":\"");
        put_date(out, date);
        vg_buf_puts(out, "\",\"matches\":[");
    } else {
        vg_buf_printf(out, "\"%.*s\" on ", (int)len, text);
        put_date(out, date);
        vg_buf_printf(out, ": %zu match%s\n", x.m.n, x.m.n == 1 ? "" : "es");
    }
    for (size_t i = 0; i < x.m.n; i++) {
        if (json && i) vg_buf_putc(out, ',');
        if (!json) vg_buf_putc(out, '\n');
        explain_one(&x, &x.m.v[i]);
    }
    if (json) vg_buf_puts(out, "]}\n");
    size_t n = x.m.n;
    vg_vec_free(&x.m);
    vg_dict_sources_free(x.src);
    vg_analysis_free(&x.an);
    return n;
}
