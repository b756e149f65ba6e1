/* analysis.h -- sentence analysis: from tokens to a typed, structured
 * sentence that the matcher codes.
 *
 * Steps (TABARI manual ch. 7, plus the tagger):
 *   1. type every word against the dictionary (longest phrase wins) and the
 *      closed classes (determiners, pronouns, conjunctions, auxiliaries, BY);
 *   2. decide verbs versus nouns (a determiner or a capital turns a verb into
 *      a noun; with the tagger on, the part of speech decides);
 *   3. find compound actors ("Serbia and Kosovo") and compound nouns and
 *      adjectives, whose conjunctions do not split clauses;
 *   4. attach agents to actors ("Kosovo police" -> KSVCOP);
 *   5. resolve pronouns;
 *   6. drop comma-delimited nonrestrictive clauses;
 *   7. split the sentence into clauses at conjunctions.
 * The matcher (match.h) then codes verbs clause by clause. */
#ifndef VG_ANALYSIS_H
#define VG_ANALYSIS_H

#include "dict.h"
#include "text.h"

typedef enum vg_wtype {
    VG_W_NULL,     /* not in any dictionary */
    VG_W_ACTOR,
    VG_W_AGENT,
    VG_W_VERB,
    VG_W_TIME,
    VG_W_ATTRIB,
    VG_W_DETERM,
    VG_W_NOUN,     /* noun list, verb shifted to noun, null-coded actor */
    VG_W_ADJ,
    VG_W_AUXIL,    /* WAS WERE BEEN */
    VG_W_BY,
    VG_W_COMMA,
    VG_W_PRONOUN,
    VG_W_CONJ,
    VG_W_NUMBER,
    VG_W_QUOTE,
    VG_W_TAIL      /* a later word of a phrase headed elsewhere */
} vg_wtype;

enum {
    VG_PRON_FIRST = 1,   /* HE SHE IT HIM: first actor of the sentence */
    VG_PRON_PRIOR,       /* ITS HIS HER: first actor before the pronoun */
    VG_PRON_PLURAL       /* THEY THEM THEIR: first compound, else first actor */
};

#define VG_POS_NONE 0xFF

/* One code an actor token stands for (coded compounds have several). */
typedef struct vg_acode {
    char code[48];
} vg_acode;

typedef struct vg_aword {
    uint8_t type;        /* vg_wtype */
    uint8_t deleted;     /* inside an eliminated comma clause */
    uint8_t conj_free;   /* conjunction that belongs to a compound */
    uint8_t pron;        /* VG_PRON_* */
    uint8_t pos;         /* tagger part of speech, VG_POS_NONE if untagged */
    uint8_t former;      /* "former" precedes: agent becomes ELI */
    int16_t head;        /* TAIL: the phrase's head token */
    int16_t last;        /* head: last token of the phrase */
    int16_t ref;         /* pronoun: referenced actor token, or -1 */
    int16_t comp;        /* compound this actor belongs to, or -1 */
    int16_t clause;
    int16_t agent;       /* actor: token of its agent, or -1 */
    int32_t entry;       /* head: dictionary entry */
    uint32_t base;       /* actor: its dictionary codes (before agents) */
    uint32_t codes;      /* actor: first code in vg_analysis.codes */
    uint8_t ncodes;
    uint8_t special;     /* actor: VG_CODE_* of its dated code */
} vg_aword;

typedef struct vg_compound {
    int16_t first, last;     /* token span */
    uint16_t members, nmembers;  /* into vg_analysis.comp_members (actor tokens) */
} vg_compound;

typedef struct vg_clause {
    int16_t first, last;     /* token span, inclusive */
} vg_clause;

/* An issue code and how many of its phrases the sentence has. */
typedef struct vg_issue_count {
    const char *code;
    uint16_t count;
} vg_issue_count;
typedef VG_VEC(vg_issue_count) vg_issue_counts;

