import Language

/// What a command line asked a verb for: its help, or to run with these options.
enum VerbRequest<Model> {
    case help
    case parsed(Model)
}

/// One verb of `tangent`, declared once: what it is for, its operands, the options it takes and
/// its exit statuses. Reading a command line, `tangent VERB --help`, "did you mean" and the
/// guide's command-line reference all derive from it, so a verb accepts exactly the options its
/// help lists: another verb's option or an unknown one is a usage error (exit 2), never ignored.
struct VerbSpec<Model>: Sendable {
    /// `run`; `report merge` for a verb with a sub-command.
    let name: String
    /// How the help writes the operands: `PATH...`, `[VERB]`.
    let operands: String
    /// What is missing when no operand is given (`at least one PATH (...)`); nil: none needed.
    let operandsNeeded: String?
    /// One line for the overview of every verb.
    let summary: String
    /// A sentence or two for the verb's own help.
    let about: String
    let options: [OptionSpec<Model>]
    /// Options of other verbs that this one refuses for a reason worth saying, by long name.
    let refusals: [String: String]
    /// Lines printed after the options (what an operand may be).
    let notes: [String]
    let exitStatus: [VerbReference.Status]
    /// Verbs whose synopsis the help shows under "see also".
    let seeAlso: [String]
    /// The options before the command line is read (`Options(verb: .run)`).
    let start: @Sendable () -> Model
    /// Stores an operand.
    let operand: @Sendable (inout Model, String) -> Void
    /// Checks what only the whole command line shows (`--timings` without `--shard`).
    let validate: @Sendable (Model) throws(UsageError) -> Void

    init(
        _ name: String, operands: String, needed: String?, summary: String, about: String,
        options: [OptionSpec<Model>], refusals: [String: String] = [:], notes: [String] = [],
        exitStatus: [VerbReference.Status], seeAlso: [String] = [],
        start: @escaping @Sendable () -> Model, operand: @escaping @Sendable (inout Model, String) -> Void,
        validate: @escaping @Sendable (Model) throws(UsageError) -> Void = { _ in }
    ) {
        self.name = name
        self.operands = operands
        self.operandsNeeded = needed
        self.summary = summary
        self.about = about
        self.options = options
        self.refusals = refusals
        self.notes = notes
        self.exitStatus = exitStatus
        self.seeAlso = seeAlso
        self.start = start
        self.operand = operand
        self.validate = validate
    }

    /// The spellings every verb takes for its help.
    static var helpSpellings: [String] { ["-h", "--help"] }

    /// What the help, the overview and the other verbs' error messages need to know of this one.
    var reference: VerbReference {
        let required = options.filter(\.required).map(\.synopsis)
        let command = (["tangent", name] + (operands.isEmpty ? [] : [operands]) + required).joined(separator: " ")
        return VerbReference(
            name: name, command: command, summary: summary, about: about,
            options: options.map { .init(spellings: $0.spellings, label: $0.label, help: $0.help) },
            notes: notes, exitStatus: exitStatus, seeAlso: seeAlso)
    }

    func option(spelled spelling: String) -> OptionSpec<Model>? {
        options.first { $0.spellings.contains(spelling) }
    }

    /// Reads a command line (the words after the verb). `--help` or `-h` anywhere before `--`
    /// asks for the help, even after a mistake; otherwise every option must be one of this verb's.
    func read(_ arguments: [String]) throws(UsageError) -> VerbRequest<Model> {
        if asksForHelp(arguments) { return .help }
        var model = start()
        var given = Set<String>()
        var operandCount = 0
        var scan = ArgumentScanner(arguments)
        while let item = scan.next() {
            switch item {
            case .path(let word):
                operand(&model, word)
                operandCount += 1
            case .option(let spelling):
                guard let option = option(spelled: spelling) else { throw refusal(of: spelling) }
                var value = ""
                if option.takesValue {
                    value = try scan.value(spelling)
                } else if scan.hasInlineValue {
                    throw UsageError("option '\(spelling)' takes no value")
                }
                try option.apply(&model, value, spelling)
                given.insert(option.name)
            }
        }
        if operandCount == 0, let needed = operandsNeeded { throw UsageError("'tangent \(name)' needs \(needed)") }
        for option in options where option.required && !given.contains(option.name) {
            let value = option.valueName.map { " " + $0 } ?? ""
            throw UsageError("'tangent \(name)' needs \(option.name)\(value)" + Self.choiceNote(option))
        }
        try validate(model)
        return .parsed(model)
    }

    /// Whether `--help` or `-h` is among the options, the values of this verb's options skipped
    /// (`--out --help` names a folder). An unknown option is taken for a flag.
    private func asksForHelp(_ arguments: [String]) -> Bool {
        var scan = ArgumentScanner(arguments)
        while let item = scan.next() {
            guard case .option(let spelling) = item else { continue }
            if Self.helpSpellings.contains(spelling) { return true }
            guard let option = option(spelled: spelling), option.takesValue else { continue }
            if (try? scan.value(spelling)) == nil { return false }
        }
        return false
    }

    /// The error for an option this verb does not take: why, when the verb says; whose option it
    /// is, when another verb takes it; else "did you mean" among this verb's own options.
    func refusal(of spelling: String) -> UsageError {
        let owners = CommandLineReference.verbs(taking: spelling).filter { $0.name != name }
        let long = owners.lazy.compactMap { $0.longName(of: spelling) }.first ?? spelling
        if let why = refusals[long] { return UsageError(why) }
        if CommandLineReference.commandOptions.contains(spelling) {
            return UsageError(
                "option '\(spelling)' does not apply to 'tangent \(name)' (it goes alone: 'tangent \(spelling)')")
        }
        if !owners.isEmpty {
            let list = CommandLineReference.listed(owners.map { "'tangent \($0.name)'" })
            return UsageError("option '\(spelling)' does not apply to 'tangent \(name)' (it is an option of \(list))")
        }
        let hint = Suggestions.hint(for: spelling, in: options.map(\.name) + ["--help"])
        return UsageError("unknown option '\(spelling)'\(hint); 'tangent \(name) --help' lists its options")
    }

    /// " (the one format is ipynb)" for an option with fixed values.
    private static func choiceNote(_ option: OptionSpec<Model>) -> String {
        guard !option.choices.isEmpty, let what = option.valueName?.lowercased() else { return "" }
        if option.choices.count == 1 { return " (the one \(what) is \(option.choices[0]))" }
        return " (one of \(CommandLineReference.listed(option.choices, or: true)))"
    }
}
