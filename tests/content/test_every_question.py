"""What every question of the book carries, whichever chapter it is in."""

from __future__ import annotations

import pytest

from bank import QUESTIONS, assert_well_formed


@pytest.mark.parametrize("qid", sorted(dict.keys(QUESTIONS)))
def test_every_question_is_complete(qid):
    assert_well_formed(qid, parts=())  # the first 63 answers name their parts in their own words
    assert QUESTIONS[qid].get("references"), qid
