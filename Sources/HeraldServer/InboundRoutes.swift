import Foundation
import HeraldDelivery
import HeraldInbox
import Hummingbird
import NIOCore

/// What the agent's screen needs of the customer's messages beyond the interaction itself:
///
/// - `GET /api/v1/interactions/{id}/reply-defaults`: how a reply to the customer starts (To,
///   Cc, the subject with one `Re:`, the thread) — the composer prefills it; `null` when the
///   customer has not written by email.
/// - `GET /api/v1/interactions/{id}/files/{sha256}`: a file the customer sent, for an agent who
///   may see the interaction: always as a download (`Content-Disposition: attachment`) with the
///   type libmagic found, never rendered in the inbox's own origin (`nosniff`, a sandboxing
///   CSP), so a customer's HTML or SVG cannot run as the page.
struct InboundRoutes: Sendable {
    let inbox: Inbox
    let files: InboundFiles

    func register(on api: RouterGroup<ServerContext>) {
        api.get("/interactions/{id}/reply-defaults") { _, context in
            let interaction = try await inbox.interaction(context.parameters.require("id"), for: context.requireAgent())
            let defaults = try await inbox.replyDefaults(for: interaction)
            return try JSON.response(Optional(defaults))
        }
        api.get("/interactions/{id}/files/{sha256}") { _, context in
            let sha256 = try context.parameters.require("sha256")
            let file = try await inbox.inboundFile(sha256, in: context.parameters.require("id"), for: context.requireAgent())
            guard let path = files.path(of: file.sha256), let data = FileManager.default.contents(atPath: path) else {
                throw Problem(.notFound, "the file \(file.name) is no longer kept on this server")
            }
            return Response(status: .ok, headers: [
                .contentType: file.mediaType,
                .contentDisposition: Self.attachment(file.name),
                .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy: "sandbox; default-src 'none'",
            ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266): every
    /// browser saves it under the customer's name, and no quote or CR/LF of it reaches the header.
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0.value != 0x7F ? Character($0) : "_" })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "file"
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
