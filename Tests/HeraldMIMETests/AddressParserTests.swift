@testable import HeraldMIME
import Testing

@Suite struct AddressParserTests {
    func mailbox(_ text: String) throws -> EmailAddress {
        try EmailAddress(validating: text)
    }

    @Test func plainAndNamedAddresses() throws {
        let plain = try mailbox("ana@example.com")
        #expect(plain.displayName == nil && plain.localPart == "ana" && plain.domain == "example.com")
        let named = try mailbox("Ana Pérez <ana.perez@Example.COM>")
        #expect(named.displayName == "Ana Pérez")
        #expect(named.addrSpec == "ana.perez@example.com")
    }

    @Test func quotedDisplayNamesMayHoldCommasAndQuotes() throws {
        let entries = try AddressParser.parseList(#""Doe, John \"JD\"" <john@example.com>, "Ops (24/7)" <ops@example.com>"#)
        #expect(entries.count == 2)
        #expect(entries[0].mailboxes[0].displayName == #"Doe, John "JD""#)
        #expect(entries[1].mailboxes[0].displayName == "Ops (24/7)")
    }

    @Test func quotedLocalPartsStayQuotedOnTheWire() throws {
        let address = try mailbox(#""john doe"@example.com"#)
        #expect(address.localPart == "john doe")
        #expect(address.addrSpec == #""john doe"@example.com"#)
    }

    @Test func commentsAreIgnored() throws {
        let address = try mailbox("ana@example.com (Ana at work)")
        #expect(address.addrSpec == "ana@example.com" && address.displayName == nil)
    }

    @Test func groupsKeepTheirMembers() throws {
        let entries = try AddressParser.parseList("Support team: a@example.com, B <b@example.com>;, c@example.com")
        #expect(entries.count == 2)
        guard case .group(let name, let members) = entries[0] else {
            Issue.record("expected a group, got \(entries[0])")
            return
        }
        #expect(name == "Support team")
        #expect(members.map(\.addrSpec) == ["a@example.com", "b@example.com"])
        #expect(try AddressParser.parseList("Undisclosed recipients:;") == [.group(name: "Undisclosed recipients", members: [])])
    }

    @Test func internationalDomainsBecomePunycodeAndLocalPartsNeedSMTPUTF8() throws {
        let idn = try mailbox("Jürgen <jurgen@münchen.de>")
        #expect(idn.asciiDomain == "xn--mnchen-3ya.de")
        #expect(idn.addrSpec == "jurgen@xn--mnchen-3ya.de")
        #expect(!idn.needsSMTPUTF8)
        let utf8 = try mailbox("用户@例子.测试")
        #expect(utf8.needsSMTPUTF8)
        #expect(utf8.addrSpec.hasPrefix("用户@xn--"))
    }

    @Test(arguments: [
        ("ana.example.com", "missing '@' and domain"),
        ("ana@", "missing the domain after '@'"),
        ("ana@localhost", "is not a full domain name"),
        ("Ana <ana@example.com", "missing '>' after the address"),
        ("ana@example.com\r\nBcc: evil@example.com", "contains the control character U+000D"),
        ("ana@exa mple.com", "the domain \"exa\" is not a full domain name"),
        ("ana@example.com bo@example.com", "expected ',' between addresses"),
        (".ana@example.com", "misplaced dot"),
        ("ana@[192.0.2.1]", "the domain literal [192.0.2.1] is valid RFC 5321 but not supported"),
        ("ana@[IPv6:2001:db8::1]", "the domain literal [IPv6:2001:db8::1] is valid RFC 5321 but not supported"),
        ("ana@[192.0.2.1", "the domain literal [192.0.2.1 is not closed"),
        ("\"\"@example.com", "the quoted local part is empty"),
        ("ana@example.com(unclosed", "a comment is not closed (missing ')')"),
        ("Ana (team <ana@example.com>", "a comment is not closed (missing ')')"),
        ("ana@example.com(ends in a backslash\\", "a comment ends with a lone '\\'"),
        ("ana@xn--zz.com", "the label \"xn--zz\" is not valid punycode"),
        ("ana@xn--.com", "the label \"xn--\" is not valid punycode"),
        ("ana@xn--abc-.com", "the label \"xn--abc-\" is not valid punycode"),
        ("\"unclosed@example.com", "not closed"),
        ("", "no address given"),
        ("ana@-bad-.com", "is not a valid domain name"),
    ])
    func invalidAddressesAreRefusedWithTheReason(_ input: String, _ reason: String) {
        #expect {
            try AddressParser.parseList(input, field: "To address")
        } throws: { error in
            let message = String(describing: error)
            return message.hasPrefix("invalid To address \"") && message.contains(reason)
        }
    }

    @Test func theLocalPartLimitCountsWhatGoesOnTheWire() throws {
        // 62 characters and a space: 63 unquoted, 65 once quoted ("...") as RFC 5321 sends it.
        let spaced = String(repeating: "a", count: 31) + " " + String(repeating: "b", count: 31)
        #expect {
            try AddressParser.parseList("\"\(spaced)\"@example.com", field: "To address")
        } throws: { error in
            String(describing: error).contains("the local part is 65 bytes long as written (\"\(spaced)\", quotes and backslashes included); at most 64 are allowed")
        }
        // Backslashes count too: 64 characters unquoted, 2 of them escaped, 68 on the wire.
        let escaped = #""a\"b\\c"# + String(repeating: "d", count: 60) + #"""#
        #expect(throws: AddressError.self) { try AddressParser.parseList(escaped + "@example.com") }
        // A dot-atom of 64 is at the limit; a quoted one of 62 characters is too (64 with quotes).
        #expect(try EmailAddress(validating: String(repeating: "a", count: 64) + "@example.com").localPart.count == 64)
        let quoted = try EmailAddress(validating: "\"" + String(repeating: "a", count: 61) + " \"@example.com")
        #expect(quoted.addrSpec.utf8.count == 64 + "@example.com".utf8.count)
    }

