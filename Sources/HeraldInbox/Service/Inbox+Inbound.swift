import Foundation
import HeraldChannels
import HeraldMIME

/// Where a customer's message went, and why: what `herald inbound` prints and the webhooks log.
public struct Reception: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        /// Added to an open interaction.
        case added
        /// A new pending interaction in the campaign.
        case opened
        /// Received before (the same provider ID): nothing stored again.
        case duplicate
        /// An automatic reply that names no open conversation: not stored.
        case ignored
    }

    public var outcome: Outcome
    public var interaction: String?
    public var message: String?
    public var campaign: String?
    /// One sentence: "In-Reply-To names interaction int_1, which Herald sent", "the customer's
    /// open interaction in Billing", "a new conversation at help@example.com".
    public var reason: String

    public init(outcome: Outcome, interaction: String? = nil, message: String? = nil, campaign: String? = nil, reason: String) {
        self.outcome = outcome
        self.interaction = interaction
        self.message = message
        self.campaign = campaign
        self.reason = reason
    }
}

/// What the agent's reply to an inbound email starts with: To the customer (or where their
/// Reply-To asks), Cc everyone else their last message went to — never the inbox's own
/// addresses, never a Bcc (nobody sees those) — and the thread's subject with one `Re:`.
public struct ReplyDefaults: Codable, Sendable, Equatable {
    public var to: [String]
    public var cc: [String]
    public var subject: String?
    /// The Message-ID the reply answers, and the thread's References.
    public var inReplyTo: String?
    public var references: [String]

    public init(to: [String], cc: [String], subject: String?, inReplyTo: String? = nil, references: [String] = []) {
        self.to = to
        self.cc = cc
        self.subject = subject
        self.inReplyTo = inReplyTo
        self.references = references
    }
}

extension Inbox {
    /// Stores a customer's message in its interaction (`route`): added to an open one, or a
    /// new pending interaction; the same provider ID twice is stored once; an automatic reply
    /// with nowhere to go is not stored. A message no campaign answers for is refused
    /// (`.notFound`: the MTA bounces it).
    public func receive(_ incoming: IncomingMessage) async throws -> Reception {
        for _ in 1...5 {
            let routed = try await route(incoming)
            guard let transition = routed.transition else { return routed.reception }
            do {
                _ = try await store.apply(transition)
                return routed.reception
            } catch let error as InboxError where error.isDuplicate {
                return try await duplicate(incoming) ?? routed.reception
            } catch let error as InboxError where error.isStale {
                continue  // an agent changed the interaction meanwhile: route it again
            }
        }
        throw InboxError(.conflict, "the \(incoming.channel) message \(incoming.content.externalID) could not be stored: its interaction kept changing; try again")
    }

    /// Where `receive` would put the message, storing nothing (`herald inbound --dry-run`).
    public func plan(_ incoming: IncomingMessage) async throws -> Reception {
        try await route(incoming).reception
    }

    /// Keeps a provider's status report when it moves the recipient's state forward.
    @discardableResult
    public func record(_ receipt: DeliveryReceipt) async throws -> Bool {
        guard !receipt.externalID.isEmpty, !receipt.recipient.isEmpty else {
            throw InboxError(.input, "a delivery receipt needs the message's provider ID and the recipient", field: "externalID")
        }
        var kept = receipt
        // An email's bounce names the Message-ID Herald wrote; it is kept under its left part
        // (the domain is the campaign's, which may change).
        if receipt.channel == .email { kept.externalID = ReplyToken.key(of: receipt.externalID) ?? receipt.externalID }
        return try await store.record(kept)
    }

    // MARK: Routing

    private struct Routed {
        var reception: Reception
        var transition: Transition?
    }

    private func duplicate(_ incoming: IncomingMessage) async throws -> Reception? {
        guard let known = try await store.inboundMessage(channel: incoming.channel, externalID: incoming.content.externalID) else { return nil }
        return Reception(outcome: .duplicate, interaction: known.interaction, message: known.message,
                         reason: "the \(incoming.channel) message \(incoming.content.externalID) was received already, as message \(known.message) of interaction \(known.interaction)")
    }

