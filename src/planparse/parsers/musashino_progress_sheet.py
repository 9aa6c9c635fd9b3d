"""武蔵野市 施策進捗管理シート (format ``musashino_progress_sheet``): tab-separated Markdown tables.

What is read (see ../shared/notes/musashino_progress_sheet.md for the document map):

* every table (a run of tab-separated lines) whose first row is a header starting with 基本施策;
  the header names the ancestor columns (基本施策 … 取組内容) and, after them, the fiscal years
  (令和5年度 …), which give the years of the sheet;
* a **record row** has digits in the 取組事項番号 column: it opens a 取組事項 and holds its
  ancestors, its 担当課 / 取組内容 and its スケジュール cells;
* the following **sub-rows** are found by their label text (年度目標・取組内容, 達成状況,
  達成状況詳細, 理由・改善策), wherever the label sits (the usual label column, or column 1 in
  left-shifted rows); the values are the cells right after the label, one per fiscal year in
  header order. Headers are never used to place year values (one header layout lies about them).

Irregularities handled by rule, each reported as a ``warning``: second header layout with a
sub-header row, left-shifted rows, stray スケジュール rows after a record, duplicate labels,
ancestor cells that differ between rows, missing targets, unknown status marks, a 理由・改善策
without a shortfall status (or the reverse).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planparse.ingest import SourceDocument
from planparse.memo import LazyPattern, _memo
from planparse.normalize import (
    clean_cell,
    find_fiscal_years,
    int_to_roman,
    match_key,
    roman_to_int,
    status_from_mark,
    to_int,
)
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.parsers.table_cells import Row, TableUnit, strip_hanging, table_rows
from planparse.schemas.base import IssueLog, ParseResult

if TYPE_CHECKING:  # the records are imported when a sheet is read, not with the registry
    from planparse.schemas.musashino_progress_sheet import MusashinoItem, MusashinoMeasure, MusashinoPolicy

# Header labels (compared as match keys) → record field. The row label column is the one after 取組内容.
HEADER_COLUMNS = {
    "基本施策": "policy",
    "施策番号": "measure_number",
    "施策名": "measure_name",
    "目指す姿": "vision",
    "取組番号": "group_number",
    "取組": "group_name",
    "現状と課題": "situation",
    "取組事項番号": "number",
    "取組事項": "name",
    "担当課": "departments",
    "取組内容": "content",
}
_REQUIRED = ("policy", "measure_number", "number", "name", "content")

# Sub-row labels, compared after match_key, dropping "・" and a bracketed tail:
# "年度目標・取組内容" / "年度目標 取組内容" → target; "達成状況 詳細" → detail;
# "理由・改善策（未達成、一部のみ達成の場合のみ記入）" / "理由・改善策 (未達成…" → reason.
ROW_LABELS = {
    "スケジュール": "schedule",
    "年度目標取組内容": "target",
    "達成状況": "status",
    "達成状況詳細": "detail",
    "理由改善策": "reason",
}
_LABEL_TAIL = LazyPattern(r"[(（].*$")
# "Ⅱ 市民生活を支えるデジタル技術の活用" / "IV DX推進に向けた基盤整備": numeral, space, name;
# "I窓口サービスの利便性向上" (a PDF cell wrapped right after the numeral): no space before a non-Latin name
POLICY_CELL = LazyPattern(
    r"^\s*(?P<numeral>[Ⅰ-Ⅻ](?=\s|[^Ⅰ-Ⅻ])|[IVXivx]+(?=\s|[^\sA-Za-z]))\s*(?P<name>.+?)\s*$")
# "# 第七次総合情報化基本計画の施策進捗管理シート": a Markdown heading mark kept by a PDF
_HEADING_MARKS = LazyPattern(r"^\s*#{1,6}\s*")
# shortfall statuses that require a 理由・改善策 (一部のみ達成, 未達成)
_SHORTFALL = {"partially_achieved", "not_achieved"}

_MARKERS = [
    Marker(r"^基本施策施策番号施策名", 0.4),
    Marker(r"取組事項番号取組事項担当課取組内容", 0.4),
    Marker(r"施策進捗管理シート", 0.2),
    Marker(r"^年度目標・?取組内容", 0.1, min_count=3),
]


def record_number(cell: str) -> int | None:
    """The 取組事項番号 of a record row (``"29"``, ``"２９"``), stray punctuation around it ignored;
    None when the cell holds no number."""
    return to_int(strip_hanging(cell))


@_memo
def row_label(cell: str) -> str | None:
    """Classify a sub-row label cell: ``schedule``/``target``/``status``/``detail``/``reason`` or None.
    (Remembered per document: every record repeats the same label cells.)"""
    key = _LABEL_TAIL.sub("", match_key(strip_hanging(cell))).replace("・", "")
    return ROW_LABELS.get(key)


@dataclass(frozen=True)
class _Header:
    """A sheet table's header: column roles, fiscal years (in header order), the sub-row label
    column (the one after 取組内容) and the header's line."""

    columns: dict[str, int]
    years: list[int]
    label_col: int
    line: int


