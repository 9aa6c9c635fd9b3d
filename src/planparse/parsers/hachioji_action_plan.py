"""八王子市DX推進計画 アクションプラン: project cards with 管理番号 (format ``hachioji_action_plan``).

What is read (../shared/notes/hachioji_action_plan.md maps the document; docs/formats/
hachioji_action_plan.md explains every rule below):

* **Regions.** A card header is a line ``<sub-heading> 管理番号 x-y-z``, followed by its label
  block (``事業名称 担当：`` ``事業内容`` ``年度`` ``取組内容`` ``目標`` ``ＫＰＩ`` ``備考``). Headers whose label
  blocks touch form one *page*; the page's values follow the last label block and run to the next
  header or to the next 施策 overview page. An overview page starts with a line ``年度`` that does not
  open a year header, and runs to the next card header. Everything before the first overview page
  is front matter, where the table 「令和6年度（2024年度）の進捗状況」 is read.
* **Value pieces.** A page's value lines become pieces: tag lines (``【実施】 【実施】【改善】 …``),
  dash lines (``- -``), marks (``【達成】``/``【未達成】``), U+3000-only lines, year headers (``令和4年度``
  ``(2022年度）`` … at least two columns), the ``目的``/``あるべき姿`` label pair, page numbers and
  boxes of text (lines not separated by a blank line).
* **Cards on a page.** Every card has exactly one ``目的``/``あるべき姿`` pair: it anchors a *unit*.
  The box after it is 目的・あるべき姿, the box before it 事業内容, the box before that the name line
  (``<名称> <担当>`` split on the last space before the department). Going back from the name, the
  KPI cell texts and marks and then the tag lines belong to the same unit (the canonical order the
  PDF is emitted in). Pieces that do not fit this order (names after a year header, a top card's
  pieces at the start or the end of the page, interleaved blocks) are *orphans* and go to the
  unit that lacks a piece of that kind.
* **Pairing with 管理番号** is by layout only: the ``ＫＰＩ`` label under a header says whether the
  card has a KPI table; units with a year header / KPI cells are the KPI cards. Within each kind
  the value blocks come bottom-up: the first KPI block of the page is the last KPI header, the
  first block without KPI the last header without ``ＫＰＩ``.

Irregularities are handled by documented rules and reported as warnings (codes in the docs);
anything that cannot be placed is an error.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import (
    CIRCLED_NUMBER,
    circled_to_int,
    find_fiscal_years,
    join_wrapped,
    match_key,
    nfkc,
    parse_number,
    to_int,
)
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import IssueLog, ParseResult
from planparse.schemas.hachioji_action_plan import (
    HachiojiActionPlan,
    HachiojiCard,
    HachiojiGridCell,
    HachiojiMeasure,
    HachiojiPolicy,
    HachiojiProgressFigure,
    HachiojiYear,
)

# --------------------------------------------------------------------------------------------
# Patterns (each matches the line shown in its comment)
# --------------------------------------------------------------------------------------------

# " ①申請のオンライン化 管理番号 1-1-1"
CARD_HEADER = regex.compile(r"^\s?(?P<sub>.*?)\s*管理番号\s*(?P<code>[0-9０-９]+[-－][0-9０-９]+[-－][0-9０-９]+)\s*$")
# label block under a header (match keys): "事業名称 担当：", "事業内容", "年度", "取組内容", "目標", "ＫＰＩ", "備考"
LABEL_KEYS = frozenset({"事業名称担当:", "事業内容", "年度", "取組内容", "目標", "KPI", "備考"})
KPI_LABEL_KEY = "KPI"
# year header lines (match keys): "令和4年度" / "令和４年度", then "(2022年度）" / "（2023年度）"
ERA_YEAR_LINE = regex.compile(r"^(?P<era>令和|平成)(?P<n>元|\d{1,2})年度$")
GREGORIAN_YEAR_LINE = regex.compile(r"^\((?P<y>(?:19|20)\d{2})年度\)$")
_ERA_BASE = {"令和": 2018, "平成": 1988}
# "【達成】", "　【未達成】" (U+3000 in front)
MARK_LINE = regex.compile(r"^[\s\u3000]*(?P<mark>【(?:達成|未達成)】)[\s\u3000]*$")
# a tag-row token: "【実施】", "【実施】【改善】", "【一部運用開" (cut), "始】", "管理】【移行支援】", "-"
TAG_TOKEN = regex.compile(
    r"^(?:(?:【[^【】]*】)+(?:【[^【】]*)?|【[^【】]*|[^【】\s]*】(?:【[^【】]*】)*(?:【[^【】]*)?|[-－])$")
DASH_TOKEN = regex.compile(r"^[-－]$")
# page footer: "27  　　   ", "100"
PAGE_NUMBER = regex.compile(r"^\d{1,4}[ \u3000]*$")
# "基本方針１：生活の質の向上 ～市民視点の人にやさしいＤＸ～"
POLICY_LINE = regex.compile(r"^基本方針\s*(?P<num>[0-9０-９]+)\s*[：:]\s*(?P<name>.+?)\s*(?P<sub>～.+～)?\s*$")
# "施策➀ 行政手続のオンライン化", "施策② 窓口改革"
MEASURE_HEADING = regex.compile(rf"^施策\s*(?P<num>{CIRCLED_NUMBER.pattern})\s*(?P<name>.+?)\s*$")
# "施策? 行政手続のオンライン化": the same heading whose number glyph was lost (a re-encoded copy)
MEASURE_HEADING_ANY_GLYPH = regex.compile(r"^施策\s*(?P<num>[^\s\d])\s+(?P<name>\S.+?)\s*$")
# overview labels (match keys): "（１）目的・あるべき姿", "（２）事業の方向性", "（３）実施内容" / "実施内容"
OBJECTIVE_LABEL = regex.compile(r"^\(1\)目的・?あるべき姿$")
DIRECTION_LABEL = regex.compile(r"^\(2\)事業の方向性$")
IMPLEMENTATION_LABEL = regex.compile(r"^(?:\(3\))?実施内容$")
# "実現に向けた主なスケジュール（※令和４年度（2022年度）策定時）"
SCHEDULE_CAPTION = regex.compile(r"^実現に向けた主なスケジュール")
# "参考：" / "【参考】" / "（参考）" opening a 参考 (baseline) note of an overview's 備考 column
REFERENCE_NOTE = regex.compile(r"^[【(（]?参考[】)）:：]?")
# "７ 令和6年度（2024年度）の進捗状況"
PROGRESS_HEADING = regex.compile(r"(?P<fy>(?:令和|平成)\s*[0-9０-９元]+\s*年度(?:\s*[（(][0-9０-９]{4}年度[）)])?)の進捗状況")
# progress table column labels (match keys, in the order written)
PROGRESS_COLUMNS = regex.compile(r"目標KPI設定事業件数|設定事業件数|一部未達成|未達成|達成率|達成")
PROGRESS_METRICS = {
    "目標KPI設定事業件数": "initiatives_with_kpi", "設定事業件数": "initiatives_with_kpi",
    "達成": "achieved", "未達成": "not_achieved", "一部未達成": "partially_achieved",
    "達成率": "achievement_rate",
}
# a progress-table cell: "44件", "84.1％"
PROGRESS_CELL = regex.compile(r"^[0-9０-９][0-9０-９,，.．]*(?:件|％|%)$")
# progress-table row label: "（１）生活の質の向上", "合計"
PROGRESS_ROW_LABEL = regex.compile(r"^[（(](?P<num>[0-9０-９]+)[）)]\s*(?P<name>.*)$")
TOTAL_LABEL = "合計"
# "アクションプラン（令和7年度（2025年度）版）"
EDITION = regex.compile(r"アクションプラン[（(](?P<ed>.+?年度.*?)版[）)]")
# 「八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画」
PLAN_NAME = regex.compile(r"「(?P<name>[^「」]*?市[^「」]*?計画)」")
# 【新】 in front of a name, 【見直し】 in front of 事業内容
NEW_PREFIX = regex.compile(r"^【新】\s*")
REVISED_PREFIX = regex.compile(r"^【見直し】\s*")

# 担当 (department) forms: "学務課", "デジタル推進課ほか", "経営計画課・デジタル推進課ほか", "監査事務局",
# "八王子駅南口総合事務所", "ごみ総合相談センター", "こども科学館", "成人保健課 （南大沢保健福祉センター）"
_DEPT_SUFFIX = r"(?:課|部|室|局|所|センター|館)(?:ほか)?"
DEPARTMENT = regex.compile(rf"^[^\s]+?{_DEPT_SUFFIX}(?:\s?[（(][^（）()]*[）)])?$")
# a 担当 cell that is only a bracketed note: "（参考）"
DEPARTMENT_NOTE = regex.compile(r"^[（(][^（）()]+[）)]$")
# the department part of a wrapped name box: "市民課・事務所" (must name an office: 課 部 室 局 所)
DEPARTMENT_LINE_EVIDENCE = regex.compile(r"[課部室局所]")

# Label of a KPI cell line, for comparing KPIs across years: bullets and digits removed.
_LABEL_LEAD = regex.compile(r"^[\s・･→〈<＜「]+")
_LABEL_NOISE = regex.compile(r"[0-9.,%]+")
_LABEL_CUT = regex.compile(r"[:：\s]")
# a year label opening a text: "令和４年度", "（2022年度）"
_YEAR_LED = regex.compile(r"^(?:令和|平成)\s*[0-9０-９元]+\s*年度")
# a box ending mid-phrase continues in the next box: "…手続における", "…の", "…、"
# "＜戸籍情報システム＞" (match key "<戸籍情報システム>"): a sub-heading opening a list of per-system steps
_SUB_HEADING = regex.compile(r"^[<〈《][^<>〈〉《》]{1,20}[>〉》]")
_OPEN_END = regex.compile(r"(?:[のにをがはとでへや、・た]|及び|並びに|ない|における|による|に係る|に関する|に対する|について)$")
# a box that continues the previous one: "・…" (list item), "→…", "※…", "（…"
_CONTINUATION_START = regex.compile(r"^[・･→※（(]")
# a box starting with a particle continues the previous one: "による業務合理化も推進", "を図る"
_PARTICLE_START = regex.compile(r"^[のにをがはとでへや]")
# "12" at the start of a grid box (a bare number continuing a label box)
_DIGIT_START = regex.compile(r"^(?:[0-9０-９]|前年|約)")
# boxes continuing an overview 参考 note: "※A4用紙換算", "うち年1,000件以上", "（2021年度）"
_NOTE_CONTINUATION = regex.compile(r"^[※うち(（]")
# year words removed before looking for a 参考 note's figure: "令和３年度", "2021年度"
_YEAR_WORDS = regex.compile(r"(?:令和|平成)\s*[0-9０-９]+\s*年度?|\d{4}年度?")
# one tag: "【実施】"
_TAG = regex.compile(r"【[^【】]*】")
# where a KPI label ends: "執務室内文書　７１．３％削減", "先行市調査：国立研究"
_KPI_LABEL_END = regex.compile(r"[:：\s0-9]")
# a ・ list item line
_LIST_ITEM = regex.compile(r"(?:^|\n)[・･]")
# a box that cannot start a cell: "を配備", "の横展開を検討", "（第1回目）を開催する。", "約100万枚削減"
_FRESH_START_NOT = regex.compile(r"^(?:[のにをがはとでへや、。）)」（(0-9０-９]|約)")

_MARKERS = [
    Marker(r"管理番号\d+-\d+-\d+", 0.5, min_count=3),
    Marker(r"事業名称担当", 0.2, min_count=3),
    Marker(r"アクションプラン", 0.2),
    Marker(r"目標KPI", 0.1),
]


# --------------------------------------------------------------------------------------------
# Pieces of a page's value region
# --------------------------------------------------------------------------------------------

@dataclass
class _Piece:
    """A classified part of a value region.

    ``kind``: ``T`` tag line, ``D`` dash line, ``M`` mark, ``I`` U+3000-only line, ``X`` text box,
    ``Y`` year header, ``O`` 目的/あるべき姿 label pair, ``P`` page number. ``lines`` are 1-based.
    ``gap``: a blank line precedes it. ``years``: the columns of a year header.
    """

    kind: str
    lines: list[int]
    gap: bool
    years: tuple[int, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        return self.lines[0]

    @property
    def last(self) -> int:
        return self.lines[-1]


@dataclass
class _Header:
    """A card header line (``管理番号``) with its label block; ``has_kpi``: ``ＫＰＩ`` is among the labels."""

    code: str
    sub_heading: str
    line: int
    label_lines: list[int]
    has_kpi: bool


@dataclass
class _Unit:
    """The pieces of one card found on a page (before it is paired with a 管理番号)."""

    anchor: _Piece
    objective: _Piece | None = None
    summary: _Piece | None = None
    name: _Piece | None = None
    name_only: _Piece | None = None       # a name written without its department (2-1-1, 3-5-1)
    tags: list[_Piece] = field(default_factory=list)
    displaced_tags: list[_Piece] = field(default_factory=list)
    kpi: list[_Piece] = field(default_factory=list)
    year_headers: list[_Piece] = field(default_factory=list)
    is_kpi: bool = False
    kpi_from_orphan: bool = False
    kpi_with_name: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def position(self) -> int:
        return self.anchor.first

    @property
    def kpi_position(self) -> int:
        lines = [p.first for p in self.tags + self.kpi]
        return min(lines) if lines else self.anchor.first

    def lower(self) -> list[_Piece]:
        return self.tags + self.kpi

    def evidence(self) -> int:
        """How sure we are that this unit has a KPI table: own year header 2, KPI cells/tags 1."""
        score = 2 if self.year_headers else 0
        if any(p.kind in "TMD" for p in self.lower()):
            score += 1
        return score

    def identity_text(self, lines: Sequence[str]) -> str:
        parts = [self.name, self.name_only, self.summary, self.objective]
        return "".join(_text(lines, p) for p in parts if p is not None)


def _line_key(line: str) -> str:
    """Key of a line for recognising labels and structure: NFKC, all whitespace removed
    (``"ＫＰＩ"`` → ``KPI``, ``"事業名称 担当："`` → ``事業名称担当:``). Faster than ``match_key``, which
    also folds katakana long-vowel look-alikes (not needed for labels)."""
    if line.isascii():
        return "".join(line.split())
    return "".join(nfkc(line).split())


def _text(lines: Sequence[str], piece: _Piece | None) -> str:
    if piece is None:
        return ""
    return join_wrapped(lines[n - 1] for n in piece.lines)


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------


class HachiojiActionPlanParser(Parser):
    format = "hachioji_action_plan"
    description = "八王子市DX推進計画 アクションプラン (project cards with 管理番号)"
    municipality_code = "132012"
    municipality_name = "八王子市"
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Card headers ``… 管理番号 x-y-z`` and ``事業名称 担当：`` labels (several of each)."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the policies, measures, cards and the progress table (see the module docstring).

        Input: the document as a ``SourceDocument`` (its ``lines``). Output: ``ParseResult`` with a
        ``HachiojiActionPlan`` and the warnings/errors met. Never raises on irregular input.
        """
        return _DocumentParser(doc, self).run()


