"""One 取組 page: the heading row ``取組<glyph> | <name> [重点取組] | 担当部署 | <departments>``, the
取組概要 / 取組背景 / アウトカムの視点 texts in any of their four layouts, free-standing ``※`` notes,
then the 個別取組 table (two header rows: labels, then the fiscal years of the roadmap columns),
one 個別取組 per row.

The table ends where its rows end (a text source's tab run ends at a line without a tab; a PDF's
ruled table, continued across pages, at its last row), or at a row that starts something new (a
heading, a header). Rows of another table that follow it with only page furniture between and
read as 個別取組 rows of the same width continue it (a continued table the PDF did not join, or
a blank line lost inside a table); repeated header rows are skipped.
"""

from __future__ import annotations

from planparse.normalize import clean_cell, find_fiscal_years, join_wrapped, match_key
from planparse.parsers.koganei_roadmap.cells import measure_number, parse_departments
from planparse.parsers.koganei_roadmap.model import Block, Context, Entry, next_row
from planparse.parsers.koganei_roadmap.patterns import (
    DESCRIPTION_FIELDS,
    DESCRIPTION_LABEL,
    NOTE_LINE,
    OUTCOME_LABEL_TAIL,
    PRIORITY_TAG,
    SEPARATOR_ROW,
    SPACES,
    VISION_BANNER,
    heading_match,
    is_overview_header,
    is_structure_row,
    is_year_header,
    item_columns,
    text_of,
)

__all__ = ["read_headless_table", "read_page"]


def read_page(ctx: Context, i: int) -> int:
    """Read one 取組 page from its heading at entry ``i``; return the index after its table."""
    entries = ctx.entries
    entry = entries[i]
    raw_cells = entry.cells or ()
    line = entry.line
    cells = [text_of(c) for c in raw_cells]
    glyph = heading_match(raw_cells).group("glyph")  # type: ignore[union-attr]
    keys = [match_key(c) for c in cells]
    d = keys.index("担当部署") if "担当部署" in keys else len(cells)
    name = SPACES.sub(" ", " ".join(c for c in cells[1:d] if c)).strip()
    priority = bool(PRIORITY_TAG.search(name))
    name = PRIORITY_TAG.sub("", name).strip()
    what = f"取組{glyph} heading"
    ctx.markup(entry.text, line, what)
    ctx.noise(name, line, what)
    block = Block(line=line, glyph=glyph, written_number=measure_number(glyph), name=name, priority=priority,
                  departments=parse_departments(" ".join(c for c in cells[d + 1:] if c), line, ctx.log, what),
                  vision_code=ctx.vision, end_line=line, heading_cells=tuple(match_key(c) for c in cells))
    tokens: list[tuple[int, str]] = []
    j = i + 1
    while j < len(entries):
        e = entries[j]
        if not e.text.strip():
            j += 1
            continue
        if SEPARATOR_ROW.match(e.text):
            ctx.separator(e.line)
            j += 1
            continue
        row = e.cells
        if row is not None and item_columns(row):
            j = _item_table(ctx, block, j)
            break
        if row is not None and _repeats_a_heading(ctx, block, row):
            ctx.log.warning("duplicate_heading", f"取組{glyph} page: a copy of an earlier 取組 heading is ignored",
                            e.line)
            j += 1
            continue
        if row is not None and block.columns == {} and _starts_table_without_labels(ctx, row):
            ctx.log.warning("item_header_missing", f"取組{glyph}: the 個別取組 table has no label row; it is read "
                            "with the columns of the previous 取組's table", e.line)
            j = _item_table(ctx, block, j, columns=dict(ctx.blocks[-1].columns))
            break
        if (row is not None and (heading_match(row) or is_overview_header(row))) or VISION_BANNER.search(e.text):
            ctx.log.warning("measure_without_table", f"取組{glyph} ({name}) has no 個別取組 table before "
                            "the next heading; it has no 個別取組", line)
            break
        ctx.markup(e.text, e.line, f"取組{glyph} text")
        tokens.extend((e.line, text_of(c)) for c in (row if row is not None else (e.text,)))
        block.end_line = e.line
        j += 1
    else:
        ctx.log.warning("measure_without_table", f"取組{glyph} ({name}) has no 個別取組 table", line)
    _texts(ctx, block, tokens)
    ctx.blocks.append(block)
    return j


