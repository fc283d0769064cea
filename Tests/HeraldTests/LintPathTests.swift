import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `herald lint PATH` as the library does it: a path that must hold templates, and the failure
/// an error (not a warning) makes.
@Suite struct LintPathTests {
    let templates = ExternalEmailTools.repository.appendingPathComponent("Templates").path

    @Test func aMissingPathIsAnIOErrorAndAFolderWithoutTemplatesBadInput() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("herald-none-\(UUID().uuidString)").path
        #expect(throws: HeraldError(.io, "cannot read '\(missing)': no such folder or file; expected a templates folder or one template file")) {
            try TemplateLinter().lint(path: missing)
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("herald-empty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: HeraldError(.input, "'\(empty)' holds no template (a .md file starting with a --- front matter)")) {
            try TemplateLinter().lint(path: empty)
        }
    }

    @Test func errorsFailTheLintAndWarningsDoNot() throws {
        let report = try TemplateLinter().lint(path: templates)
        #expect(!report.templates.isEmpty && report.errorCount == 0)
        #expect(report.failure(linting: templates) == nil)
        // Every SMS part is longer than 0 segments: an error for each template with one.
        let strict = try TemplateLinter(maximumSMSSegments: 0).lint(path: templates)
        #expect(strict.errorCount > 0)
        #expect(strict.failure(linting: templates) == "lint found \(strict.errorCount) error\(strict.errorCount == 1 ? "" : "s") in '\(templates)'")
    }
}
