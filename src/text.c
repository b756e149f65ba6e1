/* text.c -- see text.h. */
#include "text.h"

#include <string.h>
#include <utf8proc.h>

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) { *cp = (int32_t)c; return 1; }
    size_t len;
    int32_t v;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; }
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

size_t vg_utf8_repair(const char *in, size_t n, vg_buf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t bad = 0, i = 0, run = 0;
    vg_buf_reserve(out, n);
    while (i < n) {
        size_t k = vg_ascii_run(in + i, n - i, 0x7F, 0x7F);   /* most of the text */
        i += k;
        run += k;
        if (i >= n) break;
        int32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        bool ok = len > 0 && !(cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') &&
                  cp != 0x7F;
        if (ok) {
            i += len;
            run += len;
            continue;
        }
        vg_buf_putn(out, in + i - run, run);
        run = 0;
        vg_buf_putc(out, ' ');
        bad++;
        i++;
    }
    vg_buf_putn(out, in + n - run, run);
    return bad;
}

size_t vg_utf8_floor(const char *s, size_t lo, size_t i)
{
    while (i > lo && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

size_t vg_utf8_valid_len(const char *in, size_t n)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) { i++; continue; }
        int32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (!len) return i;
        i += len;
    }
    return n;
}

/* Windows-1252 at 0x80-0x9F (WHATWG: the five unassigned bytes are C1). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

size_t vg_utf8_from_legacy(const char *in, size_t n, vg_buf *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t bad = 0, i = vg_utf8_valid_len(in, n);
    vg_buf_reserve(out, n);
    vg_buf_putn(out, in, i);
    while (i < n) {
        int32_t cp;
        size_t len = s[i] < 0x80 ? 1 : utf8_seq(s + i, n - i, &cp);
        if (len) {
            vg_buf_putn(out, in + i, len);
            i += len;
            continue;
        }
        unsigned c = s[i++];
        unsigned u = c < 0xA0 ? cp1252_high[c - 0x80] : c;
        char enc[3];
        size_t k = 0;
        if (u < 0x800) {
            enc[k++] = (char)(0xC0 | (u >> 6));
        } else {
            enc[k++] = (char)(0xE0 | (u >> 12));
            enc[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
        }
        enc[k++] = (char)(0x80 | (u & 0x3F));
        vg_buf_putn(out, enc, k);
        bad++;
    }
    return bad;
}

/* ---- folding ---- */

/* Latin letters that have no Unicode decomposition but an obvious ASCII
 * spelling in news copy. */
static const char *fold_special(int32_t cp)
{
    switch (cp) {
    case 0x0110: case 0x0111: return "D";   /* Đ đ */
    case 0x0141: case 0x0142: return "L";   /* Ł ł */
    case 0x00D8: case 0x00F8: return "O";   /* Ø ø */
    case 0x00C6: case 0x00E6: return "AE";
    case 0x0152: case 0x0153: return "OE";
    case 0x00DE: case 0x00FE: return "TH";
    case 0x00DF: return "SS";
    case 0x0131: return "I";                /* dotless i */
    case 0x0126: case 0x0127: return "H";
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x2032: return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x00AB: case 0x00BB: return "\"";
    default: return NULL;
    }
}

static void fold_codepoint(int32_t cp, vg_buf *out)
{
    const char *sp = fold_special(cp);
    if (sp) { vg_buf_puts(out, sp); return; }
    int32_t buf[8];
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, buf, 8, UTF8PROC_COMPAT |
        UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, NULL);
    if (k < 0 || k > 8) return;
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        int32_t c = buf[j];
        if (c < 0x80) { vg_buf_putc(out, (char)vg_toupper(c)); continue; }
        const char *sp2 = fold_special(c);
        if (sp2) { vg_buf_puts(out, sp2); continue; }
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(c), enc);
        vg_buf_putn(out, (const char *)enc, (size_t)m);
    }
}

