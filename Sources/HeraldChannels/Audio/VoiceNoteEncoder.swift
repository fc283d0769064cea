import COpusEnc
import Foundation

/// A recorded voice note (WAV) as Ogg Opus, what WhatsApp plays as a voice note: encoded by
/// libopusenc (Debian's libopusenc-dev), in memory through its write callback, never a file.
///
/// Mono at 24 kb/s, constrained VBR, tuned for voice: Opus gives wideband speech that is clear
/// at that rate, and constrained VBR keeps the size near bitrate × duration, so the longest note
/// accepted, 150 seconds, stays under about 460 KB — below the 512 KB above which WhatsApp shows a
/// download icon instead of a play button (`WhatsAppMedia`). (Five minutes at 24 kb/s would be
/// 900 KB; a longer limit would need a lower bitrate, and below ~16 kb/s speech loses clarity.)
public struct VoiceNoteEncoder: Sendable {
    public var bitrate: Int
    /// The longest recording accepted, in seconds.
    public var maximumDuration: Double

    public init(bitrate: Int = 24_000, maximumDuration: Double = 150) {
        self.bitrate = bitrate
        self.maximumDuration = maximumDuration
    }

    /// The largest WAV body worth reading for `maximumDuration`: stereo 16-bit at 48 kHz, plus
    /// room for a few header chunks.
    public var maximumWAVSize: Int { Int(maximumDuration * 48_000) * 4 + 65_536 }

    public struct VoiceNote: Equatable, Sendable {
        /// The Ogg Opus file.
        public let bytes: [UInt8]
        /// Seconds of audio.
        public let duration: Double
    }

    /// Encodes the WAV file `wav`; `name` is the input as the errors name it.
    public func encode(wav: [UInt8], name: String) throws -> VoiceNote {
        let audio = try WAVAudio(bytes: wav, name: name)
        guard audio.duration <= maximumDuration else {
            throw VoiceNoteError(input: name, reason: String(format: "it is %.1f seconds long; a voice note may last at most %d seconds (%d:%02d)",
                                                             audio.duration, Int(maximumDuration), Int(maximumDuration) / 60, Int(maximumDuration) % 60))
        }
        return VoiceNote(bytes: try encode(audio.mono(), name: name), duration: audio.duration)
    }

    /// Where libopusenc writes the pages: a class, for the callback's user-data pointer.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private func encode(_ audio: WAVAudio, name: String) throws -> [UInt8] {
        func check(_ code: Int32, _ doing: String) throws {
            guard code != OPE_OK else { return }
            throw VoiceNoteError(input: name, reason: "libopusenc failed \(doing): \(Self.explain(code))")
        }
        guard let comments = ope_comments_create() else {
            throw VoiceNoteError(input: name, reason: "libopusenc could not allocate its comment header (out of memory)")
        }
        defer { ope_comments_destroy(comments) }
        let sink = Sink()
        var callbacks = OpusEncCallbacks(
            write: { user, pointer, length in
                guard let user, let pointer, length >= 0 else { return 1 }
                Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: Int(length)))
                return 0
            },
            close: { _ in 0 })
        var error: Int32 = OPE_OK
        // Family 0: mono or stereo, no channel mapping table (RFC 7845 §5.1.1).
        let created = withExtendedLifetime(sink) {
            ope_encoder_create_callbacks(&callbacks, Unmanaged.passUnretained(sink).toOpaque(), comments, Int32(audio.sampleRate),
                                         Int32(audio.channels), 0, &error)
        }
        guard let encoder = created else {
            throw VoiceNoteError(input: name, reason: "libopusenc could not start an encoder for \(audio.sampleRate) Hz, \(audio.channels) channel(s): "
                                    + Self.explain(error == OPE_OK ? OPE_INTERNAL_ERROR : error))
        }
        defer { ope_encoder_destroy(encoder) }
        try withExtendedLifetime(sink) {
            try check(herald_ope_set_signal_voice(encoder), "tuning the encoder for voice")
            try check(herald_ope_set_bitrate(encoder, Int32(bitrate)), "setting the bitrate to \(bitrate) b/s")
            try check(herald_ope_set_vbr_constraint(encoder, 1), "constraining the variable bitrate")
            // A second at a time: libopusenc buffers what it is given until pages are full.
            let chunk = audio.sampleRate * audio.channels
            try audio.samples.withUnsafeBufferPointer { samples in
                guard let base = samples.baseAddress else { return }
                var at = 0
                while at < samples.count {
                    let count = min(chunk, samples.count - at)
                    try check(ope_encoder_write(encoder, base + at, Int32(count / audio.channels)), "encoding the samples")
                    at += count
                }
            }
            try check(ope_encoder_drain(encoder), "finishing the stream")
        }
        guard !sink.bytes.isEmpty else { throw VoiceNoteError(input: name, reason: "libopusenc wrote no Ogg pages") }
        return sink.bytes
    }

    /// libopusenc's status code in words (libopus's own codes, which its ctl calls pass on, by number).
    static func explain(_ code: Int32) -> String {
        let meaning: String
        switch code {
        case OPE_BAD_ARG: meaning = "an argument was refused (bad sample rate, channel count or setting)"
        case OPE_INTERNAL_ERROR: meaning = "an internal error"
        case OPE_UNIMPLEMENTED: meaning = "not implemented in this libopusenc"
        case OPE_ALLOC_FAIL: meaning = "out of memory"
        case OPE_CANNOT_OPEN: meaning = "the output could not be opened"
        case OPE_TOO_LATE: meaning = "a setting came after encoding began"
        case OPE_INVALID_PICTURE, OPE_INVALID_ICON: meaning = "an invalid picture in the comments"
        case OPE_WRITE_FAIL: meaning = "writing the Ogg pages failed"
        case OPE_CLOSE_FAIL: meaning = "closing the output failed"
        default: meaning = ope_strerror(code).map { String(cString: $0) } ?? "unknown error"
        }
        return "\(meaning) (code \(code))"
    }
}
