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

/* ---- strings ----
 * Every string of a dictionary lives in one table (vg_dict.strs) and is
 * named by its offset, so that a compiled dictionary holds no pointers and
 * can be written to a file and mapped back anywhere (dict_image.c).  Offset
 * 0 is no string (NULL). */
typedef uint32_t vg_str;

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

/* The records below have no padding (the image writes them as they are). */
typedef struct vg_elem {
    vg_str s;           /* folded word (VG_EL_WORD) */
    int32_t synset;     /* VG_EL_SYNSET: index into vg_dict.synsets */
    uint16_t len;
    uint8_t type;       /* vg_elem_type */
    uint8_t mode;       /* vg_wmode */
    uint8_t adj_next;   /* the next element must follow immediately */
    uint8_t endings;    /* VG_END_*: regular endings accepted on VG_WM_EXACT */
    uint16_t pad_;
} vg_elem;

typedef struct vg_phrase {
    uint32_t w;         /* first element, in vg_dict.elems */
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
    vg_str code;              /* without '~' */
    uint32_t prefix;          /* "NGO~": code goes before the actor code */
    vg_src src;
} vg_agent;

/* A verb code: event code plus modifiers. */
enum {
    VG_VC_PAIRED = 1,       /* [A:B] */
    VG_VC_SUBORD = 2,       /* [A?] */
    VG_VC_DOMINANT = 4      /* [A!] */
};

typedef struct vg_vcode {
    vg_str code;            /* event code, 0 for special */
    vg_str pair;            /* second code of a pair */
    uint8_t special;        /* VG_CODE_* */
    uint8_t flags;          /* VG_VC_* */
    uint16_t pad_;
} vg_vcode;

typedef struct vg_pattern {
    uint32_t e;             /* elements in text order (in vg_dict.elems), one VG_EL_VERB */
    uint16_t n, verb;       /* element count; index of the verb element */
    uint16_t weight;        /* ordering length */
    uint16_t nlit;          /* distinct literal words (see vg_litset) */
    uint16_t nsyn;          /* synsets used */
    uint16_t pad_;
    uint32_t lit;           /* literal ids then synset ids, in the index */
    vg_vcode code;
    int32_t block;
    vg_str text;            /* as written, for explanations */
    vg_src src;
} vg_pattern;

typedef enum vg_vkind {
    VG_VK_VERB, VG_VK_TIME, VG_VK_ATTRIB, VG_VK_NOUN_EVENT
} vg_vkind;

/* A verb block: verbs that share one pattern list. */
typedef struct vg_vblock {
    vg_str name;
    vg_vcode code;          /* block default */
    uint32_t pat, npat;     /* into vg_dict.patterns, sorted longest first */
    uint32_t kind;          /* vg_vkind */
    vg_src src;
} vg_vblock;

typedef struct vg_verbform {
    int32_t block;
    vg_vcode code;          /* this form's own code, or the block's */
    int32_t verb_word;      /* which word of the phrase is the verb itself */
    vg_src src;
} vg_verbform;

typedef struct vg_issue {
    vg_str code;
    int32_t category;       /* index into vg_dict.issue_cats */
    uint32_t ignore;        /* 1: "~phrase" masks issues it overlaps; 2: "~~" all */
    vg_src src;
} vg_issue;

typedef struct vg_issue_cat {
    vg_str name;
    vg_str deflt;
    uint8_t all;            /* TYPE="ALL" */
    uint8_t numeric;        /* TYPE="NUMERIC" */
    uint16_t pad_;
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
    uint16_t pad_;
    int32_t ref;            /* index into actors/agents/verbforms/issues */
    uint32_t seq;           /* load order, breaks ties */
    vg_src src;
    vg_str text;            /* the phrase as written */
} vg_entry;

typedef struct vg_synset {
    vg_str name;
    uint32_t members, nmembers;   /* in vg_dict.synmem */
    uint16_t weight;        /* longest member */
    uint8_t plurals;        /* PETRARCH: add regular plurals to members */
    uint8_t pad_;
} vg_synset;

/* A LABEL: line of a TABARI .options file. */
typedef struct vg_label {
    vg_str code, text;
} vg_label;

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

