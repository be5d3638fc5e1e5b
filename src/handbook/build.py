"""The build: load and check everything, render figures and LaTeX, compile.

Each output has its own folder under build/. Sources are written only when
their bytes change, and an output whose inputs hash the same as at its last
good compile is not compiled again. A PDF reaches the output folder only
after TeX succeeded, by atomic replace, so a failed build keeps the last
good one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import compile as tex
from . import content, exports, figures, preview, render
from .errors import TexError
from .model import Book
from .options import PDF_NAMES, PRINT_FIGURE_IN, SCREENS, Options
from .store import copy_atomic, write_text

log = logging.getLogger(__name__)

FALLBACK_EPOCH = 1767225600  # 2026-01-01, when the project is not in git


@dataclass
class Report:
    """What a build did, for the status line and the benchmark."""

    compiled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    passes: dict[str, int] = field(default_factory=dict)
    figures_rendered: int = 0
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    preview: preview.Preview | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for the benchmark
    exported: list[str] = field(default_factory=list)  # outputs other than PDFs whose file changed
    preview_at: float | None = None  # time.perf_counter() when dist/preview.pdf was written


def build_dir(project: Path) -> Path:
    return project / "build"


def check(project: Path) -> Book:
    """Validate only; raises ContentError listing every problem."""
    return content.load_book(project, build_dir(project) / "cache")


def build(project: Path, out_dir: Path, options: Options) -> Report:
    """Check, draw, render and compile; one progress line per stage.

    The print preview comes right after the LaTeX sources, before the
    exports and the full books, so it is the first thing an edit shows.
    """
    start = time.perf_counter()
    report = Report()
    pdfs = tuple(o for o in options.outputs if o in PDF_NAMES)
    files = [o for o in options.outputs if o in exports.WRITERS]
    if pdfs:
        tex.require_tex()
    with _stage("content", report) as note:
        book = check(project)
        chapters = options.selection.apply(book)
        note(f"{len(chapters)} chapters, {sum(len(c.questions) for c in chapters)} questions")
    epoch = source_date_epoch(project)
    with _stage("figures", report) as note:
        figure_files = _figures(project, book, chapters, options, report)
        note(f"{report.figures_rendered} drawn")
    if pdfs:
        folders = _latex(project, out_dir, book, chapters, replace(options, outputs=pdfs), figure_files, epoch,
                         report)
    if files:
        with _stage("exports", report) as note:
            ctx = exports.Context(project, out_dir, book, chapters, options, epoch)
            note(_export(ctx, files, report))
    if pdfs:
        with _stage("tex", report) as note:
            _compile_all(folders, out_dir, epoch, report, card_faces(book))
            note(", ".join(f"{o} {report.passes[o]} passes" for o in report.compiled) or "all up to date")
            if "handbook" in report.compiled:
                preview.prepare(build_dir(project) / "handbook", epoch)
    report.seconds = time.perf_counter() - start
    return report


def _export(ctx: exports.Context, outputs: list[str], report: Report) -> str:
    """Run each file output on the shared context; say what changed."""
    try:
        for output in outputs:
            if exports.WRITERS[output](ctx):
                report.exported.append(output)
    finally:
        ctx.finish()
    report.figures_rendered += ctx.drawn
    return ", ".join(f"{o} {'written' if o in report.exported else 'unchanged'}" for o in outputs)


def _latex(project: Path, out_dir: Path, book: Book, chapters, options: Options,
           figure_files: dict[str, dict[str, str]], epoch: int, report: Report) -> dict[str, tuple[Path, str]]:
    """Write each PDF's LaTeX sources; returns output -> (folder, input hash).

    With a preview, the print edition's sources come first and the preview
    right after them: the other editions' sources wait until it is out.
    """
    first = ["handbook"] if options.preview and "handbook" in options.outputs else []
    folders = _write_sources(project, book, chapters, options, first, figure_files, epoch, report)
    if options.preview:
        with _stage("preview", report) as note:
            note(_preview(project, out_dir, epoch, folders, report))
            report.preview_at = time.perf_counter()
    rest = [o for o in options.outputs if o not in first]
    return folders | _write_sources(project, book, chapters, options, rest, figure_files, epoch, report)


def _write_sources(project: Path, book: Book, chapters, options: Options, outputs: list[str],
                   figure_files: dict[str, dict[str, str]], epoch: int, report: Report) -> dict[str, tuple[Path, str]]:
    """Render and write the sources of `outputs`, in one latex stage."""
    if not outputs:
        return {}
    with _stage("latex", report) as note:
        written = len(report.written)
        sources = _sources(project, book, chapters, replace(options, outputs=tuple(outputs)), figure_files)
        folders = {o: _prepare(build_dir(project) / o, sources[o], figures.folder(project), epoch, report)
                   for o in outputs}
        note(f"{len(report.written) - written} files rewritten")
    return folders


def _preview(project: Path, out_dir: Path, epoch: int, folders, report: Report) -> str:
    """Typeset only the edited chapters of the print book, before the full books compile."""
    if "handbook" not in folders:
        return "no preview: the print book is not among the outputs"
    chapters = preview.changed_chapters(report.written)
    if chapters is None:
        return "no preview: the edit reaches beyond one chapter; building the full book"
    if not chapters:
        return "no preview: no chapter changed"
    shown = preview.make(build_dir(project) / "handbook", chapters, out_dir, epoch)
    report.preview = shown
    return shown.message()


@contextmanager
def _stage(name: str, report: Report):
    """Log `name: what (seconds)` when the stage ends, and keep the seconds in the report."""
    start = time.perf_counter()
    said: list[str] = []
    yield said.append
    seconds = time.perf_counter() - start
    report.stages[name] = report.stages.get(name, 0.0) + seconds  # a stage may run in parts
    log.info("%-8s %s (%.2f s)", name + ":", "; ".join(said), seconds)


def _sources(project: Path, book: Book, chapters, options: Options,
             figure_files: dict[str, dict[str, str]]) -> dict[str, render.Sources]:
    env = render.environment(project)
    sources = {}
    for output in options.outputs:
        if output == "flashcards":
            sources[output] = render.flashcard_sources(env, book, chapters, options)
        else:
            sources[output] = render.book_sources(env, book, chapters, options, output, figure_files[output])
    return sources


def _figures(project: Path, book: Book, chapters, options: Options, report: Report) -> dict[str, dict[str, str]]:
    """Draw what every output needs, in one pass; returns PDF output -> figure id -> file name."""
    used = sorted({f for c in chapters for q in c.questions for f in q.figures})
    widths = {"handbook": PRINT_FIGURE_IN, "ereader": SCREENS[options.ereader].figure_width_in()}
    wanted = {o: widths[o] for o in options.outputs if o in widths}
    variants = [(width, "pdf") for width in wanted.values()]
    if any(o in exports.WRITERS for o in options.outputs):
        variants.append(exports.SVG_VARIANT)
    if not used or not variants:
        return {o: {} for o in wanted}
    files, drawn = figures.render(project, [book.figures[f] for f in used], variants, figures.folder(project))
    report.figures_rendered += drawn
    return {o: {f: files[(f, wanted[o], "pdf")].name for f in used} for o in wanted}


def _prepare(folder: Path, sources: render.Sources, figure_dir: Path, epoch: int, report: Report) -> tuple[Path, str]:
    """Write an output's sources if changed; returns the folder and its input hash."""
    digest = hashlib.sha256(f"epoch={epoch}\0".encode())
    for name, text in sorted(sources.files.items()):
        if write_text(folder / name, text):
            report.written.append(f"{folder.name}/{name}")
        digest.update(f"{name}\0{text}\0".encode())
    for fig_id, file_name in sorted(sources.figures.items()):
        data = (figure_dir / file_name).read_bytes()
        copy_atomic(figure_dir / file_name, folder / file_name)
        digest.update(file_name.encode() + b"\0" + hashlib.sha256(data).digest())
    return folder, digest.hexdigest()


