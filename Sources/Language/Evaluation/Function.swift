/// A function made by `def` (docs/language.md#functions-and-scope): its definition, its keyword
/// parameters' default values (evaluated when the `def` ran), and, for a function defined inside
/// another, the enclosing call's scope (lexical scope, as in Python). A function is a value: it can
/// be bound, passed to other functions and returned.
package struct Function: Equatable, Sendable {
    package let definition: FunctionDefinition
    package let defaults: [String: Value]
    /// The scope of the call that defined it; nil for a function defined at notebook level.
    let closure: Scope?
    /// Set for a builtin used as a value (`apply_twice(sqrt, 16)`, `ElementwiseNumerical(sin,
    /// 25, df: cos)`): calling it calls the builtin; `definition` then only names it and its
    /// positional parameters.
    package let builtinName: String?

    init(definition: FunctionDefinition, defaults: [String: Value], closure: Scope?) {
        self.definition = definition
        self.defaults = defaults
        self.closure = closure
        self.builtinName = nil
    }

    /// The builtin `name` as a function value (nil when there is no such builtin).
    package static func builtin(_ name: String) -> Function? {
        guard let b = Builtins.table[name] else { return nil }
        let here = SourceRange(at: SourceLocation(line: 1, column: 1))
        let positional = b.parameters.filter { $0.defaultValue == nil && !$0.keywordOnly }.map {
            FunctionDefinition.Parameter(name: $0.name, range: here, defaultValue: nil)
        }
        let definition = FunctionDefinition(
            name: name, nameRange: here, parameters: positional, body: [], locals: [], source: [])
        return Function(definition: definition, builtinName: name)
    }

    private init(definition: FunctionDefinition, builtinName: String) {
        self.definition = definition
        self.defaults = [:]
        self.closure = nil
        self.builtinName = builtinName
    }

    package var name: String { definition.name }

    /// `relerr(net, seed: 0)`, as messages show it.
    package var signature: String {
        let params = definition.parameters.map { p in
            p.defaultValue == nil ? p.name : "\(p.name): \(defaults[p.name].map(ValueFormatter.inline) ?? "")"
        }
        return "\(definition.name)(\(params.joined(separator: ", ")))"
    }

    /// Whether the function can be stored in the cache and read back: a function defined at
    /// notebook level can (its source is parsed again); one that closes over a call's scope
    /// cannot.
    package var isPortable: Bool { closure == nil && defaults.values.allSatisfy(\.isPortable) }

    package static func == (a: Function, b: Function) -> Bool {
        a.definition == b.definition && a.defaults == b.defaults && a.closure === b.closure
            && a.builtinName == b.builtinName
    }
}

/// The local names of one function call (or comprehension), and the scope it was defined in.
final class Scope: @unchecked Sendable {
    var values: [String: Value] = [:]
    /// Names that are local to this scope even before they are bound (Python's rule: a name a
    /// function assigns anywhere is local throughout it).
    let locals: Set<String>
    let parent: Scope?
    /// True for a function call's scope (false for a comprehension's).
    let isFunction: Bool

    init(locals: Set<String>, parent: Scope?, isFunction: Bool) {
        self.locals = locals
        self.parent = parent
        self.isFunction = isFunction
    }
}

extension Value {
    /// False for a value that holds a function closing over a call's scope (not cacheable).
    package var isPortable: Bool {
        switch self {
        case .function(let f): return f.isPortable
        case .layer(let l): return !l.containsUserFunctions
        case .list(let items): return items.allSatisfy(\.isPortable)
        case .record(let r): return r.fields.allSatisfy { $0.value.isPortable }
        default: return true
        }
    }

    /// True when the value holds a function (whose error locations depend on where its block is).
    package var containsFunction: Bool {
        switch self {
        case .function: return true
        case .list(let items): return items.contains(where: \.containsFunction)
        case .record(let r): return r.fields.contains { $0.value.containsFunction }
        default: return false
        }
    }
}
