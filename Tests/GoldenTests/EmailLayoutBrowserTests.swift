import Foundation
import Herald
import HeraldTestSupport
import Testing

/// The email HTML as a reader sees it in Chromium, in a desktop client's 600 px column and on a
/// 375 px phone: words and numbers in table cells never break, only overlong unbroken strings
/// (URLs, tracking numbers) wrap, and the page never scrolls sideways — a table too wide for a
/// phone scrolls inside its own box.
@Suite struct EmailLayoutBrowserTests {
    static let widths = [600, 375]

    static func html(_ markdown: String) throws -> String {
        Herald.renderEmail(try Draft.markdown(Array(markdown.utf8))).html
    }

    @Test(arguments: ["tables", "spanish"])
    func aSampleBreaksNoWordOrNumber(_ sample: String) throws {
        let markdown = try String(contentsOf: ExternalEmailTools.repository.appendingPathComponent("Samples/\(sample)/input.md"), encoding: .utf8)
        let reports = try BrowserLayout.layout(of: try Self.html(markdown), widths: Self.widths)
        for width in Self.widths {
            let report = try #require(reports[width])
            #expect(report.broken == [], "\(width) px")
            // "129,30 €" on one line, not "129,30" above "€".
            #expect(report.splitNumbers == [], "\(width) px")
            #expect(report.pageWidth <= report.viewport, "\(width) px: the page is \(report.pageWidth) px wide")
        }
    }

    @Test func onlyOverlongStringsWrap() throws {
        let url = "https://tracking.example-logistics.com/v2/shipments/track/details?trackingNumber=JJD000390007654321987"
        let markdown = """
            The form is Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft, and the link \(url) is long.

            | Item | Tracking | Total |
            | :--- | :------- | ----: |
            | Merino wool hiking socks | \(url) | $1,049.00 |
            | Jacket | JJD000390007654321987000123456789DE | $149.00 |
            """
        let reports = try BrowserLayout.layout(of: try Self.html(markdown), widths: Self.widths)
        for width in Self.widths {
            let report = try #require(reports[width])
            #expect(report.broken == [], "\(width) px")
            #expect(report.wrapped.contains(url), "\(width) px: \(report.wrapped)")
            #expect(report.pageWidth <= report.viewport, "\(width) px: the page is \(report.pageWidth) px wide")
        }
    }
}
