import Foundation
import FuzzSupport
import HeraldDocument
import HeraldTemplates

/// The template filler, two ways (the first byte chooses): a fixed template filled with the
/// input as JSON data, or the input as a template's text filled with its own example data.
/// Refusals (bad JSON, a missing variable, a bad front matter) are fine; a crash is not, and
/// nothing filled may still hold a placeholder mark (U+E000, U+E001) or break the rendered
/// documents' safety rules (`RenderedDocumentCheck`).
func check(_ bytes: [UInt8]) {
    var input = FuzzInput(bytes)
    let mode = input.byte()
    let rest = input.remainder()
    if mode & 1 == 0 {
        let template: MessageTemplate
        do { template = try FixedTemplate.template.get() } catch { fatalError("the fixed template does not load: \(error)") }
        guard let data = try? TemplateValue.data(fromJSON: Data(rest), source: "input.json") else { return }
        checkFilled(try? template.fill(data), input: rest)
    } else {
        // A template file must be a file: the loader reads its locale variants and layout beside it.
        guard (try? Data(rest).write(to: FixedTemplate.scratchFile)) != nil,
              let template = try? MessageTemplate.load(FixedTemplate.scratchFile) else { return }
        checkFilled(try? template.fill(template.exampleData), input: rest)
    }
}

func checkFilled(_ filled: FilledTemplate?, input: [UInt8]) {
    guard let filled else { return }
    let what = visible(String(decoding: input, as: UTF8.self))
    for document in [filled.document, filled.sms, filled.layout?.header, filled.layout?.footer].compactMap({ $0 }) {
        require(!holdsMark(json(document)), "a filled document still holds a placeholder mark; input \(what)")
        RenderedDocumentCheck.check(document)
    }
    let texts = [filled.subject, filled.preheader, filled.from].compactMap { $0 } + filled.listUnsubscribe + filled.attachments
    for text in texts {
        require(!holdsMark(text), "a filled field \(visible(text)) still holds a placeholder mark; input \(what)")
    }
    if let whatsapp = try? filled.whatsapp() {
        let values = whatsapp.bodyValues + whatsapp.namedValues.map(\.value) + whatsapp.buttonValues + [whatsapp.headerValue].compactMap { $0 }
        for value in values {
            require(!holdsMark(value), "a WhatsApp value \(visible(value)) still holds a placeholder mark; input \(what)")
        }
    }
}

func holdsMark(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0 == "\u{E000}" || $0 == "\u{E001}" }
}

/// Every string of the model (text, URLs, alt text, titles) in one place to search.
func json(_ document: Document) -> String {
    guard let data = try? JSONEncoder().encode(document) else { fatalError("a filled document does not encode as JSON") }
    return String(decoding: data, as: UTF8.self)
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
