import Foundation
import HeraldMIME
import HeraldTestSupport
import Testing

/// Every message of Tests/Fixtures/inbound/ against the facts written beside it in
/// NAME.expected.json (written from the message, never from the parser: make-fixtures.py says
/// how, and which keys mean what). A fixture without its expected file fails the test.
@Suite struct InboundCorpusTests {
    static let folder = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/inbound")

    static var fixtureNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test func theCorpusHoldsAtLeastSixtyMessagesEachWithItsExpectedFile() {
        let names = Self.fixtureNames
        #expect(names.count >= 60)
        for name in names {
            #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent(name + ".expected.json").path),
                    "\(name).eml has no \(name).expected.json")
        }
    }

    @Test(arguments: fixtureNames) func fixture(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name + ".eml").path
        let expectedData = try Data(contentsOf: Self.folder.appendingPathComponent(name + ".expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        let email = try InboundEmailParser().parse(path: path)
        // The same bytes from memory give the same result as from the mapped file.
        let fromBytes = try InboundEmailParser().parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(fromBytes == email, "\(name): parse(bytes:) and parse(path:) differ")
        check(email, against: expected, name: name)
        // The JSON form (what an operator reads) holds everything: it reads back to the same value.
        #expect(try JSONDecoder().decode(InboundEmail.self, from: InboundEmail.jsonEncoder().encode(email)) == email, "\(name): JSON round trip")
    }

    func check(_ email: InboundEmail, against expected: [String: Any], name: String) {
        func has(_ key: String) -> Bool { expected.keys.contains(key) }
        func string(_ key: String) -> String? { expected[key] as? String }
        func strings(_ key: String) -> [String]? { expected[key] as? [String] }

        if has("subject") { #expect(email.subject == string("subject"), "\(name): subject") }
        if let from = expected["from"] as? [String: Any] {
            #expect(email.from?.address == from["address"] as? String, "\(name): from address")
            #expect(email.from?.name == from["name"] as? String, "\(name): from name")
        }
        if let to = strings("to") { #expect(email.to.map(\.address) == to, "\(name): to") }
        if let cc = strings("cc") { #expect(email.cc.map(\.address) == cc, "\(name): cc") }
        if let replyTo = strings("replyTo") { #expect(email.replyTo.map(\.address) == replyTo, "\(name): reply-to") }
        if let id = string("messageID") { #expect(email.messageID == id, "\(name): message-id") }
        if let ids = strings("inReplyTo") { #expect(email.inReplyTo == ids, "\(name): in-reply-to") }
        if let ids = strings("references") { #expect(email.references == ids, "\(name): references") }
        if has("date") {
            #expect(email.date.map { $0.formatted(.iso8601) } == string("date"), "\(name): date")
        }

        if let start = string("textStartsWith") { #expect(email.text?.hasPrefix(start) == true, "\(name): text starts \(email.text?.prefix(80) ?? "nil")") }
        for piece in strings("textContains") ?? [] { #expect(email.text?.contains(piece) == true, "\(name): text contains \(piece)") }
        if expected["textIsNil"] as? Bool == true { #expect(email.text == nil, "\(name): no text body") }
        for piece in strings("htmlContains") ?? [] { #expect(email.html?.contains(piece) == true, "\(name): html contains \(piece)") }
        if expected["htmlIsNil"] as? Bool == true { #expect(email.html == nil, "\(name): no HTML body") }
        if expected["structureIsNil"] as? Bool == true { #expect(email.structure == nil, "\(name): no structure") }

        // The quoted split: both halves, the marker, and nothing lost.
        do {
            let split = email.quotedHistory.text
            if let text = email.text { #expect(split.map { $0.new + $0.quoted } == text, "\(name): the text split loses nothing") }
            if let start = string("newStartsWith") { #expect(split?.new.hasPrefix(start) == true, "\(name): new text \(split?.new.prefix(60) ?? "")") }
            if let start = string("quotedStartsWith") {
                let quoted = split?.quoted.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                #expect(start.isEmpty ? quoted.isEmpty : quoted.hasPrefix(start), "\(name): quoted text \(quoted.prefix(60))")
            }
            if has("textMarker") { #expect(split?.marker == string("textMarker"), "\(name): text marker") }
        }
        do {
            let split = email.quotedHistory.html
            for piece in strings("htmlNewContains") ?? [] { #expect(split?.new.contains(piece) == true, "\(name): new HTML contains \(piece)") }
            for piece in strings("htmlNewNotContains") ?? [] { #expect(split?.new.contains(piece) == false, "\(name): new HTML lacks \(piece)") }
            for piece in strings("htmlQuotedContains") ?? [] { #expect(split?.quoted.contains(piece) == true, "\(name): quoted HTML contains \(piece)") }
            if has("htmlMarker") { #expect(split?.marker == string("htmlMarker"), "\(name): HTML marker") }
        }

        if let types = strings("partTypes") {
            #expect(email.structure?.flattened.map(\.contentType) == types, "\(name): MIME tree")
        }
        if let attachments = expected["attachments"] as? [[String: Any]] {
            #expect(email.attachments.count == attachments.count, "\(name): attachment count")
            for (found, fact) in zip(email.attachments, attachments) {
                #expect(found.filename == fact["filename"] as? String, "\(name): attachment name")
                #expect(found.declaredType == fact["declaredType"] as? String, "\(name): declared type")
                #expect(found.sniffedType == fact["sniffedType"] as? String, "\(name): sniffed type of \(found.filename ?? "?")")
                #expect(found.size == fact["size"] as? Int, "\(name): size of \(found.filename ?? "?")")
                #expect(found.sha256 == fact["sha256"] as? String, "\(name): SHA-256 of \(found.filename ?? "?")")
                #expect(found.isInline == fact["isInline"] as? Bool, "\(name): inline flag of \(found.filename ?? "?")")
                #expect(found.contentID == fact["contentID"] as? String, "\(name): content ID")
                #expect(found.isInAttachedMessage == (fact["isInAttachedMessage"] as? Bool ?? false), "\(name): in attached message")
            }
        }

        if let report = expected["deliveryStatus"] as? [String: Any] {
            #expect(email.deliveryStatus?.originalMessageID == report["originalMessageID"] as? String, "\(name): bounced message ID")
            if let mta = report["reportingMTA"] as? String { #expect(email.deliveryStatus?.reportingMTA == mta, "\(name): reporting MTA") }
            #expect(email.deliveryStatus?.format == (report["format"] as? String ?? "rfc3464"), "\(name): bounce format")
            let failed = report["failed"] as? [[String: Any]] ?? []
            let found = email.deliveryStatus?.failedRecipients ?? []
            #expect(found.count == failed.count, "\(name): failed recipients")
            for (recipient, fact) in zip(found, failed) {
                #expect(recipient.recipient == fact["recipient"] as? String, "\(name): failed recipient")
                #expect(recipient.status == fact["status"] as? String, "\(name): status")
                #expect(recipient.diagnosticCode?.contains(fact["diagnosticContains"] as? String ?? "\u{0}") == true, "\(name): diagnostic \(recipient.diagnosticCode ?? "nil")")
            }
            let others = (email.deliveryStatus?.recipients ?? []).filter { !$0.isFailure }.map(\.action)
            #expect(others == (report["otherActions"] as? [String] ?? []), "\(name): other recipients' actions")
            #expect(email.autoReply == nil, "\(name): a bounce is not an auto-reply")
        } else {
            #expect(email.deliveryStatus == nil, "\(name): not a bounce")
        }
        if let reason = string("autoReplyReason") {
            #expect(email.autoReply?.reason.hasPrefix(reason) == true, "\(name): auto-reply reason \(email.autoReply?.reason ?? "nil")")
        } else if !has("deliveryStatus") {
            #expect(email.autoReply == nil, "\(name): not an auto-reply (\(email.autoReply?.reason ?? ""))")
        }

        if has("warningsContain") {
            for piece in strings("warningsContain") ?? [] {
                #expect(email.warnings.contains { $0.contains(piece) }, "\(name): a warning about \(piece) in \(email.warnings)")
            }
        } else {
            #expect(email.warnings.isEmpty, "\(name): no warning expected, got \(email.warnings)")
        }
    }
}
