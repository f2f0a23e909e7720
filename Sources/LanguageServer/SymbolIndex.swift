import Language

/// Every place a name is bound or read in a notebook's blocks, and which binding it refers to:
/// what go-to-definition, find-references, hover and completion answer from.
package struct SymbolIndex: Sendable {
    /// Which binding an occurrence refers to.
    package enum Scope: Hashable, Sendable {
        /// The notebook's shared environment.
        case notebook
        /// A function's or comprehension's own names (`id` numbers the scope in the notebook).
        case local(Int)
        /// A builtin function or constant (bound nowhere in the notebook).
        case builtin
        /// Bound nowhere (a diagnostic says so).
        case unknown
    }

    /// One name at one place.
    package struct Occurrence: Sendable {
        package var name: String
        package var range: SourceRange
        /// True where the name is bound (`x =`, `for x in`, `def x`, a parameter).
        package var isBinding: Bool
        package var scope: Scope
        /// The 0-based index of the block, in the notebook's `cells`.
        package var block: Int
    }

    /// A `def`, for hover, symbols and argument checks.
    package struct FunctionInfo: Sendable {
        package var name: String
        package var nameRange: SourceRange
        /// The whole `def` statement.
        package var range: SourceRange
        /// Parameter names; `defaults[k]` is the text of parameter k's default, nil for a
        /// positional one.
        package var parameters: [String]
        package var defaults: [String?]
        package var block: Int
        /// True for a function defined at notebook level (not inside another).
        package var isTopLevel: Bool

        /// `relerr(net, seed: 0)`, as the evaluator's messages show it.
        package var signature: String {
            let params = zip(parameters, defaults).map { p, d in d.map { "\(p): \($0)" } ?? p }
            return "\(name)(\(params.joined(separator: ", ")))"
        }
    }

    /// A keyword argument's label (`seed` in `randn(3, 2, seed: 1)`) and the function called.
    package struct Label: Sendable {
        package var name: String
        package var range: SourceRange
        package var callee: String
    }

    package var occurrences: [Occurrence] = []
    package var functions: [FunctionInfo] = []
    package var labels: [Label] = []

    /// The keyword label at `location`.
    package func label(at location: SourceLocation) -> Label? {
        labels.first { $0.range.start <= location && location < $0.range.end }
    }

    /// The occurrence at `location` (its range contains it, or ends right at it).
    package func occurrence(at location: SourceLocation) -> Occurrence? {
        occurrences.first { $0.range.start <= location && location < $0.range.end }
            ?? occurrences.first { $0.range.end == location }
    }

    /// The binding `occurrence` refers to: for a notebook name, the last binding before it (or,
    /// in a loop or function reading a later one, the first binding); for a local, the first
    /// binding in its scope.
    package func definition(of occurrence: Occurrence) -> Occurrence? {
        let bindings = occurrences.filter {
            $0.isBinding && $0.name == occurrence.name && $0.scope == occurrence.scope
        }
        switch occurrence.scope {
        case .notebook:
            if occurrence.isBinding { return occurrence }
            return bindings.last { $0.range.start < occurrence.range.start } ?? bindings.first
        case .local: return bindings.first
        case .builtin, .unknown: return nil
        }
    }

    /// Every occurrence of the same binding as `occurrence` (bindings and reads), in file order.
    package func references(of occurrence: Occurrence) -> [Occurrence] {
        guard occurrence.scope != .unknown else { return [] }
        return occurrences.filter { $0.name == occurrence.name && $0.scope == occurrence.scope }
            .sorted { $0.range.start < $1.range.start }
    }

    /// The `def` bound at `binding`, if it is one.
    package func function(boundAt binding: Occurrence) -> FunctionInfo? {
        functions.first { $0.nameRange == binding.range }
    }
}