class _DocumentParser:
    """One parse of one document (holds the lines and the issue log)."""

    def __init__(self, doc: SourceDocument, parser: HachiojiActionPlanParser) -> None:
        self.doc = doc
        self.lines = doc.lines
        self.keys = [_line_key(line) for line in doc.lines]
        self.parser = parser
        self.log = IssueLog()
        self._yh_cache: dict[tuple[int, int, int], _Piece | None] = {}
        self.fiscal_years: list[int] = []

    # ---- driver ------------------------------------------------------------------------------

    def run(self) -> ParseResult:
        headers = self._headers()
        if not headers:
            self.log.error("no_cards", "no card header (… 管理番号 x-y-z) found: nothing extracted")
        pages = self._pages(headers)
        overview_starts = self._overview_starts(headers)
        first_header = headers[0].line if headers else len(self.lines) + 1
        front_end = min([s for s in overview_starts if s < first_header] or [first_header])
        # the overview page right before the first card is the first measure; earlier 年度 pages
        # (the 記載方式 example) belong to the front matter
        measure_regions = self._measure_regions(overview_starts, headers)
        if measure_regions:
            front_end = measure_regions[0][0]
        figures = self._progress_table(1, front_end)
        policies: dict[str, HachiojiPolicy] = {}
        fiscal_years = self._fiscal_years()
        self.fiscal_years = fiscal_years
        measures: list[HachiojiMeasure] = []
        for seq, (start, end) in enumerate(measure_regions, start=1):
            measure = self._measure(start, end, seq, policies, fiscal_years, measures)
            if measure is not None:
                measures.append(measure)
        self._policy_names_from_figures(policies, figures)
        cards: list[HachiojiCard] = []
        boundaries = sorted(set(overview_starts) | {h.line for h in headers})
        for page in pages:
            start = max([*page[-1].label_lines, page[-1].line]) + 1
            end = next((b for b in boundaries if b >= start), len(self.lines) + 1)
            cards.extend(self._page_cards(page, start, end, fiscal_years))
        cards.sort(key=lambda c: [int(x) for x in c.code.split("-")])
        for seq, card in enumerate(cards, start=1):
            card.seq = seq
        self._check_cards(cards, measures, headers)
        record = HachiojiActionPlan(
            title=self._title(front_end),
            municipality_code=self.parser.municipality_code,
            municipality_name=self.parser.municipality_name,
            fiscal_years=fiscal_years,
            policies=sorted(policies.values(), key=lambda p: p.seq),
            measures=measures,
            cards=cards,
            figures=figures,
        )
        return ParseResult(record=record, issues=self.log.issues)

    # ---- regions -----------------------------------------------------------------------------

    def _next_nonempty(self, n: int, limit: int | None = None) -> int | None:
        """First line number ≥ n that is not blank (None when there is none before ``limit``)."""
        limit = limit or len(self.lines) + 1
        while n < limit and n <= len(self.lines):
            if self.keys[n - 1]:
                return n
            n += 1
        return None

    def _headers(self) -> list[_Header]:
        """Every card header with its label block (the label lines right after it)."""
        out = []
        for n, line in enumerate(self.lines, start=1):
            m = CARD_HEADER.match(line) if "管理番号" in line else None
            if not m:
                continue
            code = nfkc(m.group("code")).replace("－", "-")
            labels = []
            k = n + 1
            while (k := self._next_nonempty(k)) is not None and self.keys[k - 1] in LABEL_KEYS:
                labels.append(k)
                k += 1
            has_kpi = any(self.keys[k - 1] == KPI_LABEL_KEY for k in labels)
            out.append(_Header(code=code, sub_heading=m.group("sub").strip(" \u3000"), line=n,
                               label_lines=labels, has_kpi=has_kpi))
        return out

    def _pages(self, headers: list[_Header]) -> list[list[_Header]]:
        """Group headers whose label blocks touch (only blank lines between) into pages."""
        pages: list[list[_Header]] = []
        for h in headers:
            if pages:
                prev = pages[-1][-1]
                after = self._next_nonempty(max([*prev.label_lines, prev.line]) + 1)
                if after == h.line:
                    pages[-1].append(h)
                    continue
            pages.append([h])
        return pages

    def _is_year_line(self, n: int) -> bool:
        key = self.keys[n - 1]
        return key.endswith("年度") and bool(ERA_YEAR_LINE.match(key))

    def _overview_starts(self, headers: list[_Header]) -> list[int]:
        """Lines ``年度`` that open a 施策 overview page: not in a label block, not opening a year header."""
        in_labels = {k for h in headers for k in h.label_lines}
        out = []
        for n, key in enumerate(self.keys, start=1):
            if key != "年度" or n in in_labels:
                continue
            nxt = self._next_nonempty(n + 1)
            if nxt is not None and not self._is_year_line(nxt):
                out.append(n)
        return out

    def _measure_regions(self, overview_starts: list[int], headers: list[_Header]) -> list[tuple[int, int]]:
        """(start, end) of each overview page: from its ``年度`` line to the next card header.
        When several 年度 pages come before one header, the last one is the overview (the others
        are examples or schedules of the front matter)."""
        header_lines = [h.line for h in headers]
        regions = []
        for i, s in enumerate(overview_starts):
            nxt_header = next((h for h in header_lines if h > s), None)
            if nxt_header is None:
                continue
            nxt_start = overview_starts[i + 1] if i + 1 < len(overview_starts) else None
            if nxt_start is not None and nxt_start < nxt_header:
                continue
            regions.append((s, nxt_header))
        return regions

    # ---- front matter ----------------------------------------------------------------------

    def _title(self, front_end: int) -> str | None:
        """「…推進計画」 (the plan's name, first quoted in the 概要) + ``アクションプラン（…版）``."""
        plan = edition = None
        for line in self.lines[: front_end - 1]:
            if plan is None and (m := PLAN_NAME.search(line)):
                plan = m.group("name")
            if edition is None and (m := EDITION.search(line)):
                edition = m.group(0)
        if plan and edition:
            return f"{plan} {edition}"
        return edition or plan

    def _progress_table(self, start: int, end: int) -> list[HachiojiProgressFigure]:
        """The table 「令和6年度（2024年度）の進捗状況」: column labels in the order written, then rows
        ``（１）生活の質の向上 44件 37件 7件 0件 84.1％`` … ``合計 …``."""
        heading = next((n for n in range(start, end) if PROGRESS_HEADING.search(self.lines[n - 1])), None)
        if heading is None:
            self.log.warning("no_progress_table", "no 「…年度の進捗状況」 table in the front matter: no self-check figures")
            return []
        m = PROGRESS_HEADING.search(self.lines[heading - 1])
        years = find_fiscal_years(m.group("fy"))
        fiscal_year = years[0].fiscal_year if years else None
        header_text = ""
        figures: list[HachiojiProgressFigure] = []
        metrics: list[str] | None = None
        for n in range(heading + 1, end):
            line = self.lines[n - 1].strip(" \u3000")
            if not line:
                continue
            tokens = line.split()
            cells = []
            while tokens and PROGRESS_CELL.match(tokens[-1]):
                cells.insert(0, tokens.pop())
            label = " ".join(tokens)
            if len(cells) < 2:
                if figures:
                    break  # prose after the table
                header_text += match_key(line)
                continue
            if metrics is None:
                metrics = [PROGRESS_METRICS[c] for c in PROGRESS_COLUMNS.findall(header_text)]
            if len(cells) != len(metrics):
                self.log.error("progress_row_unread",
                               f"progress-table row {line!r} has {len(cells)} figures for {len(metrics)} column "
                               "labels; the row was not read", n)
                continue
            scope, name = self._progress_scope(label)
            if scope is None:
                self.log.error("progress_row_unread", f"progress-table row label {label!r} names no 基本方針 or 合計; "
                               "the row was not read", n)
                continue
            for metric, cell in zip(metrics, cells, strict=True):
                value = parse_number(cell)
                figures.append(HachiojiProgressFigure(
                    scope=scope, row_label=name, fiscal_year=fiscal_year, metric=metric,
                    value=float(value) if value is not None else 0.0, value_text=cell, source_line=n,
                ))
        if not figures:
            self.log.warning("no_progress_table", "the 進捗状況 table has no rows: no self-check figures", heading)
        return figures

    @staticmethod
    def _progress_scope(label: str) -> tuple[str | None, str]:
        if match_key(label) == TOTAL_LABEL:
            return "total", label
        m = PROGRESS_ROW_LABEL.match(label)
        if m:
            return str(to_int(m.group("num"))), m.group("name").strip()
        return None, label

    def _policy_names_from_figures(self, policies: dict[str, HachiojiPolicy],
                                   figures: list[HachiojiProgressFigure]) -> None:
        """Row labels of the progress table are other wordings of the 基本方針 names."""
        for f in figures:
            p = policies.get(f.scope)
            if p and f.row_label and f.row_label != p.name and f.row_label not in p.name_variants:
                p.name_variants.append(f.row_label)

    def _fiscal_years(self) -> list[int]:
        """The columns of the card tables: the most common complete year header's years."""
        counts: Counter[tuple[int, ...]] = Counter()
        n = 1
        while n <= len(self.lines):
            if self._is_year_line(n):
                piece = self._year_header(n, len(self.lines) + 1)
                if piece is not None:
                    counts[piece.years] += 1
                    n = piece.last + 1
                    continue
            n += 1
        if not counts:
            return []
        best = max(counts, key=lambda ys: (counts[ys], len(ys)))
        return list(best)

    # ---- overview pages → measures -----------------------------------------------------------

    def _measure(self, start: int, end: int, seq: int, policies: dict[str, HachiojiPolicy],
                 years: Sequence[int], earlier: Sequence[HachiojiMeasure]) -> HachiojiMeasure | None:
        """A 施策 overview page: 基本方針 line, 施策 heading, （１）（２）（３） texts and the 全体目標 grid.

        The measure number is the heading's circled digit; when that glyph is not a circled number
        (lost in a re-encoded copy: ``施策? 行政手続…``), it is the measure's rank among the
        measures of its 基本方針 read so far, with a warning."""
        heading = policy = None
        loose = None
        labels: dict[str, int] = {}
        for n in range(start, end):
            line = self.lines[n - 1].strip(" \u3000")
            key = self.keys[n - 1]
            if heading is None and (m := MEASURE_HEADING.match(line)):
                heading = (n, m)
            elif heading is None and loose is None and (m := MEASURE_HEADING_ANY_GLYPH.match(line)):
                loose = (n, m)
            elif policy is None and (m := POLICY_LINE.match(line)):
                policy = (n, m)
            elif OBJECTIVE_LABEL.match(key):
                labels.setdefault("objective", n)
            elif DIRECTION_LABEL.match(key):
                labels.setdefault("direction", n)
            elif IMPLEMENTATION_LABEL.match(key):
                labels.setdefault("implementation", n)
            elif SCHEDULE_CAPTION.match(key):
                labels.setdefault("schedule", n)
        if heading is None and loose is not None:
            heading = loose
        if heading is None:
            self.log.error("measure_heading_missing",
                           "an overview page (年度 … 施策) has no 施策 heading: its measure was not read", start)
            return None
        if policy is None:
            self.log.error("policy_line_missing", "an overview page has no 基本方針 line: its measure was not read",
                           heading[0])
            return None
        pcode = str(to_int(policy[1].group("num")))
        if pcode not in policies:
            policies[pcode] = HachiojiPolicy(code=pcode, name=policy[1].group("name").strip(),
                                             subtitle=policy[1].group("sub"), seq=len(policies) + 1,
                                             source_line=policy[0])
        else:
            known = policies[pcode]
            name = policy[1].group("name").strip()
            if name != known.name and name not in known.name_variants:
                known.name_variants.append(name)
        number = circled_to_int(heading[1].group("num"))
        if number is None:
            number = 1 + sum(1 for m in earlier if m.policy_code == pcode)
            self.log.warning("measure_number_from_order",
                             f"施策 heading glyph {heading[1].group('num')!r} is not a circled number; "
                             f"numbered {pcode}-{number} by its order under 基本方針{pcode}", heading[0])
        skip = {heading[0], policy[0], *labels.values()}
        objective, direction, implementation, text_lines = self._measure_texts(labels, start, end, skip)
        grid_end = min([heading[0], policy[0], *[v for k, v in labels.items() if k != "schedule"]])
        rows, cells = self._grid(start + 1, grid_end, years)
        unread = [n for n in range(grid_end, end) if self.keys[n - 1] and n not in skip and n not in text_lines
                  and not PAGE_NUMBER.match(self.lines[n - 1].strip(" "))]
        if unread:
            self.log.warning(
                "overview_schedule_not_read",
                f"施策 {pcode}-{number}: {len(unread)} lines of the 実現に向けた主なスケジュール chart (lines "
                f"{unread[0]}–{unread[-1]}, drawn when the plan was made) are not read: the text does not tie "
                "its cells to years or rows", unread[0])
        return HachiojiMeasure(
            code=f"{pcode}-{number}", number=number or 0, name=heading[1].group("name").strip(), policy_code=pcode,
            objective=objective, direction=direction, implementation=implementation, grid_rows=rows,
            grid_cells=cells, heading_line=heading[0], source_line_start=start, source_line_end=end - 1, seq=seq,
        )

    def _measure_texts(self, labels: dict[str, int], start: int, end: int,
                       skip: set[int]) -> tuple[str | None, list[str], list[str], set[int]]:
        """（１）目的・あるべき姿 = text after the （１）（２） labels up to the first ①-item; （２）事業の方向性 =
        the ①… items up to the 実施内容 label; （３）実施内容 = the ①… items after it, then sentences
        ending in ます (the schedule chart's cells follow and are not read)."""
        objective_lines: list[int] = []
        direction: list[list[int]] = []
        implementation: list[list[int]] = []
        if "direction" in labels or "objective" in labels:
            first = max(labels.get("objective", 0), labels.get("direction", 0)) + 1
            last = labels.get("implementation", end)
            for n in range(first, last):
                if n in skip or not self.keys[n - 1]:
                    continue
                text = self.lines[n - 1].strip(" \u3000")
                if CIRCLED_NUMBER.match(text):
                    direction.append([n])
                elif direction:
                    direction[-1].append(n)
                else:
                    objective_lines.append(n)
        else:
            self.log.warning("measure_labels_missing", "overview page without （１）（２） labels: objective not read",
                             start)
        if "implementation" in labels:
            prev_blank = False
            for n in range(labels["implementation"] + 1, end):
                if n in skip:
                    continue
                if not self.keys[n - 1]:
                    prev_blank = True
                    continue
                text = self.lines[n - 1].strip(" \u3000")
                if CIRCLED_NUMBER.match(text) or text.endswith(("ます", "ます。")):
                    implementation.append([n])
                elif implementation and not prev_blank and not self.lines[implementation[-1][-1] - 1].rstrip(
                        " \u3000").endswith(("ます", "。")):
                    implementation[-1].append(n)
                else:
                    break
                prev_blank = False
        join = lambda group: join_wrapped(self.lines[k - 1] for k in group)  # noqa: E731
        objective = join(objective_lines) or None
        used = set(objective_lines) | {n for g in direction + implementation for n in g}
        return objective, [join(g) for g in direction], [join(g) for g in implementation], used

    def _grid(self, start: int, end: int, years: Sequence[int]) -> tuple[list[str], list[HachiojiGridCell]]:
        """The 全体目標 grid of an overview page (lines ``start``..``end``-1, after its 年度 line).

        The grid's text comes as boxes (lines not separated by a blank line) mixed with its labels
        (``目標`` ``ＫＰＩ`` ``備考``, the year header). A box without a number before the first ``目標``
        label, or right before a ``目標`` label, is a row label (``オンライン申請``); every other box is
        a cell. A box ending mid-phrase (``…手続の30％を``) is joined with the next one, and so is a
        box followed by one that starts with a particle, ``（`` or ``※`` or by a bare number. 参考
        boxes (and the boxes of that note up to its first figure, plus ``※…``/``うち…`` after it) are
        baselines. Year-header lines of the document's years are skipped (other years, such as the
        ``令和３年度`` of a 参考 note, are text).
        """
        items: list[tuple[str, list[int]]] = []  # ("box", lines) or ("label", [line]) with the label key
        cur: list[int] = []
        n = start

        def flush() -> None:
            nonlocal cur
            if cur:
                items.append(("box", cur))
                cur = []

        while n < end:
            key = self.keys[n - 1]
            if not key:
                flush()
                n += 1
                continue
            era = ERA_YEAR_LINE.match(key) if self._is_year_line(n) else None
            if era is not None:
                g = self._next_nonempty(n + 1, end)
                greg = GREGORIAN_YEAR_LINE.match(self.keys[g - 1]) if g is not None else None
                if greg is not None and int(greg.group("y")) in years:
                    flush()
                    n = g + 1
                    continue
            if key in ("目標", "KPI", "備考") or (key == "年度" and not cur):
                flush()
                items.append((key, [n]))
                n += 1
                continue
            cur.append(n)
            n += 1
        flush()
        rows: list[str] = []
        raw_cells: list[list[int]] = []
        seen_target_label = False
        for i, (kind, lines) in enumerate(items):
            if kind != "box":
                seen_target_label = seen_target_label or kind == "目標"
                continue
            text = join_wrapped(self.lines[k - 1] for k in lines)
            before_label = i + 1 < len(items) and items[i + 1][0] == "目標"
            if (not seen_target_label or before_label) and parse_number(text) is None:
                if rows and len(match_key(text)) <= 2:
                    rows[-1] += text  # a label cut at its last character ("デジタルコンテンツ提" / "供")
                else:
                    rows.append(text)
            else:
                raw_cells.append(lines)
        merged: list[list[int]] = []
        for box in raw_cells:
            text = join_wrapped(self.lines[k - 1] for k in box).strip(" \u3000")
            if merged:
                prev = join_wrapped(self.lines[k - 1] for k in merged[-1])
                if (_OPEN_END.search(prev) or _CONTINUATION_START.match(text) or _PARTICLE_START.match(text)
                        or (parse_number(prev) is None and _DIGIT_START.match(text))):
                    merged[-1] = merged[-1] + box
                    continue
            merged.append(box)
        cells: list[HachiojiGridCell] = []
        in_reference = False
        reference_has_number = False
        for group in merged:
            text = join_wrapped(self.lines[k - 1] for k in group)
            if REFERENCE_NOTE.match(match_key(text)):
                in_reference, reference_has_number = True, False
            elif in_reference and reference_has_number and not _NOTE_CONTINUATION.match(text):
                in_reference = False
            if in_reference and parse_number(_YEAR_WORDS.sub("", text)):
                reference_has_number = True
            cells.append(HachiojiGridCell(text=text, kind="baseline" if in_reference else "target",
                                          source_line_start=group[0], source_line_end=group[-1]))
        return rows, cells

    # ---- year headers --------------------------------------------------------------------------

    def _year_header(self, n: int, end: int, *, min_columns: int = 2) -> _Piece | None:
        key = (n, end, min_columns)
        if key not in self._yh_cache:
            self._yh_cache[key] = self._read_year_header(n, end, min_columns)
        piece = self._yh_cache[key]
        return None if piece is None else _Piece("Y", list(piece.lines), piece.gap, piece.years, piece.conflicts)

    def _read_year_header(self, n: int, end: int, min_columns: int) -> _Piece | None:
        """A year header starting at line ``n``: optional ``年度``, then ≥ ``min_columns`` columns
        ``令和N年度`` + ``（YYYY年度）`` with increasing years, then optional ``備考``. None when it is not one."""
        start = n
        k: int | None = n
        if self.keys[n - 1] == "年度":
            k = self._next_nonempty(n + 1, end)
        years: list[int] = []
        conflicts: list[str] = []
        last = n
        while k is not None and k < end and self._is_year_line(k):
            g = self._next_nonempty(k + 1, end)
            if g is None or not GREGORIAN_YEAR_LINE.match(self.keys[g - 1]):
                break
            era = ERA_YEAR_LINE.match(self.keys[k - 1])
            greg = int(GREGORIAN_YEAR_LINE.match(self.keys[g - 1]).group("y"))
            year = _ERA_BASE[era.group("era")] + (1 if era.group("n") == "元" else int(era.group("n")))
            if years and year <= years[-1]:
                break
            if greg != year:
                conflicts.append(f"line {g}: {self.lines[g - 1].strip()} under {self.lines[k - 1].strip()}")
            years.append(year)
            last = g
            k = self._next_nonempty(g + 1, end)
        if len(years) < min_columns:
            return None
        if k is not None and k < end and self.keys[k - 1] == "備考":
            last = k
        lines = [x for x in range(start, last + 1) if self.keys[x - 1]]
        return _Piece(kind="Y", lines=lines, gap=True, years=tuple(years), conflicts=tuple(conflicts))

    # ---- a page of cards -------------------------------------------------------------------------

    def _pieces(self, start: int, end: int) -> list[_Piece]:
        """Classify the value lines ``start``..``end``-1 into pieces (see ``_Piece``)."""
        pieces: list[_Piece] = []
        gap = True
        n = start
        while n < end:
            raw = self.lines[n - 1]
            key = self.keys[n - 1]
            if not raw.strip(" \t"):
                gap = True
                n += 1
                continue
            if raw.strip(" \t") and not key:  # only U+3000
                pieces.append(_Piece("I", [n], gap))
                gap = False
                n += 1
                continue
            if PAGE_NUMBER.match(raw.strip(" ")):
                pieces.append(_Piece("P", [n], gap))
                gap = True
                n += 1
                continue
            if self._is_year_line(n) or key == "年度":
                piece = self._year_header(n, end)
                if piece is None and len(pieces) >= 2 and pieces[-2].kind == "O" and pieces[-1].kind == "X":
                    piece = self._year_header(n, end, min_columns=1)  # header cut by the next card (3-6-5)
                if piece is not None:
                    piece.gap = gap
                    if pieces and pieces[-1].kind == "Y":  # columns written twice (2-1-2)
                        prev = pieces[-1]
                        prev.lines += piece.lines
                        prev.conflicts += (f"columns {list(piece.years)} written again at line {piece.first}",)
                    else:
                        pieces.append(piece)
                    gap = False
                    n = piece.last + 1
                    continue
            if key == "備考":  # the table's 備考 label, repeated in the values of 基本方針2 pages
                pieces.append(_Piece("P", [n], gap))
                gap = True
                n += 1
                continue
            if key == "目的":
                nxt = self._next_nonempty(n + 1, end)
                if nxt is not None and self.keys[nxt - 1] == "あるべき姿":
                    pieces.append(_Piece("O", [n, nxt], gap))
                    gap = False
                    n = nxt + 1
                    continue
            kind = self._line_kind(raw)
            if kind != "X":
                pieces.append(_Piece(kind, [n], gap))
                gap = False
                n += 1
                continue
            box = [n]
            n += 1
            while n < end and self.lines[n - 1].strip(" \t") and self.keys[n - 1] and \
                    self._line_kind(self.lines[n - 1]) == "X" and not self._is_structural(n, end):
                box.append(n)
                n += 1
            pieces.append(_Piece("X", box, gap))
            gap = False
        return pieces

    def _is_structural(self, n: int, end: int) -> bool:
        key = self.keys[n - 1]
        if key == "目的" or PAGE_NUMBER.match(self.lines[n - 1].strip(" ")):
            return True
        if self._is_year_line(n) or key == "年度":
            return self._year_header(n, end) is not None
        return False

    @staticmethod
    def _line_kind(raw: str) -> str:
        """``M`` mark, ``T`` tag line, ``D`` dash line or ``X`` text (for one non-blank line)."""
        if MARK_LINE.match(raw):
            return "M"
        tokens = raw.strip(" \u3000").split(" ")
        tokens = [t for t in tokens if t]
        if not tokens:
            return "X"
        if all(DASH_TOKEN.match(t) for t in tokens):
            return "D"
        if TAG_TOKEN.match(tokens[0]) and ("【" in tokens[0] or "】" in tokens[0] or DASH_TOKEN.match(tokens[0])):
            # a tag row, possibly with 備考 text after its cells ("… 【一部運用開始】 窓口においても")
            tags = list(itertools.takewhile(lambda t: TAG_TOKEN.match(t) is not None, tokens))
            if any("【" in t or "】" in t for t in tags):
                return "T"
        return "X"

    def _page_cards(self, page: list[_Header], start: int, end: int, years: list[int]) -> list[HachiojiCard]:
        """Build the cards of one page from its value lines."""
        pieces = self._pieces(start, end)
        units = self._units(pieces, page)
        codes = " ".join(h.code for h in page)
        if len(units) != len(page):
            self.log.error("card_count_mismatch",
                           f"page {codes}: {len(page)} card headers but {len(units)} 目的/あるべき姿 blocks; "
                           "the page's cards could not be paired and were not read", page[0].line)
            return []
        pairs = self._pair(page, units)
        cards = []
        for header, unit in pairs:
            cards.append(self._card(header, unit, years))
        return cards

    # ---- units -------------------------------------------------------------------------------

    def _units(self, pieces: list[_Piece], page: list[_Header]) -> list[_Unit]:
        """Find the units (one per 目的/あるべき姿 pair), attach their pieces in canonical order, then
        give the orphan pieces to the units that lack them."""
        codes = " ".join(h.code for h in page)
        units: list[_Unit] = []
        owner: dict[int, _Unit] = {}   # piece index → unit
        orphans: list[int] = []
        prev_end = -1
        anchors = [i for i, p in enumerate(pieces) if p.kind == "O"]
        for a in anchors:
            unit = _Unit(anchor=pieces[a])
            owner[a] = unit
            if a + 1 < len(pieces) and pieces[a + 1].kind == "X":
                unit.objective = pieces[a + 1]
                owner[a + 1] = unit
            j = a - 1
            if j > prev_end and pieces[j].kind == "X":
                unit.summary = pieces[j]
                owner[j] = unit
                j -= 1
                if j > prev_end and pieces[j].kind == "X" and (
                        self._name_like(pieces[j]) or self._unknown_name(pieces, j, prev_end)):
                    unit.name = pieces[j]
                    owner[j] = unit
                    j -= 1
            # canonical lower part: KPI cells (and name-like boxes: a second name → orphan), then tags
            state = "kpi"
            lower: list[int] = []
            while j > prev_end:
                p = pieces[j]
                if p.kind == "P":
                    owner[j] = unit
                    j -= 1
                    continue
                if state == "kpi" and p.kind == "X" and self._name_like(p):
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
                (unit.tags if pieces[k].kind in "TD" and self._before_kpi(pieces, lower, k) else unit.kpi).append(
                    pieces[k])
            orphans.extend(range(prev_end + 1, j + 1))
            end_index = a + (2 if unit.objective else 1)
            if end_index < len(pieces) and pieces[end_index].kind == "Y":
                unit.year_headers.append(pieces[end_index])
                owner[end_index] = unit
                end_index += 1
            prev_end = end_index - 1
            units.append(unit)
        orphans.extend(range(prev_end + 1, len(pieces)))
        orphans = sorted(set(i for i in orphans if i not in owner and pieces[i].kind != "P"))
        self._choose_kpi_units(units, page, orphans, pieces, owner)
        self._place_orphans(units, orphans, pieces, codes)
        self._check_affinity(units, codes)
        return units

    @staticmethod
    def _before_kpi(pieces: list[_Piece], lower: list[int], k: int) -> bool:
        """A T/D piece of a lower part is a tag-row line when no mark/text/U+3000 line comes before it
        and it is not the dash line right before the first mark (``- -`` = KPI cells not run)."""
        before = [pieces[i] for i in lower if i < k]
        if any(p.kind in "MXI" for p in before):
            return False
        if pieces[k].kind == "D":
            after = [pieces[i] for i in lower if i > k]
            if after and after[0].kind in "MX" and any(p.kind == "T" for p in before):
                return False
        return True

    def _choose_kpi_units(self, units: list[_Unit], page: list[_Header], orphans: list[int],
                          pieces: list[_Piece], owner: dict[int, _Unit]) -> None:
        """Decide which units are the page's KPI cards (as many as headers with ``ＫＰＩ``): own year
        header first, then KPI cells. A non-KPI unit's canonical KPI pieces become orphans."""
        n_kpi = sum(h.has_kpi for h in page)
        ranked = sorted(units, key=lambda u: (-u.evidence(), u.position))
        for i, u in enumerate(ranked):
            u.is_kpi = i < n_kpi
        if 0 < n_kpi < len(ranked) and ranked[n_kpi - 1].evidence() == ranked[n_kpi].evidence():
            self.log.warning("ambiguous_kpi_card",
                             f"page {' '.join(h.code for h in page)}: the value blocks do not show which card has "
                             "the KPI table; the first block was taken", page[0].line)
        index = {id(p): i for i, p in enumerate(pieces)}
        for u in units:
            if u.is_kpi:
                continue
            moved = u.tags + u.kpi + u.year_headers
            if moved:
                for p in moved:
                    orphans.append(index[id(p)])
                    owner.pop(index[id(p)], None)
                u.tags, u.kpi, u.year_headers = [], [], []
                u.notes.append(f"tags/KPI cells/year header next to this card (line {moved[0].first}) belong to the "
                               "page's card with ＫＰＩ label and were moved there")
        orphans.sort()

    def _orphan_groups(self, orphans: list[int], pieces: list[_Piece]) -> list[list[_Piece]]:
        groups: list[list[_Piece]] = []
        prev = None
        for i in orphans:
            p = pieces[i]
            if p.kind == "Y" or prev is None or i != prev + 1 or groups[-1][-1].kind == "Y":
                groups.append([p])
            else:
                groups[-1].append(p)
            prev = i
        return groups

    def _place_orphans(self, units: list[_Unit], orphans: list[int], pieces: list[_Piece], codes: str) -> None:
        """Give each orphan group (a name after a year header, a top card's tags/KPI/name at the end
        of the page, …) to the unit that lacks its kinds of pieces; split the group when no unit
        lacks all of them."""
        for group in self._orphan_groups(orphans, pieces):
            parts = self._split_group(group)
            where = group[0].first
            if parts["Y"]:
                target = next((u for u in units if u.is_kpi and u.year_headers and self._years_incomplete(u)),
                              None) or next((u for u in units if u.is_kpi and not u.year_headers), None)
                if target is not None:
                    target.year_headers.extend(parts["Y"])
                    target.notes.append(f"year header at line {where} placed with this card")
                else:
                    self.log.warning("year_header_extra", f"page {codes}: the year header at line {where} belongs "
                                     "to no card (every KPI card has one); ignored (it carries no values)", where)
                continue
            candidates = [u for u in units if self._accepts(u, parts)]
            if candidates:
                unit = self._nearest(candidates, where)
                self._give(unit, parts, whole=True)
                if len(candidates) > 1:
                    self.log.warning("ambiguous_orphan",
                                     f"page {codes}: the pieces at line {where} fit several cards; given to the "
                                     "one nearest before them", where)
                continue
            # no unit lacks all of it: place each kind separately
            for kind in ("name", "name_only", "summary", "kpi", "tags"):
                if not parts[kind]:
                    continue
                single = {k: (v if k == kind else []) for k, v in parts.items()}
                candidates = [u for u in units if self._accepts(u, single)]
                if not candidates:
                    lines = [n for p in parts[kind] for n in p.lines]
                    self.log.error("unplaced_values",
                                   f"page {codes}: {kind} at lines {lines[0]}–{lines[-1]} fits no card of the page "
                                   f"and was not read: {self._snippet(parts[kind])}", lines[0])
                    continue
                self._give(self._nearest(candidates, parts[kind][0].first), single, whole=False)

    def _years_incomplete(self, unit: _Unit) -> bool:
        """The unit's year header pieces do not show all of the document's columns."""
        return sorted({fy for y in unit.year_headers for fy in y.years}) != self.fiscal_years

    def _split_group(self, group: list[_Piece]) -> dict[str, list[_Piece]]:
        """Sort an orphan group's pieces by role: tags, KPI cells, name (or name without department),
        summary (the box after a name), year headers."""
        parts: dict[str, list[_Piece]] = {"tags": [], "kpi": [], "name": [], "name_only": [], "summary": [], "Y": []}
        seen_name = False
        seen_kpi = False
        for p in group:
            if p.kind == "Y":
                parts["Y"].append(p)
            elif p.kind == "P":
                continue
            elif p.kind == "X" and not seen_name and self._name_like(p):
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
                and len(parts["kpi"][0].lines) == 1:
            parts["name_only"] = parts["kpi"]
            parts["kpi"] = []
        if parts["kpi"] and all(p.kind in "ID" for p in parts["kpi"]) and not parts["tags"]:
            parts["tags"], parts["kpi"] = [p for p in parts["kpi"] if p.kind == "D"], []
        return parts

    def _accepts(self, unit: _Unit, parts: dict[str, list[_Piece]]) -> bool:
        is_kpi = unit.is_kpi
        if parts["name"] and unit.name is not None:
            return False
        if parts["name_only"] and not (unit.name is None or self._dept_only(unit)):
            return False
        if parts["name_only"] and unit.name_only is not None:
            return False
        if parts["summary"] and unit.summary is not None:
            return False
        if parts["kpi"] and (not is_kpi or any(p.kind in "MX" for p in unit.kpi)):
            return False
        return not (parts["tags"] and not is_kpi)

    def _dept_only(self, unit: _Unit) -> bool:
        """The unit's name box is a department written alone (its name stands elsewhere)."""
        return unit.name is not None and len(unit.name.lines) == 1 and \
            _department_only(self.lines[unit.name.first - 1].strip(" \u3000"))

    @staticmethod
    def _nearest(candidates: list[_Unit], line: int) -> _Unit:
        before = [u for u in candidates if u.position <= line]
        if before:
            return max(before, key=lambda u: u.position)
        return min(candidates, key=lambda u: u.position)

    def _give(self, unit: _Unit, parts: dict[str, list[_Piece]], *, whole: bool) -> None:
        lines = [p.first for ps in parts.values() for p in ps]
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

    def _check_affinity(self, units: list[_Unit], codes: str) -> None:
        """Interleaved pages: when a KPI block (tags + cells) was placed as an orphan without a name,
        compare each KPI block with each card's name/事業内容/目的 (shared character pairs) and swap
        two blocks when the swap fits clearly better. Reported either way."""
        kpi_units = [u for u in units if u.is_kpi and u.kpi]
        moved = [u for u in kpi_units if u.kpi_from_orphan and not u.kpi_with_name]
        if len(kpi_units) < 2 or not moved:
            return
        for u in moved:
            best = None
            for other in kpi_units:
                if other is u:
                    continue
                keep = self._affinity(u, u) + self._affinity(other, other)
                swap = self._affinity(u, other) + self._affinity(other, u)
                if swap > keep * 1.5 and swap - keep >= 0.2 and (best is None or swap - keep > best[1]):
                    best = (other, swap - keep)
            line = u.kpi[0].first
            if best is not None:
                other = best[0]
                u.tags, other.tags = other.tags, u.tags
                u.kpi, other.kpi = other.kpi, u.kpi
                u.displaced_tags, other.displaced_tags = other.displaced_tags, u.displaced_tags
                u.notes, other.notes = other.notes, u.notes
                for unit in (u, other):
                    unit.notes.append(f"KPI block at line {unit.kpi[0].first} given to this card by its wording")
                self.log.warning(
                    "interleaved_blocks",
                    f"page {codes}: the KPI blocks at lines {u.kpi[0].first} and {other.kpi[0].first} are "
                    "interleaved with the cards' names; the layout cannot decide, so each block was given to "
                    "the card whose name/事業内容/目的 shares the most wording with it", line)
            else:
                self.log.warning(
                    "interleaved_blocks",
                    f"page {codes}: the KPI block at line {line} is separated from its card's name; it was given "
                    "to the card lacking a KPI block (its wording does not point to another card)", line)

    def _affinity(self, kpi_owner: _Unit, identity: _Unit) -> float:
        """Share of the KPI block's character pairs that also occur in a card's name/事業内容/目的."""
        kpi_text = match_key("".join(_text(self.lines, p) for p in kpi_owner.tags + kpi_owner.kpi if p.kind == "X"))
        ident = match_key(identity.identity_text(self.lines))
        pairs = {kpi_text[i:i + 2] for i in range(len(kpi_text) - 1)}
        other = {ident[i:i + 2] for i in range(len(ident) - 1)}
        return len(pairs & other) / len(pairs) if pairs else 0.0

    # ---- names ---------------------------------------------------------------------------------

    def _name_like(self, piece: _Piece) -> bool:
        """A name box: one line ``<名称> <担当>``, a department alone (``デジタル推進課ほか``), or a
        wrapped box whose later lines name an office (``…オンライン申請`` / ``市民課・事務所`` /
        ``（斎場霊園事務所を除く）``)."""
        if piece.kind != "X":
            return False
        texts = [self.lines[n - 1].strip(" \u3000") for n in piece.lines]
        if len(texts) == 1:
            return _split_name(texts[0]) is not None or _department_only(texts[0])
        rest = join_wrapped(texts[1:])
        if any(" " in t for t in texts[:1]) and _split_name(texts[0]):
            return False
        return bool(DEPARTMENT.match(rest)) and bool(DEPARTMENT_LINE_EVIDENCE.search(texts[1])) and \
            not any(ch.isdigit() for ch in nfkc("".join(texts)))

    def _unknown_name(self, pieces: list[_Piece], j: int, prev_end: int) -> bool:
        """A one-line box before 事業内容 that does not end with a known department suffix is still
        the name line when nothing of a KPI block precedes it, or when it looks like
        ``<名称> <担当>`` (a space, no digits)."""
        piece = pieces[j]
        if len(piece.lines) != 1:
            return False
        text = self.lines[piece.first - 1].strip(" \u3000")
        before = pieces[j - 1] if j - 1 > prev_end else None
        if before is None or before.kind not in "XMID":
            return True
        return " " in text and not any(ch.isdigit() for ch in nfkc(text))

    def _name_and_department(self, unit: _Unit, code: str) -> tuple[str, str | None]:
        """Name and 担当 of a unit (see ``_split_name``); a department-only name box is combined with
        the unit's name-only line."""
        if unit.name is None and unit.name_only is None:
            self.log.error("name_missing", f"card {code}: no 事業名称 found", unit.anchor.first)
            return "", None
        texts = [self.lines[n - 1].strip(" \u3000") for n in unit.name.lines] if unit.name else []
        if unit.name_only is not None:
            name = _text(self.lines, unit.name_only)
            department = join_wrapped(texts) if texts else None
            self.log.warning("name_department_apart",
                             f"card {code}: 事業名称 {name!r} (line {unit.name_only.first}) and 担当 {department!r} "
                             f"(line {unit.name.first if unit.name else '-'}) are written apart; joined",
                             unit.name_only.first)
            return name, department
        if len(texts) == 1:
            split = _split_name(texts[0])
            if split and DEPARTMENT_NOTE.match(split[1]):
                self.log.warning("department_is_note",
                                 f"card {code}: the 担当 column holds {split[1]!r}, a note rather than a department; "
                                 "kept as written", unit.name.first)
            if split:
                return split
            if _department_only(texts[0]):
                self.log.warning("name_missing", f"card {code}: only the 担当 {texts[0]!r} was found, no 事業名称",
                                 unit.name.first)
                return "", texts[0]
            name, _, department = texts[0].rpartition(" ")
            if name and department:
                self.log.warning("department_unrecognised",
                                 f"card {code}: {department!r} does not end like a department (課, 部, 室, 局, 所, "
                                 "センター, 館); the name line was split at its last space", unit.name.first)
                return name.strip(), department
            self.log.warning("department_missing", f"card {code}: no 担当 found on the name line {texts[0]!r}",
                             unit.name.first)
            return texts[0], None
        self.log.warning("name_department_wrapped",
                         f"card {code}: 事業名称 and 担当 wrap over {len(texts)} lines; the first line was read as "
                         "the name, the rest as the department", unit.name.first)
        return texts[0], join_wrapped(texts[1:])

    # ---- pairing ----------------------------------------------------------------------------

    def _pair(self, page: list[_Header], units: list[_Unit]) -> list[tuple[_Header, _Unit]]:
        """Pair units with headers: within each kind (KPI / no KPI) the blocks come bottom-up."""
        codes = " ".join(h.code for h in page)
        pairs = []
        for kind in (True, False):
            headers = [h for h in page if h.has_kpi == kind]
            chosen = [u for u in units if u.is_kpi == kind]
            chosen.sort(key=(lambda u: u.kpi_position) if kind else (lambda u: u.position))
            pairs.extend(zip(headers, reversed(chosen), strict=False))
            if len(chosen) >= 2:
                spans = sorted(u.position for u in units)
                mine = sorted(u.position for u in chosen)
                inner = [p for p in spans if mine[0] < p < mine[-1] and p not in mine]
                if inner:
                    self.log.warning(
                        "ambiguous_card_order",
                        f"page {codes}: the {'KPI' if kind else 'no-KPI'} cards' blocks are separated by another "
                        "card's block, so their order is not the usual one; paired bottom-up by rule "
                        f"({', '.join(h.code for h in headers)})", page[0].line)
        for h, u in pairs:
            if u.notes:
                self.log.warning("block_pieces_relocated",
                                 f"card {h.code}: values not in the usual order: {'; '.join(u.notes)}",
                                 u.anchor.first)
        order = {h.code: i for i, h in enumerate(page)}
        return sorted(pairs, key=lambda hu: order[hu[0].code])

    # ---- one card --------------------------------------------------------------------------------

    def _card(self, header: _Header, unit: _Unit, years: list[int]) -> HachiojiCard:
        code = header.code
        name, department = self._name_and_department(unit, code)
        is_new = bool(NEW_PREFIX.match(name))
        name = NEW_PREFIX.sub("", name)
        summary = _text(self.lines, unit.summary) or None
        is_revised = bool(summary and REVISED_PREFIX.match(summary))
        if summary and is_revised:
            summary = REVISED_PREFIX.sub("", summary)
        if summary is None:
            self.log.error("summary_missing", f"card {code}: no 事業内容 found", unit.anchor.first)
        objective = _text(self.lines, unit.objective) or None
        remarks: list[str] = []
        year_rows: list[HachiojiYear] = []
        if header.has_kpi:
            year_rows = self._years(code, unit, years, remarks)
        elif unit.tags + unit.kpi:
            extra = unit.tags + unit.kpi
            self.log.error("unplaced_values", f"card {code} has no ＫＰＩ label but KPI values were found at line "
                           f"{extra[0].first}; not read", extra[0].first)
        # 【見直し】: the legend (５ 記載方式) puts it at the head of 事業内容 to mark a project the city
        # decided to revise. A 【見直し】 取組内容 tag is a year's planned activity (review the project
        # in that year), not that mark, so it does not set is_revised; it is reported for review.
        for row in year_rows:
            if row.plan and "【見直し】" in row.plan and not is_revised:
                self.log.warning("revision_tag_in_plan",
                                 f"card {code}: 取組内容 of FY{row.fiscal_year} is {row.plan!r}; the legend marks revised "
                                 "projects with 【見直し】 at the head of 事業内容, which this card does not have, so "
                                 "is_revised stays false", row.plan_lines[0] if row.plan_lines else header.line)
        for y in unit.year_headers:
            for c in y.conflicts:
                if c.startswith("columns"):
                    self.log.warning("year_header_repeated", f"card {code}: year header {c}; the repeat was ignored",
                                     y.first)
                else:
                    self.log.warning("year_header_conflict",
                                     f"card {code}: year header {c}; the 和暦 year was used", y.first)
        seen_years = sorted({fy for y in unit.year_headers for fy in y.years})
        if unit.year_headers and header.has_kpi and seen_years != list(years):
            self.log.warning("year_header_truncated",
                             f"card {code}: its year header shows only {seen_years}; the document's columns "
                             f"{years} were used", unit.year_headers[0].first)
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

    def _years(self, code: str, unit: _Unit, years: list[int], remarks: list[str]) -> list[HachiojiYear]:
        """One ``HachiojiYear`` per column: plan cells from the tag lines, the 目標/ＫＰＩ cells from the
        KPI pieces."""
        if not years:
            return []
        rows = [HachiojiYear(fiscal_year=fy, is_target_year=(i == len(years) - 1)) for i, fy in enumerate(years)]
        plan_cells, tag_remark = self._plan_cells(code, unit, len(years))
        for row, cell in zip(rows, plan_cells, strict=True):
            if cell is not None:
                row.plan, row.plan_lines = cell
        if tag_remark:
            remarks.append(tag_remark[0])
        cells = _KpiCells(self, code, unit, len(years), bool(tag_remark), remarks).cells()
        for row, cell in zip(rows, cells, strict=True):
            row.marks = [m for m, _ in cell.marks]
            row.mark_lines = [n for _, n in cell.marks]
            row.text = cell.text or join_wrapped(self.lines[n - 1] for n in cell.lines) or None
            row.lines = cell.lines
        if not unit.year_headers:
            self.log.warning("year_header_missing",
                             f"card {code}: no year header was found with its values; the document's columns "
                             f"{years[0]}–{years[-1]} were used", unit.anchor.first)
        return rows

    # ---- 取組内容 (plan) cells -------------------------------------------------------------------

    def _plan_cells(self, code: str, unit: _Unit, n_years: int
                    ) -> tuple[list[tuple[str, list[int]] | None], tuple[str, list[int]] | None]:
        """The 取組内容 row: cells of the tag lines (one per column), and 備考 text found after them.

        Cells on one line are separated by a space; a tag cut at a line end (``【一部運用開`` / ``始】``)
        is rejoined; a cell of several lines becomes several lines: lines are merged back into cells
        (fewest and least doubtful merges: same text box, single-cell lines) until there are as many
        cells as columns. Tag cells found after the year header (displaced) fill the first columns.
        """
        entries = self._tag_entries(unit.tags)
        remark = None
        # 備考 text after the cells of a tag line ("… 【一部運用開始】 窓口においても")
        for e in entries:
            if e["remark"]:
                remark = (e["remark"], [e["line"]])
        displaced = [c for e in self._tag_entries(unit.displaced_tags) for c in e["cells"]]
        need = n_years - len(displaced)
        cells = [c for e in entries for c in e["cells"]]
        if not entries and not displaced:
            self.log.warning("plan_missing", f"card {code}: no 取組内容 tags found", unit.anchor.first)
            return [None] * n_years, remark
        if len(cells) < need:
            self.log.warning("plan_cells_missing",
                             f"card {code}: the 取組内容 row has {len(cells) + len(displaced)} cells for {n_years} "
                             "columns; the last columns are empty", (unit.tags or unit.displaced_tags)[0].first)
            merged = cells + [None] * (need - len(cells))
        elif len(cells) > need:
            merged, penalty, unique = self._merge_cells(entries, need)
            if penalty > 0 or not unique:
                self.log.warning("ambiguous_plan_cells",
                                 f"card {code}: the 取組内容 cells span several lines ({self._tag_snippet(entries)}); "
                                 f"the lines were merged into {need} cells by rule: "
                                 f"{' | '.join(c[0] for c in merged if c)}", entries[0]["line"])
        else:
            merged = cells
        if displaced:
            self.log.warning("plan_cells_displaced",
                             f"card {code}: {len(displaced)} 取組内容 cell(s) written after the year header "
                             f"(line {unit.displaced_tags[0].first}) were put in the first column(s)",
                             unit.displaced_tags[0].first)
        return displaced + merged, remark

    def _tag_entries(self, pieces: list[_Piece]) -> list[dict]:
        """Tag lines → ``{"line", "box", "cells": [(text, [line])], "remark"}`` with cut tags rejoined."""
        entries: list[dict] = []
        box = 0
        carry: tuple[str, int] | None = None
        for p in pieces:
            if p.kind not in "TD":
                continue
            if p.gap:
                box += 1
            raw = self.lines[p.first - 1].strip(" \u3000")
            tokens = [t for t in raw.split(" ") if t]
            tags = list(itertools.takewhile(lambda t: TAG_TOKEN.match(t) is not None, tokens))
            remark = " ".join(tokens[len(tags):])
            cells: list[tuple[str, list[int]]] = []
            for t in tags:
                if carry is not None:
                    t = carry[0] + t
                    lines = [carry[1], p.first]
                    carry = None
                else:
                    lines = [p.first]
                if t.count("【") > t.count("】"):
                    carry = (t, p.first)
                    continue
                cells.append((t, lines))
            entries.append({"line": p.first, "box": box, "cells": cells, "remark": remark})
        if carry is not None:
            entries.append({"line": carry[1], "box": box, "cells": [(carry[0], [carry[1]])], "remark": ""})
        return [e for e in entries if e["cells"] or e["remark"]]

    def _merge_cells(self, entries: list[dict], need: int
                     ) -> tuple[list[tuple[str, list[int]]], int, bool]:
        """Merge line cells into ``need`` cells with the least penalty (see ``_plan_cells``)."""
        flat: list[tuple[str, list[int], int, int, bool, bool]] = []  # text, lines, entry, box, first, last
        for i, e in enumerate(entries):
            for j, (text, lines) in enumerate(e["cells"]):
                flat.append((text, lines, i, e["box"], j == 0, j == len(e["cells"]) - 1))
        points = []  # merge point k joins flat[k] and flat[k+1]
        for k in range(len(flat) - 1):
            a, b = flat[k], flat[k + 1]
            if a[2] != b[2] and a[5] and b[4]:
                single = len(entries[a[2]]["cells"]) == 1 and len(entries[b[2]]["cells"]) == 1
                penalty = 0 if a[3] == b[3] and single else (3 if a[3] == b[3] else 10)
                points.append((k, penalty))
        n_merge = len(flat) - need
        best: tuple | None = None
        ties = 0
        for combo in itertools.combinations(points, n_merge):
            ks = {k for k, _ in combo}
            groups: list[list[int]] = [[0]]
            for k in range(1, len(flat)):
                if k - 1 in ks:
                    groups[-1].append(k)
                else:
                    groups.append([k])
            penalty = sum(p for _, p in combo)
            for g in groups:
                tags = _TAG.findall("".join(flat[k][0] for k in g))
                if len(tags) != len(set(tags)):
                    penalty += 1
            size = max(len(g) for g in groups)
            score = (penalty, size, [-k for k in sorted(ks)])
            if best is None or score[:2] < best[0][:2]:
                best, ties = (score, groups), 1
            elif score[:2] == best[0][:2]:
                ties += 1
                if score < best[0]:
                    best = (score, groups)
        if best is None:
            return [(t, ls) for t, ls, *_ in flat][:need], 99, False
        cells = []
        for g in best[1]:
            text = "".join(flat[k][0] for k in g)
            lines = sorted({n for k in g for n in flat[k][1]})
            cells.append((text, lines))
        return cells, best[0][0], ties == 1

    def _tag_snippet(self, entries: list[dict]) -> str:
        return " / ".join(" ".join(c[0] for c in e["cells"]) for e in entries)

    def _snippet(self, pieces: list[_Piece]) -> str:
        text = " ".join(self.lines[n - 1].strip(" \u3000") for p in pieces for n in p.lines)
        return text[:80] + ("…" if len(text) > 80 else "")

    # ---- checks -----------------------------------------------------------------------------------

    def _check_cards(self, cards: list[HachiojiCard], measures: list[HachiojiMeasure],
                     headers: list[_Header]) -> None:
        """管理番号 sequence per 施策 (gaps, duplicates), cards whose 施策 has no overview page."""
        seen: Counter[str] = Counter(h.code for h in headers)
        for code, count in seen.items():
            if count > 1:
                self.log.error("duplicate_card", f"管理番号 {code} appears {count} times", None)
        by_measure: dict[str, list[int]] = {}
        for c in cards:
            m, _, n = c.code.rpartition("-")
            by_measure.setdefault(m, []).append(int(n))
        codes = {m.code for m in measures}
        for m, numbers in by_measure.items():
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            if missing:
                self.log.warning("check_numbering_gap", f"施策 {m}: 管理番号 {m}-{missing} not found")
            if m not in codes:
                self.log.warning("check_measure_missing", f"cards {m}-… have no 施策 {m} overview page")


