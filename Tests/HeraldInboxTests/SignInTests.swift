import Foundation
@testable import HeraldInbox
import Testing

/// Passwords (scrypt through swift-crypto) and sign-in sessions, against a real SQLite inbox.
@Suite struct SignInTests {
    @Test func aPasswordHashAdmitsOnlyItsPasswordAndSaysItsCost() throws {
        let hash = try PasswordHash.make("correct horse battery", cost: .fast)
        let fields = hash.encoded.split(separator: "$")
        #expect(fields.count == 6 && fields[0] == "scrypt" && fields[1] == "10" && fields[2] == "8" && fields[3] == "1")
        #expect(!hash.encoded.contains("correct horse"))
        #expect(hash.admits("correct horse battery"))
        #expect(!hash.admits("correct horse battery "))
        #expect(!hash.admits("Correct horse battery"))
        // The same password twice: two salts, two hashes, both valid.
        let again = try PasswordHash.make("correct horse battery", cost: .fast)
        #expect(again.encoded != hash.encoded && again.admits("correct horse battery"))
        #expect(hash.isWeaker(than: .standard) && !hash.isWeaker(than: .fast))
        // A stored hash that asks for more memory than a server should give, or is not one, is refused.
        #expect(PasswordHash(stored: hash.encoded.replacingOccurrences(of: "scrypt$10$", with: "scrypt$30$")) == nil)
        #expect(PasswordHash(stored: "sha256$abc") == nil)
        #expect(PasswordHash(stored: hash.encoded) == hash)
    }

    @Test func theStandardCostIsSlowOnPurpose() throws {
        // Not a timing test: the standard cost is what the hash says it used (2^15, 32 MB).
        let hash = try PasswordHash.make("correct horse battery", cost: .standard)
        #expect(hash.encoded.hasPrefix("scrypt$15$8$1$"))
        #expect(hash.admits("correct horse battery"))
    }

    @Test func aNewPasswordMustBeLongEnoughAndPrintable() {
        for (password, words) in [("short", "use at least 12"), (String(repeating: "a", count: 257), "at most 256"), ("twelve chars\nx", "control character")] {
            #expect(throws: InboxError.self) { try PasswordHash.make(password, cost: .fast) }
            do { try PasswordHash.check(password) } catch let error as InboxError {
                #expect(error.message.contains(words) && error.field == "password" && error.category == .input, "\(error.message)")
            } catch { Issue.record("\(error)") }
        }
    }

    func signIn(at clock: TestClock) async throws -> (SignIn, any InboxStore) {
        let store = try await InboxStoreKind.sqlite.makeWithTeam()
        return (SignIn(store: store, cost: .fast, clock: { clock.now }), store)
    }

    @Test func signingInOpensASessionFoundByItsCookieUntilSignedOutOrExpired() async throws {
        let clock = TestClock()
        let (signIn, store) = try await signIn(at: clock)
        try await signIn.setPassword("ana's long password", for: "ana")
        #expect(try await store.passwordHash(of: "ana")?.hasPrefix("scrypt$10$") == true)

        let opened = try #require(try await signIn.signIn(email: "ANA@example.com", password: "ana's long password"))
        #expect(opened.session.agent == "ana")
        #expect(opened.session.expiresAt == clock.now.addingTimeInterval(12 * 3600))
        // The cookie is ID.SECRET; the store keeps the secret's hash only.
        let secret = try #require(opened.cookie.split(separator: ".").last)
        #expect(try await store.session(opened.session.id)?.secretHash == APIToken.hash(secret: String(secret)))
        #expect(try await signIn.session(cookie: opened.cookie) == opened.session)
        // A wrong secret, a malformed cookie: no session.
        #expect(try await signIn.session(cookie: opened.session.id + "." + String(repeating: "a", count: 32)) == nil)
        #expect(try await signIn.session(cookie: "nonsense") == nil)
        // Twelve hours later it has ended.
        clock.now = clock.now.addingTimeInterval(12 * 3600)
        #expect(try await signIn.session(cookie: opened.cookie) == nil)

        let second = try #require(try await signIn.signIn(email: "ana@example.com", password: "ana's long password"))
        try await signIn.signOut(second.session.id)
        #expect(try await signIn.session(cookie: second.cookie) == nil)
    }

    @Test func everyRefusalIsTheSameNil() async throws {
        let clock = TestClock()
        let (signIn, _) = try await signIn(at: clock)
        try await signIn.setPassword("ana's long password", for: "ana")
        #expect(try await signIn.signIn(email: "ana@example.com", password: "wrong password!") == nil)
        #expect(try await signIn.signIn(email: "nobody@example.com", password: "ana's long password") == nil)
        // Bruno has no password: tokens only.
        #expect(try await signIn.signIn(email: "bruno@example.com", password: "") == nil)
        #expect(try await signIn.signIn(email: "ana@example.com", password: String(repeating: "x", count: 2000)) == nil)
    }

    @Test func aNewPasswordEndsEverySessionAndAWeakHashIsRehashed() async throws {
        let clock = TestClock()
        let (fast, store) = try await signIn(at: clock)
        try await fast.setPassword("ana's long password", for: "ana")
        let first = try #require(try await fast.signIn(email: "ana@example.com", password: "ana's long password"))
        try await fast.setPassword("ana's newer password", for: "ana")
        #expect(try await fast.session(cookie: first.cookie) == nil)
        #expect(try await fast.signIn(email: "ana@example.com", password: "ana's long password") == nil)

        // Signing in where the cost has been raised stores a stronger hash of the same password.
        var stronger = fast
        stronger.cost = PasswordHash.Cost(log2N: 11, blockSize: 8, parallelism: 1)
        #expect(try await stronger.signIn(email: "ana@example.com", password: "ana's newer password") != nil)
        #expect(try await store.passwordHash(of: "ana")?.hasPrefix("scrypt$11$") == true)
        #expect(try await stronger.check("ana's newer password", of: "ana"))

        let missing = await refusal { try await fast.setPassword("a long enough one", for: "zoe") }
        #expect(missing?.category == .notFound)
    }
}

/// A clock the test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Date(timeIntervalSince1970: 1_790_000_000)
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
