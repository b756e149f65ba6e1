/* match.h -- matching analysed sentences against verb patterns to produce
 * events: sources, targets, paired/dominant/subordinate codes, passive
 * voice, defaults, complexity and discard rules, time shifts.
 *
 * A vg_matcher is one thread's coding context: it owns the analysis buffers
 * and the pronoun-forwarding state between consecutive sentences. */
#ifndef VG_MATCH_H
#define VG_MATCH_H

#include "analysis.h"

enum {
    VG_EV_SUBORD = 1,     /* from a subordinate code [A?] */
    VG_EV_DOMINANT = 2,   /* from a dominant code [A!] */
    VG_EV_PASSIVE = 4,    /* passive voice swapped source and target */
    VG_EV_DEFSRC = 8,     /* DEFAULT: source */
    VG_EV_DEFTGT = 16,    /* DEFAULT: target */
    VG_EV_PAIRED = 32,    /* the reverse half of a paired code */
    VG_EV_UNKSRC = 64,    /* the model added it with no source phrase ("---") */
    VG_EV_UNKTGT = 128    /* ... with no target phrase */
};

/* How an event was decided (docs/model.md). */
enum {
    VG_METHOD_DICT = 0,   /* the dictionaries alone */
    VG_METHOD_MODEL,      /* the model added it, or changed its code or direction */
    VG_METHOD_BOTH        /* the dictionaries proposed it and the model kept it */
};

typedef struct vg_coded_event {
    char source[48], target[48], code[12];
    int32_t date;             /* yyyymmdd, after any time shift */
    int16_t verb, verb_last;  /* token span of the verb */
    int16_t src_tok, tgt_tok; /* token of the source/target actor (-1: default) */
    int32_t verb_entry;       /* dictionary entry of the verb */
    int32_t pattern;          /* matched pattern, -1 = the verb's own code */
    int32_t src_entry, tgt_entry;    /* actor entries, -1 if none */
    int32_t src_agent, tgt_agent;    /* agent entries, -1 if none */
    int16_t clause;
    uint8_t flags;
    /* byte spans, relative to the coded text: verb, source and target words */
    uint32_t verb_off, verb_len, src_off, src_len, tgt_off, tgt_len;
    uint8_t method;           /* VG_METHOD_* */
    float confidence;         /* 0..1 from the model; < 0: none (dictionaries alone) */
    uint32_t expl_off, expl_len;   /* the model's explanation (JSON) in vg_result.expl */
} vg_coded_event;

typedef VG_VEC(vg_coded_event) vg_coded_events;

typedef struct vg_result {
    int status;               /* VG_AN_* */
    char why[128];
    int32_t date;             /* sentence date after time shift */
    bool shifted;
    bool truncated;           /* the sentence was cut to its first words */
    bool story_discard;       /* a story discard phrase: drop the whole story */
    vg_issue_counts issues;   /* issue codes found in the sentence */
    vg_coded_events events;
    uint32_t match_steps;     /* pattern-matching work spent (see VG_MATCH_BUDGET) */
    int32_t budget_pattern;   /* the pattern at which the budget ran out, or -1 */
    vg_buf expl;              /* explanations of the model's decisions (model.h) */
} vg_result;

typedef struct vg_matcher vg_matcher;

vg_matcher *vg_matcher_new(const vg_dict *d, const vg_options *opt);
/* Bounds the matcher's word memo (vg_wordcache_set_limit; 0: default). */
void vg_matcher_set_word_memo(vg_matcher *c, size_t words);
void vg_matcher_free(vg_matcher *c);

/* Pattern matching backtracks over the ways a pattern's elements can sit in
 * a clause.  Each sentence gets a budget of steps (an element tried at a
 * position) across all its patterns; once spent, the pattern being tried
 * and every later one fail (verbs keep their own codes) and the result
 * names that pattern in budget_pattern.  Normal text needs a few hundred
 * steps at most (docs/coding.md). */
#define VG_MATCH_BUDGET 200000u
/* Sets the budget (0: the default); for tests and benchmarks. */
void vg_matcher_set_budget(vg_matcher *c, uint32_t steps);

/* Starts a new story: pronoun forwarding does not cross stories. */
void vg_matcher_new_story(vg_matcher *c);

/* Codes one sentence; date is yyyymmdd.  out is cleared first. */
void vg_matcher_code(vg_matcher *c, const char *text, size_t len, int32_t date,
                      vg_result *out);

const vg_options *vg_matcher_options(const vg_matcher *c);

/* The analysis of the last coded sentence (for explanations). */
const vg_analysis *vg_matcher_analysis(const vg_matcher *c);

void vg_result_free(vg_result *r);

/* The readings the dictionary offers for the verb at token v of the last
 * coded sentence: the code of every pattern of its block that matches
 * (longest first) and then the verb form's own code.  Fills at most max
 * codes and pattern indices (-1: the verb's own code); returns the count. */
size_t vg_verb_readings(vg_matcher *c, int v, const char **codes, int32_t *patterns, size_t max);

#endif