    private func route(_ incoming: IncomingMessage) async throws -> Routed {
        try Self.check(incoming)
        if let duplicate = try await duplicate(incoming) { return Routed(reception: duplicate) }
        let campaigns = try await store.campaigns()
        let owner = campaigns.first { campaign in incoming.receivedBy.contains { Self.sender(of: campaign, on: incoming.channel, is: $0) } }
        let customerKey = try Self.contactKey(incoming.content.from, channel: incoming.channel)
        let known = try await store.customer(contact: customerKey)

        var content = incoming.content
        content.receivedBy = owner.flatMap { Self.senderKey(of: $0, on: incoming.channel) }
        let message = Interaction.Message(id: ids.next("msg"), direction: .inbound, author: nil, at: clock(), summary: Self.shortened(content.text),
                                          subject: incoming.subject, attachments: content.files.map(\.name), inbound: content)

        // 1. The thread the message names: an inbox Message-ID (a reply to the agent), or a
        //    message the customer's side sent before (a colleague answering all).
        var thread: (interaction: Interaction, reason: String)?
        for id in incoming.replyingTo {
            if let token = ReplyToken.parse(id), let found = try await store.interaction(token.interaction), found.channel == incoming.channel {
                thread = (found, "it answers message \(token.message) of interaction \(found.id), which Herald sent")
                break
            }
            if let earlier = try await store.inboundMessage(channel: incoming.channel, externalID: ReplyToken.bare(id)),
               let found = try await store.interaction(earlier.interaction) {
                thread = (found, "it answers message \(earlier.message) of interaction \(found.id), received before")
                break
            }
        }
        // 2. Else the customer's open interaction on this channel in the campaign it reached.
        if thread == nil, let owner, let known, let id = try await store.openInteraction(customer: known.id, campaign: owner.id, channel: incoming.channel),
           let found = try await store.interaction(id) {
            thread = (found, "it is from \(incoming.content.from), whose interaction \(found.id) in \(owner.name) is open")
        }

        if let thread, thread.interaction.isOpen {
            let transition = try InboundRules.add(message, to: thread.interaction, at: clock())
            return Routed(reception: Reception(outcome: .added, interaction: thread.interaction.id, message: message.id, campaign: thread.interaction.campaign,
                                               reason: thread.reason), transition: transition)
        }
        // 3. A new conversation: in the closed thread's campaign, or the one it reached.
        let campaign = thread.flatMap { found in campaigns.first { $0.id == found.interaction.campaign } } ?? owner
        guard let campaign else {
            let receivers = incoming.receivedBy.isEmpty ? "nowhere known" : incoming.receivedBy.joined(separator: ", ")
            let senders = campaigns.compactMap { Self.senderKey(of: $0, on: incoming.channel) }
            let known = senders.isEmpty ? "no campaign answers on \(incoming.channel)" : "the campaigns answer at \(senders.joined(separator: ", "))"
            throw InboxError(.notFound, "no campaign answers the \(incoming.channel) message \(content.externalID) sent to \(receivers); \(known)", field: "receivedBy")
        }
        let why = thread.map { "interaction \($0.interaction.id), which it answers, is \($0.interaction.state.rawValue): a new conversation in \(campaign.name)" }
            ?? "a new conversation at \(content.receivedBy ?? campaign.id) (\(campaign.name))"
        if let autoReply = content.autoReply {
            return Routed(reception: Reception(outcome: .ignored, campaign: campaign.id,
                                               reason: "an automatic reply (\(autoReply)) opens no conversation; \(thread == nil ? "no open interaction to join" : why)"))
        }
        let id = ids.next("int")
        var newCustomer: Customer?
        let customerID: String
        if let known {
            customerID = known.id
        } else {
            let customer = Customer(id: ids.next("cus"), name: content.fromName ?? "", emailAddresses: incoming.channel == .email ? [customerKey] : [],
                                    phoneNumbers: incoming.channel == .email ? [] : [customerKey])
            newCustomer = customer
            customerID = customer.id
        }
        let subject = incoming.channel == .email ? (thread?.interaction.contact.subject ?? Self.threadSubject(incoming.subject)) : nil
        let contact = Interaction.Contact(to: [incoming.channel == .email ? content.from : customerKey], subject: subject)
        var transition = try InboundRules.open(id, with: message, campaign: campaign, channel: incoming.channel, customer: customerID, contact: contact, at: clock())
        transition.newCustomer = newCustomer
        return Routed(reception: Reception(outcome: .opened, interaction: id, message: message.id, campaign: campaign.id, reason: why), transition: transition)
    }