# --------------------------------------------------------------------------------------------
# Name line
# --------------------------------------------------------------------------------------------


def _split_name(text: str) -> tuple[str, str] | None:
    """``<名称> <担当>`` → (name, department), split on the last space before a department.

    ``就学手続のオンライン申請化 学務課`` → (``就学手続のオンライン申請化``, ``学務課``);
    ``… 成人保健課 （南大沢保健福祉センター）`` keeps the bracket with the department;
    ``…協議会事業） （参考）`` → department ``（参考）``; ``OSS（Open Source Software）を用いた… 防災課``
    is not split at its first spaces. None when no department ends the line.
    """
    parts = text.split(" ")
    for i in range(1, len(parts)):
        name = " ".join(parts[:i]).strip()
        dept = " ".join(parts[i:]).strip()
        if name and (DEPARTMENT.match(dept) or (i == len(parts) - 1 and DEPARTMENT_NOTE.match(dept))):
            return name, dept
    return None


def _department_only(text: str) -> bool:
    """A 担当 written alone: ``デジタル推進課ほか`` (short, no digits, ends with a department suffix)."""
    return bool(DEPARTMENT.match(text)) and len(text) <= 20 and not any(ch.isdigit() for ch in nfkc(text))


# --------------------------------------------------------------------------------------------
# 目標/ＫＰＩ cells
# --------------------------------------------------------------------------------------------


