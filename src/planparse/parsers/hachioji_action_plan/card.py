"""One unit paired with its header → a ``HachiojiCard`` with its yearly rows."""

from __future__ import annotations

from planparse.normalize import (
    join_wrapped,
)
from planparse.parsers.hachioji_action_plan.kpi_cells import KpiCells
from planparse.parsers.hachioji_action_plan.model import Context, Header, Unit, piece_text
from planparse.parsers.hachioji_action_plan.names import name_and_department
from planparse.parsers.hachioji_action_plan.patterns import NEW_PREFIX, REVISED_PREFIX
from planparse.parsers.hachioji_action_plan.plan_cells import read_plan_cells
from planparse.schemas.hachioji_action_plan import HachiojiCard


def build_card(ctx: Context, header: Header, unit: Unit, years: list[int]) -> HachiojiCard:
    """One card from its header and unit: name/担当 (``names``), 事業内容 (【見直し】 stripped), 目的,
    and for a KPI card one ``HachiojiYear`` per column of ``years`` (``read_year_rows``; validated with the
    card). Logs
    ``summary_missing``, ``unplaced_values``, year-header warnings; never raises."""
    code = header.code
    name, department = name_and_department(ctx, unit, code)
    is_new = name.startswith("【新】")  # NEW_PREFIX matches (its fixed start)
    if is_new:
        name = NEW_PREFIX.sub("", name)
    summary = piece_text(ctx.lines, unit.summary) or None
    is_revised = bool(summary and summary.startswith("【見直し】"))  # REVISED_PREFIX matches
    if summary and is_revised:
        summary = REVISED_PREFIX.sub("", summary)
    if summary is None:
        ctx.log.error("summary_missing", f"card {code}: no 事業内容 found", unit.anchor.first, initiative=code)
    objective = piece_text(ctx.lines, unit.objective) or None
    remarks: list[str] = []
    year_rows: list[dict] = []
    if header.has_kpi:
        try:
            year_rows = read_year_rows(ctx, code, unit, years, remarks)
        except Exception as exc:  # the card keeps its name, 事業内容 and 目的
            ctx.log.error("card_values_unreadable",
                          f"card {code}: its 取組内容/目標・ＫＰＩ cells could not be read ({type(exc).__name__}: "
                          f"{exc}); the card is kept without yearly values", unit.anchor.first,
                          initiative=code)
            year_rows, remarks = [], []
    elif unit.tags + unit.kpi:
        extra = unit.tags + unit.kpi
        ctx.log.error("unplaced_values", f"card {code} has no ＫＰＩ label but KPI values were found at line "
                      f"{extra[0].first}; not read", extra[0].first, initiative=code)
    # 【見直し】: the legend (５ 記載方式) puts it at the head of 事業内容 to mark a project the city
    # decided to revise. A 【見直し】 取組内容 tag is a year's planned activity (review the project
    # in that year), not that mark, so it does not set is_revised; it is reported for review.
    for row in year_rows:
        plan = row["plan"]
        if plan and "【見直し】" in plan and not is_revised:
            ctx.log.warning("revision_tag_in_plan",
                            f"card {code}: 取組内容 of FY{row['fiscal_year']} is {plan!r}; the legend marks revised "
                            "projects with 【見直し】 at the head of 事業内容, which this card does not have, so "
                            "is_revised stays false", row["plan_lines"][0] if row["plan_lines"] else header.line,
                            initiative=code)
    for y in unit.year_headers:
        for c in y.conflicts:
            if c.startswith("columns"):
                ctx.log.warning("year_header_repeated", f"card {code}: year header {c}; the repeat was ignored",
                                y.first, initiative=code)
            elif "stands without" in c:
                ctx.log.warning("year_header_incomplete", f"card {code}: year header {c}; the column was read "
                                "from the line that is there", y.first, initiative=code)
            else:
                ctx.log.warning("year_header_conflict",
                                f"card {code}: year header {c}; the 和暦 year was used", y.first,
                                initiative=code)
    seen_years = sorted({fy for y in unit.year_headers for fy in y.years})
    if unit.year_headers and header.has_kpi and seen_years != list(years):
        ctx.log.warning("year_header_truncated",
                        f"card {code}: its year header shows only {seen_years}; the document's columns "
                        f"{years} were used", unit.year_headers[0].first, initiative=code)
    used = [header.line, *header.label_lines]
    for p in [unit.anchor, unit.objective, unit.summary, unit.name, unit.name_only, *unit.tags,
              *unit.displaced_tags, *unit.kpi, *unit.year_headers]:
        if p is not None:
            used.extend(p.lines)
    used = sorted(set(used))
    return HachiojiCard(
        code=code, sub_heading=header.sub_heading, name=name, is_new=is_new, is_revised=is_revised,
        department=department, summary=summary, objective=objective, has_kpi=header.has_kpi, years=year_rows,
        remarks="".join(remarks) or None, header_line=header.line, source_line_start=header.line,
        source_line_end=used[-1], source_lines=used, seq=0,
    )


def read_year_rows(ctx: Context, code: str, unit: Unit, years: list[int], remarks: list[str]) -> list[dict]:
    """The fields of one ``HachiojiYear`` per column: plan cells from the tag lines, the 目標/ＫＰＩ cells
    from the KPI pieces. The ``HachiojiCard`` built from them validates them (one validation of the
    card and its years, instead of one per year and one of the card)."""
    if not years:
        return []
    plan_cells, tag_remark = read_plan_cells(ctx, code, unit, len(years))
    if tag_remark:
        remarks.append(tag_remark[0])
    cells = KpiCells(ctx, code, unit, len(years), bool(tag_remark), remarks).cells()
    rows = []
    for i, (fy, plan, cell) in enumerate(zip(years, plan_cells, cells, strict=True)):
        rows.append(dict(
            fiscal_year=fy, is_target_year=i == len(years) - 1,
            plan=plan[0] if plan is not None else None, plan_lines=plan[1] if plan is not None else [],
            marks=[m for m, _ in cell.marks], mark_lines=[n for _, n in cell.marks],
            text=cell.text or join_wrapped(ctx.lines[n - 1] for n in cell.lines) or None, lines=cell.lines,
        ))
    if not unit.year_headers:
        ctx.log.warning("year_header_missing",
                        f"card {code}: no year header was found with its values; the document's columns "
                        f"{years[0]}–{years[-1]} were used", unit.anchor.first, initiative=code)
    return rows
