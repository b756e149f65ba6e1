/* feed_html.c -- see feed.h: HTML fragments to text, and a page's main text
 * by text density, with libxml2's HTML parser (no network).
 *
 * The main text: every run of inline content (a <p>, or text between the
 * block children of a <div>) of 25 characters or more is a paragraph,
 * scored 1 + its commas + one per 100 characters (at most 3), unless more
 * than half of its text is link text.  A paragraph's score goes to the
 * element that holds it (the parent of a <p>) and half of it to that
 * element's parent.  Holders start from their tag (div +5; pre, td,
 * blockquote +3; lists, forms -3; headings -5) and their class and id
 * (article, content, story, body, main, post, entry, text: +25; comment,
 * sidebar, footer, nav, menu, share, social, related, promo, advert,
 * cookie, newsletter: -25), and end multiplied by one minus their link
 * density.  The best holder wins, with those of its siblings that score at
 * least a fifth of it; their paragraphs, in document order, are the main
 * text.  Navigation, asides, footers, forms, scripts and styles never count.
 * When no holder stands out, every paragraph with little link text is kept. */
#include "feed.h"
#include "text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ================================================================ tags */

static bool tag_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list)) return true;
    return false;
}

static const char *const skipped_tags[] = {
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head",
    "select", "button", "textarea", "input", "canvas", "math", NULL
};

/* Never main text. */
static const char *const chrome_tags[] = { "nav", "aside", "footer", "form", "menu", NULL };

static const char *const block_tags[] = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "tbody", "thead", "blockquote", "pre", "article", "section", "header",
    "footer", "main", "aside", "nav", "figure", "figcaption", "hr", "address", "center",
    "form", "fieldset", "details", "summary", "body", "html", "td", "th", NULL
};

static bool is_block(const char *name) { return tag_in(name, block_tags); }

/* ================================================================ text */

/* Appends s, folding spaces (a newline stays a newline). */
typedef struct textout {
    vg_buf *b;
    bool space, newline;    /* pending separators */
} textout;

static void out_sep(textout *t, bool nl)
{
    if (nl) t->newline = true;
    else t->space = true;
}

static void out_text(textout *t, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (vg_isspace(c)) { t->space = true; continue; }
        if (t->b->len) {
            if (t->newline) vg_buf_putc(t->b, '\n');
            else if (t->space) vg_buf_putc(t->b, ' ');
        }
        t->space = t->newline = false;
        vg_buf_putc(t->b, (char)c);
    }
}

static void walk_text(xmlNodePtr n, textout *t, int depth)
{
    for (xmlNodePtr c = n; c && depth < 200; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content) out_text(t, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            const char *nm = (const char *)c->name;
            if (tag_in(nm, skipped_tags)) continue;
            bool blk = is_block(nm);
            if (blk) out_sep(t, true);
            walk_text(c->children, t, depth + 1);
            if (blk) out_sep(t, true);
        }
    }
}

