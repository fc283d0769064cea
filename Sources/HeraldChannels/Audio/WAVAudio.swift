import Foundation

/// A WAV file's 16-bit PCM, read for encoding (`VoiceNoteEncoder`): RIFF/WAVE with a `fmt `
/// chunk (PCM, or WAVE_FORMAT_EXTENSIBLE whose subformat is PCM) and a `data` chunk, other chunks
/// skipped. Only what a recording in a browser gives is accepted — 16-bit samples, mono or
/// stereo, 8 to 48 kHz — and every other file is refused with what it is and what is accepted,
/// never trusted: each size in a header is checked against the bytes that are really there.
public struct WAVAudio: Equatable, Sendable {
    public static let sampleRates = 8_000...48_000
    public static let channelCounts = 1...2

    public let sampleRate: Int
    public let channels: Int
    /// Interleaved samples (left, right, left, … for stereo).
    public let samples: [Int16]

    /// Samples per channel.
    public var frameCount: Int { samples.count / channels }
    public var duration: Double { Double(frameCount) / Double(sampleRate) }

    public init(sampleRate: Int, channels: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Reads `bytes`; `name` is the input as the errors name it.
    public init(bytes: [UInt8], name: String) throws {
        func refuse(_ reason: String) -> VoiceNoteError { VoiceNoteError(input: name, reason: reason) }
        let accepted = "give a RIFF/WAVE file of 16-bit PCM, mono or stereo, 8000 to 48000 Hz"
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw refuse("it is not a WAV file (no RIFF/WAVE header); \(accepted)")
        }
        var format: (tag: Int, channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        var data: Range<Int>?
        var at = 12
        while at + 8 <= bytes.count, data == nil {
            let id = String(decoding: bytes[at..<at + 4], as: UTF8.self)
            let size = Self.uint32(bytes, at + 4)
            let body = at + 8
            let available = bytes.count - body
            if id == "fmt " {
                // 16, 18 or 40 bytes in practice; anything much larger is not a format header.
                guard size >= 16, size <= 1024, size <= available else {
                    throw refuse("its fmt chunk says \(size) bytes (\(available) follow), not a PCM format header; \(accepted)")
                }
                var tag = Self.uint16(bytes, body)
                // WAVE_FORMAT_EXTENSIBLE: the real format is the subformat GUID's first two bytes.
                if tag == 0xFFFE && size >= 40 { tag = Self.uint16(bytes, body + 24) }
                format = (tag, Self.uint16(bytes, body + 2), Self.uint32(bytes, body + 4), Self.uint16(bytes, body + 12), Self.uint16(bytes, body + 14))
            } else if id == "data" {
                guard size <= available else {
                    throw refuse("it is truncated: its data chunk says \(size) bytes and only \(available) follow")
                }
                data = body..<body + size
            } else if size > available {
                throw refuse("it is truncated: its \(id.debugDescription) chunk says \(size) bytes and only \(available) follow")
            }
            // Chunks are padded to an even size.
            at = body + size + (size & 1)
        }
        guard let format else { throw refuse("it has no fmt chunk before its data; \(accepted)") }
        guard let data else { throw refuse("it has no data chunk (no samples); \(accepted)") }
        guard format.tag == 1 else {
            let known = [3: "IEEE float", 6: "A-law", 7: "µ-law", 0x55: "MP3", 0x11: "IMA ADPCM"][format.tag].map { " (\($0))" } ?? ""
            throw refuse("it is not PCM: its format is \(format.tag)\(known); \(accepted)")
        }
        guard format.bits == 16 else { throw refuse("it is \(format.bits)-bit PCM; \(accepted)") }
        guard Self.channelCounts.contains(format.channels) else { throw refuse("it has \(format.channels) channels; \(accepted)") }
        guard Self.sampleRates.contains(format.rate) else { throw refuse("its sample rate is \(format.rate) Hz; \(accepted)") }
        guard format.blockAlign == format.channels * 2 else {
            throw refuse("its header is inconsistent: \(format.channels) channel(s) of 16 bits but \(format.blockAlign) bytes per sample frame")
        }
        guard !data.isEmpty else { throw refuse("it has no samples (its data chunk is empty); record something first") }
        guard data.count % format.blockAlign == 0 else {
            throw refuse("it is truncated: its data chunk of \(data.count) bytes ends inside a sample frame of \(format.blockAlign) bytes")
        }
        var samples = [Int16](repeating: 0, count: data.count / 2)
        for index in samples.indices {
            let at = data.lowerBound + index * 2
            samples[index] = Int16(bitPattern: UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8)
        }
        self.init(sampleRate: format.rate, channels: format.channels, samples: samples)
    }

    /// One channel: a voice note is speech, and at a voice bitrate mono keeps all of it for the
    /// one voice (stereo would split the bits between two nearly equal channels).
    public func mono() -> WAVAudio {
        guard channels == 2 else { return self }
        var mixed = [Int16](repeating: 0, count: frameCount)
        for frame in mixed.indices {
            mixed[frame] = Int16((Int(samples[frame * 2]) + Int(samples[frame * 2 + 1])) / 2)
        }
        return WAVAudio(sampleRate: sampleRate, channels: 1, samples: mixed)
    }

    /// A WAV file of these samples (tests and tools: what a browser's recording uploads).
    public func wavBytes() -> [UInt8] {
        let dataSize = samples.count * 2
        var out: [UInt8] = Array("RIFF".utf8) + Self.le32(36 + dataSize) + Array("WAVEfmt ".utf8) + Self.le32(16)
        out += Self.le16(1) + Self.le16(channels) + Self.le32(sampleRate) + Self.le32(sampleRate * channels * 2) + Self.le16(channels * 2) + Self.le16(16)
        out += Array("data".utf8) + Self.le32(dataSize)
        out.reserveCapacity(out.count + dataSize)
        for sample in samples { out += Self.le16(Int(UInt16(bitPattern: sample))) }
        return out
    }

    static func uint16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    static func uint32(_ bytes: [UInt8], _ at: Int) -> Int { uint16(bytes, at) | uint16(bytes, at + 2) << 16 }
    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16 & 0xFFFF) }
}
