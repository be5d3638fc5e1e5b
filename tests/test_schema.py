"""The JSON Schema for editors says what the validator says."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import FIXTURE
from handbook import schema
from handbook.content import load_book
from handbook.errors import ContentError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "handbook" / "handbook.schema.json"
VALIDATOR = jsonschema.Draft7Validator(schema.json_schema())


def schema_accepts(data) -> bool:
    return VALIDATOR.is_valid(data)


def validator_accepts(project: Path) -> bool:
    try:
        load_book(project)
    except ContentError:
        return False
    return True


def test_the_shipped_schema_is_the_generated_one():
    jsonschema.Draft7Validator.check_schema(schema.json_schema())
    assert SHIPPED.read_text(encoding="utf-8") == schema.schema_text()


def test_every_shipped_content_file_satisfies_the_schema():
    files = sorted((ROOT / "content").glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        errors = list(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], (path.name, [e.message for e in errors[:3]])


# Each case edits the fixture's chapter `more.yaml` as parsed data.
def _question(data):
    return data["questions"][0]


CASES = {
    "difficulty a number": lambda d: _question(d).update(difficulty=3),
    "difficulty unknown": lambda d: _question(d).update(difficulty="impossible"),
    "topics not a list": lambda d: _question(d).update(topics="information theory"),
    "unknown question key": lambda d: _question(d).update(dificulty="hard"),
    "unknown chapter key": lambda d: d.update(summary="x"),
    "id not a slug": lambda d: _question(d).update(id="KL Basics"),
    "year as text": lambda d: d.update(references={"x2020": {"author": "A", "title": "T", "year": "2020", "venue": "V"}}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_schema_and_validator_both_refuse(mini, case):
    path = mini / "content/more.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    CASES[case](data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert not schema_accepts(data)
    assert not validator_accepts(mini)


TABLES = [("question", schema.QUESTION), ("reference", schema.REFERENCE), ("chapter", schema.CHAPTER)]


@pytest.mark.parametrize("where,key", [(where, key) for where, table in TABLES for key in table])
def test_schema_and_validator_agree_on_what_is_required(mini, where, key):
    """Leave one key out of a complete fixture: both refuse it if, and only if, the table requires it."""
    path = mini / "content/basics.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    q = data["questions"][0]
    q.setdefault("mistakes", ["A mistake."])
    q.setdefault("follow_ups", ["A follow-up?"])
    data["references"]["doe2020"]["note"] = "A note"
    target = {"question": q, "reference": data["references"]["doe2020"], "chapter": data}[where]
    if key == "references" and where == "chapter":
        q.pop("references")  # a chapter without references cannot cite them
        q["answer"] = q["answer"].replace(" and \\cite{doe2020}", "")
    target.pop(key)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    required = dict(TABLES)[where][key].required
    assert schema_accepts(data) is not required
    assert validator_accepts(mini) is not required
