import Foundation
import Herald
import HeraldInbox
import Hummingbird

/// POST /api/v1/addresses: what the composer's chips are made of — the text an agent typed or
/// pasted ("Díaz, Bruno" <bruno@example.com>, ana@example.com), read by the same address parser
/// that will write the headers. Each mailbox becomes a chip; a text that is not an address list
/// is a 422 whose detail is the parser's reason, shown on the chip.
struct AddressesRoute {
    let bodies: JSONBodies

    struct Body: Decodable {
        var text: String
    }

    struct Mailbox: Encodable {
        /// As it will be written (the display name, then the address).
        var address: String
        var addrSpec: String
    }

    struct Answer: Encodable {
        var addresses: [Mailbox]
    }

    /// The mailbox as text the parser reads back as the same mailbox: a display name holding a
    /// special character (a comma, a dot, a quote…) is quoted (RFC 5322 §3.2.4), so a chip's
    /// value survives being sent with the start.
    static func text(of mailbox: EmailAddress) -> String {
        guard let name = mailbox.displayName, !name.isEmpty else { return mailbox.addrSpec }
        let specials = CharacterSet(charactersIn: "()<>[]:;@\\,.\"")
        let quoted = name.unicodeScalars.contains(where: specials.contains)
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : name
        return "\(quoted) <\(mailbox.addrSpec)>"
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.post("/addresses") { request, context in
            _ = try context.requireAgent()
            let body = try await bodies.decode(Body.self, request)
            let mailboxes: [EmailAddress]
            do {
                mailboxes = try AddressParser.parseMailboxes(body.text, field: "address")
            } catch let error as any CategorizedError {
                throw Problem(.input, error.description, field: "text")
            }
            guard !mailboxes.isEmpty else { throw Problem(.input, "no address in \(body.text.debugDescription)", field: "text") }
            return try JSON.response(Answer(addresses: mailboxes.map { Mailbox(address: Self.text(of: $0), addrSpec: $0.addrSpec) }))
        }
    }
}
