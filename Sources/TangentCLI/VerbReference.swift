/// What is known of a verb apart from the type its options are parsed into: enough to print its
/// help, its line of the overview, and to tell another verb whose option `--to` is.
struct VerbReference: Sendable {
    struct Option: Sendable {
        let spellings: [String]
        let label: String
        let help: String
    }

    /// One exit status and what it means for this verb (`1`, `a block failed`).
    struct Status: Sendable {
        let code: String
        let meaning: String
        init(_ code: String, _ meaning: String) {
            self.code = code
            self.meaning = meaning
        }
    }

    let name: String
    /// `tangent render PATH... --out DIR`: the verb, its operands and its required options.
    let command: String
    let summary: String
    let about: String
    let options: [Option]
    let notes: [String]
    let exitStatus: [Status]
    let seeAlso: [String]

    /// The first line of the help: the command and, when there are more options, `[options]`.
    var synopsis: String { command + (options.isEmpty ? "" : " [options]") }

    /// The long spelling of `spelling` if this verb takes it (`--jobs` for `-j`).
    func longName(of spelling: String) -> String? {
        options.first { $0.spellings.contains(spelling) }?.spellings.last
    }

    func takes(_ spelling: String) -> Bool { longName(of: spelling) != nil }

    /// `tangent VERB --help`: the synopsis, what the verb does, every option on one line, the
    /// exit statuses.
    var help: String {
        var lines = ["usage: \(synopsis)", "", about, "", "options:"]
        let all = options + [Option(spellings: ["-h", "--help"], label: "-h, --help", help: "print this help")]
        let width = all.map(\.label.count).max()! + 2
        for option in all { lines.append("  " + Self.padded(option.label, width) + option.help) }
        if !notes.isEmpty { lines += [""] + notes }
        lines += ["", "exit status:"]
        let codeWidth = exitStatus.map(\.code.count).max()! + 2
        for status in exitStatus { lines.append("  " + Self.padded(status.code, codeWidth) + status.meaning) }
        let related = seeAlso.compactMap { CommandLineReference.verb(named: $0)?.synopsis }
        for (i, synopsis) in related.enumerated() {
            lines += i == 0 ? ["", "see also: " + synopsis] : ["          " + synopsis]
        }
        return lines.joined(separator: "\n")
    }

    /// `text` followed by spaces up to `width` characters (a column of the help).
    static func padded(_ text: String, _ width: Int) -> String {
        text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
    }
}