/* A source file a dictionary was read from, so that a compiled image can
 * tell whether it is stale (dict_image.c). */
typedef struct vg_source {
    vg_str path;              /* as the loader named it */
    uint32_t missing;         /* 1: could not be read */
    int64_t size;
    int64_t mtime_ns;
    uint64_t ino;
    uint8_t digest[16];       /* of the contents (vg_dict_digest) */
} vg_source;

/* A message loading reported ("file:line: reason"), replayed when an image
 * of the set is mapped instead of parsing it again. */
typedef struct vg_dmsg {
    uint32_t level;           /* vg_diag_level */
    vg_str text;
} vg_dmsg;

/* A key of a word hash table (the first words of entries, the texts of
 * pattern literals): open addressing, linear probing; a slot holds a key's
 * index plus one, 0 when empty. */
typedef struct vg_wkey {
    uint32_t hash;            /* low 32 bits of vg_hash_bytes of the word */
    vg_str s;
    uint32_t len;
} vg_wkey;

/* Every array of a dictionary, by image section id (dict_image.c):
 * X(id, field, element type). */
#define VG_DICT_ARRAYS(X) \
    X(1, strs, char)              /* strings, each NUL-terminated; [0] = "" */ \
    X(2, elems, vg_elem)          /* words and pattern elements of every phrase */ \
    X(3, files, vg_str)           /* dictionary files, as named when loaded */ \
    X(4, entries, vg_entry) \
    X(5, actors, vg_actor) \
    X(6, dated, vg_dated) \
    X(7, codelist, vg_str) \
    X(8, agents, vg_agent) \
    X(9, blocks, vg_vblock) \
    X(10, verbforms, vg_verbform) \
    X(11, patterns, vg_pattern) \
    X(12, synsets, vg_synset) \
    X(13, synmem, vg_phrase)      /* synset members */ \
    X(14, issues, vg_issue) \
    X(15, issue_cats, vg_issue_cat) \
    X(16, labels, vg_label) \
    X(17, sources, vg_source)     /* files read (vg_dict_note_source) */ \
    X(18, msgs, vg_dmsg)          /* what loading reported (images only) */

/* The lookup index vg_dict_compile builds (dict.c). */
#define VG_INDEX_ARRAYS(X) \
    X(32, first_slots, uint32_t)  /* first word -> bucket */ \
    X(33, first_keys, vg_wkey) \
    X(34, bucket_at, uint32_t)    /* bucket b: items[bucket_at[b] .. bucket_at[b+1]) */ \
    X(35, items, int32_t)         /* entry ids, heavier first, then load order */ \
    X(36, lits, vg_elem)          /* pattern literals: distinct (word, mode, endings) */ \
    X(37, lit_slots, uint32_t)    /* literal text -> group */ \
    X(38, lit_keys, vg_wkey) \
    X(39, lit_at, uint32_t) \
    X(40, lit_items, int32_t)     /* literal ids, grouped by text */ \
    X(41, pat_lits, uint32_t)     /* per pattern: its literal ids, then synset ids */ \
    X(42, syn_first, uint32_t)    /* per synset member: first literal id or UINT32_MAX */ \
    X(43, syn_at, uint32_t)       /* per synset: start in syn_first */ \
    X(44, ent_lits, uint32_t)     /* per entry: literal ids of words 1..n-1 */ \
    X(45, ent_at, uint32_t) \
    X(46, pat_mask, uint64_t)     /* per pattern, two words: bit (literal id % 128) of \
                                     each literal it needs */ \
    X(47, ent_mask, uint64_t)     /* per entry, two words: the same of its words 1..n-1 */

/* One vector type per element type, so that arrays of the same type are
 * interchangeable (vg_vec_uint32_t, vg_vec_vg_elem, ...). */
