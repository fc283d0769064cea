#!/usr/bin/env bash
# Peak memory and time of rendering hostile message text at the input limit (5 MB by default):
# every shape below through every output (email HTML, its text, SMS, WhatsApp), measured with
# /usr/bin/time -v. The goal: peak resident memory under about 20 times the input (see
# docs/performance.md, "Memory at the input limit", for what is Herald's and what is cmark-gfm's
# and libxml2's own).
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

# Repeats UNIT to exactly $bytes bytes (cut at the end).
fill() { python3 -c 'import sys; u=sys.argv[1].encode(); n=int(sys.argv[2]); sys.stdout.buffer.write((u * (n // len(u) + 1))[:n])' "$1" "$bytes"; }
fill '**a ' > "$work/emphasis.md"                                     # an unclosed emphasis opener per 4 bytes
fill 'lorem ipsum dolor sit amet ' > "$work/line.md"                  # one paragraph, one line, no break
fill 'https://example.com/a/b?c=d ' > "$work/autolinks.md"            # a bare URL (GFM autolink) per 28 bytes
fill '[a] ' > "$work/brackets.md"                                      # a bracket pair (a link that is not) per 4 bytes
fill '<p>Your <b>order</b> <a href="https://example.com/o/1">shipped</a> today.</p>' > "$work/editor.html"

# `name file outputs...`: an output is "html", "text", "sms" or "whatsapp".
shapes=(
    "emphasis emphasis.md html text sms whatsapp"
    "line line.md html text sms whatsapp"
    "autolinks autolinks.md html text sms whatsapp"
    "brackets brackets.md html"
    "editor-html editor.html html text sms whatsapp"
)

# `measure BINARY FILE OUTPUT` prints "peak-MB seconds".
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
    if ! /usr/bin/time -v "$binary" render "$work/$file" "${arguments[@]}" "${limit[@]}" --output "$work/out" \
            2> "$work/time.txt" > /dev/null; then
        echo "failed"; return
    fi
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

printf 'Input %d MB (%d bytes); peak resident memory in MB, its ratio to the input, and wall time\n' "$megabytes" "$bytes"
header="%-12s %-9s %10s %7s %9s"
[ -n "${HERALD_BEFORE:-}" ] && header="$header   %10s %7s %9s"
printf "$header\n" shape output "peak MB" "×input" time ${HERALD_BEFORE:+"before MB" "×input" time}
for shape in "${shapes[@]}"; do
    read -r name file outputs <<< "$shape"
    case "$file" in *.md) echo "$name: cmark-gfm alone, parse only: $(cmark_floor "$file") MB" ;; esac
    for output in $outputs; do
        read -r peak seconds <<< "$(measure "$herald" "$file" "$output")"
        line=$(printf "%-12s %-9s %10s %7s %9s" "$name" "$output" "$peak" "$(awk -v p="$peak" -v m="$megabytes" 'BEGIN {printf "%.1f", p / m}')" "$seconds")
        if [ -n "${HERALD_BEFORE:-}" ]; then
            read -r before beforeSeconds <<< "$(measure "$HERALD_BEFORE" "$file" "$output")"
            line="$line   $(printf "%10s %7s %9s" "$before" "$(awk -v p="$before" -v m="$megabytes" 'BEGIN {printf "%.1f", p / m}')" "$beforeSeconds")"
        fi
        echo "$line"
    done
done
