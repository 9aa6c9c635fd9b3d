"""八王子市デジタル・トランスフォーメーション（DX）推進計画 (format ``hachioji_dx_plan``): text extracted
from the plan's PDF (see ../shared/notes/hachioji_dx_plan.md for the line-by-line map).

What is read:

* **基本方針** — chapter-5 title pages: ``基本方針１ 生活の質の向上`` and, on the next text line, the
  subtitle ``～市民視点の人にやさしいDX～``. The chapter-4 headings ``(1)  生活の質の向上 ～…～`` give a
  second wording (kept as a variant, a real difference is a ``policy_wording_differs`` warning) and
  the prose under them (the policy's description).
* **施策** — page headers `` 施策① 行政手続のオンライン化``; code = ``<基本方針 number>-<circled number>``.
  A 施策 runs to the next 施策 / 基本方針 / chapter heading. On its page the left column gives the labels
  現状 / 背景 / 事業の方向性, each followed by bullet items (U+F09F); the 目的・あるべき姿 box is printed
  wherever the page's first column ended, so it can interrupt 事業の方向性 mid-sentence. Rules:
  the box text runs from its label to the next *page-start* line (a line that starts with a space
  right after a non-empty line), after which the interrupted section resumes; a bullet item ends
  at a line that ends with a space (the extractor's paragraph end; a wrapped line has none), so a
  sentence cut by the box is continued by the first line after it. Text after a finished item that
  is neither a bullet nor a label (figure labels, 出典 credits) is not prose: it is skipped with a
  ``figure_text_skipped`` warning.
* **用語集** — from the first ``項番 用 語 説 明`` table header: entries ``N  term definition…``; repeated
  headers and printed page numbers are skipped. The term ends at the first space, except that a
  following version number belongs to it (``Society 5.0``); a term line without a definition
  either ends with a space (the term is complete: ``Facebook``, then an optional 【reading】 line)
  or not (the term wraps onto the next line: ``サービスデザイン思`` + ``考``). Definitions join wraps and
  page breaks; paragraphs (line ending with a space) are separated by ``\\n``.
* **glossary marks** — every ``*`` in the text: the marked term is the longest glossary term (or
  reading) whose match key ends the text before the mark (joined with the previous line when that
  line wraps into this one), so ``AI-OCR *`` resolves to ``OCR`` and ``Society5.0 *`` to ``Society 5.0``.
* the plan's name (``「…」（以下「本計画」という。）``), its 計画期間 and the stated number of 基本方針.

The previous plan's table in chapter 1 (基本方針 重点目標 施策 主な取組内容) has no ``基本方針N`` or
``施策①`` headers and is never read as measures. Stored text keeps the source's glyphs; NFKC is used
for matching only. Warnings flag every rule-based judgement; nothing is dropped silently.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import ClassVar

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import (
    circled_to_int,
    join_wrapped,
    match_key,
    parse_fiscal_year_range,
    to_int,
)
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import IssueLog, ParseResult
from planparse.schemas.hachioji_dx_plan import (
    SECTION_LABELS,
    GlossaryEntry,
    GlossaryMark,
    HachiojiDxPlan,
    HachiojiMeasure,
    HachiojiPolicy,
)

__all__ = ["HachiojiDxPlanParser", "clean_text", "split_paragraphs"]

# --------------------------------------------------------------------------------------------
# Patterns (matched on the raw line unless said otherwise)
# --------------------------------------------------------------------------------------------

# " ５章 各基本方針における主な施策 " (chapter heading)
CHAPTER_HEADING = regex.compile(r"^\s?(?P<num>[0-9０-９]{1,2})章\s+(?P<title>\S.*?)\s*$")
# "基本方針１ 生活の質の向上 " / " 基本方針２ 地域課題の解消 " (chapter-5 title page)
POLICY_HEADER = regex.compile(r"^\s?基本方針\s*(?P<num>[0-9０-９]{1,2})\s+(?P<title>\S.{0,39}?)\s*$")
# "～市民視点の人にやさしいDX～ " (the subtitle line after a POLICY_HEADER)
SUBTITLE = regex.compile(r"^\s?(?P<subtitle>[～〜].*[～〜])\s*$")
# "生活の質の向上 ～市民視点の人にやさしいDX～": a header title that carries its subtitle on the same line
TITLE_WITH_SUBTITLE = regex.compile(r"^(?P<title>[^～〜]+?)\s*(?P<subtitle>[～〜].*[～〜])$")
# "(1)  生活の質の向上 ～市民視点の人にやさしいDX～ " (chapter 4)
CHAPTER4_POLICY = regex.compile(
    r"^\s?[(（](?P<num>[0-9０-９]{1,2})[)）]\s*(?P<title>[^～〜\s][^～〜]*?)\s*(?P<subtitle>[～〜].*[～〜])\s*$")
# " 施策① 行政手続のオンライン化 " / " 施策③ マイナンバーカード*の利活用推進 "
# (a space after the number and a short name: a body sentence "施策①の…" is not a header)
MEASURE_HEADER = regex.compile(r"^\s?施策\s*(?P<num>[\u2460-\u2473\u2780-\u2793])\s+(?P<name>\S.{0,39}?)\s*$")
# Symbol/Wingdings bullets the PDF extractor leaves as private-use glyphs: "\uf09f  本市では、…"
BULLET = regex.compile(r"^\s?[\uf06c\uf09e\uf09f\uf0a7\uf0b7\uf0d8\uf0fc][ \u3000]*")
# the same glyphs anywhere in a line: "現状 \uf09f  本市では、…" (label, then the first bullet)
BULLET_GLYPH = regex.compile(r"[\uf06c\uf09e\uf09f\uf0a7\uf0b7\uf0d8\uf0fc]")
# "1  ＡＩ Artificial Intelligenceの略で、…" / "38  サイバーシルクロード" (glossary entry line)
GLOSSARY_ENTRY = regex.compile(r"^(?P<num>\d{1,3})(?P<sep>[ \u3000]+)(?P<rest>\S.*)$")
# "【フェイスブック】 " (a term's reading: kana only)
READING = regex.compile(r"^\s?【(?P<reading>[\p{Katakana}\p{Hiragana}ー・ 　]+)】[ \u3000]*")
# "5.0" in "Society 5.0": a version number that belongs to the term before it
VERSION_TOKEN = regex.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)*$")
# the space that ends a term (ASCII or U+3000)
TERM_SPACE = regex.compile(r"[ \u3000]+")
# glossary mark after a term: "ＩＣＴ *に関する", "AI*・RPA*"
MARK = regex.compile(r"[*＊]")
# 「八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画」（以下「本計画」という。） (on joined text)
SELF_NAME = regex.compile(r"「(?P<title>[^「」]{2,80})」[（(]以下「本計画」という")
# "以下の３つの基本方針を定め" (on joined text): the number of policies the plan states
POLICY_COUNT = regex.compile(r"以下の(?P<n>[0-9０-９]{1,2})つの基本方針")
# "…までの４年間とします。" (on the 計画期間 paragraph)
PERIOD_YEARS = regex.compile(r"(?P<n>[0-9０-９]{1,2})年間")
# the municipality at the start of the plan's name: "八王子市デジタル…" → 八王子市
MUNICIPALITY_PREFIX = regex.compile(r"^(?P<name>\S+?[市区町村])")

# Match keys of labels
GLOSSARY_HEADER_KEY = "項番用語説明"      # "項番 用 語 説 明 "
OBJECTIVE_KEY = "目的・あるべき姿"         # " 目的・あるべき姿 "
ICON_KEY = "自治体DX"                     # text of the 自治体DX推進計画 icon, were it extracted
LEGEND_KEY = "アイコン"                   # "…には、表の右上に以下のアイコンを配置しています。"

# Spacing artefacts of the PDF text: an ASCII space between two non-ASCII characters
# ("令和３年度（2021年度 ）", "各 業 務"), spaces before a glossary mark ("ＩＣＴ *"), runs of spaces.
_SPACE_BETWEEN_WIDE = regex.compile(r"(?<=[^\x00-\x7f])[ ]+(?=[^\x00-\x7f])")
_SPACE_BEFORE_MARK = regex.compile(r"[ ]+(?=[*＊])")
_SPACE_RUN = regex.compile(r"[ ]{2,}")
_ASCII_ALNUM_END = regex.compile(r"[A-Za-z0-9]$")
_ASCII_ALNUM_START = regex.compile(r"^[A-Za-z0-9]")
# fallback extent of an unresolved mark: the run of one script before the *
_WORD_RUN = regex.compile(r"(?:[\p{Katakana}ー・]+|\p{Han}+|[A-Za-z0-9Ａ-Ｚａ-ｚ０-９.．\-－]+)$")
# the word a partial match ends ("AI-" before "OCR", "官民連携データ" before "プラットフォーム")
_ANY_WORD_RUN = regex.compile(r"[\p{Katakana}ー\p{Han}A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－.]+$")
_KATAKANA = regex.compile(r"[\p{Katakana}ー]")
_HAN = regex.compile(r"\p{Han}")
_LATIN = regex.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]")

# Detection markers on match-key text (NFKC: "施策①" → "施策1"). Action-plan cards count against.
_MARKERS = [
    Marker(r"^施策\d{1,2}[^\d\-]", 0.3, min_count=6),
    Marker(r"^基本方針\d", 0.2, min_count=2),
    Marker(r"^目的・あるべき姿$", 0.2, min_count=6),
    Marker(r"^事業の方向性", 0.1, min_count=6),
    Marker(r"項番用語説明", 0.2),
    Marker(r"^用語集$", 0.1),
]
_NEGATIVE = [Marker(r"管理番号\d+-\d+-\d+", 0.6, min_count=3)]


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Remove the PDF's spacing artefacts from joined text, keeping every glyph.

    Input: text as joined from lines. Output: the same text without ASCII spaces between two
    non-ASCII characters (``（2021年度 ）`` → ``（2021年度）``), without spaces before a glossary
    mark (``ＩＣＴ *`` → ``ＩＣＴ*``), with runs of spaces collapsed, trimmed. Spaces next to ASCII
    text (``Society 5.0``, ``市民の QOL``) stay. No NFKC. Never raises.
    """
    text = _SPACE_BEFORE_MARK.sub("", text)
    text = _SPACE_BETWEEN_WIDE.sub("", text)
    return _SPACE_RUN.sub(" ", text).strip(" \u3000")


