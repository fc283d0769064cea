#!/usr/bin/env python3
"""Parses a message with Python's email package in strict mode and prints what a receiving
client sees, as JSON: the decoded headers, and every leaf part with its type, filename,
Content-ID and the SHA-256 of its decoded payload. Herald's tests compare that with what they
built. Exits 1 (with the exception on stderr) if strict parsing fails.

Usage: inspect-eml.py MESSAGE.eml
"""
import email, hashlib, json, sys
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

raw = open(sys.argv[1], "rb").read()
message = BytesParser(policy=policy.strict).parsebytes(raw)
defects = [str(d) for part in message.walk() for d in part.defects]

parts = []
for part in message.walk():
    if part.is_multipart():
        parts.append({"content_type": part.get_content_type(), "multipart": True})
        continue
    payload = part.get_payload(decode=True) or b""
    parts.append({
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "encoding": part.get("Content-Transfer-Encoding"),
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "name": part["content-type"].params.get("name") if part["content-type"] is not None else None,
        "content_id": part.get("Content-ID"),
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "text": payload.decode(part.get_content_charset() or "utf-8") if part.get_content_maintype() == "text" else None,
    })

print(json.dumps({
    "headers": [[name, str(value)] for name, value in message.items()],
    # Each header unfolded as written, and as RFC 2047's own decoder reads it (the legacy
    # email.header API drops the white space between adjacent encoded-words, as §6.2 says).
    "raw_headers": [[name, value.replace("\r\n", "").replace("\n", "")] for name, value in message.raw_items()],
    "rfc2047_headers": [[name, str(make_header(decode_header(value.replace("\r\n", "").replace("\n", ""))))]
                        for name, value in message.raw_items()],
    "subject": str(message["subject"]) if message["subject"] is not None else None,
    "from": [[a.display_name, a.addr_spec] for a in message["from"].addresses] if message["from"] else [],
    "to": [[a.display_name, a.addr_spec] for a in message["to"].addresses] if message["to"] else [],
    "cc": [[a.display_name, a.addr_spec] for a in message["cc"].addresses] if message["cc"] else [],
    "reply_to": [[a.display_name, a.addr_spec] for a in message["reply-to"].addresses] if message["reply-to"] else [],
    "defects": defects,
    "parts": parts,
}, ensure_ascii=False))
