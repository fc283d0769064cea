import CLibXML2
import Foundation

/// Finds the quoted history in an HTML reply with libxml2's HTML parser, by the markup each
/// mail client writes around it:
///
/// - Gmail: `<div class="gmail_quote">` (the attribution is inside it);
/// - Apple Mail: `<blockquote type="cite">` (the attribution is inside it);
/// - Thunderbird: `<div class="moz-cite-prefix">On … wrote:</div>` then `<blockquote type="cite">`;
/// - Outlook on the web: `<div id="appendonsend">`, or `<hr>` then `<div id="divRplyFwdMsg">`;
/// - Outlook desktop: the `From:/Sent:` block in a div whose style draws a `border-top`.
///
/// The history is the marker's element and everything after it in document order; `new` is the
/// body with those nodes taken out. When nothing is recognized, `new` is the input unchanged.
/// When something is, both halves are re-serialized by libxml2 from the body (the `<head>`, which
/// holds only styles and metadata, is not part of either).
public enum HTMLQuoteSplitter {
    public static func split(_ html: String) -> QuotedSplit {
        let bytes = Array(html.utf8)
        guard !bytes.isEmpty else { return QuotedSplit(new: html) }
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_RECOVER.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { htmlReadMemory($0.baseAddress, Int32(clamping: $0.count), nil, "UTF-8", options) }
        }
        guard let document = parsed else { return QuotedSplit(new: html) }
        defer { xmlFreeDoc(document) }
        guard let body = findElement(xmlDocGetRootElement(document), named: "body"),
              let (start, marker) = firstMarker(in: body)
        else { return QuotedSplit(new: html) }

        // The marker and every node after it, up to the body: its following siblings, then its
        // parent's following siblings, and so on.
        var history: [xmlNodePtr] = []
        var sibling: xmlNodePtr? = start
        var ancestor = start.pointee.parent
        while true {
            while let each = sibling {
                history.append(each)
                sibling = each.pointee.next
            }
            guard let current = ancestor, current != body else { break }
            sibling = current.pointee.next
            ancestor = current.pointee.parent
        }
        var quoted = ""
        for each in history {
            quoted += serialize(each, document: document)
        }
        for each in history {
            xmlUnlinkNode(each)
            xmlFreeNode(each)
        }
        var new = ""
        var child = body.pointee.children
        while let each = child {
            new += serialize(each, document: document)
            child = each.pointee.next
        }
        return QuotedSplit(new: new, quoted: quoted, marker: marker)
    }

    private static func serialize(_ node: xmlNodePtr, document: htmlDocPtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        _ = htmlNodeDump(buffer, document, node)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    private static func findElement(_ root: xmlNodePtr?, named name: String) -> xmlNodePtr? {
        var stack: [xmlNodePtr] = root.map { [$0] } ?? []
        while let node = stack.popLast() {
            if node.pointee.type == XML_ELEMENT_NODE, elementName(node) == name { return node }
            var child = node.pointee.last
            while let each = child {
                stack.append(each)
                child = each.pointee.prev
            }
        }
        return nil
    }

    /// The first element, in document order, that starts a quoted history.
    private static func firstMarker(in body: xmlNodePtr) -> (xmlNodePtr, String)? {
        var stack: [xmlNodePtr] = []
        var child = body.pointee.last
        while let each = child {
            stack.append(each)
            child = each.pointee.prev
        }
        while let node = stack.popLast() {
            if node.pointee.type == XML_ELEMENT_NODE, let found = marker(node) { return found }
            var inner = node.pointee.last
            while let each = inner {
                stack.append(each)
                inner = each.pointee.prev
            }
        }
        return nil
    }

    private static func marker(_ node: xmlNodePtr) -> (xmlNodePtr, String)? {
        let name = elementName(node)
        let classes = (attribute(node, "class") ?? "").split(separator: " ").map { $0.lowercased() }
        let id = attribute(node, "id")?.lowercased()
        if name == "div", classes.contains("gmail_quote") || classes.contains("gmail_quote_container") {
            return (node, "gmail-quote")
        }
        if name == "div", classes.contains("moz-cite-prefix") { return (node, "thunderbird-cite") }
        if name == "blockquote", attribute(node, "type")?.lowercased() == "cite" {
            return (node, "blockquote-cite")
        }
        if id == "appendonsend" { return (node, "outlook-appendonsend") }
        if id == "divrplyfwdmsg" {
            // Outlook on the web draws an <hr> just before the header block: part of the history.
            var previous = node.pointee.prev
            while let each = previous, each.pointee.type != XML_ELEMENT_NODE { previous = each.pointee.prev }
            if let rule = previous, elementName(rule) == "hr" { return (rule, "outlook-reply-header") }
            return (node, "outlook-reply-header")
        }
        if name == "div", let style = attribute(node, "style")?.lowercased().filter({ !$0.isWhitespace }),
           style.contains("border-top:solid") || style.contains("border-top:1pxsolid") {
            return (node, "outlook-separator")
        }
        return nil
    }

    private static func elementName(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { herald_xml_free(value) }
        return String(cString: value)
    }
}