def ends_paragraph(raw: str, next_raw: str | None = None) -> bool:
    """True when the raw line ``raw`` ends a paragraph: the extractor leaves a trailing space at a
    paragraph's (or cell line's) end and none at a wrap. A trailing space between two ASCII words
    (``Microsoft `` + ``Teams``) is a wrap at a word space, not a paragraph end."""
    if not raw.endswith((" ", "\u3000")):
        return False
    if next_raw is not None and _ASCII_ALNUM_END.search(raw.rstrip()) and _ASCII_ALNUM_START.match(
            next_raw.strip()):
        return False
    return True


def split_paragraphs(raws: list[str]) -> list[str]:
    """Join raw lines into cleaned paragraphs (see ``ends_paragraph``); empty lines are ignored.

    Input: raw lines of one text (a definition, a policy's prose). Output: the paragraphs, each
    wrapped line joined (``join_wrapped``) and cleaned (``clean_text``). Never raises.
    """
    content = [r for r in raws if r.strip()]
    paragraphs: list[str] = []
    current: list[str] = []
    for i, raw in enumerate(content):
        current.append(raw)
        if ends_paragraph(raw, content[i + 1] if i + 1 < len(content) else None):
            paragraphs.append(clean_text(join_wrapped(current)))
            current = []
    if current:
        paragraphs.append(clean_text(join_wrapped(current)))
    return [p for p in paragraphs if p]


def _is_page_start(lines: tuple[str, ...], n: int) -> bool:
    """A page's first line starts with a space and follows a non-empty line (``n`` is 1-based)."""
    raw = lines[n - 1]
    return raw[:1] == " " and bool(raw.strip()) and (n == 1 or lines[n - 2] != "")


