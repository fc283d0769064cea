import Foundation
import FuzzSupport
import HeraldMIME

/// Random bytes as a received email through GMime and the inbound model: it never crashes,
/// never throws (only I/O may, and there is none from memory), and what it reports holds
/// together — the quoted split loses no text, every file's hash is SHA-256 sized, sizes are
/// not negative, every bounce recipient has an address, a bounce is not also an auto-reply,
/// and the JSON form encodes and decodes back to the same value.
func check(_ bytes: [UInt8]) {
    let email: InboundEmail
    do {
        email = try InboundEmailParser().parse(bytes: bytes)
    } catch {
        fatalError("property violated: parsing from memory threw: \(error)")
    }
    if let split = email.quotedHistory.text, let text = email.text {
        guard split.new + split.quoted == text else { fatalError("property violated: the text split lost or added text") }
    }
    for attachment in email.attachments {
        guard attachment.sha256.count == 64, attachment.size >= 0 else { fatalError("property violated: a bad attachment record \(attachment)") }
    }
    for part in email.structure?.flattened ?? [] where (part.size ?? 0) < 0 {
        fatalError("property violated: a negative part size")
    }
    if let report = email.deliveryStatus {
        guard email.autoReply == nil else { fatalError("property violated: a bounce is also an auto-reply") }
        guard report.recipients.allSatisfy({ !$0.recipient.isEmpty || $0.originalRecipient != nil }) else {
            fatalError("property violated: a bounce recipient without an address")
        }
    }
    do {
        let json = try JSONEncoder().encode(email)
        let back = try JSONDecoder().decode(InboundEmail.self, from: json)
        // Dates go through ISO 8601 whole seconds, which the parser's dates already are.
        guard back == email else { fatalError("property violated: the JSON form does not read back to the same value") }
    } catch {
        fatalError("property violated: the JSON form failed: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

// The fuzz build (-DFUZZING, --sanitize fuzzer) gets its main from libFuzzer; a plain build
// replays the files it is given.
#if !FUZZING
@main struct Replay {
    static func main() { FuzzReplay.main(check) }
}
#endif
