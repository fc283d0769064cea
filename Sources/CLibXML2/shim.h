#ifndef HERALD_CLIBXML2_SHIM_H
#define HERALD_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU; its headers then include ICU's, which clash with Foundation's
// own ICU module ("'UErrorCode' has different definitions"). Undefining the switch only changes
// the layout of xmlCharEncodingHandler, which Herald never touches.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer, which Swift 6 refuses to read (shared mutable state).
static inline void herald_xml_free(void *pointer) { xmlFree(pointer); }
#endif
