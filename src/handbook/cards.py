"""Where each flashcard goes on a sheet, in millimetres from the bottom left.

Duplex: a sheet of fronts is followed by a sheet of backs. Printed on the
long edge, the back of the card in column c lands behind column C-1-c of the
front, so backs are placed mirrored left to right. The grid is centred on
the page, which makes the mirror exact.

Fold-over: one card per row, the front on the left half and the back on the
right half; folding along the middle line puts each back behind its front.
"""

from __future__ import annotations

from .options import Paper

MARGIN_MM = 10.0
TICK_MM = 4.0
PAD_MM = 4.5  # inside each card edge
HEAD_MM = 7.0  # metadata line at the top
FOOT_MM = 5.0  # the id at the bottom


def layout_cards(cards: list[dict], paper: Paper, grid: tuple[int, int], fold: bool) -> list[dict]:
    if fold:
        return _fold_sheets(cards, paper, rows=grid[1])
    return _duplex_sheets(cards, paper, grid)


def _cell_size(paper: Paper, cols: int, rows: int) -> tuple[float, float]:
    return (paper.width_mm - 2 * MARGIN_MM) / cols, (paper.height_mm - 2 * MARGIN_MM) / rows


def _origin(paper: Paper, cols: int, rows: int, w: float, h: float) -> tuple[float, float]:
    return (paper.width_mm - cols * w) / 2, (paper.height_mm - rows * h) / 2


def _duplex_sheets(cards: list[dict], paper: Paper, grid: tuple[int, int]) -> list[dict]:
    cols, rows = grid
    w, h = _cell_size(paper, cols, rows)
    x0, y0 = _origin(paper, cols, rows, w, h)
    per_sheet = cols * rows
    sheets = []
    for start in range(0, len(cards), per_sheet):
        batch = cards[start : start + per_sheet]
        fronts, backs = [], []
        for i, card in enumerate(batch):
            col, row = i % cols, i // cols
            y = y0 + (rows - 1 - row) * h
            fronts.append(_slot(card, "front", x0 + col * w, y, w, h))
            backs.append(_slot(card, "back", x0 + (cols - 1 - col) * w, y, w, h))
        cuts = _cut_marks(paper, x0, y0, [x0 + c * w for c in range(cols + 1)], [y0 + r * h for r in range(rows + 1)])
        sheets.append({"side": "front", "slots": fronts, "cuts": cuts, "fold": None})
        sheets.append({"side": "back", "slots": backs, "cuts": cuts, "fold": None})
    return sheets


def _fold_sheets(cards: list[dict], paper: Paper, rows: int) -> list[dict]:
    w, h = _cell_size(paper, 2, rows)
    x0, y0 = _origin(paper, 2, rows, w, h)
    sheets = []
    for start in range(0, len(cards), rows):
        slots = []
        for row, card in enumerate(cards[start : start + rows]):
            y = y0 + (rows - 1 - row) * h
            slots.append(_slot(card, "front", x0, y, w, h))
            slots.append(_slot(card, "back", x0 + w, y, w, h))
        cuts = _cut_marks(paper, x0, y0, [x0, x0 + 2 * w], [y0 + r * h for r in range(rows + 1)])
        fold = {"x": round(x0 + w, 2), "y": round(y0, 2), "dashes": int(rows * h / 2)}
        sheets.append({"side": "fold", "slots": slots, "cuts": cuts, "fold": fold})
    return sheets


def _slot(card: dict, side: str, x: float, y: float, w: float, h: float) -> dict:
    """A card's place and the boxes inside it; the id sits centred at the foot."""
    return {
        "card": card, "side": side,
        "x": round(x, 2), "y": round(y, 2), "w": round(w, 2), "h": round(h, 2),
        "mid": round(w / 2, 2), "pad": PAD_MM, "foot": round(FOOT_MM / 2, 2),
        "head_y": round(h - PAD_MM, 2), "body_y": round(h - PAD_MM - HEAD_MM, 2),
        "body_w": round(w - 2 * PAD_MM, 2), "body_h": round(h - 2 * PAD_MM - HEAD_MM - FOOT_MM, 2),
    }


def _cut_marks(paper: Paper, x0: float, y0: float, xs: list[float], ys: list[float]) -> list[dict]:
    """Short ticks in the margins, in line with every cut."""
    top = paper.height_mm - y0
    right = paper.width_mm - x0
    marks = []
    for x in xs:
        marks.append({"x": round(x, 2), "y": round(y0 - TICK_MM - 1, 2), "dx": 0, "dy": 1, "len": TICK_MM})
        marks.append({"x": round(x, 2), "y": round(top + 1, 2), "dx": 0, "dy": 1, "len": TICK_MM})
    for y in ys:
        marks.append({"x": round(x0 - TICK_MM - 1, 2), "y": round(y, 2), "dx": 1, "dy": 0, "len": TICK_MM})
        marks.append({"x": round(right + 1, 2), "y": round(y, 2), "dx": 1, "dy": 0, "len": TICK_MM})
    return marks
