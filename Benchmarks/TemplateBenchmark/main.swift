// Template benchmark: a 1,000-row data set through one template (Templates/order-shipped.md),
// each row filled and rendered to email HTML + text and SMS, against a naive pipeline measured in
// the same run: the same template filled by swift-mustache with the raw values (no placeholders,
// so no safety) and rendered by raw cmark-gfm to HTML. Herald's figure includes what the naive
// one lacks: safe filling, the model, email-safe HTML, the text part and the SMS.
//
//     swift run -c release TemplateBenchmark [TEMPLATES_DIR]
import BenchmarkSupport
import Foundation
import Herald
import Mustache

let templatesDirectory = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? "Templates")
let template: MessageTemplate
do {
    template = try MessageTemplate.load(templatesDirectory.appendingPathComponent("order-shipped.md"))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(74)
}

/// 1,000 customers, varied: names with accents and CJK, one to five items each.
let firstNames = ["Ana", "Bob", "Chloé", "Dmitri", "Eun-ji", "Fatima", "Gustavo", "Hiroshi", "Ingrid", "José", "王芳", "Zoë"]
let products = ["Stoneware mug, sage", "Linen tea towel", "Walnut serving board", "Wool throw, rust", "Ceramic planter", "Brass candle holder"]
let rows: [[String: TemplateValue]] = (0..<1000).map { index in
    let items = (0...(index % 5)).map { item -> TemplateValue in
        .object(["name": .string(products[(index + item) % products.count]), "qty": .number(String(1 + item % 3)),
                 "price": .string("$\(12 + (index * 7 + item * 5) % 80).00")])
    }
    return ["customer_name": .string(firstNames[index % firstNames.count]),
            "order": .object(["id": .string("A-\(10_000 + index)"), "eta": .string("Thursday, November \(1 + index % 28)"),
                              "carrier": .string(index % 2 == 0 ? "UPS" : "FedEx"), "tracking_number": .string("1Z999AA1\(String(format: "%010d", index))"),
                              "tracking_url": .string("https://herald-home.example/track/A-\(10_000 + index)")]),
            "items": .list(items), "unsubscribe_token": .string("u-\(index)")]
}

nonisolated(unsafe) var sink = 0

// Herald: fill safely, render HTML + text in the layout, and the SMS part.
@MainActor func herald() throws {
    for row in rows {
        let filled = try template.fill(row)
        let draft = Draft(document: filled.document, template: filled)
        let email = Herald.renderEmail(draft)
        let sms = Herald.renderSMS(draft.smsDocument)
        sink &+= email.html.utf8.count &+ email.text.utf8.count &+ sms.text.utf8.count
    }
}

// Herald's stages: filling alone (placeholders, Mustache, Markdown, model).
@MainActor func heraldFillOnly() throws {
    for row in rows { sink &+= try template.fill(row).document.blocks.count }
}

// Naive: swift-mustache with raw values, then cmark-gfm's own HTML.
func plainContext(_ value: TemplateValue) -> Any {
    switch value {
    case .string(let text), .number(let text): return text
    case .bool(let flag): return flag
    case .null: return ""
    case .list(let items): return items.map(plainContext)
    case .object(let fields): return fields.mapValues(plainContext)
    }
}
let naiveTemplate = try MustacheTemplate(string: template.body)
let naiveContexts = rows.map { row in row.mapValues(plainContext) }
@MainActor func naive() {
    for context in naiveContexts {
        sink &+= cmarkRenderHTML(Array(naiveTemplate.render(context).utf8))
    }
}

try herald()  // warm up
naive()
let heraldTime = try best(herald)
let fillTime = try best(heraldFillOnly)
let naiveTime = best(naive)
let count = Double(rows.count)
print("template order-shipped, \(rows.count) rows (1–5 items each), best of 5 rounds")
print(String(format: "  Herald fill + email HTML + text + SMS: %8.0f messages/s  (%.3f s)", count / heraldTime, heraldTime))
print(String(format: "    of which filling (Mustache + Markdown + model): %.0f%%", 100 * fillTime / heraldTime))
print(String(format: "  naive Mustache + cmark-gfm HTML only:  %8.0f messages/s  (%.3f s)", count / naiveTime, naiveTime))
print(String(format: "  ratio Herald / naive: %.2f", naiveTime / heraldTime))
if sink == 42 { print("") }
