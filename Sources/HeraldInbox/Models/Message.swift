import Foundation

extension Interaction {
    /// A message of an interaction. What was sent lives in the outbox (the bytes, the attempts);
    /// the interaction keeps what the agent sees of it and the outbox entries that carry it.
    public struct Message: Codable, Sendable, Equatable {
        public enum Direction: String, Codable, Sendable {
            /// From the agent to the customer.
            case outbound
            /// From the customer (`Inbox.receive`).
            case inbound
        }

        public var id: String
        public var direction: Direction
        /// The agent who wrote it.
        public var author: String?
        public var at: Date
        /// The text as the customer reads it (the channel's rendering, shortened), or the filled
        /// approved template.
        public var summary: String
        public var subject: String?
        /// The approved WhatsApp template it was, by name.
        public var template: String?
        /// Attachment file names.
        public var attachments: [String]
        public var voiceNote: Bool
        /// The idempotency key its outbound messages were enqueued with (a message made of
        /// several, like a WhatsApp text and its media, has `KEY#1`, `KEY#2`…): made from the
        /// interaction and message IDs, so enqueueing it again stores nothing new.
        public var outboxKey: String?
        /// The outbox entries that carry it, once enqueued.
        public var outboxEntries: [Int64]
        /// Each recipient's delivery, read from the outbox when the interaction is read through
        /// `Inbox` (never stored with the interaction: the outbox is the one place it lives).
        public var delivery: [Delivery]
        /// What the customer wrote, for an inbound message (nil for outbound ones).
        public var inbound: Inbound?

        public init(id: String, direction: Direction = .outbound, author: String?, at: Date, summary: String = "", subject: String? = nil,
                    template: String? = nil, attachments: [String] = [], voiceNote: Bool = false, outboxKey: String? = nil,
                    outboxEntries: [Int64] = [], delivery: [Delivery] = [], inbound: Inbound? = nil) {
            self.id = id
            self.direction = direction
            self.author = author
            self.at = at
            self.summary = summary
            self.subject = subject
            self.template = template
            self.attachments = attachments
            self.voiceNote = voiceNote
            self.outboxKey = outboxKey
            self.outboxEntries = outboxEntries
            self.delivery = delivery
            self.inbound = inbound
        }

        /// What was stored of it, without the delivery read from the outbox.
        public var stored: Message {
            var message = self
            message.delivery = []
            return message
        }
    }

    /// One recipient of one outbox entry: whether it got the message.
    public struct Delivery: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable {
            /// Not attempted yet, or being attempted.
            case pending
            case accepted
            /// Refused for now; the outbox tries again.
            case deferred
            /// Refused for good.
            case rejected
        }

        public var outboxEntry: Int64
        /// The outbox entry's state: queued, sending, sent, failed or held.
        public var entryState: String
        public var recipient: String
        public var status: Status
        /// The server's or provider's reply, or the entry's last error.
        public var detail: String?
        /// What the provider reported after accepting it (delivered, read, failed — a
        /// WhatsApp or SMS status callback, an email's bounce), when it did.
        public var receipt: DeliveryReceipt?

        public init(outboxEntry: Int64, entryState: String, recipient: String, status: Status, detail: String? = nil, receipt: DeliveryReceipt? = nil) {
            self.outboxEntry = outboxEntry
            self.entryState = entryState
            self.recipient = recipient
            self.status = status
            self.detail = detail
            self.receipt = receipt
        }
    }
}