def _compile_all(folders: dict[str, tuple[Path, str]], out_dir: Path, epoch: int, report: Report,
                 faces: dict[tuple[str, str], str]) -> None:
    todo = {}
    for output, (folder, digest) in folders.items():
        target = out_dir / PDF_NAMES[output]
        if _is_current(folder, digest, target):
            report.skipped.append(output)
        else:
            todo[output] = (folder, digest, target)
    failures = []
    with ThreadPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
        futures = {o: pool.submit(tex.latexmk, f, epoch, PDF_NAMES[o]) for o, (f, _, _) in todo.items()}
        try:
            for future in futures.values():
                future.exception()  # wait; Ctrl-C lands here
        except KeyboardInterrupt:
            tex.stop_all()
            raise
        results = {}
        for output, future in futures.items():
            try:
                results[output] = future.result()
            except TexError as exc:
                failures.append(str(exc))
    if failures:  # every edition stays as it was, so they never disagree
        raise TexError("\n".join(failures) + "\nNo output was changed: the previous PDFs were left in place.")
    for output, result in results.items():
        folder, digest, target = todo[output]
        copy_atomic(result.pdf, target)
        write_text(folder / "stamp", f"{digest}\n{_file_hash(target)}\n")
        report.compiled.append(output)
        report.passes[output] = result.passes
        report.warnings.extend(card_overflows(result.log, faces))


