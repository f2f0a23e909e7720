import Language

/// Walks the statements of a notebook's blocks in order, as a run would meet them, and records
/// each name's occurrences (`SymbolIndex`) and the errors a run would raise without running:
/// unknown names and functions ("did you mean"), a builtin read without parentheses, and calls
/// with unknown keywords or wrong argument counts (builtins through the evaluator's own binding,
/// `def` functions by the evaluator's rules). Messages are the evaluator's.
///
/// Where a run could go either way, it stays silent: a name bound in a loop counts as bound in
/// the whole loop, a name bound in one branch of an `if` as bound after it, and a function body
/// may read any notebook name bound anywhere (it runs when called).
struct NameResolver {
    /// The names of one function call or comprehension.
    private struct LocalScope {
        var id: Int
        var names: Set<String>
        var isFunction: Bool
    }

    private(set) var index = SymbolIndex()
    private(set) var diagnostics: [Diagnostic] = []
    /// Notebook names bound so far.
    private(set) var known: Set<String> = []
    /// Notebook names bound to a `def` right now (a rebinding to a value removes the name).
    private var functions: [String: SymbolIndex.FunctionInfo] = [:]
    /// Every notebook name any block binds (a function body may read any of them).
    private let everBound: Set<String>
    private var scopes: [LocalScope] = []
    private var nextScope = 1
    private var block = 0
    private var reporting = true
    /// The lines of the file, for the text of default values in signatures.
    private let lines: [String]

    init(everBound: Set<String>, lines: [String]) {
        self.everBound = everBound
        self.lines = lines
    }

    /// Walks one block's statements. `report` false: occurrences only, no diagnostics.
    mutating func resolve(_ statements: [Statement], block: Int, report: Bool) {
        self.block = block
        reporting = report
        run(statements)
    }

    /// Counts names bound by a block that did not parse (read approximately), so they do not
    /// show up as unknown later.
    mutating func assumeBound(_ names: Set<String>) {
        known.formUnion(names)
        for n in names { functions[n] = nil }
    }

    // MARK: Statements

    private mutating func run(_ statements: [Statement]) {
        for s in statements { run(s) }
    }

    private mutating func run(_ s: Statement) {
        switch s.kind {
        case .assign(let name, let nameRange, let value):
            visit(value)
            bind(name, at: nameRange)
        case .show(let e, let caption):
            visit(e)
            if let caption { visit(caption) }
        case .expect(let e), .expression(let e): visit(e)
        case .conditional(let branches, let orElse):
            for b in branches {
                visit(b.condition)
                run(b.body)
            }
            if let orElse { run(orElse) }
        case .loop(let name, let nameRange, let iterable, let body):
            visit(iterable)
            bind(name, at: nameRange)
            preBind(body)
            run(body)
        case .whileLoop(let condition, let body):
            preBind(body)
            visit(condition)
            run(body)
        case .function(let f):
            for p in f.parameters { if let d = p.defaultValue { visit(d) } }
            let info = SymbolIndex.FunctionInfo(
                name: f.name, nameRange: f.nameRange, range: s.range, parameters: f.parameters.map(\.name),
                defaults: f.parameters.map { p in p.defaultValue.map(text(of:)) }, block: block,
                isTopLevel: !scopes.contains { $0.isFunction })
            index.functions.append(info)
            bind(f.name, at: f.nameRange)
            if !scopes.contains(where: \.isFunction) { functions[f.name] = info }
            push(names: f.locals, isFunction: true)
            for p in f.parameters { record(p.name, p.range, binding: true) }
            run(f.body)
            scopes.removeLast()
        case .returnValue(let e): if let e { visit(e) }
        case .breakLoop, .continueLoop, .pass: break
        }
    }

    /// Binds the names a loop body binds before walking it (a later pass may read them).
    private mutating func preBind(_ body: [Statement]) {
        guard !scopes.contains(where: \.isFunction) else { return }
        var names = Set<String>()
        NameResolver.collectBindings(body, into: &names)
        known.formUnion(names)
    }

