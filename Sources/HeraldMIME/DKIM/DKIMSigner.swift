import Foundation

/// Signs messages with one or more `DKIMKey`s (RFC 6376): one DKIM-Signature per key, Ed25519
/// first when there are both, the pairing RFC 8463 has in mind (a receiver that knows only RSA
/// ignores the other). Never `l=`: a body length limit lets anyone append content under a valid
/// signature.
public struct DKIMSigner: Sendable {
    public var keys: [DKIMKey]
    /// For both headers and body (`c=relaxed/relaxed` or `c=simple/simple`).
    public var canonicalization: DKIMCanonicalization

    /// The fields signed when present, in `h=` order.
    public static let signedFields = ["From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                                      "List-Unsubscribe", "List-Unsubscribe-Post", "Feedback-ID", "Auto-Submitted", "MIME-Version", "Content-Type",
                                      "Content-Transfer-Encoding"]
    /// Listed once more than present, so a copy added on the way (a second From or Subject that a
    /// mail client might show instead) breaks the signature.
    public static let overSignedFields: Set<String> = ["from", "subject", "to", "cc", "date", "message-id", "reply-to",
                                                      "list-unsubscribe", "list-unsubscribe-post"]

    public init(keys: [DKIMKey], canonicalization: DKIMCanonicalization = .relaxed) {
        self.keys = keys.sorted { $0.algorithm == .ed25519 && $1.algorithm != .ed25519 }
        self.canonicalization = canonicalization
    }

    /// The DKIM-Signature fields to put before `headerSection` (each CRLF-terminated), given the
    /// body hash from a `DKIMBodyHasher` of the same canonicalization and the signing time
    /// (`t=`: the Date header's time, so the same message signs the same way).
    public func signatureFields(headerSection: [UInt8], bodyHash: [UInt8], time: Int64) throws -> [UInt8] {
        let fields = HeaderFields(headerSection)
        let names = Self.headerNames(present: fields.fields.map(HeaderFields.name(of:)))
        var output: [UInt8] = []
        for key in keys {
            let unsigned = Self.fold(tags: [
                "v=1;", "a=\(key.algorithm.rawValue);", "c=\(canonicalization.rawValue)/\(canonicalization.rawValue);",
                "d=\(key.domain);", "s=\(key.selector);", "t=\(time);",
            ], headerNames: names, bodyHash: Data(bodyHash).base64EncodedString())
            let input = Self.headerInput(selected: fields.selecting(names), signatureField: unsigned, canonicalization)
            let signature = Data(try key.sign(headerInput: input)).base64EncodedString()
            output += unsigned + Self.foldedValue(signature) + [0x0D, 0x0A]
        }
        return output
    }

    /// `h=`: each signed field as often as it is present, over-signed ones once more.
    static func headerNames(present: [String]) -> [String] {
        signedFields.flatMap { field -> [String] in
            let name = field.lowercased()
            let count = present.filter { $0 == name }.count
            return Array(repeating: name, count: overSignedFields.contains(name) ? count + 1 : count)
        }
    }

    /// What is hashed and signed: the selected fields, then the signature field with an empty
    /// `b=` and no final CRLF (RFC 6376 §3.7).
    static func headerInput(selected: [[UInt8]], signatureField: [UInt8], _ canonicalization: DKIMCanonicalization) -> [UInt8] {
        var input: [UInt8] = []
        for field in selected { input += canonicalization.header(field) }
        input += canonicalization.header(signatureField).dropLast(2)
        return input
    }

    /// `DKIM-Signature: v=1; … bh=…;` folded like Herald's other headers (under 78 columns,
    /// breaking between tags and between `h=` names), then `b=` on a line of its own, so the part
    /// before `b=` is the same whatever the signature's length.
    static func fold(tags: [String], headerNames: [String], bodyHash: String) -> [UInt8] {
        // (text, whether a space separates it from what is before on the same line)
        var pieces: [(String, Bool)] = tags.map { ($0, true) }
        for (index, name) in headerNames.enumerated() {
            let text = (index == 0 ? "h=" : "") + name + (index == headerNames.count - 1 ? ";" : ":")
            pieces.append((text, index == 0))
        }
        pieces.append(("bh=\(bodyHash);", true))
        var text = "DKIM-Signature:"
        var column = text.count
        for (piece, spaced) in pieces {
            let width = piece.count + (spaced ? 1 : 0)
            if column + width > 78 {
                text += "\r\n " + piece
                column = 1 + piece.count
            } else {
                text += (spaced ? " " : "") + piece
                column += width
            }
        }
        return Array((text + "\r\n b=").utf8)
    }

    /// The signature after ` b=`, continued on lines of 76 characters.
    static func foldedValue(_ base64: String) -> [UInt8] {
        var lines: [Substring] = []
        var rest = Substring(base64)
        var first = true
        while !rest.isEmpty {
            let length = first ? 73 : 76
            lines.append(rest.prefix(length))
            rest = rest.dropFirst(length)
            first = false
        }
        return Array(lines.joined(separator: "\r\n ").utf8)
    }
}
