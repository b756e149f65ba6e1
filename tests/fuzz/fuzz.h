/* fuzz.h -- shared by the libFuzzer targets in tests/fuzz/ (docs/fuzzing.md).
 *
 * Each target defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize if it
 * loads something once).  Built with clang -fsanitize=fuzzer,... by `make
 * fuzz`; built with replay.c instead of libFuzzer's main by every `make`,
 * so that tests/e2e/fuzz_replay.sh replays the seed corpora and the
 * regression inputs under the normal and sanitizer builds. */
#ifndef VG_FUZZ_H
#define VG_FUZZ_H

#include "text.h"
#include "util.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as the library gets a file: a NUL-terminated copy. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *t = vg_malloc(size + 1);
    if (size) memcpy(t, data, size);
    t[size] = '\0';
    return t;
}

/* A finding the sanitizers cannot see: abort with a message. */
#define FUZZ_CHECK(cond) do { if (!(cond)) { \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort(); } } while (0)

/* Every line of b is valid UTF-8 and one JSON object (what `vigil code`
 * and `vigil dict lookup --json` promise). */
static inline void fuzz_check_jsonl(const vg_buf *b)
{
    const char *p = b->s, *end = b->s ? b->s + b->len : NULL;
    FUZZ_CHECK(vg_utf8_valid_len(b->s ? b->s : "", b->len) == b->len);
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        json_error_t err;
        json_t *j = json_loadb(p, n, 0, &err);
        if (!j || !json_is_object(j)) fprintf(stderr, "bad JSON: %s: %.*s\n", err.text, (int)n, p);
        FUZZ_CHECK(j && json_is_object(j));
        json_decref(j);
        p = nl ? nl + 1 : end;
    }
}

/* $VIGIL_SHARED, else ../shared (the repository's sibling). */
static inline const char *fuzz_shared(void)
{
    const char *s = getenv("VIGIL_SHARED");
    return s && *s ? s : "../shared";
}

#endif
