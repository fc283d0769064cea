import HeraldDocument

/// A list as plain lines, shared by the SMS and WhatsApp renderers: `- ` or `N. ` markers (ordered
/// lists count from their start), an item's later lines aligned under its text, so nested lists
/// indent by their parent's marker width. An empty item is its marker alone.
enum PlainTextList {
    static func render(_ list: List, blocks render: (Block) -> String) -> String {
        var lines: [String] = []
        for (item, marker) in zip(list.items, list.itemMarkers) {
            let inner = item.blocks.map(render).filter { !$0.isEmpty }.joined(separator: "\n")
            guard !inner.isEmpty else {
                lines.append(marker.trimmingTrailingSpaces())
                continue
            }
            let indent = String(repeating: " ", count: marker.count)
            for (index, line) in inner.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                lines.append(index == 0 ? marker + line : (line.isEmpty ? "" : indent + line))
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension List {
    /// Each item's marker in the text renderings: `- `, or `N. ` counting from the list's start.
    var itemMarkers: [String] {
        guard case .ordered(let start) = kind else { return Array(repeating: "- ", count: items.count) }
        return items.indices.map { "\(start + $0). " }
    }
}
