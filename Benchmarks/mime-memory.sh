#!/usr/bin/env bash
# Peak memory of writing a message with a 100 MB attachment: the MIME writer streams the file
# (read in 228 KB chunks, base64-encoded, written), so the peak must stay far below the file size.
# Usage: Benchmarks/mime-memory.sh   (needs /usr/bin/time from Debian's "time" package)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product herald >/dev/null
herald="$(swift build -c release --show-bin-path)/herald"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A 100 MB file that libmagic calls a PDF: the signature, then random bytes.
{ printf '%%PDF-1.4\n'; head -c 104857600 /dev/urandom; } > "$work/big.pdf"
printf '# Your documents\n\nThe archive is attached.\n' > "$work/message.md"
/usr/bin/time -v "$herald" render "$work/message.md" --format eml --from support@example.com --to ana@example.com \
    --attach "$work/big.pdf" --max-attachment-mb 200 --output "$work/message.eml" 2> "$work/time.txt"
peak=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $6}')
size=$(stat -c %s "$work/message.eml")
echo "message: $((size / 1048576)) MB written with a 100 MB attachment; peak resident memory: $((peak / 1024)) MB (goal < 64 MB)"