enum {
    VG_AN_OK = 0,
    VG_AN_SHORT,        /* fewer words than SET: MINIMUM WORDS */
    VG_AN_DISCARD,      /* ### */
    VG_AN_COMPLEX       /* +++ */
};

typedef struct vg_analysis {
    const vg_dict *d;
    const vg_options *opt;
    int32_t date;            /* yyyymmdd */
    const char *text;
    vg_tokens tk;            /* tokens (punctuation other than , and " dropped) */
    VG_VEC(vg_aword) w;
    VG_VEC(vg_hit) hits;     /* dictionary phrases, by head token (w.entry) */
    VG_VEC(int32_t) hit_of;  /* head token -> index in hits, -1 */
    VG_VEC(vg_acode) codes;
    VG_VEC(vg_compound) comps;
    VG_VEC(int16_t) comp_members;
    VG_VEC(vg_clause) clauses;
    VG_VEC(uint8_t) skip;    /* scratch for phrase lookup */
    vg_wordcache *wc;        /* word -> dictionary matches, memoised */
    VG_VEC(uint32_t) winfo;  /* per token: its entry in wc */
    vg_litset lits;          /* which dictionary literals occur in the sentence */
    bool time_active;        /* time-shift phrases apply */
    bool fwd;                /* a forwarded actor is available for pronouns */
    bool tagged;             /* w[].pos holds part-of-speech tags */
    int status;              /* VG_AN_* */
    char why[128];           /* why complex / discarded / short */
    bool truncated;
    bool story_discard;      /* a story discard phrase occurs */
    VG_VEC(vg_hit) issue_hits;
    vg_issue_counts issues;  /* issue phrases found, by code */
    struct vg_wordmemo *memo; /* word-list answers by word (vg_analysis_word_in) */
    struct vg_tagger_cache *tcache;  /* the tagger's memo (made once spans_tagged is
                                      * large enough to pay for it) */
    uint32_t spans_tagged;
} vg_analysis;

void vg_analysis_init(vg_analysis *a, const vg_dict *d, const vg_options *opt);
void vg_analysis_free(vg_analysis *a);

/* Analyses one sentence (UTF-8, already repaired).  date: yyyymmdd. */
void vg_analysis_run(vg_analysis *a, const char *text, size_t len, int32_t date);

/* Helpers for the matcher. */
static inline bool vg_analysis_live(const vg_analysis *a, size_t i)
{
    return !a->w.v[i].deleted && a->w.v[i].type != VG_W_TAIL;
}
bool vg_analysis_is_actor(const vg_analysis *a, size_t i);
/* Is token i one of the (folded, NULL-terminated) words? */
bool vg_analysis_word_in(const vg_analysis *a, size_t i, const char *const *words);
/* Does token i open a fronted phrase ("After", "According", "In")? */
bool vg_analysis_fronting(const vg_analysis *a, size_t i);
/* Is token i a verb of saying that opens reported speech (SAID, TOLD,
 * ANNOUNCED, ALLEGED, ...)? */
bool vg_analysis_said(const vg_analysis *a, size_t i);

/* Is verb v negated: NOT, NEVER or a contraction in N'T among the
 * auxiliaries before it ("have not patrolled", "won't be patrolling"), but
 * not "not only", or "failed to"?  VG_NEG_WILL when a modal of will negates
 * it ("would not", "won't", "shall not"): a refusal, not only a non-event. */
enum { VG_NEG_NONE, VG_NEG_PLAIN, VG_NEG_WILL };
int vg_analysis_negation(const vg_analysis *a, size_t v);
/* Resolves a pronoun to its actor token (or returns i itself). */
int vg_analysis_resolve(const vg_analysis *a, size_t i);
const char *vg_analysis_code(const vg_analysis *a, size_t actor_tok, size_t k);

/* One line per token: type, clause, references (for debugging). */
void vg_analysis_dump(const vg_analysis *a, vg_buf *b);

#endif
