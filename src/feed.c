/* feed.c -- see feed.h: RSS 2.0, RSS 1.0 and Atom parsed with libxml2 (no
 * network, no entities), feed dates, link keys and text digests. */
#include "feed.h"
#include "sha256.h"
#include "text.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <string.h>

#define DEFAULT_MAX_ITEMS 10000

/* ================================================================ dates */

static const char *const months[12] = { "jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec" };

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static bool word_is(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != w[i]) return false;
    return true;
}

/* Digits at *p (at most max), advancing; -1 if none. */
static long digits(const char **p, int max)
{
    long v = 0;
    int n = 0;
    while (n < max && vg_isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r' || **p == ',') (*p)++;
}

/* A zone: "+hhmm", "-hh:mm", "Z", "GMT", "EST"...; seconds east of UTC. */
static bool zone(const char **p, long *off)
{
    const char *s = *p;
    *off = 0;
    if (*s == '+' || *s == '-') {
        int sign = *s == '-' ? -1 : 1;
        s++;
        long h = digits(&s, 2);
        if (h < 0) return false;
        if (*s == ':') s++;
        long m = digits(&s, 2);
        if (m < 0) m = 0;
        if (h > 14 || m > 59) return false;
        *off = sign * (h * 3600 + m * 60);
        *p = s;
        return true;
    }
    static const struct { const char *name; int hours; } names[] = {
        { "z", 0 }, { "gmt", 0 }, { "ut", 0 }, { "utc", 0 }, { "est", -5 }, { "edt", -4 },
        { "cst", -6 }, { "cdt", -5 }, { "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
        { "bst", 1 }, { "cet", 1 }, { "cest", 2 }, { "eet", 2 }, { "eest", 3 },
    };
    size_t n = 0;
    while (vg_isalpha((unsigned char)s[n])) n++;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (word_is(s, n, names[i].name)) {
            *off = names[i].hours * 3600L;
            *p = s + n;
            return true;
        }
    if (n == 1) { *p = s + 1; return true; }    /* military letters: read as UTC */
    return false;
}

static bool finish_date(long y, long mo, long d, long h, long mi, long sec, long off,
                        int32_t *date, int64_t *epoch)
{
    vg_ymd ymd = { (int)y, (int)mo, (int)d };
    if (!vg_ymd_valid(ymd) || h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return false;
    *date = vg_date_of_ymd(ymd);
    *epoch = (int64_t)vg_ymd_days(ymd) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

/* "hh:mm[:ss[.fff]]" */
static bool clock(const char **p, long *h, long *mi, long *sec)
{
    const char *s = *p;
    long hh = digits(&s, 2), mm, ss = 0;
    if (hh < 0 || *s != ':') return false;
    s++;
    if ((mm = digits(&s, 2)) < 0) return false;
    if (*s == ':') {
        s++;
        if ((ss = digits(&s, 2)) < 0) return false;
        if (*s == '.' || *s == ',') {
            s++;
            while (vg_isdigit((unsigned char)*s)) s++;
        }
    }
    *h = hh;
    *mi = mm;
    *sec = ss;
    *p = s;
    return true;
}

static bool iso_date(const char *s, int32_t *date, int64_t *epoch)
{
    long y = digits(&s, 4), mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (y < 0 || *s++ != '-' || (mo = digits(&s, 2)) < 0 || *s++ != '-' ||
        (d = digits(&s, 2)) < 0)
        return false;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        const char *t = s + 1;
        if (clock(&t, &h, &mi, &sec)) {
            s = t;
            while (*s == ' ') s++;
            if (*s && !zone(&s, &off)) return false;
        }
    }
    return finish_date(y, mo, d, h, mi, sec, off, date, epoch);
}

static bool rfc822_date(const char *s, int32_t *date, int64_t *epoch)
{
    skip_space(&s);
    /* an optional day name */
    size_t n = 0;
    while (vg_isalpha((unsigned char)s[n])) n++;
    if (n) { s += n; skip_space(&s); }
    long d = digits(&s, 2);
    if (d < 0) return false;
    skip_space(&s);
    if (*s == '-') s++;
    n = 0;
    while (vg_isalpha((unsigned char)s[n])) n++;
    long mo = 0;
    for (int i = 0; i < 12 && n >= 3; i++)
        if (lower((unsigned char)s[0]) == months[i][0] && lower((unsigned char)s[1]) == months[i][1] &&
            lower((unsigned char)s[2]) == months[i][2])
            mo = i + 1;
    if (!mo) return false;
    s += n;
    if (*s == '.') s++;
    skip_space(&s);
    if (*s == '-') s++;
    const char *ys = s;
    long y = digits(&s, 4);
    if (y < 0) return false;
    if (s - ys <= 2) y += y < 50 ? 2000 : 1900;
    long h = 0, mi = 0, sec = 0, off = 0;
    skip_space(&s);
    if (clock(&s, &h, &mi, &sec)) {
        skip_space(&s);
        if (*s) zone(&s, &off);
    }
    return finish_date(y, mo, d, h, mi, sec, off, date, epoch);
}

bool vg_feed_date(const char *s, int32_t *date, int64_t *epoch)
{
    *date = 0;
    *epoch = 0;
    if (!s) return false;
    while (vg_isspace((unsigned char)*s)) s++;
    if (vg_isdigit((unsigned char)s[0]) && vg_isdigit((unsigned char)s[1]) &&
        vg_isdigit((unsigned char)s[2]) && vg_isdigit((unsigned char)s[3]) && s[4] == '-')
        return iso_date(s, date, epoch);
    return rfc822_date(s, date, epoch);
}

/* ================================================================ keys */

static bool tracking_param(const char *p, size_t n)
{
    static const char *const names[] = { "fbclid", "gclid", "igshid", "mc_cid", "mc_eid",
                                         "ocid", "cmpid", "smid" };
    size_t k = 0;
    while (k < n && p[k] != '=') k++;
    if (k >= 4 && !strncmp(p, "utm_", 4)) return true;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == k && !strncmp(p, names[i], k)) return true;
    return false;
}

void vg_feed_link_key(const char *link, vg_buf *out)
{
    vg_buf_clear(out);
    while (vg_isspace((unsigned char)*link)) link++;
    size_t n = strlen(link);
    while (n && vg_isspace((unsigned char)link[n - 1])) n--;
    const char *sep = strstr(link, "://");
    if (!sep || (size_t)(sep - link) > n) { vg_buf_putn(out, link, n); return; }
    const char *end = link + n;
    const char *hash = memchr(link, '#', n);
    if (hash) end = hash;
    /* scheme and host (with port) in lower case, default ports dropped */
    for (const char *p = link; p < sep; p++) vg_buf_putc(out, (char)lower((unsigned char)*p));
    vg_buf_puts(out, "://");
    const char *host = sep + 3, *h = host;
    while (h < end && *h != '/' && *h != '?') h++;
    size_t hl = (size_t)(h - host);
    bool http = out->len == 7, https = out->len == 8;
    if ((http && hl > 3 && !memcmp(h - 3, ":80", 3)) || (https && hl > 4 && !memcmp(h - 4, ":443", 4)))
        hl -= http ? 3 : 4;
    for (size_t i = 0; i < hl; i++) vg_buf_putc(out, (char)lower((unsigned char)host[i]));
    const char *q = h;
    while (q < end && *q != '?') q++;
    vg_buf_putn(out, h, (size_t)(q - h));
    if (q == end) {
        if (h == q) vg_buf_putc(out, '/');
        return;
    }
    if (h == q) vg_buf_putc(out, '/');
    /* the query without tracking parameters */
    bool any = false;
    for (const char *p = q + 1; p < end;) {
        const char *amp = p;
        while (amp < end && *amp != '&') amp++;
        size_t len = (size_t)(amp - p);
        if (len && !tracking_param(p, len)) {
            vg_buf_putc(out, any ? '&' : '?');
            vg_buf_putn(out, p, len);
            any = true;
        }
        p = amp < end ? amp + 1 : amp;
    }
}

void vg_feed_digest(const char *title, const char *text, char out[33])
{
    vg_sha256_ctx *c = vg_sha256_begin();
    const char *parts[2] = { title ? title : "", text ? text : "" };
    for (int k = 0; k < 2; k++) {
        char buf[256];
        size_t n = 0;
        bool space = true;          /* drops leading space */
        for (const char *p = parts[k]; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            if (vg_isspace(ch)) {
                if (space) continue;
                space = true;
                ch = ' ';
            } else {
                space = false;
                ch = (unsigned char)lower(ch);
            }
            buf[n++] = (char)ch;
            if (n == sizeof buf) { vg_sha256_add(c, buf, n); n = 0; }
        }
        if (n && buf[n - 1] == ' ') n--;
        vg_sha256_add(c, buf, n);
        vg_sha256_add(c, "\n", 1);
    }
    unsigned char d[32];
    vg_sha256_end(c, d);
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ================================================================ parsing */

/* Refuses a document type that declares entities (feed.h). */
static bool declares_entities(const char *s, size_t n)
{
    const char *end = s + n;
    for (const char *p = s; p + 9 <= end; p++) {
        if (*p != '<') continue;
        if (!memcmp(p, "<!DOCTYPE", 9)) {
            const char *q = p + 9;
            int depth = 0;
            for (; q < end; q++) {
                if (*q == '[') depth++;
                else if (*q == ']') depth--;
                else if (*q == '>' && depth <= 0) break;
                else if (depth > 0 && q + 8 <= end && !memcmp(q, "<!ENTITY", 8)) return true;
            }
            return false;
        }
        if (p[1] != '?' && p[1] != '!') return false;    /* the root element: no DOCTYPE */
    }
    return false;
}

typedef struct parse_err {
    int n;
    int line;
    char msg[160];
    bool entities;          /* an entity was declared: parsing stopped */
} parse_err;

/* The parser's entity declarations stop it: in any encoding (the byte scan
 * of declares_entities reads only ASCII-compatible ones), nothing that a
 * declared entity could expand to is ever built. */
static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                          const xmlChar *sys, xmlChar *content)
{
    (void)name; (void)type; (void)pub; (void)sys; (void)content;
    xmlParserCtxtPtr c = ctx;
    parse_err *pe = c->_private;
    if (pe) pe->entities = true;
    xmlStopParser(c);
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    parse_err *pe = ctx;
    if (!e || e->level < XML_ERR_ERROR || pe->n++) return;
    pe->line = e->line;
    snprintf(pe->msg, sizeof pe->msg, "%s", e->message ? e->message : "error");
    size_t n = strlen(pe->msg);
    while (n && (pe->msg[n - 1] == '\n' || pe->msg[n - 1] == ' ')) pe->msg[--n] = '\0';
}

static bool named(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Text and CDATA below n, entity references left out. */
static void raw_text(xmlNodePtr n, vg_buf *out, int depth)
{
    for (xmlNodePtr c = n->children; c && depth < 64; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content) vg_buf_puts(out, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            raw_text(c, out, depth + 1);
            const char *nm = (const char *)c->name;
            if (!strcmp(nm, "p") || !strcmp(nm, "div") || !strcmp(nm, "br") || !strcmp(nm, "li"))
                vg_buf_putc(out, '\n');
        }
    }
}

static char *clean(const char *s, size_t n, bool lines);

/* An attribute's value (a link, an id), cleaned as element text is: a
 * recovering parse can hand back bytes that are not UTF-8. */
static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? clean((const char *)v, strlen((const char *)v), false) : vg_strdup("");
    if (v) xmlFree(v);
    return s;
}

/* Spaces folded and trimmed, valid UTF-8; with lines, a run of space
 * with a newline in it stays one newline. */
static char *clean(const char *s, size_t n, bool lines)
{
    vg_buf r = { 0 }, o = { 0 };
    vg_utf8_repair(s, n, &r);
    bool space = false, nl = false;
    for (size_t i = 0; i < r.len; i++) {
        char c = r.s[i];
        if (vg_isspace((unsigned char)c)) {
            space = o.len > 0;
            nl |= lines && c == '\n' && o.len > 0;
            continue;
        }
        if (space) vg_buf_putc(&o, nl ? '\n' : ' ');
        space = nl = false;
        vg_buf_putc(&o, c);
    }
    vg_buf_free(&r);
    return o.s ? o.s : vg_strdup("");
}

/* An element's text: as markup when html (RSS descriptions, Atom type
 * "html"), as XHTML elements for Atom "xhtml", else plain. */
static char *element_text(xmlNodePtr n, bool html)
{
    vg_buf raw = { 0 };
    raw_text(n, &raw, 0);
    char *out;
    if (html && raw.len && (memchr(raw.s, '<', raw.len) || memchr(raw.s, '&', raw.len))) {
        vg_buf t = { 0 };
        vg_html_text(raw.s, raw.len, &t);
        out = t.s ? t.s : vg_strdup("");
    } else {
        out = clean(raw.s ? raw.s : "", raw.len, html);
    }
    vg_buf_free(&raw);
    return out;
}

static void set(char **slot, char *v)
{
    free(*slot);
    *slot = v;
}

static char *absolute(const char *link, const char *base)
{
    if (!*link || !base || !*base || strstr(link, "://")) return vg_strdup(link);
    xmlChar *u = xmlBuildURI((const xmlChar *)link, (const xmlChar *)base);
    char *s = vg_strdup(u ? (const char *)u : link);
    if (u) xmlFree(u);
    return s;
}

static void item_free(vg_feed_item *it)
{
    free(it->title);
    free(it->link);
    free(it->guid);
    free(it->date_text);
    free(it->text);
    free(it->author);
}

static bool looks_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

/* An RSS <item> (2.0 or 1.0). */
static void rss_item(xmlNodePtr n, const char *base, vg_feed_item *it)
{
    char *desc = NULL, *content = NULL, *pub = NULL, *dc = NULL, *upd = NULL;
    bool guid_link = false;
    if (named(n, "item")) {
        char *about = attr(n, "about");           /* RSS 1.0 rdf:about */
        if (*about) set(&it->guid, about); else free(about);
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)c->name;
        if (!strcmp(nm, "title")) set(&it->title, element_text(c, true));
        else if (!strcmp(nm, "link")) {
            char *h = attr(c, "href");                /* an atom:link inside RSS */
            if (*h) set(&it->link, h);
            else { free(h); set(&it->link, element_text(c, false)); }
        } else if (!strcmp(nm, "guid")) {
            set(&it->guid, element_text(c, false));
            char *perma = attr(c, "isPermaLink");
            guid_link = strcmp(perma, "false") != 0;
            free(perma);
        } else if (!strcmp(nm, "description") || !strcmp(nm, "summary")) set(&desc, element_text(c, true));
        else if (!strcmp(nm, "encoded")) set(&content, element_text(c, true));
        else if (!strcmp(nm, "pubDate")) set(&pub, element_text(c, false));
        else if (!strcmp(nm, "date")) set(&dc, element_text(c, false));
        else if (!strcmp(nm, "updated") || !strcmp(nm, "published")) set(&upd, element_text(c, false));
        else if (!strcmp(nm, "author") || !strcmp(nm, "creator")) set(&it->author, element_text(c, false));
    }
    if (!*it->link && guid_link && looks_url(it->guid)) set(&it->link, vg_strdup(it->guid));
    set(&it->link, absolute(it->link, base));
    const char *d = pub && *pub ? pub : dc && *dc ? dc : upd;
    if (d) set(&it->date_text, vg_strdup(d));
    set(&it->text, content && *content ? content : desc ? desc : vg_strdup(""));
    if (content && *content) free(desc);
    else free(content);
    free(pub);
    free(dc);
    free(upd);
}

