import Foundation
import HeraldDelivery
import HeraldInbox
import HeraldMIME
import Hummingbird

/// Files agents attach, uploaded before the message that sends them: POST /api/v1/uploads?name=
/// with the file as the body answers an upload ID, and a message names its attachments (and its
/// voice note) by those IDs. The `Inbox` takes file paths, which a client must never choose on the
/// server: IDs are the server's, and each is its uploader's alone (anyone else's is not found).
///
/// Each upload is checked when it arrives, as an email attachment is (libmagic's finding against
/// the name, executables and macros refused, the size limit), so a refused file is refused at
/// once, not when the message is sent; the channel's own rules apply again at sending. Stored as
/// `FOLDER/agent-ID/UPLOAD-ID/NAME`, written atomically (a crash leaves no half file).
struct Uploads: Sendable {
    /// The folder (the data folder's uploads/).
    let folder: String
    /// The largest file, in bytes.
    let limit: Int
    let ids: IDGenerator

    struct Answer: Codable {
        var id: String
        var name: String
        var contentType: String
        var size: Int
    }

    func register(on api: RouterGroup<ServerContext>) {
        api.post("/uploads") { request, context in
            let agent = try context.requireAgent()
            let name = try Self.checkedName(request.uri.queryParameters.get("name"))
            let bytes = try await Self.body(of: request, limit: limit, tooLarge: tooLarge(name))
            guard !bytes.isEmpty else { throw Problem(.input, "\(name) is empty; upload the file's bytes as the request body", field: "body") }
            let checked: Attachment
            do {
                checked = try AttachmentLoader(policy: AttachmentPolicy(kinds: AttachmentPolicy.email.kinds, maximumSize: limit)).load(bytes: bytes, filename: name)
            } catch let error as AttachmentError {
                throw Problem(.input, error.description, field: "body")
            }
            let id = try await store(bytes, name: name, of: agent)
            return try JSON.response(Answer(id: id, name: name, contentType: checked.contentType, size: bytes.count), status: .created)
        }
    }

    /// The request's body, refused with `tooLarge` past `limit` bytes: by its Content-Length
    /// before a byte is read, else as it arrives (uploads and voice notes).
    static func body(of request: Request, limit: Int, tooLarge: @autoclosure () -> Problem) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge() }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge()
        }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// Keeps `bytes` as the agent's new upload named `name` (already checked), answering its ID.
    func store(_ bytes: [UInt8], name: String, of agent: String) async throws -> String {
        let id = ids.next("upl")
        let path = self.path(agent: agent, id: id, name: name)
        try await Blocking.run {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: path)
        }
        return id
    }

    /// The stored file of the agent's upload `id`; the field is where the ID was given
    /// ("attachments.0"), for the 404.
    func file(_ id: String, of agent: String, field: String) throws -> String {
        let shaped = id.hasPrefix("upl_") && id.count <= 64 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        let folder = (self.folder as NSString).appendingPathComponent("agent-\(agent)/\(id)")
        guard shaped, let names = try? FileManager.default.contentsOfDirectory(atPath: folder), let name = names.first(where: { !$0.hasPrefix(".") }) else {
            throw Problem(.notFound, "no upload \(id) of yours; upload the file first (POST /api/v1/uploads?name=FILE)", field: field)
        }
        return (folder as NSString).appendingPathComponent(name)
    }

    private func path(agent: String, id: String, name: String) -> String {
        (folder as NSString).appendingPathComponent("agent-\(agent)/\(id)/\(name)")
    }

    private func tooLarge(_ name: String) -> Problem {
        Problem(type: "urn:herald:problem:tooLarge", title: "Upload too large", status: 413,
                detail: "\(name) is larger than \(limit) bytes, the largest attachment this server accepts", field: "body")
    }

    /// The file's name as the customer will see it: a name, not a path.
    static func checkedName(_ given: String?) throws -> String {
        guard let name = given?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw Problem(.usage, "say the file's name: POST /api/v1/uploads?name=invoice.pdf", field: "name")
        }
        guard name != ".", name != "..", !name.hasPrefix("."), !name.contains("/"), !name.contains("\\"),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }), name.utf8.count <= 200 else {
            throw Problem(.input, "\(name.debugDescription) is not a file name: give a name without /, \\, control characters or a leading dot, "
                            + "at most 200 bytes (like invoice.pdf)", field: "name")
        }
        return name
    }
}
