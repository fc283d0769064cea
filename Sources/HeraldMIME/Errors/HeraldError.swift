import Foundation

/// Herald's errors are one family: each says its category, which the CLI maps to an exit status
/// and the server to an HTTP status, each in one place. `HeraldError` is the family's general
/// member; the specific ones (`AddressError`, `AttachmentError`, `TemplateError`,
/// `OutboxError`...) conform to `CategorizedError`. Messages name the value, the place and what
/// would be accepted — and never a CLI flag, since the library knows no CLI.
///
/// (In HeraldMIME because it is the lowest module every module that throws depends on.)
public struct HeraldError: CategorizedError, LocalizedError, Equatable, Sendable {
    public enum Category: String, Sendable, Equatable, CaseIterable {
        /// The call itself is wrong: a missing or contradictory setting, an unknown option value.
        case usage
        /// The content is wrong: an address, a template value, an attachment, a message.
        case input
        /// A file or database could not be read or written.
        case io
        /// A server or provider refused or failed.
        case delivery
        /// The request contradicts what is stored (an idempotency key used for other content).
        case conflict
        /// What was asked for does not exist.
        case notFound
        /// Not allowed to the caller.
        case unauthorized
    }

    public var category: Category
    public var message: String

    public init(_ category: Category, _ message: String) {
        self.category = category
        self.message = message
    }

    public static func badInput(_ message: String) -> HeraldError { HeraldError(.input, message) }
    public static func io(_ message: String) -> HeraldError { HeraldError(.io, message) }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// A member of Herald's error family: an error that says its category. Its `description` is the
/// message, one line.
public protocol CategorizedError: Error, CustomStringConvertible {
    var category: HeraldError.Category { get }
}

extension HeaderError: CategorizedError { public var category: HeraldError.Category { .input } }
extension AddressError: CategorizedError { public var category: HeraldError.Category { .input } }
extension AttachmentError: CategorizedError { public var category: HeraldError.Category { .input } }
