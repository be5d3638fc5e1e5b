"""Prose fields: parse with pylatexenc, check against the whitelist, render.

A field is parsed once into a small intermediate form (plain JSON lists, so
it caches by content hash) and rendered from there to LaTeX, HTML or text.

Intermediate form, one list per piece:
    ["t", text]                       running text, as the author wrote it
    ["m", source, display]            maths, already checked
    ["emph"|"textbf"|"texttt", body]  body is a list of pieces
    ["itemize"|"enumerate", items]    items is a list of bodies
    ["qref", id, offset]              link to another question
    ["cite", key, offset]             citation
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from pylatexenc import latexwalker as lw
from pylatexenc.latexencode import UnicodeToLatexEncoder
from pylatexenc.macrospec import MacroSpec

from . import whitelist as wl

VERSION = "prose-3"  # bump when the parse or its output changes

# `%` starts a comment for pylatexenc; content means a percent sign, so it is
# swapped for a private-use character of the same length before parsing.
_PERCENT = "\ue000"
_FORBIDDEN_CHARS = re.compile("[\ue000\x00-\x08\x0b-\x1f\x7f]")

Piece = list  # one element of the intermediate form

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KEYS = re.compile(r"[a-z0-9][a-z0-9_-]*(?:,[a-z0-9][a-z0-9_-]*)*")
_TARGET_HELP = {
    "qref": "a question id of lowercase letters, digits, - and _",
    "cite": "reference keys of lowercase letters, digits, - and _, separated by commas",
}


@dataclass(frozen=True)
class Parsed:
    """A parsed prose field: pieces, and problems as (offset, message)."""

    pieces: list[Piece]
    problems: list[tuple[int, str]]

    def refs(self) -> list[tuple[str, str, int]]:
        """Every qref and cited key in the field: (kind, target, offset)."""
        return [(p[0], target, p[2]) for p in _walk(self.pieces) if p[0] in ("qref", "cite")
                for target in p[1].split(",")]


def _walk(pieces: list[Piece]):
    for piece in pieces:
        yield piece
        if piece[0] in ("emph", "textbf", "texttt"):
            yield from _walk(piece[1])
        elif piece[0] in ("itemize", "enumerate"):
            for item in piece[1]:
                yield from _walk(item)


def cache_key(text: str) -> str:
    return hashlib.sha256(f"{VERSION}\0{text}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _context() -> lw.LatexContextDb:
    db = lw.get_default_latex_context_db()
    db.add_context_category(
        "handbook",
        prepend=True,
        macros=[MacroSpec(name, "{") for name in ("qref", "cite", "emph", "textbf", "texttt")],
    )
    return db


def _mask_percent(text: str) -> str:
    """Replace each `%` not escaped by a backslash with the placeholder."""
    out, backslashes = [], 0
    for ch in text:
        out.append(_PERCENT if ch == "%" and backslashes % 2 == 0 else ch)
        backslashes = backslashes + 1 if ch == "\\" else 0
    return "".join(out)


def parse(text: str) -> Parsed:
    """Parse one prose field; never raises for bad content."""
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:
        return Parsed([], [(bad.start(), f"control character U+{ord(bad.group()):04X} is not allowed")])
    masked = _mask_percent(text)
    walker = lw.LatexWalker(masked, latex_context=_context(), tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except lw.LatexWalkerError as exc:
        offset = getattr(exc, "pos", None) or 0
        return Parsed([], [(offset, _parse_message(exc))])
    reader = _Reader(masked)
    pieces = reader.text_nodes(nodes)
    return Parsed(_merge_text(pieces), reader.problems)


def _parse_message(exc: Exception) -> str:
    msg = str(getattr(exc, "msg", None) or exc).split("\n")[0].rstrip(".")
    if "'}'" in msg or "brace" in msg.lower():
        return f"{msg}: braces must balance (write \\{{ or \\}} for a literal brace)"
    if "'$'" in msg or "math" in msg.lower():
        return f"{msg}: every $ needs a closing $, and \\( \\[ their \\) \\]"
    if "\\end" in msg or "environment" in msg.lower():
        return f"{msg}: every \\begin{{...}} needs its \\end{{...}}"
    return msg


def _merge_text(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if piece[0] == "t" and out and out[-1][0] == "t":
            out[-1] = ["t", out[-1][1] + piece[1]]
        else:
            out.append(piece)
    return out


class _Reader:
    """Walks pylatexenc nodes into pieces, recording problems by offset."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def fail(self, offset: int, message: str) -> list[Piece]:
        self.problems.append((offset, message))
        return []

    def text_nodes(self, nodes: list | None) -> list[Piece]:
        out: list[Piece] = []
        for node in nodes or []:
            out.extend(self.text_node(node))
        return out

    def text_node(self, node: lw.LatexNode) -> list[Piece]:
        if node is None:
            return []
        if isinstance(node, lw.LatexCharsNode):
            return [["t", node.chars.replace(_PERCENT, "%")]]
        if isinstance(node, lw.LatexSpecialsNode):
            return [["t", node.specials_chars]]
        if isinstance(node, lw.LatexGroupNode):
            return [["t", "{"], *self.text_nodes(node.nodelist), ["t", "}"]]
        if isinstance(node, lw.LatexMathNode):
            return self.math(node)
        if isinstance(node, lw.LatexMacroNode):
            return self.macro(node)
        if isinstance(node, lw.LatexEnvironmentNode):
            return self.environment(node)
        return self.fail(node.pos, "comments are not supported")

    def macro(self, node: lw.LatexMacroNode) -> list[Piece]:
        name = node.macroname
        if name in wl.TEXT_ESCAPES:
            return [["t", name]]
        if name == _PERCENT:
            return [["t", "%"]]
        if name in wl.FORBIDDEN:
            return self.fail(node.pos, f"\\{name} is not allowed in content")
        if name not in wl.TEXT_COMMANDS or name == "item":
            return self.fail(node.pos, _unknown(name, "text", sorted(wl.TEXT_COMMANDS)))
        arg = _first_arg(node)
        if not isinstance(arg, lw.LatexGroupNode):
            return self.fail(node.pos, f"\\{name} needs an argument in braces")
        if name in ("qref", "cite"):
            target = re.sub(r"\s*,\s*", ",", self.source[arg.pos + 1 : arg.pos + arg.len - 1].strip())
            allowed = _KEYS if name == "cite" else _ID
            if not allowed.fullmatch(target):
                return self.fail(arg.pos, f"\\{name}{{{target}}}: expected {_TARGET_HELP[name]}")
            return [[name, target, arg.pos + 1]]
        return [[name, self.text_nodes(arg.nodelist)]]

    def environment(self, node: lw.LatexEnvironmentNode) -> list[Piece]:
        name = node.environmentname
        if name not in wl.TEXT_ENVIRONMENTS:
            return self.fail(node.pos, f"environment '{name}' is not allowed; use itemize or enumerate")
        items: list[list[Piece]] = []
        for child in node.nodelist or []:
            if isinstance(child, lw.LatexMacroNode) and child.macroname == "item":
                if _first_arg(child) is not None:
                    self.fail(child.pos, "\\item[...] labels are not supported")
                items.append([])
            elif not items:
                if not (isinstance(child, lw.LatexCharsNode) and not child.chars.strip()):
                    self.fail(child.pos, f"text in {name} must follow an \\item")
            else:
                items[-1].extend(self.text_node(child))
        if not items:
            return self.fail(node.pos, f"{name} needs at least one \\item")
        return [[name, [_merge_text(item) for item in items]]]

    def math(self, node: lw.LatexMathNode) -> list[Piece]:
        if node.delimiters[0] == "$$":
            return self.fail(node.pos, "$$...$$ is not supported; write \\[...\\] for display maths")
        self.check_math(node.nodelist, in_alignment=False)
        body_start = node.pos + len(node.delimiters[0])
        body_end = node.pos + node.len - len(node.delimiters[1])
        body = self.source[body_start:body_end]
        if "^^" in body:
            self.fail(body_start + body.index("^^"), "^^ character codes are not allowed")
        return [["m", _math_source(body), node.displaytype == "display"]]

    def check_math(self, nodes: list | None, in_alignment: bool) -> None:
        for node in nodes or []:
            self.check_math_node(node, in_alignment)

    def check_math_node(self, node: lw.LatexNode, in_alignment: bool) -> None:
        if node is None:
            return
        if isinstance(node, lw.LatexMacroNode):
            self.check_math_macro(node, in_alignment)
        elif isinstance(node, lw.LatexEnvironmentNode):
            if node.environmentname not in wl.MATH_ENVIRONMENTS:
                self.fail(node.pos, _unknown(node.environmentname, "maths environment", sorted(wl.MATH_ENVIRONMENTS)))
            self.check_args(node, True)
            self.check_math(node.nodelist, True)
        elif isinstance(node, lw.LatexGroupNode):
            self.check_math(node.nodelist, in_alignment)
        elif isinstance(node, lw.LatexMathNode):
            self.fail(node.pos, "maths inside maths; close the first formula before opening another")
        elif isinstance(node, lw.LatexCharsNode):
            self.check_math_chars(node, in_alignment)
        elif isinstance(node, lw.LatexSpecialsNode):
            if node.specials_chars == "&" and not in_alignment:
                self.fail(node.pos, "& in maths belongs inside aligned, cases or a matrix; write \\& for an ampersand")
        elif isinstance(node, lw.LatexCommentNode):
            self.fail(node.pos, "comments are not supported")

    def check_math_macro(self, node: lw.LatexMacroNode, in_alignment: bool) -> None:
        name = node.macroname
        if name == _PERCENT:
            return
        if name in wl.FORBIDDEN:
            self.fail(node.pos, f"\\{name} is not allowed in content")
        elif name not in wl.MATH_COMMANDS:
            self.fail(node.pos, _unknown(name, "maths", sorted(wl.MATH_COMMANDS)))
        self.check_args(node, in_alignment)

    def check_args(self, node: lw.LatexNode, in_alignment: bool) -> None:
        if node.nodeargd is None:
            return
        for arg in node.nodeargd.argnlist or []:
            self.check_math_node(arg, in_alignment)

    def check_math_chars(self, node: lw.LatexCharsNode, in_alignment: bool) -> None:
        for i, ch in enumerate(node.chars):
            if ch == "#":
                self.fail(node.pos + i, "# cannot appear in maths; write \\# for a hash sign")
            elif ch == "&" and not in_alignment:
                self.fail(node.pos + i, "& in maths belongs inside aligned, cases or a matrix")
            elif ord(ch) > 127 and ch != _PERCENT and _unicode_math(ch) is None:
                self.fail(node.pos + i, f"character {ch!r} (U+{ord(ch):04X}) has no LaTeX maths equivalent")


