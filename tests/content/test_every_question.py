"""What every question of the book carries, whichever chapter it is in."""

from __future__ import annotations

import re

import pytest

from bank import QUESTIONS, field

@pytest.mark.parametrize("qid", sorted(dict.keys(QUESTIONS)))
def test_every_question_is_complete(qid):
    q = QUESTIONS[qid]
    assert q["difficulty"] in ("easy", "medium", "hard") and q["kind"]
    assert len(field(qid, "short_answer").split()) <= 70, "the short answer must fit a flashcard"
    assert 250 <= len(field(qid, "answer").split()) <= 700
    answer = field(qid, "answer")
    assert 2 <= len(q.get("mistakes", [])) <= 4 and 2 <= len(q.get("follow_ups", [])) <= 3
    cited = {k.strip() for group in re.findall(r"\\cite\{([^}]+)\}", answer) for k in group.split(",")}
    assert q.get("references") and cited <= set(q["references"]), cited - set(q.get("references", []))
