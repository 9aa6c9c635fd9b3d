"""Records of 武蔵野市 第七次総合情報化基本計画 施策進捗管理シート (format ``musashino_progress_sheet``).

Faithful to the sheet's own labels: 基本施策 → ``MusashinoPolicy``, 施策 → ``MusashinoMeasure``,
取組事項 (with its 取組 group) → ``MusashinoItem``, one ``MusashinoYear`` per fiscal-year column
(年度目標・取組内容, 達成状況, 達成状況詳細, 理由・改善策). ``MusashinoProgressSheet.to_common``
maps them to the SCHEMA.md tables.
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from pydantic import BaseModel, Field

from planparse.normalize import Status, find_metric_values, split_departments, status_from_mark
from planparse.schemas.base import DocumentInfo, FormatRecord, RowContext, year_span
from planparse.schemas.common import (
    AnnualEntry,
    CommonRows,
    Initiative,
    InitiativeDepartment,
    KpiValue,
    Measure,
    Policy,
    empty_list,
    initiative_id,
    measure_id,
    policy_id,
)

__all__ = ["MusashinoItem", "MusashinoMeasure", "MusashinoPolicy", "MusashinoProgressSheet", "MusashinoYear"]

# 担当課 lists are separated by 、 only: names such as 多文化共生・交流課 contain ・.
DEPARTMENT_SEPARATORS = "、"


class MusashinoPolicy(BaseModel):
    """基本施策: ``code`` is the roman numeral in ASCII (I … IV), ``name`` the text after it."""

    code: str
    name: str
    seq: int
    source_line: int
    name_variants: list[str] = Field(default_factory=empty_list)


class MusashinoMeasure(BaseModel):
    """施策: 施策番号 (``number``), 施策名 (``name``), 目指す姿 (``vision``), under a 基本施策.

    The sheet repeats these cells on every row, not always identically: ``name``/``vision`` are
    the most frequent spelling, the others are kept in ``*_variants``.
    """

    number: str
    name: str
    vision: str | None
    policy_code: str
    seq: int
    source_line_start: int
    source_line_end: int
    name_variants: list[str] = Field(default_factory=empty_list)
    vision_variants: list[str] = Field(default_factory=empty_list)


class MusashinoYear(BaseModel):
    """One fiscal-year column of a 取組事項 (cells as written, markup removed)."""

    fiscal_year: int
    target: str | None = None        # 年度目標・取組内容
    status: str | None = None        # 達成状況 (達成 / 概ね達成 / 一部のみ達成 / 未達成)
    detail: str | None = None        # 達成状況詳細
    reason: str | None = None        # 理由・改善策（未達成、一部のみ達成の場合のみ記入）


class MusashinoItem(BaseModel):
    """取組事項 with its own copy of the ancestor cells (taken from its own record row)."""

    number: str                      # 取組事項番号
    name: str                        # 取組事項
    departments: str | None          # 担当課 as written
    content: str | None              # 取組内容
    policy_raw: str                  # 基本施策 cell as written ("Ⅱ 市民生活を…")
    policy_code: str                 # its roman numeral in ASCII
    measure_number: str              # 施策番号
    measure_name: str                # 施策名 (this row's copy)
    vision: str | None               # 目指す姿 (this row's copy)
    group_number: str                # 取組番号
    group_name: str                  # 取組
    situation: str | None            # 現状と課題 (of the 取組)
    schedule: list[str]              # スケジュール cells, in order
    years: list[MusashinoYear]
    source_line_start: int
    source_line_end: int
    row_lines: dict[str, int] = Field(default_factory=dict)  # label → line of its row


class MusashinoProgressSheet(FormatRecord):
    """The whole sheet: title, the fiscal years of its columns, and the three levels."""

    title: str | None
    municipality_code: str
    municipality_name: str
    fiscal_years: list[int]
    policies: list[MusashinoPolicy]
    measures: list[MusashinoMeasure]
    items: list[MusashinoItem]

    def document_info(self) -> DocumentInfo:
        """Title from the sheet; plan period = the fiscal years of its columns."""
        return DocumentInfo(
            title=self.title,
            municipality_code=self.municipality_code,
            municipality_name=self.municipality_name,
            plan_start_fy=year_span(self.fiscal_years)[0],
            plan_end_fy=year_span(self.fiscal_years)[1],
        )

    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map to SCHEMA.md rows.

        * policies ← 基本施策; measures ← 施策 (目指す姿 → objective);
        * initiatives ← 取組事項 (取組内容 → summary, 担当課 → departments with the first as lead,
          取組 → group_code/group_name, 現状と課題 → current_issues, スケジュール → schedule);
        * annual_entries ← one per fiscal-year column: target, status_raw/status (empty
          達成状況 → not_evaluated), result = 達成状況詳細, note = 理由・改善策;
        * kpi_values ← numbers with units (or after ``label：``) in targets (kind target) and
          results (kind actual).
        """
        doc = ctx.document_id
        policies_by_code = {p.code: p for p in self.policies}
        rows = CommonRows()
        for p in self.policies:
            rows.policies.append(Policy.make(
                policy_id=policy_id(doc, p.code), document_id=doc, code=p.code, name=p.name, seq=p.seq,
                source_line=p.source_line, name_variants=p.name_variants,
            ))
        for m in self.measures:
            policy = policies_by_code.get(m.policy_code)
            rows.measures.append(Measure.make(
                measure_id=measure_id(doc, m.number), document_id=doc, policy_code=m.policy_code,
                policy_name=policy.name if policy else None, code=m.number, name=m.name, objective=m.vision,
                seq=m.seq, source_line_start=m.source_line_start, source_line_end=m.source_line_end,
                source_page=ctx.page_of(m.source_line_start),
                name_variants=m.name_variants,
            ))
        for seq, item in enumerate(self.items, start=1):
            iid = initiative_id(doc, item.number)
            departments = split_departments(item.departments or "", DEPARTMENT_SEPARATORS)
            final = next((y for y in reversed(self.fiscal_years)), None)
            final_target = next((y.target for y in item.years if y.fiscal_year == final), None)
            rows.initiatives.append(Initiative.make(
                initiative_id=iid, document_id=doc, measure_id=measure_id(doc, item.measure_number),
                code=item.number, name=item.name, summary=item.content,
                lead_department=departments[0] if departments else None, departments=departments,
                target_text=final_target, source_page=ctx.page_of(item.source_line_start),
                source_line_start=item.source_line_start, source_line_end=item.source_line_end, seq=seq,
                group_code=item.group_number, group_name=item.group_name, current_issues=item.situation,
                schedule=item.schedule,
            ))
            rows.initiative_departments.extend(
                InitiativeDepartment.make(initiative_id=iid, department=d, role="lead" if n == 1 else None, seq=n)
                for n, d in enumerate(departments, start=1)
            )
            for year in item.years:
                status = status_from_mark(year.status)
                if status is None and not year.status:
                    status = Status.NOT_EVALUATED
                rows.annual_entries.append(AnnualEntry.make(
                    initiative_id=iid, fiscal_year=year.fiscal_year, target=year.target, result=year.detail,
                    status_raw=year.status, status=status, note=year.reason,
                    source_line_start=item.source_line_start, source_line_end=item.source_line_end,
                ))
                rows.kpi_values.extend(_kpis(iid, year.fiscal_year, "target", year.target,
                                             item.row_lines.get("target")))
                rows.kpi_values.extend(_kpis(iid, year.fiscal_year, "actual", year.detail,
                                             item.row_lines.get("detail")))
        return rows


def _kpis(iid: str, fiscal_year: int, kind: str, text: str | None, line: int | None) -> list[KpiValue]:
    if not text:
        return []
    out = []
    for n, mv in enumerate(find_metric_values(text), start=1):
        q = mv.quantity
        out.append(KpiValue.make(
            kpi_value_id=f"{iid}:{fiscal_year}:{kind}:{n}", initiative_id=iid, fiscal_year=fiscal_year,
            kind=kind, metric=mv.metric, value=float(q.value), unit=q.unit, raw=q.raw, seq=n,
            comparator=q.comparator, approximate=q.approximate, source_line=line,
        ))
    return out
