import CommonMark
import Foundation
import TestSupport
import Testing

@testable import Render

/// The TeX of each span, marked `D:` for display math.
private func formulas(_ markdown: String) -> [String] {
    MathExtractor.extract(markdown).spans.map { ($0.display ? "D:" : "") + $0.tex }
}

/// Extracts, checks the round trip, and returns the extraction.
private func extracted(_ markdown: String, sourceLocation: SourceLocation = #_sourceLocation) -> MathExtraction {
    let e = MathExtractor.extract(markdown)
    #expect(e.restored == markdown, "round trip", sourceLocation: sourceLocation)
    for span in e.spans {
        #expect(
            span.placeholder.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, sourceLocation: sourceLocation)
    }
    return e
}

@Suite struct MathExtractorTests {
    @Test func inlineMath() {
        let e = extracted("The kernel $K(x, x')$ is positive.\n")
        #expect(e.markdown == "The kernel TANGENTMATHx0001x is positive.\n")
        #expect(e.spans == [MathSpan(placeholder: "TANGENTMATHx0001x", tex: "K(x, x')", display: false)])
        #expect(e.spans[0].source == "$K(x, x')$")
    }

    @Test func displayMathOverSeveralLines() {
        let text = "Before\n\n$$\nK = \\Theta^{(L)}\n  \\quad \\text{for all } x\n$$\n\nAfter $y$\n"
        let e = extracted(text)
        #expect(e.markdown == "Before\n\nTANGENTMATHx0001x\n\nAfter TANGENTMATHx0002x\n")
        #expect(formulas(text) == ["D:K = \\Theta^{(L)}\n\\quad \\text{for all } x", "y"])
        #expect(formulas("We get $$a + b$$ inline.") == ["D:a + b"])
    }

    @Test func displayMathRunsOverLinesThatLookLikeBlocks() {
        // `+ \sigma_b^2` would start a list item, `# 2` a heading: both stay TeX.
        let text = "$$\n\\Sigma = \\sigma_w^2 K\n+ \\sigma_b^2\n$$\n\ntext\n"
        let e = extracted(text)
        #expect(formulas(text) == ["D:\\Sigma = \\sigma_w^2 K\n+ \\sigma_b^2"])
        #expect(CommonMarkHTML.render(e.markdown) == "<p>TANGENTMATHx0001x</p>\n<p>text</p>\n")
        // A blank line ends the search: the dollars stay text.
        #expect(formulas("$$\na\n\nb\n$$\n").isEmpty)
    }

    @Test func escapedDollarsAndPrices() {
        #expect(formulas("It costs $5 and $6 today.").isEmpty)
        #expect(formulas("Pay \\$5, or \\$x\\$, or $y$.") == ["y"])
        #expect(extracted("Pay \\$5 and $6").markdown == "Pay \\$5 and $6")
        #expect(formulas("An escaped backslash \\\\$x$ still opens.") == ["x"])
        #expect(formulas("$a \\$ b$") == ["a \\$ b"])
        #expect(formulas("$x$5 is not math, nor $ x$, nor $x $.").isEmpty)
        #expect(formulas("$5 + $x$") == ["x"])
    }

    @Test func mathNextToPunctuation() {
        #expect(formulas("($x$), $y$. and $z$, then \"$w$\"; $v$!") == ["x", "y", "z", "w", "v"])
        #expect(formulas("*$a$* and **$b$** and _$c$_") == ["a", "b", "c"])
        #expect(formulas("$a$$b$") == ["a", "b"])
        #expect(formulas("$a \\text{ if $b > 0$}$") == ["a \\text{ if $b > 0$}"])
    }

    @Test func codeSpansAreNotMath() {
        #expect(formulas("Use `$x$` here, and $y$.") == ["y"])
        #expect(formulas("Use ``a $x$ ` b`` and `` `$z$` `` then $y$.") == ["y"])
        #expect(formulas("A code span `over\n$x$ two lines` then $y$") == ["y"])
        // An unmatched backtick is text; math never contains a backtick.
        #expect(formulas("A lone ` then $x$") == ["x"])
        #expect(formulas("$a `b$ c`").isEmpty)
        #expect(formulas("\\`$x$`") == ["x"])
    }

    @Test func codeBlocksAreNotMath() {
        #expect(formulas("```\n$x$\n```\n\n$y$\n") == ["y"])
        #expect(formulas("~~~~ text\n$x$\n~~~\n$$z$$\n~~~~\n$y$\n") == ["y"])
        #expect(formulas("````\n```\n$x$\n```\n````\n") == [])
        #expect(formulas("Para $a$\n\n    $x$ indented code\n    $$y$$\n\nEnd $b$\n") == ["a", "b"])
        #expect(formulas("> quote $a$\n>\n> ```\n> $x$\n> ```\n> and $b$\n") == ["a", "b"])
        #expect(formulas("- item $a$\n\n  ~~~\n  $x$\n  ~~~\n- $b$\n") == ["a", "b"])
        // An unclosed fence runs to the end of its container.
        #expect(formulas("```\n$x$\n\n$y$\n").isEmpty)
    }