static void atom_entry(xmlNodePtr n, const char *base, vg_feed_item *it)
{
    char *summary = NULL, *content = NULL, *pub = NULL, *upd = NULL, *alt = NULL, *any = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)c->name;
        char *type = NULL;
        bool html = false;
        if (!strcmp(nm, "title") || !strcmp(nm, "summary") || !strcmp(nm, "content")) {
            type = attr(c, "type");
            html = !strcmp(type, "html") || !strcmp(type, "text/html") || !strcmp(type, "xhtml");
            free(type);
        }
        if (!strcmp(nm, "title")) set(&it->title, element_text(c, html));
        else if (!strcmp(nm, "summary")) set(&summary, element_text(c, html));
        else if (!strcmp(nm, "content")) set(&content, element_text(c, html));
        else if (!strcmp(nm, "published")) set(&pub, element_text(c, false));
        else if (!strcmp(nm, "updated")) set(&upd, element_text(c, false));
        else if (!strcmp(nm, "id")) set(&it->guid, element_text(c, false));
        else if (!strcmp(nm, "author")) {
            for (xmlNodePtr a = c->children; a; a = a->next)
                if (named(a, "name")) set(&it->author, element_text(a, false));
        } else if (!strcmp(nm, "link")) {
            char *rel = attr(c, "rel"), *href = attr(c, "href");
            if ((!*rel || !strcmp(rel, "alternate")) && !alt) alt = href;
            else if (!any) any = href;
            else free(href);
            free(rel);
        }
    }
    set(&it->link, absolute(alt ? alt : any ? any : "", base));
    free(alt);
    free(any);
    const char *d = pub && *pub ? pub : upd;
    if (d) set(&it->date_text, vg_strdup(d));
    set(&it->text, content && *content ? content : summary ? summary : vg_strdup(""));
    if (content && *content) free(summary);
    else free(content);
    free(pub);
    free(upd);
}

