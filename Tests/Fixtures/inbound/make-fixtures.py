#!/usr/bin/env python3
"""Writes the inbound corpus: each message below is written by hand in the shape a real client
or server sends (Gmail, Outlook, Apple Mail, Thunderbird, Postfix, Exchange...), and beside it
NAME.expected.json with the facts known from writing it — never from Herald's output.

Bodies in legacy charsets are real bytes in those charsets (Python's codecs), attachment hashes
are SHA-256 of the bytes put in (hashlib), and `sniffedType` is what `file --mime-type` (libmagic)
says of those bytes. Run from anywhere: python3 Tests/Fixtures/inbound/make-fixtures.py

Expected keys (all optional; InboundCorpusTests reads them):
  subject, from {name, address}, to [address], cc [address], replyTo [address], messageID,
  inReplyTo [id], references [id], date (ISO 8601), textStartsWith, textContains [..],
  textIsNil, htmlContains [..], htmlIsNil, newStartsWith / quotedStartsWith / textMarker (the
  text split; quotedStartsWith "" means no history), htmlNewContains / htmlNewNotContains /
  htmlQuotedContains / htmlMarker, partTypes (the tree in document order), attachments (the
  exact list), deliveryStatus {originalMessageID, failed [{recipient, status, diagnosticContains}],
  otherActions [..]}, autoReplyReason (a prefix; absent = not an auto-reply), warningsContain
  (absent = no warning at all), structureIsNil.
"""
import base64, hashlib, json, os, quopri, struct, subprocess, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF, LF = "\r\n", "\n"


def b64(data, width=76):
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def qp(data):
    return quopri.encodestring(data).decode("ascii")


def sniff(data):
    return subprocess.run(["file", "--mime-type", "-b", "-"], input=data, capture_output=True, check=True).stdout.decode().strip()


