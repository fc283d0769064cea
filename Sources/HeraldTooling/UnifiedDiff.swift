import Foundation
import Herald

/// A unified diff of two texts by lines (`diff -u` style, three lines of context), for golden
/// mismatches: what a person reads in CI to see what changed.
enum UnifiedDiff {
    /// Inputs longer than this many lines are compared by their first difference only, so a
    /// diff never costs more than a few million steps.
    static let maximumLines = 4000
    static let maximumOutputLines = 200

    static func text(expected: String, actual: String, expectedName: String, actualName: String) -> String {
        // Messages end their lines with CRLF; a CR shown raw would garble a terminal.
        let expected = expected.replacingOccurrences(of: "\r\n", with: "\n")
        let actual = actual.replacingOccurrences(of: "\r\n", with: "\n")
        if expected == actual { return "the files differ in their line ends (CRLF against LF)" }
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines = ["--- \(expectedName)", "+++ \(actualName)"]
        let edits = operations(old, new)
        // Group the edits into hunks with three lines of context around each change.
        let changed = edits.indices.filter { edits[$0].kind != .same }
        guard !changed.isEmpty else { return "the files differ only in their final bytes" }
        var hunks: [Range<Int>] = []
        for index in changed {
            let range = max(0, index - 3)..<min(edits.count, index + 4)
            if let last = hunks.last, range.lowerBound <= last.upperBound {
                hunks[hunks.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                hunks.append(range)
            }
        }
        for hunk in hunks {
            let slice = edits[hunk]
            let oldStart = (slice.first?.oldLine ?? 0) + 1
            let newStart = (slice.first?.newLine ?? 0) + 1
            let oldCount = slice.filter { $0.kind != .insert }.count
            let newCount = slice.filter { $0.kind != .delete }.count
            lines.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for edit in slice {
                switch edit.kind {
                case .same: lines.append(" " + edit.text)
                case .delete: lines.append("-" + edit.text)
                case .insert: lines.append("+" + edit.text)
                }
            }
        }
        if lines.count > maximumOutputLines {
            lines = Array(lines.prefix(maximumOutputLines)) + ["... (\(lines.count - maximumOutputLines) more diff lines)"]
        }
        return lines.joined(separator: "\n")
    }

    struct Edit {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: String
        /// Position in the old and new texts where this edit stands (0-based).
        var oldLine: Int
        var newLine: Int
    }

    /// The edit script by longest common subsequence, after trimming the common head and tail.
    static func operations(_ old: [String], _ new: [String]) -> [Edit] {
        var prefix = 0
        while prefix < old.count && prefix < new.count && old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix && suffix < new.count - prefix && old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        var edits: [Edit] = (0..<prefix).map { Edit(kind: .same, text: old[$0], oldLine: $0, newLine: $0) }
        if a.count > maximumLines || b.count > maximumLines {
            edits += a.enumerated().map { Edit(kind: .delete, text: $0.element, oldLine: prefix + $0.offset, newLine: prefix) }
            edits += b.enumerated().map { Edit(kind: .insert, text: $0.element, oldLine: prefix + a.count, newLine: prefix + $0.offset) }
        } else {
            // lengths[i][j]: LCS of a[i...] and b[j...].
            var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
                }
            }
            var i = 0, j = 0
            while i < a.count || j < b.count {
                if i < a.count && j < b.count && a[i] == b[j] {
                    edits.append(Edit(kind: .same, text: a[i], oldLine: prefix + i, newLine: prefix + j))
                    i += 1; j += 1
                } else if i < a.count && (j == b.count || lengths[i + 1][j] >= lengths[i][j + 1]) {
                    // Deletions first, as diff -u shows them.
                    edits.append(Edit(kind: .delete, text: a[i], oldLine: prefix + i, newLine: prefix + j))
                    i += 1
                } else {
                    edits.append(Edit(kind: .insert, text: b[j], oldLine: prefix + i, newLine: prefix + j))
                    j += 1
                }
            }
        }
        let tailOld = old.count - suffix, tailNew = new.count - suffix
        edits += (0..<suffix).map { Edit(kind: .same, text: old[tailOld + $0], oldLine: tailOld + $0, newLine: tailNew + $0) }
        return edits
    }
}
