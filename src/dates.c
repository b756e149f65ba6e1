/* dates.c -- time expressions (see post.h and
 * docs/places.md for the rules chosen for ambiguous expressions). */
#include "post.h"
#include "text.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- clause distance ---- */

#define DIST_SCAN 2048      /* bytes inspected for boundaries per call */

static size_t boundary_penalty(const unsigned char *s, size_t len, size_t i)
{
    switch (s[i]) {
    case ',': return 15;
    case ';': return 80;
    case ':': case '(': case ')': case '[': case ']': return 40;
    case '\n': return 60;
    case '.': case '?': case '!':
        return (i + 1 >= len || vg_isspace(s[i + 1]) || s[i + 1] == '"') ? 200 : 0;
    case 0xE2:   /* en and em dashes */
        return i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] == 0x93 || s[i + 2] == 0x94)
               ? 40 : 0;
    default: return 0;
    }
}

/* Words that open a new clause ("police said that gunmen ..."). */
static size_t clause_word(const unsigned char *s, size_t len, size_t i)
{
    static const char *const w[] = { "that", "which", "who", "whom", "where", "when",
        "while", "after", "before", "because", "said", "says", "but", "although", NULL };
    static const unsigned char wl[] = { 4, 5, 3, 4, 5, 4, 5, 5, 6, 7, 4, 4, 3, 8 };
    if ((i > 0 && vg_isalnum(s[i - 1])) || !vg_isalpha(s[i])) return 0;
    switch (s[i] | 32) {               /* the first letters of w: most words stop here */
    case 't': case 'w': case 'a': case 'b': case 's': break;
    default: return 0;
    }
    for (int k = 0; w[k]; k++) {
        size_t l = wl[k], j = 0;
        while (j < l && i + j < len && (s[i + j] | 32) == w[k][j]) j++;
        if (j == l && (i + l >= len || !vg_isalnum(s[i + l]))) return 40;
    }
    return 0;
}

size_t vg_post_distance(const char *sent, size_t len, size_t a, size_t b, size_t verb_off)
{
    if (verb_off == SIZE_MAX) return a;
    if (verb_off >= a && verb_off < b) return 0;
    size_t lo = verb_off < a ? verb_off : b, hi = verb_off < a ? a : verb_off;
    if (hi > len) hi = len;
    if (lo > hi) lo = hi;
    size_t d = hi - lo;
    if (d > DIST_SCAN) return d + 1000;   /* far away: not worth the scan */
    const unsigned char *s = (const unsigned char *)sent;
    for (size_t i = lo; i < hi; i++) d += boundary_penalty(s, len, i) + clause_word(s, len, i);
    return d;
}

size_t vg_post_window(size_t len, size_t *verb_off, size_t *wlen)
{
    size_t base = 0;
    if (len > VG_POST_WINDOW) {
        if (*verb_off != SIZE_MAX && *verb_off < len && *verb_off > VG_POST_WINDOW / 2)
            base = *verb_off - VG_POST_WINDOW / 2;
        if (base > len - VG_POST_WINDOW) base = len - VG_POST_WINDOW;
        len = VG_POST_WINDOW;
    }
    if (*verb_off != SIZE_MAX) *verb_off = *verb_off >= base ? *verb_off - base : SIZE_MAX;
    *wlen = len;
    return base;
}

/* ---- words ---- */

typedef struct dctx {
    const char *s;
    size_t len;
    const vg_tokens *tk;
    vg_ymd art;
    int aw;              /* weekday of the article date */
} dctx;

static const char *const weekdays[7] = {
    "SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"
};
static const char *const months[12] = {
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
    "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"
};
static const char *const month_abbr[12] = {
    "JAN", "FEB", "MAR", "APR", "", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
};

static const vg_token *tok(const dctx *c, size_t i)
{
    return i < c->tk->t.n ? &c->tk->t.v[i] : NULL;
}

static bool is_w(const dctx *c, size_t i, const char *w)
{
    const vg_token *t = tok(c, i);
    if (!t || t->kind != VG_TK_WORD) return false;
    const char *n = vg_tok_norm(c->tk, i);
    return n[0] == w[0] && strcmp(n, w) == 0;     /* most words differ at once */
}

