import Foundation
import Herald

/// The inbox as agents use it: applies their commands through `InteractionRules`, stores the
/// change in the `InboxStore`, and sends messages through the `Composer` and the outbox — the
/// same library calls the CLI sends with. The CLI, the server and tests all go through it.
///
/// A start or a message is atomic as the agent sees it, in three steps:
///
/// 1. everything is checked and made first — the rules, then the `Composer` (addresses,
///    attachments, template values, WhatsApp's window), then `prepare` (media uploads): a refusal
///    at any point stores nothing anywhere;
/// 2. the change (the interaction, its message, its events, a new customer) is stored in one
///    inbox transaction;
/// 3. the outbound messages are enqueued in one outbox transaction, with an idempotency key
///    made from the interaction and message IDs (`outboxKey`), and their entry IDs recorded on
///    the message.
///
/// If the process dies between 2 and 3, the interaction shows the message with its key and no
/// outbox entries (nothing is delivered yet). Repeating the same command — the same start ID or
/// message ID, as a client does when an answer is lost — finds the message stored, composes it
/// again and enqueues it: the key makes the outbox store it once, however many times this runs.
public struct Inbox: Sendable {
    public let store: any InboxStore
    public let outbox: any OutboxStore
    public var composer: Composer
    /// Now: every event's time. (The composer has its own clock, for Date headers and
    /// WhatsApp's window; give both the same one.)
    public var clock: @Sendable () -> Date
    public var ids: IDGenerator
    /// What makes composed messages ready to store, before anything is stored: the server
    /// passes `DeliveryConfiguration.prepare` (WhatsApp media uploaded, the email route set).
    public var prepare: @Sendable ([Outbound]) async throws -> [Outbound]
    /// How many interactions a tab lists at most.
    public var tabLimit = 500

    public init(store: any InboxStore, outbox: any OutboxStore, composer: Composer = Composer(), clock: @escaping @Sendable () -> Date = { Date() },
                ids: IDGenerator = .random, prepare: @escaping @Sendable ([Outbound]) async throws -> [Outbound] = { $0 }) {
        self.store = store
        self.outbox = outbox
        self.composer = composer
        self.clock = clock
        self.ids = ids
        self.prepare = prepare
    }

    /// The idempotency key of a message's outbound messages.
    public static func outboxKey(interaction: String, message: String) -> String {
        "inbox:\(interaction):\(message)"
    }

    // MARK: Commands

    /// Starts an interaction: active and the agent's, its first message sent (the phone records
    /// the number dialled), the campaign's mandatory form open.
    public func start(_ request: StartInteraction, by agentID: String) async throws -> Interaction {
        try await start(request, as: try await agent(agentID))
    }

    /// The same, as an agent already read (the server read the signed-in agent to authenticate
    /// the request: one read less on every start).
    public func start(_ request: StartInteraction, as actor: Agent) async throws -> Interaction {
        let directory = try await self.directory(for: actor, campaigns: [request.campaign])
        let campaign = try Authorization.requireMember(actor, of: request.campaign, in: directory)
        if let id = request.id, let existing = try await store.interaction(id) {
            return try await repeatStart(request, existing, actor: actor, directory: directory)
        }
        try request.message?.checkContent()
        let contact = try InteractionRules.contact(channel: request.channel, to: request.to, cc: request.cc, bcc: request.bcc, subject: request.subject,
                                                   countryCode: campaign.countryCode ?? campaign.dialRule?.homeCountryCode)
        let id = request.id ?? ids.next("int")
        let (customerID, newCustomer) = try await customer(request, contact: contact)
        let record = request.message.map { self.message(for: $0, id: $0.id ?? ids.next("msg"), interaction: id) }
        var lastInbound: Date?
        if request.channel == .whatsapp, newCustomer == nil, let number = campaign.channels.whatsapp?.phoneNumberID {
            lastInbound = try await store.lastInbound(customer: customerID, channel: .whatsapp, receivedBy: number)
        }
        let start = InteractionCommand.Start(id: id, campaign: campaign.id, channel: request.channel, customer: customerID, to: request.to, cc: request.cc,
                                             bcc: request.bcc, subject: request.subject, message: record, lastInbound: lastInbound)
        var transition = try InteractionRules(directory: directory).apply(.start(start), to: nil, by: actor, at: clock())
        transition.newCustomer = newCustomer
        guard let message = request.message, let record else { return try await store.apply(transition) }
        let composed = try await compose(message, record: record, for: transition.after, in: campaign)
        transition.after.messages[transition.after.messages.count - 1].summary = composed.summary
        let stored = try await store.apply(transition)
        return try await enqueue(composed.outbounds, message: record.id, in: stored)
    }

