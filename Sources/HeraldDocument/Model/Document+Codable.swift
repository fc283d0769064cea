// The JSON form of a Document, the body of the future HTTP API. Every element is an object with
// a "type"; marks are types of their own ({"type": "bold", "content": [...]}), so a client
// writes what it means. Decoding checks what the readers guarantee: heading levels 1-6, one
// alignment per table column, and URLs on the SafeURL allow-list.
//
// {"blocks": [
//   {"type": "heading", "level": 1, "align": "center", "content": [{"type": "text", "text": "Hi"}]},
//   {"type": "paragraph", "content": [{"type": "bold", "content": [{"type": "text", "text": "x"}]},
//                                     {"type": "link", "url": "https://e.com", "content": [...]}]},
//   {"type": "list", "ordered": true, "start": 3, "tight": true, "items": [[...blocks...]]},
//   {"type": "table", "columns": ["left", null], "header": [[...inlines...]], "rows": [[[...]]]},
//   {"type": "blockquote", "blocks": [...]}, {"type": "code", "language": "json", "code": "..."},
//   {"type": "rule"}]}

private enum Key: String, CodingKey {
    case type, blocks, content, text, level, align, ordered, start, tight, items
    case columns, header, rows, language, code, url, title, src, alt, width
}

extension Document: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        blocks = try container.decode([Block].self, forKey: .blocks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(blocks, forKey: .blocks)
    }
}

extension Block: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let type = try container.decode(String.self, forKey: .type)
        let align = try container.decodeIfPresent(Alignment.self, forKey: .align)
        switch type {
        case "paragraph":
            self = .paragraph(Paragraph(try container.decode([Inline].self, forKey: .content), alignment: align))
        case "heading":
            let level = try container.decode(Int.self, forKey: .level)
            guard (1...6).contains(level) else {
                throw DecodingError.dataCorruptedError(forKey: .level, in: container,
                    debugDescription: "heading level \(level) is not one of 1 to 6")
            }
            self = .heading(Heading(level: level, try container.decode([Inline].self, forKey: .content), alignment: align))
        case "list":
            let ordered = try container.decodeIfPresent(Bool.self, forKey: .ordered) ?? false
            let start = try container.decodeIfPresent(Int.self, forKey: .start) ?? 1
            let items = try container.decode([[Block]].self, forKey: .items).map(ListItem.init)
            let tight = try container.decodeIfPresent(Bool.self, forKey: .tight) ?? true
            self = .list(List(kind: ordered ? .ordered(start: start) : .bullet, items: items, isTight: tight))
        case "table":
            let columns = try container.decode([ColumnAlignment?].self, forKey: .columns)
            let header = try container.decodeIfPresent([[Inline]].self, forKey: .header) ?? []
            let rows = try container.decode([[[Inline]]].self, forKey: .rows)
            for row in [header] + rows where !row.isEmpty && row.count != columns.count {
                throw DecodingError.dataCorruptedError(forKey: .rows, in: container,
                    debugDescription: "a table row has \(row.count) cells but the table has \(columns.count) columns")
            }
            self = .table(Table(columns: columns, header: header.map(TableCell.init),
                                rows: rows.map { $0.map(TableCell.init) }, alignment: align))
        case "blockquote":
            self = .blockQuote(try container.decode([Block].self, forKey: .blocks))
        case "code":
            self = .codeBlock(CodeBlock(language: try container.decodeIfPresent(String.self, forKey: .language),
                                        code: try container.decode(String.self, forKey: .code)))
        case "rule":
            self = .horizontalRule
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                debugDescription: "unknown block type \"\(type)\"; expected paragraph, heading, list, table, blockquote, code or rule")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .paragraph(let paragraph):
            try container.encode("paragraph", forKey: .type)
            try container.encodeIfPresent(paragraph.alignment, forKey: .align)
            try container.encode(paragraph.content, forKey: .content)
        case .heading(let heading):
            try container.encode("heading", forKey: .type)
            try container.encode(heading.level, forKey: .level)
            try container.encodeIfPresent(heading.alignment, forKey: .align)
            try container.encode(heading.content, forKey: .content)
        case .list(let list):
            try container.encode("list", forKey: .type)
            if case .ordered(let start) = list.kind {
                try container.encode(true, forKey: .ordered)
                try container.encode(start, forKey: .start)
            }
            try container.encode(list.isTight, forKey: .tight)
            try container.encode(list.items.map(\.blocks), forKey: .items)
        case .table(let table):
            try container.encode("table", forKey: .type)
            try container.encodeIfPresent(table.alignment, forKey: .align)
            try container.encode(table.columns, forKey: .columns)
            try container.encode(table.header.map(\.content), forKey: .header)
            try container.encode(table.rows.map { $0.map(\.content) }, forKey: .rows)
        case .blockQuote(let blocks):
            try container.encode("blockquote", forKey: .type)
            try container.encode(blocks, forKey: .blocks)
        case .codeBlock(let code):
            try container.encode("code", forKey: .type)
            try container.encodeIfPresent(code.language, forKey: .language)
            try container.encode(code.code, forKey: .code)
        case .horizontalRule:
            try container.encode("rule", forKey: .type)
        }
    }
}

