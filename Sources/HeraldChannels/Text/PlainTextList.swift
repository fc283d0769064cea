import HeraldDocument

/// A list as plain lines, shared by the SMS and WhatsApp renderers: `- ` or `N. ` markers (ordered
/// lists count from their start), an item's later lines aligned under its text, so nested lists
/// indent by their parent's marker width. An empty item is its marker alone.
enum PlainTextList {
    static func render(_ list: List, blocks render: (Block) -> String) -> String {
        var lines: [String] = []
        var number: Int
        if case .ordered(let start) = list.kind { number = start } else { number = 0 }
        for item in list.items {
            let marker: String
            if case .ordered = list.kind {
                marker = "\(number). "
                number += 1
            } else {
                marker = "- "
            }
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
