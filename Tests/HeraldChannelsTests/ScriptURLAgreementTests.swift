import HeraldDocument
@testable import HeraldMIME
import Testing

/// The SVG check (HeraldMIME) cannot use `SafeURL` (HeraldDocument: neither module may depend on
/// the other), so it repeats its de-obfuscation; here both see the same disguised scripts.
@Suite struct ScriptURLAgreementTests {
    @Test(arguments: [
        "javascript:alert(1)", " JAVASCRIPT:alert(1)", "\tjavascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
        "java\rscript:alert(1)", "\u{0}javascript:alert(1)", "\u{A0}javascript:alert(1)", "\u{200B}javascript:alert(1)",
        "jav\u{AD}ascript:alert(1)", "javascript\u{FEFF}:alert(1)", "java\u{202E}script:alert(1)", "JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)", " VBScript:msgbox(1)",
    ])
    func aScriptURLIsRefusedByBoth(_ url: String) {
        #expect(SafeURL.clean(url, for: .link) == nil)
        #expect(SafeURL.clean(url, for: .image) == nil)
        #expect(SVGScriptCheck.scriptScheme(in: url) != nil)
    }

    @Test(arguments: ["https://example.com/a", "mailto:ana@example.com", "https://example.com/?q=java script"])
    func anOrdinaryURLPassesBoth(_ url: String) {
        #expect(SafeURL.clean(url, for: .link) != nil)
        #expect(SVGScriptCheck.scriptScheme(in: url) == nil)
    }
}
