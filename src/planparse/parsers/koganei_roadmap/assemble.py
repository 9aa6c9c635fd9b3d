"""Assembly of the Koganei records: 取組 numbers resolved (overview name match, then order), each
取組 page merged with its overview row, 個別取組 rows turned into records with their roadmap, and the
document's consistency checks (``check_*`` warnings)."""

from __future__ import annotations

from collections.abc import Sequence

from planparse.normalize import match_key, split_departments
from planparse.parsers.koganei_roadmap.cells import fill_roadmap
from planparse.parsers.koganei_roadmap.model import Block, Context, OverviewRow
from planparse.parsers.koganei_roadmap.patterns import SPACES, TAG, has_foreign_letters, squash
from planparse.schemas.base import ParseResult
from planparse.schemas.koganei_roadmap import (
    NOTE_MARK,
    KoganeiDepartment,
    KoganeiItem,
    KoganeiMeasure,
    KoganeiRoadmap,
    KoganeiRoadmapCell,
    KoganeiVision,
)

__all__ = ["assemble"]


def assemble(ctx: Context, title: str | None, start_fy: int | None, end_fy: int | None) -> ParseResult:
    _check_overview_sequence(ctx)
    measures: list[KoganeiMeasure] = []
    items: list[KoganeiItem] = []
    fiscal_years: list[int] = []
    by_key = {match_key(o.name): o for o in ctx.overview}
    by_number = {o.number: o for o in ctx.overview}
    used: set[int] = set()
    holder_rows: dict[int, int] = {}  # 取組 number → rows of the page that holds it
    previous = 0
    for block in ctx.blocks:
        number, row = _number(ctx, block, previous, by_key, by_number)
        holder = next((m for m in measures if m.number == number), None)
        if number in used and holder is not None and not holder_rows.get(number) and block.rows:
            ctx.log.warning("duplicate_heading", f"取組{block.glyph} ({block.name}): the heading at line "
                            f"{holder.heading_line} has the same 取組 number {number} and no 個別取組 table (a copied "
                            "line?); this page, with its table, is kept instead", block.line)
            measures.remove(holder)
            used.discard(number)
        if number in used:
            ctx.log.error("duplicate_measure_number",
                          f"取組{block.glyph} ({block.name}) resolves to 取組 number {number}, which is already "
                          f"taken; its {len(block.rows)} 個別取組 are not extracted", block.line)
            continue
        try:
            measure = _measure(ctx, block, number, row, len(measures) + 1)
            block_items = _items(ctx, block, number, len(items))
        except Exception as exc:  # one unreadable 取組 costs only itself
            ctx.log.error("measure_unreadable", f"取組{block.glyph} ({block.name}) at line {block.line} could not "
                          f"be read ({type(exc).__name__}: {exc}); its 個別取組 are not extracted", block.line)
            continue
        used.add(number)
        holder_rows[number] = len(block.rows)
        previous = number
        measures.append(measure)
        if block.years and not fiscal_years:
            fiscal_years = list(block.years)
        elif block.years and block.years != fiscal_years:
            ctx.log.warning("check_roadmap_years", f"取組{number}: roadmap years {block.years} differ from the "
                            f"first table's {fiscal_years}; this table's own years are used", block.table_line)
        items.extend(block_items)
    for o in ctx.overview:
        if o.number not in used:
            ctx.log.warning("check_measure_without_page", f"overview row {o.glyph} {o.name} has no 取組 page; "
                            "the 取組 is kept from the overview row alone, without 個別取組", o.line)
            measures.append(_measure_from_overview(o, len(measures) + 1))
            used.add(o.number)
    measures.sort(key=lambda m: m.number)
    for seq, m in enumerate(measures, start=1):
        m.seq = seq
    _split_joined_departments(ctx, measures, items)
    _check_departments(ctx, measures, items)
    if start_fy is not None and end_fy is not None and fiscal_years and \
            not set(fiscal_years) <= set(range(start_fy, end_fy + 1)):
        ctx.log.warning("check_plan_period", f"roadmap years {fiscal_years} fall outside the plan period "
                        f"{start_fy}-{end_fy} stated on the cover")
    if not items:
        ctx.log.error("no_records", "no 個別取組 rows found: no 取組 heading followed by a 個別取組 table")
    if title and ctx.municipality_name not in title:
        ctx.log.warning("municipality_not_in_title",
                        f"the title {title!r} does not name {ctx.municipality_name}")
    record = KoganeiRoadmap(
        title=title, municipality_code=ctx.municipality_code, municipality_name=ctx.municipality_name,
        plan_start_fy=start_fy, plan_end_fy=end_fy, fiscal_years=fiscal_years,
        visions=_visions(ctx), measures=measures, items=items,
    )
    return ParseResult(record=record, issues=ctx.log.issues)


