"""Pieces of a page → units (one per 目的/あるべき姿 pair), with their canonical lower part (notes §3, §4)."""

from __future__ import annotations

from planparse.parsers.hachioji_action_plan.model import Context, Header, Piece, Unit
from planparse.parsers.hachioji_action_plan.names import (
    name_like,
    split_name,
    unknown_name,
)
from planparse.parsers.hachioji_action_plan.orphans import place_orphans
from planparse.parsers.hachioji_action_plan.pairing import check_affinity
from planparse.parsers.hachioji_action_plan.patterns import DEPARTMENT_ENDS


def find_units(ctx: Context, pieces: list[Piece], page: list[Header]) -> list[Unit]:
    """Find the units (one per 目的/あるべき姿 pair), attach their pieces in canonical order, then
    give the orphan pieces to the units that lack them."""
    codes = " ".join(h.code or "?" for h in page)
    units: list[Unit] = []
    owner: dict[int, Unit] = {}   # piece index → unit
    orphans: list[int] = []
    prev_end = -1
    anchors = [i for i, p in enumerate(pieces) if p.kind == "O"]
    for a in anchors:
        unit = Unit(anchor=pieces[a])
        owner[a] = unit
        if a + 1 < len(pieces) and pieces[a + 1].kind == "X" and not _next_card_start(ctx, pieces, a + 1):
            unit.objective = pieces[a + 1]
            owner[a + 1] = unit
        j = _take_name_and_summary(ctx, pieces, a, prev_end, unit, owner)
        # canonical lower part: KPI cells (and name-like boxes: a second name → orphan), then tags
        state = "kpi"
        lower: list[int] = []
        while j > prev_end:
            p = pieces[j]
            if p.kind == "P":
                owner[j] = unit
                j -= 1
                continue
            if state == "kpi" and p.kind == "X" and name_like(ctx, p):
                orphans.append(j)
                j -= 1
                continue
            if state == "kpi" and p.kind in "MXID":
                lower.append(j)
                j -= 1
                continue
            if p.kind == "T" or (state == "tags" and p.kind == "D"):
                state = "tags"
                lower.append(j)
                j -= 1
                continue
            break
        lower.sort()
        for k in lower:
            owner[k] = unit
        split_lower(pieces, lower, unit)
        orphans.extend(range(prev_end + 1, j + 1))
        end_index = a + (2 if unit.objective else 1)
        if end_index + 1 < len(pieces) and pieces[end_index].kind == "X" and len(pieces[end_index].lines) == 1 \
                and pieces[end_index + 1].kind == "Y" and not pieces[end_index + 1].gap and unit.objective:
            # a foreign line glued to the front of the card's year header (a damaged copy): skipped
            stray = pieces[end_index]
            owner[end_index] = unit
            ctx.log.warning("label_block_interrupted",
                            f"the line {ctx.lines[stray.first - 1].strip()!r} stands right before a year header; "
                            "skipped", stray.first)
            end_index += 1
        if end_index < len(pieces) and pieces[end_index].kind == "Y":
            unit.year_headers.append(pieces[end_index])
            owner[end_index] = unit
            end_index += 1
        prev_end = end_index - 1
        units.append(unit)
    orphans.extend(range(prev_end + 1, len(pieces)))
    orphans = sorted(set(i for i in orphans if i not in owner and pieces[i].kind != "P"))
    choose_kpi_units(ctx, units, page, orphans, pieces, owner)
    place_orphans(ctx, units, orphans, pieces, codes)
    check_affinity(ctx, units, codes)
    return units


