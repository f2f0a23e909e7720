/// The site's stylesheet and search script, written next to the pages (no CDN, no server),
/// and the Content-Security-Policy its pages carry.
enum SiteAssets {
    /// Scripts run only from the site's own files (`search-index.js`, `assets/search.js`, and
    /// under `tangent serve` its live-reload file): no inline script, no `on…=` handler, no
    /// `javascript:` URL, no plugin, frame, form target or `<base>`, whatever got into a page.
    /// The site has no inline script to allow (KaTeX runs at build time). `file:` is listed
    /// beside `'self'` because browsers differ on whether `'self'` covers a page opened from disk.
    static let contentSecurityPolicy =
        "script-src 'self' file:; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"

    static let stylesheet = """
        :root {
          --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
          --accent: #0969da; --ok: #1a7f37; --bad: #cf222e; --skip: #9a6700; --code-bg: #f6f8fa;
          --tok-keyword: #cf222e; --tok-builtin: #8250df; --tok-number: #0550ae; --tok-string: #0a3069;
          --tok-comment: #6e7781; --tok-op: #953800;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
            --accent: #4493f8; --ok: #3fb950; --bad: #f85149; --skip: #d29922; --code-bg: #151b23;
            --tok-keyword: #ff7b72; --tok-builtin: #d2a8ff; --tok-number: #79c0ff; --tok-string: #a5d6ff;
            --tok-comment: #9198a1; --tok-op: #ffa657;
          }
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--bg); color: var(--fg);
          font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        .site-header { display: flex; gap: 1rem; align-items: center; justify-content: space-between;
          padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel);
          position: sticky; top: 0; z-index: 2; }
        .site-title { font-weight: 600; color: var(--fg); }
        #search { width: min(22rem, 50vw); padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px;
          background: var(--bg); color: var(--fg); font: inherit; }
        #search-results { position: sticky; top: 3.2rem; z-index: 3; margin: 0 auto; max-width: 60rem;
          background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
        #search-results ol { margin: 0; padding-left: 1.2rem; }
        #search-results .snippet { color: var(--muted); font-size: .9em; }
        .layout { display: grid; grid-template-columns: 16rem minmax(0, 1fr); max-width: 84rem; margin: 0 auto; }
        .sidebar { border-right: 1px solid var(--line); padding: 1rem; position: sticky; top: 3.2rem;
          align-self: start; max-height: calc(100vh - 3.2rem); overflow: auto; font-size: .93rem; }
        .sidebar ul { list-style: none; margin: 0; padding: 0; }
        .sidebar li { margin: .25rem 0; }
        .sidebar a.current { font-weight: 600; color: var(--fg); }
        main { padding: 1rem 2rem 3rem; min-width: 0; }
        article { max-width: 52rem; }
        h1, h2, h3 { line-height: 1.25; }
        pre, code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: .9em; }
        :not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
        pre { background: var(--code-bg); padding: .7rem .9rem; border-radius: 6px; overflow-x: auto; }
        blockquote { margin: 0; padding: 0 1rem; border-left: 4px solid var(--line); color: var(--muted); }
        table { border-collapse: collapse; }
        article > table { display: block; overflow-x: auto; max-width: 100%; }
        del { color: var(--muted); }
        li > input[type="checkbox"] { margin: 0 .4em 0 -1.3em; vertical-align: middle; }
        li:has(> input[type="checkbox"]) { list-style: none; }
        .footnotes { border-top: 1px solid var(--line); margin-top: 2rem; font-size: .9rem; color: var(--muted); }
        .footnote-ref a { padding: 0 .1em; }
        td, th { border: 1px solid var(--line); padding: .2rem .5rem; }
        img, svg { max-width: 100%; height: auto; }
        .ntk-block { border: 1px solid var(--line); border-radius: 8px; margin: 1.2rem 0; overflow: hidden; }
        .block-head { display: flex; gap: .8rem; align-items: baseline; padding: .3rem .8rem; background: var(--panel);
          border-bottom: 1px solid var(--line); font-size: .85rem; color: var(--muted); }
        .block-id { font-family: ui-monospace, monospace; font-weight: 600; }
        .block-status { margin-left: auto; }
        .block-status.ok { color: var(--ok); } .block-status.bad { color: var(--bad); font-weight: 600; }
        .block-status.skip { color: var(--skip); }
        .ntk-code { margin: 0; border-radius: 0; }
        .outputs { padding: .2rem .8rem; }
        .outputs:empty { display: none; }
        .output { margin: .6rem 0; }
        .output pre { margin: 0; background: transparent; padding: .2rem 0; }
        .caption, figcaption { font-size: .9rem; color: var(--muted); font-weight: 600; margin-bottom: .2rem; }
        .table-wrap { overflow-x: auto; }
        .matrix-table { font-family: ui-monospace, monospace; font-size: .85rem; }
        .matrix-table td { text-align: right; }
        .matrix-table th { color: var(--muted); font-weight: normal; background: var(--panel); }
        .summary, .corner-label { font-size: .9rem; color: var(--muted); }
        .thumb svg { max-width: 320px; }
        figure { margin: .6rem 0; }
        .error { border-left: 4px solid var(--bad); background: color-mix(in srgb, var(--bad) 8%, transparent);
          padding: .3rem .8rem; margin: .6rem 0; }
        .error.expected { border-left-color: var(--skip); background: color-mix(in srgb, var(--skip) 8%, transparent); }
        .error pre { background: transparent; padding: 0; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        .error-label { font-size: .8rem; font-weight: 600; color: var(--skip); }
        .skipped { color: var(--skip); font-size: .9rem; margin: .5rem 0; }
        .tok-keyword { color: var(--tok-keyword); font-weight: 600; } .tok-builtin { color: var(--tok-builtin); }
        .tok-number { color: var(--tok-number); } .tok-string { color: var(--tok-string); }
        .tok-comment { color: var(--tok-comment); font-style: italic; } .tok-op { color: var(--tok-op); }
        .pager { display: flex; justify-content: space-between; gap: 1rem; margin-top: 2.5rem;
          border-top: 1px solid var(--line); padding-top: 1rem; max-width: 52rem; }
        .pager .next { margin-left: auto; }
        .notebook-list li { margin: .8rem 0; }
        .notebook-list p { margin: .2rem 0; color: var(--muted); }
        .katex-display { overflow-x: auto; overflow-y: hidden; }
        @media (max-width: 48rem) {
          .layout { display: block; }
          .sidebar { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); }
          main { padding: 1rem; }
        }
        """