def _section_label(raw: str) -> tuple[str, str] | None:
    """``(field, rest)`` when the line starts with a 施策 section label (``現状 \\uf09f  …`` /
    ``事業の方向性``), ``rest`` being the text after the label (bullet included); else None."""
    m = BULLET_GLYPH.search(raw, 1) if raw.strip() else None
    head = raw[: m.start()] if m else raw
    field_ = SECTION_LABELS.get(match_key(head)) if head.strip() else None
    if field_ is None:
        return None
    return field_, raw[m.start():] if m else ""


def _objective_label(raw: str) -> str | None:
    """The text after a ``目的・あるべき姿`` box label on the same line ('' when alone); None when the
    line is not the label."""
    if not match_key(raw).startswith(OBJECTIVE_KEY):
        return None
    end = raw.find("姿")
    return raw[end + 1:] if end >= 0 else ""


# --------------------------------------------------------------------------------------------
# 施策 pages
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """A bullet item being read: its raw lines (bullet and label removed) and line numbers."""

    raws: list[str]
    lines: list[int]
    open: bool


@dataclass
class _MeasurePage:
    """State while reading one 施策 block."""

    sections: dict[str, list[_Item]] = field(default_factory=lambda: {f: [] for f in SECTION_LABELS.values()})
    section: str | None = None
    objective: list[int] = field(default_factory=list)
    objective_seen: bool = False
    pre_label: list[int] = field(default_factory=list)
    figures: list[list[int]] = field(default_factory=list)
    last_line: int = 0

    def current(self) -> _Item | None:
        items = self.sections[self.section] if self.section else []
        return items[-1] if items else None


def _read_measure(lines: tuple[str, ...], header: int, end: int, code: str, number: int, name: str,
                  policy_code: str | None, seq: int, log: IssueLog) -> tuple[HachiojiMeasure, bool]:
    """Read one 施策 block (lines ``header`` … ``end``, 1-based) into a ``HachiojiMeasure``.

    Returns the measure and whether its pre-label lines show the 自治体DX推進計画 icon's text.
    Warnings: ``figure_text_skipped``, ``objective_end_without_page_start``, ``paragraph_without_bullet``,
    ``unfinished_paragraph``, ``missing_section``, ``missing_objective``, ``second_objective_box``.
    """
    page = _MeasurePage(last_line=header)
    mode = "prose"          # prose | objective | figure
    resumed = False         # the line is the first one after the objective box
    for n in range(header + 1, end + 1):
        raw = lines[n - 1]
        if not raw.strip():
            continue
        label = _section_label(raw)
        bullet = BULLET.match(raw) is not None
        after_box = _objective_label(raw) if label is None and not bullet else None
        if mode == "objective":
            if _is_page_start(lines, n) or label or bullet or after_box is not None:
                if not _is_page_start(lines, n):
                    log.warning("objective_end_without_page_start",
                                f"施策 {code}: the 目的・あるべき姿 box is followed by a label or bullet "
                                "that does not start a page; the box was ended there", n)
                mode, resumed = "prose", True
            else:
                page.objective.append(n)
                page.last_line = n
                continue
        if after_box is not None:
            if page.objective_seen:
                log.warning("second_objective_box", f"施策 {code}: a second 目的・あるべき姿 label; its text "
                            "was appended to the objective", n)
            page.objective_seen = True
            mode = "objective"
            if after_box.strip():
                page.objective.append(n)
            page.last_line = n
            continue
        if label is not None:
            page.section, rest = label
            mode = "prose"
            if rest.strip():
                _start_item(page, rest, n, lines)
            page.last_line = n
            resumed = False
            continue
        if bullet:
            if page.section is None:
                log.warning("bullet_before_label", f"施策 {code}: a bullet item before any 現状/背景/"
                            "事業の方向性 label was read as 現状", n)
                page.section = "current_state"
            mode = "prose"
            _start_item(page, raw, n, lines)
            page.last_line = n
            resumed = False
            continue
        # plain text
        if mode == "figure":
            page.figures[-1].append(n)
            continue
        item = page.current()
        if page.section is None:
            page.pre_label.append(n)
        elif item is not None and item.open:
            _continue_item(item, raw, n, lines)
            page.last_line = n
        elif resumed:
            log.warning("paragraph_without_bullet",
                        f"施策 {code}: the text after the 目的・あるべき姿 box starts without a bullet and the "
                        "item before the box had ended; read as a new item of the interrupted section", n)
            _start_item(page, raw, n, lines)
            page.last_line = n
        else:
            mode = "figure"
            page.figures.append([n])
        resumed = False
    return _finish_measure(page, lines, header, code, number, name, policy_code, seq, log)


def _start_item(page: _MeasurePage, raw: str, n: int, lines: tuple[str, ...]) -> None:
    text = BULLET.sub("", raw, count=1)
    page.sections[page.section or "current_state"].append(
        _Item(raws=[text], lines=[n], open=not ends_paragraph(raw, _next_content(lines, n))))


def _continue_item(item: _Item, raw: str, n: int, lines: tuple[str, ...]) -> None:
    item.raws.append(raw)
    item.lines.append(n)
    item.open = not ends_paragraph(raw, _next_content(lines, n))


def _next_content(lines: tuple[str, ...], n: int) -> str | None:
    """The next non-empty line after line ``n`` (1-based), looking a few lines ahead."""
    for raw in lines[n: n + 4]:
        if raw.strip():
            return raw
    return None


