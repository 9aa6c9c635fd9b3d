"""The common tables of SCHEMA.md as pydantic models: one model per table, one instance per row.

The models are the single source of the contract: ``store`` derives the Parquet schemas, the
DuckDB DDL (types, PRIMARY KEY, REFERENCES, CHECK on enums, COMMENT ON) and the published JSON
Schema (``schemas/planparse.schema.json``) from them. Contract columns come first in each model,
extra columns (allowed by SCHEMA.md: "add columns, never rename") after them, marked "extra".

Identifiers (SCHEMA.md): ``document_id`` = first 12 hex of the raw file's SHA-256;
``initiative_id`` = ``<document_id>:<code>``; ``measure_id`` = ``<document_id>:m:<code>``;
``policy_id`` = ``<document_id>:p:<code>`` (extra table).
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~2 ms of each run here,
# ~3 ms for all the model modules).

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import core_schema

from planparse.normalize import Status

__all__ = [
    "STATUS_GROUPS",
    "TABLES",
    "AnnualEntry",
    "CommonRows",
    "Document",
    "DocumentFigure",
    "ExtractionIssue",
    "GlossaryReference",
    "GlossaryTerm",
    "Initiative",
    "InitiativeDepartment",
    "InitiativeTheme",
    "KpiValue",
    "Measure",
    "MeasureDepartment",
    "MeasureLink",
    "Policy",
    "Row",
    "Severity",
    "StatusGroup",
    "StatusValue",
    "Theme",
    "empty_list",
    "initiative_id",
    "json_schema",
    "measure_id",
    "policy_id",
    "status_group",
]

StatusValue = Literal[
    "achieved", "mostly_achieved", "partially_achieved", "not_achieved",
    "on_track", "minor_revision", "revision_needed", "not_evaluated",
]
StatusGroup = Literal["positive", "partial", "negative", "unassessed"]
Severity = Literal["error", "warning"]
Role = Literal["lead", "support", "member"]

assert set(StatusValue.__args__) == {s.value for s in Status}  # one enum, two spellings

STATUS_GROUPS: dict[str, str] = {
    "achieved": "positive", "on_track": "positive",
    "mostly_achieved": "partial", "partially_achieved": "partial", "minor_revision": "partial",
    "not_achieved": "negative", "revision_needed": "negative",
    "not_evaluated": "unassessed",
}
"""``status`` → ``status_group`` (SCHEMA.md v2 additions); a missing status is ``unassessed``."""

assert set(STATUS_GROUPS) == set(StatusValue.__args__)
assert set(STATUS_GROUPS.values()) <= set(StatusGroup.__args__)

# Exact numbers (SCHEMA.md v2: "51.4 stays 51.4"): DECIMAL(18,4) in DuckDB and Parquet — 14 digits
# before the point hold the largest figures of the corpus (1,348,140,600 円) with room to spare, 4 after
# it hold every written decimal (at most 2 in the corpus) and a derived target (actual − delta).
KPI_DECIMAL_DIGITS = 18
KPI_DECIMAL_PLACES = 4
KpiDecimal = Annotated[Decimal, Field(max_digits=KPI_DECIMAL_DIGITS, decimal_places=KPI_DECIMAL_PLACES)]


def status_group(status: str | None) -> str:
    """The v2 ``status_group`` of a ``status`` value: positive / partial / negative / unassessed
    (None → unassessed). Raises KeyError for a value outside the status enum."""
    return "unassessed" if status is None else STATUS_GROUPS[status]


def initiative_id(document_id: str, code: str) -> str:
    """``<document_id>:<code>`` (SCHEMA.md identifiers)."""
    return f"{document_id}:{code}"


def measure_id(document_id: str, code: str) -> str:
    """``<document_id>:m:<measure code>`` (SCHEMA.md identifiers)."""
    return f"{document_id}:m:{code}"


def policy_id(document_id: str, code: str) -> str:
    """``<document_id>:p:<policy code>`` (extra ``policies`` table)."""
    return f"{document_id}:p:{code}"


def _f(description: str, **kw):
    return Field(description=description, **kw)


def empty_list() -> list:
    """The ``default_factory`` of the models' list fields (what ``list`` would give). A function of
    ours, as pydantic reads each factory's signature when it builds a validator: a builtin's is parsed
    from its text by ``tokenize`` (~1.3 ms for the first in a process, ~0.08 ms for each after it)."""
    return []


class Row(BaseModel):
    """Base of every table row. Class attributes describe the table for ``store``:

    * ``__table__``: table name; ``__doc_table__``: one-line table comment;
    * ``__primary_key__``: column names; ``__foreign_keys__``: ``{column: "table(column)"}``.
    """

    # defer_build: a table's validator is built when its first row is made (a run over one format
    # never builds those of the tables it has no rows in)
    model_config = ConfigDict(extra="forbid", validate_assignment=False, use_enum_values=True, defer_build=True)

    __table__: ClassVar[str]
    __doc_table__: ClassVar[str]
    __primary_key__: ClassVar[tuple[str, ...]] = ()
    __foreign_keys__: ClassVar[dict[str, str]] = {}

    @classmethod
    def make(cls, /, **fields) -> Self:
        """``cls(**fields)`` for less: the row validated once by the model's own validator, without
        the Python layers of ``BaseModel.__init__`` around it (which copies the fields into a dict of
        its own: ~0.2–0.7 µs of each row, the more fields the more). The same instance, and the same
        ``ValidationError`` for a value that breaks the contract. (Called at the top level of a
        module, ``cls.__pydantic_validator__`` of a model not built yet fails with "call stack is not
        deep enough"; from this method's frame it builds the validator.)"""
        return cls.__pydantic_validator__.validate_python(fields)


class Document(Row):
    __table__ = "documents"
    __doc_table__ = "One row per input file (also files that failed to extract)."
    __primary_key__ = ("document_id",)

    document_id: str = _f("First 12 hex digits of the SHA-256 of the raw file's bytes (of `unreadable:` + "
                          "its path when the file could not be read, so such files never share an id).")
    format: str | None = _f("Detected format (SCHEMA.md `format` values); null when unknown.")
    municipality_code: str | None = _f("6-digit 全国地方公共団体コード with check digit.")
    municipality_name: str | None = _f("Municipality name as written (八王子市 …).")
    title: str | None = _f("Document title as written.")
    plan_start_fy: int | None = _f("First fiscal year of the plan period (Gregorian start year).")
    plan_end_fy: int | None = _f("Last fiscal year of the plan period.")
    source_path: str = _f("Path of the raw file as given to `planparse extract` (bytes of a name that is "
                          "not valid UTF-8 backslash-escaped: \\x95).")
    source_sha256: str = _f("SHA-256 of the raw file's bytes (hex); of `unreadable:` + the path when the "
                            "file could not be read.")
    source_kind: Literal["pdf", "text"] | None = _f("pdf or text; null when the file could not be read.")
    page_count: int | None = _f("Number of PDF pages; null for text.")
    parser_version: str = _f("planparse version that wrote the row.")
    extracted_at: datetime = _f("When the extraction ran (UTC).")
    # extra
    file_name: str = _f("extra: the raw file's name.")
    file_size: int = _f("extra: size of the raw file in bytes.")
    encoding: str | None = _f("extra: text encoding the file was decoded from (utf-8, cp932 …); null for PDF.")
    line_count: int | None = _f("extra: number of text lines the parsers saw (provenance line numbers refer to them).")
    extraction_status: Literal["ok", "failed"] = _f(
        "extra: `failed` when the file has an error row in extraction_issues.")
    duplicate_paths: list[str] = _f(
        "extra: other input files of this run with identical bytes (extracted once).", default_factory=empty_list)
    # v2 (editions)
    plan_series: str | None = _f(
        "`<municipality_code>:<series>`: the plan this document is an edition of (132012:dx_action_plan); "
        "the same for every edition; null when the format or municipality is unknown.", default=None)
    edition: str | None = _f(
        "The edition as written in the title lines (令和7年度（2025年度）版, or the issue date 令和8年(2026年)4月); "
        "null when the document states none.", default=None)
    edition_fy: int | None = _f(
        "Fiscal year of `edition` (Gregorian start year; an issue date in January–March belongs to the "
        "fiscal year before); null without an edition.", default=None)
    is_latest_edition: bool = _f(
        "True for the latest edition of its plan_series among the documents of the run (ordered by "
        "edition_fy, then plan_end_fy, then plan_start_fy); the analyst views show only these.", default=True)


class Policy(Row):
    __table__ = "policies"
    __doc_table__ = "extra table: the level above measures (基本方針 / Vision / 基本施策)."
    __primary_key__ = ("policy_id",)
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    policy_id: str = _f("`<document_id>:p:<code>`.")
    document_id: str = _f("Document the policy comes from.")
    code: str = _f("The source's numbering normalised to ASCII (1, 2, 3 / I … IV).")
    name: str = _f("Name as written (without its number).")
    subtitle: str | None = _f("Subtitle as written (～…～ of Hachioji), if any.", default=None)
    description: str | None = _f("Prose attached to the policy, if any.", default=None)
    seq: int = _f("Order in the document (1-based).")
    source_line: int | None = _f("1-based line of the heading the name was read from.", default=None)
    name_variants: list[str] = _f(
        "Other wordings of the policy found in the same document (e.g. another chapter).", default_factory=empty_list)


class Measure(Row):
    __table__ = "measures"
    __doc_table__ = "The level above an initiative: 施策 / 取組 / Musashino 施策."
    __primary_key__ = ("measure_id",)
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    measure_id: str = _f("`<document_id>:m:<measure code>`.")
    document_id: str = _f("Document the measure comes from.")
    policy_code: str | None = _f("Code of the policy above (基本方針 / Vision / 基本施策), ASCII.")
    policy_name: str | None = _f("Name of that policy as written.")
    code: str = _f("The source's numbering normalised to ASCII (1-1, 8, …).")
    name: str = _f("Name as written.")
    objective: str | None = _f("目的・あるべき姿 / 目指す姿 / アウトカムの視点.", default=None)
    description: str | None = _f("Other prose of the measure, joined.", default=None)
    seq: int = _f("Order in the document (1-based).")
    # extra
    is_priority: bool | None = _f("extra: 重点取組 (Koganei); null where the source has no such flag.", default=None)
    source_line_start: int | None = _f("extra: first 1-based line the measure was read from.", default=None)
    source_line_end: int | None = _f("extra: last 1-based line the measure was read from.", default=None)
    source_page: int | None = _f("extra: PDF page of source_line_start; null for text.", default=None)
    name_variants: list[str] = _f(
        "extra: other wordings of the name found in the same document.", default_factory=empty_list)
    current_state: str | None = _f(
        "extra: 現状 (Hachioji DX plan 施策): its bullet items as written, one per line; null where absent.",
        default=None)
    background: str | None = _f(
        "extra: 背景 (Hachioji DX plan 施策): its bullet items as written, one per line; null where absent.",
        default=None)
    direction: str | None = _f(
        "extra: 事業の方向性 (Hachioji DX plan 施策): its bullet items as written, one per line, including "
        "the part printed after the 目的・あるべき姿 box; null where absent.", default=None)
    in_jichitai_dx_plan: bool | None = _f(
        "extra: the measure carries the 自治体DX推進計画 (総務省) icon; null where the extracted text does "
        "not say (Hachioji DX plan: the icon is an image).", default=None)
    name_without_glossary_marks: str | None = _f(
        "extra: `name` with the glossary marks (`*`) removed (Hachioji DX plan); null for other formats.",
        default=None)


class Initiative(Row):
    __table__ = "initiatives"
    __doc_table__ = "One row per project card / 個別取組 / 取組事項 / Akishima 施策."
    __primary_key__ = ("initiative_id",)
    __foreign_keys__ = {"document_id": "documents(document_id)", "measure_id": "measures(measure_id)"}

    initiative_id: str = _f("`<document_id>:<code>`.")
    document_id: str = _f("Document the initiative comes from.")
    measure_id: str | None = _f("Measure above it, if any.", default=None)
    code: str = _f("The source's numbering normalised to ASCII (1-1-12, 17, 8-3, 13, A1).")
    name: str = _f("Name as written (tags such as 【新】 removed into flags).")
    summary: str | None = _f("事業内容 / 取組内容 / 目的・実施内容.", default=None)
    objective: str | None = _f("目的・あるべき姿 where the initiative has its own.", default=None)
    lead_department: str | None = _f("Lead department as written (担当 / 主担当 / 課).", default=None)
    departments: list[str] = _f("All departments, lead first.", default_factory=empty_list)
    indicator: str | None = _f("評価指標 / KPI name.", default=None)
    target_text: str | None = _f("The final target as written.", default=None)
    is_new: bool = _f("【新】 / 追加.", default=False)
    is_revised: bool = _f("【見直し】.", default=False)
    is_priority: bool = _f("重点取組.", default=False)
    status_raw: str | None = _f("The document's own overall assessment mark, verbatim (e.g. 〇).", default=None)
    status: StatusValue | None = _f("That assessment mapped to the status enum.", default=None)
    assessment: str | None = _f("Text of that assessment (達成状況・今後の課題, 見直し).", default=None)
    start_fy: int | None = _f("First fiscal year of the initiative.", default=None)
    end_fy: int | None = _f("Last fiscal year of the initiative.", default=None)
    source_page: int | None = _f("PDF page of source_line_start; null for text.", default=None)
    source_line_start: int | None = _f("First 1-based line of the extracted text the record came from.", default=None)
    source_line_end: int | None = _f("Last 1-based line of the extracted text the record came from.", default=None)
    seq: int = _f("Order in the document (1-based).")
    group_code: str | None = _f("Musashino 取組番号 (the level between 施策 and 取組事項).", default=None)
    group_name: str | None = _f("Musashino 取組.", default=None)
    # extra
    current_issues: str | None = _f(
        "extra: 現状と課題 / 現状・課題 as written (Musashino: of the 取組 group; Akishima: of an added 施策).",
        default=None)
    sub_heading: str | None = _f("extra: the card's sub-heading as written (Hachioji ①申請のオンライン化).", default=None)
    tags: list[str] = _f("extra: bracket tags moved out of the name (Koganei 【行かない】 …).", default_factory=empty_list)
    schedule: list[str] = _f(
        "extra: schedule cells as written, in order, where they cannot be tied to one fiscal year "
        "(Musashino スケジュール).", default_factory=empty_list)
    # extra (Akishima 中間報告書)
    report_name: str | None = _f(
        "extra: the report's own name of the initiative (Akishima 第２章 事業名) where it differs from `name`.",
        default=None)
    division: str | None = _f("extra: the 部 above the lead department (Akishima 担当部署 部).", default=None)
    section: str | None = _f("extra: the 係 under the lead department (Akishima 担当部署 係).", default=None)
    phone_extension: str | None = _f(
        "extra: 電話 of the lead department as written (an extension such as 2319, or a full number).",
        default=None)
    related_laws: str | None = _f("extra: 関連法令・条例・計画等 as written.", default=None)
    revision_note: str | None = _f(
        "extra: the plan revision text for this initiative (Akishima 施策の見直し), one bullet per line.",
        default=None)
    expected_effect: str | None = _f("extra: 期待される効果 as written.", default=None)
    remarks: str | None = _f(
        "extra: 備考 (remarks) text of the initiative as written, where the source gives it per initiative "
        "rather than per year (Hachioji card 備考 column).", default=None)
    # v2
    status_group: StatusGroup = _f(
        "`status` on one scale across cities: positive (achieved, on_track), partial (mostly_achieved, "
        "partially_achieved, minor_revision), negative (not_achieved, revision_needed), unassessed "
        "(not_evaluated or no status).", default="unassessed")
    initiative_key: str | None = _f(
        "`<plan_series>:<code>`: the same initiative in every edition of the plan (initiative_id is per "
        "document); null when the document has no plan_series.", default=None)


class AnnualEntry(Row):
    __table__ = "annual_entries"
    __doc_table__ = "One row per initiative and fiscal year that the source speaks of."
    __primary_key__ = ("initiative_id", "fiscal_year")
    __foreign_keys__ = {"initiative_id": "initiatives(initiative_id)"}

    initiative_id: str = _f("Initiative the entry belongs to.")
    fiscal_year: int = _f("Gregorian year in which the fiscal year starts (令和7年度 = 2025).")
    plan: str | None = _f("Schedule / 取組内容 / roadmap text or tags.", default=None)
    target: str | None = _f("年度目標 / 目標KPI text.", default=None)
    result: str | None = _f("実績 / 達成状況詳細 / 事業達成状況.", default=None)
    status_raw: str | None = _f("Verbatim mark: 【達成】, 概ね達成, 〇, △ ….", default=None)
    status: StatusValue | None = _f("Mark mapped to the status enum; not_evaluated for a plan/target without assessment.",
                                    default=None)
    note: str | None = _f("理由・改善策 / 備考 / 見直し text.", default=None)
    # extra
    plan_inferred: bool = _f(
        "extra: true when `plan` was not written in this year's cell but inferred (a merged cell "
        "continued from an earlier year).", default=False)
    source_line_start: int | None = _f("extra: first 1-based line the entry was read from.", default=None)
    source_line_end: int | None = _f("extra: last 1-based line the entry was read from.", default=None)
    # v2
    status_group: StatusGroup = _f(
        "`status` on one scale across cities: positive / partial / negative / unassessed (see initiatives).",
        default="unassessed")
    status_placed: bool = _f(
        "True when status_raw / status are the initiative's overall assessment of a period (Akishima's "
        "mid-term 〇△×) placed on the last year of results it assesses, not a mark of this year.",
        default=False)


class KpiValue(Row):
    __table__ = "kpi_values"
    __doc_table__ = "Numbers parsed out of targets and results."
    __primary_key__ = ("kpi_value_id",)
    __foreign_keys__ = {"initiative_id": "initiatives(initiative_id)", "measure_id": "measures(measure_id)"}

    initiative_id: str | None = _f("Initiative the number belongs to (null for a measure-level target).")
    fiscal_year: int | None = _f("Fiscal year the number refers to; null when the source gives none.")
    kind: Literal["target", "actual", "baseline"] = _f("target, actual or baseline.")
    metric: str | None = _f("Text naming what is measured.")
    value: KpiDecimal = _f("The number in the unit as written (4.5万件 → 45000, unit 件), exact: DECIMAL(18,4).")
    unit: str | None = _f("%, 件, 人, 回, 業務, 手続 … (NFKC: ％ → %); null when the source has none.")
    delta: KpiDecimal | None = _f("The 対目標 difference where given, signed (▲7.6％ → -7.6), exact: DECIMAL(18,4).",
                                  default=None)
    raw: str = _f("The source text the number was parsed from.")
    # extra
    kpi_value_id: str = _f("extra: `<initiative_id or measure_id>:<fiscal_year or ->:<kind>:<n>`, unique.")
    measure_id: str | None = _f("extra: measure of a measure-level target (overall KPI).", default=None)
    seq: int = _f("extra: order of the number within its initiative, year and kind (1-based).")
    delta_unit: str | None = _f("extra: unit of the delta when written (it can differ from `unit`).", default=None)
    comparator: str | None = _f("extra: >=, <=, >, < from 以上/以下/超/未満; ~ for 程度.", default=None)
    approximate: bool = _f("extra: the number was written with 約 / 概ね.", default=False)
    baseline_text: str | None = _f("extra: the baseline the number is relative to, as written (平成29年7月比).",
                                   default=None)
    source_line: int | None = _f("extra: 1-based line the number was read from.", default=None)
    period: Literal["per_year", "cumulative"] | None = _f(
        "extra: `per_year` when the number holds for each fiscal year (各年度, 年2回), `cumulative` when it "
        "is a running total (累計); null for a level to reach.", default=None)
    # v2
    pair_id: str | None = _f(
        "Links the target and the actual of one metric in one fiscal year (`<owner>:<fiscal_year>:p<n>`); "
        "null for a number without a partner and for baselines.", default=None)
    derived: bool = _f(
        "True for a target the source gives only through the actual and its 対目標 delta: value = actual − "
        "delta (the row's raw is the actual's text).", default=False)


class InitiativeDepartment(Row):
    __table__ = "initiative_departments"
    __doc_table__ = "Departments of an initiative with their role."
    __primary_key__ = ("initiative_id", "seq")
    __foreign_keys__ = {"initiative_id": "initiatives(initiative_id)"}

    initiative_id: str = _f("Initiative.")
    department: str = _f("Department name as written.")
    role: Role | None = _f("lead, support, member (Koganei ◎ ○ ●); null when the source gives none.")
    # extra
    seq: int = _f("extra: order as listed (1 = first / lead).")


class MeasureDepartment(Row):
    __table__ = "measure_departments"
    __doc_table__ = "extra table: departments of a measure with their role (Koganei 取組 担当部署 ◎ ○ ●)."
    __primary_key__ = ("measure_id", "seq")
    __foreign_keys__ = {"measure_id": "measures(measure_id)"}

    measure_id: str = _f("Measure.")
    department: str = _f("Department name as written.")
    role: Role | None = _f("lead (◎), support (○), member (●).")
    seq: int = _f("Order as listed (1-based).")


class MeasureLink(Row):
    __table__ = "measure_links"
    __doc_table__ = "extra table: links between measures stated by the source (Koganei 関連 / ステップ)."
    __primary_key__ = ("measure_id", "link_type", "seq")
    __foreign_keys__ = {"measure_id": "measures(measure_id)"}

    measure_id: str = _f("Measure the link is stated for.")
    link_type: str = _f("`related` (関連) or `step` (ステップ: an ordered sequence).")
    linked_code: str = _f("Code of the linked measure, ASCII.")
    linked_measure_id: str | None = _f("measure_id of the linked measure when it exists in the document.")
    seq: int = _f("Order within the link type (1-based; the step order for `step`).")
    raw: str = _f("The cell text the link was read from.")
    step_position: int | None = _f(
        "Place of the linked measure in a `step` chain (1 = first; the measure itself is part of the "
        "chain; several measures can share a place: ⑭→①・⑧・⑨); null for `related`.", default=None)


class GlossaryTerm(Row):
    __table__ = "glossary_terms"
    __doc_table__ = "Glossary (用語集) entries."
    __primary_key__ = ("document_id", "seq")
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    document_id: str = _f("Document.")
    seq: int = _f("項番.")
    term: str = _f("Term as written (full-width kept).")
    definition: str = _f("Definition joined across wraps and pages.")
    # extra
    reading: str | None = _f("extra: reading given in 【】 (フェイスブック), if any.", default=None)
    source_line_start: int | None = _f("extra: first 1-based line of the entry.", default=None)
    source_line_end: int | None = _f("extra: last 1-based line of the entry.", default=None)


class GlossaryReference(Row):
    __table__ = "glossary_references"
    __doc_table__ = "extra table: body terms marked with * and the glossary entry they resolve to."
    __primary_key__ = ("document_id", "source_line", "seq")
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    document_id: str = _f("Document.")
    source_line: int = _f("1-based line of the marked term.")
    seq: int = _f("Order of the mark on its line (1-based).")
    marked_text: str = _f("The marked term as written (without the *).")
    term_seq: int | None = _f("項番 of the glossary entry it resolves to; null when unresolved.")
    measure_id: str | None = _f("Measure whose text holds the mark, when it is inside one.", default=None)


class DocumentFigure(Row):
    __table__ = "document_figures"
    __doc_table__ = "What a document states about itself, to check the extraction against."
    __primary_key__ = ("document_id", "seq")
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    document_id: str = _f("Document.")
    scope: str = _f("`total`, or a policy / measure code.")
    fiscal_year: int | None = _f("Fiscal year the figure is about; null when the figure has no year.")
    metric: str = _f("initiatives_with_kpi, achieved, not_achieved, partially_achieved, achievement_rate, "
                     "status_count:<mark> …")
    value: float = _f("The figure.")
    source_line: int | None = _f("1-based line the figure was read from.")
    # extra
    value_text: str | None = _f("extra: the figure as written (84.1％).", default=None)
    seq: int = _f("extra: order within the document (1-based).")


class ExtractionIssue(Row):
    __table__ = "extraction_issues"
    __doc_table__ = "What could not be parsed, or was parsed by a documented guess. Nothing is dropped silently."
    __primary_key__ = ("document_id", "seq")
    __foreign_keys__ = {"document_id": "documents(document_id)"}

    document_id: str = _f("Document (for a file that could not be read: the SHA-256 prefix of its bytes).")
    severity: Severity = _f("error (data lost or file failed) or warning (irregularity handled by a rule).")
    code: str = _f("Short machine-readable issue code.")
    message: str = _f("What happened, for a person.")
    source_line: int | None = _f("1-based line the issue is about, if any.")
    # extra
    seq: int = _f("extra: order within the document (1-based).")
    source_path: str = _f("extra: path of the raw file.")
    source_page: int | None = _f("extra: PDF page of source_line.", default=None)
    # v2
    initiative_id: str | None = _f(
        "The initiative the issue belongs to: named by the parser, or the one initiative whose "
        "source_line_start..end holds source_line (the narrowest when ranges nest); else null.", default=None)
    measure_id: str | None = _f(
        "The measure the issue belongs to: that initiative's measure, or the one measure whose "
        "source_line_start..end holds source_line; else null.", default=None)


class Theme(Row):
    __table__ = "themes"
    __doc_table__ = "The theme taxonomy (THEMES.md): one row per theme code, written once per run."
    __primary_key__ = ("theme",)

    theme: str = _f("Theme code (THEMES.md): frontyard, online_procedures, … .")
    name_ja: str = _f("Name as in THEMES.md (自治体フロントヤード改革の推進 …).")
    source: str = _f("The national document and edition the theme comes from, or `planparse`.")
    taxonomy_version: str = _f("Version of the rules file (src/planparse/themes.toml) that tagged the run.")


class InitiativeTheme(Row):
    __table__ = "initiative_themes"
    __doc_table__ = "What an initiative is about: its themes, each with the evidence that tagged it."
    __primary_key__ = ("initiative_id", "theme")
    __foreign_keys__ = {"initiative_id": "initiatives(initiative_id)", "theme": "themes(theme)"}

    initiative_id: str = _f("Initiative.")
    theme: str = _f("Theme code (themes.theme).")
    evidence: str = _f("The matched words, NFKC, as found in `field` (joined with ` | `).")
    field: str = _f("Column the decisive words were found in: name, indicator, summary or objective.")
    rule: str = _f("Id of the rule in themes.toml that matched there.")
    # extra
    score: float = _f("extra: the theme's weighted score (field weights × matches; see themes.toml).")
    seq: int = _f("extra: rank of the theme within the initiative (1 = strongest).")


TABLES: tuple[type[Row], ...] = (
    Document, Policy, Measure, Initiative, AnnualEntry, KpiValue, InitiativeDepartment,
    MeasureDepartment, MeasureLink, GlossaryTerm, GlossaryReference, DocumentFigure, ExtractionIssue,
    Theme, InitiativeTheme,
)
"""All tables, parents before children (the order DDL is created and rows are inserted)."""


class _Rows:
    """The pydantic type of a ``CommonRows`` field (``Annotated[list[Policy], _ROWS]``): a list of
    rows that are instances of the table's model. A row validates itself when it is made, so
    ``CommonRows`` checks the type of each item only; its validator then does not build every table
    model's schema a second time (~6 ms per process: the table models are built with their first row,
    ``Row``'s ``defer_build``)."""

    def __get_pydantic_core_schema__(self, source: type, handler) -> core_schema.CoreSchema:
        (model,) = get_args(source)  # list[Policy] → Policy
        return core_schema.list_schema(core_schema.is_instance_schema(model))


_ROWS = _Rows()


class CommonRows(BaseModel):
    """The rows one document contributes to each common table (the document row excluded).

    Field names are the table names; each field is a list of that table's ``Row`` instances (other
    items raise ``ValidationError``). Produced by a format record's ``to_common``; the pipeline adds
    the ``documents`` row and the ``extraction_issues`` rows.
    """

    model_config = ConfigDict(extra="forbid")

    policies: Annotated[list[Policy], _ROWS] = Field(default_factory=empty_list)
    measures: Annotated[list[Measure], _ROWS] = Field(default_factory=empty_list)
    initiatives: Annotated[list[Initiative], _ROWS] = Field(default_factory=empty_list)
    annual_entries: Annotated[list[AnnualEntry], _ROWS] = Field(default_factory=empty_list)
    kpi_values: Annotated[list[KpiValue], _ROWS] = Field(default_factory=empty_list)
    initiative_departments: Annotated[list[InitiativeDepartment], _ROWS] = Field(default_factory=empty_list)
    measure_departments: Annotated[list[MeasureDepartment], _ROWS] = Field(default_factory=empty_list)
    measure_links: Annotated[list[MeasureLink], _ROWS] = Field(default_factory=empty_list)
    glossary_terms: Annotated[list[GlossaryTerm], _ROWS] = Field(default_factory=empty_list)
    glossary_references: Annotated[list[GlossaryReference], _ROWS] = Field(default_factory=empty_list)
    document_figures: Annotated[list[DocumentFigure], _ROWS] = Field(default_factory=empty_list)
    initiative_themes: Annotated[list[InitiativeTheme], _ROWS] = Field(default_factory=empty_list)

    def counts(self) -> dict[str, int]:
        """Number of rows per table (only tables with rows)."""
        return {name: len(getattr(self, name)) for name in type(self).model_fields if getattr(self, name)}



def json_schema() -> dict:
    """The published JSON Schema of all tables: ``{"tables": {name: <row JSON Schema>}}``.

    Written to ``schemas/planparse.schema.json`` by ``planparse schema``; a test checks that the
    committed file matches the models.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "planparse dataset (one row schema per table)",
        "tables": {
            m.__table__: {
                **m.model_json_schema(),
                "description": m.__doc_table__,
                "x-primary-key": list(m.__primary_key__),
                "x-foreign-keys": dict(m.__foreign_keys__),
            }
            for m in TABLES
        },
    }
