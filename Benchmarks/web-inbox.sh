#!/usr/bin/env bash
# The web inbox's page in Chromium (issue 15): the first load's size and time, and the time per
# keystroke in a 20-paragraph email with the preview refreshing, beside a plain input's in the same
# run (Benchmarks/web-inbox/page.py says how each is measured). A release `herald serve` on
# loopback with the demo team (Examples/inbox/demo-team.yml), in a fresh data folder.
#
# Usage: Benchmarks/web-inbox.sh     (needs /usr/bin/chromium and Playwright: .ci/python-requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product herald >/dev/null
herald="$(swift build -c release --show-bin-path)/herald"
work="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
"$herald" inbox load Examples/inbox/demo-team.yml --data "$work/data" >/dev/null
# The "listening on" line is the wait (no sleep); the port is picked free.
exec {out}< <(exec "$herald" serve --port 0 --data "$work/data" 2>"$work/serve.err")
server_pid=$!
read -r line <&"$out" || { echo "herald serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
echo "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 Benchmarks/web-inbox/page.py "${line##*listening on }"
