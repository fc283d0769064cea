#ifndef HERALD_MARKDOWN_H
#define HERALD_MARKDOWN_H
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <stddef.h>

/// Parses Markdown with the GFM table, strikethrough and autolink extensions and Herald's own
/// (below) attached. Safe to call from any thread: it serializes cmark-gfm's inline pass, whose
/// special-character tables are process-global. Free the result with cmark_node_free.
cmark_node *herald_markdown_parse(const char *buffer, size_t length, int options);

/// herald_markdown_parse in three steps, for a caller that lets its buffer go once fed:
/// cmark-gfm copies what it is fed, and the inline pass in finish is the peak of a parse. start
/// takes the lock herald_markdown_parse holds and finish gives it back (same thread), so every
/// start must be followed by finish; finish frees the parser.
cmark_parser *herald_markdown_parser_start(int options);
void herald_markdown_parser_feed(cmark_parser *parser, const char *buffer, size_t length);
cmark_node *herald_markdown_parser_finish(cmark_parser *parser);

/// Inline syntax extensions for cmark-gfm that behave like its built-in emphasis: a run of
/// exactly two delimiter characters opens or closes, following CommonMark's flanking rules, so
/// nesting, backslash escapes and code spans work as they do for `**`.
///
/// `==text==` becomes an EMPH node for which `herald_node_is_highlight` is true, `++text++` one
/// for which `herald_node_is_underline` is (see the .c file for why EMPH). The extensions are
/// created once per process (thread-safe) and may be attached to any number of parsers; never
/// free them.
cmark_syntax_extension *herald_highlight_extension(void);
cmark_syntax_extension *herald_underline_extension(void);
int herald_node_is_highlight(cmark_node *node);
int herald_node_is_underline(cmark_node *node);

/// The GFM extension node types, read after the core extensions registered. (Swift 6 refuses
/// to read the exported globals directly: they are mutable C state.)
cmark_node_type herald_table_node_type(void);
cmark_node_type herald_strikethrough_node_type(void);

/// Whether `needle` occurs in `haystack` (libc's memmem, which Swift's Glibc module hides).
int herald_bytes_contain(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// Returns the pages of freed memory to the system (glibc's malloc_trim; nothing elsewhere).
void herald_release_free_memory(void);

#endif
