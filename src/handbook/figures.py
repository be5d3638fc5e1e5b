"""Render figure modules to vector files, in parallel, only when they changed.

Each rendering is keyed by the module's source, the house style, the
library versions and the target width. Work happens in child processes, so
a build whose figures are all current never imports matplotlib.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Pos, Problem
from .model import Figure
from .store import write_bytes, write_text

log = logging.getLogger(__name__)

VERSION = "figures-1"
MANIFEST = "manifest.json"
STYLE_FILE = Path(__file__).parent / "plotting.py"  # the house style every figure is drawn in


Variant = tuple[float, str]  # (width in inches, "pdf" or "svg")


def folder(project: Path) -> Path:
    """Where every drawn variant of every figure lives, with one manifest: build/figures."""
    return project / "build" / "figures"


@dataclass(frozen=True)
class Job:
    """One figure module, and the variants of it that are out of date."""

    figure: str
    module_path: str  # absolute
    display: str
    variants: tuple[tuple[float, str, str], ...]  # (width, format, absolute output path)


def style_hash() -> str:
    """What besides a module's own source decides how its figure looks."""
    parts = [VERSION, STYLE_FILE.read_text(encoding="utf-8")]
    for lib in ("matplotlib", "numpy"):
        try:
            parts.append(f"{lib}={importlib.metadata.version(lib)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{lib}=none")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def file_name(figure: str, width_in: float, fmt: str) -> str:
    return f"{figure}-{round(width_in * 100):d}.{fmt}"


def render(project: Path, figures: list[Figure], variants: list[Variant],
           out_dir: Path) -> tuple[dict[tuple[str, float, str], Path], int]:
    """Draw each figure in each variant; returns (figure, width, format) -> file, and how many were drawn.

    A figure's stale variants are drawn in one job: its module runs once and
    each width is laid out once, however many formats are saved from it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    style = style_hash()
    jobs, done, keys = [], {}, {}
    for fig in figures:
        stale = []
        for width, fmt in sorted(set(variants)):
            name = file_name(fig.id, width, fmt)
            keys[name] = hashlib.sha256(f"{style}\0{fig.source_hash}\0{width}\0{fmt}".encode()).hexdigest()
            done[(fig.id, width, fmt)] = out_dir / name
            if manifest.get(name) != keys[name] or not (out_dir / name).is_file():
                stale.append((width, fmt, str(out_dir / name)))
        if stale:
            jobs.append(Job(fig.id, str(project / fig.path), fig.path, tuple(stale)))
    if jobs:
        _run(jobs, out_dir)
        for job in jobs:
            for _, _, target in job.variants:
                manifest[Path(target).name] = keys[Path(target).name]
        write_text(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    drawn = sum(len(job.variants) for job in jobs)
    log.debug("figures: %d drawn, %d current", drawn, len(done) - drawn)
    return done, drawn


def _run(jobs: list[Job], out_dir: Path) -> None:
    workers = min(len(jobs), os.cpu_count() or 1)
    mpl_config = out_dir / "mplconfig"
    mpl_config.mkdir(exist_ok=True)
    # Load matplotlib and its font list once, here: forked workers inherit both
    # instead of each importing the library and building the font cache again.
    os.environ["MPLCONFIGDIR"] = str(mpl_config)
    # One figure per core already keeps every core busy; BLAS threads on top of
    # that only contend. Read when numpy loads, so set before the import below.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from . import plotting  # noqa: F401

    results = []
    if workers == 1:
        for job in jobs:
            results.append(_render_job(job, str(mpl_config)))
            _progress(len(results), len(jobs), job)
    else:
        with ProcessPoolExecutor(workers) as pool:
            futures = {pool.submit(_render_job, job, str(mpl_config)): job for job in jobs}
            for future in as_completed(futures):
                results.append(future.result())
                _progress(len(results), len(jobs), futures[future])
    problems = [p for p in results if p is not None]
    if problems:
        raise ContentError(problems)


def _progress(done: int, total: int, job: Job) -> None:
    """One line per figure, so a cold build of many figures shows that it moves."""
    drawn = ", ".join(f"{fmt} {width:.2f} in" for width, fmt, _ in job.variants)
    log.info("  figure %d of %d: %s (%s)", done, total, job.figure, drawn)


def _render_job(job: Job, mpl_config: str) -> Problem | None:
    """Run one figure module and save each variant; a Problem if it failed."""
    os.environ["MPLCONFIGDIR"] = mpl_config  # keeps matplotlib's font cache inside build/
    # Embedding Computer Modern makes fontTools warn about the fonts' 1990s
    # timestamps on every figure; the fonts are fine.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    saved = {}
    try:
        from . import plotting

        spec = importlib.util.spec_from_file_location(f"handbook_figure_{job.figure}", job.module_path)
        module = importlib.util.module_from_spec(spec)
        sys.dont_write_bytecode = True  # a build writes nothing into the user's figures/
        spec.loader.exec_module(module)
        for width in sorted({w for w, _, _ in job.variants}):
            with plotting.target_width(width):
                fig = module.figure()
                for w, fmt, target in job.variants:
                    if w == width:
                        saved[target] = _save(fig, fmt)
                        # Every format at this width keeps the layout of the first: the same
                        # picture, and no second layout pass (a third of a save's time).
                        fig.set_layout_engine("none")
    except Exception as exc:  # the user's module failed: say where
        return Problem(_where(exc, job), f"figure '{job.figure}' failed: {type(exc).__name__}: {exc}")
    for target, data in saved.items():
        write_bytes(Path(target), data)
    return None


def _save(fig, fmt: str) -> bytes:
    import io

    from matplotlib.figure import Figure as MplFigure

    if not isinstance(fig, MplFigure):
        raise TypeError(f"figure() must return a matplotlib Figure, not {type(fig).__name__}")
    buffer = io.BytesIO()
    metadata = {"pdf": {"CreationDate": None, "Creator": None, "Producer": None},
                "svg": {"Date": None, "Creator": None}}[fmt]
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _where(exc: Exception, job: Job) -> Pos:
    """The deepest line of the figure module in the traceback."""
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == os.path.abspath(job.module_path):
            line = frame.lineno or line
    return Pos(job.display, line, 1)
