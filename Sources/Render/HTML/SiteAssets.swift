/// The site's stylesheet and search script, written next to the pages (no CDN, no server),
/// and the Content-Security-Policy its pages carry.
enum SiteAssets {
    /// Scripts run only from the site's own files (`search-index.js`, `assets/search.js`, `assets/theme.js`, and
    /// under `tangent serve` its live-reload file): no inline script, no `on…=` handler, no
    /// `javascript:` URL, no plugin, frame, form target or `<base>`, whatever got into a page.
    /// The site has no inline script to allow (KaTeX runs at build time). `file:` is listed
    /// beside `'self'` because browsers differ on whether `'self'` covers a page opened from disk.
    static let contentSecurityPolicy =
        "script-src 'self' file:; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"

    static let stylesheet = """
        :root {
          --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
          --accent: #0969da; --ok: #1a7f37; --bad: #cf222e; --skip: #8a5c00; --code-bg: #f6f8fa;
          --tok-keyword: #cf222e; --tok-builtin: #8250df; --tok-number: #0550ae; --tok-string: #0a3069;
          --tok-comment: #5f6872; --tok-op: #953800;
          color-scheme: light dark;
        }
        @media (prefers-color-scheme: dark) {
          :root:not([data-theme="light"]) {
            --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
            --accent: #4493f8; --ok: #3fb950; --bad: #f85149; --skip: #d29922; --code-bg: #151b23;
            --tok-keyword: #ff7b72; --tok-builtin: #d2a8ff; --tok-number: #79c0ff; --tok-string: #a5d6ff;
            --tok-comment: #9198a1; --tok-op: #ffa657;
          }
        }
        :root[data-theme="dark"] {
          --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
          --accent: #4493f8; --ok: #3fb950; --bad: #f85149; --skip: #d29922; --code-bg: #151b23;
          --tok-keyword: #ff7b72; --tok-builtin: #d2a8ff; --tok-number: #79c0ff; --tok-string: #a5d6ff;
          --tok-comment: #9198a1; --tok-op: #ffa657;
          color-scheme: dark;
        }
        :root[data-theme="light"] { color-scheme: light; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--bg); color: var(--fg);
          font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        /* A link inside text is underlined: its colour alone is too close to the text's (WCAG 1.4.1). */
        article a:not(.heading-anchor):not(.block-id), .footnotes a { text-decoration: underline;
          text-underline-offset: .15em; }
        .site-header { display: flex; gap: 1rem; align-items: center; justify-content: space-between;
          padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--panel);
          position: sticky; top: 0; z-index: 2; }
        .site-title { font-weight: 600; color: var(--fg); }
        .header-tools { display: flex; gap: .6rem; align-items: center; }
        #menu-toggle { display: none; }
        #theme-toggle, #menu-toggle { padding: .3rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg);
          color: var(--fg); font: inherit; font-size: .85rem; cursor: pointer; }
        .skip-link { position: absolute; left: .5rem; top: -3rem; z-index: 10; padding: .4rem .8rem;
          background: var(--bg); color: var(--accent); border: 2px solid var(--accent); border-radius: 6px; }
        .skip-link:focus { top: .5rem; }
        main:focus { outline: none; }
        [id] { scroll-margin-top: 4.5rem; }
        .heading-anchor { margin-left: .35em; font-weight: normal; color: var(--muted); opacity: 0; }
        h1:hover .heading-anchor, h2:hover .heading-anchor, h3:hover .heading-anchor, h4:hover .heading-anchor,
        h5:hover .heading-anchor, h6:hover .heading-anchor, .heading-anchor:focus { opacity: 1; }
        /* In a 1200 px window (scroll bar included) with the outline beside it, the article still
           holds a 640 px figure. */
        .page { display: grid; grid-template-columns: minmax(0, 52rem) 12rem; gap: 1.25rem; align-items: start; }
        .toc { position: sticky; top: 4.5rem; max-height: calc(100vh - 5.5rem); overflow: auto; font-size: .88rem;
          border-left: 1px solid var(--line); padding-left: 1rem; }
        .toc-title { font-weight: 600; margin: 0 0 .4rem; }
        .toc ul { list-style: none; margin: 0; padding: 0; }
        .toc li { margin: .2rem 0; }
        .toc .toc-h3 { padding-left: .9rem; }
        #search-results a:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
        #search-results .section { color: var(--muted); }
        mark { background: color-mix(in srgb, var(--skip) 30%, transparent); color: var(--fg); padding: 0 .1em; }
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
        main { padding: 1rem 1.5rem 3rem; min-width: 0; }
        article { max-width: 52rem; }
        h1, h2, h3 { line-height: 1.25; }
        pre, code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: .9em; }
        :not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
        /* Code wraps rather than scrolling sideways: nothing hides past the edge of a phone, and no
           scrolling box needs the keyboard's focus. */
        pre { background: var(--code-bg); padding: .7rem .9rem; border-radius: 6px; white-space: pre-wrap;
          overflow-wrap: anywhere; }
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
        .outputs { padding: .2rem .6rem; }
        .outputs:empty { display: none; }
        .output { margin: .6rem 0; }
        .output pre { margin: 0; background: transparent; padding: .2rem 0; }
        caption { text-align: left; }
        .caption, figcaption { font-size: .9rem; color: var(--muted); font-weight: 600; margin-bottom: .2rem; }
        .table-wrap { overflow-x: auto; }
        .matrix-table { font-family: ui-monospace, monospace; font-size: .85rem; }
        .matrix-table td { text-align: right; }
        .matrix-table th { color: var(--muted); font-weight: normal; background: var(--panel); }
        .summary { font-size: .9rem; color: var(--muted); }
        .thumb svg { max-width: 320px; }
        /* A figure is never shown narrower than its inline min-width (its text stays >= 10 px);
           in a narrower column it scrolls sideways inside its box, not the page. */
        figure { margin: .6rem 0; overflow-x: auto; }
        figure:focus-visible, .table-wrap:focus-visible, article > table:focus-visible, .katex-display:focus-visible {
          outline: 2px solid var(--accent); outline-offset: 2px; }
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
          .site-header { position: static; flex-wrap: wrap; gap: .5rem; padding: .5rem .8rem; }
          .header-tools { flex: 1 1 100%; min-width: 0; }
          #search { flex: 1; width: 0; min-width: 0; }
          #search-results { top: 0; }
          [id] { scroll-margin-top: .5rem; }
          .js .sidebar:not(.open) { display: none; }
          #menu-toggle { display: inline-block; }
          .page { display: block; }
          .toc { position: static; max-height: none; border-left: 0; border-top: 1px solid var(--line);
            padding: 1rem 0 0; margin-top: 2rem; }
        }
        """