void vg_text_fold(const char *s, size_t n, vg_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    /* ASCII, upper-cased in place: most words */
    vg_buf_reserve(out, n);
    char *w = out->s + out->len;
    while (i < n && u[i] < 0x80) {
        unsigned c = u[i];
        w[i] = (char)(c - 32 * ((c - 'a') < 26u));
        i++;
    }
    out->len += i;
    out->s[out->len] = '\0';
    while (i < n) {
        if (u[i] < 0x80) {
            vg_buf_putc(out, (char)vg_toupper(u[i]));
            i++;
            continue;
        }
        int32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (!len) { i++; continue; }
        fold_codepoint(cp, out);
        i += len;
    }
}

/* ---- character classes ---- */

typedef enum {
    CC_SPACE, CC_LETTER, CC_DIGIT, CC_APOS, CC_PERIOD, CC_AMP, CC_COMMA,
    CC_QUOTE, CC_SEP, CC_PUNCT
} cclass;

/* The classes of the ASCII characters that are not letters or digits. */
static cclass ascii_other(unsigned c)
{
    switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v': return CC_SPACE;
    case '\'': case '`': return CC_APOS;
    case '.': return CC_PERIOD;
    case '&': return CC_AMP;
    case ',': case ';': return CC_COMMA;
    case '"': return CC_QUOTE;
    case '-': case '_': case '?': case '!': return CC_SEP;
    default: return CC_PUNCT;
    }
}

static cclass classify_utf8(const unsigned char *s, size_t n, size_t *len, int *caseinfo);

static inline cclass classify(const unsigned char *s, size_t n, size_t *len, int *caseinfo)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *len = 1;
        if ((unsigned)((c | 32) - 'a') < 26) { *caseinfo = c < 'a' ? 1 : -1; return CC_LETTER; }
        *caseinfo = 0;
        if ((unsigned)(c - '0') < 10) return CC_DIGIT;
        return ascii_other(c);
    }
    return classify_utf8(s, n, len, caseinfo);
}

static cclass classify_utf8(const unsigned char *s, size_t n, size_t *len, int *caseinfo)
{
    *caseinfo = 0;
    *len = 1;
    int32_t cp;
    size_t l = utf8_seq(s, n, &cp);
    if (!l) return CC_SPACE;
    *len = l;
    const char *sp = fold_special(cp);
    if (sp && sp[0] == '\'') return CC_APOS;
    if (sp && sp[0] == '"') return CC_QUOTE;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: *caseinfo = 1; return CC_LETTER;
    case UTF8PROC_CATEGORY_LL: *caseinfo = -1; return CC_LETTER;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return CC_LETTER;
    case UTF8PROC_CATEGORY_ND: return CC_DIGIT;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        return CC_SPACE;
    case UTF8PROC_CATEGORY_PD: return CC_SEP;
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: return CC_QUOTE;
    default: return cp == 0xFFFD ? CC_SPACE : CC_PUNCT;
    }
}

/* ---- tokens ---- */

void vg_tokens_clear(vg_tokens *tk)
{
    tk->t.n = 0;
    vg_buf_clear(&tk->norm);
    tk->allcaps = true;
}

void vg_tokens_free(vg_tokens *tk)
{
    vg_vec_free(&tk->t);
    vg_buf_free(&tk->norm);
}

/* Ends the token whose folded form was appended to tk->norm from before. */
static void end_token(vg_tokens *tk, uint32_t off, uint32_t len, uint8_t kind, uint8_t flags,
                      size_t before)
{
    vg_token t = { off, len, (uint32_t)before, (uint16_t)(tk->norm.len - before), kind, flags };
    vg_buf_putc(&tk->norm, '\0');
    vg_vec_push(&tk->t, t);
}

static void push_token(vg_tokens *tk, const char *s, uint32_t off, uint32_t len,
                       uint8_t kind, uint8_t flags, const char *norm, size_t nlen)
{
    size_t before = tk->norm.len;
    if (norm) vg_buf_putn(&tk->norm, norm, nlen);
    else vg_text_fold(s + off, len, &tk->norm);
    end_token(tk, off, len, kind, flags, before);
}