def read_headless_table(ctx: Context, i: int) -> int:
    """A 個別取組 table at entry ``i`` with no 取組 heading right above it. When the page before has
    no 個別取組 rows yet (a stray line or banner ended it early), the table is that page's;
    otherwise (the heading line is lost) its rows are read into a page numbered by its place
    (after the previous page), named from the overview table. A warning says which. Returns the
    index after the table."""
    e = ctx.entries[i]
    last = ctx.blocks[-1] if ctx.blocks else None
    if last is not None and not last.rows:  # the page above has no 個別取組 yet: a stray line came between
        ctx.log.warning("table_without_heading", f"a 個別取組 table without a 取組 heading right above it: read as "
                        f"the table of 取組{last.glyph} (line {last.line}), whose page has none", e.line)
        return _item_table(ctx, last, i)
    ctx.log.warning("table_without_heading", "a 個別取組 table without a 取組 heading above it: it is numbered "
                    "by its place after the previous 取組 and named from the overview table", e.line)
    block = Block(line=e.line, glyph=None, written_number=None, name="", priority=False, departments=[],
                  vision_code=ctx.vision, end_line=e.line)
    j = _item_table(ctx, block, i)
    ctx.blocks.append(block)
    return j


def _repeats_a_heading(ctx: Context, block: Block, cells: tuple[str, ...]) -> bool:
    """A heading row inside another page that is written more than once in the document, or
    equal to one already read: a copied line (the page of its own stands elsewhere)."""
    if not heading_match(cells):
        return False
    key = tuple(match_key(text_of(c)) for c in cells)
    return ctx.heading_counts.get(key, 0) > 1 or any(b.heading_cells == key for b in ctx.blocks) \
        or block.heading_cells == key


def _starts_table_without_labels(ctx: Context, cells: tuple[str, ...]) -> bool:
    """The fiscal-year header row of a 個別取組 table whose label row is lost."""
    if not ctx.blocks or not ctx.blocks[-1].columns:
        return False
    return is_year_header(cells, ctx.blocks[-1].columns["name"])


