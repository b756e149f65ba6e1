/* embedded.h -- data files compiled into the binary (default dictionaries,
 * ontology tables, the tagger model), so that a fresh build codes news
 * without any install step.  Files on disk always take precedence when the
 * user names them. */
#ifndef VG_EMBEDDED_H
#define VG_EMBEDDED_H

#include <stddef.h>

typedef struct vg_embedded_file {
    const char *name;              /* repository-relative path, e.g. "dict/agents.txt" */
    const unsigned char *data;     /* NUL-terminated */
    size_t len_unused;
    const unsigned char *end;
} vg_embedded_file;

extern const vg_embedded_file vg_embedded_files[];

/* Returns the NUL-terminated contents of an embedded file, or NULL. */
const char *vg_embedded_get(const char *name, size_t *len);

#endif
