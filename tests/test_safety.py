"""Untrusted content: refused before TeX, contained by TeX, text that survives."""

from __future__ import annotations

import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE, outlives, pdftext, run, write
from handbook import prose, whitelist
from handbook.content import load_book
from handbook.errors import ContentError

HOSTILE = [
    r"\input{/etc/passwd}",
    r"\include{secrets}",
    r"\write18{rm -rf /}",
    r"\immediate\write18{touch pwned}",
    r"\openin5=/etc/passwd",
    r"\def\x{1}",
    r"\let\emph\input",
    r"\catcode`\@=11",
    r"\csname input\endcsname",
    r"\usepackage{shellesc}",
    r"\begin{verbatim}x\end{verbatim}",
    r"\verb|x|",
    r"$\input{/etc/passwd}$",
    r"$\csname input\endcsname{x}$",
    r"$\def\x{1}\x$",
    r"$^^5cinput{/etc/passwd}$",
    r"\[\begin{aligned}\openin\end{aligned}\]",
    r"\expandafter\input",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_validation_rejects_hostile_prose(text):
    assert prose.parse(f"Some text {text} more text").problems


def test_hostile_content_is_located_in_the_yaml(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("build", "dist"))
    path = project / "content/more.yaml"
    path.write_text(path.read_text().replace("Gibbs' inequality", r"$\csname input\endcsname$ Gibbs' inequality"))
    with pytest.raises(ContentError) as info:
        load_book(project)
    problem = info.value.problems[0]
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if "csname" in l)
    col = path.read_text().splitlines()[line - 1].index(r"\csname") + 1
    assert str(problem) == f"content/more.yaml:{line}:{col}: kl-basics.answer: \\csname is not allowed in content"


def hostile_template(project: Path, tex: str) -> None:
    """A project template that slips raw TeX past validation."""
    source = (Path(__file__).parents[1] / "latex/answer.tex.j2").read_text()
    write(project / "latex/answer.tex.j2", source.replace("<< q.answer >>", "<< q.answer >>\n" + tex))


@pytest.fixture
def permissive_tex(monkeypatch):
    """A TeX configuration that would read, write and run anything.

    The build must close all three itself; were its own settings removed,
    these would take effect and the sandbox tests would fail.
    """
    monkeypatch.setenv("openin_any", "a")
    monkeypatch.setenv("openout_any", "a")
    monkeypatch.setenv("shell_escape", "t")


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_tex_cannot_read_outside_the_build_folder(mini, tmp_path, permissive_tex, where):
    secret = tmp_path / "secret.txt" if where == "absolute" else mini / "secret.txt"
    secret.write_text("TOPSECRETVALUE\n")
    path = str(secret) if where == "absolute" else "../../secret.txt"  # from build/handbook
    hostile_template(mini, f"\\input{{{path}}}")
    code = run("build", "--project", str(mini), "--only", "handbook", "--quiet")
    assert code == 1
    assert not (mini / "dist/handbook.pdf").exists()
    log = (mini / "build/handbook/main.log").read_text(errors="replace")
    assert "TOPSECRETVALUE" not in log and "not found" in log


def test_tex_cannot_write_outside(mini, permissive_tex):
    hostile_template(mini, "\\newwrite\\leak\\immediate\\openout\\leak=../../leaked.txt\\immediate\\write\\leak{x}"
                     "\\immediate\\closeout\\leak")
    assert run("build", "--project", str(mini), "--only", "handbook", "--quiet") == 1
    assert not (mini / "leaked.txt").exists() and not (mini.parent / "leaked.txt").exists()
    assert "Not writing to ../../leaked.txt" in (mini / "build/handbook/latexmk.out").read_text(errors="replace")


def test_tex_cannot_run_commands(mini, tmp_path, permissive_tex):
    marker = tmp_path / "pwned"
    hostile_template(mini, "\\immediate\\write18{touch " + str(marker) + "}")
    run("build", "--project", str(mini), "--only", "handbook", "--quiet")
    assert not marker.exists()
    assert "runsystem(touch" in (mini / "build/handbook/main.log").read_text(errors="replace")


def test_every_accepted_character_comes_back_from_the_pdf(mini):
    chars = sorted(whitelist.TEXT_UNICODE)
    body = " ".join("".join(chars[i : i + 12]) for i in range(0, len(chars), 12))
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("It is the expected log-ratio", f"CHARS: {body} :END. It is the expected log-ratio"))
    assert run("build", "--project", str(mini), "--only", "handbook", "--quiet") == 0
    text = pdftext(mini / "dist/handbook.pdf")
    found = "".join(text.split("CHARS:")[1].split(":END")[0].split())
    missing = [f"{c} U+{ord(c):04X}" for c in chars if unicodedata.normalize("NFC", c) not in unicodedata.normalize("NFC", found)]
    assert missing == []


