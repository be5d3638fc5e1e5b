"""The number tests guard the book: one changed digit in any chapter makes one of them fail.

For each chapter a stated decimal number is picked (the same one on every
run), its last digit is changed in a copy of the content, and the content
tests that name the chapter's questions run against the copy. They must
fail. A test that cannot notice a change to the book would let it pass.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
TESTS = ROOT / "tests" / "content"
DECIMAL = re.compile(r"(?<![\w.\\{^_])\d+\.\d+(?![\w.])")


def chapters() -> list[Path]:
    return sorted(p for p in CONTENT.glob("*.yaml")
                  if isinstance(data := yaml.safe_load(p.read_text(encoding="utf-8")), dict) and data.get("questions"))


def pick(path: Path) -> tuple[str, str, int]:
    """(question id, number, offset in the file) of one stated number, chosen by the file's name."""
    text = path.read_text(encoding="utf-8")
    candidates = []
    for q in yaml.safe_load(text)["questions"]:
        start = text.index(f"- id: {q['id']}")
        block = text.index("    answer:", start)
        end = text.find("\n  - id: ", block)
        end = len(text) if end < 0 else end
        candidates += [(q["id"], m.group(), m.start()) for m in DECIMAL.finditer(text, block, end)]
    assert candidates, path.name
    digest = int(hashlib.sha256(path.name.encode()).hexdigest(), 16)
    return candidates[digest % len(candidates)]


def chapter_tests(path: Path) -> list[str]:
    ids = [q["id"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    return sorted(str(t) for t in TESTS.glob("test_*.py") if any(f'"{qid}"' in t.read_text(encoding="utf-8") for qid in ids))


@pytest.mark.parametrize("chapter", chapters(), ids=lambda p: p.stem)
def test_one_changed_digit_fails_a_content_test(chapter, tmp_path):
    qid, number, offset = pick(chapter)
    changed = number[:-1] + str((int(number[-1]) + 1) % 10)
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    text = chapter.read_text(encoding="utf-8")
    (copy / chapter.name).write_text(text[:offset] + changed + text[offset + len(number):], encoding="utf-8")
    env = {**os.environ, "HANDBOOK_CONTENT": str(copy)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *chapter_tests(chapter)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1, f"{chapter.name}: {qid} stating {changed} instead of {number} went unnoticed"