@dataclass
class _OpenItem:
    line: int
    cells: Sequence[str]
    schedule: list[str]
    header: _Header
    values: dict[str, list[str | None]] = field(default_factory=dict)
    row_lines: dict[str, int] = field(default_factory=dict)
    last_line: int = 0


class MusashinoProgressSheetParser(Parser):
    format = "musashino_progress_sheet"
    description = "武蔵野市 第七次総合情報化基本計画 施策進捗管理シート"
    municipality_code = "132039"
    municipality_name = "武蔵野市"
    version = "2"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """A tab header ``基本施策 施策番号 施策名 … 取組事項番号 取組事項 担当課 取組内容`` and
        年度目標・取組内容 sub-rows."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read every 取組事項 of every table (see the module docstring).

        Input: the sheet as a ``SourceDocument`` (its ``tables``: tab-separated runs of a text, or
        the ruled tables of a PDF, cells normalised by ``table_cells.cell_text``). Output:
        ``ParseResult`` with a ``MusashinoProgressSheet`` and the warnings/errors met.

        Isolation: a table whose header row is missing is read with the header of the sheet table
        before it (or after it), continuing its open record; a row, a record or a table that
        cannot be read becomes an error naming it (``row_unreadable``, ``record_unreadable``,
        ``table_unreadable``) and the others are kept. Never raises on irregular input.
        """
        from planparse.schemas.musashino_progress_sheet import MusashinoProgressSheet

        log = IssueLog()
        items: list[MusashinoItem] = []
        fiscal_years: list[int] = []
        units = table_rows(doc)
        headers = [self._header(unit, log) for unit in units]
        previous: _Header | None = None
        current: _OpenItem | None = None
        for k, unit in enumerate(units):
            header = headers[k]
            try:
                if header is None:
                    fallback = previous or next((h for h in headers[k + 1:] if h is not None), None)
                    if fallback is None or not self._has_records(unit, fallback):
                        if any(c.strip() for c in unit.rows[0].cells):
                            log.warning("unrecognised_table", f"a table without a 基本施策 header was skipped "
                                        f"({len(unit.rows)} rows)", unit.line)
                        continue
                    log.warning("table_without_header",
                                f"a table of {len(unit.rows)} rows has no 基本施策 header row; it is read with the "
                                f"columns of the header at line {fallback.line} (a continued table)", unit.line)
                    header, rows = fallback, unit.rows
                    if fallback is not previous and current:
                        items.append(self._close(current, log))
                        current = None
                else:
                    rows = unit.rows[1:]  # the open record goes on: a table continued after a repeated header
                for y in header.years:
                    if y not in fiscal_years:
                        fiscal_years.append(y)
                current = self._items(rows, header, log, items, current)
                previous = header
            except Exception as exc:  # a bug on one table must not cost the others
                log.error("table_unreadable", f"the table at line {unit.line} could not be read "
                          f"({type(exc).__name__}: {exc}); its rows are not extracted", unit.line)
                current = None
        if current:
            items.append(self._close(current, log))
        items = [i for i in items if i is not None]
        if not items:
            log.error("no_records", "no 取組事項 rows found: no table with a 基本施策 … 取組内容 header")
        self._check_sequence(items, log)
        policies, measures = self._ancestors(items, log)
        record = MusashinoProgressSheet(
            title=self._title(doc),
            municipality_code=self.municipality_code,
            municipality_name=self.municipality_name,
            fiscal_years=sorted(fiscal_years),
            policies=policies,
            measures=measures,
            items=items,
        )
        return ParseResult(record=record, issues=log.issues)

    # ----------------------------------------------------------------------------------------

    @staticmethod
    def _title(doc: SourceDocument) -> str | None:
        """The first non-empty line before the first table (the sheet's title), without a
        Markdown heading mark."""
        first_table = doc.tables[0].first_line if doc.tables else len(doc.lines) + 1
        for line in doc.lines[: (first_table or 1) - 1]:
            text = _HEADING_MARKS.sub("", line).strip()
            if text:
                return text
        return None

    @staticmethod
    def _header(unit: TableUnit, log: IssueLog) -> _Header | None:
        """Column map, fiscal years and label column of a table's header row; None if not a sheet table."""
        head = unit.rows[0]
        if not head.cells or match_key(head.cells[0]) != "基本施策":
            return None
        columns: dict[str, int] = {}
        for i, cell in enumerate(head.cells):
            name = HEADER_COLUMNS.get(match_key(cell))
            if name and name not in columns:
                columns[name] = i
        missing = [c for c in _REQUIRED if c not in columns]
        if missing:
            log.error("unrecognised_header", f"header row lacks columns {missing}; table skipped", head.line)
            return None
        label_col = columns["content"] + 1
        years: list[int] = []
        year_cols: list[int] = []
        for i, cell in enumerate(head.cells[label_col:], start=label_col):
            found = find_fiscal_years(cell)
            if found and found[0].fiscal_year not in years:
                years.append(found[0].fiscal_year)
                year_cols.append(i)
        if not years:
            log.error("no_fiscal_years", "header row names no fiscal year; table skipped", head.line)
            return None
        if year_cols != list(range(year_cols[0], year_cols[0] + len(year_cols))):
            log.warning(
                "header_layout_ignored",
                f"the header puts the fiscal years in columns {[c + 1 for c in year_cols]} with sub-columns; "
                "the data rows use one label cell followed by one cell per year, so values are read "
                "relative to the label, not by the header",
                head.line,
            )
        return _Header(columns=columns, years=years, label_col=label_col, line=head.line)

    @staticmethod
    def _has_records(unit: TableUnit, header: _Header) -> bool:
        """True when a row of ``unit`` reads as a record row or a labelled sub-row under ``header``."""
        col = header.columns["number"]
        for row in unit.rows:
            filled = [c for c in row.cells if c.strip()]
            if col < len(row.cells) and record_number(row.cells[col]) is not None:
                return True
            if filled and row_label(filled[0]):
                return True
        return False

    def _items(self, rows: Sequence[Row], header: _Header, log: IssueLog, items: list[MusashinoItem],
               current: _OpenItem | None) -> _OpenItem | None:
        """Read ``rows`` under ``header``: closed records are appended to ``items``; the record
        still open after the last row is returned (a continued table goes on with it)."""
        for row in rows:
            try:
                current = self._row(row, header, log, items, current)
            except Exception as exc:  # one unreadable row costs only itself
                log.error("row_unreadable", f"a row could not be read ({type(exc).__name__}: {exc}); skipped: "
                          f"{' | '.join(c.strip() for c in row.cells if c.strip())[:160]}", row.line)
        return current

    def _row(self, row: Row, header: _Header, log: IssueLog, items: list[MusashinoItem],
             current: _OpenItem | None) -> _OpenItem | None:
        """One row: a repeated header, a record row (opens a record) or a labelled sub-row."""
        columns, years, label_col = header.columns, header.years, header.label_col
        number_col = columns["number"]
        cells = row.cells
        line = row.line
        filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
        if not filled:
            return current
        if match_key(cells[0]) == "基本施策":  # a repeated header inside the run: the open record goes on
            return current
        number = record_number(cells[number_col]) if number_col < len(cells) else None
        if number is not None:
            if current and tuple(current.cells) == tuple(cells):
                log.warning("duplicate_row", f"the record row of 取組事項 {number} is written twice; the copy "
                            "is ignored", line)
                return current
            if current:
                items.append(self._close(current, log))
            label = cells[label_col] if label_col < len(cells) else ""
            if row_label(label) != "schedule" and label.strip():
                log.warning("unexpected_record_label",
                            f"record row of 取組事項 {number} has label {label.strip()!r} where "
                            "スケジュール was expected; its cells were read as the schedule", line)
            schedule = [c.strip() for c in cells[label_col + 1:] if c.strip()]
            return _OpenItem(line=line, cells=cells, schedule=schedule, header=header, last_line=line)
        label_idx, label_text = filled[0]
        kind = row_label(label_text)
        values = [clean_cell(c) for c in cells[label_idx + 1:]]
        if len(filled) > 1 and kind is not None and all(row_label(c) for _, c in filled[1:]):
            log.warning("sub_header_row", "a sub-header row (スケジュール / 年度目標・取組内容 / 達成状況 per "
                        "year) was skipped: the data rows do not follow it", line)
            return current
        if kind is None:
            log.error("unrecognised_row",
                      f"row with unknown label {label_text.strip()[:40]!r} could not be placed: "
                      f"{' | '.join(c.strip() for _, c in filled)[:200]}", line)
            return current
        if kind == "schedule":
            where = f"after 取組事項 {record_number(current.cells[number_col])}" if current else "outside a record"
            log.warning("stray_schedule_row",
                        f"extra スケジュール row {where} ignored (it repeats a neighbouring schedule): "
                        f"{' | '.join(v for v in values if v)}", line)
            return current
        if current is None:
            log.error("orphan_row", f"{label_text.strip()[:40]} row before any 取組事項 record: "
                      f"{' | '.join(v for v in values if v)[:200]}", line)
            return current
        if label_idx != label_col:
            log.warning("shifted_row",
                        f"{label_text.strip()[:12]} row of 取組事項 {record_number(current.cells[number_col])} is shifted: "
                        f"label in column {label_idx + 1} instead of {label_col + 1}; values read after the label",
                        line)
        if kind in current.values:
            log.warning("duplicate_label", f"second {label_text.strip()[:12]} row for 取組事項 "
                        f"{record_number(current.cells[number_col])} ignored (the first one is kept)", line)
            return current
        extra = [v for v in values[len(years):] if v]
        if extra:
            log.error("extra_cells", f"{label_text.strip()[:12]} row has cells beyond the "
                      f"{len(years)} fiscal years, not placed: {' | '.join(extra)[:200]}", line)
        current.values[kind] = values[: len(years)] + [None] * (len(years) - len(values))
        current.row_lines[kind] = line
        current.last_line = line
        return current

    @classmethod
    def _close(cls, item: _OpenItem, log: IssueLog) -> MusashinoItem | None:
        """The record of an open 取組事項 (read with the header it was opened under); None (and a
        ``record_unreadable`` error) when it cannot be built."""
        try:
            return cls._record(item, item.header.columns, item.header.years, log)
        except Exception as exc:  # one unreadable record costs only itself
            log.error("record_unreadable", f"取組事項 at line {item.line} could not be read "
                      f"({type(exc).__name__}: {exc}); not extracted", item.line)
            return None

    @staticmethod
    def _record(item: _OpenItem, columns: dict[str, int], years: list[int], log: IssueLog) -> MusashinoItem:
        from planparse.schemas.musashino_progress_sheet import MusashinoItem, MusashinoYear

        def cell(name: str) -> str | None:
            i = columns.get(name)
            return clean_cell(item.cells[i]) if i is not None and i < len(item.cells) else None

        number = str(record_number(item.cells[columns["number"]]))
        policy_raw = (cell("policy") or "").strip()
        m = POLICY_CELL.match(policy_raw)
        numeral = roman_to_int(m.group("numeral")) if m else None
        if numeral is None:
            log.warning("policy_without_numeral",
                        f"基本施策 cell {policy_raw!r} of 取組事項 {number} has no roman numeral", item.line)
            policy_code = policy_raw
        else:
            policy_code = int_to_roman(numeral)
        year_rows = []
        for n, fy in enumerate(years):
            vals = {k: v[n] for k, v in item.values.items()}
            year_rows.append(MusashinoYear(fiscal_year=fy, target=vals.get("target"), status=vals.get("status"),
                                           detail=vals.get("detail"), reason=vals.get("reason")))
            if not vals.get("target"):
                log.warning("missing_target", f"取組事項 {number} has no 年度目標・取組内容 for FY{fy}",
                            item.row_lines.get("target", item.line))
            status = status_from_mark(vals.get("status"))
            if vals.get("status") and status is None:
                log.warning("unknown_status_mark", f"取組事項 {number} FY{fy}: 達成状況 {vals['status']!r} "
                            "is not a known mark; status left empty", item.row_lines.get("status"))
            if vals.get("reason") and status not in _SHORTFALL:
                log.warning("check_note_without_shortfall",
                            f"取組事項 {number} FY{fy} has a 理由・改善策 but its 達成状況 is {vals.get('status')!r}: "
                            "a shifted column?", item.row_lines.get("reason"))
            if status in _SHORTFALL and not vals.get("reason"):
                log.warning("check_shortfall_without_note",
                            f"取組事項 {number} FY{fy} is {vals.get('status')} but has no 理由・改善策",
                            item.row_lines.get("status"))
        return MusashinoItem(
            number=number, name=cell("name") or "", departments=cell("departments"), content=cell("content"),
            policy_raw=policy_raw, policy_code=policy_code, measure_number=strip_hanging(cell("measure_number") or ""),
            measure_name=cell("measure_name") or "", vision=cell("vision"),
            group_number=strip_hanging(cell("group_number") or ""), group_name=cell("group_name") or "",
            situation=cell("situation"), schedule=item.schedule, years=year_rows,
            source_line_start=item.line, source_line_end=item.last_line, row_lines=item.row_lines,
        )

    @staticmethod
    def _check_sequence(items: list[MusashinoItem], log: IssueLog) -> None:
        seen: set[str] = set()
        for item in items:
            if item.number in seen:
                log.error("duplicate_record", f"取組事項 {item.number} appears twice; the second copy is dropped",
                          item.source_line_start)
            seen.add(item.number)
        numbers = sorted(int(i.number) for i in items if i.number.isdigit())
        gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers)) if numbers else []
        if gaps:
            log.warning("check_numbering_gap", f"取組事項番号 not found: {gaps}")
        # keep only the first copy of a number
        unique: dict[str, MusashinoItem] = {}
        for item in items:
            unique.setdefault(item.number, item)
        items[:] = list(unique.values())

    @staticmethod
    def _ancestors(items: list[MusashinoItem], log: IssueLog) -> tuple[list[MusashinoPolicy], list[MusashinoMeasure]]:
        """Policies and measures from the ancestor cells repeated on every record row: the most
        frequent spelling wins (ties: the first seen); the others are kept as variants and
        reported as ``check_ancestor_variant`` warnings."""
        from planparse.schemas.musashino_progress_sheet import MusashinoMeasure, MusashinoPolicy

        policy_names: dict[str, list[tuple[str, int]]] = {}
        measure_cells: dict[str, dict[str, list]] = {}
        group_names: dict[str, list[tuple[str, int]]] = {}
        for item in items:
            m = POLICY_CELL.match(item.policy_raw)
            policy_names.setdefault(item.policy_code, []).append(
                (m.group("name") if m else item.policy_raw, item.source_line_start))
            cells = measure_cells.setdefault(item.measure_number, {"policy": [], "names": [], "visions": [],
                                                                   "lines": []})
            cells["policy"].append(item.policy_code)
            cells["names"].append((item.measure_name, item.source_line_start))
            if item.vision:
                cells["visions"].append((item.vision, item.source_line_start))
            cells["lines"] += [item.source_line_start, item.source_line_end]
            group_names.setdefault(item.group_number, []).append((item.group_name, item.source_line_start))

        policies = []
        for seq, (code, values) in enumerate(policy_names.items(), start=1):
            name, variants = _pick(values)
            _report(log, f"基本施策 {code}", name, variants)
            policies.append(MusashinoPolicy(code=code, name=name, seq=seq, source_line=values[0][1],
                                            name_variants=[v for v, _ in variants]))
        measures = []
        for seq, (number, cells) in enumerate(measure_cells.items(), start=1):
            name, name_variants = _pick(cells["names"])
            vision, vision_variants = _pick(cells["visions"]) if cells["visions"] else (None, [])
            _report(log, f"施策 {number} 施策名", name, name_variants)
            _report(log, f"施策 {number} 目指す姿", vision or "", vision_variants)
            measures.append(MusashinoMeasure(
                number=number, name=name, vision=vision, policy_code=Counter(cells["policy"]).most_common(1)[0][0],
                seq=seq, source_line_start=min(cells["lines"]), source_line_end=max(cells["lines"]),
                name_variants=[v for v, _ in name_variants], vision_variants=[v for v, _ in vision_variants],
            ))
        for code, values in group_names.items():
            best, variants = _pick(values)
            _report(log, f"取組 {code}", best, variants)
        return policies, measures


