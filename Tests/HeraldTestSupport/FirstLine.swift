import Foundation

extension FileHandle {
    /// What a started process has written up to the end of its first line (or until it closed
    /// the pipe): the test servers and `herald serve` print their port on it once they listen,
    /// so a test waits for that line instead of sleeping.
    public func firstLine() -> String {
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return String(decoding: line, as: UTF8.self)
    }
}
