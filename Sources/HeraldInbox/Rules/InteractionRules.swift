import Foundation
import HeraldChannels
import HeraldMIME

/// The inbox's rules as one pure state machine: an interaction (nil before it starts), a command,
/// the agent giving it and the time make the next interaction and the events of the audit trail —
/// or an error that says what is wrong or missing. Nothing here reads a clock, makes an ID, or
/// touches a store, so the same inputs always give the same answer (the property test runs
/// thousands of random commands through it).
///
/// | command | allowed when | makes |
/// |---|---|---|
/// | start | the channel is enabled in the campaign, the actor is a member; WhatsApp opens with an approved template | active, the actor's, the mandatory form open |
/// | take | pending, the actor is a member | active, the actor's |
/// | send | active, the actor's; the channel carries it | the message added |
/// | transfer to an agent | active (the assignee, or a supervisor); pending (a supervisor); the target is a member | active, the target's |
/// | transfer to a campaign | as above; the target campaign answers on the channel | pending there, uncategorized |
/// | finish | active, the actor's | finished |
/// | categorize | active or finished, the actor's; one of the campaign's categories | the category |
/// | submit form | active or finished, the actor's; the values fit the fields | the submission |
/// | close | finished, categorized and the mandatory form submitted, the actor's | closed |
public struct InteractionRules: Sendable {
    public var directory: Directory

    public init(directory: Directory) {
        self.directory = directory
    }

    public func apply(_ command: InteractionCommand, to interaction: Interaction?, by actor: Agent, at now: Date) throws -> Transition {
        if case .start(let start) = command {
            if let interaction {
                throw InboxError(.conflict, "interaction \(interaction.id) exists already; start a new one with another ID", field: "id")
            }
            return try self.start(start, by: actor, at: now)
        }
        guard let interaction else { throw InboxError(.usage, "\(command.name) needs an interaction; start one first") }
        let campaign = try Authorization.requireVisible(interaction, actor: actor, in: directory)
        if interaction.state == .closed {
            throw InboxError(.conflict, "interaction \(interaction.id) is closed; nothing changes in it any more")
        }
        switch command {
        case .start:
            preconditionFailure("handled above")
        case .take:
            return try take(interaction, in: campaign, by: actor, at: now)
        case .send(let message):
            try requireWorker(interaction, in: campaign, actor, "write in it")
            guard interaction.state == .active else {
                throw InboxError(.conflict, "interaction \(interaction.id) is finished: no more messages can be sent in it")
            }
            return try send(message, in: interaction, campaign: campaign, by: actor, at: now)
        case .transfer(let target, let note):
            return try transfer(interaction, in: campaign, to: target, note: note, by: actor, at: now)
        case .finish:
            try requireWorker(interaction, in: campaign, actor, "finish it")
            guard interaction.state == .active else { throw InboxError(.conflict, "interaction \(interaction.id) is finished already") }
            var after = next(interaction, at: now)
            after.state = .finished
            return record(interaction, after, event(.finished, after, actor, now))
        case .categorize(let category):
            try requireWorker(interaction, in: campaign, actor, "categorize it")
            guard campaign.categories.contains(category) else {
                let quoted = { (name: String) in "\"\(name)\"" }
                let known = campaign.categories.isEmpty ? "it has none yet (an administrator adds them)"
                    : NameSuggestions.offer(category, among: campaign.categories,
                                            list: "its categories: \(campaign.categories.map(quoted).joined(separator: ", "))", quoted: quoted)
                throw InboxError(.input, "\"\(category)\" is not a category of campaign \(campaign.name); \(known)", field: "category")
            }
            var after = next(interaction, at: now)
            after.category = category
            var categorized = event(.categorized, after, actor, now)
            categorized.category = category
            return record(interaction, after, categorized)
        case .submitForm(let formID, let values):
            try requireWorker(interaction, in: campaign, actor, "fill its forms")
            guard let form = campaign.form(formID) else {
                let ids = campaign.forms.map(\.id)
                let known = ids.isEmpty ? "it has no forms" : NameSuggestions.offer(formID, among: ids, list: "its forms: \(ids.joined(separator: ", "))")
                throw InboxError(.input, "campaign \(campaign.name) has no form \(formID); \(known)", field: "form")
            }
            let kept = try form.check(values)
            var after = next(interaction, at: now)
            after.forms.append(FormSubmission(form: form.id, values: kept, submittedBy: actor.id, submittedAt: now))
            if after.openForm == form.id { after.openForm = nil }
            var submitted = event(.formSubmitted, after, actor, now)
            submitted.form = form.id
            return record(interaction, after, submitted)
        case .close:
            try requireWorker(interaction, in: campaign, actor, "close it")
            var missing: [String] = []
            if interaction.state != .finished { missing.append("finish it") }
            if interaction.category == nil { missing.append("categorize it") }
            if let form = campaign.mandatoryForm, !interaction.hasSubmitted(form.id) { missing.append("submit the form \"\(form.name)\"") }
            guard missing.isEmpty else {
                throw InboxError(.conflict, "interaction \(interaction.id) cannot be closed yet: \(Self.sentence(missing)) first")
            }
            var after = next(interaction, at: now)
            after.state = .closed
            after.openForm = nil
            return record(interaction, after, event(.closed, after, actor, now))
        }
    }