def _first_arg(node: lw.LatexMacroNode) -> lw.LatexNode | None:
    args = node.nodeargd.argnlist if node.nodeargd else []
    return next((a for a in args if a is not None), None)


def _unknown(name: str, where: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean \\{close[0]}?" if close else ""
    return f"\\{name} is not an allowed {where} command{hint}"


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        non_ascii_only=False, unknown_char_policy="fail", replacement_latex_protection="braces-all"
    )


# Characters pylatexenc maps to a text-mode command, whose maths command exists.
_MATH_CHARS = {
    "→": r"\to", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow", "⇐": r"\Leftarrow",
    "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "×": r"\times", "·": r"\cdot", "÷": r"\div",
    "…": r"\ldots", "⋯": r"\cdots", "′": "'", "″": "''", "−": "-", "±": r"\pm", "¬": r"\neg",
}


@lru_cache(maxsize=4096)
def _unicode_math(ch: str) -> str | None:
    """The LaTeX for one non-ASCII character used in maths, if every command in it is allowed."""
    latex = _MATH_CHARS.get(ch)
    if latex is None:
        try:
            encoded = UnicodeToLatexEncoder(non_ascii_only=True, unknown_char_policy="fail").unicode_to_latex(ch)
        except ValueError:
            return None
        inner = re.fullmatch(r"\\ensuremath\{(.*)\}", encoded)
        if inner is None:
            return None
        latex = inner.group(1)
    if not set(re.findall(r"\\([A-Za-z]+)", latex)) <= wl.MATH_COMMANDS:
        return None  # e.g. ∯ would become \surfintegral, which no loaded package defines
    return latex + " "


