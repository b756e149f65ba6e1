/* train.c -- `vigil train`: a model head from labelled sentences
 * (docs/model.md).  The texts are coded with the dictionaries given (the
 * defaults otherwise), so that the model learns from what they propose. */
#include "cli.h"
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt options[] = {
    { "--task T", "the head to train: event (event or not), penta (PentaClass 0-4), root (CAMEO "
                  "root 01-20), plover (PLOVER category) or roles (source, target or neither "
                  "of each coded actor phrase)" },
    { "--data F", "labelled data (repeatable): JSON lines {\"text\", \"label\"} (or "
                  "{\"tokens\", \"tags\"} with BIO tags S, T, R for roles), sentence<TAB>label "
                  "lines, or TOKEN TAG lines with a blank line between sentences" },
    { "--extra F", "more data, used for training in every fold but never scored by --cv" },
    { "--labels TASK", "the labels of the files that follow are TASK's (PentaClass labels can "
                       "train the root head: each allows the roots of its class)" },
    { "--weight W", "how often training sees the examples of the files that follow (1; 0.2: "
                    "one epoch in five)" },
    { "--date YYYY-MM-DD", "the date of sentences without one (for dated actor codes)" },
    { "--out F", "write the model file (with --base, its other heads too)" },
    { "--base F", "a model whose other heads the output keeps" },
    { "--cv K", "K-fold cross-validation: accuracy, macro-F1 and a confusion matrix, and the "
                "dictionaries' own accuracy beside them" },
    { "--seed N", "the seed of the example order (1); the same data and seed give the same "
                  "bytes" },
    { "--epochs N, --rate X, --l2 X, --min-count N", "training: passes (12), AdaGrad step "
                                                     "(0.2), L2 shrinkage per step (1e-4), "
                                                     "rarest feature kept (2)" },
    { "--balance", "weigh the classes inversely to their counts, between 0.2 and 3 times "
                  "(the default for event)" },
    { "--perceptron", "an averaged perceptron instead of logistic regression (to compare)" },
    { NULL, NULL }
};

const cli_help cli_help_train = {
    .name = "train",
    .summary = "train a model head on labelled sentences (cross-validate with --cv)",
    .synopsis = "--task T --data F... [--out F | --cv K] [OPTIONS] [DICTIONARIES]",
    .description =
        "Trains one head of a model (docs/model.md) on labelled sentences: each is coded with "
        "the dictionaries (Vigil's own unless others are given), so that the model learns from "
        "what they propose, and a multinomial logistic regression over its hashed features is "
        "fitted.  Bad lines (an unknown label, an empty text, a label the task does not have, "
        "bad JSON) are reported as file:line and skipped; exit status 1 then, 2 when nothing "
        "usable is left.  Use the model with `vigil code --model F`.",
    .options = options,
    .dict_options = true,
    .examples = "vigil train --task penta --data mine.jsonl --cv 5\n"
                "vigil train --task penta --data mine.jsonl --out mine.bin\n"
                "vigil code --model mine.bin news.jsonl",
};

typedef struct dfile {
    const char *path;
    vg_tdata_opts o;
} dfile;

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= lo && v <= hi)) return false;
    *out = v;
    return true;
}

static bool parse_date(const char *s, int32_t *out)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    *out = y * 10000 + m * 100 + d;
    return true;
}

