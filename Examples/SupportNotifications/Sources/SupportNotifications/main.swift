// Reads an agent's Markdown reply, composes it as an email with Cc, Bcc and an attachment,
// stores it in the durable outbox and delivers it — Herald's README library quick start, as a
// program CI builds and runs. Without HERALD_SMTP_URL it delivers into the Maildir of the folder
// it is given (the outbox and the Maildir are made there), and it refuses a second delivery of
// the same message: the idempotency key stores it once.
//
//     swift run --package-path Examples/SupportNotifications SupportNotifications WORK_FOLDER
import Foundation
import Herald

let work = CommandLine.arguments.dropFirst().first ?? ".herald-example"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
guard FileManager.default.changeCurrentDirectoryPath(work) else { fatalError("cannot enter \(work)") }
// A one-page PDF for the attachment (libmagic checks what it is).
try Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8).write(to: URL(fileURLWithPath: "invoice.pdf"))

// The README's quick start, word for word (HeraldTests checks it is):
let draft = try Draft.markdown(Array("Hola **Ana**, your refund of *59.00 EUR* is on its way.".utf8))
var request = MessageRequest(from: "Support <help@example.com>", to: ["Ana García <ana@example.com>"],
                             cc: ["orders@example.com"], bcc: ["audit@example.com"],
                             subject: "Your refund", attachments: ["invoice.pdf"])
request.idempotencyKey = "refund-10482"                              // stored once, however often sent
let composition = try Composer().outbound(draft, request: request)   // every check; nothing stored yet

let delivery = try DeliveryConfiguration()      // HERALD_SMTP_URL=smtp://… or .herald/maildir
let outbox = try await delivery.openOutbox()          // .herald/outbox.sqlite
let stored = try await outbox.enqueue(try await delivery.prepare(composition.outbounds), now: Date().timeIntervalSince1970)
try await OutboxWorker(store: outbox, transports: try delivery.transports(), route: delivery.route).run(untilIdle: true)
// (end of the quick start)

for id in stored.ids {
    guard let entry = try await outbox.entry(id) else { continue }
    print("outbox message \(id): \(entry.state.rawValue) to \(entry.recipients.map(\.address).joined(separator: ", "))")
    guard entry.state == .sent else { exit(1) }
}
for warning in composition.warnings { print("warning: \(warning)") }