typedef struct word_scan {
    size_t end;          /* end of the word as written */
    bool has_lower, has_upper, first_upper, first_lower;
    bool inner_period;
    size_t letters;
} word_scan;

static bool is_wordish(cclass c) { return c == CC_LETTER || c == CC_DIGIT; }

/* Scans a word starting at i: letters, digits, and apostrophes, periods and
 * ampersands when followed by a letter or digit (or "s'" possessives). */
/* ASCII letters and digits: what scan_word needs to know of each. */
enum { A_WORD = 1, A_UPPER = 2, A_LOWER = 4, A_LETTER = 8 };
#define AU_ A_WORD | A_UPPER | A_LETTER
#define AL_ A_WORD | A_LOWER | A_LETTER
#define AD_ A_WORD
static const unsigned char ascii_word[256] = {       /* 0 from 0x80 up */
    ['0'] = AD_, AD_, AD_, AD_, AD_, AD_, AD_, AD_, AD_, AD_,
    ['A'] = AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_,
            AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_, AU_,
    ['a'] = AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_,
            AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_, AL_,
};
#undef AU_
#undef AL_
#undef AD_

static word_scan scan_word(const unsigned char *s, size_t n, size_t i)
{
    word_scan w = { i, false, false, false, false, false, 0 };
    bool first = true;
    while (i < n) {
        /* a run of ASCII letters and digits: most of every word */
        unsigned all = 0, f;
        if (first && i < n && ((f = ascii_word[s[i]]) & A_WORD)) {
            w.first_upper = (f & A_UPPER) != 0;
            w.first_lower = (f & A_LOWER) != 0;
            first = false;
        }
        size_t letters = 0;
        while (i < n && ((f = ascii_word[s[i]]) & A_WORD)) {
            all |= f;
            letters += f >> 3;                   /* A_LETTER */
            i++;
        }
        w.letters += letters;
        w.has_upper |= (all & A_UPPER) != 0;
        w.has_lower |= (all & A_LOWER) != 0;
        if (i >= n) break;
        size_t len;
        int ci;
        cclass c = classify(s + i, n - i, &len, &ci);
        if (is_wordish(c)) {
            if (ci > 0) { w.has_upper = true; if (first) w.first_upper = true; }
            if (ci < 0) { w.has_lower = true; if (first) w.first_lower = true; }
            if (ci) w.letters++;
            first = false;
            i += len;
            continue;
        }
        if (c != CC_APOS && c != CC_PERIOD && c != CC_AMP) break;
        size_t nl;
        int nci;
        bool next_wordish = i + len < n &&
            is_wordish(classify(s + i + len, n - i - len, &nl, &nci));
        if (next_wordish) {
            if (c == CC_PERIOD) w.inner_period = true;
            i += len;
            continue;
        }
        /* plural possessive: "Serbs'" */
        if (c == CC_APOS && i > 0 && (s[i - 1] == 's' || s[i - 1] == 'S'))
            i += len;
        break;
    }
    w.end = i;
    return w;
}

static bool thousands_comma(const unsigned char *s, size_t n, size_t i)
{
    return s[i] == ',' && i > 0 && vg_isdigit(s[i - 1]) && i + 3 < n &&
           vg_isdigit(s[i + 1]) && vg_isdigit(s[i + 2]) && vg_isdigit(s[i + 3]) &&
           (i + 4 >= n || !vg_isdigit(s[i + 4]));
}

/* Scans a number ("1,500", "3.5", "1990s", "12th"); appends its folded form
 * (thousands commas removed) and returns the end offset. */
