/* dict_tabari.c -- readers for TABARI's .actors, .agents, .verbs, .options
 * and .project files (TABARI 0.8.4 manual, chapters 4-8).  Every malformed
 * line is reported as "file:line: reason" and skipped. */
#include "dict.h"

#include <errno.h>
#include <string.h>

/* Copies a line into buf (NUL-terminated), cutting a ';' comment. */
static char *line_copy(char *buf, size_t cap, const char *s, size_t n, char comment)
{
    if (n >= cap) n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (comment) {
        char *c = strchr(buf, comment);
        if (c) *c = '\0';
    }
    return buf;
}

static bool starts_with_ci(const char *s, const char *pre)
{
    for (; *pre; s++, pre++)
        if (vg_toupper((unsigned char)*s) != vg_toupper((unsigned char)*pre)) return false;
    return true;
}

typedef struct loadctx {
    vg_dict *d;
    vg_diag *diag;
    const char *file;
    int32_t fileid;
    long line;
} loadctx;

#define LOAD_ERR(c, ...) vg_diag_add((c)->diag, VG_DIAG_ERROR, (c)->file, (c)->line, __VA_ARGS__)

/* Splits "PHRASE [code] [code] ; comment" into the phrase and the bracket
 * blocks.  Returns the number of [..] blocks (-1 on a bracket error). */
static int split_brackets(char *s, char **phrase_end, char *blocks[], int maxb)
{
    char *lb = strchr(s, '[');
    *phrase_end = lb ? lb : s + strlen(s);
    int nb = 0;
    while (lb) {
        char *rb = strchr(lb, ']');
        if (!rb) return -1;
        if (nb < maxb) {
            *rb = '\0';
            blocks[nb++] = lb + 1;
        }
        lb = strchr(rb + 1, '[');
        if (!lb) {
            for (char *r = rb + 1; *r; r++)
                if (*r == ']') return -1;
        }
    }
    if (!lb && !nb && strchr(s, ']')) return -1;
    return nb;
}

static bool phrase_ok(loadctx *c, const char *s, size_t n, vg_phrase *ph)
{
    const char *why = NULL;
    if (!vg_parse_phrase(c->d, s, n, ph, &why)) {
        LOAD_ERR(c, "%s", why);
        return false;
    }
    return true;
}

/* ---- actors ---- */

typedef struct actor_build {
    VG_VEC(int32_t) phrases;  /* entries waiting for the actor's codes */
    VG_VEC(vg_dated) codes;
    long line;
    bool open;
} actor_build;

static void actor_finish(loadctx *c, actor_build *ab)
{
    if (!ab->open) return;
    ab->open = false;
    vg_dict *d = c->d;
    if (ab->codes.n == 0) {
        vg_diag_add(c->diag, VG_DIAG_ERROR, c->file, ab->line, "actor has no code");
        d->entries.n -= ab->phrases.n;   /* its phrases were the last entries */
        ab->phrases.n = 0;
        return;
    }
    vg_src src = { c->fileid, (int32_t)ab->line };
    vg_dict_add_actor(d, ab->codes.v, ab->codes.n, ab->phrases.v, ab->phrases.n, src);
    ab->phrases.n = 0;
    ab->codes.n = 0;
}

static void add_dated_blocks(loadctx *c, actor_build *ab, char *blocks[], int nb)
{
    for (int i = 0; i < nb; i++) {
        vg_dated dt;
        const char *why = NULL;
        if (!vg_parse_dated(c->d, blocks[i], strlen(blocks[i]), &dt, &why)) {
            LOAD_ERR(c, "%s: [%s]", why, blocks[i]);
            continue;
        }
        vg_vec_push(&ab->codes, dt);
    }
}

static void actor_phrase(loadctx *c, actor_build *ab, const char *s, size_t n)
{
    vg_phrase ph;
    if (!phrase_ok(c, s, n, &ph)) return;
    vg_str text = vg_dict_strdup(c->d, s, n);
    int32_t id = vg_dict_add_entry(c->d, VG_PK_ACTOR, &ph, -1,
                              (vg_src){ c->fileid, (int32_t)c->line }, text);
    vg_vec_push(&ab->phrases, id);
}