def _check_overview_sequence(ctx: Context) -> None:
    numbers = [o.number for o in ctx.overview]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        ctx.log.warning("check_overview_sequence", f"the overview tables number the 取組 {numbers}, not "
                        f"1..{len(numbers)}; the numbers are used as written", ctx.overview[0].line)
    if len(set(numbers)) != len(numbers):
        ctx.log.warning("check_overview_duplicate", "an overview 取組 number appears twice; the first row "
                        "is used for name matching", ctx.overview[0].line)


def _number(ctx: Context, block: Block, previous: int, by_key: dict[str, OverviewRow],
            by_number: dict[int, OverviewRow]) -> tuple[int, OverviewRow | None]:
    """The 取組 number of a heading: the overview row with the same name, else the number after
    the previous heading's. A heading glyph that disagrees is reported, never used. A table
    whose heading is lost (``glyph`` None) takes the number after the previous one."""
    following = previous + 1
    if block.glyph is None:
        return following, by_number.get(following)
    named = by_key.get(match_key(block.name))
    number = named.number if named else following
    where = f"line {block.line} 取組{block.glyph} ({block.name})"
    if named is None and ctx.overview:
        ctx.log.warning("check_measure_not_in_overview", f"{where}: the name is not in the overview tables; "
                        f"numbered {following} by its place after 取組 {previous}", block.line)
    elif named is not None and named.number != following:
        ctx.log.warning("check_measure_order", f"{where}: matches overview row {named.glyph} (line "
                        f"{named.line}) but follows 取組 {previous}; the overview number is used", block.line)
    if block.written_number != number:
        basis = (f"its name matches overview row {named.glyph} (line {named.line})" if named
                 else f"it follows 取組 {previous}")
        ctx.log.warning("check_measure_number_mismatch",
                        f"{where}: the heading glyph {block.glyph!r} is wrong: {basis}; 取組 number {number} "
                        "is used", block.line)
    return number, named or by_number.get(number)


def _measure(ctx: Context, block: Block, number: int, row: OverviewRow | None, seq: int) -> KoganeiMeasure:
    """Merge a 取組 page with its overview row: the page's own values win; the overview's are
    compared and their differences reported (``check_`` warnings)."""
    what = f"取組 {number} (line {block.line})"
    name = block.name
    variants: list[str] = []
    priority = block.priority
    departments = block.departments
    if block.glyph is None:  # no heading: the overview row gives the name
        name = row.name if row is not None else ""
        if row is None:
            ctx.log.warning("missing_measure_name", f"{what}: no heading and no overview row; the 取組 has no name",
                            block.line)
    elif row is not None:
        if squash(row.name) == squash(block.name):
            name = row.name  # the overview writes the name on one line, without wrap spaces
        else:
            variants.append(row.name)
            ctx.log.warning("check_measure_name_mismatch", f"{what}: heading name {block.name!r} differs from "
                            f"the overview's {row.name!r} (line {row.line}); the heading's is kept", block.line)
        if bool(row.priority_mark) != block.priority:
            ctx.log.warning("check_priority_mismatch",
                            f"{what}: 重点取組 is {'only in the overview' if row.priority_mark else 'only in the heading'}"
                            f" (line {row.line}); read as 重点取組", block.line)
            priority = True
        if not departments:
            departments = row.departments
        elif _dept_key(row.departments) != _dept_key(departments):
            ctx.log.warning("check_measure_departments_mismatch",
                            f"{what}: 担当部署 of the heading and of the overview (line {row.line}) differ; "
                            "the heading's are kept", block.line)
        if row.vision_code and block.vision_code and row.vision_code != block.vision_code:
            ctx.log.warning("check_vision_mismatch", f"{what}: the page banner says Vision {block.vision_code}, "
                            f"the overview table Vision {row.vision_code}; the overview's is used", block.line)
    if not departments:
        ctx.log.warning("missing_departments", f"{what}: no 担当部署", block.line)
    return KoganeiMeasure(
        number=number, glyph_written=block.glyph,
        vision_code=(row.vision_code if row and row.vision_code else block.vision_code),
        name=name, name_variants=variants, is_priority=priority, departments=departments,
        links=row.links if row else [], overview=block.texts.get("overview"),
        background=block.texts.get("background"), outcome=block.texts.get("outcome"), notes=block.notes,
        other_texts=block.other_texts,
        seq=seq, heading_line=block.line, overview_line=row.line if row else None,
        source_line_end=max(block.end_line, block.line),
    )


