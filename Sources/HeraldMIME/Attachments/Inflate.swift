import CZlib

/// Raw deflate (RFC 1951), as ZIP entries hold it, through zlib.
enum Inflate {
    /// The inflated bytes, or nil when `input` is not a complete deflate stream or inflates to
    /// more than `limit` bytes (a small entry can claim to be anything: stop at what is needed).
    static func raw(_ input: ArraySlice<UInt8>, limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard herald_inflate_init_raw(&stream) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var source = Array(input)
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        return source.withUnsafeMutableBufferPointer { source -> [UInt8]? in
            guard source.count <= Int(UInt32.max) else { return nil }
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                guard status == Z_OK || status == Z_STREAM_END else { return nil }
                guard output.count + produced <= limit else { return nil }
                output += chunk[..<produced]
                if status == Z_STREAM_END { return output }
                // No input left and no progress: the stream is cut short.
                if produced == 0 && stream.avail_in == 0 { return nil }
            }
        }
    }
}
