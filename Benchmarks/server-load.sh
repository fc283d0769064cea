#!/usr/bin/env bash
# The inbox server under load (issue 14): `herald serve` (release build) on loopback over an inbox
# of 10,000 interactions, measured with wrk in one run:
#
# 1. GET /api/v1/tabs/active as ana, who holds ACTIVE interactions (50 by default) in her Active
#    tab among the 10,000 (the goal: >= 3,000 requests/s, p99 < 50 ms);
# 2. POST /api/v1/interactions: an email start with its first message, each to a new customer —
#    composed, stored, enqueued — while the server's own worker delivers to the Maildir of the data
#    folder (the goal: >= 500 starts/s); then how long the worker takes to deliver the rest.
#
# The inbox is seeded by Benchmarks/InboxSeed through the HeraldInbox library (not HTTP: the same
# `Inbox` commands the routes call, without the minute of requests), with the demo team
# (Examples/inbox/demo-team.yml); see InboxSeed's header for the mix. Figures: docs/performance.md,
# "The inbox server".
#
# Usage: Benchmarks/server-load.sh          (needs wrk and curl: Debian's "wrk" and "curl")
#   INTERACTIONS=N   interactions seeded (10000)       ACTIVE=N       in each agent's Active tab (50)
#   DURATION=S       seconds per wrk run (20)          GET_CONNECTIONS=N, POST_CONNECTIONS=N (32, 16)
#   HERALD_BEFORE=DIR also measures another build's `herald` and `InboxSeed` (copied from an older
#                    .build/release) in the same run, each on an inbox it seeded itself, for a
#                    before/after table.
set -euo pipefail
cd "$(dirname "$0")/.."
interactions="${INTERACTIONS:-10000}"
active="${ACTIVE:-50}"
duration="${DURATION:-20}"
get_connections="${GET_CONNECTIONS:-32}"
post_connections="${POST_CONNECTIONS:-16}"
# Delivery goes to the data folder's Maildir, whatever the environment says.
unset HERALD_SMTP_URL HERALD_OUTBOX HERALD_MAILDIR
command -v wrk >/dev/null || { echo "server-load.sh: wrk is not installed (apt-get install wrk)" >&2; exit 69; }

swift build -c release --product herald >/dev/null
swift build -c release --product InboxSeed >/dev/null
current="$(swift build -c release --show-bin-path)"
work="$(mktemp -d)"
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# `figure FILE` prints "requests/s p99 non-2xx socket-errors" from wrk --latency output.
figure() {
    awk '
        /Requests\/sec:/ { rps = $2 }
        /^ +99%/ { p99 = $2 }
        /Non-2xx or 3xx responses:/ { bad = $5 }
        /Socket errors:/ { errors = $0; sub(/ *Socket errors: */, "", errors); gsub(/ /, "", errors) }
        END { printf "%s %s %s %s\n", rps, p99, (bad == "" ? 0 : bad), (errors == "" ? "none" : errors) }
    ' "$1"
}

# `measure LABEL BIN-DIR`: seeds, serves and runs both wrk runs; prints one line per run.
measure() {
    local label="$1" bin="$2"
    local folder="$work/$label" data="$work/$label/data"
    mkdir -p "$folder"
    "$bin/herald" inbox load Examples/inbox/demo-team.yml --data "$data" >/dev/null
    local seeded token
    seeded="$("$bin/InboxSeed" "$data" --interactions "$interactions" --active "$active")"
    echo "$label: $seeded"
    token="$("$bin/herald" inbox token create --agent ana --data "$data" 2>/dev/null)"

    # The server prints "herald serve: listening on http://127.0.0.1:PORT" once it accepts
    # connections: reading that line is the wait (no sleep). The Maildir is the data folder's.
    local out line port
    # No rate limit (the load is one token's); an older herald without the option has none.
    local limits=()
    "$bin/herald" serve --help 2>&1 | grep -q -- "--rate-limit" && limits=(--rate-limit 0)
    exec {out}< <(exec "$bin/herald" serve --port 0 "${limits[@]}" --data "$data" 2>"$folder/serve.err")
    server_pid=$!
    read -r line <&"$out" || { echo "herald serve did not start: $(cat "$folder/serve.err")" >&2; exit 1; }
    port="${line##*:}"
    local url="http://127.0.0.1:$port/api/v1"
    curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$url/tabs/active"
    local shown
    shown="$(curl -fsS -H "Authorization: Bearer $token" "$url/tabs/active" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
    echo "$label: GET /tabs/active lists $shown interactions ($(curl -fsS -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "$url/tabs/active") bytes); load: $(uptime | sed 's/.*load average: //')"

    HERALD_TOKEN="$token" wrk -t2 -c"$get_connections" -d"${duration}s" --latency -s Benchmarks/server-load/active-tab.lua "$url/tabs/active" > "$folder/get.txt"
    read -r rps p99 bad errors <<< "$(figure "$folder/get.txt")"
    printf '%-8s GET  /tabs/active    %9s req/s  p99 %8s  non-2xx %s  socket errors %s   (wrk -t2 -c%s -d%ss)\n' \
        "$label" "$rps" "$p99" "$bad" "$errors" "$get_connections" "$duration"
    [ "$bad" = 0 ] || { echo "$label: the Active tab answered errors:"; cat "$folder/get.txt"; exit 1; }

    local maildir="$data/maildir/new"
    echo "$label: load before the starts: $(uptime | sed 's/.*load average: //')"
    HERALD_TOKEN="$token" wrk -t2 -c"$post_connections" -d"${duration}s" --latency -s Benchmarks/server-load/start-email.lua "$url/interactions" > "$folder/post.txt"
    local delivered started
    delivered=$(find "$maildir" -type f 2>/dev/null | wc -l)
    read -r rps p99 bad errors <<< "$(figure "$folder/post.txt")"
    printf '%-8s POST /interactions   %9s req/s  p99 %8s  non-2xx %s  socket errors %s   (wrk -t2 -c%s -d%ss)\n' \
        "$label" "$rps" "$p99" "$bad" "$errors" "$post_connections" "$duration"
    [ "$bad" = 0 ] || { echo "$label: starts answered errors:"; cat "$folder/post.txt"; exit 1; }
    started=$(awk '/requests in/ { print $1 }' "$folder/post.txt")
    # The worker goes on delivering after wrk stops: poll the Maildir (at most 5 minutes).
    local began=$SECONDS
    while [ "$(find "$maildir" -type f | wc -l)" -lt "$started" ] && [ $((SECONDS - began)) -lt 300 ]; do
        sleep 0.2
    done
    echo "$label: $started starts; $delivered delivered to the Maildir during the run, $(find "$maildir" -type f | wc -l) after $((SECONDS - began)) s more"
    stop_server
    exec {out}<&-
}

echo "wrk on loopback, $(nproc) cores; $interactions interactions seeded, $active in each agent's Active tab"
if [ -n "${HERALD_BEFORE:-}" ]; then measure before "$HERALD_BEFORE"; fi
measure current "$current"
