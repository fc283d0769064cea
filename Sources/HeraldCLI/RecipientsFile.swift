import Foundation
import Herald

/// A bulk send's recipients file: one message per line (that message's To), '#' comments.
enum RecipientsFile {
    /// The lines (numbered as in the file), each checked as an address list. Each recipient
    /// gets one message: a line naming only recipients of earlier lines is dropped, one naming
    /// some of them is sent to the others, each with a warning.
    static func read(_ path: String) throws -> [(number: Int, text: String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw fail("cannot read '\(path)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        var lines: [(number: Int, text: String)] = []
        var served: [String: Int] = [:]
        // isNewline: "\r\n" is one Character in Swift, so splitting on "\n" would not split a CRLF file.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let recipients: [EmailAddress]
            do {
                recipients = try AddressParser.parseList(line).flatMap(\.mailboxes)
            } catch {
                throw fail("\(path), line \(index + 1): \(error); nothing was stored or sent", status: ExitStatus.badInput)
            }
            guard !recipients.isEmpty else {
                throw fail("\(path), line \(index + 1): '\(line)' names no recipient; nothing was stored or sent", status: ExitStatus.badInput)
            }
            let repeated = recipients.filter { served[$0.recipientKey] != nil }
            let fresh = recipients.filter { served[$0.recipientKey] == nil }
            for address in repeated {
                warn("\(path), line \(index + 1): \(address.recipientKey) already gets the message of line \(served[address.recipientKey] ?? 0); sending it once")
            }
            guard !fresh.isEmpty else { continue }
            for address in fresh { served[address.recipientKey] = index + 1 }
            // As typed, unless some recipients were taken out: then the others, each quoted.
            lines.append((index + 1, repeated.isEmpty ? line : fresh.map(mailbox).joined(separator: ", ")))
        }
        guard !lines.isEmpty else { throw fail("'\(path)' lists no recipient", status: ExitStatus.badInput) }
        return lines
    }

    /// An address written back as a mailbox the parser reads as the same: the name quoted.
    private static func mailbox(_ address: EmailAddress) -> String {
        guard let name = address.displayName else { return address.addrSpec }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address.addrSpec)>"
    }
}
