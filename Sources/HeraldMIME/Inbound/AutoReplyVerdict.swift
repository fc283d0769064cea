import Foundation

/// The verdict that a message was sent by a program answering for a person (out of office,
/// vacation, "we received your request"), with the signal that decided it. The inbox marks such
/// a message and opens no interaction for it, so two auto-responders never talk to each other.
///
/// A bounce is not an auto-reply: it has its own verdict (`DeliveryStatusReport`).
public struct AutoReplyVerdict: Codable, Equatable, Sendable {
    /// The signal, quoted as found, e.g. `Auto-Submitted: auto-replied` or
    /// `Subject: Automatic reply: …`.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// The headers behind the auto-reply verdict, kept in the parse result so an operator sees why.
public struct AutomationHeaders: Codable, Equatable, Sendable {
    /// RFC 3834's `Auto-Submitted` (`no`, `auto-replied`, `auto-generated`...).
    public var autoSubmitted: String?
    /// `X-Autoreply` (Yandex, many vacation scripts).
    public var xAutoreply: String?
    /// `X-Autorespond` (and `X-Autoresponder`).
    public var xAutorespond: String?
    /// `Precedence` (`bulk`, `junk`, `list`, `auto_reply`).
    public var precedence: String?
    /// Outlook/Exchange's `X-Auto-Response-Suppress` (`All`, `OOF`, `AutoReply`...).
    public var autoResponseSuppress: String?
    /// `List-Id`: a mailing list's message.
    public var listID: String?
    /// `Return-Path`; `<>` (the null sender) is what bounces and most auto-replies carry.
    public var returnPath: String?

    public init(autoSubmitted: String? = nil, xAutoreply: String? = nil, xAutorespond: String? = nil, precedence: String? = nil,
                autoResponseSuppress: String? = nil, listID: String? = nil, returnPath: String? = nil) {
        self.autoSubmitted = autoSubmitted
        self.xAutoreply = xAutoreply
        self.xAutorespond = xAutorespond
        self.precedence = precedence
        self.autoResponseSuppress = autoResponseSuppress
        self.listID = listID
        self.returnPath = returnPath
    }

    /// The null reverse-path `<>`.
    public var hasNullSender: Bool {
        returnPath.map { $0.filter { !$0.isWhitespace } == "<>" } ?? false
    }
}

enum AutoReplyDetector {
    /// Subject prefixes that auto-responders put before the original subject: Outlook's
    /// ("Automatic reply:", the older "Out of Office:", "Auto:"), the Unix vacation program's
    /// default, and their common translations.
    static let subjectPrefixes = [
        "automatic reply:", "auto reply:", "autoreply:", "auto-reply:", "out of office:", "out of office reply",
        "auto:", "away from my mail", "réponse automatique", "abwesenheitsnotiz", "automatische antwort",
        "respuesta automática", "risposta automatica", "vacation reply",
    ]
    // Not "on vacation": a customer writes "On vacation next week: pause my plan", and a
    // message taken for an auto-reply opens no conversation — that one would be lost.

    /// The first signal found, strongest first: RFC 3834's header, then the de-facto headers,
    /// then Outlook's suppression header, then Precedence, then the subject.
    static func verdict(_ headers: AutomationHeaders, subject: String?, hasExchangeHeaders: Bool) -> AutoReplyVerdict? {
        if let value = headers.autoSubmitted, value.trimmingCharacters(in: .whitespaces).lowercased() != "no", !value.isEmpty {
            return AutoReplyVerdict(reason: "Auto-Submitted: \(value)")
        }
        if let value = headers.xAutoreply { return AutoReplyVerdict(reason: "X-Autoreply: \(value)") }
        if let value = headers.xAutorespond { return AutoReplyVerdict(reason: "X-Autorespond: \(value)") }
        if let value = headers.autoResponseSuppress {
            // Exchange stamps `All` or `OOF` on what it generates itself (out-of-office notices,
            // rule replies), asking other responders to stay quiet: a program wrote it.
            let tokens = value.lowercased().split { $0 == "," || $0 == " " }
            if tokens.contains("all") || tokens.contains("oof") || tokens.contains("autoreply") {
                return AutoReplyVerdict(reason: "X-Auto-Response-Suppress: \(value)")
            }
        }
        if let value = headers.precedence {
            let lowered = value.trimmingCharacters(in: .whitespaces).lowercased()
            if ["auto_reply", "auto-reply", "bulk", "junk"].contains(lowered) {
                return AutoReplyVerdict(reason: "Precedence: \(value)")
            }
        }
        if let subject {
            let lowered = subject.trimmingCharacters(in: .whitespaces).lowercased()
            if let prefix = subjectPrefixes.first(where: { lowered.hasPrefix($0) }) {
                // "Auto:" alone is too short to trust without Exchange's own headers beside it.
                if prefix != "auto:" || hasExchangeHeaders {
                    return AutoReplyVerdict(reason: "Subject: \(subject)")
                }
            }
        }
        return nil
    }
}
