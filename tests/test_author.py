"""What a new author meets: mistakes caught before TeX, said plainly, at the right place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import pdftext, run, write
from handbook.build import build
from handbook.content import load_book
from handbook.errors import ContentError, TexError
from handbook.options import Options


def put_in_answer(project: Path, text: str) -> tuple[Path, int, int]:
    """Put `text` into kl-basics' answer; its file, line and the column where it starts."""
    path = project / "content/more.yaml"
    source = path.read_text(encoding="utf-8")
    marker = "It is the expected log-ratio"
    path.write_text(source.replace(marker, f"{text} {marker}"), encoding="utf-8")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return path, number, line.index(text) + 1
    raise AssertionError("not written")


def problems_of(project: Path) -> list:
    with pytest.raises(ContentError) as info:
        load_book(project)
    return info.value.problems


@pytest.mark.parametrize("maths,offset,says", [
    ("$x^$", 2, "^ needs a superscript"),
    ("$a_$", 2, "_ needs a subscript"),
    (r"$\left( x$", 1, r"\left without a matching \right"),
    (r"$x \right)$", 3, r"\right without a \left"),
    (r"$\text{α}$", 7, "cannot be typeset inside \\text{}"),
    (r"\[ a \\ b \]", 5, r"\\ breaks lines only inside aligned"),
])
def test_check_refuses_what_tex_would_reject_at_its_column(mini, maths, offset, says):
    _, line, col = put_in_answer(mini, maths)
    (problem,) = problems_of(mini)
    assert (problem.pos.path, problem.pos.line, problem.pos.col) == ("content/more.yaml", line, col + offset)
    assert says in problem.message


@pytest.mark.parametrize("maths", [r"$x^{2}_{i}$", r"$\left( x \right)$", r"$\left. x \right|$", r"$e^x$",
                                   r"$\text{if } x$", r"\[\begin{aligned} a &= b \\ c &= d \end{aligned}\]"])
def test_good_maths_still_passes(mini, maths):
    put_in_answer(mini, maths)
    assert load_book(mini).questions()  # refused content would raise ContentError


def test_a_failed_edition_leaves_every_edition_as_it_was(mini, capsys):
    assert run("build", "--project", str(mini), "--quiet") == 0
    before = {p.name: p.read_bytes() for p in (mini / "dist").glob("*.pdf")}
    put_in_answer(mini, "A change every edition would show.")
    template = (Path(__file__).parents[1] / "latex/handbook.tex.j2").read_text()
    broken = template.replace("\\begin{document}", "<% if layout.ereader %>\\undefinedcommand<% endif %>\\begin{document}")
    write(mini / "latex/handbook.tex.j2", broken)  # only the e-reader edition fails in TeX
    assert run("build", "--project", str(mini), "--quiet") == 1
    assert "No output was changed" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (mini / "dist").glob("*.pdf")} == before


def warnings_of(project: Path, caplog) -> list[str]:
    caplog.clear()
    load_book(project)
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


def test_a_title_cut_by_a_yaml_comment_is_a_warning_with_the_fix(mini, caplog):
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("title: KL divergence", "title: Exploration #1 versus exploitation"))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "Exploration" in text)
    (warning,) = warnings_of(mini, caplog)
    assert warning.startswith(f"content/more.yaml:{line}:")
    assert "'#1 versus exploitation' is lost" in warning
    assert 'title: "Exploration #1 versus exploitation"' in warning


def test_a_comment_set_off_as_a_comment_is_not_a_warning(mini, caplog):
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("title: KL divergence", "title: KL divergence  # the classic"))
    assert warnings_of(mini, caplog) == []


def test_dollars_meant_as_money_are_a_warning_at_the_first_dollar(mini, caplog):
    path, line, col = put_in_answer(mini, "A bet: $5 now beats $10 later.")
    (warning,) = warnings_of(mini, caplog)
    assert warning.startswith(f"content/more.yaml:{line}:{col + len('A bet: ')}:")
    assert "for a dollar sign write \\$" in warning


def test_escaped_dollars_and_ordinary_maths_are_not_warned_about(mini, caplog):
    put_in_answer(mini, r"It costs \$5, not \$10, with probability $1-\delta$ when $n \ge 10$.")
    assert warnings_of(mini, caplog) == []


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.mark.parametrize("grid", ["2x4", "3x3"])
def test_card_topics_never_overprint_the_question(mini, grid):
    topics = ", ".join(f"topicword{i} with several long words" for i in range(8))
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("topics: [information theory]", f"topics: [{topics}]"))
    assert run("build", "--project", str(mini), "--quiet", "--only", "flashcards", "--cards", grid) == 0
    words = [(float(y0), float(y1), w) for _, y0, _, y1, w in WORD.findall(pdftext(mini / "dist/flashcards.pdf", "-bbox"))]
    header = [y1 for y0, y1, w in words if w.startswith("topicword")]
    prompt_top = min(y0 for y0, y1, w in words if w == "Define")
    assert header and max(header) <= prompt_top  # the topic line ends above the prompt
    assert len({round(y0) for y0, y1, w in words if w.startswith("topicword")}) == 1  # one line