static htmlDocPtr parse_html(const char *html, size_t len, const char *encoding)
{
    if (len > (size_t)INT32_MAX) return NULL;
    return htmlReadMemory(html, (int)len, NULL, encoding,
                          HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                          HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
}

void vg_html_text(const char *html, size_t len, vg_buf *out)
{
    htmlDocPtr d = parse_html(html, len, "UTF-8");
    vg_buf raw = { 0 };
    textout t = { &raw, false, false };
    if (d) walk_text(xmlDocGetRootElement(d), &t, 0);
    if (d) xmlFreeDoc(d);
    vg_utf8_repair(raw.s ? raw.s : "", raw.len, out);
    vg_buf_free(&raw);
}

/* ================================================================ main text */

/* Characters (not bytes) of UTF-8 text. */
static size_t nchars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

typedef struct para {
    xmlNodePtr holder;        /* the element whose score it feeds */
    xmlNodePtr first;         /* its first node, for order and containment */
    char *text;
    size_t chars, link_chars;
} para;

typedef struct cand {
    xmlNodePtr node;
    double score;
    size_t chars, link_chars; /* of its paragraphs */
} cand;

typedef struct mainctx {
    VG_VEC(para) paras;
    VG_VEC(cand) cands;
} mainctx;

static bool class_match(xmlNodePtr n, const char *const *words)
{
    static const char *const attrs[] = { "class", "id", NULL };
    for (int a = 0; attrs[a]; a++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[a]);
        if (!v) continue;
        char low[256];
        size_t k = 0;
        for (const xmlChar *p = v; *p && k + 1 < sizeof low; p++)
            low[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        low[k] = '\0';
        xmlFree(v);
        for (const char *const *w = words; *w; w++)
            if (strstr(low, *w)) return true;
    }
    return false;
}

static const char *const good_words[] = { "article", "content", "story", "body", "main", "post",
                                          "entry", "text", NULL };
static const char *const bad_words[] = { "comment", "sidebar", "footer", "nav", "menu", "share",
                                         "social", "related", "promo", "advert", "cookie",
                                         "newsletter", "subscribe", "breadcrumb", "widget",
                                         "popup", "modal", "banner", "masthead", NULL };

/* Containers whose class or id says chrome are left out whole (unless
 * they also say content). */
static bool chrome(xmlNodePtr n)
{
    const char *nm = (const char *)n->name;
    if (tag_in(nm, chrome_tags) || tag_in(nm, skipped_tags)) return true;
    if (!strcmp(nm, "body") || !strcmp(nm, "article") || !strcmp(nm, "main")) return false;
    return class_match(n, bad_words) && !class_match(n, good_words);
}

static double tag_weight(xmlNodePtr n)
{
    const char *nm = (const char *)n->name;
    double w = 0;
    if (!strcmp(nm, "div") || !strcmp(nm, "article") || !strcmp(nm, "main")) w = 5;
    else if (!strcmp(nm, "pre") || !strcmp(nm, "td") || !strcmp(nm, "blockquote") ||
             !strcmp(nm, "section"))
        w = 3;
    else if (!strcmp(nm, "ul") || !strcmp(nm, "ol") || !strcmp(nm, "li") || !strcmp(nm, "dl") ||
             !strcmp(nm, "form") || !strcmp(nm, "address"))
        w = -3;
    else if (nm[0] == 'h' && nm[1] >= '1' && nm[1] <= '6' && !nm[2]) w = -5;
    if (class_match(n, good_words)) w += 25;
    if (class_match(n, bad_words)) w -= 25;
    return w;
}

static cand *cand_of(mainctx *m, xmlNodePtr n)
{
    if (!n || n->type != XML_ELEMENT_NODE) return NULL;
    uintptr_t i = (uintptr_t)n->_private;
    if (i) return &m->cands.v[i - 1];
    cand c = { n, tag_weight(n), 0, 0 };
    vg_vec_push(&m->cands, c);
    n->_private = (void *)(uintptr_t)m->cands.n;
    return &m->cands.v[m->cands.n - 1];
}

/* Text of an inline run [first, last], and how much of it is link text. */
static void run_text(xmlNodePtr n, vg_buf *b, size_t *link, bool in_link, int depth)
{
    if (depth > 100) return;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (!n->content) return;
        size_t before = b->len;
        const char *s = (const char *)n->content;
        for (; *s; s++) {
            bool sp = vg_isspace((unsigned char)*s);
            if (sp && (!b->len || b->s[b->len - 1] == ' ')) continue;
            vg_buf_putc(b, sp ? ' ' : *s);
        }
        if (in_link && b->len > before) *link += nchars(b->s + before, b->len - before);
        return;
    }
    if (n->type != XML_ELEMENT_NODE || tag_in((const char *)n->name, skipped_tags)) return;
    bool a = in_link || !strcmp((const char *)n->name, "a");
    if (!strcmp((const char *)n->name, "br") && b->len && b->s[b->len - 1] != ' ')
        vg_buf_putc(b, ' ');
    for (xmlNodePtr c = n->children; c; c = c->next) run_text(c, b, link, a, depth + 1);
}

static bool is_para_tag(const char *nm)
{
    static const char *const tags[] = { "p", "pre", "blockquote", "li", "td", "dd", "h1", "h2",
                                        "h3", "h4", "h5", "h6", "figcaption", NULL };
    return tag_in(nm, tags);
}

static void add_run(mainctx *m, xmlNodePtr owner, xmlNodePtr first, xmlNodePtr last)
{
    vg_buf b = { 0 };
    size_t link = 0;
    for (xmlNodePtr c = first;; c = c->next) {
        run_text(c, &b, &link, false, 0);
        if (c == last) break;
    }
    while (b.len && b.s[b.len - 1] == ' ') b.s[--b.len] = '\0';
    size_t ch = b.s ? nchars(b.s, b.len) : 0;
    if (ch < 15) { vg_buf_free(&b); return; }
    /* a paragraph element feeds its parent; loose text feeds its holder */
    const char *on = (const char *)owner->name;
    xmlNodePtr holder = is_para_tag(on) && owner->parent ? owner->parent : owner;
    para p = { holder, first, b.s, ch, link };
    vg_vec_push(&m->paras, p);
}