def _finish_measure(page: _MeasurePage, lines: tuple[str, ...], header: int, code: str, number: int,
                    name: str, policy_code: str | None, seq: int,
                    log: IssueLog) -> tuple[HachiojiMeasure, bool]:
    icon = any(ICON_KEY in match_key(lines[n - 1]) for n in page.pre_label)
    other = [n for n in page.pre_label if ICON_KEY not in match_key(lines[n - 1])]
    if other:
        page.figures.insert(0, other)
    for block in page.figures:
        captions = [lines[n - 1].strip() for n in block if lines[n - 1].strip().startswith("【図】")]
        first = clean_text(lines[block[0] - 1])
        log.warning("figure_text_skipped",
                    f"施策 {code}: lines {block[0]}–{block[-1]} are not 現状/背景/事業の方向性/目的 prose "
                    f"(figure labels or credits{': ' + ', '.join(captions) if captions else ''}; "
                    f"first line {first[:40]!r}); skipped", block[0])
    sections: dict[str, list[str]] = {}
    for field_, items in page.sections.items():
        sections[field_] = [clean_text(join_wrapped(i.raws)) for i in items]
        for item in items:
            if item.open:
                log.warning("unfinished_paragraph",
                            f"施策 {code}: an item of {_label_of(field_)} ends without a paragraph end "
                            f"(line {item.lines[-1]} has no trailing space); kept as read", item.lines[-1])
        if not items:
            log.warning("missing_section", f"施策 {code} has no {_label_of(field_)} section", header)
    objective = None
    if page.objective:
        raws = [lines[n - 1] for n in page.objective]
        first = _objective_label(raws[0])
        if first is not None:
            raws[0] = first
        objective = "\n".join(split_paragraphs(raws)) or None
        if not ends_paragraph(lines[page.objective[-1] - 1]):
            log.warning("unfinished_paragraph", f"施策 {code}: the 目的・あるべき姿 text ends without a "
                        "paragraph end; it may continue elsewhere", page.objective[-1])
    if objective is None:
        log.warning("missing_objective", f"施策 {code} has no 目的・あるべき姿 text", header)
    measure = HachiojiMeasure(
        code=code, policy_code=policy_code, number=number, name=name, seq=seq, objective=objective,
        objective_line_start=page.objective[0] if page.objective else None,
        objective_line_end=page.objective[-1] if page.objective else None,
        source_line_start=header, source_line_end=page.last_line, **sections,
    )
    return measure, icon


def _label_of(field_: str) -> str:
    return next(label for label, f in SECTION_LABELS.items() if f == field_)


# --------------------------------------------------------------------------------------------
# 用語集
# --------------------------------------------------------------------------------------------


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
    """1-based line of the first ``項番 用 語 説 明`` header, or None."""
    for n, raw in enumerate(lines, start=1):
        if "項番" in raw and match_key(raw) == GLOSSARY_HEADER_KEY:
            return n
    return None


def _read_glossary(lines: tuple[str, ...], log: IssueLog) -> tuple[list[GlossaryEntry], set[int]]:
    """Read the 用語集 table: its entries and the header / page-number lines it skipped.

    Warnings: ``glossary_term_with_space``, ``glossary_term_wrapped``, ``check_glossary_numbering``,
    ``glossary_empty_definition``, ``glossary_text_before_entries``. Returns ``([], set())`` when there is no glossary.
    """
    start = _glossary_start(lines)
    if start is None:
        log.warning("no_glossary", "no 用語集 table (項番 用 語 説 明 header) found")
        return [], set()
    skipped: set[int] = set()
    blocks: list[list[int]] = []
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
        block_closed = not blocks or ends_paragraph(lines[blocks[-1][-1] - 1])
        if entry_like:
            blocks.append([n])
            expected = int(m.group("num")) + 1
        elif raw.strip().isdigit() and block_closed:
            skipped.add(n)  # a printed page number ("86 ")
            continue
        elif _is_page_start(lines, n) and block_closed and not _entry_follows(lines, n, expected):
            break  # the next section (" 参考資料")
        elif CHAPTER_HEADING.match(raw):
            break
        elif blocks:
            blocks[-1].append(n)
        else:
            log.warning("glossary_text_before_entries", f"text before the first 用語集 entry skipped: "
                        f"{raw.strip()[:60]!r}", n)
            continue
    entries = [_glossary_entry(lines, block, log) for block in blocks]
    _check_glossary_numbers(entries, log)
    return entries, skipped


def _entry_follows(lines: tuple[str, ...], n: int, expected: int) -> bool:
    """True when entry ``expected`` starts on this page (before the next page start after line
    ``n``): the page-start line ``n`` then continues the glossary instead of ending it."""
    for k in range(n + 1, min(n + 80, len(lines)) + 1):
        if _is_page_start(lines, k):
            return False
        m = GLOSSARY_ENTRY.match(lines[k - 1])
        if m and int(m.group("num")) == expected:
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
        # the term stands alone: complete when its line ends a paragraph, else it wraps
        while not ends_paragraph(term_raw) and remaining:
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


def _check_glossary_numbers(entries: list[GlossaryEntry], log: IssueLog) -> None:
    numbers = [e.number for e in entries]
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        dups = sorted({x for x in numbers if numbers.count(x) > 1})
        log.warning("check_glossary_numbering",
                    f"用語集 項番 do not run 1…{len(numbers)}: missing {missing}, repeated {dups}",
                    entries[0].source_line_start)


# --------------------------------------------------------------------------------------------
# Glossary marks
# --------------------------------------------------------------------------------------------


def _read_marks(lines: tuple[str, ...], glossary: list[GlossaryEntry], skip: set[int],
                measure_ranges: list[tuple[int, int, str]], log: IssueLog) -> list[GlossaryMark]:
    """Every ``*`` mark, resolved to the longest glossary term (or reading) ending the text before it.

    The text before a mark is this line's text, preceded by the previous non-empty line when that
    line wraps into this one (no paragraph end), so a term split by a wrap (``キャッシュレス決`` /
    ``済 *``) or a mark at a line start resolves. Unresolved marks: ``glossary_mark_unresolved``.
    """
    keys: dict[str, int] = {}
    for g in glossary:
        keys.setdefault(match_key(g.term), g.number)
        if g.reading:
            keys.setdefault(match_key(g.reading), g.number)
    longest = max((len(g.term) for g in glossary), default=0) + 6
    starts = [r[0] for r in measure_ranges]
    marks: list[GlossaryMark] = []
    carry = ""
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if n in skip:
            carry = ""
            continue
        if "*" in raw or "＊" in raw:
            seq = 0
            for m in MARK.finditer(raw):
                seq += 1
                context = carry + BULLET.sub("", raw[: m.start()]).rstrip(" \u3000")
                if raw[: m.start()].strip() == "" or m.start() == 0:
                    context = carry.rstrip(" \u3000")
                marked, number, word = _resolve(context, keys, longest)
                if word:
                    log.warning("glossary_mark_partial",
                                f"the * follows {word!r}: only its end {marked!r} is a 用語集 term (項番 {number}); "
                                "the reference is to that entry", n)
                if number is None:
                    log.warning("glossary_mark_unresolved",
                                f"the term marked with * ({marked or context[-12:]!r}) matches no 用語集 entry",
                                n)
                i = bisect_right(starts, n) - 1
                code = measure_ranges[i][2] if i >= 0 and n <= measure_ranges[i][1] else None
                marks.append(GlossaryMark(line=n, seq=seq, marked_text=marked, term_number=number,
                                          measure_code=code))
        carry = "" if ends_paragraph(raw) else BULLET.sub("", raw).strip(" \u3000")
    return marks