def _math_source(body: str) -> str:
    out = []
    for ch in body:
        if ch == _PERCENT:
            out.append(r"\%")
        elif ord(ch) > 127:
            out.append(_unicode_math(ch) or "")
        else:
            out.append(ch)
    return "".join(out).strip()


# -- checking characters of running text ------------------------------------


def unprintable(pieces: list[Piece]) -> list[str]:
    """Characters of running text that TeX could not print."""
    bad = []
    for piece in _walk(pieces):
        if piece[0] == "t":
            bad.extend(ch for ch in piece[1] if ord(ch) > 127 and latex_char(ch) is None)
    return bad


@lru_cache(maxsize=8192)
def latex_char(ch: str) -> str | None:
    """The LaTeX that prints one character of running text, or None."""
    special = _TEXT_SPECIALS.get(ch)
    if special is not None:
        return special
    if ord(ch) > 127 and ch not in wl.TEXT_UNICODE:
        return None
    try:
        return _encoder().unicode_to_latex(ch)
    except ValueError:
        return None


_TEXT_SPECIALS = {
    "-": "-{}",  # stops -- and --- from becoming dashes
    "`": r"\textasciigrave{}",
    "'": "'{}",  # keeps the curly apostrophe but stops '' becoming a quote
    ",": ",{}",  # stops ,, from becoming a low quote
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "\n": "\n",
    " ": " ",
}