@dataclass
class _Cell:
    marks: list[tuple[str, int]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    text: str | None = None   # set for a "-" cell (one token of a "- -" line)


def _label(text: str) -> str:
    """The label a cell line starts with, for comparing lines: NFKC, bullets removed, cut at the
    first space or colon, digits removed (``・令和5年度事業効果測定`` → ``令和年度事業効果測定``)."""
    key = _LABEL_LEAD.sub("", nfkc(text).strip())
    key = _LABEL_CUT.split(key, maxsplit=1)[0]
    return _LABEL_NOISE.sub("", match_key(key))


def _kpi_label(text: str) -> str:
    """The KPI a mark's text names: its first line cut at the first space, colon or digit
    (``執務室内文書　７１．３％削減`` → ``執務室内文書``, ``先行市調査：国立研究`` → ``先行市調査``)."""
    key = _LABEL_LEAD.sub("", nfkc(text).strip())
    key = _KPI_LABEL_END.split(key, maxsplit=1)[0]
    return match_key(key)


def _same_label(a: str, b: str) -> bool:
    if len(a) < 3 or len(b) < 3:
        return False
    short, long_ = sorted((a, b), key=len)
    return (long_.startswith(short) and len(short) >= 4) or a == b


class _KpiCells:
    """Split a KPI card's 目標/ＫＰＩ pieces into one cell per column.

    Order in the text: optional ``-`` cells (columns the project did not run), an unmarked first
    cell, then for each assessed column its mark(s) with their text, then the last column (the
    target, unmarked). Marks are given to columns from the last assessed one backwards: one mark
    per column, except that a column keeps several marks when they are different KPIs (their
    labels differ and do not occur in each other's text); for the last assessed column a mark
    joins only when its KPI is named again in the following target. The text after the last mark
    is split between the last assessed column and the target column (see ``_split_final``).
    """

    def __init__(self, owner: _DocumentParser, code: str, unit: _Unit, n_years: int, has_tag_remark: bool,
                 remarks: list[str]) -> None:
        self.p = owner
        self.lines = owner.lines
        self.code = code
        self.unit = unit
        self.n = n_years
        self.has_tag_remark = has_tag_remark
        self.remarks = remarks

    def cells(self) -> list[_Cell]:
        pieces = [p for p in self.unit.kpi if p.kind != "P"]
        cells = [_Cell() for _ in range(self.n)]
        i = 0
        dashes: list[tuple[str, int]] = []
        while i < len(pieces) and pieces[i].kind in "ID":
            if pieces[i].kind == "D":
                raw = self.lines[pieces[i].first - 1].strip(" \u3000")
                dashes.extend((t, pieces[i].first) for t in raw.split(" ") if t)
            i += 1
        leading: list[_Piece] = []
        while i < len(pieces) and pieces[i].kind != "M":
            if pieces[i].kind in "XD":
                leading.append(pieces[i])
            i += 1
        groups: list[tuple[tuple[str, int], list[_Piece]]] = []
        for p in pieces[i:]:
            if p.kind == "M":
                mark = MARK_LINE.match(self.lines[p.first - 1]).group("mark")
                groups.append(((mark, p.first), []))
            elif p.kind in "XD" and groups:
                groups[-1][1].append(p)
        col = 0
        for token, line in dashes:
            if col < self.n - 1:
                cells[col].lines.append(line)
                cells[col].text = token
                col += 1
        leading_lines = [n for p in leading for n in p.lines]
        if leading:
            first_text = join_wrapped(self.lines[n - 1] for n in leading_lines)
            if self.has_tag_remark:
                self.remarks.append(first_text)
                leading = []
            elif _YEAR_LED.match(nfkc(first_text).strip()) and len(groups) >= self.n - 1 - col:
                self.remarks.append(first_text)
                self.p.log.warning("baseline_in_kpi_row",
                                   f"card {self.code}: {first_text!r} (a year-labelled figure, the 備考 column) "
                                   "stands before the first mark; kept in remarks, not read as a year's cell",
                                   leading_lines[0])
                leading = []
        if leading:
            if not groups and col == self.n - 1:
                cells[-1].lines.extend(leading_lines)
                return cells
            cells[col].lines.extend(leading_lines)
            col += 1
        assessed = self.n - 1 - col
        if not groups:
            if assessed > 0:
                self.p.log.warning("kpi_marks_missing",
                                   f"card {self.code}: no 【達成】/【未達成】 mark in its 目標/ＫＰＩ row", self.unit.anchor.first)
            return cells
        if assessed <= 0:
            self.p.log.warning("kpi_marks_unplaced",
                               f"card {self.code}: marks found but no assessed column is left after the "
                               "unmarked/`-` cells; the marks were put in the column before the target", groups[0][0][1])
            assessed = 1
            col = self.n - 2
        by_year = self._distribute(groups, assessed)
        for k, members in enumerate(by_year):
            cell = cells[col + k]
            for g in members:
                (mark, line), texts = groups[g]
                cell.marks.append((mark, line))
                if g != len(groups) - 1:
                    cell.lines.extend(n for p in texts for n in p.lines)
        last_year = cells[col + assessed - 1]
        head, tail = self._split_final(groups, by_year[-1])
        last_year.lines.extend(head)
        cells[-1].lines.extend(tail)
        if not tail:
            self.p.log.warning("target_missing", f"card {self.code}: no target text for the last column",
                               groups[-1][0][1])
        return cells

    def _group_text(self, group: tuple[tuple[str, int], list[_Piece]]) -> str:
        return match_key("".join(self.lines[n - 1] for p in group[1] for n in p.lines))

    def _group_label(self, group: tuple[tuple[str, int], list[_Piece]]) -> str:
        """The KPI named by a mark's first text line (see ``_kpi_label``)."""
        for p in group[1]:
            for n in p.lines:
                label = _kpi_label(self.lines[n - 1])
                if label:
                    return label
        return ""

    def _distribute(self, groups: list, n_years: int) -> list[list[int]]:
        """Mark groups → assessed columns (see the class docstring)."""
        m = len(groups)
        if m < n_years:
            self.p.log.warning("kpi_marks_missing",
                               f"card {self.code}: {m} marks for {n_years} assessed columns; the marks were given "
                               "to the last columns, the earlier ones stay unmarked", groups[0][0][1])
            return [[] for _ in range(n_years - m)] + [[g] for g in range(m)]
        years: list[list[int]] = [[] for _ in range(n_years)]
        y = n_years - 1
        years[y].append(m - 1)
        post = self._group_text(groups[-1])
        labels = [self._group_label(g) for g in groups]
        for g in range(m - 2, -1, -1):
            if g + 1 == y:  # exactly one mark left per remaining column
                y -= 1
            elif y > 0:
                members = years[y]
                lab = labels[g]
                related = any(_same_label(lab, labels[o]) for o in members)
                if y == n_years - 1:
                    texts = post + "".join(self._group_text(groups[o]) for o in members if o != m - 1)
                    join = bool(lab) and len(lab) >= 3 and not related and lab in post and texts.count(lab) == 1
                else:
                    texts = "".join(self._group_text(groups[o]) for o in members)
                    join = bool(lab) and len(lab) >= 3 and not related and lab not in texts
                if not join:
                    y -= 1
            years[y].append(g)
        for members in years:
            members.sort()
        return years

    def _split_final(self, groups: list, last_members: list[int]) -> tuple[list[int], list[int]]:
        """Split the text after the last mark into (last assessed column, target column).

        The text is cut into boxes (blank-line separated; a box is also cut after a line closing a
        （対目標：…） bracket). Rules, in order:

        1. the target starts at the first box that repeats a KPI label of the last assessed column
           (``就学手続における…10%（対目標…）`` / ``就学手続における…20%``);
        2. else it starts after the last box with a 対目標 difference (boxes continuing a list,
           ``・…``/``→…``/``※…``/``（…``, stay with the result);
        3. else, by the layout of the lines (``_parallel_start``): at the first ＜…＞ sub-heading, or
           at the first box restating the first line of an earlier box; reported;
        4. else it starts at the box boundary that best halves the text among the boundaries where
           a phrase ends (the box before does not end mid-phrase or inside brackets, the box after
           does not start with a particle, a bracket or a number), a boundary inside a ・-list
           counting as worse. Reported as a guess.
        """
        boxes = self._final_boxes(groups[-1][1])
        if not boxes:
            return [], []
        texts = [join_wrapped(self.lines[n - 1] for n in b) for b in boxes]
        labels = [_label(self.lines[b[0] - 1]) or _label(t) for b, t in zip(boxes, texts, strict=True)]
        group_labels = [labels[0]] + [self._group_label(groups[g]) for g in last_members if g != len(groups) - 1]
        item_labels: list[str] = []
        for j in range(1, len(boxes)):
            if j <= 2:  # the result's first two boxes: the target restates how the result began
                item_labels.extend(_label(self.lines[n - 1]) for k, n in enumerate(boxes[j - 1])
                                   if k == 0 or self.lines[n - 1].lstrip(" \u3000").startswith(("・", "･")))
            if any(_same_label(labels[j], gl) for gl in group_labels if gl) or \
                    (len(labels[j]) >= 4 and labels[j] in item_labels):
                return self._flat(boxes[:j]), self._flat(boxes[j:])
        last_delta = None
        for j, t in enumerate(texts):
            if "対目標" in match_key(t):
                last_delta = j
        if last_delta is not None and last_delta < len(boxes) - 1:
            j = last_delta + 1
            while j < len(boxes) - 1 and _CONTINUATION_START.match(texts[j].strip(" \u3000")):
                j += 1
            return self._flat(boxes[:j]), self._flat(boxes[j:])
        j = self._parallel_start(boxes)
        if j is not None:
            self.p.log.warning("target_split_inferred",
                               f"card {self.code}: the target column is taken to start where the text begins a "
                               f"new item the result column does not have, or restates a line of it: result "
                               f"{join_wrapped(texts[:j])!r}, target {join_wrapped(texts[j:])!r}", boxes[j][0])
            return self._flat(boxes[:j]), self._flat(boxes[j:])
        if len(boxes) == 1:
            self.p.log.warning("target_split_guessed",
                               f"card {self.code}: one text after the last mark; read as the target, the "
                               "assessed column keeps only its mark", boxes[0][0])
            return [], self._flat(boxes)
        j = self._best_boundary(texts, ["\n".join(self.lines[n - 1].strip(" \u3000") for n in b) for b in boxes])
        self.p.log.warning("target_split_guessed",
                           f"card {self.code}: the last assessed result and the target are not told apart by a "
                           f"repeated label or a 対目標 difference; split where a phrase ends nearest the middle: "
                           f"result {join_wrapped(texts[:j])!r}, target {join_wrapped(texts[j:])!r}", boxes[j][0])
        return self._flat(boxes[:j]), self._flat(boxes[j:])

    def _parallel_start(self, boxes: list[list[int]]) -> int | None:
        """Rule 3 of ``_split_final``: the box that starts the target column, or None. The two
        columns are written in parallel, so the target is recognised by how it mirrors the result:

        a. the first box opening with a sub-heading (``＜戸籍情報システム＞``) when no earlier box
           has one: the target lists per-system steps the result did not;
        b. the box after the last earlier box equal to the final box: both columns end alike
           (``…検討・推進 / 各部署での業務見直しの実行`` | ``…業務改善 / 各部署での業務見直しの実行``);
        c. the first box whose first line repeats a line written before it: the target restates
           the result's phrase with the next step (``標準準拠システム及び / ガバメントクラウド /
           移行準備`` | ``標準準拠システム及び / ガバメントクラウド / 移行適合確認``).
        """
        keys = [[match_key(self.lines[n - 1]) for n in b] for b in boxes]
        firsts = [k[0] for k in keys]
        for j in range(1, len(boxes)):
            if _SUB_HEADING.match(firsts[j]) and not any(_SUB_HEADING.match(f) for f in firsts[:j]):
                return j
        whole = ["".join(k) for k in keys]
        for j in range(len(boxes) - 2, 0, -1):
            if len(whole[-1]) >= 4 and whole[j - 1] == whole[-1]:
                return j
        for j in range(1, len(boxes)):
            if len(firsts[j]) >= 4 and any(firsts[j] in k for k in keys[:j]):
                return j
        return None

    def _final_boxes(self, pieces: list[_Piece]) -> list[list[int]]:
        """Boxes of the text after the last mark; a box is cut after a line that closes a
        （対目標：…） bracket; a single box of several lines is cut into its lines."""
        boxes: list[list[int]] = []
        for p in pieces:
            if p.kind not in "XD":
                continue
            cur: list[int] = []
            for n in p.lines:
                cur.append(n)
                text = match_key("".join(self.lines[k - 1] for k in cur))
                if "対目標" in text and text.endswith(")") and text.count("(") <= text.count(")"):
                    boxes.append(cur)
                    cur = []
            if cur:
                boxes.append(cur)
        if len(boxes) == 1 and len(boxes[0]) > 1:
            boxes = [[n] for n in boxes[0]]
        return boxes

    @staticmethod
    def _best_boundary(texts: list[str], texts_lines: list[str]) -> int:
        """Index of the box that starts the target (see ``_split_final`` rule 3); ``texts_lines``
        are the boxes' lines joined with newlines (to see list items)."""
        total = sum(len(t) for t in texts)
        best: tuple[float, int] | None = None
        left = ""
        for j in range(1, len(texts)):
            left += texts[j - 1]
            prev, nxt = texts[j - 1].strip(" \u3000"), texts[j].strip(" \u3000")
            inside = left.count("（") + left.count("(") > left.count("）") + left.count(")")
            if _OPEN_END.search(prev) or inside or _FRESH_START_NOT.match(nxt) or len(match_key(nxt)) <= 2:
                continue
            score = abs(len(left) - total / 2)
            if nxt.startswith(("・", "･")) and _LIST_ITEM.search("\n".join(texts_lines[:j])):
                score += 20  # inside a ・ list
            if nxt.startswith(("＜", "〈", "<", "【")):
                score -= 5  # a sub-heading (＜戸籍情報システム＞) opens a new cell
            if best is None or score <= best[0]:
                best = (score, j)
        if best is None:
            j = len(texts) - 1
            while j > 1 and (_OPEN_END.search(texts[j - 1].strip(" \u3000")) or
                             _FRESH_START_NOT.match(texts[j].strip(" \u3000"))):
                j -= 1
            return j
        return best[1]

    @staticmethod
    def _flat(boxes: Iterable[list[int]]) -> list[int]:
        return [n for b in boxes for n in b]
