import Foundation
import Herald
@testable import HeraldInbox
import Testing

/// Random sequences of commands by random agents never reach a state the rules forbid, and
/// every refusal is an error of Herald's family with its category.
///
/// 1,000 seeded sequences of 30 commands each (start, take, send, transfer to an agent or a
/// campaign, finish, categorize, submit a form, close), each by one of the five agents of
/// `Team` — members, non-members, a supervisor, an administrator — with valid and invalid
/// values. After every accepted command the new state is checked against the rules; after
/// every refused one, the error. The counts at the end make sure the sequences really reach
/// every transition (a test whose commands were all refused would prove nothing).
@Suite struct InteractionRulesPropertyTests {
    static let sequences = 1000
    static let commandsPerSequence = 30

    @Test func randomCommandSequencesNeverReachAForbiddenState() throws {
        var accepted: [String: Int] = [:]
        var refused: [HeraldError.Category: Int] = [:]
        var closedReached = 0
        for seed in 1...UInt64(Self.sequences) {
            var random = SplitMix64(seed: seed)
            var world = World()
            for step in 0..<Self.commandsPerSequence {
                let (command, target, actor) = world.randomCommand(using: &random)
                let before = target.flatMap { world.interactions[$0] }
                let now = Team.now.addingTimeInterval(Double(step))
                do {
                    let transition = try InteractionRules(directory: Team.directory).apply(command, to: before, by: actor, at: now)
                    try Self.check(transition, command: command, before: before, actor: actor, now: now, seed: seed, step: step)
                    world.interactions[transition.after.id] = transition.after
                    accepted[command.name, default: 0] += 1
                    if transition.after.state == .closed { closedReached += 1 }
                } catch let failure as PropertyFailure {
                    Issue.record("seed \(seed), step \(step), \(command.name) by \(actor.id): \(failure.message)")
                    return
                } catch let error as any CategorizedError {
                    refused[error.category, default: 0] += 1
                    #expect(!error.description.isEmpty)
                    // The pure rules never fail on I/O or delivery: a refusal is about the request.
                    #expect([.usage, .input, .conflict, .notFound, .unauthorized].contains(error.category), "seed \(seed) step \(step): \(error)")
                    if let before, !Authorization.canSee(before, actor: actor, in: Team.directory) {
                        // Outside their campaigns, an interaction is exactly as absent as one that does not exist.
                        #expect(error.category == .notFound && error.description == "no interaction \(before.id)", "seed \(seed) step \(step): \(error)")
                    }
                } catch {
                    Issue.record("seed \(seed), step \(step), \(command.name) by \(actor.id): \(error) is not a CategorizedError")
                    return
                }
            }
        }
        // Every command was accepted many times, and sequences reached the end of the road.
        for name in ["start", "take", "send", "transfer", "finish", "categorize", "submit form", "close"] {
            #expect(accepted[name, default: 0] >= 50, "\(name) accepted only \(accepted[name, default: 0]) times")
        }
        #expect(closedReached >= 50)
        for category in [HeraldError.Category.input, .conflict, .notFound, .unauthorized] {
            #expect(refused[category, default: 0] >= 20, "only \(refused[category, default: 0]) refusals of category \(category)")
        }
    }

    struct PropertyFailure: Error {
        var message: String
    }

