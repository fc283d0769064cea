#!/usr/bin/env python3
"""Checks every DKIM-Signature of a message with dkimpy, an independent verifier.

Usage: dkimpy-verify.py MESSAGE.eml RECORDS.json
RECORDS.json maps "selector._domainkey.domain" to the TXT record; dkimpy's DNS lookup is
answered from it (no network). Prints {"results": [true|false, ...]}, one per signature, in
order, and exits 0 whatever they are (the Swift test judges).
"""
import json
import sys

import dkim


def main():
    message = open(sys.argv[1], "rb").read()
    records = json.load(open(sys.argv[2]))

    def dns(name, timeout=5):
        # dkimpy asks for the name with a trailing dot.
        return records.get(name.decode().rstrip("."), "").encode()

    checker = dkim.DKIM(message)
    count = sum(1 for line in message.split(b"\r\n") if line.lower().startswith(b"dkim-signature:"))
    results = []
    for index in range(count):
        try:
            results.append(bool(checker.verify(idx=index, dnsfunc=dns)))
        except dkim.DKIMException:
            results.append(False)
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
