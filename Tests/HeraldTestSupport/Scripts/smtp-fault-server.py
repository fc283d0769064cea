#!/usr/bin/python3
"""A scripted SMTP server that misbehaves on purpose, for Herald's fault-matrix tests.

Python 3 asyncio, standard library only. It listens on 127.0.0.1 on a port the system picks,
prints "READY <port>" once it listens, and serves until killed. Many connections at once and
thousands of messages are fine (one coroutine per connection, no per-message directory scans).

Spool (the format of Tests/HeraldTestSupport/Scripts/smtp-server.py, so TestServer.received() works):
  SPOOL/<n>.eml       every accepted message exactly as received, after dot-unstuffing
  SPOOL/<n>.json      {"mail_from": ..., "rcpt_tos": [...]} (the accepted recipients)
  SPOOL/commands.log  every line the client sent outside a message body, as received, and for
                      each body one line "<body N bytes>" (or "<body N bytes, no final dot>"
                      when the connection ended inside it), so a test can tell whether any
                      byte of a body arrived
  SPOOL/deferred.log  the Message-ID of every attempt --defer-first-attempt-every refused

Behaviour (combinable). VERB is one of EHLO HELO STARTTLS AUTH MAIL RCPT DATA DOT RSET NOOP
QUIT, where DOT is the final "." that ends a message body. A REPLY may hold several lines
separated by a newline character; it is sent as given, so it may be garbage without a code.
  --greeting REPLY          the greeting (default 220); a 421 greeting closes the connection,
                            any other non-2xx one answers every command but QUIT with 503
  --reply VERB=REPLY        answer VERB with REPLY instead; the command has no other effect
                            (for DOT: the message is not stored)
  --rcpt ADDRESS=REPLY      answer RCPT TO:<ADDRESS> with REPLY (the recipient is not added)
  --close-after VERB        close the connection instead of answering VERB (for DOT: after the
                            whole body and its final dot arrived)
  --close-after-reply VERB  close the connection right after answering VERB
  --delay VERB=SECONDS      wait before answering VERB (GREETING delays the greeting, BODY
                            the reading of a body after DATA's 354)
  --size N                  advertise SIZE N; MAIL FROM with SIZE= over N, and a body over N,
                            are answered 552 5.3.4
  --no-8bitmime             do not advertise 8BITMIME
  --no-smtputf8             do not advertise SMTPUTF8 (a non-ASCII address is then refused
                            with 553 5.6.7, as it is whenever MAIL FROM lacks SMTPUTF8)
  --lenient                 a lax server: ignore SIZE= in MAIL FROM and take non-ASCII addresses
                            without SMTPUTF8, so only the client's own checks keep a body back
  --offer-starttls          advertise STARTTLS (a STARTTLS command is answered 454: no TLS here)
  --require-starttls        answer MAIL FROM with 530 5.7.0 Must issue a STARTTLS command first
  --require-auth            advertise AUTH PLAIN LOGIN, refuse every AUTH (535), and answer
                            MAIL FROM with 530 5.7.0 Authentication required
  --bare-lf                 end reply lines with LF instead of CRLF
  --defer-first-attempt-every N
                            the first attempt of every Nth distinct Message-ID, in the order
                            they first arrive, is answered 451 4.7.1 try again later after the
                            final dot; later attempts of it are accepted (N = 1: every
                            message is refused once, then accepted)
"""
import argparse
import asyncio
import itertools
import json
import os
import re

parser = argparse.ArgumentParser(description="A scripted fault SMTP server (see the module docstring).")
parser.add_argument("spool")
parser.add_argument("--greeting", default="220 127.0.0.1 ESMTP Herald fault server")
parser.add_argument("--reply", action="append", default=[], metavar="VERB=REPLY")
parser.add_argument("--rcpt", action="append", default=[], metavar="ADDRESS=REPLY")
parser.add_argument("--close-after", action="append", default=[], metavar="VERB")
parser.add_argument("--close-after-reply", action="append", default=[], metavar="VERB")
parser.add_argument("--delay", action="append", default=[], metavar="VERB=SECONDS")
parser.add_argument("--size", type=int)
parser.add_argument("--no-8bitmime", action="store_true")
parser.add_argument("--no-smtputf8", action="store_true")
parser.add_argument("--lenient", action="store_true")
parser.add_argument("--offer-starttls", action="store_true")
parser.add_argument("--require-starttls", action="store_true")
parser.add_argument("--require-auth", action="store_true")
parser.add_argument("--bare-lf", action="store_true")
parser.add_argument("--defer-first-attempt-every", type=int, default=0, metavar="N")
args = parser.parse_args()


def pairs(items, convert=str):
    """["A=b", ...] -> {"A": convert("b")}; the key is upper-cased for verbs by the caller."""
    result = {}
    for item in items:
        key, separator, value = item.partition("=")
        if not separator:
            parser.error("expected KEY=VALUE, got %r" % item)
        result[key] = convert(value)
    return result


