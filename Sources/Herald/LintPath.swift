import Foundation

extension TemplateLinter {
    /// Lints the templates folder, or the one template file, at `path`, which must hold a
    /// template: a path that cannot be read is an I/O error, one without templates bad input.
    public func lint(path: String) throws -> Report {
        let report: Report
        do {
            report = try lint(directory: URL(fileURLWithPath: path))
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw HeraldError(.io, "cannot read '\(path)': \(exists ? error.localizedDescription : "no such folder or file"); expected a templates folder or one template file")
        }
        guard !report.templates.isEmpty else {
            throw HeraldError(.input, "'\(path)' holds no template (a .md file starting with a --- front matter)")
        }
        return report
    }
}

extension TemplateLinter.Report {
    /// Why linting `path` failed when the report has errors (warnings alone do not fail); nil
    /// otherwise.
    public func failure(linting path: String) -> String? {
        errorCount == 0 ? nil : "lint found \(errorCount) error\(errorCount == 1 ? "" : "s") in '\(path)'"
    }
}
