import Foundation

/// SMS: the draft's SMS part (or its body) as text, GSM-7 or UCS-2, to one or more numbers.
struct SMSComposition: ChannelComposition {
    func render(_ draft: Draft, request: MessageRequest, format: RenderFormat, composer: Composer) throws -> Rendered {
        let report = SMSChannel().report(draft.smsDocument, options: request.sms)
        switch format {
        case .text: return Rendered(content: .text(report.text + "\n"), warnings: report.warnings)
        case .json: return Rendered(content: .text(report.json), warnings: report.warnings)
        case .html, .eml: throw unsupported(format, .sms, supported: [.text, .json])
        }
    }

    /// One message to every number (each once): the provider is asked once per number.
    func outbound(_ draft: Draft, request: MessageRequest, composer: Composer) throws -> Composition {
        let report = SMSChannel().report(draft.smsDocument, options: request.sms)
        let (numbers, repeated) = try Self.phoneNumbers(request)
        let outbound = Outbound(channel: .sms, sender: try ProviderSender.of(request), recipients: numbers.map(\.e164),
                                payload: .bytes(Array(report.text.utf8)), idempotencyKey: request.idempotencyKey)
        return Composition(outbounds: [outbound], warnings: report.warnings + repeated)
    }

    /// The recipients as E.164 numbers; "+34612345678" and "612 345 678" are one number.
    static func phoneNumbers(_ request: MessageRequest) throws -> (numbers: [PhoneNumber], warnings: [String]) {
        let raw = request.recipientList
        guard !raw.isEmpty else { throw HeraldError(.usage, "an SMS needs at least one recipient phone number, like +34612345678") }
        let numbers = try raw.map { try PhoneNumber($0, defaultCountryCode: request.countryCode) }
        let kept = OnePerRecipient.keep(zip(numbers, raw).map { ($0, $0.e164, "'\($1)'") })
        return (kept.values, kept.warnings)
    }
}