def _texts(ctx: Context, block: Block, tokens: list[tuple[int, str]]) -> None:
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
                ctx.log.warning("duplicate_description_label", f"取組{block.glyph}: a second "
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
        ctx.noise(text, line, f"取組{block.glyph} text")
        if current is None:
            ctx.log.warning("unlabelled_text", f"取組{block.glyph}: text before any 取組概要/取組背景/"
                            f"アウトカムの視点 label is kept in the 取組's description: {text[:80]!r}", line)
            block.other_texts.append(text)
            continue
        parts[current].append(text)
    for label, key in DESCRIPTION_FIELDS.items():
        if parts.get(key):
            block.texts[key] = join_wrapped(parts[key])
        else:
            ctx.log.warning("missing_description", f"取組{block.glyph} ({block.name}) has no {label} text",
                            block.line)


def _item_table(ctx: Context, block: Block, i: int, columns: dict[str, int] | None = None) -> int:
    """Read the 個別取組 table whose first header row is entry ``i`` (or, with ``columns``, whose
    fiscal-year row is entry ``i``); return the index after it."""
    entries = ctx.entries
    if columns is None:
        columns = item_columns(entries[i].cells or ()) or {}
        j = i + 1
        years = _year_columns(ctx, i)
        # the years are in the first header row, or in a second header row (its 個別取組 cell empty;
        # a stray line may stand between the two)
        k = _year_header_after(ctx, j, columns["name"]) if not years else None
        if k is not None:
            if k != j:
                ctx.log.warning("table_continued", f"取組{block.glyph}: the fiscal-year header row at line "
                                f"{entries[k].line} is apart from the label row; read as its second header row "
                                "(rows between are skipped)", entries[k].line)
            years = _year_columns(ctx, k)
            j = k + 1
        elif not years and ctx.blocks and ctx.blocks[-1].years and ctx.blocks[-1] is not block:
            previous = ctx.blocks[-1]
            ctx.log.warning("roadmap_years_assumed", f"取組{block.glyph}: the 個別取組 table has no fiscal-year "
                            f"header row; the years {previous.years} and columns of the previous 取組's table are "
                            "used", entries[i].line)
            years = list(zip(previous.year_columns, previous.years, strict=True))
    else:
        years = _year_columns(ctx, i)
        j = i + 1
    block.columns = columns
    block.table_line = entries[i].line
    block.year_columns = [k for k, _ in years]
    block.years = [y for _, y in years]
    if not block.years:
        ctx.log.error("roadmap_years_missing", f"取組{block.glyph}: the 個別取組 table has no fiscal-year header "
                      "row; its roadmap cells cannot be placed and are not extracted", entries[i].line)
    width = max([*columns.values(), *block.year_columns]) + 1
    block.width = width
    last = j
    while True:
        while j < len(entries) and entries[j].cells is not None:
            e = entries[j]
            if is_structure_row(e.cells or ()) and not item_columns(e.cells or ()):
                return _end(block, entries, j)  # a heading or header: the table ran into the next page
            j += 1
            last = j
            try:
                _item_row(ctx, block, e, width)
            except Exception as exc:  # one unreadable row costs only itself
                ctx.log.error("row_unreadable", f"取組{block.glyph}: a 個別取組 row could not be read "
                              f"({type(exc).__name__}: {exc}); skipped: {e.text[:120]}", e.line)
        k = _continuation(ctx, block, j)
        if k is None:
            return _end(block, entries, last)
        ctx.log.warning("table_continued", f"取組{block.glyph}: the rows at line {entries[k].line} continue the "
                        "個別取組 table above (same columns; only page furniture between)", entries[k].line)
        j = k


def _year_header_after(ctx: Context, j: int, name_col: int, reach: int = 3) -> int | None:
    """Index of a fiscal-year header row among the next ``reach`` rows from entry ``j`` (lines
    outside tables passed), else None. Stops at a heading or header row."""
    for _ in range(reach):
        k = next_row(ctx, j)
        if k is None:
            return None
        cells = ctx.entries[k].cells or ()
        if is_year_header(cells, name_col):
            return k
        if is_structure_row(cells):
            return None
        j = k + 1
    return None


def _end(block: Block, entries, j: int) -> int:
    block.end_line = entries[j - 1].line if j > 0 else block.line
    return j


def _continuation(ctx: Context, block: Block, j: int) -> int | None:
    """Index of the first row of a table that continues ``block``'s 個別取組 table after entry
    ``j``, else None: lines outside tables between (no banner); then, when none of those lines is
    page text (a 取組概要 / 取組背景 / アウトカム label, a ``※`` note), the header rows a continued
    table repeats may come first; then a 個別取組 row as wide as the table, not a heading or header.
    A 取組 page always starts with its heading row and its texts, so the next page never qualifies."""
    entries = ctx.entries
    k = next_row(ctx, j)
    if k is None:
        return None
    name_col = block.columns.get("name", 0)
    start = k
    while k < len(entries) and entries[k].cells is not None and (
            item_columns(entries[k].cells or ()) or is_year_header(entries[k].cells or (), name_col)):
        k += 1
    if k != start and (_page_text_between(ctx, j, start) or k >= len(entries) or entries[k].cells is None):
        return None
    cells = entries[k].cells or ()
    if is_structure_row(cells) or len(cells) < block.width or name_col >= len(cells):
        return None
    filled = sum(1 for c in cells if c.strip())
    return k if cells[name_col].strip() and filled >= 3 else None


def _page_text_between(ctx: Context, j: int, k: int) -> bool:
    """Whether a line between entries ``j`` and ``k`` is text of a 取組 page (a label or a note)."""
    for e in ctx.entries[j:k]:
        text = text_of(e.text)
        if DESCRIPTION_LABEL.match(text) or NOTE_LINE.match(text) or OUTCOME_LABEL_TAIL.match(text):
            return True
    return False


def _item_row(ctx: Context, block: Block, e: Entry, width: int) -> None:
    """One row of a 個別取組 table: a new 個別取組, a repeated header (skipped), a copy of the row
    above (skipped) or, with an empty 個別取組 cell, the continuation of the row above."""
    if SEPARATOR_ROW.match(e.text):
        ctx.separator(e.line)
        return
    raw = e.cells or ()
    if item_columns(raw) or is_year_header(raw, block.columns["name"]):
        ctx.log.warning("repeated_header_row", f"取組{block.glyph}: a repeated header row of the 個別取組 table "
                        "is skipped", e.line)
        return
    cells: list[str | None] = [clean_cell(c) for c in raw]
    ctx.markup(e.text, e.line, f"取組{block.glyph} 個別取組 row")
    extra = [c for c in cells[width:] if c]
    if extra:
        ctx.log.error("extra_cells", f"取組{block.glyph}: cells beyond the table's {width} columns are not "
                      f"extracted: {' | '.join(extra)[:200]}", e.line)
    cells = (cells + [None] * width)[:width]
    if not any(cells):
        return
    name_col = block.columns["name"]
    if block.rows and block.rows[-1][2] == cells:
        ctx.log.warning("duplicate_row", f"取組{block.glyph}: a 個別取組 row written twice; the copy is ignored",
                        e.line)
        return
    if not cells[name_col] and block.rows:
        prev_line, _, prev = block.rows[-1]
        merged = [" ".join(x for x in (a, b) if x) or None for a, b in zip(prev, cells, strict=True)]
        block.rows[-1] = (prev_line, e.line, merged)
        ctx.log.warning("row_continuation", f"取組{block.glyph}: a row with an empty 個別取組 cell is read as "
                        "the continuation of the row above (cells joined with a space)", e.line)
        return
    block.rows.append((e.line, e.line, cells))


def _year_columns(ctx: Context, i: int) -> list[tuple[int, int]]:
    """``(column, fiscal year)`` of the header row at entry ``i`` (``令和8(2026)年度`` → 2026)."""
    years: list[tuple[int, int]] = []
    e = ctx.entries[i]
    for k, c in enumerate(e.cells or ()):
        found = find_fiscal_years(c)
        if found:
            if found[0].conflict:
                ctx.log.warning("fiscal_year_conflict", f"roadmap header {c.strip()!r}: the era year "
                                "and the Gregorian year disagree; the era year is used", e.line)
            years.append((k, found[0].fiscal_year))
    return years
