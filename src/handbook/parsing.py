"""Parse every prose field of a book, from the cache when the text is known.

Parsing with pylatexenc costs about 20 ms for a long answer, so results are
kept by content hash in `prose.cache` (marshal: plain lists and strings
only) and cold fields are spread over the machine's cores.
"""

from __future__ import annotations

import logging
import marshal
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import prose as prose_mod
from .errors import Problem
from .model import Book, Prose
from .store import write_bytes

log = logging.getLogger(__name__)

CACHE_FILE = "prose.cache"
PARALLEL_FROM = 64  # fewer cold fields than this parse faster in one process


def parse_all(book: Book, cache_dir: Path | None, problems: list[Problem]) -> None:
    """Fill in `pieces` for every prose field; record every prose problem."""
    fields = book.prose()
    cache = _load(cache_dir)
    keys = {id(p): prose_mod.cache_key(p.source) for _, p in fields}
    cold = sorted({p.source: keys[id(p)] for _, p in fields if keys[id(p)] not in cache}.items())
    for key, result in zip((k for _, k in cold), _parse_many([text for text, _ in cold])):
        cache[key] = result
    used = {}
    for label, prose in fields:
        key = keys[id(prose)]
        pieces, found, doubts = cache[key]
        used[key] = cache[key]
        prose.pieces = pieces
        problems.extend(Problem(prose.node.at(off), f"{label}: {msg}") for off, msg in found)
        problems.extend(Problem(prose.node.at(off), f"{label}: {msg}", warning=True) for off, msg in doubts)
    log.debug("prose: %d fields, %d parsed, %d from cache", len(fields), len(cold), len(fields) - len(cold))
    if cache_dir is not None and (cold or len(used) != len(cache)):
        write_bytes(cache_dir / CACHE_FILE, marshal.dumps(used))


def _parse_one(text: str) -> tuple[list, list, list]:
    """Pieces, errors and doubts of one field: all depend on its text alone, so all are cached."""
    parsed = prose_mod.parse(text)
    found = list(parsed.problems)
    if not found:
        for ch in dict.fromkeys(prose_mod.unprintable(parsed.pieces)):
            found.append((prose_mod.text_offset(text, ch),
                          f"cannot typeset {ch!r} (U+{ord(ch):04X}) in running text{prose_mod.math_hint(ch)}"))
    return parsed.pieces, found, prose_mod.doubtful(text)


def _parse_many(texts: list[str]) -> list[tuple[list, list, list]]:
    workers = min(os.cpu_count() or 1, 8)
    if len(texts) < PARALLEL_FROM or workers < 2:
        return [_parse_one(t) for t in texts]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_parse_one, texts, chunksize=max(1, len(texts) // (workers * 4))))


def _load(cache_dir: Path | None) -> dict:
    if cache_dir is None:
        return {}
    try:
        data = marshal.loads((cache_dir / CACHE_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def words(prose: Prose) -> int:
    return prose_mod.word_count(prose.pieces)


def refs(prose: Prose) -> list[tuple[str, str, int]]:
    return prose_mod.Parsed(prose.pieces, []).refs()
