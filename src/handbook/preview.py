"""A print preview of the chapters an edit touched, numbered as in the full book.

LaTeX's own mechanism does the work: the print edition `\\include`s one file
per chapter, so a copy of its folder with `\\includeonly{...}` typesets only
the edited chapters in one pdflatex pass. Every other chapter's page and
question numbers come from the .aux files of the last full compile, so the
preview's page numbers, question numbers and cross-references are the book's.

Loading the preamble's packages is half of such a pass, so the preamble is
dumped once into a format file (the mylatexformat package) and each preview
starts from it; the format is made again when the preamble or TeX changes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import compile as tex
from .errors import TexError
from .store import copy_atomic, write_text

PREVIEW_PDF = "preview.pdf"
FORMAT = "preamble"  # build/preview/preamble.fmt, and preamble.key for what it was made from
_PAGE = re.compile(r"\\setcounter\{page\}\{(\d+)\}")


@dataclass
class Preview:
    """What a preview showed, and whether the full book must settle its page numbers."""

    chapters: list[str]
    pdf: Path | None
    moved: list[str]  # chapters whose last page changed

    def message(self) -> str:
        if self.pdf is None:
            return "no preview: the full print book has not been built yet to number it from"
        shown = ", ".join(self.chapters)
        if self.moved:
            return (f"{shown} -> {self.pdf}; {', '.join(self.moved)} changed length, "
                    "so the full book is needed to settle page numbers")
        return f"{shown} -> {self.pdf}"


def changed_chapters(written: list[str], output: str = "handbook") -> list[str] | None:
    """The chapter files of `output` an edit rewrote; None if anything else changed too."""
    names = [w.split("/", 1)[1] for w in written if w.startswith(output + "/")]
    chapters = [n[: -len(".tex")] for n in names if re.fullmatch(r"chapter\d+\.tex", n)]
    return chapters if len(chapters) == len(names) else None


def make(book_folder: Path, chapters: list[str], out_dir: Path, epoch: int) -> Preview:
    """Typeset `chapters` of the print edition in `book_folder` into out_dir/preview.pdf."""
    if not chapters or not (book_folder / "stamp").is_file() or not (book_folder / "main.aux").is_file():
        return Preview(chapters, None, [])
    folder = _mirror(book_folder, chapters)
    before = {c: _last_page(folder / f"{c}.aux") for c in chapters}
    try:
        result = tex.pdflatex_once(folder, epoch, PREVIEW_PDF, fmt=_format(folder, epoch))
    except TexError:  # perhaps a format TeX no longer reads: try once without it
        main = folder / "main.tex"
        write_text(main, main.read_text(encoding="utf-8").replace(_DUMP_END + "\n", "", 1))
        result = tex.pdflatex_once(folder, epoch, PREVIEW_PDF)
        (folder / f"{FORMAT}.key").unlink(missing_ok=True)  # it was the format: make it again next time
    target = out_dir / PREVIEW_PDF
    copy_atomic(result.pdf, target)
    moved = [c for c in chapters if _last_page(folder / f"{c}.aux") != before[c]]
    return Preview(chapters, target, moved)


def prepare(book_folder: Path, epoch: int) -> None:
    """After a full compile, make the preview's format if the preamble changed: every preview is then quick.

    About a second, paid when the preamble changes (a clean build, a new
    title), not by the edit someone is waiting to see.
    """
    folder = book_folder.parent / "preview"
    main = _preview_main((book_folder / "main.tex").read_text(encoding="utf-8"), [])
    if _format_key(main) != _read(folder / f"{FORMAT}.key") and (book_folder / "main.aux").is_file():
        _format(_mirror(book_folder, []), epoch)


def _format(folder: Path, epoch: int) -> str:
    """The name of a format holding the preview's preamble, made now if missing or stale."""
    key = _format_key((folder / "main.tex").read_text(encoding="utf-8"))
    key_file = folder / f"{FORMAT}.key"
    if not ((folder / f"{FORMAT}.fmt").is_file() and _read(key_file) == key):
        key_file.unlink(missing_ok=True)
        tex.dump_format(folder, epoch, FORMAT, "main.tex", PREVIEW_PDF)
        write_text(key_file, key)
    return FORMAT


def _format_key(main: str) -> str:
    """What a format depends on: the preamble it holds and the TeX that made it."""
    pdflatex = Path(shutil.which("pdflatex") or "pdflatex").resolve()
    stamp = pdflatex.stat().st_mtime_ns if pdflatex.exists() else 0
    return hashlib.sha256(f"{pdflatex}\0{stamp}\0{main[: main.index(_DUMP_END)]}".encode()).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


_DUMP_END = "\\endofdump"


def _preview_main(main: str, chapters: list[str]) -> str:
    """The book's main.tex with only `chapters` typeset, and no title, contents or back matter.

    Those parts do not move a chapter's numbers: `\\mainmatter` restarts the
    page count, and each skipped chapter's .aux restores the counters after it.
    The preamble ends at `\\endofdump`, the end of what the format holds.
    """
    only = _DUMP_END + "\n\\includeonly{" + ",".join(chapters) + "}\n\\begin{document}"
    main = main.replace("\\begin{document}", only, 1)
    main = re.sub(r"(?s)\\frontmatter.*?\\mainmatter", lambda m: "\\mainmatter", main, count=1)
    return re.sub(r"(?s)\\backmatter.*?\\end\{document\}", lambda m: "\\end{document}", main, count=1)


def _mirror(source: Path, chapters: list[str]) -> Path:
    """A folder beside the book's with its sources, figures and .aux files, and a main.tex for `chapters`."""
    folder = source.parent / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file() and path.suffix in {".tex", ".aux", ".pdf", ".toc"} and path.name != "main.pdf":
            if path.suffix == ".pdf":
                copy_atomic(path, folder / path.name)  # figures: written only when changed
            else:
                shutil.copyfile(path, folder / path.name)
    write_text(folder / "main.tex", _preview_main((source / "main.tex").read_text(encoding="utf-8"), chapters))
    return folder


def _last_page(aux: Path) -> int | None:
    """The page counter a chapter's .aux records at the chapter's end."""
    try:
        found = _PAGE.findall(aux.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return int(found[-1]) if found else None
