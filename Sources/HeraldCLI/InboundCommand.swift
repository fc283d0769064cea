import ArgumentParser
import Foundation
import Herald
import HeraldInbox

/// `herald inbound`: customers' email into the inbox — one message from a file or an MTA's pipe
/// (Postfix `pipe`, procmail), or what is new in an IMAP folder. Exit statuses an MTA acts on:
/// 75 (EX_TEMPFAIL: try again later) when the inbox cannot store now, 67 (EX_NOUSER: bounce)
/// when no campaign answers at the address, 65 for a message that cannot be a customer's.
struct InboundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbound",
        abstract: "Bring customers' email into the inbox: a message file or standard input (an MTA's pipe), or an IMAP folder's new mail.")

    @Argument(help: "The message (.eml), or - for standard input. Not with --imap.") var file: String?
    @Option(help: "Fetch the new messages of an IMAP folder instead: imaps://host/INBOX (account in HERALD_IMAP_USERNAME and HERALD_IMAP_PASSWORD).")
    var imap: String?
    @Option(name: .customLong("imap-move-to"), help: "With --imap: move imported messages to this folder (default: flag them \\Seen).") var moveTo: String?
    @Option(help: "The envelope recipient the MTA delivered to (Postfix: ${recipient}): finds the campaign when the headers do not.") var recipient: String?
    @Flag(name: .customLong("dry-run"), help: "Print what Herald understood and where it would go; store nothing.") var dryRun = false
    @Option(help: "text (one line per message) or json (everything the parser understood).") var format: String = "text"
    @OptionGroup var data: DataOptions

    /// The largest message read from standard input (100 MB): above any mail server's limit.
    static let standardInputLimit = 100 << 20

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json, not '\(format)'") }
        guard (file == nil) != (imap == nil) else { throw ValidationError("give one message file (or - for standard input), or --imap URL") }
        if moveTo != nil && imap == nil { throw ValidationError("--imap-move-to moves IMAP messages; give --imap URL") }
    }

    func run() async throws {
        do {
            let store = try data.openInbox(create: false)
            let outbox = try SQLiteOutboxStore(path: URL(fileURLWithPath: data.data).appendingPathComponent("outbox.sqlite").path)
            let importer = EmailImport(inbox: Inbox(store: store, outbox: outbox), files: InboundFiles(dataFolder: data.data))
            if let imap {
                let configuration = try IMAPConfiguration.fromEnvironment(url: imap, moveTo: moveTo)
                let run = IMAPImport(configuration: configuration, store: store, workFolder: importer.files.folder + "/.imap")
                let summary = try await run.run(with: importer) { print($0) }
                for refused in summary.refused { warn("UID \(refused.uid) stays on the server, not imported: \(refused.reason)") }
                say("\(summary.receptions.count) message\(summary.receptions.count == 1 ? "" : "s") imported from \(imap)")
                return
            }
            let path = try file == "-" ? readStandardInput() : file ?? ""
            defer { if file == "-" { try? FileManager.default.removeItem(atPath: path) } }
            print(try await importer.importMessage(at: path, recipient: recipient, dryRun: dryRun))
        } catch let error as any CategorizedError {
            // What the MTA does next: retry later, bounce, or refuse as bad data.
            let status: Int32 = switch error.category {
            case .io, .delivery: 75
            case .notFound: 67
            case .usage: ExitStatus.usage
            default: ExitStatus.badInput
            }
            throw fail(error.description, status: status)
        } catch let failure as CommandFailure where failure.status == ExitStatus.ioError {
            // No inbox where --data says, standard input unwritable: the MTA keeps the message.
            throw fail(failure.message, status: 75)
        }
    }

    private func print(_ result: EmailImport.Result) {
        if format == "json" {
            let report = EmailImport.Report(result, stored: !dryRun)
            let json = (try? InboundEmail.jsonEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            say(json)
        } else {
            say(result.line(dryRun: dryRun))
        }
    }

    /// Standard input into a file beside the inbox (the parser reads files), up to the limit.
    private func readStandardInput() throws -> String {
        let path = URL(fileURLWithPath: data.data).appendingPathComponent(".inbound-\(UUID().uuidString).eml").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
            throw fail("cannot write the message to \(path)", status: 75)
        }
        defer { try? output.close() }
        var total = 0
        while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
            total += chunk.count
            guard total <= Self.standardInputLimit else {
                try? FileManager.default.removeItem(atPath: path)
                throw fail("the message on standard input is over \(Self.standardInputLimit >> 20) MB; no mail server sends one so large", status: ExitStatus.badInput)
            }
            try output.write(contentsOf: chunk)
        }
        return path
    }
}
