import Foundation
import FuzzSupport
import HeraldMIME

/// Random header values through the MIME writer's header section: a subject, a custom header,
/// the sender's display name, a To list, a reply's In-Reply-To and a List-Unsubscribe URL (NUL
/// separated, each used only when its validated type accepts it). The written header block
/// must be CRLF only, no line over 998 octets, no line of white space alone, every line a
/// `Name:` field or its continuation, 7-bit unless an address needs SMTPUTF8; and the subject, the custom value and the display name
/// must read back exactly (unfolded, encoded-words decoded).
func check(_ bytes: [UInt8]) {
    var input = FuzzInput(bytes)
    let subjectText = input.text()
    let customName = input.text()
    let customValue = input.text()
    let displayName = input.text()
    let toText = input.text()
    let replyTo = input.text()
    let unsubscribe = input.text()

    let subject = try? HeaderText(subjectText, field: "subject")
    let custom = (try? CustomHeader(name: customName, value: customValue)) ?? (try? CustomHeader(name: "X-Fuzz", value: customValue))
    guard let fixedFrom = try? EmailAddress(validating: "shop@example.com") else { fatalError("the fixed sender does not parse") }
    let named = try? EmailAddress(validating: quoted(displayName) + " <shop@example.com>")
    let from = named ?? fixedFrom
    let to = (try? AddressParser.parseList(toText)) ?? []
    let headers = MessageHeaders(from: from, to: to, subject: subject, inReplyTo: [try? MessageID(validating: replyTo)].compactMap { $0 },
                                 listUnsubscribe: [try? UnsubscribeTarget(validating: unsubscribe)].compactMap { $0 },
                                 customHeaders: [custom].compactMap { $0 })
    let email = EmailMessage(headers: headers, text: "x")
    guard let identity = try? MessageIdentity(date: .deterministic, messageID: MessageID(validating: "fuzz@example.com"), boundarySeed: "0123456789abcdef"),
          let message = try? MIMEWriter().bytes(of: email, identity: identity)
    else { fatalError("property violated: writing the message failed") }

    let block = headerBlock(of: message)
    // Only a non-ASCII local part (SMTPUTF8, RFC 6532) may put 8-bit bytes in the header
    // section; everything else non-ASCII is an encoded-word.
    if !email.needsSMTPUTF8 {
        require(block.allSatisfy { $0 < 0x80 }, "the header section holds 8-bit bytes though no address needs SMTPUTF8")
    }
    // Findings HeaderWriter-1 (a run of spaces in a long subject) and -2 (a long quoted display
    // name) made lines over 998 octets; fixed, every line is checked again.
    let fields = HeaderFields(block, checkLengths: true)
    if let subject { fields.requireValue("Subject", reads: subject.value) }
    if let custom { fields.requireValue(custom.name.value, reads: custom.value.value) }
    if let name = named?.displayName, let written = fields.value(of: "From") {
        fields.requirePhrase(written, reads: name)
    }
}

/// Up to and including the CRLF that ends the last header line (the empty line after it ends
/// the section; the rest is the body, which the MIME writer target checks).
func headerBlock(of message: [UInt8]) -> [UInt8] {
    let end = Array("\r\n\r\n".utf8)
    var index = 0
    while index + end.count <= message.count {
        if message[index..<(index + end.count)].elementsEqual(end) { return Array(message[..<(index + 2)]) }
        index += 1
    }
    fatalError("property violated: the message has no empty line after its header section")
}

func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        if scalar == "\"" || scalar == "\\" { result += "\\" }
        result.unicodeScalars.append(scalar)
    }
    return result + "\""
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
