import CLibXML2

/// Walks libxml2's tree without recursion — down to the first child, along to the next sibling,
/// back up through the parent — keeping one small `Exit` per open element, so input nested
/// 100,000 levels deep costs heap, not stack. Each element is decided once, on the way in
/// (`HTMLTreeWalker+Elements.swift`); its `Exit` undoes what it opened.
struct HTMLTreeWalker {
    typealias Node = UnsafeMutablePointer<xmlNode>

    /// What to undo when an element ends.
    struct Exit {
        var inlineEntries = 0
        var popStyle = false
        /// The element ends a paragraph (it is a block).
        var boundary = false
        var container = false
        var endsHeadSection = false
        var suppressesText = false
        /// Word's list marker span (`mso-list:Ignore`) ends.
        var endsWordListMarker = false
        /// A Word list paragraph (`mso-list:l0 level1 lfo1`) ends.
        var endsWordListParagraph = false
    }

    let maximumNesting: Int
    var builder = HTMLModelBuilder()
    var log = RemovalLog()
    /// The marks and links open around the current point.
    var inlineContext: [HTMLInlineEntry] = []
    var nextEntryID = 0
    /// Inside `<head>`: nothing there is content.
    var suppressText = 0
    /// Inside Word's list marker spans (`mso-list:Ignore`).
    var wordListMarkerDepth = 0
    /// Between Word's `<![if !supportLists]>` (or `<!--[if !supportLists]-->`) and its `[endif]`.
    var inSupportListsConditional = false

    init(maximumNesting: Int) {
        self.maximumNesting = maximumNesting
        builder.maximumNesting = maximumNesting
    }

    /// Text here is the bullet or number of a Word list paragraph: it decides the list's kind
    /// and is not item text.
    var isReadingWordListMarker: Bool {
        (wordListMarkerDepth > 0 || inSupportListsConditional) && builder.style.wordList != nil
    }

    /// Walks what libxml2 has finished of `document`, and frees it from the tree: called while
    /// libxml2 parses (`open`: the elements it still adds to, `ctxt->node` and its ancestors),
    /// then once with `finished` when it is done. Each node is entered once, in document order,
    /// so the model is the same however often it is called:
    ///
    /// - an open element is entered before its content is complete (its attributes are) unless
    ///   entering it reads its content (`pre`, `code`) or skips it (`script`, `title`...); its
    ///   children are then walked as they complete, and it is left once it is closed;
    /// - a node libxml2 may still change or read is not walked yet: the last child of an open
    ///   element that is not a comment (text grows into it; libxml2's `areBlanks` looks at it to
    ///   decide whether blanks after it are content), and the comments after it.
    ///
    /// A node is freed once walked (the document's own children stay: libxml2 adds to the
    /// first), so the tree holds what was parsed since the last call — it costs about 20 times
    /// the HTML (a node is 120 bytes) — and it never peaks together with the model.
    mutating func advance(through document: UnsafeMutablePointer<xmlDoc>, open: Set<Node>, finished: Bool) {
        while true {
            let parent = path.last
            let candidate = parent.map { $0.pointee.children } ?? (lastDocumentChild.map { $0.pointee.next } ?? document.pointee.children)
            guard let node = candidate else {
                // Every child so far is walked: the element is left once it is closed.
                guard let parent, finished || !open.contains(parent) else { return }
                path.removeLast()
                leave(pathExits.removeLast())
                done(with: parent)
                continue
            }
            if !finished, parent.map({ open.contains($0) }) ?? true {
                if open.contains(node) {
                    guard node.pointee.type == XML_ELEMENT_NODE, HTMLElements.entersBeforeContent(Self.name(of: node)),
                          let exit = enter(node) else { return }
                    path.append(node)
                    pathExits.append(exit)
                    continue
                }
                if let parent {
                    guard let last = Self.lastChildNotComment(of: parent), last != node else { return }
                } else if node.pointee.type == XML_TEXT_NODE, node.pointee.next == nil {
                    return
                }
            }
            walk(node)
            done(with: node)
        }
    }

