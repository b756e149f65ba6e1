/* dict_petrarch.c -- readers for the PETRARCH/Phoenix dictionary formats
 * (petrarch2-dictionaries.rst): actors, agents, verbs (synsets, blocks,
 * multi-word verbs, five-part patterns), discards, issues, and the
 * PETR_config.ini that names them.  They fill the same model as the TABARI
 * readers.  Malformed entries are reported as "file:line: reason". */
#include "dict.h"
#include "embedded.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* ---- comments ---- */

typedef struct pline {
    vg_lines L;
    bool in_xml_comment;
    vg_buf buf;
} pline;

/* Next line with comments removed: "<!-- ... -->" (across lines), "#" and
 * ";" outside brackets.  Invalid UTF-8 is replaced. */
static bool pline_next(pline *pl, char **out, long *lineno)
{
    const char *s;
    size_t n;
    if (!vg_lines_next(&pl->L, &s, &n)) return false;
    *lineno = pl->L.lineno;
    vg_buf_clear(&pl->buf);
    vg_utf8_repair(s, n, &pl->buf);
    char *t = pl->buf.s ? pl->buf.s : (char *)"";
    if (!pl->buf.s) { vg_buf_putc(&pl->buf, 0); t = pl->buf.s; }
    /* xml comments */
    char *w = t, *r = t;
    while (*r) {
        if (pl->in_xml_comment) {
            char *e = strstr(r, "-->");
            if (!e) { r += strlen(r); break; }
            r = e + 3;
            pl->in_xml_comment = false;
            continue;
        }
        if (!strncmp(r, "<!--", 4)) { pl->in_xml_comment = true; r += 4; continue; }
        *w++ = *r++;
    }
    *w = '\0';
    int depth = 0;
    for (char *c = t; *c; c++) {
        if (*c == '[') depth++;
        else if (*c == ']') depth--;
        else if ((*c == '#' || *c == ';') && depth <= 0) { *c = '\0'; break; }
    }
    *out = t;
    return true;
}

static void pline_init(pline *pl, const char *text, size_t len)
{
    memset(pl, 0, sizeof *pl);
    vg_lines_init(&pl->L, text, len);
}

typedef struct pctx {
    vg_dict *d;
    vg_diag *diag;
    const char *file;
    int32_t fileid;
    long line;
} pctx;

#define PERR(c, ...) vg_diag_add((c)->diag, VG_DIAG_ERROR, (c)->file, (c)->line, __VA_ARGS__)
#define PWARN(c, ...) vg_diag_add((c)->diag, VG_DIAG_WARNING, (c)->file, (c)->line, __VA_ARGS__)

static vg_src psrc(const pctx *c) { return (vg_src){ c->fileid, (int32_t)c->line }; }

/* PETRARCH words match whole words: a stem is only written with a '~'. */
static void exact_words(vg_dict *d, const vg_phrase *ph)
{
    vg_elem *w = vg_phrase_elems_mut(d, ph);
    for (uint16_t i = 0; i < ph->n; i++)
        if (w[i].type == VG_EL_WORD && w[i].mode == VG_WM_STEM) w[i].mode = VG_WM_EXACT;
}

static bool pphrase(pctx *c, const char *s, size_t n, vg_phrase *ph)
{
    const char *why = NULL;
    if (!vg_parse_phrase(c->d, s, n, ph, &why)) {
        PERR(c, "%s", why);
        return false;
    }
    exact_words(c->d, ph);
    return true;
}