    // MARK: Start

    private func start(_ start: InteractionCommand.Start, by actor: Agent, at now: Date) throws -> Transition {
        try Identifier.check(start.id, what: "interaction ID", field: "id")
        let campaign = try Authorization.requireMember(actor, of: start.campaign, in: directory)
        guard campaign.channels.isEnabled(start.channel) else {
            throw InboxError(.input, "campaign \(campaign.name) does not answer on \(start.channel); its channels: \(ChannelID.list(campaign.channels.enabled, last: "and"))",
                             field: "channel")
        }
        guard !start.customer.isEmpty else { throw InboxError(.usage, "a start needs the customer's ID", field: "customer") }
        let contact = try Self.contact(channel: start.channel, to: start.to, cc: start.cc, bcc: start.bcc, subject: start.subject,
                                       countryCode: campaign.countryCode ?? campaign.dialRule?.homeCountryCode)
        var call: Interaction.PhoneCall?
        if start.channel == .phone {
            if start.message != nil {
                throw InboxError(.usage, "a phone interaction starts with a call, not a message; write by email, SMS or WhatsApp instead", field: "message")
            }
            let number = try PhoneNumber(contact.to[0])
            call = Interaction.PhoneCall(number: number.e164, dialled: (campaign.dialRule ?? DialRule()).dialString(for: number))
        }
        var interaction = Interaction(id: start.id, campaign: campaign.id, channel: start.channel, customer: start.customer, state: .active,
                                      assignee: actor.id, contact: contact, call: call, openForm: campaign.mandatoryForm?.id, createdAt: now,
                                      updatedAt: now)
        var created = event(.created, interaction, actor, now)
        created.channel = start.channel
        created.to = interaction.placement
        var events = [created]
        if start.channel != .phone {
            guard let message = start.message else {
                throw InboxError(.input, "\(Self.an(start.channel)) interaction starts with its first message; give its text or a template",
                                 field: "message")
            }
            let windowOpen = CustomerServiceWindow(lastInbound: start.lastInbound?.timeIntervalSince1970).isOpen(at: now.timeIntervalSince1970)
            if start.channel.capabilities.templateRequiredToOpen && message.template == nil && !windowOpen {
                throw InboxError(.input, "a WhatsApp interaction must open with an approved template (HSM): a free-form first message would never reach the customer; "
                    + "choose one of campaign \(campaign.name)'s templates (\(Self.templateNames(campaign)))", field: "message.template")
            }
            let added = try send(message, in: interaction, campaign: campaign, by: actor, at: now)
            interaction = added.after
            interaction.version = 1
            events += added.events
        }
        interaction.history = events
        return Transition(before: nil, after: interaction, events: events)
    }

