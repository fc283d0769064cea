/// A Markdown file split into its YAML front matter and its body.
///
///     ---
///     name: welcome            ← YAML, from line 2
///     ---
///     Hi {{customer_name}}     ← body, from `bodyLine`
///
/// Without a first line of exactly `---` the file has no front matter: it is a plain document.
struct FrontMatter: Sendable {
    var yaml: String?
    /// The file line of the YAML's first line (2), so YAML marks map back to the file.
    var yamlLine: Int
    var body: String
    /// The file line of the body's first line.
    var bodyLine: Int

    static func split(_ text: String, file: String) throws -> FrontMatter {
        // CRLF files: "\r\n" is one Character, which a split on "\n" would not see.
        var source = Substring(text.contains("\r\n") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text)
        if source.hasPrefix("\u{FEFF}") { source = source.dropFirst() }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        func isFence(_ line: Substring, _ marks: [String]) -> Bool {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            return marks.contains(String(trimmed.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()))
        }
        guard let first = lines.first, isFence(first, ["---"]) else {
            return FrontMatter(yaml: nil, yamlLine: 1, body: String(source), bodyLine: 1)
        }
        guard let close = lines.dropFirst().firstIndex(where: { isFence($0, ["---", "..."]) }) else {
            throw TemplateError(file: file, line: 1, message: "the front matter opened with --- is never closed; end it with a line of ---")
        }
        // Each YAML line keeps its line break, as in the file: a block scalar (`text: |`) that
        // ends the front matter keeps its final newline.
        let yaml = lines[1..<close].map { $0 + "\n" }.joined()
        let body = lines[(close + 1)...].joined(separator: "\n")
        return FrontMatter(yaml: yaml, yamlLine: 2, body: body, bodyLine: close + 2)
    }
}
