/* fuzz_pack.c -- the SQLite store's compressed values (store_pack.h): a
 * dictionary trained once on made-up explanations (as the store trains
 * one on its own) is dictionary 1.  First byte even: the rest is a stored
 * blob, unpacked (damage must be an error, never a crash; what unpacks has
 * no NUL and packs and unpacks back the same).  Odd: the rest is a value
 * (up to its first NUL), packed and unpacked back the same.
 * Calls: vg_pack_train, vg_packer_new, vg_packer_add, vg_packer_pack,
 * vg_packer_unpack. */
#include "fuzz.h"
#include "store_pack.h"

static vg_packer *pk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const w[] = { "police", "said", "KILL", "SERBIA_", "agents.txt",
                                     "verbs-19-fight.txt", "kept", "Kosovo", "MEET", "talks" };
    vg_buf buf = { 0 };
    size_t sizes[400];
    unsigned r = 1;
    for (int i = 0; i < 400; i++) {
        size_t at = buf.len;
        r = r * 1103515245u + 12345u;
        vg_buf_printf(&buf, "{\"verb\":{\"text\":\"%s\",\"entry\":\"%s\",\"file\":\"%s\","
                      "\"line\":%d},\"source\":{\"text\":\"%s\"},\"model\":{\"p\":0.%03d}}",
                      w[r >> 28 & 7], w[r >> 24 & 7], w[4 + (r >> 20 & 1)], i * 7 % 1000,
                      w[(r >> 16) % 10], i % 1000);
        sizes[i] = buf.len - at;
    }
    static unsigned char dict[8192];
    size_t n = vg_pack_train(dict, sizeof dict, buf.s, sizes, 400, 3);
    FUZZ_CHECK(n > 0);
    pk = vg_packer_new(3);
    char err[128];
    FUZZ_CHECK(vg_packer_add(pk, 1, VG_PACK_MATCHED, dict, n, false, err, sizeof err));
    vg_buf_free(&buf);
    return 0;
}

/* v packs (or not) and unpacks back to itself. */
static void round_trip(const char *v, size_t n)
{
    vg_buf packed = { 0 }, back = { 0 };
    char err[160];
    int id;
    if (vg_packer_pack(pk, VG_PACK_MATCHED, v, n, &packed)) {
        FUZZ_CHECK(packed.len < n && (unsigned char)packed.s[0] == 1);
        FUZZ_CHECK(vg_packer_unpack(pk, packed.s, packed.len, &back, &id, err, sizeof err) ==
                   VG_UNPACK_OK);
        FUZZ_CHECK(back.len == n && !memcmp(back.s, v, n));
    }
    vg_buf_free(&packed);
    vg_buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    vg_buf out = { 0 };
    char err[160];
    int id;
    if (data[0] & 1) {
        char *t = fuzz_text(data + 1, size - 1);
        round_trip(t, strlen(t));
        free(t);
    } else if (vg_packer_unpack(pk, data + 1, size - 1, &out, &id, err, sizeof err) ==
               VG_UNPACK_OK) {
        FUZZ_CHECK(out.len <= VG_PACK_MAX_VALUE && strlen(out.s) == out.len);
        round_trip(out.s, out.len);
    } else {
        FUZZ_CHECK(err[0] || id != 1);
    }
    vg_buf_free(&out);
    return 0;
}
