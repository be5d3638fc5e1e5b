"""The markup the reflowable editions share: chapters, questions, answers, bibliography.

The EPUB and the HTML handbook wrap these fragments in their own pages; both
are well-formed XHTML, so one writer serves both. Ids: `q-ID` for a question,
`a-ID` for its answer in a practice edition, `ref-KEY` for a bibliography
entry, `fig-ID-FIGURE` for a figure shown with a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from . import prose as prose_mod
from . import render
from .htmlprose import Math, attribute, escape, to_html
from .model import Book, Chapter, Prose, Question

LONG_INLINE = 36  # characters of LaTeX from which an inline formula may be wider than a phone

PART_TITLES = {"mistakes": "Common mistakes", "follow_ups": "Follow-up questions",
               "related": "Related questions", "references": "References"}


@dataclass
class WebBook:
    """One edition's view of the selected chapters, with its file names."""

    book: Book
    chapters: list[Chapter]
    answers: str  # inline | end | none
    math: Math
    chapter_file: Callable[[Chapter], str]
    bibliography_file: str
    figure_files: dict[str, str]  # figure id -> path relative to the pages
    where: dict[str, tuple[Chapter, Question]] = field(init=False)
    references: list[dict] = field(init=False)
    figure_numbers: dict[tuple[str, str], str] = field(init=False)

    def __post_init__(self) -> None:
        self.where = {q.id: (c, q) for c in self.chapters for q in c.questions}
        self.references = render.bibliography(self.book, self.chapters)
        self.figure_numbers = {}
        for c in self.chapters:
            seen: dict[str, int] = {}
            for q in c.questions:
                for f in q.figures:
                    seen.setdefault(f, len(seen) + 1)
                    self.figure_numbers[(q.id, f)] = f"{c.number}.{seen[f]}"

    # -- links ----------------------------------------------------------------

    def question_href(self, qid: str, answer: bool = False) -> str:
        chapter, _ = self.where[qid]
        return f"{self.chapter_file(chapter)}#{'a' if answer else 'q'}-{qid}"

    def resolve(self, kind: str, target: str) -> str:
        if kind == "qref":
            return self.qref(target)
        return "[" + "; ".join(self.cite(key) for key in target.split(",")) + "]"

    def qref(self, qid: str) -> str:
        """A link showing the question's number and title; its title alone when filtered out."""
        if qid not in self.where:
            title = next((q.title for q in self.book.questions() if q.id == qid), qid)
            return f"<em>{escape(title)}</em>"
        _, q = self.where[qid]
        return f'<a class="qref" href="{self.question_href(qid)}">{escape(q.number)}\u00a0{escape(q.title)}</a>'

    def cite(self, key: str) -> str:
        ref = self.book.references.get(key)
        label = escape(f"{surnames(ref.author)} {ref.year}" if ref else key)
        if not any(r["key"] == key for r in self.references):
            return label
        return f'<a class="cite" href="{self.bibliography_file}#ref-{key}">{label}</a>'

    # -- prose ----------------------------------------------------------------

    def html(self, prose: Prose) -> str:
        return to_html(prose.pieces, self.resolve, self.maths, paragraphs=True)

    def maths(self, source: str, display: bool) -> str:
        """A formula; display ones in a box that scrolls sideways rather than widening the page.

        A long inline formula cannot break across lines, so it is marked: a
        narrow screen sets it on a line of its own that scrolls.
        """
        out = self.math(source, display)
        if display:
            return f'<span class="display-math">{out}</span>'
        return f'<span class="long-math">{out}</span>' if len(source) >= LONG_INLINE else out

    def inline(self, prose: Prose) -> str:
        """A short field (a list item) without paragraph wrappers when it is one paragraph."""
        body = self.html(prose)
        if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
            return body[3:-4]
        return body

    def text(self, prose: Prose) -> str:
        """Plain text, maths as its LaTeX source: alt text and search entries."""
        titles = {q.id: q.title for q in self.book.questions()}
        plain = prose_mod.to_text(prose.pieces, lambda kind, target: titles.get(target, target))
        return " ".join(plain.split())

    # -- chapters and questions ---------------------------------------------

    def chapter_body(self, chapter: Chapter) -> str:
        """The chapter's heading, introduction, questions and, in a practice edition, its answers."""
        parts = [f'<h1 id="chapter-{chapter.id}"><span class="number">{chapter.number}</span> '
                 f"{escape(chapter.title)}</h1>",
                 f'<div class="intro">{self.html(chapter.intro)}</div>']
        parts += [self.question(q) for q in chapter.questions]
        if self.answers == "end":
            answers = "".join(self.answer_section(q) for q in chapter.questions)
            parts.append(f'<section class="answers" id="answers-{chapter.id}"><h2>Answers</h2>{answers}</section>')
        return "\n".join(parts)

    def question(self, q: Question) -> str:
        head = (f'<h2><span class="number">{escape(q.number)}</span> {escape(q.title)}</h2>'
                f'<p class="meta"><span class="qid">{escape(q.id)}</span> · '
                f'<span class="difficulty">{escape(q.difficulty)}</span> · '
                f'<span class="topics">{escape(", ".join(q.topics))}</span></p>'
                f'<div class="prompt">{self.html(q.question)}</div>')
        if self.answers == "inline":
            body = self.answer_parts(q, level=3)
        elif self.answers == "end":
            body = f'<p class="to-answer"><a href="#a-{q.id}">Answer {escape(q.number)}</a></p>'
        else:
            body = ""
        return f'<section class="question" id="q-{q.id}">{head}{body}</section>'

    def answer_section(self, q: Question) -> str:
        head = f'<h3><a href="#q-{q.id}">Answer {escape(q.number)}</a> {escape(q.title)}</h3>'
        return f'<section class="answer-end" id="a-{q.id}">{head}{self.answer_parts(q, level=4)}</section>'

    def answer_parts(self, q: Question, level: int) -> str:
        h = f"h{level}"
        parts = [f'<{h}>Short answer</{h}><div class="short">{self.html(q.short_answer)}</div>',
                 f'<{h}>Answer</{h}><div class="answer">{self.html(q.answer)}</div>']
        parts += [self.figure(q, f) for f in q.figures if f in self.figure_files]
        lists = [("mistakes", [self.inline(p) for p in q.mistakes]),
                 ("follow_ups", [self.inline(p) for p in q.follow_ups]),
                 ("related", [self.qref(r) for r in q.related]),
                 ("references", [self.reference_item(r) for r in q.references])]
        for name, items in lists:
            if items:
                lis = "".join(f"<li>{i}</li>" for i in items)
                parts.append(f'<{h}>{PART_TITLES[name]}</{h}><ul class="{name.replace("_", "-")}">{lis}</ul>')
        return "".join(parts)

    def figure(self, q: Question, figure_id: str) -> str:
        caption = self.book.figures[figure_id].caption
        number = self.figure_numbers[(q.id, figure_id)]
        return (f'<figure id="fig-{q.id}-{figure_id}"><img src="{self.figure_files[figure_id]}" '
                f'alt="{attribute(self.text(caption))}"/>'
                f"<figcaption><span class=\"number\">Figure {number}.</span> {self.inline(caption)}</figcaption>"
                "</figure>")

    def reference_item(self, key: str) -> str:
        ref = self.book.references[key]
        return f"{self.cite(key)}: <cite>{escape(ref.title)}</cite>"

    # -- bibliography --------------------------------------------------------

    def bibliography_body(self) -> str:
        entries = "".join(
            f'<li id="ref-{r["key"]}">{escape(r["author"])} ({r["year"]}). <cite>{escape(r["title"])}</cite>. '
            f'{escape(r["venue"])}.{" " + escape(r["note"]) + "." if r["note"] else ""}</li>'
            for r in self.references)
        return f'<h1 id="bibliography">Bibliography</h1><ul class="bibliography">{entries}</ul>'


def surnames(author: str) -> str:
    """'Jane Doe' -> 'Doe'; two authors joined by 'and'; three or more 'et al.'."""
    names = [n for n in re.split(r",\s*|\s+and\s+", author) if n.strip()]
    last = [n.split()[-1] for n in names]
    return " and ".join(last) if len(last) <= 2 else f"{last[0]} et al."

