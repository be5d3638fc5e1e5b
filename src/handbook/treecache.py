"""Loaded YAML files kept by content hash, so a rebuild parses only the files that changed.

A tree is stored as plain tuples (marshal, like the prose cache) without its
file name, which is put back when it is read: the same bytes under another
name load the same. Files with problems are never stored; they are loaded
again and report their problems every time.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from .errors import Pos, Problem
from .store import write_bytes
from .yamlsource import MAX_BYTES, Node, load

VERSION = b"trees-1"  # bump when yamlsource's Nodes change
CACHE_FILE = "trees.cache"


class TreeCache:
    """`load(path, display)` as yamlsource.load, from build/cache when the bytes are known."""

    def __init__(self, cache_dir: Path | None):
        self.file = cache_dir / CACHE_FILE if cache_dir is not None else None
        self.known = _read(self.file)
        self.used: dict[str, tuple] = {}

    def load(self, path: Path, display: str) -> Node:
        try:
            if path.stat().st_size > MAX_BYTES:
                return load(path, display)  # which refuses it without reading it
            key = hashlib.sha256(VERSION + b"\0" + path.read_bytes()).hexdigest()
        except OSError:
            return load(path, display)  # which says why the file cannot be read
        entry = self.known.get(key)
        if entry is None:
            node = load(path, display)
            entry = (_encode(node), [(w.pos.line, w.pos.col, w.message) for w in node.warnings])
        else:
            node = _decode(entry[0], display)
            node.warnings = [Problem(Pos(display, line, col), message, warning=True) for line, col, message in entry[1]]
        self.used[key] = entry
        return node

    def save(self) -> None:
        """Keep exactly the files loaded this time, if that changed anything."""
        if self.file is not None and self.used.keys() != self.known.keys():
            write_bytes(self.file, marshal.dumps(self.used))


def _encode(node: Node) -> tuple:
    value, keys = node.value, None
    if isinstance(value, dict):
        value = {k: _encode(v) for k, v in value.items()}
        keys = {k: (p.line, p.col) for k, p in node.key_pos.items()}
        kind = "d"
    elif isinstance(value, list):
        value, kind = [_encode(v) for v in value], "l"
    else:
        kind = "s"
    return (kind, value, keys, node.pos.line, node.pos.col, node.block, node.quoted)


def _decode(entry: tuple, display: str) -> Node:
    kind, value, keys, line, col, block, quoted = entry
    if kind == "d":
        value = {k: _decode(v, display) for k, v in value.items()}
    elif kind == "l":
        value = [_decode(v, display) for v in value]
    key_pos = {k: Pos(display, kl, kc) for k, (kl, kc) in keys.items()} if keys else {}
    return Node(value, Pos(display, line, col), key_pos, block, quoted)


def _read(file: Path | None) -> dict:
    if file is None:
        return {}
    try:
        data = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}
