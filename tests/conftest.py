"""Shared fixtures: a copy of the small fixture project and PDF readers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from handbook.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shipped_copy(tmp_path_factory) -> Path:
    """One copy of the shipped book for the EPUB and HTML tests, so figures and formulas are drawn once."""
    project = tmp_path_factory.mktemp("shipped-copy") / "book"
    for folder in ("content", "figures"):
        shutil.copytree(ROOT / folder, project / folder)
    return project


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the fixture project, without earlier build products."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("build", "dist"))
    return project


def run(*args: str) -> int:
    return main(list(args))


def pdftext(pdf: Path, *extra: str) -> str:
    return subprocess.run(["pdftotext", *extra, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdfinfo(pdf: Path, *extra: str) -> str:
    return subprocess.run(["pdfinfo", *extra, str(pdf)], capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def processes_in(folder: Path) -> list[str]:
    """Live processes (not zombies) working in `folder` or below: 'pid name' each."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = (entry / "cwd").resolve()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue  # gone, or not ours to read
        if state != "Z" and cwd.is_relative_to(folder.resolve()):
            found.append(f"{entry.name} {name}")
    return found


def outlives(folder: Path, grace: int = 200) -> list[str]:
    """Processes still working in `folder` after up to `grace` looks 25 ms apart.

    A killed process group disappears within a look or two; a survivor
    (pdflatex left running by a kill that missed it) is still there after
    all of them.
    """
    import time

    for _ in range(grace):
        left = processes_in(folder)
        if not left:
            return []
        time.sleep(0.025)
    return left


@pytest.fixture(autouse=True)
def content_tests_read_the_book(request):
    """A content test that never reads content/ or a figure cannot guard the book: fail it."""
    if "content" not in Path(str(request.node.fspath)).parent.parts[-1:]:
        yield
        return
    import bank

    before = bank.READS[0]
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        assert bank.READS[0] > before, f"{request.node.name} never reads content/ or a figure"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
