import HeraldMIME

/// What happened to one recipient of one delivery attempt.
public struct RecipientResult: Equatable, Sendable {
    public enum Status: String, Equatable, Sendable {
        /// The server took responsibility for the message for this recipient.
        case accepted
        /// Refused for now (4xx): retry later.
        case deferred
        /// Refused for good (5xx).
        case rejected
    }

    public var address: String
    public var status: Status
    /// The SMTP reply code and text, e.g. 550 and "5.1.1 No such user".
    public var code: Int
    public var reply: String
    /// The enhanced status code (RFC 3463) the reply starts with, e.g. "5.1.1", if it has one:
    /// the reply's subject and detail, which the three-digit code does not say.
    public var enhancedStatus: String?

    public init(address: String, status: Status, code: Int, reply: String, enhancedStatus: String? = nil) {
        self.address = address
        self.status = status
        self.code = code
        self.reply = reply
        self.enhancedStatus = enhancedStatus
    }
}

/// Why an attempt failed as a whole, classified for the outbox's retry policy.
public enum DeliveryFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was delivered and trying again later may work (4xx, connection refused or lost
    /// before the body was sent, timeouts).
    case temporary(code: Int?, reason: String)
    /// Nothing was delivered and trying again will not help (5xx, authentication refused,
    /// TLS required but not offered).
    case permanent(code: Int?, reason: String)
    /// The connection was lost after the whole body was sent: the server may have the message.
    /// Resending blindly could deliver it twice.
    case ambiguous(reason: String)

    public var description: String {
        switch self {
        case .temporary(let code, let reason): return "temporary failure\(code.map { " (\($0))" } ?? ""): \(reason)"
        case .permanent(let code, let reason): return "permanent failure\(code.map { " (\($0))" } ?? ""): \(reason)"
        case .ambiguous(let reason): return "ambiguous failure: \(reason)"
        }
    }
}

/// The outcome of one attempt: per-recipient results, or a failure of the whole attempt.
public struct DeliveryReport: Sendable {
    public var recipients: [RecipientResult]
    public var failure: DeliveryFailure?
    /// The SMTP conversation (credentials redacted), for logs and `herald outbox show`.
    public var transcript: [String]

    public init(recipients: [RecipientResult], failure: DeliveryFailure?, transcript: [String]) {
        self.recipients = recipients
        self.failure = failure
        self.transcript = transcript
    }

    public var accepted: [RecipientResult] { recipients.filter { $0.status == .accepted } }
}

extension DeliveryFailure: CategorizedError { public var category: HeraldError.Category { .delivery } }
