import Foundation
import HeraldChannels

/// Where the inbox keeps its agents, campaigns, customers, interactions and audit trail: the
/// SQLite store (`SQLiteInboxStore`) is the first; every store passes the same conformance suite
/// (`InboxStoreConformanceTests` in Tests/HeraldInboxTests, run for every `InboxStoreKind`).
///
/// The rules every store keeps: a transition is stored whole or not at all — the interaction,
/// its new messages, its events and a customer first met — in one transaction, so a crash never
/// leaves an interaction half-transferred; a transition is stored only over the version it was
/// made from (`InboxError.isStale` otherwise), which decides races such as two agents taking
/// the same interaction: exactly one wins; events get increasing sequence numbers in the order
/// they are committed.
public protocol InboxStore: Sendable {
    /// Where the store is, for messages ("the inbox .herald/inbox.sqlite").
    var location: String { get }

    // MARK: The directory

    /// Adds or replaces an agent (validated; an email used by another agent is a conflict).
    func save(_ agent: Agent) async throws
    func agent(_ id: String) async throws -> Agent?
    /// The agent who signs in with `email` (case-insensitive).
    func agent(email: String) async throws -> Agent?
    func agents() async throws -> [Agent]

    /// Adds or replaces a campaign (validated; every member must be a stored agent).
    func save(_ campaign: Campaign) async throws
    func campaign(_ id: String) async throws -> Campaign?
    func campaigns() async throws -> [Campaign]
    /// The campaigns `agentID` is a member of (indexed: asked on every command).
    func campaigns(ofMember agentID: String) async throws -> [Campaign]

    /// Adds or replaces a customer; an address or number that is another customer's is a
    /// conflict.
    func save(_ customer: Customer) async throws
    func customer(_ id: String) async throws -> Customer?
    /// The customer with this email address (`EmailAddress.recipientKey`) or E.164 number.
    func customer(contact: String) async throws -> Customer?

    // MARK: Interactions

    /// The interaction with its messages (delivery not filled) and history.
    func interaction(_ id: String) async throws -> Interaction?

    /// Stores a transition in one transaction: a start inserts (an existing ID is a conflict),
    /// any other change updates only over `before`'s version (else `InboxError.isStale`).
    /// Returns the interaction as stored, its new events numbered.
    func apply(_ transition: Transition) async throws -> Interaction

    /// Records the outbox entries that carry a message, once enqueued.
    func recordOutbox(entries: [Int64], message: String, interaction: String) async throws

    /// An agent's Active tab: the interactions assigned to them that are active or finished
    /// (finished ones wait there to be categorized and closed), most recently changed first.
    func active(assignee: String, limit: Int) async throws -> [Interaction.Summary]

    /// A campaign's Pending tab: its interactions nobody has, oldest first.
    func pending(campaign: String, limit: Int) async throws -> [Interaction.Summary]

    /// A customer's interactions, whoever has them, most recently changed first.
    func interactions(ofCustomer customerID: String, limit: Int) async throws -> [Interaction.Summary]

    /// The audit trail after `sequence` (0: from the start), in order.
    func events(after sequence: Int64, limit: Int) async throws -> [Interaction.Event]

    /// The event stream's pause between two reads of the trail: returns once events may have
    /// been stored — at once when the store heard of a commit since `mark` — or after a while
    /// (`polling`, for a store that cannot hear commits: the default just waits). Returns the
    /// mark to pass next time (0 the first time).
    func waitForEvents(since mark: UInt64, polling: Duration) async -> UInt64

    // MARK: Inbound

    /// The interaction and message an inbound message with this provider ID was stored as
    /// (`apply` stores each inbound message's ID with it, once: a second is `isDuplicate`).
    func inboundMessage(channel: ChannelID, externalID: String) async throws -> (interaction: String, message: String)?

    /// The customer's open (pending or active) interaction on the channel in the campaign, the
    /// most recently changed: where a message that names no thread goes.
    func openInteraction(customer: String, campaign: String, channel: ChannelID) async throws -> String?

    /// When the customer last wrote on the channel to that sender (a WhatsApp phone number
    /// ID, an SMS number, an address): WhatsApp's 24-hour window counts from it.
    func lastInbound(customer: String, channel: ChannelID, receivedBy: String) async throws -> Date?

    /// Keeps the receipt when it moves its recipient's state forward
    /// (`DeliveryReceipt.supersedes`); returns whether it did.
    func record(_ receipt: DeliveryReceipt) async throws -> Bool

    /// The receipts kept for these messages (by the provider's ID), every recipient's.
    func receipts(channel: ChannelID, externalIDs: [String]) async throws -> [DeliveryReceipt]

    /// How far a mailbox was imported (nil: never).
    func importCursor(source: String) async throws -> ImportCursor?
    func save(_ cursor: ImportCursor) async throws

    // MARK: API tokens

    /// The token with this ID and the agent it acts as, read together (every request asks).
    func tokenAndAgent(_ id: String) async throws -> (token: APIToken, agent: Agent)?
    /// Stores a new token (its ID must be new; the agent must exist).
    func save(_ token: APIToken) async throws
    func token(_ id: String) async throws -> APIToken?
    /// The agent's tokens (every agent's when nil), oldest first.
    func tokens(of agentID: String?) async throws -> [APIToken]
    /// Marks the token revoked at `at`; false when there is no such token (revoking twice keeps
    /// the first time).
    func revokeToken(_ id: String, at: Date) async throws -> Bool

    // MARK: Passwords and sign-in sessions

    /// Stores the agent's password hash (`PasswordHash.encoded`; nil: the agent cannot sign in
    /// with a password) and ends every session of theirs, in one transaction: a changed password
    /// signs out whoever had the old one. No such agent: `.notFound`.
    func setPassword(_ hash: String?, for agentID: String, at: Date) async throws
    /// The agent's stored password hash; nil when they have none.
    func passwordHash(of agentID: String) async throws -> String?

    /// Stores a new session (its ID must be new; the agent must exist). Sessions of any agent
    /// that ended more than a day before it are deleted on the way.
    func save(_ session: Session) async throws
    func session(_ id: String) async throws -> Session?
    /// Marks the session ended at `at` (signed out); false when there is no such session.
    func revokeSession(_ id: String, at: Date) async throws -> Bool
}

extension InboxStore {
    public func waitForEvents(since mark: UInt64, polling: Duration) async -> UInt64 {
        try? await Task.sleep(for: polling)
        return mark
    }

    /// Two reads; a store that can do it in one says so.
    public func tokenAndAgent(_ id: String) async throws -> (token: APIToken, agent: Agent)? {
        guard let token = try await token(id), let agent = try await agent(token.agent) else { return nil }
        return (token, agent)
    }
}