def _resolve(context: str, keys: dict[str, int], longest: int) -> tuple[str, int | None, str | None]:
    """``(marked text, 項番, longer word)`` for the longest glossary key that ends ``context``.

    ``longer word`` is set when the match is only the end of a word (``AI-OCR`` → ``OCR``: the
    character before the match is of the same script, or a hyphen). When no key matches:
    ``(guess, None, None)``, the guess being the run of one script before the mark."""
    best: tuple[str, int] | None = None
    for k in range(1, min(len(context), longest) + 1):
        candidate = context[-k:]
        if candidate[0] in " \u3000":
            continue
        number = keys.get(match_key(candidate))
        if number is not None:
            best = (candidate, number)
    if best:
        start = len(context) - len(best[0])
        before = context[start - 1] if start > 0 else ""
        word = None
        if before and (before in "-－" or _script(before) == _script(best[0][0]) is not None):
            run = _ANY_WORD_RUN.search(context[:start])
            word = (run.group(0) if run else before) + best[0]
        return clean_text(best[0]), best[1], word
    run = _WORD_RUN.search(context)
    return (run.group(0) if run else ""), None, None


def _script(ch: str) -> str | None:
    """``katakana`` / ``han`` / ``latin`` (ASCII or full-width letters and digits) / None."""
    if _KATAKANA.match(ch):
        return "katakana"
    if _HAN.match(ch):
        return "han"
    if _LATIN.match(ch):
        return "latin"
    return None


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------


@dataclass
class _Headings:
    """Heading lines of the document (1-based), found in one pass."""

    chapters: list[int] = field(default_factory=list)
    policies: list[tuple[int, regex.Match]] = field(default_factory=list)
    measures: list[tuple[int, regex.Match]] = field(default_factory=list)
    chapter4: list[tuple[int, regex.Match]] = field(default_factory=list)


def _find_headings(lines: tuple[str, ...]) -> _Headings:
    found = _Headings()
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if m := MEASURE_HEADER.match(raw):
            found.measures.append((n, m))
        elif m := POLICY_HEADER.match(raw):
            found.policies.append((n, m))
        elif CHAPTER_HEADING.match(raw):
            found.chapters.append(n)
        elif m := CHAPTER4_POLICY.match(raw):
            found.chapter4.append((n, m))
    return found


