/* test_feed.c -- feeds (RSS 2.0, RSS 1.0, Atom), their dates, link keys and
 * digests, refused entities, malformed and large feeds; HTML text and the
 * main text of the pages in tests/fixtures/monitor/pages (scored against
 * their hand-written main text); the fetcher on file:// URLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "feed.h"
#include "fetch.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static vg_feed parse_ok(const char *doc)
{
    vg_feed f;
    char err[256] = "";
    bool ok = vg_feed_parse(doc, strlen(doc), "https://example.org/feed/rss.xml", 0, &f, err,
                            sizeof err);
    if (!ok) fprintf(stderr, "parse failed: %s\n", err);
    assert_true(ok);
    return f;
}

static void test_rss2(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
        "<title>Example Wire</title><link>https://example.org/</link>"
        "<item><title>Serbia &amp; Kosovo talk</title><link>/news/1?utm_source=rss</link>"
        "<description>&lt;p&gt;Serbia and &lt;b&gt;Kosovo&lt;/b&gt; met.&lt;/p&gt;&lt;p&gt;They "
        "agreed.&lt;/p&gt;</description>"
        "<pubDate>Fri, 29 Sep 2023 23:30:00 -0500</pubDate><guid>tag:1</guid></item>"
        "<item><title>Second</title><guid isPermaLink=\"true\">https://example.org/2</guid>"
        "<description><![CDATA[Plain <i>CDATA</i> text]]></description>"
        "<content:encoded><![CDATA[<p>The full text of the second story.</p>]]></content:encoded>"
        "<dc:date>2023-10-01T08:00:00+02:00</dc:date></item>"
        "<item><title>Undated</title><link>https://example.org/3</link></item>"
        "</channel></rss>";
    vg_feed f = parse_ok(doc);
    assert_string_equal(f.kind, "rss");
    assert_string_equal(f.title, "Example Wire");
    assert_int_equal(f.items.n, 3);
    vg_feed_item *a = &f.items.v[0];
    assert_string_equal(a->title, "Serbia & Kosovo talk");
    assert_string_equal(a->link, "https://example.org/news/1?utm_source=rss");
    assert_string_equal(a->text, "Serbia and Kosovo met.\nThey agreed.");
    assert_int_equal(a->date, 20230929);                 /* the day as written, not UTC's */
    assert_int_equal(a->epoch, 1696048200);              /* 2023-09-30T04:30:00Z */
    vg_feed_item *b = &f.items.v[1];
    assert_string_equal(b->link, "https://example.org/2");   /* a permalink guid */
    assert_string_equal(b->text, "The full text of the second story.");
    assert_int_equal(b->date, 20231001);
    assert_int_equal(f.items.v[2].date, 0);
    vg_feed_free(&f);
}

static void test_atom_rdf(void **state)
{
    (void)state;
    const char *atom =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"text\">A</title>"
        "<entry><title type=\"html\">NATO &lt;em&gt;deploys&lt;/em&gt;</title>"
        "<link rel=\"self\" href=\"https://x.org/self\"/><link href=\"https://x.org/e1\"/>"
        "<id>urn:1</id><updated>2023-09-30T10:00:00Z</updated>"
        "<published>2023-09-29T10:00:00Z</published>"
        "<summary>Short.</summary>"
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>NATO sent "
        "troops.</p><p>More came.</p></div></content></entry></feed>";
    vg_feed f = parse_ok(atom);
    assert_string_equal(f.kind, "atom");
    assert_int_equal(f.items.n, 1);
    assert_string_equal(f.items.v[0].title, "NATO deploys");
    assert_string_equal(f.items.v[0].link, "https://x.org/e1");
    assert_string_equal(f.items.v[0].guid, "urn:1");
    assert_int_equal(f.items.v[0].date, 20230929);       /* published before updated */
    assert_string_equal(f.items.v[0].text, "NATO sent troops.\nMore came.");
    vg_feed_free(&f);
    const char *rdf =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel rdf:about=\"x\"><title>R</title></channel>"
        "<item rdf:about=\"https://r.org/1\"><title>One</title><link>https://r.org/1</link>"
        "<dc:date>2023-09-28</dc:date><description>Text one.</description></item></rdf:RDF>";
    f = parse_ok(rdf);
    assert_string_equal(f.kind, "rdf");
    assert_int_equal(f.items.n, 1);
    assert_int_equal(f.items.v[0].date, 20230928);
    assert_string_equal(f.items.v[0].guid, "https://r.org/1");
    vg_feed_free(&f);
}