def _pick(values: list[tuple[str, int]]) -> tuple[str, list[tuple[str, int]]]:
    """Most frequent value (ties: first seen) and the other distinct values with their first line.

    Values are compared without whitespace (a PDF wraps the same cell differently in tables of
    other widths); of the spellings of the kept value, the most frequent one with the fewest
    spaces is stored (wraps add spaces, never remove characters)."""
    keys = [_squash(v) for v, _ in values]   # (each value squashed once)
    counts = Counter(keys)
    best_key = max(counts, key=lambda k: (counts[k], -keys.index(k)))
    spellings = Counter(v for (v, _), k in zip(values, keys, strict=True) if k == best_key)
    order = [v for v, _ in values]
    best = min(spellings, key=lambda v: (len(v) - len(best_key), -spellings[v], order.index(v)))
    variants: list[tuple[str, int]] = []
    variant_keys: set[str] = set()
    for (v, line), k in zip(values, keys, strict=True):
        if k != best_key and k not in variant_keys:
            variants.append((v, line))
            variant_keys.add(k)
    return best, variants


def _squash(text: str) -> str:
    return "".join(text.split())


def _report(log: IssueLog, what: str, kept: str, variants: list[tuple[str, int]]) -> None:
    for value, line in variants:
        log.warning("check_ancestor_variant",
                    f"{what} differs between rows: this row has {value[:80]!r}, the value kept is {kept[:80]!r}",
                    line)
