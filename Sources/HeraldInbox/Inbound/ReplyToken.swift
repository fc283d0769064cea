import Foundation

/// The Message-ID of an email the inbox sends, `herald=INTERACTION=MESSAGE@domain`: a reply's
/// In-Reply-To or References carry it back, and it names the interaction the reply belongs to
/// without a lookup table — even when a customer's mail program drops the subject or answers
/// from another address. (Inbox IDs never contain `=`, `Identifier.check`; `=` is allowed in a
/// Message-ID's dot-atom.)
///
/// The same message composed again (a retried send) gets the same ID, so a bounce or a reply
/// names it whichever copy the outbox kept.
public enum ReplyToken {
    static let prefix = "herald="

    /// The left part of the Message-ID (what bounces and receipts are recorded under: the
    /// domain is the campaign's, which may change).
    public static func localPart(interaction: String, message: String) -> String {
        "\(prefix)\(interaction)=\(message)"
    }

    public static func messageID(interaction: String, message: String, domain: String) -> String {
        "\(localPart(interaction: interaction, message: message))@\(domain)"
    }

    /// The interaction and message a Message-ID (with or without angle brackets) names, when it
    /// is one of the inbox's.
    public static func parse(_ messageID: String) -> (interaction: String, message: String)? {
        let id = Substring(bare(messageID))
        guard let at = id.lastIndex(of: "@") else { return nil }
        let local = id[..<at]
        guard local.hasPrefix(prefix) else { return nil }
        let parts = local.dropFirst(prefix.count).split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// A Message-ID without its angle brackets (and surrounding spaces).
    static func bare(_ messageID: String) -> String {
        var id = Substring(messageID.trimmingCharacters(in: .whitespaces))
        if id.hasPrefix("<") && id.hasSuffix(">") { id = id.dropFirst().dropLast() }
        return String(id)
    }

    /// The local part of an inbox Message-ID, when `messageID` is one.
    static func key(of messageID: String) -> String? {
        parse(messageID).map { localPart(interaction: $0.interaction, message: $0.message) }
    }
}
