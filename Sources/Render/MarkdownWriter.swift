import Language
import NTKCore
import Notebook

/// Writes block outputs back into a notebook: each block's generated region (see
/// `OutputRegion`) is inserted or replaced, and no byte outside the regions changes.
package enum MarkdownWriter {
    /// What `update` does to one block's region.
    package enum RegionUpdate {
        /// Write these outputs (the region is removed when there are none).
        case write([DisplayItem], expectedError: Diagnostic?)
        /// Leave the region as it is (the block failed or was skipped).
        case keep
    }

    /// The notebook's text with the regions updated. Throws a located error for a region that
    /// was edited by hand (unless `force`) or has lost its end marker.
    package static func update(_ notebook: Notebook, _ updates: [String: RegionUpdate], force: Bool = false)
        throws(Diagnostic) -> String
    {
        try update(notebook, updates, force: force, figures: nil).text
    }

    /// Where figures go: SVG files in a folder beside the notebook, linked from the regions.
    package struct FigureFolder {
        /// The folder as written in links, relative to the notebook (e.g. `intro.figures`).
        package var link: String
        package init(link: String) { self.link = link }

        /// Where the n-th figure (from 1) of a block goes, relative to the notebook's folder.
        package func path(block id: String, figure n: Int) -> String { "\(link)/\(id)-\(n).svg" }

        /// Where the heatmap of the n-th large matrix (from 1) a block shows goes (numbered
        /// apart from its figures, so notebooks written before had their figure files kept).
        package func path(block id: String, matrix n: Int) -> String { "\(link)/\(id)-matrix-\(n).svg" }

        /// The folder for a notebook file name: `kernels.md` → `kernels.figures`.
        package static func beside(_ notebookFileName: String) -> FigureFolder {
            let stem = notebookFileName.hasSuffix(".md") ? String(notebookFileName.dropLast(3)) : notebookFileName
            return FigureFolder(link: stem + ".figures")
        }
    }

    /// The updated text and the SVG files its regions link to (path relative to the
    /// notebook's folder → contents). Without `figures`, figures are described in text.
    ///
    /// The result is parsed again before it is returned: writing the regions must leave every
    /// block as it was (same ids, same code, no block gained or lost), otherwise nothing is
    /// written and the block at fault is reported.
    package static func update(
        _ notebook: Notebook, _ updates: [String: RegionUpdate], force: Bool,
        figures: FigureFolder?, verify: Bool = true
    ) throws(Diagnostic) -> (text: String, files: [String: String]) {
        let sites = try notebook.regionSites()
        let (text, files, fenceLines) = try write(notebook, updates, sites: sites, force: force, figures: figures)
        if verify, text != notebook.text, !sameBlocks(text, as: notebook, fenceLines: fenceLines) {
            // Find the block whose region does it, to say where (rare: odd fence layouts).
            for cell in notebook.cells where updates[cell.id] != nil {
                let alone = try write(
                    notebook, [cell.id: updates[cell.id]!], sites: sites, force: force, figures: figures)
                if !sameBlocks(alone.text, as: notebook, fenceLines: alone.fenceLines) {
                    let site = sites[cell.id]
                    throw .error(
                        "cannot write the outputs of block '\(cell.id)' without changing how the file parses "
                            + "(its closing fence, line \(site?.fenceLine ?? cell.endLine), is probably indented "
                            + "differently from the opening one); indent the closing fence like the opening one",
                        at: SourceRange(at: SourceLocation(line: cell.fenceLine, column: cell.fenceColumn)))
                }
            }
            throw .error(
                "cannot write the outputs without changing how the file parses",
                at: SourceRange(at: SourceLocation(line: 1, column: 1)))
        }
        return (text, files)
    }

    /// The regions written: the text, the figure files, and the line each block's opening
    /// fence should now be on (its old line, moved by the regions written above it).
    private static func write(
        _ notebook: Notebook, _ updates: [String: RegionUpdate], sites: [String: RegionSite], force: Bool,
        figures: FigureFolder?
    ) throws(Diagnostic) -> (text: String, files: [String: String], fenceLines: [Int]) {
        var files: [String: String] = [:]
        var moved: [String: Int] = [:]
        var table = TextLines(notebook.text)
        let eol = table.lineEnding
        // Edits from the bottom up, so earlier line numbers stay valid.
        for cell in notebook.cells.reversed() {
            guard let site = sites[cell.id], let update = updates[cell.id] else { continue }
            guard case .write(let items, let expectedError) = update else { continue }
            if let region = site.region, region.editedByHand, !force {
                throw .error(
                    "the generated output of block '\(cell.id)' was edited by hand; "
                        + "run 'tangent update --force' to replace it",
                    at: SourceRange(at: SourceLocation(line: region.beginLine, column: region.prefix.count + 1)))
            }
            var outputs = items.map { StoredOutput.from($0, codeLine: cell.codeLine) }
            if let e = expectedError { outputs.append(.expectedError(e, codeLine: cell.codeLine)) }
            var figureLinks: [Int: String] = [:]
            var heatmapLinks: [Int: String] = [:]
            if let figures {
                for (k, item) in items.enumerated() {
                    switch item {
                    case .figure(let f, _):
                        let path = figures.path(block: cell.id, figure: figureLinks.count + 1)
                        files[path] = SVGFigure.render(f)
                        figureLinks[k] = path
                    case .value(.matrix(let m), _, _) where ValueFormatter.isLarge(m):
                        // LANGUAGE.md §4: a large matrix shows as a summary plus a heatmap.
                        let path = figures.path(block: cell.id, matrix: heatmapLinks.count + 1)
                        files[path] = SVGFigure.matrixHeatmap(m)
                        heatmapLinks[k] = path
                    default: continue
                    }
                }
            }
            let content =
                outputs.isEmpty
                ? nil
                : regionContent(
                    items: items, expectedError: expectedError, outputs: outputs,
                    figureLinks: figureLinks, heatmapLinks: heatmapLinks)
            moved[cell.id] = apply(content, id: cell.id, site: site, to: &table, eol: eol)
        }
        // A block's region lies between its closing fence and the next block.
        var shift = 0
        var fenceLines: [Int] = []
        for cell in notebook.cells {
            fenceLines.append(cell.fenceLine + shift)
            shift += moved[cell.id] ?? 0
        }
        return (table.text, files, fenceLines)
    }

    /// The figure files that regions left as they are (`.keep`: the block failed or was
    /// skipped, or has no update) still link to, relative to the notebook's folder: `update`
    /// must not delete them, or a kept region would link to nothing.
    package static func keptFigures(_ notebook: Notebook, _ updates: [String: RegionUpdate], figures: FigureFolder)
        -> Set<String>
    {
        guard let sites = try? notebook.regionSites() else { return [] }
        var kept: Set<String> = []
        for cell in notebook.cells {
            if case .write? = updates[cell.id] { continue }
            guard let region = sites[cell.id]?.region else { continue }
            kept.formUnion(region.linkedFiles(under: figures.link))
        }
        return kept
    }

    /// True when `text` has the same blocks (ids and code, in order) as `notebook`, each opening
    /// on the line in `fenceLines`.
    static func sameBlocks(_ text: String, as notebook: Notebook, fenceLines: [Int]) -> Bool {
        guard let again = try? Notebook.parse(text, path: notebook.path) else { return false }
        // The same blocks open where the writes moved them: a block that stopped parsing can be
        // replaced by a look-alike further down with the same code and number.
        return again.cells.map(\.id) == notebook.cells.map(\.id)
            && again.cells.map(\.code) == notebook.cells.map(\.code)
            && again.cells.map(\.fenceLine) == fenceLines
    }

    /// The Markdown between the markers: outputs for people, then the data line for `check`.
    package static func regionContent(
        items: [DisplayItem], expectedError: Diagnostic?, outputs: [StoredOutput],
        figureLinks: [Int: String] = [:], heatmapLinks: [Int: String] = [:]
    ) -> [String] {
        var lines: [String] = []
        for (k, item) in items.enumerated() {
            if !lines.isEmpty { lines.append("") }
            if let link = figureLinks[k], case .figure(let f, _) = item {
                lines.append("![\(escapeInline(f.title ?? "figure"))](\(link))")
            } else {
                lines.append(contentsOf: markdown(item))
            }
            if let link = heatmapLinks[k], case .value(.matrix(let m), let caption, _) = item {
                lines += ["", heatmapLink(shape: m.shapeDescription, caption: caption, path: link)]
            }
        }
        if let e = expectedError {
            if !lines.isEmpty { lines.append("") }
            lines.append(contentsOf: textFence("error (expected): " + e.message))
        }
        lines.append(OutputRegion.dataLine(outputs))
        return lines
    }

    /// Writes one region; returns how many lines the file gained (negative: lost).
    private static func apply(
        _ content: [String]?, id: String, site: RegionSite, to table: inout TextLines, eol fileEOL: String
    ) -> Int {
        // The region's lines end like its block's closing fence (in a file with mixed line
        // endings the file's majority can change as regions are written, the fence's cannot),
        // so a second update writes the same bytes.
        let fenceEnd =
            site.fenceLine >= 1 && site.fenceLine <= table.lines.count ? table.lines[site.fenceLine - 1].terminator : ""
        let eol = fenceEnd.isEmpty ? fileEOL : fenceEnd
        let p = site.prefix
        // A blank line inside a container is its prefix without trailing spaces (`>`, or nothing).
        let blank = String(p.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        func line(_ s: String) -> String { s.isEmpty ? blank : p + s }
        var newLines: [TextLines.Line] = []
        if let content {
            newLines.append(.init(content: line(""), terminator: eol))
            newLines.append(
                .init(content: p + OutputRegion.beginMarker(id: id, hash: OutputRegion.hash(content)), terminator: eol))
            for c in content { newLines.append(.init(content: line(c), terminator: eol)) }
            newLines.append(.init(content: p + OutputRegion.endMarker(id: id), terminator: eol))
        }
        if let region = site.region {
            // Replace the old region, keeping whether its last line had a terminator.
            let last = table.lines[region.endLine - 1].terminator
            if !newLines.isEmpty {
                newLines[newLines.count - 1].terminator = last
            } else if last.isEmpty, site.fenceLine >= 1 {
                // Removing a region that ended the file: the fence line ends the file again.
                table.lines[site.fenceLine - 1].terminator = ""
            }
            table.lines.replaceSubrange((region.firstLine - 1)..<region.endLine, with: newLines)
            return newLines.count - (region.endLine - region.firstLine + 1)
        } else if !newLines.isEmpty {
            let fence = site.fenceLine - 1
            if table.lines[fence].terminator.isEmpty {
                // The fence ends the file without a newline: add one, and end the region without.
                table.lines[fence].terminator = eol
                newLines[newLines.count - 1].terminator = ""
            }
            table.lines.insert(contentsOf: newLines, at: fence + 1)
            return newLines.count
        }
        return 0
    }

    /// The image line under a large matrix's summary: `![heatmap of the 100×100 matrix](…)`,
    /// or of its caption when it has one.
    static func heatmapLink(shape: String, caption: String?, path: String) -> String {
        let what = caption.map { "heatmap of " + $0.replacingOccurrences(of: "\n", with: " ") }
        return "![\(escapeInline(what ?? "heatmap of the \(shape) matrix"))](\(path))"
    }

    // MARK: Markdown for one output

    static func markdown(_ item: DisplayItem) -> [String] {
        switch item {
        case .value(let v, let caption, _):
            var out: [String] = []
            if let caption {
                out.append("**" + escapeInline(caption) + "**")
                out.append("")
            }
            if case .table(let t) = v {
                return out + table(t.matrix, columns: t.columns)
            }
            if case .matrix(let m) = v {
                if ValueFormatter.isLarge(m) {
                    let s = MatrixSummary(m)
                    out.append(
                        contentsOf: textFence(
                            "\(m.shapeDescription) matrix  min \(ValueFormatter.cell(s.min))  max \(ValueFormatter.cell(s.max))  mean \(ValueFormatter.cell(s.mean))"
                        ))
                    out.append("")
                    out.append("Top-left corner:")
                    out.append("")
                    out.append(contentsOf: table(ValueFormatter.corner(m)))
                } else if !m.isEmpty {
                    out.append(contentsOf: table(m))
                } else {
                    out.append(contentsOf: textFence("(empty \(m.shapeDescription) matrix)"))
                }
                return out
            }
            out.append(contentsOf: textFence(ValueFormatter.text(v)))
            return out
        case .text(let s, _):
            return textFence(s)
        case .figure(let f, _):
            return textFence(f.summary)
        }
    }

    /// A Markdown table with column indices as the header and row indices in the first column.
    static func table(_ m: Matrix) -> [String] {
        var out = ["|   | " + (0..<m.cols).map(String.init).joined(separator: " | ") + " |"]
        out.append("|---|" + String(repeating: "---:|", count: m.cols))
        for i in 0..<m.rows {
            out.append(
                "| **\(i)** | " + (0..<m.cols).map { ValueFormatter.cell(m[i, $0]) }.joined(separator: " | ") + " |")
        }
        return out
    }

    /// A Markdown table with the given column names as its header, numbers right-aligned, each
    /// column in one style (`ColumnFormat`).
    static func table(_ m: Matrix, columns: [String]) -> [String] {
        var out = [
            "| " + columns.map { escapeInline($0).isEmpty ? " " : escapeInline($0) }.joined(separator: " | ") + " |"
        ]
        out.append("|" + String(repeating: "---:|", count: m.cols))
        for row in Table(matrix: m, columns: columns).cells {
            out.append("| " + row.joined(separator: " | ") + " |")
        }
        return out
    }

    /// Text in a fence longer than any backtick run inside it.
    static func textFence(_ text: String) -> [String] {
        var longest = 0
        var run = 0
        for c in text {
            if c == "`" {
                run += 1
                longest = max(longest, run)
            } else {
                run = 0
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [fence + "text"] + text.physicalLines.map(\.withoutCarriageReturn) + [fence]
    }

    static func escapeInline(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_[]<>#|".contains(c) { out.append("\\") }
            out.append(c == "\n" ? " " : c)
        }
        return out
    }
}
