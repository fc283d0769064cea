#!/usr/bin/env python3
"""The baseline of DeliveryBenchmark: Python's smtplib sending the same message COUNT times
over one connection. Prints messages per second.

Usage: smtplib_baseline.py PORT MESSAGE_FILE COUNT
"""
import smtplib, sys, time

port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
message = open(path, "rb").read()
with smtplib.SMTP("127.0.0.1", port) as client:
    client.ehlo()
    start = time.perf_counter()
    for _ in range(count):
        client.sendmail("support@example.com", ["ana@example.com", "bo@example.com"], message)
    elapsed = time.perf_counter() - start
print(f"{count / elapsed:.1f}")
