// Reads an agent's Markdown reply, composes it as an email with Cc, Bcc and an attachment,
// stores it in the durable outbox and delivers it into a Maildir — the library quick start of
// Herald's README, as a program CI builds and runs.
//
//     swift run --package-path Examples/SupportNotifications SupportNotifications WORK_FOLDER
import Foundation
import Herald

let work = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? ".herald-example")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let invoice = work.appendingPathComponent("invoice.txt")
try Data("Invoice 10482: 2 × headphones, 59.00 EUR\n".utf8).write(to: invoice)

// --- The README's library quick start, from here ---
let draft = try Draft.markdown(Array("Hola **Ana**, your refund of *59.00 EUR* is on its way.".utf8))
var request = MessageRequest(from: "Support <help@example.com>", to: ["Ana García <ana@example.com>"],
                             cc: ["orders@example.com"], bcc: ["audit@example.com"],
                             subject: "Your refund", attachments: [invoice.path])
request.idempotencyKey = "refund-10482"                       // the same key is stored once
let composition = try Composer().outbound(draft, request: request)   // every check, nothing stored yet

var settings = DeliveryConfiguration.Settings()
settings.outboxPath = .init(work.appendingPathComponent("outbox.sqlite").path, name: "the outbox")
settings.maildirPath = .init(work.appendingPathComponent("maildir").path, name: "the Maildir")
let delivery = try DeliveryConfiguration(settings)             // or HERALD_SMTP_URL=smtp://… in the environment
let outbox = try delivery.openOutbox()
let stored = try await outbox.enqueue(try await delivery.prepare(composition.outbounds), now: Date().timeIntervalSince1970)
try await OutboxWorker(store: outbox, transports: try delivery.transports(), route: delivery.route).run(untilIdle: true)
// --- to here ---

for id in stored.ids {
    guard let entry = try await outbox.entry(id) else { continue }
    print("outbox message \(id): \(entry.state.rawValue) to \(entry.recipients.map(\.address).joined(separator: ", "))")
    guard entry.state == .sent else { exit(1) }
}
for warning in composition.warnings { print("warning: \(warning)") }
