@testable import HeraldMIME
import Foundation
import Testing

@Suite struct HeaderWriterTests {
    func lines(_ build: (inout HeaderWriter) throws -> Void) rethrows -> [String] {
        var writer = HeaderWriter()
        try build(&writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        return text.components(separatedBy: "\r\n").dropLast()
    }

    @Test func asciiSubjectFoldsAt78BetweenWords() throws {
        let subject = try HeaderText(String(repeating: "word ", count: 30).trimmingCharacters(in: .whitespaces), field: "subject")
        let result = lines { $0.addText("Subject", subject) }
        #expect(result.count > 1)
        #expect(result.allSatisfy { $0.utf8.count <= 78 })
        #expect(result.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        // Unfolding (removing CRLF) gives back the text exactly.
        #expect(result.joined() == "Subject: " + subject.value)
    }

    @Test func nonASCIISubjectBecomesEncodedWordsOfAtMost75() throws {
        let subject = try HeaderText("Confirmación de su pedido nº 10482 — ¡gracias! 🎉 你好世界，这是一个很长的主题行", field: "subject")
        let result = lines { $0.addText("Subject", subject) }
        let words = result.joined(separator: " ").split(separator: " ").filter { $0.hasPrefix("=?") }
        #expect(!words.isEmpty)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.utf8.count <= 75 })
        #expect(result.allSatisfy { $0.utf8.count <= 78 })
        // Each word decodes on its own to whole characters: no UTF-8 sequence is split.
        var decoded = ""
        for word in words {
            let payload = word.dropFirst(10).dropLast(2)
            let data = try #require(Data(base64Encoded: String(payload)))
            let piece = try #require(String(data: data, encoding: .utf8), "a word did not decode to whole UTF-8")
            decoded += piece
        }
        #expect(decoded == subject.value)
    }

    @Test func addressListsQuoteEncodeAndFold() throws {
        let entries = try AddressParser.parseList(#"Ana <ana@example.com>, "Doe, John" <john@example.com>, José Núñez <jose@example.com>, Support: s1@example.com, s2@example.com;"#)
        let result = lines { $0.addAddresses("To", entries) }
        let joined = result.joined()
        #expect(joined.hasPrefix("To: Ana <ana@example.com>, \"Doe, John\" <john@example.com>,"))
        #expect(joined.contains("=?UTF-8?B?"))
        #expect(!joined.contains("José"))
        #expect(joined.hasSuffix("Support: <s1@example.com>, <s2@example.com>;"))
        #expect(result.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func headerTextRefusesLineBreaksAndNUL() {
        for bad in ["Hello\r\nBcc: x@example.com", "Hello\nX: y", "Hello\rX", "a\u{0}b"] {
            #expect(throws: HeaderError.self) { try HeaderText(bad, field: "subject") }
        }
    }

    @Test func customHeadersValidateNamesAndRefuseManagedOnes() throws {
        let header = try CustomHeader(line: "X-Ticket-ID: 4821")
        #expect(header.name.value == "X-Ticket-ID" && header.value.value == "4821")
        #expect(throws: HeaderError.self) { try CustomHeader(name: "X Bad", value: "v") }
        #expect(throws: HeaderError.self) { try CustomHeader(name: "X:Bad", value: "v") }
        #expect {
            try CustomHeader(name: "Bcc", value: "x@example.com")
        } throws: { error in
            String(describing: error).contains("Bcc is written by Herald from the message itself")
        }
        #expect(throws: HeaderError.self) { try CustomHeader(name: "Content-Type", value: "text/html") }
        #expect(throws: HeaderError.self) { try CustomHeader(name: "X-Note", value: "a\r\nBcc: x@y.z") }
    }

    @Test func datesAreRFC5322InAnyZone() {
        #expect(MessageDate(secondsSince1970: 0).description == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MessageDate.deterministic.description == "Mon, 01 Jan 2024 00:00:00 +0000")
        #expect(MessageDate(secondsSince1970: 1_795_599_175, utcOffsetMinutes: -300).description == "Wed, 25 Nov 2026 04:32:55 -0500")
        #expect(MessageDate(secondsSince1970: 951_782_400).description == "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    @Test func messageIDsAreValidated() throws {
        #expect(try MessageID(validating: "<abc.123@example.com>").description == "<abc.123@example.com>")
        #expect(try MessageID(validating: "abc@example.com").value == "abc@example.com")
        for bad in ["<no-at-sign>", "<a b@example.com>", "<a@b>\r\nX: y", "@example.com", ""] {
            #expect(throws: HeaderError.self) { try MessageID(validating: bad) }
        }
    }
}
