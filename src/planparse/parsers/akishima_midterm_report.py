"""昭島市デジタル化推進計画 中間報告書 (format ``akishima_midterm_report``): layout-analysed PDF text.

What is read (../shared/notes/akishima_midterm_report.md maps the document; the rules are in
docs/formats/akishima_midterm_report.md):

* はじめに / 第１章: the title (本書「…」), the plan period (…を初年度とする…年度まで);
* 「２ 施策の達成状況」: the legend (``〇・・・予定どおり…``) and the list rows ``N.施策名 〇``;
* 「３ 施策の見直し」: entries ``N.施策名 【達成状況：△】`` with their ・ bullets, under 基本方針 lines;
* 「４ 施策の追加」: records ``追加N.name`` with 主な担当課, 現状・課題, 実施内容, 期待される効果,
  達成目標, 実施年度 (year columns) and the Gantt bar labels, plus footnotes ``*「term」：…``;
* 第２章: one report per 施策 (anchored on its ``事業名 担当部署`` label): 基本データ (事業名, 部, 課,
  係, 電話, 事業期間, 関連法令), the 事業概要 box (目的・実施内容 | 目標), one box per year
  (事業達成状況 | 目標), 達成状況・今後の課題 and the スケジュール 予定 cells, under 基本方針 headers.

The text is one line per PDF text line, nearly every line followed by an empty line; boxes print
their wide left cell first and their narrow right cell after it, and the three schedule cells
follow one another without a separator. Line widths (full-width characters count 2) separate
them; every rule that guesses is reported as a ``warning``. Cross-checks between the parts of the
document are ``check_*`` warnings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import (
    find_fiscal_years,
    join_wrapped,
    match_key,
    parse_fiscal_year,
    parse_fiscal_year_range,
    split_departments,
    status_from_mark,
    to_int,
)
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.akishima_midterm_report import (
    AkishimaAddition,
    AkishimaFootnote,
    AkishimaMidtermReport,
    AkishimaPolicy,
    AkishimaReport,
    AkishimaRevision,
    AkishimaScheduleCell,
    AkishimaStatusRow,
    AkishimaYearBox,
)
from planparse.schemas.base import IssueLog, ParseResult

# Markers on match-key text: "中間報告書", the yearly box labels "令和4(2022)年度の事業達成状況",
# "達成状況・今後の課題", the template's "事業期間関連法令・条例・計画等".
_MARKERS = [
    Marker(r"中間報告書", 0.2),
    Marker(r"年度の事業達成状況", 0.3, min_count=2),
    Marker(r"達成状況・今後の課題", 0.3, min_count=2),
    Marker(r"事業期間関連法令", 0.2),
]

# ---------------------------------------------------------------------------------------------
# Patterns (matched on the line as written unless said otherwise; a page start adds one space)
# ---------------------------------------------------------------------------------------------

_DIGITS = r"[0-9０-９]"
# " 第２章 中間報告書 "
CHAPTER = regex.compile(rf"^\s*第\s*(?P<n>{_DIGITS}+)\s*章\s*(?P<title>\S.*?)?\s*$")
# " ３ 施策の見直し " (a 第１章 section heading; recognised by its title, see _SECTION_KEYS)
SECTION = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,2}})\s+(?P<title>\S.*?)\s*$")
# "基本方針１：市民が「便利になった」と実感するデジタル化の推進 "
POLICY = regex.compile(rf"^\s*基本方針\s*(?P<n>{_DIGITS}+)\s*[：:]\s*(?P<name>\S.*?)\s*$")
# "〇・・・予定どおり実施されている " (legend of the status marks)
LEGEND = regex.compile(r"^\s*(?P<mark>[〇○◯△▲×✕✖])\s*[・･.．…]{2,}\s*(?P<meaning>\S.*?)\s*$")
# "10.学校教育における ICT 化の推進 〇 " (status list row: the mark ends the row)
STATUS_ROW = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s+(?P<mark>[〇○◯△▲×✕✖])\s*$")
# "１. 行政手続のオンライン化（スマートフォン対応） 【達成状況：△】 "
REVISION_HEAD = regex.compile(
    rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s*【\s*達成状況\s*[：:]\s*(?P<mark>\S)\s*】\s*$")
# " 追加２.子どもに関する手続きのデジタル化 "
ADDITION_HEAD = regex.compile(rf"^\s*追加\s*(?P<n>{_DIGITS}{{1,2}})\s*[.．]\s*(?P<name>\S.*?)\s*$")
# "１.行政手続のオンライン化（スマートフォン対応） " / "８. AIチャットボットサービス" (report heading, 事業名)
NUMBERED = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s*$")
# "１.行政手続のオンライン化 部 総務部   " / "部 総務部   " (部 of 担当部署, after the 事業名)
DIVISION = regex.compile(r"(?:^|\s)部\s+(?P<division>\S+)\s*$")
# "課 デジタル戦略担当   " / "課 アキシマエンシ" (wraps on the next line)
DEPARTMENT = regex.compile(r"^課(?:\s+(?P<department>\S.*?))?\s*$")
# "係 市民係 電話 2021 " / "係  電話 2319 " / "係 システム調整担" (電話 on a later line)
SECTION_PHONE = regex.compile(r"^係(?:\s+(?P<section>.*?))??(?:\s*電話\s+(?P<phone>\S+))?\s*$")
# "電話 2614 "
PHONE = regex.compile(r"^電話\s+(?P<phone>\S+)\s*$")
# "*「アナログ規制」：アナログ的な手法（…" (footnote of an added 施策)
FOOTNOTE = regex.compile(r"^[*＊※]\s*「?(?P<term>[^」：:]+?)」?\s*[：:]\s*(?P<definition>\S.*)$")
# "令和６ " / "（2024） " (実施年度 column headers of an added 施策)
YEAR_CELL = regex.compile(rf"^(?:(?:令和|平成)\s*(?:{_DIGITS}{{1,2}}|元)(?:年度?)?|[（(]\s*\d{{4}}\s*[）)])$")
# "本書「昭島市デジタル化推進計画中間報告書」" (title, in はじめに)
TITLE = regex.compile(r"本書\s*「(?P<title>[^」]+)」")
TITLE_FALLBACK = regex.compile(r"「(?P<title>[^」]*中間報告書)」")
# "令和４（2022）年度を初年度とする令和８(2026)年度まで" (plan period)
PLAN_PERIOD = regex.compile(r"(?P<start>(?:令和|平成)[^、。を]{1,14}?年度)を初年度とする(?P<end>(?:令和|平成)[^、。]{1,14}?年度)まで")
# "昭島市デジタル化推進計画…" → 昭島市
MUNICIPALITY = regex.compile(r"^(?P<name>\S{1,6}?[都道府県市区町村])")
# "16 " alone after empty lines, before a page-start " " line: a printed page number
PAGE_NUMBER = regex.compile(r"^\s*\d{1,3}\s*$")
# two bullets on one line: "・機能要件書を作成  ・RFPの実施"
_INNER_BULLET = regex.compile(r"\s+(?=・)")
# runs of spaces: "係  電話 2319", "（国補助事業）   "
_SPACES = regex.compile(r"[ \t\u3000]{2,}")

BULLET = "・"
# characters that may not start a line (kinsoku): a line one character short before a line whose
# second character is one of these was pushed out by the rule, so it is still a wrapped line
_NO_LINE_START = frozenset("、。，．,.）)」』】〕ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ！？!?：；")
# particles after which a Gantt label cannot end
_PARTICLE_END = frozenset("のなをにへとやがはでも")

NARROW_MAX = 18
"""Widest line (half-width units, full-width = 2) of a narrow cell (目標, スケジュール: 8 full-width
characters = 16, plus slack for Latin letters). A wider line belongs to a wide cell."""

# label match keys of the 第２章 report template → segment kind
_REPORT_LABELS = {
    "事業名担当部署": "basic",
    "事業期間関連法令・条例・計画等": "period",
    "目的・実施内容目標": "overview",
    "達成状況・今後の課題": "progress",
}
# "令和４（2022）年度の事業達成状況 目標 " (on match-key text: 令和4(2022)年度の事業達成状況目標)
_YEAR_LABEL = regex.compile(r"^(?P<year>.+年度)の事業達成状況目標$")
# " スケジュール 令和６(2024)年度 令和７(2025)年度 令和８(2026)年度 " (on match-key text)
_SCHEDULE_LABEL = regex.compile(r"^スケジュール(?P<years>.*年度.*)$")
# "予定 " (the schedule row label; not "予定しています。")
_PLAN_LABEL = "予定"

# labels of an added 施策 (match keys); prefix labels carry their value on the same line
_ADDITION_LABELS = {
    "主な担当課": "departments",
    "現状・課題": "current_issues",
    "実施内容": "content",
    "期待される効果": "expected_effect",
    "達成目標": "goal",
    "実施年度": "years",
}
_PREFIX_LABELS = ("departments", "goal")

# 第１章 section titles (match keys contain) → section
_SECTION_KEYS = {"施策の達成状況": "status", "施策の見直し": "revision", "施策の追加": "additions"}


# characters printed at full width: East Asian wide, full-width and ambiguous (漢字, かな, ・, ○, △, ×)
_WIDE_CHAR = regex.compile(r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}\p{East_Asian_Width=Ambiguous}]")


def display_width(text: str) -> int:
    """Width of ``text`` in half-width units: East Asian wide, full-width and ambiguous characters
    (漢字, かな, ・, ○, △, ×) count 2, others 1. Used to tell wide cells from narrow ones."""
    return len(text) + len(_WIDE_CHAR.findall(text))


@dataclass(frozen=True)
class _Line:
    """A content line: 1-based ``no``, text without surrounding whitespace (inner runs of spaces
    kept), its ``width``; ``filler`` for a whitespace-only line (an empty cell or drawing)."""

    no: int
    text: str
    width: int
    filler: bool = False


def _page_number_context(raw: Sequence[str], no: int) -> bool:
    """Whether the digits-only line ``no`` (1-based) stands where a printed page number does: after
    two blank lines, or right before a whitespace-only page-start line (``16`` / ``" "``)."""
    after_blanks = no >= 3 and not raw[no - 2].strip() and not raw[no - 3].strip()
    nxt = raw[no] if no < len(raw) else ""
    return after_blanks or (nxt != "" and not nxt.strip())


def _ascii_no(text: str) -> str:
    """ASCII digits of a number written with full-width or ASCII digits ("１０" → "10")."""
    n = to_int(text)
    return str(n) if n is not None else text.strip()


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" \t\u3000")


# ---------------------------------------------------------------------------------------------
# Joining lines
# ---------------------------------------------------------------------------------------------


def _bullet_split(lines: Sequence[_Line]) -> list[_Line]:
    """Split a line holding two bullets (``・A  ・B``) into two lines (same line number)."""
    out: list[_Line] = []
    for ln in lines:
        if ln.text.startswith(BULLET) and _INNER_BULLET.search(ln.text):
            for part in _INNER_BULLET.split(ln.text):
                if part.strip():
                    out.append(_Line(ln.no, _clean(part), display_width(_clean(part))))
        else:
            out.append(ln)
    return out


def _is_wrapped(prev: _Line, nxt: _Line, full: int | None, in_bullet: bool) -> bool:
    """True when ``nxt`` continues ``prev`` (a line wrap), False when it starts a new paragraph
    or item. ``full`` is the usual width of a full line of this kind of cell (None: unknown,
    only bullets start new lines).

    Rules: a bullet starts a new item; a line at most half a character short of ``full`` is
    wrapped; a shorter line ending with 。 ends its paragraph; up to two characters short a line
    is wrapped when the next line starts with a character pushed out by the kinsoku rule
    (``た。``) or, outside a bullet item, always (Latin letters and digits are narrower than
    counted); a shorter line ends its paragraph or item."""
    if nxt.text.startswith(BULLET):
        return False
    if full is None:
        return True
    if prev.width >= full - 1:
        return True
    if prev.text.endswith("。"):
        return False
    if prev.width >= full - 4:
        return nxt.text[1:2] in _NO_LINE_START or not in_bullet
    return False


def _join(lines: Sequence[_Line], full: int | None) -> str | None:
    """Join the lines of one cell: wraps are joined (no space between Japanese characters, one
    between Latin words), a new paragraph or item starts a new line (``\\n``). None when empty."""
    content = _bullet_split([ln for ln in lines if not ln.filler and ln.text])
    if not content:
        return None
    paragraphs: list[str] = [content[0].text]
    in_bullet = content[0].text.startswith(BULLET)
    for prev, ln in pairwise(content):
        if _is_wrapped(prev, ln, full, in_bullet):
            paragraphs[-1] = join_wrapped([paragraphs[-1], ln.text])
        else:
            paragraphs.append(ln.text)
            in_bullet = ln.text.startswith(BULLET)
    return "\n".join(paragraphs)


def _sources(lines: Sequence[_Line]) -> list[tuple[int, str]]:
    """(line number, text) of a cell's content lines, for provenance of what is parsed out of it."""
    return [(ln.no, ln.text) for ln in lines if not ln.filler and ln.text]


