/// One kind of markup the `HTMLReader` took out of the input, how often, and the first place it
/// was seen, so a composer can warn the agent ("removed 2 <script> elements, 1 javascript: link").
///
/// Only what was *dangerous or active* is reported: scripts, frames, forms, event handlers,
/// unsafe URLs, hostile CSS, conditional comments. Formatting the model cannot hold (fonts,
/// colours, classes) is dropped silently: warning about every pasted Word `class` would teach
/// agents to ignore the warning.
public struct HTMLRemoval: Equatable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An element removed with everything inside it (`script`, `iframe`, `svg`...), or a
        /// form element unwrapped (`form`, `button`, `textarea`: their text is kept).
        case element(String)
        /// An event-handler attribute (`onclick`, `onerror`...).
        case eventHandler(String)
        /// A link whose URL is not allowed, by lowercased scheme; "" for a URL without one.
        /// The link's text is kept.
        case link(scheme: String)
        /// An image whose source is not allowed, by scheme; its alt text is kept.
        case image(scheme: String)
        /// An attribute that can load or submit a URL and that the model never holds (`srcset`,
        /// `action`, `formaction`, `background`, `poster`...).
        case urlAttribute(String)
        /// A CSS construct: `expression()`, `url()`, `javascript:`, `behavior`, `-moz-binding`,
        /// `position:fixed` (or absolute/sticky, used for overlays).
        case css(String)
        /// An Outlook/Word conditional comment (`<!--[if mso]>`, `<![if !vml]>`). Word's
        /// `[if !supportLists]` around a list item's bullet or number is not reported: the reader
        /// reads that marker as the list's kind, and it hides or runs nothing.
        case conditionalComment
        /// An element with more than `HTMLStartTag.maximumAttributes` attributes: the rest were
        /// cut before parsing (libxml2 takes quadratic time over them), whatever they held.
        case excessAttributes(String)
    }

    public var kind: Kind
    public var count: Int
    /// The first occurrence as written (an attribute with its value, a URL, a CSS declaration),
    /// at most 80 characters.
    public var example: String

    public init(kind: Kind, count: Int, example: String) {
        self.kind = kind
        self.count = count
        self.example = example
    }

    /// "2 <script> elements", "1 javascript: link", "3 onclick attributes".
    public var summary: String {
        let plural = count == 1 ? "" : "s"
        switch kind {
        case .element(let name): return "\(count) <\(name)> element\(plural)"
        case .eventHandler(let name): return "\(count) \(name) attribute\(plural)"
        case .link(let scheme): return scheme.isEmpty ? "\(count) link\(plural) without a scheme" : "\(count) \(scheme): link\(plural)"
        case .image(let scheme): return scheme.isEmpty ? "\(count) image\(plural) without a scheme" : "\(count) \(scheme): image\(plural)"
        case .urlAttribute(let name): return "\(count) \(name) attribute\(plural)"
        case .css(let construct): return "\(count) CSS \(construct)"
        case .conditionalComment: return "\(count) conditional comment\(plural)"
        case .excessAttributes(let name):
            return "\(count) <\(name)> element\(count == 1 ? "'s" : "s'") attributes beyond the first \(HTMLStartTag.maximumAttributes)"
        }
    }
}

/// Counts removals in the order they were first seen (no dictionary order reaches the output).
struct RemovalLog {
    private(set) var removals: [HTMLRemoval] = []
    private var index: [HTMLRemoval.Kind: Int] = [:]

    mutating func record(_ kind: HTMLRemoval.Kind, example: @autoclosure () -> String) {
        if let position = index[kind] {
            removals[position].count += 1
        } else {
            index[kind] = removals.count
            removals.append(HTMLRemoval(kind: kind, count: 1, example: Self.shortened(example())))
        }
    }

    mutating func merge(_ other: [HTMLRemoval]) {
        for removal in other {
            if let position = index[removal.kind] {
                removals[position].count += removal.count
            } else {
                index[removal.kind] = removals.count
                removals.append(removal)
            }
        }
    }

    static func shortened(_ text: String) -> String {
        var result = ""
        for (count, character) in text.enumerated() {
            if count == 80 { return result + "…" }
            // Control characters would garble a one-line warning.
            result.append(character.isNewline || character == "\t" ? " " : character)
        }
        return result
    }
}
