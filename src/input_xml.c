/* input_xml.c -- PETRARCH XML records (<Sentence date id>, <EventCoding>,
 * <Text>, <Parse>), read with libxml2; entity expansion and network access
 * are off.
 *
 * Each <Sentence ...> starts a record that runs to the next one.  Records
 * are parsed one at a time, so a malformed record (published files contain
 * <Sentence .../> closed at once, with its parts as siblings and a stray
 * </Sentence>) is reported and recovered or skipped without stopping the
 * rest; a truncated file still yields every complete record before the
 * fault. */
#include "input_xml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

typedef struct xml_state {
    const char *text, *end;
    const char *p;           /* scan position */
    long line;               /* line of p */
    const char *name;
} xml_state;

void vg_reader_free_xml(void *xml) { free(xml); }

size_t vg_reader_xml_offset(const void *state, const char *text)
{
    return (size_t)(((const xml_state *)state)->p - text);
}

static void advance(xml_state *st, const char *to)
{
    for (const char *q = st->p; q < to; q++)
        if (*q == '\n') st->line++;
    st->p = to;
}

static bool starts(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* Next "<Sentence" tag start at or after p, outside comments; NULL if none. */
static const char *find_sentence(const char *p, const char *end)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) return NULL;
        if (starts(lt, end, "<!--")) {
            const char *c = lt + 4;
            while (c < end && !starts(c, end, "-->")) c++;
            p = c + 3;
            continue;
        }
        if (starts(lt, end, "<Sentence") && lt + 9 < end &&
            (vg_isspace((unsigned char)lt[9]) || lt[9] == '>' || lt[9] == '/'))
            return lt;
        p = lt + 1;
    }
    return NULL;
}

typedef struct errctx {
    vg_diag *diag;
    const char *name;
    long line0;
    int n;
} errctx;

static void on_error(void *arg, xmlErrorPtr e)
{
    errctx *ec = arg;
    if (!e || ++ec->n > 3) return;
    char m[200];
    snprintf(m, sizeof m, "%s", e->message ? e->message : "error");
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) m[--n] = '\0';
    vg_diag_add(ec->diag, VG_DIAG_WARNING, ec->name, ec->line0 + (e->line > 0 ? e->line - 1 : 0),
                "malformed XML: %s", m);
}

static void attr(xmlNodePtr n, const char *name, vg_buf *out)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (v) {
        vg_buf_puts(out, (const char *)v);
        xmlFree(v);
    }
}

static void content(xmlNodePtr n, vg_buf *out)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v) return;
    const char *s = (const char *)v;
    while (vg_isspace((unsigned char)*s)) s++;
    size_t len = strlen(s);
    while (len && vg_isspace((unsigned char)s[len - 1])) len--;
    for (size_t i = 0; i < len; i++) vg_buf_putc(out, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    xmlFree(v);
}

/* EventCoding: "SRC TGT CODE", or NOEVENTS / DISCARD. */
static void event_coding(xmlNodePtr n, vg_record *r)
{
    vg_buf s = {0}, t = {0}, c = {0}, no = {0}, err = {0};
    attr(n, "sourcecode", &s);
    attr(n, "targetcode", &t);
    attr(n, "eventcode", &c);
    attr(n, "noevents", &no);
    attr(n, "error", &err);
    if (err.len && strstr(err.s, "discard")) vg_buf_puts(&r->expected, "DISCARD\n");
    else if (no.len && (no.s[0] == 'T' || no.s[0] == 't')) vg_buf_puts(&r->expected, "NOEVENTS\n");
    else if (c.len) vg_buf_printf(&r->expected, "%s %s %s\n", s.len ? s.s : "---",
                                  t.len ? t.s : "---", c.s);
    vg_buf_free(&s); vg_buf_free(&t); vg_buf_free(&c); vg_buf_free(&no); vg_buf_free(&err);
}

static bool is(xmlNodePtr n, const char *s)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, s);
}

static void walk(xmlNodePtr n, vg_record *r, bool *sentence, bool *text)
{
    for (; n; n = n->next) {
        if (is(n, "Sentence") && !*sentence) {
            *sentence = true;
            attr(n, "id", &r->id);
            attr(n, "date", &r->date_text);
            attr(n, "category", &r->source);
        } else if (is(n, "EventCoding")) {
            event_coding(n, r);
        } else if (is(n, "Text")) {
            content(n, &r->text);
            *text = true;
            continue;
        } else if (is(n, "Parse")) {
            content(n, &r->parse);
            continue;
        }
        if (n->children) walk(n->children, r, sentence, text);
    }
}

static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(s + i, needle, k)) return true;
    return false;
}

/* Parses one record's slice of the file. */
static bool parse_record(const char *s, size_t n, const char *name, long line,
                         vg_record *rec, vg_diag *diag)
{
    vg_buf doc = {0};
    vg_buf_puts(&doc, "<Record>");
    vg_buf_putn(&doc, s, n);
    vg_buf_puts(&doc, "</Record>");
    errctx ec = { diag, name, line, 0 };
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx) { vg_buf_free(&doc); return false; }
    xmlSetStructuredErrorFunc(&ec, on_error);
    xmlDocPtr d = xmlCtxtReadMemory(ctx, doc.s, (int)doc.len, name, NULL,
                                    XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    bool sentence = false, text = false;
    if (d) walk(xmlDocGetRootElement(d), rec, &sentence, &text);
    /* a record is usable only if its <Text> element was complete */
    bool closed = contains(s, n, "</Text>");
    xmlFreeDoc(d);
    xmlFreeParserCtxt(ctx);
    vg_buf_free(&doc);
    rec->line = line;
    rec->sentence_level = true;
    if (!sentence || !text || !closed) {
        vg_diag_add(diag, VG_DIAG_ERROR, name, line, "record %s: malformed or truncated, skipped",
                    rec->id.len ? rec->id.s : "?");
        return false;
    }
    return true;
}

bool vg_reader_next_xml(void *r, void **state, const char *name, const char *text,
                        size_t len, vg_record *rec, vg_diag *diag)
{
    (void)r;
    xml_state *st = *state;
    if (!st) {
        st = vg_calloc(1, sizeof *st);
        *state = st;
        st->text = st->p = text;
        st->end = text + len;
        st->line = 1;
        st->name = name;
    }
    while (1) {
        const char *start = find_sentence(st->p, st->end);
        if (!start) return false;
        advance(st, start);
        const char *next = find_sentence(start + 9, st->end);
        const char *stop = next ? next : st->end;
        const char *close = NULL;
        for (const char *q = start; q + 12 <= stop; q++)
            if (!memcmp(q, "</Sentences>", 12)) { close = q; break; }
        if (close) stop = close;
        long line = st->line;
        advance(st, next ? next : st->end);
        vg_buf_clear(&rec->id);
        vg_buf_clear(&rec->date_text);
        vg_buf_clear(&rec->text);
        vg_buf_clear(&rec->parse);
        vg_buf_clear(&rec->expected);
        vg_buf_clear(&rec->source);
        if (parse_record(start, (size_t)(stop - start), name, line, rec, diag)) return true;
    }
}