    @Test func ideographicAndFullwidthStopsSeparateLabels() throws {
        // UTS #46 maps U+3002, U+FF0E and U+FF61 to "." (people type them on CJK keyboards).
        let ideographic = try EmailAddress(validating: "用户@例子\u{3002}测试")
        #expect(ideographic.domain == "例子.测试")
        #expect(ideographic.asciiDomain == "xn--fsqu00a.xn--0zwm56d")
        #expect(try EmailAddress(validating: "ana@example\u{FF0E}com").addrSpec == "ana@example.com")
        #expect(try EmailAddress(validating: "ana@example\u{FF61}com").addrSpec == "ana@example.com")
        #expect(throws: AddressError.self) { try EmailAddress(validating: "ana@example\u{3002}") }
    }

    @Test func validALabelsAreAccepted() throws {
        #expect(try EmailAddress(validating: "ana@xn--mnchen-3ya.de").asciiDomain == "xn--mnchen-3ya.de")
        #expect(try EmailAddress(validating: "ana@XN--MNCHEN-3YA.DE").asciiDomain == "xn--mnchen-3ya.de")
    }

    @Test func errorMessagesShowControlCharactersInsteadOfBreakingLines() {
        #expect {
            try AddressParser.parseList("a@example.com\nBcc: x@y.z")
        } throws: { error in
            String(describing: error).contains(#"a@example.com\nBcc: x@y.z"#)
        }
    }

    @Test func envelopeIsToCcBccWithoutDuplicates() throws {
        let message = EmailMessage(headers: MessageHeaders(
            from: try mailbox("me@example.com"),
            to: try AddressParser.parseList("a@example.com, B <b@EXAMPLE.com>"),
            cc: try AddressParser.parseList("b@example.com, c@example.com"),
            bcc: try AddressParser.parseMailboxes("a@example.com, d@example.com")), text: "hi")
        #expect(message.envelope.recipients.map(\.addrSpec) == ["a@example.com", "b@example.com", "c@example.com", "d@example.com"])
        #expect(message.envelope.mailFrom.addrSpec == "me@example.com")
    }
}