typedef VG_VEC(char) vg_vec_char;
typedef VG_VEC(uint32_t) vg_vec_uint32_t;
typedef vg_vec_uint32_t vg_vec_vg_str;
typedef VG_VEC(int32_t) vg_vec_int32_t;
typedef VG_VEC(uint64_t) vg_vec_uint64_t;
typedef VG_VEC(vg_elem) vg_vec_vg_elem;
typedef VG_VEC(vg_entry) vg_vec_vg_entry;
typedef VG_VEC(vg_actor) vg_vec_vg_actor;
typedef VG_VEC(vg_dated) vg_vec_vg_dated;
typedef VG_VEC(vg_agent) vg_vec_vg_agent;
typedef VG_VEC(vg_vblock) vg_vec_vg_vblock;
typedef VG_VEC(vg_verbform) vg_vec_vg_verbform;
typedef VG_VEC(vg_pattern) vg_vec_vg_pattern;
typedef VG_VEC(vg_synset) vg_vec_vg_synset;
typedef VG_VEC(vg_phrase) vg_vec_vg_phrase;
typedef VG_VEC(vg_issue) vg_vec_vg_issue;
typedef VG_VEC(vg_issue_cat) vg_vec_vg_issue_cat;
typedef VG_VEC(vg_label) vg_vec_vg_label;
typedef VG_VEC(vg_source) vg_vec_vg_source;
typedef VG_VEC(vg_dmsg) vg_vec_vg_dmsg;
typedef VG_VEC(vg_wkey) vg_vec_vg_wkey;

#define VG_DECL_ARRAY_(id, name, T) vg_vec_##T name;

typedef struct vg_dict_index {
    VG_INDEX_ARRAYS(VG_DECL_ARRAY_)
    uint32_t maxlen;              /* longest first word */
    uint32_t lit_maxlen;          /* longest literal */
} vg_dict_index;

/* The compiled image a dictionary reads from (dict_image.c maps it). */
typedef struct vg_dict_map {
    void *addr;               /* mmap'd region, or NULL for borrowed memory */
    size_t len;
    vg_str key;               /* the set the image was made from */
    int64_t created_ns;       /* when it was written */
} vg_dict_map;

/* A dictionary.  Built by the loaders (its arrays then grow), or mapped
 * from a compiled image (dict_image.c: its arrays then point into the
 * image, with cap 0, and are read-only until vg_dict_thaw copies them). */
typedef struct vg_dict {
    VG_DICT_ARRAYS(VG_DECL_ARRAY_)
    vg_strmap synset_names;               /* while loading: name -> synset */
    vg_strmap str_ids;                    /* while loading: string -> offset (shared) */
    vg_options opt;
    bool has_time;                        /* a <TIME> section was read */
    bool dup_warning;
    bool compiled;                        /* vg_dict_compile built the index */
    bool defaults;                        /* Vigil's own (vg_dict_load_defaults) */
    vg_dict_index ix;
    vg_dict_map *map;                     /* the image it reads from, or NULL */
} vg_dict;

/* The string at offset s (NULL for 0). */
static inline const char *vg_dict_str(const vg_dict *d, vg_str s)
{
    return s ? d->strs.v + s : NULL;
}

/* The elements of a phrase. */
static inline const vg_elem *vg_phrase_elems(const vg_dict *d, const vg_phrase *ph)
{
    return d->elems.v + ph->w;
}
/* ... writable, while loading. */
static inline vg_elem *vg_phrase_elems_mut(vg_dict *d, const vg_phrase *ph)
{
    return d->elems.v + ph->w;
}

/* The word of a VG_EL_WORD element. */
static inline const char *vg_elem_word(const vg_dict *d, const vg_elem *e)
{
    return d->strs.v + e->s;
}

vg_dict *vg_dict_new(void);
void vg_dict_free(vg_dict *d);

/* Builds the lookup index; call after loading, before coding.  A mapped
 * image is compiled already (a no-op then). */
void vg_dict_compile(vg_dict *d);

/* Makes a mapped dictionary writable (copies its arrays out of the image);
 * the loaders call it, so that files can be added to any dictionary. */
void vg_dict_thaw(vg_dict *d);

/* ---- building blocks for loaders (dict.c) ----
 * Each loader parses its own format and builds the model with these. */

int32_t vg_dict_file(vg_dict *d, const char *path);
vg_str vg_dict_strdup(vg_dict *d, const char *s, size_t n);

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
                     vg_src src, vg_str text);

