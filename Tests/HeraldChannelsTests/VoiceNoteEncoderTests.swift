import Foundation
import HeraldChannels
import HeraldTestSupport
import Testing

/// Voice notes encoded by the real libopusenc, the result judged by Debian's `opusinfo` and
/// libmagic (WhatsAppMedia's check); every malformed WAV refused with what it is.
@Suite struct VoiceNoteEncoderTests {
    /// `seconds` of a 440 Hz tone (the same on every channel).
    static func tone(seconds: Double, rate: Int = 48_000, channels: Int = 1) -> WAVAudio {
        let frames = Int(seconds * Double(rate))
        var samples: [Int16] = []
        samples.reserveCapacity(frames * channels)
        for frame in 0..<frames {
            let value = Int16(8_000 * sin(2 * Double.pi * 440 * Double(frame) / Double(rate)))
            for _ in 0..<channels { samples.append(value) }
        }
        return WAVAudio(sampleRate: rate, channels: channels, samples: samples)
    }

    /// A WAV header with any values, good or bad, followed by `data` (`dataSize` says what the
    /// header claims, by default the truth).
    static func wav(format: Int = 1, channels: Int = 1, rate: Int = 48_000, bits: Int = 16, blockAlign: Int? = nil, fmtSize: Int = 16,
                    dataSize: Int? = nil, data: [UInt8]) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        let align = blockAlign ?? channels * bits / 8
        return Array("RIFF".utf8) + le32(36 + data.count) + Array("WAVEfmt ".utf8) + le32(fmtSize) + le16(format) + le16(channels) + le32(rate)
            + le32(rate * align) + le16(align) + le16(bits) + Array("data".utf8) + le32(dataSize ?? data.count) + data
    }

    @Test func aToneBecomesOggOpusThatOpusinfoAndLibmagicAccept() throws {
        let note = try VoiceNoteEncoder().encode(wav: Self.tone(seconds: 2).wavBytes(), name: "tone.wav")
        #expect(note.duration == 2)
        let info = try OpusInfo(bytes: note.bytes)
        #expect(info.isOpus, "\(info.output)")
        #expect(info.channels == 1, "\(info.output)")
        let length = try #require(info.playbackLength, "\(info.output)")
        #expect(abs(length - 2) < 0.03, "opusinfo says \(length) s")
        // Decoded by opusdec, it is still the tone: 440 Hz at about the level it was recorded.
        let decoded = try WAVAudio(bytes: try OpusInfo.decode(note.bytes), name: "decoded.wav")
        let tone = OpusInfo.tone(of: decoded.samples, rate: decoded.sampleRate)
        #expect(abs(tone.frequency - 440) < 5 && tone.rms > 4_000, "\(tone)")
        // What the inbox checks before sending it: libmagic's audio/ogg, Opus, a playable bubble.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-voice-\(UUID().uuidString).ogg")
        try Data(note.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let media = try WhatsAppMedia.check(path: file.path, voiceNote: true)
        #expect(media.kind == .audio && media.mediaType == "audio/ogg" && media.warnings.isEmpty)
    }

    @Test func stereoAt44100BecomesOneChannelOfTheSameLength() throws {
        let note = try VoiceNoteEncoder().encode(wav: Self.tone(seconds: 1, rate: 44_100, channels: 2).wavBytes(), name: "stereo.wav")
        let info = try OpusInfo(bytes: note.bytes)
        #expect(info.isOpus && info.channels == 1, "\(info.output)")
        #expect(info.output.contains("Original sample rate: 44100 Hz"), "\(info.output)")
        #expect(abs((info.playbackLength ?? 0) - 1) < 0.03, "\(info.output)")
    }

    /// The bitrate's reason: the longest note accepted, of noise (what compresses worst), stays a
    /// playable bubble (under 512 KB).
    @Test func theLongestNoteAcceptedStaysUnder512KB() throws {
        let encoder = VoiceNoteEncoder()
        var state: UInt32 = 12_345
        let frames = Int(encoder.maximumDuration) * 16_000
        let samples = (0..<frames).map { _ -> Int16 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int16(truncatingIfNeeded: Int(state >> 16) - 32_768) / 4
        }
        let note = try encoder.encode(wav: WAVAudio(sampleRate: 16_000, channels: 1, samples: samples).wavBytes(), name: "long.wav")
        #expect(note.bytes.count < 512 * 1024, "\(note.bytes.count) bytes")
        let info = try OpusInfo(bytes: note.bytes)
        #expect(info.isOpus && abs((info.playbackLength ?? 0) - encoder.maximumDuration) < 0.05, "\(info.output)")
    }

    static let accepted = "give a RIFF/WAVE file of 16-bit PCM, mono or stereo, 8000 to 48000 Hz"
    static let second = [UInt8](repeating: 0, count: 96_000)

    /// A bad file and the reason it is refused with (test logs show the reason, not the bytes).
    struct BadWAV: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var reason: String
        var testDescription: String { reason }
    }

    @Test(arguments: [
        (Array("hello, not audio".utf8), "it is not a WAV file (no RIFF/WAVE header); \(accepted)"),
        (Array("RIFF\u{4}\0\0\0WAVE".utf8), "it has no fmt chunk before its data; \(accepted)"),
        (wav(format: 3, bits: 32, data: second), "it is not PCM: its format is 3 (IEEE float); \(accepted)"),
        (wav(bits: 8, data: second), "it is 8-bit PCM; \(accepted)"),
        (wav(bits: 24, data: second), "it is 24-bit PCM; \(accepted)"),
        (wav(bits: 32, data: second), "it is 32-bit PCM; \(accepted)"),
        (wav(channels: 3, data: second), "it has 3 channels; \(accepted)"),
        (wav(rate: 96_000, data: second), "its sample rate is 96000 Hz; \(accepted)"),
        (wav(blockAlign: 4, data: second), "its header is inconsistent: 1 channel(s) of 16 bits but 4 bytes per sample frame"),
        (wav(data: []), "it has no samples (its data chunk is empty); record something first"),
        (wav(dataSize: 1_000, data: [0, 0, 0, 0]), "it is truncated: its data chunk says 1000 bytes and only 4 follow"),
        (wav(dataSize: 0xFFFF_FFF0, data: second), "it is truncated: its data chunk says 4294967280 bytes and only 96000 follow"),
        (wav(fmtSize: 0x7FFF_FFFF, data: second), "its fmt chunk says 2147483647 bytes (96024 follow), not a PCM format header; \(accepted)"),
        (wav(channels: 2, data: [0, 0, 0, 0, 0, 0]), "it is truncated: its data chunk of 6 bytes ends inside a sample frame of 4 bytes"),
        (wav(rate: 8_000, data: [UInt8](repeating: 0, count: 151 * 16_000)), "it is 151.0 seconds long; a voice note may last at most 150 seconds (2:30)"),
    ].map(BadWAV.init))
    func badInputIsRefusedSayingWhatItIs(_ bad: BadWAV) {
        #expect(throws: VoiceNoteError(input: "note.wav", reason: bad.reason)) { try VoiceNoteEncoder().encode(wav: bad.bytes, name: "note.wav") }
    }

    /// WAVE_FORMAT_EXTENSIBLE (what some recorders write) whose subformat is PCM reads as PCM.
    @Test func anExtensibleHeaderWithPCMReadsTheSameSamples() throws {
        let plain = Self.tone(seconds: 0.1, channels: 2)
        var bytes = plain.wavBytes()
        // fmt grows from 16 to 40 bytes: tag 0xFFFE, cbSize 22, 16 valid bits, front left and right,
        // then the subformat GUID, whose first two bytes are the real format (1, PCM).
        let guid: [UInt8] = [1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71]
        bytes.replaceSubrange(16..<20, with: [40, 0, 0, 0])
        bytes.replaceSubrange(20..<22, with: [0xFE, 0xFF])
        bytes.insert(contentsOf: [22, 0, 16, 0, 3, 0, 0, 0] + guid, at: 36)
        let read = try WAVAudio(bytes: bytes, name: "extensible.wav")
        #expect(read == plain)
    }

    /// libopusenc's own refusals reach the caller with their meaning and code.
    @Test func aSettingLibopusencRefusesIsNamed() {
        #expect(throws: VoiceNoteError(input: "tone.wav", reason: "libopusenc failed setting the bitrate to -5 b/s: "
                                        + "an argument was refused (bad sample rate, channel count or setting) (code -11)")) {
            try VoiceNoteEncoder(bitrate: -5).encode(wav: Self.tone(seconds: 0.1).wavBytes(), name: "tone.wav")
        }
    }

    /// Every byte of the header set to extreme values: each file is read or refused, never a crash,
    /// and what is read never claims more samples than the file holds.
    @Test func everyHeaderByteMutatedIsReadOrRefused() {
        let good = Self.tone(seconds: 0.01).wavBytes()
        var read = 0, refused = 0
        for index in 0..<44 {
            for value: UInt8 in [0, 1, 0x7F, 0x80, 0xFE, 0xFF] {
                var bytes = good
                bytes[index] = value
                do {
                    let audio = try WAVAudio(bytes: bytes, name: "mutated.wav")
                    #expect(audio.samples.count * 2 <= bytes.count - 44, "byte \(index) = \(value)")
                    read += 1
                } catch is VoiceNoteError {
                    refused += 1
                } catch {
                    Issue.record("byte \(index) = \(value): \(error)")
                }
            }
        }
        #expect(read + refused == 44 * 6 && read > 0 && refused > 0, "\(read) read, \(refused) refused")
    }

    /// Cut anywhere, a good file is refused or read, never a crash (every header size is checked).
    @Test func everyPrefixOfAGoodFileIsHandled() throws {
        let good = Self.tone(seconds: 0.01).wavBytes()
        var refused = 0
        for length in 0..<good.count {
            do { _ = try WAVAudio(bytes: Array(good.prefix(length)), name: "cut.wav") } catch is VoiceNoteError { refused += 1 }
        }
        // Every prefix is missing at least the last sample frame's bytes of the declared data.
        #expect(refused == good.count)
    }
}
