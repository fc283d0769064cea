#!/usr/bin/env python3
"""The baseline of MIMEBenchmark: the same message built with Python's email package and
cmarkgfm (GitHub's cmark-gfm bindings: pip install cmarkgfm). Prints messages per second.

Usage: python_baseline.py MARKDOWN_FILE PDF_FILE SECONDS
"""
import sys, time
from email.message import EmailMessage
from email.policy import SMTP
import cmarkgfm

markdown = open(sys.argv[1], encoding="utf-8").read()
pdf = open(sys.argv[2], "rb").read()
seconds = float(sys.argv[3])

def build():
    html = cmarkgfm.github_flavored_markdown_to_html(markdown)
    message = EmailMessage(policy=SMTP)
    message["From"] = "Herald Support <support@example.com>"
    message["To"] = "Ana Pérez <ana@example.com>, bo@example.com"
    message["Cc"] = "ops@example.com"
    message["Subject"] = "Your refund is on its way — order 10482"
    message.set_content(markdown)
    message.add_alternative(html, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="invoice-10482.pdf")
    return message.as_bytes()

count = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    build()
    count += 1
elapsed = time.perf_counter() - start
print(f"{count / elapsed:.1f}")