/* Adds an actor with its code alternatives (dated ones are tried first, in
 * order; the undated default last) and points its phrase entries at it;
 * the first phrase is the primary one.  Returns the actor's index. */
int32_t vg_dict_add_actor(vg_dict *d, const vg_dated *codes, size_t ncodes,
                     const int32_t *phrases, size_t nphrases, vg_src src);

typedef vg_vec_vg_elem vg_elems;

/* Parses pattern-style elements (tokens $ + % ^ @ * and &SYNSET allowed). */
bool vg_parse_elems(vg_dict *d, const char *s, size_t n, vg_elems *out,
                    const char **why);
vg_phrase vg_phrase_from(vg_dict *d, const vg_elem *e, size_t n);

int32_t vg_dict_add_block(vg_dict *d, vg_str name, const vg_vcode *code,
                     vg_vkind kind, vg_src src);
int32_t vg_dict_add_verbform(vg_dict *d, const vg_phrase *ph, int32_t block,
                        const vg_vcode *code, int16_t verb_word, vg_src src,
                        vg_str text);
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
/* Vigil's default dictionaries: $VIGIL_DICT_DIR if set, else built in
 * (the built-in image VG_DEFAULTS_IMAGE, when d is new; else the built-in
 * files are parsed). */
#define VG_DEFAULTS_IMAGE "dict/defaults.vgd"
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
    /* Compiled images (docs/dictionaries.md).  image: with no files named,
     * the image to map (refused when corrupt or stale); with files, where
     * their image is kept (rebuilt when missing, corrupt or stale).
     * cache_dir: otherwise, the directory where the images of file sets are
     * kept, named by a digest of the set (NULL: none). */
    const char *image;
    const char *cache_dir;
} vg_dict_spec;

/* True when the spec names no files (then the defaults are loaded). */
bool vg_dict_spec_empty(const vg_dict_spec *sp);
/* Loads the set (problems go to diag) and compiles it, from its image when
 * there is a sound one; never NULL.  An image given alone that cannot be
 * used is reported into diag (as an error) and an empty set returned: use
 * vg_dict_open to tell. */
vg_dict *vg_dict_load_spec(const vg_dict_spec *sp, vg_diag *diag);
/* As vg_dict_load_spec, but returns NULL with a reason in err when the
 * image given alone is refused (unreadable, corrupt, stale). */
vg_dict *vg_dict_open(const vg_dict_spec *sp, vg_diag *diag, char *err, size_t errsz);
/* Writes the image of the set to path (atomically); false with err set on
 * failure.  The messages loading reported are kept in it. */
bool vg_dict_compile_file(const vg_dict_spec *sp, const char *path, vg_diag *diag, char *err,
                          size_t errsz);
/* The cache directory for images of file sets: $VIGIL_CACHE_DIR (empty or
 * "off": none), else $XDG_CACHE_HOME/vigil, else $HOME/.cache/vigil.
 * Returns a string to free, or NULL. */
char *vg_dict_cache_dir(void);
/* Where the image of the spec's files is kept in sp->cache_dir (a string to
 * free), or NULL. */
char *vg_dict_cache_path(const vg_dict_spec *sp);
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
bool vg_elem_match(const vg_dict *d, const vg_elem *w, const char *t, size_t tlen);

/* A per-thread memo of what each distinct word matches in a dictionary:
 * the entries whose first word it is (best first) and the pattern literals
 * it satisfies.  Bounded: it empties itself when it grows large. */
typedef struct vg_wordcache vg_wordcache;
vg_wordcache *vg_wordcache_new(const vg_dict *d);
void vg_wordcache_free(vg_wordcache *wc);
/* Bounds the memo at `words` distinct words (0: the default, 200,000,
 * about 17 MB); when full it empties itself and keeps its memory, so a
 * process that codes for weeks grows only up to the bound. */
void vg_wordcache_set_limit(vg_wordcache *wc, size_t words);
/* Changes whenever the cache empties itself (handles are then reused): a
 * memo keyed by handles must forget what it knew. */
uint32_t vg_wordcache_generation(const vg_wordcache *wc);

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
    uint64_t mask[2];        /* bit (id % 128) of every literal that occurs */
};
typedef struct vg_litset vg_litset;

