"""What the Koganei reader works on: the document as entries (lines and table rows), the pieces
it collects (overview rows, 取組 pages, Visions) and the shared state of one parse (``Context``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from planparse.ingest import SourceDocument
from planparse.parsers.koganei_roadmap.patterns import FOREIGN_SCRIPTS, MARKUP, VISION_BANNER, foreign_runs
from planparse.parsers.table_cells import TableUnit, document_units, row_text
from planparse.schemas.base import IssueLog
from planparse.schemas.koganei_roadmap import KoganeiDepartment, KoganeiLink

__all__ = ["Block", "Context", "Entry", "OverviewRow", "VisionSeen", "entries_of", "next_row"]


class Entry(NamedTuple):
    """One step of the walk: a line outside tables (``cells`` None) or a table row (``cells`` in
    the text convention, ``text`` = the cells tab-separated); ``line`` = its 1-based source line;
    ``table`` = the index of its table (rows of one table share it; -1 outside tables).
    Immutable (a named tuple: one per line of the document)."""

    line: int
    text: str
    cells: tuple[str, ...] | None
    table: int = -1

    @property
    def is_row(self) -> bool:
        return self.cells is not None


def entries_of(doc: SourceDocument) -> list[Entry]:
    """The document as entries in reading order (``table_cells.document_units``): every table's
    rows together, followed by an empty entry that closes the table (a text source's tab run
    ends at a line without a tab; a PDF table ends where pdfplumber's table ends)."""
    out: list[Entry] = []
    for k, unit in enumerate(document_units(doc)):
        if isinstance(unit, TableUnit):
            for row in unit.rows:
                out.append(Entry(row.line, row_text(row.cells), row.cells, k))
            out.append(Entry(unit.rows[-1].line, "", None))
        else:
            out.append(Entry(unit.line, unit.text, None))
    return out


@dataclass
class OverviewRow:
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
class Block:
    """One 取組 page: heading, texts and the rows of its 個別取組 table. ``glyph`` is None for a
    table whose heading is missing (numbered by its place)."""

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
    width: int = 0
    table_line: int | None = None
    end_line: int = 0
    heading_cells: tuple[str, ...] = ()


@dataclass
class VisionSeen:
    """A Vision as its banners name it: code, numeral as written, (name, line) per banner."""

    code: str
    numeral: str
    names: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Context:
    """The state of one parse: the entries, the issue log and what has been read so far;
    ``heading_counts``: how often each 取組 heading row (match keys of its cells) is written."""

    entries: Sequence[Entry]
    log: IssueLog
    municipality_code: str
    municipality_name: str
    visions: dict[str, VisionSeen] = field(default_factory=dict)
    vision: str | None = None
    overview: list[OverviewRow] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    heading_counts: dict[tuple[str, ...], int] = field(default_factory=dict)

    def separator(self, line: int) -> None:
        """Report a markdown separator row (skipped)."""
        self.log.warning("markdown_separator_row",
                         "markdown table separator row (-----) is conversion noise; skipped", line)

    def unrecognised(self, line: int, cells: Sequence[str]) -> None:
        """Report a table row outside any known table (not read)."""
        text = " | ".join(c.strip() for c in cells if c.strip())
        self.log.warning("unrecognised_row", f"tab-separated row outside any known table, not read: {text[:200]}",
                         line)

    def markup(self, raw: str, line: int, what: str) -> None:
        """Report markup removed from ``raw`` (``<b>``, ``<p …>``, ``**``)."""
        if "<" not in raw and "**" not in raw:   # no tag, no bold marker: nothing MARKUP finds
            return
        tags = list(dict.fromkeys(m.group() for m in MARKUP.finditer(raw)))
        if tags:
            self.log.warning("markup_stripped", f"{what}: markup {' '.join(tags)[:120]} is conversion noise, "
                             "removed before the text was read (the text itself is kept as written)", line)

    def noise(self, text: str | None, line: int, what: str) -> None:
        """Report letters of a foreign script inside ``text`` (kept as written)."""
        for m in foreign_runs(text or ""):
            script = _script_name(m.group())
            self.log.warning("foreign_script_noise",
                             f"{what}: {script} letters {m.group()!r} inside {text!r} (conversion noise?); "
                             "kept as written", line)


def next_row(ctx: Context, j: int) -> int | None:
    """Index of the first table row at or after entry ``j``, passing lines outside tables (page
    furniture, a stray line) but no Vision banner; None when a banner or the end comes first."""
    entries = ctx.entries
    while j < len(entries) and entries[j].cells is None:
        if VISION_BANNER.search(entries[j].text):
            return None
        j += 1
    return j if j < len(entries) else None


def _script_name(text: str) -> str:
    for script, letter in FOREIGN_SCRIPTS.items():
        if letter.match(text):
            return script
    return "non-Japanese"