static size_t scan_number(const unsigned char *s, size_t n, size_t i, vg_buf *norm)
{
    while (i < n) {
        unsigned c = s[i];
        if (thousands_comma(s, n, i)) { i++; continue; }
        bool decimal = c == '.' && i + 1 < n && vg_isdigit(s[i + 1]);
        if (!vg_isdigit(c) && !vg_isalpha(c) && !decimal) break;
        vg_buf_putc(norm, (char)vg_toupper(c));
        i++;
    }
    return i;
}

static void emit_word(vg_tokens *tk, const char *s, size_t n, size_t start, word_scan *w)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t end = w->end;
    /* keep the final period of "U.S." and of initials such as "F." */
    if (end < n && u[end] == '.' &&
        (w->inner_period || (w->letters == 1 && w->has_upper && end - start == 1)))
        end++;
    uint8_t flags = 0;
    if (w->first_upper) flags |= VG_TF_CAP;
    if (w->first_lower) flags |= VG_TF_LOWER;
    if (w->letters && !w->has_lower) flags |= VG_TF_ALLCAPS;
    if (w->has_lower) tk->allcaps = false;
    while (end - start > VG_MAX_WORD) {
        size_t cut = vg_utf8_floor(s, start, start + VG_MAX_WORD);
        push_token(tk, s, (uint32_t)start, (uint32_t)(cut - start), VG_TK_WORD,
                   flags | VG_TF_SPLIT, NULL, 0);
        start = cut;
    }
    push_token(tk, s, (uint32_t)start, (uint32_t)(end - start), VG_TK_WORD, flags, NULL, 0);
}

void vg_text_tokenize(const char *str, size_t n, vg_tokens *tk)
{
    const unsigned char *s = (const unsigned char *)str;
    if (tk->t.n == 0 && tk->norm.len == 0) tk->allcaps = true;
    size_t i = 0;
    while (i < n) {
        size_t len;
        int ci;
        cclass c = classify(s + i, n - i, &len, &ci);
        switch (c) {
        case CC_SPACE: case CC_SEP: case CC_PERIOD:
            i += len;
            break;
        case CC_COMMA:
            push_token(tk, str, (uint32_t)i, 1, VG_TK_COMMA, 0, ",", 1);
            i += len;
            break;
        case CC_QUOTE:
            push_token(tk, str, (uint32_t)i, (uint32_t)len, VG_TK_QUOTE, 0, "\"", 1);
            i += len;
            break;
        case CC_DIGIT: {
            size_t before = tk->norm.len;
            size_t end = scan_number(s, n, i, &tk->norm);
            if (end == i) end = i + len;
            end_token(tk, (uint32_t)i, (uint32_t)(end - i), VG_TK_NUM, 0, before);
            i = end;
            break;
        }
        case CC_LETTER: {
            word_scan w = scan_word(s, n, i);
            emit_word(tk, str, n, i, &w);
            i = w.end;
            if (i < n && s[i] == '.') i++;
            break;
        }
        case CC_APOS: case CC_AMP: case CC_PUNCT:
            push_token(tk, str, (uint32_t)i, (uint32_t)len, VG_TK_PUNCT, 0, NULL, 0);
            i += len;
            break;
        }
    }
}

/* ---- datelines ---- */

static bool dash_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    if (s[i] == '-') { *len = 1; return i + 1 >= n || s[i + 1] == ' ' || s[i + 1] == '-'; }
    if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0x94 || s[i + 2] == 0x93)) {
        *len = 3;
        return true;
    }
    return false;
}

