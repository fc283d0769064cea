import CLibXML2
import Foundation

/// Whether an SVG could run script when a recipient opens it in a browser, read as the browser
/// reads it: as XML, with libxml2. A byte search misses `<svg onload=...>`, a script element in
/// another namespace (`<h:script xmlns:h="http://www.w3.org/1999/xhtml">`), a `javascript:` URL
/// written with character references, and whatever an internal DTD entity hides.
///
/// libxml2 reads with no network (XML_PARSE_NONET), no external DTD, no entity substitution and
/// no XInclude, so nothing outside the file is fetched and what is checked is what is written.
/// Refused: a file libxml2 cannot parse; a root other than `<svg>`; a DOCTYPE that declares
/// entities or default attributes (either can hide a script from a reader of the elements);
/// a reference to an entity that is not XML's own; an `xml-stylesheet` instruction (a
/// stylesheet or XSLT can bring script); any element named `script` or `foreignObject` (HTML
/// inside the image), in any namespace; any attribute named `on...` (an event handler); any
/// attribute value that holds a `javascript:` or `vbscript:` URL once de-obfuscated as
/// `SafeURL` does (white space, controls and invisible characters dropped, case folded).
enum SVGScriptCheck {
    /// Why the SVG is refused, or nil when it is safe to carry.
    static func problem(in bytes: [UInt8]) -> String? {
        guard bytes.count < Int(Int32.max) else { return "it is too large for libxml2 to read" }
        xmlInitParser()
        let collector = ErrorCollector()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque()) { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            // The fatal error is the one that stopped the parse; say that one.
            guard collector.first == nil, error.pointee.level == XML_ERR_FATAL else { return }
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
            collector.first = "line \(error.pointee.line): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReadMemory(chars.baseAddress, Int32(chars.count), "attachment.svg", nil, options)
            }
        }
        guard let document else {
            return "it is an SVG image libxml2 cannot read as XML (\(collector.first ?? "no document"))"
        }
        defer { xmlFreeDoc(document) }
        if let subset = document.pointee.intSubset, let declaration = declarationProblem(subset) { return declaration }
        guard let root = xmlDocGetRootElement(document), localName(root).lowercased() == "svg" else {
            return "its root element is not <svg>"
        }
        return treeProblem(document)
    }

    private final class ErrorCollector {
        var first: String?
    }

    /// The local part of a node's name: libxml2 keeps a prefix whose namespace is not declared
    /// (`h:script`) in the name itself.
    private static func localName(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        let full = String(cString: name)
        return full.split(separator: ":").last.map(String.init) ?? full
    }

    private static func localName(_ attribute: xmlAttrPtr) -> String {
        guard let name = attribute.pointee.name else { return "" }
        let full = String(cString: name)
        return full.split(separator: ":").last.map(String.init) ?? full
    }

    private static func declarationProblem(_ subset: xmlDtdPtr) -> String? {
        var child = subset.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ENTITY_DECL:
                return "its DOCTYPE declares the entity \(node.pointee.name.map { String(cString: $0) } ?? "?"), which can hide a script"
            case XML_ATTRIBUTE_DECL:
                return "its DOCTYPE declares default attributes, which can add an event handler"
            default:
                break
            }
            child = node.pointee.next
        }
        return nil
    }

    /// Walks every node (iteratively: SVGs can be deep).
    private static func treeProblem(_ document: xmlDocPtr) -> String? {
        var stack: [xmlNodePtr] = []
        var child = document.pointee.children
        while let node = child {
            stack.append(node)
            child = node.pointee.next
        }
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_PI_NODE where localName(node).lowercased() == "xml-stylesheet":
                return "it has an xml-stylesheet instruction, which can bring a script"
            case XML_ENTITY_REF_NODE:
                return "it refers to the entity &\(localName(node));, which can hide a script"
            case XML_ELEMENT_NODE:
                if let problem = elementProblem(node) { return problem }
            default:
                break
            }
            var child = node.pointee.children
            while let current = child {
                stack.append(current)
                child = current.pointee.next
            }
        }
        return nil
    }

    private static func elementProblem(_ node: xmlNodePtr) -> String? {
        let name = localName(node)
        switch name.lowercased() {
        case "script": return "it is an SVG image that contains a script (<\(qualifiedName(node))>)"
        case "foreignobject": return "it is an SVG image that contains a foreignObject (HTML inside the image can run a script)"
        default: break
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeName = localName(current)
            if attributeName.lowercased().hasPrefix("on") {
                return "it is an SVG image with an event handler (\(attributeName) on <\(name)>)"
            }
            if let text = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                let value = String(cString: text)
                herald_xml_free(text)
                if let scheme = scriptScheme(in: value) {
                    return "it is an SVG image with a \(scheme) URL (\(attributeName) on <\(name)>)"
                }
            }
            attribute = current.pointee.next
        }
        return nil
    }

    private static func qualifiedName(_ node: xmlNodePtr) -> String {
        let name = node.pointee.name.map { String(cString: $0) } ?? ""
        guard let prefix = node.pointee.ns?.pointee.prefix else { return name }
        return String(cString: prefix) + ":" + name
    }

    /// "javascript:" or "vbscript:" when the value holds one once de-obfuscated the way a
    /// browser reads a URL and `SafeURL` cleans one: ASCII white space and controls (which
    /// browsers strip inside a scheme), no-break space and invisible characters dropped, case
    /// folded. Anywhere in the value, not only at its start: `<animate values="0;javascript:...">`
    /// sets a link one list item at a time.
    static func scriptScheme(in value: String) -> String? {
        var cleaned = ""
        for scalar in value.unicodeScalars where !(scalar.value <= 0x20 || (0x7F...0xA0).contains(scalar.value) || isInvisible(scalar)) {
            cleaned.unicodeScalars.append(scalar)
        }
        let lowered = cleaned.lowercased()
        return ["javascript:", "vbscript:"].first { lowered.contains($0) }
    }

    /// Zero-width and bidi-control characters, as `SafeURL` counts them.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0xFEFF: return true
        default: return false
        }
    }
}
