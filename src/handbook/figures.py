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


@dataclass(frozen=True)
class Job:
    """One figure at one width in one format."""

    figure: str
    module_path: str  # absolute
    display: str
    width_in: float
    fmt: str  # pdf or svg
    target: str  # absolute output path
    key: str


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


def render(project: Path, figures: list[Figure], widths: list[float], out_dir: Path,
           fmt: str = "pdf") -> tuple[dict[tuple[str, float], Path], int]:
    """Render each figure at each width; returns (figure, width) -> file, and how many were drawn."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    style = style_hash()
    jobs, done = [], {}
    for fig in figures:
        for width in widths:
            name = file_name(fig.id, width, fmt)
            key = hashlib.sha256(f"{style}\0{fig.source_hash}\0{width}\0{fmt}".encode()).hexdigest()
            done[(fig.id, width)] = out_dir / name
            if manifest.get(name) != key or not (out_dir / name).is_file():
                jobs.append(Job(fig.id, str(project / fig.path), fig.path, width, fmt, str(out_dir / name), key))
    if jobs:
        _run(jobs, out_dir)
        for job in jobs:
            manifest[Path(job.target).name] = job.key
        write_text(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    log.debug("figures: %d rendered, %d current", len(jobs), len(done) - len(jobs))
    return done, len(jobs)


def _run(jobs: list[Job], out_dir: Path) -> None:
    workers = min(len(jobs), os.cpu_count() or 1)
    mpl_config = out_dir / "mplconfig"
    mpl_config.mkdir(exist_ok=True)
    # Load matplotlib and its font list once, here: forked workers inherit both
    # instead of each importing the library and building the font cache again.
    os.environ["MPLCONFIGDIR"] = str(mpl_config)
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
    """One line per drawing, so a cold build of many figures shows that it moves."""
    log.info("  figure %d of %d: %s (%s, %.2f in)", done, total, job.figure, job.fmt, job.width_in)


def _render_job(job: Job, mpl_config: str) -> Problem | None:
    """Run one figure module and save its figure; a Problem if it failed."""
    os.environ["MPLCONFIGDIR"] = mpl_config  # keeps matplotlib's font cache inside build/
    # Embedding Computer Modern makes fontTools warn about the fonts' 1990s
    # timestamps on every figure; the fonts are fine.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        from . import plotting

        spec = importlib.util.spec_from_file_location(f"handbook_figure_{job.figure}", job.module_path)
        module = importlib.util.module_from_spec(spec)
        sys.dont_write_bytecode = True  # a build writes nothing into the user's figures/
        spec.loader.exec_module(module)
        with plotting.target_width(job.width_in):
            fig = module.figure()
            data = _save(fig, job.fmt)
    except Exception as exc:  # the user's module failed: say where
        return Problem(_where(exc, job), f"figure '{job.figure}' failed: {type(exc).__name__}: {exc}")
    write_bytes(Path(job.target), data)
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
