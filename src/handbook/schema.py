"""What a content file may hold: one table per kind of mapping.

The validator in content.py reads its keys and which of them are required
from these tables, and `handbook schema` turns the same tables into a JSON
Schema that YAML editors use to check files as they are typed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .model import DIFFICULTIES

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REF_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*")
FIGURE_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Field:
    kind: str  # text | prose | slug | choice | year | list-of-... | questions | references
    required: bool
    help: str


BOOK = {
    "title": Field("text", True, "The book's title"),
    "subtitle": Field("text", False, "A line under the title"),
    "author": Field("text", True, "Who wrote it"),
    "edition": Field("text", False, "Printed on the title page"),
    "chapters": Field("slugs", True, "Chapter ids in book order"),
    "language": Field("text", False, "The book's language as a BCP 47 tag, such as en (the default)"),
}
CHAPTER = {
    "id": Field("slug", True, "The chapter's id, as listed in book.yaml"),
    "title": Field("text", True, "The chapter's title"),
    "intro": Field("prose", True, "A short paragraph that opens the chapter"),
    "questions": Field("questions", True, "The chapter's questions, in order"),
    "references": Field("references", False, "References by key; keys are unique across files"),
}
QUESTION = {
    "id": Field("slug", True, "A stable slug: never change it once published"),
    "title": Field("text", True, "A short title"),
    "difficulty": Field("choice", True, "easy, medium or hard"),
    "kind": Field("text", True, "For example technical"),
    "topics": Field("texts", True, "Index terms, in the book's spelling"),
    "question": Field("prose", True, "The prompt, as an interviewer asks it"),
    "short_answer": Field("prose", True, "The 60-second answer; it must fit a flashcard"),
    "answer": Field("prose", True, "Intuition, derivation, worked example, practical consequences"),
    "mistakes": Field("proses", False, "What an interviewer listens for"),
    "follow_ups": Field("proses", False, "Likely next questions"),
    "related": Field("slugs", False, "Ids of related questions"),
    "figures": Field("figures", False, "Figure modules in figures/"),
    "references": Field("refkeys", False, "Keys of references"),
}
REFERENCE = {
    "author": Field("text", True, "Authors, 'A and B' or 'A, B and C'"),
    "title": Field("text", True, "Title of the work"),
    "year": Field("year", True, "Year of publication"),
    "venue": Field("text", True, "Journal, conference, publisher or arXiv id"),
    "note": Field("text", False, "Anything else to print"),
}


def _anchored(pattern: re.Pattern) -> str:
    return f"^(?:{pattern.pattern})$"


def _property(field: Field) -> dict:
    text = {"type": "string", "pattern": r"\S"}
    shapes = {
        "text": text,
        "prose": {"type": "string"},
        "slug": {"type": "string", "pattern": _anchored(SLUG)},
        "choice": {"enum": list(DIFFICULTIES)},
        "year": {"type": "integer"},
        "texts": {"type": "array", "items": text, "minItems": 1},
        "proses": {"type": "array", "items": {"type": "string"}},
        "slugs": {"type": "array", "items": {"type": "string", "pattern": _anchored(SLUG)}},
        "figures": {"type": "array", "items": {"type": "string", "pattern": _anchored(FIGURE_ID)}},
        "refkeys": {"type": "array", "items": {"type": "string", "pattern": _anchored(REF_KEY)}},
        "questions": {"type": "array", "items": {"$ref": "#/definitions/question"}, "minItems": 1},
        "references": {"type": "object", "propertyNames": {"pattern": _anchored(REF_KEY)},
                       "additionalProperties": {"$ref": "#/definitions/reference"}},
    }
    return {"description": field.help, **shapes[field.kind]}


def _object(table: dict[str, Field], title: str) -> dict:
    return {
        "title": title,
        "type": "object",
        "properties": {key: _property(field) for key, field in table.items()},
        "required": [key for key, field in table.items() if field.required],
        "additionalProperties": False,
    }


def json_schema() -> dict:
    """The JSON Schema (draft-07) of every file under content/."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "handbook content file: book.yaml, a chapter, or a file of references",
        "oneOf": [{"$ref": "#/definitions/book"}, {"$ref": "#/definitions/chapter"},
                  {"$ref": "#/definitions/bibliography"}],
        "definitions": {
            "book": _object(BOOK, "book.yaml"),
            "chapter": _object(CHAPTER, "A chapter"),
            "bibliography": _object({"references": Field("references", True, CHAPTER["references"].help)},
                                    "A file of shared references"),
            "question": _object(QUESTION, "A question"),
            "reference": _object(REFERENCE, "A reference"),
        },
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
