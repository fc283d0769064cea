import Foundation
@testable import HeraldInbox
import Testing

struct APITokenTests {
    /// FIPS 180-4's examples: the empty message, "abc", and the two-block 448-bit message.
    @Test func sha256MatchesTheStandardsExamples() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
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
