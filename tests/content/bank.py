"""Access to the shipped content for the tests that recompute its numbers."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"


def _questions() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(CONTENT.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data.get("questions", []) if isinstance(data, dict) else []:
            found[question["id"]] = question
    return found


QUESTIONS = _questions()


def field(qid: str, name: str) -> str:
    """The text of one field of one question, lists joined by newlines."""
    value = QUESTIONS[qid][name]
    return "\n".join(value) if isinstance(value, list) else value


def states(qid: str, number: str, fields: tuple[str, ...] = ("answer", "short_answer")) -> bool:
    """Whether the question's text states `number` as a whole token."""
    pattern = r"(?<![\d.])" + re.escape(number) + r"(?![\d])"
    return any(re.search(pattern, field(qid, f)) for f in fields if f in QUESTIONS[qid])


def fmt(x: float, digits: int = 3) -> str:
    """A number as the text prints it, with `digits` decimals."""
    return f"{x:.{digits}f}"
