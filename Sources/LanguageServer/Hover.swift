import Language
import TangentSupport

/// `textDocument/hover`: a builtin's signature and one-line summary (the table `tangent
/// builtins` prints); a `def` function's signature and where it is defined; a name's binding
/// (block and line) and, after a run from the editor, what the cache knows it holds.
enum Hover {
    /// The hover at `position`, or nil (JSON null) off any name.
    static func hover(
        _ analysis: NotebookAnalysis, _ document: TextDocument, at position: LSPPosition,
        cachedValues: [String: String] = [:]
    ) -> JSON {
        let location = document.location(of: position)
        if let label = analysis.symbols.label(at: location) {
            guard let text = markdown(for: label, in: analysis) else { return .null }
            return .fields(
                ("contents", .fields(("kind", .string("markdown")), ("value", .string(text)))),
                ("range", document.json(label.range)))
        }
        guard let occurrence = analysis.symbols.occurrence(at: location) else { return .null }
        guard var text = markdown(for: occurrence, in: analysis) else { return .null }
        if occurrence.scope == .notebook, let value = cachedValues[occurrence.name] {
            text += "\n\nLast run: \(value)."
        }
        return .fields(
            ("contents", .fields(("kind", .string("markdown")), ("value", .string(text)))),
            ("range", document.json(occurrence.range)))
    }

    /// A keyword argument: the signature of the function it is passed to.
    static func markdown(for label: SymbolIndex.Label, in analysis: NotebookAnalysis) -> String? {
        let callee = analysis.symbols.occurrences.last { $0.range.end <= label.range.start && $0.name == label.callee }
        if let callee, callee.scope != .builtin, let binding = analysis.symbols.definition(of: callee),
            let f = analysis.symbols.function(boundAt: binding)
        {
            return "`\(label.name)`: argument of\n```ntk\ndef \(f.signature)\n```"
        }
        guard let info = BuiltinInfo.named(label.callee) else { return nil }
        return "`\(label.name)`: argument of\n```ntk\n\(info.signature)\n```\n\(info.summary)"
    }

    static func markdown(for occurrence: SymbolIndex.Occurrence, in analysis: NotebookAnalysis) -> String? {
        switch occurrence.scope {
        case .builtin:
            if let info = BuiltinInfo.named(occurrence.name) {
                return "```ntk\n\(info.signature)\n```\n\(info.summary)"
            }
            return "`\(occurrence.name)`: a builtin constant"
        case .unknown:
            return nil
        case .notebook, .local:
            guard let binding = analysis.symbols.definition(of: occurrence) else { return nil }
            let block = analysis.blocks[binding.block].cell.id
            let place = "block `\(block)`, line \(binding.range.start.line)"
            if let f = analysis.symbols.function(boundAt: binding) {
                return "```ntk\ndef \(f.signature)\n```\nDefined in \(place)."
            }
            var text = "`\(occurrence.name)`: "
            text += occurrence.scope == .notebook ? "bound in \(place)" : "local, bound in \(place)"
            return text
        }
    }
}
