import Foundation
import Language
import Notebook
import TangentSupport

/// What the nbformat 4 files Tangent writes and reads share.
package enum Jupyter {
    package static let kernelspec: JSON = .object([
        ("display_name", .string("Tangent (ntk)")), ("language", .string("ntk")), ("name", .string("ntk"))
    ])
    package static let languageInfo: JSON = .object([
        ("file_extension", .string(".ntk")), ("mimetype", .string("text/x-ntk")), ("name", .string("ntk"))
    ])

    /// Text as nbformat's multiline string: a list of lines, each keeping its "\n".
    static func multiline(_ s: String) -> JSON {
        var parts: [JSON] = []
        var line = ""
        for u in s.unicodeScalars {
            line.unicodeScalars.append(u)
            if u == "\n" {
                parts.append(.string(line))
                line = ""
            }
        }
        if !line.isEmpty { parts.append(.string(line)) }
        return .array(parts)
    }

    /// Lines as one multiline string (no "\n" after the last).
    static func source(_ lines: [String]) -> JSON { multiline(lines.joined(separator: "\n")) }

    /// A Jupyter cell id (`[A-Za-z0-9_-]{1,64}`).
    static func isCellID(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64
            && s.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }
}

/// Writes a notebook as a Jupyter notebook (nbformat 4.5): prose as Markdown cells, top-level
/// ntk blocks as code cells whose outputs are the ones stored in their regions. Block
/// attributes, the front matter and the blank lines between cells go into `metadata.tangent`,
/// so `JupyterImport` gives back the same Markdown.
package enum JupyterExport {
    package struct Exported {
        package var json: JSON
        /// Problems that did not stop the export (a missing figure file, unreadable data).
        package var warnings: [String]
    }

    /// `readFile` reads a file given its path relative to the notebook's folder (the figures).
    package static func export(
        _ notebook: Notebook, figures: MarkdownWriter.FigureFolder,
        readFile: (String) -> String?
    ) throws(Diagnostic) -> Exported {
        let layout = try CellLayout(notebook)
        let sites = try notebook.regionSites()
        var warnings: [String] = []
        var usedIDs = Set<String>()
        func cellID(_ wanted: String?, fallback: String) -> String {
            var id = wanted.flatMap { Jupyter.isCellID($0) ? $0 : nil } ?? fallback
            while usedIDs.contains(id) { id += "-x" }
            usedIDs.insert(id)
            return id
        }
        var cells: [JSON] = []
        var proseCount = 0
        for (k, cell) in layout.cells.enumerated() {
            var tangent: [(String, JSON)] = []
            if cell.blankLinesBefore != layout.defaultBlankLines(before: k) {
                tangent.append(("blank_lines_before", .number(Double(cell.blankLinesBefore))))
            }
            switch cell.kind {
            case .prose:
                proseCount += 1
                cells.append(
                    .object([
                        ("cell_type", .string("markdown")), ("id", .string(cellID(nil, fallback: "md-\(proseCount)"))),
                        ("metadata", tangent.isEmpty ? .object([]) : .object([("tangent", .object(tangent))])),
                        ("source", Jupyter.source(cell.lines))
                    ]))
            case .ntk(let info, let fence):
                tangent.insert(("info", .string(info)), at: 0)
                if fence != "```" { tangent.append(("fence", .string(fence))) }
                var outputs: [JSON] = []
                if let id = cell.blockID, let region = sites[id]?.region {
                    if let stored = region.storedOutputs {
                        // The SVG file a region links, nil (with a warning) when it cannot be read.
                        func linkedSVG(_ path: String, _ what: String) -> String? {
                            let linked = region.content.contains { $0.hasPrefix("![") && $0.hasSuffix("](\(path))") }
                            guard linked else { return nil }
                            guard let svg = readFile(path) else {
                                warnings.append(
                                    "block '\(id)': cannot read the \(what) '\(path)' (exported as text; run 'tangent update' to redraw it)"
                                )
                                return nil
                            }
                            guard SVGFigure.isDrawnFigure(svg) else {
                                warnings.append(
                                    "block '\(id)': the \(what) '\(path)' is not an SVG Tangent drew (a script, a link or "
                                        + "another document is in it); exported as text; run 'tangent update' to redraw it"
                                )
                                return nil
                            }
                            return svg
                        }
                        let count = stored.filter { $0.kind == .figure }.count
                        let svgs = (0..<count).map { linkedSVG(figures.path(block: id, figure: $0 + 1), "figure") }
                        let large = stored.filter(JupyterOutputs.isLargeMatrix).count
                        let heatmaps = (0..<large).map {
                            linkedSVG(figures.path(block: id, matrix: $0 + 1), "heatmap")
                        }
                        outputs = JupyterOutputs.outputs(stored, svgs: svgs, heatmaps: heatmaps)
                    } else {
                        warnings.append(
                            "block '\(id)': its output region has no readable 'tangent:data' line; exported without outputs"
                        )
                    }
                }
                cells.append(
                    .object([
                        ("cell_type", .string("code")), ("execution_count", .null),
                        ("id", .string(cellID(cell.blockID, fallback: "ntk-\(k + 1)"))),
                        ("metadata", .object([("tangent", .object(tangent))])),
                        ("outputs", .array(outputs)), ("source", Jupyter.source(cell.lines))
                    ]))
            }
        }
        var tangent: [(String, JSON)] = []
        if let fm = layout.frontMatter { tangent.append(("front_matter", .string(fm.joined(separator: "\n")))) }
        if layout.lineEnding != "\n" { tangent.append(("line_ending", .string(layout.lineEnding))) }
        if layout.trailingBlankLines != 0 {
            tangent.append(("trailing_blank_lines", .number(Double(layout.trailingBlankLines))))
        }
        if !layout.finalNewline { tangent.append(("final_newline", .bool(false))) }
        var metadata: [(String, JSON)] = [("kernelspec", Jupyter.kernelspec), ("language_info", Jupyter.languageInfo)]
        if !tangent.isEmpty { metadata.append(("tangent", .object(tangent))) }
        metadata.append(("title", .string(notebook.title)))
        let json = JSON.object([
            ("cells", .array(cells)), ("metadata", .object(metadata)),
            ("nbformat", .number(4)), ("nbformat_minor", .number(5))
        ])
        return Exported(json: json, warnings: warnings)
    }
}
