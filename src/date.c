/* date.c -- see date.h. */
#include "date.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* ---- vg_ymd ---- */

bool vg_date_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int vg_date_days_in_month(int y, int m)
{
    static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12) return 0;
    return m == 2 && vg_date_is_leap(y) ? 29 : dm[m - 1];
}

bool vg_ymd_valid(vg_ymd d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 &&
           d.d >= 1 && d.d <= vg_date_days_in_month(d.y, d.m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long vg_ymd_days(vg_ymd d)
{
    long y = d.y - (d.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d.m + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

vg_ymd vg_ymd_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    vg_ymd r;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

vg_ymd vg_ymd_add_days(vg_ymd d, long n) { return vg_ymd_from_days(vg_ymd_days(d) + n); }

vg_ymd vg_ymd_add_months(vg_ymd d, int n)
{
    long mi = (long)d.y * 12 + (d.m - 1) + n;
    vg_ymd r = { (int)(mi / 12), (int)(mi % 12) + 1, d.d };
    int dim = vg_date_days_in_month(r.y, r.m);
    if (r.d > dim) r.d = dim;
    return r;
}

int vg_ymd_weekday(vg_ymd d)
{
    long w = (vg_ymd_days(d) + 4) % 7;   /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

int vg_ymd_cmp(vg_ymd a, vg_ymd b)
{
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    if (a.d != b.d) return a.d < b.d ? -1 : 1;
    return 0;
}

static bool parse_digits(const char *s, size_t n, int *v)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!vg_isdigit((unsigned char)s[i])) return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

bool vg_ymd_parse(const char *s, size_t n, vg_ymd *out)
{
    while (n && vg_isspace((unsigned char)*s)) { s++; n--; }
    while (n && vg_isspace((unsigned char)s[n - 1])) n--;
    vg_ymd d = { 0, 0, 0 };
    bool ok;
    if (n == 10 && s[4] == '-' && s[7] == '-')
        ok = parse_digits(s, 4, &d.y) && parse_digits(s + 5, 2, &d.m) &&
             parse_digits(s + 8, 2, &d.d);
    else if (n == 8)
        ok = parse_digits(s, 4, &d.y) && parse_digits(s + 4, 2, &d.m) &&
             parse_digits(s + 6, 2, &d.d);
    else if (n == 6) {
        ok = parse_digits(s, 2, &d.y) && parse_digits(s + 2, 2, &d.m) &&
             parse_digits(s + 4, 2, &d.d);
        d.y += d.y <= 30 ? 2000 : 1900;
    } else
        ok = false;
    if (!ok || !vg_ymd_valid(d)) return false;
    *out = d;
    return true;
}

int vg_ymd_format(vg_ymd d, char *buf, size_t bufsz)
{
    if (d.m == 0) return snprintf(buf, bufsz, "%04d", d.y);
    if (d.d == 0) return snprintf(buf, bufsz, "%04d-%02d", d.y, d.m);
    return snprintf(buf, bufsz, "%04d-%02d-%02d", d.y, d.m, d.d);
}

/* ---- yyyymmdd ---- */

vg_ymd vg_date_ymd(int32_t v) { return (vg_ymd){ v / 10000, v / 100 % 100, v % 100 }; }

int32_t vg_date_of_ymd(vg_ymd d) { return d.y * 10000 + d.m * 100 + d.d; }

long vg_date_days(int32_t v) { return vg_ymd_days(vg_date_ymd(v)); }

int32_t vg_date_of_days(long days) { return vg_date_of_ymd(vg_ymd_from_days(days)); }

int32_t vg_date_add_days(int32_t v, int days) { return vg_date_of_days(vg_date_days(v) + days); }

void vg_date_format(int32_t v, char out[11])
{
    unsigned y = (unsigned)(v / 10000) % 10000u, m = (unsigned)(v / 100) % 100u,
             d = (unsigned)v % 100u;
    /* by hand, not snprintf: every stored mention formats several dates */
    const unsigned f[8] = { y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10 };
    static const unsigned char at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
    for (int k = 0; k < 8; k++) out[at[k]] = (char)('0' + f[k]);
    out[4] = out[7] = '-';
    out[10] = 0;
}

bool vg_date_parse_digits(const char *s, size_t n, int32_t *out)
{
    int v;
    if ((n != 6 && n != 8) || !parse_digits(s, n, &v)) return false;
    if (n == 6) v += v / 10000 <= 30 ? 20000000 : 19000000;
    if (!vg_ymd_valid(vg_date_ymd(v))) return false;
    *out = v;
    return true;
}

bool vg_date_parse(const char *s, bool yyyy, int32_t *out)
{
    while (vg_isspace((unsigned char)*s)) s++;
    if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
        char iso[8] = { s[0], s[1], s[2], s[3], s[5], s[6], s[8], s[9] };
        return vg_date_parse_digits(iso, 8, out);
    }
    size_t want = yyyy ? 8 : 6, k = 0;
    while (k < want && vg_isdigit((unsigned char)s[k])) k++;
    return k == want && vg_date_parse_digits(s, k, out);
}

/* ---- day numbers ---- */

bool vg_day_parse(const char *s, long *day)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !vg_isdigit((unsigned char)s[i])) return false;
    vg_ymd d = { atoi(s), atoi(s + 5), atoi(s + 8) };
    if (!vg_ymd_valid(d)) return false;
    *day = vg_ymd_days(d);
    return true;
}

void vg_day_format(long day, char buf[11])
{
    vg_ymd_format(vg_ymd_from_days(day), buf, 11);
}

/* ---- precision ---- */

static const char *const prec_names[] = { "article", "day", "week", "month", "year" };

const char *vg_date_prec_name(int prec)
{
    return prec >= 0 && prec <= VG_DATE_YEAR ? prec_names[prec] : "article";
}

int vg_date_prec_parse(const char *s)
{
    for (int i = 1; s && i <= VG_DATE_YEAR; i++)
        if (!strcmp(s, prec_names[i])) return i;
    return VG_DATE_NONE;
}