replies = {verb.upper(): reply for verb, reply in pairs(args.reply).items()}
rcpt_replies = pairs(args.rcpt)
delays = {verb.upper(): seconds for verb, seconds in pairs(args.delay, float).items()}
close_after = {verb.upper() for verb in args.close_after}
close_after_reply = {verb.upper() for verb in args.close_after_reply}
line_end = b"\n" if args.bare_lf else b"\r\n"

os.makedirs(args.spool, exist_ok=True)
# Opened once, unbuffered: a test reads the log as soon as its delivery returns, and one
# os.write per line keeps lines whole while many connections share the file.
commands_log = os.open(os.path.join(args.spool, "commands.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
deferred_log = os.open(os.path.join(args.spool, "deferred.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
spool_numbers = itertools.count(1)
first_seen = {}  # Message-ID -> its place in the order of first arrival (1-based)
attempted = set()  # Message-IDs that have had their first attempt


def log(fd, text):
    os.write(fd, text.encode("utf-8", "surrogateescape") + b"\n")


def extensions():
    names = ["PIPELINING", "ENHANCEDSTATUSCODES"]
    if args.size is not None:
        names.append("SIZE %d" % args.size)
    if not args.no_8bitmime:
        names.append("8BITMIME")
    if not args.no_smtputf8:
        names.append("SMTPUTF8")
    if args.offer_starttls:
        names.append("STARTTLS")
    if args.require_auth:
        names.append("AUTH PLAIN LOGIN")
    return names


def parse_path(text):
    """'<path> PARAM=V ...' -> (path, [params]). A quoted local part may hold '>' or spaces."""
    text = text.lstrip()
    if not text.startswith("<"):
        path, _, rest = text.partition(" ")
        return path, rest.split()
    in_quotes = False
    escaped = False
    for index, character in enumerate(text[1:], start=1):
        if escaped:
            escaped = False
        elif character == "\\" and in_quotes:
            escaped = True
        elif character == '"':
            in_quotes = not in_quotes
        elif character == ">" and not in_quotes:
            return text[1:index], text[index + 1:].split()
    return None, []


def message_id(body):
    """The Message-ID header's value, unfolded, or None."""
    header_block = re.split(rb"\r?\n\r?\n", body, maxsplit=1)[0]
    unfolded = re.sub(rb"\r?\n[ \t]+", b" ", header_block)
    for line in re.split(rb"\r?\n", unfolded):
        name, separator, value = line.partition(b":")
        if separator and name.strip().lower() == b"message-id":
            return value.strip().decode("utf-8", "surrogateescape")
    return None


def defer_first_attempt(body):
    if args.defer_first_attempt_every <= 0:
        return False
    identifier = message_id(body)
    if identifier is None:
        return False
    place = first_seen.setdefault(identifier, len(first_seen) + 1)
    if identifier in attempted:
        return False
    attempted.add(identifier)
    if place % args.defer_first_attempt_every == 0:
        log(deferred_log, identifier)
        return True
    return False


def store(mail_from, rcpt_tos, body):
    number = next(spool_numbers)
    base = os.path.join(args.spool, str(number))
    with open(base + ".json", "w") as f:
        json.dump({"mail_from": mail_from, "rcpt_tos": rcpt_tos}, f)
    # The .eml appears last and whole (rename): a reader that lists *.eml never sees half a message.
    with open(base + ".eml.tmp", "wb") as f:
        f.write(body)
    os.rename(base + ".eml.tmp", base + ".eml")
    return number


class Closed(Exception):
    pass


class Session:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.greeted = False
        self.reset()

    def reset(self):
        self.mail_from = None
        self.smtputf8 = False
        self.rcpt_tos = []

    async def send(self, reply):
        for line in reply.split("\n"):
            self.writer.write(line.encode("utf-8", "surrogateescape") + line_end)
        await self.writer.drain()

    async def answer(self, verb, reply):
        """Answer VERB: with its scripted delay, reply or closing, else with `reply`."""
        if verb in delays:
            await asyncio.sleep(delays[verb])
        if verb in close_after:
            raise Closed()
        await self.send(replies.get(verb, reply))
        if verb in close_after_reply:
            raise Closed()

    async def run(self):
        if "GREETING" in delays:
            await asyncio.sleep(delays["GREETING"])
        await self.send(args.greeting)
        if args.greeting.startswith("421"):
            return
        refusing = not args.greeting.startswith("2")
        while True:
            raw = await self.reader.readline()
            if not raw:
                return
            line = raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
            log(commands_log, line)
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            if refusing:
                if verb == "QUIT":
                    await self.send("221 2.0.0 Bye")
                    return
                await self.send("503 5.5.1 No SMTP service here")
                continue
            await self.command(verb, line)

    async def command(self, verb, line):
        if verb == "QUIT":
            await self.answer(verb, "221 2.0.0 Bye")
            raise Closed()
        if verb in replies and verb not in ("DATA",):
            # A scripted reply replaces the command's effect (DATA's is decided below, so that
            # a refused DATA never reads a body).
            await self.answer(verb, replies[verb])
            return
        if verb == "EHLO":
            self.greeted = True
            self.reset()
            names = ["127.0.0.1 greets you"] + extensions()
            lines = ["250-" + name for name in names[:-1]] + ["250 " + names[-1]]
            await self.answer(verb, "\n".join(lines))
        elif verb == "HELO":
            self.greeted = True
            self.reset()
            await self.answer(verb, "250 127.0.0.1")
        elif verb == "STARTTLS":
            await self.answer(verb, "454 4.7.0 TLS not available")
        elif verb == "AUTH":
            await self.answer(verb, "535 5.7.8 Authentication credentials invalid")
        elif verb == "MAIL":
            await self.mail(line)
        elif verb == "RCPT":
            await self.rcpt(line)
        elif verb == "DATA":
            await self.data()
        elif verb in ("RSET", "NOOP"):
            if verb == "RSET":
                self.reset()
            await self.answer(verb, "250 2.0.0 Ok")
        else:
            await self.answer(verb, "502 5.5.2 Error: command not recognized")

    async def mail(self, line):
        if not self.greeted:
            return await self.answer("MAIL", "503 5.5.1 Error: send HELO/EHLO first")
        if args.require_starttls:
            return await self.answer("MAIL", "530 5.7.0 Must issue a STARTTLS command first")
        if args.require_auth:
            return await self.answer("MAIL", "530 5.7.0 Authentication required")
        path, params = parse_path(line.split(":", 1)[1] if ":" in line else "")
        if path is None:
            return await self.answer("MAIL", "501 5.1.7 Bad sender address syntax")
        upper = [param.upper() for param in params]
        for param in upper:
            if param.startswith("SIZE=") and args.size is not None and not args.lenient:
                try:
                    declared = int(param[5:])
                except ValueError:
                    return await self.answer("MAIL", "501 5.5.4 Bad SIZE parameter")
                if declared > args.size:
                    return await self.answer("MAIL", "552 5.3.4 Message size exceeds fixed maximum message size")
        smtputf8 = "SMTPUTF8" in upper and not args.no_smtputf8
        if not path.isascii() and not smtputf8 and not args.lenient:
            return await self.answer("MAIL", "553 5.6.7 Non-ASCII address requires SMTPUTF8")
        self.reset()
        self.mail_from = path
        self.smtputf8 = smtputf8
        await self.answer("MAIL", "250 2.1.0 Ok")

    async def rcpt(self, line):
        if self.mail_from is None:
            return await self.answer("RCPT", "503 5.5.1 Error: need MAIL command")
        path, _ = parse_path(line.split(":", 1)[1] if ":" in line else "")
        if path is None:
            return await self.answer("RCPT", "501 5.1.3 Bad recipient address syntax")
        if path in rcpt_replies:
            return await self.answer("RCPT", rcpt_replies[path])
        if not path.isascii() and not self.smtputf8 and not args.lenient:
            return await self.answer("RCPT", "553 5.6.7 Non-ASCII address requires SMTPUTF8")
        self.rcpt_tos.append(path)
        await self.answer("RCPT", "250 2.1.5 Ok")

    async def data(self):
        if "DATA" in replies:
            return await self.answer("DATA", replies["DATA"])
        if not self.rcpt_tos:
            return await self.answer("DATA", "503 5.5.1 Error: need RCPT command")
        await self.answer("DATA", "354 End data with <CR><LF>.<CR><LF>")
        if "BODY" in delays:
            # Stop taking bytes off the socket too (asyncio would otherwise keep buffering).
            self.writer.transport.pause_reading()
            await asyncio.sleep(delays["BODY"])
            self.writer.transport.resume_reading()
        body = bytearray()
        received = 0
        while True:
            raw = await self.reader.readline()
            if not raw:
                log(commands_log, "<body %d bytes, no final dot>" % received)
                raise Closed()
            if raw in (b".\r\n", b".\n"):
                break
            received += len(raw)
            body += raw[1:] if raw.startswith(b".") else raw
        log(commands_log, "<body %d bytes>" % received)
        mail_from, rcpt_tos = self.mail_from, self.rcpt_tos
        self.reset()
        if "DOT" in replies or "DOT" in close_after:
            return await self.answer("DOT", replies.get("DOT", ""))
        if args.size is not None and len(body) > args.size and not args.lenient:
            return await self.answer("DOT", "552 5.3.4 Message size exceeds fixed maximum message size")
        if defer_first_attempt(bytes(body)):
            return await self.answer("DOT", "451 4.7.1 try again later")
        number = store(mail_from, rcpt_tos, bytes(body))
        await self.answer("DOT", "250 2.0.0 Ok: queued as %d" % number)


async def handle(reader, writer):
    try:
        await Session(reader, writer).run()
    except (Closed, ConnectionError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        writer.close()


async def main():
    # Lines up to 16 MB: a message body may hold long lines, and readline() must not fail on them.
    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 24, backlog=128)
    print("READY %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main())
except KeyboardInterrupt:
    pass