    /// The contact of a new interaction, checked for its channel: email addresses (To, Cc, Bcc)
    /// parsed and a subject; for the other channels exactly one number, in E.164 (the
    /// campaign's calling code completes a national one).
    public static func contact(channel: ChannelID, to: [String], cc: [String], bcc: [String], subject: String?,
                               countryCode: String?) throws -> Interaction.Contact {
        switch channel {
        case .email:
            let given = to.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard !given.isEmpty else { throw InboxError(.input, "an email interaction needs the customer's address", field: "to") }
            for (values, field) in [(given, "to"), (cc, "cc"), (bcc, "bcc")] {
                for value in values {
                    do {
                        _ = try AddressParser.parseList(value, field: "\(field == "to" ? "To" : field == "cc" ? "Cc" : "Bcc") address")
                    } catch let error as AddressError {
                        throw InboxError(.input, error.description, field: field)
                    }
                }
            }
            guard let subject = subject?.trimmingCharacters(in: .whitespaces), !subject.isEmpty else {
                throw InboxError(.input, "an email interaction needs a subject", field: "subject")
            }
            return Interaction.Contact(to: given, cc: cc, bcc: bcc, subject: subject)
        case .sms, .whatsapp, .phone:
            guard cc.isEmpty && bcc.isEmpty else {
                throw InboxError(.input, "\(channel) has no Cc or Bcc; \(an(channel)) interaction is with one number", field: "cc")
            }
            let numbers = to.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard numbers.count == 1 else {
                throw InboxError(.input, "\(an(channel)) interaction is with one number, like +34612345678; \(numbers.count) given", field: "to")
            }
            do {
                return Interaction.Contact(to: [try PhoneNumber(numbers[0], defaultCountryCode: countryCode).e164])
            } catch let error as PhoneNumberError {
                throw InboxError(.input, error.description, field: "to")
            }
        }
    }

    // MARK: Take, send, transfer

    private func take(_ interaction: Interaction, in campaign: Campaign, by actor: Agent, at now: Date) throws -> Transition {
        guard campaign.hasMember(actor.id) else {
            throw InboxError(.unauthorized, "only members of campaign \(campaign.name) take its interactions")
        }
        guard interaction.state == .pending else {
            let who = interaction.assignee == actor.id ? "you" : directory.name(of: interaction.assignee)
            throw InboxError(.conflict, "interaction \(interaction.id) is already taken by \(who)")
        }
        var after = next(interaction, at: now)
        after.state = .active
        after.assignee = actor.id
        after.openForm = Self.formToOpen(after, campaign)
        var taken = event(.taken, after, actor, now)
        taken.to = after.placement
        return record(interaction, after, taken)
    }

    /// The message's checks, then the message added: the channel must carry what it holds
    /// (`Channel.validate`: no attachments on SMS, voice notes only on WhatsApp), an approved
    /// template must be WhatsApp's and the campaign's, a message ID is used once.
    private func send(_ message: Interaction.Message, in interaction: Interaction, campaign: Campaign, by actor: Agent, at now: Date) throws -> Transition {
        let contact = interaction.contact
        try interaction.channel.channel.validate(MessageOutline(to: contact.to, cc: contact.cc, bcc: contact.bcc, attachments: message.attachments,
                                                                voiceNote: message.voiceNote))
        if let name = message.template {
            guard interaction.channel == .whatsapp, let templates = campaign.channels.whatsapp else {
                throw InboxError(.input, "approved templates are WhatsApp's; on \(interaction.channel), write the message (or use a Herald template)", field: "message.template")
            }
            guard templates.template(named: name) != nil else {
                throw InboxError(.input, "\(name) is not an approved template of campaign \(campaign.name); its templates: \(Self.templateNames(campaign))",
                                 field: "message.template")
            }
        }
        if interaction.messages.contains(where: { $0.id == message.id }) {
            throw InboxError(.conflict, "interaction \(interaction.id) has a message \(message.id) already", field: "message.id")
        }
        var sent = message
        sent.direction = .outbound
        sent.author = actor.id
        sent.at = now
        if interaction.channel == .email && sent.subject == nil { sent.subject = contact.subject }
        var after = next(interaction, at: now)
        after.messages.append(sent)
        var event = event(.messageSent, after, actor, now)
        event.message = sent.id
        return record(interaction, after, event)
    }

