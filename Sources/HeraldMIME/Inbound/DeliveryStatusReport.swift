import Foundation

/// The verdict on a bounce: an RFC 3464 delivery status notification (`multipart/report;
/// report-type=delivery-status`), which Postfix, Exchange and Gmail all send.
public struct DeliveryStatusReport: Codable, Equatable, Sendable {
    /// One recipient's block of the `message/delivery-status` part.
    public struct Recipient: Codable, Equatable, Sendable {
        /// Final-Recipient's address (its `rfc822;` type removed).
        public var recipient: String
        /// Original-Recipient's address, when given.
        public var originalRecipient: String?
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded` (lowercased).
        public var action: String
        /// The enhanced status code (RFC 3463), e.g. `5.1.1`.
        public var status: String?
        /// What the remote server said, its `smtp;` type removed.
        public var diagnosticCode: String?
        /// The server that gave the diagnostic, its `dns;` type removed.
        public var remoteMTA: String?

        public init(recipient: String, originalRecipient: String? = nil, action: String, status: String? = nil,
                    diagnosticCode: String? = nil, remoteMTA: String? = nil) {
            self.recipient = recipient
            self.originalRecipient = originalRecipient
            self.action = action
            self.status = status
            self.diagnosticCode = diagnosticCode
            self.remoteMTA = remoteMTA
        }

        /// A permanent failure: the message will not reach this recipient.
        public var isFailure: Bool { action == "failed" }
    }

    /// The Message-ID (no angle brackets) of the message that bounced: from the returned
    /// message or headers, else the report's X-Original-Message-ID, else its In-Reply-To.
    public var originalMessageID: String?
    /// Reporting-MTA, its `dns;` type removed.
    public var reportingMTA: String?
    /// Every recipient block, in order; `failedRecipients` keeps the failures.
    public var recipients: [Recipient]
    /// `rfc3464` for a delivery status notification, `qmail` for qmail's plain-text bounce
    /// ("Hi. This is the qmail-send program"), read from its text.
    public var format: String

    public init(originalMessageID: String? = nil, reportingMTA: String? = nil, recipients: [Recipient] = [], format: String = "rfc3464") {
        self.originalMessageID = originalMessageID
        self.reportingMTA = reportingMTA
        self.recipients = recipients
        self.format = format
    }

    public var failedRecipients: [Recipient] { recipients.filter(\.isFailure) }
}

/// Reads the body of a `message/delivery-status` part (RFC 3464 §2.1): header-like fields in
/// blocks separated by empty lines — the per-message block first, then one per recipient.
enum DeliveryStatusFields {
    /// The blocks, each a list of (lowercased name, unfolded value). Folded lines continue the
    /// field above them; lines that are not fields are skipped (some MTAs add comments).
    static func blocks(_ text: String) -> [[(name: String, value: String)]] {
        var blocks: [[(name: String, value: String)]] = []
        var current: [(name: String, value: String)] = []
        // Split on every line end: "\r\n" is one Character in Swift, so splitting on "\n" alone
        // would miss CRLF lines.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { blocks.append(current) }
                current = []
            } else if line.first == " " || line.first == "\t" {
                if !current.isEmpty {
                    current[current.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                }
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                current.append((name, value))
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// `rfc822; ana@example.com` → `ana@example.com`: the part after the type (RFC 3464 §2.1.2
    /// address-type, diagnostic-type, mta-name-type), angle brackets removed.
    static func typedValue(_ value: String) -> String {
        var rest = Substring(value)
        if let semicolon = value.firstIndex(of: ";") { rest = value[value.index(after: semicolon)...] }
        var trimmed = rest.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<"), trimmed.hasSuffix(">"), trimmed.count >= 2 { trimmed = String(trimmed.dropFirst().dropLast()) }
        return trimmed
    }

    /// The report's recipients and its Reporting-MTA. A recipient block whose Final-Recipient and
    /// Original-Recipient are both empty (`rfc822;` and nothing) names nobody the report could be
    /// about: it is counted in `unaddressed`, not kept as a recipient with an empty address.
    static func parse(_ text: String) -> (reportingMTA: String?, originalMessageID: String?, recipients: [DeliveryStatusReport.Recipient],
                                          unaddressed: Int) {
        var reportingMTA: String?
        var originalID: String?
        var recipients: [DeliveryStatusReport.Recipient] = []
        var unaddressed = 0
        for block in blocks(text) {
            func value(_ name: String) -> String? { block.first { $0.name == name }?.value }
            if value("final-recipient") != nil || value("original-recipient") != nil {
                let final = value("final-recipient").map(typedValue).flatMap { $0.isEmpty ? nil : $0 }
                let original = value("original-recipient").map(typedValue).flatMap { $0.isEmpty ? nil : $0 }
                guard let address = final ?? original else {
                    unaddressed += 1
                    continue
                }
                recipients.append(DeliveryStatusReport.Recipient(
                    recipient: address,
                    originalRecipient: original,
                    action: (value("action") ?? "").lowercased(),
                    status: value("status").map { String($0.split(separator: " ").first ?? "") },
                    diagnosticCode: value("diagnostic-code").map(typedValue),
                    remoteMTA: value("remote-mta").map(typedValue)))
            } else {
                if reportingMTA == nil { reportingMTA = value("reporting-mta").map(typedValue) }
                if originalID == nil { originalID = value("x-original-message-id").map(MessageIDList.strip) }
            }
        }
        return (reportingMTA, originalID, recipients, unaddressed)
    }
}

/// Message IDs as headers write them (`<a@b> <c@d>`), without the angle brackets.
enum MessageIDList {
    static func strip(_ value: String) -> String {
        var trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<"), trimmed.hasSuffix(">"), trimmed.count >= 2 { trimmed = String(trimmed.dropFirst().dropLast()) }
        return trimmed
    }
}

/// qmail's bounce, the one common shape that is not RFC 3464 (qmail and its forks, netqmail,
/// some hosting providers): plain text, "Hi. This is the qmail-send program at HOST.", then per
/// failed recipient a `<address>:` line and the remote server's words, then "--- Below this
/// line is a copy of the message." and the message (or its headers).
enum QmailBounce {
    static func parse(_ text: String) -> DeliveryStatusReport? {
        guard let intro = text.range(of: "This is the qmail-send program at ") else { return nil }
        // "…program at mail.example.com." — the host is the rest of the line less the full stop.
        var host = Substring(text[intro.upperBound...].prefix { !$0.isWhitespace })
        while host.hasSuffix(".") { host = host.dropLast() }
        let copyMarker = text.range(of: "--- Below this line is a copy of the message.")
        let body = text[intro.upperBound..<(copyMarker?.lowerBound ?? text.endIndex)]
        var recipients: [DeliveryStatusReport.Recipient] = []
        var current: (address: String, words: [String])?
        func flush() {
            guard let found = current else { return }
            let diagnostic = found.words.joined(separator: " ")
            recipients.append(DeliveryStatusReport.Recipient(recipient: found.address, action: "failed", status: statusCode(in: diagnostic),
                                                             diagnosticCode: diagnostic.isEmpty ? nil : diagnostic))
            current = nil
        }
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("<"), line.hasSuffix(">:"), line.contains("@") {
                flush()
                current = (String(line.dropFirst().dropLast(2)), [])
            } else if !line.isEmpty, current != nil {
                current?.words.append(line)
            } else if line.isEmpty {
                flush()
            }
        }
        flush()
        guard !recipients.isEmpty else { return nil }
        var originalID: String?
        if let copyMarker {
            for rawLine in text[copyMarker.upperBound...].split(whereSeparator: \.isNewline) {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.lowercased().hasPrefix("message-id:") {
                    originalID = MessageIDList.strip(String(line.dropFirst("message-id:".count)))
                    break
                }
            }
        }
        return DeliveryStatusReport(originalMessageID: originalID, reportingMTA: host.isEmpty ? nil : String(host), recipients: recipients,
                                    format: "qmail")
    }

    /// The first enhanced status code (RFC 3463, `5.1.1`) in a server's words, if any.
    static func statusCode(in text: String) -> String? {
        let words = text.split { !($0.isNumber || $0 == ".") }
        return words.first { word in
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 3 && ["2", "4", "5"].contains(parts[0]) && parts[1].count <= 3 && parts[2].count <= 3
                && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        }.map(String.init)
    }
}
