/// Colours and type of the email HTML. Six-digit hex only: Outlook shows three-digit colours
/// in `bgcolor` as black. Layouts (a later issue) will supply their own.
public struct EmailTheme: Equatable, Sendable {
    public var fontFamily = "Arial, Helvetica, sans-serif"
    public var monospaceFontFamily = "Consolas, Menlo, 'Courier New', monospace"
    public var textColor = "#1f2937"
    public var headingColor = "#111827"
    public var mutedColor = "#4b5563"
    public var linkColor = "#1d4ed8"
    public var pageBackground = "#f4f4f5"
    public var contentBackground = "#ffffff"
    public var ruleColor = "#d1d5db"
    public var codeBackground = "#f3f4f6"
    public var highlightBackground = "#fff176"
    public var highlightText = "#111111"
    /// The content column: 600px is what every client shows without scaling.
    public var contentWidth = 600
    public var contentPadding = 24

    public init() {}

    /// (font-size, line-height) in px for headings 1 to 6.
    func headingSize(_ level: Int) -> (Int, Int) {
        switch level {
        case 1: return (28, 36)
        case 2: return (24, 32)
        case 3: return (20, 28)
        case 4: return (18, 26)
        case 5: return (16, 24)
        default: return (14, 22)
        }
    }
}
