import Foundation
import HeraldChannels
import HeraldDocument
import HeraldMIME
import HeraldTestSupport
import Testing

/// An image written as `cid:NAME` becomes a Content-ID header: only what a header can carry.
@Suite struct EmailChannelContentIDTests {
    static let png = (try? Data(contentsOf: ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/attachments/sample.png")))
        .map { [UInt8]($0) } ?? []

    func compose(_ markdown: String, attaching name: String) throws -> EmailMessage {
        let addressing = EmailChannel.Addressing(from: try EmailAddress(validating: "a@example.com"), to: try AddressParser.parseList("b@example.com"))
        let image = try AttachmentLoader().load(bytes: Self.png, filename: name)
        return try EmailChannel().message(for: MarkdownReader().read(markdown), addressing: addressing, attachments: [image]).message
    }

    @Test func anASCIINameIsTheContentID() throws {
        let message = try compose("![Logo](cid:logo)\n", attaching: "logo.png")
        let identity = MessageIdentity(date: .deterministic, messageID: try MessageID(validating: "c@example.com"), boundarySeed: "0123456789abcdef")
        let bytes = try MIMEWriter().bytes(of: message, identity: identity)
        #expect(try ExternalEmailTools.checkMessage(bytes) == [])
        #expect(try ExternalEmailTools.inspect(bytes).leaves.last?.content_id == "<logo>")
    }

    @Test func aNameAHeaderCannotCarryIsRefused() {
        // Written as it was, "Content-ID: <logoé>" put raw UTF-8 in a part header.
        #expect {
            try compose("![Logo](cid:logoé)\n", attaching: "logoé.png")
        } throws: { error in
            String(describing: error) == "the image cid:logoé cannot be a Content-ID (a MIME header): name it with at most 200 ASCII letters, digits and .-_ only, like cid:logo"
        }
    }
}
