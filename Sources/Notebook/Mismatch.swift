import Language

/// A difference `tangent check` found: a block shows something other than what `update`
/// stored, or a region's visible text no longer says what its data line says.
///
/// Not a diagnostic: nothing is wrong with the notebook's code, its stored results have
/// drifted. It is printed like one so editors and CI annotators can jump to it:
/// `FILE:LINE:COL: mismatch: message`, then the line and a caret.
package struct Mismatch: Equatable, Sendable {
    package var message: String
    package var range: SourceRange

    package init(_ message: String, at range: SourceRange) {
        self.message = message
        self.range = range
    }

    /// The word that stands where a diagnostic's severity stands.
    package static let label = "mismatch"

    /// `FILE:LINE:COL: mismatch: message`, the source line and a caret.
    package func formatted(file: String, lineText: (Int) -> String?) -> String {
        Diagnostic(.error, message, at: range).formatted(file: file, lineText: lineText, label: Mismatch.label)
    }
}
