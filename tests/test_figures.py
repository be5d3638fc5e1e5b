"""Drawing figures: each module runs once per width, and maths labels are laid out once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from handbook.build import build
from handbook.options import Options

COUNTING = '''
import os
from handbook.plotting import width

_figure = figure


def figure():
    with open(os.environ["FIGURE_CALLS"], "a") as out:
        out.write(f"{width():.2f}\\n")
    return _figure()
'''


def test_every_output_shares_one_drawing_per_width(mini, tmp_path, monkeypatch):
    module = mini / "figures/line_plot.py"
    module.write_text(module.read_text() + COUNTING)
    calls = tmp_path / "calls"
    monkeypatch.setenv("FIGURE_CALLS", str(calls))
    report = build(mini, mini / "dist", Options(outputs=("handbook", "ereader", "html", "epub", "anki")))
    assert report.figures_rendered == 3  # PDF at print and e-reader width, SVG at print width
    assert sorted(calls.read_text().split()) == ["3.27", "4.80"]
    assert {p.suffix for p in (mini / "build/figures").iterdir() if p.name.startswith("line_plot")} == {".pdf", ".svg"}


# Draws a figure with negative ticks and maths twice; reports the bytes and how
# many layouts the second drawing needed. With "plain", matplotlib's own cache
# is put back after the house style is imported.
DRAW = r'''
import hashlib, io, json, sys
import matplotlib.mathtext as mt
import matplotlib._mathtext as engine
own = mt.MathTextParser._parse_cached
from handbook import plotting
if sys.argv[1] == "plain":
    mt.MathTextParser._parse_cached = own
layouts = []
parse = engine.Parser.parse
engine.Parser.parse = lambda self, s, *a, **k: layouts.append(s) or parse(self, s, *a, **k)
def draw():
    with plotting.target_width(4.8):
        fig, (ax,) = plotting.new_figure()
        ax.plot([-2, -1, 0, 1, 2], [4, 1, 0, 1, 4], label=r"$\theta^2 - \frac{1}{2}$")
        ax.set_xlabel(r"$\lambda_{\max}$")
        ax.legend()
        out = b""
        for fmt in ("pdf", "svg"):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata={"pdf": {"CreationDate": None}, "svg": {"Date": None}}[fmt])
            out += buffer.getvalue()
        return hashlib.sha256(out).hexdigest()
first = draw()
before = len(layouts)
second = draw()
print(json.dumps({"digest": first, "same": first == second, "relaid": len(layouts) - before, "first": before}))
'''


def _draw(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", DRAW, mode], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent)
    return json.loads(out.stdout)


def test_maths_labels_are_laid_out_once_per_process_with_the_same_bytes():
    shared, plain = _draw("shared"), _draw("plain")
    assert plain["relaid"] > 0  # matplotlib alone lays the labels out again for each new figure
    assert shared["first"] > 0 and shared["relaid"] == 0
    assert shared["digest"] == plain["digest"] and shared["same"]
