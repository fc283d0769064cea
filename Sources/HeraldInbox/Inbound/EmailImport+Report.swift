import Foundation
import Herald

extension EmailImport {
    /// What `herald inbound --format json` prints: the parser's understanding, where the message
    /// goes (or would), a bounce's receipts, and whether anything was stored.
    public struct Report: Encodable, Sendable {
        public var email: InboundEmail
        public var route: Reception?
        public var receipts: [DeliveryReceipt]
        public var stored: Bool

        public init(_ result: Result, stored: Bool) {
            email = result.email
            route = result.reception
            receipts = result.receipts
            self.stored = stored
        }
    }
}

extension EmailImport.Result {
    /// One line for a person or a log: where the message went and why (`herald inbound`).
    public func line(dryRun: Bool) -> String {
        let subject = email.subject.map { "\"\($0)\"" } ?? "(no subject)"
        guard let reception else {
            let failed = receipts.map { "\($0.recipient) (\($0.detail ?? "failed"))" }.joined(separator: ", ")
            return "a bounce of \(email.deliveryStatus?.originalMessageID ?? "a message Herald cannot name"): " + (failed.isEmpty ? "no failed recipient" : "\(dryRun ? "would mark" : "marked") \(failed) failed")
        }
        let verb = dryRun ? "would be" : "was"
        switch reception.outcome {
        case .added: return "\(subject) \(verb) added to interaction \(reception.interaction ?? "?"): \(reception.reason)"
        case .opened: return "\(subject) \(verb) a new pending interaction \(dryRun ? "" : "\(reception.interaction ?? "?") ")in \(reception.campaign ?? "?"): \(reception.reason)"
        case .duplicate: return "\(subject): \(reception.reason); nothing stored again"
        case .ignored: return "\(subject) \(dryRun ? "would be" : "was") not stored: \(reception.reason)"
        }
    }
}
