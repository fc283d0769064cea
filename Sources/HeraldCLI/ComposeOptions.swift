import ArgumentParser
import Foundation
import Herald

/// The options that state a message — shared by `herald render` and `herald send`, so both
/// compose the same message from the same flags.
struct ComposeOptions: ParsableArguments {
    @Option(help: "The sender, e.g. \"Support <help@example.com>\".")
    var from: String?

    @Option(help: "Recipients (repeatable; each may be a comma-separated list).")
    var to: [String] = []

    @Option(help: "Copy recipients (repeatable).")
    var cc: [String] = []

    @Option(help: "Blind copy recipients (repeatable): in the envelope only, never in the message.")
    var bcc: [String] = []

    @Option(name: .customLong("reply-to"), help: "Where replies go (repeatable).")
    var replyTo: [String] = []

    @Option(help: "The subject; also the HTML <title>.")
    var subject: String?

    @Option(help: "Preview text shown after the subject in inbox lists.")
    var preheader: String?

    @Option(name: .customLong("lang"), help: "The content's language tag, e.g. es or zh-Hans (sets lang).")
    var language: String?

    @Option(help: "A file to attach (repeatable); its type is checked from its bytes.")
    var attach: [String] = []

    @Option(help: "An extra header \"Name: value\" (repeatable).")
    var header: [String] = []

    @Option(name: .customLong("in-reply-to"), help: "The Message-ID this message answers.")
    var inReplyTo: [String] = []

    @Option(help: "Message-IDs of the thread (repeatable).")
    var references: [String] = []

    @Option(name: .customLong("list-unsubscribe"), help: "An unsubscribe URL, https: or mailto: (repeatable).")
    var listUnsubscribe: [String] = []

    @Option(help: "A JSON request (a sample's sample.json format): used where no option is given, its lists extended by the options; its attachment paths are relative to it.")
    var request: String?

    /// The files the options name (the request file; attachments are in the request itself).
    var filesNamed: [String] { [request].compactMap { $0 } }

    func validate() throws {
        if let language, !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw ValidationError("--lang '\(language)' is not a language tag; expected letters, digits and '-', like en, es-MX or zh-Hans")
        }
    }

    var hasSender: Bool { from != nil || requestFile?.from != nil }
    var hasRecipient: Bool { !(to.isEmpty && cc.isEmpty && bcc.isEmpty) || requestFile.map { !($0.to.isEmpty && $0.cc.isEmpty && $0.bcc.isEmpty) } == true }

    private var requestFile: EmailRequest? {
        request.flatMap { try? JSONDecoder().decode(EmailRequest.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
    }

    /// The options on top of the `--request` file, if any; `to` replaces the recipients given
    /// by the options (a bulk send's line).
    func emailRequest(to override: [String]? = nil) throws -> EmailRequest {
        var base = EmailRequest()
        if let file = request {
            let url = URL(fileURLWithPath: file)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                throw fail("cannot read --request '\(file)': it is a folder, not a file", status: ExitStatus.ioError)
            }
            do {
                base = try JSONDecoder().decode(EmailRequest.self, from: Data(contentsOf: url))
            } catch {
                throw fail("cannot use --request '\(file)': \(error.localizedDescription)", status: ExitStatus.badInput)
            }
            let folder = url.deletingLastPathComponent()
            base.attachments = base.attachments.map { $0.hasPrefix("/") ? $0 : folder.appendingPathComponent($0).path }
        }
        return EmailRequest(from: from ?? base.from, to: base.to + (override ?? to), cc: base.cc + cc, bcc: base.bcc + bcc,
                            replyTo: base.replyTo + replyTo, subject: subject ?? base.subject, preheader: preheader ?? base.preheader,
                            language: language ?? base.language, attachments: base.attachments + attach, headers: base.headers + header,
                            inReplyTo: base.inReplyTo + inReplyTo, references: base.references + references,
                            listUnsubscribe: base.listUnsubscribe + listUnsubscribe)
    }
}