    /// Takes a pending interaction: active and the agent's. Of two agents taking it at once,
    /// exactly one does; the other is told who has it (`.conflict`).
    public func take(_ id: String, by agentID: String) async throws -> Interaction {
        try await change(id, by: agentID, .take)
    }

    /// Sends a message in an active interaction of the agent's.
    public func send(_ message: OutgoingMessage, in id: String, by agentID: String) async throws -> Interaction {
        let actor = try await agent(agentID)
        guard let interaction = try await store.interaction(id) else { throw InboxError.noInteraction(id) }
        let directory = try await self.directory(for: actor, interaction: interaction)
        let campaign = try Authorization.requireVisible(interaction, actor: actor, in: directory)
        try message.checkContent()
        if let messageID = message.id, let existing = interaction.messages.first(where: { $0.id == messageID }) {
            return try await repeatSend(message, existing, in: interaction, campaign: campaign, actor: actor)
        }
        let record = self.message(for: message, id: message.id ?? ids.next("msg"), interaction: id)
        let command = InteractionCommand.send(record)
        let transition = try InteractionRules(directory: directory).apply(command, to: interaction, by: actor, at: clock())
        let composed = try await compose(message, record: record, for: transition.after, in: campaign)
        let stored = try await commit(transition, command, by: actor) { transition in
            if let index = transition.after.messages.firstIndex(where: { $0.id == record.id }) {
                transition.after.messages[index].summary = composed.summary
            }
        }
        return try await enqueue(composed.outbounds, message: record.id, in: stored)
    }

    /// Transfers an interaction to an agent of its campaign (active for them) or to another
    /// campaign (pending there), with an optional note for whoever gets it.
    public func transfer(_ id: String, to target: TransferTarget, note: String? = nil, by agentID: String) async throws -> Interaction {
        switch target {
        case .agent(let agent): return try await change(id, by: agentID, .transfer(to: target, note: note), agents: [agent])
        case .campaign(let campaign): return try await change(id, by: agentID, .transfer(to: target, note: note), campaigns: [campaign])
        }
    }

    /// Ends the conversation: no more messages.
    public func finish(_ id: String, by agentID: String) async throws -> Interaction {
        try await change(id, by: agentID, .finish)
    }

    public func categorize(_ id: String, as category: String, by agentID: String) async throws -> Interaction {
        try await change(id, by: agentID, .categorize(category))
    }

    public func submitForm(_ form: String, values: [String: String], in id: String, by agentID: String) async throws -> Interaction {
        try await change(id, by: agentID, .submitForm(form: form, values: values))
    }

    /// Closes a finished, categorized interaction whose mandatory form (if any) is submitted.
    public func close(_ id: String, by agentID: String) async throws -> Interaction {
        try await change(id, by: agentID, .close)
    }

    // MARK: Reading

    /// An interaction the agent may see, each message's delivery read from the outbox.
    public func interaction(_ id: String, for agentID: String) async throws -> Interaction {
        let actor = try await agent(agentID)
        guard var interaction = try await store.interaction(id) else { throw InboxError.noInteraction(id) }
        _ = try Authorization.requireVisible(interaction, actor: actor, in: try await directory(for: actor, interaction: interaction))
        for index in interaction.messages.indices {
            var delivery: [Interaction.Delivery] = []
            for entryID in interaction.messages[index].outboxEntries {
                guard let entry = try await outbox.entry(entryID) else { continue }
                delivery += entry.recipients.map { recipient in
                    Interaction.Delivery(outboxEntry: entryID, entryState: entry.state.rawValue, recipient: recipient.address,
                                         status: Interaction.Delivery.Status(rawValue: recipient.status.rawValue) ?? .pending,
                                         detail: recipient.reply ?? entry.lastError)
                }
            }
            interaction.messages[index].delivery = delivery
        }
        return try await withReceipts(interaction)
    }

