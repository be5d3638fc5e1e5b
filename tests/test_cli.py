"""The command line as a user meets it: watch, interrupts, missing TeX, nothing lost."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import outlives, processes_in, run, write
from handbook.options import Options
from handbook.watch import once, snapshot


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file and folder below `folder`, folders with an empty hash."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("command", [["build"], ["anki"]])
def test_build_never_writes_content_or_figures(mini, command):
    before = {f: tree_hashes(mini / f) for f in ("content", "figures")}
    # A fresh interpreter that writes bytecode wherever Python normally would.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "handbook", *command, "--project", str(mini), "--quiet"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {f: tree_hashes(mini / f) for f in ("content", "figures")} == before
    assert sorted(p.name for p in mini.iterdir()) == ["build", "content", "dist", "figures"]


def test_watch_reports_each_build_in_a_line(mini):
    options = Options(outputs=("flashcards",))
    first = once(mini, mini / "dist", options)
    assert "built in" in first and "flashcards" in first and "\n" not in first
    pdf = (mini / "dist/flashcards.pdf").read_bytes()
    path = mini / "content/more.yaml"
    before = snapshot(mini)
    path.write_text(path.read_text().replace("difficulty: hard", "difficulty: impossible"))
    assert snapshot(mini) != before
    broken = once(mini, mini / "dist", options)
    assert "1 problem(s), previous PDFs kept:" in broken.splitlines()[0]
    assert "content/more.yaml:" in broken and "'impossible'" in broken
    assert (mini / "dist/flashcards.pdf").read_bytes() == pdf


def test_missing_tex_prints_the_install_command(mini, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(mini))  # nothing to run there
    assert run("build", "--project", str(mini)) == 1
    err = capsys.readouterr().err
    assert "pdflatex and latexmk not found" in err
    assert "apt-get install -y --no-install-recommends texlive-latex-base" in err and "latexmk" in err


def test_interrupted_build_keeps_previous_pdfs(mini):
    assert run("build", "--project", str(mini), "--quiet") == 0
    before = tree_hashes(mini / "dist")
    # TeX that never ends by itself: only the interrupt can stop it.
    template = (Path(__file__).parents[1] / "latex/answer.tex.j2").read_text()
    write(mini / "latex/answer.tex.j2", template.replace("<< q.answer >>", "<< q.answer >>\\def\\x{\\x}\\x"))
    proc = subprocess.Popen([sys.executable, "-m", "handbook", "build", "--project", str(mini)],
                            stderr=subprocess.PIPE, text=True)
    while not any(p.endswith("pdflatex") for p in processes_in(mini / "build")):  # wait until TeX runs
        assert proc.poll() is None, "the build ended before TeX could be interrupted"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted; the previous outputs are unchanged" in err and "Traceback" not in err
    assert tree_hashes(mini / "dist") == before
    assert outlives(mini) == []  # neither latexmk nor pdflatex survives


@pytest.mark.parametrize("argv", [
    ["anki", "--topic", "nosuch"],
    ["build", "--chapter", "nosuch"],
    ["build", "--difficulty", "impossible"],
])
def test_bad_usage_exits_2_without_a_traceback(mini, argv, capsys):
    with pytest.raises(SystemExit) as done:
        run(*argv, "--project", str(mini))
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err


def test_an_out_path_that_is_a_file_is_an_error_not_a_traceback(mini, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert run("build", "--project", str(mini), "--only", "flashcards", "--out", str(blocker)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(blocker) in err
