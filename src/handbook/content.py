"""Load and validate a project's content into a Book, reporting every problem.

Nothing is built from a project until this stage has passed: structure,
types, allowed values, unknown keys, prose (via `prose`), ids and every
reference between questions, figures and the bibliography.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import logging
import re
from pathlib import Path
from typing import Any, Callable

from . import parsing, schema
from .schema import FIGURE_ID, REF_KEY, SLUG
from . import prose as prose_mod
from .errors import ContentError, Pos, Problem
from .model import DIFFICULTIES, Book, Chapter, Figure, Prose, Question, Reference
from .treecache import TreeCache
from .yamlsource import Node

log = logging.getLogger(__name__)

SHORT_ANSWER_WORDS = 70

class Fields:
    """Typed access to one YAML mapping, recording problems as it goes.

    Which keys the mapping allows, and which it requires, come from a table
    in schema.py, the same one `handbook schema` gives to editors.
    """

    def __init__(self, node: Node, allowed: dict | set[str], what: str, problems: list[Problem]):
        self.node, self.allowed, self.what, self.problems = node, allowed, what, problems
        self.table = allowed if isinstance(allowed, dict) else {}
        self.ok = isinstance(node.value, dict)
        if not self.ok:
            self.problem(node.pos, f"{what} must be a mapping of keys to values")
            return
        for key, pos in node.key_pos.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(allowed))}"
                self.problem(pos, f"unknown key '{key}' in {what}{hint}")

    def problem(self, pos: Pos, message: str, warning: bool = False) -> None:
        self.problems.append(Problem(pos, message, warning))

    def get(self, key: str, required: bool) -> Node | None:
        value = self.node.value.get(key) if self.ok else None
        if value is None and required and self.ok:
            self.problem(self.node.pos, f"{self.what} is missing required key '{key}'")
        if value is not None and value.value is None:
            if required:
                self.problem(value.pos, f"'{key}' is empty")
            return None
        return value

    def required(self, key: str, default: bool) -> bool:
        """Whether `key` must be given: from the schema table, else `default`."""
        return self.table[key].required if key in self.table else default

    def typed(self, key: str, kind: type, label: str, required: bool | None = None) -> Node | None:
        node = self.get(key, self.required(key, True) if required is None else required)
        if node is None:
            return None
        if not isinstance(node.value, kind) or isinstance(node.value, bool) and kind is not bool:
            self.problem(node.pos, f"'{key}' must be {label}, not {_describe(node.value)}")
            return None
        return node

    def string(self, key: str, required: bool | None = None, default: str = "") -> str:
        node = self.typed(key, str, "text", required)
        if node is None:
            return default
        if not node.value.strip():
            self.problem(node.pos, f"'{key}' is empty")
        self.printable(node, key)
        return node.value.strip()

    def printable(self, node: Node, key: str) -> None:
        """Plain text prints as itself or is refused by name, as prose is."""
        bad = [(i, ch) for i, ch in enumerate(node.value) if ord(ch) > 127 and prose_mod.latex_char(ch) is None]
        if bad:
            shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in dict.fromkeys(ch for _, ch in bad))
            self.problem(node.at(bad[0][0]), f"'{key}': cannot typeset {shown}; write it in maths in a prose field, "
                                             "or leave it out")

    def integer(self, key: str) -> int:
        node = self.typed(key, int, "a whole number")
        return node.value if node else 0

    def prose(self, key: str) -> Prose:
        node = self.typed(key, str, "text")
        if node is None:
            return Prose("", Node("", self.node.pos))
        return Prose(node.value.rstrip(), node)

    def items(self, key: str, required: bool | None = None) -> list[Node]:
        node = self.typed(key, list, "a list", self.required(key, False) if required is None else required)
        return node.value if node else []

    def strings(self, key: str, pattern: re.Pattern | None = None, required: bool | None = None) -> list[tuple[str, Pos]]:
        out = []
        for item in self.items(key, required):
            if not isinstance(item.value, str) or isinstance(item.value, bool):
                self.problem(item.pos, f"'{key}' items must be text, not {_describe(item.value)}")
            elif pattern and not pattern.fullmatch(item.value):
                self.problem(item.pos, f"'{item.value}' in '{key}' is not a valid id")
            else:
                self.printable(item, key)
                out.append((item.value.strip(), item.pos))
        return out

    def prose_list(self, key: str) -> list[Prose]:
        out = []
        for item in self.items(key):
            if isinstance(item.value, str):
                out.append(Prose(item.value.rstrip(), item))
            else:
                self.problem(item.pos, f"'{key}' items must be text, not {_describe(item.value)}")
        return out

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.string(key)
        node = self.get(key, False)
        if value and value not in options and node is not None:
            self.problem(node.pos, f"'{key}' must be one of {', '.join(options)}, not '{value}'")
        return value


def _describe(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def load_book(project: Path, cache_dir: Path | None = None) -> Book:
    """Read and check everything under `project`; raise ContentError on any problem."""
    problems: list[Problem] = []
    content = project / "content"
    if not (content / "book.yaml").is_file():
        raise ContentError([Problem(Pos(_display(project, content / "book.yaml")), "no book.yaml: is --project the right folder?")])
    trees = _load_trees(project, sorted(content.glob("*.yaml")), TreeCache(cache_dir), problems)
    if problems:  # links into a file that did not parse would only add noise
        raise ContentError(problems)
    problems.extend(w for tree in trees.values() for w in tree.warnings)
    book_tree = trees.pop(_display(project, content / "book.yaml"), None)
    book = _read_book(book_tree, trees, problems) if book_tree else None
    if book is not None:
        book.figures = _read_figures(project, problems)
        parsing.parse_all(book, cache_dir, problems)
        _check_links(book, problems)
        _check_topics(book, problems)
    errors = [p for p in problems if not p.warning]
    for warning in (p for p in problems if p.warning):
        log.warning("%s", warning)
    if errors or book is None:
        raise ContentError(errors)
    return book


# The book's spelling is British: -ise, -isation. These words end in -ize in every spelling.
_ALWAYS_Z = {"size", "sizes", "sized", "prize", "seize", "capsize", "assize"}
_Z_SPELLING = re.compile(r"\b([a-z]+)iz(e|es|ed|ing|ation|ations|er|ers)\b")


def _check_topics(book: Book, problems: list[Problem]) -> None:
    """One spelling per index term: British -ise, and no two topics that differ only in case or hyphens."""
    seen: dict[str, tuple[str, Pos]] = {}
    for q in book.questions():
        for topic in q.topics:
            pos = q.where.get(f"topics:{topic}", q.pos)
            for match in _Z_SPELLING.finditer(topic.lower()):
                if match.group() not in _ALWAYS_Z:
                    british = f"{match.group(1)}is{match.group(2)}"
                    problems.append(Problem(pos, f"topic '{topic}': the book spells '{match.group()}' as '{british}'"))
            key = re.sub(r"[\s-]+", " ", topic.lower()).strip()
            first = seen.setdefault(key, (topic, pos))
            if first[0] != topic:
                problems.append(Problem(pos, f"topic '{topic}' is written '{first[0]}' at {first[1]}; use one spelling"))


def _display(project: Path, path: Path) -> str:
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)


def _load_trees(project: Path, paths: list[Path], cache: TreeCache, problems: list[Problem]) -> dict[str, Node]:
    trees = {}
    for path in paths:
        display = _display(project, path)
        try:
            trees[display] = cache.load(path, display)
        except ContentError as exc:
            problems.extend(exc.problems)
    cache.save()
    return trees


def _read_book(tree: Node, trees: dict[str, Node], problems: list[Problem]) -> Book:
    fields = Fields(tree, schema.BOOK, "book.yaml", problems)
    book = Book(
        title=fields.string("title"),
        subtitle=fields.string("subtitle"),
        author=fields.string("author"),
        edition=fields.string("edition"),
        chapters=[],
        references={},
        figures={},
        language=fields.string("language", required=False, default="en"),
    )
    order = fields.strings("chapters", SLUG)
    chapters: dict[str, Chapter] = {}
    for display, node in trees.items():
        _read_content_file(display, node, chapters, book.references, problems)
    _order_chapters(book, order, chapters, problems)
    return book


def _read_content_file(display: str, node: Node, chapters: dict[str, Chapter],
                       references: dict[str, Reference], problems: list[Problem]) -> None:
    is_chapter = isinstance(node.value, dict) and bool(set(node.value) - {"references"})
    allowed = schema.CHAPTER if is_chapter else {"references"}
    fields = Fields(node, allowed, display, problems)
    if not fields.ok:
        return
    _read_references(fields, references, problems)
    if not is_chapter:
        return
    chapter = _read_chapter(display, fields, problems)
    if chapter.id in chapters:
        problems.append(Problem(fields.get("id", False).pos, f"chapter id '{chapter.id}' is also used by {chapters[chapter.id].path}"))
    elif chapter.id:
        chapters[chapter.id] = chapter


def _read_references(fields: Fields, references: dict[str, Reference], problems: list[Problem]) -> None:
    node = fields.typed("references", dict, "a mapping of keys to references", required=False)
    for key, ref_node in (node.value.items() if node else []):
        pos = node.key_pos[key]
        if not REF_KEY.fullmatch(key):
            problems.append(Problem(pos, f"reference key '{key}' must be lowercase letters, digits, - or _"))
            continue
        ref = Fields(ref_node, schema.REFERENCE, f"reference '{key}'", problems)
        entry = Reference(key, ref.string("author"), ref.string("title"), ref.integer("year"),
                          ref.string("venue"), ref.string("note"), pos)
        first = references.setdefault(key, entry)
        if first is not entry and _citation(first) != _citation(entry):
            problems.append(Problem(pos, f"reference '{key}' is defined differently at {first.pos}"))


def _citation(ref: Reference) -> tuple:
    """What a reference prints; the same key may be repeated if this agrees."""
    return (ref.author, ref.title, ref.year, ref.venue, ref.note)


def _read_chapter(display: str, fields: Fields, problems: list[Problem]) -> Chapter:
    chapter_id = fields.string("id")
    id_node = fields.get("id", False)
    if chapter_id and not SLUG.fullmatch(chapter_id) and id_node:
        problems.append(Problem(id_node.pos, f"chapter id '{chapter_id}' must be lowercase words joined by -"))
    questions = []
    for item in fields.items("questions"):
        question = _read_question(item, chapter_id, problems)
        if question:
            questions.append(question)
    if fields.ok and "questions" in fields.node.value and not questions and not problems:
        problems.append(Problem(fields.node.pos, "chapter has no questions"))
    return Chapter(chapter_id, fields.string("title"), fields.prose("intro"), questions, display)


def _read_question(node: Node, chapter: str, problems: list[Problem]) -> Question | None:
    given = node.value.get("id") if isinstance(node.value, dict) else None
    label = f"question '{given.value}'" if given is not None and isinstance(given.value, str) else "a question"
    fields = Fields(node, schema.QUESTION, label, problems)
    if not fields.ok:
        return None
    qid = fields.string("id")
    id_node = fields.get("id", False)
    if qid and not SLUG.fullmatch(qid) and id_node:
        problems.append(Problem(id_node.pos, f"question id '{qid}' must be lowercase words joined by - (e.g. bayes-theorem)"))
    links = {key: fields.strings(key, pattern) for key, pattern in
             (("related", SLUG), ("figures", FIGURE_ID), ("references", REF_KEY))}
    topics = fields.strings("topics")
    return Question(
        id=qid,
        title=fields.string("title"),
        difficulty=fields.choice("difficulty", DIFFICULTIES),
        kind=fields.string("kind"),
        topics=[t for t, _ in topics],
        question=fields.prose("question"),
        short_answer=fields.prose("short_answer"),
        answer=fields.prose("answer"),
        mistakes=fields.prose_list("mistakes"),
        follow_ups=fields.prose_list("follow_ups"),
        related=[r for r, _ in links["related"]],
        figures=[f for f, _ in links["figures"]],
        references=[r for r, _ in links["references"]],
        pos=node.pos,
        chapter=chapter,
        where={f"{key}:{value}": pos for key, pairs in [*links.items(), ("topics", topics)] for value, pos in pairs},
    )


def _order_chapters(book: Book, order: list[tuple[str, Pos]], chapters: dict[str, Chapter],
                    problems: list[Problem]) -> None:
    for number, (chapter_id, pos) in enumerate(order, start=1):
        chapter = chapters.pop(chapter_id, None)
        if chapter is None:
            problems.append(Problem(pos, f"chapter '{chapter_id}' has no file in content/ (a file whose id is {chapter_id})"))
            continue
        chapter.number = number
        for index, question in enumerate(chapter.questions, start=1):
            question.number = f"{number}.{index}"
        book.chapters.append(chapter)
    for chapter in chapters.values():
        problems.append(Problem(Pos(chapter.path, 1, 1), f"chapter '{chapter.id}' is not listed under chapters in book.yaml"))
        book.chapters.append(chapter)  # still checked, so its ids do not read as missing


def _read_figures(project: Path, problems: list[Problem]) -> dict[str, Figure]:
    figures = {}
    for path in sorted((project / "figures").glob("*.py")):
        if path.name.startswith("_"):
            continue
        display = _display(project, path)
        source = path.read_bytes()
        caption = _caption(source, display, problems)
        if caption is not None:
            figures[path.stem] = Figure(path.stem, display, caption, hashlib.sha256(source).hexdigest())
    return figures


def _caption(source: bytes, display: str, problems: list[Problem]) -> Prose | None:
    """The module's CAPTION string, read without running the module."""
    try:
        tree = ast.parse(source, filename=display)
    except SyntaxError as exc:
        problems.append(Problem(Pos(display, exc.lineno or 1, exc.offset or 1), f"Python syntax: {exc.msg}"))
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(getattr(t, "id", "") == "CAPTION" for t in stmt.targets):
            if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                pos = Pos(display, stmt.value.lineno, stmt.value.col_offset + 1)
                return Prose(stmt.value.value.strip(), Node(stmt.value.value.strip(), pos))
    names = {getattr(s, "name", None) for s in tree.body}
    if "figure" not in names:
        problems.append(Problem(Pos(display, 1, 1), "a figure module must define figure()"))
    problems.append(Problem(Pos(display, 1, 1), "a figure module must define CAPTION as a plain string"))
    return None


