/// Keeps libxml2's HTML parser linear on hostile input: the part of `HTMLPrePass` that keeps
/// libxml2's stack of open elements shallow.
///
/// libxml2 2.9's HTML parser looks for the element an end tag closes by scanning its stack of
/// open elements from the top, and an end tag that matches nothing (or is blocked by a table
/// cell or `div` above it) costs a scan of the whole stack. Input that keeps elements open
/// (`<td>` outside a table, unclosed `<span>`s) and adds stray end tags is therefore quadratic:
/// one megabyte of such tags took seconds, ten would take minutes. This keeps its own copy of
/// libxml2's stack, with libxml2's rules: a start tag first closes the top element while
/// libxml2's HTML 4 table says it does (`<p>` closes an open `<p>`, `<td>` a `<td>`, `<ul>` a
/// `<p>`...), an end tag closes the nearest element of its name unless an element of higher
/// end priority (`div`, cells, rows, tables) stands in the way. The pre-pass then:
///
/// - removes end tags libxml2 would ignore (nothing of that name open, or blocked) — for
///   libxml2 each costs a scan of the whole stack;
/// - once `maximumOpen` elements are open, removes further start tags (and their end tags)
///   until some close. Their text stays where it was; only markup nested deeper than any
///   editor writes is lost (the reader flattens beyond 48 levels regardless).
///
/// Its own scans stop at `maximumOpen` elements, so the pass is linear, and libxml2's stack
/// then stays within about that depth. The copy of libxml2's rules is partial (its tables are
/// not public API), so this is a bound measured by the benchmark's linearity check — flat,
/// deep, unclosed, misnested and stray-tag input — rather than a proof for every input.
struct HTMLDepthLimiter {
    static let maximumOpen = 512

    /// Elements libxml2's HTML 4 tables declare empty, so a start tag opens nothing. The other
    /// HTML5 void elements (`embed`, `source`, `wbr`...) are containers to libxml2; the
    /// pre-pass closes them right after their start tag.
    static let libxml2Empty: Set<String> = [
        "area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link", "meta", "param",
    ]
    /// Which open element (on top of the stack) a start tag closes first: libxml2 2.9's
    /// `htmlStartClose` rules for the elements that matter here.
    private static let closesOnStart: [String: Set<String>] = {
        let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
        let paragraphs: Set<String> = ["p", "head"]
        var rules: [String: Set<String>] = [
            "p": paragraphs.union(headings),
            "div": paragraphs, "blockquote": paragraphs, "hr": paragraphs, "center": paragraphs.union(["font", "b", "i"]),
            "ul": paragraphs.union(["ol", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "ol": paragraphs.union(["ul"]), "menu": paragraphs.union(["ul"]), "dir": paragraphs,
            "dl": paragraphs.union(["dt", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "dt": paragraphs.union(["menu", "dir", "address", "pre", "listing", "xmp", "dd"]),
            "dd": paragraphs.union(["menu", "dir", "address", "pre", "listing", "xmp", "dt"]),
            "li": paragraphs.union(headings).union(["dl", "address", "pre", "listing", "xmp", "li"]),
            "pre": paragraphs.union(["ul"]), "address": paragraphs.union(["ul"]), "listing": paragraphs, "xmp": ["p"],
            "form": paragraphs.union(headings).union(["form", "hr", "dl", "ul", "ol", "menu", "dir", "address", "pre", "listing", "xmp"]),
            "table": paragraphs.union(headings).union(["pre", "listing", "xmp", "a"]),
            "caption": ["p"], "colgroup": ["caption", "colgroup", "col", "p"],
            "th": ["th", "td", "p", "span", "font", "a", "b", "i", "u"], "td": ["th", "td", "p"],
            "tr": ["th", "td", "tr", "caption", "col", "colgroup", "p"],
            "thead": ["caption", "col", "colgroup"],
            "tfoot": ["th", "td", "tr", "caption", "col", "colgroup", "thead", "tbody", "p"],
            "tbody": ["th", "td", "tr", "caption", "col", "colgroup", "thead", "tfoot", "tbody", "p"],
            "option": ["option"], "optgroup": ["option"], "a": ["a", "head"],
        ]
        for heading in headings { rules[heading] = paragraphs.union(headings) }
        return rules
    }()

    /// libxml2's `htmlEndPriority`: an end tag does not close past an element of higher priority.
    private static func endPriority(_ name: String) -> Int {
        switch name {
        case "div": return 150
        case "td", "th": return 160
        case "tr": return 170
        case "thead", "tbody", "tfoot": return 180
        case "table": return 190
        case "head", "body": return 200
        case "html": return 220
        default: return 100
        }
    }
    private var stack: [String] = []
    /// How many of each name the stack holds: an end tag with none open is settled without a
    /// scan (stray end tags are what hostile input is made of).
    private var openCount: [String: Int] = [:]
    /// End tags still to come of start tags removed beyond `maximumOpen`.
    private var dropped: [String: Int] = [:]

    /// libxml2 places these itself and ignores misplaced ones: never counted, never removed.
    static func isStructural(_ name: String) -> Bool {
        name == "html" || name == "head" || name == "body" || name == "br"
    }

    /// A start tag that opens an element (not empty, not self-closed): whether it is kept.
    mutating func keepsStartTag(_ name: String) -> Bool {
        if let closes = Self.closesOnStart[name] {
            while let top = stack.last, closes.contains(top) { pop(to: stack.count - 1) }
        }
        if stack.count >= Self.maximumOpen {
            dropped[name, default: 0] += 1
            return false
        }
        stack.append(name)
        openCount[name, default: 0] += 1
        return true
    }

    /// An end tag: whether it is kept (it closes something libxml2 would close).
    mutating func keepsEndTag(_ name: String) -> Bool {
        if let pending = dropped[name], pending > 0 {
            dropped[name] = pending - 1
            return false
        }
        // The nearest open element of this name, unless a higher-priority one is above.
        guard openCount[name, default: 0] > 0 else { return false }
        let priority = Self.endPriority(name)
        for candidate in stack.indices.reversed() {
            if stack[candidate] == name {
                pop(to: candidate)
                return true
            }
            if Self.endPriority(stack[candidate]) > priority { return false }
        }
        return false
    }

    private mutating func pop(to position: Int) {
        for name in stack[position...] { openCount[name, default: 1] -= 1 }
        stack.removeSubrange(position...)
    }
}
