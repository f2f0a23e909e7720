import TangentSupport

/// `textDocument/definition` and `textDocument/references`: a name's binding, and every place
/// the same binding is bound or read, across the notebook's blocks.
enum Navigation {
    static func definition(_ analysis: NotebookAnalysis, _ document: TextDocument, at position: LSPPosition) -> JSON {
        guard let occurrence = analysis.symbols.occurrence(at: document.location(of: position)),
            let binding = analysis.symbols.definition(of: occurrence)
        else { return .null }
        return location(document, binding)
    }

    static func references(
        _ analysis: NotebookAnalysis, _ document: TextDocument, at position: LSPPosition, includeDeclaration: Bool
    ) -> JSON {
        guard let occurrence = analysis.symbols.occurrence(at: document.location(of: position)) else {
            return .array([])
        }
        let found = analysis.symbols.references(of: occurrence).filter { includeDeclaration || !$0.isBinding }
        return .array(found.map { location(document, $0) })
    }

    private static func location(_ document: TextDocument, _ occurrence: SymbolIndex.Occurrence) -> JSON {
        .fields(("uri", .string(document.uri)), ("range", document.json(occurrence.range)))
    }
}
