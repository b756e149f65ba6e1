/* text.h -- the text layer: UTF-8 repair, folding, sentence splitting and
 * tokenising.  Everything here is linear in the input size.
 *
 * Folding turns a word into its dictionary form: Unicode compatibility
 * decomposition, diacritics stripped, upper-cased ("Vučić" -> "VUCIC");
 * typographic quotes and dashes become their ASCII forms.
 *
 * Tokens keep byte offsets into the caller's text, so every later stage can
 * point back at what was written. */
#ifndef VG_TEXT_H
#define VG_TEXT_H

#include "util.h"

/* Copies in[0..n) to out, replacing each invalid UTF-8 sequence, NUL and
 * control character (other than tab and newline) by a space.  Returns the
 * number of bytes replaced. */
size_t vg_utf8_repair(const char *in, size_t n, vg_buf *out);

/* Copies in[0..n) to out as valid UTF-8 for text written in an older
 * encoding (dictionary files): well-formed UTF-8 is kept as it is, and
 * every byte that is not part of a well-formed sequence is read as
 * Windows-1252 (Latin-1, with typographic characters at 0x80-0x9F) and
 * re-encoded.  Returns the number of bytes so read; 0 means the text was
 * valid UTF-8 and out holds an exact copy. */
size_t vg_utf8_from_legacy(const char *in, size_t n, vg_buf *out);
/* Length of the longest valid UTF-8 prefix of in[0..n) (n if all valid). */
size_t vg_utf8_valid_len(const char *in, size_t n);
/* The start of the character that byte i of s belongs to: i moved back over
 * UTF-8 continuation bytes, never below lo.  Where to cut s before i. */
size_t vg_utf8_floor(const char *s, size_t lo, size_t i);

/* Appends the folded form of s[0..n) to out. */
void vg_text_fold(const char *s, size_t n, vg_buf *out);

typedef struct vg_span {
    uint32_t off, len;
} vg_span;

typedef VG_VEC(vg_span) vg_spans;

/* Splits running text into sentences (abbreviations, initials, decimals and
 * closing quotes are respected; blank lines always end a sentence).  Spans
 * exclude surrounding white space. */
void vg_text_split_sentences(const char *text, size_t n, vg_spans *out);

typedef enum vg_tok_kind {
    VG_TK_WORD,
    VG_TK_NUM,    /* starts with a digit */
    VG_TK_COMMA,  /* , or ; */
    VG_TK_QUOTE,  /* " and typographic double quotes */
    VG_TK_PUNCT   /* other punctuation: ( ) [ ] : / ... (ignored by coders) */
} vg_tok_kind;

enum {
    VG_TF_CAP = 1,       /* first letter is upper case as written */
    VG_TF_ALLCAPS = 2,   /* has letters, none lower case */
    VG_TF_LOWER = 4,     /* first letter is lower case */
    VG_TF_SPLIT = 8      /* a long word cut at VG_MAX_WORD bytes */
};

#define VG_MAX_WORD 63

typedef struct vg_token {
    uint32_t off, len;   /* as written, in the tokenised text */
    uint32_t norm;       /* offset of the folded form in vg_tokens.norm */
    uint16_t nlen;
    uint8_t kind, flags;
} vg_token;

typedef struct vg_tokens {
    VG_VEC(vg_token) t;
    vg_buf norm;         /* folded forms, each NUL-terminated */
    bool allcaps;        /* no token has a lower-case letter */
} vg_tokens;

/* Tokenises s[0..n), appending to out (call vg_tokens_clear first to
 * reuse).  Hyphens, underscores, '?' and '!' separate words; commas inside
 * numbers are dropped; a trailing period is dropped unless the word is an
 * abbreviation with inner periods ("U.S.") or an initial ("F."). */
void vg_text_tokenize(const char *s, size_t n, vg_tokens *out);
void vg_tokens_clear(vg_tokens *tk);

/* Length in bytes of a wire-story dateline opening s ("GAZA CITY,
 * Palestinian Territories:", "KYIV, Nov 26 (Reuters) -", "PRISTINA (AP) —"):
 * an upper-case first word, then at most ten capitalised words, numbers,
 * commas and parentheses up to a colon or a dash.  A run of three or more
 * spaces before a capital, where a converter lost the dash, also ends one
 * of at most three words opening with an upper-case one ("QAMISHLI     At
 * least"), or of at most four capitalised words with a comma ("Kobane,
 * Syria     On Tuesday").  0 if there is none. */
size_t vg_text_dateline_len(const char *s, size_t n);
void vg_tokens_free(vg_tokens *tk);

static inline const char *vg_tok_norm(const vg_tokens *tk, size_t i)
{
    return tk->norm.s + tk->t.v[i].norm;
}

#endif
