/* input_xml.h -- private to the readers: the PETRARCH XML reader
 * (input_xml.c, libxml2) that input.c's vg_reader hands XML files to. */
#ifndef VG_INPUT_XML_H
#define VG_INPUT_XML_H

#include "record.h"

/* Reads the next <Sentence> record of text into rec (r: unused); *state
 * keeps the reader's place between calls (NULL at first).  false at the
 * end.  Problems are reported to diag and the record skipped. */
bool vg_reader_next_xml(void *r, void **state, const char *name, const char *text,
                        size_t len, vg_record *rec, vg_diag *diag);
/* Bytes of text consumed so far. */
size_t vg_reader_xml_offset(const void *state, const char *text);
void vg_reader_free_xml(void *xml);

#endif
