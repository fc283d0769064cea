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
    /// Where each variable is first used in each file, for errors: name → places, body first.
    let usages: [String: [SourceLocation]]
    /// The template's texts parsed once at load (parsing is most of a fill's cost otherwise).
    let compiled: [String: MustacheTemplate]

    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    init(file: String, usages: [String: [SourceLocation]], compiled: [String: MustacheTemplate] = [:]) {
        self.file = file
        self.usages = usages
        self.compiled = compiled
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
        if let template = compiled[text] { return template.render(context) }
        // A placeholder mark written by the author would be read as a value: refuse it.
        if Self.hasMark(text) {
            throw TemplateError(file: file, line: firstLine, message: "the text holds U+E000 or U+E001, which Herald reserves for its placeholders; remove them")
        }
        return try Self.compile(text, file: file, firstLine: firstLine).render(context)
    }

    /// Parses Mustache text; errors carry the file line.
    static func compile(_ text: String, file: String, firstLine: Int) throws -> MustacheTemplate {
        if Self.hasMark(text) {
            throw TemplateError(file: file, line: firstLine, message: "the text holds U+E000 or U+E001, which Herald reserves for its placeholders; remove them")
        }
        do {
            return try MustacheTemplate(string: text)
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

    /// Plain text (an email's own text part): values inserted as they are, line breaks kept.
    func substituteText(_ text: String) -> String {
        substitute(text) { $0.value }
    }

    static func oneLine(_ text: String) -> String {
        // Most values are already one clean line: keep them as they are.
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20,
           !utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xE2 }), !text.contains("  ") {
            return text
        }
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.value < 0x20 || scalar.value == 0x7F || scalar == " " || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isSpace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `text` holds a placeholder mark; on bytes, because comparing Characters against a
    /// private-use scalar goes through Unicode normalization (most of a fill's time otherwise).
    static func hasMark(_ text: String) -> Bool {
        guard text.utf8.contains(0xEE) else { return false }
        return text.unicodeScalars.contains { $0 == "\u{E000}" || $0 == "\u{E001}" }
    }

    /// `text` with each placeholder (EE 80 80, digits, EE 80 81 in UTF-8) replaced.
    private func substitute(_ text: String, _ replacement: (Slot) throws -> String) rethrows -> String {
        guard text.utf8.contains(0xEE) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 64)
        var bytes = Array(text.utf8)[...]
        while let start = bytes.firstIndex(of: 0xEE) {
            result += bytes[..<start]
            let rest = bytes[start...]
            guard rest.count >= 3, rest[start + 1] == 0x80, rest[start + 2] == 0x80 else {
                result.append(0xEE)
                bytes = bytes[(start + 1)...]
                continue
            }
            var cursor = start + 3
            var index = 0
            while cursor < bytes.endIndex, (0x30...0x39).contains(bytes[cursor]), index < 100_000_000 {
                index = index * 10 + Int(bytes[cursor] - 0x30)
                cursor += 1
            }
            if cursor > start + 3, cursor + 2 < bytes.endIndex, bytes[cursor] == 0xEE, bytes[cursor + 1] == 0x80, bytes[cursor + 2] == 0x81,
               slots.indices.contains(index) {
                result += try replacement(slots[index]).utf8
                bytes = bytes[(cursor + 3)...]
            } else {
                // Not one of ours (cannot happen: marks are refused in templates and data).
                result += "\u{FFFD}".utf8
                bytes = bytes[(start + 3)...]
            }
        }
        result += bytes
        return String(decoding: result, as: UTF8.self)
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
        guard text.utf8.contains(0xEE) else { return [.text(text)] }
        let filled = substitute(text) { slot in
            // Keep line breaks (as U+2028 for a moment: CRLF, CR or LF) and make other controls spaces.
            guard slot.value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return slot.value }
            var value = String.UnicodeScalarView()
            var afterCR = false
            for scalar in slot.value.unicodeScalars {
                if scalar == "\n" && afterCR { afterCR = false; continue }
                afterCR = scalar == "\r"
                if scalar == "\n" || scalar == "\r" {
                    value.append("\u{2028}")
                } else {
                    value.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
                }
            }
            return String(value)
        }
        var pieces: [Inline] = []
        guard filled.utf8.contains(0xE2) else { return filled.isEmpty ? [] : [.text(filled)] }
        for (index, line) in filled.unicodeScalars.split(separator: "\u{2028}", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { pieces.append(.lineBreak) }
            if !line.isEmpty { pieces.append(.text(String(String.UnicodeScalarView(line)))) }
        }
        return pieces
    }

    /// A URL with its values in, checked against the allow-list.
    func fillURL(_ url: String, context: SafeURL.Context) throws -> String {
        guard url.utf8.contains(0xEE) else { return url }
        var usedPaths: [String] = []
        var refused: (path: String, value: String, expected: String)?
        let prefix = url[..<(url.firstIndex(of: Self.open) ?? url.endIndex)].lowercased()
        let whole = url.first == Self.open && url.last == Self.close && url.filter({ $0 == Self.open }).count == 1
        let filled = substitute(url) { slot in
            usedPaths.append(slot.path)
            let value = Self.oneLine(slot.value)
            if whole {
                // A whole mailto: URL from data is held to the same rule: one address, no ?bcc=.
                if value.lowercased().hasPrefix("mailto:"), !Self.isAddrSpec(String(value.dropFirst(7))) {
                    refused = (slot.path, value, "a mailto: URL of one address, like mailto:ana@example.com")
                }
                return value
            }
            // After mailto: or tel: a value is the one address or number, nothing more: a
            // "?bcc=...&body=..." from data would add recipients and text to the customer's reply.
            if prefix == "mailto:" && usedPaths.count == 1 {
                if !Self.isAddrSpec(value) { refused = (slot.path, value, "one email address, like ana@example.com") }
                return value
            }
            if prefix == "tel:" && usedPaths.count == 1 {
                if !value.contains(where: \.isNumber) || !value.allSatisfy({ $0.isASCII && ($0.isNumber || "+-(). ".contains($0)) }) {
                    refused = (slot.path, value, "a phone number: digits, +, -, (, ), . and spaces")
                }
                return value.replacingOccurrences(of: " ", with: "")
            }
            return value.addingPercentEncoding(withAllowedCharacters: Self.urlComponentCharacters) ?? ""
        }
        if let refused {
            throw usageError(of: refused.path, "the value of \(refused.path), '\(refused.value)', is not \(refused.expected) (after \(prefix) in a link)")
        }
        guard let clean = SafeURL.clean(filled, for: context) else {
            let path = usedPaths.first ?? "?"
            throw usageError(of: path, "the \(context == .link ? "link" : "image") URL filled from \(path) is '\(filled)', which is not allowed; expected \(SafeURL.allowedSchemes(for: context).map { "\($0):" }.joined(separator: ", "))")
        }
        return clean
    }

    /// An error at the first use of the variable `path` reads in the file being filled (the
    /// template's or its layout's), else at its first use anywhere: file and line always agree.
    private func usageError(of path: String, _ message: String) -> TemplateError {
        let places = usages[Self.rootName(path)] ?? []
        guard let place = places.first(where: { $0.file == file }) ?? places.first else {
            return TemplateError(file: file, line: nil, message: message)
        }
        return TemplateError(file: place.file, line: place.line, message: message)
    }

    /// `order.items[2].name` → `order`.
    static func rootName(_ path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }

    /// One bare address (`local@domain`): nothing that a header or a mailto: URL would read as
    /// syntax (no spaces, brackets, quotes, commas, semicolons, ?, & or =).
    static func isAddrSpec(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        // Also no invisible or bidi characters (general category Cf) or C1 controls: they would
        // become a different, lookalike domain.
        return !value.unicodeScalars.contains {
            $0.value <= 0x20 || (0x7F...0x9F).contains($0.value) || $0.properties.generalCategory == .format
                || "<>()[],;:\"\\?&=%#/".unicodeScalars.contains($0)
        }
    }

    /// A sender (`Name <address>` or an address) with values in: a value in the display name is
    /// always a quoted display name, never address syntax (`evil@x (` cannot swallow the real
    /// address), and a value in the address must be one bare address.
    func fillSender(_ text: String, location: SourceLocation) throws -> String {
        guard text.utf8.contains(0xEE) else { return text }
        var display = ""
        var address = text.trimmingCharacters(in: .whitespaces)
        if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
            display = String(address[..<open]).trimmingCharacters(in: .whitespaces)
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") { display = String(display.dropFirst().dropLast()) }
        let filledAddress = substituteLine(address)
        if address.utf8.contains(0xEE) && !Self.isAddrSpec(filledAddress) {
            throw location.error("the sender's address became '\(filledAddress)'; a value there must be one email address, like ana@example.com")
        }
        guard !display.isEmpty else { return filledAddress }
        guard display.utf8.contains(0xEE) else { return "\(display) <\(filledAddress)>" }
        let name = substituteLine(display).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(name)\" <\(filledAddress)>"
    }

    /// Unreserved characters plus `@`, which is safe in paths and reads better in them.
    private static let urlComponentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~@")
}

/// A value that renders as nothing and is false in a section (an empty string or null).
struct EmptyValue: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}