static bool is_any(const dctx *c, size_t i, const char *const *ws)
{
    for (; *ws; ws++)
        if (is_w(c, i, *ws)) return true;
    return false;
}

static int weekday_at(const dctx *c, size_t i)
{
    const vg_token *t = tok(c, i);
    if (!t || t->kind != VG_TK_WORD) return -1;
    const char *n = vg_tok_norm(c->tk, i);
    size_t l = strlen(n);
    if (l > 2 && !strcmp(n + l - 2, "'S")) l -= 2;      /* possessive: "Sunday's attack" */
    if (l < 6 || memcmp(n + l - 3, "DAY", 3)) return -1;
    for (int k = 0; k < 7; k++)
        if (strlen(weekdays[k]) == l && !memcmp(n, weekdays[k], l)) return k;
    return -1;
}

/* Month number at token i (1-12) or 0.  "May", "March" and abbreviations
 * must be capitalised; *abbr tells an abbreviation (needs a number next). */
static int month_at(const dctx *c, size_t i, bool *abbr)
{
    const vg_token *t = tok(c, i);
    if (!t || t->kind != VG_TK_WORD) return 0;
    if (!strchr("JFMASOND", vg_tok_norm(c->tk, i)[0])) return 0;  /* no month's first letter */
    bool cap = (t->flags & VG_TF_CAP) != 0;
    for (int k = 0; k < 12; k++) {
        if (is_w(c, i, months[k])) {
            if ((k == 2 || k == 4) && !cap) return 0;
            *abbr = false;
            return k + 1;
        }
        if (month_abbr[k][0] && cap && (is_w(c, i, month_abbr[k]) ||
                                        (k == 8 && is_w(c, i, "SEPT")))) {
            *abbr = true;
            return k + 1;
        }
    }
    return 0;
}

/* Number at token i: digits, optionally an ordinal suffix.  -1 if none. */
static int number_at(const dctx *c, size_t i, bool *ordinal, size_t *ndigits)
{
    const vg_token *t = tok(c, i);
    *ordinal = false;
    if (!t || t->kind != VG_TK_NUM) return -1;
    const char *n = vg_tok_norm(c->tk, i);
    int v = 0;
    size_t k = 0;
    for (; vg_isdigit((unsigned char)n[k]); k++) {
        if (k >= 5) return -1;
        v = v * 10 + (n[k] - '0');
    }
    *ordinal = false;
    if (ndigits) *ndigits = k;
    if (!n[k]) return v;
    if (!strcmp(n + k, "ST") || !strcmp(n + k, "ND") || !strcmp(n + k, "RD") ||
        !strcmp(n + k, "TH")) {
        *ordinal = true;
        return v;
    }
    return -1;
}