static char *rtrim(char *s)
{
    size_t n = strlen(s);
    while (n && vg_isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

static char *ltrim(char *s)
{
    while (vg_isspace((unsigned char)*s)) s++;
    return s;
}

/* Extracts "[...]" (the first) from s: *code set, bracket removed from s. */
static bool take_bracket(char *s, char **code)
{
    char *lb = strchr(s, '['), *rb = lb ? strchr(lb, ']') : NULL;
    if (!lb) { *code = NULL; return true; }
    if (!rb) rb = strchr(lb, '}');      /* "[~LEG}" typos in the wild */
    if (!rb) return false;
    *rb = '\0';
    *code = lb + 1;
    *lb = '\0';
    return true;
}

/* ---- actors ---- */

typedef struct pactor {
    VG_VEC(int32_t) phrases;
    VG_VEC(vg_dated) codes;
    long line;
    bool open;
} pactor;

static void pactor_finish(pctx *c, pactor *pa)
{
    if (!pa->open) return;
    pa->open = false;
    vg_dict *d = c->d;
    if (pa->codes.n == 0) {
        vg_diag_add(c->diag, VG_DIAG_ERROR, c->file, pa->line, "actor has no code");
        for (size_t i = 0; i < pa->phrases.n; i++) d->entries.v[pa->phrases.v[i]].kind = VG_PK_NOUN;
        pa->phrases.n = 0;
        return;
    }
    vg_src src = { c->fileid, (int32_t)pa->line };
    vg_dict_add_actor(d, pa->codes.v, pa->codes.n, pa->phrases.v, pa->phrases.n, src);
    pa->phrases.n = pa->codes.n = 0;
}

static void pactor_code(pctx *c, pactor *pa, const char *code)
{
    vg_dated dt;
    const char *why = NULL;
    if (!vg_parse_dated(c->d, code, strlen(code), &dt, &why)) {
        PERR(c, "%s: [%s]", why, code);
        return;
    }
    vg_vec_push(&pa->codes, dt);
}

static void pactor_phrase(pctx *c, pactor *pa, const char *s)
{
    vg_phrase ph;
    char *t = vg_strdup(s);
    char *p = rtrim(ltrim(t));
    if (*p && pphrase(c, p, strlen(p), &ph)) {
        int32_t id = vg_dict_add_entry(c->d, VG_PK_ACTOR, &ph, -1, psrc(c),
                                  vg_dict_strdup(c->d, p, strlen(p)));
        vg_vec_push(&pa->phrases, id);
    }
    free(t);
}

bool vg_dict_load_petrarch_actors(vg_dict *d, const char *name, const char *text, size_t len,
                             vg_diag *diag)
{
    pctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    pactor pa = {0};
    pline pl;
    pline_init(&pl, text, len);
    char *ln;
    while (pline_next(&pl, &ln, &c.line)) {
        bool indented = vg_isspace((unsigned char)*ln);
        char *p = ltrim(ln);
        rtrim(p);
        if (!*p) continue;
        char *code;
        if (*p == '[') {
            if (!pa.open) { PERR(&c, "date restriction without an actor"); continue; }
            (void)indented;
            while (*p == '[') {
                if (!take_bracket(p, &code)) { PERR(&c, "missing ]"); break; }
                pactor_code(&c, &pa, code);
                p = ltrim(code + strlen(code) + 1);
            }
            continue;
        }
        bool syn = *p == '+';
        if (syn && !pa.open) { PERR(&c, "synonym without an actor"); continue; }
        /* phrase lines before a record's codes are all names of that record */
        if (!syn && !(pa.open && pa.codes.n == 0)) {
            pactor_finish(&c, &pa);
            pa.open = true;
            pa.line = c.line;
        }
        if (!take_bracket(p, &code)) { PERR(&c, "missing ]"); continue; }
        pactor_phrase(&c, &pa, syn ? p + 1 : p);
        if (code) pactor_code(&c, &pa, code);
    }
    pactor_finish(&c, &pa);
    vg_vec_free(&pa.phrases);
    vg_vec_free(&pa.codes);
    vg_buf_free(&pl.buf);
    return true;
}

/* ---- agents ---- */

typedef struct subst {
    char name[32];
    VG_VEC(char *) items;
} subst;

typedef VG_VEC(subst) subst_vec;

static void subst_free(subst_vec *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        for (size_t k = 0; k < sv->v[i].items.n; k++) free(sv->v[i].items.v[k]);
        vg_vec_free(&sv->v[i].items);
    }
    vg_vec_free(sv);
}

/* "!PERSON! = MAN, MEN, WOMAN" */
static void subst_define(pctx *c, subst_vec *sv, char *p)
{
    char *eq = strchr(p, '=');
    char *end = strchr(p + 1, '!');
    if (!eq || !end || end > eq || end - p - 1 >= 31) { PERR(c, "bad substitution marker"); return; }
    subst s = {0};
    memcpy(s.name, p + 1, (size_t)(end - p - 1));
    for (char *sv_ = NULL, *tok = strtok_r(eq + 1, ",", &sv_); tok; tok = strtok_r(NULL, ",", &sv_)) {
        char *t = rtrim(ltrim(tok));
        if (*t) vg_vec_push(&s.items, vg_strdup(t));
    }
    vg_vec_push(sv, s);
}

static void agent_entry(pctx *c, const char *phrase, const char *code, bool plurals)
{
    vg_phrase ph;
    if (!pphrase(c, phrase, strlen(phrase), &ph)) return;
    vg_elem *last = &vg_phrase_elems_mut(c->d, &ph)[ph.n - 1];
    if (!plurals && last->mode == VG_WM_EXACT) last->mode = VG_WM_NOEND;
    const char *why = NULL;
    if (!vg_dict_add_agent(c->d, code, strlen(code), psrc(c), &why)) { PERR(c, "%s", why); return; }
    vg_dict_add_entry(c->d, VG_PK_AGENT, &ph, (int32_t)c->d->agents.n - 1, psrc(c),
                 vg_dict_strdup(c->d, phrase, strlen(phrase)));
}

/* Expands "!NAME!" markers; every expansion is an entry without plurals.
 * An item may hold a marker itself ("!MIN! = MINIS!MIN!" would expand for
 * ever): expansion stops at depth 8 and at 4096 phrases from one line. */
enum { SUBST_DEPTH = 8, SUBST_MAX = 4096 };

static void agent_phrases(pctx *c, const subst_vec *sv, const char *phrase, const char *code,
                          bool plurals, int depth, size_t *made)
{
    const char *m = strchr(phrase, '!');
    if (!m) {
        if (++*made <= SUBST_MAX) agent_entry(c, phrase, code, plurals);
        else if (*made == SUBST_MAX + 1) PERR(c, "more than %d phrases from substitutions", SUBST_MAX);
        return;
    }
    const char *e = strchr(m + 1, '!');
    if (!e) { PERR(c, "unclosed substitution marker"); return; }
    if (depth >= SUBST_DEPTH) { PERR(c, "substitution markers nested too deep"); return; }
    for (size_t i = 0; i < sv->n; i++) {
        if (strlen(sv->v[i].name) != (size_t)(e - m - 1) ||
            strncmp(sv->v[i].name, m + 1, (size_t)(e - m - 1)))
            continue;
        for (size_t k = 0; k < sv->v[i].items.n && *made <= SUBST_MAX; k++) {
            vg_buf b = {0};
            vg_buf_putn(&b, phrase, (size_t)(m - phrase));
            vg_buf_puts(&b, sv->v[i].items.v[k]);
            vg_buf_puts(&b, e + 1);
            agent_phrases(c, sv, b.s, code, false, depth + 1, made);
            vg_buf_free(&b);
        }
        return;
    }
    PERR(c, "undefined substitution marker");
}

bool vg_dict_load_petrarch_agents(vg_dict *d, const char *name, const char *text, size_t len,
                             vg_diag *diag)
{
    pctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    subst_vec sv = {0};
    pline pl;
    pline_init(&pl, text, len);
    char *ln;
    while (pline_next(&pl, &ln, &c.line)) {
        char *p = rtrim(ltrim(ln));
        if (!*p) continue;
        if (*p == '!' && strchr(p, '=')) { subst_define(&c, &sv, p); continue; }
        char *code;
        if (!take_bracket(p, &code)) { PERR(&c, "missing ]"); continue; }
        if (!code) { PERR(&c, "agent has no code"); continue; }
        char *brace = strchr(p, '{');
        bool plurals = true;
        size_t made = 0;
        if (brace) {
            char *close = strchr(brace, '}');
            if (!close) { PERR(&c, "missing }"); continue; }
            *close = '\0';
            *brace = '\0';
            plurals = false;
            for (char *sv_ = NULL, *tok = strtok_r(brace + 1, " \t", &sv_); tok; tok = strtok_r(NULL, " \t", &sv_))
                agent_phrases(&c, &sv, tok, code, false, 0, &made);
        }
        p = rtrim(p);
        if (*p) agent_phrases(&c, &sv, p, code, plurals, 0, &made);
    }
    subst_free(&sv);
    vg_buf_free(&pl.buf);
    return true;
}

/* ---- verbs ---- */

typedef struct pverb {
    pctx c;
    int32_t block;          /* current block, -1 before the first */
    int32_t synset;         /* synset receiving '+' members, -1 if none */
    bool synset_plurals;
    size_t transforms;      /* '~' lines, not supported */
} pverb;

/* "--- NAME [CODE] ---" */
static void pverb_block(pverb *v, char *p)
{
    pctx *c = &v->c;
    p += 3;
    char *rb = strrchr(p, ']');
    char *end = strstr(rb ? rb : p, "---");
    if (end) *end = '\0';
    char *code;
    if (!take_bracket(p, &code)) { PERR(c, "missing ]"); v->block = -1; return; }
    vg_vcode vc = {0};
    vc.special = VG_CODE_NULL;
    const char *why = NULL;
    if (code && !vg_parse_vcode(c->d, code, strlen(code), &vc, &why)) {
        PERR(c, "%s: [%s]", why, code);
        vc.special = VG_CODE_NULL;
    }
    char *name = rtrim(ltrim(p));
    v->block = vg_dict_add_block(c->d, vg_dict_strdup(c->d, name, strlen(name)), &vc, VG_VK_VERB,
                            psrc(c));
    v->synset = -1;
}

/* A verb phrase "WIRE_+TAP": strips the '+', returns the verb word index. */
static int verb_word(char *s)
{
    int idx = 0, word = 0;
    bool marked = false;
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '+') { idx = word; marked = true; continue; }
        if (*r == '_' || *r == ' ') word++;
        *w++ = *r;
    }
    *w = '\0';
    return marked ? idx : 0;
}

