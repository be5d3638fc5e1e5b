"""LaTeX maths to MathML with latex2mathml, cached by content hash.

A few whitelisted commands latex2mathml does not know are rewritten first to
ones it does; every result is checked to be well-formed XML with no LaTeX
left in it, so no formula reaches a reader as raw TeX.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from latex2mathml.converter import convert

from .htmlprose import attribute
from .store import write_bytes

VERSION = "mathml-1"
CACHE_FILE = "mathml.cache"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"

# Commands of the whitelist that latex2mathml lacks, as ones it renders the same.
_REWRITES = [
    (re.compile(r"\\arg(?![A-Za-z])"), r"\\operatorname{arg}"),
    (re.compile(r"\\begin\{aligned\}"), r"\\begin{array}{rlrlrl}"),
    (re.compile(r"\\end\{aligned\}"), r"\\end{array}"),
]
# After \big and its kin latex2mathml copies a delimiter command into <mo> as it was written.
_DELIMITERS = {
    r"\{": "{", r"\}": "}", r"\|": "\u2016", r"\Vert": "\u2016", r"\lVert": "\u2016", r"\rVert": "\u2016",
    r"\vert": "|", r"\lvert": "|", r"\rvert": "|", r"\langle": "\u27e8", r"\rangle": "\u27e9",
    r"\lfloor": "\u230a", r"\rfloor": "\u230b", r"\lceil": "\u2308", r"\rceil": "\u2309",
    r"\backslash": "&#x0005C;", r"\uparrow": "\u2191", r"\downarrow": "\u2193",
}
_DELIMITER_MO = re.compile(r"(<mo[^>]*>)(\\(?:[A-Za-z]+|[{}|]))(</mo>)")
# latex2mathml copies the text of \text{} and \mbox{} into <mtext> without escaping it.
_MTEXT = re.compile(r"(<mtext[^>]*>)(.*?)(</mtext>)", re.DOTALL)
_BARE_AMP = re.compile(r"&(?!#?[A-Za-z0-9]+;)")
_LEFT_OVER = re.compile(r"\\(?:[A-Za-z]+|.)|&(?!#?[A-Za-z0-9]+;)")


class MathError(ValueError):
    """A formula the converter could not turn into clean MathML; `token` is what was left, if known."""

    def __init__(self, message: str, token: str = ""):
        super().__init__(message)
        self.token = token


@lru_cache(maxsize=1)
def _library_version() -> str:
    try:
        return importlib.metadata.version("latex2mathml")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def prepare(source: str) -> str:
    """The source with commands latex2mathml lacks rewritten."""
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    return source


def _escape_text(text: str) -> str:
    return _BARE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def convert_one(source: str, display: bool) -> str:
    """One formula as a <math> element carrying its LaTeX source as alttext."""
    try:
        out = convert(prepare(source), display="block" if display else "inline")
    except Exception as exc:  # the library raises many kinds; all mean "cannot convert"
        raise MathError(f"cannot convert to MathML: {type(exc).__name__} {exc}".strip()) from None
    out = _DELIMITER_MO.sub(lambda m: m.group(1) + _DELIMITERS.get(m.group(2), m.group(2)) + m.group(3), out)
    out = _MTEXT.sub(lambda m: m.group(1) + _escape_text(m.group(2)) + m.group(3), out)
    left = _LEFT_OVER.search(out)
    if left:
        raise MathError(f"cannot convert to MathML: {left.group()} is left as it was", left.group())
    try:
        ET.fromstring(out)
    except ET.ParseError as exc:
        raise MathError(f"cannot convert to MathML: {exc}") from None
    return out.replace("<math ", f'<math alttext="{attribute(source)}" ', 1)


@dataclass
class Converter:
    """Converts formulas, remembering results by hash in build/cache."""

    cache_dir: Path | None
    cache: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    converted: int = 0

    def __post_init__(self) -> None:
        if self.cache_dir is not None:
            try:
                data = marshal.loads((self.cache_dir / CACHE_FILE).read_bytes())
                self.cache = data if isinstance(data, dict) else {}
            except (OSError, EOFError, ValueError, TypeError):
                self.cache = {}

    def __call__(self, source: str, display: bool) -> str:
        key = hashlib.sha256(f"{VERSION}\0{_library_version()}\0{int(display)}\0{source}".encode()).hexdigest()
        if key not in self.cache:
            self.cache[key] = convert_one(source, display)
            self.converted += 1
        self.used.add(key)
        return self.cache[key]

    def save(self) -> None:
        """Keep the formulas used by this build (others are dropped)."""
        if self.cache_dir is not None and (self.converted or len(self.used) != len(self.cache)):
            write_bytes(self.cache_dir / CACHE_FILE, marshal.dumps({k: self.cache[k] for k in sorted(self.used)}))