size_t vg_text_dateline_len(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, words = 0, dl;
    int first_caps = 0;
    bool marked = false;      /* a comma or parenthesis: "NATO:" alone is no dateline */
    bool capitalised = true;  /* every word so far opens with a capital or a digit */
    while (i < n) {
        unsigned char c = s[i];
        if (c == ',' || c == '(') marked = true;
        /* a run of three or more spaces before a capital is where a dash
         * was lost in conversion ("QAMISHLI      At least ...", "Kobane,
         * Syria     On Tuesday ..."); a lost apostrophe leaves one before a
         * small letter ("Syria   s war") */
        if (c == ' ' && words) {
            size_t j = i;
            while (j < n && s[j] == ' ') j++;
            if (j - i >= 3 && j < n && vg_isupper(s[j]) &&
                ((first_caps && words <= 3) || (marked && capitalised && words <= 4)))
                return j;
        }
        if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '.' || c == '\t') { i++; continue; }
        if (c == ':') return words && marked && first_caps ? i + 1 : 0;
        if (dash_at(s, n, i, &dl)) return words && marked && first_caps ? i + dl : 0;
        if (!vg_isupper(c) && !vg_isdigit(c) && c < 0x80) return 0;
        size_t start = i, upper = 0, lower = 0;
        while (i < n && s[i] != ' ' && s[i] != ',' && s[i] != ':' && s[i] != '(' && s[i] != ')') {
            if (vg_isupper(s[i])) upper++;
            else if (vg_islower(s[i])) lower++;
            i++;
        }
        if (words == 0) first_caps = upper >= 2 && !lower;
        capitalised = capitalised && (vg_isupper(s[start]) || vg_isdigit(s[start]));
        if (!first_caps) {
            /* only a run of spaces can end a dateline of capitalised words */
            if (!capitalised || ++words > 4 || i - start > 40) return 0;
            continue;
        }
        if (++words > 10 || i - start > 40) return 0;
    }
    return 0;
}

/* ---- sentences ---- */

static const char *const abbrevs[] = {
    "MR", "MRS", "MS", "DR", "PROF", "GEN", "LT", "COL", "MAJ", "CAPT", "SGT",
    "CPL", "PVT", "ADM", "CMDR", "GOV", "SEN", "REP", "REV", "ST", "HON", "PRES",
    "SUPT", "INSP", "AMB", "JAN", "FEB", "MAR", "APR", "JUN", "JUL", "AUG", "SEP",
    "SEPT", "OCT", "NOV", "DEC", "NO", "NOS", "VS", "INC", "CORP", "LTD", "CO",
    "JR", "SR", "MT", "FT", "VOL", "ART", "APPROX", "EST", "DEPT", "UNIV", "ASSN",
    "BROS", "E.G", "I.E", NULL
};

static bool is_abbrev(const unsigned char *w, size_t len)
{
    if (len == 0 || len > 6) return false;
    char up[8];
    for (size_t i = 0; i < len; i++) up[i] = (char)vg_toupper(w[i]);
    up[len] = '\0';
    for (size_t i = 0; abbrevs[i]; i++)
        if (up[0] == abbrevs[i][0] && !strcmp(up, abbrevs[i])) return true;
    return false;
}

/* After a terminator at p, include closing quotes and brackets. */
static size_t after_closers(const unsigned char *s, size_t n, size_t p)
{
    while (p < n) {
        if (s[p] == '"' || s[p] == '\'' || s[p] == ')') { p++; continue; }
        if (s[p] >= 0x80) {
            size_t len; int ci;
            cclass c = classify(s + p, n - p, &len, &ci);
            if (c == CC_QUOTE || c == CC_APOS) { p += len; continue; }
        }
        break;
    }
    return p;
}

/* Is the period at s[p] the end of a sentence? */
static bool period_ends_sentence(const unsigned char *s, size_t n, size_t p)
{
    size_t w = p;
    while (w > 0 && (vg_isalnum(s[w - 1]) || s[w - 1] == '.')) w--;
    size_t wlen = p - w;
    if (wlen > 0 && vg_isdigit(s[p - 1]) && p + 1 < n && vg_isdigit(s[p + 1]))
        return false;                                    /* decimal */
    if (wlen == 1 && vg_isupper(s[w])) return false;     /* initial */
    if (is_abbrev(s + w, wlen)) return false;
    size_t q = after_closers(s, n, p + 1);
    if (q >= n) return true;
    if (!vg_isspace(s[q])) return false;
    while (q < n && vg_isspace(s[q])) q++;
    if (q >= n) return true;
    /* "U.S. officials", "U.S. Secretary": two-letter abbreviations such as
     * U.S., U.N., U.K. and E.U. are nearly always adjectives */
    bool inner = memchr(s + w, '.', wlen) != NULL;
    if (inner && (vg_islower(s[q]) || wlen == 3)) return false;
    return !vg_islower(s[q]);
}

