import Foundation
import HeraldDocument
import Testing

/// Malformed, deep and large input gives a model, never a crash: the text is always kept.
/// (Linear time is measured by Benchmarks/HTMLReaderBenchmark, not timed here.)
@Suite struct HTMLReaderRobustnessTests {
    func blocks(_ html: String) -> [Block] {
        HTMLReader().read(html).document.blocks
    }

    @Test func unclosedAndMisnestedTags() {
        #expect(blocks("<p>one<p>two<b>bold<i>both</b>after") == [
            .paragraph(Paragraph([.text("one")])),
            .paragraph(Paragraph([.text("two"), .marked(.bold, [.text("bold"), .marked(.italic, [.text("both")])]), .text("after")])),
        ])
        #expect(blocks("</p>stray</p><ul><li>a<li>b</ul></div></table>end") == [
            .paragraph(Paragraph([.text("stray")])),
            .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.text("a")]))]), ListItem([.paragraph(Paragraph([.text("b")]))])])),
            .paragraph(Paragraph([.text("end")])),
        ])
    }

    @Test func structureOutsideItsParentIsKeptAsText() {
        // Cells without a table, items without a list, a row directly in the body.
        #expect(blocks("<td>cell</td><li>item</li><tr><th>head</th></tr>") == [
            .paragraph(Paragraph([.text("cell")])), .paragraph(Paragraph([.text("item")])), .paragraph(Paragraph([.text("head")])),
        ])
        // Text between rows goes before the table rather than being lost.
        #expect(blocks("<table><tr>loose<td>c</td></tr></table>") == [
            .paragraph(Paragraph([.text("loose")])),
            .table(Table(columns: [nil], header: [], rows: [[TableCell([.text("c")])]])),
        ])
    }

    @Test(arguments: ["div", "b", "span", "blockquote", "ul", "table"])
    func tenThousandLevelsKeepTheText(_ element: String) {
        let open: String
        let close: String
        switch element {
        case "ul": (open, close) = ("<ul><li>", "</li></ul>")
        case "table": (open, close) = ("<table><tr><td>", "</td></tr></table>")
        default: (open, close) = ("<\(element)>", "</\(element)>")
        }
        let depth = 10_000
        let html = "<p>start</p>" + String(repeating: open, count: depth) + "deep text" + String(repeating: close, count: depth) + "<p>after</p>"
        let reader = HTMLReader(maximumNesting: 16)
        let document = reader.read(html).document
        let text = Self.plainText(of: document.blocks)
        #expect(text == ["start", "deep text", "after"])
        // Flattened: nothing deeper than the reader's limit reaches the model.
        #expect(Self.depth(of: document.blocks) <= 16 + 1)
    }

    @Test func libxml2sOwnDepthLimitDoesNotCutTheText() {
        // Without XML_PARSE_HUGE libxml2 stops at 256 levels and everything after is lost.
        let html = String(repeating: "<div>", count: 300) + "deep" + String(repeating: "</div>", count: 300) + "<p>after</p>"
        #expect(Self.plainText(of: blocks(html)) == ["deep", "after"])
    }

    @Test func fiveMegabytesOfEditorHTML() {
        let unit = "<p>Paragraph with <b>bold</b>, <i>italic</i> and a <a href=\"https://example.com/x\">link</a>.</p><ul><li>item</li></ul>"
        let count = 5 * 1024 * 1024 / unit.utf8.count + 1
        let html = String(repeating: unit, count: count)
        #expect(html.utf8.count >= 5 * 1024 * 1024)
        let document = HTMLReader().read(html).document
        // One paragraph and one list per unit; libxml2 does not merge adjacent lists.
        #expect(document.blocks.count == 2 * count)
        #expect(document.blocks.last == .list(List(kind: .bullet, items: [ListItem([.paragraph(Paragraph([.text("item")]))])])))
    }

    @Test func fiveMegabytesOfOneUnclosedTag() {
        let html = "<b>" + String(repeating: "x", count: 5 * 1024 * 1024)
        #expect(blocks(html) == [.paragraph(Paragraph([.marked(.bold, [.text(String(repeating: "x", count: 5 * 1024 * 1024))])]))])
    }

    @Test func emptyAndNonsenseInput() {
        #expect(blocks("") == [])
        #expect(blocks("<") == [.paragraph(Paragraph([.text("<")]))])
        #expect(blocks("<<<>>>&&&;;") == [.paragraph(Paragraph([.text("<<<>>>&&&;;")]))])
        #expect(blocks("<!DOCTYPE html><html><head><title>t</title></head><body></body></html>") == [])
    }

    /// The texts of the leaf paragraphs, in order.
    static func plainText(of blocks: [Block]) -> [String] {
        var result: [String] = []
        var pending: [Block] = blocks.reversed()
        while let block = pending.popLast() {
            switch block {
            case .paragraph(let paragraph): result.append(paragraph.content.plainText)
            case .heading(let heading): result.append(heading.content.plainText)
            case .blockQuote(let inner): pending.append(contentsOf: inner.reversed())
            case .list(let list): pending.append(contentsOf: list.items.flatMap(\.blocks).reversed())
            case .table(let table): result.append(contentsOf: (table.header + table.rows.flatMap { $0 }).map(\.content.plainText))
            case .codeBlock(let code): result.append(code.code)
            case .horizontalRule: break
            }
        }
        return result
    }

    /// Container nesting plus mark nesting, the deepest anywhere.
    static func depth(of blocks: [Block]) -> Int {
        var deepest = 0
        var pending: [(Block, Int)] = blocks.map { ($0, 1) }
        func inlineDepth(_ inlines: [Inline]) -> Int {
            var deepest = 0
            var stack: [([Inline], Int)] = [(inlines, 0)]
            while let (content, level) = stack.popLast() {
                deepest = max(deepest, level)
                for inline in content {
                    switch inline {
                    case .marked(_, let inner): stack.append((inner, level + 1))
                    case .link(let link): stack.append((link.content, level + 1))
                    default: break
                    }
                }
            }
            return deepest
        }
        while let (block, level) = pending.popLast() {
            deepest = max(deepest, level)
            switch block {
            case .paragraph(let paragraph): deepest = max(deepest, level + inlineDepth(paragraph.content))
            case .heading(let heading): deepest = max(deepest, level + inlineDepth(heading.content))
            case .blockQuote(let inner): pending.append(contentsOf: inner.map { ($0, level + 1) })
            case .list(let list): pending.append(contentsOf: list.items.flatMap(\.blocks).map { ($0, level + 1) })
            case .table, .codeBlock, .horizontalRule: break
            }
        }
        return deepest
    }
}

