"""Formulas as SVG drawn by TeX, for readers without MathML (`--math svg`).

All formulas not yet drawn go into one LaTeX document with the print
edition's fonts (Latin Modern through lmodern), one `preview` snippet each;
one latex run and one dvisvgm run turn them into one SVG per formula, and
dvisvgm reports each snippet's width, height and depth. A formula is shown as
an image sized in em (so it follows the reader's type size) and lowered by
its depth (so it sits on the baseline), with its LaTeX source as alt text.
Results are kept by content hash in build/math-svg.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import compile as tex
from .errors import HandbookError, TexError
from .htmlprose import attribute
from .model import Prose
from .store import write_bytes, write_text

VERSION = "texmath-1"
FOLDER = "math-svg"
MANIFEST = "manifest.json"
FONT_PT = 10.0  # the document's type size: 1 em
PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage[active,tightpage]{preview}
\begin{document}
"""
_EXTENTS = re.compile(r"width=([-\d.]+)pt, height=([-\d.]+)pt, depth=([-\d.]+)pt")
_HEADER = re.compile(rb"<\?xml[^>]*\?>\s*(<!--.*?-->\s*)?", re.DOTALL)


def require_dvisvgm() -> None:
    if shutil.which("dvisvgm") is None:
        raise HandbookError("--math svg needs dvisvgm; install it with:\n  apt-get install -y dvisvgm")


@dataclass
class SvgMath:
    """Draws formulas as SVG files and writes the <img> that shows each."""

    build_dir: Path
    epoch: int
    sizes: dict[str, list[float]] = field(default_factory=dict)  # key -> [width, height, depth] in pt
    used: dict[str, str] = field(default_factory=dict)  # key -> file name inside the book

    def __post_init__(self) -> None:
        try:
            self.sizes = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.sizes = {}

    @property
    def folder(self) -> Path:
        return self.build_dir / FOLDER

    @staticmethod
    def key(source: str, display: bool) -> str:
        return hashlib.sha256(f"{VERSION}\0{PREAMBLE}\0{int(display)}\0{source}".encode()).hexdigest()[:32]

    def prepare(self, formulas: list[tuple[Prose, str, bool]]) -> int:
        """Draw every formula not drawn yet, in one TeX run; returns how many were drawn."""
        todo: dict[str, tuple[Prose, str, bool]] = {}
        for prose, source, display in formulas:
            key = self.key(source, display)
            if key not in self.sizes or not (self.folder / f"{key}.svg").is_file():
                todo.setdefault(key, (prose, source, display))
        if todo:
            self._draw(todo)
        return len(todo)

    def _draw(self, todo: dict[str, tuple[Prose, str, bool]]) -> None:
        require_dvisvgm()
        work = self.folder / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        body = []
        for prose, source, display in todo.values():
            marker = json.dumps({"file": prose.node.pos.path, "line": prose.node.pos.line, "id": "", "field": "maths"})
            style = r"\displaystyle " if display else ""
            body.append(f"%@src {marker}\n\\begin{{preview}}${style}{source}$\\end{{preview}}\n")
        write_text(work / "main.tex", PREAMBLE + "".join(body) + "\\end{document}\n")
        tex.run_tex(["latex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-no-shell-escape",
                     "main.tex"], work, self.epoch, "maths as SVG", tex.TIMEOUT_S, "latex.out")
        done = subprocess.run(["dvisvgm", "--no-fonts", "--exact-bbox", "--page=1-", "--output=%9p.svg", "main.dvi"],
                              cwd=work, capture_output=True, text=True, timeout=tex.TIMEOUT_S)
        extents = _EXTENTS.findall(done.stdout + done.stderr)
        if done.returncode != 0 or len(extents) != len(todo):
            raise TexError(f"dvisvgm could not convert the formulas:\n{(done.stderr or done.stdout)[-2000:]}")
        for page, (key, (w, h, d)) in enumerate(zip(todo, extents), start=1):
            svg = _HEADER.sub(b'<?xml version="1.0" encoding="UTF-8"?>\n', (work / f"{page:09d}.svg").read_bytes(), count=1)
            write_bytes(self.folder / f"{key}.svg", svg)
            self.sizes[key] = [float(w), float(h), float(d)]
        write_text(self.folder / MANIFEST, json.dumps(self.sizes, indent=0, sort_keys=True))
        shutil.rmtree(work, ignore_errors=True)

    def __call__(self, source: str, display: bool) -> str:
        """The <img> for one formula (prepared before)."""
        key = self.key(source, display)
        width, height, depth = (v / FONT_PT for v in self.sizes[key])
        name = f"math/{key}.svg"
        self.used[key] = name
        return (f'<img class="math" src="{name}" alt="{attribute(source)}" '
                f'style="width:{width:.3f}em;height:{height + depth:.3f}em;vertical-align:{-depth:.3f}em"/>')

    def files(self) -> dict[str, bytes]:
        """Book path -> SVG for every formula shown."""
        return {name: (self.folder / f"{key}.svg").read_bytes() for key, name in sorted(self.used.items())}
