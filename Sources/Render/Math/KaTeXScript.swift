/// The Node.js program `KaTeXRenderer` runs once per batch (`node -e <source>`).
///
/// stdin: `{"katex": "/path/to/katex.min.js", "items": [{"tex": "…", "display": false}, …]}`
/// stdout: a JSON array with one HTML string per item, in order.
///
/// A formula KaTeX cannot parse becomes KaTeX's own error span (`throwOnError: false`); any other
/// exception is turned into a span of the same shape, so one bad formula never fails the batch.
/// `trust` stays false, so `\href`, `\includegraphics` and the like can never load anything.
enum KaTeXScript {
    static let source = #"""
        "use strict";
        const fs = require("fs");
        const input = JSON.parse(fs.readFileSync(0, "utf8"));
        const katex = require(input.katex);
        const escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
        const escape = (s) => String(s).replace(/[&<>"']/g, (c) => escapes[c]);
        const html = input.items.map((item) => {
          try {
            return katex.renderToString(item.tex, {
              displayMode: item.display,
              throwOnError: false,
              output: "htmlAndMathml",
              strict: "ignore",
              trust: false,
            });
          } catch (e) {
            const message = e && e.message ? e.message : String(e);
            return '<span class="katex-error" title="' + escape(message) + '" style="color:#cc0000">' +
              escape(item.tex) + "</span>";
          }
        });
        process.stdout.write(JSON.stringify(html));
        """#
}