static void test_refused_and_malformed(void **state)
{
    (void)state;
    char err[256];
    vg_feed f;
    /* the billion laughs: refused before anything expands */
    vg_buf bomb = { 0 };
    vg_buf_puts(&bomb, "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 9; i++) {
        vg_buf_printf(&bomb, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++) vg_buf_printf(&bomb, "&lol%d;", i - 1);
        vg_buf_puts(&bomb, "\">");
    }
    vg_buf_puts(&bomb, "]><rss><channel><item><title>&lol9;</title></item></channel></rss>");
    double t0 = vg_now();
    assert_false(vg_feed_parse(bomb.s, bomb.len, "", 0, &f, err, sizeof err));
    assert_non_null(strstr(err, "entities"));
    assert_true(vg_now() - t0 < 1.0);
    vg_buf_free(&bomb);
    /* an HTML page is not a feed */
    const char *page = "<html><body><p>hello</p></body></html>";
    assert_false(vg_feed_parse(page, strlen(page), "", 0, &f, err, sizeof err));
    assert_non_null(strstr(err, "not a feed"));
    const char *junk = "\x01\x02 not xml at all";
    assert_false(vg_feed_parse(junk, strlen(junk), "", 0, &f, err, sizeof err));
    /* truncated: the items before the fault are kept, with a warning */
    const char *cut = "<rss><channel><item><title>A</title><link>https://a/1</link>"
                      "<pubDate>2023-09-01</pubDate></item><item><title>B</title><link>https://a/2"
                      "</link></item><item><title>C";
    assert_true(vg_feed_parse(cut, strlen(cut), "", 0, &f, err, sizeof err));
    assert_true(f.items.n >= 2);
    assert_string_equal(f.items.v[0].title, "A");
    assert_string_not_equal(f.warning, "");
    vg_feed_free(&f);
}

static void test_many_items(void **state)
{
    (void)state;
    vg_buf doc = { 0 };
    vg_buf_puts(&doc, "<rss><channel>");
    for (int i = 0; i < 10000; i++)
        vg_buf_printf(&doc, "<item><title>Item %d</title><link>https://m/%d</link>"
                            "<pubDate>Mon, 02 Oct 2023 10:00:00 GMT</pubDate>"
                            "<description>Story %d.</description></item>", i, i, i);
    vg_buf_puts(&doc, "</channel></rss>");
    vg_feed f;
    char err[256];
    assert_true(vg_feed_parse(doc.s, doc.len, "", 0, &f, err, sizeof err));
    assert_int_equal(f.items.n, 10000);
    assert_string_equal(f.items.v[9999].link, "https://m/9999");
    vg_feed_free(&f);
    assert_true(vg_feed_parse(doc.s, doc.len, "", 100, &f, err, sizeof err));
    assert_int_equal(f.items.n, 100);
    assert_int_equal(f.dropped, 9900);
    vg_feed_free(&f);
    vg_buf_free(&doc);
}

