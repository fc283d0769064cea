// Fills an inbox with interactions for the server benchmark (Benchmarks/server-load.sh), through
// the HeraldInbox library itself — the same `Inbox` commands the API calls, so every row is one
// the rules made — but without HTTP, so 10,000 take about a minute, not the benchmark's time.
//
//     InboxSeed DATA-FOLDER [--interactions N] [--active N]
//
// DATA-FOLDER holds an inbox with the demo team (herald inbox load Examples/inbox/demo-team.yml):
// billing (ana, bruno, carla) and sales (bruno, dani). Of N interactions (10,000 by default):
// every agent holds `--active` (50 by default) in their Active tab, four in five active and one
// in five finished (waiting for a category); 5% wait in a campaign's Pending tab (transferred there from the other); the rest are
// closed — finished, categorized, the survey submitted — spread over the agents, as the history
// of a working inbox is. Seven in ten are email (each with its first message composed, as a
// start through the API makes it), three in ten phone calls; customers come back (one in three
// starts is with a customer met before). Messages are enqueued in a throwaway outbox beside the
// data folder, so the server's worker does not deliver 7,000 seeded messages during the run.
import Foundation
import Herald
import HeraldInbox

struct Arguments {
    var data = ""
    var interactions = 10_000
    var active = 50

    init(_ words: [String]) throws {
        var rest = words[...]
        while let word = rest.popFirst() {
            switch word {
            case "--interactions", "--active":
                guard let text = rest.popFirst(), let value = Int(text), value >= 0 else { throw Usage("\(word) takes a whole number") }
                if word == "--interactions" { interactions = value } else { active = value }
            default:
                guard data.isEmpty, !word.hasPrefix("-") else { throw Usage("unknown argument \(word)") }
                data = word
            }
        }
        guard !data.isEmpty else { throw Usage("give the data folder") }
    }
}

struct Usage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = "InboxSeed: \(description)\nusage: InboxSeed DATA-FOLDER [--interactions N] [--active N]" }
}

/// Hands out the seeded times: a month of history, one step per call, so the tabs' order by
/// time is the order of creation (and never a tie).
final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Date
    private let step: TimeInterval

    init(start: Date, step: TimeInterval) {
        next = start
        self.step = step
    }

    func now() -> Date {
        lock.withLock {
            next += step
            return next
        }
    }
}

/// What becomes of one seeded interaction.
enum Fate {
    case active(finished: Bool)
    case pending
    case closed
}

struct Plan {
    var agent: String
    var campaign: String
    var email: Bool
    var fate: Fate
    var customer: Int
}

let team: [(agent: String, campaign: String)] = [("ana", "billing"), ("bruno", "billing"), ("carla", "billing"), ("bruno", "sales"), ("dani", "sales")]
let agents = ["ana", "bruno", "carla", "dani"]

func plans(_ arguments: Arguments) -> [Plan] {
    var plans: [Plan] = []
    func add(_ agent: String, _ campaign: String, _ fate: Fate) {
        plans.append(Plan(agent: agent, campaign: campaign, email: plans.count % 10 < 7, fate: fate, customer: 0))
    }
    for agent in agents {
        let campaign = team.first { $0.agent == agent }?.campaign ?? "billing"
        for index in 0..<arguments.active { add(agent, campaign, .active(finished: index % 5 == 4)) }
    }
    let pending = arguments.interactions / 20
    for index in 0..<pending { add(team[index % team.count].agent, team[index % team.count].campaign, .pending) }
    let closed = max(0, arguments.interactions - plans.count)
    for index in 0..<closed { add(team[index % team.count].agent, team[index % team.count].campaign, .closed) }
    // Mixed in time: the Active tab's interactions are not all the newest.
    var generator = SeededGenerator(seed: 14)
    plans.shuffle(using: &generator)
    // One start in three is with a customer met before: one whose start ran well before (four
    // run at a time; two first starts with the same address at once would both make the customer).
    for index in plans.indices { plans[index].customer = index % 3 == 2 && index > 12 ? index / 3 : index }
    return plans
}

/// A fixed sequence (SplitMix64): the same inbox every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func seed(_ plan: Plan, inbox: Inbox) async throws {
    let start: StartInteraction
    if plan.email {
        start = StartInteraction(channel: .email, campaign: plan.campaign, to: ["Customer \(plan.customer) <customer\(plan.customer)@example.com>"],
                                 subject: "Order \(plan.customer)", customerName: "Customer \(plan.customer)",
                                 message: try .text("Hello, about **order \(plan.customer)**: it left our warehouse today. Reply to this email with any question."))
    } else {
        start = StartInteraction(channel: .phone, campaign: plan.campaign, to: ["+34 6" + String(String(plan.customer + 100_000_000).suffix(8))], customerName: "Customer \(plan.customer)")
    }
    let id = try await inbox.start(start, by: plan.agent).id
    switch plan.fate {
    case .active(let finished):
        if finished { _ = try await inbox.finish(id, by: plan.agent) }
    case .pending:
        // To the other campaign: a transfer within its own is to one of its agents.
        let other = plan.campaign == "billing" ? "sales" : "billing"
        _ = try await inbox.transfer(id, to: .campaign(other), note: "for whoever is free", by: plan.agent)
    case .closed:
        _ = try await inbox.finish(id, by: plan.agent)
        _ = try await inbox.categorize(id, as: plan.campaign == "billing" ? "Resolved" : "Won", by: plan.agent)
        if plan.campaign == "billing" { _ = try await inbox.submitForm("survey", values: ["satisfaction": "good"], in: id, by: plan.agent) }
        _ = try await inbox.close(id, by: plan.agent)
    }
}

func main() async throws {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let folder = URL(fileURLWithPath: arguments.data)
    let store = try SQLiteInboxStore(path: folder.appendingPathComponent("inbox.sqlite").path, create: false)
    let outboxPath = folder.deletingLastPathComponent().appendingPathComponent("seed-outbox.sqlite").path
    let outbox = try SQLiteOutboxStore(path: outboxPath)
    let all = plans(arguments)
    let clock = Clock(start: Date().addingTimeInterval(-30 * 86_400), step: 30 * 86_400 / Double(max(1, all.count * 5)))
    let inbox = Inbox(store: store, outbox: outbox, clock: { clock.now() })
    let began = ContinuousClock.now
    // Four at a time: SQLite writes one transaction at a time, composing and reading overlap.
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = all.makeIterator()
        for _ in 0..<4 {
            guard let plan = next.next() else { break }
            group.addTask { try await seed(plan, inbox: inbox) }
        }
        while try await group.next() != nil {
            guard let plan = next.next() else { continue }
            group.addTask { try await seed(plan, inbox: inbox) }
        }
    }
    let elapsed = ContinuousClock.now - began
    let tab = try await store.active(assignee: "ana", limit: Int.max)
    print("seeded \(all.count) interactions in \(elapsed.components.seconds) s; ana's Active tab holds \(tab.count)")
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
