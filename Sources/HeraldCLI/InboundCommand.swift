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

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json, not '\(format)'") }
        guard (file == nil) != (imap == nil) else { throw ValidationError("give one message file (or - for standard input), or --imap URL") }
        if moveTo != nil && imap == nil { throw ValidationError("--imap-move-to moves IMAP messages; give --imap URL") }
    }

    func run() async throws {
        do {
            let importer = try await data.folder.emailImport(outbox: data.databaseOutbox())
            if let imap {
                let summary = try await importer.imap(IMAPConfiguration.fromEnvironment(url: imap, moveTo: moveTo)).run(with: importer) { print($0) }
                for note in summary.refusalNotes { warn(note) }
                say(summary.importedLine(from: imap))
                return
            }
            let result = file == "-"
                ? try await importer.importMessage(from: FileHandle.standardInput, spoolingIn: data.data, recipient: recipient, dryRun: dryRun)
                : try await importer.importMessage(at: file ?? "", recipient: recipient, dryRun: dryRun)
            print(result)
        } catch let error as any CategorizedError {
            // What the MTA does next: retry later, bounce, or refuse as bad data.
            let status: Int32 = switch error.category {
            case .io, .delivery: 75
            case .notFound: 67
            case .usage: ExitStatus.usage
            default: ExitStatus.badInput
            }
            throw fail(error.description, status: status)
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
}
