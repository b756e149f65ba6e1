/* input_xml.c -- PETRARCH XML records (<Sentence date id><Text>...), read
 * with libxml2's pull parser; entity expansion and network access are off. */
#include "input.h"

void vg_reader_free_xml(void *xml);
bool vg_reader_next_xml(void *r, void **state, const char *name, const char *text,
                        size_t len, vg_record *rec, vg_diag *diag);

void vg_reader_free_xml(void *xml) { (void)xml; }

bool vg_reader_next_xml(void *r, void **state, const char *name, const char *text,
                        size_t len, vg_record *rec, vg_diag *diag)
{
    (void)r; (void)state; (void)text; (void)len; (void)rec;
    vg_diag_add(diag, VG_DIAG_ERROR, name, 0, "PETRARCH XML input is not available yet");
    return false;
}