static void print_cv(const vg_trainset *ts, const vg_train_opts *o, int k)
{
    const char *const *names;
    size_t K = vg_task_classes(ts->task, &names);
    size_t *conf = vg_calloc(K * K, sizeof *conf);
    double dict = -1;
    double acc = vg_train_cv(ts, o, k, conf, &dict);
    size_t scored = 0;
    for (size_t i = 0; i < ts->ex.n; i++) scored += ts->ex.v[i].group >= 0;
    double f1 = 0;
    int nf = 0;
    for (size_t c = 0; c < K; c++) {
        size_t tp = conf[c * K + c], gold = 0, pred = 0;
        for (size_t j = 0; j < K; j++) { gold += conf[c * K + j]; pred += conf[j * K + c]; }
        if (!gold) continue;
        double p = pred ? (double)tp / (double)pred : 0, r = (double)tp / (double)gold;
        f1 += p + r > 0 ? 2 * p * r / (p + r) : 0;
        nf++;
    }
    printf("task %s, %d-fold cross-validation on %zu examples\n", vg_task_name(ts->task), k,
           scored);
    printf("accuracy %.3f, macro-F1 %.3f", acc, nf ? f1 / nf : 0);
    if (dict >= 0) printf("; the dictionaries alone: accuracy %.3f", dict);
    printf("\nconfusion (rows: label, columns: predicted):\n%10s", "");
    for (size_t c = 0; c < K; c++) printf(" %6.6s", names[c]);
    putchar('\n');
    for (size_t g = 0; g < K; g++) {
        size_t row = 0;
        for (size_t c = 0; c < K; c++) row += conf[g * K + c];
        if (!row) continue;
        printf("%10.10s", names[g]);
        for (size_t c = 0; c < K; c++) printf(" %6zu", conf[g * K + c]);
        putchar('\n');
    }
    free(conf);
}

