"""What the README promises and the other tests do not exercise."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURE, pdfinfo, pdftext, run
from handbook import figures
from handbook.build import build
from handbook.content import load_book
from handbook.errors import ContentError
from handbook.options import Options


def squash(text: str) -> str:
    return " ".join(text.split())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def card_ids(pdf: Path) -> set[str]:
    text = pdftext(pdf)
    return {qid for qid in ("bayes-rule", "kl-basics") if qid in text}


def test_topic_and_chapter_filters_repeat_and_combine_and_out_names_the_folder(mini, tmp_path):
    out = tmp_path / "elsewhere"
    common = ["build", "--project", str(mini), "--only", "flashcards", "--quiet", "--out", str(out)]
    assert run(*common, "--topic", "probability") == 0
    assert card_ids(out / "flashcards.pdf") == {"bayes-rule"}
    assert not (mini / "dist").exists()
    assert run(*common, "--topic", "probability", "--topic", "information theory") == 0
    assert card_ids(out / "flashcards.pdf") == {"bayes-rule", "kl-basics"}
    assert run(*common, "--chapter", "more") == 0
    assert card_ids(out / "flashcards.pdf") == {"kl-basics"}
    assert run(*common, "--chapter", "basics", "--chapter", "more", "--difficulty", "hard") == 0
    assert card_ids(out / "flashcards.pdf") == {"kl-basics"}


def link_target_labels(pdf: Path, phrase: str) -> list[str]:
    """Printed page numbers of the pages that the links on `phrase`'s page lead to."""
    reader = PdfReader(pdf)
    pages = pdftext(pdf).split("\f")
    index = next(i for i, page in enumerate(pages) if phrase in squash(page))
    names = reader.named_destinations
    labels = []
    for annot in reader.pages[index].get("/Annots", []) or []:
        action = annot.get_object().get("/A")
        if action is not None and action.get("/S") == "/GoTo":
            dest = names.get(str(action["/D"]))
            if dest is not None:
                labels.append(reader.page_labels[reader.get_destination_page_number(dest)])
    return labels


def page_label(pdf: Path, phrase: str) -> str:
    pages = pdftext(pdf).split("\f")
    return PdfReader(pdf).page_labels[next(i for i, page in enumerate(pages) if phrase in squash(page))]


def test_practice_edition_links_question_and_answer_both_ways(mini):
    assert run("build", "--project", str(mini), "--quiet", "--answers", "end", "--only", "handbook") == 0
    pdf = mini / "dist/handbook.pdf"
    text = squash(pdftext(pdf))
    to_answer = re.search(r"Define the Kullback–Leibler divergence\. Answer on p\. (\d+)", text).group(1)
    answer_page = page_label(pdf, "Gibbs’ inequality makes it non-negative")
    assert to_answer == answer_page
    assert answer_page in link_target_labels(pdf, "Define the Kullback–Leibler divergence.")
    to_question = re.search(r"Question on p\. (\d+)\)?\.? It is the expected", text)
    question_page = page_label(pdf, "Define the Kullback–Leibler divergence.")
    assert question_page in link_target_labels(pdf, "Gibbs’ inequality makes it non-negative")
    assert to_question is None or to_question.group(1) == question_page


def test_a_figure_is_redrawn_when_its_module_or_the_house_style_changes(mini, tmp_path, monkeypatch):
    options = Options(outputs=("handbook",))
    assert build(mini, mini / "dist", options).figures_rendered == 1
    assert build(mini, mini / "dist", options).figures_rendered == 0
    edit(mini / "figures/line_plot.py", "np.linspace(0, 1, 50)", "np.linspace(0, 1, 60)")
    assert build(mini, mini / "dist", options).figures_rendered == 1
    style = tmp_path / "plotting.py"
    style.write_text(figures.STYLE_FILE.read_text().replace("FONT_PT = 8.0", "FONT_PT = 9.0"))
    monkeypatch.setattr(figures, "STYLE_FILE", style)
    assert build(mini, mini / "dist", options).figures_rendered == 1
    assert build(mini, mini / "dist", options).figures_rendered == 0


def test_the_pdf_date_is_the_last_commit_that_touched_the_content(mini, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-C", str(mini)]
    env = {"GIT_AUTHOR_DATE": "2024-03-05T06:07:08Z", "GIT_COMMITTER_DATE": "2024-03-05T06:07:08Z", "PATH": "/usr/bin:/bin"}
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content", "figures"], check=True)
    subprocess.run([*git, "commit", "-qm", "content"], check=True, env=env)
    assert run("build", "--project", str(mini), "--quiet", "--only", "handbook") == 0
    info = pdfinfo(mini / "dist/handbook.pdf", "-isodates")
    assert re.search(r"^CreationDate:\s+2024-03-05T06:07:08", info, re.M), info


def test_double_dollar_display_maths_is_refused_with_its_place(mini):
    path = mini / "content/more.yaml"
    edit(path, "It is the expected", "It is $$x$$ the expected")
    with pytest.raises(ContentError) as info:
        load_book(mini)
    (problem,) = info.value.problems
    assert problem.pos.path == "content/more.yaml" and "$$...$$ is not supported" in problem.message


def test_a_reference_key_defined_differently_in_two_files_is_refused(mini):
    extra = mini / "content/more.yaml"
    edit(extra, "questions:", "references:\n  doe2020:\n    author: John Doe\n    title: Another Book\n"
                              "    year: 2021\n    venue: Other Press\nquestions:")
    with pytest.raises(ContentError) as info:
        load_book(mini)
    (problem,) = info.value.problems
    assert problem.pos.path == "content/more.yaml"
    assert "reference 'doe2020' is defined differently at content/basics.yaml:" in problem.message


def test_a_reference_repeated_the_same_way_is_accepted(mini):
    source = (FIXTURE / "content/basics.yaml").read_text()
    block = source[source.index("references:"):source.index("questions:")]
    edit(mini / "content/more.yaml", "questions:", block + "questions:")
    assert load_book(mini).questions()  # refused content would raise ContentError
