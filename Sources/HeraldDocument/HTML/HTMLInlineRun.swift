/// A mark or link opened by an HTML element, identified so that two sibling `<b>` elements stay
/// two bold runs and one `<b>` spanning several paragraphs reopens in each.
struct HTMLInlineEntry: Equatable {
    enum Kind: Equatable {
        case mark(Mark)
        case link(url: String, title: String?)
    }

    let id: Int
    let kind: Kind
}

/// The inline content of one paragraph being read from HTML, built from a flat stream of leaves
/// (text, code, images, line breaks), each arriving with the marks and links open around it.
///
/// Marks are a context, not a tree that must match the HTML's, because pasted HTML puts blocks
/// inside inline elements (`<b><p>…</p><p>…</p></b>`) and the model cannot. Whitespace follows
/// HTML: runs collapse to one space, none at the start of a line or before a break, one
/// trailing `<br>` is ignored. A pending space or break is written where it was (inside or
/// outside a mark) before the context changes, so `<b>a</b> b` keeps the space outside the bold.
struct HTMLInlineRun {
    private struct OpenNode {
        let entry: HTMLInlineEntry
        var content: [Inline] = []
    }

    private var root: [Inline] = []
    private var open: [OpenNode] = []
    /// UTF-8 of text not yet added to the innermost open node (one `.text` per run of text).
    /// Bytes, not a String: whitespace is ASCII, and no byte of a multi-byte UTF-8 sequence is.
    private var text: [UInt8] = []
    private var pendingSpace = false
    private var pendingBreaks = 0
    private var atLineStart = true

    var isEmpty: Bool { root.isEmpty && open.isEmpty && text.isEmpty && pendingBreaks == 0 }

    /// Appends text, collapsing HTML whitespace.
    mutating func append(text raw: String, context: [HTMLInlineEntry]) {
        guard !raw.isEmpty else { return }
        enter(context)
        for byte in raw.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                if !atLineStart { pendingSpace = true }
            default:
                if pendingBreaks > 0 { writePendingBreaks() }
                if pendingSpace {
                    text.append(0x20)
                    pendingSpace = false
                }
                text.append(byte)
                atLineStart = false
            }
        }
    }

    /// Appends code or an image (never a line break or text: they have their own rules).
    mutating func append(leaf: Inline, context: [HTMLInlineEntry]) {
        enter(context)
        writePendingBreaks()
        if pendingSpace {
            text.append(0x20)
            pendingSpace = false
        }
        flushText()
        appendToInnermost(leaf)
        atLineStart = false
    }

    mutating func appendLineBreak(context: [HTMLInlineEntry]) {
        enter(context)
        pendingSpace = false
        pendingBreaks += 1
        atLineStart = true
    }

    /// The content, with every open mark and link closed; the run is empty again afterwards.
    mutating func finish() -> [Inline] {
        // A block's last <br> shows nothing; any before it are blank lines.
        pendingBreaks = max(0, pendingBreaks - 1)
        writePendingBreaks()
        pendingSpace = false
        flushText()
        while !open.isEmpty { closeInnermost() }
        let result = root
        self = HTMLInlineRun()
        return result
    }

    // MARK: Context

    /// Writes what is pending where it belongs, then makes `context` the open path.
    private mutating func enter(_ context: [HTMLInlineEntry]) {
        // Ids are unique and a path is a stack: equal tops and lengths mean equal paths.
        if open.count == context.count, open.last?.entry.id == context.last?.id { return }
        writePendingBreaks()
        if pendingSpace {
            text.append(0x20)
            pendingSpace = false
        }
        flushText()
        var common = 0
        while common < open.count, common < context.count, open[common].entry.id == context[common].id { common += 1 }
        while open.count > common { closeInnermost() }
        for entry in context[common...] { open.append(OpenNode(entry: entry)) }
    }

    private mutating func writePendingBreaks() {
        guard pendingBreaks > 0 else { return }
        flushText()
        for _ in 0..<pendingBreaks { appendToInnermost(.lineBreak) }
        pendingBreaks = 0
    }

    private mutating func flushText() {
        guard !text.isEmpty else { return }
        appendToInnermost(.text(String(decoding: text, as: UTF8.self)))
        text.removeAll(keepingCapacity: true)
    }

    private mutating func appendToInnermost(_ inline: Inline) {
        if open.isEmpty {
            root.append(inline)
        } else {
            open[open.count - 1].content.append(inline)
        }
    }

    /// Closes the innermost mark or link; one left empty (`<b></b>`) disappears.
    private mutating func closeInnermost() {
        guard let node = open.popLast(), !node.content.isEmpty else { return }
        switch node.entry.kind {
        case .mark(let mark):
            appendToInnermost(.marked(mark, node.content))
        case .link(let url, let title):
            appendToInnermost(.link(Link(url: url, title: title, content: node.content)))
        }
    }
}

extension Array where Element == Inline {
    /// Nothing a reader would see: only spaces, no-break spaces and line breaks.
    var isBlank: Bool {
        allSatisfy { inline in
            switch inline {
            case .text(let text): return text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
            case .lineBreak: return true
            case .marked(_, let content): return content.isBlank
            case .link(let link): return link.content.isBlank
            case .code, .image: return false
            }
        }
    }
}
