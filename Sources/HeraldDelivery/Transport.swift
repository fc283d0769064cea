import Dispatch
import HeraldChannels
import HeraldMIME

/// Something that carries an `Outbound` to its recipients: SMTP, the Maildir, WhatsApp Cloud,
/// the SMS gateway — and, in tests, `InMemoryTransport` (module HeraldTesting). Workers pick one
/// by the message's `ChannelID`.
public protocol Transport: Sendable {
    /// Delivers `outbound` to each of its recipients. The report has one result per recipient,
    /// in the order of `outbound.recipients` (the outbox matches them by position), or a
    /// failure of the whole attempt.
    func deliver(_ outbound: Outbound) async -> DeliveryReport
}

extension DeliveryReport {
    /// An attempt refused before anything was sent.
    static func refused(_ failure: DeliveryFailure) -> DeliveryReport {
        DeliveryReport(recipients: [], failure: failure, transcript: [])
    }
}

/// libcurl and file writes block their thread: they run on Dispatch's pool, not on the
/// cooperative threads of Swift concurrency (one per core), so eight workers are eight
/// connections at once even on two cores. (`package`: the inbox's SQLite store runs the same way.)
package enum Blocking {
    package static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// A provider that sends one request per recipient (SMS, WhatsApp): the attempt's report has
/// exactly one result per recipient, in order — a request that failed as a whole gives its
/// recipient a result too, or the next recipient's would be taken for it.
protocol PerRecipientTransport: Transport {
    /// `from`: the message's own sender (`Outbound.providerSender`); nil: the account's.
    func send(_ payload: [UInt8], to recipient: String, from: String?) -> DeliveryReport
}

extension PerRecipientTransport {
    public func deliver(_ outbound: Outbound) async -> DeliveryReport {
        guard case .bytes(let payload) = outbound.payload else {
            return .refused(.permanent(code: nil, reason: "the \(outbound.channel) message was stored before its media was uploaded"))
        }
        return await Blocking.run {
            var combined = DeliveryReport(recipients: [], failure: nil, transcript: [])
            for recipient in outbound.recipients {
                let report = self.send(payload, to: recipient, from: outbound.providerSender)
                var result = report.recipients.first ?? RecipientResult(address: recipient, status: .deferred, code: 0, reply: "")
                result.address = recipient
                if let failure = report.failure {
                    if case .permanent = failure { result.status = .rejected } else { result.status = .deferred }
                    if result.reply.isEmpty { result.reply = failure.description }
                    // A recipient refused for good does not sink the others; a temporary or
                    // ambiguous failure keeps the message coming back (or held).
                    if case .permanent = failure {} else { combined.failure = failure }
                }
                combined.recipients.append(result)
                combined.transcript += report.transcript
            }
            return combined
        }
    }
}
