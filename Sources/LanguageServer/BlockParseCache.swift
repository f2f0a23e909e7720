import Language

/// The statements (or syntax error) of the blocks of a document's last analysis, by their exact
/// source lines (text, file line number and column offset), so that an edit parses again only
/// the blocks it touched (or moved: inserting a line shifts the blocks below it).
package struct BlockParseCache: Sendable {
    private struct Key: Hashable {
        var lines: [String]
        var numbers: [Int]
        var offsets: [Int]
    }

    /// The blocks of the last analysis, and of the one under way.
    private var previous: [Key: Result<[Statement], Diagnostic>] = [:]
    private var current: [Key: Result<[Statement], Diagnostic>] = [:]

    package init() {}

    /// The parse of `source`, from the last analysis when the block is unchanged since.
    mutating func parse(_ source: SourceText) -> Result<[Statement], Diagnostic> {
        let key = Key(
            lines: source.lines.map(\.text), numbers: source.lines.map(\.number),
            offsets: source.lines.map(\.columnOffset))
        let result: Result<[Statement], Diagnostic>
        if let cached = previous[key] ?? current[key] {
            result = cached
        } else {
            do throws(Diagnostic) { result = .success(try Parser.parse(source)) } catch { result = .failure(error) }
        }
        current[key] = result
        return result
    }

    /// Ends an analysis: its blocks are what the next one may reuse (the others are dropped).
    mutating func finishAnalysis() {
        previous = current
        current = [:]
    }
}
