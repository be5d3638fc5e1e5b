"""Access to the shipped content for the tests that recompute its numbers.

Every content test reads the book through this module: `field`, `states` and
`figure_source` record that they were used, and `conftest.py` fails a test
that never touched the book. `HANDBOOK_CONTENT` points the tests at a copy of
the content, which is how a mutated copy is checked.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = Path(os.environ.get("HANDBOOK_CONTENT", ROOT / "content"))
FIGURES = Path(os.environ.get("HANDBOOK_FIGURES", ROOT / "figures"))

READS = [0]  # how many times the book was read; conftest compares it per test


def _questions() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(CONTENT.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data.get("questions", []) if isinstance(data, dict) else []:
            found[question["id"]] = question
    return found


class _Bank(dict):
    """The questions by id; every lookup counts as reading the book."""

    def __getitem__(self, key: str) -> dict:
        READS[0] += 1
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        READS[0] += 1
        return super().__contains__(key)


QUESTIONS = _Bank(_questions())


def field(qid: str, name: str) -> str:
    """The text of one field of one question, lists joined by newlines."""
    value = QUESTIONS[qid][name]
    return "\n".join(value) if isinstance(value, list) else value


# A sentence ends at . ! ? or : followed by white space and a capital, a
# backslash command or maths; at a blank line; or at a list item. A decimal
# point is never followed by white space, so 0.5 stays whole.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z\\$(])|\n\s*\n|\\item\b")


def sentences(qid: str, fields: tuple[str, ...] = ("answer", "short_answer")) -> list[str]:
    """The sentences of the question's fields, each with its surrounding maths."""
    found: list[str] = []
    for name in fields:
        if name in QUESTIONS[qid]:
            found.extend(s.strip() for s in _SENTENCE_END.split(field(qid, name)) if s.strip())
    return found


def _has_token(text: str, number: str) -> bool:
    pattern = r"(?<![\d.])" + re.escape(number) + r"(?![\d])"
    return re.search(pattern, text) is not None


def states(
    qid: str,
    number: str,
    near: str,
    fields: tuple[str, ...] = ("answer", "short_answer"),
) -> bool:
    """Whether a sentence that contains `near` also states `number` as a whole token.

    `near` is the context the number belongs to: a word or a piece of the
    formula beside it. A number elsewhere in the answer does not count.
    """
    candidates = [s for s in sentences(qid, fields) if near in s]
    assert candidates, f"{qid}: no sentence contains {near!r}"
    return any(_has_token(s, number) for s in candidates)


PROSE = ("answer", "short_answer", "mistakes", "follow_ups")
PARTS = (r"\textbf{Derivation.}", r"\textbf{Worked example.}", r"\textbf{Practical consequences.}")


def cited(qid: str, fields: tuple[str, ...] = PROSE) -> set[str]:
    """The reference keys the question's prose cites."""
    text = "\n".join(field(qid, name) for name in fields if name in QUESTIONS[qid])
    return {key.strip() for group in re.findall(r"\\cite\{([^}]+)\}", text) for key in group.split(",")}


EVERY_FIELD = ("title", "difficulty", "kind", "topics", "question", "short_answer", "answer",
               "mistakes", "follow_ups", "related", "references")


def assert_every_field(qid: str) -> None:
    """The question fills every field, optional ones included: related questions and references too."""
    for name in EVERY_FIELD:
        assert QUESTIONS[qid].get(name), (qid, name)


def assert_well_formed(qid: str, parts: tuple[str, ...] = PARTS) -> None:
    """What every question carries: a known difficulty and kind, the word limits of a flashcard and
    of an answer, 2-4 mistakes and 2-3 follow-ups, every cited key in `references`, and the
    answer's labelled `parts` in order."""
    q = QUESTIONS[qid]
    assert q["difficulty"] in ("easy", "medium", "hard") and q["kind"], qid
    assert len(field(qid, "short_answer").split()) <= 70, f"{qid}: the short answer must fit a flashcard"
    assert 250 <= len(field(qid, "answer").split()) <= 700, qid
    assert 2 <= len(q.get("mistakes", [])) <= 4 and 2 <= len(q.get("follow_ups", [])) <= 3, qid
    assert cited(qid) <= set(q.get("references") or []), (qid, cited(qid) - set(q.get("references") or []))
    where = [field(qid, "answer").find(label) for label in parts]
    assert -1 not in where and where == sorted(where), (qid, where)


def assert_technical_batch(ids: list[str], hard: set[str]) -> None:
    """A batch of technical questions, hard exactly where planned, each well formed."""
    for qid in ids:
        assert QUESTIONS[qid]["kind"] == "technical", qid
        assert (QUESTIONS[qid]["difficulty"] == "hard") == (qid in hard), qid
        assert_well_formed(qid)


def says(qid: str, before: str, number: str, fields: tuple[str, ...] = PROSE) -> bool:
    """Whether `number` follows `before` directly in a sentence of the question.

    Stricter than `states` for small numbers, which a sentence may hold for
    other reasons: '= 2' must be the text right before the 2.
    """
    candidates = [s for s in sentences(qid, fields) if before in s]
    assert candidates, f"{qid}: no sentence contains {before!r}"
    pattern = re.escape(before) + re.escape(number) + r"(?![\d])"
    return any(re.search(pattern, s) for s in candidates)


def caption_says(name: str, before: str, number: str) -> bool:
    """Whether `number` follows `before` directly in the figure's caption."""
    caption = figure_constant(name, "CAPTION")
    assert before in caption, f"{name}: caption has no {before!r}"
    return re.search(re.escape(before) + re.escape(number) + r"(?![\d])", caption) is not None


def figure_source(name: str) -> str:
    """The source of a figure module, read from the project's figures/."""
    READS[0] += 1
    return (FIGURES / f"{name}.py").read_text(encoding="utf-8")


def figure_constant(name: str, constant: str):
    """A literal constant assigned at the top level of a figure module (e.g. CAPTION)."""
    tree = ast.parse(figure_source(name))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == constant for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(f"{name}.py has no constant {constant}")


def caption_states(name: str, number: str, near: str) -> bool:
    """Whether the sentence of a figure's caption that contains `near` states `number`."""
    parts = [s for s in _SENTENCE_END.split(figure_constant(name, "CAPTION")) if near in s]
    assert parts, f"{name}: no caption sentence contains {near!r}"
    return any(_has_token(s, number) for s in parts)


def figure_module(name: str):
    """A figure module, imported from the project's figures/ without writing bytecode there."""
    import importlib.util
    import sys

    READS[0] += 1
    spec = importlib.util.spec_from_file_location(f"figure_{name}", FIGURES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def fmt(x: float, digits: int = 3) -> str:
    """A number as the text prints it, with `digits` decimals."""
    return f"{x:.{digits}f}"
