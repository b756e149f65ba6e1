/* date.h -- calendar dates, in the three forms Vigil carries them:
 *
 *   vg_ymd      { y, m, d }: for parsing, formatting and month arithmetic;
 *   yyyymmdd    an int32_t (20230929): how records, dictionaries, coded
 *               events and the store's rows carry a date (vg_date_*);
 *   day number  a long, days since 1970-01-01: for day arithmetic, series
 *               and the detector (vg_day_*).
 *
 * Proleptic Gregorian calendar, years 1..9999; day numbers by Howard
 * Hinnant's days_from_civil / civil_from_days.  No state: everything here
 * is thread-safe. */
#ifndef VG_DATE_H
#define VG_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- vg_ymd ---- */

/* m == 0 / d == 0 mark a date known only to the year / month (see
 * vg_date_prec). */
typedef struct vg_ymd {
    int y, m, d;
} vg_ymd;

bool vg_date_is_leap(int y);
int vg_date_days_in_month(int y, int m);     /* 0 for an invalid month */
bool vg_ymd_valid(vg_ymd d);                 /* a full, existing date, years 1..9999 */
/* Parses "YYYY-MM-DD", "YYYYMMDD" or TABARI's "YYMMDD" (years 00-30 are
 * 20xx, 31-99 are 19xx).  Surrounding white space is allowed. */
bool vg_ymd_parse(const char *s, size_t n, vg_ymd *out);
/* Writes "YYYY-MM-DD" ("YYYY-MM" when d == 0, "YYYY" when m == 0) into buf;
 * returns the length (snprintf semantics). */
int vg_ymd_format(vg_ymd d, char *buf, size_t bufsz);
long vg_ymd_days(vg_ymd d);                  /* day number */
vg_ymd vg_ymd_from_days(long days);
vg_ymd vg_ymd_add_days(vg_ymd d, long n);
vg_ymd vg_ymd_add_months(vg_ymd d, int n);   /* the day is clamped to the month */
int vg_ymd_weekday(vg_ymd d);                /* 0 = Sunday ... 6 = Saturday */
int vg_ymd_cmp(vg_ymd a, vg_ymd b);          /* <0, 0, >0; missing parts sort first */

/* ---- yyyymmdd ---- */

vg_ymd vg_date_ymd(int32_t yyyymmdd);
int32_t vg_date_of_ymd(vg_ymd d);
long vg_date_days(int32_t yyyymmdd);         /* day number */
int32_t vg_date_of_days(long days);
int32_t vg_date_add_days(int32_t yyyymmdd, int days);
/* "YYYY-MM-DD" (each part taken modulo its width, so never more than 10
 * characters). */
void vg_date_format(int32_t yyyymmdd, char out[11]);
/* Exactly n digits: YYYYMMDD (n == 8) or TABARI's YYMMDD (n == 6, years
 * 00-30 are 20xx); false unless they make a valid date. */
bool vg_date_parse_digits(const char *s, size_t n, int32_t *out);
/* A record's date: after leading white space, "YYYY-MM-DD" (then anything),
 * or the first 6 (YYMMDD) or, with yyyy, 8 (YYYYMMDD) digits. */
bool vg_date_parse(const char *s, bool yyyy, int32_t *out);

/* ---- day numbers ---- */

bool vg_day_parse(const char *s, long *day);      /* strict "YYYY-MM-DD" */
void vg_day_format(long day, char buf[11]);

/* ---- precision ---- */

typedef enum vg_date_prec {
    VG_DATE_NONE = 0, /* not given: the article's date */
    VG_DATE_DAY,      /* date is exact */
    VG_DATE_WEEK,     /* date is the Monday of the week meant */
    VG_DATE_MONTH,    /* date.d == 0 (yyyymmdd: the 1st) */
    VG_DATE_YEAR      /* date.m == date.d == 0 (yyyymmdd: January 1st) */
} vg_date_prec;

const char *vg_date_prec_name(int prec);     /* "article", "day" ... "year" */
int vg_date_prec_parse(const char *s);       /* VG_DATE_NONE when unknown */

#endif