/// The inputs that make libxml2's end-tag search quadratic (HTMLDepthLimiter) keep their text.
@Suite struct HTMLReaderHostileNestingTests {
    @Test func misnestedTablesListsAndStrayEndTagsKeepEveryWord() {
        let unit = "<p><b><i>one</b> two</i><ul><li>three</p><td>four</li></ul></table>"
        let html = String(repeating: unit, count: 3_000)
        let text = HTMLReaderRobustnessTests.plainText(of: HTMLReader().read(html).document.blocks).joined(separator: " ")
        // Words may run together where libxml2 puts the cell text next to the next paragraph;
        // each must be there as often as it was written.
        for word in ["one", "two", "three", "four"] {
            #expect(text.components(separatedBy: word).count - 1 == 3_000, "\(word)")
        }
    }

    @Test func deepSpansThenStrayEndTagsKeepTheText() {
        let html = String(repeating: "<span>", count: 20_000) + "middle" + String(repeating: "</i>", count: 20_000) + "end"
        #expect(HTMLReaderRobustnessTests.plainText(of: HTMLReader().read(html).document.blocks) == ["middleend"])
    }

    @Test func longSloppyDocumentsKeepTheirStructure() {
        // Thousands of unclosed paragraphs, items and cells are siblings, not nesting: the
        // depth pass must not take them for deep input and strip their markup.
        let paragraphs = String(repeating: "<p><b>bold</b> text", count: 2_000)
        #expect(HTMLReader().read(paragraphs).document.blocks == Array(repeating: .paragraph(Paragraph([.marked(.bold, [.text("bold")]), .text(" text")])), count: 2_000))
        let list = "<ul>" + String(repeating: "<li><i>item</i>", count: 2_000) + "</ul>"
        #expect(HTMLReader().read(list).document.blocks == [
            .list(List(kind: .bullet, items: Array(repeating: ListItem([.paragraph(Paragraph([.marked(.italic, [.text("item")])]))]), count: 2_000))),
        ])
        let table = "<table>" + String(repeating: "<tr><td>a<td><u>b</u>", count: 2_000) + "</table>"
        #expect(HTMLReader().read(table).document.blocks == [
            .table(Table(columns: [nil, nil], header: [], rows: Array(repeating: [TableCell([.text("a")]), TableCell([.marked(.underline, [.text("b")])])], count: 2_000))),
        ])
    }

    @Test func scriptContentIsNotMistakenForTags() {
        // The depth pass skips script content; the script still goes, the text after stays.
        let reading = HTMLReader().read("<p>a<script>if (x</i>) { document.write('</p><b>') }</script>b</p>")
        #expect(reading.document.blocks == [.paragraph(Paragraph([.text("ab")]))])
    }

    @Test func spansCannotMultiplyATableAndCutCellsKeepTheirText() {
        // A huge colspan counts for 32 columns; the next cell's text is still there.
        guard case .table(let spanned)? = HTMLReader().read("<table><tr><td colspan=\"99999999999\">c</td><td>d</td></tr></table>").document.blocks.first else {
            Issue.record("expected a table")
            return
        }
        #expect(spanned.columns.count == 33)
        #expect(spanned.rows.first?.first == TableCell([.text("c")]) && spanned.rows.first?.last == TableCell([.text("d")]))

        // 2,000 rows under one row 32 columns wide would be 64,000 cells: the table is narrowed
        // to stay within 10,000, and the cut cells' text joins the last kept one.
        let rows = "<tr>" + (1...32).map { "<td>c\($0)</td>" }.joined() + "</tr>" + String(repeating: "<tr><td>x</td></tr>", count: 1999)
        guard case .table(let wide)? = HTMLReader().read("<table>\(rows)</table>").document.blocks.first else {
            Issue.record("expected a table")
            return
        }
        // 10,000 / (2,000 rows + a header's room) = 4 columns.
        #expect(wide.columns.count == 4 && wide.rows.count == 2000)
        #expect(wide.rows[0].last?.content.plainText == "c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 c20 c21 c22 c23 c24 c25 c26 c27 c28 c29 c30 c31 c32")
        #expect(wide.rows.allSatisfy { $0.count == 4 })
    }

    @Test func theCellBudgetIsTheDocumentsNotEachTables() {
        // 1,500 one-row tables each spanning 32 columns would be 48,000 cells: the document's
        // tables share 10,000, and the later ones are narrowed to one column.
        let html = String(repeating: "<table><tr><td colspan=32>x</td></tr></table>", count: 1500)
        let tables = HTMLReader().read(html).document.blocks.compactMap { block -> Table? in
            if case .table(let table) = block { return table }
            return nil
        }
        #expect(tables.count == 1500)
        #expect(tables.reduce(0) { $0 + $1.columns.count * ($1.rows.count + 1) } <= 10_000 + 2 * 1500)
        #expect(tables.allSatisfy { $0.rows.first?.first == TableCell([.text("x")]) })
    }
}
