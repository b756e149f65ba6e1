/* tagger.h -- part-of-speech tagger: a greedy, left-to-right averaged
 * perceptron (Collins 2002, in the style of Honnibal's tagger) with a tag
 * dictionary for frequent unambiguous words.  Trained on the Brown corpus
 * mapped to a small Penn-Treebank-like tagset (docs/tagger.md).
 *
 * Input is Vigil's tokens as written: case is kept (a strong proper-noun
 * cue), possessives stay attached ("Kosovo's" gets the noun's tag) and
 * hyphenated words arrive split.  All-caps sentences are recased before
 * feature extraction.  A loaded model is immutable: tagging with a const
 * model from several threads at once is safe (scratch lives on the stack). */
#ifndef VG_TAGGER_H
#define VG_TAGGER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum vg_pos {
    VG_POS_NN, VG_POS_NNS, VG_POS_NNP, VG_POS_NNPS,
    VG_POS_VB, VG_POS_VBD, VG_POS_VBG, VG_POS_VBN, VG_POS_VBP, VG_POS_VBZ,
    VG_POS_MD, VG_POS_JJ, VG_POS_RB, VG_POS_DT, VG_POS_IN, VG_POS_CC,
    VG_POS_PRP, VG_POS_PRPS,     /* PRP$ */
    VG_POS_CD, VG_POS_TO, VG_POS_WDT, VG_POS_WP, VG_POS_WRB, VG_POS_POS,
    VG_POS_RP, VG_POS_EX, VG_POS_UH, VG_POS_SYM,
    VG_POS_COMMA,                /* ,  */
    VG_POS_FINAL,                /* . ! ? ending a sentence */
    VG_POS_PUNCT,                /* other punctuation: ; : -- ( ) ... */
    VG_POS_QUOTE,                /* quotes of any kind */
    VG_POS_COUNT
} vg_pos;

static inline bool vg_pos_is_noun(int t) { return t >= VG_POS_NN && t <= VG_POS_NNPS; }
static inline bool vg_pos_is_verb(int t) { return t >= VG_POS_VB && t <= VG_POS_VBZ; }

typedef struct vg_tagger vg_tagger;

/* Loads a model from memory (the bytes are copied; data need not stay
 * alive).  On a bad, truncated or corrupt model returns NULL and writes a
 * reason into err (when errsz > 0). */
vg_tagger *vg_tagger_load(const void *data, size_t len, char *err, size_t errsz);
/* The embedded data/tagger.bin, loaded once (thread-safe), shared, never
 * freed.  NULL only if the embedded model is missing or broken. */
vg_tagger *vg_tagger_default(void);
void vg_tagger_free(vg_tagger *t);

/* Tags n UTF-8 tokens words[i] (lens[i] bytes each, no NUL needed) of one
 * sentence; writes n vg_pos values into tags.  t must not be NULL. */
void vg_tagger_tag(const vg_tagger *t, const char *const *words,
                   const size_t *lens, size_t n, unsigned char *tags);

/* A per-thread memo for tagging with one model: the weights each distinct
 * word contributes as the word tagged and as each of its neighbours, and
 * those of each pair of previous tags, summed once instead of once per
 * token (the tags are the same as vg_tagger_tag's).  Bounded. */
typedef struct vg_tagger_cache vg_tagger_cache;
vg_tagger_cache *vg_tagger_cache_new(const vg_tagger *t);
void vg_tagger_cache_free(vg_tagger_cache *c);
/* vg_tagger_tag with a memo made for t (NULL: none). */
void vg_tagger_tag_cached(const vg_tagger *t, vg_tagger_cache *c, const char *const *words,
                          const size_t *lens, size_t n, unsigned char *tags);

/* "NN", "PRP$", ",", "." ...; "?" for an out-of-range tag. */
/* The tag of a word the model always tags the same way (mid-sentence,
 * mixed case), or -1 when context decides. */
int vg_tagger_fixed(const vg_tagger *t, const char *word, size_t len);

const char *vg_pos_name(int tag);
/* Inverse of vg_pos_name; -1 if unknown. */
int vg_pos_from_name(const char *name);

/* ---- Trainer interface (tools/train_tagger.c); not for other callers. ----
 * The trainer uses the same feature extraction as the tagger, so the two
 * cannot drift apart, and writes the model through vg_tagger_write. */

#define VG_TAGGER_MAX_FEATS 24

/* One token reduced to hashes. */
typedef struct vg_tagger_tok {
    uint64_t form;     /* the form as written (tag dictionary key) */
    uint64_t word;     /* normalised lowercase word, possessive stripped */
    uint64_t ctx;      /* word as context of a neighbour (possessive kept) */
    uint64_t suf3;     /* last three bytes of the lowercase word */
    uint32_t shape;    /* SHAPE_* bits, see tagger.c */
    uint64_t affix[5]; /* suffix 1-2, prefix 1-3 */
} vg_tagger_tok;

/* Reduces one word; first = no letter or digit before it in the sentence;
 * caps = the sentence is all capitals, in which case the word is recased
 * with t's lexicon first (t may be NULL when caps is false). */
void vg_tagger_tok_init(const vg_tagger *t, vg_tagger_tok *tk,
                        const char *w, size_t len, bool first, bool caps);
/* True if the sentence should be treated as all caps. */
bool vg_tagger_caps_sentence(const char *const *words, const size_t *lens, size_t n);
/* Feature keys of token tk[2] given tokens i-2..i+2 (NULL outside the
 * sentence) and the two previous tags (-1 outside); writes at most
 * VG_TAGGER_MAX_FEATS keys into out and returns the count. */
size_t vg_tagger_features(const vg_tagger_tok *tk[5], int p1, int p2, uint64_t *out);
/* Hash of the lower-case form without a possessive (caps-lexicon key). */
uint64_t vg_tagger_lower_hash(const char *w, size_t len);

/* Model contents handed to the writer. */
typedef struct vg_tagger_parts {
    const uint64_t *dict_keys;  /* tag dictionary: form hash -> tag */
    const unsigned char *dict_tags;
    size_t ndict;
    const uint64_t *lex_keys;   /* caps lexicon: vg_tagger_lower_hash values */
    size_t nlex;
    const uint64_t *feat_keys;  /* feature keys, each with a row of */
    const int8_t *weights;      /* VG_POS_COUNT quantised weights */
    size_t nfeat;
} vg_tagger_parts;

struct vg_buf;
/* Serialises parts into the versioned model format (appends to out). */
void vg_tagger_write(const vg_tagger_parts *p, struct vg_buf *out);

#endif
