"""用語集: entries ``N  term definition…`` over its pages (repeated headers, page numbers skipped)."""

from __future__ import annotations

from planparse.normalize import (
    match_key,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    BULLET,
    CHAPTER_HEADING,
    GLOSSARY_ENTRY,
    GLOSSARY_HEADER_KEY,
    GLOSSARY_TITLE_KEY,
    GLOSSARY_TITLE_REACH,
    MAX_HEADING_CHARS,
    MAX_NUMBER_GAP,
    MAX_TERM_WRAP,
    READING,
    TERM_SPACE,
    VERSION_TOKEN,
)
from planparse.parsers.hachioji_dx_plan.prepare import guarded
from planparse.parsers.hachioji_dx_plan.text import (
    _is_indented,
    clean_text,
    ends_paragraph,
    ends_sentence,
    split_paragraphs,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    GlossaryEntry,
)


def _split_term(text: str) -> tuple[str, str, bool]:
    """``(term, rest, extended)`` of a glossary entry's text after its 項番: the term ends at the
    first space, except that version-number tokens after it belong to it (``Society 5.0``)."""
    m = TERM_SPACE.search(text)
    if not m:
        return text.strip(), "", False
    term_end, extended = m.start(), False
    while m:
        token_end = TERM_SPACE.search(text, m.end())
        token = text[m.end(): token_end.start() if token_end else len(text)]
        if not VERSION_TOKEN.match(token):
            break
        term_end, extended = m.end() + len(token), True
        m = token_end
    rest = text[term_end:].lstrip(" \u3000")
    return text[:term_end], rest, extended


def _glossary_start(lines: tuple[str, ...]) -> int | None:
    """1-based line where the 用語集 table starts: its first ``項番 用 語 説 明`` header, or the line after
    the `` 用語集`` title when the title stands at most a page (``GLOSSARY_TITLE_REACH`` lines) before it
    (the first page's header line lost); None without a header."""
    header = next((n for n, raw in enumerate(lines, start=1)
                   if "項番" in raw and match_key(raw) == GLOSSARY_HEADER_KEY), None)
    if header is None:
        return None
    for n in range(header - 1, max(0, header - GLOSSARY_TITLE_REACH), -1):
        if match_key(lines[n - 1]) == GLOSSARY_TITLE_KEY:
            return n + 1
    return header


def _read_glossary(lines: tuple[str, ...], log: IssueLog, page_starts: bool = True,
                   start: int | None = None) -> tuple[list[GlossaryEntry], set[int]]:
    """Read the 用語集 table: its entries and the header / page-number lines it skipped.

    ``page_starts`` False (the text has lost its page-start mark): the glossary ends at any line after a
    finished entry when no next entry follows. Warnings: ``glossary_term_with_space``, ``glossary_term_wrapped``, ``check_glossary_numbering``,
    ``glossary_empty_definition``, ``glossary_text_before_entries``. Returns ``([], set())`` when there is no glossary.
    ``start``: the table's first line when the caller has it (``_glossary_start``).
    """
    start = start or _glossary_start(lines)
    if start is None:
        log.warning("no_glossary", "no 用語集 table (項番 用 語 説 明 header) found")
        return [], set()
    skipped: set[int] = set()
    blocks: list[list[int]] = []
    seen: set[int] = set()   # 項番 read so far: entries are placed by their number, not by their order
    expected = 1
    for n in range(start, len(lines) + 1):
        raw = lines[n - 1]
        if not raw.strip():
            continue
        if match_key(raw) == GLOSSARY_HEADER_KEY:
            skipped.add(n)
            continue
        m = GLOSSARY_ENTRY.match(raw)
        entry_like = bool(m) and (len(m.group("sep")) >= 2 or int(m.group("num")) == expected)
        if entry_like and int(m.group("num")) in seen:
            log.warning("glossary_number_repeated", f"用語集 項番 {m.group('num')} comes again (a repeated or "
                        "misplaced line): read as text of the entry before it", n)
            entry_like = False
        block_closed = not blocks or ends_paragraph(lines[blocks[-1][-1] - 1])
        if entry_like:
            blocks.append([n])
            seen.add(int(m.group("num")))
            while expected in seen:  # the first number not read yet (``seen`` only grows: it only goes up)
                expected += 1
        elif raw.strip().isdigit() and block_closed:
            skipped.add(n)  # a printed page number ("86 ")
            continue
        elif block_closed and _heading_like(raw) and (_is_indented(lines, n) or (
                not page_starts and blocks and ends_sentence(lines[blocks[-1][-1] - 1]))) and not _entry_after(
                lines, n, seen):
            break  # the next section (" 参考資料"): a short heading at a page start (or indented) after a
            # finished entry, with no next entry anywhere after it
        elif CHAPTER_HEADING.match(raw):
            break
        elif blocks:
            blocks[-1].append(n)
        else:
            log.warning("glossary_text_before_entries", f"text before the first 用語集 entry skipped: "
                        f"{raw.strip()[:60]!r}", n)
            continue
    entries = []
    for block in blocks:
        entry = guarded(log, "glossary_entry_unreadable", f"用語集 entry {lines[block[0] - 1].strip()[:30]!r}",
                        lambda block=block: _glossary_entry(lines, block, log), None, block[0])
        if entry is not None:
            entries.append(entry)
    if [e.number for e in entries] != sorted(e.number for e in entries):
        log.warning("glossary_entries_reordered", "用語集 entries come out of their 項番 order (a page read in "
                    "another order): they are stored by 項番", entries[0].source_line_start)
        entries.sort(key=lambda e: e.number)
    _check_glossary_numbers(entries, log)
    return entries, skipped


