import ArgumentParser
import Foundation
import Herald

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check every template of a folder: schema, variables, links, images, subject, HTML size, SMS segments, WhatsApp parameters.",
        discussion: """
            Each template and locale variant is filled with the examples of its front matter and rendered for its channels. \
            Findings are printed as FILE:LINE: error|warning: message [rule]. Exit status 1 when there is an error, 0 otherwise \
            (warnings alone do not fail).
            """)

    @Argument(help: "The templates folder (its .md files with a front matter), or one template file.") var templatesDirectory: String = "Templates"
    @Flag(help: "Print the findings as JSON: {templates, diagnostics: [{severity, file, line, rule, message}], errors, warnings}.") var json = false
    @Option(name: .customLong("max-sms-segments"), help: "SMS parts longer than this many segments are errors.") var maximumSMSSegments: Int = 3

    func run() throws {
        let report = try TemplateLinter(maximumSMSSegments: maximumSMSSegments).lint(path: templatesDirectory)
        if json {
            print(try report.json())
        } else {
            for diagnostic in report.diagnostics { print(diagnostic) }
            print(report.summary)
        }
        if let failure = report.failure(linting: templatesDirectory) { throw fail(failure, status: ExitStatus.failure) }
    }
}
