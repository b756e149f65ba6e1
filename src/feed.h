/* feed.h -- news feeds and web pages as text: RSS 2.0, RSS 1.0 (RDF) and
 * Atom documents parsed into items (feed.c), HTML fragments turned into
 * text and a page's main text found by text density (feed_html.c).
 *
 * Parsing is libxml2's, with no network access and no entity expansion: a
 * document that declares entities is refused (a feed has no use for them,
 * and the "billion laughs" needs them); an undeclared one (&nbsp; in RSS
 * 0.91) is dropped.  A malformed feed yields the items before the fault,
 * and says so.  Nothing here fetches anything (fetch.h does) or prints.
 *
 * Items are deduplicated by the monitor on two keys made here: the item's
 * link normalised (vg_feed_link_key: scheme and host in lower case, no
 * fragment, no tracking parameters), and a digest of its text
 * (vg_feed_digest: title and text, case and spacing folded), so the same
 * story under another link is still seen as the same. */
#ifndef VG_FEED_H
#define VG_FEED_H

#include "date.h"
#include "util.h"

typedef struct vg_feed_item {
    char *title;          /* text (markup removed), "" if none */
    char *link;           /* absolute URL, "" if none */
    char *guid;           /* <guid>/<id>, "" if none */
    char *date_text;      /* as written ("" if none) */
    int32_t date;         /* yyyymmdd, the day as written in the item's own time
                           * zone; 0 when absent or unreadable */
    int64_t epoch;        /* the same instant as Unix seconds (0 if unknown) */
    char *text;           /* description / summary / content as text */
    char *author;         /* "" if none */
} vg_feed_item;

typedef VG_VEC(vg_feed_item) vg_feed_items;

typedef struct vg_feed {
    char kind[8];         /* "rss", "rdf", "atom" */
    char *title, *link;   /* of the feed ("" if none) */
    vg_feed_items items;
    size_t dropped;       /* items beyond max_items, not kept */
    char warning[256];    /* a recovered fault ("" if none) */
} vg_feed;

/* Parses a feed document of len bytes; base: the URL it came from (for
 * relative links).  Keeps at most max_items items (0: 10000).  False with
 * a reason in err when it is not a feed (or refused); out is then empty. */
bool vg_feed_parse(const char *data, size_t len, const char *base, size_t max_items,
                   vg_feed *out, char *err, size_t errsz);
void vg_feed_free(vg_feed *f);

/* A date as feeds write it: RFC 822/1123 ("Fri, 29 Sep 2023 23:30:00
 * -0500", zone names GMT, UT, EST...) or ISO 8601 ("2023-09-29T23:30:00Z",
 * "2023-09-29").  *date: the day as written; *epoch: UTC seconds. */
bool vg_feed_date(const char *s, int32_t *date, int64_t *epoch);

/* The dedup key of a link (see above) into out; "" for an empty link. */
void vg_feed_link_key(const char *link, vg_buf *out);
/* 32 hex digits of SHA-256 over the title and text, letters folded to
 * lower case and runs of space to one. */
void vg_feed_digest(const char *title, const char *text, char out[33]);

/* --------------------------------------------------------- feed_html.c */

/* The text of an HTML fragment (an RSS description): tags dropped, block
 * elements and <br> as line breaks, entities decoded, spaces folded,
 * scripts and styles left out; appended to out as valid UTF-8. */
void vg_html_text(const char *html, size_t len, vg_buf *out);

/* What the main-text finder saw. */
typedef struct vg_html_main {
    size_t blocks;        /* text blocks scored */
    size_t chars;         /* characters of main text */
    double link_density;  /* of the container chosen */
    bool fallback;        /* no container stood out: every good paragraph */
} vg_html_main;

/* The main text of a web page (the article, without menus, sidebars,
 * comments and footers): paragraphs are scored by their length, commas
 * and link density, scores flow to their containers, and the best
 * container's paragraphs (and its siblings' that score well) are kept,
 * one per line.  docs/monitor.md says how well it does.  False (out
 * unchanged) when the page has no text to speak of. */
bool vg_html_main_text(const char *html, size_t len, vg_buf *out, vg_html_main *info);

#endif
