/* dict.h -- the dictionary model shared by the TABARI and PETRARCH loaders.
 *
 * A dictionary holds phrases (sequences of words) of several kinds: actors
 * (with dated codes), agents, verbs (grouped in blocks that share a pattern
 * list), nouns and adjectives, time shifts, attribution verbs, discards and
 * issues; plus synonym sets used inside patterns, and coding options.
 *
 * Loaders (dict_tabari.c, dict_petrarch.c) add entries; vg_dict_compile()
 * then sorts patterns and builds the lookup index.  A compiled dictionary is
 * immutable and may be shared by any number of coding threads. */
#ifndef VG_DICT_H
#define VG_DICT_H

#include "util.h"
#include "text.h"

/* ---- words and phrases ---- */

typedef enum vg_wmode {
    VG_WM_STEM,    /* WORD   : any word starting with WORD */
    VG_WM_EXACT,   /* WORD_  : the word, or the word plus a regular ending */
    VG_WM_NOEND    /* WORD=  : exactly the word */
} vg_wmode;

typedef enum vg_elem_type {
    VG_EL_WORD,
    VG_EL_SYNSET,  /* &NAME */
    VG_EL_SRC,     /* $ */
    VG_EL_TGT,     /* + */
    VG_EL_CMP,     /* % */
    VG_EL_SKIP,    /* ^ */
    VG_EL_ATTR,    /* @ */
    VG_EL_VERB     /* * : only inside a pattern's element list */
} vg_elem_type;

enum { VG_END_NONE, VG_END_NOUN, VG_END_VERB };

typedef struct vg_elem {
    const char *s;      /* folded word (VG_EL_WORD) */
    uint16_t len;
    uint8_t type;       /* vg_elem_type */
    uint8_t mode;       /* vg_wmode */
    uint8_t adj_next;   /* the next element must follow immediately */
    uint8_t endings;    /* VG_END_*: regular endings accepted on VG_WM_EXACT */
    int32_t synset;     /* VG_EL_SYNSET: index into vg_dict.synsets */
} vg_elem;

typedef struct vg_phrase {
    vg_elem *w;
    uint16_t n;
    uint16_t weight;    /* ordering length: letters plus '_' connectors */
} vg_phrase;

/* ---- codes ---- */

/* Special codes. */
enum {
    VG_CODE_NONE = 0,     /* no code given */
    VG_CODE_NULL = 1,     /* [---] */
    VG_CODE_DISCARD = 2,  /* [###] */
    VG_CODE_COMPLEX = 3   /* [+++] */
};

/* One dated alternative of an actor's code. */
typedef struct vg_dated {
    int32_t from, to;     /* yyyymmdd, inclusive */
    uint32_t codes;       /* index of the first code in vg_dict.codelist */
    uint16_t ncodes;      /* >1 for coded compounds [A/B/C] */
    uint8_t special;      /* VG_CODE_* when not a real code */
    uint8_t has_date;
} vg_dated;

typedef struct vg_src {
    int32_t file;         /* index into vg_dict.files */
    int32_t line;
} vg_src;

typedef struct vg_actor {
    uint32_t dated, ndated;   /* into vg_dict.dated */
    int32_t parent;           /* phrase index of the primary phrase */
    vg_src src;
} vg_actor;

typedef struct vg_agent {
    const char *code;         /* without '~' */
    uint8_t prefix;           /* "NGO~": code goes before the actor code */
    vg_src src;
} vg_agent;

/* A verb code: event code plus modifiers. */
enum {
    VG_VC_PAIRED = 1,       /* [A:B] */
    VG_VC_SUBORD = 2,       /* [A?] */
    VG_VC_DOMINANT = 4      /* [A!] */
};

typedef struct vg_vcode {
    const char *code;       /* event code, NULL for special */
    const char *pair;       /* second code of a pair */
    uint8_t special;        /* VG_CODE_* */
    uint8_t flags;          /* VG_VC_* */
} vg_vcode;

