#!/usr/bin/env bash
# Peak memory and time of rendering hostile message text at the input limit (5 MB by default):
# every shape below through every output (email HTML, its text, SMS, WhatsApp), measured with
# /usr/bin/time -v, beside real Markdown of the same size. The goal: peak resident memory under
# about 20 times the input for what Herald reads; Markdown whose markup would take more than 32
# times its size is refused before it is parsed (`MarkdownCost`), shown as "refused". See
# docs/performance.md, "Memory at the input limit", for what is Herald's and what is cmark-gfm's
# and libxml2's own.
#
# Usage: Benchmarks/input-memory.sh [MB]      (needs /usr/bin/time from Debian's "time" package)
#   MB                 the input size, 5 by default (the limit; above it herald refuses the input
#                      unless given --max-input-mb, which this script passes)
#   HERALD_BEFORE=PATH also runs another herald binary (an older build) on the same files, in the
#                      same run, for a before/after table.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes="${1:-5}"
swift build -c release --product herald >/dev/null
herald="$(swift build -c release --show-bin-path)/herald"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bytes=$((megabytes * 1048576))

# Repeats UNIT (backslash escapes such as \n are read) to exactly BYTES bytes (cut at the end).
fill() { python3 -c 'import sys; u=sys.argv[1].encode().decode("unicode_escape").encode(); n=int(sys.argv[2]); sys.stdout.buffer.write((u * (n // len(u) + 1))[:n])' "$1" "${2:-$bytes}"; }
fill '**a ' > "$work/emphasis.md"                                     # an unclosed emphasis opener per 4 bytes, one paragraph
fill '**a **a **a **a **a **a **a **a **a **a \n\n' > "$work/emphasis-paragraphs.md"  # the same, 42-byte paragraphs
fill 'lorem ipsum dolor sit amet ' > "$work/line.md"                  # one paragraph, one line, no break
fill 'https://example.com/a/b?c=d ' > "$work/autolinks.md"            # a bare URL (GFM autolink) per 28 bytes
fill 'https://example.com/a/b?c=d https://example.com/a/b?c=d https://example.com/a/b?c=d\n\n' > "$work/autolinks-paragraphs.md"
fill 'see https://example.com/a/b?c=d for lorem ipsum dolor sit amet, consectetur adipisci ' > "$work/autolinks-sparse.md"  # one per 85 bytes
fill '[a] ' > "$work/brackets.md"                                      # a bracket pair (a link that is not) per 4 bytes
# A line of prose with an e-mail address every 68 bytes, 1 MB: cmark-gfm's autolinker copies the
# rest of the line for each address (1 GB; 5 MB would be several GB).
fill 'Write to ab@example.com or call us, the team replies within a day. ' 1048576 > "$work/emails.md"
# A table whose header has 1,000 columns and 2,000 one-cell rows: 8 KB, two million cells.
python3 -c 'import sys; sys.stdout.write("|" + "a|" * 1000 + "\n|" + "-|" * 1000 + "\n" + "a\n" * 2000)' > "$work/table.md"
# Real Markdown: this repository's own (README, docs, templates, samples), end to end.
cat README.md docs/*.md Templates/*.md Samples/*/input.md | python3 -c 'import sys; u=sys.stdin.buffer.read() + b"\n\n"; n=int(sys.argv[1]); sys.stdout.buffer.write((u * (n // len(u) + 1))[:n])' "$bytes" > "$work/real.md"
fill '<p>Your <b>order</b> <a href="https://example.com/o/1">shipped</a> today.</p>' > "$work/editor.html"

# `name file outputs...`: an output is "html", "text", "sms" or "whatsapp".
shapes=(
    "real-md real.md html text sms whatsapp"
    "emphasis emphasis.md html text sms whatsapp"
    "emphasis-p emphasis-paragraphs.md html"
    "line line.md html text sms whatsapp"
    "autolinks autolinks.md html text sms whatsapp"
    "autolinks-p autolinks-paragraphs.md html"
    "autolinks-85 autolinks-sparse.md html sms"
    "brackets brackets.md html"
    "emails-1MB emails.md html"
    "table-8KB table.md html"
    "editor-html editor.html html text sms whatsapp"
)

