"""Records of 昭島市デジタル化推進計画 中間報告書 (format ``akishima_midterm_report``).

Faithful to the report's own labels:

* 基本方針 → ``AkishimaPolicy``;
* 第１章 「２ 施策の達成状況」 list row (施策名 + 〇/△/× mark) → ``AkishimaStatusRow``;
* 第１章 「３ 施策の見直し」 entry (施策 with 【達成状況：△】 and its bullets) → ``AkishimaRevision``;
* 第１章 「４ 施策の追加」 record 追加N → ``AkishimaAddition``;
* 第２章 report of one 施策 (基本データ, 事業概要, one box per year, 達成状況・今後の課題,
  スケジュール) → ``AkishimaReport`` with ``AkishimaYearBox`` and ``AkishimaScheduleCell``;
* a footnote such as 「*「アナログ規制」：…のことです。」 → ``AkishimaFootnote``.

``AkishimaMidtermReport.to_common`` maps them to the SCHEMA.md tables; the mapping is described
in its docstring and in docs/formats/akishima_midterm_report.md.
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from collections import Counter

import regex
from pydantic import BaseModel, Field

from planparse.normalize import Status, find_metric_values, match_key, status_from_mark
from planparse.schemas.base import DocumentInfo, FormatRecord, RowContext
from planparse.schemas.common import (
    AnnualEntry,
    CommonRows,
    DocumentFigure,
    GlossaryReference,
    GlossaryTerm,
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
    "REVISION_HEADING",
    "AkishimaAddition",
    "AkishimaFootnote",
    "AkishimaMidtermReport",
    "AkishimaPolicy",
    "AkishimaReport",
    "AkishimaRevision",
    "AkishimaScheduleCell",
    "AkishimaStatusRow",
    "AkishimaYearBox",
]

REVISION_HEADING = "【見直し】"
"""Separator put between 達成状況・今後の課題 and the 見直し text in ``initiatives.assessment``."""


class AkishimaPolicy(BaseModel):
    """基本方針N：name. ``code`` is N in ASCII; ``source_line`` is the 第２章 header line (or the first
    header seen); ``name_variants`` are other wordings found in 第１章."""

    code: str
    name: str
    source_line: int
    name_variants: list[str] = Field(default_factory=empty_list)


class AkishimaStatusRow(BaseModel):
    """One row of the 施策の達成状況 list: ``１.行政手続のオンライン化（スマートフォン対応） △``.

    ``code`` is the number in ASCII, ``name`` the 施策名 as written (ends trimmed), ``mark`` the
    status mark verbatim (〇 U+3007, △, ×)."""

    code: str
    name: str
    mark: str
    source_line: int


class AkishimaRevision(BaseModel):
    """One entry of 「３ 施策の見直し」: ``N.name 【達成状況：△】`` and its ・ bullets.

    ``text`` is the bullets, each joined across its wraps, one bullet per line (``\\n``)."""

    code: str
    name: str
    mark: str
    policy_code: str | None
    text: str | None
    source_line_start: int
    source_line_end: int


class AkishimaYearBox(BaseModel):
    """A yearly box ``令和４（2022）年度の事業達成状況 目標``: the wide left cell (事業達成状況 →
    ``result``) and the narrow right cell (目標 → ``target``), separated by the rules of
    docs/formats/akishima_midterm_report.md. ``split`` says which rule separated them."""

    fiscal_year: int
    label: str
    result: str | None
    target: str | None
    split: str
    source_line_start: int
    source_line_end: int
    result_lines: list[tuple[int, str]] = Field(default_factory=empty_list)   # (line, text) of the left cell
    target_lines: list[tuple[int, str]] = Field(default_factory=empty_list)   # (line, text) of the 目標 cell

    @property
    def result_line(self) -> int | None:
        """First line of the 事業達成状況 cell."""
        return self.result_lines[0][0] if self.result_lines else None


class AkishimaScheduleCell(BaseModel):
    """The スケジュール 予定 cell of one fiscal year. ``plan`` lists its items, one per line.

    ``rule`` tells how the cell was separated from its neighbours (``three_items``, ``structure``,
    ``no_repeat``, ``ambiguous_first_year``, ``unsplit``)."""

    fiscal_year: int
    plan: str | None
    rule: str
    source_line_start: int | None = None
    source_line_end: int | None = None


class AkishimaReport(BaseModel):
    """A 第２章 report of one 施策 (the template is in docs/formats/akishima_midterm_report.md).

    Text fields are joined across line wraps and page breaks (bullets start a new line).
    ``business_name`` is the 事業名 cell, ``division``/``department``/``section`` the 部/課/係
    cells, ``phone`` the 電話 cell as written (an extension, or a full number)."""

    code: str
    heading: str                          # N.施策名 heading of the report
    heading_line: int
    business_name: str | None = None      # 事業名
    business_number: str | None = None    # number written before the 事業名
    division: str | None = None           # 部
    department: str | None = None         # 課
    section: str | None = None            # 係
    phone: str | None = None              # 電話
    period_text: str | None = None        # 事業期間 as written
    start_fy: int | None = None
    end_fy: int | None = None
    related_laws: str | None = None       # 関連法令・条例・計画等
    purpose: str | None = None            # 目的・実施内容
    target: str | None = None             # 目標 (of the 事業概要 box)
    target_lines: list[tuple[int, str]] = Field(default_factory=empty_list)
    overview_split: str | None = None
    years: list[AkishimaYearBox] = Field(default_factory=empty_list)
    progress: str | None = None           # 達成状況・今後の課題
    schedule: list[AkishimaScheduleCell] = Field(default_factory=empty_list)
    policy_code: str | None = None
    source_line_start: int
    source_line_end: int
    label_lines: dict[str, int] = Field(default_factory=dict)


class AkishimaAddition(BaseModel):
    """A 施策 added by 「４ 施策の追加」 (追加N). ``code`` is ``A<N>``.

    ``departments`` is 主な担当課 split at 、 (lead first). ``goal`` is 達成目標 with one item per
    line. ``fiscal_years`` are the 実施年度 columns; ``gantt_labels`` the bar labels of the chart,
    which carry no year in the text."""

    number: str
    code: str
    name: str
    policy_code: str | None
    departments_text: str | None = None
    departments: list[str] = Field(default_factory=empty_list)
    current_issues: str | None = None     # 現状・課題
    content: str | None = None            # 実施内容
    expected_effect: str | None = None    # 期待される効果
    goal: str | None = None               # 達成目標
    goal_lines: list[tuple[int, str]] = Field(default_factory=empty_list)
    fiscal_years: list[int] = Field(default_factory=empty_list)
    gantt_labels: list[str] = Field(default_factory=empty_list)
    source_line_start: int
    source_line_end: int
    label_lines: dict[str, int] = Field(default_factory=dict)


class AkishimaFootnote(BaseModel):
    """A footnote ``*「term」：definition`` and the lines where ``term*`` marks refer to it."""

    term: str
    definition: str
    source_line_start: int
    source_line_end: int
    references: list[int] = Field(default_factory=empty_list)


class AkishimaMidtermReport(FormatRecord):
    """The whole 中間報告書: document facts, the 第１章 lists and the 第２章 reports."""

    title: str | None
    municipality_code: str
    municipality_name: str | None
    plan_start_fy: int | None
    plan_end_fy: int | None
    policies: list[AkishimaPolicy]
    legend: dict[str, str] = Field(default_factory=dict)   # mark → meaning (※達成状況)
    legend_lines: dict[str, int] = Field(default_factory=dict)
    status_list_line: int | None = None
    status_list: list[AkishimaStatusRow]
    revisions: list[AkishimaRevision]
    additions: list[AkishimaAddition]
    reports: list[AkishimaReport]
    footnotes: list[AkishimaFootnote] = Field(default_factory=empty_list)

    def document_info(self) -> DocumentInfo:
        """Title, municipality and plan period as read from はじめに / 第１章."""
        return DocumentInfo(
            title=self.title, municipality_code=self.municipality_code, municipality_name=self.municipality_name,
            plan_start_fy=self.plan_start_fy, plan_end_fy=self.plan_end_fy,
        )

    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map to SCHEMA.md rows.

        * policies ← 基本方針; measures ← one per 基本方針 as well (code = policy code): the report
          has no level between 基本方針 and 施策, and this pass-through level lets joins through
          ``measures`` (``annual_status``, check scopes) show the policy;
        * initiatives ← the 25 施策 (in status-list order; name from the list, 事業名 in
          ``report_name`` when it differs, 課 → lead_department, 部/係/電話 in extra columns,
          目的・実施内容 → summary, 目標 → target_text, list mark → status_raw/status,
          達成状況・今後の課題 (+ ``【見直し】`` and the 見直し bullets for a revised 施策) →
          assessment, 見直し bullets → revision_note and is_revised) and the 追加 施策 (A1…,
          is_new; 主な担当課 → departments, 現状・課題 → current_issues, 実施内容 → summary,
          期待される効果 → expected_effect, 達成目標 → target_text, Gantt labels → schedule);
        * annual_entries ← per report: each yearly box (result, target; status where the result
          cell is itself an assessment word such as 未達成) and each スケジュール cell (plan, status
          not_evaluated); the list's 〇△× is the initiative's status, placed on the last year of
          results by ``enrich.place_overall_assessments`` (SCHEMA.md v2), not here. Additions get one
          not_evaluated row per 実施年度 column (FY2024–2026), without plan: their Gantt bars carry no
          year (labels in ``schedule``);
        * kpi_values ← numbers with units in results (actual) and targets (target);
        * document_figures ← ``status_count:<mark>`` per mark of the status list (scope total);
        * glossary_terms / glossary_references ← footnotes and their ``*`` marks.
        """
        doc = ctx.document_id
        rows = CommonRows()
        policy_names = {p.code: p.name for p in self.policies}
        for seq, p in enumerate(self.policies, start=1):
            rows.policies.append(Policy.make(
                policy_id=policy_id(doc, p.code), document_id=doc, code=p.code, name=p.name, seq=seq,
                source_line=p.source_line, name_variants=p.name_variants,
            ))
        self._measures(ctx, rows)
        reports = {r.code: r for r in self.reports}
        listed = {s.code: s for s in self.status_list}
        revisions = {r.code: r for r in self.revisions}
        codes = [s.code for s in self.status_list] + [r.code for r in self.reports if r.code not in listed]
        seq = 0
        for code in codes:
            seq += 1
            self._initiative(ctx, rows, seq, code, listed.get(code), reports.get(code), revisions.get(code),
                             policy_names)
        for addition in self.additions:
            seq += 1
            self._addition(ctx, rows, seq, addition)
        rows.document_figures.extend(self._figures(doc))
        for n, note in enumerate(self.footnotes, start=1):
            rows.glossary_terms.append(GlossaryTerm.make(
                document_id=doc, seq=n, term=note.term, definition=note.definition,
                source_line_start=note.source_line_start, source_line_end=note.source_line_end,
            ))
            rows.glossary_references.extend(
                GlossaryReference.make(document_id=doc, source_line=line, seq=1, marked_text=note.term, term_seq=n)
                for line in note.references
            )
        return rows

    # ----------------------------------------------------------------------------------------

    def _policy_code_of(self, code: str) -> str | None:
        for r in self.reports:
            if r.code == code:
                return r.policy_code
        for r in self.revisions:
            if r.code == code:
                return r.policy_code
        return None

    def _measures(self, ctx: RowContext, rows: CommonRows) -> None:
        """One pass-through measure per 基本方針; its lines are the policy's 第２章 block (header to
        the end of its last report)."""
        doc = ctx.document_id
        for seq, p in enumerate(self.policies, start=1):
            ends = [r.source_line_end for r in self.reports if r.policy_code == p.code]
            rows.measures.append(Measure.make(
                measure_id=measure_id(doc, p.code), document_id=doc, policy_code=p.code, policy_name=p.name,
                code=p.code, name=p.name, seq=seq, source_line_start=p.source_line,
                source_line_end=max([p.source_line, *ends]), source_page=ctx.page_of(p.source_line),
                name_variants=p.name_variants,
            ))

    def _initiative(self, ctx: RowContext, rows: CommonRows, seq: int, code: str,
                    listed: AkishimaStatusRow | None, report: AkishimaReport | None,
                    revision: AkishimaRevision | None, policy_names: dict[str, str]) -> None:
        doc = ctx.document_id
        iid = initiative_id(doc, code)
        name = listed.name if listed else (report.heading if report else code)
        policy = self._policy_code_of(code)
        mark = listed.mark if listed else None
        status = status_from_mark(mark)
        progress = report.progress if report else None
        revision_text = revision.text if revision else None
        assessment = progress
        if revision_text:
            assessment = f"{progress}\n{REVISION_HEADING}\n{revision_text}" if progress else \
                f"{REVISION_HEADING}\n{revision_text}"
        report_name = None
        if report and report.business_name and _key(report.business_name) != _key(name):
            report_name = report.business_name
        department = report.department if report else None
        lines = [x for x in (
            report.source_line_start if report else None, report.source_line_end if report else None,
            listed.source_line if listed else None,
        ) if x is not None]
        start = report.source_line_start if report else min(lines)
        end = report.source_line_end if report else max(lines)
        rows.initiatives.append(Initiative.make(
            initiative_id=iid, document_id=doc,
            measure_id=measure_id(doc, policy) if policy in policy_names else None,
            code=code, name=name, summary=report.purpose if report else None,
            lead_department=department, departments=[department] if department else [],
            target_text=report.target if report else None, is_revised=revision is not None,
            status_raw=mark, status=status, assessment=assessment,
            start_fy=report.start_fy if report else None, end_fy=report.end_fy if report else None,
            source_page=ctx.page_of(start), source_line_start=start, source_line_end=end, seq=seq,
            report_name=report_name, division=report.division if report else None,
            section=report.section if report else None, phone_extension=report.phone if report else None,
            related_laws=report.related_laws if report else None, revision_note=revision_text,
        ))
        if department:
            rows.initiative_departments.append(
                InitiativeDepartment.make(initiative_id=iid, department=department, role="lead", seq=1))
        if report is None:
            return
        if report.target:
            rows.kpi_values.extend(_kpis(iid, None, "target", report.target, report.target_lines))
        entries: dict[int, AnnualEntry] = {}
        for box in report.years:
            year_status = status_from_mark(box.result)
            entries[box.fiscal_year] = AnnualEntry.make(
                initiative_id=iid, fiscal_year=box.fiscal_year, target=box.target, result=box.result,
                status_raw=box.result if year_status else None, status=year_status,
                source_line_start=box.source_line_start, source_line_end=box.source_line_end,
            )
            rows.kpi_values.extend(_kpis(iid, box.fiscal_year, "actual", box.result, box.result_lines))
            rows.kpi_values.extend(_kpis(iid, box.fiscal_year, "target", box.target, box.target_lines))
        for cell in report.schedule:
            if not cell.plan:
                continue
            entry = entries.get(cell.fiscal_year)
            if entry is None:
                entries[cell.fiscal_year] = AnnualEntry.make(
                    initiative_id=iid, fiscal_year=cell.fiscal_year, plan=cell.plan, status=Status.NOT_EVALUATED,
                    source_line_start=cell.source_line_start, source_line_end=cell.source_line_end,
                )
            else:
                entry.plan = cell.plan
        rows.annual_entries.extend(entries[y] for y in sorted(entries))

    def _addition(self, ctx: RowContext, rows: CommonRows, seq: int, a: AkishimaAddition) -> None:
        doc = ctx.document_id
        iid = initiative_id(doc, a.code)
        policy_codes = {p.code for p in self.policies}
        rows.initiatives.append(Initiative.make(
            initiative_id=iid, document_id=doc,
            measure_id=measure_id(doc, a.policy_code) if a.policy_code in policy_codes else None,
            code=a.code, name=a.name, summary=a.content,
            lead_department=a.departments[0] if a.departments else None, departments=a.departments,
            target_text=a.goal, is_new=True,
            start_fy=min(a.fiscal_years) if a.fiscal_years else None,
            end_fy=max(a.fiscal_years) if a.fiscal_years else None,
            source_page=ctx.page_of(a.source_line_start), source_line_start=a.source_line_start,
            source_line_end=a.source_line_end, seq=seq, current_issues=a.current_issues,
            schedule=a.gantt_labels, expected_effect=a.expected_effect,
        ))
        rows.initiative_departments.extend(
            InitiativeDepartment.make(initiative_id=iid, department=d, role="lead" if n == 1 else None, seq=n)
            for n, d in enumerate(a.departments, start=1)
        )
        if a.goal:
            rows.kpi_values.extend(_kpis(iid, None, "target", a.goal, a.goal_lines))
        years_line = a.label_lines.get("years", a.source_line_start)
        rows.annual_entries.extend(
            AnnualEntry.make(initiative_id=iid, fiscal_year=year, status=Status.NOT_EVALUATED,
                        source_line_start=years_line, source_line_end=years_line)
            for year in sorted(a.fiscal_years)
        )

    def _figures(self, doc: str) -> list[DocumentFigure]:
        """``status_count:<mark>`` for every mark of the legend and of the list (scope total)."""
        counts = Counter(row.mark for row in self.status_list)
        marks = list(self.legend) + [m for m in counts if m not in self.legend]
        if not self.status_list:
            return []
        return [
            DocumentFigure.make(
                document_id=doc, scope="total", fiscal_year=None, metric=f"status_count:{mark}",
                value=float(counts.get(mark, 0)), source_line=self.status_list_line,
                value_text=None, seq=n,
            )
            for n, mark in enumerate(marks, start=1)
        ]


