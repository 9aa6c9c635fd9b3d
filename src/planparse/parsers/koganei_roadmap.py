"""小金井市DX推進方針 アクションプラン: 取組 tables with roadmaps (format ``koganei_roadmap``).

The document is a PDF converted to Markdown: ``#`` headings, tab-separated table rows, some
``<b>``/``<p>``/``**`` markup. What is read (../shared/notes/koganei_roadmap.md maps the document;
docs/formats/koganei_roadmap.md documents every rule):

* the **cover**: the title lines up to the plan period line ``令和8(2026)年度～令和10(2028)年度``;
* **【Vision …】 banners** (``# 実現したい未来 【Vision I】 市民にやさしい``, ``**【Vision3】 基盤の整備**`` …):
  the Visions (policies) and the Vision of each 取組 page;
* the **Vision overview tables** (header ``取組 | | 重点取組 (※) | 担当部署 … | ・関連性の高い取組 …``):
  per 取組 its number (circled glyph), name, 重点取組 ``○``, 担当部署 with ◎ ○ ● roles and the
  ``(関連)`` / ``(ステップ)`` links;
* every **取組 page**: the heading row ``取組<glyph> | <name> [重点取組] | 担当部署 | <departments>``,
  the 取組概要 / 取組背景 / アウトカムの視点 texts in any of their four layouts, free-standing ``※`` notes,
  then the **個別取組 table** (two header rows: labels, then the fiscal years of the roadmap
  columns), one 個別取組 per row, ending at the first line without a tab.

The 取組 number is taken from the overview table (name match) and the order of the headings,
not from the heading's glyph alone; disagreements are ``check_`` warnings. Markup and markdown
separator rows are noise: removed or skipped and reported. Roadmap cells lost their merged span in
the conversion: an empty cell continues the nearest filled cell to its left (flagged inferred);
all-empty roadmaps stay empty and are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import (
    BOLD,
    CIRCLED_NUMBER,
    HTML_TAG,
    circled_to_int,
    clean_cell,
    find_fiscal_years,
    join_wrapped,
    match_key,
    nfkc,
    parse_fiscal_year_range,
    roman_to_int,
    split_departments,
    strip_markup,
    to_int,
)
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import IssueLog, ParseResult
from planparse.schemas.koganei_roadmap import (
    NOTE_MARK,
    KoganeiDepartment,
    KoganeiItem,
    KoganeiLink,
    KoganeiMeasure,
    KoganeiRoadmap,
    KoganeiRoadmapCell,
    KoganeiVision,
)

# Markers on match-key text (tabs removed): the 個別取組 table header
# "個別取組\t評価指標\t目標値等\t取組のロードマップ", "担当部署" headings, 【Vision…】 banners.
_MARKERS = [
    Marker(r"個別取組評価指標目標値等", 0.5, min_count=2),
    Marker(r"取組のロードマップ", 0.2),
    Marker(r"担当部署", 0.1, min_count=2),
    Marker(r"【Vision", 0.2),
]

# "-----\t---------------------------------\t------\t---": a markdown table separator row
SEPARATOR_ROW = regex.compile(r"^[\s|:]*-{3,}[\s\-|:]*$")
# "# 実現したい未来 " / "## ": markdown heading marks
HEADING_MARKS = regex.compile(r"^\s*#{1,6}\s*")
# "# 実現したい未来 【Vision I】 市民にやさしい" / "**【Vision3】 基盤の整備**" / "【Vision2】 職員が働きやすい"
VISION_BANNER = regex.compile(r"【\s*Vision\s*(?P<numeral>[^】\s]+)\s*】\s*(?P<name>.*?)\s*$", regex.IGNORECASE)
# "取組①" / "取組⑬" (heading's first cell; the glyph may be wrong) / "取組11"
MEASURE_LABEL = regex.compile(r"^取組\s*(?P<glyph>[\p{No}0-9０-９]{1,3})$")
# "<b>フロントヤード改革の推進</b> <b>重点取組</b>" → the trailing 重点取組 tag (after markup removal)
PRIORITY_TAG = regex.compile(r"(?:^|\s)重点取組$")
# "◎全ての課・窓口所管課・管財課 ○自治体DX推進担当・情報システム課": a role mark and its group
ROLE_GROUP = regex.compile(r"(?P<mark>[◎○◯●])(?P<names>[^◎○◯●]*)")
ROLES = {"◎": "lead", "○": "support", "◯": "support", "●": "member"}
# "(関連)③・④・⑧ (ステップ)④→①" / "(ステップ) ⑭→①・⑧・⑨"
LINK_LABEL = regex.compile(r"[(（]\s*(?P<label>関連|ステップ)\s*[)）]")
LINK_TYPES = {"関連": "related", "ステップ": "step"}
# "④→①": the stages of a ステップ chain
STEP_ARROW = regex.compile(r"→|⇒|->")
# "取組概要 デジタル技術を…" / "取組背景" / "アウトカムの視点 (=あるべき姿)" / "アウトカムの視点 （=あるべき姿） …"
DESCRIPTION_LABEL = regex.compile(
    r"^(?P<label>取組概要|取組背景|アウトカムの視点)\s*(?:[(（]\s*[=＝]\s*あるべき姿\s*[)）])?\s*(?P<rest>.*)$",
    regex.DOTALL,
)
DESCRIPTION_FIELDS = {"取組概要": "overview", "取組背景": "background", "アウトカムの視点": "outcome"}
# "(=あるべき姿)  ": the second line of the outcome label (L187)
OUTCOME_LABEL_TAIL = regex.compile(r"^[(（]\s*[=＝]\s*あるべき姿\s*[)）]\s*(?P<rest>.*)$", regex.DOTALL)
# "※新庁舎も見据えつつ、可能なものから導入": a free-standing note of the 取組 page
NOTE_LINE = regex.compile(r"^※")
# "オンライン申請【行かない】 【待たない】【書かない】": bracket tags in a 個別取組 name
TAG = regex.compile(r"【[^【】]*】")
# "デジタルデバйд": letters of a script a Japanese plan does not use (conversion noise)
FOREIGN_LETTERS = regex.compile(
    r"(?:(?![\p{Han}\p{Hiragana}\p{Katakana}\p{Latin}\p{Common}\p{Inherited}])\p{L})+")
# "<b>", "</p>", "<p style=…>", "**": markup removed from stored text
MARKUP = regex.compile(rf"{HTML_TAG.pattern}|{BOLD.pattern}")
_SPACES = regex.compile(r"[ \t\u3000]+")

# 個別取組 table header labels (match keys) → column role
ITEM_COLUMNS = {"個別取組": "name", "評価指標": "indicator", "目標値等": "target",
                "取組のロードマップ": "roadmap", "主担当": "departments"}
_ITEM_REQUIRED = ("name", "indicator", "target", "departments")


@dataclass
class _OverviewRow:
    """A row of a Vision overview table, cells as written (markup removed)."""

    number: int
    glyph: str
    name: str
    priority_mark: str | None
    departments: list[KoganeiDepartment]
    links: list[KoganeiLink]
    vision_code: str | None
    line: int


@dataclass
class _Block:
    """One 取組 page: heading, texts and the rows of its 個別取組 table."""

    line: int
    glyph: str | None
    written_number: int | None
    name: str
    priority: bool
    departments: list[KoganeiDepartment]
    vision_code: str | None
    texts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    other_texts: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    rows: list[tuple[int, int, list[str | None]]] = field(default_factory=list)  # (line, last line, cells)
    columns: dict[str, int] = field(default_factory=dict)
    year_columns: list[int] = field(default_factory=list)
    table_line: int | None = None
    end_line: int = 0


@dataclass
class _VisionSeen:
    code: str
    numeral: str
    names: list[tuple[str, int]] = field(default_factory=list)


def _text(cell: str) -> str:
    """A cell or line as stored: markup removed, whitespace runs collapsed, ends trimmed."""
    return _SPACES.sub(" ", strip_markup(cell)).strip()


def vision_code(numeral: str) -> str | None:
    """ASCII code of a Vision numeral: ``I``/``Ⅰ`` → ``1``, ``2``/``２`` → ``2``; None otherwise."""
    n = to_int(numeral)
    if n is None:
        n = roman_to_int(numeral)
    return str(n) if n else None


def measure_number(glyph: str) -> int | None:
    """取組 number of a glyph as written: ``⑪`` → 11, ``11``/``１１`` → 11; None otherwise."""
    return circled_to_int(glyph) if len(glyph) == 1 and circled_to_int(glyph) else to_int(glyph)


def parse_departments(text: str, line: int, log: IssueLog, what: str) -> list[KoganeiDepartment]:
    """Split a 担当部署 cell into departments with roles.

    Input: ``◎全ての課・窓口所管課・管財課 ○自治体DX推進担当・情報システム課`` (groups, each opened by a
    role mark ◎ ○ ●; names within a group separated by ``・``). Output: departments in order. Text
    before the first mark gets role None and a ``department_without_role`` warning.
    """
    out: list[KoganeiDepartment] = []
    first = ROLE_GROUP.search(text)
    head = text[: first.start() if first else len(text)].strip()
    if head:
        log.warning("department_without_role", f"{what}: 担当部署 {head!r} has no ◎/○/● mark; role left empty", line)
        out.extend(KoganeiDepartment(name=n, mark=None, role=None) for n in split_departments(head, "・"))
    for m in ROLE_GROUP.finditer(text):
        mark = m.group("mark")
        out.extend(KoganeiDepartment(name=n, mark=mark, role=ROLES[mark])
                   for n in split_departments(m.group("names"), "・"))
    return out


def parse_links(text: str, line: int, log: IssueLog, what: str) -> list[KoganeiLink]:
    """Read the ``・関連性の高い取組 ・取組のステップ`` cell of an overview row.

    Input: ``(関連)③・④・⑧ (ステップ)④→①`` / ``(関連)⑨⑪`` / ``(ステップ) ⑭→①・⑧・⑨``. Output: one
    ``related`` link per glyph after (関連) and, for (ステップ), every glyph of the chain with its
    ``position`` (stages separated by →). Text that is neither a label nor a glyph is reported
    (``unparsed_link_text``).
    """
    if not text:
        return []
    labels = list(LINK_LABEL.finditer(text))
    leftover = text[: labels[0].start() if labels else len(text)]
    out: list[KoganeiLink] = []
    for k, m in enumerate(labels):
        segment = text[m.end(): labels[k + 1].start() if k + 1 < len(labels) else len(text)]
        link_type = LINK_TYPES[m.group("label")]
        stages = STEP_ARROW.split(segment) if link_type == "step" else [segment]
        for position, stage in enumerate(stages, start=1):
            for g in CIRCLED_NUMBER.finditer(stage):
                out.append(KoganeiLink(link_type=link_type, number=circled_to_int(g.group()) or 0,
                                       position=position if link_type == "step" else None, raw=text))
        leftover += CIRCLED_NUMBER.sub("", STEP_ARROW.sub("", segment))
    leftover = regex.sub(r"[\s・、,]", "", leftover)
    if leftover:
        log.warning("unparsed_link_text", f"{what}: text {leftover!r} of the links cell {text!r} is neither "
                    "a (関連)/(ステップ) label nor a circled 取組 number; not read as a link", line)
    return out


def fill_roadmap(years: Sequence[int], written: Sequence[str | None]) -> list[KoganeiRoadmapCell]:
    """Apply the merged-cell rule to one row's roadmap cells.

    Input: the fiscal years of the columns and the cells as written (None = empty). Output: one
    cell per year; an empty cell takes the plan of the nearest filled cell to its left and is
    flagged ``inferred``; an empty cell with nothing filled to its left stays None.
    ``["A", None, "B"]`` → A, A (inferred), B.
    """
    out: list[KoganeiRoadmapCell] = []
    last: str | None = None
    for fy, text in zip(years, written, strict=True):
        if text:
            last = text
            out.append(KoganeiRoadmapCell(fiscal_year=fy, written=text, plan=text))
        else:
            out.append(KoganeiRoadmapCell(fiscal_year=fy, written=None, plan=last, inferred=last is not None))
    return out


class KoganeiRoadmapParser(Parser):
    format = "koganei_roadmap"
    description = "小金井市DX推進方針 アクションプラン (取組 tables with roadmaps)"
    municipality_code = "132101"
    municipality_name = "小金井市"
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)
    views: ClassVar[dict[str, str]] = {
        # One row per 個別取組 and roadmap year, with its 取組 (重点取組 flag) and Vision, whether the year's
        # plan was written or inferred from a merged cell, and the ※ note it refers to.
        "koganei_roadmap": """
            SELECT i.document_id, m.policy_code AS vision_code, m.policy_name AS vision_name,
                   m.code AS measure_code, m.name AS measure_name, m.is_priority,
                   i.code AS initiative_code, i.name AS initiative_name, i.tags, i.indicator, i.target_text,
                   i.lead_department, i.departments, a.fiscal_year, a.plan, a.plan_inferred, a.note,
                   i.source_line_start AS source_line
            FROM annual_entries a
            JOIN initiatives i USING (initiative_id)
            JOIN documents d ON d.document_id = i.document_id
            LEFT JOIN measures m ON m.measure_id = i.measure_id
            WHERE d.format = 'koganei_roadmap'
        """,
    }
    view_comments: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {
        "koganei_roadmap": (
            "One row per Koganei 個別取組 and roadmap fiscal year, with its 取組 and Vision; plan_inferred marks "
            "a year read from a merged roadmap cell.",
            {
                "document_id": "Document the 個別取組 comes from.",
                "vision_code": "Vision number (the policy level: 【Vision1】 → 1).",
                "vision_name": "Vision name as written.",
                "measure_code": "取組 number (取組⑧ → 8).",
                "measure_name": "取組 name as written.",
                "is_priority": "True for a 重点取組.",
                "initiative_code": "`<取組 number>-<row number>` of the 個別取組 (8-3 = third row of 取組⑧).",
                "initiative_name": "個別取組 name as written.",
                "tags": "The 個別取組's 【…】 tags as written (【迷わない】, 【書かない】 …).",
                "indicator": "評価指標 as written.",
                "target_text": "目標値等 as written.",
                "lead_department": "First 担当部署 (◎ lead where marked).",
                "departments": "Every 担当部署, lead first.",
                "fiscal_year": "Roadmap fiscal year (Gregorian start year: 令和8年度 = 2026).",
                "plan": "The roadmap cell's text for that year.",
                "plan_inferred": "True when the year's cell was empty and read as the continuation of the cell "
                                 "to its left (merged cell).",
                "note": "The ※ note of the roadmap, as written.",
                "source_line": "First line of the 個別取組 in the extracted text (1-based).",
            },
        ),
    }

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """個別取組 tables (評価指標, 目標値等, 取組のロードマップ) under 【Vision…】 banners."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the Visions, 取組 and 個別取組 of the action plan (see the module docstring).

        Input: the document as a ``SourceDocument`` (its ``lines``; 1-based line numbers are kept
        as provenance). Output: ``ParseResult`` with a ``KoganeiRoadmap`` record and the issues met:
        warnings for irregularities handled by a rule, errors where data could not be placed.
        Never raises on irregular input.
        """
        return _Reader(doc.lines, IssueLog(), self.municipality_code, self.municipality_name).read()


class _Reader:
    """One pass over the lines, then the 取組 numbers are resolved and the records assembled."""

    def __init__(self, lines: Sequence[str], log: IssueLog, code: str, name: str) -> None:
        self.lines = lines
        self.log = log
        self.municipality_code = code
        self.municipality_name = name
        self.visions: dict[str, _VisionSeen] = {}
        self.vision: str | None = None
        self.overview: list[_OverviewRow] = []
        self.blocks: list[_Block] = []

    # -- the pass ------------------------------------------------------------------------------

    def read(self) -> ParseResult:
        title, start_fy, end_fy, first = self._cover()
        i = first
        n = len(self.lines)
        while i < n:
            raw = self.lines[i]
            if not raw.strip():
                i += 1
            elif SEPARATOR_ROW.match(raw):
                self._separator(i + 1)
                i += 1
            elif "\t" in raw:
                cells = raw.split("\t")
                if _is_overview_header(cells):
                    i = self._overview_table(i)
                elif _heading_match(cells):
                    i = self._block(i)
                elif _item_columns(cells):
                    self.log.error("table_without_heading", "a 個別取組 table without a 取組 heading above it: "
                                   "its rows cannot be given a 取組 number and are not extracted", i + 1)
                    i = self._skip_table(i)
                else:
                    if self.overview:
                        self._unrecognised(i + 1, cells)
                    i += 1
            else:
                self._banner(raw, i + 1)
                i += 1
        return self._assemble(title, start_fy, end_fy)

    def _cover(self) -> tuple[str | None, int | None, int | None, int]:
        """Title (non-empty lines before the plan period line), the period, and where to go on."""
        parts: list[str] = []
        for idx, raw in enumerate(self.lines):
            if "\t" in raw or VISION_BANNER.search(raw):
                break
            text = _text(HEADING_MARKS.sub("", raw))
            if not text:
                continue
            years = [y for y in find_fiscal_years(text) if y.is_fiscal]
            if len(years) >= 2:
                start, end = parse_fiscal_year_range(text)
                return " ".join(parts) or None, start, end, idx + 1
            parts.append(text)
        self.log.warning("no_plan_period", "no plan period line (令和X年度～令和Y年度) before the first table; "
                         "the plan period is taken from the roadmap columns")
        return (parts[0] if parts else None), None, None, 0

    def _banner(self, raw: str, line: int) -> None:
        m = VISION_BANNER.search(_text(HEADING_MARKS.sub("", raw)))
        if not m:
            return
        numeral = m.group("numeral")
        code = vision_code(numeral)
        if code is None:
            code = nfkc(numeral)
            self.log.warning("vision_numeral", f"Vision numeral {numeral!r} is neither a digit nor a roman "
                             "numeral; kept as the code", line)
        seen = self.visions.setdefault(code, _VisionSeen(code=code, numeral=numeral))
        if m.group("name"):
            seen.names.append((m.group("name"), line))
        self.vision = code
        self._markup(raw, line, "Vision banner")

    def _separator(self, line: int) -> None:
        self.log.warning("markdown_separator_row",
                         "markdown table separator row (-----) is conversion noise; skipped", line)

    def _unrecognised(self, line: int, cells: Sequence[str]) -> None:
        text = " | ".join(c.strip() for c in cells if c.strip())
        self.log.warning("unrecognised_row", f"tab-separated row outside any known table, not read: {text[:200]}",
                         line)

    def _markup(self, raw: str, line: int, what: str) -> None:
        tags = list(dict.fromkeys(m.group() for m in MARKUP.finditer(raw)))
        if tags:
            self.log.warning("markup_stripped", f"{what}: markup {' '.join(tags)[:120]} is conversion noise, "
                             "removed before the text was read (the text itself is kept as written)", line)

    def _noise(self, text: str | None, line: int, what: str) -> None:
        for m in FOREIGN_LETTERS.finditer(text or ""):
            script = _script_name(m.group())
            self.log.warning("foreign_script_noise",
                             f"{what}: {script} letters {m.group()!r} inside {text!r} (conversion noise?); "
                             "kept as written", line)

    # -- overview tables -------------------------------------------------------------------------

    def _overview_table(self, i: int) -> int:
        """Read a Vision overview table starting at header index ``i``; return the index after it."""
        header = [match_key(strip_markup(c)) for c in self.lines[i].split("\t")]
        col = {
            "number": header.index("取組"),
            "priority": next((k for k, h in enumerate(header) if h.startswith("重点取組")), None),
            "departments": next((k for k, h in enumerate(header) if h.startswith("担当部署")), None),
            "links": next((k for k, h in enumerate(header) if "関連" in h or "ステップ" in h), None),
        }
        col["name"] = next((k for k, h in enumerate(header) if k > col["number"] and not h), col["number"] + 1)
        j = i + 1
        while j < len(self.lines) and "\t" in self.lines[j]:
            raw = self.lines[j]
            line = j + 1
            j += 1
            if SEPARATOR_ROW.match(raw):
                self._separator(line)
                continue
            cells = raw.split("\t")

            def cell(name: str, cells: list[str] = cells) -> str:
                k = col.get(name)
                return _text(cells[k]) if k is not None and k < len(cells) else ""

            glyph = cell("number")
            number = measure_number(glyph) if glyph else None
            if number is None:
                self._unrecognised(line, cells)
                continue
            what = f"overview row {glyph}"
            priority = cell("priority") or None
            if priority and priority not in ("○", "◯"):
                self.log.warning("unknown_priority_mark", f"{what}: 重点取組 cell {priority!r} is not ○; "
                                 "read as 重点取組", line)
            self._markup(raw, line, what)
            self.overview.append(_OverviewRow(
                number=number, glyph=glyph, name=cell("name"), priority_mark=priority,
                departments=parse_departments(cell("departments"), line, self.log, what),
                links=parse_links(cell("links"), line, self.log, what), vision_code=self.vision, line=line,
            ))
        return j

    # -- 取組 pages ------------------------------------------------------------------------------

    def _block(self, i: int) -> int:
        """Read one 取組 page from its heading at index ``i``; return the index after its table."""
        raw = self.lines[i]
        line = i + 1
        cells = [_text(c) for c in raw.split("\t")]
        glyph = _heading_match(raw.split("\t")).group("glyph")  # type: ignore[union-attr]
        keys = [match_key(c) for c in cells]
        d = keys.index("担当部署") if "担当部署" in keys else len(cells)
        name = _SPACES.sub(" ", " ".join(c for c in cells[1:d] if c)).strip()
        priority = bool(PRIORITY_TAG.search(name))
        name = PRIORITY_TAG.sub("", name).strip()
        what = f"取組{glyph} heading"
        self._markup(raw, line, what)
        self._noise(name, line, what)
        block = _Block(line=line, glyph=glyph, written_number=measure_number(glyph), name=name, priority=priority,
                       departments=parse_departments(" ".join(c for c in cells[d + 1:] if c), line, self.log, what),
                       vision_code=self.vision, end_line=line)
        tokens: list[tuple[int, str]] = []
        j = i + 1
        while j < len(self.lines):
            raw = self.lines[j]
            if not raw.strip():
                j += 1
                continue
            if SEPARATOR_ROW.match(raw):
                self._separator(j + 1)
                j += 1
                continue
            cells_raw = raw.split("\t")
            if "\t" in raw and _item_columns(cells_raw):
                j = self._item_table(block, j)
                break
            if ("\t" in raw and (_heading_match(cells_raw) or _is_overview_header(cells_raw))) or \
                    VISION_BANNER.search(raw):
                self.log.warning("measure_without_table", f"取組{glyph} ({name}) has no 個別取組 table before "
                                 "the next heading; it has no 個別取組", line)
                break
            self._markup(raw, j + 1, f"取組{glyph} text")
            tokens.extend((j + 1, _text(c)) for c in cells_raw)
            block.end_line = j + 1
            j += 1
        else:
            self.log.warning("measure_without_table", f"取組{glyph} ({name}) has no 個別取組 table", line)
        self._texts(block, tokens)
        self.blocks.append(block)
        return j

    def _texts(self, block: _Block, tokens: list[tuple[int, str]]) -> None:
        """Place the page's text tokens under the 取組概要 / 取組背景 / アウトカムの視点 labels.

        Tokens are the lines (or, for tab rows, the cells) between the heading and the table. A
        label starts a field; its text is the rest of the token (``取組概要 …``) or the following
        tokens (``取組背景\\ttext``, ``**取組背景**`` + next line). A ``(=あるべき姿)`` token right
        after a bare outcome label is the label's second line. ``※`` lines are notes.
        """
        parts: dict[str, list[str]] = {}
        current: str | None = None
        for line, text in tokens:
            if not text:
                continue
            if NOTE_LINE.match(text):
                block.notes.append(text)
                continue
            m = DESCRIPTION_LABEL.match(text)
            if m:
                current = DESCRIPTION_FIELDS[m.group("label")]
                if current in parts:
                    self.log.warning("duplicate_description_label", f"取組{block.glyph}: a second "
                                     f"{m.group('label')} label; its text is appended to the first", line)
                parts.setdefault(current, [])
                if m.group("rest").strip():
                    parts[current].append(m.group("rest").strip())
                continue
            tail = OUTCOME_LABEL_TAIL.match(text)
            if current == "outcome" and not parts["outcome"] and tail:
                if tail.group("rest").strip():
                    parts["outcome"].append(tail.group("rest").strip())
                continue
            self._noise(text, line, f"取組{block.glyph} text")
            if current is None:
                self.log.warning("unlabelled_text", f"取組{block.glyph}: text before any 取組概要/取組背景/"
                                 f"アウトカムの視点 label is kept in the 取組's description: {text[:80]!r}", line)
                block.other_texts.append(text)
                continue
            parts[current].append(text)
        for label, key in DESCRIPTION_FIELDS.items():
            if parts.get(key):
                block.texts[key] = join_wrapped(parts[key])
            else:
                self.log.warning("missing_description", f"取組{block.glyph} ({block.name}) has no {label} text",
                                 block.line)

    def _item_table(self, block: _Block, i: int) -> int:
        """Read the 個別取組 table whose first header row is at index ``i``; return the index after it."""
        columns = _item_columns(self.lines[i].split("\t")) or {}
        block.columns = columns
        block.table_line = i + 1
        j = i + 1
        # the years are in the first header row, or in a second header row (its 個別取組 cell empty)
        years = self._year_columns(i)
        if not years and j < len(self.lines) and "\t" in self.lines[j]:
            second = self.lines[j].split("\t")
            if columns["name"] >= len(second) or not second[columns["name"]].strip():
                years = self._year_columns(j)
                j += 1 if years else 0
        block.year_columns = [k for k, _ in years]
        block.years = [y for _, y in years]
        if not block.years:
            self.log.error("roadmap_years_missing", f"取組{block.glyph}: the 個別取組 table has no fiscal-year header "
                           "row; its roadmap cells cannot be placed and are not extracted", i + 1)
        width = max([*columns.values(), *block.year_columns]) + 1
        while j < len(self.lines) and "\t" in self.lines[j]:
            raw = self.lines[j]
            line = j + 1
            j += 1
            if SEPARATOR_ROW.match(raw):
                self._separator(line)
                continue
            cells: list[str | None] = [clean_cell(c) for c in raw.split("\t")]
            self._markup(raw, line, f"取組{block.glyph} 個別取組 row")
            extra = [c for c in cells[width:] if c]
            if extra:
                self.log.error("extra_cells", f"取組{block.glyph}: cells beyond the table's {width} columns are not "
                               f"extracted: {' | '.join(extra)[:200]}", line)
            cells = (cells + [None] * width)[:width]
            if not any(cells):
                continue
            if not cells[columns["name"]] and block.rows:
                prev_line, _, prev = block.rows[-1]
                merged = [" ".join(x for x in (a, b) if x) or None for a, b in zip(prev, cells, strict=True)]
                block.rows[-1] = (prev_line, line, merged)
                self.log.warning("row_continuation", f"取組{block.glyph}: a row with an empty 個別取組 cell is read as "
                                 "the continuation of the row above (cells joined with a space)", line)
                continue
            block.rows.append((line, line, cells))
        block.end_line = j
        return j

    def _year_columns(self, i: int) -> list[tuple[int, int]]:
        """``(column, fiscal year)`` of the header row at index ``i`` (``令和8(2026)年度`` → 2026)."""
        years: list[tuple[int, int]] = []
        for k, c in enumerate(self.lines[i].split("\t")):
            found = find_fiscal_years(c)
            if found:
                if found[0].conflict:
                    self.log.warning("fiscal_year_conflict", f"roadmap header {c.strip()!r}: the era year "
                                     "and the Gregorian year disagree; the era year is used", i + 1)
                years.append((k, found[0].fiscal_year))
        return years

    def _skip_table(self, i: int) -> int:
        j = i + 1
        while j < len(self.lines) and "\t" in self.lines[j]:
            j += 1
        return j

    # -- assembly --------------------------------------------------------------------------------

    def _assemble(self, title: str | None, start_fy: int | None, end_fy: int | None) -> ParseResult:
        self._check_overview_sequence()
        measures: list[KoganeiMeasure] = []
        items: list[KoganeiItem] = []
        fiscal_years: list[int] = []
        by_key = {match_key(o.name): o for o in self.overview}
        by_number = {o.number: o for o in self.overview}
        used: set[int] = set()
        previous = 0
        for block in self.blocks:
            number, row = self._number(block, previous, by_key, by_number)
            if number in used:
                self.log.error("duplicate_measure_number",
                               f"取組{block.glyph} ({block.name}) resolves to 取組 number {number}, which is already "
                               f"taken; its {len(block.rows)} 個別取組 are not extracted", block.line)
                continue
            used.add(number)
            previous = number
            measures.append(self._measure(block, number, row, len(measures) + 1))
            if block.years and not fiscal_years:
                fiscal_years = list(block.years)
            elif block.years and block.years != fiscal_years:
                self.log.warning("check_roadmap_years", f"取組{number}: roadmap years {block.years} differ from the "
                                 f"first table's {fiscal_years}; this table's own years are used", block.table_line)
            items.extend(self._items(block, number, len(items)))
        for o in self.overview:
            if o.number not in used:
                self.log.warning("check_measure_without_page", f"overview row {o.glyph} {o.name} has no 取組 page; "
                                 "the 取組 is kept from the overview row alone, without 個別取組", o.line)
                measures.append(self._measure_from_overview(o, len(measures) + 1))
                used.add(o.number)
        measures.sort(key=lambda m: m.number)
        for seq, m in enumerate(measures, start=1):
            m.seq = seq
        self._check_departments(measures, items)
        if start_fy is not None and end_fy is not None and fiscal_years and \
                not set(fiscal_years) <= set(range(start_fy, end_fy + 1)):
            self.log.warning("check_plan_period", f"roadmap years {fiscal_years} fall outside the plan period "
                             f"{start_fy}-{end_fy} stated on the cover")
        if not items:
            self.log.error("no_records", "no 個別取組 rows found: no 取組 heading followed by a 個別取組 table")
        if title and self.municipality_name not in title:
            self.log.warning("municipality_not_in_title",
                             f"the title {title!r} does not name {self.municipality_name}")
        record = KoganeiRoadmap(
            title=title, municipality_code=self.municipality_code, municipality_name=self.municipality_name,
            plan_start_fy=start_fy, plan_end_fy=end_fy, fiscal_years=fiscal_years,
            visions=self._visions(), measures=measures, items=items,
        )
        return ParseResult(record=record, issues=self.log.issues)

    def _check_overview_sequence(self) -> None:
        numbers = [o.number for o in self.overview]
        if numbers and numbers != list(range(1, len(numbers) + 1)):
            self.log.warning("check_overview_sequence", f"the overview tables number the 取組 {numbers}, not "
                             f"1..{len(numbers)}; the numbers are used as written", self.overview[0].line)
        if len(set(numbers)) != len(numbers):
            self.log.warning("check_overview_duplicate", "an overview 取組 number appears twice; the first row "
                             "is used for name matching", self.overview[0].line)

    def _number(self, block: _Block, previous: int, by_key: dict[str, _OverviewRow],
                by_number: dict[int, _OverviewRow]) -> tuple[int, _OverviewRow | None]:
        """The 取組 number of a heading: the overview row with the same name, else the number after
        the previous heading's. A heading glyph that disagrees is reported, never used."""
        named = by_key.get(match_key(block.name))
        following = previous + 1
        number = named.number if named else following
        where = f"line {block.line} 取組{block.glyph} ({block.name})"
        if named is None and self.overview:
            self.log.warning("check_measure_not_in_overview", f"{where}: the name is not in the overview tables; "
                             f"numbered {following} by its place after 取組 {previous}", block.line)
        elif named is not None and named.number != following:
            self.log.warning("check_measure_order", f"{where}: matches overview row {named.glyph} (line "
                             f"{named.line}) but follows 取組 {previous}; the overview number is used", block.line)
        if block.written_number != number:
            basis = (f"its name matches overview row {named.glyph} (line {named.line})" if named
                     else f"it follows 取組 {previous}")
            self.log.warning("check_measure_number_mismatch",
                             f"{where}: the heading glyph {block.glyph!r} is wrong: {basis}; 取組 number {number} "
                             "is used", block.line)
        return number, named or by_number.get(number)

    def _measure(self, block: _Block, number: int, row: _OverviewRow | None, seq: int) -> KoganeiMeasure:
        """Merge a 取組 page with its overview row: the page's own values win; the overview's are
        compared and their differences reported (``check_`` warnings)."""
        what = f"取組 {number} (line {block.line})"
        name = block.name
        variants: list[str] = []
        priority = block.priority
        departments = block.departments
        if row is not None:
            if _squash(row.name) == _squash(block.name):
                name = row.name  # the overview writes the name on one line, without wrap spaces
            else:
                variants.append(row.name)
                self.log.warning("check_measure_name_mismatch", f"{what}: heading name {block.name!r} differs from "
                                 f"the overview's {row.name!r} (line {row.line}); the heading's is kept", block.line)
            if bool(row.priority_mark) != block.priority:
                self.log.warning("check_priority_mismatch",
                                 f"{what}: 重点取組 is {'only in the overview' if row.priority_mark else 'only in the heading'}"
                                 f" (line {row.line}); read as 重点取組", block.line)
                priority = True
            if not departments:
                departments = row.departments
            elif _dept_key(row.departments) != _dept_key(departments):
                self.log.warning("check_measure_departments_mismatch",
                                 f"{what}: 担当部署 of the heading and of the overview (line {row.line}) differ; "
                                 "the heading's are kept", block.line)
            if row.vision_code and block.vision_code and row.vision_code != block.vision_code:
                self.log.warning("check_vision_mismatch", f"{what}: the page banner says Vision {block.vision_code}, "
                                 f"the overview table Vision {row.vision_code}; the overview's is used", block.line)
        if not departments:
            self.log.warning("missing_departments", f"{what}: no 担当部署", block.line)
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

    @staticmethod
    def _measure_from_overview(o: _OverviewRow, seq: int) -> KoganeiMeasure:
        return KoganeiMeasure(
            number=o.number, glyph_written=None, vision_code=o.vision_code, name=o.name,
            is_priority=bool(o.priority_mark), departments=o.departments, links=o.links, seq=seq,
            heading_line=o.line, overview_line=o.line, source_line_end=o.line,
        )

    def _items(self, block: _Block, number: int, done: int) -> list[KoganeiItem]:
        out: list[KoganeiItem] = []
        col = block.columns
        inferred: list[str] = []
        for row_no, (line, last, cells) in enumerate(block.rows, start=1):
            code = f"{number}-{row_no}"
            raw_name = cells[col["name"]] or ""
            tags = TAG.findall(raw_name)
            name = _SPACES.sub(" ", TAG.sub(" ", raw_name)).strip()
            if not name:
                self.log.warning("name_is_only_tags", f"個別取組 {code}: the name is only tags; kept as written", line)
                name = raw_name
            indicator, target = cells[col["indicator"]], cells[col["target"]]
            departments_raw = cells[col["departments"]]
            for label, value in (("評価指標", indicator), ("目標値等", target), ("主担当", departments_raw)):
                if not value:
                    self.log.warning("missing_cell", f"個別取組 {code}: empty {label} cell", line)
            written = [cells[k] for k in block.year_columns]
            roadmap = fill_roadmap(block.years, written)
            self._roadmap_issues(code, roadmap, line)
            if any(c.inferred for c in roadmap):
                inferred.append(code)
            for text in (raw_name, indicator, target, departments_raw, *written):
                self._noise(text, line, f"個別取組 {code}")
            if not block.notes and any(NOTE_MARK in (t or "") for t in (raw_name, indicator, target, *written)):
                self.log.warning("unresolved_note_mark", f"個別取組 {code} has a ※ mark but its 取組 page has no "
                                 "※ note line; nothing is attached to it", line)
            out.append(KoganeiItem(
                code=code, measure_number=number, row=row_no, name=name, tags=tags, indicator=indicator,
                target=target, departments_raw=departments_raw,
                departments=split_departments(departments_raw or "", " "), roadmap=roadmap, line=line,
                line_end=last, seq=done + row_no,
            ))
        if inferred:
            self.log.warning(
                "roadmap_span_inferred",
                f"取組 {number}: empty roadmap cells continue the nearest filled cell to their left (a merged cell "
                f"of the PDF) in {', '.join(inferred)}; those years have annual_entries.plan_inferred = true",
                block.table_line)
        return out

    def _roadmap_issues(self, code: str, roadmap: list[KoganeiRoadmapCell], line: int) -> None:
        if not roadmap:
            return
        if not any(c.written for c in roadmap):
            self.log.warning("roadmap_empty", f"個別取組 {code}: every roadmap cell is empty; no plan is invented "
                             "(annual entries have plan null; a merged cell may have landed in a neighbouring row)",
                             line)
        elif not roadmap[0].written:
            empty = [c.fiscal_year for c in roadmap if not c.plan]
            self.log.warning("roadmap_leading_empty", f"個別取組 {code}: roadmap cells of FY{empty} are empty with "
                             "nothing to their left; plan left null for those years", line)

    def _check_departments(self, measures: list[KoganeiMeasure], items: list[KoganeiItem]) -> None:
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
            self.log.warning("check_department_not_in_measure",
                             f"主担当 {d!r} of 個別取組 {', '.join(it.code for it in its)} is not written as in the 担当部署 "
                             f"of its 取組{hint}; kept as written", its[0].line)

    def _visions(self) -> list[KoganeiVision]:
        out = []
        for seq, v in enumerate(self.visions.values(), start=1):
            names = [n for n, _ in v.names]
            name = names[0] if names else ""
            variants = list(dict.fromkeys(n for n in names if _squash(n) != _squash(name)))
            for variant in variants:
                line = next(ln for n, ln in v.names if n == variant)
                self.log.warning("check_vision_name_variant", f"Vision {v.code} is named {variant!r} here, "
                                 f"{name!r} at line {v.names[0][1]}; the first is kept", line)
            out.append(KoganeiVision(code=v.code, numeral=v.numeral, name=name, seq=seq,
                                     source_line=v.names[0][1] if v.names else 0, name_variants=variants))
        return out


