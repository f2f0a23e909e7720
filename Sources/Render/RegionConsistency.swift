import Language
import NTKCore
import Notebook

/// Whether a region's visible Markdown still says what its data line says. `check` compares the
/// data line with a new run; a reader on GitHub sees the visible text. If someone edits the
/// visible text (a number, a table cell, a caption), even fixing the region's hash, the two
/// disagree and `check` must fail. The visible text is rebuilt from the stored outputs exactly
/// as `MarkdownWriter` writes it and compared line by line.
package enum RegionConsistency {
    /// One located problem per region whose visible text disagrees with its data (or whose hash
    /// says it was edited by hand). Regions whose data line cannot be read are left to `Check`.
    package static func problems(in notebook: Notebook, figures: MarkdownWriter.FigureFolder?) throws(Diagnostic)
        -> [Mismatch]
    {
        let sites = try notebook.regionSites()
        var out: [Mismatch] = []
        for cell in notebook.cells {
            guard let region = sites[cell.id]?.region, let stored = region.storedOutputs else { continue }
            let at = SourceRange(at: SourceLocation(line: region.beginLine, column: region.prefix.count + 1))
            if region.editedByHand {
                out.append(
                    Mismatch(
                        "the generated output of block '\(cell.id)' was edited by hand "
                            + "(its text no longer matches its hash); run 'tangent update --force'", at: at))
                continue
            }
            let visible = Array(region.content.dropLast())
            if let line = firstDifference(visible, stored: stored, block: cell.id, figures: figures) {
                let fileLine = region.beginLine + 1 + line
                out.append(
                    Mismatch(
                        "the visible output of block '\(cell.id)' does not match its stored data "
                            + "(line \(fileLine) was changed by hand); run 'tangent update --force'", at: at))
            }
        }
        return out
    }

    /// The index of the first visible line that the stored outputs do not produce, or nil when
    /// every line matches.
    static func firstDifference(
        _ visible: [String], stored: [StoredOutput], block: String,
        figures: MarkdownWriter.FigureFolder?
    ) -> Int? {
        var line = 0
        var figureCount = 0
        var matrixCount = 0
        func expect(_ lines: [String]) -> Bool {
            guard line + lines.count <= visible.count, Array(visible[line..<(line + lines.count)]) == lines else {
                return false
            }
            line += lines.count
            return true
        }
        let items = stored.filter { $0.kind != .error }
        for (k, o) in items.enumerated() {
            if k > 0, !expect([""]) { return line }
            switch o.kind {
            case .text:
                if !expect(MarkdownWriter.textFence(o.text)) { return line }
            case .value:
                guard let lines = valueLines(o), expect(lines) else { return line }
                // A large matrix's heatmap link under its summary (regions written before
                // December 2026 have none, and still match).
                if o.type == "matrix", let shape = o.shape, shape.count == 2,
                    ValueFormatter.isLarge(rows: shape[0], cols: shape[1])
                {
                    matrixCount += 1
                    if let figures {
                        let link = MarkdownWriter.heatmapLink(
                            shape: Matrix.shapeDescription(rows: shape[0], cols: shape[1]), caption: o.caption,
                            path: figures.path(block: block, matrix: matrixCount))
                        let here = line
                        if !(expect(["", link])) { line = here }
                    }
                }
            case .figure:
                figureCount += 1
                if expect(MarkdownWriter.textFence(o.text)) { continue }
                guard let figures, line < visible.count,
                    isFigureLink(visible[line], summary: o.text, path: figures.path(block: block, figure: figureCount))
                else { return line }
                line += 1
            case .error:
                break
            }
        }
        if let e = stored.first(where: { $0.kind == .error }) {
            if !items.isEmpty, !expect([""]) { return line }
            if !expect(MarkdownWriter.textFence("error (expected): " + e.text)) { return line }
        }
        return line == visible.count ? nil : line
    }

    /// The lines `MarkdownWriter.markdown` writes for a shown value, from its stored form.
    static func valueLines(_ o: StoredOutput) -> [String]? {
        var out: [String] = []
        if let caption = o.caption { out += ["**" + MarkdownWriter.escapeInline(caption) + "**", ""] }
        switch o.type {
        case "number":
            guard o.numbers.count == 1 else { return nil }
            return out + MarkdownWriter.textFence(ValueFormatter.number(o.numbers[0]))
        case "table":
            guard let shape = o.shape, shape.count == 2, shape[0] >= 0, shape[1] >= 1,
                o.numbers.count == shape[0] * shape[1]
            else { return nil }
            let columns = o.text.components(separatedBy: "\n")
            guard columns.count == shape[1] else { return nil }
            return out
                + MarkdownWriter.table(Matrix(rows: shape[0], cols: shape[1], storage: o.numbers), columns: columns)
        case "matrix":
            guard let shape = o.shape, shape.count == 2, shape[0] >= 0, shape[1] >= 0 else { return nil }
            let (rows, cols) = (shape[0], shape[1])
            if rows == 0 || cols == 0 {
                return out
                    + MarkdownWriter.textFence("(empty \(Matrix.shapeDescription(rows: rows, cols: cols)) matrix)")
            }
            if !ValueFormatter.isLarge(rows: rows, cols: cols) {
                guard o.numbers.count == rows * cols else { return nil }
                return out + MarkdownWriter.table(Matrix(rows: rows, cols: cols, storage: o.numbers))
            }
            let (r, c) = (min(rows, 4), min(cols, 4))
            guard o.numbers.count == 3 + r * c else { return nil }
            let shapeText = Matrix.shapeDescription(rows: rows, cols: cols)
            let n = o.numbers
            out += MarkdownWriter.textFence(
                "\(shapeText) matrix  min \(ValueFormatter.cell(n[0]))  max \(ValueFormatter.cell(n[1]))  mean \(ValueFormatter.cell(n[2]))"
            )
            out += ["", "Top-left corner:", ""]
            return out + MarkdownWriter.table(Matrix(rows: r, cols: c, storage: Array(n[3...])))
        default:
            return out + MarkdownWriter.textFence(o.text)
        }
    }

    /// `![title](path)` where the title is the one the figure's stored summary names
    /// (`figure "title": …`), or `figure` for an untitled one.
    static func isFigureLink(_ line: String, summary: String, path: String) -> Bool {
        guard line.hasPrefix("!["), line.hasSuffix("](\(path))") else { return false }
        let alt = String(line.dropFirst(2).dropLast(path.count + 3))
        if summary.hasPrefix("figure: ") { return alt == "figure" }
        // The alt text is the title with Markdown punctuation escaped and newlines as spaces.
        let flat = summary.replacingOccurrences(of: "\n", with: " ")
        guard flat.hasPrefix("figure \"") else { return false }
        let rest = flat.dropFirst("figure \"".count)
        var search = rest.startIndex
        while let end = rest[search...].range(of: "\": ") {
            if MarkdownWriter.escapeInline(String(rest[..<end.lowerBound])) == alt { return true }
            search = end.upperBound
        }
        return false
    }
}
