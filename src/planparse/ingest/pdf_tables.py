"""Ruled tables of a PDF page (pdfplumber's table finder), and tables continued across pages.

A ``PageTable`` is one table as pdfplumber finds it on one page: its cells as written (an empty
cell is ``""``; the lines of a wrapped cell are kept, joined by ``\\n``), its bounding box and the
x positions of its column borders. ``join_continued`` glues a table that continues at the top of
the next page to its first part, dropping the header rows the continuation repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["PageTable", "closing_borders", "find_tables", "glyph_places", "join_continued", "valid_unicode"]

_COLUMN_TOLERANCE = 3.0  # points: two column borders closer than this are the same border
_MAX_REPEATED_HEADER_ROWS = 3
_MIN_RULE = 3.0  # points: a shorter edge is no table rule (a glyph's stroke, a bullet)
_MIN_GRID_EDGES = 4  # horizontal and vertical rules together: fewer are a cross or a frame's corner, not a grid
_FRAME_SHARE = 0.9  # a grid's side is there when one of its edges runs along this share of it
# 行頭禁則文字 (JIS X 4051): glyphs a line may not begin with, so a full line keeps them past its end
_NO_LINE_START = frozenset("、。，．,.・：；:;？！?!）)］]｝}〕〉》」』】〙〗〟’”ー‐゠–〜～ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻ゝゞヽヾ")
_SAME_LINE = 0.5  # points: two glyphs whose tops differ by less are on one line
_TOUCHING = 0.3  # points: a glyph that begins this close to the end of the one before it continues its word


@dataclass(frozen=True)
class PageTable:
    """One ruled table of one page. ``bbox`` is (x0, y0, x1, y1) in PDF points, origin bottom left;
    ``columns`` the sorted x positions of its column borders; ``rows`` the cells row by row."""

    bbox: tuple[float, float, float, float]
    columns: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]


def find_tables(page) -> list[PageTable]:
    """The ruled tables of a pdfplumber ``Page``, top-down. A grid of ruling lines drawn without
    its outer border (inner lines only) gets that border first (``closing_borders``), so that its
    first and last rows and columns are cells too. Input: a pdfplumber page. Output:
    ``PageTable`` list (empty when the page has none). Never raises for a readable page."""
    height = float(page.height)
    out: list[PageTable] = []
    vertical, horizontal = closing_borders(page.edges)
    settings = {"explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal} if vertical or horizontal else None
    for table in page.find_tables(settings):
        rows = tuple(tuple("" if cell is None else valid_unicode(cell) for cell in row) for row in _cell_texts(table))
        rows = tuple(row for row in rows if any(cell.strip() for cell in row)) or rows
        if not rows or max(len(r) for r in rows) < 2:
            continue  # a framed box of text, not a table
        x0, top, x1, bottom = table.bbox
        borders = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
        out.append(PageTable((float(x0), height - float(bottom), float(x1), height - float(top)),
                             tuple(_merge_close(borders)), rows))
    out.sort(key=lambda t: -t.bbox[3])
    return out


def closing_borders(edges: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """The border lines missing around each grid of ruling lines: ``(vertical, horizontal)`` line
    objects (pdfplumber's ``object_type`` "line", page coordinates, ``top`` growing downwards).

    Input: a page's edges (pdfplumber ``page.edges``). A grid is a connected set of at least
    ``_MIN_GRID_EDGES`` horizontal and vertical edges (each at least ``_MIN_RULE`` long) that
    cross or touch within ``_COLUMN_TOLERANCE``; its frame is the box from its horizontal edges'
    left and right ends to its vertical edges' top and bottom ends. A side of that frame is
    missing when no edge of the grid runs along it for most of its length (a table drawn with
    inner lines only, as reportlab's ``INNERGRID`` without ``BOX`` does). A fully ruled table, a
    lone rule or a cross of two lines gets nothing. Pure; never raises.
    """
    hs = [e for e in edges if e.get("orientation") == "h" and e["x1"] - e["x0"] >= _MIN_RULE]
    vs = [e for e in edges if e.get("orientation") == "v" and e["bottom"] - e["top"] >= _MIN_RULE]
    tol = _COLUMN_TOLERANCE
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h["x0"] - tol <= v["x0"] <= h["x1"] + tol and v["top"] - tol <= h["top"] <= v["bottom"] + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[dict], list[dict]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    vertical: list[dict] = []
    horizontal: list[dict] = []
    for g_h, g_v in groups.values():
        if not g_h or not g_v or len(g_h) + len(g_v) < _MIN_GRID_EDGES:
            continue
        x0, x1 = min(e["x0"] for e in g_h), max(e["x1"] for e in g_h)
        top, bottom = min(e["top"] for e in g_v), max(e["bottom"] for e in g_v)
        for x in (x0, x1):
            if not any(abs(e["x0"] - x) <= tol and e["bottom"] - e["top"] >= _FRAME_SHARE * (bottom - top) for e in g_v):
                vertical.append({"object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom,
                                 "width": 0.0, "height": bottom - top})
        for y in (top, bottom):
            if not any(abs(e["top"] - y) <= tol and e["x1"] - e["x0"] >= _FRAME_SHARE * (x1 - x0) for e in g_h):
                horizontal.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                                   "width": x1 - x0, "height": 0.0})
    return vertical, horizontal


def _cell_texts(table) -> list[list[str | None]]:
    """The text of every cell of a pdfplumber ``Table``, row by row (None where a merged cell
    covers the place), as ``Table.extract`` gives it (a glyph belongs to the cell holding its
    centre) except for a glyph that hangs past a cell's right border (``glyph_places``): it
    stays in the cell of the line it ends."""
    from pdfplumber import utils

    out: list[list[str | None]] = []
    chars = table.page.chars
    for row in table.rows:
        _, top, _, bottom = row.bbox
        row_chars = [c for c in chars if top <= (c["top"] + c["bottom"]) / 2 < bottom]
        borders = sorted({cell[0] for cell in row.cells if cell} | {cell[2] for cell in row.cells if cell})
        xs = glyph_places([(c["text"], c["x0"], c["x1"], c["top"]) for c in row_chars], borders)
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
                continue
            x0, c_top, x1, c_bottom = cell
            inside = [c for c, x in zip(row_chars, xs, strict=True)
                      if x0 <= x < x1 and c_top <= (c["top"] + c["bottom"]) / 2 < c_bottom]
            texts.append(utils.extract_text(inside) if inside else "")
        out.append(texts)
    return out


def glyph_places(glyphs: list[tuple[str, float, float, float]], borders: Sequence[float]) -> list[float]:
    """For glyphs ``(text, x0, x1, top)`` (points; ``top`` grows downwards) and the x of the cell
    borders, the x that says which cell holds each glyph: its centre (pdfplumber's rule, robust
    to cell borders that pdfplumber snaps by up to 3 pt) — except for a glyph that hangs: one
    that may not begin a line (行頭禁則: 、。・ー small kana, closing brackets), begins before a
    border its centre lies beyond, and touches the glyph before it on its line. Japanese
    typesetting keeps such a glyph at the end of a full line even past the column's edge (ぶら
    下げ); it goes where the glyph before it goes. Output: one x per glyph, in input order.
    Pure; never raises."""
    order = sorted(range(len(glyphs)), key=lambda i: (round(glyphs[i][3], 1), glyphs[i][1]))
    xs = [(g[1] + g[2]) / 2 for g in glyphs]
    prev: int | None = None
    for i in order:
        text, x0, _, line_top = glyphs[i]
        if (prev is not None and text in _NO_LINE_START and abs(glyphs[prev][3] - line_top) <= _SAME_LINE
                and abs(glyphs[prev][2] - x0) <= _TOUCHING and any(x0 - _TOUCHING <= b < xs[i] for b in borders)):
            xs[i] = xs[prev]
        prev = i
    return xs


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (a broken ToUnicode map) replaced by U+FFFD, so that every
    writer accepts it; valid text is returned unchanged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _merge_close(values: list[float]) -> list[float]:
    merged: list[float] = []
    for v in values:
        if not merged or v - merged[-1] > _COLUMN_TOLERANCE:
            merged.append(v)
    return merged


def join_continued(first: PageTable, nxt: PageTable) -> tuple[PageTable, int] | None:
    """``(joined table, number of header rows dropped from nxt)`` when ``nxt`` has the column
    borders of ``first`` (same count, each within ``_COLUMN_TOLERANCE`` once both are aligned at
    their left border), else None.

    Leading rows of ``nxt`` that repeat the first rows of ``first`` (the header rows a
    continued table repeats on every page, compared without whitespace) are dropped.
    """
    if len(first.columns) != len(nxt.columns) or not first.columns:
        return None
    shift = nxt.columns[0] - first.columns[0]  # the next part may stand in another column of the page
    if any(abs(a + shift - b) > _COLUMN_TOLERANCE for a, b in zip(first.columns, nxt.columns, strict=True)):
        return None
    dropped = 0
    while (dropped < min(_MAX_REPEATED_HEADER_ROWS, len(nxt.rows) - 1, len(first.rows))
           and _key(nxt.rows[dropped]) == _key(first.rows[dropped])):
        dropped += 1
    return PageTable(first.bbox, first.columns, first.rows + nxt.rows[dropped:]), dropped


def _key(row: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("".join(cell.split()) for cell in row)
