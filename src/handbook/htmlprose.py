"""Prose pieces as HTML: the one writer behind the Anki deck, the EPUB and the HTML handbook.

Maths is handed to a `Math` function: MathJax delimiters for Anki, MathML
for the EPUB and the web pages. With `paragraphs`, blank lines become
`<p>` elements (the reflowable books); without, `<br><br>` (Anki's fields).
"""

from __future__ import annotations

import html
import re
from typing import Callable

Piece = list
Resolver = Callable[[str, str], str]
Math = Callable[[str, bool], str]  # (LaTeX source, display) -> HTML

_TAGS = {"emph": "em", "textbf": "b", "texttt": "code", "itemize": "ul", "enumerate": "ol"}
_BLANK_LINE = re.compile(r"\n\s*\n")
_BREAK = "\0"  # a paragraph break while inline HTML is gathered


def escape(text: str) -> str:
    """Text as HTML; quotes are left alone, as they need no escaping in content."""
    return html.escape(text, quote=False)


def attribute(text: str) -> str:
    """Text for a double-quoted attribute value."""
    return html.escape(text, quote=True)


def mathjax(source: str, display: bool) -> str:
    """Maths left for MathJax as \\( \\) or \\[ \\]."""
    open_, close = (r"\[", r"\]") if display else (r"\(", r"\)")
    return open_ + escape(source) + close


def to_html(pieces: list[Piece], resolve: Resolver, math: Math = mathjax, paragraphs: bool = False) -> str:
    """HTML for pieces; `resolve(kind, target)` renders qref and cite."""
    writer = _Writer(resolve, math, paragraphs)
    body = "".join(writer.piece(p) for p in pieces)
    return writer.paragraphs(body) if paragraphs else body


class _Writer:
    def __init__(self, resolve: Resolver, math: Math, paragraphs: bool):
        self.resolve, self.math, self.split = resolve, math, paragraphs

    def inline(self, pieces: list[Piece]) -> str:
        return "".join(self.piece(p) for p in pieces).replace(_BREAK, "<br/><br/>" if self.split else "<br><br>")

    def piece(self, piece: Piece) -> str:
        kind = piece[0]
        if kind == "t":
            return _BLANK_LINE.sub(_BREAK if self.split else "<br><br>", escape(piece[1]))
        if kind == "m":
            return self.math(piece[1], piece[2])
        tag = _TAGS.get(kind)
        if kind in ("emph", "textbf", "texttt"):
            return f"<{tag}>{self.inline(piece[1])}</{tag}>"
        if kind in ("itemize", "enumerate"):
            items = "".join(f"<li>{self.item(item)}</li>" for item in piece[1])
            return f"{_BREAK}<{tag}>{items}</{tag}>{_BREAK}" if self.split else f"<{tag}>{items}</{tag}>"
        if kind == "url":
            return f'<a href="{attribute(piece[1])}">{escape(piece[1])}</a>'
        if kind == "href":
            return f'<a href="{attribute(piece[1])}">{self.inline(piece[2])}</a>'
        return self.resolve(kind, piece[1])

    def item(self, pieces: list[Piece]) -> str:
        if not self.split:
            return "".join(self.piece(p) for p in pieces).strip()
        return self.paragraphs("".join(self.piece(p) for p in pieces), single_bare=True)

    @staticmethod
    def paragraphs(body: str, single_bare: bool = False) -> str:
        """Wrap the runs between breaks in <p>; lists stand on their own."""
        blocks = [b.strip() for b in body.split(_BREAK)]
        blocks = [b for b in blocks if b]
        if single_bare and len(blocks) == 1 and not blocks[0].startswith(("<ul>", "<ol>")):
            return blocks[0]
        return "".join(b if b.startswith(("<ul>", "<ol>")) else f"<p>{b}</p>" for b in blocks)
