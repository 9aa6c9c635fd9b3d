"""Layout analysis of one PDF page: characters → text lines → text boxes → reading order.

The rules are those of pdfminer.six's layout analysis (``LAParams`` defaults: ``char_margin``
2.0, ``line_margin`` 0.5, ``word_margin`` 0.1, ``line_overlap`` 0.5), applied to character boxes
from any reader (pypdfium2 gives them ~30× faster than pdfminer's interpreter). The reading
order of the boxes is ours: a recursive XY-cut that splits a region at a vertical gutter first
(columns, read left to right) and else at horizontal gaps (bands, read top-down), so a page with
two columns of boxes is read column by column, and a page with one column top-down.

Coordinates are PDF points with the origin at the bottom left (y grows upwards). All functions
are pure; none raises for any input (an empty page gives no boxes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Box", "Char", "LayoutSettings", "Line", "group_boxes", "group_lines", "reading_order"]


@dataclass(frozen=True)
class LayoutSettings:
    """Tuning numbers of the layout analysis, as multiples of a character's size (pdfminer's
    ``LAParams`` names and defaults) plus ``min_gutter`` (points) for the reading order."""

    char_margin: float = 2.0
    line_margin: float = 0.5
    word_margin: float = 0.1
    line_overlap: float = 0.5
    min_gutter: float = 4.0

    def __post_init__(self) -> None:
        for name in ("char_margin", "line_margin", "word_margin", "line_overlap", "min_gutter"):
            if getattr(self, name) < 0:
                raise ValueError(f"LayoutSettings.{name} must be >= 0")


DEFAULT_SETTINGS = LayoutSettings()


@dataclass(slots=True)
class Char:
    """One glyph: its text and box (x0 < x1, y0 < y1, points)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Line:
    """A horizontal text line: its text (word spaces inserted where glyphs are apart) and box."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Box:
    """A text box: lines top-down, and the union of their boxes. ``lines_text`` may also be set
    directly for a region that is not made of glyph lines (a table's rows)."""

    lines: list[Line]
    x0: float
    y0: float
    x1: float
    y1: float
    lines_text: list[str] = field(default_factory=list)
    payload: object = None

    @property
    def texts(self) -> list[str]:
        """The box's lines as text, top-down."""
        return self.lines_text or [line.text for line in self.lines]


def group_lines(chars: Sequence[Char], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Line]:
    """Chain characters, in the order the page draws them, into lines (pdfminer's rule: two
    consecutive glyphs are on one line when they overlap vertically by more than ``line_overlap``
    of the smaller height and are less than ``char_margin`` × the larger width apart).

    Input: the page's characters in content-stream order. Output: lines in the same order. A word
    space is inserted where two glyphs are more than ``word_margin`` × the size apart and neither
    side is already a space.
    """
    lines: list[Line] = []
    parts: list[str] = []
    x0 = y0 = x1 = y1 = 0.0
    prev: Char | None = None
    char_margin, word_margin, line_overlap = settings.char_margin, settings.word_margin, settings.line_overlap
    for ch in chars:
        if prev is not None:
            ph, ch_h = prev.y1 - prev.y0, ch.y1 - ch.y0
            pw, ch_w = prev.x1 - prev.x0, ch.x1 - ch.x0
            overlap = min(prev.y1, ch.y1) - max(prev.y0, ch.y0)
            hdistance = max(0.0, max(prev.x0, ch.x0) - min(prev.x1, ch.x1))
            if overlap > min(ph, ch_h) * line_overlap and hdistance < max(pw, ch_w) * char_margin:
                if ch.x0 - x1 > word_margin * max(ch_w, ch_h) and parts[-1] != " " and ch.text != " ":
                    parts.append(" ")
                parts.append(ch.text)
                x0, y0, x1, y1 = min(x0, ch.x0), min(y0, ch.y0), max(x1, ch.x1), max(y1, ch.y1)
                prev = ch
                continue
            lines.append(Line("".join(parts), x0, y0, x1, y1))
        parts = [ch.text]
        x0, y0, x1, y1 = ch.x0, ch.y0, ch.x1, ch.y1
        prev = ch
    if parts:
        lines.append(Line("".join(parts), x0, y0, x1, y1))
    return lines


def group_boxes(lines: Sequence[Line], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Box]:
    """Group lines into text boxes (pdfminer's rule: a line joins its neighbours that lie within
    ``line_margin`` × its height above or below, have about its height, and are aligned with it at
    the left, the right or the centre). A whitespace-only line is a box of its own.

    Output: boxes with their lines top-down, in the order of their first line in ``lines``.
    """
    n = len(lines)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(n), key=lambda i: -lines[i].y1)
    for pos, i in enumerate(order):
        a = lines[i]
        if a.blank:
            continue
        d = settings.line_margin * a.height
        for j in order[pos + 1:]:
            b = lines[j]
            if b.y1 < a.y0 - d - max(a.height, b.height) * 4:  # far below: no later line can be a neighbour
                break
            if b.blank or not _neighbours(a, b, d):
                continue
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    boxes = []
    for members in sorted(groups.values(), key=min):
        members_lines = sorted((lines[i] for i in members), key=lambda ln: (-ln.y1, ln.x0))
        boxes.append(Box(members_lines, min(ln.x0 for ln in members_lines), min(ln.y0 for ln in members_lines),
                         max(ln.x1 for ln in members_lines), max(ln.y1 for ln in members_lines)))
    return boxes


def _neighbours(a: Line, b: Line, d: float) -> bool:
    vertical_gap = max(0.0, max(a.y0, b.y0) - min(a.y1, b.y1))
    if vertical_gap > d:
        return False
    if abs(a.height - b.height) > d:
        return False
    return (abs(a.x0 - b.x0) <= d or abs(a.x1 - b.x1) <= d
            or abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) <= d)


def reading_order(boxes: Sequence[Box], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[Box]:
    """Order boxes for reading by a recursive XY-cut: where a vertical gutter at least
    ``min_gutter`` wide separates the region's boxes, read the left part, then the right; else
    cut at the horizontal gaps and read the bands top-down; a region that cannot be cut is read
    top-down, left to right.

    Input: the boxes of one page. Output: the same boxes, reordered.
    """
    return _xy_cut(list(boxes), settings.min_gutter)


def _xy_cut(boxes: list[Box], gutter: float) -> list[Box]:
    if len(boxes) <= 1:
        return boxes
    columns = _split(boxes, lambda b: (b.x0, b.x1), gutter, reverse=False)
    if len(columns) > 1:
        return [box for part in columns for box in _xy_cut(part, gutter)]
    bands = _split(boxes, lambda b: (-b.y1, -b.y0), 0.0, reverse=False)
    if len(bands) > 1:
        return [box for part in bands for box in _xy_cut(part, gutter)]
    return sorted(boxes, key=lambda b: (-b.y1, b.x0))


def _split(boxes: list[Box], span, gap: float, *, reverse: bool) -> list[list[Box]]:
    """Split ``boxes`` at every gap (wider than ``gap``) of the union of their ``span`` intervals;
    parts in increasing order of the interval."""
    ordered = sorted(boxes, key=lambda b: span(b)[0], reverse=reverse)
    parts: list[list[Box]] = []
    reach = None
    for box in ordered:
        lo, hi = span(box)
        if reach is None or lo - reach > gap:
            parts.append([box])
            reach = hi
        else:
            parts[-1].append(box)
            reach = max(reach, hi)
    return parts
