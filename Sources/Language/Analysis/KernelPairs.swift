/// Where a block asks for both analytic kernels of one network on the same inputs, such as
///
///     K = nngp(net, X)
///     T = ntk(net, X)
///
/// One recursion gives both (the NTK's needs the NNGP's at every layer), so the first call of
/// such a pair computes the two at once and the second takes its result
/// (docs/language.md#kernels-computed-together). This is the static half: which calls start a
/// pair. It is only a plan; the evaluator hands the second call the kept kernel only when the
/// network and inputs it gets are equal to the first call's.
package enum KernelPairs {
    /// The ranges of the calls that start a pair among the block's top-level statements:
    /// `nngp(...)` followed by `ntk(...)` (or the other way round) with the same arguments
    /// (names and literals, written the same, no `out:`), none of whose names is bound again
    /// in between. Calls inside `def`, loops, `if` and comprehensions are not paired.
    package static func firstCalls(in statements: [Statement]) -> Set<SourceRange> {
        var plan = Plan()
        for s in statements {
            switch s.kind {
            case .assign(let name, _, let value):
                plan.visit(value)
                plan.rebind(name)
            case .show(let e, let caption):
                plan.visit(e)
                caption.map { plan.visit($0) }
            case .expect(let e), .expression(let e):
                plan.visit(e)
            default:
                // Bodies run any number of times: nothing in them is paired, and anything they
                // bind ends the pairs it could change.
                for name in Dependencies.of([s]).writes { plan.rebind(name) }
            }
        }
        return plan.firsts
    }

    /// One argument as written: its label and a name or literal.
    private struct WrittenArgument: Equatable {
        let label: String?
        let value: Expr.Kind
    }

    /// A call still waiting for its partner.
    private struct Open {
        let callee: String
        let arguments: [WrittenArgument]
        let names: Set<String>
        let range: SourceRange
    }

    /// Calls that may wait for a partner at once; older ones are forgotten.
    static let maximumOpen = 32

    private struct Plan {
        var open: [Open] = []
        var firsts = Set<SourceRange>()

        /// Visits calls in the order they are evaluated (arguments before the call). The
        /// element of a comprehension runs once per item and an f-string's fields are text:
        /// neither is paired.
        mutating func visit(_ e: Expr) {
            switch e.kind {
            case .comprehension, .fstring: return
            case .call(let callee, _, let args):
                for a in args { visit(a.value) }
                if callee == "nngp" || callee == "ntk" { note(callee, args, range: e.range) }
            default:
                for child in e.children { visit(child) }
            }
        }

        mutating func note(_ callee: String, _ args: [Argument], range: SourceRange) {
            var arguments: [WrittenArgument] = []
            var names = Set<String>()
            for a in args {
                switch a.value.kind {
                case .name(let n): names.insert(n)
                case .number, .string, .bool, .none: break
                default: return  // only names and literals are compared as written
                }
                if a.label == "out" { return }  // written to a file, not kept
                arguments.append(WrittenArgument(label: a.label, value: a.value.kind))
            }
            if let i = open.firstIndex(where: { $0.callee != callee && $0.arguments == arguments }) {
                firsts.insert(open[i].range)
                open.remove(at: i)
                return
            }
            open.removeAll { $0.callee == callee && $0.arguments == arguments }
            // A block of thousands of distinct kernel calls (a hostile one) stays linear.
            if open.count >= maximumOpen { open.removeFirst() }
            open.append(Open(callee: callee, arguments: arguments, names: names, range: range))
        }

        mutating func rebind(_ name: String) {
            open.removeAll { $0.names.contains(name) }
        }
    }
}
