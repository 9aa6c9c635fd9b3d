"""Shared normalisation of Japanese plan text: years, numbers, deltas, marks, lists, wraps.

Every parser uses these helpers; none of them knows a particular document. Stored text stays as
the source wrote it: NFKC is applied only to the piece of text that is matched or parsed
(see DESIGN.md, "Normalisation traps").

Public functions (all pure):

* ``nfkc``, ``match_key``                  text for matching (never for stored fields)
* ``parse_fiscal_year``, ``find_fiscal_years``, ``parse_fiscal_year_range``
                                           和暦 / Gregorian / ``R3`` → Gregorian fiscal year (int)
* ``parse_number``, ``find_quantities``    numbers with カンマ, 万/千/億, 全角 digits → ``Decimal``
* ``parse_delta``, ``find_target_deltas``  対目標 differences (▲7.6％ → -7.6)
* ``status_from_mark``                     達成 / 【未達成】 / 〇 △ × … → ``Status`` value
* ``split_departments``                    担当課 lists → list of department names
* ``join_wrapped``, ``clean_cell``, ``strip_markup``, ``split_html_list``
                                           line-wrap joining and markup removal
                                           (these and ``split_departments`` live in ``text_cells``)
* ``roman_to_int``, ``circled_to_int``, ``to_int``
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple

import regex

from planparse.memo import LazyPattern, _memo, _memo_list, clear_memos
from planparse.text_cells import (
    BOLD,
    HTML_TAG,
    clean_cell,
    join_wrapped,
    split_departments,
    split_html_list,
    strip_markup,
)

__all__ = [
    "BOLD",
    "HTML_TAG",
    "LABEL_COLON",
    "TRAILING_PARTICLES",
    "TRAILING_PARTICLE_CHARS",
    "Delta",
    "FiscalYearMatch",
    "MetricValue",
    "Quantity",
    "Status",
    "circled_to_int",
    "clean_cell",
    "clear_memos",
    "find_fiscal_years",
    "find_metric_values",
    "find_quantities",
    "find_target_deltas",
    "join_wrapped",
    "match_key",
    "match_key_lines",
    "nfkc",
    "parse_delta",
    "parse_fiscal_year",
    "parse_fiscal_year_range",
    "parse_number",
    "roman_to_int",
    "split_departments",
    "split_html_list",
    "status_from_mark",
    "strip_markup",
    "to_int",
]


# --------------------------------------------------------------------------------------------
# Matching keys
# --------------------------------------------------------------------------------------------

# Dash-like glyphs that stand for the katakana long-vowel mark after katakana
# (マイナンバ―カード with U+2015 HORIZONTAL BAR, Hachioji action plan line 2477).
_LONG_VOWEL_LOOKALIKE = LazyPattern(r"(?<=[\p{Katakana}ｰ])[―‐‑–—─━－-]")
_WHITESPACE = LazyPattern(r"[\s\u3000]+")
# Lines ``match_key`` must leave to the patterns above (most have none): a dash, or a separator str.split()
# takes for whitespace and ``_WHITESPACE`` does not (\x1c-\x1f; tests compare the sets). Plain characters:
# the standard library's ``re`` searches them in half the time of ``regex``.
_NEEDS_PATTERNS = re.compile(r"[―‐‑–—─━－\-\x1c-\x1f]")


def match_key_lines(text: str) -> str:
    """``match_key`` applied to each line of ``text`` at once, keeping the line breaks.

    Input: a multi-line text. Output: the same number of lines, each NFKC-normalised with its
    whitespace removed and long-vowel look-alikes folded. Used to search a whole document for
    labels quickly (format detection). Never raises.
    """
    return "\n".join(map(match_key, text.split("\n")))  # per line: 2.5× faster than the whole text



class _NfkcChars(dict):
    """``str.translate`` table ``{code point: NFKC of that character}``, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        value = self[code] = unicodedata.normalize("NFKC", chr(code))
        return value


_NFKC_CHARS = _NfkcChars()


def nfkc(text: str) -> str:
    """Return the NFKC form of ``text`` (full-width digits/letters → ASCII, ① → 1, Ⅲ → III).

    Use it only on the piece you match or parse; stored fields keep the source's glyphs.
    """
    if unicodedata.is_normalized("NFKC", text):  # most texts (the check costs less than a memo's look-up)
        return text
    return _nfkc_changed(text)