def test_bibliography_sorts_by_first_authors_surname():
    from handbook.render import surname_key

    authors = ["Richard S. Sutton and Andrew G. Barto", "Umut Şimşekli, Levent Sagun and Mert Gürbüzbalaban",
               "Alex Kendall and Yarin Gal", "Andrew Gelman and others", "Aad W. van der Vaart",
               "Ilya Loshchilov and Frank Hutter"]
    assert sorted(authors, key=surname_key) == [
        "Andrew Gelman and others", "Alex Kendall and Yarin Gal", "Ilya Loshchilov and Frank Hutter",
        "Umut Şimşekli, Levent Sagun and Mert Gürbüzbalaban", "Richard S. Sutton and Andrew G. Barto",
        "Aad W. van der Vaart"]


def test_shipped_bibliography_is_in_surname_order():
    from handbook.render import bibliography, surname_key

    book = load_book(Path(__file__).parents[1])
    entries = bibliography(book, book.chapters)
    keys = [surname_key(e["author"]) for e in entries]
    assert keys == sorted(keys) and len(keys) > 100


def test_practice_editions_start_answers_on_a_right_hand_page_and_cite_only_what_they_print(mini):
    assert run("build", "--project", str(mini), "--quiet", "--answers", "end", "--only", "handbook") == 0
    pdf = mini / "dist/handbook.pdf"
    pages = pdftext(pdf).split("\f")
    answers = next(i for i, p in enumerate(pages) if "Answers to chapter 1" in p and "Bayes’ rule follows" in p)
    prompt = next(i for i, p in enumerate(pages) if "State Bayes’ rule for events" in p)
    assert answers != prompt and int(PdfReader(pdf).page_labels[answers]) % 2 == 1
    contents = next(p for p in pages if "Contents" in p)
    assert "Bibliography" in contents
    assert run("build", "--project", str(mini), "--quiet", "--answers", "none", "--only", "handbook") == 0
    text = pdftext(pdf)
    assert "Bibliography" not in text and "A Book of Tests" not in text


@pytest.mark.parametrize("text,at,says", [
    ("An open $x + y and more", "$x", "this $ opens maths that is never closed"),
    (r"then \(x and more", r"\(x", r"this \( opens maths that is never closed"),
    (r"a fraction $\frac{a}{b$ here", "{b", "this { is never closed"),
    (r"Missing \emph{brace here", "{brace", "this { is never closed"),
])
def test_an_unclosed_delimiter_is_named_where_it_opens(mini, text, at, says):
    _, line, col = put_in_answer(mini, text)
    (problem,) = problems_of(mini)
    assert (problem.pos.line, problem.pos.col) == (line, col + text.index(at))
    assert says in problem.message


@pytest.mark.parametrize("char,command", [("∑", r"$\sum$"), ("ℝ", r"$\mathbb{R}$")])
def test_unicode_maths_in_running_text_is_named_at_its_column_with_the_command(mini, char, command):
    text = f"Sum {char} here, and ${char}$ is fine."
    _, line, col = put_in_answer(mini, text)
    (problem,) = problems_of(mini)
    assert (problem.pos.line, problem.pos.col) == (line, col + text.index(char))
    assert f"write {command}" in problem.message


@pytest.mark.parametrize("text,says", [
    (r"$\mathscr{A}$", r"did you mean \mathcal?"),
    (r"\textit{word}", r"did you mean \emph?"),
    (r"$\bm{x}$", r"did you mean \boldsymbol?"),
    (r"$x^\intercal$", r"did you mean \top?"),
    (r"\[\begin{align} a \end{align}\]", "use aligned"),
    (r"\item alone", r"\item belongs inside a list"),
    (r"\alpha outside", r"\alpha is a maths command: write it inside $...$"),
])
def test_unknown_commands_get_a_suggestion_by_meaning(mini, text, says):
    put_in_answer(mini, text)
    (problem,) = problems_of(mini)
    assert says in problem.message


def yaml_problem(project: Path, old: str, new: str):
    path = project / "content/more.yaml"
    path.write_text(path.read_text().replace(old, new))
    (problem,) = problems_of(project)
    return problem, path.read_text().splitlines()


def test_a_title_with_colon_space_is_told_to_be_quoted(mini):
    problem, lines = yaml_problem(mini, "title: KL divergence", "title: KL: a divergence")
    assert lines[problem.pos.line - 1].strip() == "title: KL: a divergence"
    assert 'quote this title' in problem.message and 'title: "KL: a divergence"' in problem.message


@pytest.mark.parametrize("spaces,says", [(3, "indented 1 space less than 'title'"), (5, "indented 1 space more than 'title'")])
def test_an_indentation_slip_is_named_on_its_own_line(mini, spaces, says):
    problem, lines = yaml_problem(mini, "    difficulty: hard", " " * spaces + "difficulty: hard")
    assert lines[problem.pos.line - 1].strip() == "difficulty: hard"
    assert says in problem.message


