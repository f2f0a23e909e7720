/// The command line of `tangent builtins [--used-in PATH...]`: the builtin table of
/// docs/language.md, or which notebooks use each builtin (docs/tutorials.md).
struct BuiltinsOptions: Equatable {
    var usedIn = false
    var paths: [String] = []

    /// What `tangent builtins` takes: its parsing and its `--help` (VerbSpec).
    static let spec = VerbSpec<BuiltinsOptions>(
        "builtins", operands: "[--used-in PATH...]", needed: nil,
        summary: "print the table of builtins (docs/language.md)",
        about: """
            Prints the table of builtin functions as Markdown (docs/language.md embeds it); with
            --used-in, which notebooks under the paths use each builtin (docs/tutorials.md).
            """,
        options: [
            .flag("--used-in", "list for each builtin the notebooks under PATH... that call or name it") {
                $0.usedIn = true
            }
        ],
        exitStatus: [.init("0", "the table was printed"), .init("2", "usage or input error")],
        start: { BuiltinsOptions() }, operand: { $0.paths.append($1) },
        validate: { o throws(UsageError) in
            if o.usedIn && o.paths.isEmpty {
                throw UsageError("--used-in needs at least one PATH (a .md file or a folder)")
            }
            if !o.usedIn && !o.paths.isEmpty {
                throw UsageError("'tangent builtins' takes a PATH only after --used-in")
            }
        })
}