# `measure BINARY FILE OUTPUT` prints "peak-MB seconds", or "refused" when herald refuses the
# input (exit 65: too large, or Markdown whose markup would take too much memory to read).
measure() {
    local binary="$1" file="$2" output="$3" arguments=()
    case "$output" in
        html) arguments=(--format html) ;;
        text) arguments=(--format text) ;;
        sms) arguments=(--channel sms --format text) ;;
        whatsapp) arguments=(--channel whatsapp --format text) ;;
    esac
    local limit=()
    # An older build may not know the flag; it has no limit either.
    if "$binary" render --help 2>/dev/null | grep -q -- --max-input-mb; then limit=(--max-input-mb "$((megabytes + 1))"); fi
    local status=0
    /usr/bin/time -v "$binary" render "$work/$file" "${arguments[@]}" "${limit[@]}" --output "$work/out" \
        2> "$work/time.txt" > /dev/null || status=$?
    if [ "$status" -eq 65 ]; then echo "refused -"; return; fi
    if [ "$status" -ne 0 ]; then echo "failed -"; return; fi
    local peak seconds
    peak=$(awk '/Maximum resident set size/ {print $6}' "$work/time.txt")
    seconds=$(awk '/Elapsed \(wall clock\)/ {print $8}' "$work/time.txt")
    echo "$((peak / 1024)) $seconds"
}

# The floor under Herald: cmark-gfm alone parsing the same Markdown (its GFM extensions
# attached, nothing rendered), for the part of a peak that is the parser's own tree.
cat > "$work/cmark-parse.c" <<'C'
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    FILE *file = fopen(argv[1], "rb");
    if (!file) return 1;
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8);
    const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (int i = 0; i < 5; i++) cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(names[i]));
    char chunk[65536];
    size_t count;
    while ((count = fread(chunk, 1, sizeof chunk, file)) > 0) cmark_parser_feed(parser, chunk, count);
    cmark_node *document = cmark_parser_finish(parser);
    cmark_node_free(document);
    cmark_parser_free(parser);
    return 0;
}
C
compiler="$(command -v clang || command -v gcc || true)"
cmark_floor() {
    [ -n "$compiler" ] || { echo "-"; return; }
    [ -x "$work/cmark-parse" ] || "$compiler" -O2 "$work/cmark-parse.c" -o "$work/cmark-parse" $(pkg-config --cflags --libs libcmark-gfm)
    /usr/bin/time -f "%M" "$work/cmark-parse" "$work/$1" 2> "$work/floor.txt" > /dev/null
    echo "$(( $(tail -1 "$work/floor.txt") / 1024 ))"
}

# `ratio PEAK-MB BYTES`: the peak over the input's size ("-" when refused).
ratio() { case "$1" in refused|failed) echo "-" ;; *) awk -v p="$1" -v b="$2" 'BEGIN {printf "%.1f", p * 1048576 / b}' ;; esac; }

printf 'Input %d MB (%d bytes) unless named; peak resident memory in MB, its ratio to the input, and wall time\n' "$megabytes" "$bytes"
header="%-12s %-9s %10s %7s %9s"
[ -n "${HERALD_BEFORE:-}" ] && header="$header   %10s %7s %9s"
printf "$header\n" shape output "peak MB" "×input" time ${HERALD_BEFORE:+"before MB" "×input" time}
for shape in "${shapes[@]}"; do
    read -r name file outputs <<< "$shape"
    case "$file" in *.md) echo "$name: cmark-gfm alone, parse only: $(cmark_floor "$file") MB" ;; esac
    for output in $outputs; do
        size=$(wc -c < "$work/$file")
        read -r peak seconds <<< "$(measure "$herald" "$file" "$output")"
        line=$(printf "%-12s %-9s %10s %7s %9s" "$name" "$output" "$peak" "$(ratio "$peak" "$size")" "$seconds")
        if [ -n "${HERALD_BEFORE:-}" ]; then
            read -r before beforeSeconds <<< "$(measure "$HERALD_BEFORE" "$file" "$output")"
            line="$line   $(printf "%10s %7s %9s" "$before" "$(ratio "$before" "$size")" "$beforeSeconds")"
        fi
        echo "$line"
    done
done
