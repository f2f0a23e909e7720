import TangentSupport

/// The math of a whole site, typeset in one KaTeX run: every page's formulas (the index page's
/// summaries reuse their page's), with placeholders made unique per page (`P3/…` for page 3).
/// Formulas typeset by the previous render are reused from the site's math cache, so `node`
/// runs only for new ones; without node or KaTeX the pages still render, showing the TeX source.
struct SiteMath {
    /// The cache of typeset formulas in the site folder: `key(_:)` → KaTeX's HTML.
    static let cacheName = ".tangent-math.json"

    /// The pages, parsed with their math taken out.
    let pages: [PageRenderer.Prepared]
    /// Every formula of the site, its placeholder made unique.
    let spans: [MathSpan]
    /// Typeset HTML by unique placeholder, filled by `typeset(reusing:)`.
    private(set) var rendered: [String: String] = [:]
    /// Typeset HTML by `key(_:)`: the previous render's, and what `typeset(reusing:)` added.
    private(set) var cache: [String: String] = [:]

    init(pages: [PageRenderer.Prepared]) {
        self.pages = pages
        var spans: [MathSpan] = []
        for (k, page) in pages.enumerated() {
            spans += Self.unique(page.extraction.spans, prefix: "P\(k)/")
        }
        self.spans = spans
    }

    /// Typesets the formulas `previous` (the last render's cache) does not hold, in one `node`
    /// run. Returns a warning when that run failed: its formulas then show as TeX source.
    mutating func typeset(reusing previous: [String: String]) -> String? {
        cache = previous
        guard !spans.isEmpty else { return nil }
        var missing: [MathSpan] = []
        for span in spans {
            if let html = cache[Self.key(span)] {
                rendered[span.placeholder] = html
            } else {
                missing.append(span)
            }
        }
        guard !missing.isEmpty else { return nil }
        do {
            let fresh = try KaTeXRenderer.render(missing)
            for span in missing {
                guard let html = fresh[span.placeholder] else { continue }
                rendered[span.placeholder] = html
                cache[Self.key(span)] = html
            }
        } catch {
            return "math is shown as TeX source: \(error)"
        }
        return nil
    }

    /// The finished pages, their math in place, page k finished with `options[k]`.
    func finishedPages(options: [PageRenderer.Options]) -> [PageRenderer.Page] {
        pages.enumerated().map { k, page in
            var math: [String: String] = [:]
            for span in page.extraction.spans {
                math[span.placeholder] = rendered["P\(k)/" + span.placeholder]
            }
            return PageRenderer.finish(page, math: math, options: options[k])
        }
    }

    /// The cache to keep, as the file's text: only the formulas this site still uses.
    func cacheToKeep() -> String {
        var used: [String: String] = [:]
        for span in spans {
            used[Self.key(span)] = cache[Self.key(span)]
        }
        let fields = used.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }
        return JSON.object(fields).serialized(pretty: false)
    }

    /// The cache key of a formula: display mode and TeX source.
    static func key(_ span: MathSpan) -> String {
        (span.display ? "D " : "I ") + span.tex
    }

    /// Typeset formulas from the previous render of this site (empty when missing or damaged).
    static func loadCache(from site: ConfinedFolder) -> [String: String] {
        guard let data = site.read(cacheName),
            case .object(let fields)? = JSON.parse(String(decoding: data, as: UTF8.self))
        else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in fields {
            if let html = v.stringValue {
                out[k] = html
            }
        }
        return out
    }

    private static func unique(_ spans: [MathSpan], prefix: String) -> [MathSpan] {
        spans.map { span in
            var unique = span
            unique.placeholder = prefix + span.placeholder
            return unique
        }
    }
}
