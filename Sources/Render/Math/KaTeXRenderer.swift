import Foundation
import NTKCore
import TangentSupport

/// Why math could not be typeset; the description says what to install.
public enum KaTeXError: Error, Equatable, CustomStringConvertible {
    case nodeNotFound
    case katexNotFound(directory: String)
    case fontsNotFound(directory: String)
    case nodeFailed(status: Int32, message: String)
    case unreadableOutput(String)

    public var description: String {
        switch self {
        case .nodeNotFound:
            return "typesetting math needs Node.js, but neither 'node' nor 'nodejs' is on PATH; "
                + "install it with 'apt-get install nodejs'"
        case .katexNotFound(let directory):
            return "KaTeX is not installed: no katex.min.js in \(directory); install it with "
                + "'apt-get install libjs-katex' (or set \(KaTeXInstallation.environmentKey) to a KaTeX folder)"
        case .fontsNotFound(let directory):
            return "KaTeX's fonts are missing: no fonts folder in \(directory); install them with "
                + "'apt-get install libjs-katex fonts-katex'"
        case .nodeFailed(let status, let message):
            return "KaTeX failed (node exited with status \(status))" + (message.isEmpty ? "" : ": \(message)")
        case .unreadableOutput(let detail):
            return "KaTeX's output could not be read: \(detail)"
        }
    }
}

/// Where Node.js and KaTeX are: `node` on PATH, KaTeX in `TANGENT_KATEX_DIR` or Debian's
/// `libjs-katex` folder.
enum KaTeXInstallation {
    static let defaultDirectory = "/usr/share/javascript/katex"
    static let environmentKey = "TANGENT_KATEX_DIR"

    static var directory: URL {
        let custom = ProcessInfo.processInfo.environment[environmentKey] ?? ""
        return URL(fileURLWithPath: custom.isEmpty ? defaultDirectory : custom, isDirectory: true)
    }

