import Foundation
@testable import HeraldInbox
import Testing

struct APITokenTests {
    /// The stored form is SHA-256 in hex: FIPS 180-4's examples, through the token's own hash.
    @Test func aSecretIsStoredAsItsSHA256() {
        #expect(APIToken.hash(secret: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(APIToken.hash(secret: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let (text, record) = APIToken.issue(for: "ana", at: Team.now)
        #expect(!record.secretHash.isEmpty && !text.contains(record.secretHash))
        #expect(APIToken.parse(text).map { APIToken.hash(secret: $0.secret) } == record.secretHash)
    }

    @Test func aTokenAdmitsOnlyItsSecretUntilRevoked() {
        let (text, record) = APIToken.issue(for: "ana", at: Team.now)
        guard let parsed = APIToken.parse(text) else {
            Issue.record("the token issued does not parse: \(text)")
            return
        }
        #expect(parsed.id == record.id)
        #expect(record.secretHash != parsed.secret)
        #expect(record.admits(secret: parsed.secret))
        #expect(!record.admits(secret: String(repeating: "a", count: 32)))
        var revoked = record
        revoked.revokedAt = Team.now
        #expect(!revoked.admits(secret: parsed.secret))
        #expect(APIToken.parse("Bearer x") == nil)
        #expect(APIToken.parse("herald__" + String(repeating: "a", count: 32)) == nil)
    }

    @Test(arguments: InboxStoreKind.allCases) func tokensAreStoredHashedListedAndRevoked(_ kind: InboxStoreKind) async throws {
        let store = try await kind.makeWithTeam()
        let (_, first) = APIToken.issue(for: "ana", label: "crm", at: Team.now)
        let (_, second) = APIToken.issue(for: "eva", at: Team.now.addingTimeInterval(1))
        try await store.save(first)
        try await store.save(second)
        #expect(try await store.token(first.id) == first)
        #expect(try await store.tokens(of: "ana") == [first])
        #expect(try await store.tokens(of: nil) == [first, second])
        #expect(try await store.revokeToken(first.id, at: Team.now.addingTimeInterval(5)))
        #expect(try await store.token(first.id)?.revokedAt == Team.now.addingTimeInterval(5))
        #expect(try await !store.revokeToken("nothing", at: Team.now))
        let (_, stranger) = APIToken.issue(for: "nobody", at: Team.now)
        await #expect(throws: InboxError.self) { try await store.save(stranger) }
    }
}
