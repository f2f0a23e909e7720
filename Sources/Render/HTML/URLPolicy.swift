/// Which URLs prose may link to or load: relative ones (`figures/a.svg`, `#fit`, `?q=x`,
/// `//host/x`) and a short list of schemes, never `javascript:`, `vbscript:` or `data:text/html`.
///
/// The check runs on the decoded attribute value with what browsers ignore removed (leading and
/// trailing spaces and control characters, tabs and line breaks anywhere), and the cleaned URL
/// is what goes into the page, so the browser sees exactly the string that was judged.
enum URLPolicy {
    /// Where a URL is used: a link may also open mail; an image may also be an inline raster.
    enum Use { case link, image, citation }

    static func allowedSchemes(_ use: Use) -> Set<String> {
        switch use {
        case .link: return ["http", "https", "mailto"]
        case .image, .citation: return ["http", "https"]
        }
    }

    /// Raster images a page may embed (cmark's own safe list); never SVG or HTML.
    static let imageDataPrefixes = ["data:image/png;", "data:image/gif;", "data:image/jpeg;", "data:image/webp;"]

    /// The cleaned URL when it is allowed for `use`, or nil.
    static func clean(_ value: String, for use: Use) -> String? {
        var scalars = Array(value.unicodeScalars)
        while let f = scalars.first, f.value <= 0x20 { scalars.removeFirst() }
        while let l = scalars.last, l.value <= 0x20 { scalars.removeLast() }
        scalars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        var url = ""
        url.unicodeScalars.append(contentsOf: scalars)
        // A scheme is whatever comes before a `:` that precedes any `/`, `?` or `#`. Anything in
        // that position that is not a known scheme is refused, even if a browser would read it
        // as a relative path (`java\0script:`): it is never worth the risk.
        guard let colon = scalars.firstIndex(where: { $0 == ":" || $0 == "/" || $0 == "?" || $0 == "#" }),
            scalars[colon] == ":"
        else { return url }
        let scheme = String(String.UnicodeScalarView(scalars[..<colon])).asciiLowercased
        if allowedSchemes(use).contains(scheme) { return url }
        if use == .image, imageDataPrefixes.contains(where: { url.asciiLowercased.hasPrefix($0) }) { return url }
        return nil
    }
}
