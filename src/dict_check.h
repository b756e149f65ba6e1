/* dict_check.h -- checks, statistics and explanations of a compiled
 * dictionary, for `vigil dict`: lint (file:line messages), counts, and what
 * a phrase codes and why.  Explanations analyse the phrase (analysis.h), so
 * this sits above the analysis, not in dict.h.  Everything here reads a
 * compiled dictionary. */
#ifndef VG_DICT_CHECK_H
#define VG_DICT_CHECK_H

#include "dict.h"

/* Source lines of actors' dated alternatives (the model keeps only the
 * actor's first line): found on demand in the dictionary file's text, read
 * from disk or from the copy built into the binary. */
typedef struct vg_dict_sources vg_dict_sources;
vg_dict_sources *vg_dict_sources_new(const vg_dict *d);
void vg_dict_sources_free(vg_dict_sources *s);
/* Where the k-th alternative (0 <= k < ndated) of an actor is written; the
 * actor's own line when its text cannot be found. */
vg_src vg_dated_src(vg_dict_sources *s, int32_t actor, uint32_t k);

/* Appends a dated alternative as written: "SRBGOV >20170531", "USA/GBR",
 * "--- 19950101-19991231". */
void vg_dated_text(const vg_dict *d, const vg_dated *dt, vg_buf *out);

typedef struct vg_check_opts {
    int32_t expired;   /* yyyymmdd: warn about actors with no code valid then; 0 = off */
} vg_check_opts;

/* Lints a compiled dictionary, adding each problem to diag as "file:line:
 * message", in file and line order.  Errors: a phrase defined again with a
 * different meaning (the later one never matches), date ranges of one actor
 * that overlap with different codes, inverted ranges, a pattern repeated in
 * a block with a different code.  Warnings: exact duplicates, a phrase that
 * is both an actor and an agent, overlaps with the same code, extra undated
 * codes, and (with o->expired) actors with no code valid on that date.
 * Returns the number of errors added. */
size_t vg_dict_check(const vg_dict *d, const vg_check_opts *o, vg_diag *diag);

/* Length of a diagnostic's "file:line: " (or "file: ") prefix, 0 if none:
 * where "error: " goes in gcc-style output. */
size_t vg_diag_prefix_len(const char *text);

typedef struct vg_dict_counts {
    size_t files, actors, actor_phrases, dated, undated, dated_actors;
    size_t agent_phrases, agent_codes;    /* agent codes: distinct "~GOV", "NGO~" */
    size_t blocks, verb_forms, patterns;
    size_t synsets, synset_members, nouns, adjectives;
    size_t discards, story_discards, issues, issue_categories;
    size_t countries;          /* distinct countries of actor codes (vg_actor_country) */
    size_t prefixes;           /* distinct 3-letter prefixes of actor codes */
} vg_dict_counts;

void vg_dict_count(const vg_dict *d, vg_dict_counts *c);

/* Explains what the dictionary matches in a phrase on a date (yyyymmdd):
 * every entry of every kind found at each word, with its source line; for
 * actors every dated alternative with the one valid on the date marked,
 * for agents the composed code, for verbs the block, code and number of
 * patterns.  Appends plain text, or one JSON object when json is set.
 * Returns the number of matches. */
size_t vg_dict_explain(const vg_dict *d, const char *text, size_t len, int32_t date,
                       bool json, vg_buf *out);

#endif