def test_unsupported_character_is_rejected_by_name(mini):
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("It is the expected", "It is 😀 the expected"))
    with pytest.raises(ContentError) as info:
        load_book(mini)
    assert "cannot typeset '😀' (U+1F600)" in str(info.value)


def normalise(text: str) -> str:
    """What pdftotext gives back, whitespace and typographic quotes aside."""
    text = text.replace("’", "'").replace("‘", "`").replace("-\n", "-")
    return unicodedata.normalize("NFC", "".join(text.split()))


# Backslash and dollar start commands and maths, and a lone brace is refused
# as unbalanced; other tests cover those. Every other printable ASCII character and the accepted Unicode print as
# themselves, and anything else must be refused by name.
PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="\\${}")
ACCEPTED = st.sampled_from(sorted(whitelist.TEXT_UNICODE))
ANY = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\\${}")
PRINTS = {chr(c) for c in range(32, 127)} - {"\\", "$", "{", "}"} | set(whitelist.TEXT_UNICODE)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.one_of(PRINTABLE, ACCEPTED, ANY), min_size=1, max_size=30))
def test_any_text_builds_and_reads_back_or_is_rejected(mini, text):
    path = mini / "content/more.yaml"
    original = (FIXTURE / "content/more.yaml").read_text()
    path.write_text(original.replace("      Define the Kullback–Leibler divergence.", f"      START {text} END"))
    refused = [ch for ch in text if ch not in PRINTS]
    try:
        load_book(mini)
    except ContentError as exc:
        assert refused, (text, [str(p) for p in exc.problems])  # nothing printable is refused
        assert all(str(p).startswith("content/more.yaml:") for p in exc.problems)
        assert f"U+{ord(refused[0]):04X}" in str(exc)
        return
    assert not refused, text
    assert run("build", "--project", str(mini), "--only", "handbook", "--quiet", "--answers", "none") == 0
    pdf = pdftext(mini / "dist/handbook.pdf")
    assert normalise(f"START {text} END") in normalise(pdf)


def test_tex_that_hangs_is_stopped_and_named(tmp_path):
    from handbook.compile import latexmk
    from handbook.errors import TexError

    (tmp_path / "main.tex").write_text("\\documentclass{article}\\begin{document}\\def\\x{\\x}\\x\\end{document}\n")
    with pytest.raises(TexError) as info:
        latexmk(tmp_path, 0, "handbook.pdf", timeout=3)
    assert str(info.value) == "handbook.pdf: TeX did not finish within 3 s and was stopped"
    assert outlives(tmp_path) == []  # latexmk and the pdflatex it started


MATHS_BLOCKS = [chr(c) for block in ((0x0370, 0x0400), (0x2100, 0x2300)) for c in range(*block)]


def test_a_maths_character_whose_command_is_not_allowed_is_rejected_where_it_stands(mini):
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("It is the expected", "It is $x ∯ y$, the expected"))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "∯" in text)
    col = next(text for text in path.read_text().splitlines() if "∯" in text).index("∯") + 1
    with pytest.raises(ContentError) as info:
        load_book(mini)
    (problem,) = info.value.problems
    assert str(problem.pos) == f"content/more.yaml:{line}:{col}"
    assert "'∯' (U+222F)" in problem.message


def test_every_maths_character_that_validation_accepts_is_typeset_by_tex(mini):
    accepted = [ch for ch in MATHS_BLOCKS if prose._unicode_math(ch) is not None]
    assert "→" in accepted and "α" in accepted and "∯" not in accepted
    path = mini / "content/more.yaml"
    path.write_text(path.read_text().replace("It is the expected", f"It is ${' '.join(accepted)}$, the expected"))
    load_book(mini)
    assert run("build", "--project", str(mini), "--only", "handbook", "--quiet", "--answers", "inline") == 0


@pytest.mark.parametrize("file,old,new", [
    ("content/basics.yaml", "title: Bayes' rule", "title: Bayes' rule 😀 ∯"),
    ("content/basics.yaml", "topics: [bayes theorem, probability]", "topics: [bayes theorem, probability ∯]"),
    ("content/basics.yaml", "title: A Book of Tests", "title: A Book of Tests 😀"),
    ("content/book.yaml", "author: Test Author", "author: Test Author 😀"),
])
def test_plain_text_fields_print_as_themselves_or_are_refused_by_name(mini, file, old, new):
    path = mini / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if new in text)
    with pytest.raises(ContentError) as info:
        load_book(mini)
    (problem,) = info.value.problems
    assert problem.pos.path == file and problem.pos.line == line
    assert "cannot typeset" in problem.message and ("'😀' (U+1F600)" in problem.message or "'∯'" in problem.message)


def test_plain_text_fields_keep_the_characters_tex_prints(mini):
    path = mini / "content/basics.yaml"
    path.write_text(path.read_text().replace("title: Bayes' rule", "title: Bayes' rule — Gödel’s café"))
    assert load_book(mini).questions()  # refused content would raise ContentError
