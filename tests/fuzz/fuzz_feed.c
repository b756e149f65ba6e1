/* fuzz_feed.c -- the monitor's readers of outside documents (feed.h): the
 * input is parsed as a feed (RSS 2.0, RSS 1.0, Atom) with a base URL, and
 * also taken as an HTML page and an HTML fragment.  A feed that parses must
 * give items whose strings are valid UTF-8, whose dates exist, and whose
 * link keys and digests can be made; the page's main text and the
 * fragment's text must be valid UTF-8; every item date re-parses the same.
 * Calls: vg_feed_parse, vg_feed_free, vg_feed_date, vg_feed_link_key,
 * vg_feed_digest, vg_html_text, vg_html_main_text. */
#include "fuzz.h"
#include "feed.h"

static void check_utf8(const char *s)
{
    FUZZ_CHECK(s != NULL);
    size_t n = strlen(s);
    FUZZ_CHECK(vg_utf8_valid_len(s, n) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data;
    vg_feed f;
    memset(&f, 0, sizeof f);
    char err[256];
    if (vg_feed_parse(d, size, "https://example.org/feeds/x.xml", 50, &f, err, sizeof err)) {
        FUZZ_CHECK(f.items.n <= 50);
        check_utf8(f.title);
        check_utf8(f.link);
        vg_buf key = {0};
        for (size_t i = 0; i < f.items.n; i++) {
            const vg_feed_item *it = &f.items.v[i];
            check_utf8(it->title);
            check_utf8(it->link);
            check_utf8(it->guid);
            check_utf8(it->text);
            check_utf8(it->author);
            if (it->date) {
                int y = it->date / 10000, m = it->date / 100 % 100, dd = it->date % 100;
                FUZZ_CHECK(y >= 1 && m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
                int32_t d2 = 0;
                int64_t e2 = 0;
                FUZZ_CHECK(vg_feed_date(it->date_text, &d2, &e2) && d2 == it->date &&
                           e2 == it->epoch);
            }
            key.len = 0;
            vg_feed_link_key(it->link, &key);
            FUZZ_CHECK(vg_utf8_valid_len(key.s ? key.s : "", key.len) == key.len);
            char dg[33];
            vg_feed_digest(it->title, it->text, dg);
            FUZZ_CHECK(strlen(dg) == 32);
        }
        vg_buf_free(&key);
    } else {
        FUZZ_CHECK(f.items.n == 0);
    }
    vg_feed_free(&f);
    /* the same bytes as a page and as a fragment */
    vg_buf out = {0};
    vg_html_main info;
    if (vg_html_main_text(d, size, &out, &info))
        FUZZ_CHECK(vg_utf8_valid_len(out.s ? out.s : "", out.len) == out.len);
    out.len = 0;
    vg_html_text(d, size, &out);
    FUZZ_CHECK(vg_utf8_valid_len(out.s ? out.s : "", out.len) == out.len);
    vg_buf_free(&out);
    return 0;
}
