"""スケジュール 予定 cells: items, and their assignment to the three fiscal years."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations, pairwise

from planparse.normalize import (
    join_wrapped,
    match_key,
)
from planparse.parsers.akishima_midterm_report.patterns import (
    BULLET,
    NARROW_MAX,
)
from planparse.parsers.akishima_midterm_report.text import (
    _Line,
    display_width,
)

# ---------------------------------------------------------------------------------------------
# Schedule cells
# ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One schedule item: its fragments (line number, text), whether a cell must start with it."""

    parts: list[tuple[int, str]]
    cut_before: bool = False
    closed: bool = False

    @property
    def text(self) -> str:
        return join_wrapped(t for _, t in self.parts)

    @property
    def bullet(self) -> bool:
        return self.parts[0][1].startswith(BULLET)

    @cached_property
    def key(self) -> str:
        """The item's match key without its bullet, computed once (read only once the item is complete:
        ``split_schedule`` compares items by it for every candidate split)."""
        return match_key(self.text).lstrip(BULLET)


def _split_wide_schedule_line(text: str) -> list[str]:
    """Split a schedule line wider than a cell at its spaces into cell-wide parts
    (``システムの導入 システム利用範囲`` → two parts, one per cell)."""
    parts: list[str] = []
    for token in text.split(" "):
        if not token:
            continue
        if parts and display_width(parts[-1] + " " + token) <= NARROW_MAX and not token.startswith(BULLET):
            parts[-1] = parts[-1] + " " + token
        else:
            parts.append(token)
    return parts


def _schedule_items(lines: Sequence[_Line], full: int) -> tuple[list[_Item], list[int]]:
    """Group schedule lines into items. A new item starts at a bullet, after a line shorter than
    ``full`` (an item ends at its first short line), after a cell boundary found on a too-wide
    line, and at a line equal to the first line of an earlier item (a repeated cell). An item
    also ends when its text equals an item that is certainly complete elsewhere in the schedule
    (bounded by such boundaries on both sides): ``既存データの確認`` is a whole item when the same
    text stands alone as the last item. Returns the items and the numbers of lines too wide to be
    split."""
    frags: list[tuple[int, str, bool]] = []   # (line, text, a cell boundary comes before it)
    widths: list[int] = []                    # each fragment's display width
    unsplittable: list[int] = []
    for ln in lines:
        if ln.filler or not ln.text:
            continue
        parts = _split_wide_schedule_line(ln.text) if ln.width > NARROW_MAX else [ln.text]
        if len(parts) == 1 and ln.width > NARROW_MAX:
            unsplittable.append(ln.no)
        frags.extend((ln.no, part, i > 0) for i, part in enumerate(parts))
        widths.extend(ln.width if part == ln.text else display_width(part) for part in parts)

    def short(i: int) -> bool:
        return widths[i] < full - 2

    def certain_start(i: int) -> bool:
        return i == 0 or frags[i][2] or frags[i][1].startswith(BULLET) or short(i - 1)

    def certain_end(i: int) -> bool:
        return i == len(frags) - 1 or short(i) or certain_start(i + 1)

    complete = {match_key(t) for i, (_, t, _) in enumerate(frags) if certain_start(i) and certain_end(i)}
    items: list[_Item] = []
    first_lines: set[str] = set()
    for i, (no, part, hard) in enumerate(frags):
        key = match_key(part)
        if not items or items[-1].closed or hard or part.startswith(BULLET) or key in first_lines:
            items.append(_Item([(no, part)], cut_before=hard))
            first_lines.add(key)
        else:
            items[-1].parts.append((no, part))
        items[-1].closed = certain_end(i) or match_key(items[-1].text) in complete
    return items, unsplittable