    /// The elements entered by `advance` whose children are still being walked, and what to
    /// undo when each ends.
    private var path: [Node] = []
    private var pathExits: [Exit] = []
    /// The last child of the document walked (the document's children are not freed).
    private var lastDocumentChild: Node?

    /// A node walked to its end: freed, unless it is a child of the document.
    private mutating func done(with node: Node) {
        if path.isEmpty {
            lastDocumentChild = node
        } else {
            xmlUnlinkNode(node)
            xmlFreeNode(node)
        }
    }

    private static func lastChildNotComment(of element: Node) -> Node? {
        var child = element.pointee.last
        while let node = child, node.pointee.type == XML_COMMENT_NODE { child = node.pointee.prev }
        return child
    }

    /// Walks `root` and everything under it, freeing each node below it once walked (`root`
    /// is its caller's).
    private mutating func walk(_ root: Node) {
        func release(_ finished: Node) {
            xmlUnlinkNode(finished)
            xmlFreeNode(finished)
        }
        var exits: [Exit] = []
        var node: Node? = root
        while let current = node {
            if let exit = enter(current) {
                if let child = current.pointee.children {
                    exits.append(exit)
                    node = child
                    continue
                }
                leave(exit)
            }
            // Next sibling, or climb until an ancestor has one.
            var climbing = current
            node = nil
            while climbing != root {
                if let next = climbing.pointee.next {
                    node = next
                    release(climbing)
                    break
                }
                guard let exit = exits.popLast(), let parent = climbing.pointee.parent else { break }
                leave(exit)
                release(climbing)
                climbing = parent
            }
        }
        // A tree is balanced, but close anything left open all the same.
        while let exit = exits.popLast() { leave(exit) }
    }

    mutating func finish() -> HTMLReading {
        while let exit = pathExits.popLast() { leave(exit) }
        path.removeAll()
        return HTMLReading(document: Document(blocks: builder.finish()), removed: log.removals)
    }

