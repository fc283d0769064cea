import Foundation
import HeraldDocument
import Mustache

/// Fills Mustache text with data so that no value can ever become markup.
///
/// Values never pass through the Markdown parser. Mustache fills the template with placeholders
/// — U+E000, the value's number, U+E001 — instead of the values; the Markdown is parsed into a
/// `Document` with the placeholders in it; then each placeholder in the model is replaced by its
/// value as literal text. So `**Bob** <script>` is text in every channel, a value cannot open a
/// list, a table row, a link or a heading, and GFM cannot turn a value into an autolink. Line
/// breaks in a value become line breaks of the model (an address keeps its lines) in body text,
/// and spaces in one-line fields (subject, preheader, parameters), so `x\r\nBcc: y` can never
/// reach a header as a header line.
///
/// In a link or image URL the value is inserted whole when it is the whole URL (or follows
/// `mailto:`/`tel:`), and percent-encoded otherwise (`https://x.example/o/{{id}}`); then the URL
/// is checked against `SafeURL`, and a refused URL is an error naming the variable.
struct SafeFiller {
    /// One placeholder's value and the data path it came from.
    struct Slot {
        var value: String
        var path: String
    }

    private(set) var slots: [Slot] = []
    var file: String
    /// Where each variable is first used, for errors: name → file line.
    let usageLines: [String: Int]

    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    init(file: String, usageLines: [String: Int]) {
        self.file = file
        self.usageLines = usageLines
    }

    // MARK: Data → Mustache context of placeholders

    /// The data as swift-mustache's context: every string and number replaced by a placeholder;
    /// booleans, lists and objects kept so sections and loops still work.
    mutating func context(for data: [String: TemplateValue]) -> [String: Any] {
        var context: [String: Any] = [:]
        for (key, value) in data { context[key] = contextValue(value, path: key) }
        return context
    }

    private mutating func contextValue(_ value: TemplateValue, path: String) -> Any {
        switch value {
        case .string(let text):
            // An empty value renders as nothing and is false for {{#name}}, as authors expect.
            if text.isEmpty { return EmptyValue() }
            return placeholder(for: text, path: path)
        case .number(let text):
            return placeholder(for: text, path: path)
        case .bool(let flag):
            return flag
        case .null:
            return EmptyValue()
        case .list(let items):
            return items.enumerated().map { contextValue($0.element, path: "\(path)[\($0.offset)]") }
        case .object(let fields):
            var object: [String: Any] = [:]
            for (key, field) in fields { object[key] = contextValue(field, path: "\(path).\(key)") }
            return object
        }
    }