static void test_dates(void **state)
{
    (void)state;
    int32_t d;
    int64_t e;
    assert_true(vg_feed_date("Fri, 29 Sep 2023 23:30:00 GMT", &d, &e));
    assert_int_equal(d, 20230929);
    assert_int_equal(e, 1696030200);
    assert_true(vg_feed_date("29 Sep 2023 23:30 EST", &d, &e));
    assert_int_equal(e, 1696030200 + 5 * 3600);
    assert_true(vg_feed_date("Sat, 30 Sep 23 01:00:00 +0200", &d, &e));
    assert_int_equal(d, 20230930);
    assert_true(vg_feed_date("2023-09-29T23:30:00.123+05:30", &d, &e));
    assert_int_equal(d, 20230929);
    assert_int_equal(e, 1696030200 - 5 * 3600 - 1800);
    assert_true(vg_feed_date("2023-09-29", &d, &e));
    assert_int_equal(d, 20230929);
    assert_true(vg_feed_date("  Tuesday, 3 October 2023 ", &d, &e));
    assert_int_equal(d, 20231003);
    assert_false(vg_feed_date("yesterday", &d, &e));
    assert_false(vg_feed_date("2023-02-30", &d, &e));
    assert_false(vg_feed_date("", &d, &e));
}

static void test_keys(void **state)
{
    (void)state;
    vg_buf k = { 0 };
    vg_feed_link_key(" HTTPS://Example.ORG:443/News/1?utm_source=x&id=5&fbclid=y#top ", &k);
    assert_string_equal(k.s, "https://example.org/News/1?id=5");
    vg_feed_link_key("http://a.org:80?utm_medium=rss", &k);
    assert_string_equal(k.s, "http://a.org/");
    vg_feed_link_key("urn:uuid:1", &k);
    assert_string_equal(k.s, "urn:uuid:1");
    vg_buf_free(&k);
    char a[33], b[33], c[33];
    vg_feed_digest("Serbia  attacks", " Kosovo police\n", a);
    vg_feed_digest("serbia attacks", "KOSOVO POLICE", b);
    vg_feed_digest("serbia attacks", "Kosovo army", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 32);
}

static void test_html_text(void **state)
{
    (void)state;
    vg_buf t = { 0 };
    const char *h = "<p>One &amp; two&nbsp;three.</p><script>var x;</script><div>Four<br>five</div>"
                    "\xff";
    vg_html_text(h, strlen(h), &t);
    assert_non_null(strstr(t.s, "One & two"));
    assert_null(strstr(t.s, "var x"));
    assert_non_null(strstr(t.s, "Four\nfive"));
    vg_buf_free(&t);
}

/* ---- main text, scored on the pages written for it ---- */

typedef VG_VEC(char *) words;

static void split_words(const char *s, words *w)
{
    while (*s) {
        while (*s && !vg_isalnum((unsigned char)*s) && (unsigned char)*s < 0x80) s++;
        const char *b = s;
        while (*s && (vg_isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)) s++;
        if (s > b) vg_vec_push(w, vg_strndup(b, (size_t)(s - b)));
    }
}

/* Word-bag precision and recall of got against gold. */
static void score(const char *got, const char *gold, double *p, double *r)
{
    words g = { 0 }, x = { 0 };
    split_words(got, &x);
    split_words(gold, &g);
    vg_strmap m = { 0 };
    VG_VEC(int) cnt = { 0 };
    for (size_t i = 0; i < g.n; i++) {
        int k = vg_strmap_get(&m, g.v[i]);
        if (k < 0) { k = (int)cnt.n; vg_vec_push(&cnt, 0); vg_strmap_put(&m, g.v[i], k); }
        cnt.v[k]++;
    }
    size_t hit = 0;
    for (size_t i = 0; i < x.n; i++) {
        int k = vg_strmap_get(&m, x.v[i]);
        if (k >= 0 && cnt.v[k] > 0) { cnt.v[k]--; hit++; }
    }
    *p = x.n ? (double)hit / (double)x.n : 0;
    *r = g.n ? (double)hit / (double)g.n : 0;
    for (size_t i = 0; i < g.n; i++) free(g.v[i]);
    for (size_t i = 0; i < x.n; i++) free(x.v[i]);
    vg_vec_free(&g);
    vg_vec_free(&x);
    vg_vec_free(&cnt);
    vg_strmap_free(&m);
}

static const char *const pages[] = { "wire-story", "blog-post", "div-text", "table-layout",
                                     "liveblog", "press-release", "link-heavy", "gallery",
                                     "paywall", "multi-section", "comments-win", "interleaved",
                                     "spans" };