    /// Each delivery's latest receipt (delivered, read, a bounce), read in one query: an email's
    /// are kept under its reply token, a provider's under the ID it accepted the message as.
    private func withReceipts(_ interaction: Interaction) async throws -> Interaction {
        var interaction = interaction
        func key(_ message: Interaction.Message, _ delivery: Interaction.Delivery) -> String? {
            interaction.channel == .email ? ReplyToken.localPart(interaction: interaction.id, message: message.id) : Self.providerID(in: delivery.detail)
        }
        let keys = interaction.messages.flatMap { message in message.delivery.compactMap { key(message, $0) } }
        let receipts = try await store.receipts(channel: interaction.channel, externalIDs: Array(Set(keys)))
        guard !receipts.isEmpty else { return interaction }
        for index in interaction.messages.indices {
            let message = interaction.messages[index]
            for (position, delivery) in message.delivery.enumerated() {
                guard let id = key(message, delivery) else { continue }
                let recipient = Self.recipientKey(delivery.recipient, channel: interaction.channel)
                interaction.messages[index].delivery[position].receipt = receipts.first {
                    $0.externalID == id && Self.recipientKey($0.recipient, channel: interaction.channel) == recipient
                }
            }
        }
        return interaction
    }

    /// The provider's ID of an accepted message, from the outbox's reply ("accepted as wamid.X").
    static func providerID(in reply: String?) -> String? {
        guard let reply, reply.hasPrefix("accepted as ") else { return nil }
        let id = reply.dropFirst("accepted as ".count).trimmingCharacters(in: .whitespaces)
        return id.isEmpty ? nil : id
    }

    /// Recipients compared as the channel does: addresses by `recipientKey`, numbers in E.164.
    static func recipientKey(_ recipient: String, channel: ChannelID) -> String {
        // Local parts compared without case, as every mail system the inbox meets does.
        if channel == .email { return ((try? EmailAddress(validating: recipient).recipientKey) ?? recipient).lowercased() }
        return (try? PhoneNumber(recipient).e164) ?? recipient
    }

    /// The agent's Active tab (`agentID`'s own, or — for a supervisor sharing a campaign with
    /// them — an agent's, as `viewerID`).
    public func activeTab(of agentID: String, viewer viewerID: String? = nil) async throws -> [Interaction.Summary] {
        try await activeTab(of: agentID, viewer: try await agent(viewerID ?? agentID))
    }

    /// The same, for a viewer already read (the server has the signed-in agent at hand: one
    /// read less on the page agents load most).
    public func activeTab(of agentID: String, viewer: Agent) async throws -> [Interaction.Summary] {
        if viewer.id != agentID {
            guard Authorization.supervises(viewer) else {
                throw InboxError(.unauthorized, "only a supervisor sees another agent's Active tab")
            }
            guard try await store.campaigns(ofMember: viewer.id).contains(where: { $0.hasMember(agentID) }) else {
                throw InboxError(.notFound, "no agent \(agentID) among the members of your campaigns")
            }
        }
        return try await store.active(assignee: agentID, limit: tabLimit)
    }

    /// A campaign's Pending tab, for its members.
    public func pendingTab(of campaignID: String, for agentID: String) async throws -> [Interaction.Summary] {
        let actor = try await agent(agentID)
        _ = try Authorization.requireMember(actor, of: campaignID, in: try await directory(for: actor))
        return try await store.pending(campaign: campaignID, limit: tabLimit)
    }

    /// What the "New" button offers the agent: each channel with the campaigns they may start in.
    public func startOptions(for agentID: String) async throws -> [(channel: ChannelID, campaigns: [Campaign])] {
        let actor = try await agent(agentID)
        return Authorization.startOptions(for: actor, in: try await directory(for: actor))
    }

    // MARK: Applying

    /// Loads the interaction, applies `command` and stores the result.
    private func change(_ id: String, by agentID: String, _ command: InteractionCommand, campaigns: [String] = [],
                        agents: [String] = []) async throws -> Interaction {
        let actor = try await agent(agentID)
        guard let interaction = try await store.interaction(id) else { throw InboxError.noInteraction(id) }
        let directory = try await self.directory(for: actor, interaction: interaction, campaigns: campaigns, agents: agents)
        let transition = try InteractionRules(directory: directory).apply(command, to: interaction, by: actor, at: clock())
        return try await commit(transition, command, by: actor, campaigns: campaigns, agents: agents)
    }

