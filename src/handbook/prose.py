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

VERSION = "prose-5"  # bump when the parse or its output changes

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
        return [(p[0], target, p[2]) for p in walk(self.pieces) if p[0] in ("qref", "cite")
                for target in p[1].split(",")]


def walk(pieces: list[Piece]):
    """Every piece, and every piece nested inside one."""
    for piece in pieces:
        yield piece
        if piece[0] in ("emph", "textbf", "texttt"):
            yield from walk(piece[1])
        elif piece[0] in ("itemize", "enumerate"):
            for item in piece[1]:
                yield from walk(item)
        elif piece[0] == "href":
            yield from walk(piece[2])


def cache_key(text: str) -> str:
    return hashlib.sha256(f"{VERSION}\0{text}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _context() -> lw.LatexContextDb:
    db = lw.get_default_latex_context_db()
    db.add_context_category(
        "handbook",
        prepend=True,
        macros=[*(MacroSpec(name, "{") for name in ("qref", "cite", "emph", "textbf", "texttt", "url")),
                MacroSpec("href", "{{")],
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
        opening = _unclosed(masked)
        if opening is not None:
            return Parsed([], [opening])
        offset = getattr(exc, "pos", None) or 0
        return Parsed([], [(offset, _parse_message(exc))])
    reader = _Reader(masked)
    pieces = reader.text_nodes(nodes)
    return Parsed(_merge_text(pieces), reader.problems)


_OPENERS = re.compile(r"\\[()\[\]]|\\.|[{}$]", re.S)


def _unclosed(text: str) -> tuple[int, str] | None:
    """Where the first brace or maths delimiter that is never closed opens, and what to do."""
    braces: list[int] = []
    maths: tuple[int, str] | None = None  # where the open formula started, and its closer
    for match in _OPENERS.finditer(text):
        token, at = match.group(), match.start()
        if token in ("\\(", "\\[") and maths is None:
            maths = (at, "\\)" if token == "\\(" else "\\]")
        elif maths and token == maths[1]:
            maths = None
        elif token == "$":
            maths = (at, "$") if maths is None else (None if maths[1] == "$" else maths)
        elif token == "{":
            braces.append(at)
        elif token == "}" and braces:
            braces.pop()
    if braces:
        return braces[0], "this { is never closed: add the matching } (or write \\{ for a literal brace)"
    if maths is not None:
        at = _runaway_dollar(text) if maths[1] == "$" else None
        at = maths[0] if at is None else at
        return at, f"this {text[at:at + len(maths[1])]} opens maths that is never closed: add {maths[1]}"
    return None


def _runaway_dollar(text: str) -> int | None:
    """With an odd number of $, the first that, paired with the next, encloses prose rather than maths."""
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", text)]
    for start, end in zip(dollars[::2], dollars[1::2]):
        body = re.sub(r"\\[A-Za-z]+", " ", text[start + 1:end])
        if re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}", body):
            return start
    return None


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
            meant = _MEANING.get(name)
            if meant not in wl.TEXT_COMMANDS and (name in wl.MATH_COMMANDS or meant in wl.MATH_COMMANDS):
                return self.fail(node.pos, f"\\{name} is a maths command: write it inside $...$")
            return self.fail(node.pos, _unknown(name, "text", sorted(wl.TEXT_COMMANDS)))
        arg = _first_arg(node)
        if not isinstance(arg, lw.LatexGroupNode):
            return self.fail(node.pos, f"\\{name} needs an argument in braces")
        if name in ("url", "href"):
            return self.link(node, arg)
        if name in ("qref", "cite"):
            target = re.sub(r"\s*,\s*", ",", self.source[arg.pos + 1 : arg.pos + arg.len - 1].strip())
            allowed = _KEYS if name == "cite" else _ID
            if not allowed.fullmatch(target):
                return self.fail(arg.pos, f"\\{name}{{{target}}}: expected {_TARGET_HELP[name]}")
            return [[name, target, arg.pos + 1]]
        return [[name, self.text_nodes(arg.nodelist)]]

    def link(self, node: lw.LatexMacroNode, arg: lw.LatexGroupNode) -> list[Piece]:
        """\\url{address} or \\href{address}{text}: a web or mail address, checked character by character."""
        url = self.source[arg.pos + 1 : arg.pos + arg.len - 1].replace(_PERCENT, "%").strip()
        bad = next((i for i, ch in enumerate(url) if not _URL_CHAR.fullmatch(ch)), None)
        if bad is not None:
            return self.fail(arg.pos + 1 + bad, f"{url[bad]!r} cannot appear in a link address; "
                                                "percent-encode it (a space is %20)")
        if not _URL_SCHEME.match(url):
            return self.fail(arg.pos + 1, "a link address starts with https://, http:// or mailto:")
        if node.macroname == "url":
            return [["url", url]]
        text = node.nodeargd.argnlist[1] if len(node.nodeargd.argnlist or []) > 1 else None
        if not isinstance(text, lw.LatexGroupNode):
            return self.fail(node.pos, "\\href needs the address and then the text in braces: \\href{https://...}{text}")
        return [["href", url, self.text_nodes(text.nodelist)]]

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
        nodes = [n for n in nodes or [] if n is not None]
        for node in nodes:
            self.check_math_node(node, in_alignment)
        self.check_scripts(nodes)
        self.check_delimiters(nodes)

    def check_scripts(self, nodes: list) -> None:
        """A ^ or _ must be followed by what it raises or lowers, as TeX requires."""
        for i, node in enumerate(nodes):
            if not isinstance(node, lw.LatexCharsNode):
                continue
            for match in re.finditer(r"[\^_]", node.chars):
                rest = node.chars[match.end():].lstrip()
                following = rest[:1] if rest else _first_char(nodes[i + 1:])
                if following in ("", "^", "_", "&", "}"):
                    what = "superscript" if match.group() == "^" else "subscript"
                    self.fail(node.pos + match.start(), f"{match.group()} needs a {what} after it, "
                                                        f"e.g. x{match.group()}{{2}}")

    def check_delimiters(self, nodes: list) -> None:
        """Every \\left has its \\right in the same group, and the other way round."""
        depth, opened = 0, []
        for node in nodes:
            if isinstance(node, lw.LatexMacroNode) and node.macroname in ("left", "right"):
                if node.macroname == "left":
                    opened.append(node)
                elif opened:
                    opened.pop()
                else:
                    self.fail(node.pos, "\\right without a \\left before it in the same group")
        for node in opened:
            self.fail(node.pos, "\\left without a matching \\right in the same group (use \\right. for none)")

    def check_math_node(self, node: lw.LatexNode, in_alignment: bool) -> None:
        if node is None:
            return
        if isinstance(node, lw.LatexMacroNode):
            self.check_math_macro(node, in_alignment)
        elif isinstance(node, lw.LatexEnvironmentNode):
            if node.environmentname not in wl.MATH_ENVIRONMENTS:
                env = node.environmentname
                meant = _MEANING.get(env) if _MEANING.get(env) in wl.MATH_ENVIRONMENTS else None
                hint = f"; use {meant}" if meant else f"; allowed: {', '.join(sorted(wl.MATH_ENVIRONMENTS))}"
                self.fail(node.pos, f"environment '{env}' is not allowed in maths{hint}")
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
        if name == "\\" and not in_alignment:
            self.fail(node.pos, "\\\\ breaks lines only inside aligned, cases or a matrix; "
                                "wrap the lines in \\begin{aligned}...\\end{aligned}")
            return
        if name in _MATH_TEXT:
            self.check_text_in_math(node)
        if name in wl.FORBIDDEN:
            self.fail(node.pos, f"\\{name} is not allowed in content")
        elif name not in wl.MATH_COMMANDS:
            self.fail(node.pos, _unknown(name, "maths", sorted(wl.MATH_COMMANDS)))
        self.check_args(node, in_alignment)

    def check_text_in_math(self, node: lw.LatexMacroNode) -> None:
        """Text inside \\text{} in maths: non-ASCII there would be turned into maths commands TeX rejects."""
        arg = _first_arg(node)
        for child in (arg.nodelist if isinstance(arg, lw.LatexGroupNode) else []) or []:
            if isinstance(child, lw.LatexCharsNode):
                for i, ch in enumerate(child.chars):
                    if ord(ch) > 127 and ch != _PERCENT:
                        self.fail(child.pos + i, f"character {ch!r} (U+{ord(ch):04X}) cannot be typeset inside "
                                                 f"\\{node.macroname}{{}}; write it as maths outside the text")

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


# Maths commands whose argument is set as text, where only text characters print.
_MATH_TEXT = frozenset({"text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox", "hbox"})


def _first_char(nodes: list) -> str:
    """The first character the nodes start with, '' if none; a command or group counts as 'x'."""
    for node in nodes:
        if isinstance(node, lw.LatexCharsNode):
            if node.chars.strip():
                return node.chars.lstrip()[0]
        else:
            return "x"
    return ""


def _first_arg(node: lw.LatexMacroNode) -> lw.LatexNode | None:
    args = node.nodeargd.argnlist if node.nodeargd else []
    return next((a for a in args if a is not None), None)


_URL_CHAR = re.compile(r"[A-Za-z0-9\-._~:/?#@!&'()*+,;=%]")
_URL_SCHEME = re.compile(r"(https?://|mailto:)[^\s]")

# What authors reach for, and the allowed command that means the same.
_MEANING = {
    "mathscr": "mathcal", "mathbbm": "mathbb", "bm": "boldsymbol", "mathbold": "mathbf", "intercal": "top",
    "textit": "emph", "textsl": "emph", "underline": "emph", "textsc": "emph", "it": "emph", "bf": "textbf",
    "align": "aligned", "align*": "aligned", "eqnarray": "aligned", "gather": "aligned", "split": "aligned",
    "ref": "qref", "eqref": "qref", "citep": "cite", "citet": "cite", "dfrac": "frac",
}


def _unknown(name: str, where: str, known: list[str]) -> str:
    import difflib

    if name == "item":
        return "\\item belongs inside a list: \\begin{itemize} \\item ... \\end{itemize} (or enumerate)"
    meant = _MEANING.get(name)
    close = [meant] if meant in known else difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean \\{close[0]}?" if close and close[0] != name else ""
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


# -- doubts: text that is valid but probably not what the author meant --------

# `$5 now beats $10`: two dollar signs meant as money make one formula.
_MONEY = re.compile(r"(?<!\\)\$(\d[^$]*?[A-Za-z]{2,}\s+[A-Za-z]{2,}[^$]*)(?<!\\)\$")


# A web address typed as plain text: TeX cannot break it, so it runs into the margin.
_BARE_URL = re.compile(r"(?<![{\w])https?://[^\s}]{30,}")


def doubtful(source: str) -> list[tuple[int, str]]:
    """(offset, message) for valid text that probably does not mean what it says."""
    found = [(m.start(), "an address this long cannot break at the margin of a small page; "
                         f"write \\url{{{m.group()}}}") for m in _BARE_URL.finditer(source)]
    for match in _MONEY.finditer(source):
        if not re.search(r"\\[A-Za-z]+\s*$", source[: match.start(1)]):
            found.append((match.start(), f"'${match.group(1)}$' is set as one formula, words run together; "
                                          "for a dollar sign write \\$ (e.g. \\$5)"))
    return found


# -- checking characters of running text ------------------------------------


def text_offset(source: str, ch: str) -> int:
    """The first place `ch` stands outside maths in `source` (else its first place)."""
    inside = [False] * len(source)
    opened: tuple[int, str] | None = None
    for match in _OPENERS.finditer(source):
        token, at = match.group(), match.start()
        if opened is None and token in ("$", "\\(", "\\["):
            opened = (at, {"$": "$", "\\(": "\\)", "\\[": "\\]"}[token])
        elif opened is not None and token == opened[1]:
            inside[opened[0]:match.end()] = [True] * (match.end() - opened[0])
            opened = None
    places = [i for i, c in enumerate(source) if c == ch]
    return next((i for i in places if not inside[i]), places[0] if places else 0)


def math_hint(ch: str) -> str:
    """'; write $\\sum$' when the character has an allowed maths command."""
    latex = _unicode_math(ch)
    return f"; write ${latex.strip()}$" if latex else "; leave it out or describe it in words"


def unprintable(pieces: list[Piece]) -> list[str]:
    """Characters of running text that TeX could not print."""
    bad = []
    for piece in walk(pieces):
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


class _Escapes(dict):
    """Code point -> LaTeX, filled on first sight: str.translate then runs at C speed."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = ch if ch.isascii() and ch.isalnum() else (latex_char(ch) or "?")
        return self[code]


_ESCAPES = _Escapes()


def escape_text(text: str) -> str:
    """Running text as LaTeX that prints it literally."""
    return text.translate(_ESCAPES)


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
    if kind == "url":
        return f"\\href{{{_href_target(piece[1])}}}{{\\texttt{{{_breakable(piece[1])}}}}}"
    if kind == "href":
        return f"\\href{{{_href_target(piece[1])}}}{{{to_latex(piece[2], resolve)}}}"
    return resolve(kind, piece[1])


def _href_target(url: str) -> str:
    """A link address as hyperref reads it even inside another command's argument."""
    return re.sub(r"([#%&])", r"\\\1", url)


def _breakable(url: str) -> str:
    """The address as printed, allowed to break after / . - ? & = _ so it fits a narrow page."""
    return "".join(escape_text(ch) + ("\\allowbreak{}" if ch in "/.-?&=_" else "") for ch in url)


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
        elif kind == "url":
            out.append(piece[1])
        elif kind == "href":
            out.append(f"{to_text(piece[2], resolve)} ({piece[1]})")
        else:
            out.append(resolve(kind, piece[1]))
    return "".join(out)


def word_count(pieces: list[Piece]) -> int:
    """Words a reader reads, counting each formula as one."""
    return len(to_text(pieces, lambda kind, target: target).split())