    private func transfer(_ interaction: Interaction, in campaign: Campaign, to target: TransferTarget, note: String?, by actor: Agent,
                          at now: Date) throws -> Transition {
        guard campaign.hasMember(actor.id) else {
            throw InboxError(.unauthorized, "only members of campaign \(campaign.name) transfer its interactions")
        }
        switch interaction.state {
        case .pending:
            guard Authorization.supervises(actor) else { throw InboxError(.conflict, "interaction \(interaction.id) is pending: take it first") }
        case .active:
            guard interaction.assignee == actor.id || Authorization.supervises(actor) else {
                throw InboxError(.unauthorized, "interaction \(interaction.id) is assigned to \(directory.name(of: interaction.assignee)); only they or a supervisor can transfer it")
            }
        case .finished, .closed:
            throw InboxError(.conflict, "interaction \(interaction.id) is finished: it stays where it is; categorize and close it")
        }
        var after = next(interaction, at: now)
        switch target {
        case .agent(let agentID):
            guard let agent = directory.agent(agentID), campaign.hasMember(agentID) else {
                // A near miss among the members (an ID mistyped in the API) is named first.
                let guess = NameSuggestions.didYouMean(agentID, among: campaign.members).map { "\($0) " } ?? ""
                throw InboxError(.input, "no agent \(agentID) among the members of campaign \(campaign.name); \(guess)transfer to one of them, or to another campaign",
                                 field: "to")
            }
            guard interaction.assignee != agentID else {
                throw InboxError(.conflict, "interaction \(interaction.id) is already assigned to \(agent.name)", field: "to")
            }
            after.state = .active
            after.assignee = agentID
            after.openForm = Self.formToOpen(after, campaign)
        case .campaign(let campaignID):
            guard let destination = directory.campaign(campaignID) else { throw InboxError.noCampaign(campaignID) }
            guard destination.id != campaign.id else {
                throw InboxError(.input, "interaction \(interaction.id) is in campaign \(campaign.name) already; transfer it to one of its agents instead", field: "to")
            }
            guard destination.channels.isEnabled(interaction.channel) else {
                throw InboxError(.input, "campaign \(destination.name) does not answer on \(interaction.channel); its channels: \(ChannelID.list(destination.channels.enabled, last: "and"))",
                                 field: "to")
            }
            // The category and the open form were the old campaign's: the new one has its own.
            after.campaign = destination.id
            after.state = .pending
            after.assignee = nil
            after.category = nil
            after.openForm = nil
        }
        var transferred = event(.transferred, after, actor, now)
        transferred.from = interaction.placement
        transferred.to = after.placement
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        transferred.note = trimmed?.isEmpty == false ? trimmed : nil
        return record(interaction, after, transferred)
    }

    // MARK: Helpers

    /// Working on an interaction (writing, finishing, categorizing, forms, closing) is its
    /// assignee's: a pending one is taken first.
    private func requireWorker(_ interaction: Interaction, in campaign: Campaign, _ actor: Agent, _ doing: String) throws {
        guard campaign.hasMember(actor.id) else {
            throw InboxError(.unauthorized, "only members of campaign \(campaign.name) can \(doing)")
        }
        guard interaction.state != .pending else { throw InboxError(.conflict, "interaction \(interaction.id) is pending: take it first") }
        guard interaction.assignee == actor.id else {
            throw InboxError(.unauthorized, "interaction \(interaction.id) is assigned to \(directory.name(of: interaction.assignee)); only they can \(doing)")
        }
    }

    /// The campaign's mandatory form, unless it was submitted already.
    private static func formToOpen(_ interaction: Interaction, _ campaign: Campaign) -> String? {
        guard let form = campaign.mandatoryForm, !interaction.hasSubmitted(form.id) else { return nil }
        return form.id
    }

    /// "an email", "an sms", "a whatsapp", "a phone".
    static func an(_ channel: ChannelID) -> String {
        (channel == .email || channel == .sms ? "an " : "a ") + channel.rawValue
    }

    private static func templateNames(_ campaign: Campaign) -> String {
        let names = campaign.channels.whatsapp?.templates.map(\.name) ?? []
        return names.isEmpty ? "it has none; an administrator adds the approved ones" : names.joined(separator: ", ")
    }

    private func next(_ interaction: Interaction, at now: Date) -> Interaction {
        var after = interaction
        after.version += 1
        after.updatedAt = now
        return after
    }

    private func event(_ kind: Interaction.Event.Kind, _ interaction: Interaction, _ actor: Agent, _ now: Date) -> Interaction.Event {
        Interaction.Event(interaction: interaction.id, kind: kind, actor: actor.id, at: now)
    }

    private func record(_ before: Interaction, _ after: Interaction, _ event: Interaction.Event) -> Transition {
        var after = after
        after.history.append(event)
        return Transition(before: before, after: after, events: [event])
    }

    /// "finish it, categorize it and submit the form "Survey"".
    static func sentence(_ parts: [String]) -> String {
        guard parts.count > 1, let last = parts.last else { return parts.first ?? "" }
        return parts.dropLast().joined(separator: ", ") + " and " + last
    }
}