static void test_main_text(void **state)
{
    (void)state;
    double sp = 0, sr = 0, sf = 0;
    size_t n = sizeof pages / sizeof *pages;
    for (size_t i = 0; i < n; i++) {
        char path[256];
        size_t hl, gl;
        snprintf(path, sizeof path, "tests/fixtures/monitor/pages/%s.html", pages[i]);
        char *html = vg_read_file(path, &hl);
        snprintf(path, sizeof path, "tests/fixtures/monitor/pages/%s.txt", pages[i]);
        char *gold = vg_read_file(path, &gl);
        assert_non_null(html);
        assert_non_null(gold);
        vg_buf out = { 0 };
        vg_html_main info;
        vg_html_main_text(html, hl, &out, &info);
        double p, r;
        score(out.s ? out.s : "", gold, &p, &r);
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        printf("# main text %-14s precision %.2f recall %.2f F1 %.2f%s\n", pages[i], p, r, f,
               info.fallback ? " (fallback)" : "");
        sp += p;
        sr += r;
        sf += f;
        vg_buf_free(&out);
        free(html);
        free(gold);
    }
    printf("# main text mean: precision %.2f recall %.2f F1 %.2f over %zu pages\n", sp / n,
           sr / n, sf / n, n);
    assert_true(sf / n >= 0.85);                   /* the floor docs/monitor.md reports */
}

static void test_fetch_file(void **state)
{
    (void)state;
    char path[] = "/tmp/vigil-fetch-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "<rss/>", 6), 6);
    close(fd);
    char url[300], err[128];
    snprintf(url, sizeof url, "file://%s", path);
    vg_fetch *f = vg_fetch_new("test", 2);
    vg_fetch_req r = { .url = url, .tag = (void *)1 };
    assert_true(vg_fetch_add(f, &r, err, sizeof err));
    vg_fetch_res *res = vg_fetch_poll(f, 0);
    assert_non_null(res);
    assert_true(res->ok);
    assert_int_equal(res->status, 200);
    assert_string_equal(res->body.s, "<rss/>");
    char etag[256];
    snprintf(etag, sizeof etag, "%s", res->etag);
    vg_fetch_res_free(res);
    r.etag = etag;                                 /* unchanged: not modified */
    assert_true(vg_fetch_add(f, &r, err, sizeof err));
    res = vg_fetch_poll(f, 0);
    assert_true(res->not_modified);
    vg_fetch_res_free(res);
    r.etag = NULL;
    r.max_bytes = 3;                               /* over the limit */
    assert_true(vg_fetch_add(f, &r, err, sizeof err));
    res = vg_fetch_poll(f, 0);
    assert_false(res->ok);
    assert_true(res->too_big);
    vg_fetch_res_free(res);
    vg_fetch_req bad = { .url = "ftp://x/y" };
    assert_false(vg_fetch_add(f, &bad, err, sizeof err));
    vg_fetch_req missing = { .url = "file:///nonexistent/feed.xml" };
    assert_true(vg_fetch_add(f, &missing, err, sizeof err));
    res = vg_fetch_poll(f, 0);
    assert_false(res->ok);
    assert_non_null(strstr(res->error, "No such file"));
    vg_fetch_res_free(res);
    /* a refused connection fails, within the time given */
    vg_fetch_req refused = { .url = "http://127.0.0.1:1/feed", .timeout_ms = 5000 };
    assert_true(vg_fetch_add(f, &refused, err, sizeof err));
    res = NULL;
    for (int i = 0; i < 100 && !res; i++) res = vg_fetch_poll(f, 100);
    assert_non_null(res);
    assert_false(res->ok);
    vg_fetch_res_free(res);
    vg_fetch_free(f, NULL);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss2),
        cmocka_unit_test(test_atom_rdf),
        cmocka_unit_test(test_refused_and_malformed),
        cmocka_unit_test(test_many_items),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_html_text),
        cmocka_unit_test(test_main_text),
        cmocka_unit_test(test_fetch_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
