import Foundation

/// A reply cut in two: what the sender wrote now, and the history they quoted below it. The
/// inbox shows `new` first and folds `quoted` away; storage keeps both. Nothing is lost:
/// `new + quoted` is the whole input (for text, byte for byte; for HTML, every node, in order).
public struct QuotedSplit: Codable, Equatable, Sendable {
    /// What comes before the history.
    public var new: String
    /// The history, from its first line (the "On … wrote:" attribution, the separator) to the
    /// end; empty when no history was found.
    public var quoted: String
    /// What was recognized, e.g. `on-wrote`, `quote-prefix`, `outlook-original-message`,
    /// `gmail-quote`; nil when nothing was.
    public var marker: String?

    public init(new: String, quoted: String = "", marker: String? = nil) {
        self.new = new
        self.quoted = quoted
        self.marker = marker
    }
}

/// The history split of a message's text body and of its HTML body, each when present.
public struct QuotedHistory: Codable, Equatable, Sendable {
    public var text: QuotedSplit?
    public var html: QuotedSplit?

    public init(text: QuotedSplit? = nil, html: QuotedSplit? = nil) {
        self.text = text
        self.html = html
    }
}

/// Finds where the quoted history of a plain-text reply begins.
///
/// Recognized, the earliest wins: a `>` quoted line (with the "On … wrote:" attribution above
/// it, in one line or wrapped over two, and the blank lines between); an attribution line on
/// its own; Outlook's `-----Original Message-----`, its `________________________________` rule,
/// and its `From: … / Sent: …` header block. Replies written between quoted lines (inline
/// answers) split at the first quote: the rest shows folded, nothing is dropped.
public enum TextQuoteSplitter {
    public static func split(_ text: String) -> QuotedSplit {
        // Lines with their terminators, so the halves join back to the exact input.
        var lines: [Substring] = []
        var start = text.startIndex
        for index in text.indices where text[index] == "\n" || text[index] == "\r\n" {
            let next = text.index(after: index)
            lines.append(text[start..<next])
            start = next
        }
        if start < text.endIndex { lines.append(text[start...]) }
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

        guard let (index, marker) = firstMarker(trimmed) else { return QuotedSplit(new: text) }
        var cut = index
        if marker == "quote-prefix" {
            // The attribution above the quote belongs to the history, across blank lines.
            var above = index - 1
            while above >= 0, trimmed[above].isEmpty { above -= 1 }
            if above >= 0, isAttribution(trimmed[above]) {
                cut = above
            } else if above >= 1, isAttribution(trimmed[above - 1] + " " + trimmed[above]) {
                cut = above - 1
            }
        }
        let splitIndex = cut < lines.count ? lines[cut].startIndex : text.endIndex
        return QuotedSplit(new: String(text[..<splitIndex]), quoted: String(text[splitIndex...]),
                           marker: cut != index ? "on-wrote" : marker)
    }

    static func firstMarker(_ lines: [String]) -> (Int, String)? {
        // An inline forward ("---------- Forwarded message ---------", Apple's "Begin forwarded
        // message:") shows its header block on purpose: what follows is content, not history.
        var inForward = false
        for (index, line) in lines.enumerated() {
            if line.lowercased().contains("forwarded message") { inForward = true }
            if line.hasPrefix(">") { return (index, "quote-prefix") }
            if isAttribution(line) { return (index, "on-wrote") }
            if index + 1 < lines.count, startsAttribution(line), isAttribution(line + " " + lines[index + 1]) {
                return (index, "on-wrote")
            }
            if isOriginalMessageRule(line) { return (index, "outlook-original-message") }
            if line.count >= 20, line.allSatisfy({ $0 == "_" }) { return (index, "outlook-separator") }
            if !inForward, line.hasPrefix("From:"), lines[(index + 1)...].prefix(4).contains(where: { $0.hasPrefix("Sent:") || $0.hasPrefix("Date:") }) {
                return (index, "outlook-header-block")
            }
        }
        return nil
    }

    /// "On Mon, 30 Nov 2026 at 10:00, Ana <ana@example.com> wrote:" and its translations.
    static func isAttribution(_ line: String) -> Bool {
        let lowered = line.lowercased()
        let patterns: [(String, String)] = [("on ", "wrote:"), ("le ", "a écrit :"), ("le ", "a écrit:"), ("am ", "schrieb"),
                                            ("el ", "escribió:"), ("il ", "ha scritto:"), ("em ", "escreveu:"), ("op ", "schreef:")]
        return patterns.contains { lowered.hasPrefix($0.0) && lowered.hasSuffix($0.1) } && lowered.count < 400
    }

    static func startsAttribution(_ line: String) -> Bool {
        let lowered = line.lowercased()
        return ["on ", "le ", "am ", "el ", "il ", "em ", "op "].contains { lowered.hasPrefix($0) }
    }

    static func isOriginalMessageRule(_ line: String) -> Bool {
        guard line.hasPrefix("-----"), line.hasSuffix("-----") else { return false }
        let inner = line.trimmingCharacters(in: CharacterSet(charactersIn: "- ")).lowercased()
        return ["original message", "ursprüngliche nachricht", "message d'origine", "mensaje original", "messaggio originale"].contains(inner)
    }
}
