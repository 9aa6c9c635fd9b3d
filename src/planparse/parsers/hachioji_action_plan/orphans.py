"""Orphan pieces (names after a year header, a top card's pieces at the page start or end) → the unit
that lacks them (notes §5.1–§5.3)."""

from __future__ import annotations

from planparse.normalize import nfkc
from planparse.parsers.hachioji_action_plan.model import Context, Piece, Unit
from planparse.parsers.hachioji_action_plan.names import department_only, name_like
from planparse.parsers.hachioji_action_plan.patterns import NAME_MIN_CHARS, YEAR_LED


def orphan_groups(ctx: Context, orphans: list[int], pieces: list[Piece]) -> list[list[Piece]]:
    """Orphan piece indexes → groups of adjacent pieces; a year header always stands alone."""
    groups: list[list[Piece]] = []
    prev = None
    for i in orphans:
        p = pieces[i]
        if p.kind == "Y" or prev is None or i != prev + 1 or groups[-1][-1].kind == "Y":
            groups.append([p])
        else:
            groups[-1].append(p)
        prev = i
    return groups


def place_orphans(ctx: Context, units: list[Unit], orphans: list[int], pieces: list[Piece], codes: str) -> None:
    """Give each orphan group (a name after a year header, a top card's tags/KPI/name at the end
    of the page, …) to the unit that lacks its kinds of pieces; split the group when no unit
    lacks all of them."""
    for group in orphan_groups(ctx, orphans, pieces):
        parts = split_group(ctx, group)
        where = group[0].first
        if parts["Y"]:
            target = next((u for u in units if u.is_kpi and u.year_headers and years_incomplete(ctx, u)),
                          None) or next((u for u in units if u.is_kpi and not u.year_headers), None)
            if target is not None:
                target.year_headers.extend(parts["Y"])
                target.notes.append(f"year header at line {where} placed with this card")
            else:
                ctx.log.warning("year_header_extra", f"page {codes}: the year header at line {where} belongs "
                                "to no card (every KPI card has one); ignored (it carries no values)", where)
            continue
        candidates = [u for u in units if accepts(ctx, u, parts)]
        if candidates:
            unit = nearest(candidates, where)
            give_parts(ctx, unit, parts, whole=True)
            if len(candidates) > 1:
                ctx.log.warning("ambiguous_orphan",
                                f"page {codes}: the pieces at line {where} fit several cards; given to the "
                                "one nearest before them", where)
            continue
        # no unit lacks all of it: place each kind separately
        for kind in ("name", "name_only", "summary", "kpi", "tags"):
            if not parts[kind]:
                continue
            single = {k: (v if k == kind else []) for k, v in parts.items()}
            candidates = [u for u in units if accepts(ctx, u, single)]
            if not candidates:
                lines = [n for p in parts[kind] for n in p.lines]
                ctx.log.error("unplaced_values",
                              f"page {codes}: {kind} at lines {lines[0]}–{lines[-1]} fits no card of the page "
                              f"and was not read: {ctx.snippet(parts[kind])}", lines[0])
                continue
            give_parts(ctx, nearest(candidates, parts[kind][0].first), single, whole=False)


def years_incomplete(ctx: Context, unit: Unit) -> bool:
    """The unit's year header pieces do not show all of the document's columns."""
    return sorted({fy for y in unit.year_headers for fy in y.years}) != ctx.fiscal_years


