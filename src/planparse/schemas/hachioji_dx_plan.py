"""Records of 八王子市デジタル・トランスフォーメーション（DX）推進計画 (format ``hachioji_dx_plan``).

Faithful to the plan's own labels: 基本方針 → ``HachiojiPolicy``, 施策 → ``HachiojiMeasure`` (its 現状,
背景 and 事業の方向性 bullet items and its 目的・あるべき姿 box), 用語集 → ``GlossaryEntry`` (項番, 用語,
説明), and every body term marked with ``*`` → ``GlossaryMark``. ``HachiojiDxPlan.to_common`` maps them
to the SCHEMA.md tables (policies, measures, glossary_terms, glossary_references). The plan has no
initiatives: its 施策 are implemented by the action plan's cards (format ``hachioji_action_plan``),
which the parser's DuckDB views join by measure code.

All text fields are as written (full-width kept, glossary marks ``*`` kept), with line wraps joined
and PDF spacing artefacts removed (see ``parsers.hachioji_dx_plan.clean_text``); NFKC is used only
for matching.
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from pydantic import BaseModel, Field

from planparse.schemas.base import DocumentInfo, FormatRecord, RowContext
from planparse.schemas.common import (
    CommonRows,
    GlossaryReference,
    GlossaryTerm,
    Measure,
    Policy,
    empty_list,
    measure_id,
    policy_id,
)

__all__ = [
    "SECTION_LABELS",
    "GlossaryEntry",
    "GlossaryMark",
    "HachiojiDxPlan",
    "HachiojiMeasure",
    "HachiojiPolicy",
]

SECTION_LABELS: dict[str, str] = {"現状": "current_state", "背景": "background", "事業の方向性": "direction"}
"""The left-column labels of a 施策 page (as match keys) → ``HachiojiMeasure`` field. Their order is the
order of ``description``."""


class HachiojiPolicy(BaseModel):
    """基本方針: ``code`` is its number in ASCII (``1``); ``title`` and ``subtitle`` come from the
    chapter-5 title page (``基本方針１ 生活の質の向上`` / ``～市民視点の人にやさしいDX～``).

    ``chapter4_heading`` is the chapter-4 wording (``生活の質の向上 ～市民視点の人にやさしいDX～``,
    without its ``(1)``) where the document has one, and ``chapter4_text`` the prose under it
    (paragraphs separated by ``\\n``).
    """

    code: str
    title: str
    subtitle: str | None
    seq: int
    source_line: int
    chapter4_heading: str | None = None
    chapter4_line: int | None = None
    chapter4_text: str | None = None

    @property
    def full_name(self) -> str:
        """``title + " " + subtitle`` (the measures' ``policy_name``)."""
        return f"{self.title} {self.subtitle}" if self.subtitle else self.title


class HachiojiMeasure(BaseModel):
    """施策 page: ``code`` = ``<基本方針>-<circled number>`` (``1-1``), ``name`` as written (with ``*``).

    ``current_state`` / ``background`` / ``direction`` are the bullet items of 現状 / 背景 / 事業の方向性
    (each item one paragraph, wraps joined, bullet glyph removed). ``objective`` is the
    目的・あるべき姿 box text. ``in_jichitai_dx_plan`` is None when the text does not show the icon.
    Lines are 1-based lines of the extracted text.
    """

    code: str
    policy_code: str | None
    number: int
    name: str
    seq: int
    current_state: list[str] = Field(default_factory=empty_list)
    background: list[str] = Field(default_factory=empty_list)
    direction: list[str] = Field(default_factory=empty_list)
    objective: str | None = None
    objective_line_start: int | None = None
    objective_line_end: int | None = None
    in_jichitai_dx_plan: bool | None = None
    source_line_start: int
    source_line_end: int

    def description(self) -> str | None:
        """現状, 背景 and 事業の方向性 as one text: each present section as its label on one line, then
        its items one per line; sections separated by an empty line. None when all are empty."""
        blocks = []
        for label, field in SECTION_LABELS.items():
            items = getattr(self, field)
            if items:
                blocks.append(label + "\n" + "\n".join(items))
        return "\n\n".join(blocks) or None


class GlossaryEntry(BaseModel):
    """One 用語集 row: 項番 (``number``), 用語 (``term`` as written, full-width kept), the reading given
    in 【】 where there is one, and 説明 (``definition``: wraps and page breaks joined, paragraphs
    separated by ``\\n``)."""

    number: int
    term: str
    reading: str | None = None
    definition: str
    source_line_start: int
    source_line_end: int


class GlossaryMark(BaseModel):
    """A body term marked with ``*``: the ``*`` sits on ``line``; ``seq`` orders the marks of a line.
    ``marked_text`` is the term as written (across a line wrap where it is split), ``term_number`` the
    項番 it resolves to (None when unresolved), ``measure_code`` the 施策 whose page holds it."""

    line: int
    seq: int
    marked_text: str
    term_number: int | None
    measure_code: str | None = None


class HachiojiDxPlan(FormatRecord):
    """The whole plan: title, municipality, plan period, 基本方針, 施策, 用語集 and glossary marks."""

    title: str | None
    municipality_code: str
    municipality_name: str
    plan_start_fy: int | None
    plan_end_fy: int | None
    policies: list[HachiojiPolicy]
    measures: list[HachiojiMeasure]
    glossary: list[GlossaryEntry]
    marks: list[GlossaryMark]

    def document_info(self) -> DocumentInfo:
        """Title (the plan's name for itself), municipality and the 計画期間 read from the text."""
        return DocumentInfo(
            title=self.title, municipality_code=self.municipality_code,
            municipality_name=self.municipality_name,
            plan_start_fy=self.plan_start_fy, plan_end_fy=self.plan_end_fy,
        )

    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map to SCHEMA.md rows.

        * policies ← 基本方針: name = chapter-5 title, subtitle = chapter-5 ～subtitle～, description =
          the chapter-4 prose, name_variants = the chapter-4 heading where it is worded differently;
        * measures ← 施策: policy_name = title + " " + subtitle, objective = 目的・あるべき姿,
          description = 現状 / 背景 / 事業の方向性 (see ``HachiojiMeasure.description``), the three
          sections also apart in current_state / background / direction (items one per line);
        * glossary_terms ← 用語集 (seq = 項番); glossary_references ← the ``*`` marks.
        """
        doc = ctx.document_id
        rows = CommonRows()
        policies = {p.code: p for p in self.policies}
        for p in self.policies:
            variants = [p.chapter4_heading] if p.chapter4_heading and p.chapter4_heading != p.full_name else []
            rows.policies.append(Policy.make(
                policy_id=policy_id(doc, p.code), document_id=doc, code=p.code, name=p.title,
                subtitle=p.subtitle, description=p.chapter4_text, seq=p.seq, source_line=p.source_line,
                name_variants=variants,
            ))
        for m in self.measures:
            policy = policies.get(m.policy_code or "")
            plain = m.name.replace("*", "").replace("＊", "")
            rows.measures.append(Measure.make(
                measure_id=measure_id(doc, m.code), document_id=doc, policy_code=m.policy_code,
                policy_name=policy.full_name if policy else None, code=m.code, name=m.name,
                objective=m.objective, description=m.description(), seq=m.seq,
                source_line_start=m.source_line_start, source_line_end=m.source_line_end,
                source_page=ctx.page_of(m.source_line_start),
                current_state="\n".join(m.current_state) or None,
                background="\n".join(m.background) or None,
                direction="\n".join(m.direction) or None,
                in_jichitai_dx_plan=m.in_jichitai_dx_plan,
                name_without_glossary_marks=plain,
            ))
        for g in self.glossary:
            rows.glossary_terms.append(GlossaryTerm.make(
                document_id=doc, seq=g.number, term=g.term, definition=g.definition, reading=g.reading,
                source_line_start=g.source_line_start, source_line_end=g.source_line_end,
            ))
        for mark in self.marks:
            rows.glossary_references.append(GlossaryReference.make(
                document_id=doc, source_line=mark.line, seq=mark.seq, marked_text=mark.marked_text,
                term_seq=mark.term_number,
                measure_id=measure_id(doc, mark.measure_code) if mark.measure_code else None,
            ))
        return rows
