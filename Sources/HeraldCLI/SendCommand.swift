import ArgumentParser
import Foundation
import Herald

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Compose a message, store it in the outbox, deliver it, and print each recipient's result.",
        discussion: "Takes the composing options of `herald render`. Exit status: 0 when every recipient accepted it, 1 when some did not (the outbox keeps retrying deferred ones), 65 for bad input.")

    @Argument(help: "The input document (Markdown).")
    var input: String

    @Option(help: "The sender.") var from: String?
    @Option(help: "Recipients (repeatable).") var to: [String] = []
    @Option(help: "Copy recipients (repeatable).") var cc: [String] = []
    @Option(help: "Blind copy recipients (repeatable).") var bcc: [String] = []
    @Option(name: .customLong("reply-to"), help: "Where replies go.") var replyTo: [String] = []
    @Option(help: "The subject.") var subject: String?
    @Option(help: "Preview text.") var preheader: String?
    @Option(name: .customLong("lang"), help: "The content's language tag.") var language: String?
    @Option(help: "A file to attach (repeatable).") var attach: [String] = []
    @Option(help: "An extra header \"Name: value\" (repeatable).") var header: [String] = []
    @Option(name: .customLong("in-reply-to"), help: "The Message-ID this answers.") var inReplyTo: [String] = []
    @Option(help: "Message-IDs of the thread.") var references: [String] = []
    @Option(name: .customLong("idempotency-key"), help: "Sending the same key twice stores and sends the message once.")
    var idempotencyKey: String?

    @OptionGroup var delivery: DeliveryOptions

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: input)))
        } catch {
            throw fail("cannot read '\(input)': \(error.localizedDescription)", status: ExitStatus.ioError)
        }
        let request = EmailRequest(from: from, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: subject, preheader: preheader,
                                   language: language, attachments: attach, headers: header, inReplyTo: inReplyTo, references: references)
        let written: [UInt8]
        let message: EmailMessage
        do {
            let composed = try Herald.composeEmail(markdown: bytes, request: request)
            message = composed.message
            for warning in composed.warnings { warn(warning.message) }
            var random = SystemRandomNumberGenerator()
            let now = MessageDate(secondsSince1970: Int64(Date().timeIntervalSince1970), utcOffsetMinutes: TimeZone.current.secondsFromGMT() / 60)
            written = try MIMEWriter().bytes(of: message, identity: MessageIdentity.unique(for: message, now: now, using: &random))
        } catch {
            throw fail(String(describing: error), status: ExitStatus.badInput)
        }
        let outbox = try delivery.openOutbox()
        let id: Int64
        do {
            id = try outbox.enqueue(written, envelope: message.envelope, smtputf8: message.needsSMTPUTF8,
                                    idempotencyKey: idempotencyKey, now: Date().timeIntervalSince1970)
        } catch let error as OutboxError {
            throw fail(error.description, status: ExitStatus.badInput)
        }
        let (transport, destination) = try delivery.transport()
        let worker = OutboxWorker(outbox: outbox, transport: transport)
        var last: DeliveryReport?
        try worker.runOnce(batch: 1, only: id) { _, report in last = report }
        guard let entry = try outbox.entry(id) else { return }
        if let last { print(describe(last)) }
        print("outbox message \(id): \(entry.state.rawValue) (via \(destination))")
        if entry.state != .sent { throw ExitCode(ExitStatus.failure) }
    }
}