    private static func collectBindings(_ body: [Statement], into names: inout Set<String>) {
        for s in body {
            switch s.kind {
            case .assign(let n, _, _): names.insert(n)
            case .loop(let n, _, _, let b):
                names.insert(n)
                collectBindings(b, into: &names)
            case .whileLoop(_, let b): collectBindings(b, into: &names)
            case .conditional(let branches, let orElse):
                for br in branches { collectBindings(br.body, into: &names) }
                if let orElse { collectBindings(orElse, into: &names) }
            case .function(let f): names.insert(f.name)
            default: break
            }
        }
    }

    private mutating func bind(_ name: String, at range: SourceRange) {
        if scopes.contains(where: \.isFunction) {
            record(name, range, binding: true)
            return
        }
        known.insert(name)
        functions[name] = nil
        record(name, range, binding: true)
    }

    private mutating func push(names: Set<String>, isFunction: Bool) {
        scopes.append(LocalScope(id: nextScope, names: names, isFunction: isFunction))
        nextScope += 1
    }

    /// Which scope a name at this point belongs to.
    private func scope(of name: String) -> SymbolIndex.Scope {
        if let s = scopes.last(where: { $0.names.contains(name) }) { return .local(s.id) }
        let inFunction = scopes.contains(where: \.isFunction)
        if known.contains(name) || (inFunction && everBound.contains(name)) { return .notebook }
        if BuiltinCatalog.names.contains(name) { return .builtin }
        return .unknown
    }

    private mutating func record(_ name: String, _ range: SourceRange, binding: Bool) {
        let scope: SymbolIndex.Scope
        if binding, let s = scopes.last(where: { $0.names.contains(name) }) {
            scope = .local(s.id)
        } else if binding {
            scope = .notebook
        } else {
            scope = self.scope(of: name)
        }
        index.occurrences.append(
            SymbolIndex.Occurrence(name: name, range: range, isBinding: binding, scope: scope, block: block))
    }

    /// Names visible here, for "did you mean" (the evaluator's: the notebook's, then the scopes').
    private var visibleNames: [String] {
        Array(known) + scopes.flatMap(\.names)
    }

    private mutating func report(_ d: Diagnostic) {
        if reporting { diagnostics.append(d) }
    }

    // MARK: Expressions

    private mutating func visit(_ e: Expr) {
        switch e.kind {
        case .number, .string, .bool, .none: break
        case .name(let name):
            let scope = scope(of: name)
            record(name, e.range, binding: false)
            // A builtin named without a call is a function value (LANGUAGE.md §8), not an error.
            if scope == .unknown {
                let hint = NameResolver.hint(for: name, in: visibleNames + NameResolver.builtinNames)
                report(.error("unknown name '\(name)'\(hint)", at: e.range))
            }
        case .list(let items): for item in items { visit(item) }
        case .call(let callee, let calleeRange, let args):
            let scope = scope(of: callee)
            record(callee, calleeRange, binding: false)
            for a in args {
                if let label = a.label, let range = a.labelRange {
                    index.labels.append(SymbolIndex.Label(name: label, range: range, callee: callee))
                }
                visit(a.value)
            }
            switch scope {
            case .unknown:
                let hint = NameResolver.hint(for: callee, in: NameResolver.builtinNames + functions.keys.sorted())
                report(.error("unknown function '\(callee)'\(hint)", at: calleeRange))
            case .builtin:
                if let d = CallCheck.builtinCall(callee, calleeRange: calleeRange, arguments: args, range: e.range) {
                    report(d)
                }
            case .notebook:
                if !scopes.contains(where: \.isFunction), let f = functions[callee],
                    let d = NameResolver.check(f, args, range: e.range)
                {
                    report(d)
                }
            case .local: break
            }
        case .callValue(let callee, let args):
            visit(callee)
            for a in args { visit(a.value) }
        case .index(let base, let items):
            visit(base)
            for item in items {
                switch item {
                case .single(let x): visit(x)
                case .slice(let a, let b, let c, _): for x in [a, b, c] { if let x { visit(x) } }
                }
            }
        case .field(let base, _, _): visit(base)
        case .unary(_, let x), .not(let x): visit(x)
        case .binary(_, let a, let b, _), .and(let a, let b), .or(let a, let b):
            visit(a)
            visit(b)
        case .comparison(let first, let links):
            visit(first)
            for link in links { visit(link.rhs) }
        case .comprehension(let element, let clauses):
            push(names: [], isFunction: false)
            for c in clauses {
                switch c {
                case .for(let n, let range, let xs):
                    visit(xs)
                    scopes[scopes.count - 1].names.insert(n)
                    record(n, range, binding: true)
                case .if(let x): visit(x)
                }
            }
            visit(element)
            scopes.removeLast()
        case .fstring(let segments):
            for case .field(let x, _, _) in segments { visit(x) }
        }
    }

