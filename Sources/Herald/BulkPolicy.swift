/// What a bulk send (one message per line of a `RecipientList`) asks of its messages, on a
/// channel with mail's bulk headers (`ChannelCapabilities.bulkMailHeaders`; on the others it
/// changes nothing):
/// - Auto-Submitted unless the request says otherwise: bulk mail is written by a program, and
///   automatic replies should stay quiet (RFC 3834).
/// - An unsubscribe target: Gmail and Yahoo ask bulk mail for one-click unsubscribe. Without
///   one the send is warned, or under `strict` refused before anything is stored.
public struct BulkPolicy: Sendable, Equatable {
    /// Refuse what is otherwise a warning.
    public var strict: Bool
    /// How the caller names the unsubscribe setting and the strictness in its messages (the CLI
    /// passes its flags, `--list-unsubscribe` and `--strict`).
    public var unsubscribeName: String
    public var strictName: String

    public init(strict: Bool = false, unsubscribeName: String = "a List-Unsubscribe URL", strictName: String = "strict") {
        self.strict = strict
        self.unsubscribeName = unsubscribeName
        self.strictName = strictName
    }

    /// The request every line's message starts from, and the warnings for the author; a
    /// `HeraldError(.input)` when `strict` refuses the send.
    public func applied(to request: MessageRequest, draft: Draft) throws -> (request: MessageRequest, warnings: [String]) {
        guard request.channel.capabilities.bulkMailHeaders else { return (request, []) }
        var request = request
        request.autoSubmitted = request.autoSubmitted ?? true
        guard draft.completing(request).listUnsubscribe.isEmpty else { return (request, []) }
        let problem = "a bulk send without an unsubscribe target: Gmail and Yahoo ask bulk mail for one-click unsubscribe; "
            + "give \(unsubscribeName) https://… (or a template layout with an unsubscribe URL)"
        if strict { throw HeraldError(.input, problem + " (refused: \(strictName); nothing was stored or sent)") }
        return (request, [problem])
    }
}