static void simple_entry(loadctx *c, vg_pkind kind, const char *s)
{
    vg_phrase ph;
    const char *p = s;
    while (vg_isspace((unsigned char)*p)) p++;
    size_t n = strlen(p);
    while (n && vg_isspace((unsigned char)p[n - 1])) n--;
    if (!n) return;
    if (!phrase_ok(c, p, n, &ph)) return;
    vg_dict_add_entry(c->d, kind, &ph, -1, (vg_src){ c->fileid, (int32_t)c->line },
                 vg_dict_strdup(c->d, p, n));
}

static bool section_tag(const char *s, const char *tag)
{
    while (vg_isspace((unsigned char)*s)) s++;
    return starts_with_ci(s, tag);
}

bool vg_dict_load_tabari_actors(vg_dict *d, const char *name, const char *text,
                           size_t len, vg_diag *diag)
{
    loadctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    actor_build ab = {0};
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    int section = -1;  /* -1 actors, VG_PK_NOUN, VG_PK_ADJ */
    char buf[1024];
    while (vg_lines_next(&L, &s, &n)) {
        c.line = L.lineno;
        char *ln = line_copy(buf, sizeof buf, s, n, ';');
        if (section_tag(ln, "~~FINISH")) break;
        if (ln[0] == '#' || ln[0] == '/') continue;
        if (section_tag(ln, "<NOUN>")) { actor_finish(&c, &ab); section = VG_PK_NOUN; continue; }
        if (section_tag(ln, "<ADJ")) { actor_finish(&c, &ab); section = VG_PK_ADJ; continue; }
        if (section_tag(ln, "</NOUN>") || section_tag(ln, "</ADJ")) { section = -1; continue; }
        if (section >= 0) { simple_entry(&c, (vg_pkind)section, ln); continue; }
        char *p = ln;
        bool indented = vg_isspace((unsigned char)*p);
        while (vg_isspace((unsigned char)*p)) p++;
        if (!*p) continue;
        char *blocks[32], *pend;
        int nb = split_brackets(p, &pend, blocks, 32);
        bool primary = *p != '+' && !(indented && *p == '[');
        if (primary) actor_finish(&c, &ab);     /* even a broken line ends the record */
        if (nb < 0) { LOAD_ERR(&c, "missing bracket"); continue; }
        if (indented && *p == '[') {          /* a dated code for the open actor */
            if (!ab.open) { LOAD_ERR(&c, "date restriction without an actor"); continue; }
            add_dated_blocks(&c, &ab, blocks, nb);
            continue;
        }
        if (*p == '+') {                      /* a synonym */
            if (!ab.open) { LOAD_ERR(&c, "synonym without an actor"); continue; }
            actor_phrase(&c, &ab, p + 1, (size_t)(pend - p - 1));
            add_dated_blocks(&c, &ab, blocks, nb);
            continue;
        }
        actor_finish(&c, &ab);
        ab.open = true;
        ab.line = c.line;
        actor_phrase(&c, &ab, p, (size_t)(pend - p));
        if (ab.phrases.n == 0) { ab.open = false; continue; }
        add_dated_blocks(&c, &ab, blocks, nb);
    }
    actor_finish(&c, &ab);
    vg_vec_free(&ab.phrases);
    vg_vec_free(&ab.codes);
    return true;
}

/* ---- agents ---- */

bool vg_dict_load_tabari_agents(vg_dict *d, const char *name, const char *text,
                           size_t len, vg_diag *diag)
{
    loadctx c = { d, diag, name, vg_dict_file(d, name), 0 };
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    char buf[1024];
    while (vg_lines_next(&L, &s, &n)) {
        c.line = L.lineno;
        char *ln = line_copy(buf, sizeof buf, s, n, ';');
        if (section_tag(ln, "~~FINISH")) break;
        char *p = ln;
        while (vg_isspace((unsigned char)*p)) p++;
        if (!*p || *p == '#' || *p == '/') continue;
        char *blocks[4], *pend;
        int nb = split_brackets(p, &pend, blocks, 4);
        if (nb < 0) { LOAD_ERR(&c, "missing bracket"); continue; }
        if (nb == 0) { LOAD_ERR(&c, "agent has no code"); continue; }
        vg_phrase ph;
        if (!phrase_ok(&c, p, (size_t)(pend - p), &ph)) continue;
        const char *why = NULL;
        vg_src src = { c.fileid, (int32_t)c.line };
        if (!vg_dict_add_agent(d, blocks[0], strlen(blocks[0]), src, &why)) {
            LOAD_ERR(&c, "%s", why);
            continue;
        }
        vg_dict_add_entry(d, VG_PK_AGENT, &ph, (int32_t)d->agents.n - 1, src,
                     vg_dict_strdup(d, p, (size_t)(pend - p)));
    }
    return true;
}

