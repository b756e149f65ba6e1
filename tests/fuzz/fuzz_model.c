/* fuzz_model.c -- model files (model.h): every input is loaded as it is,
 * and again with its checksum made right, so that mutations reach the
 * parser behind the checksum.  A model that loads must score features,
 * give back its heads, and survive being written and read again.
 * Calls: vg_model_load, vg_model_checksum, vg_model_has, vg_model_predict,
 * vg_model_head, vg_model_builder_new/info/write/free, vg_model_free. */
#include "fuzz.h"
#include "model.h"

static void exercise(vg_model *m)
{
    if (!m) return;
    vg_feats f = {0};
    for (uint32_t k = 0; k < 64; k++) vg_vec_push(&f.id, k * 2654435761u);
    vg_vec_push(&f.id, vg_feat_hash("bias", 4));
    for (int t = 0; t < VG_NTASKS; t++) {
        double p[64];
        size_t n = vg_model_predict(m, (vg_task)t, &f, p);
        FUZZ_CHECK(n == (vg_model_has(m, (vg_task)t) ? vg_task_classes((vg_task)t, NULL) : 0));
        double sum = 0;
        for (size_t c = 0; c < n; c++) {
            FUZZ_CHECK(p[c] >= 0 && p[c] <= 1);
            sum += p[c];
        }
        FUZZ_CHECK(n == 0 || (sum > 0.999 && sum < 1.001));
    }
    /* written again, it loads again */
    vg_model_builder *b = vg_model_builder_new(m);
    vg_model_builder_info(b, vg_model_info(m));
    vg_buf out = {0};
    vg_model_builder_write(b, &out);
    char err[200];
    vg_model *again = vg_model_load(out.s, out.len, err, sizeof err);
    FUZZ_CHECK(again != NULL);
    for (int t = 0; t < VG_NTASKS; t++)
        FUZZ_CHECK(vg_model_has(m, (vg_task)t) == vg_model_has(again, (vg_task)t) ||
                   !vg_model_has(again, (vg_task)t));   /* a head of zeros is dropped */
    vg_model_free(again);
    vg_buf_free(&out);
    vg_model_builder_free(b);
    vg_feats_free(&f);
    vg_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[200];
    exercise(vg_model_load(data, size, err, sizeof err));
    if (size < 4) return 0;
    unsigned char *c = vg_malloc(size);
    memcpy(c, data, size);
    uint32_t h = vg_model_checksum(c, size - 4);
    for (int k = 0; k < 4; k++) c[size - 4 + k] = (unsigned char)(h >> (8 * k));
    exercise(vg_model_load(c, size, err, sizeof err));
    free(c);
    return 0;
}