# -- rendering ---------------------------------------------------------------

Resolver = Callable[[str, str], str]


def to_latex(pieces: list[Piece], resolve: Resolver) -> str:
    """LaTeX for pieces; `resolve(kind, target)` renders qref and cite."""
    return "".join(_latex_piece(p, resolve) for p in pieces)


def escape_text(text: str) -> str:
    """Running text as LaTeX that prints it literally."""
    if text.isalnum() or not text:
        return text
    return "".join(ch if ch.isascii() and ch.isalnum() else (latex_char(ch) or "?") for ch in text)


def _latex_piece(piece: Piece, resolve: Resolver) -> str:
    kind = piece[0]
    if kind == "t":
        return escape_text(piece[1])
    if kind == "m":
        return f"\\HBdisplay{{{piece[1]}}}" if piece[2] else f"\\({piece[1]}\\)"
    if kind in ("emph", "textbf", "texttt"):
        return f"\\{kind}{{{to_latex(piece[1], resolve)}}}"
    if kind in ("itemize", "enumerate"):
        items = "".join(f"\\item {to_latex(item, resolve).strip()}\n" for item in piece[1])
        return f"\n\\begin{{{kind}}}\n{items}\\end{{{kind}}}\n"
    return resolve(kind, piece[1])


def to_html(pieces: list[Piece], resolve: Resolver) -> str:
    """HTML for pieces, maths left for MathJax as \\( \\) and \\[ \\] (see htmlprose)."""
    from .htmlprose import mathjax, to_html as write_html

    return write_html(pieces, resolve, mathjax)


def to_text(pieces: list[Piece], resolve: Resolver) -> str:
    """Plain text for pieces (maths as its source)."""
    out = []
    for piece in pieces:
        kind = piece[0]
        if kind == "t":
            out.append(piece[1])
        elif kind == "m":
            out.append(piece[1])
        elif kind in ("emph", "textbf", "texttt"):
            out.append(to_text(piece[1], resolve))
        elif kind in ("itemize", "enumerate"):
            out.extend(to_text(item, resolve) + "\n" for item in piece[1])
        else:
            out.append(resolve(kind, piece[1]))
    return "".join(out)


def word_count(pieces: list[Piece]) -> int:
    """Words a reader reads, counting each formula as one."""
    return len(to_text(pieces, lambda kind, target: target).split())
