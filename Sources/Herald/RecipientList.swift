import Foundation

/// A bulk send's recipients: one message per line (that message's To), `#` starts a comment.
/// Each recipient gets one message: a line naming only recipients of earlier lines is dropped,
/// one naming some of them is sent to the others, each said in `warnings`.
public struct RecipientList: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// The line's number in the file.
        public var number: Int
        /// The line's addresses, as typed, or the ones left after earlier lines took some.
        public var text: String
    }

    /// Where the list came from, for messages ("recipients.txt").
    public var name: String
    public var lines: [Line]
    public var warnings: [String]

    /// Reads and checks every line of a file, for a bulk send on `channel` (email: each line is
    /// an address list).
    public static func read(_ path: String, for channel: ChannelID = .email) throws -> RecipientList {
        guard channel == .email else {
            throw HeraldError(.usage, "a recipients file is for email; send one \(channel) message to several numbers by listing them all as its recipients")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw HeraldError(.io, "cannot read '\(path)': \(error.localizedDescription)")
        }
        return try RecipientList(text: text, name: path)
    }

    /// Checks every line of `text` as an address list.
    public init(text: String, name: String) throws {
        self.name = name
        lines = []
        warnings = []
        var served: [String: Int] = [:]
        // isNewline: "\r\n" is one Character in Swift, so splitting on "\n" would not split a CRLF file.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let recipients: [EmailAddress]
            do {
                recipients = try AddressParser.parseList(line).flatMap(\.mailboxes)
            } catch {
                throw HeraldError(.input, "\(name), line \(index + 1): \(error); nothing was stored or sent")
            }
            guard !recipients.isEmpty else {
                throw HeraldError(.input, "\(name), line \(index + 1): '\(line)' names no recipient; nothing was stored or sent")
            }
            let repeated = recipients.filter { served[$0.recipientKey] != nil }
            let fresh = recipients.filter { served[$0.recipientKey] == nil }
            for address in repeated {
                warnings.append("\(name), line \(index + 1): \(address.recipientKey) already gets the message of line \(served[address.recipientKey] ?? 0); sending it once")
            }
            guard !fresh.isEmpty else { continue }
            for address in fresh { served[address.recipientKey] = index + 1 }
            // As typed, unless some recipients were taken out: then the others, each quoted.
            lines.append(Line(number: index + 1, text: repeated.isEmpty ? line : fresh.map(Self.mailbox).joined(separator: ", ")))
        }
        guard !lines.isEmpty else { throw HeraldError(.input, "'\(name)' lists no recipient") }
    }

    /// An address written back as a mailbox the parser reads as the same: the name quoted.
    private static func mailbox(_ address: EmailAddress) -> String {
        guard let name = address.displayName else { return address.addrSpec }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address.addrSpec)>"
    }
}

extension Composer {
    /// One message for each line of `list` (the line is its To, added to the request's): every
    /// line is checked and composed before anything is stored. The warnings are the first
    /// message's (the others' would repeat them), the list's, and one for each copy that every
    /// line's message carries. An idempotency key becomes `KEY#LINE`.
    public func outbound(_ draft: Draft, request: MessageRequest, eachOf list: RecipientList) throws -> Composition {
        let (draft, request) = try Self.readingText(draft, request, verb: "sends")
        var outbounds: [Outbound] = []
        var warnings = list.warnings + (request.cc + request.bcc).map { "\($0) is copied on every line's message: it gets \(list.lines.count) messages" }
        for line in list.lines {
            var lineRequest = request
            lineRequest.to += [line.text]
            lineRequest.idempotencyKey = request.idempotencyKey.map { "\($0)#\(line.number)" }
            do {
                let composition = try outbound(draft, request: lineRequest)
                if line == list.lines.first { warnings += composition.warnings }
                outbounds += composition.outbounds
            } catch let error as any CategorizedError {
                // Still one line: the refusal, then which line of the list it concerns.
                throw HeraldError(error.category, "\(error.description) (in \(list.name), line \(line.number): nothing was stored or sent)")
            }
        }
        return Composition(outbounds: outbounds, warnings: warnings)
    }
}