/* Collects the paragraphs: inline runs between block children. */
static void collect(mainctx *m, xmlNodePtr n, int depth)
{
    if (depth > 200) return;
    xmlNodePtr run = NULL, last = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        bool inline_node = c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE ||
                           (c->type == XML_ELEMENT_NODE && !is_block((const char *)c->name) &&
                            !tag_in((const char *)c->name, skipped_tags));
        bool br2 = c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "br") &&
                   last && last->type == XML_ELEMENT_NODE && !strcmp((const char *)last->name, "br");
        if (inline_node && !br2) {
            if (!run) run = c;
            last = c;
            continue;
        }
        if (run) add_run(m, n, run, last);
        run = last = NULL;
        if (c->type == XML_ELEMENT_NODE && !br2 && !chrome(c)) collect(m, c, depth + 1);
    }
    if (run) add_run(m, n, run, last);
}

static bool inside(xmlNodePtr n, xmlNodePtr anc)
{
    for (; n; n = n->parent)
        if (n == anc) return true;
    return false;
}

static size_t commas(const char *s)
{
    size_t k = 0;
    for (; *s; s++) k += *s == ',';
    return k;
}

bool vg_html_main_text(const char *html, size_t len, vg_buf *out, vg_html_main *info)
{
    vg_html_main dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    htmlDocPtr d = parse_html(html, len, NULL);
    xmlNodePtr root = d ? xmlDocGetRootElement(d) : NULL;
    if (!root) {
        if (d) xmlFreeDoc(d);
        return false;
    }
    mainctx m = { 0 };
    collect(&m, root, 0);
    /* scores flow from paragraphs to their holders and the holders' parents */
    for (size_t i = 0; i < m.paras.n; i++) {
        para *p = &m.paras.v[i];
        if (p->chars < 25 || p->link_chars * 2 > p->chars) continue;
        info->blocks++;
        double s = 1 + (double)commas(p->text) + fmin((double)p->chars / 100, 3);
        cand *c = cand_of(&m, p->holder);
        if (!c) continue;
        c->score += s;
        c->chars += p->chars;
        c->link_chars += p->link_chars;
        cand *g = cand_of(&m, p->holder->parent);
        if (g) { g->score += s / 2; g->chars += p->chars; g->link_chars += p->link_chars; }
    }
    cand *top = NULL;
    for (size_t i = 0; i < m.cands.n; i++) {
        cand *c = &m.cands.v[i];
        double ld = c->chars ? (double)c->link_chars / (double)c->chars : 0;
        c->score *= 1 - ld;
        if (!top || c->score > top->score) top = c;
    }
    VG_VEC(xmlNodePtr) keep = { 0 };
    if (top && top->score >= 10) {
        vg_vec_push(&keep, top->node);
        double floor = fmax(10, top->score * 0.2);
        if (top->node->parent)
            for (xmlNodePtr s = top->node->parent->children; s; s = s->next) {
                if (s == top->node || s->type != XML_ELEMENT_NODE) continue;
                uintptr_t i = (uintptr_t)s->_private;
                if (i && m.cands.v[i - 1].score >= floor) vg_vec_push(&keep, s);
            }
        info->link_density = top->chars ? (double)top->link_chars / (double)top->chars : 0;
    } else {
        info->fallback = true;
    }
    vg_buf text = { 0 };
    for (size_t i = 0; i < m.paras.n; i++) {
        const para *p = &m.paras.v[i];
        bool ok = info->fallback ? p->chars >= 40 && p->link_chars * 3 < p->chars
                                 : p->link_chars * 2 <= p->chars;
        for (size_t k = 0; ok && !info->fallback; k++) {
            if (k == keep.n) { ok = false; break; }
            if (inside(p->first, keep.v[k])) break;
        }
        if (!ok) continue;
        if (text.len) vg_buf_putc(&text, '\n');
        vg_buf_puts(&text, p->text);
    }
    for (size_t i = 0; i < m.paras.n; i++) free(m.paras.v[i].text);
    vg_vec_free(&m.paras);
    vg_vec_free(&m.cands);
    vg_vec_free(&keep);
    xmlFreeDoc(d);
    bool any = text.len >= 40;
    if (any) {
        info->chars = nchars(text.s, text.len);
        vg_utf8_repair(text.s, text.len, out);
    }
    vg_buf_free(&text);
    return any;
}
