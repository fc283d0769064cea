#define _GNU_SOURCE  // memmem
// Herald's inline extensions for cmark-gfm: ==highlight== and ++underline++.
//
// Both are "paired delimiter" syntaxes. The inline parser hands us each run of the special
// character; we turn the run into a text node and, when it is exactly two characters long and
// can open or close (CommonMark flanking rules, computed by cmark), push it on cmark's delimiter
// stack. When cmark's emphasis pass pairs an opener with a closer it calls `wrap_between`, which
// turns the opener's text node into a wrapper and moves everything between into it. Runs that
// never pair stay literal text ("C++", "a == b").
//
// The wrapper is an EMPH node tagged with our extension, not a node type of our own: GFM table
// cells accept only a fixed list of inline types (text, code, emph, strong, link, image,
// strikethrough...), and a highlight inside a table cell must work like everywhere else.
#include "herald_markdown.h"
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <string.h>

typedef struct {
    unsigned char delimiter;
    cmark_node_type node_type;
    const char *type_name;
} paired_syntax;

// Exported by libcmark-gfm-extensions, declared by no installed header (see CCmarkGFM/shim.h).
extern cmark_node_type CMARK_NODE_TABLE;
extern cmark_node_type CMARK_NODE_STRIKETHROUGH;

static paired_syntax highlight_syntax = {'=', 0, "highlight"};
static paired_syntax underline_syntax = {'+', 0, "underline"};
static cmark_syntax_extension *highlight_ext = NULL;
static cmark_syntax_extension *underline_ext = NULL;
static pthread_once_t create_once = PTHREAD_ONCE_INIT;

static cmark_node *scan_run(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *parent,
                            unsigned char character, cmark_inline_parser *inline_parser) {
    (void)parser;
    (void)parent;
    paired_syntax *syntax = (paired_syntax *)cmark_syntax_extension_get_private(self);
    if (syntax == NULL || character != syntax->delimiter) return NULL;

    int left = 0, right = 0, punct_before = 0, punct_after = 0;
    char run[65];
    int count = cmark_inline_parser_scan_delimiters(inline_parser, (int)sizeof(run) - 1, character,
                                                    &left, &right, &punct_before, &punct_after);
    memset(run, character, (size_t)count);
    run[count] = '\0';

    cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, cmark_get_default_mem_allocator());
    cmark_node_set_literal(text, run);
    if (count == 2 && (left || right)) {
        cmark_inline_parser_push_delimiter(inline_parser, character, left, right, text);
    }
    return text;
}

static delimiter *wrap_between(cmark_syntax_extension *self, cmark_parser *parser,
                               cmark_inline_parser *inline_parser, delimiter *opener,
                               delimiter *closer) {
    (void)parser;
    paired_syntax *syntax = (paired_syntax *)cmark_syntax_extension_get_private(self);
    delimiter *resume = closer->next;
    cmark_node *wrapper = opener->inl_text;

    if (syntax != NULL && cmark_node_set_type(wrapper, CMARK_NODE_EMPH)) {
        cmark_node_set_syntax_extension(wrapper, self);
        cmark_node *child = cmark_node_next(wrapper);
        while (child != NULL && child != closer->inl_text) {
            cmark_node *following = cmark_node_next(child);
            cmark_node_append_child(wrapper, child);
            child = following;
        }
        cmark_node_free(closer->inl_text);
    }

    // Delimiters between the pair can no longer match anything outside it.
    delimiter *current = closer;
    while (current != NULL && current != opener) {
        delimiter *previous = current->previous;
        cmark_inline_parser_remove_delimiter(inline_parser, current);
        current = previous;
    }
    cmark_inline_parser_remove_delimiter(inline_parser, opener);
    return resume;
}

static const char *type_name(cmark_syntax_extension *self, cmark_node *node) {
    (void)node;
    paired_syntax *syntax = (paired_syntax *)cmark_syntax_extension_get_private(self);
    return syntax != NULL ? syntax->type_name : "<unknown>";
}