def test_topic_and_chapter_filters_ignore_case_and_suggest(mini, capsys):
    assert run("build", "--project", str(mini), "--quiet", "--only", "flashcards", "--topic", "Information Theory") == 0
    assert "kl-basics" in pdftext(mini / "dist/flashcards.pdf")
    with pytest.raises(SystemExit) as done:
        run("build", "--project", str(mini), "--only", "flashcards", "--topic", "informaton theory")
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "did you mean 'information theory'?" in err and "probability" not in err


def test_help_shows_examples_defaults_and_how_filters_combine(capsys):
    with pytest.raises(SystemExit):
        run("build", "--help")
    out = capsys.readouterr().out
    assert "examples:" in out and "(default a4)" in out and "different options must all match" in out


def test_topics_keep_one_spelling(mini):
    basics = mini / "content/basics.yaml"
    basics.write_text(basics.read_text().replace("topics: [bayes theorem, probability]",
                                                 "topics: [bayes theorem, probability, information theory]"))
    more = mini / "content/more.yaml"
    more.write_text(more.read_text().replace("topics: [information theory]", "topics: [Information-theory, generalization]"))
    messages = sorted(p.message for p in problems_of(mini))
    assert len(messages) == 2, messages
    assert messages[0].startswith("topic 'Information-theory' is written 'information theory' at content/basics.yaml:")
    assert messages[1] == "topic 'generalization': the book spells 'generalization' as 'generalisation'"


def test_words_that_end_in_ize_in_every_spelling_are_fine(mini):
    more = mini / "content/more.yaml"
    more.write_text(more.read_text().replace("topics: [information theory]", "topics: [batch size, step sizes]"))
    assert load_book(mini).questions()  # refused content would raise ContentError


def test_figure_drawing_shows_progress(mini, caplog):
    import logging

    caplog.set_level(logging.INFO)
    build(mini, mini / "dist", Options(outputs=("handbook", "ereader")))
    lines = [r.getMessage() for r in caplog.records if "figure " in r.getMessage() and " of " in r.getMessage()]
    # one line per figure, naming every width drawn in its one job
    assert [line.strip() for line in lines] == ["figure 1 of 1: line_plot (pdf 3.27 in, pdf 4.80 in)"]


LONG_URL = "https://example.org/research/2024/a-rather-long-path/to_a-page?with=query&and=more#section-2"


def test_links_are_clickable_and_break_on_a_small_page(mini):
    put_in_answer(mini, rf"Read \url{{{LONG_URL}}} and \href{{https://arxiv.org/abs/1706.03762}}{{the paper}}.")
    assert run("build", "--project", str(mini), "--quiet", "--only", "handbook", "--only", "ereader") == 0
    for name in ("handbook.pdf", "handbook-ereader.pdf"):
        pdf = mini / "dist" / name
        uris = {a.get_object()["/A"].get("/URI") for page in PdfReader(pdf).pages
                for a in page.get("/Annots", []) or [] if "/A" in a.get_object()}
        assert {LONG_URL, "https://arxiv.org/abs/1706.03762"} <= uris, (name, uris)
        assert "the paper" in pdftext(pdf)
    log = (mini / "build/ereader/main.log").read_text(errors="replace")
    assert "Overfull \\hbox" not in log  # the long address broke to fit 83 mm


def test_links_reach_the_anki_deck(mini):
    from handbook.anki import export

    put_in_answer(mini, r"Read \href{https://arxiv.org/abs/1706.03762}{the paper}.")
    out = mini / "dist/handbook.apkg"
    export(mini, out, __import__("handbook.options", fromlist=["Selection"]).Selection())
    import sqlite3, tempfile, zipfile

    with zipfile.ZipFile(out) as archive, tempfile.NamedTemporaryFile(suffix=".anki2") as db:
        db.write(archive.read("collection.anki2"))
        db.flush()
        fields = " ".join(row[0] for row in sqlite3.connect(db.name).execute("SELECT flds FROM notes"))
    assert '<a href="https://arxiv.org/abs/1706.03762">the paper</a>' in fields


@pytest.mark.parametrize("text,says", [
    (r"\url{javascript:alert(1)}", "starts with https://, http:// or mailto:"),
    (r"\url{https://a b.org}", "' ' cannot appear in a link address"),
    (r"\url{https://a.org/{x}}", "cannot appear in a link address"),
])
def test_unsafe_or_broken_addresses_are_refused(mini, text, says):
    put_in_answer(mini, text)
    (problem,) = problems_of(mini)
    assert says in problem.message


def test_a_long_bare_address_is_a_warning_with_its_line(mini, caplog):
    _, line, col = put_in_answer(mini, f"See {LONG_URL} for more.")
    (warning,) = warnings_of(mini, caplog)
    assert warning.startswith(f"content/more.yaml:{line}:{col + 4}:") and "write \\url{" in warning
