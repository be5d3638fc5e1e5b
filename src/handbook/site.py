"""The HTML handbook: dist/html/, an index with the contents and one page per chapter.

Pages work from file:// with no network: styles, the search script and its
index are files beside them (the index is a script, not JSON, because a page
opened from disk may not fetch). Maths is MathML, figures SVG. Every page is
written only when its bytes change, so an edit rewrites the one chapter it
touched (and the search index if a prompt or title changed).
"""

from __future__ import annotations

import json
from pathlib import Path

from .exports import Context
from .htmlprose import attribute, escape
from .model import Book, Chapter
from .store import write_bytes
from .webbook import WebBook

FOLDER = "html"
INDEX = "index.html"
REFERENCES = "references.html"

CSS = """\
:root { color-scheme: light dark; --text: #1a1a1a; --muted: #5c5c5c; --bg: #fdfdfc; --rule: #d8d8d8;
        --link: #0b57d0; --panel: #f1f1ef; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e8e8e6; --muted: #a8a8a4; --bg: #17181a; --rule: #3a3b3e; --link: #8ab4f8; --panel: #222326; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 1.0625rem/1.55 Georgia, "Times New Roman", serif; }
a { color: var(--link); }
header.site { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem;
              align-items: center; padding: 0.6rem 1rem; background: var(--panel); border-bottom: 1px solid var(--rule);
              font-family: system-ui, sans-serif; font-size: 0.95rem; }
header.site .home { font-weight: 600; text-decoration: none; color: var(--text); flex: 1 1 auto; }
.search { position: relative; flex: 1 1 16rem; max-width: 28rem; }
.search input { width: 100%; padding: 0.4rem 0.6rem; font: inherit; border: 1px solid var(--rule); border-radius: 4px;
                background: var(--bg); color: var(--text); }
.search ol { position: absolute; left: 0; right: 0; margin: 0.2rem 0 0; padding: 0.3rem 0; list-style: none;
             max-height: 70vh; overflow-y: auto; background: var(--bg); border: 1px solid var(--rule); border-radius: 4px;
             box-shadow: 0 4px 16px rgba(0, 0, 0, 0.2); }
.search li { padding: 0.25rem 0.75rem; }
.search li a { text-decoration: none; display: block; }
.search .none { color: var(--muted); }
main { max-width: 46rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.35rem; line-height: 1.25; margin: 2.5rem 0 0.4rem; }
h3, h4 { font-size: 1.05rem; margin: 1.4rem 0 0.3rem; font-family: system-ui, sans-serif; }
.number { color: var(--muted); font-variant-numeric: tabular-nums; }
.meta { margin: 0 0 0.8rem; color: var(--muted); font-family: system-ui, sans-serif; font-size: 0.85rem; }
.qid { font-family: ui-monospace, monospace; }
.prompt { font-style: italic; }
section.question, section.answer-end { border-top: 1px solid var(--rule); scroll-margin-top: 4rem; }
section:target > h2:first-child, section:target > h3:first-child { background: var(--panel); }
figure { margin: 1.5rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; background: #fff; border-radius: 2px; }
figcaption { font-size: 0.9rem; color: var(--muted); margin-top: 0.4rem; }
math { font-size: 1.05em; }
.display-math { display: block; margin: 0.6rem 0; overflow-x: auto; overflow-y: hidden; padding: 0.1rem 0; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; }
nav.pager { display: flex; justify-content: space-between; gap: 1rem; max-width: 46rem; margin: 0 auto;
            padding: 0.8rem 1.25rem; font-family: system-ui, sans-serif; font-size: 0.95rem; }
nav.pager a { text-decoration: none; }
.contents ol { padding-left: 1.4rem; }
.contents > ol > li { margin: 0.8rem 0; }
.contents li li { margin: 0.15rem 0; }
.bibliography li { margin-bottom: 0.5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  main { padding: 0.5rem 0.9rem 2rem; }
  h1 { font-size: 1.5rem; }
  h2 { font-size: 1.2rem; }
  header.site { position: static; }
  .long-math { display: block; margin: 0.3rem 0; overflow-x: auto; overflow-y: hidden; }
}
@media print {
  :root { --text: #000; --muted: #333; --bg: #fff; --link: #000; }
  header.site, nav.pager, .search { display: none; }
  main { max-width: none; padding: 0; }
  a { text-decoration: none; }
  h1, h2, h3, h4 { break-after: avoid; }
  figure, .display-math { break-inside: avoid; }
  .display-math { overflow: visible; }
  section.question { border-top: none; }
}
"""

SEARCH_JS = """\
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  var entries = window.HANDBOOK_SEARCH || [];
  if (!input || !list) { return; }
  function show() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { list.hidden = true; return; }
    var hits = entries.filter(function (e) {
      return words.every(function (w) { return e.text.indexOf(w) >= 0; });
    }).slice(0, 40);
    hits.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.url;
      link.textContent = e.number + " " + e.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "No question matches.";
      list.appendChild(none);
    }
    list.hidden = false;
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show(); }
    if (event.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { window.location.href = first.href; }
    }
  });
})();
"""


