import Foundation
import HeraldTemplates

/// A throwaway templates folder: write files into it, load templates from it.
struct TemplateFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("layouts"), withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func load(_ name: String, locale: String? = nil) throws -> MessageTemplate {
        try MessageTemplate.load(directory.appendingPathComponent(name), locale: locale)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A small template for all channels: a greeting, an optional note, a loop of items into a
    /// table, a link whose URL holds a value, and SMS and WhatsApp parts.
    static let order = """
        ---
        name: order
        channels: [email, sms, whatsapp]
        subject: "Order {{order.id}} for {{customer_name}}"
        variables:
          customer_name: {type: string, required: true, example: "Ana"}
          order: {type: object, required: true, example: {id: "A-1", url: "https://shop.example/o/A-1"}}
          items: {type: list, example: [{name: "Mug", qty: 2}]}
          note: {type: string}
        sms: "Hi {{customer_name}}, order {{order.id}} shipped."
        whatsapp:
          template: order_shipped
          language: en_US
          body: "Hi {{1}}, order {{2}} shipped."
          parameters: [customer_name, order.id]
        ---
        Hi {{customer_name}},

        {{#note}}
        Note: {{note}}
        {{/note}}

        | Item | Qty |
        |------|----:|
        {{#items}}
        | {{name}} | {{qty}} |
        {{/items}}

        [Track it](https://shop.example/track/{{order.id}})
        """
}
