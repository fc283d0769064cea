import Foundation
import HeraldDelivery

/// `herald serve --imap URL`: the folder's new mail imported every `interval` seconds, beside
/// the server, until the task is cancelled. A run that fails (the server unreachable, a wrong
/// password) is reported on standard error and tried again at the next interval — the cursor
/// keeps what the failed run imported — so a mail server's restart never stops the inbox.
/// (IMAP IDLE would tell sooner; libcurl has no IDLE, and a minute is what mail clients poll.)
public struct IMAPPoll: Sendable {
    public var configuration: IMAPConfiguration
    public var interval: Double

    public init(configuration: IMAPConfiguration, interval: Double = 60) {
        self.configuration = configuration
        self.interval = interval
    }

    /// Polls until cancelled; `report` gets one line per run that imported or failed.
    public func run(into inbox: Inbox, files: InboundFiles, report: @escaping @Sendable (String) -> Void) async {
        let importer = EmailImport(inbox: inbox, files: files)
        let run = importer.imap(configuration)
        while !Task.isCancelled {
            do {
                let summary = try await run.run(with: importer)
                if !summary.receptions.isEmpty {
                    report("imported \(summary.receptions.count) message\(summary.receptions.count == 1 ? "" : "s") from \(configuration.url)")
                }
                for refused in summary.refused { report("UID \(refused.uid) of \(configuration.url) not imported: \(refused.reason)") }
            } catch {
                report("cannot import from \(configuration.url) (trying again in \(Int(interval)) s): \(error)")
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