def _usual_width(lines: Sequence[_Line]) -> int | None:
    """The most frequent width among the wide lines (wider than ``NARROW_MAX``) of a kind of cell:
    the width of a full line. None when there are no wide lines."""
    counts = Counter(ln.width for ln in lines if not ln.filler and ln.width > NARROW_MAX)
    if not counts:
        return None
    return max(counts, key=lambda w: (counts[w], w))


def _narrow_usual_width(lines: Sequence[_Line]) -> int:
    """The most frequent width of narrow-cell lines (16 = 8 full-width characters in this layout)."""
    counts = Counter(ln.width for ln in lines if not ln.filler and ln.width <= NARROW_MAX)
    return max(counts, key=lambda w: (counts[w], w)) if counts else 16


# ---------------------------------------------------------------------------------------------
# Two-column boxes
# ---------------------------------------------------------------------------------------------


@dataclass
class _Columns:
    left: list[_Line]
    right: list[_Line]
    rule: str


def _in_bullet_at(content: Sequence[_Line], k: int) -> bool:
    """Whether line ``k`` belongs to a ・ item (the nearest item start above it is a bullet)."""
    for j in range(k, -1, -1):
        if content[j].text.startswith(BULLET):
            return True
        if j < k and content[j].text.endswith("。"):
            return False
    return False


def _shared_line(line: _Line, last: bool, narrow_full: int) -> tuple[str, str] | None:
    """Split a line holding the end of the left cell and the start of the right cell:
    ``…導入しました。 市民への情報伝達`` / ``未達成 ・訪問支援システ``. The part after the last space
    must fit a narrow cell, and be nearly full when the right cell goes on (``last`` False: it
    wraps); the part before must end a sentence, or be a short word that is not a bullet (a bullet
    continues after a space: ``・ノート PC120台を導入``). Two bullets on one line are not such a pair."""
    text = line.text
    cut = text.rfind(" ")
    if cut <= 0:
        return None
    head, tail = text[:cut].rstrip(), text[cut + 1:].strip()
    if not head or not tail or display_width(tail) > NARROW_MAX:
        return None
    if not last and display_width(tail) < narrow_full - 2:
        return None
    if head.endswith("。"):
        return head, tail
    if head.startswith(BULLET) or display_width(head) > NARROW_MAX:
        return None
    return head, tail


