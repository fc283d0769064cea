#!/usr/bin/env python3
"""The baseline of InboundBenchmark: the same corpus parsed with Python's email package the way
an inbox would read it — policy.default, the headers Herald decodes, get_body() for the text and
the HTML (decoded to str), every attachment's content read and hashed with SHA-256. Prints
messages per second over the given number of seconds.

Usage: python_baseline.py SECONDS FILE.eml...
"""
import hashlib, sys, time
from email import policy
from email.parser import BytesParser

seconds = float(sys.argv[1])
corpus = [open(path, "rb").read() for path in sys.argv[2:]]
parser = BytesParser(policy=policy.default)

def read(raw):
    message = parser.parsebytes(raw)
    facts = [str(message.get(name, "")) for name in
             ("subject", "from", "to", "cc", "reply-to", "message-id", "in-reply-to", "references", "date", "auto-submitted")]
    for preference in (("plain",), ("html",)):
        body = message.get_body(preferencelist=preference)
        if body is not None:
            try:
                facts.append(body.get_content())
            except Exception:
                facts.append(body.get_payload(decode=True))
    for attachment in message.iter_attachments():
        try:
            content = attachment.get_content()
        except Exception:
            content = attachment.get_payload(decode=True)
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        elif not isinstance(content, bytes):
            content = bytes(content) if content is not None else b""
        facts.append(hashlib.sha256(content).hexdigest())
    return len(facts)

for raw in corpus:  # warm-up
    read(raw)
count = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    for raw in corpus:
        read(raw)
        count += 1
elapsed = time.perf_counter() - start
print(f"{count / elapsed:.1f}")
