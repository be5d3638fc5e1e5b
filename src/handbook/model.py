"""The book as typed data: what every later stage works from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Pos
from .prose import Piece
from .yamlsource import Node

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class Prose:
    """A prose field: its source, where it was written, and its parse."""

    source: str
    node: Node
    pieces: list[Piece] = field(default_factory=list)


@dataclass
class Reference:
    key: str
    author: str
    title: str
    year: int
    venue: str
    note: str
    pos: Pos


@dataclass
class Figure:
    """A figure module in the project's figures/ folder."""

    id: str
    path: str  # as shown to the user
    caption: Prose
    source_hash: str


@dataclass
class Question:
    id: str
    title: str
    difficulty: str
    kind: str
    topics: list[str]
    question: Prose
    short_answer: Prose
    answer: Prose
    mistakes: list[Prose]
    follow_ups: list[Prose]
    related: list[str]
    figures: list[str]
    references: list[str]
    pos: Pos
    chapter: str = ""
    number: str = ""
    where: dict[str, Pos] = field(default_factory=dict)  # "related:<id>" -> where it is listed

    def prose_fields(self) -> list[tuple[str, Prose]]:
        """Every prose field, named as the user wrote it."""
        fields = [("question", self.question), ("short_answer", self.short_answer), ("answer", self.answer)]
        fields += [(f"mistakes[{i}]", p) for i, p in enumerate(self.mistakes)]
        fields += [(f"follow_ups[{i}]", p) for i, p in enumerate(self.follow_ups)]
        return fields


@dataclass
class Chapter:
    id: str
    title: str
    intro: Prose
    questions: list[Question]
    path: str
    number: int = 0


@dataclass
class Book:
    title: str
    subtitle: str
    author: str
    edition: str
    chapters: list[Chapter]
    references: dict[str, Reference]
    figures: dict[str, Figure]
    language: str = "en"  # BCP 47, for the EPUB and the web pages

    def questions(self) -> list[Question]:
        return [q for chapter in self.chapters for q in chapter.questions]

    def prose(self) -> list[tuple[str, Prose]]:
        """Every prose field in the book with a label for messages."""
        out = [(f"{c.id}.intro", c.intro) for c in self.chapters]
        for q in self.questions():
            out += [(f"{q.id}.{name}", p) for name, p in q.prose_fields()]
        out += [(f"figure {f.id} CAPTION", f.caption) for f in self.figures.values()]
        return out