# "RPA研修（延べ 102名）": a quantity inside brackets is named by the text right before the bracket
_BRACKETED = regex.compile(r"(?P<label>[^\s、。，,（(・]+)\s*[（(][^（()）\n]*$")
# "5,760件の問い合わせ": a quantity followed by の + noun is named by that noun
_AFTER_NO = regex.compile(r"^の(?P<label>[^\s、。，,をにがはでと（(\n]+?)(?:を|に|が|は|で|と|の|、|。|$)")
_SPACE = regex.compile(r"\s+")
# clause boundaries: a metric label does not run across them
_CLAUSE = regex.compile(r"[。、，,\n]")


def _key(text: str) -> str:
    return match_key(text)


def _metric(text: str, start: int, end: int, found: str | None) -> str | None:
    """Name of the quantity ``text[start:end]``: the text before its enclosing bracket
    (``RPA研修（延べ 102名）`` → RPA研修), else ``find_metric_values``' label cut at the last clause
    boundary, else the noun after ``の`` (``5,760件の問い合わせ`` → 問い合わせ)."""
    inside = _BRACKETED.search(text[:start])
    if inside and text[end:].lstrip()[:1] in "）)":
        return inside.group("label")
    if found:
        return _CLAUSE.split(found)[-1].strip() or None
    after = _AFTER_NO.match(text[end:])
    return after.group("label") if after else None


