@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// An attachment's name is one name for every reader, and shows what the file is.
@Suite struct AttachmentNameTests {
    static let identity = MessageIdentity(date: .deterministic, messageID: MessageID(unchecked: "names@example.com"),
                                          boundarySeed: "0123456789abcdef")
    static let pdf = Array("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".utf8)

    func written(_ attachments: [Attachment]) throws -> [UInt8] {
        let message = EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: "support@example.com"),
                                                           to: try AddressParser.parseList("ana@example.com")),
                                   text: "See attached.\n", attachments: attachments)
        return try MIMEWriter().bytes(of: message, identity: Self.identity)
    }

    func pdf(named name: String) -> Attachment {
        Attachment(filename: name, contentType: "application/pdf", content: .bytes(Self.pdf), size: Self.pdf.count)
    }

    @Test func contentTypesNameHasTheSameRFC2231FormAsTheFilename() throws {
        let short = "Factura nº 10482 — Pérez.pdf"
        let long = String(repeating: "Presupuesto año ", count: 6) + "final.pdf"
        let bytes = try written([pdf(named: short), pdf(named: long)])
        let text = String(decoding: bytes, as: UTF8.self)
        // Readers such as ripmime take the name from one header and the filename from the other.
        #expect(text.contains("name*=utf-8''Factura%20n%C2%BA%2010482%20%E2%80%94%20P%C3%A9rez.pdf;\r\n name=\"Factura n_ 10482 _ P_rez.pdf\""))
        #expect(text.contains("filename*=utf-8''Factura%20n%C2%BA%2010482%20%E2%80%94%20P%C3%A9rez.pdf;\r\n filename=\"Factura n_ 10482 _ P_rez.pdf\""))
        #expect(text.contains(" name*0*=utf-8''") && text.contains(" name*1*="))
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let files = try ExternalEmailTools.inspect(bytes).leaves.filter { $0.content_type == "application/pdf" }
        #expect(files.map(\.filename) == [short, long])
        #expect(files.map(\.name) == [short, long])
    }

    @Test(arguments: ["=?utf-8?b?ZXZpbC5leGU=?=.pdf", "report =?utf-8?q?invoice?= 2024.pdf"])
    func aNameThatLooksLikeAnEncodedWordIsNeverQuoted(_ name: String) throws {
        let bytes = try written([pdf(named: name)])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\"=?") && !text.contains(" =?utf-8?q?invoice"), "\(text)")
        #expect(text.contains("filename*=utf-8''") && text.contains("name*=utf-8''"))
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let file = try #require(try ExternalEmailTools.inspect(bytes).leaves.last)
        #expect(file.filename == name && file.name == name)
    }

    @Test(arguments: [0x01, 0x09, 0x1B, 0x7F, 0x85, 0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F,
                      0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] as [UInt32])
    func disguisingCharactersInANameBecomeUnderscores(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let given = "rtl" + String(Character(scalar)) + "gpj.pdf"
        let attachment = try AttachmentLoader().load(bytes: Self.pdf, filename: given)
        #expect(attachment.filename == "rtl_gpj.pdf")
        #expect(attachment.contentType == "application/pdf")
    }

    @Test func theWrittenNameHasNoDisguisingCharacterWhateverMadeTheAttachment() throws {
        // `rtl\u{202E}gpj.pdf` shows as "rtlfdp.jpg".
        let bytes = try written([pdf(named: "rtl\u{202E}gpj.pdf"), pdf(named: "a\u{2028}b\u{1}.pdf")])
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        let files = try ExternalEmailTools.inspect(bytes).leaves.filter { $0.content_type == "application/pdf" }
        #expect(files.map(\.filename) == ["rtl_gpj.pdf", "a_b_.pdf"])
        #expect(files.map(\.name) == ["rtl_gpj.pdf", "a_b_.pdf"])
    }

    @Test func errorsShowDisguisingCharactersAsEscapes() {
        #expect {
            try AttachmentLoader().load(bytes: Self.pdf, filename: "x\u{202E}exe.pdf.exe")
        } throws: { error in
            String(describing: error).hasPrefix("attachment \"x_exe.pdf.exe\" refused: \".exe\" is not an accepted type")
        }
        #expect(AddressSyntax.printable("a\u{202E}b\u{2028}c\u{85}") == "a\\u{202e}b\\u{2028}c\\u{85}")
    }
}
