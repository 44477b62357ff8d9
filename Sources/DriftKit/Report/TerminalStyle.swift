/// ANSI styling for the text reports; plain text unless the caller decided the output wants
/// colour (`ColorMode.isEnabled`: a terminal, no `NO_COLOR`, or `--color=always`).
struct TerminalStyle: Sendable {
    enum Color: String {
        case red = "31", green = "32", yellow = "33", cyan = "36", bold = "1"
    }

    var enabled: Bool

    func paint(_ text: String, _ color: Color) -> String {
        enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}