def _measure_from_overview(o: OverviewRow, seq: int) -> KoganeiMeasure:
    return KoganeiMeasure(
        number=o.number, glyph_written=None, vision_code=o.vision_code, name=o.name,
        is_priority=bool(o.priority_mark), departments=o.departments, links=o.links, seq=seq,
        heading_line=o.line, overview_line=o.line, source_line_end=o.line,
    )


def _items(ctx: Context, block: Block, number: int, done: int) -> list[KoganeiItem]:
    out: list[KoganeiItem] = []
    col = block.columns
    inferred: list[str] = []
    for row_no, (line, last, cells) in enumerate(block.rows, start=1):
        code = f"{number}-{row_no}"
        raw_name = cells[col["name"]] or ""
        tags = TAG.findall(raw_name)
        name = SPACES.sub(" ", TAG.sub(" ", raw_name)).strip()
        if not name:
            ctx.log.warning("name_is_only_tags", f"個別取組 {code}: the name is only tags; kept as written", line)
            name = raw_name
        indicator, target = cells[col["indicator"]], cells[col["target"]]
        departments_raw = cells[col["departments"]]
        for label, value in (("評価指標", indicator), ("目標値等", target), ("主担当", departments_raw)):
            if not value:
                ctx.log.warning("missing_cell", f"個別取組 {code}: empty {label} cell", line)
        written = [cells[k] for k in block.year_columns]
        roadmap = fill_roadmap(block.years, written)
        _roadmap_issues(ctx, code, roadmap, line)
        if any(c.inferred for c in roadmap):
            inferred.append(code)
        what = f"個別取組 {code}"
        texts = (raw_name, indicator, target, departments_raw, *written)
        if has_foreign_letters("\n".join(t or "" for t in texts)):   # (one search for the row; a newline
            for text in texts:                                              # is no letter: no run spans two)
                ctx.noise(text, line, what)
        if not block.notes and any(NOTE_MARK in (t or "") for t in (raw_name, indicator, target, *written)):
            ctx.log.warning("unresolved_note_mark", f"個別取組 {code} has a ※ mark but its 取組 page has no "
                            "※ note line; nothing is attached to it", line)
        out.append(KoganeiItem(
            code=code, measure_number=number, row=row_no, name=name, tags=tags, indicator=indicator,
            target=target, departments_raw=departments_raw,
            departments=split_departments(departments_raw or "", " "), roadmap=roadmap, line=line,
            line_end=last, seq=done + row_no,
        ))
    if inferred:
        ctx.log.warning(
            "roadmap_span_inferred",
            f"取組 {number}: empty roadmap cells continue the nearest filled cell to their left (a merged cell "
            f"of the PDF) in {', '.join(inferred)}; those years have annual_entries.plan_inferred = true",
            block.table_line)
    return out


def _roadmap_issues(ctx: Context, code: str, roadmap: list[KoganeiRoadmapCell], line: int) -> None:
    if not roadmap:
        return
    if not any(c.written for c in roadmap):
        ctx.log.warning("roadmap_empty", f"個別取組 {code}: every roadmap cell is empty; no plan is invented "
                        "(annual entries have plan null; a merged cell may have landed in a neighbouring row)",
                        line)
    elif not roadmap[0].written:
        empty = [c.fiscal_year for c in roadmap if not c.plan]
        ctx.log.warning("roadmap_leading_empty", f"個別取組 {code}: roadmap cells of FY{empty} are empty with "
                        "nothing to their left; plan left null for those years", line)


