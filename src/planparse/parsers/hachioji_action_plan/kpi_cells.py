"""The 目標/ＫＰＩ row: marks and texts → one cell per fiscal-year column (notes §3.2, §5.7, §6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from planparse.memo import _memo
from planparse.normalize import (
    join_wrapped,
    match_key,
    nfkc,
)
from planparse.parsers.hachioji_action_plan.model import Context, Piece, Unit
from planparse.parsers.hachioji_action_plan.patterns import (
    CONTINUATION_START,
    FRESH_START_NOT,
    KPI_LABEL_END,
    LABEL_BULLETS,
    LABEL_CUT,
    LABEL_LEAD,
    LABEL_NOISE,
    LIST_ITEM,
    MARK_LINE,
    OPEN_END,
    SUB_HEADING,
    YEAR_LED,
)


@dataclass(slots=True)
class Cell:
    """One 目標/ＫＰＩ cell: its marks (mark, line), its text lines, or the ``-`` text of a dash cell."""

    marks: list[tuple[str, int]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    text: str | None = None   # set for a "-" cell (one token of a "- -" line)


@_memo  # marks are written alike again and again
def mark_of(raw: str) -> str:
    """The mark of a mark line (``　【未達成】`` → ``【未達成】``; ``MARK_LINE``)."""
    return MARK_LINE.match(raw).group("mark")


@_memo  # a line is labelled for each box boundary of its card's last cells
def line_label(text: str) -> str:
    """The label a cell line starts with, for comparing lines: NFKC, bullets removed, cut at the
    first space or colon, digits removed (``・令和5年度事業効果測定`` → ``令和年度事業効果測定``)."""
    key = _unbulleted(nfkc(text).strip())
    cut = LABEL_CUT.search(key)
    return LABEL_NOISE.sub("", match_key(key[:cut.start()] if cut else key))


@_memo
def kpi_label(text: str) -> str:
    """The KPI a mark's text names: its first line cut at the first space, colon or digit
    (``執務室内文書　７１．３％削減`` → ``執務室内文書``, ``先行市調査：国立研究`` → ``先行市調査``)."""
    key = _unbulleted(nfkc(text).strip())
    cut = KPI_LABEL_END.search(key)
    return match_key(key[:cut.start()] if cut else key)


def _unbulleted(text: str) -> str:
    """``text`` (stripped) without its leading bullets (``LABEL_LEAD``). The pattern is tried only on a
    text starting with a bullet: a stripped text never starts with whitespace (every character the
    pattern's ``\\s`` matches is one ``str.strip`` removes)."""
    return LABEL_LEAD.sub("", text) if text[:1] in LABEL_BULLETS else text


def same_label(a: str, b: str) -> bool:
    """Two cell labels name the same KPI: equal, or one (≥ 4 characters) starts the other."""
    if len(a) < 3 or len(b) < 3:
        return False
    short, long_ = sorted((a, b), key=len)
    return (long_.startswith(short) and len(short) >= 4) or a == b


class KpiCells:
    """Split a KPI card's 目標/ＫＰＩ pieces into one cell per column.

    Order in the text: optional ``-`` cells (columns the project did not run), an unmarked first
    cell, then for each assessed column its mark(s) with their text, then the last column (the
    target, unmarked). Marks are given to columns from the last assessed one backwards: one mark
    per column, except that a column keeps several marks when they are different KPIs (their
    labels differ and do not occur in each other's text); for the last assessed column a mark
    joins only when its KPI is named again in the following target. The text after the last mark
    is split between the last assessed column and the target column (see ``_split_final``).
    """

    def __init__(self, owner: Context, code: str, unit: Unit, n_years: int, has_tag_remark: bool,
                 remarks: list[str]) -> None:
        self.p = owner
        self.lines = owner.lines
        self.code = code
        self.unit = unit
        self.n = n_years
        self.has_tag_remark = has_tag_remark
        self.remarks = remarks
        self.group_labels: dict[int, str] = {}  # mark group → its KPI label (``_group_label``), once asked

    def cells(self) -> list[Cell]:
        pieces = [p for p in self.unit.kpi if p.kind != "P"]
        cells = [Cell() for _ in range(self.n)]
        i = 0
        dashes: list[tuple[str, int]] = []
        while i < len(pieces) and pieces[i].kind in "ID":
            if pieces[i].kind == "D":
                raw = self.lines[pieces[i].first - 1].strip(" \u3000")
                dashes.extend((t, pieces[i].first) for t in raw.split(" ") if t)
            i += 1
        leading: list[Piece] = []
        while i < len(pieces) and pieces[i].kind != "M":
            if pieces[i].kind in "XD":
                leading.append(pieces[i])
            i += 1
        groups: list[tuple[tuple[str, int], list[Piece]]] = []
        for p in pieces[i:]:
            if p.kind == "M":
                mark = mark_of(self.lines[p.first - 1])
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
            elif YEAR_LED.match(nfkc(first_text).strip()) and len(groups) >= self.n - 1 - col:
                self.remarks.append(first_text)
                self.p.log.warning("baseline_in_kpi_row",
                                   f"card {self.code}: {first_text!r} (a year-labelled figure, the 備考 column) "
                                   "stands before the first mark; kept in remarks, not read as a year's cell",
                                   leading_lines[0], initiative=self.code)
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
                                   f"card {self.code}: no 【達成】/【未達成】 mark in its 目標/ＫＰＩ row", self.unit.anchor.first,
                                   initiative=self.code)
            return cells
        if assessed <= 0:
            self.p.log.warning("kpi_marks_unplaced",
                               f"card {self.code}: marks found but no assessed column is left after the "
                               "unmarked/`-` cells; the marks were put in the column before the target", groups[0][0][1],
                               initiative=self.code)
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
                               groups[-1][0][1], initiative=self.code)
        return cells

    def _group_text(self, group: tuple[tuple[str, int], list[Piece]]) -> str:
        return match_key("".join(self.lines[n - 1] for p in group[1] for n in p.lines))

    def _group_label(self, groups: list, g: int) -> str:
        """The KPI named by the first text line of mark group ``g`` (see ``kpi_label``), worked out once
        per group (``_distribute`` and ``_split_final`` both ask)."""
        label = self.group_labels.get(g)
        if label is None:
            label = self.group_labels[g] = next(
                (lab for p in groups[g][1] for n in p.lines if (lab := kpi_label(self.lines[n - 1]))), "")
        return label

    def _distribute(self, groups: list, n_years: int) -> list[list[int]]:
        """Mark groups → assessed columns (see the class docstring)."""
        m = len(groups)
        if m < n_years:
            self.p.log.warning("kpi_marks_missing",
                               f"card {self.code}: {m} marks for {n_years} assessed columns; the marks were given "
                               "to the last columns, the earlier ones stay unmarked", groups[0][0][1],
                               initiative=self.code)
            return [[] for _ in range(n_years - m)] + [[g] for g in range(m)]
        years: list[list[int]] = [[] for _ in range(n_years)]
        y = n_years - 1
        years[y].append(m - 1)
        group_texts: dict[int, str] = {}  # group → its text, once needed

        def text(o: int) -> str:
            if o not in group_texts:
                group_texts[o] = self._group_text(groups[o])
            return group_texts[o]

        def label(o: int) -> str:
            return self._group_label(groups, o)

        for g in range(m - 2, -1, -1):
            if g + 1 == y:  # exactly one mark left per remaining column
                y -= 1
            elif y > 0:
                members = years[y]
                lab = label(g)
                join = len(lab) >= 3 and not any(same_label(lab, label(o)) for o in members)
                if y == n_years - 1:
                    post = text(m - 1)  # the target's text
                    join = join and lab in post and \
                        (post + "".join(text(o) for o in members if o != m - 1)).count(lab) == 1
                else:
                    join = join and lab not in "".join(text(o) for o in members)
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

        def label_of_line(n: int) -> str:
            return line_label(self.lines[n - 1])

        def label_of_box(j: int) -> str:
            return label_of_line(boxes[j][0]) or line_label(join_wrapped(self.lines[n - 1] for n in boxes[j]))

        group_labels = [label_of_box(0)] + [self._group_label(groups, g) for g in last_members
                                            if g != len(groups) - 1]
        item_labels: list[str] = []
        for j in range(1, len(boxes)):
            if j <= 2:  # the result's first two boxes: the target restates how the result began
                item_labels.extend(label_of_line(n) for k, n in enumerate(boxes[j - 1])
                                   if k == 0 or self.lines[n - 1].lstrip(" \u3000").startswith(("・", "･")))
            label = label_of_box(j)
            if any(same_label(label, gl) for gl in group_labels if gl) or (len(label) >= 4 and label in item_labels):
                return self._flat(boxes[:j]), self._flat(boxes[j:])
        texts = [join_wrapped(self.lines[n - 1] for n in b) for b in boxes]
        last_delta = None
        for j, t in enumerate(texts):
            if "対目標" in match_key(t):
                last_delta = j
        if last_delta is not None and last_delta < len(boxes) - 1:
            j = last_delta + 1
            while j < len(boxes) - 1 and CONTINUATION_START.match(texts[j].strip(" \u3000")):
                j += 1
            return self._flat(boxes[:j]), self._flat(boxes[j:])
        j = self._parallel_start(boxes)
        if j is not None:
            self.p.log.warning("target_split_inferred",
                               f"card {self.code}: the target column is taken to start where the text begins a "
                               f"new item the result column does not have, or restates a line of it: result "
                               f"{join_wrapped(texts[:j])!r}, target {join_wrapped(texts[j:])!r}", boxes[j][0],
                               initiative=self.code)
            return self._flat(boxes[:j]), self._flat(boxes[j:])
        if len(boxes) == 1:
            self.p.log.warning("target_split_guessed",
                               f"card {self.code}: one text after the last mark; read as the target, the "
                               "assessed column keeps only its mark", boxes[0][0], initiative=self.code)
            return [], self._flat(boxes)
        j = self._best_boundary(texts, ["\n".join(self.lines[n - 1].strip(" \u3000") for n in b) for b in boxes])
        self.p.log.warning("target_split_guessed",
                           f"card {self.code}: the last assessed result and the target are not told apart by a "
                           f"repeated label or a 対目標 difference; split where a phrase ends nearest the middle: "
                           f"result {join_wrapped(texts[:j])!r}, target {join_wrapped(texts[j:])!r}", boxes[j][0],
                           initiative=self.code)
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
            if SUB_HEADING.match(firsts[j]) and not any(SUB_HEADING.match(f) for f in firsts[:j]):
                return j
        whole = ["".join(k) for k in keys]
        for j in range(len(boxes) - 2, 0, -1):
            if len(whole[-1]) >= 4 and whole[j - 1] == whole[-1]:
                return j
        for j in range(1, len(boxes)):
            if len(firsts[j]) >= 4 and any(firsts[j] in k for k in keys[:j]):
                return j
        return None

    def _final_boxes(self, pieces: list[Piece]) -> list[list[int]]:
        """Boxes of the text after the last mark; a box is cut after a line that closes a
        （対目標：…） bracket; a single box of several lines is cut into its lines."""
        boxes: list[list[int]] = []
        for p in pieces:
            if p.kind not in "XD":
                continue
            cur: list[int] = []
            for n in p.lines:
                cur.append(n)
                key = self.p.keys[n - 1]
                if key and not key.endswith(")"):
                    continue  # the box's text can end with ")" only where its last line does
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
            if OPEN_END.search(prev) or inside or FRESH_START_NOT.match(nxt) or len(match_key(nxt)) <= 2:
                continue
            score = abs(len(left) - total / 2)
            if nxt.startswith(("・", "･")) and LIST_ITEM.search("\n".join(texts_lines[:j])):
                score += 20  # inside a ・ list
            if nxt.startswith(("＜", "〈", "<", "【")):
                score -= 5  # a sub-heading (＜戸籍情報システム＞) opens a new cell
            if best is None or score <= best[0]:
                best = (score, j)
        if best is None:
            j = len(texts) - 1
            while j > 1 and (OPEN_END.search(texts[j - 1].strip(" \u3000")) or
                             FRESH_START_NOT.match(texts[j].strip(" \u3000"))):
                j -= 1
            return j
        return best[1]

    @staticmethod
    def _flat(boxes: Iterable[list[int]]) -> list[int]:
        return [n for b in boxes for n in b]
