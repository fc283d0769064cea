import ArgumentParser
import Foundation
import Herald

/// The SMS and WhatsApp options, shared by `herald render` and `herald send`; the `Composer`
/// checks and uses them.
struct ChannelOptions: ParsableArguments {
    @Flag(help: "SMS: replace typographic characters (curly quotes, dashes, ellipsis...) with GSM look-alikes, and report what changed.") var transliterate = false
    @Option(name: .customLong("country-code"), help: "SMS and WhatsApp: the calling code for numbers written without one (e.g. 34).") var countryCode: String?
    @Option(name: .customLong("whatsapp-template"), help: "WhatsApp: an approved template's definition (JSON) to send instead of free-form text.") var whatsappTemplate: String?
    // Template values are free text ("-5", "-20%"): taken as they come, like ComposeOptions' text.
    @Option(name: .customLong("param"), parsing: .unconditionalSingleValue, help: "WhatsApp template: a body value (repeatable, in order), or name=value for named parameters.") var parameters: [String] = []
    @Option(name: .customLong("header-param"), parsing: .unconditional, help: "WhatsApp template: the header's value (text, or the https link of its media).") var headerParameter: String?
    @Option(name: .customLong("button-param"), parsing: .unconditionalSingleValue, help: "WhatsApp template: the variable suffix of a URL button (repeatable, in order).") var buttonParameters: [String] = []
    @Option(name: .customLong("last-inbound"), help: "WhatsApp: when the customer last wrote (Unix seconds); free-form messages need one within 24 hours.") var lastInbound: Double?
    @Option(name: .customLong("max-segments"), help: "SMS: warn when the message needs more segments than this.") var maximumSegments: Int = 3
    @Flag(name: .customLong("voice-note"), help: "WhatsApp: send the audio attachments as voice notes (they must be Ogg Opus).") var voiceNote = false

    /// The request with these options: the SMS and WhatsApp settings, the approved template
    /// read from its file.
    func apply(to request: inout MessageRequest) throws {
        request.countryCode = countryCode
        request.sms = SMSOptions(transliterate: transliterate, maximumSegments: maximumSegments)
        var whatsapp = WhatsAppOptions(parameters: parameters, headerParameter: headerParameter, buttonParameters: buttonParameters,
                                       lastInbound: lastInbound, voiceNote: voiceNote)
        whatsapp.template = try whatsappTemplate.map { try WhatsAppTemplate.read(at: URL(fileURLWithPath: $0)) }
        request.whatsapp = whatsapp
    }

    /// The files these options name.
    var filesNamed: [String] { [whatsappTemplate].compactMap { $0 } }
}