def _check_links(book: Book, problems: list[Problem]) -> None:
    """Ids unique; related, qref, cite, figures and references resolve."""
    ids: dict[str, Question] = {}
    for q in book.questions():
        if q.id in ids:
            problems.append(Problem(q.pos, f"question id '{q.id}' is also used at {ids[q.id].pos}"))
        ids[q.id] = q
    for q in book.questions():
        _check_question_links(q, ids, book, problems)
    for _, prose in book.prose():
        _check_prose_links(prose, ids, book, problems)


def _check_question_links(q: Question, ids: dict[str, Question], book: Book, problems: list[Problem]) -> None:
    checks: list[tuple[str, list[str], Callable[[str], bool], str]] = [
        ("related", q.related, lambda x: x in ids, "no question has id"),
        ("figures", q.figures, lambda x: x in book.figures, "no module figures/{}.py defines figure"),
        ("references", q.references, lambda x: x in book.references, "no reference has key"),
    ]
    for key, values, exists, message in checks:
        for value in values:
            if not exists(value):
                hint = _nearest(value, _known(key, ids, book))
                pos = q.where.get(f"{key}:{value}", q.pos)
                problems.append(Problem(pos, f"{key}: {message.format(value)} '{value}'{hint}"))
    if q.id in q.related:
        problems.append(Problem(q.pos, f"question '{q.id}' lists itself as related"))
    words = parsing.words(q.short_answer)
    if words > SHORT_ANSWER_WORDS:
        problems.append(Problem(q.short_answer.node.pos,
                                f"short_answer of '{q.id}' has {words} words; a flashcard back holds about {SHORT_ANSWER_WORDS}",
                                warning=True))


def _known(key: str, ids: dict[str, Question], book: Book) -> list[str]:
    return {"related": list(ids), "figures": list(book.figures), "references": list(book.references)}[key]


def _nearest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_prose_links(prose: Prose, ids: dict[str, Question], book: Book, problems: list[Problem]) -> None:
    for kind, target, offset in parsing.refs(prose):
        known = ids if kind == "qref" else book.references
        if target not in known:
            what = "question id" if kind == "qref" else "reference key"
            problems.append(Problem(prose.node.at(offset), f"\\{kind}{{{target}}}: no {what} '{target}'{_nearest(target, list(known))}"))