static void add_item(vg_feed *f, xmlNodePtr n, const char *base, bool atom, size_t max)
{
    if (f->items.n >= max) { f->dropped++; return; }
    vg_feed_item it = { 0 };
    it.title = vg_strdup("");
    it.link = vg_strdup("");
    it.guid = vg_strdup("");
    it.date_text = vg_strdup("");
    it.text = vg_strdup("");
    it.author = vg_strdup("");
    if (atom) atom_entry(n, base, &it);
    else rss_item(n, base, &it);
    if (*it.date_text) vg_feed_date(it.date_text, &it.date, &it.epoch);
    vg_vec_push(&f->items, it);
}

static void channel_info(vg_feed *f, xmlNodePtr ch, bool atom)
{
    for (xmlNodePtr c = ch->children; c; c = c->next) {
        if (named(c, "title") && !*f->title) set(&f->title, element_text(c, atom));
        else if (named(c, "link") && !*f->link) {
            char *h = attr(c, "href");
            if (*h) set(&f->link, h);
            else { free(h); set(&f->link, element_text(c, false)); }
        }
    }
}

bool vg_feed_parse(const char *data, size_t len, const char *base, size_t max_items,
                   vg_feed *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (!max_items) max_items = DEFAULT_MAX_ITEMS;
    if (len > (size_t)INT32_MAX) { snprintf(err, errsz, "document too large"); return false; }
    if (declares_entities(data, len)) {
        snprintf(err, errsz, "the document declares XML entities: refused (no feed needs them)");
        return false;
    }
    out->title = vg_strdup("");
    out->link = vg_strdup("");
    parse_err pe = { 0 };
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx) vg_oom();
    ctx->_private = &pe;
    if (ctx->sax) ctx->sax->entityDecl = refuse_entity;
    xmlSetStructuredErrorFunc(&pe, on_error);
    xmlDocPtr doc = xmlCtxtReadMemory(ctx, data, (int)len, base, NULL,
                                      XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    bool ok = false;
    if (pe.entities) {
        snprintf(err, errsz, "the document declares XML entities: refused (no feed needs them)");
    } else if (!root) {
        snprintf(err, errsz, "not XML%s%s", pe.n ? ": " : "", pe.msg);
    } else if (named(root, "rss") || named(root, "RDF")) {
        snprintf(out->kind, sizeof out->kind, "%s", named(root, "rss") ? "rss" : "rdf");
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (named(c, "channel")) {
                channel_info(out, c, false);
                for (xmlNodePtr i = c->children; i; i = i->next)
                    if (named(i, "item")) add_item(out, i, base, false, max_items);
            } else if (named(c, "item")) {
                add_item(out, c, base, false, max_items);
            }
        }
        ok = true;
    } else if (named(root, "feed")) {
        snprintf(out->kind, sizeof out->kind, "atom");
        channel_info(out, root, true);
        for (xmlNodePtr c = root->children; c; c = c->next)
            if (named(c, "entry")) add_item(out, c, base, true, max_items);
        ok = true;
    } else {
        snprintf(err, errsz, "not a feed: the root element is <%.40s>", (const char *)root->name);
    }
    if (ok && pe.n)
        snprintf(out->warning, sizeof out->warning, "malformed at line %d (%s): the items "
                 "before it were read", pe.line, pe.msg);
    if (doc) xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctx);
    if (!ok) vg_feed_free(out);
    return ok;
}

void vg_feed_free(vg_feed *f)
{
    for (size_t i = 0; i < f->items.n; i++) item_free(&f->items.v[i]);
    vg_vec_free(&f->items);
    free(f->title);
    free(f->link);
    f->title = f->link = NULL;
}
