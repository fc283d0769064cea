import CLibXML2

/// Parses HTML with libxml2's HTML parser and reports what it complained about, plus every
/// element with its attributes: how Herald proves its email HTML is well formed and holds only
/// what it should.
public enum HTMLSyntaxCheck {
    public struct Element: Equatable, Sendable {
        public var name: String
        /// Attributes in document order.
        public var attributes: [(name: String, value: String)]

        public static func == (lhs: Element, rhs: Element) -> Bool {
            lhs.name == rhs.name && lhs.attributes.elementsEqual(rhs.attributes) { $0.name == $1.name && $0.value == $1.value }
        }

        public func attribute(_ name: String) -> String? {
            attributes.first { $0.name == name }?.value
        }
    }

    public struct Report: Sendable {
        /// libxml2's errors and warnings, as "line N: message".
        public var problems: [String]
        public var elements: [Element]
        /// The text content of comments (Outlook conditionals are comments).
        public var comments: [String]
    }

    private final class ProblemCollector {
        var problems: [String] = []
    }

    public static func inspect(_ html: String) -> Report {
        xmlInitParser()
        let collector = ProblemCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        xmlSetStructuredErrorFunc(context) { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ProblemCollector>.fromOpaque(userData).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown problem"
            collector.problems.append("line \(error.pointee.line): \(message.trimmingASCIIWhitespace())")
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }

        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let bytes = Array(html.utf8)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                htmlReadMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
        }
        var report = Report(problems: collector.problems, elements: [], comments: [])
        guard let document else {
            report.problems.append("libxml2 could not parse the document at all")
            return report
        }
        defer { xmlFreeDoc(document) }
        collect(xmlDocGetRootElement(document), into: &report)
        report.problems = collector.problems
        return report
    }

    /// Walks the tree iteratively (documents may be deep).
    private static func collect(_ root: xmlNodePtr?, into report: inout Report) {
        var stack: [xmlNodePtr] = []
        if let root { stack.append(root) }
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                var element = Element(name: String(cString: node.pointee.name), attributes: [])
                var attribute = node.pointee.properties
                while let current = attribute {
                    let name = String(cString: current.pointee.name)
                    var value = ""
                    if let text = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                        value = String(cString: text)
                        herald_xml_free(text)
                    }
                    element.attributes.append((name, value))
                    attribute = current.pointee.next
                }
                report.elements.append(element)
            case XML_COMMENT_NODE:
                if let content = node.pointee.content { report.comments.append(String(cString: content)) }
            default:
                break
            }
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let current = child {
                children.append(current)
                child = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
    }
}