def _split_joined_departments(ctx: Context, measures: list[KoganeiMeasure], items: list[KoganeiItem]) -> None:
    """Split a 主担当 item that is two or more department names the document writes elsewhere, run
    together (``DX推進担当職員課`` → ``DX推進担当``, ``職員課``): in a PDF a cell's line break may stand
    where the text has the space between two departments. Names come from the 取組's 担当部署 and
    the other 主担当 cells; an item that is itself such a name is never split. Warned
    (``department_split``)."""
    names = {d.name for m in measures for d in m.departments} | {d for it in items for d in it.departments}
    own: dict[int, set[str]] = {}   # 取組 number → the names of its 担当部署
    for m in measures:
        own.setdefault(m.number, set()).update(x.name for x in m.departments)
    for item in items:
        out: list[str] = []
        for d in item.departments:
            parts = None if d in own.get(item.measure_number, ()) else _segments(d, names - {d})
            if not parts:
                out.append(d)
                continue
            ctx.log.warning("department_split", f"主担当 {d!r} of 個別取組 {item.code} is read as {' / '.join(parts)} "
                            "(names the document writes elsewhere; a line break may have hidden the space)",
                            item.line)
            out.extend(parts)
        item.departments = out


def _segments(text: str, names: set[str]) -> list[str] | None:
    """The fewest names of ``names`` (at least two) that make up ``text`` in order, else None."""
    best: list[list[str] | None] = [[]] + [None] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(end):
            head = best[start]
            if head is not None and text[start:end] in names:
                candidate = [*head, text[start:end]]
                if best[end] is None or len(candidate) < len(best[end] or []):
                    best[end] = candidate
    found = best[len(text)]
    return found if found is not None and len(found) >= 2 else None


def _check_departments(ctx: Context, measures: list[KoganeiMeasure], items: list[KoganeiItem]) -> None:
    """Report 主担当 spellings that are not among their 取組's 担当部署 (abbreviations, typos)."""
    names = {m.number: [d.name for d in m.departments] for m in measures}
    unknown: dict[str, list[KoganeiItem]] = {}
    for item in items:
        for d in item.departments:
            if d not in names.get(item.measure_number, []):
                unknown.setdefault(d, []).append(item)
    for d, its in unknown.items():
        near = sorted({c for it in its for c in names.get(it.measure_number, [])
                       if _subsequence(d, c) or _subsequence(c, d)})
        hint = f"; it may stand for {' / '.join(near)}" if near else ""
        ctx.log.warning("check_department_not_in_measure",
                        f"主担当 {d!r} of 個別取組 {', '.join(it.code for it in its)} is not written as in the 担当部署 "
                        f"of its 取組{hint}; kept as written", its[0].line)


def _visions(ctx: Context) -> list[KoganeiVision]:
    out = []
    for seq, v in enumerate(ctx.visions.values(), start=1):
        names = [n for n, _ in v.names]
        name = names[0] if names else ""
        variants = list(dict.fromkeys(n for n in names if squash(n) != squash(name)))
        for variant in variants:
            line = next(ln for n, ln in v.names if n == variant)
            ctx.log.warning("check_vision_name_variant", f"Vision {v.code} is named {variant!r} here, "
                            f"{name!r} at line {v.names[0][1]}; the first is kept", line)
        out.append(KoganeiVision(code=v.code, numeral=v.numeral, name=name, seq=seq,
                                 source_line=v.names[0][1] if v.names else 0, name_variants=variants))
    return out


def _dept_key(departments: Sequence[KoganeiDepartment]) -> list[tuple[str | None, str]]:
    return [(d.role, squash(d.name)) for d in departments]


def _subsequence(short: str, long: str) -> bool:
    """True when every character of ``short`` appears in ``long`` in order (DX推進担当 ⊂ 自治体DX推進担当)."""
    it = iter(long)
    return len(short) < len(long) and all(ch in it for ch in short)
