#!/usr/bin/python3
"""A real SMTP server for Herald's delivery tests (Debian's python3-aiosmtpd), on a free
loopback port. Prints "READY <port>" when it listens, then serves until killed.

Every accepted message is written to SPOOL/<n>.eml exactly as received (after SMTP dot
unstuffing) with SPOOL/<n>.json holding the envelope {"mail_from", "rcpt_tos"}.

Behaviours (combinable):
  --refuse ADDR      550 5.1.1 for RCPT TO:<ADDR>
  --greylist ADDR    451 4.7.1 for RCPT TO:<ADDR> the first time, accept afterwards
  --greeting-421     answer the connection with 421 and close it
  --drop-after-data  close the connection after the whole body, before the final reply
  --slow SECONDS     wait before answering each RCPT
  --tls CERT KEY     offer STARTTLS with this certificate (--require-tls: insist on it)
  --implicit-tls CERT KEY  TLS from the first byte (smtps://)
  --auth USER:PASS   require AUTH (PLAIN or LOGIN) with these credentials
"""
import argparse, asyncio, json, os, socket, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP

parser = argparse.ArgumentParser()
parser.add_argument("spool")
parser.add_argument("--refuse", action="append", default=[])
parser.add_argument("--greylist", action="append", default=[])
parser.add_argument("--greeting-421", action="store_true")
parser.add_argument("--drop-after-data", action="store_true")
parser.add_argument("--slow", type=float, default=0)
parser.add_argument("--tls", nargs=2)
parser.add_argument("--require-tls", action="store_true")
parser.add_argument("--implicit-tls", nargs=2)
parser.add_argument("--auth")
args = parser.parse_args()
os.makedirs(args.spool, exist_ok=True)
greylisted = set()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.slow:
            await asyncio.sleep(args.slow)
        if address in args.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address in args.greylist and address not in greylisted:
            greylisted.add(address)
            return "451 4.7.1 <%s>: Greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if args.drop_after_data:
            server.transport.close()
            return "250 never sent"
        n = len([f for f in os.listdir(args.spool) if f.endswith(".eml")]) + 1
        with open(os.path.join(args.spool, "%d.eml" % n), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(os.path.join(args.spool, "%d.json" % n), "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        return "250 2.0.0 Ok: queued as %d" % n


class Greeting421(SMTP):
    async def _handle_client(self):
        await self.push("421 4.3.2 Service not available, closing transmission channel")
        self.transport.close()


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    if ok:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


port = free_port()
kwargs = {"hostname": "127.0.0.1", "port": port}
if args.tls:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls[0], args.tls[1])
    kwargs["tls_context"] = context
    kwargs["require_starttls"] = args.require_tls
if args.implicit_tls:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.implicit_tls[0], args.implicit_tls[1])
    kwargs["ssl_context"] = context
if args.auth:
    kwargs["authenticator"] = authenticator
    kwargs["auth_require_tls"] = False
    kwargs["auth_exclude_mechanism"] = ["CRAM-MD5"]
if args.greeting_421:
    class Controller421(Controller):
        def factory(self):
            return Greeting421(self.handler)
    controller = Controller421(Handler(), **kwargs)
else:
    controller = Controller(Handler(), **kwargs)
controller.start()
print("READY %d" % port, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