/* ---- verbs ---- */

typedef struct verbctx {
    loadctx c;
    int32_t block;     /* current root's block, -1 if none */
    int32_t synset;    /* current synset in <SYNSETS>, -1 if none */
    int kind;          /* vg_vkind of the section */
    bool in_synsets;
    int32_t last_form_entry;
} verbctx;

static void verb_root(verbctx *v, char *p)
{
    loadctx *c = &v->c;
    char *blocks[4], *pend;
    int nb = split_brackets(p, &pend, blocks, 4);
    v->block = -1;
    if (nb < 0) { LOAD_ERR(c, "missing bracket"); return; }
    if (nb == 0) { LOAD_ERR(c, "verb has no code"); return; }
    vg_vcode code;
    const char *why = NULL;
    if (!vg_parse_vcode(c->d, blocks[0], strlen(blocks[0]), &code, &why)) {
        LOAD_ERR(c, "%s: [%s]", why, blocks[0]);
        return;
    }
    vg_phrase ph;
    if (!phrase_ok(c, p, (size_t)(pend - p), &ph)) return;
    vg_src src = { c->fileid, (int32_t)c->line };
    vg_str text = vg_dict_strdup(c->d, p, (size_t)(pend - p));
    v->block = vg_dict_add_block(c->d, text, &code, (vg_vkind)v->kind, src);
    vg_dict_add_verbform(c->d, &ph, v->block, &code, (int16_t)(ph.n - 1), src, text);
}

static void verb_forms(verbctx *v, char *p)
{
    loadctx *c = &v->c;
    if (v->block < 0) { LOAD_ERR(c, "verb forms before a verb"); return; }
    char *close = strchr(p, '}');
    if (!close) { LOAD_ERR(c, "missing }"); return; }
    *close = '\0';
    const vg_vblock *b = &c->d->blocks.v[v->block];
    vg_vcode code = b->code;
    int nforms = 0;
    for (char *sv_ = NULL, *tok = strtok_r(p + 1, " \t", &sv_); tok; tok = strtok_r(NULL, " \t", &sv_)) {
        vg_phrase ph;
        if (!phrase_ok(c, tok, strlen(tok), &ph)) continue;
        vg_src src = { c->fileid, (int32_t)c->line };
        vg_dict_add_verbform(c->d, &ph, v->block, &code, 0, src,
                        vg_dict_strdup(c->d, tok, strlen(tok)));
        nforms++;
    }
    if (!nforms) LOAD_ERR(c, "no verb forms inside {...}");
}

static void verb_pattern(verbctx *v, char *p)
{
    loadctx *c = &v->c;
    if (v->block < 0) { LOAD_ERR(c, "pattern before a verb"); return; }
    char *blocks[4], *pend;
    int nb = split_brackets(p + 1, &pend, blocks, 4);
    if (nb < 0) { LOAD_ERR(c, "missing bracket"); return; }
    if (nb == 0) { LOAD_ERR(c, "pattern has no code"); return; }
    vg_vcode code;
    const char *why = NULL;
    if (!vg_parse_vcode(c->d, blocks[0], strlen(blocks[0]), &code, &why)) {
        LOAD_ERR(c, "%s: [%s]", why, blocks[0]);
        return;
    }
    vg_src src = { c->fileid, (int32_t)c->line };
    if (!vg_dict_add_patterns(c->d, p + 1, (size_t)(pend - p - 1), &code, v->block, src, &why))
        LOAD_ERR(c, "%s", why);
}

static void synset_line(verbctx *v, char *p)
{
    loadctx *c = &v->c;
    size_t n = strlen(p);
    while (n && vg_isspace((unsigned char)p[n - 1])) p[--n] = '\0';
    if (*p == '&') {
        v->synset = vg_dict_add_synset(c->d, p + 1, n - 1);
        return;
    }
    if (*p != '+') { LOAD_ERR(c, "synset member must start with +"); return; }
    if (v->synset < 0) { LOAD_ERR(c, "synset member before a synset name"); return; }
    const char *why = NULL;
    if (!vg_dict_add_synset_member(c->d, v->synset, p + 1, n - 1, &why)) LOAD_ERR(c, "%s", why);
}

