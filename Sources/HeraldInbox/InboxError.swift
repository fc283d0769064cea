import HeraldMIME

/// A refused or failed inbox operation, in Herald's error family: its category (the CLI's exit
/// status, the server's HTTP status), one line that says what is wrong or missing, and the
/// field at fault when one is (`category`, `values.age`, `to`), for the API's problem details.
public struct InboxError: CategorizedError, Equatable, Sendable {
    public var category: HeraldError.Category
    public var message: String
    public var field: String?
    /// The interaction changed between being read and being stored (another change won): the
    /// `Inbox` reads it again and applies the rules to what is there now.
    public var isStale: Bool
    /// An inbound message whose provider ID is stored already (a webhook or a mail delivered
    /// twice): `Inbox.receive` answers with the message stored the first time.
    public var isDuplicate: Bool

    public init(_ category: HeraldError.Category, _ message: String, field: String? = nil) {
        self.category = category
        self.message = message
        self.field = field
        isStale = false
        isDuplicate = false
    }

    public var description: String { message }

    /// The one "not found" for an interaction that does not exist and for one the agent may not
    /// see: the answer must not tell them apart.
    static func noInteraction(_ id: String) -> InboxError {
        InboxError(.notFound, "no interaction \(id)")
    }

    static func noCampaign(_ id: String) -> InboxError {
        InboxError(.notFound, "no campaign \(id)", field: "campaign")
    }

    package static func duplicate(channel: String, externalID: String) -> InboxError {
        var error = InboxError(.conflict, "the \(channel) message \(externalID) was received already", field: "externalID")
        error.isDuplicate = true
        return error
    }

    package static func stale(_ id: String) -> InboxError {
        var error = InboxError(.conflict, "interaction \(id) changed while this change was being made; read it again")
        error.isStale = true
        return error
    }
}
