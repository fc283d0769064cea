import ArgumentParser
import Foundation
import Herald

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a Markdown document, an editor's HTML or a template for a channel: email HTML, its plain-text alternative, a whole .eml message, its structure as JSON; SMS or WhatsApp text and JSON.",
        discussion: """
            A .md file that starts with a front matter (---) is a template: it is filled with --data FILE.json, or with \
            the examples of its front matter when no --data is given; --locale picks its variant (welcome.es.md). \
            html and text need only the input. eml and json compose a message and need --from (or a template's sender) and at least one \
            of --to, --cc, --bcc. Address options repeat and each takes a list ("Ana <ana@example.com>, bo@example.com"). \
            An image written as ![alt](cid:NAME) in the Markdown is the attachment named NAME or NAME.ext.
            """)

    @Argument(help: "The input: a Markdown document or template (.md, .markdown, .txt), or an editor's HTML (.html, .htm); '-' reads standard input.") var input: String
    @OptionGroup var inputOptions: InputOptions
    @Option(help: "The channel to render for: email, sms or whatsapp.") var channel: ChannelID = .email
    @Option(help: "What to write: html, text, eml (a complete message) or json (envelope and MIME structure; SMS segments; the WhatsApp request).") var format: RenderFormat = .html
    @OptionGroup var compose: ComposeOptions
    @Option(name: .customLong("max-attachment-mb"), help: "The largest attachment accepted, in MB.") var maximumAttachmentMegabytes: Int = 25
    @OptionGroup var channelOptions: ChannelOptions
    @OptionGroup var dkim: DKIMOptions
    @Flag(help: "Fixed Date, and Message-ID and boundaries derived from the content: the same input gives the same bytes.") var deterministic = false
    @Option(help: "Write here instead of standard output ('-'), atomically: a failure leaves the file that was there untouched. A folder, a read-only file and the files this command reads are refused.") var output: String?

    func validate() throws {
        try inputOptions.check(input, for: channel, verb: "renders")
        guard (1...2048).contains(maximumAttachmentMegabytes) else { throw ValidationError("--max-attachment-mb takes 1 to 2048, not \(maximumAttachmentMegabytes)") }
    }

    func run() throws {
        var request = try compose.request()
        try channelOptions.apply(to: &request)
        let draft = try inputOptions.draft(input, examplesByDefault: true)
        var composer = deterministic ? Composer.deterministic : Composer()
        // Only a whole message is signed: HTML or text never reads (or trips on) a key.
        if format == .eml { composer.dkim = try dkim.keyring() }
        composer.attachmentPolicy.maximumSize = maximumAttachmentMegabytes * 1024 * 1024
        let rendered = try composer.render(draft, for: channel, request: request, format: format)
        for warning in rendered.warnings { warn(warning) }
        let read = inputOptions.filesRead(by: input, draft: draft, request: request) + compose.filesNamed + channelOptions.filesNamed
        try rendered.write(toPath: output, inputs: read)
    }
}

extension ChannelID: ExpressibleByArgument {}
extension RenderFormat: ExpressibleByArgument {}
extension Draft.Format: ExpressibleByArgument {}