static void pverb_form(pverb *v, char *form, const vg_vcode *vc)
{
    pctx *c = &v->c;
    int vw = verb_word(form);
    vg_phrase ph;
    if (!pphrase(c, form, strlen(form), &ph)) return;
    if (vw >= ph.n) vw = 0;
    vg_dict_add_verbform(c->d, &ph, v->block, vc, (int16_t)vw, psrc(c),
                    vg_dict_strdup(c->d, form, strlen(form)));
}

/* "SEND {SENDS SENT SENDING} [CODE]" or "+CORDON_OFF {...}" */
static void pverb_verb(pverb *v, char *p)
{
    pctx *c = &v->c;
    if (v->block < 0) { PERR(c, "verb before a --- block ---"); return; }
    char *code;
    if (!take_bracket(p, &code)) { PERR(c, "missing ]"); return; }
    vg_vcode vc = c->d->blocks.v[v->block].code;
    const char *why = NULL;
    if (code && !vg_parse_vcode(c->d, code, strlen(code), &vc, &why)) {
        PERR(c, "%s: [%s]", why, code);
        return;
    }
    char *brace = strchr(p, '{');
    if (brace) {
        char *close = strchr(brace, '}');
        if (!close) { PERR(c, "missing }"); return; }
        *close = '\0';
        *brace = '\0';
        for (char *sv_ = NULL, *tok = strtok_r(brace + 1, " \t", &sv_); tok; tok = strtok_r(NULL, " \t", &sv_))
            pverb_form(v, tok, &vc);
    }
    p = rtrim(ltrim(p));
    if (*p) pverb_form(v, p, &vc);
}

