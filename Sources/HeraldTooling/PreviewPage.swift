import Foundation
import Herald
import HeraldChannels
import HeraldDocument

/// `herald preview`: one self-contained HTML page showing a draft in every channel it is for —
/// the email at desktop and phone widths (each in a sandboxed iframe, so the email's own styles
/// cannot leak into the page), its text part, the SMS with its encoding and segments, and the
/// WhatsApp message — so a template author sees every channel at once.
public enum PreviewPage {
    public static func html(for draft: Draft, request: MessageRequest = MessageRequest(), title: String) -> String {
        let completed = draft.completing(request)
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Preview: \(escape(title))</title>
            <style>
            body{margin:0;padding:24px;background:#e5e7eb;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;}
            h1{font-size:20px;margin:0 0 4px 0;} h2{font-size:16px;margin:0 0 8px 0;}
            .meta{color:#4b5563;margin:0 0 20px 0;} .meta b{color:#111827;}
            .row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;margin-bottom:24px;}
            .panel{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.15);}
            iframe{border:1px solid #d1d5db;background:#fff;display:block;}
            pre{margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;max-width:640px;}
            .phone{width:340px;} .sms{background:#e9e9eb;border-radius:18px;padding:10px 14px;white-space:pre-wrap;}
            .wa{background:#efeae2;padding:12px;border-radius:8px;} .wa .bubble{background:#fff;border-radius:8px;padding:8px 10px;box-shadow:0 1px .5px rgba(0,0,0,.13);}
            .wa-buttons{display:flex;gap:4px;margin-top:4px;} .wa-button{flex:1;background:#fff;border-radius:8px;padding:8px;text-align:center;color:#027eb5;box-shadow:0 1px .5px rgba(0,0,0,.13);}
            .facts{color:#4b5563;font-size:12px;margin-top:8px;} .warn{color:#b45309;}
            </style>
            </head>
            <body>
            <h1>\(escape(title))</h1>

            """
        var facts: [String] = []
        if let subject = completed.subject { facts.append("<b>Subject:</b> \(escape(subject))") }
        if let preheader = completed.preheader { facts.append("<b>Preheader:</b> \(escape(preheader))") }
        if let from = completed.from { facts.append("<b>From:</b> \(escape(from))") }
        if !completed.attachments.isEmpty {
            facts.append("<b>Attachments:</b> \(escape(completed.attachments.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")))")
        }
        page += "<p class=\"meta\">\(facts.joined(separator: " &middot; "))</p>\n"

        let channels = draft.channels
        if channels.contains(.email) {
            let email = Herald.renderEmail(draft, request: request)
            page += "<div class=\"row\">\n"
            page += "<div class=\"panel\"><h2>Email — desktop (600 px)</h2>\(frame(email.html, width: 640, height: 900))</div>\n"
            page += "<div class=\"panel\"><h2>Email — phone (375 px)</h2>\(frame(email.html, width: 375, height: 900))</div>\n"
            page += "<div class=\"panel\"><h2>Text part</h2><pre>\(escape(email.text))</pre>"
            for warning in email.warnings { page += "<p class=\"facts warn\">\(escape(warning.message))</p>" }
            page += "</div>\n</div>\n"
        }
        page += "<div class=\"row\">\n"
        if channels.contains(.sms) {
            let sms = Herald.renderSMS(draft.smsDocument)
            page += "<div class=\"panel phone\"><h2>SMS</h2><div class=\"sms\">\(escape(sms.text))</div>"
            page += "<p class=\"facts\">\(sms.encoding), \(sms.units) \(sms.encoding == SMSEncoder.Encoding.ucs2.rawValue ? "UTF-16 units" : "septets"), \(sms.segmentCount) segment\(sms.segmentCount == 1 ? "" : "s")</p>"
            for warning in sms.warnings { page += "<p class=\"facts warn\">\(escape(warning))</p>" }
            page += "</div>\n"
        }
        if channels.contains(.whatsapp) {
            page += "<div class=\"panel phone\"><h2>WhatsApp</h2>"
            let part: FilledWhatsApp?
            var partError: String?
            do {
                part = try draft.template?.whatsapp()
            } catch {
                part = nil
                partError = String(describing: error)
            }
            if let partError {
                page += "<p class=\"facts warn\">\(escape(partError))</p>"
            } else if let part {
                let buttons = part.buttons.map { "<span class=\"wa-button\">\(escape($0))</span>" }.joined()
                page += "<div class=\"wa\"><div class=\"bubble\">\(WhatsAppMarkup.html(part.bubbleText))</div>"
                    + (buttons.isEmpty ? "" : "<div class=\"wa-buttons\">\(buttons)</div>") + "</div>"
                page += "<p class=\"facts\">Approved template <b>\(escape(part.template.name))</b> (\(escape(part.template.language)), \(part.template.category.rawValue))</p>"
                do {
                    try part.validate()
                } catch {
                    page += "<p class=\"facts warn\">\(escape(String(describing: error)))</p>"
                }
            } else {
                let text = WhatsAppTextRenderer().render(draft.document)
                page += "<div class=\"wa\"><div class=\"bubble\">\(WhatsAppMarkup.html(text))</div></div>"
                page += "<p class=\"facts\">Free-form text: only inside the 24-hour customer-service window</p>"
            }
            page += "</div>\n"
        }
        page += "</div>\n</body>\n</html>\n"
        return page
    }

    /// The email in a sandboxed iframe (no scripts, no same-origin: it is shown, never run).
    private static func frame(_ html: String, width: Int, height: Int) -> String {
        "<iframe sandbox=\"\" width=\"\(width)\" height=\"\(height)\" srcdoc=\"\(escape(html))\"></iframe>"
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
