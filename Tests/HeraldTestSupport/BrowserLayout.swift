import Foundation

/// How headless Chromium lays out an email at a given width (`Tests/HeraldTestSupport/Scripts/layout-check.js`):
/// words of data-table cells broken across lines, overlong strings that wrapped, and whether the
/// page scrolls sideways. Chromium runs with a profile in a temporary folder.
public enum BrowserLayout {
    public struct Report: Decodable, Equatable, Sendable {
        /// Words of data-table cells split across lines.
        public var broken: [String]
        /// Overlong strings (in `word-break:break-all` spans) that wrapped.
        public var wrapped: [String]
        /// Data-table cells holding only a number ("129,30 €") that take more than one line.
        public var splitNumbers: [String]
        public var pageWidth: Int
        public var viewport: Int
    }

    /// The report for each of `widths`.
    public static func layout(of html: String, widths: [Int]) throws -> [Int: Report] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = try String(contentsOf: ExternalEmailTools.repository.appendingPathComponent("Tests/HeraldTestSupport/Scripts/layout-check.js"), encoding: .utf8)
        let email = String(decoding: try JSONEncoder().encode(html), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        let page = "<!DOCTYPE html><html><body style=\"margin:0\"><script>var EMAIL = \(email);\nvar WIDTHS = \(widths);\n\(script)</script></body></html>"
        let pageFile = folder.appendingPathComponent("page.html")
        try Data(page.utf8).write(to: pageFile)
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ExternalEmailTools.ToolError(description: "chromium is not installed (apt-get install chromium; it is in .ci/packages.txt)")
        }
        let result = try ExternalEmailTools.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--dump-dom", pageFile.absoluteString,
        ])
        var reports: [Int: Report] = [:]
        for width in widths {
            let marker = "<pre id=\"herald-layout-\(width)\">"
            guard let start = result.stdout.range(of: marker), let end = result.stdout[start.upperBound...].range(of: "</pre>") else {
                throw ExternalEmailTools.ToolError(description: "Chromium gave no layout for \(width) px: \(result.stderr.suffix(500))")
            }
            let json = result.stdout[start.upperBound..<end.lowerBound]
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            reports[width] = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        }
        return reports
    }
}
