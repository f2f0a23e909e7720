/// Walks a command line the way every verb reads it: plain words (and every word after `--`)
/// are paths; `--name value`, `--name=value` and `-j4` are options.
struct ArgumentScanner {
    enum Item: Equatable {
        case path(String)
        case option(String)
    }

    private let arguments: [String]
    private var index: Int
    private var onlyPaths = false
    private var inline: String?

    init(_ arguments: [String], from start: Int = 0) {
        self.arguments = arguments
        index = start
    }

    /// The next path or option name; nil at the end.
    mutating func next() -> Item? {
        while index < arguments.count {
            let arg = arguments[index]
            index += 1
            inline = nil
            if onlyPaths || !arg.hasPrefix("-") || arg == "-" { return .path(arg) }
            if arg == "--" {
                onlyPaths = true
                continue
            }
            let parts = arg.split(separator: "=", maxSplits: 1)
            var name = String(parts[0])
            inline = parts.count == 2 ? String(parts[1]) : nil
            if name.hasPrefix("-j"), name.count > 2, name.dropFirst(2).allSatisfy(\.isNumber) {
                (name, inline) = ("-j", String(name.dropFirst(2)))  // -j4 is -j 4
            }
            return .option(name)
        }
        return nil
    }

    /// Whether the option `next()` just returned was written with a value (`--quiet=yes`) that
    /// `value(_:)` has not taken.
    var hasInlineValue: Bool { inline != nil }

    /// The value of the option `next()` just returned: after its `=`, or the next word.
    mutating func value(_ name: String) throws(UsageError) -> String {
        if let v = inline {
            inline = nil
            return v
        }
        guard index < arguments.count else { throw UsageError("option '\(name)' needs a value") }
        index += 1
        return arguments[index - 1]
    }
}
