/* fuzz_record_date.c -- the record-date parser (YYMMDD with TABARI's pivot,
 * YYYYMMDD, YYYY-MM-DD) and the calendar parser used for dates in text.
 * A date it accepts must exist: adding zero days gives it back.
 * Calls: vg_date_parse, vg_date_parse_digits, vg_date_add_days,
 * vg_ymd_parse, vg_ymd_valid, vg_ymd_format. */
#include "fuzz.h"
#include "dict.h"
#include "input.h"
#include "match.h"
#include "post.h"

static void check_date(int32_t d)
{
    FUZZ_CHECK(d >= 0 && d % 10000 / 100 >= 1 && d % 10000 / 100 <= 12 && d % 100 >= 1);
    FUZZ_CHECK(vg_date_add_days(d, 0) == d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_text(data, size);
    int32_t d;
    for (int yyyy = 0; yyyy < 2; yyyy++)
        if (vg_date_parse(s, yyyy, &d)) check_date(d);
    if (vg_date_parse_digits(s, size, &d)) check_date(d);
    vg_ymd y;
    if (vg_ymd_parse(s, size, &y) && y.m && y.d) {
        FUZZ_CHECK(vg_ymd_valid(y));
        char buf[16];
        FUZZ_CHECK(vg_ymd_format(y, buf, sizeof buf) == 10);
    }
    free(s);
    return 0;
}
