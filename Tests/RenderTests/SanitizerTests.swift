import Foundation
import Testing

@testable import Notebook
@testable import Render

/// Prose HTML from untrusted notebooks: hostile inputs (after OWASP's XSS filter evasion cheat
/// sheet) must come out with nothing that runs, harmless GitHub-style HTML must come out as cmark
/// wrote it. The output is checked by `ScriptFinder`, a separate, deliberately blunt reading of
/// HTML that shares no code with the sanitizer.
@Suite struct SanitizerTests {
    static let hostile: [String] = [
        "<script>document.title='pwned'</script>",
        "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">newline</a>",
        "<a href=\"jav&#x0D;ascript:alert(1)\">return</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;\">decimal</a>",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">padded</a>",
        "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29\">hex</a>",
        "<a href=\" &#14;  javascript:alert('XSS');\">leading junk</a>",
        "<a href=\"javascript&colon;alert(1)\">colon entity</a>",
        "<a href=\"java&Tab;script:alert(1)\">Tab entity</a>",
        "<a href=\"java\tscript:alert(1)\">raw tab</a>",
        "<a href=\"java\u{1}script:alert(1)\">control</a>",
        "<a href=\"  JaVaScRiPt:alert(1)\">case</a>",
        "<a href=javascript:alert(1)>unquoted</a>",
        "<a href = 'javascript:alert(1)'>spaced, single quotes</a>",
        "<a/href=\"javascript:alert(1)\">slash</a>",
        "<a\nhref=\"javascript:alert(1)\">newline before</a>",
        "<a href=\"javascript:alert(1)\" href=\"https://example.org\">first wins</a>",
        "<a href=\"vbscript:msgbox(1)\">vb</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](&#106;avascript:alert(1))",
        "![img](javascript:alert(1))",
        "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[x]: javascript:alert(1)\n\n[reference][x]",
        "<javascript:alert(1)>",
        "text <img src=x onerror=alert(1)> inline",
        "a <a href=\"javascript:alert(1)\">b</a> c",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<style>@import 'javascript:alert(1)';</style>",
        "<div style=\"background-image: url(javascript:alert(1))\">styled</div>",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<button formaction=\"javascript:alert(1)\">go</button>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<a href=\"#\" onclick=\"alert(1)\">click</a>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
        "<img src=\"x\" alt=\"a\" / onerror=alert(1)>",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        "<base href=\"javascript:alert(1)//\">",
        "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<textarea><script>alert(1)</script></textarea>",
        "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<marquee onstart=alert(1)>scroll</marquee>",
        "<plaintext><img src=x onerror=alert(1)>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<template><img src=x onerror=alert(1)></template>",
        "<a href=\"javascript:alert(1)\">unclosed <b>bold",
        "<img src=\"x\" onerror=\"alert(1)\""
    ]