def _take_name_and_summary(ctx: Context, pieces: list[Piece], a: int, prev_end: int, unit: Unit,
                           owner: dict[int, Unit]) -> int:
    """Give ``unit`` (anchored at piece ``a``) its 事業内容 (the box before the anchor) and name line (the
    box before that), repairing a damaged copy where that is certain: a name line right before 目的
    (事業内容 lost), a 事業内容 cut in two boxes, a name line with a foreign line glued to it, a name line
    glued to 事業内容. Returns the index of the last piece not taken (the lower part starts there)."""
    j = a - 1
    if j > prev_end and _name_line(ctx, pieces[j]) and not (
            j - 1 > prev_end and pieces[j - 1].kind == "X" and name_like(ctx, pieces[j - 1])):
        # a `<名称> <担当>` line right before 目的: the 事業内容 was lost (the card reports it missing)
        unit.name = pieces[j]
        owner[j] = unit
        j -= 1
    elif j > prev_end and pieces[j].kind == "X":
        unit.summary = pieces[j]
        owner[j] = unit
        j -= 1
        if j - 1 > prev_end and pieces[j].kind == "X" and pieces[j - 1].kind == "X" and \
                not name_like(ctx, pieces[j]) and _name_line(ctx, pieces[j - 1]) and \
                not _name_line(ctx, _first_line(pieces[j])):
            # 事業内容 cut in two boxes (a blank line in it), the name line before them
            unit.summary = Piece("X", pieces[j].lines + unit.summary.lines, pieces[j].gap)
            owner[j] = unit
            j -= 1
        if j > prev_end and pieces[j].kind == "X" and (
                name_like(ctx, pieces[j]) or unknown_name(ctx, pieces, j, prev_end)):
            unit.name = pieces[j]
            owner[j] = unit
            j -= 1
        elif j > prev_end and pieces[j].kind == "X" and len(pieces[j].lines) > 1 and \
                _name_line(ctx, _first_line(pieces[j])):
            # a name line with a foreign line glued to it (a damaged copy): the first line is the name
            unit.name = Piece("X", pieces[j].lines[:1], pieces[j].gap)
            owner[j] = unit
            ctx.log.warning("name_line_extra_text",
                            f"the name line {ctx.lines[pieces[j].first - 1].strip()!r} is followed in its box by "
                            f"{ctx.snippet([Piece('X', pieces[j].lines[1:], False)])!r}; the extra text was not read",
                            pieces[j].lines[1])
            j -= 1
        elif len(unit.summary.lines) > 1 and _name_line(ctx, _first_line(unit.summary)):
            # name line and 事業内容 in one box (the blank line between them lost)
            summary = unit.summary
            unit.name = Piece("X", summary.lines[:1], summary.gap)
            unit.summary = Piece("X", summary.lines[1:], False)
    return j


def _first_line(piece: Piece) -> Piece:
    return Piece("X", piece.lines[:1], piece.gap)


def _next_card_start(ctx: Context, pieces: list[Piece], i: int) -> bool:
    """Piece ``i`` opens the next card's block (its name line, 事業内容, 目的) rather than being the
    目的・あるべき姿 text of the card before (that text was lost)."""
    return _name_line(ctx, pieces[i]) and i + 2 < len(pieces) and pieces[i + 1].kind == "X" and \
        pieces[i + 2].kind == "O"


def _name_line(ctx: Context, piece: Piece) -> bool:
    """A one-line box ``<名称> <担当>`` (split at a space before a department: ``split_name``)."""
    # split_name needs a line ending as a 担当 can (its first test, tried here before the strip)
    return piece.kind == "X" and len(piece.lines) == 1 and \
        ctx.lines[piece.first - 1].rstrip().endswith(DEPARTMENT_ENDS) and \
        split_name(ctx.lines[piece.first - 1].strip(" \u3000")) is not None


def split_lower(pieces: list[Piece], lower: list[int], unit: Unit) -> None:
    """Append the pieces of a unit's lower part (indexes ``lower``, in order) to its ``tags`` or ``kpi``.

    A T/D piece is a tag-row line when no mark/text/U+3000 line comes before it and it is not the
    dash line right before the first mark after tag lines (``- -`` = KPI cells not run); every other
    piece is a KPI cell piece."""
    seen_value = seen_tag = False  # a mark/text/U+3000 line, a tag line among the pieces before
    for i, k in enumerate(lower):
        p = pieces[k]
        kind = p.kind
        if kind in "TD" and not seen_value and not (
                kind == "D" and seen_tag and i + 1 < len(lower) and pieces[lower[i + 1]].kind in "MX"):
            unit.tags.append(p)
        else:
            unit.kpi.append(p)
        seen_value = seen_value or kind in "MXI"
        seen_tag = seen_tag or kind == "T"


def choose_kpi_units(ctx: Context, units: list[Unit], page: list[Header], orphans: list[int],
                     pieces: list[Piece], owner: dict[int, Unit]) -> None:
    """Decide which units are the page's KPI cards (as many as headers with ``ＫＰＩ``): own year
    header first, then KPI cells. A non-KPI unit's canonical KPI pieces become orphans."""
    n_kpi = sum(h.has_kpi for h in page)
    ranked = sorted(units, key=lambda u: (-u.evidence(), u.position))
    for i, u in enumerate(ranked):
        u.is_kpi = i < n_kpi
    if 0 < n_kpi < len(ranked) and ranked[n_kpi - 1].evidence() == ranked[n_kpi].evidence():
        ctx.log.warning("ambiguous_kpi_card",
                        f"page {' '.join(h.code or '?' for h in page)}: the value blocks do not show which card has "
                        "the KPI table; the first block was taken", page[0].line)
    index: dict[int, int] = {}
    for u in units:
        if u.is_kpi:
            continue
        moved = u.tags + u.kpi + u.year_headers
        if moved:
            index = index or {id(p): i for i, p in enumerate(pieces)}
            for p in moved:
                orphans.append(index[id(p)])
                owner.pop(index[id(p)], None)
            u.tags, u.kpi, u.year_headers = [], [], []
            u.notes.append(f"tags/KPI cells/year header next to this card (line {moved[0].first}) belong to the "
                           "page's card with ＫＰＩ label and were moved there")
    orphans.sort()
