#ifndef HERALD_CCMARKGFM_SHIM_H
#define HERALD_CCMARKGFM_SHIM_H
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>

// The GFM extension node types are exported by libcmark-gfm-extensions but declared by no
// installed header. Their values are assigned when the core extensions register, so they are
// read at run time, never hard-coded.
extern cmark_node_type CMARK_NODE_TABLE;
extern cmark_node_type CMARK_NODE_TABLE_ROW;
extern cmark_node_type CMARK_NODE_TABLE_CELL;
extern cmark_node_type CMARK_NODE_STRIKETHROUGH;
#endif