/* Rewrites a PETRARCH pattern into Vigil's element syntax: {A B} becomes
 * A_B_ (adjacent words), (PREP X) becomes PREP_ X, and every word is whole. */
static bool convert_pattern(const char *s, vg_buf *out)
{
    int brace = 0;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        if (ch == '{') { brace++; continue; }
        if (ch == '}') { brace--; vg_buf_putc(out, '_'); continue; }
        if (ch == ')' && out->len && vg_isalnum((unsigned char)out->s[out->len - 1]))
            vg_buf_putc(out, '_');             /* "(AT THE UN)": UN is whole too */
        if (ch == '(' || ch == ')') { vg_buf_putc(out, ' '); continue; }
        if (vg_isspace((unsigned char)ch)) {
            bool word_before = out->len && out->s[out->len - 1] != ' ' && out->s[out->len - 1] != '_';
            if (word_before && vg_isalnum((unsigned char)out->s[out->len - 1])) vg_buf_putc(out, '_');
            vg_buf_putc(out, brace > 0 ? '_' : ' ');
            continue;
        }
        vg_buf_putc(out, ch);
    }
    if (out->len && vg_isalnum((unsigned char)out->s[out->len - 1])) vg_buf_putc(out, '_');
    /* collapse "__" left by nested marks */
    size_t k = 0;
    for (size_t i = 0; i < out->len; i++)
        if (!(out->s[i] == '_' && k && out->s[k - 1] == '_')) out->s[k++] = out->s[i];
    out->len = k;
    if (out->s) out->s[k] = '\0';
    return brace == 0;
}

