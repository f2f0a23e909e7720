/// Which names a block reads from earlier blocks and which it binds: the static dependency
/// graph that lets Tangent skip only the blocks that depend on a failed one.
package struct Dependencies: Equatable, Sendable {
    /// Names read before the block binds them itself (its inputs from earlier blocks).
    package var reads: Set<String>
    /// Names the block binds.
    package var writes: Set<String>

    package init(reads: Set<String>, writes: Set<String>) {
        self.reads = reads
        self.writes = writes
    }

    /// The dependencies of parsed statements. Names a `def` reads from outside itself count as
    /// reads of the block that defines it (a function of a failed block's values is skipped with
    /// them); names local to a function or a comprehension are not reads.
    package static func of(_ statements: [Statement]) -> Dependencies {
        var reads = Set<String>()
        var writes = Set<String>()
        // Names local to the function or comprehension being visited.
        var local: [Set<String>] = []
        func isLocal(_ n: String) -> Bool { local.contains { $0.contains(n) } }
        func read(_ n: String) { if !isLocal(n), !writes.contains(n) { reads.insert(n) } }
        func write(_ n: String) { if !isLocal(n) { writes.insert(n) } }
        func visit(_ e: Expr) {
            switch e.kind {
            case .number, .string, .bool, .none: break
            case .name(let n): read(n)
            case .list(let items): items.forEach(visit)
            case .call(let callee, _, let args):
                read(callee)
                for arg in args {
                    visit(arg.value)
                }
            case .callValue(let callee, let args):
                visit(callee)
                for arg in args {
                    visit(arg.value)
                }
            case .index(let base, let items):
                visit(base)
                for item in items {
                    switch item {
                    case .single(let x): visit(x)
                    case .slice(let a, let b, let c, _): [a, b, c].compactMap { $0 }.forEach(visit)
                    }
                }
            case .field(let base, _, _): visit(base)
            case .unary(_, let x), .not(let x): visit(x)
            case .binary(_, let a, let b, _), .and(let a, let b), .or(let a, let b):
                visit(a)
                visit(b)
            case .comparison(let first, let links):
                visit(first)
                for link in links {
                    visit(link.rhs)
                }
            case .comprehension(let element, let clauses):
                local.append([])
                for c in clauses {
                    switch c {
                    case .for(let n, _, let xs):
                        visit(xs)
                        local[local.count - 1].insert(n)
                    case .if(let x): visit(x)
                    }
                }
                visit(element)
                local.removeLast()
            case .fstring(let segments):
                for case .field(let x, _, _) in segments { visit(x) }
            }
        }
        func run(_ statements: [Statement]) {
            for s in statements {
                switch s.kind {
                case .assign(let name, _, let value):
                    visit(value)
                    write(name)
                case .show(let e, let caption):
                    visit(e)
                    caption.map(visit)
                case .expect(let e), .expression(let e): visit(e)
                case .conditional(let branches, let orElse):
                    for b in branches {
                        visit(b.condition)
                        run(b.body)
                    }
                    if let orElse { run(orElse) }
                case .loop(let name, _, let iterable, let body):
                    visit(iterable)
                    write(name)
                    run(body)
                case .whileLoop(let condition, let body):
                    visit(condition)
                    run(body)
                case .function(let f):
                    for p in f.parameters { p.defaultValue.map(visit) }
                    write(f.name)
                    local.append(f.locals)
                    run(f.body)
                    local.removeLast()
                case .returnValue(let e): e.map(visit)
                case .breakLoop, .continueLoop, .pass: break
                }
            }
        }
        run(statements)
        return Dependencies(reads: reads, writes: writes)
    }

    /// A best-effort reading of code that does not parse: every `name =` at the start of a
    /// line counts as a write, and every other name as a read.
    package static func approximate(_ source: SourceText) -> Dependencies {
        var reads = Set<String>()
        var writes = Set<String>()
        for line in source.lines {
            // Names bound or read sit at the start of real code; a line longer than a lexer
            // accepts is only scanned in part.
            let chars = Array(line.text.prefix(Lexer.maxLineBytes).prefix { $0 != "#" })
            var i = 0
            var first = true
            while i < chars.count {
                if chars[i].isLetter || chars[i] == "_" {
                    var j = i
                    while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                    let name = String(chars[i..<j])
                    var k = j
                    while k < chars.count, chars[k] == " " || chars[k] == "\t" { k += 1 }
                    let assigns =
                        first && k < chars.count && chars[k] == "=" && (k + 1 >= chars.count || chars[k + 1] != "=")
                    if assigns {
                        writes.insert(name)
                    } else if Keyword(rawValue: name) == nil, !(k < chars.count && chars[k] == "(") {
                        reads.insert(name)
                    }
                    first = false
                    i = j
                } else {
                    // `x = 1; y = 2` is not valid, but a block that tried it meant to bind y too.
                    if chars[i] == ";" { first = true } else if chars[i] != " " && chars[i] != "\t" { first = false }
                    i += 1
                }
            }
        }
        return Dependencies(reads: reads.subtracting(writes), writes: writes)
    }
}
