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

extension FileHandle {
    /// `received` and what comes next from the pipe, read until it holds `marker` (or the pipe
    /// closes): a live stream's events, or a process's line that says it is ready.
    public func read(until marker: String, after received: String = "") -> String {
        var text = received
        while !text.contains(marker) {
            let chunk = availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return text
    }
}
