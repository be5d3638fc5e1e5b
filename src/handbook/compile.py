"""Run latexmk on one output's folder, safely, and explain failures in YAML terms.

TeX runs with shell escape off and may only open files below its working
folder (openin_any=p, openout_any=p). A run that hangs is killed with its
whole process group. When TeX stops on an error, the `%@src` markers the
renderer wrote are used to name the YAML file, line, question and field.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import HandbookError, TexError

TIMEOUT_S = 300
LOG_LIMIT = 2_000_000  # bytes of TeX output kept; the rest is dropped

INSTALL_HINT = (
    "apt-get install -y --no-install-recommends texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended lmodern cm-super-minimal latexmk poppler-utils"
)


@dataclass
class Result:
    pdf: Path
    passes: int
    log: str


def require_tex() -> None:
    """Fail with the install command when TeX or latexmk is missing."""
    missing = [tool for tool in ("pdflatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        prefix = "" if os.geteuid() == 0 else "sudo "
        raise HandbookError(f"{' and '.join(missing)} not found; install TeX Live with:\n  {prefix}{INSTALL_HINT}")


def tex_environment(epoch: int) -> dict[str, str]:
    """The environment every TeX run gets: no shell, no files outside, fixed dates."""
    env = dict(os.environ)
    env.update({
        "openin_any": "p",
        "openout_any": "p",
        "shell_escape": "f",
        "SOURCE_DATE_EPOCH": str(epoch),
        "FORCE_SOURCE_DATE": "1",
        "max_print_line": "10000",
        "TEXMFOUTPUT": "",
    })
    return env


def latexmk(folder: Path, epoch: int, name: str, timeout: float = TIMEOUT_S) -> Result:
    """Compile folder/main.tex to main.pdf; raise TexError pointing at the content."""
    require_tex()
    command = [
        "latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
        "-no-shell-escape", "-norc", "-silent", "main.tex",
    ]
    output = run_tex(command, folder, epoch, name, timeout, "latexmk.out")
    tex_log = _read_bounded(folder / "main.log")
    if not (folder / "main.pdf").is_file():
        raise TexError(explain_failure(folder, tex_log or output, name))
    return Result(folder / "main.pdf", count_passes(output), tex_log)


def pdflatex_once(folder: Path, epoch: int, name: str, timeout: float = TIMEOUT_S, fmt: str | None = None) -> Result:
    """One pdflatex pass over folder/main.tex, for a preview that reuses the book's .aux files."""
    require_tex()
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               "-no-shell-escape", *([f"-fmt={fmt}"] if fmt else []), "main.tex"]
    output = run_tex(command, folder, epoch, name, timeout, "pdflatex.out")
    return Result(folder / "main.pdf", 1, _read_bounded(folder / "main.log") or output)


def dump_format(folder: Path, epoch: int, jobname: str, source: str, name: str, timeout: float = TIMEOUT_S) -> None:
    """Dump the preamble of folder/source, up to its \\endofdump, into folder/jobname.fmt."""
    command = ["pdflatex", "-ini", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
               f"-jobname={jobname}", "&pdflatex", "mylatexformat.ltx", source]
    run_tex(command, folder, epoch, name, timeout, f"{jobname}.out")


def run_tex(command: list[str], folder: Path, epoch: int, name: str, timeout: float, out_name: str) -> str:
    """Run a TeX command in its own process group; its output, or TexError naming the content."""
    log_path = folder / out_name
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(command, cwd=folder, env=tex_environment(epoch), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        _running.add(proc)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise TexError(f"{name}: TeX did not finish within {timeout:.0f} s and was stopped")
        finally:
            _running.discard(proc)
    output = _read_bounded(log_path)
    if code != 0:
        raise TexError(explain_failure(folder, _read_bounded(folder / "main.log") or output, name))
    return output


# TeX runs in its own process group (so a timeout can kill all of it), which
# also keeps Ctrl-C from reaching it: stop_all() passes the interrupt on.
_running: set[subprocess.Popen] = set()


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def stop_all() -> None:
    """Kill every TeX run still going; used when the build is interrupted."""
    for proc in list(_running):
        _kill(proc)


def _read_bounded(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(LOG_LIMIT)
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace")


def count_passes(latexmk_output: str) -> int:
    return len(re.findall(r"Run number \d+ of rule '(?:pdf)?latex'", latexmk_output, re.M))


_ERROR = re.compile(r"^(?:\./)?(?P<file>[^\s:]+\.(?:tex|sty|cls)):(?P<line>\d+): (?P<message>.*)$", re.M)


def explain_failure(folder: Path, log: str, name: str) -> str:
    """Name the YAML source of the first TeX error, with TeX's own words."""
    match = _ERROR.search(log)
    if not match:
        tail = "\n".join(log.strip().splitlines()[-15:])
        return f"{name}: TeX failed:\n{tail}"
    tex_file, line = folder / match["file"], int(match["line"])
    context = _context_after(log, match.end())
    source = source_of(tex_file, line)
    where = f"{source['file']}:{source['line']}: question '{source['id']}', field '{source['field']}'" if source else f"{match['file']}:{line}"
    return f"{where}: TeX error in {name}: {match['message'].strip()}\n{context}".rstrip()


def _context_after(log: str, start: int) -> str:
    """TeX's l.NN line showing where in the source it stopped."""
    tail = log[start : start + 1500].splitlines()
    for i, text in enumerate(tail):
        if text.startswith("l."):
            return "  " + text + ("\n  " + tail[i + 1] if i + 1 < len(tail) else "")
    return ""


def source_of(tex_file: Path, line: int) -> dict | None:
    """The last `%@src` marker at or above `line` of a generated .tex file."""
    try:
        lines = tex_file.read_text(encoding="utf-8").splitlines()[:line]
    except OSError:
        return None
    for text in reversed(lines):
        if text.startswith("%@src "):
            return json.loads(text[6:])
    return None