def _line_of(raw: str, source: list[tuple[int, str]], after: int) -> tuple[int | None, int]:
    """Line of the first source line (from index ``after``) holding ``raw`` (spaces ignored), and
    its index; the cell's first line when not found (a number split over two lines)."""
    key = _SPACE.sub("", raw)
    for i in range(after, len(source)):
        if key in _SPACE.sub("", source[i][1]):
            return source[i][0], i
    return (source[0][0] if source else None), after


def _kpis(iid: str, fiscal_year: int | None, kind: str, text: str | None,
          source: list[tuple[int, str]]) -> list[KpiValue]:
    """Numbers with units in ``text`` → kpi_values rows (``letter_prefix`` admits ``PC120台``); the
    metric is chosen by ``_metric``; ``source`` (line, text) pairs give each number its line."""
    if not text:
        return []
    out = []
    at = 0
    for n, mv in enumerate(find_metric_values(text, letter_prefix=True), start=1):
        q = mv.quantity
        line, at = _line_of(q.raw, source, at)
        out.append(KpiValue.make(
            kpi_value_id=f"{iid}:{fiscal_year if fiscal_year is not None else '-'}:{kind}:{n}",
            initiative_id=iid, fiscal_year=fiscal_year, kind=kind, metric=_metric(text, q.start, q.end, mv.metric),
            value=float(q.value), unit=q.unit, raw=q.raw, seq=n, comparator=q.comparator,
            approximate=q.approximate, source_line=line,
        ))
    return out
