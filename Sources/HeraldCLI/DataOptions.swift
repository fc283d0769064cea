import ArgumentParser
import HeraldInbox

/// The folder of the inbox, the outbox and the Maildir: `herald serve`, `herald inbox` and
/// `herald inbound`.
struct DataOptions: ParsableArguments {
    @Option(help: "The folder of the inbox (inbox.sqlite), the outbox (outbox.sqlite) and the Maildir (maildir/).") var data: String = ".herald"

    var folder: InboxFolder { InboxFolder(data, named: "--data") }
}