    private mutating func placeholder(for value: String, path: String) -> String {
        // A value cannot forge a placeholder: the two marks are not kept in data.
        let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.map { $0 == "\u{E000}" || $0 == "\u{E001}" ? "\u{FFFD}" : $0 }))
        slots.append(Slot(value: cleaned, path: path))
        return "\u{E000}\(slots.count - 1)\u{E001}"
    }

    // MARK: Mustache

    /// Renders Mustache text (already checked by `MustacheTag.scan`); `firstLine` maps the
    /// parser's lines to the file's.
    func render(_ text: String, context: [String: Any], firstLine: Int) throws -> String {
        // A placeholder mark written by the author would be read as a value: refuse it.
        if text.contains(Self.open) || text.contains(Self.close) {
            throw TemplateError(file: file, line: firstLine, message: "the text holds U+E000 or U+E001, which Herald reserves for its placeholders; remove them")
        }
        do {
            return try MustacheTemplate(string: text).render(context)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(file: file, line: firstLine + error.context.lineNumber - 1,
                                message: "the Mustache is not valid (\(error.error)) in \"\(error.context.line.trimmingCharacters(in: .whitespaces))\"")
        }
    }

    // MARK: Placeholders → values

    /// One-line text (subject, preheader, file names, parameters): values inserted as they are,
    /// line breaks and other controls as spaces.
    func substituteLine(_ text: String) -> String {
        Self.oneLine(substitute(text) { $0.value })
    }

    static func oneLine(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.value < 0x20 || scalar.value == 0x7F || scalar == " " || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isSpace {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(scalar)
                lastWasSpace = false
            }
        }
        return String(result).trimmingCharacters(in: .whitespaces)
    }

    private func substitute(_ text: String, _ replacement: (Slot) throws -> String) rethrows -> String {
        guard text.contains(Self.open) else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstIndex(of: Self.open) {
            result += rest[..<start]
            let afterOpen = rest.index(after: start)
            guard let end = rest[afterOpen...].firstIndex(of: Self.close), let index = Int(rest[afterOpen..<end]), slots.indices.contains(index) else {
                // Not one of ours (cannot happen: marks are refused in templates and data).
                result += "\u{FFFD}"
                rest = rest[afterOpen...]
                continue
            }
            result += try replacement(slots[index])
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        return result
    }

    /// The document with every placeholder replaced by its value, as literal text.
    func fill(_ document: Document) throws -> Document {
        Document(blocks: try document.blocks.map(fill))
    }

    private func fill(_ block: Block) throws -> Block {
        switch block {
        case .paragraph(var paragraph):
            paragraph.content = try fill(paragraph.content)
            return .paragraph(paragraph)
        case .heading(var heading):
            heading.content = try fill(heading.content)
            return .heading(heading)
        case .list(var list):
            list.items = try list.items.map { ListItem(try $0.blocks.map(fill)) }
            return .list(list)
        case .table(var table):
            table.header = try table.header.map { TableCell(try fill($0.content)) }
            table.rows = try table.rows.map { try $0.map { TableCell(try fill($0.content)) } }
            return .table(table)
        case .blockQuote(let blocks):
            return .blockQuote(try blocks.map(fill))
        case .codeBlock(var code):
            code.code = substitute(code.code) { $0.value.replacingOccurrences(of: "\r\n", with: "\n") }
            return .codeBlock(code)
        case .horizontalRule:
            return .horizontalRule
        }
    }

    private func fill(_ inlines: [Inline]) throws -> [Inline] {
        var result: [Inline] = []
        func append(_ inline: Inline) {
            if case .text(let new) = inline, case .text(let previous)? = result.last {
                result[result.count - 1] = .text(previous + new)
            } else if case .text(let new) = inline, new.isEmpty {
                return
            } else {
                result.append(inline)
            }
        }
        for inline in inlines {
            switch inline {
            case .text(let text):
                for piece in textPieces(text) { append(piece) }
            case .code(let code):
                append(.code(substitute(code) { Self.oneLine($0.value) }))
            case .lineBreak:
                append(.lineBreak)
            case .marked(let mark, let content):
                let filled = try fill(content)
                if !filled.isEmpty { append(.marked(mark, filled)) }
            case .link(var link):
                link.url = try fillURL(link.url, context: .link)
                link.title = link.title.map(substituteLine)
                link.content = try fill(link.content)
                append(.link(link))
            case .image(var image):
                image.source = try fillURL(image.source, context: .image)
                image.alt = substituteLine(image.alt)
                image.title = image.title.map(substituteLine)
                append(.image(image))
            }
        }
        return result
    }

    /// Text with its values in; a value's line breaks become `.lineBreak`s.
    private func textPieces(_ text: String) -> [Inline] {
        guard text.contains(Self.open) else { return [.text(text)] }
        let filled = substitute(text) { slot in
            // Keep newlines (as U+2028 for a moment) and drop the other controls.
            var value = slot.value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            value = String(String.UnicodeScalarView(value.unicodeScalars.map { scalar in
                scalar == "\n" ? "\u{2028}" : (scalar.value < 0x20 || scalar.value == 0x7F) ? " " : scalar
            }))
            return value
        }
        var pieces: [Inline] = []
        for (index, line) in filled.split(separator: "\u{2028}", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { pieces.append(.lineBreak) }
            if !line.isEmpty { pieces.append(.text(String(line))) }
        }
        return pieces
    }

    /// A URL with its values in, checked against the allow-list.
    func fillURL(_ url: String, context: SafeURL.Context) throws -> String {
        guard url.contains(Self.open) else { return url }
        var usedPaths: [String] = []
        let prefix = url[..<(url.firstIndex(of: Self.open) ?? url.endIndex)].lowercased()
        let whole = url.first == Self.open && url.last == Self.close && url.filter({ $0 == Self.open }).count == 1
        let filled = substitute(url) { slot in
            usedPaths.append(slot.path)
            let value = Self.oneLine(slot.value)
            if whole || ((prefix == "mailto:" || prefix == "tel:") && usedPaths.count == 1) { return value }
            return value.addingPercentEncoding(withAllowedCharacters: Self.urlComponentCharacters) ?? ""
        }
        guard let clean = SafeURL.clean(filled, for: context) else {
            let path = usedPaths.first ?? "?"
            let name = path.split(separator: ".").first.map(String.init)?.split(separator: "[").first.map(String.init) ?? path
            throw TemplateError(file: file, line: usageLines[name],
                                message: "the \(context == .link ? "link" : "image") URL filled from \(path) is '\(filled)', which is not allowed; expected \(SafeURL.allowedSchemes(for: context).map { "\($0):" }.joined(separator: ", "))")
        }
        return clean
    }

    /// Unreserved characters plus `@`, which is safe in paths and reads better in them.
    private static let urlComponentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~@")
}

/// A value that renders as nothing and is false in a section (an empty string or null).
struct EmptyValue: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}