static void pverb_pattern(pverb *v, char *p)
{
    pctx *c = &v->c;
    if (v->block < 0) { PERR(c, "pattern before a --- block ---"); return; }
    char *code;
    if (!take_bracket(p + 1, &code)) { PERR(c, "missing ]"); return; }
    if (!code) { PERR(c, "pattern has no code"); return; }
    vg_vcode vc;
    const char *why = NULL;
    if (code[0] == ':') code++;         /* "[:173]" codes as 173 */
    if (!vg_parse_vcode(c->d, code, strlen(code), &vc, &why)) {
        PERR(c, "%s: [%s]", why, code);
        return;
    }
    vg_buf conv = {0};
    if (!convert_pattern(p + 1, &conv)) { PERR(c, "unbalanced { }"); vg_buf_free(&conv); return; }
    size_t before = c->d->patterns.n;
    if (!vg_dict_add_patterns(c->d, conv.s ? conv.s : "", conv.len, &vc, v->block, psrc(c), &why))
        PERR(c, "%s", why);
    for (size_t i = before; i < c->d->patterns.n; i++) {
        vg_str text = vg_dict_strdup(c->d, ltrim(p + 1), strlen(ltrim(p + 1)));
        vg_pattern *pt = &c->d->patterns.v[i];
        pt->text = text;
        vg_elem *e = c->d->elems.v + pt->e;
        for (uint16_t k = 0; k < pt->n; k++)
            if (e[k].type == VG_EL_WORD && e[k].mode == VG_WM_EXACT)
                e[k].endings = VG_END_NOUN;
    }
    vg_buf_free(&conv);
}

static void pverb_synset_member(pverb *v, char *p)
{
    pctx *c = &v->c;
    /* members are consecutive words */
    for (char *q = p; *q; q++)
        if (*q == ' ') *q = '_';
    size_t n = strlen(p);
    bool no_plural = !v->synset_plurals || (n && p[n - 1] == '_');
    const char *why = NULL;
    if (!vg_dict_add_synset_member(c->d, v->synset, p, n, &why)) { PERR(c, "%s", why); return; }
    const vg_synset *ss = &c->d->synsets.v[v->synset];
    vg_phrase *ph = &c->d->synmem.v[ss->members + ss->nmembers - 1];
    exact_words(c->d, ph);
    vg_elem *last = &vg_phrase_elems_mut(c->d, ph)[ph->n - 1];
    if (last->type == VG_EL_WORD) {
        last->mode = no_plural ? VG_WM_NOEND : VG_WM_EXACT;
        last->endings = VG_END_NOUN;
    }
}

bool vg_dict_load_petrarch_verbs(vg_dict *d, const char *name, const char *text, size_t len,
                            vg_diag *diag)
{
    pverb v = { { d, diag, name, vg_dict_file(d, name), 0 }, -1, -1, true, 0 };
    pline pl;
    pline_init(&pl, text, len);
    char *ln;
    while (pline_next(&pl, &ln, &v.c.line)) {
        char *p = rtrim(ltrim(ln));
        if (!*p) continue;
        if (!strncmp(p, "---", 3)) { pverb_block(&v, p); continue; }
        if (*p == '&') {
            size_t n = strlen(p);
            v.synset_plurals = p[n - 1] != '_';
            if (!v.synset_plurals) p[--n] = '\0';
            v.synset = vg_dict_add_synset(d, p + 1, n - 1);
            continue;
        }
        if (*p == '+' && v.synset >= 0) { pverb_synset_member(&v, rtrim(ltrim(p + 1))); continue; }
        v.synset = -1;
        if (*p == '~') { v.transforms++; continue; }
        if (*p == '-') pverb_pattern(&v, p);
        else pverb_verb(&v, p);
    }
    if (v.transforms)
        vg_diag_add(diag, VG_DIAG_WARNING, name, 0,
                    "%zu verb transformations (~ lines) are not supported and were skipped",
                    v.transforms);
    vg_buf_free(&pl.buf);
    return true;
}