def split_columns(entries: Sequence[_Line], left_full: int | None, narrow_full: int = 16) -> _Columns:
    """Separate a box's wide left cell from its narrow right cell (printed after it).

    Input: the box's lines in order (fillers included), the usual full width of left lines and
    of narrow lines.
    Rules, first that applies: (1) ``filler``: a whitespace-only line after which every line is
    narrow; (2) ``shared_line``: the last wide line holds both cells (see ``_shared_line``);
    (3) ``width``: the left cell ends with the last wide line, plus the next line when the wide
    line wraps onto it (``_is_wrapped``; never after a line ending with 。) and a right cell remains; (4) ``target_kept``: as (3) but
    the wrap would leave the right cell empty, so the line is the right cell's; (5)
    ``no_wide_line``: every line is narrow, the first is taken as the left cell (a guess).
    """
    content = [e for e in entries if not e.filler]
    if not content:
        return _Columns([], [], "empty")
    seen_content = False
    for i, e in enumerate(entries):
        if not e.filler:
            seen_content = True
            continue
        after = [x for x in entries[i + 1:] if not x.filler]
        if seen_content and after and all(x.width <= NARROW_MAX for x in after):
            before = [x for x in entries[:i] if not x.filler]
            return _Columns(before, after, "filler")
    wide = [i for i, e in enumerate(content) if e.width > NARROW_MAX]
    if not wide:
        return _Columns(content[:1], content[1:], "no_wide_line")
    k = wide[-1]
    shared = _shared_line(content[k], k + 1 == len(content), narrow_full)
    if shared:
        head, tail = shared
        left = [*content[:k], _Line(content[k].no, head, display_width(head))]
        right = [_Line(content[k].no, tail, display_width(tail)), *content[k + 1:]]
        return _Columns(left, right, "shared_line")
    if (k + 1 < len(content) and not content[k].text.endswith("。")
            and _is_wrapped(content[k], content[k + 1], left_full, _in_bullet_at(content, k))):
        if k + 2 < len(content):
            return _Columns(content[:k + 2], content[k + 2:], "width")
        return _Columns(content[:k + 1], content[k + 1:], "target_kept")
    return _Columns(content[:k + 1], content[k + 1:], "width")


# ---------------------------------------------------------------------------------------------
# Schedule cells
# ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One schedule item: its fragments (line number, text), whether a cell must start with it."""

    parts: list[tuple[int, str]]
    cut_before: bool = False
    closed: bool = False

    @property
    def text(self) -> str:
        return join_wrapped(t for _, t in self.parts)

    @property
    def bullet(self) -> bool:
        return self.parts[0][1].startswith(BULLET)

    @property
    def key(self) -> str:
        return match_key(self.text).lstrip(BULLET)


def _split_wide_schedule_line(text: str) -> list[str]:
    """Split a schedule line wider than a cell at its spaces into cell-wide parts
    (``システムの導入 システム利用範囲`` → two parts, one per cell)."""
    parts: list[str] = []
    for token in text.split(" "):
        if not token:
            continue
        if parts and display_width(parts[-1] + " " + token) <= NARROW_MAX and not token.startswith(BULLET):
            parts[-1] = parts[-1] + " " + token
        else:
            parts.append(token)
    return parts


def _schedule_items(lines: Sequence[_Line], full: int) -> tuple[list[_Item], list[int]]:
    """Group schedule lines into items. A new item starts at a bullet, after a line shorter than
    ``full`` (an item ends at its first short line), after a cell boundary found on a too-wide
    line, and at a line equal to the first line of an earlier item (a repeated cell). An item
    also ends when its text equals an item that is certainly complete elsewhere in the schedule
    (bounded by such boundaries on both sides): ``既存データの確認`` is a whole item when the same
    text stands alone as the last item. Returns the items and the numbers of lines too wide to be
    split."""
    frags: list[tuple[int, str, bool]] = []   # (line, text, a cell boundary comes before it)
    unsplittable: list[int] = []
    for ln in lines:
        if ln.filler or not ln.text:
            continue
        parts = _split_wide_schedule_line(ln.text) if ln.width > NARROW_MAX else [ln.text]
        if len(parts) == 1 and ln.width > NARROW_MAX:
            unsplittable.append(ln.no)
        frags.extend((ln.no, part, i > 0) for i, part in enumerate(parts))

    def short(i: int) -> bool:
        return display_width(frags[i][1]) < full - 2

    def certain_start(i: int) -> bool:
        return i == 0 or frags[i][2] or frags[i][1].startswith(BULLET) or short(i - 1)

    def certain_end(i: int) -> bool:
        return i == len(frags) - 1 or short(i) or certain_start(i + 1)

    complete = {match_key(t) for i, (_, t, _) in enumerate(frags) if certain_start(i) and certain_end(i)}
    items: list[_Item] = []
    first_lines: set[str] = set()
    for i, (no, part, hard) in enumerate(frags):
        key = match_key(part)
        if not items or items[-1].closed or hard or part.startswith(BULLET) or key in first_lines:
            items.append(_Item([(no, part)], cut_before=hard))
            first_lines.add(key)
        else:
            items[-1].parts.append((no, part))
        items[-1].closed = certain_end(i) or match_key(items[-1].text) in complete
    return items, unsplittable


def _similar(a: str, b: str) -> bool:
    """Two schedule items are the same activity: equal, or one extends the other (≥ 4 characters)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if _similar(x, y) else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _cells_of(items: Sequence[_Item], cuts: Sequence[int]) -> list[list[_Item]]:
    bounds = [0, *cuts, len(items)]
    return [list(items[a:b]) for a, b in pairwise(bounds)]


def _no_repeat(cells: Sequence[Sequence[_Item]]) -> bool:
    for cell in cells:
        keys = [it.key for it in cell]
        for i, j in combinations(range(len(keys)), 2):
            if _similar(keys[i], keys[j]):
                return False
    return True


@dataclass
class _ScheduleSplit:
    cells: list[list[_Item]]
    rule: str
    candidates: int = 1


def split_schedule(items: Sequence[_Item], n_cells: int) -> _ScheduleSplit:
    """Assign schedule items to ``n_cells`` consecutive cells (one per fiscal year).

    Every way of cutting the items into ``n_cells`` non-empty runs is a candidate. Kept are those
    that cut where the text forces it (a too-wide line split in two; a bullet item followed by an
    item without bullet). Then, in order: a single candidate (``three_items`` when there are as
    many items as cells, else ``structure``); candidates where no cell lists the same activity
    twice (``no_repeat``, when unique); among those, the ones whose neighbouring cells share the
    longest common run of activities and then the most even sizes (``parallel``). What is still
    undecided is ``ambiguous_first_year``: each item goes to the earliest cell it can belong to.
    Fewer items than cells: ``unsplit`` (all on the first year). More forced cuts than cells allow:
    ``overflow`` (the extra cells are merged into the last year).
    """
    n = len(items)
    if n == 0:
        return _ScheduleSplit([[] for _ in range(n_cells)], "empty", 0)
    forced = {i for i in range(1, n) if items[i].cut_before or (items[i - 1].bullet and not items[i].bullet)}
    if n < n_cells:
        return _ScheduleSplit([list(items)] + [[] for _ in range(n_cells - 1)], "unsplit", 0)
    if len(forced) > n_cells - 1:
        cuts = sorted(forced)[: n_cells - 1]
        return _ScheduleSplit(_cells_of(items, cuts), "overflow", 0)
    candidates = [c for c in combinations(range(1, n), n_cells - 1) if forced <= set(c)]
    if len(candidates) == 1:
        return _ScheduleSplit(_cells_of(items, candidates[0]), "three_items" if n == n_cells else "structure")
    unique = [c for c in candidates if _no_repeat(_cells_of(items, c))]
    if len(unique) == 1:
        return _ScheduleSplit(_cells_of(items, unique[0]), "no_repeat", len(candidates))
    pool = unique or candidates

    def score(cuts: Sequence[int]) -> tuple[int, int]:
        cells = _cells_of(items, cuts)
        keys = [[it.key for it in cell] for cell in cells]
        shared = sum(_lcs(a, b) for a, b in pairwise(keys))
        sizes = [len(cell) for cell in cells]
        return shared, -(max(sizes) - min(sizes))

    best = max(score(c) for c in pool)
    top = [c for c in pool if score(c) == best]
    if len(top) == 1 and unique:
        return _ScheduleSplit(_cells_of(items, top[0]), "parallel", len(candidates))
    # undecided: every item on the earliest cell it can belong to
    cell_of = [min(next(k for k, b in enumerate([*c, n]) if i < b) for c in top) for i in range(n)]
    cells: list[list[_Item]] = [[] for _ in range(n_cells)]
    for item, k in zip(items, cell_of, strict=True):
        cells[k].append(item)
    return _ScheduleSplit(cells, "ambiguous_first_year", len(candidates))


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------


@dataclass
class _Segment:
    """Lines of one labelled part of a report (``kind``: basic, period, overview, year, progress,
    schedule, plan); ``lines`` are content lines and fillers after the label."""

    kind: str
    label_line: int
    label: str
    lines: list[_Line] = field(default_factory=list)
    year: int | None = None
    years: list[int] = field(default_factory=list)


@dataclass
class _RawReport:
    code: str
    heading: str
    heading_line: int
    policy_code: str | None
    segments: list[_Segment]
    end_line: int


_PolicySeen = dict[str, list[tuple[str, int, bool]]]
"""基本方針 headers seen: code → [(name, line, is a 第２章 header)]."""


@dataclass
class _Section:
    kind: str
    start: int   # heading line (1-based)
    end: int     # last line (inclusive)


class AkishimaMidtermReportParser(Parser):
    format = "akishima_midterm_report"
    description = "昭島市デジタル化推進計画 中間報告書 (施策 reports with 〇△× status)"
    municipality_code = "132071"
    municipality_name = "昭島市"
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Report boxes 事業達成状況 / 達成状況・今後の課題 / 事業期間 in a 中間報告書."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the whole report (see the module docstring).

        Input: the report's text as a ``SourceDocument``. Output: ``ParseResult`` with an
        ``AkishimaMidtermReport`` and the warnings/errors met. Never raises on irregular input.
        """
        return _Run(doc).parse()


