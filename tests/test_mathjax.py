"""The maths of the Anki deck is rendered by MathJax: check the claim against MathJax itself.

tests/mathjax/render.js typesets formulas with MathJax 3's TeX input and the
packages Anki loads (base, ams, boldsymbol); `make test` installs it with
npm. Every formula of the shipped book and every allowed maths command must
typeset without an error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook import prose, whitelist
from handbook.content import load_book

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "mathjax" / "render.js"


def mathjax_errors(formulas: list[tuple[str, bool]]) -> dict[int, str]:
    """Index -> MathJax's error for each formula it cannot typeset."""
    node = shutil.which("node")
    assert node and (SCRIPT.parent / "node_modules" / "mathjax-full").is_dir(), \
        "MathJax is not installed: run `make test` (it runs npm ci in tests/mathjax)"
    done = subprocess.run([node, str(SCRIPT)], input=json.dumps(formulas), capture_output=True, text=True,
                          check=True)
    return {i: message for i, message in json.loads(done.stdout)}


def test_mathjax_reports_what_it_cannot_typeset():
    errors = mathjax_errors([(r"\frac{a}{b}", False), (r"\argmax_x f", False), (r"\left( x", False)])
    assert set(errors) == {1, 2} and "argmax" in errors[1]


def test_every_formula_of_the_shipped_book_typesets_in_mathjax():
    book = load_book(ROOT)
    formulas = [(p[1], bool(p[2])) for _, field in book.prose() for p in prose.walk(field.pieces) if p[0] == "m"]
    assert len(formulas) > 1000
    errors = mathjax_errors(formulas)
    assert [(formulas[i][0][:80], message) for i, message in errors.items()] == []


def test_every_allowed_maths_command_and_environment_is_known_to_mathjax():
    commands = sorted(whitelist.MATH_COMMANDS)
    environments = sorted(whitelist.MATH_ENVIRONMENTS)
    formulas = [(f"\\{name}", False) for name in commands]
    formulas += [(f"\\begin{{{env}}}{'{c}' if env == 'array' else ''} x \\end{{{env}}}", True) for env in environments]
    errors = mathjax_errors(formulas)
    unknown = [formulas[i][0] for i, message in errors.items()
               if "Undefined control sequence" in message or "Unknown environment" in message]
    assert unknown == []
