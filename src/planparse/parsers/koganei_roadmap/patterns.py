"""Patterns, column labels and row predicates of the Koganei action plan (``koganei_roadmap``).

Every pattern is compiled once, with a comment showing a source line it matches. The row
predicates classify a table row (its cells) as an overview header, a 取組 heading or a 個別取組
table header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import regex

from planparse.memo import _memo
from planparse.normalize import BOLD, HTML_TAG, find_fiscal_years, match_key, strip_markup

# (the detection markers are in ``markers``)

# "-----\t---------------------------------\t------\t---": a markdown table separator row
SEPARATOR_ROW = regex.compile(r"^[\s|:]*-{3,}[\s\-|:]*$")
# "# 実現したい未来 " / "## ": markdown heading marks
HEADING_MARKS = regex.compile(r"^\s*#{1,6}\s*")
# "# 実現したい未来 【Vision I】 市民にやさしい" / "**【Vision3】 基盤の整備**" / "【Vision2】 職員が働きやすい"
VISION_BANNER = regex.compile(r"【\s*Vision\s*(?P<numeral>[^】\s]+)\s*】\s*(?P<name>.*?)\s*$", regex.IGNORECASE)
# "取組①" / "取組⑬" (heading's first cell; the glyph may be wrong) / "取組11"
MEASURE_LABEL = regex.compile(r"^取組\s*(?P<glyph>[\p{No}0-9０-９]{1,3})$")
# "<b>フロントヤード改革の推進</b> <b>重点取組</b>" → the trailing 重点取組 tag (after markup removal);
# "…手段の推進重点取組": in a PDF the tag may stand on its own line of the cell, joined without a space
PRIORITY_TAG = regex.compile(r"\s*重点取組$")
# "◎全ての課・窓口所管課・管財課 ○自治体DX推進担当・情報システム課": a role mark and its group
ROLE_GROUP = regex.compile(r"(?P<mark>[◎○◯●])(?P<names>[^◎○◯●]*)")
ROLES = {"◎": "lead", "○": "support", "◯": "support", "●": "member"}
# "(関連)③・④・⑧ (ステップ)④→①" / "(ステップ) ⑭→①・⑧・⑨"
LINK_LABEL = regex.compile(r"[(（]\s*(?P<label>関連|ステップ)\s*[)）]")
LINK_TYPES = {"関連": "related", "ステップ": "step"}
# "④→①": the stages of a ステップ chain
STEP_ARROW = regex.compile(r"→|⇒|->")
# " ・、," left of a links cell once its labels, glyphs and arrows are removed: separators, not text
LINK_SEPARATORS = regex.compile(r"[\s・、,]")
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
# "デジタルデバйд": letters of a script a Japanese plan does not use (conversion noise); one class
# (a letter, \P{L} negated, of none of these scripts): twice as fast as a lookahead before every letter
FOREIGN_LETTERS = regex.compile(r"[^\P{L}\p{Han}\p{Hiragana}\p{Katakana}\p{Latin}\p{Common}\p{Inherited}]+")
# The characters that are no FOREIGN_LETTERS letter, as ranges: ASCII and Latin (to U+024F), general
# punctuation, symbols and arrows (U+2000–2BFF but U+2126 Ω, the ohm sign: a Greek letter), CJK punctuation
# and kana, CJK ideographs and their compatibility forms, CJK vertical forms, full-width forms and half-width
# katakana (tests/test_koganei_roadmap.py checks every one against FOREIGN_LETTERS)
NOT_FOREIGN = r"\x00-\u024f\u2000-\u2125\u2127-\u2bff\u3000-\u30ff\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff9f"
# a character outside them (the standard library's ``re``: a few ns a character, where FOREIGN_LETTERS tests
# the scripts of each letter at ~90 ns)
_MAYBE_FOREIGN = re.compile(f"[^{NOT_FOREIGN}]")


def foreign_runs(text: str) -> Iterator[regex.Match[str]]:
    """The ``FOREIGN_LETTERS`` runs of ``text``, in order; the pattern is tried only on a text holding a
    character outside ``NOT_FOREIGN`` (most texts hold none)."""
    return FOREIGN_LETTERS.finditer(text) if _MAYBE_FOREIGN.search(text) else iter(())


def has_foreign_letters(text: str) -> bool:
    """Whether ``text`` holds a ``FOREIGN_LETTERS`` run (tried as ``foreign_runs`` is)."""
    return _MAYBE_FOREIGN.search(text) is not None and FOREIGN_LETTERS.search(text) is not None


# the scripts a foreign_script_noise warning names (others: "non-Japanese"), each by its first letter
FOREIGN_SCRIPTS = {script: regex.compile(rf"\p{{{script}}}")
                   for script in ("Cyrillic", "Greek", "Hangul", "Arabic", "Hebrew", "Thai")}
# "<b>", "</p>", "<p style=…>", "**": markup removed from stored text
MARKUP = regex.compile(rf"{HTML_TAG.pattern}|{BOLD.pattern}")
SPACES = regex.compile(r"[ \t\u3000]+")

# 個別取組 table header labels (match keys) → column role
ITEM_COLUMNS = {"個別取組": "name", "評価指標": "indicator", "目標値等": "target",
                "取組のロードマップ": "roadmap", "主担当": "departments"}
ITEM_REQUIRED = ("name", "indicator", "target", "departments")


@_memo
def text_of(cell: str) -> str:
    """A cell or line as stored: markup removed, whitespace runs collapsed, ends trimmed.
    (Remembered per document: the walk reads a row's cells at several steps.)"""
    text = strip_markup(cell)
    if "\t" in text or "\u3000" in text or "  " in text:   # else SPACES has nothing to change
        text = SPACES.sub(" ", text)
    return text.strip()


def squash(text: str) -> str:
    """``text`` without spaces (names compared across wraps)."""
    if " " not in text and "\t" not in text and "\u3000" not in text:   # (most names)
        return text
    return SPACES.sub("", text)


@lru_cache(maxsize=8192)
def cell_keys(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Match keys of a row's cells, markup removed (computed once per distinct row)."""
    return tuple(match_key(strip_markup(c)) for c in cells)


def is_overview_header(cells: Sequence[str]) -> bool:
    """``取組\\t\\t重点取組 (※)\\t担当部署 (◎主担当、…)\\t・関連性の高い取組 ・取組のステップ``."""
    keys = cell_keys(tuple(cells))
    return bool(keys) and keys[0] == "取組" and any(k.startswith("担当部署") for k in keys)


def heading_match(cells: Sequence[str]) -> regex.Match[str] | None:
    """The ``取組<glyph>`` match of a 取組 page heading row (``取組①\\t<b>…</b>\\t担当部署\\t…``), else None."""
    if len(cells) < 2 or "担当部署" not in cell_keys(tuple(cells))[1:]:   # (the keys are remembered per row)
        return None
    return MEASURE_LABEL.match(text_of(cells[0]))


def item_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """Column roles of a 個別取組 table header row (``個別取組\\t評価指標\\t目標値等\\t取組のロードマップ\\t\\t\\t主担当``);
    None when the row is not such a header."""
    columns: dict[str, int] = {}
    for k, key in enumerate(cell_keys(tuple(cells))):
        role = ITEM_COLUMNS.get(key)
        if role and role not in columns:
            columns[role] = k
    return columns if all(r in columns for r in ITEM_REQUIRED) else None


def is_year_header(cells: Sequence[str], name_col: int) -> bool:
    """The second header row of a 個別取組 table: an empty 個別取組 cell and fiscal years
    (``\\t\\t\\t令和8(2026)年度\\t令和9(2027)年度\\t令和10(2028)年度\\t``)."""
    if name_col < len(cells) and cells[name_col].strip():
        return False
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and all(find_fiscal_years(c) for c in filled)


def is_structure_row(cells: Sequence[str]) -> bool:
    """A row that starts something new: a 取組 heading, an overview header or a 個別取組 header."""
    return bool(heading_match(cells) or is_overview_header(cells) or item_columns(cells))