    /// What every channel's message needs before anything is read or stored.
    static func check(_ incoming: IncomingMessage) throws {
        guard incoming.channel != .phone else {
            throw InboxError(.input, "a phone call is not a message; the phone's events come from the call", field: "channel")
        }
        guard !incoming.content.externalID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InboxError(.input, "the \(incoming.channel) message has no ID (Message-ID, wamid, MessageSid): without one a second delivery could not be told from a new message",
                             field: "externalID")
        }
        guard !incoming.content.from.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InboxError(.input, "the \(incoming.channel) message \(incoming.content.externalID) has no sender", field: "from")
        }
    }

    /// The key a customer is found by: an address's `recipientKey`, a number in E.164.
    static func contactKey(_ from: String, channel: ChannelID) throws -> String {
        do {
            if channel == .email { return try EmailAddress(validating: from, field: "From address").recipientKey }
            return try PhoneNumber(from).e164
        } catch {
            throw InboxError(.input, "the sender '\(from)' is not \(channel == .email ? "an email address" : "a phone number in E.164, like +34612345678"): \(error)",
                             field: "from")
        }
    }

    /// The sender of the campaign on the channel, as `receivedBy` holds it.
    static func senderKey(of campaign: Campaign, on channel: ChannelID) -> String? {
        switch channel {
        case .email: return campaign.channels.email.flatMap { (try? EmailAddress(validating: $0.from).recipientKey)?.lowercased() }
        case .sms: return campaign.channels.sms.map { (try? PhoneNumber($0.number).e164) ?? $0.number }
        case .whatsapp: return campaign.channels.whatsapp?.phoneNumberID
        case .phone: return nil
        }
    }

    static func sender(of campaign: Campaign, on channel: ChannelID, is receiver: String) -> Bool {
        guard let own = senderKey(of: campaign, on: channel) else { return false }
        switch channel {
        case .email: return recipientKey(receiver, channel: .email) == own
        case .sms: return ((try? PhoneNumber(receiver).e164) ?? receiver) == own
        case .whatsapp, .phone: return receiver == own
        }
    }

    /// The subject a thread is kept under: the customer's, without the `Re:` (`AW:`, `SV:`…)
    /// their program added (the agent's replies add one `Re:`).
    static func threadSubject(_ subject: String?) -> String {
        let stripped = ReplySubject.base(subject ?? "")
        return stripped.isEmpty ? "(no subject)" : stripped
    }
}

extension ReplyDefaults {
    /// The defaults of a reply in `interaction`, from the customer's last message in it (nil
    /// when the customer has not written: the agent's own start addressed it). `own`: the
    /// inbox's addresses (`recipientKey`s), which are never copied.
    public init?(for interaction: Interaction, ownAddresses own: Set<String>) {
        guard interaction.channel == .email,
              let last = interaction.messages.last(where: { $0.direction == .inbound && $0.inbound != nil }), let inbound = last.inbound else { return nil }
        let key = { (address: String) in Inbox.recipientKey(address, channel: .email) }
        let to = inbound.replyTo.isEmpty ? [inbound.from] : inbound.replyTo
        var seen = Set(to.map(key))
        var cc: [String] = []
        for address in inbound.to + inbound.cc {
            let recipient = key(address)
            // Nor the inbox's own addresses with a tag (help+billing@) or a reply token.
            guard !own.contains(recipient), !own.contains(Self.untagged(recipient)), ReplyToken.parse(recipient) == nil,
                  seen.insert(recipient).inserted else { continue }
            cc.append(address)
        }
        let subject = ReplySubject.reply(to: last.subject ?? interaction.contact.subject ?? "")
        // References: the thread's (as the customer's message had them) ending with its own ID.
        var references = inbound.references.filter { $0 != inbound.externalID }
        references.append(inbound.externalID)
        self.init(to: to, cc: cc, subject: subject.isEmpty ? interaction.contact.subject : subject, inReplyTo: inbound.externalID,
                  references: Array(references.suffix(20)))
    }

    /// `help+billing@x` → `help@x`.
    static func untagged(_ key: String) -> String {
        guard let at = key.lastIndex(of: "@"), let plus = key[..<at].firstIndex(of: "+") else { return key }
        return String(key[..<plus]) + String(key[at...])
    }
}

extension Inbox {
    /// The inbox's own email addresses: every campaign's sender.
    func ownAddresses() async throws -> Set<String> {
        Set(try await store.campaigns().compactMap { Self.senderKey(of: $0, on: .email) })
    }

    /// The reply's defaults in an interaction the agent may see (the composer prefills them).
    public func replyDefaults(for interaction: Interaction) async throws -> ReplyDefaults? {
        // Every email the inbox sends asks: the campaigns are read only when there is a
        // customer's message to answer.
        guard interaction.channel == .email, interaction.messages.contains(where: { $0.inbound != nil }) else { return nil }
        return ReplyDefaults(for: interaction, ownAddresses: try await ownAddresses())
    }
}

extension Inbox {
    /// A file a customer sent in an interaction the agent may see, by its SHA-256: the same
    /// "not found" for a file that is not in this interaction as for an interaction the agent
    /// may not see.
    public func inboundFile(_ sha256: String, in interactionID: String, for agentID: String) async throws -> Interaction.Message.File {
        let interaction = try await self.interaction(interactionID, for: agentID)
        guard let file = interaction.messages.lazy.compactMap({ $0.inbound?.files.first { $0.sha256 == sha256 } }).first else {
            throw InboxError(.notFound, "interaction \(interactionID) has no file \(sha256)")
        }
        return file
    }
}