/* ---- discards ---- */

bool vg_dict_load_petrarch_discards(vg_dict *d, const char *name, const char *text, size_t len,
                               vg_diag *diag)
{
    pctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    pline pl;
    pline_init(&pl, text, len);
    char *ln;
    while (pline_next(&pl, &ln, &c.line)) {
        char *p = rtrim(ltrim(ln));
        if (!*p) continue;
        bool story = *p == '+';
        if (story) p = ltrim(p + 1);
        /* the phrase is matched as a string: consecutive words, a stem at the end */
        for (char *q = p; *q; q++)
            if (*q == ' ' || *q == '\t') *q = '_';
        vg_phrase ph;
        const char *why = NULL;
        if (!vg_parse_phrase(d, p, strlen(p), &ph, &why)) { PERR(&c, "%s", why); continue; }
        vg_elem *pw = vg_phrase_elems_mut(d, &ph);
        for (uint16_t i = 0; i + 1 < ph.n; i++) pw[i].mode = VG_WM_EXACT;
        int32_t id = vg_dict_add_entry(d, VG_PK_DISCARD, &ph, -1, psrc(&c),
                                  vg_dict_strdup(d, p, strlen(p)));
        d->entries.v[id].story = story;
    }
    vg_buf_free(&pl.buf);
    return true;
}

/* ---- issues ---- */

/* Expands "n:" (noun forms), "v:" (verb forms) and "+" (' ' or '-') in an
 * issue phrase into one phrase with per-word endings. */
static bool issue_phrase(pctx *c, char *p, vg_phrase *out)
{
    vg_buf b = {0};
    uint8_t endings[16] = {0};
    int word = 0;
    for (char *sv_ = NULL, *tok = strtok_r(p, " \t", &sv_); tok; tok = strtok_r(NULL, " \t", &sv_)) {
        if (!strcmp(tok, "&")) continue;    /* punctuation is not a token */
        if (word) vg_buf_putc(&b, '_');
        for (char *part = tok; *part;) {
            uint8_t e = VG_END_NONE;
            if (!strncmp(part, "n:", 2)) { e = VG_END_NOUN; part += 2; }
            else if (!strncmp(part, "v:", 2)) { e = VG_END_VERB; part += 2; }
            char *plus = strchr(part, '+');
            if (plus) *plus = '\0';
            vg_buf_puts(&b, part);
            if (word < 16) endings[word] = e;
            if (!plus) break;
            vg_buf_putc(&b, '_');
            word++;
            part = plus + 1;
        }
        word++;
    }
    if (b.len) vg_buf_putc(&b, '_');
    const char *why = NULL;
    bool ok = b.s && vg_parse_phrase(c->d, b.s, b.len, out, &why);
    if (!ok) PERR(c, "%s", why ? why : "empty issue phrase");
    vg_elem *ow = ok ? vg_phrase_elems_mut(c->d, out) : NULL;
    for (uint16_t i = 0; ok && i < out->n && i < 16; i++) {
        ow[i].mode = VG_WM_EXACT;
        ow[i].endings = endings[i];
    }
    vg_buf_free(&b);
    return ok;
}

static void issue_category(pctx *c, const char *p)
{
    vg_issue_cat cat = {0};
    const char *q = strstr(p, "CATEGORY");
    char nm[64] = "";
    if (q && (q = strchr(q, '"'))) {
        const char *e = strchr(q + 1, '"');
        if (e && e - q - 1 < 63) { memcpy(nm, q + 1, (size_t)(e - q - 1)); nm[e - q - 1] = 0; }
    }
    cat.name = vg_dict_strdup(c->d, nm, strlen(nm));
    cat.all = strstr(p, "\"ALL") != NULL || strstr(p, "ALL NUMERIC") != NULL;
    cat.numeric = strstr(p, "NUMERIC") != NULL;
    vg_vec_push(&c->d->issue_cats, cat);
}

