"""Layout analysis of one PDF page: characters → text lines → text boxes → reading order.

The rules are those of pdfminer.six's layout analysis (``LAParams`` defaults: ``char_margin``
2.0, ``line_margin`` 0.5, ``word_margin`` 0.1, ``line_overlap`` 0.5), applied to character boxes
from any reader (pypdfium2 gives them ~30× faster than pdfminer's interpreter), with one
difference: ``fitted_line_margin`` widens ``line_margin`` for a document set with loose line
spacing (1.5 lines and more), whose lines pdfminer would each put in a box of its own. The reading
order of the boxes is ours: a recursive XY-cut that splits a region at a vertical gutter first
(columns, read left to right) and else at horizontal gaps (bands, read top-down), so a page with
two columns of boxes is read column by column, and a page with one column top-down.

Coordinates are PDF points with the origin at the bottom left (y grows upwards). All functions
are pure; none raises for any input (an empty page gives no boxes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Box", "Char", "LayoutSettings", "Line", "fitted_line_margin", "group_boxes", "group_lines", "reading_order"]


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
_MIN_COLUMN_BANDS = 3  # one-box bands alternating left and right: this many make columns
# fitted_line_margin: gaps between a line and the next one below it, in the upper line's heights
_PITCH_CLUSTER_GAP = 0.2  # sorted gaps further apart than this belong to different clusters
_PITCH_MIN_SHARE = 0.1  # the line pitch: the smallest gaps, at least this share of all
_BOX_GAP_MIN_SHARE = 0.05  # the gaps between boxes: a larger cluster of at least this share …
_BOX_GAP_MIN_MARGIN = 0.5  # … at least this much above the line pitch
_PITCH_HEADROOM = 0.25  # the fitted margin: this much above the loosest line pitch (at most)
_PITCH_NEAR = 0.1  # a pitch this close under the margin is fitted too: lines' heights vary, some would part
_MAX_PITCH_GAP = 1.5  # a larger smallest gap is no line pitch (a list of one-line boxes, say)
_MIN_PITCH_PAIRS = 20  # fewer pairs of lines: too few to tell
_PITCH_SEARCH = 6.0  # a line further below than this (in line heights) is not looked at


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


def fitted_line_margin(pages: Iterable[Sequence[Line]], settings: LayoutSettings = DEFAULT_SETTINGS) -> float:
    """The ``line_margin`` to group a document's lines into boxes with: ``settings.line_margin``,
    unless the document is set with looser line spacing than that margin allows.

    Input: every page's lines (``group_lines``). For each line, the gap to the next line below it
    that overlaps it horizontally and has about its height is measured in the upper line's heights.
    In a document of text boxes these gaps fall into clusters: the line pitch inside a box (the
    smallest, e.g. ~0.2 at 1.2 lines, ~0.55 at 1.5 lines) and the larger gaps between boxes. When
    the line pitch (the lowest cluster holding ``_PITCH_MIN_SHARE`` of the gaps) is above the
    margin, or less than ``_PITCH_NEAR`` under it — pdfminer would put each of those lines, or
    some, in a box of its own — and a cluster of gaps between boxes stands clearly above it, the
    margin returned lies just above the line pitch (``_PITCH_HEADROOM``) and below halfway to those
    gaps (never under ``settings.line_margin``). Otherwise (a tight setting, too few lines, no clear
    gaps between boxes) it is ``settings.line_margin``. Pure; never raises.
    """
    default = settings.line_margin
    gaps = sorted(gap for lines in pages for gap in _pitch_gaps(lines))
    if len(gaps) < _MIN_PITCH_PAIRS:
        return default
    clusters: list[list[float]] = [[gaps[0]]]
    for gap in gaps[1:]:
        if gap - clusters[-1][-1] > _PITCH_CLUSTER_GAP:
            clusters.append([])
        clusters[-1].append(gap)
    substantial = [c for c in clusters if len(c) >= _PITCH_MIN_SHARE * len(gaps)]
    if not substantial:
        return default
    pitch = substantial[0][-1]  # the loosest line pitch
    if pitch <= default - _PITCH_NEAR or pitch > _MAX_PITCH_GAP:
        return default
    between = [c[0] for c in clusters if c[0] > pitch and len(c) >= _BOX_GAP_MIN_SHARE * len(gaps)]
    if not between or between[0] - pitch < _BOX_GAP_MIN_MARGIN:
        return default
    above = next(c[0] for c in clusters if c[0] > pitch)  # the next gaps of any count
    return max(default, min(pitch + _PITCH_HEADROOM, (pitch + above) / 2))


def _pitch_gaps(lines: Sequence[Line]) -> Iterator[float]:
    """For each non-blank line, the gap to the nearest non-blank line below it that overlaps it
    horizontally and has about its height, in the upper line's heights (none beyond ``_PITCH_SEARCH``)."""
    ordered = sorted((ln for ln in lines if not ln.blank and ln.height > 0), key=lambda ln: -ln.y1)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.y1 > a.y0:
                continue  # beside it, or overlapping it vertically
            gap = (a.y0 - b.y1) / a.height
            if gap > _PITCH_SEARCH:
                break
            if abs(a.height - b.height) <= 0.5 * a.height and min(a.x1, b.x1) > max(a.x0, b.x0):
                yield gap
                break


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
    cut at the horizontal gaps and read the bands top-down (consecutive bands that share a
    gutter, e.g. two columns under a full-width title, read as one region: column by column); a
    region that cannot be cut is read top-down, left to right.

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
        return [box for part in _merge_column_bands(bands, gutter) for box in _xy_cut(part, gutter)]
    return sorted(boxes, key=lambda b: (-b.y1, b.x0))


def _merge_column_bands(bands: list[list[Box]], gutter: float) -> list[list[Box]]:
    """Join runs of consecutive bands (top-down) that share a vertical gutter, so that columns
    under or above a box that crosses the gutter (a title, a centred page number) are read
    column by column, as on a page without one, and not band by band (left, right, left …)
    wherever the columns' gaps happen to line up. A run is the longest sequence of bands from
    a band on whose boxes, together, still split into columns; it is joined when it holds at
    least ``_MIN_COLUMN_BANDS`` bands or a band that splits into columns on its own (two
    consecutive one-box bands side by side, e.g. a right-aligned date above a heading, stay
    apart)."""
    groups: list[list[Box]] = []
    i = 0
    while i < len(bands):
        j, union = i + 1, list(bands[i])
        while j < len(bands) and len(_columns(union + bands[j], gutter)) > 1:
            union += bands[j]
            j += 1
        run = bands[i:j]
        if len(run) >= _MIN_COLUMN_BANDS or (len(run) > 1 and any(len(_columns(b, gutter)) > 1 for b in run)):
            groups.append(union)
            i = j
        else:
            groups.append(bands[i])
            i += 1
    return groups


def _columns(boxes: list[Box], gutter: float) -> list[list[Box]]:
    return _split(boxes, lambda b: (b.x0, b.x1), gutter, reverse=False)


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