    /// Client-side full-text search over `search-index.js` (a script, so it works from file://).
    static let searchScript = """
        (function () {
          "use strict";
          var index = window.TANGENT_SEARCH_INDEX || [];
          var input = document.getElementById("search");
          var box = document.getElementById("search-results");
          if (!input || !box) return;
          var root = document.body.getAttribute("data-root") || "";
          var docs = index.map(function (d) { return { title: d.title, url: d.url, text: d.text, lower: (d.title + "\\n" + d.text).toLowerCase() }; });
          function escapeHTML(s) {
            return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
          }
          function search(query) {
            var words = query.toLowerCase().split(/\\s+/).filter(function (w) { return w.length > 0; });
            if (words.length === 0) return [];
            var hits = [];
            docs.forEach(function (d) {
              var score = 0;
              for (var i = 0; i < words.length; i++) {
                var n = d.lower.split(words[i]).length - 1;
                if (n === 0) return;
                score += n + (d.title.toLowerCase().indexOf(words[i]) >= 0 ? 10 : 0);
              }
              var at = d.lower.indexOf(words[0]);
              var snippet = d.text.slice(Math.max(0, at - 60), at + 100).replace(/\\s+/g, " ");
              hits.push({ doc: d, score: score, snippet: snippet });
            });
            hits.sort(function (a, b) { return b.score - a.score; });
            return hits;
          }
          function show() {
            var hits = search(input.value);
            if (input.value.trim() === "") { box.hidden = true; box.innerHTML = ""; return; }
            box.hidden = false;
            if (hits.length === 0) { box.innerHTML = "<p>No matches.</p>"; return; }
            box.innerHTML = "<ol>" + hits.slice(0, 20).map(function (h) {
              return '<li><a href="' + (root || "./") + escapeHTML(h.doc.url) + '">' + escapeHTML(h.doc.title) + '</a>' +
                '<div class="snippet">' + escapeHTML(h.snippet) + '</div></li>';
            }).join("") + "</ol>";
          }
          input.addEventListener("input", show);
          // A page opened with ?q=words shows the results for those words (shareable searches).
          var q = new URLSearchParams(window.location.search).get("q");
          if (q) { input.value = q; show(); }
          window.tangentSearch = search;
        })();
        """
}
