import Language

/// Every verb of `tangent`, in the order the overview lists them: the one list that says which
/// verb takes which option (for "it is an option of 'tangent export'"), what `tangent --help`
/// prints, and the command-line reference generated into docs/guide.md.
enum CommandLineReference {
    static let verbs: [VerbReference] =
        Options.Verb.allCases.map { Options.spec(for: $0).reference } + [
            ServeOptions.spec.reference, ReportCommand.spec.reference, CacheCommand.spec.reference,
            BuiltinsOptions.spec.reference, LanguageServerCommand.spec.reference,
            HelpCommand.spec.reference
        ]

    /// The options of `tangent` itself, before any verb.
    static let commandOptions = ["--version"]

    /// The verb called `name`; `report` finds `report merge`.
    static func verb(named name: String) -> VerbReference? {
        verbs.first { $0.name == name } ?? verbs.first { $0.name.split(separator: " ").first.map(String.init) == name }
    }

    /// The verbs that take an option spelled so.
    static func verbs(taking spelling: String) -> [VerbReference] {
        verbs.filter { $0.takes(spelling) }
    }

    /// The first word of every verb, for "did you mean" after an unknown command.
    static var commandWords: [String] {
        verbs.map { String($0.name.split(separator: " ")[0]) }
    }

    /// "unknown command 'rnu' (did you mean 'run'?)".
    static func unknownCommand(_ word: String) -> UsageError {
        UsageError("unknown command '\(word)'" + Suggestions.hint(for: word, in: commandWords))
    }

    /// `tangent --help`: one line per verb, then where each verb's options are described.
    static var overview: String {
        let width = verbs.map(\.command.count).max()! + 3
        var lines = verbs.enumerated().map { i, verb in
            (i == 0 ? "usage: " : "       ") + VerbReference.padded(verb.command, width) + verb.summary
        }
        lines += [
            "",
            "'tangent VERB --help' (or 'tangent help VERB') lists the options VERB takes; a verb",
            "refuses any other option. 'tangent --version' prints the version.",
            "",
            "PATH is a .md notebook or a folder (every .md under it).",
            "Exit status: 0 success, 1 a block failed, 2 usage or input error,",
            "             3 check found outputs that differ from the stored ones,",
            "             130 / 143 stopped by SIGINT / SIGTERM (temporary files removed)."
        ]
        return lines.joined(separator: "\n")
    }

    /// The command-line reference of docs/guide.md (`tangent help --markdown`): the overview and
    /// every verb's help, each in a text block.
    static var markdown: String {
        var out = "```text\n\(overview)\n```\n"
        for verb in verbs {
            out += "\n### `tangent \(verb.name)`\n\n```text\n\(verb.help)\n```\n"
        }
        return out
    }

    /// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (`or`: "or" instead of "and").
    static func listed(_ items: [String], or: Bool = false) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + (or ? " or " : " and ") + items.last!
    }
}