class _Run:
    """One parse of one document: the lines, the issue log, and the steps."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.log = IssueLog()
        self.n = len(doc.lines)
        self.lines: list[_Line | None] = [None] * (self.n + 1)   # index = line number
        raw = doc.lines
        for no in range(1, self.n + 1):
            text = raw[no - 1]
            stripped = text.strip()
            if not stripped:
                if text:
                    self.lines[no] = _Line(no, "", 0, filler=True)
                continue
            if PAGE_NUMBER.match(text) and _page_number_context(raw, no):
                continue   # a printed page number
            clean = _clean(text)
            self.lines[no] = _Line(no, clean, display_width(clean))

    # -- helpers --------------------------------------------------------------------------------

    def content(self, start: int, end: int, *, fillers: bool = False) -> list[_Line]:
        """Lines ``start``..``end`` (inclusive, 1-based) that have text (and fillers if asked)."""
        out = []
        for no in range(max(1, start), min(end, self.n) + 1):
            ln = self.lines[no]
            if ln is not None and (fillers or not ln.filler):
                out.append(ln)
        return out

    # -- the steps ----------------------------------------------------------------------------

    def parse(self) -> ParseResult:
        chapters = [(ln.no, m) for ln in self.content(1, self.n) if (m := CHAPTER.match(ln.text))]
        anchors = [ln.no for ln in self.content(1, self.n) if match_key(ln.text) == "事業名担当部署"]
        reports_start, reports_end = self._reports_region(chapters, anchors)
        sections = self._sections(1, reports_start - 1, chapters)
        title = self._title(chapters)
        first_section = min((sec.start for sec in sections.values()), default=reports_start)
        plan_start, plan_end = self._plan_period(first_section)

        policies: _PolicySeen = {}
        legend, legend_lines, list_line, status_rows = self._status_list(sections.get("status"))
        revisions = self._revisions(sections.get("revision"), policies)
        additions, footnotes = self._additions(sections.get("additions"), policies)
        raw_reports = self._raw_reports(anchors, reports_start, reports_end, policies)
        reports = self._reports(raw_reports)
        if not reports:
            self.log.error("no_records", "no 第２章 report found (no 事業名 担当部署 label)")
        if plan_start is None and reports:
            starts = [r.start_fy for r in reports if r.start_fy]
            ends = [r.end_fy for r in reports if r.end_fy]
            plan_start, plan_end = (min(starts) if starts else None), (max(ends) if ends else None)
            self.log.warning("plan_period_from_reports",
                             "the plan period (…を初年度とする…まで) was not found; taken from the reports' 事業期間")
        self._cross_check(status_rows, revisions, reports, legend)
        municipality = None
        if title and (m := MUNICIPALITY.match(title)):
            municipality = m.group("name")
        record = AkishimaMidtermReport(
            title=title, municipality_code=AkishimaMidtermReportParser.municipality_code,
            municipality_name=municipality or AkishimaMidtermReportParser.municipality_name,
            plan_start_fy=plan_start, plan_end_fy=plan_end,
            policies=self._policies(policies),
            legend=legend, legend_lines=legend_lines, status_list_line=list_line, status_list=status_rows,
            revisions=revisions, additions=additions, reports=reports, footnotes=footnotes,
        )
        return ParseResult(record=record, issues=self.log.issues)

    # -- document layout ----------------------------------------------------------------------

    def _reports_region(self, chapters: list[tuple[int, regex.Match]], anchors: list[int]) -> tuple[int, int]:
        """First and last line of the reports' chapter: from the chapter heading before the first
        ``事業名 担当部署`` label to the line before the next chapter heading."""
        if not anchors:
            return self.n + 1, self.n
        start = max((no for no, _ in chapters if no < anchors[0]), default=1)
        end = min((no - 1 for no, _ in chapters if no > anchors[-1]), default=self.n)
        return start, end

    def _sections(self, start: int, end: int, chapters: list[tuple[int, regex.Match]]) -> dict[str, _Section]:
        """第１章 sections found by their titles (施策の達成状況 / 施策の見直し / 施策の追加)."""
        heads: list[tuple[int, str | None]] = [(no, None) for no, _ in chapters if start <= no <= end]
        for ln in self.content(start, end):
            m = SECTION.match(ln.text)
            if not m:
                continue
            key = match_key(m.group("title"))
            kind = next((k for words, k in _SECTION_KEYS.items() if words in key), None)
            heads.append((ln.no, kind or "other"))
        heads.sort()
        sections: dict[str, _Section] = {}
        for i, (no, kind) in enumerate(heads):
            if kind is None or kind == "other":
                continue
            stop = heads[i + 1][0] - 1 if i + 1 < len(heads) else end
            if kind in sections:
                self.log.warning("duplicate_section", f"a second 「{kind}」 section heading; only the first is read",
                                 no)
                continue
            sections[kind] = _Section(kind, no, stop)
        for kind, words in ((k, w) for w, k in _SECTION_KEYS.items()):
            if kind not in sections:
                self.log.warning("section_missing", f"第１章 section 「{words}」 not found: its data is absent")
        return sections

    def _title(self, chapters: list[tuple[int, regex.Match]]) -> str | None:
        first = chapters[0][0] if chapters else min(self.n, 60)
        text = join_wrapped(ln.text for ln in self.content(1, first))
        m = TITLE.search(text) or TITLE_FALLBACK.search(text)
        if not m:
            self.log.warning("title_missing", "no title (本書「…」) found before the first chapter")
            return None
        return m.group("title").strip()

    def _plan_period(self, before: int) -> tuple[int | None, int | None]:
        """``…年度を初年度とする…年度まで`` in the text before the first 第１章 section."""
        text = join_wrapped(ln.text for ln in self.content(1, before - 1))
        m = PLAN_PERIOD.search(text)
        if not m:
            return None, None
        return parse_fiscal_year(m.group("start")), parse_fiscal_year(m.group("end"))

    @staticmethod
    def _policy(policies: _PolicySeen, m: regex.Match, line: int, chapter2: bool) -> str:
        """Record a 基本方針 header (name, line, whether it is a 第２章 header); returns its code."""
        code = _ascii_no(m.group("n"))
        policies.setdefault(code, []).append((m.group("name").strip(), line, chapter2))
        return code

    def _policies(self, seen: _PolicySeen) -> list[AkishimaPolicy]:
        """One policy per code: the first 第２章 header gives the name and line (else the first header
        seen); other wordings become ``name_variants`` and ``check_policy_name_variant`` warnings."""
        out = []
        for code, occurrences in seen.items():
            name, line, _ = next((o for o in occurrences if o[2]), occurrences[0])
            variants: list[str] = []
            for other, other_line, _ in occurrences:
                if match_key(other) != match_key(name) and other not in variants:
                    variants.append(other)
                    self.log.warning("check_policy_name_variant",
                                     f"基本方針{code} is worded {other!r} here, {name!r} in 第２章", other_line)
            out.append(AkishimaPolicy(code=code, name=name, source_line=line, name_variants=variants))
        return sorted(out, key=lambda p: (to_int(p.code) or 0, p.code))

    # -- 第１章: status list ---------------------------------------------------------------------

    def _status_list(self, section: _Section | None
                     ) -> tuple[dict[str, str], dict[str, int], int | None, list[AkishimaStatusRow]]:
        """Legend and rows of 「２ 施策の達成状況」. Rows come after the first ``施策名 達成状況``
        header; a repeated header is skipped; a row wrapped over two lines is joined."""
        legend: dict[str, str] = {}
        legend_lines: dict[str, int] = {}
        rows: list[AkishimaStatusRow] = []
        if section is None:
            return legend, legend_lines, None, rows
        header: int | None = None
        pending: _Line | None = None
        seen: set[str] = set()
        for ln in self.content(section.start + 1, section.end):
            key = match_key(ln.text)
            if key == "施策名達成状況":
                header = header or ln.no
                continue
            if header is None:
                if m := LEGEND.match(ln.text):
                    legend[m.group("mark")] = m.group("meaning")
                    legend_lines[m.group("mark")] = ln.no
                continue   # introduction prose
            text = ln.text if pending is None else join_wrapped([pending.text, ln.text])
            m = STATUS_ROW.match(text)
            if m is None:
                if pending is None and NUMBERED.match(ln.text):
                    pending = ln
                    continue
                self.log.warning("unrecognised_line",
                                 f"line in the status list is not a row 'N.施策名 mark': {ln.text[:80]!r}", ln.no)
                pending = None
                continue
            line = pending.no if pending else ln.no
            if pending is not None:
                self.log.warning("status_row_wrapped", f"status list row wrapped over two lines, joined: {text!r}",
                                 line)
            pending = None
            code = _ascii_no(m.group("n"))
            mark = m.group("mark")
            if code in seen:
                self.log.error("duplicate_status_row", f"施策 {code} is listed twice; the second row is dropped",
                               line)
                continue
            seen.add(code)
            if status_from_mark(mark) is None:
                self.log.warning("unknown_status_mark",
                                 f"施策 {code}: mark {mark!r} (U+{ord(mark):04X}) is not 〇 (U+3007), △ or ×; "
                                 "status left empty", line)
            elif legend and mark not in legend:
                self.log.warning("check_mark_not_in_legend", f"施策 {code}: mark {mark!r} is not in the legend",
                                 line)
            rows.append(AkishimaStatusRow(code=code, name=m.group("name").strip(), mark=mark, source_line=line))
        if pending is not None:
            self.log.warning("unrecognised_line", f"status list line without a mark: {pending.text[:80]!r}",
                             pending.no)
        if header is None:
            self.log.warning("status_list_missing", "no 施策名 達成状況 header: the status list was not read",
                             section.start)
        return legend, legend_lines, header, rows

    # -- 第１章: 見直し --------------------------------------------------------------------------

    def _revisions(self, section: _Section | None, policies: _PolicySeen) -> list[AkishimaRevision]:
        """Entries of 「３ 施策の見直し」: heading with 【達成状況：mark】, then ・ bullets up to the
        next heading, 基本方針 line or the section's end. Prose before the first entry is skipped."""
        if section is None:
            return []
        lines = self.content(section.start + 1, section.end)
        full = _usual_width(lines)
        out: list[AkishimaRevision] = []
        policy: str | None = None
        current: tuple[regex.Match, int, str | None] | None = None
        body: list[_Line] = []

        def close() -> None:
            if current is None:
                return
            m, line, pol = current
            end = body[-1].no if body else line
            out.append(AkishimaRevision(code=_ascii_no(m.group("n")), name=m.group("name").strip(),
                                        mark=m.group("mark"), policy_code=pol, text=_join(body, full),
                                        source_line_start=line, source_line_end=end))

        for ln in lines:
            if m := POLICY.match(ln.text):
                close()
                current, body = None, []
                policy = self._policy(policies, m, ln.no, chapter2=False)
            elif m := REVISION_HEAD.match(ln.text):
                close()
                current, body = (m, ln.no, policy), []
            elif current is not None:
                body.append(ln)
        close()
        return out

    # -- 第１章: additions ----------------------------------------------------------------------

    def _additions(self, section: _Section | None, policies: _PolicySeen
                   ) -> tuple[list[AkishimaAddition], list[AkishimaFootnote]]:
        """Records of 「４ 施策の追加」 (see ``_addition``), each under the last 基本方針 line."""
        if section is None:
            return [], []
        lines = self.content(section.start + 1, section.end, fillers=True)
        full = _usual_width(lines)
        starts: list[tuple[int, regex.Match, str | None]] = []
        policy: str | None = None
        for i, ln in enumerate(lines):
            if m := POLICY.match(ln.text):
                policy = self._policy(policies, m, ln.no, chapter2=False)
                starts.append((i, m, "policy"))
            elif m := ADDITION_HEAD.match(ln.text):
                starts.append((i, m, policy))
        additions: list[AkishimaAddition] = []
        footnotes: list[AkishimaFootnote] = []
        for j, (i, m, pol) in enumerate(starts):
            if pol == "policy":
                continue
            stop = starts[j + 1][0] if j + 1 < len(starts) else len(lines)
            addition, notes = self._addition(m, lines[i], lines[i + 1:stop], pol, full)
            additions.append(addition)
            footnotes.extend(notes)
        seen: set[str] = set()
        for a in additions:
            if a.code in seen:
                self.log.error("duplicate_addition", f"追加{a.number} appears twice", a.source_line_start)
            seen.add(a.code)
        return additions, footnotes

    def _addition(self, head: regex.Match, head_line: _Line, lines: list[_Line], policy: str | None,
                  full: int | None) -> tuple[AkishimaAddition, list[AkishimaFootnote]]:
        """One 追加N record: labelled fields (a label may be split over two lines, 期待される / 効果),
        footnotes before the first label, 実施年度 year columns, then the Gantt bar labels."""
        number = _ascii_no(head.group("n"))
        fields: dict[str, list[_Line]] = {}
        label_lines: dict[str, int] = {}
        current: str | None = None
        footnote_lines: list[_Line] = []
        content = [ln for ln in lines if not ln.filler]
        skip = 0
        for idx, ln in enumerate(content):
            if skip:
                skip -= 1
                continue
            key = match_key(ln.text)
            label, value = self._addition_label(key, ln, content[idx + 1] if idx + 1 < len(content) else None,
                                                label_lines)
            if label == "_split":
                skip = 1
                label, value = value, None
            if label:
                current = label
                label_lines[label] = ln.no
                fields[label] = [value] if value is not None else []
                continue
            if current is None:
                if ln.text[:1] in "*＊※" or footnote_lines:
                    footnote_lines.append(ln)
                else:
                    self.log.warning("unrecognised_line",
                                     f"追加{number}: line before its first label skipped: {ln.text[:80]!r}", ln.no)
                continue
            fields[current].append(ln)
        years, gantt = self._addition_years(number, fields.get("years", []))
        for name in ("departments", "current_issues", "content", "expected_effect", "goal", "years"):
            if name not in label_lines:
                self.log.warning("addition_field_missing", f"追加{number}: label for {name} not found",
                                 head_line.no)
        departments_text = join_wrapped(ln.text for ln in fields.get("departments", [])) or None
        labels = _gantt_labels(gantt)
        if labels:
            self.log.warning(
                "gantt_years_unknown",
                f"追加{number}: the 実施年度 chart's {len(labels)} bar label(s) {labels} carry no fiscal year in "
                "the text; kept in initiatives.schedule without annual entries (wrapped labels joined by rule)",
                gantt[0].no)
        end = max([head_line.no, *(ln.no for ln in lines if not ln.filler)])
        addition = AkishimaAddition(
            number=number, code=f"A{number}", name=head.group("name").strip(), policy_code=policy,
            departments_text=departments_text,
            departments=split_departments(departments_text or "", "、"),
            current_issues=_join(fields.get("current_issues", []), full),
            content=_join(fields.get("content", []), full),
            expected_effect=_join(fields.get("expected_effect", []), full),
            goal=_join(fields.get("goal", []), full), goal_lines=_sources(fields.get("goal", [])),
            fiscal_years=years, gantt_labels=labels,
            source_line_start=head_line.no, source_line_end=end, label_lines=label_lines,
        )
        notes = self._footnotes(number, footnote_lines, lines)
        return addition, notes

    @staticmethod
    def _addition_label(key: str, ln: _Line, nxt: _Line | None, seen: dict[str, int]
                        ) -> tuple[str | None, _Line | str | None]:
        """(label, value line) when ``ln`` is a label of an added 施策; ``("_split", label)`` when the
        label continues on the next line; (None, None) otherwise."""
        for words, name in _ADDITION_LABELS.items():
            if key == words:
                return name, None
            if name in _PREFIX_LABELS and name not in seen and key.startswith(words):
                value = ln.text[ln.text.find(words[-1]) + 1:].strip() if words[-1] in ln.text else ""
                return name, (_Line(ln.no, value, display_width(value)) if value else None)
            if nxt is not None and words.startswith(key) and key and key + match_key(nxt.text) == words:
                return "_split", name
        return None, None

    def _addition_years(self, number: str, lines: list[_Line]) -> tuple[list[int], list[_Line]]:
        """Split the 実施年度 part into its year columns (令和６ / （2024） …) and the bar labels."""
        i = 0
        while i < len(lines) and YEAR_CELL.match(match_key(lines[i].text)):
            i += 1
        years = sorted({y.fiscal_year for y in find_fiscal_years("".join(ln.text for ln in lines[:i]))})
        if lines and not years:
            self.log.warning("addition_years_missing", f"追加{number}: no year columns after 実施年度", lines[0].no)
        return years, lines[i:]

    def _footnotes(self, number: str, notes: list[_Line], record: list[_Line]) -> list[AkishimaFootnote]:
        if not notes:
            return []
        out: list[AkishimaFootnote] = []
        groups: list[list[_Line]] = []
        for ln in notes:
            if ln.text[:1] in "*＊※" or not groups:
                groups.append([ln])
            else:
                groups[-1].append(ln)
        for group in groups:
            text = join_wrapped(ln.text for ln in group)
            m = FOOTNOTE.match(text)
            if not m:
                self.log.warning("unrecognised_line", f"追加{number}: footnote without 「term」： {text[:80]!r}",
                                 group[0].no)
                continue
            term = m.group("term").strip()
            mark = regex.compile(regex.escape(term) + r"」?\s*[*＊]")
            refs = [ln.no for ln in record if not ln.filler and ln not in group and mark.search(ln.text)]
            out.append(AkishimaFootnote(term=term, definition=m.group("definition").strip(),
                                        source_line_start=group[0].no, source_line_end=group[-1].no,
                                        references=refs))
        return out

    # -- 第２章: reports -------------------------------------------------------------------------

    def _raw_reports(self, anchors: list[int], start: int, end: int,
                     policies: _PolicySeen) -> list[_RawReport]:
        """Cut 第２章 into reports: each runs from its heading (the numbered line before its
        ``基本データ`` label) to the line before the next heading or 基本方針 header."""
        lines = self.content(start, end)
        index = {ln.no: i for i, ln in enumerate(lines)}
        heads: list[tuple[int, regex.Match | None, int]] = []   # (line index, heading match, anchor)
        for anchor in anchors:
            i = index.get(anchor, 0) - 1
            while i >= 0 and len(lines[i].text) == 1:   # vertical label 基/本/デ/ー/タ
                i -= 1
            m = NUMBERED.match(lines[i].text) if i >= 0 else None
            if m is None or (heads and i <= heads[-1][0]):
                self.log.warning("report_heading_missing",
                                 "no numbered heading before this report's 基本データ; the 事業名 number is used",
                                 anchor)
                i = index.get(anchor, 0)
                m = None
            heads.append((i, m, anchor))
        policy_marks = [(i, m) for i, ln in enumerate(lines) if (m := POLICY.match(ln.text))]
        out: list[_RawReport] = []
        for j, (i, m, anchor) in enumerate(heads):
            stop = heads[j + 1][0] if j + 1 < len(heads) else len(lines)
            stop = min([stop, *(p for p, _ in policy_marks if i < p < stop)])
            policy = None
            for p, pm in policy_marks:
                if p < i:
                    policy = _ascii_no(pm.group("n"))
            body = lines[index[anchor]:stop] if anchor in index else []
            segments = self._segments(body, anchor)
            heading = m.group("name").strip() if m else ""
            code = _ascii_no(m.group("n")) if m else ""
            end_line = body[-1].no if body else anchor
            out.append(_RawReport(code, heading, lines[i].no, policy, segments, end_line))
            if i >= 0 and m is not None:
                between = [ln for ln in lines[i + 1:index[anchor]] if len(ln.text) != 1]
                for ln in between:
                    self.log.warning("unrecognised_line", f"report {code}: line before 基本データ skipped: "
                                     f"{ln.text[:80]!r}", ln.no)
        for p, pm in policy_marks:
            self._policy(policies, pm, lines[p].no, chapter2=True)
        return out

    def _segments(self, body: list[_Line], anchor: int) -> list[_Segment]:
        """Split a report's lines (from its 事業名 担当部署 label) into labelled segments; vertical
        labels (runs of one-character lines such as 事/業/概/要) are dropped."""
        segments: list[_Segment] = []
        in_schedule = False
        i = 0
        with_fillers = self.content(body[0].no, body[-1].no, fillers=True) if body else []
        while i < len(with_fillers):
            ln = with_fillers[i]
            if ln.filler:
                if segments:
                    segments[-1].lines.append(ln)
                i += 1
                continue
            run = self._vertical_run(with_fillers, i)
            if run:
                i += run
                continue
            key = match_key(ln.text)
            kind = _REPORT_LABELS.get(key)
            seg: _Segment | None = None
            if kind:
                seg = _Segment(kind, ln.no, ln.text)
            elif m := _YEAR_LABEL.match(key):
                seg = _Segment("year", ln.no, ln.text, year=parse_fiscal_year(m.group("year")))
            elif _SCHEDULE_LABEL.match(key) and find_fiscal_years(ln.text):
                seg = _Segment("schedule", ln.no, ln.text, years=[y.fiscal_year for y in find_fiscal_years(ln.text)])
                in_schedule = True
            elif in_schedule and key == _PLAN_LABEL:
                seg = _Segment("plan", ln.no, ln.text)
                in_schedule = False
            if seg is not None:
                segments.append(seg)
            elif segments:
                segments[-1].lines.append(ln)
            i += 1
        return segments

    @staticmethod
    def _vertical_run(lines: list[_Line], i: int) -> int:
        """Length (in entries, fillers included) of a vertical label starting at ``i``: three or more
        consecutive one-character lines. 0 when ``lines[i]`` does not start one."""
        chars = 0
        j = i
        while j < len(lines) and not lines[j].filler and len(lines[j].text) == 1:
            chars += 1
            j += 1
        return j - i if chars >= 3 else 0

    def _reports(self, raw_reports: list[_RawReport]) -> list[AkishimaReport]:
        """Build the reports: widths are calibrated on all reports first (the usual width of a full
        left-cell, progress and narrow line), then each report's segments are read."""
        wide_lines = [ln for r in raw_reports for s in r.segments if s.kind in ("overview", "year") for ln in s.lines]
        progress_lines = [ln for r in raw_reports for s in r.segments if s.kind == "progress" for ln in s.lines]
        narrow_lines = [ln for r in raw_reports for s in r.segments if s.kind == "plan" for ln in s.lines]
        widths = {"left": _usual_width(wide_lines), "progress": _usual_width(progress_lines),
                  "narrow": _narrow_usual_width(narrow_lines)}
        out: list[AkishimaReport] = []
        seen: set[str] = set()
        for raw in raw_reports:
            report = self._report(raw, widths)
            if report.code in seen:
                self.log.error("duplicate_report", f"a second report numbered {report.code} was dropped",
                               raw.heading_line)
                continue
            seen.add(report.code)
            out.append(report)
        return out

    def _report(self, raw: _RawReport, widths: dict[str, int | None]) -> AkishimaReport:
        report = AkishimaReport(code=raw.code, heading=raw.heading, heading_line=raw.heading_line,
                                policy_code=raw.policy_code, source_line_start=raw.heading_line,
                                source_line_end=raw.end_line)
        if raw.policy_code is None:
            self.log.warning("policy_missing", f"report {raw.code}: no 基本方針 header before it", raw.heading_line)
        kinds_seen: Counter[str] = Counter()
        narrow = widths["narrow"] or 16
        for seg in raw.segments:
            kinds_seen[seg.kind] += 1
            report.label_lines.setdefault(seg.kind if seg.kind != "year" else f"year:{seg.year}", seg.label_line)
            if seg.kind == "basic":
                self._basic(report, seg)
            elif seg.kind == "period":
                self._period(report, seg)
            elif seg.kind == "overview":
                cols = split_columns(seg.lines, widths["left"], narrow)
                self._column_issues(report.code, "目的・実施内容 | 目標", cols, seg)
                report.purpose = _join(cols.left, widths["left"])
                report.target = _join(cols.right, narrow - 2)
                report.target_lines = _sources(cols.right)
                report.overview_split = cols.rule
            elif seg.kind == "year":
                report.years.append(self._year_box(report.code, seg, widths["left"], narrow))
            elif seg.kind == "progress":
                report.progress = _join(seg.lines, widths["progress"])
            elif seg.kind == "schedule":
                extra = [ln for ln in seg.lines if not ln.filler]
                if extra:
                    self.log.warning("unrecognised_line", f"report {report.code}: text between スケジュール and 予定 "
                                     f"skipped: {extra[0].text[:80]!r}", extra[0].no)
            elif seg.kind == "plan":
                years = next((s.years for s in raw.segments if s.kind == "schedule"), [])
                report.schedule = self._schedule(report.code, seg, years, narrow)
        for kind in ("basic", "period", "overview", "progress", "plan"):
            if not kinds_seen[kind]:
                self.log.warning("report_label_missing", f"report {report.code}: its {kind} part was not found",
                                 raw.heading_line)
        if kinds_seen["year"] == 0:
            self.log.warning("report_label_missing", f"report {report.code}: no 事業達成状況 box found",
                             raw.heading_line)
        if not raw.code:
            report.code = report.business_number or ""
            report.heading = report.business_name or ""
        return report

    def _basic(self, report: AkishimaReport, seg: _Segment) -> None:
        """基本データ: 事業名 (wrapping onto a line that ends with ``部 X``), 課 (may wrap), 係 and 電話."""
        lines = [ln for ln in seg.lines if not ln.filler]
        div_index = next((i for i, ln in enumerate(lines) if DIVISION.search(ln.text)), None)
        if div_index is None:
            self.log.warning("division_missing", f"report {report.code}: no '部 …' in 担当部署", seg.label_line)
            div_index = len(lines)
            name_parts = [ln.text for ln in lines]
            rest: list[_Line] = []
        else:
            m = DIVISION.search(lines[div_index].text)
            report.division = m.group("division")
            head = lines[div_index].text[:m.start()].strip()
            name_parts = [ln.text for ln in lines[:div_index]] + ([head] if head else [])
            rest = lines[div_index + 1:]
        name = join_wrapped(name_parts)
        if name:
            nm = NUMBERED.match(name)
            report.business_number = _ascii_no(nm.group("n")) if nm else None
            report.business_name = nm.group("name").strip() if nm else name
        target: str | None = None
        parts: dict[str, list[str]] = {"department": [], "section": []}
        for ln in rest:
            if m := DEPARTMENT.match(ln.text):
                target = "department"
                parts["department"] = [m.group("department") or ""]
            elif ln.text.startswith("係") and (m := SECTION_PHONE.match(ln.text)):
                target = "section"
                parts["section"] = [m.group("section") or ""]
                if m.group("phone"):
                    report.phone = m.group("phone")
                    target = None
            elif m := PHONE.match(ln.text):
                report.phone = m.group("phone")
                target = None
            elif target is not None:
                parts[target].append(ln.text)
            else:
                self.log.warning("unrecognised_line", f"report {report.code}: 担当部署 line skipped: {ln.text[:80]!r}",
                                 ln.no)
        report.department = join_wrapped(parts["department"]) or None
        report.section = join_wrapped(parts["section"]) or None
        if report.department is None:
            self.log.warning("department_missing", f"report {report.code}: no '課 …' in 担当部署", seg.label_line)
        if report.phone is None:
            self.log.warning("phone_missing", f"report {report.code}: no 電話 in 担当部署", seg.label_line)

    def _period(self, report: AkishimaReport, seg: _Segment) -> None:
        """事業期間 (``令和４年～令和８年``) and the 関連法令・条例・計画等 text after it (may wrap)."""
        lines = [ln for ln in seg.lines if not ln.filler]
        if not lines:
            self.log.warning("period_missing", f"report {report.code}: 事業期間 is empty", seg.label_line)
            return
        first = lines[0].text
        years = find_fiscal_years(first)
        if not years:
            self.log.warning("period_missing", f"report {report.code}: no years in 事業期間 {first!r}", lines[0].no)
            report.related_laws = join_wrapped(ln.text for ln in lines) or None
            return
        cut = years[1].end if len(years) >= 2 else years[0].end
        report.period_text = first[:cut].strip()
        report.start_fy, report.end_fy = parse_fiscal_year_range(report.period_text)
        law = join_wrapped([first[cut:], *(ln.text for ln in lines[1:])])
        report.related_laws = law or None

    def _year_box(self, code: str, seg: _Segment, left_full: int | None, narrow: int) -> AkishimaYearBox:
        cols = split_columns(seg.lines, left_full, narrow)
        self._column_issues(code, seg.label, cols, seg)
        if seg.year is None:
            self.log.warning("year_missing", f"report {code}: no fiscal year in {seg.label!r}", seg.label_line)
        content = [ln for ln in seg.lines if not ln.filler]
        return AkishimaYearBox(
            fiscal_year=seg.year or 0, label=_clean(seg.label), result=_join(cols.left, left_full),
            target=_join(cols.right, narrow - 2), split=cols.rule,
            source_line_start=seg.label_line, source_line_end=content[-1].no if content else seg.label_line,
            result_lines=_sources(cols.left), target_lines=_sources(cols.right),
        )

    def _column_issues(self, code: str, label: str, cols: _Columns, seg: _Segment) -> None:
        where = f"report {code}, {_clean(label)}"
        if cols.rule == "shared_line":
            self.log.warning("shared_line_split",
                             f"{where}: one line holds the end of the left cell and the start of the 目標 cell; "
                             f"split at its last space ({cols.left[-1].text[-20:]!r} | {cols.right[0].text!r})",
                             cols.right[0].no)
        elif cols.rule in ("no_wide_line", "target_kept"):
            self.log.warning("column_split_guess",
                             f"{where}: the left and 目標 cells could not be told apart by width "
                             f"(rule {cols.rule}); 目標 = {' '.join(ln.text for ln in cols.right)[:60]!r}",
                             cols.right[0].no if cols.right else seg.label_line)
        if not cols.left or not cols.right:
            self.log.warning("empty_cell", f"{where}: the {'left' if not cols.left else '目標'} cell is empty",
                             seg.label_line)

    def _schedule(self, code: str, seg: _Segment, years: list[int], narrow: int) -> list[AkishimaScheduleCell]:
        """The 予定 row: items (``_schedule_items``) assigned to the fiscal years of the スケジュール
        header (``split_schedule``); guesses are reported."""
        if not years:
            self.log.warning("schedule_years_missing", f"report {code}: the スケジュール header names no year",
                             seg.label_line)
            return []
        items, unsplittable = _schedule_items(seg.lines, narrow)
        for no in unsplittable:
            self.log.warning("schedule_line_too_wide", f"report {code}: a schedule line wider than a cell has no "
                             "space to split it at; kept in one cell", no)
        split = split_schedule(items, len(years))
        texts = ["\n".join(it.text for it in cell) or None for cell in split.cells]
        shown = " | ".join(f"FY{y}: {(t or '-').replace(chr(10), ' / ')}" for y, t in zip(years, texts, strict=True))
        line = items[0].parts[0][0] if items else seg.label_line
        identical = len({match_key(t or "") for t in texts}) == 1
        if split.rule in ("no_repeat", "parallel") and not identical:
            how = ("no cell lists the same activity twice" if split.rule == "no_repeat" else
                   "no cell lists the same activity twice; of the remaining splits the one whose cells run in "
                   "parallel (same activities, even sizes) was taken")
            self.log.warning("schedule_split_inferred",
                             f"report {code}: the {len(items)} schedule items were assigned to years by rule "
                             f"({how}): {shown}", line)
        elif split.rule in ("ambiguous_first_year", "unsplit", "overflow"):
            self.log.warning("schedule_split_ambiguous",
                             f"report {code}: the text cannot tell which year some schedule items belong to "
                             f"(rule {split.rule}); undecided items are kept on the earliest possible year: {shown}",
                             line)
        cells = []
        for year, cell, text in zip(years, split.cells, texts, strict=True):
            nos = [no for it in cell for no, _ in it.parts]
            cells.append(AkishimaScheduleCell(fiscal_year=year, plan=text, rule=split.rule,
                                              source_line_start=min(nos) if nos else None,
                                              source_line_end=max(nos) if nos else None))
        return cells

    # -- cross-checks ---------------------------------------------------------------------------

    def _cross_check(self, rows: list[AkishimaStatusRow], revisions: list[AkishimaRevision],
                     reports: list[AkishimaReport], legend: dict[str, str]) -> None:
        """List vs reports (numbers, names, 事業名), 見直し vs △/× marks, policies, phone numbers,
        関連法令 equal to the 施策's own name, result cells holding only an assessment word."""
        by_code = {r.code: r for r in reports}
        listed = {s.code: s for s in rows}
        for s in rows:
            r = by_code.get(s.code)
            if r is None:
                self.log.warning("check_report_missing",
                                 f"施策 {s.code} {s.name!r} is in the status list but has no 第２章 report", s.source_line)
                continue
            if match_key(r.heading) != match_key(s.name):
                self.log.warning("check_heading_name_differs",
                                 f"施策 {s.code}: report heading {r.heading!r} differs from the status list name "
                                 f"{s.name!r} (the list name is kept)", r.heading_line)
            if r.business_name and match_key(r.business_name) != match_key(s.name):
                self.log.warning("check_report_name_differs",
                                 f"施策 {s.code}: 事業名 {r.business_name!r} differs from the status list name {s.name!r} "
                                 "(kept in initiatives.report_name)", r.label_lines.get("basic"))
        for r in reports:
            if r.code not in listed:
                self.log.warning("check_status_missing",
                                 f"report {r.code} {r.heading!r} is not in the status list: it has no mark",
                                 r.heading_line)
            if r.business_number and r.business_number != r.code:
                self.log.warning("check_report_number_differs",
                                 f"report {r.code}: its 事業名 is numbered {r.business_number}", r.label_lines.get("basic"))
            if r.related_laws and r.business_name and match_key(r.related_laws) in (
                    match_key(r.business_name), match_key(r.heading)):
                self.log.warning("check_related_law_is_name",
                                 f"report {r.code}: 関連法令・条例・計画等 repeats the 施策's own name "
                                 f"({r.related_laws!r}); kept as written, probably misplaced", r.label_lines.get("period"))
            for box in r.years:
                if box.result and status_from_mark(box.result) is not None:
                    mark = listed[r.code].mark if r.code in listed else None
                    self.log.warning("check_result_is_assessment",
                                     f"施策 {r.code} FY{box.fiscal_year}: the 事業達成状況 cell holds only the assessment "
                                     f"{box.result!r} (recorded as the year's status); the status list marks the 施策 "
                                     f"{mark}", box.result_line)
        self._check_revisions(rows, revisions, by_code)
        self._check_phones(reports)

    def _check_revisions(self, rows: list[AkishimaStatusRow], revisions: list[AkishimaRevision],
                         by_code: dict[str, AkishimaReport]) -> None:
        """The 見直し section must name exactly the 施策 whose mark is not on track, with the same
        mark, name and 基本方針."""
        revised = {r.code: r for r in revisions}
        for s in rows:
            needs = status_from_mark(s.mark) not in (None, status_from_mark("\u3007"))
            if needs and s.code not in revised:
                self.log.warning("check_revision_missing",
                                 f"施策 {s.code} is marked {s.mark} but has no entry in 「施策の見直し」", s.source_line)
        listed = {s.code: s for s in rows}
        for r in revisions:
            s = listed.get(r.code)
            if s is None:
                self.log.warning("check_revision_unexpected",
                                 f"見直し entry {r.code} {r.name!r} is not in the status list", r.source_line_start)
                continue
            if status_from_mark(s.mark) == status_from_mark("\u3007"):
                self.log.warning("check_revision_unexpected",
                                 f"見直し entry for 施策 {r.code}, which the status list marks {s.mark}",
                                 r.source_line_start)
            if r.mark != s.mark:
                self.log.warning("check_revision_mark_differs",
                                 f"施策 {r.code}: 見直し says 【達成状況：{r.mark}】, the status list {s.mark}",
                                 r.source_line_start)
            if match_key(r.name) != match_key(s.name):
                self.log.warning("check_revision_name_differs",
                                 f"施策 {r.code}: 見直し names it {r.name!r}, the status list {s.name!r}",
                                 r.source_line_start)
            report = by_code.get(r.code)
            if report and r.policy_code and report.policy_code and r.policy_code != report.policy_code:
                self.log.warning("check_revision_policy_differs",
                                 f"施策 {r.code}: 見直し places it under 基本方針{r.policy_code}, 第２章 under "
                                 f"基本方針{report.policy_code}", r.source_line_start)

    def _check_phones(self, reports: list[AkishimaReport]) -> None:
        """One 部/課/係 should have one 電話: a report whose number differs from the one most reports
        of the same unit give is reported (with the unit that number belongs to, if any)."""
        units: dict[tuple, list[AkishimaReport]] = {}
        for r in reports:
            if r.phone:
                units.setdefault((r.division, r.department, r.section), []).append(r)
        owner: dict[str, tuple] = {}   # number → the unit whose usual number it is
        for unit, rs in units.items():
            owner.setdefault(Counter(r.phone for r in rs).most_common(1)[0][0], unit)
        for unit, rs in units.items():
            counts = Counter(r.phone for r in rs)
            if len(counts) < 2:
                continue
            usual, usual_n = counts.most_common(1)[0]
            if list(counts.values()).count(usual_n) > 1:
                continue   # no majority: nothing to compare with
            for r in rs:
                if r.phone != usual:
                    other = owner.get(r.phone)
                    also = f"; {r.phone} is the number of {'/'.join(x for x in other if x)}" if other and \
                        other != unit else ""
                    self.log.warning("check_phone_variant",
                                     f"report {r.code}: 電話 {r.phone} for {'/'.join(x for x in unit if x)}, "
                                     f"which the other reports give as {usual}{also}", r.label_lines.get("basic"))


def _gantt_labels(lines: Sequence[_Line]) -> list[str]:
    """Bar labels of an added 施策's chart. A label line is continued on the next one when it ends
    where a phrase cannot: after a particle (の, な, を …), inside a katakana word, or after a
    Latin word that the next line continues without a space (``Web`` / ``会議ツール``)."""
    labels: list[str] = []
    prev = ""
    for ln in lines:
        if ln.filler or not ln.text:
            continue
        text = ln.text
        if labels and _label_continues(prev, text):
            labels[-1] = join_wrapped([labels[-1], text])
        else:
            labels.append(text)
        prev = text
    return labels


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "ー"


def _label_continues(prev: str, nxt: str) -> bool:
    last, first = prev[-1:], nxt[:1]
    if last in _PARTICLE_END:
        return True
    if _is_katakana(last) and _is_katakana(first):
        return True
    return last.isascii() and last.isalpha() and not first.isascii()
