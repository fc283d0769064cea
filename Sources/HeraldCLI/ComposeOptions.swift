import ArgumentParser
import Foundation
import Herald

/// The options that state a message — shared by `herald render` and `herald send`, so both
/// compose the same message from the same flags.
///
/// Free text and addresses are taken as they come (`parsing: .unconditional`): a subject
/// "-50% off" or an address -sales@example.com starts with "-" and is still a value, not an
/// option; the parser's default would refuse it as a missing value. Paths and checked tags
/// (--attach, --request, --lang) keep the default, so a forgotten value there is still caught.
struct ComposeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "The sender, e.g. \"Support <help@example.com>\".") var from: String?
    @Option(parsing: .unconditionalSingleValue, help: "Recipients (repeatable; each may be a comma-separated list).") var to: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "Copy recipients (repeatable).") var cc: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "Blind copy recipients (repeatable): in the envelope only, never in the message.") var bcc: [String] = []
    @Option(name: .customLong("reply-to"), parsing: .unconditionalSingleValue, help: "Where replies go (repeatable).") var replyTo: [String] = []
    @Option(parsing: .unconditional, help: "The subject; also the HTML <title>.") var subject: String?
    @Option(parsing: .unconditional, help: "Preview text shown after the subject in inbox lists.") var preheader: String?
    @Option(name: .customLong("lang"), help: "The content's language tag, e.g. es or zh-Hans (sets lang).") var language: String?
    @Option(help: "A file to attach (repeatable); its type is checked from its bytes.") var attach: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "An extra header \"Name: value\" (repeatable).") var header: [String] = []
    @Option(name: .customLong("in-reply-to"), parsing: .unconditionalSingleValue, help: "The Message-ID this message answers.") var inReplyTo: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: "Message-IDs of the thread (repeatable).") var references: [String] = []
    @Option(name: .customLong("list-unsubscribe"), parsing: .unconditionalSingleValue, help: "An unsubscribe URL, https: or mailto: (repeatable).") var listUnsubscribe: [String] = []
    @Option(name: .customLong("feedback-id"), parsing: .unconditional, help: "A Feedback-ID header (e.g. campaign:customer:type:sender), signed with DKIM.") var feedbackID: String?
    @Flag(name: .customLong("auto-submitted"), inversion: .prefixedNo,
          help: "Write Auto-Submitted: auto-generated (RFC 3834), so automatic replies stay quiet; on by default with --recipients-file.")
    var autoSubmitted: Bool?
    @Option(help: "A JSON request (a sample's sample.json format): used where no option is given, its lists extended by the options; its attachment paths are relative to it.") var request: String?

    /// The files the options name (the request file; attachments are in the request itself).
    var filesNamed: [String] { [request].compactMap { $0 } }

    func validate() throws {
        if let language, !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            throw ValidationError("--lang '\(language)' is not a language tag; expected letters, digits and '-', like en, es-MX or zh-Hans")
        }
    }

    /// The options on top of the `--request` file, if any; `to` replaces the recipients given
    /// by the options (a bulk send's line).
    func request(to override: [String]? = nil) throws -> MessageRequest {
        // Its errors name the file and what in its JSON is wrong (HeraldError: 74 or 65).
        let base = try request.map { file in
            let url = URL(fileURLWithPath: file)
            return try MessageRequest.read(at: url).resolvingPaths(against: url.deletingLastPathComponent())
        } ?? MessageRequest()
        return base.extended(by: MessageRequest(
            from: from, to: override ?? to, cc: cc, bcc: bcc, replyTo: replyTo, subject: subject, preheader: preheader, language: language,
            attachments: attach, headers: header, inReplyTo: inReplyTo, references: references, listUnsubscribe: listUnsubscribe,
            feedbackID: feedbackID, autoSubmitted: autoSubmitted))
    }
}
