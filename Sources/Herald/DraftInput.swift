import Foundation

extension Draft {
    /// Reads the draft an input names, as a command line gives it: a file (a document, editor
    /// HTML or a template filled from `data`), or "-" for `standardInput` (a Markdown document or
    /// editor HTML, never a template: data and a locale need a file). The warnings are the
    /// template's, then what the HTML reader removed (the message is still made, without it).
    public static func read(input: String, data: DataSource?, locale: String?, format: Format?, examplesByDefault: Bool,
                            maximumInputBytes: Int = defaultMaximumInputBytes,
                            standardInput: FileHandle = .standardInput) throws -> (draft: Draft, warnings: [String]) {
        if input == "-" {
            let draft = try read(from: standardInput, named: "standard input", format: format ?? .markdown, maximumInputBytes: maximumInputBytes)
            return (draft, draft.removalWarnings(html: format == .html))
        }
        let url = URL(fileURLWithPath: input)
        let draft = try read(url, data: data, locale: locale, format: format, examplesByDefault: examplesByDefault, maximumInputBytes: maximumInputBytes)
        return (draft, (draft.template?.warnings ?? []) + draft.removalWarnings(html: (format ?? Format.of(url)) == .html))
    }

    /// What the reader took out of the input's HTML (`html`: an editor's HTML, else Markdown's
    /// raw HTML), as one warning; none when nothing was.
    public func removalWarnings(html: Bool) -> [String] {
        removed.isEmpty ? [] : ["removed from the \(html ? "HTML" : "Markdown"): \(removed.map(\.summary).joined(separator: ", "))"]
    }
}
