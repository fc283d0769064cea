import Foundation
import Herald
import HeraldTestSupport
import Testing

/// `Composer.outbound` signs an email whose From domain has a key, once, into the bytes the outbox
/// stores, and `render` of an .eml signs the same way; other domains stay unsigned.
@Suite struct ComposerDKIMTests {
    let draft = try! Draft.markdown(Array("Hola **Ana**,\n\n.a line with a leading dot\n".utf8))
    static let folder = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/dkim")

    func composer() throws -> Composer {
        let key = try DKIMKey.read(file: Self.folder.appendingPathComponent("rfc8463-ed25519.pem").path, domain: "example.com", selector: "ed")
        return Composer(clock: { Date(timeIntervalSince1970: 1_796_032_800) }, identities: DeterministicIdentities(),
                        timeZone: TimeZone(identifier: "UTC") ?? .current, dkim: DKIMKeyring(keys: [key]))
    }

    @Test func outboundIsSignedOnceAndTheSameEachTime() throws {
        let request = MessageRequest(from: "Support <help@Example.com>", to: ["ana@example.net"], subject: "Refund")
        let first = try #require(try composer().outbound(draft, request: request).outbounds.first).bytes
        let again = try #require(try composer().outbound(draft, request: request).outbounds.first).bytes
        #expect(first == again)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed;"))
        #expect(text.components(separatedBy: "DKIM-Signature:").count == 2)
        let record = try DKIMRecord(parsing: "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(DKIMVerifier().verify(first) { $0 == "ed._domainkey.example.com" ? record : nil }.map(\.passed) == [true])
        #expect(try ExternalDKIMVerifiers.dkimpy(first, records: ["ed._domainkey.example.com": "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="]) == [true])
        #expect(try ExternalEmailTools.checkMessage(first) == [])
    }

    /// Another domain's mail is not signed; a rendered .eml is signed as the send would be (the
    /// same bytes, so `herald dkim verify` can check it before anything is sent); HTML is not.
    @Test func otherDomainsAreNotSignedAndRenderedMessagesAreSignedLikeSentOnes() throws {
        let other = MessageRequest(from: "help@example.org", to: ["ana@example.net"], subject: "Refund")
        let unsigned = try #require(try composer().outbound(draft, request: other).outbounds.first).bytes
        #expect(!String(decoding: unsigned, as: UTF8.self).contains("DKIM-Signature"))
        let signedDomain = MessageRequest(from: "help@example.com", to: ["ana@example.net"], subject: "Refund")
        let rendered = try composer().render(draft, for: .email, request: signedDomain, format: .eml).bytes
        let sent = try #require(try composer().outbound(draft, request: signedDomain).outbounds.first).bytes
        #expect(String(decoding: rendered, as: UTF8.self).hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256;"))
        #expect(rendered == sent)
        #expect(!(try composer().render(draft, for: .email, request: signedDomain, format: .html).text).contains("DKIM"))
    }
}
