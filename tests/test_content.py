"""Validation reports every problem at once, each at its YAML position."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from handbook.content import load_book
from handbook.errors import ContentError


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(project: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_book(project)
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_fixture_is_valid(mini):
    book = load_book(mini)
    assert [q.id for q in book.questions()] == ["bayes-rule", "kl-basics"]
    assert [q.number for q in book.questions()] == ["1.1", "2.1"]


def test_unknown_key_suggests_the_nearest(mini):
    path = mini / "content/basics.yaml"
    edit(path, "    difficulty: easy", "    dificulty: easy")
    line = line_of(path, "dificulty")
    assert problems(mini) == [
        f"content/basics.yaml:{line_of(path, '- id: bayes-rule')}:5: question 'bayes-rule' is missing required key 'difficulty'",
        f"content/basics.yaml:{line}:5: unknown key 'dificulty' in question 'bayes-rule'; did you mean 'difficulty'?",
    ]


def test_every_problem_is_reported_at_once(mini):
    path = mini / "content/basics.yaml"
    edit(path, "difficulty: easy", "difficulty: trivial")
    edit(path, "related: [kl-basics]", "related: [kl-basic]")
    edit(path, "figures: [line_plot]", "figures: [no_such_plot]")
    found = problems(mini)
    assert f"content/basics.yaml:{line_of(path, 'trivial')}:17: 'difficulty' must be one of easy, medium, hard, not 'trivial'" in found
    assert f"content/basics.yaml:{line_of(path, 'kl-basic]')}:15: related: no question has id 'kl-basic'; did you mean 'kl-basics'?" in found
    assert any(p.startswith(f"content/basics.yaml:{line_of(path, 'no_such_plot')}:15: figures:") for p in found)
    assert len(found) == 3


def test_duplicate_question_id_across_files(mini):
    path = mini / "content/more.yaml"
    edit(path, "  - id: kl-basics", "  - id: bayes-rule")
    found = problems(mini)
    assert any(p.startswith(f"content/more.yaml:{line_of(path, '- id: bayes-rule')}:5: question id 'bayes-rule' is also used at content/basics.yaml:")
               for p in found)


def test_wrong_type_is_named(mini):
    path = mini / "content/basics.yaml"
    edit(path, "topics: [bayes theorem, probability]", "topics: bayes theorem")
    assert problems(mini) == [f"content/basics.yaml:{line_of(path, 'topics:')}:13: 'topics' must be a list, not text"]


def test_prose_error_points_inside_the_block(mini):
    path = mini / "content/basics.yaml"
    edit(path, "second \\emph{point}", "second \\input{/etc/passwd}")
    line = line_of(path, "\\input")
    col = (mini / "content/basics.yaml").read_text().splitlines()[line - 1].index("\\input") + 1
    assert problems(mini) == [f"content/basics.yaml:{line}:{col}: bayes-rule.answer: \\input is not allowed in content"]


def test_unknown_qref_in_prose(mini):
    path = mini / "content/basics.yaml"
    edit(path, "\\qref{kl-basics}", "\\qref{kl-bases}")
    line = line_of(path, "kl-bases")
    col = path.read_text().splitlines()[line - 1].index("kl-bases") + 1
    assert problems(mini) == [
        f"content/basics.yaml:{line}:{col}: \\qref{{kl-bases}}: no question id 'kl-bases'; did you mean 'kl-basics'?"
    ]


def test_chapter_missing_from_book(mini):
    book = mini / "content/book.yaml"
    edit(book, "  - more\n", "")
    assert problems(mini) == ["content/more.yaml:1:1: chapter 'more' is not listed under chapters in book.yaml"]


def test_figure_without_caption(mini):
    (mini / "figures/bare.py").write_text("def figure():\n    return None\n")
    assert problems(mini) == ["figures/bare.py:1:1: a figure module must define CAPTION as a plain string"]


def test_long_short_answer_warns_but_passes(mini, caplog):
    path = mini / "content/more.yaml"
    edit(path, "\\ge 0$.", "\\ge 0$. " + "word " * 80)
    load_book(mini)
    assert any("short_answer of 'kl-basics' has" in r.getMessage() for r in caplog.records)


def test_check_command_exit_codes(mini, capsys):
    assert run("check", "--project", str(mini)) == 0
    edit(mini / "content/basics.yaml", "kind: technical", "kind: [technical]")
    assert run("check", "--project", str(mini)) == 1
    err = capsys.readouterr().err
    assert "content/basics.yaml:" in err and "'kind' must be text, not a list" in err
    assert "Traceback" not in err


def test_bad_usage_exits_2(mini):
    with pytest.raises(SystemExit) as info:
        run("build", "--paper", "a3", "--project", str(mini))
    assert info.value.code == 2
