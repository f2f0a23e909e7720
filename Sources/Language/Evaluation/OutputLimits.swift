import TangentSupport

/// How much one block may show, so that a runaway `print`, `show` or `plot` fails its block
/// with a located error instead of writing a notebook, site page, cache entry and report of
/// hundreds of megabytes (a shown string is stored twice in a notebook: as Markdown for people
/// and in the region's data line). Large matrices are summarised when shown, so they count
/// with the size of their summary.
package struct OutputLimits: Sendable {
    /// Text per block, in UTF-8 bytes: printed and shown text, captions, figure titles, axis
    /// names and series labels.
    package static let textBytes = 1 << 20
    /// Figures per block (the `plot`/`scatter` calls of a block share one; each `heatmap` is one).
    package static let figures = 16
    /// Points of line and scatter series per block (a heatmap is drawn from at most 100×100 cells).
    package static let points = 100_000

    private var text = 0
    private var figureCount = 0
    private var pointCount = 0

    package init() {}

    /// Counts an item about to be shown: `text` more bytes, `figures` more figures, `points`
    /// more points. Throws at `range` (the statement showing it) when a limit would be passed;
    /// nothing is counted then.
    mutating func add(text bytes: Int, figures: Int = 0, points: Int = 0, at range: SourceRange) throws(Diagnostic) {
        if figures > 0, figureCount + figures > Self.figures {
            throw .error(
                "this would be figure \(figureCount + figures) of the block, over the limit of "
                    + "\(Self.figures) figures per block; draw the others in another block "
                    + "(plot and scatter calls in one block share one figure)", at: range)
        }
        let (p, pOverflow) = pointCount.addingReportingOverflow(points)
        if pOverflow || p > Self.points {
            throw .error(
                "this would bring the block's figures to \(pOverflow ? "more than 2^63" : String(p)) points, over the "
                    + "limit of \(Self.points) plotted points per block; plot every k-th point "
                    + "(e.g. plot(x[::10], y[::10])) or spread the plots over several blocks", at: range)
        }
        let (t, tOverflow) = text.addingReportingOverflow(bytes)
        if tOverflow || t > Self.textBytes {
            throw .error(
                "this output would bring the block's text to \(tOverflow ? "more than 8 EiB" : ByteCount.formatted(t)), over the "
                    + "limit of \(Self.textBytes >> 20) MiB of text per block; show a part or a summary of it instead, "
                    + "or spread the output over several blocks", at: range)
        }
        figureCount += figures
        pointCount = p
        text = t
    }
}
