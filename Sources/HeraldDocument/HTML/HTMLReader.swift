import CLibXML2

/// What `HTMLReader` made of some HTML: the document, and what it took out on the way.
public struct HTMLReading: Sendable, Equatable {
    public var document: Document
    /// What was removed because it is dangerous or active: what the pre-pass cut before
    /// parsing (attributes beyond the limit), then the rest in the order first seen.
    public var removed: [HTMLRemoval]

    public init(document: Document, removed: [HTMLRemoval]) {
        self.document = document
        self.removed = removed
    }
}

/// Reads HTML — the composer's WYSIWYG output, HTML pasted from Word or Google Docs, raw HTML in
/// Markdown, Herald's own email HTML — into a `Document`, with libxml2's HTML parser.
///
/// It is an allow-list: only what the model can hold comes through (marks, links and images
/// with `SafeURL` URLs, paragraphs and headings with alignment, lists, tables, quotes, code,
/// rules); every other element is unwrapped (its text kept) or, when its content is not text a
/// reader should see (`script`, `style`, `iframe`, `svg`, form fields...), removed whole. No
/// attribute, style or URL of the input is ever copied to an output: renderers write their own.
///
/// Bad input never crashes it: invalid UTF-8 becomes U+FFFD, any nesting depth is walked with
/// an explicit stack (libxml2's own limit of 256 levels, which stops the parse and would lose
/// the rest of the text, is lifted with `XML_PARSE_HUGE`), and nesting deeper than
/// `maximumNesting` is flattened: the text is kept, the extra levels are not.
public struct HTMLReader: Sendable {
    /// Containers (quotes, lists, tables) and marks nested deeper than this are flattened. It
    /// bounds the recursion of every renderer, like `MarkdownReader.maximumNesting`.
    public var maximumNesting: Int

    public init(maximumNesting: Int = 48) {
        self.maximumNesting = max(1, maximumNesting)
    }

    public func read(_ html: String) -> HTMLReading {
        parse(Self.prepared(Array(html.utf8)))
    }

    public func read(bytes: [UInt8]) -> HTMLReading {
        // libxml2 meets invalid UTF-8 by switching the rest of the input to Latin-1; repairing
        // it first keeps every valid character as written. Valid input (nearly all) is not
        // copied twice to find that out.
        parse(Self.prepared(Self.isValidUTF8(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)))
    }

    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Inline content of an HTML fragment (raw HTML inside a Markdown paragraph): paragraphs
    /// it makes are joined with line breaks, as in a table cell.
    func readInlines(_ html: String) -> (inlines: [Inline], removed: [HTMLRemoval]) {
        let reading = read(html)
        return (HTMLModelBuilder.inlines(of: reading.document.blocks), reading.removed)
    }

    /// The bytes libxml2 is given for `bytes` (after the repairs and the pre-pass), so a
    /// benchmark can time libxml2 alone on exactly what the reader parses.
    public static func prePassed(_ bytes: [UInt8]) -> [UInt8] {
        HTMLPrePass.run(prepared(bytes)).bytes
    }

    /// RECOVER: always a tree. NOERROR/NOWARNING: no output on stderr. NONET: no fetching.
    /// NODEFDTD: no DOCTYPE added. IGNORE_ENC: a `<meta charset>` in the input cannot switch
    /// the decoding of bytes Herald already decoded. HUGE: no 256-level depth limit.
    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
        | XML_PARSE_HUGE.rawValue | HTML_PARSE_COMPACT.rawValue)

    /// xmlInitParser must run once before documents are parsed on several threads.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    private func parse(_ prepared: [UInt8]) -> HTMLReading {
        let pass = HTMLPrePass.run(prepared)
        let bytes = pass.bytes
        guard Self.initialized, !bytes.isEmpty, bytes.count < Int(Int32.max) else {
            return HTMLReading(document: Document(), removed: pass.removed)
        }
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", Self.options)
            }
        }
        guard let parsed else { return HTMLReading(document: Document(), removed: pass.removed) }
        defer { xmlFreeDoc(parsed) }
        var walker = HTMLTreeWalker(maximumNesting: maximumNesting)
        // What the pre-pass cut comes first: it was seen first.
        walker.log.merge(pass.removed)
        walker.walk(firstNode: parsed.pointee.children, releasingChildrenOf: Self.body(of: parsed))
        return walker.finish()
    }

    /// The `body` element libxml2 put the content in (it always makes one for content).
    private static func body(of document: htmlDocPtr) -> UnsafeMutablePointer<xmlNode>? {
        var child = xmlDocGetRootElement(document)?.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name, xmlStrEqual(name, "body") != 0 { return node }
            child = node.pointee.next
        }
        return nil
    }

    /// Two repairs libxml2 needs, in one linear pass that copies only when one is needed:
    /// NUL ends a C string inside libxml2 (HTML reads it as U+FFFD), and a `<` that starts no
    /// tag (`<` at the end, `<<`) is dropped by libxml2 where a browser shows it, so it is
    /// written as `&lt;`.
    static func prepared(_ bytes: [UInt8]) -> [UInt8] {
        func startsNoTag(_ index: Int) -> Bool {
            guard bytes[index] == UInt8(ascii: "<") else { return false }
            guard index + 1 < bytes.count else { return true }
            switch bytes[index + 1] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "?"):
                return false
            default:
                return true
            }
        }
        guard let first = bytes.indices.first(where: { bytes[$0] == 0 || startsNoTag($0) }) else { return bytes }
        var result = Array(bytes[..<first])
        result.reserveCapacity(bytes.count + 16)
        for index in first..<bytes.count {
            if bytes[index] == 0 {
                result.append(contentsOf: [0xEF, 0xBF, 0xBD])
            } else if startsNoTag(index) {
                result.append(contentsOf: Array("&lt;".utf8))
            } else {
                result.append(bytes[index])
            }
        }
        return result
    }
}