typedef struct vg_pattern {
    vg_elem *e;             /* elements in text order, including one VG_EL_VERB */
    uint16_t n, verb;       /* element count; index of the verb element */
    uint16_t weight;        /* ordering length */
    uint16_t nlit;          /* distinct literal words (see vg_litset) */
    uint16_t nsyn;          /* synsets used */
    uint32_t lit;           /* literal ids then synset ids, in vg_dict_index */
    vg_vcode code;
    int32_t block;
    const char *text;       /* as written, for explanations */
    vg_src src;
} vg_pattern;

typedef enum vg_vkind {
    VG_VK_VERB, VG_VK_TIME, VG_VK_ATTRIB, VG_VK_NOUN_EVENT
} vg_vkind;

/* A verb block: verbs that share one pattern list. */
typedef struct vg_vblock {
    const char *name;
    vg_vcode code;          /* block default */
    uint32_t pat, npat;     /* into vg_dict.patterns, sorted longest first */
    uint8_t kind;           /* vg_vkind */
    vg_src src;
} vg_vblock;

typedef struct vg_verbform {
    int32_t block;
    vg_vcode code;          /* this form's own code, or the block's */
    int16_t verb_word;      /* which word of the phrase is the verb itself */
    vg_src src;
} vg_verbform;

typedef struct vg_issue {
    const char *code;
    int32_t category;       /* index into vg_dict.issue_cats */
    uint8_t ignore;         /* 1: "~phrase" masks issues it overlaps; 2: "~~" all */
    vg_src src;
} vg_issue;

typedef struct vg_issue_cat {
    const char *name;
    const char *deflt;
    uint8_t all;            /* TYPE="ALL" */
    uint8_t numeric;        /* TYPE="NUMERIC" */
} vg_issue_cat;

/* What a phrase stands for. */
typedef enum vg_pkind {
    VG_PK_ACTOR, VG_PK_AGENT, VG_PK_VERB, VG_PK_NOUN, VG_PK_ADJ,
    VG_PK_DISCARD, VG_PK_ISSUE
} vg_pkind;

typedef struct vg_entry {
    vg_phrase ph;
    uint8_t kind;           /* vg_pkind */
    uint8_t story;          /* discard: the whole story */
    int32_t ref;            /* index into actors/agents/verbforms/issues */
    uint32_t seq;           /* load order, breaks ties */
    vg_src src;
    const char *text;       /* the phrase as written */
} vg_entry;

typedef struct vg_synset {
    const char *name;
    VG_VEC(vg_phrase) members;
    uint16_t weight;        /* longest member */
    uint8_t plurals;        /* PETRARCH: add regular plurals to members */
} vg_synset;

/* ---- options (the TABARI .options settings that change coding) ---- */

typedef enum { VG_CODEBY_CLAUSE, VG_CODEBY_SENTENCE, VG_CODEBY_ALL } vg_codeby;

typedef struct vg_options {
    vg_codeby code_by;
    int min_words;                        /* default 8 (TABARI); 0 = off */
    bool comma_off;
    int comma_min, comma_max, comma_emin, comma_emax, comma_bmin, comma_bmax;
    /* COMPLEX: thresholds (0 = inactive) and flags */
    int cx_verbs, cx_actors, cx_pronouns, cx_conj, cx_comma, cx_lateverb;
    bool cx_noactprior, cx_noactafter, cx_noverb, cx_nosource, cx_notarget, cx_noevent;
    bool cx_explain;
    /* DEFAULT: */
    char def_source[24], def_target[24];
    bool def_prior, def_after;
    bool convert_agents;                  /* an agent alone is an actor */
    bool agent_dashes;                    /* ...coded ---CODE (PETRARCH) not ~CODE */
    int time_shift;                       /* -1 = as the .verbs file says */
    bool yyyy;
    bool fbis;
    bool forward;                         /* FORWARD: pronoun forwarding */
    char fwd_format[40];
    int nonevents;                        /* 0 false, 1 true, 2 only */
    bool label;
    /* Vigil analysis switches */
    bool tabari_compat;                   /* reproduce TABARI 0.8.4 exactly */
    bool use_tagger;                      /* tagger decides verbs vs nouns */
    bool require_dyad;
} vg_options;

