"""Where the figures sit on a PDF's pages, read from the content streams.

pdfTeX places each included PDF as a form XObject, painted by `Do` under the
transformation matrices in force. Following `q`, `Q` and `cm` gives each
figure's displayed size in points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Placement:
    page: int  # 1-based
    width_pt: float
    height_pt: float


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n, in PDF's row-vector convention."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _extent(bbox, m: Matrix) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in bbox)
    points = [(x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return max(xs) - min(xs), max(ys) - min(ys)


def figures(pdf: Path) -> list[Placement]:
    """Every form XObject painted directly by a page, with its displayed size."""
    reader = PdfReader(pdf)
    found = []
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        xobjects = resources.get("/XObject") if resources else None
        if not xobjects:
            continue
        xobjects = xobjects.get_object()
        ctm, stack = IDENTITY, []
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop()
            elif op == b"cm":
                ctm = _times(tuple(float(v) for v in operands), ctm)
            elif op == b"Do" and operands[0] in xobjects:
                xobject = xobjects[operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                    width, height = _extent(xobject["/BBox"], _times(matrix, ctm))
                    found.append(Placement(number, width, height))
    return found