extension Inline: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let type = try container.decode(String.self, forKey: .type)
        if let mark = Mark(rawValue: type) {
            self = .marked(mark, try container.decode([Inline].self, forKey: .content))
            return
        }
        switch type {
        case "text":
            self = .text(try container.decode(String.self, forKey: .text))
        case "code":
            self = .code(try container.decode(String.self, forKey: .text))
        case "break":
            self = .lineBreak
        case "link":
            let raw = try container.decode(String.self, forKey: .url)
            guard let url = SafeURL.clean(raw, for: .link) else {
                throw DecodingError.dataCorruptedError(forKey: .url, in: container,
                    debugDescription: "link URL \"\(raw)\" is not allowed; use one of \(SafeURL.allowedSchemes(for: .link).joined(separator: ", "))")
            }
            self = .link(Link(url: url, title: try container.decodeIfPresent(String.self, forKey: .title),
                              content: try container.decode([Inline].self, forKey: .content)))
        case "image":
            let raw = try container.decode(String.self, forKey: .src)
            guard let source = SafeURL.clean(raw, for: .image) else {
                throw DecodingError.dataCorruptedError(forKey: .src, in: container,
                    debugDescription: "image URL \"\(raw)\" is not allowed; use one of \(SafeURL.allowedSchemes(for: .image).joined(separator: ", "))")
            }
            self = .image(Image(source: source, alt: try container.decodeIfPresent(String.self, forKey: .alt) ?? "",
                                title: try container.decodeIfPresent(String.self, forKey: .title),
                                width: try container.decodeIfPresent(Int.self, forKey: .width)))
        default:
            let marks = Mark.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                debugDescription: "unknown inline type \"\(type)\"; expected text, code, break, link, image, \(marks)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .code(let text):
            try container.encode("code", forKey: .type)
            try container.encode(text, forKey: .text)
        case .lineBreak:
            try container.encode("break", forKey: .type)
        case .marked(let mark, let content):
            try container.encode(mark.rawValue, forKey: .type)
            try container.encode(content, forKey: .content)
        case .link(let link):
            try container.encode("link", forKey: .type)
            try container.encode(link.url, forKey: .url)
            try container.encodeIfPresent(link.title, forKey: .title)
            try container.encode(link.content, forKey: .content)
        case .image(let image):
            try container.encode("image", forKey: .type)
            try container.encode(image.source, forKey: .src)
            try container.encode(image.alt, forKey: .alt)
            try container.encodeIfPresent(image.title, forKey: .title)
            try container.encodeIfPresent(image.width, forKey: .width)
        }
    }
}
