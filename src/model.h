/* model.h -- the learned layer: the dictionaries propose, a sparse linear
 * model decides (docs/model.md).
 *
 * A model holds up to five heads, each a multinomial logistic regression
 * over hashed features with its own weights:
 *
 *   event    does the sentence report an event at all (no / yes)
 *   penta    its PentaClass (0 statement ... 4 material conflict)
 *   root     its CAMEO root (01..20; the PLOVER category follows from it)
 *   plover   its PLOVER category (optional: a user's own codebook)
 *   roles    for each coded actor phrase: source, target or neither
 *
 * Sentence features are the words and bigrams, the main verb (its lemma,
 * tag, particle and the words around it), what the dictionary coder found
 * (codes, roots, classes, PLOVER categories, how each matched, verbs that
 * matched no pattern), the kinds of actors, and the sentence's shape
 * (passive, quotation, dateline, negation, report verbs, modality).  Role
 * features describe a phrase's place relative to the verb.
 *
 * A decider applies a model to one coded sentence (vg_decide): it scores the
 * candidate events the dictionaries produced, keeps, relabels (root, code)
 * or drops them, and may add an event the patterns missed when it is
 * confident (the roles head then picks its source and target among the
 * coded phrases, or one of them and "---").  Every event then carries its
 * method (dictionary, model, both), a confidence and an explanation.
 *
 * Training (vg_train_*) is deterministic: the same data and seed give a
 * byte-identical model file.  A loaded model is immutable and may be shared
 * by any number of threads; a decider belongs to one thread. */
#ifndef VG_MODEL_H
#define VG_MODEL_H

#include "match.h"

/* ================================================================ heads */

typedef enum vg_task {
    VG_TASK_EVENT, VG_TASK_PENTA, VG_TASK_ROOT, VG_TASK_PLOVER, VG_TASK_ROLES,
    VG_NTASKS
} vg_task;

const char *vg_task_name(vg_task t);           /* "event", ... */
bool vg_task_parse(const char *s, vg_task *out);

/* Classes of a task, in model order: event "none","event"; penta "0".."4";
 * root "01".."20"; plover the 16 categories; roles "source","target","none". */
size_t vg_task_classes(vg_task t, const char *const **names);
/* Index of a label among the task's classes; -1 if unknown.  penta also
 * accepts class names, event yes/no/true/false/1/0. */
int vg_task_class(vg_task t, const char *label);

/* ================================================================ model */

typedef struct vg_model vg_model;

/* Loads a model file's bytes (copied).  A truncated, corrupt, stale or
 * foreign file is refused with a reason in err. */
vg_model *vg_model_load(const void *data, size_t len, char *err, size_t errsz);
vg_model *vg_model_load_file(const char *path, char *err, size_t errsz);
/* The model built into the binary (data/model.bin), loaded once, shared,
 * never freed; NULL when the build has none. */
const vg_model *vg_model_default(void);
void vg_model_free(vg_model *m);

bool vg_model_has(const vg_model *m, vg_task t);
/* Free-text provenance recorded at training time (data files, options). */
const char *vg_model_info(const vg_model *m);

/* ============================================================= features */

/* How a feature's name is spelled: prefix, a [, sep, b].  The strings are
 * the analysis's and the dictionary's own (or the features' scratch), so
 * naming costs no copies; a name is only valid while the analysis is. */
typedef struct vg_fname {
    const char *prefix, *a, *b;
    char sep;
} vg_fname;

/* Hashed features of one sentence or phrase.  With names set, how each is
 * spelled is kept too (explanations). */
typedef struct vg_feats {
    VG_VEC(uint32_t) id;
    bool names;
    VG_VEC(vg_fname) name;
    char scratch[512];
    size_t nscratch;
} vg_feats;

void vg_feats_clear(vg_feats *f);
void vg_feats_free(vg_feats *f);
uint32_t vg_feat_hash(const char *s, size_t n);
/* Appends the name of feature i (names must have been kept). */
void vg_feat_name(const vg_feats *f, size_t i, vg_buf *out);

