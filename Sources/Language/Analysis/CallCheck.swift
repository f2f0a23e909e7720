import Foundation

/// Checks a builtin call's keyword labels and argument count without evaluating anything, for
/// diagnostics as a notebook is typed (`tangent lsp`). It binds the call with the evaluator's own
/// `BuiltinCall` (arguments stand in as `none`, which binding never looks at), so the message and
/// range are exactly those `tangent run` reports.
package enum CallCheck {
    /// The error binding this call of the builtin `callee` raises, or nil when it binds (or when
    /// `callee` is no builtin).
    package static func builtinCall(
        _ callee: String, calleeRange: SourceRange, arguments: [Argument], range: SourceRange
    ) -> Diagnostic? {
        guard let builtin = Builtins.table[callee] else { return nil }
        let context = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: "/"), seed: 0)
        let bound = arguments.map { a in
            (label: a.label, labelRange: a.labelRange, value: Value.none, range: a.value.range)
        }
        do throws(Diagnostic) {
            _ = try BuiltinCall(
                builtin: builtin, arguments: bound, range: range, calleeRange: calleeRange, context: context)
            return nil
        } catch {
            return error
        }
    }
}
