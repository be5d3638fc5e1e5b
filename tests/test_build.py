"""End to end: build the fixture project and read the PDFs back with poppler."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import pdfgeom
from conftest import FIXTURE, pdffonts, pdfinfo, pdftext, run, write
from handbook.build import build
from handbook.options import SCREENS, Options, Selection

PT_PER_MM = 72 / 25.4


def fresh(tmp_path_factory, name: str) -> Path:
    project = tmp_path_factory.mktemp(name) / "mini"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("build", "dist"))
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = fresh(tmp_path_factory, "built")
    assert run("build", "--project", str(project), "--quiet") == 0
    return project


def page_size_mm(pdf: Path) -> tuple[float, float]:
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", pdfinfo(pdf)).groups()
    return round(float(w) / PT_PER_MM), round(float(h) / PT_PER_MM)


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["handbook.pdf", "handbook-ereader.pdf"])
def test_books_hold_every_title_prompt_and_answer(built, name):
    text = squash(pdftext(built / "dist" / name))
    for phrase in ["Bayes’ rule", "State Bayes’ rule for events A & B, with P(A|B) written out.",
                   "Define the Kullback–Leibler divergence.", "posterior is about 16.7%",
                   "first_point with {braces} and ~tilde^caret", "Gibbs’ inequality makes it non-negative"]:
        assert phrase in text, phrase


def test_page_sizes(built):
    assert page_size_mm(built / "dist/handbook.pdf") == (210, 297)
    assert page_size_mm(built / "dist/handbook-ereader.pdf") == (90, 120)
    assert page_size_mm(built / "dist/flashcards.pdf") == (210, 297)


@pytest.mark.parametrize("name", ["handbook.pdf", "handbook-ereader.pdf"])
def test_figure_is_embedded_as_vector_in_document_fonts(built, name):
    pdf = built / "dist" / name
    text = squash(pdftext(pdf))
    caption = "The line y = x and the parabola y = x2 on [0, 1]."
    assert f"Figure 1.1: {caption}" in text or f"Figure 1.1. {caption}" in text
    ticks = set(text.split())
    assert {"0.2", "0.4", "0.6", "0.8"} <= ticks  # tick labels: text inside the vector figure
    fonts = pdffonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # every font embedded
    names = {row[0].split("+")[-1] for row in fonts}
    # Latin Modern in the text; its design, Computer Modern, inside the figure
    assert all(n.startswith(("LMRoman", "LMMath", "LMSans", "LMMono", "Cmr", "Cmmi", "Cmsy", "Cmex")) for n in names), names
    assert "Cmr10" in names, names


def test_metadata_and_bookmarks(built):
    info = pdfinfo(built / "dist/handbook.pdf")
    assert re.search(r"^Title:\s+Mini Handbook$", info, re.M)
    assert re.search(r"^Author:\s+Test Author$", info, re.M)


def test_cross_reference_gives_page_number(built):
    text = squash(pdftext(built / "dist/handbook.pdf"))
    printed = re.search(r"see Question 2\.1 \(p\. (\d+)\)", text).group(1)
    assert printed == printed_page(built / "dist/handbook.pdf", "Define the Kullback")


def test_flashcards_carry_prompt_and_short_answer(built):
    pages = pdftext(built / "dist/flashcards.pdf").split("\f")
    assert "State Bayes’ rule" in pages[0] and "bayes-rule" in pages[0]
    assert "valid when P (B) > 0" in squash(pages[1]) and "bayes-rule" in pages[1]


def test_rebuild_without_change_compiles_nothing(built):
    report = build(built, built / "dist", Options())
    assert report.compiled == [] and report.figures_rendered == 0 and report.written == []
    assert sorted(report.skipped) == ["ereader", "flashcards", "handbook"]


def test_answer_edit_recompiles_books_not_flashcards(tmp_path_factory):
    project = fresh(tmp_path_factory, "edit")
    build(project, project / "dist", Options())
    path = project / "content/basics.yaml"
    path.write_text(path.read_text().replace("Bayes' rule follows", "Bayes' rule plainly follows"))
    report = build(project, project / "dist", Options())
    assert sorted(report.compiled) == ["ereader", "handbook"] and report.skipped == ["flashcards"]
    assert report.written == ["handbook/chapter01.tex", "ereader/chapter01.tex"]
    path.write_text(path.read_text().replace("valid when", "true when"))
    report = build(project, project / "dist", Options())
    assert sorted(report.compiled) == ["ereader", "flashcards", "handbook"]
    assert "true when" in pdftext(project / "dist/flashcards.pdf")


def test_tex_failure_names_yaml_and_keeps_previous_pdfs(tmp_path_factory, capsys):
    project = fresh(tmp_path_factory, "fail")
    assert run("build", "--project", str(project), "--quiet") == 0
    before = {p.name: p.read_bytes() for p in (project / "dist").glob("*.pdf")}
    source = (Path(__file__).parents[1] / "latex/answer.tex.j2").read_text()
    write(project / "latex/answer.tex.j2", source.replace("<< q.answer >>", "<< q.answer >>\\undefinedcommand"))
    assert run("build", "--project", str(project), "--quiet") == 1
    err = capsys.readouterr().err
    assert "content/basics.yaml:21: question 'bayes-rule', field 'answer': TeX error in handbook.pdf: Undefined control sequence." in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (project / "dist").glob("*.pdf")} == before


def test_two_clean_builds_are_byte_identical(tmp_path_factory, built):
    other = fresh(tmp_path_factory, "again")
    assert run("build", "--project", str(other), "--quiet") == 0
    for name in ("handbook.pdf", "handbook-ereader.pdf", "flashcards.pdf"):
        assert (other / "dist" / name).read_bytes() == (built / "dist" / name).read_bytes(), name


def test_letter_paper_and_practice_editions(tmp_path_factory):
    project = fresh(tmp_path_factory, "letter")
    assert run("build", "--project", str(project), "--quiet", "--paper", "letter", "--answers", "end", "--only", "handbook") == 0
    assert page_size_mm(project / "dist/handbook.pdf") == (216, 279)
    text = squash(pdftext(project / "dist/handbook.pdf"))
    assert "Answer on p." in text and "Answers to chapter 1" in text and "Question on p." in text
    assert run("build", "--project", str(project), "--quiet", "--answers", "none", "--only", "handbook") == 0
    text = squash(pdftext(project / "dist/handbook.pdf"))
    assert "Define the Kullback–Leibler divergence." in text and "Gibbs’ inequality" not in text


def test_filters_select_questions(tmp_path_factory):
    project = fresh(tmp_path_factory, "filter")
    options = Options(selection=Selection(difficulty=("hard",)), outputs=("flashcards",))
    build(project, project / "dist", options)
    text = pdftext(project / "dist/flashcards.pdf")
    assert "kl-basics" in text and "bayes-rule" not in text


@pytest.mark.parametrize("profile,size", [("6in", (90, 120)), ("7.8in", (118, 157)), ("a5", (148, 210))])
def test_ereader_profiles_have_no_blank_pages(tmp_path_factory, profile, size):
    project = fresh(tmp_path_factory, "screen")
    assert run("build", "--project", str(project), "--quiet", "--only", "ereader", "--ereader", profile) == 0
    pdf = project / "dist/handbook-ereader.pdf"
    assert page_size_mm(pdf) == size
    pages = pdftext(pdf).split("\f")[:-1]
    # A page that shows only its page number is blank to the reader.
    assert pages and all(re.sub(r"^\s*\d+\s*$", "", page, flags=re.M).strip() for page in pages)


LONG_CAPTION = "The line and the parabola, described at length. " * 40  # about 320 words


@pytest.mark.parametrize("profile", ["6in", "7.8in", "a5"])
def test_ereader_figures_take_the_text_width_whatever_their_caption(tmp_path_factory, profile):
    project = fresh(tmp_path_factory, "widefig")
    module = project / "figures/line_plot.py"
    module.write_text(module.read_text().replace("on $[0, 1]$.", "on $[0, 1]$. " + LONG_CAPTION))
    assert run("build", "--project", str(project), "--quiet", "--only", "ereader", "--ereader", profile) == 0
    pdf = project / "dist/handbook-ereader.pdf"
    screen = SCREENS[profile]
    text_width = (screen.width_mm - 2 * screen.margin_mm) * PT_PER_MM
    placed = pdfgeom.figures(pdf)
    assert placed and all(p.width_pt >= 0.85 * text_width for p in placed), (text_width, placed)
    assert_captions_follow_their_figures(pdf, placed)


def assert_captions_follow_their_figures(pdf: Path, placed) -> None:
    """A caption starts on the page of its figure or the page after it."""
    figure_pages = {p.page for p in placed}
    pages = pdftext(pdf).split("\f")
    starts = [n for n, page in enumerate(pages, start=1) for _ in re.finditer(r"^Figure \d+\.\d+\.\s", page, re.M)]
    assert len(starts) == len(placed), (starts, placed)
    for n in starts:
        assert n in figure_pages or n - 1 in figure_pages, (n, sorted(figure_pages))


def printed_page(pdf: Path, phrase: str) -> str:
    """The printed page number (PDF page label) of the first page showing `phrase`."""
    from pypdf import PdfReader

    pages = pdftext(pdf).split("\f")
    index = next(i for i, page in enumerate(pages) if phrase in squash(page))
    return PdfReader(pdf).page_labels[index]


def test_preview_typesets_the_edited_chapter_with_the_books_numbers(tmp_path_factory):
    project = fresh(tmp_path_factory, "preview")
    handbook_only = Options(outputs=("handbook",))
    build(project, project / "dist", handbook_only)
    full = project / "dist/handbook.pdf"
    path = project / "content/basics.yaml"
    path.write_text(path.read_text().replace("Bayes' rule follows", "Bayes' rule plainly follows"))
    report = build(project, project / "dist", Options(outputs=("handbook",), preview=True))
    preview = project / "dist/preview.pdf"
    assert report.preview.pdf == preview and report.preview.moved == []
    text = squash(pdftext(preview))
    assert "plainly follows" in text and "Define the Kullback" not in text
    assert printed_page(preview, "plainly follows") == printed_page(full, "plainly follows")
    referenced = re.search(r"see Question 2\.1 \(p\. (\d+)\)", text).group(1)
    assert referenced == printed_page(full, "Define the Kullback")


def test_preview_says_when_the_chapter_changed_length(tmp_path_factory):
    project = fresh(tmp_path_factory, "preview-long")
    build(project, project / "dist", Options(outputs=("handbook",)))
    path = project / "content/basics.yaml"
    longer = "Bayes' rule follows " + "and a long digression " * 1500
    path.write_text(path.read_text().replace("Bayes' rule follows", longer))
    report = build(project, project / "dist", Options(outputs=("handbook",), preview=True))
    assert report.preview.moved == ["chapter01"]
    assert "the full book is needed to settle page numbers" in report.preview.message()


def test_preview_starts_from_a_format_that_follows_the_preamble(tmp_path_factory):
    project = fresh(tmp_path_factory, "preview-format")
    plain = Options(outputs=("handbook",))
    build(project, project / "dist", plain)
    book = project / "content/book.yaml"
    book.write_text(book.read_text().replace("title: Mini Handbook", "title: Renamed Handbook"))
    build(project, project / "dist", plain)  # a new preamble: the full compile makes a new format
    made = (project / "build/preview/preamble.fmt").stat().st_mtime_ns
    path = project / "content/basics.yaml"
    path.write_text(path.read_text().replace("Bayes' rule follows", "Bayes' rule plainly follows"))
    report = build(project, project / "dist", Options(outputs=("handbook",), preview=True))
    assert report.preview.pdf is not None
    log = (project / "build/preview/main.log").read_text(errors="replace")
    assert "preloaded format=preamble" in log.splitlines()[0]
    assert (project / "build/preview/preamble.fmt").stat().st_mtime_ns == made  # the first preview waited for none
    assert "Title:           Renamed Handbook" in pdfinfo(report.preview.pdf)


def test_a_broken_format_costs_the_preview_nothing(tmp_path_factory):
    project = fresh(tmp_path_factory, "preview-broken-format")
    with_preview = Options(outputs=("handbook",), preview=True)
    build(project, project / "dist", with_preview)
    (project / "build/preview/preamble.fmt").write_bytes(b"not a format")
    path = project / "content/basics.yaml"
    path.write_text(path.read_text().replace("Bayes' rule follows", "Bayes' rule plainly follows"))
    report = build(project, project / "dist", with_preview)
    assert "plainly follows" in squash(pdftext(report.preview.pdf))
    path.write_text(path.read_text().replace("plainly follows", "simply follows"))
    build(project, project / "dist", with_preview)
    log = (project / "build/preview/main.log").read_text(errors="replace")
    assert "preloaded format=preamble" in log.splitlines()[0]  # made again


def test_the_preview_comes_before_the_other_editions_and_the_exports(tmp_path_factory, caplog):
    import logging

    project = fresh(tmp_path_factory, "preview-first")
    outputs = ("handbook", "ereader", "flashcards", "html")
    build(project, project / "dist", Options(outputs=outputs))
    path = project / "content/basics.yaml"
    path.write_text(path.read_text().replace("Bayes' rule follows", "Bayes' rule plainly follows"))
    caplog.set_level(logging.INFO, logger="handbook.build")
    build(project, project / "dist", Options(outputs=outputs, preview=True))
    stages = [r.getMessage().split(":")[0] for r in caplog.records if r.name == "handbook.build"]
    assert stages == ["content", "figures", "latex", "preview", "latex", "exports", "tex"]
