@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

typealias Attachment = HeraldMIME.Attachment

@Suite struct MIMEWriterTests {
    static let identity = MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "test-1@example.com"),
                                          boundarySeed: "0123456789abcdef")

    func message(text: String = "Hello,\nthis is the text.\n", html: String? = nil, attachments: [Attachment] = [],
                 subject: String = "Your order") throws -> EmailMessage {
        EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "Herald Support <support@example.com>"),
                                             to: try AddressParser.parseList("Ana Pérez <ana@example.com>, bo@example.com"),
                                             cc: try AddressParser.parseList("\"Ops, Night\" <ops@example.com>"),
                                             bcc: try AddressParser.parseMailboxes("audit@example.com"),
                                             subject: try HeaderText(subject, field: "subject")),
                     text: text, html: html, attachments: attachments)
    }

    func write(_ message: EmailMessage, identity: MessageIdentity = MIMEWriterTests.identity) throws -> [UInt8] {
        try MIMEWriter().bytes(of: message, identity: identity)
    }

    @Test func textOnlyMessageIsOneTextPlainPart() throws {
        let bytes = try write(try message())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("Date: Mon, 01 Jan 2024 00:00:00 +0000\r\nFrom: Herald Support <support@example.com>\r\n"))
        #expect(text.contains("\r\nMessage-ID: <test-1@example.com>\r\n"))
        #expect(text.contains("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHello,\r\nthis is the text.\r\n"))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.defects.isEmpty)
        #expect(inspection.to == [["Ana Pérez", "ana@example.com"], ["", "bo@example.com"]])
        #expect(inspection.cc == [["Ops, Night", "ops@example.com"]])
        #expect(inspection.leaves.map(\.content_type) == ["text/plain"])
        #expect(inspection.leaves[0].text == "Hello,\r\nthis is the text.\r\n" || inspection.leaves[0].text == "Hello,\nthis is the text.\n")
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func bccIsNeverWritten() throws {
        let bytes = try write(try message())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.lowercased().contains("bcc"))
        #expect(!text.contains("audit@example.com"))
        #expect(try message().envelope.recipients.map(\.addrSpec).contains("audit@example.com"))
    }

    @Test func htmlMakesAlternativeWithTextFirst() throws {
        let bytes = try write(try message(html: "<p>Hello</p>\n"))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.parts.map(\.content_type) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func attachmentsAndInlineImagesNestMixedRelatedAlternative() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<300).map { UInt8($0 % 256) }
        let pdf = Array("%PDF-1.4\n% binary \u{e2}\u{e3}\n".utf8) + (0..<5000).map { UInt8(($0 * 7) % 256) }
        let attachments = [
            Attachment(filename: "logo.png", contentType: "image/png", content: .bytes(png), size: png.count, contentID: "logo.png"),
            Attachment(filename: "Factura nº 10482 — Pérez.pdf", contentType: "application/pdf", content: .bytes(pdf), size: pdf.count),
        ]
        let bytes = try write(try message(html: "<p><img src=\"cid:logo.png\" alt=\"Logo\"></p>", attachments: attachments))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.parts.map(\.content_type) == [
            "multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html", "image/png", "application/pdf",
        ])
        let image = try #require(inspection.leaves.first { $0.content_type == "image/png" })
        #expect(image.content_id == "<logo.png>" && image.disposition == "inline")
        #expect(image.sha256 == sha256(png))
        let document = try #require(inspection.leaves.first { $0.content_type == "application/pdf" })
        #expect(document.filename == "Factura nº 10482 — Pérez.pdf")
        #expect(document.disposition == "attachment")
        #expect(document.sha256 == sha256(pdf))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("filename*=utf-8''Factura%20n%C2%BA%2010482%20%E2%80%94%20P%C3%A9rez.pdf;"))
        #expect(text.contains("filename=\"Factura n_ 10482 _ P_rez.pdf\""))
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func longNonASCIIFilenamesUseRFC2231Continuations() throws {
        let name = String(repeating: "Presupuesto año ", count: 6) + "final.pdf"
        let pdf = Array("%PDF-1.4\n".utf8)
        let bytes = try write(try message(attachments: [Attachment(filename: name, contentType: "application/pdf", content: .bytes(pdf), size: pdf.count)]))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("filename*0*=utf-8''") && text.contains("filename*1*="))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.leaves.last?.filename == name)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func encodingIsChosenByContent() throws {
        func encoding(_ text: String) throws -> String? {
            try ExternalEmailTools.inspect(try write(try message(text: text))).leaves[0].encoding
        }
        #expect(try encoding("Plain ASCII text.\n") == "7bit")
        #expect(try encoding("Confirmación del envío: mañana llegará.\n") == "quoted-printable")
        #expect(try encoding("您的账户于新的设备上登录，请立即修改密码。\n") == "base64")
        #expect(try encoding(String(repeating: "x", count: 1200) + "\n") == "quoted-printable")
    }

    @Test func quotedPrintableBodiesRoundTripAndKeepLinesShort() throws {
        let text = "Línea con espacios al final   \n.\nFrom the start\nprice = 10€\n" + String(repeating: "é", count: 200) + "\n"
        let bytes = try write(try message(text: text))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.leaves[0].text?.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func aBoundaryInTheTextForcesQuotedPrintable() throws {
        // The text holds the very delimiter the message will use.
        let text = "Look:\n--=_Herald_0123456789abcdef_1\nand more.\n"
        let bytes = try write(try message(text: text, html: "<p>x</p>"))
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.parts.map(\.content_type) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(inspection.leaves[0].encoding == "quoted-printable")
        #expect(inspection.leaves[0].text?.replacingOccurrences(of: "\r\n", with: "\n") == text)
    }

    @Test func nonASCIIHeadersAreEncodedAndPassTheChecker() throws {
        let bytes = try write(try message(subject: "¡Tu pedido 🎉 ha salido! — 您的订单已发货，预计三天内送达，请注意查收"))
        let text = String(decoding: bytes, as: UTF8.self)
        let headerSection = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(headerSection.utf8.allSatisfy { $0 < 0x80 })
        let inspection = try ExternalEmailTools.inspect(bytes)
        #expect(inspection.subject == "¡Tu pedido 🎉 ha salido! — 您的订单已发货，预计三天内送达，请注意查收")
        #expect(inspection.to.first == ["Ana Pérez", "ana@example.com"])
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
    }

    @Test func repliesAndListHeaders() throws {
        var reply = try message()
        reply.inReplyTo = [try MessageID(validating: "<original@example.com>")]
        reply.references = [try MessageID(validating: "<first@example.com>"), try MessageID(validating: "<original@example.com>")]
        reply.listUnsubscribe = [try UnsubscribeTarget(validating: "https://example.com/u?id=1"), try UnsubscribeTarget(validating: "mailto:unsub@example.com")]
        reply.replyTo = try AddressParser.parseMailboxes("Help <help@example.com>")
        reply.customHeaders = [try CustomHeader(line: "X-Ticket-ID: 4821")]
        let text = String(decoding: try write(reply), as: UTF8.self)
        #expect(text.contains("\r\nIn-Reply-To: <original@example.com>\r\nReferences: <first@example.com> <original@example.com>\r\n"))
        #expect(text.contains("\r\nList-Unsubscribe: <https://example.com/u?id=1>, <mailto:unsub@example.com>\r\n"))
        #expect(text.contains("\r\nReply-To: Help <help@example.com>\r\n"))
        #expect(text.contains("\r\nX-Ticket-ID: 4821\r\n"))
        #expect(try ExternalEmailTools.checkMessage(Array(text.utf8)) == [])
    }

    @Test func deterministicIdentityDependsOnContentOnly() throws {
        let first = try MessageIdentity.deterministic(for: try message())
        let again = try MessageIdentity.deterministic(for: try message())
        let other = try MessageIdentity.deterministic(for: try message(text: "Different.\n"))
        #expect(first == again)
        #expect(first.messageID != other.messageID && first.boundarySeed != other.boundarySeed)
        #expect(first.messageID.value.hasSuffix("@example.com"))
        #expect(try write(try message(), identity: first) == (try write(try message(), identity: again)))
    }

    @Test func uniqueIdentitiesDiffer() throws {
        var random = SystemRandomNumberGenerator()
        let now = MessageDate(secondsSince1970: 1_795_599_175)
        let one = MessageIdentity.unique(for: try message(), now: now, using: &random)
        let two = MessageIdentity.unique(for: try message(), now: now, using: &random)
        #expect(one.messageID != two.messageID)
        #expect(one.date == now)
    }

    @Test func smtputf8IsFlaggedForNonASCIILocalParts() throws {
        var message = try message()
        #expect(!message.needsSMTPUTF8)
        message.bcc = try AddressParser.parseMailboxes("josé@example.com")
        #expect(message.needsSMTPUTF8)
    }

    @Test func fileAttachmentsStreamAndDecodeToTheOriginalBytes() throws {
        // Larger than one read chunk, and not a multiple of 3, so chunk edges and padding matter.
        let size = 3 * 57 * 4096 + 1234
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let file = try ExternalEmailTools.temporaryFile(bytes, suffix: ".bin")
        defer { try? FileManager.default.removeItem(at: file) }
        let attachment = Attachment(filename: "data.zip", contentType: "application/zip", content: .file(path: file.path), size: size)
        var sink = ByteBuffer()
        try MIMEWriter().write(try message(attachments: [attachment]), identity: Self.identity, to: &sink)
        let written = sink.bytes
        let inspection = try ExternalEmailTools.inspect(written)
        #expect(inspection.leaves.last?.sha256 == sha256(bytes))
        #expect(try ExternalEmailTools.checkMessage(written) == [])
    }

    func sha256(_ bytes: [UInt8]) -> String? {
        guard let file = try? ExternalEmailTools.temporaryFile(bytes, suffix: ".bin") else { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        return try? ExternalEmailTools.sha256(ofFile: file)
    }
}