void vg_options_default(vg_options *o);

/* ---- the dictionary ---- */

typedef struct vg_dict_index vg_dict_index;

typedef struct vg_dict {
    vg_arena arena;
    VG_VEC(const char *) files;
    VG_VEC(vg_entry) entries;
    VG_VEC(vg_actor) actors;
    VG_VEC(vg_dated) dated;
    VG_VEC(const char *) codelist;
    VG_VEC(vg_agent) agents;
    VG_VEC(vg_vblock) blocks;
    VG_VEC(vg_verbform) verbforms;
    VG_VEC(vg_pattern) patterns;
    VG_VEC(vg_synset) synsets;
    VG_VEC(vg_issue) issues;
    VG_VEC(vg_issue_cat) issue_cats;
    vg_strmap synset_names;
    vg_strmap labels;                     /* LABEL: code=text */
    VG_VEC(const char *) label_text;
    vg_options opt;
    bool has_time;                        /* a <TIME> section was read */
    bool dup_warning;
    vg_dict_index *index;                 /* built by vg_dict_compile */
} vg_dict;

vg_dict *vg_dict_new(void);
void vg_dict_free(vg_dict *d);

/* Builds the lookup index; call after loading, before coding. */
void vg_dict_compile(vg_dict *d);

/* ---- building blocks for loaders (dict.c) ----
 * Each loader parses its own format and builds the model with these. */

int32_t vg_dict_file(vg_dict *d, const char *path);
const char *vg_dict_strdup(vg_dict *d, const char *s, size_t n);

/* Parses a phrase ("UNITED_ARAB_EMIRATES_", "PRINCE DOL_AMROTH") into
 * words; '-' is read as '_'.  Returns false (with *why set) if empty. */
bool vg_parse_phrase(vg_dict *d, const char *s, size_t n, vg_phrase *out,
                     const char **why);

/* Parses a code block's contents ("SRBGOV 170531-", "USA/GMW", "---",
 * "SRB >20080109") into a dated alternative.  Six-digit dates are TABARI's
 * YYMMDD: years 00-30 are 20xx. */
bool vg_parse_dated(vg_dict *d, const char *s, size_t n, vg_dated *out,
                    const char **why);

/* Parses a verb code ("023?", "032:033", "111!", "---"). */
bool vg_parse_vcode(vg_dict *d, const char *s, size_t n, vg_vcode *out,
                    const char **why);

/* Parses a pattern body (the part between '-' and '[') into one or more
 * patterns (alternatives "{ a | b }" are expanded).  Appends them to
 * d->patterns with the given code and block. */
bool vg_dict_add_patterns(vg_dict *d, const char *s, size_t n, const vg_vcode *code,
                     int32_t block, vg_src src, const char **why);

int32_t vg_dict_add_entry(vg_dict *d, vg_pkind kind, const vg_phrase *ph, int32_t ref,
                     vg_src src, const char *text);

/* Adds an actor with its code alternatives (dated ones are tried first, in
 * order; the undated default last) and points its phrase entries at it;
 * the first phrase is the primary one.  Returns the actor's index. */
int32_t vg_dict_add_actor(vg_dict *d, const vg_dated *codes, size_t ncodes,
                     const int32_t *phrases, size_t nphrases, vg_src src);

typedef VG_VEC(vg_elem) vg_elems;

/* Parses pattern-style elements (tokens $ + % ^ @ * and &SYNSET allowed). */
bool vg_parse_elems(vg_dict *d, const char *s, size_t n, vg_elems *out,
                    const char **why);
vg_phrase vg_phrase_from(vg_dict *d, const vg_elem *e, size_t n);

int32_t vg_dict_add_block(vg_dict *d, const char *name, const vg_vcode *code,
                     vg_vkind kind, vg_src src);
