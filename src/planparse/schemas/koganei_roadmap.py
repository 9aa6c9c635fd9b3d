"""Records of 小金井市DX推進方針 アクションプラン (format ``koganei_roadmap``).

Faithful to the document's own labels: 【Vision …】 → ``KoganeiVision``, 取組 (with its 担当部署,
重点取組 flag, 関連 / ステップ links and its 取組概要 / 取組背景 / アウトカムの視点 texts) →
``KoganeiMeasure``, one row of a 個別取組 table (個別取組 / 評価指標 / 目標値等 / 取組のロードマップ /
主担当) → ``KoganeiItem`` with one ``KoganeiRoadmapCell`` per fiscal-year column.
``KoganeiRoadmap.to_common`` maps them to the SCHEMA.md tables; see docs/formats/koganei_roadmap.md.
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from typing import Literal

import regex
from pydantic import BaseModel, Field

from planparse.normalize import Status, find_fiscal_years, find_quantities
from planparse.schemas.base import DocumentInfo, FormatRecord, RowContext, year_span
from planparse.schemas.common import (
    AnnualEntry,
    CommonRows,
    Initiative,
    InitiativeDepartment,
    KpiValue,
    Measure,
    MeasureDepartment,
    MeasureLink,
    Policy,
    empty_list,
    initiative_id,
    measure_id,
    policy_id,
)

__all__ = [
    "KoganeiDepartment",
    "KoganeiItem",
    "KoganeiLink",
    "KoganeiMeasure",
    "KoganeiRoadmap",
    "KoganeiRoadmapCell",
    "KoganeiVision",
    "target_kpis",
]

Role = Literal["lead", "support", "member"]

# 70%(平成29年7月比) / 令和7年度比20%削減: the baseline a target is relative to (bracketed …比, or a year + 比)
BASELINE = regex.compile(
    r"[(（]\s*(?P<text>[^()（）]*?比)\s*[)）]"
    r"|(?P<year>(?:令和|平成|昭和)\s*(?:元|[0-9０-９]{1,2})\s*年度?(?:\s*[0-9０-９]{1,2}\s*月)?\s*比)")
# 累計5件以上 / 研修受講者数(累計) / 0件(累計): a total over the plan period
CUMULATIVE = regex.compile(r"累計")
# 各年度10件以上 / 年2回以上 / 毎年度 / 開催回数(年度): a target that holds for every fiscal year
PER_YEAR = regex.compile(
    r"各年度|毎年度?|(?<![0-9０-９])年間|(?<![0-9０-９元])年\s*[0-9０-９]|[(（]\s*年度\s*[)）]")
# ※ (U+203B) refers to the 取組's free-standing ※ note (※新庁舎も見据えつつ、可能なものから導入)
NOTE_MARK = "※"


class KoganeiVision(BaseModel):
    """A 【Vision …】 (policy): ``code`` in ASCII digits (Vision I → ``1``), ``numeral`` as written
    (``I``, ``2``), ``name`` as written after the banner (市民にやさしい); ``source_line`` is the
    first banner of that Vision; other spellings of the name go to ``name_variants``."""

    code: str
    numeral: str
    name: str
    seq: int
    source_line: int
    name_variants: list[str] = Field(default_factory=empty_list)


class KoganeiDepartment(BaseModel):
    """One 担当部署 of a 取組: ``name`` as written, ``mark`` (◎ ○ ●, None when the group had no
    mark) and the ``role`` it stands for (◎ lead 主担当, ○ support 伴走支援担当, ● member 検討メンバー)."""

    name: str
    mark: str | None
    role: Role | None


class KoganeiLink(BaseModel):
    """A 関連 (``related``) or ステップ (``step``) reference from the Vision overview table.

    ``number`` is the linked 取組's number (from its circled glyph). For ``step`` links the whole
    chain is kept, the 取組 itself included: ``position`` is the place in the chain (1 = first;
    several 取組 can share a place: ``⑭→①・⑧・⑨``). ``raw`` is the cell as written."""

    link_type: Literal["related", "step"]
    number: int
    position: int | None = None
    raw: str


class KoganeiMeasure(BaseModel):
    """取組: its number (from the overview table and the heading sequence, not the heading glyph
    alone), what the heading wrote (``glyph_written``), its texts and its overview-table cells.

    ``overview`` = 取組概要, ``background`` = 取組背景, ``outcome`` = アウトカムの視点(=あるべき姿),
    ``notes`` = free-standing ``※…`` lines of the 取組 page, ``other_texts`` = text found before any
    label (none in the 2026 edition); markup (``<b>``, ``<p>``, ``**``) removed.
    """

    number: int
    glyph_written: str | None
    vision_code: str | None
    name: str
    name_variants: list[str] = Field(default_factory=empty_list)
    is_priority: bool
    departments: list[KoganeiDepartment]
    links: list[KoganeiLink] = Field(default_factory=empty_list)
    overview: str | None = None
    background: str | None = None
    outcome: str | None = None
    notes: list[str] = Field(default_factory=empty_list)
    other_texts: list[str] = Field(default_factory=empty_list)
    seq: int
    heading_line: int
    overview_line: int | None = None
    source_line_end: int

    @property
    def code(self) -> str:
        """The 取組 number as the measure code (``"11"``)."""
        return str(self.number)


class KoganeiRoadmapCell(BaseModel):
    """One 取組のロードマップ cell: ``written`` is the cell as written (None when empty); ``plan``
    is the plan of that year after the merged-cell rule (an empty cell continues the nearest
    filled cell to its left), ``inferred`` is True when ``plan`` came from that rule."""

    fiscal_year: int
    written: str | None
    plan: str | None
    inferred: bool = False


class KoganeiItem(BaseModel):
    """A 個別取組 row: ``code`` = ``<取組 number>-<row number>``; ``name`` without its 【…】 tags
    (kept in ``tags``, as written); ``indicator`` = 評価指標, ``target`` = 目標値等,
    ``departments`` = 主担当 split on spaces (``departments_raw`` as written)."""

    code: str
    measure_number: int
    row: int
    name: str
    tags: list[str] = Field(default_factory=empty_list)
    indicator: str | None
    target: str | None
    departments_raw: str | None
    departments: list[str]
    roadmap: list[KoganeiRoadmapCell]
    line: int
    line_end: int
    seq: int


class KoganeiRoadmap(FormatRecord):
    """The whole action plan: title, plan period, the fiscal years of the roadmap columns, and
    the three levels (Visions, 取組, 個別取組)."""

    title: str | None
    municipality_code: str
    municipality_name: str
    plan_start_fy: int | None
    plan_end_fy: int | None
    fiscal_years: list[int]
    visions: list[KoganeiVision]
    measures: list[KoganeiMeasure]
    items: list[KoganeiItem]

    def document_info(self) -> DocumentInfo:
        """Title and plan period as stated on the cover (令和8(2026)年度～令和10(2028)年度);
        without a stated period, the roadmap's fiscal years."""
        first, last = year_span(self.fiscal_years)
        start = self.plan_start_fy or first
        end = self.plan_end_fy or last
        return DocumentInfo(title=self.title, municipality_code=self.municipality_code,
                            municipality_name=self.municipality_name, plan_start_fy=start, plan_end_fy=end)

    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map to SCHEMA.md rows.

        * policies ← Visions (code 1/2/3); measures ← 取組 (アウトカムの視点 → objective;
          ``取組概要 …`` / ``取組背景 …`` / ※ notes → description, one line each; 重点取組 → is_priority);
          measure_departments ← 担当部署 with roles; measure_links ← 関連 / ステップ;
        * initiatives ← 個別取組 (評価指標 → indicator, 目標値等 → target_text, 【…】 → tags, 主担当 →
          departments, every one a lead; is_priority inherited from the 取組; start_fy/end_fy = first/last
          year with a plan);
        * annual_entries ← one per roadmap fiscal year of every 個別取組 (plan null where nothing is
          written or inferable), status ``not_evaluated``; note = the 取組's ※ note where the plan has ※;
        * kpi_values ← numbers in 目標値等 (kind ``target``; see ``target_kpis``).
        """
        doc = ctx.document_id
        rows = CommonRows()
        visions = {v.code: v for v in self.visions}
        for v in self.visions:
            rows.policies.append(Policy.make(
                policy_id=policy_id(doc, v.code), document_id=doc, code=v.code, name=v.name, seq=v.seq,
                source_line=v.source_line, name_variants=v.name_variants,
            ))
        measures = {m.number: m for m in self.measures}
        for m in self.measures:
            mid = measure_id(doc, m.code)
            vision = visions.get(m.vision_code or "")
            rows.measures.append(Measure.make(
                measure_id=mid, document_id=doc, policy_code=m.vision_code,
                policy_name=vision.name if vision else None, code=m.code, name=m.name, objective=m.outcome,
                description=_description(m), seq=m.seq, is_priority=m.is_priority,
                source_line_start=m.heading_line, source_line_end=m.source_line_end,
                source_page=ctx.page_of(m.heading_line), name_variants=m.name_variants,
            ))
            rows.measure_departments.extend(
                MeasureDepartment.make(measure_id=mid, department=d.name, role=d.role, seq=n)
                for n, d in enumerate(m.departments, start=1)
            )
            for link_type in ("related", "step"):
                links = [link for link in m.links if link.link_type == link_type]
                rows.measure_links.extend(
                    MeasureLink.make(
                        measure_id=mid, link_type=link_type, linked_code=str(link.number),
                        linked_measure_id=measure_id(doc, str(link.number)) if link.number in measures else None,
                        seq=n, raw=link.raw, step_position=link.position,
                    )
                    for n, link in enumerate(links, start=1)
                )
        for item in self.items:
            measure = measures.get(item.measure_number)
            iid = initiative_id(doc, item.code)
            planned = [c.fiscal_year for c in item.roadmap if c.plan]
            rows.initiatives.append(Initiative.make(
                initiative_id=iid, document_id=doc,
                measure_id=measure_id(doc, str(item.measure_number)) if measure else None,
                code=item.code, name=item.name,
                lead_department=item.departments[0] if item.departments else None,
                departments=item.departments, indicator=item.indicator, target_text=item.target,
                is_priority=bool(measure and measure.is_priority),
                start_fy=min(planned) if planned else None, end_fy=max(planned) if planned else None,
                source_page=ctx.page_of(item.line), source_line_start=item.line,
                source_line_end=item.line_end, seq=item.seq, tags=item.tags,
            ))
            rows.initiative_departments.extend(
                InitiativeDepartment.make(initiative_id=iid, department=d, role="lead", seq=n)
                for n, d in enumerate(item.departments, start=1)
            )
            note = "\n".join(measure.notes) if measure and measure.notes else None
            for cell in item.roadmap:
                rows.annual_entries.append(AnnualEntry.make(
                    initiative_id=iid, fiscal_year=cell.fiscal_year, plan=cell.plan,
                    status=Status.NOT_EVALUATED,
                    note=note if cell.plan and NOTE_MARK in cell.plan else None,
                    plan_inferred=cell.inferred, source_line_start=item.line, source_line_end=item.line_end,
                ))
            rows.kpi_values.extend(target_kpis(iid, item, self.fiscal_years, self.plan_end_fy))
        return rows


def _description(m: KoganeiMeasure) -> str | None:
    """取組概要 and 取組背景, each on its own line after its label, then unlabelled text and ※ notes."""
    lines = [f"{label} {text}" for label, text in (("取組概要", m.overview), ("取組背景", m.background)) if text]
    lines.extend(m.other_texts)
    lines.extend(m.notes)
    return "\n".join(lines) or None


def target_period(target: str, indicator: str | None) -> str | None:
    """``cumulative`` (累計 in the target or the indicator), ``per_year`` (各年度 / 毎年 / 年2回 /
    an indicator counted per 年度), or None (a level to reach)."""
    texts = (target, indicator or "")
    if any(CUMULATIVE.search(t) for t in texts):
        return "cumulative"
    if any(PER_YEAR.search(t) for t in texts):
        return "per_year"
    return None


def target_kpis(iid: str, item: KoganeiItem, fiscal_years: list[int], plan_end_fy: int | None) -> list[KpiValue]:
    """The numbers of a 個別取組's 目標値等 as ``kpi_values`` rows (kind ``target``).

    Input: the item (its ``target`` and ``indicator``), the roadmap fiscal years and the plan's
    end year. Every number with its unit (``find_quantities``: 以上 → comparator ``>=``, 12,000人 →
    12000 人) gives a row whose ``metric`` is the 評価指標 and ``raw`` the whole 目標値等 cell. The
    fiscal year is the one written in the target (令和10年度40%以上 → 2028); otherwise a ``per_year``
    target (各年度, 年2回, an indicator counted per 年度) gives one row per roadmap year, and any other
    target refers to the plan's end year. A bracketed ``…比`` is the ``baseline_text``
    (70%(平成29年7月比)). Textual targets (令和10年度, 検討中に設定) give no row. Never raises.
    """
    target = item.target
    if not target:
        return []
    baseline = BASELINE.search(target)
    numeric_part = target[:baseline.start()] + target[baseline.end():] if baseline else target
    quantities = find_quantities(numeric_part)
    if not quantities:
        return []
    written = [y.fiscal_year for y in find_fiscal_years(numeric_part) if y.is_fiscal]
    period = target_period(target, item.indicator)
    if written:
        years: list[int | None] = [written[0]]
    elif period == "per_year" and fiscal_years:
        years = list(fiscal_years)
    else:
        years = [plan_end_fy]
    out = []
    for fy in years:
        for n, q in enumerate(quantities, start=1):
            out.append(KpiValue.make(
                kpi_value_id=f"{iid}:{fy if fy is not None else '-'}:target:{n}", initiative_id=iid,
                fiscal_year=fy, kind="target", metric=item.indicator, value=float(q.value), unit=q.unit,
                raw=target, seq=n, comparator=q.comparator, approximate=q.approximate,
                baseline_text=(baseline.group("text") or baseline.group("year")) if baseline else None,
                source_line=item.line,
                period=period,
            ))
    return out
