import FuzzSupport
import HeraldDocument
import HeraldMIME

/// Random bodies and files through the MIME writer: the message is CRLF only, no line passes
/// 998 octets, the only lines that start with a boundary are its delimiters, one per part and
/// the closing one (a boundary never starts a line of content), and every header line is ASCII.
///
/// Input: a flags byte (HTML or not, how many files, which are inline images), then
/// NUL-separated fields: the text, the HTML, and for each file its name, its `cid:` name and
/// its bytes. Content IDs go through `SafeURL` as an image's `cid:` source does on its way from
/// a document; file names and bytes are used as given.
func check(_ bytes: [UInt8]) {
    var input = FuzzInput(bytes)
    let flags = input.byte()
    let text = input.text()
    let html = input.text()
    var attachments: [Attachment] = []
    let types = ["application/pdf", "image/png", "text/plain", "application/octet-stream"]
    for index in 0..<Int(flags >> 1 & 3) {
        let name = input.text()
        let reference = input.text()
        let content = input.field()
        let inline = flags >> (3 + index) & 1 == 1
        let contentID = inline ? SafeURL.clean("cid:" + reference, for: .image).map { String($0.dropFirst(4)) } : nil
        attachments.append(Attachment(filename: name, contentType: inline ? "image/png" : types[index % types.count],
                                      content: .bytes(content), size: content.count, contentID: contentID))
    }
    guard let from = try? EmailAddress(validating: "Shop <shop@example.com>"),
          let to = try? AddressParser.parseList("ana@example.com"),
          let identity = try? MessageIdentity(date: .deterministic, messageID: MessageID(validating: "fuzz@example.com"), boundarySeed: "0123456789abcdef")
    else { fatalError("the fixed headers do not parse") }
    let message = EmailMessage(headers: MessageHeaders(from: from, to: to), text: text, html: flags & 1 == 1 ? html : nil,
                               attachments: attachments)
    let writer = MIMEWriter()
    let written: [UInt8]
    do {
        written = try writer.bytes(of: message, identity: identity)
    } catch let error as HeaderError where error.field == "Content-ID" {
        // A content ID no header can carry (too long, non-ASCII, spaces, brackets) is refused
        // before anything is written (the fix of findings MIMEWriter-2 and -3): the one refusal
        // a message from memory may meet, and only for such an ID.
        guard attachments.contains(where: { $0.contentID.map { !MIMEWriter.canCarry(contentID: $0) } ?? false }) else {
            fatalError("property violated: a writable content ID was refused: \(error)")
        }
        return
    } catch {
        fatalError("property violated: writing a message from memory failed: \(error)")
    }
    let lines = MessageLines.split(written, what: "the message")
    MessageLines.requireLengths(lines, what: "the message")
    let delimiters = checkBoundaries(lines, structure: writer.structure(of: message, identity: identity), seed: identity.boundarySeed)
    requireASCIIHeaders(lines, delimiters: delimiters)
}

/// The addresses here are ASCII, so the message needs no SMTPUTF8 and every header line — the
/// message's and each part's, from its delimiter to the empty line — must be 7-bit: non-ASCII
/// belongs in encoded-words (RFC 2047) and RFC 2231 parameters.
func requireASCIIHeaders(_ lines: [ArraySlice<UInt8>], delimiters: Set<[UInt8]>) {
    var inHeader = true
    for line in lines {
        if line.isEmpty {
            inHeader = false
        } else if delimiters.contains(Array(line)) {
            inHeader = true
        } else if inHeader {
            require(line.allSatisfy { $0 < 0x80 }, "a header line holds 8-bit bytes: \(visible(String(decoding: line, as: UTF8.self)))")
        }
    }
}

/// Boundaries are numbered outermost first and each nested multipart is its parent's first
/// part, so the chain of first parts gives each boundary's number of parts. A reader finds
/// parts by lines that start with `--boundary` (RFC 2046 §5.1.1): there must be exactly one
/// per part and a closing one, each exactly the delimiter, and no other line may start so.
/// (The seed is fixed here; a real one is random or a hash of the content, so a file name
/// holding a boundary in a header parameter, mid-line, is harmless and not counted.)
/// Returns the opening delimiters.
func checkBoundaries(_ lines: [ArraySlice<UInt8>], structure: PartDescription, seed: String) -> Set<[UInt8]> {
    var delimiters: Set<[UInt8]> = []
    var node: PartDescription? = structure
    var number = 0
    while let multipart = node, let parts = multipart.parts {
        number += 1
        let boundary = "=_Herald_\(seed)_\(number)"
        let delimiter = Array("--\(boundary)".utf8)
        let starting = lines.filter { $0.starts(with: delimiter) }
        let opening = starting.filter { $0.elementsEqual(delimiter) }.count
        let closing = starting.filter { $0.elementsEqual(delimiter + Array("--".utf8)) }.count
        require(opening == parts.count && closing == 1 && starting.count == parts.count + 1,
                "\(starting.count) lines start with --\(boundary) (\(opening) delimiters, \(closing) closing); expected \(parts.count) and 1")
        delimiters.insert(delimiter)
        node = parts.first
    }
    return delimiters
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