int32_t vg_dict_add_verbform(vg_dict *d, const vg_phrase *ph, int32_t block,
                        const vg_vcode *code, int16_t verb_word, vg_src src,
                        const char *text);
int32_t vg_dict_add_synset(vg_dict *d, const char *name, size_t n);
bool vg_dict_add_synset_member(vg_dict *d, int32_t set, const char *s, size_t n,
                          const char **why);
/* code_text: "~GOV" or "NGO~" */
bool vg_dict_add_agent(vg_dict *d, const char *code_text, size_t n, vg_src src,
                  const char **why);

/* ---- loaders ---- */

typedef VG_VEC(char *) vg_strlist;

/* A loader reads one file's text (name is used in messages). */
typedef bool (*vg_loader)(vg_dict *d, const char *name, const char *text,
                          size_t len, vg_diag *diag);

bool vg_dict_load_tabari_actors(vg_dict *d, const char *name, const char *text,
                           size_t len, vg_diag *diag);
bool vg_dict_load_tabari_agents(vg_dict *d, const char *name, const char *text,
                           size_t len, vg_diag *diag);
bool vg_dict_load_tabari_verbs(vg_dict *d, const char *name, const char *text,
                          size_t len, vg_diag *diag);
bool vg_dict_load_tabari_options(vg_dict *d, const char *name, const char *text,
                            size_t len, vg_diag *diag);
/* Applies one .options command line (also used by validation records). */
bool vg_tabari_option(vg_dict *d, const char *line, const char *file, long lineno,
                      vg_diag *diag);
bool vg_dict_load_petrarch_actors(vg_dict *d, const char *name, const char *text,
                             size_t len, vg_diag *diag);
bool vg_dict_load_petrarch_agents(vg_dict *d, const char *name, const char *text,
                             size_t len, vg_diag *diag);
bool vg_dict_load_petrarch_verbs(vg_dict *d, const char *name, const char *text,
                            size_t len, vg_diag *diag);
bool vg_dict_load_petrarch_discards(vg_dict *d, const char *name, const char *text,
                               size_t len, vg_diag *diag);
bool vg_dict_load_petrarch_issues(vg_dict *d, const char *name, const char *text,
                             size_t len, vg_diag *diag);
/* Loads the dictionaries a PETR_config.ini names (paths relative to it). */
bool vg_dict_load_petrarch_config(vg_dict *d, const char *path, vg_diag *diag);
/* Vigil's default dictionaries: $VIGIL_DICT_DIR if set, else built in. */
bool vg_dict_load_defaults(vg_dict *d, vg_diag *diag);

/* Runs a loader on a dictionary's text.  Every dictionary -- files, the
 * built-in defaults, those a .project or PETR_config.ini names -- is
 * loaded through here, so every loader sees valid UTF-8: text that is not
 * (a Latin-1 or Windows-1252 file, a stray byte) is repaired with
 * vg_utf8_from_legacy and the repair is reported once, as a warning with
 * the file, the line of the first bad byte and the count. */
bool vg_dict_load_text(vg_dict *d, const char *name, const char *text, size_t len, vg_loader fn,
                  vg_diag *diag);
/* Reads a file from disk and runs a loader on it (dict.c, through vg_dict_load_text). */
bool vg_dict_load_file(vg_dict *d, const char *path, vg_loader fn, vg_diag *diag);

/* ---- dictionary sets (dict_load.c) ---- */

typedef VG_VEC(const char *) vg_paths;

/* A set of dictionary files as a user names them.  actors, agents and verbs
 * are read as TABARI files when their names end in .actors, .agents or
 * .verbs, as PETRARCH files otherwise; TABARI verbs, options or a project
 * turn on TABARI-compatible coding. */
typedef struct vg_dict_spec {
    const char *project;      /* a TABARI .project */
    const char *config;       /* a PETRARCH PETR_config.ini */
    const char *options;      /* a TABARI .options file */
    vg_paths actors, agents, verbs, discards, issues;
} vg_dict_spec;