def chapter_file(chapter: Chapter) -> str:
    return f"{chapter.number:02d}-{chapter.id}.html"


def write(ctx: Context) -> list[Path]:
    """Write every page that changed; returns them (the folder's index is the output's name)."""
    folder = ctx.out_dir / FOLDER
    return [folder / name for name, data in sorted(pages(ctx).items()) if write_bytes(folder / name, data)]


def pages(ctx: Context) -> dict[str, bytes]:
    """File name under html/ -> bytes, for the whole handbook."""
    svgs = ctx.svg_bytes()
    web = WebBook(ctx.book, ctx.chapters, ctx.options.answers, ctx.math(), chapter_file, REFERENCES,
                  {f: f"figures/{f}.svg" for f in svgs})
    book = ctx.book
    order = [(INDEX, "Contents")] + [(chapter_file(c), f"{c.number} {c.title}") for c in ctx.chapters]
    if web.references:
        order.append((REFERENCES, "Bibliography"))
    bodies = {INDEX: _index_body(web, book)}
    bodies.update({chapter_file(c): web.chapter_body(c) for c in ctx.chapters})
    if web.references:
        bodies[REFERENCES] = web.bibliography_body()
    out: dict[str, str | bytes] = {}
    for i, (name, title) in enumerate(order):
        before = order[i - 1] if i > 0 else None
        after = order[i + 1] if i + 1 < len(order) else None
        out[name] = _page(book, title, bodies[name], before, after)
    out["style.css"] = CSS
    out["search.js"] = SEARCH_JS
    out["search-index.js"] = _search_index(web)
    out.update({f"figures/{f}.svg": data for f, data in svgs.items()})
    return {name: data.encode("utf-8") if isinstance(data, str) else data for name, data in out.items()}


def _page(book: Book, title: str, body: str, before: tuple[str, str] | None, after: tuple[str, str] | None) -> str:
    heading = escape(book.title) if title == "Contents" else f"{escape(title)} · {escape(book.title)}"
    pager = _pager(before, after)
    return (f'<!DOCTYPE html>\n<html lang="{attribute(book.language)}">\n<head>\n<meta charset="utf-8"/>\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
            '<meta name="color-scheme" content="light dark"/>\n<link rel="icon" href="data:,"/>\n'
            f"<title>{heading}</title>\n"
            '<link rel="stylesheet" href="style.css"/>\n'
            '<script src="search-index.js" defer="defer"></script>\n'
            '<script src="search.js" defer="defer"></script>\n'
            "</head>\n<body>\n"
            f'<header class="site"><a class="home" href="{INDEX}">{escape(book.title)}</a>'
            '<div class="search" role="search"><label class="visually-hidden" for="search">Search the questions</label>'
            '<input id="search" type="search" placeholder="Search titles, topics, prompts" autocomplete="off"/>'
            '<ol id="results" hidden="hidden"></ol></div></header>\n'
            f"{pager}\n<main>\n{body}\n</main>\n{pager}\n</body>\n</html>\n")


def _pager(before: tuple[str, str] | None, after: tuple[str, str] | None) -> str:
    prev = f'<a rel="prev" href="{before[0]}">← {escape(before[1])}</a>' if before else "<span></span>"
    nxt = f'<a rel="next" href="{after[0]}">{escape(after[1])} →</a>' if after else "<span></span>"
    return f'<nav class="pager" aria-label="Previous and next page">{prev}{nxt}</nav>'


def _index_body(web: WebBook, book: Book) -> str:
    lines = [f"<h1>{escape(book.title)}</h1>"]
    lines += [f'<p class="meta">{escape(text)}</p>' for text in (book.subtitle, book.author, book.edition) if text]
    items = []
    for chapter in web.chapters:
        questions = "".join(f'<li><a href="{web.question_href(q.id)}"><span class="number">{escape(q.number)}</span> '
                            f"{escape(q.title)}</a></li>" for q in chapter.questions)
        items.append(f'<li><a href="{chapter_file(chapter)}"><span class="number">{chapter.number}</span> '
                     f"{escape(chapter.title)}</a><ol>{questions}</ol></li>")
    if web.references:
        items.append(f'<li><a href="{REFERENCES}">Bibliography</a></li>')
    lines.append(f'<nav class="contents" aria-labelledby="contents"><h2 id="contents">Contents</h2>'
                 f'<ol>{"".join(items)}</ol></nav>')
    return "\n".join(lines)


def _search_index(web: WebBook) -> str:
    """The questions' titles, topics and prompts as a script the search box reads."""
    entries = [{"number": q.number, "title": q.title, "url": web.question_href(q.id),
                "text": " ".join([q.number, q.title, " ".join(q.topics), web.text(q.question)]).lower()}
               for c in web.chapters for q in c.questions]
    return "window.HANDBOOK_SEARCH = " + json.dumps(entries, ensure_ascii=False, indent=0, sort_keys=True) + ";\n"
