/* input.c -- see input.h.  PETRARCH XML is read by input_xml.c. */
#include "input.h"
#include "input_xml.h"
#include "text.h"

#include <jansson.h>
#include <string.h>

struct vg_reader {
    vg_format fmt;
    const char *name;
    const char *text;
    size_t len;
    vg_lines lines;
    vg_buf scratch;
    bool done;
    void *xml;              /* input_xml.c state */
};

bool vg_format_parse(const char *s, vg_format *out)
{
    static const struct { const char *n; vg_format f; } t[] = {
        { "tabari", VG_FMT_TABARI }, { "jsonl", VG_FMT_JSONL },
        { "text", VG_FMT_TEXT }, { "petrarch", VG_FMT_PETRARCH },
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (!strcmp(s, t[i].n)) { *out = t[i].f; return true; }
    return false;
}

vg_format vg_format_by_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!strcmp(path, "-") || !dot || strchr(dot, '/')) return strcmp(path, "-") ? VG_FMT_TEXT
                                                                                  : VG_FMT_JSONL;
    if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".json") || !strcmp(dot, ".ndjson"))
        return VG_FMT_JSONL;
    if (!strcmp(dot, ".xml")) return VG_FMT_PETRARCH;
    if (!strcmp(dot, ".tabari") || !strcmp(dot, ".evt")) return VG_FMT_TABARI;
    return VG_FMT_TEXT;
}

void vg_record_free(vg_record *r)
{
    vg_buf_free(&r->id);
    vg_buf_free(&r->date_text);
    vg_buf_free(&r->text);
    vg_buf_free(&r->comment);
    vg_buf_free(&r->source);
    vg_buf_free(&r->url);
    vg_buf_free(&r->title);
    vg_buf_free(&r->parse);
    vg_buf_free(&r->expected);
}

static void record_clear(vg_record *r)
{
    vg_buf *b[] = { &r->id, &r->date_text, &r->text, &r->comment, &r->source,
                    &r->url, &r->title, &r->parse, &r->expected };
    for (size_t i = 0; i < sizeof b / sizeof *b; i++) vg_buf_clear(b[i]);
    r->line = 0;
    r->repaired = 0;
    r->sentence_level = false;
}

vg_reader *vg_reader_new(vg_format fmt, const char *name, const char *text, size_t len)
{
    vg_reader *r = vg_calloc(1, sizeof *r);
    r->fmt = fmt;
    r->name = name;
    r->text = text;
    r->len = len;
    vg_lines_init(&r->lines, text, len);
    return r;
}

void vg_reader_free(vg_reader *r)
{
    if (!r) return;
    if (r->xml) vg_reader_free_xml(r->xml);
    vg_buf_free(&r->scratch);
    free(r);
}

/* ---- TABARI text records ---- */

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!vg_isspace((unsigned char)s[i])) return false;
    return true;
}

/* Splits a record body into the text to code and its comment blocks.  Text
 * after the last comment is coded only if it carries no validation data. */
static void split_comments(const char *body, size_t n, vg_record *rec)
{
    const char *open = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (body[i] == '/' && body[i + 1] == '*') { open = body + i; break; }
    if (!open) { vg_buf_putn(&rec->text, body, n); return; }
    vg_buf_putn(&rec->text, body, (size_t)(open - body));
    const char *end = body + n, *p = open;
    const char *last_close = NULL;
    while (p < end) {
        const char *o = NULL;
        for (const char *q = p; q + 1 < end; q++)
            if (q[0] == '/' && q[1] == '*') { o = q; break; }
        if (!o) break;
        const char *c = NULL;
        for (const char *q = o + 2; q + 1 < end; q++)
            if (q[0] == '*' && q[1] == '/') { c = q; break; }
        vg_buf_putn(&rec->comment, o + 2, (size_t)((c ? c : end) - o - 2));
        vg_buf_putc(&rec->comment, ' ');
        if (!c) { last_close = NULL; p = end; break; }
        last_close = c + 2;
        p = c + 2;
    }
    if (last_close && last_close < end) {
        if (memchr(last_close, '{', (size_t)(end - last_close))) {
            vg_buf_putn(&rec->comment, last_close, (size_t)(end - last_close));
        } else {
            vg_buf_putc(&rec->text, ' ');
            vg_buf_putn(&rec->text, last_close, (size_t)(end - last_close));
        }
    }
}