def attachment_fact(filename, declared, data, inline=False, content_id=None):
    return {"filename": filename, "declaredType": declared, "sniffedType": sniff(data), "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "isInline": inline, "contentID": content_id}


def png(width=2, height=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + bytes(range(64)) + bytes.fromhex("ffd9")
NOTES = "Order 10482 notes\nBox 1: blue mug\nBox 2: red mug\n".encode()
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
CSV = b"order,item,qty\n10482,mug,2\n10483,plate,4\n"

written = []


def write(name, text, expected, eol=CRLF, raw=None):
    """text uses \n; it is written with `eol` line ends (raw bytes, when given, as they are)."""
    if raw is None:
        raw = text.replace("\n", eol).encode("utf-8") if isinstance(text, str) else text
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(raw)
    with open(os.path.join(HERE, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    written.append(name)


def encode_lines(text, eol):
    return text.replace("\n", eol).encode("ascii")


SUPPORT = "Herald Support <support@shop.example>"
ANA = "Ana Pérez <ana@customer.example>"
ANA_HEADER = "=?UTF-8?Q?Ana_P=C3=A9rez?= <ana@customer.example>"
ANA_FACT = {"name": "Ana Pérez", "address": "ana@customer.example"}
ORIG_ID = "reply-7f3a9c.10482@herald.shop.example"

# ---------------------------------------------------------------------------------------------
# Replies from the big clients, with their real quote markup.

write("gmail-reply", f"""MIME-Version: 1.0
Date: Mon, 30 Nov 2026 11:02:17 +0100
References: <{ORIG_ID}>
In-Reply-To: <{ORIG_ID}>
Message-ID: <CAHk7x3pQ9v=gmail.reply@mail.gmail.com>
Subject: Re: Your refund is on its way =?UTF-8?B?4oCU?= order 10482
From: {ANA_HEADER}
To: {SUPPORT}
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6a7b8"

--000000000000a1b2c3d4e5f6a7b8
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Thank you! The refund arrived this morning.

Ana

On Mon, 30 Nov 2026 at 10:15, Herald Support <support@shop.example> wrote:

> Hello Ana,
> Your refund of =E2=82=AC42.00 is on its way.
>

--000000000000a1b2c3d4e5f6a7b8
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Thank you! The refund arrived this morning.<div><br></div>=
<div>Ana</div></div><br><div class=3D"gmail_quote"><div dir=3D"ltr" class=
=3D"gmail_attr">On Mon, 30 Nov 2026 at 10:15, Herald Support &lt;<a href=3D=
"mailto:support@shop.example">support@shop.example</a>&gt; wrote:<br></div>=
<blockquote class=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex;border-=
left:1px solid rgb(204,204,204);padding-left:1ex">Hello Ana,<br>Your refund=
 of =E2=82=AC42.00 is on its way.</blockquote></div>

--000000000000a1b2c3d4e5f6a7b8--
""", {
    "subject": "Re: Your refund is on its way — order 10482", "from": ANA_FACT, "to": ["support@shop.example"],
    "messageID": "CAHk7x3pQ9v=gmail.reply@mail.gmail.com", "inReplyTo": [ORIG_ID], "references": [ORIG_ID],
    "date": "2026-11-30T10:02:17Z", "partTypes": ["multipart/alternative", "text/plain", "text/html"],
    "textStartsWith": "Thank you! The refund arrived", "textContains": ["Your refund of €42.00"],
    "newStartsWith": "Thank you!", "quotedStartsWith": "On Mon, 30 Nov 2026 at 10:15, Herald Support", "textMarker": "on-wrote",
    "htmlNewContains": ["The refund arrived this morning"], "htmlNewNotContains": ["Your refund of"],
    "htmlQuotedContains": ["Your refund of €42.00", "gmail_attr"], "htmlMarker": "gmail-quote", "attachments": []})

write("gmail-reply-wrapped-attribution", f"""MIME-Version: 1.0
Date: Tue, 01 Dec 2026 09:30:00 -0500
References: <a1@herald.shop.example> <{ORIG_ID}>
In-Reply-To: <{ORIG_ID}>
Message-ID: <CAJw.wrapped@mail.gmail.com>
Subject: Re: Delivery window
From: Bo Lindqvist <bo.lindqvist@customer.example>
To: Herald Support Team <support@shop.example>
Content-Type: text/plain; charset="UTF-8"

Thursday afternoon works for me.

On Mon, Nov 30, 2026 at 4:12 PM Herald Support Team <
support@shop.example> wrote:

> Would Thursday between 14:00 and 18:00 suit you?
>
> Kind regards,
> Herald Support
""", {
    "subject": "Re: Delivery window", "from": {"name": "Bo Lindqvist", "address": "bo.lindqvist@customer.example"},
    "references": ["a1@herald.shop.example", ORIG_ID], "inReplyTo": [ORIG_ID], "date": "2026-12-01T14:30:00Z",
    "partTypes": ["text/plain"], "textStartsWith": "Thursday afternoon works", "htmlIsNil": True,
    "newStartsWith": "Thursday afternoon works for me.", "quotedStartsWith": "On Mon, Nov 30, 2026 at 4:12 PM Herald Support Team <",
    "textMarker": "on-wrote", "attachments": []})

write("outlook-web-reply", f"""Received: from AM0PR02MB1234.eurprd02.prod.outlook.com
Content-Type: multipart/alternative;
\tboundary="_000_AM0PR02MB1234ABCDEFGeurprd02prodoutlookcom_"
From: Carla Mendes <carla.mendes@customer.example>
To: "support@shop.example" <support@shop.example>
Subject: RE: Invoice 2026-117
Thread-Topic: Invoice 2026-117
Date: Mon, 30 Nov 2026 12:40:05 +0000
Message-ID: <AM0PR02MB1234ABCDEF@AM0PR02MB1234.eurprd02.prod.outlook.com>
References: <{ORIG_ID}>
In-Reply-To: <{ORIG_ID}>
MIME-Version: 1.0

--_000_AM0PR02MB1234ABCDEFGeurprd02prodoutlookcom_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Hi, could you send the invoice as PDF again? The link expired.

Carla
________________________________
From: Herald Support <support@shop.example>
Sent: Monday, November 30, 2026 10:15
To: Carla Mendes <carla.mendes@customer.example>
Subject: Invoice 2026-117

Please find your invoice at the link below.

--_000_AM0PR02MB1234ABCDEFGeurprd02prodoutlookcom_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
=3Diso-8859-1"><style type=3D"text/css" style=3D"display:none;"> P {{margin-=
top:0;margin-bottom:0;}} </style></head><body dir=3D"ltr"><div style=3D"font=
-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">Hi, could=
 you send the invoice as PDF again? The link expired.</div><div>Carla</div>=
<hr style=3D"display:inline-block;width:98%" tabindex=3D"-1"><div id=3D"div=
RplyFwdMsg" dir=3D"ltr"><font face=3D"Calibri, sans-serif" style=3D"font-siz=
e:11pt" color=3D"#000000"><b>From:</b> Herald Support &lt;support@shop.exam=
ple&gt;<br><b>Sent:</b> Monday, November 30, 2026 10:15<br><b>Subject:</b> =
Invoice 2026-117</font><div>&nbsp;</div></div><div>Please find your invoice=
 at the link below.</div></body></html>

--_000_AM0PR02MB1234ABCDEFGeurprd02prodoutlookcom_--
""", {
    "subject": "RE: Invoice 2026-117", "from": {"name": "Carla Mendes", "address": "carla.mendes@customer.example"},
    "to": ["support@shop.example"], "date": "2026-11-30T12:40:05Z",
    "newStartsWith": "Hi, could you send the invoice", "quotedStartsWith": "________________________________",
    "textMarker": "outlook-separator", "htmlNewContains": ["The link expired."], "htmlNewNotContains": ["Please find your invoice", "<hr"],
    "htmlQuotedContains": ["<hr", "divRplyFwdMsg", "Please find your invoice"], "htmlMarker": "outlook-reply-header",
    "partTypes": ["multipart/alternative", "text/plain", "text/html"], "attachments": []})

write("outlook-desktop-reply", f"""From: =?iso-8859-1?Q?J=FCrgen_Wei=DF?= <juergen.weiss@customer.example>
To: Herald Support <support@shop.example>
Subject: AW: Lieferung 10490
Date: Tue, 1 Dec 2026 08:05:44 +0100
Message-ID: <000001d9a1b2$c3d4e5f6$a7b8c9d0$@customer.example>
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----=_NextPart_000_0001_01D9A1B2.C3D4E5F6"
X-Mailer: Microsoft Outlook 16.0
Content-Language: de
In-Reply-To: <{ORIG_ID}>

This is a multipart message in MIME format.

------=_NextPart_000_0001_01D9A1B2.C3D4E5F6
Content-Type: text/plain;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Guten Morgen, die Lieferung ist angekommen. Vielen Dank!

Gr=FC=DFe
J=FCrgen

From: Herald Support <support@shop.example>=20
Sent: Monday, November 30, 2026 5:00 PM
To: J=FCrgen Wei=DF <juergen.weiss@customer.example>
Subject: Lieferung 10490

Ihre Lieferung ist unterwegs.

------=_NextPart_000_0001_01D9A1B2.C3D4E5F6
Content-Type: text/html;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html xmlns:o=3D"urn:schemas-microsoft-com:office:office"><head><style><!--=
 p.MsoNormal {{margin:0cm;}} --></style></head><body lang=3DDE link=3D"#0563C1=
"><div class=3DWordSection1><p class=3DMsoNormal>Guten Morgen, die Lieferun=
g ist angekommen. Vielen Dank!<o:p></o:p></p><p class=3DMsoNormal>Gr=FC=DFe =
J=FCrgen<o:p></o:p></p><div><div style=3D'border:none;border-top:solid #E1E1=
E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=3DMsoNormal><b>From:</b> Herald=
 Support &lt;support@shop.example&gt; <br><b>Sent:</b> Monday, November 30,=
 2026 5:00 PM<br><b>Subject:</b> Lieferung 10490<o:p></o:p></p></div></div>=
<p class=3DMsoNormal>Ihre Lieferung ist unterwegs.<o:p></o:p></p></div></bo=
dy></html>

------=_NextPart_000_0001_01D9A1B2.C3D4E5F6--
""", {
    "subject": "AW: Lieferung 10490", "from": {"name": "Jürgen Weiß", "address": "juergen.weiss@customer.example"},
    "date": "2026-12-01T07:05:44Z", "messageID": "000001d9a1b2$c3d4e5f6$a7b8c9d0$@customer.example",
    "textContains": ["Grüße\r\nJürgen"], "newStartsWith": "Guten Morgen, die Lieferung ist angekommen.",
    "quotedStartsWith": "From: Herald Support <support@shop.example>", "textMarker": "outlook-header-block",
    "htmlNewContains": ["Vielen Dank!", "Grüße"], "htmlNewNotContains": ["unterwegs"],
    "htmlQuotedContains": ["border-top:solid", "Ihre Lieferung ist unterwegs."], "htmlMarker": "outlook-separator",
    "partTypes": ["multipart/alternative", "text/plain", "text/html"], "attachments": []})

write("outlook-original-message", """From: Dan Okafor <dan@customer.example>
To: support@shop.example
Subject: RE: Password reset
Date: Wed, 2 Dec 2026 15:20:00 +0000
Message-ID: <outlook.original.1@customer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

The reset link works now, thanks.

-----Original Message-----
From: Herald Support [mailto:support@shop.example]
Sent: Wednesday, December 2, 2026 2:00 PM
To: Dan Okafor
Subject: Password reset

Please try the link again.
""", {
    "subject": "RE: Password reset", "from": {"name": "Dan Okafor", "address": "dan@customer.example"},
    "newStartsWith": "The reset link works now, thanks.", "quotedStartsWith": "-----Original Message-----",
    "textMarker": "outlook-original-message", "htmlIsNil": True, "partTypes": ["text/plain"], "attachments": []})

write("outlook-german-original-message", """From: Eva Braun <eva@kunde.example>
To: support@shop.example
Subject: AW: Frage
Date: Wed, 2 Dec 2026 16:20:00 +0100
Message-ID: <outlook.de.1@kunde.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Danke, das hilft mir weiter.

-----Ursprüngliche Nachricht-----
Von: Herald Support <support@shop.example>
Gesendet: Mittwoch, 2. Dezember 2026 14:00
Betreff: Frage
""", {
    "subject": "AW: Frage", "newStartsWith": "Danke, das hilft mir weiter.", "quotedStartsWith": "-----Ursprüngliche Nachricht-----",
    "textMarker": "outlook-original-message", "partTypes": ["text/plain"], "attachments": []}, eol=LF)

write("outlook-appendonsend", """From: Fay Ngata <fay@customer.example>
To: support@shop.example
Subject: Re: Return label
Date: Thu, 3 Dec 2026 10:00:00 +0000
Message-ID: <appendonsend.1@customer.example>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit

<html><body><div>Got the label, sending the parcel today.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Herald Support</div><div>Here is your return label.</div></body></html>
""", {
    "subject": "Re: Return label", "textIsNil": True, "htmlContains": ["Got the label"],
    "htmlNewContains": ["sending the parcel today"], "htmlNewNotContains": ["Here is your return label", "divRplyFwdMsg"],
    "htmlQuotedContains": ["appendonsend", "Here is your return label."], "htmlMarker": "outlook-appendonsend",
    "partTypes": ["text/html"], "attachments": []})

write("apple-mail-reply", f"""From: Gil Sato <gil@customer.example>
Content-Type: multipart/alternative;
\tboundary="Apple-Mail=_8E4F2A10-3C7B-4D2E-9A61-2F0B5C7D9E11"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
Subject: Re: Warranty claim
Date: Mon, 30 Nov 2026 18:22:31 +0900
In-Reply-To: <{ORIG_ID}>
To: Herald Support <support@shop.example>
References: <{ORIG_ID}>
Message-Id: <5D1C2B3A-1111-2222-3333-444455556666@customer.example>
X-Mailer: Apple Mail (2.3774.600.62)

--Apple-Mail=_8E4F2A10-3C7B-4D2E-9A61-2F0B5C7D9E11
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii

Photos of the crack are on the way.

> On 30 Nov 2026, at 17:00, Herald Support <support@shop.example> wrote:
>
> Could you send us a photo of the damage?

--Apple-Mail=_8E4F2A10-3C7B-4D2E-9A61-2F0B5C7D9E11
Content-Transfer-Encoding: 7bit
Content-Type: text/html;
\tcharset=us-ascii

<html><head><meta http-equiv="Content-Type" content="text/html; charset=us-ascii"></head><body style="word-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">Photos of the crack are on the way.<br><div><br><blockquote type="cite"><div>On 30 Nov 2026, at 17:00, Herald Support &lt;support@shop.example&gt; wrote:</div><br class="Apple-interchange-newline"><div><div>Could you send us a photo of the damage?</div></div></blockquote></div><br></body></html>
--Apple-Mail=_8E4F2A10-3C7B-4D2E-9A61-2F0B5C7D9E11--
""", {
    "subject": "Re: Warranty claim", "from": {"name": "Gil Sato", "address": "gil@customer.example"},
    "messageID": "5D1C2B3A-1111-2222-3333-444455556666@customer.example", "date": "2026-11-30T09:22:31Z",
    "newStartsWith": "Photos of the crack are on the way.", "quotedStartsWith": "> On 30 Nov 2026, at 17:00", "textMarker": "quote-prefix",
    "htmlNewContains": ["Photos of the crack"], "htmlNewNotContains": ["photo of the damage"],
    "htmlQuotedContains": ["<blockquote type=\"cite\">", "photo of the damage"], "htmlMarker": "blockquote-cite",
    "partTypes": ["multipart/alternative", "text/plain", "text/html"], "attachments": []})

write("thunderbird-reply", f"""Message-ID: <8f2e1d0c-tb-4b7a@customer.example>
Date: Mon, 30 Nov 2026 20:01:09 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Re: Your order has shipped
Content-Language: en-GB
To: Herald Support <support@shop.example>
References: <{ORIG_ID}>
From: Hana Novak <hana@customer.example>
In-Reply-To: <{ORIG_ID}>
Content-Type: multipart/alternative;
 boundary="------------7GqP0Yd9y1xWv3sZ2aB4cD5e"

This is a multi-part message in MIME format.
--------------7GqP0Yd9y1xWv3sZ2aB4cD5e
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

The tracking page says "label created" since Friday.

On 30/11/2026 10:15, Herald Support wrote:
> Your order has shipped and should arrive on Wednesday.
>

--------------7GqP0Yd9y1xWv3sZ2aB4cD5e
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 8bit

<!DOCTYPE html>
<html>
  <head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  </head>
  <body>
    <p>The tracking page says "label created" since Friday.</p>
    <div class="moz-cite-prefix">On 30/11/2026 10:15, Herald Support
      wrote:<br>
    </div>
    <blockquote type="cite" cite="mid:{ORIG_ID}">Your order has shipped and should arrive on Wednesday.</blockquote>
  </body>
</html>

--------------7GqP0Yd9y1xWv3sZ2aB4cD5e--
""", {
    "subject": "Re: Your order has shipped", "from": {"name": "Hana Novak", "address": "hana@customer.example"},
    "newStartsWith": "The tracking page says", "quotedStartsWith": "On 30/11/2026 10:15, Herald Support wrote:", "textMarker": "on-wrote",
    "htmlNewContains": ["label created"], "htmlNewNotContains": ["should arrive on Wednesday", "moz-cite-prefix"],
    "htmlQuotedContains": ["moz-cite-prefix", "should arrive on Wednesday"], "htmlMarker": "thunderbird-cite",
    "partTypes": ["multipart/alternative", "text/plain", "text/html"], "attachments": []}, eol=LF)

write("plain-quote-only", """From: ivan@customer.example
To: support@shop.example
Subject: Re: Survey
Date: Thu, 3 Dec 2026 11:11:11 +0000
Message-ID: <quote-only@customer.example>

Five stars.
> How would you rate our service?
""", {
    "subject": "Re: Survey", "from": {"name": None, "address": "ivan@customer.example"},
    "newStartsWith": "Five stars.", "quotedStartsWith": "> How would you rate", "textMarker": "quote-prefix",
    "partTypes": ["text/plain"], "attachments": []})

write("plain-no-history", """From: Jon <jon@customer.example>
To: support@shop.example
Subject: Opening hours
Date: Thu, 3 Dec 2026 12:00:00 +0000
Message-ID: <no-history@customer.example>
Content-Type: text/plain; charset=utf-8

Are you open on Sunday? I would like to pick up order 10511.
""", {
    "subject": "Opening hours", "newStartsWith": "Are you open on Sunday?", "quotedStartsWith": "",
    "textStartsWith": "Are you open on Sunday? I would like to pick up order 10511.", "htmlIsNil": True,
    "partTypes": ["text/plain"], "attachments": []})

write("french-reply", """From: =?utf-8?q?Lo=C3=AFc_Martin?= <loic@client.example>
To: support@shop.example
Subject: =?utf-8?q?Re=C2=A0=3A_Votre_colis?=
Date: Thu, 3 Dec 2026 14:00:00 +0100
Message-ID: <fr-reply@client.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Merci, c'est bien reçu.

Le jeu. 3 déc. 2026 à 10:15, Herald Support <support@shop.example> a écrit :
> Votre colis est en route.
""", {
    "subject": "Re\u00a0: Votre colis", "from": {"name": "Loïc Martin", "address": "loic@client.example"},
    "newStartsWith": "Merci, c'est bien reçu.", "quotedStartsWith": "Le jeu. 3 déc. 2026 à 10:15", "textMarker": "on-wrote",
    "partTypes": ["text/plain"], "attachments": []})

write("html-only", """From: Kai <kai@customer.example>
To: support@shop.example
Subject: Table of sizes
Date: Thu, 3 Dec 2026 15:00:00 +0000
Message-ID: <html-only@customer.example>
MIME-Version: 1.0
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

""" + b64("""<html><body><p>Which size should I order?</p><table><tr><td>S</td><td>M</td></tr></table><script>alert(1)</script></body></html>""".encode()) + "\n", {
    "subject": "Table of sizes", "textIsNil": True, "htmlContains": ["<table><tr><td>S</td>", "<script>alert(1)</script>"],
    "htmlNewContains": ["Which size should I order?"], "htmlMarker": None, "partTypes": ["text/html"], "attachments": []})

# ---------------------------------------------------------------------------------------------
# Bodies in legacy charsets: real bytes in each charset.

def charset_message(name, charset, encoding, body_text, subject, first, eol=CRLF, header_charset=None, codec=None, warnings=None):
    data = body_text.encode(codec or charset)
    if encoding == "base64":
        payload = b64(data)
    elif encoding == "quoted-printable":
        payload = qp(data)
    else:
        payload = None
    subject_header = subject if subject.isascii() else f"=?UTF-8?B?{base64.b64encode(subject.encode()).decode()}?="
    head = f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: {subject_header}
Date: Fri, 4 Dec 2026 09:00:00 +0000
Message-ID: <{name}@customer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset={header_charset or charset}
Content-Transfer-Encoding: {encoding}

"""
    raw = head.replace("\n", eol).encode("ascii")
    raw += payload.replace("\n", eol).encode("ascii") if payload is not None else data.replace(b"\n", eol.encode())
    write(name, None, {"subject": subject, "textStartsWith": first, "textContains": [body_text.split("\n")[1]] if "\n" in body_text.strip() else [],
                       "partTypes": ["text/plain"], "attachments": [], "htmlIsNil": True,
                       **({"warningsContain": warnings} if warnings else {})}, raw=raw)


charset_message("latin1-quoted-printable", "iso-8859-1", "quoted-printable",
                "Buenos días, el envío de la mesa llegó dañado.\n¿Pueden cambiármela? Señora Núñez\n",
                "Mesa dañada", "Buenos días, el envío de la mesa llegó dañado.")
charset_message("windows-1252-8bit", "windows-1252", "8bit",
                "Thanks for the “quick” reply – the €30 credit is fine.\nSee you… soon\n",
                "Credit", "Thanks for the “quick” reply – the €30 credit is fine.")
charset_message("latin1-label-windows-bytes", "iso-8859-1", "8bit",
                "He said “no” — it costs €12.\nThat’s all\n",
                "Quotes", "He said “no” — it costs €12.", codec="windows-1252")
charset_message("shift-jis-base64", "Shift_JIS", "base64",
                "お世話になっております。注文番号10482の件です。\n配送日を変更できますか。\n",
                "Delivery date", "お世話になっております。注文番号10482の件です。", codec="shift_jis")
charset_message("shift-jis-8bit", "shift_jis", "8bit",
                "商品が届きました。ありがとうございます。\n山田\n",
                "Arrived", "商品が届きました。ありがとうございます。", eol=LF)
charset_message("koi8-r-8bit", "koi8-r", "8bit",
                "Здравствуйте! Заказ 10482 ещё не пришёл.\nСпасибо, Ольга\n",
                "Order", "Здравствуйте! Заказ 10482 ещё не пришёл.")
charset_message("koi8-r-quoted-printable", "KOI8-R", "quoted-printable",
                "Добрый день, прошу вернуть деньги.\nИван\n",
                "Refund", "Добрый день, прошу вернуть деньги.", codec="koi8_r")
charset_message("windows-1251-base64", "windows-1251", "base64",
                "Привет из Киева, посылка получена.\nМария\n",
                "Parcel", "Привет из Киева, посылка получена.")
charset_message("iso-8859-15-8bit", "iso-8859-15", "8bit",
                "Le prix est de 15 € par œuvre.\nBéatrice\n",
                "Prix", "Le prix est de 15 € par œuvre.")
charset_message("utf8-base64-emoji", "utf-8", "base64",
                "Love it 😍 — five stars ⭐⭐⭐⭐⭐\nZoë\n",
                "Review", "Love it 😍 — five stars ⭐⭐⭐⭐⭐")
charset_message("gbk-base64", "gbk", "base64",
                "您好，我的订单还没有发货。\n李明\n",
                "Order status", "您好，我的订单还没有发货。")
charset_message("iso-2022-jp-7bit", "iso-2022-jp", "7bit",
                "こんにちは。返品の手続きをお願いします。\n佐藤\n",
                "Return", "こんにちは。返品の手続きをお願いします。", eol=LF)
charset_message("no-charset-latin1-bytes", "windows-1252", "8bit",
                "Café crème et pâtisserie, merci.\nRené\n",
                "Pas de charset", "Café crème et pâtisserie, merci.", header_charset="\"\"", warnings=["no charset"])

# ---------------------------------------------------------------------------------------------
# Encoded-word subjects and names.

def subject_message(name, subject_header, subject, from_header="Customer <customer@customer.example>", from_fact=None, eol=CRLF):
    expected = {"subject": subject, "partTypes": ["text/plain"], "attachments": [], "textStartsWith": "Body."}
    if from_fact:
        expected["from"] = from_fact
    write(name, f"""From: {from_header}
To: support@shop.example
Subject: {subject_header}
Date: Fri, 4 Dec 2026 10:00:00 +0000
Message-ID: <{name}@customer.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Body.
""", expected, eol=eol)


def word(charset, text, codec=None):
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec or charset)).decode()}?="


subject_message("subject-b-utf8", word("UTF-8", "Échange de la taille – commande 10482"),
                "Échange de la taille – commande 10482")
subject_message("subject-q-latin1", "=?ISO-8859-1?Q?Re=3A_R=FCckerstattung_f=FCr_Bestellung?=", "Re: Rückerstattung für Bestellung")
subject_message("subject-split-words", word("UTF-8", "お問い合わせ") + "\n " + word("UTF-8", "：注文番号") + "\n =?UTF-8?Q?_10482?=",
                "お問い合わせ：注文番号 10482")
subject_message("subject-charset-mix", "=?ISO-8859-1?Q?Caf=E9?= =?UTF-8?Q?_=E2=80=94_?= " + word("KOI8-R", "Горь", "koi8_r") + " and more",
                "Café — Горь and more")
subject_message("subject-shift-jis-b", word("Shift_JIS", "注文番号の件について", "shift_jis"), "注文番号の件について")
subject_message("subject-iso-2022-jp-b", word("ISO-2022-JP", "こんにちは", "iso2022_jp"), "こんにちは")
subject_message("from-encoded-name-comma", "Question", "Question",
                from_header="\"=?UTF-8?Q?N=C3=BA=C3=B1ez=2C_Mar=C3=ADa?=\" <maria.nunez@customer.example>",
                from_fact={"name": "Núñez, María", "address": "maria.nunez@customer.example"})
subject_message("subject-unencoded-with-encoded-tail", "Order 10482 =?UTF-8?Q?=E2=9C=94_shipped?=", "Order 10482 ✔ shipped", eol=LF)

# ---------------------------------------------------------------------------------------------
# Structure: nested multiparts, inline images, attachments with RFC 2231 names, forwards.

logo = png(3, 3)
write("nested-mixed-related-alternative", f"""From: {ANA_HEADER}
To: support@shop.example
Cc: "Bo L." <bo@customer.example>, team@customer.example
Reply-To: orders@customer.example
Subject: Photo of the damaged box
Date: Fri, 4 Dec 2026 11:00:00 +0000
Message-ID: <nested@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-1"

--mixed-1
Content-Type: multipart/related; boundary="related-1"; type="multipart/alternative"

--related-1
Content-Type: multipart/alternative; boundary="alt-1"

--alt-1
Content-Type: text/plain; charset=utf-8

The box arrived like this (photo below), receipt attached.

--alt-1
Content-Type: text/html; charset=utf-8

<p>The box arrived like this:</p><img src="cid:box-photo@customer.example"><p>Receipt attached.</p>
--alt-1--

--related-1
Content-Type: image/png; name="box.png"
Content-Transfer-Encoding: base64
Content-ID: <box-photo@customer.example>
Content-Disposition: inline; filename="box.png"

{b64(logo)}
--related-1--

--mixed-1
Content-Type: application/pdf; name="receipt.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="receipt.pdf"

{b64(PDF)}
--mixed-1--
""", {
    "subject": "Photo of the damaged box", "from": ANA_FACT, "to": ["support@shop.example"],
    "cc": ["bo@customer.example", "team@customer.example"], "replyTo": ["orders@customer.example"],
    "partTypes": ["multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html", "image/png", "application/pdf"],
    "textStartsWith": "The box arrived like this", "htmlContains": ["cid:box-photo@customer.example"],
    "attachments": [attachment_fact("box.png", "image/png", logo, inline=True, content_id="box-photo@customer.example"),
                    attachment_fact("receipt.pdf", "application/pdf", PDF)]})

photo = JPEG
write("apple-mail-text-image-text", f"""From: Gil Sato <gil@customer.example>
Content-Type: multipart/mixed; boundary="Apple-Mail=_MIXED"
Mime-Version: 1.0 (Mac OS X Mail 16.0)
Subject: The crack
Date: Fri, 4 Dec 2026 12:00:00 +0900
To: support@shop.example
Message-Id: <apple-mixed@customer.example>

--Apple-Mail=_MIXED
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset=us-ascii

Here is the first photo:

--Apple-Mail=_MIXED
Content-Disposition: inline; filename=IMG_0042.jpeg
Content-Type: image/jpeg; x-unix-mode=0644; name="IMG_0042.jpeg"
Content-Transfer-Encoding: base64

{b64(photo)}
--Apple-Mail=_MIXED
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset=us-ascii

And that is all.
--Apple-Mail=_MIXED--
""", {
    "subject": "The crack", "textStartsWith": "Here is the first photo:", "textContains": ["And that is all."],
    "partTypes": ["multipart/mixed", "text/plain", "image/jpeg", "text/plain"],
    "attachments": [attachment_fact("IMG_0042.jpeg", "image/jpeg", photo, inline=True)]})

gif = GIF
write("related-two-inline-images", f"""From: Lia <lia@customer.example>
To: support@shop.example
Subject: Logo question
Date: Fri, 4 Dec 2026 13:00:00 +0000
Message-ID: <related2@customer.example>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p><img src="cid:a@x"> vs <img src="cid:b@x"></p>
--rel
Content-Type: image/png
Content-Transfer-Encoding: base64
Content-ID: <a@x>

{b64(logo)}
--rel
Content-Type: image/gif
Content-Transfer-Encoding: base64
Content-ID: <b@x>

{b64(gif)}
--rel--
""", {
    "subject": "Logo question", "textIsNil": True, "htmlContains": ["cid:a@x"],
    "partTypes": ["multipart/related", "text/html", "image/png", "image/gif"],
    "attachments": [attachment_fact(None, "image/png", logo, inline=True, content_id="a@x"),
                    attachment_fact(None, "image/gif", gif, inline=True, content_id="b@x")]}, eol=LF)

write("rfc2231-continuations", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Documents
Date: Fri, 4 Dec 2026 14:00:00 +0000
Message-ID: <rfc2231@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2231"

--b2231
Content-Type: text/plain; charset=utf-8

Two documents attached.

--b2231
Content-Type: application/pdf
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
 filename*0*=UTF-8''Factura%20de%20devoluci%C3%B3n%20;
 filename*1*=%E2%80%94%20pedido%20n%C2%BA%2010482;
 filename*2=".pdf"

{b64(PDF)}
--b2231
Content-Type: text/csv
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename*=iso-8859-1'es'art%EDculos.csv

{b64(CSV)}
--b2231--
""", {
    "subject": "Documents", "textStartsWith": "Two documents attached.",
    "partTypes": ["multipart/mixed", "text/plain", "application/pdf", "text/csv"],
    "attachments": [attachment_fact("Factura de devolución — pedido nº 10482.pdf", "application/pdf", PDF),
                    attachment_fact("artículos.csv", "text/csv", CSV)]})

write("rfc2231-name-parameter-and-encoded-word", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Pictures
Date: Fri, 4 Dec 2026 14:30:00 +0000
Message-ID: <names@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="nb"

--nb
Content-Type: text/plain

See attached.
--nb
Content-Type: image/png; name*=UTF-8''%E5%86%99%E7%9C%9F.png
Content-Transfer-Encoding: base64

{b64(logo)}
--nb
Content-Type: application/pdf; name="=?UTF-8?B?UsOpc3Vtw6kucGRm?="
Content-Disposition: attachment; filename="=?UTF-8?B?UsOpc3Vtw6kucGRm?="
Content-Transfer-Encoding: base64

{b64(PDF)}
--nb--
""", {
    "subject": "Pictures", "textStartsWith": "See attached.",
    "partTypes": ["multipart/mixed", "text/plain", "image/png", "application/pdf"],
    "attachments": [attachment_fact("写真.png", "image/png", logo), attachment_fact("Résumé.pdf", "application/pdf", PDF)]}, eol=LF)

zipped = bytes.fromhex("504b0304140000000000") + b"\x00" * 20 + b"hello.txt" + b"hi"
disguised = png(1, 1)
write("attachment-type-mismatch", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Scan
Date: Fri, 4 Dec 2026 15:00:00 +0000
Message-ID: <mismatch@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mm"

--mm
Content-Type: text/plain

The scan, and a file without a name.
--mm
Content-Type: application/octet-stream; name="scan.pdf"
Content-Disposition: attachment; filename="scan.pdf"
Content-Transfer-Encoding: base64

{b64(disguised)}
--mm
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

{b64(NOTES)}
--mm--
""", {
    "subject": "Scan", "textStartsWith": "The scan", "partTypes": ["multipart/mixed", "text/plain", "application/octet-stream", "application/octet-stream"],
    "attachments": [attachment_fact("scan.pdf", "application/octet-stream", disguised),
                    attachment_fact(None, "application/octet-stream", NOTES)]})

write("text-attachment-not-body", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Notes
Date: Fri, 4 Dec 2026 15:30:00 +0000
Message-ID: <textatt@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ta"

--ta
Content-Type: text/plain; charset=utf-8

My notes are attached.
--ta
Content-Type: text/plain; charset=utf-8; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

Order 10482 notes
Box 1: blue mug
Box 2: red mug
--ta
Content-Type: text/calendar; charset=utf-8; method=REQUEST
Content-Transfer-Encoding: base64

{b64(CALENDAR)}
--ta--
""", {
    "subject": "Notes", "textStartsWith": "My notes are attached.", "partTypes": ["multipart/mixed", "text/plain", "text/plain", "text/calendar"],
    "attachments": [attachment_fact("notes.txt", "text/plain", NOTES.rstrip(b"\n")),  # the last LF belongs to the boundary
                    attachment_fact(None, "text/calendar", CALENDAR)]}, eol=LF)

inner_pdf = PDF
write("forwarded-rfc822", f"""From: Mo Haddad <mo@customer.example>
To: support@shop.example
Subject: Fwd: Your invoice
Date: Fri, 4 Dec 2026 16:00:00 +0000
Message-ID: <fwd-outer@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

See the message from my accountant below.

--outer
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Your invoice.eml"

From: Accountant <acc@firm.example>
To: Mo Haddad <mo@customer.example>
Subject: Your invoice
Date: Thu, 3 Dec 2026 09:00:00 +0000
Message-ID: <inner-invoice@firm.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

The invoice is wrong, please check.
--inner
Content-Type: application/pdf; name="invoice-77.pdf"
Content-Disposition: attachment; filename="invoice-77.pdf"
Content-Transfer-Encoding: base64

{b64(inner_pdf)}
--inner--

--outer--
""", {
    "subject": "Fwd: Your invoice", "textStartsWith": "See the message from my accountant below.",
    "textContains": [], "partTypes": ["multipart/mixed", "text/plain", "message/rfc822", "multipart/mixed", "text/plain", "application/pdf"],
    "attachments": [dict(attachment_fact("invoice-77.pdf", "application/pdf", inner_pdf), isInAttachedMessage=True)]})

write("gmail-inline-forward", """From: Nia <nia@customer.example>
To: support@shop.example
Subject: Fwd: Tracking
Date: Fri, 4 Dec 2026 16:30:00 +0000
Message-ID: <inline-fwd@customer.example>
Content-Type: text/plain; charset="UTF-8"

FYI, the courier wrote this.

---------- Forwarded message ---------
From: Courier <noreply@courier.example>
Date: Fri, 4 Dec 2026 at 15:00
Subject: Tracking

Your parcel is held at the depot.
""", {
    "subject": "Fwd: Tracking", "textContains": ["Your parcel is held at the depot."], "quotedStartsWith": "",
    "newStartsWith": "FYI, the courier wrote this.", "partTypes": ["text/plain"], "attachments": []})

# ---------------------------------------------------------------------------------------------
# Bounces: Postfix, Exchange, Gmail (all RFC 3464).

write("dsn-postfix-returned-message", f"""Return-Path: <>
Received: by mx.shop.example (Postfix) id 4F1A2B3C4D; Fri,  4 Dec 2026 17:00:02 +0000 (UTC)
Date: Fri,  4 Dec 2026 17:00:02 +0000 (UTC)
From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@shop.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F1A2B3C4D.1796403602/mx.shop.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20261204170002.4F1A2B3C4D@mx.shop.example>

This is a MIME-encapsulated message.

--4F1A2B3C4D.1796403602/mx.shop.example
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.shop.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<nobody@customer.example>: host mx.customer.example[192.0.2.25] said: 550
    5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown
    in virtual mailbox table (in reply to RCPT TO command)

--4F1A2B3C4D.1796403602/mx.shop.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example
X-Postfix-Queue-ID: 4F1A2B3C4D
X-Postfix-Sender: rfc822; support@shop.example
Arrival-Date: Fri,  4 Dec 2026 17:00:01 +0000 (UTC)

Final-Recipient: rfc822; nobody@customer.example
Original-Recipient: rfc822;nobody@customer.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.customer.example
Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.example>: Recipient address
    rejected: User unknown in virtual mailbox table

--4F1A2B3C4D.1796403602/mx.shop.example
Content-Description: Undelivered Message
Content-Type: message/rfc822
Content-Transfer-Encoding: 8bit

From: Herald Support <support@shop.example>
To: nobody@customer.example
Subject: Your refund is on its way
Date: Fri, 4 Dec 2026 17:00:00 +0000
Message-ID: <{ORIG_ID}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello, your refund is on its way.

--4F1A2B3C4D.1796403602/mx.shop.example--
""", {
    "subject": "Undelivered Mail Returned to Sender", "from": {"name": "Mail Delivery System", "address": "MAILER-DAEMON@mx.shop.example"},
    "textStartsWith": "This is the mail system at host mx.shop.example.",
    "partTypes": ["multipart/report", "text/plain", "message/delivery-status", "message/rfc822", "text/plain"],
    "deliveryStatus": {"originalMessageID": ORIG_ID, "reportingMTA": "mx.shop.example",
                       "failed": [{"recipient": "nobody@customer.example", "status": "5.1.1",
                                   "diagnosticContains": "Recipient address rejected: User unknown in virtual mailbox table"}]},
    "attachments": []})

write("dsn-postfix-headers-only", f"""Return-Path: <>
Date: Fri,  4 Dec 2026 17:10:00 +0000 (UTC)
From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: support@shop.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="PF2"
Message-Id: <20261204171000.AAAA@mx.shop.example>

--PF2
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.shop.example.
Your message could not be delivered: the mailbox is full.

--PF2
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example

Final-Recipient: rfc822; full@customer.example
Original-Recipient: rfc822;full@customer.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

--PF2
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Herald Support <support@shop.example>
To: full@customer.example
Subject: Order update
Message-ID: <headers-only.10482@herald.shop.example>

--PF2--
""", {
    "subject": "Undelivered Mail Returned to Sender",
    "partTypes": ["multipart/report", "text/plain", "message/delivery-status", "text/rfc822-headers"],
    "deliveryStatus": {"originalMessageID": "headers-only.10482@herald.shop.example",
                       "failed": [{"recipient": "full@customer.example", "status": "5.2.2", "diagnosticContains": "552 5.2.2 Mailbox full"}]},
    "attachments": []}, eol=LF)

write("dsn-exchange-ndr", f"""From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@customer.example>
To: <support@shop.example>
Date: Fri, 4 Dec 2026 17:20:00 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="_ndr_boundary_1"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <ndr-1@AM0PR02MB.prod.outlook.com>
In-Reply-To: <{ORIG_ID}>
References: <{ORIG_ID}>
Subject: Undeliverable: Your refund is on its way
Auto-Submitted: auto-replied
MIME-Version: 1.0

--_ndr_boundary_1
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="_ndr_alt_1"

--_ndr_alt_1
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to gone@customer.example couldn't be delivered.
gone wasn't found at customer.example.

--_ndr_alt_1
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Your message to <b>gone@customer.example</b> couldn't be delive=
red.</p></body></html>

--_ndr_alt_1--

--_ndr_boundary_1
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR02MB1234.eurprd02.prod.outlook.com
Received-From-MTA: dns;mx.shop.example
Arrival-Date: Fri, 4 Dec 2026 17:19:58 +0000

Final-Recipient: rfc822;gone@customer.example
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not
 found by SMTP address lookup
X-Display-Name: gone@customer.example

--_ndr_boundary_1
Content-Type: text/rfc822-headers

From: Herald Support <support@shop.example>
To: <gone@customer.example>
Subject: Your refund is on its way
Message-ID: <{ORIG_ID}>

--_ndr_boundary_1--
""", {
    "subject": "Undeliverable: Your refund is on its way", "textStartsWith": "Your message to gone@customer.example couldn't be delivered.",
    "htmlContains": ["<b>gone@customer.example</b>"], "inReplyTo": [ORIG_ID],
    "partTypes": ["multipart/report", "multipart/alternative", "text/plain", "text/html", "message/delivery-status", "text/rfc822-headers"],
    "deliveryStatus": {"originalMessageID": ORIG_ID, "reportingMTA": "AM0PR02MB1234.eurprd02.prod.outlook.com",
                       "failed": [{"recipient": "gone@customer.example", "status": "5.1.10",
                                   "diagnosticContains": "RecipientNotFound; Recipient not found by SMTP address lookup"}]},
    "attachments": []})

write("dsn-gmail", f"""Return-Path: <>
Received: by 2002:a05:6000:1:b0:3a1 with SMTP id x; Fri, 04 Dec 2026 09:30:00 -0800 (PST)
Date: Fri, 04 Dec 2026 09:30:00 -0800 (PST)
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: support@shop.example
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <{ORIG_ID}>
In-Reply-To: <{ORIG_ID}>
X-Failed-Recipients: nosuchuser@gmail.example
Message-ID: <6571d2b0.gmail.dsn@mx.google.com>
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000dsn001"; report-type=delivery-status

--000000000000dsn001
Content-Type: multipart/related; boundary="000000000000dsn002"

--000000000000dsn002
Content-Type: multipart/alternative; boundary="000000000000dsn003"

--000000000000dsn003
Content-Type: text/plain; charset="UTF-8"


** Address not found **

Your message wasn't delivered to nosuchuser@gmail.example because the address couldn't be found, or is unable to receive mail.

--000000000000dsn003
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2><p>Your message wasn't delivered to <a>nosuchuser@gmail.example</a>.</p></body></html>

--000000000000dsn003--
--000000000000dsn002--

--000000000000dsn001
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; support@shop.example
Arrival-Date: Fri, 04 Dec 2026 09:29:59 -0800 (PST)
X-Original-Message-ID: <{ORIG_ID}>

Final-Recipient: rfc822; nosuchuser@gmail.example
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (2607:f8b0:4023:1::1a, the server
 for the domain gmail.example.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
 not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser
Last-Attempt-Date: Fri, 04 Dec 2026 09:30:00 -0800 (PST)

--000000000000dsn001
Content-Type: message/rfc822

From: Herald Support <support@shop.example>
To: nosuchuser@gmail.example
Subject: Your refund is on its way
Message-ID: <{ORIG_ID}>
Date: Fri, 04 Dec 2026 17:29:58 +0000
Content-Type: text/plain

Hello.

--000000000000dsn001--
""", {
    "subject": "Delivery Status Notification (Failure)", "textContains": ["** Address not found **"],
    "partTypes": ["multipart/report", "multipart/related", "multipart/alternative", "text/plain", "text/html",
                  "message/delivery-status", "message/rfc822", "text/plain"],
    "deliveryStatus": {"originalMessageID": ORIG_ID, "reportingMTA": "googlemail.com",
                       "failed": [{"recipient": "nosuchuser@gmail.example", "status": "5.1.1",
                                   "diagnosticContains": "The email account that you tried to reach does not exist."}]},
    "attachments": []})

write("dsn-two-recipients-one-delayed", """Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>
To: support@shop.example
Subject: Delivery report
Date: Fri, 4 Dec 2026 18:00:00 +0000
Message-ID: <dsn-two@mx.shop.example>
X-Original-Message-ID: <two.10482@herald.shop.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type="delivery-status"; boundary="two"

--two
Content-Type: text/plain

One recipient failed, one is delayed.

--two
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example

Final-Recipient: rfc822; <a@one.example>
Action: FAILED
Status: 5.7.1 (delivery not authorized)
Diagnostic-Code: smtp; 554 5.7.1 Relay access denied

Final-Recipient: rfc822; b@two.example
Action: delayed
Status: 4.4.7
Diagnostic-Code: X-Postfix; connect to mx.two.example[198.51.100.7]:25: Connection timed out
Will-Retry-Until: Tue, 8 Dec 2026 18:00:00 +0000

--two--
""", {
    "subject": "Delivery report", "partTypes": ["multipart/report", "text/plain", "message/delivery-status"],
    "deliveryStatus": {"originalMessageID": "two.10482@herald.shop.example", "reportingMTA": "mx.shop.example",
                       "failed": [{"recipient": "a@one.example", "status": "5.7.1", "diagnosticContains": "554 5.7.1 Relay access denied"}],
                       "otherActions": ["delayed"]},
    "attachments": []}, eol=LF)

write("dsn-delayed-only", """Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>
To: support@shop.example
Subject: Delayed Mail (still being retried)
Date: Fri, 4 Dec 2026 19:00:00 +0000
Message-ID: <dsn-delay@mx.shop.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dl"

--dl
Content-Type: text/plain

Your message is delayed.

--dl
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.shop.example

Final-Recipient: rfc822; slow@customer.example
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.customer.example: Connection refused

--dl
Content-Type: text/rfc822-headers

Message-ID: <delayed.1@herald.shop.example>
Subject: Hello

--dl--
""", {
    "subject": "Delayed Mail (still being retried)", "partTypes": ["multipart/report", "text/plain", "message/delivery-status", "text/rfc822-headers"],
    "deliveryStatus": {"originalMessageID": "delayed.1@herald.shop.example", "reportingMTA": "mx.shop.example", "failed": [],
                       "otherActions": ["delayed"]},
    "attachments": []})

# A report whose recipient blocks are careless about addresses (seen from small relays and a
# fuzzer): an empty Final-Recipient with an Original-Recipient counts as that address; a block
# with neither names nobody, is left out and said in a warning.
write("dsn-empty-final-recipient", """Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@relay.shop.example>
To: support@shop.example
Subject: Undelivered Mail Returned to Sender
Date: Fri, 4 Dec 2026 19:30:00 +0000
Message-ID: <dsn-empty@relay.shop.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="ef"

--ef
Content-Type: text/plain

Two recipients could not be reached.

--ef
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.shop.example

Final-Recipient: rfc822;
Original-Recipient: rfc822; <old@customer.example>
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <old@customer.example>: moved away

Final-Recipient: rfc822; <>
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; gone@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: user unknown

--ef
Content-Type: text/rfc822-headers

Message-ID: <empty.1@herald.shop.example>
Subject: Hello

--ef--
""", {
    "subject": "Undelivered Mail Returned to Sender",
    "partTypes": ["multipart/report", "text/plain", "message/delivery-status", "text/rfc822-headers"],
    "deliveryStatus": {"originalMessageID": "empty.1@herald.shop.example", "reportingMTA": "relay.shop.example",
                       "failed": [{"recipient": "old@customer.example", "status": "5.1.1", "diagnosticContains": "moved away"},
                                  {"recipient": "gone@customer.example", "status": "5.1.1", "diagnosticContains": "user unknown"}]},
    "attachments": [], "warningsContain": ["1 recipient block(s) with an empty Final-Recipient"]})

write("bounce-qmail-plain-text", f"""Return-Path: <>
Date: 5 Dec 2026 08:00:00 -0000
From: MAILER-DAEMON@mail.hosting.example
To: support@shop.example
Subject: failure notice
Message-ID: <qmail-bounce-1@mail.hosting.example>

Hi. This is the qmail-send program at mail.hosting.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<old.address@customer.example>:
192.0.2.40 does not like recipient.
Remote host said: 550 5.1.1 <old.address@customer.example>... User unknown
Giving up on 192.0.2.40.

--- Below this line is a copy of the message.

Return-Path: <support@shop.example>
From: Herald Support <support@shop.example>
To: old.address@customer.example
Subject: Your refund is on its way
Message-ID: <{ORIG_ID}>

Hello.
""", {
    "subject": "failure notice", "textStartsWith": "Hi. This is the qmail-send program", "partTypes": ["text/plain"],
    "deliveryStatus": {"originalMessageID": ORIG_ID, "reportingMTA": "mail.hosting.example", "format": "qmail",
                       "failed": [{"recipient": "old.address@customer.example", "status": "5.1.1",
                                   "diagnosticContains": "Remote host said: 550 5.1.1 <old.address@customer.example>... User unknown"}]},
    "attachments": []}, eol=LF)

# ---------------------------------------------------------------------------------------------
# Auto-replies, and messages that look automatic but are not.

def simple(name, headers, subject, body, expected, eol=CRLF):
    expected = dict(expected)
    expected.setdefault("subject", subject)
    expected.setdefault("partTypes", ["text/plain"])
    expected.setdefault("attachments", [])
    write(name, f"""From: Someone <someone@customer.example>
To: support@shop.example
Subject: {subject}
Date: Sat, 5 Dec 2026 09:00:00 +0000
Message-ID: <{name}@customer.example>
{headers}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
""", expected, eol=eol)


simple("autoreply-outlook-oof", "X-Auto-Response-Suppress: All\nX-MS-Exchange-Inbox-Rules-Loop: someone@customer.example\nX-MS-Has-Attach:\n",
       "Automatic reply: Your refund is on its way", "I am out of the office until 14 December.",
       {"autoReplyReason": "X-Auto-Response-Suppress: All", "textStartsWith": "I am out of the office"})
simple("autoreply-rfc3834-sieve-vacation", "Auto-Submitted: auto-replied (vacation)\nPrecedence: bulk\n",
       "Away: Re: Order 10482", "I am on vacation and will read your message when I return.",
       {"autoReplyReason": "Auto-Submitted: auto-replied (vacation)"})
simple("autoreply-x-autoreply", "X-Autoreply: yes\n", "Re: Order", "Спасибо! Я отвечу позже.",
       {"autoReplyReason": "X-Autoreply: yes", "textStartsWith": "Спасибо! Я отвечу позже."}, eol=LF)
simple("autoreply-x-autorespond", "X-Autorespond: Order received\n", "We got your message", "Thanks for writing to us.",
       {"autoReplyReason": "X-Autorespond: Order received"})
simple("autoreply-precedence-auto-reply", "Precedence: auto_reply\n", "Re: Hello", "Automatic acknowledgement.",
       {"autoReplyReason": "Precedence: auto_reply"})
simple("autoreply-helpdesk-auto-generated", "Auto-Submitted: auto-generated\nX-Zendesk-From-Account-Id: 12ab\n",
       "[Request received] Your refund", "Your request (#4412) has been received and is being reviewed by our support staff.",
       {"autoReplyReason": "Auto-Submitted: auto-generated"})
simple("autoreply-subject-only-out-of-office", "", "Out of Office: Your order", "Back on Monday.",
       {"autoReplyReason": "Subject: Out of Office: Your order"})
simple("autoreply-vacation-program", "Precedence: junk\n", "away from my mail", "I will not be reading my mail for a while.",
       {"autoReplyReason": "Precedence: junk"})
simple("not-autoreply-auto-submitted-no", "Auto-Submitted: no\n", "Re: Automatic payments", "Can I turn off automatic payments?",
       {"textStartsWith": "Can I turn off automatic payments?"})
simple("not-autoreply-mailing-list", "List-Id: Customers <customers.lists.example>\nPrecedence: list\n", "Re: [customers] Meetup",
       "See you there.", {"textStartsWith": "See you there."})
simple("newsletter-precedence-bulk", "Precedence: bulk\nList-Id: <news.partner.example>\nList-Unsubscribe: <mailto:unsub@partner.example>\n",
       "December news", "Our December news.", {"autoReplyReason": "Precedence: bulk"})

# ---------------------------------------------------------------------------------------------
# Malformed input: read anyway, with warnings.

write("malformed-missing-closing-boundary", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Cut short
Date: Sat, 5 Dec 2026 10:00:00 +0000
Message-ID: <noclose@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="open"

--open
Content-Type: text/plain

The text before the attachment.
--open
Content-Type: application/pdf; name="a.pdf"
Content-Transfer-Encoding: base64

{b64(PDF)}
""", {
    "subject": "Cut short", "textStartsWith": "The text before the attachment.", "partTypes": ["multipart/mixed", "text/plain", "application/pdf"],
    "attachments": [attachment_fact("a.pdf", "application/pdf", PDF)], "warningsContain": ["truncated"]})

write("malformed-multipart-without-boundary", """From: Customer <customer@customer.example>
To: support@shop.example
Subject: No boundary
Date: Sat, 5 Dec 2026 10:10:00 +0000
Message-ID: <nobound@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed

--something
Content-Type: text/plain

Hello there.
--something--
""", {"subject": "No boundary", "textContains": ["Hello there."], "warningsContain": ["boundary", "kept as text"],
      "partTypes": ["multipart/mixed"], "attachments": []})

bad = b64(PDF).splitlines()
bad[1] = bad[1][:10] + "!!**" + bad[1][10:]
write("malformed-bad-base64", """From: Customer <customer@customer.example>
To: support@shop.example
Subject: Broken file
Date: Sat, 5 Dec 2026 10:20:00 +0000
Message-ID: <badb64@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="bb"

--bb
Content-Type: text/plain

Attached.
--bb
Content-Type: application/pdf; name="broken.pdf"
Content-Transfer-Encoding: base64

""" + "\n".join(bad) + """
--bb--
""", {"subject": "Broken file", "textStartsWith": "Attached.", "partTypes": ["multipart/mixed", "text/plain", "application/pdf"],
      "attachments": [attachment_fact("broken.pdf", "application/pdf", PDF)], "warningsContain": ["not base64"]})

write("malformed-truncated-base64", """From: Customer <customer@customer.example>
To: support@shop.example
Subject: Half a file
Date: Sat, 5 Dec 2026 10:30:00 +0000
Message-ID: <halfb64@customer.example>
MIME-Version: 1.0
Content-Type: application/pdf; name="half.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJeLjz9MK
JVBERi
""", {"subject": "Half a file", "partTypes": ["application/pdf"], "textIsNil": True,
      "attachments": None, "warningsContain": ["middle of a base64 group"]})

raw8 = ("From: Zoë Ångström <zoe@customer.example>\r\nTo: support@shop.example\r\nSubject: Réclamation numéro 7 – urgent\r\n"
        "Date: Sat, 5 Dec 2026 10:40:00 +0000\r\nMessage-ID: <raw8utf@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Le colis est abîmé.\r\n").encode("utf-8")
write("malformed-8bit-utf8-headers", None, {"subject": "Réclamation numéro 7 – urgent", "from": {"name": "Zoë Ångström", "address": "zoe@customer.example"},
                                             "textStartsWith": "Le colis est abîmé.", "partTypes": ["text/plain"], "attachments": []}, raw=raw8)
# (raw UTF-8 in headers is RFC 6532's internationalized email: read, and no warning; raw Latin-1 is a fault)

raw8l = ("From: René Müller <rene@customer.example>\nTo: support@shop.example\nSubject: Größe ändern\n"
         "Date: Sat, 5 Dec 2026 10:50:00 +0000\nMessage-ID: <raw8latin@customer.example>\nContent-Type: text/plain; charset=iso-8859-1\n\n"
         "Bitte Größe M statt L.\n").encode("latin-1")
write("malformed-8bit-latin1-headers", None, {"subject": "Größe ändern", "from": {"name": "René Müller", "address": "rene@customer.example"},
                                               "textStartsWith": "Bitte Größe M statt L.", "partTypes": ["text/plain"], "attachments": [],
                                               "warningsContain": ["raw 8-bit"]}, raw=raw8l)

write("lf-only-multipart", f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Unix line ends
Date: Sat, 5 Dec 2026 11:00:00 +0000
Message-ID: <lfonly@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="lf"

--lf
Content-Type: text/plain; charset=utf-8

Written on a Unix box.
--lf
Content-Type: image/gif; name="dot.gif"
Content-Disposition: attachment; filename="dot.gif"
Content-Transfer-Encoding: base64

{b64(GIF)}
--lf--
""", {"subject": "Unix line ends", "textStartsWith": "Written on a Unix box.", "partTypes": ["multipart/mixed", "text/plain", "image/gif"],
      "attachments": [attachment_fact("dot.gif", "image/gif", GIF)]}, eol=LF)

mixed_eol = ("From: Customer <customer@customer.example>\r\nTo: support@shop.example\nSubject: Mixed line ends\r\n"
             "Date: Sat, 5 Dec 2026 11:10:00 +0000\nMessage-ID: <mixedeol@customer.example>\r\nMIME-Version: 1.0\n"
             "Content-Type: multipart/alternative; boundary=\"me\"\r\n\r\n--me\nContent-Type: text/plain\r\n\nFirst line.\r\nSecond line.\n"
             "--me\r\nContent-Type: text/html\n\r\n<p>First line.</p>\n--me--\r\n").encode()
write("mixed-crlf-lf", None, {"subject": "Mixed line ends", "textStartsWith": "First line.", "textContains": ["Second line."],
                              "htmlContains": ["<p>First line.</p>"], "partTypes": ["multipart/alternative", "text/plain", "text/html"],
                              "attachments": [], "warningsContain": ["line ends"]}, raw=mixed_eol)

full = f"""From: Customer <customer@customer.example>
To: support@shop.example
Subject: Truncated
Date: Sat, 5 Dec 2026 11:20:00 +0000
Message-ID: <truncated@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="tr"

--tr
Content-Type: text/plain

The start of a message that never ends
--tr
Content-Type: image/png; name="p.png"
Content-Transfer-Encoding: base64

{b64(png(4, 4))}
--tr--
"""
cut = full[:full.index("Content-Transfer-Encoding: base64") + 60]
write("malformed-truncated-message", cut, {"subject": "Truncated", "textStartsWith": "The start of a message that never ends",
                                           "partTypes": ["multipart/mixed", "text/plain", "image/png"], "attachments": None,
                                           "warningsContain": ["truncated"]})

write("malformed-no-headers", """This message has no header at all, only text.
A second line.
""", {"subject": None, "textStartsWith": "This message has no header at all, only text.", "textContains": ["A second line."],
      "attachments": [], "partTypes": ["text/plain"], "warningsContain": ["no header"]})

write("malformed-empty-file", None, {"structureIsNil": True, "subject": None, "textIsNil": True, "htmlIsNil": True, "attachments": [],
                                     "warningsContain": ["empty"]}, raw=b"")

simple("malformed-unknown-charset", "", "Strange charset", "Plain words anyway.", {"warningsContain": ["unknown charset"]})
# (the charset is swapped in below, after `simple` wrote the usual header)
path = os.path.join(HERE, "malformed-unknown-charset.eml")
data = open(path, "rb").read().replace(b"charset=utf-8", b"charset=x-klingon-8")
open(path, "wb").write(data)

simple("malformed-bad-date", "", "Bad date", "Hello.", {"warningsContain": ["Date header could not be read"], "date": None})
path = os.path.join(HERE, "malformed-bad-date.eml")
data = open(path, "rb").read().replace(b"Date: Sat, 5 Dec 2026 09:00:00 +0000", b"Date: the day after tomorrow")
open(path, "wb").write(data)

write("malformed-empty-multipart", """From: Customer <customer@customer.example>
To: support@shop.example
Subject: Nothing inside
Date: Sat, 5 Dec 2026 11:30:00 +0000
Message-ID: <emptymp@customer.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="never-used"

No part follows.
""", {"subject": "Nothing inside", "textStartsWith": "No part follows.", "partTypes": ["multipart/mixed"], "attachments": [],
      "warningsContain": ["no parts; its content is kept as text"]})

write("malformed-invalid-utf8-body", None, {"subject": "Bad bytes", "textStartsWith": "Prix : 12 €", "partTypes": ["text/plain"],
                                            "attachments": [], "warningsContain": ["not valid"]},
      raw=("From: c@customer.example\nTo: support@shop.example\nSubject: Bad bytes\nDate: Sat, 5 Dec 2026 11:40:00 +0000\n"
           "Message-ID: <badutf@customer.example>\nContent-Type: text/plain; charset=utf-8\n\n").encode() + "Prix : 12 € net".encode("windows-1252") + b"\n")

print(f"{len(written)} fixtures written")
