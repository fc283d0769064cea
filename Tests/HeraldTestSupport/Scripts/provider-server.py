#!/usr/bin/python3
"""A stand-in for the providers' HTTP APIs (WhatsApp Cloud API, a Twilio-style SMS gateway) on a
free loopback port, for Herald's transport tests. It records every request exactly as received
(method, path, headers, body as base64) to SPOOL/requests.jsonl, so the tests can compare them
byte for byte with the documented shape, and answers with the statuses given in order (the last
one repeats). A POST to .../media (a WhatsApp media upload) answers {"id": "<digits>"}. Status 0
reads and records the whole request, then closes the connection without a word (the provider
may have acted on it; the client cannot know). Prints "READY <port>" when it listens.

WhatsApp media downloads, as the Cloud API documents them: GET /<version>/<media-id> answers
{"url", "mime_type", "sha256", "file_size", "id", "messaging_product"} for a file the test put at
SPOOL/media/<media-id> (404 without one), and GET that url (/media-files/<media-id>) answers its
bytes. Both need "Authorization: Bearer <--token>" (401 otherwise) and are recorded like POSTs.
SPOOL/media/<media-id>.sha256 replaces the SHA-256 announced (a download that does not match).

Usage: provider-server.py SPOOL --api whatsapp|sms [--statuses 0,429,200] [--token TOKEN]
"""
import argparse, base64, hashlib, json, os, socket, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("spool")
parser.add_argument("--api", choices=["whatsapp", "sms"], required=True)
parser.add_argument("--statuses", default="200")
parser.add_argument("--token", default="wa-token")
args = parser.parse_args()
os.makedirs(args.spool, exist_ok=True)
statuses = [int(s) for s in args.statuses.split(",")]
count = 0

SUCCESS = {
    "whatsapp": {"messaging_product": "whatsapp", "contacts": [{"input": "+34612345678", "wa_id": "34612345678"}],
                 "messages": [{"id": "wamid.TEST%d", "message_status": "accepted"}]},
    "sms": {"sid": "SM%d", "status": "queued"},
}
ERRORS = {
    "whatsapp": {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047}},
    "sms": {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400},
}


def record(handler, method, body):
    with open(os.path.join(args.spool, "requests.jsonl"), "a") as f:
        f.write(json.dumps({"method": method, "path": handler.path, "headers": {k.lower(): v for k, v in handler.headers.items()},
                            "body": base64.b64encode(body).decode()}) + "\n")


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, data, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        record(self, "GET", b"")
        if self.headers.get("Authorization") != "Bearer " + args.token:
            return self.answer(401, json.dumps({"error": {"message": "Invalid OAuth access token", "code": 190}}).encode())
        parts = self.path.strip("/").split("/")
        media_id = parts[-1] if len(parts) == 2 and parts[-1].isdigit() else None
        path = os.path.join(args.spool, "media", media_id) if media_id else None
        if not path or not os.path.isfile(path):
            return self.answer(404, json.dumps({"error": {"message": "Unsupported get request", "code": 100}}).encode())
        data = open(path, "rb").read()
        if parts[0] == "media-files":
            return self.answer(200, data, "application/octet-stream")
        override = path + ".sha256"
        digest = open(override).read().strip() if os.path.exists(override) else hashlib.sha256(data).hexdigest()
        host = "127.0.0.1:%d" % self.server.server_address[1]
        self.answer(200, json.dumps({"messaging_product": "whatsapp", "url": "http://%s/media-files/%s" % (host, media_id),
                                     "mime_type": "image/jpeg", "sha256": digest, "file_size": len(data), "id": media_id}).encode())

    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        record(self, "POST", body)
        status = statuses[min(count, len(statuses) - 1)]
        count += 1
        if status == 0:
            self.close_connection = True
            return
        if 200 <= status < 300 and self.path.endswith("/media"):
            # A media upload answers with the id messages refer to (digits, as Meta's are).
            reply = json.dumps({"id": "44907093273840%02d" % count})
        elif 200 <= status < 300:
            reply = json.dumps(SUCCESS[args.api]).replace("%d", str(count))
        elif status == 429:
            reply = json.dumps({"error": {"message": "Rate limit hit", "code": 130429}} if args.api == "whatsapp" else {"code": 20429, "message": "Too Many Requests"})
        elif status >= 500:
            reply = json.dumps({"error": {"message": "Service temporarily unavailable", "code": 131000}})
        else:
            reply = json.dumps(ERRORS[args.api])
        data = reply.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print("READY %d" % server.server_address[1], flush=True)
server.serve_forever()