    @Test func hostileInputsRunNothing() throws {
        #expect(SanitizerTests.hostile.count >= 40)
        for (k, markdown) in SanitizerTests.hostile.enumerated() {
            let html = PageRenderer.proseHTML(markdown, unsafeHTML: false)
            let problems = ScriptFinder.problems(in: html, allowedTags: ScriptFinder.proseTags)
            #expect(
                problems.isEmpty, "input \(k): \(markdown.debugDescription)\n→ \(html.debugDescription)\n\(problems)")
            // cmark already turns some of these into text (`<a/href=…>`); the sanitizer must also
            // stand on its own, so each input is given to it as HTML too.
            let direct = HTMLSanitizer.sanitize(markdown)
            let directProblems = ScriptFinder.problems(in: direct, allowedTags: ScriptFinder.proseTags)
            #expect(
                directProblems.isEmpty,
                "input \(k) as HTML: \(markdown.debugDescription)\n→ \(direct.debugDescription)\n\(directProblems)")
        }
    }

    @Test func theCheckerSeesTheAttacksWithoutTheSanitizer() throws {
        // Unsanitised, every input is caught, unless cmark itself wrote it out as text: the
        // checker is not blind, so its silence above means something.
        for markdown in SanitizerTests.hostile {
            let unsafe = PageRenderer.proseHTML(markdown, unsafeHTML: true)
            let caught = !ScriptFinder.problems(in: unsafe, allowedTags: ScriptFinder.proseTags).isEmpty
            let escapedByCmark = unsafe.hasPrefix("<p>&lt;")
            #expect(caught || escapedByCmark, "\(markdown.debugDescription) → \(unsafe.debugDescription)")
            let direct = !ScriptFinder.problems(in: markdown, allowedTags: ScriptFinder.proseTags).isEmpty
            #expect(
                direct || markdown.hasPrefix("[") || markdown.hasPrefix("![") || !markdown.contains(">"),
                "as HTML: \(markdown.debugDescription)")
        }
    }

    static let harmless: [String] = [
        "# Title\n\nSome *emphasis*, **strong** and `code`.\n",
        "- a\n- b\n\n1. one\n2. two\n",
        "> a quote\n> on two lines\n",
        "```python\nprint('x')\n```\n",
        "[link](https://example.org/a?b=1&c=2 \"a title\") and [mail](mailto:a@example.org)\n",
        "[relative](../other.md#section), [fragment](#results) and [query](?q=kernel)\n",
        "![a plot](figures/plot.svg) and ![remote](https://example.org/a.png)\n",
        "![dot](data:image/png;base64,iVBORw0KGgo=)\n",
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n",
        "H<sub>2</sub>O and x<sup>2</sup>; press <kbd>Ctrl</kbd>+<kbd>C</kbd>\n",
        "line one<br>line two<br />line three\n",
        "<img src=\"https://example.org/a.png\" alt=\"logo\" width=\"100\" height=\"50\">\n",
        "<div align=\"center\">\n\n**centred**\n\n</div>\n",
        "<table>\n<thead><tr><th align=\"left\">a</th></tr></thead>\n<tbody><tr><td colspan=\"2\">1</td></tr></tbody>\n</table>\n",
        "<a href=\"https://example.org\" title=\"x\">raw link</a> and <a href=\"#fit\">jump</a>\n",
        "<dl><dt>term</dt><dd>definition</dd></dl>\n",
        "a < b and c > d & e, 5 &lt; 6 &copy; 2026\n",
        "hard  \nbreak\n\n***\n",
        "<ins>new</ins> <del>old</del> <mark>hi</mark> <s>gone</s>\n",
        "<p align=\"right\">right</p>\n",
        "<ol start=\"3\" type=\"a\"><li>x</li></ol>\n",
        "<blockquote cite=\"https://example.org\">q</blockquote>\n",
        "<abbr title=\"neural tangent kernel\">NTK</abbr> and <q>quoted</q>\n",
        "Unicode: θ = ∑ σ², “quotes” — dash\n"
    ]

    @Test func harmlessHTMLSurvivesUnchanged() {
        for markdown in SanitizerTests.harmless {
            let unsafe = PageRenderer.proseHTML(markdown, unsafeHTML: true)
            #expect(PageRenderer.proseHTML(markdown, unsafeHTML: false) == unsafe, "\(markdown.debugDescription)")
        }
    }

    @Test func theTutorialsProseIsUnchanged() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("notebooks")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
            .sorted()
        #expect(names.count >= 10)
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let (markdown, _) = PageRenderer.markdownWithBlockPlaceholders(try Notebook.parse(text, path: name))
            let prose = MathExtractor.extract(markdown).markdown
            #expect(
                PageRenderer.proseHTML(prose, unsafeHTML: false) == PageRenderer.proseHTML(prose, unsafeHTML: true),
                "\(name)")
        }
    }

    @Test func disallowedTagsAreRemovedScriptsWithTheirContent() {
        func clean(_ html: String) -> String { HTMLSanitizer.sanitize(html) }
        #expect(clean("<p>a<script>alert(1)</script>b</p>") == "<p>ab</p>")
        #expect(clean("<p>a<style>p{}</style><iframe src=x>frame</iframe>b</p>") == "<p>ab</p>")
        #expect(clean("<svg><g><svg></svg><text>t</text></g></svg>after") == "after")
        #expect(clean("<font color=red>kept</font> <center>text</center>") == "kept text")
        #expect(clean("<p>a<!-- note -->b</p>") == "<p>ab</p>")
        // A tag the input never closes goes alone; what follows is sanitised as usual.
        #expect(clean("<textarea><b>bold</b>") == "<b>bold</b>")
        #expect(clean("<svg><img src=x onerror=alert(1)>") == "<img src=\"x\">")
        // A tag cut off by the end of the input is dropped, as browsers do.
        #expect(clean("<p>x</p><img src=\"y\" onerror=\"z") == "<p>x</p>")
    }

    @Test func linksAndImagesKeepTheirTextButLoseBadURLs() {
        #expect(PageRenderer.proseHTML("[click](javascript:alert(1))", unsafeHTML: false) == "<p><a>click</a></p>\n")
        #expect(PageRenderer.proseHTML("![alt](vbscript:x)", unsafeHTML: false) == "<p><img alt=\"alt\" /></p>\n")
        #expect(
            HTMLSanitizer.sanitize("<a href=\"https://a.example\" href=\"javascript:x\">t</a>")
                == "<a href=\"https://a.example\">t</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"javascript:x\" href=\"https://a.example\">t</a>") == "<a>t</a>")
    }

    @Test func urlsAreJudgedAsTheBrowserReadsThem() {
        #expect(URLPolicy.clean(" https://a.example/x ", for: .link) == "https://a.example/x")
        #expect(URLPolicy.clean("ht\ntps://a.example", for: .link) == "https://a.example")
        #expect(URLPolicy.clean("\u{1}java\tscript:alert(1)", for: .link) == nil)
        #expect(URLPolicy.clean("mailto:a@example.org", for: .link) == "mailto:a@example.org")
        #expect(URLPolicy.clean("mailto:a@example.org", for: .image) == nil)
        #expect(URLPolicy.clean("data:image/png;base64,AAAA", for: .image) == "data:image/png;base64,AAAA")
        #expect(URLPolicy.clean("data:image/png;base64,AAAA", for: .link) == nil)
        #expect(URLPolicy.clean("data:image/svg+xml,<svg/>", for: .image) == nil)
        #expect(URLPolicy.clean("a/b:c", for: .link) == "a/b:c")
        #expect(URLPolicy.clean("file:///etc/passwd", for: .link) == nil)
        #expect(
            HTMLEntities.decode("jav&#x09;ascript&colon;&#0000106;&#x110000;&amp", inAttribute: true)
                == "jav\tascript:j\u{FFFD}&")
        #expect(HTMLEntities.decode("&ampx &amp=", inAttribute: true) == "&ampx &amp=")
        #expect(HTMLEntities.decode("&ampx", inAttribute: false) == "&x")
        #expect(HTMLEntities.decode("&#x80;&unknown;", inAttribute: true) == "€&unknown;")
    }

    @Test func unknownEntitiesReachTheBrowserAsWritten() {
        // `&foo;` is not decoded, so its `&` is escaped: the browser sees the same literal text.
        #expect(
            HTMLSanitizer.sanitize("<a href=\"javascript&foo;alert(1)\">x</a>")
                == "<a href=\"javascript&amp;foo;alert(1)\">x</a>")
    }

    @Test func aBlockTokenInsideATagStaysText() {
        let html = PageRenderer.insertBlocks(
            "<p title=\"TANGENTBLOCKx0x\">TANGENTBLOCKx0x</p>", ["TANGENTBLOCKx0x": "<section>b</section>"])
        #expect(html == "<p title=\"TANGENTBLOCKx0x\"><section>b</section></p>")
    }

    /// Random soup of HTML pieces (seeded, so a failure repeats): nothing that runs ever comes
    /// out, and sanitising the output again changes nothing, i.e. the output reads back exactly
    /// as the sanitizer wrote it, which is what makes rebuilding safe.
    @Test func randomMarkupNeverRunsAndIsAFixedPoint() {
        let pieces = [
            "<", ">", "</", "/>", "\"", "'", "=", " ", "\t", "\n", "<!--", "-->", "--!>", "<!", "<?", "&", "&#", ";",
            "x", "1", "a", "img", "script", "svg", "style", "textarea", "iframe", "details", "b", "p", "br",
            "href", "src", "onerror", "onload", "style", "open", "alt", "title", "javascript:", "JaVa", "script:",
            "&#x09;", "&#106;", "&colon;", "&Tab;", "&amp;", "&quot;", "alert(1)", "data:text/html,", "#", "//",
            "https://e.example/", "vbscript:", "\u{1}", "θ", "<a href=", "<img src=", "<script>", "</script>"
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
        for _ in 0..<3000 {
            let html = (0..<(1 + random(40))).map { _ in pieces[random(pieces.count)] }.joined()
            let clean = HTMLSanitizer.sanitize(html)
            let problems = ScriptFinder.problems(in: clean, allowedTags: ScriptFinder.proseTags)
            #expect(problems.isEmpty, "\(html.debugDescription) → \(clean.debugDescription): \(problems)")
            #expect(HTMLSanitizer.sanitize(clean) == clean, "\(html.debugDescription) → \(clean.debugDescription)")
            if !problems.isEmpty || HTMLSanitizer.sanitize(clean) != clean { break }
        }
    }

    @Test func manyUnclosedTagsStayLinear() {
        // Each unclosed raw-text or dropped element would rescan the rest: 20 000 of each.
        let html = String(repeating: "<svg><textarea><object>", count: 20_000) + "end"
        #expect(HTMLSanitizer.sanitize(html) == "end")
    }
}

