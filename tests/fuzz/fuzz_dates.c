/* fuzz_dates.c -- time expressions in a sentence resolved against an
 * article date: the first 4 bytes give the article date and the verb's
 * offset, the rest is the sentence (repaired to UTF-8, as the pipeline
 * does).  Spans must lie in the sentence and resolved dates must exist.
 * Calls: vg_utf8_repair, vg_date_expr_find, vg_date_expr_resolve, vg_ymd_valid,
 * vg_ymd_format, vg_ymd_add_days, vg_ymd_weekday. */
#include "fuzz.h"
#include "post.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    vg_ymd art = { 1900 + data[0] % 200, 1 + data[1] % 12, 1 };
    art.d = 1 + data[2] % vg_date_days_in_month(art.y, art.m);
    vg_buf s = {0};
    vg_utf8_repair((const char *)data + 4, size - 4, &s);
    const char *sent = s.s ? s.s : "";
    size_t verb = data[3] == 255 ? SIZE_MAX : (size_t)data[3] * 4;
    if (verb != SIZE_MAX && verb > s.len) verb = s.len;
    vg_date_expr e;
    if (vg_date_expr_find(art, sent, s.len, verb, &e)) {
        FUZZ_CHECK(e.span[0] <= e.span[1] && e.span[1] <= s.len);
        FUZZ_CHECK(e.precision >= VG_DATE_DAY && e.precision <= VG_DATE_YEAR);
        if (e.precision == VG_DATE_DAY || e.precision == VG_DATE_WEEK)
            FUZZ_CHECK(vg_ymd_valid(e.date));
        char buf[16];
        vg_ymd_format(e.date, buf, sizeof buf);
    }
    vg_ymd out;
    size_t span[2];
    if (vg_date_expr_resolve(art, sent, s.len, verb, &out, span))
        FUZZ_CHECK(span[1] <= s.len);
    vg_ymd_weekday(vg_ymd_add_days(art, (long)(int8_t)data[0] * 1000));
    vg_buf_free(&s);
    return 0;
}