def _is_overview_header(cells: Sequence[str]) -> bool:
    """``取組\\t\\t重点取組 (※)\\t担当部署 (◎主担当、…)\\t・関連性の高い取組 ・取組のステップ``."""
    keys = [match_key(strip_markup(c)) for c in cells]
    return bool(keys) and keys[0] == "取組" and any(k.startswith("担当部署") for k in keys)


def _heading_match(cells: Sequence[str]) -> regex.Match[str] | None:
    """The ``取組<glyph>`` match of a 取組 page heading row (``取組①\\t<b>…</b>\\t担当部署\\t…``), else None."""
    if len(cells) < 2:
        return None
    m = MEASURE_LABEL.match(_text(cells[0]))
    if m and any(match_key(strip_markup(c)) == "担当部署" for c in cells[1:]):
        return m
    return None


def _item_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """Column roles of a 個別取組 table header row (``個別取組\\t評価指標\\t目標値等\\t取組のロードマップ\\t\\t\\t主担当``);
    None when the row is not such a header."""
    columns: dict[str, int] = {}
    for k, c in enumerate(cells):
        role = ITEM_COLUMNS.get(match_key(strip_markup(c)))
        if role and role not in columns:
            columns[role] = k
    return columns if all(r in columns for r in _ITEM_REQUIRED) else None


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _dept_key(departments: Sequence[KoganeiDepartment]) -> list[tuple[str | None, str]]:
    return [(d.role, _squash(d.name)) for d in departments]


def _subsequence(short: str, long: str) -> bool:
    """True when every character of ``short`` appears in ``long`` in order (DX推進担当 ⊂ 自治体DX推進担当)."""
    it = iter(long)
    return len(short) < len(long) and all(ch in it for ch in short)


def _script_name(text: str) -> str:
    for script in ("Cyrillic", "Greek", "Hangul", "Arabic", "Hebrew", "Thai"):
        if regex.match(rf"\p{{{script}}}", text):
            return script
    return "non-Japanese"
