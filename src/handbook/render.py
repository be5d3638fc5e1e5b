"""Turn the Book into LaTeX sources, one set per output, through Jinja2.

Python prepares every fragment (numbering, links, layout numbers); the
templates in latex/ only place them. Plain strings are escaped as they enter
a template; fragments that are already LaTeX travel as `Tex`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import prose as prose_mod
from .model import Book, Chapter, Prose, Question
from .cards import layout_cards
from .options import GRIDS, PAPERS, SCREENS, Options

TEMPLATE_PACKAGE = Path(__file__).resolve().parent / "latex"


class Tex(str):
    """A string that is already LaTeX and must not be escaped again."""


def _finalize(value: object) -> str:
    if isinstance(value, Tex):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return prose_mod.escape_text(str(value))


def environment(project: Path) -> jinja2.Environment:
    """Jinja for LaTeX: no brace delimiters, strict, escaping by default."""
    search = [str(project / "latex"), str(template_dir())]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, finalize=_finalize, autoescape=False,
    )


def template_dir() -> Path:
    """Where the shipped templates are: in the package, or beside src/ in a checkout."""
    if TEMPLATE_PACKAGE.is_dir():
        return TEMPLATE_PACKAGE
    return Path(__file__).resolve().parents[2] / "latex"


@dataclass
class Linker:
    """Renders qref and cite for the questions actually in this output."""

    book: Book
    included: set[str]
    titles: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.titles = {q.id: q.title for q in self.book.questions()}

    def __call__(self, kind: str, target: str) -> str:
        if kind == "cite":
            return f"\\cite{{{target}}}"
        if target not in self.included:  # not in this output: name it instead of linking
            return f"\\emph{{{prose_mod.escape_text(self.titles.get(target, target))}}}"
        return f"\\HBqref{{{target}}}"


def latex(prose: Prose, link: Linker) -> Tex:
    return Tex(prose_mod.to_latex(prose.pieces, link))


def _marker(path: str, pos_line: int, qid: str, name: str) -> Tex:
    """A comment TeX errors are traced back through to the YAML."""
    return Tex(f"%@src {json.dumps({'file': path, 'line': pos_line, 'id': qid, 'field': name})}\n")


def question_context(q: Question, link: Linker, figures: dict[str, str], book: Book,
                     first_use: dict[str, str]) -> dict:
    """Everything a template needs about one question."""
    path = q.pos.path
    return {
        "id": q.id,
        "label": Tex(f"q:{q.id}"),
        "answer_label": Tex(f"a:{q.id}"),
        "number": q.number,
        "title": q.title,
        "difficulty": q.difficulty,
        "kind": q.kind,
        "topics": q.topics,
        "topic_labels": [Tex(topic_label(t)) for t in q.topics],
        "mark": {name: _marker(path, p.node.pos.line, q.id, name) for name, p in q.prose_fields()},
        "question": latex(q.question, link),
        "short_answer": latex(q.short_answer, link),
        "answer": latex(q.answer, link),
        "mistakes": [latex(p, link) for p in q.mistakes],
        "follow_ups": [latex(p, link) for p in q.follow_ups],
        "related": [Tex(link("qref", r)) for r in q.related],
        "references": [Tex(f"\\cite{{{r}}}") for r in q.references],
        "figures": [
            {"file": Tex(figures[f]), "caption": latex(book.figures[f].caption, link), "label": Tex(f"fig:{f}"),
             "first": first_use.get(f) == q.id}
            for f in q.figures if f in figures
        ],
    }


def first_uses(chapters: list[Chapter]) -> dict[str, str]:
    """The question that prints each figure; later ones refer back to it."""
    first: dict[str, str] = {}
    for q in (q for c in chapters for q in c.questions):
        for f in q.figures:
            first.setdefault(f, q.id)
    return first


def topic_label(topic: str) -> str:
    return "topic:" + "".join(ch if ch.isalnum() else "-" for ch in topic)


def chapter_context(chapter: Chapter, link: Linker, figures: dict[str, str], book: Book,
                    first_use: dict[str, str]) -> dict:
    return {
        "id": Tex(chapter.id),
        "number": chapter.number,
        "title": chapter.title,
        "intro": latex(chapter.intro, link),
        "mark": _marker(chapter.path, chapter.intro.node.pos.line, chapter.id, "intro"),
        "questions": [question_context(q, link, figures, book, first_use) for q in chapter.questions],
    }


def topic_index(chapters: list[Chapter]) -> list[dict]:
    """Topics A-Z with the questions that carry them."""
    topics: dict[str, list[Question]] = {}
    for q in (q for c in chapters for q in c.questions):
        for t in q.topics:
            topics.setdefault(t, []).append(q)
    return [
        {"topic": t, "label": Tex(topic_label(t)),
         "questions": [{"label": Tex(f"q:{q.id}"), "number": q.number} for q in qs]}
        for t, qs in sorted(topics.items(), key=lambda kv: kv[0].lower())
    ]


def bibliography(book: Book, chapters: list[Chapter], answers: bool = True) -> list[dict]:
    """The references the edition cites, by first author's surname; none from answers it leaves out."""
    cited = set()
    for q in (q for c in chapters for q in c.questions):
        if answers:
            cited.update(q.references)
        for name, p in q.prose_fields():
            if answers or name == "question":
                cited.update(t for kind, t, _ in prose_mod.Parsed(p.pieces, []).refs() if kind == "cite")
    for c in chapters:
        cited.update(t for kind, t, _ in prose_mod.Parsed(c.intro.pieces, []).refs() if kind == "cite")
    refs = [book.references[k] for k in sorted(cited) if k in book.references]
    return [
        {"key": Tex(r.key), "author": r.author, "title": r.title, "year": r.year, "venue": r.venue,
         "note": r.note.rstrip(".")}  # the template ends every entry with one full stop
        for r in sorted(refs, key=lambda r: (surname_key(r.author), r.year, r.title.lower()))
    ]


