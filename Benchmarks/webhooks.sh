#!/usr/bin/env bash
# The providers' webhooks under load (issue 16): `herald serve` (release build) on loopback, its
# WhatsApp webhook receiving signed status callbacks from wrk — each request's X-Hub-Signature-256
# checked (HMAC-SHA256 of the raw body), its JSON read and its receipt stored in the inbox's SQLite
# (`Inbox.record`). The goal: >= 2,000 verified requests/s.
#
# The requests are made here first (Python's hmac signs them, not Herald): REQUESTS different
# messages' statuses (delivered), so that within a run of that many requests every one is a new
# receipt written, not a repeat; beyond that they come round again and are repeats (read, found
# as far already, not written). The script checks that every answer was 200 and counts the
# receipts stored. Figures: docs/performance.md, "Webhooks".
#
# Usage: Benchmarks/webhooks.sh             (needs wrk and curl: Debian's "wrk" and "curl")
#   DURATION=S      seconds of wrk (20)      CONNECTIONS=N   wrk's connections (32)
#   REQUESTS=N      different status webhooks prepared (150000: more than a 20 s run sends here)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-20}"
connections="${CONNECTIONS:-32}"
requests="${REQUESTS:-150000}"
threads=2
unset HERALD_SMTP_URL HERALD_OUTBOX HERALD_MAILDIR
command -v wrk >/dev/null || { echo "webhooks.sh: wrk is not installed (apt-get install wrk)" >&2; exit 69; }

swift build -c release --product herald >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
server_pid=""
trap '[ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }; rm -rf "$work"' EXIT
secret="benchmark-app-secret-$RANDOM$RANDOM"
data="$work/data"
"$bin/herald" inbox load Examples/inbox/demo-team.yml --data "$data" >/dev/null

# One request a line: "sha256=HEX BODY", Meta's shape (entry[].changes[].value.statuses[]).
WEBHOOK_SECRET="$secret" python3 - "$requests" > "$work/requests.txt" <<'PY'
import hashlib, hmac, json, os, sys, time
secret = os.environ["WEBHOOK_SECRET"].encode()
now = int(time.time())
for n in range(int(sys.argv[1])):
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "34600000000", "phone_number_id": "106540352242922"},
        "statuses": [{"id": "wamid.BENCH%08d" % n, "status": "delivered", "timestamp": str(now), "recipient_id": "34612345678",
                      "conversation": {"id": "c%d" % n, "origin": {"type": "service"}}, "pricing": {"billable": True, "category": "service"}}]}}]}]},
        separators=(",", ":"))
    print("sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest(), body)
PY

# The server prints "herald serve: listening on http://127.0.0.1:PORT" once it accepts
# connections: reading that line is the wait (no sleep). No worker: nothing is sent.
exec {out}< <(HERALD_WHATSAPP_APP_SECRET="$secret" exec "$bin/herald" serve --port 0 --no-worker --data "$data" 2>"$work/serve.err")
server_pid=$!
read -r line <&"$out" || { echo "herald serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
port="${line##*:}"
url="http://127.0.0.1:$port/webhooks/whatsapp"
# One by hand first: signed, it is 200; with a wrong signature, 401.
first="$(head -1 "$work/requests.txt")"
curl -fsS -o /dev/null -H "Content-Type: application/json" -H "X-Hub-Signature-256: ${first%% *}" --data-binary "${first#* }" "$url"
refused="$(curl -sS -o /dev/null -w '%{http_code}' -H "Content-Type: application/json" -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' {1..64})" --data-binary "${first#* }" "$url")"
[ "$refused" = 401 ] || { echo "webhooks.sh: a wrong signature answered $refused, not 401" >&2; exit 1; }

echo "wrk on loopback, $(nproc) cores; $requests different signed status webhooks; load before: $(uptime | sed 's/.*load average: //')"
WEBHOOKS_FILE="$work/requests.txt" WEBHOOKS_THREADS=$threads \
    wrk -t$threads -c"$connections" -d"${duration}s" --latency -s Benchmarks/webhooks/whatsapp-status.lua "$url" > "$work/wrk.txt"
rps=$(awk '/Requests\/sec:/ { print $2 }' "$work/wrk.txt")
bad=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$work/wrk.txt")
sent=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
stored=$(sqlite3 "$data/inbox.sqlite" "SELECT count(*) FROM receipt")
sed -n '/Latency Distribution/,/99%/p' "$work/wrk.txt"
printf 'POST /webhooks/whatsapp  %s verified requests/s  (%s requests, non-2xx %s; %s receipts stored)  wrk -t%s -c%s -d%ss\n' \
    "$rps" "$sent" "${bad:-0}" "$stored" "$threads" "$connections" "$duration"
echo "load after: $(uptime | sed 's/.*load average: //')"
[ -z "$bad" ] || { echo "webhooks.sh: some answers were not 200:"; cat "$work/wrk.txt"; exit 1; }
