"""Safe YAML loading that keeps the file position of every value.

PyYAML's safe loader is the parser; on top of it this module refuses what
content never needs and what would hide mistakes or blow up: duplicate keys
(PyYAML keeps the last silently), tags beyond plain scalars, aliases, merge
keys, tabs, non-UTF-8 bytes, empty, huge or deeply nested files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import re
from typing import Any

import yaml

from .errors import ContentError, Pos, Problem

# libyaml's parser when PyYAML has it: the same safe subset, about twenty
# times faster than the pure-Python one, which made loading the book the
# largest cost of a rebuild.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_TEXT_TAGS = {"tag:yaml.org,2002:timestamp"}  # kept as the text the author typed


@dataclass
class Node:
    """A YAML value with the place it was written."""

    value: Any
    pos: Pos
    key_pos: dict[str, Pos] = field(default_factory=dict)
    block: tuple[int, int] | None = None  # literal block: first line, indent
    quoted: bool = False
    warnings: list[Problem] = field(default_factory=list)  # on the root: doubts about the file

    def at(self, offset: int) -> Pos:
        """The file position of character `offset` of a string value."""
        text = self.value if isinstance(self.value, str) else ""
        line = text.count("\n", 0, offset)
        col = offset - (text.rfind("\n", 0, offset) + 1)
        if self.block:
            first, indent = self.block
            return Pos(self.pos.path, first + line, indent + col + 1)
        if line == 0:
            return Pos(self.pos.path, self.pos.line, self.pos.col + col + int(self.quoted))
        return self.pos


def load(path: Path, display: str) -> Node:
    """Parse one YAML file into Nodes, or raise ContentError saying why not."""
    text = _read_text(path, display)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context)
        if "nesting depth" in problem:  # libyaml's own guard
            raise _fail(_mark_pos(display, mark), f"nesting is too deep (the limit is {MAX_DEPTH} levels)")
        plain = _plain_syntax_error(text, mark, problem)
        if plain is not None:
            raise _fail(Pos(display, plain[0], plain[1]), plain[2])
        raise _fail(_mark_pos(display, mark), f"YAML syntax: {exc.problem or exc.context}")
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, such as a control code
        raise _fail(_offset_pos(display, text, exc.position),
                    f"character U+{ord(exc.character) if isinstance(exc.character, str) else exc.character:04X} is not allowed in YAML")
    except RecursionError:
        raise _fail(Pos(display, 1, 1), f"nesting is too deep (the limit is {MAX_DEPTH} levels)")
    if root is None:
        raise _fail(Pos(display, 1, 1), "the file holds no YAML document")
    problems: list[Problem] = []
    converter = _Converter(display, text, problems)
    node = converter.convert(root, 0)
    if problems:
        raise ContentError(problems)
    node.warnings = converter.warnings
    return node


_KEY_LINE = re.compile(r"^(\s*)(?:- )?([A-Za-z_][\w-]*):(?:\s|$)")


def _plain_syntax_error(text: str, mark: Any, problem: str) -> tuple[int, int, str] | None:
    """(line, column, message) in the author's words for the usual slips, or None.

    PyYAML names its own state ('expected <block end>'); an author needs to
    hear which line is indented wrongly, by how much, or which value to quote.
    """
    if mark is None:
        return None
    lines = text.split("\n")
    bad = _offending_line(lines, mark.line)
    if bad is None:
        return None
    line = lines[bad]
    indent = len(line) - len(line.lstrip(" "))
    previous = next((i for i in range(bad - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
    key = _KEY_LINE.match(lines[previous]) if previous is not None else None
    if key is not None:
        key_indent = len(key.group(1)) + (2 if lines[previous].lstrip().startswith("- ") else 0)
        if indent != key_indent and _KEY_LINE.match(line):
            more = "more" if indent > key_indent else "less"
            n = abs(indent - key_indent)
            return (bad + 1, 1, f"this line is indented {n} space{'s' * (n != 1)} {more} than "
                                f"'{key.group(2)}' on line {previous + 1}; line them up")
    value = _KEY_LINE.match(line)
    if "mapping values are not allowed" in problem and value is not None:
        rest = line[value.end():].strip()
        if ": " in rest and not rest.startswith(("'", '"', "|", ">")):
            return (bad + 1, value.end() + 1, f"quote this {value.group(2)}: it contains ': ', which YAML reads as "
                                              f"a new key. Write {value.group(2)}: \"{rest}\"")
    return None


def _offending_line(lines: list[str], line: int) -> int | None:
    """The line a YAML error is about: PyYAML may point at the blank line after it."""
    while line >= 0 and (line >= len(lines) or not lines[line].strip()):
        line -= 1
    return line if line >= 0 else None


def _fail(pos: Pos, message: str) -> ContentError:
    return ContentError([Problem(pos, message)])


def _read_text(path: Path, display: str) -> str:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _fail(Pos(display), f"file is {size / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(Pos(display, line, col), f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8")
    if not text.strip():
        raise _fail(Pos(display), "file is empty")
    tab = text.find("\t")
    if tab >= 0:
        raise _fail(_offset_pos(display, text, tab), "tab character; indent and space with spaces")
    return text.lstrip("\ufeff")


def _offset_pos(display: str, text: str, offset: int) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return Pos(display, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _mark_pos(display: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(display, 1, 1)
    return Pos(display, mark.line + 1, mark.column + 1)


class _Converter:
    """Turns composed yaml nodes into Nodes, collecting every problem."""

    def __init__(self, display: str, text: str, problems: list[Problem]):
        self.display = display
        self.lines = text.split("\n")
        self.problems = problems
        self.seen: set[int] = set()
        self.scalars = yaml.SafeLoader("")
        self.warnings: list[Problem] = []

    def convert(self, node: yaml.Node, depth: int) -> Node:
        pos = _mark_pos(self.display, node.start_mark)
        if id(node) in self.seen:
            return self._bad(pos, "this value is reused through an alias (*name); aliases are not supported")
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            return self._bad(pos, f"nesting is too deep (the limit is {MAX_DEPTH} levels)")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            return self._bad(pos, f"tag {node.tag} is not allowed; content holds plain text, numbers and lists")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pos, depth)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(item, depth + 1) for item in node.value], pos)
        return self._scalar(node, pos)

    def _bad(self, pos: Pos, message: str) -> Node:
        self.problems.append(Problem(pos, message))
        return Node(None, pos)

    def _mapping(self, node: yaml.MappingNode, pos: Pos, depth: int) -> Node:
        out = Node({}, pos)
        for key_node, value_node in node.value:
            key_pos = _mark_pos(self.display, key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._bad(key_pos, "merge keys (<<) are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._bad(key_pos, "a key must be a plain name")
                continue
            key = str(key_node.value)
            if key in out.value:
                first = out.key_pos[key]
                self._bad(key_pos, f"duplicate key '{key}' (first given at line {first.line})")
                continue
            out.key_pos[key] = key_pos
            out.value[key] = self.convert(value_node, depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, pos: Pos) -> Node:
        if node.tag in _TEXT_TAGS:
            value: Any = node.value
        elif node.tag in _PLAIN_TAGS:
            value = self.scalars.construct_object(node)
        else:
            return self._bad(pos, f"tag {node.tag} is not allowed; content holds plain text, numbers and lists")
        out = Node(value, pos)
        if not node.style and isinstance(value, str):  # plain: None in PyYAML, '' in libyaml
            self._check_cut(node)
        if node.style == "|":
            out.block = self._block_start(node)
        out.quoted = node.style in ("'", '"')
        return out

    def _check_cut(self, node: yaml.ScalarNode) -> None:
        """Warn when ' #' ends a plain value that reads as if it went on ('Exploration #1 ...').

        YAML takes ' #' as the start of a comment. A comment set off by two
        spaces, or by '# ' with a space after it, is taken as meant.
        """
        end = node.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        if re.match(r" #[^\s#]", rest):
            key_line = self.lines[end.line].lstrip()
            self.warnings.append(Problem(
                Pos(self.display, end.line + 1, end.column + 2),
                f"the value stops before ' #', which YAML reads as a comment: the text '{rest.strip()}' is lost. "
                f"Quote the whole value: {key_line.split(':', 1)[0]}: \"{node.value}{rest}\"" if ":" in key_line
                else f"the value stops before ' #', which YAML reads as a comment; quote the whole value",
                warning=True))

    def _block_start(self, node: yaml.ScalarNode) -> tuple[int, int]:
        """First content line (1-based) and indentation of a literal block."""
        line = node.start_mark.line + 1
        while line < len(self.lines) and not self.lines[line].strip():
            line += 1
        text = self.lines[line] if line < len(self.lines) else ""
        leading_blank = len(node.value) - len(node.value.lstrip("\n"))
        return line + 1 - leading_blank, len(text) - len(text.lstrip(" "))
