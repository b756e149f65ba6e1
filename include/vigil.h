/* vigil.h -- Vigil: political event data from news text.
 *
 * Vigil reads news reports and codes who did what to whom, when and where,
 * in the CAMEO ontology (mapped to PLOVER), then watches the event stream
 * for escalation between pairs of actors. */
#ifndef VIGIL_H
#define VIGIL_H

#define VG_VERSION "0.1.0"

#endif
