#!/usr/bin/env bash
# Peak memory of parsing a 50 MB message: a short text and a 37 MB file, base64-encoded.
# The parser reads the file through GMime's persistent file stream (parts are ranges of the file)
# and decodes the attachment in 64 KB chunks into SHA-256, libmagic's 256 KB sample and the
# attachment file, so the peak must stay far below the message size.
# Usage: Benchmarks/inbound-memory.sh   (needs /usr/bin/time from Debian's "time" package)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product InboundBenchmark >/dev/null
bench="$(swift build -c release --show-bin-path)/InboundBenchmark"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{ printf '%%PDF-1.4\n'; head -c 38797312 /dev/urandom; } > "$work/big.pdf"
{
    printf 'From: Ana <ana@customer.example>\r\nTo: support@shop.example\r\nSubject: The scans\r\n'
    printf 'Message-ID: <big@customer.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
    printf -- '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scans are attached.\r\n'
    printf -- '--b\r\nContent-Type: application/pdf; name="scans.pdf"\r\nContent-Disposition: attachment; filename="scans.pdf"\r\n'
    printf 'Content-Transfer-Encoding: base64\r\n\r\n'
    base64 -w 76 "$work/big.pdf" | sed 's/$/\r/'
    printf -- '--b--\r\n'
} > "$work/big.eml"
mkdir "$work/files"
expected=$(sha256sum "$work/big.pdf" | cut -d' ' -f1)
/usr/bin/time -v "$bench" --parse "$work/big.eml" "$work/files" > "$work/out.txt" 2> "$work/time.txt"
grep -q "sha256 $expected" "$work/out.txt" || { echo "error: the attachment's SHA-256 is not $expected: $(cat "$work/out.txt")" >&2; exit 1; }
cmp -s "$work/big.pdf" "$work/files/1-scans.pdf" || { echo "error: the written attachment differs from the original" >&2; exit 1; }
peak=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $6}')
seconds=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $8}')
size=$(stat -c %s "$work/big.eml")
echo "message: $((size / 1048576)) MB with a 37 MB attachment, parsed and the file written in $seconds; peak resident memory: $((peak / 1024)) MB (goal < 64 MB)"
