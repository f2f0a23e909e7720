/// Calls: a `def` function bound to the name (docs/language.md#functions-and-scope; a binding may
/// shadow a builtin), else the builtin of that name.
extension Evaluator {
    /// The most calls that may be active at once (recursion included).
    package static let maxCallDepth = 200

    func call(_ name: String, calleeRange: SourceRange, _ args: [Argument], range: SourceRange) throws(Diagnostic)
        -> Value
    {
        let bound = try lookup(name, at: calleeRange)
        if case .function(let f)? = bound {
            return try callFunction(f, args, calleeRange: calleeRange, range: range)
        }
        guard let builtin = Builtins.table[name] else {
            if let v = bound {
                throw .error("'\(name)' is \(v.typeDescription), not a function", at: calleeRange)
            }
            if let culprit = context.environment.withdrawal(of: name) {
                throw .error("'\(name)' is not available: \(culprit) did not produce it", at: calleeRange)
            }
            throw .error(
                "unknown function '\(name)'\(Suggestions.hint(for: name, in: Builtins.names + functionNames))",
                at: calleeRange)
        }
        var evaluated: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)] = []
        for a in args {
            evaluated.append((a.label, a.labelRange, try evaluate(a.value), a.value.range))
        }
        var call = try BuiltinCall(
            builtin: builtin, arguments: evaluated, range: range,
            calleeRange: calleeRange, context: context)
        return try builtin.body(&call)
    }

    /// Functions bound where this code runs (for "did you mean").
    private var functionNames: [String] {
        context.environment.names.filter {
            if case .function? = context.environment[$0] { return true } else { return false }
        }
    }

    /// `make(2)(5)`, `fs[0](x)`: calls the function that `callee` evaluates to.
    func callValue(_ callee: Expr, _ args: [Argument], range: SourceRange) throws(Diagnostic) -> Value {
        let value = try evaluate(callee)
        guard case .function(let f) = value else {
            throw .error("this is \(value.typeDescription), not a function, so it cannot be called", at: callee.range)
        }
        return try callFunction(f, args, calleeRange: callee.range, range: range)
    }

    private func callFunction(
        _ f: Function, _ args: [Argument], calleeRange: SourceRange,
        range: SourceRange
    ) throws(Diagnostic) -> Value {
        var values: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)] = []
        for a in args { values.append((a.label, a.labelRange, try evaluate(a.value), a.value.range)) }
        return try Evaluator.invoke(f, values, context: context, range: range)
    }

    /// Runs a function with evaluated arguments: binds them to its parameters (positional ones
    /// by position, keyword ones by keyword, as for builtins), runs its body in a new scope, and
    /// adds a `called from` note at `range` to an error raised inside it.
    static func invoke(
        _ f: Function, _ args: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)],
        context: EvaluationContext, range: SourceRange
    ) throws(Diagnostic) -> Value {
        if let name = f.builtinName, let builtin = Builtins.table[name] {
            var call = try BuiltinCall(
                builtin: builtin, arguments: args, range: range, calleeRange: range, context: context)
            return try builtin.body(&call)
        }
        let def = f.definition
        let positional = def.parameters.filter { $0.defaultValue == nil }
        let scope = Scope(locals: def.locals, parent: f.closure, isFunction: true)
        var next = 0
        for a in args {
            if let label = a.label {
                guard let p = def.parameters.first(where: { $0.name == label }) else {
                    let hint = Suggestions.hint(for: label, in: def.parameters.map(\.name))
                    throw .error(
                        "\(def.name)() has no parameter '\(label)'\(hint); it takes \(f.signature)",
                        at: a.labelRange ?? a.range)
                }
                guard p.defaultValue != nil else {
                    throw .error(
                        "'\(label)' is a positional parameter of \(def.name)(); pass it by position: \(f.signature)",
                        at: a.labelRange ?? a.range)
                }
                scope.values[label] = a.value
            } else {
                guard next < positional.count else {
                    throw .error(
                        "\(def.name)() takes \(positional.count) positional argument\(positional.count == 1 ? "" : "s"), "
                            + "got \(args.filter { $0.label == nil }.count); it takes \(f.signature)", at: a.range)
                }
                scope.values[positional[next].name] = a.value
                next += 1
            }
        }
        if next < positional.count {
            throw .error(
                "\(def.name)() is missing argument '\(positional[next].name)'; it takes \(f.signature)", at: range)
        }
        for p in def.parameters where p.defaultValue != nil && scope.values[p.name] == nil {
            scope.values[p.name] = f.defaults[p.name] ?? Value.none
        }
        guard context.callDepth < maxCallDepth else {
            throw .error(
                "more than \(maxCallDepth) calls are active at once (is a recursion missing its base case?)", at: range)
        }
        try StackGuard.check(context, at: range)
        context.callDepth += 1
        defer { context.callDepth -= 1 }
        let body = Evaluator(context: context, source: SourceText(lines: def.source), scope: scope)
        do throws(Diagnostic) {
            let flow = try StackGuard.withRoom(context) { () throws(Diagnostic) -> Flow in try body.execute(def.body) }
            var result = Value.none
            if case .returned(let v) = flow { result = v }
            release(scope, returning: result, environment: context.environment)
            return result
        } catch var error {
            release(scope, returning: .none, environment: context.environment)
            error.addCall(at: range)
            throw error
        }
    }

    /// A `def` run inside a call binds a function that holds the call's scope, in that scope: a
    /// reference cycle ARC never frees. When the call returns no function, nothing outside can
    /// reach the scope any more (a function only leaves its call through the returned value;
    /// one shown as output is only ever printed), so its bindings are dropped now. When it
    /// returns one (a closure), the environment drops them when the notebook is done.
    private static func release(_ scope: Scope, returning result: Value, environment: Environment) {
        guard scope.values.values.contains(where: { $0.holdsFunction(closingOver: scope) }) else { return }
        if result.containsFunction {
            environment.keepUntilDone(scope)
        } else {
            scope.values.removeAll()
        }
    }
}

extension Value {
    /// Whether the value is, or holds in a list or record, a function defined in `scope`.
    func holdsFunction(closingOver scope: Scope) -> Bool {
        switch self {
        case .function(let f): return f.closure === scope
        case .list(let items): return items.contains { $0.holdsFunction(closingOver: scope) }
        case .record(let r): return r.fields.contains { $0.value.holdsFunction(closingOver: scope) }
        default: return false
        }
    }
}