    /// The first of `names` that exists in the KaTeX folder (symbolic links followed).
    static func file(_ names: [String]) -> URL? {
        let dir = directory
        return names.lazy.map { dir.appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func script() throws(KaTeXError) -> URL {
        guard let url = file(["katex.min.js", "katex.js"]) else { throw .katexNotFound(directory: directory.path) }
        return url
    }

    static func node() throws(KaTeXError) -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["node", "nodejs"] {
            for dir in path.split(separator: ":") where !dir.isEmpty {
                let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw .nodeNotFound
    }
}

/// Typesets TeX with KaTeX (run by Node.js at build time) and puts the HTML in place of the
/// placeholders `MathExtractor` left in the Markdown.
///
/// All formulas of a page, or of a whole site, are rendered by one `node` process, so the
/// cost of starting Node and loading KaTeX is paid once; identical formulas are rendered once.
public enum KaTeXRenderer {
    /// Whether `node` and KaTeX's `katex.min.js` can be found (nothing is run).
    public static var isAvailable: Bool {
        (try? KaTeXInstallation.node()) != nil && (try? KaTeXInstallation.script()) != nil
    }

    /// Renders every span in one `node` run. Returns placeholder → HTML (KaTeX's `htmlAndMathml`
    /// output; a formula KaTeX cannot parse becomes a red `katex-error` span showing its source).
    /// Placeholders are opaque keys here, so callers may make them unique across pages.
    /// Throws `KaTeXError` when Node.js or KaTeX is missing or the run fails.
    public static func render(_ spans: [MathSpan]) throws -> [String: String] {
        guard !spans.isEmpty else { return [:] }
        var slots: [Formula: Int] = [:]
        var formulas: [Formula] = []
        var slotOfSpan: [Int] = []
        slotOfSpan.reserveCapacity(spans.count)
        for span in spans {
            let formula = Formula(tex: span.tex, display: span.display)
            if let slot = slots[formula] {
                slotOfSpan.append(slot)
            } else {
                slots[formula] = formulas.count
                slotOfSpan.append(formulas.count)
                formulas.append(formula)
            }
        }
        let html = try render(formulas)
        var result: [String: String] = [:]
        for (k, span) in spans.enumerated() { result[span.placeholder] = html[slotOfSpan[k]] }
        return result
    }

    /// Replaces the placeholders in cmark's HTML with the rendered math.
    ///
    /// - A paragraph that holds nothing but one display formula loses its `<p>`, so the
    ///   formula's block (`katex-display`) is not nested in a paragraph's margins.
    /// - Where markup cannot hold markup (attribute values such as an image's `alt`, `<title>`,
    ///   `<textarea>`, `<script>`, `<style>`, comments), the placeholder becomes the escaped
    ///   TeX source in its delimiters instead.
    /// - Text that merely looks like a placeholder but is not a key is left alone.
    public static func substitute(_ html: String, _ rendered: [String: String]) -> String {
        guard !rendered.isEmpty else { return html }
        var shaped: [String: String] = [:]
        var others: [(String, String)] = []
        for (key, value) in rendered {
            if PlaceholderSubstitution.isPlaceholder(key) { shaped[key] = value } else { others.append((key, value)) }
        }
        var result = html
        if !shaped.isEmpty {
            var pass = PlaceholderSubstitution(html: html, rendered: shaped)
            result = pass.run()
        }
        // Keys not made by MathExtractor: plain replacement, longest first.
        for (key, value) in others.sorted(by: { $0.0.count > $1.0.count }) where !key.isEmpty {
            result = result.replacingOccurrences(of: key, with: value)
        }
        return result
    }

    // MARK: The node run

    struct Formula: Codable, Hashable {
        var tex: String
        var display: Bool
    }

    private struct Request: Encodable {
        var katex: String
        var items: [Formula]
    }

    /// The HTML for each formula, in order, from one `node` process.
    static func render(_ formulas: [Formula]) throws(KaTeXError) -> [String] {
        guard !formulas.isEmpty else { return [] }
        let node = try KaTeXInstallation.node()
        let script = try KaTeXInstallation.script()
        let input: Data
        do { input = try JSONEncoder().encode(Request(katex: script.path, items: formulas)) }
        catch { throw .unreadableOutput("cannot encode the formulas: \(error)") }
        let output = try run(node, arguments: ["-e", KaTeXScript.source], input: input)
        let html: [String]
        do { html = try JSONDecoder().decode([String].self, from: output) }
        catch { throw .unreadableOutput("\(output.count) bytes that are not a JSON array of strings") }
        guard html.count == formulas.count else {
            throw .unreadableOutput("\(html.count) results for \(formulas.count) formulas")
        }
        return html
    }

    /// The scratch folders of `run` are `tangent-katex-<pid>-<UUID>` in the system temp folder
    /// (`TemporaryName.scratchFolder`), so a later run can tell a killed run's leftovers.
    static let scratchPrefix = "tangent-katex-"

    /// Removes the scratch folders that runs killed without warning left in the system temp
    /// folder (`StaleTemporaryFiles`); a live run's folders are kept. Returns their paths.
    @discardableResult
    public static func removeStaleScratchFolders() -> [String] {
        StaleTemporaryFiles.sweepScratchFolders(prefix: scratchPrefix, in: FileManager.default.temporaryDirectory.path)
    }

    /// Runs a program with `input` on stdin and returns its stdout. stdin and stderr are
    /// temporary files, so no pipe can fill up and block either side.
    private static func run(_ executable: URL, arguments: [String], input: Data) throws(KaTeXError) -> Data {
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent(TemporaryName.scratchFolder(prefix: scratchPrefix))
        do {
            try files.createDirectory(at: scratch, withIntermediateDirectories: true)
            TemporaryFiles.track(folder: scratch.path)
            defer {
                try? files.removeItem(at: scratch)
                TemporaryFiles.untrack(folder: scratch.path)
            }
            let inputURL = scratch.appendingPathComponent("input.json")
            let errorURL = scratch.appendingPathComponent("stderr.txt")
            try input.write(to: inputURL)
            guard files.createFile(atPath: errorURL.path, contents: nil) else {
                throw KaTeXError.nodeFailed(status: -1, message: "cannot create \(errorURL.path)")
            }
            let stdin = try FileHandle(forReadingFrom: inputURL)
            let stderr = try FileHandle(forWritingTo: errorURL)
            defer {
                try? stdin.close()
                try? stderr.close()
            }
            let stdout = Pipe()
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                let message = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
                throw KaTeXError.nodeFailed(status: process.terminationStatus, message: lastLines(message, 8))
            }
            return output
        } catch let error as KaTeXError {
            throw error
        } catch {
            throw .nodeFailed(status: -1, message: "cannot run \(executable.path): \(error)")
        }
    }

    private static func lastLines(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).suffix(n).joined(separator: "\n")
    }
}

/// One pass over an HTML document that puts rendered math in place of the placeholders,
/// aware of where markup is allowed (see `KaTeXRenderer.substitute`).
private struct PlaceholderSubstitution {
    let h: [UInt8]
    let rendered: [String: String]
    var out: [UInt8] = []
    /// Lower-case name of the raw-text or escapable element we are in (`title`, `script`…).
    var rawTextElement: [UInt8]?