@_memo
def _nfkc_changed(text: str) -> str:
    """``nfkc`` of a text not in NFKC (remembered per document)."""
    # Each character by its own NFKC (twice as fast): compatibility-equivalent to ``text``, so it is
    # NFKC(text) when in NFKC itself; where characters compose or reorder, the full algorithm runs.
    # A long text: only its runs of characters NFKC can change are looked up (2-3× faster from ~100
    # characters; a character the pattern misses fails the check below, so the result is the same).
    if len(text) < _NFKC_RUNS_FROM:
        chars = text.translate(_NFKC_CHARS)
    else:
        chars = _NFKC_UNSTABLE.sub(_nfkc_run, text)
    return chars if unicodedata.is_normalized("NFKC", chars) else unicodedata.normalize("NFKC", text)


_NFKC_RUNS_FROM = 96  # characters: below it, ``str.translate`` of the whole text is faster
# characters not certain to be left as they are by NFKC (quick-check No or Maybe)
_NFKC_UNSTABLE = LazyPattern(r"[\p{NFKC_QC=N}\p{NFKC_QC=M}]+")


def _nfkc_run(match: regex.Match) -> str:
    return match.group().translate(_NFKC_CHARS)


@_memo
def _nfkc_map(text: str) -> tuple[str, tuple[int, ...] | range]:
    """NFKC per character, with ``index[i]`` = offset in ``text`` of normalised character ``i``
    (``index[len(normalised)] == len(text)``), so spans found in the normalised text can be cut
    from the source text."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, range(len(text) + 1)
    normalised = text.translate(_NFKC_CHARS)
    if len(normalised) == len(text):  # no character became several (none ever becomes nothing)
        return normalised, range(len(text) + 1)
    index: list[int] = []
    for i, ch in enumerate(text):
        index.extend([i] * len(_NFKC_CHARS[ord(ch)]))
    index.append(len(text))
    return normalised, tuple(index)


@_memo
def match_key(text: str) -> str:
    """Return a key for comparing two spellings of the same label or name.

    Input: any text. Output: NFKC form with all whitespace removed and katakana long-vowel
    look-alikes (―, －, ‐ after katakana) folded to ``ー``. Example: ``"マイナンバ―カード の 普及"``
    and ``"マイナンバーカードの普及"`` give the same key. Never raises.
    """
    key = text if unicodedata.is_normalized("NFKC", text) else _nfkc_changed(text)
    if _NEEDS_PATTERNS.search(key):
        return _WHITESPACE.sub("", _LONG_VOWEL_LOOKALIKE.sub("ー", key))
    return "".join(key.split())  # = _WHITESPACE.sub("", key) without those separators, 3× faster


# --------------------------------------------------------------------------------------------
# Integers, roman numerals, circled numbers
# --------------------------------------------------------------------------------------------

_ROMAN_UNICODE = {
    "Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII", "Ⅷ": "VIII",
    "Ⅸ": "IX", "Ⅹ": "X", "Ⅺ": "XI", "Ⅻ": "XII",
    "ⅰ": "I", "ⅱ": "II", "ⅲ": "III", "ⅳ": "IV", "ⅴ": "V", "ⅵ": "VI", "ⅶ": "VII", "ⅷ": "VIII",
    "ⅸ": "IX", "ⅹ": "X",
}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# "IV", "Ⅳ", "ＩＶ" (a roman numeral alone, any width)
ROMAN_NUMERAL = LazyPattern(r"^(?:[IVXLCivxlc]+|[Ⅰ-Ⅻⅰ-ⅹ])$")


def roman_to_int(text: str) -> int | None:
    """Convert a roman numeral (``"IV"``, ``"Ⅳ"``, ``"ＩＶ"``, ``"iv"``) to an int.

    Returns None when ``text`` (stripped) is not a roman numeral. Never raises.
    """
    s = nfkc(text.strip())
    s = "".join(_ROMAN_UNICODE.get(ch, ch) for ch in s).upper()
    if not s or any(ch not in _ROMAN_VALUES for ch in s):
        return None
    total = 0
    for i, ch in enumerate(s):
        v = _ROMAN_VALUES[ch]
        if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total if total > 0 else None


def int_to_roman(value: int) -> str:
    """Return the ASCII roman numeral for 1 ≤ ``value`` < 400 (``4`` → ``"IV"``).

    Raises ValueError outside that range.
    """
    if not 0 < value < 400:
        raise ValueError(f"roman numeral out of range: {value}")
    out = []
    for num, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"),
                     (5, "V"), (4, "IV"), (1, "I")):
        while value >= num:
            out.append(sym)
            value -= num
    return "".join(out)


def circled_to_int(glyph: str) -> int | None:
    """Convert a circled number glyph to its int: ``①`` → 1, ``⑯`` → 16, ``➀`` → 1, ``㉑`` → 21.

    Accepts U+2460–2473 (①–⑳), U+2780–2789 and U+278A–2793 (dingbat ➀–➉, ➊–➓), U+24F5–24FE (⓵–⓾),
    U+3251–325F (㉑–㉟) and U+32B1–32BF (㊱–㊿). Returns None for anything else.
    """
    if len(glyph) != 1:
        return None
    cp = ord(glyph)
    for start, end, first in ((0x2460, 0x2473, 1), (0x2780, 0x2789, 1), (0x278A, 0x2793, 1),
                              (0x24F5, 0x24FE, 1), (0x3251, 0x325F, 21), (0x32B1, 0x32BF, 36)):
        if start <= cp <= end:
            return first + cp - start
    return None


CIRCLED_NUMBER = LazyPattern(r"[\u2460-\u2473\u2780-\u2793\u24F5-\u24FE\u3251-\u325F\u32B1-\u32BF]")


def to_int(text: str) -> int | None:
    """Parse an integer written with ASCII or full-width digits (``"１０"`` → 10, ``" 7 "`` → 7).

    Returns None when ``text`` is not just digits (after trimming whitespace). Never raises.
    """
    s = nfkc(text).strip()
    return int(s) if s.isascii() and s.isdigit() else None


# --------------------------------------------------------------------------------------------
# Fiscal years
# --------------------------------------------------------------------------------------------

_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}

# 令和7年度 / 令和４（2022）年度 / 令和8(2026)年度 / 令和元年 / 平成30年度 / 令和５年（2023年）
# / R3 / R3年度 / 2024年度 / 2022年度
FISCAL_YEAR = LazyPattern(
    r"""
    (?:
        (?P<era>令和|平成|昭和)\s*(?P<n>元|\d{1,2})\s*
        (?:[（(]\s*(?P<greg1>\d{4})\s*(?:年度?)?\s*[）)]\s*)?
        (?P<suffix>年度|年)?
        (?:\s*[（(]\s*(?P<greg2>\d{4})\s*(?:年度|年)?\s*[）)])?
      |
        (?<![A-Za-z])(?P<abbr>[RHS])\s?(?P<an>\d{1,2})(?!\d)(?P<asuffix>年度|年)?
      |
        (?<!\d)(?P<greg>(?:19|20)\d{2})\s*(?P<gsuffix>年度)
    )
    """,
    regex.VERBOSE,
)


# The matches found in a text (FiscalYearMatch, Quantity, Delta, MetricValue) are named tuples:
# immutable values read by name, as frozen dataclasses would be, defined in a third of the time
# (~1 ms of every run's import for the four).
class FiscalYearMatch(NamedTuple):
    """One year expression found in a text.

    ``fiscal_year`` is the Gregorian year (令和7年度 → 2025). ``gregorian`` is the year written in
    brackets next to an era year (``令和４（2022）年度`` → 2022), ``conflict`` is True when the two
    disagree (``令和5年度 （2015年度）``; the era year wins). ``is_fiscal`` is True for 年度, False for 年
    and None when the text had neither suffix. ``start``/``end`` index the searched (NFKC) text.
    """

    fiscal_year: int
    raw: str
    start: int
    end: int
    is_fiscal: bool | None
    gregorian: int | None = None
    conflict: bool = False


@_memo_list
def find_fiscal_years(text: str) -> list[FiscalYearMatch]:
    """Find every year expression in ``text`` (in order).

    Input: any text (full-width digits allowed; it is NFKC-normalised for matching). Output: a list of
    ``FiscalYearMatch`` whose ``raw``/``start``/``end`` refer to ``text`` as given. Never raises.
    """
    s, index = _nfkc_map(text)
    found: list[FiscalYearMatch] = []
    for m in FISCAL_YEAR.finditer(s):
        if m.group("era"):
            n = 1 if m.group("n") == "元" else int(m.group("n"))
            year = _ERA_BASE[m.group("era")] + n
            greg_s = m.group("greg1") or m.group("greg2")
            greg = int(greg_s) if greg_s else None
            suffix = m.group("suffix") or ("年度" if "年度" in m.group(0) else None)
            found.append(FiscalYearMatch(
                fiscal_year=year, raw=text[index[m.start()]:index[m.end()]].strip(),
                start=index[m.start()], end=index[m.end()],
                is_fiscal=None if suffix is None else suffix == "年度",
                gregorian=greg, conflict=greg is not None and greg != year,
            ))
        elif m.group("abbr"):
            year = _ERA_BASE[m.group("abbr")] + int(m.group("an"))
            suffix = m.group("asuffix")
            found.append(FiscalYearMatch(year, text[index[m.start()]:index[m.end()]], index[m.start()],
                                         index[m.end()], None if suffix is None else suffix == "年度"))
        else:
            found.append(FiscalYearMatch(int(m.group("greg")), text[index[m.start()]:index[m.end()]],
                                         index[m.start()], index[m.end()], True))
    return found


def parse_fiscal_year(text: str) -> int | None:
    """Return the first fiscal year named in ``text`` as a Gregorian int, or None.

    ``"令和7年度"`` → 2025, ``"令和４（2022）年度"`` → 2022, ``"令和元年"`` → 2019, ``"平成30年度"`` → 2018,
    ``"R3"`` → 2021, ``"2024年度"`` → 2024. Never raises.
    """
    found = find_fiscal_years(text)
    return found[0].fiscal_year if found else None


_RANGE_SEP = LazyPattern(r"[～〜~\-－―–—]|から")


def parse_fiscal_year_range(text: str) -> tuple[int | None, int | None]:
    """Return ``(start_fy, end_fy)`` of a range such as ``令和４年～令和８年`` → ``(2022, 2026)``.

    Also reads ``令和8(2026)年度～令和10(2028)年度``, ``令和4年度から令和7年度``, ``R4～R8`` and a range
    whose second half omits the era (``令和4～8年度`` → ``(2022, 2026)``). A single year gives
    ``(year, year)``; no year gives ``(None, None)``. Never raises.
    """
    s = nfkc(text)
    years = find_fiscal_years(s)
    if not years:
        return None, None
    first = years[0]
    if len(years) >= 2 and _RANGE_SEP.search(s[first.end:years[1].start + 1]):
        return first.fiscal_year, years[1].fiscal_year
    # 令和4～8年度: the second year is written without its era
    era = first.raw[:2] if first.raw[:2] in ("令和", "平成", "昭和") else first.raw[:1]
    m = _BARE_RANGE_END.match(s, first.end)
    if m and era in _ERA_BASE:
        return first.fiscal_year, _ERA_BASE[era] + int(m.group(1))
    return first.fiscal_year, first.fiscal_year


# "～8年度" after 令和4: the end of a range that omits the era
_BARE_RANGE_END = LazyPattern(r"\s*(?:[～〜~\-－―]|から)\s*(\d{1,2})\s*年")


# --------------------------------------------------------------------------------------------
# Numbers and quantities
# --------------------------------------------------------------------------------------------

_MULTIPLIER = {"億": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}

# 1,003 / 4.5万 / 6万4千 / 2万5000 / 1億2,000万 (applied to NFKC text)
NUMBER = LazyPattern(
    r"""
    (?<![\d.,])
    (?P<number>
        (?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[億万千]
        (?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[万千]){0,2}
        (?:\d{1,3}(?:,\d{3})+|\d+)?
      |
        (?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?
    )
    """,
    regex.VERBOSE,
)
_CHUNK = LazyPattern(r"(\d+(?:\.\d+)?)([億万千]?)")
_DIGIT = LazyPattern(r"\d")  # any digit NUMBER could start with


def _number_value(token: str) -> Decimal:
    plain = token.replace(",", "")
    if plain.isdecimal() and len(plain) <= 18:  # a plain integer (most are): exact, as the sum below
        return Decimal(plain)
    total = Decimal(0)
    for digits, mult in _CHUNK.findall(plain):
        total += Decimal(digits) * _MULTIPLIER.get(mult, Decimal(1))
    # 4.5万 → 45000 (not 45000.0); 0.7 stays 0.7
    return total.quantize(Decimal(1)) if total == total.to_integral_value() else total


def parse_number(text: str) -> Decimal | None:
    """Parse the first number in ``text`` into a Decimal, with 万/千/億 multipliers applied.

    ``"1,003件"`` → 1003, ``"4.5万件"`` → 45000, ``"約6万4千件"`` → 64000, ``"４0％"`` → 40,
    ``"▲０.７"`` → 0.7 (the sign is a delta's business: see ``parse_delta``). Returns None when
    ``text`` holds no number. Never raises (uses Decimal, never float).
    """
    m = NUMBER.search(nfkc(text))
    if not m:
        return None
    try:
        return _number_value(m.group("number"))
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
        return None


# Units seen in the five documents, longest first. "件/年", "件/半年" keep their period.
UNITS: tuple[str, ...] = (
    "手続き", "手続", "商店街", "か所", "ヶ所", "カ所", "箇所", "種類", "業務", "所管", "時間",
    "モデル", "部署", "団体", "施設", "事業", "機能", "項目", "ページ", "アカウント",
    "ポイント", "%", "件", "人", "名", "回", "種", "円", "点", "課", "校", "枚", "台", "社", "者",
    "本", "局", "所", "倍", "割", "個", "基", "区", "園", "室", "館", "冊", "日", "分", "秒", "t",
)
_UNIT_ALT = "|".join(regex.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_PER = r"(?:/(?:半年|年度|年|月|日|週|回|人))?"

# "以上" etc. after a quantity: 80%以上 → ">="
_COMPARATORS = {"以上": ">=", "以下": "<=", "超": ">", "未満": "<", "を超える": ">", "程度": "~"}

# its groups, in order: approx, number, unit, comparator (``find_quantities`` reads them by number;
# tests/test_normalize_hap.py checks them)
QUANTITY = LazyPattern(
    rf"""
    (?P<approx>約|およそ|概ね)?\s*
    {NUMBER.pattern}
    \s*(?P<unit>(?:{_UNIT_ALT}){_PER})?
    (?P<comparator>以上|以下|未満|を超える|超|程度)?
    """,
    regex.VERBOSE,
)

# Year / date / ordinal contexts that are not quantities: 令和6年度, 2024年, 7月, 第7次, 5段階
_NOT_A_QUANTITY_AFTER = LazyPattern(r"\s*(?:年|月|日(?!本)|次|段階|期|号|条|章|節|歳|代|位|丁目|番)")
_NOT_A_QUANTITY_BEFORE = LazyPattern(r"(?:令和|平成|昭和|第|R|H|No\.?|NO\.?|Ver\.?|P\.?)\s*$")
# the last characters of its words: a number right after none of them nor a space cannot follow a
# match of it (its ``\s`` is a space to ``str.isspace`` too)
_NOT_A_QUANTITY_BEFORE_ENDS = frozenset("和成第RHoOrP.")
# a year expression (FISCAL_YEAR) holds an era (令和, 平成, 昭和), R/H/S or 年度
_MAY_HOLD_YEAR = re.compile(r"[令平昭RHS]|年度")


class Quantity(NamedTuple):
    """A number with its unit found in a text.

    ``value`` is a Decimal in the unit as written (4.5万件 → 45000, unit ``件``). ``unit`` is the
    unit as matched after NFKC (``%`` for ％), or None. ``comparator`` is ``>=``/``<=``/``>``/``<``/
    ``~`` from 以上/以下/超/未満/程度. ``approximate`` marks 約. ``raw`` is the matched text as
    written and ``start``/``end`` index the searched text.
    """

    value: Decimal
    unit: str | None
    raw: str
    start: int
    end: int
    comparator: str | None = None
    approximate: bool = False


@_memo_list
def find_quantities(text: str, *, skip_years: bool = True, letter_prefix: bool = False) -> list[Quantity]:
    """Find the numbers with units in ``text`` (in order).

    Input: any text; it is NFKC-normalised for matching, but ``raw``/``start``/``end`` of each
    ``Quantity`` refer to ``text`` as given. Year and date expressions (令和6年度, 2024年度, 7月,
    第7次) are skipped when ``skip_years`` is True. A number right after a Latin letter is part of
    an identifier (Windows10, AI-OCR2) and skipped, unless ``letter_prefix`` is True and a unit
    follows it (``ノート PC120台`` → 120 台). Never raises.
    """
    s, index = _nfkc_map(text)
    if not _DIGIT.search(s):  # every quantity has a digit: most prose has none
        return []
    # the spans find_fiscal_years gives, read directly: ``s`` is NFKC already (its offsets are its own);
    # only in a text holding a word a year expression starts or ends with (most cells have none)
    year_spans = [m.span() for m in FISCAL_YEAR.finditer(s)] if skip_years and _MAY_HOLD_YEAR.search(s) else []
    out: list[Quantity] = []
    for m in QUANTITY.finditer(s):
        num_start, num_end = m.span(2)  # of the number (groups by number: ``regex`` looks names up slowly)
        if year_spans and any(a <= num_start < b for a, b in year_spans):
            continue
        approx, number, unit, comparator = m.groups()
        if skip_years and not unit and _NOT_A_QUANTITY_AFTER.match(s, num_end):
            continue
        prev = s[num_start - 1:num_start] if num_start else ""  # the character before the number
        if ((prev in _NOT_A_QUANTITY_BEFORE_ENDS or prev.isspace())
                and _NOT_A_QUANTITY_BEFORE.search(s[max(0, num_start - 6):num_start])):
            continue
        # part of an identifier: 5G, JIS-1x8341, Windows10, AI-OCR2
        if (prev.isascii() and prev.isalpha() and not (letter_prefix and unit)) or (
                not unit and s[num_end:num_end + 1].isascii() and s[num_end:num_end + 1].isalpha()):
            continue
        start = m.start(1) if approx else num_start
        end = m.end()
        while end > start and s[end - 1].isspace():
            end -= 1
        start, end = index[start], index[end]
        out.append(Quantity(_number_value(number), unit or None, text[start:end], start, end,
                            _COMPARATORS.get(comparator) if comparator else None, bool(approx)))
    return out


# --------------------------------------------------------------------------------------------
# 対目標 deltas
# --------------------------------------------------------------------------------------------

# ▲ / △ = minus (Japanese accounting convention), ＋ / + plus, ± zero. Applied to NFKC text, where
# ＋ → +, － → -, ▲ stays ▲.
_SIGN = r"[▲△▼+\-−±]"
_MINUS_SIGNS = ("▲", "△", "▼", "-", "−")  # the signs of a negative delta (None, + and ± are not)
DELTA = LazyPattern(rf"(?P<sign>{_SIGN})?\s*{NUMBER.pattern}\s*(?P<unit>(?:{_UNIT_ALT}){_PER})?", regex.VERBOSE)

# （対目標：▲7.6％） / (対目標:▲0.4％) / （対目標▲8％） / （対目標：+４22件） / "（対目標：\n+4,330時間）"
# (its groups, in order: delta, sign, number, unit)
TARGET_DELTA = LazyPattern(
    rf"対\s*目\s*標\s*[:：]?\s*(?P<delta>(?P<sign>{_SIGN})?\s*{NUMBER.pattern}\s*(?P<unit>(?:{_UNIT_ALT}){_PER})?)",
    regex.VERBOSE,
)


class Delta(NamedTuple):
    """A signed difference such as 対目標 ▲7.6％ (→ value -7.6, unit ``%``).

    ``raw`` is the matched text, ``start``/``end`` index the searched text.
    """

    value: Decimal
    unit: str | None
    raw: str
    start: int = 0
    end: int = 0


def parse_delta(text: str) -> Delta | None:
    """Parse a signed difference: ``"▲7.6％"`` → -7.6 %, ``"＋4.4％"`` → 4.4, ``"±0％"`` → 0,
    ``"▲０.７％"`` → -0.7, ``"+４22件"`` → 422 件.

    Returns None when ``text`` holds no number. Never raises.
    """
    s = nfkc(text)
    m = DELTA.search(s)
    if not m:
        return None
    value = _number_value(m.group("number"))
    if m.group("sign") in _MINUS_SIGNS:
        value = -value
    return Delta(value=value, unit=m.group("unit") or None, raw=m.group(0).strip(), start=m.start(), end=m.end())


@_memo_list
def find_target_deltas(text: str) -> list[Delta]:
    """Find every 対目標 difference in ``text``: ``（対目標：▲7.6％）``, ``(対目標:▲0.4％)``,
    ``（対目標▲8％）``, ``（対目標：±0％）`` and the same split over lines.

    Other bracketed comparisons (``対前年度``, ``実績``) are not 対目標 deltas and are not returned.
    ``raw`` is the delta as written; ``start``/``end`` index ``text`` (the whole 対目標 match).
    Never raises.
    """
    s, index = _nfkc_map(text)
    out = []
    # the delta group is what ``parse_delta`` would read from it (a sign, a number, a unit, in NFKC):
    # its groups are read here rather than searched for again
    for m in TARGET_DELTA.finditer(s):
        _delta, sign, number, unit = m.groups()  # by number, as in find_quantities
        delta_start, delta_end = m.span(1)
        value = _number_value(number)
        raw = text[index[delta_start]:index[delta_end]].strip()
        out.append(Delta(-value if sign in _MINUS_SIGNS else value, unit or None, raw, index[m.start()], index[m.end()]))
    return out


# --------------------------------------------------------------------------------------------
# Status marks
# --------------------------------------------------------------------------------------------


class Status(StrEnum):
    """The ``status`` enum of SCHEMA.md."""

    ACHIEVED = "achieved"
    MOSTLY_ACHIEVED = "mostly_achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"
    MINOR_REVISION = "minor_revision"
    REVISION_NEEDED = "revision_needed"
    NOT_EVALUATED = "not_evaluated"


# Keys are compared after removing whitespace (incl. U+3000) and 【】 brackets. 〇 (U+3007) is
# Akishima's on-track mark; ○ (U+25CB) is a role mark elsewhere and is deliberately absent.
_STATUS_BY_MARK: dict[str, Status] = {
    "達成": Status.ACHIEVED,
    "概ね達成": Status.MOSTLY_ACHIEVED,
    "おおむね達成": Status.MOSTLY_ACHIEVED,
    "一部達成": Status.PARTIALLY_ACHIEVED,
    "一部未達成": Status.PARTIALLY_ACHIEVED,
    "一部のみ達成": Status.PARTIALLY_ACHIEVED,
    "未達成": Status.NOT_ACHIEVED,
    "\u3007": Status.ON_TRACK,
    "△": Status.MINOR_REVISION,
    "×": Status.REVISION_NEEDED,
}
_MARK_STRIP = LazyPattern(r"[\s\u3000【】\[\]]+")


def status_from_mark(mark: str | None) -> Status | None:
    """Map a verbatim status mark to the SCHEMA enum.

    ``"【達成】"``/``"達成"`` → achieved, ``"概ね達成"`` → mostly_achieved, ``"一部のみ達成"``/``"一部達成"``/
    ``"一部未達成"`` → partially_achieved, ``"【未達成】"`` → not_achieved, ``"〇"`` (U+3007) → on_track,
    ``"△"`` → minor_revision, ``"×"`` → revision_needed. Surrounding whitespace (also U+3000) and
    【】 are ignored. Returns None for an empty or unknown mark (an unknown mark is not guessed).
    """
    if not mark:
        return None
    status = _STATUS_BY_MARK.get(mark)  # most marks are written bare: no pattern needed
    return status if status is not None else _STATUS_BY_MARK.get(_MARK_STRIP.sub("", mark))


# --------------------------------------------------------------------------------------------
# Metric / value pairs in free text
# --------------------------------------------------------------------------------------------

_SIGNS = frozenset("▲△▼+＋±-－−")
# Where a metric label starts: after a sentence or clause boundary.
_METRIC_BOUNDARY = LazyPattern(r".*[。、，,\n]")
_METRIC_BOUNDARY_MARK = re.compile(r"[。、，,\n]")  # (a match of _METRIC_BOUNDARY ends with one)
_LEADING_BULLETS = LazyPattern(r"^[\s\u3000・○●◯◆◇■□\-\*]+")
_BULLETS = frozenset("・○●◯◆◇■□-*")  # its characters but spaces (``\s`` is a space to ``str.isspace``)
TRAILING_PARTICLES = LazyPattern(r"(?:は|が|を|に|で|の|も|と|だ|、|：|:|\s|\u3000)+$")
TRAILING_PARTICLE_CHARS = frozenset("はがをにでのもとだ、：:")
"""The characters but spaces a match of ``TRAILING_PARTICLES`` (so a text it matches) ends with."""
# a label's colon: full-width ：, or ASCII : not between ASCII digits/letters (JIS-1x8341-3:2016)
LABEL_COLON = LazyPattern(r"：|(?<![0-9A-Za-z]):")


class MetricValue(NamedTuple):
    """A quantity found in free text with the text naming it (``metric``, as written; None when
    nothing names it)."""

    metric: str | None
    quantity: Quantity


def _unclosed_open_bracket(label: str) -> int:
    depth = 0
    for i in range(len(label) - 1, -1, -1):
        ch = label[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                return i
            depth -= 1
    return -1


@_memo_list
def find_metric_values(text: str, *, require_unit: bool = True, letter_prefix: bool = False) -> list[MetricValue]:
    """Find the KPI-like numbers in a target or result text, each with its metric label.

    Input: text as stored. A number counts when it has a unit (件, %, 名 …) or directly follows
    a ``label：``; with ``require_unit=False`` every number counts. Years, months and dates are
    skipped (``find_quantities``). The metric is the text between the previous number (or a
    line start) and this one: the part before a ``：`` when there is one, cut after the last
    、/。 and after an unclosed bracket, bullets and trailing particles removed. Examples:
    ``オンライン手続き：687件 受付件数：約4万件`` → (オンライン手続き, 687件), (受付件数, 約4万件);
    ``年間で135件`` → (年間, 135件). ``letter_prefix`` is passed to ``find_quantities`` (admit
    ``PC120台``). Output: ``MetricValue`` list in text order, metric text as written. Never raises.
    """
    out: list[MetricValue] = []
    prev_end = 0
    quantities = find_quantities(text, letter_prefix=letter_prefix)
    if not quantities:
        return out
    delta_spans = [(d.start, d.end) for d in find_target_deltas(text)]
    for q in quantities:
        segment_start = prev_end
        prev_end = q.end
        if any(a <= q.start < b for a, b in delta_spans) or text[max(0, q.start - 1):q.start] in _SIGNS:
            continue  # a 対目標 / 対前年度 difference, not a value
        # (each pattern is tried only where a character it needs is: most labels have none of them)
        segment = text[segment_start:q.start]
        colon = None
        if "：" in segment or ":" in segment:
            colons = list(LABEL_COLON.finditer(text, segment_start, q.start))
            colon = colons[-1] if colons else None
        if q.unit is None and require_unit and not (colon and not text[colon.end():q.start].strip()):
            continue
        label = text[segment_start:colon.start()] if colon else segment
        if _METRIC_BOUNDARY_MARK.search(label):
            boundary = _METRIC_BOUNDARY.match(label)
            if boundary:
                label = label[boundary.end():]
        bracket = _unclosed_open_bracket(label) if "(" in label or "（" in label else -1
        if bracket >= 0:
            label = label[bracket + 1:]
        head = label[:1]
        if head and (head in _BULLETS or head.isspace()):
            label = _LEADING_BULLETS.sub("", label)
        tail = label[-1:]
        if tail and (tail in TRAILING_PARTICLE_CHARS or tail.isspace()):
            label = TRAILING_PARTICLES.sub("", label)
        label = label.strip()
        out.append(MetricValue(metric=label or None, quantity=q))
    return out
