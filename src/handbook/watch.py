"""`handbook watch`: rebuild on every save, one status line per build.

watchfiles reports changes as the operating system sees them (inotify on
Linux), so nothing is polled and a save is noticed at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from .build import build
from .errors import ContentError, HandbookError
from .options import Options

WATCHED = ("content", "figures", "latex")
DEBOUNCE_MS = 50  # saves that land together make one build


def snapshot(project: Path) -> dict[str, float]:
    """Modification times of every file a build reads from the project."""
    files = {}
    for folder in WATCHED:
        for path in (project / folder).rglob("*") if (project / folder).is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                files[str(path)] = path.stat().st_mtime_ns
    return files


def changes(project: Path, stop: threading.Event | None = None) -> Iterator[set[Path]]:
    """The project files changed, one set per burst of saves, until `stop` is set."""
    folders = [project / f for f in WATCHED if (project / f).is_dir()]
    for batch in watchfiles.watch(*folders, debounce=DEBOUNCE_MS, step=DEBOUNCE_MS, stop_event=stop,
                                  watch_filter=_relevant, raise_interrupt=True):
        yield {Path(path) for _, path in batch}


def _relevant(change: watchfiles.Change, path: str) -> bool:
    """Files a build reads: not editors' hidden and backup files, not bytecode."""
    name = Path(path).name
    return not name.startswith((".", "#")) and not name.endswith(("~", ".swp", ".pyc"))


def first(project: Path, run) -> None:
    """The first build, run again if a file was saved while it ran (the watcher starts after it)."""
    before = snapshot(project)
    run()
    if snapshot(project) != before:
        run()


def once(project: Path, out_dir: Path, options: Options) -> str:
    """Build and describe the result in one line (problems follow it)."""
    stamp = time.strftime("%H:%M:%S")
    try:
        report = build(project, out_dir, options)
    except ContentError as exc:
        return f"[{stamp}] {len(exc.problems)} problem(s), previous PDFs kept:\n" + "\n".join(map(str, exc.problems))
    except HandbookError as exc:
        return f"[{stamp}] failed, previous PDFs kept:\n{exc}"
    done = ", ".join(report.compiled + report.exported) or "nothing to compile"
    shown = f"; preview of {report.preview.message()}" if report.preview and report.preview.pdf else ""
    return f"[{stamp}] built in {report.seconds:.1f} s: {done}{shown}"


def watch(project: Path, out_dir: Path, options: Options) -> int:
    """Build, then rebuild after each save, until Ctrl-C."""
    first(project, lambda: print(once(project, out_dir, options), flush=True))
    for _ in changes(project):
        print(once(project, out_dir, options), flush=True)
    return 0


__all__ = ["watch", "once", "first", "snapshot", "changes"]