    static let stem = Array(MathExtractor.placeholderStem.utf8)
    static let rawTextElements: [[UInt8]] = ["title", "textarea", "script", "style"].map { Array($0.utf8) }
    static let displayPrefix = Array(#"<span class="katex-display""#.utf8)
    static let paragraphOpen = Array("<p>".utf8)
    static let paragraphClose = Array("</p>".utf8)

    init(html: String, rendered: [String: String]) {
        h = Array(html.utf8)
        self.rendered = rendered
        out.reserveCapacity(h.count * 2)
    }

    /// Whether `key` has the shape MathExtractor gives placeholders: stem, `[A-Z]*x[0-9]+x`.
    static func isPlaceholder(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let end = placeholderEnd(bytes, at: 0) else { return false }
        return end == bytes.count
    }

    /// The end of a placeholder starting at `i`, if one does.
    static func placeholderEnd(_ b: [UInt8], at i: Int) -> Int? {
        guard i + stem.count + 3 <= b.count else { return nil }
        for k in 0..<stem.count where b[i + k] != stem[k] { return nil }
        var j = i + stem.count
        while j < b.count, b[j] >= UInt8(ascii: "A"), b[j] <= UInt8(ascii: "Z") { j += 1 }
        guard j < b.count, b[j] == UInt8(ascii: "x") else { return nil }
        j += 1
        let digits = j
        while j < b.count, MathASCII.isDigit(b[j]) { j += 1 }
        guard j > digits, j < b.count, b[j] == UInt8(ascii: "x") else { return nil }
        return j + 1
    }

    mutating func run() -> String {
        var i = 0
        while i < h.count {
            let c = h[i]
            if c == MathASCII.less {
                if let raw = rawTextElement {
                    guard closesElement(raw, at: i) else {
                        out.append(c)
                        i += 1
                        continue
                    }
                    rawTextElement = nil
                }
                if let end = markupEnd(at: i) {
                    appendWithSourceText(i..<end)
                    if let name = rawTextElementOpened(at: i, end: end) { rawTextElement = name }
                    i = end
                } else {
                    out.append(c)
                    i += 1
                }
                continue
            }
            if c == Self.stem[0], let end = Self.placeholderEnd(h, at: i),
               let value = rendered[String(decoding: h[i..<end], as: UTF8.self)] {
                if rawTextElement != nil {
                    out.append(contentsOf: Self.sourceText(value).utf8)
                } else if value.utf8.starts(with: Self.displayPrefix), out.ends(with: Self.paragraphOpen),
                          h[end...].starts(with: Self.paragraphClose) {
                    out.removeLast(Self.paragraphOpen.count)
                    out.append(contentsOf: value.utf8)
                    i = end + Self.paragraphClose.count
                    continue
                } else {
                    out.append(contentsOf: value.utf8)
                }
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Copies a tag or comment, with its placeholders as TeX source text.
    private mutating func appendWithSourceText(_ range: Range<Int>) {
        var i = range.lowerBound
        while i < range.upperBound {
            if h[i] == Self.stem[0], let end = Self.placeholderEnd(h, at: i), end <= range.upperBound,
               let value = rendered[String(decoding: h[i..<end], as: UTF8.self)] {
                out.append(contentsOf: Self.sourceText(value).utf8)
                i = end
            } else {
                out.append(h[i])
                i += 1
            }
        }
    }

    /// The end of the comment, tag, declaration or processing instruction at `i`; nil when
    /// the `<` is text.
    private func markupEnd(at i: Int) -> Int? {
        guard i + 1 < h.count else { return nil }
        if h[i...].starts(with: "<!--".utf8) {
            var j = i + 4
            while j + 3 <= h.count {
                if h[j] == MathASCII.minus, h[j + 1] == MathASCII.minus, h[j + 2] == MathASCII.greater { return j + 3 }
                j += 1
            }
            return h.count
        }
        let next = h[i + 1]
        guard MathASCII.isLetter(next) || next == MathASCII.slash || next == MathASCII.bang || next == MathASCII.question
        else { return nil }
        var quote: UInt8?
        var j = i + 1
        while j < h.count {
            let c = h[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == MathASCII.doubleQuote || c == MathASCII.singleQuote {
                quote = c
            } else if c == MathASCII.greater {
                return j + 1
            }
            j += 1
        }
        return h.count
    }

    /// The lower-case name when the tag at `i..<end` opens a raw-text or escapable element.
    private func rawTextElementOpened(at i: Int, end: Int) -> [UInt8]? {
        guard MathASCII.isLetter(h[i + 1]), end >= 2, h[end - 2] != MathASCII.slash else { return nil }
        var j = i + 1
        var name: [UInt8] = []
        while j < end, MathASCII.isLetter(h[j]) || MathASCII.isDigit(h[j]) {
            name.append(h[j] | 0x20)
            j += 1
        }
        return Self.rawTextElements.contains(name) ? name : nil
    }

    /// Whether `</name` (any case), followed by a space, `/` or `>`, starts at `i`.
    private func closesElement(_ name: [UInt8], at i: Int) -> Bool {
        let end = i + 2 + name.count
        guard end < h.count, h[i + 1] == MathASCII.slash else { return false }
        for k in 0..<name.count where h[i + 2 + k] | 0x20 != name[k] { return false }
        return MathASCII.isSpace(h[end]) || h[end] == MathASCII.greater || h[end] == MathASCII.slash
    }

    /// Escaped TeX source in its delimiters, recovered from rendered HTML: KaTeX's TeX
    /// annotation, the text of its error span, or else the text content of `html`.
    static func sourceText(_ html: String) -> String {
        let display = html.hasPrefix(#"<span class="katex-display""#)
        let open = #"<annotation encoding="application/x-tex">"#
        if let start = html.range(of: open), let end = html.range(of: "</annotation>", range: start.upperBound..<html.endIndex) {
            let tex = String(html[start.upperBound..<end.lowerBound])
            return display ? "$$\(tex)$$" : "$\(tex)$"
        }
        if html.hasPrefix(#"<span class="katex-error""#), let start = html.firstIndex(of: ">"),
           let end = html.range(of: "</span>", options: .backwards), start < end.lowerBound {
            return "$" + html[html.index(after: start)..<end.lowerBound] + "$"
        }
        var text = ""
        var inTag = false
        for ch in html.unicodeScalars {
            switch ch {
            case "<": inTag = true
            case ">" where inTag: inTag = false
            case _ where inTag: break
            case "\"": text += "&quot;"
            case "'": text += "&#39;"
            case ">": text += "&gt;"
            default: text.unicodeScalars.append(ch)
            }
        }
        return text
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