int cli_train(int argc, char **argv)
{
    vg_dict_spec sp = {0};
    VG_VEC(dfile) files = {0};
    vg_task task = VG_NTASKS;
    const char *out = NULL, *base = NULL;
    int cv = 0;
    vg_train_opts to;
    vg_train_opts_default(&to);
    vg_tdata_opts cur;
    vg_tdata_opts_default(&cur);
    bool balance_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        const char *v = has ? argv[i + 1] : NULL;
        double x;
        int n;
        if (cli_dict_arg(&sp, argc, argv, &i)) continue;
        if (cli_wants_help(a)) { cli_help_print(&cli_help_train, stdout); return 0; }
        if (!strcmp(a, "--balance")) { to.balance = balance_given = true; continue; }
        if (!strcmp(a, "--perceptron")) { to.perceptron = true; continue; }
        if (!has) {
            fprintf(stderr, "vigil train: %s needs a value\n", a);
            cli_usage(&cli_help_train, stderr);
            return 2;
        }
        i++;
        if (!strcmp(a, "--task")) {
            if (!vg_task_parse(v, &task)) {
                fprintf(stderr, "vigil train: unknown task '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--data") || !strcmp(a, "--extra")) {
            dfile f = { v, cur };
            f.o.train_only = a[2] == 'e';
            vg_vec_push(&files, f);
        } else if (!strcmp(a, "--labels")) {
            vg_task t;
            if (!vg_task_parse(v, &t) || t == VG_TASK_ROLES) {
                fprintf(stderr, "vigil train: --labels: unknown task '%s'\n", v);
                return 2;
            }
            cur.labels = (int)t;
        } else if (!strcmp(a, "--weight") && parse_double(v, 0, 1000, &x)) {
            cur.weight = (float)x;
        } else if (!strcmp(a, "--date") && parse_date(v, &cur.date)) {
        } else if (!strcmp(a, "--out")) {
            out = v;
        } else if (!strcmp(a, "--base")) {
            base = v;
        } else if (!strcmp(a, "--cv") && cli_int(v, 2, 100, &cv)) {
        } else if (!strcmp(a, "--seed") && cli_int(v, 0, 2147483647, &n)) {
            to.seed = (uint64_t)n;
        } else if (!strcmp(a, "--epochs") && cli_int(v, 1, 1000, &to.epochs)) {
        } else if (!strcmp(a, "--rate") && parse_double(v, 1e-6, 100, &to.rate)) {
        } else if (!strcmp(a, "--l2") && parse_double(v, 0, 0.5, &to.l2)) {
        } else if (!strcmp(a, "--min-count") && cli_int(v, 1, 1000000, &to.min_count)) {
        } else {
            fprintf(stderr, "vigil train: bad option or value: %s %s\n", a, v);
            cli_usage(&cli_help_train, stderr);
            return 2;
        }
    }
    if (task == VG_NTASKS || !files.n || (!out && !cv)) {
        fprintf(stderr, "vigil train: --task, --data and --out or --cv are required\n");
        cli_usage(&cli_help_train, stderr);
        return 2;
    }
    if (task == VG_TASK_EVENT && !balance_given) to.balance = true;
    vg_diag diag = {0};
    diag.echo = stderr;
    vg_dict *d = cli_load_dicts(&sp, &diag, "train");
    if (!d) {
        vg_diag_free(&diag);
        vg_vec_free(&files);
        vg_dict_spec_free(&sp);
        return 2;
    }
    vg_matcher *coder = vg_matcher_new(d, &d->opt);
    vg_trainset ts = { task, {0}, {0} };
    vg_buf info = {0};
    vg_buf_printf(&info, "task %s:", vg_task_name(task));
    int status = 0;
    size_t total = 0;
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *text = vg_read_file(files.v[i].path, &len);
        if (!text) {
            fprintf(stderr, "vigil train: %s: %s\n", files.v[i].path, strerror(errno));
            status = 1;
            continue;
        }
        size_t before = diag.errors;
        size_t n = vg_trainset_read(&ts, coder, files.v[i].path, text, len, &files.v[i].o, &diag);
        free(text);
        total += n;
        if (diag.errors > before) status = 1;
        const char *base_name = strrchr(files.v[i].path, '/');
        vg_buf_printf(&info, " %s%s (%zu examples%s)", files.v[i].o.train_only ? "+" : "",
                      base_name ? base_name + 1 : files.v[i].path, n,
                      files.v[i].o.weight != 1 ? ", weighted" : "");
    }
    fprintf(stderr, "vigil train: %zu examples for task %s", total, vg_task_name(task));
    if (diag.errors) fprintf(stderr, ", %zu lines skipped", diag.errors);
    fputc('\n', stderr);
    if (!total) {
        fprintf(stderr, "vigil train: nothing usable to train on\n");
        status = 2;
        goto done;
    }
    if (cv) print_cv(&ts, &to, cv);
    if (out) {
        vg_model *bm = NULL;
        if (base) {
            char err[256];
            bm = vg_model_load_file(base, err, sizeof err);
            if (!bm) {
                fprintf(stderr, "vigil train: %s\n", err);
                status = 2;
                goto done;
            }
        }
        uint32_t *use = vg_malloc(ts.ex.n * sizeof *use + 1);
        for (size_t i = 0; i < ts.ex.n; i++) use[i] = (uint32_t)i;
        vg_head_w *h = vg_train_head(&ts, use, ts.ex.n, &to);
        free(use);
        vg_buf_printf(&info, "; seed %llu, %d epochs, rate %g, l2 %g, min count %d%s%s",
                      (unsigned long long)to.seed, to.epochs, to.rate, to.l2, to.min_count,
                      to.balance ? ", balanced" : "", to.perceptron ? ", perceptron" : "");
        vg_model_builder *b = vg_model_builder_new(bm);
        vg_buf all = {0};
        /* keep the provenance of the other heads */
        char own[32];
        int ol = snprintf(own, sizeof own, "task %s:", vg_task_name(task));
        for (const char *p = bm ? vg_model_info(bm) : ""; *p;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            if (n && strncmp(p, own, (size_t)ol)) {
                vg_buf_putn(&all, p, n);
                vg_buf_putc(&all, '\n');
            }
            p += n + (nl != NULL);
        }
        vg_buf_putn(&all, info.s, info.len);
        vg_model_builder_info(b, all.s);
        vg_model_builder_add(b, task, h);
        vg_buf bytes = {0};
        vg_model_builder_write(b, &bytes);
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(bytes.s, 1, bytes.len, f) != bytes.len || fclose(f) != 0) {
            fprintf(stderr, "vigil train: cannot write %s: %s\n", out, strerror(errno));
            status = 2;
        } else {
            fprintf(stderr, "vigil train: wrote %s (%zu bytes)\n", out, bytes.len);
        }
        vg_buf_free(&bytes);
        vg_buf_free(&all);
        vg_model_builder_free(b);
        vg_head_w_free(h);
        vg_model_free(bm);
    }
done:
    vg_buf_free(&info);
    vg_trainset_free(&ts);
    vg_matcher_free(coder);
    vg_dict_free(d);
    vg_diag_free(&diag);
    vg_vec_free(&files);
    vg_dict_spec_free(&sp);
    return status;
}
