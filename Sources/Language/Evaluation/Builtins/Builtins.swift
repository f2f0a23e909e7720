/// Every builtin function of the language, by name (LANGUAGE.md §4).
enum Builtins {
    static let all: [Builtin] = arrays + elementwise + reductions + linearAlgebra + files + output

    static let table: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    static let names: [String] = all.map(\.name)
}

/// Public facts about builtins, for documentation and tooling.
public enum BuiltinCatalog {
    /// (signature, one-line summary) of every builtin, in reference order.
    public static var entries: [(signature: String, summary: String)] {
        Builtins.all.map { ($0.signature, $0.summary) }
    }
}