    @Test func rawHTMLIsNotMath() {
        let region = """
            <!-- tangent:begin id=fit hash=0123456789abcdef -->
            <!-- tangent:data ["$x$", "$$y$$"] -->
            <!-- tangent:end id=fit -->

            <!--
            $hidden$
            -->

            <div class="note">
            $in a div$
            </div>

            After $z$.

            """
        #expect(formulas(region) == ["z"])
        _ = extracted(region)
        #expect(formulas("Inline <!-- $x$ --> comment, <span title=\"$y$\">$a$</span>.") == ["a"])
        #expect(formulas("<http://example.com/$x$y$> and <me$x$@example.com> and $a$") == ["a"])
        #expect(formulas("[see $a$](http://e.com/$x$y$ \"$t$\") and ![$b$](p$x$.png)") == ["a", "b"])
        #expect(formulas("a < b and $x < y$ and $c$") == ["x < y", "c"])
    }

    @Test func linkReferenceDefinitionsAreNotMath() {
        let defs = "[x]: /url \"$a$\"\n[y]:\n  /u$b$\n  '$t$'\nText $c$ [x] [y]\n"
        #expect(formulas(defs) == ["c"])
        #expect(
            CommonMarkHTML.render(MathExtractor.extract(defs).markdown)
                == "<p>Text TANGENTMATHx0001x <a href=\"/url\" title=\"$a$\">x</a> <a href=\"/u$b$\" title=\"$t$\">y</a></p>\n"
        )
        #expect(formulas("> [x]: <a$b$>\n> 'title $t$'\n> then $c$\n") == ["c"])
        // Not definitions: prose that merely starts with a bracket, or a definition-like line later on.
        #expect(formulas("[Note]: the kernel $K$ is PSD.\n") == ["K"])
        #expect(formulas("Text $c$\n[x]: /url \"$a$\"\n") == ["c", "a"])
    }

    @Test func headingsListsQuotesAndTables() {
        #expect(formulas("## The NTK $\\Theta$\n\nSetext $a$\n---\n") == ["\\Theta", "a"])
        #expect(formulas("- $a$\n  - $b$\n1. $c$\n") == ["a", "b", "c"])
        let quote = "> $$\n> \\frac{1}{2}\n> > 0\n> $$\n"
        #expect(formulas(quote) == ["D:\\frac{1}{2}\n> 0"])
        _ = extracted(quote)
        #expect(formulas("| a | b |\n|---|---|\n| $x$ | $y$ |\n") == ["x", "y"])
    }

    @Test func unmatchedDollarsStayText() {
        for text in ["a $x and b", "$$ a", "a $", "$", "$$", "$$$$", "$$ $$", "a $$x$ b", "$x\n\n$y"] {
            let e = extracted(text)
            #expect(e.spans.isEmpty, "\(text)")
            #expect(e.markdown == text)
        }
    }

    @Test func everyOtherByteIsKept() {
        let text = "Ünïcödé — $θ_λ$ 😀\r\nnext $$\r\na\r\n$$ line\r\n\ttab $x$\n"
        let e = extracted(text)
        #expect(
            e.markdown == "Ünïcödé — TANGENTMATHx0001x 😀\r\nnext TANGENTMATHx0002x line\r\n\ttab TANGENTMATHx0003x\n")
        #expect(e.spans.map(\.tex) == ["θ_λ", "a", "x"])
    }

    @Test func placeholdersCannotCollideWithTheText() {
        let e = extracted("Literal TANGENTMATHx0001x and $x$")
        #expect(e.spans.map(\.placeholder) == ["TANGENTMATHZx0001x"])
        #expect(e.markdown == "Literal TANGENTMATHx0001x and TANGENTMATHZx0001x")
    }

    @Test func roundTripOverGeneratedText() {
        let pieces = [
            "$x$", "$$y$$", "$$\na\n+ b\n$$", "\\$", "$5", "`$c$`", "``$`$``", "```\n$f$\n```", "~~~\n$$\n~~~",
            "    $i$", "<!-- $h$ -->", "<b title='$t$'>", "[l]($u$)", "> $q$", "- $l$", "# $h$", "\n\n", "\n",
            " text ", "Ü😀", "\r\n", "\\", "$", "`", "<", "[", "]", "(", ")"
        ]
        var g = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<g.int(12) { text += g.pick(pieces) }
            let e = MathExtractor.extract(text)
            #expect(e.restored == text, "\(text.debugDescription)")
            #expect(!e.spans.contains { $0.tex.contains("`") })
        }
    }
}