def _is_current(folder: Path, digest: str, target: Path) -> bool:
    try:
        stamp = (folder / "stamp").read_text(encoding="utf-8").split()
    except OSError:
        return False
    return len(stamp) == 2 and stamp[0] == digest and target.is_file() and _file_hash(target) == stamp[1]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card_overflows(tex_log: str, where: dict[tuple[str, str], str] | None = None) -> list[str]:
    """One warning per card face that did not fit even in the smallest type, at its YAML line."""
    faces = sorted(set(tuple(line.split(":", 1)[1].split()) for line in tex_log.splitlines()
                       if line.startswith("HANDBOOK-CARD-OVERFLOW:")))
    where = where or {}
    return [f"{where.get(face, '')}{': ' if face in where else ''}flashcard '{face[0]}': the {face[1]} does not fit "
            "on its card even in the smallest type; shorten it" for face in faces if len(face) == 2]


def card_faces(book: Book) -> dict[tuple[str, str], str]:
    """Where each card face comes from: (question id, field) -> 'path:line:col'."""
    return {(q.id, name): str(getattr(q, name).node.at(0)) for q in book.questions()
            for name in ("question", "short_answer")}


def edit_epoch(project: Path) -> int:
    """The source date, or later if content or figures were edited since the last commit.

    Anki replaces a note only when the incoming one is newer, so an edit must
    carry a later time even when no record of the previous export survives.
    Edited files (uncommitted, or any file outside git) contribute their
    modification times; unchanged files give the same value on every run.
    """
    epoch = source_date_epoch(project)
    edited = _uncommitted(project)
    if edited is None:  # not in git: every file counts
        edited = [p for folder in ("content", "figures") if (project / folder).is_dir()
                  for p in (project / folder).rglob("*") if p.is_file()]
    times = [int(p.stat().st_mtime) for p in edited if p.is_file()]
    return max([epoch, *times])


def _uncommitted(project: Path) -> list[Path] | None:
    """Content and figure files that differ from the last commit; None outside git."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", "content", "figures"],
                             cwd=project, capture_output=True, text=True, timeout=10)
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=project, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or top.returncode != 0:
        return None
    root = Path(top.stdout.strip())
    return [root / entry[3:] for entry in out.stdout.split("\0") if len(entry) > 3]


def source_date_epoch(project: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit that touched the content."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "content", "figures"], cwd=project,
                             capture_output=True, text=True, timeout=10)
        return int(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return FALLBACK_EPOCH