    /// Stores `transition`; when another change was stored first (stale), reads the interaction
    /// again and applies the rules to it as it is now — which refuses what is no longer allowed
    /// (the second of two takes learns who has it) and stores what still is.
    private func commit(_ transition: Transition, _ command: InteractionCommand, by actor: Agent, campaigns: [String] = [], agents: [String] = [],
                        finishing: (inout Transition) -> Void = { _ in }) async throws -> Interaction {
        var transition = transition
        for attempt in 1... {
            finishing(&transition)
            do {
                return try await store.apply(transition)
            } catch let error as InboxError where error.isStale && attempt < 5 {
                let id = transition.after.id
                guard let now = try await store.interaction(id) else { throw InboxError.noInteraction(id) }
                let directory = try await self.directory(for: actor, interaction: now, campaigns: campaigns, agents: agents)
                transition = try InteractionRules(directory: directory).apply(command, to: now, by: actor, at: clock())
            }
        }
        preconditionFailure("the loop returns or throws")
    }

    /// The agent giving a command; an unknown one is not let in.
    func agent(_ id: String) async throws -> Agent {
        guard let agent = try await store.agent(id) else { throw InboxError(.unauthorized, "no agent \(id)") }
        return agent
    }

    /// What the rules need to read: the actor's campaigns (membership, and the agents a
    /// supervisor oversees), the interaction's campaign and assignee, a transfer's target.
    private func directory(for actor: Agent, interaction: Interaction? = nil, campaigns: [String] = [], agents: [String] = []) async throws -> Directory {
        var found = try await store.campaigns(ofMember: actor.id)
        for id in (interaction.map { [$0.campaign] } ?? []) + campaigns where !found.contains(where: { $0.id == id }) {
            if let campaign = try await store.campaign(id) { found.append(campaign) }
        }
        var people = [actor]
        for id in [interaction?.assignee].compactMap({ $0 }) + agents where !people.contains(where: { $0.id == id }) {
            if let agent = try await store.agent(id) { people.append(agent) }
        }
        return Directory(agents: people, campaigns: found)
    }

    /// The customer a start is with: the one named, the one with the first address or number,
    /// or a new one (stored with the interaction).
    private func customer(_ request: StartInteraction, contact: Interaction.Contact) async throws -> (id: String, new: Customer?) {
        if let id = request.customer {
            guard try await store.customer(id) != nil else { throw InboxError(.notFound, "no customer \(id)", field: "customer") }
            return (id, nil)
        }
        let first = contact.to[0]
        let key = request.channel == .email ? (try? EmailAddress(validating: first).recipientKey) ?? first : first
        if let known = try await store.customer(contact: key) { return (known.id, nil) }
        // A new customer written to as `"Lucía Pérez" <lucia@example.com>` is Lucía Pérez.
        let displayName = request.channel == .email ? (try? EmailAddress(validating: first))?.displayName : nil
        let customer = Customer(id: ids.next("cus"), name: request.customerName ?? displayName ?? "", emailAddresses: request.channel == .email ? [key] : [],
                                phoneNumbers: request.channel == .email ? [] : [key])
        return (customer.id, customer)
    }

    // MARK: Messages

    /// The record the rules check and the interaction keeps (the summary is filled once
    /// composed; the rules never read it).
    private func message(for message: OutgoingMessage, id: String, interaction: String) -> Interaction.Message {
        Interaction.Message(id: id, author: nil, at: clock(), subject: message.subject, template: message.template,
                            attachments: message.attachments.map { URL(fileURLWithPath: $0).lastPathComponent }, voiceNote: message.voiceNote,
                            outboxKey: Self.outboxKey(interaction: interaction, message: id))
    }