    /// Client-side search over `search-index.js` (a script, so it works from file://): one entry
    /// per section of a page, opened at its heading; a word of four letters or more also finds
    /// the words one edit away (a typo). The snippet is the section's text with every match in
    /// `<mark>`, each piece escaped. `/` focuses the box, Esc closes the results, the arrow keys
    /// move through them and Enter opens one (the first, from the box).
    static let searchScript = """
        (function () {
          "use strict";
          var index = window.TANGENT_SEARCH_INDEX || [];
          var input = document.getElementById("search");
          var box = document.getElementById("search-results");
          if (!input || !box) return;
          var root = document.body.getAttribute("data-root") || "";
          var docs = index.map(function (d) {
            var section = d.section || "";
            return { title: d.title, section: section, url: d.url, text: d.text, words: null,
              lower: (d.title + "\\n" + section + "\\n" + d.text).toLowerCase(),
              head: (d.title + "\\n" + section).toLowerCase() };
          });
          function escapeHTML(s) {
            return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
          }
          // Whether a and b are at most one substitution, insertion or deletion apart.
          function withinOne(a, b) {
            if (a === b) return true;
            if (Math.abs(a.length - b.length) > 1) return false;
            if (a.length > b.length) { var t = a; a = b; b = t; }
            var i = 0;
            while (i < a.length && a[i] === b[i]) i++;
            return a.length === b.length ? a.slice(i + 1) === b.slice(i + 1) : a.slice(i) === b.slice(i + 1);
          }
          function wordsOf(d) {
            if (!d.words) {
              var seen = {};
              d.words = d.lower.split(/[^\\p{L}\\p{N}_]+/u).filter(function (w) {
                if (w === "" || seen[w]) return false;
                seen[w] = true;
                return true;
              });
            }
            return d.words;
          }
          // What stands for `word` in d: the word itself, else the words one edit away.
          function termsFor(d, word) {
            if (d.lower.indexOf(word) >= 0) return { terms: [word], exact: true };
            if (word.length < 4) return null;
            var near = wordsOf(d).filter(function (w) { return withinOne(word, w); });
            return near.length ? { terms: near, exact: false } : null;
          }
          function search(query) {
            var words = query.toLowerCase().split(/\\s+/).filter(function (w) { return w.length > 0; });
            if (words.length === 0) return [];
            var hits = [];
            docs.forEach(function (d) {
              var score = 0, found = [];
              for (var i = 0; i < words.length; i++) {
                var t = termsFor(d, words[i]);
                if (!t) return;
                t.terms.forEach(function (term) {
                  var n = d.lower.split(term).length - 1;
                  score += (t.exact ? n : n / 2) + (d.head.indexOf(term) >= 0 ? 10 : 0);
                  found.push(term);
                });
              }
              hits.push({ doc: d, score: score, terms: found });
            });
            hits.sort(function (a, b) { return b.score - a.score; });
            return hits;
          }
          // The text around the first match, every match marked, every piece escaped.
          function snippet(text, terms) {
            var lower = text.toLowerCase(), at = -1;
            terms.forEach(function (t) { var k = lower.indexOf(t); if (k >= 0 && (at < 0 || k < at)) at = k; });
            var start = Math.max(0, at - 60), end = Math.min(text.length, Math.max(at, 0) + 120);
            var piece = text.slice(start, end).replace(/\\s/g, " "), low = piece.toLowerCase(), out = "", i = 0;
            while (i < piece.length) {
              var best = -1, len = 0;
              terms.forEach(function (t) {
                var k = low.indexOf(t, i);
                if (k >= 0 && (best < 0 || k < best || (k === best && t.length > len))) { best = k; len = t.length; }
              });
              if (best < 0) { out += escapeHTML(piece.slice(i)); break; }
              out += escapeHTML(piece.slice(i, best)) + "<mark>" + escapeHTML(piece.slice(best, best + len)) + "</mark>";
              i = best + len;
            }
            return (start > 0 ? "…" : "") + out.replace(/ +/g, " ") + (end < text.length ? "…" : "");
          }
          var active = -1;
          function links() { return box.querySelectorAll("a"); }
          function close() { box.hidden = true; box.innerHTML = ""; active = -1; }
          function show() {
            if (input.value.trim() === "") { close(); return; }
            var hits = search(input.value);
            box.hidden = false;
            active = -1;
            if (hits.length === 0) { box.innerHTML = "<p>No matches.</p>"; return; }
            box.innerHTML = "<ol>" + hits.slice(0, 20).map(function (h) {
              var named = h.doc.section && h.doc.section !== h.doc.title;
              var section = named ? ' <span class="section">› ' + escapeHTML(h.doc.section) + "</span>" : "";
              return '<li><a href="' + (root || "./") + escapeHTML(h.doc.url) + '">' + escapeHTML(h.doc.title) + section +
                '</a><div class="snippet">' + snippet(h.doc.text, h.terms) + "</div></li>";
            }).join("") + "</ol>";
          }
          function move(step) {
            var all = links();
            if (all.length === 0) return;
            active = Math.max(-1, Math.min(all.length - 1, active + step));
            if (active < 0) input.focus(); else all[active].focus();
          }
          input.addEventListener("input", show);
          input.addEventListener("keydown", function (e) {
            if (e.key === "ArrowDown") { e.preventDefault(); active = -1; move(1); }
            else if (e.key === "Enter") {
              var first = links()[0];
              if (first) { e.preventDefault(); close(); window.location.href = first.href; }
            }
          });
          box.addEventListener("keydown", function (e) {
            if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
            else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
          });
          box.addEventListener("click", function (e) { if (e.target.closest && e.target.closest("a")) close(); });
          document.addEventListener("keydown", function (e) {
            if (e.key === "Escape" && !box.hidden) {
              var inside = box.contains(document.activeElement);
              close();
              if (inside) input.focus();
            } else if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey) {
              var t = e.target, tag = t && t.tagName;
              if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
              e.preventDefault();
              input.focus();
              input.select();
            }
          });
          // A page opened with ?q=words shows the results for those words (shareable searches).
          var q = new URLSearchParams(window.location.search).get("q");
          if (q) { input.value = q; show(); }
          window.tangentSearch = search;
        })();
        """

