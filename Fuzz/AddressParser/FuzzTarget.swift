import Foundation
import FuzzSupport
import HeraldMIME

/// Any text as an address list. The parser never crashes, and whatever it accepts survives
/// being written out: each mailbox written as `"display name" <addr-spec>` parses back to the
/// same address, and the list as `HeaderWriter` folds it into a To: field parses back to the
/// same recipients (and the same display names where the writer keeps them as text).
func check(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let single = try? EmailAddress(validating: text)
    guard let entries = try? AddressParser.parseList(text) else {
        require(single == nil, "EmailAddress(validating:) accepts what parseList refuses: \(visible(text))")
        return
    }
    if let single {
        require(entries == [.mailbox(single)], "EmailAddress(validating:) and parseList disagree on \(visible(text))")
    }
    for entry in entries {
        for mailbox in entry.mailboxes { checkRewritten(mailbox, from: text) }
    }
    checkHeaderRoundTrip(entries, from: text)
}

/// One mailbox, written with its display name quoted and its addr-spec as SMTP gets it.
func checkRewritten(_ mailbox: EmailAddress, from text: String) {
    let written = mailbox.displayName.map { quoted($0) + " <" + mailbox.addrSpec + ">" } ?? mailbox.addrSpec
    do {
        let reparsed = try EmailAddress(validating: written)
        require(reparsed == mailbox && reparsed.localPart == mailbox.localPart && reparsed.asciiDomain == mailbox.asciiDomain,
                "\(visible(text)) gave \(visible(mailbox.description)), written \(visible(written)) it reads as \(visible(reparsed.description))")
    } catch {
        fatalError("property violated: \(visible(text)) gave \(visible(mailbox.description)), and written as \(visible(written)) it is refused: \(error)")
    }
}

/// The list as a To: header, unfolded and parsed again.
func checkHeaderRoundTrip(_ entries: [AddressListEntry], from text: String) {
    var writer = HeaderWriter()
    writer.addAddresses("To", entries)
    // Folding writes CRLF before the space that separates two tokens: removing it unfolds.
    let unfolded = String(decoding: writer.bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "")
    let value = String(unfolded.dropFirst("To: ".count))
    let reparsed: [AddressListEntry]
    do {
        reparsed = try AddressParser.parseList(value)
    } catch {
        fatalError("property violated: \(visible(text)) was written as To: \(visible(value)), which is refused: \(error)")
    }
    require(reparsed.count == entries.count, "\(visible(text)): \(entries.count) entries written as To: \(visible(value)) read back as \(reparsed.count)")
    for (original, again) in zip(entries, reparsed) {
        let (before, after) = (original.mailboxes, again.mailboxes)
        require(before.map(\.recipientKey) == after.map(\.recipientKey),
                "\(visible(text)): the addresses written as To: \(visible(value)) read back as \(after.map { visible($0.addrSpec) })")
        for (one, two) in zip(before, after) {
            // Non-ASCII names are RFC 2047 encoded-words, which the parser (for typed input)
            // does not decode; so are ASCII names that look like encoded-words (`=?…?=`, which a
            // reader would decode) or are too long for a line. FuzzHeaderWriter reads those back
            // with an RFC 2047 decoder. Other ASCII names come back as words, runs of spaces as one.
            guard let name = one.displayName, isPrintableASCII(name), two.displayName?.hasPrefix("=?") != true else { continue }
            require(collapsed(name) == two.displayName.map(collapsed),
                    "\(visible(text)): the display name \(visible(name)) written as To: \(visible(value)) reads back as \(visible(two.displayName ?? "none"))")
        }
    }
}

func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        if scalar == "\"" || scalar == "\\" { result += "\\" }
        result.unicodeScalars.append(scalar)
    }
    return result + "\""
}

func isPrintableASCII(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
}

func collapsed(_ text: String) -> String {
    text.split(separator: " ").joined(separator: " ")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
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
