// Channels benchmark: SMS (render + GSM-7/UCS-2 detection + segmentation) and WhatsApp (render in
// WhatsApp's marks) on the samples, messages per second; the Markdown is parsed once, so these
// are the channels' own costs.
//
//     swift run -c release ChannelsBenchmark
import Foundation
import Herald
import HeraldTooling

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func runBenchmark() throws {
    let samples = try Sample.all(in: URL(fileURLWithPath: "Samples"))
    let documents = samples.map { MarkdownReader().read(bytes: [UInt8]((try? Data(contentsOf: $0.directory.appendingPathComponent("input.md"))) ?? Data())) }
    let passes = 500
    var sink = 0
    func best(_ body: () -> Void) -> Double { (0..<5).map { _ in seconds(body) }.min() ?? 1 }
    let sms = best {
        for _ in 0..<passes {
            for document in documents { sink &+= SMSEncoder().analyze(SMSTextRenderer().render(document)).segments.count }
        }
    }
    let transliterated = best {
        for _ in 0..<passes {
            for document in documents { sink &+= SMSEncoder(transliterate: true).analyze(SMSTextRenderer().render(document)).units }
        }
    }
    let whatsapp = best {
        for _ in 0..<passes {
            for document in documents { sink &+= WhatsAppTextRenderer().render(document).utf8.count }
        }
    }
    let count = Double(passes * documents.count)
    print("\(documents.count) samples × \(passes), best of 5, Markdown parsed once:")
    print("  SMS render + encoding + segments:        \(String(format: "%8.0f", count / sms)) messages/s")
    print("  ... with transliteration:                \(String(format: "%8.0f", count / transliterated)) messages/s")
    print("  WhatsApp render:                         \(String(format: "%8.0f", count / whatsapp)) messages/s")
    print("(sink \(sink % 10))")
}

try runBenchmark()
