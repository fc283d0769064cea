@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// The headers mailbox providers ask of bulk mail: RFC 8058's one-click unsubscribe beside an
/// https List-Unsubscribe, Feedback-ID, RFC 3834's Auto-Submitted — written, DKIM-signed, and
/// never writable as custom headers.
@Suite struct DeliverabilityHeadersTests {
    static let oneClick = "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"  // RFC 8058 §3.1

    func message(_ unsubscribe: [String], feedbackID: String? = nil, autoSubmitted: Bool = false) throws -> EmailMessage {
        let headers = MessageHeaders(from: try EmailAddress(validating: "news@example.com", field: "From"),
                                     to: try AddressParser.parseList("ana@example.net", field: "To"), subject: try HeaderText("News", field: "subject"),
                                     listUnsubscribe: try unsubscribe.map(UnsubscribeTarget.init(validating:)),
                                     feedbackID: try feedbackID.map { try HeaderText($0, field: "Feedback-ID") }, autoSubmitted: autoSubmitted)
        return EmailMessage(headers: headers, text: "Hello\n")
    }

    func written(_ message: EmailMessage, signer: DKIMSigner? = nil) throws -> String {
        String(decoding: try MIMEWriter().bytes(of: message, identity: DKIMSigningTests.identity, signer: signer), as: UTF8.self)
    }

    @Test func oneClickFollowsAnHTTPSTarget() throws {
        let text = try written(message(["mailto:leave@example.com", "https://example.com/u/8f3a"]))
        #expect(text.contains("List-Unsubscribe: <mailto:leave@example.com>, <https://example.com/u/8f3a>" + Self.oneClick))
        #expect(text.components(separatedBy: "List-Unsubscribe-Post:").count == 2)
        #expect(try ExternalEmailTools.checkMessage(Array(text.utf8)) == [])
    }

    @Test func noOneClickWithoutAnHTTPSTarget() throws {
        #expect(!(try written(message(["mailto:leave@example.com"]))).contains("List-Unsubscribe-Post"))
        #expect(!(try written(message(["http://example.com/u/8f3a"]))).contains("List-Unsubscribe-Post"))
        #expect(!(try written(message([]))).contains("List-Unsubscribe"))
        // The scheme is case-insensitive (RFC 3986 §3.1).
        #expect(try written(message(["HTTPS://example.com/u/8f3a"])).contains(Self.oneClick))
    }

    @Test func feedbackIDAndAutoSubmitted() throws {
        let text = try written(message([], feedbackID: "spring:4821:newsletter:herald", autoSubmitted: true))
        #expect(text.contains("\r\nFeedback-ID: spring:4821:newsletter:herald\r\n"))
        #expect(text.contains("\r\nAuto-Submitted: auto-generated\r\n"))  // RFC 3834 §5
        #expect(try ExternalEmailTools.checkMessage(Array(text.utf8)) == [])
        let plain = try written(message([]))
        #expect(!plain.contains("Feedback-ID") && !plain.contains("Auto-Submitted"))
    }

    @Test func aFeedbackIDCannotCarryALineBreak() {
        for value in ["a\r\nBcc: eve@example.com", "a\nBcc: eve@example.com", "a\rb"] {
            #expect(throws: HeaderError.self) { try HeaderText(value, field: "Feedback-ID") }
        }
    }

    @Test func theyAreNotCustomHeaders() {
        for name in ["List-Unsubscribe-Post", "list-unsubscribe-post", "Feedback-ID", "Auto-Submitted"] {
            #expect(throws: HeaderError.self) { try CustomHeader(name: name, value: "x") }
        }
    }

    /// They are signed: changing one breaks the signature; adding a second one-click (over-signed) too.
    @Test func theyAreSigned() throws {
        let signer = DKIMSigner(keys: [DKIMSigningTests.keys.ed25519])
        let text = try written(message(["https://example.com/u/8f3a"], feedbackID: "spring:4821:newsletter:herald", autoSubmitted: true), signer: signer)
        let h = text.components(separatedBy: "bh=")[0].replacingOccurrences(of: "\r\n ", with: "")
        #expect(h.contains("list-unsubscribe-post:list-unsubscribe-post:feedback-id:auto-submitted:"))
        #expect(try DKIMSigningTests.ourVerdict(Array(text.utf8)) == [true])
        let changed = text.replacingOccurrences(of: "Feedback-ID: spring:4821", with: "Feedback-ID: spring:4822")
        #expect(try DKIMSigningTests.ourVerdict(Array(changed.utf8)) == [false])
        let removed = text.replacingOccurrences(of: "Auto-Submitted: auto-generated\r\n", with: "")
        #expect(try DKIMSigningTests.ourVerdict(Array(removed.utf8)) == [false])
        let added = text.replacingOccurrences(of: "\r\nMIME-Version:", with: "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\nMIME-Version:")
        #expect(try DKIMSigningTests.ourVerdict(Array(added.utf8)) == [false])
    }
}