bool vg_dict_load_tabari_verbs(vg_dict *d, const char *name, const char *text,
                          size_t len, vg_diag *diag)
{
    verbctx v = { { d, diag, name, vg_dict_file(d, name), 0 }, -1, -1, VG_VK_VERB, false, -1 };
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    char buf[1024];
    while (vg_lines_next(&L, &s, &n)) {
        v.c.line = L.lineno;
        if (n >= sizeof buf) { LOAD_ERR(&v.c, "line longer than %zu characters", sizeof buf - 1); continue; }
        char *ln = line_copy(buf, sizeof buf, s, n, ';');
        char *p = ln;
        while (vg_isspace((unsigned char)*p)) p++;
        if (section_tag(p, "~~FINISH")) break;
        if (!*p || *p == '#' || (p[0] == '/' && p[1] == '/')) continue;
        if (section_tag(p, "<SYNSET")) { v.in_synsets = true; continue; }
        if (section_tag(p, "</SYNSET")) { v.in_synsets = false; continue; }
        if (section_tag(p, "<TIME>")) { v.kind = VG_VK_TIME; v.block = -1; d->has_time = true; continue; }
        if (section_tag(p, "<ATTRIB>")) { v.kind = VG_VK_ATTRIB; v.block = -1; continue; }
        if (section_tag(p, "</TIME>") || section_tag(p, "</ATTRIB>")) {
            v.kind = VG_VK_VERB; v.block = -1; continue;
        }
        if (v.in_synsets) { synset_line(&v, p); continue; }
        if (*p == '-') verb_pattern(&v, p);
        else if (*p == '{') verb_forms(&v, p);
        else if (vg_isalnum((unsigned char)*p) || *p == '&' || (unsigned char)*p >= 0x80) verb_root(&v, p);
        else LOAD_ERR(&v.c, "unrecognised line");
    }
    return true;
}

/* ---- options ---- */

static bool parse_bool(const char *v)
{
    while (*v == ' ' || *v == '=') v++;
    return *v == 'T' || *v == 't' || *v == '1' || *v == 'Y' || *v == 'y';
}

static int parse_int_after(const char *s, const char *key, int deflt)
{
    const char *k = strstr(s, key);
    if (!k) return deflt;
    k += strlen(key);
    while (*k == ' ' || *k == '=' || *k == '[') k++;
    if (!vg_isdigit((unsigned char)*k)) return deflt;
    return atoi(k);
}

/* Reads "[CODE]" after key, into out. */
static void bracket_after(const char *s, const char *key, char *out, size_t cap)
{
    const char *k = strstr(s, key);
    if (!k) return;
    const char *lb = strchr(k, '['), *rb = lb ? strchr(lb, ']') : NULL;
    if (!lb || !rb) return;
    size_t n = 0;
    for (const char *p = lb + 1; p < rb && n + 1 < cap; p++)
        if (!vg_isspace((unsigned char)*p)) out[n++] = (char)vg_toupper((unsigned char)*p);
    out[n] = '\0';
}

static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(s, w); p; p = strstr(p + 1, w)) {
        bool left = p == s || !vg_isalnum((unsigned char)p[-1]);
        bool right = !vg_isalnum((unsigned char)p[n]);
        if (left && right) return true;
    }
    return false;
}

static void opt_complex(vg_options *o, const char *a)
{
    o->cx_verbs = parse_int_after(a, "VERBS", 0);
    o->cx_actors = parse_int_after(a, "ACTORS", 0);
    o->cx_pronouns = parse_int_after(a, "PRONOUNS", 0);
    o->cx_conj = parse_int_after(a, "CONJ", 0);
    o->cx_comma = parse_int_after(a, "COMMA", 0);
    o->cx_lateverb = parse_int_after(a, "LATEVERB", 0);
    o->cx_noactprior = has_word(a, "NOACTPRIOR");
    o->cx_noactafter = has_word(a, "NOACTAFTER");
    o->cx_noverb = has_word(a, "NOVERB");
    o->cx_nosource = has_word(a, "NOSOURCE");
    o->cx_notarget = has_word(a, "NOTARGET");
    o->cx_noevent = has_word(a, "NOEVENT");
    o->cx_explain = has_word(a, "EXPLAIN");
}

