/// One option of one verb, declared once: its spellings, whether it takes a value, one line of
/// help and what it sets in the verb's options. Parsing, `tangent VERB --help`, the "did you
/// mean" hints and the guide's command-line reference are all read from these declarations,
/// so a verb cannot take an option its help does not list (the shape of swift-argument-parser's
/// `@Option` and `@Flag`, without the property wrappers).
struct OptionSpec<Model>: Sendable {
    /// The long spelling, `--json`.
    let name: String
    /// The short spelling, `-j`, if any.
    let short: String?
    /// What the value is called in the help (`FILE`, `N`); nil for a flag, which takes none.
    let valueName: String?
    /// The values it accepts when they are few (`--to ipynb`): shown in the synopsis.
    let choices: [String]
    /// Whether the verb cannot run without it (`render --out DIR`): shown in the synopsis.
    let required: Bool
    let help: String
    /// Stores the value (an empty string for a flag) in the options; `spelling` is how the user
    /// wrote the option, for the error message.
    let apply: @Sendable (_ model: inout Model, _ value: String, _ spelling: String) throws(UsageError) -> Void

    /// An option without a value (`--quiet`).
    static func flag(
        _ name: String, short: String? = nil, _ help: String,
        _ set: @escaping @Sendable (inout Model) -> Void
    ) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, choices: [], required: false, help: help) { model, _, _ in
            set(&model)
        }
    }

    /// An option with a value (`--json FILE`); `set` checks and stores it.
    static func value(
        _ name: String, short: String? = nil, _ valueName: String, choices: [String] = [], required: Bool = false,
        _ help: String,
        _ set: @escaping @Sendable (inout Model, _ value: String, _ spelling: String) throws(UsageError) -> Void
    ) -> OptionSpec {
        OptionSpec(
            name: name, short: short, valueName: valueName, choices: choices, required: required, help: help,
            apply: set)
    }

    var takesValue: Bool { valueName != nil }

    /// Every way to write it: `["-j", "--jobs"]`.
    var spellings: [String] { (short.map { [$0] } ?? []) + [name] }

    /// How the help lists it: `-j, --jobs N`.
    var label: String { spellings.joined(separator: ", ") + (valueName.map { " " + $0 } ?? "") }

    /// How a synopsis shows it: `--to ipynb` when it has one possible value, else `--out DIR`.
    var synopsis: String { name + (choices.count == 1 ? " " + choices[0] : valueName.map { " " + $0 } ?? "") }
}
