import Foundation

/// The Mustache tags of a text with their lines: what lint checks variables against and what
/// errors point at. Herald's templates use values, sections, inverted sections and comments;
/// partials, inheritance, delimiter changes and pragmas are refused here, before swift-mustache
/// would silently render them as nothing.
struct MustacheTag: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case value, section, invertedSection, close, comment
    }

    var kind: Kind
    /// The variable (`order.id`, `.`), without any transform.
    var name: String
    /// `empty` for `{{^empty(items)}}`.
    var transform: String?
    /// The tag's content as written, which a closing tag must repeat.
    var written: String
    /// The line within the scanned text, from 1.
    var line: Int

    static let transforms = ["empty", "count", "first", "last", "reversed"]
    static let maximumSectionDepth = 32

    var path: [String] { name == "." ? [] : name.split(separator: ".").map(String.init) }

    /// Every tag of `text`; `firstLine` is the file line of the text's first line.
    static func scan(_ text: String, file: String, firstLine: Int) throws -> [MustacheTag] {
        var tags: [MustacheTag] = []
        var line = firstLine
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            line += rest[..<open.lowerBound].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            var inner = rest[open.upperBound...]
            let triple = inner.first == "{"
            if triple { inner = inner.dropFirst() }
            guard let close = inner.range(of: triple ? "}}}" : "}}") else {
                throw TemplateError(file: file, line: line, message: "a tag opened with {{ is never closed with }}")
            }
            let content = inner[..<close.lowerBound]
            let startLine = line
            line += content.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            rest = inner[close.upperBound...]
            let sigil = triple ? "&" : content.first.map(String.init) ?? ""
            let body = (triple ? content : (["#", "^", "/", "!", "&", ">", "<", "$", "=", "%"].contains(sigil) ? content.dropFirst() : content))
                .trimmingCharacters(in: .whitespaces)
            let kind: MustacheTag.Kind
            switch sigil {
            case "#": kind = .section
            case "^": kind = .invertedSection
            case "/": kind = .close
            case "!": kind = .comment
            case ">", "<":
                throw TemplateError(file: file, line: startLine, message: "{{\(sigil)\(body)}}: Herald templates have no partials; shared text (header, footer) belongs in the layout")
            case "$":
                throw TemplateError(file: file, line: startLine, message: "{{$\(body)}}: Herald templates have no blocks; use the layout for shared parts")
            case "=":
                throw TemplateError(file: file, line: startLine, message: "{{=...=}}: Herald templates keep the {{ }} delimiters")
            case "%":
                throw TemplateError(file: file, line: startLine, message: "{{%\(body)}}: pragmas are not used; Herald decides the escaping itself")
            default: kind = .value
            }
            var name = body
            var transform: String?
            if kind != .comment, let open = body.firstIndex(of: "("), body.hasSuffix(")") {
                // swift-mustache's transforms: only those about lists make sense here, because
                // values are placeholders until after Mustache (uppercased() would see those).
                let function = String(body[..<open])
                guard Self.transforms.contains(function) else {
                    throw TemplateError(file: file, line: startLine, message: "{{\(content)}}: the transform \(function)() is not available; Herald templates take \(Self.transforms.map { "\($0)()" }.joined(separator: ", ")) on lists (text is filled in after Mustache, so text transforms cannot see it)")
                }
                transform = function
                name = String(body[body.index(after: open)..<body.index(before: body.endIndex)]).trimmingCharacters(in: .whitespaces)
            }
            if kind != .comment {
                guard !name.isEmpty, name == "." || name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ part in
                    !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                }) else {
                    throw TemplateError(file: file, line: startLine, message: "'{{\(content)}}' does not name a variable; expected {{name}}, {{order.id}}, {{#items}}...{{/items}}, {{^empty(items)}}")
                }
            }
            tags.append(MustacheTag(kind: kind, name: name, transform: transform, written: body, line: startLine))
        }
        try checkNesting(tags, file: file)
        return tags
    }

    private static func checkNesting(_ tags: [MustacheTag], file: String) throws {
        var open: [MustacheTag] = []
        for tag in tags {
            switch tag.kind {
            case .section, .invertedSection:
                // swift-mustache parses sections recursively: a few hundred levels overflow the
                // stack, and no message needs more than a handful.
                guard open.count < maximumSectionDepth else {
                    throw TemplateError(file: file, line: tag.line, message: "sections are nested more than \(maximumSectionDepth) deep here; flatten them")
                }
                open.append(tag)
            case .close:
                guard let last = open.popLast() else {
                    throw TemplateError(file: file, line: tag.line, message: "{{/\(tag.written)}} closes a section that was never opened")
                }
                guard last.written == tag.written else {
                    throw TemplateError(file: file, line: tag.line, message: "{{/\(tag.written)}} closes {{#\(last.written)}} (line \(last.line)); close that one first")
                }
            case .value, .comment: break
            }
        }
        if let unclosed = open.last {
            throw TemplateError(file: file, line: unclosed.line, message: "{{#\(unclosed.written)}} is never closed; end it with {{/\(unclosed.written)}}")
        }
    }
}
