"""Flashcards: backs land behind fronts, long text shrinks, overflow is named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE, pdftext
from handbook.build import build
from handbook.options import Options

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def word_boxes(pdf: Path) -> list[tuple[float, dict[str, tuple[float, float]]]]:
    """Per page: its width, and the centre of every card id printed on it."""
    pages = []
    for chunk in pdftext(pdf, "-bbox").split("<page ")[1:]:
        width = float(PAGE.search("<page " + chunk).group(1))
        centres: dict[str, list] = {}
        for x0, y0, x1, y1, word in WORD.findall(chunk):
            centres.setdefault(word, []).append(((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2))
        pages.append((width, centres))
    return pages


def many_questions(project: Path, count: int) -> list[str]:
    """Add `count` short questions to the fixture's second chapter."""
    path = project / "content/more.yaml"
    extra = "".join(
        f"""
  - id: extra-{i}
    title: Extra question {i}
    difficulty: medium
    kind: technical
    topics: [extras]
    question: |
      What is extra question number {i}?
    short_answer: |
      It is number {i}.
    answer: |
      A longer answer for number {i}.
"""
        for i in range(count)
    )
    path.write_text(path.read_text() + extra)
    return ["bayes-rule", "kl-basics"] + [f"extra-{i}" for i in range(count)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "p"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("build", "dist"))
    return target


def assert_backs_behind_fronts(pdf: Path, ids: list[str], per_sheet: int) -> None:
    pages = word_boxes(pdf)
    assert len(pages) == 2 * -(-len(ids) // per_sheet)
    for sheet in range(0, len(pages), 2):
        (width, front), (_, back) = pages[sheet], pages[sheet + 1]
        assert set(front) & set(ids) == set(back) & set(ids)
        for card in set(front) & set(ids):
            (fx, fy), (bx, by) = front[card][0], back[card][0]
            assert abs(fx + bx - width) < 0.5, (card, fx, bx, width)  # mirrored about the page centre
            assert abs(fy - by) < 0.5, (card, fy, by)
    assert {c for _, page in pages for c in page} >= set(ids)


@pytest.mark.parametrize("paper,cards,per_sheet", [("a4", "2x4", 8), ("letter", "3x3", 9), ("a4", "2x3", 6)])
def test_each_back_lands_behind_its_front(project, paper, cards, per_sheet):
    ids = many_questions(project, 9)
    build(project, project / "dist", Options(paper=paper, cards=cards, outputs=("flashcards",)))
    assert_backs_behind_fronts(project / "dist/flashcards.pdf", ids, per_sheet)


def test_fold_over_puts_front_left_and_back_right(project):
    ids = many_questions(project, 3)
    build(project, project / "dist", Options(fold=True, outputs=("flashcards",)))
    pages = word_boxes(project / "dist/flashcards.pdf")
    assert len(pages) == 2  # 4 rows a sheet, 5 cards
    for width, centres in pages:
        for card in set(centres) & set(ids):
            (fx, fy), (bx, by) = sorted(centres[card])
            assert fx < width / 2 < bx and abs(fx + bx - width) < 0.5 and abs(fy - by) < 0.5


def _more_card(project: Path, question: str | None = None, short: str | None = None) -> Path:
    path = project / "content/more.yaml"
    text = path.read_text()
    if short is not None:
        text = text.replace("$\\operatorname{KL}(P\\,\\|\\,Q) = \\sum_x P(x)\\log\\frac{P(x)}{Q(x)} \\ge 0$.", short)
    if question is not None:
        text = text.replace("Define the Kullback–Leibler divergence.", question)
    path.write_text(text)
    return path


def test_a_long_back_shrinks_to_fit(project):
    _more_card(project, short=" ".join(f"word{i}" for i in range(110)))
    report = build(project, project / "dist", Options(outputs=("flashcards",)))
    assert report.warnings == []
    backs = pdftext(project / "dist/flashcards.pdf").split("\f")[1]
    assert all(f"word{i}" in backs for i in (0, 55, 109))


def test_a_front_that_cannot_fit_is_reported_with_its_line(project):
    path = _more_card(project, question=" ".join(["overflowing"] * 900))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "overflowing" in text)
    report = build(project, project / "dist", Options(outputs=("flashcards",)))
    (warning,) = report.warnings
    assert warning.startswith(f"content/more.yaml:{line}:")
    assert "flashcard 'kl-basics': the question does not fit" in warning


def test_a_back_that_cannot_fit_is_reported_as_the_back(project):
    _more_card(project, short=" ".join(["overflowing"] * 900))
    report = build(project, project / "dist", Options(outputs=("flashcards",)))
    (warning,) = report.warnings
    assert "flashcard 'kl-basics': the short_answer does not fit" in warning
