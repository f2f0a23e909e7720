import Foundation
import Language
import NTKCore
import Notebook

/// A block's outputs as HTML: numbers, tables, text, figures (inline SVG) and errors.
enum OutputHTML {
    static func block(_ b: BlockResult, notebook: Notebook) -> String {
        var out = ""
        for item in b.outputs { out += output(item) }
        switch b.status {
        case .failed:
            if let e = b.error { out += error(e, notebook: notebook, expected: false) }
        case .skipped:
            out += "<div class=\"skipped\">Skipped: \(HTMLText.escape(b.note ?? "not run"))</div>\n"
        case .mismatch:
            if let m = b.mismatch { out += mismatch(m, notebook: notebook) }
        case .ran, .cached:
            if b.failedAsExpected, let e = b.error { out += error(e, notebook: notebook, expected: true) }
        }
        return out
    }

    static func output(_ item: DisplayItem) -> String {
        switch item {
        case .value(let v, let caption, _):
            let cap = caption.map { "<div class=\"caption\">\(HTMLText.escape($0))</div>" } ?? ""
            switch v {
            case .table(let t):
                let name = caption ?? "\(t.matrix.shapeDescription) table"
                return
                    "<div class=\"output matrix table\">\(table(t.matrix, columns: t.columns, caption: name))</div>\n"
            case .matrix(let m):
                if ValueFormatter.isLarge(m) {
                    let s = MatrixSummary(m)
                    let corner = ValueFormatter.corner(m)
                    return
                        "<div class=\"output matrix large\">\(cap)<div class=\"summary\">\(m.shapeDescription) matrix · min \(ValueFormatter.cell(s.min)) · max \(ValueFormatter.cell(s.max)) · mean \(ValueFormatter.cell(s.mean))</div>"
                        + "<div class=\"thumb\">\(SVGFigure.matrixHeatmap(m))</div>"
                        + table(corner, caption: "Top-left corner of the \(m.shapeDescription) matrix") + "</div>\n"
                }
                return
                    m.isEmpty
                    ? "<div class=\"output matrix\">\(cap)<pre>(empty \(m.shapeDescription) matrix)</pre></div>\n"
                    : "<div class=\"output matrix\">\(table(m, caption: caption ?? "\(m.shapeDescription) matrix"))</div>\n"
            default:
                return "<div class=\"output value\">\(cap)<pre>\(HTMLText.escape(ValueFormatter.text(v)))</pre></div>\n"
            }
        case .text(let s, _):
            return "<pre class=\"output text\">\(HTMLText.escape(s))</pre>\n"
        case .figure(let f, _):
            return figure(f)
        }
    }

    /// A figure with its caption under it: "Figure N: caption" (the caption, else the title).
    /// Its number and id are tokens `FigureNumbering.apply` fills in once the page is whole.
    /// On a phone it scrolls sideways (`SVGFigure.minimumDisplayWidth`); the site's script then
    /// lets it take the keyboard's focus (`SiteAssets.themeScript`).
    static func figure(_ f: Figure) -> String {
        let id = f.id.flatMap { id in
            id.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
                ? id : nil
        }
        let caption = SVGFigure.nonEmpty(f.caption) ?? SVGFigure.nonEmpty(f.title)
        return "<figure class=\"output figure\" id=\"\(FigureNumbering.idToken(id))\">\(SVGFigure.render(f))"
            + "<figcaption><span class=\"figure-number\">Figure\(FigureNumbering.numberToken)</span>"
            + (caption.map { ": " + HTMLText.escape($0) } ?? "") + "</figcaption></figure>\n"
    }

    /// A table's `<caption>`: the output's caption when the block gave one, else what the table
    /// is, so a screen reader names every table (a notebook exported to Jupyter has none).
    static func caption(_ text: String) -> String {
        "<caption class=\"caption\">\(HTMLText.escape(text))</caption>"
    }

    /// A table with named columns (`table(A, columns:)`), shown in full, each column in one
    /// style (`ColumnFormat`).
    static func table(_ m: Matrix, columns: [String], caption text: String? = nil) -> String {
        var out = "<div class=\"table-wrap\"><table class=\"matrix-table named\">\(text.map(caption) ?? "")<thead><tr>"
        for name in columns { out += "<th scope=\"col\">\(HTMLText.escape(name))</th>" }
        out += "</tr></thead><tbody>"
        for row in Table(matrix: m, columns: columns).cells {
            out += "<tr>"
            for cell in row { out += "<td>\(HTMLText.escape(cell))</td>" }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    /// A matrix as a table under its column indices, each column in one style (`ColumnFormat`);
    /// the indices are headers (`scope`) of their column and row.
    static func table(_ m: Matrix, caption text: String? = nil) -> String {
        var out =
            "<div class=\"table-wrap\"><table class=\"matrix-table\">\(text.map(caption) ?? "")<thead><tr><td></td>"
        for j in 0..<m.cols { out += "<th scope=\"col\">\(j)</th>" }
        out += "</tr></thead><tbody>"
        for (i, row) in ColumnFormat.cells(m.cols, rows: m.rows, { m[$0, $1] }).enumerated() {
            out += "<tr><th scope=\"row\">\(i)</th>"
            for cell in row { out += "<td>\(HTMLText.escape(cell))</td>" }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }

    static func mismatch(_ m: Mismatch, notebook: Notebook) -> String {
        let (file, root) = projectPaths(notebook)
        let text = withoutRoot(m.formatted(file: file, lineText: notebook.line), root, file: file)
        return "<div class=\"error mismatch\"><pre>\(HTMLText.escape(text))</pre></div>\n"
    }

    static func error(_ d: Diagnostic, notebook: Notebook, expected: Bool) -> String {
        let (file, root) = projectPaths(notebook)
        let text = withoutRoot(d.formatted(file: file, lineText: notebook.line), root, file: file)
        let cls = expected ? "error expected" : "error"
        let label = expected ? "<div class=\"error-label\">Expected error</div>" : ""
        return "<div class=\"\(cls)\">\(label)<pre>\(HTMLText.escape(text))</pre></div>\n"
    }

    /// Error boxes name the notebook by its path inside its project (`ProjectRoot`), never by
    /// the absolute path of the machine that rendered the site; returns that path and the
    /// project folder's absolute path(s) with a trailing `/`, to take out of messages too
    /// (a `load` error names the file it could not read).
    static func projectPaths(_ notebook: Notebook) -> (file: String, roots: [String]) {
        let url = URL(fileURLWithPath: notebook.path)
        let root = ProjectRoot.find(for: url)
        let roots = [root.resolvingSymlinksInPath().path, root.path].map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        return (ProjectRoot.relativePath(of: url), roots.filter { $0 != "/" })
    }

    /// `text` with every absolute path inside the project made relative to it, in the message
    /// lines (`FILE:LINE:COL: …`) only: a quoted source line stays as written, or its caret
    /// would no longer point at the right column.
    static func withoutRoot(_ text: String, _ roots: [String], file: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix(file + ":") else { return String(line) }
            return roots.reduce(String(line)) { $0.replacingOccurrences(of: $1, with: "") }
        }.joined(separator: "\n")
    }
}