/* Sentence features of an analysed and coded sentence. */
void vg_feats_sentence(const vg_analysis *a, const vg_result *r, vg_feats *f);

/* An actor phrase the dictionaries coded: its head token and token span. */
typedef struct vg_unit {
    int16_t head, first, last;
} vg_unit;
typedef VG_VEC(vg_unit) vg_units;

/* The coded actor phrases of a sentence, in text order. */
void vg_units_find(const vg_analysis *a, vg_units *out);
/* The sentence's main verb: the verb of the first candidate event, else
 * the first dictionary verb, else the first word tagged as a verb; -1. */
int vg_main_verb(const vg_analysis *a, const vg_result *r);
/* Role features of unit u relative to the verb at token v (-1: none). */
void vg_feats_role(const vg_analysis *a, const vg_unit *u, const vg_units *all, int v,
                   vg_feats *f);

/* Scores a head: probabilities of its classes into p (returns the count,
 * 0 if the model lacks the head). */
size_t vg_model_predict(const vg_model *m, vg_task t, const vg_feats *f, double *p);

/* ============================================================ deciding */

typedef struct vg_model_opts {
    double min_confidence;   /* events below it are dropped (0) */
    double drop_event;       /* P(event) below which candidates are dropped (0: never) */
    double add_event;        /* P(event) needed to add an event (0.8) */
    double add_root;         /* root probability needed to add an event (0.3) */
    double relabel_min;      /* probability of the new class needed to relabel (0.8) */
    double relabel_ratio;    /* ... and how many times likelier than the old one (10) */
    double relabel_pattern_min, relabel_pattern_ratio;  /* the same when a pattern
                                                           matched (0.9, 30) */
    double keep_secondary;   /* root score a second verb's events need (0.1) */
    double add_source;       /* source probability of an added event's source (0.5) */
    double add_target;       /* target probability of an added event's target (0.25) */
    double add_unsupported;  /* class probability needed to add an event in a class
                                none of the verb's dictionary readings has (0.8) */
    double add_partial;      /* P(event) needed to add an event with one side unknown (0.8) */
    double add_partial_class;  /* ... and the probability of its class (0.5) */
} vg_model_opts;

void vg_model_opts_default(vg_model_opts *o);

typedef struct vg_decider vg_decider;

/* m: the model; heads it lacks are taken from fallback (may be NULL). */
vg_decider *vg_decider_new(const vg_model *m, const vg_model *fallback,
                           const vg_model_opts *o);
void vg_decider_free(vg_decider *dc);

/* Decides the events r of the sentence the coder c just coded: sets
 * method, confidence and the explanation of every event. */
void vg_decide(vg_decider *dc, vg_matcher *c, vg_result *r);

const char *vg_method_name(int method);   /* VG_METHOD_* -> "dictionary", ... */

/* ============================================================ training */

/* One training example: features feats[off, off+n) in its set, the classes
 * its label allows (a bit per class: a PLOVER label allows every root it
 * maps from), and a weight. */
typedef struct vg_example {
    uint32_t off, n;
    uint64_t allowed;
    float weight;
    int32_t group;            /* examples of one group stay in one fold */
    int32_t line;             /* source line, for messages */
    int32_t dict_class;       /* what the dictionaries alone say (-1: nothing) */
} vg_example;

typedef struct vg_trainset {
    vg_task task;
    VG_VEC(uint32_t) feats;
    VG_VEC(vg_example) ex;
} vg_trainset;

void vg_trainset_free(vg_trainset *ts);

typedef struct vg_train_opts {
    uint64_t seed;            /* 1 */
    int epochs;               /* 12 */
    double rate;              /* AdaGrad step (0.2) */
    double l2;                /* per-step L2 shrinkage (1e-4) */
    int min_count;            /* features seen fewer times are dropped (2) */
    bool balance;             /* weigh classes inversely to their counts */
    bool perceptron;          /* an averaged perceptron instead (no calibrated
                               * probabilities; kept for comparison, docs/model.md) */
} vg_train_opts;

