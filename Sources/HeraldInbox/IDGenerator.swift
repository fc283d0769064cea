import Foundation

/// Makes the IDs of new interactions, messages and customers. Injected, like the clock, so that
/// tests and examples get the same IDs every run.
public struct IDGenerator: Sendable {
    private let make: @Sendable (String) -> String

    /// `make` gets the kind's prefix ("int", "msg", "cus") and returns a new ID.
    public init(_ make: @escaping @Sendable (_ prefix: String) -> String) {
        self.make = make
    }

    public func next(_ prefix: String) -> String { make(prefix) }

    /// "int_" and 26 random base-32 characters (130 bits): unguessable, so an ID seen in a URL
    /// tells nothing about others.
    public static var random: IDGenerator {
        IDGenerator { prefix in
            let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
            var generator = SystemRandomNumberGenerator()
            return prefix + "_" + String((0..<26).map { _ in alphabet[Int(generator.next() % 32)] })
        }
    }

    /// "int-1", "msg-2", "int-3"…: one counter for every kind, for tests.
    public static func sequential() -> IDGenerator {
        let counter = Counter()
        return IDGenerator { prefix in "\(prefix)-\(counter.next())" }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