    private static let builtinNames = BuiltinCatalog.names.sorted()

    /// `Suggestions.hint`, with the candidates whose length alone puts them out of its reach
    /// left out first (the same answer, without an edit distance to every builtin for every
    /// unknown name typed).
    private static func hint(for name: String, in candidates: [String]) -> String {
        let reach = max(1, name.count / 3 + 1)
        let count = name.count
        return Suggestions.hint(for: name, in: candidates.filter { abs($0.count - count) <= reach })
    }

    /// The error calling the `def` `f` with these arguments raises (Evaluator.invoke's rules).
    static func check(_ f: SymbolIndex.FunctionInfo, _ args: [Argument], range: SourceRange) -> Diagnostic? {
        let positional = zip(f.parameters, f.defaults).filter { $0.1 == nil }.map(\.0)
        var next = 0
        for a in args {
            if let label = a.label {
                guard let k = f.parameters.firstIndex(of: label) else {
                    let hint = Suggestions.hint(for: label, in: f.parameters)
                    return .error(
                        "\(f.name)() has no parameter '\(label)'\(hint); it takes \(f.signature)",
                        at: a.labelRange ?? a.value.range)
                }
                guard f.defaults[k] != nil else {
                    return .error(
                        "'\(label)' is a positional parameter of \(f.name)(); pass it by position: \(f.signature)",
                        at: a.labelRange ?? a.value.range)
                }
            } else {
                guard next < positional.count else {
                    return .error(
                        "\(f.name)() takes \(positional.count) positional argument\(positional.count == 1 ? "" : "s"), "
                            + "got \(args.filter { $0.label == nil }.count); it takes \(f.signature)",
                        at: a.value.range)
                }
                next += 1
            }
        }
        if next < positional.count {
            return .error(
                "\(f.name)() is missing argument '\(positional[next])'; it takes \(f.signature)", at: range)
        }
        return nil
    }

    /// A default value as the evaluator's messages show it: literals formatted as values, other
    /// expressions as written.
    private func text(of e: Expr) -> String {
        switch e.kind {
        case .number(let v): return ValueFormatter.inline(.number(v))
        case .string(let s): return ValueFormatter.inline(.string(s))
        case .bool(let b): return ValueFormatter.inline(.bool(b))
        case .none: return ValueFormatter.inline(.none)
        case .unary(.negate, let x):
            if case .number(let v) = x.kind { return ValueFormatter.inline(.number(-v)) }
        default: break
        }
        guard e.range.start.line == e.range.end.line, e.range.start.line >= 1, e.range.start.line <= lines.count
        else { return "…" }
        let line = Array(lines[e.range.start.line - 1].withoutCarriageReturn)
        let a = min(max(e.range.start.column - 1, 0), line.count)
        let b = min(max(e.range.end.column - 1, a), line.count)
        return String(line[a..<b])
    }
}