void vg_train_opts_default(vg_train_opts *o);

/* Trained weights of one head (before quantisation). */
typedef struct vg_head_w vg_head_w;
vg_head_w *vg_train_head(const vg_trainset *ts, const uint32_t *use, size_t nuse,
                         const vg_train_opts *o);
void vg_head_w_free(vg_head_w *h);
/* Class probabilities of example features under trained weights. */
void vg_head_w_predict(const vg_head_w *h, const uint32_t *feats, size_t n, double *p);

/* Cross-validation: k folds (by group, shuffled with the seed).  Fills a
 * confusion matrix conf[gold * K + predicted] over single-label examples
 * (K = classes of the task) and returns the accuracy over all examples (a
 * prediction is right when its label allows it).  dict_acc receives the
 * accuracy of the dictionaries alone (examples they leave uncoded count as
 * wrong), or -1 when unknown. */
double vg_train_cv(const vg_trainset *ts, const vg_train_opts *o, int k, size_t *conf,
                   double *dict_acc);

/* Assembles a model file: heads (replacing a head of the same task) and
 * provenance text; writes it with its checksum. */
typedef struct vg_model_builder vg_model_builder;
vg_model_builder *vg_model_builder_new(const vg_model *base);
void vg_model_builder_add(vg_model_builder *b, vg_task t, const vg_head_w *h);
void vg_model_builder_info(vg_model_builder *b, const char *text);
void vg_model_builder_write(vg_model_builder *b, vg_buf *out);
void vg_model_builder_free(vg_model_builder *b);

/* ---- the model file, for the builder (model_train.c) ---- */
typedef struct vg_head_out {
    vg_task task;
    uint32_t k, rows;
    float scale;                  /* weight = scale * w[row * k + class] */
    const uint32_t *keys;         /* feature hashes, ascending */
    const int16_t *w;
} vg_head_out;

/* The checksum a model file ends with (over everything before it). */
uint32_t vg_model_checksum(const void *data, size_t n);
/* Serialises heads (one per task at most) and provenance text. */
void vg_model_write(const char *info, const vg_head_out *heads, size_t n, vg_buf *out);
/* A copy of head t of a loaded model (keys and w are the caller's to free);
 * false when the model lacks it. */
bool vg_model_head(const vg_model *m, vg_task t, vg_head_out *out);

/* Roots (bit r for root r+1) whose codes map to PLOVER class k, and the
 * PLOVER classes (bit k) of root r. */
uint32_t vg_model_plover_roots(int k);
uint32_t vg_model_root_plovers(int r);

/* ---- reading training data ----
 * Formats: JSON lines ({"text", "label"} or, for roles, {"tokens", "tags"};
 * a line may also carry the task's own field, "penta", "root", "plover",
 * "event", and a label may be a list of allowed labels), ConfliBERT's TSV
 * (sentence TAB label) and BIO token files (token SPACE tag, blank line
 * between sentences).  Each text is coded with the coder c, whose
 * dictionaries give the candidate features.  Bad lines are reported
 * "file:line: reason" to diag and skipped. */
typedef enum { VG_TDATA_AUTO, VG_TDATA_JSONL, VG_TDATA_TSV, VG_TDATA_BIO } vg_tdata_fmt;

typedef struct vg_tdata_opts {
    vg_tdata_fmt fmt;
    float weight;             /* of every example read (1) */
    int32_t date;             /* yyyymmdd of texts without a "date" */
    int labels;               /* the task the file's labels belong to; -1: the task's own */
    bool train_only;          /* never in a test fold of cross-validation */
} vg_tdata_opts;

void vg_tdata_opts_default(vg_tdata_opts *o);
vg_tdata_fmt vg_tdata_guess(const char *path, const char *text, size_t len);

/* Reads one file's examples into ts; returns how many were added. */
size_t vg_trainset_read(vg_trainset *ts, vg_matcher *c, const char *path, const char *text,
                        size_t len, const vg_tdata_opts *o, vg_diag *diag);

#endif
