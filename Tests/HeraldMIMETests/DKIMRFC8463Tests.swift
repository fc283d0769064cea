@testable import HeraldMIME
import Foundation
import HeraldTestSupport
import Testing

/// RFC 8463 Appendix A: its keys sign its message to exactly its published b= values, and both
/// signatures verify with Herald's verifier (Tests/Fixtures/dkim/README.md says where each comes from).
@Suite struct DKIMRFC8463Tests {
    static let folder = ExternalEmailTools.repository.appendingPathComponent("Tests/Fixtures/dkim")
    static let ed25519B = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw=="
    static let rsaB = "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8="
    static let ed25519Record = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let rsaPublicKey = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

    static func keys() throws -> (ed25519: DKIMKey, rsa: DKIMKey) {
        (try DKIMKey.read(file: folder.appendingPathComponent("rfc8463-ed25519.pem").path, domain: "football.example.com", selector: "brisbane"),
         try DKIMKey.read(file: folder.appendingPathComponent("rfc8463-rsa.pem").path, domain: "football.example.com", selector: "test"))
    }

    static func message() throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent("rfc8463-signed.eml")))
    }

    @Test func keysGiveThePublishedRecords() throws {
        let (ed25519, rsa) = try Self.keys()
        #expect(ed25519.algorithm == .ed25519 && rsa.algorithm == .rsa)
        #expect(ed25519.record == Self.ed25519Record)
        #expect(rsa.record == "v=DKIM1; k=rsa; p=\(Self.rsaPublicKey)")
        #expect(ed25519.recordName == "brisbane._domainkey.football.example.com")
    }

    @Test func bodyHashIsThePublishedOne() throws {
        let (_, body) = DKIMVerifier.split(try Self.message())
        var hasher = DKIMBodyHasher(.relaxed)
        try Array(body).withUnsafeBytes { try hasher.write($0) }
        #expect(Data(hasher.finish()).base64EncodedString() == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
    }

    /// The header input is built from the published signature fields; signing it with the
    /// published keys must give the published b= byte for byte (both algorithms are deterministic).
    @Test func signingReproducesThePublishedSignatures() throws {
        let (ed25519, rsa) = try Self.keys()
        let (section, _) = DKIMVerifier.split(try Self.message())
        let fields = HeaderFields(section)
        let signatures = fields.fields.filter { HeaderFields.name(of: $0) == "dkim-signature" }
        #expect(signatures.count == 2)
        for (field, (key, expected)) in zip(signatures, [(ed25519, Self.ed25519B), (rsa, Self.rsaB)]) {
            let tags = DKIMTags.parse(String(decoding: field.dropFirst("DKIM-Signature:".count), as: UTF8.self))
            let names = (tags["h"] ?? "").split(separator: ":").map(String.init)
            let input = DKIMSigner.headerInput(selected: fields.selecting(names), signatureField: DKIMVerifier.emptyingB(field), .relaxed)
            #expect(Data(try key.sign(headerInput: input)).base64EncodedString() == expected)
        }
    }

    @Test func herald_verifierPassesBothAndFailsAChangedMessage() throws {
        let (_, rsa) = try Self.keys()
        let records = ["brisbane._domainkey.football.example.com": try DKIMRecord(parsing: Self.ed25519Record),
                       "test._domainkey.football.example.com": try DKIMRecord(parsing: rsa.record)]
        let results = DKIMVerifier().verify(try Self.message()) { records[$0] }
        #expect(results.map(\.passed) == [true, true])
        #expect(results.map(\.algorithm) == ["ed25519-sha256", "rsa-sha256"])

        let changedSubject = Array(String(decoding: try Self.message(), as: UTF8.self).replacingOccurrences(of: "Is dinner ready?", with: "Is lunch ready?").utf8)
        let subjectResults = DKIMVerifier().verify(changedSubject) { records[$0] }
        #expect(subjectResults.map(\.passed) == [false, false])
        #expect(subjectResults.allSatisfy { $0.failure?.contains("signed headers") == true })

        let changedBody = Array(String(decoding: try Self.message(), as: UTF8.self).replacingOccurrences(of: "hungry", with: "Hungry").utf8)
        let bodyResults = DKIMVerifier().verify(changedBody) { records[$0] }
        #expect(bodyResults.allSatisfy { $0.failure?.contains("body hash") == true })
    }
}
