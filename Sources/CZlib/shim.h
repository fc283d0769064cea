#ifndef HERALD_CZLIB_SHIM_H
#define HERALD_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes zlib's version and z_stream's size), which Swift cannot
// call. -15: a raw deflate stream, as ZIP entries hold them (no zlib header, 32 KB window).
static inline int herald_inflate_init_raw(z_streamp stream) { return inflateInit2(stream, -15); }
#endif