class HachiojiDxPlanParser(Parser):
    format = "hachioji_dx_plan"
    description = "八王子市DX推進計画 (基本方針, 施策, 用語集)"
    municipality_code = "132012"
    municipality_name = "八王子市"
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    views: ClassVar[dict[str, str]] = {
        # One row per DX-plan measure and action-plan measure of the same code and municipality
        # (full outer join: a measure without counterpart has nulls on the other side), with the
        # plan's objective next to a summary of the action plan's cards and their assessments.
        "hachioji_plan_action_measures": """
            WITH plan AS (
                SELECT d.municipality_code, d.municipality_name, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_dx_plan'
            ), action AS (
                SELECT d.municipality_code, d.municipality_name, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_action_plan'
            ), cards AS (
                SELECT i.measure_id,
                       count(DISTINCT i.initiative_id) AS cards,
                       count(DISTINCT k.initiative_id) AS cards_with_kpi_values,
                       count(DISTINCT a.initiative_id || ':' || a.fiscal_year)
                           FILTER (WHERE a.status = 'achieved') AS entries_achieved,
                       count(DISTINCT a.initiative_id || ':' || a.fiscal_year)
                           FILTER (WHERE a.status = 'not_achieved') AS entries_not_achieved,
                       count(DISTINCT a.initiative_id || ':' || a.fiscal_year)
                           FILTER (WHERE a.status IN ('achieved', 'mostly_achieved', 'partially_achieved',
                                                      'not_achieved')) AS entries_assessed
                FROM initiatives i
                LEFT JOIN annual_entries a ON a.initiative_id = i.initiative_id
                LEFT JOIN kpi_values k ON k.initiative_id = i.initiative_id
                WHERE i.measure_id IS NOT NULL
                GROUP BY i.measure_id
            )
            SELECT coalesce(p.municipality_code, a.municipality_code) AS municipality_code,
                   coalesce(p.municipality_name, a.municipality_name) AS municipality_name,
                   coalesce(p.code, a.code) AS measure_code,
                   p.document_id AS plan_document_id, p.measure_id AS plan_measure_id,
                   p.policy_code, p.policy_name, p.name AS plan_measure_name,
                   p.objective AS plan_objective, p.direction AS plan_direction,
                   p.in_jichitai_dx_plan,
                   a.document_id AS action_document_id, a.measure_id AS action_measure_id,
                   a.name AS action_measure_name, a.objective AS action_objective,
                   coalesce(c.cards, 0) AS cards, coalesce(c.cards_with_kpi_values, 0) AS cards_with_kpi_values,
                   coalesce(c.entries_assessed, 0) AS entries_assessed,
                   coalesce(c.entries_achieved, 0) AS entries_achieved,
                   coalesce(c.entries_not_achieved, 0) AS entries_not_achieved
            FROM plan p
            FULL OUTER JOIN action a ON a.municipality_code = p.municipality_code AND a.code = p.code
            LEFT JOIN cards c ON c.measure_id = a.measure_id
        """,
        # One row per DX-plan measure, action-plan card and fiscal year: the plan's objective next to
        # the card's target, result, status and the KPI numbers parsed from them.
        "hachioji_plan_action_results": """
            WITH plan AS (
                SELECT d.municipality_code, m.*
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_dx_plan'
            ), action AS (
                SELECT d.municipality_code, m.measure_id, m.document_id, m.code
                FROM measures m JOIN documents d USING (document_id)
                WHERE d.format = 'hachioji_action_plan'
            ), kv AS (
                SELECT initiative_id, fiscal_year,
                       list(raw ORDER BY seq) FILTER (WHERE kind = 'target') AS kpi_targets,
                       list(raw ORDER BY seq) FILTER (WHERE kind = 'actual') AS kpi_actuals
                FROM kpi_values
                WHERE initiative_id IS NOT NULL
                GROUP BY initiative_id, fiscal_year
            )
            SELECT p.municipality_code, p.code AS measure_code, p.policy_code, p.policy_name,
                   p.document_id AS plan_document_id, p.measure_id AS plan_measure_id,
                   p.name AS plan_measure_name, p.objective AS plan_objective,
                   a.document_id AS action_document_id, a.measure_id AS action_measure_id,
                   i.initiative_id, i.code AS initiative_code, i.name AS initiative_name,
                   i.lead_department, i.indicator, e.fiscal_year, e.target, e.result,
                   e.status_raw, e.status, kv.kpi_targets, kv.kpi_actuals
            FROM plan p
            JOIN action a ON a.municipality_code = p.municipality_code AND a.code = p.code
            JOIN initiatives i ON i.measure_id = a.measure_id
            LEFT JOIN annual_entries e ON e.initiative_id = i.initiative_id
            LEFT JOIN kv ON kv.initiative_id = e.initiative_id AND kv.fiscal_year = e.fiscal_year
        """,
    }
    view_comments: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {
        "hachioji_plan_action_measures": (
            "One row per Hachioji DX-plan measure and action-plan measure of the same code (full outer join): "
            "the plan's objective next to a summary of the action plan's cards and assessments.",
            {
                "municipality_code": "6-digit 全国地方公共団体コード shared by the two documents.",
                "municipality_name": "Municipality as written (八王子市).",
                "measure_code": "施策 code shared by the DX plan and the action plan (<基本方針>-<施策>, e.g. 1-1).",
                "plan_document_id": "document_id of the DX plan (hachioji_dx_plan); null when only the action plan has the measure.",
                "plan_measure_id": "measure_id of the DX-plan measure.",
                "policy_code": "基本方針 number of the DX-plan measure.",
                "policy_name": "基本方針 name as the DX plan writes it.",
                "plan_measure_name": "施策 name as the DX plan writes it.",
                "plan_objective": "目的・あるべき姿 of the DX-plan measure.",
                "plan_direction": "事業の方向性 of the DX-plan measure.",
                "in_jichitai_dx_plan": "True when the DX plan marks the measure as part of the national "
                                       "自治体DX推進計画 (null: the mark is an image, not in the text).",
                "action_document_id": "document_id of the action plan (hachioji_action_plan); null when only the DX plan has the measure.",
                "action_measure_id": "measure_id of the action-plan measure of the same code.",
                "action_measure_name": "施策 name as the action plan writes it.",
                "action_objective": "Objective of the action-plan measure.",
                "cards": "Number of action-plan cards (initiatives) under the measure.",
                "cards_with_kpi_values": "Cards with at least one parsed KPI number.",
                "entries_assessed": "Card × fiscal year entries with an assessment (達成 / 概ね達成 / 一部達成 / 未達成).",
                "entries_achieved": "Card × fiscal year entries marked 【達成】.",
                "entries_not_achieved": "Card × fiscal year entries marked 【未達成】.",
            },
        ),
        "hachioji_plan_action_results": (
            "One row per Hachioji DX-plan measure, action-plan card and fiscal year: the plan's objective next "
            "to the card's target, result, status and KPI numbers.",
            {
                "municipality_code": "6-digit 全国地方公共団体コード shared by the two documents.",
                "measure_code": "施策 code shared by the DX plan and the action plan (<基本方針>-<施策>, e.g. 1-1).",
                "policy_code": "基本方針 number of the DX-plan measure.",
                "policy_name": "基本方針 name as the DX plan writes it.",
                "plan_document_id": "document_id of the DX plan (hachioji_dx_plan); null when only the action plan has the measure.",
                "plan_measure_id": "measure_id of the DX-plan measure.",
                "plan_measure_name": "施策 name as the DX plan writes it.",
                "plan_objective": "目的・あるべき姿 of the DX-plan measure.",
                "action_document_id": "document_id of the action plan (hachioji_action_plan); null when only the DX plan has the measure.",
                "action_measure_id": "measure_id of the action-plan measure of the same code.",
                "initiative_id": "`<document_id>:<管理番号>` of the card.",
                "initiative_code": "管理番号 of the card (1-1-12).",
                "initiative_name": "事業名称 of the card.",
                "lead_department": "担当 of the card.",
                "indicator": "KPI name of the card (目標KPI).",
                "fiscal_year": "Fiscal year of the entry (Gregorian start year).",
                "target": "The year's target text (目標KPI / 年度目標).",
                "result": "The year's result text (実績).",
                "status_raw": "The year's verbatim mark (【達成】 / 【未達成】 …).",
                "status": "The year's status (status enum).",
                "kpi_targets": "Source texts of the KPI targets parsed for that year, in card order.",
                "kpi_actuals": "Source texts of the KPI actuals parsed for that year, in card order.",
            },
        ),
    }
    check_queries: ClassVar[dict[str, str]] = {
        # Only where the municipality has documents of both formats in the run.
        "Hachioji DX plan measures without an action-plan counterpart": """
            SELECT d.municipality_code, m.code AS measure_code, m.name, m.document_id
            FROM measures m JOIN documents d USING (document_id)
            WHERE d.format = 'hachioji_dx_plan'
              AND EXISTS (SELECT 1 FROM documents x WHERE x.format = 'hachioji_action_plan'
                          AND x.municipality_code = d.municipality_code)
              AND NOT EXISTS (SELECT 1 FROM measures a JOIN documents ad USING (document_id)
                              WHERE ad.format = 'hachioji_action_plan'
                                AND ad.municipality_code = d.municipality_code AND a.code = m.code)
            ORDER BY d.municipality_code, m.document_id, m.seq
        """,
        "Hachioji action-plan measures without a DX-plan counterpart": """
            SELECT d.municipality_code, m.code AS measure_code, m.name, m.document_id
            FROM measures m JOIN documents d USING (document_id)
            WHERE d.format = 'hachioji_action_plan'
              AND EXISTS (SELECT 1 FROM documents x WHERE x.format = 'hachioji_dx_plan'
                          AND x.municipality_code = d.municipality_code)
              AND NOT EXISTS (SELECT 1 FROM measures p JOIN documents pd USING (document_id)
                              WHERE pd.format = 'hachioji_dx_plan'
                                AND pd.municipality_code = d.municipality_code AND p.code = m.code)
            ORDER BY d.municipality_code, m.document_id, m.seq
        """,
    }

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """施策① page headers, 基本方針N headers, 目的・あるべき姿 boxes, 事業の方向性 labels and a 用語集
        table (項番 用語 説明); action-plan cards (管理番号 x-y-z) count against."""
        return marker_score(doc, _MARKERS, negative=_NEGATIVE)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the plan (see the module docstring).

        Input: the extracted text as a ``SourceDocument`` (its ``lines``). Output: ``ParseResult`` with
        a ``HachiojiDxPlan`` and the warnings met; an ``error`` only when no 施策 is found. Never
        raises on irregular input.
        """
        log = IssueLog()
        lines = doc.lines
        headings = _find_headings(lines)
        policies = self._policies(lines, headings, log)
        measures, ranges = self._measures(lines, headings, policies, log)
        glossary, skip = _read_glossary(lines, log)
        marks = _read_marks(lines, glossary, skip, ranges, log)
        joined = "".join(raw.strip(" \u3000") for raw in lines)
        title = self._title(joined, log)
        start_fy, end_fy = self._period(lines, log)
        self._check_policy_count(joined, policies, log)
        record = HachiojiDxPlan(
            title=title, municipality_code=self.municipality_code,
            municipality_name=self.municipality_name, plan_start_fy=start_fy, plan_end_fy=end_fy,
            policies=policies, measures=measures, glossary=glossary, marks=marks,
        )
        return ParseResult(record=record, issues=log.issues)

    # ----------------------------------------------------------------------------------------

    @staticmethod
    def _policies(lines: tuple[str, ...], headings: _Headings, log: IssueLog) -> list[HachiojiPolicy]:
        """基本方針 from the chapter-5 headers (+ subtitle line), with the chapter-4 wording and prose."""
        policies: list[HachiojiPolicy] = []
        for seq, (n, m) in enumerate(headings.policies, start=1):
            code = str(to_int(m.group("num")))
            title, subtitle, sub_line = m.group("title"), None, _next_content_line(lines, n)
            if inline := TITLE_WITH_SUBTITLE.match(title):
                title, subtitle = inline.group("title"), clean_text(inline.group("subtitle"))
            elif sub_line and (s := SUBTITLE.match(lines[sub_line - 1])):
                subtitle = clean_text(s.group("subtitle"))
            else:
                log.warning("policy_without_subtitle", f"基本方針 {code} has no ～subtitle～ after its header", n)
            policy = HachiojiPolicy(code=code, title=clean_text(title), subtitle=subtitle, seq=seq, source_line=n)
            if any(p.code == code for p in policies):
                log.warning("duplicate_policy", f"a second 基本方針 {code} header; its 施策 are read under it "
                            "but the policy row keeps the first header", n)
                continue
            policies.append(policy)
        if not policies:
            log.warning("no_policies", "no 基本方針N header found: measures have no policy")
        HachiojiDxPlanParser._chapter4(lines, headings, policies, log)
        return policies

    @staticmethod
    def _chapter4(lines: tuple[str, ...], headings: _Headings, policies: list[HachiojiPolicy],
                  log: IssueLog) -> None:
        """Attach the chapter-4 heading ``(N) title ～subtitle～`` and its prose to policy N; a
        wording that differs (after match keys) from chapter 5 is a ``policy_wording_differs`` warning."""
        first_policy = headings.policies[0][0] if headings.policies else len(lines) + 1
        found = [(n, m) for n, m in headings.chapter4 if n < first_policy]
        stops = sorted([n for n, _ in found] + headings.chapters + [first_policy])
        by_code = {p.code: p for p in policies}
        for n, m in found:
            policy = by_code.get(str(to_int(m.group("num"))))
            if policy is None:
                log.warning("chapter4_policy_unmatched", f"chapter-4 heading {m.group(0).strip()!r} has no "
                            "基本方針 of that number in chapter 5; ignored", n)
                continue
            if policy.chapter4_heading is not None:
                log.warning("chapter4_policy_repeated", f"a second chapter-4 heading for 基本方針 {policy.code} "
                            "ignored", n)
                continue
            title, subtitle = clean_text(m.group("title")), clean_text(m.group("subtitle"))
            policy.chapter4_heading = f"{title} {subtitle}"
            policy.chapter4_line = n
            stop = stops[bisect_right(stops, n)]
            policy.chapter4_text = "\n".join(split_paragraphs(list(lines[n: stop - 1]))) or None
            if match_key(title) != match_key(policy.title) or match_key(subtitle) != match_key(
                    policy.subtitle or ""):
                log.warning("policy_wording_differs",
                            f"基本方針 {policy.code} is worded differently in chapter 4 ({policy.chapter4_heading!r}, "
                            f"line {n}) and chapter 5 ({policy.full_name!r}); chapter 5 is kept as the name, "
                            "chapter 4 as a name variant", policy.source_line)

    @staticmethod
    def _measures(lines: tuple[str, ...], headings: _Headings, policies: list[HachiojiPolicy],
                  log: IssueLog) -> tuple[list[HachiojiMeasure], list[tuple[int, int, str]]]:
        """施策 blocks: each from its header to the next 施策 / 基本方針 / chapter heading.

        Returns the measures and each block's ``(first line, last line, code)``."""
        if not headings.measures:
            log.error("no_measures", "no 施策 page header (施策① …) found: nothing extracted")
            return [], []
        glossary_start = _glossary_start(lines) or len(lines) + 1
        bounds = sorted({n for n, _ in headings.measures} | {n for n, _ in headings.policies}
                        | set(headings.chapters) | {glossary_start, len(lines) + 1})
        policy_lines = [n for n, _ in headings.policies]
        measures: list[HachiojiMeasure] = []
        ranges: list[tuple[int, int, str]] = []
        icons: dict[str, bool] = {}
        seen: set[str] = set()
        for n, m in headings.measures:
            end = bounds[bisect_right(bounds, n)] - 1
            i = bisect_right(policy_lines, n) - 1
            policy_code = str(to_int(headings.policies[i][1].group("num"))) if i >= 0 else None
            number = circled_to_int(m.group("num")) or 0
            if policy_code is None:
                log.warning("measure_without_policy", f"施策 {m.group('num')} comes before any 基本方針 header; "
                            "its code has no policy part", n)
            code = f"{policy_code}-{number}" if policy_code else str(number)
            if code in seen:
                log.error("duplicate_measure", f"a second 施策 {code}; dropped", n)
                continue
            seen.add(code)
            measure, icon = _read_measure(lines, n, end, code, number, clean_text(m.group("name")),
                                          policy_code, len(measures) + 1, log)
            measures.append(measure)
            ranges.append((n, end, code))
            icons[code] = icon
        legend = HachiojiDxPlanParser._policy_pages(lines, headings, log)
        HachiojiDxPlanParser._icons(measures, icons, legend, log)
        HachiojiDxPlanParser._check_numbering(measures, policies, log)
        return measures, ranges

    @staticmethod
    def _icons(measures: list[HachiojiMeasure], icons: dict[str, bool], legend: int | None,
               log: IssueLog) -> None:
        """in_jichitai_dx_plan: True/False when some 施策 page shows the icon's text (自治体DX); otherwise
        None for all, with one ``icon_not_in_text`` warning when the icon legend is present (the
        icon is an image the extracted text lacks)."""
        if any(icons.values()):
            for m in measures:
                m.in_jichitai_dx_plan = icons[m.code]
            return
        if legend is None:
            return
        log.warning("icon_not_in_text",
                    "the legend says 施策 of the 自治体DX推進計画 carry an icon, but no 施策 page has it in the "
                    "extracted text (it is an image): in_jichitai_dx_plan is left null for every measure",
                    legend)

    @staticmethod
    def _policy_pages(lines: tuple[str, ...], headings: _Headings, log: IssueLog) -> int | None:
        """Text on a 基本方針 title page (between its subtitle and the next 施策): the icon legend
        (``…以下のアイコンを配置しています``; its line is returned) or anything else, which is
        skipped with a ``policy_page_text_skipped`` warning."""
        legend = None
        measure_lines = sorted(n for n, _ in headings.measures)
        for n, _m in headings.policies:
            i = bisect_right(measure_lines, n)
            stop = measure_lines[i] if i < len(measure_lines) else n + 1
            sub = _next_content_line(lines, n)
            first = sub + 1 if sub and SUBTITLE.match(lines[sub - 1]) else n + 1
            text = [k for k in range(first, stop) if lines[k - 1].strip()]
            if not text:
                continue
            joined = "".join(lines[k - 1].strip() for k in text)
            if LEGEND_KEY in joined:
                legend = legend or next(k for k in text if LEGEND_KEY in lines[k - 1])
                continue  # the icon legend (reported by _icons)
            log.warning("policy_page_text_skipped", f"text on the 基本方針 title page skipped: {joined[:60]!r}",
                        text[0])
        return legend

    @staticmethod
    def _check_numbering(measures: list[HachiojiMeasure], policies: list[HachiojiPolicy],
                         log: IssueLog) -> None:
        for p in policies:
            numbers = [m.number for m in measures if m.policy_code == p.code]
            if numbers != list(range(1, len(numbers) + 1)):
                log.warning("check_measure_numbering", f"施策 numbers of 基本方針 {p.code} are {numbers}, "
                            "not 1…n in order", p.source_line)
            if not numbers:
                log.warning("check_policy_without_measures", f"基本方針 {p.code} has no 施策", p.source_line)

    @staticmethod
    def _title(joined: str, log: IssueLog) -> str | None:
        """The plan's name for itself: 「…」（以下「本計画」という。）."""
        m = SELF_NAME.search(joined)
        if not m:
            log.warning("no_title", "the plan's name (「…」（以下「本計画」という。）) was not found; title left null")
            return None
        title = clean_text(m.group("title"))
        prefix = MUNICIPALITY_PREFIX.match(title)
        if prefix and prefix.group("name") != HachiojiDxPlanParser.municipality_name:
            log.warning("check_municipality", f"the plan's name starts with {prefix.group('name')!r}, not "
                        f"{HachiojiDxPlanParser.municipality_name}; municipality kept from the format")
        return title

    @staticmethod
    def _period(lines: tuple[str, ...], log: IssueLog) -> tuple[int | None, int | None]:
        """計画期間: the paragraph that starts ``計画期間は`` → (start, end) fiscal years; its stated
        ``N年間`` is checked against them (``check_plan_period``)."""
        for n, raw in enumerate(lines, start=1):
            if "計画期間は" not in raw:
                continue
            raws = []
            for k in range(n, min(n + 20, len(lines)) + 1):
                if lines[k - 1].strip():
                    raws.append(lines[k - 1])
                    if ends_paragraph(lines[k - 1]):
                        break
            text = clean_text(join_wrapped(raws))
            start, end = parse_fiscal_year_range(text[text.find("計画期間は"):])
            if start is None:
                continue
            years = PERIOD_YEARS.search(text)
            if years and end is not None and to_int(years.group("n")) != end - start + 1:
                log.warning("check_plan_period", f"the plan period {start}–{end} is not the stated "
                            f"{years.group(0)}", n)
            return start, end
        log.warning("no_plan_period", "no 計画期間 paragraph with fiscal years found; plan period left null")
        return None, None

    @staticmethod
    def _check_policy_count(joined: str, policies: list[HachiojiPolicy], log: IssueLog) -> None:
        m = POLICY_COUNT.search(joined)
        if m and to_int(m.group("n")) != len(policies):
            log.warning("check_policy_count", f"the plan states {m.group(0)} but {len(policies)} 基本方針 "
                        "headers were read")


def _next_content_line(lines: tuple[str, ...], n: int) -> int | None:
    """1-based number of the first non-empty line after line ``n`` (within 6 lines)."""
    for k in range(n + 1, min(n + 6, len(lines)) + 1):
        if lines[k - 1].strip():
            return k
    return None
