import Foundation

/// Where a message's bytes go as they are written: memory (`ByteBuffer`), or a file
/// (`FileDescriptorSink` in HeraldDelivery, which `AtomicFile` and standard output use). The
/// writer streams, so a 100 MB attachment never needs 100 MB of memory.
public protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public mutating func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

/// Collects the message in memory.
public struct ByteBuffer: ByteSink, Sendable {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}