def split_group(ctx: Context, group: list[Piece]) -> dict[str, list[Piece]]:
    """Sort an orphan group's pieces by role: tags, KPI cells, name (or name without department),
    summary (the box after a name), year headers."""
    parts: dict[str, list[Piece]] = {"tags": [], "kpi": [], "name": [], "name_only": [], "summary": [], "Y": []}
    seen_name = False
    seen_kpi = False
    for i, p in enumerate(group):
        nxt = group[i + 1] if i + 1 < len(group) else None
        if p.kind == "Y":
            parts["Y"].append(p)
        elif p.kind == "P":
            continue
        elif p.kind == "D" and not seen_kpi and parts["tags"] and nxt is not None and nxt.kind == "M":
            # ``- -`` after the tag lines and right before the first mark: the KPI cells of the years
            # the project did not run (as ``units.split_lower`` reads it in a card's own block)
            parts["kpi"].append(p)
            seen_kpi = True
        elif p.kind == "X" and not seen_name and name_like(ctx, p):
            parts["name"].append(p)
            seen_name = True
        elif p.kind == "X" and seen_name:
            parts["summary"].append(p)
        elif p.kind in "TD" and not seen_kpi:
            parts["tags"].append(p)
        elif p.kind in "MID":
            parts["kpi"].append(p)
            seen_kpi = True
        elif p.kind == "X":
            parts["kpi"].append(p)
            seen_kpi = True
        else:
            parts["kpi"].append(p)
    # a lone one-line text box without marks is a name written without its department
    if not parts["name"] and not parts["tags"] and len(parts["kpi"]) == 1 and parts["kpi"][0].kind == "X" \
            and len(parts["kpi"][0].lines) == 1 and _could_be_name(ctx.lines[parts["kpi"][0].first - 1]):
        parts["name_only"] = parts["kpi"]
        parts["kpi"] = []
    if parts["kpi"] and all(p.kind in "ID" for p in parts["kpi"]) and not parts["tags"]:
        parts["tags"], parts["kpi"] = [p for p in parts["kpi"] if p.kind == "D"], []
    return parts


def _could_be_name(line: str) -> bool:
    """A line that can be a 事業名称 written alone: a noun phrase of some length, not a year label,
    not a short figure (``12,521時間``) and not a sentence (``…を図る``, ``…。``)."""
    text = nfkc(line).strip()
    if len(text) < NAME_MIN_CHARS or YEAR_LED.match(text) or text.startswith("("):
        return False
    if any(ch.isdigit() for ch in text) and len(text) < NAME_MIN_CHARS * 3:
        return False
    return not text.endswith(("る", "す", "。", "た"))


def accepts(ctx: Context, unit: Unit, parts: dict[str, list[Piece]]) -> bool:
    """The unit can take the orphan parts: it lacks each kind of piece in them (and KPI parts go
    only to KPI units)."""
    is_kpi = unit.is_kpi
    if parts["name"] and unit.name is not None:
        return False
    if parts["name_only"] and not (unit.name is None or dept_only(ctx, unit)):
        return False
    if parts["name_only"] and unit.name_only is not None:
        return False
    if parts["summary"] and unit.summary is not None:
        return False
    if parts["kpi"] and (not is_kpi or any(p.kind in "MX" for p in unit.kpi)):
        return False
    return not (parts["tags"] and not is_kpi)


def dept_only(ctx: Context, unit: Unit) -> bool:
    """The unit's name box is a department written alone (its name stands elsewhere)."""
    return unit.name is not None and len(unit.name.lines) == 1 and \
        department_only(ctx.lines[unit.name.first - 1].strip(" \u3000"))


def nearest(candidates: list[Unit], line: int) -> Unit:
    """The candidate unit nearest before ``line`` (else the first after it)."""
    before = [u for u in candidates if u.position <= line]
    if before:
        return max(before, key=lambda u: u.position)
    return min(candidates, key=lambda u: u.position)


def give_parts(ctx: Context, unit: Unit, parts: dict[str, list[Piece]], *, whole: bool) -> None:
    """Attach orphan parts to ``unit`` (name, summary, KPI cells, tags), noting where they came from."""
    lines = [p.first for ps in parts.values() for p in ps]
    if not lines:
        return
    if parts["name"]:
        unit.name = parts["name"][0]
    if parts["name_only"]:
        unit.name_only = parts["name_only"][0]
    if parts["summary"]:
        unit.summary = parts["summary"][0]
    if parts["kpi"]:
        unit.kpi.extend(parts["kpi"])
        unit.kpi.sort(key=lambda p: p.first)
        unit.kpi_from_orphan = True
        unit.kpi_with_name = whole and bool(parts["name"])
    if parts["tags"]:
        if unit.tags and parts["tags"][0].first > unit.tags[-1].last and not parts["kpi"]:
            unit.displaced_tags.extend(parts["tags"])
        else:
            unit.tags.extend(parts["tags"])
            unit.tags.sort(key=lambda p: p.first)
    unit.notes.append(f"pieces at line {min(lines)} ({', '.join(k for k, v in parts.items() if v)}) "
                      "placed with this card")
