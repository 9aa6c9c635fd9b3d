"""Two-column boxes: the wide left cell (目的・実施内容 / 事業達成状況) printed before the narrow 目標 cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planparse.parsers.akishima_midterm_report.patterns import (
    BULLET,
    NARROW_MAX,
)
from planparse.parsers.akishima_midterm_report.text import (
    _is_wrapped,
    _Line,
    display_width,
    piece,
)

# ---------------------------------------------------------------------------------------------
# Two-column boxes
# ---------------------------------------------------------------------------------------------


@dataclass
class _Columns:
    left: list[_Line]
    right: list[_Line]
    rule: str


def _in_bullet_at(content: Sequence[_Line], k: int) -> bool:
    """Whether line ``k`` belongs to a ・ item (the nearest item start above it is a bullet)."""
    for j in range(k, -1, -1):
        if content[j].text.startswith(BULLET):
            return True
        if j < k and content[j].text.endswith("。"):
            return False
    return False


def _shared_line(line: _Line, last: bool, narrow_full: int) -> tuple[str, str] | None:
    """Split a line holding the end of the left cell and the start of the right cell:
    ``…導入しました。 市民への情報伝達`` / ``未達成 ・訪問支援システ``. The part after the last space
    must fit a narrow cell, and be nearly full when the right cell goes on (``last`` False: it
    wraps); the part before must end a sentence, or be a short word that is not a bullet (a bullet
    continues after a space: ``・ノート PC120台を導入``). Two bullets on one line are not such a pair."""
    text = line.text
    cut = text.rfind(" ")
    if cut <= 0:
        return None
    head, tail = text[:cut].rstrip(), text[cut + 1:].strip()
    if not head or not tail or display_width(tail) > NARROW_MAX:
        return None
    if not last and display_width(tail) < narrow_full - 2:
        return None
    if head.endswith("。"):
        return head, tail
    if head.startswith(BULLET) or display_width(head) > NARROW_MAX:
        return None
    return head, tail


def split_columns(entries: Sequence[_Line], left_full: int | None, narrow_full: int = 16) -> _Columns:
    """Separate a box's wide left cell from its narrow right cell (printed after it).

    Input: the box's lines in order (fillers included), the usual full width of left lines and
    of narrow lines.
    Rules, first that applies: (1) ``filler``: a whitespace-only line after which every line is
    narrow; (2) ``shared_line``: the last wide line holds both cells (see ``_shared_line``);
    (3) ``width``: the left cell ends with the last wide line, plus the next line when the wide
    line wraps onto it (``_is_wrapped``; never after a line ending with 。) and a right cell remains; (4) ``target_kept``: as (3) but
    the wrap would leave the right cell empty, so the line is the right cell's; (5)
    ``no_wide_line``: every line is narrow, the first is taken as the left cell (a guess). Before (3):
    ``bullet_run``: short ・ items after the last wide line of a bullet list belong to the list when the
    lines after them (the 目標) have no bullet (the filler of (1) missing: ``・新任研修``).
    """
    content = [e for e in entries if not e.filler]
    if not content:
        return _Columns([], [], "empty")
    seen_content = False
    for i, e in enumerate(entries):
        if not e.filler:
            seen_content = True
            continue
        after = [x for x in entries[i + 1:] if not x.filler]
        if seen_content and after and all(x.width <= NARROW_MAX for x in after):
            before = [x for x in entries[:i] if not x.filler]
            return _Columns(before, after, "filler")
    wide = [i for i, e in enumerate(content) if e.width > NARROW_MAX]
    if not wide:
        return _Columns(content[:1], content[1:], "no_wide_line")
    k = wide[-1]
    shared = _shared_line(content[k], k + 1 == len(content), narrow_full)
    if shared:
        head, tail = shared
        left = [*content[:k], piece(content[k].no, head)]
        right = [piece(content[k].no, tail), *content[k + 1:]]
        return _Columns(left, right, "shared_line")
    j = k + 1
    while j < len(content) and content[j].text.startswith(BULLET):
        j += 1
    if (k + 1 < j < len(content) and any(ln.text.startswith(BULLET) for ln in content[:k + 1])
            and not any(ln.text.startswith(BULLET) for ln in content[j:])):
        # short ・ items right after a wide bullet list, then a 目標 without bullets: the list's last items
        return _Columns(content[:j], content[j:], "bullet_run")
    if (k + 1 < len(content) and not content[k].text.endswith("。")
            and _is_wrapped(content[k], content[k + 1], left_full, _in_bullet_at(content, k))):
        if k + 2 < len(content):
            return _Columns(content[:k + 2], content[k + 2:], "width")
        return _Columns(content[:k + 1], content[k + 1:], "target_kept")
    return _Columns(content[:k + 1], content[k + 1:], "width")
