"""The shipped handbook itself: complete, seeds verbatim, and clean on the page."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import pdfgeom
from conftest import pdffonts, pdftext
from test_build import assert_captions_follow_their_figures
from handbook.build import build
from handbook.content import load_book
from handbook.options import SCREENS, Options

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DIFFICULTY = {"Easy": "easy", "Medium": "medium", "Hard": "hard"}


# The user's five questions, copied from the seed file so that they are
# checked wherever the tests run; a test holds the copy to the file when the
# file is beside the checkout.
SEED_QUESTIONS = [
    ("medium", "technical", "You observe a model that performs poorly on both training and validation sets. As a research scientist, design a concise diagnosis checklist (theoretical and empirical) to distinguish between underfitting, optimization failure, data quality issues, and implementation bugs. For each suspected cause, list a specific test and expected signal."),
    ("medium", "technical", "Describe how stochastic gradient descent (SGD) with small learning rate can be approximated by a stochastic differential equation (SDE). Explain under what scaling and assumptions this holds, how mini-batch noise maps to diffusion (temperature), and the implications for exploration vs exploitation during training."),
    ("easy", "technical", "Explain conditional probability and Bayes' theorem. Use a concrete example (e.g., a medical test with false positives and false negatives) to compute P(disease | positive). As a research scientist, discuss how the choice of prior affects posterior estimates in small-data regimes and when prior misspecification matters."),
    ("medium", "technical", "Given a high-dimensional dataset with a sample covariance matrix that is ill-conditioned, discuss theoretical and practical regularization strategies: add αI (ridge), shrinkage estimators (Ledoit–Wolf), dimensionality reduction, and whitening. Explain how each affects eigenvalues and conditioning and implications for downstream linear models."),
    ("easy", "technical", "Define cross-entropy loss and Kullback–Leibler (KL) divergence between probability distributions P and Q. Show the mathematical relation between cross-entropy, entropy, and KL. Explain practical differences when using cross-entropy loss in classification versus minimizing KL in probabilistic modeling."),
]


def seed_file_questions() -> list[tuple[str, str, str]]:
    """(difficulty, kind, prompt) for each question in the user's seed file."""
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("the seed file is not beside this checkout; the copy above is checked instead")
    lines = files[0].read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        match = re.fullmatch(r"(Easy|Medium|Hard)(Technical|Behavioral|System Design)", line.strip())
        if match:
            found.append((DIFFICULTY[match[1]], match[2].lower(), lines[i + 2].strip()))
    return found


def seed_questions() -> list[tuple[str, str, str]]:
    return SEED_QUESTIONS


def test_the_copied_seed_prompts_match_the_seed_file():
    assert seed_file_questions() == SEED_QUESTIONS


@pytest.fixture(scope="module")
def book():
    return load_book(ROOT)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("shipped") / "book"
    for folder in ("content", "figures"):
        shutil.copytree(ROOT / folder, project / folder)
    build(project, project / "dist", Options())
    return project


def test_seed_prompts_are_in_the_book_word_for_word(book):
    seeds = seed_questions()
    assert len(seeds) == 5
    by_prompt = {q.question.source.strip(): q for q in book.questions()}
    for difficulty, kind, prompt in seeds:
        assert prompt in by_prompt, prompt[:60]
        assert (by_prompt[prompt].difficulty, by_prompt[prompt].kind) == (difficulty, kind)


def test_question_bank_size_and_mix(book):
    counts = Counter(q.difficulty for q in book.questions())
    assert len(book.questions()) >= 60
    assert counts["easy"] >= 15 and counts["medium"] >= 25 and counts["hard"] >= 10
    assert len(book.figures) >= 10
    for name in ("posterior_prior_strength", "eigenvalue_spectra", "kl_asymmetry"):
        assert name in book.figures


def test_every_question_is_complete_and_linked(book):
    for q in book.questions():
        assert q.mistakes and q.follow_ups and q.related and q.references, q.id
        words = len(q.answer.source.split())
        assert 250 <= words <= 800, (q.id, words)


def test_check_passes_without_warnings(caplog):
    with caplog.at_level(logging.WARNING):
        load_book(ROOT)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("output", ["handbook", "ereader", "flashcards"])
def test_no_box_warnings_beyond_a_point(shipped, output):
    log = (shipped / "build" / output / "main.log").read_text(errors="replace")
    too_wide = [float(x) for x in re.findall(r"^Overfull \\[hv]box \(([\d.]+)pt too", log, re.M)]
    assert [w for w in too_wide if w > 1.0] == []
    assert re.findall(r"^Underfull \\[hv]box.*", log, re.M) == []


def test_ereader_figures_fill_the_screen_width(shipped):
    pdf = shipped / "dist/handbook-ereader.pdf"
    screen = SCREENS[Options().ereader]
    text_width = (screen.width_mm - 2 * screen.margin_mm) * 72 / 25.4
    placed = pdfgeom.figures(pdf)
    assert len(placed) == len({f for q in load_book(ROOT).questions() for f in q.figures})
    assert [p for p in placed if p.width_pt < 0.85 * text_width] == []
    assert_captions_follow_their_figures(pdf, placed)


def test_every_card_fits(shipped):
    log = (shipped / "build/flashcards/main.log").read_text(errors="replace")
    assert "HANDBOOK-CARD-OVERFLOW" not in log


def test_seed_prompts_reach_every_pdf(shipped):
    for name in ("handbook.pdf", "handbook-ereader.pdf", "flashcards.pdf"):
        text = " ".join(pdftext(shipped / "dist" / name).split())
        text = text.replace("’", "'")
        for _, _, prompt in seed_questions():
            assert " ".join(prompt.split()).replace("’", "'") in text, (name, prompt[:50])


def test_bookmarks_fonts_and_searchable_text(shipped):
    pdf = shipped / "dist/handbook.pdf"
    outline = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)],
                             capture_output=True, text=True, check=True).stdout
    items = re.findall(r"<item page=\"\d+\">([^<]+)</item>", outline)
    assert "1 Probability and Bayesian reasoning" in items
    assert any(item.startswith("5.2 ") for item in items) and len(items) > 63
    assert all(row[-5] == "yes" for row in pdffonts(pdf))
    text = pdftext(pdf)
    for word in ("coefficient", "fluctuation", "efficient", "classification", "differentiable"):
        assert word in text, word  # ligatures come back as letters
