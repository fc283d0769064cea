/// The inline-style pieces of the email HTML that depend on the theme, assembled once per
/// renderer: a render appends them instead of interpolating them for every element.
struct HTMLStyles: Sendable {
    let headingTag: [String]
    let headingStyle: [String]
    let headingClose: [String]
    let inlineCodeOpen: String
    let highlightOpen: String
    let linkStyle: String
    /// Cells: `<td align="` side `cellBorder` side `cellRest`.
    let cellBorder: String
    let cellRest: String
    let headerCellRest: String

    init(theme: EmailTheme) {
        headingTag = (1...6).map { "<h\($0)" }
        headingStyle = (1...6).map { level in
            let (size, lineHeight) = theme.headingSize(level)
            return " style=\"margin:0 0 16px 0;font-size:\(size)px;line-height:\(lineHeight)px;mso-line-height-rule:exactly;font-weight:bold;color:\(theme.headingColor);"
        }
        headingClose = (1...6).map { "</h\($0)>\n" }
        inlineCodeOpen = "<code style=\"font-family:\(theme.monospaceFontFamily);font-size:14px;background-color:\(theme.codeBackground);\">"
        highlightOpen = "<span style=\"background-color:\(theme.highlightBackground);color:\(theme.highlightText);\">"
        linkStyle = " style=\"color:\(theme.linkColor);text-decoration:underline;\">"
        cellBorder = "\" style=\"padding:6px 8px;border:1px solid \(theme.ruleColor);text-align:"
        cellRest = ";vertical-align:top;font-family:\(theme.fontFamily);font-size:14px;line-height:20px;\">"
        headerCellRest = ";vertical-align:top;font-family:\(theme.fontFamily);font-size:14px;line-height:20px;font-weight:bold;background-color:\(theme.codeBackground);\">"
    }
}