static bool next_tabari(vg_reader *r, vg_record *rec)
{
    const char *s;
    size_t n;
    while (vg_lines_next(&r->lines, &s, &n)) {
        if (n == 0 || !vg_isdigit((unsigned char)s[0])) continue;   /* comment block */
        rec->line = r->lines.lineno;
        rec->sentence_level = true;
        size_t k = 0;
        while (k < n && !vg_isspace((unsigned char)s[k])) k++;
        vg_buf_putn(&rec->date_text, s, k);
        while (k < n && vg_isspace((unsigned char)s[k])) k++;
        size_t e = n;
        while (e > k && vg_isspace((unsigned char)s[e - 1])) e--;
        vg_buf_putn(&rec->id, s + k, e - k);
        vg_buf body = {0};
        while (vg_lines_next(&r->lines, &s, &n)) {
            if (blank(s, n)) break;
            if (body.len) vg_buf_putc(&body, ' ');
            vg_buf_putn(&body, s, n);
        }
        if (body.s) split_comments(body.s, body.len, rec);
        vg_buf_free(&body);
        return true;
    }
    return false;
}

/* ---- JSON lines ---- */

static void json_field(json_t *o, const char *key, vg_buf *out)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) vg_buf_putn(out, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v)) vg_buf_printf(out, "%lld", (long long)json_integer_value(v));
}

static bool next_jsonl(vg_reader *r, vg_record *rec, vg_diag *diag)
{
    const char *s;
    size_t n;
    while (vg_lines_next(&r->lines, &s, &n)) {
        if (blank(s, n)) continue;
        vg_buf_clear(&r->scratch);
        size_t bad = vg_utf8_repair(s, n, &r->scratch);
        json_error_t err;
        json_t *o = json_loadb(r->scratch.s, r->scratch.len, JSON_REJECT_DUPLICATES, &err);
        if (!o || !json_is_object(o)) {
            vg_diag_add(diag, VG_DIAG_ERROR, r->name, r->lines.lineno,
                        "bad JSON record: %s", o ? "not an object" : err.text);
            json_decref(o);
            continue;
        }
        rec->line = r->lines.lineno;
        rec->repaired = bad;
        json_field(o, "id", &rec->id);
        json_field(o, "date", &rec->date_text);
        json_field(o, "text", &rec->text);
        json_field(o, "source", &rec->source);
        json_field(o, "url", &rec->url);
        json_field(o, "title", &rec->title);
        json_decref(o);
        if (!rec->id.len) vg_buf_printf(&rec->id, "%s:%ld", r->name, rec->line);
        if (!rec->text.len && !rec->title.len) {
            vg_diag_add(diag, VG_DIAG_ERROR, r->name, rec->line,
                        "record %s: no \"text\"", rec->id.s);
            record_clear(rec);
            continue;
        }
        return true;
    }
    return false;
}

/* ---- one article per file ---- */

static bool next_text(vg_reader *r, vg_record *rec)
{
    if (r->done) return false;
    r->done = true;
    rec->line = 1;
    vg_buf_puts(&rec->id, r->name);
    vg_buf_putn(&rec->text, r->text, r->len);
    return true;
}

size_t vg_reader_offset(const vg_reader *r)
{
    switch (r->fmt) {
    case VG_FMT_TEXT: return r->done ? r->len : 0;
    case VG_FMT_PETRARCH: return r->xml ? vg_reader_xml_offset(r->xml, r->text) : 0;
    default: return r->lines.p ? (size_t)(r->lines.p - r->text) : 0;
    }
}

bool vg_reader_next(vg_reader *r, vg_record *rec, vg_diag *diag)
{
    record_clear(rec);
    switch (r->fmt) {
    case VG_FMT_TABARI: return next_tabari(r, rec);
    case VG_FMT_JSONL: return next_jsonl(r, rec, diag);
    case VG_FMT_TEXT: return next_text(r, rec);
    case VG_FMT_PETRARCH:
        return vg_reader_next_xml(r, &r->xml, r->name, r->text, r->len, rec, diag);
    }
    return false;
}
