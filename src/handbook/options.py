"""What the user asked to build: outputs, layouts and the subset of questions."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UsageError
from .model import Book, Chapter, Question

OUTPUTS = ("handbook", "ereader", "flashcards", "anki", "epub", "html")
PDF_NAMES = {"handbook": "handbook.pdf", "ereader": "handbook-ereader.pdf", "flashcards": "flashcards.pdf"}


@dataclass(frozen=True)
class Paper:
    name: str
    width_mm: float
    height_mm: float


PAPERS = {"a4": Paper("a4", 210.0, 297.0), "letter": Paper("letter", 215.9, 279.4)}


@dataclass(frozen=True)
class Screen:
    """An e-reader profile: page size, margins, type size, figure width."""

    name: str
    width_mm: float
    height_mm: float
    margin_mm: float
    font_pt: float


    def figure_width_in(self) -> float:
        """Figures are drawn as wide as the text block, at most as wide as in print."""
        return min(PRINT_FIGURE_IN, round((self.width_mm - 2 * self.margin_mm) / 25.4, 2))


PRINT_FIGURE_IN = 4.8  # figure width in the printed book, inches

SCREENS = {
    "6in": Screen("6in", 90.0, 120.0, 3.5, 9.0),
    "7.8in": Screen("7.8in", 118.0, 157.0, 5.0, 10.0),
    "a5": Screen("a5", 148.0, 210.0, 12.0, 10.0),
}

GRIDS = {"2x4": (2, 4), "2x3": (2, 3), "3x3": (3, 3)}


@dataclass(frozen=True)
class Selection:
    """Which questions go into the outputs; empty tuples mean all."""

    difficulty: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    chapter: tuple[str, ...] = ()

    def keeps(self, q: Question) -> bool:
        topics = {t.lower() for t in self.topic}
        chapters = {c.lower() for c in self.chapter}
        return (
            (not self.difficulty or q.difficulty in self.difficulty)
            and (not topics or any(t.lower() in topics for t in q.topics))
            and (not chapters or q.chapter.lower() in chapters)
        )

    def apply(self, book: Book) -> list[Chapter]:
        """The book's chapters with only the kept questions; empty chapters dropped."""
        self.check(book)
        out = []
        for chapter in book.chapters:
            kept = [q for q in chapter.questions if self.keeps(q)]
            if kept:
                out.append(Chapter(chapter.id, chapter.title, chapter.intro, kept, chapter.path, chapter.number))
        if not out:
            raise UsageError("the filters leave no question to build: values of one option add up, "
                             "different options must all match")
        return out

    def check(self, book: Book) -> None:
        known = {
            "--chapter": {c.id for c in book.chapters},
            "--topic": {t for q in book.questions() for t in q.topics},
            "--difficulty": {"easy", "medium", "hard"},
        }
        asked = {"--chapter": self.chapter, "--topic": self.topic, "--difficulty": self.difficulty}
        for flag, values in asked.items():
            lowered = {k.lower(): k for k in known[flag]}
            for value in values:
                if value.lower() not in lowered:
                    raise UsageError(f"{flag} {value!r} matches nothing{_did_you_mean(value, lowered)}")


def _did_you_mean(value: str, known: dict[str, str]) -> str:
    import difflib

    close = difflib.get_close_matches(value.lower(), list(known), n=3, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(repr(known[c]) for c in close) + "?"
    return f"; none of the {len(known)} values is close to it"


@dataclass(frozen=True)
class Options:
    paper: str = "a4"
    answers: str = "inline"  # inline | end | none
    ereader: str = "6in"
    cards: str = "2x4"
    fold: bool = False
    outputs: tuple[str, ...] = OUTPUTS
    selection: Selection = field(default_factory=Selection)
    preview: bool = False  # also typeset the edited chapters alone, first
    math: str = "mathml"  # EPUB maths: mathml | svg (drawn by TeX)