    /// The message composed for the interaction's channel from the campaign's sender identity,
    /// made ready to store, and what the customer reads of it.
    private func compose(_ message: OutgoingMessage, record: Interaction.Message, for interaction: Interaction,
                         in campaign: Campaign) async throws -> (outbounds: [Outbound], summary: String) {
        var request = MessageRequest(to: interaction.contact.to, attachments: message.attachments)
        request.channel = interaction.channel
        request.countryCode = campaign.countryCode
        request.idempotencyKey = record.outboxKey
        request.whatsapp.voiceNote = message.voiceNote
        switch interaction.channel {
        case .email:
            request.from = campaign.channels.email?.from
            request.cc = message.cc ?? interaction.contact.cc
            request.bcc = interaction.contact.bcc
            request.subject = message.subject ?? interaction.contact.subject
            if let reply = try await replyDefaults(for: interaction) {
                // An answer to the customer: to them (or their Reply-To), everyone else copied,
                // one Re:, and the thread continued.
                request.to = reply.to
                request.cc = message.cc ?? reply.cc
                request.subject = message.subject ?? reply.subject
                request.inReplyTo = reply.inReplyTo.map { [$0] } ?? []
                request.references = reply.references
            }
            // A reply token: the customer's answer names this interaction.
            if let from = campaign.channels.email?.from, let domain = try? EmailAddress(validating: from).asciiDomain {
                request.messageID = ReplyToken.messageID(interaction: interaction.id, message: record.id, domain: domain)
            }
        case .whatsapp:
            // The campaign's own business number sends it (and its media are uploaded for it).
            request.senderID = campaign.channels.whatsapp?.phoneNumberID
            request.whatsapp.lastInbound = try await lastInbound(for: interaction, in: campaign)?.timeIntervalSince1970
            if let name = message.template {
                request.whatsapp.template = campaign.channels.whatsapp?.template(named: name)
                request.whatsapp.parameters = message.parameters
                request.whatsapp.headerParameter = message.headerParameter
                request.whatsapp.buttonParameters = message.buttonParameters
            }
        case .sms:
            request.senderID = campaign.channels.sms?.number
        case .phone:
            break
        }
        // An approved template is all in the request: its draft is empty.
        let draft = message.draft ?? Draft(document: Document())
        var outbounds = try await prepare(try composer.outbound(draft, request: request).outbounds)
        if let route = campaign.channels.email?.route {
            for index in outbounds.indices where outbounds[index].channel == .email { outbounds[index].route = route }
        }
        var shown = request
        shown.attachments = []
        let text = try composer.render(draft, for: interaction.channel, request: shown, format: .text).text
        return (outbounds, Self.shortened(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// When the customer last wrote to the campaign's WhatsApp number, in any interaction (the
    /// window is the customer's and the number's, not one conversation's).
    func lastInbound(for interaction: Interaction, in campaign: Campaign) async throws -> Date? {
        guard let number = campaign.channels.whatsapp?.phoneNumberID else { return interaction.lastInboundAt }
        let stored = try await store.lastInbound(customer: interaction.customer, channel: .whatsapp, receivedBy: number)
        return [stored, interaction.lastInboundAt].compactMap { $0 }.max()
    }

    /// What a list shows of a message: its first 500 characters.
    static func shortened(_ text: String) -> String {
        text.count <= 500 ? text : String(text.prefix(499)) + "…"
    }

    /// Enqueues a stored message's outbound messages (once: their key) and records the entries.
    private func enqueue(_ outbounds: [Outbound], message: String, in interaction: Interaction) async throws -> Interaction {
        let stored = try await outbox.enqueue(outbounds, now: clock().timeIntervalSince1970)
        try await store.recordOutbox(entries: stored.ids, message: message, interaction: interaction.id)
        var result = interaction
        if let index = result.messages.firstIndex(where: { $0.id == message }) { result.messages[index].outboxEntries = stored.ids }
        return result
    }

    /// The same start again (same ID): the first message, if it was stored, is composed and
    /// enqueued again — the key stores it once.
    private func repeatStart(_ request: StartInteraction, _ existing: Interaction, actor: Agent, directory: Directory) async throws -> Interaction {
        guard existing.history.first?.actor == actor.id, existing.channel == request.channel, existing.history.first?.to?.campaign == request.campaign else {
            throw InboxError(.conflict, "interaction \(existing.id) exists already; start a new one with another ID", field: "id")
        }
        guard let message = request.message, let first = existing.messages.first else { return existing }
        guard let campaign = directory.campaign(existing.campaign) else { throw InboxError.noInteraction(existing.id) }
        return try await repeatSend(message, first, in: existing, campaign: campaign, actor: actor)
    }

    /// A message sent again with its ID: composed again and enqueued under its key (the outbox
    /// returns the entries stored the first time, or stores them now if the first time died
    /// before).
    private func repeatSend(_ message: OutgoingMessage, _ existing: Interaction.Message, in interaction: Interaction, campaign: Campaign,
                            actor: Agent) async throws -> Interaction {
        guard existing.author == actor.id else {
            throw InboxError(.conflict, "interaction \(interaction.id) has a message \(existing.id) already; send a new message with another ID", field: "message.id")
        }
        let composed = try await compose(message, record: existing, for: interaction, in: campaign)
        guard composed.summary == existing.summary, existing.template == message.template else {
            throw InboxError(.conflict, "message \(existing.id) was sent with other content; send a new message with another ID", field: "message.id")
        }
        return try await enqueue(composed.outbounds, message: existing.id, in: interaction)
    }
}