bool vg_dict_load_petrarch_issues(vg_dict *d, const char *name, const char *text, size_t len,
                             vg_diag *diag)
{
    pctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    pline pl;
    pline_init(&pl, text, len);
    char *ln;
    int32_t cat = -1;
    while (pline_next(&pl, &ln, &c.line)) {
        char *p = rtrim(ltrim(ln));
        if (!*p) continue;
        if (!strncmp(p, "<ISSUE", 6)) { issue_category(&c, p); cat = (int32_t)d->issue_cats.n - 1; continue; }
        if (!strncmp(p, "</ISSUE", 7)) { cat = -1; continue; }
        uint8_t ignore = 0;          /* ~: masks what it overlaps; ~~: the sentence */
        while (*p == '~' && ignore < 2) { p++; ignore++; }
        char *code;
        if (!take_bracket(p, &code)) { PERR(&c, "missing ]"); continue; }
        /* a phrase without a code takes its category's */
        char catname[64] = "";
        if (cat >= 0) snprintf(catname, sizeof catname, "%s", vg_dict_str(d, d->issue_cats.v[cat].name));
        if (!code && *catname) code = catname;
        if (!code && !ignore) { PERR(&c, "issue has no code"); continue; }
        vg_phrase ph;
        vg_str as_written = vg_dict_strdup(d, p, strlen(p));   /* strtok cuts p */
        if (!issue_phrase(&c, p, &ph)) continue;
        vg_issue is = { code ? vg_dict_strdup(d, code, strlen(code)) : 0, cat, ignore, psrc(&c) };
        vg_vec_push(&d->issues, is);
        vg_dict_add_entry(d, VG_PK_ISSUE, &ph, (int32_t)d->issues.n - 1, psrc(&c), as_written);
    }
    vg_buf_free(&pl.buf);
    return true;
}

/* ---- PETR_config.ini ---- */

static void config_files(vg_dict *d, const char *dir, char *val, vg_loader fn, vg_diag *diag)
{
    for (char *sv_ = NULL, *tok = strtok_r(val, ",", &sv_); tok; tok = strtok_r(NULL, ",", &sv_)) {
        char *t = rtrim(ltrim(tok));
        if (!*t) continue;
        char *full = vg_path_join(dir, t);
        vg_dict_load_file(d, full, fn, diag);
        free(full);
    }
}

static void config_option(vg_dict *d, const char *key, const char *val)
{
    vg_options *o = &d->opt;
    int v = atoi(val);
    if (!strcmp(key, "require_dyad")) o->require_dyad = val[0] == 'T' || val[0] == 't';
    else if (!strcmp(key, "comma_min")) o->comma_min = v;
    else if (!strcmp(key, "comma_max")) o->comma_max = v;
    else if (!strcmp(key, "comma_bmin")) o->comma_bmin = v;
    else if (!strcmp(key, "comma_bmax")) o->comma_bmax = v;
    else if (!strcmp(key, "comma_emin")) o->comma_emin = v;
    else if (!strcmp(key, "comma_emax")) o->comma_emax = v;
}

/* How PETRARCH-style dictionaries are coded: with the tagger, no minimum
 * sentence length, and agents without an actor coded ---CODE. */
static void petrarch_mode(vg_options *o)
{
    o->use_tagger = true;
    o->min_words = 0;
    o->convert_agents = true;
    o->agent_dashes = true;
}