void vg_litset_init(vg_litset *ls, const vg_dict *d);
void vg_litset_free(vg_litset *ls);
void vg_litset_mark(vg_litset *ls, const vg_dict *d, vg_wordcache *wc,
                    const uint32_t *winfo, const vg_tokens *tk);
bool vg_pattern_viable(const vg_dict *d, const vg_pattern *p, const vg_litset *ls);
/* The quick test before it: can pattern pi's literals occur at all (by the
 * sentence's literal bits)?  False means vg_pattern_viable is false. */
static inline bool vg_pattern_may_match(const vg_dict *d, size_t pi, const vg_litset *ls)
{
    if (2 * pi >= d->ix.pat_mask.n) return true;       /* not compiled */
    const uint64_t *m = d->ix.pat_mask.v + 2 * pi;
    return !((m[0] & ~ls->mask[0]) | (m[1] & ~ls->mask[1]));
}
/* The members of synset s that can occur in the sentence (their first
 * word is in it): their indices, *n of them. */
const uint32_t *vg_synset_members(const vg_dict *d, int32_t s, const vg_litset *ls, size_t *n);

/* Resolves an actor's code alternative for a date (yyyymmdd). */
const vg_dated *vg_actor_code(const vg_dict *d, int32_t actor, int32_t date);

const char *vg_dict_file_name(const vg_dict *d, vg_src src);

/* ---- compiled images (dict_image.c, docs/dictionaries.md) ----
 * One file holds a compiled dictionary: every array above (string table,
 * phrases, patterns, synsets, the index), the options, the source files it
 * was compiled from (with their sizes, times and digests) and the messages
 * loading reported.  It is position-independent (offsets, no pointers),
 * versioned, stamped with the host's byte order and the records' layout,
 * and checksummed; the reader checks all of that and every offset and
 * index in it before the dictionary is used, so a corrupt image is
 * refused, never trusted. */

#define VG_IMAGE_VERSION 1u

/* Records a source file: call before reading it (stat), with its contents
 * (NULL if it could not be read). */
void vg_dict_note_source(vg_dict *d, const char *path, const char *text, size_t len);

/* A 128-bit digest of data (not cryptographic: for telling changed files). */
void vg_dict_digest(const void *data, size_t n, uint8_t out[16]);

/* Serialises a compiled dictionary; key names the set it was made from. */
void vg_dict_image_write(const vg_dict *d, const char *key, vg_buf *out);

/* Writes the size and checksum into an image's header (the writer's last
 * step; the fuzz target uses it so that mutations reach the checks behind
 * the checksum). */
void vg_dict_image_seal(void *data, size_t len);

/* Opens an image in memory (checks everything; data must outlive the
 * dictionary; 8-byte aligned).  NULL with a reason in err if it is not a
 * sound image. */
vg_dict *vg_dict_image_open(const void *data, size_t len, char *err, size_t errsz);
/* Maps the pages of an image in memory (the built-in one) in one go:
 * on a virtual machine a fault per page costs more than reading it. */
void vg_dict_image_prefault(const void *data, size_t len);
/* Maps an image file read-only and opens it. */
vg_dict *vg_dict_image_map(const char *path, char *err, size_t errsz);
/* Is the file an image of Vigil's default dictionaries (by its header
 * alone: opening it checks the rest)? */
bool vg_dict_image_is_defaults(const char *path);
/* The key the image was written with ("" if none). */
const char *vg_dict_image_key(const vg_dict *d);
/* Is every source file of a mapped image as it was compiled?  Otherwise
 * false with the first changed one named in why. */
bool vg_dict_image_fresh(const vg_dict *d, char *why, size_t whysz);
/* Moves a dictionary opened from an image into d, which must be new
 * (vg_dict_new, nothing loaded); false (img freed) otherwise. */
bool vg_dict_adopt(vg_dict *d, vg_dict *img);
/* Releases the image a dictionary reads from (its arrays must no longer
 * point into it: vg_dict_thaw and vg_dict_free call it). */
void vg_dict_unmap(vg_dict *d);
/* Replays the messages loading reported when the image was compiled. */
void vg_dict_image_replay(const vg_dict *d, vg_diag *diag);

#endif