def _similar(a: str, b: str) -> bool:
    """Two schedule items are the same activity: equal, or one extends the other (≥ 4 characters)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if _similar(x, y) else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _cells_of(items: Sequence[_Item], cuts: Sequence[int]) -> list[list[_Item]]:
    bounds = [0, *cuts, len(items)]
    return [list(items[a:b]) for a, b in pairwise(bounds)]


def _no_repeat(cells: Sequence[Sequence[_Item]]) -> bool:
    for cell in cells:
        keys = [it.key for it in cell]
        for i, j in combinations(range(len(keys)), 2):
            if _similar(keys[i], keys[j]):
                return False
    return True


@dataclass
class _ScheduleSplit:
    cells: list[list[_Item]]
    rule: str
    candidates: int = 1


def split_schedule(items: Sequence[_Item], n_cells: int) -> _ScheduleSplit:
    """Assign schedule items to ``n_cells`` consecutive cells (one per fiscal year).

    Every way of cutting the items into ``n_cells`` non-empty runs is a candidate. Kept are those
    that cut where the text forces it (a too-wide line split in two; a bullet item followed by an
    item without bullet). Then, in order: a single candidate (``three_items`` when there are as
    many items as cells, else ``structure``); candidates where no cell lists the same activity
    twice (``no_repeat``, when unique); among those, the ones whose neighbouring cells share the
    longest common run of activities and then the most even sizes (``parallel``). What is still
    undecided is ``ambiguous_first_year``: each item goes to the earliest cell it can belong to.
    Fewer items than cells: ``unsplit`` (all on the first year). More forced cuts than cells allow:
    ``overflow`` (the extra cells are merged into the last year).
    """
    n = len(items)
    if n == 0:
        return _ScheduleSplit([[] for _ in range(n_cells)], "empty", 0)
    forced = {i for i in range(1, n) if items[i].cut_before or (items[i - 1].bullet and not items[i].bullet)}
    if n < n_cells:
        return _ScheduleSplit([list(items)] + [[] for _ in range(n_cells - 1)], "unsplit", 0)
    if len(forced) > n_cells - 1:
        cuts = sorted(forced)[: n_cells - 1]
        return _ScheduleSplit(_cells_of(items, cuts), "overflow", 0)
    candidates = [c for c in combinations(range(1, n), n_cells - 1) if forced <= set(c)]
    if len(candidates) == 1:
        return _ScheduleSplit(_cells_of(items, candidates[0]), "three_items" if n == n_cells else "structure")
    repeat_free: dict[tuple[int, int], bool] = {}   # a cell (items[a:b]) → lists no activity twice

    def no_repeat(cuts: Sequence[int]) -> bool:   # _no_repeat of the cells, each cell judged once
        for a, b in pairwise([0, *cuts, n]):
            if (a, b) not in repeat_free:
                repeat_free[(a, b)] = _no_repeat([items[a:b]])
            if not repeat_free[(a, b)]:
                return False
        return True

    unique = [c for c in candidates if no_repeat(c)]
    if len(unique) == 1:
        return _ScheduleSplit(_cells_of(items, unique[0]), "no_repeat", len(candidates))
    pool = unique or candidates

    def score(cuts: Sequence[int]) -> tuple[int, int]:
        cells = _cells_of(items, cuts)
        keys = [[it.key for it in cell] for cell in cells]
        shared = sum(_lcs(a, b) for a, b in pairwise(keys))
        sizes = [len(cell) for cell in cells]
        return shared, -(max(sizes) - min(sizes))

    scores = {c: score(c) for c in pool}
    best = max(scores.values())
    top = [c for c in pool if scores[c] == best]
    if len(top) == 1 and unique:
        return _ScheduleSplit(_cells_of(items, top[0]), "parallel", len(candidates))
    # undecided: every item on the earliest cell it can belong to
    cell_of = [min(next(k for k, b in enumerate([*c, n]) if i < b) for c in top) for i in range(n)]
    cells: list[list[_Item]] = [[] for _ in range(n_cells)]
    for item, k in zip(items, cell_of, strict=True):
        cells[k].append(item)
    return _ScheduleSplit(cells, "ambiguous_first_year", len(candidates))
