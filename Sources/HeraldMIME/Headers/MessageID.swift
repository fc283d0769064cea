/// A Message-ID (`<id@domain>`, RFC 5322 §3.6.4), for Message-ID, In-Reply-To and References.
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
    /// Without the angle brackets.
    public let value: String

    /// Accepts `<left@right>` or `left@right`: printable ASCII, no spaces, brackets or quotes.
    public init(validating text: String, field: String = "message ID") throws {
        var inner = Substring(text)
        if inner.hasPrefix("<") && inner.hasSuffix(">") { inner = inner.dropFirst().dropLast() }
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        let allowed = inner.utf8.allSatisfy { $0 > 32 && $0 < 127 && !"<>\"\\()[]".utf8.contains($0) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, allowed, inner.utf8.count <= 250 else {
            throw HeaderError(field: field, value: text, reason: "a message ID looks like <unique-part@domain>, in printable ASCII without spaces")
        }
        value = String(inner)
    }

    init(unchecked value: String) {
        self.value = value
    }

    public var description: String { "<\(value)>" }
}