static int holds_inlines(cmark_syntax_extension *self, cmark_node *node, cmark_node_type child_type) {
    (void)self;
    if (cmark_node_get_type(node) != CMARK_NODE_EMPH) return 0;
    return (child_type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
}

static cmark_syntax_extension *make_extension(paired_syntax *syntax) {
    cmark_syntax_extension *ext = cmark_syntax_extension_new(syntax->type_name);
    cmark_syntax_extension_set_private(ext, syntax, NULL);
    cmark_syntax_extension_set_match_inline_func(ext, scan_run);
    cmark_syntax_extension_set_inline_from_delim_func(ext, wrap_between);
    cmark_syntax_extension_set_get_type_string_func(ext, type_name);
    cmark_syntax_extension_set_can_contain_func(ext, holds_inlines);
    cmark_syntax_extension_set_emphasis(ext, 1);
    cmark_llist *chars = cmark_llist_append(cmark_get_default_mem_allocator(), NULL,
                                            (void *)(uintptr_t)syntax->delimiter);
    cmark_syntax_extension_set_special_inline_chars(ext, chars);
    return ext;
}

static void create_extensions(void) {
    // cmark's own "ensure registered" is not guarded against two threads; pthread_once is.
    cmark_gfm_core_extensions_ensure_registered();
    highlight_ext = make_extension(&highlight_syntax);
    underline_ext = make_extension(&underline_syntax);
}

// cmark-gfm keeps the table of characters that start inline syntax in process-global arrays,
// and cmark_parser_finish switches the extensions' characters on before inline parsing and off
// after it. Two threads finishing documents at once therefore switch each other's '~', '=' and
// '+' off mid-parse (seen here: "~~s~~ ==h==" came out as plain text under parallel tests). So
// the whole parse holds this lock.
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

cmark_parser *herald_markdown_parser_start(int options) {
    pthread_once(&create_once, create_extensions);
    pthread_mutex_lock(&parse_lock);
    cmark_parser *parser = cmark_parser_new(options);
    // (cmark-gfm aborts when out of memory; were it ever to return NULL, no finish would unlock.)
    if (parser == NULL) {
        pthread_mutex_unlock(&parse_lock);
        return NULL;
    }
    const char *core[] = {"table", "strikethrough", "autolink"};
    for (size_t index = 0; index < sizeof(core) / sizeof(core[0]); index++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(core[index]);
        if (ext != NULL) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_attach_syntax_extension(parser, highlight_ext);
    cmark_parser_attach_syntax_extension(parser, underline_ext);
    return parser;
}

void herald_markdown_parser_feed(cmark_parser *parser, const char *buffer, size_t length) {
    if (buffer != NULL && length > 0) cmark_parser_feed(parser, buffer, length);
}

cmark_node *herald_markdown_parser_finish(cmark_parser *parser) {
    cmark_node *document = cmark_parser_finish(parser);
    cmark_parser_free(parser);
    pthread_mutex_unlock(&parse_lock);
    return document;
}

cmark_node *herald_markdown_parse(const char *buffer, size_t length, int options) {
    cmark_parser *parser = herald_markdown_parser_start(options);
    herald_markdown_parser_feed(parser, buffer, length);
    return herald_markdown_parser_finish(parser);
}

cmark_syntax_extension *herald_highlight_extension(void) {
    pthread_once(&create_once, create_extensions);
    return highlight_ext;
}

cmark_syntax_extension *herald_underline_extension(void) {
    pthread_once(&create_once, create_extensions);
    return underline_ext;
}

int herald_node_is_highlight(cmark_node *node) {
    return cmark_node_get_type(node) == CMARK_NODE_EMPH && cmark_node_get_syntax_extension(node) == herald_highlight_extension();
}

int herald_node_is_underline(cmark_node *node) {
    return cmark_node_get_type(node) == CMARK_NODE_EMPH && cmark_node_get_syntax_extension(node) == herald_underline_extension();
}

cmark_node_type herald_table_node_type(void) {
    pthread_once(&create_once, create_extensions);
    return CMARK_NODE_TABLE;
}

cmark_node_type herald_strikethrough_node_type(void) {
    pthread_once(&create_once, create_extensions);
    return CMARK_NODE_STRIKETHROUGH;
}

int herald_bytes_contain(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (haystack == NULL || needle == NULL) return needle_length == 0;
    return memmem(haystack, haystack_length, needle, needle_length) != NULL;
}

void herald_release_free_memory(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
