import Foundation

/// An independent judge of Ogg Opus files: Debian's `opusinfo` (opus-tools), run as a process on
/// the bytes, and what it reports — the stream type, the channels and the playback length.
public struct OpusInfo: Sendable {
    /// opusinfo's own output, to quote when a check fails.
    public let output: String
    public let status: Int32

    /// Whether opusinfo found an Opus stream and no error.
    public var isOpus: Bool { status == 0 && output.contains("type opus") && !output.contains("ERROR") }

    public var channels: Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Channels:") }) else { return nil }
        return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// Seconds, from "Playback length: 0m:02.000s".
    public var playbackLength: Double? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Playback length:") }),
              let value = line.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) else { return nil }
        let parts = value.dropLast().split(separator: "m:")
        guard parts.count == 2, let minutes = Double(parts[0]), let seconds = Double(parts[1]) else { return nil }
        return minutes * 60 + seconds
    }

    /// Runs opusinfo on `bytes` (through a temporary file: opusinfo reads files).
    public init(bytes: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-opusinfo-\(UUID().uuidString).ogg")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ExternalEmailTools.run("/usr/bin/opusinfo", [file.path])
        output = result.stdout + result.stderr
        status = result.status
    }

    /// The Ogg Opus `bytes` decoded by Debian's `opusdec` (opus-tools): a 48 kHz 16-bit WAV file.
    public static func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-opusdec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.ogg"), output = folder.appendingPathComponent("out.wav")
        try Data(bytes).write(to: input)
        let result = try ExternalEmailTools.run("/usr/bin/opusdec", ["--quiet", "--rate", "48000", input.path, output.path])
        guard result.status == 0 else { throw ExternalEmailTools.ToolError(description: "opusdec failed: \(result.stderr)") }
        return [UInt8](try Data(contentsOf: output))
    }

    /// A tone's frequency in Hz, from its upward zero crossings, and its RMS level (0…32767): enough
    /// to tell a decoded 440 Hz tone from silence or from samples read in the wrong order.
    public static func tone(of samples: [Int16], rate: Int) -> (frequency: Double, rms: Double) {
        guard samples.count > 1 else { return (0, 0) }
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        let rms = (energy / Double(samples.count)).squareRoot()
        // Rising crossings with hysteresis: a cycle counts once the signal has gone below
        // -threshold and then above +threshold, so the codec's and the noise suppressor's small
        // wobbles around zero (which a plain zero-crossing count takes for cycles) do not count.
        let threshold = rms * 0.2
        var crossings = 0
        var armed = false
        for sample in samples {
            let value = Double(sample)
            if value < -threshold {
                armed = true
            } else if armed && value > threshold {
                crossings += 1
                armed = false
            }
        }
        return (Double(crossings) * Double(rate) / Double(samples.count), rms)
    }
}