    /// What every accepted transition must satisfy.
    static func check(_ transition: Transition, command: InteractionCommand, before: Interaction?, actor: Agent, now: Date, seed: UInt64,
                      step: Int) throws {
        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw PropertyFailure(message: message()) }
        }
        let after = transition.after
        let campaign = try #require(Team.directory.campaign(after.campaign))
        // The state's own invariants.
        switch after.state {
        case .pending:
            try require(after.assignee == nil, "pending with an assignee (\(after.assignee ?? ""))")
        case .active, .finished, .closed:
            try require(after.assignee != nil, "\(after.state) without an assignee")
        }
        if after.state == .active, let assignee = after.assignee {
            try require(campaign.hasMember(assignee), "active for \(assignee), who is not a member of \(campaign.id)")
        }
        if after.state == .closed {
            try require(before?.state == .finished, "closed from \(before?.state.rawValue ?? "nothing"), not from finished")
            try require(after.category.map(campaign.categories.contains) == true, "closed without one of the campaign's categories")
            if let form = campaign.mandatoryForm { try require(after.hasSubmitted(form.id), "closed without the mandatory form") }
        }
        if let category = after.category {
            try require(campaign.categories.contains(category), "category \(category) is not \(campaign.id)'s")
        }
        for submission in after.forms {
            let form = try #require(campaign.form(submission.form) ?? Team.campaigns.compactMap { $0.form(submission.form) }.first)
            _ = try form.check(submission.values)
        }
        // The actor acted inside their campaigns.
        let actingIn = before?.campaign ?? after.campaign
        try require(Team.directory.campaign(actingIn)?.hasMember(actor.id) == true, "\(actor.id) acted in \(actingIn), not one of their campaigns")
        // Nothing happens to a closed interaction; history and messages only grow.
        try require(before?.state != .closed, "a closed interaction changed")
        try require(after.version == (before?.version ?? 0) + 1, "version \(after.version) after \(before?.version ?? 0)")
        try require(after.history == (before?.history ?? []) + transition.events, "the history is not the old one plus the new events")
        try require(!transition.events.isEmpty && transition.events.allSatisfy { $0.actor == actor.id && $0.at == now && $0.interaction == after.id },
                    "events without their actor, time or interaction")
        try require(Array(after.messages.prefix(before?.messages.count ?? 0)) == (before?.messages ?? []), "earlier messages changed")
        // Messages only while active (or at the start), and only what the channel carries.
        let added = transition.addedMessages
        if !added.isEmpty {
            try require(before == nil || before?.state == .active, "a message added while \(before?.state.rawValue ?? "")")
            try require(after.channel != .phone, "a message on the phone")
        }
        for message in added {
            try require(message.attachments.isEmpty || after.channel != .sms, "an attachment on SMS")
            try require(!message.voiceNote || after.channel == .whatsapp, "a voice note on \(after.channel)")
            try require(message.author == actor.id, "a message by \(message.author ?? "nobody") sent by \(actor.id)")
            if let template = message.template { try require(campaign.channels.whatsapp?.template(named: template) != nil, "template \(template) is not approved") }
        }
        if before == nil && after.channel == .whatsapp {
            try require(after.messages.first?.template != nil, "a WhatsApp interaction opened without an approved template")
        }
        // Each command's own transition.
        let from = before?.state
        switch command {
        case .start:
            try require(before == nil && after.state == .active && after.assignee == actor.id, "start made \(after.state) for \(after.assignee ?? "")")
            try require(after.openForm == campaign.mandatoryForm?.id, "start did not open the mandatory form")
        case .take:
            try require(from == .pending && after.state == .active && after.assignee == actor.id, "take from \(from?.rawValue ?? "")")
        case .send, .categorize, .submitForm:
            try require(from == after.state && (from == .active || (from == .finished && !isSend(command))), "\(command.name) from \(from?.rawValue ?? "")")
            try require(before?.assignee == actor.id, "\(command.name) by someone else than the assignee")
        case .transfer(let target, _):
            try require(from == .active || from == .pending, "transfer from \(from?.rawValue ?? "")")
            switch target {
            case .agent(let agent): try require(after.state == .active && after.assignee == agent, "a transfer to \(agent) gave \(after.assignee ?? "")")
            case .campaign(let id): try require(after.state == .pending && after.campaign == id && after.category == nil, "a transfer to \(id)")
            }
        case .finish:
            try require(from == .active && after.state == .finished && before?.assignee == actor.id, "finish from \(from?.rawValue ?? "")")
        case .close:
            try require(after.state == .closed && before?.assignee == actor.id, "close by someone else than the assignee")
        }
    }

    static func isSend(_ command: InteractionCommand) -> Bool {
        if case .send = command { return true }
        return false
    }
}

/// The interactions of one random sequence, and how its next command is drawn.
private struct World {
    var interactions: [String: Interaction] = [:]
    var counter = 0

