import Foundation
import NTKCore
import TangentSupport

/// KaTeX's stylesheet and fonts, copied into a site so typeset math displays offline.
///
/// Files are copied as regular files (Debian's `fonts` folder is a symbolic link into
/// `/usr/share/fonts`), only the woff2 fonts when there are any, with the stylesheet's
/// `@font-face` rules trimmed to the fonts that were copied, so it names no missing file.
package enum KaTeXAssets {
    /// Where `install` puts the stylesheet, relative to the site folder.
    package static var stylesheetPath: String { "assets/katex/katex.min.css" }

    /// The folder `install` fills, relative to the site folder.
    package static var directoryPath: String { "assets/katex" }

    /// The stylesheet's `href` for a page at `pagePath` (relative to the site folder, such as
    /// `guide/intro.html`): one `../` per folder the page is in.
    package static func stylesheetHref(forPageAt pagePath: String) -> String {
        let depth = pagePath.split(separator: "/", omittingEmptySubsequences: true).count - 1
        return String(repeating: "../", count: max(depth, 0)) + stylesheetPath
    }

    /// Copies `katex.min.css`, `fonts/` and the copyright notice into `<directory>/assets/katex/`.
    /// Existing files there are replaced; nothing else is removed.
    package static func install(into directory: URL) throws {
        try install(into: ConfinedFolder(directory))
    }

    /// `install(into:)` for a site folder opened by `SiteBuilder`: every file is written by a
    /// confined walk, so a symbolic link planted at `assets`, `assets/katex`, `fonts` or a
    /// file's name never sends a copy out of the site (a link at a name is replaced).
    package static func install(into site: ConfinedFolder) throws {
        let files = FileManager.default
        let source = KaTeXInstallation.directory
        guard let stylesheet = KaTeXInstallation.file(["katex.min.css", "katex.css"]) else {
            throw KaTeXError.katexNotFound(directory: source.path)
        }
        let fontsSource = source.appendingPathComponent("fonts").resolvingSymlinksInPath()
        let available = ((try? files.contentsOfDirectory(atPath: fontsSource.path)) ?? [])
            .filter { fontExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
        guard !available.isEmpty else { throw KaTeXError.fontsNotFound(directory: source.path) }
        let woff2 = available.filter { $0.lowercased().hasSuffix(".woff2") }
        let fonts = woff2.isEmpty ? available : woff2

        for font in fonts {
            try copyContents(
                of: fontsSource.appendingPathComponent(font), to: directoryPath + "/fonts/" + font, in: site)
        }
        let css = try String(contentsOf: stylesheet, encoding: .utf8)
        try site.write(Data(keepingFonts(Set(fonts), in: css).utf8), to: stylesheetPath)
        if let notice = copyrightNotice(near: source) {
            try copyContents(of: notice, to: directoryPath + "/COPYRIGHT", in: site)
        }
    }

    static let fontExtensions: Set<String> = ["woff2", "woff", "ttf", "otf", "eot"]

    /// The file's bytes (symbolic links followed) written as a regular file.
    private static func copyContents(of source: URL, to destination: String, in site: ConfinedFolder) throws {
        try site.write(Data(contentsOf: source), to: destination)
    }

    /// KaTeX's license terms (MIT code, OFL/MIT fonts) travel with the copied files.
    private static func copyrightNotice(near source: URL) -> URL? {
        let candidates = [
            source.appendingPathComponent("LICENSE"),
            URL(fileURLWithPath: "/usr/share/doc/libjs-katex/copyright"),
            URL(fileURLWithPath: "/usr/share/doc/fonts-katex/copyright")
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The stylesheet with each `src:` list of an `@font-face` rule reduced to the
    /// `url(fonts/…)` entries whose file is in `kept` (a list that would be left empty is kept).
    static func keepingFonts(_ kept: Set<String>, in css: String) -> String {
        var out = ""
        var rest = Substring(css)
        while let src = rest.range(of: "src:") {
            out += rest[..<src.upperBound]
            rest = rest[src.upperBound...]
            let end = rest.firstIndex { $0 == ";" || $0 == "}" } ?? rest.endIndex
            let entries = rest[..<end].split(separator: ",", omittingEmptySubsequences: false)
            let kept = entries.filter { entry in
                guard let file = fontFile(in: entry) else { return true }
                return kept.contains(file)
            }
            out += (kept.isEmpty ? entries : kept).joined(separator: ",")
            rest = rest[end...]
        }
        return out + rest
    }

    /// `KaTeX_Main-Regular.woff2` for an entry `url(fonts/KaTeX_Main-Regular.woff2) format('woff2')`.
    private static func fontFile(in entry: Substring) -> String? {
        guard let open = entry.range(of: "url("), let close = entry[open.upperBound...].firstIndex(of: ")") else {
            return nil
        }
        let url = entry[open.upperBound..<close].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        guard url.hasPrefix("fonts/") else { return nil }
        return String(url.dropFirst("fonts/".count))
    }
}
