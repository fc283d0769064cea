import HeraldChannels
import Testing

/// The WhatsApp bubble of the previews: marks applied as WhatsApp applies them, the rest escaped.
struct WhatsAppMarkupTests {
    @Test(arguments: [
        ("Your *order* has _shipped_ ~late~", "Your <strong>order</strong> has <em>shipped</em> <s>late</s>"),
        ("*_both_*", "<strong><em>both</em></strong>"),
        ("```code *not bold*```", "<code>code *not bold*</code>"),
        // Not marks: inside a word, before a space, never closed, empty.
        ("2*3*4 and snake_case_name", "2*3*4 and snake_case_name"),
        ("* not bold *", "* not bold *"),
        ("*open only", "*open only"),
        ("** and __", "** and __"),
        // Escaped, whatever it holds; line breaks kept.
        ("<script>alert(1)</script> & \"x\"", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"),
        ("*a <b>*\nline two", "<strong>a &lt;b&gt;</strong><br>line two"),
        // A mark does not cross a line.
        ("*one\ntwo*", "*one<br>two*"),
    ])
    func marksAsWhatsAppShowsThem(_ text: String, _ html: String) {
        #expect(WhatsAppMarkup.html(text) == html)
    }
}