bool vg_dict_load_petrarch_config(vg_dict *d, const char *path, vg_diag *diag)
{
    petrarch_mode(&d->opt);
    size_t len;
    vg_dict_thaw(d);
    vg_dict_note_source(d, path, NULL, 0);
    char *text = vg_read_file(path, &len);
    if (!text) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read config");
        return false;
    }
    vg_dict_note_source(d, path, text, len);
    char *dir = vg_dirname(path);
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    char section[32] = "";
    while (vg_lines_next(&L, &s, &n)) {
        char *ln = vg_strndup(s, n);
        char *p = rtrim(ltrim(ln));
        char *eq = strchr(p, '=');
        if (*p == '[') {
            snprintf(section, sizeof section, "%s", p);
        } else if (*p && *p != '#' && *p != ';' && eq) {
            *eq = '\0';
            char *key = rtrim(p), *val = rtrim(ltrim(eq + 1));
            if (!strcmp(section, "[Dictionaries]")) {
                if (strstr(key, "verb")) config_files(d, dir, val, vg_dict_load_petrarch_verbs, diag);
                else if (strstr(key, "actor")) config_files(d, dir, val, vg_dict_load_petrarch_actors, diag);
                else if (strstr(key, "agent")) config_files(d, dir, val, vg_dict_load_petrarch_agents, diag);
                else if (strstr(key, "discard")) config_files(d, dir, val, vg_dict_load_petrarch_discards, diag);
                else if (strstr(key, "issue")) config_files(d, dir, val, vg_dict_load_petrarch_issues, diag);
            } else if (!strcmp(section, "[Options]")) {
                config_option(d, key, val);
            }
        }
        free(ln);
    }
    free(dir);
    free(text);
    return true;
}

/* ---- Vigil's own dictionaries ---- */

static vg_loader loader_for(const char *base)
{
    if (!strncmp(base, "actors", 6)) return vg_dict_load_petrarch_actors;
    if (!strncmp(base, "agents", 6)) return vg_dict_load_petrarch_agents;
    if (!strncmp(base, "verbs", 5)) return vg_dict_load_petrarch_verbs;
    if (!strncmp(base, "discards", 8)) return vg_dict_load_petrarch_discards;
    if (!strncmp(base, "issues", 6)) return vg_dict_load_petrarch_issues;
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads dict/ from VIGIL_DICT_DIR when set, else the copy in the binary. */
bool vg_dict_load_defaults(vg_dict *d, vg_diag *diag)
{
    const char *dir = getenv("VIGIL_DICT_DIR");
    if (!(dir && *dir)) {
        /* the image the build compiled from the same files: used in place */
        size_t len;
        const char *img = vg_embedded_get(VG_DEFAULTS_IMAGE, &len);
        char why[160] = "";
        if (img) vg_dict_image_prefault(img, len);
        vg_dict *m = img ? vg_dict_image_open(img, len, why, sizeof why) : NULL;
        if (m && vg_dict_adopt(d, m)) {
            d->defaults = true;
            vg_dict_image_replay(d, diag);
            return true;
        }
        if (img && !m)
            vg_diag_add(diag, VG_DIAG_WARNING, VG_DEFAULTS_IMAGE, 0,
                        "built-in image refused (%s): reading the built-in dictionaries", why);
    }
    vg_dict_thaw(d);
    petrarch_mode(&d->opt);
    /* an event whose PLOVER category needs no recipient may have a source
     * alone (match.c, one_sided) */
    d->opt.require_dyad = false;
    d->defaults = true;
    if (dir && *dir) {
        DIR *dp = opendir(dir);
        if (!dp) {
            vg_diag_add(diag, VG_DIAG_ERROR, dir, 0, "cannot open dictionary directory");
            return false;
        }
        VG_VEC(char *) names = {0};
        struct dirent *de;
        while ((de = readdir(dp)))
            if (loader_for(de->d_name) && strstr(de->d_name, ".txt")) vg_vec_push(&names, vg_strdup(de->d_name));
        closedir(dp);
        qsort(names.v, names.n, sizeof *names.v, cmp_str);
        for (size_t i = 0; i < names.n; i++) {
            char *full = vg_path_join(dir, names.v[i]);
            vg_dict_load_file(d, full, loader_for(names.v[i]), diag);
            free(full);
            free(names.v[i]);
        }
        vg_vec_free(&names);
        return true;
    }
    for (const vg_embedded_file *f = vg_embedded_files; f->name; f++) {
        if (strncmp(f->name, "dict/", 5) != 0) continue;
        vg_loader fn = loader_for(f->name + 5);
        if (fn) vg_dict_load_text(d, f->name, (const char *)f->data, (size_t)(f->end - f->data), fn, diag);
    }
    return true;
}
