#!/bin/sh
# Checks a message's first DKIM-Signature with OpenDKIM in test mode (opendkim -t), offline:
# the keys come from a TestPublicKeys file, not DNS.
# Usage: opendkim-verify.sh MESSAGE.eml KEYS.txt   (KEYS.txt: "selector._domainkey.domain RECORD" lines)
# Prints opendkim's line ("verification (...) succeeded" or "... failed: why") and exits 0.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'Mode v\nTestPublicKeys %s\nSyslog no\nMinimumKeyBits 1024\n' "$2" > "$dir/opendkim.conf"
opendkim -x "$dir/opendkim.conf" -t "$1" 2>&1
