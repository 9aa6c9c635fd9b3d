"""Records of 八王子市DX推進計画 アクションプラン (format ``hachioji_action_plan``).

Faithful to the document's own labels:

* 基本方針 → ``HachiojiPolicy`` (number, name, ～subtitle～);
* 施策 overview page → ``HachiojiMeasure`` (（１）目的・あるべき姿, （２）事業の方向性, （３）実施内容 and
  the cells of the 全体目標 grid, ``HachiojiGridCell``);
* project card (管理番号 x-y-z) → ``HachiojiCard`` with one ``HachiojiYear`` per column of its
  year header (取組内容 tags, the 目標/ＫＰＩ cell and its 【達成】/【未達成】 marks);
* the table 「令和6年度（2024年度）の進捗状況」 → ``HachiojiProgressFigure``.

``HachiojiActionPlan.to_common`` maps them to the SCHEMA.md tables; the numbers inside the
目標/ＫＰＩ cells are read here (``cell_values``), so the records keep the text as written.
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

import functools
import re
from decimal import Decimal
from typing import Literal, NamedTuple

import regex
from pydantic import BaseModel, Field

from planparse.memo import _memo
from planparse.normalize import (
    LABEL_COLON,
    TRAILING_PARTICLE_CHARS,
    TRAILING_PARTICLES,
    Status,
    find_quantities,
    find_target_deltas,
    nfkc,
    parse_number,
    split_departments,
    status_from_mark,
)
from planparse.schemas.base import DocumentInfo, FormatRecord, RowContext, year_span
from planparse.schemas.common import (
    AnnualEntry,
    CommonRows,
    DocumentFigure,
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

__all__ = [
    "CellValue",
    "HachiojiActionPlan",
    "HachiojiCard",
    "HachiojiGridCell",
    "HachiojiMeasure",
    "HachiojiPolicy",
    "HachiojiProgressFigure",
    "HachiojiYear",
    "cell_values",
    "department_list",
    "year_status",
]


class HachiojiPolicy(BaseModel):
    """基本方針: ``code`` is its number in ASCII (``基本方針１：生活の質の向上 ～市民視点の人にやさしいＤＸ～``
    → code ``1``, name ``生活の質の向上``, subtitle ``～市民視点の人にやさしいＤＸ～``)."""

    code: str
    name: str
    subtitle: str | None = None
    seq: int
    source_line: int
    name_variants: list[str] = Field(default_factory=empty_list)


class HachiojiGridCell(BaseModel):
    """One cell of a 施策 overview page's 全体目標 grid, as written (wraps joined).

    ``kind`` is ``baseline`` for the 参考 figures of the 備考 column (``参考：令和３年度 …``).
    The grid's columns (fiscal years) and rows are not recoverable from the extracted text: the
    cells come out in an order that is neither row- nor column-wise, so no year is attached.
    """

    text: str
    kind: Literal["target", "baseline"] = "target"
    source_line_start: int
    source_line_end: int


class HachiojiMeasure(BaseModel):
    """施策 (from its overview page): ``code`` = ``<基本方針>-<施策 number>`` (``施策➀`` of 基本方針1 → ``1-1``).

    ``objective`` = （１）目的・あるべき姿; ``direction`` = the items of （２）事業の方向性;
    ``implementation`` = the items of （３）実施内容 (each item joined across its wraps);
    ``grid_rows`` = the 全体目標 row labels (オンライン申請 …), ``grid_cells`` its cells.
    """

    code: str
    number: int
    name: str
    policy_code: str
    objective: str | None = None
    direction: list[str] = Field(default_factory=empty_list)
    implementation: list[str] = Field(default_factory=empty_list)
    grid_rows: list[str] = Field(default_factory=empty_list)
    grid_cells: list[HachiojiGridCell] = Field(default_factory=empty_list)
    heading_line: int
    source_line_start: int
    source_line_end: int
    seq: int


class HachiojiYear(BaseModel):
    """One fiscal-year column of a card's table (year header column *i* → ``fiscal_year``).

    * ``plan``: the 取組内容 cell as written (tags concatenated, ``【実施】【改善】``; ``-`` where the
      project did not run); ``plan_lines`` its source lines;
    * ``marks``: the 【達成】/【未達成】 marks of the 目標/ＫＰＩ cell (U+3000 removed), in order;
    * ``text``: the rest of that cell, wraps joined (for an assessed year the outcome, for the last
      year the target); ``lines`` its source lines;
    * ``is_target_year``: the last column (the year the edition sets targets for).
    """

    fiscal_year: int
    plan: str | None = None
    plan_lines: list[int] = Field(default_factory=empty_list)
    marks: list[str] = Field(default_factory=empty_list)
    mark_lines: list[int] = Field(default_factory=empty_list)
    text: str | None = None
    lines: list[int] = Field(default_factory=empty_list)
    is_target_year: bool = False


class HachiojiCard(BaseModel):
    """A project card: header ``<sub_heading> 管理番号 <code>`` and its values.

    ``name`` is the 事業名称 without the 【新】 prefix (→ ``is_new``); ``department`` the 担当 as
    written (``…課ほか``, ``A課・B課``, ``成人保健課 （南大沢保健福祉センター）``); ``summary`` =
    事業内容 (a leading 【見直し】 is removed into ``is_revised``); ``objective`` = 目的・あるべき姿;
    ``has_kpi`` = the header's label block has ``ＫＰＩ``; ``years`` one per year-header column
    (empty for cards without a KPI table); ``remarks`` = 備考-column text that leaked into the
    values (kept, joined). ``source_lines`` are all lines the card's values were read from.
    """

    code: str
    sub_heading: str
    name: str
    is_new: bool = False
    is_revised: bool = False
    department: str | None = None
    summary: str | None = None
    objective: str | None = None
    has_kpi: bool
    years: list[HachiojiYear] = Field(default_factory=empty_list)
    remarks: str | None = None
    header_line: int
    source_line_start: int
    source_line_end: int
    source_lines: list[int] = Field(default_factory=empty_list)
    seq: int


class HachiojiProgressFigure(BaseModel):
    """One cell of 「令和6年度（2024年度）の進捗状況」: ``scope`` = the 基本方針 number or ``total`` (合計),
    ``metric`` from the column label (目標ＫＰＩ設定事業件数 → ``initiatives_with_kpi``, 達成 → ``achieved``,
    未達成 → ``not_achieved``, 一部未達成 → ``partially_achieved``, 達成率 → ``achievement_rate``),
    ``value_text`` as written (``84.1％``)."""

    scope: str
    row_label: str
    fiscal_year: int | None
    metric: str
    value: float
    value_text: str
    source_line: int


class HachiojiActionPlan(FormatRecord):
    """The whole action plan: title, the year-header years, policies, measures, cards, figures."""

    title: str | None
    municipality_code: str
    municipality_name: str
    fiscal_years: list[int]
    policies: list[HachiojiPolicy]
    measures: list[HachiojiMeasure]
    cards: list[HachiojiCard]
    figures: list[HachiojiProgressFigure] = Field(default_factory=empty_list)

    def document_info(self) -> DocumentInfo:
        """Title from the document; plan period = the years of the cards' year headers."""
        return DocumentInfo(
            title=self.title,
            municipality_code=self.municipality_code,
            municipality_name=self.municipality_name,
            plan_start_fy=year_span(self.fiscal_years)[0],
            plan_end_fy=year_span(self.fiscal_years)[1],
        )

    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map to SCHEMA.md rows.

        * policies ← 基本方針; measures ← 施策 (objective = （１）, description = （２） and （３）
          items, one per line); the 全体目標 cells' numbers → ``kpi_values`` with ``measure_id``
          set, ``initiative_id`` and ``fiscal_year`` null (kind target, or baseline for 参考);
        * initiatives ← cards (事業内容 → summary, 目的・あるべき姿 → objective, 担当 → lead_department
          as written and ``departments`` split on ・ between department names, the final year's
          target → ``target_text``, the metric of its first number (else of the latest year with
          one) → ``indicator``, 備考 text → ``remarks``);
        * annual_entries ← one per year-header column of a KPI card: plan = 取組内容 cell, the
          目標/ＫＰＩ cell → ``result`` for assessed years (and ``-`` cells), ``target`` for the
          last column and for earlier columns no mark assessed; status from the marks
          (``year_status``: not_evaluated for an unmarked cell);
        * kpi_values ← every number of those cells (``cell_values``), kind actual for assessed
          columns and target for target cells (numbers in （実績：…） are actual, numbers beside
          one are targets; 前年比 changes in assessed columns are baseline: ``_year_kpis``), with
          the 対目標 delta of the value it follows;
        * document_figures ← the progress table.
        """
        doc = ctx.document_id
        rows = CommonRows()
        # every cell's numbers first (each distinct text once: a document repeats some cells, the same
        # target in two columns), then the rows: read between the rows' validations, the number searches
        # cost ~15% more (their code and tables fall out of the processor's caches)
        texts = [cell.text for m in self.measures for cell in m.grid_cells]
        texts += [y.text for card in self.cards for y in card.years if y.text]
        numbers = {text: cell_values(text) for text in dict.fromkeys(texts)}
        policies = {p.code: p for p in self.policies}
        for p in self.policies:
            rows.policies.append(Policy.make(
                policy_id=policy_id(doc, p.code), document_id=doc, code=p.code, name=p.name, subtitle=p.subtitle,
                seq=p.seq, source_line=p.source_line, name_variants=p.name_variants,
            ))
        measure_codes = set()
        for m in self.measures:
            mid = measure_id(doc, m.code)
            measure_codes.add(m.code)
            policy = policies.get(m.policy_code)
            description = "\n".join(m.direction + m.implementation) or None
            rows.measures.append(Measure.make(
                measure_id=mid, document_id=doc, policy_code=m.policy_code,
                policy_name=policy.name if policy else None, code=m.code, name=m.name, objective=m.objective,
                description=description, seq=m.seq, source_line_start=m.source_line_start,
                source_line_end=m.source_line_end, source_page=ctx.page_of(m.source_line_start),
            ))
            rows.kpi_values.extend(_grid_kpis(mid, m, numbers))
        for card in self.cards:
            self._card_rows(card, ctx, measure_codes, rows, numbers)
        for n, f in enumerate(self.figures, start=1):
            rows.document_figures.append(DocumentFigure.make(
                document_id=doc, scope=f.scope, fiscal_year=f.fiscal_year, metric=f.metric, value=f.value,
                source_line=f.source_line, value_text=f.value_text, seq=n,
            ))
        return rows

    @staticmethod
    def _card_rows(card: HachiojiCard, ctx: RowContext, measure_codes: set[str], rows: CommonRows,
                   numbers: "dict[str, list[CellValue]]") -> None:  # (CellValue is defined below)
        doc = ctx.document_id
        iid = initiative_id(doc, card.code)
        mcode = card.code.rsplit("-", 1)[0]
        departments = department_list(card.department)
        final = None  # the target year's column
        as_targets: list[bool] = []  # per column: its cell states a target
        run_years: list[int] = []  # the years the project runs (a plan that is not "-")
        for y in card.years:
            if final is None and y.is_target_year:
                final = y
            as_targets.append(_holds_target(y))
            if y.plan and y.plan.strip() != "-":
                run_years.append(y.fiscal_year)
        kpis = [kv for y, as_target in zip(card.years, as_targets, strict=True)
                for kv in _year_kpis(iid, y, as_target, numbers)]
        # indicator: the metric of the target's first number, else of the latest year's first number
        # (``min`` gives the first of the smallest: what a stable sort puts first)
        named = [kv for kv in kpis if kv.metric]
        indicator = min(named, key=_indicator_order).metric if named else None
        rows.initiatives.append(Initiative.make(
            initiative_id=iid, document_id=doc,
            measure_id=measure_id(doc, mcode) if mcode in measure_codes else None,
            code=card.code, name=card.name, summary=card.summary, objective=card.objective,
            lead_department=card.department, departments=departments,
            indicator=indicator,
            target_text=final.text if final else None, is_new=card.is_new, is_revised=card.is_revised,
            start_fy=min(run_years) if run_years else None, end_fy=max(run_years) if run_years else None,
            source_page=ctx.page_of(card.header_line), source_line_start=card.source_line_start,
            source_line_end=card.source_line_end, seq=card.seq, sub_heading=card.sub_heading,
            remarks=card.remarks,
        ))
        rows.initiative_departments.extend(
            InitiativeDepartment.make(initiative_id=iid, department=d, role="lead" if n == 1 else None, seq=n)
            for n, d in enumerate(departments, start=1)
        )
        for y, as_target in zip(card.years, as_targets, strict=True):
            lines = y.plan_lines + y.mark_lines + y.lines
            rows.annual_entries.append(AnnualEntry.make(
                initiative_id=iid, fiscal_year=y.fiscal_year, plan=y.plan,
                target=y.text if as_target else None,
                result=None if as_target else y.text,
                status_raw=" ".join(y.marks) or None, status=year_status(y.marks, y.text, y.plan),
                source_line_start=min(lines) if lines else None, source_line_end=max(lines) if lines else None,
            ))
        rows.kpi_values.extend(kpis)


def _indicator_order(kv: KpiValue) -> tuple:
    """The latest year first, a target before an actual, then the order in the cell."""
    return -(kv.fiscal_year or 0), kv.kind != "target", kv.seq


def _holds_target(year: HachiojiYear) -> bool:
    """The 目標/ＫＰＩ cell of ``year`` states a target: the last column, or an earlier column that no
    【達成】/【未達成】 mark assessed (an unmarked FY2022 cell gives what was aimed at that year, not an
    outcome), unless it says it reports an actual (``補助件数（実績）0件/年``). A ``-`` cell (the project
    did not run) states nothing and stays as written in ``result``."""
    if year.is_target_year:
        return True
    text = (year.text or "").strip()
    return not year.marks and text not in ("-", "－", "") and ACTUAL_WORD not in text


def year_status(marks: list[str], text: str | None, plan: str | None) -> Status | None:
    """Status of one year column from its marks.

    One or more 【達成】 → achieved; one or more 【未達成】 → not_achieved; both in one year (one per
    KPI) → partially_achieved; no mark but a cell text or a plan → not_evaluated; nothing → None.
    """
    if marks:
        statuses = {_mark_status(m) for m in marks}
        statuses.discard(None)
        if len(statuses) > 1:
            return Status.PARTIALLY_ACHIEVED
        if statuses:
            return statuses.pop()
    if (text and text.strip()) or (plan and plan.strip()):
        return Status.NOT_EVALUATED
    return None


# the status of a mark (a document writes the same two or three marks throughout)
_mark_status = functools.lru_cache(maxsize=64)(status_from_mark)

# 担当 lists: "経営計画課・デジタル推進課ほか", "財政部・契約資産部・会計課". A ・ separates two departments
# only after a department suffix (課 部 室 局 所 センター 館), so 子どもの教育・保育推進課 stays one name.
_DEPARTMENT_JOIN = regex.compile(r"(?<=(?:課|部|室|局|所|センター|館))・")
# "…課ほか" (and others)
_OTHERS = regex.compile(r"ほか$")


def department_list(department: str | None) -> list[str]:
    """Split a 担当 cell into department names, lead first: ``経営計画課・デジタル推進課ほか`` →
    ``[経営計画課, デジタル推進課]`` (a trailing ほか "and others" is dropped from the list, it stays
    in ``lead_department``); ``成人保健課 （南大沢保健福祉センター）`` stays one name. Never raises."""
    if not department:
        return []
    return list(_department_names(department))


@functools.lru_cache(maxsize=1024)  # many cards share a 担当
def _department_names(department: str) -> tuple[str, ...]:
    parts = split_departments(_DEPARTMENT_JOIN.sub("、", department), "、")
    return tuple(p for p in (_OTHERS.sub("", p).strip() for p in parts) if p)


# --------------------------------------------------------------------------------------------
# Numbers of a 目標/ＫＰＩ cell
# --------------------------------------------------------------------------------------------

# what a "<number>の" can be the amount of: "約14%の低減", "58％の削減" (the number is then the value)
_CHANGE_NOUN = regex.compile(r"(?:低減|削減|減少|増加|向上|改善|短縮)")
# "前年度比" in a value's label, "の低減（前年比）" right after it
_YEAR_ON_YEAR = regex.compile(r"(?P<base>前年度?比)")
_YEAR_ON_YEAR_AFTER = regex.compile(r"の(?:低減|削減|減少|増加|向上|改善|短縮)\s*[（(]\s*(?P<base>前年度?比)\s*[）)]")
# "実績": a cell (or a value's label) that reports what was done: "補助件数（実績）72件/年"
ACTUAL_WORD = "実績"
# "（実績：1,483件)" — an actual written beside a target
_ACTUAL_BRACKET = regex.compile(r"[（(]\s*実績\s*[:：][^）)]*[）)]")
# "前年比＋19.4％", "前年＋３", "（対前年度：＋１所管）": a signed change relative to the previous year
RELATIVE = regex.compile(
    r"(?P<base>対?前年度?比?)\s*[:：]?\s*(?P<sign>[+＋▲△\-－−])\s*(?P<num>[0-9０-９][0-9０-９,，.．]*)"
    r"\s*(?P<unit>[%％]|件|人|回|所管|か所|種類|時間)?"
)
# a metric label's leading debris: "）→医療費適正化効果額" → "医療費適正化効果額", "/" between two counts
_LABEL_DEBRIS = regex.compile(r"^(?:[\s\u3000)）→・、,/／]|削減|低減|減|増|改善|完了)+")
_LABEL_DEBRIS_STARTS = frozenset(")）→・、,/／削低減増改完")  # the first characters of its matches but spaces
# a date written with a slash, possibly a range: "3/15～3/31"
_SLASH_DATE = regex.compile(r"[0-9０-９]{1,2}\s*[/／]\s*[0-9０-９]{1,2}(?:\s*[～〜~]\s*[0-9０-９]{1,2}\s*[/／]\s*[0-9０-９]{1,2})?")
# a CJK ideograph (a unit such as 分 followed by one forms a word: 12分団)
_IDEOGRAPH = regex.compile(r"\p{Han}")
# a sign right before a number makes it a difference, not a value (as in ``find_metric_values``)
_SIGNS = frozenset("▲△▼+＋±-－−")
# the lower bound of a range right before a quantity: "（３～" of "（３～１０件）"
_RANGE_LOW = regex.compile(r"(?P<n>[0-9０-９][0-9０-９,，.．]*)\s*[～〜~]\s*$")
_RANGE_DASHES = frozenset("～〜~")
# where a label starts: after a sentence or clause end
_BOUNDARY = regex.compile(r"[。、，]|(?<![0-9]),|,(?![0-9])")
_BOUNDARY_MARK = re.compile(r"[。、，,]")  # what each of its matches holds
# "３月" right before a day: "３月２５日" (NFKC)
_DAY_OF_MONTH = regex.compile(r"\d月\s*$")
# number followed by "/digit" or preceded by "digit/": dates such as 3/15～3/31
_DATE_NEIGHBOUR = regex.compile(r"\d\s*/\s*$")
_DATE_NEXT = regex.compile(r"\s*[/～〜~]")
# what may follow a unit-less count: "事業数 ２", "取組数 11 (対目標…"
_PHRASE_END = regex.compile(r"\s*[（(\s、。]")
# the label of a relative value starts after the last clause end: "…。LINE登録者数前年比＋5％"
_CLAUSE_END = regex.compile(r"[。、\n]|[（(]\s*$")


class CellValue(NamedTuple):
    """A number of a 目標/ＫＰＩ cell: ``value`` (Decimal, 万 applied), ``unit`` (NFKC), ``metric``
    (the label before it, as written), ``delta``/``delta_unit`` (the 対目標 difference written after
    it), ``baseline_text`` (前年比 … for a relative value), ``in_actual_bracket`` (inside （実績：…）),
    ``raw`` and ``start`` (offset in the cell text). A named tuple: immutable, made in less than half
    the time of a frozen dataclass (a document has ~350)."""

    value: Decimal
    unit: str | None
    metric: str | None
    raw: str
    start: int
    delta: Decimal | None = None
    delta_unit: str | None = None
    comparator: str | None = None
    approximate: bool = False
    baseline_text: str | None = None
    in_actual_bracket: bool = False


def cell_values(text: str) -> list[CellValue]:
    """Every number of a 目標/ＫＰＩ cell, in text order.

    Input: the cell text as stored. Output: ``CellValue`` list. Read are: quantities with a unit
    (``5%``, ``4.5万件``, ``777件/半年``), unit-less counts ending a label (``事業数 ２``,
    ``累計登録者数3,200``), and signed changes relative to the previous year (``前年比＋5％``,
    ``前年＋３``, ``（対前年度：＋１所管）`` → ``baseline_text``). Not read: years and dates (令和6年度,
    ``3/15～3/31``, ``３月２５日``), numbers inside a name (``標準仕様2.0版``), and the 対目標 differences
    themselves, which become the ``delta`` of the value they follow (``42％（対目標▲8％）`` → 42 %,
    delta -8). A number immediately followed by の is a qualifier of the label
    (``年間1,000件以上の手続の…``), not a value, unless a change follows (``約14%の低減``). The metric of a value is the text since the previous
    value (its part before a ``：``, after the last 、/。 and after an unclosed bracket, bullets
    and trailing particles removed); a relative value with no text of its own takes the metric of
    the value before it. Never raises.
    """
    if not text:
        return []
    # each pattern is searched only in a cell holding its words
    quantities = find_quantities(text)  # none without a digit (most cells)
    relatives = list(RELATIVE.finditer(text)) if "前年" in text else []
    if not quantities and not relatives:
        return []
    # (対 and 標 are in the text where they are in its NFKC: no other character's NFKC holds them)
    deltas = find_target_deltas(text) if "対" in text and "標" in text else []
    delta_spans = [(d.start, d.end) for d in deltas]
    actual_spans = [(m.start(), m.end()) for m in _ACTUAL_BRACKET.finditer(text)] if ACTUAL_WORD in text else []
    not_values = delta_spans + [(m.start(), m.end()) for m in relatives]
    # (start, end, value, unit, raw, comparator, approximate, baseline_text, in_actual_bracket): the
    # fields of a CellValue but its metric and delta, read once the values are in text order
    kept: list[tuple] = []
    ranged = False  # a range's lower bound was added (it stands before its upper bound's start)
    # the numbers ``find_metric_values(text, require_unit=False)`` keeps (its labels are not used:
    # ``_metric_label`` reads them here): not inside a 対目標 delta, not right after a sign
    for q in quantities:
        q_start, q_end, unit = q.start, q.end, q.unit
        if (not_values and any(a <= q_start < b for a, b in not_values)) or text[max(0, q_start - 1):q_start] in _SIGNS:
            continue
        if text[q_end:q_end + 1] == "の" and not _CHANGE_NOUN.match(text, q_end + 1):
            continue  # 年間1,000件以上の手続 — part of the label (but 約14%の低減 is the value)
        if unit is None and not _unitless_ok(text, q_start, q_end):
            continue
        if unit == "日" and _DAY_OF_MONTH.search(nfkc(text[max(0, q_start - 4):q_start])):
            continue  # ３月２５日 — a date
        if unit in ("分", "秒") and _IDEOGRAPH.match(text[q_end:q_end + 1]):
            continue  # 12分団 — a word, not minutes
        in_actual = bool(actual_spans) and any(a <= q_start < b for a, b in actual_spans)
        # (a range's lower bound ends with its ～ right before the quantity, spaces aside: most numbers
        # have none, and the text before them is cut only after a ～ or a space)
        before = text[q_start - 1:q_start] if q_start else ""
        low = None
        if (before in _RANGE_DASHES or before.isspace()) and text[:q_start].rstrip().endswith(("～", "〜", "~")):
            low = _RANGE_LOW.search(text[:q_start])
        if low is None:
            kept.append((q_start, q_end, q.value, unit, q.raw, q.comparator, q.approximate, None, in_actual))
            continue
        # "（３～１０件）": the lower bound (>=) and the upper bound (<=) share the unit
        raw = text[low.start():q_end]
        lower = parse_number(low.group("n"))
        if lower is not None:
            ranged = True
            q_start = low.start()
            kept.append((q_start, q_start, lower, unit, raw, ">=", False, None, in_actual))
        kept.append((q_start, q_end, q.value, unit, raw, "<=", q.approximate, None, in_actual))
    for m in relatives:
        num = parse_number(m.group("num"))
        if num is None:
            continue
        value = -num if nfkc(m.group("sign")) in ("▲", "△", "-", "−") else num
        unit = nfkc(m.group("unit")) if m.group("unit") else None
        kept.append((m.start(), m.end(), value, unit, m.group(0).strip(), None, False, m.group("base"), False))
    if relatives or ranged:  # else the quantities' order: their starts increase
        kept.sort(key=_start_of)
    found: list[CellValue] = []
    prev_end = 0
    brackets = sorted(delta_spans + actual_spans)
    for start, end, value, unit, raw, comparator, approximate, baseline_text, in_actual in kept:
        seg_start = max([prev_end] + [b for a, b in brackets if b <= start]) if brackets else prev_end
        metric = _metric_label(text[seg_start:start])
        if metric is None and found and (baseline_text or start == found[-1].start or seg_start == prev_end > 0):
            metric = found[-1].metric  # "前年比＋19.4％", "３割増47,161人": the same KPI as the value before
        if not baseline_text and text[end:end + 1] == "の":
            # "前年度比58％の低減", "31%の低減（前年比）": a change measured against the previous year
            around = _YEAR_ON_YEAR.search(text[seg_start:start]) or _YEAR_ON_YEAR_AFTER.match(text, end)
            if around:
                baseline_text = around.group("base")
        found.append(CellValue(value, unit, metric, raw, start, None, None, comparator, approximate, baseline_text,
                               in_actual))
        prev_end = end
    return _attach_deltas(found, deltas)


def _start_of(value: tuple) -> int:
    return value[0]


@_memo  # cells repeat their labels (and the segments between two values are often empty)
def _metric_label(segment: str) -> str | None:
    """The label in the text between two values: before its last ``：``, after its last 、/。 and
    after an unclosed bracket; bullets, leading debris (``）→/``) and trailing particles removed."""
    # (each pattern is tried only on a segment holding a character it needs: most hold none)
    dates = list(_SLASH_DATE.finditer(segment)) if "/" in segment or "／" in segment else []
    if dates:
        segment = segment[dates[-1].end():]  # "…運用開始3/15～3/31申請：3件" → 申請
    colons = list(LABEL_COLON.finditer(segment)) if "：" in segment or ":" in segment else []
    if colons and not segment[colons[-1].end():].strip(" \u3000"):
        segment = segment[:colons[-1].start()]  # "オンライン手続き：687件"
    if _BOUNDARY_MARK.search(segment):
        segment = _BOUNDARY.split(segment)[-1]
    if "(" in segment or "（" in segment:
        segment = _after_open_bracket(segment)
    return _clean_label(segment) or None


def _after_open_bracket(segment: str) -> str:
    """The part of a label after its last unclosed bracket (the segment as it is without one)."""
    depth = 0
    for i in range(len(segment) - 1, -1, -1):
        ch = segment[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                inner = segment[i + 1:]
                # "IP多機能電話の整備（56％）": nothing inside the bracket names the value
                return inner if _clean_label(inner) else segment[:i]
            depth -= 1
    return segment


def _clean_label(segment: str) -> str:
    # each pattern only where its first (last) character can start (end) a match: a space to
    # ``regex``'s ``\s`` is one to ``str.isspace`` too
    head = segment[:1]
    if head and (head in _LABEL_DEBRIS_STARTS or head.isspace()):
        segment = _LABEL_DEBRIS.sub("", segment)
    tail = segment[-1:]
    if tail and (tail in TRAILING_PARTICLE_CHARS or tail.isspace()):
        segment = TRAILING_PARTICLES.sub("", segment)
    return segment.strip(" \u3000")


def _unitless_ok(text: str, start: int, end: int) -> bool:
    """A number without unit counts when it ends the cell or a phrase (``事業数 ２``,
    ``取組数 11(対目標…``), and is not part of a date (``3/15``) or of a word (``2.0版``)."""
    before = text[max(0, start - 2):start]
    rest = text[end:]
    if _DATE_NEIGHBOUR.search(before) or _DATE_NEXT.match(rest):
        return False
    return not rest.strip() or _PHRASE_END.match(rest) is not None


def _attach_deltas(values: list[CellValue], deltas: list) -> list[CellValue]:
    """Give each 対目標 delta to the last value written before it that has no delta yet."""
    if not deltas:
        return values
    out = list(values)
    for d in deltas:
        best = None
        for i, v in enumerate(out):
            if v.start < d.start and v.delta is None:
                best = i
        if best is None:
            continue
        v = out[best]  # (made anew: ``_replace`` takes three times as long)
        out[best] = CellValue(v.value, v.unit, v.metric, v.raw, v.start, d.value, d.unit, v.comparator, v.approximate,
                              v.baseline_text, v.in_actual_bracket)
    return out


def _year_kpis(iid: str, year: HachiojiYear, states_target: bool, numbers: dict[str, list[CellValue]]
               ) -> list[KpiValue]:
    """kpi_values of one year column (``states_target``: ``_holds_target(year)``; ``numbers``: the
    ``cell_values`` of each cell text).

    Kind: ``target`` for a cell that states a target (the last column, an unassessed earlier
    column: ``_holds_target``) and for numbers beside a （実績：…） bracket, ``actual`` inside that
    bracket and in assessed columns (and earlier columns reporting 実績); a change relative to the previous year (``前年比＋19.4％``,
    ``（対前年度：＋１所管）``) in an assessed column is ``baseline`` (it compares with last year, it is
    not the year's outcome), in a target cell it stays ``target`` (the aim, written relative to last
    year; ``baseline_text`` says so)."""
    values = numbers[year.text] if year.text else []
    if not values:
        return []
    has_actual_bracket = any(v.in_actual_bracket for v in values)
    counters: dict[str, int] = {}
    out = []
    line = year.lines[0] if year.lines else None
    for v in values:
        if v.in_actual_bracket:
            kind = "actual"
        elif states_target or has_actual_bracket:
            kind = "target"
        elif v.baseline_text:
            kind = "baseline"
        else:
            kind = "actual"
        counters[kind] = counters.get(kind, 0) + 1
        n = counters[kind]
        out.append(KpiValue.make(
            kpi_value_id=f"{iid}:{year.fiscal_year}:{kind}:{n}", initiative_id=iid,
            fiscal_year=year.fiscal_year, kind=kind, metric=v.metric, value=v.value, unit=v.unit,
            delta=v.delta, raw=v.raw, seq=n,
            delta_unit=v.delta_unit, comparator=v.comparator, approximate=v.approximate,
            baseline_text=v.baseline_text, source_line=line,
        ))
    return out


def _grid_kpis(mid: str, measure: HachiojiMeasure, numbers: dict[str, list[CellValue]]) -> list[KpiValue]:
    """kpi_values of a 施策's 全体目標 cells: no initiative, no fiscal year (see ``HachiojiGridCell``);
    ``numbers``: the ``cell_values`` of each cell text."""
    out = []
    counters: dict[str, int] = {}
    for cell in measure.grid_cells:
        for v in numbers[cell.text]:
            kind = cell.kind
            counters[kind] = counters.get(kind, 0) + 1
            n = counters[kind]
            out.append(KpiValue.make(
                kpi_value_id=f"{mid}:-:{kind}:{n}", initiative_id=None, measure_id=mid, fiscal_year=None,
                kind=kind, metric=v.metric, value=v.value, unit=v.unit,
                delta=v.delta, raw=v.raw, seq=n,
                delta_unit=v.delta_unit, comparator=v.comparator, approximate=v.approximate,
                baseline_text=v.baseline_text, source_line=cell.source_line_start,
            ))
    return out
