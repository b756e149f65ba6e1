/* unknown.h -- candidate new actors: proper names that the dictionary does
 * not code, found in analysed sentences (`vigil dict unknown`).
 *
 * A name is a run of capitalised words, which may contain lower-case
 * particles ("Bank of Korea", "al-Shabaab", "Osama bin Laden"), and is not
 * a number, month, weekday or common sentence opener.  Titles and agents
 * in front of it are dropped ("President Zhang Wei" -> "Zhang Wei"); a run
 * with an actor anywhere in it, or an agent after its start, is already
 * coded and skipped.  A name counts only in subject position (before the
 * first verb of its clause, with a verb after it) or object position (just
 * after a verb, or after a preposition that follows a verb).  Verbs are
 * the analysis's verbs plus what the part-of-speech tagger calls a verb.
 *
 * A collector is single-threaded; feed it sentences in any order. */
#ifndef VG_UNKNOWN_H
#define VG_UNKNOWN_H

#include "analysis.h"

typedef struct vg_unknown vg_unknown;

typedef struct vg_unknown_name {
    const char *name;       /* as first written, possessive dropped */
    const char *example;    /* the first sentence it was seen in (at most ~160 bytes) */
    size_t count;           /* sentences it was seen in */
    size_t subject, object; /* of which: in subject / object position */
} vg_unknown_name;

vg_unknown *vg_unknown_new(const vg_dict *d);
void vg_unknown_free(vg_unknown *u);

/* Analyses one sentence (UTF-8) dated yyyymmdd and collects its names. */
void vg_unknown_sentence(vg_unknown *u, const char *text, size_t len, int32_t date);

/* Collects the names of a sentence already analysed with u's dictionary
 * (a->text must still be valid). */
void vg_unknown_add(vg_unknown *u, const vg_analysis *a);

/* Sentences seen so far. */
size_t vg_unknown_sentences(const vg_unknown *u);

/* Names seen in at least min sentences, most frequent first (then by
 * name); *out stays valid until the collector changes or is freed. */
size_t vg_unknown_list(vg_unknown *u, size_t min, const vg_unknown_name **out);

#endif
