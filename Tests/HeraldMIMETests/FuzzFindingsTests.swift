import Foundation
@testable import HeraldMIME
import Testing

/// The inputs the fuzz targets found (Fuzz/crashes/ while they were open, docs/fuzzing.md),
/// kept as regression tests now that they are fixed.
@Suite struct FuzzFindingsTests {
    let identity = MessageIdentity(date: .deterministic, messageID: try! MessageID(validating: "<fuzz@example.com>"), boundarySeed: "0123456789abcdef")

    func longestLine(_ bytes: [UInt8]) -> Int {
        var longest = 0, current = 0
        for byte in bytes {
            if byte == 0x0A { longest = max(longest, current - 1); current = 0 } else { current += 1 }
        }
        return max(longest, current)
    }

    func message(from: String = "shop@example.com", subject: String? = nil, attachments: [Attachment] = []) throws -> EmailMessage {
        EmailMessage(headers: MessageHeaders(from: try EmailAddress(validating: from), to: try AddressParser.parseList("ana@example.com"),
                                             subject: try subject.map { try HeaderText($0, field: "subject") }),
                     text: "Hi.\n", html: "<p>Hi.</p>", attachments: attachments)
    }

    @Test func headerWriter1ARunOfSpacesInALongSubjectStaysWithinLines() throws {
        let bytes = try MIMEWriter().bytes(of: try message(subject: "a" + String(repeating: " ", count: 1000) + "b"), identity: identity)
        #expect(longestLine(bytes) <= 998)
    }

    @Test func headerWriter2ALongQuotedDisplayNameStaysWithinLines() throws {
        let bytes = try MIMEWriter().bytes(of: try message(from: "\"Doe, \(String(repeating: "J", count: 1000))\" <j@example.com>"), identity: identity)
        #expect(longestLine(bytes) <= 998)
    }

    @Test func mimeWriter1AFileNameWithAVeryLongExtensionDoesNotTrap() throws {
        let file = Attachment(filename: "a." + String(repeating: "b", count: 70), contentType: "application/pdf", content: .bytes([1, 2, 3]), size: 3)
        let bytes = try MIMEWriter().bytes(of: try message(attachments: [file]), identity: identity)
        #expect(longestLine(bytes) <= 998)
        #expect(String(decoding: bytes, as: UTF8.self).contains("filename="))
    }

    @Test(arguments: [String(repeating: "c", count: 1000), "é", "a b", "<x>"])
    func mimeWriter2And3AContentIDNoHeaderCanCarryIsRefused(contentID: String) throws {
        let image = Attachment(filename: "logo.png", contentType: "image/png", content: .bytes([1]), size: 1, contentID: contentID)
        #expect {
            try MIMEWriter().bytes(of: try message(attachments: [image]), identity: identity)
        } throws: { error in (error as? HeaderError)?.field == "Content-ID" }
        let fine = Attachment(filename: "logo.png", contentType: "image/png", content: .bytes([1]), size: 1, contentID: "logo.v2@herald")
        #expect(String(decoding: try MIMEWriter().bytes(of: try message(attachments: [fine]), identity: identity), as: UTF8.self)
            .contains("Content-ID: <logo.v2@herald>"))
    }
}