static int numword_at(const dctx *c, size_t i)
{
    static const char *const w[] = { "A", "AN", "ONE", "TWO", "THREE", "FOUR", "FIVE",
        "SIX", "SEVEN", "EIGHT", "NINE", "TEN", "ELEVEN", "TWELVE", NULL };
    static const int v[] = { 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    for (int k = 0; w[k]; k++)
        if (is_w(c, i, w[k])) return v[k];
    bool ord;
    int n = number_at(c, i, &ord, NULL);
    return !ord && n > 0 && n < 10000 ? n : -1;
}

static bool year_at(const dctx *c, size_t i, int *y)
{
    bool ord;
    size_t nd;
    int v = number_at(c, i, &ord, &nd);
    if (v < 1800 || v > 2100 || ord || nd != 4 || tok(c, i)->len != 4) return false;
    *y = v;
    return true;
}

/* Is there a future marker in the clause before token i? */
static bool future_before(const dctx *c, size_t i)
{
    static const char *const fut[] = { "WILL", "SHALL", "DUE", "SCHEDULED", "PLANS",
        "PLAN", "PLANNED", "EXPECTED", "UPCOMING", "WON'T", NULL };
    for (size_t k = 0; k < 10 && k < i; k++) {
        size_t j = i - 1 - k;
        const vg_token *t = tok(c, j);
        if (t->kind == VG_TK_QUOTE) break;
        if (is_any(c, j, fut)) return true;
        const char *n = vg_tok_norm(c->tk, j);
        size_t nl = strlen(n);
        if (t->kind == VG_TK_WORD && nl > 3 && !strcmp(n + nl - 3, "'LL")) return true;
    }
    return false;
}

/* ---- expressions ---- */

typedef struct dmatch {
    size_t t0, t1;          /* tokens [t0, t1) */
    vg_date_expr e;
} dmatch;

static vg_ymd add(const dctx *c, long n) { return vg_ymd_add_days(c->art, n); }

static void set_day(dmatch *m, vg_ymd d, const dctx *c, bool relative)
{
    m->e.date = d;
    m->e.precision = VG_DATE_DAY;
    m->e.relative = relative;
    m->e.future = vg_ymd_cmp(d, c->art) > 0;
}

static void set_week(dmatch *m, const dctx *c, long weeks)
{
    vg_ymd d = add(c, -(long)((c->aw + 6) % 7) + 7 * weeks);
    m->e.date = d;
    m->e.precision = VG_DATE_WEEK;
    m->e.relative = true;
    m->e.future = weeks > 0;
}

static void set_month(dmatch *m, int y, int mo, bool relative, const dctx *c)
{
    m->e.date = (vg_ymd){ y, mo, 0 };
    m->e.precision = VG_DATE_MONTH;
    m->e.relative = relative;
    m->e.future = y > c->art.y || (y == c->art.y && mo > c->art.m);
}

static void set_year(dmatch *m, int y, bool relative, const dctx *c)
{
    m->e.date = (vg_ymd){ y, 0, 0 };
    m->e.precision = VG_DATE_YEAR;
    m->e.relative = relative;
    m->e.future = y > c->art.y;
}

/* Extends a match over a following part of the day ("Sunday night"). */
static size_t part_of_day(const dctx *c, size_t i)
{
    static const char *const parts[] = { "MORNING", "AFTERNOON", "EVENING", "NIGHT",
        "NIGHTS", "MORNINGS", NULL };
    return is_any(c, i, parts) ? i + 1 : i;
}

/* yesterday, today, tonight, tomorrow, this morning, last night, ... */
static bool m_day_word(const dctx *c, size_t i, dmatch *m)
{
    long off;
    size_t j = i + 1;
    if (is_w(c, i, "YESTERDAY")) off = -1;
    else if (is_w(c, i, "TODAY") || is_w(c, i, "TONIGHT")) off = 0;
    else if (is_w(c, i, "TOMORROW")) off = 1;
    else if (is_w(c, i, "THIS") && part_of_day(c, i + 1) > i + 1) off = 0;
    else if (is_w(c, i, "LAST") && (is_w(c, i + 1, "NIGHT") || is_w(c, i + 1, "EVENING")))
        off = -1;
    else if (is_w(c, i, "DAY") && is_w(c, i + 1, "BEFORE") && is_w(c, i + 2, "YESTERDAY"))
        off = -2, j = i + 3;
    else if (is_w(c, i, "DAY") && is_w(c, i + 1, "AFTER") && is_w(c, i + 2, "TOMORROW"))
        off = 2, j = i + 3;
    else return false;
    if (is_w(c, i, "THIS") || is_w(c, i, "LAST")) j = i + 2;
    m->t0 = i;
    m->t1 = part_of_day(c, j);
    set_day(m, add(c, off), c, true);
    return true;
}

/* "Sunday Times", "Bloody Sunday", "Good Friday": a weekday in a name. */
static bool weekday_in_name(const dctx *c, size_t i)
{
    static const char *const lead[] = { "ON", "LAST", "NEXT", "THIS", "SINCE", "BY",
        "UNTIL", "TILL", "EARLY", "LATE", "PAST", "COMING", "PREVIOUS", NULL };
    static const char *const names[] = { "GOOD", "BLACK", "BLOODY", "EASTER", "PALM",
        "ASH", "HOLY", "SUPER", "CYBER", "MAUNDY", "WHIT", "SHROVE", "GREAT", "MANIC",
        "FREEDOM", NULL };
    if (c->tk->allcaps) return false;
    if (i > 0) {
        const vg_token *pv = tok(c, i - 1);
        if ((pv->flags & VG_TF_CAP) && is_any(c, i - 1, names)) return true;
        if (is_any(c, i - 1, lead)) return false;
    }
    const vg_token *nx = tok(c, i + 1);
    bool ab;
    return nx && nx->kind == VG_TK_WORD && (nx->flags & VG_TF_CAP) && !month_at(c, i + 1, &ab);
}

static bool m_explicit(const dctx *c, size_t i, dmatch *m);

/* [last|next|this|on|...] WEEKDAY [morning|...], or a weekday before a date. */
static bool m_weekday(const dctx *c, size_t i, dmatch *m)
{
    int mod = 0;                   /* -1 last, +1 next, 2 this/coming */
    size_t w = i;
    if (is_w(c, i, "LAST") || is_w(c, i, "PAST") || is_w(c, i, "PREVIOUS")) mod = -1, w++;
    else if (is_w(c, i, "NEXT")) mod = 1, w++;
    else if (is_w(c, i, "THIS") || is_w(c, i, "COMING")) mod = 2, w++;
    int wd = weekday_at(c, w);
    if (wd < 0 || weekday_in_name(c, w)) return false;
    size_t j = w + 1;
    if (tok(c, j) && tok(c, j)->kind == VG_TK_COMMA) j++;
    dmatch dm;
    if (m_explicit(c, j, &dm) && dm.e.precision == VG_DATE_DAY) {
        *m = dm;
        m->t0 = i;
        return true;
    }
    bool fut = mod == 1 || (mod != -1 && future_before(c, i));
    long delta;
    if (fut) {
        delta = (wd - c->aw + 7) % 7;
        if (delta == 0 && mod == 1) delta = 7;
    } else {
        delta = -(long)((c->aw - wd + 7) % 7);
        if (delta == 0 && mod == -1) delta = -7;
    }
    m->t0 = i;
    m->t1 = part_of_day(c, w + 1);
    set_day(m, add(c, delta), c, true);
    return true;
}

/* weekend: Saturday of the weekend meant. */
static vg_ymd weekend(const dctx *c, int mod, bool fut)
{
    long back = c->aw == 6 ? 0 : c->aw + 1;       /* to the last Saturday <= article */
    if (mod == -1) return add(c, c->aw == 6 || c->aw == 0 ? -back - 7 : -back);
    if (mod == 1) return add(c, 7 - back);
    if (fut) return add(c, c->aw == 0 ? -1 : (6 - c->aw));
    return add(c, -back);
}

/* this/last/next week, earlier this week, the weekend, last month, this year. */
static bool m_period(const dctx *c, size_t i, dmatch *m)
{
    int mod;
    size_t j = i;
    if (is_w(c, i, "EARLIER") || is_w(c, i, "LATER")) {
        if (!is_w(c, i + 1, "THIS")) return false;
        mod = 0, j = i + 2;
    } else if (is_w(c, i, "LAST") || is_w(c, i, "PAST") || is_w(c, i, "PREVIOUS"))
        mod = -1, j = i + 1;
    else if (is_w(c, i, "NEXT") || is_w(c, i, "COMING")) mod = 1, j = i + 1;
    else if (is_w(c, i, "THIS")) mod = 0, j = i + 1;
    else if (is_w(c, i, "THE") && is_w(c, i + 1, "WEEKEND")) mod = 0, j = i + 1;
    else return false;
    m->t0 = i;
    m->t1 = j + 1;
    if (is_w(c, j, "WEEK")) {
        if (is_w(c, i, "PAST")) return false;       /* "the past week": a span */
        set_week(m, c, mod);
    } else if (is_w(c, j, "WEEKEND")) {
        bool fut = mod == 0 && future_before(c, i);
        set_day(m, weekend(c, mod, fut), c, true);
    } else if (is_w(c, j, "MONTH")) {
        if (is_w(c, i, "PAST")) return false;
        vg_ymd d = vg_ymd_add_months((vg_ymd){ c->art.y, c->art.m, 1 }, mod);
        set_month(m, d.y, d.m, true, c);
    } else if (is_w(c, j, "YEAR")) {
        if (is_w(c, i, "PAST")) return false;
        set_year(m, c->art.y + mod, true, c);
    } else return false;
    return true;
}

/* N days/weeks/months/years ago. */
static bool m_ago(const dctx *c, size_t i, dmatch *m)
{
    int n = numword_at(c, i);
    if (n < 0 || !is_w(c, i + 2, "AGO")) return false;
    m->t0 = i;
    m->t1 = i + 3;
    if (is_w(c, i + 1, "DAY") || is_w(c, i + 1, "DAYS")) set_day(m, add(c, -n), c, true);
    else if (is_w(c, i + 1, "WEEK") || is_w(c, i + 1, "WEEKS"))
        set_day(m, add(c, -7L * n), c, true);
    else if (is_w(c, i + 1, "MONTH") || is_w(c, i + 1, "MONTHS")) {
        vg_ymd d = vg_ymd_add_months((vg_ymd){ c->art.y, c->art.m, 1 }, -n);
        set_month(m, d.y, d.m, true, c);
    } else if (is_w(c, i + 1, "YEAR") || is_w(c, i + 1, "YEARS"))
        set_year(m, c->art.y - n, true, c);
    else return false;
    return true;
}

/* The year of a day-month without a year: the latest one not after the
 * article date, or the next one when the clause speaks of the future. */
static int infer_year(const dctx *c, int mo, int day, size_t t0)
{
    vg_ymd d = { c->art.y, mo, day };
    bool fut = future_before(c, t0);
    if (!fut && vg_ymd_cmp(d, c->art) > 0) d.y--;
    if (fut && vg_ymd_cmp(d, c->art) < 0) d.y++;
    return d.y;
}

static bool day_month(const dctx *c, dmatch *m, size_t t0, size_t t1, int y, int mo,
                      int day, bool has_year)
{
    if (!has_year) y = infer_year(c, mo, day, t0);
    vg_ymd d = { y, mo, day };
    if (!vg_ymd_valid(d)) return false;
    m->t0 = t0;
    m->t1 = t1;
    set_day(m, d, c, false);
    return true;
}

/* Optional ", YEAR" / "YEAR" at token j. */
static size_t opt_year(const dctx *c, size_t j, int *y, bool *has)
{
    size_t k = j;
    if (tok(c, k) && tok(c, k)->kind == VG_TK_COMMA) k++;
    *has = year_at(c, k, y);
    return *has ? k + 1 : j;
}

static bool sep_is(const dctx *c, size_t a, size_t b, char ch)
{
    const vg_token *ta = tok(c, a), *tb = tok(c, b);
    return ta && tb && ta->off + ta->len + 1 == tb->off && c->s[tb->off - 1] == ch;
}

/* 2023-09-24 */
static bool m_iso(const dctx *c, size_t i, dmatch *m)
{
    bool o;
    size_t n0, n1, n2;
    int y = number_at(c, i, &o, &n0), mo = number_at(c, i + 1, &o, &n1),
        d = number_at(c, i + 2, &o, &n2);
    if (y < 0 || mo < 0 || d < 0 || n0 != 4 || n1 != 2 || n2 != 2) return false;
    if (!sep_is(c, i, i + 1, '-') || !sep_is(c, i + 1, i + 2, '-')) return false;
    return day_month(c, m, i, i + 3, y, mo, d, true);
}

/* MONTH DAY[, YEAR] | DAY [of] MONTH [YEAR] | MONTH YEAR | on the DAYth */
static bool m_explicit(const dctx *c, size_t i, dmatch *m)
{
    bool ab, ord, has;
    int y = 0, mo = month_at(c, i, &ab), day;
    if (mo) {
        day = number_at(c, i + 1, &ord, NULL);
        if (day >= 1 && day <= 31 && !year_at(c, i + 1, &y)) {
            size_t e = opt_year(c, i + 2, &y, &has);
            return day_month(c, m, i, e, y, mo, day, has);
        }
        if (year_at(c, i + 1, &y)) {
            m->t0 = i, m->t1 = i + 2;
            set_month(m, y, mo, false, c);
            return true;
        }
        return false;
    }
    day = number_at(c, i, &ord, NULL);
    if (day >= 1 && day <= 31) {
        size_t j = is_w(c, i + 1, "OF") ? i + 2 : i + 1;
        if ((mo = month_at(c, j, &ab))) {
            size_t e = opt_year(c, j + 1, &y, &has);
            return day_month(c, m, i, e, y, mo, day, has);
        }
        return false;
    }
    if (is_w(c, i, "THE") && i > 0 && is_w(c, i - 1, "ON")) {
        day = number_at(c, i + 1, &ord, NULL);
        const vg_token *nx = tok(c, i + 2);
        static const char *const nouns[] = { "ANNIVERSARY", "TIME", "FLOOR", "ROUND",
            "CENTURY", "BIRTHDAY", "DAY", "STREET", "STOREY", "AMENDMENT", "PLACE", "MINUTE",
            "HOUR", "YEAR", "ANNUAL", NULL };
        bool noun = nx && nx->kind == VG_TK_WORD &&
                    ((nx->flags & VG_TF_CAP) || is_any(c, i + 2, nouns));
        if (ord && day >= 1 && day <= 31 && !noun) {
            vg_ymd d = { c->art.y, c->art.m, day };
            if (day > c->art.d) d = vg_ymd_add_months((vg_ymd){ d.y, d.m, 1 }, -1), d.d = day;
            if (!vg_ymd_valid(d)) return false;
            m->t0 = i + 1, m->t1 = i + 2;
            set_day(m, d, c, true);
            return true;
        }
    }
    return false;
}

/* in|during|since|early|late|mid ... MONTH or YEAR (month or year precision). */
static bool m_in_period(const dctx *c, size_t i, dmatch *m)
{
    static const char *const preps[] = { "IN", "DURING", "SINCE", "UNTIL", "BY", "OF",
        "FROM", "THROUGHOUT", NULL };
    static const char *const mods[] = { "EARLY", "LATE", "MID", NULL };
    size_t j = i;
    bool lead = is_any(c, i, preps);
    if (lead) j++;
    bool mod = is_any(c, j, mods);
    if (mod) j++;
    if (!lead && !mod) return false;
    bool ab;
    int y, mo = month_at(c, j, &ab);
    m->t0 = mod ? j - 1 : j;
    m->t1 = j + 1;
    if (mo && year_at(c, j + 1, &y)) {
        m->t1 = j + 2;
        set_month(m, y, mo, false, c);
        return true;
    }
    if (mo && !ab) {
        bool fut = future_before(c, i);
        int yy = c->art.y;
        if (!fut && mo > c->art.m) yy--;
        if (fut && mo < c->art.m) yy++;
        set_month(m, yy, mo, false, c);
        return true;
    }
    if (year_at(c, j, &y)) {
        set_year(m, y, false, c);
        return true;
    }
    return false;
}

typedef bool (*matcher)(const dctx *, size_t, dmatch *);

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

/* Can an expression start at token i?  Every matcher below first tests
 * token i for a number or for one of these words (or a weekday, a word
 * ending in DAY), so a token that is neither starts none: most of a
 * sentence's tokens are turned away here for the price of one binary
 * search.  Sorted, for bsearch; a superset of what the matchers accept
 * is harmless, a word missing here would lose its expressions. */
static bool may_start(const dctx *c, size_t i)
{
    static const char *const words[] = {
        "A", "AN", "APR", "APRIL", "AUG", "AUGUST", "BY", "COMING", "DEC", "DECEMBER",
        "DURING", "EARLIER", "EARLY", "EIGHT", "ELEVEN", "FEB", "FEBRUARY", "FIVE", "FOUR",
        "FROM", "IN", "JAN", "JANUARY", "JUL", "JULY", "JUN", "JUNE", "LAST", "LATE",
        "LATER", "MAR", "MARCH", "MAY", "MID", "NEXT", "NINE", "NOV", "NOVEMBER", "OCT",
        "OCTOBER", "OF", "ONE", "PAST", "PREVIOUS", "SEP", "SEPT", "SEPTEMBER", "SEVEN",
        "SINCE", "SIX", "TEN", "THE", "THIS", "THREE", "THROUGHOUT", "TOMORROW",
        "TONIGHT", "TWELVE", "TWO", "UNTIL"
    };
    const vg_token *t = &c->tk->t.v[i];
    if (t->kind == VG_TK_NUM) return true;
    if (t->kind != VG_TK_WORD) return false;
    const char *n = vg_tok_norm(c->tk, i);
    size_t l = strlen(n);
    if (l > 2 && !strcmp(n + l - 2, "'S")) l -= 2;    /* "Sunday's" */
    if (l >= 3 && !memcmp(n + l - 3, "DAY", 3)) return true;   /* weekdays, TODAY, ... */
    return bsearch(n, words, sizeof words / sizeof *words, sizeof *words, cmp_word) != NULL;
}

static bool match_at(const dctx *c, size_t i, dmatch *m)
{
    if (!may_start(c, i)) return false;
    static const matcher ms[] = { m_iso, m_day_word, m_weekday, m_period, m_ago,
                                  m_explicit, m_in_period };
    for (size_t k = 0; k < sizeof ms / sizeof *ms; k++) {
        memset(m, 0, sizeof *m);
        if (ms[k](c, i, m)) return true;
    }
    return false;
}

static void match_span(const dctx *c, dmatch *m)
{
    const vg_token *a = tok(c, m->t0), *b = tok(c, m->t1 - 1);
    m->e.span[0] = a->off;
    m->e.span[1] = b->off + b->len;
}

void vg_post_text_init(vg_post_text *pt, const char *sent, size_t len, size_t verb_off)
{
    if (!sent) sent = "", len = 0;
    pt->base = vg_post_window(len, &verb_off, &pt->len);
    pt->s = sent + pt->base;
    pt->verb_off = verb_off;
    vg_tokens_clear(&pt->tk);
    if (pt->len) vg_text_tokenize(pt->s, pt->len, &pt->tk);
}

void vg_post_text_free(vg_post_text *pt) { vg_tokens_free(&pt->tk); }

bool vg_date_expr_find_in(vg_ymd article, const vg_post_text *pt, vg_date_expr *out)
{
    memset(out, 0, sizeof *out);
    out->date = article;
    if (!pt->len || !vg_ymd_valid(article)) return false;
    dctx c = { pt->s, pt->len, &pt->tk, article, vg_ymd_weekday(article) };
    bool found = false;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < pt->tk.t.n;) {
        dmatch m;
        if (!match_at(&c, i, &m)) { i++; continue; }
        match_span(&c, &m);
        size_t d = vg_post_distance(pt->s, pt->len, m.e.span[0], m.e.span[1], pt->verb_off);
        if (!found || d < best) {
            *out = m.e;
            best = d;
            found = true;
        }
        i = m.t1 > i ? m.t1 : i + 1;
    }
    out->span[0] += pt->base;
    out->span[1] += pt->base;
    return found;
}

bool vg_date_expr_find(vg_ymd article, const char *sent, size_t len, size_t verb_off,
                  vg_date_expr *out)
{
    vg_post_text pt = { 0 };
    vg_post_text_init(&pt, sent, len, verb_off);
    bool found = vg_date_expr_find_in(article, &pt, out);
    vg_post_text_free(&pt);
    return found;
}

bool vg_date_expr_resolve(vg_ymd article, const char *sent, size_t len, size_t verb_off,
                     vg_ymd *out, size_t span[2])
{
    vg_date_expr e;
    bool ok = vg_date_expr_find(article, sent, len, verb_off, &e);
    *out = e.date;
    if (span) {
        span[0] = e.span[0];
        span[1] = e.span[1];
    }
    return ok;
}