static void opt_default(vg_options *o, const char *a)
{
    if (has_word(a, "OFF")) {
        o->def_source[0] = o->def_target[0] = '\0';
        o->def_prior = o->def_after = false;
        return;
    }
    bracket_after(a, "SOURCE", o->def_source, sizeof o->def_source);
    bracket_after(a, "TARGET", o->def_target, sizeof o->def_target);
    if (has_word(a, "PRIOR")) o->def_prior = true;
    if (has_word(a, "AFTER")) o->def_after = true;
}

static void opt_comma(vg_options *o, const char *a)
{
    if (has_word(a, "OFF")) { o->comma_off = true; return; }
    o->comma_off = false;
    o->comma_min = parse_int_after(a, " MIN", o->comma_min);
    o->comma_max = parse_int_after(a, " MAX", o->comma_max);
    o->comma_emin = parse_int_after(a, "EMIN", o->comma_emin);
    o->comma_emax = parse_int_after(a, "EMAX", o->comma_emax);
    o->comma_bmin = parse_int_after(a, "BMIN", o->comma_bmin);
    o->comma_bmax = parse_int_after(a, "BMAX", o->comma_bmax);
}

static bool opt_set(vg_dict *d, const char *a)
{
    vg_options *o = &d->opt;
    const char *eq = strchr(a, '=');
    const char *val = eq ? eq + 1 : "";
    if (starts_with_ci(a, "CODE")) {
        if (has_word(a, "ALL")) o->code_by = VG_CODEBY_ALL;
        else if (has_word(a, "SENTENCE")) o->code_by = VG_CODEBY_SENTENCE;
        else o->code_by = VG_CODEBY_CLAUSE;
    } else if (starts_with_ci(a, "MINIMUM")) {
        o->min_words = parse_int_after(a, "=", o->min_words);
    } else if (starts_with_ci(a, "CONVERT")) {
        o->convert_agents = parse_bool(val);
    } else if (starts_with_ci(a, "TIME")) {
        o->time_shift = parse_bool(val);
    } else if (starts_with_ci(a, "YYYY")) {
        o->yyyy = parse_bool(val);
    } else if (starts_with_ci(a, "FBIS")) {
        o->fbis = parse_bool(val);
    } else if (starts_with_ci(a, "LABEL")) {
        o->label = parse_bool(val);
    } else if (starts_with_ci(a, "DUP")) {
        d->dup_warning = parse_bool(val);
    } else if (starts_with_ci(a, "SKIP") || starts_with_ci(a, "ACTOR") ||
               starts_with_ci(a, "AGENT") || starts_with_ci(a, "VERB") ||
               starts_with_ci(a, "HAIKU") || starts_with_ci(a, "MATCH") ||
               starts_with_ci(a, "ALLCAPS") || starts_with_ci(a, "CHECK")) {
        /* interactive-program settings: no effect on coding */
    } else {
        return false;
    }
    return true;
}

static void opt_label(vg_dict *d, const char *a)
{
    const char *eq = strchr(a, '=');
    if (!eq) return;
    char code[32];
    size_t n = 0;
    for (const char *p = a; p < eq && n + 1 < sizeof code; p++)
        if (!vg_isspace((unsigned char)*p)) code[n++] = *p;
    code[n] = '\0';
    const char *t = eq + 1;
    while (vg_isspace((unsigned char)*t)) t++;
    size_t tl = strlen(t);
    while (tl && vg_isspace((unsigned char)t[tl - 1])) tl--;
    vg_dict_thaw(d);
    vg_label lb = { vg_dict_strdup(d, code, n), 0 };
    lb.text = vg_dict_strdup(d, t, tl);
    vg_vec_push(&d->labels, lb);
}