    /// The light/dark choice: loaded in `<head>` (before the page is drawn, so a dark choice
    /// never flashes light), it applies the choice remembered in localStorage; the button it
    /// adds to the header (none without script) cycles automatic → light → dark and remembers it.
    /// "auto" follows the system (`prefers-color-scheme`). It also adds the phone's menu button:
    /// below 48rem the sidebar is hidden behind it, so a page starts with its title (without
    /// script the sidebar stays in the page). A figure, table or display formula that scrolls
    /// sideways gets `tabindex="0"` (and loses it when the window grows to fit it).
    static let themeScript = """
        (function () {
          "use strict";
          var root = document.documentElement;
          var key = "tangent-theme";
          var modes = ["auto", "light", "dark"];
          function stored() { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
          function apply(mode) {
            if (mode === "light" || mode === "dark") root.setAttribute("data-theme", mode);
            else root.removeAttribute("data-theme");
          }
          apply(stored());
          // Scripts run: on a phone the sidebar waits behind the menu button (below) from the first paint.
          root.classList.add("js");
          // A box that scrolls sideways (a figure, table or formula wider than a phone) takes the
          // keyboard's focus, so it can be scrolled without a pointer; one that fits adds no stop.
          function markScrollers() {
            document.querySelectorAll("figure, .table-wrap, article > table, .katex-display").forEach(function (e) {
              if (e.scrollWidth > e.clientWidth + 1) e.setAttribute("tabindex", "0");
              else if (e.getAttribute("tabindex") === "0") e.removeAttribute("tabindex");
            });
          }
          window.addEventListener("load", markScrollers);
          window.addEventListener("resize", markScrollers);
          document.addEventListener("DOMContentLoaded", function () {
            var tools = document.querySelector(".header-tools");
            if (!tools) return;
            var sidebar = document.getElementById("sidebar");
            if (sidebar) {
              var menu = document.createElement("button");
              menu.id = "menu-toggle";
              menu.type = "button";
              menu.textContent = "Notebooks";
              menu.setAttribute("aria-controls", "sidebar");
              menu.setAttribute("aria-expanded", "false");
              menu.addEventListener("click", function () {
                var open = sidebar.classList.toggle("open");
                menu.setAttribute("aria-expanded", String(open));
              });
              tools.insertBefore(menu, tools.firstChild);
            }
            var button = document.createElement("button");
            button.id = "theme-toggle";
            button.type = "button";
            function label() { button.textContent = "Theme: " + (root.getAttribute("data-theme") || "auto"); }
            label();
            tools.appendChild(button);
            button.addEventListener("click", function () {
              var next = modes[(modes.indexOf(root.getAttribute("data-theme") || "auto") + 1) % modes.length];
              apply(next);
              try {
                if (next === "auto") window.localStorage.removeItem(key); else window.localStorage.setItem(key, next);
              } catch (e) {}
              label();
            });
          });
        })();
        """
}