@Suite struct MathSubstitutionTests {
    let display =
        #"<span class="katex-display"><span class="katex">D<annotation encoding="application/x-tex">x &lt; y</annotation></span></span>"#
    let inline = #"<span class="katex">I<annotation encoding="application/x-tex">x^2</annotation></span>"#

    @Test func placeholdersInTextBecomeHTML() {
        let html = """
            <h2>The NTK TANGENTMATHx0002x</h2>
            <p>TANGENTMATHx0001x</p>
            <p>Inline TANGENTMATHx0002x, and TANGENTMATHx0001x in text.</p>
            <ul>
            <li>TANGENTMATHx0002x</li>
            </ul>
            <table><tr><td>TANGENTMATHx0002x</td></tr></table>

            """
        let out = KaTeXRenderer.substitute(html, ["TANGENTMATHx0001x": display, "TANGENTMATHx0002x": inline])
        #expect(
            out == """
                <h2>The NTK \(inline)</h2>
                \(display)
                <p>Inline \(inline), and \(display) in text.</p>
                <ul>
                <li>\(inline)</li>
                </ul>
                <table><tr><td>\(inline)</td></tr></table>

                """)
    }

    @Test func placeholdersWhereMarkupCannotGoBecomeTeXSource() {
        let html =
            #"<title>About TANGENTMATHx0001x</title><img src="k.png" alt="plot of TANGENTMATHx0001x and TANGENTMATHx0002x" /><!-- TANGENTMATHx0003x --><p>TANGENTMATHx0003x</p>"#
        let error = #"<span class="katex-error" title="ParseError" style="color:#cc0000">\frac{</span>"#
        let out = KaTeXRenderer.substitute(
            html, ["TANGENTMATHx0001x": inline, "TANGENTMATHx0002x": display, "TANGENTMATHx0003x": error])
        #expect(
            out
                == #"<title>About $x^2$</title><img src="k.png" alt="plot of $x^2$ and $$x &lt; y$$" /><!-- $\frac{$ --><p>"#
                + error + "</p>")
    }

    @Test func otherTextIsLeftAlone() {
        let html =
            "<p>TANGENTMATHx0009x TANGENTMATH TANGENTMATHx TANGENTMATHx0001 P0/TANGENTMATHx0001x</p>\n<pre><code>a &lt; b</code></pre>\n"
        #expect(
            KaTeXRenderer.substitute(html, ["TANGENTMATHx0001x": "M"])
                == html.replacingOccurrences(of: "P0/TANGENTMATHx0001x", with: "P0/M"))
        #expect(KaTeXRenderer.substitute(html, [:]) == html)
        // Keys MathExtractor did not make are replaced as they are.
        #expect(KaTeXRenderer.substitute("<p>@@1@@</p>", ["@@1@@": "M"]) == "<p>M</p>")
    }
}

@Suite(.enabled(if: KaTeXRenderer.isAvailable, "needs node and libjs-katex (apt-get install nodejs libjs-katex)"))
struct KaTeXRendererTests {
    @Test func rendersHTMLAndMathML() throws {
        let spans = [
            MathSpan(placeholder: "A", tex: "\\frac{a}{b}", display: false),
            MathSpan(placeholder: "B", tex: "\\frac{a}{b}", display: true),
            MathSpan(placeholder: "C", tex: "\\frac{a}{b}", display: false)
        ]
        let html = try KaTeXRenderer.render(spans)
        #expect(html.count == 3)
        let a = try #require(html["A"])
        #expect(a.hasPrefix(#"<span class="katex">"#))
        #expect(a.contains("<math"))
        #expect(a.contains(#"<annotation encoding="application/x-tex">\frac{a}{b}</annotation>"#))
        #expect(try #require(html["B"]).hasPrefix(#"<span class="katex-display">"#))
        #expect(html["C"] == a)
        #expect(try KaTeXRenderer.render([]).isEmpty)
    }

    @Test func brokenFormulasShowKaTeXsError() throws {
        let html = try KaTeXRenderer.render([
            MathSpan(placeholder: "bad", tex: "\\frac{", display: false),
            MathSpan(placeholder: "worse", tex: "\\undefinedmacro{x} <script>", display: true),
            MathSpan(placeholder: "good", tex: "x", display: false)
        ])
        let bad = try #require(html["bad"])
        #expect(bad.contains(#"class="katex-error""#))
        #expect(bad.contains("\\frac{"))
        #expect(try #require(html["worse"]).contains("&lt;script&gt;"))
        #expect(try #require(html["good"]).contains(#"class="katex""#))
    }

