/// `tangent help [VERB]` (and `tangent --help`): the overview of every verb, one verb's help, or
/// with `--markdown` the command-line reference that docs/guide.md embeds.
enum HelpCommand {
    struct Request: Equatable {
        var topic: [String] = []
        var markdown = false
    }

    /// What `tangent help` takes: its parsing and its own `--help` (VerbSpec).
    static let spec = VerbSpec<Request>(
        "help", operands: "[VERB]", needed: nil,
        summary: "print the help of every verb, or of one",
        about: "Prints the list of verbs, or with VERB the options VERB takes ('tangent VERB --help' too).",
        options: [
            .flag("--markdown", "print every verb's help as Markdown (the reference in docs/guide.md)") {
                $0.markdown = true
            }
        ],
        exitStatus: [.init("0", "the help was printed"), .init("2", "an unknown VERB")],
        start: { Request() }, operand: { $0.topic.append($1) },
        validate: { r throws(UsageError) in
            if r.topic.count > 2 || (r.topic.count == 2 && r.topic != ["report", "merge"]) {
                throw UsageError("'tangent help' takes one VERB, got '\(r.topic.joined(separator: " "))'")
            }
            if r.markdown && !r.topic.isEmpty { throw UsageError("--markdown prints every verb; give no VERB with it") }
            if let word = r.topic.first, CommandLineReference.verb(named: word) == nil {
                throw CommandLineReference.unknownCommand(word)
            }
        })

    /// The text `request` asks for.
    static func text(for request: Request) -> String {
        if request.markdown { return CommandLineReference.markdown }
        guard let word = request.topic.first, let verb = CommandLineReference.verb(named: word) else {
            return CommandLineReference.overview
        }
        return verb.help
    }
}