bool vg_tabari_option(vg_dict *d, const char *line, const char *file, long lineno,
                      vg_diag *diag)
{
    char buf[512];
    size_t n = strlen(line);
    line_copy(buf, sizeof buf, line, n, 0);
    for (char *c = buf; *c; c++)
        if (*c == '#' || (c[0] == '/' && c[1] == '/')) { *c = '\0'; break; }
    char *p = vg_trim(buf);
    if (!*p) return true;
    char *colon = strchr(p, ':');
    if (!colon) {
        vg_diag_add(diag, VG_DIAG_ERROR, file, lineno, "unrecognised option: %s", p);
        return false;
    }
    char *arg = colon + 1;
    while (vg_isspace((unsigned char)*arg)) arg++;
    /* most commands are upper-cased ("do what I mean"); labels keep case */
    bool ok = true;
    if (starts_with_ci(p, "LABE")) {
        opt_label(d, arg);
        return true;
    }
    for (char *c = arg; *c; c++) *c = (char)vg_toupper((unsigned char)*c);
    vg_options *o = &d->opt;
    if (starts_with_ci(p, "COMP")) opt_complex(o, arg);
    else if (starts_with_ci(p, "DEFA")) opt_default(o, arg);
    else if (starts_with_ci(p, "COMM")) opt_comma(o, arg);
    else if (starts_with_ci(p, "SET")) ok = opt_set(d, arg);
    else if (starts_with_ci(p, "NONE")) o->nonevents = has_word(arg, "ONLY") ? 2 : parse_bool(arg);
    else if (starts_with_ci(p, "FORW")) {
        o->forward = !has_word(arg, "OFF");
        size_t k = 0;
        for (const char *q = arg; *q && !vg_isspace((unsigned char)*q) && k + 1 < sizeof o->fwd_format; q++)
            o->fwd_format[k++] = *q;
        o->fwd_format[k] = '\0';
    } else if (starts_with_ci(p, "OUTP")) {
        /* output fields: Vigil writes every field in JSON */
    } else {
        ok = false;
    }
    if (!ok) vg_diag_add(diag, VG_DIAG_ERROR, file, lineno, "unrecognised option: %s", p);
    return ok;
}

bool vg_dict_load_tabari_options(vg_dict *d, const char *name, const char *text,
                            size_t len, vg_diag *diag)
{
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    vg_dict_file(d, name);
    char buf[512];
    while (vg_lines_next(&L, &s, &n)) {
        if (n >= sizeof buf) {
            vg_diag_add(diag, VG_DIAG_ERROR, name, L.lineno, "line too long");
            continue;
        }
        line_copy(buf, sizeof buf, s, n, 0);
        if (!strncmp(buf, "~~", 2)) break;      /* end-of-file mark */
        vg_tabari_option(d, buf, name, L.lineno, diag);
    }
    return true;
}

/* ---- projects ---- */

bool vg_dict_load_tabari_project(vg_dict *d, const char *path, vg_diag *diag,
                            vg_strlist *texts)
{
    size_t len;
    vg_dict_thaw(d);
    vg_dict_note_source(d, path, NULL, 0);
    char *text = vg_read_file(path, &len);
    if (!text) {
        vg_diag_add(diag, VG_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return false;
    }
    vg_dict_note_source(d, path, text, len);
    char *dir = vg_dirname(path);
    vg_lines L;
    vg_lines_init(&L, text, len);
    const char *s;
    size_t n;
    char buf[1024];
    bool ok = true;
    while (vg_lines_next(&L, &s, &n)) {
        char *ln = vg_trim(line_copy(buf, sizeof buf, s, n, 0));
        if (ln[0] != '<') continue;
        char *gt = strchr(ln, '>');
        if (!gt) continue;
        char *arg = vg_trim(gt + 1);
        char *lt = strchr(arg, '<');          /* optional closing tag */
        if (lt) *lt = '\0';
        arg = vg_trim(arg);
        char tag[3] = { (char)vg_toupper((unsigned char)ln[1]), ln[1] ? (char)vg_toupper((unsigned char)ln[2]) : 0, 0 };
        vg_loader fn = NULL;
        if (!strcmp(tag, "AC")) fn = vg_dict_load_tabari_actors;
        else if (!strcmp(tag, "AG")) fn = vg_dict_load_tabari_agents;
        else if (!strcmp(tag, "VE")) fn = vg_dict_load_tabari_verbs;
        else if (!strcmp(tag, "OP")) fn = vg_dict_load_tabari_options;
        if (!*arg) continue;
        char *full = vg_path_join(dir, arg);
        if (fn) ok &= vg_dict_load_file(d, full, fn, diag);
        else if (!strcmp(tag, "TE") && texts) vg_vec_push(texts, vg_strdup(full));
        free(full);
    }
    free(dir);
    free(text);
    return ok;
}
