"""`handbook watch`: rebuild on every save, one status line per build."""

from __future__ import annotations

import time
from pathlib import Path

from .build import build
from .errors import ContentError, HandbookError
from .options import Options

WATCHED = ("content", "figures", "latex")


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every file a build reads from the project."""
    files = {}
    for folder in WATCHED:
        for path in (project / folder).rglob("*") if (project / folder).is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                files[str(path)] = path.stat().st_mtime_ns
    return files


def once(project: Path, out_dir: Path, options: Options) -> str:
    """Build and describe the result in one line (problems follow it)."""
    stamp = time.strftime("%H:%M:%S")
    try:
        report = build(project, out_dir, options)
    except ContentError as exc:
        return f"[{stamp}] {len(exc.problems)} problem(s), previous PDFs kept:\n" + "\n".join(map(str, exc.problems))
    except HandbookError as exc:
        return f"[{stamp}] failed, previous PDFs kept:\n{exc}"
    done = ", ".join(report.compiled) or "nothing to compile"
    shown = f"; preview of {report.preview.message()}" if report.preview and report.preview.pdf else ""
    return f"[{stamp}] built in {report.seconds:.1f} s: {done}{shown}"


def watch(project: Path, out_dir: Path, options: Options, interval: float) -> int:
    """Poll for changes and rebuild after each, until Ctrl-C."""
    seen: dict[str, float] = {}
    while True:
        current = snapshot(project)
        if current != seen:
            seen = current
            print(once(project, out_dir, options), flush=True)
        else:
            time.sleep(interval)


__all__ = ["watch", "once", "snapshot"]
