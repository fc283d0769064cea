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
        read(bytes: bytes, pieceSize: Self.pieceSize)
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

    /// How much of the HTML libxml2 reads between two walks of what it finished (which free
    /// it): the tree holds about this much of the input at a time.
    static let pieceSize = 65_536

    /// Walks the tree every `pieceSize` bytes libxml2 reads (tests walk after every element;
    /// nil: walks once, after the whole parse).
    func read(bytes: [UInt8], pieceSize: Int?) -> HTMLReading {
        // libxml2 meets invalid UTF-8 by switching the rest of the input to Latin-1; repairing
        // it first keeps every valid character as written. Valid input (nearly all) is not
        // copied twice to find that out.
        parse(Self.prepared(Self.isValidUTF8(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8)), pieceSize: pieceSize)
    }

    /// What libxml2's callbacks reach during a parse (through the context's `_private`).
    private final class Parse {
        var walker: HTMLTreeWalker
        let pieceSize: Int?
        /// Where the input was when the tree was last walked.
        var walkedAt = 0

        init(walker: HTMLTreeWalker, pieceSize: Int?) {
            self.walker = walker
            self.pieceSize = pieceSize
        }

        /// Walks what libxml2 has finished once it has read `pieceSize` more bytes.
        func walkIfDue(_ context: xmlParserCtxtPtr) {
            guard let pieceSize, let input = context.pointee.input, let document = context.pointee.myDoc,
                  let base = input.pointee.base, let current = input.pointee.cur else { return }
            let position = Int(input.pointee.consumed) + (current - base)
            guard position - walkedAt >= pieceSize else { return }
            walkedAt = position
            walker.advance(through: document, open: Self.openElements(context, in: document), finished: false)
        }

        /// The element libxml2 is adding to and its ancestors. With none (before `<html>`, after
        /// `</html>`) it adds a new element to the document's first child: that one is open.
        private static func openElements(_ context: xmlParserCtxtPtr, in document: htmlDocPtr) -> Set<UnsafeMutablePointer<xmlNode>> {
            var open = Set<UnsafeMutablePointer<xmlNode>>()
            guard var node = context.pointee.node else {
                if let first = document.pointee.children { open.insert(first) }
                return open
            }
            while node.pointee.type == XML_ELEMENT_NODE {
                open.insert(node)
                guard let parent = node.pointee.parent else { break }
                node = parent
            }
            return open
        }
    }

    /// Parses as `htmlReadMemory(bytes, nil, "UTF-8", options)` does, step for step, with its
    /// element callbacks (libxml2's own, which build the tree) followed by a walk of what the
    /// parser has finished every `pieceSize` bytes: the walk frees what it read, so libxml2's
    /// tree — about 20 times the HTML, a node is 120 bytes — holds about one piece of the input
    /// at a time instead of all of it, and the model never peaks together with it.
    ///
    /// Not libxml2's push parser (`htmlParseChunk`): 2.9's reads differently where a chunk
    /// ends inside some constructs (`</script>` cut after `</s` is taken for script text, and
    /// the rest with it; a quoted attribute value cut in two is never closed) and stops at the
    /// end tag that closes the document (`</html>`, a stray `</body>` first) where this parse
    /// goes on. One parser, the same callbacks, the same tree: only when it is freed changes.
    private func parse(_ prepared: [UInt8], pieceSize: Int? = Self.pieceSize) -> HTMLReading {
        let pass = HTMLPrePass.run(prepared)
        let bytes = pass.bytes
        var walker = HTMLTreeWalker(maximumNesting: maximumNesting)
        // What the pre-pass cut comes first: it was seen first.
        walker.log.merge(pass.removed)
        let parser = !Self.initialized || bytes.isEmpty || bytes.count >= Int(Int32.max) ? nil : bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count))
            }
        }
        guard let parser else { return walker.finish() }
        let parse = Parse(walker: walker, pieceSize: pieceSize)
        var document: htmlDocPtr?
        withExtendedLifetime(parse) {
            // htmlReadMemory's steps: HTML's default callbacks on an XML context (it copies
            // `htmlDefaultSAXHandler`, which this function fills), then htmlDoRead's.
            if let callbacks = parser.pointee.sax {
                callbacks.pointee.initialized = 0
                xmlSAX2InitHtmlDefaultSAXHandler(callbacks)
                callbacks.pointee.startElement = { context, name, attributes in
                    xmlSAX2StartElement(context, name, attributes)
                    Self.parse(of: context)?.walkIfDue(context!.assumingMemoryBound(to: xmlParserCtxt.self))
                }
                callbacks.pointee.endElement = { context, name in
                    xmlSAX2EndElement(context, name)
                    Self.parse(of: context)?.walkIfDue(context!.assumingMemoryBound(to: xmlParserCtxt.self))
                }
            }
            parser.pointee._private = Unmanaged.passUnretained(parse).toOpaque()
            htmlCtxtUseOptions(parser, Self.options)
            parser.pointee.html = 1
            if let utf8 = xmlFindCharEncodingHandler("UTF-8") {
                xmlSwitchToEncoding(parser, utf8)
                if let input = parser.pointee.input {
                    if let encoding = input.pointee.encoding { herald_xml_free(UnsafeMutableRawPointer(mutating: encoding)) }
                    input.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
                }
            }
            htmlParseDocument(parser)
            document = parser.pointee.myDoc
            parser.pointee.myDoc = nil
            parser.pointee._private = nil
            if parser.pointee.dictNames != 0, let document, document.pointee.dict == parser.pointee.dict {
                parser.pointee.dict = nil
            }
            xmlFreeParserCtxt(parser)
        }
        guard let document else { return parse.walker.finish() }
        defer { xmlFreeDoc(document) }
        parse.walker.advance(through: document, open: [], finished: true)
        return parse.walker.finish()
    }

    private static func parse(of context: UnsafeMutableRawPointer?) -> Parse? {
        guard let context, let state = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<Parse>.fromOpaque(state).takeUnretainedValue()
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