/* True when the spec names nothing (then the defaults are loaded). */
bool vg_dict_spec_empty(const vg_dict_spec *sp);
/* Loads the set (problems go to diag) and compiles it; never NULL. */
vg_dict *vg_dict_load_spec(const vg_dict_spec *sp, vg_diag *diag);
void vg_dict_spec_free(vg_dict_spec *sp);
/* Loads every dictionary a .project names; appends its <textfile>s to texts. */
bool vg_dict_load_tabari_project(vg_dict *d, const char *path, vg_diag *diag,
                            vg_strlist *texts);

/* ---- lookups used by analysis and coding ---- */

/* A dictionary phrase found in a token sequence. */
typedef struct vg_hit {
    int32_t entry;        /* index into d->entries */
    uint16_t first, last; /* token span (last = index of its final word) */
    uint16_t nwords;
    uint16_t pos[32];     /* token index of each word of the phrase */
} vg_hit;

/* Does folded token text t match word element w? */
bool vg_elem_match(const vg_elem *w, const char *t, size_t tlen);

/* A per-thread memo of what each distinct word matches in a dictionary:
 * the entries whose first word it is (best first) and the pattern literals
 * it satisfies.  Bounded: it empties itself when it grows large. */
typedef struct vg_wordcache vg_wordcache;
vg_wordcache *vg_wordcache_new(const vg_dict *d);
void vg_wordcache_free(vg_wordcache *wc);

/* Looks every token up once (winfo[i] receives a handle used below; it
 * stays valid until the next call on this cache). */
void vg_dict_lookup(const vg_dict *d, vg_wordcache *wc, const vg_tokens *tk, uint32_t *winfo);

/* Finds the best (longest) phrase of one of the kinds (a bitmask of
 * 1<<vg_pkind) starting at token i whose later words are found in tokens
 * i+1..lim-1, skipping tokens for which skip[] is set; winfo and ls are
 * the sentence's vg_dict_lookup and vg_litset_mark.  Returns false if none. */
struct vg_litset;
bool vg_dict_find(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                  const struct vg_litset *ls, const vg_tokens *tk, size_t i, size_t lim,
                  unsigned kinds, const uint8_t *skip, vg_hit *out);

/* Calls fn for every discard and issue phrase found in the sentence (in
 * token order); returns how many. */
typedef void (*vg_scan_fn)(void *ctx, const vg_hit *h);
size_t vg_dict_scan(const vg_dict *d, vg_wordcache *wc, const uint32_t *winfo,
                    const vg_tokens *tk, vg_scan_fn fn, void *ctx);

/* Pattern pre-filter.  A pattern can only match if each of its literal
 * words matches some token of the sentence, and each synset it uses has a
 * member whose first word does.  A vg_litset records, for one sentence,
 * which literals occur; mark it once per sentence, then ask. */
struct vg_synmemo;
struct vg_litset {
    uint32_t *lit;           /* lit[id] == stamp: the literal occurs */
    struct vg_synmemo *syn;  /* per sentence: each synset's possible members */
    uint32_t stamp;
};
typedef struct vg_litset vg_litset;

void vg_litset_init(vg_litset *ls, const vg_dict *d);
void vg_litset_free(vg_litset *ls);
void vg_litset_mark(vg_litset *ls, const vg_dict *d, vg_wordcache *wc,
                    const uint32_t *winfo, const vg_tokens *tk);
bool vg_pattern_viable(const vg_dict *d, const vg_pattern *p, const vg_litset *ls);
/* The members of synset s that can occur in the sentence (their first
 * word is in it): their indices, *n of them. */
const uint32_t *vg_synset_members(const vg_dict *d, int32_t s, const vg_litset *ls, size_t *n);

/* Resolves an actor's code alternative for a date (yyyymmdd). */
const vg_dated *vg_actor_code(const vg_dict *d, int32_t actor, int32_t date);

const char *vg_dict_file_name(const vg_dict *d, vg_src src);

#endif