/// A blunt, independent reading of HTML for anything that could run: it does not share the
/// sanitizer's tokenizer, only looks for the shapes of tags, attributes and URLs.
enum ScriptFinder {
    /// The tags GitHub's sanitizer keeps in prose (html-pipeline's allow-list, trimmed).
    static let proseTags: Set<String> = [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "wbr", "div", "span", "a", "img", "b", "i", "u", "s",
        "strike", "strong", "em", "tt", "code", "pre", "kbd", "samp", "var", "mark", "small", "sub", "sup", "ins",
        "del", "q", "cite", "dfn", "abbr", "bdo", "time", "ruby", "rt", "rp", "blockquote", "ol", "ul", "li", "dl",
        "dt", "dd", "details", "summary", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "td", "th", "section"
    ]

    static let forbiddenTags = [
        "script", "iframe", "object", "embed", "applet", "frame", "frameset", "base", "form",
        "style", "link", "template", "math", "svg", "button", "input", "textarea"
    ]
    static let urlAttributes: Set<String> = [
        "href", "src", "action", "formaction", "xlink:href", "data", "srcdoc",
        "background", "poster", "cite", "lowsrc", "dynsrc", "codebase", "content"
    ]

    /// What is wrong with `html`, empty when nothing in it can run. `allowedTags` nil: any tag
    /// name not forbidden may appear (a whole page has its own layout tags).
    static func problems(in html: String, allowedTags: Set<String>?, ownScripts: Set<String> = []) -> [String] {
        var found: [String] = []
        let lower = html.lowercased()
        for tag in forbiddenTags where lower.contains("<" + tag) {
            if tag == "script" || tag == "svg" || tag == "link" || tag == "input" { continue }  // checked per tag below
            found.append("a <\(tag)> tag")
        }
        let tagPattern = try! NSRegularExpression(pattern: "<(/?)([a-zA-Z][^\\s/>]*)([^>]*)>")
        let attributePattern = try! NSRegularExpression(
            pattern: "([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?")
        let ns = html as NSString
        for match in tagPattern.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let whole = ns.substring(with: match.range)
            let name = ns.substring(with: match.range(at: 2)).lowercased()
            if ns.substring(with: match.range(at: 1)) == "/" { continue }
            if let allowed = allowedTags, !allowed.contains(name) { found.append("tag <\(name)> in \(whole)") }
            if name == "script" && !ownScripts.contains(whole) { found.append("a script: \(whole)") }
            if name == "meta", whole.lowercased().contains("http-equiv"),
                !whole.contains("http-equiv=\"Content-Security-Policy\"")
            {
                found.append("a meta http-equiv: \(whole)")
            }
            let rest = ns.substring(with: match.range(at: 3))
            let restNS = rest as NSString
            for a in attributePattern.matches(in: rest, range: NSRange(location: 0, length: restNS.length)) {
                let attribute = restNS.substring(with: a.range(at: 1)).lowercased()
                var value: String?
                for g in 2...4 where a.range(at: g).location != NSNotFound {
                    value = restNS.substring(with: a.range(at: g))
                }
                if attribute.hasPrefix("on") { found.append("handler \(attribute) in \(whole)") }
                if attribute == "style" { found.append("style in \(whole)") }
                if urlAttributes.contains(attribute), let v = value, dangerous(v) {
                    found.append("URL \(v) in \(whole)")
                }
            }
            // Whatever the attribute reading missed: a handler outside quoted values.
            let unquoted = rest.replacingOccurrences(of: "\"[^\"]*\"", with: "", options: .regularExpression)
            if unquoted.range(of: "(^|[\\s/])on[a-z]+\\s*=", options: [.regularExpression, .caseInsensitive]) != nil {
                found.append("handler in \(whole)")
            }
        }
        return found
    }

    /// A URL that runs or renders script: `javascript:`, `vbscript:`, or `data:` that is not a
    /// raster image, after decoding character references and dropping spaces and controls.
    static func dangerous(_ value: String) -> Bool {
        var v = value
        for (entity, char) in [
            ("&colon;", ":"), ("&tab;", ""), ("&newline;", ""), ("&amp;", "&"), ("&quot;", "\""),
            ("&lt;", "<"), ("&gt;", ">")
        ] {
            v = v.replacingOccurrences(of: entity, with: char, options: .caseInsensitive)
        }
        let numeric = try! NSRegularExpression(pattern: "&#(x?)([0-9a-fA-F]+);?")
        while let m = numeric.firstMatch(in: v, range: NSRange(location: 0, length: (v as NSString).length)) {
            let ns = v as NSString
            let hex = ns.substring(with: m.range(at: 1)).lowercased() == "x"
            let code =
                UInt32(ns.substring(with: m.range(at: 2)), radix: hex ? 16 : 10).flatMap(Unicode.Scalar.init) ?? " "
            v = ns.replacingCharacters(in: m.range, with: String(Character(code)))
        }
        // Backticks too: old Internet Explorer read them as quotes.
        let squeezed = String(String.UnicodeScalarView(v.unicodeScalars.filter { $0.value > 0x20 && $0 != "`" }))
            .lowercased()
        // A scheme counts at the start of the URL, or after `url=` (a refresh's target).
        let starts = [squeezed] + squeezed.components(separatedBy: "url=").dropFirst()
        for url in starts {
            if url.hasPrefix("javascript:") || url.hasPrefix("vbscript:") { return true }
            if url.hasPrefix("data:"),
                !["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"].contains(where: {
                    url.hasPrefix($0)
                })
            {
                return true
            }
        }
        return false
    }
}
