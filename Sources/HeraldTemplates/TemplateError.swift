import Foundation
import HeraldMIME

/// A template, layout or data file that cannot be used as it is: names the file, the line when
/// there is one, and what would be accepted.
public struct TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// One finding of `herald lint`: an error makes the template unusable or wrong for the customer,
/// a warning is something an author should look at.
public struct TemplateDiagnostic: Equatable, Sendable, CustomStringConvertible, Encodable {
    public enum Severity: String, Sendable, Encodable {
        case error, warning
    }

    public var severity: Severity
    public var file: String
    public var line: Int?
    /// A stable rule name (`undeclared-variable`, `subject-length`...), for scripts and `--json`.
    public var rule: String
    public var message: String

    public init(_ severity: Severity, file: String, line: Int?, rule: String, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.rule = rule
        self.message = message
    }

    public init(_ error: TemplateError, rule: String) {
        self.init(.error, file: error.file, line: error.line, rule: rule, message: error.message)
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(severity.rawValue): \(message) [\(rule)]"
    }
}

extension URL {
    /// The path as the user gave it (relative stays relative), for messages.
    public var displayPath: String { relativePath }
}

extension TemplateError: CategorizedError { public var category: HeraldError.Category { .input } }
