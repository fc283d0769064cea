import HeraldDocument

/// A table as plain text: aligned columns under a dashed rule when it fits the width, or one
/// block of `Header: value` lines per row when it does not (a wide table never wraps mid-row).
struct TextTableLayout {
    let table: Table
    let inlineText: ([Inline]) -> String
    static let gap = "  "

    func lines(width: Int) -> [String] {
        let header = table.header.map(cellText)
        let rows = table.rows.map { $0.map(cellText) }
        let columnCount = table.columns.count
        var widths = Array(repeating: 0, count: columnCount)
        for row in [header] + rows {
            for (column, text) in row.enumerated() where column < columnCount {
                widths[column] = max(widths[column], DisplayWidth.of(text))
            }
        }
        let total = widths.reduce(0, +) + Self.gap.count * max(columnCount - 1, 0)
        if total <= width {
            return columns(header: header, rows: rows, widths: widths)
        }
        return rowBlocks(header: header, rows: rows, width: width)
    }

    private func cellText(_ cell: TableCell) -> String {
        let text = inlineText(cell.content)
        // Almost every cell is one line: no array of lines to split and join again.
        guard text.utf8.contains(0x0A) else { return text }
        return TextBlockLayout.splitLines(text).filter { !$0.isEmpty }.joined(separator: " ")
    }

    private func columns(header: [String], rows: [[String]], widths: [Int]) -> [String] {
        var lines: [String] = []
        if !header.isEmpty {
            lines.append(line(header, widths: widths))
            lines.append(widths.map { Self.dashes($0) }.joined(separator: Self.gap))
        }
        for row in rows { lines.append(line(row, widths: widths)) }
        return lines
    }

    /// One row as a line, appended piece by piece to one String (no array of padded cells).
    private func line(_ cells: [String], widths: [Int]) -> String {
        var line = ""
        line.reserveCapacity(widths.reduce(0, +) + Self.gap.utf8.count * widths.count + 16)
        for (column, width) in widths.enumerated() {
            if column > 0 { line += Self.gap }
            let text = cells[safe: column] ?? ""
            let free = max(width - DisplayWidth.of(text), 0)
            switch table.columns[column] {
            case .right?:
                line += TextBlockLayout.spaces(free)
                line += text
            case .center?:
                line += TextBlockLayout.spaces(free / 2)
                line += text
                line += TextBlockLayout.spaces(free - free / 2)
            default:
                line += text
                line += TextBlockLayout.spaces(free)
            }
        }
        return line
    }

    /// A rule of `count` dashes, written as bytes: `String(repeating:count:)` with a String
    /// costs thousands of instructions a call.
    static func dashes(_ count: Int) -> String {
        String(unsafeUninitializedCapacity: max(count, 0)) { buffer in
            buffer.initialize(repeating: 0x2D)
            return buffer.count
        }
    }

    private func rowBlocks(header: [String], rows: [[String]], width: Int) -> [String] {
        var lines: [String] = []
        let wrapper = LineWrapper(width: max(width - 2, 10))
        for row in rows {
            if !lines.isEmpty { lines.append("") }
            for (column, value) in row.enumerated() {
                let label = header[safe: column].flatMap { $0.isEmpty ? nil : $0 } ?? "Column \(column + 1)"
                let wrapped = wrapper.wrap(label + ": " + value)
                lines.append(wrapped[0])
                lines.append(contentsOf: wrapped.dropFirst().map { "  " + $0 })
            }
        }
        return lines
    }
}