    mutating func randomCommand(using random: inout SplitMix64) -> (InteractionCommand, String?, Agent) {
        counter += 1
        let agents = Team.agents
        // Mostly an existing interaction (by its assignee more often than not, so that whole
        // lives happen), sometimes a start.
        guard !interactions.isEmpty, Int.random(in: 0..<5, using: &random) > 0 else {
            return (.start(randomStart(using: &random)), nil, agents.randomElement(using: &random) ?? Team.ana)
        }
        let ids = interactions.keys.sorted()
        let id = ids[Int.random(in: 0..<ids.count, using: &random)]
        let interaction = interactions[id]!
        var actor = agents.randomElement(using: &random) ?? Team.ana
        if let assignee = interaction.assignee, Int.random(in: 0..<10, using: &random) < 6, let agent = Team.directory.agent(assignee) {
            actor = agent
        } else if interaction.state == .pending, Int.random(in: 0..<2, using: &random) == 0,
                  let member = Team.directory.campaign(interaction.campaign)?.members.randomElement(using: &random), let agent = Team.directory.agent(member) {
            actor = agent
        }
        let campaign = Team.directory.campaign(interaction.campaign) ?? Team.billing
        let command: InteractionCommand
        switch Int.random(in: 0..<9, using: &random) {
        case 0:
            command = .take
        case 1:
            command = .send(randomMessage(channel: interaction.channel, using: &random))
        case 2:
            let agent = agents.randomElement(using: &random)?.id ?? "ana"
            command = .transfer(to: .agent(agent), note: Bool.random(using: &random) ? "the customer asks for a refund" : nil)
        case 3:
            let target = (Team.campaigns.map(\.id) + ["nowhere"]).randomElement(using: &random) ?? "sales"
            command = .transfer(to: .campaign(target), note: nil)
        case 4:
            command = .finish
        case 5:
            let categories = campaign.categories + ["Spam", ""]
            command = .categorize(categories.randomElement(using: &random) ?? "Spam")
        case 6:
            command = .submitForm(form: Int.random(in: 0..<6, using: &random) == 0 ? "unknown" : "survey", values: randomValues(using: &random))
        default:
            command = .close
        }
        return (command, id, actor)
    }

    mutating func randomStart(using random: inout SplitMix64) -> InteractionCommand.Start {
        let channel = ChannelID.allCases.randomElement(using: &random) ?? .email
        let campaign = Team.campaigns.randomElement(using: &random)?.id ?? "billing"
        let to: [String]
        switch channel {
        case .email: to = [["lucia@example.com"], ["Lucía <lucia@example.com>", "pablo@example.com"], [], ["not an address"]].randomElement(using: &random) ?? []
        default: to = [["+34612345678"], ["612 345 678"], ["12"], ["+34612345678", "+34698765432"]].randomElement(using: &random) ?? []
        }
        let message: Interaction.Message? = channel == .phone && Int.random(in: 0..<4, using: &random) > 0 ? nil
            : Int.random(in: 0..<8, using: &random) == 0 ? nil : randomMessage(channel: channel, using: &random)
        return InteractionCommand.Start(id: "int-\(counter)", campaign: campaign, channel: channel, customer: "cus-1", to: to,
                                        subject: Int.random(in: 0..<6, using: &random) == 0 ? nil : "Your invoice", message: message)
    }

    mutating func randomMessage(channel: ChannelID, using random: inout SplitMix64) -> Interaction.Message {
        let template: String? = channel == .whatsapp && Int.random(in: 0..<3, using: &random) > 0
            ? (Int.random(in: 0..<5, using: &random) == 0 ? "unapproved" : "order_update") : (Int.random(in: 0..<12, using: &random) == 0 ? "order_update" : nil)
        let attachments = Int.random(in: 0..<4, using: &random) == 0 ? ["invoice.pdf"] : []
        return Interaction.Message(id: "msg-\(counter)", author: nil, at: Team.now, template: template, attachments: attachments,
                                   voiceNote: Int.random(in: 0..<6, using: &random) == 0)
    }

    func randomValues(using random: inout SplitMix64) -> [String: String] {
        var values: [String: String] = [:]
        if Int.random(in: 0..<6, using: &random) > 0 { values["satisfaction"] = ["good", "bad", "meh"].randomElement(using: &random) }
        if Bool.random(using: &random) { values["age"] = ["42", "-3.5", "forty", "nan"].randomElement(using: &random) }
        if Bool.random(using: &random) { values["visit"] = ["2026-11-30", "2026-02-30", "30/11/2026"].randomElement(using: &random) }
        if Int.random(in: 0..<8, using: &random) == 0 { values["shoe size"] = "42" }
        return values
    }
}