    /// Decides what a node is; nil means its subtree is skipped.
    private mutating func enter(_ node: Node) -> Exit? {
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            return enterElement(node)
        case XML_TEXT_NODE:
            if suppressText == 0, let content = node.pointee.content {
                appendText(String(cString: content))
            }
            return nil
        case XML_COMMENT_NODE:
            if let content = node.pointee.content {
                let text = String(cString: content)
                if Self.isConditional(text), !wordListConditional(text) {
                    log.record(.conditionalComment, example: "<!--\(text)-->")
                }
            }
            return nil
        default:
            // CDATA (the content of script and style, never descended into), processing
            // instructions, entity declarations: nothing a reader sees.
            return nil
        }
    }

    private mutating func leave(_ exit: Exit) {
        if exit.container {
            builder.closeContainer()
        } else if exit.boundary {
            builder.flushRun()
        }
        if exit.popStyle { builder.popStyle() }
        if exit.endsHeadSection { builder.enterTableSection(head: false) }
        if exit.inlineEntries > 0 { inlineContext.removeLast(min(exit.inlineEntries, inlineContext.count)) }
        if exit.suppressesText { suppressText -= 1 }
        if exit.endsWordListMarker { wordListMarkerDepth -= 1 }
        if exit.endsWordListParagraph { inSupportListsConditional = false }
    }

    // MARK: Text

    private mutating func appendText(_ text: String) {
        // Word's "downlevel-revealed" conditionals reach libxml2 as text: `<![if !supportLists]>`.
        guard text.utf8.count >= 9, Array(text.utf8).contains(subsequence: Self.downlevelOpening) else {
            appendVisibleText(text)
            return
        }
        var rest = Substring(text)
        while let start = rest.range(of: "<![") {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "]>") else { break }
            appendVisibleText(String(rest[..<start.lowerBound]))
            let written = String(rest[start.lowerBound..<end.upperBound])
            let inside = after[..<end.lowerBound].lowercased()
            if inside.hasPrefix("if") || inside.hasPrefix("endif") {
                if !wordListConditional(inside) { log.record(.conditionalComment, example: written) }
            } else {
                appendVisibleText(written)
            }
            rest = after[end.upperBound...]
        }
        appendVisibleText(String(rest))
    }

    private static let downlevelOpening = Array("<![".utf8)

    /// Text for the paragraph, or for the marker of the Word list paragraph being read.
    private mutating func appendVisibleText(_ text: String) {
        guard !text.isEmpty else { return }
        if isReadingWordListMarker {
            // Only its first characters decide the kind; a marker is a few characters.
            if builder.wordListMarker.utf8.count < 64 { builder.wordListMarker += text }
        } else {
            builder.append(text: text, context: inlineContext)
        }
    }

    /// Word's `[if !supportLists]` and the `[endif]` after it (as `<![…]>` text or as
    /// `<!--[…]-->` comments) only wrap the bullet or number it writes before a list item's
    /// text: that content is shown by every browser, hides nothing and runs nothing, so they are
    /// not reported. Returns whether `condition` (with or without its brackets) is one of them,
    /// and tracks whether a marker is open.
    private mutating func wordListConditional(_ condition: String) -> Bool {
        var token = condition.trimmingASCIIWhitespace().lowercased()
        if token.hasPrefix("[") { token.removeFirst() }
        if token.hasSuffix("]") { token.removeLast() }
        token.removeAll { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if token == "if!supportlists" {
            inSupportListsConditional = true
            return true
        }
        if token == "endif", inSupportListsConditional {
            inSupportListsConditional = false
            return true
        }
        return false
    }

    static func isConditional(_ comment: String) -> Bool {
        let trimmed = comment.trimmingASCIIWhitespace().lowercased()
        return trimmed.hasPrefix("[if") || trimmed.hasPrefix("[endif") || trimmed.hasPrefix("<![endif")
    }

    // MARK: Inline context

    mutating func pushInline(_ kind: HTMLInlineEntry.Kind) -> Bool {
        guard inlineContext.count < maximumNesting else { return false }
        inlineContext.append(HTMLInlineEntry(id: nextEntryID, kind: kind))
        nextEntryID += 1
        return true
    }

    func isActive(_ mark: Mark) -> Bool {
        inlineContext.contains { $0.kind == .mark(mark) }
    }

    var isInLink: Bool {
        inlineContext.contains { if case .link = $0.kind { return true } else { return false } }
    }

    // MARK: Gathering text (code, pre)

    /// The text under `node`, with `<br>` as `lineBreak`, skipping what is never content.
    mutating func gatherText(under root: Node, lineBreak: String) -> String {
        var result = ""
        var node = root.pointee.children
        var depth = 0
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_TEXT_NODE:
                if let content = current.pointee.content { result += String(cString: content) }
            case XML_ELEMENT_NODE:
                let name = Self.name(of: current)
                if name == "br" {
                    result += lineBreak
                } else if HTMLElements.removedWithContent.contains(name) {
                    log.record(.element(name), example: "<\(name)>")
                } else if !HTMLElements.skippedSilently.contains(name) {
                    descend = true
                }
            default:
                break
            }
            if descend, let child = current.pointee.children {
                depth += 1
                node = child
                continue
            }
            var climbing = current
            node = nil
            while true {
                if let next = climbing.pointee.next {
                    node = next
                    break
                }
                guard depth > 0, let parent = climbing.pointee.parent else { break }
                depth -= 1
                climbing = parent
            }
        }
        return result
    }

    // MARK: Attributes

    static func name(of node: Node) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// Attributes in document order, names lowercased.
    static func attributes(of node: Node) -> [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            // libxml2's HTML parser lowercases attribute names itself.
            let name = current.pointee.name.map { String(cString: $0) } ?? ""
            var value = ""
            if let child = current.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE {
                if let content = child.pointee.content { value = String(cString: content) }
            } else if let text = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: text)
                herald_xml_free(text)
            }
            result.append((name, value))
            attribute = current.pointee.next
        }
        return result
    }
}
