"""The outputs that are files of their own rather than TeX runs: Anki, EPUB, HTML.

Each is one module with `write(ctx) -> list[Path]` and one line in `WRITERS`.
They share what the build has already done: the loaded Book, the parsed
prose, figures drawn once as SVG and formulas converted once to MathML.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import figures
from .errors import ContentError, Pos, Problem
from .mathml import Converter, MathError
from .model import Book, Chapter, Prose
from .options import PRINT_FIGURE_IN, Options
from .texmath import SvgMath

log = logging.getLogger(__name__)

SVG_VARIANT = (PRINT_FIGURE_IN, "svg")  # one SVG per figure, at print width, for every reflowable output


@dataclass
class Context:
    """What every export reads: the project, the selected chapters and shared renderings."""

    project: Path
    out_dir: Path
    book: Book
    chapters: list[Chapter]
    options: Options
    epoch: int
    drawn: int = 0
    _svgs: dict[str, Path] | None = field(default=None, repr=False)
    _math: Converter | None = field(default=None, repr=False)
    _svg_math: SvgMath | None = field(default=None, repr=False)

    @property
    def build_dir(self) -> Path:
        return self.project / "build"

    def svgs(self) -> dict[str, Path]:
        """Figure id -> SVG file, for every figure a selected question lists; drawn once per build."""
        if self._svgs is None:
            used = sorted({f for c in self.chapters for q in c.questions for f in q.figures})
            files, self.drawn = figures.render(self.project, [self.book.figures[f] for f in used],
                                               [SVG_VARIANT], figures.folder(self.project)) if used else ({}, 0)
            self._svgs = {f: files[(f, *SVG_VARIANT)] for f in used}
        return self._svgs

    def svg_bytes(self) -> dict[str, bytes]:
        """Figure id -> SVG for books and pages: no DTD, every path with a `d` (matplotlib's glyph stubs lack one)."""
        return {f: clean_svg(path.read_bytes()) for f, path in sorted(self.svgs().items())}

    def math(self) -> Converter:
        """The MathML converter, with its cache under build/cache; every formula is converted first."""
        if self._math is None:
            self._math = Converter(self.build_dir / "cache")
            problems = []
            for prose in used_prose(self.book, self.chapters):
                for source, display in formulas(prose.pieces):
                    try:
                        self._math(source, display)
                    except MathError as exc:
                        problems.append(Problem(_where(prose, exc.token or source), f"{exc}: {source}"))
            if problems:
                raise ContentError(list(dict.fromkeys(problems)))
        return self._math

    def svg_math(self) -> SvgMath:
        """Formulas drawn by TeX as SVG, every one of the selection drawn first."""
        if self._svg_math is None:
            self._svg_math = SvgMath(self.build_dir, self.epoch)
            self._svg_math.prepare([(p, source, display) for p in used_prose(self.book, self.chapters)
                                    for source, display in formulas(p.pieces)])
        return self._svg_math

    def finish(self) -> None:
        if self._math is not None:
            self._math.save()


_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")
_PATH_WITHOUT_D = re.compile(rb"<path((?:(?!\sd=)[^>])*?)/>")


def clean_svg(data: bytes) -> bytes:
    """matplotlib's SVG as EPUB allows it: no external DTD, no <path> missing its `d`."""
    data = _DOCTYPE.sub(b"", data, count=1)
    return _PATH_WITHOUT_D.sub(rb'<path d=""\1/>', data)


def _where(prose: Prose, text: str) -> Pos:
    """Where `text` first appears in the field, or the field itself."""
    offset = prose.source.find(text)
    return prose.node.at(offset) if offset >= 0 else prose.node.pos


def used_prose(book: Book, chapters: list[Chapter]) -> list[Prose]:
    """Every prose field the selected chapters show, figure captions included."""
    out = [c.intro for c in chapters]
    for q in (q for c in chapters for q in c.questions):
        out += [p for _, p in q.prose_fields()]
        out += [book.figures[f].caption for f in q.figures]
    return out


def formulas(pieces: list) -> list[tuple[str, bool]]:
    """(source, display) of every formula in pieces, nested ones included."""
    out = []
    for piece in pieces:
        if piece[0] == "m":
            out.append((piece[1], piece[2]))
        elif piece[0] in ("emph", "textbf", "texttt"):
            out += formulas(piece[1])
        elif piece[0] in ("itemize", "enumerate"):
            out += [f for item in piece[1] for f in formulas(item)]
    return out


def _anki(ctx: Context) -> list[Path]:
    from . import anki

    return anki.write(ctx)


def _epub(ctx: Context) -> list[Path]:
    from . import epub

    return epub.write(ctx)


def _html(ctx: Context) -> list[Path]:
    from . import site

    return site.write(ctx)


WRITERS: dict[str, Callable[[Context], list[Path]]] = {"anki": _anki, "epub": _epub, "html": _html}
FILE_NAMES = {"anki": "handbook.apkg", "epub": "handbook.epub", "html": "html/index.html"}


def zip_entry(archive: zipfile.ZipFile, name: str, data: bytes, date_time: tuple, stored: bool = False) -> None:
    """One zip entry with a fixed time and mode, so the archive does not vary."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    archive.writestr(info, data)
