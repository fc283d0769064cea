/// A recording that cannot become a voice note: the input, and why, with what is accepted.
public struct VoiceNoteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var input: String
    public var reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "\(input): \(reason)" }
}