_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "dos", "das", "ter"}


def surname_key(author: str) -> str:
    """The first author's surname as it sorts: 'Alex Kendall and Yarin Gal' -> 'kendall'.

    Authors are separated by commas or 'and'; 'and others' is dropped. A
    lowercase particle belongs to the surname ('van der Vaart' sorts under
    v, as BibTeX sorts it), and accents are folded ('Şimşekli' with S).
    """
    first = re.split(r",|\s+and\s+", author.strip(), maxsplit=1)[0].split()
    start = len(first) - 1
    while start > 0 and first[start - 1] in _PARTICLES:
        start -= 1
    surname = " ".join(first[start:]) if first else author
    folded = unicodedata.normalize("NFKD", surname)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()


@dataclass
class Sources:
    """The LaTeX files of one output: name -> text, `main.tex` first."""

    files: dict[str, str]
    figures: dict[str, str]  # figure id -> file name under figures/


def book_sources(env: jinja2.Environment, book: Book, chapters: list[Chapter], options: Options,
                 output: str, figure_files: dict[str, str]) -> Sources:
    """main.tex and one file per chapter for the print or e-reader edition."""
    link = Linker(book, {q.id for c in chapters for q in c.questions})
    layout = _book_layout(options, output)
    first_use = first_uses(chapters)
    files = {}
    names = []
    for chapter in chapters:
        name = f"chapter{chapter.number:02d}"
        names.append(name)
        files[f"{name}.tex"] = env.get_template("chapter.tex.j2").render(
            chapter=chapter_context(chapter, link, figure_files, book, first_use), layout=layout)
    files["main.tex"] = env.get_template("handbook.tex.j2").render(
        book=_book_meta(book), layout=layout, chapters=names,
        topics=topic_index(chapters), bibliography=bibliography(book, chapters, options.answers != "none"))
    used = {f for c in chapters for q in c.questions for f in q.figures}
    return Sources(files, {f: figure_files[f] for f in sorted(used) if f in figure_files})


def _book_meta(book: Book) -> dict:
    return {"title": book.title, "subtitle": book.subtitle, "author": book.author, "edition": book.edition}


def _book_layout(options: Options, output: str) -> dict:
    if output == "ereader":
        screen = SCREENS[options.ereader]
        return {
            "ereader": True, "answers": options.answers, "twoside": False,
            "paper_w": screen.width_mm, "paper_h": screen.height_mm, "margin": screen.margin_mm,
            "font_pt": screen.font_pt, "bcor": 0,
        }
    paper = PAPERS[options.paper]
    return {
        "ereader": False, "answers": options.answers, "twoside": True,
        "paper_w": paper.width_mm, "paper_h": paper.height_mm, "margin": 0, "font_pt": 10.5, "bcor": 8,
        "paper": paper.name,
    }


def flashcard_sources(env: jinja2.Environment, book: Book, chapters: list[Chapter], options: Options) -> Sources:
    """One file of card sheets: fronts, then mirrored backs (or fold-over rows)."""
    link = Linker(book, set())
    cards = [_card(q, c, link) for c in chapters for q in c.questions]
    paper = PAPERS[options.paper]
    sheets = layout_cards(cards, paper, GRIDS[options.cards], options.fold)
    for slot in (slot for sheet in sheets for slot in sheet["slots"]):
        side = "front" if slot["side"] == "front" else "back"
        slot.update(slot["card"][side])
    text = env.get_template("flashcards.tex.j2").render(
        book=_book_meta(book), sheets=sheets, paper={"w": paper.width_mm, "h": paper.height_mm})
    return Sources({"main.tex": text}, {})


def _card(q: Question, chapter: Chapter, link: Linker) -> dict:
    """The two faces of one card: a header line, the body, a source marker."""
    e = prose_mod.escape_text
    front_head = rf"\HBcardhead{{{e(q.number)}\enskip {e(chapter.title)}}}{{{e(q.difficulty)}}}{{{e(', '.join(q.topics))}}}"
    return {
        "id": q.id,
        "front": {"key": Tex(f"{q.id} question"), "head": Tex(front_head), "body": latex(q.question, link),
                  "mark": _marker(q.pos.path, q.question.node.pos.line, q.id, "question")},
        "back": {"key": Tex(f"{q.id} short_answer"), "head": Tex(rf"\HBcardhead{{Answer {e(q.number)}\enskip {e(q.title)}}}{{}}{{}}"),
                 "body": latex(q.short_answer, link),
                 "mark": _marker(q.pos.path, q.short_answer.node.pos.line, q.id, "short_answer")},
    }
