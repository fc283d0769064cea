import Foundation
import HeraldTemplates

/// The files the target fills: a shipped-style template (values in the subject, preheader,
/// body, a table loop, a link URL, SMS and WhatsApp parts) and a layout with a variable in its
/// unsubscribe URL, written once per process to a folder of their own.
enum FixedTemplate {
    static let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fuzz-templates-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: folder.appendingPathComponent("layouts"), withIntermediateDirectories: true)
        try? Data(layout.utf8).write(to: folder.appendingPathComponent("layouts/default.yml"))
        try? Data(order.utf8).write(to: folder.appendingPathComponent("order.md"))
        return folder
    }()

    /// Loaded once: every input fills the same template with its own data.
    static let template: Result<MessageTemplate, any Error> = Result { try MessageTemplate.load(folder.appendingPathComponent("order.md")) }

    /// Where an input's own template text is written (one file, rewritten for each input).
    static var scratchFile: URL { folder.appendingPathComponent("input.md") }

    static let layout = """
        from: "Shop <hello@shop.example>"
        logo: {src: "https://shop.example/logo.png", alt: "Shop", width: 120, href: "https://shop.example"}
        header: "Hello from **Shop**"
        footer: |
          **Shop** · 1 Main Street

          Questions? Call [+1 415 555 0100](tel:+14155550100).
        unsubscribe:
          url: "https://shop.example/preferences/{{unsubscribe_token}}"
          text: "Unsubscribe"
        variables:
          unsubscribe_token: {type: string, required: true, example: "u-1"}
        """

    static let order = """
        ---
        name: order
        channels: [email, sms, whatsapp]
        language: en
        subject: "Order {{order.id}} for {{customer_name}}"
        preheader: "It should arrive {{order.eta}}"
        layout: default
        variables:
          customer_name: {type: string, required: true, example: "Ana"}
          order: {type: object, required: true, example: {id: "A-1", eta: "Monday", url: "https://shop.example/o/A-1"}}
          items: {type: list, example: [{name: "Mug", qty: 2}]}
          note: {type: string}
          vip: {type: boolean}
          total: {type: number}
        sms: "Hi {{customer_name}}, order {{order.id}} shipped: {{order.url}}"
        whatsapp:
          template: order_shipped
          language: en_US
          body: "Hi {{1}}, order {{2}} shipped."
          buttons:
            - {type: URL, text: "Track", url: "https://shop.example/track/{{1}}"}
          parameters: [customer_name, order.id]
          button_parameters: [order.id]
        ---
        # Hi {{customer_name}}

        {{#vip}}**Thank you for being with us.**{{/vip}}

        {{#note}}
        > Note: {{note}}
        {{/note}}

        {{^empty(items)}}
        | Item | Qty |
        |------|----:|
        {{#items}}
        | {{name}} | {{qty}} |
        {{/items}}
        {{/empty(items)}}

        Total: *{{total}}* — first item: {{#first(items)}}{{name}}{{/first(items)}}

        [Track it]({{order.url}}) or [write to us](mailto:help@shop.example?subject=Order%20{{order.id}})

        ![{{customer_name}}](https://shop.example/avatar/{{order.id}}.png)
        """
}