def _heading_like(raw: str) -> bool:
    """A line that reads as a section heading (`` 参考資料``), not as text: short, without 、 or 。."""
    text = raw.strip(" \u3000")
    return 0 < len(text) <= MAX_HEADING_CHARS and not any(ch in text for ch in "、。")


def _entry_after(lines: tuple[str, ...], n: int, seen: set[int]) -> bool:
    """True when an entry not read yet (a 項番 not in ``seen``, at most ``MAX_NUMBER_GAP`` past the
    highest read) starts anywhere after line ``n``."""
    top = max(seen, default=0) + MAX_NUMBER_GAP
    for raw in lines[n:]:
        m = GLOSSARY_ENTRY.match(raw)
        if m and int(m.group("num")) not in seen and int(m.group("num")) <= top:
            return True
    return False


def _glossary_entry(lines: tuple[str, ...], block: list[int], log: IssueLog) -> GlossaryEntry:
    """One entry from its lines: 項番, term (with wrap / version rules), reading, definition."""
    first = lines[block[0] - 1]
    m = GLOSSARY_ENTRY.match(first)
    number = int(m.group("num"))
    term, rest, extended = _split_term(m.group("rest"))
    if extended:
        log.warning("glossary_term_with_space",
                    f"用語集 {number}: the version number after the first space was kept in the term "
                    f"({term!r})", block[0])
    remaining = list(block[1:])
    term_raw = first
    if not rest.strip():
        # the term stands alone: complete when its line ends a paragraph, else it wraps onto a short
        # next line that is followed by the definition (never onto a 【reading】 or a sentence)
        while not ends_paragraph(term_raw) and len(remaining) >= 2 and _term_wraps_onto(lines[remaining[0] - 1]):
            n = remaining.pop(0)
            term_raw = lines[n - 1]
            term += term_raw.strip()
            log.warning("glossary_term_wrapped",
                        f"用語集 {number}: the term's line has no paragraph end, so line {n} "
                        f"({term_raw.strip()!r}) was read as the rest of the term: {term!r}", n)
    reading = None
    r = READING.match(rest) if rest.strip() else None
    if r:
        reading, rest = r.group("reading"), rest[r.end():]
    elif not rest.strip() and remaining and READING.match(lines[remaining[0] - 1]) and not READING.sub(
            "", lines[remaining[0] - 1]).strip():
        reading = READING.match(lines[remaining[0] - 1]).group("reading")
        remaining.pop(0)
    raws = ([rest] if rest.strip() else []) + [lines[n - 1] for n in remaining]
    definition = "\n".join(split_paragraphs([BULLET.sub("", r, count=1) for r in raws]))
    if not definition:
        log.warning("glossary_empty_definition", f"用語集 {number} ({term!r}) has no definition", block[0])
    return GlossaryEntry(number=number, term=clean_text(term), reading=reading, definition=definition,
                         source_line_start=block[0], source_line_end=block[-1])


def _term_wraps_onto(raw: str) -> bool:
    """Whether a term line without paragraph end continues on ``raw``: a short line
    (``MAX_TERM_WRAP`` characters at most: ``八王子``, ``ント``) that is not a 【reading】 and ends no
    sentence."""
    text = raw.strip(" \u3000")
    return 0 < len(text) <= MAX_TERM_WRAP and READING.match(raw) is None and not ends_sentence(raw)


def _check_glossary_numbers(entries: list[GlossaryEntry], log: IssueLog) -> None:
    numbers = [e.number for e in entries]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        dups = sorted({x for x in numbers if numbers.count(x) > 1})
        log.warning("check_glossary_numbering",
                    f"用語集 項番 do not run 1…{len(numbers)}: missing {missing}, repeated {dups}",
                    entries[0].source_line_start)
