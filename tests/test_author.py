"""What a new author meets: mistakes caught before TeX, said plainly, at the right place."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run, write
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
    load_book(mini)


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