static void push_span(vg_spans *out, const char *t, size_t a, size_t b)
{
    while (a < b && vg_isspace((unsigned char)t[a])) a++;
    while (b > a && vg_isspace((unsigned char)t[b - 1])) b--;
    if (b > a) {
        vg_span sp = { (uint32_t)a, (uint32_t)(b - a) };
        vg_vec_push(out, sp);
    }
}

/* Is the line s[a, b) a headline: a short line on its own, starting with a
 * capital, with no punctuation at its end and not cut after a word that
 * needs one after it ("... condemned by" wrapped before a name), followed by
 * a line that starts with a capital?  ("Serbia raises army alert" over
 * "Kosovo accuses Belgrade of ...") */
static bool headline(const unsigned char *s, size_t n, size_t a, size_t b, size_t next)
{
    static const char *const open_words[] = {
        "THE", "A", "AN", "OF", "BY", "TO", "IN", "ON", "AT", "AND", "OR", "BUT", "FOR",
        "WITH", "FROM", "INTO", "HIS", "HER", "ITS", "THEIR", "THAT", "WHICH", "WHO", "IS",
        "WAS", "ARE", "WERE", "BE", "HAS", "HAVE", "HAD", "SAID", "SAYS", "TOLD", "AS", "THAN",
        "NOT", "WILL", "WOULD", "MR", "MRS", "MS", "DR", NULL
    };
    while (a < b && vg_isspace(s[a])) a++;
    while (b > a && vg_isspace(s[b - 1])) b--;
    if (b <= a || b - a > 150 || next >= n) return false;
    if (!(vg_isupper(s[a]) || vg_isdigit(s[a]) || s[a] >= 0x80)) return false;
    if (!(vg_isupper(s[next]) || vg_isdigit(s[next]) || s[next] == '"' || s[next] >= 0x80))
        return false;
    if (strchr(".,;:!?-\"'(/", s[b - 1]) || s[b - 1] >= 0x80) return false;
    size_t w = b;
    while (w > a && vg_isalpha(s[w - 1])) w--;
    if (b - w > 5) return true;
    char up[8];
    for (size_t k = 0; k < b - w; k++) up[k] = (char)vg_toupper(s[w + k]);
    up[b - w] = '\0';
    for (size_t k = 0; open_words[k]; k++)
        if (up[0] == open_words[k][0] && !strcmp(up, open_words[k])) return false;
    return true;
}

void vg_text_split_sentences(const char *text, size_t n, vg_spans *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t start = 0, i = 0, line = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == '\n') {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) j++;
            if (j < n && s[j] == '\n') {       /* blank line */
                push_span(out, text, start, i);
                start = i = line = j + 1;
                continue;
            }
            /* a headline over the next line (a sentence starting with the line) */
            size_t lead = start, line_lead = line;
            while (lead < i && vg_isspace(s[lead])) lead++;
            while (line_lead < i && vg_isspace(s[line_lead])) line_lead++;
            if (lead == line_lead && headline(s, n, line, i, j)) {
                push_span(out, text, start, i);
                start = i = line = j;
                continue;
            }
            line = i + 1;
        }
        bool end = false;
        if (c == '?' || c == '!') end = true;
        else if (c == '.') end = period_ends_sentence(s, n, i);
        if (end) {
            size_t e = after_closers(s, n, i + 1);
            if (e >= n || vg_isspace(s[e])) {
                push_span(out, text, start, e);
                start = i = e;
                continue;
            }
        }
        i++;
    }
    push_span(out, text, start, n);
}