    @Test func twoHundredFormulasInOneRun() throws {
        let spans = (0..<200).map { k in
            MathSpan(
                placeholder: "TANGENTMATHx\(k)x",
                tex:
                    "\\Theta^{(\(k))}(x, x') = \\sum_{h=1}^{\(k % 7 + 1)} \\dot\\Sigma^{(h)} \\prod_{h'} \\frac{\\sigma_w^2}{n}",
                display: k % 3 == 0)
        }
        let clock = ContinuousClock()
        var html: [String: String] = [:]
        let elapsed = try clock.measure { html = try KaTeXRenderer.render(spans) }
        print("KaTeX: 200 formulas in \(elapsed)")
        #expect(html.count == 200)
        #expect(html.values.allSatisfy { $0.contains(#"class="katex""#) })
    }

    @Test func wholePipelineThroughCmark() throws {
        let markdown = """
            # The kernel $\\Theta$

            For inputs $x$ and $x'$:

            $$
            \\Theta(x, x') = \\mathbb{E}\\left[\\nabla f(x)^\\top \\nabla f(x')\\right]
            + \\sigma_b^2
            $$

            - costs $5 and $6, `$code$`
            - ![the map $\\phi$](phi.png)

            """
        let e = MathExtractor.extract(markdown)
        #expect(e.spans.count == 5)
        let html = KaTeXRenderer.substitute(CommonMarkHTML.render(e.markdown), try KaTeXRenderer.render(e.spans))
        #expect(html.hasPrefix(#"<h1>The kernel <span class="katex">"#))
        #expect(html.contains("\n<span class=\"katex-display\">"))
        #expect(!html.contains("<p><span class=\"katex-display\">"))
        #expect(html.contains("<li>costs $5 and $6, <code>$code$</code></li>"))
        #expect(html.contains(#"<img src="phi.png" alt="the map $\phi$" />"#))
        #expect(!html.contains("TANGENTMATH"))
    }
}

@Suite(
    .enabled(if: KaTeXInstallation.file(["katex.min.css"]) != nil, "needs libjs-katex (apt-get install libjs-katex)"))
struct KaTeXAssetsTests {
    @Test func installsStylesheetAndFontsForOfflineUse() throws {
        let folder = try TemporaryFolder("katex-assets")
        defer { folder.remove() }
        let site = folder.url("site")
        try KaTeXAssets.install(into: site)
        try KaTeXAssets.install(into: site)  // again, over the first copy
        let css = try String(contentsOf: site.appendingPathComponent(KaTeXAssets.stylesheetPath), encoding: .utf8)
        #expect(css.contains(".katex"))
        #expect(!css.contains("http:") && !css.contains("https:") && !css.contains("@import"))
        let fontsDir = site.appendingPathComponent("assets/katex/fonts")
        let fonts = try FileManager.default.contentsOfDirectory(atPath: fontsDir.path)
        #expect(fonts.count >= 10)
        #expect(fonts.allSatisfy { $0.hasSuffix(".woff2") })
        for font in fonts {
            let attributes = try FileManager.default.attributesOfItem(
                atPath: fontsDir.appendingPathComponent(font).path)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        }
        // Every font the stylesheet names was copied.
        var named = Set<String>()
        var rest = Substring(css)
        while let r = rest.range(of: "url(") {
            let end = rest[r.upperBound...].firstIndex(of: ")")!
            named.insert(String(rest[r.upperBound..<end]))
            rest = rest[end...]
        }
        #expect(!named.isEmpty)
        #expect(named.allSatisfy { $0.hasPrefix("fonts/") && fonts.contains(String($0.dropFirst(6))) })
        #expect(KaTeXAssets.stylesheetHref(forPageAt: "index.html") == "assets/katex/katex.min.css")
        #expect(KaTeXAssets.stylesheetHref(forPageAt: "guide/intro.html") == "../assets/katex/katex.min.css")
    }

    @Test func trimsFontFaceSources() {
        let css =
            "@font-face{font-family:A;src:url(fonts/A.woff2) format('woff2'),url(fonts/A.woff) format('woff');font-weight:400}"
        #expect(
            KaTeXAssets.keepingFonts(["A.woff2"], in: css)
                == "@font-face{font-family:A;src:url(fonts/A.woff2) format('woff2');font-weight:400}")
        #expect(KaTeXAssets.keepingFonts([], in: css) == css)
    }
}

@Suite struct KaTeXErrorTests {
    @Test func messagesSayWhatToInstall() {
        #expect(KaTeXError.nodeNotFound.description.contains("apt-get install nodejs"))
        #expect(KaTeXError.katexNotFound(directory: "/x").description.contains("apt-get install libjs-katex"))
        #expect(KaTeXError.katexNotFound(directory: "/x").description.contains("TANGENT_KATEX_DIR"))
        #expect(KaTeXError.fontsNotFound(directory: "/x").description.contains("fonts-katex"))
    }
}
