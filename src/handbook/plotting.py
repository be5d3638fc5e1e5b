"""The house style for figure modules: sizes, fonts and black-and-white styles.

A figure module in a project's `figures/` folder defines `CAPTION` (prose,
same rules as an answer) and `figure()`, which returns a matplotlib Figure.
It builds that figure with `new_figure`, so the same code lays itself out for
a wide printed page or a narrow e-reader screen.
"""

from __future__ import annotations

import functools
import math
from contextlib import contextmanager
from typing import Iterator

import matplotlib

matplotlib.use("pdf")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import ScaledTranslation  # noqa: E402

# Line styles and markers that stay distinct in black and white.
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "x"]
GRAYS = ["0.0", "0.45", "0.25", "0.65"]

from .options import PRINT_FIGURE_IN  # noqa: E402

_width_in = PRINT_FIGURE_IN

FONT_PT = 8.0

# Text and maths are set by matplotlib's mathtext in Computer Modern, the
# design of the document's Latin Modern: no TeX run per label, which made
# figures cost several times the whole document's TeX time.
RC = {
    "text.usetex": False,
    "mathtext.fontset": "cm",
    "font.family": "serif",
    "font.serif": ["cmr10"],
    "axes.formatter.use_mathtext": True,  # cmr10 has no minus sign; mathtext does
    "axes.unicode_minus": True,
    "pdf.fonttype": 42,
    "font.size": FONT_PT,
    "axes.labelsize": FONT_PT,
    "axes.titlesize": FONT_PT,
    "legend.fontsize": FONT_PT - 1,
    "xtick.labelsize": FONT_PT - 1,
    "ytick.labelsize": FONT_PT - 1,
    "lines.linewidth": 1.1,
    "lines.markersize": 3.5,
    "axes.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=GRAYS, linestyle=LINESTYLES),
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
    "savefig.transparent": False,
    "pdf.compression": 9,
    "svg.hashsalt": "handbook",
    "svg.fonttype": "path",
}


def _share_mathtext_layouts() -> None:
    """Lay out each maths label once per process instead of once per renderer.

    Every tick label is mathtext (for the minus sign), and matplotlib keys its
    layout cache by parser instance, with 50 slots for all of them; each save
    brings new renderers with new parsers, so the same few hundred labels were
    laid out again for every width, format and figure, a third of the drawing
    time. A layout depends only on the arguments and the output kind, so one
    cache keyed on those gives the same bytes. Left alone if matplotlib's
    internals differ from what this expects.
    """
    from matplotlib.mathtext import MathTextParser

    cached = getattr(MathTextParser, "_parse_cached", None)
    layout = getattr(cached, "__wrapped__", None)
    if layout is None or getattr(cached, "shared", False):
        return
    parsers: dict[str, MathTextParser] = {}

    @functools.lru_cache(maxsize=4096)
    def shared(output_type: str, *args):
        parser = parsers.get(output_type)
        if parser is None:
            parser = parsers[output_type] = object.__new__(MathTextParser)
            parser._output_type = output_type
        return layout(parser, *args)

    def parse_cached(self, *args):
        return shared(self._output_type, *args)

    parse_cached.shared = True
    MathTextParser._parse_cached = parse_cached


_share_mathtext_layouts()


@contextmanager
def target_width(width_in: float) -> Iterator[None]:
    """Lay figures out for a text block `width_in` inches wide."""
    global _width_in
    previous, _width_in = _width_in, width_in
    try:
        with matplotlib.rc_context(RC):
            yield
    finally:
        _width_in = previous


def width() -> float:
    """The width in inches of the figure being drawn."""
    return _width_in


def new_figure(panels: int = 1, aspect: float = 0.62, sharey: bool = False) -> tuple[Figure, list]:
    """A figure as wide as the text, with `panels` axes in rows that fit it.

    `aspect` is each panel's height over its width. Wide pages put up to
    three panels side by side; narrow screens stack them.
    """
    per_row = max(1, min(panels, int(_width_in / 1.6 + 1e-9)))  # 4.8 // 1.6 is 2.0 in floats
    rows = math.ceil(panels / per_row)
    per_row = math.ceil(panels / rows)  # balance the rows: four panels as 2 x 2, not 3 + 1
    panel_w = _width_in / per_row
    fig = Figure(figsize=(_width_in, panel_w * aspect * rows))
    axes = fig.subplots(rows, per_row, squeeze=False, sharey=sharey).ravel().tolist()
    for extra in axes[panels:]:
        extra.remove()
    return fig, axes[:panels]


def legend_below(ax, ncol: int) -> None:
    """A compact legend under the x label, offset in inches so any panel size works."""
    shift = ScaledTranslation(0, -0.37, ax.figure.dpi_scale_trans)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=ax.transAxes + shift,
              ncol=ncol, handlelength=1.6, columnspacing=0.8, handletextpad=0.4, borderaxespad=0)
